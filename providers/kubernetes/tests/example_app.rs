//! `examples/kubernetes-app` end to end through terrane's engine (config
//! loading, planning, apply with the state journal) and this provider,
//! against a real kube-apiserver: apply, re-plan clean, drift shows,
//! destroy clean (skipped without a server).

#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;
use std::sync::Arc;
use terrane_config::Config;
use terrane_core::plan::{Action, Plan, PlanMode};
use terrane_core::vars::{RawVar, VarInput, VarOrigin};
use terrane_core::{ApplyOptions, NoHooks, PlanOptions};
use terrane_provider::Provider;
use terrane_provider_kubernetes::KubernetesProvider;
use terrane_state::{Journal, StateFile};

struct Run {
    config: Config,
    providers: Vec<Arc<dyn Provider>>,
    opts: PlanOptions,
    dir: tempfile::TempDir,
}

impl Run {
    async fn plan(&self, state: &StateFile, mode: PlanMode) -> Plan {
        let opts = PlanOptions {
            mode,
            ..self.opts.clone()
        };
        let (plan, d) =
            terrane_core::make_plan(&self.config, state, &self.providers, &opts, &NoHooks).await;
        assert!(!d.has_errors(), "plan: {d:?}");
        plan
    }

    async fn apply(&self, state: StateFile, plan: &Plan) -> StateFile {
        let mut journal = Journal::open(self.dir.path().join("journal")).unwrap();
        journal.begin(&state).unwrap();
        let opts = ApplyOptions::default();
        let (outcome, d) = terrane_core::apply(
            &self.config,
            state,
            plan,
            &self.providers,
            &opts,
            &mut journal,
            &NoHooks,
        )
        .await;
        assert!(!d.has_errors(), "apply: {d:?}");
        outcome.state
    }
}

fn changed(plan: &Plan) -> Vec<String> {
    plan.changes
        .iter()
        .filter(|c| c.action != Action::NoOp)
        .map(|c| format!("{} {:?}", c.address, c.action))
        .collect()
}

#[tokio::test]
async fn kubernetes_app_example() {
    let Some((_, c)) = common::provider().await else {
        return;
    };
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/kubernetes-app");
    let (config, d) = terrane_config::load_and_validate(&dir);
    assert!(!d.has_errors(), "{d:?}");
    let config = config.unwrap();
    let ns = "tt-example-app";
    let inputs: Vec<VarInput> = [
        ("kubeconfig", std::env::var("TERRANE_KUBECONFIG").unwrap()),
        ("namespace", ns.to_string()),
    ]
    .into_iter()
    .map(|(n, v)| VarInput {
        name: n.into(),
        value: RawVar::Text(v),
        origin: VarOrigin::Cli,
    })
    .collect();
    let sources = terrane_core::sources::Sources::new(&config);
    let (variables, d) = terrane_core::vars::root_variables(&config, &inputs, &sources);
    assert!(!d.has_errors(), "{d:?}");
    let run = Run {
        config,
        providers: vec![Arc::new(KubernetesProvider::new())],
        opts: PlanOptions {
            variables,
            cwd: dir.clone(),
            ..PlanOptions::default()
        },
        dir: tempfile::tempdir().unwrap(),
    };

    // A namespace left over from an interrupted run would make creates fail.
    let t = c.kube.resolve("v1", "Namespace").await.unwrap();
    c.kube
        .delete_and_wait(&t, None, ns, std::time::Duration::from_secs(120))
        .await
        .unwrap();

    let empty = StateFile::new("1.11.4");
    let plan = run.plan(&empty, PlanMode::Normal).await;
    let creates = changed(&plan);
    assert_eq!(creates.len(), 9, "{creates:#?}");
    assert!(
        creates.iter().all(|c| c.ends_with("Create")),
        "{creates:#?}"
    );
    let state = run.apply(empty, &plan).await;
    assert_eq!(state.resources.len(), 9);

    let again = run.plan(&state, PlanMode::Normal).await;
    assert!(
        !again.has_changes(),
        "re-plan after apply is not clean: {:#?}",
        changed(&again)
    );

    // kubectl scale: the next plan puts the replica count back.
    common::merge_patch(
        &c,
        "apps/v1",
        "Deployment",
        Some(ns),
        "backend",
        serde_json::json!({"spec": {"replicas": 7}}),
    )
    .await;
    let drift = run.plan(&state, PlanMode::Normal).await;
    assert_eq!(
        changed(&drift),
        vec!["kubernetes_deployment_v1.backend Update".to_string()],
        "drift not planned"
    );
    let state = run.apply(state, &drift).await;
    let clean = run.plan(&state, PlanMode::Normal).await;
    assert!(!clean.has_changes(), "{:#?}", changed(&clean));

    let destroy = run.plan(&state, PlanMode::Destroy).await;
    assert_eq!(changed(&destroy).len(), 9);
    let state = run.apply(state, &destroy).await;
    assert!(
        state.resources.iter().all(|r| r.instances.is_empty()),
        "{:?}",
        state.resources.len()
    );
}

#[tokio::test]
async fn replicas_changed_by_an_autoscaler_are_ignored_with_ignore_changes() {
    let Some((_, c)) = common::provider().await else {
        return;
    };
    let ns = "tt-ignore-changes";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        r#"
variable "kubeconfig" { type = string }
variable "namespace" { type = string }
provider "kubernetes" {
  config_path = var.kubeconfig
}
resource "kubernetes_namespace_v1" "ns" {
  metadata { name = var.namespace }
}
resource "kubernetes_deployment_v1" "web" {
  metadata {
    name      = "web"
    namespace = kubernetes_namespace_v1.ns.metadata[0].name
  }
  spec {
    replicas = 2
    selector { match_labels = { app = "web" } }
    template {
      metadata { labels = { app = "web" } }
      spec {
        container {
          name  = "web"
          image = "nginx"
        }
      }
    }
  }
  wait_for_rollout = false
  lifecycle {
    ignore_changes = [spec[0].replicas]
  }
}
resource "kubernetes_horizontal_pod_autoscaler_v2" "web" {
  metadata {
    name      = "web"
    namespace = kubernetes_namespace_v1.ns.metadata[0].name
  }
  spec {
    min_replicas = 2
    max_replicas = 10
    scale_target_ref {
      api_version = "apps/v1"
      kind        = "Deployment"
      name        = kubernetes_deployment_v1.web.metadata[0].name
    }
    metric {
      type = "Resource"
      resource {
        name = "cpu"
        target {
          type                = "Utilization"
          average_utilization = 60
        }
      }
    }
  }
}
"#,
    )
    .unwrap();
    let (config, d) = terrane_config::load_and_validate(dir.path());
    assert!(!d.has_errors(), "{d:?}");
    let config = config.unwrap();
    let inputs: Vec<VarInput> = [
        ("kubeconfig", std::env::var("TERRANE_KUBECONFIG").unwrap()),
        ("namespace", ns.to_string()),
    ]
    .into_iter()
    .map(|(n, v)| VarInput {
        name: n.into(),
        value: RawVar::Text(v),
        origin: VarOrigin::Cli,
    })
    .collect();
    let sources = terrane_core::sources::Sources::new(&config);
    let (variables, d) = terrane_core::vars::root_variables(&config, &inputs, &sources);
    assert!(!d.has_errors(), "{d:?}");
    let run = Run {
        config,
        providers: vec![Arc::new(KubernetesProvider::new())],
        opts: PlanOptions {
            variables,
            cwd: dir.path().to_path_buf(),
            ..PlanOptions::default()
        },
        dir,
    };
    let t = c.kube.resolve("v1", "Namespace").await.unwrap();
    c.kube
        .delete_and_wait(&t, None, ns, std::time::Duration::from_secs(120))
        .await
        .unwrap();
    let empty = StateFile::new("1.11.4");
    let plan = run.plan(&empty, PlanMode::Normal).await;
    let state = run.apply(empty, &plan).await;
    // The autoscaler (here: a direct scale) changes the replica count.
    common::merge_patch(
        &c,
        "apps/v1",
        "Deployment",
        Some(ns),
        "web",
        serde_json::json!({"spec": {"replicas": 6}}),
    )
    .await;
    let again = run.plan(&state, PlanMode::Normal).await;
    assert!(!again.has_changes(), "{:#?}", changed(&again));
    let destroy = run.plan(&state, PlanMode::Destroy).await;
    run.apply(state, &destroy).await;
}
