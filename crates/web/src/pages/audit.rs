//! The audit log (spårbarhet) for the user's subtree.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::{NaiveDate, TimeZone, Utc};
use domain::authz::{Permission, Scope};
use serde::Deserialize;

use super::{Ctx, Errors, render};
use crate::SharedState;
use crate::error::{AppError, AppResult};
use crate::session::CurrentUser;

#[derive(Deserialize, Default, Clone)]
pub struct AuditQuery {
    #[serde(default)]
    pub record_type: String,
    #[serde(default)]
    pub record_id: String,
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub before: String,
}

impl AuditQuery {
    pub fn is_type(&self, t: &str) -> bool {
        self.record_type == t
    }
    /// The query string of the next page.
    pub fn next_link(&self, before: &i64) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("record_type", &self.record_type),
            ("record_id", &self.record_id),
            ("actor", &self.actor),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !v.is_empty() {
                s.append_pair(k, v);
            }
        }
        s.append_pair("before", &before.to_string());
        s.finish()
    }
}

/// Parses a filter into the store's terms, with field errors for bad dates.
pub fn parse_filter(
    q: &AuditQuery,
    org_ids: Option<Vec<uuid::Uuid>>,
    limit: i64,
) -> Result<store::AuditFilter, Vec<domain::FieldError>> {
    let mut errs = Vec::new();
    let mut date = |s: &str, field: &'static str| -> Option<chrono::DateTime<Utc>> {
        if s.trim().is_empty() {
            return None;
        }
        match NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
            Ok(d) => Some(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight exists"))),
            Err(_) => {
                errs.push(domain::FieldError::new(field, "error-date"));
                None
            }
        }
    };
    let from = date(&q.from, "from");
    let to = date(&q.to, "to").map(|d| d + chrono::Duration::days(1));
    if let (Some(f), Some(t)) = (from, to)
        && t <= f
    {
        errs.push(domain::FieldError::new("to", "error-date-order"));
    }
    let before_seq = if q.before.is_empty() {
        None
    } else {
        match q.before.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errs.push(domain::FieldError::new("before", "error-malformed"));
                None
            }
        }
    };
    let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(store::AuditFilter {
        org_ids,
        record_type: opt(&q.record_type),
        record_id: opt(&q.record_id),
        actor: opt(&q.actor).map(|a| a.to_lowercase()),
        from,
        to,
        before_seq,
        limit,
    })
}

pub struct EntryView {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub record: String,
    pub record_href: String,
    pub changed: String,
    pub before: String,
    pub after: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    ctx: Ctx,
    q: AuditQuery,
    errors: Errors,
    entries: Vec<EntryView>,
    next: Option<i64>,
}

fn pretty(json: &Option<String>) -> String {
    json.as_deref()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_default()
}

pub async fn list(
    State(state): State<SharedState>,
    CurrentUser(s): CurrentUser,
    Query(q): Query<AuditQuery>,
) -> AppResult<Response> {
    let p = &s.principal;
    if !p.can_somewhere(Permission::ViewAudit) {
        return Err(AppError::Forbidden);
    }
    let ctx = Ctx::for_session(&s, "/audit");
    let tree = state.store.org_tree().await?;
    let org_ids = match p.scope(Permission::ViewAudit) {
        Scope::Everything => None,
        Scope::Subtrees(_) => Some(p.visible_orgs(Permission::ViewAudit, &tree)),
    };
    let (entries, next, errors) = match parse_filter(&q, org_ids, 50) {
        Ok(f) => {
            let page = state.store.list_audit(&f).await?;
            let views = page
                .entries
                .iter()
                .map(|e| {
                    let record_name = match e.change.record_type.as_str() {
                        "org" => e.change.record_id.parse().ok().and_then(|id| tree.get(id)).map(|n| n.name.clone()),
                        _ => None,
                    };
                    let href = match e.change.record_type.as_str() {
                        "org" if record_name.is_some() => format!("/orgs/{}", e.change.record_id),
                        "user" => format!("/users/{}", e.change.record_id),
                        _ => String::new(),
                    };
                    EntryView {
                        seq: e.seq,
                        at: ctx.date_time(&e.at),
                        actor: e.change.actor.clone(),
                        action: ctx.t(&format!("action-{}", e.change.action.replace(['.', '_'], "-"))),
                        record: format!(
                            "{}: {}",
                            ctx.t(&format!("record-{}", e.change.record_type)),
                            record_name.unwrap_or_else(|| e.change.record_id.clone())
                        ),
                        record_href: href,
                        changed: e.changed_fields().join(", "),
                        before: pretty(&e.change.before),
                        after: pretty(&e.change.after),
                    }
                })
                .collect();
            (views, page.next_before, Errors::default())
        }
        Err(errs) => (Vec::new(), None, Errors::new(ctx.lang, &errs)),
    };
    render(&AuditPage { ctx, q, errors, entries, next })
}
