//! Evaluator behaviour the console corpus cannot show: unknown values,
//! sensitive marks on variables, references, type constraints and
//! defaults, provider functions.
#![allow(clippy::unwrap_used, clippy::result_large_err)]

use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_diagnostics::Diagnostic;
use terrane_functions::FuncContext;
use terrane_lang::{
    apply_defaults, eval, parse_expression, parse_type_constraint, references, DeclaredNames,
    EvalContext, RefStep, Source,
};
use terrane_value::{convert, Type, Value};

fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn ctx() -> EvalContext {
    let mut c = EvalContext::new(FuncContext::default());
    c.set(
        "var",
        obj(&[
            ("unknown_str", Value::unknown(Type::String)),
            ("unknown_list", Value::unknown(Type::list(Type::String))),
            ("unknown_bool", Value::unknown(Type::Bool)),
            ("secret", Value::string("hunter2").mark_sensitive()),
            ("n", Value::number(3)),
            (
                "names",
                Value::list(Type::String, vec![Value::string("a"), Value::string("b")]),
            ),
        ]),
    );
    c
}

fn run(text: &str) -> Result<Value, String> {
    let src = Source::new("test.tf", text);
    let expr = parse_expression(&src).map_err(|d| d.summary)?;
    eval(&expr, &ctx(), &src).map_err(|ds| {
        ds.iter()
            .next()
            .map(|d| d.summary.clone())
            .unwrap_or_default()
    })
}

#[test]
fn unknowns_propagate_through_operators_and_templates() {
    assert_eq!(
        run("var.unknown_str == \"a\"").unwrap(),
        Value::unknown(Type::Bool)
    );
    assert_eq!(
        run("\"x-${var.unknown_str}\"").unwrap(),
        Value::unknown(Type::String)
    );
    assert_eq!(
        run("var.n + 1").unwrap().as_number().unwrap().to_string(),
        "4"
    );
    assert_eq!(
        run("length(\"abc\") * var.n")
            .unwrap()
            .as_number()
            .unwrap()
            .to_string(),
        "9"
    );
    // Terraform 1.11 does not short-circuit logical operators on unknowns
    // (terraform console: `true || <unknown> == ""` is unknown).
    assert_eq!(
        run("false && var.unknown_bool").unwrap(),
        Value::unknown(Type::Bool)
    );
    assert_eq!(
        run("true || var.unknown_bool").unwrap(),
        Value::unknown(Type::Bool)
    );
    assert_eq!(
        run("true && var.unknown_bool").unwrap(),
        Value::unknown(Type::Bool)
    );
}

#[test]
fn unknown_conditions_collections_and_keys() {
    // Unknown condition: unknown of the unified result type.
    assert_eq!(
        run("var.unknown_bool ? 1 : \"a\"").unwrap(),
        Value::unknown(Type::String)
    );
    // for over an unknown collection is unknown.
    assert!(!run("[for x in var.unknown_list : upper(x)]")
        .unwrap()
        .is_known());
    // splat over an unknown list is an unknown list of the traversal's type.
    assert_eq!(
        run("var.unknown_list[*]").unwrap(),
        Value::unknown(Type::list(Type::String))
    );
    // indexing with an unknown key yields an unknown element.
    assert_eq!(
        run("var.names[var.unknown_str == \"\" ? 0 : 1]").unwrap(),
        Value::unknown(Type::String)
    );
    // an unknown object key makes the object unknown.
    assert!(!run("{(var.unknown_str) = 1}").unwrap().is_known());
}

#[test]
fn sensitive_marks_propagate() {
    assert!(run("var.secret").unwrap().is_sensitive());
    assert!(run("\"pw=${var.secret}\"").unwrap().is_sensitive());
    assert!(run("var.secret == \"x\"").unwrap().is_sensitive());
    assert!(run("[var.secret][0]").unwrap().is_sensitive());
    assert!(run("var.names[length(var.secret) - 7]")
        .unwrap()
        .is_sensitive());
    assert!(run("var.secret != \"\" ? 1 : 2").unwrap().is_sensitive());
    // An unknown condition keeps the marks of both results.
    assert!(run("var.unknown_bool ? var.secret : \"x\"")
        .unwrap()
        .is_sensitive());
    assert!(!run("var.n").unwrap().is_sensitive());
}

#[test]
fn locally_bound_names_shadow_and_are_not_references() {
    let src = Source::new(
        "t",
        "[for x in var.names : \"${x}-${local.suffix}\" if x != each.key]",
    );
    let expr = parse_expression(&src).unwrap();
    let refs = references(&expr);
    let roots: Vec<&str> = refs.iter().map(|r| r.root.as_str()).collect();
    assert_eq!(roots, ["var", "local", "each"]);
    assert_eq!(refs[0].steps, vec![RefStep::Attr("names".into())]);
    let src = Source::new("t", "aws_instance.web[0].id");
    let refs = references(&parse_expression(&src).unwrap());
    assert_eq!(
        refs[0].steps,
        vec![
            RefStep::Attr("web".into()),
            RefStep::Index(0),
            RefStep::Attr("id".into())
        ]
    );
    let src = Source::new(
        "t",
        "\"%{ for k, v in local.m }${k}${v}${var.z}%{ endfor }\"",
    );
    let refs = references(&parse_expression(&src).unwrap());
    let roots: Vec<&str> = refs.iter().map(|r| r.root.as_str()).collect();
    assert_eq!(roots, ["local", "var"]);
}

#[test]
fn declared_names_check_references() {
    let src = Source::new("t", "var.a + var.b");
    let refs = references(&parse_expression(&src).unwrap());
    let mut names = DeclaredNames::default();
    names.variables.insert("a".into());
    let d = names.check_all(&refs).unwrap();
    assert_eq!(d.summary, "Reference to undeclared input variable");
    names.variables.insert("b".into());
    assert!(names.check_all(&refs).is_none());
}

#[test]
fn bodies_parse_with_wide_numbers() {
    let src = Source::new("main.tf", "locals {\n  big = 1e400\n}\n");
    let body = terrane_lang::parse_body(&src).unwrap();
    let block = body.get_blocks("locals").next().unwrap();
    let attr = block.body.get_attribute("big").unwrap();
    let v = eval(&attr.value, &ctx(), &src).unwrap();
    assert_eq!(v.as_number().unwrap().to_string().len(), 401);
}

#[test]
fn unknown_root_names_are_unknown_variables() {
    assert_eq!(run("nope").unwrap_err(), "Unknown variable");
}

fn constraint(text: &str) -> (Type, Option<terrane_lang::TypeDefaults>) {
    let src = Source::new("variables.tf", text);
    let expr = parse_expression(&src).unwrap();
    parse_type_constraint(&expr, &src).unwrap()
}

#[test]
fn type_constraints_parse() {
    assert_eq!(constraint("string").0, Type::String);
    assert_eq!(constraint("list(number)").0, Type::list(Type::Number));
    assert_eq!(constraint("map(any)").0, Type::map(Type::Dynamic));
    assert_eq!(
        constraint("tuple([string, bool])").0,
        Type::Tuple(vec![Type::String, Type::Bool])
    );
    let (t, d) = constraint("object({ name = string, port = optional(number, 80) })");
    match &t {
        Type::Object { attrs, optional } => {
            assert_eq!(attrs.len(), 2);
            assert!(optional.contains("port"));
        }
        other => panic!("not an object: {other:?}"),
    }
    assert!(d.is_some());
    let src = Source::new("v.tf", "\"string\"");
    let e = parse_type_constraint(&parse_expression(&src).unwrap(), &src).unwrap_err();
    assert_eq!(e.summary, "Invalid quoted type constraints");
    // terraform: a bare `list` or `map` keyword (0.11 spelling) is list(any) / map(any).
    assert_eq!(constraint("list").0, Type::list(Type::Dynamic));
    assert_eq!(constraint("map").0, Type::map(Type::Dynamic));
    let src = Source::new("v.tf", "set");
    let e = parse_type_constraint(&parse_expression(&src).unwrap(), &src).unwrap_err();
    assert_eq!(e.summary, "Invalid type specification");
    let src = Source::new("v.tf", "\"list\"");
    let e = parse_type_constraint(&parse_expression(&src).unwrap(), &src).unwrap_err();
    assert!(e.detail.ends_with(
        "write list(string) instead to explicitly indicate that the list elements are strings."
    ));
}

#[test]
fn optional_defaults_apply_after_conversion_and_nest() {
    let (t, d) = constraint(
        "list(object({ name = string, port = optional(number, 80), tags = optional(map(string), {}) }))",
    );
    let given = Value::tuple(vec![
        obj(&[("name", Value::string("a"))]),
        obj(&[("name", Value::string("b")), ("port", Value::number(8080))]),
    ]);
    let converted = convert(&given, &t).unwrap();
    let out = apply_defaults(&converted, &d.unwrap());
    assert_eq!(
        out.to_json_string().unwrap(),
        r#"[{"name":"a","port":80,"tags":{}},{"name":"b","port":8080,"tags":{}}]"#
    );
}

#[test]
fn provider_functions_route_to_the_callback() {
    let mut c = ctx();
    c.provider_functions = Some(Arc::new(|provider: &str, name: &str, args: Vec<Value>| {
        if provider == "test" && name == "echo" {
            Ok(args.into_iter().next().unwrap_or_default())
        } else {
            Err(Diagnostic::error(
                "Unknown provider function",
                "no such function",
            ))
        }
    }));
    let src = Source::new("t", "provider::test::echo(\"hi\")");
    let expr = parse_expression(&src).unwrap();
    assert_eq!(eval(&expr, &c, &src).unwrap(), Value::string("hi"));
    let src = Source::new("t", "provider::test::nope(1)");
    let expr = parse_expression(&src).unwrap();
    assert!(eval(&expr, &c, &src).is_err());
}

#[test]
fn diagnostics_carry_source_ranges() {
    let src = Source::new("main.tf", "{a = 1}.b");
    let expr = parse_expression(&src).unwrap();
    let ds = eval(&expr, &ctx(), &src).unwrap_err();
    let d = ds.iter().next().unwrap();
    assert_eq!(d.summary, "Unsupported attribute");
    let r = d.subject.as_ref().unwrap();
    assert_eq!(&*r.filename, "main.tf");
    assert_eq!(r.start.line, 1);
}

fn detail(text: &str) -> String {
    let src = Source::new("t", text);
    let expr = parse_expression(&src).unwrap();
    eval(&expr, &ctx(), &src)
        .unwrap_err()
        .iter()
        .next()
        .unwrap()
        .detail
        .clone()
}

#[test]
fn conditional_mismatch_details_match_terraform() {
    // Recorded from terraform console (v1.11.4).
    assert_eq!(
        detail("true ? {a = 1} : {a = [1]}"),
        "The true and false result expressions must have consistent types. Type mismatch for object attribute \"a\": The 'true' value is number, but the 'false' value is tuple."
    );
    assert_eq!(
        detail("true ? {a = 1} : {b = [1]}"),
        "The true and false result expressions must have consistent types. The 'true' value includes object attribute \"a\", which is absent in the 'false' value."
    );
    assert_eq!(
        detail("true ? [1, \"a\"] : [[1], 2]"),
        "The true and false result expressions must have consistent types. Type mismatch for tuple element 0: The 'true' value is number, but the 'false' value is tuple."
    );
    assert_eq!(
        detail("true ? tolist([1]) : {}"),
        "The true and false result expressions must have consistent types. The 'true' value is list of number, but the 'false' value is object."
    );
}

#[test]
fn nested_optional_defaults_match_terraform() {
    // Recorded from terraform console (v1.11.4) for a variable default.
    let (t, d) = constraint(
        "list(object({ name = string, port = optional(number, 80), tags = optional(map(string), {}), sub = optional(object({ x = optional(number, 1), y = optional(string) }), {}), nul = optional(object({ x = optional(number, 1) })) }))",
    );
    let given = Value::tuple(vec![
        obj(&[("name", Value::string("a"))]),
        obj(&[
            ("name", Value::string("b")),
            ("port", Value::dynamic_null()),
            ("sub", obj(&[("y", Value::string("q"))])),
        ]),
    ]);
    let out = apply_defaults(&convert(&given, &t).unwrap(), &d.unwrap());
    assert_eq!(
        out.to_json_string().unwrap(),
        r#"[{"name":"a","nul":null,"port":80,"sub":{"x":1,"y":null},"tags":{}},{"name":"b","nul":null,"port":80,"sub":{"x":1,"y":"q"},"tags":{}}]"#
    );
}

#[test]
fn try_reports_every_failure_like_terraform() {
    let src = Source::new("<console-input>", "try([][0], {}.x)");
    let expr = parse_expression(&src).unwrap();
    let ds = eval(&expr, &ctx(), &src).unwrap_err();
    let d = ds.iter().next().unwrap();
    assert_eq!(d.summary, "Error in function call");
    // Recorded from terraform console (v1.11.4).
    assert_eq!(
        d.detail,
        "Call to function \"try\" failed: no expression succeeded:\n- Invalid index (at <console-input>:1,7-10)\n  The given key does not identify an element in this collection value: the collection has no elements.\n- Unsupported attribute (at <console-input>:1,14-16)\n  This object does not have an attribute named \"x\".\n\nAt least one expression must produce a successful result."
    );
}

#[test]
fn truncated_corpus_expressions_never_panic() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/expressions/visible.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let c = ctx();
    let mut evaluated = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case = Value::from_json_str(line).unwrap();
        let expr = case
            .get_attr("expr")
            .and_then(Value::as_str)
            .unwrap()
            .to_string();
        if expr.contains("bcrypt") {
            continue;
        }
        for (i, _) in expr.char_indices().skip(1) {
            let src = Source::new("t", &expr[..i]);
            if let Ok(e) = parse_expression(&src) {
                let _ = eval(&e, &c, &src);
                evaluated += 1;
            }
        }
    }
    assert!(evaluated > 1000, "only {evaluated} prefixes parsed");
}

#[test]
fn mutated_corpus_expressions_never_panic() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/expressions/visible.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let c = ctx();
    let tricky = [
        '"', '{', '}', '[', ']', '$', '%', '~', '\\', '\n', '<', '-', '.', '*', 'é',
    ];
    for line in text.lines().filter(|l| l.contains("lang:")) {
        let case = Value::from_json_str(line).unwrap();
        let expr = case
            .get_attr("expr")
            .and_then(Value::as_str)
            .unwrap()
            .to_string();
        for (i, ch) in expr.char_indices() {
            for t in tricky {
                let mutated = format!("{}{t}{}", &expr[..i], &expr[i + ch.len_utf8()..]);
                let src = Source::new("t", mutated.as_str());
                if let Ok(e) = parse_expression(&src) {
                    let _ = eval(&e, &c, &src);
                }
            }
        }
    }
}

#[test]
fn repeated_object_keys_keep_the_last_value() {
    // terraform console: {a = 1, a = 2} is { "a" = 2 }.
    assert_eq!(
        run("{a = 1, a = 2}").unwrap().to_json_string().unwrap(),
        r#"{"a":2}"#
    );
    assert_eq!(
        run("{abc = 1, \"abc\" = 2, abc = 3, b = 4}")
            .unwrap()
            .to_json_string()
            .unwrap(),
        r#"{"abc":3,"b":4}"#
    );
    let src = Source::new("main.tf", "locals {\n  m = { x = 1, x = \"two\" }\n}\n");
    let body = terrane_lang::parse_body(&src).unwrap();
    let block = body.get_blocks("locals").next().unwrap();
    let attr = block.body.get_attribute("m").unwrap();
    let v = eval(&attr.value, &ctx(), &src).unwrap();
    assert_eq!(v.to_json_string().unwrap(), r#"{"x":"two"}"#);
}

#[test]
fn type_function_is_console_only() {
    // In configuration, `type` is not a function at all.
    assert_eq!(run("type(1)").unwrap_err(), "Call to unknown function");
    let console = |text: &str| {
        let src = Source::new("<console-input>", text);
        let expr = parse_expression(&src).unwrap();
        terrane_lang::eval_console(&expr, &ctx(), &src)
            .map(|r| r.display())
            .map_err(|ds| ds.iter().next().unwrap().summary.clone())
    };
    // Recorded from terraform console (v1.11.4).
    assert_eq!(
        console("type([1, \"a\"])").unwrap(),
        "tuple([\n    number,\n    string,\n])"
    );
    assert_eq!(console("type(type(1))").unwrap(), "type");
    assert_eq!(
        console("type([type(1)])").unwrap(),
        "tuple([\n    type,\n])"
    );
    assert_eq!(
        console("[type(1)]").unwrap_err(),
        "Invalid use of type function"
    );
    assert_eq!(
        console("jsonencode(type(1))").unwrap_err(),
        "Invalid use of type function"
    );
    assert_eq!(
        console("jsonencode(type(type(1)))").unwrap_err(),
        "Error in function call"
    );
    assert_eq!(console("1 + 1").unwrap(), "2");
}

#[test]
fn direct_traversals_keep_container_marks() {
    let mut c = ctx();
    let inner = obj(&[("b", Value::number(1))]).mark_sensitive();
    c.set(
        "thing",
        obj(&[
            ("a", inner),
            ("plain", Value::tuple(vec![Value::number(7)])),
        ]),
    );
    let eval_in = |text: &str| {
        let src = Source::new("t", text);
        eval(&parse_expression(&src).unwrap(), &c, &src).unwrap()
    };
    assert!(eval_in("thing.a.b").is_sensitive());
    assert!(eval_in("thing[\"a\"].b").is_sensitive());
    assert!(!eval_in("thing.plain[0]").is_sensitive());
    assert_eq!(
        eval_in("thing.plain.0").as_number().unwrap().to_string(),
        "7"
    );
}

#[test]
fn templatefile_of_one_interpolation_keeps_the_value() {
    // terraform console: with single.tmpl holding `${x}`,
    // templatefile("single.tmpl", {x = [1, 2]}) is the tuple [1, 2].
    let dir = std::env::temp_dir().join(format!("terrane-lang-tpl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("single.tmpl"), "${x}").unwrap();
    let c = EvalContext::new(FuncContext::new(&dir));
    let src = Source::new("t", "templatefile(\"single.tmpl\", {x = [1, 2]})");
    let v = eval(&parse_expression(&src).unwrap(), &c, &src).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(v.ty(), Type::Tuple(vec![Type::Number, Type::Number]));
}

#[test]
fn shared_roots_are_found_after_the_contexts_own() {
    let mut shared = BTreeMap::new();
    shared.insert(
        "local".to_string(),
        obj(&[("prefix", Value::string("bench")), ("n", Value::number(2))]),
    );
    shared.insert("count".to_string(), obj(&[("index", Value::number(99))]));
    let shared = Arc::new(shared);
    let mut c = EvalContext::new(FuncContext::default());
    c.shared = Some(shared.clone());
    c.set("count", obj(&[("index", Value::number(7))]));
    let text = "\"${local.prefix}-${count.index * local.n}\"";
    let src = Source::new("test.tf", text);
    let expr = parse_expression(&src).unwrap();
    assert_eq!(eval(&expr, &c, &src).unwrap(), Value::string("bench-14"));
    assert_eq!(c.get("local"), shared.get("local"));
    assert_eq!(c.get("count"), c.variables.get("count"));
    assert_eq!(c.get("nope"), None);
    let src = Source::new("test.tf", "var.x");
    let expr = parse_expression(&src).unwrap();
    assert!(eval(&expr, &c, &src).is_err());
}
