//! Risk analyses (on an organisation, a system or an asset) and consequence
//! assessments (DPIA, each of one processing in the processing register).

use chrono::{DateTime, NaiveDate, Utc};
use domain::assets::dpia::DpiaInput;
use domain::assets::risk::{RiskInput, RiskObject, Treatment};
use serde::Serialize;
use sqlx::FromRow;
use uuid::Uuid;

use crate::OrgScope;
use crate::assets::{
    MAX_REGISTER_ROWS, created, deleted, fetch_by_id, find_one, json_column, list_scoped, to_json, updated,
};
use crate::plan::code;
use crate::scope::push_scope;
use crate::{Actor, Result, Store, StoreError, check_org, with_pool, write_tx};

/// A stored risk analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Risk {
    pub id: Uuid,
    pub org_id: Uuid,
    #[serde(flatten)]
    pub data: RiskInput,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A stored consequence assessment (DPIA) of a processing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dpia {
    pub id: Uuid,
    pub org_id: Uuid,
    pub processing_id: Uuid,
    #[serde(flatten)]
    pub data: DpiaInput,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct RiskRow {
    id: Uuid,
    org_id: Uuid,
    scenario: String,
    object_kind: String,
    object_id: Uuid,
    likelihood: i32,
    consequence: i32,
    residual_likelihood: Option<i32>,
    residual_consequence: Option<i32>,
    treatment: Option<String>,
    owner: String,
    accepted_by: Option<String>,
    accepted_on: Option<NaiveDate>,
    review_on: Option<NaiveDate>,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_by: String,
    updated_at: DateTime<Utc>,
}

fn small(v: i32) -> Result<u8> {
    u8::try_from(v).map_err(|_| StoreError::Database(sqlx::Error::Decode(format!("stored value {v}").into())))
}

impl RiskRow {
    fn parse(self) -> Result<Risk> {
        let residual = match (self.residual_likelihood, self.residual_consequence) {
            (Some(l), Some(c)) => Some((small(l)?, small(c)?)),
            _ => None,
        };
        Ok(Risk {
            id: self.id,
            org_id: self.org_id,
            data: RiskInput {
                scenario: self.scenario,
                object_kind: code::<RiskObject>(&self.object_kind)?,
                object_id: self.object_id,
                likelihood: small(self.likelihood)?,
                consequence: small(self.consequence)?,
                residual,
                treatment: self.treatment.as_deref().map(code::<Treatment>).transpose()?,
                owner: self.owner,
                accepted: self.accepted_by.zip(self.accepted_on),
                review_on: self.review_on,
            },
            created_by: self.created_by,
            created_at: self.created_at,
            updated_by: self.updated_by,
            updated_at: self.updated_at,
        })
    }
}

const RISK_COLUMNS: &str = "SELECT r.id, r.org_id, r.scenario, r.object_kind, r.object_id, r.likelihood, \
     r.consequence, r.residual_likelihood, r.residual_consequence, r.treatment, r.owner, r.accepted_by, \
     r.accepted_on, r.review_on, r.created_by, r.created_at, r.updated_by, r.updated_at FROM risks r";

#[derive(FromRow)]
struct DpiaRow {
    id: Uuid,
    org_id: Uuid,
    processing_id: Uuid,
    data: String,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_by: String,
    updated_at: DateTime<Utc>,
}

impl DpiaRow {
    fn parse(self) -> Result<Dpia> {
        Ok(Dpia {
            id: self.id,
            org_id: self.org_id,
            processing_id: self.processing_id,
            data: json_column(&self.data)?,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_by: self.updated_by,
            updated_at: self.updated_at,
        })
    }
}

const DPIA_COLUMNS: &str = "SELECT d.id, d.org_id, d.processing_id, d.data, d.created_by, d.created_at, \
     d.updated_by, d.updated_at FROM dpias d";

/// Inside a write transaction: `Conflict` on `object_id` unless the risk's
/// object is `org` or below it (an organisation), or a system or asset of `org`.
macro_rules! check_object {
    ($tx:expr, $org:expr, $data:expr) => {{
        let sql = match $data.object_kind {
            RiskObject::Org => "SELECT org_id FROM org_closure WHERE ancestor_id = $1 AND org_id = $2",
            RiskObject::System => "SELECT id FROM systems WHERE org_id = $1 AND id = $2",
            RiskObject::Asset => "SELECT id FROM info_assets WHERE org_id = $1 AND id = $2",
        };
        let found: Option<(Uuid,)> =
            sqlx::query_as(sql).bind($org).bind($data.object_id).fetch_optional(&mut *$tx).await?;
        if found.is_none() {
            return Err(StoreError::conflict("object_id", "error-risk-object-unknown"));
        }
    }};
}

/// Inside a write transaction: writes a risk's values to its row.
macro_rules! write_risk {
    ($tx:expr, $sql:expr, $id:expr, $org:expr, $data:expr, $actor:expr, $now:expr) => {{
        let d: &RiskInput = $data;
        sqlx::query($sql)
            .bind($id)
            .bind($org)
            .bind(&d.scenario)
            .bind(d.object_kind.code())
            .bind(d.object_id)
            .bind(i32::from(d.likelihood))
            .bind(i32::from(d.consequence))
            .bind(d.residual.map(|r| i32::from(r.0)))
            .bind(d.residual.map(|r| i32::from(r.1)))
            .bind(d.treatment.map(|t| t.code()))
            .bind(&d.owner)
            .bind(d.accepted.as_ref().map(|a| a.0.clone()))
            .bind(d.accepted.as_ref().map(|a| a.1))
            .bind(d.review_on)
            .bind(&$actor.label)
            .bind($now)
            .execute(&mut *$tx)
            .await?;
    }};
}

impl Store {
    // ---- risks -------------------------------------------------------------------------

    /// Adds a risk analysis to `org_id`; its object must be `org_id` or a
    /// unit below it, or a system or asset of `org_id`.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %org_id))]
    pub async fn insert_risk(&self, actor: &Actor, org_id: Uuid, data: RiskInput) -> Result<Risk> {
        let now = domain::now();
        let id = Uuid::now_v7();
        write_tx!(self, |tx, chain| {
            check_org!(tx, org_id);
            check_object!(tx, org_id, data);
            write_risk!(
                tx,
                "INSERT INTO risks (id, org_id, scenario, object_kind, object_id, likelihood, consequence, \
                 residual_likelihood, residual_consequence, treatment, owner, accepted_by, accepted_on, review_on, \
                 created_by, created_at, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $15, $16)",
                id,
                org_id,
                &data,
                actor,
                now
            );
            chain.push(now, created(actor, "risk", id, org_id, &data));
        });
        self.find_risk(id).await?.ok_or(StoreError::NotFound)
    }

    /// Changes a risk analysis (its organisation stays).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn update_risk(&self, actor: &Actor, id: Uuid, data: RiskInput) -> Result<Risk> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let before = fetch_by_id!(tx, RiskRow, RISK_COLUMNS, "r", id).ok_or(StoreError::NotFound)?;
            check_object!(tx, before.org_id, data);
            write_risk!(
                tx,
                "UPDATE risks SET scenario = $3, object_kind = $4, object_id = $5, likelihood = $6, \
                 consequence = $7, residual_likelihood = $8, residual_consequence = $9, treatment = $10, \
                 owner = $11, accepted_by = $12, accepted_on = $13, review_on = $14, updated_by = $15, \
                 updated_at = $16 WHERE id = $1 AND org_id = $2",
                id,
                before.org_id,
                &data,
                actor,
                now
            );
            chain.push(now, updated(actor, "risk", id, before.org_id, &before.data, &data));
        });
        self.find_risk(id).await?.ok_or(StoreError::NotFound)
    }

    /// Deletes a risk analysis.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn delete_risk(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let before = fetch_by_id!(tx, RiskRow, RISK_COLUMNS, "r", id).ok_or(StoreError::NotFound)?;
            sqlx::query("DELETE FROM risks WHERE id = $1").bind(id).execute(&mut *tx).await?;
            chain.push(now, deleted(actor, "risk", id, before.org_id, &before.data));
        });
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_risk(&self, id: Uuid) -> Result<Option<Risk>> {
        find_one!(self, RiskRow, RISK_COLUMNS, "r", id)
    }

    /// The risk analyses of organisations in `scope`, oldest first (at most
    /// [`MAX_REGISTER_ROWS`]).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_risks(&self, scope: &OrgScope) -> Result<Vec<Risk>> {
        list_scoped!(self, RiskRow, RISK_COLUMNS, "r", scope, "r.id")
    }

    /// The risk analyses of one organisation, system or asset, oldest first.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(object = %object_id))]
    pub async fn risks_of(&self, kind: RiskObject, object_id: Uuid) -> Result<Vec<Risk>> {
        let rows: Vec<RiskRow> = with_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{RISK_COLUMNS} WHERE r.object_kind = $1 AND r.object_id = $2 ORDER BY r.id LIMIT {MAX_REGISTER_ROWS}"
            )))
            .bind(kind.code())
            .bind(object_id)
            .fetch_all(p)
            .await?
        });
        rows.into_iter().map(RiskRow::parse).collect()
    }

    // ---- consequence assessments (DPIA) ------------------------------------------------

    /// Adds a consequence assessment of a processing (in the processing's
    /// organisation; `NotFound` without it).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, processing = %processing_id))]
    pub async fn insert_dpia(&self, actor: &Actor, processing_id: Uuid, data: DpiaInput) -> Result<Dpia> {
        let now = domain::now();
        let id = Uuid::now_v7();
        write_tx!(self, |tx, chain| {
            let org: Option<(Uuid,)> = sqlx::query_as("SELECT org_id FROM processings WHERE id = $1")
                .bind(processing_id)
                .fetch_optional(&mut *tx)
                .await?;
            let (org_id,) = org.ok_or(StoreError::NotFound)?;
            sqlx::query(
                "INSERT INTO dpias (id, org_id, processing_id, data, residual_level, created_by, created_at, \
                 updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7)",
            )
            .bind(id)
            .bind(org_id)
            .bind(processing_id)
            .bind(to_json(&data))
            .bind(data.residual_level.code())
            .bind(&actor.label)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            chain.push(now, created(actor, "dpia", id, org_id, &data));
        });
        self.find_dpia(id).await?.ok_or(StoreError::NotFound)
    }

    /// Changes a consequence assessment.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn update_dpia(&self, actor: &Actor, id: Uuid, data: DpiaInput) -> Result<Dpia> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let before = fetch_by_id!(tx, DpiaRow, DPIA_COLUMNS, "d", id).ok_or(StoreError::NotFound)?;
            sqlx::query(
                "UPDATE dpias SET data = $1, residual_level = $2, updated_by = $3, updated_at = $4 WHERE id = $5",
            )
            .bind(to_json(&data))
            .bind(data.residual_level.code())
            .bind(&actor.label)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            chain.push(now, updated(actor, "dpia", id, before.org_id, &before.data, &data));
        });
        self.find_dpia(id).await?.ok_or(StoreError::NotFound)
    }

    /// Deletes a consequence assessment.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn delete_dpia(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let before = fetch_by_id!(tx, DpiaRow, DPIA_COLUMNS, "d", id).ok_or(StoreError::NotFound)?;
            sqlx::query("DELETE FROM dpias WHERE id = $1").bind(id).execute(&mut *tx).await?;
            chain.push(now, deleted(actor, "dpia", id, before.org_id, &before.data));
        });
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_dpia(&self, id: Uuid) -> Result<Option<Dpia>> {
        find_one!(self, DpiaRow, DPIA_COLUMNS, "d", id)
    }

    /// The consequence assessments of organisations in `scope`, oldest
    /// first (at most [`MAX_REGISTER_ROWS`]).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_dpias(&self, scope: &OrgScope) -> Result<Vec<Dpia>> {
        list_scoped!(self, DpiaRow, DPIA_COLUMNS, "d", scope, "d.id")
    }

    /// The consequence assessments of one processing, oldest first.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(processing = %processing_id))]
    pub async fn dpias_of(&self, processing_id: Uuid) -> Result<Vec<Dpia>> {
        let rows: Vec<DpiaRow> = with_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{DPIA_COLUMNS} WHERE d.processing_id = $1 ORDER BY d.id LIMIT {MAX_REGISTER_ROWS}"
            )))
            .bind(processing_id)
            .fetch_all(p)
            .await?
        });
        rows.into_iter().map(DpiaRow::parse).collect()
    }
}
