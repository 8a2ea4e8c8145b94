//! What the registers (incidents, training) bring to the management review:
//! the sections' figures, and a status computed from the registers for the
//! checklist points they answer, shown beside the status a unit reported.
//!
//! Five points of the default checklist (seed 001) can be read from data:
//! the two e-learning points from training coverage, incident management
//! from the incident register, and the GDPR and NIS reporting duties from
//! the deadlines kept (or not) for the incidents that had them.

use serde::{Deserialize, Serialize};

use super::{DEFAULT_CHECKLIST, PointStatus};
use crate::assets::coverage::{AssetBasis, AssetPoint, UnitFacts, asset_point_source};
use crate::code_enum;

code_enum!(
    /// What a training course is about, so the checklist's e-learning points
    /// can read its coverage.
    Topic, "topic" {
        InformationSecurity => "information_security",
        DataProtection => "data_protection",
        Other => "other",
    }
);

code_enum!(
    /// The register a checklist point reads its computed status from.
    PointSource, "source" {
        /// E-learning in information security for all staff: coverage of the
        /// information-security courses.
        TrainingSecurity => "training_security",
        /// E-learning in data protection: coverage of the data-protection courses.
        TrainingDataProtection => "training_data_protection",
        /// Incident management: incidents registered and handled with lessons learned.
        IncidentManagement => "incident_management",
        /// The GDPR reporting duty: breaches notified to IMY within 72 hours.
        GdprReporting => "gdpr_reporting",
        /// The NIS reporting duty (and MSB's for state agencies): notifications in time.
        NisReporting => "nis_reporting",
        /// Information classification: the asset registers ([`AssetPoint::Classification`]).
        Classification => "classification",
        /// Risk analysis ([`AssetPoint::RiskAnalysis`]).
        RiskAnalysis => "risk_analysis",
        /// Consequence assessment under GDPR art. 35 ([`AssetPoint::Dpia`]).
        Dpia => "dpia",
        /// Access management ([`AssetPoint::AccessManagement`]).
        AccessManagement => "access_management",
        /// The processing register ([`AssetPoint::ProcessingRegister`]).
        ProcessingRegister => "processing_register",
        /// Information security in procurement ([`AssetPoint::Procurement`]).
        Procurement => "procurement",
        /// Data-processing agreements ([`AssetPoint::ProcessingAgreements`]).
        ProcessingAgreements => "processing_agreements",
    }
);

impl PointSource {
    /// The asset point a source reads, for the seven the asset registers answer.
    pub fn asset_point(self) -> Option<AssetPoint> {
        match self {
            PointSource::Classification => Some(AssetPoint::Classification),
            PointSource::RiskAnalysis => Some(AssetPoint::RiskAnalysis),
            PointSource::Dpia => Some(AssetPoint::Dpia),
            PointSource::AccessManagement => Some(AssetPoint::AccessManagement),
            PointSource::ProcessingRegister => Some(AssetPoint::ProcessingRegister),
            PointSource::Procurement => Some(AssetPoint::Procurement),
            PointSource::ProcessingAgreements => Some(AssetPoint::ProcessingAgreements),
            _ => None,
        }
    }

    /// The source of an asset point.
    pub fn of_asset_point(p: AssetPoint) -> PointSource {
        match p {
            AssetPoint::Classification => PointSource::Classification,
            AssetPoint::RiskAnalysis => PointSource::RiskAnalysis,
            AssetPoint::Dpia => PointSource::Dpia,
            AssetPoint::AccessManagement => PointSource::AccessManagement,
            AssetPoint::ProcessingRegister => PointSource::ProcessingRegister,
            AssetPoint::Procurement => PointSource::Procurement,
            AssetPoint::ProcessingAgreements => PointSource::ProcessingAgreements,
        }
    }
}

/// The register behind a checklist point, recognised by the default
/// checklist's text (Swedish or English, case and spacing ignored). A point
/// an organisation wrote itself reads from no register.
pub fn point_source(text: &str) -> Option<PointSource> {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    let t = norm(text);
    let index = DEFAULT_CHECKLIST.iter().position(|(sv, en)| norm(sv) == t || norm(en) == t)?;
    match index {
        0 => Some(PointSource::TrainingSecurity),
        1 => Some(PointSource::TrainingDataProtection),
        10 => Some(PointSource::IncidentManagement),
        11 => Some(PointSource::GdprReporting),
        12 => Some(PointSource::NisReporting),
        _ => asset_point_source(text).map(PointSource::of_asset_point),
    }
}

/// Completion of the courses on one topic for one unit (its whole subtree),
/// within the courses' validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Coverage {
    pub completed: u64,
    pub headcount: u64,
    /// The organisation's target, percent (1–100).
    pub target_pct: u8,
}

/// How one unit's incidents of the year were handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IncidentHandling {
    /// Incidents registered (discovered in the year).
    pub total: u64,
    /// Not closed or remedied, and discovered more than 30 days before the day compiled.
    pub open_long: u64,
    /// Closed without lessons learned written down.
    pub closed_without_lessons: u64,
}

/// Deadlines of one kind of reporting duty, by outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadlineTally {
    pub met: u64,
    pub late: u64,
    pub missed: u64,
    /// Still running (not yet due).
    pub running: u64,
    /// Assessed as not required (a breach unlikely to result in a risk …).
    pub not_required: u64,
}

impl DeadlineTally {
    pub fn total(&self) -> u64 {
        self.met + self.late + self.missed + self.running + self.not_required
    }
}

/// What the registers say about one unit, for its computed statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UnitRegisters {
    /// `None`: no course on the topic applies to the unit.
    pub security: Option<Coverage>,
    pub data_protection: Option<Coverage>,
    pub incidents: IncidentHandling,
    pub gdpr: DeadlineTally,
    /// NIS2 and MSB deadlines together.
    pub nis: DeadlineTally,
    /// The asset registers of the unit's subtree, rolled up
    /// ([`crate::assets::coverage::rolled_up`]); `None`: not read.
    pub assets: Option<UnitFacts>,
}

/// Why a computed status is what it is, for the page to say in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Basis {
    /// Coverage against the target: done at or above it, partly below it.
    Coverage { completed: u64, headcount: u64, target_pct: u8 },
    /// No incident registered in the year: the routine is not in use.
    NoIncidents,
    /// Incidents registered; done when none is left open for long and every
    /// closed one has its lessons learned.
    Incidents { total: u64, open_long: u64, closed_without_lessons: u64 },
    /// Notification deadlines: done when every one was met (or was not required).
    Deadlines { met: u64, late: u64, missed: u64 },
    /// A share of the asset registers ([`crate::assets::coverage::computed`]).
    Assets { basis: AssetBasis },
}

/// A status computed from the registers, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Computed {
    pub status: PointStatus,
    pub basis: Basis,
}

fn coverage(c: Option<Coverage>) -> Option<Computed> {
    // Without a headcount (no count recorded for the unit) there is nothing to compare with.
    let c = c.filter(|c| c.headcount > 0)?;
    let basis = Basis::Coverage { completed: c.completed, headcount: c.headcount, target_pct: c.target_pct };
    let status = if c.completed == 0 {
        PointStatus::NotStarted
    } else if c.completed.saturating_mul(100) >= u64::from(c.target_pct).saturating_mul(c.headcount) {
        PointStatus::Done
    } else {
        PointStatus::Partial
    };
    Some(Computed { status, basis })
}

fn deadlines(t: DeadlineTally) -> Option<Computed> {
    let decided = t.met + t.late + t.missed + t.not_required;
    if decided == 0 {
        return None;
    }
    let status = if t.late + t.missed == 0 { PointStatus::Done } else { PointStatus::Partial };
    Some(Computed { status, basis: Basis::Deadlines { met: t.met, late: t.late, missed: t.missed } })
}

/// The status the registers give a unit for a point, if they say anything:
/// nothing when no course on the topic applies or the unit has no count of
/// one (no headcount), or no deadline of the kind
/// has come due (a unit without breaches has not shown how it reports them).
pub fn computed(source: PointSource, r: &UnitRegisters) -> Option<Computed> {
    match source {
        PointSource::TrainingSecurity => coverage(r.security),
        PointSource::TrainingDataProtection => coverage(r.data_protection),
        PointSource::IncidentManagement => {
            let i = r.incidents;
            if i.total == 0 {
                return Some(Computed { status: PointStatus::NotStarted, basis: Basis::NoIncidents });
            }
            let status =
                if i.open_long + i.closed_without_lessons == 0 { PointStatus::Done } else { PointStatus::Partial };
            let basis = Basis::Incidents {
                total: i.total,
                open_long: i.open_long,
                closed_without_lessons: i.closed_without_lessons,
            };
            Some(Computed { status, basis })
        }
        PointSource::GdprReporting => deadlines(r.gdpr),
        PointSource::NisReporting => deadlines(r.nis),
        other => {
            let c = crate::assets::coverage::computed(other.asset_point()?, r.assets.as_ref()?)?;
            Some(Computed { status: c.status, basis: Basis::Assets { basis: c.basis } })
        }
    }
}

/// Whether a reported status disagrees with the computed one: "not
/// applicable" disagrees with any computed status, and "done" with a
/// computed status that is not done, and so on; equal statuses agree.
pub fn disagrees(reported: PointStatus, computed: PointStatus) -> bool {
    reported != computed
}

/// One unit's computed status for one point, as the review shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComputedLine {
    /// The checklist point's text.
    pub point: String,
    pub unit: String,
    pub computed: Computed,
    /// What the unit reported, if it did.
    pub reported: Option<PointStatus>,
}

impl ComputedLine {
    pub fn disagrees(&self) -> bool {
        self.reported.is_some_and(|r| disagrees(r, self.computed.status))
    }
}

/// A notable incident as the review lists it: serious or critical, or a
/// personal-data breach; its title and lessons, not its description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotableIncident {
    pub title: String,
    pub org: String,
    pub category: String,
    pub severity: String,
    pub personal_data: bool,
    pub lessons: String,
    /// Deadlines missed or late for this incident.
    pub deadlines_missed: u64,
}

/// The review's incident section: the year's incidents in the
/// organisation's subtree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncidentSection {
    pub total: u64,
    pub personal_data: u64,
    pub open: u64,
    /// (category code, count), categories with incidents only, most first.
    pub by_category: Vec<(String, u64)>,
    /// (severity code, count) in severity order, all severities.
    pub by_severity: Vec<(String, u64)>,
    /// Every notification deadline of the year's incidents.
    pub deadlines: DeadlineTally,
    /// Median hours from discovery to closing, of the closed ones.
    pub median_hours_to_close: Option<f64>,
    pub notable: Vec<NotableIncident>,
    /// Incidents per year for the last years, oldest first (year, count).
    pub trend: Vec<(i32, u64)>,
}

/// One course's coverage as the review shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainingLine {
    pub course: String,
    pub topic: Topic,
    pub target_pct: u8,
    pub completed: u64,
    pub headcount: u64,
    /// Coverage at the end of each of the last years, oldest first
    /// (year, completed, headcount).
    pub trend: Vec<(i32, u64, u64)>,
}

impl TrainingLine {
    /// Coverage in whole percent, rounded down; `None` without a headcount.
    pub fn percent(&self) -> Option<u64> {
        (self.headcount > 0).then(|| self.completed.min(self.headcount) * 100 / self.headcount)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_default_points_read_from_registers() {
        assert_eq!(
            point_source("E-utbildning i informationssäkerhet för alla medarbetare"),
            Some(PointSource::TrainingSecurity)
        );
        assert_eq!(
            point_source("  e-learning in data  protection (basic course) "),
            Some(PointSource::TrainingDataProtection)
        );
        assert_eq!(point_source("Incidenthantering"), Some(PointSource::IncidentManagement));
        assert_eq!(
            point_source("Rapporteringsskyldighet enligt dataskyddsförordningen"),
            Some(PointSource::GdprReporting)
        );
        assert_eq!(point_source("Rapporteringsskyldighet enligt NIS-regelverket"), Some(PointSource::NisReporting));
        assert_eq!(point_source("Riskanalys"), Some(PointSource::RiskAnalysis));
        assert_eq!(point_source("Data processing agreements"), Some(PointSource::ProcessingAgreements));
        assert_eq!(point_source("Vår egen punkt"), None);
        assert_eq!(point_source(""), None);
    }

    fn cov(completed: u64, headcount: u64, target_pct: u8) -> UnitRegisters {
        UnitRegisters { security: Some(Coverage { completed, headcount, target_pct }), ..Default::default() }
    }

    #[test]
    fn coverage_at_the_target_is_done() {
        let st = |c, h, t| computed(PointSource::TrainingSecurity, &cov(c, h, t)).map(|x| x.status);
        assert_eq!(st(90, 100, 90), Some(PointStatus::Done));
        assert_eq!(st(89, 100, 90), Some(PointStatus::Partial));
        assert_eq!(st(0, 100, 90), Some(PointStatus::NotStarted));
        assert_eq!(st(0, 0, 90), None, "no headcount: no count recorded, nothing to say");
        assert_eq!(st(1, 1, 100), Some(PointStatus::Done));
        assert_eq!(computed(PointSource::TrainingDataProtection, &cov(1, 1, 50)), None, "no data-protection course");
    }

    #[test]
    fn incident_management_wants_incidents_handled_with_lessons() {
        let mut r = UnitRegisters::default();
        let st = |r: &UnitRegisters| computed(PointSource::IncidentManagement, r).unwrap();
        assert_eq!(st(&r), Computed { status: PointStatus::NotStarted, basis: Basis::NoIncidents });
        r.incidents = IncidentHandling { total: 4, open_long: 0, closed_without_lessons: 0 };
        assert_eq!(st(&r).status, PointStatus::Done);
        r.incidents.closed_without_lessons = 1;
        assert_eq!(st(&r).status, PointStatus::Partial);
        r.incidents = IncidentHandling { total: 4, open_long: 2, closed_without_lessons: 0 };
        assert_eq!(st(&r).status, PointStatus::Partial);
    }

    #[test]
    fn reporting_duties_read_the_deadlines_that_came_due() {
        let mut r = UnitRegisters::default();
        assert_eq!(computed(PointSource::GdprReporting, &r), None, "no breach: nothing to say");
        r.gdpr.running = 1;
        assert_eq!(computed(PointSource::GdprReporting, &r), None, "a clock still running says nothing yet");
        r.gdpr.met = 2;
        assert_eq!(computed(PointSource::GdprReporting, &r).unwrap().status, PointStatus::Done);
        r.gdpr.not_required = 1;
        assert_eq!(computed(PointSource::GdprReporting, &r).unwrap().status, PointStatus::Done);
        r.gdpr.late = 1;
        assert_eq!(computed(PointSource::GdprReporting, &r).unwrap().status, PointStatus::Partial);
        r.nis.missed = 1;
        let c = computed(PointSource::NisReporting, &r).unwrap();
        assert_eq!(
            c,
            Computed { status: PointStatus::Partial, basis: Basis::Deadlines { met: 0, late: 0, missed: 1 } }
        );
    }

    #[test]
    fn every_default_point_but_one_reads_a_register() {
        let found: Vec<Option<PointSource>> = DEFAULT_CHECKLIST.iter().map(|(sv, _)| point_source(sv)).collect();
        let en: Vec<Option<PointSource>> = DEFAULT_CHECKLIST.iter().map(|(_, en)| point_source(en)).collect();
        assert_eq!(found, en);
        assert_eq!(found.iter().filter(|x| x.is_none()).count(), 1, "only the local directive reads no register");
        let assets: Vec<AssetPoint> = found.iter().flatten().filter_map(|s| s.asset_point()).collect();
        assert_eq!(assets, AssetPoint::ALL);
        for p in AssetPoint::ALL {
            assert_eq!(PointSource::of_asset_point(*p).asset_point(), Some(*p));
        }
    }

    #[test]
    fn asset_points_read_the_unit_s_rolled_up_registers() {
        let mut r = UnitRegisters::default();
        assert_eq!(computed(PointSource::Classification, &r), None, "asset registers not read");
        r.assets = Some(UnitFacts::default());
        assert_eq!(computed(PointSource::Classification, &r), None, "no asset: nothing to say");
        r.assets = Some(UnitFacts { assets: 30, assets_classified: 20, assets_current: 18, ..Default::default() });
        assert_eq!(
            computed(PointSource::Classification, &r),
            Some(Computed {
                status: PointStatus::Partial,
                basis: Basis::Assets { basis: AssetBasis::Classified { current: 18, classified: 20, assets: 30 } }
            })
        );
        assert_eq!(computed(PointSource::Dpia, &r), None, "no processing needs a DPIA");
        assert_eq!(computed(PointSource::IncidentManagement, &r).map(|c| c.basis), Some(Basis::NoIncidents));
        // The basis serialises with both tags apart.
        let json = serde_json::to_value(Basis::Assets { basis: AssetBasis::Dpia { done: 1, needed: 2 } }).unwrap();
        assert_eq!(json["kind"], "assets");
        assert_eq!(json["basis"]["kind"], "dpia");
    }

    #[test]
    fn a_line_disagrees_only_with_a_different_reported_status() {
        let line = |reported| ComputedLine {
            point: "Incidenthantering".into(),
            unit: "Skolförvaltningen".into(),
            computed: Computed { status: PointStatus::Partial, basis: Basis::NoIncidents },
            reported,
        };
        assert!(line(Some(PointStatus::Done)).disagrees());
        assert!(!line(Some(PointStatus::Partial)).disagrees());
        assert!(!line(None).disagrees());
    }

    #[test]
    fn percent_is_bounded() {
        let l = |completed, headcount| TrainingLine {
            course: "Informationssäkerhet".into(),
            topic: Topic::InformationSecurity,
            target_pct: 90,
            completed,
            headcount,
            trend: vec![],
        };
        assert_eq!(l(45, 60).percent(), Some(75));
        assert_eq!(l(70, 60).percent(), Some(100));
        assert_eq!(l(0, 0).percent(), None);
    }

    proptest! {
        #[test]
        fn coverage_status_is_monotone_in_completion(h in 1u64..100_000, a in 0u64..100_000, b in 0u64..100_000, t in 1u8..=100) {
            let (lo, hi) = (a.min(b).min(h), a.max(b).min(h));
            let rank = |s: PointStatus| match s { PointStatus::NotStarted => 0, PointStatus::Partial => 1, PointStatus::Done => 2, PointStatus::NotApplicable => 3 };
            let s_lo = computed(PointSource::TrainingSecurity, &cov(lo, h, t)).unwrap().status;
            let s_hi = computed(PointSource::TrainingSecurity, &cov(hi, h, t)).unwrap().status;
            prop_assert!(rank(s_lo) <= rank(s_hi));
            prop_assert_ne!(s_hi, PointStatus::NotApplicable);
        }

        #[test]
        fn any_missed_or_late_deadline_keeps_reporting_from_done(met in 0u64..50, late in 0u64..5, missed in 0u64..5, nr in 0u64..5) {
            let r = UnitRegisters { gdpr: DeadlineTally { met, late, missed, running: 0, not_required: nr }, ..Default::default() };
            match computed(PointSource::GdprReporting, &r) {
                None => prop_assert_eq!(met + late + missed + nr, 0),
                Some(c) => prop_assert_eq!(c.status == PointStatus::Done, late + missed == 0),
            }
        }
    }
}
