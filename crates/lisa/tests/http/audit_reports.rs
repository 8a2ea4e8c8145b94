//! An audit's follow-up report (PDF, Word) and the audit register (Excel):
//! they carry the audit's questions, findings, recommendations and answers,
//! and a body's own people never find another body's answer in them.

use reqwest::StatusCode;

use crate::helpers::{Client, TestApp};
use crate::plans::{docx_xml, pdf_text};

const TITLE: &str = "Granskning av informationssäkerheten i bolagen";
const QUESTION: &str = "Finns det aktuella styrande dokument?";
const MOTIVATION: &str = "Policyn nämner inte bolagen.";
const AREA: &str = "Incidenthantering";
const FINDING: &str = "Bolagen anmäler få incidenter.";
const TO_BOTH: &str = "Inför en rutin för att rapportera incidenter.";
const TO_ENERGI: &str = "Klassa all information i bolaget.";
const MEASURES: &str = "Energibolaget skriver en ny rutin.";
const RESPONSIBLE: &str = "Vd Energi";
const DECIDED_BY: &str = "Energibolagets styrelse";

/// The audit: kept by the kommun, of two bolag, with a question, a finding,
/// a recommendation to both and one to Energi alone; Energi has answered
/// the one to both. Returns the audit's id.
async fn audit_of_two_bolag(app: &TestApp) -> uuid::Uuid {
    use domain::audits::{AuditFields, FindingFields, QuestionFields, ResponseFields, parse_recommendation};
    let s = &app.store;
    let actor = store::Actor::cli();
    let kommun = app.org_id("Exempla kommun").await;
    let energi = app.org_id("Exempla Energi AB").await;
    let bostader = app.org_id("Exempla Bostäder AB").await;
    let fields = AuditFields {
        title: TITLE.into(),
        kind: "elected".into(),
        auditor_org: "Revisionsbyrån AB".into(),
        auditor_person: "Eva Ek".into(),
        period: "2026".into(),
        started: "2026-02-01".into(),
        report_delivered: "2026-05-15".into(),
        responses_due: "2026-08-31".into(),
        purpose: "Att bedöma om bolagen arbetar systematiskt med informationssäkerhet.".into(),
        follows_up: String::new(),
    };
    let a = s.insert_org_audit(&actor, kommun, fields.parse().unwrap(), &[energi, bostader]).await.unwrap();
    let q = QuestionFields {
        text: QUESTION.into(),
        areas: String::new(),
        assessment: "partly".into(),
        motivation: MOTIVATION.into(),
    };
    s.add_audit_question(&actor, a.id, q.parse().unwrap()).await.unwrap();
    let f = FindingFields { area: AREA.into(), text: FINDING.into() };
    s.add_audit_finding(&actor, a.id, f.parse().unwrap()).await.unwrap();
    let both = s.add_recommendation(&actor, a.id, parse_recommendation(TO_BOTH, &[], true, &a.bodies).unwrap());
    let both = both.await.unwrap();
    let one = parse_recommendation(TO_ENERGI, &[energi], false, &a.bodies).unwrap();
    s.add_recommendation(&actor, a.id, one).await.unwrap();
    let answer = ResponseFields {
        stance: "agrees".into(),
        measures: MEASURES.into(),
        responsible: RESPONSIBLE.into(),
        due: "2027-03-31".into(),
        decided_by: DECIDED_BY.into(),
        decided_on: "2026-08-20".into(),
    };
    let copy = both.targets.iter().find(|t| t.org_id == energi).unwrap();
    s.answer_target(&actor, copy.id, answer.parse().unwrap()).await.unwrap();
    a.id
}

/// A CISO of Exempla Bostäder AB only.
async fn bostader_ciso(app: &TestApp) -> Client {
    let bostader = app.org_id("Exempla Bostäder AB").await;
    app.user_at("ciso@bostader.exempla.se", domain::user::Role::Ciso, bostader).await
}

/// The follow-up report as text (PDF and Word) and the register's two sheets.
struct Documents {
    pdf: String,
    docx: String,
    audits: Vec<Vec<String>>,
    copies: Vec<Vec<String>>,
}

async fn documents_of(c: &Client, id: uuid::Uuid) -> Documents {
    let (status, headers, pdf) = c.get_bytes(&format!("/audits/{id}/follow-up.pdf")).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(headers["content-type"], "application/pdf");
    let name = headers["content-disposition"].to_str().unwrap();
    assert!(
        name.contains("filename=\"uppfoljningsrapport-granskning-av-informationssakerheten-i-bolagen.pdf\""),
        "{name}"
    );
    let (status, headers, docx) = c.get_bytes(&format!("/audits/{id}/follow-up.docx")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-disposition"].to_str().unwrap().contains(".docx\""));
    let (status, headers, xlsx) = c.get_bytes("/audit-register.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers["content-disposition"].to_str().unwrap().contains("filename=\"granskningsregister-"));
    Documents {
        pdf: pdf_text(&pdf),
        docx: docx_xml(&docx),
        audits: documents::read_sheet(&xlsx, "Granskningar").unwrap(),
        copies: documents::read_sheet(&xlsx, "Rekommendationer").unwrap(),
    }
}

fn row_with<'a>(rows: &'a [Vec<String>], cell: &str, and: &str) -> Option<&'a Vec<String>> {
    rows.iter().find(|r| r.iter().any(|c| c == cell) && r.iter().any(|c| c == and))
}

pub async fn audit_reports_carry_the_audit_and_only_what_the_caller_sees(app: &TestApp) {
    let id = audit_of_two_bolag(app).await;

    // The kommun's CISO reads the whole audit.
    let ciso = app.login("ciso@exempla.se").await;
    let d = documents_of(&ciso, id).await;
    for want in [
        "Uppföljningsrapport",
        TITLE,
        "Förtroendevalda revisorer",
        "Revisionsbyrån AB (Eva Ek)",
        "2026-08-31",
        "Exempla Energi AB",
        "Exempla Bostäder AB",
        QUESTION,
        "Delvis uppfyllt",
        MOTIVATION,
        AREA,
        FINDING,
        TO_BOTH,
        TO_ENERGI,
        "Instämmer",
        MEASURES,
        RESPONSIBLE,
        "2027-03-31",
        DECIDED_BY,
        "2026-08-20",
        "Åtgärd planerad",
        "Öppen",
        "Sida 2 av",
    ] {
        assert!(d.pdf.contains(want), "the PDF lacks {want:?}: {}", d.pdf);
    }
    for want in [TITLE, QUESTION, "Delvis uppfyllt", MOTIVATION, FINDING, TO_BOTH, TO_ENERGI, MEASURES, DECIDED_BY] {
        assert!(d.docx.contains(want), "the DOCX lacks {want:?}");
    }
    // The status chart: three copies, one with measures planned, two open.
    assert!(d.pdf.contains("Rekommendationerna efter läge"), "{}", d.pdf);
    let audit = d.audits.iter().find(|r| r.first().map(String::as_str) == Some(TITLE)).expect("the audit's row");
    for want in ["Förtroendevalda revisorer", "Revisionsbyrån AB", "Eva Ek", "Exempla kommun", "2026-02-01", "2"] {
        assert!(audit.iter().any(|c| c == want), "the audit's row lacks {want:?}: {audit:?}");
    }
    let answered = row_with(&d.copies, "Exempla Energi AB", MEASURES).expect("Energi's answer");
    for want in [TITLE, TO_BOTH, "Åtgärd planerad", "Instämmer", RESPONSIBLE, "2027-03-31", DECIDED_BY, "2026-08-20"]
    {
        assert!(answered.iter().any(|c| c == want), "Energi's row lacks {want:?}: {answered:?}");
    }
    assert!(row_with(&d.copies, "Exempla Bostäder AB", TO_BOTH).is_some(), "{:?}", d.copies);
    assert!(row_with(&d.copies, "Exempla Energi AB", TO_ENERGI).is_some(), "{:?}", d.copies);
    let of_audit = d.copies.iter().filter(|r| r.first().map(String::as_str) == Some(TITLE)).count();
    assert_eq!(of_audit, 3, "a row per copy: {:?}", d.copies);

    // Bostäder's CISO: the audit and Bostäder's own copy, never Energi's.
    let bo = bostader_ciso(app).await;
    let d = documents_of(&bo, id).await;
    for want in [TITLE, QUESTION, MOTIVATION, FINDING, TO_BOTH, "Exempla Bostäder AB", "Inget yttrande ännu"] {
        assert!(d.pdf.contains(want), "Bostäder's PDF lacks {want:?}: {}", d.pdf);
    }
    assert!(d.docx.contains(TO_BOTH) && d.docx.contains("Exempla Bostäder AB"));
    for secret in [MEASURES, RESPONSIBLE, DECIDED_BY, TO_ENERGI, "Exempla Energi AB"] {
        assert!(!d.pdf.contains(secret), "Bostäder's PDF shows {secret:?}: {}", d.pdf);
        assert!(!d.docx.contains(secret), "Bostäder's DOCX shows {secret:?}");
        let cells = d.audits.iter().chain(&d.copies).flatten();
        assert!(!cells.into_iter().any(|c| c.contains(secret)), "Bostäder's register shows {secret:?}");
    }
    assert!(d.audits.iter().any(|r| r.first().map(String::as_str) == Some(TITLE)), "{:?}", d.audits);
    let own: Vec<&Vec<String>> = d.copies.iter().filter(|r| r.first().map(String::as_str) == Some(TITLE)).collect();
    assert_eq!(own.len(), 1, "Bostäder's one copy: {:?}", d.copies);
    assert!(own[0].iter().any(|c| c == "Öppen") && own[0].iter().any(|c| c == "Exempla Bostäder AB"), "{own:?}");

    // Another kommun's CISO: no report, nothing in the register; anonymous: to the login.
    let outsider = app.login("ciso@region-exempla.se").await;
    for path in [format!("/audits/{id}/follow-up.pdf"), format!("/audits/{id}/follow-up.docx")] {
        assert_eq!(outsider.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(app.anonymous().get(&path).await.status, StatusCode::SEE_OTHER, "{path}");
    }
    let (status, _, xlsx) = outsider.get_bytes("/audit-register.xlsx").await;
    assert_eq!(status, StatusCode::OK);
    let cells: Vec<Vec<String>> =
        ["Granskningar", "Rekommendationer"].iter().flat_map(|s| documents::read_sheet(&xlsx, s).unwrap()).collect();
    assert!(!cells.iter().flatten().any(|c| c == TITLE || c.contains("Exempla")), "{cells:?}");
}
