//! The demo world: fictional but realistic, the same every time.
//! *Exempla kommun* with kommunstyrelsen, four nämnder with their
//! förvaltningar and Exempla Stadshus AB with three bolag; a region; a
//! statlig myndighet; a national coordinating body with its national rounds
//! (see `demo_rounds`); one user per role.

use domain::authz::Assignment;
use domain::org::{OrgKind, OrgName, OrgNumber};
use domain::user::{Email, Language, PersonName, Role};
use store::{Actor, NewOrg, NewUser, Store, StoreError};
use uuid::Uuid;

/// A demo account, as printed at start-up.
pub struct DemoUser {
    pub email: &'static str,
    pub name: &'static str,
    pub role: Role,
    /// The organisation the role covers (by name), `None` for the whole system.
    pub org: Option<&'static str>,
}

pub const USERS: &[DemoUser] = &[
    DemoUser { email: "admin@exempla.se", name: "Alva Admin", role: Role::Admin, org: None },
    DemoUser { email: "ciso@exempla.se", name: "Anna Berg", role: Role::Ciso, org: Some("Exempla kommun") },
    DemoUser {
        email: "samordnare@exempla.se",
        name: "Erik Lind",
        role: Role::Coordinator,
        org: Some("Socialförvaltningen"),
    },
    DemoUser { email: "agare@exempla.se", name: "Maria Holm", role: Role::Owner, org: Some("Socialförvaltningen") },
    DemoUser {
        email: "forvaltningschef@exempla.se",
        name: "Helena Strid",
        role: Role::Management,
        org: Some("Socialförvaltningen"),
    },
    DemoUser { email: "dso@exempla.se", name: "Karin Sjö", role: Role::Dpo, org: Some("Exempla kommun") },
    DemoUser { email: "ledning@exempla.se", name: "Lars Ek", role: Role::Management, org: Some("Exempla kommun") },
    DemoUser { email: "revisor@exempla.se", name: "Sara Nord", role: Role::Auditor, org: Some("Exempla kommun") },
    DemoUser {
        email: "analytiker@samordning.example",
        name: "Johan Strand",
        role: Role::Analyst,
        org: Some(crate::demo_rounds::COORDINATOR),
    },
    DemoUser { email: "ciso@region-exempla.se", name: "Peter Dahl", role: Role::Ciso, org: Some("Region Exempla") },
    DemoUser {
        email: "ciso@exempelmyndigheten.se",
        name: "Lena Falk",
        role: Role::Ciso,
        org: Some("Exempelmyndigheten"),
    },
];

/// The förvaltningar whose management holds its own yearly review (seed
/// 001); the other nämnder and förvaltningar send unit reports to the
/// kommun's.
const OWN_REVIEW: &[&str] = &["Socialförvaltningen", "Barn- och utbildningsförvaltningen"];

/// (name, kind, organisation number without check digit, children)
struct Node {
    name: &'static str,
    kind: OrgKind,
    number: Option<&'static str>,
    children: &'static [Node],
}

const fn leaf(name: &'static str, kind: OrgKind) -> Node {
    Node { name, kind, number: None, children: &[] }
}

const WORLD: &[Node] = &[
    Node {
        name: "Exempla kommun",
        kind: OrgKind::Municipality,
        number: Some("212000999"),
        children: &[
            Node {
                name: "Kommunstyrelsen",
                kind: OrgKind::Committee,
                number: None,
                children: &[leaf("Kommunledningsförvaltningen", OrgKind::Administration)],
            },
            Node {
                name: "Barn- och utbildningsnämnden",
                kind: OrgKind::Committee,
                number: None,
                children: &[leaf("Barn- och utbildningsförvaltningen", OrgKind::Administration)],
            },
            Node {
                name: "Socialnämnden",
                kind: OrgKind::Committee,
                number: None,
                children: &[Node {
                    name: "Socialförvaltningen",
                    kind: OrgKind::Administration,
                    number: None,
                    children: &[
                        leaf("Individ- och familjeomsorgen", OrgKind::Unit),
                        leaf("Äldreomsorgen", OrgKind::Unit),
                    ],
                }],
            },
            Node {
                name: "Samhällsbyggnadsnämnden",
                kind: OrgKind::Committee,
                number: None,
                children: &[leaf("Samhällsbyggnadsförvaltningen", OrgKind::Administration)],
            },
            Node {
                name: "Kultur- och fritidsnämnden",
                kind: OrgKind::Committee,
                number: None,
                children: &[leaf("Kultur- och fritidsförvaltningen", OrgKind::Administration)],
            },
            Node {
                name: "Exempla Stadshus AB",
                kind: OrgKind::Holding,
                number: Some("556900100"),
                children: &[
                    Node {
                        name: "Exempla Energi AB",
                        kind: OrgKind::Company,
                        number: Some("556900200"),
                        children: &[],
                    },
                    Node {
                        name: "Exempla Bostäder AB",
                        kind: OrgKind::Company,
                        number: Some("556900300"),
                        children: &[],
                    },
                    Node {
                        name: "Exempla Vatten AB",
                        kind: OrgKind::Company,
                        number: Some("556900400"),
                        children: &[],
                    },
                ],
            },
        ],
    },
    Node {
        name: "Region Exempla",
        kind: OrgKind::Region,
        number: Some("232100999"),
        children: &[
            leaf("Hälso- och sjukvårdsförvaltningen", OrgKind::Administration),
            leaf("Regionservice", OrgKind::Administration),
        ],
    },
    Node {
        name: "Exempelmyndigheten",
        kind: OrgKind::Agency,
        number: Some("202100999"),
        children: &[leaf("IT-avdelningen", OrgKind::Unit), leaf("Verksamhetsavdelningen", OrgKind::Unit)],
    },
    Node {
        name: crate::demo_rounds::COORDINATOR,
        kind: OrgKind::Coordinator,
        number: Some("202100888"),
        children: &[],
    },
];

/// Completes nine digits with their Luhn check digit.
pub fn with_check_digit(nine: &str) -> String {
    let sum: u32 = nine
        .bytes()
        .map(|b| u32::from(b - b'0'))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    format!("{nine}{}", (10 - sum % 10) % 10)
}

/// Whether the database holds nothing yet (no organisation, no user).
pub async fn is_empty(store: &Store) -> Result<bool, StoreError> {
    Ok(store.count_users().await? == 0 && store.list_orgs().await?.is_empty())
}

/// Loads the demo world; every user gets `password_hash`.
pub async fn load(store: &Store, password_hash: &str) -> Result<(), StoreError> {
    let actor = Actor { id: None, label: "demo".into() };
    let mut ids: Vec<(&'static str, Uuid)> = Vec::new();
    let mut stack: Vec<(&Node, Option<Uuid>)> = WORLD.iter().rev().map(|n| (n, None)).collect();
    while let Some((n, parent)) = stack.pop() {
        let org = store
            .insert_org(
                &actor,
                NewOrg {
                    name: OrgName::parse(n.name).expect("demo names are valid"),
                    kind: n.kind,
                    org_number: n
                        .number
                        .map(|d| OrgNumber::parse(&with_check_digit(d)).expect("demo numbers are valid")),
                    parent_id: parent,
                    own_review: OWN_REVIEW.contains(&n.name),
                },
            )
            .await?;
        ids.push((n.name, org.id));
        for c in n.children.iter().rev() {
            stack.push((c, Some(org.id)));
        }
    }
    let builtin = crate::builtin::ensure(store).await?;
    crate::demo_assessments::load(store, builtin.id, &crate::builtin::model(), &ids).await?;
    crate::demo_plans::load(store, &ids).await?;
    crate::demo_audits::load(store, &ids).await?;
    crate::demo_registers::load(store, &ids).await?;
    crate::demo_assets::load(store, &ids).await?;
    let mut users = Vec::new();
    for u in USERS {
        let org_id =
            u.org.map(|name| ids.iter().find(|(n, _)| *n == name).map(|(_, id)| *id).expect("demo org exists"));
        let user = store
            .insert_user(
                &actor,
                NewUser {
                    email: Email::parse(u.email).expect("demo e-mail is valid"),
                    name: PersonName::parse(u.name).expect("demo name is valid"),
                    password_hash: Some(password_hash.to_owned()),
                    language: Language::Sv,
                },
                Some(Assignment { role: u.role, org_id }),
            )
            .await?;
        users.push((u.email, user.id));
    }
    crate::demo_rounds::load_demo(store, &ids, &users).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_numbers_pass_the_check() {
        for n in ["212000999", "556900100", "556900200", "232100999", "202100999", "202100888"] {
            assert!(OrgNumber::parse(&with_check_digit(n)).is_ok(), "{n}");
        }
        assert_eq!(with_check_digit("212000014"), "2120000142");
    }
}
