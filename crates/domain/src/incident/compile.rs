//! The central compilation of incidents (central sammanställning, seed
//! 003): per organisation of a subtree, its own incidents' figures and the
//! figures rolled up over its part of the tree. No disclosure control: the
//! compilation stays within the organisation's own tree. No I/O here: the
//! application layer loads the facts of a period.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::duties::{Regime, Step};
use super::{Category, Severity, Status};
use crate::code_enum;
use crate::org::OrgTree;

code_enum!(
    /// Where a deadline stands, without its data ([`super::duties::DeadlineState::kind`]).
    DeadlineStateKind, "deadline_state" {
        Running => "running",
        Met => "met",
        Late => "late",
        Missed => "missed",
        NotRequired => "not_required",
    }
);

/// What the compilation needs of one incident.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentFact {
    pub org_id: Uuid,
    pub category: Category,
    pub severity: Severity,
    pub personal_data: bool,
    pub status: Status,
    pub discovered_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Its reporting duties and where each stands.
    pub duties: Vec<(Step, DeadlineStateKind)>,
}

/// How many deadlines stand where.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DeadlineCounts {
    pub running: usize,
    pub met: usize,
    pub late: usize,
    pub missed: usize,
    pub not_required: usize,
}

impl DeadlineCounts {
    fn add(&mut self, k: DeadlineStateKind) {
        match k {
            DeadlineStateKind::Running => self.running += 1,
            DeadlineStateKind::Met => self.met += 1,
            DeadlineStateKind::Late => self.late += 1,
            DeadlineStateKind::Missed => self.missed += 1,
            DeadlineStateKind::NotRequired => self.not_required += 1,
        }
    }

    fn merge(&mut self, o: &DeadlineCounts) {
        self.running += o.running;
        self.met += o.met;
        self.late += o.late;
        self.missed += o.missed;
        self.not_required += o.not_required;
    }

    /// All deadlines counted.
    pub fn total(&self) -> usize {
        self.running + self.met + self.late + self.missed + self.not_required
    }
}

/// The figures of a set of incidents.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub incidents: usize,
    /// Every category, in [`Category::ALL`] order, zeros included.
    pub by_category: BTreeMap<Category, usize>,
    /// Every severity, in [`Severity::ALL`] order, zeros included.
    pub by_severity: BTreeMap<Severity, usize>,
    /// Incidents involving personal data (personal-data breaches).
    pub personal_data: usize,
    /// Not closed.
    pub open: usize,
    pub closed: usize,
    /// Every reporting deadline of the incidents.
    pub deadlines: DeadlineCounts,
    /// The same by body of rules, every regime included.
    pub deadlines_by_regime: BTreeMap<Regime, DeadlineCounts>,
    /// Hours from discovery to closing of the closed incidents that have a
    /// closing time: their median and mean; `None` when there are none.
    pub median_hours_to_close: Option<f64>,
    pub mean_hours_to_close: Option<f64>,
}

/// One organisation's row: its own incidents and those of its whole part of
/// the tree (itself included).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompilationRow {
    pub org_id: Uuid,
    pub name: String,
    /// Depth below the compilation's root (the root is 0).
    pub depth: usize,
    pub own: Figures,
    pub rolled_up: Figures,
}

/// The compilation of a subtree, its rows in tree order (the root first).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Compilation {
    pub root: Uuid,
    pub rows: Vec<CompilationRow>,
}

impl Compilation {
    /// The row of `org`, if it lies in the subtree.
    pub fn row(&self, org: Uuid) -> Option<&CompilationRow> {
        self.rows.iter().find(|r| r.org_id == org)
    }

    /// The root's rolled-up figures: the whole subtree's.
    pub fn total(&self) -> Option<&Figures> {
        self.rows.first().map(|r| &r.rolled_up)
    }
}

/// Counts being summed, before medians are taken.
#[derive(Debug, Clone, Default)]
struct Tally {
    incidents: usize,
    by_category: [usize; 10],
    by_severity: [usize; 4],
    personal_data: usize,
    open: usize,
    closed: usize,
    deadlines: DeadlineCounts,
    by_regime: [DeadlineCounts; 3],
    hours: Vec<f64>,
}

fn index<T: PartialEq>(all: &[T], x: &T) -> usize {
    all.iter().position(|y| y == x).unwrap_or(0)
}

impl Tally {
    fn add(&mut self, f: &IncidentFact) {
        self.incidents += 1;
        self.by_category[index(Category::ALL, &f.category)] += 1;
        self.by_severity[index(Severity::ALL, &f.severity)] += 1;
        self.personal_data += usize::from(f.personal_data);
        if f.status == Status::Closed {
            self.closed += 1;
            if let Some(c) = f.closed_at {
                // Milliseconds as f64: exact for any span of the register.
                let ms = c.signed_duration_since(f.discovered_at).num_milliseconds().max(0) as f64;
                self.hours.push(ms / 3_600_000.0);
            }
        } else {
            self.open += 1;
        }
        for (step, kind) in &f.duties {
            self.deadlines.add(*kind);
            self.by_regime[index(Regime::ALL, &step.regime())].add(*kind);
        }
    }

    fn merge(&mut self, o: &Tally) {
        self.incidents += o.incidents;
        for (a, b) in self.by_category.iter_mut().zip(o.by_category) {
            *a += b;
        }
        for (a, b) in self.by_severity.iter_mut().zip(o.by_severity) {
            *a += b;
        }
        self.personal_data += o.personal_data;
        self.open += o.open;
        self.closed += o.closed;
        self.deadlines.merge(&o.deadlines);
        for (a, b) in self.by_regime.iter_mut().zip(&o.by_regime) {
            a.merge(b);
        }
        self.hours.extend_from_slice(&o.hours);
    }

    fn figures(&self) -> Figures {
        let mut hours = self.hours.clone();
        hours.sort_by(f64::total_cmp);
        let n = hours.len();
        let median = match n {
            0 => None,
            _ if n % 2 == 1 => Some(hours[n / 2]),
            _ => Some((hours[n / 2 - 1] + hours[n / 2]) / 2.0),
        };
        let mean = (n > 0).then(|| hours.iter().sum::<f64>() / n as f64);
        Figures {
            incidents: self.incidents,
            by_category: Category::ALL.iter().copied().zip(self.by_category).collect(),
            by_severity: Severity::ALL.iter().copied().zip(self.by_severity).collect(),
            personal_data: self.personal_data,
            open: self.open,
            closed: self.closed,
            deadlines: self.deadlines,
            deadlines_by_regime: Regime::ALL.iter().copied().zip(self.by_regime).collect(),
            median_hours_to_close: median,
            mean_hours_to_close: mean,
        }
    }
}

/// Compiles the `facts` of the subtree of `root`: a row per organisation in
/// tree order with its own and its rolled-up figures. Facts of
/// organisations outside the subtree are ignored; an unknown root gives no
/// rows.
pub fn compile(tree: &OrgTree, root: Uuid, facts: &[IncidentFact]) -> Compilation {
    let nodes = tree.subtree(root);
    let at: HashMap<Uuid, usize> = nodes.iter().enumerate().map(|(i, (_, n))| (n.id, i)).collect();
    let mut own = vec![Tally::default(); nodes.len()];
    for f in facts {
        if let Some(&i) = at.get(&f.org_id) {
            own[i].add(f);
        }
    }
    // Depth-first order puts every node after its parent: sum from the end.
    let mut rolled = own.clone();
    for i in (1..nodes.len()).rev() {
        if let Some(&p) = nodes[i].1.parent_id.as_ref().and_then(|p| at.get(p)) {
            let child = std::mem::take(&mut rolled[i]);
            rolled[p].merge(&child);
            rolled[i] = child;
        }
    }
    let rows = nodes
        .iter()
        .zip(own.iter().zip(&rolled))
        .map(|((depth, n), (o, r))| CompilationRow {
            org_id: n.id,
            name: n.name.clone(),
            depth: *depth,
            own: o.figures(),
            rolled_up: r.figures(),
        })
        .collect();
    Compilation { root, rows }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{OrgKind, OrgNode};
    use chrono::TimeDelta;
    use proptest::prelude::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn node(n: u128, parent: Option<u128>, name: &str, kind: OrgKind) -> OrgNode {
        OrgNode { id: id(n), parent_id: parent.map(id), name: name.into(), kind, own_review: false }
    }

    /// Exempla kommun (1) with two förvaltningar (2, 3), one with a unit (4);
    /// another municipality (9) outside.
    fn tree() -> OrgTree {
        OrgTree::new(vec![
            node(1, None, "Exempla kommun", OrgKind::Municipality),
            node(2, Some(1), "A-förvaltningen", OrgKind::Administration),
            node(3, Some(1), "B-förvaltningen", OrgKind::Administration),
            node(4, Some(3), "Enhet B1", OrgKind::Unit),
            node(9, None, "Annan kommun", OrgKind::Municipality),
        ])
    }

    fn t0() -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_780_000_000, 0).unwrap()
    }

    fn fact(org: u128, category: Category, severity: Severity, status: Status, hours: Option<i64>) -> IncidentFact {
        IncidentFact {
            org_id: id(org),
            category,
            severity,
            personal_data: false,
            status,
            discovered_at: t0(),
            closed_at: hours.map(|h| t0() + TimeDelta::hours(h)),
            duties: Vec::new(),
        }
    }

    #[test]
    fn rows_in_tree_order_with_own_and_rolled_up_figures() {
        let mut pd = fact(4, Category::InformationLoss, Severity::Serious, Status::Closed, Some(10));
        pd.personal_data = true;
        pd.duties = vec![
            (Step::GdprNotify, DeadlineStateKind::Met),
            (Step::NisEarlyWarning, DeadlineStateKind::Missed),
            (Step::NisNotification, DeadlineStateKind::Late),
            (Step::NisFinal, DeadlineStateKind::Running),
        ];
        let facts = vec![
            fact(1, Category::Attack, Severity::Critical, Status::Investigating, None),
            fact(2, Category::HandlingError, Severity::Low, Status::Closed, Some(2)),
            fact(3, Category::Attack, Severity::Moderate, Status::Closed, Some(4)),
            pd,
            fact(4, Category::SoftwareHardware, Severity::Low, Status::Remedied, None),
            fact(9, Category::Attack, Severity::Critical, Status::Registered, None),
        ];
        let c = compile(&tree(), id(1), &facts);
        let order: Vec<(Uuid, usize)> = c.rows.iter().map(|r| (r.org_id, r.depth)).collect();
        assert_eq!(order, [(id(1), 0), (id(2), 1), (id(3), 1), (id(4), 2)]);
        assert_eq!(c.rows[0].name, "Exempla kommun");

        let root = c.total().unwrap();
        assert_eq!(root.incidents, 5, "the other municipality's incident is not counted");
        assert_eq!(root.by_category[&Category::Attack], 2);
        assert_eq!(root.by_category[&Category::CriticalInfrastructure], 0);
        assert_eq!(root.by_category.len(), 10);
        assert_eq!(root.by_severity[&Severity::Low], 2);
        assert_eq!(root.by_severity[&Severity::Critical], 1);
        assert_eq!((root.personal_data, root.open, root.closed), (1, 2, 3));
        assert_eq!(root.deadlines, DeadlineCounts { running: 1, met: 1, late: 1, missed: 1, not_required: 0 });
        assert_eq!(root.deadlines_by_regime[&Regime::Gdpr].met, 1);
        assert_eq!(root.deadlines_by_regime[&Regime::Nis2].total(), 3);
        assert_eq!(root.deadlines_by_regime[&Regime::Msb].total(), 0);
        assert_eq!(root.median_hours_to_close, Some(4.0));
        assert_eq!(root.mean_hours_to_close, Some(16.0 / 3.0));

        let own = &c.rows[0].own;
        assert_eq!((own.incidents, own.open, own.closed), (1, 1, 0));
        assert_eq!(own.median_hours_to_close, None);
        assert_eq!(own.mean_hours_to_close, None);

        let b = c.row(id(3)).unwrap();
        assert_eq!((b.own.incidents, b.rolled_up.incidents), (1, 3));
        assert_eq!(b.rolled_up.median_hours_to_close, Some(7.0), "median of 4 and 10");
        let unit = c.row(id(4)).unwrap();
        assert_eq!(unit.own, unit.rolled_up, "a leaf's own figures are its rolled-up ones");
        assert!(c.row(id(9)).is_none());
    }

    #[test]
    fn a_subtree_compiles_only_itself() {
        let facts = vec![
            fact(1, Category::Attack, Severity::Critical, Status::Investigating, None),
            fact(4, Category::Attack, Severity::Low, Status::Registered, None),
        ];
        let c = compile(&tree(), id(3), &facts);
        assert_eq!(c.rows.len(), 2);
        assert_eq!(c.rows[0].depth, 0);
        assert_eq!(c.total().unwrap().incidents, 1);
        assert!(compile(&tree(), id(77), &facts).rows.is_empty(), "an unknown root");
        let empty = compile(&tree(), id(1), &[]);
        assert!(empty.rows.iter().all(|r| r.rolled_up.incidents == 0 && r.rolled_up.deadlines.total() == 0));
    }

    #[test]
    fn a_closing_before_discovery_counts_as_zero_hours_and_a_closed_status_without_time_none() {
        let mut odd = fact(2, Category::Attack, Severity::Low, Status::Closed, Some(-5));
        let no_time = fact(2, Category::Attack, Severity::Low, Status::Closed, None);
        odd.closed_at = Some(t0() - TimeDelta::hours(5));
        let c = compile(&tree(), id(2), &[odd, no_time]);
        let f = &c.rows[0].own;
        assert_eq!(f.closed, 2);
        assert_eq!((f.median_hours_to_close, f.mean_hours_to_close), (Some(0.0), Some(0.0)));
    }

    #[test]
    fn serializes_with_codes() {
        let c = compile(&tree(), id(2), &[fact(2, Category::Attack, Severity::Low, Status::Closed, Some(3))]);
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(v["rows"][0]["own"]["by_category"]["attack"], 1);
        assert_eq!(v["rows"][0]["own"]["deadlines_by_regime"]["gdpr"]["met"], 0);
        assert_eq!(v["rows"][0]["rolled_up"]["mean_hours_to_close"], 3.0);
    }

    fn any_fact() -> impl Strategy<Value = IncidentFact> {
        (
            0u128..7,
            0..Category::ALL.len(),
            0..Severity::ALL.len(),
            any::<bool>(),
            0..Status::ALL.len(),
            proptest::option::of(0i64..2000),
            proptest::collection::vec((0..Step::ALL.len(), 0..DeadlineStateKind::ALL.len()), 0..6),
        )
            .prop_map(|(org, c, s, pd, st, h, ds)| IncidentFact {
                org_id: id(org),
                category: Category::ALL[c],
                severity: Severity::ALL[s],
                personal_data: pd,
                status: Status::ALL[st],
                discovered_at: t0(),
                closed_at: h.map(|h| t0() + TimeDelta::hours(h)),
                duties: ds.into_iter().map(|(a, b)| (Step::ALL[a], DeadlineStateKind::ALL[b])).collect(),
            })
    }

    proptest! {
        #[test]
        fn the_root_rolls_up_exactly_the_subtree(facts in proptest::collection::vec(any_fact(), 0..40), root in 1u128..5) {
            let tree = tree();
            let c = compile(&tree, id(root), &facts);
            let inside: Vec<&IncidentFact> = facts.iter().filter(|f| tree.is_in_subtree(id(root), f.org_id)).collect();
            let total = c.total().unwrap();
            prop_assert_eq!(total.incidents, inside.len());
            prop_assert_eq!(total.open + total.closed, inside.len());
            prop_assert_eq!(total.closed, inside.iter().filter(|f| f.status == Status::Closed).count());
            prop_assert_eq!(total.personal_data, inside.iter().filter(|f| f.personal_data).count());
            prop_assert_eq!(total.by_category.values().sum::<usize>(), inside.len());
            prop_assert_eq!(total.by_severity.values().sum::<usize>(), inside.len());
            for cat in Category::ALL {
                prop_assert_eq!(total.by_category[cat], inside.iter().filter(|f| f.category == *cat).count());
            }
            let duties: usize = inside.iter().map(|f| f.duties.len()).sum();
            prop_assert_eq!(total.deadlines.total(), duties);
            prop_assert_eq!(total.deadlines_by_regime.values().map(DeadlineCounts::total).sum::<usize>(), duties);
            let missed = inside.iter().flat_map(|f| &f.duties).filter(|d| d.1 == DeadlineStateKind::Missed).count();
            prop_assert_eq!(total.deadlines.missed, missed);
            // Every row rolls up its own and its children's rolled-up figures.
            for r in &c.rows {
                let kids: usize = tree.children(r.org_id).iter().map(|k| c.row(*k).unwrap().rolled_up.incidents).sum();
                prop_assert_eq!(r.rolled_up.incidents, r.own.incidents + kids);
                if let (Some(m), Some(a)) = (r.rolled_up.median_hours_to_close, r.rolled_up.mean_hours_to_close) {
                    prop_assert!(m >= 0.0 && a >= 0.0);
                }
            }
            let own_sum: usize = c.rows.iter().map(|r| r.own.incidents).sum();
            prop_assert_eq!(own_sum, inside.len());
        }
    }
}
