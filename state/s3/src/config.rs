//! `backend "s3"` settings with Terraform's argument names, defaults and
//! environment variables, and the S3 client they describe.

use std::collections::HashMap;

use aws_config::BehaviorVersion;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_smithy_http_client::tls;
use aws_types::region::Region;
use terrane_state::StateError;

/// Default `workspace_key_prefix`, as in Terraform.
pub const DEFAULT_WORKSPACE_KEY_PREFIX: &str = "env:";

/// The `backend "s3"` settings terrane supports.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct S3Config {
    /// `bucket` (required).
    pub bucket: String,
    /// `key` (required): the default workspace's object key.
    pub key: String,
    /// `region` (else `AWS_REGION` / `AWS_DEFAULT_REGION` / the profile).
    pub region: Option<String>,
    /// `workspace_key_prefix` (default `env:`).
    pub workspace_key_prefix: String,
    /// `endpoints { s3 = ... }` or the deprecated `endpoint` (else
    /// `AWS_ENDPOINT_URL_S3`).
    pub endpoint: Option<String>,
    /// `use_path_style` (deprecated `force_path_style`).
    pub use_path_style: bool,
    /// `access_key` (else the default credential chain).
    pub access_key: Option<String>,
    /// `secret_key`.
    pub secret_key: Option<String>,
    /// `token`.
    pub token: Option<String>,
    /// `profile`.
    pub profile: Option<String>,
    /// `use_lockfile`: lock with a `<key>.tflock` object. Without it, locking
    /// is a no-op, as in Terraform without a lock method.
    pub use_lockfile: bool,
    /// `encrypt`: server-side encryption of the state object.
    pub encrypt: bool,
    /// `kms_key_id`: SSE-KMS key (with `encrypt`).
    pub kms_key_id: Option<String>,
    /// `skip_credentials_validation` (accepted; terrane never calls STS).
    pub skip_credentials_validation: bool,
    /// `skip_requesting_account_id` (accepted; terrane never asks).
    pub skip_requesting_account_id: bool,
    /// `skip_region_validation` (accepted; any region name is used as is).
    pub skip_region_validation: bool,
}

fn invalid(message: String) -> StateError {
    StateError::Backend {
        message,
        source: None,
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl S3Config {
    /// Settings for `bucket` and `key` with every other argument at its
    /// default.
    pub fn new(bucket: impl Into<String>, key: impl Into<String>) -> S3Config {
        S3Config {
            bucket: bucket.into(),
            key: key.into(),
            workspace_key_prefix: DEFAULT_WORKSPACE_KEY_PREFIX.to_owned(),
            ..S3Config::default()
        }
    }

    /// Builds the settings from the backend block's arguments (`name`,
    /// string value; the `endpoints` block's `s3` argument as `endpoints.s3`,
    /// booleans as `true`/`false`). Arguments terrane does not support are
    /// errors (`dynamodb_table` among them: use `use_lockfile`).
    pub fn from_settings<'a>(
        settings: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<S3Config, StateError> {
        const KNOWN: &[&str] = &[
            "bucket",
            "key",
            "region",
            "workspace_key_prefix",
            "endpoints.s3",
            "endpoint",
            "use_path_style",
            "force_path_style",
            "access_key",
            "secret_key",
            "token",
            "profile",
            "use_lockfile",
            "encrypt",
            "kms_key_id",
            "skip_credentials_validation",
            "skip_requesting_account_id",
            "skip_region_validation",
            "skip_metadata_api_check",
        ];
        let mut given: HashMap<&str, &str> = HashMap::new();
        for (k, v) in settings {
            if k == "dynamodb_table" {
                return Err(invalid(
                    "backend \"s3\": dynamodb_table locking is not supported by terrane; \
                     use use_lockfile = true (S3 conditional writes)"
                        .to_owned(),
                ));
            }
            if !KNOWN.contains(&k) {
                return Err(invalid(format!(
                    "unsupported argument {k:?} in backend \"s3\""
                )));
            }
            given.insert(k, v);
        }
        let get = |k: &str| given.get(k).map(|v| (*v).to_owned());
        let flag = |k: &str| -> Result<bool, StateError> {
            match given.get(k).copied() {
                None | Some("false") => Ok(false),
                Some("true") => Ok(true),
                Some(v) => Err(invalid(format!(
                    "backend \"s3\": {k} must be true or false, not {v:?}"
                ))),
            }
        };
        let c = S3Config {
            bucket: get("bucket").unwrap_or_default(),
            key: get("key").unwrap_or_default(),
            region: get("region")
                .or_else(|| env("AWS_REGION"))
                .or_else(|| env("AWS_DEFAULT_REGION")),
            workspace_key_prefix: get("workspace_key_prefix")
                .unwrap_or_else(|| DEFAULT_WORKSPACE_KEY_PREFIX.to_owned()),
            endpoint: get("endpoints.s3")
                .or_else(|| get("endpoint"))
                .or_else(|| env("AWS_ENDPOINT_URL_S3")),
            use_path_style: flag("use_path_style")? || flag("force_path_style")?,
            access_key: get("access_key"),
            secret_key: get("secret_key"),
            token: get("token"),
            profile: get("profile").or_else(|| env("AWS_PROFILE")),
            use_lockfile: flag("use_lockfile")?,
            encrypt: flag("encrypt")?,
            kms_key_id: get("kms_key_id"),
            skip_credentials_validation: flag("skip_credentials_validation")?,
            skip_requesting_account_id: flag("skip_requesting_account_id")?,
            skip_region_validation: flag("skip_region_validation")?,
        };
        flag("skip_metadata_api_check")?;
        c.validate()?;
        Ok(c)
    }

    /// Checks the rules Terraform checks on these arguments.
    pub fn validate(&self) -> Result<(), StateError> {
        if self.bucket.is_empty() {
            return Err(invalid("backend \"s3\": bucket is required".to_owned()));
        }
        if self.key.is_empty() {
            return Err(invalid("backend \"s3\": key is required".to_owned()));
        }
        if self.key.starts_with('/') || self.key.ends_with('/') {
            return Err(invalid(format!(
                "backend \"s3\": key {:?} must not start or end with '/'",
                self.key
            )));
        }
        if self.workspace_key_prefix.starts_with('/') || self.workspace_key_prefix.ends_with('/') {
            return Err(invalid(format!(
                "backend \"s3\": workspace_key_prefix {:?} must not start or end with '/'",
                self.workspace_key_prefix
            )));
        }
        if self.access_key.is_some() != self.secret_key.is_some() {
            return Err(invalid(
                "backend \"s3\": access_key and secret_key must be set together".to_owned(),
            ));
        }
        Ok(())
    }
}

/// The S3 client for `c`: rustls (ring) HTTPS, static credentials when
/// given, else the SDK's default chain.
pub(crate) async fn client(c: &S3Config) -> aws_sdk_s3::Client {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).http_client(http);
    if let Some(r) = &c.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(p) = &c.profile {
        loader = loader.profile_name(p);
    }
    if let (Some(ak), Some(sk)) = (&c.access_key, &c.secret_key) {
        loader = loader.credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            ak.clone(),
            sk.clone(),
            c.token.clone(),
            None,
            "terrane-backend-config",
        )));
    }
    let sdk = loader.load().await;
    let mut b = aws_sdk_s3::config::Builder::from(&sdk).force_path_style(c.use_path_style);
    if let Some(e) = &c.endpoint {
        b = b.endpoint_url(e);
    }
    aws_sdk_s3::Client::from_conf(b.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_use_terraform_names_and_defaults() {
        let c = S3Config::from_settings([
            ("bucket", "b"),
            ("key", "a/terraform.tfstate"),
            ("region", "eu-west-1"),
            ("endpoints.s3", "http://127.0.0.1:5000"),
            ("use_path_style", "true"),
            ("use_lockfile", "true"),
        ])
        .unwrap_or_default();
        assert_eq!(c.workspace_key_prefix, "env:");
        assert_eq!(c.endpoint.as_deref(), Some("http://127.0.0.1:5000"));
        assert!(c.use_path_style && c.use_lockfile && !c.encrypt);
        assert_eq!(c.region.as_deref(), Some("eu-west-1"));
    }

    #[test]
    fn bad_settings_are_refused() {
        let r = S3Config::from_settings([("bucket", "b")]);
        assert!(r.is_err_and(|e| e.to_string().contains("key is required")));
        let r = S3Config::from_settings([("bucket", "b"), ("key", "/k")]);
        assert!(r.is_err_and(|e| e.to_string().contains("must not start")));
        let r = S3Config::from_settings([("bucket", "b"), ("key", "k"), ("dynamodb_table", "t")]);
        assert!(r.is_err_and(|e| e.to_string().contains("use_lockfile")));
        let r = S3Config::from_settings([("bucket", "b"), ("key", "k"), ("access_key", "a")]);
        assert!(r.is_err_and(|e| e.to_string().contains("together")));
        let r = S3Config::from_settings([("bucket", "b"), ("key", "k"), ("encrypt", "yes")]);
        assert!(r.is_err());
        let r = S3Config::from_settings([("bucket", "b"), ("key", "k"), ("nope", "1")]);
        assert!(r.is_err_and(|e| e.to_string().contains("nope")));
    }
}
