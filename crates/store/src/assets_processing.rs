//! The processing register (GDPR art. 30) with the systems each processing
//! uses, data-processing agreements with the systems and processings they
//! cover, and the facts the coverage of the registers is computed from.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::assets::processing::{Agreement, ProcessingInput};
use serde::Serialize;
use sqlx::FromRow;
use uuid::Uuid;

use crate::OrgScope;
use crate::assets::{
    MAX_REGISTER_ROWS, NameClash, check_links, check_name_free, check_owned, created, deleted, distinct, fetch_by_id,
    find_one, import_rows, json_column, list_scoped, name_key, replace_links, to_json, updated,
};
use crate::plan::audit;
use crate::scope::push_scope;
use crate::{Actor, Result, Store, StoreError, check_org, with_pool, write_tx};

/// A stored record of the processing register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Processing {
    pub id: Uuid,
    pub org_id: Uuid,
    #[serde(flatten)]
    pub data: ProcessingInput,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

/// A stored data-processing agreement (with the systems and processings it
/// covers, by id, sorted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcessorAgreement {
    pub id: Uuid,
    pub org_id: Uuid,
    #[serde(flatten)]
    pub data: Agreement,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct ProcessingRow {
    id: Uuid,
    org_id: Uuid,
    data: String,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_by: String,
    updated_at: DateTime<Utc>,
}

impl ProcessingRow {
    fn parse(self) -> Result<Processing> {
        Ok(Processing {
            id: self.id,
            org_id: self.org_id,
            data: json_column(&self.data)?,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_by: self.updated_by,
            updated_at: self.updated_at,
        })
    }
}

const PROCESSING_COLUMNS: &str =
    "SELECT p.id, p.org_id, p.data, p.created_by, p.created_at, p.updated_by, p.updated_at FROM processings p";

#[derive(FromRow)]
struct AgreementRow {
    id: Uuid,
    org_id: Uuid,
    supplier: String,
    signed_on: Option<NaiveDate>,
    expires_on: Option<NaiveDate>,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_by: String,
    updated_at: DateTime<Utc>,
}

impl AgreementRow {
    /// Without its links (filled in by the caller).
    fn parse(self) -> Result<ProcessorAgreement> {
        Ok(ProcessorAgreement {
            id: self.id,
            org_id: self.org_id,
            data: Agreement {
                supplier: self.supplier,
                signed_on: self.signed_on,
                expires_on: self.expires_on,
                systems: Vec::new(),
                processings: Vec::new(),
            },
            created_by: self.created_by,
            created_at: self.created_at,
            updated_by: self.updated_by,
            updated_at: self.updated_at,
        })
    }
}

const AGREEMENT_COLUMNS: &str = "SELECT g.id, g.org_id, g.supplier, g.signed_on, g.expires_on, g.created_by, \
     g.created_at, g.updated_by, g.updated_at FROM agreements g";

/// Inside a write transaction: inserts one processing row.
macro_rules! insert_processing_row {
    ($tx:expr, $id:expr, $org:expr, $data:expr, $actor:expr, $now:expr) => {{
        let data: &ProcessingInput = $data;
        sqlx::query(
            "INSERT INTO processings (id, org_id, name, name_key, data, created_by, created_at, updated_by, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7)",
        )
        .bind($id)
        .bind($org)
        .bind(&data.name)
        .bind(name_key(&data.name))
        .bind(to_json(data))
        .bind(&$actor.label)
        .bind($now)
        .execute(&mut *$tx)
        .await?;
    }};
}

/// Inside a write transaction: the (sorted) ids of one owner's link rows.
macro_rules! links_of {
    ($exec:expr, $sql:literal, $owner:expr) => {{
        let rows: Vec<(Uuid,)> = sqlx::query_as($sql).bind($owner).fetch_all(&mut *$exec).await?;
        rows.into_iter().map(|(id,)| id).collect::<Vec<Uuid>>()
    }};
}

/// Inside a write transaction: checks an agreement's links and stores them.
macro_rules! write_agreement_links {
    ($tx:expr, $id:expr, $org:expr, $systems:expr, $processings:expr) => {{
        check_owned!($tx, "systems", $systems, $org, "systems", "error-agreement-system-unknown");
        check_owned!($tx, "processings", $processings, $org, "processings", "error-agreement-processing-unknown");
        replace_links!($tx, "agreement_systems", "agreement_id", "system_id", $id, $systems);
        replace_links!($tx, "agreement_processings", "agreement_id", "processing_id", $id, $processings);
    }};
}

fn sorted_agreement(mut a: Agreement) -> Result<Agreement> {
    check_links(&a.systems)?;
    check_links(&a.processings)?;
    a.systems = distinct(&a.systems);
    a.processings = distinct(&a.processings);
    Ok(a)
}

impl Store {
    // ---- processings ---------------------------------------------------------------------

    /// Adds a record to `org_id`'s processing register; its name must be
    /// free in the organisation.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %org_id))]
    pub async fn insert_processing(&self, actor: &Actor, org_id: Uuid, data: ProcessingInput) -> Result<Processing> {
        let now = domain::now();
        let id = Uuid::now_v7();
        write_tx!(self, |tx, chain| {
            check_org!(tx, org_id);
            check_name_free!(tx, "processings", org_id, name_key(&data.name), id, "error-processing-name-taken");
            insert_processing_row!(tx, id, org_id, &data, actor, now);
            chain.push(now, created(actor, "processing", id, org_id, &data));
        });
        self.find_processing(id).await?.ok_or(StoreError::NotFound)
    }

    /// Changes a record of the processing register.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn update_processing(&self, actor: &Actor, id: Uuid, data: ProcessingInput) -> Result<Processing> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let before = fetch_by_id!(tx, ProcessingRow, PROCESSING_COLUMNS, "p", id).ok_or(StoreError::NotFound)?;
            check_name_free!(tx, "processings", before.org_id, name_key(&data.name), id, "error-processing-name-taken");
            sqlx::query(
                "UPDATE processings SET name = $1, name_key = $2, data = $3, updated_by = $4, updated_at = $5 \
                 WHERE id = $6",
            )
            .bind(&data.name)
            .bind(name_key(&data.name))
            .bind(to_json(&data))
            .bind(&actor.label)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            chain.push(now, updated(actor, "processing", id, before.org_id, &before.data, &data));
        });
        self.find_processing(id).await?.ok_or(StoreError::NotFound)
    }

    /// Deletes a record with its links to systems and agreements; refused
    /// while a consequence assessment of it is stored.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn delete_processing(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let before = fetch_by_id!(tx, ProcessingRow, PROCESSING_COLUMNS, "p", id).ok_or(StoreError::NotFound)?;
            let (dpias,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM dpias WHERE processing_id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            if dpias > 0 {
                return Err(StoreError::conflict("id", "error-processing-in-use"));
            }
            sqlx::query("DELETE FROM processing_systems WHERE processing_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM agreement_processings WHERE processing_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM processings WHERE id = $1").bind(id).execute(&mut *tx).await?;
            chain.push(now, deleted(actor, "processing", id, before.org_id, &before.data));
        });
        Ok(())
    }

    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_processing(&self, id: Uuid) -> Result<Option<Processing>> {
        find_one!(self, ProcessingRow, PROCESSING_COLUMNS, "p", id)
    }

    /// The processing register of organisations in `scope`, by name (at
    /// most [`MAX_REGISTER_ROWS`]).
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_processings(&self, scope: &OrgScope) -> Result<Vec<Processing>> {
        list_scoped!(self, ProcessingRow, PROCESSING_COLUMNS, "p", scope, "p.name_key, p.id")
    }

    /// Stores the records `rows` in `org_id`'s processing register, all or
    /// none; as [`Store::import_assets`].
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org = %org_id, rows = rows.len()))]
    pub async fn import_processings(
        &self,
        actor: &Actor,
        org_id: Uuid,
        rows: &[ProcessingInput],
    ) -> Result<std::result::Result<usize, Vec<NameClash>>> {
        import_rows!(
            self,
            actor,
            org_id,
            rows,
            "processings",
            insert_processing_row,
            "processing.import",
            "processing",
            |tx| {}
        )
    }

    /// Sets the systems a processing uses (at most [`crate::MAX_LINKS`]),
    /// all of the processing's organisation (`Conflict` on `systems` otherwise).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, processing = %processing_id))]
    pub async fn set_processing_systems(&self, actor: &Actor, processing_id: Uuid, systems: &[Uuid]) -> Result<()> {
        check_links(systems)?;
        let systems = distinct(systems);
        let now = domain::now();
        write_tx!(self, |tx, chain| {
            let p =
                fetch_by_id!(tx, ProcessingRow, PROCESSING_COLUMNS, "p", processing_id).ok_or(StoreError::NotFound)?;
            check_owned!(tx, "systems", &systems, p.org_id, "systems", "error-processing-system-unknown");
            let before = links_of!(
                tx,
                "SELECT system_id FROM processing_systems WHERE processing_id = $1 ORDER BY system_id",
                processing_id
            );
            replace_links!(tx, "processing_systems", "processing_id", "system_id", processing_id, &systems);
            chain.push(
                now,
                audit(
                    actor,
                    "processing.systems",
                    "processing",
                    processing_id,
                    p.org_id,
                    Some(to_json(&before)),
                    Some(to_json(&systems)),
                ),
            );
        });
        Ok(())
    }

    /// The ids of the systems a processing uses, sorted.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(processing = %processing_id))]
    pub async fn systems_of_processing(&self, processing_id: Uuid) -> Result<Vec<Uuid>> {
        Ok(with_pool!(self, |p| {
            let mut conn = p.acquire().await?;
            links_of!(
                conn,
                "SELECT system_id FROM processing_systems WHERE processing_id = $1 ORDER BY system_id",
                processing_id
            )
        }))
    }

    /// Every (processing, system) link of processings in `scope` (at most
    /// [`MAX_REGISTER_ROWS`]), ordered.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn processing_system_links(&self, scope: &OrgScope) -> Result<Vec<(Uuid, Uuid)>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(
                "SELECT l.processing_id, l.system_id FROM processing_systems l \
                 JOIN processings p ON p.id = l.processing_id WHERE",
            );
            push_scope!(q, "p.org_id", scope);
            q.push(" ORDER BY l.processing_id, l.system_id LIMIT ");
            q.push_bind(MAX_REGISTER_ROWS);
            q.build_query_as::<(Uuid, Uuid)>().fetch_all(p).await?
        }))
    }

    // ---- agreements ----------------------------------------------------------------------

    /// Adds a data-processing agreement to `org_id`; the systems and
    /// processings it covers (at most [`crate::MAX_LINKS`] each) must be
    /// `org_id`'s (`Conflict` on `systems` / `processings` otherwise).
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, org_id = %org_id))]
    pub async fn insert_agreement(&self, actor: &Actor, org_id: Uuid, data: Agreement) -> Result<ProcessorAgreement> {
        let data = sorted_agreement(data)?;
        let now = domain::now();
        let id = Uuid::now_v7();
        write_tx!(self, |tx, chain| {
            check_org!(tx, org_id);
            sqlx::query(
                "INSERT INTO agreements (id, org_id, supplier, signed_on, expires_on, created_by, created_at, \
                 updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7)",
            )
            .bind(id)
            .bind(org_id)
            .bind(&data.supplier)
            .bind(data.signed_on)
            .bind(data.expires_on)
            .bind(&actor.label)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            write_agreement_links!(tx, id, org_id, &data.systems, &data.processings);
            chain.push(now, created(actor, "agreement", id, org_id, &data));
        });
        self.find_agreement(id).await?.ok_or(StoreError::NotFound)
    }

    /// Changes an agreement and what it covers.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn update_agreement(&self, actor: &Actor, id: Uuid, data: Agreement) -> Result<ProcessorAgreement> {
        let data = sorted_agreement(data)?;
        let now = domain::now();
        let before = self.find_agreement(id).await?.ok_or(StoreError::NotFound)?;
        write_tx!(self, |tx, chain| {
            let (org_id,): (Uuid,) = sqlx::query_as("SELECT org_id FROM agreements WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?;
            sqlx::query(
                "UPDATE agreements SET supplier = $1, signed_on = $2, expires_on = $3, updated_by = $4, \
                 updated_at = $5 WHERE id = $6",
            )
            .bind(&data.supplier)
            .bind(data.signed_on)
            .bind(data.expires_on)
            .bind(&actor.label)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            write_agreement_links!(tx, id, org_id, &data.systems, &data.processings);
            chain.push(now, updated(actor, "agreement", id, org_id, &before.data, &data));
        });
        self.find_agreement(id).await?.ok_or(StoreError::NotFound)
    }

    /// Deletes an agreement with its links.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(actor_id = ?actor.id, id = %id))]
    pub async fn delete_agreement(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let now = domain::now();
        let before = self.find_agreement(id).await?.ok_or(StoreError::NotFound)?;
        write_tx!(self, |tx, chain| {
            sqlx::query("DELETE FROM agreement_systems WHERE agreement_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM agreement_processings WHERE agreement_id = $1").bind(id).execute(&mut *tx).await?;
            let gone = sqlx::query("DELETE FROM agreements WHERE id = $1").bind(id).execute(&mut *tx).await?;
            if gone.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            chain.push(now, deleted(actor, "agreement", id, before.org_id, &before.data));
        });
        Ok(())
    }

    /// One agreement with what it covers.
    #[tracing::instrument(skip_all, err(level = "debug"), fields(id = %id))]
    pub async fn find_agreement(&self, id: Uuid) -> Result<Option<ProcessorAgreement>> {
        Ok(with_pool!(self, |p| {
            let mut conn = p.acquire().await?;
            match fetch_by_id!(conn, AgreementRow, AGREEMENT_COLUMNS, "g", id) {
                None => None,
                Some(mut a) => {
                    a.data.systems = links_of!(
                        conn,
                        "SELECT system_id FROM agreement_systems WHERE agreement_id = $1 ORDER BY system_id",
                        id
                    );
                    a.data.processings = links_of!(
                        conn,
                        "SELECT processing_id FROM agreement_processings WHERE agreement_id = $1 \
                         ORDER BY processing_id",
                        id
                    );
                    Some(a)
                }
            }
        }))
    }

    /// The agreements of organisations in `scope` with what they cover,
    /// oldest first (at most [`MAX_REGISTER_ROWS`]); three statements.
    #[tracing::instrument(skip_all, err(level = "debug"))]
    pub async fn list_agreements(&self, scope: &OrgScope) -> Result<Vec<ProcessorAgreement>> {
        if scope.is_nothing() {
            return Ok(Vec::new());
        }
        let (rows, systems, processings) = with_pool!(self, |p| {
            let mut q = sqlx::QueryBuilder::new(format!("{AGREEMENT_COLUMNS} WHERE"));
            push_scope!(q, "g.org_id", scope);
            q.push(" ORDER BY g.id LIMIT ");
            q.push_bind(MAX_REGISTER_ROWS);
            let rows = q.build_query_as::<AgreementRow>().fetch_all(p).await?;
            let mut q = sqlx::QueryBuilder::new(
                "SELECT l.agreement_id, l.system_id FROM agreement_systems l \
                 JOIN agreements g ON g.id = l.agreement_id WHERE",
            );
            push_scope!(q, "g.org_id", scope);
            q.push(" ORDER BY l.agreement_id, l.system_id");
            let systems = q.build_query_as::<(Uuid, Uuid)>().fetch_all(p).await?;
            let mut q = sqlx::QueryBuilder::new(
                "SELECT l.agreement_id, l.processing_id FROM agreement_processings l \
                 JOIN agreements g ON g.id = l.agreement_id WHERE",
            );
            push_scope!(q, "g.org_id", scope);
            q.push(" ORDER BY l.agreement_id, l.processing_id");
            let processings = q.build_query_as::<(Uuid, Uuid)>().fetch_all(p).await?;
            (rows, systems, processings)
        });
        let mut out: Vec<ProcessorAgreement> = rows.into_iter().map(AgreementRow::parse).collect::<Result<_>>()?;
        let at: HashMap<Uuid, usize> = out.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
        for (a, s) in systems {
            if let Some(&i) = at.get(&a) {
                out[i].data.systems.push(s);
            }
        }
        for (a, pr) in processings {
            if let Some(&i) = at.get(&a) {
                out[i].data.processings.push(pr);
            }
        }
        Ok(out)
    }
}
