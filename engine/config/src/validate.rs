//! Static validation of a loaded configuration tree: references to
//! undeclared objects, misuse of `count`/`each`/`self`/`path`, self
//! references, module call arguments against the child's variables, and the
//! Terraform core version constraint — the checks `terraform validate` makes
//! before any provider is involved.

use crate::model::*;
use crate::refs::{RefStep, Reference};
use crate::types::{Version, VersionConstraint};
use crate::Config;
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Body, Structure};
use hcl_edit::Span;
use std::sync::Arc;
use terrane_addrs::ResourceMode;
use terrane_diagnostics::{Diagnostic, Diagnostics};

/// The Terraform version terrane is compatible with, for `required_version`.
pub const TERRAFORM_COMPATIBILITY_VERSION: &str = "1.11.4";

/// What a reference may use where it appears.
#[derive(Clone, Copy, Default)]
struct Allow {
    count: bool,
    each: bool,
    self_: bool,
    /// A precondition/postcondition (evaluated in its own scope).
    condition: bool,
}

struct Checker<'a> {
    config: &'a Config,
    module: &'a Module,
    /// `the root module` or `module.a.module.b`.
    where_: String,
    diags: &'a mut Diagnostics,
    /// References of the current evaluation unit (a block's arguments),
    /// checked together by [`Checker::end_unit`].
    unit: Vec<(Reference, Arc<crate::source::Src>, Allow, Option<String>)>,
    /// Function calls of the current unit.
    unit_calls: Vec<(crate::refs::FunctionCall, Arc<crate::source::Src>)>,
    /// Child module calls whose own validation reported errors.
    failed_children: std::collections::BTreeSet<String>,
}

/// References Terraform checks statically, before evaluating a block: to
/// resources, module calls and `self`. When any of them is wrong, Terraform
/// does not evaluate the block, so its other reference errors do not appear.
fn is_static(root: &str) -> bool {
    !matches!(
        root,
        "var" | "local" | "count" | "each" | "path" | "terraform"
    )
}

fn suggestion<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Terraform suggests a name within Levenshtein distance 2.
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(name, c), c))
        .filter(|(d, _)| *d < 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

impl Checker<'_> {
    fn report(
        &mut self,
        summary: &str,
        detail: String,
        src: &Arc<crate::source::Src>,
        span: std::ops::Range<usize>,
        help: Option<String>,
    ) {
        let mut d = Diagnostic::error(summary, detail).with_subject(src.range(span));
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.diags.push(d);
    }

    fn expr(
        &mut self,
        e: &Expression,
        src: &Arc<crate::source::Src>,
        allow: Allow,
        bound: &[String],
        owner: Option<&str>,
    ) {
        for r in crate::refs::references(e) {
            if bound.contains(&r.root) {
                continue;
            }
            self.unit
                .push((r, src.clone(), allow, owner.map(str::to_string)));
        }
        for c in crate::refs::function_calls(e) {
            self.unit_calls.push((c, src.clone()));
        }
    }

    /// Checks the references collected since the last call: static ones
    /// first, and the others only when those were all fine.
    fn end_unit(&mut self) {
        let unit = std::mem::take(&mut self.unit);
        let before = self.diags.len();
        for (r, src, allow, owner) in unit.iter().filter(|u| is_static(&u.0.root)) {
            self.reference(r, src, *allow, owner.as_deref());
        }
        if self.diags.len() > before {
            self.unit_calls.clear();
            return;
        }
        for (r, src, allow, owner) in unit.iter().filter(|u| !is_static(&u.0.root)) {
            self.reference(r, src, *allow, owner.as_deref());
        }
        for (c, src) in std::mem::take(&mut self.unit_calls) {
            self.function_call(&c, &src);
        }
    }

    /// Calls to functions Terraform does not have. Provider-defined functions
    /// (`provider::NAME::fn`) need the provider and are checked by the engine.
    fn function_call(&mut self, c: &crate::refs::FunctionCall, src: &Arc<crate::source::Src>) {
        let is_core = match c.namespace.as_slice() {
            [] => true,
            [ns] => ns == "core",
            _ => false,
        };
        if !is_core || function_exists(&c.name) {
            return;
        }
        let s = suggestion(
            &c.name,
            terrane_functions::names().chain(EVALUATOR_FUNCTIONS.iter().copied()),
        );
        let mut detail = format!("There is no function named {:?}.", c.name);
        if let Some(s) = s {
            detail.push_str(&format!(" Did you mean {s:?}?"));
        }
        self.report(
            "Call to unknown function",
            detail,
            src,
            c.span.clone(),
            s.map(|s| format!("did you mean `{s}`?")),
        );
    }

    fn reference(
        &mut self,
        r: &Reference,
        src: &Arc<crate::source::Src>,
        allow: Allow,
        owner: Option<&str>,
    ) {
        let m = self.module;
        let whole = r.span_through(r.steps.len());
        let attr0 = r.attr(0);
        match r.root.as_str() {
            "var" => {
                let Some(name) = attr0 else {
                    return self.no_attr(r, src, "var");
                };
                if !m.variables.contains_key(name) {
                    let s = suggestion(name, m.variables.keys().map(String::as_str));
                    let detail = match s {
                        Some(s) => format!("An input variable with the name {name:?} has not been declared. Did you mean {s:?}?"),
                        None => format!("An input variable with the name {name:?} has not been declared. This variable can be declared with a variable {name:?} {{}} block."),
                    };
                    self.report(
                        "Reference to undeclared input variable",
                        detail,
                        src,
                        r.span_through(1),
                        s.map(|s| format!("did you mean `var.{s}`?")),
                    );
                }
            }
            "local" => {
                let Some(name) = attr0 else {
                    return self.no_attr(r, src, "local");
                };
                if owner == Some(&format!("local.{name}")[..]) {
                    self.report("Self-referencing local value", format!("Local value local.{name} cannot use its own result as part of its expression."), src, r.span_through(1), None);
                } else if !m.locals.contains_key(name) {
                    let s = suggestion(name, m.locals.keys().map(String::as_str));
                    let mut detail =
                        format!("A local value with the name {name:?} has not been declared.");
                    if let Some(s) = s {
                        detail.push_str(&format!(" Did you mean {s:?}?"));
                    }
                    self.report(
                        "Reference to undeclared local value",
                        detail,
                        src,
                        r.span_through(1),
                        s.map(|s| format!("did you mean `local.{s}`?")),
                    );
                }
            }
            "module" => {
                let Some(name) = attr0 else {
                    return self.no_attr(r, src, "module");
                };
                if !m.module_calls.contains_key(name) {
                    let s = suggestion(name, m.module_calls.keys().map(String::as_str));
                    let mut detail = format!(
                        "No module call named {name:?} is declared in {}.",
                        self.where_
                    );
                    if let Some(s) = s {
                        detail.push_str(&format!(" Did you mean {s:?}?"));
                    }
                    let n = if matches!(r.steps.get(1), Some(RefStep::Attr(_))) {
                        2
                    } else {
                        1
                    };
                    self.report(
                        "Reference to undeclared module",
                        detail,
                        src,
                        r.span_through(n),
                        s.map(|s| format!("did you mean `module.{s}`?")),
                    );
                    return;
                }
                // An output of a loaded child: check it exists.
                let Some(child) = self.config.children.get(name) else {
                    return;
                };
                // A child whose own validation failed has unknown outputs
                // for Terraform, which then checks nothing about them.
                if self.failed_children.contains(name) {
                    return;
                }
                let mc = &m.module_calls[name];
                let keyed = mc.count.is_some() || mc.for_each.is_some();
                let out_step = if keyed { 2 } else { 1 };
                // With `for_each`, the instance keys are unknown during
                // validation, so `module.x.out` is not checked; with `count`
                // the value is a list and the attribute access is wrong.
                if mc.for_each.is_some() && matches!(r.steps.get(1), Some(RefStep::Attr(_))) {
                    return;
                }
                if keyed {
                    if let Some(RefStep::Attr(out)) = r.steps.get(1) {
                        self.report(
                            "Unsupported attribute",
                            format!("Can't access attributes on a list of objects. Did you mean to access attribute {out:?} for a specific element of the list, or across all elements of the list?"),
                            src,
                            r.span_through(1).end..r.span_through(2).end,
                            Some(format!("index the module first, e.g. `module.{name}[0].{out}`, or use a splat: `module.{name}[*].{out}`")),
                        );
                        return;
                    }
                }
                if let Some(RefStep::Attr(out)) = r.steps.get(out_step) {
                    if !child.module.outputs.contains_key(out) {
                        let s = suggestion(out, child.module.outputs.keys().map(String::as_str));
                        let mut detail =
                            format!("This object does not have an attribute named {out:?}.");
                        if let Some(s) = s {
                            detail.push_str(&format!(" Did you mean {s:?}?"));
                        }
                        self.report(
                            "Unsupported attribute",
                            detail,
                            src,
                            r.span_through(out_step).end..r.span_through(out_step + 1).end,
                            None,
                        );
                    }
                }
            }
            "count" => {
                if attr0 != Some("index") {
                    return self.report("Invalid \"count\" attribute", format!("The \"count\" object does not have an attribute named {:?}. The only supported attribute is count.index, which is the index of each instance of a resource block that has the \"count\" argument set.", attr0.unwrap_or("")), src, whole, None);
                }
                if !allow.count {
                    self.report("Reference to \"count\" in non-counted context", "The \"count\" object can only be used in \"module\", \"resource\", and \"data\" blocks, and only when the \"count\" argument is set.".into(), src, r.span_through(1), None);
                }
            }
            "each" => {
                if !matches!(attr0, Some("key" | "value")) {
                    return self.report("Invalid \"each\" attribute", format!("The \"each\" object does not have an attribute named {:?}. The supported attributes are each.key and each.value, the current key and value pair of the \"for_each\" attribute set.", attr0.unwrap_or("")), src, whole, None);
                }
                if !allow.each && attr0 == Some("value") {
                    self.report("each.value cannot be used in this context", "A reference to \"each.value\" has been used in a context in which it is unavailable, such as when the configuration no longer contains the value in its \"for_each\" expression. Remove this reference to each.value in your configuration to work around this error.".into(), src, r.span_through(1), None);
                } else if !allow.each {
                    self.report("Reference to \"each\" in context without for_each", "The \"each\" object can be used only in \"module\" or \"resource\" blocks, and only when the \"for_each\" argument is set.".into(), src, r.span_through(1), None);
                }
            }
            "self" => {
                if !allow.self_ {
                    self.report("Invalid \"self\" reference", "The \"self\" object is not available in this context. This object can be used only in resource provisioner, connection, and postcondition blocks.".into(), src, r.span_through(0), None);
                    if allow.condition {
                        // Conditions are evaluated in a scope without `self`,
                        // so Terraform also reports the unknown name.
                        self.report(
                            "Unknown variable",
                            "There is no variable named \"self\".".into(),
                            src,
                            r.span_through(0),
                            None,
                        );
                    }
                }
            }
            "path" => {
                if !matches!(attr0, Some("module" | "root" | "cwd")) {
                    let name = attr0.unwrap_or("");
                    let detail = match suggestion(name, ["module", "root", "cwd"]) {
                        Some(s) => format!("The \"path\" object does not have an attribute named {name:?}. Did you mean {s:?}?"),
                        None => format!("The \"path\" object does not have an attribute named {name:?}. The supported attributes are path.module, path.root, and path.cwd."),
                    };
                    self.report("Invalid \"path\" attribute", detail, src, whole, None);
                }
            }
            "terraform" => {
                if !matches!(attr0, Some("workspace" | "applying")) {
                    self.report("Invalid \"terraform\" attribute", format!("The \"terraform\" object does not have an attribute named {:?}. The only supported attributes are terraform.workspace, the name of the currently-selected workspace, and terraform.applying, a boolean which is true only during apply.", attr0.unwrap_or("")), src, whole, None);
                }
            }
            "data" | "ephemeral" => {
                let mode = if r.root == "data" {
                    ResourceMode::Data
                } else {
                    ResourceMode::Ephemeral
                };
                let (Some(ty), Some(name)) = (attr0, r.attr(1)) else {
                    return self.report("Invalid reference", format!("The \"{}\" object must be followed by two attribute names: the {} type and the resource name.", r.root, r.root), src, whole, None);
                };
                self.resource_ref(mode, ty, name, src, r.span_through(2), owner);
            }
            ty => {
                let Some(name) = attr0 else {
                    return self.report("Invalid reference", "A reference to a resource type must be followed by at least one attribute access, specifying the resource name.".into(), src, r.span_through(0), None);
                };
                self.resource_ref(
                    ResourceMode::Managed,
                    ty,
                    name,
                    src,
                    r.span_through(1),
                    owner,
                );
            }
        }
    }

    fn no_attr(&mut self, r: &Reference, src: &Arc<crate::source::Src>, what: &str) {
        self.report("Invalid reference", format!("The {what:?} object cannot be accessed directly. Instead, access one of its attributes."), src, r.span_through(0), None);
    }

    fn resource_ref(
        &mut self,
        mode: ResourceMode,
        ty: &str,
        name: &str,
        src: &Arc<crate::source::Src>,
        span: std::ops::Range<usize>,
        owner: Option<&str>,
    ) {
        let addr = terrane_addrs::Resource::new(mode, ty, name);
        if owner.is_some_and(|o| is_resource_addr(o, mode, ty, name)) {
            return self.report(
                "Self-referential block",
                format!("Configuration for {addr} may not refer to itself."),
                src,
                span,
                None,
            );
        }
        let declared = self.module.resources.contains_key(&addr)
            || (mode == ResourceMode::Data
                && self
                    .module
                    .checks
                    .values()
                    .any(|c| c.data.as_ref().is_some_and(|d| d.addr == addr)));
        if declared {
            return;
        }
        let same_type = self
            .module
            .resources
            .keys()
            .filter(|k| k.mode == mode && k.type_name == ty)
            .map(|k| k.name.as_str());
        let s = suggestion(name, same_type);
        let kind = match mode {
            ResourceMode::Managed => "managed resource",
            ResourceMode::Data => "data resource",
            ResourceMode::Ephemeral => "ephemeral resource",
        };
        let mut detail = format!(
            "A {kind} {ty:?} {name:?} has not been declared in {}.",
            self.where_
        );
        if let Some(s) = s {
            detail.push_str(&format!(" Did you mean {s:?}?"));
        }
        let prefix = match mode {
            ResourceMode::Managed => String::new(),
            ResourceMode::Data => "data.".into(),
            ResourceMode::Ephemeral => "ephemeral.".into(),
        };
        self.report(
            "Reference to undeclared resource",
            detail,
            src,
            span,
            s.map(|s| format!("did you mean `{prefix}{ty}.{s}`?")),
        );
    }

    /// Walks a raw body (a resource's or provider's arguments), binding
    /// `dynamic` block iterators.
    fn body(
        &mut self,
        body: &Body,
        src: &Arc<crate::source::Src>,
        allow: Allow,
        bound: &mut Vec<String>,
        owner: Option<&str>,
    ) {
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => self.expr(&a.value, src, allow, bound, owner),
                Structure::Block(b) if b.ident.as_str() == "dynamic" => {
                    let iter_name = b
                        .body
                        .get_attribute("iterator")
                        .and_then(|a| match &a.value {
                            Expression::Variable(v) => Some(v.as_str().to_string()),
                            _ => None,
                        })
                        .or_else(|| b.labels.first().map(|l| l.as_str().to_string()))
                        .unwrap_or_default();
                    for inner in b.body.iter() {
                        match inner {
                            Structure::Attribute(a) if a.key.as_str() == "for_each" => {
                                self.expr(&a.value, src, allow, bound, owner)
                            }
                            Structure::Attribute(a) if a.key.as_str() == "iterator" => {}
                            Structure::Attribute(a) => {
                                bound.push(iter_name.clone());
                                self.expr(&a.value, src, allow, bound, owner);
                                bound.pop();
                            }
                            Structure::Block(content) => {
                                bound.push(iter_name.clone());
                                self.body(&content.body, src, allow, bound, owner);
                                bound.pop();
                            }
                        }
                    }
                }
                Structure::Block(b) => self.body(&b.body, src, allow, bound, owner),
            }
        }
    }

    fn raw(&mut self, body: &RawBody, allow: Allow, owner: Option<&str>) {
        for (src, b) in &body.parts {
            self.body(b, src, allow, &mut Vec::new(), owner);
        }
    }

    fn e(&mut self, e: &Expr, allow: Allow, owner: Option<&str>) {
        self.expr(&e.expr, &e.src, allow, &[], owner);
    }

    fn depends_on(&mut self, list: &[Expr]) {
        for e in list {
            let parsed;
            let expr = match &e.expr {
                Expression::String(s) => match hcl_edit::parser::parse_expr(s.value()) {
                    Ok(p) => {
                        parsed = p;
                        &parsed
                    }
                    Err(_) => continue,
                },
                other => other,
            };
            // Entries must name whole objects, not attributes of them.
            if let (Some(r), Expression::Traversal(_)) =
                (crate::refs::references(expr).last(), expr)
            {
                let names = match r.root.as_str() {
                    "data" | "ephemeral" => 2,
                    _ => 1,
                };
                let mut whole = names;
                if matches!(
                    r.steps.get(whole),
                    Some(RefStep::Index(_) | RefStep::Key(_))
                ) {
                    whole += 1;
                }
                let is_object = !matches!(
                    r.root.as_str(),
                    "var" | "local" | "path" | "terraform" | "count" | "each" | "self"
                );
                if is_object && r.steps.len() > whole && matches!(e.expr, Expression::Traversal(_))
                {
                    self.report(
                        "Invalid depends_on reference",
                        "References in depends_on must be to a whole object (resource, etc), not to an attribute of an object.".into(),
                        &e.src,
                        r.span_through(whole).end..r.span_through(r.steps.len()).end,
                        Some(format!("depend on `{}` instead", expr.to_string().trim().get(..r.span_through(whole).len()).unwrap_or(""))),
                    );
                    continue;
                }
            }
            // Quoted references have no useful spans: report on the string.
            for r in crate::refs::references(expr) {
                if matches!(
                    r.root.as_str(),
                    "var" | "local" | "count" | "each" | "path" | "terraform" | "self"
                ) {
                    continue;
                }
                let r = if matches!(e.expr, Expression::String(_)) {
                    let span = e.expr.span().unwrap_or(0..0);
                    Reference {
                        root_span: span.clone(),
                        step_ends: vec![span.end; r.steps.len()],
                        ..r
                    }
                } else {
                    r
                };
                self.reference(&r, &e.src, Allow::default(), None);
            }
        }
    }

    fn module(&mut self) {
        let m = self.module;
        for l in m.locals.values() {
            let owner = format!("local.{}", l.name);
            self.e(&l.expr, Allow::default(), Some(&owner));
            self.end_unit();
        }
        for o in m.outputs.values() {
            if let Some(v) = &o.value {
                self.e(v, Allow::default(), None);
            }
            for p in &o.preconditions {
                self.e(&p.condition, Allow::default(), None);
                self.e(&p.error_message, Allow::default(), None);
            }
            self.end_unit();
            self.depends_on(&o.depends_on);
        }
        for p in m.providers.values() {
            self.raw(
                &p.body,
                Allow {
                    each: true,
                    ..Allow::default()
                },
                None,
            );
            self.end_unit();
        }
        for r in m.resources.values() {
            let owner = r.addr.to_string();
            let allow = Allow {
                count: r.count.is_some(),
                each: r.for_each.is_some(),
                ..Allow::default()
            };
            if let Some(c) = &r.count {
                self.e(c, Allow::default(), Some(&owner));
            }
            if let Some(f) = &r.for_each {
                self.e(f, Allow::default(), Some(&owner));
            }
            self.end_unit();
            self.raw(&r.body, allow, Some(&owner));
            self.end_unit();
            self.depends_on(&r.depends_on);
            let with_self = Allow {
                self_: true,
                ..allow
            };
            let cond = Allow {
                condition: true,
                ..allow
            };
            for p in &r.lifecycle.preconditions {
                self.e(&p.condition, cond, None);
                self.e(&p.error_message, cond, None);
            }
            for p in &r.lifecycle.postconditions {
                self.e(&p.condition, with_self, None);
                self.e(&p.error_message, with_self, None);
            }
            for t in &r.lifecycle.replace_triggered_by {
                self.e(t, allow, Some(&owner));
            }
            if let Some(c) = &r.connection {
                self.raw(c, with_self, None);
            }
            for p in &r.provisioners {
                self.raw(&p.body, with_self, None);
                if let Some(c) = &p.connection {
                    self.raw(c, with_self, None);
                }
            }
            self.end_unit();
        }
        for mc in m.module_calls.values() {
            // Module arguments are evaluated for the not-yet-expanded call,
            // where `count.index` and `each` are unknown rather than wrong.
            let allow = Allow {
                count: true,
                each: true,
                ..Allow::default()
            };
            for e in [&mc.count, &mc.for_each].into_iter().flatten() {
                self.e(e, Allow::default(), None);
            }
            self.end_unit();
            for e in mc.inputs.values() {
                self.e(e, allow, None);
            }
            self.end_unit();
            self.depends_on(&mc.depends_on);
            self.module_inputs(mc);
            self.module_providers(mc);
        }
        for c in m.checks.values() {
            if let Some(d) = &c.data {
                self.raw(&d.body, Allow::default(), None);
            }
            for a in &c.asserts {
                self.e(&a.condition, Allow::default(), None);
                self.e(&a.error_message, Allow::default(), None);
            }
            self.end_unit();
        }
        for i in &m.imports {
            let allow = Allow {
                each: i.for_each.is_some(),
                ..Allow::default()
            };
            if let Some(id) = &i.id {
                self.e(id, allow, None);
            }
            if let Some(f) = &i.for_each {
                self.e(f, Allow::default(), None);
            }
            self.end_unit();
        }
        // Nothing collected may be left unchecked.
        self.end_unit();
    }

    /// A module call's `providers` map: parent configurations must exist,
    /// and the child should declare the names it receives.
    fn module_providers(&mut self, mc: &ModuleCall) {
        let m = self.module;
        for (child_ref, parent_ref) in &mc.providers {
            if let Some(alias) = &parent_ref.config.alias {
                let name = &parent_ref.config.local_name;
                let declared = m.providers.contains_key(&format!("{name}.{alias}"))
                    || m.terraform.required_providers.get(name).is_some_and(|rp| {
                        rp.configuration_aliases
                            .iter()
                            .any(|c| c.alias.as_deref() == Some(alias.as_str()))
                    });
                if !declared {
                    let abs = terrane_addrs::AbsProviderConfig {
                        module: self.config.path.clone(),
                        provider: m.provider_for_local_name(name),
                        alias: Some(alias.clone()),
                    };
                    self.diags.push(
                        Diagnostic::error(format!("missing provider {abs}"), "")
                            .with_help(format!("declare `provider \"{name}\" {{ alias = \"{alias}\" }}` in this module")),
                    );
                }
            }
            let Some(child) = self.config.children.get(&mc.name) else {
                continue;
            };
            let local = &child_ref.config.local_name;
            if child
                .module
                .terraform
                .required_providers
                .contains_key(local)
            {
                continue;
            }
            let key = child_ref.config.to_string();
            let r = &child_ref.range;
            let range = terrane_diagnostics::SourceRange {
                filename: r.filename.clone(),
                start: r.start,
                end: terrane_diagnostics::Pos {
                    line: r.start.line,
                    column: r.start.column + local.chars().count(),
                    byte: r.start.byte + local.len(),
                },
            };
            self.diags.push(
                Diagnostic::warning(
                    "Reference to undefined provider",
                    format!("There is no explicit declaration for local provider name {key:?} in {}, so Terraform is assuming you mean to pass a configuration for \"hashicorp/{local}\".\n\nIf you also control the child module, add a required_providers entry named {key:?} with the source address \"hashicorp/{local}\".", child.path),
                )
                .with_subject(range),
            );
        }
    }

    /// Module call arguments against the child's variables.
    fn module_inputs(&mut self, mc: &ModuleCall) {
        let Some(child) = self.config.children.get(&mc.name) else {
            return;
        };
        let vars = &child.module.variables;
        for (name, e) in &mc.inputs {
            if !vars.contains_key(name) {
                let s = suggestion(name, vars.keys().map(String::as_str));
                let mut detail = format!("An argument named {name:?} is not expected here.");
                if let Some(s) = s {
                    detail.push_str(&format!(" Did you mean {s:?}?"));
                }
                let range = mc
                    .input_name_ranges
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| e.range());
                let mut d = Diagnostic::error("Unsupported argument", detail).with_subject(range);
                if let Some(s) = s {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                self.diags.push(d);
            }
        }
        for (name, v) in vars {
            if v.required() && !mc.inputs.contains_key(name) {
                self.diags.push(
                    Diagnostic::error(
                        "Missing required argument",
                        format!("The argument {name:?} is required, but no definition was found."),
                    )
                    .with_subject(mc.body_range.clone()),
                );
            }
        }
    }
}

/// Checks `terraform { required_version }` of every module against
/// [`TERRAFORM_COMPATIBILITY_VERSION`].
pub fn check_core_version(config: &Config, diags: &mut Diagnostics) {
    let ours = Version::parse(TERRAFORM_COMPATIBILITY_VERSION);
    for (s, range) in &config.module.terraform.required_versions {
        let ok = match (VersionConstraint::parse(s), &ours) {
            (Some(c), Some(v)) => c.allows(v),
            _ => true,
        };
        if !ok {
            diags.push(
                Diagnostic::error(
                    "Unsupported Terraform Core version",
                    format!("This configuration does not support Terraform version {TERRAFORM_COMPATIBILITY_VERSION}. To proceed, either choose another supported Terraform version or update this version constraint. Version constraints are normally set for good reason, so updating the constraint may lead to other errors or unexpected behavior."),
                )
                .with_subject(range.clone())
                .with_help(format!("terrane implements the Terraform language of version {TERRAFORM_COMPATIBILITY_VERSION}")),
            );
        }
    }
    for child in config.children.values() {
        check_core_version(child, diags);
    }
}

/// Functions the evaluator itself provides (they need its scope or special
/// handling of errors), beside the library in `terrane-functions`.
const EVALUATOR_FUNCTIONS: &[&str] = &[
    "try",
    "can",
    "templatefile",
    "templatestring",
    "type",
    "plantimestamp",
    "abspath",
];

/// True for a function Terraform 1.11 has.
pub fn function_exists(name: &str) -> bool {
    terrane_functions::exists(name) || EVALUATOR_FUNCTIONS.contains(&name)
}

/// Provisioners Terraform has built in.
const BUILTIN_PROVISIONERS: &[&str] = &["local-exec", "remote-exec", "file"];

/// Features terrane reads but does not act on (warnings), and provisioner
/// types no engine provides (errors, as Terraform reports them).
fn unsupported_features(m: &Module, path: &terrane_addrs::ModulePath, diags: &mut Diagnostics) {
    if let Some(r) = &m.terraform.cloud {
        diags.push(
            Diagnostic::warning(
                "HCP Terraform is not supported",
                "terrane ignores the \"cloud\" block: state is kept by the configured backend, or locally when there is none.",
            )
            .with_subject(r.clone())
            .with_help("use a \"backend\" block (local, pg or s3) to share state"),
        );
    }
    let mut missing = std::collections::BTreeSet::new();
    for r in m.resources.values() {
        provider_present(m, path, r, diags);
        for p in &r.provisioners {
            if !BUILTIN_PROVISIONERS.contains(&p.type_name.as_str()) {
                missing.insert(p.type_name.clone());
            } else if p.type_name != "local-exec" {
                diags.push(
                    Diagnostic::warning(
                        "Provisioner not supported yet",
                        format!("terrane runs only \"local-exec\" provisioners so far; this {:?} provisioner (and its connection settings) will not run.", p.type_name),
                    )
                    .with_subject(p.decl_range.clone())
                    .with_address(r.addr.to_string()),
                );
            }
        }
    }
    for name in missing {
        diags.push(Diagnostic::error(
            "Missing required provisioner plugin",
            format!("This configuration requires provisioner plugin {name:?}, which isn't available. If you're intending to use an external provisioner plugin, you must install it manually into one of the plugin search directories before running Terraform."),
        ));
    }
}

/// A resource's `provider = NAME.ALIAS` must name a configuration the module
/// declares (a `provider` block or a `configuration_aliases` entry).
fn provider_present(
    m: &Module,
    path: &terrane_addrs::ModulePath,
    r: &ResourceBlock,
    diags: &mut Diagnostics,
) {
    let Some(p) = &r.provider else { return };
    let Some(alias) = &p.config.alias else { return };
    let name = &p.config.local_name;
    let declared = m.providers.contains_key(&format!("{name}.{alias}"))
        || m.terraform.required_providers.get(name).is_some_and(|rp| {
            rp.configuration_aliases
                .iter()
                .any(|c| c.alias.as_deref() == Some(alias.as_str()))
        });
    if declared {
        return;
    }
    let abs = terrane_addrs::AbsProviderConfig {
        module: path.clone(),
        provider: m.provider_for_local_name(name),
        alias: Some(alias.clone()),
    };
    let addr = if path.is_root() {
        r.addr.to_string()
    } else {
        format!("{path}.{}", r.addr)
    };
    diags.push(
        Diagnostic::error(
            "Provider configuration not present",
            format!("To work with {addr} its original provider configuration at {abs} is required, but it has been removed. This occurs when a provider configuration is removed while objects created by that provider still exist in the state. Re-add the provider configuration to destroy {addr}, after which you can remove the provider configuration again."),
        )
        .with_help(format!("add a `provider \"{name}\"` block with `alias = \"{alias}\"`, or declare it in `configuration_aliases`")),
    );
}

/// Cycles among local values (a local referring to itself is reported as a
/// self-reference instead). Terraform reports these while building its graph,
/// as `Cycle: local.a (expand), local.b (expand)`, and stops there.
fn local_cycles(m: &Module) -> Vec<Vec<String>> {
    let names: Vec<&String> = m.locals.keys().collect();
    let index: std::collections::HashMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let edges: Vec<Vec<usize>> = names
        .iter()
        .map(|n| {
            m.locals[*n]
                .expr
                .references()
                .iter()
                .filter(|r| r.root == "local")
                .filter_map(|r| r.attr(0).and_then(|a| index.get(a).copied()))
                .collect()
        })
        .collect();
    // Tarjan's strongly connected components, iteratively.
    let n = names.len();
    let (mut idx, mut low, mut on) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut out, mut counter) = (Vec::new(), Vec::new(), 0);
    for root in 0..n {
        if idx[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some((v, ei)) = work.pop() {
            if ei == 0 {
                idx[v] = counter;
                low[v] = counter;
                counter += 1;
                stack.push(v);
                on[v] = true;
            }
            if let Some(&w) = edges[v].get(ei) {
                work.push((v, ei + 1));
                if idx[w] == usize::MAX {
                    work.push((w, 0));
                } else if on[w] {
                    low[v] = low[v].min(idx[w]);
                }
                continue;
            }
            if low[v] == idx[v] {
                let mut comp = Vec::new();
                while let Some(w) = stack.pop() {
                    on[w] = false;
                    comp.push(w);
                    if w == v {
                        break;
                    }
                }
                if comp.len() > 1 {
                    let mut c: Vec<String> = comp.iter().map(|&i| names[i].clone()).collect();
                    c.sort();
                    out.push(c);
                }
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
        }
    }
    out.sort();
    out
}

/// Validates every module of the tree.
pub fn validate_tree(config: &Config, diags: &mut Diagnostics) {
    let cycles = local_cycles(&config.module);
    if !cycles.is_empty() {
        for c in cycles {
            let nodes: Vec<String> = c.iter().map(|n| format!("local.{n} (expand)")).collect();
            diags.push(Diagnostic::error(
                format!("Cycle: {}", nodes.join(", ")),
                "",
            ));
        }
        return;
    }
    let before = diags.len();
    unsupported_features(&config.module, &config.path, diags);
    // Missing plugins and provider configurations stop Terraform before it
    // walks the configuration, so nothing else is reported after them.
    let stops = [
        "Missing required provisioner plugin",
        "Provider configuration not present",
    ];
    if diags
        .iter()
        .skip(before)
        .any(|d| stops.contains(&d.summary.as_str()))
    {
        return;
    }
    if config.path.is_root() {
        for o in config.module.outputs.values().filter(|o| o.ephemeral) {
            diags.push(
                Diagnostic::error(
                    "Ephemeral output not allowed",
                    "Ephemeral outputs are not allowed in context of a root module",
                )
                .with_subject(o.decl_range.clone()),
            );
        }
    }
    // Children first: a parent's references to a failed child's outputs
    // are not checked (Terraform sees them as unknown).
    let mut failed_children = std::collections::BTreeSet::new();
    for (name, child) in &config.children {
        let before = diags.len();
        validate_tree(child, diags);
        if diags.iter().skip(before).any(|d| d.is_error()) {
            failed_children.insert(name.clone());
        }
    }
    let where_ = if config.path.is_root() {
        "the root module".to_string()
    } else {
        config.path.to_string()
    };
    let mut c = Checker {
        config,
        module: &config.module,
        where_,
        diags,
        unit: Vec::new(),
        unit_calls: Vec::new(),
        failed_children,
    };
    c.module();
}

/// True when `text` is the address `mode`, `ty`, `name` display as
/// (`[data.]TYPE.NAME`), compared without writing the address out.
fn is_resource_addr(text: &str, mode: ResourceMode, ty: &str, name: &str) -> bool {
    let prefix = match mode {
        ResourceMode::Managed => "",
        ResourceMode::Data => "data.",
        ResourceMode::Ephemeral => "ephemeral.",
    };
    text.strip_prefix(prefix)
        .and_then(|t| t.strip_prefix(ty))
        .and_then(|t| t.strip_prefix('.'))
        == Some(name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn resource_addresses_compare_as_displayed() {
        use terrane_addrs::ResourceMode;
        for mode in [
            ResourceMode::Managed,
            ResourceMode::Data,
            ResourceMode::Ephemeral,
        ] {
            let shown = terrane_addrs::Resource::new(mode, "t_x", "n").to_string();
            assert!(super::is_resource_addr(&shown, mode, "t_x", "n"));
            for other in [
                "t_x.n2",
                "data.t_x.n",
                "t_x.n.x",
                "t.x.n",
                "ephemeral.t_x.m",
                "",
            ] {
                assert_eq!(
                    super::is_resource_addr(other, mode, "t_x", "n"),
                    other == shown
                );
            }
        }
    }

    /// Every function the Terraform 1.11 expression corpus calls (outside
    /// its error cases for removed functions) is known.
    #[test]
    fn terraform_functions_are_known() {
        let names = "abs alltrue anytrue base64decode base64encode base64gzip base64sha256 base64sha512 basename bcrypt can ceil chomp chunklist cidrhost cidrnetmask cidrsubnet cidrsubnets coalesce coalescelist compact concat contains csvdecode dirname distinct element endswith ephemeralasnull file filebase64 filebase64sha256 filebase64sha512 fileexists filemd5 fileset filesha1 filesha256 filesha512 flatten floor format formatdate formatlist indent index issensitive join jsondecode jsonencode keys length log lookup lower matchkeys max md5 merge min nonsensitive one parseint pathexpand pow range regex regexall replace reverse rsadecrypt sensitive setintersection setproduct setsubtract setunion sha1 sha256 sha512 signum slice sort split startswith strcontains strrev substr sum templatefile templatestring textdecodebase64 textencodebase64 timeadd timecmp timestamp title tobool tolist tomap tonumber toset tostring transpose trim trimprefix trimspace trimsuffix try type upper urlencode uuid uuidv5 values yamldecode yamlencode zipmap abspath plantimestamp";
        let missing: Vec<&str> = names
            .split(' ')
            .filter(|n| !super::function_exists(n))
            .collect();
        assert!(missing.is_empty(), "{missing:?}");
        assert!(!super::function_exists("lenght"));
    }
}
