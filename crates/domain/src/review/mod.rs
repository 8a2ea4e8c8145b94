//! The management review (ledningens genomgång): the units' yearly reports
//! against a checklist, the compiled inputs, the decisions, adoption and the
//! frozen snapshot with its content hash.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::{FieldError, ValidationErrors};
use crate::model::Text;
use crate::org::{OrgKind, OrgTree};
use crate::plan::Totals;
use crate::{code_enum, parse_date, parse_line, parse_text};

mod adoption;
pub mod assets;
mod compile;
pub mod registers;

pub use adoption::{AdoptionCheck, action_for_decision, adoption_check};
pub use compile::{
    AssessedPeriod, AuditCopyFacts, ChecklistPoint, ChildReviewFacts, EarlierDecision, PlannedAction, PreviousReview,
    ReportingUnit, ReviewFacts, SteeringFacts, UnitReportFacts, compile,
};

code_enum!(
    /// A review is prepared as a draft and adopted (locked) by management.
    ReviewStatus, "status" {
        Draft => "draft",
        Adopted => "adopted",
    }
);

code_enum!(
    /// The sections of a review that the CISO may comment on; the last three
    /// are free text only.
    SectionKey, "section" {
        Assessment => "assessment",
        Feedback => "feedback",
        Actions => "actions",
        PreviousDecisions => "previous_decisions",
        UnitReports => "unit_reports",
        Risks => "risks",
        OutsideWorld => "outside_world",
        Proposals => "proposals",
        FollowUp => "follow_up",
        DpoReport => "dpo_report",
        Rollup => "rollup",
        Documents => "documents",
        Audits => "audits",
        Incidents => "incidents",
        Training => "training",
        Assets => "assets",
    }
);

code_enum!(
    DecisionKind, "kind" {
        Improvement => "improvement",
        Governance => "governance",
        Resources => "resources",
    }
);

code_enum!(
    /// How far a unit has come with one checklist point.
    PointStatus, "status" {
        Done => "done",
        Partial => "partial",
        NotStarted => "not_started",
        NotApplicable => "not_applicable",
    }
);

code_enum!(
    /// A unit's yearly report: filled in by its coordinator, approved by its owner.
    UnitReportStatus, "status" {
        Draft => "draft",
        Submitted => "submitted",
        Approved => "approved",
    }
);

/// The checklist every organisation starts with (seed 001), Swedish and English.
pub const DEFAULT_CHECKLIST: &[(&str, &str)] = &[
    ("E-utbildning i informationssäkerhet för alla medarbetare", "E-learning in information security for all staff"),
    ("E-utbildning i dataskydd (grundkurs)", "E-learning in data protection (basic course)"),
    (
        "Implementering av lokal anvisning för informationssäkerhet",
        "Implementing the local information security directive",
    ),
    ("Informationsklassning", "Information classification"),
    ("Riskanalys", "Risk analysis"),
    ("Konsekvensbedömning avseende dataskydd", "Data protection impact assessment"),
    ("Behörighetshantering", "Access management"),
    ("Registerförteckning över behandlingar av personuppgifter", "Register of personal data processing"),
    ("Informationssäkerhet vid upphandling", "Information security in procurement"),
    ("Personuppgiftsbiträdesavtal", "Data processing agreements"),
    ("Incidenthantering", "Incident management"),
    ("Rapporteringsskyldighet enligt dataskyddsförordningen", "Reporting duty under the GDPR"),
    ("Rapporteringsskyldighet enligt NIS-regelverket", "Reporting duty under the NIS rules"),
];

/// One decision as a form or the API gives it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DecisionFields {
    pub kind: String,
    pub text: String,
    pub responsible: String,
    pub deadline: String,
    /// For a decision on governance: the steering document it changes (empty: none).
    pub document_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionInput {
    pub kind: DecisionKind,
    pub text: String,
    pub responsible: String,
    pub deadline: NaiveDate,
    /// The steering document a decision on governance changes.
    #[serde(default)]
    pub document_id: Option<Uuid>,
}

impl DecisionFields {
    pub fn parse(&self) -> Result<DecisionInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let kind = errs.check(self.kind.trim().parse::<DecisionKind>());
        let text = errs.check(parse_text("text", &self.text, 4000, true));
        let responsible = errs.check(parse_line("responsible", &self.responsible, 200, true));
        let deadline = errs.check(parse_date("deadline", &self.deadline, true));
        let document_id = errs.check(match self.document_id.trim() {
            "" => Ok(None),
            x => match x.parse::<Uuid>() {
                Ok(id) if kind == Some(DecisionKind::Governance) => Ok(Some(id)),
                Ok(_) => Err(FieldError::new("document_id", "error-decision-document-kind")),
                Err(_) => Err(FieldError::new("document_id", "error-malformed")),
            },
        });
        errs.clone().into_result()?;
        Ok(DecisionInput {
            kind: kind.expect("checked"),
            text: text.expect("checked"),
            responsible: responsible.expect("checked"),
            deadline: deadline.flatten().expect("checked"),
            document_id: document_id.flatten(),
        })
    }
}

/// The meeting of a review.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MeetingFields {
    pub meeting_date: String,
    pub participants: String,
}

pub fn parse_meeting(f: &MeetingFields) -> Result<(Option<NaiveDate>, String), ValidationErrors> {
    let mut errs = ValidationErrors::default();
    let date = errs.check(parse_date("meeting_date", &f.meeting_date, false));
    let participants = errs.check(parse_text("participants", &f.participants, 2000, false));
    errs.clone().into_result()?;
    Ok((date.flatten(), participants.unwrap_or_default()))
}

/// A comment on a section: at most 10,000 characters.
pub fn parse_comment(s: &str) -> Result<String, FieldError> {
    parse_text("comment", s, 10_000, false)
}

/// The form field of a section's comment on the review page
/// (`comment.risks`): every section's comment is one field of one form, so
/// saving one section saves what was typed in all of them.
pub fn comment_field(key: SectionKey) -> &'static str {
    match key {
        SectionKey::Assessment => "comment.assessment",
        SectionKey::Feedback => "comment.feedback",
        SectionKey::Actions => "comment.actions",
        SectionKey::PreviousDecisions => "comment.previous_decisions",
        SectionKey::UnitReports => "comment.unit_reports",
        SectionKey::Risks => "comment.risks",
        SectionKey::OutsideWorld => "comment.outside_world",
        SectionKey::Proposals => "comment.proposals",
        SectionKey::FollowUp => "comment.follow_up",
        SectionKey::DpoReport => "comment.dpo_report",
        SectionKey::Rollup => "comment.rollup",
        SectionKey::Documents => "comment.documents",
        SectionKey::Audits => "comment.audits",
        SectionKey::Incidents => "comment.incidents",
        SectionKey::Training => "comment.training",
        SectionKey::Assets => "comment.assets",
    }
}

/// The comments of a review page's form: every `comment.<section>` field,
/// each parsed as [`parse_comment`]; other fields are ignored. A field
/// named for no section, or repeated, makes the form malformed; a text too
/// long is an error on its own field, so the page can show it there.
pub fn parse_comments<'a>(
    fields: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<(SectionKey, String)>, crate::ValidationErrors> {
    let mut out: Vec<(SectionKey, String)> = Vec::new();
    let mut errs = Vec::new();
    for (name, value) in fields {
        let Some(code) = name.strip_prefix("comment.") else { continue };
        let Ok(key) = code.parse::<SectionKey>() else {
            return Err(crate::ValidationErrors(vec![FieldError::new("section", "error-malformed")]));
        };
        if out.iter().any(|(k, _)| *k == key) || errs.iter().any(|e: &FieldError| e.field == comment_field(key)) {
            return Err(crate::ValidationErrors(vec![FieldError::new("section", "error-malformed")]));
        }
        match parse_comment(value) {
            Ok(text) => out.push((key, text)),
            Err(e) => errs.push(FieldError::new(comment_field(key), e.code)),
        }
    }
    if errs.is_empty() { Ok(out) } else { Err(crate::ValidationErrors(errs)) }
}

/// A checklist point's text.
pub fn parse_point(s: &str) -> Result<String, FieldError> {
    parse_line("text", s, 300, true)
}

/// Whether `org` holds a yearly review of its own: every organisation that is
/// not a part, and a part (nämnd, förvaltning, enhet) set to hold one.
pub fn holds_review(tree: &OrgTree, org: Uuid) -> bool {
    tree.get(org).is_some_and(|n| !n.kind.is_part() || n.own_review)
}

/// The organisation whose review a unit reports to: the nearest enclosing
/// organisation (itself included) that holds a review of its own.
pub fn review_org(tree: &OrgTree, unit: Uuid) -> Option<Uuid> {
    tree.path(unit).iter().rev().find(|n| !n.kind.is_part() || n.own_review).map(|n| n.id)
}

/// The units that report to `org`'s review, in tree order: the
/// organisation itself when it is a part holding its own review (its own
/// checklist statuses), and its förvaltningar and enheter that report to no
/// other review and lie in no other reporting unit.
pub fn reporting_units(tree: &OrgTree, org: Uuid) -> Vec<Uuid> {
    let part = |k: OrgKind| matches!(k, OrgKind::Administration | OrgKind::Unit);
    let mut out: Vec<Uuid> =
        tree.get(org).filter(|n| n.kind.is_part() && n.own_review).map(|n| n.id).into_iter().collect();
    out.extend(
        tree.subtree(org)
            .into_iter()
            .skip(1)
            .filter(|(_, n)| {
                part(n.kind)
                    && review_org(tree, n.id) == Some(org)
                    && !tree.path(n.id).iter().rev().skip(1).take_while(|p| p.id != org).any(|p| part(p.kind))
            })
            .map(|(_, n)| n.id),
    );
    out
}

/// The organisations whose reviews roll up into `org`'s: those below it
/// that hold their own review and have no other such organisation between
/// them and `org`; in tree order.
pub fn child_review_orgs(tree: &OrgTree, org: Uuid) -> Vec<Uuid> {
    tree.subtree(org)
        .into_iter()
        .skip(1)
        .filter(|(_, n)| {
            review_org(tree, n.id) == Some(n.id) && n.parent_id.and_then(|p| review_org(tree, p)) == Some(org)
        })
        .map(|(_, n)| n.id)
        .collect()
}

/// Whether `p` may prepare `org`'s review: the CISO of the organisation,
/// and the coordinator of a part that holds its own review (seed 001: the
/// förvaltning's information-security coordinator prepares it for the
/// förvaltningschef).
pub fn may_prepare(p: &crate::authz::Principal, org: Uuid, tree: &OrgTree) -> bool {
    use crate::authz::Permission;
    p.can(Permission::ManageReviews, org, tree)
        || (tree.get(org).is_some_and(|n| n.kind.is_part() && n.own_review) && p.can(Permission::ReportUnit, org, tree))
}

// ----- The compiled content of a review -----

/// An assessment's level and area shares for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LevelPoint {
    pub period: i32,
    pub level: u8,
    /// (area id, area name, share 0–100)
    pub areas: Vec<(String, Text, u32)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedbackItem {
    pub area: Text,
    pub question: Text,
    pub action: Text,
    pub must: bool,
    /// Whether an action in the plan already answers it.
    pub planned: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionLine {
    pub title: String,
    pub responsible: String,
    pub end_date: Option<NaiveDate>,
    pub status: String,
    pub cost: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PreviousDecision {
    pub kind: DecisionKind,
    pub text: String,
    pub responsible: String,
    pub deadline: NaiveDate,
    /// The status code of the action made from it, if any.
    pub action_status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitLine {
    pub unit: String,
    /// `None` (no report), or the report's status code.
    pub status: Option<UnitReportStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointLine {
    pub text: String,
    /// Units per status, in [`PointStatus::ALL`] order.
    pub counts: Vec<usize>,
    /// (unit, status) for every unit that reported this point.
    pub by_unit: Vec<(String, PointStatus)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionLine {
    pub kind: DecisionKind,
    pub text: String,
    pub responsible: String,
    pub deadline: NaiveDate,
    /// The title of the steering document a decision on governance changes.
    #[serde(default)]
    pub document: Option<String>,
}

/// Everything a review shows, compiled from the registers; frozen as the
/// snapshot when management adopts the review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewContent {
    pub org_name: String,
    pub year: i32,
    pub revision: i32,
    pub meeting_date: Option<NaiveDate>,
    pub participants: String,
    /// The latest assessment's period and status, if there is one.
    pub assessment: Option<(i32, String)>,
    pub levels: Vec<LevelPoint>,
    pub open_feedback: Vec<FeedbackItem>,
    pub totals: Totals,
    pub overdue: Vec<ActionLine>,
    pub previous_year: Option<i32>,
    pub previous_decisions: Vec<PreviousDecision>,
    pub units: Vec<UnitLine>,
    pub points: Vec<PointLine>,
    pub comments: BTreeMap<String, String>,
    pub decisions: Vec<DecisionLine>,
    pub adopted_by: Option<String>,
    pub adopted_on: Option<NaiveDate>,
    /// The organisation is a part (nämnd, förvaltning) holding its own
    /// review: its report follows seed 001's order.
    #[serde(default)]
    pub part: bool,
    /// The business plan's activities for the coming year: the open actions
    /// of the plan that start or end in the year after the review's.
    #[serde(default)]
    pub activities: Vec<ActionLine>,
    /// The reviews that roll up into this one, in tree order.
    #[serde(default)]
    pub children: Vec<ChildReview>,
    /// The steering documents that apply to the organisation (its own and
    /// those of the organisations above it), repealed ones left out.
    #[serde(default)]
    pub documents: Vec<DocumentLine>,
    /// Files attached to sections (the DPO's annual report …); their
    /// checksums make them part of what adoption freezes.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// The open recommendations of audits addressed to the organisation and
    /// the organisations below it.
    #[serde(default)]
    pub audits: Vec<AuditLine>,
    /// The year's incidents in the organisation's subtree (the incident register).
    #[serde(default)]
    pub incidents: Option<registers::IncidentSection>,
    /// Coverage of the training courses that apply to the organisation.
    #[serde(default)]
    pub training: Vec<registers::TrainingLine>,
    /// Statuses computed from the registers for the checklist points they
    /// answer, per reporting unit, beside what the unit reported.
    #[serde(default)]
    pub computed: Vec<registers::ComputedLine>,
    /// The asset registers of the organisation's subtree: information
    /// assets, systems, risks, the processing register and agreements
    /// (left out of the JSON when absent, so earlier snapshots keep their hash).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assets: Option<assets::AssetSection>,
}

/// A body's open copy of an audit's recommendation, as the review lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditLine {
    /// The copy (its page is `/audit-copies/{target}`).
    pub target: Uuid,
    /// The audit's title.
    pub audit: String,
    pub recommendation: String,
    /// The audited body the copy is addressed to.
    pub body: String,
    pub status: crate::audits::TargetStatus,
    pub answered: bool,
    pub responses_due: Option<NaiveDate>,
    /// Not answered, and the answers were due before the review's day.
    pub overdue: bool,
}

/// A file attached to a section of a review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub section: SectionKey,
    pub filename: String,
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
}

/// A steering document as the review lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentLine {
    pub title: String,
    pub kind: crate::steering::DocKind,
    pub status: crate::steering::DocStatus,
    pub decided_by: String,
    pub decided_on: Option<NaiveDate>,
    pub next_review: Option<NaiveDate>,
    /// In force and past its next review date.
    pub overdue: bool,
    /// In force and to be reviewed within a year (the review's planning horizon), overdue or not.
    #[serde(default)]
    pub due: bool,
    /// Decided by the organisation itself (else by one above it).
    pub own: bool,
    /// The organisation's own implementation of it.
    pub implementation: Option<crate::steering::Implementation>,
    /// For its own documents: the implementing organisations per status, in
    /// [`crate::steering::Implementation::ALL`] order.
    pub counts: Vec<usize>,
}

/// The review of an organisation that rolls up into its parent's, as the
/// parent's review shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChildReview {
    pub org: String,
    /// The latest revision's status; `None`: not started.
    pub status: Option<ReviewStatus>,
    pub meeting_date: Option<NaiveDate>,
    pub adopted_on: Option<NaiveDate>,
    /// Its own checklist statuses (the organisation's own report), by point.
    pub points: Vec<(String, PointStatus)>,
    /// The decisions of its latest revision.
    pub decisions: Vec<DecisionLine>,
    /// The actions of its part of the tree.
    pub totals: Totals,
}

impl ChildReview {
    /// Points per status, in [`PointStatus::ALL`] order.
    pub fn counts(&self) -> Vec<usize> {
        PointStatus::ALL.iter().map(|s| self.points.iter().filter(|(_, x)| x == s).count()).collect()
    }
}

impl ReviewContent {
    /// The sections in the order the page and the report show them. A part
    /// holding its own review follows seed 001: the follow-up first (the
    /// checklist with its statuses, last year's decisions and what happened,
    /// risks), then the plan; the roll-up only where reviews roll up into
    /// this one.
    pub fn sections(&self) -> Vec<SectionKey> {
        use SectionKey::*;
        let order: &[SectionKey] = if self.part {
            &[
                Documents,
                UnitReports,
                PreviousDecisions,
                FollowUp,
                Audits,
                Incidents,
                Training,
                Assets,
                Risks,
                DpoReport,
                Assessment,
                Feedback,
                Actions,
                Rollup,
                OutsideWorld,
                Proposals,
            ]
        } else {
            &[
                Assessment,
                Feedback,
                Actions,
                PreviousDecisions,
                FollowUp,
                UnitReports,
                Rollup,
                Documents,
                Audits,
                Incidents,
                Training,
                Assets,
                Risks,
                DpoReport,
                OutsideWorld,
                Proposals,
            ]
        };
        order.iter().copied().filter(|k| *k != Rollup || !self.children.is_empty()).collect()
    }

    /// The open recommendations whose answer is overdue.
    pub fn audits_overdue(&self) -> usize {
        self.audits.iter().filter(|a| a.overdue).count()
    }

    /// The children that have not adopted their review of the year.
    pub fn children_not_adopted(&self) -> usize {
        self.children.iter().filter(|c| c.status != Some(ReviewStatus::Adopted)).count()
    }

    /// The improvement decisions: the priorities for the coming year.
    pub fn priorities(&self) -> impl Iterator<Item = &DecisionLine> {
        self.decisions.iter().filter(|d| d.kind == DecisionKind::Improvement)
    }

    /// The SHA-256 of the content as canonical JSON (fields in declaration
    /// order, maps sorted), in hex.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical_json().as_bytes()))
    }

    pub fn canonical_json(&self) -> String {
        serde_json::to_string(self).expect("review content serialises")
    }

    pub fn comment(&self, key: SectionKey) -> &str {
        self.comments.get(key.code()).map(String::as_str).unwrap_or("")
    }

    /// Units that have reported (submitted or approved) / all units.
    pub fn reported(&self) -> (usize, usize) {
        (self.units.iter().filter(|u| u.status.is_some_and(|s| s != UnitReportStatus::Draft)).count(), self.units.len())
    }
}

/// Tallies the units' statuses for each checklist point.
pub fn tally_points(points: &[(Uuid, String)], reports: &[(String, Vec<(Uuid, PointStatus)>)]) -> Vec<PointLine> {
    points
        .iter()
        .map(|(id, text)| {
            let mut counts = vec![0; PointStatus::ALL.len()];
            let mut by_unit = Vec::new();
            for (unit, items) in reports {
                if let Some((_, st)) = items.iter().find(|(p, _)| p == id) {
                    let i = PointStatus::ALL.iter().position(|x| x == st).expect("a known status");
                    counts[i] += 1;
                    by_unit.push((unit.clone(), *st));
                }
            }
            PointLine { text: text.clone(), counts, by_unit }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::OrgNode;

    fn tree() -> OrgTree {
        let n = |id: u128, p: Option<u128>, kind: OrgKind| OrgNode {
            id: Uuid::from_u128(id),
            parent_id: p.map(Uuid::from_u128),
            name: format!("org {id}"),
            kind,
            own_review: false,
        };
        OrgTree::new(vec![
            n(1, None, OrgKind::Municipality),
            n(2, Some(1), OrgKind::Committee),
            n(3, Some(2), OrgKind::Administration),
            n(4, Some(3), OrgKind::Unit),
            n(5, Some(1), OrgKind::Holding),
            n(6, Some(5), OrgKind::Company),
            n(7, None, OrgKind::Agency),
            n(8, Some(7), OrgKind::Unit),
        ])
    }

    #[test]
    fn the_page_saves_every_sections_comment_together() {
        let long = "x".repeat(10_001);
        let got = parse_comments([
            ("csrf", "t"),
            ("comment.risks", "  Fler incidenter \r\n"),
            ("comment.proposals", ""),
            ("autosave", "1"),
        ])
        .unwrap();
        assert_eq!(
            got,
            vec![(SectionKey::Risks, "Fler incidenter".to_owned()), (SectionKey::Proposals, String::new())]
        );
        // A too long text is an error on its own section's field, with all others.
        let e = parse_comments([
            ("comment.risks", long.as_str()),
            ("comment.actions", "ok"),
            ("comment.feedback", "\u{7}"),
        ])
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["comment.risks", "comment.feedback"]);
        // An unknown or repeated section is a malformed form.
        for bad in [vec![("comment.nope", "a")], vec![("comment.risks", "a"), ("comment.risks", "b")]] {
            assert_eq!(parse_comments(bad).unwrap_err().0, vec![FieldError::new("section", "error-malformed")]);
        }
        for k in SectionKey::ALL {
            assert_eq!(comment_field(*k), format!("comment.{}", k.code()));
        }
    }

    proptest::proptest! {
        /// Whatever the fields, the parser answers without panicking, keeps
        /// at most one comment per section, and every kept text is bounded.
        #[test]
        fn any_comment_form_is_answered(fields in proptest::collection::vec(("(comment\\.)?[a-z_]{0,12}", ".{0,40}"), 0..12)) {
            if let Ok(v) = parse_comments(fields.iter().map(|(a, b)| (a.as_str(), b.as_str()))) {
                let keys: std::collections::BTreeSet<&str> = v.iter().map(|(k, _)| k.code()).collect();
                proptest::prop_assert_eq!(keys.len(), v.len());
                proptest::prop_assert!(v.iter().all(|(_, t)| t.chars().count() <= 10_000));
            }
        }
    }

    #[test]
    fn units_report_to_the_nearest_organisation() {
        let t = tree();
        let id = Uuid::from_u128;
        assert_eq!(reporting_units(&t, id(1)), vec![id(3)]);
        assert!(reporting_units(&t, id(5)).is_empty());
        assert_eq!(reporting_units(&t, id(7)), vec![id(8)]);
        assert_eq!(review_org(&t, id(4)), Some(id(1)));
        assert_eq!(review_org(&t, id(6)), Some(id(6)));
        assert_eq!(review_org(&t, id(3)), Some(id(1)));
        assert_eq!(review_org(&t, id(8)), Some(id(7)));
        assert_eq!(child_review_orgs(&t, id(1)), vec![id(5)]);
        assert_eq!(child_review_orgs(&t, id(5)), vec![id(6)]);
    }

    #[test]
    fn a_forvaltning_that_holds_its_own_review_takes_its_units_and_rolls_up() {
        use crate::authz::{Assignment, Principal};
        use crate::user::Role;
        let mut nodes: Vec<OrgNode> = (1..=8).filter_map(|i| tree().get(Uuid::from_u128(i)).cloned()).collect();
        // Another unit below the förvaltning, and the förvaltning holds its own review.
        nodes.push(OrgNode {
            id: Uuid::from_u128(9),
            parent_id: Some(Uuid::from_u128(3)),
            name: "org 9".into(),
            kind: OrgKind::Unit,
            own_review: false,
        });
        nodes.iter_mut().find(|n| n.id == Uuid::from_u128(3)).unwrap().own_review = true;
        let t = OrgTree::new(nodes);
        let id = Uuid::from_u128;
        assert!(holds_review(&t, id(3)) && holds_review(&t, id(1)) && !holds_review(&t, id(4)));
        assert_eq!(review_org(&t, id(3)), Some(id(3)));
        assert_eq!(review_org(&t, id(4)), Some(id(3)));
        // The förvaltning reports its own statuses and its units theirs; the kommun has no units left.
        assert_eq!(reporting_units(&t, id(3)), vec![id(3), id(4), id(9)]);
        assert!(reporting_units(&t, id(1)).is_empty());
        assert_eq!(child_review_orgs(&t, id(1)), vec![id(3), id(5)]);
        assert!(child_review_orgs(&t, id(3)).is_empty());
        // Its coordinator prepares it; a coordinator of one unit does not, nor the kommun's review.
        let p = |role, org: u128| Principal::new(Uuid::nil(), vec![Assignment { role, org_id: Some(id(org)) }]);
        assert!(may_prepare(&p(Role::Coordinator, 3), id(3), &t));
        assert!(!may_prepare(&p(Role::Coordinator, 4), id(3), &t));
        assert!(!may_prepare(&p(Role::Coordinator, 1), id(1), &t));
        assert!(may_prepare(&p(Role::Ciso, 1), id(3), &t));
        assert!(!may_prepare(&p(Role::Management, 3), id(3), &t));
    }

    #[test]
    fn a_decision_needs_a_responsible_and_a_deadline() {
        let f = DecisionFields { kind: "improvement".into(), text: "Inför MFA".into(), ..Default::default() };
        let errs = f.parse().unwrap_err().0;
        assert!(errs.contains(&FieldError::new("responsible", "error-required")));
        assert!(errs.contains(&FieldError::new("deadline", "error-required")));
        let ok = DecisionFields { responsible: "IT-chefen".into(), deadline: "2027-03-31".into(), ..f };
        assert_eq!(ok.parse().unwrap().kind, DecisionKind::Improvement);
        let bad = DecisionFields { kind: "bribe".into(), ..ok };
        assert_eq!(bad.parse().unwrap_err().0, vec![FieldError::new("kind", "error-malformed")]);
    }

    fn content() -> ReviewContent {
        ReviewContent {
            org_name: "Exempla kommun".into(),
            year: 2026,
            revision: 1,
            meeting_date: None,
            participants: String::new(),
            assessment: None,
            levels: vec![],
            open_feedback: vec![],
            totals: Totals::default(),
            overdue: vec![],
            previous_year: None,
            previous_decisions: vec![],
            units: vec![
                UnitLine { unit: "A".into(), status: Some(UnitReportStatus::Approved) },
                UnitLine { unit: "B".into(), status: Some(UnitReportStatus::Draft) },
                UnitLine { unit: "C".into(), status: None },
            ],
            points: vec![],
            comments: BTreeMap::new(),
            decisions: vec![],
            adopted_by: None,
            adopted_on: None,
            part: false,
            activities: vec![],
            children: vec![],
            documents: vec![],
            attachments: vec![],
            audits: vec![],
            incidents: None,
            training: vec![],
            computed: vec![],
            assets: None,
        }
    }

    #[test]
    fn the_hash_changes_with_any_content_and_survives_a_round_trip() {
        let a = content();
        // A snapshot frozen before the roll-up existed reads as one without children.
        let mut old: serde_json::Value = serde_json::from_str(&a.canonical_json()).unwrap();
        for k in ["part", "activities", "children", "documents", "attachments", "audits"] {
            old.as_object_mut().unwrap().remove(k);
        }
        assert_eq!(serde_json::from_value::<ReviewContent>(old).unwrap(), a);
        let json = a.canonical_json();
        let back: ReviewContent = serde_json::from_str(&json).unwrap();
        assert_eq!(back.hash(), a.hash());
        let mut b = a.clone();
        b.comments.insert("risks".into(), "Ny risk".into());
        assert_ne!(a.hash(), b.hash());
        assert_eq!(a.hash().len(), 64);
        assert_eq!(a.reported(), (1, 3));
    }

    #[test]
    fn every_section_is_shown_once_and_the_roll_up_only_with_children() {
        let mut c = content();
        for part in [false, true] {
            c.part = part;
            let s = c.sections();
            assert_eq!(s.len(), SectionKey::ALL.len() - 1);
            assert_eq!(s.iter().filter(|k| **k == SectionKey::Documents).count(), 1);
            assert!(!s.contains(&SectionKey::Rollup));
        }
        assert_eq!(c.sections()[..2], [SectionKey::Documents, SectionKey::UnitReports], "seed 001's order");
        c.children.push(ChildReview {
            org: "Socialförvaltningen".into(),
            status: None,
            meeting_date: None,
            adopted_on: None,
            points: vec![],
            decisions: vec![],
            totals: Totals::default(),
        });
        let s = c.sections();
        assert_eq!(s.len(), SectionKey::ALL.len());
        assert!(SectionKey::ALL.iter().all(|k| s.contains(k)));
        assert_eq!(c.children_not_adopted(), 1);
    }

    #[test]
    fn points_are_tallied_per_status() {
        let p1 = Uuid::from_u128(1);
        let p2 = Uuid::from_u128(2);
        let lines = tally_points(
            &[(p1, "Riskanalys".into()), (p2, "Incidenthantering".into())],
            &[
                ("A".into(), vec![(p1, PointStatus::Done), (p2, PointStatus::Partial)]),
                ("B".into(), vec![(p1, PointStatus::Done)]),
            ],
        );
        assert_eq!(lines[0].counts, vec![2, 0, 0, 0]);
        assert_eq!(lines[1].counts, vec![0, 1, 0, 0]);
        assert_eq!(lines[1].by_unit, vec![("A".to_owned(), PointStatus::Partial)]);
        assert_eq!(DEFAULT_CHECKLIST.len(), 13);
    }
}
