//! Apply and destroy progress lines and summaries, as Terraform's UI hook
//! and apply view print them: `addr: Creating...`,
//! `Creation complete after 1s [id=...]`, `Still creating... [...]`,
//! `Apply complete! Resources: ...`, and the `Outputs:` block.

use crate::plan_text::RenderOptions;
use crate::RenderError;
use std::collections::BTreeMap;
use std::time::Duration;
use terrane_state::StateFile;
use terrane_value::{Kind, Value};

/// What an apply step does to one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyOp {
    /// Creating a new object.
    Create,
    /// Updating in place.
    Update,
    /// Destroying.
    Delete,
    /// Reading a data source.
    Read,
}

impl ApplyOp {
    fn doing(self) -> &'static str {
        match self {
            ApplyOp::Create => "Creating...",
            ApplyOp::Update => "Modifying...",
            ApplyOp::Delete => "Destroying...",
            ApplyOp::Read => "Reading...",
        }
    }

    fn still(self) -> &'static str {
        match self {
            ApplyOp::Create => "Still creating...",
            ApplyOp::Update => "Still modifying...",
            ApplyOp::Delete => "Still destroying...",
            ApplyOp::Read => "Still reading...",
        }
    }

    fn done(self) -> &'static str {
        match self {
            ApplyOp::Create => "Creation complete",
            ApplyOp::Update => "Modifications complete",
            ApplyOp::Delete => "Destruction complete",
            ApplyOp::Read => "Read complete",
        }
    }
}

fn display_addr(address: &str, deposed: Option<&str>) -> String {
    match deposed {
        Some(d) => format!("{address} (deposed object {d})"),
        None => address.to_string(),
    }
}

/// The `id` of an object value, when known and non-empty.
pub fn object_id(v: &Value) -> Option<(&'static str, String)> {
    match v.get_attr("id").map(|x| &x.kind) {
        Some(Kind::String(s)) if !s.is_empty() => Some(("id", s.clone())),
        _ => None,
    }
}

/// The id of an object, or else its `name` (or `tags` Name), as Terraform
/// shows in "Destroying... [id=...]".
pub fn object_id_or_name(v: &Value) -> Option<(&'static str, String)> {
    if let Some(x) = object_id(v) {
        return Some(x);
    }
    if let Some(Kind::String(s)) = v.get_attr("name").map(|x| &x.kind) {
        if !s.is_empty() {
            return Some(("name", s.clone()));
        }
    }
    let tags = v.get_attr("tags")?;
    for key in ["name", "Name"] {
        if let Some(Kind::String(s)) = tags.get_attr(key).map(|x| &x.kind) {
            if !s.is_empty() {
                return Some(("tags.Name", s.clone()));
            }
        }
    }
    None
}

/// `addr: Creating...` / `addr (deposed object k): Destroying... [id=x]`.
/// `prior` is the object before the step (null when creating).
pub fn pre_apply_line(
    address: &str,
    deposed: Option<&str>,
    op: ApplyOp,
    prior: &Value,
    o: &RenderOptions,
) -> String {
    let suffix = object_id_or_name(prior)
        .map(|(k, v)| format!(" [{k}={v}]"))
        .unwrap_or_default();
    fill(
        &o.colors.paint("[reset][bold]\u{0}[reset]"),
        &format!("{}: {}{suffix}", display_addr(address, deposed), op.doing()),
    )
}

/// Terraform colours a template and then substitutes the values, so user
/// text never passes through the colour parser: paint first, then fill.
fn fill(painted: &str, text: &str) -> String {
    painted.replace('\u{0}', text)
}

/// Shortens long ids to `maxLen` characters around `...`, as Terraform's
/// "Still creating" lines do.
pub fn truncate_id(id: &str, max_len: usize) -> String {
    let chars: Vec<char> = id.chars().collect();
    let total = chars.len();
    if total <= max_len {
        return id.to_string();
    }
    let max_len = max_len.max(5);
    let part = max_len / 2;
    let left = &chars[..part - 1];
    let overlap = max_len as isize - (part as isize * 2 + 3);
    let mut right_idx = total as isize - part as isize - 1;
    if overlap < 0 {
        right_idx -= overlap;
    }
    let right = &chars[right_idx.max(0) as usize..];
    format!(
        "{}...{}",
        left.iter().collect::<String>(),
        right.iter().collect::<String>()
    )
}

/// `addr: Still creating... [id=x, 00m10s elapsed]`.
pub fn still_running_line(
    address: &str,
    op: ApplyOp,
    prior: &Value,
    elapsed: Duration,
    o: &RenderOptions,
) -> String {
    let id = object_id_or_name(prior)
        .map(|(k, v)| format!("{k}={}, ", truncate_id(&v, 80)))
        .unwrap_or_default();
    let secs = elapsed.as_secs_f64().round() as u64;
    fill(
        &o.colors.paint("[reset][bold]\u{0}[reset]"),
        &format!(
            "{address}: {} [{id}{:02}m{:02}s elapsed]",
            op.still(),
            secs / 60,
            secs % 60
        ),
    )
}

/// Go's `time.Duration` text for whole seconds (`0s`, `12s`, `1m5s`,
/// `1h0m3s`).
pub fn go_duration(d: Duration) -> String {
    let secs = d.as_secs_f64().round() as u64;
    let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

/// `addr: Creation complete after 1s [id=x]`. `new` is the object after the
/// step (null after destroying).
pub fn post_apply_line(
    address: &str,
    deposed: Option<&str>,
    op: ApplyOp,
    elapsed: Duration,
    new: &Value,
    o: &RenderOptions,
) -> String {
    let suffix = object_id(new)
        .map(|(k, v)| format!(" [{k}={v}]"))
        .unwrap_or_default();
    fill(
        &o.colors.paint("[reset][bold]\u{0}"),
        &format!(
            "{}: {} after {}{suffix}",
            display_addr(address, deposed),
            op.done(),
            go_duration(elapsed)
        ),
    )
}

/// Counts for the closing summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApplyCounts {
    /// Objects imported.
    pub imported: usize,
    /// Objects created.
    pub added: usize,
    /// Objects updated in place.
    pub changed: usize,
    /// Objects destroyed.
    pub destroyed: usize,
}

/// The summary line with its leading blank line and trailing newline:
/// `Apply complete! Resources: 1 added, 0 changed, 0 destroyed.` or
/// `Destroy complete! Resources: 2 destroyed.`
pub fn apply_summary(counts: ApplyCounts, destroy: bool, o: &RenderOptions) -> String {
    let summary = if destroy {
        format!(
            "Destroy complete! Resources: {} destroyed.",
            counts.destroyed
        )
    } else if counts.imported > 0 {
        format!(
            "Apply complete! Resources: {} imported, {} added, {} changed, {} destroyed.",
            counts.imported, counts.added, counts.changed, counts.destroyed
        )
    } else {
        format!(
            "Apply complete! Resources: {} added, {} changed, {} destroyed.",
            counts.added, counts.changed, counts.destroyed
        )
    };
    o.colors
        .paint(&format!("[reset][bold][green]\n{summary}\n"))
}

/// Output values as `terraform output` / the apply view print them:
/// `name = value` lines in name order, `<sensitive>` for sensitive ones,
/// values in the console's notation. No trailing newline.
pub fn output_lines(outputs: &BTreeMap<String, (Value, bool)>) -> String {
    let mut lines = Vec::new();
    for (k, (v, sensitive)) in outputs {
        if *sensitive {
            lines.push(format!("{k} = <sensitive>"));
        } else {
            lines.push(format!("{k} = {}", terrane_value::display::format_value(v)));
        }
    }
    lines.join("\n")
}

/// Root outputs of a state as typed values with their sensitivity.
pub fn state_outputs(state: &StateFile) -> Result<BTreeMap<String, (Value, bool)>, RenderError> {
    let mut out = BTreeMap::new();
    for (k, o) in &state.outputs {
        let ty = terrane_core::typed_json::type_from_json(&o.value_type.to_value()?)
            .map_err(|e| RenderError::Malformed(e.to_string()))?;
        let v = terrane_core::typed_json::from_state_json(o.value.get(), &ty)
            .map_err(|e| RenderError::Malformed(e.to_string()))?;
        out.insert(k.clone(), (v, o.sensitive));
    }
    Ok(out)
}

/// The `Outputs:` block after an apply (empty when there are no outputs).
pub fn outputs_block(outputs: &BTreeMap<String, (Value, bool)>, o: &RenderOptions) -> String {
    if outputs.is_empty() {
        return String::new();
    }
    format!(
        "{}{}\n",
        o.colors.paint("[reset][bold][green]\nOutputs:\n\n"),
        output_lines(outputs)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_like_go() {
        assert_eq!(go_duration(Duration::from_millis(400)), "0s");
        assert_eq!(go_duration(Duration::from_secs(65)), "1m5s");
        assert_eq!(go_duration(Duration::from_secs(3603)), "1h0m3s");
    }

    #[test]
    fn long_ids_are_shortened() {
        let id: String = "a".repeat(50) + &"b".repeat(50);
        let t = truncate_id(&id, 80);
        assert!(t.contains("..."));
        assert!(t.starts_with("aaa") && t.ends_with("bbb"));
        assert_eq!(truncate_id("short", 80), "short");
    }

    #[test]
    fn still_running_format() {
        let o = RenderOptions::terraform();
        let prior = Value::dynamic_null();
        assert_eq!(
            still_running_line("x.y", ApplyOp::Create, &prior, Duration::from_secs(70), &o),
            "x.y: Still creating... [01m10s elapsed]"
        );
    }
}
