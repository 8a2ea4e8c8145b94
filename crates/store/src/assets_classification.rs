//! Each asset's classification kept with its history (every classification
//! is a row; the current one is the latest, by its time-ordered UUIDv7 id),
//! and the installation's classification model and risk matrix (one row of
//! `register_settings` each, JSON; the domain's defaults when none is stored).

use chrono::{DateTime, Utc};
use domain::assets::classification::{AssetClassification, ClassificationModel};
use domain::assets::risk::RiskMatrix;
use domain::audit::Change;
use serde::Serialize;
use sqlx::FromRow;
use uuid::Uuid;

use crate::OrgScope;
use crate::assets::{ASSET_COLUMNS, AssetRow, MAX_REGISTER_ROWS, fetch_by_id, json_column, to_json};
use crate::plan::audit;
use crate::scope::push_scope;
use crate::{Actor, Result, Store, StoreError, with_pool, write_tx};

/// The most classifications [`Store::classification_history`] reads.
pub const MAX_HISTORY_ROWS: i64 = 50_000;

/// One stored classification of an asset (the latest is the current one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Classification {
    pub id: Uuid,
    pub asset_id: Uuid,
    pub org_id: Uuid,
    #[serde(flatten)]
    pub data: AssetClassification,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct ClassificationRow {
    id: Uuid,
    asset_id: Uuid,
    org_id: Uuid,
    levels: String,
    motivation: String,
    classified_on: chrono::NaiveDate,
    classified_by: String,
    next_review: chrono::NaiveDate,
    recorded_by: String,
    recorded_at: DateTime<Utc>,
}

impl ClassificationRow {
    fn parse(self) -> Result<Classification> {
        Ok(Classification {
            id: self.id,
            asset_id: self.asset_id,
            org_id: self.org_id,
            data: AssetClassification {
                levels: json_column(&self.levels)?,
                motivation: self.motivation,
                classified_on: self.classified_on,
                classified_by: self.classified_by,
                next_review: self.next_review,
            },
            recorded_by: self.recorded_by,
            recorded_at: self.recorded_at,
        })
    }
}

const CLASSIFICATION_COLUMNS: &str = "SELECT c.id, c.asset_id, c.org_id, c.levels, c.motivation, c.classified_on, \
     c.classified_by, c.next_review, c.recorded_by, c.recorded_at FROM asset_classifications c";

fn settings_change(actor: &Actor, key: &str, before: Option<String>, after: String) -> Change {
    Change {
        actor_id: actor.id,
        actor: actor.label.clone(),
        action: "register_settings.update".into(),
        record_type: "register_settings".into(),
        record_id: key.to_owned(),
        org_id: None,
        before,
        after: Some(after),
    }
}

impl Store {
    // ---- classifications -------------------------------------------------------------

    /// Records a classification of an asset; it becomes the current one
    /// (the earlier ones stay as its history). The app checks it against
    /// the classification model.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, asset = %asset_id))]
    pub async fn classify_asset(
        &self,
        actor: &Actor,
        asset_id: Uuid,
        c: AssetClassification,
    ) -> Result<Classification> {
        let now = domain::now();
        let id = Uuid::now_v7();
        let org_id = write_tx!(self, |tx, chain| {
            let asset = fetch_by_id!(tx, AssetRow, ASSET_COLUMNS, "a", asset_id).ok_or(StoreError::NotFound)?;
            sqlx::query(
                "INSERT INTO asset_classifications (id, asset_id, org_id, levels, motivation, classified_on, \
                 classified_by, next_review, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id)
            .bind(asset_id)
            .bind(asset.org_id)
            .bind(to_json(&c.levels))
            .bind(&c.motivation)
            .bind(c.classified_on)
            .bind(&c.classified_by)
            .bind(c.next_review)
            .bind(&actor.label)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            chain.push(now, audit(actor, "asset.classify", "asset", asset_id, asset.org_id, None, Some(to_json(&c))));
            asset.org_id
        });
        Ok(Classification { id, asset_id, org_id, data: c, recorded_by: actor.label.clone(), recorded_at: now })
    }

    /// Every classification of an asset, the current (latest) first.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(asset = %asset_id))]
    pub async fn classifications_of(&self, asset_id: Uuid) -> Result<Vec<Classification>> {
        let rows: Vec<ClassificationRow> = with_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{CLASSIFICATION_COLUMNS} WHERE c.asset_id = $1 ORDER BY c.id DESC LIMIT {MAX_REGISTER_ROWS}"
            )))
            .bind(asset_id)
            .fetch_all(p)
            .await?
        });
        rows.into_iter().map(ClassificationRow::parse).collect()
    }

    /// Every classification of the assets in `scope`, each asset's in the
    /// order they were recorded, in one statement: the newest
    /// [`MAX_HISTORY_ROWS`] when there are more (the trend's oldest years
    /// then miss what is cut).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn classification_history(&self, scope: &OrgScope) -> Result<Vec<Classification>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        let rows: Vec<ClassificationRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{CLASSIFICATION_COLUMNS} WHERE"));
            push_scope!(q, "c.org_id", scope);
            q.push(" ORDER BY c.id DESC LIMIT ");
            q.push_bind(MAX_HISTORY_ROWS);
            q.build_query_as::<ClassificationRow>().fetch_all(p).await?
        });
        let mut out = rows.into_iter().rev().map(ClassificationRow::parse).collect::<Result<Vec<_>>>()?;
        out.sort_by_key(|c| c.asset_id);
        Ok(out)
    }

    /// The current classification of each classified asset in `scope`, in
    /// one statement (the latest row per asset), by asset (at most
    /// [`MAX_REGISTER_ROWS`]).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn current_classifications(&self, scope: &OrgScope) -> Result<Vec<Classification>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        let rows: Vec<ClassificationRow> = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!(
                "{CLASSIFICATION_COLUMNS} WHERE NOT EXISTS (SELECT 1 FROM asset_classifications n \
                 WHERE n.asset_id = c.asset_id AND n.id > c.id) AND"
            ));
            push_scope!(q, "c.org_id", scope);
            q.push(" ORDER BY c.asset_id LIMIT ");
            q.push_bind(MAX_REGISTER_ROWS);
            q.build_query_as::<ClassificationRow>().fetch_all(p).await?
        });
        rows.into_iter().map(ClassificationRow::parse).collect()
    }

    // ---- the installation's model and matrix ------------------------------------------

    /// The installation's classification model (the national default when
    /// none is stored).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn classification_model(&self) -> Result<ClassificationModel> {
        Ok(match self.register_setting("classification_model").await? {
            Some(v) => json_column(&v)?,
            None => ClassificationModel::national_default(),
        })
    }

    /// Stores the installation's classification model (checked by the app
    /// with [`ClassificationModel::validate`]).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id))]
    pub async fn set_classification_model(&self, actor: &Actor, model: &ClassificationModel) -> Result<()> {
        self.set_register_setting(actor, "classification_model", to_json(model)).await
    }

    /// The installation's risk matrix (the 4 × 4 default when none is stored).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn risk_matrix(&self) -> Result<RiskMatrix> {
        Ok(match self.register_setting("risk_matrix").await? {
            Some(v) => json_column(&v)?,
            None => RiskMatrix::default_4x4(),
        })
    }

    /// Stores the installation's risk matrix (checked by the app with
    /// [`RiskMatrix::validate`]).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id))]
    pub async fn set_risk_matrix(&self, actor: &Actor, matrix: &RiskMatrix) -> Result<()> {
        self.set_register_setting(actor, "risk_matrix", to_json(matrix)).await
    }

    async fn register_setting(&self, key: &str) -> Result<Option<String>> {
        let row: Option<(String,)> = with_pool!(self, |p| {
            sqlx::query_as("SELECT value FROM register_settings WHERE key = $1").bind(key).fetch_optional(p).await?
        });
        Ok(row.map(|(v,)| v))
    }

    async fn set_register_setting(&self, actor: &Actor, key: &str, value: String) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let before: Option<(String,)> = sqlx::query_as("SELECT value FROM register_settings WHERE key = $1")
                .bind(key)
                .fetch_optional(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO register_settings (key, value, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (key) DO UPDATE SET value = $2, updated_by = $3, updated_at = $4",
            )
            .bind(key)
            .bind(&value)
            .bind(&actor.label)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            chain.push(now, settings_change(actor, key, before.map(|(b,)| b), value));
        });
        Ok(())
    }
}
