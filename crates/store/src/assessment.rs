//! Follow-up models and self-assessments with their answers.

use chrono::{DateTime, Utc};
use domain::assessment::{Confidence, Period, Status, Transition};
use domain::audit::Change;
use serde::Serialize;
use sqlx::FromRow;
use uuid::Uuid;

use crate::OrgScope;
use crate::scope::push_scope;
use crate::{Actor, Result, Store, StoreError, with_pool, write_tx};

/// A stored model version; `source` is the TOML file as imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelRow {
    pub id: Uuid,
    pub key: String,
    pub version: i32,
    pub name: String,
    #[serde(skip)]
    pub source: String,
    pub sha256: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    pub id: Uuid,
    pub org_id: Uuid,
    pub model_id: Uuid,
    pub period: i32,
    pub revision: i32,
    pub status: Status,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub approved_by: Option<String>,
    pub locked_at: Option<DateTime<Utc>>,
}

#[derive(FromRow)]
struct AssessmentRow {
    id: Uuid,
    org_id: Uuid,
    model_id: Uuid,
    period: i32,
    revision: i32,
    status: String,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    approved_at: Option<DateTime<Utc>>,
    approved_by: Option<String>,
    locked_at: Option<DateTime<Utc>>,
}

impl AssessmentRow {
    fn parse(self) -> Result<Assessment> {
        let status = self.status.parse().map_err(|_| {
            StoreError::Database(sqlx::Error::Decode(format!("unknown assessment status {}", self.status).into()))
        })?;
        Ok(Assessment {
            id: self.id,
            org_id: self.org_id,
            model_id: self.model_id,
            period: self.period,
            revision: self.revision,
            status,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
            submitted_at: self.submitted_at,
            approved_at: self.approved_at,
            approved_by: self.approved_by,
            locked_at: self.locked_at,
        })
    }
}

/// One stored answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerRow {
    pub question_id: String,
    /// An option id, or `na`.
    pub answer: String,
    pub comment: String,
    pub confidence: Confidence,
    pub evidence_url: String,
    pub answered_by: String,
    pub answered_at: DateTime<Utc>,
}

impl AnswerRow {
    fn audit_json(&self) -> String {
        serde_json::json!({
            "question": self.question_id,
            "answer": self.answer,
            "comment": self.comment,
            "confidence": self.confidence.code(),
            "evidence_url": self.evidence_url,
        })
        .to_string()
    }
}

#[derive(FromRow)]
struct AnswerDbRow {
    question_id: String,
    answer: String,
    comment: String,
    confidence: String,
    evidence_url: String,
    answered_by: String,
    answered_at: DateTime<Utc>,
}

impl From<AnswerDbRow> for AnswerRow {
    fn from(r: AnswerDbRow) -> Self {
        AnswerRow {
            question_id: r.question_id,
            answer: r.answer,
            comment: r.comment,
            confidence: r.confidence.parse().unwrap_or_default(),
            evidence_url: r.evidence_url,
            answered_by: r.answered_by,
            answered_at: r.answered_at,
        }
    }
}

/// A new answer, already checked against the model.
#[derive(Debug, Clone)]
pub struct NewAnswer {
    pub question_id: String,
    pub answer: String,
    pub comment: String,
    pub confidence: Confidence,
    pub evidence_url: String,
}

const ASSESSMENT_COLUMNS_VERSIONED: &str = "SELECT id, org_id, model_id, period, revision, status, created_by, \
     created_at, updated_at, submitted_at, approved_at, approved_by, locked_at, answers_version FROM assessments";

#[derive(FromRow)]
struct VersionedRow {
    #[sqlx(flatten)]
    row: AssessmentRow,
    answers_version: i64,
}

macro_rules! fetch_assessment {
    ($exec:expr, $id:expr) => {
        sqlx::query_as::<_, AssessmentRow>(
            "SELECT id, org_id, model_id, period, revision, status, created_by, created_at, updated_at, \
             submitted_at, approved_at, approved_by, locked_at FROM assessments WHERE id = $1",
        )
        .bind($id)
        .fetch_optional($exec)
        .await?
        .map(AssessmentRow::parse)
        .transpose()?
    };
}

macro_rules! insert_answer_row {
    ($tx:ident, $assessment:expr, $a:expr) => {
        sqlx::query(
            "INSERT INTO answers (assessment_id, question_id, answer, comment, confidence, evidence_url, answered_by, answered_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (assessment_id, question_id) DO UPDATE SET answer = $3, comment = $4, confidence = $5, \
             evidence_url = $6, answered_by = $7, answered_at = $8",
        )
        .bind($assessment)
        .bind(&$a.question_id)
        .bind(&$a.answer)
        .bind(&$a.comment)
        .bind($a.confidence.code())
        .bind(&$a.evidence_url)
        .bind(&$a.answered_by)
        .bind($a.answered_at)
        .execute(&mut *$tx)
        .await?
    };
}

fn assessment_json(a: &Assessment) -> String {
    serde_json::json!({
        "org_id": a.org_id,
        "period": a.period,
        "revision": a.revision,
        "status": a.status.code(),
    })
    .to_string()
}

fn change(actor: &Actor, action: &str, a: &Assessment, before: Option<String>, after: Option<String>) -> Change {
    Change {
        actor_id: actor.id,
        actor: actor.label.clone(),
        action: action.into(),
        record_type: "assessment".into(),
        record_id: a.id.to_string(),
        org_id: Some(a.org_id),
        before,
        after,
    }
}

impl Store {
    /// Stores a model version (refused if its key and version exist).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id))]
    pub async fn insert_model(
        &self,
        actor: &Actor,
        key: &str,
        version: i32,
        name: &str,
        source: &str,
    ) -> Result<ModelRow> {
        let now = domain::now();
        let row = ModelRow {
            id: Uuid::now_v7(),
            key: key.to_owned(),
            version,
            name: name.to_owned(),
            source: source.to_owned(),
            sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(source.as_bytes())),
            created_at: now,
        };
        write_tx!(self, |tx, chain| {
            let taken: Option<(Uuid,)> = sqlx::query_as("SELECT id FROM models WHERE key = $1 AND version = $2")
                .bind(key)
                .bind(version)
                .fetch_optional(&mut *tx)
                .await?;
            if taken.is_some() {
                return Err(StoreError::conflict("version", "error-model-version-exists"));
            }
            sqlx::query("INSERT INTO models (id, key, version, name, source, sha256, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(row.id).bind(&row.key).bind(row.version).bind(&row.name).bind(&row.source).bind(&row.sha256).bind(row.created_at)
                .execute(&mut *tx).await?;
            chain.push(
                now,
                Change {
                    actor_id: actor.id,
                    actor: actor.label.clone(),
                    action: "model.import".into(),
                    record_type: "model".into(),
                    record_id: row.id.to_string(),
                    org_id: None,
                    before: None,
                    after: Some(
                        serde_json::json!({"key": key, "version": version, "name": name, "sha256": row.sha256})
                            .to_string(),
                    ),
                },
            );
        });
        Ok(row)
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_models(&self) -> Result<Vec<ModelRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, ModelRow>(
                "SELECT id, key, version, name, source, sha256, created_at FROM models ORDER BY key, version",
            )
            .fetch_all(p)
            .await?
        }))
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_model(&self, id: Uuid) -> Result<Option<ModelRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, ModelRow>(
                "SELECT id, key, version, name, source, sha256, created_at FROM models WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(p)
            .await?
        }))
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn find_model_version(&self, key: &str, version: i32) -> Result<Option<ModelRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, ModelRow>(
                "SELECT id, key, version, name, source, sha256, created_at FROM models WHERE key = $1 AND version = $2",
            )
            .bind(key)
            .bind(version)
            .fetch_optional(p)
            .await?
        }))
    }

    /// Assessments of the organisations in `scope`, every revision, newest
    /// period first.
    pub async fn list_assessments(&self, scope: &OrgScope) -> Result<Vec<Assessment>> {
        Ok(self.list_assessments_versioned(scope).await?.into_iter().map(|(a, _)| a).collect())
    }

    /// As [`Store::list_assessments`], each with its answers' version: a
    /// counter that every change to its answers raises in the same
    /// transaction (by trigger), to key a cache of scores on.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_assessments_versioned(&self, scope: &OrgScope) -> Result<Vec<(Assessment, i64)>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        let rows: Vec<VersionedRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{ASSESSMENT_COLUMNS_VERSIONED} WHERE"));
            push_scope!(q, "org_id", scope);
            q.push(" ORDER BY period DESC, revision DESC");
            q.build_query_as::<VersionedRow>().fetch_all(p).await?
        });
        rows.into_iter().map(|r| Ok((r.row.parse()?, r.answers_version))).collect()
    }

    /// Assessments of the organisations in `scope` for one period on one
    /// model, every revision, newest revision first.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_assessments_for(&self, scope: &OrgScope, period: i32, model_id: Uuid) -> Result<Vec<Assessment>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        let rows: Vec<VersionedRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{ASSESSMENT_COLUMNS_VERSIONED} WHERE period = "));
            q.push_bind(period);
            q.push(" AND model_id = ");
            q.push_bind(model_id);
            q.push(" AND");
            push_scope!(q, "org_id", scope);
            q.push(" ORDER BY revision DESC");
            q.build_query_as::<VersionedRow>().fetch_all(p).await?
        });
        rows.into_iter().map(|r| r.row.parse()).collect()
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_assessment(&self, id: Uuid) -> Result<Option<Assessment>> {
        Ok(with_pool!(self, |p| fetch_assessment!(p, id)))
    }

    /// An assessment with its answers' version (raised in the same
    /// transaction as every change to its answers).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_assessment_versioned(&self, id: Uuid) -> Result<Option<(Assessment, i64)>> {
        let row: Option<VersionedRow> = with_pool!(self, |p| {
            sqlx::query_as::<_, VersionedRow>(sqlx::AssertSqlSafe(format!(
                "{ASSESSMENT_COLUMNS_VERSIONED} WHERE id = $1"
            )))
            .bind(id)
            .fetch_optional(p)
            .await?
        });
        row.map(|r| Ok((r.row.parse()?, r.answers_version))).transpose()
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(assessment_id = %assessment_id))]
    pub async fn list_answers(&self, assessment_id: Uuid) -> Result<Vec<AnswerRow>> {
        let rows: Vec<AnswerDbRow> = with_pool!(self, |p| {
            sqlx::query_as::<_, AnswerDbRow>(
                "SELECT question_id, answer, comment, confidence, evidence_url, answered_by, answered_at \
                 FROM answers WHERE assessment_id = $1 ORDER BY question_id",
            )
            .bind(assessment_id)
            .fetch_all(p)
            .await?
        });
        Ok(rows.into_iter().map(AnswerRow::from).collect())
    }

    /// The answer codes of every assessment in `scope`, as (assessment,
    /// question, answer): what scoring a list of assessments needs, in one
    /// statement rather than one per assessment.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn answer_codes_in(&self, scope: &OrgScope) -> Result<Vec<(Uuid, String, String)>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT x.assessment_id, x.question_id, x.answer FROM answers x \
                 JOIN assessments s ON s.id = x.assessment_id WHERE",
            );
            push_scope!(q, "s.org_id", scope);
            q.build_query_as().fetch_all(p).await?
        }))
    }

    /// The answer codes of the given assessments, as (assessment, question,
    /// answer); bound in batches of at most 500 identifiers.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(assessments = ids.len()))]
    pub async fn answer_codes_of(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, String, String)>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let rows: Vec<(Uuid, String, String)> = with_pool!(self, |p| {
                let mut q = sqlx::QueryBuilder::new(
                    "SELECT assessment_id, question_id, answer FROM answers WHERE assessment_id IN (",
                );
                let mut list = q.separated(", ");
                for id in chunk {
                    list.push_bind(*id);
                }
                q.push(")");
                q.build_query_as().fetch_all(p).await?
            });
            out.extend(rows);
        }
        Ok(out)
    }

    /// Starts a draft for an organisation and period, optionally with the
    /// answers of an earlier assessment (of the same model) copied in.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %org_id, model_id = %model_id, copy_from = ?copy_from))]
    pub async fn insert_assessment(
        &self,
        actor: &Actor,
        org_id: Uuid,
        model_id: Uuid,
        period: Period,
        copy_from: Option<Uuid>,
    ) -> Result<Assessment> {
        let now = domain::now();
        let a = Assessment {
            id: Uuid::now_v7(),
            org_id,
            model_id,
            period: period.year(),
            revision: 1,
            status: Status::Draft,
            created_by: actor.label.clone(),
            created_at: now,
            updated_at: now,
            submitted_at: None,
            approved_at: None,
            approved_by: None,
            locked_at: None,
        };
        write_tx!(self, |tx, chain| {
            let (exists,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM assessments WHERE org_id = $1 AND period = $2")
                    .bind(org_id)
                    .bind(a.period)
                    .fetch_one(&mut *tx)
                    .await?;
            if exists > 0 {
                return Err(StoreError::conflict("period", "error-assessment-exists"));
            }
            let model: Option<(Uuid,)> =
                sqlx::query_as("SELECT id FROM models WHERE id = $1").bind(model_id).fetch_optional(&mut *tx).await?;
            if model.is_none() {
                return Err(StoreError::conflict("model_id", "error-model-unknown"));
            }
            sqlx::query(
                "INSERT INTO assessments (id, org_id, model_id, period, revision, status, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(a.id).bind(a.org_id).bind(a.model_id).bind(a.period).bind(a.revision).bind(a.status.code())
            .bind(&a.created_by).bind(a.created_at).bind(a.updated_at)
            .execute(&mut *tx).await?;
            let mut copied = 0u64;
            if let Some(src) = copy_from {
                let src_row = fetch_assessment!(&mut *tx, src)
                    .ok_or(StoreError::conflict("copy_from", "error-assessment-unknown"))?;
                if src_row.org_id != org_id || src_row.model_id != model_id {
                    return Err(StoreError::conflict("copy_from", "error-assessment-unknown"));
                }
                copied = sqlx::query(
                    "INSERT INTO answers (assessment_id, question_id, answer, comment, confidence, evidence_url, answered_by, answered_at) \
                     SELECT $1, question_id, answer, comment, confidence, evidence_url, answered_by, answered_at FROM answers WHERE assessment_id = $2",
                )
                .bind(a.id).bind(src).execute(&mut *tx).await?.rows_affected();
            }
            let mut after: serde_json::Value = serde_json::from_str(&assessment_json(&a)).unwrap_or_default();
            after["copied_answers"] = copied.into();
            chain.push(now, change(actor, "assessment.start", &a, None, Some(after.to_string())));
        });
        Ok(a)
    }

    /// Saves answers of a draft in one transaction; refused unless the
    /// assessment is a draft.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, assessment_id = %assessment_id))]
    pub async fn save_answers(&self, actor: &Actor, assessment_id: Uuid, answers: Vec<NewAnswer>) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let a = fetch_assessment!(&mut *tx, assessment_id).ok_or(StoreError::NotFound)?;
            if !a.status.editable() {
                return Err(StoreError::conflict("status", "error-assessment-not-draft"));
            }
            for n in answers {
                let before: Option<AnswerDbRow> = sqlx::query_as::<_, AnswerDbRow>(
                    "SELECT question_id, answer, comment, confidence, evidence_url, answered_by, answered_at \
                     FROM answers WHERE assessment_id = $1 AND question_id = $2",
                )
                .bind(assessment_id)
                .bind(&n.question_id)
                .fetch_optional(&mut *tx)
                .await?;
                let before = before.map(AnswerRow::from);
                let row = AnswerRow {
                    question_id: n.question_id,
                    answer: n.answer,
                    comment: n.comment,
                    confidence: n.confidence,
                    evidence_url: n.evidence_url,
                    answered_by: actor.label.clone(),
                    answered_at: now,
                };
                if before.as_ref().is_some_and(|b| b.audit_json() == row.audit_json()) {
                    continue;
                }
                insert_answer_row!(tx, assessment_id, row);
                chain.push(
                    now,
                    change(actor, "assessment.answer", &a, before.map(|b| b.audit_json()), Some(row.audit_json())),
                );
            }
            sqlx::query("UPDATE assessments SET updated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(assessment_id)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// Takes one lifecycle step, checked against the stored status inside the transaction.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn transition_assessment(&self, actor: &Actor, id: Uuid, step: Transition) -> Result<Assessment> {
        let now = domain::now();
        Ok(write_tx!(self, |tx, chain| {
            let before = fetch_assessment!(&mut *tx, id).ok_or(StoreError::NotFound)?;
            let to = step.apply(before.status).map_err(|e| StoreError::conflict(e.field, e.code))?;
            let mut after = Assessment { status: to, updated_at: now, ..before.clone() };
            match step {
                Transition::Submit => after.submitted_at = Some(now),
                Transition::Approve => {
                    after.approved_at = Some(now);
                    after.approved_by = Some(actor.label.clone());
                }
                Transition::Lock => after.locked_at = Some(now),
                Transition::ReturnToDraft => {
                    after.submitted_at = None;
                }
            }
            sqlx::query(
                "UPDATE assessments SET status = $1, updated_at = $2, submitted_at = $3, approved_at = $4, approved_by = $5, \
                 locked_at = $6 WHERE id = $7",
            )
            .bind(after.status.code()).bind(now).bind(after.submitted_at).bind(after.approved_at).bind(&after.approved_by)
            .bind(after.locked_at).bind(id)
            .execute(&mut *tx).await?;
            chain.push(
                now,
                change(
                    actor,
                    &format!("assessment.{}", step.code()),
                    &after,
                    Some(assessment_json(&before)),
                    Some(assessment_json(&after)),
                ),
            );
            after
        }))
    }

    /// Reopens a locked assessment as a new draft revision with its answers;
    /// the locked one stays as it is.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn reopen_assessment(&self, actor: &Actor, id: Uuid) -> Result<Assessment> {
        let now = domain::now();
        Ok(write_tx!(self, |tx, chain| {
            let old = fetch_assessment!(&mut *tx, id).ok_or(StoreError::NotFound)?;
            if old.status != Status::Locked {
                return Err(StoreError::conflict("status", "error-assessment-wrong-status"));
            }
            let (latest,): (i32,) =
                sqlx::query_as("SELECT MAX(revision) FROM assessments WHERE org_id = $1 AND period = $2")
                    .bind(old.org_id)
                    .bind(old.period)
                    .fetch_one(&mut *tx)
                    .await?;
            if latest != old.revision {
                return Err(StoreError::conflict("revision", "error-assessment-not-latest"));
            }
            let new = Assessment {
                id: Uuid::now_v7(),
                revision: old.revision + 1,
                status: Status::Draft,
                created_by: actor.label.clone(),
                created_at: now,
                updated_at: now,
                submitted_at: None,
                approved_at: None,
                approved_by: None,
                locked_at: None,
                ..old.clone()
            };
            sqlx::query(
                "INSERT INTO assessments (id, org_id, model_id, period, revision, status, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(new.id).bind(new.org_id).bind(new.model_id).bind(new.period).bind(new.revision).bind(new.status.code())
            .bind(&new.created_by).bind(new.created_at).bind(new.updated_at)
            .execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO answers (assessment_id, question_id, answer, comment, confidence, evidence_url, answered_by, answered_at) \
                 SELECT $1, question_id, answer, comment, confidence, evidence_url, answered_by, answered_at FROM answers WHERE assessment_id = $2",
            )
            .bind(new.id).bind(old.id).execute(&mut *tx).await?;
            chain.push(
                now,
                change(actor, "assessment.reopen", &new, Some(assessment_json(&old)), Some(assessment_json(&new))),
            );
            new
        }))
    }

    /// Loads answers exactly as given, with their own authors and times, for
    /// importing history (the demo, migrations from other tools).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, assessment_id = %assessment_id))]
    pub async fn import_answers(&self, actor: &Actor, assessment_id: Uuid, rows: Vec<AnswerRow>) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let a = fetch_assessment!(&mut *tx, assessment_id).ok_or(StoreError::NotFound)?;
            if !a.status.editable() {
                return Err(StoreError::conflict("status", "error-assessment-not-draft"));
            }
            let n = rows.len();
            for r in rows {
                insert_answer_row!(tx, assessment_id, r);
            }
            chain.push(
                now,
                change(actor, "assessment.import", &a, None, Some(serde_json::json!({"answers": n}).to_string())),
            );
        });
        Ok(())
    }
}

/// An evidence file's facts, without its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceFile {
    pub id: Uuid,
    pub assessment_id: Uuid,
    pub question_id: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct EvidenceWithContent {
    #[sqlx(flatten)]
    file: EvidenceFile,
    content: Vec<u8>,
}

impl Store {
    /// Attaches a file to an answer of a draft.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, assessment_id = %assessment_id))]
    pub async fn insert_evidence(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        question_id: &str,
        filename: &str,
        content_type: &str,
        content: &[u8],
    ) -> Result<EvidenceFile> {
        let now = domain::now();
        let file = EvidenceFile {
            id: Uuid::now_v7(),
            assessment_id,
            question_id: question_id.to_owned(),
            filename: filename.to_owned(),
            content_type: content_type.to_owned(),
            size: content.len() as i64,
            sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(content)),
            uploaded_by: actor.label.clone(),
            uploaded_at: now,
        };
        write_tx!(self, |tx, chain| {
            let a = fetch_assessment!(&mut *tx, assessment_id).ok_or(StoreError::NotFound)?;
            if !a.status.editable() {
                return Err(StoreError::conflict("status", "error-assessment-not-draft"));
            }
            sqlx::query(
                "INSERT INTO evidence_files (id, assessment_id, question_id, filename, content_type, size, sha256, content, uploaded_by, uploaded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(file.id).bind(assessment_id).bind(&file.question_id).bind(&file.filename).bind(&file.content_type)
            .bind(file.size).bind(&file.sha256).bind(content).bind(&file.uploaded_by).bind(now)
            .execute(&mut *tx).await?;
            chain.push(now, change(actor, "assessment.evidence", &a, None, Some(serde_json::json!({
                "question": file.question_id, "file": file.filename, "size": file.size, "sha256": file.sha256,
            }).to_string())));
        });
        Ok(file)
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(assessment_id = %assessment_id))]
    pub async fn list_evidence(&self, assessment_id: Uuid) -> Result<Vec<EvidenceFile>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, EvidenceFile>(
                "SELECT id, assessment_id, question_id, filename, content_type, size, sha256, uploaded_by, uploaded_at \
                 FROM evidence_files WHERE assessment_id = $1 ORDER BY uploaded_at",
            )
            .bind(assessment_id)
            .fetch_all(p)
            .await?
        }))
    }

    /// A file and its content.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_evidence(&self, id: Uuid) -> Result<Option<(EvidenceFile, Vec<u8>)>> {
        let row: Option<EvidenceWithContent> = with_pool!(self, |p| {
            sqlx::query_as::<_, EvidenceWithContent>(
                "SELECT id, assessment_id, question_id, filename, content_type, size, sha256, uploaded_by, uploaded_at, content \
                 FROM evidence_files WHERE id = $1",
            )
            .bind(id).fetch_optional(p).await?
        });
        Ok(row.map(|r| (r.file, r.content)))
    }
}

/// An area handed to a coordinator, whose answers arrive as proposals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delegation {
    pub assessment_id: Uuid,
    pub area_id: String,
    pub user_id: Uuid,
    pub delegated_by: String,
    pub delegated_at: DateTime<Utc>,
}

/// A coordinator's proposed answer, waiting for the CISO.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Proposal {
    pub question_id: String,
    pub answer: String,
    pub comment: String,
    pub confidence: Confidence,
    pub evidence_url: String,
    pub proposed_by: String,
    pub proposed_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct ProposalRow {
    question_id: String,
    answer: String,
    comment: String,
    confidence: String,
    evidence_url: String,
    proposed_by: String,
    proposed_at: DateTime<Utc>,
}

impl From<ProposalRow> for Proposal {
    fn from(r: ProposalRow) -> Self {
        Proposal {
            question_id: r.question_id,
            answer: r.answer,
            comment: r.comment,
            confidence: r.confidence.parse().unwrap_or_default(),
            evidence_url: r.evidence_url,
            proposed_by: r.proposed_by,
            proposed_at: r.proposed_at,
        }
    }
}

impl Store {
    #[tracing::instrument(skip_all, err(level = "debug"), fields(assessment_id = %assessment_id))]
    pub async fn list_delegations(&self, assessment_id: Uuid) -> Result<Vec<Delegation>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, Delegation>(
                "SELECT assessment_id, area_id, user_id, delegated_by, delegated_at FROM delegations WHERE assessment_id = $1",
            )
            .bind(assessment_id).fetch_all(p).await?
        }))
    }

    /// Every delegation to one user.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(user_id = %user_id))]
    pub async fn list_delegations_to(&self, user_id: Uuid) -> Result<Vec<Delegation>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, Delegation>(
                "SELECT assessment_id, area_id, user_id, delegated_by, delegated_at FROM delegations WHERE user_id = $1",
            )
            .bind(user_id).fetch_all(p).await?
        }))
    }

    /// Hands an area to a user (replacing an earlier delegation), or takes it
    /// back when `user_id` is `None`.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, assessment_id = %assessment_id, user_id = ?user_id))]
    pub async fn set_delegation(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        area_id: &str,
        user_id: Option<Uuid>,
    ) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let a = fetch_assessment!(&mut *tx, assessment_id).ok_or(StoreError::NotFound)?;
            if !a.status.editable() {
                return Err(StoreError::conflict("status", "error-assessment-not-draft"));
            }
            let before: Option<(Uuid,)> =
                sqlx::query_as("SELECT user_id FROM delegations WHERE assessment_id = $1 AND area_id = $2")
                    .bind(assessment_id)
                    .bind(area_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            sqlx::query("DELETE FROM delegations WHERE assessment_id = $1 AND area_id = $2")
                .bind(assessment_id)
                .bind(area_id)
                .execute(&mut *tx)
                .await?;
            if let Some(u) = user_id {
                sqlx::query("INSERT INTO delegations (assessment_id, area_id, user_id, delegated_by, delegated_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(assessment_id).bind(area_id).bind(u).bind(&actor.label).bind(now)
                    .execute(&mut *tx).await?;
            }
            let json = |u: Option<Uuid>| u.map(|u| serde_json::json!({"area": area_id, "user_id": u}).to_string());
            chain.push(now, change(actor, "assessment.delegate", &a, json(before.map(|b| b.0)), json(user_id)));
        });
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(assessment_id = %assessment_id))]
    pub async fn list_proposals(&self, assessment_id: Uuid) -> Result<Vec<Proposal>> {
        let rows: Vec<ProposalRow> = with_pool!(self, |p| {
            sqlx::query_as::<_, ProposalRow>(
                "SELECT question_id, answer, comment, confidence, evidence_url, proposed_by, proposed_at \
                 FROM proposals WHERE assessment_id = $1 ORDER BY question_id",
            )
            .bind(assessment_id)
            .fetch_all(p)
            .await?
        });
        Ok(rows.into_iter().map(Proposal::from).collect())
    }

    /// Saves a coordinator's proposed answers of a draft.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, assessment_id = %assessment_id))]
    pub async fn save_proposals(&self, actor: &Actor, assessment_id: Uuid, answers: Vec<NewAnswer>) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let a = fetch_assessment!(&mut *tx, assessment_id).ok_or(StoreError::NotFound)?;
            if !a.status.editable() {
                return Err(StoreError::conflict("status", "error-assessment-not-draft"));
            }
            for n in answers {
                sqlx::query(
                    "INSERT INTO proposals (assessment_id, question_id, answer, comment, confidence, evidence_url, proposed_by, proposed_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (assessment_id, question_id) DO UPDATE SET answer = $3, comment = $4, confidence = $5, \
                     evidence_url = $6, proposed_by = $7, proposed_at = $8",
                )
                .bind(assessment_id).bind(&n.question_id).bind(&n.answer).bind(&n.comment).bind(n.confidence.code())
                .bind(&n.evidence_url).bind(&actor.label).bind(now)
                .execute(&mut *tx).await?;
                chain.push(
                    now,
                    change(
                        actor,
                        "assessment.propose",
                        &a,
                        None,
                        Some(
                            serde_json::json!({
                                "question": n.question_id, "answer": n.answer, "comment": n.comment,
                            })
                            .to_string(),
                        ),
                    ),
                );
            }
        });
        Ok(())
    }

    /// Accepts proposals as answers (`accept`) or discards them, one transaction.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, assessment_id = %assessment_id))]
    pub async fn resolve_proposals(
        &self,
        actor: &Actor,
        assessment_id: Uuid,
        question_ids: &[String],
        accept: bool,
    ) -> Result<usize> {
        let now = domain::now();
        Ok(write_tx!(self, |tx, chain| {
            let a = fetch_assessment!(&mut *tx, assessment_id).ok_or(StoreError::NotFound)?;
            if !a.status.editable() {
                return Err(StoreError::conflict("status", "error-assessment-not-draft"));
            }
            let mut n = 0;
            for qid in question_ids {
                let p: Option<ProposalRow> = sqlx::query_as::<_, ProposalRow>(
                    "SELECT question_id, answer, comment, confidence, evidence_url, proposed_by, proposed_at \
                     FROM proposals WHERE assessment_id = $1 AND question_id = $2",
                )
                .bind(assessment_id)
                .bind(qid)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(p) = p.map(Proposal::from) else { continue };
                if accept {
                    let row = AnswerRow {
                        question_id: p.question_id.clone(),
                        answer: p.answer.clone(),
                        comment: p.comment.clone(),
                        confidence: p.confidence,
                        evidence_url: p.evidence_url.clone(),
                        answered_by: p.proposed_by.clone(),
                        answered_at: now,
                    };
                    insert_answer_row!(tx, assessment_id, row);
                }
                sqlx::query("DELETE FROM proposals WHERE assessment_id = $1 AND question_id = $2")
                    .bind(assessment_id)
                    .bind(qid)
                    .execute(&mut *tx)
                    .await?;
                let action = if accept { "assessment.proposal_accept" } else { "assessment.proposal_reject" };
                chain.push(
                    now,
                    change(
                        actor,
                        action,
                        &a,
                        None,
                        Some(
                            serde_json::json!({
                                "question": p.question_id, "answer": p.answer, "proposed_by": p.proposed_by,
                            })
                            .to_string(),
                        ),
                    ),
                );
                n += 1;
            }
            n
        }))
    }
}
