//! Resource addresses: static, instance, and absolute (within a module).

use crate::parse::{self, Step};
use crate::{AddrError, InstanceKey, ModuleInstance, ModulePath};
use std::fmt;
use std::str::FromStr;

/// Whether a resource is managed, a data source, or ephemeral.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceMode {
    /// A `resource` block.
    Managed,
    /// A `data` block.
    Data,
    /// An `ephemeral` block.
    Ephemeral,
}

impl ResourceMode {
    /// The address prefix (`""`, `"data."`, `"ephemeral."`).
    fn prefix(self) -> &'static str {
        match self {
            ResourceMode::Managed => "",
            ResourceMode::Data => "data.",
            ResourceMode::Ephemeral => "ephemeral.",
        }
    }

    /// The mode as state files spell it (`managed`, `data`, `ephemeral`).
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceMode::Managed => "managed",
            ResourceMode::Data => "data",
            ResourceMode::Ephemeral => "ephemeral",
        }
    }
}

/// A resource within one module: `aws_subnet.this`, `data.aws_ami.x`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Resource {
    /// Managed, data or ephemeral.
    pub mode: ResourceMode,
    /// The resource type (`aws_subnet`).
    pub type_name: String,
    /// The resource name (`this`).
    pub name: String,
}

impl Resource {
    /// Builds a resource address.
    pub fn new(mode: ResourceMode, type_name: impl Into<String>, name: impl Into<String>) -> Self {
        Resource {
            mode,
            type_name: type_name.into(),
            name: name.into(),
        }
    }

    /// The address of one instance of this resource.
    pub fn instance(&self, key: InstanceKey) -> ResourceInstance {
        ResourceInstance {
            resource: self.clone(),
            key,
        }
    }

    /// The implied provider local name: the type up to its first `_`.
    pub fn implied_provider(&self) -> &str {
        self.type_name
            .split_once('_')
            .map(|(p, _)| p)
            .unwrap_or(&self.type_name)
    }

    /// Parses `[data.|ephemeral.]TYPE.NAME` at the start of `steps`.
    fn take(steps: &[Step]) -> Option<(Resource, usize)> {
        let name = |i: usize| match steps.get(i) {
            Some(Step::Name(n)) => Some(n.clone()),
            _ => None,
        };
        let first = name(0)?;
        let (mode, start) = match first.as_str() {
            "data" => (ResourceMode::Data, 1),
            "ephemeral" => (ResourceMode::Ephemeral, 1),
            _ => (ResourceMode::Managed, 0),
        };
        let type_name = name(start)?;
        let res_name = name(start + 1)?;
        if matches!(type_name.as_str(), "module" | "var" | "local" | "output") && start == 0 {
            return None;
        }
        Some((Resource::new(mode, type_name, res_name), start + 2))
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}.{}", self.mode.prefix(), self.type_name, self.name)
    }
}

impl FromStr for Resource {
    type Err = AddrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let steps = parse::steps(s)?;
        match Resource::take(&steps) {
            Some((r, n)) if n == steps.len() => Ok(r),
            _ => Err(AddrError::kind("resource", s, "expected [data.]TYPE.NAME")),
        }
    }
}

/// One instance of a resource: `aws_subnet.this[0]`, `aws_subnet.this["k"]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceInstance {
    /// The resource.
    pub resource: Resource,
    /// The instance key.
    pub key: InstanceKey,
}

impl fmt::Display for ResourceInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.resource, self.key)
    }
}

impl FromStr for ResourceInstance {
    type Err = AddrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.parse::<AbsResourceInstance>()? {
            AbsResourceInstance { module, resource } if module.is_root() => Ok(resource),
            _ => Err(AddrError::kind(
                "resource instance",
                s,
                "expected [data.]TYPE.NAME[KEY] without a module path",
            )),
        }
    }
}

/// A resource in a static module path (configuration level):
/// `module.a.aws_subnet.this`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConfigResource {
    /// The module path.
    pub module: ModulePath,
    /// The resource within it.
    pub resource: Resource,
}

impl fmt::Display for ConfigResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.module.is_root() {
            write!(f, "{}", self.resource)
        } else {
            write!(f, "{}.{}", self.module, self.resource)
        }
    }
}

impl FromStr for ConfigResource {
    type Err = AddrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let abs: AbsResource = s.parse()?;
        if abs.module.0.iter().any(|st| st.key != InstanceKey::None) {
            return Err(AddrError::kind(
                "resource",
                s,
                "module instance keys are not allowed here",
            ));
        }
        Ok(ConfigResource {
            module: abs.module.to_path(),
            resource: abs.resource,
        })
    }
}

/// A resource in a module instance: `module.a["x"].aws_subnet.this`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AbsResource {
    /// The module instance.
    pub module: ModuleInstance,
    /// The resource within it.
    pub resource: Resource,
}

impl AbsResource {
    /// One instance of this resource.
    pub fn instance(&self, key: InstanceKey) -> AbsResourceInstance {
        AbsResourceInstance {
            module: self.module.clone(),
            resource: self.resource.instance(key),
        }
    }
}

impl fmt::Display for AbsResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.module.is_root() {
            write!(f, "{}", self.resource)
        } else {
            write!(f, "{}.{}", self.module, self.resource)
        }
    }
}

impl FromStr for AbsResource {
    type Err = AddrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.parse::<Target>()? {
            Target::Resource(r) => Ok(r),
            _ => Err(AddrError::kind(
                "resource",
                s,
                "expected [module.NAME[KEY].]...[data.]TYPE.NAME",
            )),
        }
    }
}

/// One resource instance in a module instance:
/// `module.a["x"].aws_subnet.this[0]`. This is how state and plans name objects.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AbsResourceInstance {
    /// The module instance.
    pub module: ModuleInstance,
    /// The resource instance within it.
    pub resource: ResourceInstance,
}

impl AbsResourceInstance {
    /// The resource this is an instance of.
    pub fn abs_resource(&self) -> AbsResource {
        AbsResource {
            module: self.module.clone(),
            resource: self.resource.resource.clone(),
        }
    }
}

impl fmt::Display for AbsResourceInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.module.is_root() {
            write!(f, "{}", self.resource)
        } else {
            write!(f, "{}.{}", self.module, self.resource)
        }
    }
}

impl FromStr for AbsResourceInstance {
    type Err = AddrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.parse::<Target>()? {
            Target::Instance(r) => Ok(r),
            Target::Resource(r) => Ok(r.instance(InstanceKey::None)),
            Target::Module(_) => Err(AddrError::kind(
                "resource instance",
                s,
                "expected a resource address, not a module",
            )),
        }
    }
}

/// What a `-target` or `-replace` option names: a module instance, a whole
/// resource, or one resource instance.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// `module.a[0]`: everything in that module instance.
    Module(ModuleInstance),
    /// `aws_instance.web`: every instance of the resource.
    Resource(AbsResource),
    /// `aws_instance.web[0]`: one instance.
    Instance(AbsResourceInstance),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Module(m) => write!(f, "{m}"),
            Target::Resource(r) => write!(f, "{r}"),
            Target::Instance(r) => write!(f, "{r}"),
        }
    }
}

impl FromStr for Target {
    type Err = AddrError;
    /// Parses a `-target`/`-replace` address; the error reasons are
    /// Terraform's ("Resource specification must include a resource type and name.").
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let steps = parse::steps(s)?;
        if matches!(steps.last(), Some(Step::Name(m)) if m == "module")
            && ModuleInstance::take_prefix(&steps).1 == steps.len() - 1
        {
            return Err(AddrError::kind(
                "target",
                s,
                "Prefix \"module.\" must be followed by a module name.",
            ));
        }
        let (module, used) = ModuleInstance::take_prefix(&steps);
        let rest = &steps[used..];
        if rest.is_empty() {
            if module.is_root() {
                return Err(AddrError::kind(
                    "target",
                    s,
                    "Resource specification must include a resource type and name.",
                ));
            }
            return Ok(Target::Module(module));
        }
        let Some((resource, n)) = Resource::take(rest) else {
            return Err(AddrError::kind(
                "target",
                s,
                "Resource specification must include a resource type and name.",
            ));
        };
        match &rest[n..] {
            [] => Ok(Target::Resource(AbsResource { module, resource })),
            [Step::Index(k)] => Ok(Target::Instance(AbsResourceInstance {
                module,
                resource: resource.instance(k.clone()),
            })),
            [Step::Name(_), ..] => Err(AddrError::kind(
                "target",
                s,
                "Resource instance key must be given in square brackets.",
            )),
            _ => Err(AddrError::kind(
                "target",
                s,
                "Unexpected extra operators after address.",
            )),
        }
    }
}
