//! Lifecycle tests in Pulumi's style: a configuration, a prior state and a
//! scripted in-process provider with injected failures; the test checks
//! the provider calls made (steps) and the final state, and a property test
//! checks that random configurations, states and failures always leave a
//! valid state that tracks every object that exists.

#![allow(clippy::unwrap_used)]

use async_trait::async_trait;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use terrane_core::plan::{Action, PlanMode};
use terrane_core::{ApplyOptions, NoHooks, PlanOptions};
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_provider::*;
use terrane_state::{Journal, StateFile};
use terrane_value::{Path, Type, Value};

/// The scripted "real world" and what the provider was asked to do.
#[derive(Default)]
struct World {
    objects: BTreeMap<String, (String, String)>,
    next: u64,
    log: Vec<String>,
    fail: BTreeSet<String>,
    /// Creates that fail after creating the object (partial failure).
    fail_partial: BTreeSet<String>,
}

struct TestProvider {
    schema: ProviderSchema,
    world: Arc<Mutex<World>>,
}

fn obj(id: Value, value: Value, key: Value) -> Value {
    Value::object(
        [
            ("id".to_string(), id),
            ("value".to_string(), value),
            ("key".to_string(), key),
        ]
        .into_iter()
        .collect(),
    )
}

fn s(v: &Value, k: &str) -> String {
    v.get_attr(k)
        .and_then(|x| x.as_str())
        .unwrap_or("")
        .to_string()
}

impl TestProvider {
    fn new(world: Arc<Mutex<World>>) -> TestProvider {
        let block = Block::default()
            .attr("id", Attribute::computed(Type::String))
            .attr("value", Attribute::required(Type::String))
            .attr("key", Attribute::optional(Type::String).force_new());
        let mut schema = ProviderSchema::default();
        schema
            .resources
            .insert("test_thing".into(), Schema { version: 0, block });
        TestProvider { schema, world }
    }
}

#[async_trait]
impl Provider for TestProvider {
    fn name(&self) -> &str {
        "test"
    }
    fn source(&self) -> &str {
        "registry.terraform.io/hashicorp/test"
    }
    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }
    async fn configure(&self, _req: ConfigureRequest) -> ConfigureResponse {
        ConfigureResponse {
            provider: Some(Arc::new(Configured {
                world: self.world.clone(),
            })),
            diagnostics: Diagnostics::new(),
        }
    }
}

struct Configured {
    world: Arc<Mutex<World>>,
}

fn error(msg: &str) -> Diagnostics {
    let mut d = Diagnostics::new();
    d.push(Diagnostic::error(msg, ""));
    d
}

#[async_trait]
impl ConfiguredProvider for Configured {
    async fn plan_change(&self, req: PlanChangeRequest) -> PlanChangeResponse {
        if req.proposed_new_state.is_null() {
            return PlanChangeResponse {
                planned_state: req.proposed_new_state,
                ..Default::default()
            };
        }
        let p = &req.proposed_new_state;
        let mut requires_replace = Vec::new();
        let id = if req.prior_state.is_null() {
            Value::unknown(Type::String)
        } else {
            if req.prior_state.get_attr("key") != p.get_attr("key") {
                requires_replace.push(Path::root().attr("key"));
            }
            req.prior_state
                .get_attr("id")
                .cloned()
                .unwrap_or(Value::unknown(Type::String))
        };
        let planned = obj(
            id,
            p.get_attr("value").cloned().unwrap_or_default(),
            p.get_attr("key")
                .cloned()
                .unwrap_or(Value::null(Type::String)),
        );
        PlanChangeResponse {
            planned_state: planned,
            requires_replace,
            ..Default::default()
        }
    }

    async fn apply_change(&self, req: ApplyChangeRequest) -> ApplyChangeResponse {
        let mut w = self.world.lock().unwrap();
        if req.planned_state.is_null() {
            let id = s(&req.prior_state, "id");
            let value = s(&req.prior_state, "value");
            w.log.push(format!("delete {value}"));
            if w.fail.contains(&format!("delete:{value}")) {
                return ApplyChangeResponse {
                    new_state: req.prior_state,
                    diagnostics: error("injected delete failure"),
                    ..Default::default()
                };
            }
            w.objects.remove(&id);
            return ApplyChangeResponse {
                new_state: Value::null(req.prior_state.ty()),
                ..Default::default()
            };
        }
        let value = s(&req.planned_state, "value");
        let key = req
            .planned_state
            .get_attr("key")
            .cloned()
            .unwrap_or(Value::null(Type::String));
        if req.prior_state.is_null() {
            w.log.push(format!("create {value}"));
            if w.fail.contains(&format!("create:{value}")) {
                return ApplyChangeResponse {
                    new_state: Value::null(req.planned_state.ty()),
                    diagnostics: error("injected create failure"),
                    ..Default::default()
                };
            }
            w.next += 1;
            let id = format!("id-{}", w.next);
            w.objects
                .insert(id.clone(), (value.clone(), s(&req.planned_state, "key")));
            let new_state = obj(Value::string(id), Value::string(value.clone()), key);
            if w.fail_partial.contains(&value) {
                return ApplyChangeResponse {
                    new_state,
                    diagnostics: error("injected partial failure"),
                    ..Default::default()
                };
            }
            return ApplyChangeResponse {
                new_state,
                ..Default::default()
            };
        }
        let id = s(&req.prior_state, "id");
        w.log.push(format!(
            "update {} -> {value}",
            s(&req.prior_state, "value")
        ));
        if w.fail.contains(&format!("update:{value}")) {
            return ApplyChangeResponse {
                new_state: req.prior_state,
                diagnostics: error("injected update failure"),
                ..Default::default()
            };
        }
        w.objects
            .insert(id.clone(), (value.clone(), s(&req.planned_state, "key")));
        ApplyChangeResponse {
            new_state: obj(Value::string(id), Value::string(value), key),
            ..Default::default()
        }
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        let w = self.world.lock().unwrap();
        let id = s(&req.current_state, "id");
        let new_state = match w.objects.get(&id) {
            Some((v, k)) => obj(
                Value::string(id),
                Value::string(v.clone()),
                if k.is_empty() {
                    Value::null(Type::String)
                } else {
                    Value::string(k.clone())
                },
            ),
            None => Value::null(req.current_state.ty()),
        };
        ReadResponse {
            new_state,
            ..Default::default()
        }
    }

    async fn read_data_source(&self, _req: ReadDataSourceRequest) -> ReadDataSourceResponse {
        ReadDataSourceResponse::default()
    }

    async fn import(&self, _req: ImportRequest) -> ImportResponse {
        ImportResponse::default()
    }
}

struct Harness {
    dir: tempfile::TempDir,
    world: Arc<Mutex<World>>,
    state: StateFile,
}

impl Harness {
    fn new() -> Harness {
        Harness {
            dir: tempfile::tempdir().unwrap(),
            world: Arc::new(Mutex::new(World::default())),
            state: StateFile::new("1.11.4"),
        }
    }

    /// Plans and applies `config`; returns the plan's (address, action)
    /// list and whether apply reported errors.
    fn run(&mut self, config: &str, mode: PlanMode) -> (Vec<(String, Action)>, bool) {
        std::fs::write(self.dir.path().join("main.tf"), config).unwrap();
        let (cfg, diags) = terrane_config::load_config(self.dir.path());
        assert!(!diags.has_errors(), "{diags:?}");
        let cfg = cfg.unwrap();
        let providers: Vec<Arc<dyn Provider>> =
            vec![Arc::new(TestProvider::new(self.world.clone()))];
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let opts = PlanOptions {
            mode,
            cwd: self.dir.path().to_path_buf(),
            ..PlanOptions::default()
        };
        let (plan, pd) = rt.block_on(terrane_core::make_plan(
            &cfg,
            &self.state,
            &providers,
            &opts,
            &NoHooks,
        ));
        assert!(!pd.has_errors(), "plan: {pd:?}");
        let steps = plan
            .changes
            .iter()
            .filter(|c| c.action != Action::NoOp)
            .map(|c| (c.address.clone(), c.action))
            .collect();
        let mut journal = Journal::open(self.dir.path().join(".journal")).unwrap();
        journal.begin(&self.state).unwrap();
        let (mut out, ad) = rt.block_on(terrane_core::apply(
            &cfg,
            self.state.clone(),
            &plan,
            &providers,
            &ApplyOptions::default(),
            &mut journal,
            &NoHooks,
        ));
        // The journal alone must reproduce the apply's effect on state.
        let mut replayed = self.state.clone();
        journal.replay(&mut replayed).unwrap();
        assert_eq!(
            ids(&replayed),
            ids(&out.state),
            "journal replay disagrees with the applied state"
        );
        let path = self.dir.path().join("terraform.tfstate");
        journal
            .checkpoint(&mut out.state, |s| {
                terrane_state::local::atomic_write(&path, &s.to_bytes()?)
            })
            .unwrap();
        let reread = StateFile::from_slice(&std::fs::read(&path).unwrap(), "state").unwrap();
        self.state = reread;
        self.check_tracked();
        (steps, ad.has_errors())
    }

    /// Every object that exists is in state, and state has nothing else.
    fn check_tracked(&self) {
        let world: BTreeSet<String> = self.world.lock().unwrap().objects.keys().cloned().collect();
        assert_eq!(
            world,
            ids(&self.state),
            "state does not track exactly the objects that exist"
        );
    }

    fn log(&self) -> Vec<String> {
        std::mem::take(&mut self.world.lock().unwrap().log)
    }
}

fn ids(st: &StateFile) -> BTreeSet<String> {
    st.resources
        .iter()
        .flat_map(|r| r.instances.iter())
        .filter_map(|o| o.attributes.as_ref())
        .filter_map(|a| a.to_value().ok())
        .filter_map(|v| v["id"].as_str().map(String::from))
        .collect()
}

#[test]
fn failure_stops_dependents_but_not_independent_branches() {
    let mut h = Harness::new();
    h.world.lock().unwrap().fail.insert("create:b".into());
    let cfg = r#"
resource "test_thing" "a" { value = "a" }
resource "test_thing" "b" { value = "b" }
resource "test_thing" "c" { value = "c-${test_thing.b.id}" }
resource "test_thing" "d" { value = "d-${test_thing.a.id}" }
"#;
    let (_, failed) = h.run(cfg, PlanMode::Normal);
    assert!(failed);
    let log = h.log();
    assert!(log.contains(&"create a".to_string()) && log.contains(&"create b".to_string()));
    assert!(log.iter().any(|l| l.starts_with("create d-")), "{log:?}");
    assert!(
        !log.iter().any(|l| l.starts_with("create c-")),
        "dependent of the failure was created: {log:?}"
    );
    // Next run: the failure is gone; only b and c remain to create.
    h.world.lock().unwrap().fail.clear();
    let (steps, failed) = h.run(cfg, PlanMode::Normal);
    assert!(!failed);
    assert_eq!(
        steps,
        vec![
            ("test_thing.b".to_string(), Action::Create),
            ("test_thing.c".to_string(), Action::Create)
        ]
    );
}

#[test]
fn partial_create_failure_is_tracked_as_tainted_and_replaced() {
    let mut h = Harness::new();
    h.world.lock().unwrap().fail_partial.insert("x".into());
    let cfg = r#"resource "test_thing" "x" { value = "x" }"#;
    let (_, failed) = h.run(cfg, PlanMode::Normal);
    assert!(failed);
    assert!(h.state.resources[0].instances[0].is_tainted());
    h.world.lock().unwrap().fail_partial.clear();
    let (steps, failed) = h.run(cfg, PlanMode::Normal);
    assert!(!failed);
    assert_eq!(
        steps,
        vec![("test_thing.x".to_string(), Action::DeleteThenCreate)]
    );
    assert_eq!(h.log(), vec!["create x", "delete x", "create x"]);
}

#[test]
fn create_before_destroy_failure_restores_the_old_object() {
    let mut h = Harness::new();
    let cfg = |k: &str| {
        format!("resource \"test_thing\" \"x\" {{\n  value = \"v-{k}\"\n  key = \"{k}\"\n  lifecycle {{\n    create_before_destroy = true\n  }}\n}}\n")
    };
    h.run(&cfg("1"), PlanMode::Normal);
    h.log();
    h.world.lock().unwrap().fail.insert("create:v-2".into());
    let (steps, failed) = h.run(&cfg("2"), PlanMode::Normal);
    assert!(failed);
    assert_eq!(
        steps,
        vec![("test_thing.x".to_string(), Action::CreateThenDelete)]
    );
    assert_eq!(h.log(), vec!["create v-2"]);
    let inst = &h.state.resources[0].instances;
    assert_eq!(inst.len(), 1);
    assert!(
        inst[0].deposed.is_none(),
        "old object must be current again"
    );
    h.world.lock().unwrap().fail.clear();
    let (_, failed) = h.run(&cfg("2"), PlanMode::Normal);
    assert!(!failed);
    assert_eq!(h.log(), vec!["create v-2", "delete v-1"]);
}

#[test]
fn destroy_runs_in_reverse_dependency_order() {
    let mut h = Harness::new();
    let cfg = r#"
resource "test_thing" "a" { value = "a" }
resource "test_thing" "b" { value = "b-${test_thing.a.id}" }
resource "test_thing" "c" { value = "c-${test_thing.b.id}" }
"#;
    h.run(cfg, PlanMode::Normal);
    h.log();
    let (_, failed) = h.run(cfg, PlanMode::Destroy);
    assert!(!failed);
    let log: Vec<String> = h
        .log()
        .into_iter()
        .map(|l| l.split('-').next().unwrap_or("").to_string())
        .collect();
    assert_eq!(log, vec!["delete c", "delete b", "delete a"]);
    assert!(h.state.resources.is_empty());
}

#[test]
fn failed_delete_keeps_the_object_and_its_dependencies() {
    let mut h = Harness::new();
    let cfg = r#"
resource "test_thing" "a" { value = "a" }
resource "test_thing" "b" { value = "b-${test_thing.a.id}" }
"#;
    h.run(cfg, PlanMode::Normal);
    let bval = h
        .world
        .lock()
        .unwrap()
        .objects
        .values()
        .map(|v| v.0.clone())
        .find(|v| v.starts_with("b-"))
        .unwrap();
    h.world
        .lock()
        .unwrap()
        .fail
        .insert(format!("delete:{bval}"));
    h.log();
    let (_, failed) = h.run(cfg, PlanMode::Destroy);
    assert!(failed);
    assert_eq!(
        h.log(),
        vec![format!("delete {bval}")],
        "a must not be deleted while b still exists"
    );
    assert_eq!(ids(&h.state).len(), 2);
}

fn random_config(n: usize, deps: &[Option<usize>], gen: u8, keyed: &[bool]) -> String {
    let mut out = String::new();
    for i in 0..n {
        let value = match deps[i] {
            Some(d) if d < i => format!("r{i}-g{gen}-${{test_thing.r{d}.id}}"),
            _ => format!("r{i}-g{gen}"),
        };
        let key = if keyed[i] {
            format!("  key = \"k{gen}\"\n")
        } else {
            String::new()
        };
        out.push_str(&format!(
            "resource \"test_thing\" \"r{i}\" {{\n  value = \"{value}\"\n{key}}}\n"
        ));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]
    #[test]
    fn random_runs_always_track_every_object(
        n1 in 1usize..6,
        n2 in 0usize..6,
        deps in proptest::collection::vec(proptest::option::of(0usize..6), 6),
        keyed in proptest::collection::vec(any::<bool>(), 6),
        fail_mask in proptest::collection::vec(0u8..6, 6),
    ) {
        let mut h = Harness::new();
        // First generation, with some creates failing.
        {
            let mut w = h.world.lock().unwrap();
            for (i, f) in fail_mask.iter().enumerate() {
                match f {
                    0 => { w.fail.insert(format!("create:r{i}-g1")); }
                    1 => { w.fail_partial.insert(format!("r{i}-g1")); }
                    _ => {}
                }
            }
        }
        h.run(&random_config(n1, &deps, 1, &keyed), PlanMode::Normal);
        // Second generation: different size and values; some updates and
        // deletes fail.
        {
            let mut w = h.world.lock().unwrap();
            w.fail.clear();
            w.fail_partial.clear();
            let existing: Vec<String> = w.objects.values().map(|v| v.0.clone()).collect();
            for (i, v) in existing.iter().enumerate() {
                if fail_mask.get(i).copied() == Some(2) {
                    w.fail.insert(format!("delete:{v}"));
                }
            }
            for (i, f) in fail_mask.iter().enumerate() {
                if *f == 3 {
                    w.fail.insert(format!("update:r{i}-g2"));
                }
            }
        }
        h.run(&random_config(n2, &deps, 2, &keyed), PlanMode::Normal);
        // Finally destroy everything without failures.
        h.world.lock().unwrap().fail.clear();
        h.run(&random_config(n2, &deps, 2, &keyed), PlanMode::Destroy);
        prop_assert!(h.world.lock().unwrap().objects.is_empty());
    }
}

#[test]
fn ignore_changes_keeps_prior_values_and_prevent_destroy_refuses() {
    let mut h = Harness::new();
    let cfg = |v: &str, k: &str| {
        format!(
            "resource \"test_thing\" \"x\" {{\n  value = \"{v}\"\n  key = \"{k}\"\n  lifecycle {{\n    ignore_changes = [value]\n    prevent_destroy = true\n  }}\n}}\n"
        )
    };
    h.run(&cfg("one", "k1"), PlanMode::Normal);
    h.log();
    // A changed `value` is ignored: nothing to do.
    let (steps, failed) = h.run(&cfg("two", "k1"), PlanMode::Normal);
    assert!(!failed);
    assert!(steps.is_empty(), "{steps:?}");
    // A changed `key` forces replacement, which prevent_destroy refuses.
    std::fs::write(h.dir.path().join("main.tf"), cfg("two", "k2")).unwrap();
    let (cfg2, _) = terrane_config::load_config(h.dir.path());
    let providers: Vec<Arc<dyn Provider>> = vec![Arc::new(TestProvider::new(h.world.clone()))];
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let opts = PlanOptions {
        cwd: h.dir.path().to_path_buf(),
        ..PlanOptions::default()
    };
    let (plan, diags) = rt.block_on(terrane_core::make_plan(
        &cfg2.unwrap(),
        &h.state,
        &providers,
        &opts,
        &NoHooks,
    ));
    assert!(plan.errored);
    assert!(
        diags
            .errors()
            .any(|d| d.summary == "Instance cannot be destroyed"),
        "{diags:?}"
    );
    assert!(h.log().is_empty());
}
