//! The small resource framework every built-in provider is written in.
//!
//! A resource type is a list of attribute [`Spec`]s (schema flags plus the
//! plan behaviour Terraform's plugin framework attaches to them: defaults,
//! "use state for unknown", replacement rules) and a [`Resource`]
//! implementation with create/update/delete/read/import. [`plan_attrs`]
//! turns a plan request into the planned object the way the plugin
//! framework does; each resource then adjusts it in `modify_plan`.
//! [`BuiltinProvider`] dispatches the provider verbs by type name.

use crate::util::{err, errs, same, Obj};
use async_trait::async_trait;
use std::collections::BTreeMap;
use std::sync::Arc;
use terrane_diagnostics::Diagnostics;
use terrane_provider::{
    ApplyChangeRequest, ApplyChangeResponse, Attribute, Block, CallFunctionRequest,
    CallFunctionResponse, ConfigKind, ConfigureRequest, ConfigureResponse, ConfiguredProvider,
    FunctionSignature, ImportRequest, ImportResponse, ImportedResource, PlanChangeRequest,
    PlanChangeResponse, Provider, ProviderSchema, ReadDataSourceRequest, ReadDataSourceResponse,
    ReadRequest, ReadResponse, Schema, ValidateRequest, ValidateResponse,
};
use terrane_value::{convert, Kind, Path, Type, Value};

/// When a change to an attribute forces replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replace {
    /// Never: the change is an in-place update.
    Never,
    /// Whenever the planned value differs from the prior one.
    Always,
    /// The random/null providers' `keepers`/`triggers` rule: a change
    /// replaces unless it only adds or removes keys whose values are null
    /// (and a null map equals a map of only null values).
    IfValuesNotNull,
    /// random's `override_special` rule: replace unless going from `""` to
    /// null.
    UnlessEmptyStringToNull,
}

/// One attribute: its schema and its plan behaviour.
#[derive(Debug, Clone)]
pub(crate) struct Spec {
    pub name: &'static str,
    pub attr: Attribute,
    /// Planned when the configuration leaves the attribute null.
    pub default: Option<Value>,
    /// Keep the prior value rather than planning unknown on update.
    pub keep_state: bool,
    pub replace: Replace,
    /// The warning shown when a deprecated attribute is set.
    pub deprecation: Option<&'static str>,
}

impl Spec {
    fn with(name: &'static str, attr: Attribute) -> Spec {
        Spec {
            name,
            attr,
            default: None,
            keep_state: false,
            replace: Replace::Never,
            deprecation: None,
        }
    }

    /// A required attribute.
    pub fn required(name: &'static str, ty: Type) -> Spec {
        Spec::with(name, Attribute::required(ty))
    }

    /// An optional attribute.
    pub fn optional(name: &'static str, ty: Type) -> Spec {
        Spec::with(name, Attribute::optional(ty))
    }

    /// An optional attribute the provider computes when unset.
    pub fn optional_computed(name: &'static str, ty: Type) -> Spec {
        Spec::with(name, Attribute::optional_computed(ty))
    }

    /// A computed-only attribute.
    pub fn computed(name: &'static str, ty: Type) -> Spec {
        Spec::with(name, Attribute::computed(ty))
    }

    /// Sets the default planned when the configuration is null.
    pub fn default(mut self, v: Value) -> Spec {
        self.default = Some(v);
        self
    }

    /// Keeps the prior value on update ("use state for unknown").
    pub fn keep(mut self) -> Spec {
        self.keep_state = true;
        self
    }

    /// Changing the attribute forces replacement.
    pub fn force_new(self) -> Spec {
        self.replace(Replace::Always)
    }

    /// Sets the replacement rule.
    pub fn replace(mut self, r: Replace) -> Spec {
        self.replace = r;
        self.attr.force_new = r != Replace::Never;
        self
    }

    /// Marks the attribute sensitive.
    pub fn sensitive(mut self) -> Spec {
        self.attr.sensitive = true;
        self
    }

    /// Marks the attribute deprecated; setting it warns with `message`.
    pub fn deprecated(mut self, message: &'static str) -> Spec {
        self.attr.deprecated = true;
        self.deprecation = Some(message);
        self
    }

    /// Sets the documentation.
    pub fn describe(mut self, text: &str) -> Spec {
        self.attr.description = text.to_string();
        self
    }
}

/// A resource or data source schema as attribute specs.
#[derive(Debug, Clone)]
pub(crate) struct Specs {
    pub version: u64,
    pub description: &'static str,
    pub deprecated: bool,
    pub attrs: Vec<Spec>,
}

impl Specs {
    /// Specs at schema version 0.
    pub fn new(description: &'static str, attrs: Vec<Spec>) -> Specs {
        Specs {
            version: 0,
            description,
            deprecated: false,
            attrs,
        }
    }

    /// Sets the schema version.
    pub fn version(mut self, v: u64) -> Specs {
        self.version = v;
        self
    }

    /// The protocol schema.
    pub fn schema(&self) -> Schema {
        let mut block = Block {
            description: self.description.to_string(),
            deprecated: self.deprecated,
            ..Block::default()
        };
        for s in &self.attrs {
            block = block.attr(s.name, s.attr.clone());
        }
        Schema {
            version: self.version,
            block,
        }
    }

    /// `o` with exactly the schema's attributes: missing ones become typed
    /// nulls, unknown names are dropped.
    pub fn normalize(&self, o: Obj) -> Obj {
        if self.is_normal(&o) {
            return o;
        }
        self.rebuild(o)
    }

    /// [`Specs::normalize`] by building the object anew.
    fn rebuild(&self, mut o: Obj) -> Obj {
        let mut out = BTreeMap::new();
        for s in &self.attrs {
            let v =
                o.0.remove(s.name)
                    .unwrap_or_else(|| Value::null(s.attr.ty.clone()));
            let v = if v.is_null() && !s.attr.ty.has_dynamic() {
                // Keep nulls typed as the schema says.
                Value::null(s.attr.ty.clone())
            } else {
                v
            };
            out.insert(s.name.to_string(), v);
        }
        Obj(out)
    }

    /// True when [`Specs::normalize`] would return `o` unchanged: exactly
    /// the schema's attributes, nulls (of attributes without dynamic parts)
    /// unmarked and of the schema's type. Most objects the framework builds
    /// already are, and checking costs no copy.
    fn is_normal(&self, o: &Obj) -> bool {
        o.0.len() == self.attrs.len()
            && self.attrs.iter().all(|s| match o.0.get(s.name) {
                None => false,
                Some(v) if v.is_null() && !s.attr.ty.has_dynamic() => {
                    matches!(&v.kind, Kind::Null(t) if *t == s.attr.ty) && v.marks.is_empty()
                }
                Some(_) => true,
            })
    }

    /// `o` with each attribute converted to its schema type (as Terraform
    /// does before calling a provider), or a diagnostic per attribute that
    /// cannot be.
    pub fn conform(&self, o: Obj) -> Result<Obj, Diagnostics> {
        let mut out = Obj::default();
        let mut diags = Diagnostics::new();
        let mut o = o;
        for s in &self.attrs {
            let Some(v) = o.0.remove(s.name) else {
                continue;
            };
            if s.attr.ty == Type::Dynamic {
                out.set(s.name, v);
                continue;
            }
            match convert(&v, &s.attr.ty) {
                Ok(c) => out.set(s.name, c),
                Err(e) => diags.push(err(
                    "Incorrect attribute value type",
                    format!("Inappropriate value for attribute {:?}: {e}.", s.name),
                )),
            }
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(self.normalize(out))
        }
    }

    /// True when [`Specs::conform`] would return `o` unchanged: exactly the
    /// schema's attributes, each already of its schema type (dynamic ones
    /// always are). Lets callers skip copying a configuration that needs
    /// no conversion, which is nearly every one.
    pub fn is_conformed(&self, o: &Obj) -> bool {
        o.0.len() == self.attrs.len()
            && self.attrs.iter().all(|s| {
                let Some(v) = o.0.get(s.name) else {
                    return false;
                };
                if s.attr.ty == Type::Dynamic {
                    return true;
                }
                // Shortcuts for what `convert` returns unchanged: a
                // primitive of its own type, an unmarked null of the type.
                match (&v.kind, &s.attr.ty) {
                    (Kind::String(_), Type::String)
                    | (Kind::Number(_), Type::Number)
                    | (Kind::Bool(_), Type::Bool) => return true,
                    (Kind::Null(t), ty) if t == ty && !ty.has_dynamic() => {
                        return v.marks.is_empty()
                    }
                    _ => {}
                }
                match convert(v, &s.attr.ty) {
                    Ok(c) if c.is_null() && !s.attr.ty.has_dynamic() => {
                        Value::null(s.attr.ty.clone()) == *v
                    }
                    Ok(c) => c == *v,
                    Err(_) => false,
                }
            })
    }

    /// [`Specs::conform`], returning `o` itself when it already conforms.
    pub fn conform_owned(&self, o: Obj) -> Result<Obj, Diagnostics> {
        if self.is_conformed(&o) {
            return Ok(o);
        }
        self.conform(o)
    }

    /// Adds the plugin framework's "Attribute Deprecated" warning for each
    /// deprecated attribute the configuration sets.
    pub fn warn_deprecated(&self, config: &Obj, diags: &mut Diagnostics) {
        for s in &self.attrs {
            if let Some(message) = s.deprecation {
                let v = config.get(s.name);
                if !v.is_null() && v.is_known() {
                    diags.push(terrane_diagnostics::Diagnostic::warning(
                        "Attribute Deprecated",
                        message,
                    ));
                }
            }
        }
    }

    /// An object of the schema's type with every attribute null except
    /// those given.
    pub fn object(&self, attrs: Vec<(&str, Value)>) -> Obj {
        let mut o = Obj::default();
        for (k, v) in attrs {
            o.set(k, v);
        }
        self.normalize(o)
    }
}

/// A planned change being built: the framework's plan before the
/// resource's own adjustments.
#[derive(Debug, Clone)]
pub(crate) struct Planned {
    /// The prior object (`None` when creating).
    pub prior: Option<Obj>,
    /// The configuration.
    pub config: Obj,
    /// The planned object.
    pub planned: Obj,
    /// Paths whose change forces replacement.
    pub requires_replace: Vec<Path>,
}

impl Planned {
    /// True when creating.
    pub fn is_create(&self) -> bool {
        self.prior.is_none()
    }

    /// True when the planned value of `name` differs from the prior one.
    pub fn changed(&self, name: &str) -> bool {
        match &self.prior {
            Some(p) => !same(p.get(name), self.planned.get(name)),
            None => true,
        }
    }

    /// Records that `name` forces replacement (once).
    pub fn require_replace(&mut self, name: &str) {
        let p = Path::root().attr(name);
        if !self.requires_replace.contains(&p) {
            self.requires_replace.push(p);
        }
    }
}

/// Plans a create or update the way Terraform's plugin framework does:
/// configured values; defaults, then prior values, for computed attributes
/// the configuration leaves null; unknown for computed attributes on create
/// and, when anything changed, for those not kept from state; and
/// replacement paths from each attribute's rule. `None` for a destroy.
/// The request's configuration, proposed state and prior object are moved
/// into the plan (see [`prior_value`] for giving the prior state back).
pub(crate) fn plan_attrs(specs: &Specs, req: &mut PlanChangeRequest) -> Option<Planned> {
    if req.proposed_new_state.is_null() && !req.config.is_null() {
        // The engine proposes a destroy.
        return None;
    }
    let config_value = if req.config.is_null() {
        std::mem::replace(&mut req.proposed_new_state, Value::dynamic_null())
    } else {
        std::mem::replace(&mut req.config, Value::dynamic_null())
    };
    let config = obj_of(config_value)?;
    let prior = match &req.prior_state.kind {
        Kind::Object(_) => {
            let v = std::mem::replace(&mut req.prior_state, Value::dynamic_null());
            // What is left in the request keeps the marks, for prior_value.
            req.prior_state.marks = v.marks;
            obj_of(v)
        }
        _ => None,
    };
    Some(plan_from(specs, config, prior))
}

/// The request's prior state as it came, after [`plan_attrs`] moved its
/// object into `prior`.
fn prior_value(req: PlanChangeRequest, prior: Option<Obj>) -> Value {
    match prior {
        Some(p) => p.into_value().with_marks(req.prior_state.marks),
        None => req.prior_state,
    }
}

/// The attributes of a known, non-null object value, without copying them.
fn obj_of(v: Value) -> Option<Obj> {
    match v.kind {
        Kind::Object(m) => Some(Obj(m)),
        _ => None,
    }
}

/// [`plan_attrs`] for a configuration and prior object already in hand.
fn plan_from(specs: &Specs, config: Obj, prior: Option<Obj>) -> Planned {
    let mut planned = Obj::default();
    for s in &specs.attrs {
        let c = config.get(s.name);
        let v = if s.attr.computed && c.is_null() {
            match (&s.default, &prior) {
                (Some(d), _) => d.clone(),
                (None, Some(p)) => p.get(s.name).clone(),
                (None, None) => Value::null(s.attr.ty.clone()),
            }
        } else {
            c.clone()
        };
        planned.set(s.name, v);
    }
    let changed = match &prior {
        Some(p) => specs
            .attrs
            .iter()
            .any(|s| !same(p.get(s.name), planned.get(s.name))),
        None => true,
    };
    for s in &specs.attrs {
        if !s.attr.computed || !config.is_null(s.name) || s.default.is_some() {
            continue;
        }
        let unknown = match &prior {
            None => true,
            Some(_) => changed && !s.keep_state && s.replace == Replace::Never,
        };
        if unknown {
            planned.set(s.name, Value::unknown(s.attr.ty.clone()));
        }
    }
    let mut out = Planned {
        prior,
        config,
        planned: specs.normalize(planned),
        requires_replace: Vec::new(),
    };
    let mut replaced = Vec::new();
    if let Some(p) = &out.prior {
        for s in &specs.attrs {
            let (old, new) = (p.get(s.name), out.planned.get(s.name));
            if same(old, new) {
                continue;
            }
            let replace = match s.replace {
                Replace::Never => false,
                Replace::Always => true,
                Replace::IfValuesNotNull => values_not_null_changed(old, out.config.get(s.name)),
                Replace::UnlessEmptyStringToNull => {
                    let c = out.config.get(s.name);
                    if !c.is_known() {
                        false
                    } else {
                        !c.is_null() || old.is_null() || old.as_str() != Some("")
                    }
                }
            };
            if replace {
                replaced.push(s.name);
            }
        }
    }
    for name in replaced {
        out.require_replace(name);
    }
    out
}

/// The keepers rule: does going from `state` to `config` change anything
/// beyond keys with null values?
fn values_not_null_changed(state: &Value, config: &Value) -> bool {
    if same(state, config) {
        return false;
    }
    // An unknown map has no known entries: it replaces only a non-empty
    // prior map (the real provider's rule applied to an empty element set).
    if !config.is_known() {
        return state.as_entries().is_some_and(|m| !m.is_empty());
    }
    let cfg = config.as_entries();
    if state.is_null() {
        return cfg.is_some_and(|m| m.values().any(|v| !v.is_null()));
    }
    let st = match state.as_entries() {
        Some(m) => m,
        None => return true,
    };
    let cfg = match cfg {
        Some(m) => m,
        // Config null, state a map: replace unless the state map is empty.
        None => return !st.is_empty(),
    };
    for (k, v) in cfg {
        match st.get(k) {
            None if v.is_null() => {}
            Some(sv) if same(sv, v) => {}
            _ => return true,
        }
    }
    st.keys().any(|k| !cfg.contains_key(k))
}

/// A managed resource type.
#[async_trait]
pub(crate) trait Resource: Send + Sync {
    /// The type name (`random_id`).
    fn name(&self) -> &'static str;

    /// Its attributes.
    fn specs(&self) -> &Specs;

    /// Checks a configuration beyond its types.
    fn validate(&self, config: &Obj, diags: &mut Diagnostics) {
        let _ = (config, diags);
    }

    /// Adjusts the framework's plan (known values, extra replacements).
    fn modify_plan(&self, plan: &mut Planned, diags: &mut Diagnostics) {
        let _ = (plan, diags);
    }

    /// Creates the object from the planned state.
    async fn create(&self, planned: Obj) -> Result<Obj, Diagnostics>;

    /// Updates in place; by default the planned state becomes the new state.
    async fn update(&self, prior: Obj, planned: Obj) -> Result<Obj, Diagnostics> {
        let _ = prior;
        Ok(planned)
    }

    /// Deletes the object.
    async fn delete(&self, prior: Obj) -> Diagnostics {
        let _ = prior;
        Diagnostics::new()
    }

    /// Refreshes the object; `None` when it no longer exists.
    fn read(&self, current: Obj) -> Result<Option<Obj>, Diagnostics> {
        Ok(Some(current))
    }

    /// True when [`Resource::read`] returns its argument as it is (the
    /// object lives only in state): a refresh then needs no copy of the
    /// object to fall back on.
    fn read_keeps_state(&self) -> bool {
        false
    }

    /// Adopts an existing object by ID.
    fn import(&self, id: &str) -> Result<Obj, Diagnostics> {
        let _ = id;
        Err(errs(
            "Resource Import Not Implemented",
            format!(
                "This resource does not support import. Please contact the provider developer for additional information. (resource type {})",
                self.name()
            ),
        ))
    }
}

/// A data source type.
#[async_trait]
pub(crate) trait DataSource: Send + Sync {
    /// The type name.
    fn name(&self) -> &'static str;

    /// Its attributes.
    fn specs(&self) -> &Specs;

    /// Checks a configuration beyond its types.
    fn validate(&self, config: &Obj, diags: &mut Diagnostics) {
        let _ = (config, diags);
    }

    /// Reads it; warnings may come with a result.
    async fn read(&self, config: Obj) -> Result<(Obj, Diagnostics), Diagnostics>;
}

/// A provider-defined function (`provider::NAME::FUNC`).
pub(crate) trait Function: Send + Sync {
    /// The function name.
    fn name(&self) -> &'static str;

    /// Parameters and result.
    fn signature(&self) -> FunctionSignature;

    /// Calls it with known, non-null arguments of the declared types; an
    /// error is a message and the index of the argument at fault.
    fn call(&self, args: &[Value]) -> Result<Value, (String, Option<usize>)>;
}

struct Inner {
    name: &'static str,
    source: &'static str,
    schema: ProviderSchema,
    resources: BTreeMap<&'static str, Box<dyn Resource>>,
    data_sources: BTreeMap<&'static str, Box<dyn DataSource>>,
    functions: BTreeMap<&'static str, Box<dyn Function>>,
}

/// One built-in provider: a name, a source address and its resource and
/// data source types. Configuration takes no arguments.
#[derive(Clone)]
pub struct BuiltinProvider {
    inner: Arc<Inner>,
}

impl BuiltinProvider {
    pub(crate) fn new(
        name: &'static str,
        source: &'static str,
        resources: Vec<Box<dyn Resource>>,
        data_sources: Vec<Box<dyn DataSource>>,
    ) -> BuiltinProvider {
        let mut schema = ProviderSchema::default();
        let mut rmap = BTreeMap::new();
        for r in resources {
            schema
                .resources
                .insert(r.name().to_string(), r.specs().schema());
            rmap.insert(r.name(), r);
        }
        let mut dmap = BTreeMap::new();
        for d in data_sources {
            schema
                .data_sources
                .insert(d.name().to_string(), d.specs().schema());
            dmap.insert(d.name(), d);
        }
        BuiltinProvider {
            inner: Arc::new(Inner {
                name,
                source,
                schema,
                resources: rmap,
                data_sources: dmap,
                functions: BTreeMap::new(),
            }),
        }
    }

    /// Adds provider-defined functions (builder style, before sharing).
    pub(crate) fn with_functions(mut self, functions: Vec<Box<dyn Function>>) -> BuiltinProvider {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            for f in functions {
                inner
                    .schema
                    .functions
                    .insert(f.name().to_string(), f.signature());
                inner.functions.insert(f.name(), f);
            }
        }
        self
    }
}

impl Inner {
    fn resource(&self, type_name: &str) -> Result<&dyn Resource, Diagnostics> {
        self.resources
            .get(type_name)
            .map(|r| r.as_ref())
            .ok_or_else(|| {
                errs(
                    "Invalid resource type",
                    format!(
                        "The provider {} does not support resource type {type_name:?}.",
                        self.source
                    ),
                )
            })
    }

    fn data_source(&self, type_name: &str) -> Result<&dyn DataSource, Diagnostics> {
        self.data_sources
            .get(type_name)
            .map(|r| r.as_ref())
            .ok_or_else(|| {
                errs(
                    "Invalid data source",
                    format!(
                        "The provider {} does not support data source {type_name:?}.",
                        self.source
                    ),
                )
            })
    }
}

#[async_trait]
impl Provider for BuiltinProvider {
    fn name(&self) -> &str {
        self.inner.name
    }

    fn source(&self) -> &str {
        self.inner.source
    }

    fn schema(&self) -> &ProviderSchema {
        &self.inner.schema
    }

    fn validate(&self, req: ValidateRequest) -> ValidateResponse {
        let mut diagnostics = Diagnostics::new();
        let config = obj_of(req.config);
        match req.kind {
            ConfigKind::Provider => {}
            ConfigKind::Resource => match self.inner.resource(&req.type_name) {
                Ok(r) => {
                    if let Some(c) = config {
                        match r.specs().conform_owned(c) {
                            Ok(c) => {
                                r.specs().warn_deprecated(&c, &mut diagnostics);
                                r.validate(&c, &mut diagnostics);
                            }
                            Err(d) => diagnostics.extend(d),
                        }
                    }
                }
                Err(d) => diagnostics.extend(d),
            },
            ConfigKind::DataSource => match self.inner.data_source(&req.type_name) {
                Ok(r) => {
                    if let Some(c) = config {
                        match r.specs().conform_owned(c) {
                            Ok(c) => {
                                r.specs().warn_deprecated(&c, &mut diagnostics);
                                r.validate(&c, &mut diagnostics);
                            }
                            Err(d) => diagnostics.extend(d),
                        }
                    }
                }
                Err(d) => diagnostics.extend(d),
            },
        }
        ValidateResponse { diagnostics }
    }

    fn call_function(&self, req: CallFunctionRequest) -> CallFunctionResponse {
        let Some(f) = self.inner.functions.get(req.name.as_str()) else {
            return CallFunctionResponse {
                result: Value::dynamic_null(),
                error: Some((
                    format!(
                        "provider {} has no function named {:?}",
                        self.inner.source, req.name
                    ),
                    None,
                )),
            };
        };
        let sig = f.signature();
        if req.args.len() != sig.params.len() {
            return CallFunctionResponse {
                result: Value::null(sig.result),
                error: Some((
                    format!(
                        "function {} takes {} argument(s), got {}",
                        req.name,
                        sig.params.len(),
                        req.args.len()
                    ),
                    None,
                )),
            };
        }
        if req.args.iter().any(|a| !a.is_wholly_known()) {
            return CallFunctionResponse {
                result: Value::unknown(sig.result),
                error: None,
            };
        }
        if let Some(i) = req.args.iter().position(Value::is_null) {
            let name = sig.params.get(i).map(|p| p.0.clone()).unwrap_or_default();
            return CallFunctionResponse {
                result: Value::null(sig.result),
                error: Some((format!("argument {name:?} must not be null"), Some(i))),
            };
        }
        let args: Vec<Value> = req.args.into_iter().map(|a| a.unmark_deep().0).collect();
        match f.call(&args) {
            Ok(result) => CallFunctionResponse {
                result,
                error: None,
            },
            Err(e) => CallFunctionResponse {
                result: Value::null(sig.result),
                error: Some(e),
            },
        }
    }

    async fn configure(&self, _req: ConfigureRequest) -> ConfigureResponse {
        ConfigureResponse {
            provider: Some(Arc::new(Configured {
                inner: self.inner.clone(),
            })),
            diagnostics: Diagnostics::new(),
        }
    }
}

struct Configured {
    inner: Arc<Inner>,
}

#[async_trait]
impl ConfiguredProvider for Configured {
    async fn plan_change(&self, req: PlanChangeRequest) -> PlanChangeResponse {
        let r = match self.inner.resource(&req.type_name) {
            Ok(r) => r,
            Err(diagnostics) => {
                return PlanChangeResponse {
                    planned_state: req.prior_state,
                    diagnostics,
                    ..PlanChangeResponse::default()
                }
            }
        };
        let mut diagnostics = Diagnostics::new();
        let mut req = req;
        let Some(mut plan) = plan_attrs(r.specs(), &mut req) else {
            return PlanChangeResponse {
                planned_state: Value::null(r.specs().schema().block.implied_type()),
                ..PlanChangeResponse::default()
            };
        };
        if !r.specs().is_conformed(&plan.config) {
            match r.specs().conform(plan.config.clone()) {
                Ok(c) if c != plan.config => plan = plan_from(r.specs(), c, plan.prior),
                Ok(_) => {}
                Err(d) => {
                    return PlanChangeResponse {
                        planned_state: prior_value(req, plan.prior),
                        diagnostics: d,
                        ..PlanChangeResponse::default()
                    }
                }
            }
        }
        r.validate(&plan.config, &mut diagnostics);
        if !diagnostics.has_errors() {
            r.modify_plan(&mut plan, &mut diagnostics);
        }
        PlanChangeResponse {
            planned_state: r.specs().normalize(plan.planned).into_value(),
            requires_replace: plan.requires_replace,
            planned_private: Vec::new(),
            diagnostics,
        }
    }

    async fn apply_change(&self, req: ApplyChangeRequest) -> ApplyChangeResponse {
        let r = match self.inner.resource(&req.type_name) {
            Ok(r) => r,
            Err(diagnostics) => {
                return ApplyChangeResponse {
                    new_state: req.prior_state,
                    diagnostics,
                    ..ApplyChangeResponse::default()
                }
            }
        };
        let specs = r.specs();
        let null = || Value::null(specs.schema().block.implied_type());
        let prior = Obj::from_value(&req.prior_state);
        let planned = Obj::from_value(&req.planned_state);
        let (result, on_error) = match (prior, planned) {
            (None, None) => return ApplyChangeResponse::default(),
            (Some(p), None) => {
                let diagnostics = r.delete(p).await;
                let new_state = if diagnostics.has_errors() {
                    req.prior_state
                } else {
                    null()
                };
                return ApplyChangeResponse {
                    new_state,
                    private: Vec::new(),
                    diagnostics,
                };
            }
            (None, Some(planned)) => (r.create(planned).await, null()),
            (Some(p), Some(planned)) => (r.update(p, planned).await, req.prior_state.clone()),
        };
        match result {
            Ok(o) => {
                let v = specs.normalize(o).into_value();
                if v.is_wholly_known() {
                    ApplyChangeResponse {
                        new_state: v,
                        ..ApplyChangeResponse::default()
                    }
                } else {
                    let mut diagnostics = Diagnostics::new();
                    diagnostics.push(err(
                        "Provider produced invalid object",
                        format!(
                            "Provider {:?} left unknown values in the new state of {}. This is a bug in the provider.",
                            self.inner.source, req.type_name
                        ),
                    ));
                    ApplyChangeResponse {
                        new_state: on_error,
                        diagnostics,
                        ..ApplyChangeResponse::default()
                    }
                }
            }
            Err(diagnostics) => ApplyChangeResponse {
                new_state: on_error,
                diagnostics,
                ..ApplyChangeResponse::default()
            },
        }
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        let r = match self.inner.resource(&req.type_name) {
            Ok(r) => r,
            Err(diagnostics) => {
                return ReadResponse {
                    new_state: req.current_state,
                    private: req.private,
                    diagnostics,
                }
            }
        };
        if r.read_keeps_state() {
            let new_state = match req.current_state.kind {
                Kind::Object(m) => r.specs().normalize(Obj(m)).into_value(),
                kind => Value {
                    kind,
                    marks: req.current_state.marks,
                },
            };
            return ReadResponse {
                new_state,
                private: req.private,
                diagnostics: Diagnostics::new(),
            };
        }
        let Some(current) = Obj::from_value(&req.current_state) else {
            return ReadResponse {
                new_state: req.current_state,
                private: req.private,
                diagnostics: Diagnostics::new(),
            };
        };
        match r.read(current) {
            Ok(Some(o)) => ReadResponse {
                new_state: r.specs().normalize(o).into_value(),
                private: req.private,
                diagnostics: Diagnostics::new(),
            },
            Ok(None) => ReadResponse {
                new_state: Value::null(r.specs().schema().block.implied_type()),
                private: Vec::new(),
                diagnostics: Diagnostics::new(),
            },
            Err(diagnostics) => ReadResponse {
                new_state: req.current_state,
                private: req.private,
                diagnostics,
            },
        }
    }

    async fn read_data_source(&self, req: ReadDataSourceRequest) -> ReadDataSourceResponse {
        let d = match self.inner.data_source(&req.type_name) {
            Ok(d) => d,
            Err(diagnostics) => {
                return ReadDataSourceResponse {
                    state: Value::dynamic_null(),
                    diagnostics,
                }
            }
        };
        let Some(config) = Obj::from_value(&req.config) else {
            return ReadDataSourceResponse {
                state: Value::null(d.specs().schema().block.implied_type()),
                diagnostics: errs(
                    "Invalid data source configuration",
                    format!("The configuration of {} is not an object.", req.type_name),
                ),
            };
        };
        let config = match d.specs().conform(config) {
            Ok(c) => c,
            Err(diagnostics) => {
                return ReadDataSourceResponse {
                    state: Value::null(d.specs().schema().block.implied_type()),
                    diagnostics,
                }
            }
        };
        let mut diagnostics = Diagnostics::new();
        d.validate(&config, &mut diagnostics);
        if diagnostics.has_errors() {
            return ReadDataSourceResponse {
                state: Value::null(d.specs().schema().block.implied_type()),
                diagnostics,
            };
        }
        match d.read(d.specs().normalize(config)).await {
            Ok((o, warnings)) => {
                diagnostics.extend(warnings);
                ReadDataSourceResponse {
                    state: d.specs().normalize(o).into_value(),
                    diagnostics,
                }
            }
            Err(e) => {
                diagnostics.extend(e);
                ReadDataSourceResponse {
                    state: Value::null(d.specs().schema().block.implied_type()),
                    diagnostics,
                }
            }
        }
    }

    async fn import(&self, req: ImportRequest) -> ImportResponse {
        let r = match self.inner.resource(&req.type_name) {
            Ok(r) => r,
            Err(diagnostics) => {
                return ImportResponse {
                    imported: Vec::new(),
                    diagnostics,
                }
            }
        };
        match r.import(&req.id) {
            Ok(o) => ImportResponse {
                imported: vec![ImportedResource {
                    type_name: req.type_name,
                    state: r.specs().normalize(o).into_value(),
                    private: Vec::new(),
                }],
                diagnostics: Diagnostics::new(),
            },
            Err(diagnostics) => ImportResponse {
                imported: Vec::new(),
                diagnostics,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn map(entries: &[(&str, Option<&str>)]) -> Value {
        Value::map(
            Type::String,
            entries
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_string(),
                        v.map(Value::string).unwrap_or(Value::null(Type::String)),
                    )
                })
                .collect(),
        )
    }

    /// The shortcuts of `normalize` and `is_conformed` agree with the
    /// general paths.
    #[test]
    fn normalize_and_conform_shortcuts_agree_with_the_general_paths() {
        let o_ty = Type::object([("x".to_string(), Type::Dynamic)].into_iter().collect());
        let specs = Specs::new(
            "t",
            vec![
                Spec::optional("d", Type::Dynamic),
                Spec::optional("s", Type::String),
                Spec::optional("n", Type::Number),
                Spec::optional("m", Type::map(Type::String)),
                Spec::computed("o", o_ty.clone()),
            ],
        );
        let full = |s: Value, m: Value| {
            Obj([
                ("d", Value::string("x")),
                ("s", s),
                ("n", Value::null(Type::Number)),
                ("m", m),
                ("o", Value::null(o_ty.clone())),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect())
        };
        let mut missing = full(Value::string("a"), Value::null(Type::map(Type::String)));
        missing.0.remove("n");
        let mut extra = full(Value::string("a"), Value::null(Type::map(Type::String)));
        extra.set("zz", Value::bool(true));
        let cases = [
            full(Value::string("a"), Value::null(Type::map(Type::String))),
            full(Value::dynamic_null(), Value::null(Type::map(Type::String))),
            full(
                Value::null(Type::String).mark_sensitive(),
                Value::dynamic_null(),
            ),
            full(
                Value::string("a").mark_sensitive(),
                map(&[("k", Some("v"))]),
            ),
            full(
                Value::null(Type::Number),
                Value::null(Type::map(Type::Bool)),
            ),
            full(Value::bool(true), Value::unknown(Type::map(Type::String))),
            full(Value::number(terrane_value::Number::from_i64(3)), map(&[])),
            missing,
            extra,
            Obj::default(),
        ];
        for o in cases {
            assert_eq!(
                specs.normalize(o.clone()),
                specs.rebuild(o.clone()),
                "{o:?}"
            );
            if specs.is_conformed(&o) {
                assert_eq!(specs.conform(o.clone()).ok(), Some(o.clone()), "{o:?}");
            }
        }
        assert!(specs.is_conformed(&full(
            Value::string("a"),
            Value::null(Type::map(Type::String))
        )));
    }

    #[test]
    fn keepers_rule() {
        let null = Value::null(Type::map(Type::String));
        assert!(!values_not_null_changed(&null, &null));
        assert!(!values_not_null_changed(&null, &map(&[("a", None)])));
        assert!(values_not_null_changed(&null, &map(&[("a", Some("1"))])));
        assert!(values_not_null_changed(
            &map(&[("a", Some("1"))]),
            &map(&[("a", Some("2"))])
        ));
        assert!(!values_not_null_changed(
            &map(&[("a", Some("1"))]),
            &map(&[("a", Some("1")), ("b", None)])
        ));
        assert!(values_not_null_changed(
            &map(&[("a", Some("1"))]),
            &map(&[])
        ));
        assert!(values_not_null_changed(&map(&[("a", Some("1"))]), &null));
        assert!(!values_not_null_changed(&map(&[]), &null));
        let unknown = Value::unknown(Type::map(Type::String));
        assert!(!values_not_null_changed(&null, &unknown));
        assert!(values_not_null_changed(&map(&[("a", Some("1"))]), &unknown));
    }
}
