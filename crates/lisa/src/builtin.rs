//! The follow-up model Lisa ships with (`models/lisa-grund-v1.toml`).

use domain::model::{Model, parse_model};
use store::{Actor, ModelRow, Store, StoreError};

pub const SOURCE: &str = include_str!("../../../models/lisa-grund-v1.toml");

pub fn model() -> Model {
    parse_model(SOURCE).expect("the built-in model is valid (checked by a test)")
}

/// Stores the built-in model unless that version is there already.
pub async fn ensure(store: &Store) -> Result<ModelRow, StoreError> {
    let m = model();
    let version = m.version as i32;
    match store.find_model_version(&m.key, version).await? {
        Some(row) => Ok(row),
        None => store.insert_model(&Actor::system(), &m.key, version, &m.name.sv, SOURCE).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::user::Language;

    #[test]
    fn the_built_in_model_is_complete() {
        let m = model();
        assert!(m.questions.len() >= 60, "{} questions", m.questions.len());
        assert!(m.areas.len() >= 14);
        for q in &m.questions {
            for (what, t) in [("text", &q.text), ("guidance", &q.guidance), ("action", &q.action)] {
                assert!(!t.sv.trim().is_empty() && !t.en.trim().is_empty(), "{} {what}", q.id);
            }
            assert_ne!(q.text.get(Language::En), q.text.get(Language::Sv), "{} is not translated", q.id);
        }
        for level in 1..=4 {
            assert!(m.questions.iter().filter(|q| q.level == level).count() >= 10, "level {level}");
            assert!(m.questions.iter().any(|q| q.level == level && q.must), "level {level} has no must-question");
        }
        for a in &m.areas {
            assert!(m.questions_in(&a.id).count() >= 3, "{}", a.id);
        }
    }
}
