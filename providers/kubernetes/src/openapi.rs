//! The OpenAPI shape of `kubernetes_manifest`'s `object`, as Terraform's
//! provider builds it: the server's `/openapi/v2` definition of the kind
//! (for custom resources, the CRD's `openAPIV3Schema`) becomes a value type
//! — every property an attribute, `additionalProperties` a map, arrays
//! lists (tuples when their elements have no fixed type), int-or-string a
//! string, schemaless or preserve-unknown parts dynamic — without
//! `status`, with `metadata` as the full `ObjectMeta`. [`shape`] then fits
//! an object read from the server into that type, unset properties null,
//! so `object` holds the same attributes Terraform's provider stores.

use serde_json::{Map, Value as J};
use std::collections::{BTreeMap, HashMap};
use terrane_value::{Kind, Type, Value};

use crate::client::Kube;
use crate::jsonval::{from_json, json_number};
use kube::api::{Api, DynamicObject, GetParams, ListParams};
use std::sync::Mutex;

/// Terraform's provider gives up on deeper schemas (it has the same limit).
const MAX_DEPTH: usize = 50;

/// The `ObjectMeta` definition every object's `metadata` takes.
const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// Definitions that describe JSON schemas themselves (recursive): dynamic,
/// as in Terraform's provider.
const SCHEMA_PROPS: &[&str] = &[
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1beta1.JSONSchemaProps",
];

/// The definitions of one `/openapi/v2` document, indexed by kind.
#[derive(Debug, Default)]
pub struct OpenApi {
    defs: Map<String, J>,
    by_gvk: HashMap<(String, String, String), String>,
}

impl OpenApi {
    /// Indexes a parsed `/openapi/v2` document.
    pub fn new(doc: J) -> OpenApi {
        let defs = match doc {
            J::Object(mut o) => match o.remove("definitions") {
                Some(J::Object(d)) => d,
                _ => Map::new(),
            },
            _ => Map::new(),
        };
        let mut by_gvk = HashMap::new();
        for (id, def) in &defs {
            let gvks = def
                .get("x-kubernetes-group-version-kind")
                .and_then(J::as_array);
            for g in gvks.into_iter().flatten() {
                let s = |k: &str| g.get(k).and_then(J::as_str).unwrap_or("").to_string();
                by_gvk.insert((s("group"), s("version"), s("kind")), id.clone());
            }
        }
        OpenApi { defs, by_gvk }
    }

    /// The definition id of a built-in kind (`io.k8s.…`); custom resources
    /// are looked up in their CRD instead (see [`crd_schema`]).
    pub fn builtin(&self, api_version: &str, kind: &str) -> Option<&str> {
        let (group, version) = split_api_version(api_version);
        self.by_gvk
            .get(&(group.to_string(), version.to_string(), kind.to_string()))
            .map(String::as_str)
            .filter(|id| id.starts_with("io.k8s."))
    }

    /// The `object` type for a definition or an inline schema (a CRD's):
    /// without `status`, with the full `metadata`, `apiVersion` and `kind`
    /// — or, with `status` (the `kubernetes_resource` data source), the
    /// schema's type as it is.
    pub fn object_type(&self, schema: &J, status: bool) -> Option<Type> {
        let ty = self.type_of(schema, MAX_DEPTH)?;
        if status {
            return Some(ty);
        }
        let Type::Object { attrs, .. } = ty else {
            return None;
        };
        let mut attrs: BTreeMap<String, Type> = attrs.into_iter().collect();
        attrs.remove("status");
        attrs.insert("apiVersion".into(), Type::String);
        attrs.insert("kind".into(), Type::String);
        let meta = self
            .definition(OBJECT_META)
            .and_then(|m| self.type_of(m, MAX_DEPTH));
        attrs.insert("metadata".into(), meta.unwrap_or(Type::Dynamic));
        Some(Type::object(attrs))
    }

    /// The schema of a definition id.
    pub fn definition(&self, id: &str) -> Option<&J> {
        self.defs.get(id)
    }

    fn resolve<'a>(&'a self, schema: &'a J) -> Option<&'a J> {
        match schema.get("$ref").and_then(J::as_str) {
            Some(r) => {
                let id = r.rsplit('/').next().unwrap_or(r);
                if SCHEMA_PROPS.contains(&id) {
                    return Some(&J::Null);
                }
                self.defs.get(id).and_then(|d| self.resolve(d))
            }
            None => Some(schema),
        }
    }

    /// Terraform's provider's type for one schema node.
    fn type_of(&self, schema: &J, depth: usize) -> Option<Type> {
        if depth == 0 {
            return None;
        }
        let s = self.resolve(schema)?;
        let flag = |k: &str| s.get(k).and_then(J::as_bool) == Some(true);
        let ty = s.get("type").and_then(J::as_str).unwrap_or("");
        let props = s.get("properties").and_then(J::as_object);
        let additional = s.get("additionalProperties").filter(|a| a.is_object());
        let items = s.get("items").filter(|i| i.is_object());
        Some(match ty {
            "string" => Type::String,
            "boolean" => Type::Bool,
            "number" | "integer" => Type::Number,
            "" if flag("x-kubernetes-int-or-string") => Type::String,
            "" => Type::Dynamic,
            "array" => {
                let elem = match (items, additional) {
                    (Some(i), None) => i,
                    (None, Some(a)) => a,
                    _ => return None,
                };
                let et = self.type_of(elem, depth - 1)?;
                if fully_typed(&et) && items.is_some() {
                    Type::list(et)
                } else {
                    Type::Tuple(vec![et])
                }
            }
            "object" => match (props, additional) {
                (Some(p), None) => {
                    let mut attrs = BTreeMap::new();
                    for (k, v) in p {
                        attrs.insert(k.clone(), self.type_of(v, depth - 1)?);
                    }
                    Type::object(attrs)
                }
                (None, Some(a)) => Type::map(self.type_of(a, depth - 1)?),
                (None, None) => Type::Dynamic,
                (Some(_), Some(_)) => return None,
            },
            _ => return None,
        })
    }
}

/// Per connection: the `/openapi/v2` document (fetched once) and the
/// object types worked out so far.
#[derive(Debug, Default)]
pub struct TypeCache {
    doc: tokio::sync::OnceCell<OpenApi>,
    types: Mutex<HashMap<(String, String, bool), Type>>,
}

impl Kube {
    async fn openapi(&self) -> &OpenApi {
        self.types
            .doc
            .get_or_init(|| async {
                // A server that does not publish the document leaves
                // objects untyped, as before.
                let fetched = async {
                    let req = kube::core::Request::new("/openapi")
                        .get("v2", &GetParams::default())
                        .ok()?;
                    self.client.request::<J>(req).await.ok()
                }
                .await;
                fetched.map(OpenApi::new).unwrap_or_default()
            })
            .await
    }

    async fn crds(&self) -> Vec<J> {
        for av in ["apiextensions.k8s.io/v1", "apiextensions.k8s.io/v1beta1"] {
            let Ok(t) = self.resolve(av, "CustomResourceDefinition").await else {
                continue;
            };
            let api: Api<DynamicObject> = Api::all_with(self.client.clone(), &t.resource);
            if let Ok(list) = api.list(&ListParams::default()).await {
                return list
                    .items
                    .into_iter()
                    .filter_map(|o| serde_json::to_value(o).ok())
                    .collect();
            }
        }
        Vec::new()
    }

    /// The type Terraform's provider gives `object` for a kind: from the
    /// OpenAPI document for built-in kinds, from the CRD (read when first
    /// needed, so CRDs created earlier in the run count) for custom ones.
    pub async fn object_type(&self, api_version: &str, kind: &str, status: bool) -> Option<Type> {
        let key = (api_version.to_string(), kind.to_string(), status);
        if let Some(t) = self
            .types
            .types
            .lock()
            .ok()
            .and_then(|c| c.get(&key).cloned())
        {
            return Some(t);
        }
        let doc = self.openapi().await;
        let ty = match doc
            .builtin(api_version, kind)
            .and_then(|id| doc.definition(id))
        {
            Some(def) => doc.object_type(def, status),
            None => {
                let crds = self.crds().await;
                crds.iter()
                    .find_map(|c| crd_schema(c, api_version, kind))
                    .and_then(|schema| doc.object_type(schema, status))
            }
        }?;
        if let Ok(mut c) = self.types.types.lock() {
            c.insert(key, ty.clone());
        }
        Some(ty)
    }

    /// An object read from the server as `object` holds it: shaped by its
    /// kind's type, or as plain JSON when the server has none.
    pub async fn shape_object(&self, j: &J, status: bool) -> Value {
        let s = |k: &str| j.get(k).and_then(J::as_str).unwrap_or("");
        match self.object_type(s("apiVersion"), s("kind"), status).await {
            Some(ty) => shape(j, &ty),
            None => from_json(j),
        }
    }
}

fn split_api_version(api_version: &str) -> (&str, &str) {
    api_version.split_once('/').unwrap_or(("", api_version))
}

/// The `openAPIV3Schema` a CRD (JSON as the API returns it) serves for
/// `api_version`/`kind`, if it is that kind's definition.
pub fn crd_schema<'a>(crd: &'a J, api_version: &str, kind: &str) -> Option<&'a J> {
    let (group, version) = split_api_version(api_version);
    let spec = crd.get("spec")?;
    if spec.get("group").and_then(J::as_str) != Some(group)
        || spec.pointer("/names/kind").and_then(J::as_str) != Some(kind)
    {
        return None;
    }
    let versions = spec.get("versions").and_then(J::as_array)?;
    let v = versions
        .iter()
        .find(|v| v.get("name").and_then(J::as_str) == Some(version))?;
    v.pointer("/schema/openAPIV3Schema")
        .or_else(|| spec.pointer("/validation/openAPIV3Schema"))
}

fn fully_typed(t: &Type) -> bool {
    match t {
        Type::Dynamic => false,
        Type::Object { attrs, .. } => attrs.values().all(fully_typed),
        Type::Tuple(ts) => ts.iter().all(fully_typed),
        Type::List(e) | Type::Set(e) | Type::Map(e) => fully_typed(e),
        _ => true,
    }
}

/// Fits JSON into `ty`: object attributes the JSON lacks are null, values
/// of the wrong kind are kept as they are (dynamic).
pub fn shape(j: &J, ty: &Type) -> Value {
    if j.is_null() {
        return Value::null(ty.clone());
    }
    match (ty, j) {
        (Type::String, J::String(s)) => Value::string(s.clone()),
        (Type::String, J::Number(n)) => Value::string(n.to_string()),
        (Type::String, J::Bool(b)) => Value::string(b.to_string()),
        (Type::Number, J::Number(n)) => Value::number(json_number(n)),
        (Type::Bool, J::Bool(b)) => Value::bool(*b),
        (Type::Object { attrs, .. }, J::Object(o)) => {
            let mut out = BTreeMap::new();
            for (k, t) in attrs {
                let v = o
                    .get(k)
                    .map_or_else(|| Value::null(t.clone()), |x| shape(x, t));
                out.insert(k.clone(), v);
            }
            // Fields the schema does not know (newer servers, pruning
            // off) stay visible.
            for (k, x) in o {
                if !attrs.contains_key(k) {
                    out.insert(k.clone(), from_json(x));
                }
            }
            Value::object(out)
        }
        (Type::Map(et), J::Object(o)) if fully_typed(et) => Value::map(
            (**et).clone(),
            o.iter().map(|(k, x)| (k.clone(), shape(x, et))).collect(),
        ),
        (Type::Map(et), J::Object(o)) => {
            Value::object(o.iter().map(|(k, x)| (k.clone(), shape(x, et))).collect())
        }
        (Type::List(et), J::Array(xs)) => {
            Value::list((**et).clone(), xs.iter().map(|x| shape(x, et)).collect())
        }
        (Type::Tuple(ets), J::Array(xs)) => {
            let et = ets.first().cloned().unwrap_or(Type::Dynamic);
            Value::tuple(xs.iter().map(|x| shape(x, &et)).collect())
        }
        _ => from_json(j),
    }
}

/// The type of the value at `steps` in a shaped object (to plan an
/// unknown of the right type there).
pub fn type_at(v: &Value, steps: &[String]) -> Option<Type> {
    let Some((first, rest)) = steps.split_first() else {
        return Some(v.ty());
    };
    match &v.kind {
        Kind::Object(m) | Kind::Map(_, m) => m.get(first).and_then(|c| type_at(c, rest)),
        Kind::List(_, xs) | Kind::Tuple(xs) => first
            .parse::<usize>()
            .ok()
            .and_then(|i| xs.get(i))
            .and_then(|c| type_at(c, rest)),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> OpenApi {
        OpenApi::new(json!({"definitions": {
            "io.k8s.api.core.v1.ConfigMap": {
                "type": "object",
                "properties": {
                    "apiVersion": {"type": "string"},
                    "data": {"type": "object", "additionalProperties": {"type": "string"}},
                    "immutable": {"type": "boolean"},
                    "metadata": {"$ref": "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"},
                    "ports": {"type": "array", "items": {"$ref": "#/definitions/Port"}},
                    "raw": {"type": "array", "items": {}},
                    "status": {"type": "object", "properties": {"phase": {"type": "string"}}}
                },
                "x-kubernetes-group-version-kind": [{"group": "", "version": "v1", "kind": "ConfigMap"}]
            },
            "Port": {"type": "object", "properties": {
                "port": {"type": "integer"},
                "target": {"format": "int-or-string", "type": "string"}
            }},
            "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {"type": "object", "properties": {
                "name": {"type": "string"},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}}
            }}
        }}))
    }

    #[test]
    fn types_and_shapes_like_terraform() {
        let api = doc();
        let id = api.builtin("v1", "ConfigMap").unwrap();
        let ty = api.object_type(api.definition(id).unwrap(), false).unwrap();
        let full = api.object_type(api.definition(id).unwrap(), true).unwrap();
        assert!(matches!(&full, Type::Object { attrs, .. } if attrs.contains_key("status")));
        let Type::Object { attrs, .. } = &ty else {
            panic!("{ty:?}")
        };
        assert!(!attrs.contains_key("status"));
        assert_eq!(attrs["data"], Type::map(Type::String));
        assert_eq!(attrs["raw"], Type::Tuple(vec![Type::Dynamic]));
        let v = shape(
            &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"},
                    "data": {"a": "1"}, "ports": [{"port": 80, "target": 8080}]}),
            &ty,
        );
        assert!(v.get_attr("immutable").unwrap().is_null());
        let meta = v.get_attr("metadata").unwrap();
        assert!(meta.get_attr("labels").unwrap().is_null());
        assert_eq!(meta.get_attr("name").unwrap(), &Value::string("x"));
        let port = &v.get_attr("ports").unwrap().as_seq().unwrap()[0];
        assert_eq!(port.get_attr("target").unwrap(), &Value::string("8080"));
        assert_eq!(
            type_at(&v, &["ports".into(), "0".into(), "port".into()]),
            Some(Type::Number)
        );
        assert!(api.builtin("example.com/v1", "Widget").is_none());
    }

    #[test]
    fn crd_schemas_by_group_version_kind() {
        let crd = json!({"spec": {"group": "example.com", "names": {"kind": "Widget"},
            "versions": [{"name": "v1", "schema": {"openAPIV3Schema": {"type": "object",
                "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}}]}});
        assert!(crd_schema(&crd, "example.com/v1", "Widget").is_some());
        assert!(crd_schema(&crd, "example.com/v2", "Widget").is_none());
        let ty = doc()
            .object_type(crd_schema(&crd, "example.com/v1", "Widget").unwrap(), false)
            .unwrap();
        let Type::Object { attrs, .. } = ty else {
            panic!()
        };
        assert_eq!(attrs["spec"], Type::Dynamic);
        assert!(matches!(attrs["metadata"], Type::Object { .. }));
    }
}
