//! Decoding one file's blocks into the typed model, reporting the problems
//! Terraform reports while loading: unsupported or missing arguments and
//! blocks, reserved names, invalid keywords and static values.

use crate::model::*;
use crate::refs::{references, RefStep};
use crate::source::Src;
use crate::types::{self, VersionConstraint};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, Body, Structure};
use hcl_edit::Span;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use terrane_addrs::{
    is_valid_name, LocalProviderConfig, Provider, ProviderSourceError, Resource, ResourceMode,
};
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceRange};
use terrane_value::{convert, Type};

/// Names of the fields a block set explicitly (for override merging).
pub type SetFields = BTreeSet<&'static str>;

/// An object decoded from one block, with the fields it set.
#[derive(Debug, Clone)]
pub struct Decoded<T> {
    pub value: T,
    pub set: SetFields,
}

/// Everything one file declares, before duplicate checks and merging.
#[derive(Default)]
pub struct FileContents {
    pub terraform: Vec<Decoded<TerraformSettings>>,
    pub providers: Vec<Decoded<ProviderBlock>>,
    pub variables: Vec<Decoded<Variable>>,
    pub locals: Vec<Local>,
    pub outputs: Vec<Decoded<Output>>,
    pub module_calls: Vec<Decoded<ModuleCall>>,
    pub resources: Vec<Decoded<ResourceBlock>>,
    pub moved: Vec<Moved>,
    pub imports: Vec<Import>,
    pub removed: Vec<Removed>,
    pub checks: Vec<Check>,
    /// `required_version` constraints of `.tofu` files and `language` blocks
    /// that this engine does not satisfy.
    pub incompatible: bool,
}

/// The OpenTofu version terrane's language support corresponds to, for
/// `.tofu` `required_version` and `language { compatible_with }`.
pub const OPENTOFU_COMPATIBILITY_VERSION: &str = "1.12.0";

pub struct Decoder<'d> {
    pub src: Arc<Src>,
    pub diags: &'d mut Diagnostics,
    pub is_tofu: bool,
    /// Override files may leave out required arguments.
    pub is_override: bool,
}

fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Terraform suggests a name within Levenshtein distance 2.
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(name, c), c))
        .filter(|(d, _)| *d < 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Appends " Did you mean "x"?" to a detail and sets the help line.
fn suggest(mut d: Diagnostic, s: Option<&str>) -> Diagnostic {
    if let Some(s) = s {
        d.detail.push_str(&format!(" Did you mean {s:?}?"));
        d = d.with_help(format!("did you mean `{s}`?"));
    }
    d
}

const TOP_LEVEL: &[&str] = &[
    "terraform",
    "provider",
    "variable",
    "locals",
    "output",
    "module",
    "resource",
    "data",
    "ephemeral",
    "moved",
    "import",
    "removed",
    "check",
    "language",
];

/// The parts of a body that a schema picks out.
struct Content<'b> {
    attrs: BTreeMap<&'b str, &'b Attribute>,
    blocks: Vec<&'b Block>,
    /// Attributes and blocks the schema does not name (when kept).
    rest: Vec<&'b Structure>,
}

impl<'b> Content<'b> {
    fn attr(&self, n: &str) -> Option<&'b Attribute> {
        self.attrs.get(n).copied()
    }
    fn blocks_of<'s>(&'s self, t: &'s str) -> impl Iterator<Item = &'b Block> + 's {
        self.blocks
            .iter()
            .copied()
            .filter(move |b| b.ident.as_str() == t)
    }
}

impl Decoder<'_> {
    fn range(&self, item: &impl Span) -> SourceRange {
        self.src.range_of(item)
    }

    fn expr(&self, e: &Expression) -> Expr {
        Expr {
            expr: e.clone(),
            src: self.src.clone(),
        }
    }

    fn err(&mut self, summary: &str, detail: impl Into<String>, range: SourceRange) {
        self.diags
            .push(Diagnostic::error(summary, detail).with_subject(range));
    }

    fn warn(&mut self, summary: &str, detail: impl Into<String>, range: SourceRange) {
        self.diags
            .push(Diagnostic::warning(summary, detail).with_subject(range));
    }

    /// `resource "a" "b"`: from the type keyword to the end of the last label.
    pub fn decl_range(&self, b: &Block) -> SourceRange {
        let start = b.ident.span().map(|s| s.start).unwrap_or(0);
        let end = b
            .labels
            .last()
            .and_then(|l| l.span())
            .or_else(|| b.ident.span())
            .map(|s| s.end)
            .unwrap_or(start);
        self.src.range(start..end)
    }

    /// The range of a block's opening brace (where Terraform reports missing
    /// arguments).
    fn open_brace(&self, b: &Block) -> SourceRange {
        let d = self.decl_range(b);
        if !self.src.is_json() {
            let text = self.src.file.text();
            if let Some(i) = text.get(d.end.byte..).and_then(|t| t.find('{')) {
                let at = d.end.byte + i;
                return self.src.file.range(at..at + 1);
            }
        }
        d
    }

    fn label_range(&self, b: &Block, i: usize) -> SourceRange {
        b.labels
            .get(i)
            .map(|l| self.range(l))
            .unwrap_or_else(|| self.decl_range(b))
    }

    fn content<'b>(
        &mut self,
        body: &'b Body,
        attrs: &[&str],
        blocks: &[&str],
        keep: bool,
    ) -> Content<'b> {
        let mut c = Content {
            attrs: BTreeMap::new(),
            blocks: Vec::new(),
            rest: Vec::new(),
        };
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let k = a.key.as_str();
                    if attrs.contains(&k) {
                        c.attrs.insert(k, a);
                    } else if keep {
                        c.rest.push(s);
                    } else {
                        let d = Diagnostic::error(
                            "Unsupported argument",
                            format!("An argument named {k:?} is not expected here."),
                        )
                        .with_subject(self.range(&a.key));
                        let d = suggest(d, did_you_mean(k, attrs.iter().copied()));
                        self.diags.push(d);
                    }
                }
                Structure::Block(b) => {
                    let k = b.ident.as_str();
                    if blocks.contains(&k) {
                        c.blocks.push(b);
                    } else if keep {
                        c.rest.push(s);
                    } else {
                        let d = Diagnostic::error(
                            "Unsupported block type",
                            format!("Blocks of type {k:?} are not expected here."),
                        )
                        .with_subject(self.range(&b.ident));
                        let d = suggest(d, did_you_mean(k, blocks.iter().copied()));
                        self.diags.push(d);
                    }
                }
            }
        }
        c
    }

    fn labels(&mut self, b: &Block, names: &[&str]) -> Option<Vec<String>> {
        let ty = b.ident.as_str();
        if b.labels.len() < names.len() {
            let missing = names[b.labels.len()];
            self.err(
                &format!("Missing {missing} for {ty}"),
                format!(
                    "All {ty} blocks must have {} labels ({}).",
                    names.len(),
                    names.join(", ")
                ),
                self.open_brace(b),
            );
            return None;
        }
        if b.labels.len() > names.len() {
            let extra = &b.labels[names.len()];
            self.err(
                &format!("Extraneous label for {ty}"),
                if names.is_empty() {
                    format!("No labels are expected for {ty} blocks.")
                } else {
                    format!(
                        "Only {} labels ({}) are expected for {ty} blocks.",
                        names.len(),
                        names.join(", ")
                    )
                },
                self.range(extra),
            );
            return None;
        }
        Some(b.labels.iter().map(|l| l.as_str().to_string()).collect())
    }

    fn require(&mut self, c: &Content<'_>, b: &Block, name: &str) -> Option<Expr> {
        match c.attr(name) {
            Some(a) => Some(self.expr(&a.value)),
            None if self.is_override => None,
            None => {
                self.err(
                    "Missing required argument",
                    format!("The argument {name:?} is required, but no definition was found."),
                    self.open_brace(b),
                );
                None
            }
        }
    }

    /// The range Terraform reports for a static value: a quoted string
    /// literal without its quotes, anything else whole.
    pub(crate) fn value_range(&self, e: &Expression) -> SourceRange {
        match (e, e.span()) {
            (Expression::String(_), Some(sp)) if sp.end >= sp.start + 2 => {
                self.src.range(sp.start + 1..sp.end - 1)
            }
            _ => self.range(e),
        }
    }

    /// A static value of type `ty`: variables, references and function
    /// calls are reported as Terraform reports them.
    fn static_value(&mut self, e: &Expression, ty: &Type) -> Option<terrane_value::Value> {
        let Some(v) = types::const_value(e) else {
            let refs = references(e);
            for r in &refs {
                self.err(
                    "Variables not allowed",
                    "Variables may not be used here.",
                    self.src.range(r.root_span.clone()),
                );
            }
            if refs.is_empty() {
                self.err(
                    "Function calls not allowed",
                    "Functions may not be called here.",
                    self.range(e),
                );
            }
            self.err(
                "Unsuitable value type",
                "Unsuitable value: value must be known",
                self.value_range(e),
            );
            return None;
        };
        match convert(&v, ty) {
            Ok(v) if !v.is_null() => Some(v),
            Ok(_) => None,
            Err(err) => {
                self.err(
                    "Unsuitable value type",
                    format!("Unsuitable value: {}", err.message),
                    self.value_range(e),
                );
                None
            }
        }
    }

    fn bool_attr(&mut self, a: &Attribute) -> Option<bool> {
        self.static_value(&a.value, &Type::Bool)?.as_bool()
    }

    fn string_attr(&mut self, a: &Attribute) -> Option<String> {
        self.static_value(&a.value, &Type::String)?
            .as_str()
            .map(str::to_string)
    }

    /// A bare keyword (`destroy`), accepting the deprecated quoted form.
    fn keyword(&mut self, a: &Attribute) -> Option<String> {
        match &a.value {
            Expression::Variable(v) => Some(v.as_str().to_string()),
            Expression::String(s) => {
                self.warn(
                    "Quoted keywords are deprecated",
                    "In this context, keywords are expected literally rather than in quotes. Terraform 0.11 and earlier required quotes, but quoted keywords are now deprecated and will be removed in a future version of Terraform. Remove the quotes surrounding this keyword to silence this warning.",
                    self.range(&a.value),
                );
                Some(s.value().to_string())
            }
            _ => None,
        }
    }

    /// A static reference such as `aws.west` or `aws_instance.a`, accepting
    /// the deprecated quoted form. Returns the root and attribute names.
    pub fn static_ref(&mut self, e: &Expression) -> Option<Vec<String>> {
        let parsed;
        let e = match e {
            Expression::String(s) => {
                self.warn(
                    "Quoted references are deprecated",
                    "In this context, references are expected literally rather than in quotes. Terraform 0.11 and earlier required quotes, but quoted references are now deprecated and will be removed in a future version of Terraform. Remove the quotes surrounding this reference to silence this warning.",
                    self.range(e),
                );
                parsed = hcl_edit::parser::parse_expr(s.value()).ok()?;
                &parsed
            }
            other => other,
        };
        // `null.foo` and `true.x` parse as literals with traversals, but in
        // a static reference the first name is just a name.
        let keyword_root = |x: &Expression| match x {
            Expression::Null(_) => Some("null"),
            Expression::Bool(b) => Some(if *b.value() { "true" } else { "false" }),
            _ => None,
        };
        if let Some(k) = keyword_root(e) {
            return Some(vec![k.to_string()]);
        }
        if let Expression::Traversal(t) = e {
            if let Some(k) = keyword_root(&t.expr) {
                let mut out = vec![k.to_string()];
                for op in &t.operators {
                    match op.value() {
                        hcl_edit::expr::TraversalOperator::GetAttr(a) => {
                            out.push(a.as_str().to_string())
                        }
                        _ => return None,
                    }
                }
                return Some(out);
            }
        }
        if !matches!(e, Expression::Variable(_) | Expression::Traversal(_)) {
            return None;
        }
        let refs = references(e);
        let [r] = refs.as_slice() else { return None };
        let mut out = vec![r.root.clone()];
        for s in &r.steps {
            match s {
                RefStep::Attr(a) => out.push(a.clone()),
                RefStep::Index(i) => out.push(format!("[{i}]")),
                RefStep::Key(k) => out.push(format!("[{k:?}]")),
                RefStep::Dynamic => return None,
            }
        }
        Some(out)
    }

    fn provider_ref(&mut self, a: &Attribute) -> Option<ProviderRef> {
        let range = self.range(&a.value);
        let Some(parts) = self.static_ref(&a.value) else {
            self.err(
                "Invalid provider reference",
                "Provider argument requires a provider name followed by an optional alias, like \"aws.foo\".",
                range,
            );
            return None;
        };
        let alias = match parts.as_slice() {
            [_] => None,
            [_, a] if !a.starts_with('[') => Some(a.clone()),
            _ => {
                self.err(
                    "Invalid provider reference",
                    "Provider argument requires a provider name followed by an optional alias, like \"aws.foo\".",
                    range,
                );
                return None;
            }
        };
        let name = parts[0].clone();
        if !self.check_provider_local_name(&name, range.clone()) {
            return None;
        }
        Some(ProviderRef {
            config: LocalProviderConfig::new(name, alias),
            range,
        })
    }

    pub fn check_provider_local_name(&mut self, name: &str, range: SourceRange) -> bool {
        let ok = !name.is_empty()
            && !name.starts_with('-')
            && !name.ends_with('-')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || !c.is_ascii());
        if !ok {
            self.err(
                "Invalid provider local name",
                format!("{name} is an invalid provider local name: must contain only letters, digits, and dashes, and may not use leading or trailing dashes; provider local names are lowercase."),
                range,
            );
        }
        ok
    }

    fn check_rule(&mut self, b: &Block) -> Option<CheckRule> {
        let c = self.content(&b.body, &["condition", "error_message"], &[], false);
        let cond = self.require(&c, b, "condition");
        let msg = self.require(&c, b, "error_message");
        Some(CheckRule {
            condition: cond?,
            error_message: msg?,
            decl_range: self.decl_range(b),
        })
    }

    fn depends_on(&mut self, a: &Attribute) -> Vec<Expr> {
        let Expression::Array(items) = &a.value else {
            self.err(
                "Invalid expression",
                "A static list expression is required.",
                self.value_range(&a.value),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            match self.static_ref(item) {
                Some(_) => out.push(self.expr(item)),
                None => self.err(
                    "Invalid expression",
                    "A single static variable reference is required: only attribute access and indexing with constant keys. No calculations, function calls, template expressions, etc are allowed here.",
                    self.range(item),
                ),
            }
        }
        out
    }

    /// Decodes the top-level body of one file.
    pub fn file(&mut self, body: Body) -> FileContents {
        let mut out = FileContents::default();
        for s in body {
            let b = match s {
                Structure::Attribute(a) => {
                    self.err(
                        "Unsupported argument",
                        format!(
                            "An argument named {:?} is not expected here.",
                            a.key.as_str()
                        ),
                        self.range(&a.key),
                    );
                    continue;
                }
                Structure::Block(b) => b,
            };
            match b.ident.as_str().to_string().as_str() {
                "terraform" => {
                    if let Some(t) = self.terraform(&b, &mut out) {
                        out.terraform.push(t);
                    }
                }
                "language" => self.language(&b, &mut out),
                "provider" => {
                    if let Some(p) = self.provider(&b) {
                        out.providers.push(p);
                    }
                }
                "variable" => {
                    if let Some(v) = self.variable(&b) {
                        out.variables.push(v);
                    }
                }
                "locals" => self.locals(&b, &mut out.locals),
                "output" => {
                    if let Some(o) = self.output(&b) {
                        out.outputs.push(o);
                    }
                }
                "module" => {
                    if let Some(m) = self.module_call(&b) {
                        out.module_calls.push(m);
                    }
                }
                "resource" => {
                    if let Some(r) = self.resource(b, ResourceMode::Managed) {
                        out.resources.push(r);
                    }
                }
                "data" => {
                    if let Some(r) = self.resource(b, ResourceMode::Data) {
                        out.resources.push(r);
                    }
                }
                "ephemeral" => {
                    if let Some(r) = self.resource(b, ResourceMode::Ephemeral) {
                        out.resources.push(r);
                    }
                }
                "moved" => {
                    if let Some(m) = self.moved(&b) {
                        out.moved.push(m);
                    }
                }
                "import" => {
                    if let Some(i) = self.import(&b) {
                        out.imports.push(i);
                    }
                }
                "removed" => {
                    if let Some(r) = self.removed(&b) {
                        out.removed.push(r);
                    }
                }
                "check" => {
                    if let Some(c) = self.check(&b) {
                        out.checks.push(c);
                    }
                }
                "required_providers" => self.err(
                    "Invalid required_providers block",
                    "A \"required_providers\" block must be nested inside a \"terraform\" block.",
                    self.range(&b.ident),
                ),
                other => {
                    let d = Diagnostic::error(
                        "Unsupported block type",
                        format!("Blocks of type {other:?} are not expected here."),
                    )
                    .with_subject(self.range(&b.ident));
                    let d = suggest(d, did_you_mean(other, TOP_LEVEL.iter().copied()));
                    self.diags.push(d);
                }
            }
        }
        out
    }
}

#[path = "decode_blocks.rs"]
mod blocks;

pub(crate) use blocks::short;
