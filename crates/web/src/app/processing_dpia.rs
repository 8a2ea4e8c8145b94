//! Consequence assessments (konsekvensbedömning, DPIA, GDPR art. 35) of a
//! processing, and whether prior consultation with IMY (art. 36) is needed
//! and missing. Read with [`Permission::ViewRegisters`], written with
//! [`Permission::ManageProcessing`] at the processing's organisation.

use domain::assets::dpia::{DpiaFields, consultation_missing, needs_prior_consultation};
use domain::authz::Permission;
use uuid::Uuid;

use super::{find_writable, org_name, reader_tree};
use crate::app::{Caller, Error, Result};

/// An assessment with its processing and what the caller may do.
pub struct DpiaView {
    pub dpia: store::Dpia,
    pub processing: store::Processing,
    pub org_name: String,
    /// The residual risk calls for prior consultation (art. 36(1)).
    pub needs_consultation: bool,
    /// … and it has not been made.
    pub consultation_missing: bool,
    pub may_manage: bool,
}

/// The processing a new assessment is made for (the caller writes it).
pub async fn processing_for_new(store: &store::Store, caller: &Caller, processing: Uuid) -> Result<store::Processing> {
    Ok(find_writable(store, caller, processing).await?.0)
}

/// The assessments of a processing the caller reads, oldest first.
pub async fn list(store: &store::Store, caller: &Caller, processing: Uuid) -> Result<Vec<store::Dpia>> {
    let tree = reader_tree(store, caller).await?;
    let p = store.find_processing(processing).await?.ok_or(Error::NotFound)?;
    super::ensure_reads(caller, &tree, p.org_id)?;
    Ok(store.dpias_of(processing).await?)
}

/// Makes an assessment of a processing.
pub async fn create(
    store: &store::Store,
    caller: &Caller,
    processing: Uuid,
    fields: &DpiaFields,
) -> Result<store::Dpia> {
    find_writable(store, caller, processing).await?;
    let input = fields.parse(domain::clock::today())?;
    Ok(store.insert_dpia(&caller.actor(), processing, input).await?)
}

/// An assessment the caller reads.
pub async fn load(store: &store::Store, caller: &Caller, id: Uuid) -> Result<DpiaView> {
    let tree = reader_tree(store, caller).await?;
    let dpia = store.find_dpia(id).await?.ok_or(Error::NotFound)?;
    super::ensure_reads(caller, &tree, dpia.org_id)?;
    let processing = store.find_processing(dpia.processing_id).await?.ok_or(Error::NotFound)?;
    Ok(DpiaView {
        org_name: org_name(&tree, dpia.org_id),
        needs_consultation: needs_prior_consultation(dpia.data.residual_level),
        consultation_missing: consultation_missing(&dpia.data),
        may_manage: caller.principal.can(Permission::ManageProcessing, dpia.org_id, &tree),
        dpia,
        processing,
    })
}

async fn find_writable_dpia(store: &store::Store, caller: &Caller, id: Uuid) -> Result<store::Dpia> {
    let tree = reader_tree(store, caller).await?;
    let dpia = store.find_dpia(id).await?.ok_or(Error::NotFound)?;
    super::ensure_reads(caller, &tree, dpia.org_id)?;
    super::ensure_manages(caller, &tree, dpia.org_id)?;
    Ok(dpia)
}

/// Changes an assessment: every field is the new value.
pub async fn update(store: &store::Store, caller: &Caller, id: Uuid, fields: &DpiaFields) -> Result<store::Dpia> {
    find_writable_dpia(store, caller, id).await?;
    let input = fields.parse(domain::clock::today())?;
    Ok(store.update_dpia(&caller.actor(), id, input).await?)
}

/// Deletes an assessment; answers the processing it was of.
pub async fn delete(store: &store::Store, caller: &Caller, id: Uuid) -> Result<Uuid> {
    let d = find_writable_dpia(store, caller, id).await?;
    store.delete_dpia(&caller.actor(), id).await?;
    Ok(d.processing_id)
}
