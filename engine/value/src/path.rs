//! Paths to values nested inside other values (attribute names, map keys,
//! list indexes), as plans and state record them.

use std::fmt;

/// One step of a [`Path`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    /// An object attribute.
    Attr(String),
    /// A map key.
    Key(String),
    /// A list or tuple index.
    Index(u64),
}

/// A path from a value to one of its nested values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path(pub Vec<PathStep>);

impl Path {
    /// The empty path (the value itself).
    pub fn root() -> Path {
        Path(Vec::new())
    }

    /// This path extended by an attribute step.
    pub fn attr(&self, name: impl Into<String>) -> Path {
        self.with(PathStep::Attr(name.into()))
    }

    /// This path extended by a map-key step.
    pub fn key(&self, key: impl Into<String>) -> Path {
        self.with(PathStep::Key(key.into()))
    }

    /// This path extended by an index step.
    pub fn index(&self, i: u64) -> Path {
        self.with(PathStep::Index(i))
    }

    fn with(&self, step: PathStep) -> Path {
        let mut steps = self.0.clone();
        steps.push(step);
        Path(steps)
    }

    /// True when `self` is `other` or starts with it.
    pub fn starts_with(&self, other: &Path) -> bool {
        self.0.starts_with(&other.0)
    }
}

impl fmt::Display for Path {
    /// Terraform's path syntax: `.name`, `["key"]`, `[0]`; the first
    /// attribute has no leading dot.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attr(a) if i == 0 => f.write_str(a)?,
                PathStep::Attr(a) => write!(f, ".{a}")?,
                PathStep::Key(k) => write!(f, "[{k:?}]")?,
                PathStep::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}
