//! Assembling a module from its files: duplicate declarations across primary
//! files are errors; override files are merged into the declarations they
//! override, argument by argument, following Terraform's override rules.

use crate::decode::{short, Decoded, Decoder, FileContents, SetFields};
use crate::model::*;
use crate::source::{self, ParsedFile};
use std::collections::btree_map::Entry;
use std::path::Path;
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceRange};

fn dup(d: &mut Diagnostics, summary: &str, detail: String, range: SourceRange) {
    d.push(Diagnostic::error(summary, detail).with_subject(range));
}

/// Loads one module directory. `display_dir` is prefixed to file names in
/// diagnostics (empty for the root module).
pub fn load_dir(dir: &Path, display_dir: &str) -> (Option<Module>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let paths = match source::module_files(dir) {
        Ok(p) => p,
        Err(e) => {
            diags.push(Diagnostic::error(
                "Failed to read module directory",
                format!(
                    "Module directory {} does not exist or cannot be read: {e}.",
                    dir.display()
                ),
            ));
            return (None, diags);
        }
    };
    let mut files = Vec::new();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let display = if display_dir.is_empty() {
            name
        } else {
            format!("{display_dir}/{name}")
        };
        match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => files.push((display, text)),
                Err(_) => diags.push(Diagnostic::error(
                    "Invalid character encoding",
                    format!("The file {display} is not valid UTF-8."),
                )),
            },
            Err(e) => diags.push(Diagnostic::error(
                "Failed to read file",
                format!("The configuration file {display:?} could not be read: {e}."),
            )),
        }
    }
    let (module, d) = load_sources(dir, files);
    diags.extend(d);
    (module, diags)
}

/// One file, parsed and decoded.
struct FileResult {
    /// The file with its block headers, for rendering.
    source: std::sync::Arc<terrane_diagnostics::SourceFile>,
    /// What it declares and whether it is an override file (none when it
    /// did not parse).
    contents: Option<(FileContents, bool)>,
    diags: Diagnostics,
}

fn process_file(name: String, text: String) -> FileResult {
    let mut diags = Diagnostics::new();
    let kept = text.clone();
    let mut p: ParsedFile = match source::parse_file(&name, text) {
        Ok(p) => p,
        Err(d) => {
            let mut file = terrane_diagnostics::SourceFile::new(name.as_str(), kept);
            for (range, header) in header_lines(file.text()) {
                file.add_block(range, header);
            }
            diags.push(*d);
            return FileResult {
                source: std::sync::Arc::new(file),
                contents: None,
                diags,
            };
        }
    };
    diags.extend(std::mem::take(&mut p.problems));
    // Record top-level block headers for the "in resource ..." context.
    let mut file = (*p.src.file).clone();
    for b in p.body.blocks() {
        let span = hcl_edit::Span::span(b).unwrap_or(0..0);
        let r = p.src.range(span);
        // Native syntax shows `resource "a" "b"`; JSON shows `resource.a.b`.
        let mut header = b.ident.as_str().to_string();
        for l in &b.labels {
            if p.src.is_json() {
                header.push('.');
                header.push_str(l.as_str());
            } else {
                push_quoted_label(&mut header, l.as_str());
            }
        }
        file.add_block(r.start.byte..r.end.byte, header);
    }
    let contents = {
        let mut dec = Decoder {
            src: p.src.clone(),
            diags: &mut diags,
            is_tofu: p.is_tofu,
            is_override: p.is_override,
        };
        dec.file(std::mem::take(&mut p.body))
    };
    FileResult {
        source: std::sync::Arc::new(file),
        contents: Some((contents, p.is_override)),
        diags,
    }
}

/// Appends ` "label"`, quoted as `{:?}` quotes it; labels of printable
/// ASCII other than quotes and backslashes (nearly all) need no escaping
/// and skip the formatter.
fn push_quoted_label(header: &mut String, label: &str) {
    if label
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        header.push_str(" \"");
        header.push_str(label);
        header.push('"');
    } else {
        header.push_str(&format!(" {label:?}"));
    }
}

/// Processes files on up to `available_parallelism` threads, keeping order.
fn process_all(files: Vec<(String, String)>) -> Vec<FileResult> {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let total: usize = files.iter().map(|(_, t)| t.len()).sum();
    if threads < 2 || files.len() < 2 || total < 64 * 1024 {
        return files.into_iter().map(|(n, t)| process_file(n, t)).collect();
    }
    let chunk = files.len().div_ceil(threads);
    let mut chunks: Vec<Vec<(String, String)>> = Vec::new();
    let mut it = files.into_iter().peekable();
    while it.peek().is_some() {
        chunks.push(it.by_ref().take(chunk).collect());
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| {
                scope.spawn(move || {
                    c.into_iter()
                        .map(|(n, t)| process_file(n, t))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(v) => v,
                Err(_) => vec![FileResult {
                    source: std::sync::Arc::new(terrane_diagnostics::SourceFile::new("", "")),
                    contents: None,
                    diags: Diagnostic::error(
                        "Internal error",
                        "A thread loading configuration files failed.",
                    )
                    .into(),
                }],
            })
            .collect()
    })
}

/// Loads a module from in-memory files (display name, text), in the order
/// given (primary files first, then overrides, as [`source::module_files`]
/// orders them).
pub fn load_sources(dir: &Path, files: Vec<(String, String)>) -> (Option<Module>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut module = Module {
        dir: dir.to_path_buf(),
        ..Module::default()
    };
    // Files are parsed and decoded independently, in parallel; merging is
    // sequential and in file order, so results do not depend on timing.
    let results = process_all(files);
    let mut incompatible = false;
    let mut primary = Vec::new();
    let mut overrides = Vec::new();
    for r in results {
        diags.extend(r.diags);
        module.sources.insert_file(r.source);
        let Some((contents, is_override)) = r.contents else {
            continue;
        };
        incompatible |= contents.incompatible;
        if is_override {
            overrides.push(contents);
        } else {
            primary.push(contents);
        }
    }
    for c in primary {
        add_primary(&mut module, c, &mut diags);
    }
    for c in overrides {
        apply_override(&mut module, c, &mut diags);
    }
    if incompatible {
        // A module for a newer language version may use anything: report
        // only the version incompatibility.
        let keep: Vec<Diagnostic> = diags
            .into_iter()
            .filter(|d| d.summary == "Incompatible module")
            .collect();
        diags = keep.into();
    }
    (Some(module), diags)
}

fn add_primary(m: &mut Module, c: FileContents, diags: &mut Diagnostics) {
    for t in c.terraform {
        merge_terraform(m, t, false, diags);
    }
    for p in c.providers {
        let p = p.value;
        match m.providers.entry(p.key()) {
            Entry::Occupied(e) => {
                let prev = &e.get().decl_range;
                let detail = match &p.alias {
                    None => format!("A default (non-aliased) provider configuration for {:?} was already given at {}. If multiple configurations are required, set the \"alias\" argument for alternative configurations.", p.name, short(prev)),
                    Some(a) => format!("A provider configuration for {:?} with alias {a:?} was already given at {}. Each configuration for the same provider must have a distinct alias.", p.name, short(prev)),
                };
                dup(
                    diags,
                    "Duplicate provider configuration",
                    detail,
                    p.decl_range.clone(),
                );
            }
            Entry::Vacant(e) => {
                e.insert(p);
            }
        }
    }
    for v in c.variables {
        let v = v.value;
        match m.variables.entry(v.name.clone()) {
            Entry::Occupied(e) => dup(diags, "Duplicate variable declaration", format!("A variable named {:?} was already declared at {}. Variable names must be unique within a module.", v.name, short(&e.get().decl_range)), v.decl_range.clone()),
            Entry::Vacant(e) => {
                e.insert(v);
            }
        }
    }
    for l in c.locals {
        match m.locals.entry(l.name.clone()) {
            Entry::Occupied(e) => dup(diags, "Duplicate local value definition", format!("A local value named {:?} was already defined at {}. Local value names must be unique within a module.", l.name, short(&e.get().decl_range)), l.decl_range.clone()),
            Entry::Vacant(e) => {
                e.insert(l);
            }
        }
    }
    for o in c.outputs {
        let o = o.value;
        match m.outputs.entry(o.name.clone()) {
            Entry::Occupied(e) => dup(diags, "Duplicate output definition", format!("An output named {:?} was already defined at {}. Output names must be unique within a module.", o.name, short(&e.get().decl_range)), o.decl_range.clone()),
            Entry::Vacant(e) => {
                e.insert(o);
            }
        }
    }
    for mc in c.module_calls {
        let mc = mc.value;
        match m.module_calls.entry(mc.name.clone()) {
            Entry::Occupied(e) => dup(diags, "Duplicate module call", format!("A module call named {:?} was already defined at {}. Module calls must have unique names within a module.", mc.name, short(&e.get().decl_range)), mc.decl_range.clone()),
            Entry::Vacant(e) => {
                e.insert(mc);
            }
        }
    }
    for r in c.resources {
        let r = r.value;
        match m.resources.entry(r.addr.clone()) {
            Entry::Occupied(e) => {
                let (summary, detail) = match r.addr.mode {
                    terrane_addrs::ResourceMode::Managed => (
                        format!("Duplicate resource {:?} configuration", r.addr.type_name),
                        format!("A {} resource named {:?} was already declared at {}. Resource names must be unique per type in each module.", r.addr.type_name, r.addr.name, short(&e.get().decl_range)),
                    ),
                    terrane_addrs::ResourceMode::Data => (
                        format!("Duplicate data {:?} configuration", r.addr.type_name),
                        format!("A {} data resource named {:?} was already declared at {}. Resource names must be unique per type in each module.", r.addr.type_name, r.addr.name, short(&e.get().decl_range)),
                    ),
                    terrane_addrs::ResourceMode::Ephemeral => (
                        format!("Duplicate ephemeral {:?} configuration", r.addr.type_name),
                        format!("A {} ephemeral resource named {:?} was already declared at {}. Resource names must be unique per type in each module.", r.addr.type_name, r.addr.name, short(&e.get().decl_range)),
                    ),
                };
                dup(diags, &summary, detail, r.decl_range.clone());
            }
            Entry::Vacant(e) => {
                e.insert(r);
            }
        }
    }
    for ch in c.checks {
        match m.checks.entry(ch.name.clone()) {
            Entry::Occupied(e) => dup(diags, "Duplicate check block", format!("A check block named {:?} was already defined at {}. Check blocks must have unique names within a module.", ch.name, short(&e.get().decl_range)), ch.decl_range.clone()),
            Entry::Vacant(e) => {
                e.insert(ch);
            }
        }
    }
    m.moved.extend(c.moved);
    m.imports.extend(c.imports);
    m.removed.extend(c.removed);
}

fn merge_terraform(
    m: &mut Module,
    t: Decoded<TerraformSettings>,
    is_override: bool,
    diags: &mut Diagnostics,
) {
    let (t, set) = (t.value, t.set);
    if let Some(here) = &t.required_providers_range {
        match &m.terraform.required_providers_range {
            Some(prev) if !is_override => dup(diags, "Duplicate required providers configuration", format!("A module may have only one required providers configuration. The required providers were previously configured at {}.", short(prev)), here.clone()),
            _ => m.terraform.required_providers_range = Some(here.clone()),
        }
    }
    if is_override {
        if set.contains("required_version") {
            m.terraform.required_versions = t.required_versions;
        }
    } else {
        m.terraform.required_versions.extend(t.required_versions);
    }
    for (name, rp) in t.required_providers {
        match m.terraform.required_providers.entry(name) {
            Entry::Occupied(mut e) if is_override => {
                e.insert(rp);
            }
            Entry::Occupied(e) => dup(
                diags,
                "Duplicate required provider",
                format!(
                    "Provider {:?} was already required at {}.",
                    e.key(),
                    short(&e.get().decl_range)
                ),
                rp.decl_range,
            ),
            Entry::Vacant(e) => {
                e.insert(rp);
            }
        }
    }
    if let Some(b) = t.backend {
        if is_override {
            m.terraform.cloud = None;
            m.terraform.backend = Some(b);
        } else if let Some(prev) = m
            .terraform
            .backend
            .as_ref()
            .map(|p| p.decl_range.clone())
            .or_else(|| m.terraform.cloud.clone())
        {
            dup(diags, "Duplicate backend configuration", format!("A module may have only one backend configuration. The backend was previously configured at {}.", short(&prev)), b.decl_range);
        } else {
            m.terraform.backend = Some(b);
        }
    }
    if let Some(c) = t.cloud {
        if is_override {
            m.terraform.backend = None;
            m.terraform.cloud = Some(c);
        } else if let Some(prev) = m
            .terraform
            .backend
            .as_ref()
            .map(|p| p.decl_range.clone())
            .or_else(|| m.terraform.cloud.clone())
        {
            dup(diags, "Both a backend and cloud configuration are present", format!("A module may declare either one 'cloud' block configuring HCP Terraform OR one 'backend' block configuring a state backend. A conflicting configuration was declared at {}.", short(&prev)), c);
        } else {
            m.terraform.cloud = Some(c);
        }
    }
    m.terraform.provider_meta.extend(t.provider_meta);
}

fn missing(diags: &mut Diagnostics, what: &str, detail: String, range: SourceRange) {
    diags.push(Diagnostic::error(what, detail).with_subject(range));
}

/// Replaces the parts of `base` that `over` defines, and appends `over`'s part.
fn merge_raw(base: &mut RawBody, over: RawBody) {
    for (_, ob) in &over.parts {
        for s in ob.iter() {
            for (_, bb) in base.parts.iter_mut() {
                match s {
                    hcl_edit::structure::Structure::Attribute(a) => {
                        bb.remove_attribute(a.key.as_str());
                    }
                    hcl_edit::structure::Structure::Block(b) => {
                        let ty = block_type(b).to_string();
                        let keep: Vec<hcl_edit::structure::Structure> = bb
                            .iter()
                            .filter(|x| !matches!(x, hcl_edit::structure::Structure::Block(xb) if block_type(xb) == ty))
                            .cloned()
                            .collect();
                        let mut nb = hcl_edit::structure::Body::new();
                        keep.into_iter().for_each(|x| nb.push(x));
                        *bb = nb;
                    }
                }
            }
        }
    }
    base.parts.extend(over.parts);
}

/// `dynamic "x"` overrides and is overridden by `x` blocks.
fn block_type(b: &hcl_edit::structure::Block) -> &str {
    if b.ident.as_str() == "dynamic" {
        if let Some(l) = b.labels.first() {
            return l.as_str();
        }
    }
    b.ident.as_str()
}

fn apply_override(m: &mut Module, c: FileContents, diags: &mut Diagnostics) {
    let mut cloud_seen: Option<SourceRange> = None;
    for t in &c.terraform {
        if let Some(here) = &t.value.cloud {
            if let Some(prev) = &cloud_seen {
                dup(diags, "Duplicate HCP Terraform configurations", format!("A module may have only one 'cloud' block configuring HCP Terraform. Another was declared at {}.", short(prev)), here.clone());
            }
            cloud_seen = Some(here.clone());
        }
    }
    for t in c.terraform {
        merge_terraform(m, t, true, diags);
    }
    for p in c.providers {
        let (p, set) = (p.value, p.set);
        let Some(base) = m.providers.get_mut(&p.key()) else {
            missing(diags, "Missing base provider configuration for override", format!("There is no {} provider configuration with the alias {:?}. An override file can only override an aliased provider configuration that was already defined in a primary configuration file.", p.name, p.alias.clone().unwrap_or_default()), p.decl_range);
            continue;
        };
        let _ = set;
        merge_raw(&mut base.body, p.body);
    }
    for v in c.variables {
        let (v, set) = (v.value, v.set);
        let Some(base) = m.variables.get_mut(&v.name) else {
            missing(diags, "Missing base variable declaration to override", format!("There is no variable named {:?}. An override file can only override a variable that was already declared in a primary configuration file.", v.name), v.decl_range);
            continue;
        };
        override_variable(base, v, &set);
    }
    for l in c.locals {
        match m.locals.get_mut(&l.name) {
            Some(base) => *base = l,
            None => missing(diags, "Missing base local value definition to override", format!("There is no local value named {:?}. An override file can only override a local value that was already defined in a primary configuration file.", l.name), l.decl_range),
        }
    }
    for o in c.outputs {
        let (o, set) = (o.value, o.set);
        let Some(base) = m.outputs.get_mut(&o.name) else {
            missing(diags, "Missing base output definition to override", format!("There is no output named {:?}. An override file can only override an output that was already defined in a primary configuration file.", o.name), o.decl_range);
            continue;
        };
        if set.contains("value") {
            base.value = o.value;
        }
        if set.contains("description") {
            base.description = o.description;
        }
        if set.contains("sensitive") {
            base.sensitive = o.sensitive;
        }
        if set.contains("ephemeral") {
            base.ephemeral = o.ephemeral;
        }
        if set.contains("depends_on") {
            base.depends_on = o.depends_on;
        }
        if set.contains("precondition") {
            base.preconditions = o.preconditions;
        }
    }
    for mc in c.module_calls {
        let (mc, set) = (mc.value, mc.set);
        let Some(base) = m.module_calls.get_mut(&mc.name) else {
            missing(diags, "Missing module call to override", format!("There is no module call named {:?}. An override file can only override a module call that was defined in a primary configuration file.", mc.name), mc.decl_range);
            continue;
        };
        if set.contains("source") {
            base.source = mc.source;
            base.source_expr = mc.source_expr;
        }
        if set.contains("version") {
            base.version = mc.version;
        }
        if set.contains("count") {
            base.count = mc.count;
        }
        if set.contains("for_each") {
            base.for_each = mc.for_each;
        }
        if set.contains("depends_on") {
            base.depends_on = mc.depends_on;
        }
        if set.contains("providers") {
            base.providers = mc.providers;
        }
        base.inputs.extend(mc.inputs);
        base.input_name_ranges.extend(mc.input_name_ranges);
    }
    for r in c.resources {
        let (r, set) = (r.value, r.set);
        let Some(base) = m.resources.get_mut(&r.addr) else {
            missing(diags, "Missing resource to override", format!("There is no {} resource named {:?}. An override file can only override a resource block defined in a primary configuration file.", r.addr.type_name, r.addr.name), r.decl_range);
            continue;
        };
        override_resource(base, r, &set);
    }
}

fn override_variable(base: &mut Variable, v: Variable, set: &SetFields) {
    if set.contains("description") {
        base.description = v.description;
    }
    if set.contains("type") {
        base.ty = v.ty;
        base.type_expr = v.type_expr;
        base.type_defaults = v.type_defaults;
    }
    if set.contains("default") {
        base.default = v.default;
        base.default_value = v.default_value;
    }
    if set.contains("sensitive") {
        base.sensitive = v.sensitive;
    }
    if set.contains("nullable") {
        base.nullable = v.nullable;
    }
    if set.contains("ephemeral") {
        base.ephemeral = v.ephemeral;
    }
    if !v.validations.is_empty() {
        base.validations = v.validations;
    }
}

fn override_resource(base: &mut ResourceBlock, r: ResourceBlock, set: &SetFields) {
    if set.contains("count") {
        base.count = r.count;
    }
    if set.contains("for_each") {
        base.for_each = r.for_each;
    }
    if set.contains("depends_on") {
        base.depends_on = r.depends_on;
    }
    if set.contains("provider") {
        base.provider = r.provider;
    }
    if set.contains("connection") {
        base.connection = r.connection;
    }
    if set.contains("provisioners") {
        base.provisioners = r.provisioners;
    }
    let (bl, ol) = (&mut base.lifecycle, r.lifecycle);
    if set.contains("lifecycle.create_before_destroy") {
        bl.create_before_destroy = ol.create_before_destroy;
    }
    if set.contains("lifecycle.prevent_destroy") {
        bl.prevent_destroy = ol.prevent_destroy;
    }
    if set.contains("lifecycle.ignore_changes") {
        bl.ignore_changes = ol.ignore_changes;
    }
    if set.contains("lifecycle.replace_triggered_by") {
        bl.replace_triggered_by = ol.replace_triggered_by;
    }
    if set.contains("lifecycle.precondition") {
        bl.preconditions = ol.preconditions;
    }
    if set.contains("lifecycle.postcondition") {
        bl.postconditions = ol.postconditions;
    }
    merge_raw(&mut base.body, r.body);
}

/// Parses and decodes a single file on its own, without the module-level
/// checks (duplicates across blocks, overrides, variable defaults): what
/// Terraform reports when loading one configuration file.
pub fn file_diagnostics(name: &str, text: String) -> Diagnostics {
    let mut diags = Diagnostics::new();
    match source::parse_file(name, text) {
        Ok(mut p) => {
            diags.extend(std::mem::take(&mut p.problems));
            let mut dec = Decoder {
                src: p.src.clone(),
                diags: &mut diags,
                is_tofu: p.is_tofu,
                is_override: p.is_override,
            };
            let contents = dec.file(std::mem::take(&mut p.body));
            if !p.is_override {
                for v in &contents.variables {
                    crate::checks::check_variable(&v.value, &mut diags);
                }
            }
            if contents.incompatible {
                let keep: Vec<Diagnostic> = diags
                    .into_iter()
                    .filter(|d| d.summary == "Incompatible module")
                    .collect();
                diags = keep.into();
            }
        }
        Err(d) => diags.push(*d),
    }
    diags
}

/// Top-level block headers of a file that did not parse, found line by line
/// (`type "label" ... {` at column 0, up to the next `}` at column 0), so
/// syntax errors still get their "in resource ..." context.
fn header_lines(text: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, String)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if let Some((start, header)) = &open {
            if trimmed == "}" {
                out.push((*start..offset + trimmed.len(), header.clone()));
                open = None;
            }
        } else if line.starts_with(|c: char| c.is_alphabetic()) {
            if let Some(brace) = trimmed.find('{') {
                let words: Vec<&str> = trimmed[..brace].split_whitespace().collect();
                if let Some((first, labels)) = words.split_first() {
                    let quoted = labels
                        .iter()
                        .all(|l| l.len() >= 2 && l.starts_with('"') && l.ends_with('"'));
                    if quoted {
                        let mut h = first.to_string();
                        for l in labels {
                            h.push(' ');
                            h.push_str(l);
                        }
                        if trimmed.ends_with('}') && trimmed.len() > brace + 1 {
                            // A one-line block.
                            out.push((offset..offset + trimmed.len(), h));
                        } else {
                            open = Some((offset, h));
                        }
                    }
                }
            }
        }
        offset += line.len();
    }
    // A block still open at the end of the file runs to the end.
    if let Some((start, header)) = open {
        out.push((start..text.len() + 1, header));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn labels_are_quoted_as_debug_quotes_them() {
        for label in [
            "r1",
            "a b",
            "q\"uote",
            "back\\slash",
            "tab\t",
            "é",
            "\u{200b}",
            "",
        ] {
            let mut got = String::new();
            super::push_quoted_label(&mut got, label);
            assert_eq!(got, format!(" {label:?}"));
        }
    }
}
