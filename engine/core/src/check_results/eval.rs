//! Judging the conditions of one checkable object instance against the
//! values a walk left in the scopes: resource preconditions and
//! postconditions (`self` is the instance's planned or new object),
//! output preconditions and variable validations.

use super::{ERROR, FAIL, PASS, UNKNOWN};
use crate::scope::RepData;
use crate::walker::{expand, instance_addr, Walker};
use terrane_addrs::ModuleInstance;
use terrane_config::{CheckRule, ResourceBlock};
use terrane_diagnostics::Diagnostic;
use terrane_lang::EvalContext;
use terrane_value::Value;

/// The status of one object instance and its failure messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Judged {
    pub status: &'static str,
    pub messages: Vec<String>,
}

impl Judged {
    pub(crate) fn unknown() -> Judged {
        Judged {
            status: UNKNOWN,
            messages: Vec::new(),
        }
    }

    fn pass() -> Judged {
        Judged {
            status: PASS,
            messages: Vec::new(),
        }
    }

    /// The status of an object judged in two steps.
    pub(crate) fn and(mut self, other: Judged) -> Judged {
        self.status = aggregate([self.status, other.status]);
        self.messages.extend(other.messages);
        self
    }
}

/// Terraform's aggregation: any error, else any failure, else anything
/// undecided, else pass.
pub(crate) fn aggregate<'a>(statuses: impl IntoIterator<Item = &'a str>) -> &'static str {
    let (mut error, mut fail, mut unknown) = (false, false, false);
    for s in statuses {
        match s {
            PASS => {}
            ERROR => error = true,
            FAIL => fail = true,
            _ => unknown = true,
        }
    }
    if error {
        ERROR
    } else if fail {
        FAIL
    } else if unknown {
        UNKNOWN
    } else {
        PASS
    }
}

/// The error message of a failed `rule` (empty when it does not evaluate
/// to a string).
pub(crate) fn error_message(w: &Walker<'_>, rule: &CheckRule, ctx: &EvalContext) -> String {
    crate::decode::eval_expr(
        &rule.error_message.expr,
        &rule.error_message.src,
        ctx,
        &w.sources,
    )
    .ok()
    .and_then(|m| m.unmark_deep().0.as_str().map(String::from))
    .unwrap_or_default()
}

/// A failed rule to report as an error diagnostic.
pub(crate) struct Report<'s> {
    pub summary: &'s str,
}

/// Evaluates `rules` in module instance `m` (with `rd` as count/each and
/// `self_value` as `self`). With `report`, a false condition is pushed to
/// the walker's diagnostics as an error.
pub(crate) fn judge<'r>(
    w: &mut Walker<'_>,
    m: &ModuleInstance,
    rules: impl IntoIterator<Item = &'r CheckRule>,
    rd: &RepData,
    self_value: Option<&Value>,
    report: Option<&Report<'_>>,
) -> Judged {
    let mut statuses = Vec::new();
    let mut messages = Vec::new();
    for rule in rules {
        let mut refs = terrane_lang::references(&rule.condition.expr);
        refs.extend(terrane_lang::references(&rule.error_message.expr));
        let ctx = w.scopes.context(&w.base, m, &refs, rd, self_value);
        let cond =
            crate::decode::eval_expr(&rule.condition.expr, &rule.condition.src, &ctx, &w.sources);
        let v = match cond {
            Ok(v) => v.unmark_deep().0,
            Err(_) => {
                statuses.push(ERROR);
                continue;
            }
        };
        if !v.is_known() {
            statuses.push(UNKNOWN);
            continue;
        }
        if v.as_bool() != Some(false) {
            statuses.push(PASS);
            continue;
        }
        statuses.push(FAIL);
        let msg = error_message(w, rule, &ctx);
        if let Some(r) = report {
            w.diags.push(
                Diagnostic::error(r.summary, msg.clone()).with_subject(rule.condition.range()),
            );
        }
        messages.push(msg);
    }
    Judged {
        status: aggregate(statuses),
        messages,
    }
}

/// Which of a resource's conditions to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conditions {
    /// Preconditions only (before the instance is applied).
    Pre,
    /// Postconditions only (once it is).
    Post,
    /// Both, preconditions first (after a plan).
    Both,
}

/// Judges every instance of resource `rb` in module instance `m`: its
/// preconditions, and its postconditions with the instance's object as
/// `self` — its planned change's, when `planned` is given (the plan keeps
/// in scope only the values something reads), else the scopes' (an
/// instance without one is undecided). `None` when its instances are not
/// known. With `report`, failures are errors.
pub(crate) fn resource_instances(
    w: &mut Walker<'_>,
    m: &ModuleInstance,
    rb: &ResourceBlock,
    planned: Option<&crate::plan::ChangesByAddress>,
    which: Conditions,
    report: bool,
) -> Option<Vec<(String, Judged)>> {
    let refs = crate::graph::resource_meta_refs(rb);
    let ctx = w
        .scopes
        .context(&w.base, m, &refs, &RepData::default(), None);
    let (_, keys) = expand(rb.count.as_ref(), rb.for_each.as_ref(), &ctx, &w.sources).ok()?;
    let values = w
        .scopes
        .mods
        .get(m)
        .and_then(|s| s.resources.get(&rb.addr))
        .map(|r| r.instances.clone())
        .unwrap_or_default();
    let pre = Report {
        summary: "Resource precondition failed",
    };
    let post = Report {
        summary: "Resource postcondition failed",
    };
    let mut out = Vec::new();
    for (k, rd) in keys {
        let address = instance_addr(m, &rb.addr, &k);
        let a = if which == Conditions::Post {
            Judged::pass()
        } else {
            judge(
                w,
                m,
                &rb.lifecycle.preconditions,
                &rd,
                None,
                report.then_some(&pre),
            )
        };
        // A failed precondition leaves the postconditions unchecked.
        let obj = planned
            .and_then(|p| p.get(&address))
            .map(|c| &c.after)
            .or_else(|| values.get(&k));
        let b = match obj {
            _ if which == Conditions::Pre => Judged::pass(),
            _ if a.status == FAIL => Judged::unknown(),
            None => Judged::unknown(),
            Some(obj) => judge(
                w,
                m,
                &rb.lifecycle.postconditions,
                &rd,
                Some(obj),
                report.then_some(&post),
            ),
        };
        out.push((address, a.and(b)));
    }
    Some(out)
}
