//! The resource framework: one [`Resource`] / [`DataSource`] implementation
//! per Terraform type, and the generic planning, apply, refresh and import
//! rules every type shares (defaults, computed values, force-new,
//! `tags_all`, diagnostics naming the type, API call and AWS's answer).

use crate::client::{Aws, AwsError};
use crate::vals::*;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use terrane_diagnostics::{Diagnostic, Diagnostics};
use terrane_provider::{
    ApplyChangeRequest, ApplyChangeResponse, Attribute, Block, CallPolicy, ConfiguredProvider,
    ImportRequest, ImportResponse, ImportedResource, NestedBlock, Nesting, PlanChangeRequest,
    PlanChangeResponse, ReadDataSourceRequest, ReadDataSourceResponse, ReadRequest, ReadResponse,
    Schema,
};
use terrane_value::{Kind, Path, Type, Value};

/// Why a resource operation failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Error {
    /// AWS answered with an error (or could not be reached).
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// The configuration or state cannot be turned into a request.
    #[error("{0}")]
    Invalid(String),
    /// A waiter gave up.
    #[error("timeout after {secs}s waiting for {what}")]
    Timeout {
        /// What was awaited.
        what: String,
        /// How long it waited.
        secs: u64,
    },
}

/// A failed create or update, with what exists now (a created object that
/// could not be fully configured must still be recorded).
#[derive(Debug, Clone)]
pub struct Failed {
    /// The failure.
    pub error: Error,
    /// The object as it exists, if one was created.
    pub partial: Option<Obj>,
}

impl From<Error> for Failed {
    fn from(error: Error) -> Self {
        Failed {
            error,
            partial: None,
        }
    }
}

impl From<AwsError> for Failed {
    fn from(e: AwsError) -> Self {
        Error::Aws(e).into()
    }
}

impl Failed {
    /// Attaches the state of the object that was created before failing.
    pub fn with_partial(mut self, state: Obj) -> Self {
        self.partial = Some(state);
        self
    }
}

/// Shorthand for an [`Error::Invalid`].
pub fn invalid(msg: impl Into<String>) -> Error {
    Error::Invalid(msg.into())
}

/// Everything a resource's plan hook can see and change.
pub struct PlanCtx<'a> {
    /// The current object (None when creating).
    pub prior: Option<&'a Obj>,
    /// The planned object being built.
    pub planned: Obj,
    /// The configuration as written.
    pub config: &'a Obj,
    /// Paths whose change forces replacement.
    pub requires_replace: Vec<Path>,
}

impl PlanCtx<'_> {
    /// True when the planned attribute differs from the prior one (always
    /// true when creating).
    pub fn changed(&self, name: &str) -> bool {
        match self.prior {
            None => true,
            Some(p) => p.get(name) != self.planned.get(name),
        }
    }

    /// Marks an attribute as unknown until apply.
    pub fn unknown(&mut self, name: &str, ty: Type) {
        self.planned.insert(name.to_string(), Value::unknown(ty));
    }

    /// Forces replacement because of `name`.
    pub fn replace_because(&mut self, name: &str) {
        let p = Path::root().attr(name);
        if !self.requires_replace.contains(&p) {
            self.requires_replace.push(p);
        }
    }

    /// True when creating or replacing.
    pub fn is_new(&self) -> bool {
        self.prior.is_none() || !self.requires_replace.is_empty()
    }
}

/// One managed resource type.
#[async_trait::async_trait]
pub trait Resource: Send + Sync {
    /// Terraform type name (`aws_vpc`).
    fn name(&self) -> &'static str;
    /// The schema (built once at provider start).
    fn schema(&self) -> Schema;
    /// Values planned for unset optional attributes (Terraform's `Default`).
    fn defaults(&self) -> Vec<(&'static str, Value)> {
        Vec::new()
    }
    /// Resource-specific planning after the generic rules.
    fn customize_plan(&self, aws: &Aws, p: &mut PlanCtx<'_>) -> Result<(), Error> {
        let _ = (aws, p);
        Ok(())
    }
    /// Creates the object and returns its full state.
    async fn create(&self, aws: &Aws, planned: &Obj) -> Result<Obj, Failed>;
    /// Reads the object; `None` when it no longer exists.
    async fn read(&self, aws: &Aws, state: &Obj) -> Result<Option<Obj>, Error>;
    /// Updates the object in place and returns its full state.
    async fn update(&self, aws: &Aws, prior: &Obj, planned: &Obj) -> Result<Obj, Failed>;
    /// Deletes the object (already gone is success).
    async fn delete(&self, aws: &Aws, state: &Obj) -> Result<(), Error>;
    /// Reads `base` back after a change; an object that vanished meanwhile
    /// (`what` names it) is an error.
    async fn read_back(&self, aws: &Aws, base: &Obj, what: &str) -> Result<Obj, Failed> {
        self.read(aws, base)
            .await?
            .ok_or_else(|| invalid(format!("{what} disappeared during update")).into())
    }
    /// [`Resource::read_back`] of the prior object carrying the planned
    /// `tags` (so `tags_all` is computed from what was just applied).
    async fn read_back_with_tags(
        &self,
        aws: &Aws,
        prior: &Obj,
        planned: &Obj,
        what: &str,
    ) -> Result<Obj, Failed> {
        let mut base = prior.clone();
        base.insert(
            "tags".into(),
            planned.get("tags").cloned().unwrap_or_default(),
        );
        self.read_back(aws, &base, what).await
    }
    /// Reads many objects; types that can batch override this.
    async fn read_many(&self, aws: &Aws, states: &[Obj]) -> Vec<Result<Option<Obj>, Error>> {
        let mut out = Vec::with_capacity(states.len());
        for s in states {
            out.push(self.read(aws, s).await);
        }
        out
    }
    /// The state to read after `terrane import` with this ID.
    fn import_state(&self, blank: Obj, id: &str) -> Result<Obj, Error> {
        let mut o = blank;
        o.insert("id".into(), vs(id));
        Ok(o)
    }
}

/// One data source type.
#[async_trait::async_trait]
pub trait DataSource: Send + Sync {
    /// Terraform type name.
    fn name(&self) -> &'static str;
    /// The schema.
    fn schema(&self) -> Schema;
    /// Reads it: `out` starts as the configuration; fill computed values.
    async fn read(&self, aws: &Aws, config: &Obj, out: &mut Obj) -> Result<(), Error>;
}

/// Schema-building shorthands.
pub mod s {
    use super::*;

    /// A block from attributes.
    pub fn block(attrs: Vec<(&str, Attribute)>) -> Block {
        let mut b = Block::default();
        for (n, a) in attrs {
            b = b.attr(n, a);
        }
        b
    }
    /// Adds nested blocks.
    pub fn with_blocks(mut b: Block, blocks: Vec<(&str, NestedBlock)>) -> Block {
        for (n, nb) in blocks {
            b = b.block(n, nb);
        }
        b
    }
    /// The schema of a resource.
    pub fn schema(b: Block) -> Schema {
        Schema {
            version: 0,
            block: b,
        }
    }
    /// Required string.
    pub fn req_s() -> Attribute {
        Attribute::required(Type::String)
    }
    /// Optional string.
    pub fn opt_s() -> Attribute {
        Attribute::optional(Type::String)
    }
    /// Optional+computed string.
    pub fn oc_s() -> Attribute {
        Attribute::optional_computed(Type::String)
    }
    /// Computed string.
    pub fn comp_s() -> Attribute {
        Attribute::computed(Type::String)
    }
    /// Optional bool.
    pub fn opt_b() -> Attribute {
        Attribute::optional(Type::Bool)
    }
    /// Optional+computed bool.
    pub fn oc_b() -> Attribute {
        Attribute::optional_computed(Type::Bool)
    }
    /// Optional number.
    pub fn opt_n() -> Attribute {
        Attribute::optional(Type::Number)
    }
    /// Optional+computed number.
    pub fn oc_n() -> Attribute {
        Attribute::optional_computed(Type::Number)
    }
    /// Required number.
    pub fn req_n() -> Attribute {
        Attribute::required(Type::Number)
    }
    /// Computed number.
    pub fn comp_n() -> Attribute {
        Attribute::computed(Type::Number)
    }
    /// Optional set of strings.
    pub fn opt_set() -> Attribute {
        Attribute::optional(Type::set(Type::String))
    }
    /// Optional+computed set of strings.
    pub fn oc_set() -> Attribute {
        Attribute::optional_computed(Type::set(Type::String))
    }
    /// Optional list of strings.
    pub fn opt_list() -> Attribute {
        Attribute::optional(Type::list(Type::String))
    }
    /// `id`: computed string.
    pub fn id() -> (&'static str, Attribute) {
        ("id", comp_s())
    }
    /// `tags` and `tags_all`.
    pub fn tags() -> Vec<(&'static str, Attribute)> {
        vec![
            ("tags", Attribute::optional(Type::map(Type::String))),
            ("tags_all", Attribute::computed(Type::map(Type::String))),
        ]
    }
    /// A `timeouts { create update delete }` block.
    pub fn timeouts(ops: &[&str]) -> (&'static str, NestedBlock) {
        let mut b = Block::default();
        for op in ops {
            b = b.attr(op, opt_s());
        }
        ("timeouts", NestedBlock::new(Nesting::Single, b))
    }
    /// A list block with at most one element.
    pub fn one(b: Block) -> NestedBlock {
        let mut nb = NestedBlock::new(Nesting::List, b);
        nb.max_items = 1;
        nb
    }
    /// A list block.
    pub fn list(b: Block) -> NestedBlock {
        NestedBlock::new(Nesting::List, b)
    }
    /// A set block.
    pub fn set(b: Block) -> NestedBlock {
        NestedBlock::new(Nesting::Set, b)
    }
    /// An optional+computed set block that may also be assigned as an
    /// argument (`ingress = []` removes every rule): the SDK's
    /// `ConfigMode: SchemaConfigModeAttr`.
    pub fn attr_set(b: Block) -> NestedBlock {
        set(b).attribute_syntax()
    }
}

/// The timeout for an operation from a `timeouts` block, or the default.
pub fn timeout(state: &Obj, op: &str, default: Duration) -> Duration {
    get_block(state, "timeouts")
        .and_then(|t| get_s(&t, op))
        .and_then(|s| parse_duration(&s))
        .unwrap_or(default)
}

/// `Resource::read_many` through one batched lookup keyed by attribute
/// `key` (`id`, or e.g. an RDS identifier): `find` gets that attribute of
/// every state at once and returns the objects it found; `build` turns a
/// found object into the new state (`None`: the object is as good as gone,
/// e.g. a deleted NAT gateway). A state whose object was not found reads
/// as gone; a failed lookup fails every state.
pub async fn read_by_key<T, F, Fut, B>(
    states: &[Obj],
    key: &str,
    find: F,
    build: B,
) -> Vec<Result<Option<Obj>, Error>>
where
    F: FnOnce(Vec<String>) -> Fut,
    Fut: std::future::Future<Output = Result<BTreeMap<String, T>, Error>>,
    B: Fn(&Obj, &T) -> Option<Obj>,
{
    let ids: Vec<String> = states.iter().filter_map(|s| get_ne(s, key)).collect();
    if ids.is_empty() {
        return states.iter().map(|_| Ok(None)).collect();
    }
    match find(ids).await {
        Ok(found) => states
            .iter()
            .map(|s| {
                Ok(get_ne(s, key)
                    .and_then(|id| found.get(&id))
                    .and_then(|o| build(s, o)))
            })
            .collect(),
        Err(e) => states.iter().map(|_| Err(e.clone())).collect(),
    }
}

/// The one result of a [`Resource::read_many`] over a single state.
pub fn single(mut results: Vec<Result<Option<Obj>, Error>>) -> Result<Option<Obj>, Error> {
    results.pop().unwrap_or(Ok(None))
}

/// Tags as one map.
pub type Tags = BTreeMap<String, String>;

/// Brings tags from `old` to `new` through a service's two tag calls:
/// `remove` gets the tags that are gone (with their old values, which some
/// APIs want), then `add` the new or changed ones; each runs only when it
/// has something to do.
pub async fn apply_tag_changes<R, RF, A, AF>(
    old: &Tags,
    new: &Tags,
    remove: R,
    add: A,
) -> Result<(), AwsError>
where
    R: FnOnce(Tags) -> RF,
    RF: std::future::Future<Output = Result<(), AwsError>>,
    A: FnOnce(Tags) -> AF,
    AF: std::future::Future<Output = Result<(), AwsError>>,
{
    let removed: Tags = old
        .iter()
        .filter(|(k, _)| !new.contains_key(*k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !removed.is_empty() {
        remove(removed).await?;
    }
    let changed: Tags = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if !changed.is_empty() {
        add(changed).await?;
    }
    Ok(())
}

/// [`apply_tag_changes`] from the prior object's `tags_all` to the
/// planned one's.
pub async fn sync_tags_all<R, RF, A, AF>(
    prior: &Obj,
    planned: &Obj,
    remove: R,
    add: A,
) -> Result<(), AwsError>
where
    R: FnOnce(Tags) -> RF,
    RF: std::future::Future<Output = Result<(), AwsError>>,
    A: FnOnce(Tags) -> AF,
    AF: std::future::Future<Output = Result<(), AwsError>>,
{
    let old = get_map(prior, "tags_all");
    let new = get_map(planned, "tags_all");
    apply_tag_changes(&old, &new, remove, add).await
}

/// Polls `check` until it returns `Some`, pausing between polls, up to `limit`.
pub async fn wait_for<T, F, Fut>(
    aws: &Aws,
    what: &str,
    limit: Duration,
    check: F,
) -> Result<T, Error>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>, Error>>,
{
    let start = std::time::Instant::now();
    loop {
        if let Some(v) = check().await? {
            return Ok(v);
        }
        if start.elapsed() >= limit {
            return Err(Error::Timeout {
                what: what.to_string(),
                secs: limit.as_secs(),
            });
        }
        aws.pause().await;
    }
}

impl Aws {
    /// Tags the user manages, minus ignored keys.
    fn is_ignored_tag(&self, k: &str) -> bool {
        k.starts_with("aws:")
            || self.ignore_tag_keys.iter().any(|i| i == k)
            || self
                .ignore_tag_prefixes
                .iter()
                .any(|p| k.starts_with(p.as_str()))
    }

    /// `tags_all` for configured `tags`: default tags overlaid by resource tags.
    pub fn merged_tags(&self, tags: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        let mut all: BTreeMap<String, String> = self.default_tags.clone();
        all.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
        all.retain(|k, _| !self.is_ignored_tag(k));
        all
    }

    /// Sets `tags` and `tags_all` in `state` from the tags AWS reports:
    /// `tags` keeps only what is not a matching default tag, and stays null
    /// when it was null and nothing of the user's is there.
    pub fn set_tags(&self, state: &mut Obj, aws_tags: BTreeMap<String, String>) {
        let all: BTreeMap<String, String> = aws_tags
            .into_iter()
            .filter(|(k, _)| !self.is_ignored_tag(k))
            .collect();
        let user: BTreeMap<String, String> = all
            .iter()
            .filter(|(k, v)| self.default_tags.get(*k) != Some(*v))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let was_null = state.get("tags").is_none_or(Value::is_null);
        let tags = if user.is_empty() && was_null {
            Value::null(Type::map(Type::String))
        } else {
            vmap(&user)
        };
        state.insert("tags".into(), tags);
        state.insert("tags_all".into(), vmap(&all));
    }

    /// The tags to send when creating: `tags_all` from the plan.
    pub fn create_tags(&self, planned: &Obj) -> BTreeMap<String, String> {
        let t = get_map(planned, "tags_all");
        if t.is_empty() {
            self.merged_tags(&get_map(planned, "tags"))
        } else {
            t
        }
    }
}

/// Resource types by name, with their schemas.
pub type ResourceMap = BTreeMap<&'static str, (Arc<dyn Resource>, Schema)>;
/// Data source types by name, with their schemas.
pub type DataSourceMap = BTreeMap<&'static str, (Arc<dyn DataSource>, Schema)>;

/// The configured provider: dispatches verbs to resource types.
pub struct Configured {
    /// The AWS session.
    pub aws: Arc<Aws>,
    pub(crate) resources: Arc<ResourceMap>,
    pub(crate) data_sources: Arc<DataSourceMap>,
}

fn err_diag(verb: &str, type_name: &str, e: &Error) -> Diagnostic {
    let detail = match e {
        Error::Aws(a) => format!(
            "{type_name}: {verb} failed: API call {} returned {}",
            a.op,
            a.describe()
        ),
        other => format!("{type_name}: {verb} failed: {other}"),
    };
    Diagnostic::error(format!("{verb} {type_name}"), detail)
}

fn diags(d: Diagnostic) -> Diagnostics {
    let mut ds = Diagnostics::new();
    ds.push(d);
    ds
}

fn unknown_type(kind: &str, name: &str) -> Diagnostics {
    diags(Diagnostic::error(
        format!("Invalid {kind} type"),
        format!("The provider hashicorp/aws does not support {kind} type {name:?}."),
    ))
}

/// Replaces every unknown left in a state with a null of its type.
fn resolve_unknowns(v: Value) -> Value {
    match v.kind {
        Kind::Unknown(t) => Value::null(t),
        Kind::Object(m) => Value::object(
            m.into_iter()
                .map(|(k, v)| (k, resolve_unknowns(v)))
                .collect(),
        ),
        Kind::List(t, xs) => Value::list(t, xs.into_iter().map(resolve_unknowns).collect()),
        Kind::Set(t, xs) => Value::set(t, xs.into_iter().map(resolve_unknowns).collect()),
        Kind::Map(t, m) => Value::map(
            t,
            m.into_iter()
                .map(|(k, v)| (k, resolve_unknowns(v)))
                .collect(),
        ),
        other => other.into(),
    }
}

/// Terraform's SDK treats an unset optional attribute and its zero value
/// ("", 0, false, empty collection) as equal. AWS reports zero values for
/// settings never made; where the prior object had null, keep null so an
/// unset argument does not show a perpetual diff.
fn keep_unset_nulls(res: &dyn Resource, block: &Block, prior: &Value, new: Obj) -> Obj {
    let Some(pm) = prior.as_entries() else {
        return new;
    };
    let defaulted: Vec<&str> = res.defaults().into_iter().map(|(k, _)| k).collect();
    let mut out = new;
    for (name, a) in &block.attributes {
        if a.computed
            || !a.optional
            || defaulted.contains(&name.as_str())
            || !pm.get(name).is_some_and(Value::is_null)
        {
            continue;
        }
        if let Some(v) = out.get(name) {
            if !v.is_null() && v.is_wholly_known() && *v == zero(&a.ty) {
                out.insert(name.clone(), Value::null(a.ty.clone()));
            }
        }
    }
    out
}

/// Brings an object to exactly the block's attribute set: missing
/// attributes null, extra ones dropped.
fn conform(block: &Block, o: Obj) -> Obj {
    let mut out = blank(block);
    for (k, v) in o {
        if out.contains_key(&k) {
            out.insert(k, v);
        }
    }
    out
}

/// The generic plan: configured values, defaults for unset attributes,
/// prior values (or unknown on create) for unset computed attributes,
/// normalised nested blocks, force-new detection, `tags_all`.
pub fn generic_plan(
    res: &dyn Resource,
    schema: &Schema,
    aws: &Aws,
    prior: Option<&Obj>,
    config: &Obj,
) -> Result<(Obj, Vec<Path>), Error> {
    let block = &schema.block;
    let defaults: BTreeMap<&str, Value> = res.defaults().into_iter().collect();
    let mut planned = Obj::new();
    for (name, a) in &block.attributes {
        let cfg = config
            .get(name)
            .cloned()
            .unwrap_or(Value::null(a.ty.clone()));
        let v = if !cfg.is_null() {
            cfg
        } else if let Some(d) = defaults.get(name.as_str()) {
            d.clone()
        } else if a.computed {
            match prior.and_then(|p| p.get(name)) {
                Some(pv) => pv.clone(),
                None => Value::unknown(a.ty.clone()),
            }
        } else {
            Value::null(a.ty.clone())
        };
        planned.insert(name.clone(), v);
    }
    for (name, nb) in &block.blocks {
        let unset = config.get(name).is_none_or(Value::is_null);
        if nb.as_attribute && unset {
            // Attributes as blocks are optional+computed: unset keeps what
            // exists (unknown until created); `= []` is an explicit "none".
            let v = match prior.and_then(|p| p.get(name)) {
                Some(pv) => pv.clone(),
                None => Value::unknown(nb.collection_type()),
            };
            planned.insert(name.clone(), v);
            continue;
        }
        let cfg = match config.get(name) {
            Some(v) if !v.is_null() || nb.nesting == Nesting::Single => v.clone(),
            _ => empty_block(nb),
        };
        // `timeouts` keeps unset durations null, as Terraform shows them.
        let v = if name == "timeouts" {
            cfg
        } else {
            normalize_blocks(&nb.block, nb.nesting, &cfg)
        };
        planned.insert(name.clone(), v);
    }
    if block.attributes.contains_key("tags_all") {
        // As the real provider's SetTagsDiff: known when there are tags;
        // with none, unknown on create or when tags were removed, else the
        // prior (empty) value.
        let tags_known = planned.get("tags").is_none_or(Value::is_wholly_known);
        let unknown = Value::unknown(Type::map(Type::String));
        let v = if !tags_known {
            unknown
        } else {
            let merged = aws.merged_tags(&get_map(&planned, "tags"));
            let prior_all = prior.map(|p| get_map(p, "tags_all"));
            match prior_all {
                _ if !merged.is_empty() => vmap(&merged),
                Some(pa) if pa.is_empty() => prior
                    .and_then(|p| p.get("tags_all").cloned())
                    .unwrap_or(unknown),
                _ => unknown,
            }
        };
        planned.insert("tags_all".into(), v);
    }
    let mut ctx = PlanCtx {
        prior,
        planned,
        config,
        requires_replace: Vec::new(),
    };
    if let Some(p) = prior {
        for (name, a) in &block.attributes {
            if a.force_new && ctx.planned.get(name) != p.get(name) {
                ctx.replace_because(name);
            }
        }
        for (name, nb) in &block.blocks {
            if nb.force_new && ctx.planned.get(name) != p.get(name) {
                ctx.replace_because(name);
            }
        }
    }
    res.customize_plan(aws, &mut ctx)?;
    if prior.is_some() && !ctx.requires_replace.is_empty() {
        for (name, a) in &block.attributes {
            let unset = config.get(name).is_none_or(Value::is_null);
            if a.computed && unset && !defaults.contains_key(name.as_str()) && name != "tags_all" {
                ctx.planned
                    .insert(name.clone(), Value::unknown(a.ty.clone()));
            }
        }
        // Unset attributes-as-blocks collections are computed too: the new
        // object gets what AWS gives it, not the old object's rules.
        for (name, nb) in &block.blocks {
            if nb.as_attribute && config.get(name).is_none_or(Value::is_null) {
                ctx.planned
                    .insert(name.clone(), Value::unknown(nb.collection_type()));
            }
        }
    }
    Ok((ctx.planned, ctx.requires_replace))
}

#[async_trait::async_trait]
impl ConfiguredProvider for Configured {
    fn call_policy(&self) -> CallPolicy {
        self.aws.policy.clone()
    }

    async fn plan_change(&self, req: PlanChangeRequest) -> PlanChangeResponse {
        let Some((res, schema)) = self.resources.get(req.type_name.as_str()) else {
            return PlanChangeResponse {
                diagnostics: unknown_type("resource", &req.type_name),
                ..Default::default()
            };
        };
        if req.proposed_new_state.is_null() {
            return PlanChangeResponse {
                planned_state: Value::null(schema.block.implied_type()),
                ..Default::default()
            };
        }
        let prior = (!req.prior_state.is_null()).then(|| obj(&req.prior_state));
        let config = obj(&req.config);
        match generic_plan(res.as_ref(), schema, &self.aws, prior.as_ref(), &config) {
            Ok((planned, requires_replace)) => PlanChangeResponse {
                planned_state: vobj(planned),
                requires_replace,
                planned_private: req.prior_private,
                diagnostics: Diagnostics::new(),
            },
            Err(e) => PlanChangeResponse {
                planned_state: req.proposed_new_state,
                diagnostics: diags(err_diag("planning", &req.type_name, &e)),
                ..Default::default()
            },
        }
    }

    async fn apply_change(&self, req: ApplyChangeRequest) -> ApplyChangeResponse {
        let Some((res, schema)) = self.resources.get(req.type_name.as_str()) else {
            return ApplyChangeResponse {
                diagnostics: unknown_type("resource", &req.type_name),
                ..Default::default()
            };
        };
        let null = Value::null(schema.block.implied_type());
        let t = req.type_name.as_str();
        if req.planned_state.is_null() {
            let prior = obj(&req.prior_state);
            return match res.delete(&self.aws, &prior).await {
                Ok(()) => ApplyChangeResponse {
                    new_state: null,
                    ..Default::default()
                },
                Err(e) => ApplyChangeResponse {
                    new_state: req.prior_state,
                    diagnostics: diags(err_diag("deleting", t, &e)),
                    ..Default::default()
                },
            };
        }
        let planned = obj(&req.planned_state);
        let (verb, result) = if req.prior_state.is_null() {
            ("creating", res.create(&self.aws, &planned).await)
        } else {
            let prior = obj(&req.prior_state);
            ("updating", res.update(&self.aws, &prior, &planned).await)
        };
        match result {
            Ok(state) => ApplyChangeResponse {
                new_state: resolve_unknowns(vobj(keep_unset_nulls(
                    res.as_ref(),
                    &schema.block,
                    &req.planned_state,
                    conform(&schema.block, state),
                ))),
                ..Default::default()
            },
            Err(f) => {
                let new_state = match f.partial {
                    Some(p) => resolve_unknowns(vobj(conform(&schema.block, p))),
                    None if verb == "creating" => null,
                    None => req.prior_state,
                };
                ApplyChangeResponse {
                    new_state,
                    diagnostics: diags(err_diag(verb, t, &f.error)),
                    ..Default::default()
                }
            }
        }
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        let mut out = self.read_many(vec![req]).await;
        out.pop().unwrap_or_default()
    }

    async fn read_many(&self, reqs: Vec<ReadRequest>) -> Vec<ReadResponse> {
        let mut out: Vec<Option<ReadResponse>> = (0..reqs.len()).map(|_| None).collect();
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, r) in reqs.iter().enumerate() {
            if r.current_state.is_null() {
                out[i] = Some(ReadResponse {
                    new_state: r.current_state.clone(),
                    private: r.private.clone(),
                    ..Default::default()
                });
            } else {
                groups.entry(r.type_name.clone()).or_default().push(i);
            }
        }
        for (type_name, idxs) in groups {
            let Some((res, schema)) = self.resources.get(type_name.as_str()) else {
                for i in idxs {
                    out[i] = Some(ReadResponse {
                        new_state: reqs[i].current_state.clone(),
                        diagnostics: unknown_type("resource", &type_name),
                        ..Default::default()
                    });
                }
                continue;
            };
            let states: Vec<Obj> = idxs.iter().map(|&i| obj(&reqs[i].current_state)).collect();
            let results = res.read_many(&self.aws, &states).await;
            for (k, r) in results.into_iter().enumerate() {
                let i = idxs[k];
                let resp = match r {
                    Ok(Some(o)) => ReadResponse {
                        new_state: resolve_unknowns(vobj(keep_unset_nulls(
                            res.as_ref(),
                            &schema.block,
                            &reqs[i].current_state,
                            conform(&schema.block, o),
                        ))),
                        private: reqs[i].private.clone(),
                        ..Default::default()
                    },
                    Ok(None) => ReadResponse {
                        new_state: Value::null(schema.block.implied_type()),
                        ..Default::default()
                    },
                    Err(e) => ReadResponse {
                        new_state: reqs[i].current_state.clone(),
                        private: reqs[i].private.clone(),
                        diagnostics: diags(err_diag("reading", &type_name, &e)),
                    },
                };
                out[i] = Some(resp);
            }
        }
        out.into_iter().map(Option::unwrap_or_default).collect()
    }

    async fn read_data_source(&self, req: ReadDataSourceRequest) -> ReadDataSourceResponse {
        let Some((ds, schema)) = self.data_sources.get(req.type_name.as_str()) else {
            return ReadDataSourceResponse {
                diagnostics: unknown_type("data source", &req.type_name),
                ..Default::default()
            };
        };
        let config = conform(&schema.block, obj(&req.config));
        let mut out = config.clone();
        for (name, nb) in &schema.block.blocks {
            if let Some(v) = out.get(name).cloned() {
                out.insert(name.clone(), normalize_blocks(&nb.block, nb.nesting, &v));
            }
        }
        match ds.read(&self.aws, &config, &mut out).await {
            Ok(()) => ReadDataSourceResponse {
                state: resolve_unknowns(vobj(conform(&schema.block, out))),
                diagnostics: Diagnostics::new(),
            },
            Err(e) => ReadDataSourceResponse {
                state: Value::null(schema.block.implied_type()),
                diagnostics: diags(err_diag("reading data source", &req.type_name, &e)),
            },
        }
    }

    async fn import(&self, req: ImportRequest) -> ImportResponse {
        let Some((res, schema)) = self.resources.get(req.type_name.as_str()) else {
            return ImportResponse {
                diagnostics: unknown_type("resource", &req.type_name),
                ..Default::default()
            };
        };
        let t = req.type_name.as_str();
        let start = match res.import_state(blank(&schema.block), &req.id) {
            Ok(s) => s,
            Err(e) => {
                return ImportResponse {
                    diagnostics: diags(err_diag("importing", t, &e)),
                    ..Default::default()
                }
            }
        };
        match res.read(&self.aws, &start).await {
            Ok(Some(state)) => ImportResponse {
                imported: vec![ImportedResource {
                    type_name: req.type_name.clone(),
                    state: resolve_unknowns(vobj(keep_unset_nulls(
                        res.as_ref(),
                        &schema.block,
                        &vobj(start.clone()),
                        conform(&schema.block, state),
                    ))),
                    private: Vec::new(),
                }],
                diagnostics: Diagnostics::new(),
            },
            Ok(None) => ImportResponse {
                diagnostics: diags(Diagnostic::error(
                    "Cannot import non-existent remote object",
                    format!(
                        "While attempting to import an existing object to {t}, the provider detected that no object exists with the given id {:?}.",
                        req.id
                    ),
                )),
                ..Default::default()
            },
            Err(e) => ImportResponse {
                diagnostics: diags(err_diag("importing", t, &e)),
                ..Default::default()
            },
        }
    }
}
