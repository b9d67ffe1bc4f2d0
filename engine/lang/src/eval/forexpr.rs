//! `for` expressions: `[for ...]` and `{for ...}`, with `if` and grouping.

use super::{EResult, Evaluator};
use hcl_edit::expr::ForExpr;
use hcl_edit::Span;
use std::collections::BTreeMap;
use terrane_value::{convert, Marks, Type, Value};

impl Evaluator<'_> {
    pub(super) fn for_expr(&mut self, f: &ForExpr) -> EResult {
        let coll = self.eval_cow(&f.intro.collection_expr)?;
        let key_var = f.intro.key_var.as_ref().map(|k| k.value().as_str());
        let items =
            self.iteration_items(&coll, f.intro.collection_expr.span(), key_var.is_some())?;
        let mut marks = coll.marks;
        let Some(items) = items else {
            return Ok(Value::unknown(Type::Dynamic).with_marks(marks));
        };
        let value_var = f.intro.value_var.value().as_str();
        let mut list = Vec::new();
        let mut obj: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut unknown = false;
        self.for_each_item(key_var, value_var, items, |ev| {
            match ev.for_item(f, &mut marks)? {
                Item::Skip => {}
                Item::Unknown => unknown = true,
                Item::Elem(v) => list.push(v),
                Item::Pair(k, v, span) => {
                    if f.grouping {
                        groups.entry(k).or_default().push(v);
                    } else {
                        match obj.entry(k) {
                            std::collections::btree_map::Entry::Occupied(o) => {
                                return Err(ev.fail(
                                    "Duplicate object key",
                                    format!("Two different items produced the key \"{}\" in this 'for' expression. If duplicates are expected, use the ellipsis (...) after the value expression to enable grouping by key.", o.key()),
                                    span,
                                ));
                            }
                            std::collections::btree_map::Entry::Vacant(slot) => {
                                slot.insert(v);
                            }
                        }
                    }
                }
            }
            Ok(())
        })?;
        if unknown {
            return Ok(Value::unknown(Type::Dynamic).with_marks(marks));
        }
        let out = if f.key_expr.is_some() {
            if f.grouping {
                Value::object(
                    groups
                        .into_iter()
                        .map(|(k, vs)| (k, Value::tuple(vs)))
                        .collect(),
                )
            } else {
                Value::object(obj)
            }
        } else {
            Value::tuple(list)
        };
        Ok(out.with_marks(marks))
    }

    fn for_item(
        &mut self,
        f: &ForExpr,
        marks: &mut Marks,
    ) -> Result<Item, terrane_diagnostics::Diagnostics> {
        if let Some(cond) = &f.cond {
            let c = self.eval(&cond.expr)?;
            let span = cond.expr.span();
            if c.is_null() {
                return Err(self.fail(
                    "Condition is null",
                    "The value of the 'if' clause must not be null.",
                    span,
                ));
            }
            *marks = marks.union(c.marks);
            let b = convert(&c.clone().unmarked(), &Type::Bool).map_err(|e| {
                self.fail(
                    "Invalid 'for' condition",
                    format!("The 'if' clause value is invalid: {}.", e.message),
                    span,
                )
            })?;
            match b.as_bool() {
                None => return Ok(Item::Unknown),
                Some(false) => return Ok(Item::Skip),
                Some(true) => {}
            }
        }
        match &f.key_expr {
            None => Ok(Item::Elem(self.eval(&f.value_expr)?)),
            Some(ke) => {
                let k = self.eval(ke)?;
                let span = ke.span();
                if k.is_null() {
                    return Err(self.fail(
                        "Invalid object key",
                        "Key expression in 'for' expression must not produce a null value.",
                        span,
                    ));
                }
                *marks = marks.union(k.marks);
                let ks = convert(&k.clone().unmarked(), &Type::String).map_err(|e| {
                    self.fail(
                        "Invalid object key",
                        format!(
                            "The key expression produced an invalid result: {}.",
                            e.message
                        ),
                        span.clone(),
                    )
                })?;
                let v = self.eval(&f.value_expr)?;
                match ks.as_str() {
                    Some(s) => Ok(Item::Pair(s.to_string(), v, span)),
                    None => Ok(Item::Unknown),
                }
            }
        }
    }
}

enum Item {
    Skip,
    Unknown,
    Elem(Value),
    Pair(String, Value, Option<std::ops::Range<usize>>),
}
