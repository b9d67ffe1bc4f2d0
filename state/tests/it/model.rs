use terrane_state::json::RawJson;
use terrane_state::{
    InstanceAddr, InstanceKey, InstanceObject, Mode, ObjectStatus, PathStep, StateError, StateFile,
};

use crate::{data, REFERENCE_STATES};

fn load(rel: &str) -> (Vec<u8>, StateFile) {
    let bytes = std::fs::read(data(rel)).unwrap();
    let state = StateFile::from_slice(&bytes, rel).unwrap();
    (bytes, state)
}

#[test]
fn reference_states_round_trip_byte_for_byte() {
    for rel in REFERENCE_STATES {
        let (bytes, state) = load(rel);
        let out = state.to_bytes().unwrap();
        if out != bytes {
            let a = String::from_utf8_lossy(&bytes);
            let b = String::from_utf8_lossy(&out);
            let line = a.lines().zip(b.lines()).position(|(x, y)| x != y);
            panic!("{rel}: output differs from input, first at line {line:?}\n{b}");
        }
    }
}

#[test]
fn reference_states_stay_identical_after_sorting() {
    for rel in REFERENCE_STATES {
        let (bytes, mut state) = load(rel);
        state.sort();
        assert_eq!(
            state.to_bytes().unwrap(),
            bytes,
            "{rel}: Terraform's order differs from ours"
        );
    }
}

#[test]
fn sorting_restores_terraform_order_from_shuffled_resources() {
    let (bytes, state) = load("terraform-1.11.4-rich/terraform.tfstate");
    let mut shuffled = state.clone();
    shuffled.resources.reverse();
    for r in &mut shuffled.resources {
        r.instances.reverse();
    }
    assert_ne!(shuffled.to_bytes().unwrap(), bytes);
    shuffled.sort();
    assert_eq!(shuffled.to_bytes().unwrap(), bytes);
}

#[test]
fn rich_state_is_read_into_the_model() {
    let (_, s) = load("terraform-1.11.4-rich/terraform.tfstate");
    assert_eq!(s.terraform_version, "1.11.4");
    assert_eq!(s.lineage, "c7f76ba0-dfa1-ed80-e6ed-3c833ef9c4ea");
    // Arbitrary-precision numbers are kept as written.
    let third = &s.outputs["num"].value;
    assert!(third.get().starts_with("0.3333333333"));
    assert_eq!(third.get().len(), 157);
    assert!(s.outputs["sens"].sensitive);
    // Data source first within the root module.
    assert_eq!(s.resources[0].mode, Mode::Data);
    // Modules with for_each keys.
    let g = s
        .resource(
            "module.a[\"y\"].module.b",
            Mode::Managed,
            "terraform_data",
            "g",
        )
        .unwrap();
    assert_eq!(g.instances.len(), 1);
    // Tainted and deposed objects.
    let dep = s
        .resource("", Mode::Managed, "terraform_data", "dep")
        .unwrap();
    assert!(dep.instance(None).unwrap().is_tainted());
    assert_eq!(dep.instances.len(), 2);
    assert!(dep.instances[1].deposed.is_some());
    let each = s
        .resource("", Mode::Managed, "terraform_data", "each")
        .unwrap();
    let a = each.instance(Some(&InstanceKey::Str("a".into()))).unwrap();
    assert_eq!(a.status, Some(ObjectStatus::Tainted));
    assert!(each
        .instance(Some(&InstanceKey::Str("\"q\"".into())))
        .is_some());
    // Sensitive paths with an index step.
    let secret = s
        .resource("", Mode::Managed, "terraform_data", "secret")
        .unwrap();
    let paths = secret.instances[0].sensitive_attributes.as_ref().unwrap();
    assert_eq!(paths.len(), 2);
    assert_eq!(
        paths[1][2],
        PathStep::Index(RawJson::parse(r#"{"value":2,"type":"number"}"#).unwrap())
    );
    // Every object is listed with its address.
    let addrs: Vec<String> = s.objects().map(|(a, _, _)| a.to_string()).collect();
    assert_eq!(addrs.len(), 16);
    assert!(
        addrs.contains(&"module.a[\"y\"].module.b.terraform_data.g".to_owned()),
        "{addrs:?}"
    );
    assert!(
        addrs.contains(&"data.terraform_remote_state.rs".to_owned()),
        "{addrs:?}"
    );
    assert!(
        addrs
            .iter()
            .any(|a| a.starts_with("terraform_data.dep (deposed object ")),
        "{addrs:?}"
    );
    // Terraform < 1.12 did not write identity_schema_version.
    assert_eq!(secret.instances[0].identity_schema_version, None);
    // Check results.
    let checks = s.check_results.as_ref().unwrap();
    assert_eq!(checks.len(), 2);
    let c1 = checks.iter().find(|c| c.config_addr == "check.c1").unwrap();
    assert_eq!(c1.object_kind, "check");
    assert_eq!(c1.objects.as_ref().unwrap()[0].status, "pass");
    // Attribute access through serde_json.
    let attrs = secret.instances[0].attributes_value().unwrap();
    assert_eq!(attrs["input"]["value"]["password"], "s3cr3t");
}

#[test]
fn reference_1_15_state_has_identity_schema_version_and_null_check_results() {
    let (_, s) = load("terraform-1.15.5/terraform.tfstate");
    assert_eq!(s.serial, 6);
    assert!(s.check_results.is_none());
    let app = s
        .resource("", Mode::Managed, "terraform_data", "app")
        .unwrap();
    assert_eq!(app.instances.len(), 2);
    assert_eq!(app.instances[0].identity_schema_version, Some(0));
    assert_eq!(app.instances[1].index_key, Some(InstanceKey::Int(1)));
    assert!(app.instances[0].create_before_destroy);
    assert_eq!(
        app.instances[0].dependencies,
        ["terraform_data.db", "terraform_data.network"]
    );
}

#[test]
fn unknown_fields_are_preserved_and_listed() {
    let text = r#"{
  "version": 4,
  "terraform_version": "1.99.0",
  "serial": 1,
  "lineage": "l",
  "outputs": {},
  "resources": [
    {
      "mode": "managed",
      "type": "t",
      "name": "n",
      "provider": "provider[\"x\"]",
      "instances": [
        {
          "schema_version": 0,
          "attributes": {},
          "sensitive_attributes": [],
          "identity_schema_version": 0,
          "future_instance_field": {
            "big": 1e400
          }
        }
      ],
      "future_resource_field": true
    }
  ],
  "check_results": null,
  "future_top": [
    1
  ]
}
"#;
    let s = StateFile::from_slice(text.as_bytes(), "x").unwrap();
    assert_eq!(
        s.unknown_fields(),
        [
            "future_top",
            "resources[0].future_resource_field",
            "resources[0].instances[0].future_instance_field"
        ]
    );
    assert_eq!(String::from_utf8(s.to_bytes().unwrap()).unwrap(), text);
}

#[test]
fn parse_errors_name_file_line_and_column() {
    let text = "{\n  \"version\": 4,\n  \"serial\": 1,\n  \"lineage\": \"x\",\n  \"resources\": [ { \"mode\": \"managed\", }\n";
    let err = StateFile::from_slice(text.as_bytes(), "my.tfstate").unwrap_err();
    match &err {
        StateError::Parse {
            file, line, column, ..
        } => {
            assert_eq!(file, "my.tfstate");
            assert_eq!(*line, 5);
            assert!(*column > 30, "column {column}");
        }
        other => panic!("unexpected {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("my.tfstate") && msg.contains("line 5") && msg.contains(".backup"),
        "{msg}"
    );
}

#[test]
fn semantic_errors_carry_positions() {
    let text = "{\"version\":4,\"serial\":1,\"lineage\":\"x\",\"outputs\":{},\n\"resources\":[{\"mode\":\"weird\",\"type\":\"t\",\"name\":\"n\",\"provider\":\"p\",\"instances\":[]}]}";
    let err = StateFile::from_slice(text.as_bytes(), "f").unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("resource mode \"weird\" is not supported") && msg.contains("line 2"),
        "{msg}"
    );

    let bad_private = r#"{"version":4,"resources":[{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"schema_version":0,"private":"!!"}]}]}"#;
    let msg = StateFile::from_slice(bad_private.as_bytes(), "f")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("private data is not valid base64"), "{msg}");

    let bad_status = r#"{"version":4,"resources":[{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"status":"gone"}]}]}"#;
    let msg = StateFile::from_slice(bad_status.as_bytes(), "f")
        .unwrap_err()
        .to_string();
    assert!(msg.contains("instance status \"gone\""), "{msg}");
}

#[test]
fn other_format_versions_are_refused() {
    for (text, found) in [
        (r#"{"version": 3, "serial": 1}"#, "3"),
        (r#"{"version": 5}"#, "5"),
        (r#"{"serial": 1}"#, "missing"),
    ] {
        match StateFile::from_slice(text.as_bytes(), "f") {
            Err(StateError::UnsupportedVersion { found: f, .. }) => assert_eq!(f, found),
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn private_data_round_trips_through_base64() {
    let text = "{\n  \"version\": 4,\n  \"terraform_version\": \"1.15.5\",\n  \"serial\": 1,\n  \"lineage\": \"l\",\n  \"outputs\": {},\n  \"resources\": [\n    {\n      \"mode\": \"managed\",\n      \"type\": \"t\",\n      \"name\": \"n\",\n      \"provider\": \"provider[\\\"x\\\"].a\",\n      \"instances\": [\n        {\n          \"schema_version\": 2,\n          \"attributes\": {\n            \"id\": \"1\"\n          },\n          \"sensitive_attributes\": [],\n          \"identity_schema_version\": 1,\n          \"identity\": {\n            \"id\": \"1\"\n          },\n          \"private\": \"eyJzY2hlbWFfdmVyc2lvbiI6IjEifQ==\"\n        }\n      ]\n    }\n  ],\n  \"check_results\": null\n}\n";
    let s = StateFile::from_slice(text.as_bytes(), "f").unwrap();
    let obj = &s.resources[0].instances[0];
    assert_eq!(
        obj.private.as_deref(),
        Some(&b"{\"schema_version\":\"1\"}"[..])
    );
    assert_eq!(obj.identity.as_ref().unwrap().get(), r#"{"id":"1"}"#);
    assert_eq!(String::from_utf8(s.to_bytes().unwrap()).unwrap(), text);
}

#[test]
fn new_state_serialises_like_terraform_writes_an_empty_state() {
    let mut s = StateFile::new("1.15.5");
    s.lineage = "l".into();
    s.serial = 1;
    let text = String::from_utf8(s.to_bytes().unwrap()).unwrap();
    assert_eq!(
        text,
        "{\n  \"version\": 4,\n  \"terraform_version\": \"1.15.5\",\n  \"serial\": 1,\n  \"lineage\": \"l\",\n  \"outputs\": {},\n  \"resources\": [],\n  \"check_results\": null\n}\n"
    );
    let fresh = StateFile::new("x");
    let parsed = uuid::Uuid::parse_str(&fresh.lineage).unwrap();
    assert_eq!(parsed.get_version_num(), 4);
    assert_ne!(fresh.lineage, StateFile::new("x").lineage);
}

#[test]
fn upsert_remove_and_lookup_helpers() {
    let mut s = StateFile::new("1.15.5");
    let p = "provider[\"registry.terraform.io/hashicorp/null\"]";
    let attrs = |id: &str| RawJson::from_value(&serde_json::json!({ "id": id }));
    // Insert out of order; helpers keep Terraform's order.
    for (module, name, key) in [
        ("module.z", "a", Some(InstanceKey::Str("k".into()))),
        ("", "b", Some(InstanceKey::Str("x".into()))),
        ("", "b", Some(InstanceKey::Int(10))),
        ("", "b", Some(InstanceKey::Int(2))),
        ("", "a", None),
    ] {
        let addr = InstanceAddr::managed("null_resource", name, key).in_module(module);
        s.upsert_object(&addr, p, InstanceObject::new(0, attrs(&addr.to_string())));
    }
    let data = InstanceAddr {
        mode: Mode::Data,
        ..InstanceAddr::managed("null_data", "d", None)
    };
    s.upsert_object(&data, p, InstanceObject::new(0, attrs("d")));
    let order: Vec<String> = s
        .resources
        .iter()
        .map(|r| format!("{}|{}|{}", r.module, r.mode.as_str(), r.name))
        .collect();
    assert_eq!(
        order,
        ["|data|d", "|managed|a", "|managed|b", "module.z|managed|a"]
    );
    let b = s.resource("", Mode::Managed, "null_resource", "b").unwrap();
    let keys: Vec<String> = b
        .instances
        .iter()
        .map(|i| i.index_key.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["[2]", "[10]", "[\"x\"]"]);

    // Replace in place.
    let b2 = InstanceAddr::managed("null_resource", "b", Some(InstanceKey::Int(2)));
    s.upsert_object(&b2, p, InstanceObject::new(3, attrs("new")));
    assert_eq!(s.object(&b2).unwrap().schema_version, 3);
    assert_eq!(
        s.resource("", Mode::Managed, "null_resource", "b")
            .unwrap()
            .instances
            .len(),
        3
    );

    // Depose, then a new current object sorts before its deposed one.
    assert!(s.depose_object(&b2, "00000001"));
    assert!(s.object(&b2).is_none());
    assert_eq!(
        s.object(&b2.clone().deposed("00000001"))
            .unwrap()
            .schema_version,
        3
    );
    s.upsert_object(&b2, p, InstanceObject::new(4, attrs("newer")));
    let b = s.resource("", Mode::Managed, "null_resource", "b").unwrap();
    assert_eq!(b.instances[0].deposed, None);
    assert_eq!(b.instances[1].deposed.as_deref(), Some("00000001"));

    // Remove, prune.
    let za = InstanceAddr::managed("null_resource", "a", Some(InstanceKey::Str("k".into())))
        .in_module("module.z");
    assert_eq!(za.to_string(), "module.z.null_resource.a[\"k\"]");
    assert!(s.remove_object(&za).is_some());
    assert!(s.remove_object(&za).is_none());
    assert_eq!(s.resources.len(), 4);
    s.remove_empty_resources();
    assert_eq!(s.resources.len(), 3);

    // What we built is stable under a write/read/sort cycle.
    let bytes = s.to_bytes().unwrap();
    let mut back = StateFile::from_slice(&bytes, "x").unwrap();
    assert_eq!(back, s);
    back.sort();
    assert_eq!(back.to_bytes().unwrap(), bytes);
}

#[test]
fn instance_keys_and_addresses_display_like_terraform() {
    let addr = InstanceAddr {
        mode: Mode::Data,
        ..InstanceAddr::managed("aws_ami", "x", Some(InstanceKey::Str("a\"b\\c${d}".into())))
    }
    .in_module("module.m[0]");
    assert_eq!(
        addr.to_string(),
        r#"module.m[0].data.aws_ami.x["a\"b\\c$${d}"]"#
    );
    assert_eq!(addr.resource_string(), "module.m[0].data.aws_ami.x");
    assert_eq!(
        addr.deposed("abcd1234").to_string(),
        r#"module.m[0].data.aws_ami.x["a\"b\\c$${d}"] (deposed object abcd1234)"#
    );
}

#[test]
fn set_attributes_writes_go_escaped_json() {
    let mut obj = InstanceObject::new(0, RawJson::empty_object());
    obj.set_attributes(&serde_json::json!({"html": "<a href=\"x\">&</a>", "n": 1.5}));
    let mut s = StateFile::new("1.15.5");
    s.upsert_object(
        &InstanceAddr::managed("t", "n", None),
        "provider[\"p\"]",
        obj,
    );
    let text = String::from_utf8(s.to_bytes().unwrap()).unwrap();
    assert!(
        text.contains(r#""html": "\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e""#),
        "{text}"
    );
    let back = StateFile::from_slice(text.as_bytes(), "x").unwrap();
    let v = back.resources[0].instances[0].attributes_value().unwrap();
    assert_eq!(v["html"], "<a href=\"x\">&</a>");
}

#[test]
fn opentofu_per_instance_providers_round_trip() {
    // OpenTofu omits the resource's provider and writes `instance_provider`
    // last in each instance object.
    let text = "{\n  \"version\": 4,\n  \"terraform_version\": \"1.9.0\",\n  \"serial\": 3,\n  \"lineage\": \"l\",\n  \"outputs\": {},\n  \"resources\": [\n    {\n      \"mode\": \"managed\",\n      \"type\": \"null_resource\",\n      \"name\": \"n\",\n      \"instances\": [\n        {\n          \"index_key\": \"a\",\n          \"schema_version\": 0,\n          \"attributes\": {\n            \"id\": \"1\"\n          },\n          \"sensitive_attributes\": [],\n          \"instance_provider\": \"provider[\\\"registry.opentofu.org/hashicorp/null\\\"].by_key[\\\"a\\\"]\"\n        }\n      ]\n    }\n  ],\n  \"check_results\": null\n}\n";
    let s = StateFile::from_slice(text.as_bytes(), "tofu").unwrap();
    assert_eq!(s.resources[0].provider, "");
    assert!(s.resources[0].instances[0]
        .extra
        .contains_key("instance_provider"));
    assert_eq!(String::from_utf8(s.to_bytes().unwrap()).unwrap(), text);
}

#[test]
fn random_states_round_trip_and_sort_like_terraform() {
    use rand::seq::{IndexedRandom, SliceRandom};
    use rand::Rng;
    let mut rng = rand::rng();
    let modules = [
        "",
        "module.a",
        "module.a[\"x\"]",
        "module.a[\"x\"].module.b",
        "module.b[0]",
    ];
    let names = ["a", "b", "aa", "B", "z_1"];
    let strings = ["k", "K", "a b", "\"q\"", "<&>", "é", "\u{2028}"];
    for round in 0..200 {
        let mut s = StateFile::new("1.15.5");
        s.serial = round;
        for _ in 0..rng.random_range(0..25) {
            let key = match rng.random_range(0..3) {
                0 => None,
                1 => Some(InstanceKey::Int(rng.random_range(-2..12))),
                _ => Some(InstanceKey::Str(
                    strings.choose(&mut rng).unwrap().to_string(),
                )),
            };
            let mut addr = InstanceAddr::managed(
                ["t_a", "t_b"].choose(&mut rng).unwrap(),
                names.choose(&mut rng).unwrap(),
                key,
            )
            .in_module(modules.choose(&mut rng).unwrap());
            if rng.random_bool(0.3) {
                addr.mode = Mode::Data;
            }
            if rng.random_bool(0.2) {
                addr.deposed = Some(format!("{:08x}", rng.random::<u32>()));
            }
            let value = serde_json::json!({
                "id": rng.random::<u64>().to_string(),
                "s": strings.choose(&mut rng).unwrap(),
                "n": rng.random_range(-1000..1000) as f64 / 8.0,
                "l": [1, "two", null, {"x": []}],
            });
            let mut obj = InstanceObject::new(rng.random_range(0..3), RawJson::from_value(&value));
            obj.create_before_destroy = rng.random_bool(0.5);
            if rng.random_bool(0.2) {
                obj.status = Some(ObjectStatus::Tainted);
            }
            if rng.random_bool(0.2) {
                obj.private = Some(
                    (0..rng.random_range(1..40))
                        .map(|_| rng.random::<u8>())
                        .collect(),
                );
            }
            s.upsert_object(
                &addr,
                "provider[\"registry.terraform.io/hashicorp/null\"]",
                obj,
            );
        }
        let bytes = s.to_bytes().unwrap();
        let back = StateFile::from_slice(&bytes, "random").unwrap();
        assert_eq!(back, s, "round {round}");
        assert_eq!(back.to_bytes().unwrap(), bytes, "round {round}");
        // The helpers keep Terraform's order: sorting changes nothing, and
        // sorting a shuffled copy restores the same bytes.
        let mut sorted = back.clone();
        sorted.sort();
        assert_eq!(sorted.to_bytes().unwrap(), bytes, "round {round}");
        let mut shuffled = back.clone();
        shuffled.resources.shuffle(&mut rng);
        for r in &mut shuffled.resources {
            r.instances.shuffle(&mut rng);
        }
        shuffled.sort();
        assert_eq!(shuffled.to_bytes().unwrap(), bytes, "round {round}");
    }
}

#[test]
fn duplicate_instances_are_refused_and_split_resources_merged() {
    let dup = r#"{"version":4,"serial":1,"lineage":"l","resources":[
{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"index_key":1,"schema_version":0},{"index_key":1,"schema_version":0}]}]}"#;
    let err = StateFile::from_slice(dup.as_bytes(), "dup.tfstate").unwrap_err();
    assert!(matches!(err, StateError::Invalid { .. }), "{err}");
    assert!(
        err.to_string().contains("t.n[1] appears more than once"),
        "{err}"
    );

    let split = r#"{"version":4,"serial":1,"lineage":"l","resources":[
{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"index_key":1,"schema_version":0}]},
{"mode":"managed","type":"t","name":"m","provider":"p","instances":[]},
{"mode":"managed","type":"t","name":"n","provider":"p","instances":[{"index_key":0,"schema_version":0}]}]}"#;
    let mut s = StateFile::from_slice(split.as_bytes(), "split").unwrap();
    assert_eq!(s.resources.len(), 2);
    s.sort();
    let n = s.resource("", Mode::Managed, "t", "n").unwrap();
    assert_eq!(n.instances.len(), 2);
    assert_eq!(n.instances[0].index_key, Some(InstanceKey::Int(0)));
}
