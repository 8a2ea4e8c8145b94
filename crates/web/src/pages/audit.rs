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
    /// The changed fields' names, in words.
    pub changed: String,
    /// Each changed field as "field: before → after", in words.
    pub changes: Vec<ChangeLine>,
}

/// One field of a change, in words.
pub struct ChangeLine {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// A field's name in the reader's language ("parent_id" → "Ingår i").
fn field_label(ctx: &Ctx, field: &str) -> String {
    crate::i18n::try_t(ctx.lang, &format!("audit-field-{field}")).unwrap_or_else(|| field.replace('_', " "))
}

/// A stored value in words: an organisation's name for its id, a code's
/// label where Lisa has one, yes or no, "–" for nothing; at most 300
/// characters.
fn value_words(
    ctx: &Ctx,
    tree: &domain::org::OrgTree,
    record_type: &str,
    field: &str,
    v: Option<&serde_json::Value>,
) -> String {
    use serde_json::Value;
    let s = match v {
        None | Some(Value::Null) => ctx.t("audit-none"),
        Some(Value::Bool(b)) => ctx.t(if *b { "audit-yes" } else { "audit-no" }),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => {
            if let Some(n) = s.parse::<uuid::Uuid>().ok().and_then(|id| tree.get(id)) {
                n.name.clone()
            } else {
                let prefix = match (record_type, field) {
                    (_, "role") => "role",
                    ("org", "kind") => "kind",
                    ("review", "kind") => "decision-kind",
                    ("action", "status") => "action-status",
                    ("assessment", "status") => "assessment-status",
                    ("review", "status") => "review-status",
                    ("unit_report", "status") => "unit-report-status",
                    (_, f) => f,
                };
                crate::i18n::try_t(ctx.lang, &format!("{prefix}-{s}")).unwrap_or_else(|| s.clone())
            }
        }
        Some(other) => other.to_string(),
    };
    if s.chars().count() > 300 { format!("{}…", s.chars().take(299).collect::<String>()) } else { s }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    ctx: Ctx,
    q: AuditQuery,
    errors: Errors,
    entries: Vec<EntryView>,
    next: Option<i64>,
    /// What the list is limited to, in words ("Visar bara ändringar av
    /// Organisation: Exempla kommun."); empty when it is not.
    record_filter: String,
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
                        changed: e
                            .changed_fields()
                            .iter()
                            .filter(|f| !f.is_empty())
                            .map(|f| field_label(&ctx, f))
                            .collect::<Vec<_>>()
                            .join(", "),
                        changes: e
                            .field_changes()
                            .into_iter()
                            .map(|c| {
                                let rt = e.change.record_type.as_str();
                                ChangeLine {
                                    field: if c.field.is_empty() {
                                        ctx.t("audit-record")
                                    } else {
                                        field_label(&ctx, &c.field)
                                    },
                                    before: value_words(&ctx, &tree, rt, &c.field, c.before.as_ref()),
                                    after: value_words(&ctx, &tree, rt, &c.field, c.after.as_ref()),
                                }
                            })
                            .collect(),
                    }
                })
                .collect();
            (views, page.next_before, Errors::default())
        }
        Err(app::Error::Validation(errs)) => (Vec::new(), None, Errors::new(ctx.lang, &errs)),
        Err(e) => return Err(e.into()),
    };
    let record_filter = if q.record_id.is_empty() {
        String::new()
    } else {
        let record = entries.first().map_or_else(|| ctx.t("audit-record"), |e: &EntryView| e.record.clone());
        crate::i18n::t_args(ctx.lang, "audit-record-filtered", &[("record", record)])
    };
    render(&AuditPage { ctx, q, errors, entries, next, record_filter })
}
