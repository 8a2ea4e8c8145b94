//! Information assets and systems (issue 17): the assets with their
//! information owner and unit, the systems that process them and the link
//! between the two, and the bulk imports (all or nothing). Classifications
//! and the installation's model and matrix are in `assets_classification`.
//!
//! Names are unique per organisation whatever their case and spacing: the
//! tables hold a `name_key` ([`name_key`]) under a unique index.
//!
//! Deleting: an asset goes with its classifications and its links to
//! systems, but not while a risk analysis is about it
//! (`error-asset-in-use`); a system goes with its links to assets, but not
//! while a risk analysis, a processing or an agreement names it
//! (`error-system-in-use`). The audit entry keeps what was deleted.

use chrono::{DateTime, Utc};
use domain::assets::system::{AssetInput, Hosting, MAX_IMPORT_ROWS, SystemInput};
use serde::Serialize;
use sqlx::FromRow;
use uuid::Uuid;

use crate::OrgScope;
use crate::plan::{audit, code};
use crate::scope::push_scope;
use crate::{Actor, Result, Store, StoreError, check_org, with_pool, write_tx};
use domain::audit::Change;

/// The most rows one list of a register returns (the app pages or narrows
/// the scope beyond that).
pub const MAX_REGISTER_ROWS: i64 = 10_000;

/// The most ids one link statement (the systems of an asset, of a
/// processing, of an agreement) takes.
pub const MAX_LINKS: usize = 1000;

/// The key that makes a name unique in its organisation: runs of white
/// space made one space, lower case (Unicode-aware).
pub fn name_key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A stored information asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Asset {
    pub id: Uuid,
    pub org_id: Uuid,
    #[serde(flatten)]
    pub data: AssetInput,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A stored system or IT service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct System {
    pub id: Uuid,
    pub org_id: Uuid,
    #[serde(flatten)]
    pub data: SystemInput,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A row of an import whose name the organisation already holds (or that
/// repeats an earlier row of the same import).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NameClash {
    /// The row's index in the slice given (0-based).
    pub index: usize,
    pub name: String,
}

#[derive(FromRow)]
pub(crate) struct AssetRow {
    id: Uuid,
    org_id: Uuid,
    name: String,
    description: String,
    information_owner: String,
    unit_id: Option<Uuid>,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_by: String,
    updated_at: DateTime<Utc>,
}

impl AssetRow {
    pub(crate) fn parse(self) -> Result<Asset> {
        Ok(Asset {
            id: self.id,
            org_id: self.org_id,
            data: AssetInput {
                name: self.name,
                description: self.description,
                information_owner: self.information_owner,
                unit: self.unit_id,
            },
            created_by: self.created_by,
            created_at: self.created_at,
            updated_by: self.updated_by,
            updated_at: self.updated_at,
        })
    }
}

pub(crate) const ASSET_COLUMNS: &str = "SELECT a.id, a.org_id, a.name, a.description, a.information_owner, a.unit_id, \
     a.created_by, a.created_at, a.updated_by, a.updated_at FROM info_assets a";

#[derive(FromRow)]
pub(crate) struct SystemRow {
    id: Uuid,
    org_id: Uuid,
    name: String,
    description: String,
    system_owner: String,
    object_manager: String,
    supplier: String,
    hosting: Option<String>,
    country: Option<String>,
    contract: String,
    processes_personal_data: bool,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_by: String,
    updated_at: DateTime<Utc>,
}

impl SystemRow {
    pub(crate) fn parse(self) -> Result<System> {
        Ok(System {
            id: self.id,
            org_id: self.org_id,
            data: SystemInput {
                name: self.name,
                description: self.description,
                system_owner: self.system_owner,
                object_manager: self.object_manager,
                supplier: self.supplier,
                hosting: self.hosting.as_deref().map(code::<Hosting>).transpose()?,
                country: self.country,
                contract: self.contract,
                processes_personal_data: self.processes_personal_data,
            },
            created_by: self.created_by,
            created_at: self.created_at,
            updated_by: self.updated_by,
            updated_at: self.updated_at,
        })
    }
}

pub(crate) const SYSTEM_COLUMNS: &str = "SELECT s.id, s.org_id, s.name, s.description, s.system_owner, s.object_manager, \
     s.supplier, s.hosting, s.country, s.contract, s.processes_personal_data, s.created_by, s.created_at, \
     s.updated_by, s.updated_at FROM systems s";

/// Reads a JSON column, treating a malformed one as a database fault.
pub(crate) fn json_column<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The audit entry of a register row made: `kind.create` with its data.
pub(crate) fn created<T: Serialize>(actor: &Actor, kind: &str, id: Uuid, org: Uuid, after: &T) -> Change {
    audit(actor, &format!("{kind}.create"), kind, id, org, None, Some(to_json(after)))
}

/// The audit entry of a register row changed: `kind.update` with its data before and after.
pub(crate) fn updated<B: Serialize, A: Serialize>(
    actor: &Actor,
    kind: &str,
    id: Uuid,
    org: Uuid,
    before: &B,
    after: &A,
) -> Change {
    audit(actor, &format!("{kind}.update"), kind, id, org, Some(to_json(before)), Some(to_json(after)))
}

/// The audit entry of a register row deleted: `kind.delete` with its data before.
pub(crate) fn deleted<T: Serialize>(actor: &Actor, kind: &str, id: Uuid, org: Uuid, before: &T) -> Change {
    audit(actor, &format!("{kind}.delete"), kind, id, org, Some(to_json(before)), None)
}

pub(crate) fn check_links(ids: &[Uuid]) -> Result<()> {
    if ids.len() > MAX_LINKS {
        return Err(StoreError::Other(format!("{} links at once; at most {MAX_LINKS}", ids.len())));
    }
    Ok(())
}

pub(crate) fn check_import(rows: usize) -> Result<()> {
    if rows > MAX_IMPORT_ROWS {
        return Err(StoreError::Other(format!("{rows} rows at once; at most {MAX_IMPORT_ROWS}")));
    }
    Ok(())
}

macro_rules! fetch_by_id {
    ($exec:expr, $row:ty, $columns:expr, $alias:literal, $id:expr) => {
        sqlx::query_as::<_, $row>(sqlx::AssertSqlSafe(format!("{} WHERE {}.id = $1", $columns, $alias)))
            .bind($id)
            .fetch_optional(&mut *$exec)
            .await?
            .map(<$row>::parse)
            .transpose()?
    };
}
pub(crate) use fetch_by_id;

/// A register's row by id, outside a transaction.
macro_rules! find_one {
    ($self:expr, $row:ty, $columns:expr, $alias:literal, $id:expr) => {
        Ok(with_pool!($self, |p| {
            let mut conn = p.acquire().await?;
            $crate::assets::fetch_by_id!(conn, $row, $columns, $alias, $id)
        }))
    };
}
pub(crate) use find_one;

/// A register's rows of the organisations in `scope`, ordered by `order`
/// (columns of `alias`), at most [`MAX_REGISTER_ROWS`].
macro_rules! list_scoped {
    ($self:expr, $row:ty, $columns:expr, $alias:literal, $scope:expr, $order:literal) => {{
        if $scope.is_nothing() {
            return Ok(Vec::new());
        }
        let rows: Vec<$row> = with_pool!($self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{} WHERE", $columns));
            push_scope!(q, concat!($alias, ".org_id"), $scope);
            q.push(concat!(" ORDER BY ", $order, " LIMIT "));
            q.push_bind($crate::assets::MAX_REGISTER_ROWS);
            q.build_query_as::<$row>().fetch_all(p).await?
        });
        rows.into_iter().map(<$row>::parse).collect()
    }};
}
pub(crate) use list_scoped;

/// Inside a write transaction: the rows of `table` named like one of
/// `rows` (already in `org` or repeated by an earlier row), which refuse an
/// import.
macro_rules! import_clashes {
    ($tx:expr, $table:literal, $org:expr, $rows:expr) => {{
        let taken: Vec<(String,)> = sqlx::query_as(concat!("SELECT name_key FROM ", $table, " WHERE org_id = $1"))
            .bind($org)
            .fetch_all(&mut *$tx)
            .await?;
        $crate::assets::clashes(taken, $rows.iter().map(|r| r.name.as_str()))
    }};
}
pub(crate) use import_clashes;

/// Stores `rows` in `org` with an audit entry each, all or none: answers
/// `Ok(Err(clashes))` (nothing stored) when a name is taken or repeated;
/// `$check` runs inside the transaction before any row is written.
macro_rules! import_rows {
    ($self:expr, $actor:expr, $org:expr, $rows:expr, $table:literal, $insert:ident, $action:literal, $kind:literal,
     |$tx:ident| $check:block) => {{
        $crate::assets::check_import($rows.len())?;
        let now = domain::now();
        Ok($crate::write_tx!($self, |$tx, chain| {
            $crate::check_org!($tx, $org);
            let clashes = $crate::assets::import_clashes!($tx, $table, $org, $rows);
            if !clashes.is_empty() {
                return Ok(Err(clashes));
            }
            $check
            for r in $rows {
                let id = Uuid::now_v7();
                $insert!($tx, id, $org, r, $actor, now);
                let after = Some($crate::assets::to_json(r));
                chain.push(now, $crate::plan::audit($actor, $action, $kind, id, $org, None, after));
            }
            Ok($rows.len())
        }))
    }};
}
pub(crate) use import_rows;

/// Inside a write transaction: `Conflict` on `field` unless every one of
/// `ids` is a row of `table` owned by `org`.
macro_rules! check_owned {
    ($tx:expr, $table:literal, $ids:expr, $org:expr, $field:literal, $code:literal) => {{
        let ids: &[Uuid] = $ids;
        if !ids.is_empty() {
            let mut q = sqlx::QueryBuilder::new(concat!("SELECT COUNT(*) FROM ", $table, " WHERE org_id = "));
            q.push_bind($org);
            q.push(" AND id IN (");
            let mut sep = q.separated(", ");
            for id in ids {
                sep.push_bind(*id);
            }
            q.push(")");
            let (n,): (i64,) = q.build_query_as().fetch_one(&mut *$tx).await?;
            if n != ids.len() as i64 {
                return Err(StoreError::conflict($field, $code));
            }
        }
    }};
}
pub(crate) use check_owned;

/// Inside a write transaction: `Conflict` on `name` if `org` holds a row of
/// `table` with the name key `key` (other than `except`).
macro_rules! check_name_free {
    ($tx:expr, $table:literal, $org:expr, $key:expr, $except:expr, $code:literal) => {{
        let taken: Option<(Uuid,)> =
            sqlx::query_as(concat!("SELECT id FROM ", $table, " WHERE org_id = $1 AND name_key = $2 AND id <> $3"))
                .bind($org)
                .bind($key)
                .bind($except)
                .fetch_optional(&mut *$tx)
                .await?;
        if taken.is_some() {
            return Err(StoreError::conflict("name", $code));
        }
    }};
}
pub(crate) use check_name_free;

/// Inside a write transaction: replaces the rows of a link table for one
/// owner.
macro_rules! replace_links {
    ($tx:expr, $table:literal, $owner_col:literal, $other_col:literal, $owner:expr, $ids:expr) => {{
        sqlx::query(concat!("DELETE FROM ", $table, " WHERE ", $owner_col, " = $1"))
            .bind($owner)
            .execute(&mut *$tx)
            .await?;
        let ids: &[Uuid] = $ids;
        if !ids.is_empty() {
            let mut q =
                sqlx::QueryBuilder::new(concat!("INSERT INTO ", $table, " (", $owner_col, ", ", $other_col, ") "));
            q.push_values(ids, |mut b, id| {
                b.push_bind($owner).push_bind(*id);
            });
            q.build().execute(&mut *$tx).await?;
        }
    }};
}
pub(crate) use replace_links;

/// Sorted, without repeats.
pub(crate) fn distinct(ids: &[Uuid]) -> Vec<Uuid> {
    let mut v = ids.to_vec();
    v.sort();
    v.dedup();
    v
}

/// Inside a write transaction: `Conflict` on `unit` unless `unit` is `org`
/// or below it.
macro_rules! check_unit {
    ($tx:expr, $org:expr, $unit:expr) => {{
        if let Some(unit) = $unit {
            let below: Option<(Uuid,)> =
                sqlx::query_as("SELECT org_id FROM org_closure WHERE ancestor_id = $1 AND org_id = $2")
                    .bind($org)
                    .bind(unit)
                    .fetch_optional(&mut *$tx)
                    .await?;
            if below.is_none() {
                return Err(StoreError::conflict("unit", "error-asset-unit-unknown"));
            }
        }
    }};
}

/// Inside a write transaction: inserts one asset row.
macro_rules! insert_asset_row {
    ($tx:expr, $id:expr, $org:expr, $data:expr, $actor:expr, $now:expr) => {{
        let data: &AssetInput = $data;
        sqlx::query(
            "INSERT INTO info_assets (id, org_id, name, name_key, description, information_owner, unit_id, \
             created_by, created_at, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9)",
        )
        .bind($id)
        .bind($org)
        .bind(&data.name)
        .bind(name_key(&data.name))
        .bind(&data.description)
        .bind(&data.information_owner)
        .bind(data.unit)
        .bind(&$actor.label)
        .bind($now)
        .execute(&mut *$tx)
        .await?;
    }};
}

/// Inside a write transaction: inserts one system row.
macro_rules! insert_system_row {
    ($tx:expr, $id:expr, $org:expr, $data:expr, $actor:expr, $now:expr) => {{
        let data: &SystemInput = $data;
        sqlx::query(
            "INSERT INTO systems (id, org_id, name, name_key, description, system_owner, object_manager, supplier, \
             hosting, country, contract, processes_personal_data, created_by, created_at, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $13, $14)",
        )
        .bind($id)
        .bind($org)
        .bind(&data.name)
        .bind(name_key(&data.name))
        .bind(&data.description)
        .bind(&data.system_owner)
        .bind(&data.object_manager)
        .bind(&data.supplier)
        .bind(data.hosting.map(|h| h.code()))
        .bind(&data.country)
        .bind(&data.contract)
        .bind(data.processes_personal_data)
        .bind(&$actor.label)
        .bind($now)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use insert_system_row;

impl Store {
    // ---- assets ------------------------------------------------------------------

    /// Adds an information asset to `org_id`; its unit (if any) must be
    /// `org_id` or below it; its name must be free in the organisation.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %org_id))]
    pub async fn insert_asset(&self, actor: &Actor, org_id: Uuid, data: AssetInput) -> Result<Asset> {
        let now = domain::now();
        let id = Uuid::now_v7();
        write_tx!(self, |tx, chain| {
            check_org!(tx, org_id);
            check_unit!(tx, org_id, data.unit);
            check_name_free!(tx, "info_assets", org_id, name_key(&data.name), id, "error-asset-name-taken");
            insert_asset_row!(tx, id, org_id, &data, actor, now);
            chain.push(now, created(actor, "asset", id, org_id, &data));
        });
        self.find_asset(id).await?.ok_or(StoreError::NotFound)
    }

    /// Changes an asset (its organisation stays).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn update_asset(&self, actor: &Actor, id: Uuid, data: AssetInput) -> Result<Asset> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let before = fetch_by_id!(tx, AssetRow, ASSET_COLUMNS, "a", id).ok_or(StoreError::NotFound)?;
            check_unit!(tx, before.org_id, data.unit);
            check_name_free!(tx, "info_assets", before.org_id, name_key(&data.name), id, "error-asset-name-taken");
            sqlx::query(
                "UPDATE info_assets SET name = $1, name_key = $2, description = $3, information_owner = $4, \
                 unit_id = $5, updated_by = $6, updated_at = $7 WHERE id = $8",
            )
            .bind(&data.name)
            .bind(name_key(&data.name))
            .bind(&data.description)
            .bind(&data.information_owner)
            .bind(data.unit)
            .bind(&actor.label)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            chain.push(now, updated(actor, "asset", id, before.org_id, &before.data, &data));
        });
        self.find_asset(id).await?.ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_asset(&self, id: Uuid) -> Result<Option<Asset>> {
        find_one!(self, AssetRow, ASSET_COLUMNS, "a", id)
    }

    /// The assets of organisations in `scope`, by name (at most
    /// [`MAX_REGISTER_ROWS`]).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_assets(&self, scope: &OrgScope) -> Result<Vec<Asset>> {
        list_scoped!(self, AssetRow, ASSET_COLUMNS, "a", scope, "a.name_key, a.id")
    }

    /// Deletes an asset with its classifications and links; refused while a
    /// risk analysis is about it.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn delete_asset(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let before = fetch_by_id!(tx, AssetRow, ASSET_COLUMNS, "a", id).ok_or(StoreError::NotFound)?;
            let (risks,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM risks WHERE object_kind = 'asset' AND object_id = $1")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            if risks > 0 {
                return Err(StoreError::conflict("id", "error-asset-in-use"));
            }
            sqlx::query("DELETE FROM asset_classifications WHERE asset_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM asset_systems WHERE asset_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM info_assets WHERE id = $1").bind(id).execute(&mut *tx).await?;
            chain.push(now, deleted(actor, "asset", id, before.org_id, &before.data));
        });
        Ok(())
    }

    /// Stores the assets `rows` in `org_id`, all or none. `Ok(Err(clashes))`
    /// (nothing stored) names every row whose name the organisation already
    /// holds or an earlier row repeats. At most
    /// [`domain::assets::system::MAX_IMPORT_ROWS`] rows.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org = %org_id, rows = rows.len()))]
    pub async fn import_assets(
        &self,
        actor: &Actor,
        org_id: Uuid,
        rows: &[AssetInput],
    ) -> Result<std::result::Result<usize, Vec<NameClash>>> {
        import_rows!(self, actor, org_id, rows, "info_assets", insert_asset_row, "asset.import", "asset", |tx| {
            let mut units: Vec<Uuid> = rows.iter().filter_map(|r| r.unit).collect();
            units.sort();
            units.dedup();
            for u in units {
                check_unit!(tx, org_id, Some(u));
            }
        })
    }

    // ---- assets ↔ systems ----------------------------------------------------------

    /// Sets the systems that process an asset (at most [`MAX_LINKS`]), all
    /// of the asset's organisation (`Conflict` on `systems` otherwise).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, asset = %asset_id))]
    pub async fn set_asset_systems(&self, actor: &Actor, asset_id: Uuid, systems: &[Uuid]) -> Result<()> {
        check_links(systems)?;
        let systems = distinct(systems);
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let asset = fetch_by_id!(tx, AssetRow, ASSET_COLUMNS, "a", asset_id).ok_or(StoreError::NotFound)?;
            check_owned!(tx, "systems", &systems, asset.org_id, "systems", "error-asset-system-unknown");
            let before: Vec<(Uuid,)> =
                sqlx::query_as("SELECT system_id FROM asset_systems WHERE asset_id = $1 ORDER BY system_id")
                    .bind(asset_id)
                    .fetch_all(&mut *tx)
                    .await?;
            let before: Vec<Uuid> = before.into_iter().map(|(s,)| s).collect();
            replace_links!(tx, "asset_systems", "asset_id", "system_id", asset_id, &systems);
            chain.push(
                now,
                audit(
                    actor,
                    "asset.systems",
                    "asset",
                    asset_id,
                    asset.org_id,
                    Some(to_json(&before)),
                    Some(to_json(&systems)),
                ),
            );
        });
        Ok(())
    }

    /// The systems that process an asset, by name.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(asset = %asset_id))]
    pub async fn systems_of_asset(&self, asset_id: Uuid) -> Result<Vec<System>> {
        let rows: Vec<SystemRow> = with_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{SYSTEM_COLUMNS} JOIN asset_systems l ON l.system_id = s.id WHERE l.asset_id = $1 \
                 ORDER BY s.name_key, s.id"
            )))
            .bind(asset_id)
            .fetch_all(p)
            .await?
        });
        rows.into_iter().map(SystemRow::parse).collect()
    }

    /// The assets a system processes, by name.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(system = %system_id))]
    pub async fn assets_of_system(&self, system_id: Uuid) -> Result<Vec<Asset>> {
        let rows: Vec<AssetRow> = with_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "{ASSET_COLUMNS} JOIN asset_systems l ON l.asset_id = a.id WHERE l.system_id = $1 \
                 ORDER BY a.name_key, a.id"
            )))
            .bind(system_id)
            .fetch_all(p)
            .await?
        });
        rows.into_iter().map(AssetRow::parse).collect()
    }

    /// Every (asset, system) link of assets in `scope` (at most
    /// [`MAX_REGISTER_ROWS`]), ordered.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn asset_system_links(&self, scope: &OrgScope) -> Result<Vec<(Uuid, Uuid)>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT l.asset_id, l.system_id FROM asset_systems l JOIN info_assets a ON a.id = l.asset_id WHERE",
            );
            push_scope!(q, "a.org_id", scope);
            q.push(" ORDER BY l.asset_id, l.system_id LIMIT ");
            q.push_bind(MAX_REGISTER_ROWS);
            q.build_query_as::<(Uuid, Uuid)>().fetch_all(p).await?
        }))
    }
}

/// The rows whose name key is taken or repeats an earlier row.
pub(crate) fn clashes<'a>(taken: Vec<(String,)>, names: impl Iterator<Item = &'a str>) -> Vec<NameClash> {
    let mut seen: std::collections::HashSet<String> = taken.into_iter().map(|(k,)| k).collect();
    names
        .enumerate()
        .filter(|(_, n)| !seen.insert(name_key(n)))
        .map(|(index, n)| NameClash { index, name: n.to_owned() })
        .collect()
}
