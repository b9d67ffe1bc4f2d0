//! Decoders for each top-level block type.

use super::*;
use crate::types::Version;

const RESERVED_VARIABLE_NAMES: &[&str] = &[
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "lifecycle",
    "depends_on",
    "locals",
];

const REMOVED_PROVISIONERS: &[&str] = &["chef", "habitat", "puppet", "salt-masterless"];

fn name_detail() -> &'static str {
    "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes."
}

impl Decoder<'_> {
    pub(super) fn terraform(
        &mut self,
        b: &Block,
        out: &mut FileContents,
    ) -> Option<Decoded<TerraformSettings>> {
        self.labels(b, &[])?;
        let c = self.content(
            &b.body,
            &["required_version", "experiments", "language"],
            &["required_providers", "backend", "cloud", "provider_meta"],
            false,
        );
        let mut t = TerraformSettings::default();
        let mut set = SetFields::new();
        if let Some(a) = c.attr("required_version") {
            set.insert("required_version");
            if let Some(s) = self.string_attr(a) {
                let range = self.range(&a.value);
                if VersionConstraint::parse(&s).is_none() {
                    self.err(
                        "Invalid version constraint",
                        format!(
                            "This string does not use correct version constraint syntax: {s:?}."
                        ),
                        range,
                    );
                } else if self.is_tofu {
                    self.check_tofu_version(&s, range, false, out);
                } else {
                    t.required_versions.push((s, self.range(a)));
                }
            }
        }
        if let Some(a) = c.attr("experiments") {
            let items = match &a.value {
                Expression::Array(items) => items.iter().collect::<Vec<_>>(),
                _ => Vec::new(),
            };
            if !items.is_empty() {
                self.err(
                    "Module uses experimental features",
                    "Experimental features are intended only for gathering early feedback on new language designs, and so are available only in alpha releases of Terraform.",
                    self.range(&a.key),
                );
            }
        }
        if let Some(a) = c.attr("language") {
            match &a.value {
                Expression::Variable(v) if v.as_str() == "TF2021" => {}
                _ => self.err(
                    "Invalid language edition",
                    "Expected the language edition keyword TF2021.",
                    self.range(&a.value),
                ),
            }
        }
        let mut rp_seen: Option<SourceRange> = None;
        for rb in c.blocks_of("required_providers") {
            let here = self.range(&rb.ident);
            if let Some(prev) = &rp_seen {
                self.err(
                    "Duplicate required providers configuration",
                    format!("A module may have only one required providers configuration. The required providers were previously configured at {}.", short(prev)),
                    here.clone(),
                );
                continue;
            }
            rp_seen = Some(here.clone());
            t.required_providers_range = Some(here);
            set.insert("required_providers");
            self.required_providers(rb, &mut t);
        }
        for bb in c.blocks_of("backend") {
            let Some(l) = self.labels(bb, &["type"]) else {
                continue;
            };
            if let Some(prev) = &t.backend {
                self.err(
                    "Duplicate backend configuration",
                    format!("A module may have only one backend configuration. The backend was previously configured at {}.", short(&prev.decl_range)),
                    self.decl_range(bb),
                );
                continue;
            }
            set.insert("backend");
            t.backend = Some(Backend {
                type_name: l[0].clone(),
                body: RawBody::new(self.src.clone(), bb.body.clone()),
                decl_range: self.decl_range(bb),
            });
        }
        for cb in c.blocks_of("cloud") {
            if t.cloud.is_some() {
                self.err(
                    "Duplicate cloud configurations",
                    "A module may have only one 'cloud' block configuring HCP Terraform or Terraform Enterprise.",
                    self.decl_range(cb),
                );
                continue;
            }
            set.insert("cloud");
            t.cloud = Some(self.decl_range(cb));
        }
        for pm in c.blocks_of("provider_meta") {
            let Some(l) = self.labels(pm, &["provider"]) else {
                continue;
            };
            let name_range = self.label_range(pm, 0);
            if !self.check_provider_local_name(&l[0], name_range) {
                continue;
            }
            for a in pm.body.attributes() {
                if !references(&a.value).is_empty() {
                    self.err(
                        "Variables not allowed",
                        "Variables may not be used here.",
                        self.range(&a.value),
                    );
                }
            }
            t.provider_meta.insert(
                l[0].clone(),
                RawBody::new(self.src.clone(), pm.body.clone()),
            );
        }
        Some(Decoded { value: t, set })
    }

    fn required_providers(&mut self, b: &Block, t: &mut TerraformSettings) {
        for s in b.body.iter() {
            let a = match s {
                Structure::Attribute(a) => a,
                Structure::Block(inner) => {
                    self.err(
                        "Unsupported block type",
                        format!(
                            "Blocks of type {:?} are not expected here.",
                            inner.ident.as_str()
                        ),
                        self.range(&inner.ident),
                    );
                    continue;
                }
            };
            let name = a.key.as_str().to_string();
            let decl_range = self.range(a);
            if !self.check_provider_local_name(&name, self.range(&a.key)) {
                continue;
            }
            let mut rp = RequiredProvider {
                name: name.clone(),
                source: Provider::implied(&name),
                version: None,
                configuration_aliases: Vec::new(),
                decl_range,
            };
            match &a.value {
                Expression::Object(obj) => {
                    for (k, v) in obj.iter() {
                        let key = match k {
                            hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                            hcl_edit::expr::ObjectKey::Expression(e) => match types::const_value(e).and_then(|v| v.as_str().map(str::to_string)) {
                                Some(s) => s,
                                None => e.to_string().trim().to_string(),
                            },
                        };
                        let ve = v.expr();
                        match key.as_str() {
                            "source" => match types::const_value(ve).and_then(|v| v.as_str().map(str::to_string)) {
                                Some(s) => match Provider::parse_source(&s) {
                                    Ok(p) => rp.source = p,
                                    Err(e) => {
                                        let summary = match e {
                                            ProviderSourceError::Type(_) | ProviderSourceError::TypePrefix { .. } => "Invalid provider type",
                                            ProviderSourceError::Namespace(_) => "Invalid provider namespace",
                                            _ => "Invalid provider source string",
                                        };
                                        self.err(summary, e.to_string(), self.range(ve));
                                    }
                                },
                                None => self.err("Invalid source", "Source must be specified as a string.", self.range(ve)),
                            },
                            "version" => match types::const_value(ve).and_then(|v| v.as_str().map(str::to_string)) {
                                Some(s) if VersionConstraint::parse(&s).is_some() => rp.version = Some(s),
                                _ => self.err("Invalid version constraint", "This string does not use correct version constraint syntax.", self.range(ve)),
                            },
                            "configuration_aliases" => {
                                let items: Vec<&Expression> = match ve {
                                    Expression::Array(a) => a.iter().collect(),
                                    _ => Vec::new(),
                                };
                                for it in items {
                                    match self.static_ref(it).as_deref() {
                                        Some([n, a]) if *n == name => rp.configuration_aliases.push(LocalProviderConfig::new(n.clone(), Some(a.clone()))),
                                        _ => self.err(
                                            "Invalid configuration_aliases value",
                                            format!("Configuration aliases can only contain references to local provider configuration names in the format of {name}.<alias>"),
                                            self.range(it),
                                        ),
                                    }
                                }
                            }
                            _ => self.err(
                                "Invalid required_providers object",
                                "required_providers objects can only contain \"version\", \"source\" and \"configuration_aliases\" attributes. To configure a provider, use a \"provider\" block.",
                                self.range(k),
                            ),
                        }
                    }
                }
                other => match types::const_value(other).and_then(|v| v.as_str().map(str::to_string)) {
                    Some(s) if VersionConstraint::parse(&s).is_some() => rp.version = Some(s),
                    _ => self.err(
                        "Invalid required_providers object",
                        "required_providers entries must be objects with \"source\" and \"version\" attributes, or version constraint strings.",
                        self.range(other),
                    ),
                },
            }
            t.required_providers.insert(name, rp);
        }
    }

    fn check_tofu_version(
        &mut self,
        s: &str,
        range: SourceRange,
        new_syntax: bool,
        out: &mut FileContents,
    ) {
        let Some(c) = VersionConstraint::parse(s) else {
            self.err(
                "Invalid version constraint",
                format!("This string does not use correct version constraint syntax: {s:?}."),
                range,
            );
            return;
        };
        let ours = Version::parse(OPENTOFU_COMPATIBILITY_VERSION);
        if let Some(v) = ours {
            if !c.allows(&v) {
                out.incompatible = true;
                self.err(
                    "Incompatible module",
                    format!("This module declares compatibility with OpenTofu versions {s:?}, which does not include the OpenTofu language version this engine implements ({OPENTOFU_COMPATIBILITY_VERSION})."),
                    range,
                );
                return;
            }
        }
        if new_syntax {
            let older = ["1.11.999", "1.10.0", "1.6.0", "1.0.0"];
            if older
                .iter()
                .filter_map(|o| Version::parse(o))
                .any(|o| c.allows(&o))
            {
                self.warn(
                    "Ineffective version constraint",
                    "This constraint would accept OpenTofu versions before v1.12.0, but the compatible_with block was introduced in v1.12.0, so earlier versions cannot honour it. Use a lower bound of at least 1.12.0.",
                    range,
                );
            }
        }
    }

    /// OpenTofu's `language` block.
    pub(super) fn language(&mut self, b: &Block, out: &mut FileContents) {
        if self.labels(b, &[]).is_none() {
            return;
        }
        let c = self.content(
            &b.body,
            &["edition", "experiments"],
            &["compatible_with"],
            false,
        );
        for cw in c.blocks_of("compatible_with") {
            if let Some(a) = cw.body.get_attribute("opentofu") {
                if let Some(s) = self.string_attr(a) {
                    self.check_tofu_version(&s, self.range(&a.value), true, out);
                }
            }
        }
        if let Some(a) = c.attr("edition") {
            match &a.value {
                Expression::Variable(v) if v.as_str() == "tofu2024" => {}
                Expression::Variable(v) => self.err(
                    "Unsupported language edition",
                    format!("This module requires language edition {:?}, which is not supported by this engine. The only supported edition is tofu2024.", v.as_str()),
                    self.range(&a.value),
                ),
                _ => self.err(
                    "Invalid language edition",
                    "The edition argument expects a bare language edition keyword, such as tofu2024.",
                    self.range(&a.value),
                ),
            }
        }
        if let Some(a) = c.attr("experiments") {
            if let Expression::Array(items) = &a.value {
                for it in items.iter() {
                    self.err(
                        "Unknown experiment keyword",
                        format!(
                            "There is no current experiment with the keyword {:?}.",
                            it.to_string().trim()
                        ),
                        self.range(it),
                    );
                }
            }
        }
    }

    pub(super) fn provider(&mut self, b: &Block) -> Option<Decoded<ProviderBlock>> {
        let l = self.labels(b, &["name"])?;
        let name_range = self.label_range(b, 0);
        if !self.check_provider_local_name(&l[0], name_range) {
            return None;
        }
        let c = self.content(&b.body, &["alias", "version"], &[], true);
        let mut set = SetFields::new();
        let mut alias = None;
        if let Some(a) = c.attr("alias") {
            set.insert("alias");
            match &a.value {
                Expression::Variable(v) => alias = Some(v.as_str().to_string()),
                _ => alias = self.string_attr(a),
            }
            if let Some(al) = &alias {
                if !is_valid_name(al) {
                    self.err(
                        "Invalid provider configuration alias",
                        format!("An alias must be a valid name. {}", name_detail()),
                        self.range(&a.value),
                    );
                }
            }
        }
        if let Some(a) = c.attr("version") {
            self.warn(
                "Version constraints inside provider configuration blocks are deprecated",
                "Terraform 0.13 and earlier allowed provider version constraints inside the provider configuration block, but that is now deprecated and will be removed in a future version of Terraform. To silence this warning, move the provider version constraint into the required_providers block.",
                self.range(a),
            );
        }
        for s in c.rest.iter() {
            match s {
                Structure::Attribute(a) if matches!(a.key.as_str(), "count" | "depends_on" | "source") => self.err(
                    "Reserved argument name in provider block",
                    format!("The provider argument name {:?} is reserved for use by Terraform in a future version.", a.key.as_str()),
                    self.range(&a.key),
                ),
                Structure::Block(blk) if matches!(blk.ident.as_str(), "lifecycle" | "locals") => self.err(
                    "Reserved block type name in provider block",
                    format!("The block type name {:?} is reserved for use by Terraform in a future version.", blk.ident.as_str()),
                    self.range(&blk.ident),
                ),
                _ => {}
            }
        }
        let mut body = Body::new();
        c.rest.iter().for_each(|s| body.push((*s).clone()));
        body.remove_attribute("version");
        Some(Decoded {
            value: ProviderBlock {
                name: l[0].clone(),
                alias,
                body: RawBody::new(self.src.clone(), body),
                decl_range: self.decl_range(b),
            },
            set,
        })
    }

    pub(super) fn variable(&mut self, b: &Block) -> Option<Decoded<Variable>> {
        let l = self.labels(b, &["name"])?;
        let name = l[0].clone();
        let label_range = self.label_range(b, 0);
        if !is_valid_name(&name) {
            self.err("Invalid variable name", name_detail(), label_range.clone());
        } else if RESERVED_VARIABLE_NAMES.contains(&name.as_str()) {
            self.err("Invalid variable name", format!("The variable name {name:?} is reserved due to its special meaning inside module blocks."), label_range.clone());
        }
        let c = self.content(
            &b.body,
            &[
                "description",
                "default",
                "type",
                "sensitive",
                "nullable",
                "ephemeral",
                "deprecated",
                "const",
            ],
            &["validation"],
            false,
        );
        let mut set = SetFields::new();
        let mut v = Variable {
            name: name.clone(),
            description: None,
            ty: Type::Dynamic,
            type_expr: None,
            type_defaults: None,
            default: None,
            default_value: None,
            sensitive: false,
            nullable: true,
            ephemeral: false,
            validations: Vec::new(),
            decl_range: self.decl_range(b),
        };
        if let Some(a) = c.attr("description") {
            set.insert("description");
            v.description = self.string_attr(a);
        }
        if let Some(a) = c.attr("type") {
            set.insert("type");
            v.type_expr = Some(self.expr(&a.value));
            match types::parse_type(&a.value) {
                Ok(t) => {
                    v.ty = t;
                    // Optional-attribute defaults come from the evaluator's
                    // parser, which also evaluates them.
                    let source = self.src.eval_source();
                    if let Ok((_, defaults)) =
                        terrane_lang::parse_type_constraint(&a.value, &source)
                    {
                        v.type_defaults = defaults;
                    }
                }
                Err(e) => {
                    let r = e
                        .span
                        .map(|s| self.src.range(s))
                        .unwrap_or_else(|| self.range(&a.value));
                    self.err(e.summary, e.detail, r);
                }
            }
        }
        for (field, slot) in [
            ("sensitive", 0),
            ("nullable", 1),
            ("ephemeral", 2),
            ("const", 3),
        ] {
            if let Some(a) = c.attr(field) {
                set.insert(field);
                if let Some(val) = self.bool_attr(a) {
                    match slot {
                        0 => v.sensitive = val,
                        1 => v.nullable = val,
                        2 => v.ephemeral = val,
                        _ => {}
                    }
                }
            }
        }
        if let Some(a) = c.attr("deprecated") {
            set.insert("deprecated");
            self.string_attr(a);
        }
        if let Some(a) = c.attr("default") {
            set.insert("default");
            v.default = Some(self.expr(&a.value));
            v.default_value = types::const_value(&a.value);
        }
        for vb in c.blocks_of("validation") {
            if let Some(rule) = self.check_rule(vb) {
                let refs_var = rule
                    .condition
                    .references()
                    .iter()
                    .any(|r| r.root == "var" && r.attr(0) == Some(name.as_str()));
                if !refs_var {
                    self.err(
                        "Invalid variable validation condition",
                        format!("The condition for variable {name:?} must refer to var.{name} in order to test incoming values."),
                        rule.condition.range(),
                    );
                }
                v.validations.push(rule);
            }
        }
        Some(Decoded { value: v, set })
    }

    pub(super) fn locals(&mut self, b: &Block, out: &mut Vec<Local>) {
        if self.labels(b, &[]).is_none() {
            return;
        }
        for s in b.body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let name = a.key.as_str().to_string();
                    if !is_valid_name(&name) {
                        self.err(
                            "Invalid local value name",
                            name_detail(),
                            self.range(&a.key),
                        );
                    }
                    out.push(Local {
                        name,
                        expr: self.expr(&a.value),
                        decl_range: self.range(a),
                    });
                }
                Structure::Block(inner) => self.err(
                    "Unsupported block type",
                    format!(
                        "Blocks of type {:?} are not expected here.",
                        inner.ident.as_str()
                    ),
                    self.range(&inner.ident),
                ),
            }
        }
    }

    pub(super) fn output(&mut self, b: &Block) -> Option<Decoded<Output>> {
        let l = self.labels(b, &["name"])?;
        let name = l[0].clone();
        if !is_valid_name(&name) {
            self.err("Invalid output name", name_detail(), self.label_range(b, 0));
        }
        let c = self.content(
            &b.body,
            &[
                "value",
                "description",
                "sensitive",
                "ephemeral",
                "depends_on",
                "deprecated",
            ],
            &["precondition"],
            false,
        );
        let mut set = SetFields::new();
        let mut o = Output {
            name,
            value: None,
            description: None,
            sensitive: false,
            ephemeral: false,
            depends_on: Vec::new(),
            preconditions: Vec::new(),
            decl_range: self.decl_range(b),
        };
        if let Some(a) = c.attr("value") {
            set.insert("value");
            o.value = Some(self.expr(&a.value));
        } else {
            self.require(&c, b, "value");
        }
        if let Some(a) = c.attr("description") {
            set.insert("description");
            o.description = self.string_attr(a);
        }
        if let Some(a) = c.attr("sensitive") {
            set.insert("sensitive");
            o.sensitive = self.bool_attr(a).unwrap_or(false);
        }
        if let Some(a) = c.attr("ephemeral") {
            set.insert("ephemeral");
            o.ephemeral = self.bool_attr(a).unwrap_or(false);
        }
        if let Some(a) = c.attr("deprecated") {
            set.insert("deprecated");
            if self.string_attr(a).as_deref() == Some("") {
                self.err(
                    "Invalid deprecated value",
                    "The deprecation message must not be empty.",
                    self.range(&a.value),
                );
            }
        }
        if let Some(a) = c.attr("depends_on") {
            set.insert("depends_on");
            o.depends_on = self.depends_on(a);
        }
        for pb in c.blocks_of("precondition") {
            set.insert("precondition");
            if let Some(r) = self.check_rule(pb) {
                self.condition_refs(&r, "precondition", None);
                o.preconditions.push(r);
            }
        }
        Some(Decoded { value: o, set })
    }

    pub(super) fn module_call(&mut self, b: &Block) -> Option<Decoded<ModuleCall>> {
        let l = self.labels(b, &["name"])?;
        let name = l[0].clone();
        if !is_valid_name(&name) {
            self.err(
                "Invalid module instance name",
                name_detail(),
                self.label_range(b, 0),
            );
        }
        let c = self.content(
            &b.body,
            &[
                "source",
                "version",
                "count",
                "for_each",
                "depends_on",
                "providers",
            ],
            &[],
            true,
        );
        let mut set = SetFields::new();
        let mut m = ModuleCall {
            name,
            source: None,
            source_expr: None,
            version: None,
            count: None,
            for_each: None,
            depends_on: Vec::new(),
            providers: Vec::new(),
            inputs: BTreeMap::new(),
            input_name_ranges: BTreeMap::new(),
            decl_range: self.decl_range(b),
            body_range: self.open_brace(b),
        };
        for s in c.rest.iter() {
            match s {
                Structure::Attribute(a) => {
                    m.input_name_ranges
                        .insert(a.key.as_str().to_string(), self.range(&a.key));
                    m.inputs
                        .insert(a.key.as_str().to_string(), self.expr(&a.value));
                    set.insert("inputs");
                }
                Structure::Block(blk) => self.err(
                    if blk.ident.as_str() == "lifecycle" || blk.ident.as_str() == "locals" {
                        "Reserved block type name in module block"
                    } else {
                        "Unsupported block type"
                    },
                    format!(
                        "Blocks of type {:?} are not expected here.",
                        blk.ident.as_str()
                    ),
                    self.range(&blk.ident),
                ),
            }
        }
        let sensitive_call = |e: &Expression| matches!(e, Expression::FuncCall(f) if f.name.name.as_str() == "sensitive");
        let version = c.attr("version");
        if let Some(a) = version {
            set.insert("version");
            m.version = Some(self.expr(&a.value));
            if sensitive_call(&a.value) {
                self.err(
                    "Invalid version constraint",
                    "A module version constraint must not be a sensitive value.",
                    self.range(&a.value),
                );
            } else if let Some(s) =
                types::const_value(&a.value).and_then(|v| v.as_str().map(str::to_string))
            {
                if VersionConstraint::parse(&s).is_none() {
                    self.err(
                        "Invalid version constraint",
                        "This string does not use correct version constraint syntax.",
                        self.range(&a.value),
                    );
                }
            }
        }
        if let Some(a) = c.attr("source") {
            set.insert("source");
            m.source_expr = Some(self.expr(&a.value));
            if sensitive_call(&a.value) {
                self.err(
                    "Sensitive value not allowed",
                    "The module source address must not be derived from sensitive values.",
                    self.range(&a.value),
                );
            } else if let Some(s) =
                types::const_value(&a.value).and_then(|v| v.as_str().map(str::to_string))
            {
                let src = classify_source(&s);
                // Only a constant, non-null version makes the source a registry address.
                let has_version = version
                    .is_some_and(|v| types::const_value(&v.value).is_some_and(|c| !c.is_null()));
                if has_version && !matches!(src, ModuleSource::Registry(_)) {
                    let why = if matches!(src, ModuleSource::Local(_)) {
                        format!("can't use local directory {s:?} as a module registry address")
                    } else {
                        format!("{s:?} is not a valid module registry address")
                    };
                    self.err(
                        "Invalid registry module source address",
                        format!("Failed to parse module registry address: {why}.\n\nTerraform assumed that you intended a module registry source address because you also set the argument \"version\", which applies only to registry modules."),
                        self.range(&a.value),
                    );
                }
                m.source = Some(src);
            }
        } else {
            self.require(&c, b, "source");
        }
        if let Some(a) = c.attr("count") {
            set.insert("count");
            m.count = Some(self.expr(&a.value));
        }
        if let Some(a) = c.attr("for_each") {
            set.insert("for_each");
            m.for_each = Some(self.expr(&a.value));
            if m.count.is_some() {
                self.count_and_for_each(a);
            }
        }
        if let Some(a) = c.attr("depends_on") {
            set.insert("depends_on");
            m.depends_on = self.depends_on(a);
        }
        if let Some(a) = c.attr("providers") {
            set.insert("providers");
            match &a.value {
                Expression::Object(obj) => {
                    for (k, v) in obj.iter() {
                        let key_expr = match k {
                            hcl_edit::expr::ObjectKey::Ident(i) => Expression::Variable(i.clone()),
                            hcl_edit::expr::ObjectKey::Expression(e) => e.clone(),
                        };
                        let kr = self.static_ref(&key_expr);
                        let vr = self.static_ref(v.expr());
                        let mk = |parts: Option<Vec<String>>, range: SourceRange| -> Option<ProviderRef> {
                            let parts = parts?;
                            let alias = match parts.as_slice() {
                                [_] => None,
                                [_, a] => Some(a.clone()),
                                _ => return None,
                            };
                            Some(ProviderRef {
                                config: LocalProviderConfig::new(parts[0].clone(), alias),
                                range,
                            })
                        };
                        let kr = mk(kr, self.range(k));
                        let vr = mk(vr, self.range(v.expr()));
                        match (kr, vr) {
                            (Some(kk), Some(vv)) => m.providers.push((kk, vv)),
                            _ => self.err(
                                "Invalid provider configuration reference",
                                "The providers map must contain entries of the form child_name = parent_name, where each name is a provider local name optionally followed by an alias.",
                                self.range(v.expr()),
                            ),
                        }
                    }
                }
                other => self.err("Invalid providers argument", "The providers argument must be a map from child provider names to parent provider configurations.", self.range(other)),
            }
        }
        Some(Decoded { value: m, set })
    }

    fn count_and_for_each(&mut self, a: &Attribute) {
        self.err(
            "Invalid combination of \"count\" and \"for_each\"",
            "The \"count\" and \"for_each\" meta-arguments are mutually-exclusive, only one should be used to be explicit about the number of resources to be created.",
            self.range(&a.key),
        );
    }
}

/// Classifies a module source string the way Terraform's installer does.
pub fn classify_source(s: &str) -> ModuleSource {
    if s.starts_with("./")
        || s.starts_with("../")
        || s == "."
        || s == ".."
        || s.starts_with(".\\")
        || s.starts_with("..\\")
    {
        return ModuleSource::Local(s.to_string());
    }
    if is_registry_address(s) {
        return ModuleSource::Registry(s.to_string());
    }
    ModuleSource::Remote(s.to_string())
}

fn is_registry_address(s: &str) -> bool {
    if s.contains("::") || s.contains("://") {
        return false;
    }
    let main = s.split("//").next().unwrap_or(s);
    let parts: Vec<&str> = main.split('/').collect();
    let name_ok = |p: &str| {
        !p.is_empty()
            && p.len() <= 64
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    let system_ok = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    };
    let host_ok = |h: &str| {
        h.contains('.')
            && h.split('.').all(|l| {
                !l.is_empty()
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':')
            })
    };
    match parts.as_slice() {
        [ns, name, sys] => {
            name_ok(ns)
                && name_ok(name)
                && system_ok(sys)
                && !["github.com", "bitbucket.org"].contains(ns)
        }
        [host, ns, name, sys] => {
            host_ok(host)
                && !["github.com", "bitbucket.org"].contains(host)
                && name_ok(ns)
                && name_ok(name)
                && system_ok(sys)
        }
        _ => false,
    }
}

#[path = "decode_resource.rs"]
mod resource;

/// A range as Terraform writes it inside messages: `main.tf:1,1-13`.
pub(crate) fn short(r: &SourceRange) -> String {
    if r.start.line == r.end.line {
        format!(
            "{}:{},{}-{}",
            r.filename, r.start.line, r.start.column, r.end.column
        )
    } else {
        format!(
            "{}:{},{}-{},{}",
            r.filename, r.start.line, r.start.column, r.end.line, r.end.column
        )
    }
}
