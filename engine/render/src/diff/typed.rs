//! The differ: builds [`Diff`] trees from a [`Change`], guided by a schema
//! block or a type; dynamic values and embedded JSON strings go through the
//! JSON-shaped differ in [`json_like`].

use super::{process_slice, Act, BlockGroup, Blocks, Change, Diff, DiffKind, Line, Prim};
use serde_json::Value as J;
use std::borrow::Cow;
use std::collections::BTreeMap;
use terrane_provider::{Block, Nesting};
use terrane_value::Type;

/// The diff of a resource object against its schema block.
pub fn diff_block(change: &crate::PlanChange, block: &Block) -> Diff {
    let c = change.as_change();
    block_diff(&c, block)
}

/// The diff of a resource object where only some attributes matter (drift
/// in a normal plan): attributes off every `relevant` path are shown as
/// unchanged.
pub fn diff_block_relevant(change: &crate::PlanChange, block: &Block, relevant: &[Vec<J>]) -> Diff {
    let mut c = change.as_change();
    c.relevant = super::Relevant::Paths(relevant.iter().map(Vec::as_slice).collect());
    block_diff(&c, block)
}

/// The diff of an output value (or any value without a schema).
pub fn diff_output(change: &crate::PlanChange) -> Diff {
    output_diff(&change.as_change())
}

/// The diff of a value of a known type.
pub fn diff_value(change: &crate::PlanChange, ty: &Type) -> Diff {
    type_diff(&change.as_change(), ty)
}

fn output_diff(c: &Change) -> Diff {
    if let Some(d) = sensitive_check(c, |x| type_diff(x, &Type::Dynamic), false) {
        return d;
    }
    if let Some(d) = unknown_check(c, |x| type_diff(x, &Type::Dynamic)) {
        return d;
    }
    json_like(c)
}

/// Wraps a sensitive value; `block` selects the block stand-in.
fn sensitive_check(c: &Change, inner: impl Fn(&Change) -> Diff, block: bool) -> Option<Diff> {
    let (bs, as_) = (c.is_before_sensitive(), c.is_after_sensitive());
    if !bs && !as_ {
        return None;
    }
    let plain = Change {
        before_sensitive: &super::NULL,
        after_sensitive: &super::NULL,
        ..c.clone()
    };
    let inner = inner(&plain);
    let mut action = inner.action;
    let null_noop =
        c.before.is_null() && !c.before_explicit && c.after.is_null() && !c.after_explicit;
    if action == Act::NoOp && bs != as_ && !null_noop {
        action = Act::Update;
    }
    let kind = if block {
        DiffKind::SensitiveBlock {
            inner: Box::new(inner),
            before: bs,
            after: as_,
        }
    } else {
        DiffKind::Sensitive {
            inner: Box::new(inner),
            before: bs,
            after: as_,
        }
    };
    Some(Diff::new(kind, action, c.replace.matches()))
}

fn unknown_check(c: &Change, before: impl Fn(&Change) -> Diff) -> Option<Diff> {
    if !c.is_unknown() {
        return None;
    }
    let mut cur = c.clone();
    cur.after_explicit = true;
    let replace = cur.replace.matches();
    if cur.before.is_null() {
        return Some(Diff::new(
            DiffKind::Unknown { before: None },
            cur.action(),
            replace,
        ));
    }
    let b = before(&cur.as_delete());
    Some(Diff::new(
        DiffKind::Unknown {
            before: Some(Box::new(b)),
        },
        cur.action(),
        replace,
    ))
}

fn type_diff(c: &Change, ty: &Type) -> Diff {
    let mut c = c.clone();
    if !c.non_legacy {
        if c.before.as_str() == Some("") {
            c.before = &super::NULL;
        }
        if c.after.as_str() == Some("") {
            c.after = &super::NULL;
        }
    }
    if let Some(d) = sensitive_check(&c, |x| type_diff(x, ty), false) {
        return d;
    }
    if let Some(d) = unknown_check(&c, |x| type_diff(x, ty)) {
        return d;
    }
    let replace = c.replace.matches();
    match ty {
        Type::Dynamic => output_diff(&c),
        Type::String => string_diff(&c, replace),
        Type::Number => Diff::new(prim(&c, Prim::Number), c.action(), replace),
        Type::Bool => Diff::new(prim(&c, Prim::Bool), c.action(), replace),
        Type::Object { attrs, .. } => {
            let mut out = BTreeMap::new();
            let mut action = c.default_iteration_action();
            let mut children = c.children();
            for (name, aty) in attrs {
                let mut child = children.key(name).relevant_or_noop();
                child.before_explicit = false;
                child.after_explicit = false;
                let d = type_diff(&child, aty);
                if d.action == Act::NoOp && child.before.is_null() && child.after.is_null() {
                    continue;
                }
                action = action.combine(d.action);
                out.insert(name.clone(), d);
            }
            Diff::new(
                DiffKind::Object {
                    attrs: out,
                    nested: false,
                },
                action,
                replace,
            )
        }
        Type::Map(ety) => {
            let mut action = map_default(&c);
            let mut out = BTreeMap::new();
            let mut children = c.children();
            for k in c.all_keys() {
                let d = type_diff(&children.key(k).relevant_or_noop(), ety);
                action = action.combine(d.action);
                out.insert(k.to_string(), d);
            }
            Diff::new(
                DiffKind::Map {
                    elems: out,
                    nested: false,
                },
                action,
                replace,
            )
        }
        Type::List(ety) => {
            let empty = Vec::new();
            let b = c.before.as_array().unwrap_or(&empty);
            let a = c.after.as_array().unwrap_or(&empty);
            let is_obj = matches!(**ety, Type::Object { .. });
            let mut action = slice_default(&c);
            let mut elems = Vec::new();
            process_slice(
                b,
                a,
                |_| is_obj,
                |bi, ai| {
                    let d = type_diff(&c.index(bi, ai).all_relevant(), ety);
                    action = action.combine(d.action);
                    elems.push(d);
                },
            );
            Diff::new(
                DiffKind::List {
                    elems,
                    context: true,
                },
                action,
                replace,
            )
        }
        Type::Tuple(etys) => {
            let mut action = c.default_iteration_action();
            let mut elems = Vec::new();
            for (i, ety) in etys.iter().enumerate() {
                let d = type_diff(&c.index(i, i).relevant_or_noop(), ety);
                action = action.combine(d.action);
                elems.push(d);
            }
            Diff::new(
                DiffKind::List {
                    elems,
                    context: true,
                },
                action,
                replace,
            )
        }
        Type::Set(ety) => {
            let mut action = c.default_iteration_action();
            let mut elems = Vec::new();
            process_set(&c, |child| {
                let d = type_diff(child, ety);
                action = action.combine(d.action);
                elems.push(d);
            });
            Diff::new(
                DiffKind::Set {
                    elems,
                    nested: false,
                },
                action,
                replace,
            )
        }
    }
}

/// Starting action of a collection compared by its elements.
fn map_default(c: &Change) -> Act {
    let b = c.before.as_object().is_some();
    let a = c.after.as_object().is_some();
    match (b, a) {
        (true, false) => Act::Delete,
        (false, true) => Act::Create,
        _ => Act::NoOp,
    }
}

fn slice_default(c: &Change) -> Act {
    let b = c.before.as_array().is_some();
    let a = c.after.as_array().is_some();
    match (b, a) {
        (true, false) => Act::Delete,
        (false, true) => Act::Create,
        _ => Act::NoOp,
    }
}

fn prim(c: &Change, p: Prim) -> DiffKind {
    DiffKind::Primitive {
        before: c.before.clone(),
        after: c.after.clone(),
        prim: p,
    }
}

/// Pairs set elements: equal elements match, the rest are removed/added.
fn process_set(c: &Change, mut process: impl FnMut(&Change)) {
    let (blen, alen) = (c.before_len(), c.after_len());
    let mut found_after: Vec<Option<usize>> = vec![None; alen];
    let mut found_before: Vec<Option<usize>> = vec![None; blen];
    for (bi, fb) in found_before.iter_mut().enumerate() {
        for (ai, fa) in found_after.iter_mut().enumerate() {
            if fa.is_some() {
                continue;
            }
            let child = c.index(bi, ai);
            if child.before == child.after
                && child.is_before_sensitive() == child.is_after_sensitive()
                && !child.is_unknown()
            {
                *fb = Some(ai);
                *fa = Some(bi);
            }
        }
    }
    for (bi, fb) in found_before.iter().enumerate() {
        match fb {
            Some(ai) => process(&c.index(bi, *ai).all_relevant()),
            None => process(&c.index(bi, alen).all_relevant()),
        }
    }
    for (ai, fa) in found_after.iter().enumerate() {
        if fa.is_none() {
            process(&c.index(blen, ai).all_relevant());
        }
    }
}

fn block_diff(c: &Change, block: &Block) -> Diff {
    if let Some(d) = sensitive_check(c, |x| block_diff(x, block), true) {
        return d;
    }
    if let Some(d) = unknown_check(c, |x| block_diff(x, block)) {
        return d;
    }
    let mut c = c.clone();
    c.non_legacy = c.non_legacy || non_legacy(block);
    let mut action = c.default_iteration_action();
    let mut attrs = BTreeMap::new();
    // Attributes-as-blocks collections are attributes to Terraform (the
    // SDK declares them so), shown as `name = [ { ... } ]`.
    let as_attrs = block
        .blocks
        .iter()
        .filter(|(_, nb)| nb.as_attribute)
        .map(|(name, nb)| (name, Cow::Owned(nb.collection_type())));
    let all_attrs = block
        .attributes
        .iter()
        .map(|(name, a)| (name, Cow::Borrowed(&a.ty)))
        .chain(as_attrs);
    let mut children = c.children();
    for (name, ty) in all_attrs {
        let mut child = children.key(name).relevant_or_noop();
        child.before_explicit = false;
        child.after_explicit = false;
        let d = type_diff(&child, &ty);
        if d.action == Act::NoOp && child.before.is_null() && child.after.is_null() {
            continue;
        }
        action = action.combine(d.action);
        attrs.insert(name.clone(), d);
    }
    let mut blocks = BTreeMap::new();
    for (name, nb) in block.blocks.iter().filter(|(_, nb)| !nb.as_attribute) {
        let child = children.key(name).relevant_or_noop();
        let absent = child.before.is_null() && child.after.is_null() && !child.is_unknown();
        let (group, act) = match nb.nesting {
            Nesting::Single | Nesting::Group => {
                let d = block_diff(&child, &nb.block);
                let a = d.action;
                (BlockGroup::Single(Box::new(d)), a)
            }
            Nesting::List => {
                let mut act = child.default_iteration_action();
                let mut ds = Vec::new();
                for i in 0..child.before_len().max(child.after_len()) {
                    let d = block_diff(&child.index(i, i).relevant_or_noop(), &nb.block);
                    act = act.combine(d.action);
                    ds.push(d);
                }
                (BlockGroup::List(ds), act)
            }
            Nesting::Set => {
                let mut act = child.default_iteration_action();
                let mut ds = Vec::new();
                process_set(&child, |x| {
                    let d = block_diff(x, &nb.block);
                    act = act.combine(d.action);
                    ds.push(d);
                });
                (BlockGroup::Set(ds), act)
            }
            Nesting::Map => {
                let mut act = map_default(&child);
                let mut ds = BTreeMap::new();
                let mut elements = child.children();
                for k in child.explicit_keys() {
                    let d = block_diff(&elements.key(k).relevant_or_noop(), &nb.block);
                    act = act.combine(d.action);
                    ds.insert(k.to_string(), d);
                }
                (BlockGroup::Map(ds), act)
            }
        };
        if act == Act::NoOp && absent {
            continue;
        }
        action = action.combine(act);
        blocks.insert(
            name.clone(),
            Blocks {
                group,
                replace: child.replace.matches(),
                before_sensitive: child.is_before_sensitive(),
                after_sensitive: child.is_after_sensitive(),
                unknown: child.is_unknown(),
            },
        );
    }
    Diff::new(
        DiffKind::Block { attrs, blocks },
        action,
        c.replace.matches(),
    )
}

/// Schemas with features newer than the legacy SDK keep empty strings as
/// written; legacy ones show `""` as null.
fn non_legacy(block: &Block) -> bool {
    if block
        .blocks
        .values()
        .any(|b| matches!(b.nesting, Nesting::Map | Nesting::Group))
    {
        return true;
    }
    block.attributes.values().any(|a| {
        let t = &a.ty;
        t.has_dynamic()
            || t.is_structural()
            || t.element_type().is_some_and(|e| {
                e.is_collection() && e.element_type().is_some_and(|x| !x.is_primitive())
            })
    })
}

/// How a string reads: null, JSON (object or array text), multi-line, or
/// plain.
enum StrForm {
    Null,
    Json(J),
    Multi(String),
    Plain,
}

fn str_form(v: &J) -> StrForm {
    let Some(s) = v.as_str() else {
        return StrForm::Null;
    };
    if s.starts_with('{') || s.starts_with('[') {
        if let Ok(j) = serde_json::from_str::<J>(s) {
            return StrForm::Json(j);
        }
    }
    if s.contains('\n') {
        return StrForm::Multi(s.trim().to_string());
    }
    StrForm::Plain
}

fn string_diff(c: &Change, replace: bool) -> Diff {
    let action = c.action();
    let plain = |c: &Change| Diff::new(prim(c, Prim::String), action, replace);
    let all_lines = |s: &str| DiffKind::MultilineString {
        lines: s
            .split('\n')
            .map(|l| Line {
                action: Act::NoOp,
                text: l.to_string(),
            })
            .collect(),
    };
    match action {
        Act::Create | Act::NoOp => match str_form(c.after) {
            StrForm::Json(j) => {
                let before = if action == Act::NoOp {
                    j.clone()
                } else {
                    J::Null
                };
                json_string(&before, &j, action, replace)
            }
            StrForm::Multi(s) => Diff::new(all_lines(&s), action, replace),
            _ => plain(c),
        },
        Act::Delete => match str_form(c.before) {
            StrForm::Json(j) => json_string(&j, &J::Null, action, replace),
            StrForm::Multi(s) => Diff::new(all_lines(&s), action, replace),
            _ => plain(c),
        },
        Act::Update => {
            let (bf, af) = (str_form(c.before), str_form(c.after));
            match (bf, af) {
                (StrForm::Json(b), StrForm::Json(a)) => json_string(&b, &a, action, replace),
                (StrForm::Json(_), _) | (_, StrForm::Json(_)) => {
                    let before = string_diff(&c.as_delete(), false);
                    let after = string_diff(&c.as_create(), false);
                    Diff::new(
                        DiffKind::TypeChange {
                            before: Box::new(before),
                            after: Box::new(after),
                        },
                        action,
                        replace,
                    )
                }
                (bf, af) => {
                    let bs = match bf {
                        StrForm::Multi(s) => Some(s),
                        _ => None,
                    };
                    let as_ = match af {
                        StrForm::Multi(s) => Some(s),
                        _ => None,
                    };
                    if bs.is_none() && as_.is_none() {
                        return plain(c);
                    }
                    let text = |m: Option<String>, v: &J| match m {
                        Some(s) => s,
                        None => v
                            .as_str()
                            .map_or_else(|| "null".to_string(), str::to_string),
                    };
                    let bt = text(bs, c.before);
                    let at = text(as_, c.after);
                    Diff::new(
                        DiffKind::MultilineString {
                            lines: line_diff(&bt, &at),
                        },
                        action,
                        replace,
                    )
                }
            }
        }
    }
}

/// Line diff of two multi-line strings, paired as Terraform pairs them.
pub(crate) fn line_diff(before: &str, after: &str) -> Vec<Line> {
    let b: Vec<&str> = before.split('\n').collect();
    let a: Vec<&str> = after.split('\n').collect();
    let mut out = Vec::new();
    let line = |action, text: &str| Line {
        action,
        text: text.to_string(),
    };
    process_slice(
        &b,
        &a,
        |_| false,
        |bi, ai| match (b.get(bi), a.get(ai)) {
            (None, Some(x)) => out.push(line(Act::Create, x)),
            (Some(x), None) => out.push(line(Act::Delete, x)),
            (Some(x), Some(y)) if x != y => {
                out.push(line(Act::Delete, x));
                out.push(line(Act::Create, y));
            }
            (Some(x), Some(_)) => out.push(line(Act::NoOp, x)),
            (None, None) => {}
        },
    );
    out
}

fn json_string(before: &J, after: &J, action: Act, replace: bool) -> Diff {
    let c = Change {
        before,
        after,
        before_explicit: action != Act::Create,
        after_explicit: action != Act::Delete,
        unknown: &super::NULL,
        before_sensitive: &super::NULL,
        after_sensitive: &super::NULL,
        replace: super::Matcher::default(),
        relevant: super::Relevant::Always,
        non_legacy: true,
    };
    let inner = json_like(&c);
    let whitespace_only = inner.action == Act::NoOp && action == Act::Update;
    Diff::new(
        DiffKind::JsonString {
            inner: Box::new(inner),
            whitespace_only,
        },
        action,
        replace,
    )
}

#[derive(PartialEq, Clone, Copy)]
enum JType {
    Null,
    Bool,
    Number,
    String,
    Object,
    Array,
}

fn jtype(v: &J) -> JType {
    match v {
        J::Null => JType::Null,
        J::Bool(_) => JType::Bool,
        J::Number(_) => JType::Number,
        J::String(_) => JType::String,
        J::Object(_) => JType::Object,
        J::Array(_) => JType::Array,
    }
}

/// The JSON-shaped differ used for dynamic values, outputs and embedded
/// JSON: objects by key, arrays as lists, strings as strings.
pub(crate) fn json_like(c: &Change) -> Diff {
    if let Some(d) = sensitive_check(c, json_like, false) {
        // JSON-shaped diffs never carry replace markers.
        return Diff {
            replace: false,
            ..d
        };
    }
    if let Some(d) = unknown_check(c, json_like) {
        // The JSON differ calls an unknown replacing null a creation.
        let action = if c.before.is_null() {
            Act::Create
        } else {
            Act::Update
        };
        return Diff {
            replace: false,
            action,
            ..d
        };
    }
    let (bt, at) = (jtype(c.before), jtype(c.after));
    let deleted = at == JType::Null && !c.after_explicit;
    let created = bt == JType::Null && !c.before_explicit;
    if bt == at || created || deleted {
        let t = if bt == JType::Null { at } else { bt };
        return json_update(c, t);
    }
    let b = json_update(&c.as_delete(), bt);
    let a = json_update(&c.as_create(), at);
    Diff::new(
        DiffKind::TypeChange {
            before: Box::new(b),
            after: Box::new(a),
        },
        Act::Update,
        false,
    )
}

fn json_update(c: &Change, t: JType) -> Diff {
    match t {
        JType::Null | JType::Bool | JType::Number | JType::String => {
            let before_missing = c.before.is_null() && !c.before_explicit;
            let after_missing = c.after.is_null() && !c.after_explicit;
            let action = if before_missing && !after_missing {
                Act::Create
            } else if !before_missing && after_missing {
                Act::Delete
            } else if c.before == c.after {
                Act::NoOp
            } else {
                Act::Update
            };
            if t == JType::String {
                return string_diff_json(c, action);
            }
            let p = match t {
                JType::Bool => Prim::Bool,
                JType::Number => Prim::Number,
                _ => Prim::Null,
            };
            Diff::new(prim(c, p), action, false)
        }
        JType::Object => {
            let mut action = map_default(c);
            let mut out = BTreeMap::new();
            let mut children = c.children();
            for k in c.all_keys() {
                let d = json_like(&children.key(k).relevant_or_noop());
                action = action.combine(d.action);
                out.insert(k.to_string(), d);
            }
            Diff::new(
                DiffKind::Object {
                    attrs: out,
                    nested: false,
                },
                action,
                false,
            )
        }
        JType::Array => {
            let empty = Vec::new();
            let b = c.before.as_array().unwrap_or(&empty);
            let a = c.after.as_array().unwrap_or(&empty);
            let mut action = slice_default(c);
            let mut elems = Vec::new();
            process_slice(
                b,
                a,
                |v| v.is_object(),
                |bi, ai| {
                    let d = json_like(&c.index(bi, ai));
                    action = action.combine(d.action);
                    elems.push(d);
                },
            );
            Diff::new(
                DiffKind::List {
                    elems,
                    context: true,
                },
                action,
                false,
            )
        }
    }
}

/// A string inside JSON-shaped data: the string rules with a fixed action.
fn string_diff_json(c: &Change, action: Act) -> Diff {
    let fixed = Change {
        before_explicit: action != Act::Create,
        after_explicit: action != Act::Delete,
        ..c.clone()
    };
    let mut d = string_diff(&fixed, false);
    d.action = action;
    d
}
