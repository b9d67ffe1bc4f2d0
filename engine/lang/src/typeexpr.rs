//! Type constraints (`variable "x" { type = ... }`) and `optional(...)`
//! defaults.

use crate::context::{EvalContext, Source};
use crate::eval::Evaluator;
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::Span;
use std::collections::{BTreeMap, BTreeSet};
use terrane_diagnostics::Diagnostic;
use terrane_value::{convert, Kind, Type, Value};

/// Default values declared with `optional(T, default)`, nested as the type
/// is: `defaults` for this object's attributes, `children` for attribute
/// types (by name), collection elements (key `""`) and tuple elements (by
/// index as text).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TypeDefaults {
    /// The type these defaults belong to.
    pub ty: Option<Type>,
    /// Attribute name to default value (object types only).
    pub defaults: BTreeMap<String, Value>,
    /// Defaults of nested types.
    pub children: BTreeMap<String, TypeDefaults>,
}

impl TypeDefaults {
    fn is_empty(&self) -> bool {
        self.defaults.is_empty() && self.children.is_empty()
    }
}

fn invalid(src: &Source, e: &Expression, detail: &str) -> Diagnostic {
    let d = Diagnostic::error("Invalid type specification", detail);
    match e.span() {
        Some(r) => d.with_subject(src.range(r.start, r.end)),
        None => d,
    }
}

/// Parses a type constraint expression. `src` is the text the expression
/// was parsed from (for ranges).
pub fn parse_type_constraint(
    expr: &Expression,
    src: &Source,
) -> Result<(Type, Option<TypeDefaults>), Diagnostic> {
    let (t, d) = type_of(expr, src, false)?;
    Ok((t, d.filter(|d| !d.is_empty())))
}

fn type_of(
    e: &Expression,
    src: &Source,
    in_object: bool,
) -> Result<(Type, Option<TypeDefaults>), Diagnostic> {
    match e {
        Expression::Parenthesis(p) => type_of(p.inner(), src, in_object),
        Expression::Variable(v) => match v.value().as_str() {
            "string" => Ok((Type::String, None)),
            "number" => Ok((Type::Number, None)),
            "bool" => Ok((Type::Bool, None)),
            "any" => Ok((Type::Dynamic, None)),
            // Terraform 0.11 spelling, still accepted: any element type.
            "list" if !in_object => Ok((Type::list(Type::Dynamic), None)),
            "map" if !in_object => Ok((Type::map(Type::Dynamic), None)),
            k @ ("list" | "map" | "set") => Err(invalid(
                src,
                e,
                &format!("The {k} type constructor requires one argument specifying the element type."),
            )),
            k @ ("object" | "tuple") => Err(invalid(
                src,
                e,
                &format!("The {k} type constructor requires one argument specifying the {} types as a {}.",
                    if k == "object" { "attribute" } else { "element" },
                    if k == "object" { "map" } else { "list" }),
            )),
            other => Err(invalid(src, e, &format!("The keyword \"{other}\" is not a valid type specification."))),
        },
        Expression::String(s) => {
            let name = s.value().as_str();
            let prefix = "Terraform 0.11 and earlier required type constraints to be given in quotes, but that form is now deprecated and will be removed in a future version of Terraform.";
            let (summary, detail) = match name {
                "string" => (
                    "Invalid quoted type constraints",
                    format!("{prefix} Remove the quotes around \"string\"."),
                ),
                "list" | "map" => (
                    "Invalid quoted type constraints",
                    format!("{prefix} Remove the quotes around \"{name}\" and write {name}(string) instead to explicitly indicate that the {name} elements are strings."),
                ),
                _ => (
                    "Invalid legacy variable type hint",
                    "To provide a full type expression, remove the surrounding quotes and give the type expression directly.".to_string(),
                ),
            };
            let d = Diagnostic::error(summary, detail);
            Err(match e.span() {
                Some(r) => d.with_subject(src.range(r.start, r.end)),
                None => d,
            })
        }
        Expression::FuncCall(f) => {
            let name = f.name.name.value().as_str();
            let args: Vec<&Expression> = f.args.iter().collect();
            match name {
                "list" | "set" | "map" => {
                    if args.len() != 1 {
                        return Err(invalid(src, e, &format!("The {name} type constructor requires one argument specifying the element type.")));
                    }
                    let (et, ed) = type_of(args[0], src, false)?;
                    let t = match name {
                        "list" => Type::list(et),
                        "set" => Type::set(et),
                        _ => Type::map(et),
                    };
                    let mut d = TypeDefaults { ty: Some(t.clone()), ..Default::default() };
                    if let Some(ed) = ed {
                        d.children.insert(String::new(), ed);
                    }
                    Ok((t, Some(d)))
                }
                "tuple" => {
                    let items = match args.as_slice() {
                        [Expression::Array(a)] => a,
                        _ => return Err(invalid(src, e, "The tuple type constructor requires one argument specifying the element types as a list.")),
                    };
                    let mut tys = Vec::new();
                    let mut d = TypeDefaults::default();
                    for (i, it) in items.iter().enumerate() {
                        let (t, cd) = type_of(it, src, false)?;
                        tys.push(t);
                        if let Some(cd) = cd {
                            d.children.insert(i.to_string(), cd);
                        }
                    }
                    let t = Type::Tuple(tys);
                    d.ty = Some(t.clone());
                    Ok((t, Some(d)))
                }
                "object" => {
                    let obj = match args.as_slice() {
                        [Expression::Object(o)] => o,
                        _ => return Err(invalid(src, e, "The object type constructor requires one argument specifying the attribute types as a map.")),
                    };
                    let mut attrs = BTreeMap::new();
                    let mut optional = BTreeSet::new();
                    let mut d = TypeDefaults::default();
                    for (k, v) in obj.iter() {
                        let key = match k {
                            ObjectKey::Ident(i) => i.value().as_str().to_string(),
                            ObjectKey::Expression(Expression::Variable(i)) => i.value().as_str().to_string(),
                            ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                            ObjectKey::Expression(ke) => {
                                return Err(invalid(src, ke, "Object constructor map keys must be attribute names."))
                            }
                        };
                        let ve = v.expr();
                        if let Expression::FuncCall(of) = ve {
                            if of.name.name.value().as_str() == "optional" {
                                let oargs: Vec<&Expression> = of.args.iter().collect();
                                if oargs.is_empty() || oargs.len() > 2 {
                                    return Err(invalid(src, ve, "Optional attribute modifier requires the attribute type as its first argument, and an optional default value as its second argument."));
                                }
                                let (at, ad) = type_of(oargs[0], src, true)?;
                                if let Some(def) = oargs.get(1) {
                                    let ctx = EvalContext::default();
                                    let mut ev = Evaluator::new(&ctx, src);
                                    let dv = ev.eval(def).map_err(|ds| {
                                        ds.into_iter().next().unwrap_or_else(|| Diagnostic::error("Invalid default value", ""))
                                    })?;
                                    let dv = convert(&dv, &at).map_err(|err| {
                                        let d = Diagnostic::error(
                                            "Invalid default value for optional attribute",
                                            format!("This default value is not compatible with the attribute's type constraint: {err}."),
                                        );
                                        match def.span() {
                                            Some(r) => d.with_subject(src.range(r.start, r.end)),
                                            None => d,
                                        }
                                    })?;
                                    d.defaults.insert(key.clone(), dv);
                                }
                                if let Some(ad) = ad {
                                    d.children.insert(key.clone(), ad);
                                }
                                optional.insert(key.clone());
                                attrs.insert(key, at);
                                continue;
                            }
                        }
                        let (at, ad) = type_of(ve, src, true)?;
                        if let Some(ad) = ad {
                            d.children.insert(key.clone(), ad);
                        }
                        attrs.insert(key, at);
                    }
                    let t = Type::Object { attrs, optional };
                    d.ty = Some(t.clone());
                    Ok((t, Some(d)))
                }
                "optional" => Err(invalid(
                    src,
                    e,
                    if in_object {
                        "Optional attribute modifier is only for attribute types directly inside an object type constraint."
                    } else {
                        "Keyword \"optional\" is valid only as a modifier for object type attributes."
                    },
                )),
                other => Err(invalid(src, e, &format!("Keyword \"{other}\" is not a valid type constructor."))),
            }
        }
        _ => Err(invalid(src, e, "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).")),
    }
}

/// Applies `optional(..., default)` defaults to a value already converted
/// to the constraint type: null optional attributes take their default,
/// recursively through nested objects, collections and tuples.
pub fn apply_defaults(v: &Value, d: &TypeDefaults) -> Value {
    let marks = v.marks;
    let out = match &v.kind {
        Kind::Object(attrs) => {
            let mut attrs = attrs.clone();
            for (k, dv) in &d.defaults {
                let missing = attrs.get(k).is_none_or(Value::is_null);
                if missing {
                    attrs.insert(k.clone(), dv.clone());
                }
            }
            for (k, cd) in &d.children {
                if let Some(x) = attrs.get(k).cloned() {
                    attrs.insert(k.clone(), apply_defaults(&x, cd));
                }
            }
            Value::object(attrs)
        }
        Kind::List(t, xs) | Kind::Set(t, xs) => match d.children.get("") {
            Some(cd) => {
                let items: Vec<Value> = xs.iter().map(|x| apply_defaults(x, cd)).collect();
                let et = items.first().map(Value::ty).unwrap_or_else(|| t.clone());
                let et = if et.has_dynamic() { t.clone() } else { et };
                if matches!(v.kind, Kind::List(..)) {
                    Value::list(et, items)
                } else {
                    Value::set(et, items)
                }
            }
            None => v.clone(),
        },
        Kind::Map(t, m) => match d.children.get("") {
            Some(cd) => {
                let items: BTreeMap<String, Value> = m
                    .iter()
                    .map(|(k, x)| (k.clone(), apply_defaults(x, cd)))
                    .collect();
                let et = items
                    .values()
                    .next()
                    .map(Value::ty)
                    .unwrap_or_else(|| t.clone());
                Value::map(et, items)
            }
            None => v.clone(),
        },
        Kind::Tuple(xs) => Value::tuple(
            xs.iter()
                .enumerate()
                .map(|(i, x)| match d.children.get(&i.to_string()) {
                    Some(cd) => apply_defaults(x, cd),
                    None => x.clone(),
                })
                .collect(),
        ),
        _ => v.clone(),
    };
    out.with_marks(marks)
}
