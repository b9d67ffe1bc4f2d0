#![allow(clippy::unwrap_used)]
//! Loader behaviour: file selection, overrides, JSON syntax, duplicate object
//! keys, module trees, and rendering of the diagnostics it produces.

use std::path::Path;
use terrane_config::{load_config, load_module, validate, IgnoreChanges, ModuleSource};
use terrane_diagnostics::{render_diagnostics, RenderOptions};

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let p = dir.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(p, text).unwrap();
    }
}

fn summaries(d: &terrane_diagnostics::Diagnostics) -> Vec<String> {
    d.iter().map(|d| d.summary.clone()).collect()
}

#[test]
fn tofu_files_hide_tf_files_of_the_same_name() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("main.tf", "variable \"from_tf\" {}\n"),
            ("main.tofu", "variable \"from_tofu\" {}\n"),
            ("other.tf", "variable \"other\" {}\n"),
            (".hidden.tf", "this is not read"),
            ("notes.txt", "nor this"),
        ],
    );
    let (m, d) = load_module(dir.path());
    assert!(d.is_empty(), "{d:?}");
    let m = m.unwrap();
    let names: Vec<&str> = m.variables.keys().map(String::as_str).collect();
    assert_eq!(names, ["from_tofu", "other"]);
}

#[test]
fn override_files_merge_argument_by_argument() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "main.tf",
                r#"
resource "aws_instance" "web" {
  ami           = "ami-1"
  instance_type = "t3.micro"
  tags          = { a = 1 }
  ebs_block_device { device_name = "a" }
  lifecycle {
    create_before_destroy = true
    prevent_destroy       = true
  }
}
variable "v" {
  type    = string
  default = "x"
}
output "o" {
  value       = 1
  description = "base"
}
terraform {
  backend "s3" {}
}
"#,
            ),
            (
                "web_override.tf",
                r#"
resource "aws_instance" "web" {
  ami = "ami-2"
  dynamic "ebs_block_device" {
    for_each = []
    content {}
  }
  lifecycle {
    prevent_destroy = false
  }
}
output "o" { value = 2 }
terraform {
  backend "local" {}
}
"#,
            ),
        ],
    );
    let (m, d) = load_module(dir.path());
    assert!(d.is_empty(), "{d:?}");
    let m = m.unwrap();
    let r = m.resources.values().next().unwrap();
    let ami = r.body.attribute("ami").unwrap();
    assert_eq!(ami.1.value.to_string().trim(), "\"ami-2\"");
    assert_eq!(&**ami.0.name(), "web_override.tf");
    assert!(r.body.attribute("instance_type").is_some());
    let blocks: Vec<String> = r.body.blocks().map(|(_, b)| b.ident.to_string()).collect();
    assert_eq!(
        blocks,
        ["dynamic"],
        "the dynamic block replaces the static ones"
    );
    assert_eq!(r.lifecycle.create_before_destroy, Some(true));
    assert_eq!(r.lifecycle.prevent_destroy, Some(false));
    let o = &m.outputs["o"];
    assert_eq!(o.description.as_deref(), Some("base"));
    assert_eq!(o.value.as_ref().unwrap().expr.to_string().trim(), "2");
    assert_eq!(m.terraform.backend.as_ref().unwrap().type_name, "local");
}

#[test]
fn override_without_base_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("override.tf", "resource \"a_b\" \"c\" {}\n")],
    );
    let (_, d) = load_module(dir.path());
    assert_eq!(summaries(&d), ["Missing resource to override"]);
}

#[test]
fn json_syntax_loads_into_the_same_model_with_json_ranges() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf.json",
            r#"{
  "variable": {"region": {"type": "string", "default": "eu-west-1"}},
  "resource": {
    "aws_instance": {
      "web": {
        "count": 2,
        "ami": "ami-${var.region}",
        "lifecycle": {"ignore_changes": ["tags"]},
        "depends_on": ["aws_vpc.main"]
      }
    }
  },
  "output": {"o": {"value": "${var.nope}"}}
}"#,
        )],
    );
    let (config, d) = load_config(dir.path());
    assert!(d.is_empty(), "{d:?}");
    let config = config.unwrap();
    let r = config.module.resources.values().next().unwrap();
    assert!(r.count.is_some());
    assert!(r.body.json());
    assert!(matches!(&r.lifecycle.ignore_changes, IgnoreChanges::Paths(p) if p.len() == 1));
    let v = validate(&config);
    let found: Vec<(String, usize, usize)> = v
        .iter()
        .map(|d| {
            let s = d.subject.as_ref().unwrap();
            (d.summary.clone(), s.start.line, s.start.column)
        })
        .collect();
    assert!(
        found.contains(&("Reference to undeclared resource".into(), 9, 25)),
        "{found:?}"
    );
    assert!(
        found.contains(&("Reference to undeclared input variable".into(), 13, 32)),
        "{found:?}"
    );
}

#[test]
fn duplicate_object_keys_are_accepted_last_wins() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "locals {\n  tags = {\n    Name = \"a\"\n    Env  = \"x\"\n    Name = \"b\"\n  }\n}\n",
        )],
    );
    let (m, d) = load_module(dir.path());
    assert!(d.is_empty(), "{d:?}");
    let text = m.unwrap().locals["tags"].expr.expr.to_string();
    assert!(text.contains("\"b\"") && !text.contains("\"a\""), "{text}");
}

#[test]
fn module_tree_follows_local_sources_and_reports_remote_ones() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("main.tf", "module \"net\" {\n  source = \"./modules/net\"\n  cidr = \"10.0.0.0/16\"\n}\nmodule \"reg\" {\n  source  = \"terraform-aws-modules/vpc/aws\"\n  version = \"~> 5.0\"\n}\noutput \"id\" { value = module.net.vpc_id }\n"),
            ("modules/net/main.tf", "variable \"cidr\" {}\nmodule \"inner\" { source = \"../inner\" }\noutput \"vpc_id\" { value = var.cidr }\n"),
            ("modules/inner/main.tf", "variable \"x\" { default = 1 }\n"),
        ],
    );
    let (config, d) = load_config(dir.path());
    assert_eq!(summaries(&d), ["Module source not supported yet"]);
    assert!(d.iter().next().unwrap().help.is_some());
    let config = config.unwrap();
    let inner = config
        .descendant(&"module.net.module.inner".parse().unwrap())
        .unwrap();
    assert!(inner.module.variables.contains_key("x"));
    assert!(matches!(
        config.module.module_calls["reg"].source,
        Some(ModuleSource::Registry(_))
    ));
    let names: Vec<String> = config
        .sources()
        .iter()
        .map(|f| f.name().to_string())
        .collect();
    assert_eq!(
        names,
        ["main.tf", "modules/inner/main.tf", "modules/net/main.tf"]
    );
    assert!(validate(&config).is_empty());
}

#[test]
fn rendered_diagnostic_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("main.tf", "variable \"vpc_ids\" {}\n\nresource \"terraform_data\" \"r\" {\n  input = var.vpc_id\n}\n")]);
    let (config, d) = load_config(dir.path());
    assert!(d.is_empty());
    let config = config.unwrap();
    let v = validate(&config);
    let out = render_diagnostics(&v, &config.sources(), RenderOptions::default());
    let want = "\
╷
│ Error: Reference to undeclared input variable
│ 
│   on main.tf line 4, in resource \"terraform_data\" \"r\":
│    4:   input = var.vpc_id
│ 
│ An input variable with the name \"vpc_id\" has not been declared. Did you mean
│ \"vpc_ids\"?
│ help: did you mean `var.vpc_ids`?
╵
";
    assert_eq!(out, want);
}

#[test]
fn required_version_is_checked_against_terraform_1_11_4() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "terraform {\n  required_version = \"~> 1.11.0\"\n}\n",
        )],
    );
    let (config, d) = load_config(dir.path());
    assert!(d.is_empty());
    assert!(validate(&config.unwrap()).is_empty());
    write(
        dir.path(),
        &[(
            "main.tf",
            "terraform {\n  required_version = \">= 1.12\"\n}\n",
        )],
    );
    let (config, _) = load_config(dir.path());
    assert_eq!(
        summaries(&validate(&config.unwrap())),
        ["Unsupported Terraform Core version"]
    );
}

#[test]
fn count_each_and_self_contexts() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            r#"
resource "terraform_data" "a" {
  count = 2
  input = count.index
  provisioner "local-exec" {
    command = "echo ${self.id}"
  }
  lifecycle {
    postcondition {
      condition     = self.output != null
      error_message = "x"
    }
  }
}
resource "terraform_data" "b" {
  for_each = toset(["x"])
  input    = "${each.key}-${each.value}"
  dynamic "x" {
    for_each = [1]
    content { v = x.value }
  }
}
resource "terraform_data" "c" {
  input = each.key
}
"#,
        )],
    );
    let (config, d) = load_config(dir.path());
    assert!(d.is_empty(), "{d:?}");
    let v = validate(&config.unwrap());
    assert_eq!(
        summaries(&v),
        ["Reference to \"each\" in context without for_each"]
    );
}

#[test]
fn optional_attribute_defaults_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[("main.tf", "variable \"o\" {\n  type = object({\n    a = optional(bool, true)\n    b = string\n  })\n}\n")],
    );
    let (m, d) = load_module(dir.path());
    assert!(d.is_empty(), "{d:?}");
    let m = m.unwrap();
    let defaults = m.variables["o"].type_defaults.as_ref().expect("defaults");
    assert_eq!(
        defaults.defaults.get("a"),
        Some(&terrane_value::Value::bool(true))
    );
}

#[test]
fn provider_configurations_resolve_through_module_calls() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "main.tf",
                "provider \"aws\" {}\nprovider \"aws\" {\n  alias = \"west\"\n}\nmodule \"net\" {\n  source = \"./net\"\n  providers = {\n    aws.peer = aws.west\n  }\n}\nresource \"terraform_data\" \"t\" {}\n",
            ),
            (
                "net/main.tf",
                "terraform {\n  required_providers {\n    aws = {\n      source = \"hashicorp/aws\"\n      configuration_aliases = [aws.peer]\n    }\n  }\n}\nresource \"aws_vpc\" \"a\" {}\nresource \"aws_vpc\" \"b\" {\n  provider = aws.peer\n}\nmodule \"inner\" { source = \"./inner\" }\n",
            ),
            ("net/inner/main.tf", "provider \"aws\" {}\nresource \"aws_vpc\" \"c\" {}\n"),
        ],
    );
    let (config, d) = load_config(dir.path());
    assert!(d.is_empty(), "{d:?}");
    let config = config.unwrap();
    assert!(validate(&config).is_empty());
    let shown = |path: &str, name: &str| {
        let path: terrane_addrs::ModulePath = if path.is_empty() {
            Default::default()
        } else {
            path.parse().unwrap()
        };
        let node = config.descendant(&path).unwrap();
        let r = node
            .module
            .resources
            .values()
            .find(|r| r.addr.name == name)
            .unwrap();
        config.resource_provider(&path, r).to_string()
    };
    assert_eq!(
        shown("", "t"),
        "provider[\"terraform.io/builtin/terraform\"]"
    );
    assert_eq!(
        shown("module.net", "a"),
        "provider[\"registry.terraform.io/hashicorp/aws\"]"
    );
    assert_eq!(
        shown("module.net", "b"),
        "provider[\"registry.terraform.io/hashicorp/aws\"].west"
    );
    assert_eq!(
        shown("module.net.module.inner", "c"),
        "module.net.module.inner.provider[\"registry.terraform.io/hashicorp/aws\"]"
    );
}
