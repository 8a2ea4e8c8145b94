//! Evidence files attached to the questions of an assessment.

use domain::FieldError;
use uuid::Uuid;

use super::{Loaded, ModelCache, load_full};
use crate::app::{Caller, Error, Result};

/// Largest evidence file (the request body limit is 2 MiB).
pub const MAX_EVIDENCE_BYTES: usize = 1536 * 1024;

/// An uploaded file as received.
pub struct Upload {
    /// The name the browser sent; cleaned before it is stored.
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Stores an evidence file for question `qid`: refused if there is none, it
/// is empty or too large.
#[tracing::instrument(skip_all, err(level = "debug"), fields(assessment = %l.a.id, question = %qid))]
pub async fn add_evidence(
    store: &store::Store,
    caller: &Caller,
    l: &Loaded,
    qid: &str,
    upload: Option<Upload>,
) -> Result<store::EvidenceFile> {
    l.ensure_manage(caller)?;
    l.model.question(qid).ok_or(Error::NotFound)?;
    let upload = match upload {
        Some(u) if u.bytes.len() > MAX_EVIDENCE_BYTES => {
            return Err(FieldError::new("file", "error-evidence-too-large").into());
        }
        Some(u) if !u.bytes.is_empty() => u,
        _ => return Err(FieldError::new("file", "error-evidence-missing").into()),
    };
    let name = domain::assessment::clean_filename(&upload.filename, "underlag");
    Ok(store.insert_evidence(&caller.actor(), l.a.id, qid, &name, &upload.content_type, &upload.bytes).await?)
}

/// The evidence files of the questions of an assessment the caller may see.
pub async fn list_evidence(store: &store::Store, l: &Loaded) -> Result<Vec<store::EvidenceFile>> {
    Ok(store.list_evidence(l.a.id).await?)
}

/// One evidence file with its content, if the caller may see its assessment as a whole.
#[tracing::instrument(skip_all, err(level = "debug"), fields(file = %file))]
pub async fn evidence_file(
    store: &store::Store,
    models: &ModelCache,
    caller: &Caller,
    file: Uuid,
) -> Result<(store::EvidenceFile, Vec<u8>)> {
    let (meta, content) = store.find_evidence(file).await?.ok_or(Error::NotFound)?;
    load_full(store, models, caller, meta.assessment_id).await?;
    Ok((meta, content))
}
