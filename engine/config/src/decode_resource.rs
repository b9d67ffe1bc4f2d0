//! Decoders for resource-like blocks and the refactoring blocks.

use super::super::*;
use super::{name_detail, REMOVED_PROVISIONERS};

/// A parsed `moved`/`import`/`removed` address.
#[derive(Default)]
struct TargetAddr {
    /// One entry per module step: whether it has an instance key.
    module_keys: Vec<bool>,
    /// The resource, if any: mode, whether keyed, and the key's range.
    resource: Option<(ResourceMode, bool, SourceRange)>,
}

/// Meta-arguments of resource blocks (not passed to the provider).
const RESOURCE_META_ARGS: &[&str] = &["count", "for_each", "depends_on", "provider"];
/// Block types of resource blocks Terraform handles itself (`locals` is
/// reserved and reported).
const RESOURCE_META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection", "locals"];

/// References allowed in destroy-time provisioners and their connections.
pub(crate) fn destroy_refs_ok(root: &str) -> bool {
    matches!(root, "self" | "count" | "each" | "path" | "terraform")
}

impl Decoder<'_> {
    pub(in crate::decode) fn resource(
        &mut self,
        mut b: Block,
        mode: ResourceMode,
    ) -> Option<Decoded<ResourceBlock>> {
        let l = self.labels(&b, &["type", "name"])?;
        let what = match mode {
            ResourceMode::Managed => "resource",
            ResourceMode::Data => "data source",
            ResourceMode::Ephemeral => "ephemeral resource",
        };
        if !is_valid_name(&l[0]) {
            self.err(
                &format!("Invalid {what} type name"),
                name_detail(),
                self.label_range(&b, 0),
            );
            return None;
        }
        if !is_valid_name(&l[1]) {
            self.err(
                &format!("Invalid {what} name"),
                name_detail(),
                self.label_range(&b, 1),
            );
            return None;
        }
        let c = self.content(
            &b.body,
            RESOURCE_META_ARGS,
            &RESOURCE_META_BLOCKS[..3],
            true,
        );
        let addr = Resource::new(mode, l[0].clone(), l[1].clone());
        let mut set = SetFields::new();
        let mut r = ResourceBlock {
            addr: addr.clone(),
            count: None,
            for_each: None,
            depends_on: Vec::new(),
            provider: None,
            lifecycle: Lifecycle::default(),
            provisioners: Vec::new(),
            connection: None,
            body: RawBody::default(),
            decl_range: self.decl_range(&b),
            type_range: self.label_range(&b, 0),
        };
        if let Some(a) = c.attr("count") {
            set.insert("count");
            r.count = Some(self.expr(&a.value));
        }
        if let Some(a) = c.attr("for_each") {
            set.insert("for_each");
            r.for_each = Some(self.expr(&a.value));
            if r.count.is_some() {
                self.count_and_for_each(a);
            }
        }
        if let Some(a) = c.attr("depends_on") {
            set.insert("depends_on");
            r.depends_on = self.depends_on(a);
        }
        if let Some(a) = c.attr("provider") {
            set.insert("provider");
            r.provider = self.provider_ref(a);
        }
        let mut escape_seen = false;
        for s in c.rest.iter() {
            match s {
                Structure::Block(blk) if blk.ident.as_str() == "locals" => self.err(
                    "Reserved block type name in resource block",
                    "The block type name \"locals\" is reserved for use by Terraform in a future version.",
                    self.range(&blk.ident),
                ),
                Structure::Block(blk) if blk.ident.as_str() == "_" => {
                    if escape_seen {
                        self.err("Duplicate escaping block", "The special block type \"_\" can be used to force particular arguments to be interpreted as resource-type-specific rather than as meta-arguments, but each resource block can have only one such block.", self.range(&blk.ident));
                    }
                    escape_seen = true;
                }
                _ => {}
            }
        }
        let mut lifecycle_seen: Option<SourceRange> = None;
        for lb in c.blocks_of("lifecycle") {
            if let Some(prev) = &lifecycle_seen {
                self.err(
                    "Duplicate lifecycle block",
                    format!(
                        "This resource already has a lifecycle block at {}.",
                        super::short(prev)
                    ),
                    self.range(&lb.ident),
                );
                continue;
            }
            lifecycle_seen = Some(self.range(&lb.ident));
            set.insert("lifecycle");
            let lset = self.lifecycle(lb, mode, &addr, &mut r.lifecycle);
            set.extend(lset);
        }
        let mut conn_seen: Option<SourceRange> = None;
        for cb in c.blocks_of("connection") {
            if mode != ResourceMode::Managed {
                self.err(
                    "Unsupported block type",
                    "Blocks of type \"connection\" are not expected here.",
                    self.range(&cb.ident),
                );
                continue;
            }
            if let Some(prev) = &conn_seen {
                self.err(
                    "Duplicate connection block",
                    format!(
                        "This resource already has a connection block at {}.",
                        super::short(prev)
                    ),
                    self.range(&cb.ident),
                );
                continue;
            }
            conn_seen = Some(self.range(&cb.ident));
            set.insert("connection");
            r.connection = Some(RawBody::new(self.src.clone(), cb.body.clone()));
        }
        for pb in c.blocks_of("provisioner") {
            if mode != ResourceMode::Managed {
                self.err(
                    "Unsupported block type",
                    "Blocks of type \"provisioner\" are not expected here.",
                    self.range(&pb.ident),
                );
                continue;
            }
            set.insert("provisioners");
            if let Some(p) = self.provisioner(pb) {
                r.provisioners.push(p);
            }
        }
        if r.provisioners
            .iter()
            .any(|p| p.when == ProvisionerWhen::Destroy)
        {
            if let Some(conn) = c.blocks_of("connection").next() {
                self.destroy_refs(&conn.body);
            }
        }
        // The rest of the body is kept for the provider schema: moved, not
        // cloned, out of the block (configurations can be large).
        drop(c);
        let mut rest = Body::new();
        let mut escape_used = false;
        for s in std::mem::take(&mut b.body) {
            match s {
                Structure::Attribute(a) if RESOURCE_META_ARGS.contains(&a.key.as_str()) => {}
                Structure::Block(blk) if RESOURCE_META_BLOCKS.contains(&blk.ident.as_str()) => {}
                Structure::Block(blk) if blk.ident.as_str() == "_" => {
                    if !escape_used {
                        escape_used = true;
                        for inner in blk.body {
                            rest.push(inner);
                        }
                    }
                }
                other => rest.push(other),
            }
        }
        r.body = RawBody::new(self.src.clone(), rest);
        Some(Decoded { value: r, set })
    }

    /// Reports references a destroy-time provisioner may not make.
    fn destroy_refs(&mut self, body: &Body) {
        for s in body.iter() {
            match s {
                Structure::Attribute(a) if matches!(a.key.as_str(), "when" | "on_failure") => {}
                Structure::Attribute(a) => {
                    // One error per argument, on its whole expression.
                    if references(&a.value)
                        .iter()
                        .any(|r| !destroy_refs_ok(&r.root))
                    {
                        self.err(
                            "Invalid reference from destroy provisioner",
                            "Destroy-time provisioners and their connection configurations may only reference attributes of the related resource, via 'self', 'count.index', or 'each.key'.\n\nReferences to other resources during the destroy phase can cause dependency cycles and interact poorly with create_before_destroy.",
                            self.range(&a.value),
                        );
                    }
                }
                Structure::Block(b) => self.destroy_refs(&b.body),
            }
        }
    }

    fn lifecycle(
        &mut self,
        b: &Block,
        mode: ResourceMode,
        addr: &Resource,
        lc: &mut Lifecycle,
    ) -> SetFields {
        let mut set = SetFields::new();
        let managed_only = [
            "create_before_destroy",
            "prevent_destroy",
            "ignore_changes",
            "replace_triggered_by",
        ];
        let c = self.content(
            &b.body,
            &managed_only,
            &["precondition", "postcondition"],
            false,
        );
        if mode != ResourceMode::Managed {
            for n in managed_only {
                if let Some(a) = c.attr(n) {
                    self.err(
                        "Invalid data resource lifecycle argument",
                        format!("The lifecycle argument {n:?} is defined only for managed resources (\"resource\" blocks), and is not valid for data resources."),
                        self.range(&a.key),
                    );
                }
            }
        } else {
            if let Some(a) = c.attr("create_before_destroy") {
                set.insert("lifecycle.create_before_destroy");
                lc.create_before_destroy = self.bool_attr(a);
            }
            if let Some(a) = c.attr("prevent_destroy") {
                set.insert("lifecycle.prevent_destroy");
                lc.prevent_destroy = self.bool_attr(a);
            }
            if let Some(a) = c.attr("ignore_changes") {
                set.insert("lifecycle.ignore_changes");
                lc.ignore_changes = self.ignore_changes(a);
            }
            if let Some(a) = c.attr("replace_triggered_by") {
                set.insert("lifecycle.replace_triggered_by");
                lc.replace_triggered_by = self.replace_triggered_by(a);
            }
        }
        for (kind, list) in [
            ("precondition", &mut lc.preconditions),
            ("postcondition", &mut lc.postconditions),
        ] {
            for pb in c.blocks_of(kind) {
                set.insert(if kind == "precondition" {
                    "lifecycle.precondition"
                } else {
                    "lifecycle.postcondition"
                });
                if let Some(rule) = self.check_rule(pb) {
                    self.condition_refs(&rule, kind, Some(addr));
                    list.push(rule);
                }
            }
        }
        set
    }

    /// Checks a precondition/postcondition: it must refer to something, and a
    /// resource's own conditions must use `self`, not its own address.
    pub(in crate::decode) fn condition_refs(
        &mut self,
        rule: &CheckRule,
        kind: &str,
        owner: Option<&Resource>,
    ) {
        let refs = rule.condition.references();
        if refs.is_empty() {
            self.err(
                &format!("Invalid {kind} expression"),
                "The condition expression must refer to at least one object from elsewhere in the configuration, or else its result would not be checking anything.",
                rule.condition.range(),
            );
        }
        let Some(owner) = owner else { return };
        for expr in [&rule.condition, &rule.error_message] {
            for r in expr.references() {
                let (mode, start) = match r.root.as_str() {
                    "data" => (ResourceMode::Data, 0),
                    "ephemeral" => (ResourceMode::Ephemeral, 0),
                    _ => (ResourceMode::Managed, usize::MAX),
                };
                let (ty, name) = if start == 0 {
                    (r.attr(0).map(str::to_string), r.attr(1))
                } else {
                    (Some(r.root.clone()), r.attr(0))
                };
                if mode == owner.mode
                    && ty.as_deref() == Some(owner.type_name.as_str())
                    && name == Some(owner.name.as_str())
                {
                    let n = if start == 0 { 2 } else { 1 };
                    self.err(
                        &format!("Invalid reference in {kind}"),
                        format!("Configuration for {owner} may not refer to itself."),
                        expr.range_of(r.span_through(n)),
                    );
                }
            }
        }
    }

    fn ignore_changes(&mut self, a: &Attribute) -> IgnoreChanges {
        match &a.value {
            Expression::Variable(v) if v.as_str() == "all" => IgnoreChanges::All,
            Expression::Array(items) => {
                let mut out = Vec::new();
                for it in items.iter() {
                    if let Expression::String(s) = it {
                        if s.value() == "*" {
                            self.err(
                                "Invalid ignore_changes wildcard",
                                "The [\"*\"] form of ignore_changes wildcard is was deprecated and is now invalid. Use \"ignore_changes = all\" to ignore changes to all attributes.",
                                self.range(it),
                            );
                            continue;
                        }
                    }
                    match self.static_ref(it) {
                        Some(_) => out.push(self.expr(it)),
                        None => self.err(
                            "Invalid expression",
                            "A single static variable reference is required: only attribute access and indexing with constant keys. No calculations, function calls, template expressions, etc are allowed here.",
                            self.range(it),
                        ),
                    }
                }
                IgnoreChanges::Paths(out)
            }
            Expression::String(s) if s.value() == "all" => {
                self.warn(
                    "Quoted keywords are deprecated",
                    "In this context, keywords are expected literally rather than in quotes. Terraform 0.11 and earlier required quotes, but quoted keywords are now deprecated and will be removed in a future version of Terraform. Remove the quotes surrounding this keyword to silence this warning.",
                    self.range(&a.value),
                );
                IgnoreChanges::All
            }
            other => {
                self.err(
                    "Invalid expression",
                    "A static list expression is required.",
                    self.value_range(other),
                );
                IgnoreChanges::None
            }
        }
    }

    fn replace_triggered_by(&mut self, a: &Attribute) -> Vec<Expr> {
        let Expression::Array(items) = &a.value else {
            self.err(
                "Invalid expression",
                "A static list expression is required.",
                self.value_range(&a.value),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for it in items.iter() {
            let refs = references(it);
            let is_resource = |r: &crate::refs::Reference| {
                !matches!(
                    r.root.as_str(),
                    "var"
                        | "local"
                        | "data"
                        | "module"
                        | "count"
                        | "each"
                        | "self"
                        | "path"
                        | "terraform"
                ) && r.attr(0).is_some()
            };
            let ok = matches!(it, Expression::Traversal(_) | Expression::Variable(_))
                && refs.iter().filter(|r| is_resource(r)).count() == 1
                && refs
                    .iter()
                    .filter(|r| !is_resource(r))
                    .all(|r| match r.root.as_str() {
                        "count" => r.attr(0) == Some("index"),
                        "each" => matches!(r.attr(0), Some("key" | "value")),
                        _ => false,
                    });
            if ok {
                out.push(self.expr(it));
            } else {
                self.err(
                    "Invalid replace_triggered_by expression",
                    "Only resources, count.index, and each.key may be used in replace_triggered_by.",
                    self.range(it),
                );
            }
        }
        out
    }

    fn provisioner(&mut self, b: &Block) -> Option<Provisioner> {
        let l = self.labels(b, &["type"])?;
        let ty = l[0].clone();
        if REMOVED_PROVISIONERS.contains(&ty.as_str()) {
            self.err(
                &format!("The {ty:?} provisioner has been removed"),
                format!("The {ty:?} provisioner was deprecated in Terraform 0.13.4 has been removed from Terraform. Visit https://learn.hashicorp.com/collections/terraform/provision for alternatives to using provisioners that are a better fit for the Terraform workflow."),
                self.label_range(b, 0),
            );
            return None;
        }
        let c = self.content(&b.body, &["when", "on_failure"], &["connection"], true);
        let mut p = Provisioner {
            type_name: ty,
            when: ProvisionerWhen::Create,
            on_failure: OnFailure::Fail,
            body: RawBody::default(),
            connection: None,
            decl_range: self.decl_range(b),
        };
        if let Some(a) = c.attr("when") {
            match self.keyword(a).as_deref() {
                Some("create") => p.when = ProvisionerWhen::Create,
                Some("destroy") => p.when = ProvisionerWhen::Destroy,
                _ => self.err("Invalid \"when\" keyword", "The \"when\" argument requires one of the following keywords: create or destroy.", self.range(&a.value)),
            }
        }
        if let Some(a) = c.attr("on_failure") {
            match self.keyword(a).as_deref() {
                Some("fail") => p.on_failure = OnFailure::Fail,
                Some("continue") => p.on_failure = OnFailure::Continue,
                _ => self.err("Invalid \"on_failure\" keyword", "The \"on_failure\" argument requires one of the following keywords: continue or fail.", self.range(&a.value)),
            }
        }
        let mut rest = Body::new();
        let mut escape_seen = false;
        for s in c.rest.iter() {
            match s {
                Structure::Block(blk) if blk.ident.as_str() == "lifecycle" || blk.ident.as_str() == "locals" => self.err(
                    "Reserved block type name in provisioner block",
                    format!("The block type name {:?} is reserved for use by Terraform in a future version.", blk.ident.as_str()),
                    self.range(&blk.ident),
                ),
                Structure::Block(blk) if blk.ident.as_str() == "_" => {
                    if escape_seen {
                        self.err("Duplicate escaping block", "The special block type \"_\" can be used to force particular arguments to be interpreted as provisioner-specific rather than as meta-arguments, but each provisioner block can have only one such block.", self.range(&blk.ident));
                        continue;
                    }
                    escape_seen = true;
                    blk.body.iter().for_each(|x| rest.push(x.clone()));
                }
                other => rest.push((*other).clone()),
            }
        }
        let first_conn = c
            .blocks_of("connection")
            .next()
            .map(|cb| self.range(&cb.ident));
        for (i, cb) in c.blocks_of("connection").enumerate() {
            if i > 0 {
                let at = first_conn.as_ref().map(super::short).unwrap_or_default();
                self.err(
                    "Duplicate connection block",
                    format!("This provisioner already has a connection block at {at}."),
                    self.range(&cb.ident),
                );
                continue;
            }
            p.connection = Some(RawBody::new(self.src.clone(), cb.body.clone()));
        }
        if p.when == ProvisionerWhen::Destroy {
            self.destroy_refs(&b.body);
        }
        p.body = RawBody::new(self.src.clone(), rest);
        Some(p)
    }

    /// Parses a `moved`/`import`/`removed` address: module steps, then an
    /// optional resource, reporting what Terraform reports.
    fn target_addr(&mut self, e: &Expr) -> Option<TargetAddr> {
        self.target_addr_keys(e, false)
    }

    /// [`Self::target_addr`]; with `dynamic_keys`, instance keys may be
    /// expressions (`import` blocks with `for_each`).
    fn target_addr_keys(&mut self, e: &Expr, dynamic_keys: bool) -> Option<TargetAddr> {
        let bad_expr = |d: &mut Self| {
            d.err("Invalid address", "A single static variable reference is required: only attribute access and indexing with constant keys. No calculations, function calls, template expressions, etc are allowed here.", e.range());
        };
        if !matches!(e.expr, Expression::Traversal(_) | Expression::Variable(_)) {
            bad_expr(self);
            return None;
        }
        let refs = references(&e.expr);
        // The traversal itself comes last; earlier ones are inside its keys.
        let r = match refs.as_slice() {
            [r] => r,
            [.., r] if dynamic_keys => r,
            _ => {
                bad_expr(self);
                return None;
            }
        };
        // Flatten to (name or key, span end) after the root.
        let mut names: Vec<(Option<&str>, usize)> = vec![(Some(r.root.as_str()), r.root_span.end)];
        for (i, st) in r.steps.iter().enumerate() {
            let end = r.step_ends.get(i).copied().unwrap_or(r.root_span.end);
            match st {
                crate::refs::RefStep::Attr(a) => names.push((Some(a.as_str()), end)),
                crate::refs::RefStep::Dynamic if dynamic_keys => names.push((None, end)),
                crate::refs::RefStep::Dynamic => {
                    bad_expr(self);
                    return None;
                }
                _ => names.push((None, end)),
            }
        }
        let start = r.root_span.start;
        let mut i = 0;
        let mut addr = TargetAddr::default();
        while names.get(i).and_then(|n| n.0) == Some("module") {
            let Some((Some(_), _)) = names.get(i + 1) else {
                self.err(
                    "Invalid address",
                    "Prefix \"module.\" must be followed by a module name.",
                    e.range_of(start..names[i].1),
                );
                return None;
            };
            i += 2;
            let keyed = matches!(names.get(i), Some((None, _)));
            if keyed {
                i += 1;
            }
            addr.module_keys.push(keyed);
        }
        if i >= names.len() {
            return Some(addr);
        }
        let seg_start = if i == 0 { start } else { names[i - 1].1 + 1 };
        let mut mode = ResourceMode::Managed;
        match names[i].0 {
            Some("data") => {
                mode = ResourceMode::Data;
                i += 1;
            }
            Some("ephemeral") => {
                mode = ResourceMode::Ephemeral;
                i += 1;
            }
            Some("resource") => i += 1,
            Some(
                k @ ("var" | "local" | "path" | "terraform" | "count" | "each" | "self" | "module"
                | "output" | "check" | "import" | "moved" | "removed"),
            ) => {
                let end = names.get(i + 1).map(|n| n.1).unwrap_or(names[i].1);
                self.err("Invalid address", format!("The keyword {k:?} is reserved and cannot be used to target a resource address. If you are targeting a resource type that uses a reserved keyword, please prefix your address with \"resource.\"."), e.range_of(seg_start..end));
                return None;
            }
            _ => {}
        }
        let (Some((Some(_), _)), Some((Some(_), name_end))) = (names.get(i), names.get(i + 1))
        else {
            self.err(
                "Invalid address",
                "A resource address must have a resource type and a name.",
                e.range(),
            );
            return None;
        };
        let mut end = *name_end;
        let mut keyed = false;
        if let Some((None, k_end)) = names.get(i + 2) {
            keyed = true;
            end = *k_end;
        }
        let consumed = i + 2 + usize::from(keyed);
        if names.len() > consumed {
            let last = names.last().map(|n| n.1).unwrap_or(end);
            self.err(
                "Invalid address",
                "Resource instance key must be given in square brackets.",
                e.range_of(end..last),
            );
            return None;
        }
        addr.resource = Some((mode, keyed, e.range_of(names[i + 1].1..end)));
        Some(addr)
    }

    pub(in crate::decode) fn moved(&mut self, b: &Block) -> Option<Moved> {
        self.labels(b, &[])?;
        let c = self.content(&b.body, &["from", "to"], &[], false);
        let from = self.require(&c, b, "from");
        let to = self.require(&c, b, "to");
        let fa = from.as_ref().and_then(|e| self.target_addr(e));
        let ta = to.as_ref().and_then(|e| self.target_addr(e));
        if let (Some(fa), Some(ta)) = (fa, ta) {
            if fa.resource.is_some() != ta.resource.is_some() {
                self.err("Invalid \"moved\" addresses", "The \"from\" and \"to\" addresses must either both refer to resources or both refer to modules.", self.decl_range(b));
            }
        }
        Some(Moved {
            from: from?,
            to: to?,
            decl_range: self.decl_range(b),
        })
    }

    pub(in crate::decode) fn import(&mut self, b: &Block) -> Option<Import> {
        self.labels(b, &[])?;
        let c = self.content(
            &b.body,
            &["to", "id", "for_each", "provider", "identity"],
            &[],
            false,
        );
        let to = self.require(&c, b, "to")?;
        let managed = matches!(
            self.target_addr_keys(&to, c.attr("for_each").is_some()),
            Some(TargetAddr {
                resource: Some((ResourceMode::Managed, ..)),
                ..
            })
        );
        if !managed {
            let range = c
                .attr("to")
                .map(|a| self.range(a))
                .unwrap_or_else(|| to.range());
            self.err(
                "Invalid import address",
                "Only managed resources can be imported.",
                range,
            );
        }
        let id = c.attr("id").map(|a| self.expr(&a.value));
        if id.is_none() && c.attr("identity").is_none() {
            self.require(&c, b, "id");
        }
        let provider = c.attr("provider").and_then(|a| self.provider_ref(a));
        Some(Import {
            to,
            id,
            for_each: c.attr("for_each").map(|a| self.expr(&a.value)),
            provider,
            decl_range: self.decl_range(b),
        })
    }

    pub(in crate::decode) fn removed(&mut self, b: &Block) -> Option<Removed> {
        self.labels(b, &[])?;
        let c = self.content(
            &b.body,
            &["from"],
            &["lifecycle", "provisioner", "connection"],
            false,
        );
        let from = self.require(&c, b, "from")?;
        if let Some(a) = self.target_addr(&from) {
            if let Some((_, true, key_range)) = &a.resource {
                self.err("Resource instance keys not allowed", "Resource address must be a resource (e.g. \"test_instance.foo\"), not a resource instance (e.g. \"test_instance.foo[1]\").", key_range.clone());
            } else if a.module_keys.iter().any(|k| *k) {
                self.err("Module instance keys not allowed", "Module address must be a module (e.g. \"module.foo\"), not a module instance (e.g. \"module.foo[1]\").", from.range());
            }
        }
        let mut destroy = true;
        for lb in c.blocks_of("lifecycle") {
            let lc = self.content(&lb.body, &["destroy"], &[], false);
            if let Some(a) = lc.attr("destroy") {
                destroy = self.bool_attr(a).unwrap_or(true);
            }
        }
        let mut provisioners = Vec::new();
        for pb in c.blocks_of("provisioner") {
            if let Some(p) = self.provisioner(pb) {
                provisioners.push(p);
            }
        }
        Some(Removed {
            from,
            destroy,
            provisioners,
            decl_range: self.decl_range(b),
        })
    }

    pub(in crate::decode) fn check(&mut self, b: &Block) -> Option<Check> {
        let l = self.labels(b, &["name"])?;
        let c = self.content(&b.body, &[], &["data", "assert"], false);
        let mut data = None;
        for db in c.blocks_of("data") {
            if data.is_some() {
                self.err(
                    "Multiple data resource blocks",
                    "This check block already has a data resource defined.",
                    self.range(&db.ident),
                );
                continue;
            }
            for meta in ["count", "for_each"] {
                if let Some(a) = db.body.get_attribute(meta) {
                    self.err(
                        &format!("Invalid {meta:?} attribute"),
                        "The \"count\" and \"for_each\" meta-arguments are not supported within nested data blocks.",
                        self.range(&a.key),
                    );
                }
            }
            data = self
                .resource(db.clone(), ResourceMode::Data)
                .map(|d| d.value);
        }
        let mut asserts = Vec::new();
        for ab in c.blocks_of("assert") {
            if let Some(r) = self.check_rule(ab) {
                asserts.push(r);
            }
        }
        if asserts.is_empty() {
            self.err(
                "Zero assert blocks",
                "Check blocks must have at least one assert block.",
                self.decl_range(b),
            );
        }
        Some(Check {
            name: l[0].clone(),
            data,
            asserts,
            decl_range: self.decl_range(b),
        })
    }
}
