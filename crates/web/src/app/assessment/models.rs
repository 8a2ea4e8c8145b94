//! Follow-up models: the parsed models by id, and loading a new model file.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use domain::authz::Permission;
use domain::model::{Model, ModelError};
use uuid::Uuid;

use crate::app::error::Invariant;
use crate::app::{Caller, Error, Result};

/// Parsed models by id; a stored model version never changes, so this never
/// goes stale. It also keeps the scores that lists of assessments show (see
/// [`ScoreCache`]) and the answers of recently opened assessments (see
/// [`AnswerCache`]), both by answers' version, and the compiled management
/// reviews, rounds' figures and rounds' pages by the data's version (see
/// [`crate::app::review::ReviewCache`], [`crate::app::round::figures::FigureCache`]
/// and [`crate::app::round::RoundCache`]).
#[derive(Default)]
pub struct ModelCache {
    models: Mutex<HashMap<Uuid, Arc<Model>>>,
    pub(crate) scores: ScoreCache,
    pub(crate) answers: AnswerCache,
    pub(crate) reviews: crate::app::review::ReviewCache,
    pub(crate) figures: crate::app::round::figures::FigureCache,
    pub(crate) rounds: crate::app::round::RoundCache,
    pub(crate) tasks: crate::app::tasks::TaskCache,
}

/// What a list shows of an assessment's score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub level: u8,
    pub answered: usize,
    pub questions: usize,
}

impl From<&domain::scoring::Outcome> for Summary {
    fn from(o: &domain::scoring::Outcome) -> Self {
        Summary { level: o.level, answered: o.answered, questions: o.questions }
    }
}

/// Scores of assessments keyed on (assessment, answers' version). The store
/// raises the version in the same transaction as every change to the
/// answers, and a model never changes, so an entry is right for as long as
/// the version it was computed for is current, in this process and in any
/// other. At most [`ScoreCache::CAPACITY`] entries; it empties when full.
#[derive(Default)]
pub(crate) struct ScoreCache(Mutex<HashMap<Uuid, (i64, Summary)>>);

impl ScoreCache {
    pub(crate) const CAPACITY: usize = 100_000;

    /// The summary computed for this version, if kept.
    pub(crate) fn get(&self, id: Uuid, version: i64) -> Option<Summary> {
        let c = self.0.lock().ok()?;
        c.get(&id).filter(|(v, _)| *v == version).map(|(_, s)| *s)
    }

    pub(crate) fn put(&self, id: Uuid, version: i64, summary: Summary) {
        if let Ok(mut c) = self.0.lock() {
            if c.len() >= Self::CAPACITY && !c.contains_key(&id) {
                c.clear();
            }
            c.insert(id, (version, summary));
        }
    }
}

/// The answers of assessments keyed on (assessment, answers' version), like
/// [`ScoreCache`]: right for as long as the version is current, in any
/// process. Pages that open an assessment (its result, its areas, a
/// management review compiling several years) read its answers once per
/// change instead of once per request. At most [`AnswerCache::CAPACITY`]
/// assessments (an assessment's answers take a few kilobytes); it empties
/// when full.
#[derive(Default)]
pub(crate) struct AnswerCache(Mutex<HashMap<Uuid, (i64, Answers)>>);

/// An assessment's answers, shared between the cache and the requests using them.
type Answers = Arc<Vec<store::AnswerRow>>;

impl AnswerCache {
    pub(crate) const CAPACITY: usize = 1_000;

    /// The answers of assessment `id` at `version`, read from the store
    /// unless kept.
    pub(crate) async fn get(&self, store: &store::Store, id: Uuid, version: i64) -> Result<Answers> {
        let kept = self.0.lock().ok().and_then(|c| c.get(&id).filter(|(v, _)| *v == version).map(|(_, a)| a.clone()));
        if let Some(a) = kept {
            return Ok(a);
        }
        let answers = Arc::new(store.list_answers(id).await?);
        if let Ok(mut c) = self.0.lock() {
            if c.len() >= Self::CAPACITY && !c.contains_key(&id) {
                c.clear();
            }
            // A concurrent request may have read a newer version meanwhile: keep the newer.
            if c.get(&id).is_none_or(|(v, _)| *v <= version) {
                c.insert(id, (version, answers.clone()));
            }
        }
        Ok(answers)
    }
}

impl ModelCache {
    pub async fn get(&self, store: &store::Store, id: Uuid) -> Result<Arc<Model>> {
        if let Some(m) = self.models.lock().ok().and_then(|c| c.get(&id).cloned()) {
            return Ok(m);
        }
        let row = store.find_model(id).await?.ok_or(Error::NotFound)?;
        let model = Arc::new(domain::model::parse_model(&row.source).map_err(|e| {
            tracing::error!(model = %id, errors = ?e, "a stored model does not parse");
            Error::internal(Invariant("a stored model does not parse"))
        })?);
        if let Ok(mut c) = self.models.lock() {
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
#[tracing::instrument(skip_all, err(level = "debug"))]
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

/// An error in a model file as a sentence in `lang`, with its line and field
/// ("rad 12, questions[3].level: nivån ska vara 1, 2, 3 eller 4").
pub fn model_error_text(lang: domain::user::Language, e: &ModelError) -> String {
    let message = crate::i18n::t_args(lang, e.code, &[("detail", e.detail.clone())]);
    crate::i18n::t_args(
        lang,
        e.place_key(),
        &[("line", e.line.to_string()), ("field", e.field.clone()), ("message", message)],
    )
}

#[cfg(test)]
mod tests {
    use domain::user::Language;

    use super::*;

    fn errors(src: &str) -> Vec<ModelError> {
        domain::model::parse_model(src).unwrap_err()
    }

    #[test]
    fn model_errors_read_in_swedish_and_english() {
        let src = include_str!("../../../../../models/lisa-grund-v1.toml");
        let bad = src.replacen("area = \"ledning\"", "area = \"finns-inte\"", 1);
        let e = errors(&bad).into_iter().find(|e| e.code == "model-error-area-unknown").unwrap();
        let sv = model_error_text(Language::Sv, &e);
        assert_eq!(sv, format!("rad {}, {}: området finns inte i modellen", e.line, e.field));
        let en = model_error_text(Language::En, &e);
        assert_eq!(en, format!("line {}, {}: the area does not exist in the model", e.line, e.field));
        let toml = &errors("[model]\nkey = \"x\"\nversion = \n")[0];
        assert!(model_error_text(Language::Sv, toml).starts_with("rad 3: filen kan inte läsas som TOML: "));
        let no_level4 = src.replacen("level = 4\n", "level = 3\n", 1);
        let e = errors(&no_level4).into_iter().find(|e| e.field == "levels").unwrap();
        assert!(model_error_text(Language::Sv, &e).contains("fyra nivåer"), "{e:?}");
    }

    #[test]
    fn every_model_error_has_both_languages() {
        for code in [
            "model-error-toml",
            "model-error-text-sv-missing",
            "model-error-id-format",
            "model-error-option-duplicate",
            "model-error-points",
            "model-error-key-format",
            "model-error-version",
            "model-error-level-range",
            "model-error-level-duplicate",
            "model-error-threshold",
            "model-error-four-levels",
            "model-error-area-duplicate",
            "model-error-no-areas",
            "model-error-question-duplicate",
            "model-error-area-unknown",
            "model-error-no-options",
            "model-error-two-options",
            "model-error-no-points",
            "model-error-no-questions",
            "model-error-area-empty",
            "model-error-scale-two-options",
        ] {
            let e = ModelError { line: 1, field: String::new(), code, detail: "x".into() };
            let (sv, en) = (model_error_text(Language::Sv, &e), model_error_text(Language::En, &e));
            assert!(sv.starts_with("rad 1: ") && en.starts_with("line 1: ") && sv != en, "{code}: {sv} / {en}");
            assert!(!sv.contains(code) && !en.contains(code), "{code} untranslated");
        }
    }
}
