//! Steering documents (styrdokument): the policies, guidelines, application
//! directives, local directives, routines and instructions an organisation
//! decides, when each is to be reviewed, and how far every organisation it
//! applies to has implemented it. A document applies to the subtree of the
//! organisation that decided it: the kommun's guideline to every nämnd and
//! bolag, a förvaltning's local directive to that förvaltning.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{FieldError, ValidationErrors};
use crate::org::OrgTree;
use crate::{code_enum, parse_date, parse_line, parse_text};

code_enum!(
    /// The kind of a steering document, from the most general.
    DocKind, "kind" {
        Policy => "policy",
        Guideline => "guideline",
        ApplicationDirective => "application_directive",
        LocalDirective => "local_directive",
        Routine => "routine",
        Instruction => "instruction",
    }
);

code_enum!(
    /// Where a document stands.
    DocStatus, "status" {
        Draft => "draft",
        Decided => "decided",
        UnderRevision => "under_revision",
        Repealed => "repealed",
    }
);

code_enum!(
    /// How far an organisation has implemented a document.
    Implementation, "status" {
        NotStarted => "not_started",
        InProgress => "in_progress",
        Implemented => "implemented",
        NotApplicable => "not_applicable",
    }
);

/// The longest review interval: ten years.
pub const MAX_INTERVAL_MONTHS: u32 = 120;

/// A document as a form or the API gives it, before parsing.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DocumentFields {
    pub title: String,
    pub kind: String,
    pub status: String,
    /// Who owns the document (a role or a person).
    pub owner: String,
    /// The body that decided it (kommunfullmäktige, förvaltningschefen …).
    pub decided_by: String,
    pub decided_on: String,
    pub valid_from: String,
    /// Months between reviews, 1–120; empty: 12.
    pub review_interval_months: String,
    /// Empty: the decision's date (else the date it applies from) plus the interval.
    pub next_review: String,
    /// The document it applies (an application directive's guideline); empty: none.
    pub parent_id: String,
    pub summary: String,
}

/// A document's parsed values.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentInput {
    pub title: String,
    pub kind: DocKind,
    pub status: DocStatus,
    pub owner: String,
    pub decided_by: String,
    pub decided_on: Option<NaiveDate>,
    pub valid_from: Option<NaiveDate>,
    pub review_interval_months: u32,
    pub next_review: Option<NaiveDate>,
    pub parent_id: Option<Uuid>,
    pub summary: String,
}

impl DocumentFields {
    /// Parses every field, collecting the errors. A decided document needs
    /// the decision's date and body; the next review, if not given, follows
    /// from the decision and the interval.
    pub fn parse(&self) -> Result<DocumentInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let title = errs.check(parse_line("title", &self.title, 300, true));
        let kind = errs.check(self.kind.trim().parse::<DocKind>());
        let status = if self.status.trim().is_empty() {
            Some(DocStatus::Draft)
        } else {
            errs.check(self.status.trim().parse::<DocStatus>())
        };
        let owner = errs.check(parse_line("owner", &self.owner, 200, true));
        let decided_by = errs.check(parse_line("decided_by", &self.decided_by, 200, false));
        let decided_on = errs.check(parse_date("decided_on", &self.decided_on, false)).flatten();
        let valid_from = errs.check(parse_date("valid_from", &self.valid_from, false)).flatten();
        let interval = errs.check(match self.review_interval_months.trim() {
            "" => Ok(12),
            s => match s.parse::<u32>() {
                Ok(n) if (1..=MAX_INTERVAL_MONTHS).contains(&n) => Ok(n),
                _ => Err(FieldError::new("review_interval_months", "error-steering-interval")),
            },
        });
        let next_review = errs.check(parse_date("next_review", &self.next_review, false)).flatten();
        let parent_id = errs.check(match self.parent_id.trim() {
            "" => Ok(None),
            s => s.parse::<Uuid>().map(Some).map_err(|_| FieldError::new("parent_id", "error-malformed")),
        });
        let summary = errs.check(parse_text("summary", &self.summary, 4000, false));
        if status.is_some_and(|s| s != DocStatus::Draft) {
            if self.decided_on.trim().is_empty() {
                errs.0.push(FieldError::new("decided_on", "error-steering-decided"));
            }
            if self.decided_by.trim().is_empty() {
                errs.0.push(FieldError::new("decided_by", "error-steering-decided"));
            }
        }
        if let (Some(d), Some(v)) = (decided_on, valid_from)
            && v < d
        {
            errs.0.push(FieldError::new("valid_from", "error-steering-valid-before-decided"));
        }
        errs.clone().into_result()?;
        let review_interval_months = interval.expect("checked");
        Ok(DocumentInput {
            title: title.expect("checked"),
            kind: kind.expect("checked"),
            status: status.expect("checked"),
            owner: owner.expect("checked"),
            decided_by: decided_by.expect("checked"),
            decided_on,
            valid_from,
            review_interval_months,
            next_review: next_review.or_else(|| next_review_after(valid_from.or(decided_on), review_interval_months)),
            parent_id: parent_id.expect("checked"),
            summary: summary.expect("checked"),
        })
    }
}

/// The date `interval` months after `from` (the month's last day where the
/// day does not exist), if there is a date to count from.
pub fn next_review_after(from: Option<NaiveDate>, interval: u32) -> Option<NaiveDate> {
    from.and_then(|d| d.checked_add_months(Months::new(interval)))
}

/// Whether a document is due for revision on `today`: in force (not a draft,
/// not repealed) and its next review date has passed.
pub fn is_overdue(status: DocStatus, next_review: Option<NaiveDate>, today: NaiveDate) -> bool {
    matches!(status, DocStatus::Decided | DocStatus::UnderRevision) && next_review.is_some_and(|d| d < today)
}

/// Whether a document is due for revision within `days` of `today` (or overdue).
pub fn is_due_within(status: DocStatus, next_review: Option<NaiveDate>, today: NaiveDate, days: u64) -> bool {
    matches!(status, DocStatus::Decided | DocStatus::UnderRevision)
        && next_review.is_some_and(|d| today.checked_add_days(chrono::Days::new(days)).is_some_and(|end| d <= end))
}

/// Whether a document decided by `owner_org` applies to `org`: it applies to
/// its organisation's whole subtree.
pub fn applies_to(tree: &OrgTree, owner_org: Uuid, org: Uuid) -> bool {
    tree.is_in_subtree(owner_org, org)
}

/// The organisations whose implementation of a document decided by
/// `owner_org` is followed: those in its subtree that hold a review of their
/// own (the kommun, its förvaltningar with their own review, its bolag) and,
/// for a document of a part, the part itself; in tree order.
pub fn implementing_orgs(tree: &OrgTree, owner_org: Uuid) -> Vec<Uuid> {
    tree.subtree(owner_org)
        .into_iter()
        .filter(|(_, n)| n.id == owner_org || crate::review::holds_review(tree, n.id))
        .map(|(_, n)| n.id)
        .collect()
}

/// A document's implementation across its organisations: how many have
/// each status, in [`Implementation::ALL`] order, organisations without a
/// recorded status counted as not started.
pub fn tally(orgs: &[Uuid], recorded: &[(Uuid, Implementation)]) -> Vec<usize> {
    let mut counts = vec![0; Implementation::ALL.len()];
    for o in orgs {
        let st = recorded.iter().find(|(x, _)| x == o).map_or(Implementation::NotStarted, |(_, s)| *s);
        counts[Implementation::ALL.iter().position(|x| *x == st).expect("a known status")] += 1;
    }
    counts
}

/// A version's label and note as typed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct VersionFields {
    /// "1.0", "2026:1" …
    pub label: String,
    pub decided_on: String,
    pub note: String,
}

/// A version's parsed values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInput {
    pub label: String,
    pub decided_on: Option<NaiveDate>,
    pub note: String,
}

impl VersionFields {
    pub fn parse(&self) -> Result<VersionInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let label = errs.check(parse_line("label", &self.label, 40, true));
        let decided_on = errs.check(parse_date("decided_on", &self.decided_on, false)).flatten();
        let note = errs.check(parse_text("note", &self.note, 2000, false));
        errs.clone().into_result()?;
        Ok(VersionInput { label: label.expect("checked"), decided_on, note: note.expect("checked") })
    }
}

/// An implementation note: at most 1,000 characters.
pub fn parse_implementation_note(s: &str) -> Result<String, FieldError> {
    parse_text("note", s, 1000, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{OrgKind, OrgNode};

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn fields() -> DocumentFields {
        DocumentFields {
            title: "Riktlinje för informationssäkerhet".into(),
            kind: "guideline".into(),
            status: "decided".into(),
            owner: "Kommundirektören".into(),
            decided_by: "Kommunfullmäktige".into(),
            decided_on: "2024-02-15".into(),
            review_interval_months: "24".into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_next_review_follows_from_the_decision_and_the_interval() {
        let d = fields().parse().unwrap();
        assert_eq!(d.next_review, Some(date("2026-02-15")));
        let with_valid = DocumentFields { valid_from: "2024-03-01".into(), ..fields() };
        assert_eq!(with_valid.parse().unwrap().next_review, Some(date("2026-03-01")));
        let given = DocumentFields { next_review: "2025-12-31".into(), ..fields() };
        assert_eq!(given.parse().unwrap().next_review, Some(date("2025-12-31")));
        // The 31st plus one month is the month's last day.
        assert_eq!(next_review_after(Some(date("2025-01-31")), 1), Some(date("2025-02-28")));
        assert_eq!(next_review_after(None, 12), None);
        assert_eq!(
            DocumentFields { review_interval_months: String::new(), ..fields() }
                .parse()
                .unwrap()
                .review_interval_months,
            12
        );
    }

    #[test]
    fn bad_fields_are_named_and_a_decided_document_needs_its_decision() {
        let bad = DocumentFields {
            title: " ".into(),
            kind: "memo".into(),
            status: "decided".into(),
            owner: "x".into(),
            decided_by: String::new(),
            decided_on: String::new(),
            review_interval_months: "0".into(),
            parent_id: "nope".into(),
            ..Default::default()
        };
        let named: Vec<&str> = bad.parse().unwrap_err().0.iter().map(|e| e.field).collect();
        for f in ["title", "kind", "review_interval_months", "parent_id", "decided_on", "decided_by"] {
            assert!(named.contains(&f), "{f} in {named:?}");
        }
        let draft =
            DocumentFields { status: "draft".into(), decided_by: String::new(), decided_on: String::new(), ..fields() };
        assert_eq!(draft.parse().unwrap().next_review, None);
        let backwards = DocumentFields { valid_from: "2024-01-01".into(), ..fields() };
        assert_eq!(
            backwards.parse().unwrap_err().0,
            vec![FieldError::new("valid_from", "error-steering-valid-before-decided")]
        );
        assert!(DocumentFields { review_interval_months: "121".into(), ..fields() }.parse().is_err());
    }

    #[test]
    fn only_a_document_in_force_is_overdue() {
        let today = date("2026-12-02");
        let past = Some(date("2026-12-01"));
        assert!(is_overdue(DocStatus::Decided, past, today));
        assert!(is_overdue(DocStatus::UnderRevision, past, today));
        assert!(!is_overdue(DocStatus::Repealed, past, today));
        assert!(!is_overdue(DocStatus::Draft, past, today));
        assert!(!is_overdue(DocStatus::Decided, Some(today), today));
        assert!(!is_overdue(DocStatus::Decided, None, today));
        assert!(is_due_within(DocStatus::Decided, Some(date("2027-01-15")), today, 60));
        assert!(!is_due_within(DocStatus::Decided, Some(date("2027-03-15")), today, 60));
    }

    #[test]
    fn a_document_applies_down_its_organisations_subtree() {
        let n = |id: u128, p: Option<u128>, kind, own_review| OrgNode {
            id: Uuid::from_u128(id),
            parent_id: p.map(Uuid::from_u128),
            name: format!("org {id}"),
            kind,
            own_review,
        };
        let t = OrgTree::new(vec![
            n(1, None, OrgKind::Municipality, false),
            n(2, Some(1), OrgKind::Committee, false),
            n(3, Some(2), OrgKind::Administration, true),
            n(4, Some(3), OrgKind::Unit, false),
            n(5, Some(2), OrgKind::Administration, false),
            n(6, Some(1), OrgKind::Company, false),
        ]);
        let id = Uuid::from_u128;
        assert!(applies_to(&t, id(1), id(4)) && applies_to(&t, id(3), id(4)));
        assert!(!applies_to(&t, id(3), id(5)) && !applies_to(&t, id(3), id(1)));
        assert_eq!(implementing_orgs(&t, id(1)), vec![id(1), id(3), id(6)]);
        assert_eq!(implementing_orgs(&t, id(3)), vec![id(3)]);
        assert_eq!(implementing_orgs(&t, id(5)), vec![id(5)]);
        assert_eq!(
            tally(&[id(1), id(3), id(6)], &[(id(3), Implementation::Implemented), (id(9), Implementation::InProgress)]),
            vec![2, 0, 1, 0]
        );
    }

    proptest::proptest! {
        /// Whatever is typed, parsing answers without panicking, and a
        /// document it accepts is bounded and has a review interval in range.
        #[test]
        fn any_document_form_is_answered(
            title in ".{0,310}", kind in "[a-z_]{0,25}", status in "[a-z_]{0,15}",
            interval in "[0-9]{0,4}", decided in "[0-9-]{0,12}", next in "[0-9-]{0,12}",
        ) {
            let f = DocumentFields {
                title, kind, status, owner: "Ägare".into(), decided_by: "Nämnden".into(),
                decided_on: decided, review_interval_months: interval, next_review: next, ..Default::default()
            };
            if let Ok(d) = f.parse() {
                proptest::prop_assert!(d.title.chars().count() <= 300);
                proptest::prop_assert!((1..=MAX_INTERVAL_MONTHS).contains(&d.review_interval_months));
            }
        }
    }
}
