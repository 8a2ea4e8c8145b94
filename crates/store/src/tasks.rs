//! What waits for someone: the few rows a start page's task list reads. Each
//! source is filtered by status in SQL, limited to the user's scope for the
//! permission that acts on it, and bounded, so the page's cost follows the
//! user's part of the tree and never the installation's size.

use chrono::NaiveDate;
use sqlx::FromRow;
use uuid::Uuid;

use crate::scope::push_scope;
use crate::{OrgScope, Result, Store, with_pool};

/// At most this many rows of each kind: a task list is read, not searched.
pub const TASK_ROWS: i64 = 20;

/// A self-assessment that waits: a draft to finish or a submitted one to approve.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OpenAssessment {
    pub id: Uuid,
    pub org_id: Uuid,
    pub period: i32,
    /// `draft` or `submitted`.
    pub status: String,
}

/// A management review in preparation.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct DraftReview {
    pub id: Uuid,
    pub org_id: Uuid,
    pub year: i32,
    pub meeting_date: Option<NaiveDate>,
}

/// A unit's yearly report as its approver sees it: submitted, not yet approved.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct SubmittedUnitReport {
    pub unit_id: Uuid,
    pub year: i32,
}

impl Store {
    /// Drafts in `manage` and submitted self-assessments in `approve`,
    /// newest period first, at most [`TASK_ROWS`].
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn open_assessments(&self, manage: &OrgScope, approve: &OrgScope) -> Result<Vec<OpenAssessment>> {
        if manage.is_nothing() && approve.is_nothing() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT id, org_id, period, status FROM assessments WHERE (status = 'draft' AND",
            );
            push_scope!(q, "org_id", manage);
            q.push(") OR (status = 'submitted' AND");
            push_scope!(q, "org_id", approve);
            q.push(") ORDER BY period DESC, revision DESC LIMIT ");
            q.push_bind(TASK_ROWS);
            q.build_query_as::<OpenAssessment>().fetch_all(p).await?
        }))
    }

    /// Reviews in preparation in `scope`, newest year first, at most [`TASK_ROWS`].
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn draft_reviews(&self, scope: &OrgScope) -> Result<Vec<DraftReview>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT id, org_id, year, meeting_date FROM reviews WHERE status = 'draft' AND",
            );
            push_scope!(q, "org_id", scope);
            q.push(" ORDER BY year DESC, revision DESC LIMIT ");
            q.push_bind(TASK_ROWS);
            q.build_query_as::<DraftReview>().fetch_all(p).await?
        }))
    }

    /// How many open actions (planned or ongoing) in `scope` ended before
    /// `today`, per organisation.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn overdue_action_counts(&self, scope: &OrgScope, today: NaiveDate) -> Result<Vec<(Uuid, i64)>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT org_id, COUNT(*) FROM actions WHERE status IN ('planned', 'ongoing') \
                 AND end_date IS NOT NULL AND end_date < ",
            );
            q.push_bind(today);
            q.push(" AND");
            push_scope!(q, "org_id", scope);
            q.push(" GROUP BY org_id ORDER BY COUNT(*) DESC LIMIT ");
            q.push_bind(TASK_ROWS);
            q.build_query_as::<(Uuid, i64)>().fetch_all(p).await?
        }))
    }

    /// Units' reports in `scope` submitted and waiting for approval, newest
    /// year first, at most [`TASK_ROWS`].
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn submitted_unit_reports(&self, scope: &OrgScope) -> Result<Vec<SubmittedUnitReport>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, |p| {
            let mut q =
                sqlx::QueryBuilder::new("SELECT unit_id, year FROM unit_reports WHERE status = 'submitted' AND");
            push_scope!(q, "unit_id", scope);
            q.push(" ORDER BY year DESC LIMIT ");
            q.push_bind(TASK_ROWS);
            q.build_query_as::<SubmittedUnitReport>().fetch_all(p).await?
        }))
    }
}
