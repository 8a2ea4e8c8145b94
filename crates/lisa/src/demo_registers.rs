//! Demo data of the incident and training registers for Exempla kommun.
//!
//! Incidents: a year of them across the förvaltningar and bolag, among them
//! a personal-data breach notified to IMY in time, an incident at Exempla
//! Energi AB (an essential entity under the cybersäkerhetslag) whose early
//! warning to CERT-SE was missed, incidents closed with and without lessons
//! learned, and one personal-data breach discovered a day before the demo
//! was loaded, its 72-hour clock still running (the start page shows it).
//! Training: three courses of the kommun with counts per förvaltning at the
//! end of 2024, 2025 and in November 2026. Deterministic apart from the one
//! running clock.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use domain::incident::duties::{NisClass, Step};
use domain::incident::{Aspect, Category, IncidentInput, ReportInput, Severity, Status, from_stockholm};
use domain::review::registers::Topic;
use domain::training::{CountInput, CourseInput, TargetGroup};
use store::{Actor, IncidentHistory, Store, StoreError};
use uuid::Uuid;

use crate::demo_plans::find;

/// Who registers the incidents (the kommun's CISO) and records the DPO's notifications.
const CISO: &str = "ciso@exempla.se";
const DPO: &str = "dso@exempla.se";

/// A Swedish local time "2026-03-10 09:40".
fn at(s: &str) -> DateTime<Utc> {
    let t = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("demo times are valid");
    from_stockholm(t).expect("demo times exist in Sweden")
}

/// One demo incident.
struct Demo {
    org: &'static str,
    title: &'static str,
    description: &'static str,
    occurred: Option<&'static str>,
    discovered: &'static str,
    category: Category,
    aspects: &'static [Aspect],
    personal_data: bool,
    severity: Severity,
    responsible: &'static str,
    lessons: &'static str,
    /// Closed at this time (else remedied, still open).
    closed: Option<&'static str>,
    entries: &'static [(&'static str, &'static str)],
    /// (step, made at or "" for not required, reference or the reason)
    reports: &'static [(Step, &'static str, &'static str)],
}

use Aspect::{Availability as A, Confidentiality as C, Integrity as I};

const INCIDENTS: &[Demo] = &[
    Demo {
        org: "Barn- och utbildningsförvaltningen",
        title: "Klasslista med skyddade personuppgifter skickad till fel vårdnadshavare",
        description: "En lärare skickade en klasslista med kontaktuppgifter, där en elev har skyddade personuppgifter, till vårdnadshavarna i fel klass. Mottagarna ombads radera brevet.",
        occurred: Some("2026-02-09 15:10"),
        discovered: "2026-02-10 08:25",
        category: Category::InformationLoss,
        aspects: &[C],
        personal_data: true,
        severity: Severity::Moderate,
        responsible: "Rektor, Norrskolan",
        lessons: "Klasslistor skickas bara från elevregistret, där elever med skyddade personuppgifter är dolda. Rutinen är genomgången med alla lärare.",
        closed: Some("2026-03-20 16:00"),
        entries: &[
            ("2026-02-10 08:40", "Rektor kontaktade mottagarna och bad dem radera e-brevet."),
            ("2026-02-10 13:15", "Dataskyddsombudet bedömer att incidenten ska anmälas till IMY."),
        ],
        reports: &[(Step::GdprNotify, "2026-02-11 10:30", "IMY-2026-1187")],
    },
    Demo {
        org: "Exempla Energi AB",
        title: "Utpressningsvirus i driftövervakningen för fjärrvärmen",
        description: "Skadlig kod krypterade servrar i driftövervakningen. Fjärrvärmen styrdes manuellt i två dygn.",
        occurred: Some("2026-04-18 02:30"),
        discovered: "2026-04-18 06:05",
        category: Category::Attack,
        aspects: &[A, I],
        personal_data: false,
        severity: Severity::Critical,
        responsible: "Driftchef, Exempla Energi AB",
        lessons: "Den tidiga varningen till CERT-SE kom inte i tid, eftersom ingen på jouren visste att den skulle lämnas inom 24 timmar. Jourinstruktionen har nu en kontrollista för rapportering.",
        closed: Some("2026-06-30 12:00"),
        entries: &[
            ("2026-04-18 06:30", "Driftövervakningen kopplades bort från nätet. Manuell styrning av fjärrvärmen."),
            ("2026-04-20 09:00", "Systemen återställda från säkerhetskopior."),
        ],
        reports: &[
            (Step::NisEarlyWarning, "2026-04-19 14:20", "CERT-SE 2026-0412"),
            (Step::NisNotification, "2026-04-20 16:45", "CERT-SE 2026-0412"),
            (Step::NisFinal, "2026-05-19 11:00", "CERT-SE 2026-0412"),
        ],
    },
    Demo {
        org: "Individ- och familjeomsorgen",
        title: "Obehörig läsning i journalsystemet",
        description: "Loggkontrollen visade att en medarbetare läst journaler för personer utan koppling till sitt arbete.",
        occurred: Some("2026-05-04 10:00"),
        discovered: "2026-05-12 14:00",
        category: Category::InformationLoss,
        aspects: &[C],
        personal_data: true,
        severity: Severity::Moderate,
        responsible: "Enhetschef, individ- och familjeomsorgen",
        lessons: "Loggkontroller görs nu varje månad i stället för varje kvartal.",
        closed: Some("2026-07-01 10:00"),
        entries: &[("2026-05-13 09:00", "Medarbetarens behörighet begränsades under utredningen.")],
        reports: &[(Step::GdprNotify, "2026-05-14 16:00", "IMY-2026-2210")],
    },
    Demo {
        org: "Kommunledningsförvaltningen",
        title: "Nätfiske: inloggningsuppgifter lämnade på falsk sida",
        description: "Tre medarbetare lämnade sina inloggningsuppgifter på en falsk inloggningssida. Kontona spärrades samma förmiddag.",
        occurred: Some("2026-03-03 08:10"),
        discovered: "2026-03-03 09:00",
        category: Category::Attack,
        aspects: &[C],
        personal_data: false,
        severity: Severity::Moderate,
        responsible: "IT-chef",
        lessons: "Tvåfaktorsinloggning införs för alla konton. En övning i nätfiske genomförs varje halvår.",
        closed: Some("2026-03-25 15:00"),
        entries: &[("2026-03-03 09:30", "Kontona spärrades och lösenorden byttes.")],
        reports: &[],
    },
    Demo {
        org: "Äldreomsorgen",
        title: "Surfplatta med planeringsappen förlorad",
        description: "En surfplatta med appen för hemtjänstens planering glömdes på en buss. Den var låst med kod och raderades på distans.",
        occurred: Some("2026-06-11 17:20"),
        discovered: "2026-06-11 19:00",
        category: Category::InformationLoss,
        aspects: &[C],
        personal_data: true,
        severity: Severity::Low,
        responsible: "Enhetschef, hemtjänsten",
        lessons: "",
        closed: Some("2026-06-15 10:00"),
        entries: &[("2026-06-11 19:20", "Surfplattan raderades på distans.")],
        reports: &[(
            Step::GdprNotify,
            "",
            "Osannolikt att incidenten medför en risk: plattan var krypterad och raderades inom en timme. Dokumenterad enligt artikel 33.5.",
        )],
    },
    Demo {
        org: "Samhällsbyggnadsförvaltningen",
        title: "Bygglovsarkivet otillgängligt efter uppdatering",
        description: "En uppdatering av e-arkivet gjorde bygglovsarkivet otillgängligt i en arbetsdag.",
        occurred: Some("2026-09-08 07:00"),
        discovered: "2026-09-08 07:45",
        category: Category::SoftwareHardware,
        aspects: &[A],
        personal_data: false,
        severity: Severity::Moderate,
        responsible: "Systemförvaltare, e-arkivet",
        lessons: "Uppdateringar testas i testmiljön innan de installeras.",
        closed: Some("2026-09-12 12:00"),
        entries: &[],
        reports: &[],
    },
    Demo {
        org: "Exempla Vatten AB",
        title: "Strömavbrott i vattenverkets styrsystem",
        description: "Ett strömavbrott slog ut styrsystemet i vattenverket i fyra timmar. Reservkraften startade inte.",
        occurred: Some("2026-10-02 22:15"),
        discovered: "2026-10-02 22:20",
        category: Category::CriticalInfrastructure,
        aspects: &[A],
        personal_data: false,
        severity: Severity::Serious,
        responsible: "Driftchef, Exempla Vatten AB",
        lessons: "",
        closed: None,
        entries: &[("2026-10-03 08:00", "Reservkraftverket har felanmälts till leverantören.")],
        reports: &[
            (Step::NisEarlyWarning, "2026-10-03 09:00", "CERT-SE 2026-1044"),
            (Step::NisNotification, "2026-10-05 15:00", "CERT-SE 2026-1044"),
        ],
    },
    Demo {
        org: "Kultur- och fritidsförvaltningen",
        title: "Bibliotekets publika datorer smittade av skadlig kod",
        description: "Fyra publika datorer på huvudbiblioteket hade skadlig kod som försökte nå andra datorer i nätet.",
        occurred: None,
        discovered: "2026-08-17 11:30",
        category: Category::Attack,
        aspects: &[I],
        personal_data: false,
        severity: Severity::Low,
        responsible: "IT-samordnare, kultur och fritid",
        lessons: "De publika datorerna ligger nu i ett eget nät.",
        closed: Some("2026-08-21 16:00"),
        entries: &[],
        reports: &[],
    },
];

/// Loads the incident register's demo data, the NIS classes of the
/// kommun's legal entities and the training register's.
pub async fn load(store: &Store, ids: &[(&str, Uuid)]) -> Result<(), StoreError> {
    let ciso = Actor { id: None, label: CISO.to_owned() };
    for (org, class) in [
        ("Exempla kommun", NisClass::Essential),
        ("Exempla Energi AB", NisClass::Essential),
        ("Exempla Vatten AB", NisClass::Essential),
        ("Region Exempla", NisClass::Essential),
    ] {
        store.set_org_nis_class(&ciso, find(ids, org), Some(class)).await?;
    }
    for d in INCIDENTS {
        store.insert_incident_history(&ciso, &history(d, find(ids, d.org))).await?;
    }
    running(store, &ciso, find(ids, "Socialförvaltningen"), domain::now()).await?;
    training(store, ids).await
}

fn history(d: &Demo, org_id: Uuid) -> IncidentHistory {
    let discovered = at(d.discovered);
    IncidentHistory {
        data: IncidentInput {
            title: d.title.to_owned(),
            description: d.description.to_owned(),
            occurred_at: d.occurred.map(at),
            discovered_at: discovered,
            category: d.category,
            aspects: d.aspects.to_vec(),
            personal_data: d.personal_data,
            severity: d.severity,
            responsible: d.responsible.to_owned(),
            lessons: d.lessons.to_owned(),
            org_id,
        },
        status: if d.closed.is_some() { Status::Closed } else { Status::Remedied },
        registered_at: discovered + Duration::minutes(20),
        closed_at: d.closed.map(at),
        entries: d.entries.iter().map(|(t, text)| (at(t), CISO.to_owned(), (*text).to_owned())).collect(),
        reports: d
            .reports
            .iter()
            .map(|(step, made, text)| {
                let by = if *step == Step::GdprNotify { DPO } else { CISO };
                let r = if made.is_empty() {
                    ReportInput { at: None, not_required: true, reference: String::new(), note: (*text).to_owned() }
                } else {
                    ReportInput {
                        at: Some(at(made)),
                        not_required: false,
                        reference: (*text).to_owned(),
                        note: String::new(),
                    }
                };
                (*step, r, by.to_owned())
            })
            .collect(),
    }
}

/// A breach discovered 26 hours before `now`, under investigation: its
/// 72-hour clock to IMY runs on the demo's start page.
async fn running(store: &Store, ciso: &Actor, org_id: Uuid, now: DateTime<Utc>) -> Result<(), StoreError> {
    let discovered = now - Duration::hours(26);
    store
        .insert_incident_history(
            ciso,
            &IncidentHistory {
                data: IncidentInput {
                    title: "Beslut om bistånd skickat till fel adress".to_owned(),
                    description:
                        "Ett beslut om bistånd med uppgifter om hälsa skickades med post till en tidigare adress."
                            .to_owned(),
                    occurred_at: Some(discovered - Duration::days(3)),
                    discovered_at: discovered,
                    category: Category::HandlingError,
                    aspects: vec![C],
                    personal_data: true,
                    severity: Severity::Moderate,
                    responsible: "Enhetschef, biståndshandläggningen".to_owned(),
                    lessons: String::new(),
                    org_id,
                },
                status: Status::Investigating,
                registered_at: discovered + Duration::hours(1),
                closed_at: None,
                entries: vec![(
                    discovered + Duration::hours(2),
                    CISO.to_owned(),
                    "Mottagaren har kontaktats och lämnat tillbaka brevet oöppnat.".to_owned(),
                )],
                reports: vec![],
            },
        )
        .await?;
    Ok(())
}

/// (course, topic, target group, validity years, target %)
const COURSES: &[(&str, Topic, TargetGroup, i32, i32)] = &[
    ("Informationssäkerhet för alla medarbetare", Topic::InformationSecurity, TargetGroup::AllStaff, 2, 90),
    ("Dataskydd – grundkurs", Topic::DataProtection, TargetGroup::AllStaff, 3, 90),
    ("Informationssäkerhet för chefer", Topic::InformationSecurity, TargetGroup::Managers, 2, 100),
];

/// (förvaltning, staff, managers, completed share per year and course in ‰:
/// [course][2024, 2025, 2026])
const COUNTS: &[(&str, i64, i64, [[i64; 3]; 3])] = &[
    ("Kommunledningsförvaltningen", 240, 22, [[610, 820, 930], [550, 760, 910], [700, 900, 1000]]),
    ("Barn- och utbildningsförvaltningen", 1850, 95, [[320, 540, 710], [280, 450, 640], [500, 720, 880]]),
    ("Socialförvaltningen", 1420, 80, [[450, 680, 860], [600, 800, 920], [640, 850, 950]]),
    ("Samhällsbyggnadsförvaltningen", 310, 24, [[520, 700, 880], [410, 620, 800], [600, 830, 960]]),
    ("Kultur- och fritidsförvaltningen", 160, 12, [[380, 590, 760], [300, 500, 690], [580, 750, 920]]),
];

const COUNT_DATES: [&str; 3] = ["2024-12-15", "2025-12-15", "2026-11-16"];

async fn training(store: &Store, ids: &[(&str, Uuid)]) -> Result<(), StoreError> {
    let ciso = Actor { id: None, label: CISO.to_owned() };
    let kommun = find(ids, "Exempla kommun");
    for (ci, (name, topic, group, years, target)) in COURSES.iter().enumerate() {
        let course = store
            .insert_course(
                &ciso,
                kommun,
                CourseInput {
                    name: (*name).to_owned(),
                    topic: *topic,
                    target_group: *group,
                    target_description: String::new(),
                    validity_years: *years,
                    target_pct: *target,
                },
            )
            .await?;
        for (org, staff, managers, shares) in COUNTS {
            let headcount = if *group == TargetGroup::Managers { *managers } else { *staff };
            for (yi, date) in COUNT_DATES.iter().enumerate() {
                let as_of = NaiveDate::parse_from_str(date, "%Y-%m-%d").expect("demo dates are valid");
                let completed = headcount * shares[ci][yi] / 1000;
                store
                    .record_training_count(&ciso, course.id, find(ids, org), CountInput { as_of, headcount, completed })
                    .await?;
            }
        }
    }
    Ok(())
}
