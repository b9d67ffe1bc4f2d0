//! The Terraform state file, format version 4, exactly as Terraform writes it.
//!
//! Field order and omission rules follow Terraform's `statefile` package
//! (`stateV4`, `outputStateV4`, `resourceStateV4`, `instanceObjectStateV4`,
//! `checkResultsV4`): `serde` serialises the fields below in declaration
//! order, `skip_serializing_if` mirrors Go's `omitempty`, and
//! [`StateFile::to_bytes`] re-formats the result like Go's
//! `json.MarshalIndent(v, "", "  ")` plus a trailing newline. Reading and then
//! writing a Terraform-written state therefore gives identical bytes.
//!
//! Unknown fields are **preserved**, not dropped and not rejected: every
//! object keeps them in an `extra` map and writes them back after the known
//! fields. A state written by a newer Terraform that adds a field thus
//! survives a terrane round trip (Terraform itself would silently drop it);
//! [`StateFile::unknown_fields`] lists them so callers can warn.

mod de;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

use base64::Engine as _;
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::json::{self, RawJson};
use crate::StateError;

/// Unknown fields of a state object, kept verbatim (sorted by name).
pub type ExtraFields = BTreeMap<String, RawJson>;

/// A Terraform v4 state file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StateFile {
    /// The format version: always 4.
    pub version: FormatV4,
    /// Version of the program that wrote the snapshot, e.g. `"1.15.5"`.
    pub terraform_version: String,
    /// Incremented on every persisted change within one lineage.
    pub serial: u64,
    /// Identity of the state's history (a UUID); never changes once created.
    pub lineage: String,
    /// Root module outputs, sorted by name (Go sorts map keys).
    pub outputs: BTreeMap<String, OutputValue>,
    /// Resources in Terraform's order (see [`StateFile::sort`]).
    pub resources: Vec<Resource>,
    /// Check results; `None` is written as `null` (Terraform writes `null`
    /// when there were no checkable objects).
    pub check_results: Option<Vec<CheckResult>>,
    /// Unknown top-level fields, preserved.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// The state format version marker; serialises as `4` (the only version
/// terrane reads or writes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct FormatV4;

impl Serialize for FormatV4 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(4)
    }
}

/// A root module output value.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OutputValue {
    /// The value as cty JSON.
    pub value: RawJson,
    /// The cty type as JSON, e.g. `"string"` or `["tuple",["string"]]`.
    #[serde(rename = "type")]
    pub value_type: RawJson,
    /// Omitted when false.
    #[serde(skip_serializing_if = "is_false")]
    pub sensitive: bool,
    /// Unknown fields, preserved.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// Whether a resource is managed or a data source.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `"managed"` — a `resource` block.
    Managed,
    /// `"data"` — a `data` block.
    Data,
}

impl Mode {
    /// The string Terraform writes.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Managed => "managed",
            Mode::Data => "data",
        }
    }
}

/// One resource (all instances of one `resource`/`data` block in one module
/// instance).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Resource {
    /// Module instance address, e.g. `module.a["x"].module.b`; empty for the
    /// root module (then omitted).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub module: String,
    /// Managed resource or data source.
    pub mode: Mode,
    /// Resource type, e.g. `aws_instance`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// Resource name.
    pub name: String,
    /// Legacy `each` mode (`"list"`/`"map"`), only in old states; preserved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub each: Option<String>,
    /// Absolute provider configuration, e.g.
    /// `provider["registry.terraform.io/hashicorp/null"]` or
    /// `provider["registry.terraform.io/hashicorp/aws"].west`. Terraform
    /// always writes it; OpenTofu omits it when each instance names its own
    /// provider (`instance_provider`, kept in the instance's `extra`), so an
    /// empty value is accepted on read and omitted on write.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub provider: String,
    /// Instance objects (current and deposed), in Terraform's order.
    pub instances: Vec<InstanceObject>,
    /// Unknown fields, preserved.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// An instance key: `count.index` (number) or `each.key` (string).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum InstanceKey {
    /// `[0]`
    Int(i64),
    /// `["name"]`
    Str(String),
}

impl Serialize for InstanceKey {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            InstanceKey::Int(i) => s.serialize_i64(*i),
            InstanceKey::Str(k) => s.serialize_str(k),
        }
    }
}

impl<'de> serde::Deserialize<'de> for InstanceKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<InstanceKey, D::Error> {
        d.deserialize_any(de::InstanceKeyVisitor)
    }
}

impl InstanceKey {
    /// Terraform's instance ordering: integers before strings, integers
    /// numerically, strings byte-wise.
    pub fn terraform_cmp(&self, other: &InstanceKey) -> Ordering {
        match (self, other) {
            (InstanceKey::Int(a), InstanceKey::Int(b)) => a.cmp(b),
            (InstanceKey::Int(_), InstanceKey::Str(_)) => Ordering::Less,
            (InstanceKey::Str(_), InstanceKey::Int(_)) => Ordering::Greater,
            (InstanceKey::Str(a), InstanceKey::Str(b)) => a.as_bytes().cmp(b.as_bytes()),
        }
    }
}

impl fmt::Display for InstanceKey {
    /// `[0]` or `["key"]`, quoted as Terraform quotes instance keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => {
                f.write_str("[\"")?;
                let mut chars = s.chars().peekable();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => f.write_str("\\\"")?,
                        '\\' => f.write_str("\\\\")?,
                        '\n' => f.write_str("\\n")?,
                        '\r' => f.write_str("\\r")?,
                        '\t' => f.write_str("\\t")?,
                        '$' | '%' if chars.peek() == Some(&'{') => {
                            write!(f, "{c}{c}")?;
                        }
                        c if c.is_control() => write!(f, "\\u{:04x}", c as u32)?,
                        c => write!(f, "{c}")?,
                    }
                }
                f.write_str("\"]")
            }
        }
    }
}

/// Status of an instance object; absent means ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ObjectStatus {
    /// The object must be replaced on the next apply.
    Tainted,
}

/// One step of an attribute path in `sensitive_attributes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// `{"type":"get_attr","value":"name"}`
    GetAttr(String),
    /// `{"type":"index","value":{"value":0,"type":"number"}}` — the key as a
    /// cty dynamic-typed JSON value.
    Index(RawJson),
}

impl Serialize for PathStep {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        match self {
            PathStep::GetAttr(name) => {
                m.serialize_entry("type", "get_attr")?;
                m.serialize_entry("value", name)?;
            }
            PathStep::Index(key) => {
                m.serialize_entry("type", "index")?;
                m.serialize_entry("value", key)?;
            }
        }
        m.end()
    }
}

/// A path to a (sensitive) attribute.
pub type AttrPath = Vec<PathStep>;

/// One object of a resource instance: the current object or a deposed one.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct InstanceObject {
    /// `count`/`for_each` key; omitted for single instances.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_key: Option<InstanceKey>,
    /// `"tainted"` or omitted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ObjectStatus>,
    /// Deposed key (8 hex digits) for deposed objects; omitted for current.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deposed: Option<String>,
    /// Provider schema version the attributes conform to.
    pub schema_version: u64,
    /// Attributes as cty JSON (converted with the schema by the engine).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<RawJson>,
    /// Legacy flatmap attributes (pre-0.12 states), preserved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes_flat: Option<BTreeMap<String, String>>,
    /// Paths of sensitive attributes. Terraform always writes a list (maybe
    /// empty); `None` only when reading a state that lacks the field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sensitive_attributes: Option<Vec<AttrPath>>,
    /// Resource identity schema version (Terraform ≥ 1.12 always writes it;
    /// `None` when reading an older state, preserved as absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_schema_version: Option<u64>,
    /// Resource identity object, if the provider supports identities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<RawJson>,
    /// Provider-private bytes (written base64-encoded).
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "ser_private"
    )]
    pub private: Option<Vec<u8>>,
    /// Absolute addresses of resources this object depends on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    /// Omitted when false.
    #[serde(skip_serializing_if = "is_false")]
    pub create_before_destroy: bool,
    /// Unknown fields, preserved.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn ser_private<S: Serializer>(p: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
    match p {
        Some(bytes) => s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes)),
        None => s.serialize_none(),
    }
}

impl InstanceObject {
    /// A ready object with the given attributes, in the shape Terraform 1.12+
    /// writes (empty sensitive paths, identity schema version 0).
    pub fn new(schema_version: u64, attributes: RawJson) -> InstanceObject {
        InstanceObject {
            index_key: None,
            status: None,
            deposed: None,
            schema_version,
            attributes: Some(attributes),
            attributes_flat: None,
            sensitive_attributes: Some(Vec::new()),
            identity_schema_version: Some(0),
            identity: None,
            private: None,
            dependencies: Vec::new(),
            create_before_destroy: false,
            extra: ExtraFields::new(),
        }
    }

    /// The attributes as a [`serde_json::Value`] (`{}` when absent, as
    /// Terraform treats it).
    pub fn attributes_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        match &self.attributes {
            Some(raw) => raw.to_value(),
            None => Ok(serde_json::Value::Object(serde_json::Map::new())),
        }
    }

    /// Replaces the attributes with `value`.
    pub fn set_attributes(&mut self, value: &serde_json::Value) {
        self.attributes = Some(RawJson::from_value(value));
        self.attributes_flat = None;
    }

    /// True when the object is tainted.
    pub fn is_tainted(&self) -> bool {
        self.status == Some(ObjectStatus::Tainted)
    }

    fn terraform_cmp(&self, other: &InstanceObject) -> Ordering {
        let by_key = match (&self.index_key, &other.index_key) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(a), Some(b)) => a.terraform_cmp(b),
        };
        by_key.then_with(|| {
            let a = self.deposed.as_deref().unwrap_or("");
            let b = other.deposed.as_deref().unwrap_or("");
            a.as_bytes().cmp(b.as_bytes())
        })
    }
}

/// Aggregate result of one checkable configuration object.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CheckResult {
    /// `"resource"`, `"output"`, `"check"` or `"var"`.
    pub object_kind: String,
    /// Configuration address, e.g. `check.c1`.
    pub config_addr: String,
    /// `"pass"`, `"fail"`, `"error"` or `"unknown"`.
    pub status: String,
    /// Per-object results; `None` is written as `null`.
    pub objects: Option<Vec<CheckObjectResult>>,
    /// Unknown fields, preserved.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// Result of one checkable object.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CheckObjectResult {
    /// Object address, e.g. `terraform_data.cond`.
    pub object_addr: String,
    /// `"pass"`, `"fail"`, `"error"` or `"unknown"`.
    pub status: String,
    /// Omitted when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failure_messages: Vec<String>,
    /// Unknown fields, preserved.
    #[serde(flatten)]
    pub extra: ExtraFields,
}

/// Address of one instance object in a state file: module instance, mode,
/// type, name, key and (for deposed objects) deposed key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct InstanceAddr {
    /// Module instance address; empty for the root module.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub module: String,
    /// Managed resource or data source.
    pub mode: Mode,
    /// Resource type.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// Resource name.
    pub name: String,
    /// Instance key, if the resource uses `count` or `for_each`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index_key: Option<InstanceKey>,
    /// Deposed key, when addressing a deposed object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposed: Option<String>,
}

impl InstanceAddr {
    /// Address of the current object of a managed resource instance in the
    /// root module.
    pub fn managed(
        resource_type: &str,
        name: &str,
        index_key: Option<InstanceKey>,
    ) -> InstanceAddr {
        InstanceAddr {
            module: String::new(),
            mode: Mode::Managed,
            resource_type: resource_type.to_owned(),
            name: name.to_owned(),
            index_key,
            deposed: None,
        }
    }

    /// The same address in module instance `module`.
    pub fn in_module(mut self, module: &str) -> InstanceAddr {
        self.module = module.to_owned();
        self
    }

    /// The same instance's deposed object `key`.
    pub fn deposed(mut self, key: &str) -> InstanceAddr {
        self.deposed = Some(key.to_owned());
        self
    }

    /// The address of the resource (without key), as Terraform writes it in
    /// `dependencies`, e.g. `module.a.data.x.y`.
    pub fn resource_string(&self) -> String {
        let mut s = String::new();
        if !self.module.is_empty() {
            s.push_str(&self.module);
            s.push('.');
        }
        if self.mode == Mode::Data {
            s.push_str("data.");
        }
        s.push_str(&self.resource_type);
        s.push('.');
        s.push_str(&self.name);
        s
    }
}

impl fmt::Display for InstanceAddr {
    /// Terraform's absolute instance address, e.g. `module.a["x"].null_resource.b[0]`,
    /// followed by ` (deposed object KEY)` for deposed objects.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.resource_string())?;
        if let Some(k) = &self.index_key {
            write!(f, "{k}")?;
        }
        if let Some(d) = &self.deposed {
            write!(f, " (deposed object {d})")?;
        }
        Ok(())
    }
}

impl Resource {
    /// An empty resource entry.
    pub fn new(
        module: &str,
        mode: Mode,
        resource_type: &str,
        name: &str,
        provider: &str,
    ) -> Resource {
        Resource {
            module: module.to_owned(),
            mode,
            resource_type: resource_type.to_owned(),
            name: name.to_owned(),
            each: None,
            provider: provider.to_owned(),
            instances: Vec::new(),
            extra: ExtraFields::new(),
        }
    }

    /// The current (not deposed) object with key `key`.
    pub fn instance(&self, key: Option<&InstanceKey>) -> Option<&InstanceObject> {
        self.object(key, None)
    }

    /// The object with key `key` and deposed key `deposed` (`None` = current).
    pub fn object(
        &self,
        key: Option<&InstanceKey>,
        deposed: Option<&str>,
    ) -> Option<&InstanceObject> {
        self.instances
            .iter()
            .find(|o| o.index_key.as_ref() == key && o.deposed.as_deref() == deposed)
    }

    /// Mutable access to the object with key `key` and deposed key `deposed`.
    pub fn object_mut(
        &mut self,
        key: Option<&InstanceKey>,
        deposed: Option<&str>,
    ) -> Option<&mut InstanceObject> {
        self.instances
            .iter_mut()
            .find(|o| o.index_key.as_ref() == key && o.deposed.as_deref() == deposed)
    }

    fn sort_key(&self) -> (&[u8], &'static str, &[u8], &[u8]) {
        (
            self.module.as_bytes(),
            self.mode.as_str(),
            self.resource_type.as_bytes(),
            self.name.as_bytes(),
        )
    }

    fn matches(&self, module: &str, mode: Mode, resource_type: &str, name: &str) -> bool {
        self.module == module
            && self.mode == mode
            && self.resource_type == resource_type
            && self.name == name
    }
}

impl StateFile {
    /// An empty state with a fresh lineage (UUID v4) and serial 0.
    pub fn new(terraform_version: &str) -> StateFile {
        StateFile {
            version: FormatV4,
            terraform_version: terraform_version.to_owned(),
            serial: 0,
            lineage: new_lineage(),
            outputs: BTreeMap::new(),
            resources: Vec::new(),
            check_results: None,
            extra: ExtraFields::new(),
        }
    }

    /// Parses a state file. `name` is used in error messages only.
    ///
    /// Errors carry the JSON line and column. Only format version 4 is
    /// accepted.
    pub fn from_slice(bytes: &[u8], name: &str) -> Result<StateFile, StateError> {
        de::parse_state(bytes, name)
    }

    /// Serialises the state exactly as Terraform would write it (two-space
    /// indented JSON, HTML-safe escaping, trailing newline). Resources are
    /// written in the order they are held; call [`StateFile::sort`] first
    /// after mutations made without the helpers.
    pub fn to_bytes(&self) -> Result<Vec<u8>, StateError> {
        json::to_go_pretty(self).map_err(|e| StateError::Serialize(e.to_string()))
    }

    /// Finds a resource by module instance (empty for root), mode, type and name.
    pub fn resource(
        &self,
        module: &str,
        mode: Mode,
        resource_type: &str,
        name: &str,
    ) -> Option<&Resource> {
        self.resources
            .iter()
            .find(|r| r.matches(module, mode, resource_type, name))
    }

    /// Mutable variant of [`StateFile::resource`].
    pub fn resource_mut(
        &mut self,
        module: &str,
        mode: Mode,
        resource_type: &str,
        name: &str,
    ) -> Option<&mut Resource> {
        self.resources
            .iter_mut()
            .find(|r| r.matches(module, mode, resource_type, name))
    }

    /// The resource entry an instance address belongs to.
    pub fn resource_of(&self, addr: &InstanceAddr) -> Option<&Resource> {
        self.resource(&addr.module, addr.mode, &addr.resource_type, &addr.name)
    }

    /// The object at `addr` (current or deposed).
    pub fn object(&self, addr: &InstanceAddr) -> Option<&InstanceObject> {
        self.resource_of(addr)?
            .object(addr.index_key.as_ref(), addr.deposed.as_deref())
    }

    /// Every instance object with its address and provider, in file order.
    pub fn objects(&self) -> impl Iterator<Item = (InstanceAddr, &str, &InstanceObject)> + '_ {
        self.resources.iter().flat_map(|r| {
            r.instances.iter().map(move |o| {
                let addr = InstanceAddr {
                    module: r.module.clone(),
                    mode: r.mode,
                    resource_type: r.resource_type.clone(),
                    name: r.name.clone(),
                    index_key: o.index_key.clone(),
                    deposed: o.deposed.clone(),
                };
                (addr, r.provider.as_str(), o)
            })
        })
    }

    /// Inserts or replaces the object at `addr`. The object's `index_key` and
    /// `deposed` are set from the address; the resource entry is created (in
    /// Terraform's sort position) if missing, and its provider is set to
    /// `provider`.
    pub fn upsert_object(
        &mut self,
        addr: &InstanceAddr,
        provider: &str,
        mut object: InstanceObject,
    ) {
        object.index_key = addr.index_key.clone();
        object.deposed = addr.deposed.clone();
        let res = self.ensure_resource(addr, provider);
        res.provider = provider.to_owned();
        match res
            .instances
            .iter()
            .position(|o| o.index_key == object.index_key && o.deposed == object.deposed)
        {
            Some(i) => res.instances[i] = object,
            None => {
                let pos = res
                    .instances
                    .partition_point(|o| o.terraform_cmp(&object) != Ordering::Greater);
                res.instances.insert(pos, object);
            }
        }
    }

    /// Removes and returns the object at `addr`. The resource entry stays even
    /// if it becomes empty; see [`StateFile::remove_empty_resources`].
    pub fn remove_object(&mut self, addr: &InstanceAddr) -> Option<InstanceObject> {
        let res = self.resource_mut(&addr.module, addr.mode, &addr.resource_type, &addr.name)?;
        let i = res
            .instances
            .iter()
            .position(|o| o.index_key == addr.index_key && o.deposed == addr.deposed)?;
        Some(res.instances.remove(i))
    }

    /// Moves the current object at `addr` to deposed key `deposed_key`.
    /// Returns false if there was no current object.
    pub fn depose_object(&mut self, addr: &InstanceAddr, deposed_key: &str) -> bool {
        let mut current = addr.clone();
        current.deposed = None;
        let Some(res) = self.resource_mut(
            &current.module,
            current.mode,
            &current.resource_type,
            &current.name,
        ) else {
            return false;
        };
        let provider = res.provider.clone();
        match self.remove_object(&current) {
            Some(obj) => {
                self.upsert_object(&current.clone().deposed(deposed_key), &provider, obj);
                true
            }
            None => false,
        }
    }

    /// Removes resources that have no instance objects left.
    pub fn remove_empty_resources(&mut self) {
        self.resources.retain(|r| !r.instances.is_empty());
    }

    /// Sorts resources and instances into the order Terraform writes them:
    /// resources by module address, then mode (`"data"` before `"managed"`),
    /// type and name, all compared byte-wise; instances by key (no key first,
    /// integer keys before string keys) and then deposed key (current first).
    /// The sort is stable, as Terraform's is.
    pub fn sort(&mut self) {
        self.resources
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        for r in &mut self.resources {
            r.instances.sort_by(|a, b| a.terraform_cmp(b));
        }
    }

    /// Names of unknown (preserved) fields, as JSON-path-like strings.
    pub fn unknown_fields(&self) -> Vec<String> {
        let mut out: Vec<String> = self.extra.keys().cloned().collect();
        for (name, o) in &self.outputs {
            out.extend(o.extra.keys().map(|k| format!("outputs.{name}.{k}")));
        }
        for (ri, r) in self.resources.iter().enumerate() {
            out.extend(r.extra.keys().map(|k| format!("resources[{ri}].{k}")));
            for (ii, i) in r.instances.iter().enumerate() {
                out.extend(
                    i.extra
                        .keys()
                        .map(|k| format!("resources[{ri}].instances[{ii}].{k}")),
                );
            }
        }
        for (ci, c) in self.check_results.iter().flatten().enumerate() {
            out.extend(c.extra.keys().map(|k| format!("check_results[{ci}].{k}")));
            for (oi, o) in c.objects.iter().flatten().enumerate() {
                out.extend(
                    o.extra
                        .keys()
                        .map(|k| format!("check_results[{ci}].objects[{oi}].{k}")),
                );
            }
        }
        out
    }

    fn ensure_resource(&mut self, addr: &InstanceAddr, provider: &str) -> &mut Resource {
        let idx = match self
            .resources
            .iter()
            .position(|r| r.matches(&addr.module, addr.mode, &addr.resource_type, &addr.name))
        {
            Some(i) => i,
            None => {
                let new = Resource::new(
                    &addr.module,
                    addr.mode,
                    &addr.resource_type,
                    &addr.name,
                    provider,
                );
                let pos = {
                    let key = new.sort_key();
                    self.resources.partition_point(|r| r.sort_key() <= key)
                };
                self.resources.insert(pos, new);
                pos
            }
        };
        &mut self.resources[idx]
    }
}

/// A new lineage: a random (version 4) UUID.
pub fn new_lineage() -> String {
    uuid::Uuid::new_v4().to_string()
}
