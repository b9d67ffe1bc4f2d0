//! The field language typed resources are written in: one [`Field`] per
//! Terraform attribute or nested block, naming its JSON field, so the
//! schema, the HCL → JSON request body, the JSON → state conversion and the
//! plan rules all come from one declaration per resource.

use crate::client::Ignore;
use crate::jsonval::number_json;
use crate::vals::*;
use base64::Engine;
use serde_json::{Map, Value as J};
use std::collections::BTreeMap;
use terrane_provider::{Attribute, Block, NestedBlock, Nesting};
use terrane_value::{Kind, Number, Path, Type, Value};

/// What a field holds.
#[derive(Debug, Clone)]
pub enum Ty {
    /// A string.
    Str,
    /// An integer.
    Int,
    /// A boolean.
    Bool,
    /// A map of strings.
    MapStr,
    /// Labels or annotations: a map of strings where keys Kubernetes adds
    /// itself (`*kubernetes.io/*`, `*k8s.io/*`) are reported only when the
    /// configuration has them.
    Meta,
    /// A map of resource quantities (`cpu = "0.5"`): the server's
    /// canonical form (`500m`) of a configured quantity is not a change.
    Quantities,
    /// A list of strings.
    ListStr,
    /// A set of strings (a JSON array whose order means nothing).
    SetStr,
    /// A set of integers.
    SetInt,
    /// File mode bits: an octal string in Terraform (`"0644"`), an integer
    /// in JSON (`420`).
    Mode,
    /// One resource quantity (`size_limit = "1Gi"`): the server's canonical
    /// form of the configured quantity is not a change.
    Quantity,
    /// A string in Terraform that is an integer in JSON when it looks like
    /// one (int-or-string ports, replicas as Terraform's provider types them).
    IntStr,
    /// A map of strings sent base64-encoded (Secret `data`).
    B64Map,
    /// A nested block.
    Block(Vec<Field>, Rep),
}

/// How a nested block maps to JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rep {
    /// A list block of at most one element ↔ a JSON object.
    One,
    /// A list block ↔ a JSON array of objects.
    Many,
}

/// Who sets a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Required in configuration.
    Req,
    /// Optional; absent in configuration means absent in the object.
    Opt,
    /// Optional; the API server fills it in when absent.
    OptComp,
    /// Set by the API server only.
    Comp,
}

/// One attribute or nested block of a typed resource.
#[derive(Debug, Clone)]
pub struct Field {
    /// Terraform name.
    pub tf: &'static str,
    /// JSON name (empty: a terrane-only setting, never sent).
    pub json: &'static str,
    /// What it holds.
    pub ty: Ty,
    /// Who sets it.
    pub mode: Mode,
    /// Changing it replaces the object.
    pub force_new: bool,
    /// Hidden in plans.
    pub sensitive: bool,
    /// The value planned when the configuration leaves it unset.
    pub default: Option<Value>,
    /// For blocks the server fills in (Deployment `strategy`): reported only
    /// when the configuration (prior state) has the block.
    pub server_block: bool,
    /// A [`Rep::One`] block whose Terraform schema sets no `max_items`
    /// (Terraform's provider reads only the first element).
    pub unbounded: bool,
    /// For labels/annotations: keys controllers add (a Job's `job-name`),
    /// reported only when the configuration has them, kept on update.
    pub generated_keys: &'static [&'static str],
    /// A terrane-only setting an import sets to its default (Terraform's
    /// provider does so for `wait_until_bound`).
    pub imported_default: bool,
}

/// An optional field.
pub fn f(tf: &'static str, json: &'static str, ty: Ty) -> Field {
    Field {
        tf,
        json,
        ty,
        mode: Mode::Opt,
        force_new: false,
        sensitive: false,
        default: None,
        server_block: false,
        unbounded: false,
        generated_keys: &[],
        imported_default: false,
    }
}

/// An optional list block of at most one element.
pub fn one(tf: &'static str, json: &'static str, fields: Vec<Field>) -> Field {
    f(tf, json, Ty::Block(fields, Rep::One))
}

/// An optional list block.
pub fn many(tf: &'static str, json: &'static str, fields: Vec<Field>) -> Field {
    f(tf, json, Ty::Block(fields, Rep::Many))
}

impl Field {
    /// Required.
    pub fn req(mut self) -> Self {
        self.mode = Mode::Req;
        self
    }
    /// Optional and server-defaulted.
    pub fn oc(mut self) -> Self {
        self.mode = Mode::OptComp;
        self
    }
    /// Computed only.
    pub fn comp(mut self) -> Self {
        self.mode = Mode::Comp;
        self
    }
    /// Forces replacement.
    pub fn force_new(mut self) -> Self {
        self.force_new = true;
        self
    }
    /// Sensitive.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    /// Planned default.
    pub fn default(mut self, v: Value) -> Self {
        self.default = Some(v);
        self
    }
    /// A block the server fills in.
    pub fn server_block(mut self) -> Self {
        self.server_block = true;
        self
    }
    /// Set to its default on import.
    pub fn imported_default(mut self) -> Self {
        self.imported_default = true;
        self
    }
    /// Label or annotation keys controllers add.
    pub fn generated_keys(mut self, keys: &'static [&'static str]) -> Self {
        self.generated_keys = keys;
        self
    }
    /// No `max_items` on a [`Rep::One`] block's schema.
    pub fn unbounded(mut self) -> Self {
        self.unbounded = true;
        self
    }

    /// The Terraform type of the field's value.
    pub fn tf_type(&self) -> Type {
        match &self.ty {
            Ty::Str | Ty::IntStr | Ty::Mode | Ty::Quantity => Type::String,
            Ty::Int => Type::Number,
            Ty::Bool => Type::Bool,
            Ty::MapStr | Ty::Meta | Ty::B64Map | Ty::Quantities => Type::map(Type::String),
            Ty::ListStr => Type::list(Type::String),
            Ty::SetStr => Type::set(Type::String),
            Ty::SetInt => Type::set(Type::Number),
            Ty::Block(fs, _) => Type::list(block_type(fs)),
        }
    }
}

/// The object type of one block element.
pub fn block_type(fields: &[Field]) -> Type {
    schema_block(fields).implied_type()
}

/// The schema block for fields.
pub fn schema_block(fields: &[Field]) -> Block {
    let mut b = Block::default();
    for fl in fields {
        match &fl.ty {
            // A block only the server writes (`status`) is a computed
            // attribute, as in Terraform's provider.
            Ty::Block(..) if fl.mode == Mode::Comp => {
                b = b.attr(fl.tf, Attribute::computed(fl.tf_type()));
            }
            Ty::Block(fs, rep) => {
                let mut nb = NestedBlock::new(Nesting::List, schema_block(fs));
                if *rep == Rep::One && !fl.unbounded {
                    nb.max_items = 1;
                }
                if fl.mode == Mode::Req {
                    nb.min_items = 1;
                }
                nb.force_new = fl.force_new;
                b = b.block(fl.tf, nb);
            }
            _ => {
                let ty = fl.tf_type();
                let mut a = match fl.mode {
                    Mode::Req => Attribute::required(ty),
                    Mode::Opt => Attribute::optional(ty),
                    Mode::OptComp => Attribute::optional_computed(ty),
                    Mode::Comp => Attribute::computed(ty),
                };
                a.force_new = fl.force_new && fl.mode != Mode::Comp;
                a.sensitive = fl.sensitive;
                b = b.attr(fl.tf, a);
            }
        }
    }
    b
}

/// The same fields as a data source reports them: everything computed
/// except the attributes in `keep` (by Terraform name), which stay as
/// declared; blocks become computed attributes.
pub fn data_block(fields: &[Field], keep: &[&str]) -> Block {
    let mut b = Block::default();
    for fl in fields {
        if keep.contains(&fl.tf) {
            if let Ty::Block(fs, _) = &fl.ty {
                let nb = NestedBlock::new(Nesting::List, data_block(fs, keep));
                b = b.block(fl.tf, nb);
                continue;
            }
            let mut a = schema_block(std::slice::from_ref(fl))
                .attributes
                .remove(fl.tf)
                .unwrap_or_else(|| Attribute::computed(fl.tf_type()));
            a.force_new = false;
            if a.optional && !a.computed && fl.default.is_some() {
                a.computed = true;
            }
            b = b.attr(fl.tf, a);
        } else {
            let mut a = Attribute::computed(fl.tf_type());
            a.sensitive = fl.sensitive;
            b = b.attr(fl.tf, a);
        }
    }
    b
}

/// Why a request body could not be built.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{path}: {message}")]
pub struct BodyError {
    /// The attribute path.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

fn scalar_json(fl: &Field, v: &Value, path: &str) -> Result<Option<J>, BodyError> {
    let bad = |m: &str| BodyError {
        path: path.to_string(),
        message: m.to_string(),
    };
    if v.is_null() {
        return Ok(None);
    }
    if !v.is_wholly_known() {
        return Err(bad("value is not known yet"));
    }
    Ok(Some(match (&fl.ty, &v.kind) {
        (Ty::Str | Ty::Quantity, Kind::String(s)) => J::String(s.clone()),
        (Ty::Mode, Kind::String(s)) => {
            let digits = s.trim_start_matches("0o");
            match i64::from_str_radix(digits, 8) {
                Ok(i) if (0..=0o777).contains(&i) => J::from(i),
                _ => return Err(bad(&format!("{s:?} is not a file mode (octal, 0 to 0777)"))),
            }
        }
        (Ty::IntStr, Kind::String(s)) => match s.parse::<i64>() {
            Ok(i) => J::from(i),
            Err(_) => J::String(s.clone()),
        },
        (Ty::Int, Kind::Number(n)) => number_json(n).map_err(|e| bad(&e.to_string()))?,
        (Ty::Bool, Kind::Bool(b)) => J::Bool(*b),
        (Ty::MapStr | Ty::Meta | Ty::Quantities, Kind::Map(_, m)) => J::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), J::String(x.as_str().unwrap_or("").to_string())))
                .collect(),
        ),
        (Ty::B64Map, Kind::Map(_, m)) => J::Object(
            m.iter()
                .map(|(k, x)| {
                    let s = x.as_str().unwrap_or("");
                    (
                        k.clone(),
                        J::String(base64::engine::general_purpose::STANDARD.encode(s)),
                    )
                })
                .collect(),
        ),
        (Ty::ListStr, Kind::List(_, xs)) | (Ty::SetStr, Kind::Set(_, xs)) => J::Array(
            xs.iter()
                .map(|x| J::String(x.as_str().unwrap_or("").to_string()))
                .collect(),
        ),
        (Ty::SetInt, Kind::Set(_, xs)) => J::Array(
            xs.iter()
                .filter_map(|x| match &x.kind {
                    Kind::Number(n) => number_json(n).ok(),
                    _ => None,
                })
                .collect(),
        ),
        _ => return Err(bad(&format!("unexpected value {:?}", v.kind))),
    }))
}

/// The JSON body for `planned` (what terrane manages): computed-only fields
/// are never sent, server-defaulted ones only when `config` sets them.
pub fn to_json(
    fields: &[Field],
    planned: &Obj,
    config: Option<&Obj>,
    at: &str,
) -> Result<Map<String, J>, BodyError> {
    let mut out = Map::new();
    for fl in fields {
        if fl.mode == Mode::Comp || fl.json.is_empty() {
            continue;
        }
        let null = Value::dynamic_null();
        let v = planned.get(fl.tf).unwrap_or(&null);
        let cv = config.map(|c| c.get(fl.tf).unwrap_or(&null));
        let path = format!("{at}{}", fl.tf);
        if fl.mode == Mode::OptComp && cv.is_some_and(|c| c.is_null()) {
            continue;
        }
        match &fl.ty {
            Ty::Block(fs, rep) => {
                if fl.server_block && cv.is_some_and(|c| c.len() == Some(0)) {
                    continue;
                }
                let items = v.as_seq().unwrap_or(&[]);
                let citems = cv.and_then(Value::as_seq);
                let mut arr = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let co = citems.and_then(|c| c.get(i)).map(obj);
                    let o = to_json(fs, &obj(item), co.as_ref(), &format!("{path}.{i}."))?;
                    arr.push(J::Object(o));
                }
                match rep {
                    Rep::One => {
                        if let Some(first) = arr.into_iter().next() {
                            out.insert(fl.json.to_string(), first);
                        }
                    }
                    Rep::Many => {
                        if !arr.is_empty() {
                            out.insert(fl.json.to_string(), J::Array(arr));
                        }
                    }
                }
            }
            // A string defaulting to "" means "unset" there (seccomp's
            // `localhost_profile`): Kubernetes rejects some when present.
            _ if v.as_str() == Some("")
                && fl.default.as_ref().and_then(Value::as_str) == Some("") => {}
            _ => {
                if let Some(j) = scalar_json(fl, v, &path)? {
                    out.insert(fl.json.to_string(), j);
                }
            }
        }
    }
    Ok(out)
}

/// The value of a Kubernetes quantity (`500m`, `1.5Gi`, `2e3`).
pub fn quantity(s: &str) -> Option<f64> {
    let s = s.trim();
    let split = s
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == '+' || *c == '-'))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        e if e.starts_with(['e', 'E']) => 10f64.powi(e[1..].parse::<i32>().ok()?),
        _ => return None,
    };
    Some(n * mult)
}

fn same_quantity(a: &str, b: &str) -> bool {
    match (quantity(a), quantity(b)) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1e-9),
        _ => false,
    }
}

/// Label and annotation keys Kubernetes manages itself, as Terraform's
/// provider decides: the key's prefix (its "host", before the first `/`)
/// ends in `kubernetes.io`, except the user-facing `app.kubernetes.io` and
/// `service.beta.kubernetes.io`; and DaemonSet's template generation.
fn is_internal_key(k: &str) -> bool {
    let host = k.split('/').next().unwrap_or(k);
    let host = host.split(':').next().unwrap_or(host);
    if host == "app.kubernetes.io" || host == "service.beta.kubernetes.io" {
        return false;
    }
    host.ends_with("kubernetes.io") || k.contains("deprecated.daemonset.template.generation")
}

fn json_string(j: &J) -> String {
    match j {
        J::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn scalar_from_json(fl: &Field, j: Option<&J>, prior: Option<&Value>) -> Value {
    let ty = fl.tf_type();
    let j = j.filter(|j| !j.is_null());
    let Some(j) = j else {
        // Kubernetes omits zero values: keep a zero the state already has,
        // or the zero the field defaults to.
        return match (prior, &fl.default) {
            (Some(p), _) if p.is_known() && !p.is_null() && is_zero(p) => p.clone(),
            (_, Some(d)) if is_zero(d) => d.clone(),
            _ => Value::null(ty),
        };
    };
    match &fl.ty {
        Ty::Str => Value::string(json_string(j)),
        Ty::IntStr => Value::string(json_string(j)),
        Ty::Mode => match j.as_i64() {
            Some(i) => {
                let s = format!("0{i:o}");
                // "0644" and "644" are the same mode.
                match prior.and_then(Value::as_str) {
                    Some(p) if i64::from_str_radix(p.trim_start_matches("0o"), 8) == Ok(i) => {
                        Value::string(p)
                    }
                    _ => Value::string(s),
                }
            }
            None => Value::null(ty),
        },
        Ty::Quantity => {
            let s = json_string(j);
            match prior.and_then(Value::as_str) {
                Some(p) if same_quantity(p, &s) => Value::string(p),
                _ => Value::string(s),
            }
        }
        Ty::Int => match j {
            J::Number(n) => Value::number(crate::jsonval::json_number(n)),
            J::String(s) => Number::parse(s)
                .map(Value::number)
                .unwrap_or_else(|_| Value::null(ty)),
            _ => Value::null(ty),
        },
        Ty::Bool => j
            .as_bool()
            .map(Value::bool)
            .unwrap_or_else(|| Value::null(ty)),
        Ty::MapStr | Ty::Meta | Ty::B64Map | Ty::Quantities => {
            let prior_keys = prior.and_then(Value::as_entries);
            let mut m = BTreeMap::new();
            if let J::Object(o) = j {
                for (k, x) in o {
                    if matches!(fl.ty, Ty::Meta)
                        && (is_internal_key(k) || fl.generated_keys.contains(&k.as_str()))
                        && !prior_keys.is_some_and(|p| p.contains_key(k))
                    {
                        continue;
                    }
                    let s = if matches!(fl.ty, Ty::B64Map) {
                        let raw = json_string(x);
                        base64::engine::general_purpose::STANDARD
                            .decode(raw.as_bytes())
                            .map(|b| String::from_utf8_lossy(&b).into_owned())
                            .unwrap_or(raw)
                    } else {
                        json_string(x)
                    };
                    let same_quantity =
                        |p: &str| matches!(fl.ty, Ty::Quantities) && same_quantity(p, &s);
                    let s = match prior_keys.and_then(|p| p.get(k)).and_then(Value::as_str) {
                        Some(p) if same_quantity(p) => p.to_string(),
                        _ => s,
                    };
                    m.insert(k.clone(), s);
                }
            }
            if m.is_empty() && prior.is_none_or(|p| p.len() != Some(0)) {
                return Value::null(ty);
            }
            vmap(m)
        }
        Ty::ListStr => {
            let xs: Vec<Value> = j
                .as_array()
                .map(|a| a.iter().map(|x| Value::string(json_string(x))).collect())
                .unwrap_or_default();
            if xs.is_empty() && prior.is_none_or(|p| p.len() != Some(0)) {
                return Value::null(ty);
            }
            Value::list(Type::String, xs)
        }
        Ty::SetStr | Ty::SetInt => {
            let xs: Vec<Value> = j
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| match (&fl.ty, x) {
                            (Ty::SetInt, J::Number(n)) => {
                                Some(Value::number(crate::jsonval::json_number(n)))
                            }
                            (Ty::SetStr, _) => Some(Value::string(json_string(x))),
                            _ => None,
                        })
                        .collect()
                })
                .unwrap_or_default();
            if xs.is_empty() && prior.is_none_or(|p| p.len() != Some(0)) {
                return Value::null(ty);
            }
            let elem = if matches!(fl.ty, Ty::SetInt) {
                Type::Number
            } else {
                Type::String
            };
            Value::set(elem, xs)
        }
        Ty::Block(..) => Value::null(ty),
    }
}

/// The state for a JSON object. `prior` (the state or plan this read
/// refreshes) settles what JSON cannot say: zero values Kubernetes omits,
/// empty-vs-null collections, server-filled blocks the configuration lacks,
/// and terrane-only settings (null without a prior).
pub fn from_json(fields: &[Field], j: Option<&Map<String, J>>, prior: Option<&Obj>) -> Obj {
    let mut out = Obj::new();
    let empty = Map::new();
    for fl in fields {
        let pv = prior.and_then(|p| p.get(fl.tf));
        if fl.json.is_empty() {
            // Without a prior (import, data sources) terrane-only settings
            // stay null, as in Terraform's provider: the plan after an
            // import then sets them.
            let v = pv
                .cloned()
                .or_else(|| {
                    (prior.is_some() || fl.imported_default)
                        .then(|| fl.default.clone())
                        .flatten()
                })
                .unwrap_or_else(|| Value::null(fl.tf_type()));
            out.insert(fl.tf.to_string(), v);
            continue;
        }
        let jv = j.and_then(|m| m.get(fl.json));
        let v = match &fl.ty {
            Ty::Block(fs, rep) => {
                let ety = block_type(fs);
                let prior_items: Vec<Obj> = pv
                    .and_then(Value::as_seq)
                    .map(|xs| xs.iter().map(obj).collect())
                    .unwrap_or_default();
                let computed = fl.mode == Mode::Comp;
                let raw: Vec<&Map<String, J>> = match (rep, jv) {
                    (Rep::One, Some(J::Object(o))) => {
                        if o.is_empty() && prior_items.is_empty() && !computed {
                            vec![]
                        } else {
                            vec![o]
                        }
                    }
                    // A computed object block always has its one element.
                    (Rep::One, _) if computed => vec![&empty],
                    (Rep::Many, Some(J::Array(a))) => a.iter().filter_map(J::as_object).collect(),
                    _ => vec![],
                };
                if fl.server_block && prior.is_some() && prior_items.is_empty() {
                    Value::list(ety, vec![])
                } else {
                    let items = raw
                        .into_iter()
                        .enumerate()
                        .map(|(i, o)| vobj(from_json(fs, Some(o), prior_items.get(i))))
                        .collect();
                    Value::list(ety, items)
                }
            }
            _ => scalar_from_json(fl, jv, pv),
        };
        out.insert(fl.tf.to_string(), v);
    }
    out
}

/// Plans one block: configured values, defaults, prior values for
/// server-defaulted fields the configuration leaves unset, unknown for those
/// on new objects.
pub fn plan(fields: &[Field], config: &Obj, prior: Option<&Obj>) -> Obj {
    let mut out = Obj::new();
    for fl in fields {
        let ty = fl.tf_type();
        let cv = config
            .get(fl.tf)
            .cloned()
            .unwrap_or_else(|| Value::null(ty.clone()));
        let pv = prior.and_then(|p| p.get(fl.tf));
        let v = match &fl.ty {
            Ty::Block(..) if fl.mode == Mode::Comp => match pv {
                Some(p) if prior.is_some() => p.clone(),
                _ => Value::unknown(ty),
            },
            Ty::Block(fs, _) => {
                let ety = block_type(fs);
                let citems: Vec<Obj> = cv
                    .as_seq()
                    .map(|xs| xs.iter().map(obj).collect())
                    .unwrap_or_default();
                let pitems: Vec<Obj> = pv
                    .and_then(Value::as_seq)
                    .map(|xs| xs.iter().map(obj).collect())
                    .unwrap_or_default();
                if !cv.is_known() {
                    Value::unknown(ty)
                } else if citems.is_empty() && fl.server_block && !pitems.is_empty() {
                    pv.cloned()
                        .unwrap_or_else(|| Value::list(ety.clone(), vec![]))
                } else {
                    let items = citems
                        .iter()
                        .enumerate()
                        .map(|(i, c)| vobj(plan(fs, c, pitems.get(i))))
                        .collect();
                    Value::list(ety, items)
                }
            }
            _ => match fl.mode {
                Mode::Comp => match pv {
                    Some(p) if prior.is_some() => p.clone(),
                    _ => Value::unknown(ty),
                },
                Mode::OptComp if cv.is_null() => match (prior, pv) {
                    (Some(_), Some(p)) => p.clone(),
                    _ => fl.default.clone().unwrap_or_else(|| Value::unknown(ty)),
                },
                _ if cv.is_null() => fl.default.clone().unwrap_or(cv),
                _ => cv,
            },
        };
        out.insert(fl.tf.to_string(), v);
    }
    out
}

/// Paths of force-new fields whose planned value differs from the prior.
pub fn replace_paths(fields: &[Field], planned: &Obj, prior: &Obj, at: &Path, out: &mut Vec<Path>) {
    for fl in fields {
        let p = at.attr(fl.tf);
        let (a, b) = (planned.get(fl.tf), prior.get(fl.tf));
        if fl.force_new {
            let differs = match (a, b) {
                (Some(x), Some(y)) => x != y,
                (None, None) => false,
                _ => true,
            };
            if differs {
                out.push(p);
            }
            continue;
        }
        if let Ty::Block(fs, _) = &fl.ty {
            let pa = a.and_then(Value::as_seq).unwrap_or(&[]);
            let pb = b.and_then(Value::as_seq).unwrap_or(&[]);
            for (i, (x, y)) in pa.iter().zip(pb.iter()).enumerate() {
                replace_paths(fs, &obj(x), &obj(y), &p.index(i as u64), out);
            }
        }
    }
}

/// Overlays the managed `desired` body onto the object as the server has
/// it: fields terrane manages are replaced (or removed when no longer
/// configured), everything else the server keeps (defaults, fields outside
/// the schema).
pub fn overlay(
    fields: &[Field],
    current: &mut Map<String, J>,
    desired: &Map<String, J>,
    ignore: &Ignore,
) {
    for fl in fields {
        if fl.mode == Mode::Comp || fl.json.is_empty() {
            continue;
        }
        let want = desired.get(fl.json);
        match (&fl.ty, want) {
            (Ty::Block(fs, Rep::One), Some(J::Object(w))) => {
                let slot = current
                    .entry(fl.json.to_string())
                    .or_insert_with(|| J::Object(Map::new()));
                if let J::Object(cur) = slot {
                    overlay(fs, cur, w, ignore);
                } else {
                    *slot = J::Object(w.clone());
                }
            }
            (Ty::Block(fs, Rep::Many), Some(J::Array(ws))) => {
                let mut cur_items: Vec<J> = match current.remove(fl.json) {
                    Some(J::Array(a)) => a,
                    _ => vec![],
                };
                cur_items.truncate(ws.len());
                for (i, w) in ws.iter().enumerate() {
                    let Some(w) = w.as_object() else { continue };
                    match cur_items.get_mut(i) {
                        Some(J::Object(c)) => overlay(fs, c, w, ignore),
                        _ => {
                            if i < cur_items.len() {
                                cur_items[i] = J::Object(w.clone());
                            } else {
                                cur_items.push(J::Object(w.clone()));
                            }
                        }
                    }
                }
                current.insert(fl.json.to_string(), J::Array(cur_items));
            }
            // Server-filled labels (a Job's) stay unless configured.
            (Ty::Meta, None) if fl.mode == Mode::OptComp => {}
            (Ty::Meta, w) => {
                // Keys Kubernetes or other systems manage stay.
                let mut m: Map<String, J> = match current.remove(fl.json) {
                    Some(J::Object(c)) => c
                        .into_iter()
                        .filter(|(k, _)| {
                            is_internal_key(k)
                                || fl.generated_keys.contains(&k.as_str())
                                || ignore.ignores(fl.json, k)
                        })
                        .collect(),
                    _ => Map::new(),
                };
                if let Some(J::Object(w)) = w {
                    m.extend(w.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                if !m.is_empty() {
                    current.insert(fl.json.to_string(), J::Object(m));
                }
            }
            (_, Some(w)) => {
                current.insert(fl.json.to_string(), w.clone());
            }
            (_, None) => {
                if fl.mode != Mode::OptComp && !fl.server_block {
                    current.remove(fl.json);
                }
            }
        }
    }
}

/// Drops ignored keys from the top-level `metadata` block's labels and
/// annotations.
pub fn drop_ignored(state: &mut Obj, ignore: &Ignore) {
    if ignore.annotations.is_empty() && ignore.labels.is_empty() {
        return;
    }
    let Some(Value {
        kind: Kind::List(ety, items),
        ..
    }) = state.get("metadata").cloned()
    else {
        return;
    };
    let items = items
        .into_iter()
        .map(|m| {
            let mut o = obj(&m);
            for map in ["annotations", "labels"] {
                if let Some(Value {
                    kind: Kind::Map(t, entries),
                    ..
                }) = o.get(map).cloned()
                {
                    let kept: BTreeMap<String, Value> = entries
                        .into_iter()
                        .filter(|(k, _)| !ignore.ignores(map, k))
                        .collect();
                    let v = if kept.is_empty() {
                        Value::null(Type::map(t))
                    } else {
                        Value::map(t, kept)
                    };
                    o.insert(map.to_string(), v);
                }
            }
            vobj(o)
        })
        .collect();
    state.insert("metadata".into(), Value::list(ety, items));
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn modes_sets_and_quantities() {
        let fields = vec![
            f("mode", "mode", Ty::Mode),
            f("groups", "groups", Ty::SetInt),
            f("values", "values", Ty::SetStr),
            f("size", "size", Ty::Quantity),
        ];
        let planned: Obj = [
            ("mode".to_string(), vs("0640")),
            (
                "groups".to_string(),
                Value::set(Type::Number, vec![Value::number(5), Value::number(4)]),
            ),
            (
                "values".to_string(),
                Value::set(Type::String, vec![vs("b"), vs("a")]),
            ),
            ("size".to_string(), vs("0.5Gi")),
        ]
        .into_iter()
        .collect();
        let body = to_json(&fields, &planned, None, "").unwrap();
        assert_eq!(
            J::Object(body),
            serde_json::json!({"mode": 416, "groups": [4, 5], "values": ["a", "b"], "size": "0.5Gi"})
        );
        // The server's canonical quantity and an equal mode keep the
        // configured spelling; a different value shows.
        let server = serde_json::json!({"mode": 416, "groups": [4, 5], "values": ["a", "b"], "size": "512Mi"});
        let back = from_json(&fields, server.as_object(), Some(&planned));
        assert_eq!(back, planned);
        let server = serde_json::json!({"mode": 420, "size": "1Gi"});
        let back = from_json(&fields, server.as_object(), Some(&planned));
        assert_eq!(back["mode"], vs("0644"));
        assert_eq!(back["size"], vs("1Gi"));
        assert!(back["groups"].is_null());
        let bad: Obj = [("mode".to_string(), vs("0999"))].into_iter().collect();
        assert!(to_json(&fields, &bad, None, "").is_err());
    }

    #[test]
    fn internal_keys_as_terraform_decides() {
        assert!(is_internal_key("deployment.kubernetes.io/revision"));
        assert!(is_internal_key(
            "kubectl.kubernetes.io/last-applied-configuration"
        ));
        assert!(is_internal_key("kubernetes.io/metadata.name"));
        assert!(is_internal_key("deprecated.daemonset.template.generation"));
        assert!(!is_internal_key("app.kubernetes.io/part-of"));
        assert!(!is_internal_key(
            "service.beta.kubernetes.io/aws-load-balancer-type"
        ));
        assert!(!is_internal_key("example.k8s.io/x"));
        assert!(!is_internal_key("app"));
    }

    #[test]
    fn quantities_compare_by_value() {
        assert_eq!(quantity("500m"), Some(0.5));
        assert_eq!(quantity("1Gi"), Some(1073741824.0));
        assert_eq!(quantity("2e3"), Some(2000.0));
        assert_eq!(quantity("1E"), Some(1e18));
        assert!(same_quantity("0.5", "500m"));
        assert!(same_quantity("1024Mi", "1Gi"));
        assert!(!same_quantity("128Mi", "128M"));
        assert_eq!(quantity("lots"), None);
    }

    #[test]
    fn body_and_state_round_trip() {
        let fields = vec![
            f("name", "name", Ty::Str).req(),
            f("replicas", "replicas", Ty::IntStr).oc(),
            f("data", "data", Ty::B64Map),
            one("spec", "spec", vec![f("port", "port", Ty::Int)]),
            f("local", "", Ty::Bool).default(Value::bool(true)),
        ];
        let cfg = plan(
            &fields,
            &[
                ("name".to_string(), vs("a")),
                ("replicas".to_string(), vs("3")),
                (
                    "data".to_string(),
                    vmap([("k".to_string(), "v".to_string())].into()),
                ),
                (
                    "spec".to_string(),
                    Value::list(
                        block_type(
                            &fields[3..4]
                                .iter()
                                .flat_map(|f| match &f.ty {
                                    Ty::Block(fs, _) => fs.clone(),
                                    _ => vec![],
                                })
                                .collect::<Vec<_>>(),
                        ),
                        vec![vobj([("port".to_string(), Value::number(80))].into())],
                    ),
                ),
            ]
            .into_iter()
            .collect(),
            None,
        );
        let body = to_json(&fields, &cfg, None, "").unwrap();
        assert_eq!(
            J::Object(body.clone()),
            serde_json::json!({"name": "a", "replicas": 3, "data": {"k": "dg=="}, "spec": {"port": 80}})
        );
        let back = from_json(&fields, Some(&body), Some(&cfg));
        assert_eq!(back, cfg);
    }
}
