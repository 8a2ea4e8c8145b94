//! The action plan and the year wheel with its private calendar feeds.

use chrono::{DateTime, NaiveDate, Utc};
use domain::audit::Change;
use domain::calendar::{ActivityInput, Concerns, Recurrence};
use domain::plan::{ActionInput, ActionStatus, Origin};
use serde::Serialize;
use sqlx::FromRow;
use uuid::Uuid;

use crate::OrgScope;
use crate::scope::push_scope;
use crate::{Actor, Result, Store, StoreError, with_pool, write_tx};

/// Parses a stored code, treating an unknown one as a database fault.
pub(crate) fn code<T: std::str::FromStr>(s: &str) -> Result<T> {
    s.parse().map_err(|_| StoreError::Database(sqlx::Error::Decode(format!("unknown stored code {s}").into())))
}

/// An audit-log change of one record.
pub(crate) fn audit(
    actor: &Actor,
    action: &str,
    record_type: &str,
    id: Uuid,
    org_id: Uuid,
    before: Option<String>,
    after: Option<String>,
) -> Change {
    Change {
        actor_id: actor.id,
        actor: actor.label.clone(),
        action: action.into(),
        record_type: record_type.into(),
        record_id: id.to_string(),
        org_id: Some(org_id),
        before,
        after,
    }
}

/// A stored action of the action plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Action {
    pub id: Uuid,
    pub org_id: Uuid,
    #[serde(flatten)]
    pub data: ActionInput,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct ActionRow {
    id: Uuid,
    org_id: Uuid,
    title: String,
    goal: String,
    activity: String,
    cost: i64,
    responsible: String,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    status: String,
    progress_note: String,
    origin: String,
    origin_ref: String,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl ActionRow {
    fn parse(self) -> Result<Action> {
        Ok(Action {
            id: self.id,
            org_id: self.org_id,
            data: ActionInput {
                title: self.title,
                goal: self.goal,
                activity: self.activity,
                cost: self.cost,
                responsible: self.responsible,
                start_date: self.start_date,
                end_date: self.end_date,
                status: code::<ActionStatus>(&self.status)?,
                progress_note: self.progress_note,
                origin: code::<Origin>(&self.origin)?,
                origin_ref: self.origin_ref,
            },
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const ACTION_COLUMNS: &str = "SELECT id, org_id, title, goal, activity, cost, responsible, start_date, end_date, status, \
     progress_note, origin, origin_ref, created_by, created_at, updated_at FROM actions";

macro_rules! fetch_action {
    ($exec:expr, $id:expr) => {
        sqlx::query_as::<_, ActionRow>(sqlx::AssertSqlSafe(format!("{ACTION_COLUMNS} WHERE id = $1")))
            .bind($id)
            .fetch_optional($exec)
            .await?
            .map(ActionRow::parse)
            .transpose()?
    };
}

/// Inserts an action inside a running transaction (also used when a review is adopted).
macro_rules! insert_action_row {
    ($tx:ident, $a:expr) => {
        sqlx::query(
            "INSERT INTO actions (id, org_id, title, goal, activity, cost, responsible, start_date, end_date, status, \
             progress_note, origin, origin_ref, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind($a.id)
        .bind($a.org_id)
        .bind(&$a.data.title)
        .bind(&$a.data.goal)
        .bind(&$a.data.activity)
        .bind($a.data.cost)
        .bind(&$a.data.responsible)
        .bind($a.data.start_date)
        .bind($a.data.end_date)
        .bind($a.data.status.code())
        .bind(&$a.data.progress_note)
        .bind($a.data.origin.code())
        .bind(&$a.data.origin_ref)
        .bind(&$a.created_by)
        .bind($a.created_at)
        .bind($a.updated_at)
        .execute(&mut *$tx)
        .await?
    };
}
pub(crate) use insert_action_row;

pub(crate) fn action_json(a: &ActionInput) -> String {
    serde_json::to_string(a).expect("an action serialises")
}

/// A stored activity of the year wheel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Activity {
    pub id: Uuid,
    pub org_id: Uuid,
    #[serde(flatten)]
    pub data: ActivityInput,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct ActivityRow {
    id: Uuid,
    org_id: Uuid,
    title: String,
    month: i32,
    day: Option<i32>,
    recurrence: String,
    year: Option<i32>,
    responsible: String,
    concerns: String,
    note: String,
    updated_at: DateTime<Utc>,
}

impl ActivityRow {
    fn parse(self) -> Result<Activity> {
        Ok(Activity {
            id: self.id,
            org_id: self.org_id,
            data: ActivityInput {
                title: self.title,
                month: self.month.clamp(1, 12) as u32,
                day: self.day.map(|d| d.clamp(1, 31) as u32),
                recurrence: code::<Recurrence>(&self.recurrence)?,
                year: self.year,
                responsible: self.responsible,
                concerns: code::<Concerns>(&self.concerns)?,
                note: self.note,
            },
            updated_at: self.updated_at,
        })
    }
}

const ACTIVITY_COLUMNS: &str =
    "SELECT id, org_id, title, month, day, recurrence, year, responsible, concerns, note, updated_at FROM activities";

fn activity_json(a: &ActivityInput) -> String {
    serde_json::to_string(a).expect("an activity serialises")
}

impl Store {
    /// Actions of the organisations in `scope`, by end date (undated last), then title.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_actions(&self, scope: &OrgScope) -> Result<Vec<Action>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        let rows: Vec<ActionRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{ACTION_COLUMNS} WHERE"));
            push_scope!(q, "org_id", scope);
            q.push(" ORDER BY CASE WHEN end_date IS NULL THEN 1 ELSE 0 END, end_date, title");
            q.build_query_as::<ActionRow>().fetch_all(p).await?
        });
        rows.into_iter().map(ActionRow::parse).collect()
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_action(&self, id: Uuid) -> Result<Option<Action>> {
        Ok(with_pool!(self, |p| fetch_action!(p, id)))
    }

    /// Actions that came from one of these origins (`origin_ref` values).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn actions_from(&self, origin: Origin, refs: &[String]) -> Result<Vec<Action>> {
        if refs.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<ActionRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{ACTION_COLUMNS} WHERE origin = "));
            q.push_bind(origin.code());
            q.push(" AND origin_ref IN (");
            let mut sep = q.separated(", ");
            for r in refs {
                sep.push_bind(r.as_str());
            }
            q.push(")");
            q.build_query_as::<ActionRow>().fetch_all(p).await?
        });
        rows.into_iter().map(ActionRow::parse).collect()
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %org_id))]
    pub async fn insert_action(&self, actor: &Actor, org_id: Uuid, data: ActionInput) -> Result<Action> {
        let now = domain::now();
        let a = Action {
            id: Uuid::now_v7(),
            org_id,
            data,
            created_by: actor.label.clone(),
            created_at: now,
            updated_at: now,
        };
        write_tx!(self, |tx, chain| {
            let org: Option<(Uuid,)> =
                sqlx::query_as("SELECT id FROM orgs WHERE id = $1").bind(org_id).fetch_optional(&mut *tx).await?;
            if org.is_none() {
                return Err(StoreError::conflict("org_id", "error-org-unknown"));
            }
            insert_action_row!(tx, a);
            chain.push(now, audit(actor, "action.create", "action", a.id, org_id, None, Some(action_json(&a.data))));
        });
        Ok(a)
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn update_action(&self, actor: &Actor, id: Uuid, data: ActionInput) -> Result<Action> {
        let now = domain::now();
        Ok(write_tx!(self, |tx, chain| {
            let before = fetch_action!(&mut *tx, id).ok_or(StoreError::NotFound)?;
            if before.data == data {
                before
            } else {
                sqlx::query(
                    "UPDATE actions SET title = $1, goal = $2, activity = $3, cost = $4, responsible = $5, start_date = $6, \
                     end_date = $7, status = $8, progress_note = $9, origin = $10, origin_ref = $11, updated_at = $12 WHERE id = $13",
                )
                .bind(&data.title).bind(&data.goal).bind(&data.activity).bind(data.cost).bind(&data.responsible)
                .bind(data.start_date).bind(data.end_date).bind(data.status.code()).bind(&data.progress_note)
                .bind(data.origin.code()).bind(&data.origin_ref).bind(now).bind(id)
                .execute(&mut *tx).await?;
                chain.push(
                    now,
                    audit(
                        actor,
                        "action.update",
                        "action",
                        id,
                        before.org_id,
                        Some(action_json(&before.data)),
                        Some(action_json(&data)),
                    ),
                );
                Action { data, updated_at: now, ..before }
            }
        }))
    }

    // ----- The year wheel -----

    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_activities(&self, scope: &OrgScope) -> Result<Vec<Activity>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        let rows: Vec<ActivityRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{ACTIVITY_COLUMNS} WHERE"));
            push_scope!(q, "org_id", scope);
            q.push(" ORDER BY month, day, title");
            q.build_query_as::<ActivityRow>().fetch_all(p).await?
        });
        rows.into_iter().map(ActivityRow::parse).collect()
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_activity(&self, id: Uuid) -> Result<Option<Activity>> {
        let row: Option<ActivityRow> = with_pool!(self, |p| {
            sqlx::query_as::<_, ActivityRow>(sqlx::AssertSqlSafe(format!("{ACTIVITY_COLUMNS} WHERE id = $1")))
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        row.map(ActivityRow::parse).transpose()
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %org_id))]
    pub async fn insert_activity(&self, actor: &Actor, org_id: Uuid, data: ActivityInput) -> Result<Activity> {
        let now = domain::now();
        let a = Activity { id: Uuid::now_v7(), org_id, data, updated_at: now };
        write_tx!(self, |tx, chain| {
            sqlx::query(
                "INSERT INTO activities (id, org_id, title, month, day, recurrence, year, responsible, concerns, note, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
            )
            .bind(a.id).bind(org_id).bind(&a.data.title).bind(a.data.month as i32).bind(a.data.day.map(|d| d as i32))
            .bind(a.data.recurrence.code()).bind(a.data.year).bind(&a.data.responsible).bind(a.data.concerns.code())
            .bind(&a.data.note).bind(now)
            .execute(&mut *tx).await?;
            chain.push(
                now,
                audit(actor, "activity.create", "activity", a.id, org_id, None, Some(activity_json(&a.data))),
            );
        });
        Ok(a)
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn update_activity(&self, actor: &Actor, id: Uuid, data: ActivityInput) -> Result<Activity> {
        let now = domain::now();
        let before = self.find_activity(id).await?.ok_or(StoreError::NotFound)?;
        write_tx!(self, |tx, chain| {
            let n = sqlx::query(
                "UPDATE activities SET title = $1, month = $2, day = $3, recurrence = $4, year = $5, responsible = $6, \
                 concerns = $7, note = $8, updated_at = $9 WHERE id = $10",
            )
            .bind(&data.title)
            .bind(data.month as i32)
            .bind(data.day.map(|d| d as i32))
            .bind(data.recurrence.code())
            .bind(data.year)
            .bind(&data.responsible)
            .bind(data.concerns.code())
            .bind(&data.note)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            chain.push(
                now,
                audit(
                    actor,
                    "activity.update",
                    "activity",
                    id,
                    before.org_id,
                    Some(activity_json(&before.data)),
                    Some(activity_json(&data)),
                ),
            );
        });
        Ok(Activity { data, updated_at: now, ..before })
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn delete_activity(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let now = domain::now();
        let before = self.find_activity(id).await?.ok_or(StoreError::NotFound)?;
        write_tx!(self, |tx, chain| {
            sqlx::query("DELETE FROM activities WHERE id = $1").bind(id).execute(&mut *tx).await?;
            chain.push(
                now,
                audit(actor, "activity.delete", "activity", id, before.org_id, Some(activity_json(&before.data)), None),
            );
        });
        Ok(())
    }

    // ----- Calendar feed tokens -----

    /// Issues a new calendar token for a user, revoking any earlier one.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, user_id = %user_id))]
    pub async fn renew_calendar_token(&self, actor: &Actor, user_id: Uuid, token_hash: &str) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            sqlx::query("UPDATE calendar_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(now)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO calendar_tokens (id, user_id, token_hash, created_at) VALUES ($1, $2, $3, $4)")
                .bind(Uuid::now_v7())
                .bind(user_id)
                .bind(token_hash)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            chain.push(
                now,
                Change {
                    actor_id: actor.id,
                    actor: actor.label.clone(),
                    action: "calendar.token_issue".into(),
                    record_type: "user".into(),
                    record_id: user_id.to_string(),
                    org_id: None,
                    before: None,
                    after: None,
                },
            );
        });
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, user_id = %user_id))]
    pub async fn revoke_calendar_token(&self, actor: &Actor, user_id: Uuid) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let n = sqlx::query("UPDATE calendar_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(now)
                .bind(user_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if n > 0 {
                chain.push(
                    now,
                    Change {
                        actor_id: actor.id,
                        actor: actor.label.clone(),
                        action: "calendar.token_revoke".into(),
                        record_type: "user".into(),
                        record_id: user_id.to_string(),
                        org_id: None,
                        before: None,
                        after: None,
                    },
                );
            }
        });
        Ok(())
    }

    /// When the user's live calendar token was issued, if they have one.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(user_id = %user_id))]
    pub async fn calendar_token_issued(&self, user_id: Uuid) -> Result<Option<DateTime<Utc>>> {
        let row: Option<(DateTime<Utc>,)> = with_pool!(self, |p| {
            sqlx::query_as("SELECT created_at FROM calendar_tokens WHERE user_id = $1 AND revoked_at IS NULL")
                .bind(user_id)
                .fetch_optional(p)
                .await?
        });
        Ok(row.map(|r| r.0))
    }

    /// The user a live calendar token belongs to.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn calendar_token_user(&self, token_hash: &str) -> Result<Option<Uuid>> {
        let row: Option<(Uuid,)> = with_pool!(self, |p| {
            sqlx::query_as("SELECT user_id FROM calendar_tokens WHERE token_hash = $1 AND revoked_at IS NULL")
                .bind(token_hash)
                .fetch_optional(p)
                .await?
        });
        Ok(row.map(|r| r.0))
    }
}
