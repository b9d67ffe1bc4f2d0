//! `terraform_remote_state`: the root module outputs of another
//! configuration's stored state.
//!
//! Reading a backend is delegated to a [`RemoteStateReader`], so this crate
//! needs no backend code: [`LocalStateReader`] reads the `local` backend's
//! files, and the CLI can supply a reader for its other backends.

use crate::framework::{DataSource, Spec, Specs};
use crate::util::{err, errs, Obj};
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use terrane_diagnostics::Diagnostics;
use terrane_value::{convert, Kind, Type, Value};

/// Fetches stored state for `terraform_remote_state`.
#[async_trait]
pub trait RemoteStateReader: Send + Sync {
    /// The state snapshot (Terraform's v4 JSON) of `workspace` in backend
    /// `backend` configured by `config` (an object; null attributes unset),
    /// `Ok(None)` when no state is stored there, or an error message.
    async fn read_state(
        &self,
        backend: &str,
        config: &Value,
        workspace: &str,
    ) -> Result<Option<String>, String>;
}

/// Reads the `local` backend: `path` (default `terraform.tfstate`) for the
/// default workspace, `<workspace_dir>/<name>/terraform.tfstate` (default
/// `terraform.tfstate.d`) for others, relative to the working directory.
/// Other backend types are refused.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalStateReader;

#[async_trait]
impl RemoteStateReader for LocalStateReader {
    async fn read_state(
        &self,
        backend: &str,
        config: &Value,
        workspace: &str,
    ) -> Result<Option<String>, String> {
        if backend != "local" {
            return Err(format!("There is no backend type named {backend:?}."));
        }
        let get = |k: &str| {
            config
                .get_attr(k)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        if let Some(attrs) = config.as_entries() {
            if let Some(k) = attrs.keys().find(|k| *k != "path" && *k != "workspace_dir") {
                return Err(format!(
                    "The given configuration is not valid for backend \"local\": unsupported argument {k:?}."
                ));
            }
        }
        let path = if workspace == "default" {
            PathBuf::from(get("path").unwrap_or_else(|| "terraform.tfstate".into()))
        } else {
            PathBuf::from(get("workspace_dir").unwrap_or_else(|| "terraform.tfstate.d".into()))
                .join(workspace)
                .join("terraform.tfstate")
        };
        match std::fs::read_to_string(&path) {
            Ok(text) if text.trim().is_empty() => Ok(None),
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!(
                "error loading the remote state: {}: {e}",
                path.display()
            )),
        }
    }
}

pub(crate) struct RemoteState {
    specs: Specs,
    reader: Arc<dyn RemoteStateReader>,
}

impl RemoteState {
    pub fn new(reader: Arc<dyn RemoteStateReader>) -> Self {
        RemoteState {
            specs: Specs::new(
                "Retrieves the root module output values from a Terraform state snapshot stored in a remote backend.",
                vec![
                    Spec::required("backend", Type::String)
                        .describe("The remote backend to use, e.g. `remote` or `http`."),
                    Spec::optional("config", Type::Dynamic)
                        .describe("The configuration of the remote backend."),
                    Spec::optional("defaults", Type::Dynamic).describe(
                        "Default values for outputs, in case the state file is empty or lacks a required output.",
                    ),
                    Spec::computed("outputs", Type::Dynamic)
                        .describe("An object containing every root-level output in the remote state."),
                    Spec::optional("workspace", Type::String)
                        .describe("The Terraform workspace to use, if the backend supports workspaces."),
                ],
            ),
            reader,
        }
    }
}

fn is_object_like(v: &Value) -> bool {
    v.ty() == Type::Dynamic || matches!(v.ty(), Type::Object { .. } | Type::Map(_))
}

#[async_trait]
impl DataSource for RemoteState {
    fn name(&self) -> &'static str {
        "terraform_remote_state"
    }

    fn specs(&self) -> &Specs {
        &self.specs
    }

    fn validate(&self, config: &Obj, diags: &mut Diagnostics) {
        if !is_object_like(config.get("config")) {
            diags.push(err(
                "Invalid backend configuration",
                "The configuration must be an object value.",
            ));
        }
        if !is_object_like(config.get("defaults")) {
            diags.push(err(
                "Invalid default values",
                "Defaults must be given in an object value.",
            ));
        }
    }

    async fn read(&self, mut config: Obj) -> Result<(Obj, Diagnostics), Diagnostics> {
        let mut backend = config.string_or_empty("backend");
        if backend == "_local" {
            backend = "local".into();
        }
        let backend_config = match config.get("config") {
            v if v.is_null() => Value::empty_object(),
            v => match &v.kind {
                Kind::Map(_, m) => Value::object(m.clone()),
                _ => v.clone(),
            },
        };
        let workspace = config.str("workspace").unwrap_or("default").to_string();
        let text = self
            .reader
            .read_state(&backend, &backend_config, &workspace)
            .await
            .map_err(|e| errs("Invalid backend configuration", e))?;
        let mut outputs: BTreeMap<String, Value> = config
            .get("defaults")
            .as_entries()
            .cloned()
            .unwrap_or_default();
        if config.is_null("defaults") {
            config.set("defaults", Value::dynamic_null());
        }
        match text {
            None => {
                config.set("outputs", Value::empty_object());
                return Err(errs(
                    "Unable to find remote state",
                    "No stored state was found for the given workspace in the given backend.",
                ));
            }
            Some(text) => {
                for (k, v) in state_outputs(&text).map_err(|e| {
                    errs(
                        "Error loading state error",
                        format!("error loading the remote state: {e}"),
                    )
                })? {
                    outputs.insert(k, v);
                }
            }
        }
        config.set("outputs", Value::object(outputs));
        Ok((config, Diagnostics::new()))
    }
}

/// The root module outputs of a v4 state snapshot, typed as recorded.
pub(crate) fn state_outputs(text: &str) -> Result<BTreeMap<String, Value>, String> {
    let doc: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    let Some(outputs) = doc.get("outputs").and_then(serde_json::Value::as_object) else {
        return Ok(out);
    };
    for (name, o) in outputs {
        let raw = o.get("value").cloned().unwrap_or(serde_json::Value::Null);
        let decoded =
            Value::from_json_str(&raw.to_string()).map_err(|e| format!("output {name:?}: {e}"))?;
        let value = match o.get("type") {
            Some(t) => {
                let ty = type_from_json(t).map_err(|e| format!("output {name:?}: {e}"))?;
                convert(&decoded, &ty).map_err(|e| format!("output {name:?}: {e}"))?
            }
            None => decoded,
        };
        // Terraform (v1.11) does not carry the output's sensitivity over.
        out.insert(name.clone(), value);
    }
    Ok(out)
}

/// A type in cty's JSON notation: `"string"`, `["list","number"]`,
/// `["object",{"a":"bool"}]`, `["tuple",["string"]]`, `"dynamic"`.
fn type_from_json(t: &serde_json::Value) -> Result<Type, String> {
    use serde_json::Value as J;
    match t {
        J::String(s) => match s.as_str() {
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "dynamic" => Ok(Type::Dynamic),
            other => Err(format!("invalid type {other:?}")),
        },
        J::Array(items) => {
            let kind = items.first().and_then(J::as_str).unwrap_or_default();
            let arg = items
                .get(1)
                .ok_or_else(|| format!("type {kind:?} needs an argument"))?;
            match kind {
                "list" => Ok(Type::list(type_from_json(arg)?)),
                "set" => Ok(Type::set(type_from_json(arg)?)),
                "map" => Ok(Type::map(type_from_json(arg)?)),
                "object" => {
                    let attrs = arg.as_object().ok_or("object type needs attributes")?;
                    let mut m = BTreeMap::new();
                    for (k, v) in attrs {
                        m.insert(k.clone(), type_from_json(v)?);
                    }
                    Ok(Type::object(m))
                }
                "tuple" => {
                    let elems = arg.as_array().ok_or("tuple type needs element types")?;
                    Ok(Type::Tuple(
                        elems.iter().map(type_from_json).collect::<Result<_, _>>()?,
                    ))
                }
                other => Err(format!("invalid type {other:?}")),
            }
        }
        other => Err(format!("invalid type {other}")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn decodes_typed_outputs() {
        let text = r#"{"version":4,"outputs":{
            "s":{"value":"x","type":"string"},
            "l":{"value":[1,2],"type":["list","number"]},
            "o":{"value":{"a":true},"type":["object",{"a":"bool"}]},
            "t":{"value":["a",1],"type":["tuple",["string","number"]]},
            "p":{"value":"pw","type":"string","sensitive":true}}}"#;
        let out = state_outputs(text).unwrap();
        assert_eq!(out["s"], Value::string("x"));
        assert_eq!(
            out["l"],
            Value::list(Type::Number, vec![Value::number(1), Value::number(2)])
        );
        assert_eq!(
            out["o"].ty(),
            Type::object(BTreeMap::from([("a".into(), Type::Bool)]))
        );
        assert_eq!(out["t"].ty(), Type::Tuple(vec![Type::String, Type::Number]));
        assert!(
            !out["p"].is_sensitive(),
            "as Terraform: sensitivity is not carried"
        );
        assert!(state_outputs("{").is_err());
        assert!(state_outputs(r#"{"outputs":{"x":{"value":1,"type":"nope"}}}"#).is_err());
        assert!(state_outputs(r#"{"version":4}"#).unwrap().is_empty());
    }
}
