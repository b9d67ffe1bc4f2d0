//! Provider functions `provider::kubernetes::manifest_decode`,
//! `manifest_decode_multi` and `manifest_encode`: YAML manifests ↔ objects.

use crate::jsonval::{from_json, to_json, yaml_to_json};
use serde::Deserialize;
use serde_json::Value as J;
use std::collections::BTreeMap;
use terrane_provider::{CallFunctionResponse, FunctionSignature};
use terrane_value::{Kind, Type, Value};

/// The functions' signatures.
pub fn signatures() -> BTreeMap<String, FunctionSignature> {
    let mut m = BTreeMap::new();
    m.insert(
        "manifest_decode".to_string(),
        FunctionSignature {
            params: vec![("manifest".into(), Type::String)],
            variadic: None,
            result: Type::Dynamic,
            description: "Decode a Kubernetes YAML manifest containing a single resource.".into(),
        },
    );
    m.insert(
        "manifest_decode_multi".to_string(),
        FunctionSignature {
            params: vec![("manifest".into(), Type::String)],
            variadic: None,
            result: Type::Dynamic,
            description: "Decode a Kubernetes YAML manifest containing multiple resources.".into(),
        },
    );
    m.insert(
        "manifest_encode".to_string(),
        FunctionSignature {
            params: vec![("manifest".into(), Type::Dynamic)],
            variadic: None,
            result: Type::String,
            description: "Encode an object to Kubernetes YAML.".into(),
        },
    );
    m
}

fn fail(msg: String, arg: Option<usize>) -> CallFunctionResponse {
    CallFunctionResponse {
        result: Value::dynamic_null(),
        error: Some((msg, arg)),
    }
}

/// Checks that a decoded document is a Kubernetes object.
fn check_object(j: &J) -> Result<(), String> {
    let o = j
        .as_object()
        .ok_or("manifest must be a YAML mapping (a Kubernetes object)")?;
    for k in ["apiVersion", "kind"] {
        if !o.get(k).is_some_and(J::is_string) {
            return Err(format!(
                "Invalid Kubernetes manifest: the manifest has no {k:?}"
            ));
        }
    }
    if !o.get("metadata").is_some_and(J::is_object) {
        return Err("Invalid Kubernetes manifest: the manifest has no \"metadata\"".into());
    }
    Ok(())
}

/// The non-empty YAML documents of a string, as JSON.
pub fn decode_docs(text: &str) -> Result<Vec<J>, String> {
    let mut out = Vec::new();
    for doc in serde_yaml_ng::Deserializer::from_str(text) {
        let y = serde_yaml_ng::Value::deserialize(doc)
            .map_err(|e| format!("Invalid YAML document: {e}"))?;
        let j = yaml_to_json(y);
        if j.is_null() {
            continue;
        }
        check_object(&j)?;
        out.push(j);
    }
    Ok(out)
}

/// YAML for one object, as sigs.k8s.io/yaml writes it ([`crate::yaml`]).
fn encode_one(v: &Value) -> Result<String, String> {
    let j = to_json(v).map_err(|e| e.to_string())?;
    check_object(&j)?;
    Ok(crate::yaml::to_yaml(&j))
}

/// Calls a function by name.
pub fn call(name: &str, args: &[Value]) -> CallFunctionResponse {
    let text = || args.first().and_then(Value::as_str).map(str::to_string);
    match name {
        "manifest_decode" => {
            let Some(t) = text() else {
                return fail("manifest must be a known string".into(), Some(0));
            };
            match decode_docs(&t) {
                Ok(docs) if docs.len() == 1 => CallFunctionResponse {
                    result: from_json(&docs[0]),
                    error: None,
                },
                Ok(docs) if docs.is_empty() => fail("Invalid manifest: the YAML has no document".into(), Some(0)),
                Ok(_) => fail(
                    "YAML manifest contains multiple resources: use manifest_decode_multi to decode manifests containing more than one resource".into(),
                    Some(0),
                ),
                Err(e) => fail(e, Some(0)),
            }
        }
        "manifest_decode_multi" => {
            let Some(t) = text() else {
                return fail("manifest must be a known string".into(), Some(0));
            };
            match decode_docs(&t) {
                Ok(docs) => CallFunctionResponse {
                    result: Value::tuple(docs.iter().map(from_json).collect()),
                    error: None,
                },
                Err(e) => fail(e, Some(0)),
            }
        }
        "manifest_encode" => {
            let Some(v) = args.first() else {
                return fail("manifest_encode takes one argument".into(), None);
            };
            // One object encodes alone; a list or tuple of them as a
            // stream where every document starts with `---`, as Terraform's
            // provider writes it.
            let (docs, separated): (Vec<&Value>, bool) = match &v.kind {
                Kind::Tuple(xs) | Kind::List(_, xs) | Kind::Set(_, xs) => {
                    (xs.iter().collect(), true)
                }
                _ => (vec![v], false),
            };
            let mut text = String::new();
            for d in docs {
                match encode_one(d) {
                    Ok(s) => {
                        if separated {
                            text.push_str("---\n");
                        }
                        text.push_str(&s);
                    }
                    Err(e) => return fail(e, Some(0)),
                }
            }
            CallFunctionResponse {
                result: Value::string(text),
                error: None,
            }
        }
        other => fail(format!("provider has no function named {other:?}"), None),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const CM: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"1\"\n";

    #[test]
    fn decode_one() {
        let r = call("manifest_decode", &[Value::string(CM)]);
        assert!(r.error.is_none());
        assert_eq!(
            r.result.get_attr("kind").and_then(Value::as_str),
            Some("ConfigMap")
        );
    }

    #[test]
    fn decode_multi_and_errors() {
        let two = format!("{CM}---\n{CM}---\n");
        let r = call("manifest_decode_multi", &[Value::string(two.clone())]);
        assert_eq!(r.result.len(), Some(2));
        let r = call("manifest_decode", &[Value::string(two)]);
        assert!(r.error.unwrap().0.contains("multiple resources"));
        let r = call("manifest_decode", &[Value::string("a: 1\n")]);
        assert!(r.error.unwrap().0.contains("apiVersion"));
    }

    #[test]
    fn encode_round_trips() {
        let v = call("manifest_decode", &[Value::string(CM)]).result;
        let r = call("manifest_encode", std::slice::from_ref(&v));
        let text = r.result.as_str().unwrap().to_string();
        assert!(text.starts_with("apiVersion: v1\n"), "{text}");
        let back = call("manifest_decode", &[Value::string(text)]).result;
        assert_eq!(back, v);
    }
}
