//! Typed resources (`kubernetes_deployment_v1` ...): each is a [`Def`] —
//! apiVersion, kind and a [`fields::Field`] tree with the Terraform
//! provider's nested-block schema — and this module runs them all: plan
//! (defaults, server-filled values, force-new), create (POST), update (read,
//! overlay the managed fields, PUT with the read resourceVersion), delete
//! (and wait for finalizers), read, import and the data sources.

mod container;
pub mod defs;
pub mod fields;
mod pod;
mod rbac;
mod storage;
mod volumes;
mod workloads;

use crate::client::{
    claim_bound, job_failure, job_finished, rollout_done, Kube, KubeError, Target,
};
use crate::vals::*;
use fields::{from_json, overlay, plan, replace_paths, schema_block, to_json, Field};
use serde_json::{Map, Value as J};
use std::time::Duration;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_provider::{
    ApplyChangeRequest, ApplyChangeResponse, Attribute, Block, ImportRequest, ImportResponse,
    ImportedResource, NestedBlock, Nesting, PlanChangeRequest, PlanChangeResponse, ReadRequest,
    ReadResponse, Schema,
};
use terrane_value::{Path, Type, Value};

/// One typed resource type.
#[derive(Debug, Clone)]
pub struct Def {
    /// Terraform type name.
    pub name: &'static str,
    /// apiVersions to try, preferred first.
    pub api_versions: &'static [&'static str],
    /// The kind.
    pub kind: &'static str,
    /// Top-level fields (`metadata`, `spec`, `data` ...).
    pub fields: Vec<Field>,
    /// Operations of the `timeouts` block (empty: no block).
    pub timeouts: &'static [&'static str],
    /// What apply waits for after writing.
    pub wait: Wait,
}

/// What apply waits for, behind a terrane-only bool attribute (default
/// true), as Terraform's provider does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Nothing.
    None,
    /// `wait_for_rollout`: Deployment, StatefulSet, DaemonSet rollouts.
    Rollout,
    /// `wait_for_completion`: a Job's `Complete` condition.
    Completion,
    /// `wait_until_bound`: a claim's `Bound` phase.
    Bound,
}

impl Wait {
    fn attribute(self) -> Option<&'static str> {
        match self {
            Wait::None => None,
            Wait::Rollout => Some("wait_for_rollout"),
            Wait::Completion => Some("wait_for_completion"),
            Wait::Bound => Some("wait_until_bound"),
        }
    }
}

impl Def {
    /// The resource schema.
    pub fn schema(&self) -> Schema {
        let mut b = schema_block(&self.fields).attr("id", Attribute::computed(Type::String));
        if !self.timeouts.is_empty() {
            let mut t = Block::default();
            for op in self.timeouts {
                t = t.attr(op, Attribute::optional(Type::String));
            }
            b = b.block("timeouts", NestedBlock::new(Nesting::Single, t));
        }
        Schema {
            version: 1,
            block: b,
        }
    }

    fn ty(&self) -> Type {
        self.schema().block.implied_type()
    }

    /// The metadata name and namespace of a state or plan.
    fn ident(&self, o: &Obj) -> (Option<String>, Option<String>) {
        let m = first_block(o, "metadata").unwrap_or_default();
        (get_s(&m, "name"), get_s(&m, "namespace"))
    }

    fn id(&self, o: &Obj) -> Value {
        match self.ident(o) {
            (Some(n), Some(ns)) => vs(format!("{ns}/{n}")),
            (Some(n), None) => vs(n),
            _ => Value::unknown(Type::String),
        }
    }

    async fn target(&self, kube: &Kube) -> Result<(String, Target), KubeError> {
        kube.resolve_any(self.api_versions, self.kind).await
    }

    fn timeout(&self, o: &Obj, op: &str, default: Duration) -> Duration {
        o.get("timeouts")
            .map(obj)
            .and_then(|t| get_s(&t, op))
            .and_then(|s| crate::client::parse_duration(&s))
            .unwrap_or(default)
    }

    /// The state for an object read from the server.
    fn state(&self, kube: &Kube, j: &J, prior: Option<&Obj>) -> Obj {
        let mut o = from_json(&self.fields, j.as_object(), prior);
        fields::drop_ignored(&mut o, &kube.ignore);
        o.insert("id".into(), self.id(&o));
        if !self.timeouts.is_empty() {
            let t = prior
                .and_then(|p| p.get("timeouts").cloned())
                .unwrap_or_else(|| Value::null(timeouts_type(self.timeouts)));
            o.insert("timeouts".into(), t);
        }
        o
    }

    /// `plan_change`.
    pub fn plan_change(&self, req: &PlanChangeRequest) -> PlanChangeResponse {
        if req.proposed_new_state.is_null() {
            return PlanChangeResponse {
                planned_state: Value::null(self.ty()),
                ..Default::default()
            };
        }
        let config = obj(&req.config);
        let prior = (!req.prior_state.is_null()).then(|| obj(&req.prior_state));
        let mut planned = plan(&self.fields, &config, prior.as_ref());
        let mut requires_replace = Vec::new();
        if let Some(p) = &prior {
            replace_paths(
                &self.fields,
                &planned,
                p,
                &Path::root(),
                &mut requires_replace,
            );
            if !requires_replace.is_empty() {
                planned = plan(&self.fields, &config, None);
            }
        }
        if !self.timeouts.is_empty() {
            let t = config
                .get("timeouts")
                .cloned()
                .unwrap_or_else(|| Value::null(timeouts_type(self.timeouts)));
            planned.insert("timeouts".into(), t);
        }
        planned.insert(
            "id".into(),
            match (&prior, requires_replace.is_empty()) {
                (Some(p), true) => p.get("id").cloned().unwrap_or_else(|| self.id(&planned)),
                _ => self.id(&planned),
            },
        );
        if let Some(p) = &prior {
            if requires_replace.is_empty() && &planned != p {
                mark_meta_unknown(&mut planned);
            }
        }
        PlanChangeResponse {
            planned_state: vobj(planned),
            requires_replace,
            planned_private: Vec::new(),
            diagnostics: Diagnostics::new(),
        }
    }

    fn body(&self, api_version: &str, planned: &Obj, config: Option<&Obj>) -> Result<J, KubeError> {
        let mut m = to_json(&self.fields, planned, config, "")
            .map_err(|e| KubeError::Invalid(e.to_string()))?;
        m.insert("apiVersion".into(), J::String(api_version.into()));
        m.insert("kind".into(), J::String(self.kind.into()));
        Ok(J::Object(m))
    }

    fn what(&self, o: &Obj) -> String {
        match self.ident(o) {
            (Some(n), Some(ns)) => format!("{} {ns}/{n}", self.kind),
            (Some(n), None) => format!("{} {n}", self.kind),
            _ => self.kind.to_string(),
        }
    }

    /// `apply_change`.
    pub async fn apply_change(&self, kube: &Kube, req: &ApplyChangeRequest) -> ApplyChangeResponse {
        let mut diagnostics = Diagnostics::new();
        let prior = (!req.prior_state.is_null()).then(|| obj(&req.prior_state));
        if req.planned_state.is_null() {
            let Some(p) = prior else {
                return ApplyChangeResponse::default();
            };
            let res = async {
                let (_, t) = self.target(kube).await?;
                let (name, ns) = self.ident(&p);
                let name =
                    name.ok_or_else(|| KubeError::Invalid("state has no metadata.name".into()))?;
                let limit = self.timeout(&p, "delete", Duration::from_secs(300));
                kube.delete_and_wait(&t, ns.as_deref(), &name, limit).await
            }
            .await;
            return match res {
                Ok(()) => ApplyChangeResponse {
                    new_state: Value::null(self.ty()),
                    ..Default::default()
                },
                Err(e) => {
                    diagnostics.push(Diagnostic::error(
                        format!("Failed to delete {}", self.name),
                        format!("{}: {e}", self.what(&p)),
                    ));
                    ApplyChangeResponse {
                        new_state: req.prior_state.clone(),
                        private: Vec::new(),
                        diagnostics,
                    }
                }
            };
        }
        let planned = obj(&req.planned_state);
        let config = (!req.config.is_null()).then(|| obj(&req.config));
        let creating = prior.is_none();
        let verb = if creating { "create" } else { "update" };
        let written = async {
            let (av, t) = self.target(kube).await?;
            let (name, ns) = self.ident(&planned);
            let body = self.body(&av, &planned, config.as_ref())?;
            let out = if creating {
                kube.create(&t, ns.as_deref(), &body).await?
            } else {
                let name =
                    name.ok_or_else(|| KubeError::Invalid("plan has no metadata.name".into()))?;
                // Controllers write too (status, token secrets): on a
                // conflict, read again and reapply the managed fields.
                let mut attempt = 0;
                loop {
                    let current = kube.get(&t, ns.as_deref(), &name).await?.ok_or_else(|| {
                        KubeError::Api {
                            message: format!(
                                "{} {name:?} not found (deleted outside terrane?)",
                                self.kind
                            ),
                            code: 404,
                            reason: "NotFound".into(),
                        }
                    })?;
                    let mut cur: Map<String, J> = current.as_object().cloned().unwrap_or_default();
                    if let Some(d) = body.as_object() {
                        overlay(&self.fields, &mut cur, d, &kube.ignore);
                    }
                    match kube
                        .replace(&t, ns.as_deref(), &name, &J::Object(cur))
                        .await
                    {
                        Err(KubeError::Api { code: 409, .. }) if attempt < 5 => attempt += 1,
                        other => break other?,
                    }
                }
            };
            Ok::<_, KubeError>((t, out))
        }
        .await;
        let (t, out) = match written {
            Ok(x) => x,
            Err(e) => {
                diagnostics.push(Diagnostic::error(
                    format!("Failed to {verb} {}", self.name),
                    format!("{}: {e}", self.what(&planned)),
                ));
                return ApplyChangeResponse {
                    new_state: req.prior_state.clone(),
                    private: Vec::new(),
                    diagnostics,
                };
            }
        };
        let mut state = self.state(kube, &out, Some(&planned));
        let wait = self
            .wait
            .attribute()
            .filter(|a| get_b(&planned, a).unwrap_or(true));
        if let Some(attr) = wait {
            let (name, ns) = self.ident(&state);
            let (limit, done, what): (_, Check, _) = match self.wait {
                Wait::Completion => (
                    self.timeout(&planned, verb, Duration::from_secs(60)),
                    job_finished,
                    "Waiting for the job to complete",
                ),
                Wait::Bound => (
                    self.timeout(&planned, "create", Duration::from_secs(300)),
                    claim_bound,
                    "Waiting for the claim to be bound",
                ),
                _ => (
                    self.timeout(&planned, verb, Duration::from_secs(600)),
                    rollout_done,
                    "Waiting for rollout to finish",
                ),
            };
            let waited = kube
                .wait_until(
                    &t,
                    ns.as_deref(),
                    name.as_deref().unwrap_or(""),
                    limit,
                    done,
                )
                .await;
            let failure = match &waited {
                Ok(j) => {
                    state = self.state(kube, j, Some(&planned));
                    job_failure(j).map(|m| format!("the job failed: {m}"))
                }
                Err(e) => Some(e.to_string()),
            };
            if let Some(e) = failure {
                let outcome = match self.wait {
                    Wait::Completion => "the job did not complete",
                    Wait::Bound => "it was not bound to a volume",
                    _ => "its pods did not become available",
                };
                diagnostics.push(Diagnostic::error(
                    what,
                    format!(
                        "{}: {e}. The object was {verb}d but {outcome}; set {attr} = false to \
                         not wait.",
                        self.what(&planned)
                    ),
                ));
            }
        }
        ApplyChangeResponse {
            new_state: vobj(state),
            private: Vec::new(),
            diagnostics,
        }
    }

    /// `read`.
    pub async fn read(&self, kube: &Kube, req: &ReadRequest) -> ReadResponse {
        let cur = obj(&req.current_state);
        let (name, ns) = self.ident(&cur);
        let mut diagnostics = Diagnostics::new();
        let Some(name) = name else {
            return ReadResponse {
                new_state: req.current_state.clone(),
                ..Default::default()
            };
        };
        let res = async {
            let (_, t) = self.target(kube).await?;
            kube.get(&t, ns.as_deref(), &name).await
        }
        .await;
        match res {
            Ok(Some(j)) => ReadResponse {
                new_state: vobj(self.state(kube, &j, Some(&cur))),
                private: req.private.clone(),
                diagnostics,
            },
            Ok(None) => ReadResponse {
                new_state: Value::null(self.ty()),
                ..Default::default()
            },
            Err(e) => {
                diagnostics.push(Diagnostic::error(
                    format!("Failed to read {}", self.name),
                    format!("{}: {e}", self.what(&cur)),
                ));
                ReadResponse {
                    new_state: req.current_state.clone(),
                    private: req.private.clone(),
                    diagnostics,
                }
            }
        }
    }

    /// `import` by `namespace/name` (or `name` for cluster-scoped kinds,
    /// and `name` alone meaning the `default` namespace).
    pub async fn import(&self, kube: &Kube, req: &ImportRequest) -> ImportResponse {
        let mut diagnostics = Diagnostics::new();
        let res = async {
            let (_, t) = self.target(kube).await?;
            let (ns, name) = match req.id.split_once('/') {
                Some((ns, n)) if t.namespaced => (Some(ns.to_string()), n.to_string()),
                Some(_) => {
                    return Err(KubeError::Invalid(format!(
                        "{} is not namespaced: import it by name, not {:?}",
                        self.kind, req.id
                    )))
                }
                None if t.namespaced => (Some("default".to_string()), req.id.clone()),
                None => (None, req.id.clone()),
            };
            kube.get(&t, ns.as_deref(), &name)
                .await?
                .ok_or_else(|| KubeError::Api {
                    message: format!("{} {:?} not found", self.kind, req.id),
                    code: 404,
                    reason: "NotFound".into(),
                })
        }
        .await;
        match res {
            Ok(j) => ImportResponse {
                imported: vec![ImportedResource {
                    type_name: req.type_name.clone(),
                    state: vobj(self.state(kube, &j, None)),
                    private: Vec::new(),
                }],
                diagnostics,
            },
            Err(e) => {
                diagnostics.push(Diagnostic::error(
                    format!("Cannot import {}", self.name),
                    format!("{:?}: {e}", req.id),
                ));
                ImportResponse {
                    imported: Vec::new(),
                    diagnostics,
                }
            }
        }
    }

    /// Reads the object a data source names (`metadata { name namespace }`).
    pub async fn read_data(&self, kube: &Kube, config: &Value) -> Result<Obj, KubeError> {
        let cfg = obj(config);
        let (name, ns) = self.ident(&cfg);
        let name = name.ok_or_else(|| KubeError::Invalid("metadata.name is required".into()))?;
        let (_, t) = self.target(kube).await?;
        let ns = if t.namespaced {
            Some(ns.unwrap_or_else(|| "default".into()))
        } else {
            None
        };
        let j = kube
            .get(&t, ns.as_deref(), &name)
            .await?
            .ok_or_else(|| KubeError::Api {
                message: format!("{} {name:?} not found", self.kind),
                code: 404,
                reason: "NotFound".into(),
            })?;
        let mut o = from_json(&self.fields, j.as_object(), None);
        fields::drop_ignored(&mut o, &kube.ignore);
        o.insert("id".into(), self.id(&o));
        Ok(o)
    }
}

/// A readiness check run while waiting ([`Kube::wait_until`]).
type Check = fn(&J) -> Result<(), String>;

fn timeouts_type(ops: &[&str]) -> Type {
    Type::object(ops.iter().map(|o| (o.to_string(), Type::String)).collect())
}

/// `resource_version` and `generation` change on every write, and
/// `status` may.
fn mark_meta_unknown(planned: &mut Obj) {
    if let Some(st) = planned.get_mut("status") {
        *st = Value::unknown(st.ty());
    }
    let Some(Value {
        kind: terrane_value::Kind::List(ety, items),
        ..
    }) = planned.get("metadata").cloned()
    else {
        return;
    };
    let items: Vec<Value> = items
        .into_iter()
        .map(|m| {
            let mut o = obj(&m);
            for k in ["resource_version", "generation"] {
                // Kinds without a generation (ConfigMap ...) never get one.
                if o.get(k).is_some_and(|v| !v.is_null()) {
                    let ty = if k == "generation" {
                        Type::Number
                    } else {
                        Type::String
                    };
                    o.insert(k.into(), Value::unknown(ty));
                }
            }
            vobj(o)
        })
        .collect();
    planned.insert("metadata".into(), Value::list(ety, items));
}

/// The data source schema for a typed definition: `metadata { name
/// namespace }` configurable, everything else computed.
pub fn data_schema(d: &Def) -> Schema {
    let block = fields::data_block(&d.fields, &["metadata", "name", "namespace"])
        .attr("id", Attribute::computed(Type::String));
    Schema { version: 0, block }
}

/// The data source's state: what was read, shaped by [`data_schema`].
pub fn data_state(d: &Def, mut o: Obj) -> Value {
    let block = data_schema(d).block;
    o.retain(|k, _| block.attributes.contains_key(k) || block.blocks.contains_key(k));
    vobj(o)
}
