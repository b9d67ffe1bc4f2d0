//! The random provider.

use crate::support::*;
use std::collections::BTreeMap;
use terrane_provider::{ApplyChangeRequest, ImportRequest, Provider};
use terrane_value::{Type, Value};

#[tokio::test]
async fn keepers_changes_force_replacement() {
    for ty in [
        "random_id",
        "random_string",
        "random_pet",
        "random_uuid",
        "random_integer",
        "random_shuffle",
        "random_password",
    ] {
        let base: Vec<(&str, Value)> = match ty {
            "random_id" => vec![("byte_length", n(4))],
            "random_string" | "random_password" => vec![("length", n(8))],
            "random_integer" => vec![("min", n(0)), ("max", n(9))],
            "random_shuffle" => vec![("input", slist(&["x", "y"]))],
            _ => vec![],
        };
        let with = |k: Value| {
            let mut a = base.clone();
            a.push(("keepers", k));
            config(ty, a)
        };
        let (cp, _, state) = create(ty, {
            let mut a = base.clone();
            a.push(("keepers", smap(&[("ami", "1")])));
            a
        })
        .await;
        let p = plan(cp.as_ref(), ty, &state, &with(smap(&[("ami", "2")]))).await;
        assert_eq!(replaced(&p), vec!["keepers"], "{ty}");
        let p = plan(
            cp.as_ref(),
            ty,
            &state,
            &with(Value::null(Type::map(Type::String))),
        )
        .await;
        assert_eq!(
            replaced(&p),
            vec!["keepers"],
            "{ty}: removing keepers replaces"
        );
        // Adding a key whose value is null is not a change that replaces.
        let mut m = BTreeMap::new();
        m.insert("ami".to_string(), s("1"));
        m.insert("extra".to_string(), Value::null(Type::String));
        let p = plan(cp.as_ref(), ty, &state, &with(Value::map(Type::String, m))).await;
        assert!(p.requires_replace.is_empty(), "{ty}");
        // Unchanged keepers: no-op.
        let p = plan(cp.as_ref(), ty, &state, &with(smap(&[("ami", "1")]))).await;
        assert_eq!(p.planned_state, state, "{ty}");
    }
}

#[tokio::test]
async fn random_string_and_password() {
    let (_, _, st) = create(
        "random_string",
        vec![
            ("length", n(24)),
            ("special", Value::bool(false)),
            ("min_upper", n(5)),
        ],
    )
    .await;
    let r = text(&st, "result");
    assert_eq!(r.chars().count(), 24);
    assert!(r.chars().all(|c| c.is_ascii_alphanumeric()));
    assert!(r.chars().filter(char::is_ascii_uppercase).count() >= 5);
    assert_eq!(text(&st, "id"), r);
    assert_eq!(attr(&st, "number"), &Value::bool(true));
    assert_eq!(attr(&st, "numeric"), &Value::bool(true));
    assert_eq!(attr(&st, "min_lower"), &n(0));

    let random = terrane_provider_builtin::random();
    let pw = &random.schema().resources["random_password"];
    assert!(pw.block.attributes["result"].sensitive);
    assert!(pw.block.attributes["bcrypt_hash"].sensitive);
    assert!(!random.schema().resources["random_string"].block.attributes["result"].sensitive);
    assert_eq!(pw.version, 3);
    assert_eq!(random.schema().resources["random_string"].version, 2);

    let (cp, _, st) = create(
        "random_password",
        vec![("length", n(20)), ("numeric", Value::bool(false))],
    )
    .await;
    let r = text(&st, "result");
    assert_eq!(r.chars().count(), 20);
    assert!(!r.chars().any(|c| c.is_ascii_digit()));
    assert_eq!(text(&st, "id"), "none");
    assert_eq!(
        attr(&st, "number"),
        &Value::bool(false),
        "number follows numeric"
    );
    let hash = text(&st, "bcrypt_hash");
    assert!(hash.starts_with("$2a$10$"));
    assert!(bcrypt::verify(r, hash).unwrap());

    // number and numeric must agree.
    let p = plan(
        cp.as_ref(),
        "random_password",
        &Value::dynamic_null(),
        &config(
            "random_password",
            vec![
                ("length", n(8)),
                ("number", Value::bool(true)),
                ("numeric", Value::bool(false)),
            ],
        ),
    )
    .await;
    assert!(p.diagnostics.has_errors());
    // length must cover the minimums.
    let p = plan(
        cp.as_ref(),
        "random_password",
        &Value::dynamic_null(),
        &config(
            "random_password",
            vec![("length", n(3)), ("min_upper", n(2)), ("min_lower", n(2))],
        ),
    )
    .await;
    assert!(p.diagnostics.has_errors());
    // override_special: "" -> null is not a replacement, "" -> "x" is.
    let (cp, _, st) = create(
        "random_string",
        vec![("length", n(8)), ("override_special", s(""))],
    )
    .await;
    let p = plan(
        cp.as_ref(),
        "random_string",
        &st,
        &config("random_string", vec![("length", n(8))]),
    )
    .await;
    assert!(p.requires_replace.is_empty());
    let p = plan(
        cp.as_ref(),
        "random_string",
        &st,
        &config(
            "random_string",
            vec![("length", n(8)), ("override_special", s("x"))],
        ),
    )
    .await;
    assert_eq!(replaced(&p), vec!["override_special"]);
    // Import.
    let imp = cp
        .import(ImportRequest {
            type_name: "random_password".into(),
            id: "s3cr3t".into(),
        })
        .await;
    let st = &imp.imported[0].state;
    assert_eq!(text(st, "result"), "s3cr3t");
    assert_eq!(attr(st, "length"), &n(6));
    assert!(bcrypt::verify("s3cr3t", text(st, "bcrypt_hash")).unwrap());
}

#[tokio::test]
async fn random_id_encodings_and_import() {
    let (cp, _, st) = create(
        "random_id",
        vec![("byte_length", n(4)), ("prefix", s("p-"))],
    )
    .await;
    let hex = text(&st, "hex").strip_prefix("p-").unwrap().to_string();
    assert_eq!(hex.len(), 8);
    let value = u32::from_str_radix(&hex, 16).unwrap();
    assert_eq!(text(&st, "dec"), format!("p-{value}"));
    assert!(text(&st, "b64_url").starts_with("p-"));
    assert!(!text(&st, "id").starts_with("p-"));
    let imp = cp
        .import(ImportRequest {
            type_name: "random_id".into(),
            id: "pre,AQID".into(),
        })
        .await;
    let st = &imp.imported[0].state;
    assert_eq!(text(st, "hex"), "pre010203");
    assert_eq!(text(st, "dec"), "pre66051");
    assert_eq!(text(st, "b64_std"), "preAQID");
    assert_eq!(text(st, "prefix"), "pre");
    assert_eq!(attr(st, "byte_length"), &n(3));
    let bad = cp
        .import(ImportRequest {
            type_name: "random_id".into(),
            id: "!!".into(),
        })
        .await;
    assert!(bad.diagnostics.has_errors());
}

#[tokio::test]
async fn random_integer_seed_range_and_import() {
    let (_, _, a) = create(
        "random_integer",
        vec![("min", n(1)), ("max", n(1000)), ("seed", s("abc"))],
    )
    .await;
    let (_, _, b) = create(
        "random_integer",
        vec![("min", n(1)), ("max", n(1000)), ("seed", s("abc"))],
    )
    .await;
    assert_eq!(
        attr(&a, "result"),
        attr(&b, "result"),
        "same seed, same result"
    );
    let r = attr(&a, "result").as_number().unwrap().to_i64().unwrap();
    assert!((1..=1000).contains(&r));
    assert_eq!(text(&a, "id"), r.to_string());
    let (_, _, one) = create("random_integer", vec![("min", n(-3)), ("max", n(-3))]).await;
    assert_eq!(attr(&one, "result"), &n(-3));
    let cp = configured(&terrane_provider_builtin::random()).await;
    let cfg = config("random_integer", vec![("min", n(5)), ("max", n(1))]);
    let p = plan(cp.as_ref(), "random_integer", &Value::dynamic_null(), &cfg).await;
    let r = cp
        .apply_change(ApplyChangeRequest {
            type_name: "random_integer".into(),
            prior_state: Value::dynamic_null(),
            planned_state: p.planned_state,
            config: cfg,
            planned_private: Vec::new(),
        })
        .await;
    assert!(r.diagnostics.has_errors() && r.new_state.is_null());
    let imp = cp
        .import(ImportRequest {
            type_name: "random_integer".into(),
            id: "15,1,20,seed".into(),
        })
        .await;
    let st = &imp.imported[0].state;
    assert_eq!(attr(st, "result"), &n(15));
    assert_eq!(text(st, "seed"), "seed");
    assert!(cp
        .import(ImportRequest {
            type_name: "random_integer".into(),
            id: "15".into()
        })
        .await
        .diagnostics
        .has_errors());
}

#[tokio::test]
async fn random_pet_shapes() {
    let (_, _, st) = create("random_pet", vec![]).await;
    let id = text(&st, "id");
    assert_eq!(id.split('-').count(), 2, "{id}");
    assert_eq!(attr(&st, "length"), &n(2));
    assert_eq!(text(&st, "separator"), "-");
    assert!(attr(&st, "prefix").is_null());
    let (_, _, st) = create(
        "random_pet",
        vec![
            ("length", n(4)),
            ("separator", s("_")),
            ("prefix", s("web")),
        ],
    )
    .await;
    let id = text(&st, "id");
    let parts: Vec<&str> = id.split('_').collect();
    assert_eq!(parts.len(), 5, "{id}");
    assert_eq!(parts[0], "web");
    assert!(parts
        .iter()
        .all(|p| p.chars().all(|c| c.is_ascii_lowercase())));
    let (_, _, st) = create("random_pet", vec![("length", n(1))]).await;
    assert!(!text(&st, "id").contains('-'));
}

#[tokio::test]
async fn random_uuid_shuffle() {
    let (cp, _, st) = create("random_uuid", vec![]).await;
    assert!(is_go_uuid(text(&st, "result")));
    assert_eq!(text(&st, "id"), text(&st, "result"));
    let imp = cp
        .import(ImportRequest {
            type_name: "random_uuid".into(),
            id: "6B3C2D0E-1F2A-4B5C-8D9E-0F1A2B3C4D5E".into(),
        })
        .await;
    assert_eq!(
        text(&imp.imported[0].state, "result"),
        "6b3c2d0e-1f2a-4b5c-8d9e-0f1a2b3c4d5e"
    );

    let input = ["a", "b", "c", "d", "e"];
    let (_, _, st) = create(
        "random_shuffle",
        vec![("input", slist(&input)), ("seed", s("s"))],
    )
    .await;
    let (_, _, st2) = create(
        "random_shuffle",
        vec![("input", slist(&input)), ("seed", s("s"))],
    )
    .await;
    assert_eq!(attr(&st, "result"), attr(&st2, "result"));
    let mut got: Vec<&str> = attr(&st, "result")
        .as_seq()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    got.sort();
    assert_eq!(got, input);
    assert_eq!(text(&st, "id"), "-");
    let (_, _, st) = create(
        "random_shuffle",
        vec![("input", slist(&["a", "b"])), ("result_count", n(5))],
    )
    .await;
    assert_eq!(attr(&st, "result").len(), Some(5));
    let (_, _, st) = create("random_shuffle", vec![("input", slist(&[]))]).await;
    assert_eq!(attr(&st, "result"), &Value::list(Type::String, vec![]));
}

#[tokio::test]
async fn random_bytes_values_and_import() {
    let random = terrane_provider_builtin::random();
    let schema = &random.schema().resources["random_bytes"];
    assert!(
        schema.block.attributes["base64"].sensitive && schema.block.attributes["hex"].sensitive
    );
    let (cp, _, st) = create("random_bytes", vec![("length", n(16))]).await;
    let hex = text(&st, "hex");
    assert_eq!(hex.len(), 32);
    assert!(hex
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_eq!(text(&st, "base64").len(), 24);
    // keepers: any change replaces (plain RequiresReplace here).
    let cfg = config(
        "random_bytes",
        vec![("length", n(16)), ("keepers", smap(&[]))],
    );
    let p = plan(cp.as_ref(), "random_bytes", &st, &cfg).await;
    assert_eq!(replaced(&p), vec!["keepers"]);
    let imp = cp
        .import(ImportRequest {
            type_name: "random_bytes".into(),
            id: "AQID".into(),
        })
        .await;
    let st = &imp.imported[0].state;
    assert_eq!(text(st, "hex"), "010203");
    assert_eq!(attr(st, "length"), &n(3));
    let bad = plan(
        cp.as_ref(),
        "random_bytes",
        &Value::dynamic_null(),
        &config("random_bytes", vec![("length", n(0))]),
    )
    .await;
    assert!(bad.diagnostics.has_errors());
}

#[tokio::test]
async fn random_uuid_versions() {
    let (cp, _, st) = create("random_uuid4", vec![]).await;
    let u = text(&st, "result");
    assert!(is_go_uuid(u) && &u[14..15] == "4", "{u}");
    let imp = cp
        .import(ImportRequest {
            type_name: "random_uuid4".into(),
            id: "urn:uuid:6B3C2D0E-1F2A-4B5C-8D9E-0F1A2B3C4D5E".into(),
        })
        .await;
    assert_eq!(
        text(&imp.imported[0].state, "id"),
        "6b3c2d0e-1f2a-4b5c-8d9e-0f1a2b3c4d5e"
    );
    let (_, _, st) = create("random_uuid7", vec![]).await;
    let u = text(&st, "result");
    assert!(is_go_uuid(u) && &u[14..15] == "7", "{u}");
}

#[test]
fn deprecated_attributes_warn() {
    let random = terrane_provider_builtin::random();
    let v = random.validate(terrane_provider::ValidateRequest {
        kind: terrane_provider::ConfigKind::Resource,
        type_name: "random_string".into(),
        config: config(
            "random_string",
            vec![("length", n(8)), ("number", Value::bool(true))],
        ),
    });
    assert!(!v.diagnostics.has_errors());
    let w: Vec<_> = v.diagnostics.warnings().collect();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].summary, "Attribute Deprecated");
    assert!(w[0].detail.contains("use `numeric` instead"));
    let v = random.validate(terrane_provider::ValidateRequest {
        kind: terrane_provider::ConfigKind::Resource,
        type_name: "random_string".into(),
        config: config(
            "random_string",
            vec![("length", n(8)), ("numeric", Value::bool(true))],
        ),
    });
    assert!(v.diagnostics.is_empty());
}
