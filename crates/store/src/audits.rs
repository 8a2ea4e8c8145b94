//! Audits of the organisation (granskning): the audit, its audited bodies,
//! questions, findings and report; recommendations and every body's copy of
//! each with its answer, status and history. Not the audit log.

use chrono::{DateTime, NaiveDate, Utc};
use domain::audits::{
    Assessment, AuditInput, AuditKind, FindingInput, QuestionInput, RecommendationInput, ResponseInput, Stance,
    TargetStatus,
};
use serde::Serialize;
use sqlx::FromRow;
use uuid::Uuid;

use crate::OrgScope;
use crate::plan::{audit, code};
use crate::scope::push_scope;
use crate::{Actor, Result, Store, StoreError, with_pool, write_tx};

/// A stored audit with the organisations it audits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgAudit {
    pub id: Uuid,
    /// The organisation the audit is kept under (the kommun whose auditors made it).
    pub org_id: Uuid,
    #[serde(flatten)]
    pub data: AuditInput,
    pub bodies: Vec<Uuid>,
    pub report_filename: Option<String>,
    pub report_size: i64,
    pub report_sha256: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct AuditRow {
    id: Uuid,
    org_id: Uuid,
    title: String,
    kind: String,
    auditor_org: String,
    auditor_person: String,
    period: String,
    started: Option<NaiveDate>,
    report_delivered: Option<NaiveDate>,
    responses_due: Option<NaiveDate>,
    purpose: String,
    follows_up: Option<Uuid>,
    report_filename: Option<String>,
    report_size: i64,
    report_sha256: Option<String>,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl AuditRow {
    fn parse(self, bodies: Vec<Uuid>) -> Result<OrgAudit> {
        Ok(OrgAudit {
            id: self.id,
            org_id: self.org_id,
            data: AuditInput {
                title: self.title,
                kind: code::<AuditKind>(&self.kind)?,
                auditor_org: self.auditor_org,
                auditor_person: self.auditor_person,
                period: self.period,
                started: self.started,
                report_delivered: self.report_delivered,
                responses_due: self.responses_due,
                purpose: self.purpose,
                follows_up: self.follows_up,
            },
            bodies,
            report_filename: self.report_filename,
            report_size: self.report_size,
            report_sha256: self.report_sha256,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const AUDIT_COLUMNS: &str = "SELECT id, org_id, title, kind, auditor_org, auditor_person, period, started, \
     report_delivered, responses_due, purpose, follows_up, report_filename, report_size, report_sha256, created_by, \
     created_at, updated_at FROM org_audits";

/// An audit question with its assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditQuestion {
    pub id: Uuid,
    #[serde(flatten)]
    pub data: QuestionInput,
}

/// A finding under its area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditFinding {
    pub id: Uuid,
    pub area: String,
    pub text: String,
}

/// A recommendation with every audited body's copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recommendation {
    pub id: Uuid,
    pub audit_id: Uuid,
    pub text: String,
    pub targets: Vec<Target>,
}

/// One audited body's copy of a recommendation: its answer and status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    pub id: Uuid,
    pub recommendation_id: Uuid,
    pub org_id: Uuid,
    pub status: TargetStatus,
    /// The answer, once given.
    pub response: Option<ResponseInput>,
    pub answered_by: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct TargetRow {
    id: Uuid,
    recommendation_id: Uuid,
    org_id: Uuid,
    status: String,
    stance: Option<String>,
    measures: String,
    responsible: String,
    due: Option<NaiveDate>,
    decided_by: String,
    decided_on: Option<NaiveDate>,
    answered_by: Option<String>,
    answered_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
}

impl TargetRow {
    fn parse(self) -> Result<Target> {
        let response = match &self.stance {
            None => None,
            Some(s) => Some(ResponseInput {
                stance: code::<Stance>(s)?,
                measures: self.measures,
                responsible: self.responsible,
                due: self.due,
                decided_by: self.decided_by,
                decided_on: self.decided_on,
            }),
        };
        Ok(Target {
            id: self.id,
            recommendation_id: self.recommendation_id,
            org_id: self.org_id,
            status: code::<TargetStatus>(&self.status)?,
            response,
            answered_by: self.answered_by,
            answered_at: self.answered_at,
            updated_at: self.updated_at,
        })
    }
}

const TARGET_COLUMNS: &str = "SELECT t.id, t.recommendation_id, t.org_id, t.status, t.stance, t.measures, \
     t.responsible, t.due, t.decided_by, t.decided_on, t.answered_by, t.answered_at, t.updated_at FROM org_audit_targets t";

/// A step in the history of a body's copy of a recommendation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetEvent {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub from_status: String,
    pub to_status: String,
    pub note: String,
    /// The follow-up audit that recorded it, if one did.
    pub follow_up_audit: Option<Uuid>,
}

fn audit_json(a: &AuditInput, bodies: &[Uuid]) -> String {
    serde_json::json!({ "audit": a, "bodies": bodies }).to_string()
}

macro_rules! fetch_audit {
    ($exec:expr, $id:expr) => {{
        let row: Option<AuditRow> =
            sqlx::query_as::<_, AuditRow>(sqlx::AssertSqlSafe(format!("{AUDIT_COLUMNS} WHERE id = $1")))
                .bind($id)
                .fetch_optional(&mut *$exec)
                .await?;
        match row {
            None => None,
            Some(r) => {
                let bodies: Vec<(Uuid,)> =
                    sqlx::query_as("SELECT org_id FROM org_audit_bodies WHERE audit_id = $1 ORDER BY org_id")
                        .bind($id)
                        .fetch_all(&mut *$exec)
                        .await?;
                Some(r.parse(bodies.into_iter().map(|(o,)| o).collect())?)
            }
        }
    }};
}

macro_rules! fetch_target {
    ($exec:expr, $id:expr) => {
        sqlx::query_as::<_, TargetRow>(sqlx::AssertSqlSafe(format!("{TARGET_COLUMNS} WHERE t.id = $1")))
            .bind($id)
            .fetch_optional(&mut *$exec)
            .await?
            .map(TargetRow::parse)
            .transpose()?
    };
}

/// Refuses organisations that do not exist.
macro_rules! check_orgs {
    ($tx:expr, $orgs:expr, $field:literal) => {
        for o in $orgs {
            let found: Option<(Uuid,)> =
                sqlx::query_as("SELECT id FROM orgs WHERE id = $1").bind(*o).fetch_optional(&mut *$tx).await?;
            if found.is_none() {
                return Err(StoreError::conflict($field, "error-org-unknown"));
            }
        }
    };
}

impl Store {
    /// The audits kept under organisations in `scope` or auditing one of them.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_org_audits(&self, scope: &OrgScope) -> Result<Vec<OrgAudit>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        let (rows, bodies): (Vec<AuditRow>, Vec<(Uuid, Uuid)>) = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{AUDIT_COLUMNS} WHERE ("));
            push_scope!(q, "org_id", scope);
            q.push(") OR id IN (SELECT audit_id FROM org_audit_bodies WHERE");
            push_scope!(q, "org_id", scope);
            q.push(") ORDER BY started DESC, title");
            let rows = q.build_query_as::<AuditRow>().fetch_all(p).await?;
            let mut b = sqlx::QueryBuilder::new("SELECT audit_id, org_id FROM org_audit_bodies WHERE audit_id IN (");
            let mut sep = b.separated(", ");
            for r in &rows {
                sep.push_bind(r.id);
            }
            if rows.is_empty() {
                sep.push("NULL");
            }
            b.push(") ORDER BY org_id");
            let bodies = b.build_query_as::<(Uuid, Uuid)>().fetch_all(p).await?;
            (rows, bodies)
        });
        rows.into_iter()
            .map(|r| {
                let of: Vec<Uuid> = bodies.iter().filter(|(a, _)| *a == r.id).map(|(_, o)| *o).collect();
                r.parse(of)
            })
            .collect()
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_org_audit(&self, id: Uuid) -> Result<Option<OrgAudit>> {
        Ok(with_pool!(self, |p| {
            let mut conn = p.acquire().await?;
            fetch_audit!(conn, id)
        }))
    }

    /// Adds an audit of `bodies`, kept under `org_id`.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %org_id))]
    pub async fn insert_org_audit(
        &self,
        actor: &Actor,
        org_id: Uuid,
        data: AuditInput,
        bodies: &[Uuid],
    ) -> Result<OrgAudit> {
        let now = domain::now();
        let id = Uuid::now_v7();
        write_tx!(self, |tx, chain| {
            check_orgs!(tx, std::iter::once(&org_id), "org_id");
            check_orgs!(tx, bodies, "bodies");
            if let Some(f) = data.follows_up {
                let found: Option<(Uuid,)> =
                    sqlx::query_as("SELECT id FROM org_audits WHERE id = $1").bind(f).fetch_optional(&mut *tx).await?;
                if found.is_none() {
                    return Err(StoreError::conflict("follows_up", "error-audit-unknown"));
                }
            }
            sqlx::query(
                "INSERT INTO org_audits (id, org_id, title, kind, auditor_org, auditor_person, period, started, \
                 report_delivered, responses_due, purpose, follows_up, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
            )
            .bind(id)
            .bind(org_id)
            .bind(&data.title)
            .bind(data.kind.code())
            .bind(&data.auditor_org)
            .bind(&data.auditor_person)
            .bind(&data.period)
            .bind(data.started)
            .bind(data.report_delivered)
            .bind(data.responses_due)
            .bind(&data.purpose)
            .bind(data.follows_up)
            .bind(&actor.label)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            for b in bodies {
                sqlx::query("INSERT INTO org_audit_bodies (audit_id, org_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(*b)
                    .execute(&mut *tx)
                    .await?;
            }
            chain.push(
                now,
                audit(actor, "org_audit.create", "org_audit", id, org_id, None, Some(audit_json(&data, bodies))),
            );
        });
        self.find_org_audit(id).await?.ok_or(StoreError::NotFound)
    }

    /// Attaches the audit report (replacing an earlier one).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn set_org_audit_report(&self, actor: &Actor, id: Uuid, filename: &str, content: &[u8]) -> Result<()> {
        let now = domain::now();
        let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(content));
        write_tx!(self, |tx, chain| {
            let a = fetch_audit!(tx, id).ok_or(StoreError::NotFound)?;
            sqlx::query(
                "UPDATE org_audits SET report_filename = $1, report_size = $2, report_sha256 = $3, report_content = $4, \
                 updated_at = $5 WHERE id = $6",
            )
            .bind(filename)
            .bind(content.len() as i64)
            .bind(&sha)
            .bind(content)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            let after = serde_json::json!({ "file": filename, "size": content.len(), "sha256": sha }).to_string();
            chain.push(now, audit(actor, "org_audit.report", "org_audit", id, a.org_id, None, Some(after)));
        });
        Ok(())
    }

    /// The audit report's name and content, if one is attached.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn org_audit_report(&self, id: Uuid) -> Result<Option<(String, Vec<u8>)>> {
        let row: Option<(Option<String>, Option<Vec<u8>>)> = with_pool!(self, |p| {
            sqlx::query_as("SELECT report_filename, report_content FROM org_audits WHERE id = $1")
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        Ok(row.and_then(|(n, c)| Some((n?, c?))))
    }

    /// Adds a question (with its assessment, if made) at the end.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, audit_id = %audit_id))]
    pub async fn add_audit_question(&self, actor: &Actor, audit_id: Uuid, q: QuestionInput) -> Result<AuditQuestion> {
        let now = domain::now();
        let id = Uuid::now_v7();
        write_tx!(self, |tx, chain| {
            let a = fetch_audit!(tx, audit_id).ok_or(StoreError::NotFound)?;
            let (pos,): (Option<i32>,) =
                sqlx::query_as("SELECT MAX(position) FROM org_audit_questions WHERE audit_id = $1")
                    .bind(audit_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if pos.unwrap_or(0) as usize >= domain::audits::MAX_ITEMS {
                return Err(StoreError::conflict("text", "error-audit-too-many"));
            }
            sqlx::query(
                "INSERT INTO org_audit_questions (id, audit_id, position, text, areas, assessment, motivation) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(audit_id)
            .bind(pos.unwrap_or(0) + 1)
            .bind(&q.text)
            .bind(q.areas.join(","))
            .bind(q.assessment.map(Assessment::code))
            .bind(&q.motivation)
            .execute(&mut *tx)
            .await?;
            let after = serde_json::to_string(&q).unwrap_or_default();
            chain.push(now, audit(actor, "org_audit.question", "org_audit", audit_id, a.org_id, None, Some(after)));
        });
        Ok(AuditQuestion { id, data: q })
    }

    /// Changes a question and its assessment.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn update_audit_question(&self, actor: &Actor, audit_id: Uuid, id: Uuid, q: QuestionInput) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let a = fetch_audit!(tx, audit_id).ok_or(StoreError::NotFound)?;
            let done = sqlx::query(
                "UPDATE org_audit_questions SET text = $1, areas = $2, assessment = $3, motivation = $4 \
                 WHERE id = $5 AND audit_id = $6",
            )
            .bind(&q.text)
            .bind(q.areas.join(","))
            .bind(q.assessment.map(Assessment::code))
            .bind(&q.motivation)
            .bind(id)
            .bind(audit_id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            let after = serde_json::to_string(&q).unwrap_or_default();
            chain.push(now, audit(actor, "org_audit.question", "org_audit", audit_id, a.org_id, None, Some(after)));
        });
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(audit_id = %audit_id))]
    pub async fn audit_questions(&self, audit_id: Uuid) -> Result<Vec<AuditQuestion>> {
        let rows: Vec<(Uuid, String, String, Option<String>, String)> = with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, text, areas, assessment, motivation FROM org_audit_questions WHERE audit_id = $1 \
                 ORDER BY position",
            )
            .bind(audit_id)
            .fetch_all(p)
            .await?
        });
        rows.into_iter()
            .map(|(id, text, areas, assessment, motivation)| {
                Ok(AuditQuestion {
                    id,
                    data: QuestionInput {
                        text,
                        areas: areas.split(',').filter(|a| !a.is_empty()).map(str::to_owned).collect(),
                        assessment: assessment.as_deref().map(code::<Assessment>).transpose()?,
                        motivation,
                    },
                })
            })
            .collect()
    }

    /// Adds a finding at the end.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, audit_id = %audit_id))]
    pub async fn add_audit_finding(&self, actor: &Actor, audit_id: Uuid, f: FindingInput) -> Result<AuditFinding> {
        let now = domain::now();
        let id = Uuid::now_v7();
        write_tx!(self, |tx, chain| {
            let a = fetch_audit!(tx, audit_id).ok_or(StoreError::NotFound)?;
            let (pos,): (Option<i32>,) =
                sqlx::query_as("SELECT MAX(position) FROM org_audit_findings WHERE audit_id = $1")
                    .bind(audit_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if pos.unwrap_or(0) as usize >= domain::audits::MAX_ITEMS {
                return Err(StoreError::conflict("text", "error-audit-too-many"));
            }
            sqlx::query(
                "INSERT INTO org_audit_findings (id, audit_id, position, area, text) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(audit_id)
            .bind(pos.unwrap_or(0) + 1)
            .bind(&f.area)
            .bind(&f.text)
            .execute(&mut *tx)
            .await?;
            let after = serde_json::to_string(&f).unwrap_or_default();
            chain.push(now, audit(actor, "org_audit.finding", "org_audit", audit_id, a.org_id, None, Some(after)));
        });
        Ok(AuditFinding { id, area: f.area, text: f.text })
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(audit_id = %audit_id))]
    pub async fn audit_findings(&self, audit_id: Uuid) -> Result<Vec<AuditFinding>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, AuditFinding>(
                "SELECT id, area, text FROM org_audit_findings WHERE audit_id = $1 ORDER BY position",
            )
            .bind(audit_id)
            .fetch_all(p)
            .await?
        }))
    }

    /// Adds a recommendation and a copy of it for every body it is
    /// addressed to (each an audited body of the audit), all open.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, audit_id = %audit_id))]
    pub async fn add_recommendation(
        &self,
        actor: &Actor,
        audit_id: Uuid,
        r: RecommendationInput,
    ) -> Result<Recommendation> {
        let now = domain::now();
        let id = Uuid::now_v7();
        write_tx!(self, |tx, chain| {
            let a = fetch_audit!(tx, audit_id).ok_or(StoreError::NotFound)?;
            if r.targets.iter().any(|t| !a.bodies.contains(t)) {
                return Err(StoreError::conflict("targets", "error-audit-target"));
            }
            let (pos,): (Option<i32>,) =
                sqlx::query_as("SELECT MAX(position) FROM org_audit_recommendations WHERE audit_id = $1")
                    .bind(audit_id)
                    .fetch_one(&mut *tx)
                    .await?;
            if pos.unwrap_or(0) as usize >= domain::audits::MAX_ITEMS {
                return Err(StoreError::conflict("text", "error-audit-too-many"));
            }
            sqlx::query("INSERT INTO org_audit_recommendations (id, audit_id, position, text) VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(audit_id)
                .bind(pos.unwrap_or(0) + 1)
                .bind(&r.text)
                .execute(&mut *tx)
                .await?;
            for t in &r.targets {
                sqlx::query(
                    "INSERT INTO org_audit_targets (id, recommendation_id, org_id, status, measures, responsible, \
                     decided_by, updated_at) VALUES ($1, $2, $3, 'open', '', '', '', $4)",
                )
                .bind(Uuid::now_v7())
                .bind(id)
                .bind(*t)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            let after = serde_json::json!({ "text": r.text, "targets": r.targets }).to_string();
            chain.push(
                now,
                audit(actor, "org_audit.recommendation", "org_audit", audit_id, a.org_id, None, Some(after)),
            );
        });
        let recs = self.recommendations(audit_id).await?;
        recs.into_iter().find(|x| x.id == id).ok_or(StoreError::NotFound)
    }

    /// An audit's recommendations, in order, with every body's copy.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(audit_id = %audit_id))]
    pub async fn recommendations(&self, audit_id: Uuid) -> Result<Vec<Recommendation>> {
        let (recs, targets): (Vec<(Uuid, String)>, Vec<TargetRow>) = with_pool!(self, |p| {
            let recs =
                sqlx::query_as("SELECT id, text FROM org_audit_recommendations WHERE audit_id = $1 ORDER BY position")
                    .bind(audit_id)
                    .fetch_all(p)
                    .await?;
            let targets = sqlx::query_as::<_, TargetRow>(sqlx::AssertSqlSafe(format!(
                "{TARGET_COLUMNS} JOIN org_audit_recommendations r ON r.id = t.recommendation_id \
                 WHERE r.audit_id = $1 ORDER BY t.org_id"
            )))
            .bind(audit_id)
            .fetch_all(p)
            .await?;
            (recs, targets)
        });
        let targets: Vec<Target> = targets.into_iter().map(TargetRow::parse).collect::<Result<_>>()?;
        Ok(recs
            .into_iter()
            .map(|(id, text)| Recommendation {
                id,
                audit_id,
                text,
                targets: targets.iter().filter(|t| t.recommendation_id == id).cloned().collect(),
            })
            .collect())
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_target(&self, id: Uuid) -> Result<Option<Target>> {
        Ok(with_pool!(self, |p| {
            let mut conn = p.acquire().await?;
            fetch_target!(conn, id)
        }))
    }

    /// The audit a body's copy of a recommendation belongs to.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(target = %target))]
    pub async fn audit_of_target(&self, target: Uuid) -> Result<Option<Uuid>> {
        let row: Option<(Uuid,)> = with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT r.audit_id FROM org_audit_targets t JOIN org_audit_recommendations r \
                 ON r.id = t.recommendation_id WHERE t.id = $1",
            )
            .bind(target)
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(|(a,)| a))
    }

    /// Records a body's answer and the status it gives (refused once closed).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, target = %target))]
    pub async fn answer_target(&self, actor: &Actor, target: Uuid, r: ResponseInput) -> Result<Target> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let t = fetch_target!(tx, target).ok_or(StoreError::NotFound)?;
            if t.status == TargetStatus::Closed {
                return Err(StoreError::conflict("status", "error-audit-closed"));
            }
            let to = domain::audits::status_after_answer(t.status, r.stance);
            sqlx::query(
                "UPDATE org_audit_targets SET stance = $1, measures = $2, responsible = $3, due = $4, decided_by = $5, \
                 decided_on = $6, answered_by = $7, answered_at = $8, status = $9, updated_at = $8 WHERE id = $10",
            )
            .bind(r.stance.code())
            .bind(&r.measures)
            .bind(&r.responsible)
            .bind(r.due)
            .bind(&r.decided_by)
            .bind(r.decided_on)
            .bind(&actor.label)
            .bind(now)
            .bind(to.code())
            .bind(target)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO org_audit_events (id, target_id, at, actor, from_status, to_status, note) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(Uuid::now_v7())
            .bind(target)
            .bind(now)
            .bind(&actor.label)
            .bind(t.status.code())
            .bind(to.code())
            .bind(r.stance.code())
            .execute(&mut *tx)
            .await?;
            let after = serde_json::to_string(&r).unwrap_or_default();
            chain.push(now, audit(actor, "org_audit.answer", "org_audit_target", target, t.org_id, None, Some(after)));
        });
        self.find_target(target).await?.ok_or(StoreError::NotFound)
    }

    /// Moves a body's copy to `to` with a note, from `from` (a conflict if it
    /// moved meanwhile), recorded by a follow-up audit if one is given. The
    /// rules (who may close, nothing leaves closed) are the caller's to check
    /// with [`domain::audits::may_move`].
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, target = %target))]
    pub async fn move_target(
        &self,
        actor: &Actor,
        target: Uuid,
        from: TargetStatus,
        to: TargetStatus,
        note: &str,
        follow_up_audit: Option<Uuid>,
    ) -> Result<Target> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let t = fetch_target!(tx, target).ok_or(StoreError::NotFound)?;
            if t.status != from {
                return Err(StoreError::conflict("status", "error-audit-status-changed"));
            }
            sqlx::query("UPDATE org_audit_targets SET status = $1, updated_at = $2 WHERE id = $3")
                .bind(to.code())
                .bind(now)
                .bind(target)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO org_audit_events (id, target_id, at, actor, from_status, to_status, note, follow_up_audit) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(Uuid::now_v7())
            .bind(target)
            .bind(now)
            .bind(&actor.label)
            .bind(from.code())
            .bind(to.code())
            .bind(note)
            .bind(follow_up_audit)
            .execute(&mut *tx)
            .await?;
            let json = |s: TargetStatus| serde_json::json!({ "status": s.code(), "note": note }).to_string();
            chain.push(
                now,
                audit(
                    actor,
                    "org_audit.follow_up",
                    "org_audit_target",
                    target,
                    t.org_id,
                    Some(json(from)),
                    Some(json(to)),
                ),
            );
        });
        self.find_target(target).await?.ok_or(StoreError::NotFound)
    }

    /// The history of a body's copy, oldest first.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(target = %target))]
    pub async fn target_events(&self, target: Uuid) -> Result<Vec<TargetEvent>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, TargetEvent>(
                "SELECT at, actor, from_status, to_status, note, follow_up_audit FROM org_audit_events \
                 WHERE target_id = $1 ORDER BY at, id",
            )
            .bind(target)
            .fetch_all(p)
            .await?
        }))
    }

    /// The copies of recommendations addressed to organisations in `scope`
    /// that are not closed, with their recommendation's text and audit:
    /// what a management review and the start page show.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn open_targets(&self, scope: &OrgScope) -> Result<Vec<(Target, String, Uuid)>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        #[derive(FromRow)]
        struct Row {
            #[sqlx(flatten)]
            t: TargetRow,
            text: String,
            audit_id: Uuid,
        }
        let rows: Vec<Row> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT t.id, t.recommendation_id, t.org_id, t.status, t.stance, t.measures, t.responsible, t.due, \
                 t.decided_by, t.decided_on, t.answered_by, t.answered_at, t.updated_at, r.text, r.audit_id \
                 FROM org_audit_targets t JOIN org_audit_recommendations r ON r.id = t.recommendation_id \
                 WHERE t.status <> 'closed' AND",
            );
            push_scope!(q, "t.org_id", scope);
            q.push(" ORDER BY r.audit_id, r.position, t.org_id");
            q.build_query_as::<Row>().fetch_all(p).await?
        });
        rows.into_iter().map(|r| Ok((r.t.parse()?, r.text, r.audit_id))).collect()
    }

    /// Every body's copy of the recommendations of the audits `ids` (at
    /// most 1,000; more are refused), with its audit and recommendation:
    /// `(audit, recommendation, recommendation's text, copy)`, by audit, in
    /// the recommendations' order. One statement: the audit register reads
    /// all its audits' copies at once.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(audits = ids.len()))]
    pub async fn targets_of_audits(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, Uuid, String, Target)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        if ids.len() > 1000 {
            return Err(StoreError::Other(format!("{} audits at once; at most 1,000", ids.len())));
        }
        #[derive(FromRow)]
        struct Row {
            #[sqlx(flatten)]
            t: TargetRow,
            text: String,
            audit_id: Uuid,
        }
        let rows: Vec<Row> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT t.id, t.recommendation_id, t.org_id, t.status, t.stance, t.measures, t.responsible, t.due, \
                 t.decided_by, t.decided_on, t.answered_by, t.answered_at, t.updated_at, r.text, r.audit_id \
                 FROM org_audit_targets t JOIN org_audit_recommendations r ON r.id = t.recommendation_id \
                 WHERE r.audit_id IN (",
            );
            let mut sep = q.separated(", ");
            for id in ids {
                sep.push_bind(*id);
            }
            q.push(") ORDER BY r.audit_id, r.position, t.org_id");
            q.build_query_as::<Row>().fetch_all(p).await?
        });
        rows.into_iter().map(|r| Ok((r.audit_id, r.t.recommendation_id, r.text, r.t.parse()?))).collect()
    }

    /// The audits kept under organisations in `scope` or auditing one of
    /// them (those of [`Store::list_org_audits`]), each with its title, the
    /// date its answers are due and how many copies of its recommendations
    /// addressed to organisations in `scope` are open without an answer. One
    /// statement, by title: the action plan's filter, the year wheel, the
    /// task list and the management review read their audits so.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn audit_summaries(&self, scope: &OrgScope) -> Result<Vec<AuditSummary>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT a.id, a.org_id, a.title, a.responses_due, (SELECT COUNT(*) FROM org_audit_targets t \
                 JOIN org_audit_recommendations r ON r.id = t.recommendation_id WHERE r.audit_id = a.id \
                 AND t.status <> 'closed' AND t.stance IS NULL AND",
            );
            push_scope!(q, "t.org_id", scope);
            q.push(") AS unanswered FROM org_audits a WHERE (");
            push_scope!(q, "a.org_id", scope);
            q.push(") OR a.id IN (SELECT audit_id FROM org_audit_bodies WHERE");
            push_scope!(q, "org_id", scope);
            q.push(") ORDER BY a.title, a.id");
            q.build_query_as::<AuditSummary>().fetch_all(p).await?
        }))
    }
}

/// An audit as lists beside the register name it: see [`Store::audit_summaries`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
pub struct AuditSummary {
    pub id: Uuid,
    /// The organisation the audit is kept under.
    pub org_id: Uuid,
    pub title: String,
    pub responses_due: Option<NaiveDate>,
    /// Copies in the scope asked that are open (not closed) and not answered.
    pub unanswered: i64,
}
