//! The audit log (spårbarhet) for the user's subtree.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{Ctx, Errors, render};
use crate::SharedState;
use crate::app::{self, audit::AuditFilterFields};
use crate::error::AppResult;
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

    fn fields(&self) -> AuditFilterFields {
        AuditFilterFields {
            record_type: self.record_type.clone(),
            record_id: self.record_id.clone(),
            actor: self.actor.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            before: self.before.clone(),
        }
    }
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
    let ctx = Ctx::for_session(&s, "/audit");
    let (entries, next, errors) = match app::audit::list_audit(&state.store, &s.caller(), &q.fields(), 50).await {
        Ok(app::audit::AuditListing { page, tree }) => {
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
        Err(app::Error::Validation(errs)) => (Vec::new(), None, Errors::new(ctx.lang, &errs)),
        Err(e) => return Err(e.into()),
    };
    render(&AuditPage { ctx, q, errors, entries, next })
}
