//! Training completion (utbildning): courses, counts per unit and course,
//! person-level rows imported from a learning platform (kept only for the
//! owner organisation's retention period) and the settings of that period.

use chrono::{DateTime, NaiveDate, Utc};
use domain::training::{CountInput, CourseInput, DEFAULT_RETENTION_MONTHS, PersonRow, TargetGroup, Topic};
use serde::Serialize;
use sqlx::FromRow;
use uuid::Uuid;

use crate::OrgScope;
use crate::plan::{audit, code};
use crate::scope::push_scope;
use crate::{Actor, Result, Store, StoreError, check_org, with_pool, write_tx};

/// A stored course. It applies to its owner organisation's subtree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Course {
    pub id: Uuid,
    /// The owner: the course applies to this organisation and everything below it.
    pub org_id: Uuid,
    #[serde(flatten)]
    pub data: CourseInput,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct CourseRow {
    id: Uuid,
    org_id: Uuid,
    name: String,
    target_group: String,
    target_description: String,
    validity_years: i32,
    target_pct: i32,
    topic: String,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl CourseRow {
    fn parse(self) -> Result<Course> {
        Ok(Course {
            id: self.id,
            org_id: self.org_id,
            data: CourseInput {
                name: self.name,
                target_group: code::<TargetGroup>(&self.target_group)?,
                target_description: self.target_description,
                validity_years: self.validity_years,
                target_pct: self.target_pct,
                topic: code::<Topic>(&self.topic)?,
            },
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const COURSE_COLUMNS: &str = "SELECT id, org_id, name, target_group, target_description, validity_years, target_pct, \
     topic, created_by, created_at, updated_at FROM training_courses";

/// A count of one unit for one course at a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainingCount {
    pub course_id: Uuid,
    pub org_id: Uuid,
    pub as_of: NaiveDate,
    pub headcount: i64,
    pub completed: i64,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// One unit's person rows for one course at a date: the distinct persons
/// with a completion within validity, and how many rows are completed on or
/// before the date at all (none: the unit reports by counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromRow)]
pub struct PersonTally {
    pub course_id: Uuid,
    pub org_id: Uuid,
    pub valid: i64,
    #[sqlx(rename = "n_rows")]
    pub rows: i64,
}

/// What an import stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Imported {
    /// Rows in the file (repeated rows once).
    pub rows: usize,
    /// Rows not stored before.
    pub new: usize,
}

/// The most courses one read of counts or tallies takes.
pub const MAX_COURSES_AT_ONCE: usize = 1000;

macro_rules! fetch_course {
    ($exec:expr, $id:expr) => {
        sqlx::query_as::<_, CourseRow>(sqlx::AssertSqlSafe(format!("{COURSE_COLUMNS} WHERE id = $1")))
            .bind($id)
            .fetch_optional(&mut *$exec)
            .await?
            .map(CourseRow::parse)
            .transpose()?
    };
}

fn check_ids(ids: &[Uuid]) -> Result<()> {
    if ids.len() > MAX_COURSES_AT_ONCE {
        return Err(StoreError::Other(format!("{} courses at once; at most {MAX_COURSES_AT_ONCE}", ids.len())));
    }
    Ok(())
}

impl Store {
    /// Adds a course owned by `org_id`.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %org_id))]
    pub async fn insert_course(&self, actor: &Actor, org_id: Uuid, data: CourseInput) -> Result<Course> {
        let now = domain::now();
        let id = Uuid::now_v7();
        write_tx!(self, |tx, chain| {
            check_org!(tx, org_id);
            sqlx::query(
                "INSERT INTO training_courses (id, org_id, name, target_group, target_description, validity_years, \
                 target_pct, topic, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
            )
            .bind(id)
            .bind(org_id)
            .bind(&data.name)
            .bind(data.target_group.code())
            .bind(&data.target_description)
            .bind(data.validity_years)
            .bind(data.target_pct)
            .bind(data.topic.code())
            .bind(&actor.label)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let after = serde_json::to_string(&data).unwrap_or_default();
            chain.push(now, audit(actor, "training_course.create", "training_course", id, org_id, None, Some(after)));
        });
        self.find_course(id).await?.ok_or(StoreError::NotFound)
    }

    /// Changes a course (its owner stays).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn update_course(&self, actor: &Actor, id: Uuid, data: CourseInput) -> Result<Course> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let before = fetch_course!(tx, id).ok_or(StoreError::NotFound)?;
            sqlx::query(
                "UPDATE training_courses SET name = $1, target_group = $2, target_description = $3, \
                 validity_years = $4, target_pct = $5, topic = $6, updated_at = $7 WHERE id = $8",
            )
            .bind(&data.name)
            .bind(data.target_group.code())
            .bind(&data.target_description)
            .bind(data.validity_years)
            .bind(data.target_pct)
            .bind(data.topic.code())
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let json = |c: &CourseInput| serde_json::to_string(c).unwrap_or_default();
            chain.push(
                now,
                audit(
                    actor,
                    "training_course.update",
                    "training_course",
                    id,
                    before.org_id,
                    Some(json(&before.data)),
                    Some(json(&data)),
                ),
            );
        });
        self.find_course(id).await?.ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_course(&self, id: Uuid) -> Result<Option<Course>> {
        Ok(with_pool!(self, |p| {
            let mut conn = p.acquire().await?;
            fetch_course!(conn, id)
        }))
    }

    /// The courses owned by organisations in `scope`, by name.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_courses(&self, scope: &OrgScope) -> Result<Vec<Course>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        let rows: Vec<CourseRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{COURSE_COLUMNS} WHERE"));
            push_scope!(q, "org_id", scope);
            q.push(" ORDER BY name, id");
            q.build_query_as::<CourseRow>().fetch_all(p).await?
        });
        rows.into_iter().map(CourseRow::parse).collect()
    }

    /// The courses that apply somewhere in `org`'s subtree: owned by `org`,
    /// an organisation above it or one below it.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(org = %org))]
    pub async fn courses_for_org(&self, org: Uuid) -> Result<Vec<Course>> {
        let rows: Vec<CourseRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{COURSE_COLUMNS} WHERE"));
            push_scope!(q, "org_id", &OrgScope::PathTo(org));
            q.push(" OR");
            push_scope!(q, "org_id", &OrgScope::Subtree(org));
            q.push(" ORDER BY name, id");
            q.build_query_as::<CourseRow>().fetch_all(p).await?
        });
        rows.into_iter().map(CourseRow::parse).collect()
    }

    /// Records a unit's count for a course at a date (replacing a count of
    /// the same date). The unit must be in the course's owner's subtree.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, course = %course_id, org = %org_id))]
    pub async fn record_training_count(
        &self,
        actor: &Actor,
        course_id: Uuid,
        org_id: Uuid,
        c: CountInput,
    ) -> Result<TrainingCount> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let course = fetch_course!(tx, course_id).ok_or(StoreError::NotFound)?;
            check_org!(tx, org_id);
            let below: Option<(Uuid,)> =
                sqlx::query_as("SELECT org_id FROM org_closure WHERE ancestor_id = $1 AND org_id = $2")
                    .bind(course.org_id)
                    .bind(org_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if below.is_none() {
                return Err(StoreError::conflict("org_id", "error-training-org-outside"));
            }
            sqlx::query(
                "INSERT INTO training_counts (course_id, org_id, as_of, headcount, completed, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (course_id, org_id, as_of) DO UPDATE SET \
                 headcount = $4, completed = $5, recorded_by = $6, recorded_at = $7",
            )
            .bind(course_id)
            .bind(org_id)
            .bind(c.as_of)
            .bind(c.headcount)
            .bind(c.completed)
            .bind(&actor.label)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let after = serde_json::json!({ "org_id": org_id, "count": c }).to_string();
            chain.push(
                now,
                audit(actor, "training_course.count", "training_course", course_id, org_id, None, Some(after)),
            );
        });
        Ok(TrainingCount {
            course_id,
            org_id,
            as_of: c.as_of,
            headcount: c.headcount,
            completed: c.completed,
            recorded_by: actor.label.clone(),
            recorded_at: now,
        })
    }

    /// Every count of the courses `courses` (at most 1,000) by units in `scope`.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(courses = courses.len()))]
    pub async fn training_counts(&self, courses: &[Uuid], scope: &OrgScope) -> Result<Vec<TrainingCount>> {
        check_ids(courses)?;
        if courses.is_empty() || scope.is_nothing() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT course_id, org_id, as_of, headcount, completed, recorded_by, recorded_at FROM training_counts \
                 WHERE course_id IN (",
            );
            let mut sep = q.separated(", ");
            for c in courses {
                sep.push_bind(*c);
            }
            q.push(") AND");
            push_scope!(q, "org_id", scope);
            q.push(" ORDER BY course_id, org_id, as_of");
            q.build_query_as::<TrainingCount>().fetch_all(p).await?
        }))
    }

    /// The date of each unit's latest count of the courses `courses` (at most
    /// 1,000) by units in `scope`: (course, unit, date), one row per pair.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(courses = courses.len()))]
    pub async fn latest_training_counts(
        &self,
        courses: &[Uuid],
        scope: &OrgScope,
    ) -> Result<Vec<(Uuid, Uuid, NaiveDate)>> {
        check_ids(courses)?;
        if courses.is_empty() || scope.is_nothing() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT course_id, org_id, MAX(as_of) AS as_of FROM training_counts WHERE course_id IN (",
            );
            let mut sep = q.separated(", ");
            for c in courses {
                sep.push_bind(*c);
            }
            q.push(") AND");
            push_scope!(q, "org_id", scope);
            q.push(" GROUP BY course_id, org_id ORDER BY course_id, org_id");
            q.build_query_as::<(Uuid, Uuid, NaiveDate)>().fetch_all(p).await?
        }))
    }

    /// The person rows of the courses `courses` (at most 1,000) by units in
    /// `scope`, tallied per course and unit on `at`: distinct persons with a
    /// completion within the course's validity (as
    /// [`domain::training::person_tally`]), and rows completed on or before `at`.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(courses = courses.len()))]
    pub async fn person_tallies(&self, courses: &[Uuid], scope: &OrgScope, at: NaiveDate) -> Result<Vec<PersonTally>> {
        check_ids(courses)?;
        if courses.is_empty() || scope.is_nothing() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT r.course_id, r.org_id, COUNT(DISTINCT CASE WHEN r.completed_on >= CASE c.validity_years",
            );
            for years in 1..=10 {
                q.push(format!(" WHEN {years} THEN "));
                q.push_bind(domain::training::valid_since(at, years));
            }
            q.push(
                " END THEN r.person END) AS valid, COUNT(*) AS n_rows FROM training_records r \
                 JOIN training_courses c ON c.id = r.course_id WHERE r.completed_on <= ",
            );
            q.push_bind(at);
            q.push(" AND r.course_id IN (");
            let mut sep = q.separated(", ");
            for c in courses {
                sep.push_bind(*c);
            }
            q.push(") AND");
            push_scope!(q, "r.org_id", scope);
            q.push(" GROUP BY r.course_id, r.org_id");
            q.build_query_as::<PersonTally>().fetch_all(p).await?
        }))
    }

    /// Stores person rows of `org_id` (each course must apply to it), all or
    /// none; rows already stored are kept as they are. The audit log records
    /// how many, never who.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org = %org_id, rows = rows.len()))]
    pub async fn import_training_records(&self, actor: &Actor, org_id: Uuid, rows: &[PersonRow]) -> Result<Imported> {
        let now = domain::now();
        let mut courses: Vec<Uuid> = rows.iter().map(|r| r.course_id).collect();
        courses.sort();
        courses.dedup();
        check_ids(&courses)?;
        let new = write_tx!(self, |tx, chain| {
            check_org!(tx, org_id);
            for c in &courses {
                let applies: Option<(Uuid,)> = sqlx::query_as(
                    "SELECT t.id FROM training_courses t JOIN org_closure oc ON oc.ancestor_id = t.org_id \
                     WHERE t.id = $1 AND oc.org_id = $2",
                )
                .bind(*c)
                .bind(org_id)
                .fetch_optional(&mut *tx)
                .await?;
                if applies.is_none() {
                    return Err(StoreError::conflict("course", "error-training-course-unknown"));
                }
            }
            let mut new = 0u64;
            for chunk in rows.chunks(500) {
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO training_records (id, course_id, org_id, person, completed_on, imported_at) ",
                );
                q.push_values(chunk, |mut b, r| {
                    b.push_bind(Uuid::now_v7())
                        .push_bind(r.course_id)
                        .push_bind(org_id)
                        .push_bind(&r.person)
                        .push_bind(r.completed_on)
                        .push_bind(now);
                });
                q.push(" ON CONFLICT (course_id, org_id, person, completed_on) DO NOTHING");
                new += q.build().execute(&mut *tx).await?.rows_affected();
            }
            let after = serde_json::json!({ "rows": rows.len(), "new": new, "courses": courses }).to_string();
            chain.push(
                now,
                audit(actor, "training_records.import", "training_records", org_id, org_id, None, Some(after)),
            );
            new
        });
        Ok(Imported { rows: rows.len(), new: new as usize })
    }

    /// How many person rows units in `scope` hold, per unit: (org, rows, oldest import).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn training_record_counts(&self, scope: &OrgScope) -> Result<Vec<(Uuid, i64, DateTime<Utc>)>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, |p| {
            let mut q =
                sqlx::QueryBuilder::new("SELECT org_id, COUNT(*), MIN(imported_at) FROM training_records WHERE");
            push_scope!(q, "org_id", scope);
            q.push(" GROUP BY org_id ORDER BY org_id");
            q.build_query_as::<(Uuid, i64, DateTime<Utc>)>().fetch_all(p).await?
        }))
    }

    /// The retention of person rows of courses owned by `org` (months).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(org = %org))]
    pub async fn training_retention(&self, org: Uuid) -> Result<i32> {
        let row: Option<(i32,)> = with_pool!(self, |p| {
            sqlx::query_as("SELECT retention_months FROM training_settings WHERE org_id = $1")
                .bind(org)
                .fetch_optional(p)
                .await?
        });
        Ok(row.map_or(DEFAULT_RETENTION_MONTHS, |(m,)| m))
    }

    /// Sets the retention of person rows of courses owned by `org`.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org = %org))]
    pub async fn set_training_retention(&self, actor: &Actor, org: Uuid, months: i32) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            check_org!(tx, org);
            let before: Option<(i32,)> =
                sqlx::query_as("SELECT retention_months FROM training_settings WHERE org_id = $1")
                    .bind(org)
                    .fetch_optional(&mut *tx)
                    .await?;
            sqlx::query(
                "INSERT INTO training_settings (org_id, retention_months, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (org_id) DO UPDATE SET retention_months = $2, updated_by = $3, updated_at = $4",
            )
            .bind(org)
            .bind(months)
            .bind(&actor.label)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let json = |m: i32| serde_json::json!({ "retention_months": m }).to_string();
            let before = before.map_or(DEFAULT_RETENTION_MONTHS, |(m,)| m);
            chain.push(
                now,
                audit(
                    actor,
                    "training_settings.update",
                    "training_settings",
                    org,
                    org,
                    Some(json(before)),
                    Some(json(months)),
                ),
            );
        });
        Ok(())
    }

    /// Deletes the person rows imported longer ago than their course
    /// owner's retention before `now`; one audit entry per owner with how
    /// many. Returns how many rows went. Writes nothing when none is due.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn purge_training_records(&self, actor: &Actor, now: DateTime<Utc>) -> Result<usize> {
        const RETENTION: &str =
            "COALESCE((SELECT s.retention_months FROM training_settings s WHERE s.org_id = c.org_id), 24)";
        let periods: Vec<(i32,)> = with_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT DISTINCT {RETENTION} FROM training_courses c WHERE EXISTS \
                 (SELECT 1 FROM training_records r WHERE r.course_id = c.id) ORDER BY 1"
            )))
            .fetch_all(p)
            .await?
        });
        let mut total = 0usize;
        for (months,) in periods {
            let cutoff = domain::training::retention_cutoff(now, months);
            let due: Vec<(Uuid, i64)> = with_pool!(self, |p| {
                sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT c.org_id, COUNT(*) FROM training_records r JOIN training_courses c ON c.id = r.course_id \
                     WHERE {RETENTION} = $1 AND r.imported_at < $2 GROUP BY c.org_id ORDER BY c.org_id"
                )))
                .bind(months)
                .bind(cutoff)
                .fetch_all(p)
                .await?
            });
            if due.is_empty() {
                continue;
            }
            let stamp = domain::now();
            let gone = write_tx!(self, |tx, chain| {
                let done = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DELETE FROM training_records WHERE imported_at < $2 AND course_id IN \
                     (SELECT c.id FROM training_courses c WHERE {RETENTION} = $1)"
                )))
                .bind(months)
                .bind(cutoff)
                .execute(&mut *tx)
                .await?;
                for (owner, n) in &due {
                    let after = serde_json::json!({ "rows": n, "retention_months": months }).to_string();
                    chain.push(
                        stamp,
                        audit(actor, "training_records.purge", "training_records", *owner, *owner, None, Some(after)),
                    );
                }
                done.rows_affected() as usize
            });
            total += gone;
        }
        Ok(total)
    }
}
