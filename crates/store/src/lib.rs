//! Lisa's persistence: one [`Store`] over SQLite (the embedded default) or
//! PostgreSQL (the scale-out backend), chosen once from the URL scheme.
//!
//! Every write runs in one transaction together with its audit-log entries
//! (see [`audit`]); SQLite write transactions start with `BEGIN IMMEDIATE` and
//! PostgreSQL ones lock the audit head row first, so writers are serialised
//! and the hash chain stays linear.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

mod assessment;
mod assets;
mod assets_classification;
mod assets_facts;
pub use assets_facts::AssetFacts;
mod assets_processing;
mod assets_risk;
mod assets_systems;
mod audit;
mod audits;
mod auth;
mod contacts;
mod incident;
mod incident_history;
mod lease;
mod org;
mod plan;
mod review;
mod round;
mod scope;
mod search;
mod steering;
mod tasks;
mod training;
mod user;

pub use assessment::{AnswerRow, Assessment, Delegation, EvidenceFile, ModelRow, NewAnswer, Proposal};
pub use assets::{Asset, MAX_LINKS, MAX_REGISTER_ROWS, NameClash, System, name_key};
pub use assets_classification::Classification;
pub use assets_processing::{Processing, ProcessorAgreement};
pub use assets_risk::{Dpia, Risk};
pub use audit::{AuditFilter, AuditPage};
pub use audits::{AuditFinding, AuditQuestion, AuditSummary, OrgAudit, Recommendation, Target, TargetEvent};
pub use auth::SessionRow;
pub use contacts::MAX_CONTACT_ORGS;
pub use incident::{
    Incident, IncidentAlert, IncidentEntry, IncidentFilter, IncidentReport, IncidentScope, IncidentWithReports,
    MAX_ENTRIES, MAX_INCIDENTS,
};
pub use incident_history::IncidentHistory;
pub use org::{Dependents, NewOrg, Org, OrgUpdate};
pub use plan::{Action, Activity};
pub use review::{Decision, Point, Review, ReviewFile, UnitReport};
pub use round::{
    Invitation, Invitee, InviteePage, ListedInvitee, MappingRow, NewResponse, Response, Round, RoundFor, Shared,
};
pub use scope::OrgScope;
pub use steering::{DocImplementation, DocVersion, Document, VersionFile};
pub use tasks::{DraftReview, OpenAssessment, SubmittedUnitReport, TASK_ROWS};
pub use training::{Course, Imported, PersonTally, TrainingCount};
pub use user::{AssignmentRow, NewUser, User, UserUpdate};

/// Runs `$body` with `$pool` bound to whichever pool is live.
macro_rules! with_pool {
    ($store:expr, |$pool:ident| $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite($pool) => $body,
            $crate::Backend::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` inside one write transaction bound to `$tx`, with the audit
/// chain head `$chain` locked; commits when `$body` succeeds (a `?` inside
/// rolls everything back, audit entries included).
macro_rules! write_tx {
    ($store:expr, |$tx:ident, $chain:ident| $body:expr) => {
        match &$store.backend {
            $crate::Backend::Sqlite(pool) => {
                let mut $tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                #[allow(unused_mut)]
                let mut $chain = $crate::audit::lock_head!($tx);
                let out = $body;
                $crate::audit::flush!($tx, $chain);
                $tx.commit().await?;
                out
            }
            $crate::Backend::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                #[allow(unused_mut)]
                let mut $chain = $crate::audit::lock_head!($tx);
                let out = $body;
                $crate::audit::flush!($tx, $chain);
                $tx.commit().await?;
                out
            }
        }
    };
}

/// Inside a write transaction: `Conflict` on `org_id` unless the
/// organisation exists (a register's row must name a real organisation).
macro_rules! check_org {
    ($tx:expr, $org:expr) => {{
        let found: Option<(uuid::Uuid,)> =
            sqlx::query_as("SELECT id FROM orgs WHERE id = $1").bind($org).fetch_optional(&mut *$tx).await?;
        if found.is_none() {
            return Err($crate::StoreError::conflict("org_id", "error-org-unknown"));
        }
    }};
}

pub(crate) use {check_org, with_pool, write_tx};

/// Storage errors. `NotFound` and `Conflict` are the caller's business (4xx);
/// everything else is an internal fault, logged and never shown.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// The write would break a rule that needs the stored data to decide:
    /// a duplicate, a dependent record, a cycle. `field` and `code` are a
    /// field error for the user (code = translation key).
    #[error("conflict: {field}: {code}")]
    Conflict { field: &'static str, code: &'static str },
    #[error("the database URL is not valid: {0}")]
    BadUrl(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A fault of a caller working on the store (the demo loader).
    #[error("{0}")]
    Other(String),
}

impl StoreError {
    pub fn conflict(field: &'static str, code: &'static str) -> Self {
        StoreError::Conflict { field, code }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Who performs a write, as the audit log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: Option<uuid::Uuid>,
    pub label: String,
}

impl Actor {
    pub fn user(id: uuid::Uuid, email: &str) -> Self {
        Self { id: Some(id), label: email.to_owned() }
    }
    pub fn cli() -> Self {
        Self { id: None, label: "cli".into() }
    }
    pub fn system() -> Self {
        Self { id: None, label: "system".into() }
    }
}

pub(crate) enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The one handle to the database.
pub struct Store {
    pub(crate) backend: Backend,
    pub(crate) trees: scope::TreeCache,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The SQLite URL of the database file inside a data directory.
pub fn sqlite_url_for(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("lisa.db").display())
}

impl Store {
    /// Connects to `url` (`sqlite://PATH` or `postgres://…`), creating an SQLite
    /// file if missing, and applies pending migrations.
    // No `err`: a bad URL's message may quote the URL and its password.
    #[tracing::instrument(skip_all)]
    pub async fn connect(url: &str) -> Result<Store> {
        let store = Self::connect_without_migrating(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    // No `err`: a bad URL's message may quote the URL and its password.
    #[tracing::instrument(skip_all)]
    pub async fn connect_without_migrating(url: &str) -> Result<Store> {
        let backend = if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| StoreError::BadUrl(e.to_string()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .min_connections(1)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Backend::Sqlite(pool)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let opts = PgConnectOptions::from_str(url).map_err(|e| StoreError::BadUrl(e.to_string()))?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Backend::Postgres(pool)
        } else {
            return Err(StoreError::BadUrl("the URL must start with sqlite:// or postgres://".into()));
        };
        Ok(Store { backend, trees: scope::TreeCache::default() })
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn migrate(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Backend::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match &self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Does the database answer?
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn ping(&self) -> Result<()> {
        with_pool!(self, |p| {
            sqlx::query("SELECT 1").execute(p).await?;
        });
        Ok(())
    }

    /// Refreshes the planner's statistics after a bulk load, so the first
    /// queries on the new rows get good plans. PostgreSQL's autovacuum does
    /// this by itself in time (unless it is turned off); SQLite plans well
    /// without statistics for Lisa's queries, so nothing is done there.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn analyze(&self) -> Result<()> {
        if let Backend::Postgres(p) = &self.backend {
            sqlx::query("ANALYZE").execute(p).await?;
        }
        Ok(())
    }

    /// Connections in the pool: (open, idle).
    pub fn pool_stats(&self) -> (u32, usize) {
        with_pool!(self, |p| (p.size(), p.num_idle()))
    }

    #[tracing::instrument(skip_all)]
    pub async fn close(&self) {
        with_pool!(self, |p| p.close().await)
    }
}

/// The migration versions of each backend, for the test that they match.
pub fn migration_versions() -> (Vec<i64>, Vec<i64>) {
    (SQLITE_MIGRATIONS.iter().map(|m| m.version).collect(), POSTGRES_MIGRATIONS.iter().map(|m| m.version).collect())
}
