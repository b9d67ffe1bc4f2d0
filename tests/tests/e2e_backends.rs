//! Team state backends through the `terrane` binary: `backend "pg"`
//! against a real PostgreSQL (`TERRANE_PG_URL`) and `backend "s3"`
//! against moto (`TERRANE_MOTO_ENDPOINT`): init, apply, plan, destroy,
//! workspaces, lock contention naming the holder, force-unlock, migration
//! from local state, and recovery of a `kill -9` mid-apply from the local
//! journal. The `local` backend checks need no server. Tests without their
//! server print a skip, or fail under `TERRANE_REQUIRE_SERVERS=1`.

#![cfg(unix)]
#![allow(clippy::unwrap_used)]

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use terrane_tests::{stderr, stdout, terrane_bin};

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(terrane_bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("TF_WORKSPACE")
        .env_remove("PG_CONN_STR")
        .output()
        .unwrap()
}

fn all(o: &Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

/// Runs and asserts success.
fn ok(dir: &Path, args: &[&str]) -> String {
    let o = run(dir, args);
    assert!(o.status.success(), "terrane {args:?} failed:\n{}", all(&o));
    stdout(&o)
}

/// Runs and asserts failure; returns stdout and stderr as one line of
/// words (diagnostics are wrapped and boxed for the terminal).
fn fails(dir: &Path, args: &[&str]) -> String {
    let o = run(dir, args);
    assert!(
        !o.status.success(),
        "terrane {args:?} succeeded:\n{}",
        all(&o)
    );
    flat(&all(&o))
}

fn flat(text: &str) -> String {
    text.replace(['│', '╷', '╵'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The PostgreSQL URL, or `None` (with a visible skip).
fn pg() -> Option<String> {
    match std::env::var("TERRANE_PG_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            if std::env::var("TERRANE_REQUIRE_SERVERS").is_ok_and(|v| !v.is_empty()) {
                panic!("TERRANE_REQUIRE_SERVERS is set but TERRANE_PG_URL is not: start PostgreSQL with .ci/servers/postgres.sh start");
            }
            eprintln!("skipped: TERRANE_PG_URL is not set (PostgreSQL not running)");
            None
        }
    }
}

const RESOURCES: &str = r#"
resource "terraform_data" "a" {
  input = "hello"
}

output "greeting" {
  value = terraform_data.a.output
}
"#;

/// A working directory whose backend block is `block` plus `resources`.
fn workdir(block: &str, resources: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), block, resources);
    dir
}

fn write_config(dir: &Path, block: &str, resources: &str) {
    std::fs::write(
        dir.join("main.tf"),
        format!("terraform {{\n{block}\n}}\n{resources}"),
    )
    .unwrap();
}

fn pg_block(schema: &str) -> String {
    format!("  backend \"pg\" {{\n    schema_name = \"{schema}\"\n  }}")
}

/// `init` with the connection string given on the command line (as teams
/// keep credentials out of the configuration).
fn pg_init(dir: &Path, url: &str) -> String {
    ok(
        dir,
        &[
            "init",
            "-input=false",
            "-no-color",
            &format!("-backend-config=conn_str={url}"),
        ],
    )
}

/// An `apply` running in the background; its output is drained by a
/// thread so it never writes into a closed pipe.
struct Background {
    child: Child,
    output: std::thread::JoinHandle<String>,
}

impl Background {
    /// Waits for the end; returns success and the whole output.
    fn finish(mut self) -> (bool, String) {
        let status = self.child.wait().unwrap();
        (status.success(), self.output.join().unwrap())
    }

    /// `kill -9`.
    fn kill(mut self) {
        self.child.kill().unwrap();
        let _ = self.child.wait();
        let _ = self.output.join();
    }
}

/// Starts `apply` in the background and waits until it prints `marker`.
fn start_apply(dir: &Path, marker: &str) -> Background {
    let mut child = Command::new(terrane_bin())
        .args(["apply", "-auto-approve", "-no-color"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("TF_WORKSPACE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains(marker) {
            let mut err = child.stderr.take().unwrap();
            let output = std::thread::spawn(move || {
                for line in lines.map_while(Result::ok) {
                    seen.push_str(&line);
                    seen.push('\n');
                }
                let mut e = String::new();
                let _ = std::io::Read::read_to_string(&mut err, &mut e);
                seen + &e
            });
            return Background { child, output };
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("apply ended before {marker:?}: {seen}");
}

/// The lock ID named in a refused command's message.
fn lock_id(text: &str) -> String {
    let at = text.find("lock ID ").expect("the holder's lock ID") + "lock ID ".len();
    text[at..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
        .collect()
}

const SLEEPER: &str = r#"
resource "terraform_data" "first" {
  input = "created before the wait"
}

resource "time_sleep" "wait" {
  create_duration = "SECONDS"
  depends_on      = [terraform_data.first]
}
"#;

#[test]
fn pg_apply_plan_workspaces_and_destroy() {
    let Some(url) = pg() else { return };
    let schema = support::unique("e2e_flow_");
    let dir = workdir(&pg_block(&schema), RESOURCES);
    let d = dir.path();
    let plan = fails(d, &["plan", "-no-color"]);
    assert!(
        plan.contains("Backend initialization required, please run \"terrane init\"")
            && plan.contains("Initial configuration of the requested backend \"pg\""),
        "{plan}"
    );
    let init = pg_init(d, &url);
    assert!(
        init.contains("Successfully configured the backend \"pg\""),
        "{init}"
    );
    let cache: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(d.join(".terraform/terraform.tfstate")).unwrap(),
    )
    .unwrap();
    assert_eq!(cache["backend"]["type"], "pg");
    assert_eq!(cache["backend"]["config"]["conn_str"], url.as_str());
    assert_eq!(cache["backend"]["config"]["schema_name"], schema.as_str());
    assert!(cache["backend"]["config"]["skip_table_creation"].is_null());
    assert!(cache["backend"]["hash"].as_u64().is_some());
    // Init again without -backend-config keeps the recorded values.
    let again = ok(d, &["init", "-input=false", "-no-color"]);
    assert!(!again.contains("Successfully configured"), "{again}");
    let kept: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(d.join(".terraform/terraform.tfstate")).unwrap(),
    )
    .unwrap();
    assert_eq!(kept, cache);

    let apply = ok(d, &["apply", "-auto-approve", "-no-color"]);
    assert!(
        apply.contains("Apply complete! Resources: 1 added"),
        "{apply}"
    );
    assert!(
        !d.join("terraform.tfstate").exists(),
        "state went to a local file"
    );
    let pulled: serde_json::Value = serde_json::from_str(&ok(d, &["state", "pull"])).unwrap();
    assert_eq!(pulled["resources"][0]["type"], "terraform_data");
    assert_eq!(pulled["serial"], 1);
    assert_eq!(ok(d, &["output", "-raw", "greeting"]), "hello");
    let plan = ok(d, &["plan", "-no-color", "-detailed-exitcode"]);
    assert!(plan.contains("No changes."), "{plan}");

    // Workspaces are rows of the states table.
    ok(d, &["workspace", "new", "dev"]);
    assert_eq!(ok(d, &["workspace", "list"]), "  default\n* dev\n\n");
    assert_eq!(ok(d, &["state", "list"]), "");
    ok(d, &["apply", "-auto-approve", "-no-color"]);
    assert_eq!(ok(d, &["state", "list"]), "terraform_data.a\n");
    let dup = fails(d, &["workspace", "new", "dev"]);
    assert!(dup.contains("Workspace \"dev\" already exists"), "{dup}");
    ok(d, &["workspace", "select", "default"]);
    let busy = fails(d, &["workspace", "delete", "dev"]);
    assert!(busy.contains("Workspace is not empty"), "{busy}");
    ok(d, &["workspace", "delete", "-force", "dev"]);
    assert_eq!(ok(d, &["workspace", "list"]), "* default\n\n");

    let destroy = ok(d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(
        destroy.contains("Destroy complete! Resources: 1 destroyed."),
        "{destroy}"
    );
    assert_eq!(ok(d, &["state", "list"]), "");

    // A changed block needs init again, as in Terraform.
    write_config(d, &pg_block(&format!("{schema}_other")), RESOURCES);
    let plan = fails(d, &["plan", "-no-color"]);
    assert!(
        plan.contains("Backend initialization required: please run \"terrane init\"")
            && plan.contains("Backend configuration block has changed"),
        "{plan}"
    );
}

#[test]
fn pg_second_apply_is_refused_naming_the_holder_and_force_unlock_breaks_the_lock() {
    let Some(url) = pg() else { return };
    let dir = workdir(
        &pg_block(&support::unique("e2e_lock_")),
        &SLEEPER.replace("SECONDS", "4s"),
    );
    let d = dir.path();
    pg_init(d, &url);
    let first = start_apply(d, "time_sleep.wait: Creating...");
    let refused = fails(d, &["apply", "-auto-approve", "-no-color"]);
    assert!(
        refused.contains("Error acquiring the state lock"),
        "{refused}"
    );
    assert!(refused.contains("OperationTypeApply"), "{refused}");
    assert!(
        refused.contains("states row \"default\" is held by"),
        "{refused}"
    );
    assert!(refused.contains("backend \"pg\""), "{refused}");
    let id = lock_id(&refused);
    assert_eq!(id.len(), 36, "{refused}");
    // Waiting for the lock succeeds once the first apply is done.
    let waited = ok(d, &["plan", "-no-color", "-lock-timeout=60s"]);
    assert!(waited.contains("No changes."), "{waited}");
    let (success, out) = first.finish();
    assert!(success, "{out}");

    // A stuck holder: force-unlock with its ID breaks the lock.
    write_config(
        d,
        &pg_block(&support::unique("e2e_lock_")),
        &SLEEPER.replace("SECONDS", "120s"),
    );
    ok(
        d,
        &[
            "init",
            "-input=false",
            "-reconfigure",
            &format!("-backend-config=conn_str={url}"),
        ],
    );
    let stuck = start_apply(d, "time_sleep.wait: Creating...");
    let refused = fails(d, &["plan", "-no-color"]);
    let id = lock_id(&refused);
    let wrong = fails(
        d,
        &[
            "force-unlock",
            "-force",
            "00000000-0000-0000-0000-000000000000",
        ],
    );
    assert!(wrong.contains("Failed to unlock state"), "{wrong}");
    let unlocked = ok(d, &["force-unlock", "-force", &id]);
    assert!(unlocked.contains("successfully unlocked"), "{unlocked}");
    let plan = run(d, &["plan", "-no-color"]);
    assert!(
        !all(&plan).contains("Error acquiring the state lock"),
        "{}",
        all(&plan)
    );
    stuck.kill();
}

#[test]
fn pg_killed_apply_is_recovered_from_the_local_journal() {
    let Some(url) = pg() else { return };
    let dir = workdir(
        &pg_block(&support::unique("e2e_crash_")),
        &SLEEPER.replace("SECONDS", "120s"),
    );
    let d = dir.path();
    pg_init(d, &url);
    start_apply(d, "time_sleep.wait: Creating...").kill();
    // Nothing reached PostgreSQL yet: only the local journal knows `first`.
    assert_eq!(ok(d, &["state", "list"]), "");
    let journals = std::fs::read_dir(d.join(".terraform/terrane/journal"))
        .unwrap()
        .count();
    assert_eq!(journals, 1);
    // The server released the dead holder's lock; the next command
    // reconciles the journal into the remote state before planning.
    let plan = run(d, &["plan", "-no-color"]);
    assert!(plan.status.success(), "{}", all(&plan));
    let text = flat(&all(&plan));
    assert!(text.contains("Interrupted create"), "{text}");
    assert!(
        !text.contains("terraform_data.first will be created"),
        "first was lost: {text}"
    );
    assert!(text.contains("time_sleep.wait will be created"), "{text}");
    assert_eq!(ok(d, &["state", "list"]), "terraform_data.first\n");
}

#[test]
fn pg_migrates_local_state_with_force_copy() {
    let Some(url) = pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("main.tf"), RESOURCES).unwrap();
    ok(d, &["apply", "-auto-approve", "-no-color"]);
    ok(d, &["workspace", "new", "dev"]);
    ok(d, &["apply", "-auto-approve", "-no-color"]);
    ok(d, &["workspace", "select", "default"]);
    let lineage = terrane_tests::state_json(d)["lineage"].clone();

    write_config(d, &pg_block(&support::unique("e2e_migrate_")), RESOURCES);
    let conn = format!("-backend-config=conn_str={url}");
    let refused = fails(d, &["init", "-input=false", &conn]);
    assert!(
        refused
            .contains("Can't ask approval for state migration when interactive input is disabled."),
        "{refused}"
    );
    assert!(!d.join(".terraform/terraform.tfstate").exists());
    let init = ok(d, &["init", "-input=false", "-force-copy", &conn]);
    assert!(
        init.contains("Copied the state of workspace(s) default, dev"),
        "{init}"
    );
    // The local states were emptied, keeping backups.
    assert_eq!(std::fs::read(d.join("terraform.tfstate")).unwrap(), b"");
    assert!(d.join("terraform.tfstate.backup").exists());
    let pulled: serde_json::Value = serde_json::from_str(&ok(d, &["state", "pull"])).unwrap();
    assert_eq!(pulled["lineage"], lineage);
    assert_eq!(ok(d, &["state", "list"]), "terraform_data.a\n");
    assert_eq!(ok(d, &["workspace", "list"]), "* default\n  dev\n\n");
    let plan = ok(d, &["plan", "-no-color"]);
    assert!(plan.contains("No changes."), "{plan}");
}

#[test]
fn local_backend_block_follows_terraforms_init_rules() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let block = |path: &str| format!("  backend \"local\" {{\n    path = \"{path}\"\n  }}");
    write_config(d, &block("one.tfstate"), RESOURCES);
    let plan = fails(d, &["plan", "-no-color"]);
    assert!(
        plan.contains("Initial configuration of the requested backend \"local\""),
        "{plan}"
    );
    ok(d, &["init", "-input=false"]);
    // Terraform's bytes for this block, hash included.
    let cache = std::fs::read_to_string(d.join(".terraform/terraform.tfstate")).unwrap();
    assert!(
        cache.starts_with("{\n  \"version\": 3,\n  \"terraform_version\": \"1.11.4\","),
        "{cache}"
    );
    assert!(
        cache.contains("\"path\": \"one.tfstate\",\n      \"workspace_dir\": null"),
        "{cache}"
    );
    assert!(cache.contains("\"hash\": "), "{cache}");
    ok(d, &["apply", "-auto-approve", "-no-color"]);
    assert!(d.join("one.tfstate").exists() && !d.join("terraform.tfstate").exists());

    write_config(d, &block("two.tfstate"), RESOURCES);
    let plan = fails(d, &["plan", "-no-color"]);
    assert!(
        plan.contains("Backend configuration block has changed"),
        "{plan}"
    );
    let init = fails(d, &["init", "-input=false"]);
    assert!(init.contains("Backend configuration changed"), "{init}");
    assert!(init.contains("-migrate-state"), "{init}");
    let init = fails(d, &["init", "-input=false", "-migrate-state"]);
    assert!(
        init.contains("Can't ask approval for state migration"),
        "{init}"
    );
    let init = ok(
        d,
        &["init", "-input=false", "-migrate-state", "-force-copy"],
    );
    assert!(init.contains("Backend configuration changed!"), "{init}");
    assert_eq!(ok(d, &["state", "list"]), "terraform_data.a\n");
    // The previous backend keeps its copy.
    assert!(std::fs::metadata(d.join("one.tfstate")).unwrap().len() > 0);

    // -backend-config values persist in the recorded configuration.
    write_config(d, "  backend \"local\" {}", RESOURCES);
    ok(
        d,
        &[
            "init",
            "-input=false",
            "-reconfigure",
            "-backend-config=path=two.tfstate",
        ],
    );
    assert_eq!(ok(d, &["state", "list"]), "terraform_data.a\n");
    let bad = fails(
        d,
        &[
            "init",
            "-input=false",
            "-reconfigure",
            "-backend-config=bucket=x",
        ],
    );
    assert!(
        bad.contains("Invalid backend configuration argument"),
        "{bad}"
    );

    write_config(d, "  backend \"consul\" {}", RESOURCES);
    let bad = fails(d, &["init", "-input=false"]);
    assert!(bad.contains("Unsupported backend type"), "{bad}");

    // Removing the block needs init; -reconfigure forgets the backend.
    std::fs::write(d.join("main.tf"), RESOURCES).unwrap();
    let plan = fails(d, &["plan", "-no-color"]);
    assert!(
        plan.contains("Unsetting the previously set backend \"local\""),
        "{plan}"
    );
    ok(d, &["init", "-input=false", "-reconfigure"]);
    assert!(!d.join(".terraform/terraform.tfstate").exists());
}

/// Creates a bucket in moto (no signature needed).
fn moto_bucket(endpoint: &str, bucket: &str) {
    let o = Command::new("curl")
        .args(["-sS", "-f", "-X", "PUT", &format!("{endpoint}/{bucket}")])
        .output()
        .expect("curl creates the moto bucket");
    assert!(o.status.success(), "{}", all(&o));
}

/// The object keys of a moto bucket.
fn moto_keys(endpoint: &str, bucket: &str) -> Vec<String> {
    let o = Command::new("curl")
        .args(["-sS", "-f", &format!("{endpoint}/{bucket}")])
        .output()
        .unwrap();
    let body = stdout(&o);
    body.split("<Key>")
        .skip(1)
        .filter_map(|s| s.split("</Key>").next())
        .map(str::to_owned)
        .collect()
}

/// A fresh moto bucket and a working directory whose `backend "s3"` block
/// (locking with a lock file) stores `key` there, plus `extra` arguments;
/// the resources wait `seconds` after creating the first one.
fn s3_workdir(
    endpoint: &str,
    key: &str,
    extra: &str,
    seconds: &str,
) -> (tempfile::TempDir, String) {
    let bucket = support::unique("e2e-state-");
    moto_bucket(endpoint, &bucket);
    let block = format!(
        "  backend \"s3\" {{\n    bucket = \"{bucket}\"\n    key = \"{key}\"\n    region = \"us-east-1\"\n    use_path_style = true\n    use_lockfile = true\n{extra}  }}"
    );
    (
        workdir(&block, &SLEEPER.replace("SECONDS", seconds)),
        bucket,
    )
}

#[test]
fn s3_apply_plan_workspaces_lock_and_destroy() {
    let Some(endpoint) = support::moto() else {
        return;
    };
    let (dir, bucket) = s3_workdir(&endpoint, "team/app.tfstate", "", "3s");
    let d = dir.path();
    std::fs::write(
        d.join("moto.s3.tfbackend"),
        format!("endpoints = {{ s3 = \"{endpoint}\" }}\naccess_key = \"testing\"\nsecret_key = \"testing\"\n"),
    )
    .unwrap();
    let init = ok(
        d,
        &["init", "-input=false", "-backend-config=moto.s3.tfbackend"],
    );
    assert!(
        init.contains("Successfully configured the backend \"s3\""),
        "{init}"
    );

    let first = start_apply(d, "time_sleep.wait: Creating...");
    let refused = fails(d, &["apply", "-auto-approve", "-no-color"]);
    assert!(
        refused.contains("Error acquiring the state lock"),
        "{refused}"
    );
    assert!(
        refused.contains(&format!("s3://{bucket}/team/app.tfstate.tflock")),
        "{refused}"
    );
    assert_eq!(lock_id(&refused).len(), 36, "{refused}");
    let (success, out) = first.finish();
    assert!(success, "{out}");
    assert_eq!(moto_keys(&endpoint, &bucket), ["team/app.tfstate"]);
    let plan = ok(d, &["plan", "-no-color"]);
    assert!(plan.contains("No changes."), "{plan}");

    ok(d, &["workspace", "new", "dev"]);
    assert_eq!(ok(d, &["workspace", "list"]), "  default\n* dev\n\n");
    assert_eq!(
        moto_keys(&endpoint, &bucket),
        ["env:/dev/team/app.tfstate", "team/app.tfstate"]
    );
    ok(d, &["workspace", "select", "default"]);
    ok(d, &["workspace", "delete", "dev"]);
    let destroy = ok(d, &["destroy", "-auto-approve", "-no-color"]);
    assert!(
        destroy.contains("Destroy complete! Resources: 2 destroyed."),
        "{destroy}"
    );
    assert_eq!(ok(d, &["state", "list"]), "");
}

#[test]
fn s3_killed_apply_leaves_its_lock_until_force_unlock_then_recovers() {
    let Some(endpoint) = support::moto() else {
        return;
    };
    let credentials = "    access_key = \"testing\"\n    secret_key = \"testing\"\n";
    let (dir, bucket) = s3_workdir(&endpoint, "app.tfstate", credentials, "120s");
    let d = dir.path();
    let endpoints = format!("-backend-config=endpoints={{s3=\"{endpoint}\"}}");
    ok(d, &["init", "-input=false", &endpoints]);
    start_apply(d, "time_sleep.wait: Creating...").kill();
    // An S3 lock object outlives its holder, as in Terraform.
    assert_eq!(moto_keys(&endpoint, &bucket), ["app.tfstate.tflock"]);
    let refused = fails(d, &["plan", "-no-color"]);
    assert!(refused.contains("force-unlock"), "{refused}");
    ok(d, &["force-unlock", "-force", &lock_id(&refused)]);
    let plan = run(d, &["plan", "-no-color"]);
    let text = flat(&all(&plan));
    assert!(plan.status.success(), "{text}");
    assert!(text.contains("Interrupted create"), "{text}");
    assert!(text.contains("time_sleep.wait will be created"), "{text}");
    assert_eq!(ok(d, &["state", "list"]), "terraform_data.first\n");
    assert_eq!(moto_keys(&endpoint, &bucket), ["app.tfstate"]);
}
