//! Demo data of the action plan, the management reviews and the year wheel:
//! Exempla kommun has adopted reviews for 2024 and 2025 whose improvement
//! decisions became actions, this year's review in preparation, yearly
//! reports from most units, about forty actions in every state, and a year
//! wheel. Deterministic.

use chrono::NaiveDate;
use domain::calendar::{ActivityInput, Concerns, Recurrence};
use domain::plan::{ActionInput, ActionStatus, Origin};
use domain::review::{DecisionInput, DecisionKind, PointStatus, SectionKey, reporting_units};
use store::{Actor, Store, StoreError};
use uuid::Uuid;

pub(crate) fn d(s: &str) -> NaiveDate {
    s.parse().expect("a valid demo date")
}

/// A failed use case of the web's application layer as the demo loader's error.
pub(crate) fn fail(e: web::app::Error) -> StoreError {
    match e {
        web::app::Error::NotFound => StoreError::NotFound,
        web::app::Error::Conflict(f) => StoreError::conflict(f.field, f.code),
        other => {
            // The chain of causes, as the loader's error keeps only text.
            let mut text = other.to_string();
            let mut source = std::error::Error::source(&other);
            while let Some(s) = source {
                text.push_str(&format!(": {s}"));
                source = s.source();
            }
            StoreError::Other(text)
        }
    }
}

/// (title, unit or "" for the kommun, responsible, start, end, status, cost, origin, progress)
type DemoAction =
    (&'static str, &'static str, &'static str, &'static str, &'static str, ActionStatus, i64, Origin, &'static str);
/// (title, month, day, recurrence, responsible, concerns)
type DemoActivity = (&'static str, u32, Option<u32>, Recurrence, &'static str, Concerns);
/// (kind, text, responsible, deadline)
type DemoDecision = (DecisionKind, &'static str, &'static str, &'static str);

const ACTIONS: &[DemoAction] = &[
    (
        "Inför tvåfaktorsinloggning för alla konton",
        "",
        "IT-chefen",
        "2025-02-01",
        "2025-12-31",
        ActionStatus::Done,
        180_000,
        Origin::Feedback,
        "Infört för alla 4 200 konton.",
    ),
    (
        "Klassa informationen i ekonomisystemet",
        "Kommunledningsförvaltningen",
        "Ekonomichefen",
        "2025-03-01",
        "2025-06-30",
        ActionStatus::Done,
        0,
        Origin::Feedback,
        "",
    ),
    (
        "Ta fram rutin för incidentrapportering",
        "",
        "Informationssäkerhetssamordnaren",
        "2025-01-15",
        "2025-04-30",
        ActionStatus::Done,
        0,
        Origin::Audit,
        "Rutinen beslutad i april.",
    ),
    (
        "Genomför riskanalys för journalsystemet",
        "Socialförvaltningen",
        "Förvaltningschef socialförvaltningen",
        "2025-09-01",
        "2026-03-31",
        ActionStatus::Ongoing,
        60_000,
        Origin::Risk,
        "Workshop 1 av 3 klar.",
    ),
    (
        "Säkerhetskopiering av skolans lärplattform testas",
        "Barn- och utbildningsförvaltningen",
        "IT-samordnare BUF",
        "2026-01-10",
        "2026-05-31",
        ActionStatus::Ongoing,
        25_000,
        Origin::Incident,
        "",
    ),
    (
        "Uppdatera informationssäkerhetspolicyn",
        "",
        "Informationssäkerhetssamordnaren",
        "2026-02-01",
        "2026-09-30",
        ActionStatus::Ongoing,
        0,
        Origin::Review,
        "",
    ),
    (
        "E-utbildning i informationssäkerhet för alla chefer",
        "",
        "HR-chefen",
        "2026-01-01",
        "2026-06-30",
        ActionStatus::Ongoing,
        45_000,
        Origin::Feedback,
        "62 % av cheferna klara.",
    ),
    (
        "Gå igenom personuppgiftsbiträdesavtal",
        "",
        "Dataskyddsombudet",
        "2025-06-01",
        "2025-12-31",
        ActionStatus::Ongoing,
        0,
        Origin::Audit,
        "14 av 31 avtal genomgångna.",
    ),
    (
        "Behörighetsöversyn i ärendesystemet",
        "Samhällsbyggnadsförvaltningen",
        "Systemförvaltare",
        "2025-10-01",
        "2026-02-28",
        ActionStatus::Planned,
        0,
        Origin::Feedback,
        "",
    ),
    (
        "Kontinuitetsplan för vattenverket",
        "Samhällsbyggnadsförvaltningen",
        "Förvaltningschef samhällsbyggnad",
        "2026-03-01",
        "2026-12-31",
        ActionStatus::Planned,
        120_000,
        Origin::Risk,
        "",
    ),
    (
        "Loggning av administratörsbehörigheter",
        "",
        "IT-chefen",
        "2025-04-01",
        "2025-10-31",
        ActionStatus::Ongoing,
        75_000,
        Origin::Audit,
        "Väntar på leverantören.",
    ),
    (
        "Informationsklassning av bibliotekssystemet",
        "Kultur- och fritidsförvaltningen",
        "Bibliotekschefen",
        "2026-04-01",
        "2026-10-31",
        ActionStatus::Planned,
        0,
        Origin::Feedback,
        "",
    ),
    (
        "Krav på informationssäkerhet i upphandlingsmallar",
        "Kommunledningsförvaltningen",
        "Upphandlingschefen",
        "2025-01-01",
        "2025-05-31",
        ActionStatus::Done,
        0,
        Origin::Review,
        "",
    ),
    (
        "Övning i incidenthantering med krisledningen",
        "",
        "Säkerhetschefen",
        "2026-10-01",
        "2026-11-15",
        ActionStatus::Done,
        30_000,
        Origin::None,
        "Övningen genomförd 12 november.",
    ),
    (
        "Säkra e-post med kryptering för känsliga uppgifter",
        "Socialförvaltningen",
        "IT-chefen",
        "2026-05-01",
        "2027-03-31",
        ActionStatus::Planned,
        95_000,
        Origin::Feedback,
        "",
    ),
    (
        "Rutin för avslut av anställdas behörigheter",
        "",
        "HR-chefen",
        "2024-09-01",
        "2025-03-31",
        ActionStatus::Done,
        0,
        Origin::Audit,
        "",
    ),
    (
        "Registerförteckning enligt dataskyddsförordningen",
        "Barn- och utbildningsförvaltningen",
        "Dataskyddsombudet",
        "2025-02-01",
        "2025-11-30",
        ActionStatus::Ongoing,
        0,
        Origin::Feedback,
        "Förskolan återstår.",
    ),
    (
        "Byte av brandvägg i stadshuset",
        "",
        "IT-chefen",
        "2025-05-01",
        "2025-08-31",
        ActionStatus::Cancelled,
        250_000,
        Origin::Risk,
        "Ersatt av regional tjänst.",
    ),
    (
        "Utbilda systemförvaltare i riskanalys",
        "",
        "Informationssäkerhetssamordnaren",
        "2026-09-01",
        "2026-12-15",
        ActionStatus::Ongoing,
        40_000,
        Origin::None,
        "",
    ),
    (
        "Konsekvensbedömning för kameraövervakning",
        "Samhällsbyggnadsförvaltningen",
        "Dataskyddsombudet",
        "2026-02-01",
        "2026-04-30",
        ActionStatus::Done,
        0,
        Origin::Incident,
        "",
    ),
    (
        "Informationsklassning av elevhälsans journaler",
        "Barn- och utbildningsförvaltningen",
        "Förvaltningschef BUF",
        "2026-01-15",
        "2026-08-31",
        ActionStatus::Ongoing,
        0,
        Origin::Feedback,
        "",
    ),
    (
        "Säker radering av uttjänta datorer",
        "",
        "IT-chefen",
        "2026-03-01",
        "2026-06-30",
        ActionStatus::Done,
        15_000,
        Origin::Audit,
        "",
    ),
    (
        "Rapportera NIS-incidenter enligt ny rutin",
        "",
        "Säkerhetschefen",
        "2026-06-01",
        "2026-12-31",
        ActionStatus::Planned,
        0,
        Origin::Review,
        "",
    ),
    (
        "Skalskydd för serverrummet i äldreboendet",
        "Socialförvaltningen",
        "Fastighetschefen",
        "2025-08-01",
        "2025-12-31",
        ActionStatus::Planned,
        65_000,
        Origin::Incident,
        "",
    ),
    (
        "Mall för informationssäkerhet i avtal",
        "Kommunledningsförvaltningen",
        "Kommunjuristen",
        "2026-01-01",
        "2026-03-31",
        ActionStatus::Done,
        0,
        Origin::None,
        "",
    ),
    (
        "Sårbarhetsskanning av externa tjänster",
        "",
        "IT-chefen",
        "2026-04-01",
        "2027-03-31",
        ActionStatus::Ongoing,
        80_000,
        Origin::Risk,
        "Kvartalsvis skanning införd.",
    ),
    (
        "Informationsträff för förtroendevalda",
        "",
        "Informationssäkerhetssamordnaren",
        "2026-02-01",
        "2026-02-28",
        ActionStatus::Done,
        5_000,
        Origin::None,
        "",
    ),
    (
        "Översyn av fysisk åtkomst till arkivet",
        "Kultur- och fritidsförvaltningen",
        "Arkivarien",
        "2025-09-01",
        "2026-01-31",
        ActionStatus::Ongoing,
        10_000,
        Origin::Audit,
        "",
    ),
    (
        "Reservrutiner vid avbrott i hemtjänstens planeringssystem",
        "Socialförvaltningen",
        "Enhetschef hemtjänst",
        "2026-05-01",
        "2026-10-31",
        ActionStatus::Planned,
        0,
        Origin::Risk,
        "",
    ),
    (
        "Ersätt delade konton i skolans administration",
        "Barn- och utbildningsförvaltningen",
        "IT-samordnare BUF",
        "2025-08-15",
        "2025-12-20",
        ActionStatus::Cancelled,
        0,
        Origin::Feedback,
        "Löses i nytt skoladministrativt system.",
    ),
    (
        "Behörighetsöversyn i lönesystemet",
        "Kommunledningsförvaltningen",
        "Lönechefen",
        "2026-09-01",
        "2026-12-31",
        ActionStatus::Planned,
        0,
        Origin::Feedback,
        "",
    ),
    (
        "Informationssäkerhet i projektmodellen",
        "",
        "Informationssäkerhetssamordnaren",
        "2026-08-01",
        "2027-02-28",
        ActionStatus::Planned,
        0,
        Origin::None,
        "",
    ),
    (
        "Phishingövning för alla medarbetare",
        "",
        "IT-chefen",
        "2026-04-01",
        "2026-05-31",
        ActionStatus::Done,
        35_000,
        Origin::Incident,
        "Klickfrekvensen sjönk från 14 % till 6 %.",
    ),
    (
        "Rutin för utlämnande av allmänna handlingar med personuppgifter",
        "Kommunledningsförvaltningen",
        "Kommunjuristen",
        "2026-09-15",
        "2027-01-31",
        ActionStatus::Ongoing,
        0,
        Origin::Audit,
        "",
    ),
    (
        "Förteckning över samhällsviktiga system",
        "Samhällsbyggnadsförvaltningen",
        "Säkerhetschefen",
        "2025-11-01",
        "2026-04-30",
        ActionStatus::Ongoing,
        0,
        Origin::Risk,
        "Väntar på underlag från VA-enheten.",
    ),
];

const WHEEL: &[DemoActivity] = &[
    (
        "Självskattningen påbörjas",
        9,
        Some(1),
        Recurrence::Yearly,
        "Informationssäkerhetssamordnaren",
        Concerns::Assessment,
    ),
    (
        "Självskattningen förankras i ledningen",
        11,
        Some(15),
        Recurrence::Yearly,
        "Kommundirektören",
        Concerns::Assessment,
    ),
    (
        "Enheternas årsrapporter ska vara inskickade",
        1,
        Some(31),
        Recurrence::Yearly,
        "Förvaltningarnas samordnare",
        Concerns::UnitReports,
    ),
    ("Ledningens genomgång", 3, Some(15), Recurrence::Yearly, "Kommundirektören", Concerns::Review),
    (
        "Uppföljning av handlingsplanen",
        3,
        Some(1),
        Recurrence::Quarterly,
        "Informationssäkerhetsrådet",
        Concerns::ActionPlan,
    ),
    ("E-utbildning för nyanställda följs upp", 5, None, Recurrence::Yearly, "HR-chefen", Concerns::Training),
    ("Informationsklassningar ses över", 4, None, Recurrence::Yearly, "Systemägarna", Concerns::Classification),
    ("Riskanalys inför budgetarbetet", 8, Some(20), Recurrence::Yearly, "Ekonomichefen", Concerns::RiskAnalysis),
    (
        "Informationssäkerhetsrådet möts",
        1,
        Some(10),
        Recurrence::Monthly,
        "Informationssäkerhetssamordnaren",
        Concerns::Other,
    ),
    ("Dataskyddsombudets årsrapport", 2, Some(28), Recurrence::Yearly, "Dataskyddsombudet", Concerns::Other),
];

pub(crate) fn find(ids: &[(&str, Uuid)], name: &str) -> Uuid {
    ids.iter().find(|(n, _)| *n == name).map(|(_, id)| *id).expect("demo org exists")
}

pub async fn load(store: &Store, ids: &[(&str, Uuid)]) -> Result<(), StoreError> {
    let ciso = Actor { id: None, label: "ciso@exempla.se".into() };
    let kommun = find(ids, "Exempla kommun");
    for (title, unit, who, start, end, status, cost, origin, note) in ACTIONS {
        let org = if unit.is_empty() { kommun } else { find(ids, unit) };
        store
            .insert_action(
                &ciso,
                org,
                ActionInput {
                    title: (*title).into(),
                    goal: String::new(),
                    activity: String::new(),
                    cost: *cost,
                    responsible: (*who).into(),
                    start_date: Some(d(start)),
                    end_date: Some(d(end)),
                    status: *status,
                    progress_note: (*note).into(),
                    origin: *origin,
                    origin_ref: String::new(),
                },
            )
            .await?;
    }
    for (title, month, day, recurrence, who, concerns) in WHEEL {
        store
            .insert_activity(
                &ciso,
                kommun,
                ActivityInput {
                    title: (*title).into(),
                    month: *month,
                    day: *day,
                    recurrence: *recurrence,
                    year: None,
                    responsible: (*who).into(),
                    concerns: *concerns,
                    note: String::new(),
                },
            )
            .await?;
    }
    let defaults = domain::review::DEFAULT_CHECKLIST.iter().map(|(sv, _)| (*sv).to_owned()).collect::<Vec<_>>();
    let points = store.ensure_points(&ciso, kommun, &defaults).await?;
    let tree = store.org_tree().await?;
    let units = reporting_units(&tree, kommun);
    let coordinator = Actor { id: None, label: "samordnare@exempla.se".into() };
    let owner = Actor { id: None, label: "agare@exempla.se".into() };
    // Unit reports: everyone in 2024 and 2025, all but one this year (one still a draft).
    for (y, year) in [2024, 2025, 2026].into_iter().enumerate() {
        for (i, unit) in units.iter().enumerate() {
            if year == 2026 && i == units.len() - 1 {
                continue;
            }
            let items = points
                .iter()
                .enumerate()
                .map(|(j, p)| {
                    let k = (i * 7 + j * 3 + y * 5) % 10;
                    let st = match k {
                        0 => PointStatus::NotApplicable,
                        1 | 2 => PointStatus::NotStarted,
                        3..=5 if y < 2 => PointStatus::Partial,
                        3 | 4 => PointStatus::Partial,
                        _ => PointStatus::Done,
                    };
                    (p.id, st, if k == 1 { "Planeras till hösten.".to_owned() } else { String::new() })
                })
                .collect();
            let draft = year == 2026 && i == 1;
            store.save_unit_report(&coordinator, *unit, year, items, !draft).await?;
            if (year < 2026 || i % 2 == 0) && !draft {
                store.approve_unit_report(&owner, *unit, year).await?;
            }
        }
    }
    // The förvaltningar that hold their own reviews held theirs before the
    // kommun's (their 2025 reviews in November, the kommun's in March), and
    // the steering documents were decided before: the kommun's adopted review
    // rolls them up.
    crate::demo_reviews::load(store, ids).await?;
    // Two adopted reviews, then this year's in preparation.
    let reviews: [(i32, &str, &[DemoDecision]); 2] = [
        (
            2024,
            "2025-03-12",
            &[
                (
                    DecisionKind::Improvement,
                    "Inför tvåfaktorsinloggning för alla medarbetare.",
                    "IT-chefen",
                    "2025-12-31",
                ),
                (
                    DecisionKind::Improvement,
                    "Ta fram en kommungemensam rutin för incidentrapportering.",
                    "Informationssäkerhetssamordnaren",
                    "2025-06-30",
                ),
                (
                    DecisionKind::Governance,
                    "Informationssäkerhetspolicyn revideras under 2025.",
                    "Kommundirektören",
                    "2025-12-31",
                ),
                (
                    DecisionKind::Resources,
                    "En halvtidstjänst för informationssäkerhet tillsätts på socialförvaltningen.",
                    "Förvaltningschef socialförvaltningen",
                    "2025-09-30",
                ),
            ],
        ),
        (
            2025,
            "2026-03-18",
            &[
                (
                    DecisionKind::Improvement,
                    "Alla förvaltningar genomför informationsklassning av sina verksamhetssystem.",
                    "Förvaltningscheferna",
                    "2026-10-31",
                ),
                (
                    DecisionKind::Improvement,
                    "Säkerhetskopiorna testas med återläsning två gånger per år.",
                    "IT-chefen",
                    "2026-06-30",
                ),
                (
                    DecisionKind::Improvement,
                    "E-utbildning i dataskydd blir obligatorisk för nyanställda.",
                    "HR-chefen",
                    "2026-04-30",
                ),
                (
                    DecisionKind::Governance,
                    "Riktlinjen för behörighetshantering uppdateras.",
                    "Informationssäkerhetssamordnaren",
                    "2026-09-30",
                ),
            ],
        ),
    ];
    for (year, held, decisions) in reviews {
        let r = store.insert_review(&ciso, kommun, year).await?;
        store
            .update_review_meeting(&ciso, r.id, Some(d(held)), "Kommundirektör Lars Ek\nInformationssäkerhetssamordnare Anna Berg\nDataskyddsombud Karin Sjö\nIT-chef Olof Lund")
            .await?;
        store
            .set_review_comment(&ciso, r.id, SectionKey::Risks, "Dataskyddsombudets årsrapport visar att antalet personuppgiftsincidenter ökar, främst felskickad e-post.")
            .await?;
        store
            .set_review_comment(&ciso, r.id, SectionKey::OutsideWorld, "Cybersäkerhetslagen (NIS 2) börjar gälla och ställer nya krav på ledningens ansvar och på incidentrapportering.")
            .await?;
        for (kind, text, who, deadline) in decisions {
            store
                .add_decision(
                    &ciso,
                    r.id,
                    DecisionInput {
                        kind: *kind,
                        text: (*text).into(),
                        responsible: (*who).into(),
                        deadline: d(deadline),
                        document_id: None,
                    },
                )
                .await?;
        }
        let mgmt = Actor { id: None, label: "ledning@exempla.se".into() };
        let made = web::adopt_review(store, &mgmt, "Lars Ek", d(held), r.id).await.map_err(fail)?;
        // What became of the decisions: last year's are done, this year's under way.
        for (i, a) in made.into_iter().enumerate() {
            let status = match (year, i) {
                (2024, _) => ActionStatus::Done,
                (_, 0) => ActionStatus::Ongoing,
                _ => ActionStatus::Planned,
            };
            let mut data = a.data.clone();
            data.status = status;
            store.update_action(&ciso, a.id, data).await?;
        }
    }
    let r = store.insert_review(&ciso, kommun, 2026).await?;
    store
        .set_review_comment(
            &ciso,
            r.id,
            SectionKey::Assessment,
            "Nivån har höjts två år i rad. Störst förbättring inom behörighetshantering och incidenthantering.",
        )
        .await?;
    store
        .set_review_comment(
            &ciso,
            r.id,
            SectionKey::OutsideWorld,
            "Nya föreskrifter om incidentrapportering enligt cybersäkerhetslagen. Ökat hot mot kommunala e-tjänster.",
        )
        .await?;
    store
        .add_decision(
            &ciso,
            r.id,
            DecisionInput {
                kind: DecisionKind::Improvement,
                text: "Kontinuitetsplaner tas fram för samhällsviktig verksamhet.".into(),
                responsible: "Säkerhetschefen".into(),
                deadline: d("2027-06-30"),
                document_id: None,
            },
        )
        .await?;
    Ok(())
}
