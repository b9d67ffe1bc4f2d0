//! terrane-state-s3 owns the S3 state backend (Terraform's `backend "s3"`):
//! its settings ([`S3Config`], with Terraform's argument names and
//! defaults) and [`S3Backend`], an implementation of
//! [`terrane_state::Backend`].
//!
//! It depends only on terrane-state and the AWS SDK for S3 (the same SDK
//! build the AWS provider uses), never on the engine: the CLI builds an
//! [`S3Backend`] from the backend block and holds it as a `dyn Backend`.
//!
//! Key design choices:
//! * **Terraform's object layout**, so terrane and Terraform can share a
//!   bucket: the default workspace is the object `key`, workspace `NAME` is
//!   `workspace_key_prefix/NAME/key` (prefix `env:` by default), and the
//!   lock is the object `<state key>.tflock` holding the lock information
//!   JSON, created with a conditional write (`If-None-Match: *`), exactly as
//!   Terraform's `use_lockfile` does. DynamoDB locking is not supported.
//! * **Optimistic concurrency on writes.** A write first reads the stored
//!   state (refusing a corrupt one, another lineage or a lower serial unless
//!   forced) and then writes conditionally on the ETag it read
//!   (`If-Match`, or `If-None-Match: *` for a new object), so a concurrent
//!   writer is detected instead of silently overwritten.

mod config;

use async_trait::async_trait;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;
use aws_sdk_s3::Client;
use terrane_state::local::{check_successor, validate_workspace_name};
use terrane_state::{Backend, LockInfo, PersistOptions, StateError, StateFile, DEFAULT_WORKSPACE};

pub use config::S3Config;

/// Suffix of the lock object next to a state object.
pub const LOCK_SUFFIX: &str = ".tflock";

/// A `backend "s3"` store.
#[derive(Debug, Clone)]
pub struct S3Backend {
    config: S3Config,
    client: Client,
}

fn backend_error(message: String) -> StateError {
    StateError::Backend {
        message,
        source: None,
    }
}

fn sdk_error<E, R>(what: String) -> impl FnOnce(SdkError<E, R>) -> StateError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    move |e| {
        let detail = match e.as_service_error() {
            Some(s) => format!(
                "{}: {}",
                s.code().unwrap_or("error"),
                s.message().unwrap_or("(no message)")
            ),
            // Transport errors ("dispatch failure") say why only in their
            // source chain (connection refused, DNS, timeout).
            None => {
                let mut text = e.to_string();
                let mut cause = std::error::Error::source(&e);
                while let Some(c) = cause {
                    text = format!("{text}: {c}");
                    cause = c.source();
                }
                text
            }
        };
        StateError::Backend {
            message: format!("S3 backend: cannot {what}: {detail}"),
            source: Some(Box::new(e)),
        }
    }
}

fn status<E, R: HttpStatus>(e: &SdkError<E, R>) -> Option<u16> {
    e.raw_response().map(HttpStatus::status_code)
}

/// The HTTP status of a raw response (the SDK's response type).
trait HttpStatus {
    fn status_code(&self) -> u16;
}

impl HttpStatus for aws_smithy_runtime_api::http::Response {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
}

/// A stored object's bytes and ETag.
struct Stored {
    bytes: Vec<u8>,
    etag: Option<String>,
}

impl S3Backend {
    /// Builds the S3 client for `config` (no request is made).
    pub async fn new(config: S3Config) -> Result<S3Backend, StateError> {
        config.validate()?;
        let client = config::client(&config).await;
        Ok(S3Backend { config, client })
    }

    /// The settings this backend was created with.
    pub fn config(&self) -> &S3Config {
        &self.config
    }

    /// The object key of `workspace`'s state (Terraform's layout).
    pub fn state_key(&self, workspace: &str) -> Result<String, StateError> {
        validate_workspace_name(workspace)?;
        Ok(if workspace == DEFAULT_WORKSPACE {
            self.config.key.clone()
        } else {
            format!(
                "{}/{workspace}/{}",
                self.config.workspace_key_prefix, self.config.key
            )
        })
    }

    /// The object key of `workspace`'s lock (`<state key>.tflock`).
    pub fn lock_key(&self, workspace: &str) -> Result<String, StateError> {
        Ok(format!("{}{LOCK_SUFFIX}", self.state_key(workspace)?))
    }

    fn location(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.config.bucket)
    }

    async fn get(&self, key: &str) -> Result<Option<Stored>, StateError> {
        let r = self
            .client
            .get_object()
            .bucket(&self.config.bucket)
            .key(key)
            .send()
            .await;
        let out = match r {
            Ok(out) => out,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => return Ok(None),
            Err(e) => return Err(sdk_error(format!("read {}", self.location(key)))(e)),
        };
        let etag = out.e_tag().map(str::to_owned);
        let bytes = out
            .body
            .collect()
            .await
            .map_err(|e| StateError::Backend {
                message: format!("S3 backend: cannot read {}: {e}", self.location(key)),
                source: Some(Box::new(e)),
            })?
            .into_bytes()
            .to_vec();
        Ok(Some(Stored { bytes, etag }))
    }

    /// Who holds the lock of `workspace` (`None` if it is not locked).
    pub async fn lock_info(&self, workspace: &str) -> Result<Option<LockInfo>, StateError> {
        let key = self.lock_key(workspace)?;
        match self.get(&key).await? {
            None => Ok(None),
            Some(s) => serde_json::from_slice(&s.bytes).map(Some).map_err(|e| {
                backend_error(format!(
                    "S3 backend: lock object {} is not valid lock information: {e}",
                    self.location(&key)
                ))
            }),
        }
    }

    fn parse(&self, key: &str, bytes: &[u8]) -> Result<Option<StateFile>, StateError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        StateFile::from_slice(bytes, &self.location(key)).map(Some)
    }
}

#[async_trait]
impl Backend for S3Backend {
    async fn load(&self, workspace: &str) -> Result<Option<StateFile>, StateError> {
        let key = self.state_key(workspace)?;
        match self.get(&key).await? {
            Some(s) => self.parse(&key, &s.bytes),
            None => Ok(None),
        }
    }

    async fn persist(
        &self,
        workspace: &str,
        state: &StateFile,
        options: PersistOptions,
    ) -> Result<(), StateError> {
        let key = self.state_key(workspace)?;
        let name = self.location(&key);
        let stored = self.get(&key).await?;
        if let Some(s) = &stored {
            // A stored state that does not parse is never overwritten.
            if let Some(old) = self.parse(&key, &s.bytes)? {
                if !options.force {
                    check_successor(&name, &old, state)?;
                }
            }
        }
        let bytes = state.to_bytes()?;
        let mut put = self
            .client
            .put_object()
            .bucket(&self.config.bucket)
            .key(&key)
            .content_type("application/json")
            .body(ByteStream::from(bytes));
        if self.config.encrypt {
            put = put.server_side_encryption(match &self.config.kms_key_id {
                Some(_) => ServerSideEncryption::AwsKms,
                None => ServerSideEncryption::Aes256,
            });
            if let Some(k) = &self.config.kms_key_id {
                put = put.ssekms_key_id(k);
            }
        }
        put = match stored.as_ref().and_then(|s| s.etag.clone()) {
            Some(etag) => put.if_match(etag),
            None if stored.is_none() => put.if_none_match("*"),
            None => put,
        };
        match put.send().await {
            Ok(_) => Ok(()),
            Err(e) if matches!(status(&e), Some(412 | 409)) => Err(backend_error(format!(
                "S3 backend: {name} was changed by someone else while it was being written; \
                 nothing was written. Hold the state lock while writing, and retry."
            ))),
            Err(e) => Err(sdk_error(format!("write {name}"))(e)),
        }
    }

    async fn lock(&self, workspace: &str, info: &LockInfo) -> Result<String, StateError> {
        let state_key = self.state_key(workspace)?;
        let mut info = info.clone();
        if info.id.is_empty() {
            info.id = uuid::Uuid::new_v4().to_string();
        }
        if !self.config.use_lockfile {
            // As Terraform without a lock method: locking is a no-op.
            return Ok(info.id);
        }
        let key = self.lock_key(workspace)?;
        info.path = format!("{}/{state_key}", self.config.bucket);
        let body = info.to_json()?;
        let mut put = self
            .client
            .put_object()
            .bucket(&self.config.bucket)
            .key(&key)
            .content_type("application/json")
            .if_none_match("*")
            .body(ByteStream::from(body));
        if self.config.encrypt {
            put = put.server_side_encryption(ServerSideEncryption::Aes256);
        }
        match put.send().await {
            Ok(_) => Ok(info.id),
            Err(e) if matches!(status(&e), Some(412 | 409)) => Err(StateError::Locked {
                path: self.location(&key),
                info: self.lock_info(workspace).await.ok().flatten().map(Box::new),
            }),
            Err(e) => Err(sdk_error(format!(
                "create the lock {}",
                self.location(&key)
            ))(e)),
        }
    }

    async fn unlock(&self, workspace: &str, id: &str) -> Result<(), StateError> {
        if !self.config.use_lockfile {
            return Ok(());
        }
        let key = self.lock_key(workspace)?;
        let path = self.location(&key);
        let Some(stored) = self.get(&key).await? else {
            return Err(StateError::NotLocked { path });
        };
        let held: LockInfo = serde_json::from_slice(&stored.bytes).map_err(|e| {
            backend_error(format!(
                "S3 backend: lock object {path} is not valid lock information: {e}"
            ))
        })?;
        if held.id != id {
            return Err(StateError::LockIdMismatch {
                path,
                given: id.to_owned(),
                actual: held.id,
            });
        }
        self.client
            .delete_object()
            .bucket(&self.config.bucket)
            .key(&key)
            .send()
            .await
            .map_err(sdk_error(format!("delete the lock {path}")))?;
        Ok(())
    }

    async fn workspaces(&self) -> Result<Vec<String>, StateError> {
        let prefix = format!("{}/", self.config.workspace_key_prefix);
        let suffix = format!("/{}", self.config.key);
        let mut names = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = self
                .client
                .list_objects_v2()
                .bucket(&self.config.bucket)
                .prefix(&prefix)
                .set_continuation_token(token.take())
                .send()
                .await
                .map_err(sdk_error(format!(
                    "list workspaces in s3://{}/{prefix}",
                    self.config.bucket
                )))?;
            for obj in out.contents() {
                let Some(k) = obj.key() else { continue };
                let name = k
                    .strip_prefix(&prefix)
                    .and_then(|rest| rest.strip_suffix(&suffix));
                if let Some(name) = name {
                    if validate_workspace_name(name).is_ok() && name != DEFAULT_WORKSPACE {
                        names.push(name.to_owned());
                    }
                }
            }
            match out.next_continuation_token() {
                Some(t) if out.is_truncated() == Some(true) => token = Some(t.to_owned()),
                _ => break,
            }
        }
        names.sort();
        names.dedup();
        names.insert(0, DEFAULT_WORKSPACE.to_owned());
        Ok(names)
    }

    async fn delete_workspace(&self, workspace: &str) -> Result<(), StateError> {
        let key = self.state_key(workspace)?;
        if workspace == DEFAULT_WORKSPACE {
            return Err(StateError::CannotDeleteDefault);
        }
        if self.get(&key).await?.is_none() {
            return Err(StateError::NoSuchWorkspace(workspace.to_owned()));
        }
        // Refuse while someone holds the workspace's lock.
        let id = self
            .lock(workspace, &LockInfo::new("OperationTypeInvalid"))
            .await?;
        let deleted = self
            .client
            .delete_object()
            .bucket(&self.config.bucket)
            .key(&key)
            .send()
            .await
            .map_err(sdk_error(format!("delete {}", self.location(&key))));
        self.unlock(workspace, &id).await?;
        deleted.map(|_| ())
    }
}
