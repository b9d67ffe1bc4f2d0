//! The typed configuration model: one struct per block type Terraform
//! defines, each keeping the source ranges diagnostics need.

use crate::refs::{references, Reference};
use crate::source::Src;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, Body};
use hcl_edit::Span;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;
use terrane_addrs::{LocalProviderConfig, Provider, Resource};
use terrane_diagnostics::{SourceMap, SourceRange};
use terrane_value::{Type, Value};

/// An expression with the file it came from, so any part of it can be turned
/// into a [`SourceRange`].
#[derive(Debug, Clone)]
pub struct Expr {
    /// The parsed expression.
    pub expr: Expression,
    /// The file it was parsed from.
    pub src: Arc<Src>,
}

impl Expr {
    /// The whole expression's range.
    pub fn range(&self) -> SourceRange {
        self.src.range_of(&self.expr)
    }

    /// The range of a byte span inside this expression's file.
    pub fn range_of(&self, span: Range<usize>) -> SourceRange {
        self.src.range(span)
    }

    /// The references the expression makes.
    pub fn references(&self) -> Vec<Reference> {
        references(&self.expr)
    }

    /// The byte span of the expression.
    pub fn span(&self) -> Range<usize> {
        self.expr.span().unwrap_or(0..0)
    }
}

/// A body kept for decoding against a provider's (or backend's) schema.
/// Override files can contribute parts from several files; the parts never
/// define the same argument or block type twice.
#[derive(Debug, Clone, Default)]
pub struct RawBody {
    /// The pieces, each with the file it came from.
    pub parts: Vec<(Arc<Src>, Body)>,
}

impl RawBody {
    /// A body from one file.
    pub fn new(src: Arc<Src>, body: Body) -> Self {
        RawBody {
            parts: vec![(src, body)],
        }
    }

    /// True when the body came from JSON syntax, where nested blocks appear
    /// as object-valued attributes to be reinterpreted with the schema.
    pub fn json(&self) -> bool {
        self.parts.iter().any(|(s, _)| s.is_json())
    }

    /// Every attribute, with its file.
    pub fn attributes(&self) -> impl Iterator<Item = (&Arc<Src>, &Attribute)> {
        self.parts
            .iter()
            .flat_map(|(s, b)| b.attributes().map(move |a| (s, a)))
    }

    /// Every nested block, with its file.
    pub fn blocks(&self) -> impl Iterator<Item = (&Arc<Src>, &Block)> {
        self.parts
            .iter()
            .flat_map(|(s, b)| b.blocks().map(move |a| (s, a)))
    }

    /// One attribute by name.
    pub fn attribute(&self, name: &str) -> Option<(&Arc<Src>, &Attribute)> {
        self.attributes().find(|(_, a)| a.key.as_str() == name)
    }

    /// True when there is nothing in the body.
    pub fn is_empty(&self) -> bool {
        self.parts.iter().all(|(_, b)| b.is_empty())
    }
}

/// A `precondition`, `postcondition`, validation or `assert` rule.
#[derive(Debug, Clone)]
pub struct CheckRule {
    /// The condition expression.
    pub condition: Expr,
    /// The error message expression.
    pub error_message: Expr,
    /// The block's range.
    pub decl_range: SourceRange,
}

/// `ignore_changes`.
#[derive(Debug, Clone, Default)]
pub enum IgnoreChanges {
    /// Not set.
    #[default]
    None,
    /// `ignore_changes = all`.
    All,
    /// Attribute paths (relative traversals).
    Paths(Vec<Expr>),
}

/// A resource's `lifecycle` block.
#[derive(Debug, Clone, Default)]
pub struct Lifecycle {
    /// `create_before_destroy`.
    pub create_before_destroy: Option<bool>,
    /// `prevent_destroy`.
    pub prevent_destroy: Option<bool>,
    /// `ignore_changes`.
    pub ignore_changes: IgnoreChanges,
    /// `replace_triggered_by` references.
    pub replace_triggered_by: Vec<Expr>,
    /// `precondition` blocks.
    pub preconditions: Vec<CheckRule>,
    /// `postcondition` blocks.
    pub postconditions: Vec<CheckRule>,
}

/// When a provisioner runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProvisionerWhen {
    /// After creation (the default).
    #[default]
    Create,
    /// Before destruction.
    Destroy,
}

/// What happens when a provisioner fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnFailure {
    /// Fail the resource (the default).
    #[default]
    Fail,
    /// Carry on.
    Continue,
}

/// A `provisioner` block.
#[derive(Debug, Clone)]
pub struct Provisioner {
    /// The provisioner type (`local-exec`).
    pub type_name: String,
    /// When it runs.
    pub when: ProvisionerWhen,
    /// What a failure does.
    pub on_failure: OnFailure,
    /// Its arguments (`command`, ...).
    pub body: RawBody,
    /// Its own `connection` block, if any.
    pub connection: Option<RawBody>,
    /// The block header range.
    pub decl_range: SourceRange,
}

/// A provider reference such as `provider = aws.west`.
#[derive(Debug, Clone)]
pub struct ProviderRef {
    /// The local name and alias.
    pub config: LocalProviderConfig,
    /// Where it is written.
    pub range: SourceRange,
}

/// A `resource`, `data` or `ephemeral` block.
#[derive(Debug, Clone)]
pub struct ResourceBlock {
    /// The resource's address within its module.
    pub addr: Resource,
    /// `count`.
    pub count: Option<Expr>,
    /// `for_each`.
    pub for_each: Option<Expr>,
    /// `depends_on` entries.
    pub depends_on: Vec<Expr>,
    /// `provider`, if given.
    pub provider: Option<ProviderRef>,
    /// `lifecycle`.
    pub lifecycle: Lifecycle,
    /// `provisioner` blocks, in order.
    pub provisioners: Vec<Provisioner>,
    /// The resource-level `connection` block.
    pub connection: Option<RawBody>,
    /// Everything else, for schema-based decoding (`dynamic` blocks included).
    pub body: RawBody,
    /// The block header range (`resource "a" "b"`).
    pub decl_range: SourceRange,
    /// The provider type label (`aws_instance`) range.
    pub type_range: SourceRange,
}

impl ResourceBlock {
    /// The provider this resource uses: its `provider` argument, or the local
    /// name implied by its type.
    pub fn provider_config(&self) -> LocalProviderConfig {
        match &self.provider {
            Some(p) => p.config.clone(),
            None => LocalProviderConfig::new(self.addr.implied_provider(), None),
        }
    }
}

/// A `variable` block.
#[derive(Debug, Clone)]
pub struct Variable {
    /// The name.
    pub name: String,
    /// The description.
    pub description: Option<String>,
    /// The type constraint (`Dynamic` when not given).
    pub ty: Type,
    /// The `type` expression, when given.
    pub type_expr: Option<Expr>,
    /// Defaults of `optional(T, default)` attributes in the type, as
    /// `terrane-lang` applies them to values.
    pub type_defaults: Option<terrane_lang::TypeDefaults>,
    /// The default expression.
    pub default: Option<Expr>,
    /// The default value when it is a constant.
    pub default_value: Option<Value>,
    /// `sensitive`.
    pub sensitive: bool,
    /// `nullable` (default true).
    pub nullable: bool,
    /// `ephemeral`.
    pub ephemeral: bool,
    /// `validation` blocks.
    pub validations: Vec<CheckRule>,
    /// The block header range.
    pub decl_range: SourceRange,
}

impl Variable {
    /// True when a caller must set the variable.
    pub fn required(&self) -> bool {
        self.default.is_none()
    }
}

/// One local value.
#[derive(Debug, Clone)]
pub struct Local {
    /// The name.
    pub name: String,
    /// The expression.
    pub expr: Expr,
    /// The `name = expr` range.
    pub decl_range: SourceRange,
}

/// An `output` block.
#[derive(Debug, Clone)]
pub struct Output {
    /// The name.
    pub name: String,
    /// `value`.
    pub value: Option<Expr>,
    /// `description`.
    pub description: Option<String>,
    /// `sensitive`.
    pub sensitive: bool,
    /// `ephemeral`.
    pub ephemeral: bool,
    /// `depends_on`.
    pub depends_on: Vec<Expr>,
    /// `precondition` blocks.
    pub preconditions: Vec<CheckRule>,
    /// The block header range.
    pub decl_range: SourceRange,
}

/// Where a module call's source points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModuleSource {
    /// `./x` or `../x`: a directory relative to the calling module.
    Local(String),
    /// `namespace/name/provider` on a registry.
    Registry(String),
    /// Anything else (git, http, s3, ...).
    Remote(String),
}

/// A `module` block.
#[derive(Debug, Clone)]
pub struct ModuleCall {
    /// The call's name.
    pub name: String,
    /// The source, when it is a literal string.
    pub source: Option<ModuleSource>,
    /// The `source` expression.
    pub source_expr: Option<Expr>,
    /// `version`.
    pub version: Option<Expr>,
    /// `count`.
    pub count: Option<Expr>,
    /// `for_each`.
    pub for_each: Option<Expr>,
    /// `depends_on`.
    pub depends_on: Vec<Expr>,
    /// `providers` (child local config = parent config).
    pub providers: Vec<(ProviderRef, ProviderRef)>,
    /// Input variables.
    pub inputs: BTreeMap<String, Expr>,
    /// The range of each input's name.
    pub input_name_ranges: BTreeMap<String, SourceRange>,
    /// The block header range.
    pub decl_range: SourceRange,
    /// The opening brace of the block body (where missing arguments are reported).
    pub body_range: SourceRange,
}

/// A `provider` block.
#[derive(Debug, Clone)]
pub struct ProviderBlock {
    /// The local name.
    pub name: String,
    /// `alias`.
    pub alias: Option<String>,
    /// The configuration arguments.
    pub body: RawBody,
    /// The block header range.
    pub decl_range: SourceRange,
}

impl ProviderBlock {
    /// `aws` or `aws.west`.
    pub fn key(&self) -> String {
        match &self.alias {
            Some(a) => format!("{}.{a}", self.name),
            None => self.name.clone(),
        }
    }
}

/// An entry of `required_providers`.
#[derive(Debug, Clone)]
pub struct RequiredProvider {
    /// The local name.
    pub name: String,
    /// The source address (implied from the name when absent).
    pub source: Provider,
    /// The version constraint string.
    pub version: Option<String>,
    /// `configuration_aliases`.
    pub configuration_aliases: Vec<LocalProviderConfig>,
    /// Where it is declared.
    pub decl_range: SourceRange,
}

/// The `backend` block.
#[derive(Debug, Clone)]
pub struct Backend {
    /// The backend type (`s3`, `local`, `pg`).
    pub type_name: String,
    /// Its configuration.
    pub body: RawBody,
    /// The block header range.
    pub decl_range: SourceRange,
}

/// The `terraform` blocks of a module, merged.
#[derive(Debug, Clone, Default)]
pub struct TerraformSettings {
    /// `required_version` constraints from `.tf` files (Terraform's).
    pub required_versions: Vec<(String, SourceRange)>,
    /// `required_providers`, by local name.
    pub required_providers: BTreeMap<String, RequiredProvider>,
    /// `backend`.
    pub backend: Option<Backend>,
    /// The range of a `cloud` block, if any (terrane ignores it).
    pub cloud: Option<SourceRange>,
    /// `provider_meta` blocks by provider local name.
    pub provider_meta: BTreeMap<String, RawBody>,
    /// Where the (single) `required_providers` block is.
    pub required_providers_range: Option<SourceRange>,
}

/// A `moved` block.
#[derive(Debug, Clone)]
pub struct Moved {
    /// `from`.
    pub from: Expr,
    /// `to`.
    pub to: Expr,
    /// The block range.
    pub decl_range: SourceRange,
}

/// An `import` block.
#[derive(Debug, Clone)]
pub struct Import {
    /// `to`.
    pub to: Expr,
    /// `id`.
    pub id: Option<Expr>,
    /// `for_each`.
    pub for_each: Option<Expr>,
    /// `provider`.
    pub provider: Option<ProviderRef>,
    /// The block range.
    pub decl_range: SourceRange,
}

/// A `removed` block.
#[derive(Debug, Clone)]
pub struct Removed {
    /// `from`.
    pub from: Expr,
    /// `lifecycle { destroy = ... }` (default true).
    pub destroy: bool,
    /// Destroy-time provisioners.
    pub provisioners: Vec<Provisioner>,
    /// The block range.
    pub decl_range: SourceRange,
}

/// A `check` block.
#[derive(Debug, Clone)]
pub struct Check {
    /// The name.
    pub name: String,
    /// Its scoped data source, if any.
    pub data: Option<ResourceBlock>,
    /// `assert` blocks.
    pub asserts: Vec<CheckRule>,
    /// The block range.
    pub decl_range: SourceRange,
}

/// One module: the merged contents of a directory's configuration files.
#[derive(Debug, Clone, Default)]
pub struct Module {
    /// The directory.
    pub dir: PathBuf,
    /// The text of every file, for diagnostics.
    pub sources: SourceMap,
    /// `terraform` settings.
    pub terraform: TerraformSettings,
    /// `provider` blocks, by `name` or `name.alias`.
    pub providers: BTreeMap<String, ProviderBlock>,
    /// `variable` blocks.
    pub variables: BTreeMap<String, Variable>,
    /// Local values.
    pub locals: BTreeMap<String, Local>,
    /// `output` blocks.
    pub outputs: BTreeMap<String, Output>,
    /// `module` blocks.
    pub module_calls: BTreeMap<String, ModuleCall>,
    /// `resource`, `data` and `ephemeral` blocks, by address.
    pub resources: BTreeMap<Resource, ResourceBlock>,
    /// `moved` blocks.
    pub moved: Vec<Moved>,
    /// `import` blocks.
    pub imports: Vec<Import>,
    /// `removed` blocks.
    pub removed: Vec<Removed>,
    /// `check` blocks.
    pub checks: BTreeMap<String, Check>,
}

impl Module {
    /// The provider source address for a local name: from
    /// `required_providers`, or implied (`hashicorp/NAME`).
    pub fn provider_for_local_name(&self, name: &str) -> Provider {
        self.terraform
            .required_providers
            .get(name)
            .map(|r| r.source.clone())
            .unwrap_or_else(|| Provider::implied(name))
    }
}
