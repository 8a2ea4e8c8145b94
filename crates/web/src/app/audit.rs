//! The audit log (spårbarhet): the entries of the caller's subtree, filtered.

use chrono::{TimeZone, Utc};
use domain::FieldError;
use domain::authz::Permission;
use domain::org::OrgTree;

use super::{Caller, Error, Result};

/// A filter as typed (every field may be empty).
#[derive(Debug, Default, Clone)]
pub struct AuditFilterFields {
    /// `org`, `user`, …
    pub record_type: String,
    pub record_id: String,
    /// The actor's e-mail.
    pub actor: String,
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD` (inclusive).
    pub to: String,
    /// Entries older than this sequence number (the next page).
    pub before: String,
}

/// Parses a filter into the store's terms, with field errors for bad dates.
pub fn parse_filter(
    q: &AuditFilterFields,
    scope: store::OrgScope,
    limit: i64,
) -> Result<store::AuditFilter, Vec<FieldError>> {
    let mut errs = Vec::new();
    // Dates within the years Lisa accepts anywhere (domain::parse_date), so
    // that an absurd year cannot overflow the day added to `to`.
    let mut date = |s: &str, field: &'static str| -> Option<chrono::DateTime<Utc>> {
        match domain::parse_date(field, s, false) {
            Ok(d) => d.and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| Utc.from_utc_datetime(&t)),
            Err(e) => {
                errs.push(e);
                None
            }
        }
    };
    let from = date(&q.from, "from");
    let to = date(&q.to, "to").map(|d| d + chrono::Duration::days(1));
    if let (Some(f), Some(t)) = (from, to)
        && t <= f
    {
        errs.push(FieldError::new("to", "error-date-order"));
    }
    let before_seq = if q.before.is_empty() {
        None
    } else {
        match q.before.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errs.push(FieldError::new("before", "error-malformed"));
                None
            }
        }
    };
    let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(store::AuditFilter {
        scope,
        record_type: opt(&q.record_type),
        record_id: opt(&q.record_id),
        actor: opt(&q.actor).map(|a| a.to_lowercase()),
        from,
        to,
        before_seq,
        limit,
    })
}

/// One page of the audit log and the tree, to name organisations.
pub struct AuditListing {
    pub page: store::AuditPage,
    pub tree: OrgTree,
}

/// The entries of the caller's subtree (all, for a system-wide role) that
/// match `fields`, newest first, at most `limit`.
#[tracing::instrument(skip_all, err(level = "debug"))]
pub async fn list_audit(
    store: &store::Store,
    caller: &Caller,
    fields: &AuditFilterFields,
    limit: i64,
) -> Result<AuditListing> {
    let p = &caller.principal;
    if !p.can_somewhere(Permission::ViewAudit) {
        return Err(Error::Forbidden);
    }
    let tree = store.org_tree_at(&caller.principal, caller.data_version).await?;
    let filter =
        parse_filter(fields, store::OrgScope::of(p, Permission::ViewAudit), limit).map_err(Error::Validation)?;
    let page = store.list_audit(&filter).await?;
    Ok(AuditListing { page, tree })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_checks_dates_and_includes_the_last_day() {
        let q = AuditFilterFields { from: "2026-11-02".into(), to: "2026-11-01".into(), ..Default::default() };
        let errs = parse_filter(&q, store::OrgScope::All, 10).unwrap_err();
        assert_eq!(errs[0].code, "error-date-order");
        let q = AuditFilterFields { from: "2.11.2026".into(), before: "x".into(), ..Default::default() };
        let codes: Vec<_> = parse_filter(&q, store::OrgScope::All, 10).unwrap_err().iter().map(|e| e.code).collect();
        assert_eq!(codes, ["error-date", "error-malformed"]);
        let q = AuditFilterFields { to: "2026-11-01".into(), actor: " Anna@X.se ".into(), ..Default::default() };
        let f = parse_filter(&q, store::OrgScope::All, 10).unwrap();
        assert_eq!(f.to.unwrap().date_naive().to_string(), "2026-11-02");
        assert_eq!(f.actor.as_deref(), Some("anna@x.se"));
    }
}
