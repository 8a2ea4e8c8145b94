//! Leases for background jobs, so that a job runs on one process only when
//! several Lisa processes share one database.

use chrono::{DateTime, Utc};

use crate::{Result, Store, with_pool};

impl Store {
    /// Takes or renews the lease on job `name` for `holder` until `until`,
    /// if it is free, run out (before `now`) or already `holder`'s. True when
    /// `holder` now holds it. One atomic statement on both backends, so two
    /// processes asking at once never both get it.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(job = name))]
    pub async fn take_lease(&self, name: &str, holder: &str, now: DateTime<Utc>, until: DateTime<Utc>) -> Result<bool> {
        let taken = with_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO job_leases (name, holder, until) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until \
                 WHERE job_leases.until < $4 OR job_leases.holder = excluded.holder",
            )
            .bind(name)
            .bind(holder)
            .bind(until)
            .bind(now)
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(taken == 1)
    }
}
