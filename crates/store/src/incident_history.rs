//! Loading an incident's whole history at once, with the times it
//! happened: the demo world's incidents of the past year (and an import of
//! an earlier register would use it the same way). One transaction, one
//! audit entry per incident.

use chrono::{DateTime, Utc};
use domain::incident::duties::Step;
use domain::incident::{IncidentInput, ReportInput, Status, join_aspects};
use uuid::Uuid;

use crate::plan::audit;
use crate::{Actor, Result, Store, StoreError, write_tx};

/// An incident as it stands after its history.
#[derive(Debug, Clone)]
pub struct IncidentHistory {
    pub data: IncidentInput,
    pub status: Status,
    /// When it was entered into Lisa (usually soon after discovery).
    pub registered_at: DateTime<Utc>,
    /// Set exactly when the status is closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// The timeline: (when, who, what).
    pub entries: Vec<(DateTime<Utc>, String, String)>,
    /// Notifications made: (step, what was recorded, who recorded it).
    pub reports: Vec<(Step, ReportInput, String)>,
}

impl Store {
    /// Stores an incident with its timeline and notifications as they
    /// happened; `Conflict` when the closing time does not match the status.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn insert_incident_history(&self, actor: &Actor, h: &IncidentHistory) -> Result<Uuid> {
        if (h.status == Status::Closed) != h.closed_at.is_some() {
            return Err(StoreError::conflict("status", "error-incident-closed-at"));
        }
        let now = domain::now();
        let id = Uuid::now_v7();
        let d = &h.data;
        write_tx!(self, |tx, chain| {
            sqlx::query(
                "INSERT INTO incidents (id, org_id, title, description, occurred_at, discovered_at, registered_at, \
                 category, aspects, personal_data, severity, status, responsible, lessons, closed_at, created_by, \
                 created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $7, $17)",
            )
            .bind(id)
            .bind(d.org_id)
            .bind(&d.title)
            .bind(&d.description)
            .bind(d.occurred_at)
            .bind(d.discovered_at)
            .bind(h.registered_at)
            .bind(d.category.code())
            .bind(join_aspects(&d.aspects))
            .bind(d.personal_data)
            .bind(d.severity.code())
            .bind(h.status.code())
            .bind(&d.responsible)
            .bind(&d.lessons)
            .bind(h.closed_at)
            .bind(&actor.label)
            .bind(h.closed_at.unwrap_or(h.registered_at))
            .execute(&mut *tx)
            .await?;
            for (at, author, text) in &h.entries {
                sqlx::query(
                    "INSERT INTO incident_entries (id, incident_id, at, author, text) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(Uuid::now_v7())
                .bind(id)
                .bind(*at)
                .bind(author)
                .bind(text)
                .execute(&mut *tx)
                .await?;
            }
            for (step, r, by) in &h.reports {
                sqlx::query(
                    "INSERT INTO incident_reports (incident_id, step, at, not_required, reference, note, recorded_by, \
                     recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(id)
                .bind(step.code())
                .bind(r.at)
                .bind(r.not_required)
                .bind(&r.reference)
                .bind(&r.note)
                .bind(by)
                .bind(r.at.unwrap_or(h.registered_at))
                .execute(&mut *tx)
                .await?;
            }
            let after = serde_json::to_string(d).unwrap_or_default();
            chain.push(now, audit(actor, "incident.create", "incident", id, d.org_id, None, Some(after)));
        });
        Ok(id)
    }
}
