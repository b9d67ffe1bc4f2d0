//! `import` blocks: which existing objects (by ID) a plan adopts into
//! which resource instances, with `for_each` expansion.

use crate::decode::eval_expr;
use crate::scope::{RepData, Scopes};
use crate::sources::Sources;
use hcl_edit::expr::{Expression, TraversalOperator};
use std::collections::BTreeMap;
use terrane_addrs::{InstanceKey, ModuleInstance, Resource, ResourceMode};
use terrane_config::{Config, Import};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_lang::EvalContext;
use terrane_value::Kind;

/// The static target of an import block: module calls (names only), the
/// resource, and the index expression if any.
fn static_target(i: &Import) -> Option<(Vec<String>, Resource, Option<&Expression>)> {
    let Expression::Traversal(t) = &i.to.expr else {
        return None;
    };
    let Expression::Variable(root) = &t.expr else {
        return None;
    };
    let mut names: Vec<String> = vec![root.as_str().to_string()];
    let mut index = None;
    for op in &t.operators {
        match op.value() {
            TraversalOperator::GetAttr(a) if index.is_none() => names.push(a.as_str().to_string()),
            TraversalOperator::Index(e) if index.is_none() => index = Some(e),
            _ => return None,
        }
    }
    let mut modules = Vec::new();
    let mut rest = names.as_slice();
    while rest.len() >= 2 && rest[0] == "module" && rest.len() > 3 {
        modules.push(rest[1].clone());
        rest = &rest[2..];
    }
    let res = match rest {
        [d, t, n] if d == "data" => Resource::new(ResourceMode::Data, t.clone(), n.clone()),
        [t, n] => Resource::new(ResourceMode::Managed, t.clone(), n.clone()),
        _ => return None,
    };
    Some((modules, res, index))
}

/// The import IDs for instances of `addr` in the root module, by key.
pub fn import_ids(
    config: &Config,
    scopes: &Scopes,
    base: &EvalContext,
    sources: &Sources,
    addr: &Resource,
    m: &ModuleInstance,
) -> (BTreeMap<InstanceKey, String>, Diagnostics) {
    let mut out = BTreeMap::new();
    let mut diags = Diagnostics::new();
    if !m.is_root() {
        return (out, diags);
    }
    for imp in &config.module.imports {
        let Some((mods, res, index)) = static_target(imp) else {
            continue;
        };
        if !mods.is_empty() || &res != addr {
            continue;
        }
        let Some(id_expr) = &imp.id else { continue };
        let mut reps = vec![RepData::default()];
        if let Some(fe) = &imp.for_each {
            let refs = terrane_lang::references(&fe.expr);
            let ctx = scopes.context(base, m, &refs, &RepData::default(), None);
            match eval_expr(&fe.expr, &fe.src, &ctx, sources) {
                Ok(v) => {
                    reps = match &v.kind {
                        Kind::Map(_, e) | Kind::Object(e) => e
                            .iter()
                            .map(|(k, x)| RepData {
                                count_index: None,
                                each: Some((k.clone(), x.clone())),
                            })
                            .collect(),
                        Kind::Set(_, xs) | Kind::List(_, xs) | Kind::Tuple(xs) => xs
                            .iter()
                            .enumerate()
                            .map(|(i, x)| RepData {
                                count_index: None,
                                each: Some((
                                    x.as_str()
                                        .map(String::from)
                                        .unwrap_or_else(|| i.to_string()),
                                    x.clone(),
                                )),
                            })
                            .collect(),
                        _ => {
                            diags.push(
                                Diagnostic::error(
                                    "Invalid for_each argument",
                                    "The import block's for_each must be a map, set or list.",
                                )
                                .with_subject(fe.range()),
                            );
                            continue;
                        }
                    }
                }
                Err(d) => {
                    diags.extend(d);
                    continue;
                }
            }
        }
        for rd in reps {
            let mut refs = terrane_lang::references(&id_expr.expr);
            if let Some(ix) = index {
                refs.extend(terrane_lang::references(ix));
            }
            let ctx = scopes.context(base, m, &refs, &rd, None);
            let key = match index {
                None => InstanceKey::None,
                Some(ix) => match eval_expr(ix, &imp.to.src, &ctx, sources) {
                    Ok(v) => match (&v.kind, v.as_number().and_then(|n| n.to_i64())) {
                        (Kind::String(s), _) => InstanceKey::String(s.clone()),
                        (_, Some(i)) => InstanceKey::Int(i),
                        _ => {
                            diags.push(
                                Diagnostic::error(
                                    "Invalid import address",
                                    "The instance key must be a string or a whole number.",
                                )
                                .with_subject(imp.to.range()),
                            );
                            continue;
                        }
                    },
                    Err(d) => {
                        diags.extend(d);
                        continue;
                    }
                },
            };
            match eval_expr(&id_expr.expr, &id_expr.src, &ctx, sources) {
                Ok(v) => match v.unmark_deep().0.as_str() {
                    Some(s) => {
                        out.insert(key, s.to_string());
                    }
                    None => diags.push(
                        Diagnostic::error(
                            "Invalid import id argument",
                            "The import ID must be a known string.",
                        )
                        .with_subject(id_expr.range()),
                    ),
                },
                Err(d) => diags.extend(d),
            }
        }
    }
    (out, diags)
}
