//! Scoring a self-assessment against its model: the level reached (0–4),
//! points and shares per area and per level, the unanswered questions, and
//! what blocks the next level. The rule is written out in
//! `docs/model-format.md`.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::model::{Model, Question};

/// One answer: an option of the question, or "not applicable".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "kind", content = "option")]
pub enum Answer {
    Option(String),
    NotApplicable,
}

impl Answer {
    /// The stored form: the option id, or `na`.
    pub fn code(&self) -> &str {
        match self {
            Answer::Option(id) => id,
            Answer::NotApplicable => NOT_APPLICABLE,
        }
    }

    pub fn from_code(code: &str) -> Answer {
        if code == NOT_APPLICABLE { Answer::NotApplicable } else { Answer::Option(code.to_owned()) }
    }
}

pub const NOT_APPLICABLE: &str = "na";

/// Is `answer` a valid answer to `q`?
pub fn valid_answer(q: &Question, answer: &Answer) -> bool {
    match answer {
        Answer::Option(id) => q.option(id).is_some(),
        Answer::NotApplicable => q.not_applicable,
    }
}

/// Where one question stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = QuestionStatus))]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum Status {
    Met { points: u32 },
    Partly { points: u32, max: u32 },
    NotMet { max: u32 },
    Unanswered { max: u32 },
    NotApplicable,
}

impl Status {
    /// Points scored and points possible.
    pub fn points(self) -> (u32, u32) {
        match self {
            Status::Met { points } => (points, points),
            Status::Partly { points, max } => (points, max),
            Status::NotMet { max } | Status::Unanswered { max } => (0, max),
            Status::NotApplicable => (0, 0),
        }
    }

    pub fn is_met(self) -> bool {
        matches!(self, Status::Met { .. } | Status::NotApplicable)
    }

    pub fn code(self) -> &'static str {
        match self {
            Status::Met { .. } => "met",
            Status::Partly { .. } => "partly",
            Status::NotMet { .. } => "not-met",
            Status::Unanswered { .. } => "unanswered",
            Status::NotApplicable => "not-applicable",
        }
    }
}

pub fn status(q: &Question, answer: Option<&Answer>) -> Status {
    let max = q.max_points();
    match answer.filter(|a| valid_answer(q, a)) {
        None => Status::Unanswered { max },
        Some(Answer::NotApplicable) => Status::NotApplicable,
        Some(Answer::Option(id)) => {
            let points = q.option(id).map(|o| o.points).unwrap_or(0);
            if points >= max {
                Status::Met { points }
            } else if points == 0 {
                Status::NotMet { max }
            } else {
                Status::Partly { points, max }
            }
        }
    }
}

/// Points against the maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tally {
    pub points: u32,
    pub max: u32,
}

impl Tally {
    fn add(&mut self, (p, m): (u32, u32)) {
        self.points += p;
        self.max += m;
    }

    /// The share 0–1; 1 when nothing counts (everything not applicable).
    pub fn share(&self) -> f64 {
        if self.max == 0 { 1.0 } else { f64::from(self.points) / f64::from(self.max) }
    }

    /// The share in whole percent, rounded down (so 59.9 % never shows as 60).
    pub fn percent(&self) -> u32 {
        (self.points * 100).checked_div(self.max).unwrap_or(100)
    }
}

/// Lisa's one rule for showing a share (0–1) in whole percent: rounded down,
/// as [`Tally::percent`] does, so that 7 of 8 reads 87 % on every page and
/// document, and a share just under a level's threshold never shows as the
/// threshold. (The tiny allowance keeps 0.29 from showing as 28 because of
/// binary floating point.) Not finite stays not finite.
pub fn whole_percent(share: f64) -> f64 {
    if share.is_finite() { (share * 100.0 + 1e-9).floor() } else { share }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LevelResult {
    pub level: u8,
    pub tally: Tally,
    pub threshold: f64,
    pub musts_met: bool,
    pub share_met: bool,
    /// This level and every lower one hold.
    pub reached: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AreaResult {
    pub area: String,
    pub tally: Tally,
    pub answered: usize,
    pub questions: usize,
}

/// A question that keeps the organisation from the next level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Blocker {
    pub question: String,
    pub level: u8,
    pub must: bool,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcome {
    pub level: u8,
    pub total: Tally,
    pub levels: Vec<LevelResult>,
    pub areas: Vec<AreaResult>,
    pub unanswered: Vec<String>,
    /// For the next level (empty at level 4): must-questions first, then the
    /// others by the points they would add.
    pub blockers: Vec<Blocker>,
    pub answered: usize,
    pub questions: usize,
}

impl Outcome {
    pub fn area(&self, id: &str) -> Option<&AreaResult> {
        self.areas.iter().find(|a| a.area == id)
    }

    /// Why the next level is not reached (`None` at level 4): its
    /// must-questions not met, and its share against its threshold. A high
    /// share beside level 0 is explained by this.
    pub fn gap(&self) -> Option<LevelGap> {
        let next = self.levels.iter().find(|l| l.level == self.level + 1)?;
        Some(LevelGap {
            level: next.level,
            musts_missing: self.blockers.iter().filter(|b| b.must && b.level == next.level).count(),
            percent: next.tally.percent(),
            threshold_percent: whole_percent(next.threshold) as u32,
            share_met: next.share_met,
        })
    }
}

/// What stands between an organisation and its next level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelGap {
    pub level: u8,
    /// Must-questions of that level not met (each alone keeps the level).
    pub musts_missing: usize,
    /// Its questions' share met, in whole percent, and the share it needs.
    pub percent: u32,
    pub threshold_percent: u32,
    pub share_met: bool,
}

/// Scores `answers` (by question id) against `model`. Answers to unknown
/// questions and invalid answers are ignored (treated as unanswered).
pub fn score(model: &Model, answers: &HashMap<String, Answer>) -> Outcome {
    let statuses: Vec<(&Question, Status)> =
        model.questions.iter().map(|q| (q, status(q, answers.get(&q.id)))).collect();

    let mut total = Tally::default();
    let mut areas: Vec<AreaResult> = model
        .areas
        .iter()
        .map(|a| AreaResult { area: a.id.clone(), tally: Tally::default(), answered: 0, questions: 0 })
        .collect();
    let mut level_tallies = [Tally::default(); 4];
    let mut musts = [true; 4];
    let mut unanswered = Vec::new();
    for (q, s) in &statuses {
        total.add(s.points());
        if let Some(a) = areas.iter_mut().find(|a| a.area == q.area) {
            a.tally.add(s.points());
            a.questions += 1;
            if !matches!(s, Status::Unanswered { .. }) {
                a.answered += 1;
            }
        }
        let li = usize::from(q.level.clamp(1, 4) - 1);
        level_tallies[li].add(s.points());
        if q.must && !s.is_met() {
            musts[li] = false;
        }
        if matches!(s, Status::Unanswered { .. }) {
            unanswered.push(q.id.clone());
        }
    }

    let mut levels = Vec::with_capacity(4);
    let mut reached_so_far = true;
    let mut level = 0u8;
    for (i, tally) in level_tallies.iter().enumerate() {
        let n = i as u8 + 1;
        let threshold = model.level(n).map(|l| l.threshold).unwrap_or(1.0);
        let share_met = tally.share() + 1e-9 >= threshold;
        let holds = musts[i] && share_met;
        reached_so_far = reached_so_far && holds;
        if reached_so_far {
            level = n;
        }
        levels.push(LevelResult {
            level: n,
            tally: *tally,
            threshold,
            musts_met: musts[i],
            share_met,
            reached: reached_so_far,
        });
    }

    let mut blockers: Vec<Blocker> = if level < 4 {
        let next = level + 1;
        statuses
            .iter()
            .filter(|(q, s)| q.level == next && !s.is_met())
            .map(|(q, s)| Blocker { question: q.id.clone(), level: q.level, must: q.must, status: *s })
            .collect()
    } else {
        Vec::new()
    };
    // Must-questions first, then by the points still to gain; the model's order otherwise.
    blockers.sort_by_key(|b| {
        let (p, m) = b.status.points();
        (!b.must, std::cmp::Reverse(m - p))
    });

    let answered = statuses.len() - unanswered.len();
    Outcome { level, total, levels, areas, unanswered, blockers, answered, questions: statuses.len() }
}

/// How one question changed between two assessments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Better,
    Worse,
    Same,
    /// Unanswered before, answered now: not a change in maturity, its own state.
    Answered,
    /// Answered before, unanswered now: nothing is known, so not "worse".
    Unanswered,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionChange {
    pub question: String,
    pub before: Status,
    pub after: Status,
    pub direction: Direction,
}

/// Compares two sets of answers to the same model, question by question, by
/// the share of each question's points (not applicable counts as met). A
/// question unanswered on one side only is [`Direction::Answered`] or
/// [`Direction::Unanswered`], never better or worse: nothing is known to compare.
pub fn compare(
    model: &Model,
    before: &HashMap<String, Answer>,
    after: &HashMap<String, Answer>,
) -> Vec<QuestionChange> {
    let rank = |s: Status| -> f64 {
        match s {
            Status::NotApplicable => 1.0,
            other => {
                let (p, m) = other.points();
                if m == 0 { 1.0 } else { f64::from(p) / f64::from(m) }
            }
        }
    };
    model
        .questions
        .iter()
        .map(|q| {
            let b = status(q, before.get(&q.id));
            let a = status(q, after.get(&q.id));
            let direction = match (matches!(b, Status::Unanswered { .. }), matches!(a, Status::Unanswered { .. })) {
                (true, true) => Direction::Same,
                (true, false) => Direction::Answered,
                (false, true) => Direction::Unanswered,
                (false, false) => match rank(a).partial_cmp(&rank(b)) {
                    Some(std::cmp::Ordering::Greater) => Direction::Better,
                    Some(std::cmp::Ordering::Less) => Direction::Worse,
                    _ => Direction::Same,
                },
            };
            QuestionChange { question: q.id.clone(), before: b, after: a, direction }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_model;
    use crate::model::tests::SMALL;
    use proptest::prelude::*;

    fn answers(pairs: &[(&str, &str)]) -> HashMap<String, Answer> {
        pairs.iter().map(|(q, a)| (q.to_string(), Answer::from_code(a))).collect()
    }

    #[test]
    fn nothing_answered_is_level_zero_with_every_question_flagged() {
        let m = parse_model(SMALL).unwrap();
        let o = score(&m, &HashMap::new());
        assert_eq!(o.level, 0);
        assert_eq!(o.unanswered.len(), 6);
        assert_eq!(o.blockers.iter().map(|b| b.question.as_str()).collect::<Vec<_>>(), ["a-1", "b-1"]);
        assert!(o.blockers[0].must);
    }

    #[test]
    fn levels_are_cumulative_and_musts_gate_them() {
        let m = parse_model(SMALL).unwrap();
        // Level 1: a-1 (must) met, b-1 not applicable.
        let o = score(&m, &answers(&[("a-1", "ja"), ("b-1", "na")]));
        assert_eq!(o.level, 1);
        assert_eq!(o.levels[0].tally, Tally { points: 2, max: 2 });
        // Level 2 needs half of a-2 + b-2: one "ja" is enough (threshold 0.5).
        let o = score(&m, &answers(&[("a-1", "ja"), ("b-1", "na"), ("a-2", "ja"), ("b-2", "nej")]));
        assert_eq!(o.level, 2);
        // Level 3 has a must (b-3): "delvis" is not met, whatever the share.
        let o = score(
            &m,
            &answers(&[
                ("a-1", "ja"),
                ("b-1", "na"),
                ("a-2", "ja"),
                ("b-2", "ja"),
                ("b-3", "delvis"),
                ("a-4", "alltid"),
            ]),
        );
        assert_eq!(o.level, 2);
        assert!(!o.levels[2].musts_met);
        assert!(o.levels[3].musts_met && o.levels[3].share_met && !o.levels[3].reached);
        assert_eq!(o.blockers.len(), 1);
        assert_eq!(o.blockers[0].status, Status::Partly { points: 1, max: 2 });
        // Level 1's must unmet: nothing above counts.
        let o = score(
            &m,
            &answers(&[
                ("a-1", "delvis"),
                ("b-1", "ja"),
                ("a-2", "ja"),
                ("b-2", "ja"),
                ("b-3", "ja"),
                ("a-4", "alltid"),
            ]),
        );
        assert_eq!(o.level, 0);
        assert_eq!(o.blockers[0].question, "a-1");
        // A high share at level 0 is explained: level 1's one must is not met.
        let gap = o.gap().unwrap();
        assert_eq!((gap.level, gap.musts_missing), (1, 1));
        assert_eq!((gap.percent, gap.threshold_percent), (75, 50));
        assert!(gap.share_met);
    }

    #[test]
    fn at_the_top_level_there_is_no_gap() {
        let m = parse_model(SMALL).unwrap();
        let all = [("a-1", "ja"), ("b-1", "na"), ("a-2", "ja"), ("b-2", "ja"), ("b-3", "ja"), ("a-4", "alltid")];
        let o = score(&m, &answers(&all));
        assert_eq!(o.level, 4);
        assert_eq!(o.gap(), None);
    }

    #[test]
    fn not_applicable_leaves_the_maximum_and_invalid_answers_count_as_unanswered() {
        let m = parse_model(SMALL).unwrap();
        let o = score(&m, &answers(&[("b-1", "na"), ("b-2", "ja"), ("b-3", "nej")]));
        assert_eq!(o.area("b").unwrap().tally, Tally { points: 2, max: 4 });
        // a-1 does not allow "not applicable"; "kanske" is no option.
        let o = score(&m, &answers(&[("a-1", "na"), ("a-2", "kanske")]));
        assert!(o.unanswered.contains(&"a-1".to_string()) && o.unanswered.contains(&"a-2".to_string()));
        let all_na = score(&m, &answers(&[("b-1", "na")]));
        assert_eq!(all_na.levels[0].tally, Tally { points: 0, max: 2 });
        assert_eq!(Tally { points: 0, max: 0 }.share(), 1.0);
        assert_eq!(Tally { points: 599, max: 1000 }.percent(), 59);
        // One rule: a share shown anywhere reads as the tally does.
        for (p, m) in [(7u32, 8u32), (29, 100), (599, 1000), (1, 3), (2, 3), (0, 5), (5, 5)] {
            let t = Tally { points: p, max: m };
            assert_eq!(whole_percent(t.share()), f64::from(t.percent()), "{p}/{m}");
        }
        assert!(whole_percent(f64::NAN).is_nan());
    }

    #[test]
    fn comparison_names_better_and_worse() {
        let m = parse_model(SMALL).unwrap();
        let before = answers(&[("a-1", "delvis"), ("a-2", "ja"), ("b-1", "nej")]);
        let after = answers(&[("a-1", "ja"), ("a-2", "nej"), ("b-1", "na"), ("b-2", "nej")]);
        let c = compare(&m, &before, &after);
        let d = |id: &str| c.iter().find(|x| x.question == id).unwrap().direction;
        assert_eq!(d("a-1"), Direction::Better);
        assert_eq!(d("a-2"), Direction::Worse);
        assert_eq!(d("b-1"), Direction::Better);
        assert_eq!(d("b-2"), Direction::Answered); // answered now, even with "nej": not "better"
        assert_eq!(d("b-3"), Direction::Same);
        // Left unanswered again is not "worse": its own state.
        let c = compare(&m, &after, &before);
        let d = |id: &str| c.iter().find(|x| x.question == id).unwrap().direction;
        assert_eq!(d("b-2"), Direction::Unanswered);
        assert_eq!(d("a-2"), Direction::Better);
    }

    /// For each question: `None` (unanswered), or an index into its options
    /// with the last index meaning "not applicable" where allowed.
    fn arb_answers(model: Model) -> impl Strategy<Value = (Model, Vec<Option<usize>>)> {
        let n = model.questions.len();
        (Just(model), prop::collection::vec(prop::option::of(0usize..4), n))
    }

    fn build(model: &Model, picks: &[Option<usize>]) -> HashMap<String, Answer> {
        model
            .questions
            .iter()
            .zip(picks)
            .filter_map(|(q, p)| {
                let p = (*p)?;
                if p >= q.options.len() {
                    q.not_applicable.then_some((q.id.clone(), Answer::NotApplicable))
                } else {
                    Some((q.id.clone(), Answer::Option(q.options[p].id.clone())))
                }
            })
            .collect()
    }

    fn small() -> Model {
        parse_model(SMALL).unwrap()
    }

    proptest! {
        /// The one rule for shares agrees with the tally's whole percent for
        /// any fraction a page can show.
        #[test]
        fn a_share_reads_as_its_tally(m in 1u32..100_000, p in 0u32..100_000) {
            let t = Tally { points: p % (m + 1), max: m };
            prop_assert_eq!(whole_percent(t.share()), f64::from(t.percent()));
        }

        #[test]
        fn improving_one_answer_never_lowers_the_level_or_an_area_share(
            (model, picks) in arb_answers(small()),
            which in 0usize..6,
        ) {
            let before = build(&model, &picks);
            let q = &model.questions[which % model.questions.len()];
            let current = match before.get(&q.id) {
                Some(Answer::Option(id)) => Some(q.option(id).unwrap().points),
                Some(Answer::NotApplicable) => return Ok(()),
                None => None,
            };
            let a = score(&model, &before);
            for better in q.options.iter().filter(|o| current.is_none_or(|c| o.points > c)) {
                let mut after = before.clone();
                after.insert(q.id.clone(), Answer::Option(better.id.clone()));
                let b = score(&model, &after);
                prop_assert!(b.level >= a.level);
                for (x, y) in a.areas.iter().zip(&b.areas) {
                    prop_assert!(y.tally.share() >= x.tally.share() - 1e-12, "{} fell", x.area);
                }
            }
        }

        #[test]
        fn a_level_implies_every_must_question_up_to_it_is_met((model, picks) in arb_answers(small())) {
            let answers = build(&model, &picks);
            let o = score(&model, &answers);
            for q in model.questions.iter().filter(|q| q.must && q.level <= o.level) {
                prop_assert!(status(q, answers.get(&q.id)).is_met(), "{} unmet at level {}", q.id, o.level);
            }
            for l in &o.levels[..usize::from(o.level)] {
                prop_assert!(l.tally.share() + 1e-9 >= l.threshold);
            }
        }

        /// Comparing the other way round turns every direction round, and a
        /// question unanswered on one side is never called better or worse.
        #[test]
        fn comparison_is_antisymmetric_and_keeps_unanswered_apart(
            (model, picks) in arb_answers(small()),
            other in prop::collection::vec(prop::option::of(0usize..4), 6),
        ) {
            let a = build(&model, &picks);
            let b = build(&model, &other[..model.questions.len().min(other.len())]);
            let forth = compare(&model, &a, &b);
            let back = compare(&model, &b, &a);
            for (f, r) in forth.iter().zip(&back) {
                let flipped = match f.direction {
                    Direction::Better => Direction::Worse,
                    Direction::Worse => Direction::Better,
                    Direction::Answered => Direction::Unanswered,
                    Direction::Unanswered => Direction::Answered,
                    Direction::Same => Direction::Same,
                };
                prop_assert_eq!(r.direction, flipped, "{}", f.question);
                let one_side_open = matches!(f.before, Status::Unanswered { .. }) != matches!(f.after, Status::Unanswered { .. });
                prop_assert_eq!(one_side_open, matches!(f.direction, Direction::Answered | Direction::Unanswered));
            }
        }

        #[test]
        fn the_result_does_not_depend_on_the_order_of_answers((model, picks) in arb_answers(small()), seed in any::<u64>()) {
            let answers = build(&model, &picks);
            let mut pairs: Vec<(String, Answer)> = answers.clone().into_iter().collect();
            // A deterministic shuffle from the seed.
            let mut s = seed;
            for i in (1..pairs.len()).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                pairs.swap(i, (s >> 33) as usize % (i + 1));
            }
            let mut reordered = HashMap::with_capacity(1);
            for (k, v) in pairs { reordered.insert(k, v); }
            prop_assert_eq!(score(&model, &answers), score(&model, &reordered));
        }
    }
}
