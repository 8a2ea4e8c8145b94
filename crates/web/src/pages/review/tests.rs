//! The review's rendering of the registers (incidents, training, computed
//! statuses) on the page and in the report, from content built here: the
//! end-to-end path through the registers is tested over HTTP.

use domain::review::registers::{
    Basis, Computed, ComputedLine, DeadlineTally, IncidentSection, NotableIncident, Topic, TrainingLine,
};
use domain::review::{PointLine, PointStatus, ReviewContent, UnitLine, UnitReportStatus};
use domain::user::Language;

use super::super::Ctx;
use super::registers;

const TRAIN: &str = "E-utbildning i informationssäkerhet för alla medarbetare";

/// A review with no registers: what an old snapshot or an empty register gives.
pub fn bare() -> ReviewContent {
    serde_json::from_value(serde_json::json!({
        "org_name": "Exempla kommun", "year": 2026, "revision": 1, "participants": "",
        "levels": [], "open_feedback": [], "totals": domain::plan::Totals::default(), "overdue": [],
        "previous_decisions": [], "units": [], "points": [], "comments": {}, "decisions": [],
    }))
    .expect("a review's content")
}

/// A review whose registers have something to say.
pub fn sample() -> ReviewContent {
    let mut c = bare();
    c.units = ["Skolförvaltningen", "Socialförvaltningen"]
        .map(|u| UnitLine { unit: u.into(), status: Some(UnitReportStatus::Submitted) })
        .into();
    c.points = vec![
        PointLine {
            text: TRAIN.into(),
            counts: vec![2, 0, 0, 0],
            by_unit: vec![
                ("Skolförvaltningen".into(), PointStatus::Done),
                ("Socialförvaltningen".into(), PointStatus::Done),
            ],
        },
        PointLine {
            text: "Incidenthantering".into(),
            counts: vec![1, 0, 1, 0],
            by_unit: vec![
                ("Skolförvaltningen".into(), PointStatus::Done),
                ("Socialförvaltningen".into(), PointStatus::NotStarted),
            ],
        },
    ];
    let line = |point: &str, unit: &str, status, basis, reported| ComputedLine {
        point: point.into(),
        unit: unit.into(),
        computed: Computed { status, basis },
        reported,
    };
    c.computed = vec![
        line(
            TRAIN,
            "Skolförvaltningen",
            PointStatus::Partial,
            Basis::Coverage { completed: 60, headcount: 100, target_pct: 90 },
            Some(PointStatus::Done),
        ),
        line(
            TRAIN,
            "Socialförvaltningen",
            PointStatus::Done,
            Basis::Coverage { completed: 95, headcount: 100, target_pct: 90 },
            Some(PointStatus::Done),
        ),
        line(
            "Incidenthantering",
            "Skolförvaltningen",
            PointStatus::Partial,
            Basis::Incidents { total: 4, open_long: 1, closed_without_lessons: 2 },
            Some(PointStatus::Done),
        ),
        line(
            "Rapporteringsskyldighet enligt dataskyddsförordningen",
            "Socialförvaltningen",
            PointStatus::Partial,
            Basis::Deadlines { met: 1, late: 1, missed: 0 },
            None,
        ),
    ];
    c.incidents = Some(IncidentSection {
        total: 7,
        personal_data: 2,
        open: 3,
        by_category: vec![("attack".into(), 4), ("handling_error".into(), 3)],
        by_severity: vec![("low".into(), 3), ("moderate".into(), 2), ("serious".into(), 1), ("critical".into(), 1)],
        deadlines: DeadlineTally { met: 3, late: 1, missed: 1, running: 0, not_required: 1 },
        median_hours_to_close: Some(100.0),
        notable: vec![NotableIncident {
            title: "Nätfiske mot lönesystemet".into(),
            org: "Socialförvaltningen".into(),
            category: "attack".into(),
            severity: "critical".into(),
            personal_data: true,
            lessons: "Tvåfaktorsinloggning för alla konton i lönesystemet.".into(),
            deadlines_missed: 1,
        }],
        trend: vec![(2024, 3), (2025, 5), (2026, 7)],
    });
    c.training = vec![TrainingLine {
        course: "Grundkurs i informationssäkerhet".into(),
        topic: Topic::InformationSecurity,
        target_pct: 90,
        completed: 450,
        headcount: 600,
        trend: vec![(2024, 200, 580), (2025, 380, 590), (2026, 450, 600)],
    }];
    c
}

fn ctx(lang: Language) -> Ctx {
    Ctx::new(lang, None, "/reviews")
}

#[test]
fn the_basis_is_said_in_words_in_both_languages() {
    let b = Basis::Coverage { completed: 60, headcount: 100, target_pct: 90 };
    assert_eq!(registers::basis(&ctx(Language::Sv), &b), "60 av 100 har gått kursen (60 %). Målet är 90 %.");
    assert_eq!(
        registers::basis(&ctx(Language::En), &b),
        "60 of 100 have completed the course (60 %). The target is 90 %."
    );
    let b = Basis::Coverage { completed: 0, headcount: 0, target_pct: 80 };
    assert_eq!(registers::basis(&ctx(Language::Sv), &b), "0 av 0 har gått kursen (– %). Målet är 80 %.");
    let b = Basis::Incidents { total: 4, open_long: 1, closed_without_lessons: 2 };
    assert_eq!(
        registers::basis(&ctx(Language::Sv), &b),
        "Registrerade incidenter: 4. Öppna i mer än 30 dagar: 1. Avslutade utan lärdomar: 2."
    );
    assert_eq!(registers::basis(&ctx(Language::En), &Basis::NoIncidents), "No incidents are registered for the year.");
    let b = Basis::Deadlines { met: 1, late: 1, missed: 0 };
    assert_eq!(registers::basis(&ctx(Language::Sv), &b), "Anmälningar i tid: 1. För sent: 1. Inte gjorda: 0.");
}

#[test]
fn computed_statuses_stand_beside_the_reported_ones_and_disagreement_is_said() {
    let c = sample();
    let v = registers::computed(&ctx(Language::Sv), &c);
    let rows: Vec<_> = v
        .rows
        .iter()
        .map(|r| (r.unit.as_str(), r.reported.as_str(), r.computed.as_str(), r.verdict.as_str()))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Skolförvaltningen", "Genomförd", "Delvis", "Skiljer sig"),
            ("Socialförvaltningen", "Genomförd", "Genomförd", "Stämmer"),
            ("Skolförvaltningen", "Genomförd", "Delvis", "Skiljer sig"),
            ("Socialförvaltningen", "Inte rapporterat", "Delvis", "–"),
        ]
    );
    assert_eq!(v.summary, "Punkter där enhetens läge skiljer sig från registren: 2.");
    let m = registers::cell_mark(&ctx(Language::Sv), &c, TRAIN, "Skolförvaltningen").unwrap();
    assert!(m.disagrees);
    assert_eq!(m.text, "skiljer sig, enligt registren: Delvis");
    let m = registers::cell_mark(&ctx(Language::En), &c, TRAIN, "Socialförvaltningen").unwrap();
    assert_eq!((m.disagrees, m.text.as_str()), (false, "according to the registers: Done"));
    assert!(registers::cell_mark(&ctx(Language::Sv), &c, "Riskanalys", "Skolförvaltningen").is_none());
}

#[test]
fn incidents_and_training_in_figures() {
    let c = sample();
    let i = registers::incidents(&ctx(Language::Sv), &c);
    assert!(i.empty.is_none());
    assert_eq!(i.facts[3], ("Mediantid från upptäckt till avslut".into(), "4 dagar".into()));
    assert_eq!(i.by_category[0].label, "Angrepp");
    assert_eq!(i.by_severity[3].label, "Kritisk");
    assert!(i.category_chart.starts_with("<svg") && i.trend_chart.contains("2025"));
    assert_eq!(
        i.deadlines_summary,
        "6 anmälningar skulle göras. 3 gjordes i tid, 1 gjordes för sent och 1 gjordes inte."
    );
    assert_eq!(i.notable[0].missed, "Anmälningar för sent eller inte gjorda: 1");
    let t = registers::training(&ctx(Language::Sv), &c);
    let r = &t.rows[0];
    assert_eq!(
        (r.coverage.as_str(), r.target.as_str(), r.completed.as_str(), r.status.as_str(), r.below),
        ("75 %", "90 %", "450 / 600", "Under målet", true)
    );
    assert_eq!(r.trend, "2024: 34 % · 2025: 64 % · 2026: 75 %");
    assert!(t.chart.starts_with("<svg") && t.trend_chart.starts_with("<svg"));
}

#[test]
fn empty_registers_say_so_in_plain_words() {
    let c = bare();
    let i = registers::incidents(&ctx(Language::Sv), &c);
    assert_eq!(i.empty.as_deref(), Some("Inga incidenter registrerade 2026."));
    let i = registers::incidents(&ctx(Language::En), &c);
    assert_eq!(i.empty.as_deref(), Some("No incidents registered in 2026."));
    let t = registers::training(&ctx(Language::Sv), &c);
    assert!(t.empty.as_deref().is_some_and(|e| e.starts_with("Inga kurser")));
    assert!(registers::computed(&ctx(Language::Sv), &c).rows.is_empty());
}

#[test]
fn count_ticks_are_round() {
    assert_eq!(registers::count_ticks(0), (1.0, vec![0.0, 1.0]));
    assert_eq!(registers::count_ticks(7), (8.0, vec![0.0, 2.0, 4.0, 6.0, 8.0]));
    assert_eq!(registers::count_ticks(23), (25.0, vec![0.0, 5.0, 10.0, 15.0, 20.0, 25.0]));
}

fn review() -> store::Review {
    let at = chrono::DateTime::from_timestamp(1_790_000_000, 0).expect("a time");
    store::Review {
        id: uuid::Uuid::nil(),
        org_id: uuid::Uuid::nil(),
        year: 2026,
        revision: 1,
        status: domain::review::ReviewStatus::Draft,
        meeting_date: None,
        participants: String::new(),
        snapshot: None,
        content_hash: None,
        created_by: "test".into(),
        created_at: at,
        updated_at: at,
        adopted_at: None,
        adopted_by: None,
    }
}

fn page(lang: Language, c: ReviewContent) -> String {
    let detail = crate::app::review::ReviewDetail {
        content: c,
        decisions: vec![],
        others: vec![],
        documents: vec![],
        files: vec![],
    };
    super::show::render_page(ctx(lang), review(), detail)
}

/// The text of a PDF, by poppler's pdftotext (as the HTTP tests read it).
fn pdf_text(pdf: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("lisa-review-pdf-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let file = dir.join("r.pdf");
    std::fs::write(&file, pdf).expect("write the PDF");
    let out = std::process::Command::new("pdftotext")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (Debian package poppler-utils) is needed; ./scripts/test installs it");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The section of a page from its heading's id to the next section.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("id=\"s-{id}\"")).unwrap_or_else(|| panic!("section {id} on the page"));
    let rest = &html[start..];
    &rest[..rest[1..].find("<section").map_or(rest.len(), |i| i + 1)]
}

#[test]
fn the_page_shows_the_registers_sections_and_the_computed_statuses() {
    let html = page(Language::Sv, sample());
    let inc = section(&html, "incidents");
    for want in [
        "Incidenter",
        "Angrepp",
        "Kritisk",
        "4 dagar",
        "6 anmälningar skulle göras. 3 gjordes i tid, 1 gjordes för sent och 1 gjordes inte.",
        "Nätfiske mot lönesystemet",
        "Tvåfaktorsinloggning för alla konton i lönesystemet.",
        "Anmälningar för sent eller inte gjorda: 1",
        "Incidenter per år",
        "<svg",
    ] {
        assert!(inc.contains(want), "incidents: {want}\n{inc}");
    }
    let tr = section(&html, "training");
    for want in
        ["Utbildning", "Grundkurs i informationssäkerhet", "75 %", "450 / 600", "Under målet", "2024: 34 %", "<svg"]
    {
        assert!(tr.contains(want), "training: {want}\n{tr}");
    }
    let units = section(&html, "unit_reports");
    for want in [
        "Läget enligt registren",
        "Punkter där enhetens läge skiljer sig från registren: 2.",
        "<span class=\"badge\">Skiljer sig</span>",
        "60 av 100 har gått kursen (60 %). Målet är 90 %.",
        "Inte rapporterat",
        // Beside the reported status in the units' points table.
        "Genomförd<br><span class=\"badge\">skiljer sig, enligt registren: Delvis</span>",
        "Genomförd<br><span class=\"muted\">enligt registren: Genomförd</span>",
    ] {
        assert!(units.contains(want), "points: {want}\n{units}");
    }
    let en = page(Language::En, sample());
    let inc = section(&en, "incidents");
    assert!(inc.contains("<td>Attack</td>") && inc.contains("<td>Critical</td>") && inc.contains("4 days"), "{inc}");
    let units = section(&en, "unit_reports");
    assert!(
        units.contains("Status according to the registers") && units.contains("<span class=\"badge\">Differs</span>")
    );
    assert!(section(&en, "training").contains("Below the target"));
}

#[test]
fn an_empty_register_is_a_sentence_not_a_chart() {
    let html = page(Language::Sv, bare());
    let inc = section(&html, "incidents");
    assert!(inc.contains("Inga incidenter registrerade 2026."), "{inc}");
    assert!(!inc.contains("<svg"), "no chart of nothing");
    let tr = section(&html, "training");
    assert!(tr.contains("Inga kurser är registrerade"), "{tr}");
    assert!(!tr.contains("<svg"));
    assert!(!html.contains("Läget enligt registren"), "no computed statuses without registers");
}

#[test]
fn the_report_and_its_pdf_carry_the_registers() {
    let c = sample();
    let rep = super::report(&ctx(Language::Sv), &review(), &c);
    let headings: Vec<&str> = rep.sections.iter().map(|s| s.heading.as_str()).collect();
    let (inc, tr, audits) = (
        headings.iter().position(|h| *h == "Incidenter").expect("an incident section"),
        headings.iter().position(|h| *h == "Utbildning").expect("a training section"),
        headings.iter().position(|h| h.starts_with("Granskningar")).expect("the audits section"),
    );
    assert!(audits < inc && inc < tr, "in the order of the page: {headings:?}");
    let charts = |i: usize| {
        rep.sections[i].blocks.iter().filter(|b| matches!(b, documents::report::Block::Chart { .. })).count()
    };
    assert_eq!((charts(inc), charts(tr)), (2, 2), "category and trend; coverage and trend");
    let text = pdf_text(&documents::report::pdf(&rep).expect("the PDF renders"));
    for want in [
        "Incidenter per kategori",
        "Angrepp",
        "Nätfiske mot lönesystemet",
        "Tvåfaktorsinloggning",
        "Grundkurs i informationssäkerhet",
        "450 / 600",
        "Läget enligt registren",
        "Skiljer sig",
        "60 av 100 har gått kursen (60 %). Målet är 90 %.",
        "skiljer sig, enligt registren: Delvis",
    ] {
        assert!(text.contains(want), "PDF: {want}\n{text}");
    }
    let docx = documents::report::docx(&rep).expect("the Word document renders");
    assert!(docx.len() > 1000);
    let en = super::report(&ctx(Language::En), &review(), &bare());
    let text = pdf_text(&documents::report::pdf(&en).expect("the PDF renders"));
    assert!(text.contains("No incidents registered in 2026."), "{text}");
    assert!(text.contains("No courses are registered"), "{text}");
}

#[test]
fn the_asset_section_and_its_computed_statuses_reach_the_page_and_the_report() {
    use domain::assets::coverage::Share;
    use domain::assets::coverage::{AssetBasis, UnitFacts};
    use domain::assets::trend::TrendPoint;
    use domain::review::assets::{AssetSection, AssetUnitLine, UntreatedRisk};
    let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).expect("a date");
    let mut c = sample();
    let f = UnitFacts {
        assets: 30,
        assets_classified: 20,
        assets_current: 18,
        systems: 10,
        systems_with_owner_and_manager: 7,
        objects: 40,
        objects_with_recent_risk_analysis: 12,
        high_risks: 3,
        high_risks_untreated: 1,
        processings: 8,
        processings_complete: 6,
        processor_systems: 4,
        processor_systems_without_agreement: 1,
        ..Default::default()
    };
    c.assets = Some(AssetSection {
        total: f,
        risk_months: 12,
        units: vec![AssetUnitLine { unit: "Skolförvaltningen".into(), facts: f }],
        untreated: vec![UntreatedRisk {
            scenario: "Elevregistret läcker ut".into(), org: "Skolförvaltningen".into()
        }],
        trend: vec![
            TrendPoint { year: 2021, as_of: d(2021, 12, 31), ..Default::default() },
            TrendPoint {
                year: 2025,
                as_of: d(2025, 12, 31),
                classified: Share { covered: 9, total: 27 },
                risk_analysed: Share { covered: 4, total: 35 },
                agreements: Share { covered: 2, total: 4 },
            },
            TrendPoint {
                year: 2026,
                as_of: d(2026, 11, 30),
                classified: Share { covered: 18, total: 30 },
                risk_analysed: Share { covered: 12, total: 40 },
                agreements: Share { covered: 3, total: 4 },
            },
        ],
    });
    c.computed.push(ComputedLine {
        point: "Informationsklassning".into(),
        unit: "Skolförvaltningen".into(),
        computed: Computed {
            status: PointStatus::Partial,
            basis: Basis::Assets { basis: AssetBasis::Classified { current: 18, classified: 20, assets: 30 } },
        },
        reported: Some(PointStatus::Done),
    });
    let html = page(Language::Sv, c.clone());
    let s = section(&html, "assets");
    for want in ["18 av 30 (60 %)", "7 av 10 (70 %)", "Elevregistret läcker ut", "<svg", "1 / 4", "18 / 30 (60 %)"] {
        assert!(s.contains(want), "{want}: {s}");
    }
    // The trend starts at the first year with anything in the registers.
    assert!(s.contains("Utveckling över tid") && s.contains("9 / 27 (33 %)") && s.contains("2025-12-31"), "{s}");
    assert!(!s.contains("2021-12-31"), "{s}");
    let units = section(&html, "unit_reports");
    assert!(units.contains("18 av 30 informationstillgångar är klassade och aktuella (60 %)"), "{units}");
    assert!(section(&page(Language::Sv, bare()), "assets").contains("Registren har inga"));
    let en = page(Language::En, c.clone());
    assert!(section(&en, "assets").contains("18 of 30 (60 %)"));

    let rep = super::report(&ctx(Language::Sv), &review(), &c);
    let headings: Vec<&str> = rep.sections.iter().map(|s| s.heading.as_str()).collect();
    let tr = headings.iter().position(|h| *h == "Utbildning").expect("training");
    let i = headings
        .iter()
        .position(|h| *h == "Informationstillgångar, risker och personuppgifter")
        .expect("the asset section");
    assert_eq!(i, tr + 1, "{headings:?}");
    let charts = rep.sections[i].blocks.iter().filter(|b| matches!(b, documents::report::Block::Chart { .. })).count();
    assert_eq!(charts, 2, "the coverage and its trend");
    let text = pdf_text(&documents::report::pdf(&rep).expect("the PDF renders"));
    for want in [
        "18 av 30 (60 %)",
        "Elevregistret läcker ut",
        "Höga risker utan åtgärd",
        "Utveckling över tid",
        "9 / 27 (33 %)",
    ] {
        assert!(text.contains(want), "PDF: {want}\n{text}");
    }
    assert!(documents::report::docx(&rep).expect("the Word document renders").len() > 1000);
}
