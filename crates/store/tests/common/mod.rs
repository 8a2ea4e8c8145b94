//! Test harness for the storage conformance suite: every check runs against a
//! fresh SQLite file always, and against a fresh PostgreSQL database when
//! `LISA_TEST_POSTGRES_URL` is set (an admin URL such as
//! `postgres://postgres@127.0.0.1:5432/test`; each test creates and drops its
//! own `lisa_test_<random>` database next to the one named there).

#![allow(dead_code)]

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use domain::audit::Entry;
use domain::authz::Assignment;
use domain::org::{OrgKind, OrgName, OrgNumber};
use domain::user::{Email, Language, PersonName, Role};
use sqlx::{Connection, PgConnection, SqliteConnection};
use store::{Actor, AssignmentRow, AuditFilter, NewOrg, NewUser, Org, Store, User};
use uuid::Uuid;

pub const POSTGRES_URL_VAR: &str = "LISA_TEST_POSTGRES_URL";

/// One backend under test: a migrated store on a database of its own.
pub struct TestDb {
    /// `sqlite` or `postgres`.
    pub name: &'static str,
    pub store: Arc<Store>,
    /// The URL the store was opened with, for raw connections.
    pub url: String,
}

enum Cleanup {
    SqliteDir(PathBuf),
    Postgres { admin_url: String, db_name: String },
}

fn random_suffix() -> String {
    format!("{:016x}", rand::random::<u64>())
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

async fn sqlite_db() -> (TestDb, Cleanup) {
    let dir = std::env::temp_dir().join(format!("lisa-store-test-{}", random_suffix()));
    std::fs::create_dir_all(&dir).expect("create temp dir for SQLite");
    let url = format!("sqlite://{}", dir.join("lisa.db").display());
    let store = Store::connect(&url).await.unwrap_or_else(|e| panic!("sqlite: Store::connect({url}) failed: {e}"));
    assert_eq!(store.backend_name(), "sqlite");
    (TestDb { name: "sqlite", store: Arc::new(store), url }, Cleanup::SqliteDir(dir))
}

async fn postgres_db(admin_url: &str) -> (TestDb, Cleanup) {
    let db_name = format!("lisa_test_{}", random_suffix());
    let mut admin = PgConnection::connect(admin_url)
        .await
        .unwrap_or_else(|e| panic!("postgres: cannot connect to {POSTGRES_URL_VAR}={admin_url}: {e}"));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db_name}")))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("postgres: CREATE DATABASE {db_name} failed: {e}"));
    let _ = admin.close().await;
    let url = with_database(admin_url, &db_name);
    let store = Store::connect(&url).await.unwrap_or_else(|e| panic!("postgres: Store::connect({url}) failed: {e}"));
    assert_eq!(store.backend_name(), "postgres");
    (
        TestDb { name: "postgres", store: Arc::new(store), url },
        Cleanup::Postgres { admin_url: admin_url.to_owned(), db_name },
    )
}

async fn cleanup(c: Cleanup) {
    match c {
        Cleanup::SqliteDir(dir) => {
            let _ = std::fs::remove_dir_all(dir);
        }
        Cleanup::Postgres { admin_url, db_name } => {
            // Best effort: FORCE ends whatever connections the store left open.
            if let Ok(mut admin) = PgConnection::connect(&admin_url).await {
                let sql = format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)");
                if let Err(e) = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut admin).await {
                    eprintln!("postgres: could not drop test database {db_name}: {e}");
                }
                let _ = admin.close().await;
            }
        }
    }
}

/// The PostgreSQL admin URL, or a loud note that PostgreSQL is skipped.
pub fn postgres_url(test: &str) -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(u) if !u.trim().is_empty() => Some(u.trim().to_owned()),
        _ => {
            eprintln!(
                "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
                 !!! {test}: PostgreSQL tests SKIPPED: {POSTGRES_URL_VAR} is not set\n\
                 !!! (only SQLite was tested; set it to e.g. postgres://postgres@127.0.0.1:5432/test)\n\
                 !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
            );
            None
        }
    }
}

/// Runs `check` on a fresh SQLite database and, when configured, on a fresh
/// PostgreSQL database; panics naming every backend on which it failed.
pub async fn run<F, Fut>(test: &str, check: F)
where
    F: Fn(TestDb) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut failures = Vec::new();
    let pg = postgres_url(test);
    let mut kinds = vec!["sqlite"];
    if pg.is_some() {
        kinds.push("postgres");
    }
    for kind in kinds {
        let (db, clean) = match kind {
            "sqlite" => sqlite_db().await,
            _ => postgres_db(pg.as_deref().expect("postgres URL")).await,
        };
        let name = db.name;
        eprintln!("--- {test}: running on {name}");
        let outcome = tokio::spawn(check(db)).await;
        cleanup(clean).await;
        match outcome {
            Ok(()) => eprintln!("--- {test}: passed on {name}"),
            Err(e) => {
                let msg = if e.is_panic() {
                    let p = e.into_panic();
                    p.downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_else(|| "(non-text panic)".into())
                } else {
                    e.to_string()
                };
                eprintln!("--- {test}: FAILED on {name}: {msg}");
                failures.push(format!("[{name}] {msg}"));
            }
        }
    }
    if !failures.is_empty() {
        panic!("{test} failed on {}", failures.join("\n   and "));
    }
}

impl TestDb {
    pub fn is_postgres(&self) -> bool {
        self.name == "postgres"
    }

    /// Runs one statement on a separate raw connection (outside the store).
    pub async fn raw_execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        if self.is_postgres() {
            let mut c = PgConnection::connect(&self.url).await?;
            let r = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut c).await.map(|r| r.rows_affected());
            let _ = c.close().await;
            r
        } else {
            let mut c = SqliteConnection::connect(&self.url).await?;
            let r = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut c).await.map(|r| r.rows_affected());
            let _ = c.close().await;
            r
        }
    }

    /// `SELECT COUNT(*)` (or any single BIGINT) on a raw connection.
    pub async fn raw_i64(&self, sql: &str) -> i64 {
        let r = if self.is_postgres() {
            let mut c = PgConnection::connect(&self.url).await.expect("raw connect");
            let r = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&mut c).await;
            let _ = c.close().await;
            r
        } else {
            let mut c = SqliteConnection::connect(&self.url).await.expect("raw connect");
            let r = sqlx::query_as::<_, (i64,)>(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(&mut c).await;
            let _ = c.close().await;
            r
        };
        r.unwrap_or_else(|e| panic!("{}: {sql}: {e}", self.name)).0
    }

    /// Everything the store holds, to show that a refused write changed nothing.
    pub async fn snapshot(&self) -> Snapshot {
        let s = &self.store;
        Snapshot {
            orgs: s.list_orgs().await.expect("list_orgs"),
            users: s.list_users().await.expect("list_users"),
            assignments: s.list_all_assignments().await.expect("list_all_assignments"),
            audit: all_audit(s).await,
            audit_head: self.raw_i64("SELECT seq FROM audit_head WHERE id = 1").await,
            sessions: self.raw_i64("SELECT COUNT(*) FROM sessions").await,
            login_failures: self.raw_i64("SELECT COUNT(*) FROM login_failures").await,
            setup_tokens: self.raw_i64("SELECT COUNT(*) FROM setup_tokens").await,
        }
    }

    /// The number of intact audit entries; panics if the chain is broken.
    pub async fn verified(&self) -> u64 {
        match self.store.verify_audit().await {
            Ok(Ok(n)) => n,
            Ok(Err(b)) => panic!("{}: audit chain broken: {b}", self.name),
            Err(e) => panic!("{}: verify_audit failed: {e}", self.name),
        }
    }
}

#[derive(Debug, PartialEq)]
pub struct Snapshot {
    pub orgs: Vec<Org>,
    pub users: Vec<User>,
    pub assignments: Vec<AssignmentRow>,
    pub audit: Vec<Entry>,
    pub audit_head: i64,
    pub sessions: i64,
    pub login_failures: i64,
    pub setup_tokens: i64,
}

/// Every audit entry, newest first, following the pages.
pub async fn all_audit(store: &Store) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut before = None;
    loop {
        let page = store
            .list_audit(&AuditFilter { before_seq: before, limit: 500, ..Default::default() })
            .await
            .expect("list_audit");
        out.extend(page.entries);
        match page.next_before {
            Some(b) => before = Some(b),
            None => return out,
        }
    }
}

/// The actions of all entries, oldest first.
pub async fn actions(store: &Store) -> Vec<String> {
    let mut a: Vec<String> = all_audit(store).await.into_iter().map(|e| e.change.action).collect();
    a.reverse();
    a
}

// ---- fixtures ----------------------------------------------------------------

pub fn admin() -> Actor {
    Actor::user(Uuid::from_u128(0xad01_0000_0000_0000_0000_0000_0000_0001), "admin@exempla.se")
}

pub fn new_org(name: &str, kind: OrgKind, parent: Option<Uuid>) -> NewOrg {
    NewOrg { name: OrgName::parse(name).expect("valid org name"), kind, org_number: None, parent_id: parent }
}

pub fn org_number(s: &str) -> OrgNumber {
    OrgNumber::parse(s).expect("valid org number")
}

pub async fn add_org(store: &Store, name: &str, parent: Option<Uuid>) -> Org {
    let kind = if parent.is_some() { OrgKind::Unit } else { OrgKind::Municipality };
    store.insert_org(&admin(), new_org(name, kind, parent)).await.unwrap_or_else(|e| panic!("insert_org {name}: {e}"))
}

pub fn new_user(email: &str, name: &str) -> NewUser {
    NewUser {
        email: Email::parse(email).expect("valid email"),
        name: PersonName::parse(name).expect("valid name"),
        password_hash: Some(format!("$argon2id$v=19$m=19456,t=2,p=1$fake${email}")),
        language: Language::Sv,
    }
}

pub fn role(role: Role, org: Option<Uuid>) -> Assignment {
    Assignment { role, org_id: org }
}

pub async fn add_user(store: &Store, email: &str, first: Option<Assignment>) -> User {
    store
        .insert_user(&admin(), new_user(email, "Test Person"), first)
        .await
        .unwrap_or_else(|e| panic!("insert_user {email}: {e}"))
}

/// Asserts a `StoreError::Conflict` with this field and code.
#[track_caller]
pub fn assert_conflict<T: std::fmt::Debug>(backend: &str, r: store::Result<T>, field: &str, code: &str) {
    match r {
        Err(store::StoreError::Conflict { field: f, code: c }) if f == field && c == code => {}
        other => panic!("{backend}: expected Conflict {{ {field}, {code} }}, got {other:?}"),
    }
}

#[track_caller]
pub fn assert_not_found<T: std::fmt::Debug>(backend: &str, r: store::Result<T>) {
    match r {
        Err(store::StoreError::NotFound) => {}
        other => panic!("{backend}: expected NotFound, got {other:?}"),
    }
}
