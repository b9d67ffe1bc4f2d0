#![allow(clippy::unwrap_used, clippy::result_large_err)]
//! The expression conformance corpus: every case Terraform v1.11.4's
//! console evaluated (see `tests/data/expressions/README.md`), checked
//! against terrane's evaluator and function library.
//!
//! For each case the three console inputs the corpus recorded are run —
//! `jsonencode(EXPR)`, `type(EXPR)` and `EXPR` — each parsed, its
//! references checked as the console does for an empty root module, and
//! evaluated in console mode with `fixtures/` as the base directory and
//! `/home/tfconformance` as the home directory (the functions take both
//! from their context, so no process environment is touched). Compared, as
//! the corpus records them:
//! - `json_text`: byte for byte, `jsonencode` of the result;
//! - `type`: the console's `type()` rendering;
//! - `display`: the console rendering (this is how sensitive and unknown
//!   results are checked);
//! - for error cases, the summary of the first error.
//!
//! Non-deterministic functions (`uuid`, `timestamp`, `bcrypt`) appear in
//! the corpus only inside expressions that check their shape (`length(uuid())`,
//! `can(regex(..., uuid()))`, `uuid() == uuid()`), so their results compare
//! byte for byte like any other case.
//!
//! Run with `cargo test -p terrane-lang --test expressions -- --nocapture`
//! to see the pass count and failures grouped by `group`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use terrane_diagnostics::Diagnostic;
use terrane_functions::FuncContext;
use terrane_lang::{
    eval_console, parse_expression, references_with_source, ConsoleResult, DeclaredNames,
    EvalContext, Source,
};
use terrane_value::Value;

/// The pass count must not drop below this. Raise it as cases are fixed.
const THRESHOLD: usize = 1458;

/// Cases where we believe Terraform's recorded result is not what terrane
/// should produce, with the reason. None so far.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

struct Case {
    id: String,
    group: String,
    expr: String,
    json_text: Option<String>,
    ty: Option<String>,
    error: Option<String>,
    error_detail: Option<String>,
    expr_error: Option<String>,
    display: Option<String>,
}

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/expressions")
}

/// The corpus holds numbers beyond f64 range, so it is read with
/// terrane's own exact JSON decoder.
fn s(j: &Value, k: &str) -> Option<String> {
    j.get_attr(k).and_then(Value::as_str).map(str::to_string)
}

fn load() -> Vec<Case> {
    let mut out = Vec::new();
    // visible.jsonl: the shared corpus; extra.jsonl: value-model cases
    // recorded the same way by generate_extra.py.
    let mut text = std::fs::read_to_string(data_dir().join("visible.jsonl")).unwrap();
    text.push_str(&std::fs::read_to_string(data_dir().join("extra.jsonl")).unwrap());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let j = Value::from_json_str(line).unwrap();
        out.push(Case {
            id: s(&j, "id").unwrap(),
            group: s(&j, "group").unwrap(),
            expr: s(&j, "expr").unwrap(),
            json_text: s(&j, "json_text"),
            ty: s(&j, "type"),
            error: s(&j, "error"),
            error_detail: s(&j, "error_detail"),
            expr_error: s(&j, "expr_error"),
            display: s(&j, "display"),
        });
    }
    // OpenTofu-only functions: Terraform 1.11.4 does not have them.
    let text = std::fs::read_to_string(data_dir().join("opentofu_only.jsonl")).unwrap();
    for (i, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let j = Value::from_json_str(line).unwrap();
        let tr = j.get_attr("terraform_result").unwrap();
        out.push(Case {
            id: format!("opentofu-only-{:03}", i + 1),
            group: format!(
                "opentofu-only:{}",
                s(&j, "opentofu_group").unwrap_or_default()
            ),
            expr: s(&j, "expr").unwrap(),
            json_text: s(tr, "json_text"),
            ty: None,
            error: s(tr, "error"),
            error_detail: s(tr, "error_detail"),
            expr_error: None,
            display: None,
        });
    }
    out
}

fn context() -> EvalContext {
    let fixtures = data_dir().join("fixtures");
    let mut f = FuncContext::new(&fixtures);
    f.home_dir = Some(PathBuf::from("/home/tfconformance"));
    let mut ctx = EvalContext::new(f);
    ctx.console = true;
    let obj = |pairs: &[(&str, &str)]| {
        Value::object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Value::string(*v)))
                .collect::<BTreeMap<_, _>>(),
        )
    };
    let cwd = fixtures.to_string_lossy().to_string();
    ctx.set(
        "path",
        obj(&[("module", "."), ("root", "."), ("cwd", &cwd)]),
    );
    ctx.set("terraform", obj(&[("workspace", "default")]));
    let unapplied = [(
        "x".to_string(),
        Value::unknown(terrane_value::Type::Dynamic),
    )];
    ctx.set(
        "terraform_data",
        Value::object(unapplied.into_iter().collect()),
    );
    ctx
}

/// What terrane produced for one case.
struct Outcome {
    error: Option<String>,
    error_detail: Option<String>,
    json_text: Option<String>,
    ty: Option<String>,
    display: Option<String>,
    console_error: Option<String>,
    console_error_detail: Option<String>,
}

/// Parses, checks references as the console does for an empty root
/// module, and evaluates one console input.
fn console(text: &str, ctx: &EvalContext) -> Result<ConsoleResult, Diagnostic> {
    let src = Source::new("<console-input>", text);
    let expr = parse_expression(&src)?;
    // extra.jsonl's unknown-value cases use an unapplied
    // `resource "terraform_data" "x"`, whose attributes are unknown.
    let mut declared = DeclaredNames::default();
    declared
        .resources
        .insert(("terraform_data".into(), "x".into()));
    if let Some(d) = declared.check_all(&references_with_source(&expr, &src)) {
        return Err(d);
    }
    eval_console(&expr, ctx, &src).map_err(|ds| {
        ds.into_iter()
            .next()
            .unwrap_or_else(|| Diagnostic::error("no diagnostic", ""))
    })
}

/// Runs the three console inputs the corpus recorded for each case:
/// `jsonencode(EXPR)`, `type(EXPR)` and `EXPR`.
fn run(case: &Case, ctx: &EvalContext) -> Outcome {
    let mut out = Outcome {
        error: None,
        error_detail: None,
        json_text: None,
        ty: None,
        display: None,
        console_error: None,
        console_error_detail: None,
    };
    // A heredoc must end its line before the closing parenthesis.
    let close = if case.expr.contains('\n') { "\n)" } else { ")" };
    match console(&format!("jsonencode({}{close}", case.expr), ctx) {
        Ok(ConsoleResult::Value(v)) => {
            if v.is_known() && !v.is_sensitive() {
                out.json_text = v.as_str().map(str::to_string);
            }
        }
        Ok(ConsoleResult::Type(_)) => out.error = Some("unexpected type result".into()),
        Err(d) => {
            out.error = Some(d.summary);
            out.error_detail = Some(d.detail);
        }
    }
    if let Ok(ConsoleResult::Type(t)) = console(&format!("type({}{close}", case.expr), ctx) {
        out.ty = Some(t);
    }
    match console(&case.expr, ctx) {
        Ok(r) => out.display = Some(r.display()),
        Err(d) => {
            out.console_error = Some(d.summary);
            out.console_error_detail = Some(d.detail);
        }
    }
    out
}

fn check(case: &Case, got: &Outcome) -> Result<(), String> {
    if let Some(want) = &case.error {
        let matches = got.error.as_deref() == Some(want.as_str())
            || case.expr_error.is_some() && got.console_error == case.expr_error;
        if !matches {
            return Err(format!(
                "want error {want:?}, got error {:?} / json {:?}",
                got.error, got.json_text
            ));
        }
        if let (Some(want), Some(d)) = (&case.display, &got.display) {
            if want != d {
                return Err(format!("display: want {want:?}, got {d:?}"));
            }
        }
        return Ok(());
    }
    if let Some(e) = &got.error {
        return Err(format!("unexpected error {e:?}"));
    }
    if case.json_text != got.json_text {
        return Err(format!(
            "json: want {:?}, got {:?}",
            case.json_text, got.json_text
        ));
    }
    if let Some(want) = &case.ty {
        if got.ty.as_ref() != Some(want) {
            return Err(format!("type: want {want:?}, got {:?}", got.ty));
        }
    }
    if let Some(want) = &case.display {
        if got.display.as_ref() != Some(want) {
            return Err(format!("display: want {want:?}, got {:?}", got.display));
        }
    }
    Ok(())
}

#[test]
fn expression_corpus() {
    let cases = load();
    let ctx = context();
    let mut passed = 0;
    // Error details are reported (not failed on): hcl-edit's syntax errors
    // and some function messages are worded differently.
    let mut detail_diffs: Vec<String> = Vec::new();
    let mut failures: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut group_totals: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for case in &cases {
        let total = group_totals.entry(case.group.clone()).or_default();
        total.1 += 1;
        if KNOWN_DIFFERENCES.iter().any(|(id, _)| *id == case.id) {
            continue;
        }
        let got = run(case, &ctx);
        if let (Some(want), Some(have)) = (&case.error_detail, &got.error_detail) {
            let either = got.console_error_detail.as_ref() == Some(want);
            if case.error == got.error && want != have && !either {
                detail_diffs.push(format!(
                    "{} [{}] `{}`\n      want: {want}\n      got:  {have}",
                    case.id,
                    case.group,
                    case.expr.replace('\n', "\\n")
                ));
            }
        }
        match check(case, &got) {
            Ok(()) => {
                passed += 1;
                total.0 += 1;
            }
            Err(why) => failures
                .entry(case.group.clone())
                .or_default()
                .push(format!(
                    "{} `{}`: {why}",
                    case.id,
                    case.expr.replace('\n', "\\n")
                )),
        }
    }
    println!(
        "\n=== expression corpus: {passed}/{} passed ===",
        cases.len()
    );
    let lang: (usize, usize) = group_totals
        .iter()
        .filter(|(g, _)| g.starts_with("lang:"))
        .fold((0, 0), |a, (_, t)| (a.0 + t.0, a.1 + t.1));
    println!("lang:* groups: {}/{}", lang.0, lang.1);
    let table: Vec<String> = group_totals
        .iter()
        .map(|(g, (ok, total))| format!("{g} {ok}/{total}"))
        .collect();
    for row in table.chunks(6) {
        println!("  {}", row.join(" | "));
    }
    for (group, fails) in &failures {
        let (ok, total) = group_totals.get(group).copied().unwrap_or_default();
        println!("\n[{group}] {ok}/{total}");
        for f in fails {
            println!("  FAIL {f}");
        }
    }
    println!(
        "\n{} error details differ (informational):",
        detail_diffs.len()
    );
    for d in &detail_diffs {
        println!("  {d}");
    }
    assert!(
        passed >= THRESHOLD,
        "pass count {passed} dropped below the threshold {THRESHOLD}"
    );
}
