//! The configured AWS session: per-service SDK clients, the per-provider
//! concurrency limit, retries with jittered back-off, API-call counting and
//! the error type every resource reports through.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use rand::Rng;
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use terrane_provider::CallPolicy;
use tokio::sync::Semaphore;

/// An AWS API call that failed: which call, AWS's error code and message.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{op}: {}", self.describe())]
pub struct AwsError {
    /// The API call, e.g. `EC2 CreateVpc`.
    pub op: String,
    /// AWS's error code (`InvalidVpcID.NotFound`), when it sent one.
    pub code: Option<String>,
    /// AWS's message, or the transport error.
    pub message: String,
    /// The HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// The request failed in transit (I/O error, timeout, unreadable
    /// response): worth retrying. Not set for local failures such as
    /// missing credentials, which no retry can fix.
    pub transient: bool,
}

impl AwsError {
    /// An error raised by the provider itself (not by AWS) about a call.
    pub fn local(op: &str, message: impl Into<String>) -> Self {
        AwsError {
            op: op.to_string(),
            code: None,
            message: message.into(),
            status: None,
            transient: false,
        }
    }

    fn from_sdk<E>(op: &str, e: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let status = e.raw_response().map(|r| r.status().as_u16());
        let transient = match &e {
            SdkError::DispatchFailure(d) => d.is_io() || d.is_timeout(),
            SdkError::TimeoutError(_) | SdkError::ResponseError(_) => true,
            _ => false,
        };
        let code = e.code().map(str::to_string);
        let message = match e.message() {
            Some(m) => m.to_string(),
            None => match &e {
                SdkError::TimeoutError(_) => "request timed out".to_string(),
                other => {
                    let mut s = other.to_string();
                    let mut src = std::error::Error::source(other);
                    while let Some(c) = src {
                        s.push_str(": ");
                        s.push_str(&c.to_string());
                        src = c.source();
                    }
                    s
                }
            },
        };
        AwsError {
            op: op.to_string(),
            code,
            message,
            status,
            transient,
        }
    }

    /// "Code: message", or the message alone.
    pub fn describe(&self) -> String {
        match (&self.code, self.status) {
            (Some(c), Some(s)) => format!("{c} (HTTP {s}): {}", self.message),
            (Some(c), None) => format!("{c}: {}", self.message),
            (None, Some(s)) => format!("HTTP {s}: {}", self.message),
            (None, None) => self.message.clone(),
        }
    }

    /// True when AWS's code is one of `codes`.
    pub fn is(&self, codes: &[&str]) -> bool {
        self.code.as_deref().is_some_and(|c| codes.contains(&c))
    }

    /// True for "no such object" answers (`*.NotFound`, `NoSuch*`, 404).
    pub fn is_not_found(&self) -> bool {
        let c = self.code.as_deref().unwrap_or("");
        c.ends_with("NotFound")
            || c.ends_with("NotFoundFault")
            || c.ends_with("NotFoundException")
            || c.starts_with("NoSuch")
            || c == "NotFound"
            || (self.code.is_none() && self.status == Some(404))
    }

    fn is_throttle_or_transient(&self) -> bool {
        const CODES: &[&str] = &[
            "Throttling",
            "ThrottlingException",
            "ThrottledException",
            "RequestThrottledException",
            "TooManyRequestsException",
            "RequestLimitExceeded",
            "RequestThrottled",
            "SlowDown",
            "PriorRequestNotComplete",
            "EC2ThrottledException",
            "ProvisionedThroughputExceededException",
            "InternalError",
            "InternalFailure",
            "ServiceUnavailable",
            "RequestTimeout",
            "RequestTimeoutException",
        ];
        if self.is(CODES) {
            return true;
        }
        // No usable response (connection reset, timeout) is transient too.
        self.transient || matches!(self.status, Some(502..=504))
    }
}

/// Counts every HTTP request the SDK clients send (retries included).
#[derive(Debug, Default)]
pub struct CallCounter {
    total: AtomicU64,
    by_op: std::sync::Mutex<BTreeMap<String, u64>>,
}

impl CallCounter {
    /// Requests sent so far.
    pub fn total(&self) -> u64 {
        self.total.load(Ordering::SeqCst)
    }

    /// Requests sent so far per API call name (`DescribeSubnets`).
    pub fn by_operation(&self) -> BTreeMap<String, u64> {
        self.by_op.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub(crate) struct CountingInterceptor(pub Arc<CallCounter>);

impl Intercept for CountingInterceptor {
    fn name(&self) -> &'static str {
        "TerraneCallCounter"
    }

    fn read_before_transmit(
        &self,
        _ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.total.fetch_add(1, Ordering::SeqCst);
        let name = cfg
            .load::<aws_smithy_runtime_api::client::orchestrator::Metadata>()
            .map(|m| m.name().to_string())
            .unwrap_or_else(|| "unknown".into());
        if let Ok(mut m) = self.0.by_op.lock() {
            *m.entry(name).or_default() += 1;
        }
        Ok(())
    }
}

/// A configured AWS session shared by every resource of one provider block.
pub struct Aws {
    /// The region every call goes to.
    pub region: String,
    /// `aws`, `aws-cn` or `aws-us-gov`.
    pub partition: String,
    /// The caller's account ID (empty when `skip_requesting_account_id`).
    pub account_id: String,
    /// Tags added to every taggable resource (`default_tags`).
    pub default_tags: BTreeMap<String, String>,
    /// Tag keys and prefixes never managed (`ignore_tags`).
    pub ignore_tag_keys: Vec<String>,
    /// Tag key prefixes never managed (`ignore_tags`).
    pub ignore_tag_prefixes: Vec<String>,
    /// EC2 client.
    pub ec2: aws_sdk_ec2::Client,
    /// ELBv2 client.
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    /// RDS client.
    pub rds: aws_sdk_rds::Client,
    /// ElastiCache client.
    pub elasticache: aws_sdk_elasticache::Client,
    /// S3 client.
    pub s3: aws_sdk_s3::Client,
    /// STS client.
    pub sts: aws_sdk_sts::Client,
    /// ACM client.
    pub acm: aws_sdk_acm::Client,
    pub(crate) policy: CallPolicy,
    pub(crate) permits: Arc<Semaphore>,
    /// Requests sent, for tests and metrics.
    pub counter: Arc<CallCounter>,
    /// Multiplier on every waiter's poll interval (tests shorten it).
    pub poll_interval: Duration,
}

/// Error codes that mean "not visible yet" right after a create.
pub const EVENTUAL_NOT_FOUND: &[&str] = &[
    "InvalidVpcID.NotFound",
    "InvalidSubnetID.NotFound",
    "InvalidGroup.NotFound",
    "InvalidRouteTableID.NotFound",
    "InvalidInternetGatewayID.NotFound",
    "InvalidAllocationID.NotFound",
    "InvalidNetworkAclID.NotFound",
    "NatGatewayNotFound",
];

impl Aws {
    /// The DNS suffix of this partition.
    pub fn dns_suffix(&self) -> &'static str {
        match self.partition.as_str() {
            "aws-cn" => "amazonaws.com.cn",
            _ => "amazonaws.com",
        }
    }

    /// An ARN in this partition, region and account.
    pub fn arn(&self, service: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{}:{}:{resource}",
            self.partition, self.region, self.account_id
        )
    }

    /// Calls AWS once per attempt under the concurrency limit, retrying
    /// throttling and transient failures with jittered exponential back-off.
    pub async fn call<T, E, F, Fut>(&self, op: &str, f: F) -> Result<T, AwsError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.call_retrying(op, &[], f).await
    }

    /// As [`Aws::call`], also retrying the given error codes (eventual
    /// consistency: an object not yet visible just after it was created).
    pub async fn call_retrying<T, E, F, Fut>(
        &self,
        op: &str,
        also: &[&str],
        f: F,
    ) -> Result<T, AwsError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let mut attempt = 0u32;
        loop {
            let result = {
                let _permit = self
                    .permits
                    .acquire()
                    .await
                    .map_err(|_| AwsError::local(op, "provider: shutting down"))?;
                f().await
            };
            match result {
                Ok(v) => return Ok(v),
                Err(e) => {
                    let err = AwsError::from_sdk(op, e);
                    let retry = err.is_throttle_or_transient() || err.is(also);
                    if !retry || attempt >= self.policy.max_retries {
                        return Err(err);
                    }
                    tokio::time::sleep(backoff(self.policy.base_delay, attempt)).await;
                    attempt += 1;
                }
            }
        }
    }

    /// Sleeps one waiter poll interval.
    pub async fn pause(&self) {
        tokio::time::sleep(self.poll_interval).await;
    }
}

/// Full-jitter exponential back-off: a random delay in [base/2, base·2ⁿ],
/// capped at 20 s.
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    let cap = Duration::from_secs(20);
    let exp = base.saturating_mul(1u32 << attempt.min(10)).min(cap);
    let lo = base.as_millis() as u64 / 2;
    let hi = (exp.as_millis() as u64).max(lo + 1);
    Duration::from_millis(rand::rng().random_range(lo..=hi))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_cap() {
        let base = Duration::from_millis(100);
        for attempt in 0..15 {
            let d = backoff(base, attempt);
            assert!(d >= Duration::from_millis(50), "{d:?}");
            assert!(d <= Duration::from_secs(20), "{d:?}");
        }
        let samples: std::collections::BTreeSet<_> =
            (0..20).map(|_| backoff(base, 5).as_millis()).collect();
        assert!(samples.len() > 1, "no jitter: {samples:?}");
    }

    #[test]
    fn error_classification() {
        let e = AwsError {
            op: "EC2 DescribeVpcs".into(),
            code: Some("InvalidVpcID.NotFound".into()),
            message: "gone".into(),
            status: Some(400),
            transient: false,
        };
        assert!(e.is_not_found());
        assert!(!e.is_throttle_or_transient());
        assert_eq!(
            e.to_string(),
            "EC2 DescribeVpcs: InvalidVpcID.NotFound (HTTP 400): gone"
        );
        let t = AwsError {
            code: Some("RequestLimitExceeded".into()),
            ..e.clone()
        };
        assert!(t.is_throttle_or_transient());
    }
}
