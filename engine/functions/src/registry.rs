//! The generic call machinery: parameter declarations, argument checks and
//! conversion, unknown and mark propagation, and the table of functions.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::PathBuf;
use std::sync::OnceLock;
use terrane_value::{Marks, Type, Value};

/// What a function call may need from its surroundings.
#[derive(Debug, Clone)]
pub struct FuncContext {
    /// The module directory: relative paths of file functions resolve here.
    pub base_dir: PathBuf,
    /// The home directory `pathexpand` uses; `None` reads `$HOME`.
    pub home_dir: Option<PathBuf>,
    /// When true, impure functions (`uuid`, `timestamp`, `bcrypt`) return
    /// unknown values, as Terraform does while validating.
    pub pure_only: bool,
    /// The plan's timestamp in RFC 3339 form for `plantimestamp()`; `None`
    /// makes `plantimestamp()` unknown (validation, console).
    pub plan_timestamp: Option<String>,
    /// Also offer OpenTofu's extra functions (`base64gunzip`,
    /// `cidrcontains`, `urldecode`), which Terraform lacks.
    pub opentofu_extras: bool,
}

impl Default for FuncContext {
    fn default() -> Self {
        FuncContext {
            base_dir: PathBuf::from("."),
            home_dir: None,
            pure_only: false,
            plan_timestamp: None,
            opentofu_extras: false,
        }
    }
}

impl FuncContext {
    /// A context whose file functions read relative to `base_dir`.
    pub fn new(base_dir: impl Into<PathBuf>) -> Self {
        FuncContext {
            base_dir: base_dir.into(),
            ..FuncContext::default()
        }
    }
}

/// A function call failed; the fields are the diagnostic Terraform shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{summary}: {detail}")]
pub struct FuncError {
    /// "Invalid function argument", "Error in function call", "Not enough
    /// function arguments", "Too many function arguments" or "Call to
    /// unknown function".
    pub summary: String,
    /// The detail sentence, as Terraform words it.
    pub detail: String,
    /// The argument the error is about, when it is about one.
    pub arg_index: Option<usize>,
}

/// How a function implementation fails; [`call`] turns it into a
/// [`FuncError`] naming the function and parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fail {
    /// A problem with one argument (by position).
    Arg(usize, String),
    /// Any other failure.
    Call(String),
    /// A failure Terraform reports as a panic inside the implementation.
    Panic(String),
}

/// The result of a function implementation.
pub(crate) type R = Result<Value, Fail>;

/// A failure about argument `i`.
pub(crate) fn arg_err(i: usize, msg: impl Into<String>) -> Fail {
    Fail::Arg(i, msg.into())
}

/// A failure of the call as a whole.
pub(crate) fn call_err(msg: impl Into<String>) -> Fail {
    Fail::Call(msg.into())
}

/// One declared parameter.
#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub name: &'static str,
    pub ty: Type,
    pub allow_null: bool,
    pub allow_unknown: bool,
    pub allow_marked: bool,
    pub allow_dynamic: bool,
    pub allow_nested_unknown: bool,
    pub shallow_marks: bool,
}

/// A parameter named `name` of type `ty` that takes no null, unknown,
/// marked or dynamically-typed values.
pub(crate) fn p(name: &'static str, ty: Type) -> Param {
    Param {
        name,
        ty,
        allow_null: false,
        allow_unknown: false,
        allow_marked: false,
        allow_dynamic: false,
        allow_nested_unknown: false,
        shallow_marks: false,
    }
}

impl Param {
    /// Accepts null.
    pub fn null(mut self) -> Self {
        self.allow_null = true;
        self
    }
    /// Receives unknown values instead of making the result unknown.
    pub fn unknown(mut self) -> Self {
        self.allow_unknown = true;
        self
    }
    /// Receives marked values as they are.
    pub fn marked(mut self) -> Self {
        self.allow_marked = true;
        self
    }
    /// Receives values of unknown type (untyped null or unknown).
    pub fn dynamic(mut self) -> Self {
        self.allow_dynamic = true;
        self
    }
    /// The function passes this collection's elements through without
    /// inspecting them (as cty's collection functions do): elements may be
    /// unknown and keep their own marks; only the argument's own
    /// unknownness and marks carry over to the result.
    pub fn passthrough(mut self) -> Self {
        self.allow_nested_unknown = true;
        self.shallow_marks = true;
        self
    }
    /// Receives known collections whose elements may be unknown (the
    /// function deals with them); marks are still removed deeply.
    pub fn nested_unknown(mut self) -> Self {
        self.allow_nested_unknown = true;
        self
    }
    /// Null, unknown and dynamically-typed values all accepted.
    pub fn any(self) -> Self {
        self.null().unknown().dynamic()
    }
}

/// A function's return type: fixed, or computed from its arguments.
#[derive(Clone)]
pub(crate) enum Ret {
    Static(Type),
    Computed(fn(&[Value]) -> Type),
}

/// The implementation of a function: converted arguments in, value out.
pub(crate) type ImplFn = fn(Vec<Value>, &FuncContext) -> R;

/// A function declaration.
#[derive(Clone)]
pub(crate) struct Spec {
    params: Vec<Param>,
    variadic: Option<Param>,
    ret: Ret,
    imp: ImplFn,
    impure: bool,
}

impl Spec {
    /// Adds a variadic parameter.
    pub fn variadic(&mut self, param: Param) -> &mut Self {
        self.variadic = Some(param);
        self
    }
    /// Marks the function impure (unknown result when `pure_only`).
    pub fn impure(&mut self) -> &mut Self {
        self.impure = true;
        self
    }
}

/// FNV-1a: the table is looked up on every call by short, trusted names
/// (function names of the configuration), where SipHash's flood
/// resistance buys nothing and costs more than the lookup itself.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type Table = HashMap<&'static str, Spec, BuildHasherDefault<Fnv>>;

/// The table of functions, filled by each family's `register`.
#[derive(Default)]
pub(crate) struct Registry {
    funcs: Table,
    extras: Table,
}

impl Registry {
    /// Declares a Terraform function.
    pub fn func(
        &mut self,
        name: &'static str,
        params: Vec<Param>,
        ret: Ret,
        imp: ImplFn,
    ) -> &mut Spec {
        self.funcs.entry(name).or_insert(Spec {
            params,
            variadic: None,
            ret,
            imp,
            impure: false,
        })
    }

    /// Declares an OpenTofu-only function.
    pub fn extra(
        &mut self,
        name: &'static str,
        params: Vec<Param>,
        ret: Ret,
        imp: ImplFn,
    ) -> &mut Spec {
        self.extras.entry(name).or_insert(Spec {
            params,
            variadic: None,
            ret,
            imp,
            impure: false,
        })
    }
}

fn registry() -> &'static Registry {
    static REG: OnceLock<Registry> = OnceLock::new();
    REG.get_or_init(|| {
        let mut r = Registry::default();
        crate::numeric::register(&mut r);
        crate::strings::register(&mut r);
        crate::format::register(&mut r);
        crate::collections::register(&mut r);
        crate::setops::register(&mut r);
        crate::encoding::register(&mut r);
        crate::filesystem::register(&mut r);
        crate::datetime::register(&mut r);
        crate::crypto::register(&mut r);
        crate::network::register(&mut r);
        crate::conversion::register(&mut r);
        r
    })
}

/// True when `name` is a Terraform built-in this crate provides.
pub fn exists(name: &str) -> bool {
    registry().funcs.contains_key(name)
}

/// The names of every Terraform built-in this crate provides, sorted.
pub fn names() -> impl Iterator<Item = &'static str> {
    let mut v: Vec<&'static str> = registry().funcs.keys().copied().collect();
    v.sort_unstable();
    v.into_iter()
}

/// The names of the OpenTofu-only extras, available when
/// [`FuncContext::opentofu_extras`] is set, sorted.
pub fn opentofu_names() -> impl Iterator<Item = &'static str> {
    let mut v: Vec<&'static str> = registry().extras.keys().copied().collect();
    v.sort_unstable();
    v.into_iter()
}

/// One declared parameter of a function, as [`signature`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamInfo {
    /// The name Terraform's messages use ("Invalid value for \"str\"...").
    pub name: &'static str,
    /// The type arguments are converted to (`Dynamic`: any).
    pub ty: Type,
    /// Whether null is accepted.
    pub nullable: bool,
}

/// A function's declared parameters (for diagnostics and tooling).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The positional parameters.
    pub params: Vec<ParamInfo>,
    /// The variadic parameter, if the function takes one.
    pub variadic: Option<ParamInfo>,
}

/// The declared parameters of the built-in `name` (Terraform built-ins
/// and, when `opentofu_extras` is set on the call context, OpenTofu's).
pub fn signature(name: &str) -> Option<Signature> {
    let reg = registry();
    let spec = reg.funcs.get(name).or_else(|| reg.extras.get(name))?;
    let info = |p: &Param| ParamInfo {
        name: p.name,
        ty: p.ty.clone(),
        nullable: p.allow_null,
    };
    Some(Signature {
        params: spec.params.iter().map(info).collect(),
        variadic: spec.variadic.as_ref().map(info),
    })
}

/// A built-in function found by [`lookup`]: calling it does not look the
/// name up again.
#[derive(Clone, Copy)]
pub struct Function {
    name: &'static str,
    spec: &'static Spec,
}

impl Function {
    /// Calls the function with `args`, exactly as [`call`] does.
    pub fn call(self, args: Vec<Value>, ctx: &FuncContext) -> Result<Value, FuncError> {
        invoke(self.name, self.spec, args, ctx)
    }
}

/// The built-in `name` as [`call`] would find it: a Terraform built-in,
/// or an OpenTofu extra when `ctx` enables them.
pub fn lookup(name: &str, ctx: &FuncContext) -> Option<Function> {
    let reg = registry();
    reg.funcs
        .get_key_value(name)
        .or_else(|| {
            reg.extras
                .get_key_value(name)
                .filter(|_| ctx.opentofu_extras)
        })
        .map(|(name, spec)| Function { name, spec })
}

/// Calls the built-in function `name` with `args`, as Terraform does.
pub fn call(name: &str, args: Vec<Value>, ctx: &FuncContext) -> Result<Value, FuncError> {
    match lookup(name, ctx) {
        Some(f) => f.call(args, ctx),
        None => Err(unknown_function(name, ctx)),
    }
}

fn unknown_function(name: &str, ctx: &FuncContext) -> FuncError {
    let reg = registry();
    let mut candidates: Vec<&str> = reg.funcs.keys().copied().collect();
    if ctx.opentofu_extras {
        candidates.extend(reg.extras.keys().copied());
    }
    candidates.sort_unstable();
    let best = candidates
        .into_iter()
        .map(|c| (levenshtein(name, c), c))
        .filter(|(d, _)| *d < 3)
        .min();
    let detail = match best {
        Some((_, c)) => format!("There is no function named \"{name}\". Did you mean \"{c}\"?"),
        None => format!("There is no function named \"{name}\"."),
    };
    FuncError {
        summary: "Call to unknown function".into(),
        detail,
        arg_index: None,
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn invoke(
    name: &str,
    spec: &Spec,
    args: Vec<Value>,
    ctx: &FuncContext,
) -> Result<Value, FuncError> {
    let n = spec.params.len();
    if args.len() < n {
        let at_least = if spec.variadic.is_some() {
            "at least "
        } else {
            ""
        };
        return Err(FuncError {
            summary: "Not enough function arguments".into(),
            detail: format!(
                "Function \"{name}\" expects {at_least}{n} argument(s). Missing value for \"{}\".",
                spec.params[args.len()].name
            ),
            arg_index: None,
        });
    }
    if args.len() > n && spec.variadic.is_none() {
        return Err(FuncError {
            summary: "Too many function arguments".into(),
            detail: format!("Function \"{name}\" expects only {n} argument(s)."),
            arg_index: Some(n),
        });
    }
    let mut marks = Marks::NONE;
    // Marks of arguments the function sees marked: they still mark a
    // result the machinery decides on its own (unknown results).
    let mut passed_marks = Marks::NONE;
    let mut unknown = false;
    // Arguments are converted in place (no second vector).
    let mut converted = args;
    for i in 0..converted.len() {
        let param = match spec.params.get(i).or(spec.variadic.as_ref()) {
            Some(p) => p,
            None => {
                converted.truncate(i);
                break;
            }
        };
        let v = &mut converted[i];
        if param.allow_marked {
            passed_marks = passed_marks.union(v.marks_deep());
        } else if param.shallow_marks {
            marks = marks.union(std::mem::take(&mut v.marks));
        } else {
            marks = marks.union(v.clear_marks_deep());
        }
        if v.is_null() && !param.allow_null {
            return Err(arg_error(param, i, "argument must not be null"));
        }
        if v.is_dynamically_typed() && !param.allow_dynamic {
            return Ok(Value::unknown(Type::Dynamic).with_marks(marks.union(passed_marks)));
        }
        if param.ty != Type::Dynamic && !v.has_type(&param.ty) {
            let owned = std::mem::take(v);
            *v =
                crate::conversion::coerce(owned, &param.ty).map_err(|m| arg_error(param, i, &m))?;
        }
        let known = if param.allow_nested_unknown {
            v.is_known()
        } else {
            v.is_wholly_known()
        };
        if !param.allow_unknown && !known {
            unknown = true;
        }
    }
    if unknown || (spec.impure && ctx.pure_only) {
        let ty = match &spec.ret {
            Ret::Static(t) => t.clone(),
            Ret::Computed(f) => f(&converted),
        };
        return Ok(Value::unknown(ty).with_marks(marks.union(passed_marks)));
    }
    match (spec.imp)(converted, ctx) {
        Ok(v) => Ok(v.with_marks(marks)),
        Err(Fail::Arg(i, msg)) => Err(match spec.params.get(i).or(spec.variadic.as_ref()) {
            Some(p) => arg_error(p, i, &msg),
            None => call_error(name, &msg),
        }),
        Err(Fail::Call(msg)) => Err(call_error(name, &msg)),
        Err(Fail::Panic(msg)) => Err(FuncError {
            summary: "Error in function call".into(),
            detail: format!(
                "Call to function \"{name}\" failed: panic in function implementation: {msg}"
            ),
            arg_index: None,
        }),
    }
}

fn arg_error(param: &Param, i: usize, msg: &str) -> FuncError {
    FuncError {
        summary: "Invalid function argument".into(),
        detail: format!("Invalid value for \"{}\" parameter: {msg}.", param.name),
        arg_index: Some(i),
    }
}

fn call_error(name: &str, msg: &str) -> FuncError {
    FuncError {
        summary: "Error in function call".into(),
        detail: format!("Call to function \"{name}\" failed: {msg}."),
        arg_index: None,
    }
}

/// The return type of functions whose result type depends on values.
pub(crate) fn dynamic_ret(_: &[Value]) -> Type {
    Type::Dynamic
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ctx() -> FuncContext {
        FuncContext::default()
    }

    #[test]
    fn unknown_argument_gives_unknown_result_of_return_type() {
        let v = call("upper", vec![Value::unknown(Type::String)], &ctx()).unwrap();
        assert_eq!(v, Value::unknown(Type::String));
        let l = Value::list(Type::String, vec![Value::unknown(Type::String)]);
        let n = call("length", vec![l], &ctx()).unwrap();
        assert_eq!(n.as_number().and_then(|n| n.to_i64()), Some(1));
    }

    #[test]
    fn structure_passing_functions_keep_unknown_elements() {
        let obj = |k: &str, v: Value| Value::object([(k.to_string(), v)].into_iter().collect());
        let merged = call(
            "merge",
            vec![
                obj("a", Value::string("x")),
                obj("b", Value::unknown(Type::String)),
            ],
            &ctx(),
        )
        .unwrap();
        assert!(merged.is_known() && !merged.is_wholly_known());
        assert_eq!(merged.get_attr("a").and_then(Value::as_str), Some("x"));
        let list = Value::tuple(vec![Value::unknown(Type::String), Value::string("y")]);
        let e = call("element", vec![list.clone(), Value::number(1)], &ctx()).unwrap();
        assert_eq!(e.as_str(), Some("y"));
        let j = call("join", vec![Value::string(","), list], &ctx()).unwrap();
        assert_eq!(j, Value::unknown(Type::String));
        let keys = call("keys", vec![obj("k", Value::unknown(Type::Number))], &ctx()).unwrap();
        assert!(keys.is_wholly_known());
    }

    #[test]
    fn passthrough_functions_keep_element_marks() {
        let obj = |k: &str, v: Value| Value::object([(k.to_string(), v)].into_iter().collect());
        let merged = call(
            "merge",
            vec![
                obj("a", Value::number(1).mark_sensitive()),
                obj("b", Value::number(2)),
            ],
            &ctx(),
        )
        .unwrap();
        assert!(!merged.is_sensitive());
        assert!(merged.get_attr("a").unwrap().is_sensitive());
        let list = Value::tuple(vec![
            Value::string("a").mark_sensitive(),
            Value::string("b"),
        ]);
        let e = call("element", vec![list.clone(), Value::number(1)], &ctx()).unwrap();
        assert!(!e.is_sensitive());
        let d = call("distinct", vec![list], &ctx()).unwrap();
        assert!(d.is_sensitive());
    }

    #[test]
    fn marks_are_removed_and_reapplied() {
        let arg = Value::list(
            Type::String,
            vec![Value::string("a"), Value::string("b").mark_sensitive()],
        );
        let v = call("join", vec![Value::string(","), arg], &ctx()).unwrap();
        assert!(v.is_sensitive());
        assert_eq!(v.as_str(), Some("a,b"));
        let plain = call("nonsensitive", vec![v], &ctx()).unwrap();
        assert!(!plain.is_sensitive());
    }

    #[test]
    fn argument_count_and_type_errors_name_the_parameter() {
        let e = call("abs", vec![], &ctx()).unwrap_err();
        assert_eq!(e.summary, "Not enough function arguments");
        assert_eq!(
            e.detail,
            "Function \"abs\" expects 1 argument(s). Missing value for \"num\"."
        );
        let e = call(
            "upper",
            vec![Value::string("a"), Value::string("b")],
            &ctx(),
        )
        .unwrap_err();
        assert_eq!(e.summary, "Too many function arguments");
        let e = call("abs", vec![Value::empty_tuple()], &ctx()).unwrap_err();
        assert_eq!(
            e.detail,
            "Invalid value for \"num\" parameter: number required."
        );
        assert_eq!(e.arg_index, Some(0));
        let e = call("abs", vec![Value::null(Type::Number)], &ctx()).unwrap_err();
        assert!(e.detail.ends_with("argument must not be null."));
    }

    #[test]
    fn unknown_functions_suggest_a_name() {
        let e = call("Abs", vec![], &ctx()).unwrap_err();
        assert_eq!(e.summary, "Call to unknown function");
        assert!(e.detail.contains("Did you mean \"abs\"?"));
        assert!(exists("abs") && !exists("try") && !exists("urldecode"));
    }

    #[test]
    fn opentofu_extras_only_when_enabled() {
        let arg = || vec![Value::string("a%20b")];
        assert!(call("urldecode", arg(), &ctx()).is_err());
        let mut c = ctx();
        c.opentofu_extras = true;
        assert_eq!(call("urldecode", arg(), &c).unwrap().as_str(), Some("a b"));
        assert!(opentofu_names().any(|n| n == "cidrcontains"));
    }

    #[test]
    fn impure_functions_are_unknown_when_pure_only() {
        let mut c = ctx();
        c.pure_only = true;
        assert_eq!(
            call("uuid", vec![], &c).unwrap(),
            Value::unknown(Type::String)
        );
        assert!(call("uuid", vec![], &ctx()).unwrap().is_known());
        assert_eq!(
            call("plantimestamp", vec![], &ctx()).unwrap(),
            Value::unknown(Type::String)
        );
    }
}
