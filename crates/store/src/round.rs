//! Follow-up rounds: the round, its invitations, what each respondent shared,
//! reminders and mappings between model versions.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::round::{InviteeStatus, Phase, RoundInput, SharedResult, SizeClass};
use serde::Serialize;
use sqlx::FromRow;
use uuid::Uuid;

use crate::OrgScope;
use crate::plan::{audit, code};
use crate::scope::push_scope;
use crate::{Actor, Result, Store, StoreError, with_pool, write_tx};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Round {
    pub id: Uuid,
    /// The coordinating organisation.
    pub org_id: Uuid,
    pub model_id: Uuid,
    #[serde(flatten)]
    pub data: RoundInput,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Round {
    pub fn phase(&self, today: NaiveDate) -> Phase {
        domain::round::phase(self.data.opens_on, self.data.closes_on, self.closed_at.is_some(), today)
    }
}

#[derive(FromRow, Clone)]
struct RoundRow {
    id: Uuid,
    org_id: Uuid,
    name: String,
    model_id: Uuid,
    period: i32,
    opens_on: NaiveDate,
    closes_on: NaiveDate,
    message: String,
    k: i32,
    remind_days: i32,
    closed_at: Option<DateTime<Utc>>,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<RoundRow> for Round {
    fn from(r: RoundRow) -> Round {
        Round {
            id: r.id,
            org_id: r.org_id,
            model_id: r.model_id,
            data: RoundInput {
                name: r.name,
                period: r.period,
                opens_on: r.opens_on,
                closes_on: r.closes_on,
                message: r.message,
                k: r.k.max(1) as usize,
                remind_days: r.remind_days.max(0) as u32,
            },
            closed_at: r.closed_at,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

const ROUND_COLUMNS: &str = "SELECT id, org_id, name, model_id, period, opens_on, closes_on, message, k, remind_days, \
                             closed_at, created_by, created_at, updated_at FROM rounds";

/// What a respondent shares when it submits.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewResponse {
    pub assessment_id: Option<Uuid>,
    /// The organisation's kind (code) when it submitted.
    pub kind: String,
    pub employees: u32,
    pub result: SharedResult,
    /// Question id → answer code, only when the respondent chose to share its answers.
    pub answers: Option<BTreeMap<String, String>>,
}

/// A stored response (submitted or withdrawn).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Response {
    pub round_id: Uuid,
    pub org_id: Uuid,
    pub status: InviteeStatus,
    pub assessment_id: Option<Uuid>,
    pub kind: String,
    pub employees: u32,
    pub size_class: SizeClass,
    pub result: SharedResult,
    pub answers: Option<BTreeMap<String, String>>,
    /// Who submitted it (the audit log's label, an e-mail address): kept for
    /// the respondent's own audit trail and never sent to the coordinator,
    /// who is told which organisation answered, not which person.
    #[serde(skip_serializing)]
    pub submitted_by: String,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct ResponseRow {
    round_id: Uuid,
    org_id: Uuid,
    status: String,
    assessment_id: Option<Uuid>,
    kind: String,
    employees: i32,
    size_class: String,
    result: String,
    answers: Option<String>,
    submitted_by: String,
    submitted_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// Parses rows in order, a share of them on each core when there are many
/// (a national round's shared results are tens of thousands of JSON
/// documents, and parsing them is most of the first computation of its
/// figures). A panic in a parsing thread goes on in the caller.
fn parse_on_every_core<R: Send, T: Send>(rows: Vec<R>, parse: impl Fn(R) -> Result<T> + Sync) -> Result<Vec<T>> {
    /// Fewer rows than this each are parsed where they are.
    const ROWS_PER_THREAD: usize = 2_000;
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let threads = cores.min(rows.len() / ROWS_PER_THREAD).max(1);
    if threads == 1 {
        return rows.into_iter().map(parse).collect();
    }
    let per_thread = rows.len().div_ceil(threads);
    let mut rows = rows.into_iter();
    let chunks: Vec<Vec<R>> = (0..threads).map(|_| rows.by_ref().take(per_thread).collect()).collect();
    let parse = &parse;
    std::thread::scope(|scope| {
        let parsing: Vec<_> = chunks
            .into_iter()
            .map(|c| scope.spawn(move || c.into_iter().map(parse).collect::<Result<Vec<T>>>()))
            .collect();
        let mut out = Vec::new();
        for p in parsing {
            out.extend(p.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?);
        }
        Ok(out)
    })
}

fn json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

/// A time as sqlx stores it in SQLite (RFC 3339), or as SQLite writes one
/// itself (`YYYY-MM-DD HH:MM:SS`, in UTC).
fn sqlite_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| chrono::NaiveDateTime::parse_from_str(s, "%F %T%.f").ok().map(|t| t.and_utc()))
}

impl ResponseRow {
    fn parse(self) -> Result<Response> {
        Ok(Response {
            round_id: self.round_id,
            org_id: self.org_id,
            status: code(&self.status)?,
            assessment_id: self.assessment_id,
            kind: self.kind,
            employees: self.employees.max(0) as u32,
            size_class: code(&self.size_class)?,
            result: json(&self.result)?,
            answers: self.answers.as_deref().map(json).transpose()?,
            submitted_by: self.submitted_by,
            submitted_at: self.submitted_at,
            updated_at: self.updated_at,
        })
    }
}

/// The part of a submitted response that aggregation needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Shared {
    pub org_id: Uuid,
    pub kind: String,
    pub size_class: SizeClass,
    pub result: SharedResult,
    /// When the response (and so its snapshot of the self-assessment) was submitted.
    pub submitted_at: DateTime<Utc>,
}

/// An invited organisation and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitee {
    pub org_id: Uuid,
    pub status: InviteeStatus,
    pub reminded_at: Option<DateTime<Utc>>,
}

/// An invited organisation as a round's page lists it: its name and kind too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedInvitee {
    pub org_id: Uuid,
    pub name: String,
    pub kind: domain::org::OrgKind,
    pub status: InviteeStatus,
    pub reminded_at: Option<DateTime<Utc>>,
}

/// One page of a round's invitees, how many match, and how many stand where
/// in the whole round.
#[derive(Debug, Clone, Default)]
pub struct InviteePage {
    pub rows: Vec<ListedInvitee>,
    /// Invitees that match the search and the status filter.
    pub matching: i64,
    /// Every invitee of the round, by status.
    pub counts: Vec<(InviteeStatus, i64)>,
}

/// What a round's invitee lists read: each invitation with its
/// organisation. The response, the reminder and whether a self-assessment
/// exists are read by scalar subqueries rather than joins: PostgreSQL plans
/// these statements anew on every execution (custom plans, as rounds of 7
/// and of 20,000 invitees sit side by side), and a two-table join plans in a
/// fifth of the time of a four-table one (0.2 against 1.1 ms, measured with
/// `EXPLAIN (ANALYZE, SUMMARY)`); PostgreSQL evaluates the subqueries after
/// the sort, for the rows of the page only.
const INVITEES_FROM: &str = " FROM round_invitations i JOIN orgs o ON o.id = i.org_id WHERE i.round_id = ";

/// The status of invitation `i`'s response, if any (an SQL expression).
const INVITEE_RESPONSE: &str =
    "(SELECT s.status FROM round_responses s WHERE s.round_id = i.round_id AND s.org_id = i.org_id)";

/// Pushes whether invitation `i`'s organisation has a self-assessment of `period`.
macro_rules! push_has_assessment {
    ($q:expr, $period:expr) => {{
        $q.push("EXISTS (SELECT 1 FROM assessments a WHERE a.org_id = i.org_id AND a.period = ");
        $q.push_bind($period);
        $q.push(")");
    }};
}

/// Pushes where invitation `i` stands (as [`invitee_status`] decides it),
/// given its response's status in `$response` (an SQL expression), for a
/// round of `period`.
macro_rules! push_invitee_status {
    ($q:expr, $response:expr, $period:expr) => {{
        $q.push(format!("COALESCE({}, CASE WHEN ", $response));
        push_has_assessment!($q, $period);
        $q.push(" THEN 'draft' ELSE 'not_started' END)");
    }};
}

/// A round as a caller reaches it ([`Store::find_round_for`]).
#[derive(Debug, Clone)]
pub struct RoundFor {
    pub round: Round,
    /// The round's organisation is in the caller's scope for running rounds.
    pub coordinates: bool,
    /// The data's version when the round was read.
    pub data_version: i64,
    /// The invited organisations in the caller's scope for self-assessments, in order.
    pub mine: Vec<Uuid>,
    /// Their responses, where they have one.
    pub responses: Vec<Response>,
}

/// One invitation of an organisation, with its round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub round: Round,
    pub org_id: Uuid,
    pub status: InviteeStatus,
    pub reminded_at: Option<DateTime<Utc>>,
}

/// A stored mapping between two model versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MappingRow {
    pub id: Uuid,
    pub from_model_id: Uuid,
    pub to_model_id: Uuid,
    pub mapping: domain::round::Mapping,
}

fn invitee_status(response: Option<&str>, has_assessment: bool) -> Result<InviteeStatus> {
    Ok(match response {
        Some(s) => code(s)?,
        None if has_assessment => InviteeStatus::Draft,
        None => InviteeStatus::NotStarted,
    })
}

/// Inserts invitations in chunks (both backends limit bound parameters).
macro_rules! insert_invitations {
    ($tx:expr, $round:expr, $orgs:expr, $now:expr) => {
        for chunk in $orgs.chunks(500) {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO round_invitations (round_id, org_id, invited_at) ");
            q.push_values(chunk, |mut b, org| {
                b.push_bind($round).push_bind(*org).push_bind($now);
            });
            q.build().execute(&mut *$tx).await?;
        }
    };
}

macro_rules! upsert_response {
    ($tx:expr, $round:expr, $org:expr, $r:expr, $by:expr, $now:expr) => {{
        let size = SizeClass::of($r.employees);
        let result = serde_json::to_string(&$r.result).expect("a result serialises");
        let answers = $r.answers.as_ref().map(|a| serde_json::to_string(a).expect("answers serialise"));
        sqlx::query(
            "INSERT INTO round_responses (round_id, org_id, status, assessment_id, kind, employees, size_class, level, result, \
             answers, submitted_by, submitted_at, updated_at) VALUES ($1, $2, 'submitted', $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
             ON CONFLICT (round_id, org_id) DO UPDATE SET status = 'submitted', assessment_id = $3, kind = $4, employees = $5, \
             size_class = $6, level = $7, result = $8, answers = $9, submitted_by = $10, submitted_at = $11, updated_at = $11",
        )
        .bind($round).bind($org).bind($r.assessment_id).bind(&$r.kind).bind(i32::try_from($r.employees).unwrap_or(i32::MAX)).bind(size.code())
        .bind(i32::from($r.result.level)).bind(result).bind(answers).bind($by).bind($now)
        .execute(&mut *$tx).await?;
    }};
}

/// Refuses a write to a round's answers once its coordinator has closed it,
/// read inside the write's own transaction: every write transaction holds
/// the store's write lock (`BEGIN IMMEDIATE` on SQLite, the audit head row
/// locked on PostgreSQL), so a close cannot slip in between this check and
/// the write. The dates of a round never change; the use case checks them
/// against today with [`domain::round::phase`] before it writes.
macro_rules! still_open {
    ($tx:expr, $round:expr) => {{
        let row: Option<(Option<DateTime<Utc>>,)> =
            sqlx::query_as("SELECT closed_at FROM rounds WHERE id = $1").bind($round).fetch_optional(&mut *$tx).await?;
        match row {
            None => return Err(StoreError::NotFound),
            // Closed early is closed, whatever the date (`domain::round::phase`).
            Some((Some(_),)) => return Err(StoreError::conflict("status", domain::round::ERROR_NOT_OPEN)),
            Some((None,)) => {}
        }
    }};
}

impl Store {
    /// Creates a round with its invitations in one transaction.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %org_id, model_id = %model_id))]
    pub async fn insert_round(
        &self,
        actor: &Actor,
        org_id: Uuid,
        model_id: Uuid,
        data: RoundInput,
        invitees: &[Uuid],
    ) -> Result<Round> {
        let now = domain::now();
        let round = Round {
            id: Uuid::now_v7(),
            org_id,
            model_id,
            data,
            closed_at: None,
            created_by: actor.label.clone(),
            created_at: now,
            updated_at: now,
        };
        let mut invitees = invitees.to_vec();
        invitees.sort();
        invitees.dedup();
        if invitees.is_empty() {
            return Err(StoreError::conflict("invitees", "error-no-invitees"));
        }
        write_tx!(self, |tx, chain| {
            let model: Option<(Uuid,)> =
                sqlx::query_as("SELECT id FROM models WHERE id = $1").bind(model_id).fetch_optional(&mut *tx).await?;
            if model.is_none() {
                return Err(StoreError::conflict("model", "error-model-unknown"));
            }
            let d = &round.data;
            sqlx::query(
                "INSERT INTO rounds (id, org_id, name, model_id, period, opens_on, closes_on, message, k, remind_days, created_by, \
                 created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
            )
            .bind(round.id).bind(org_id).bind(&d.name).bind(model_id).bind(d.period).bind(d.opens_on).bind(d.closes_on)
            .bind(&d.message).bind(d.k as i32).bind(d.remind_days as i32).bind(&round.created_by).bind(now)
            .execute(&mut *tx).await?;
            insert_invitations!(tx, round.id, invitees, now);
            let after = serde_json::json!({ "round": d, "invitees": invitees.len() }).to_string();
            chain.push(now, audit(actor, "round.create", "round", round.id, org_id, None, Some(after)));
        });
        Ok(round)
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_round(&self, id: Uuid) -> Result<Option<Round>> {
        let row: Option<RoundRow> = with_pool!(self, |p| {
            sqlx::query_as::<_, RoundRow>(sqlx::AssertSqlSafe(format!("{ROUND_COLUMNS} WHERE id = $1")))
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        Ok(row.map(Round::from))
    }

    /// A round as a caller reaches it, in one statement: whether its
    /// organisation is in `coordinators` (the caller's scope for running
    /// rounds), the data's version (the audit head's sequence, see
    /// [`Store::find_review_versioned`]), and the invited organisations in
    /// `viewer` (the caller's scope for self-assessments) with their
    /// responses.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_round_for(
        &self,
        id: Uuid,
        coordinators: &OrgScope,
        viewer: &OrgScope,
    ) -> Result<Option<RoundFor>> {
        #[derive(FromRow)]
        struct Row {
            #[sqlx(flatten)]
            round: RoundRow,
            coordinates: bool,
            data_version: i64,
            invited: Option<Uuid>,
            s_status: Option<String>,
            s_assessment_id: Option<Uuid>,
            s_kind: Option<String>,
            s_employees: Option<i32>,
            s_size_class: Option<String>,
            s_result: Option<String>,
            s_answers: Option<String>,
            s_submitted_by: Option<String>,
            s_submitted_at: Option<DateTime<Utc>>,
            s_updated_at: Option<DateTime<Utc>>,
        }
        let rows: Vec<Row> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT r.id, r.org_id, r.name, r.model_id, r.period, r.opens_on, r.closes_on, r.message, r.k, \
                 r.remind_days, r.closed_at, r.created_by, r.created_at, r.updated_at, CASE WHEN",
            );
            push_scope!(q, "r.org_id", coordinators);
            q.push(
                " THEN TRUE ELSE FALSE END AS coordinates, \
                 (SELECT seq FROM audit_head WHERE audit_head.id = 1) AS data_version, i.org_id AS invited, \
                 s.status AS s_status, s.assessment_id AS s_assessment_id, s.kind AS s_kind, s.employees AS s_employees, \
                 s.size_class AS s_size_class, s.result AS s_result, s.answers AS s_answers, \
                 s.submitted_by AS s_submitted_by, s.submitted_at AS s_submitted_at, s.updated_at AS s_updated_at \
                 FROM rounds r LEFT JOIN round_invitations i ON i.round_id = r.id AND",
            );
            push_scope!(q, "i.org_id", viewer);
            q.push(" LEFT JOIN round_responses s ON s.round_id = i.round_id AND s.org_id = i.org_id WHERE r.id = ");
            q.push_bind(id);
            q.build_query_as::<Row>().fetch_all(p).await?
        });
        let Some(first) = rows.first() else { return Ok(None) };
        let (coordinates, data_version) = (first.coordinates, first.data_version);
        let round = Round::from(first.round.clone());
        let (mut mine, mut responses) = (Vec::new(), Vec::new());
        for r in rows {
            let Some(org_id) = r.invited else { continue };
            mine.push(org_id);
            let (
                Some(status),
                Some(kind),
                Some(employees),
                Some(size_class),
                Some(result),
                Some(by),
                Some(at),
                Some(upd),
            ) = (
                r.s_status,
                r.s_kind,
                r.s_employees,
                r.s_size_class,
                r.s_result,
                r.s_submitted_by,
                r.s_submitted_at,
                r.s_updated_at,
            )
            else {
                continue;
            };
            responses.push(
                ResponseRow {
                    round_id: id,
                    org_id,
                    status,
                    assessment_id: r.s_assessment_id,
                    kind,
                    employees,
                    size_class,
                    result,
                    answers: r.s_answers,
                    submitted_by: by,
                    submitted_at: at,
                    updated_at: upd,
                }
                .parse()?,
            );
        }
        mine.sort_unstable();
        Ok(Some(RoundFor { round, coordinates, data_version, mine, responses }))
    }

    /// Rounds run by the organisations in `scope`, newest period first.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_rounds_of(&self, scope: &OrgScope) -> Result<Vec<Round>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        let rows: Vec<RoundRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(ROUND_COLUMNS);
            q.push(" WHERE");
            push_scope!(q, "org_id", scope);
            q.push(" ORDER BY period DESC, created_at DESC");
            q.build_query_as::<RoundRow>().fetch_all(p).await?
        });
        Ok(rows.into_iter().map(Round::from).collect())
    }

    /// The invitations of the organisations in `scope`, newest round first.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_invitations(&self, scope: &OrgScope) -> Result<Vec<Invitation>> {
        self.invitations(scope, None).await
    }

    /// The invitations of the organisations in `scope` to one round.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(round_id = %round_id))]
    pub async fn list_round_invitations(&self, round_id: Uuid, scope: &OrgScope) -> Result<Vec<Invitation>> {
        self.invitations(scope, Some(round_id)).await
    }

    async fn invitations(&self, scope: &OrgScope, round_id: Option<Uuid>) -> Result<Vec<Invitation>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        #[derive(FromRow)]
        struct Row {
            #[sqlx(flatten)]
            round: RoundRow,
            invited: Uuid,
            response: Option<String>,
            has_assessment: bool,
            reminded_at: Option<DateTime<Utc>>,
        }
        let rows: Vec<Row> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT r.id, r.org_id, r.name, r.model_id, r.period, r.opens_on, r.closes_on, r.message, r.k, r.remind_days, \
                 r.closed_at, r.created_by, r.created_at, r.updated_at, i.org_id AS invited, s.status AS response, \
                 EXISTS (SELECT 1 FROM assessments a WHERE a.org_id = i.org_id AND a.period = r.period) AS has_assessment, \
                 m.sent_at AS reminded_at \
                 FROM round_invitations i JOIN rounds r ON r.id = i.round_id \
                 LEFT JOIN round_responses s ON s.round_id = i.round_id AND s.org_id = i.org_id \
                 LEFT JOIN round_reminders m ON m.round_id = i.round_id AND m.org_id = i.org_id WHERE",
            );
            if let Some(id) = round_id {
                q.push(" i.round_id = ");
                q.push_bind(id);
                q.push(" AND");
            }
            push_scope!(q, "i.org_id", scope);
            q.push(" ORDER BY r.period DESC, r.created_at DESC");
            q.build_query_as::<Row>().fetch_all(p).await?
        });
        rows.into_iter()
            .map(|r| {
                Ok(Invitation {
                    status: invitee_status(r.response.as_deref(), r.has_assessment)?,
                    org_id: r.invited,
                    reminded_at: r.reminded_at,
                    round: Round::from(r.round),
                })
            })
            .collect()
    }

    /// Every invited organisation of a round and where it stands.
    #[allow(clippy::type_complexity)]
    #[tracing::instrument(skip_all, err(level = "debug"), fields(round_id = %round_id))]
    pub async fn list_invitees(&self, round_id: Uuid) -> Result<Vec<Invitee>> {
        let rows: Vec<(Uuid, Option<String>, bool, Option<DateTime<Utc>>)> = with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT i.org_id, s.status, \
                 EXISTS (SELECT 1 FROM assessments a WHERE a.org_id = i.org_id AND a.period = r.period), m.sent_at \
                 FROM round_invitations i JOIN rounds r ON r.id = i.round_id \
                 LEFT JOIN round_responses s ON s.round_id = i.round_id AND s.org_id = i.org_id \
                 LEFT JOIN round_reminders m ON m.round_id = i.round_id AND m.org_id = i.org_id \
                 WHERE i.round_id = $1",
            )
            .bind(round_id)
            .fetch_all(p)
            .await?
        });
        rows.into_iter()
            .map(|(org_id, resp, has, reminded_at)| {
                Ok(Invitee { org_id, status: invitee_status(resp.as_deref(), has)?, reminded_at })
            })
            .collect()
    }

    /// One page of a round's invitees by name (`limit` from `offset`),
    /// those with `status` only if given, whose name holds `search` in any
    /// case; with how many match and how many of the whole round stand
    /// where. One statement when the whole round fits on the page, two
    /// otherwise, three when a filtered list has more than one page,
    /// whatever the round's size.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(round_id = %round.id))]
    pub async fn invitees_page(
        &self,
        round: &Round,
        status: Option<InviteeStatus>,
        search: &str,
        offset: i64,
        limit: i64,
    ) -> Result<InviteePage> {
        let (round_id, period) = (round.id, round.data.period);
        let search = search.trim();
        let (like, glob) = (crate::search::like(search), crate::search::glob(search));
        macro_rules! filter {
            ($q:expr, $glob:expr) => {{
                $q.push(INVITEES_FROM);
                $q.push_bind(round_id);
                if let Some(st) = status {
                    $q.push(" AND ");
                    push_invitee_status!($q, INVITEE_RESPONSE, period);
                    $q.push(" = ");
                    $q.push_bind(st.code());
                }
                if !search.is_empty() && $glob {
                    $q.push(" AND o.name GLOB ");
                    $q.push_bind(glob.clone());
                } else if !search.is_empty() {
                    $q.push(" AND lower(o.name) LIKE ");
                    $q.push_bind(like.clone());
                    $q.push(" ESCAPE '\\'");
                }
            }};
        }
        type Row = (Uuid, String, String, Option<String>, bool, Option<DateTime<Utc>>);
        macro_rules! page {
            ($p:expr, $glob:expr, $order:expr) => {{
                let mut q = sqlx::QueryBuilder::new(format!("SELECT i.org_id, o.name, o.kind, {INVITEE_RESPONSE}, "));
                push_has_assessment!(q, period);
                q.push(
                    ", (SELECT m.sent_at FROM round_reminders m WHERE m.round_id = i.round_id AND m.org_id = i.org_id)",
                );
                filter!(q, $glob);
                crate::search::push_page!(q, $order, limit, offset);
                let rows: Vec<Row> = q.build_query_as().fetch_all($p).await?;
                let unfiltered = status.is_none() && search.is_empty();
                let whole = unfiltered && offset == 0 && (rows.len() as i64) < limit;
                let counts: Vec<(String, i64)> = if whole {
                    // Every invitee is on this page: it tells the counts.
                    let mut c: BTreeMap<String, i64> = BTreeMap::new();
                    for r in &rows {
                        *c.entry(invitee_status(r.3.as_deref(), r.4)?.code().to_owned()).or_default() += 1;
                    }
                    c.into_iter().collect()
                } else {
                    // Only the responses are joined: the counts need neither names nor reminders.
                    let mut g = sqlx::QueryBuilder::new("SELECT ");
                    push_invitee_status!(g, "s.status", period);
                    g.push(
                        " AS status, COUNT(*) FROM round_invitations i LEFT JOIN round_responses s \
                         ON s.round_id = i.round_id AND s.org_id = i.org_id WHERE i.round_id = ",
                    );
                    g.push_bind(round_id);
                    g.push(" GROUP BY 1");
                    g.build_query_as().fetch_all($p).await?
                };
                // Counted only when neither the counts nor the page tell.
                let matching = if unfiltered {
                    counts.iter().map(|(_, n)| n).sum()
                } else if offset == 0 && (rows.len() as i64) < limit {
                    rows.len() as i64
                } else {
                    let mut c = sqlx::QueryBuilder::new("SELECT COUNT(*)");
                    filter!(c, $glob);
                    let (n,): (i64,) = c.build_query_as().fetch_one($p).await?;
                    n
                };
                (rows, matching, counts)
            }};
        }
        let (rows, matching, counts) = match &self.backend {
            crate::Backend::Sqlite(p) => page!(p, true, " ORDER BY o.name, i.org_id"),
            crate::Backend::Postgres(p) => page!(p, false, r#" ORDER BY o.name COLLATE "C", i.org_id"#),
        };
        Ok(InviteePage {
            rows: rows
                .into_iter()
                .map(|(org_id, name, kind, response, has_assessment, reminded_at)| {
                    Ok(ListedInvitee {
                        org_id,
                        name,
                        kind: code(&kind)?,
                        status: invitee_status(response.as_deref(), has_assessment)?,
                        reminded_at,
                    })
                })
                .collect::<Result<_>>()?,
            matching,
            counts: counts.into_iter().map(|(st, n)| Ok((code(&st)?, n))).collect::<Result<_>>()?,
        })
    }

    /// For each of these rounds: how many are invited and how many have submitted.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn count_responses(&self, round_ids: &[Uuid]) -> Result<Vec<(Uuid, i64, i64)>> {
        if round_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT i.round_id, COUNT(*), COUNT(s.org_id) FROM round_invitations i \
                 LEFT JOIN round_responses s ON s.round_id = i.round_id AND s.org_id = i.org_id AND s.status = 'submitted' \
                 WHERE i.round_id IN (",
            );
            let mut sep = q.separated(", ");
            for id in round_ids {
                sep.push_bind(*id);
            }
            q.push(") GROUP BY i.round_id");
            q.build_query_as::<(Uuid, i64, i64)>().fetch_all(p).await?
        }))
    }

    /// The submitted results of a round, for aggregation (never the answers).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(round_id = %round_id))]
    pub async fn list_shared(&self, round_id: Uuid) -> Result<Vec<Shared>> {
        match &self.backend {
            // sqlx hands each SQLite row over from its worker thread one at a
            // time, which for a national round's 20,000 rows costs twice what
            // reading them does (BENCHMARKS.md): SQLite joins them into one
            // text instead, rows parted by the record separator (U+001E) and
            // fields by the unit separator (U+001F), which no stored code,
            // time or JSON text holds (JSON escapes control characters). Every
            // field is NOT NULL, so no row drops out of the join.
            crate::Backend::Sqlite(p) => {
                let (doc,): (Option<String>,) = sqlx::query_as(
                    "SELECT group_concat(hex(org_id) || char(31) || kind || char(31) || size_class || char(31) || \
                     result || char(31) || submitted_at, char(30)) \
                     FROM round_responses WHERE round_id = $1 AND status = 'submitted'",
                )
                .bind(round_id)
                .fetch_one(p)
                .await?;
                let doc = doc.unwrap_or_default();
                let items: Vec<&str> = doc.split('\u{1e}').filter(|s| !s.is_empty()).collect();
                parse_on_every_core(items, |item| {
                    let bad = || StoreError::Other("a shared result that does not read".into());
                    let mut f = item.split('\u{1f}');
                    let (Some(org), Some(kind), Some(size), Some(result), Some(at), None) =
                        (f.next(), f.next(), f.next(), f.next(), f.next(), f.next())
                    else {
                        return Err(bad());
                    };
                    let org_id = Uuid::try_parse(org).map_err(|_| bad())?;
                    let submitted_at = sqlite_time(at).ok_or_else(bad)?;
                    Ok(Shared {
                        org_id,
                        kind: kind.to_owned(),
                        size_class: code(size)?,
                        result: json(result)?,
                        submitted_at,
                    })
                })
            }
            crate::Backend::Postgres(p) => {
                let rows: Vec<(Uuid, String, String, String, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT org_id, kind, size_class, result, submitted_at FROM round_responses \
                     WHERE round_id = $1 AND status = 'submitted'",
                )
                .bind(round_id)
                .fetch_all(p)
                .await?;
                parse_on_every_core(rows, |(org_id, kind, size, result, submitted_at)| {
                    Ok(Shared { org_id, kind, size_class: code(&size)?, result: json(&result)?, submitted_at })
                })
            }
        }
    }

    /// The organisations that submitted to each of these rounds, in order of
    /// round and organisation. Read as one list per round (a national
    /// round's 20,000 rows handed over one at a time cost more than reading
    /// them).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_respondent_ids(&self, round_ids: &[Uuid]) -> Result<Vec<(Uuid, Uuid)>> {
        if round_ids.is_empty() {
            return Ok(Vec::new());
        }
        macro_rules! grouped {
            ($p:expr, $aggregate:literal) => {{
                let mut q = sqlx::QueryBuilder::new(concat!(
                    "SELECT round_id, ",
                    $aggregate,
                    " FROM round_responses WHERE status = 'submitted' AND round_id IN ("
                ));
                let mut sep = q.separated(", ");
                for id in round_ids {
                    sep.push_bind(*id);
                }
                q.push(") GROUP BY round_id");
                q.build_query_as().fetch_all($p).await?
            }};
        }
        let mut per_round: Vec<(Uuid, Vec<Uuid>)> = match &self.backend {
            crate::Backend::Sqlite(p) => {
                let rows: Vec<(Uuid, String)> = grouped!(p, "group_concat(hex(org_id))");
                rows.into_iter()
                    .map(|(round, orgs)| {
                        let ids = orgs.split(',').map(Uuid::try_parse).collect::<Result<Vec<Uuid>, _>>();
                        Ok((round, ids.map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?))
                    })
                    .collect::<Result<_>>()?
            }
            crate::Backend::Postgres(p) => grouped!(p, "array_agg(org_id)"),
        };
        per_round.sort_unstable_by_key(|(round, _)| *round);
        Ok(per_round
            .into_iter()
            .flat_map(|(round, mut orgs)| {
                orgs.sort_unstable();
                orgs.into_iter().map(move |org| (round, org))
            })
            .collect())
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(round_id = %round_id, org_id = %org_id))]
    pub async fn find_response(&self, round_id: Uuid, org_id: Uuid) -> Result<Option<Response>> {
        let row: Option<ResponseRow> = with_pool!(self, |p| {
            sqlx::query_as::<_, ResponseRow>(
                "SELECT round_id, org_id, status, assessment_id, kind, employees, size_class, result, answers, submitted_by, \
                 submitted_at, updated_at FROM round_responses WHERE round_id = $1 AND org_id = $2",
            )
            .bind(round_id).bind(org_id).fetch_optional(p).await?
        });
        row.map(ResponseRow::parse).transpose()
    }

    /// Submits (or submits again) an invited organisation's result.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, round_id = %round_id, org_id = %org_id))]
    pub async fn submit_response(&self, actor: &Actor, round_id: Uuid, org_id: Uuid, r: NewResponse) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            still_open!(tx, round_id);
            let invited: Option<(Uuid,)> =
                sqlx::query_as("SELECT org_id FROM round_invitations WHERE round_id = $1 AND org_id = $2")
                    .bind(round_id)
                    .bind(org_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if invited.is_none() {
                return Err(StoreError::NotFound);
            }
            upsert_response!(tx, round_id, org_id, r, &actor.label, now);
            let after = serde_json::json!({ "level": r.result.level, "employees": r.employees, "answers_shared": r.answers.is_some() }).to_string();
            chain.push(now, audit(actor, "round.submit", "round_response", round_id, org_id, None, Some(after)));
        });
        Ok(())
    }

    /// Withdraws a submitted response; the result stays stored but counts nowhere.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, round_id = %round_id, org_id = %org_id))]
    pub async fn withdraw_response(&self, actor: &Actor, round_id: Uuid, org_id: Uuid) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            still_open!(tx, round_id);
            let done = sqlx::query(
                "UPDATE round_responses SET status = 'withdrawn', answers = NULL, updated_at = $3 \
                                    WHERE round_id = $1 AND org_id = $2 AND status = 'submitted'",
            )
            .bind(round_id)
            .bind(org_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::conflict("status", "error-nothing-to-withdraw"));
            }
            chain.push(now, audit(actor, "round.withdraw", "round_response", round_id, org_id, None, None));
        });
        Ok(())
    }

    /// Closes a round before its closing date.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn close_round(&self, actor: &Actor, id: Uuid) -> Result<Round> {
        let now = domain::now();
        let round = self.find_round(id).await?.ok_or(StoreError::NotFound)?;
        write_tx!(self, |tx, chain| {
            let done =
                sqlx::query("UPDATE rounds SET closed_at = $2, updated_at = $2 WHERE id = $1 AND closed_at IS NULL")
                    .bind(id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::conflict("status", "error-round-closed"));
            }
            chain.push(now, audit(actor, "round.close", "round", id, round.org_id, None, None));
        });
        Ok(Round { closed_at: Some(now), updated_at: now, ..round })
    }

    /// Records that an invitee was reminded (in the app, and by e-mail to
    /// `emailed` addresses), with its audit entry in the same transaction;
    /// `false` if it had been reminded already.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(round_id = %round_id, org_id = %org_id))]
    pub async fn record_reminder(&self, round_id: Uuid, org_id: Uuid, emailed: u32) -> Result<bool> {
        let now = domain::now();
        Ok(write_tx!(self, |tx, chain| {
            let done = sqlx::query(
                "INSERT INTO round_reminders (round_id, org_id, sent_at, emailed) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (round_id, org_id) DO NOTHING",
            )
            .bind(round_id)
            .bind(org_id)
            .bind(now)
            .bind(emailed as i32)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 1 {
                let after = serde_json::json!({ "round_id": round_id, "emailed": emailed }).to_string();
                chain.push(now, audit(&Actor::system(), "round.remind", "round", round_id, org_id, None, Some(after)));
            }
            done == 1
        }))
    }

    /// Every round that has not been closed early and whose closing date is not past.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_open_rounds(&self, today: NaiveDate) -> Result<Vec<Round>> {
        let rows: Vec<RoundRow> = with_pool!(self, |p| {
            sqlx::query_as::<_, RoundRow>(sqlx::AssertSqlSafe(format!(
                "{ROUND_COLUMNS} WHERE closed_at IS NULL AND opens_on <= $1 AND closes_on >= $1"
            )))
            .bind(today)
            .fetch_all(p)
            .await?
        });
        Ok(rows.into_iter().map(Round::from).collect())
    }

    /// E-mail addresses of the active users who answer for `org_id` (its CISOs).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(org_id = %org_id))]
    pub async fn ciso_emails(&self, org_id: Uuid) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT DISTINCT u.email FROM users u JOIN role_assignments a ON a.user_id = u.id \
                            WHERE a.org_id = $1 AND a.role = 'ciso' AND u.active ORDER BY u.email",
            )
            .bind(org_id)
            .fetch_all(p)
            .await?
        });
        Ok(rows.into_iter().map(|(e,)| e).collect())
    }

    /// Loads a generated round with its invitations and responses in one
    /// transaction (the demo population); one audit entry for the whole load.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id))]
    pub async fn insert_generated_round(
        &self,
        actor: &Actor,
        round: &Round,
        invitees: &[Uuid],
        responses: &[(Uuid, NewResponse)],
    ) -> Result<()> {
        let now = domain::now();
        let rows: Vec<(Uuid, &NewResponse, SizeClass, String, Option<String>)> = responses
            .iter()
            .map(|(org, r)| {
                let result = serde_json::to_string(&r.result).expect("a result serialises");
                let answers = r.answers.as_ref().map(|a| serde_json::to_string(a).expect("answers serialise"));
                (*org, r, SizeClass::of(r.employees), result, answers)
            })
            .collect();
        write_tx!(self, |tx, chain| {
            let d = &round.data;
            sqlx::query(
                "INSERT INTO rounds (id, org_id, name, model_id, period, opens_on, closes_on, message, k, remind_days, closed_at, \
                 created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
            )
            .bind(round.id).bind(round.org_id).bind(&d.name).bind(round.model_id).bind(d.period).bind(d.opens_on).bind(d.closes_on)
            .bind(&d.message).bind(d.k as i32).bind(d.remind_days as i32).bind(round.closed_at).bind(&round.created_by).bind(round.created_at)
            .execute(&mut *tx).await?;
            insert_invitations!(tx, round.id, invitees, now);
            // Many rows per statement: a national population is tens of thousands of responses.
            for chunk in rows.chunks(400) {
                let mut q = sqlx::QueryBuilder::new(
                    "INSERT INTO round_responses (round_id, org_id, status, assessment_id, kind, employees, size_class, level, \
                     result, answers, submitted_by, submitted_at, updated_at) ",
                );
                q.push_values(chunk, |mut b, (org, r, size, result, answers)| {
                    b.push_bind(round.id)
                        .push_bind(*org)
                        .push("'submitted'")
                        .push_bind(r.assessment_id)
                        .push_bind(&r.kind)
                        .push_bind(i32::try_from(r.employees).unwrap_or(i32::MAX))
                        .push_bind(size.code())
                        .push_bind(i32::from(r.result.level))
                        .push_bind(result)
                        .push_bind(answers)
                        .push_bind(&actor.label)
                        .push_bind(round.created_at)
                        .push_bind(round.created_at);
                });
                q.build().execute(&mut *tx).await?;
            }
            let after =
                serde_json::json!({ "round": d, "invitees": invitees.len(), "responses": responses.len() }).to_string();
            chain.push(now, audit(actor, "round.generate", "round", round.id, round.org_id, None, Some(after)));
        });
        Ok(())
    }

    // ----- Mappings between model versions -----

    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, from_model_id = %from_model_id, to_model_id = %to_model_id))]
    pub async fn insert_mapping(
        &self,
        actor: &Actor,
        from_model_id: Uuid,
        to_model_id: Uuid,
        mapping: &domain::round::Mapping,
    ) -> Result<Uuid> {
        let now = domain::now();
        let id = Uuid::now_v7();
        let text = serde_json::to_string(mapping).expect("a mapping serialises");
        write_tx!(self, |tx, chain| {
            sqlx::query("DELETE FROM model_mappings WHERE from_model_id = $1 AND to_model_id = $2")
                .bind(from_model_id)
                .bind(to_model_id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("INSERT INTO model_mappings (id, from_model_id, to_model_id, mapping, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(id).bind(from_model_id).bind(to_model_id).bind(&text).bind(now).execute(&mut *tx).await?;
            chain.push(
                now,
                domain::audit::Change {
                    actor_id: actor.id,
                    actor: actor.label.clone(),
                    action: "model.mapping".into(),
                    record_type: "model_mapping".into(),
                    record_id: id.to_string(),
                    org_id: None,
                    before: None,
                    after: Some(text.clone()),
                },
            );
        });
        Ok(id)
    }

    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_mappings(&self) -> Result<Vec<MappingRow>> {
        let rows: Vec<(Uuid, Uuid, Uuid, String)> = with_pool!(self, |p| {
            sqlx::query_as("SELECT id, from_model_id, to_model_id, mapping FROM model_mappings").fetch_all(p).await?
        });
        rows.into_iter()
            .map(|(id, from_model_id, to_model_id, m)| {
                Ok(MappingRow { id, from_model_id, to_model_id, mapping: json(&m)? })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_parsed_on_every_core_keep_their_order_and_the_first_error() {
        let rows: Vec<usize> = (0..10_007).collect();
        let out = parse_on_every_core(rows.clone(), |i| Ok(i * 2)).unwrap();
        assert_eq!(out, rows.iter().map(|i| i * 2).collect::<Vec<_>>());
        let failed = parse_on_every_core(rows, |i| if i == 9_000 { Err(StoreError::NotFound) } else { Ok(i) });
        assert!(matches!(failed, Err(StoreError::NotFound)));
        assert_eq!(parse_on_every_core(Vec::<usize>::new(), Ok).unwrap(), Vec::<usize>::new());
    }

    #[test]
    fn sqlite_times_read_as_sqlx_and_sqlite_write_them() {
        let t = DateTime::parse_from_rfc3339("2026-05-01T10:20:30.123456+00:00").unwrap().with_timezone(&Utc);
        assert_eq!(sqlite_time("2026-05-01T10:20:30.123456+00:00"), Some(t));
        assert_eq!(sqlite_time("2026-05-01 10:20:30.123456"), Some(t));
        assert_eq!(sqlite_time("den första maj"), None);
    }
}
