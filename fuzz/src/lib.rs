//! Fuzz harnesses for terrane: one function per target, each taking the
//! raw bytes libFuzzer generates and driving one user-input surface the way
//! the CLI does. A harness returns normally for any input the code under
//! test handles (a value or a diagnostic); a panic, an abort, a timeout or
//! an out-of-memory is a finding.
//!
//! This crate is deliberately outside the main workspace (it is listed in
//! the root `exclude`) so ordinary builds and CI never compile libFuzzer.
//! It depends on the engine crates by path and on nothing else of
//! terrane's: the harnesses live in a library so the `fuzz_targets/*`
//! binaries stay one line each and the same code can replay a crash file.

use std::path::PathBuf;
use std::sync::OnceLock;

use terrane_functions::FuncContext;
use terrane_lang::{DeclaredNames, EvalContext, Source};
use terrane_value::{Type, Value};

/// Inputs larger than this are skipped: the interesting bugs are in the
/// structure, and huge inputs only slow the search down.
const MAX_INPUT: usize = 64 * 1024;

fn text(data: &[u8]) -> Option<&str> {
    if data.len() > MAX_INPUT {
        return None;
    }
    std::str::from_utf8(data).ok()
}

/// Loads `data` as the only file of a root module named `name` (`main.tf`
/// or `main.tf.json`): parse, decode, module checks and, when the module
/// decoded, static validation, as `terrane validate` does.
pub fn config(name: &str, data: &[u8]) {
    let Some(text) = text(data) else { return };
    let _ = terrane_config::check_file(name, text.to_owned());
    let (module, diags) =
        terrane_config::load_module_from_sources(vec![(name.to_owned(), text.to_owned())]);
    let Some(module) = module else { return };
    if diags.has_errors() {
        return;
    }
    let config = terrane_config::Config {
        path: terrane_addrs::ModulePath::root(),
        module,
        children: Default::default(),
    };
    let _ = terrane_config::validate(&config);
}

/// The directory file functions read from: `fuzz/files` (a few small
/// files the seeds name).
fn base_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("files")
}

fn context() -> &'static EvalContext {
    static CTX: OnceLock<EvalContext> = OnceLock::new();
    CTX.get_or_init(|| {
        let mut f = FuncContext::new(base_dir());
        f.home_dir = Some(base_dir());
        // Impure functions become unknown: `bcrypt` with cost 31 would
        // otherwise run for hours, which is Terraform's behaviour too.
        f.pure_only = true;
        let mut ctx = EvalContext::new(f);
        let obj = |pairs: &[(&str, Value)]| {
            Value::object(
                pairs
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), v.clone()))
                    .collect(),
            )
        };
        let list = Value::tuple(vec![
            Value::number(1i64),
            Value::number(2i64),
            Value::number(3i64),
        ]);
        ctx.set(
            "var",
            obj(&[
                ("s", Value::string("hello")),
                ("n", Value::number(42i64)),
                ("b", Value::bool(true)),
                ("l", list.clone()),
                ("m", obj(&[("k", Value::string("v"))])),
                ("u", Value::unknown(Type::Dynamic)),
                ("z", Value::dynamic_null()),
            ]),
        );
        ctx.set("local", obj(&[("x", list)]));
        ctx.set("path", obj(&[("module", Value::string("."))]));
        ctx
    })
}

/// Paths outside `fuzz/files`: some never end (`/dev/zero`) or block
/// (`/dev/stdin`) when a file function reads them, and `fileset("/", "**")`
/// walks the whole disk. Terraform does the same, so they are not findings.
fn reads_special_files(text: &str) -> bool {
    ["/dev", "/proc", "/sys", "~", "\"/", ".."]
        .iter()
        .any(|p| text.contains(p))
}

/// Number literals with exponents of six or more digits (`1e400000`) are
/// finite numbers whose decimal form has that many digits: printing one
/// takes Terraform as long (`tostring(1e4000000)`: 20 s) as terrane, so
/// they are not findings either. Larger exponents are still parsed (and
/// must be refused or become infinite quickly) when fewer digits follow.
fn prints_huge_numbers(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter().enumerate().any(|(i, c)| {
        matches!(c, b'e' | b'E')
            && i > 0
            && b[i - 1].is_ascii_digit()
            && b[i + 1..]
                .iter()
                .skip_while(|c| matches!(c, b'+' | b'-'))
                .take_while(|c| c.is_ascii_digit())
                .count()
                >= 6
    })
}

/// Parses `data` as one expression, checks its references as the console
/// does and evaluates it in console mode against a fixed context.
pub fn lang(data: &[u8]) {
    let Some(text) = text(data) else { return };
    if reads_special_files(text) || prints_huge_numbers(text) {
        return;
    }
    let src = Source::new("<fuzz>", text);
    let Ok(expr) = terrane_lang::parse_expression(&src) else {
        return;
    };
    let refs = terrane_lang::references_with_source(&expr, &src);
    let _ = DeclaredNames::default().check_all(&refs);
    let _ = terrane_lang::eval_console(&expr, context(), &src).map(|r| r.display());
}

/// Decodes `data` as a Terraform v4 state file and, when it is accepted,
/// re-encodes it and decodes the result again: what terrane writes must
/// read back.
pub fn state(data: &[u8]) {
    let Ok(state) = terrane_state::StateFile::from_slice(data, "terraform.tfstate") else {
        return;
    };
    let Ok(bytes) = state.to_bytes() else { return };
    if let Err(e) = terrane_state::StateFile::from_slice(&bytes, "rewritten") {
        panic!("a state terrane wrote does not read back: {e}");
    }
}

/// Decodes `data` as a saved plan and checks that re-encoding round-trips.
/// (Plans with numbers like `"1e395552200"` decode quickly, but writing
/// them back prints every digit; that is the huge-decimal case of
/// [`lang`], so they are not round-tripped.)
pub fn planfile(data: &[u8]) {
    let Ok(plan) = terrane_core::planfile::from_bytes(data) else {
        return;
    };
    if std::str::from_utf8(data).map_or(true, prints_huge_numbers) {
        return;
    }
    let bytes = terrane_core::planfile::to_bytes(&plan);
    if let Err(e) = terrane_core::planfile::from_bytes(&bytes) {
        panic!("a plan terrane wrote does not read back: {e}");
    }
}

/// Formats `data` as `terrane fmt` does. What it accepts must keep
/// parsing (except for one quirk Terraform shares, below) and reach a fixed
/// point: like `terraform fmt`, one run unwraps
/// only one level of `"${...}"` interpolation, so a second run may unwrap
/// the next level, but every further change must make the text shorter
/// (only unwrapping is allowed to differ between runs).
pub fn fmt(data: &[u8]) {
    let Some(text) = text(data) else { return };
    let Ok(mut current) = terrane_fmt::format_source(text) else {
        return;
    };
    loop {
        let next = match terrane_fmt::format_source(&current) {
            Ok(next) => next,
            // Terraform's spacing glues a legacy index to the number
            // before it (`m =8 .8 .7` formats to `m = 8.8.7`, which no
            // longer parses); terrane reproduces that byte for byte.
            Err(e) if e.to_string().contains("Invalid number literal") => return,
            Err(e) => panic!("fmt output does not parse: {e}\n{current}"),
        };
        if next == current {
            return;
        }
        assert!(
            next.len() < current.len(),
            "fmt is not idempotent:\n{current}\n--- formats again to ---\n{next}"
        );
        current = next;
    }
}
