#![allow(clippy::unwrap_used)]

use super::*;
use proptest::prelude::*;

fn round<T>(s: &str)
where
    T: FromStr + fmt::Display,
    T::Err: fmt::Debug,
{
    let parsed: T = s.parse().unwrap();
    assert_eq!(parsed.to_string(), s);
}

#[test]
fn round_trips() {
    round::<ModulePath>("module.a.module.b");
    round::<ModuleInstance>("module.a[\"x\"].module.b[0]");
    round::<ModuleCall>("module.vpc");
    round::<Resource>("aws_subnet.this");
    round::<Resource>("data.aws_ami.x");
    round::<Resource>("ephemeral.random_password.p");
    round::<ResourceInstance>("aws_subnet.this[0]");
    round::<ResourceInstance>("aws_subnet.this[\"k\"]");
    round::<AbsResource>("module.a[\"x\"].aws_subnet.this");
    round::<AbsResourceInstance>("module.a.module.b[2].data.aws_ami.x[\"a b\"]");
    round::<InputVariable>("var.region");
    round::<LocalValue>("local.tags");
    round::<OutputValue>("output.id");
    round::<LocalProviderConfig>("aws.west");
    round::<LocalProviderConfig>("aws");
    round::<AbsProviderConfig>("provider[\"registry.terraform.io/hashicorp/aws\"].west");
    round::<AbsProviderConfig>("module.a.provider[\"terraform.io/builtin/terraform\"]");
    round::<Target>("module.a[0]");
    round::<InstanceKey>("[\"quote\\\"d\"]");
}

#[test]
fn targets() {
    assert!(matches!(
        "module.a".parse::<Target>(),
        Ok(Target::Module(_))
    ));
    assert!(matches!(
        "aws_instance.web".parse::<Target>(),
        Ok(Target::Resource(_))
    ));
    assert!(matches!(
        "aws_instance.web[1]".parse::<Target>(),
        Ok(Target::Instance(_))
    ));
    for bad in [
        "",
        "aws_instance",
        "aws_instance.web.id",
        "module",
        "a..b",
        "x[",
        "x[\"a]",
        "module.a.x",
    ] {
        assert!(bad.parse::<Target>().is_err(), "{bad} should not parse");
    }
    // Terraform's reasons, as `terraform plan -target=...` prints them.
    for (input, reason) in [
        (
            "foo",
            "Resource specification must include a resource type and name.",
        ),
        (
            "aws_instance.web.id",
            "Resource instance key must be given in square brackets.",
        ),
        (
            "module.a.x",
            "Resource specification must include a resource type and name.",
        ),
        ("a..b", "Dot must be followed by attribute name."),
        (
            "x[",
            "Index brackets must contain either a literal number or a literal string.",
        ),
        (
            "module",
            "Prefix \"module.\" must be followed by a module name.",
        ),
        (
            "data.x",
            "Resource specification must include a resource type and name.",
        ),
        (
            "aws_instance.web[1].x",
            "Unexpected extra operators after address.",
        ),
    ] {
        let e = input.parse::<Target>().unwrap_err();
        assert_eq!(e.reason(), reason, "{input}");
    }
}

#[test]
fn provider_sources() {
    let p = Provider::parse_source("hashicorp/aws").unwrap();
    assert_eq!(p.to_string(), "registry.terraform.io/hashicorp/aws");
    assert_eq!(p.for_display(), "hashicorp/aws");
    assert_eq!(
        Provider::parse_source("aws").unwrap(),
        Provider::implied("aws")
    );
    assert_eq!(
        Provider::parse_source("Example.COM/Acme/Foo")
            .unwrap()
            .to_string(),
        "example.com/acme/foo"
    );
    assert_eq!(
        Provider::implied("terraform").to_string(),
        "terraform.io/builtin/terraform"
    );
    assert!(matches!(
        Provider::parse_source("foo/terraform-provider-foo"),
        Err(ProviderSourceError::TypePrefix { .. })
    ));
    assert!(Provider::parse_source("a/b/c/d").is_err());
    assert!(Provider::parse_source("-bad/x").is_err());
}

#[test]
fn ordering_of_keys() {
    let mut keys = [
        InstanceKey::String("b".into()),
        InstanceKey::Int(10),
        InstanceKey::None,
        InstanceKey::Int(2),
        InstanceKey::String("a".into()),
    ];
    keys.sort();
    let shown: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    assert_eq!(shown, ["", "[2]", "[10]", "[\"a\"]", "[\"b\"]"]);
}

fn name() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_-]{0,8}".prop_filter("reserved", |s| {
        !matches!(
            s.as_str(),
            "module" | "data" | "ephemeral" | "var" | "local" | "output"
        )
    })
}

fn key() -> impl Strategy<Value = InstanceKey> {
    prop_oneof![
        Just(InstanceKey::None),
        (0i64..1000).prop_map(InstanceKey::Int),
        "[ -~]{0,6}".prop_map(InstanceKey::String),
    ]
}

proptest! {
    #[test]
    fn abs_instance_round_trip(
        mods in proptest::collection::vec((name(), key()), 0..3),
        mode in prop_oneof![Just(ResourceMode::Managed), Just(ResourceMode::Data)],
        ty in name(), n in name(), k in key(),
    ) {
        let module = ModuleInstance(mods.into_iter().map(|(name, key)| ModuleInstanceStep { name, key }).collect());
        let addr = AbsResourceInstance { module, resource: Resource::new(mode, ty, n).instance(k) };
        let text = addr.to_string();
        let back: AbsResourceInstance = text.parse().unwrap();
        prop_assert_eq!(back, addr);
    }

    #[test]
    fn module_instance_round_trip(mods in proptest::collection::vec((name(), key()), 1..4)) {
        let m = ModuleInstance(mods.into_iter().map(|(name, key)| ModuleInstanceStep { name, key }).collect());
        let back: ModuleInstance = m.to_string().parse().unwrap();
        prop_assert_eq!(back, m);
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,20}") {
        let _ = s.parse::<Target>();
        let _ = s.parse::<AbsProviderConfig>();
    }
}
