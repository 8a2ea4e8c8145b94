//! Demo data of the förvaltningar's own reviews (seed 001): Socialförvaltningen
//! and Barn- och utbildningsförvaltningen hold their own yearly management
//! review, adopted by the förvaltningschef for 2025 and in preparation for
//! 2026; their own checklist statuses and their units' reports; what rolls
//! up into the kommun's review. Deterministic.

use domain::review::{DecisionInput, DecisionKind, PointStatus, SectionKey, reporting_units};
use store::{Actor, Store, StoreError};
use uuid::Uuid;

use crate::demo_plans::{d, fail, find};

/// One förvaltning's reviews: who prepares and adopts, the meeting, the
/// texts and the decisions of 2025, and the 2026 draft.
struct Forvaltning {
    name: &'static str,
    chief: &'static str,
    chief_label: &'static str,
    held_2025: &'static str,
    participants: &'static str,
    follow_up_2025: &'static str,
    dpo_2025: &'static str,
    risks_2025: &'static str,
    decisions_2025: &'static [(DecisionKind, &'static str, &'static str, &'static str)],
    follow_up_2026: &'static str,
    draft_2026: &'static [(DecisionKind, &'static str, &'static str, &'static str)],
    /// Index into the checklist of the points not yet done, by year (2025, 2026).
    open_points: [&'static [(usize, PointStatus)]; 2],
}

const FORVALTNINGAR: &[Forvaltning] = &[
    Forvaltning {
        name: "Socialförvaltningen",
        chief: "Helena Strid",
        chief_label: "forvaltningschef@exempla.se",
        held_2025: "2025-11-18",
        participants: "Förvaltningschef Helena Strid\nInformationssäkerhetssamordnare Erik Lind\nAvdelningschef Maria Holm\nSystemförvaltare Jonas Ek",
        follow_up_2025: "Förvaltningen har tagit fram ett förslag till lokal anvisning för informationssäkerhet. Informationsklassning är gjord för verksamhetssystemet för individ- och familjeomsorgen och för journalsystemet i äldreomsorgen. E-utbildningarna i informationssäkerhet och dataskydd ger nu intyg. Tertialrapporterna visar inga avvikelser i informationssäkerhetsarbetet.",
        dpo_2025: "Dataskyddsombudets årsrapport tar upp felskickad e-post med känsliga personuppgifter och att behörigheter i journalsystemet inte följs upp när medarbetare byter arbetsplats.",
        risks_2025: "Äldreomsorgens planeringssystem saknar utsedd objektledare. Beroendet av en enda leverantör för larmhantering är en risk för tillgängligheten.",
        decisions_2025: &[
            (
                DecisionKind::Improvement,
                "Utse en objektledare för varje verksamhetssystem.",
                "Förvaltningschefen",
                "2026-06-30",
            ),
            (
                DecisionKind::Improvement,
                "Säkerställ att förvaltningens informationstillgångar är klassade och att åtgärderna från klassningen tas om hand.",
                "Informationssäkerhetssamordnaren",
                "2026-11-30",
            ),
            (
                DecisionKind::Governance,
                "Den lokala anvisningen för informationssäkerhet fastställs och införs under 2026.",
                "Förvaltningschefen",
                "2026-03-31",
            ),
        ],
        follow_up_2026: "Den lokala anvisningen fastställdes i mars och har presenterats på alla arbetsplatsträffar. Objektledare är utsedda för fyra av fem verksamhetssystem.",
        draft_2026: &[(
            DecisionKind::Improvement,
            "Behörigheterna i journalsystemet följs upp två gånger per år.",
            "Avdelningschefen för äldreomsorgen",
            "2027-06-30",
        )],
        open_points: [
            &[
                (2, PointStatus::Partial),
                (3, PointStatus::Partial),
                (5, PointStatus::NotStarted),
                (12, PointStatus::NotApplicable),
            ],
            &[(5, PointStatus::Partial), (12, PointStatus::NotApplicable)],
        ],
    },
    Forvaltning {
        name: "Barn- och utbildningsförvaltningen",
        chief: "Per Åkesson",
        chief_label: "Förvaltningschef Per Åkesson",
        held_2025: "2025-11-25",
        participants: "Förvaltningschef Per Åkesson\nInformationssäkerhetssamordnare Sofia Berg\nIT-pedagog Amir Haddad",
        follow_up_2025: "Elevregistret och lärplattformen är klassade. Alla rektorer har gått utbildningen i dataskydd. Rutinen för incidentrapportering är känd på alla skolor.",
        dpo_2025: "Dataskyddsombudet pekar på att appar i undervisningen används utan konsekvensbedömning och utan personuppgiftsbiträdesavtal.",
        risks_2025: "Molntjänster i undervisningen införs av enskilda skolor utan att informationssäkerheten bedöms.",
        decisions_2025: &[
            (
                DecisionKind::Improvement,
                "Inför en förteckning över digitala verktyg i undervisningen med ansvarig och avtal.",
                "IT-pedagogen",
                "2026-08-15",
            ),
            (
                DecisionKind::Improvement,
                "Gör konsekvensbedömningar för de tre mest använda lärapparna.",
                "Informationssäkerhetssamordnaren",
                "2026-12-31",
            ),
        ],
        follow_up_2026: "Förteckningen över digitala verktyg finns och uppdateras inför varje termin.",
        draft_2026: &[],
        open_points: [
            &[
                (5, PointStatus::NotStarted),
                (8, PointStatus::Partial),
                (9, PointStatus::NotStarted),
                (12, PointStatus::NotApplicable),
            ],
            &[(5, PointStatus::Partial), (9, PointStatus::Partial), (12, PointStatus::NotApplicable)],
        ],
    },
];

/// The kommun's seven application directives under its guideline (seed 001).
const DIRECTIVES: &[(&str, &str)] = &[
    (
        "Tillämpningsanvisning: ansvar och roller",
        "Vem som ansvarar för vad i informationssäkerhetsarbetet, från nämnd till medarbetare.",
    ),
    (
        "Tillämpningsanvisning: kartläggning och klassning av information",
        "Hur informationstillgångar förtecknas och klassas efter konfidentialitet, riktighet och tillgänglighet.",
    ),
    (
        "Tillämpningsanvisning: identitet och behörighet",
        "Hur behörigheter beställs, tilldelas, följs upp och tas bort.",
    ),
    (
        "Tillämpningsanvisning: anskaffning och utveckling",
        "Vilka krav på informationssäkerhet som ställs när system köps in eller utvecklas.",
    ),
    (
        "Tillämpningsanvisning: drift och förvaltning av it-tjänster",
        "Säkerhetskopiering, uppdateringar och övervakning av kommunens it-tjänster.",
    ),
    (
        "Tillämpningsanvisning: incident- och kontinuitetshantering",
        "Hur incidenter rapporteras och hanteras och hur verksamheten fortsätter vid avbrott.",
    ),
    ("Tillämpningsanvisning: loggning och spårbarhet", "Vad som loggas, hur länge loggar sparas och hur de följs upp."),
];

/// A decided document of the demo world.
fn doc(
    title: &str,
    kind: domain::steering::DocKind,
    decided_by: &str,
    decided_on: &str,
    interval: u32,
    parent_id: Option<Uuid>,
    summary: &str,
) -> domain::steering::DocumentInput {
    use domain::steering::{DocKind, DocStatus};
    domain::steering::DocumentInput {
        title: title.into(),
        kind,
        status: DocStatus::Decided,
        owner: if kind == DocKind::LocalDirective { "Förvaltningschefen".into() } else { "Kommundirektören".into() },
        decided_by: decided_by.into(),
        decided_on: Some(d(decided_on)),
        valid_from: Some(d(decided_on)),
        review_interval_months: interval,
        next_review: domain::steering::next_review_after(Some(d(decided_on)), interval),
        parent_id,
        summary: summary.into(),
    }
}

/// The kommun's guideline and directives, and Socialförvaltningen's local
/// directive (decided in 2025, to be implemented in 2026); how far the
/// förvaltningar have implemented them. Returns the local directive's id.
async fn steering(store: &Store, ids: &[(&str, Uuid)]) -> Result<Uuid, StoreError> {
    use domain::steering::{DocKind, Implementation, VersionInput};
    let ciso = Actor { id: None, label: "ciso@exempla.se".into() };
    let coordinator = Actor { id: None, label: "samordnare@exempla.se".into() };
    let kommun = find(ids, "Exempla kommun");
    let social = find(ids, "Socialförvaltningen");
    let bou = find(ids, "Barn- och utbildningsförvaltningen");
    let guideline = doc(
        "Riktlinje för informationssäkerhet",
        DocKind::Guideline,
        "Kommunstyrelsen",
        "2024-05-10",
        36,
        None,
        "Kommunens övergripande mål och ansvar för informationssäkerhet. Gäller alla nämnder, förvaltningar och bolag.",
    );
    let guideline = store.insert_document(&ciso, kommun, guideline).await?;
    let first =
        VersionInput { label: "1.0".into(), decided_on: Some(d("2024-05-10")), note: "Första versionen.".into() };
    store.insert_version(&ciso, guideline.id, first, None).await?;
    for (i, (title, summary)) in DIRECTIVES.iter().enumerate() {
        // Two directives were decided earlier and are now past their review date.
        let decided = if i < 2 { "2023-09-12" } else { "2025-02-05" };
        let input =
            doc(title, DocKind::ApplicationDirective, "Kommundirektören", decided, 24, Some(guideline.id), summary);
        let x = store.insert_document(&ciso, kommun, input).await?;
        for (org, status) in [
            (social, if i < 5 { Implementation::Implemented } else { Implementation::InProgress }),
            (bou, if i < 3 { Implementation::Implemented } else { Implementation::NotStarted }),
        ] {
            store.set_implementation(&ciso, x.id, org, status, "").await?;
        }
    }
    store.set_implementation(&ciso, guideline.id, social, Implementation::Implemented, "").await?;
    store
        .set_implementation(&ciso, guideline.id, bou, Implementation::InProgress, "Rektorerna informeras under våren.")
        .await?;
    let local = doc(
        "Lokal anvisning för informationssäkerhet i socialförvaltningen",
        DocKind::LocalDirective,
        "Förvaltningschefen",
        "2025-11-18",
        24,
        Some(guideline.id),
        "Hur kommunens riktlinje tillämpas i socialtjänsten: klassning av klientinformation, behörigheter i journalsystemet och rapportering av incidenter.",
    );
    let local = store.insert_document(&coordinator, social, local).await?;
    let note = "Presenterad på alla arbetsplatsträffar; uppföljning i december.";
    store.set_implementation(&coordinator, local.id, social, Implementation::InProgress, note).await?;
    Ok(local.id)
}

pub async fn load(store: &Store, ids: &[(&str, Uuid)]) -> Result<(), StoreError> {
    let local_directive = steering(store, ids).await?;
    let defaults = domain::review::DEFAULT_CHECKLIST.iter().map(|(sv, _)| (*sv).to_owned()).collect::<Vec<_>>();
    let tree = store.org_tree().await?;
    let coordinator = Actor { id: None, label: "samordnare@exempla.se".into() };
    let owner = Actor { id: None, label: "agare@exempla.se".into() };
    for f in FORVALTNINGAR {
        let org = find(ids, f.name);
        let points = store.ensure_points(&coordinator, org, &defaults).await?;
        // The förvaltning's own checklist statuses and its units' reports, 2025 and 2026.
        for (y, year) in [2025, 2026].into_iter().enumerate() {
            for (u, unit) in reporting_units(&tree, org).into_iter().enumerate() {
                let items = points
                    .iter()
                    .enumerate()
                    .map(|(j, p)| {
                        let own = f.open_points[y].iter().find(|(i, _)| *i == j).map(|(_, s)| *s);
                        let st = if unit == org {
                            own.unwrap_or(PointStatus::Done)
                        } else if (j + u + y) % 4 == 0 {
                            PointStatus::Partial
                        } else {
                            own.unwrap_or(PointStatus::Done)
                        };
                        (p.id, st, String::new())
                    })
                    .collect();
                // This year Socialförvaltningen's own statuses are still a draft; its units have reported.
                let submit = year == 2025 || unit != org || f.name != "Socialförvaltningen";
                store.save_unit_report(&coordinator, unit, year, items, submit).await?;
                if submit {
                    store.approve_unit_report(&owner, unit, year).await?;
                }
            }
        }
        // 2025: held and adopted by the förvaltningschef.
        let r = store.insert_review(&coordinator, org, 2025).await?;
        store.update_review_meeting(&coordinator, r.id, Some(d(f.held_2025)), f.participants).await?;
        store
            .set_review_comments(
                &coordinator,
                r.id,
                &[
                    (SectionKey::FollowUp, f.follow_up_2025.to_owned()),
                    (SectionKey::DpoReport, f.dpo_2025.to_owned()),
                    (SectionKey::Risks, f.risks_2025.to_owned()),
                ],
            )
            .await?;
        for (kind, text, who, deadline) in f.decisions_2025 {
            // Socialförvaltningen's decision on governance changes its local directive.
            let document_id =
                (*kind == DecisionKind::Governance && f.name == "Socialförvaltningen").then_some(local_directive);
            let input = DecisionInput {
                kind: *kind,
                text: (*text).into(),
                responsible: (*who).into(),
                deadline: d(deadline),
                document_id,
            };
            store.add_decision(&coordinator, r.id, input).await?;
        }
        let chief = Actor { id: None, label: f.chief_label.into() };
        web::adopt_review(store, &chief, f.chief, d(f.held_2025), r.id).await.map_err(fail)?;
        // 2026: in preparation.
        let r = store.insert_review(&coordinator, org, 2026).await?;
        store.set_review_comments(&coordinator, r.id, &[(SectionKey::FollowUp, f.follow_up_2026.to_owned())]).await?;
        for (kind, text, who, deadline) in f.draft_2026 {
            let input = DecisionInput {
                kind: *kind,
                text: (*text).into(),
                responsible: (*who).into(),
                deadline: d(deadline),
                document_id: None,
            };
            store.add_decision(&coordinator, r.id, input).await?;
        }
    }
    Ok(())
}
