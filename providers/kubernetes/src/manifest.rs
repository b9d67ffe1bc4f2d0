//! `kubernetes_manifest` (any object from an HCL object, applied with
//! server-side apply) and the `kubernetes_resource` data source.
//!
//! The plan is a server-side dry run of the same apply, so the planned
//! `object` shows what the API server will store: defaults, admission
//! changes, and fields other managers own (which therefore never show as
//! a diff). Values that differ on every dry run of a *create* (allocated
//! Service IPs and node ports) are planned as unknown. `object` has the
//! kind's OpenAPI shape ([`crate::openapi`]), unset properties null, as
//! Terraform's provider stores it.

use crate::client::{
    parse_duration, rollout_done, ApplyOpts, Kube, KubeError, Target, FIELD_MANAGER,
};
use crate::jsonval::{from_json, get_path, insert_value_path, set_value_path, split_path, to_json};
use crate::vals::*;
use regex::Regex;
use serde_json::Value as J;
use std::time::Duration;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_provider::{
    ApplyChangeRequest, ApplyChangeResponse, Attribute, Block, ImportRequest, ImportResponse,
    ImportedResource, NestedBlock, Nesting, PlanChangeRequest, PlanChangeResponse,
    ReadDataSourceRequest, ReadDataSourceResponse, ReadRequest, ReadResponse, Schema,
};
use terrane_value::{Path, Type, Value};

fn one(b: Block) -> NestedBlock {
    let mut nb = NestedBlock::new(Nesting::List, b);
    nb.max_items = 1;
    nb
}

/// The resource schema.
pub fn schema() -> Schema {
    let s = || Attribute::optional(Type::String);
    let wait = Block::default()
        .attr("fields", Attribute::optional(Type::map(Type::String)))
        .attr("rollout", Attribute::optional(Type::Bool))
        .block(
            "condition",
            NestedBlock::new(
                Nesting::List,
                Block::default().attr("status", s()).attr("type", s()),
            ),
        );
    let block = Block::default()
        .attr("manifest", Attribute::required(Type::Dynamic).describe("A Kubernetes manifest describing the desired state of the resource in HCL format."))
        .attr("object", Attribute::optional_computed(Type::Dynamic).describe("The resulting resource state, as returned by the API server after applying the desired state from `manifest`."))
        .attr("computed_fields", Attribute::optional(Type::list(Type::String)))
        .attr(
            "wait_for",
            Attribute::optional(Type::object(
                [("fields".to_string(), Type::map(Type::String))].into_iter().collect(),
            )),
        )
        .block(
            "field_manager",
            one(Block::default()
                .attr("force_conflicts", Attribute::optional(Type::Bool))
                .attr("name", s())),
        )
        .block("wait", one(wait))
        .block(
            "timeouts",
            one(Block::default().attr("create", s()).attr("update", s()).attr("delete", s())),
        );
    Schema { version: 1, block }
}

/// The `kubernetes_resource` data source schema.
pub fn data_schema() -> Schema {
    let block = Block::default()
        .attr("api_version", Attribute::required(Type::String))
        .attr("kind", Attribute::required(Type::String))
        .attr("object", Attribute::optional_computed(Type::Dynamic))
        .block(
            "metadata",
            one(Block::default()
                .attr("name", Attribute::required(Type::String))
                .attr("namespace", Attribute::optional(Type::String))),
        );
    Schema { version: 0, block }
}

/// Identity of a manifest.
struct Ident {
    api_version: String,
    kind: String,
    name: String,
    namespace: Option<String>,
}

impl Ident {
    fn of(j: &J) -> Result<Ident, KubeError> {
        let s = |p: &str| get_path(j, p).and_then(J::as_str).map(str::to_string);
        let missing = |f: &str| KubeError::Invalid(format!("the manifest has no {f}"));
        Ok(Ident {
            api_version: s("apiVersion").ok_or_else(|| missing("apiVersion"))?,
            kind: s("kind").ok_or_else(|| missing("kind"))?,
            name: s("metadata.name").ok_or_else(|| missing("metadata.name"))?,
            namespace: s("metadata.namespace"),
        })
    }

    fn describe(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{} {}/{} ({})", self.kind, ns, self.name, self.api_version),
            None => format!("{} {} ({})", self.kind, self.name, self.api_version),
        }
    }

    async fn target(&self, kube: &Kube) -> Result<Target, KubeError> {
        let t = kube.resolve(&self.api_version, &self.kind).await?;
        if !t.namespaced && self.namespace.is_some() {
            return Err(KubeError::Invalid(format!(
                "{} is cluster-scoped: remove metadata.namespace from the manifest",
                self.kind
            )));
        }
        Ok(t)
    }
}

/// Removes what changes on every write (or is not desired state).
pub fn clean(mut j: J) -> J {
    if let Some(o) = j.as_object_mut() {
        o.remove("status");
        if let Some(J::Object(m)) = o.get_mut("metadata") {
            for k in [
                "uid",
                "resourceVersion",
                "creationTimestamp",
                "managedFields",
                "generation",
                "selfLink",
            ] {
                m.remove(k);
            }
        }
    }
    j
}

struct Settings {
    manager: String,
    force: bool,
    computed_fields: Vec<String>,
    wait_rollout: bool,
    wait_fields: Vec<(String, String)>,
    wait_conditions: Vec<(String, String)>,
}

fn settings(o: &Obj) -> Settings {
    let fm = first_block(o, "field_manager").unwrap_or_default();
    let wait = first_block(o, "wait").unwrap_or_default();
    let mut wait_fields: Vec<(String, String)> = wait
        .get("fields")
        .and_then(Value::as_entries)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    if let Some(wf) = o
        .get("wait_for")
        .and_then(|w| w.get_attr("fields"))
        .and_then(Value::as_entries)
    {
        wait_fields.extend(
            wf.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())),
        );
    }
    let wait_conditions = wait
        .get("condition")
        .and_then(Value::as_seq)
        .map(|xs| {
            xs.iter()
                .map(|c| {
                    let c = obj(c);
                    (
                        get_s(&c, "type").unwrap_or_default(),
                        get_s(&c, "status").unwrap_or_default(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let computed_fields = match o.get("computed_fields") {
        Some(v) if !v.is_null() => get_strs(o, "computed_fields"),
        _ => vec!["metadata.labels".into(), "metadata.annotations".into()],
    };
    Settings {
        manager: get_s(&fm, "name").unwrap_or_else(|| FIELD_MANAGER.to_string()),
        force: get_b(&fm, "force_conflicts").unwrap_or(false),
        computed_fields,
        wait_rollout: get_b(&wait, "rollout").unwrap_or(false),
        wait_fields,
        wait_conditions,
    }
}

fn timeout(o: &Obj, op: &str) -> Duration {
    first_block(o, "timeouts")
        .and_then(|t| get_s(&t, op))
        .and_then(|s| parse_duration(&s))
        .unwrap_or(Duration::from_secs(600))
}

fn diag(summary: &str, detail: String) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.push(Diagnostic::error(summary, detail));
    d
}

fn conflict_hint(e: &KubeError) -> &'static str {
    match e {
        KubeError::Api { code: 409, .. } => {
            ". Another field manager owns these fields; set field_manager { force_conflicts = true } to take them over"
        }
        _ => "",
    }
}

/// Values the API server allocates when a Service is created (a dry run
/// of the create leaves them out or makes up others): unknown until apply.
fn mark_allocated(object: &mut Value, j: &J, manifest: &J) {
    if j.get("kind").and_then(J::as_str) != Some("Service") {
        return;
    }
    let steps = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let ty = get_path(j, "spec.type")
        .and_then(J::as_str)
        .unwrap_or("ClusterIP");
    if ty != "ExternalName" {
        for p in ["clusterIP", "clusterIPs"] {
            if get_path(manifest, &format!("spec.{p}")).is_none() {
                insert_value_path(object, &steps(&["spec", p]), Value::unknown(Type::Dynamic));
            }
        }
    }
    if ty == "NodePort" || ty == "LoadBalancer" {
        if let Some(ports) = get_path(j, "spec.ports").and_then(J::as_array) {
            for i in 0..ports.len() {
                if get_path(manifest, &format!("spec.ports.{i}.nodePort")).is_none() {
                    let idx = i.to_string();
                    insert_value_path(
                        object,
                        &steps(&["spec", "ports", &idx, "nodePort"]),
                        Value::unknown(Type::Dynamic),
                    );
                }
            }
        }
        if ty == "LoadBalancer"
            && get_path(j, "spec.externalTrafficPolicy").and_then(J::as_str) == Some("Local")
            && get_path(manifest, "spec.healthCheckNodePort").is_none()
        {
            insert_value_path(
                object,
                &steps(&["spec", "healthCheckNodePort"]),
                Value::unknown(Type::Dynamic),
            );
        }
    }
}

/// `plan_change`.
pub async fn plan_change(kube: &Kube, req: &PlanChangeRequest) -> PlanChangeResponse {
    if req.proposed_new_state.is_null() {
        return PlanChangeResponse {
            planned_state: Value::null(schema().block.implied_type()),
            ..Default::default()
        };
    }
    let mut planned = obj(&req.proposed_new_state);
    let cfg = obj(&req.config);
    let manifest = cfg
        .get("manifest")
        .cloned()
        .unwrap_or_else(Value::dynamic_null);
    planned.insert("manifest".into(), manifest.clone());
    let prior = (!req.prior_state.is_null()).then(|| obj(&req.prior_state));
    let Ok(body) = to_json(&manifest) else {
        planned.insert("object".into(), Value::unknown(Type::Dynamic));
        return PlanChangeResponse {
            planned_state: vobj(planned),
            ..Default::default()
        };
    };
    let id = match Ident::of(&body) {
        Ok(i) => i,
        Err(e) => {
            return PlanChangeResponse {
                diagnostics: diag("Invalid manifest", e.to_string()),
                ..Default::default()
            }
        }
    };
    let mut requires_replace = Vec::new();
    if let Some(p) = &prior {
        let old = p
            .get("manifest")
            .and_then(|m| to_json(m).ok())
            .and_then(|j| Ident::of(&j).ok());
        if let Some(old) = old {
            let group = |v: &str| {
                v.split_once('/')
                    .map(|x| x.0.to_string())
                    .unwrap_or_default()
            };
            if old.kind != id.kind
                || group(&old.api_version) != group(&id.api_version)
                || old.name != id.name
                || old.namespace != id.namespace
            {
                requires_replace.push(Path::root().attr("manifest"));
            }
        }
    }
    let st = settings(&cfg);
    let creating = prior.is_none() || !requires_replace.is_empty();
    let dry = async {
        let t = id.target(kube).await?;
        kube.apply(
            &t,
            id.namespace.as_deref(),
            &id.name,
            &body,
            &ApplyOpts {
                manager: &st.manager,
                force: st.force,
                dry_run: true,
            },
        )
        .await
    }
    .await;
    let object = match dry {
        Ok(j) => {
            let j = clean(j);
            let mut v = kube.shape_object(&j, false).await;
            if creating {
                mark_allocated(&mut v, &j, &body);
            }
            let prior_obj = prior.as_ref().and_then(|p| p.get("object"));
            if !creating && prior_obj == Some(&v) {
                v
            } else {
                for f in &st.computed_fields {
                    let steps = split_path(f);
                    let server = get_path(&j, f);
                    let mine = get_path(&body, f);
                    if server.is_some() && server != mine {
                        set_value_path(&mut v, &steps, Value::unknown(Type::Dynamic));
                    }
                }
                v
            }
        }
        // The namespace (or CRD) may be created earlier in this same apply.
        Err(KubeError::Api { code: 404, .. }) if creating => Value::unknown(Type::Dynamic),
        Err(e) => {
            return PlanChangeResponse {
                diagnostics: diag(
                    "Failed to plan kubernetes_manifest",
                    format!("{}: {e}{}", id.describe(), conflict_hint(&e)),
                ),
                ..Default::default()
            }
        }
    };
    planned.insert("object".into(), object);
    PlanChangeResponse {
        planned_state: vobj(planned),
        requires_replace,
        planned_private: Vec::new(),
        diagnostics: Diagnostics::new(),
    }
}

fn check_wait(st: &Settings, j: &J) -> Result<(), String> {
    if st.wait_rollout {
        rollout_done(j)?;
    }
    for (path, want) in &st.wait_fields {
        let got = get_path(j, path);
        let ok = match got {
            None => false,
            Some(_) if want == "*" => true,
            Some(v) => {
                let s = match v {
                    J::String(s) => s.clone(),
                    other => other.to_string(),
                };
                s == *want || Regex::new(&format!("^(?:{want})$")).is_ok_and(|r| r.is_match(&s))
            }
        };
        if !ok {
            return Err(format!(
                "field {path} is {:?}, waiting for {want:?}",
                got.map(J::to_string)
            ));
        }
    }
    for (ty, status) in &st.wait_conditions {
        let conds = j
            .pointer("/status/conditions")
            .and_then(J::as_array)
            .cloned()
            .unwrap_or_default();
        let met = conds.iter().any(|c| {
            c.get("type").and_then(J::as_str) == Some(ty)
                && c.get("status").and_then(J::as_str) == Some(status)
        });
        if !met {
            return Err(format!("condition {ty}={status} not met"));
        }
    }
    Ok(())
}

/// `apply_change`.
pub async fn apply_change(kube: &Kube, req: &ApplyChangeRequest) -> ApplyChangeResponse {
    let prior = (!req.prior_state.is_null()).then(|| obj(&req.prior_state));
    let fail = |summary: &str, detail: String| ApplyChangeResponse {
        new_state: req.prior_state.clone(),
        private: Vec::new(),
        diagnostics: diag(summary, detail),
    };
    if req.planned_state.is_null() {
        let Some(p) = prior else {
            return ApplyChangeResponse::default();
        };
        let body = p
            .get("manifest")
            .and_then(|m| to_json(m).ok())
            .unwrap_or(J::Null);
        let id = match Ident::of(&body) {
            Ok(i) => i,
            Err(e) => return fail("Failed to delete kubernetes_manifest", e.to_string()),
        };
        let res = async {
            let t = id.target(kube).await?;
            kube.delete_and_wait(&t, id.namespace.as_deref(), &id.name, timeout(&p, "delete"))
                .await
        }
        .await;
        return match res {
            Ok(()) => ApplyChangeResponse {
                new_state: Value::null(schema().block.implied_type()),
                ..Default::default()
            },
            Err(e) => fail(
                "Failed to delete kubernetes_manifest",
                format!("{}: {e}", id.describe()),
            ),
        };
    }
    let mut planned = obj(&req.planned_state);
    let body = match planned.get("manifest").map(to_json) {
        Some(Ok(b)) => b,
        _ => {
            return fail(
                "Invalid manifest",
                "the manifest is not wholly known at apply time".into(),
            )
        }
    };
    let id = match Ident::of(&body) {
        Ok(i) => i,
        Err(e) => return fail("Invalid manifest", e.to_string()),
    };
    let st = settings(&planned);
    let creating = prior.is_none();
    let op = if creating { "create" } else { "update" };
    let res = async {
        let t = id.target(kube).await?;
        if creating
            && kube
                .get(&t, id.namespace.as_deref(), &id.name)
                .await?
                .is_some()
        {
            return Err(KubeError::Invalid(format!(
                "Cannot create resource that already exists: {} (import it instead)",
                id.describe()
            )));
        }
        let out = kube
            .apply(
                &t,
                id.namespace.as_deref(),
                &id.name,
                &body,
                &ApplyOpts {
                    manager: &st.manager,
                    force: st.force,
                    dry_run: false,
                },
            )
            .await?;
        Ok((t, out))
    }
    .await;
    let (t, out) = match res {
        Ok(x) => x,
        Err(e) => {
            return fail(
                &format!("Failed to {op} kubernetes_manifest"),
                format!("{}: {e}{}", id.describe(), conflict_hint(&e)),
            )
        }
    };
    let mut diagnostics = Diagnostics::new();
    let mut current = out;
    if st.wait_rollout || !st.wait_fields.is_empty() || !st.wait_conditions.is_empty() {
        match kube
            .wait_until(
                &t,
                id.namespace.as_deref(),
                &id.name,
                timeout(&planned, op),
                |j| check_wait(&st, j),
            )
            .await
        {
            Ok(j) => current = j,
            Err(e) => diagnostics.push(Diagnostic::error(
                "Operation timed out",
                format!(
                    "{} was {op}d but the wait conditions were not met: {e}",
                    id.describe()
                ),
            )),
        }
    }
    let object = kube.shape_object(&clean(current), false).await;
    planned.insert("object".into(), object);
    ApplyChangeResponse {
        new_state: vobj(planned),
        private: Vec::new(),
        diagnostics,
    }
}

/// `read`.
pub async fn read(kube: &Kube, req: &ReadRequest) -> ReadResponse {
    let mut state = obj(&req.current_state);
    let body = state
        .get("manifest")
        .and_then(|m| to_json(m).ok())
        .unwrap_or(J::Null);
    let id = match Ident::of(&body) {
        Ok(i) => i,
        Err(e) => {
            return ReadResponse {
                new_state: req.current_state.clone(),
                private: req.private.clone(),
                diagnostics: diag("Invalid manifest in state", e.to_string()),
            }
        }
    };
    let res = async {
        let t = id.target(kube).await?;
        kube.get(&t, id.namespace.as_deref(), &id.name).await
    }
    .await;
    match res {
        Ok(Some(j)) => {
            let object = kube.shape_object(&clean(j), false).await;
            state.insert("object".into(), object);
            ReadResponse {
                new_state: vobj(state),
                private: req.private.clone(),
                diagnostics: Diagnostics::new(),
            }
        }
        Ok(None) => ReadResponse {
            new_state: Value::null(schema().block.implied_type()),
            ..Default::default()
        },
        Err(e) => ReadResponse {
            new_state: req.current_state.clone(),
            private: req.private.clone(),
            diagnostics: diag(
                "Failed to read kubernetes_manifest",
                format!("{}: {e}", id.describe()),
            ),
        },
    }
}

/// Parses `apiVersion=v1,kind=ConfigMap,namespace=ns,name=x`.
pub fn parse_import_id(id: &str) -> Result<(String, String, Option<String>, String), String> {
    let mut av = None;
    let mut kind = None;
    let mut ns = None;
    let mut name = None;
    for part in id.split(',') {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| format!("{part:?} is not key=value"))?;
        match k.trim() {
            "apiVersion" => av = Some(v.trim().to_string()),
            "kind" => kind = Some(v.trim().to_string()),
            "namespace" => ns = Some(v.trim().to_string()),
            "name" => name = Some(v.trim().to_string()),
            other => return Err(format!("unknown key {other:?}")),
        }
    }
    match (av, kind, name) {
        (Some(a), Some(k), Some(n)) => Ok((a, k, ns, n)),
        _ => Err("the ID must name apiVersion, kind and name (and namespace for namespaced kinds), e.g. \"apiVersion=v1,kind=ConfigMap,namespace=default,name=example\"".into()),
    }
}

/// `import`.
pub async fn import(kube: &Kube, req: &ImportRequest) -> ImportResponse {
    let (av, kind, ns, name) = match parse_import_id(&req.id) {
        Ok(x) => x,
        Err(e) => {
            return ImportResponse {
                imported: Vec::new(),
                diagnostics: diag("Invalid import ID", format!("{:?}: {e}", req.id)),
            }
        }
    };
    let res = async {
        let t = kube.resolve(&av, &kind).await?;
        kube.get(&t, ns.as_deref(), &name)
            .await?
            .ok_or_else(|| KubeError::Api {
                message: format!("{kind} {name:?} not found"),
                code: 404,
                reason: "NotFound".into(),
            })
    }
    .await;
    match res {
        Ok(j) => {
            let j = clean(j);
            let plain = from_json(&j);
            let obj_v = kube.shape_object(&j, false).await;
            let mut manifest = plain.clone();
            set_value_path(&mut manifest, &["metadata".into()], strip_meta(&plain));
            let block = schema().block;
            let mut state = Obj::new();
            for (k, a) in &block.attributes {
                state.insert(k.clone(), Value::null(a.ty.clone()));
            }
            for (k, b) in &block.blocks {
                state.insert(k.clone(), Value::list(b.block.implied_type(), vec![]));
            }
            state.insert("manifest".into(), manifest);
            state.insert("object".into(), obj_v);
            ImportResponse {
                imported: vec![ImportedResource {
                    type_name: req.type_name.clone(),
                    state: vobj(state),
                    private: Vec::new(),
                }],
                diagnostics: Diagnostics::new(),
            }
        }
        Err(e) => ImportResponse {
            imported: Vec::new(),
            diagnostics: diag(
                "Cannot import kubernetes_manifest",
                format!("{:?}: {e}", req.id),
            ),
        },
    }
}

/// The imported manifest's metadata: identity, labels and annotations only.
fn strip_meta(o: &Value) -> Value {
    let m = o.get_attr("metadata").map(obj).unwrap_or_default();
    let mut keep = Obj::new();
    for k in ["name", "namespace", "labels", "annotations"] {
        if let Some(v) = m.get(k) {
            keep.insert(k.to_string(), v.clone());
        }
    }
    vobj(keep)
}

/// The `kubernetes_resource` data source.
pub async fn read_data(kube: &Kube, req: &ReadDataSourceRequest) -> ReadDataSourceResponse {
    let cfg = obj(&req.config);
    let meta = first_block(&cfg, "metadata").unwrap_or_default();
    let (Some(av), Some(kind), Some(name)) = (
        get_s(&cfg, "api_version"),
        get_s(&cfg, "kind"),
        get_s(&meta, "name"),
    ) else {
        return ReadDataSourceResponse {
            state: Value::dynamic_null(),
            diagnostics: diag(
                "Invalid kubernetes_resource",
                "api_version, kind and metadata.name are required".into(),
            ),
        };
    };
    let ns = get_s(&meta, "namespace");
    let res = async {
        let t = kube.resolve(&av, &kind).await?;
        let ns = if t.namespaced {
            Some(ns.unwrap_or_else(|| "default".into()))
        } else {
            None
        };
        kube.get(&t, ns.as_deref(), &name)
            .await?
            .ok_or_else(|| KubeError::Api {
                message: format!("{kind} {name:?} not found"),
                code: 404,
                reason: "NotFound".into(),
            })
    }
    .await;
    match res {
        Ok(j) => {
            let mut out = cfg;
            let mut o = j;
            if let Some(m) = o
                .as_object_mut()
                .and_then(|m| m.get_mut("metadata"))
                .and_then(J::as_object_mut)
            {
                m.remove("managedFields");
            }
            out.insert("object".into(), kube.shape_object(&o, true).await);
            ReadDataSourceResponse {
                state: vobj(out),
                diagnostics: Diagnostics::new(),
            }
        }
        Err(e) => ReadDataSourceResponse {
            state: Value::dynamic_null(),
            diagnostics: diag(
                "Failed to read kubernetes_resource",
                format!("{kind} {name:?}: {e}"),
            ),
        },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn import_ids() {
        let (a, k, ns, n) =
            parse_import_id("apiVersion=v1,kind=ConfigMap,namespace=ns,name=x").unwrap();
        assert_eq!(
            (a.as_str(), k.as_str(), ns.as_deref(), n.as_str()),
            ("v1", "ConfigMap", Some("ns"), "x")
        );
        let (_, _, ns, _) = parse_import_id("apiVersion=v1,kind=Namespace,name=x").unwrap();
        assert_eq!(ns, None);
        assert!(parse_import_id("ns/x").is_err());
        assert!(parse_import_id("apiVersion=v1,kind=ConfigMap").is_err());
    }

    #[test]
    fn clean_strips_volatile_fields() {
        let j = serde_json::json!({"metadata": {"name": "a", "uid": "u", "resourceVersion": "1", "managedFields": []}, "status": {}});
        assert_eq!(clean(j), serde_json::json!({"metadata": {"name": "a"}}));
    }

    #[test]
    fn wait_checks() {
        let st = Settings {
            manager: "t".into(),
            force: false,
            computed_fields: vec![],
            wait_rollout: false,
            wait_fields: vec![("status.phase".into(), "Act.*".into())],
            wait_conditions: vec![("Ready".into(), "True".into())],
        };
        let j = serde_json::json!({"status": {"phase": "Active", "conditions": [{"type": "Ready", "status": "True"}]}});
        assert!(check_wait(&st, &j).is_ok());
        let j = serde_json::json!({"status": {"phase": "Active"}});
        assert!(check_wait(&st, &j).unwrap_err().contains("Ready"));
    }
}
