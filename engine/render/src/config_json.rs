//! The `configuration` section of `show -json`: a summary of the
//! configuration (providers, resources with the references of each
//! argument, outputs, variables, module calls) in Terraform's field order.
//! The CLI fills it from `terrane_config`; this crate only writes it.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value as J;
use std::collections::BTreeMap;

/// A present JSON value, `null` included (absent stays `None`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<J>, D::Error> {
    J::deserialize(d).map(Some)
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The whole configuration summary.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Configuration {
    /// Provider configurations by key (`aws`, `aws.west`, `module.m:aws`).
    #[serde(rename = "provider_config", skip_serializing_if = "BTreeMap::is_empty")]
    pub provider_config: BTreeMap<String, ProviderConfig>,
    /// The root module.
    pub root_module: ModuleConfig,
}

/// One provider configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ProviderConfig {
    /// Local name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Source address.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub full_name: String,
    /// Alias.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub alias: String,
    /// Version constraint.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub version_constraint: String,
    /// Module address for providers configured in child modules.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub module_address: String,
    /// Argument expressions.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub expressions: BTreeMap<String, J>,
}

/// One module's configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ModuleConfig {
    /// Outputs by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub outputs: BTreeMap<String, OutputConfig>,
    /// Resources in address order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<ResourceConfig>,
    /// Module calls by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub module_calls: BTreeMap<String, ModuleCall>,
    /// Variables by name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, VariableConfig>,
}

/// An expression: a constant value or the references it makes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct Expression {
    /// The value, when the expression is constant.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub constant_value: Option<J>,
    /// Referenced addresses, most specific first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
}

impl Expression {
    /// The expression as a JSON value (for `expressions` maps).
    pub fn to_json(&self) -> J {
        serde_json::to_value(self).unwrap_or(J::Null)
    }
}

/// One output.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct OutputConfig {
    /// Declared sensitive.
    #[serde(skip_serializing_if = "is_false")]
    pub sensitive: bool,
    /// The value expression.
    pub expression: Expression,
    /// `depends_on`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// Description.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// One resource block.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ResourceConfig {
    /// Address within its module.
    pub address: String,
    /// `managed` or `data`.
    pub mode: String,
    /// Type.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Name.
    pub name: String,
    /// Provider configuration key.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub provider_config_key: String,
    /// Argument expressions (nested blocks as arrays of maps).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub expressions: BTreeMap<String, J>,
    /// Schema version.
    pub schema_version: u64,
    /// `count`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count_expression: Option<Expression>,
    /// `for_each`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub for_each_expression: Option<Expression>,
    /// `depends_on`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
}

/// One module call.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ModuleCall {
    /// Source.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Input expressions.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub expressions: BTreeMap<String, J>,
    /// `count`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count_expression: Option<Expression>,
    /// `for_each`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub for_each_expression: Option<Expression>,
    /// The called module.
    pub module: ModuleConfig,
    /// Version constraint.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub version_constraint: String,
    /// `depends_on`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
}

/// One variable.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct VariableConfig {
    /// Default value.
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub default: Option<J>,
    /// Description.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Declared sensitive.
    #[serde(skip_serializing_if = "is_false")]
    pub sensitive: bool,
}
