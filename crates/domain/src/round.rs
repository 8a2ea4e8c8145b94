//! Follow-up rounds (uppföljningsomgång): who may be invited, when a round is
//! open, what a respondent shares, when reminders are due, and the mapping of
//! question ids between two model versions so trends cover what maps.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::aggregate::{DEFAULT_K, Respondent};
use crate::error::{FieldError, ValidationErrors};
use crate::org::{OrgKind, OrgTree};
use crate::scoring::Outcome;
use crate::{code_enum, parse_date, parse_line, parse_text};

code_enum!(
    /// Where an invited organisation stands in a round.
    InviteeStatus, "status" {
        /// No self-assessment for the round's period yet.
        NotStarted => "not_started",
        /// A self-assessment exists but nothing has been submitted to the round.
        Draft => "draft",
        Submitted => "submitted",
        /// Submitted, then withdrawn before the closing date.
        Withdrawn => "withdrawn",
    }
);

code_enum!(
    /// A round before, during and after its answering period.
    Phase, "phase" {
        Upcoming => "upcoming",
        Open => "open",
        Closed => "closed",
    }
);

code_enum!(
    /// Size class by number of employees, for breaking figures down.
    SizeClass, "employees" {
        Small => "small",
        Medium => "medium",
        Large => "large",
        VeryLarge => "very_large",
    }
);

impl SizeClass {
    /// Under 250, 250–999, 1 000–4 999, 5 000 or more employees.
    pub fn of(employees: u32) -> SizeClass {
        match employees {
            0..=249 => SizeClass::Small,
            250..=999 => SizeClass::Medium,
            1000..=4999 => SizeClass::Large,
            _ => SizeClass::VeryLarge,
        }
    }
}

/// The number of employees a respondent states when it submits.
pub fn parse_employees(s: &str) -> Result<u32, FieldError> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return Err(FieldError::new("employees", "error-required"));
    }
    match s.parse::<u32>() {
        Ok(n) if (1..=1_000_000).contains(&n) => Ok(n),
        _ => Err(FieldError::new("employees", "error-employees")),
    }
}

/// The smallest anonymity threshold a coordinator may choose.
pub const MIN_K: usize = 3;
pub const MAX_K: usize = 50;

/// A new round as the coordinator describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundInput {
    pub name: String,
    pub period: i32,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub message: String,
    /// The anonymity threshold: no figure for a group of fewer organisations.
    pub k: usize,
    /// Remind invitees who have not submitted this many days before closing; 0 = no reminder.
    pub remind_days: u32,
}

/// The form fields of a new round, as text.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RoundForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub opens_on: String,
    #[serde(default)]
    pub closes_on: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub k: String,
    #[serde(default)]
    pub remind_days: String,
}

impl RoundForm {
    /// The form's fields from a decoded form body (the first value of each).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
        RoundForm {
            name: get("name"),
            period: get("period"),
            opens_on: get("opens_on"),
            closes_on: get("closes_on"),
            message: get("message"),
            k: get("k"),
            remind_days: get("remind_days"),
        }
    }
}

impl RoundInput {
    pub fn parse(f: &RoundForm) -> Result<RoundInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let name = errs.check(parse_line("name", &f.name, 120, true));
        let period = errs
            .check(crate::assessment::Period::parse(&f.period).map_err(|_| FieldError::new("period", "error-period")));
        let opens = errs.check(parse_date("opens_on", &f.opens_on, true));
        let closes = errs.check(parse_date("closes_on", &f.closes_on, true));
        let message = errs.check(parse_text("message", &f.message, 4000, false));
        let k = if f.k.trim().is_empty() {
            Some(DEFAULT_K)
        } else {
            errs.check(match f.k.trim().parse::<usize>() {
                Ok(k) if (MIN_K..=MAX_K).contains(&k) => Ok(k),
                _ => Err(FieldError::new("k", "error-k")),
            })
        };
        let remind_days = if f.remind_days.trim().is_empty() {
            Some(7)
        } else {
            errs.check(match f.remind_days.trim().parse::<u32>() {
                Ok(d) if d <= 90 => Ok(d),
                _ => Err(FieldError::new("remind_days", "error-remind-days")),
            })
        };
        if let (Some(Some(o)), Some(Some(c))) = (opens, closes)
            && c < o
        {
            errs.push(FieldError::new("closes_on", "error-closes-before-opens"));
        }
        errs.into_result()?;
        Ok(RoundInput {
            name: name.expect("checked"),
            period: period.expect("checked").year(),
            opens_on: opens.flatten().expect("checked"),
            closes_on: closes.flatten().expect("checked"),
            message: message.expect("checked"),
            k: k.expect("checked"),
            remind_days: remind_days.expect("checked"),
        })
    }
}

/// The phase of a round on `today`; a round closed early by its coordinator is closed.
pub fn phase(opens_on: NaiveDate, closes_on: NaiveDate, closed_early: bool, today: NaiveDate) -> Phase {
    if closed_early || today > closes_on {
        Phase::Closed
    } else if today < opens_on {
        Phase::Upcoming
    } else {
        Phase::Open
    }
}

/// The translation key of a refused answer to a round that is not open.
pub const ERROR_NOT_OPEN: &str = "error-round-not-open";

/// A round takes answers (a submission, a new one replacing it, a withdrawal)
/// only while it is open.
pub fn check_open(phase: Phase) -> Result<(), FieldError> {
    if phase == Phase::Open { Ok(()) } else { Err(FieldError::new("status", ERROR_NOT_OPEN)) }
}

/// Whether invitees who have not submitted should be reminded on `today`.
pub fn reminder_due(phase: Phase, closes_on: NaiveDate, remind_days: u32, today: NaiveDate) -> bool {
    phase == Phase::Open
        && remind_days > 0
        && today >= closes_on - chrono::Duration::days(i64::from(remind_days))
        && today <= closes_on
}

/// Days left until (and including) the closing date.
pub fn days_left(closes_on: NaiveDate, today: NaiveDate) -> i64 {
    (closes_on - today).num_days().max(0)
}

/// Kinds a national coordinating body may invite.
const ANSWERING_KINDS: [OrgKind; 5] =
    [OrgKind::Municipality, OrgKind::Region, OrgKind::Agency, OrgKind::Holding, OrgKind::Company];

/// The organisations a round run by `coordinator` may invite, by name.
///
/// A coordinating body (kind `coordinator`, e.g. a national agency) follows
/// up organisations that it does not own: it may invite every kommun,
/// region, agency, stadshus AB and bolag in Lisa; each decides itself what to
/// share by submitting. Any other organisation (a kommun for its nämnder and
/// bolag, a stadshus AB for its companies) invites inside its own subtree.
pub fn invitable(tree: &OrgTree, coordinator: Uuid) -> Vec<Uuid> {
    let Some(c) = tree.get(coordinator) else { return Vec::new() };
    let mut out: Vec<(String, Uuid)> = if c.kind == OrgKind::Coordinator {
        tree.nodes()
            .filter(|n| n.id != coordinator && ANSWERING_KINDS.contains(&n.kind))
            .map(|n| (n.name.to_lowercase(), n.id))
            .collect()
    } else {
        tree.subtree(coordinator)
            .into_iter()
            .filter(|(_, n)| n.id != coordinator)
            .map(|(_, n)| (n.name.to_lowercase(), n.id))
            .collect()
    };
    out.sort();
    out.into_iter().map(|(_, id)| id).collect()
}

/// What a respondent shares with the coordinator when it submits: its level,
/// the share reached per area and per level, and what blocks its next level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SharedResult {
    pub level: u8,
    /// Area id → share 0.0–1.0.
    pub areas: BTreeMap<String, f64>,
    /// Level 1–4 → share 0.0–1.0 of that level's points.
    pub levels: BTreeMap<u8, f64>,
    /// Question ids that keep it from its next level.
    pub blockers: Vec<String>,
}

impl SharedResult {
    pub fn from_outcome(o: &Outcome) -> SharedResult {
        SharedResult {
            level: o.level,
            areas: o.areas.iter().map(|a| (a.area.clone(), a.tally.share())).collect(),
            levels: o.levels.iter().map(|l| (l.level, l.tally.share())).collect(),
            blockers: o.blockers.iter().map(|b| b.question.clone()).collect(),
        }
    }

    pub fn respondent(&self, org_id: Uuid, group: &str) -> Respondent {
        Respondent {
            org_id,
            group: group.to_owned(),
            level: self.level,
            areas: self.areas.clone(),
            blockers: self.blockers.clone(),
        }
    }
}

/// A mapping between two versions of a model: which question (and area) of
/// the older version is the same as which of the newer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mapping {
    /// `key@version` of the older model.
    pub from: String,
    /// `key@version` of the newer model.
    pub to: String,
    #[serde(default)]
    pub questions: BTreeMap<String, String>,
    #[serde(default)]
    pub areas: BTreeMap<String, String>,
}

/// One problem of a mapping file: a translation key (`mapping-error-…`) and
/// its named arguments, worded in the reader's language by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingError {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl MappingError {
    fn new(key: &'static str, args: &[(&'static str, &str)]) -> Self {
        Self { key, args: args.iter().map(|(k, v)| (*k, (*v).to_owned())).collect() }
    }
}

impl Mapping {
    /// Parses a mapping file (TOML), listing every problem.
    pub fn parse(text: &str) -> Result<Mapping, Vec<MappingError>> {
        let m: Mapping = toml::from_str(text)
            .map_err(|e| vec![MappingError::new("mapping-error-toml", &[("detail", &e.to_string())])])?;
        let mut errs = Vec::new();
        for (field, v) in [("from", &m.from), ("to", &m.to)] {
            match v.split_once('@') {
                Some((k, n)) if !k.is_empty() && n.parse::<u32>().is_ok() => {}
                _ => errs.push(MappingError::new("mapping-error-version", &[("field", field), ("value", v)])),
            }
        }
        if m.from == m.to {
            errs.push(MappingError::new("mapping-error-same", &[]));
        }
        if m.questions.is_empty() && m.areas.is_empty() {
            errs.push(MappingError::new("mapping-error-empty", &[]));
        }
        if errs.is_empty() { Ok(m) } else { Err(errs) }
    }

    /// Question and area ids the two models do not have, one error each.
    pub fn check(&self, from: &crate::model::Model, to: &crate::model::Model) -> Vec<MappingError> {
        let mut errs = Vec::new();
        let missing = |key, id: &str, model: &str| MappingError::new(key, &[("id", id), ("model", model)]);
        for (old, new) in &self.questions {
            if from.question(old).is_none() {
                errs.push(missing("mapping-error-question", old, &self.from));
            }
            if to.question(new).is_none() {
                errs.push(missing("mapping-error-question", new, &self.to));
            }
        }
        for (old, new) in &self.areas {
            if !from.areas.iter().any(|a| &a.id == old) {
                errs.push(missing("mapping-error-area", old, &self.from));
            }
            if !to.areas.iter().any(|a| &a.id == new) {
                errs.push(missing("mapping-error-area", new, &self.to));
            }
        }
        errs
    }

    /// `(key, version)` of the `from` and `to` models.
    pub fn versions(&self) -> ((String, u32), (String, u32)) {
        let split = |s: &str| {
            let (k, v) = s.split_once('@').unwrap_or((s, "0"));
            (k.to_owned(), v.parse().unwrap_or(0))
        };
        (split(&self.from), split(&self.to))
    }

    /// The respondent in the newer version's ids; what does not map is left out.
    pub fn apply(&self, r: &Respondent) -> Respondent {
        Respondent {
            org_id: r.org_id,
            group: r.group.clone(),
            level: r.level,
            areas: r.areas.iter().filter_map(|(a, v)| self.areas.get(a).map(|to| (to.clone(), *v))).collect(),
            blockers: r.blockers.iter().filter_map(|q| self.questions.get(q).cloned()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::OrgNode;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn form() -> RoundForm {
        RoundForm {
            name: "Uppföljning 2026".into(),
            period: "2026".into(),
            opens_on: "2026-09-01".into(),
            closes_on: "2026-10-31".into(),
            message: "Välkomna".into(),
            k: String::new(),
            remind_days: String::new(),
        }
    }

    #[test]
    fn a_round_needs_a_name_dates_in_order_and_a_sane_k() {
        let r = RoundInput::parse(&form()).unwrap();
        assert_eq!((r.k, r.remind_days, r.period), (5, 7, 2026));
        let bad = RoundForm { name: " ".into(), closes_on: "2026-08-01".into(), k: "1".into(), ..form() };
        let errs = RoundInput::parse(&bad).unwrap_err();
        let fields: Vec<_> = errs.0.iter().map(|e| (e.field, e.code)).collect();
        assert!(fields.contains(&("name", "error-required")));
        assert!(fields.contains(&("closes_on", "error-closes-before-opens")));
        assert!(fields.contains(&("k", "error-k")));
        assert!(RoundInput::parse(&RoundForm { remind_days: "-1".into(), ..form() }).is_err());
        assert!(RoundInput::parse(&RoundForm { period: "20x6".into(), ..form() }).is_err());
    }

    #[test]
    fn phases_and_reminders_follow_the_dates() {
        let (o, c) = (d("2026-09-01"), d("2026-10-31"));
        assert_eq!(phase(o, c, false, d("2026-08-31")), Phase::Upcoming);
        assert_eq!(phase(o, c, false, d("2026-09-01")), Phase::Open);
        assert_eq!(phase(o, c, false, d("2026-10-31")), Phase::Open);
        assert_eq!(phase(o, c, false, d("2026-11-01")), Phase::Closed);
        assert_eq!(phase(o, c, true, d("2026-09-15")), Phase::Closed);
        assert_eq!(check_open(Phase::Open), Ok(()));
        for p in [Phase::Upcoming, Phase::Closed] {
            assert_eq!(check_open(p), Err(FieldError::new("status", "error-round-not-open")), "{p:?}");
        }
        assert!(!reminder_due(Phase::Open, c, 7, d("2026-10-23")));
        assert!(reminder_due(Phase::Open, c, 7, d("2026-10-24")));
        assert!(!reminder_due(Phase::Open, c, 0, d("2026-10-30")));
        assert!(!reminder_due(Phase::Closed, c, 7, d("2026-10-30")));
        assert_eq!(days_left(c, d("2026-10-24")), 7);
    }

    #[test]
    fn size_classes_and_employees() {
        assert_eq!(SizeClass::of(249), SizeClass::Small);
        assert_eq!(SizeClass::of(250), SizeClass::Medium);
        assert_eq!(SizeClass::of(4999), SizeClass::Large);
        assert_eq!(SizeClass::of(5000), SizeClass::VeryLarge);
        assert_eq!(parse_employees("1 200"), Ok(1200));
        assert!(parse_employees("0").is_err() && parse_employees("många").is_err() && parse_employees("").is_err());
    }

    #[test]
    fn a_national_body_invites_answering_kinds_a_kommun_its_own_subtree() {
        let n = |id: u128, p: Option<u128>, name: &str, kind| OrgNode {
            id: Uuid::from_u128(id),
            parent_id: p.map(Uuid::from_u128),
            name: name.into(),
            kind,
            own_review: false,
        };
        let tree = OrgTree::new(vec![
            n(1, None, "Nationell samordning", OrgKind::Coordinator),
            n(2, None, "Exempla kommun", OrgKind::Municipality),
            n(3, Some(2), "Socialnämnden", OrgKind::Committee),
            n(4, Some(2), "Exempla Stadshus AB", OrgKind::Holding),
            n(5, Some(4), "Exempla Energi AB", OrgKind::Company),
            n(6, None, "Region Norr", OrgKind::Region),
        ]);
        let id = Uuid::from_u128;
        assert_eq!(invitable(&tree, id(1)), vec![id(5), id(2), id(4), id(6)]);
        assert_eq!(invitable(&tree, id(2)), vec![id(5), id(4), id(3)]);
        assert_eq!(invitable(&tree, id(4)), vec![id(5)]);
        assert!(invitable(&tree, id(99)).is_empty());
    }

    #[test]
    fn a_mapping_renames_what_maps_and_drops_the_rest() {
        let m = Mapping::parse(
            "from = \"lisa-grund@1\"\nto = \"lisa-grund@2\"\n[questions]\nq1 = \"q1\"\nq2 = \"q2b\"\n[areas]\nstyrning = \"ledning\"\n",
        )
        .unwrap();
        let r = Respondent {
            org_id: Uuid::nil(),
            group: "g".into(),
            level: 2,
            areas: [("styrning".to_owned(), 0.5), ("fysisk".to_owned(), 0.7)].into_iter().collect(),
            blockers: vec!["q2".into(), "q9".into()],
        };
        let out = m.apply(&r);
        assert_eq!(out.areas.keys().collect::<Vec<_>>(), vec!["ledning"]);
        assert_eq!(out.blockers, vec!["q2b".to_owned()]);
        let errs = Mapping::parse("from = \"x\"\nto = \"x\"").unwrap_err();
        let keys: Vec<&str> = errs.iter().map(|e| e.key).collect();
        assert_eq!(
            keys,
            ["mapping-error-version", "mapping-error-version", "mapping-error-same", "mapping-error-empty"]
        );
        assert_eq!(errs[0].args, [("field", "from".to_owned()), ("value", "x".to_owned())]);
        assert!(Mapping::parse("not toml [").is_err());
    }
}
