//! The `backend` block's arguments: Terraform's schema of each supported
//! backend type, evaluation of the block and of `-backend-config` overrides
//! into Terraform's stored form (every schema attribute, unset ones null),
//! and Terraform's configuration hash.
//!
//! Terraform records the backend in `.terraform/terraform.tfstate` as the
//! decoded configuration object plus a hash of the *literal* block (without
//! `-backend-config` overrides). The hash is cty's set hash of the tuple
//! `[type, config]`: a CRC-32 (IEEE) of a textual encoding where null is
//! `~`, booleans `T`/`F`, strings Go-quoted, and objects `<v;v;...>` with
//! attributes in name order. Matching it byte for byte lets terrane and
//! Terraform share one working directory.

// Errors here are single diagnostics built once per bad argument and
// returned straight to the user, so their size is moot.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::path::Path;

use hcl_edit::Span;
use serde_json::Value as Json;
use terrane_config::RawBody;
use terrane_diagnostics::{Diagnostic, Diagnostics, SourceRange};
use terrane_value::display::go_quote;

/// The type of one backend argument, as Terraform's backend schema has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// A string.
    Str,
    /// A boolean.
    Bool,
    /// A number.
    Num,
    /// A list of strings.
    StrList,
    /// A set of strings.
    StrSet,
    /// An object of string attributes (s3's `endpoints`).
    Obj(&'static [&'static str]),
    /// An argument Terraform has but terrane does not support (s3's
    /// `assume_role`): stored as null, refused when set.
    Unsupported,
}

const LOCAL: &[(&str, Ty)] = &[("path", Ty::Str), ("workspace_dir", Ty::Str)];

const PG: &[(&str, Ty)] = &[
    ("conn_str", Ty::Str),
    ("schema_name", Ty::Str),
    ("skip_index_creation", Ty::Bool),
    ("skip_schema_creation", Ty::Bool),
    ("skip_table_creation", Ty::Bool),
];

const S3_ENDPOINTS: &[&str] = &["dynamodb", "iam", "s3", "sso", "sts"];

const S3: &[(&str, Ty)] = &[
    ("access_key", Ty::Str),
    ("acl", Ty::Str),
    ("allowed_account_ids", Ty::StrSet),
    ("assume_role", Ty::Unsupported),
    ("assume_role_with_web_identity", Ty::Unsupported),
    ("bucket", Ty::Str),
    ("custom_ca_bundle", Ty::Str),
    ("dynamodb_endpoint", Ty::Str),
    ("dynamodb_table", Ty::Str),
    ("ec2_metadata_service_endpoint", Ty::Str),
    ("ec2_metadata_service_endpoint_mode", Ty::Str),
    ("encrypt", Ty::Bool),
    ("endpoint", Ty::Str),
    ("endpoints", Ty::Obj(S3_ENDPOINTS)),
    ("forbidden_account_ids", Ty::StrSet),
    ("force_path_style", Ty::Bool),
    ("http_proxy", Ty::Str),
    ("https_proxy", Ty::Str),
    ("iam_endpoint", Ty::Str),
    ("insecure", Ty::Bool),
    ("key", Ty::Str),
    ("kms_key_id", Ty::Str),
    ("max_retries", Ty::Num),
    ("no_proxy", Ty::Str),
    ("profile", Ty::Str),
    ("region", Ty::Str),
    ("retry_mode", Ty::Str),
    ("secret_key", Ty::Str),
    ("shared_config_files", Ty::StrList),
    ("shared_credentials_file", Ty::Str),
    ("shared_credentials_files", Ty::StrList),
    ("skip_credentials_validation", Ty::Bool),
    ("skip_metadata_api_check", Ty::Bool),
    ("skip_region_validation", Ty::Bool),
    ("skip_requesting_account_id", Ty::Bool),
    ("skip_s3_checksum", Ty::Bool),
    ("sse_customer_key", Ty::Str),
    ("sts_endpoint", Ty::Str),
    ("sts_region", Ty::Str),
    ("token", Ty::Str),
    ("use_dualstack_endpoint", Ty::Bool),
    ("use_fips_endpoint", Ty::Bool),
    ("use_lockfile", Ty::Bool),
    ("use_path_style", Ty::Bool),
    ("workspace_key_prefix", Ty::Str),
];

/// Terraform's schema of backend type `name` (attributes in name order), or
/// `None` for a type terrane does not know.
pub fn schema(name: &str) -> Option<&'static [(&'static str, Ty)]> {
    match name {
        "local" => Some(LOCAL),
        "pg" => Some(PG),
        "s3" => Some(S3),
        _ => None,
    }
}

/// A backend type and its arguments, every schema attribute present (null
/// when unset), in Terraform's stored JSON form.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `local`, `pg` or `s3`.
    pub type_name: String,
    /// Attribute name to value, in name order.
    pub values: BTreeMap<String, Json>,
}

fn unsupported_type(type_name: &str) -> Diagnostic {
    Diagnostic::error(
        "Unsupported backend type",
        format!("There is no backend type named {type_name:?}. terrane supports the backend types \"local\", \"pg\" and \"s3\"."),
    )
}

impl Settings {
    /// Every attribute of `type_name`'s schema set to null.
    pub fn empty(type_name: &str) -> Result<Settings, Diagnostic> {
        let schema = schema(type_name).ok_or_else(|| unsupported_type(type_name))?;
        Ok(Settings {
            type_name: type_name.to_owned(),
            values: schema
                .iter()
                .map(|(n, _)| ((*n).to_owned(), Json::Null))
                .collect(),
        })
    }

    /// The literal `backend` block: constant values only (as Terraform, no
    /// variables or function calls), checked against the schema.
    pub fn from_block(block: &terrane_config::Backend) -> Result<Settings, Diagnostics> {
        let mut diags = Diagnostics::new();
        let mut s = match Settings::empty(&block.type_name) {
            Ok(s) => s,
            Err(d) => {
                diags.push(d.with_subject(block.decl_range.clone()));
                return Err(diags);
            }
        };
        s.merge_body(&block.body, &mut diags);
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(s)
        }
    }

    fn merge_body(&mut self, body: &RawBody, diags: &mut Diagnostics) {
        for (src, attr) in body.attributes() {
            if let Some(v) = literal(&attr.value, src.range_of(&attr.value), diags) {
                self.set_reported(attr.key.as_str(), &v, src.range_of(attr), diags);
            }
        }
        for (src, block) in body.blocks() {
            // `endpoints { s3 = ... }`: accepted as the object attribute it
            // is in Terraform's schema.
            let mut obj = BTreeMap::new();
            let mut ok = true;
            for attr in block.body.attributes() {
                match literal(&attr.value, src.range_of(&attr.value), diags) {
                    Some(v) => {
                        obj.insert(attr.key.as_str().to_owned(), v);
                    }
                    None => ok = false,
                }
            }
            if ok {
                let v = terrane_value::Value::object(obj);
                self.set_reported(block.ident.as_str(), &v, src.range_of(block), diags);
            }
        }
    }

    /// [`Settings::set_value`], reporting a failure at `at`.
    fn set_reported(
        &mut self,
        name: &str,
        v: &terrane_value::Value,
        at: SourceRange,
        diags: &mut Diagnostics,
    ) {
        if let Err(d) = self.set_value(name, v) {
            diags.push(d.with_subject(at));
        }
    }

    /// Sets one argument from a configuration value, converting it to the
    /// schema's type.
    pub fn set_value(&mut self, name: &str, v: &terrane_value::Value) -> Result<(), Diagnostic> {
        let json: Json = v
            .to_json_string()
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or(Json::Null);
        self.set_json(name, json)
    }

    fn ty(&self, name: &str) -> Result<Ty, Diagnostic> {
        schema(&self.type_name)
            .and_then(|s| s.iter().find(|(n, _)| *n == name))
            .map(|(_, t)| *t)
            .ok_or_else(|| {
                Diagnostic::error(
                    "Unsupported argument",
                    format!(
                        "An argument named {name:?} is not expected here: backend {:?} has no such argument.",
                        self.type_name
                    ),
                )
            })
    }

    fn set_json(&mut self, name: &str, json: Json) -> Result<(), Diagnostic> {
        let ty = self.ty(name)?;
        let converted = convert(name, ty, json)?;
        self.values.insert(name.to_owned(), converted);
        Ok(())
    }

    /// Applies `-backend-config` options in order: `KEY=VALUE` pairs (the
    /// value taken as a string, or as an HCL expression for object and
    /// collection arguments) and files of `key = value` lines.
    pub fn apply_overrides(&mut self, items: &[String], cwd: &Path) -> Result<(), Diagnostics> {
        let mut diags = Diagnostics::new();
        for item in items {
            match item.split_once('=') {
                Some((name, raw)) => {
                    let name = name.trim();
                    let ty = match self.ty(name) {
                        Ok(t) => t,
                        Err(_) => {
                            diags.push(Diagnostic::error(
                                "Invalid backend configuration argument",
                                format!("The backend configuration argument {name:?} given on the command line is not expected for the selected backend type."),
                            ));
                            continue;
                        }
                    };
                    let json = match ty {
                        Ty::Str | Ty::Bool | Ty::Num => Json::String(raw.to_owned()),
                        _ => match expression_json(item, raw) {
                            Ok(j) => j,
                            Err(d) => {
                                diags.push(d);
                                continue;
                            }
                        },
                    };
                    if let Err(d) = self.set_json(name, json) {
                        diags.push(d);
                    }
                }
                None => self.merge_file(&cwd.join(item), item, &mut diags),
            }
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(())
        }
    }

    fn merge_file(&mut self, path: &Path, shown: &str, diags: &mut Diagnostics) {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                diags.push(Diagnostic::error(
                    "Failed to read file",
                    format!("The backend configuration file {shown:?} given on the command line could not be read: {e}."),
                ));
                return;
            }
        };
        let src = terrane_lang::Source::new(shown, text.clone());
        let body = match terrane_lang::parse_body(&src) {
            Ok(b) => b,
            Err(d) => {
                diags.push(d);
                return;
            }
        };
        let file = terrane_diagnostics::SourceFile::new(shown, text);
        let range = |sp: Option<std::ops::Range<usize>>| file.range(sp.unwrap_or(0..0));
        for attr in body.attributes() {
            if let Some(v) = literal(&attr.value, range(attr.value.span()), diags) {
                self.set_reported(attr.key.as_str(), &v, range(attr.span()), diags);
            }
        }
    }

    /// Terraform's hash of this configuration (see the module docs).
    pub fn hash(&self) -> u32 {
        let mut s = String::from("<");
        s.push_str(&go_quote(&self.type_name));
        s.push(';');
        self.hash_object(&mut s);
        s.push_str(";>");
        crc32(s.as_bytes())
    }

    fn hash_object(&self, out: &mut String) {
        out.push('<');
        for (name, ty) in schema(&self.type_name).unwrap_or(&[]) {
            hash_value(self.values.get(*name).unwrap_or(&Json::Null), *ty, out);
            out.push(';');
        }
        out.push('>');
    }

    /// The set arguments as `(name, text)` pairs, the form the backends'
    /// `from_settings` take (`endpoints.s3` for the object's members).
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (name, v) in &self.values {
            match v {
                Json::Null => {}
                Json::String(s) => out.push((name.clone(), s.clone())),
                Json::Bool(b) => out.push((name.clone(), b.to_string())),
                Json::Number(n) => out.push((name.clone(), n.to_string())),
                Json::Object(m) => {
                    for (k, x) in m {
                        if let Json::String(s) = x {
                            out.push((format!("{name}.{k}"), s.clone()));
                        }
                    }
                }
                Json::Array(_) => out.push((name.clone(), v.to_string())),
            }
        }
        out
    }

    /// A set string argument.
    pub fn string(&self, name: &str) -> Option<&str> {
        self.values.get(name).and_then(Json::as_str)
    }

    /// The stored `config` object (attributes in name order).
    pub fn to_json(&self) -> Json {
        Json::Object(
            self.values
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    }

    /// Settings from a stored `config` object; attributes missing from it
    /// are null, attributes outside the schema are refused.
    pub fn from_json(type_name: &str, config: &Json) -> Result<Settings, Diagnostic> {
        let mut s = Settings::empty(type_name)?;
        if let Some(m) = config.as_object() {
            for (k, v) in m {
                if !v.is_null() {
                    s.set_json(k, v.clone())?;
                }
            }
        }
        Ok(s)
    }
}

/// The constant value of a backend argument; anything else is reported at
/// `at` (backend blocks cannot refer to variables or call functions).
fn literal(
    expr: &hcl_edit::expr::Expression,
    at: SourceRange,
    diags: &mut Diagnostics,
) -> Option<terrane_value::Value> {
    let v = terrane_config::types::const_value(expr);
    if v.is_none() {
        diags.push(
            Diagnostic::error(
                "Variables not allowed",
                "Variables may not be used here: backend arguments must be literal values (use -backend-config for values that differ between runs).",
            )
            .with_subject(at),
        );
    }
    v
}

/// `-backend-config=NAME=EXPR` for an object or collection argument.
fn expression_json(item: &str, raw: &str) -> Result<Json, Diagnostic> {
    let src = terrane_lang::Source::new("<value for -backend-config>", raw.to_owned());
    let invalid = || {
        Diagnostic::error(
            "Invalid backend configuration value",
            format!("The backend configuration option {item:?} has a value that is not a literal HCL expression."),
        )
    };
    let expr = terrane_lang::parse_expression(&src).map_err(|_| invalid())?;
    let v = terrane_config::types::const_value(&expr).ok_or_else(invalid)?;
    v.to_json_string()
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .ok_or_else(invalid)
}

fn inappropriate(name: &str, what: &str) -> Diagnostic {
    Diagnostic::error(
        "Incorrect attribute value type",
        format!("Inappropriate value for attribute {name:?}: {what} required."),
    )
}

/// Converts a JSON value to the schema type, as cty's conversions do for
/// primitive values (`"true"` is a bool, `true` a string `"true"`).
fn convert(name: &str, ty: Ty, v: Json) -> Result<Json, Diagnostic> {
    if v.is_null() {
        return Ok(Json::Null);
    }
    match ty {
        Ty::Str => match v {
            Json::String(_) => Ok(v),
            Json::Bool(b) => Ok(Json::String(b.to_string())),
            Json::Number(n) => Ok(Json::String(n.to_string())),
            _ => Err(inappropriate(name, "string")),
        },
        Ty::Bool => match &v {
            Json::Bool(_) => Ok(v),
            Json::String(s) if s == "true" => Ok(Json::Bool(true)),
            Json::String(s) if s == "false" => Ok(Json::Bool(false)),
            _ => Err(inappropriate(name, "bool")),
        },
        Ty::Num => match &v {
            Json::Number(_) => Ok(v),
            Json::String(s) => serde_json::from_str::<serde_json::Number>(s.trim())
                .map(Json::Number)
                .map_err(|_| inappropriate(name, "number")),
            _ => Err(inappropriate(name, "number")),
        },
        Ty::StrList | Ty::StrSet => match v {
            Json::Array(xs) => xs
                .into_iter()
                .map(|x| convert(name, Ty::Str, x))
                .collect::<Result<Vec<_>, _>>()
                .map(Json::Array),
            _ => Err(inappropriate(name, "list of string")),
        },
        Ty::Obj(fields) => match v {
            Json::Object(m) => {
                let mut out = serde_json::Map::new();
                for f in fields {
                    out.insert((*f).to_owned(), Json::Null);
                }
                for (k, x) in m {
                    if !fields.contains(&k.as_str()) {
                        return Err(Diagnostic::error(
                            "Unsupported argument",
                            format!("An argument named {k:?} is not expected in {name:?}; expected one of {}.", fields.join(", ")),
                        ));
                    }
                    out.insert(k.clone(), convert(&format!("{name}.{k}"), Ty::Str, x)?);
                }
                Ok(Json::Object(out))
            }
            _ => Err(inappropriate(name, "object")),
        },
        Ty::Unsupported => Err(Diagnostic::error(
            "Unsupported argument",
            format!("terrane does not support the backend argument {name:?}; configure credentials with access_key/secret_key/token or profile instead."),
        )),
    }
}

fn hash_value(v: &Json, ty: Ty, out: &mut String) {
    match v {
        Json::Null => out.push('~'),
        Json::Bool(true) => out.push('T'),
        Json::Bool(false) => out.push('F'),
        Json::Number(n) => out.push_str(&n.to_string()),
        Json::String(s) => out.push_str(&go_quote(s)),
        Json::Array(xs) => {
            let mut items: Vec<&Json> = xs.iter().collect();
            if ty == Ty::StrSet {
                // cty orders a set of strings lexically.
                items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                items.dedup();
            }
            out.push('[');
            for x in items {
                hash_value(x, Ty::Str, out);
                out.push(';');
            }
            out.push(']');
        }
        Json::Object(m) => {
            out.push('<');
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            for k in keys {
                hash_value(&m[k.as_str()], Ty::Str, out);
                out.push(';');
            }
            out.push('>');
        }
    }
}

/// CRC-32 with the IEEE polynomial (Go's `crc32.ChecksumIEEE`).
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn settings(type_name: &str, pairs: &[(&str, Json)]) -> Settings {
        let mut s = Settings::empty(type_name).unwrap();
        for (k, v) in pairs {
            s.set_json(k, v.clone()).unwrap();
        }
        s
    }

    // The expected hashes are what Terraform v1.11.4 wrote to
    // .terraform/terraform.tfstate for these blocks.
    #[test]
    fn hashes_match_terraform() {
        let local = settings("local", &[("path", Json::from("x.tfstate"))]);
        assert_eq!(local.hash(), 2_326_359_980);
        assert_eq!(Settings::empty("local").unwrap().hash(), 666_019_178);
        let pg = settings(
            "pg",
            &[
                (
                    "conn_str",
                    Json::from("postgres://postgres@127.0.0.1:55432/postgres?sslmode=disable"),
                ),
                ("schema_name", Json::from("tfprobe_hash")),
            ],
        );
        assert_eq!(pg.hash(), 1_445_594_810);
        let s3 = settings(
            "s3",
            &[
                ("bucket", Json::from("tfprobe")),
                ("key", Json::from("a/terraform.tfstate")),
                ("region", Json::from("us-east-1")),
                (
                    "endpoints",
                    serde_json::json!({"s3": "http://127.0.0.1:5055"}),
                ),
                ("use_path_style", Json::Bool(true)),
                ("skip_credentials_validation", Json::Bool(true)),
                ("skip_requesting_account_id", Json::Bool(true)),
                ("skip_metadata_api_check", Json::Bool(true)),
                ("access_key", Json::from("testing")),
                ("secret_key", Json::from("testing")),
                ("use_lockfile", Json::Bool(true)),
                ("max_retries", Json::from(3)),
            ],
        );
        assert_eq!(s3.hash(), 4_091_500_180);
    }

    #[test]
    fn stored_config_lists_every_attribute_with_nested_nulls() {
        let s3 = settings(
            "s3",
            &[("endpoints", serde_json::json!({"s3": "http://x"}))],
        );
        let j = s3.to_json();
        assert_eq!(j.as_object().unwrap().len(), S3.len());
        assert_eq!(
            j["endpoints"],
            serde_json::json!({"dynamodb": null, "iam": null, "s3": "http://x", "sso": null, "sts": null})
        );
        assert!(j["bucket"].is_null());
        assert_eq!(
            s3.pairs(),
            vec![("endpoints.s3".to_owned(), "http://x".to_owned())]
        );
    }

    #[test]
    fn overrides_convert_to_the_schema_types() {
        let mut s = Settings::empty("pg").unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().to_path_buf();
        std::fs::write(dir.join("pg.hcl"), "schema_name = \"team\"\n").unwrap();
        s.apply_overrides(
            &[
                "conn_str=postgres://h/db".to_owned(),
                "skip_index_creation=true".to_owned(),
                "pg.hcl".to_owned(),
            ],
            &dir,
        )
        .unwrap();
        assert_eq!(s.string("conn_str"), Some("postgres://h/db"));
        assert_eq!(s.values["skip_index_creation"], Json::Bool(true));
        assert_eq!(s.string("schema_name"), Some("team"));
        let err = s.apply_overrides(&["nope=1".to_owned()], &dir).unwrap_err();
        assert!(err
            .errors()
            .any(|d| d.summary == "Invalid backend configuration argument"));
        let err = s
            .apply_overrides(&["skip_table_creation=maybe".to_owned()], &dir)
            .unwrap_err();
        assert!(err
            .errors()
            .any(|d| d.summary == "Incorrect attribute value type"));
        let mut s3 = Settings::empty("s3").unwrap();
        s3.apply_overrides(&["endpoints={s3=\"http://e\"}".to_owned()], &dir)
            .unwrap();
        assert_eq!(s3.values["endpoints"]["s3"], Json::from("http://e"));
    }

    #[test]
    fn go_quote_escapes_like_strconv_quote() {
        assert_eq!(go_quote("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\x01é\"");
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn unknown_types_and_arguments_are_refused() {
        assert!(Settings::empty("consul").is_err());
        let mut s = Settings::empty("local").unwrap();
        assert!(s.set_json("bucket", Json::from("x")).is_err());
        let mut s3 = Settings::empty("s3").unwrap();
        assert!(s3
            .set_json("assume_role", serde_json::json!({"role_arn": "x"}))
            .is_err());
    }
}
