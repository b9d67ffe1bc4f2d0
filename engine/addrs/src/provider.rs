//! Provider source addresses and provider configuration addresses.

use crate::parse::{self, Step};
use crate::{AddrError, InstanceKey, ModuleInstance, ModulePath};
use std::fmt;
use std::str::FromStr;

/// The registry host providers come from when a source omits it.
pub const DEFAULT_PROVIDER_HOST: &str = "registry.terraform.io";
/// The namespace a source with only a type implies.
pub const DEFAULT_NAMESPACE: &str = "hashicorp";
/// The host of providers built into Terraform itself (`terraform`).
pub const BUILTIN_PROVIDER_HOST: &str = "terraform.io";
/// The namespace of built-in providers.
pub const BUILTIN_NAMESPACE: &str = "builtin";

/// A provider source string is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderSourceError {
    /// Too many or too few `/`-separated parts.
    #[error("The \"source\" attribute must be in the format \"[hostname/][namespace/]name\"")]
    Shape,
    /// The hostname part is not a valid hostname.
    #[error("Invalid provider registry hostname {0:?}")]
    Hostname(String),
    /// The namespace part has invalid characters.
    #[error("Invalid provider namespace {0:?}: must contain only letters, digits, and dashes, and may not use leading or trailing dashes")]
    Namespace(String),
    /// The type part has invalid characters.
    #[error("Invalid provider type {0:?}: must contain only letters, digits, and dashes, and may not use leading or trailing dashes")]
    Type(String),
    /// The type repeats the `terraform-provider-` or `terraform-` prefix of repository names.
    #[error("Invalid provider type {name:?} in source {source_str:?}: must be a provider type name, not a repository name with the {prefix:?} prefix")]
    TypePrefix {
        /// The type given.
        name: String,
        /// The whole source string.
        source_str: String,
        /// The offending prefix.
        prefix: &'static str,
    },
}

/// A provider's source address: `registry.terraform.io/hashicorp/aws`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Provider {
    /// Registry hostname, lowercase.
    pub hostname: String,
    /// Namespace (organisation), lowercase.
    pub namespace: String,
    /// Provider type, lowercase (`aws`).
    pub type_name: String,
}

impl Provider {
    /// The default provider for a local name without a `required_providers`
    /// entry: `registry.terraform.io/hashicorp/NAME`, or the built-in
    /// `terraform.io/builtin/terraform` for `terraform`.
    pub fn implied(type_name: &str) -> Provider {
        if type_name == "terraform" {
            return Provider::builtin("terraform");
        }
        Provider {
            hostname: DEFAULT_PROVIDER_HOST.to_string(),
            namespace: DEFAULT_NAMESPACE.to_string(),
            type_name: type_name.to_lowercase(),
        }
    }

    /// A provider built into terrane: `terraform.io/builtin/NAME`.
    pub fn builtin(type_name: &str) -> Provider {
        Provider {
            hostname: BUILTIN_PROVIDER_HOST.to_string(),
            namespace: BUILTIN_NAMESPACE.to_string(),
            type_name: type_name.to_string(),
        }
    }

    /// True for `terraform.io/builtin/...`.
    pub fn is_builtin(&self) -> bool {
        self.hostname == BUILTIN_PROVIDER_HOST && self.namespace == BUILTIN_NAMESPACE
    }

    /// Parses a `required_providers` source string:
    /// `[hostname/][namespace/]type`, applying the defaults.
    pub fn parse_source(source: &str) -> Result<Provider, ProviderSourceError> {
        let parts: Vec<&str> = source.split('/').collect();
        let (host, ns, ty) = match parts.as_slice() {
            [t] => (
                DEFAULT_PROVIDER_HOST.to_string(),
                DEFAULT_NAMESPACE.to_string(),
                *t,
            ),
            [n, t] => (DEFAULT_PROVIDER_HOST.to_string(), n.to_string(), *t),
            [h, n, t] => (h.to_lowercase(), n.to_string(), *t),
            _ => return Err(ProviderSourceError::Shape),
        };
        if host.is_empty()
            || !host
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-' || c == ':')
        {
            return Err(ProviderSourceError::Hostname(host));
        }
        if !valid_part(&ns) && ns != "-" {
            return Err(ProviderSourceError::Namespace(ns));
        }
        if !valid_part(ty) {
            return Err(ProviderSourceError::Type(ty.to_string()));
        }
        for prefix in ["terraform-provider-", "terraform-"] {
            if ty.to_lowercase().starts_with(prefix) {
                return Err(ProviderSourceError::TypePrefix {
                    name: ty.to_string(),
                    source_str: source.to_string(),
                    prefix,
                });
            }
        }
        Ok(Provider {
            hostname: host,
            namespace: ns.to_lowercase(),
            type_name: ty.to_lowercase(),
        })
    }

    /// The short form users write: the hostname is left out when it is the
    /// default registry (`hashicorp/aws`).
    pub fn for_display(&self) -> String {
        if self.hostname == DEFAULT_PROVIDER_HOST {
            format!("{}/{}", self.namespace, self.type_name)
        } else {
            self.to_string()
        }
    }
}

fn valid_part(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.chars().all(|c| c.is_alphanumeric() || c == '-')
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.hostname, self.namespace, self.type_name)
    }
}

impl FromStr for Provider {
    type Err = ProviderSourceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Provider::parse_source(s)
    }
}

/// A provider configuration as a module refers to it: `aws` or `aws.west`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalProviderConfig {
    /// The local name (`aws`).
    pub local_name: String,
    /// The alias, if any (`west`).
    pub alias: Option<String>,
}

impl LocalProviderConfig {
    /// Builds the address.
    pub fn new(local_name: impl Into<String>, alias: Option<String>) -> Self {
        LocalProviderConfig {
            local_name: local_name.into(),
            alias,
        }
    }
}

impl fmt::Display for LocalProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.alias {
            Some(a) => write!(f, "{}.{}", self.local_name, a),
            None => f.write_str(&self.local_name),
        }
    }
}

impl FromStr for LocalProviderConfig {
    type Err = AddrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match parse::steps(s)?.as_slice() {
            [Step::Name(n)] => Ok(LocalProviderConfig::new(n.clone(), None)),
            [Step::Name(n), Step::Name(a)] => {
                Ok(LocalProviderConfig::new(n.clone(), Some(a.clone())))
            }
            _ => Err(AddrError::kind(
                "provider configuration",
                s,
                "expected NAME or NAME.ALIAS",
            )),
        }
    }
}

/// A provider configuration as state records it:
/// `module.a.provider["registry.terraform.io/hashicorp/aws"].west`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AbsProviderConfig {
    /// The module the configuration belongs to.
    pub module: ModulePath,
    /// The provider.
    pub provider: Provider,
    /// The alias, if any.
    pub alias: Option<String>,
}

impl fmt::Display for AbsProviderConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        write!(f, "provider[\"{}\"]", self.provider)?;
        if let Some(a) = &self.alias {
            write!(f, ".{a}")?;
        }
        Ok(())
    }
}

impl FromStr for AbsProviderConfig {
    type Err = AddrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let steps = parse::steps(s)?;
        let (module, used) = ModuleInstance::take_prefix(&steps);
        if module.0.iter().any(|st| st.key != InstanceKey::None) {
            return Err(AddrError::kind(
                "provider configuration",
                s,
                "provider configurations cannot be in module instances with keys",
            ));
        }
        let bad = || {
            AddrError::kind(
                "provider configuration",
                s,
                "expected provider[\"HOST/NAMESPACE/TYPE\"] with an optional .ALIAS",
            )
        };
        let (source, alias) = match &steps[used..] {
            [Step::Name(p), Step::Index(InstanceKey::String(src))] if p == "provider" => {
                (src, None)
            }
            [Step::Name(p), Step::Index(InstanceKey::String(src)), Step::Name(a)]
                if p == "provider" =>
            {
                (src, Some(a.clone()))
            }
            _ => return Err(bad()),
        };
        let provider = Provider::parse_source(source)
            .map_err(|e| AddrError::kind("provider configuration", s, e.to_string()))?;
        Ok(AbsProviderConfig {
            module: module.to_path(),
            provider,
            alias,
        })
    }
}
