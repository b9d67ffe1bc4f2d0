//! The PostgreSQL backend (Terraform's `backend "pg"`), behind the `pg`
//! cargo feature.
//!
//! Storage matches Terraform's, so terrane and Terraform can share one
//! database: schema `schema_name` (default `terraform_remote_state`), table
//! `states (id bigint DEFAULT nextval('public.global_states_id_seq') PRIMARY
//! KEY, name text UNIQUE, data text)`, unique index `states_by_name`; one row
//! per workspace, named by the workspace (`default` for the default one),
//! holding the state JSON as text.
//!
//! Locks are Terraform's session-level advisory locks, so terrane and
//! Terraform exclude each other: a workspace whose row exists is locked with
//! `pg_try_advisory_lock(row id)`, also probing the creation lock
//! `pg_try_advisory_lock(-1)` as Terraform does (refused while someone
//! creates a workspace). For a workspace without a row, terrane takes the
//! creation lock only briefly: it inserts the row without data, locks its
//! id, and releases `-1` (Terraform holds `-1` for the whole operation, which
//! blocks every workspace of the database). A row without data is not a
//! workspace: `load` gives `None`, listings and deletes skip it. Every held lock owns a dedicated connection (an
//! advisory lock lives as long as its session), so a crashed holder's lock is
//! released by the server when its connection drops.
//!
//! Terraform keeps no lock information in the database; terrane adds a side
//! table `terrane_locks (name, id, info, pid)` in the same schema so a refused
//! locker can name the holder, and so force-unlock can break the lock by
//! terminating the holder's session (`pg_terminate_backend`). Without that
//! table (`skip_table_creation` and nobody created it) locking still works,
//! but the holder is not named and force-unlock is refused.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, NoTls};

use crate::backend::{Backend, PersistOptions};
use crate::local::{check_successor, validate_workspace_name};
use crate::lock::LockInfo;
use crate::model::StateFile;
use crate::{StateError, DEFAULT_WORKSPACE};

/// Default schema, as in Terraform.
pub const DEFAULT_SCHEMA: &str = "terraform_remote_state";
/// The advisory lock key Terraform takes while creating a workspace.
pub const CREATION_LOCK_KEY: i64 = -1;
const LOCK_TABLE: &str = "terrane_locks";

/// The `backend "pg"` settings, with Terraform's names and defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgConfig {
    /// `conn_str`: a `postgres://` URL or a `key=value` connection string.
    pub conn_str: String,
    /// `schema_name` (default `terraform_remote_state`).
    pub schema_name: String,
    /// `skip_schema_creation`.
    pub skip_schema_creation: bool,
    /// `skip_table_creation` (also skips terrane's lock info table).
    pub skip_table_creation: bool,
    /// `skip_index_creation`.
    pub skip_index_creation: bool,
}

impl PgConfig {
    /// Settings for `conn_str` with every other argument at its default.
    pub fn new(conn_str: impl Into<String>) -> PgConfig {
        PgConfig {
            conn_str: conn_str.into(),
            schema_name: DEFAULT_SCHEMA.to_owned(),
            skip_schema_creation: false,
            skip_table_creation: false,
            skip_index_creation: false,
        }
    }

    /// Builds the settings from the backend block's arguments (`name`,
    /// string value), falling back to Terraform's environment variables
    /// (`PG_CONN_STR`, `PG_SCHEMA_NAME`, `PG_SKIP_SCHEMA_CREATION`,
    /// `PG_SKIP_TABLE_CREATION`, `PG_SKIP_INDEX_CREATION`) for arguments not
    /// given. Unknown arguments and a missing `conn_str` are errors.
    pub fn from_settings<'a>(
        settings: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<PgConfig, StateError> {
        let mut given: HashMap<&str, &str> = HashMap::new();
        for (k, v) in settings {
            match k {
                "conn_str"
                | "schema_name"
                | "skip_schema_creation"
                | "skip_table_creation"
                | "skip_index_creation" => {
                    given.insert(k, v);
                }
                other => {
                    return Err(backend_error(format!(
                        "unsupported argument {other:?} in backend \"pg\""
                    )))
                }
            }
        }
        let get = |key: &str, env: &str| -> Option<String> {
            given
                .get(key)
                .map(|v| (*v).to_owned())
                .or_else(|| std::env::var(env).ok().filter(|v| !v.is_empty()))
        };
        let flag = |key: &str, env: &str| -> Result<bool, StateError> {
            match get(key, env).as_deref() {
                None => Ok(false),
                Some("true" | "1") => Ok(true),
                Some("false" | "0") => Ok(false),
                Some(v) => Err(backend_error(format!(
                    "backend \"pg\": {key} must be true or false, not {v:?}"
                ))),
            }
        };
        let conn_str = get("conn_str", "PG_CONN_STR").ok_or_else(|| {
            backend_error("backend \"pg\": conn_str is required (or set PG_CONN_STR)".to_owned())
        })?;
        Ok(PgConfig {
            conn_str,
            schema_name: get("schema_name", "PG_SCHEMA_NAME")
                .unwrap_or_else(|| DEFAULT_SCHEMA.to_owned()),
            skip_schema_creation: flag("skip_schema_creation", "PG_SKIP_SCHEMA_CREATION")?,
            skip_table_creation: flag("skip_table_creation", "PG_SKIP_TABLE_CREATION")?,
            skip_index_creation: flag("skip_index_creation", "PG_SKIP_INDEX_CREATION")?,
        })
    }
}

/// Attempts at the creation lock before a lock is refused (20 ms apart).
const CREATION_RETRIES: usize = 100;

/// The outcome of one locking attempt.
enum Attempt {
    /// Locked; the advisory key held.
    Got(i64),
    /// Someone holds the workspace's lock.
    Held,
    /// Someone holds the creation lock.
    CreationBusy,
}

struct HeldLock {
    client: Client,
    key: i64,
}

/// A `backend "pg"` store. Create with [`PgBackend::connect`] inside a
/// Tokio runtime (connections are driven by spawned tasks).
pub struct PgBackend {
    config: PgConfig,
    pg: tokio_postgres::Config,
    client: tokio::sync::Mutex<Client>,
    schema: String,
    held: Mutex<HashMap<(String, String), HeldLock>>,
}

impl std::fmt::Debug for PgBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgBackend")
            .field("schema", &self.config.schema_name)
            .finish_non_exhaustive()
    }
}

fn backend_error(message: String) -> StateError {
    StateError::Backend {
        message,
        source: None,
    }
}

fn db_error(what: &str) -> impl FnOnce(tokio_postgres::Error) -> StateError + '_ {
    move |e| {
        let detail = match e.as_db_error() {
            Some(db) => db.message().to_owned(),
            // Client-side errors say what failed; their source says why
            // (e.g. "Connection refused").
            None => match std::error::Error::source(&e) {
                Some(cause) => format!("{e}: {cause}"),
                None => e.to_string(),
            },
        };
        let detail = if detail.contains("TLS") {
            format!(
                "{detail} (terrane's pg backend has no TLS support: use sslmode=disable \
                 or sslmode=prefer in conn_str)"
            )
        } else {
            detail
        };
        StateError::Backend {
            message: format!("PostgreSQL backend: cannot {what}: {detail}"),
            source: Some(Box::new(e)),
        }
    }
}

/// Quotes an identifier as PostgreSQL (and Terraform's `pq.QuoteIdentifier`)
/// does.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

async fn open(pg: &tokio_postgres::Config) -> Result<Client, StateError> {
    let (client, connection) = pg.connect(NoTls).await.map_err(db_error("connect"))?;
    tokio::spawn(async move {
        // The connection ends when its client is dropped or the server
        // closes it; either way there is nobody left to report to.
        let _ = connection.await;
    });
    Ok(client)
}

impl PgBackend {
    /// Connects and prepares the schema, sequence, table and index as
    /// Terraform does (each unless skipped), plus terrane's lock info table.
    pub async fn connect(config: PgConfig) -> Result<PgBackend, StateError> {
        let pg = tokio_postgres::Config::from_str(&config.conn_str)
            .map_err(|e| backend_error(format!("backend \"pg\": invalid conn_str: {e}")))?;
        let mut client = open(&pg).await?;
        let schema = quote_ident(&config.schema_name);
        // Concurrent `CREATE ... IF NOT EXISTS` of one object can fail with a
        // unique violation, so setup runs under a transaction-level advisory
        // lock. Its two-key form never collides with the one-key (row id)
        // locks of workspaces.
        let setup = client
            .transaction()
            .await
            .map_err(db_error("begin a transaction"))?;
        setup
            .execute("SELECT pg_advisory_xact_lock(1952805748, 1)", &[])
            .await
            .map_err(db_error("serialise schema setup"))?;
        let client = setup;
        if !config.skip_schema_creation {
            let exists = client
                .query_one(
                    "SELECT count(1) FROM information_schema.schemata WHERE schema_name = $1",
                    &[&config.schema_name],
                )
                .await
                .map_err(db_error("look up the schema"))?;
            let n: i64 = exists.get(0);
            if n < 1 {
                client
                    .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                    .await
                    .map_err(db_error("create the schema"))?;
            }
        }
        if !config.skip_table_creation {
            client
                .batch_execute(&format!(
                    "CREATE SEQUENCE IF NOT EXISTS public.global_states_id_seq AS bigint;\n\
                     CREATE TABLE IF NOT EXISTS {schema}.states (\
                       id bigint NOT NULL DEFAULT nextval('public.global_states_id_seq') PRIMARY KEY, \
                       name text UNIQUE, data text);\n\
                     CREATE TABLE IF NOT EXISTS {schema}.{LOCK_TABLE} (\
                       name text PRIMARY KEY, id text NOT NULL, info text NOT NULL, \
                       pid integer NOT NULL, lock_key bigint NOT NULL)"
                ))
                .await
                .map_err(db_error("create the states table"))?;
        }
        if !config.skip_index_creation {
            client
                .batch_execute(&format!(
                    "CREATE UNIQUE INDEX IF NOT EXISTS states_by_name ON {schema}.states (name)"
                ))
                .await
                .map_err(db_error("create the states_by_name index"))?;
        }
        client
            .commit()
            .await
            .map_err(db_error("commit the schema setup"))?;
        let client = open(&pg).await?;
        Ok(PgBackend {
            config,
            pg,
            client: tokio::sync::Mutex::new(client),
            schema,
            held: Mutex::new(HashMap::new()),
        })
    }

    /// The settings this backend was created with.
    pub fn config(&self) -> &PgConfig {
        &self.config
    }

    fn location(&self, workspace: &str) -> String {
        format!(
            "{}.states row {workspace:?}",
            quote_ident(&self.config.schema_name)
        )
    }

    /// The stored text of `workspace`'s state (`None` if there is no row or
    /// its data is NULL).
    async fn raw(&self, client: &Client, workspace: &str) -> Result<Option<String>, StateError> {
        let row = client
            .query_opt(
                &format!("SELECT data FROM {}.states WHERE name = $1", self.schema),
                &[&workspace],
            )
            .await
            .map_err(db_error("read the state"))?;
        Ok(row.and_then(|r| r.get::<_, Option<String>>(0)))
    }

    /// Who holds the lock of `workspace`, from terrane's lock info table
    /// (`None` if nobody recorded it, e.g. Terraform holds it).
    pub async fn lock_info(&self, workspace: &str) -> Result<Option<LockInfo>, StateError> {
        let client = self.client.lock().await;
        Ok(self
            .lock_row(&client, workspace)
            .await?
            .map(|(info, _, _)| info))
    }

    async fn lock_row(
        &self,
        client: &Client,
        workspace: &str,
    ) -> Result<Option<(LockInfo, i32, i64)>, StateError> {
        let row = client
            .query_opt(
                &format!(
                    "SELECT info, pid, lock_key FROM {}.{LOCK_TABLE} WHERE name = $1",
                    self.schema
                ),
                &[&workspace],
            )
            .await;
        let row = match row {
            Ok(r) => r,
            Err(e) if e.code() == Some(&SqlState::UNDEFINED_TABLE) => return Ok(None),
            Err(e) => return Err(db_error("read the lock information")(e)),
        };
        let Some(row) = row else { return Ok(None) };
        let text: String = row.get(0);
        let info: LockInfo = serde_json::from_str(&text).map_err(|e| {
            backend_error(format!(
                "PostgreSQL backend: lock information of {workspace:?} is not valid: {e}"
            ))
        })?;
        Ok(Some((info, row.get(1), row.get(2))))
    }

    fn locked(&self, workspace: &str, info: Option<LockInfo>) -> StateError {
        StateError::Locked {
            path: self.location(workspace),
            info: info.map(Box::new),
        }
    }

    /// Tries the advisory locks on `conn`; returns the key held.
    async fn try_lock(&self, conn: &Client, workspace: &str) -> Result<Attempt, StateError> {
        let err = db_error("take an advisory lock");
        let row = conn
            .query_opt(
                &format!(
                    "SELECT id, pg_try_advisory_lock(id), pg_try_advisory_lock({CREATION_LOCK_KEY}) \
                     FROM {}.states WHERE name = $1",
                    self.schema
                ),
                &[&workspace],
            )
            .await
            .map_err(err)?;
        let unlock = |key: i64| async move {
            conn.query_one("SELECT pg_advisory_unlock($1)", &[&key])
                .await
                .map_err(db_error("release an advisory lock"))
        };
        match row {
            None => {
                // A new workspace: under the creation lock (held only for
                // this step), create its row without data and lock the row,
                // so the creation lock does not block every other workspace
                // for the whole operation.
                let got: bool = conn
                    .query_one(
                        &format!("SELECT pg_try_advisory_lock({CREATION_LOCK_KEY})"),
                        &[],
                    )
                    .await
                    .map_err(db_error("take the creation lock"))?
                    .get(0);
                if !got {
                    return Ok(Attempt::CreationBusy);
                }
                let created = conn
                    .query_one(
                        &format!(
                            "WITH ins AS (INSERT INTO {s}.states (name) VALUES ($1) \
                             ON CONFLICT (name) DO NOTHING RETURNING id) \
                             SELECT id FROM ins UNION ALL \
                             SELECT id FROM {s}.states WHERE name = $1 LIMIT 1",
                            s = self.schema
                        ),
                        &[&workspace],
                    )
                    .await
                    .map_err(db_error("create the workspace row"));
                let locked = match created {
                    Ok(row) => {
                        let id: i64 = row.get(0);
                        conn.query_one("SELECT pg_try_advisory_lock($1)", &[&id])
                            .await
                            .map_err(db_error("take an advisory lock"))
                            .map(|r| {
                                if r.get::<_, bool>(0) {
                                    Attempt::Got(id)
                                } else {
                                    Attempt::Held
                                }
                            })
                    }
                    Err(e) => Err(e),
                };
                unlock(CREATION_LOCK_KEY).await?;
                locked
            }
            Some(row) => {
                let (id, got_row, got_create): (i64, bool, bool) =
                    (row.get(0), row.get(1), row.get(2));
                match (got_row, got_create) {
                    (true, true) => {
                        unlock(CREATION_LOCK_KEY).await?;
                        Ok(Attempt::Got(id))
                    }
                    (true, false) => {
                        unlock(id).await?;
                        Ok(Attempt::CreationBusy)
                    }
                    (false, true) => {
                        unlock(CREATION_LOCK_KEY).await?;
                        Ok(Attempt::Held)
                    }
                    (false, false) => Ok(Attempt::Held),
                }
            }
        }
    }

    /// Breaks the lock of `workspace` held by another session whose lock ID
    /// is `id`, by terminating that session.
    async fn force_unlock(&self, workspace: &str, id: &str) -> Result<(), StateError> {
        let client = self.client.lock().await;
        let Some((info, pid, _key)) = self.lock_row(&client, workspace).await? else {
            return Err(StateError::NotLocked {
                path: self.location(workspace),
            });
        };
        if info.id != id {
            return Err(StateError::LockIdMismatch {
                path: self.location(workspace),
                given: id.to_owned(),
                actual: info.id,
            });
        }
        client
            .query_one("SELECT pg_terminate_backend($1)", &[&pid])
            .await
            .map_err(db_error("terminate the lock holder's session"))?;
        // The server releases the session's advisory locks as the session
        // exits; wait (bounded) until it is gone so a new lock succeeds.
        for _ in 0..200 {
            let alive: i64 = client
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = $1",
                    &[&pid],
                )
                .await
                .map_err(db_error("watch the lock holder's session"))?
                .get(0);
            if alive == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        client
            .execute(
                &format!(
                    "DELETE FROM {}.{LOCK_TABLE} WHERE name = $1 AND id = $2",
                    self.schema
                ),
                &[&workspace, &id],
            )
            .await
            .map_err(db_error("remove the lock information"))?;
        Ok(())
    }
}

fn parse_state(bytes: &str, name: &str) -> Result<Option<StateFile>, StateError> {
    if bytes.trim().is_empty() {
        return Ok(None);
    }
    StateFile::from_slice(bytes.as_bytes(), name).map(Some)
}

#[async_trait]
impl Backend for PgBackend {
    async fn load(&self, workspace: &str) -> Result<Option<StateFile>, StateError> {
        validate_workspace_name(workspace)?;
        let client = self.client.lock().await;
        match self.raw(&client, workspace).await? {
            Some(text) => parse_state(&text, &self.location(workspace)),
            None => Ok(None),
        }
    }

    async fn persist(
        &self,
        workspace: &str,
        state: &StateFile,
        options: PersistOptions,
    ) -> Result<(), StateError> {
        validate_workspace_name(workspace)?;
        let name = self.location(workspace);
        let bytes = state.to_bytes()?;
        let text = String::from_utf8(bytes)
            .map_err(|e| StateError::Serialize(format!("state is not UTF-8: {e}")))?;
        let mut client = self.client.lock().await;
        let tx = client
            .transaction()
            .await
            .map_err(db_error("begin a transaction"))?;
        let stored = tx
            .query_opt(
                &format!(
                    "SELECT data FROM {}.states WHERE name = $1 FOR UPDATE",
                    self.schema
                ),
                &[&workspace],
            )
            .await
            .map_err(db_error("read the state"))?
            .and_then(|r| r.get::<_, Option<String>>(0));
        if let Some(stored) = stored {
            // A stored state that does not parse is never overwritten.
            if let Some(stored) = parse_state(&stored, &name)? {
                if !options.force {
                    check_successor(&name, &stored, state)?;
                }
            }
        }
        tx.execute(
            &format!(
                "INSERT INTO {s}.states (name, data) VALUES ($1, $2) \
                 ON CONFLICT (name) DO UPDATE SET data = $2 WHERE {s}.states.name = $1",
                s = self.schema
            ),
            &[&workspace, &text],
        )
        .await
        .map_err(db_error("write the state"))?;
        tx.commit().await.map_err(db_error("commit the state"))
    }

    async fn lock(&self, workspace: &str, info: &LockInfo) -> Result<String, StateError> {
        validate_workspace_name(workspace)?;
        let mut info = info.clone();
        if info.id.is_empty() {
            info.id = uuid::Uuid::new_v4().to_string();
        }
        let conn = open(&self.pg).await?;
        // terrane holds the creation lock only for a moment, so a busy
        // creation lock is retried briefly before the lock is refused.
        let mut key = None;
        for _ in 0..CREATION_RETRIES {
            match self.try_lock(&conn, workspace).await? {
                Attempt::Got(k) => {
                    key = Some(k);
                    break;
                }
                Attempt::Held => break,
                Attempt::CreationBusy => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
        let Some(key) = key else {
            drop(conn);
            let client = self.client.lock().await;
            let holder = self
                .lock_row(&client, workspace)
                .await
                .ok()
                .flatten()
                .map(|(i, _, _)| i);
            return Err(self.locked(workspace, holder));
        };
        info.path = self.location(workspace);
        let json =
            String::from_utf8(info.to_json()?).map_err(|e| StateError::Serialize(e.to_string()))?;
        let recorded = conn
            .execute(
                &format!(
                    "INSERT INTO {}.{LOCK_TABLE} (name, id, info, pid, lock_key) \
                     VALUES ($1, $2, $3, pg_backend_pid(), $4) \
                     ON CONFLICT (name) DO UPDATE SET id = EXCLUDED.id, info = EXCLUDED.info, \
                     pid = EXCLUDED.pid, lock_key = EXCLUDED.lock_key",
                    self.schema
                ),
                &[&workspace, &info.id, &json, &key],
            )
            .await;
        match recorded {
            Ok(_) => {}
            Err(e) if e.code() == Some(&SqlState::UNDEFINED_TABLE) => {}
            Err(e) => return Err(db_error("record the lock information")(e)),
        }
        self.held
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(
                (workspace.to_owned(), info.id.clone()),
                HeldLock { client: conn, key },
            );
        Ok(info.id)
    }

    async fn unlock(&self, workspace: &str, id: &str) -> Result<(), StateError> {
        validate_workspace_name(workspace)?;
        let held = self
            .held
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&(workspace.to_owned(), id.to_owned()));
        let Some(held) = held else {
            return self.force_unlock(workspace, id).await;
        };
        if held.client.is_closed() {
            return Err(backend_error(format!(
                "the lock {id} of {} was broken (force-unlocked) while held",
                self.location(workspace)
            )));
        }
        let removed = held
            .client
            .execute(
                &format!(
                    "DELETE FROM {}.{LOCK_TABLE} WHERE name = $1 AND id = $2",
                    self.schema
                ),
                &[&workspace, &id],
            )
            .await;
        match removed {
            Ok(_) => {}
            Err(e) if e.code() == Some(&SqlState::UNDEFINED_TABLE) => {}
            Err(e) => return Err(db_error("remove the lock information")(e)),
        }
        held.client
            .query_one("SELECT pg_advisory_unlock($1)", &[&held.key])
            .await
            .map_err(db_error("release the advisory lock"))?;
        // Dropping the dedicated connection ends its session as well.
        Ok(())
    }

    async fn workspaces(&self) -> Result<Vec<String>, StateError> {
        let client = self.client.lock().await;
        let rows = client
            .query(
                &format!(
                    "SELECT name FROM {}.states WHERE name IS NOT NULL AND data IS NOT NULL ORDER BY name",
                    self.schema
                ),
                &[],
            )
            .await
            .map_err(db_error("list workspaces"))?;
        let mut names: Vec<String> = rows
            .iter()
            .map(|r| r.get::<_, String>(0))
            .filter(|n| n != DEFAULT_WORKSPACE)
            .collect();
        names.sort();
        names.insert(0, DEFAULT_WORKSPACE.to_owned());
        Ok(names)
    }

    async fn delete_workspace(&self, workspace: &str) -> Result<(), StateError> {
        validate_workspace_name(workspace)?;
        if workspace == DEFAULT_WORKSPACE {
            return Err(StateError::CannotDeleteDefault);
        }
        // Refuse while someone holds the workspace's lock.
        let id = self
            .lock(workspace, &LockInfo::new("OperationTypeInvalid"))
            .await?;
        let deleted = {
            let client = self.client.lock().await;
            client
                .query(
                    &format!(
                        "DELETE FROM {}.states WHERE name = $1 RETURNING data IS NOT NULL",
                        self.schema
                    ),
                    &[&workspace],
                )
                .await
                .map_err(db_error("delete the workspace"))
        };
        self.unlock(workspace, &id).await?;
        // A row without data (left by a lock of a never-written workspace)
        // is not a workspace.
        match deleted?.first().and_then(|r| r.get::<_, Option<bool>>(0)) {
            Some(true) => Ok(()),
            _ => Err(StateError::NoSuchWorkspace(workspace.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_like_postgres() {
        assert_eq!(
            quote_ident("terraform_remote_state"),
            "\"terraform_remote_state\""
        );
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn settings_use_terraform_names_and_defaults() {
        let c = PgConfig::from_settings([("conn_str", "postgres://u@h/db")]);
        assert!(matches!(&c, Ok(c) if c == &PgConfig::new("postgres://u@h/db")));
        let c = PgConfig::from_settings([
            ("conn_str", "host=h"),
            ("schema_name", "s"),
            ("skip_table_creation", "true"),
        ]);
        assert!(
            matches!(&c, Ok(c) if c.schema_name == "s" && c.skip_table_creation && !c.skip_index_creation)
        );
        let bad = PgConfig::from_settings([("conn_str", "x"), ("bucket", "b")]);
        assert!(
            matches!(bad, Err(StateError::Backend { message, .. }) if message.contains("bucket"))
        );
        let bad = PgConfig::from_settings([("conn_str", "x"), ("skip_index_creation", "yes")]);
        assert!(bad.is_err());
    }
}
