//! State commands: `show`, `state list|show|mv|rm|pull|push`, `taint`,
//! `untaint`, `workspace ...` and `force-unlock`.

use super::common;
use super::common::{Locked, StateStore};
use crate::args::{ForceUnlockArgs, ShowArgs, StateCommand, TaintArgs, WorkspaceCommand};
use std::io::Read;
use std::sync::Arc;
use terrane_addrs::{AbsResourceInstance, InstanceKey, Target};
use terrane_core::planner::state_output_value;
use terrane_core::prior::{key_from_state, key_to_state};
use terrane_provider::Provider;
use terrane_state::{InstanceAddr, StateFile};
use terrane_value::display::format_value;
use terrane_value::Value;

/// The configured state store and the selected workspace.
fn store() -> Result<(StateStore, String), u8> {
    common::backend().map_err(|e| e.report())
}

/// The workspace's state (a fresh empty state when there is none).
fn load(b: &StateStore, ws: &str) -> Result<StateFile, u8> {
    match b.read(ws) {
        Ok(s) => Ok(s.unwrap_or_else(|| StateFile::new(common::STATE_VERSION))),
        Err(e) => {
            common::error(
                "Failed to load state",
                format!("{e}\n\n(state kept by the {})", b.label()),
            );
            Err(1)
        }
    }
}

/// The store, workspace and state, without locking (read-only commands).
fn open() -> Result<(StateStore, String, StateFile), u8> {
    let (b, ws) = store()?;
    let st = load(&b, &ws)?;
    Ok((b, ws, st))
}

/// The store, workspace, lock (unless `lock` is false) and the state read
/// under that lock, for commands that change the state.
fn open_locked(lock: bool) -> Result<(StateStore, String, Locked, StateFile), u8> {
    let (b, ws) = store()?;
    let l = common::lock(&b, &ws, "OperationTypeInvalid", lock, "0s").map_err(|e| {
        common::error("Error acquiring the state lock", e);
        1u8
    })?;
    let st = load(&b, &ws)?;
    Ok((b, ws, l, st))
}

fn save(b: &StateStore, ws: &str, st: &mut StateFile) -> u8 {
    st.serial += 1;
    st.remove_empty_resources();
    st.sort();
    match b.write(ws, st, false) {
        Ok(()) => 0,
        Err(e) => {
            common::error(
                "Failed to save state",
                format!("{e}\n\n(state kept by the {})", b.label()),
            );
            1
        }
    }
}

/// Every current object's address in state order.
fn instance_addrs(st: &StateFile) -> Vec<(String, InstanceAddr)> {
    let mut out = Vec::new();
    for r in &st.resources {
        for o in &r.instances {
            if o.deposed.is_some() {
                continue;
            }
            let a = InstanceAddr {
                module: r.module.clone(),
                mode: r.mode,
                resource_type: r.resource_type.clone(),
                name: r.name.clone(),
                index_key: o.index_key.clone(),
                deposed: None,
            };
            out.push((a.to_string(), a));
        }
    }
    out
}

fn object_value(
    st: &StateFile,
    a: &InstanceAddr,
    providers: &[Arc<dyn Provider>],
) -> Option<Value> {
    let r = st.resource_of(a)?;
    let o = st.object(a)?;
    let reg = terrane_core::providers::ProviderRegistry::new(providers);
    let rp = reg.resolve_state_addr(&r.provider).ok()?;
    let s = rp.provider.schema();
    let schema = match a.mode {
        terrane_state::Mode::Data => s.data_sources.get(&a.resource_type)?,
        terrane_state::Mode::Managed => s.resources.get(&a.resource_type)?,
    };
    terrane_core::typed_json::from_state_json(
        o.attributes.as_ref()?.get(),
        &schema.block.implied_type(),
    )
    .ok()
}

fn indent(text: &str, n: usize) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_string()
            } else {
                format!("{}{l}", " ".repeat(n))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn resource_text(addr: &str, a: &InstanceAddr, v: &Value) -> String {
    let kind = if a.mode == terrane_state::Mode::Data {
        "data"
    } else {
        "resource"
    };
    let mut s = format!(
        "# {addr}:\n{kind} \"{}\" \"{}\" {{\n",
        a.resource_type, a.name
    );
    if let Some(m) = v.as_entries() {
        let shown: Vec<_> = m.iter().filter(|(_, x)| !x.is_null()).collect();
        let w = shown.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
        for (k, x) in shown {
            let t = if x.is_sensitive() {
                "(sensitive value)".to_string()
            } else {
                indent(&format_value(x), 4)
            };
            s.push_str(&format!("    {k:<w$} = {t}\n"));
        }
    }
    s.push_str("}\n");
    s
}

/// `terrane show`.
pub fn show(a: ShowArgs) -> u8 {
    if let Some(p) = &a.path {
        let bytes = match std::fs::read(p) {
            Ok(b) => b,
            Err(e) => {
                common::error("Failed to read file", format!("{}: {e}", p.display()));
                return 1;
            }
        };
        if let Ok(plan) = terrane_core::planfile::from_bytes(&bytes) {
            if !a.json {
                print!("{}", super::planview::render(&plan, !a.no_color));
                return 0;
            }
            let schemas = super::planview::schemas();
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            // The plan file holds no configuration snapshot: the working
            // directory's configuration is the one it was made from.
            let configuration = match terrane_config::load_config(&common::cwd()) {
                (Some(c), d) if !d.has_errors() => {
                    Some(terrane_render::config_build::configuration(&c, &schemas))
                }
                _ => None,
            };
            let input = terrane_render::show_json::PlanJsonInput {
                plan: &plan,
                schemas: &schemas,
                terraform_version: common::STATE_VERSION,
                timestamp: &now,
                prior_state: None,
                configuration: configuration.as_ref(),
                relevant_attributes: &[],
            };
            return match terrane_render::show_json::plan_json_text(&input) {
                Ok(t) => {
                    println!("{}", t.trim_end());
                    0
                }
                Err(e) => {
                    common::error("Failed to render the plan", e.to_string());
                    1
                }
            };
        }
        match StateFile::from_slice(&bytes, &p.display().to_string()) {
            Ok(st) => return show_state(&st, a.json),
            Err(e) => {
                common::error(
                    "Failed to read the given file as a state or plan file",
                    e.to_string(),
                );
                return 1;
            }
        }
    }
    match open() {
        Ok((_, _, st)) => show_state(&st, a.json),
        Err(c) => c,
    }
}

fn sensitive_shape(v: &Value) -> serde_json::Value {
    if v.is_sensitive() {
        return serde_json::Value::Bool(true);
    }
    match &v.kind {
        terrane_value::Kind::Object(m) | terrane_value::Kind::Map(_, m) => {
            serde_json::Value::Object(
                m.iter()
                    .filter(|(_, x)| {
                        !x.is_null()
                            && (x.as_entries().is_some()
                                || x.as_seq().is_some()
                                || x.is_sensitive())
                    })
                    .map(|(k, x)| (k.clone(), sensitive_shape(x)))
                    .collect(),
            )
        }
        terrane_value::Kind::List(_, xs)
        | terrane_value::Kind::Set(_, xs)
        | terrane_value::Kind::Tuple(xs) => serde_json::Value::Array(
            xs.iter()
                .map(|x| {
                    if x.as_entries().is_some() || x.as_seq().is_some() {
                        sensitive_shape(x)
                    } else {
                        serde_json::Value::Bool(x.is_sensitive())
                    }
                })
                .collect(),
        ),
        _ => serde_json::Value::Bool(false),
    }
}

fn show_state(st: &StateFile, json: bool) -> u8 {
    let providers = common::providers();
    if !json {
        if st.resources.is_empty() && st.outputs.is_empty() {
            println!("The state file is empty. No resources are represented.");
            return 0;
        }
        for (addr, a) in instance_addrs(st) {
            if let Some(v) = object_value(st, &a, &providers) {
                println!("{}", resource_text(&addr, &a, &v));
            }
        }
        if !st.outputs.is_empty() {
            println!("\nOutputs:\n");
            for (k, o) in &st.outputs {
                if o.sensitive {
                    println!("{k} = (sensitive value)");
                } else {
                    println!("{k} = {}", format_value(&state_output_value(o)));
                }
            }
        }
        return 0;
    }
    if st.resources.is_empty() && st.outputs.is_empty() {
        println!("{{\"format_version\":\"1.0\"}}");
        return 0;
    }
    if let Ok(doc) = terrane_render::show_json::state_json(
        st,
        &st.terraform_version,
        &super::planview::schemas(),
    ) {
        println!("{}", terrane_render::gojson::to_string(&doc));
        return 0;
    }
    let mut outputs = serde_json::Map::new();
    for (k, o) in &st.outputs {
        outputs.insert(k.clone(), serde_json::json!({"sensitive": o.sensitive, "value": o.value.to_value().unwrap_or_default(), "type": o.value_type.to_value().unwrap_or_default()}));
    }
    let mut modules: std::collections::BTreeMap<String, Vec<serde_json::Value>> =
        std::collections::BTreeMap::new();
    for r in &st.resources {
        for o in &r.instances {
            if o.deposed.is_some() {
                continue;
            }
            let a = InstanceAddr {
                module: r.module.clone(),
                mode: r.mode,
                resource_type: r.resource_type.clone(),
                name: r.name.clone(),
                index_key: o.index_key.clone(),
                deposed: None,
            };
            let v = object_value(st, &a, &providers).unwrap_or_default();
            let plain = v.clone().unmark_deep().0;
            let values: serde_json::Value = plain
                .to_json_string()
                .ok()
                .and_then(|t| serde_json::from_str(&t).ok())
                .unwrap_or_default();
            let provider_name = r
                .provider
                .trim_start_matches("provider[\"")
                .split('"')
                .next()
                .unwrap_or("")
                .to_string();
            let mut e = serde_json::json!({
                "address": a.to_string(),
                "mode": a.mode.as_str(),
                "type": r.resource_type,
                "name": r.name,
            });
            if let Some(k) = &o.index_key {
                e["index"] = serde_json::to_value(k).unwrap_or_default();
            }
            e["provider_name"] = serde_json::json!(provider_name);
            e["schema_version"] = serde_json::json!(o.schema_version);
            e["values"] = values;
            e["sensitive_values"] = sensitive_shape(&v);
            if !o.dependencies.is_empty() {
                e["depends_on"] = serde_json::json!(o.dependencies);
            }
            if o.is_tainted() {
                e["tainted"] = serde_json::json!(true);
            }
            modules.entry(r.module.clone()).or_default().push(e);
        }
    }
    let mut root = serde_json::json!({"resources": modules.remove("").unwrap_or_default()});
    if !modules.is_empty() {
        root["child_modules"] = serde_json::Value::Array(
            modules
                .into_iter()
                .map(|(m, rs)| serde_json::json!({"resources": rs, "address": m}))
                .collect(),
        );
    }
    let mut values = serde_json::Map::new();
    if !outputs.is_empty() {
        values.insert("outputs".into(), serde_json::Value::Object(outputs));
    }
    values.insert("root_module".into(), root);
    let doc = if st.resources.is_empty() && st.outputs.is_empty() {
        serde_json::json!({"format_version": "1.0"})
    } else {
        serde_json::json!({"format_version": "1.0", "terraform_version": st.terraform_version, "values": values})
    };
    println!("{doc}");
    0
}

fn parse_instance(s: &str) -> Option<InstanceAddr> {
    let t: Target = s.parse().ok()?;
    let (m, r, k) = match t {
        Target::Instance(a) => (a.module, a.resource.resource, a.resource.key),
        Target::Resource(a) => (a.module, a.resource, InstanceKey::None),
        Target::Module(_) => return None,
    };
    Some(InstanceAddr {
        module: m.to_string(),
        mode: if r.mode == terrane_addrs::ResourceMode::Data {
            terrane_state::Mode::Data
        } else {
            terrane_state::Mode::Managed
        },
        resource_type: r.type_name,
        name: r.name,
        index_key: key_to_state(&k),
        deposed: None,
    })
}

/// Addresses in state matching `s` (an instance, a whole resource, or a module).
fn matching(st: &StateFile, s: &str) -> Vec<InstanceAddr> {
    let all = instance_addrs(st);
    if let Ok(a) = s.parse::<AbsResourceInstance>() {
        if a.resource.key != InstanceKey::None {
            return all
                .into_iter()
                .filter(|(x, _)| x == s)
                .map(|(_, a)| a)
                .collect();
        }
    }
    let prefix_res = format!("{s}[");
    let prefix_mod = format!("{s}.");
    all.into_iter()
        .filter(|(x, _)| x == s || x.starts_with(&prefix_res) || x.starts_with(&prefix_mod))
        .map(|(_, a)| a)
        .collect()
}

/// `terrane state ...`.
pub fn state(c: StateCommand) -> u8 {
    match c {
        StateCommand::List(a) => {
            let st = match &a.state {
                Some(p) => match terrane_state::local::read_state_file(p) {
                    Ok(s) => s.unwrap_or_else(|| StateFile::new(common::STATE_VERSION)),
                    Err(e) => {
                        common::error("Failed to load state", e.to_string());
                        return 1;
                    }
                },
                None => match open() {
                    Ok((_, _, s)) => s,
                    Err(c) => return c,
                },
            };
            let providers = common::providers();
            for (addr, ia) in instance_addrs(&st) {
                if !a.addresses.is_empty()
                    && !a.addresses.iter().any(|p| {
                        addr == *p
                            || addr.starts_with(&format!("{p}["))
                            || addr.starts_with(&format!("{p}."))
                    })
                {
                    continue;
                }
                if let Some(id) = &a.id {
                    let v = object_value(&st, &ia, &providers);
                    if v.as_ref().and_then(terrane_core::planner::id_of).as_deref()
                        != Some(id.as_str())
                    {
                        continue;
                    }
                }
                println!("{addr}");
            }
            0
        }
        StateCommand::Show(a) => {
            let (_, _, st) = match open() {
                Ok(x) => x,
                Err(c) => return c,
            };
            let Some(ia) = parse_instance(&a.address).filter(|ia| st.object(ia).is_some()) else {
                common::error("No instance found for the given address!", "This command requires that the address references one specific instance.\nTo view the available instances, use \"terrane state list\". Please modify \nthe address to reference a specific instance.");
                return 1;
            };
            match object_value(&st, &ia, &common::providers()) {
                Some(v) => {
                    print!("{}", resource_text(&a.address, &ia, &v));
                    0
                }
                None => 1,
            }
        }
        StateCommand::Pull(_) => match open() {
            Ok((_, _, st)) => match st.to_bytes() {
                Ok(b) => {
                    print!("{}", String::from_utf8_lossy(&b));
                    0
                }
                Err(e) => {
                    common::error("Failed to serialise state", e.to_string());
                    1
                }
            },
            Err(c) => c,
        },
        StateCommand::Push(a) => {
            let (b, ws) = match store() {
                Ok(x) => x,
                Err(c) => return c,
            };
            let mut bytes = Vec::new();
            let read = if a.path.as_os_str() == "-" {
                std::io::stdin().read_to_end(&mut bytes).map(|_| ())
            } else {
                std::fs::read(&a.path).map(|b| bytes = b)
            };
            if let Err(e) = read {
                common::error("Failed to read state file", e.to_string());
                return 1;
            }
            let st = match StateFile::from_slice(&bytes, &a.path.display().to_string()) {
                Ok(s) => s,
                Err(e) => {
                    common::error("Failed to read state file", e.to_string());
                    return 1;
                }
            };
            let _l = match common::lock(&b, &ws, "OperationTypeInvalid", true, "0s") {
                Ok(l) => l,
                Err(e) => {
                    common::error("Error acquiring the state lock", e);
                    return 1;
                }
            };
            match b.write(&ws, &st, a.force) {
                Ok(()) => 0,
                Err(e) => {
                    common::error("Failed to write state", e.to_string());
                    1
                }
            }
        }
        StateCommand::Rm(a) => {
            let (b, ws, _l, mut st) = match open_locked(a.lock) {
                Ok(x) => x,
                Err(c) => return c,
            };
            let mut n = 0;
            for s in &a.addresses {
                let found = matching(&st, s);
                if found.is_empty() {
                    common::error("Invalid target address", "No matching objects found. To view the available instances, use \"terrane state list\". Please modify the address to reference a specific instance.");
                    return 1;
                }
                for ia in found {
                    if a.dry_run {
                        println!("Would remove {ia}");
                    } else {
                        st.remove_object(&ia);
                        println!("Removed {ia}");
                    }
                    n += 1;
                }
            }
            if a.dry_run {
                println!("Would have removed {n} object(s).");
                return 0;
            }
            let code = save(&b, &ws, &mut st);
            if code == 0 {
                println!("Successfully removed {n} resource instance(s).");
            }
            code
        }
        StateCommand::Mv(a) => {
            let (b, ws, _l, mut st) = match open_locked(a.lock) {
                Ok(x) => x,
                Err(c) => return c,
            };
            let found = matching(&st, &a.source);
            if found.is_empty() {
                common::error(
                    "Invalid source address",
                    format!(
                        "Cannot move {}: does not match anything in the current state.",
                        a.source
                    ),
                );
                return 1;
            }
            let mut moves = Vec::new();
            for ia in &found {
                let s = ia.to_string();
                let rest = &s[a.source.len()..];
                let dst = format!("{}{rest}", a.destination);
                match parse_instance(&dst) {
                    Some(d) => moves.push((ia.clone(), d)),
                    None => {
                        common::error(
                            "Invalid target address",
                            format!("Cannot move to {dst}: not a resource instance address."),
                        );
                        return 1;
                    }
                }
            }
            for (src, dst) in &moves {
                if st.object(dst).is_some() {
                    common::error("Invalid target address", format!("Cannot move {src} to {dst}: there is already an object at the destination."));
                    return 1;
                }
            }
            for (src, dst) in &moves {
                println!(
                    "{} \"{src}\" to \"{dst}\"",
                    if a.dry_run { "Would move" } else { "Move" }
                );
                if a.dry_run {
                    continue;
                }
                let provider = st
                    .resource_of(src)
                    .map(|r| r.provider.clone())
                    .unwrap_or_default();
                if let Some(o) = st.remove_object(src) {
                    st.upsert_object(dst, &provider, o);
                }
            }
            if a.dry_run {
                println!("Would have moved {} object(s).", moves.len());
                return 0;
            }
            let code = save(&b, &ws, &mut st);
            if code == 0 {
                println!("Successfully moved {} object(s).", moves.len());
            }
            code
        }
    }
}

/// `terrane taint` / `untaint`.
pub fn taint(a: TaintArgs, on: bool) -> u8 {
    let (b, ws, _l, mut st) = match open_locked(a.lock) {
        Ok(x) => x,
        Err(c) => return c,
    };
    let Some(ia) = parse_instance(&a.address) else {
        common::error(
            "Invalid address",
            format!("{:?} is not a resource instance address.", a.address),
        );
        return 1;
    };
    let key = key_from_state(ia.index_key.as_ref());
    let Some(obj) = st
        .resource_mut(&ia.module, ia.mode, &ia.resource_type, &ia.name)
        .and_then(|r| r.object_mut(key_to_state(&key).as_ref(), None))
    else {
        if a.allow_missing {
            println!("No such resource instance: {}", a.address);
            return 0;
        }
        common::error("No such resource instance", format!("There is no resource instance in the state with the address {}. If the resource configuration has just been added, you must run \"terrane apply\" once to create the corresponding instance(s) before they can be tainted.", a.address));
        return 1;
    };
    if on {
        obj.status = Some(terrane_state::ObjectStatus::Tainted);
    } else {
        if !obj.is_tainted() {
            common::error(
                "Resource instance is not tainted",
                format!(
                    "Resource instance {} is not currently tainted, and so it cannot be untainted.",
                    a.address
                ),
            );
            return 1;
        }
        obj.status = None;
    }
    let code = save(&b, &ws, &mut st);
    if code == 0 {
        if on {
            println!(
                "Resource instance {} has been marked as tainted.",
                a.address
            );
        } else {
            println!(
                "Resource instance {} has been successfully untainted.",
                a.address
            );
        }
    }
    code
}

/// `terrane workspace ...`.
pub fn workspace(c: WorkspaceCommand) -> u8 {
    let (b, current) = match store() {
        Ok(x) => x,
        Err(c) => return c,
    };
    let exists = |name: &str| b.list_workspaces().map(|w| w.iter().any(|x| x == name));
    let res = match c {
        WorkspaceCommand::Show(_) => {
            println!("{current}");
            Ok(())
        }
        WorkspaceCommand::List(_) => b.list_workspaces().map(|ws| {
            for w in ws {
                println!("{} {w}", if w == current { "*" } else { " " });
            }
            println!();
        }),
        WorkspaceCommand::New(n) => {
            if exists(&n.name).unwrap_or(false) {
                common::error(
                    "Workspace already exists",
                    format!("Workspace {:?} already exists.", n.name),
                );
                return 1;
            }
            b.create_workspace(&n.name).and_then(|_| b.select_workspace(&n.name)).map(|_| {
                println!("Created and switched to workspace {:?}!\n\nYou're now on a new, empty workspace. Workspaces isolate their state,\nso if you run \"terrane plan\" terrane will not see any existing state\nfor this configuration.", n.name);
            })
        }
        WorkspaceCommand::Select(n) => {
            match exists(&n.name) {
                Ok(true) => {}
                Ok(false) => {
                    common::error("Workspace doesn't exist", format!("Workspace {:?} doesn't exist.\n\nYou can create this workspace with the \"new\" subcommand.", n.name));
                    return 1;
                }
                Err(e) => {
                    common::error(
                        "Failed to list workspaces",
                        format!("{e}\n\n(workspaces kept by the {})", b.label()),
                    );
                    return 1;
                }
            }
            b.select_workspace(&n.name)
                .map(|_| println!("Switched to workspace {:?}.", n.name))
        }
        WorkspaceCommand::Delete(n) => {
            if n.name == current {
                common::error("Workspace is active", format!("Workspace {:?} is your active workspace.\n\nYou cannot delete the currently active workspace. Please switch\nto another workspace and try again.", n.name));
                return 1;
            }
            if !exists(&n.name).unwrap_or(true) {
                common::error(
                    "Workspace doesn't exist",
                    format!("Workspace {:?} doesn't exist.", n.name),
                );
                return 1;
            }
            if !n.force {
                if let Ok(Some(st)) = b.read(&n.name) {
                    if !st.resources.is_empty() {
                        common::error("Workspace is not empty", format!("Workspace {:?} is currently tracking the following resource instances:\n{}\n\nDeleting this workspace would cause terrane to lose track of any associated\nremote objects, which would then require you to delete them manually outside\nof terrane. You should destroy these objects with terrane before deleting\nthe workspace.\n\nIf you want to delete this workspace anyway, and have terrane forget about\nthese managed objects, use the -force option to disable this safety check.", n.name, instance_addrs(&st).into_iter().map(|(a, _)| format!("- {a}")).collect::<Vec<_>>().join("\n")));
                        return 1;
                    }
                }
            }
            b.remove_workspace(&n.name)
                .map(|_| println!("Deleted workspace {:?}!", n.name))
        }
    };
    match res {
        Ok(()) => 0,
        Err(e) => {
            common::error(
                "Workspace operation failed",
                format!("{e}\n\n(workspaces kept by the {})", b.label()),
            );
            1
        }
    }
}

/// `terrane force-unlock`.
pub fn force_unlock(a: ForceUnlockArgs) -> u8 {
    let (b, ws) = match store() {
        Ok(x) => x,
        Err(c) => return c,
    };
    if !a.force && !common::confirm("Do you really want to force-unlock?", "terrane will remove the lock on the remote state.\n  This will allow local terrane commands to modify this state, even though it\n  may still be in use.") {
        println!("force-unlock cancelled.");
        return 1;
    }
    match b.force_unlock(&ws, &a.lock_id) {
        Ok(()) => {
            println!("terrane state has been successfully unlocked!\n\nThe state has been unlocked, and terrane commands should now be able to\nobtain a new lock on the remote state.");
            0
        }
        Err(e) => {
            common::error(
                "Failed to unlock state",
                format!("{e}\n\n(lock kept by the {})", b.label()),
            );
            1
        }
    }
}
