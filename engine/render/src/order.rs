//! Terraform's display order of resource instances (`AbsResourceInstance`
//! ordering): shallower modules first, then module names and instance
//! keys, then data sources before managed resources, type, name, instance
//! key (no key, then numbers by value, then strings), then deposed key.
//! `show -json` and the plan text list changes in this order whatever
//! order the planner produced them in.

use std::cmp::Ordering;
use terrane_core::plan::{InstanceKey, Mode, ResourceChange};

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    None,
    Int(u64),
    Str(String),
}

fn parse_key(k: &str) -> Key {
    match k.parse::<u64>() {
        Ok(i) => Key::Int(i),
        Err(_) => Key::Str(serde_json::from_str::<String>(k).unwrap_or_else(|_| k.to_string())),
    }
}

/// `module.a["x"].module.b` → [("a", Str x), ("b", None)].
fn module_steps(module: &str) -> Vec<(String, Key)> {
    let mut out = Vec::new();
    let mut rest = module;
    while let Some(r) = rest.strip_prefix("module.") {
        let name_end = r.find(['.', '[']).unwrap_or(r.len());
        let name = r[..name_end].to_string();
        let mut after = &r[name_end..];
        let mut key = Key::None;
        if let Some(k) = after.strip_prefix('[') {
            // Keys are numbers or JSON-quoted strings without `]` inside
            // quotes in practice; find the closing bracket after the quote.
            let close = match k.strip_prefix('"') {
                Some(quoted) => quoted.find("\"]").map(|i| i + 2),
                None => k.find(']'),
            };
            if let Some(c) = close {
                key = parse_key(&k[..c]);
                after = &k[c + 1..];
            } else {
                after = "";
            }
        }
        out.push((name, key));
        rest = after.strip_prefix('.').unwrap_or(after);
    }
    out
}

fn instance_key(k: &InstanceKey) -> Key {
    match k {
        InstanceKey::None => Key::None,
        InstanceKey::Int(i) => Key::Int(*i),
        InstanceKey::Str(s) => Key::Str(s.clone()),
    }
}

/// Compares two changes in Terraform's order.
pub fn terraform_order(a: &ResourceChange, b: &ResourceChange) -> Ordering {
    let (ma, mb) = (
        module_steps(&a.module_address),
        module_steps(&b.module_address),
    );
    ma.len()
        .cmp(&mb.len())
        .then_with(|| ma.cmp(&mb))
        .then_with(|| (a.mode != Mode::Data).cmp(&(b.mode != Mode::Data)))
        .then_with(|| a.type_name.cmp(&b.type_name))
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| instance_key(&a.index).cmp(&instance_key(&b.index)))
        .then_with(|| a.deposed.cmp(&b.deposed))
}

/// The changes sorted in Terraform's order.
pub fn sorted(changes: &[ResourceChange]) -> Vec<&ResourceChange> {
    let mut v: Vec<&ResourceChange> = changes.iter().collect();
    v.sort_by(|a, b| terraform_order(a, b));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_parse() {
        assert_eq!(
            module_steps("module.b[\"y\"].module.leaf"),
            vec![
                ("b".to_string(), Key::Str("y".into())),
                ("leaf".to_string(), Key::None)
            ]
        );
        assert_eq!(
            module_steps("module.a[10]"),
            vec![("a".to_string(), Key::Int(10))]
        );
        assert!(module_steps("").is_empty());
    }

    #[test]
    fn numeric_keys_sort_by_value() {
        assert!(Key::Int(2) < Key::Int(10));
        assert!(Key::None < Key::Int(0));
        assert!(Key::Int(5) < Key::Str("a".into()));
    }
}
