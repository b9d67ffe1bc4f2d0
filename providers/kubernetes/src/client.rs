//! The connection to one API server: discovery (apiVersion/kind → resource,
//! cached per group-version and refreshed on a miss, so CRDs created earlier
//! in the same run are found), and the few verbs the resources use (get,
//! server-side apply, delete, waits), each failing with the API server's own
//! status message.

use kube::api::{Api, DeleteParams, DynamicObject, Patch, PatchParams, PostParams};
use kube::core::{ApiResource, GroupVersionKind};
use kube::discovery::{ApiCapabilities, Scope};
use serde_json::Value as J;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Why a call to the API server failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum KubeError {
    /// The API server answered with a Status error.
    #[error("{message} (HTTP {code}, reason {reason})")]
    Api {
        /// The server's message.
        message: String,
        /// HTTP status code.
        code: u16,
        /// The Status reason (`NotFound`, `Conflict`, `Invalid` ...).
        reason: String,
    },
    /// The server could not be reached or answered something unreadable.
    #[error("{0}")]
    Transport(String),
    /// The apiVersion/kind is not served by this cluster.
    #[error("the API server does not serve kind {kind:?} in apiVersion {api_version:?}")]
    UnknownKind {
        /// The requested apiVersion.
        api_version: String,
        /// The requested kind.
        kind: String,
    },
    /// The request cannot be built from the configuration.
    #[error("{0}")]
    Invalid(String),
    /// A wait gave up.
    #[error("timed out after {secs}s waiting for {what}")]
    Timeout {
        /// What was awaited.
        what: String,
        /// How long it waited.
        secs: u64,
    },
}

impl KubeError {
    /// True for a 404 answer.
    pub fn is_not_found(&self) -> bool {
        matches!(self, KubeError::Api { code: 404, .. })
    }
}

impl From<kube::Error> for KubeError {
    fn from(e: kube::Error) -> Self {
        match e {
            kube::Error::Api(s) => KubeError::Api {
                message: s.message.clone(),
                code: s.code,
                reason: s.reason.clone(),
            },
            other => {
                // The useful part (TLS, DNS, refused) is deep in the chain.
                let mut msg = other.to_string();
                let mut src = std::error::Error::source(&other);
                while let Some(s) = src {
                    msg.push_str(": ");
                    msg.push_str(&s.to_string());
                    src = s.source();
                }
                KubeError::Transport(msg)
            }
        }
    }
}

/// Where an object lives: its resource and, when namespaced, its namespace.
#[derive(Debug, Clone)]
pub struct Target {
    /// The API resource (group, version, plural).
    pub resource: ApiResource,
    /// True for namespaced kinds.
    pub namespaced: bool,
}

/// A configured connection.
pub struct Kube {
    /// The kube client.
    pub client: kube::Client,
    /// The kubeconfig context's namespace (or `default`).
    pub default_namespace: String,
    cache: Mutex<HashMap<(String, String), Target>>,
    /// Pause between polls of a wait.
    pub poll: Duration,
    /// Metadata keys other systems manage (`ignore_annotations`,
    /// `ignore_labels`): never read into state, never removed on update.
    pub ignore: Ignore,
    /// OpenAPI types of `kubernetes_manifest` objects.
    pub(crate) types: crate::openapi::TypeCache,
}

/// Metadata keys terrane leaves alone.
#[derive(Debug, Clone, Default)]
pub struct Ignore {
    /// Annotation key patterns.
    pub annotations: Vec<regex::Regex>,
    /// Label key patterns.
    pub labels: Vec<regex::Regex>,
}

impl Ignore {
    /// True when `key` of metadata map `map` (`annotations`/`labels`) is ignored.
    pub fn ignores(&self, map: &str, key: &str) -> bool {
        let pats = if map == "annotations" {
            &self.annotations
        } else {
            &self.labels
        };
        pats.iter().any(|r| r.is_match(key))
    }
}

/// How a server-side apply is made.
#[derive(Debug, Clone, Copy)]
pub struct ApplyOpts<'a> {
    /// The field manager.
    pub manager: &'a str,
    /// Take over fields other managers own.
    pub force: bool,
    /// Only ask what the server would store.
    pub dry_run: bool,
}

/// The field manager terrane applies under unless configured otherwise.
pub const FIELD_MANAGER: &str = "terrane";

impl Kube {
    /// Wraps a client.
    pub fn new(client: kube::Client, default_namespace: String) -> Self {
        Kube {
            client,
            default_namespace,
            cache: Mutex::new(HashMap::new()),
            poll: Duration::from_millis(500),
            ignore: Ignore::default(),
            types: Default::default(),
        }
    }

    /// Finds the resource serving `api_version`/`kind` (one discovery call
    /// per group-version, cached).
    pub async fn resolve(&self, api_version: &str, kind: &str) -> Result<Target, KubeError> {
        let key = (api_version.to_string(), kind.to_string());
        if let Some(t) = self.cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(t);
        }
        let (group, version) = match api_version.split_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        let gvk = GroupVersionKind::gvk(group, version, kind);
        let found: Result<(ApiResource, ApiCapabilities), kube::Error> =
            kube::discovery::pinned_kind(&self.client, &gvk).await;
        let (resource, caps) = match found {
            Ok(x) => x,
            Err(kube::Error::Api(s)) if s.code == 404 => {
                return Err(KubeError::UnknownKind {
                    api_version: api_version.into(),
                    kind: kind.into(),
                })
            }
            Err(kube::Error::Discovery(_)) => {
                return Err(KubeError::UnknownKind {
                    api_version: api_version.into(),
                    kind: kind.into(),
                })
            }
            Err(e) => return Err(e.into()),
        };
        let t = Target {
            resource,
            namespaced: caps.scope == Scope::Namespaced,
        };
        if let Ok(mut c) = self.cache.lock() {
            c.insert(key, t.clone());
        }
        Ok(t)
    }

    /// The first of `api_versions` that serves `kind` (e.g. autoscaling/v2
    /// then autoscaling/v2beta2 on older servers).
    pub async fn resolve_any(
        &self,
        api_versions: &[&str],
        kind: &str,
    ) -> Result<(String, Target), KubeError> {
        let mut last = None;
        for v in api_versions {
            match self.resolve(v, kind).await {
                Ok(t) => return Ok((v.to_string(), t)),
                Err(e @ KubeError::UnknownKind { .. }) => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| KubeError::Invalid(format!("no apiVersion for {kind}"))))
    }

    fn api(&self, t: &Target, namespace: Option<&str>) -> Api<DynamicObject> {
        if t.namespaced {
            let ns = namespace
                .filter(|n| !n.is_empty())
                .unwrap_or(&self.default_namespace);
            Api::namespaced_with(self.client.clone(), ns, &t.resource)
        } else {
            Api::all_with(self.client.clone(), &t.resource)
        }
    }

    /// Reads an object as JSON; `None` when it does not exist.
    pub async fn get(
        &self,
        t: &Target,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Option<J>, KubeError> {
        let api = self.api(t, namespace);
        match api.get_opt(name).await? {
            Some(o) => Ok(Some(
                serde_json::to_value(o).map_err(|e| KubeError::Transport(e.to_string()))?,
            )),
            None => Ok(None),
        }
    }

    /// Server-side apply of `body` (a whole object) under `manager`;
    /// `dry_run` asks the server what it would store without storing it.
    pub async fn apply(
        &self,
        t: &Target,
        namespace: Option<&str>,
        name: &str,
        body: &J,
        opts: &ApplyOpts<'_>,
    ) -> Result<J, KubeError> {
        let api = self.api(t, namespace);
        let mut pp = PatchParams::apply(opts.manager);
        if opts.force {
            pp = pp.force();
        }
        if opts.dry_run {
            pp = pp.dry_run();
        }
        let o = api.patch(name, &pp, &Patch::Apply(body)).await?;
        serde_json::to_value(o).map_err(|e| KubeError::Transport(e.to_string()))
    }

    /// Creates an object from its JSON body (fails when it exists).
    pub async fn create(
        &self,
        t: &Target,
        namespace: Option<&str>,
        body: &J,
    ) -> Result<J, KubeError> {
        let api = self.api(t, namespace);
        let obj: DynamicObject =
            serde_json::from_value(body.clone()).map_err(|e| KubeError::Invalid(e.to_string()))?;
        let pp = PostParams {
            dry_run: false,
            field_manager: Some(FIELD_MANAGER.to_string()),
        };
        let o = api.create(&pp, &obj).await?;
        serde_json::to_value(o).map_err(|e| KubeError::Transport(e.to_string()))
    }

    /// Replaces an object with `body` (which carries the resourceVersion
    /// it was read at, so a concurrent change is a conflict, not lost).
    pub async fn replace(
        &self,
        t: &Target,
        namespace: Option<&str>,
        name: &str,
        body: &J,
    ) -> Result<J, KubeError> {
        let api = self.api(t, namespace);
        let obj: DynamicObject =
            serde_json::from_value(body.clone()).map_err(|e| KubeError::Invalid(e.to_string()))?;
        let pp = PostParams {
            dry_run: false,
            field_manager: Some(FIELD_MANAGER.to_string()),
        };
        let o = api.replace(name, &pp, &obj).await?;
        serde_json::to_value(o).map_err(|e| KubeError::Transport(e.to_string()))
    }

    /// Deletes an object (background propagation) and waits until it is
    /// gone, finalizers included, up to `limit`. Already gone is success.
    pub async fn delete_and_wait(
        &self,
        t: &Target,
        namespace: Option<&str>,
        name: &str,
        limit: Duration,
    ) -> Result<(), KubeError> {
        let api = self.api(t, namespace);
        match api.delete(name, &DeleteParams::background()).await {
            Ok(_) => {}
            Err(kube::Error::Api(s)) if s.code == 404 => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        let start = Instant::now();
        loop {
            if api.get_opt(name).await?.is_none() {
                return Ok(());
            }
            if start.elapsed() >= limit {
                return Err(KubeError::Timeout {
                    what: format!(
                        "{} {name:?} to be deleted (finalizers still pending)",
                        t.resource.kind
                    ),
                    secs: limit.as_secs(),
                });
            }
            tokio::time::sleep(self.poll).await;
        }
    }

    /// Polls the object until `done` says so, up to `limit`. `done` returns
    /// `Ok(true)` when satisfied and a description of what is still awaited
    /// otherwise, for the timeout message.
    pub async fn wait_until<F>(
        &self,
        t: &Target,
        namespace: Option<&str>,
        name: &str,
        limit: Duration,
        done: F,
    ) -> Result<J, KubeError>
    where
        F: Fn(&J) -> Result<(), String>,
    {
        let start = Instant::now();
        loop {
            let cur = self
                .get(t, namespace, name)
                .await?
                .ok_or_else(|| KubeError::Api {
                    message: format!(
                        "{} {name:?} disappeared while waiting for it",
                        t.resource.kind
                    ),
                    code: 404,
                    reason: "NotFound".into(),
                })?;
            let pending = match done(&cur) {
                Ok(()) => return Ok(cur),
                Err(p) => p,
            };
            if start.elapsed() >= limit {
                return Err(KubeError::Timeout {
                    what: format!("{} {name:?}: {pending}", t.resource.kind),
                    secs: limit.as_secs(),
                });
            }
            tokio::time::sleep(self.poll).await;
        }
    }
}

/// Whether a PersistentVolumeClaim is bound; `Err` names its phase.
pub fn claim_bound(obj: &J) -> Result<(), String> {
    match obj.pointer("/status/phase").and_then(J::as_str) {
        Some("Bound") => Ok(()),
        phase => Err(format!("phase {}", phase.unwrap_or("unknown"))),
    }
}

/// The message of a Job's `Failed=True` condition, if it has one.
pub fn job_failure(obj: &J) -> Option<String> {
    job_condition(obj, "Failed").map(|c| {
        let text = |k: &str| c.get(k).and_then(J::as_str).unwrap_or("");
        format!("{} {}", text("reason"), text("message"))
            .trim()
            .to_string()
    })
}

fn job_condition<'a>(obj: &'a J, kind: &str) -> Option<&'a J> {
    obj.pointer("/status/conditions")
        .and_then(J::as_array)?
        .iter()
        .find(|c| {
            c.get("type").and_then(J::as_str) == Some(kind)
                && c.get("status").and_then(J::as_str) == Some("True")
        })
}

/// Whether a Job has finished (completed or failed; [`job_failure`] tells
/// which); `Err` says how far it is.
pub fn job_finished(obj: &J) -> Result<(), String> {
    if job_condition(obj, "Complete").is_some() || job_condition(obj, "Failed").is_some() {
        return Ok(());
    }
    let st = |k: &str| {
        obj.pointer(&format!("/status/{k}"))
            .and_then(J::as_i64)
            .unwrap_or(0)
    };
    Err(format!(
        "{} succeeded, {} active, {} failed",
        st("succeeded"),
        st("active"),
        st("failed")
    ))
}

/// Whether a Deployment/StatefulSet/DaemonSet has finished rolling out;
/// `Err` says what is still missing.
pub fn rollout_done(obj: &J) -> Result<(), String> {
    let kind = obj.get("kind").and_then(J::as_str).unwrap_or("");
    let gen = obj
        .pointer("/metadata/generation")
        .and_then(J::as_i64)
        .unwrap_or(0);
    let observed = obj
        .pointer("/status/observedGeneration")
        .and_then(J::as_i64)
        .unwrap_or(0);
    if observed < gen {
        return Err(format!(
            "rollout: observed generation {observed} < generation {gen}"
        ));
    }
    let st = |k: &str| {
        obj.pointer(&format!("/status/{k}"))
            .and_then(J::as_i64)
            .unwrap_or(0)
    };
    match kind {
        "Deployment" | "StatefulSet" => {
            let want = obj
                .pointer("/spec/replicas")
                .and_then(J::as_i64)
                .unwrap_or(1);
            let updated = st("updatedReplicas");
            let ready = if kind == "Deployment" {
                st("availableReplicas")
            } else {
                st("readyReplicas")
            };
            if updated < want || ready < want {
                return Err(format!(
                    "rollout: {updated} of {want} replicas updated, {ready} available"
                ));
            }
            Ok(())
        }
        "DaemonSet" => {
            let want = st("desiredNumberScheduled");
            let ready = st("numberAvailable");
            if ready < want {
                return Err(format!("rollout: {ready} of {want} pods available"));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Parses a Go-style duration (`30s`, `5m`, `1h30m`, `500ms`).
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_alphabetic() {
                unit.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let n: f64 = num.parse().ok()?;
        num.clear();
        total += n * match unit.as_str() {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
    }
    if !num.is_empty() {
        return None;
    }
    Some(Duration::from_secs_f64(total))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("5x"), None);
    }

    #[test]
    fn job_conditions() {
        let running = serde_json::json!({"status": {"active": 1}});
        assert_eq!(
            job_finished(&running).unwrap_err(),
            "0 succeeded, 1 active, 0 failed"
        );
        let done = serde_json::json!({"status": {"succeeded": 1, "conditions": [
            {"type": "Complete", "status": "True"}]}});
        assert!(job_finished(&done).is_ok());
        assert_eq!(job_failure(&done), None);
        let failed = serde_json::json!({"status": {"failed": 7, "conditions": [
            {"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded",
             "message": "Job has reached the specified backoff limit"}]}});
        assert!(job_finished(&failed).is_ok());
        assert_eq!(
            job_failure(&failed).unwrap(),
            "BackoffLimitExceeded Job has reached the specified backoff limit"
        );
    }

    #[test]
    fn rollout_checks_replicas() {
        let d = serde_json::json!({"kind": "Deployment", "metadata": {"generation": 2},
            "spec": {"replicas": 3}, "status": {"observedGeneration": 2, "updatedReplicas": 3, "availableReplicas": 1}});
        assert!(rollout_done(&d).unwrap_err().contains("1 available"));
        let ok = serde_json::json!({"kind": "Deployment", "metadata": {"generation": 1},
            "spec": {"replicas": 1}, "status": {"observedGeneration": 1, "updatedReplicas": 1, "availableReplicas": 1}});
        assert!(rollout_done(&ok).is_ok());
    }
}
