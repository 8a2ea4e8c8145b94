//! The API's audit log.

use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::Problem;
use crate::SharedState;
use crate::app::{self, audit::AuditFilterFields};
use crate::error::AppResult;
use crate::session::CurrentUser;

#[derive(Serialize, ToSchema)]
pub struct AuditEntryOut {
    seq: i64,
    at: DateTime<Utc>,
    actor_id: Option<Uuid>,
    actor: String,
    action: String,
    record_type: String,
    record_id: String,
    org_id: Option<Uuid>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    changed_fields: Vec<String>,
    prev_hash: String,
    hash: String,
}

#[derive(Serialize, ToSchema)]
pub struct AuditPageOut {
    entries: Vec<AuditEntryOut>,
    /// Pass as `before` for the next, older page.
    next_before: Option<i64>,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct AuditParams {
    /// `org` or `user`.
    record_type: Option<String>,
    record_id: Option<String>,
    /// The actor's e-mail.
    actor: Option<String>,
    /// First day, `YYYY-MM-DD`.
    from: Option<String>,
    /// Last day, `YYYY-MM-DD` (inclusive).
    to: Option<String>,
    before: Option<i64>,
    /// 1–500, default 100.
    limit: Option<i64>,
}

/// The audit log of the caller's subtree, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams),
    responses((status = 200, body = AuditPageOut), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list_audit(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<AuditParams>,
) -> AppResult<Json<AuditPageOut>> {
    let fields = AuditFilterFields {
        record_type: q.record_type.unwrap_or_default(),
        record_id: q.record_id.unwrap_or_default(),
        actor: q.actor.unwrap_or_default(),
        from: q.from.unwrap_or_default(),
        to: q.to.unwrap_or_default(),
        before: q.before.map(|b| b.to_string()).unwrap_or_default(),
    };
    let listing = app::audit::list_audit(&state.store, &s.caller(), &fields, q.limit.unwrap_or(100)).await?;
    let page = listing.page;
    let json = |s: &Option<String>| s.as_deref().and_then(|s| serde_json::from_str(s).ok());
    let entries = page
        .entries
        .iter()
        .map(|e| AuditEntryOut {
            seq: e.seq,
            at: e.at,
            actor_id: e.change.actor_id,
            actor: e.change.actor.clone(),
            action: e.change.action.clone(),
            record_type: e.change.record_type.clone(),
            record_id: e.change.record_id.clone(),
            org_id: e.change.org_id,
            before: json(&e.change.before),
            after: json(&e.change.after),
            changed_fields: e.changed_fields(),
            prev_hash: e.prev_hash.clone(),
            hash: e.hash.clone(),
        })
        .collect();
    Ok(Json(AuditPageOut { entries, next_before: page.next_before }))
}
