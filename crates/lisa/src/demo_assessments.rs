//! Three years of self-assessments in the demo world: a plausible climb for
//! Exempla kommun and most of its units, one company that slips, and the
//! region and the agency at different levels. Deterministic: the same answers
//! every time.

use domain::assessment::{Confidence, Period, Transition};
use domain::model::Model;
use domain::scoring::NOT_APPLICABLE;
use store::{Actor, AnswerRow, Store, StoreError};
use uuid::Uuid;

/// (organisation, who answers, maturity per year 2024, 2025, 2026)
const PLAN: &[(&str, &str, [f64; 3])] = &[
    ("Exempla kommun", "ciso@exempla.se", [0.45, 0.6, 0.72]),
    ("Kommunledningsförvaltningen", "ciso@exempla.se", [0.5, 0.64, 0.76]),
    ("Socialförvaltningen", "ciso@exempla.se", [0.35, 0.5, 0.62]),
    ("Barn- och utbildningsförvaltningen", "ciso@exempla.se", [0.3, 0.42, 0.55]),
    ("Exempla Energi AB", "ciso@exempla.se", [0.62, 0.52, 0.42]),
    ("Region Exempla", "ciso@region-exempla.se", [0.55, 0.63, 0.7]),
    ("Exempelmyndigheten", "ciso@exempelmyndigheten.se", [0.68, 0.77, 0.86]),
];

pub const YEARS: [i32; 3] = [2024, 2025, 2026];

/// A stable number in [0, 1) from a text (FNV-1a).
fn unit(s: &str) -> f64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// The answer an organisation of `maturity` gives: the same draw every year,
/// so a rising maturity only ever improves answers and a falling one worsens them.
fn answer(model: &Model, org: &str, qid: &str, maturity: f64) -> String {
    let q = model.question(qid).expect("question of the model");
    let u = unit(&format!("{org}/{qid}"));
    if q.not_applicable && unit(&format!("{org}/{qid}/na")) < 0.2 {
        return NOT_APPLICABLE.into();
    }
    let p_yes = (maturity * 1.5 - f64::from(q.level - 1) * 0.2).clamp(0.03, 0.97);
    let mut by_points: Vec<&domain::model::AnswerOption> = q.options.iter().collect();
    by_points.sort_by_key(|o| o.points);
    let pick = if u < p_yes {
        by_points.len() - 1
    } else if u < p_yes + 0.3 && by_points.len() > 2 {
        by_points.len() - 2
    } else {
        0
    };
    by_points[pick].id.clone()
}

/// Every answer the demo gives for `org` in `year`: what its self-assessment of
/// that year holds, and for this year's unfinished draft also the answers still
/// to be filled in.
pub(crate) fn planned_answers(
    model: &Model,
    org: &str,
    year: i32,
) -> Option<std::collections::HashMap<String, domain::scoring::Answer>> {
    let (_, _, maturity) = PLAN.iter().find(|(o, _, _)| *o == org)?;
    let i = YEARS.iter().position(|y| *y == year)?;
    Some(
        model
            .questions
            .iter()
            .map(|q| (q.id.clone(), domain::scoring::Answer::from_code(&answer(model, org, &q.id, maturity[i]))))
            .collect(),
    )
}

pub async fn load(store: &Store, model_id: Uuid, model: &Model, ids: &[(&str, Uuid)]) -> Result<(), StoreError> {
    for (org, who, maturity) in PLAN {
        let Some((_, org_id)) = ids.iter().find(|(n, _)| n == org) else { continue };
        let actor = Actor { id: None, label: (*who).to_owned() };
        for (i, year) in YEARS.iter().enumerate() {
            let period = Period::new(*year).expect("demo years are valid");
            let a = store.insert_assessment(&actor, *org_id, model_id, period, None).await?;
            let current = i == YEARS.len() - 1;
            let rows = model
                .questions
                .iter()
                // This year's draft of the kommun itself is four fifths done.
                .filter(|q| !(current && *org == "Exempla kommun" && unit(&format!("{org}/{}/open", q.id)) > 0.8))
                .map(|q| AnswerRow {
                    question_id: q.id.clone(),
                    answer: answer(model, org, &q.id, maturity[i]),
                    comment: String::new(),
                    confidence: if unit(&format!("{org}/{}/{year}/c", q.id)) < 0.3 {
                        Confidence::Evidence
                    } else {
                        Confidence::SelfDeclared
                    },
                    evidence_url: String::new(),
                    answered_by: (*who).to_owned(),
                    answered_at: chrono::DateTime::parse_from_rfc3339(&format!("{year}-10-15T09:00:00Z"))
                        .expect("valid date")
                        .with_timezone(&chrono::Utc),
                })
                .collect();
            store.import_answers(&actor, a.id, rows).await?;
            let steps: &[Transition] = match (current, *org) {
                (false, _) => &[Transition::Submit, Transition::Approve, Transition::Lock],
                (true, "Exempla kommun") => &[],
                (true, "Socialförvaltningen") => &[Transition::Submit],
                (true, _) => &[Transition::Submit, Transition::Approve],
            };
            for step in steps {
                store.transition_assessment(&actor, a.id, *step).await?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::scoring::{Answer, score};
    use std::collections::HashMap;

    fn level(model: &Model, org: &str, m: f64) -> u8 {
        let answers: HashMap<String, Answer> =
            model.questions.iter().map(|q| (q.id.clone(), Answer::from_code(&answer(model, org, &q.id, m)))).collect();
        score(model, &answers).level
    }

    #[test]
    fn the_demo_climbs_and_one_company_slips() {
        let model = crate::builtin::model();
        let kommun: Vec<u8> = PLAN[0].2.iter().map(|m| level(&model, PLAN[0].0, *m)).collect();
        assert!(kommun.windows(2).all(|w| w[0] <= w[1]) && kommun[2] > kommun[0], "{kommun:?}");
        let energi: Vec<u8> = PLAN[4].2.iter().map(|m| level(&model, PLAN[4].0, *m)).collect();
        assert!(energi[2] < energi[0], "{energi:?}");
        let agency = level(&model, PLAN[6].0, PLAN[6].2[2]);
        let units = level(&model, PLAN[3].0, PLAN[3].2[2]);
        assert!(agency > units, "the agency ({agency}) and the units ({units}) differ");
    }
}
