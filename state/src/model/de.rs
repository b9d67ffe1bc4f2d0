//! Hand-written deserialisers for the v4 state objects.
//!
//! Written by hand (not derived) for three reasons: unknown fields are kept in
//! `extra` without `#[serde(flatten)]` (which buffers values and cannot carry
//! [`RawJson`]); every error is raised while the parser is positioned in the
//! file, so messages carry the right line and column; and Go's leniencies that
//! Terraform relies on (`null` for absent strings and lists) are reproduced.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::{
    CheckObjectResult, CheckResult, ExtraFields, FormatV4, InstanceKey, InstanceObject, Mode,
    ObjectStatus, OutputValue, PathStep, Resource, StateFile,
};
use crate::json::RawJson;
use crate::StateError;

pub(super) fn parse_state(bytes: &[u8], name: &str) -> Result<StateFile, StateError> {
    // One pass over the file reads the state and its version together. Any
    // failure (or a second `version` key, which the version check below
    // refuses) falls back to the two-pass reading, which decides which error
    // a broken file gets: the version check comes first, so an old state is
    // refused as unsupported even when it would not read as version 4.
    if let Ok(Versioned { state, version }) = serde_json::from_slice::<Versioned>(bytes) {
        check_version(version, name)?;
        let mut state = state;
        merge_and_check(&mut state, name)?;
        return Ok(state);
    }
    parse_state_checked(bytes, name)
}

/// The two-pass reading: the version alone (any JSON accepted around it),
/// then the whole file as version 4. Its errors are the ones reported.
fn parse_state_checked(bytes: &[u8], name: &str) -> Result<StateFile, StateError> {
    #[derive(Deserialize)]
    struct Sniff {
        version: Option<serde_json::Value>,
    }
    let parse_err = |e: serde_json::Error| StateError::Parse {
        file: name.to_owned(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    };
    let sniff: Sniff = serde_json::from_slice(bytes).map_err(parse_err)?;
    check_version(sniff.version, name)?;
    let mut state = serde_json::from_slice::<StateFile>(bytes).map_err(parse_err)?;
    merge_and_check(&mut state, name)?;
    Ok(state)
}

/// Refuses every format version but 4.
fn check_version(version: Option<serde_json::Value>, name: &str) -> Result<(), StateError> {
    match version.as_ref().and_then(serde_json::Value::as_u64) {
        Some(4) => Ok(()),
        _ => Err(StateError::UnsupportedVersion {
            file: name.to_owned(),
            found: version
                .map(|v| v.to_string())
                .unwrap_or_else(|| "missing".to_owned()),
        }),
    }
}

/// A state file with the `version` it declares (`None` when absent or
/// `null`); a repeated `version` key is an error.
struct Versioned {
    state: StateFile,
    version: Option<serde_json::Value>,
}

impl<'de> Deserialize<'de> for Versioned {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Versioned, D::Error> {
        d.deserialize_map(StateVisitor { keep_version: true })
            .map(|(state, version)| Versioned { state, version })
    }
}

/// Terraform's read-time rules beyond JSON syntax: entries for the same
/// resource are merged (Terraform writes them as one), and an instance object
/// (key plus deposed key) may appear only once.
fn merge_and_check(state: &mut StateFile, name: &str) -> Result<(), StateError> {
    use std::collections::hash_map::Entry;
    use std::collections::{HashMap, HashSet};
    // (later entry, first entry) for every repeated resource, in file order.
    let mut repeats = Vec::new();
    {
        let mut first: HashMap<(&str, Mode, &str, &str), usize> =
            HashMap::with_capacity(state.resources.len());
        for (i, r) in state.resources.iter().enumerate() {
            let key = (
                r.module.as_str(),
                r.mode,
                r.resource_type.as_str(),
                r.name.as_str(),
            );
            match first.entry(key) {
                Entry::Occupied(e) => repeats.push((i, *e.get())),
                Entry::Vacant(e) => {
                    e.insert(i);
                }
            }
        }
    }
    if !repeats.is_empty() {
        let mut all: Vec<Option<Resource>> = std::mem::take(&mut state.resources)
            .into_iter()
            .map(Some)
            .collect();
        for (later, at) in repeats {
            let moved = all.get_mut(later).and_then(Option::take);
            if let (Some(r), Some(Some(target))) = (moved, all.get_mut(at)) {
                target.instances.extend(r.instances);
            }
        }
        state.resources = all.into_iter().flatten().collect();
    }
    for res in &state.resources {
        if res.instances.len() < 2 {
            continue;
        }
        let mut seen = HashSet::with_capacity(res.instances.len());
        for o in &res.instances {
            if !seen.insert((o.index_key.as_ref(), o.deposed.as_deref())) {
                let addr = super::InstanceAddr {
                    module: res.module.clone(),
                    mode: res.mode,
                    resource_type: res.resource_type.clone(),
                    name: res.name.clone(),
                    index_key: o.index_key.clone(),
                    deposed: o.deposed.clone(),
                };
                return Err(StateError::Invalid {
                    file: name.to_owned(),
                    message: format!("resource instance {addr} appears more than once"),
                });
            }
        }
    }
    Ok(())
}

/// serde_json appends " at line L column C"; the error type reports those
/// separately.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

/// An object key or a short string matched against names: borrowed from
/// the input when it has no escapes, so reading known fields allocates
/// nothing for their names.
struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key<'de>, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

fn opt_string<'de, A: MapAccess<'de>>(map: &mut A) -> Result<String, A::Error> {
    Ok(map.next_value::<Option<String>>()?.unwrap_or_default())
}

fn extra<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: Key<'de>,
    extra: &mut ExtraFields,
) -> Result<(), A::Error> {
    let v: RawJson = map.next_value()?;
    extra.insert(key.0.into_owned(), v);
    Ok(())
}

impl<'de> Deserialize<'de> for StateFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<StateFile, D::Error> {
        d.deserialize_map(StateVisitor {
            keep_version: false,
        })
        .map(|(state, _)| state)
    }
}

/// Reads the top-level object; with `keep_version` it also returns the
/// `version` value (otherwise skipped: [`parse_state`] checks it).
struct StateVisitor {
    keep_version: bool,
}

impl<'de> Visitor<'de> for StateVisitor {
    type Value = (StateFile, Option<serde_json::Value>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Terraform state object")
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<(StateFile, Option<serde_json::Value>), A::Error> {
        let mut version = None;
        let mut version_seen = false;
        let mut s = StateFile {
            version: FormatV4,
            terraform_version: String::new(),
            serial: 0,
            lineage: String::new(),
            outputs: BTreeMap::new(),
            resources: Vec::new(),
            check_results: None,
            extra: ExtraFields::new(),
        };
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "version" if self.keep_version => {
                    if version_seen {
                        return Err(de::Error::duplicate_field("version"));
                    }
                    version_seen = true;
                    version = map.next_value::<Option<serde_json::Value>>()?;
                }
                "version" => {
                    // Checked apart from the full parse (see parse_state).
                    map.next_value::<IgnoredAny>()?;
                }
                "terraform_version" => s.terraform_version = opt_string(&mut map)?,
                "serial" => s.serial = map.next_value::<Option<u64>>()?.unwrap_or(0),
                "lineage" => s.lineage = opt_string(&mut map)?,
                "outputs" => {
                    s.outputs = map
                        .next_value::<Option<BTreeMap<String, OutputValue>>>()?
                        .unwrap_or_default()
                }
                "resources" => {
                    s.resources = map
                        .next_value::<Option<Vec<Resource>>>()?
                        .unwrap_or_default()
                }
                "check_results" => s.check_results = map.next_value()?,
                _ => extra(&mut map, key, &mut s.extra)?,
            }
        }
        Ok((s, version))
    }
}

impl<'de> Deserialize<'de> for OutputValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<OutputValue, D::Error> {
        d.deserialize_map(OutputVisitor)
    }
}

struct OutputVisitor;

impl<'de> Visitor<'de> for OutputVisitor {
    type Value = OutputValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an output value object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OutputValue, A::Error> {
        let mut value = None;
        let mut value_type = None;
        let mut sensitive = false;
        let mut extra_fields = ExtraFields::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "value" => value = Some(map.next_value::<RawJson>()?),
                "type" => value_type = Some(map.next_value::<RawJson>()?),
                "sensitive" => sensitive = map.next_value::<Option<bool>>()?.unwrap_or(false),
                _ => extra(&mut map, key, &mut extra_fields)?,
            }
        }
        Ok(OutputValue {
            value: value.ok_or_else(|| de::Error::missing_field("value"))?,
            value_type: value_type.ok_or_else(|| de::Error::missing_field("type"))?,
            sensitive,
            extra: extra_fields,
        })
    }
}

impl<'de> Deserialize<'de> for Resource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Resource, D::Error> {
        d.deserialize_map(ResourceVisitor)
    }
}

struct ResourceVisitor;

impl<'de> Visitor<'de> for ResourceVisitor {
    type Value = Resource;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a resource object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Resource, A::Error> {
        let mut module = String::new();
        let mut mode = None;
        let mut resource_type = None;
        let mut name = None;
        let mut each = None;
        let mut provider = None;
        let mut instances = Vec::new();
        let mut extra_fields = ExtraFields::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "module" => module = opt_string(&mut map)?,
                "mode" => {
                    let m: Key<'de> = map.next_value()?;
                    mode = Some(match m.as_str() {
                        "managed" => Mode::Managed,
                        "data" => Mode::Data,
                        other => {
                            return Err(de::Error::custom(format!(
                                "resource mode {other:?} is not supported (expected \"managed\" or \"data\")"
                            )))
                        }
                    });
                }
                "type" => resource_type = Some(map.next_value::<String>()?),
                "name" => name = Some(map.next_value::<String>()?),
                "each" => each = map.next_value::<Option<String>>()?,
                "provider" => provider = Some(map.next_value::<String>()?),
                "instances" => {
                    instances = map
                        .next_value::<Option<Vec<InstanceObject>>>()?
                        .unwrap_or_default()
                }
                _ => extra(&mut map, key, &mut extra_fields)?,
            }
        }
        Ok(Resource {
            module,
            mode: mode.ok_or_else(|| de::Error::missing_field("mode"))?,
            resource_type: resource_type.ok_or_else(|| de::Error::missing_field("type"))?,
            name: name.ok_or_else(|| de::Error::missing_field("name"))?,
            each,
            provider: provider.unwrap_or_default(),
            instances,
            extra: extra_fields,
        })
    }
}

pub(super) struct InstanceKeyVisitor;

impl Visitor<'_> for InstanceKeyVisitor {
    type Value = InstanceKey;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an instance key (a whole number or a string)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<InstanceKey, E> {
        Ok(InstanceKey::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<InstanceKey, E> {
        i64::try_from(v)
            .map(InstanceKey::Int)
            .map_err(|_| E::custom(format!("instance key {v} is too large")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<InstanceKey, E> {
        // Terraform reads keys as float64 and truncates to int.
        if v.fract() == 0.0 && v.abs() < 9.0e15 {
            Ok(InstanceKey::Int(v as i64))
        } else {
            Err(E::custom(format!("instance key {v} is not a whole number")))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<InstanceKey, E> {
        Ok(InstanceKey::Str(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<InstanceKey, E> {
        Ok(InstanceKey::Str(v))
    }
}

impl<'de> Deserialize<'de> for InstanceObject {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<InstanceObject, D::Error> {
        d.deserialize_map(InstanceVisitor)
    }
}

struct InstanceVisitor;

impl<'de> Visitor<'de> for InstanceVisitor {
    type Value = InstanceObject;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a resource instance object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<InstanceObject, A::Error> {
        let mut o = InstanceObject {
            index_key: None,
            status: None,
            deposed: None,
            schema_version: 0,
            attributes: None,
            attributes_flat: None,
            sensitive_attributes: None,
            identity_schema_version: None,
            identity: None,
            private: None,
            dependencies: Vec::new(),
            create_before_destroy: false,
            extra: ExtraFields::new(),
        };
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "index_key" => o.index_key = map.next_value()?,
                "status" => {
                    let s = opt_string(&mut map)?;
                    o.status = match s.as_str() {
                        "" => None,
                        "tainted" => Some(ObjectStatus::Tainted),
                        other => {
                            return Err(de::Error::custom(format!(
                                "instance status {other:?} is not supported (expected \"tainted\" or none)"
                            )))
                        }
                    };
                }
                "deposed" => {
                    let d = opt_string(&mut map)?;
                    if !d.is_empty() && d.len() != 8 {
                        return Err(de::Error::custom(format!(
                            "deposed key {d:?} is not correctly formatted (expected 8 characters)"
                        )));
                    }
                    o.deposed = (!d.is_empty()).then_some(d);
                }
                "schema_version" => {
                    o.schema_version = map.next_value::<Option<u64>>()?.unwrap_or(0)
                }
                "attributes" => {
                    let raw: RawJson = map.next_value()?;
                    o.attributes = (!raw.is_null()).then_some(raw);
                }
                "attributes_flat" => o.attributes_flat = map.next_value()?,
                "sensitive_attributes" => {
                    o.sensitive_attributes = map.next_value::<Option<Vec<Vec<PathStep>>>>()?
                }
                "identity_schema_version" => o.identity_schema_version = map.next_value()?,
                "identity" => {
                    let raw: RawJson = map.next_value()?;
                    o.identity = (!raw.is_null()).then_some(raw);
                }
                "private" => {
                    let p = opt_string(&mut map)?;
                    if !p.is_empty() {
                        let bytes = base64::engine::general_purpose::STANDARD
                            .decode(p.as_bytes())
                            .map_err(|e| {
                                de::Error::custom(format!("private data is not valid base64: {e}"))
                            })?;
                        o.private = Some(bytes);
                    }
                }
                "dependencies" => {
                    o.dependencies = map.next_value::<Option<Vec<String>>>()?.unwrap_or_default()
                }
                "create_before_destroy" => {
                    o.create_before_destroy = map.next_value::<Option<bool>>()?.unwrap_or(false)
                }
                _ => extra(&mut map, key, &mut o.extra)?,
            }
        }
        Ok(o)
    }
}

impl<'de> Deserialize<'de> for PathStep {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PathStep, D::Error> {
        d.deserialize_map(PathStepVisitor)
    }
}

struct PathStepVisitor;

impl<'de> Visitor<'de> for PathStepVisitor {
    type Value = PathStep;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a path step object {\"type\":..., \"value\":...}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PathStep, A::Error> {
        let mut step_type: Option<String> = None;
        let mut value: Option<RawJson> = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "type" => step_type = Some(map.next_value()?),
                "value" => value = Some(map.next_value()?),
                other => {
                    return Err(de::Error::custom(format!(
                        "unexpected field {other:?} in a path step"
                    )));
                }
            }
        }
        let value = value.ok_or_else(|| de::Error::missing_field("value"))?;
        match step_type.as_deref() {
            Some("get_attr") => value
                .deserialize_into::<String>()
                .map(PathStep::GetAttr)
                .map_err(|_| de::Error::custom("get_attr path step value must be a string")),
            Some("index") => Ok(PathStep::Index(value)),
            Some(other) => Err(de::Error::custom(format!(
                "unsupported path step type {other:?}"
            ))),
            None => Err(de::Error::missing_field("type")),
        }
    }
}

impl<'de> Deserialize<'de> for CheckResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<CheckResult, D::Error> {
        d.deserialize_map(CheckResultVisitor)
    }
}

struct CheckResultVisitor;

impl<'de> Visitor<'de> for CheckResultVisitor {
    type Value = CheckResult;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a check result object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CheckResult, A::Error> {
        let mut c = CheckResult {
            object_kind: String::new(),
            config_addr: String::new(),
            status: String::new(),
            objects: None,
            extra: ExtraFields::new(),
        };
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "object_kind" => c.object_kind = opt_string(&mut map)?,
                "config_addr" => c.config_addr = opt_string(&mut map)?,
                "status" => c.status = opt_string(&mut map)?,
                "objects" => c.objects = map.next_value()?,
                _ => extra(&mut map, key, &mut c.extra)?,
            }
        }
        Ok(c)
    }
}

impl<'de> Deserialize<'de> for CheckObjectResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<CheckObjectResult, D::Error> {
        d.deserialize_map(CheckObjectVisitor)
    }
}

struct CheckObjectVisitor;

impl<'de> Visitor<'de> for CheckObjectVisitor {
    type Value = CheckObjectResult;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a check object result")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CheckObjectResult, A::Error> {
        let mut c = CheckObjectResult {
            object_addr: String::new(),
            status: String::new(),
            failure_messages: Vec::new(),
            extra: ExtraFields::new(),
        };
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "object_addr" => c.object_addr = opt_string(&mut map)?,
                "status" => c.status = opt_string(&mut map)?,
                "failure_messages" => {
                    c.failure_messages =
                        map.next_value::<Option<Vec<String>>>()?.unwrap_or_default()
                }
                _ => extra(&mut map, key, &mut c.extra)?,
            }
        }
        Ok(c)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// The one-pass reading gives what the two-pass reading gives, results
    /// and errors alike.
    #[test]
    fn one_pass_reading_matches_two_pass_reading() {
        let good = r#"{"version": 4, "terraform_version": "1.11.4", "serial": 3, "lineage": "l",
            "outputs": {}, "resources": [{"mode": "managed", "type": "terraform_data", "name": "a",
            "provider": "provider[\"terraform.io/builtin/terraform\"]",
            "instances": [{"schema_version": 0, "attributes": {"id": "x", "input": null}}]}],
            "check_results": null}"#;
        let cases = [
            good.to_owned(),
            good.replace("\"version\": 4", "\"version\": 3"),
            good.replace("\"version\": 4", "\"version\": null"),
            good.replace("\"version\": 4", "\"version\": \"4\""),
            good.replace("\"version\": 4,", ""),
            good.replace("\"version\": 4", "\"version\": 4, \"version\": 4"),
            good.replace("\"version\": 4", "\"version\": 3, \"version\": 4"),
            // Not version 4 and not readable as version 4: unsupported.
            good.replace("\"version\": 4", "\"version\": 3")
                .replace("\"managed\"", "\"other\""),
            // Version 4 declared after a field that does not read.
            good.replace("\"version\": 4,", "") .replace("\"serial\": 3", "\"serial\": \"x\", \"version\": 4"),
            good.replace("\"serial\": 3", "\"serial\": -1"),
            good.replace("\"check_results\": null}", "\"check_results\": null"),
            good.replace("\"check_results\": null}", "\"check_results\": null} x"),
            "[4]".to_owned(),
            "{}".to_owned(),
            good.replace("\"name\": \"a\"", "\"name\": \"a\"}, {\"mode\": \"managed\", \"type\": \"terraform_data\", \"name\": \"a\",
                \"instances\": [{\"schema_version\": 0}]"),
        ];
        for text in &cases {
            let one = parse_state(text.as_bytes(), "f");
            let two = parse_state_checked(text.as_bytes(), "f");
            match (&one, &two) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{text}"),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{text}"),
                _ => panic!("one pass {one:?} but two passes {two:?} for {text}"),
            }
        }
        assert!(parse_state(cases[0].as_bytes(), "f").is_ok());
        assert!(matches!(
            parse_state(cases[1].as_bytes(), "f"),
            Err(StateError::UnsupportedVersion { ref found, .. }) if found == "3"
        ));
        assert!(matches!(
            parse_state(cases[7].as_bytes(), "f"),
            Err(StateError::UnsupportedVersion { .. })
        ));
    }
}
