//! Follow-up models: the parsed models by id, and loading a new model file.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use domain::authz::Permission;
use domain::model::{Model, ModelError};
use uuid::Uuid;

use crate::app::error::Invariant;
use crate::app::{Caller, Error, Result};

/// Parsed models by id; a stored model version never changes, so this never goes stale.
#[derive(Default)]
pub struct ModelCache(Mutex<HashMap<Uuid, Arc<Model>>>);

impl ModelCache {
    pub async fn get(&self, store: &store::Store, id: Uuid) -> Result<Arc<Model>> {
        if let Some(m) = self.0.lock().ok().and_then(|c| c.get(&id).cloned()) {
            return Ok(m);
        }
        let row = store.find_model(id).await?.ok_or(Error::NotFound)?;
        let model = Arc::new(domain::model::parse_model(&row.source).map_err(|e| {
            tracing::error!(model = %id, errors = ?e, "a stored model does not parse");
            Error::internal(Invariant("a stored model does not parse"))
        })?);
        if let Ok(mut c) = self.0.lock() {
            c.insert(id, model.clone());
        }
        Ok(model)
    }
}

/// A stored model with the size of its parsed content.
pub struct ModelSummary {
    pub row: store::ModelRow,
    pub areas: usize,
    pub questions: usize,
}

/// Every stored model version, oldest first.
pub async fn list_models(store: &store::Store, models: &ModelCache) -> Result<Vec<ModelSummary>> {
    let mut out = Vec::new();
    for row in store.list_models().await? {
        let m = models.get(store, row.id).await?;
        out.push(ModelSummary { areas: m.areas.len(), questions: m.questions.len(), row });
    }
    Ok(out)
}

/// Why a model file was not loaded.
#[derive(Debug, Clone)]
pub enum ModelProblem {
    /// No file, or an empty one.
    Missing,
    NotUtf8,
    /// An error in the file, by line and field.
    Invalid(ModelError),
    /// A rule that needs the stored models (the version exists): a message key.
    Conflict(&'static str),
}

/// Loads a model file (administrators): refused as a whole, with every error
/// by line and field, unless it is valid and its version is new.
#[tracing::instrument(skip_all, err)]
pub async fn import_model(
    store: &store::Store,
    caller: &Caller,
    file: Option<&[u8]>,
) -> Result<std::result::Result<store::ModelRow, Vec<ModelProblem>>> {
    if !caller.principal.can_everywhere(Permission::ManageModels) {
        return Err(Error::Forbidden);
    }
    let text = match file.map(std::str::from_utf8) {
        None | Some(Ok("")) => return Ok(Err(vec![ModelProblem::Missing])),
        Some(Err(_)) => return Ok(Err(vec![ModelProblem::NotUtf8])),
        Some(Ok(text)) => text,
    };
    let m = match domain::model::parse_model(text) {
        Ok(m) => m,
        Err(errors) => return Ok(Err(errors.into_iter().map(ModelProblem::Invalid).collect())),
    };
    match store.insert_model(&caller.actor(), &m.key, m.version as i32, &m.name.sv, text).await {
        Ok(row) => Ok(Ok(row)),
        Err(store::StoreError::Conflict { code, .. }) => Ok(Err(vec![ModelProblem::Conflict(code)])),
        Err(e) => Err(e.into()),
    }
}
