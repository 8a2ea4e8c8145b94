//! Compiling a management review: the facts loaded from the registers (the
//! organisation's assessments, the action plan, the previous review, the
//! units' reports, the checklist) turned into the [`ReviewContent`] that the
//! page and the documents show and that adoption freezes. No I/O here: the
//! application layer loads the facts.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

use super::{
    ActionLine, AuditLine, ChildReview, DecisionInput, DecisionLine, DocumentLine, FeedbackItem, LevelPoint,
    PointStatus, PreviousDecision, ReviewContent, ReviewStatus, UnitLine, UnitReportStatus, registers, tally_points,
};
use crate::audits::{TargetStatus, answer_overdue};
use crate::model::Model;
use crate::plan::{ActionInput, ActionStatus, Origin, Totals, is_overdue};
use crate::review::registers::ComputedLine;
use crate::scoring::{self, Answer};

/// One period's assessment of the organisation itself (the newest revision).
pub struct AssessedPeriod<'a> {
    pub period: i32,
    /// The assessment's status code.
    pub status: String,
    pub model: &'a Model,
    pub answers: &'a HashMap<String, Answer>,
}

/// An action of the plan, of the organisation or any part of it.
pub struct PlannedAction<'a> {
    pub org_id: Uuid,
    pub data: &'a ActionInput,
}

/// A decision of the previous adopted review and the status of the action
/// made from it, if any.
pub struct EarlierDecision {
    pub decision: DecisionInput,
    pub action_status: Option<ActionStatus>,
}

/// The previous year's adopted review.
pub struct PreviousReview {
    pub year: i32,
    pub decisions: Vec<EarlierDecision>,
}

/// A unit that reports to the review.
pub struct ReportingUnit {
    pub id: Uuid,
    pub name: String,
}

/// A unit's yearly report.
pub struct UnitReportFacts {
    pub unit_id: Uuid,
    pub status: UnitReportStatus,
    /// Each checklist point's status in the report.
    pub items: Vec<(Uuid, PointStatus)>,
}

/// An active point of the organisation's checklist.
pub struct ChecklistPoint {
    pub id: Uuid,
    pub text: String,
}

/// An organisation whose review rolls up into this one, and its review of
/// the year (the latest revision), if it has started one.
pub struct ChildReviewFacts {
    pub name: String,
    /// The organisations of its part of the tree (its actions count).
    pub orgs: Vec<Uuid>,
    pub status: Option<ReviewStatus>,
    pub meeting_date: Option<NaiveDate>,
    pub adopted_on: Option<NaiveDate>,
    pub decisions: Vec<DecisionInput>,
    /// Its own report's statuses, by point text.
    pub points: Vec<(String, PointStatus)>,
}

/// A steering document that applies to the organisation, and how far it
/// is implemented.
pub struct SteeringFacts {
    pub id: Uuid,
    pub title: String,
    pub kind: crate::steering::DocKind,
    pub status: crate::steering::DocStatus,
    pub decided_by: String,
    pub decided_on: Option<NaiveDate>,
    pub next_review: Option<NaiveDate>,
    pub own: bool,
    pub implementation: Option<crate::steering::Implementation>,
    pub counts: Vec<usize>,
}

/// A body's copy of an audit's recommendation, addressed to the
/// organisation or one below it.
pub struct AuditCopyFacts {
    pub target: Uuid,
    pub audit: String,
    pub recommendation: String,
    pub body: String,
    pub status: TargetStatus,
    pub answered: bool,
    /// When the audit's answers are due.
    pub responses_due: Option<NaiveDate>,
}

/// Everything a review is compiled from.
pub struct ReviewFacts<'a> {
    pub org_id: Uuid,
    pub org_name: String,
    pub year: i32,
    pub revision: i32,
    pub meeting_date: Option<NaiveDate>,
    pub participants: String,
    pub adopted_by: Option<String>,
    pub adopted_on: Option<NaiveDate>,
    /// The organisation's assessments up to the review's year, in period order.
    pub assessments: Vec<AssessedPeriod<'a>>,
    /// The actions of the organisation's whole subtree.
    pub actions: Vec<PlannedAction<'a>>,
    pub previous: Option<PreviousReview>,
    /// The units that report to the review, in tree order.
    pub units: Vec<ReportingUnit>,
    /// Their reports of the review's year, as stored.
    pub reports: Vec<UnitReportFacts>,
    pub points: Vec<ChecklistPoint>,
    pub comments: BTreeMap<String, String>,
    pub decisions: Vec<DecisionInput>,
    /// The organisation is a part holding its own review.
    pub part: bool,
    pub children: Vec<ChildReviewFacts>,
    /// The steering documents that apply, by kind and title.
    pub documents: Vec<SteeringFacts>,
    /// The files attached to the review's sections.
    pub attachments: Vec<super::Attachment>,
    /// The copies of audits' recommendations addressed to the organisation
    /// or one below it, in the order the review lists them.
    pub audits: Vec<AuditCopyFacts>,
    /// The year's incidents in the subtree, compiled by the incident register.
    pub incidents: Option<super::registers::IncidentSection>,
    /// The courses that apply, with their coverage.
    pub training: Vec<super::registers::TrainingLine>,
    /// What the registers say about each reporting unit, for the checklist
    /// points they answer.
    pub registers: Vec<(Uuid, super::registers::UnitRegisters)>,
    /// The asset registers' section (`None`: not read).
    pub assets: Option<super::assets::AssetSection>,
    pub today: NaiveDate,
}

/// The most lines a review lists of the coming year's activities.
pub const MAX_ACTIVITIES: usize = 200;

fn line(a: &ActionInput) -> ActionLine {
    ActionLine {
        title: a.title.clone(),
        responsible: a.responsible.clone(),
        end_date: a.end_date,
        status: a.status.code().to_owned(),
        cost: a.cost,
    }
}

fn decision_line(d: DecisionInput, documents: &[SteeringFacts]) -> DecisionLine {
    DecisionLine {
        document: d.document_id.and_then(|id| documents.iter().find(|x| x.id == id)).map(|x| x.title.clone()),
        kind: d.kind,
        text: d.text,
        responsible: d.responsible,
        deadline: d.deadline,
    }
}

/// The statuses the registers give each reporting unit for the checklist
/// points they answer, beside what the unit reported (a draft report counts
/// as not reported), in checklist order and then unit order.
fn computed_lines(f: &ReviewFacts<'_>, name: &dyn Fn(Uuid) -> String) -> Vec<ComputedLine> {
    let mut out = Vec::new();
    for p in &f.points {
        let Some(source) = registers::point_source(&p.text) else { continue };
        for u in &f.units {
            let Some((_, r)) = f.registers.iter().find(|(id, _)| *id == u.id) else { continue };
            let Some(computed) = registers::computed(source, r) else { continue };
            let reported = f
                .reports
                .iter()
                .find(|x| x.unit_id == u.id && x.status != UnitReportStatus::Draft)
                .and_then(|x| x.items.iter().find(|(id, _)| *id == p.id).map(|(_, st)| *st));
            out.push(ComputedLine { point: p.text.clone(), unit: name(u.id), computed, reported });
        }
    }
    out
}

/// Compiles a review's content from its facts.
pub fn compile(f: ReviewFacts<'_>) -> ReviewContent {
    let computed =
        computed_lines(&f, &|id| f.units.iter().find(|u| u.id == id).map(|u| u.name.clone()).unwrap_or_default());
    let mut levels = Vec::new();
    let mut open_feedback = Vec::new();
    let mut assessment = None;
    let last_period = f.assessments.iter().map(|a| a.period).max();
    for a in &f.assessments {
        let model = a.model;
        let o = scoring::score(model, a.answers);
        let areas = o
            .areas
            .iter()
            .map(|ar| {
                let name = model.area(&ar.area).map(|x| x.name.clone()).unwrap_or_default();
                (ar.area.clone(), name, ar.tally.percent())
            })
            .collect();
        levels.push(LevelPoint { period: a.period, level: o.level, areas });
        if Some(a.period) == last_period {
            assessment = Some((a.period, a.status.clone()));
            for b in &o.blockers {
                let Some(q) = model.question(&b.question) else { continue };
                let suffix = format!("/{}", q.id);
                let planned = f.actions.iter().any(|x| {
                    x.org_id == f.org_id && x.data.origin == Origin::Feedback && x.data.origin_ref.ends_with(&suffix)
                });
                open_feedback.push(FeedbackItem {
                    area: model.area(&q.area).map(|x| x.name.clone()).unwrap_or_default(),
                    question: q.text.clone(),
                    action: q.action.clone(),
                    must: b.must,
                    planned,
                });
            }
        }
    }
    let totals = Totals::of(f.actions.iter().map(|a| (a.data.status, a.data.end_date, a.data.cost)), f.today);
    let overdue = f
        .actions
        .iter()
        .filter(|a| is_overdue(a.data.status, a.data.end_date, f.today))
        .map(|a| line(a.data))
        .collect();
    let next = f.year + 1;
    let mut coming: Vec<&ActionInput> = f
        .actions
        .iter()
        .map(|a| a.data)
        .filter(|a| a.status.is_open())
        .filter(|a| a.start_date.is_some_and(|d| d.year() == next) || a.end_date.is_some_and(|d| d.year() == next))
        .collect();
    coming.sort_by(|a, b| (a.end_date, &a.title).cmp(&(b.end_date, &b.title)));
    let activities = coming.into_iter().take(MAX_ACTIVITIES).map(line).collect();
    let children = f
        .children
        .into_iter()
        .map(|c| ChildReview {
            totals: Totals::of(
                f.actions
                    .iter()
                    .filter(|a| c.orgs.contains(&a.org_id))
                    .map(|a| (a.data.status, a.data.end_date, a.data.cost)),
                f.today,
            ),
            org: c.name,
            status: c.status,
            meeting_date: c.meeting_date,
            adopted_on: c.adopted_on,
            points: c.points,
            decisions: c.decisions.into_iter().map(|d| decision_line(d, &f.documents)).collect(),
        })
        .collect();
    let previous_decisions = f
        .previous
        .as_ref()
        .map(|p| {
            p.decisions
                .iter()
                .map(|d| PreviousDecision {
                    kind: d.decision.kind,
                    text: d.decision.text.clone(),
                    responsible: d.decision.responsible.clone(),
                    deadline: d.decision.deadline,
                    action_status: d.action_status.map(|s| s.code().to_owned()),
                })
                .collect()
        })
        .unwrap_or_default();
    let name = |id: Uuid| f.units.iter().find(|u| u.id == id).map(|u| u.name.clone()).unwrap_or_default();
    let units = f
        .units
        .iter()
        .map(|u| UnitLine {
            unit: u.name.clone(),
            status: f.reports.iter().find(|r| r.unit_id == u.id).map(|r| r.status),
        })
        .collect();
    let points: Vec<(Uuid, String)> = f.points.iter().map(|p| (p.id, p.text.clone())).collect();
    let reported: Vec<(String, Vec<(Uuid, PointStatus)>)> = f
        .reports
        .iter()
        .filter(|r| r.status != UnitReportStatus::Draft)
        .map(|r| (name(r.unit_id), r.items.clone()))
        .collect();
    ReviewContent {
        computed,
        incidents: f.incidents,
        training: f.training,
        assets: f.assets,
        org_name: f.org_name,
        year: f.year,
        revision: f.revision,
        meeting_date: f.meeting_date,
        participants: f.participants,
        assessment,
        levels,
        open_feedback,
        totals,
        overdue,
        previous_year: f.previous.as_ref().map(|p| p.year),
        previous_decisions,
        units,
        points: tally_points(&points, &reported),
        comments: f.comments,
        decisions: f.decisions.into_iter().map(|d| decision_line(d, &f.documents)).collect(),
        adopted_by: f.adopted_by,
        adopted_on: f.adopted_on,
        part: f.part,
        activities,
        children,
        documents: f
            .documents
            .iter()
            .filter(|d| d.status != crate::steering::DocStatus::Repealed)
            .map(|d| DocumentLine {
                title: d.title.clone(),
                kind: d.kind,
                status: d.status,
                decided_by: d.decided_by.clone(),
                decided_on: d.decided_on,
                next_review: d.next_review,
                overdue: crate::steering::is_overdue(d.status, d.next_review, f.today),
                due: crate::steering::is_due_within(d.status, d.next_review, f.today, 365),
                own: d.own,
                implementation: d.implementation,
                counts: d.counts.clone(),
            })
            .collect(),
        attachments: f.attachments,
        audits: f
            .audits
            .into_iter()
            .filter(|a| a.status != TargetStatus::Closed)
            .map(|a| AuditLine {
                overdue: answer_overdue(a.answered, a.responses_due, f.today),
                target: a.target,
                audit: a.audit,
                recommendation: a.recommendation,
                body: a.body,
                status: a.status,
                answered: a.answered,
                responses_due: a.responses_due,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::DecisionKind;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn action(title: &str, status: ActionStatus, end: Option<&str>, origin: Origin, origin_ref: &str) -> ActionInput {
        ActionInput {
            title: title.into(),
            goal: String::new(),
            activity: String::new(),
            cost: 1000,
            responsible: "Eva".into(),
            start_date: None,
            end_date: end.map(date),
            status,
            progress_note: String::new(),
            origin,
            origin_ref: origin_ref.into(),
        }
    }

    fn facts<'a>() -> ReviewFacts<'a> {
        ReviewFacts {
            org_id: Uuid::from_u128(1),
            org_name: "Exempla kommun".into(),
            year: 2026,
            revision: 1,
            meeting_date: None,
            participants: String::new(),
            adopted_by: None,
            adopted_on: None,
            assessments: vec![],
            actions: vec![],
            previous: None,
            units: vec![],
            reports: vec![],
            points: vec![],
            comments: BTreeMap::new(),
            decisions: vec![],
            part: false,
            children: vec![],
            documents: vec![],
            attachments: vec![],
            audits: vec![],
            incidents: None,
            training: vec![],
            registers: vec![],
            assets: None,
            today: date("2026-11-30"),
        }
    }

    #[test]
    fn registers_give_computed_statuses_beside_the_reported_ones() {
        use crate::review::registers::{Basis, Coverage, IncidentHandling, UnitRegisters};
        let (u1, u2) = (Uuid::from_u128(11), Uuid::from_u128(12));
        let (p_train, p_inc, p_own) = (Uuid::from_u128(21), Uuid::from_u128(22), Uuid::from_u128(23));
        let mut f = facts();
        f.units =
            vec![ReportingUnit { id: u1, name: "Enhet 1".into() }, ReportingUnit { id: u2, name: "Enhet 2".into() }];
        f.points = vec![
            ChecklistPoint { id: p_train, text: "E-utbildning i informationssäkerhet för alla medarbetare".into() },
            ChecklistPoint { id: p_inc, text: "Incidenthantering".into() },
            ChecklistPoint { id: p_own, text: "Vår egen punkt".into() },
        ];
        f.reports = vec![
            UnitReportFacts {
                unit_id: u1,
                status: UnitReportStatus::Submitted,
                items: vec![(p_train, PointStatus::Done), (p_inc, PointStatus::Done), (p_own, PointStatus::Done)],
            },
            UnitReportFacts { unit_id: u2, status: UnitReportStatus::Draft, items: vec![(p_train, PointStatus::Done)] },
        ];
        let covered = |completed| Some(Coverage { completed, headcount: 100, target_pct: 90 });
        f.registers = vec![
            (u1, UnitRegisters { security: covered(60), ..Default::default() }),
            (
                u2,
                UnitRegisters {
                    security: covered(95),
                    incidents: IncidentHandling { total: 3, open_long: 0, closed_without_lessons: 0 },
                    ..Default::default()
                },
            ),
        ];
        let c = compile(f);
        let got: Vec<_> = c
            .computed
            .iter()
            .map(|l| (l.point.as_str(), l.unit.as_str(), l.computed.status, l.reported, l.disagrees()))
            .collect();
        let train = "E-utbildning i informationssäkerhet för alla medarbetare";
        assert_eq!(
            got,
            vec![
                (train, "Enhet 1", PointStatus::Partial, Some(PointStatus::Done), true),
                (train, "Enhet 2", PointStatus::Done, None, false),
                ("Incidenthantering", "Enhet 1", PointStatus::NotStarted, Some(PointStatus::Done), true),
                ("Incidenthantering", "Enhet 2", PointStatus::Done, None, false),
            ],
            "a draft report is not yet reported; a point of the organisation's own reads from no register"
        );
        assert_eq!(c.computed[2].computed.basis, Basis::NoIncidents);
    }

    #[test]
    fn a_review_without_registers_is_empty_but_complete() {
        let c = compile(facts());
        assert_eq!(c.org_name, "Exempla kommun");
        assert_eq!((c.year, c.revision), (2026, 1));
        assert_eq!(c.assessment, None);
        assert!(c.levels.is_empty() && c.open_feedback.is_empty() && c.overdue.is_empty());
        assert_eq!(c.previous_year, None);
        assert_eq!(c.totals, Totals::default());
    }

    #[test]
    fn the_latest_assessment_gives_the_open_feedback_and_whether_it_is_planned() {
        let model = crate::model::parse_model(crate::model::tests::SMALL).unwrap();
        let none = HashMap::new();
        let org = Uuid::from_u128(1);
        let planned = action("Gör a-1", ActionStatus::Planned, None, Origin::Feedback, "x/a-1");
        let mut f = facts();
        f.assessments = vec![
            AssessedPeriod { period: 2025, status: "approved".into(), model: &model, answers: &none },
            AssessedPeriod { period: 2026, status: "draft".into(), model: &model, answers: &none },
        ];
        f.actions = vec![PlannedAction { org_id: org, data: &planned }];
        let c = compile(f);
        assert_eq!(c.levels.iter().map(|l| l.period).collect::<Vec<_>>(), vec![2025, 2026]);
        assert_eq!(c.assessment, Some((2026, "draft".into())));
        let first = c.open_feedback.first().expect("level 1 is blocked");
        assert!(first.must);
        assert!(first.planned, "an action from the feedback answers it");
        assert!(c.open_feedback.iter().skip(1).all(|x| !x.planned));
    }

    #[test]
    fn overdue_actions_previous_decisions_and_unit_reports_are_compiled() {
        let late = action("Sen", ActionStatus::Ongoing, Some("2026-06-30"), Origin::None, "");
        let done = action("Klar", ActionStatus::Done, Some("2026-06-30"), Origin::None, "");
        let (u1, u2, p1) = (Uuid::from_u128(11), Uuid::from_u128(12), Uuid::from_u128(21));
        let mut f = facts();
        f.actions = vec![
            PlannedAction { org_id: Uuid::from_u128(11), data: &late },
            PlannedAction { org_id: Uuid::from_u128(11), data: &done },
        ];
        let decision = DecisionInput {
            kind: DecisionKind::Improvement,
            text: "Inför MFA".into(),
            responsible: "IT".into(),
            deadline: date("2026-03-31"),
            document_id: None,
        };
        f.previous = Some(PreviousReview {
            year: 2025,
            decisions: vec![EarlierDecision { decision: decision.clone(), action_status: Some(ActionStatus::Done) }],
        });
        f.units =
            vec![ReportingUnit { id: u1, name: "Enhet 1".into() }, ReportingUnit { id: u2, name: "Enhet 2".into() }];
        f.reports = vec![
            UnitReportFacts { unit_id: u2, status: UnitReportStatus::Submitted, items: vec![(p1, PointStatus::Done)] },
            UnitReportFacts { unit_id: u1, status: UnitReportStatus::Draft, items: vec![(p1, PointStatus::Partial)] },
        ];
        f.points = vec![ChecklistPoint { id: p1, text: "Riskanalys".into() }];
        f.decisions = vec![decision];
        let c = compile(f);
        assert_eq!(c.overdue.len(), 1);
        assert_eq!(c.overdue[0].title, "Sen");
        assert_eq!((c.totals.count, c.totals.overdue, c.totals.done), (2, 1, 1));
        assert_eq!(c.previous_year, Some(2025));
        assert_eq!(c.previous_decisions[0].action_status.as_deref(), Some("done"));
        assert_eq!(
            c.units.iter().map(|u| (u.unit.as_str(), u.status)).collect::<Vec<_>>(),
            vec![("Enhet 1", Some(UnitReportStatus::Draft)), ("Enhet 2", Some(UnitReportStatus::Submitted))]
        );
        assert_eq!(c.reported(), (1, 2));
        // Only submitted or approved reports count.
        assert_eq!(c.points[0].by_unit, vec![("Enhet 2".to_owned(), PointStatus::Done)]);
        assert_eq!(c.points[0].counts, vec![1, 0, 0, 0]);
        assert_eq!(c.decisions.len(), 1);
    }

    #[test]
    fn the_coming_years_activities_and_the_children_are_compiled() {
        let mut next = action("Klassa elevregistret", ActionStatus::Planned, Some("2027-05-31"), Origin::None, "");
        let done_next = action("Klar", ActionStatus::Done, Some("2027-02-01"), Origin::None, "");
        let this_year = action("I år", ActionStatus::Ongoing, Some("2026-12-31"), Origin::None, "");
        let mut starts = action("Börjar nästa år", ActionStatus::Planned, Some("2028-06-30"), Origin::None, "");
        starts.start_date = Some(date("2027-01-15"));
        next.cost = 5000;
        let (child, other) = (Uuid::from_u128(30), Uuid::from_u128(40));
        let mut f = facts();
        f.actions = vec![
            PlannedAction { org_id: child, data: &next },
            PlannedAction { org_id: child, data: &done_next },
            PlannedAction { org_id: other, data: &this_year },
            PlannedAction { org_id: other, data: &starts },
        ];
        let decision = DecisionInput {
            kind: DecisionKind::Improvement,
            text: "Utse objektledare".into(),
            responsible: "Förvaltningschefen".into(),
            deadline: date("2027-06-30"),
            document_id: None,
        };
        f.children = vec![
            ChildReviewFacts {
                name: "Socialförvaltningen".into(),
                orgs: vec![child],
                status: Some(ReviewStatus::Adopted),
                meeting_date: Some(date("2026-10-20")),
                adopted_on: Some(date("2026-10-20")),
                decisions: vec![decision],
                points: vec![
                    ("Riskanalys".into(), PointStatus::Done),
                    ("Incidenthantering".into(), PointStatus::Partial),
                ],
            },
            ChildReviewFacts {
                name: "Kulturförvaltningen".into(),
                orgs: vec![Uuid::from_u128(50)],
                status: None,
                meeting_date: None,
                adopted_on: None,
                decisions: vec![],
                points: vec![],
            },
        ];
        let c = compile(f);
        assert_eq!(
            c.activities.iter().map(|a| a.title.as_str()).collect::<Vec<_>>(),
            vec!["Klassa elevregistret", "Börjar nästa år"]
        );
        assert_eq!(c.children.len(), 2);
        assert_eq!(c.children[0].totals.count, 2);
        assert_eq!(c.children[0].totals.done, 1);
        assert_eq!(c.children[0].counts(), vec![1, 1, 0, 0]);
        assert_eq!(c.children[0].decisions[0].text, "Utse objektledare");
        assert_eq!(c.children[1].totals.count, 0);
        assert_eq!(c.children_not_adopted(), 1);
    }

    #[test]
    fn steering_documents_in_force_are_listed_with_what_is_overdue() {
        use crate::steering::{DocKind, DocStatus, Implementation};
        let doc = |id: u128, title: &str, status, next: &str| SteeringFacts {
            id: Uuid::from_u128(id),
            title: title.into(),
            kind: DocKind::Guideline,
            status,
            decided_by: "Kommunfullmäktige".into(),
            decided_on: Some(date("2024-02-15")),
            next_review: Some(date(next)),
            own: true,
            implementation: Some(Implementation::InProgress),
            counts: vec![1, 1, 0, 0],
        };
        let mut f = facts();
        f.documents = vec![
            doc(1, "Riktlinje", DocStatus::Decided, "2026-02-15"),
            doc(2, "Gammal policy", DocStatus::Repealed, "2020-01-01"),
            doc(3, "Rutin", DocStatus::Decided, "2027-05-01"),
        ];
        f.decisions = vec![DecisionInput {
            kind: DecisionKind::Governance,
            text: "Riktlinjen revideras.".into(),
            responsible: "Kommundirektören".into(),
            deadline: date("2027-03-31"),
            document_id: Some(Uuid::from_u128(1)),
        }];
        let c = compile(f);
        assert_eq!(
            c.documents.iter().map(|d| (d.title.as_str(), d.overdue, d.due)).collect::<Vec<_>>(),
            vec![("Riktlinje", true, true), ("Rutin", false, true)]
        );
        assert_eq!(c.decisions[0].document.as_deref(), Some("Riktlinje"));
    }

    #[test]
    fn open_recommendations_of_audits_are_listed_with_what_is_overdue() {
        let copy = |id: u128, body: &str, status, answered, due: Option<&str>| AuditCopyFacts {
            target: Uuid::from_u128(id),
            audit: "Granskning av informationssäkerheten".into(),
            recommendation: "Inför en rutin för incidenter.".into(),
            body: body.into(),
            status,
            answered,
            responses_due: due.map(date),
        };
        let mut f = facts();
        f.audits = vec![
            copy(1, "Kommunstyrelsen", TargetStatus::Open, false, Some("2026-08-31")),
            copy(2, "Exempla Energi AB", TargetStatus::MeasurePlanned, true, Some("2026-08-31")),
            copy(3, "Socialnämnden", TargetStatus::Closed, false, Some("2026-08-31")),
            copy(4, "Kulturnämnden", TargetStatus::Open, false, Some("2026-11-30")),
            copy(5, "Exempla Vatten AB", TargetStatus::InProgress, false, None),
        ];
        let c = compile(f);
        assert_eq!(
            c.audits.iter().map(|a| (a.target.as_u128(), a.body.as_str(), a.overdue)).collect::<Vec<_>>(),
            vec![
                (1, "Kommunstyrelsen", true),
                (2, "Exempla Energi AB", false),
                (4, "Kulturnämnden", false),
                (5, "Exempla Vatten AB", false),
            ],
            "closed ones left out; overdue only unanswered and past the day (not on it), never without a date"
        );
        assert_eq!(c.audits[1].status, TargetStatus::MeasurePlanned);
        assert_eq!(c.audits_overdue(), 1);
        // The section is always there, after the steering documents (after the follow-up for a part).
        let s = c.sections();
        let at = |k| s.iter().position(|x| *x == k).unwrap();
        assert_eq!(at(crate::review::SectionKey::Audits), at(crate::review::SectionKey::Documents) + 1);
        let mut part = c.clone();
        part.part = true;
        let s = part.sections();
        let at = |k| s.iter().position(|x| *x == k).unwrap();
        assert_eq!(at(crate::review::SectionKey::Audits), at(crate::review::SectionKey::FollowUp) + 1);
        // It survives adoption's round trip.
        let back: ReviewContent = serde_json::from_str(&c.canonical_json()).unwrap();
        assert_eq!(back.audits, c.audits);
    }
}
