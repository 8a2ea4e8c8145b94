//! Sessions, failed-login counters and first-administrator setup tokens.
//! Tokens are stored only as SHA-256 hashes; the raw values live in cookies
//! and links.

use chrono::{DateTime, Duration, Utc};
use domain::audit::Change;
use domain::throttle::Failures;
use sqlx::FromRow;
use uuid::Uuid;

use crate::{Result, Store, with_pool};

#[derive(Debug, Clone, FromRow)]
pub struct SessionRow {
    pub token_hash: String,
    pub user_id: Uuid,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

impl Store {
    #[tracing::instrument(skip_all, err(level = "debug"), fields(user_id = %user_id))]
    pub async fn insert_session(&self, token_hash: &str, user_id: Uuid, csrf_token: &str) -> Result<()> {
        let now = domain::now();
        with_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)",
            )
            .bind(token_hash).bind(user_id).bind(csrf_token).bind(now)
            .execute(p).await?;
        });
        Ok(())
    }

    /// Opens a session and records the login in the audit log, in one
    /// transaction: there is no session without its entry, nor the reverse.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(user_id = %user_id))]
    pub async fn open_session(&self, token_hash: &str, user_id: Uuid, csrf_token: &str, change: Change) -> Result<()> {
        let now = domain::now();
        crate::write_tx!(self, |tx, chain| {
            sqlx::query(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)",
            )
            .bind(token_hash)
            .bind(user_id)
            .bind(csrf_token)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            chain.push(now, change);
        });
        Ok(())
    }

    /// Ends a session and records the logout in the audit log, in one transaction.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn close_session(&self, token_hash: &str, change: Change) -> Result<()> {
        let now = domain::now();
        crate::write_tx!(self, |tx, chain| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&mut *tx).await?;
            chain.push(now, change);
        });
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn find_session(&self, token_hash: &str) -> Result<Option<SessionRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, SessionRow>(
                "SELECT token_hash, user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(p)
            .await?
        }))
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn touch_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<()> {
        with_pool!(self, |p| {
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(at)
                .bind(token_hash)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        with_pool!(self, |p| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(p).await?;
        });
        Ok(())
    }

    /// Removes sessions idle since before `idle_before` or created before `created_before`.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn purge_sessions(&self, idle_before: DateTime<Utc>, created_before: DateTime<Utc>) -> Result<u64> {
        Ok(with_pool!(self, |p| {
            sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
                .bind(idle_before)
                .bind(created_before)
                .execute(p)
                .await?
                .rows_affected()
        }))
    }

    /// Failures counted for `key` (such as `account:EMAIL` or `address:IP`)
    /// within `window` of `now`.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn find_failures(&self, key: &str, now: DateTime<Utc>, window: Duration) -> Result<Failures> {
        let row: Option<(i32, DateTime<Utc>)> = with_pool!(self, |p| {
            sqlx::query_as("SELECT count, last_at FROM login_failures WHERE key = $1")
                .bind(key)
                .fetch_optional(p)
                .await?
        });
        Ok(match row {
            Some((count, last)) if last + window > now => Failures { count: count.max(0) as u32, last: Some(last) },
            _ => Failures::default(),
        })
    }

    /// Counts a login attempt for each `(key, limit)` before its password is
    /// checked, atomically in the database (so parallel attempts, also in
    /// several Lisa processes, each see their own count), and returns the
    /// failures each key had before this attempt. A count older than
    /// `window` starts again at one; once a key has reached its `limit`, its
    /// time of last failure stays put, so a lock ends `window` after the
    /// failure that set it even while attempts go on. Counters idle for
    /// longer than `window` are removed on the way, so attempts with made-up
    /// e-mail addresses cannot grow the table beyond what arrives in one
    /// window.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn count_login_attempt(
        &self,
        keys: &[(&str, u32)],
        now: DateTime<Utc>,
        window: Duration,
    ) -> Result<Vec<Failures>> {
        let cutoff = now - window;
        let mut out = Vec::with_capacity(keys.len());
        with_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM login_failures WHERE last_at < $1").bind(cutoff).execute(&mut *tx).await?;
            for (key, limit) in keys {
                let (count, last): (i32, DateTime<Utc>) = sqlx::query_as(
                    "INSERT INTO login_failures (key, count, last_at) VALUES ($1, 1, $2) \
                     ON CONFLICT (key) DO UPDATE SET \
                     count = CASE WHEN login_failures.last_at < $3 THEN 1 ELSE login_failures.count + 1 END, \
                     last_at = CASE WHEN login_failures.last_at >= $3 AND login_failures.count >= $4 \
                                    THEN login_failures.last_at ELSE $2 END \
                     RETURNING count, last_at",
                )
                .bind(*key)
                .bind(now)
                .bind(cutoff)
                .bind(i32::try_from(*limit).unwrap_or(i32::MAX))
                .fetch_one(&mut *tx)
                .await?;
                let before = count.max(1) as u32 - 1;
                out.push(Failures { count: before, last: (before > 0).then_some(last) });
            }
            tx.commit().await?;
        });
        Ok(out)
    }

    /// How many login counters are kept (to check that they stay bounded).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn count_login_counters(&self) -> Result<i64> {
        let (n,): (i64,) =
            with_pool!(self, |p| { sqlx::query_as("SELECT COUNT(*) FROM login_failures").fetch_one(p).await? });
        Ok(n)
    }

    /// After a successful login: clears the account's counter and takes the
    /// attempt back from the address's (it was counted before the check).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn login_succeeded(&self, account_key: &str, address_key: &str) -> Result<()> {
        with_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(account_key).execute(&mut *tx).await?;
            sqlx::query("UPDATE login_failures SET count = count - 1 WHERE key = $1 AND count > 0")
                .bind(address_key)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Stores a new one-time setup token (hash), replacing any earlier one.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn replace_setup_token(&self, token_hash: &str) -> Result<()> {
        let now = domain::now();
        with_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM setup_tokens").execute(&mut *tx).await?;
            sqlx::query("INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)")
                .bind(token_hash)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn setup_token_exists(&self, token_hash: &str) -> Result<bool> {
        Ok(with_pool!(self, |p| {
            let row: Option<(String,)> = sqlx::query_as("SELECT token_hash FROM setup_tokens WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(p)
                .await?;
            row.is_some()
        }))
    }
}
