//! Management reviews (ledningens genomgång), their checklist, and the
//! units' yearly reports.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::plan::Origin;
use domain::review::{DecisionInput, DecisionKind, PointStatus, ReviewStatus, SectionKey, UnitReportStatus};
use serde::Serialize;
use sqlx::FromRow;
use uuid::Uuid;

use crate::OrgScope;
use crate::plan::{Action, action_json, audit, code, insert_action_row};
use crate::scope::push_scope;
use crate::{Actor, Result, Store, StoreError, with_pool, write_tx};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    pub id: Uuid,
    pub org_id: Uuid,
    pub year: i32,
    pub revision: i32,
    pub status: ReviewStatus,
    pub meeting_date: Option<NaiveDate>,
    pub participants: String,
    /// The frozen content (JSON) of an adopted review.
    #[serde(skip)]
    pub snapshot: Option<String>,
    pub content_hash: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub adopted_at: Option<DateTime<Utc>>,
    pub adopted_by: Option<String>,
}

#[derive(FromRow)]
struct ReviewRow {
    id: Uuid,
    org_id: Uuid,
    year: i32,
    revision: i32,
    status: String,
    meeting_date: Option<NaiveDate>,
    participants: String,
    snapshot: Option<String>,
    content_hash: Option<String>,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    adopted_at: Option<DateTime<Utc>>,
    adopted_by: Option<String>,
}

impl ReviewRow {
    fn parse(self) -> Result<Review> {
        Ok(Review {
            id: self.id,
            org_id: self.org_id,
            year: self.year,
            revision: self.revision,
            status: code(&self.status)?,
            meeting_date: self.meeting_date,
            participants: self.participants,
            snapshot: self.snapshot,
            content_hash: self.content_hash,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
            adopted_at: self.adopted_at,
            adopted_by: self.adopted_by,
        })
    }
}

const REVIEW_COLUMNS: &str = "SELECT id, org_id, year, revision, status, meeting_date, participants, snapshot, content_hash, \
     created_by, created_at, updated_at, adopted_at, adopted_by FROM reviews";

macro_rules! fetch_review {
    ($exec:expr, $id:expr) => {
        sqlx::query_as::<_, ReviewRow>(sqlx::AssertSqlSafe(format!("{REVIEW_COLUMNS} WHERE id = $1")))
            .bind($id)
            .fetch_optional($exec)
            .await?
            .map(ReviewRow::parse)
            .transpose()?
    };
}

/// Loads a review for a change inside a transaction: not found, or refused once adopted.
macro_rules! draft_review {
    ($tx:ident, $id:expr) => {{
        let r = fetch_review!(&mut *$tx, $id).ok_or(StoreError::NotFound)?;
        if r.status != ReviewStatus::Draft {
            return Err(StoreError::conflict("status", "error-review-adopted"));
        }
        r
    }};
}

/// A file attached to a section of a review, without its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewFile {
    pub id: Uuid,
    pub review_id: Uuid,
    /// The section's code (`dpo_report`, `risks` …).
    pub section: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

const REVIEW_FILE_COLUMNS: &str =
    "SELECT id, review_id, section, filename, content_type, size, sha256, uploaded_by, uploaded_at FROM review_files";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    pub id: Uuid,
    /// The decision's id in the review's first revision: what actions link to.
    pub root_id: Uuid,
    #[serde(flatten)]
    pub data: DecisionInput,
}

#[derive(FromRow)]
struct DecisionRow {
    id: Uuid,
    root_id: Uuid,
    kind: String,
    text: String,
    responsible: String,
    deadline: NaiveDate,
    document_id: Option<Uuid>,
}

impl DecisionRow {
    fn parse(self) -> Result<Decision> {
        Ok(Decision {
            id: self.id,
            root_id: self.root_id,
            data: DecisionInput {
                kind: code::<DecisionKind>(&self.kind)?,
                text: self.text,
                responsible: self.responsible,
                deadline: self.deadline,
                document_id: self.document_id,
            },
        })
    }
}

/// A point of an organisation's review checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Point {
    pub id: Uuid,
    pub org_id: Uuid,
    pub position: i32,
    pub text: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitReport {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub year: i32,
    pub status: UnitReportStatus,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub approved_by: Option<String>,
    pub approved_at: Option<DateTime<Utc>>,
    /// (point, status, comment)
    pub items: Vec<(Uuid, PointStatus, String)>,
}

#[derive(FromRow)]
struct UnitReportRow {
    id: Uuid,
    unit_id: Uuid,
    year: i32,
    status: String,
    updated_by: String,
    updated_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    approved_by: Option<String>,
    approved_at: Option<DateTime<Utc>>,
}

/// (report, point, status, comment)
type ItemRow = (Uuid, Uuid, String, String);

const UNIT_REPORT_COLUMNS: &str = "SELECT id, unit_id, year, status, updated_by, updated_at, submitted_at, approved_by, \
     approved_at FROM unit_reports";

fn review_json(r: &Review) -> String {
    serde_json::json!({
        "year": r.year, "revision": r.revision, "status": r.status.code(),
        "meeting_date": r.meeting_date, "participants": r.participants, "content_hash": r.content_hash,
    })
    .to_string()
}

fn report_json(r: &UnitReport) -> String {
    let items: BTreeMap<String, serde_json::Value> = r
        .items
        .iter()
        .map(|(p, s, c)| (p.to_string(), serde_json::json!({"status": s.code(), "comment": c})))
        .collect();
    serde_json::json!({"year": r.year, "status": r.status.code(), "items": items}).to_string()
}

impl Store {
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_reviews(&self, scope: &OrgScope) -> Result<Vec<Review>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        let rows: Vec<ReviewRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{REVIEW_COLUMNS} WHERE"));
            push_scope!(q, "org_id", scope);
            q.push(" ORDER BY year DESC, revision DESC");
            q.build_query_as::<ReviewRow>().fetch_all(p).await?
        });
        rows.into_iter().map(ReviewRow::parse).collect()
    }

    /// The reviews of `year` of these organisations (every revision), in one statement.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(year = year))]
    pub async fn reviews_of_year(&self, orgs: &[Uuid], year: i32) -> Result<Vec<Review>> {
        if orgs.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<ReviewRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{REVIEW_COLUMNS} WHERE year = "));
            q.push_bind(year);
            q.push(" AND org_id IN (");
            let mut sep = q.separated(", ");
            for o in orgs {
                sep.push_bind(*o);
            }
            q.push(") ORDER BY revision DESC");
            q.build_query_as::<ReviewRow>().fetch_all(p).await?
        });
        rows.into_iter().map(ReviewRow::parse).collect()
    }

    /// The decisions of these reviews, with the review each belongs to, in one statement.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn decisions_of(&self, reviews: &[Uuid]) -> Result<Vec<(Uuid, Decision)>> {
        if reviews.is_empty() {
            return Ok(Vec::new());
        }
        #[derive(FromRow)]
        struct Row {
            review_id: Uuid,
            #[sqlx(flatten)]
            row: DecisionRow,
        }
        let rows: Vec<Row> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT review_id, id, root_id, kind, text, responsible, deadline, document_id FROM review_decisions \
                 WHERE review_id IN (",
            );
            let mut sep = q.separated(", ");
            for r in reviews {
                sep.push_bind(*r);
            }
            q.push(") ORDER BY position, id");
            q.build_query_as::<Row>().fetch_all(p).await?
        });
        rows.into_iter().map(|r| Ok((r.review_id, r.row.parse()?))).collect()
    }

    /// The checklist points of these organisations, in order, in one statement.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn points_of(&self, orgs: &[Uuid]) -> Result<Vec<Point>> {
        if orgs.is_empty() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT id, org_id, position, text, active FROM review_points WHERE org_id IN (",
            );
            let mut sep = q.separated(", ");
            for o in orgs {
                sep.push_bind(*o);
            }
            q.push(") ORDER BY position");
            q.build_query_as::<Point>().fetch_all(p).await?
        }))
    }

    /// Attaches a file to a section of a draft review (refused once adopted).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, review_id = %review_id))]
    pub async fn insert_review_file(
        &self,
        actor: &Actor,
        review_id: Uuid,
        section: SectionKey,
        filename: &str,
        content_type: &str,
        content: &[u8],
    ) -> Result<ReviewFile> {
        let now = domain::now();
        let file = ReviewFile {
            id: Uuid::now_v7(),
            review_id,
            section: section.code().to_owned(),
            filename: filename.to_owned(),
            content_type: content_type.to_owned(),
            size: content.len() as i64,
            sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(content)),
            uploaded_by: actor.label.clone(),
            uploaded_at: now,
        };
        write_tx!(self, |tx, chain| {
            let r = draft_review!(tx, review_id);
            sqlx::query(
                "INSERT INTO review_files (id, review_id, section, filename, content_type, size, sha256, content, \
                 uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(file.id)
            .bind(review_id)
            .bind(&file.section)
            .bind(&file.filename)
            .bind(&file.content_type)
            .bind(file.size)
            .bind(&file.sha256)
            .bind(content)
            .bind(&file.uploaded_by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE reviews SET updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(review_id)
                .execute(&mut *tx)
                .await?;
            let after = serde_json::json!({"section": file.section, "file": file.filename, "size": file.size, "sha256": file.sha256});
            chain.push(now, audit(actor, "review.file", "review", review_id, r.org_id, None, Some(after.to_string())));
        });
        Ok(file)
    }

    /// The files of a review, in the order they were attached.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(review_id = %review_id))]
    pub async fn review_files(&self, review_id: Uuid) -> Result<Vec<ReviewFile>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, ReviewFile>(sqlx::AssertSqlSafe(format!(
                "{REVIEW_FILE_COLUMNS} WHERE review_id = $1 ORDER BY uploaded_at, id"
            )))
            .bind(review_id)
            .fetch_all(p)
            .await?
        }))
    }

    /// One file of a review with its content.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn review_file(&self, id: Uuid) -> Result<Option<(ReviewFile, Vec<u8>)>> {
        let meta: Option<ReviewFile> = with_pool!(self, |p| {
            sqlx::query_as::<_, ReviewFile>(sqlx::AssertSqlSafe(format!("{REVIEW_FILE_COLUMNS} WHERE id = $1")))
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        let Some(meta) = meta else { return Ok(None) };
        let (content,): (Vec<u8>,) = with_pool!(self, |p| {
            sqlx::query_as("SELECT content FROM review_files WHERE id = $1").bind(id).fetch_one(p).await?
        });
        Ok(Some((meta, content)))
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_review(&self, id: Uuid) -> Result<Option<Review>> {
        Ok(with_pool!(self, |p| fetch_review!(p, id)))
    }

    /// A review with the data's version: the audit head's sequence number,
    /// which every audited write moves in its own transaction, so a value
    /// derived from the stored data at one version is right for as long as
    /// that version is current, in this process and in any other.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_review_versioned(&self, id: Uuid) -> Result<Option<(Review, i64)>> {
        #[derive(FromRow)]
        struct Row {
            #[sqlx(flatten)]
            row: ReviewRow,
            data_version: i64,
        }
        let row: Option<Row> = with_pool!(self, |p| {
            sqlx::query_as::<_, Row>(
                "SELECT id, org_id, year, revision, status, meeting_date, participants, snapshot, content_hash, \
                 created_by, created_at, updated_at, adopted_at, adopted_by, \
                 (SELECT seq FROM audit_head WHERE audit_head.id = 1) AS data_version FROM reviews WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(p)
            .await?
        });
        row.map(|r| Ok((r.row.parse()?, r.data_version))).transpose()
    }

    /// Starts the review of an organisation's year (refused if one exists).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %org_id))]
    pub async fn insert_review(&self, actor: &Actor, org_id: Uuid, year: i32) -> Result<Review> {
        let now = domain::now();
        let r = Review {
            id: Uuid::now_v7(),
            org_id,
            year,
            revision: 1,
            status: ReviewStatus::Draft,
            meeting_date: None,
            participants: String::new(),
            snapshot: None,
            content_hash: None,
            created_by: actor.label.clone(),
            created_at: now,
            updated_at: now,
            adopted_at: None,
            adopted_by: None,
        };
        write_tx!(self, |tx, chain| {
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM reviews WHERE org_id = $1 AND year = $2")
                .bind(org_id)
                .bind(year)
                .fetch_one(&mut *tx)
                .await?;
            if n > 0 {
                return Err(StoreError::conflict("year", "error-review-exists"));
            }
            sqlx::query(
                "INSERT INTO reviews (id, org_id, year, revision, status, participants, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, 1, $4, '', $5, $6, $6)",
            )
            .bind(r.id).bind(org_id).bind(year).bind(r.status.code()).bind(&r.created_by).bind(now)
            .execute(&mut *tx).await?;
            chain.push(now, audit(actor, "review.create", "review", r.id, org_id, None, Some(review_json(&r))));
        });
        Ok(r)
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn update_review_meeting(
        &self,
        actor: &Actor,
        id: Uuid,
        meeting_date: Option<NaiveDate>,
        participants: &str,
    ) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let before = draft_review!(tx, id);
            sqlx::query("UPDATE reviews SET meeting_date = $1, participants = $2, updated_at = $3 WHERE id = $4")
                .bind(meeting_date)
                .bind(participants)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let after = Review { meeting_date, participants: participants.to_owned(), ..before.clone() };
            chain.push(
                now,
                audit(
                    actor,
                    "review.meeting",
                    "review",
                    id,
                    before.org_id,
                    Some(review_json(&before)),
                    Some(review_json(&after)),
                ),
            );
        });
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn review_comments(&self, id: Uuid) -> Result<BTreeMap<String, String>> {
        let rows: Vec<(String, String)> = with_pool!(self, |p| {
            sqlx::query_as("SELECT section, text FROM review_comments WHERE review_id = $1")
                .bind(id)
                .fetch_all(p)
                .await?
        });
        Ok(rows.into_iter().collect())
    }

    /// Sets (or, with empty text, clears) the CISO's comment on a section.
    pub async fn set_review_comment(&self, actor: &Actor, id: Uuid, section: SectionKey, text: &str) -> Result<()> {
        self.set_review_comments(actor, id, &[(section, text.to_owned())]).await
    }

    /// Sets (or, with empty text, clears) the CISO's comments on several
    /// sections at once, in one transaction: the page saves all its comments
    /// together, so text typed in one section is never lost by saving
    /// another. A section whose text is unchanged is not written or audited.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id, n = comments.len()))]
    pub async fn set_review_comments(&self, actor: &Actor, id: Uuid, comments: &[(SectionKey, String)]) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let r = draft_review!(tx, id);
            let mut changed = false;
            for (section, text) in comments {
                let before: Option<(String,)> =
                    sqlx::query_as("SELECT text FROM review_comments WHERE review_id = $1 AND section = $2")
                        .bind(id)
                        .bind(section.code())
                        .fetch_optional(&mut *tx)
                        .await?;
                let before = before.map(|b| b.0);
                if before.as_deref().unwrap_or("") == text {
                    continue;
                }
                changed = true;
                if text.is_empty() {
                    sqlx::query("DELETE FROM review_comments WHERE review_id = $1 AND section = $2")
                        .bind(id)
                        .bind(section.code())
                        .execute(&mut *tx)
                        .await?;
                } else {
                    sqlx::query(
                        "INSERT INTO review_comments (review_id, section, text) VALUES ($1, $2, $3) \
                         ON CONFLICT (review_id, section) DO UPDATE SET text = $3",
                    )
                    .bind(id)
                    .bind(section.code())
                    .bind(text)
                    .execute(&mut *tx)
                    .await?;
                }
                let j =
                    |t: Option<&str>| t.map(|t| serde_json::json!({"section": section.code(), "text": t}).to_string());
                chain.push(
                    now,
                    audit(
                        actor,
                        "review.comment",
                        "review",
                        id,
                        r.org_id,
                        j(before.as_deref()),
                        j(Some(text.as_str()).filter(|t| !t.is_empty())),
                    ),
                );
            }
            if changed {
                sqlx::query("UPDATE reviews SET updated_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
        });
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn review_decisions(&self, id: Uuid) -> Result<Vec<Decision>> {
        let rows: Vec<DecisionRow> = with_pool!(self, |p| {
            sqlx::query_as::<_, DecisionRow>(
                "SELECT id, root_id, kind, text, responsible, deadline, document_id FROM review_decisions WHERE review_id = $1 ORDER BY position, id",
            )
            .bind(id).fetch_all(p).await?
        });
        rows.into_iter().map(DecisionRow::parse).collect()
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, review_id = %review_id))]
    pub async fn add_decision(&self, actor: &Actor, review_id: Uuid, data: DecisionInput) -> Result<Decision> {
        let now = domain::now();
        let id = Uuid::now_v7();
        write_tx!(self, |tx, chain| {
            let r = draft_review!(tx, review_id);
            let (pos,): (Option<i32>,) =
                sqlx::query_as("SELECT MAX(position) FROM review_decisions WHERE review_id = $1")
                    .bind(review_id)
                    .fetch_one(&mut *tx)
                    .await?;
            sqlx::query(
                "INSERT INTO review_decisions (id, review_id, root_id, position, kind, text, responsible, deadline, document_id) \
                 VALUES ($1, $2, $1, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(review_id)
            .bind(pos.unwrap_or(0) + 1)
            .bind(data.kind.code())
            .bind(&data.text)
            .bind(&data.responsible)
            .bind(data.deadline)
            .bind(data.document_id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("UPDATE reviews SET updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(review_id)
                .execute(&mut *tx)
                .await?;
            chain.push(
                now,
                audit(
                    actor,
                    "review.decision_add",
                    "review",
                    review_id,
                    r.org_id,
                    None,
                    Some(serde_json::to_string(&data).unwrap_or_default()),
                ),
            );
        });
        Ok(Decision { id, root_id: id, data })
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, review_id = %review_id, decision_id = %decision_id))]
    pub async fn delete_decision(&self, actor: &Actor, review_id: Uuid, decision_id: Uuid) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let r = draft_review!(tx, review_id);
            let row: Option<DecisionRow> = sqlx::query_as::<_, DecisionRow>(
                "SELECT id, root_id, kind, text, responsible, deadline, document_id FROM review_decisions WHERE id = $1 AND review_id = $2",
            )
            .bind(decision_id).bind(review_id).fetch_optional(&mut *tx).await?;
            let d = row.ok_or(StoreError::NotFound)?.parse()?;
            sqlx::query("DELETE FROM review_decisions WHERE id = $1").bind(decision_id).execute(&mut *tx).await?;
            sqlx::query("UPDATE reviews SET updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(review_id)
                .execute(&mut *tx)
                .await?;
            chain.push(
                now,
                audit(
                    actor,
                    "review.decision_delete",
                    "review",
                    review_id,
                    r.org_id,
                    Some(serde_json::to_string(&d.data).unwrap_or_default()),
                    None,
                ),
            );
        });
        Ok(())
    }

    /// Adopts a draft review: freezes `snapshot` (compiled from the review as
    /// last changed at `seen`) with its hash, and turns each improvement
    /// decision that has no action yet into an action of the organisation.
    /// Refused if the review changed since it was compiled.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn adopt_review(
        &self,
        actor: &Actor,
        id: Uuid,
        seen: DateTime<Utc>,
        snapshot: &str,
        content_hash: &str,
    ) -> Result<Vec<Action>> {
        let now = domain::now();
        Ok(write_tx!(self, |tx, chain| {
            let before = draft_review!(tx, id);
            if before.updated_at != seen {
                return Err(StoreError::conflict("review", "error-review-changed"));
            }
            let rows: Vec<DecisionRow> = sqlx::query_as::<_, DecisionRow>(
                "SELECT id, root_id, kind, text, responsible, deadline, document_id FROM review_decisions WHERE review_id = $1 ORDER BY position, id",
            )
            .bind(id).fetch_all(&mut *tx).await?;
            let mut made = Vec::new();
            for d in rows {
                let d = d.parse()?;
                let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM actions WHERE origin = $1 AND origin_ref = $2")
                    .bind(Origin::Review.code())
                    .bind(d.root_id.to_string())
                    .fetch_one(&mut *tx)
                    .await?;
                let Some(data) = domain::review::action_for_decision(&d.data, d.root_id, n > 0, now.date_naive())
                else {
                    continue;
                };
                let a = Action {
                    id: Uuid::now_v7(),
                    org_id: before.org_id,
                    data,
                    created_by: actor.label.clone(),
                    created_at: now,
                    updated_at: now,
                };
                insert_action_row!(tx, a);
                chain.push(
                    now,
                    audit(actor, "action.create", "action", a.id, a.org_id, None, Some(action_json(&a.data))),
                );
                made.push(a);
            }
            sqlx::query(
                "UPDATE reviews SET status = $1, snapshot = $2, content_hash = $3, adopted_at = $4, adopted_by = $5, updated_at = $4 WHERE id = $6",
            )
            .bind(ReviewStatus::Adopted.code()).bind(snapshot).bind(content_hash).bind(now).bind(&actor.label).bind(id)
            .execute(&mut *tx).await?;
            let after = Review {
                status: ReviewStatus::Adopted,
                content_hash: Some(content_hash.to_owned()),
                adopted_at: Some(now),
                adopted_by: Some(actor.label.clone()),
                ..before.clone()
            };
            chain.push(
                now,
                audit(
                    actor,
                    "review.adopt",
                    "review",
                    id,
                    before.org_id,
                    Some(review_json(&before)),
                    Some(review_json(&after)),
                ),
            );
            made
        }))
    }

    /// Starts a new draft revision of an adopted review, with its meeting,
    /// comments and decisions; the adopted one stays as it is.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn revise_review(&self, actor: &Actor, id: Uuid) -> Result<Review> {
        let now = domain::now();
        Ok(write_tx!(self, |tx, chain| {
            let old = fetch_review!(&mut *tx, id).ok_or(StoreError::NotFound)?;
            if old.status != ReviewStatus::Adopted {
                return Err(StoreError::conflict("status", "error-review-not-adopted"));
            }
            let (latest,): (i32,) = sqlx::query_as("SELECT MAX(revision) FROM reviews WHERE org_id = $1 AND year = $2")
                .bind(old.org_id)
                .bind(old.year)
                .fetch_one(&mut *tx)
                .await?;
            if latest != old.revision {
                return Err(StoreError::conflict("revision", "error-review-not-latest"));
            }
            let new = Review {
                id: Uuid::now_v7(),
                revision: old.revision + 1,
                status: ReviewStatus::Draft,
                snapshot: None,
                content_hash: None,
                created_by: actor.label.clone(),
                created_at: now,
                updated_at: now,
                adopted_at: None,
                adopted_by: None,
                ..old.clone()
            };
            sqlx::query(
                "INSERT INTO reviews (id, org_id, year, revision, status, meeting_date, participants, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
            )
            .bind(new.id).bind(new.org_id).bind(new.year).bind(new.revision).bind(new.status.code())
            .bind(new.meeting_date).bind(&new.participants).bind(&new.created_by).bind(now)
            .execute(&mut *tx).await?;
            sqlx::query("INSERT INTO review_comments (review_id, section, text) SELECT $1, section, text FROM review_comments WHERE review_id = $2")
                .bind(new.id).bind(old.id).execute(&mut *tx).await?;
            let files: Vec<(Uuid,)> =
                sqlx::query_as("SELECT id FROM review_files WHERE review_id = $1 ORDER BY uploaded_at, id")
                    .bind(old.id)
                    .fetch_all(&mut *tx)
                    .await?;
            for (f,) in files {
                sqlx::query(
                    "INSERT INTO review_files (id, review_id, section, filename, content_type, size, sha256, content, uploaded_by, uploaded_at) \
                     SELECT $1, $2, section, filename, content_type, size, sha256, content, uploaded_by, uploaded_at FROM review_files WHERE id = $3",
                )
                .bind(Uuid::now_v7()).bind(new.id).bind(f).execute(&mut *tx).await?;
            }
            let decisions: Vec<DecisionRow> = sqlx::query_as::<_, DecisionRow>(
                "SELECT id, root_id, kind, text, responsible, deadline, document_id FROM review_decisions WHERE review_id = $1 ORDER BY position, id",
            )
            .bind(old.id).fetch_all(&mut *tx).await?;
            for (i, d) in decisions.into_iter().enumerate() {
                sqlx::query(
                    "INSERT INTO review_decisions (id, review_id, root_id, position, kind, text, responsible, deadline, document_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(Uuid::now_v7()).bind(new.id).bind(d.root_id).bind(i as i32 + 1).bind(&d.kind).bind(&d.text)
                .bind(&d.responsible).bind(d.deadline).bind(d.document_id)
                .execute(&mut *tx).await?;
            }
            chain.push(
                now,
                audit(
                    actor,
                    "review.revise",
                    "review",
                    new.id,
                    new.org_id,
                    Some(review_json(&old)),
                    Some(review_json(&new)),
                ),
            );
            new
        }))
    }

    // ----- The checklist -----

    /// The organisation's checklist points in order (inactive ones too).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(org_id = %org_id))]
    pub async fn list_points(&self, org_id: Uuid) -> Result<Vec<Point>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, Point>(
                "SELECT id, org_id, position, text, active FROM review_points WHERE org_id = $1 ORDER BY position",
            )
            .bind(org_id)
            .fetch_all(p)
            .await?
        }))
    }

    /// Gives an organisation the default checklist if it has none yet.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %org_id))]
    pub async fn ensure_points(&self, actor: &Actor, org_id: Uuid, defaults: &[String]) -> Result<Vec<Point>> {
        // The common case reads only; the write transaction (which checks again) is for the first time.
        let points = self.list_points(org_id).await?;
        if !points.is_empty() {
            return Ok(points);
        }
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM review_points WHERE org_id = $1")
                .bind(org_id)
                .fetch_one(&mut *tx)
                .await?;
            if n == 0 {
                for (i, text) in defaults.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO review_points (id, org_id, position, text, active) VALUES ($1, $2, $3, $4, TRUE)",
                    )
                    .bind(Uuid::now_v7())
                    .bind(org_id)
                    .bind(i as i32 + 1)
                    .bind(text)
                    .execute(&mut *tx)
                    .await?;
                }
                chain.push(
                    now,
                    audit(
                        actor,
                        "checklist.create",
                        "org",
                        org_id,
                        org_id,
                        None,
                        Some(serde_json::json!({"points": defaults}).to_string()),
                    ),
                );
            }
        });
        self.list_points(org_id).await
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %org_id))]
    pub async fn add_point(&self, actor: &Actor, org_id: Uuid, text: &str) -> Result<Point> {
        let now = domain::now();
        let id = Uuid::now_v7();
        let pos = write_tx!(self, |tx, chain| {
            let (pos,): (Option<i32>,) = sqlx::query_as("SELECT MAX(position) FROM review_points WHERE org_id = $1")
                .bind(org_id)
                .fetch_one(&mut *tx)
                .await?;
            let pos = pos.unwrap_or(0) + 1;
            sqlx::query("INSERT INTO review_points (id, org_id, position, text, active) VALUES ($1, $2, $3, $4, TRUE)")
                .bind(id)
                .bind(org_id)
                .bind(pos)
                .bind(text)
                .execute(&mut *tx)
                .await?;
            chain.push(
                now,
                audit(
                    actor,
                    "checklist.add",
                    "org",
                    org_id,
                    org_id,
                    None,
                    Some(serde_json::json!({"point": text}).to_string()),
                ),
            );
            pos
        });
        Ok(Point { id, org_id, position: pos, text: text.to_owned(), active: true })
    }

    /// Renames a point or takes it out of (or back into) use.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %org_id, id = %id))]
    pub async fn update_point(&self, actor: &Actor, org_id: Uuid, id: Uuid, text: &str, active: bool) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let before: Option<Point> = sqlx::query_as::<_, Point>(
                "SELECT id, org_id, position, text, active FROM review_points WHERE id = $1 AND org_id = $2",
            )
            .bind(id)
            .bind(org_id)
            .fetch_optional(&mut *tx)
            .await?;
            let before = before.ok_or(StoreError::NotFound)?;
            sqlx::query("UPDATE review_points SET text = $1, active = $2 WHERE id = $3")
                .bind(text)
                .bind(active)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            chain.push(
                now,
                audit(
                    actor,
                    "checklist.update",
                    "org",
                    org_id,
                    org_id,
                    Some(serde_json::json!({"point": before.text, "active": before.active}).to_string()),
                    Some(serde_json::json!({"point": text, "active": active}).to_string()),
                ),
            );
        });
        Ok(())
    }

    // ----- Unit reports -----

    /// The reports of these units for a year.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn unit_reports(&self, unit_ids: &[Uuid], year: i32) -> Result<Vec<UnitReport>> {
        if unit_ids.is_empty() {
            return Ok(Vec::new());
        }
        let (rows, items): (Vec<UnitReportRow>, Vec<ItemRow>) = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{UNIT_REPORT_COLUMNS} WHERE year = "));
            q.push_bind(year);
            q.push(" AND unit_id IN (");
            let mut sep = q.separated(", ");
            for id in unit_ids {
                sep.push_bind(*id);
            }
            q.push(")");
            let rows = q.build_query_as::<UnitReportRow>().fetch_all(p).await?;
            let mut q = sqlx::QueryBuilder::new(
                "SELECT i.report_id, i.point_id, i.status, i.comment FROM unit_report_items i \
                 JOIN unit_reports r ON r.id = i.report_id WHERE r.year = ",
            );
            q.push_bind(year);
            q.push(" AND r.unit_id IN (");
            let mut sep = q.separated(", ");
            for id in unit_ids {
                sep.push_bind(*id);
            }
            q.push(")");
            let items = q.build_query_as::<ItemRow>().fetch_all(p).await?;
            (rows, items)
        });
        rows.into_iter()
            .map(|r| {
                let mut its = Vec::new();
                for (rid, pid, st, c) in items.iter() {
                    if *rid == r.id {
                        its.push((*pid, code::<PointStatus>(st)?, c.clone()));
                    }
                }
                Ok(UnitReport {
                    id: r.id,
                    unit_id: r.unit_id,
                    year: r.year,
                    status: code(&r.status)?,
                    updated_by: r.updated_by,
                    updated_at: r.updated_at,
                    submitted_at: r.submitted_at,
                    approved_by: r.approved_by,
                    approved_at: r.approved_at,
                    items: its,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(unit_id = %unit_id))]
    pub async fn unit_report(&self, unit_id: Uuid, year: i32) -> Result<Option<UnitReport>> {
        Ok(self.unit_reports(&[unit_id], year).await?.into_iter().next())
    }

    /// Saves a unit's report (creating it), optionally submitting it; refused
    /// once approved. `points` are the organisation's valid point ids.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, unit_id = %unit_id))]
    pub async fn save_unit_report(
        &self,
        actor: &Actor,
        unit_id: Uuid,
        year: i32,
        items: Vec<(Uuid, PointStatus, String)>,
        submit: bool,
    ) -> Result<UnitReport> {
        let now = domain::now();
        let before = self.unit_report(unit_id, year).await?;
        write_tx!(self, |tx, chain| {
            let current: Option<(Uuid, String)> =
                sqlx::query_as("SELECT id, status FROM unit_reports WHERE unit_id = $1 AND year = $2")
                    .bind(unit_id)
                    .bind(year)
                    .fetch_optional(&mut *tx)
                    .await?;
            // Saving without submitting takes a submitted report back to a draft: the owner
            // approves only what was submitted whole.
            let status = if submit { UnitReportStatus::Submitted } else { UnitReportStatus::Draft };
            let id = match current {
                Some((_, s)) if s == UnitReportStatus::Approved.code() => {
                    return Err(StoreError::conflict("status", "error-unit-report-approved"));
                }
                Some((id, _)) => {
                    sqlx::query(
                        "UPDATE unit_reports SET status = $1, updated_by = $2, updated_at = $3, \
                                 submitted_at = CASE WHEN $4 THEN $3 ELSE submitted_at END WHERE id = $5",
                    )
                    .bind(status.code())
                    .bind(&actor.label)
                    .bind(now)
                    .bind(submit)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("DELETE FROM unit_report_items WHERE report_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    id
                }
                None => {
                    let id = Uuid::now_v7();
                    sqlx::query(
                        "INSERT INTO unit_reports (id, unit_id, year, status, updated_by, updated_at, submitted_at) \
                                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(id)
                    .bind(unit_id)
                    .bind(year)
                    .bind(status.code())
                    .bind(&actor.label)
                    .bind(now)
                    .bind(if submit { Some(now) } else { None })
                    .execute(&mut *tx)
                    .await?;
                    id
                }
            };
            for (point, st, comment) in &items {
                sqlx::query(
                    "INSERT INTO unit_report_items (report_id, point_id, status, comment) VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(point)
                .bind(st.code())
                .bind(comment)
                .execute(&mut *tx)
                .await?;
            }
            let after = UnitReport {
                id,
                unit_id,
                year,
                status,
                updated_by: actor.label.clone(),
                updated_at: now,
                submitted_at: None,
                approved_by: None,
                approved_at: None,
                items: items.clone(),
            };
            chain.push(
                now,
                audit(
                    actor,
                    if submit { "unit_report.submit" } else { "unit_report.save" },
                    "unit_report",
                    id,
                    unit_id,
                    before.as_ref().map(report_json),
                    Some(report_json(&after)),
                ),
            );
        });
        self.unit_report(unit_id, year).await?.ok_or(StoreError::NotFound)
    }

    /// Approves a submitted unit report.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, unit_id = %unit_id))]
    pub async fn approve_unit_report(&self, actor: &Actor, unit_id: Uuid, year: i32) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let current: Option<(Uuid, String)> =
                sqlx::query_as("SELECT id, status FROM unit_reports WHERE unit_id = $1 AND year = $2")
                    .bind(unit_id)
                    .bind(year)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (id, status) = current.ok_or(StoreError::NotFound)?;
            if status != UnitReportStatus::Submitted.code() {
                return Err(StoreError::conflict("status", "error-unit-report-not-submitted"));
            }
            sqlx::query("UPDATE unit_reports SET status = $1, approved_by = $2, approved_at = $3 WHERE id = $4")
                .bind(UnitReportStatus::Approved.code())
                .bind(&actor.label)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            chain.push(
                now,
                audit(
                    actor,
                    "unit_report.approve",
                    "unit_report",
                    id,
                    unit_id,
                    Some(serde_json::json!({"status": status}).to_string()),
                    Some(serde_json::json!({"status": UnitReportStatus::Approved.code()}).to_string()),
                ),
            );
        });
        Ok(())
    }
}
