//! Fresh databases for Lisa's tests, one per test, removed again when the
//! test ends, passed or failed.
//!
//! - SQLite: a file in a new temporary directory, removed on drop.
//! - PostgreSQL: a database `lisa_test_t<unix seconds>_<random>` created next
//!   to the one named by `LISA_TEST_POSTGRES_URL` (an admin URL such as
//!   `postgres://postgres@127.0.0.1:5432/test`), dropped on drop. Databases of
//!   this form older than [`STALE_AFTER`] (left by a killed run) are dropped
//!   the first time a process creates one.
//!
//! Without `LISA_TEST_POSTGRES_URL` the PostgreSQL half of a test is skipped
//! with a loud note — unless `CI` is set, when the test fails instead: a CI
//! run that silently tested SQLite only would look green for the wrong reason.

use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sqlx::{Connection, PgConnection, SqliteConnection};

pub const POSTGRES_URL_VAR: &str = "LISA_TEST_POSTGRES_URL";
/// The name prefix of every database this crate creates.
pub const PREFIX: &str = "lisa_test_t";
/// Test databases older than this belong to a run that is over.
pub const STALE_AFTER: Duration = Duration::from_secs(2 * 60 * 60);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

fn random_suffix() -> String {
    format!("{:016x}", rand::random::<u64>())
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// The PostgreSQL admin URL; `None` (with a loud note) when it is not set.
///
/// # Panics
/// When it is not set but `CI` is: PostgreSQL tests must not be skipped there.
pub fn postgres_admin_url(test: &str) -> Option<String> {
    if let Some(url) = std::env::var(POSTGRES_URL_VAR).ok().map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()) {
        return Some(url);
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "{test}: {POSTGRES_URL_VAR} is not set but CI is: the PostgreSQL half of this test cannot be skipped \
             in CI. Set {POSTGRES_URL_VAR} to an admin URL such as postgres://postgres@127.0.0.1:5432/test."
        );
    }
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         !!! {test}: PostgreSQL tests SKIPPED: {POSTGRES_URL_VAR} is not set\n\
         !!! (only SQLite was tested; set it to e.g. postgres://postgres@127.0.0.1:5432/test)\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
    None
}

/// SQLite always, and PostgreSQL when configured (see [`postgres_admin_url`]).
pub fn backends(test: &str) -> Vec<Backend> {
    let mut out = vec![Backend::Sqlite];
    if postgres_admin_url(test).is_some() {
        out.push(Backend::Postgres);
    }
    out
}

/// The admin URL with its database name replaced by `db`.
pub fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let authority_end = base[scheme_end..].find('/').map(|i| scheme_end + i).unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..authority_end], db);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

enum Owned {
    SqliteDir(PathBuf),
    Postgres { admin_url: String, db_name: String },
}

/// An empty database of its own (not migrated: `Store::connect` does that),
/// removed when this value is dropped.
pub struct TestDb {
    backend: Backend,
    url: String,
    owned: Owned,
}

impl TestDb {
    /// A fresh database on `backend`; `None` when PostgreSQL is asked for but
    /// not configured (see [`postgres_admin_url`]).
    pub async fn create(test: &str, backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => Some(TestDb::sqlite()),
            Backend::Postgres => Some(TestDb::postgres(&postgres_admin_url(test)?).await),
        }
    }

    /// A new temporary directory; the URL names `lisa.db` in it.
    pub fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(format!("lisa-test-{}", random_suffix()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create temp dir {}: {e}", dir.display()));
        let url = format!("sqlite://{}", dir.join("lisa.db").display());
        TestDb { backend: Backend::Sqlite, url, owned: Owned::SqliteDir(dir) }
    }

    /// A new database on the server of `admin_url`.
    pub async fn postgres(admin_url: &str) -> TestDb {
        static SWEEP: Once = Once::new();
        let mut admin = PgConnection::connect(admin_url)
            .await
            .unwrap_or_else(|e| panic!("postgres: cannot connect to {POSTGRES_URL_VAR}={admin_url}: {e}"));
        let mut sweep = false;
        SWEEP.call_once(|| sweep = true);
        if sweep {
            drop_stale(&mut admin).await;
        }
        let db_name = format!("{PREFIX}{}_{}", unix_now(), random_suffix());
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db_name}")))
            .execute(&mut admin)
            .await
            .unwrap_or_else(|e| panic!("postgres: CREATE DATABASE {db_name} failed: {e}"));
        let _ = admin.close().await;
        let url = with_database(admin_url, &db_name);
        TestDb { backend: Backend::Postgres, url, owned: Owned::Postgres { admin_url: admin_url.to_owned(), db_name } }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// `sqlite` or `postgres`.
    pub fn name(&self) -> &'static str {
        self.backend.name()
    }

    pub fn is_postgres(&self) -> bool {
        self.backend == Backend::Postgres
    }

    /// The URL to open the store with.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The SQLite database's directory (also a place for other files of the test).
    pub fn dir(&self) -> Option<&Path> {
        match &self.owned {
            Owned::SqliteDir(d) => Some(d),
            Owned::Postgres { .. } => None,
        }
    }

    /// Runs one statement on a separate raw connection (outside any store).
    pub async fn raw_execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        raw_execute(&self.url, sql).await
    }

    /// `SELECT COUNT(*)` (or any single BIGINT) on a raw connection.
    pub async fn raw_i64(&self, sql: &str) -> i64 {
        raw_i64(&self.url, sql).await
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.owned {
            Owned::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Owned::Postgres { admin_url, db_name } => {
                // Drop may run inside a runtime (or while unwinding from a
                // failed test): a thread of its own with its own runtime.
                let (admin_url, db_name) = (admin_url.clone(), db_name.clone());
                let job = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
                    match rt {
                        Ok(rt) => rt.block_on(drop_database(&admin_url, &db_name)),
                        Err(e) => eprintln!("postgres: no runtime to drop test database {db_name}: {e}"),
                    }
                });
                let _ = job.join();
            }
        }
    }
}

/// `DROP DATABASE … WITH (FORCE)`: ends whatever connections a store left open.
async fn drop_database(admin_url: &str, db_name: &str) {
    match PgConnection::connect(admin_url).await {
        Ok(mut admin) => {
            let sql = format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)");
            if let Err(e) = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await {
                eprintln!("postgres: could not drop test database {db_name}: {e}");
            }
            let _ = admin.close().await;
        }
        Err(e) => eprintln!("postgres: could not connect to drop test database {db_name}: {e}"),
    }
}

/// Drops the test databases of runs that are over (a killed run leaves its databases).
async fn drop_stale(admin: &mut PgConnection) {
    let names: Vec<(String,)> =
        match sqlx::query_as("SELECT datname FROM pg_database WHERE datname LIKE 'lisa\\_test\\_t%'")
            .fetch_all(&mut *admin)
            .await
        {
            Ok(n) => n,
            Err(e) => {
                eprintln!("postgres: could not list stale test databases: {e}");
                return;
            }
        };
    let cutoff = unix_now().saturating_sub(STALE_AFTER.as_secs());
    for (name,) in names {
        let created = name.strip_prefix(PREFIX).and_then(|rest| rest.split_once('_')).and_then(|(t, _)| t.parse().ok());
        if created.is_some_and(|t: u64| t < cutoff) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            match sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *admin).await {
                Ok(_) => eprintln!("postgres: dropped stale test database {name}"),
                Err(e) => eprintln!("postgres: could not drop stale test database {name}: {e}"),
            }
        }
    }
}

fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Runs one statement on a separate raw connection to `url`.
pub async fn raw_execute(url: &str, sql: &str) -> Result<u64, sqlx::Error> {
    let q = sqlx::AssertSqlSafe(sql.to_owned());
    if is_postgres_url(url) {
        let mut c = PgConnection::connect(url).await?;
        let r = sqlx::query(q).execute(&mut c).await.map(|r| r.rows_affected());
        let _ = c.close().await;
        r
    } else {
        let mut c = SqliteConnection::connect(url).await?;
        let r = sqlx::query(q).execute(&mut c).await.map(|r| r.rows_affected());
        let _ = c.close().await;
        r
    }
}

/// One BIGINT (such as `SELECT COUNT(*) …`) read on a raw connection to `url`.
///
/// # Panics
/// When the query fails.
pub async fn raw_i64(url: &str, sql: &str) -> i64 {
    let q = sqlx::AssertSqlSafe(sql.to_owned());
    let r = if is_postgres_url(url) {
        let mut c = PgConnection::connect(url).await.expect("raw connect");
        let r = sqlx::query_as::<_, (i64,)>(q).fetch_one(&mut c).await;
        let _ = c.close().await;
        r
    } else {
        let mut c = SqliteConnection::connect(url).await.expect("raw connect");
        let r = sqlx::query_as::<_, (i64,)>(q).fetch_one(&mut c).await;
        let _ = c.close().await;
        r
    };
    r.unwrap_or_else(|e| panic!("{url}: {sql}: {e}")).0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_database_replaces_only_the_name() {
        assert_eq!(with_database("postgres://u@h:5432/test", "x"), "postgres://u@h:5432/x");
        assert_eq!(with_database("postgres://u@h/test?sslmode=disable", "x"), "postgres://u@h/x?sslmode=disable");
        assert_eq!(with_database("postgres://u@h", "x"), "postgres://u@h/x");
    }

    #[test]
    fn sqlite_dir_is_removed_on_drop() {
        let db = TestDb::sqlite();
        let dir = db.dir().unwrap().to_owned();
        assert!(dir.is_dir());
        drop(db);
        assert!(!dir.exists());
    }
}
