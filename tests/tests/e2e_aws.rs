//! `examples/aws-network` (issue 3) end to end through the real `terrane`
//! binary against moto server: `init`, `apply -auto-approve`,
//! `plan -detailed-exitcode` (exit 0), `destroy -auto-approve`, then moto's
//! describe/list answers must show none of the objects the state held.
//!
//! Needs `TERRANE_MOTO_ENDPOINT` (see docs/test-servers.md); without it the
//! test prints a skip line and passes, unless `TERRANE_REQUIRE_SERVERS` is
//! set (CI), where it fails. The test never resets moto: it works in its own
//! region with names unique to the run, so it can share the server with
//! other tests.
//!
//! moto 5.2.5 gaps met here, each covered another honest way (the
//! configuration stays what real AWS needs):
//! - `CreateCacheParameterGroup` is not implemented (500), so the Redis
//!   module runs with `create_parameter_group = false` (the group uses
//!   `default.redis7`); the parameter group is still planned and checked by
//!   a `plan` with the default (`true`).
//! - `GetBucketVersioning` answers with a root element the Rust SDK rejects:
//!   the versioning resource is applied in a separate step; if that step
//!   fails with exactly this error, the test checks with a raw GET that
//!   `PutBucketVersioning` really enabled versioning, and drops the resource
//!   from state with `state rm` (its read-back cannot work on moto).
//! - A deleted replication group stays `deleting` forever, and
//!   `DeleteCacheSubnetGroup` is not implemented: `destroy` fails on exactly
//!   those ElastiCache objects (a short delete timeout is configured), which
//!   the test checks, forgets with `state rm`, and destroys the rest.

#![allow(clippy::unwrap_used)]

use serde_json::Value;
use terrane_tests::{copy_dir, state_json, workspace_root};

mod support;
use support::*;

#[test]
fn aws_network_apply_noop_destroy_against_moto() {
    let Some(endpoint) = moto() else { return };
    let (_root, dir) = temp_example("aws-network");
    let d = dir.as_path();
    let name = unique("net");
    let region = "eu-west-3";
    let (base_vars, mut vars) = moto_example_vars(&name, region, &endpoint, &[]);
    // With the defaults (what real AWS gets), the plan includes the Redis
    // parameter group and the bucket versioning that moto cannot serve.
    let apply_took = init_plan_apply(
        d,
        &base_vars,
        &vars,
        &[
            "module.redis.aws_elasticache_parameter_group.this[0]",
            "module.backups.aws_s3_bucket_versioning.this[0]",
            "module.postgres.aws_db_instance.replica[0]",
            "module.alb.aws_lb_listener.https[0]",
        ],
    );
    eprintln!("apply against moto: {apply_took:.1?}");

    let state = state_json(d);
    let addrs = state_addresses(&state);
    for want in [
        "module.network.aws_vpc.this[0]",
        "module.network.aws_subnet.public[2]",
        "module.network.aws_subnet.private[2]",
        "module.network.aws_internet_gateway.this[0]",
        "module.network.aws_nat_gateway.this[0]",
        "module.network.aws_route_table.private[0]",
        "module.network.aws_default_security_group.this[0]",
        "aws_security_group.app",
        "module.alb.aws_lb.this[0]",
        "module.alb.aws_lb_listener.https[0]",
        "module.alb.aws_lb_listener.http[0]",
        "module.alb.aws_lb_target_group.this[0]",
        "module.alb.aws_acm_certificate.this[0]",
        "module.postgres.aws_db_instance.this[0]",
        "module.postgres.aws_db_instance.replica[0]",
        "module.redis.aws_elasticache_replication_group.this[0]",
        "module.backups.aws_s3_bucket_lifecycle_configuration.this[0]",
        "module.backups.aws_s3_bucket_server_side_encryption_configuration.this[0]",
        "module.backups.aws_s3_bucket_policy.this[0]",
    ] {
        assert!(
            addrs.iter().any(|a| a == want),
            "{want} not in state: {addrs:#?}"
        );
    }

    let (plan, plan_took) = run(d, &args(&["plan", "-detailed-exitcode"], &vars));
    let t = text(&plan);
    assert_eq!(plan.status.code(), Some(0), "plan after apply: {t}");
    assert!(t.contains("No changes."), "{t}");
    eprintln!("no-op plan against moto: {plan_took:.1?}");

    let (out, _) = run(
        d,
        &["output".into(), "-raw".into(), "backups_bucket".into()],
    );
    let bucket = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(bucket, format!("{name}-backups-staging"));

    // Bucket versioning, in its own step (see the module docs above).
    let mut vvars = vars.clone();
    vvars.extend(["-var".to_string(), "backups_versioning=true".to_string()]);
    let (vapply, _) = run(d, &args(&["apply", "-auto-approve"], &vvars));
    let t = text(&vapply);
    if vapply.status.success() {
        let (plan, _) = run(d, &args(&["plan", "-detailed-exitcode"], &vvars));
        assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
        vars = vvars;
    } else {
        assert!(
            t.contains("GetBucketVersioning"),
            "versioning apply failed for another reason than the moto gap:\n{t}"
        );
        let raw = http_get(&format!("{endpoint}/{bucket}?versioning"));
        assert!(raw.contains("<Status>Enabled</Status>"), "{raw}");
        eprintln!("moto gap: GetBucketVersioning reply; PutBucketVersioning verified by raw GET");
        let addr = "module.backups.aws_s3_bucket_versioning.this[0]";
        if state_addresses(&state_json(d)).iter().any(|a| a == addr) {
            let (rm, _) = run(d, &["state".into(), "rm".into(), addr.into()]);
            assert!(rm.status.success(), "{}", text(&rm));
        }
        let (plan, _) = run(d, &args(&["plan", "-detailed-exitcode"], &vars));
        assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
    }

    let ids = state_ids(&state_json(d));
    assert!(ids.len() > 30, "{ids:#?}");
    let (forgotten, destroy_took) = destroy_around_elasticache_gaps(d, &vars);
    eprintln!("destroy against moto: {destroy_took:.1?} (forgotten: {forgotten:?})");
    let state = state_json(d);
    assert!(state_addresses(&state).is_empty(), "{state:#}");

    // The ElastiCache objects forgotten above stay in moto (and name the
    // subnets); everything else must be gone.
    let skip: &[&str] = if forgotten.is_empty() {
        &[]
    } else {
        &["elasticache"]
    };
    let left = leftovers(&endpoint, region, &ids, skip);
    assert!(left.is_empty(), "moto still holds:\n{}", left.join("\n"));
    eprintln!(
        "aws-network: apply {apply_took:.1?}, no-op plan {plan_took:.1?}, destroy {destroy_took:.1?}"
    );
}

/// A `provider "aws"` block for moto in `region` with `services` pointed
/// at it.
fn moto_provider(endpoint: &str, region: &str, services: &[&str]) -> String {
    let endpoints: String = services
        .iter()
        .map(|s| format!("    {s} = \"{endpoint}\"\n"))
        .collect();
    format!(
        r#"provider "aws" {{
  region                      = "{region}"
  access_key                  = "testing"
  secret_key                  = "testing"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  endpoints {{
{endpoints}  }}
}}
"#
    )
}

/// Attributes as blocks through the binary (HCL to moto): inline rules and
/// routes assigned with argument syntax (`[for ...]`), `egress = []`, an
/// unset collection that keeps what exists, and `ingress = []` revoking
/// every rule; each apply is followed by a no-op plan.
#[test]
fn attributes_as_blocks_argument_syntax_against_moto() {
    let Some(endpoint) = moto() else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let region = "eu-north-1";
    let provider = moto_provider(&endpoint, region, &["ec2", "sts"]);
    let config = format!(
        r#"
variable "ports" {{
  type = list(number)
}}

variable "manage_routes" {{
  type = bool
}}

{provider}

resource "aws_vpc" "this" {{
  cidr_block = "10.77.0.0/16"
}}

resource "aws_internet_gateway" "this" {{
  vpc_id = aws_vpc.this.id
}}

resource "aws_security_group" "web" {{
  name   = "{name}"
  vpc_id = aws_vpc.this.id
  ingress = [for p in var.ports : {{
    description      = "port ${{p}}"
    from_port        = p
    to_port          = p
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = null
    prefix_list_ids  = null
    security_groups  = null
    self             = null
  }}]
  egress = []
}}

resource "aws_route_table" "public" {{
  vpc_id = aws_vpc.this.id
  route = var.manage_routes ? [merge(local.no_target, {{
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.this.id
  }})] : null
}}

locals {{
  no_target = {{
    cidr_block                 = null
    ipv6_cidr_block            = null
    destination_prefix_list_id = null
    carrier_gateway_id         = null
    core_network_arn           = null
    egress_only_gateway_id     = null
    gateway_id                 = null
    local_gateway_id           = null
    nat_gateway_id             = null
    network_interface_id       = null
    transit_gateway_id         = null
    vpc_endpoint_id            = null
    vpc_peering_connection_id  = null
  }}
}}

output "sg" {{
  value = aws_security_group.web.id
}}

output "rt" {{
  value = aws_route_table.public.id
}}
"#,
        name = unique("aab"),
    );
    std::fs::write(d.join("main.tf"), config).unwrap();
    let vars = |ports: &str, routes: bool| {
        vec![
            "-var".to_string(),
            format!("ports={ports}"),
            "-var".to_string(),
            format!("manage_routes={routes}"),
        ]
    };
    let describe = |action: &str, key: &str, id: &str| {
        aws_call(
            &endpoint,
            region,
            "ec2",
            &[
                "-d",
                &format!("Action={action}&Version=2016-11-15&{key}.1={id}"),
            ],
        )
    };
    let apply_then_noop = |v: &[String]| {
        let (a, _) = run(d, &args(&["apply", "-auto-approve"], v));
        assert!(a.status.success(), "apply: {}", text(&a));
        let (pl, _) = run(d, &args(&["plan", "-detailed-exitcode"], v));
        assert_eq!(pl.status.code(), Some(0), "plan after apply: {}", text(&pl));
    };
    let (init, _) = run(d, &["init".into()]);
    assert!(init.status.success(), "init: {}", text(&init));

    apply_then_noop(&vars("[22,443]", true));
    let out = |name: &str| {
        let (o, _) = run(d, &["output".into(), "-raw".into(), name.into()]);
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let (sg, rt) = (out("sg"), out("rt"));
    let groups = describe("DescribeSecurityGroups", "GroupId", &sg);
    let ingress = groups
        .split("<ipPermissionsEgress>")
        .next()
        .unwrap_or_default()
        .to_string();
    for port in ["22", "443"] {
        assert!(
            ingress.contains(&format!("<fromPort>{port}</fromPort>")),
            "{groups}"
        );
    }
    // `egress = []` removed AWS's default allow-all egress rule.
    let egress = groups
        .split("<ipPermissionsEgress>")
        .nth(1)
        .unwrap_or_default();
    assert!(!egress.contains("<ipProtocol>"), "{groups}");
    let tables = describe("DescribeRouteTables", "RouteTableId", &rt);
    assert!(tables.contains("0.0.0.0/0"), "{tables}");

    // `route = null` (unset): the route stays and nothing is planned.
    let (pl, _) = run(
        d,
        &args(&["plan", "-detailed-exitcode"], &vars("[22,443]", false)),
    );
    assert_eq!(pl.status.code(), Some(0), "{}", text(&pl));

    // `ingress = []` (an empty `for`): every ingress rule is revoked.
    let (pl, _) = run(
        d,
        &args(&["plan", "-detailed-exitcode"], &vars("[]", false)),
    );
    let t = text(&pl);
    assert_eq!(pl.status.code(), Some(2), "{t}");
    assert!(
        t.contains("aws_security_group.web will be updated in-place"),
        "{t}"
    );
    // Rendered as the attribute Terraform sees (`~ ingress = [ - { ... }, ]`),
    // not as blocks.
    let ingress_line = t
        .lines()
        .find(|l| l.trim_start().starts_with("~ ingress "))
        .unwrap_or_default();
    assert!(ingress_line.trim_end().ends_with("= ["), "{t}");
    assert!(!t.contains("- ingress {"), "{t}");
    apply_then_noop(&vars("[]", false));
    let groups = describe("DescribeSecurityGroups", "GroupId", &sg);
    assert!(!groups.contains("<fromPort>"), "{groups}");
    let tables = describe("DescribeRouteTables", "RouteTableId", &rt);
    assert!(tables.contains("0.0.0.0/0"), "{tables}");

    let (destroy, _) = run(d, &args(&["destroy", "-auto-approve"], &vars("[]", false)));
    assert!(destroy.status.success(), "destroy: {}", text(&destroy));
}

/// `terrane import` of an `aws_lb_target_group_attachment` by the current
/// provider's ID (`TARGET_GROUP_ARN,TARGET_ID,PORT`): after `state rm`, the
/// import restores the attachment and the next plan has no changes.
#[test]
fn target_group_attachment_import_against_moto() {
    let Some(endpoint) = moto() else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let provider = moto_provider(&endpoint, "eu-south-1", &["ec2", "elbv2", "sts"]);
    let config = format!(
        r#"
{provider}

resource "aws_vpc" "this" {{
  cidr_block = "10.78.0.0/16"
}}

resource "aws_lb_target_group" "web" {{
  name     = "{name}"
  port     = 80
  protocol = "HTTP"
  vpc_id   = aws_vpc.this.id
}}

resource "aws_lb_target_group_attachment" "web" {{
  target_group_arn = aws_lb_target_group.web.arn
  target_id        = "i-0123456789abcdef0"
  port             = 8080
}}

output "tg" {{
  value = aws_lb_target_group.web.arn
}}
"#,
        name = unique("imp"),
    );
    std::fs::write(d.join("main.tf"), config).unwrap();
    let (init, _) = run(d, &["init".into()]);
    assert!(init.status.success(), "init: {}", text(&init));
    let (apply, _) = run(d, &["apply".into(), "-auto-approve".into()]);
    assert!(apply.status.success(), "apply: {}", text(&apply));
    let (out, _) = run(d, &["output".into(), "-raw".into(), "tg".into()]);
    let tg = String::from_utf8_lossy(&out.stdout).into_owned();
    let addr = "aws_lb_target_group_attachment.web";
    let id = format!("{tg},i-0123456789abcdef0,8080");
    let state = state_json(d);
    let ids = state_ids(&state);
    assert!(ids.iter().any(|(a, i)| a == addr && *i == id), "{ids:?}");

    let (rm, _) = run(d, &["state".into(), "rm".into(), addr.into()]);
    assert!(rm.status.success(), "{}", text(&rm));
    let (plan, _) = run(d, &["plan".into(), "-detailed-exitcode".into()]);
    assert_eq!(plan.status.code(), Some(2), "{}", text(&plan));
    let (imp, _) = run(d, &["import".into(), addr.into(), id.clone()]);
    let t = text(&imp);
    assert!(imp.status.success(), "import: {t}");
    assert!(t.contains("Import successful!"), "{t}");
    let (plan, _) = run(d, &["plan".into(), "-detailed-exitcode".into()]);
    assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));

    let (bad, _) = run(
        d,
        &[
            "import".into(),
            "aws_lb_target_group_attachment.other".into(),
            "just-an-arn".into(),
        ],
    );
    assert!(!bad.status.success());
    let (destroy, _) = run(d, &["destroy".into(), "-auto-approve".into()]);
    assert!(destroy.status.success(), "destroy: {}", text(&destroy));
}

/// Every module and both examples validate with zero diagnostics, are
/// formatted canonically, and the modules' README tables are up to date
/// (no server needed).
#[test]
fn modules_and_examples_validate_fmt_and_docs() {
    let root = workspace_root();
    let mut dirs: Vec<std::path::PathBuf> = std::fs::read_dir(root.join("modules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("main.tf").is_file())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 7, "{dirs:?}");
    dirs.push(root.join("examples/aws-network"));
    dirs.push(root.join("examples/reference-deployment"));
    for dir in &dirs {
        let tmp = tempfile::tempdir().unwrap();
        let rel = dir.strip_prefix(&root).unwrap();
        copy_dir(&root.join("modules"), &tmp.path().join("modules"));
        let copy = tmp.path().join(rel);
        copy_dir(dir, &copy);
        let (init, _) = run(&copy, &["init".into(), "-backend=false".into()]);
        assert!(
            init.status.success(),
            "{}: init: {}",
            rel.display(),
            text(&init)
        );
        let (v, _) = run(&copy, &["validate".into(), "-json".into()]);
        let out: Value = serde_json::from_slice(&v.stdout)
            .unwrap_or_else(|e| panic!("{}: {e}: {}", rel.display(), text(&v)));
        assert_eq!(out["valid"], true, "{}: {out:#}", rel.display());
        assert_eq!(out["error_count"], 0, "{}: {out:#}", rel.display());
        assert_eq!(out["warning_count"], 0, "{}: {out:#}", rel.display());
    }
    let (fmt, _) = run(
        &root,
        &args(
            &["fmt", "-check", "-recursive"],
            &["modules".into(), "examples".into()],
        ),
    );
    assert!(fmt.status.success(), "fmt -check: {}", text(&fmt));
    let docs = std::process::Command::new("python3")
        .arg(root.join("modules/docs.py"))
        .arg("--check")
        .output()
        .expect("python3 runs modules/docs.py");
    assert!(
        docs.status.success(),
        "modules/docs.py --check: {}",
        text(&docs)
    );
}
