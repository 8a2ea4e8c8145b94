//! Whom Lisa writes to: the active users holding a role at given
//! organisations (an incident's escalation goes to the coordinators, CISOs
//! and DPOs of the incident's organisation and the organisations above it).

use domain::incident::duties::{Alert, Step};
use domain::user::Role;
use uuid::Uuid;

use crate::{Result, Store, StoreError, with_pool};

/// The most organisations one look-up takes (a path from the root is short).
pub const MAX_CONTACT_ORGS: usize = 200;

impl Store {
    /// `(e-mail, role)` of the active users holding one of `roles` at one of
    /// `orgs`, each pair once, by e-mail.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(orgs = orgs.len()))]
    pub async fn role_emails(&self, orgs: &[Uuid], roles: &[Role]) -> Result<Vec<(String, Role)>> {
        if orgs.is_empty() || roles.is_empty() {
            return Ok(Vec::new());
        }
        if orgs.len() > MAX_CONTACT_ORGS {
            return Err(StoreError::Other(format!("{} organisations at once; at most {MAX_CONTACT_ORGS}", orgs.len())));
        }
        let rows: Vec<(String, String)> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT DISTINCT u.email, a.role FROM users u JOIN role_assignments a ON a.user_id = u.id \
                 WHERE u.active AND a.org_id IN (",
            );
            let mut sep = q.separated(", ");
            for id in orgs {
                sep.push_bind(*id);
            }
            q.push(") AND a.role IN (");
            let mut sep = q.separated(", ");
            for r in roles {
                sep.push_bind(r.code());
            }
            q.push(") ORDER BY u.email, a.role");
            q.build_query_as::<(String, String)>().fetch_all(p).await?
        });
        rows.into_iter()
            .map(|(email, role)| {
                let role = role.parse::<Role>().map_err(|_| StoreError::Other(format!("unknown role {role:?}")))?;
                Ok((email, role))
            })
            .collect()
    }

    /// Sets to how many addresses an incident's alert was e-mailed, after it
    /// was claimed ([`Store::record_incident_alert`] with 0) and sent. A
    /// counter on the alert's row; the claim carries the audit entry.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(incident_id = %incident_id))]
    pub async fn set_incident_alert_emailed(
        &self,
        incident_id: Uuid,
        step: Step,
        alert: Alert,
        emailed: u32,
    ) -> Result<()> {
        let emailed = i32::try_from(emailed).unwrap_or(i32::MAX);
        with_pool!(self, |p| {
            sqlx::query("UPDATE incident_alerts SET emailed = $1 WHERE incident_id = $2 AND step = $3 AND alert = $4")
                .bind(emailed)
                .bind(incident_id)
                .bind(step.code())
                .bind(alert.code())
                .execute(p)
                .await?
                .rows_affected()
        });
        Ok(())
    }
}
