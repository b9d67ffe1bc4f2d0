//! Decoding a resource's (or provider's) raw body against its schema: the
//! configuration value of the schema's implied type, with Terraform's
//! diagnostics for unknown, missing and mistyped arguments and blocks.
//! `dynamic` blocks are expanded here.

use crate::sources::Sources;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block as HclBlock, Body};
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_config::{RawBody, Src};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_lang::EvalContext;
use terrane_provider::{Block, Nesting};
use terrane_value::{Kind, Type, Value};

/// Decodes `body` against `schema`, evaluating expressions in `ctx`.
/// Returns an object of `schema.implied_type()`; on errors the offending
/// attributes are null and diagnostics say why.
pub fn decode_body(
    body: &RawBody,
    schema: &Block,
    ctx: &EvalContext,
    sources: &Sources,
) -> (Value, Diagnostics) {
    let mut diags = Diagnostics::new();
    let parts: Vec<(&Arc<Src>, &Body)> = body.parts.iter().map(|(s, b)| (s, b)).collect();
    let v = decode_parts(&parts, schema, ctx, sources, &mut diags, None);
    (v, diags)
}

fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a String>) -> Option<String> {
    candidates
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(s, _)| *s > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.clone())
}

pub(crate) fn eval_expr(
    expr: &Expression,
    src: &Arc<Src>,
    ctx: &EvalContext,
    sources: &Sources,
) -> Result<Value, Diagnostics> {
    let lsrc = sources.get(src);
    terrane_lang::eval(expr, ctx, &lsrc)
}

fn decode_parts(
    parts: &[(&Arc<Src>, &Body)],
    schema: &Block,
    ctx: &EvalContext,
    sources: &Sources,
    diags: &mut Diagnostics,
    block_range: Option<terrane_diagnostics::SourceRange>,
) -> Value {
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    let mut seen_attrs = std::collections::BTreeSet::new();
    // Block types written with block syntax (static or `dynamic`): an
    // attributes-as-blocks name written this way is not an argument.
    let written_blocks: std::collections::BTreeSet<&str> = parts
        .iter()
        .flat_map(|(_, body)| body.blocks())
        .filter_map(|blk| match blk.ident.as_str() {
            "dynamic" => blk.labels.first().map(|l| l.as_str()),
            ty => Some(ty),
        })
        .collect();
    // Attributes-as-blocks collections assigned with argument syntax.
    let mut assigned_blocks: BTreeMap<String, Value> = BTreeMap::new();
    for (src, body) in parts {
        for attr in body.attributes() {
            let name = attr.key.as_str();
            let range = src.range_of(&attr.key);
            if let Some(nb) = schema
                .blocks
                .get(name)
                .filter(|nb| nb.as_attribute && !written_blocks.contains(name))
            {
                if let Some(v) = eval_attribute(
                    name,
                    &attr.value,
                    &nb.collection_type(),
                    src,
                    ctx,
                    sources,
                    diags,
                ) {
                    assigned_blocks.insert(name.to_string(), v);
                }
                continue;
            }
            let Some(a) = schema
                .attributes
                .get(name)
                .filter(|a| a.optional || a.required)
            else {
                let mut detail = format!("An argument named \"{name}\" is not expected here.");
                if schema.blocks.contains_key(name) {
                    detail.push_str(&format!(
                        " Did you mean to define a block of type \"{name}\"?"
                    ));
                } else if let Some(s) = did_you_mean(
                    name,
                    schema
                        .attributes
                        .iter()
                        .filter(|(_, a)| a.optional || a.required)
                        .map(|(k, _)| k),
                ) {
                    detail.push_str(&format!(" Did you mean \"{s}\"?"));
                }
                diags.push(Diagnostic::error("Unsupported argument", detail).with_subject(range));
                continue;
            };
            seen_attrs.insert(name.to_string());
            if let Some(mut v) = eval_attribute(name, &attr.value, &a.ty, src, ctx, sources, diags)
            {
                if a.sensitive {
                    v = v.mark_sensitive();
                }
                out.insert(name.to_string(), v);
            }
        }
    }
    for (name, a) in &schema.attributes {
        if a.required && !seen_attrs.contains(name) {
            let mut d = Diagnostic::error(
                "Missing required argument",
                format!("The argument \"{name}\" is required, but no definition was found."),
            );
            if let Some(r) = &block_range {
                d = d.with_subject(r.clone());
            }
            diags.push(d);
        }
        out.entry(name.clone())
            .or_insert_with(|| Value::null(a.ty.clone()));
    }
    // Nested blocks, including `dynamic` ones, grouped by type.
    let mut found: BTreeMap<String, Vec<(Option<String>, Value)>> = BTreeMap::new();
    for (src, body) in parts {
        for blk in body.blocks() {
            let ty = blk.ident.as_str();
            if ty == "dynamic" {
                expand_dynamic(src, blk, schema, ctx, sources, diags, &mut found);
                continue;
            }
            let Some(nb) = schema.blocks.get(ty) else {
                let mut detail = format!("Blocks of type \"{ty}\" are not expected here.");
                if schema.attributes.contains_key(ty) {
                    detail.push_str(&format!(" Did you mean to define argument \"{ty}\"? If so, use the equals sign to assign it a value."));
                } else if let Some(s) = did_you_mean(ty, schema.blocks.keys()) {
                    detail.push_str(&format!(" Did you mean \"{s}\"?"));
                }
                diags.push(
                    Diagnostic::error("Unsupported block type", detail)
                        .with_subject(src.range_of(&blk.ident)),
                );
                continue;
            };
            let label = blk.labels.first().map(|l| l.as_str().to_string());
            let v = decode_parts(
                &[(src, &blk.body)],
                &nb.block,
                ctx,
                sources,
                diags,
                Some(src.range_of(&blk.ident)),
            );
            found.entry(ty.to_string()).or_default().push((label, v));
        }
    }
    for (name, nb) in &schema.blocks {
        if let Some(v) = assigned_blocks.remove(name) {
            out.insert(name.clone(), v);
            continue;
        }
        let inner = nb.block.implied_type();
        let items = found.remove(name).unwrap_or_default();
        let v = match nb.nesting {
            // Attributes as blocks: no blocks (and no argument) is "not
            // set" (null), which differs from an explicit `= []`.
            Nesting::List | Nesting::Set if nb.as_attribute && items.is_empty() => {
                Value::null(nb.collection_type())
            }
            Nesting::Single | Nesting::Group => {
                if items.len() > 1 {
                    diags.push(Diagnostic::error(
                        "Too many blocks",
                        format!("No more than 1 \"{name}\" blocks are allowed"),
                    ));
                }
                match items.into_iter().next() {
                    Some((_, v)) => v,
                    None if nb.nesting == Nesting::Group => empty_group(&nb.block),
                    None => Value::null(inner),
                }
            }
            Nesting::List | Nesting::Set => {
                let n = items.len() as u64;
                if nb.min_items > 0 && n < nb.min_items {
                    diags.push(Diagnostic::error(
                        "Insufficient blocks",
                        format!("At least {} \"{name}\" blocks are required.", nb.min_items),
                    ));
                }
                if nb.max_items > 0 && n > nb.max_items {
                    diags.push(Diagnostic::error(
                        "Too many blocks",
                        format!(
                            "No more than {} \"{name}\" blocks are allowed",
                            nb.max_items
                        ),
                    ));
                }
                let vals = items.into_iter().map(|(_, v)| v).collect();
                if nb.nesting == Nesting::List {
                    Value::list(inner, vals)
                } else {
                    Value::set(inner, vals)
                }
            }
            Nesting::Map => {
                let m = items
                    .into_iter()
                    .map(|(l, v)| (l.unwrap_or_default(), v))
                    .collect();
                Value::map(inner, m)
            }
        };
        out.insert(name.clone(), v);
    }
    Value::object(out)
}

/// Evaluates an argument's expression and converts it to `ty`, reporting
/// failures as Terraform words them; `None` after an error.
fn eval_attribute(
    name: &str,
    expr: &Expression,
    ty: &Type,
    src: &Arc<Src>,
    ctx: &EvalContext,
    sources: &Sources,
    diags: &mut Diagnostics,
) -> Option<Value> {
    match eval_expr(expr, src, ctx, sources) {
        Ok(v) => match terrane_value::convert_owned(v, ty) {
            Ok(v) => Some(v),
            Err(e) => {
                diags.push(
                    Diagnostic::error(
                        "Incorrect attribute value type",
                        format!("Inappropriate value for attribute \"{name}\": {e}."),
                    )
                    .with_subject(src.range_of(expr)),
                );
                None
            }
        },
        Err(d) => {
            diags.extend(d);
            None
        }
    }
}

fn empty_group(b: &Block) -> Value {
    let mut m = BTreeMap::new();
    for (k, a) in &b.attributes {
        m.insert(k.clone(), Value::null(a.ty.clone()));
    }
    for (k, nb) in &b.blocks {
        let inner = nb.block.implied_type();
        let v = match nb.nesting {
            Nesting::Single => Value::null(inner),
            Nesting::Group => empty_group(&nb.block),
            Nesting::List => Value::list(inner, vec![]),
            Nesting::Set => Value::set(inner, vec![]),
            Nesting::Map => Value::map(inner, BTreeMap::new()),
        };
        m.insert(k.clone(), v);
    }
    Value::object(m)
}

fn expand_dynamic(
    src: &Arc<Src>,
    blk: &HclBlock,
    schema: &Block,
    ctx: &EvalContext,
    sources: &Sources,
    diags: &mut Diagnostics,
    found: &mut BTreeMap<String, Vec<(Option<String>, Value)>>,
) {
    let range = src.range_of(&blk.ident);
    let Some(ty) = blk.labels.first().map(|l| l.as_str().to_string()) else {
        diags.push(
            Diagnostic::error(
                "Missing block label",
                "A dynamic block needs one label: the type of block to generate.",
            )
            .with_subject(range),
        );
        return;
    };
    let Some(nb) = schema.blocks.get(&ty) else {
        diags.push(
            Diagnostic::error(
                "Unsupported block type",
                format!("Blocks of type \"{ty}\" are not expected here."),
            )
            .with_subject(range),
        );
        return;
    };
    let mut iterator = ty.clone();
    let mut for_each = None;
    let mut labels_expr = None;
    for a in blk.body.attributes() {
        match a.key.as_str() {
            "for_each" => for_each = Some(&a.value),
            "iterator" => {
                if let Expression::Variable(v) = &a.value {
                    iterator = v.as_str().to_string();
                }
            }
            "labels" => labels_expr = Some(&a.value),
            other => diags.push(
                Diagnostic::error(
                    "Unsupported argument",
                    format!("An argument named \"{other}\" is not expected here."),
                )
                .with_subject(src.range_of(&a.key)),
            ),
        }
    }
    let Some(fe) = for_each else {
        diags.push(
            Diagnostic::error(
                "Missing required argument",
                "The argument \"for_each\" is required, but no definition was found.",
            )
            .with_subject(range),
        );
        return;
    };
    let coll = match eval_expr(fe, src, ctx, sources) {
        Ok(v) => v,
        Err(d) => {
            diags.extend(d);
            return;
        }
    };
    let Some(content) = blk.body.blocks().find(|b| b.ident.as_str() == "content") else {
        diags.push(Diagnostic::error("Missing content block", "A dynamic block must have a nested block of type \"content\" to describe the body of each generated block.").with_subject(range));
        return;
    };
    let entries: Vec<(Value, Value)> = match &coll.kind {
        Kind::List(_, xs) | Kind::Tuple(xs) => xs
            .iter()
            .enumerate()
            .map(|(i, x)| (Value::number(i as i64), x.clone()))
            .collect(),
        Kind::Set(_, xs) => xs.iter().map(|x| (x.clone(), x.clone())).collect(),
        Kind::Map(_, m) | Kind::Object(m) => m
            .iter()
            .map(|(k, x)| (Value::string(k.clone()), x.clone()))
            .collect(),
        Kind::Null(_) => {
            diags.push(
                Diagnostic::error(
                    "Invalid dynamic for_each value",
                    "Cannot use a null value in for_each.",
                )
                .with_subject(src.range_of(fe)),
            );
            return;
        }
        Kind::Unknown(_) => {
            // Unknown collection: the block is unknown, as in Terraform.
            let inner = nb.block.implied_type();
            found
                .entry(ty)
                .or_default()
                .push((None, Value::unknown(inner)));
            return;
        }
        _ => {
            diags.push(
                Diagnostic::error(
                    "Invalid dynamic for_each value",
                    format!(
                        "Cannot use a {} value in for_each. An iterable collection is required.",
                        coll.ty().friendly_name()
                    ),
                )
                .with_subject(src.range_of(fe)),
            );
            return;
        }
    };
    for (k, v) in entries {
        let mut c = ctx.clone();
        let mut it = BTreeMap::new();
        it.insert("key".to_string(), k);
        it.insert("value".to_string(), v);
        c.set(iterator.clone(), Value::object(it));
        let label = match labels_expr {
            Some(le) => match eval_expr(le, src, &c, sources) {
                Ok(l) => l
                    .as_seq()
                    .and_then(|s| s.first())
                    .and_then(|x| x.as_str())
                    .map(String::from),
                Err(d) => {
                    diags.extend(d);
                    None
                }
            },
            None => None,
        };
        let v = decode_parts(
            &[(src, &content.body)],
            &nb.block,
            &c,
            sources,
            diags,
            Some(range.clone()),
        );
        found.entry(ty.clone()).or_default().push((label, v));
    }
}

/// The value with every attribute path in `paths` (relative to the
/// object) taken from `from` instead: used for `ignore_changes`.
pub fn overlay_paths(v: &Value, from: &Value, paths: &[Vec<String>]) -> Value {
    let mut out = v.clone();
    for p in paths {
        if let Some(src) = lookup(from, p) {
            set_path(&mut out, p, src.clone());
        }
    }
    out
}

fn lookup<'a>(v: &'a Value, p: &[String]) -> Option<&'a Value> {
    let mut cur = v;
    for step in p {
        cur = cur.get_attr(step)?;
    }
    Some(cur)
}

fn set_path(v: &mut Value, p: &[String], new: Value) {
    let Some((first, rest)) = p.split_first() else {
        *v = new;
        return;
    };
    if let Kind::Object(m) | Kind::Map(_, m) = &mut v.kind {
        if let Some(child) = m.get_mut(first) {
            set_path(child, rest, new);
        }
    }
}

/// Terraform's proposed new state: configuration values, with attributes
/// the provider computes (and the configuration leaves null) taken from the
/// prior state, or unknown when there is no prior object.
pub fn proposed_new(schema: &Block, prior: &Value, config: &Value) -> Value {
    if config.is_null() || !config.is_known() {
        return config.clone();
    }
    let prior_null = prior.is_null() || !prior.is_known();
    let mut out = BTreeMap::new();
    for (name, a) in &schema.attributes {
        let c = config
            .get_attr(name)
            .cloned()
            .unwrap_or_else(|| Value::null(a.ty.clone()));
        let p = if prior_null {
            None
        } else {
            prior.get_attr(name)
        };
        let v = if a.computed && c.is_null() {
            match p {
                Some(p) => p.clone(),
                None => Value::unknown(a.ty.clone()),
            }
        } else {
            c
        };
        out.insert(name.clone(), v);
    }
    for (name, nb) in &schema.blocks {
        let c = config
            .get_attr(name)
            .cloned()
            .unwrap_or_else(|| Value::null(nb.block.implied_type()));
        let p = if prior_null {
            None
        } else {
            prior.get_attr(name)
        };
        // Attributes as blocks are optional+computed arguments: unset keeps
        // the prior collection (unknown when creating).
        if nb.as_attribute && c.is_null() {
            let v = p
                .cloned()
                .unwrap_or_else(|| Value::unknown(nb.collection_type()));
            out.insert(name.clone(), v);
            continue;
        }
        let v = match (nb.nesting, p) {
            (Nesting::Single | Nesting::Group, Some(p)) => proposed_new(&nb.block, p, &c),
            (Nesting::Single | Nesting::Group, None) => {
                proposed_new(&nb.block, &Value::null(nb.block.implied_type()), &c)
            }
            (Nesting::List, p) => match (&c.kind, p.map(|p| &p.kind)) {
                (Kind::List(t, xs), Some(Kind::List(_, ps))) => Value::list(
                    t.clone(),
                    xs.iter()
                        .enumerate()
                        .map(|(i, x)| {
                            let pv = ps.get(i).cloned().unwrap_or_else(|| Value::null(t.clone()));
                            proposed_new(&nb.block, &pv, x)
                        })
                        .collect(),
                ),
                (Kind::List(t, xs), _) => Value::list(
                    t.clone(),
                    xs.iter()
                        .map(|x| proposed_new(&nb.block, &Value::null(t.clone()), x))
                        .collect(),
                ),
                _ => c,
            },
            (Nesting::Map, p) => match (&c.kind, p.and_then(|p| p.as_entries())) {
                (Kind::Map(t, xs), pm) => Value::map(
                    t.clone(),
                    xs.iter()
                        .map(|(k, x)| {
                            let pv = pm
                                .and_then(|m| m.get(k))
                                .cloned()
                                .unwrap_or_else(|| Value::null(t.clone()));
                            (k.clone(), proposed_new(&nb.block, &pv, x))
                        })
                        .collect(),
                ),
                _ => c,
            },
            (Nesting::Set, _) => match &c.kind {
                Kind::Set(t, xs) => Value::set(
                    t.clone(),
                    xs.iter()
                        .map(|x| proposed_new(&nb.block, &Value::null(t.clone()), x))
                        .collect(),
                ),
                _ => c,
            },
        };
        out.insert(name.clone(), v);
    }
    Value::object(out)
}

/// The type of `v` when it is null (used where a typed null is needed).
pub fn null_of(t: &Type) -> Value {
    Value::null(t.clone())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod attributes_as_blocks_tests {
    use super::*;
    use terrane_provider::{Attribute, NestedBlock};

    fn schema() -> Block {
        let rule = Block::default()
            .attr("port", Attribute::required(Type::Number))
            .attr("cidr", Attribute::optional(Type::String));
        Block::default()
            .attr("name", Attribute::optional(Type::String))
            .block(
                "ingress",
                NestedBlock::new(Nesting::Set, rule.clone()).attribute_syntax(),
            )
            .block("rule", NestedBlock::new(Nesting::List, rule))
    }

    fn decode(body: &str) -> (Value, Diagnostics) {
        let dir = tempfile::tempdir().unwrap();
        let text = format!("resource \"x_thing\" \"a\" {{\n{body}\n}}\n");
        std::fs::write(dir.path().join("main.tf"), text).unwrap();
        let (c, d) = terrane_config::load_config(dir.path());
        assert!(!d.has_errors(), "{d:?}");
        let c = c.unwrap();
        let sources = Sources::new(&c);
        let (_, r) = c.module.resources.iter().next().unwrap();
        decode_body(&r.body, &schema(), &EvalContext::default(), &sources)
    }

    fn ingress(v: &Value) -> &Value {
        v.get_attr("ingress").unwrap()
    }

    fn set_ty() -> Type {
        Type::set(schema().blocks["ingress"].block.implied_type())
    }

    #[test]
    fn block_syntax_builds_the_set_with_unset_optionals_null() {
        let (v, d) =
            decode("ingress {\n port = 80\n}\ningress {\n port = 443\n cidr = \"10.0.0.0/8\"\n}");
        assert!(!d.has_errors(), "{d:?}");
        assert_eq!(v.ty(), schema().implied_type());
        let items = ingress(&v).as_seq().unwrap().to_vec();
        assert_eq!(items.len(), 2);
        assert!(items.iter().any(|i| i.get_attr("cidr").unwrap().is_null()));
    }

    #[test]
    fn omitted_is_null_but_empty_list_is_an_empty_set() {
        let (v, d) = decode("name = \"x\"");
        assert!(!d.has_errors(), "{d:?}");
        assert_eq!(ingress(&v), &Value::null(set_ty()));
        // An ordinary block type stays an empty collection.
        assert_eq!(v.get_attr("rule").unwrap().len(), Some(0));
        assert!(!v.get_attr("rule").unwrap().is_null());

        let (v, d) = decode("ingress = []");
        assert!(!d.has_errors(), "{d:?}");
        assert_eq!(
            ingress(&v),
            &Value::set(set_ty().element_type().unwrap().clone(), vec![])
        );
    }

    #[test]
    fn argument_syntax_takes_any_expression_of_the_collection_type() {
        let (v, d) = decode(
            "ingress = [for p in [80, 443] : { port = p, cidr = p == 80 ? \"0.0.0.0/0\" : null }]",
        );
        assert!(!d.has_errors(), "{d:?}");
        assert_eq!(ingress(&v).ty(), set_ty());
        let items = ingress(&v).as_seq().unwrap().to_vec();
        assert_eq!(items.len(), 2);
        assert!(items.contains(&Value::object(BTreeMap::from([
            ("port".to_string(), Value::number(443)),
            ("cidr".to_string(), Value::null(Type::String)),
        ]))));
    }

    #[test]
    fn argument_syntax_needs_every_attribute() {
        let (v, d) = decode("ingress = [{ port = 80 }]");
        assert!(d.has_errors());
        let text = format!("{d:?}");
        assert!(text.contains("Incorrect attribute value type"), "{text}");
        assert!(text.contains("cidr"), "{text}");
        assert!(ingress(&v).is_null());
    }

    #[test]
    fn argument_and_blocks_cannot_be_mixed() {
        let (_, d) = decode("ingress = []\ningress {\n port = 80\n}");
        let text = format!("{d:?}");
        assert!(text.contains("Unsupported argument"), "{text}");
        // Ordinary block types never accept argument syntax.
        let (_, d) = decode("rule = []");
        let text = format!("{d:?}");
        assert!(text.contains("Unsupported argument"), "{text}");
    }

    #[test]
    fn dynamic_blocks_count_as_block_syntax() {
        let (v, d) = decode(
            "dynamic \"ingress\" {\n for_each = []\n content {\n port = ingress.value\n }\n}",
        );
        assert!(!d.has_errors(), "{d:?}");
        assert!(ingress(&v).is_null(), "no generated blocks means not set");
        let (v, d) = decode(
            "dynamic \"ingress\" {\n for_each = [22]\n content {\n port = ingress.value\n }\n}",
        );
        assert!(!d.has_errors(), "{d:?}");
        assert_eq!(ingress(&v).len(), Some(1));
    }

    #[test]
    fn proposed_new_keeps_the_prior_collection_only_when_unset() {
        let rule = |p: i64| {
            Value::object(BTreeMap::from([
                ("port".to_string(), Value::number(p)),
                ("cidr".to_string(), Value::null(Type::String)),
            ]))
        };
        let elem = set_ty().element_type().unwrap().clone();
        let prior_rules = Value::set(elem.clone(), vec![rule(22)]);
        let obj = |ingress: Value| {
            Value::object(BTreeMap::from([
                ("name".to_string(), Value::null(Type::String)),
                ("ingress".to_string(), ingress),
                ("rule".to_string(), Value::list(elem.clone(), vec![])),
            ]))
        };
        let prior = obj(prior_rules.clone());
        let unset = proposed_new(&schema(), &prior, &obj(Value::null(set_ty())));
        assert_eq!(ingress(&unset), &prior_rules);
        let none = proposed_new(&schema(), &prior, &obj(Value::set(elem.clone(), vec![])));
        assert_eq!(ingress(&none).len(), Some(0));
        let created = proposed_new(
            &schema(),
            &Value::null(schema().implied_type()),
            &obj(Value::null(set_ty())),
        );
        assert!(!ingress(&created).is_known());
    }
}
