//! The audit log: entries are sealed by the domain ([`domain::audit::Entry`])
//! and appended in the same transaction as the write they describe.

use chrono::{DateTime, Utc};
use domain::audit::{Change, Entry};
use sqlx::FromRow;
use uuid::Uuid;

use crate::OrgScope;
use crate::scope::push_scope;
use crate::{Result, Store, with_pool};

/// The head of the chain, locked for the length of one write transaction,
/// plus the entries sealed in it so far.
pub(crate) struct Chain {
    pub seq: i64,
    pub hash: String,
    pub pending: Vec<Entry>,
}

impl Chain {
    /// Seal `change` as the next entry of the chain.
    pub fn push(&mut self, at: DateTime<Utc>, change: Change) {
        let e = Entry::seal(self.seq + 1, at, change, &self.hash);
        self.seq = e.seq;
        self.hash = e.hash.clone();
        self.pending.push(e);
    }
}

/// Locks the audit head row (a no-op update: a row lock on PostgreSQL, and the
/// write lock is already held on SQLite) and reads it.
macro_rules! lock_head {
    ($tx:ident) => {{
        let (seq, hash): (i64, String) =
            sqlx::query_as("UPDATE audit_head SET id = id WHERE id = 1 RETURNING seq, hash")
                .fetch_one(&mut *$tx)
                .await?;
        $crate::audit::Chain { seq, hash, pending: Vec::new() }
    }};
}

/// Appends the chain's pending entries and moves the head.
macro_rules! flush {
    ($tx:ident, $chain:ident) => {{
        if !$chain.pending.is_empty() {
            for e in &$chain.pending {
                sqlx::query(
                    "INSERT INTO audit_log (seq, at, actor_id, actor, action, record_type, record_id, \
                     org_id, before_json, after_json, prev_hash, hash) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(e.seq)
                .bind(e.at)
                .bind(e.change.actor_id)
                .bind(&e.change.actor)
                .bind(&e.change.action)
                .bind(&e.change.record_type)
                .bind(&e.change.record_id)
                .bind(e.change.org_id)
                .bind(&e.change.before)
                .bind(&e.change.after)
                .bind(&e.prev_hash)
                .bind(&e.hash)
                .execute(&mut *$tx)
                .await?;
            }
            sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                .bind($chain.seq)
                .bind(&$chain.hash)
                .execute(&mut *$tx)
                .await?;
        }
    }};
}

pub(crate) use {flush, lock_head};

/// Which entries to list.
#[derive(Debug, Clone)]
pub struct AuditFilter {
    /// Only entries of these organisations; [`OrgScope::All`] means every
    /// entry, including those without an organisation (system administrators only).
    pub scope: OrgScope,
    pub record_type: Option<String>,
    pub record_id: Option<String>,
    /// Matches the actor's label (e-mail) exactly.
    pub actor: Option<String>,
    pub from: Option<DateTime<Utc>>,
    /// Exclusive upper bound.
    pub to: Option<DateTime<Utc>>,
    /// Only entries with `seq` below this (paging, newest first).
    pub before_seq: Option<i64>,
    pub limit: i64,
}

impl Default for AuditFilter {
    fn default() -> Self {
        Self {
            scope: OrgScope::All,
            record_type: None,
            record_id: None,
            actor: None,
            from: None,
            to: None,
            before_seq: None,
            limit: 100,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AuditPage {
    pub entries: Vec<Entry>,
    /// Pass as `before_seq` for the next (older) page.
    pub next_before: Option<i64>,
}

#[derive(FromRow)]
pub(crate) struct EntryRow {
    seq: i64,
    at: DateTime<Utc>,
    actor_id: Option<Uuid>,
    actor: String,
    action: String,
    record_type: String,
    record_id: String,
    org_id: Option<Uuid>,
    before_json: Option<String>,
    after_json: Option<String>,
    prev_hash: String,
    hash: String,
}

impl From<EntryRow> for Entry {
    fn from(r: EntryRow) -> Entry {
        Entry {
            seq: r.seq,
            at: r.at,
            change: Change {
                actor_id: r.actor_id,
                actor: r.actor,
                action: r.action,
                record_type: r.record_type,
                record_id: r.record_id,
                org_id: r.org_id,
                before: r.before_json,
                after: r.after_json,
            },
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

const ENTRY_COLUMNS: &str = "seq, at, actor_id, actor, action, record_type, record_id, org_id, \
                             before_json, after_json, prev_hash, hash";

impl Store {
    /// The data's version: the audit head's sequence number, which every
    /// audited write moves in its own transaction (what kept pages and
    /// trees are keyed on).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn data_version(&self) -> Result<i64> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_scalar::<_, i64>("SELECT seq FROM audit_head WHERE id = 1").fetch_one(pool).await?
        }))
    }

    /// Entries matching `f`, newest first.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_audit(&self, f: &AuditFilter) -> Result<AuditPage> {
        let limit = f.limit.clamp(1, 500);
        if f.scope.is_nothing() {
            return Ok(AuditPage { entries: Vec::new(), next_before: None });
        }
        let rows: Vec<EntryRow> = with_pool!(self, |pool| {
            let mut q = sqlx::QueryBuilder::new(format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE 1 = 1"));
            if f.scope != OrgScope::All {
                q.push(" AND");
                push_scope!(q, "org_id", &f.scope);
            }
            if let Some(t) = &f.record_type {
                q.push(" AND record_type = ").push_bind(t.clone());
            }
            if let Some(r) = &f.record_id {
                q.push(" AND record_id = ").push_bind(r.clone());
            }
            if let Some(a) = &f.actor {
                q.push(" AND actor = ").push_bind(a.clone());
            }
            if let Some(t) = f.from {
                q.push(" AND at >= ").push_bind(t);
            }
            if let Some(t) = f.to {
                q.push(" AND at < ").push_bind(t);
            }
            if let Some(s) = f.before_seq {
                q.push(" AND seq < ").push_bind(s);
            }
            q.push(" ORDER BY seq DESC LIMIT ").push_bind(limit + 1);
            q.build_query_as::<EntryRow>().fetch_all(pool).await?
        });
        let mut entries: Vec<Entry> = rows.into_iter().map(Entry::from).collect();
        let next_before = if entries.len() as i64 > limit {
            entries.truncate(limit as usize);
            entries.last().map(|e| e.seq)
        } else {
            None
        };
        Ok(AuditPage { entries, next_before })
    }

    /// Entries in chain order from `after_seq` (exclusive), for verification.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn audit_chain_page(&self, after_seq: i64, limit: i64) -> Result<Vec<Entry>> {
        let rows: Vec<EntryRow> = with_pool!(self, |pool| {
            sqlx::query_as::<_, EntryRow>(
                "SELECT seq, at, actor_id, actor, action, record_type, record_id, org_id, \
                 before_json, after_json, prev_hash, hash FROM audit_log \
                 WHERE seq > $1 ORDER BY seq LIMIT $2",
            )
            .bind(after_seq)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(Entry::from).collect())
    }

    /// Verifies the whole chain; `Ok(n)` is the number of entries checked, and
    /// the head row must point at the last one.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn verify_audit(&self) -> Result<std::result::Result<u64, domain::audit::Broken>> {
        let mut v = domain::audit::Verifier::default();
        loop {
            let page = self.audit_chain_page(v.next_seq() - 1, 1000).await?;
            if page.is_empty() {
                break;
            }
            for e in &page {
                if let Err(b) = v.check(e) {
                    return Ok(Err(b));
                }
            }
        }
        let (head_seq,): (i64,) = with_pool!(self, |pool| {
            sqlx::query_as("SELECT seq FROM audit_head WHERE id = 1").fetch_one(pool).await?
        });
        if head_seq != v.next_seq() - 1 {
            return Ok(Err(domain::audit::Broken::Gap { seq: head_seq, expected: v.next_seq() }));
        }
        Ok(Ok(v.checked))
    }

    /// Records an event that changes no other record (a login, a logout).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn record_event(&self, change: Change) -> Result<()> {
        let now = domain::now();
        crate::write_tx!(self, |tx, chain| {
            chain.push(now, change);
        });
        Ok(())
    }
}
