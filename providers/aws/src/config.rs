//! The `provider "aws"` block: its schema, and turning it into an AWS
//! session (credentials chain, region, assume-role, per-service endpoints,
//! account ID lookup).

use crate::client::{Aws, CallCounter, CountingInterceptor};
use crate::framework::s::*;
use crate::vals::*;
use aws_config::environment::{
    EnvironmentVariableCredentialsProvider, EnvironmentVariableRegionProvider,
};
use aws_config::meta::credentials::CredentialsProviderChain;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::{ProfileFileCredentialsProvider, ProfileFileRegionProvider};
use aws_config::provider_config::ProviderConfig;
use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_smithy_http_client::tls;
use std::sync::Arc;
use std::time::Duration;
use terrane_provider::{Attribute, CallPolicy, Schema};
use terrane_value::Type;
use tokio::sync::Semaphore;

/// Services whose endpoint can be overridden in `endpoints {}`.
pub const ENDPOINT_SERVICES: &[&str] = &["acm", "ec2", "elasticache", "elbv2", "rds", "s3", "sts"];

/// The schema of the `provider "aws"` block (the knobs Terraform users set).
pub fn provider_schema() -> Schema {
    let endpoints = block(ENDPOINT_SERVICES.iter().map(|s| (*s, opt_s())).collect());
    let assume_role = block(vec![
        ("role_arn", opt_s()),
        ("session_name", opt_s()),
        ("external_id", opt_s()),
        ("duration", opt_s()),
        ("policy", opt_s()),
        ("policy_arns", opt_set()),
    ]);
    let default_tags = block(vec![("tags", Attribute::optional(Type::map(Type::String)))]);
    let ignore_tags = block(vec![("keys", opt_set()), ("key_prefixes", opt_set())]);
    let b = block(vec![
        ("region", opt_s()),
        ("profile", opt_s()),
        ("access_key", opt_s()),
        ("secret_key", opt_s().sensitive()),
        ("token", opt_s().sensitive()),
        ("max_retries", opt_n()),
        ("shared_config_files", opt_list()),
        ("shared_credentials_files", opt_list()),
        ("skip_credentials_validation", opt_b()),
        ("skip_requesting_account_id", opt_b()),
        ("skip_metadata_api_check", opt_s()),
        ("skip_region_validation", opt_b()),
        ("s3_use_path_style", opt_b()),
        ("allowed_account_ids", opt_set()),
        ("forbidden_account_ids", opt_set()),
    ]);
    let mut ep = set(endpoints);
    ep.max_items = 0;
    schema(with_blocks(
        b,
        vec![
            ("endpoints", ep),
            ("assume_role", one(assume_role)),
            ("default_tags", one(default_tags)),
            ("ignore_tags", one(ignore_tags)),
        ],
    ))
}

/// Why the provider block could not be turned into a session.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// No region anywhere (config, environment, profile).
    #[error("The region must be set: in the provider block (region = \"...\"), or with AWS_REGION / AWS_DEFAULT_REGION, or in the shared config profile.")]
    NoRegion,
    /// A setting has a bad value.
    #[error("{0}")]
    Invalid(String),
    /// Credentials could not be validated / account ID could not be read.
    #[error("validating provider credentials: API call STS GetCallerIdentity returned {0}")]
    Credentials(String),
    /// The account is not allowed by `allowed_account_ids`/`forbidden_account_ids`.
    #[error("AWS account ID not allowed: {0}")]
    Account(String),
}

/// Session tuning that is not part of the provider block.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    /// Pause between waiter polls.
    pub poll_interval: Duration,
    /// Concurrency and retries.
    pub policy: CallPolicy,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions {
            poll_interval: Duration::from_secs(5),
            policy: CallPolicy {
                max_concurrency: 10,
                max_retries: 25,
                base_delay: Duration::from_millis(300),
            },
        }
    }
}

fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else {
        "aws"
    }
}

fn truthy(s: &str) -> Result<bool, ConfigError> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" | "" => Ok(false),
        other => Err(ConfigError::Invalid(format!(
            "skip_metadata_api_check: expected \"true\" or \"false\", got {other:?}"
        ))),
    }
}

/// `shared_config_files` / `shared_credentials_files`: when set they
/// replace the default `~/.aws/config` / `~/.aws/credentials` locations.
fn profile_files(config: &Obj) -> Option<EnvConfigFiles> {
    let cfg = get_strs(config, "shared_config_files");
    let cred = get_strs(config, "shared_credentials_files");
    if cfg.is_empty() && cred.is_empty() {
        return None;
    }
    let home = std::env::var("HOME").unwrap_or_default();
    let expand = |p: &String| match p.strip_prefix("~/") {
        Some(rest) if !home.is_empty() => format!("{home}/{rest}"),
        _ => p.clone(),
    };
    let mut b = EnvConfigFiles::builder()
        .include_default_config_file(cfg.is_empty())
        .include_default_credentials_file(cred.is_empty());
    for f in &cfg {
        b = b.with_file(EnvConfigFileKind::Config, expand(f));
    }
    for f in &cred {
        b = b.with_file(EnvConfigFileKind::Credentials, expand(f));
    }
    Some(b.build())
}

/// Builds the AWS session for a provider block.
pub async fn connect(config: &Obj, opts: &SessionOptions) -> Result<Aws, ConfigError> {
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    let profile = get_ne(config, "profile");
    let files = profile_files(config);
    let skip_imds = match get_s(config, "skip_metadata_api_check") {
        Some(s) => truthy(&s)?,
        None => false,
    };

    let region = match get_ne(config, "region") {
        Some(r) => Region::new(r),
        None => {
            let mut pr = ProfileFileRegionProvider::builder();
            if let Some(p) = &profile {
                pr = pr.profile_name(p);
            }
            if let Some(f) = &files {
                pr = pr.profile_files(f.clone());
            }
            RegionProviderChain::first_try(EnvironmentVariableRegionProvider::new())
                .or_else(pr.build())
                .region()
                .await
                .ok_or(ConfigError::NoRegion)?
        }
    };
    let region_name = region.as_ref().to_string();
    let pc = ProviderConfig::without_region()
        .with_http_client(http.clone())
        .with_region(Some(region.clone()));

    let creds: SharedCredentialsProvider =
        match (get_ne(config, "access_key"), get_ne(config, "secret_key")) {
            (Some(ak), Some(sk)) => SharedCredentialsProvider::new(Credentials::new(
                ak,
                sk,
                get_ne(config, "token"),
                None,
                "terrane-provider-config",
            )),
            (Some(_), None) | (None, Some(_)) => {
                return Err(ConfigError::Invalid(
                    "access_key and secret_key must be set together".into(),
                ))
            }
            (None, None) => {
                let mut prof = ProfileFileCredentialsProvider::builder().configure(&pc);
                if let Some(p) = &profile {
                    prof = prof.profile_name(p);
                }
                if let Some(f) = &files {
                    prof = prof.profile_files(f.clone());
                }
                let mut chain = CredentialsProviderChain::first_try(
                    "Environment",
                    EnvironmentVariableCredentialsProvider::new(),
                )
                .or_else("Profile", prof.build())
                .or_else(
                    "WebIdentityToken",
                    aws_config::web_identity_token::WebIdentityTokenCredentialsProvider::builder()
                        .configure(&pc)
                        .build(),
                )
                .or_else(
                    "EcsContainer",
                    aws_config::ecs::EcsCredentialsProvider::builder()
                        .configure(&pc)
                        .build(),
                );
                if !skip_imds {
                    chain = chain.or_else(
                        "Ec2InstanceMetadata",
                        aws_config::imds::credentials::ImdsCredentialsProvider::builder()
                            .configure(&pc)
                            .build(),
                    );
                }
                SharedCredentialsProvider::new(chain)
            }
        };

    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http.clone())
        .region(region.clone())
        .credentials_provider(creds)
        // terrane retries itself (jittered, per CallPolicy), so the SDK does not.
        .retry_config(RetryConfig::disabled());
    if let Some(p) = &profile {
        loader = loader.profile_name(p);
    }
    if let Some(f) = &files {
        loader = loader.profile_files(f.clone());
    }
    let mut sdk = loader.load().await;

    let endpoints = get_block(config, "endpoints").unwrap_or_default();
    let ep = |svc: &str| get_ne(&endpoints, svc);

    if let Some(ar) = get_block(config, "assume_role") {
        if let Some(role_arn) = get_ne(&ar, "role_arn") {
            let mut sts_sdk = sdk.clone();
            if let Some(u) = ep("sts") {
                sts_sdk = sts_sdk.into_builder().endpoint_url(u).build();
            }
            let mut b = aws_config::sts::AssumeRoleProvider::builder(role_arn)
                .region(region.clone())
                .configure(&sts_sdk);
            if let Some(n) = get_ne(&ar, "session_name") {
                b = b.session_name(n);
            }
            if let Some(x) = get_ne(&ar, "external_id") {
                b = b.external_id(x);
            }
            if let Some(p) = get_ne(&ar, "policy") {
                b = b.policy(p);
            }
            let arns = get_strs(&ar, "policy_arns");
            if !arns.is_empty() {
                b = b.policy_arns(arns);
            }
            if let Some(d) = get_ne(&ar, "duration") {
                let dur = parse_duration(&d).ok_or_else(|| {
                    ConfigError::Invalid(format!("assume_role.duration: invalid duration {d:?}"))
                })?;
                b = b.session_length(dur);
            }
            let provider = b.build().await;
            sdk = sdk
                .into_builder()
                .credentials_provider(SharedCredentialsProvider::new(provider))
                .build();
        }
    }

    let counter = Arc::new(CallCounter::default());
    let icpt = CountingInterceptor(counter.clone());
    macro_rules! client {
        ($krate:ident, $svc:expr) => {{
            let mut b = $krate::config::Builder::from(&sdk).interceptor(icpt.clone());
            if let Some(u) = ep($svc) {
                b = b.endpoint_url(u);
            }
            b
        }};
    }
    let path_style = get_b(config, "s3_use_path_style").unwrap_or(false);
    let s3conf = client!(aws_sdk_s3, "s3")
        .force_path_style(path_style)
        .build();
    let mut policy = opts.policy.clone();
    if let Some(n) = get_i(config, "max_retries") {
        policy.max_retries = u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    }
    let default_tags = get_block(config, "default_tags")
        .map(|d| get_map(&d, "tags"))
        .unwrap_or_default();
    let ignore = get_block(config, "ignore_tags").unwrap_or_default();
    let mut aws = Aws {
        partition: partition_of(&region_name).to_string(),
        region: region_name,
        account_id: String::new(),
        default_tags,
        ignore_tag_keys: get_strs(&ignore, "keys"),
        ignore_tag_prefixes: get_strs(&ignore, "key_prefixes"),
        ec2: aws_sdk_ec2::Client::from_conf(client!(aws_sdk_ec2, "ec2").build()),
        elbv2: aws_sdk_elasticloadbalancingv2::Client::from_conf(
            client!(aws_sdk_elasticloadbalancingv2, "elbv2").build(),
        ),
        rds: aws_sdk_rds::Client::from_conf(client!(aws_sdk_rds, "rds").build()),
        elasticache: aws_sdk_elasticache::Client::from_conf(
            client!(aws_sdk_elasticache, "elasticache").build(),
        ),
        s3: aws_sdk_s3::Client::from_conf(s3conf),
        sts: aws_sdk_sts::Client::from_conf(client!(aws_sdk_sts, "sts").build()),
        acm: aws_sdk_acm::Client::from_conf(client!(aws_sdk_acm, "acm").build()),
        permits: Arc::new(Semaphore::new(policy.max_concurrency.max(1))),
        policy,
        counter,
        poll_interval: opts.poll_interval,
    };

    let skip_validation = get_b(config, "skip_credentials_validation").unwrap_or(false);
    let skip_account = get_b(config, "skip_requesting_account_id").unwrap_or(false);
    if !(skip_validation && skip_account) {
        let sts = aws.sts.clone();
        match aws
            .call("STS GetCallerIdentity", || sts.get_caller_identity().send())
            .await
        {
            Ok(out) => {
                if !skip_account {
                    aws.account_id = out.account().unwrap_or_default().to_string();
                }
            }
            Err(e) if !skip_validation => return Err(ConfigError::Credentials(e.describe())),
            Err(_) => {}
        }
    }
    if !aws.account_id.is_empty() {
        let allowed = get_strs(config, "allowed_account_ids");
        if !allowed.is_empty() && !allowed.contains(&aws.account_id) {
            return Err(ConfigError::Account(format!(
                "{} is not in allowed_account_ids",
                aws.account_id
            )));
        }
        if get_strs(config, "forbidden_account_ids").contains(&aws.account_id) {
            return Err(ConfigError::Account(format!(
                "{} is in forbidden_account_ids",
                aws.account_id
            )));
        }
    }
    Ok(aws)
}
