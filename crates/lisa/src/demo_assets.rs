//! Demo data of the asset, risk and processing registers for Exempla kommun.
//!
//! Thirty information assets across the förvaltningar and bolag with their
//! information owners, sixteen systems with owners, object managers,
//! suppliers and where they run; most assets classified, seven not yet and
//! four past their review date; risk analyses, among them one high risk
//! that nobody has decided how to treat; a processing register with one
//! record still incomplete and one system (the safety alarms) that processes
//! personal data with a supplier but has no data-processing agreement; two
//! consequence assessments, one of which still needs prior consultation with
//! IMY. Deterministic: fixed dates, in the past of the demo's year.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::assets::classification::AssetClassification;
use domain::assets::dpia::DpiaInput;
use domain::assets::processing::{Agreement, LegalBasis, ProcessingInput};
use domain::assets::risk::{RiskInput, RiskLevel, RiskObject, Treatment};
use domain::assets::system::{AssetInput, Hosting, SystemInput};
use store::{Actor, Store, StoreError};
use uuid::Uuid;

use crate::demo_plans::find;

/// Who keeps the registers in the demo (the kommun's CISO).
const CISO: &str = "ciso@exempla.se";

fn day(s: &str) -> NaiveDate {
    s.parse().expect("demo dates are valid")
}

/// One demo system: (organisation, name, description, system owner, object
/// manager, supplier, hosting, country, contract, personal data).
struct DemoSystem {
    org: &'static str,
    name: &'static str,
    description: &'static str,
    owner: &'static str,
    manager: &'static str,
    supplier: &'static str,
    hosting: Hosting,
    country: &'static str,
    contract: &'static str,
    personal: bool,
}

const fn sys(
    org: &'static str,
    name: &'static str,
    description: &'static str,
    (owner, manager): (&'static str, &'static str),
    (supplier, hosting, country, contract): (&'static str, Hosting, &'static str, &'static str),
    personal: bool,
) -> DemoSystem {
    DemoSystem { org, name, description, owner, manager, supplier, hosting, country, contract, personal }
}

const KLF: &str = "Kommunledningsförvaltningen";
const BOU: &str = "Barn- och utbildningsförvaltningen";
const SOC: &str = "Socialförvaltningen";
const SBF: &str = "Samhällsbyggnadsförvaltningen";
const KFF: &str = "Kultur- och fritidsförvaltningen";

const SYSTEMS: &[DemoSystem] = &[
    sys(
        KLF,
        "Ekonomisystemet",
        "Redovisning, leverantörsfakturor och budget.",
        ("Ekonomichef", "Karin Lund"),
        ("", Hosting::MunicipalIt, "SE", ""),
        true,
    ),
    sys(
        KLF,
        "Personal- och lönesystemet",
        "Anställningar, lön och frånvaro.",
        ("HR-chef", "Jonas Ek"),
        ("Lönesystem i Sverige AB", Hosting::Cloud, "SE", "Avtal 2023-114"),
        true,
    ),
    sys(
        KLF,
        "Ärende- och dokumenthanteringssystemet",
        "Diarium och ärendehantering för hela kommunen.",
        ("Kanslichef", "Eva Nord"),
        ("", Hosting::MunicipalIt, "SE", ""),
        true,
    ),
    sys(
        KLF,
        "E-post och samarbetsyta",
        "E-post, kalender och delade dokument.",
        ("IT-chef", "Ali Hassan"),
        ("Samarbetstjänster Europa Ltd", Hosting::Cloud, "IE", "Avtal 2024-020"),
        true,
    ),
    sys(
        KLF,
        "Kommunens webbplats",
        "Publicering av information till invånarna.",
        ("Kommunikationschef", ""),
        ("Webbyrån AB", Hosting::Cloud, "SE", "Avtal 2022-031"),
        false,
    ),
    sys(
        BOU,
        "Elevadministrationssystemet",
        "Elevuppgifter, frånvaro, betyg och schema.",
        ("Skolchef", "Lena Berg"),
        ("Skolsystem AB", Hosting::Cloud, "SE", "Avtal 2021-077"),
        true,
    ),
    sys(
        BOU,
        "Lärplattformen",
        "Uppgifter, inlämningar och kontakt med vårdnadshavare.",
        ("Skolchef", "Lena Berg"),
        ("Lärplattform Norden AB", Hosting::Cloud, "SE", "Avtal 2022-012"),
        true,
    ),
    sys(
        BOU,
        "Elevhälsans journalsystem",
        "Journaler för skolsköterskor, kuratorer och psykologer.",
        ("Verksamhetschef elevhälsa", ""),
        ("Vårdjournal AB", Hosting::Other, "SE", "Avtal 2020-004"),
        true,
    ),
    sys(
        SOC,
        "Verksamhetssystem för socialtjänsten",
        "Utredningar, beslut och dokumentation inom socialtjänsten.",
        ("Socialchef", "Sara Lind"),
        ("", Hosting::MunicipalIt, "SE", ""),
        true,
    ),
    sys(
        SOC,
        "Journalsystem för hemsjukvården",
        "Hälso- och sjukvårdsjournaler i hemsjukvården.",
        ("Medicinskt ansvarig sjuksköterska", "Per Ström"),
        ("Vårdjournal AB", Hosting::Cloud, "SE", "Avtal 2024-101"),
        true,
    ),
    sys(
        SOC,
        "Trygghetslarm",
        "Larm från brukare i hemtjänsten till larmcentralen.",
        ("Enhetschef hemtjänst", "Per Ström"),
        ("Larmtjänst Norden AB", Hosting::Cloud, "SE", "Avtal 2025-002"),
        true,
    ),
    sys(
        SBF,
        "Bygglovssystemet",
        "Ansökningar och beslut om bygglov.",
        ("Stadsbyggnadschef", "Omar Said"),
        ("", Hosting::MunicipalIt, "SE", ""),
        true,
    ),
    sys(
        SBF,
        "Kartsystemet",
        "Geografisk information, ledningsnät och fastighetskarta.",
        ("Stadsbyggnadschef", ""),
        ("", Hosting::MunicipalIt, "SE", ""),
        false,
    ),
    sys(
        KFF,
        "Bibliotekssystemet",
        "Utlån, låntagare och katalog.",
        ("Bibliotekschef", "Hanna Ek"),
        ("Biblioteksdata AB", Hosting::Cloud, "SE", "Avtal 2019-044"),
        true,
    ),
    sys(
        "Exempla Energi AB",
        "Driftövervakning av elnätet",
        "Övervakning och styrning av elnätet (SCADA).",
        ("Driftchef", "Nils Holm"),
        ("", Hosting::Own, "SE", ""),
        false,
    ),
    sys(
        "Exempla Vatten AB",
        "Styrsystem för vattenverket",
        "Styrning av beredning och distribution av dricksvatten.",
        ("Driftchef", "Ulla Sjö"),
        ("", Hosting::Own, "SE", ""),
        false,
    ),
];

/// One demo asset: organisation, unit (or ""), name, information owner,
/// systems, and the classification (K, R, T, classified, next review), if any.
struct DemoAsset {
    org: &'static str,
    unit: &'static str,
    name: &'static str,
    owner: &'static str,
    systems: &'static [&'static str],
    class: Option<(u8, u8, u8, &'static str, &'static str, &'static str)>,
}

const fn asset(
    (org, unit): (&'static str, &'static str),
    name: &'static str,
    owner: &'static str,
    systems: &'static [&'static str],
    class: Option<(u8, u8, u8, &'static str, &'static str, &'static str)>,
) -> DemoAsset {
    DemoAsset { org, unit, name, owner, systems, class }
}

const IFO: (&str, &str) = (SOC, "Individ- och familjeomsorgen");
const AO: (&str, &str) = (SOC, "Äldreomsorgen");

const ASSETS: &[DemoAsset] = &[
    asset(
        (KLF, ""),
        "Löneuppgifter",
        "HR-chef",
        &["Personal- och lönesystemet"],
        Some((3, 3, 2, "2025-09-10", "2027-09-10", "Uppgifter om lön och ekonomiska förhållanden.")),
    ),
    asset(
        (KLF, ""),
        "Ekonomiska transaktioner",
        "Ekonomichef",
        &["Ekonomisystemet"],
        Some((2, 3, 2, "2025-10-02", "2027-10-02", "Felaktiga utbetalningar ger stor skada.")),
    ),
    asset(
        (KLF, ""),
        "Diariet och allmänna handlingar",
        "Kanslichef",
        &["Ärende- och dokumenthanteringssystemet"],
        Some((2, 3, 2, "2025-05-20", "2027-05-20", "Handlingarna ska kunna lämnas ut och bevaras.")),
    ),
    asset(
        (KLF, ""),
        "Personalakter",
        "HR-chef",
        &["Personal- och lönesystemet", "Ärende- och dokumenthanteringssystemet"],
        Some((3, 2, 1, "2025-09-10", "2027-09-10", "Hälsouppgifter och uppgifter om anställningen.")),
    ),
    asset(
        (KLF, ""),
        "Innehåll på kommunens webbplats",
        "Kommunikationschef",
        &["Kommunens webbplats"],
        Some((1, 2, 2, "2024-03-01", "2025-03-01", "Offentlig information som ska vara korrekt.")),
    ),
    asset(
        (KLF, ""),
        "Protokoll och politiska beslut",
        "Kanslichef",
        &["Ärende- och dokumenthanteringssystemet"],
        Some((1, 3, 2, "2025-05-20", "2027-05-20", "Besluten måste vara korrekta och spårbara.")),
    ),
    asset(
        (BOU, ""),
        "Elevakter",
        "Skolchef",
        &["Elevadministrationssystemet"],
        Some((3, 2, 2, "2025-11-15", "2027-11-15", "Uppgifter om elever, även sekretessbelagda.")),
    ),
    asset(
        (BOU, ""),
        "Betyg",
        "Skolchef",
        &["Elevadministrationssystemet"],
        Some((2, 3, 2, "2025-11-15", "2027-11-15", "Betygen måste vara korrekta och bevaras.")),
    ),
    asset((BOU, ""), "Skolornas scheman", "Skolchef", &["Elevadministrationssystemet"], None),
    asset(
        (BOU, ""),
        "Elevhälsans journaler",
        "Verksamhetschef elevhälsa",
        &["Elevhälsans journalsystem"],
        Some((4, 3, 2, "2026-02-01", "2027-02-01", "Känsliga uppgifter om hälsa, sekretess enligt OSL 25 kap.")),
    ),
    asset(
        (BOU, ""),
        "Frånvarouppgifter",
        "Skolchef",
        &["Elevadministrationssystemet", "Lärplattformen"],
        Some((2, 2, 2, "2024-08-20", "2025-08-20", "Underlag för kontakt med vårdnadshavare och elevhälsa.")),
    ),
    asset(
        (BOU, ""),
        "Uppgifter om elever med skyddade personuppgifter",
        "Skolchef",
        &["Elevadministrationssystemet"],
        Some((4, 3, 2, "2026-01-10", "2027-01-10", "Ett röjande kan utsätta eleven för fara.")),
    ),
    asset(
        IFO,
        "Personakter inom individ- och familjeomsorgen",
        "Socialchef",
        &["Verksamhetssystem för socialtjänsten"],
        Some((4, 3, 3, "2025-12-01", "2026-12-31", "Sekretess enligt OSL 26 kap., känsliga personuppgifter.")),
    ),
    asset(
        IFO,
        "Orosanmälningar",
        "Socialchef",
        &["Verksamhetssystem för socialtjänsten"],
        Some((4, 3, 3, "2025-12-01", "2026-12-31", "Barn kan komma till skada om uppgifterna röjs eller saknas.")),
    ),
    asset(
        AO,
        "Biståndsbeslut i äldreomsorgen",
        "Socialchef",
        &["Verksamhetssystem för socialtjänsten"],
        Some((3, 3, 2, "2025-06-01", "2027-06-01", "Beslut om insatser för enskilda.")),
    ),
    asset(
        AO,
        "Journaler i hemsjukvården",
        "Medicinskt ansvarig sjuksköterska",
        &["Journalsystem för hemsjukvården"],
        Some((4, 3, 3, "2024-05-15", "2025-05-15", "Patientuppgifter som måste finnas när vården ges.")),
    ),
    asset(AO, "Larmuppgifter från trygghetslarm", "Enhetschef hemtjänst", &["Trygghetslarm"], None),
    asset((SOC, ""), "Avvikelserapporter", "Socialchef", &["Verksamhetssystem för socialtjänsten"], None),
    asset(
        (SBF, ""),
        "Bygglovsärenden",
        "Stadsbyggnadschef",
        &["Bygglovssystemet"],
        Some((1, 3, 2, "2025-04-01", "2027-04-01", "Besluten ska vara korrekta och gå att överklaga.")),
    ),
    asset(
        (SBF, ""),
        "Kartdata och ledningsnät",
        "Stadsbyggnadschef",
        &["Kartsystemet"],
        Some((2, 2, 2, "2025-04-01", "2027-04-01", "Delar av ledningsnätet är skyddsvärda.")),
    ),
    asset((SBF, ""), "Fastighetsuppgifter", "Stadsbyggnadschef", &["Kartsystemet", "Bygglovssystemet"], None),
    asset(
        (SBF, ""),
        "Ärenden inom miljötillsyn",
        "Miljöchef",
        &["Bygglovssystemet"],
        Some((2, 2, 1, "2024-02-01", "2026-02-01", "Uppgifter om enskildas verksamheter.")),
    ),
    asset(
        (KFF, ""),
        "Låntagarregister",
        "Bibliotekschef",
        &["Bibliotekssystemet"],
        Some((2, 2, 1, "2025-03-01", "2027-03-01", "Vad någon lånar skyddas av sekretess.")),
    ),
    asset((KFF, ""), "Föreningsregister", "Kultur- och fritidschef", &[], None),
    asset(
        ("Exempla Energi AB", ""),
        "Driftdata för elnätet",
        "Driftchef",
        &["Driftövervakning av elnätet"],
        Some((3, 3, 3, "2025-10-20", "2026-10-20", "Avbrott drabbar hela kommunen.")),
    ),
    asset(
        ("Exempla Energi AB", ""),
        "Kundregister",
        "Kundtjänstchef",
        &[],
        Some((2, 2, 2, "2025-10-20", "2027-10-20", "Uppgifter om kunder och fakturor.")),
    ),
    asset(
        ("Exempla Vatten AB", ""),
        "Processdata för vattenverket",
        "Driftchef",
        &["Styrsystem för vattenverket"],
        Some((3, 3, 3, "2026-01-15", "2027-01-15", "Fel i styrningen kan ge otjänligt dricksvatten.")),
    ),
    asset(("Exempla Vatten AB", ""), "Ritningar över ledningsnätet", "Driftchef", &[], None),
    asset(
        ("Exempla Bostäder AB", ""),
        "Hyresgästregister",
        "Uthyrningschef",
        &[],
        Some((2, 2, 2, "2025-08-01", "2027-08-01", "Uppgifter om hyresgäster och hyror.")),
    ),
    asset(("Exempla Bostäder AB", ""), "Bostadskö", "Uthyrningschef", &[], None),
];

pub async fn load(store: &Store, ids: &[(&str, Uuid)]) -> Result<(), StoreError> {
    let ciso = Actor { id: None, label: CISO.to_owned() };
    let mut systems = Vec::new();
    for s in SYSTEMS {
        let input = SystemInput {
            name: s.name.to_owned(),
            description: s.description.to_owned(),
            system_owner: s.owner.to_owned(),
            object_manager: s.manager.to_owned(),
            supplier: s.supplier.to_owned(),
            hosting: Some(s.hosting),
            country: Some(s.country.to_owned()),
            contract: s.contract.to_owned(),
            processes_personal_data: s.personal,
        };
        let row = store.insert_system(&ciso, find(ids, s.org), input).await?;
        systems.push((s.name, row.id));
    }
    let system = |name: &str| find(&systems, name);
    let mut assets = Vec::new();
    for a in ASSETS {
        let input = AssetInput {
            name: a.name.to_owned(),
            description: String::new(),
            information_owner: a.owner.to_owned(),
            unit: (!a.unit.is_empty()).then(|| find(ids, a.unit)),
        };
        let row = store.insert_asset(&ciso, find(ids, a.org), input).await?;
        let links: Vec<Uuid> = a.systems.iter().map(|n| system(n)).collect();
        if !links.is_empty() {
            store.set_asset_systems(&ciso, row.id, &links).await?;
        }
        if let Some((k, r, t, on, next, why)) = a.class {
            let levels = BTreeMap::from([
                ("confidentiality".to_owned(), k),
                ("integrity".to_owned(), r),
                ("availability".to_owned(), t),
            ]);
            let c = AssetClassification {
                levels,
                motivation: why.to_owned(),
                classified_on: day(on),
                classified_by: a.owner.to_owned(),
                next_review: day(next),
            };
            store.classify_asset(&ciso, row.id, c).await?;
        }
        assets.push((a.name, row.id));
    }
    risks(store, &ciso, ids, &systems, &assets).await?;
    processings(store, &ciso, ids, &systems).await
}

/// One demo risk: organisation, what it is about, scenario, (likelihood,
/// consequence), residual, treatment, owner, accepted on, review on.
struct DemoRisk {
    org: &'static str,
    object: (RiskObject, &'static str),
    scenario: &'static str,
    inherent: (u8, u8),
    residual: Option<(u8, u8)>,
    treatment: Option<Treatment>,
    owner: &'static str,
    accepted: Option<&'static str>,
    review: &'static str,
}

const RISKS: &[DemoRisk] = &[
    DemoRisk {
        org: SOC,
        object: (RiskObject::Asset, "Personakter inom individ- och familjeomsorgen"),
        scenario: "Obehöriga medarbetare läser personakter de inte behöver i sitt arbete",
        inherent: (3, 4),
        residual: Some((2, 3)),
        treatment: Some(Treatment::Reduce),
        owner: "Socialchef",
        accepted: None,
        review: "2027-03-31",
    },
    DemoRisk {
        org: SOC,
        object: (RiskObject::System, "Trygghetslarm"),
        scenario: "Larmen når inte larmcentralen vid ett avbrott hos leverantören",
        inherent: (3, 3),
        residual: None,
        treatment: None,
        owner: "Enhetschef hemtjänst",
        accepted: None,
        review: "2027-01-31",
    },
    DemoRisk {
        org: BOU,
        object: (RiskObject::Asset, "Elevhälsans journaler"),
        scenario: "Journaluppgifter blir synliga för lärare genom felaktiga behörigheter",
        inherent: (2, 4),
        residual: Some((1, 4)),
        treatment: Some(Treatment::Reduce),
        owner: "Verksamhetschef elevhälsa",
        accepted: None,
        review: "2027-02-28",
    },
    DemoRisk {
        org: KLF,
        object: (RiskObject::System, "Ekonomisystemet"),
        scenario: "Utpressningsvirus krypterar ekonomisystemet och säkerhetskopiorna",
        inherent: (3, 4),
        residual: Some((2, 3)),
        treatment: Some(Treatment::Reduce),
        owner: "Ekonomichef",
        accepted: None,
        review: "2027-04-30",
    },
    DemoRisk {
        org: KLF,
        object: (RiskObject::Org, KLF),
        scenario: "IT-driften är beroende av två nyckelpersoner",
        inherent: (3, 2),
        residual: Some((3, 2)),
        treatment: Some(Treatment::Accept),
        owner: "Kommundirektör",
        accepted: Some("2026-03-15"),
        review: "2027-03-15",
    },
    DemoRisk {
        org: "Exempla Energi AB",
        object: (RiskObject::System, "Driftövervakning av elnätet"),
        scenario: "Intrång i driftövervakningen via fjärråtkomst för leverantören",
        inherent: (2, 4),
        residual: Some((1, 4)),
        treatment: Some(Treatment::Reduce),
        owner: "Driftchef",
        accepted: None,
        review: "2027-06-30",
    },
    DemoRisk {
        org: "Exempla Vatten AB",
        object: (RiskObject::System, "Styrsystem för vattenverket"),
        scenario: "Någon manipulerar doseringen i vattenverkets styrsystem",
        inherent: (2, 4),
        residual: Some((1, 3)),
        treatment: Some(Treatment::Reduce),
        owner: "Driftchef",
        accepted: None,
        review: "2027-06-30",
    },
    DemoRisk {
        org: SBF,
        object: (RiskObject::Asset, "Kartdata och ledningsnät"),
        scenario: "Kartor med skyddsvärda ledningar publiceras öppet på webben",
        inherent: (2, 2),
        residual: Some((1, 1)),
        treatment: Some(Treatment::Avoid),
        owner: "Stadsbyggnadschef",
        accepted: None,
        review: "2027-09-30",
    },
];

async fn risks(
    store: &Store,
    ciso: &Actor,
    ids: &[(&str, Uuid)],
    systems: &[(&str, Uuid)],
    assets: &[(&str, Uuid)],
) -> Result<(), StoreError> {
    for r in RISKS {
        let (kind, name) = r.object;
        let object_id = match kind {
            RiskObject::Org => find(ids, name),
            RiskObject::System => find(systems, name),
            RiskObject::Asset => find(assets, name),
        };
        let input = RiskInput {
            scenario: r.scenario.to_owned(),
            object_kind: kind,
            object_id,
            likelihood: r.inherent.0,
            consequence: r.inherent.1,
            residual: r.residual,
            treatment: r.treatment,
            owner: r.owner.to_owned(),
            accepted: r.accepted.map(|d| (r.owner.to_owned(), day(d))),
            review_on: Some(day(r.review)),
        };
        store.insert_risk(ciso, find(ids, r.org), input).await?;
    }
    Ok(())
}

/// One demo processing: organisation, name, purpose, legal basis and
/// provision, data subjects, personal data, retention (empty: not yet
/// written), systems, whether a DPIA is needed.
struct DemoProcessing {
    org: &'static str,
    name: &'static str,
    purpose: &'static str,
    basis: LegalBasis,
    provision: &'static str,
    subjects: &'static str,
    data: &'static str,
    retention: &'static str,
    security: &'static str,
    systems: &'static [&'static str],
    dpia: bool,
}

const PROCESSINGS: &[DemoProcessing] = &[
    DemoProcessing {
        org: SOC,
        name: "Handläggning inom individ- och familjeomsorgen",
        purpose: "Utreda, besluta om och följa upp insatser för barn, unga och vuxna.",
        basis: LegalBasis::LegalObligation,
        provision: "Socialtjänstlagen (2025:400), 11 kap.",
        subjects: "Barn, vårdnadshavare, vuxna som söker stöd",
        data: "Kontaktuppgifter, personnummer, uppgifter om hälsa och sociala förhållanden",
        retention: "Gallras fem år efter sista anteckningen; vissa akter bevaras",
        security: "Behörighetsstyrning efter roll, loggning och logguppföljning, tvåfaktorsinloggning",
        systems: &["Verksamhetssystem för socialtjänsten"],
        dpia: true,
    },
    DemoProcessing {
        org: SOC,
        name: "Trygghetslarm i hemtjänsten",
        purpose: "Ta emot larm från brukare och skicka hjälp.",
        basis: LegalBasis::PublicTask,
        provision: "Socialtjänstlagen (2025:400)",
        subjects: "Brukare med trygghetslarm",
        data: "Namn, adress, larmhändelser, uppgifter om hälsa",
        retention: "Larmhändelser gallras efter två år",
        security: "Krypterad överföring, behörighetsstyrning",
        systems: &["Trygghetslarm"],
        dpia: false,
    },
    DemoProcessing {
        org: BOU,
        name: "Elevadministration",
        purpose: "Administrera elevernas skolgång: placering, frånvaro, betyg och schema.",
        basis: LegalBasis::PublicTask,
        provision: "Skollagen (2010:800)",
        subjects: "Elever, vårdnadshavare",
        data: "Namn, personnummer, kontaktuppgifter, frånvaro, betyg",
        retention: "Betyg bevaras; övrigt gallras enligt dokumenthanteringsplanen",
        security: "Behörighetsstyrning, tvåfaktorsinloggning för personal",
        systems: &["Elevadministrationssystemet", "Lärplattformen"],
        dpia: false,
    },
    DemoProcessing {
        org: BOU,
        name: "Elevhälsans journalföring",
        purpose: "Dokumentera elevhälsans medicinska, psykologiska och psykosociala insatser.",
        basis: LegalBasis::LegalObligation,
        provision: "Patientdatalagen (2008:355), skollagen 2 kap. 25 §",
        subjects: "Elever",
        data: "Uppgifter om hälsa, personnummer",
        retention: "Bevaras enligt patientdatalagen, minst tio år",
        security: "Åtkomst endast för elevhälsans personal, loggning",
        systems: &["Elevhälsans journalsystem"],
        dpia: true,
    },
    DemoProcessing {
        org: KLF,
        name: "Löneadministration",
        purpose: "Betala ut lön och rapportera till Skatteverket och pensionsbolag.",
        basis: LegalBasis::LegalObligation,
        provision: "Skatteförfarandelagen (2011:1244)",
        subjects: "Anställda",
        data: "Namn, personnummer, kontonummer, lön, frånvaro",
        retention: "Sju år enligt bokföringslagen",
        security: "Behörighetsstyrning, loggning",
        systems: &["Personal- och lönesystemet"],
        dpia: false,
    },
    DemoProcessing {
        org: KLF,
        name: "Rekrytering",
        purpose: "Ta emot och bedöma ansökningar till lediga tjänster.",
        basis: LegalBasis::PublicTask,
        provision: "",
        subjects: "Sökande",
        data: "Namn, kontaktuppgifter, CV, personligt brev",
        retention: "",
        security: "",
        systems: &["E-post och samarbetsyta"],
        dpia: false,
    },
    DemoProcessing {
        org: KFF,
        name: "Biblioteksutlån",
        purpose: "Låna ut medier och påminna om återlämning.",
        basis: LegalBasis::PublicTask,
        provision: "Bibliotekslagen (2013:801)",
        subjects: "Låntagare",
        data: "Namn, personnummer, kontaktuppgifter, lån",
        retention: "Lånehistorik gallras när lånet är återlämnat",
        security: "Behörighetsstyrning",
        systems: &["Bibliotekssystemet"],
        dpia: false,
    },
];

/// (organisation, supplier, signed, expires, systems, processings)
type DemoAgreement =
    (&'static str, &'static str, &'static str, &'static str, &'static [&'static str], &'static [&'static str]);

const AGREEMENTS: &[DemoAgreement] = &[
    (
        KLF,
        "Lönesystem i Sverige AB",
        "2023-05-01",
        "2027-12-31",
        &["Personal- och lönesystemet"],
        &["Löneadministration"],
    ),
    (KLF, "Samarbetstjänster Europa Ltd", "2024-02-01", "", &["E-post och samarbetsyta"], &["Rekrytering"]),
    (BOU, "Skolsystem AB", "2021-08-01", "", &["Elevadministrationssystemet"], &["Elevadministration"]),
    (BOU, "Lärplattform Norden AB", "2022-06-15", "", &["Lärplattformen"], &["Elevadministration"]),
    (BOU, "Vårdjournal AB", "2020-01-10", "", &["Elevhälsans journalsystem"], &["Elevhälsans journalföring"]),
    (SOC, "Vårdjournal AB", "2024-09-01", "", &["Journalsystem för hemsjukvården"], &[]),
    (KFF, "Biblioteksdata AB", "2019-03-01", "2026-06-30", &["Bibliotekssystemet"], &["Biblioteksutlån"]),
];

async fn processings(
    store: &Store,
    ciso: &Actor,
    ids: &[(&str, Uuid)],
    systems: &[(&str, Uuid)],
) -> Result<(), StoreError> {
    let mut made = Vec::new();
    for p in PROCESSINGS {
        let input = ProcessingInput {
            name: p.name.to_owned(),
            purpose: p.purpose.to_owned(),
            legal_basis: Some(p.basis),
            legal_provision: p.provision.to_owned(),
            data_subjects: p.subjects.to_owned(),
            personal_data: p.data.to_owned(),
            recipients: "Inga utanför kommunen utöver personuppgiftsbiträden".to_owned(),
            transfers: Some(false),
            transfer_countries: String::new(),
            transfer_safeguard: String::new(),
            retention: p.retention.to_owned(),
            security_measures: p.security.to_owned(),
            needs_dpia: Some(p.dpia),
        };
        let row = store.insert_processing(ciso, find(ids, p.org), input).await?;
        let links: Vec<Uuid> = p.systems.iter().map(|n| find(systems, n)).collect();
        store.set_processing_systems(ciso, row.id, &links).await?;
        made.push((p.name, row.id));
    }
    let dpia = |description: &str, risks: &str, level: RiskLevel, advice: &str| DpiaInput {
        description: description.to_owned(),
        purposes: "Se registerförteckningen.".to_owned(),
        legitimate_interest: String::new(),
        necessity: "Behandlingen krävs för att fullgöra uppgifter enligt lag.".to_owned(),
        risks: risks.to_owned(),
        measures: "Behörighet efter roll, loggning och månatlig logguppföljning, utbildning.".to_owned(),
        dpo_advice: advice.to_owned(),
        residual_level: level,
        prior_consultation: false,
        prior_consultation_on: None,
    };
    store
        .insert_dpia(
            ciso,
            find(&made, "Elevhälsans journalföring"),
            dpia(
                "Journalföring i elevhälsan om elevers hälsa.",
                "Röjande av uppgifter om barns hälsa.",
                RiskLevel::Medium,
                "Dataskyddsombudet tillstyrker behandlingen med de beskrivna åtgärderna.",
            ),
        )
        .await?;
    store
        .insert_dpia(
            ciso,
            find(&made, "Handläggning inom individ- och familjeomsorgen"),
            dpia(
                "Utredningar om barn och vuxna i socialtjänsten.",
                "Röjande av orosanmälningar och uppgifter om missbruk.",
                RiskLevel::High,
                "Dataskyddsombudet anser att risken är hög och att IMY ska konsulteras före ny behandling.",
            ),
        )
        .await?;
    for (org, supplier, signed, expires, on_systems, on_processings) in AGREEMENTS {
        let agreement = Agreement {
            supplier: (*supplier).to_owned(),
            signed_on: Some(day(signed)),
            expires_on: (!expires.is_empty()).then(|| day(expires)),
            systems: on_systems.iter().map(|n| find(systems, n)).collect(),
            processings: on_processings.iter().map(|n| find(&made, n)).collect(),
        };
        store.insert_agreement(ciso, find(ids, org), agreement).await?;
    }
    Ok(())
}
