//! The proposed new state: what the engine hands a provider's `plan_change`.
//!
//! Terraform's rule: configured values win; an attribute the configuration
//! leaves null keeps its prior value when the provider computes it, and stays
//! null otherwise. Nested blocks are paired with their prior counterparts (by
//! index for lists, by key for maps, by configured content for sets) so that
//! computed attributes inside them survive too.

use crate::{Block, Nesting};
use std::collections::BTreeMap;
use terrane_value::{Kind, Value};

/// Merges `config` over `prior` following `block`'s schema. A null `prior`
/// (create) is treated as an object with every attribute null.
pub fn proposed_new_state(block: &Block, prior: &Value, config: &Value) -> Value {
    if config.is_null() {
        return config.clone();
    }
    if !config.is_known() {
        return config.clone();
    }
    let empty = BTreeMap::new();
    let prior_attrs = match &prior.kind {
        Kind::Object(m) => m,
        _ => &empty,
    };
    let config_attrs = match &config.kind {
        Kind::Object(m) => m,
        _ => return config.clone(),
    };
    let mut out = BTreeMap::new();
    for (name, attr) in &block.attributes {
        let c = config_attrs.get(name).cloned().unwrap_or_default();
        let p = prior_attrs.get(name);
        let v = match p {
            Some(p) if attr.computed && c.is_null() => p.clone(),
            _ => c,
        };
        out.insert(name.clone(), v);
    }
    for (name, nb) in &block.blocks {
        let c = config_attrs.get(name).cloned().unwrap_or_default();
        let p = prior_attrs.get(name).cloned().unwrap_or_default();
        out.insert(name.clone(), proposed_nested(nb.nesting, &nb.block, &p, &c));
    }
    // Attributes the schema does not know are kept as configured.
    for (name, v) in config_attrs {
        out.entry(name.clone()).or_insert_with(|| v.clone());
    }
    Value::object(out).with_marks(config.marks)
}

fn proposed_nested(nesting: Nesting, block: &Block, prior: &Value, config: &Value) -> Value {
    if !config.is_known() || config.is_null() {
        return config.clone();
    }
    match (nesting, &config.kind) {
        (Nesting::Single | Nesting::Group, _) => proposed_new_state(block, prior, config),
        (Nesting::List, Kind::List(t, items)) => {
            let priors = prior.as_seq().unwrap_or(&[]);
            let merged = items
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let p = priors.get(i).cloned().unwrap_or_default();
                    proposed_new_state(block, &p, c)
                })
                .collect();
            Value::list(t.clone(), merged).with_marks(config.marks)
        }
        (Nesting::Map, Kind::Map(t, items)) => {
            let priors = prior.as_entries();
            let merged = items
                .iter()
                .map(|(k, c)| {
                    let p = priors.and_then(|m| m.get(k)).cloned().unwrap_or_default();
                    (k.clone(), proposed_new_state(block, &p, c))
                })
                .collect();
            Value::map(t.clone(), merged).with_marks(config.marks)
        }
        (Nesting::Set, Kind::Set(t, items)) => {
            let priors = prior.as_seq().unwrap_or(&[]);
            let merged = items
                .iter()
                .map(|c| {
                    let p = priors
                        .iter()
                        .find(|p| same_configured_content(block, p, c))
                        .cloned()
                        .unwrap_or_default();
                    proposed_new_state(block, &p, c)
                })
                .collect();
            Value::set(t.clone(), merged).with_marks(config.marks)
        }
        _ => config.clone(),
    }
}

/// True when every non-computed attribute of `config` equals `prior`'s.
fn same_configured_content(block: &Block, prior: &Value, config: &Value) -> bool {
    block
        .attributes
        .iter()
        .filter(|(_, a)| !a.computed)
        .all(|(name, _)| prior.get_attr(name) == config.get_attr(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Attribute;
    use terrane_value::Type;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn computed_attributes_keep_prior_values_others_follow_config() {
        let block = Block::default()
            .attr("name", Attribute::optional(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::optional_computed(Type::String));
        let prior = obj(&[
            ("name", Value::string("a")),
            ("id", Value::string("i-1")),
            ("arn", Value::string("arn:1")),
        ]);
        let config = obj(&[
            ("name", Value::null(Type::String)),
            ("id", Value::null(Type::String)),
            ("arn", Value::null(Type::String)),
        ]);
        let p = proposed_new_state(&block, &prior, &config);
        assert!(p.get_attr("name").unwrap().is_null());
        assert_eq!(p.get_attr("id").unwrap().as_str(), Some("i-1"));
        assert_eq!(p.get_attr("arn").unwrap().as_str(), Some("arn:1"));
    }

    #[test]
    fn create_leaves_computed_attributes_null() {
        let block = Block::default().attr("id", Attribute::computed(Type::String));
        let config = obj(&[("id", Value::null(Type::String))]);
        let p = proposed_new_state(&block, &Value::dynamic_null(), &config);
        assert!(p.get_attr("id").unwrap().is_null());
    }
}
