//! Organisations and the organisation tree.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::FieldError;

/// The kind of an organisation; the code names are used by the CLI and the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    Municipality,
    Region,
    Agency,
    Holding,
    Company,
    Committee,
    Administration,
    Unit,
    Coordinator,
}

impl OrgKind {
    pub const ALL: [OrgKind; 9] = [
        OrgKind::Municipality,
        OrgKind::Region,
        OrgKind::Agency,
        OrgKind::Holding,
        OrgKind::Company,
        OrgKind::Committee,
        OrgKind::Administration,
        OrgKind::Unit,
        OrgKind::Coordinator,
    ];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Municipality => "municipality",
            OrgKind::Region => "region",
            OrgKind::Agency => "agency",
            OrgKind::Holding => "holding",
            OrgKind::Company => "company",
            OrgKind::Committee => "committee",
            OrgKind::Administration => "administration",
            OrgKind::Unit => "unit",
            OrgKind::Coordinator => "coordinator",
        }
    }
}

impl fmt::Display for OrgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for OrgKind {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrgKind::ALL.into_iter().find(|k| k.code() == s.trim()).ok_or(FieldError::new("kind", "error-org-kind"))
    }
}

/// A non-empty, trimmed organisation name of at most 200 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgName(String);

impl OrgName {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(FieldError::new("name", "error-name-empty"));
        }
        if s.chars().count() > 200 || s.chars().any(char::is_control) {
            return Err(FieldError::new("name", "error-name-invalid"));
        }
        Ok(Self(s.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A Swedish organisation number (organisationsnummer), ten digits with a
/// Luhn check digit, shown as `NNNNNN-NNNN`. Accepts an optional `16` prefix
/// and the hyphen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgNumber(String);

impl OrgNumber {
    pub fn parse(s: &str) -> Result<Self, FieldError> {
        let digits: String = s.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(FieldError::new("org_number", "error-org-number-format"));
        }
        let digits = match digits.len() {
            10 => digits,
            12 if digits.starts_with("16") => digits[2..].to_owned(),
            _ => return Err(FieldError::new("org_number", "error-org-number-format")),
        };
        if !luhn_valid(&digits) {
            return Err(FieldError::new("org_number", "error-org-number-check"));
        }
        Ok(Self(format!("{}-{}", &digits[..6], &digits[6..])))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The Luhn (mod 10) check used by Swedish personal and organisation numbers.
fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .map(|b| u32::from(b - b'0'))
        .enumerate()
        .map(|(i, d)| {
            if i.is_multiple_of(2) {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// What the tree needs to know of an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgNode {
    pub id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub kind: OrgKind,
    /// A part (nämnd, förvaltning, enhet) whose own management holds its
    /// own yearly review instead of reporting to the enclosing
    /// organisation's by unit report. Organisations of the other kinds
    /// always hold their own.
    pub own_review: bool,
}

impl OrgKind {
    /// A part of an organisation (nämnd, förvaltning, enhet): it reports to
    /// the enclosing organisation's review unless it holds its own.
    pub fn is_part(self) -> bool {
        matches!(self, OrgKind::Committee | OrgKind::Administration | OrgKind::Unit)
    }
}

/// The whole organisation tree, for subtree and ancestry questions.
#[derive(Debug, Clone, Default)]
pub struct OrgTree {
    nodes: HashMap<Uuid, OrgNode>,
    children: HashMap<Uuid, Vec<Uuid>>,
    roots: Vec<Uuid>,
}

impl OrgTree {
    pub fn new(mut nodes: Vec<OrgNode>) -> Self {
        nodes.sort_by_cached_key(|n| n.name.to_lowercase());
        let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        let mut roots = Vec::new();
        let ids: HashSet<Uuid> = nodes.iter().map(|n| n.id).collect();
        for n in &nodes {
            match n.parent_id {
                Some(p) if ids.contains(&p) => children.entry(p).or_default().push(n.id),
                _ => roots.push(n.id),
            }
        }
        Self { nodes: nodes.into_iter().map(|n| (n.id, n)).collect(), children, roots }
    }

    pub fn get(&self, id: Uuid) -> Option<&OrgNode> {
        self.nodes.get(&id)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Every organisation, in no particular order.
    pub fn nodes(&self) -> impl Iterator<Item = &OrgNode> {
        self.nodes.values()
    }

    pub fn roots(&self) -> &[Uuid] {
        &self.roots
    }

    pub fn children(&self, id: Uuid) -> &[Uuid] {
        self.children.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The chain from the root down to `id`, both included; empty if unknown.
    pub fn path(&self, id: Uuid) -> Vec<&OrgNode> {
        let mut out = Vec::new();
        let mut cur = self.nodes.get(&id);
        while let Some(n) = cur {
            if out.len() > self.nodes.len() {
                break; // defensive: a cycle in stored data
            }
            out.push(n);
            cur = n.parent_id.and_then(|p| self.nodes.get(&p));
        }
        out.reverse();
        out
    }

    /// Whether `id` lies in the subtree rooted at `root` (a node is in its own subtree).
    pub fn is_in_subtree(&self, root: Uuid, id: Uuid) -> bool {
        self.path(id).iter().any(|n| n.id == root)
    }

    /// The subtree of `root` in depth-first order, with each node's depth below `root`.
    pub fn subtree(&self, root: Uuid) -> Vec<(usize, &OrgNode)> {
        let mut out = Vec::new();
        let mut stack = vec![(0usize, root)];
        while let Some((d, id)) = stack.pop() {
            if let Some(n) = self.nodes.get(&id) {
                out.push((d, n));
                for c in self.children(id).iter().rev() {
                    stack.push((d + 1, *c));
                }
            }
        }
        out
    }

    /// The organisations under `roots` whose name holds `text` (any case,
    /// Swedish letters too; empty matches all) and, if given, of `kind`: in
    /// tree order, each once even where roots overlap. Walks the subtrees once.
    pub fn search(&self, roots: &[Uuid], text: &str, kind: Option<OrgKind>) -> Vec<&OrgNode> {
        let needle = text.trim().to_lowercase();
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for r in roots {
            for (_, n) in self.subtree(*r) {
                if seen.insert(n.id)
                    && kind.is_none_or(|k| n.kind == k)
                    && (needle.is_empty() || n.name.to_lowercase().contains(&needle))
                {
                    out.push(n);
                }
            }
        }
        out
    }

    /// Can `id` be moved under `new_parent` without making a cycle?
    pub fn can_move(&self, id: Uuid, new_parent: Option<Uuid>) -> Result<(), FieldError> {
        match new_parent {
            None => Ok(()),
            Some(p) if !self.nodes.contains_key(&p) => Err(FieldError::new("parent_id", "error-parent-unknown")),
            Some(p) if self.is_in_subtree(id, p) => Err(FieldError::new("parent_id", "error-parent-cycle")),
            Some(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_numbers_are_checked() {
        // Real public organisation numbers of Swedish bodies.
        assert_eq!(OrgNumber::parse("212000-0142").unwrap().as_str(), "212000-0142"); // Stockholms kommun
        assert_eq!(OrgNumber::parse("2021005448").unwrap().as_str(), "202100-5448"); // MSB
        assert_eq!(OrgNumber::parse("16212000-0142").unwrap().as_str(), "212000-0142");
        assert_eq!(OrgNumber::parse("212000-0143").unwrap_err().code, "error-org-number-check");
        assert_eq!(OrgNumber::parse("21200").unwrap_err().code, "error-org-number-format");
        assert_eq!(OrgNumber::parse("21200a-0142").unwrap_err().code, "error-org-number-format");
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(OrgName::parse("  Exempla kommun ").unwrap().as_str(), "Exempla kommun");
        assert!(OrgName::parse("   ").is_err());
        assert!(OrgName::parse(&"x".repeat(201)).is_err());
        assert!(OrgName::parse("a\u{0}b").is_err());
    }

    #[test]
    fn kinds_round_trip() {
        for k in OrgKind::ALL {
            assert_eq!(k.code().parse::<OrgKind>().unwrap(), k);
        }
        assert!("kommun".parse::<OrgKind>().is_err());
    }

    fn node(id: u128, parent: Option<u128>, name: &str) -> OrgNode {
        OrgNode {
            id: Uuid::from_u128(id),
            parent_id: parent.map(Uuid::from_u128),
            name: name.into(),
            kind: OrgKind::Unit,
            own_review: false,
        }
    }

    #[test]
    fn tree_answers_subtree_questions() {
        let t = OrgTree::new(vec![
            node(1, None, "Kommun"),
            node(2, Some(1), "B-nämnd"),
            node(3, Some(1), "A-nämnd"),
            node(4, Some(2), "Förvaltning"),
            node(5, None, "Region"),
        ]);
        let id = Uuid::from_u128;
        assert!(t.is_in_subtree(id(1), id(4)));
        assert!(t.is_in_subtree(id(4), id(4)));
        assert!(!t.is_in_subtree(id(3), id(4)));
        assert!(!t.is_in_subtree(id(5), id(4)));
        let names: Vec<_> = t.subtree(id(1)).iter().map(|(d, n)| (*d, n.name.as_str())).collect();
        assert_eq!(names, vec![(0, "Kommun"), (1, "A-nämnd"), (1, "B-nämnd"), (2, "Förvaltning")]);
        assert_eq!(t.path(id(4)).len(), 3);
        assert_eq!(t.can_move(id(2), Some(id(4))).unwrap_err().code, "error-parent-cycle");
        assert_eq!(t.can_move(id(2), Some(id(2))).unwrap_err().code, "error-parent-cycle");
        assert!(t.can_move(id(4), Some(id(5))).is_ok());
        assert!(t.can_move(id(4), Some(id(99))).is_err());
    }

    #[test]
    fn search_finds_names_in_any_case_below_the_roots() {
        let mut region = node(5, None, "Region Östra");
        region.kind = OrgKind::Region;
        let t = OrgTree::new(vec![
            node(1, None, "Kommun"),
            node(2, Some(1), "Äldrenämnden"),
            node(3, Some(1), "Barn- och utbildningsnämnden"),
            node(4, Some(2), "ÄLDREFÖRVALTNINGEN"),
            region,
        ]);
        let id = Uuid::from_u128;
        let names = |v: Vec<&OrgNode>| v.into_iter().map(|n| n.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(t.search(&[id(1)], "äldre", None)), ["Äldrenämnden", "ÄLDREFÖRVALTNINGEN"]);
        // Outside the roots nothing is found, and overlapping roots give each once.
        assert!(t.search(&[id(2)], "östra", None).is_empty());
        assert_eq!(t.search(&[id(1), id(2)], "", None).len(), 4);
        assert_eq!(names(t.search(&[id(1), id(5)], "", Some(OrgKind::Region))), ["Region Östra"]);
    }
}
