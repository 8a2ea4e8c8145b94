//! The incident register: incidents with their timeline, the notifications
//! made to the authorities (IMY, CERT-SE, MSB) for each step of a reporting
//! duty, the escalations sent when a deadline is near or missed, and each
//! organisation's class under the cybersäkerhetslag (NIS2).

use chrono::{DateTime, Utc};
use domain::authz::{Permission, Principal};
use domain::incident::duties::{Alert, NisClass, Step};
use domain::incident::{Category, IncidentInput, ReportInput, Severity, Status, join_aspects, parse_aspects};
use domain::user::Role;
use serde::Serialize;
use sqlx::FromRow;
use uuid::Uuid;

use crate::OrgScope;
use crate::plan::{audit, code};
use crate::scope::push_scope;
use crate::{Actor, Result, Store, StoreError, check_org, with_pool, write_tx};

/// The most incidents one list returns (the newest first).
pub const MAX_INCIDENTS: usize = 5000;
/// The most entries one incident's timeline holds.
pub const MAX_ENTRIES: usize = 1000;

/// A stored incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Incident {
    pub id: Uuid,
    #[serde(flatten)]
    pub data: IncidentInput,
    pub status: Status,
    /// When it was entered into Lisa.
    pub registered_at: DateTime<Utc>,
    /// Set while it is closed.
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct IncidentRow {
    id: Uuid,
    org_id: Uuid,
    title: String,
    description: String,
    occurred_at: Option<DateTime<Utc>>,
    discovered_at: DateTime<Utc>,
    registered_at: DateTime<Utc>,
    category: String,
    aspects: String,
    personal_data: bool,
    severity: String,
    status: String,
    responsible: String,
    lessons: String,
    closed_at: Option<DateTime<Utc>>,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl IncidentRow {
    fn parse(self) -> Result<Incident> {
        let aspects = parse_aspects(&self.aspects).map_err(|_| {
            StoreError::Database(sqlx::Error::Decode(format!("unknown stored aspects {}", self.aspects).into()))
        })?;
        Ok(Incident {
            id: self.id,
            data: IncidentInput {
                title: self.title,
                description: self.description,
                occurred_at: self.occurred_at,
                discovered_at: self.discovered_at,
                category: code::<Category>(&self.category)?,
                aspects,
                personal_data: self.personal_data,
                severity: code::<Severity>(&self.severity)?,
                responsible: self.responsible,
                lessons: self.lessons,
                org_id: self.org_id,
            },
            status: code::<Status>(&self.status)?,
            registered_at: self.registered_at,
            closed_at: self.closed_at,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const INCIDENT_COLUMNS: &str = "SELECT i.id, i.org_id, i.title, i.description, i.occurred_at, i.discovered_at, \
     i.registered_at, i.category, i.aspects, i.personal_data, i.severity, i.status, i.responsible, i.lessons, \
     i.closed_at, i.created_by, i.created_at, i.updated_at FROM incidents i";

/// An entry in an incident's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncidentEntry {
    pub id: Uuid,
    pub incident_id: Uuid,
    pub at: DateTime<Utc>,
    /// Who wrote it (their e-mail address).
    pub author: String,
    pub text: String,
}

/// A notification recorded for one step of a reporting duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncidentReport {
    pub incident_id: Uuid,
    pub step: Step,
    #[serde(flatten)]
    pub data: ReportInput,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct ReportRow {
    incident_id: Uuid,
    step: String,
    at: Option<DateTime<Utc>>,
    not_required: bool,
    reference: String,
    note: String,
    recorded_by: String,
    recorded_at: DateTime<Utc>,
}

impl ReportRow {
    fn parse(self) -> Result<IncidentReport> {
        Ok(IncidentReport {
            incident_id: self.incident_id,
            step: code::<Step>(&self.step)?,
            data: ReportInput {
                at: self.at,
                not_required: self.not_required,
                reference: self.reference,
                note: self.note,
            },
            recorded_by: self.recorded_by,
            recorded_at: self.recorded_at,
        })
    }
}

const REPORT_COLUMNS: &str = "SELECT r.incident_id, r.step, r.at, r.not_required, r.reference, r.note, \
     r.recorded_by, r.recorded_at FROM incident_reports r";

/// An escalation sent for a step of an incident's duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncidentAlert {
    pub incident_id: Uuid,
    pub step: Step,
    pub alert: Alert,
    pub sent_at: DateTime<Utc>,
    /// To how many addresses it was e-mailed.
    pub emailed: i32,
}

/// An incident with the notifications recorded for it: what the duties'
/// clocks, the compilation and the escalation read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IncidentWithReports {
    pub incident: Incident,
    pub reports: Vec<IncidentReport>,
}

/// Which incidents a caller reaches: every incident of the organisations in
/// `full`, and the personal-data incidents of those in `personal_data` (a
/// data protection officer's, who sees no other incidents).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentScope {
    pub full: OrgScope,
    pub personal_data: OrgScope,
}

impl IncidentScope {
    /// Where `principal` holds `perm` (`ViewIncidents` or `ManageIncidents`):
    /// fully through any role but the DPO, for personal data through the DPO.
    pub fn of(principal: &Principal, perm: Permission) -> IncidentScope {
        let build = |dpo: bool| {
            let roles: Vec<Role> =
                Role::ALL.iter().copied().filter(|r| perm.granted_to(*r) && (*r == Role::Dpo) == dpo).collect();
            let held: Vec<_> = principal.assignments.iter().filter(|a| roles.contains(&a.role)).collect();
            if held.is_empty() {
                OrgScope::Nothing
            } else if held.iter().any(|a| a.org_id.is_none()) {
                OrgScope::All
            } else {
                OrgScope::Roles {
                    user_id: principal.user_id,
                    roles: roles.into_iter().map(Role::code).collect(),
                    and_above: false,
                }
            }
        };
        IncidentScope { full: build(false), personal_data: build(true) }
    }

    /// Nothing at all.
    pub fn nothing() -> IncidentScope {
        IncidentScope { full: OrgScope::Nothing, personal_data: OrgScope::Nothing }
    }

    pub fn is_nothing(&self) -> bool {
        self.full.is_nothing() && self.personal_data.is_nothing()
    }
}

/// Pushes the condition that an incident (alias `i`) lies in `$scope` (an [`IncidentScope`]).
macro_rules! push_incident_scope {
    ($q:expr, $scope:expr) => {{
        $q.push(" ((");
        push_scope!($q, "i.org_id", &$scope.full);
        $q.push(") OR (i.personal_data = ");
        $q.push_bind(true);
        $q.push(" AND");
        push_scope!($q, "i.org_id", &$scope.personal_data);
        $q.push("))");
    }};
}

/// What a list of incidents is narrowed to; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentFilter {
    /// Only incidents of this organisation's subtree.
    pub org: Option<Uuid>,
    pub status: Option<Status>,
    /// Only those not closed.
    pub open: bool,
    pub category: Option<Category>,
    pub severity: Option<Severity>,
    pub personal_data: Option<bool>,
    /// Discovered at or after.
    pub from: Option<DateTime<Utc>>,
    /// Discovered before.
    pub to: Option<DateTime<Utc>>,
}

fn incident_json(i: &IncidentInput) -> String {
    serde_json::to_string(i).unwrap_or_default()
}

macro_rules! fetch_incident {
    ($exec:expr, $id:expr) => {
        sqlx::query_as::<_, IncidentRow>(sqlx::AssertSqlSafe(format!("{INCIDENT_COLUMNS} WHERE i.id = $1")))
            .bind($id)
            .fetch_optional(&mut *$exec)
            .await?
            .map(IncidentRow::parse)
            .transpose()?
    };
}

impl Store {
    /// Registers an incident (status registered).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %data.org_id))]
    pub async fn insert_incident(&self, actor: &Actor, data: IncidentInput) -> Result<Incident> {
        let now = domain::now();
        let id = Uuid::now_v7();
        write_tx!(self, |tx, chain| {
            check_org!(tx, data.org_id);
            sqlx::query(
                "INSERT INTO incidents (id, org_id, title, description, occurred_at, discovered_at, registered_at, \
                 category, aspects, personal_data, severity, status, responsible, lessons, created_by, created_at, \
                 updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'registered', $12, $13, $14, $7, $7)",
            )
            .bind(id)
            .bind(data.org_id)
            .bind(&data.title)
            .bind(&data.description)
            .bind(data.occurred_at)
            .bind(data.discovered_at)
            .bind(now)
            .bind(data.category.code())
            .bind(join_aspects(&data.aspects))
            .bind(data.personal_data)
            .bind(data.severity.code())
            .bind(&data.responsible)
            .bind(&data.lessons)
            .bind(&actor.label)
            .execute(&mut *tx)
            .await?;
            chain.push(
                now,
                audit(actor, "incident.create", "incident", id, data.org_id, None, Some(incident_json(&data))),
            );
        });
        self.find_incident(id).await?.ok_or(StoreError::NotFound)
    }

    /// Changes an incident's description, classification and organisation.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn update_incident(&self, actor: &Actor, id: Uuid, data: IncidentInput) -> Result<Incident> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let before = fetch_incident!(tx, id).ok_or(StoreError::NotFound)?;
            check_org!(tx, data.org_id);
            sqlx::query(
                "UPDATE incidents SET org_id = $1, title = $2, description = $3, occurred_at = $4, discovered_at = $5, \
                 category = $6, aspects = $7, personal_data = $8, severity = $9, responsible = $10, lessons = $11, \
                 updated_at = $12 WHERE id = $13",
            )
            .bind(data.org_id)
            .bind(&data.title)
            .bind(&data.description)
            .bind(data.occurred_at)
            .bind(data.discovered_at)
            .bind(data.category.code())
            .bind(join_aspects(&data.aspects))
            .bind(data.personal_data)
            .bind(data.severity.code())
            .bind(&data.responsible)
            .bind(&data.lessons)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            chain.push(
                now,
                audit(
                    actor,
                    "incident.update",
                    "incident",
                    id,
                    data.org_id,
                    Some(incident_json(&before.data)),
                    Some(incident_json(&data)),
                ),
            );
        });
        self.find_incident(id).await?.ok_or(StoreError::NotFound)
    }

    /// Moves an incident to `to` (from `from`: a conflict if it moved
    /// meanwhile); closing sets the closing time, reopening clears it
    /// ([`domain::incident::move_status`]).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn set_incident_status(&self, actor: &Actor, id: Uuid, from: Status, to: Status) -> Result<Incident> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let i = fetch_incident!(tx, id).ok_or(StoreError::NotFound)?;
            if i.status != from {
                return Err(StoreError::conflict("status", "error-incident-status-changed"));
            }
            let closed_at = domain::incident::move_status(from, to, i.closed_at, now)
                .map_err(|e| StoreError::conflict(e.field, e.code))?;
            sqlx::query("UPDATE incidents SET status = $1, closed_at = $2, updated_at = $3 WHERE id = $4")
                .bind(to.code())
                .bind(closed_at)
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let json = |s: Status| serde_json::json!({ "status": s.code() }).to_string();
            chain.push(
                now,
                audit(actor, "incident.status", "incident", id, i.data.org_id, Some(json(from)), Some(json(to))),
            );
        });
        self.find_incident(id).await?.ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_incident(&self, id: Uuid) -> Result<Option<Incident>> {
        Ok(with_pool!(self, |p| {
            let mut conn = p.acquire().await?;
            fetch_incident!(conn, id)
        }))
    }

    /// The incidents in `scope` that `filter` lets through, the most
    /// recently discovered first (at most [`MAX_INCIDENTS`]).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_incidents(&self, scope: &IncidentScope, filter: &IncidentFilter) -> Result<Vec<Incident>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        let rows: Vec<IncidentRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{INCIDENT_COLUMNS} WHERE"));
            push_incident_scope!(q, scope);
            if let Some(org) = filter.org {
                q.push(" AND");
                push_scope!(q, "i.org_id", &OrgScope::Subtree(org));
            }
            if let Some(s) = filter.status {
                q.push(" AND i.status = ").push_bind(s.code());
            }
            if filter.open {
                q.push(" AND i.status <> 'closed'");
            }
            if let Some(c) = filter.category {
                q.push(" AND i.category = ").push_bind(c.code());
            }
            if let Some(s) = filter.severity {
                q.push(" AND i.severity = ").push_bind(s.code());
            }
            if let Some(pd) = filter.personal_data {
                q.push(" AND i.personal_data = ").push_bind(pd);
            }
            if let Some(f) = filter.from {
                q.push(" AND i.discovered_at >= ").push_bind(f);
            }
            if let Some(t) = filter.to {
                q.push(" AND i.discovered_at < ").push_bind(t);
            }
            q.push(" ORDER BY i.discovered_at DESC, i.id LIMIT ").push_bind(MAX_INCIDENTS as i64);
            q.build_query_as::<IncidentRow>().fetch_all(p).await?
        });
        rows.into_iter().map(IncidentRow::parse).collect()
    }

    /// Adds an entry to an incident's timeline (at most [`MAX_ENTRIES`]).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, incident_id = %incident_id))]
    pub async fn add_incident_entry(&self, actor: &Actor, incident_id: Uuid, text: &str) -> Result<IncidentEntry> {
        let now = domain::now();
        let id = Uuid::now_v7();
        write_tx!(self, |tx, chain| {
            let i = fetch_incident!(tx, incident_id).ok_or(StoreError::NotFound)?;
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM incident_entries WHERE incident_id = $1")
                .bind(incident_id)
                .fetch_one(&mut *tx)
                .await?;
            if n as usize >= MAX_ENTRIES {
                return Err(StoreError::conflict("text", "error-incident-too-many"));
            }
            sqlx::query("INSERT INTO incident_entries (id, incident_id, at, author, text) VALUES ($1, $2, $3, $4, $5)")
                .bind(id)
                .bind(incident_id)
                .bind(now)
                .bind(&actor.label)
                .bind(text)
                .execute(&mut *tx)
                .await?;
            let after = serde_json::json!({ "entry": id, "text": text }).to_string();
            chain.push(now, audit(actor, "incident.entry", "incident", incident_id, i.data.org_id, None, Some(after)));
        });
        Ok(IncidentEntry { id, incident_id, at: now, author: actor.label.clone(), text: text.to_owned() })
    }

    /// An incident's timeline, oldest first.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(incident_id = %incident_id))]
    pub async fn incident_entries(&self, incident_id: Uuid) -> Result<Vec<IncidentEntry>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, IncidentEntry>(
                "SELECT id, incident_id, at, author, text FROM incident_entries WHERE incident_id = $1 \
                 ORDER BY at, id",
            )
            .bind(incident_id)
            .fetch_all(p)
            .await?
        }))
    }

    /// Records (or corrects) the notification made for one step of a duty.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, incident_id = %incident_id))]
    pub async fn record_incident_report(
        &self,
        actor: &Actor,
        incident_id: Uuid,
        step: Step,
        data: ReportInput,
    ) -> Result<IncidentReport> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let i = fetch_incident!(tx, incident_id).ok_or(StoreError::NotFound)?;
            let before: Option<ReportRow> = sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(format!(
                "{REPORT_COLUMNS} WHERE r.incident_id = $1 AND r.step = $2"
            )))
            .bind(incident_id)
            .bind(step.code())
            .fetch_optional(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO incident_reports (incident_id, step, at, not_required, reference, note, recorded_by, \
                 recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (incident_id, step) DO UPDATE SET \
                 at = excluded.at, not_required = excluded.not_required, reference = excluded.reference, \
                 note = excluded.note, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
            )
            .bind(incident_id)
            .bind(step.code())
            .bind(data.at)
            .bind(data.not_required)
            .bind(&data.reference)
            .bind(&data.note)
            .bind(&actor.label)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let json = |r: &ReportInput| serde_json::json!({ "step": step.code(), "report": r }).to_string();
            let before = before.map(ReportRow::parse).transpose()?.map(|r| json(&r.data));
            chain.push(
                now,
                audit(actor, "incident.report", "incident", incident_id, i.data.org_id, before, Some(json(&data))),
            );
        });
        Ok(IncidentReport { incident_id, step, data, recorded_by: actor.label.clone(), recorded_at: now })
    }

    /// The notifications recorded for an incident, in step order.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(incident_id = %incident_id))]
    pub async fn incident_reports(&self, incident_id: Uuid) -> Result<Vec<IncidentReport>> {
        let rows: Vec<ReportRow> = with_pool!(self, |p| {
            sqlx::query_as::<_, ReportRow>(sqlx::AssertSqlSafe(format!("{REPORT_COLUMNS} WHERE r.incident_id = $1")))
                .bind(incident_id)
                .fetch_all(p)
                .await?
        });
        let mut out: Vec<IncidentReport> = rows.into_iter().map(ReportRow::parse).collect::<Result<_>>()?;
        out.sort_by_key(|r| r.step);
        Ok(out)
    }

    /// Sets (or clears) an organisation's class under the cybersäkerhetslag.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %org_id))]
    pub async fn set_org_nis_class(&self, actor: &Actor, org_id: Uuid, class: Option<NisClass>) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let before: Option<(Option<String>,)> = sqlx::query_as("SELECT nis_class FROM orgs WHERE id = $1")
                .bind(org_id)
                .fetch_optional(&mut *tx)
                .await?;
            let (before,) = before.ok_or(StoreError::NotFound)?;
            sqlx::query("UPDATE orgs SET nis_class = $1, updated_at = $2 WHERE id = $3")
                .bind(class.map(NisClass::code))
                .bind(now)
                .bind(org_id)
                .execute(&mut *tx)
                .await?;
            let json = |c: Option<&str>| serde_json::json!({ "nis_class": c }).to_string();
            chain.push(
                now,
                audit(
                    actor,
                    "org.nis_class",
                    "org",
                    org_id,
                    org_id,
                    Some(json(before.as_deref())),
                    Some(json(class.map(NisClass::code))),
                ),
            );
        });
        Ok(())
    }

    /// An organisation's class under the cybersäkerhetslag, if one is set.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(org_id = %org_id))]
    pub async fn org_nis_class(&self, org_id: Uuid) -> Result<Option<NisClass>> {
        let row: Option<(Option<String>,)> = with_pool!(self, |p| {
            sqlx::query_as("SELECT nis_class FROM orgs WHERE id = $1").bind(org_id).fetch_optional(p).await?
        });
        row.ok_or(StoreError::NotFound)?.0.as_deref().map(code::<NisClass>).transpose()
    }

    /// Every organisation with a class under the cybersäkerhetslag (few:
    /// only legal entities have one).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn nis_classes(&self) -> Result<Vec<(Uuid, NisClass)>> {
        let rows: Vec<(Uuid, String)> = with_pool!(self, |p| {
            sqlx::query_as("SELECT id, nis_class FROM orgs WHERE nis_class IS NOT NULL ORDER BY id")
                .fetch_all(p)
                .await?
        });
        rows.into_iter().map(|(id, c)| Ok((id, code::<NisClass>(&c)?))).collect()
    }

    /// The NIS classes of the organisations `ids` that have one: what the
    /// legal entities of the incidents at hand need, never the whole
    /// installation's (one statement per 500 ids).
    pub async fn nis_classes_of(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, NisClass)>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let rows: Vec<(Uuid, String)> = with_pool!(self, |p| {
                let mut q =
                    sqlx::QueryBuilder::new("SELECT id, nis_class FROM orgs WHERE nis_class IS NOT NULL AND id IN (");
                let mut sep = q.separated(", ");
                for id in chunk {
                    sep.push_bind(*id);
                }
                q.push(") ORDER BY id");
                q.build_query_as::<(Uuid, String)>().fetch_all(p).await?
            });
            for (id, c) in rows {
                out.push((id, code::<NisClass>(&c)?));
            }
        }
        Ok(out)
    }

    /// The incidents in `scope` of `within`'s subtree discovered in
    /// `[from, to)`, with their notifications: what the compilation counts.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(within = %within))]
    pub async fn incident_facts(
        &self,
        scope: &IncidentScope,
        within: Uuid,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<IncidentWithReports>> {
        let filter = IncidentFilter { org: Some(within), from: Some(from), to: Some(to), ..Default::default() };
        let incidents = self.list_incidents(scope, &filter).await?;
        self.with_reports(incidents).await
    }

    /// The incidents not closed and discovered after `since`, with their
    /// notifications: what the escalation checks for deadlines.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn open_incidents_for_alerts(&self, since: DateTime<Utc>) -> Result<Vec<IncidentWithReports>> {
        let rows: Vec<IncidentRow> = with_pool!(self, |p| {
            sqlx::query_as::<_, IncidentRow>(sqlx::AssertSqlSafe(format!(
                "{INCIDENT_COLUMNS} WHERE i.status <> 'closed' AND i.discovered_at > $1 ORDER BY i.discovered_at, i.id"
            )))
            .bind(since)
            .fetch_all(p)
            .await?
        });
        let incidents = rows.into_iter().map(IncidentRow::parse).collect::<Result<Vec<_>>>()?;
        self.with_reports(incidents).await
    }

    /// The notifications recorded for the incidents `ids`, by incident and
    /// step; read 500 incidents a statement.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(incidents = ids.len()))]
    pub async fn reports_of_incidents(&self, ids: &[Uuid]) -> Result<Vec<IncidentReport>> {
        let mut reports: Vec<IncidentReport> = Vec::new();
        for chunk in ids.chunks(500) {
            let rows: Vec<ReportRow> = with_pool!(self, |p| {
                let mut q = sqlx::QueryBuilder::new(format!("{REPORT_COLUMNS} WHERE r.incident_id IN ("));
                let mut sep = q.separated(", ");
                for id in chunk {
                    sep.push_bind(*id);
                }
                q.push(")");
                q.build_query_as::<ReportRow>().fetch_all(p).await?
            });
            for r in rows {
                reports.push(r.parse()?);
            }
        }
        reports.sort_by_key(|r| (r.incident_id, r.step));
        Ok(reports)
    }

    /// Each incident with its notifications.
    async fn with_reports(&self, incidents: Vec<Incident>) -> Result<Vec<IncidentWithReports>> {
        let ids: Vec<Uuid> = incidents.iter().map(|i| i.id).collect();
        let mut by: std::collections::HashMap<Uuid, Vec<IncidentReport>> = std::collections::HashMap::new();
        for r in self.reports_of_incidents(&ids).await? {
            by.entry(r.incident_id).or_default().push(r);
        }
        Ok(incidents
            .into_iter()
            .map(|incident| {
                let reports = by.remove(&incident.id).unwrap_or_default();
                IncidentWithReports { incident, reports }
            })
            .collect())
    }

    /// Records that the escalation `alert` of `step` was sent for an
    /// incident (in Lisa, and by e-mail to `emailed` addresses), with its
    /// audit entry; `false` if it had been sent already, by this process
    /// or another.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(incident_id = %incident_id))]
    pub async fn record_incident_alert(
        &self,
        incident_id: Uuid,
        step: Step,
        alert: Alert,
        emailed: u32,
    ) -> Result<bool> {
        let now = domain::now();
        Ok(write_tx!(self, |tx, chain| {
            let i = fetch_incident!(tx, incident_id).ok_or(StoreError::NotFound)?;
            let done = sqlx::query(
                "INSERT INTO incident_alerts (incident_id, step, alert, sent_at, emailed) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (incident_id, step, alert) DO NOTHING",
            )
            .bind(incident_id)
            .bind(step.code())
            .bind(alert.code())
            .bind(now)
            .bind(emailed.min(i32::MAX as u32) as i32)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 1 {
                let after =
                    serde_json::json!({ "step": step.code(), "alert": alert.code(), "emailed": emailed }).to_string();
                chain.push(
                    now,
                    audit(
                        &Actor::system(),
                        "incident.alert",
                        "incident",
                        incident_id,
                        i.data.org_id,
                        None,
                        Some(after),
                    ),
                );
            }
            done == 1
        }))
    }

    /// The escalations sent for an incident, oldest first.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(incident_id = %incident_id))]
    pub async fn incident_alerts(&self, incident_id: Uuid) -> Result<Vec<IncidentAlert>> {
        let rows: Vec<(String, String, DateTime<Utc>, i32)> = with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT step, alert, sent_at, emailed FROM incident_alerts WHERE incident_id = $1 \
                 ORDER BY sent_at, step, alert",
            )
            .bind(incident_id)
            .fetch_all(p)
            .await?
        });
        rows.into_iter()
            .map(|(step, alert, sent_at, emailed)| {
                Ok(IncidentAlert { incident_id, step: code(&step)?, alert: code(&alert)?, sent_at, emailed })
            })
            .collect()
    }
}
