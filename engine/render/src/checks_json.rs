//! The `checks` section of `show -json` for a state (its
//! `check_results`) or a plan (its checks after planning), with structured addresses (`kind`, `module`, `mode`,
//! `type`, `name`, `to_display`), instances and their `problems`, in
//! address order, as Terraform writes it.

use serde_json::{Map, Value as J};
use terrane_state::{CheckObjectResult, CheckResult, StateFile};

/// Splits `module.a[0].module.b.rest` into the module part and `rest`.
fn split_module(addr: &str) -> (&str, &str) {
    let mut end = 0;
    let mut rest = addr;
    while let Some(r) = rest.strip_prefix("module.") {
        // The call name, then an optional `[key]` (keys may hold dots).
        let name_end = r.find(['.', '[']).unwrap_or(r.len());
        let mut after = &r[name_end..];
        if after.starts_with('[') {
            match after.find("].") {
                Some(i) => after = &after[i + 1..],
                None => break,
            }
        }
        let Some(next) = after.strip_prefix('.') else {
            break;
        };
        end = addr.len() - next.len() - 1;
        rest = next;
    }
    if end == 0 {
        ("", addr)
    } else {
        (&addr[..end], rest)
    }
}

/// A resource instance key written `[0]` or `["a"]` at the end of `local`.
fn instance_key(local: &str) -> Option<J> {
    let open = local.rfind('[')?;
    let inner = local[open..].strip_prefix('[')?.strip_suffix(']')?;
    match inner.parse::<u64>() {
        Ok(n) => Some(J::from(n)),
        Err(_) => serde_json::from_str::<String>(inner).ok().map(J::String),
    }
}

fn config_address(r: &CheckResult) -> Map<String, J> {
    let (module, local) = split_module(&r.config_addr);
    let mut a = Map::new();
    let kind = match r.object_kind.as_str() {
        "output" => "output_value",
        other => other,
    };
    a.insert("kind".into(), J::String(kind.into()));
    if r.object_kind == "resource" {
        let (mode, rest) = match local.strip_prefix("data.") {
            Some(rest) => ("data", rest),
            None => ("managed", local),
        };
        let (ty, name) = rest.split_once('.').unwrap_or((rest, ""));
        a.insert("mode".into(), J::String(mode.into()));
        if !module.is_empty() {
            a.insert("module".into(), J::String(module.into()));
        }
        a.insert("name".into(), J::String(name.into()));
        a.insert("to_display".into(), J::String(r.config_addr.clone()));
        a.insert("type".into(), J::String(ty.into()));
    } else {
        if !module.is_empty() {
            a.insert("module".into(), J::String(module.into()));
        }
        let name = local.split_once('.').map_or(local, |(_, n)| n);
        a.insert("name".into(), J::String(name.into()));
        a.insert("to_display".into(), J::String(r.config_addr.clone()));
    }
    a
}

fn instance(o: &CheckObjectResult, resource: bool) -> J {
    let (module, local) = split_module(&o.object_addr);
    let mut a = Map::new();
    if resource {
        if let Some(k) = instance_key(local) {
            a.insert("instance_key".into(), k);
        }
    }
    if !module.is_empty() {
        a.insert("module".into(), J::String(module.into()));
    }
    a.insert("to_display".into(), J::String(o.object_addr.clone()));
    let mut m = Map::new();
    m.insert("address".into(), J::Object(a));
    m.insert("status".into(), J::String(o.status.clone()));
    if !o.failure_messages.is_empty() {
        let problems = o
            .failure_messages
            .iter()
            .map(|msg| {
                let mut p = Map::new();
                p.insert("message".into(), J::String(msg.clone()));
                J::Object(p)
            })
            .collect();
        m.insert("problems".into(), J::Array(problems));
    }
    J::Object(m)
}

/// The `checks` array of a state, or `None` when it has no check results.
pub fn checks_json(state: &StateFile) -> Option<J> {
    results_json(state.check_results.as_deref()?)
}

/// The `checks` array of a set of check results (a state's or a plan's),
/// or `None` when there are none.
pub fn results_json(results: &[CheckResult]) -> Option<J> {
    if results.is_empty() {
        return None;
    }
    let mut sorted: Vec<&CheckResult> = results.iter().collect();
    sorted.sort_by(|a, b| a.config_addr.cmp(&b.config_addr));
    let out = sorted
        .into_iter()
        .map(|r| {
            let mut m = Map::new();
            m.insert("address".into(), J::Object(config_address(r)));
            m.insert("status".into(), J::String(r.status.clone()));
            if let Some(objects) = &r.objects {
                let mut objects: Vec<&CheckObjectResult> = objects.iter().collect();
                objects.sort_by(|a, b| a.object_addr.cmp(&b.object_addr));
                let resource = r.object_kind == "resource";
                m.insert(
                    "instances".into(),
                    J::Array(objects.into_iter().map(|o| instance(o, resource)).collect()),
                );
            }
            J::Object(m)
        })
        .collect();
    Some(J::Array(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_prefixes_and_keys() {
        assert_eq!(split_module("var.v"), ("", "var.v"));
        assert_eq!(
            split_module("module.m[1].check.c"),
            ("module.m[1]", "check.c")
        );
        assert_eq!(
            split_module("module.a[\"x.y\"].module.b.t.n[0]"),
            ("module.a[\"x.y\"].module.b", "t.n[0]")
        );
        assert_eq!(instance_key("t.n[3]"), Some(J::from(3u64)));
        assert_eq!(instance_key("t.n[\"k\"]"), Some(J::String("k".into())));
        assert_eq!(instance_key("t.n"), None);
    }
}
