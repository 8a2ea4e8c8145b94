//! The system register: systems and IT services with their owners,
//! object managers, suppliers and where they run.

use domain::assets::system::SystemInput;
use uuid::Uuid;

use crate::OrgScope;
use crate::assets::{
    NameClash, SYSTEM_COLUMNS, SystemRow, check_name_free, created, deleted, fetch_by_id, find_one, import_rows,
    insert_system_row, list_scoped, name_key, updated,
};
use crate::scope::push_scope;
use crate::{Actor, Result, Store, StoreError, System, check_org, with_pool, write_tx};

impl Store {
    // ---- systems -----------------------------------------------------------------

    /// Adds a system to `org_id`; its name must be free in the organisation.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %org_id))]
    pub async fn insert_system(&self, actor: &Actor, org_id: Uuid, data: SystemInput) -> Result<System> {
        let now = domain::now();
        let id = Uuid::now_v7();
        write_tx!(self, |tx, chain| {
            check_org!(tx, org_id);
            check_name_free!(tx, "systems", org_id, name_key(&data.name), id, "error-system-name-taken");
            insert_system_row!(tx, id, org_id, &data, actor, now);
            chain.push(now, created(actor, "system", id, org_id, &data));
        });
        self.find_system(id).await?.ok_or(StoreError::NotFound)
    }

    /// Changes a system (its organisation stays).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn update_system(&self, actor: &Actor, id: Uuid, data: SystemInput) -> Result<System> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let before = fetch_by_id!(tx, SystemRow, SYSTEM_COLUMNS, "s", id).ok_or(StoreError::NotFound)?;
            check_name_free!(tx, "systems", before.org_id, name_key(&data.name), id, "error-system-name-taken");
            sqlx::query(
                "UPDATE systems SET name = $1, name_key = $2, description = $3, system_owner = $4, \
                 object_manager = $5, supplier = $6, hosting = $7, country = $8, contract = $9, \
                 processes_personal_data = $10, updated_by = $11, updated_at = $12 WHERE id = $13",
            )
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
            .bind(&actor.label)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            chain.push(now, updated(actor, "system", id, before.org_id, &before.data, &data));
        });
        self.find_system(id).await?.ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_system(&self, id: Uuid) -> Result<Option<System>> {
        find_one!(self, SystemRow, SYSTEM_COLUMNS, "s", id)
    }

    /// The systems of organisations in `scope`, by name (at most
    /// [`MAX_REGISTER_ROWS`]).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_systems(&self, scope: &OrgScope) -> Result<Vec<System>> {
        list_scoped!(self, SystemRow, SYSTEM_COLUMNS, "s", scope, "s.name_key, s.id")
    }

    /// Deletes a system with its links to assets; refused while a risk
    /// analysis, a processing or an agreement names it.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn delete_system(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let before = fetch_by_id!(tx, SystemRow, SYSTEM_COLUMNS, "s", id).ok_or(StoreError::NotFound)?;
            let (used,): (i64,) = sqlx::query_as(
                "SELECT (SELECT COUNT(*) FROM risks WHERE object_kind = 'system' AND object_id = $1) \
                 + (SELECT COUNT(*) FROM processing_systems WHERE system_id = $1) \
                 + (SELECT COUNT(*) FROM agreement_systems WHERE system_id = $1)",
            )
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            if used > 0 {
                return Err(StoreError::conflict("id", "error-system-in-use"));
            }
            sqlx::query("DELETE FROM asset_systems WHERE system_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM systems WHERE id = $1").bind(id).execute(&mut *tx).await?;
            chain.push(now, deleted(actor, "system", id, before.org_id, &before.data));
        });
        Ok(())
    }

    /// Stores the systems `rows` in `org_id`, all or none; as
    /// [`Store::import_assets`].
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org = %org_id, rows = rows.len()))]
    pub async fn import_systems(
        &self,
        actor: &Actor,
        org_id: Uuid,
        rows: &[SystemInput],
    ) -> Result<std::result::Result<usize, Vec<NameClash>>> {
        import_rows!(self, actor, org_id, rows, "systems", insert_system_row, "system.import", "system", |tx| {})
    }
}
