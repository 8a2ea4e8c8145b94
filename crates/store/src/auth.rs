//! Sessions, failed-login counters and first-administrator setup tokens.
//! Tokens are stored only as SHA-256 hashes; the raw values live in cookies
//! and links.

use chrono::{DateTime, Duration, Utc};
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

/// What a login attempt did to the failure counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginOutcome {
    Success,
    Failure,
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

    /// Counts a failure for each key (restarting counts older than `window`),
    /// or clears the keys after a success.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn record_login(&self, keys: &[&str], outcome: LoginOutcome, window: Duration) -> Result<()> {
        let now = domain::now();
        with_pool!(self, |p| {
            let mut tx = p.begin().await?;
            for key in keys {
                match outcome {
                    LoginOutcome::Success => {
                        sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(*key).execute(&mut *tx).await?;
                    }
                    LoginOutcome::Failure => {
                        sqlx::query(
                            "INSERT INTO login_failures (key, count, last_at) VALUES ($1, 1, $2) \
                             ON CONFLICT (key) DO UPDATE SET \
                             count = CASE WHEN login_failures.last_at < $3 THEN 1 ELSE login_failures.count + 1 END, \
                             last_at = $2",
                        )
                        .bind(*key)
                        .bind(now)
                        .bind(now - window)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
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
