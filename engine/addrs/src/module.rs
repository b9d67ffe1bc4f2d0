//! Module paths (static, from configuration) and module instances (with keys).

use crate::parse::{self, Step};
use crate::{AddrError, InstanceKey};
use std::fmt;
use std::str::FromStr;

/// A module call within one module: `module.NAME`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleCall {
    /// The call's name (the `module` block label).
    pub name: String,
}

impl ModuleCall {
    /// Builds the address from a name.
    pub fn new(name: impl Into<String>) -> Self {
        ModuleCall { name: name.into() }
    }
}

impl fmt::Display for ModuleCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "module.{}", self.name)
    }
}

impl FromStr for ModuleCall {
    type Err = AddrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match parse::steps(s)?.as_slice() {
            [Step::Name(m), Step::Name(n)] if m == "module" => Ok(ModuleCall::new(n.clone())),
            _ => Err(AddrError::kind("module call", s, "expected module.NAME")),
        }
    }
}

/// A static path through the module tree, from the root: `module.a.module.b`.
/// The root module is the empty path and displays as the empty string.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ModulePath(pub Vec<String>);

impl ModulePath {
    /// The root module.
    pub fn root() -> Self {
        ModulePath(Vec::new())
    }

    /// True for the root module.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The path of a child module called `name` from this one.
    pub fn child(&self, name: impl Into<String>) -> Self {
        let mut v = self.0.clone();
        v.push(name.into());
        ModulePath(v)
    }

    /// The parent module's path, or `None` for the root.
    pub fn parent(&self) -> Option<Self> {
        let (_, rest) = self.0.split_last()?;
        Some(ModulePath(rest.to_vec()))
    }
}

impl fmt::Display for ModulePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{name}")?;
        }
        Ok(())
    }
}

impl FromStr for ModulePath {
    type Err = AddrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let inst: ModuleInstance = s.parse()?;
        if inst.0.iter().any(|st| st.key != InstanceKey::None) {
            return Err(AddrError::kind(
                "module path",
                s,
                "a module path cannot have instance keys",
            ));
        }
        Ok(inst.to_path())
    }
}

/// One step of a module instance address: a call name and instance key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleInstanceStep {
    /// The module call's name.
    pub name: String,
    /// The instance key (`count`/`for_each`), or none.
    pub key: InstanceKey,
}

/// A path through the dynamic module tree: `module.a["x"].module.b[0]`.
/// The root module instance is empty and displays as the empty string.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ModuleInstance(pub Vec<ModuleInstanceStep>);

impl ModuleInstance {
    /// The root module instance.
    pub fn root() -> Self {
        ModuleInstance(Vec::new())
    }

    /// True for the root module.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// A child instance of this one.
    pub fn child(&self, name: impl Into<String>, key: InstanceKey) -> Self {
        let mut v = self.0.clone();
        v.push(ModuleInstanceStep {
            name: name.into(),
            key,
        });
        ModuleInstance(v)
    }

    /// The static module path, without keys.
    pub fn to_path(&self) -> ModulePath {
        ModulePath(self.0.iter().map(|s| s.name.clone()).collect())
    }

    /// Parses leading `module.NAME[KEY]` steps of `steps`, returning the
    /// instance and the number of steps consumed.
    pub(crate) fn take_prefix(steps: &[Step]) -> (ModuleInstance, usize) {
        let mut out = Vec::new();
        let mut i = 0;
        while let (Some(Step::Name(m)), Some(Step::Name(n))) = (steps.get(i), steps.get(i + 1)) {
            if m != "module" {
                break;
            }
            i += 2;
            let key = match steps.get(i) {
                Some(Step::Index(k)) => {
                    i += 1;
                    k.clone()
                }
                _ => InstanceKey::None,
            };
            out.push(ModuleInstanceStep {
                name: n.clone(),
                key,
            });
        }
        (ModuleInstance(out), i)
    }
}

impl fmt::Display for ModuleInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{}{}", step.name, step.key)?;
        }
        Ok(())
    }
}

impl FromStr for ModuleInstance {
    type Err = AddrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() {
            return Ok(ModuleInstance::root());
        }
        let steps = parse::steps(s)?;
        let (inst, used) = ModuleInstance::take_prefix(&steps);
        if used != steps.len() || inst.is_root() {
            return Err(AddrError::kind(
                "module",
                s,
                "expected module.NAME steps, each with an optional [KEY]",
            ));
        }
        Ok(inst)
    }
}
