//! Audits feed the rest of Lisa: the management review lists the open
//! recommendations of the organisation's part of the tree, the action plan
//! filters by audit and an action links back to its recommendation, the
//! start page asks the audited body for its answer, and the year wheel shows
//! the day the answers are due.

use chrono::Datelike;
use domain::audits::{AuditFields, ResponseInput, Stance, parse_recommendation};
use domain::plan::{ActionFields, Origin};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::TestApp;
use crate::plans::{docx_xml, pdf_text};

/// An audit kept under `org` of `bodies`, its answers due on `due`.
async fn audit(app: &TestApp, org: Uuid, title: &str, due: chrono::NaiveDate, bodies: &[Uuid]) -> store::OrgAudit {
    let fields = AuditFields {
        title: title.into(),
        kind: "elected".into(),
        auditor_org: "Revisionsbyrån AB".into(),
        responses_due: due.to_string(),
        ..Default::default()
    };
    app.store.insert_org_audit(&store::Actor::cli(), org, fields.parse().unwrap(), bodies).await.unwrap()
}

/// Adds a recommendation to `to` and returns each body's copy, by body.
async fn recommend(app: &TestApp, a: &store::OrgAudit, text: &str, to: &[Uuid]) -> Vec<(Uuid, Uuid)> {
    let input = parse_recommendation(text, to, false, &a.bodies).unwrap();
    let r = app.store.add_recommendation(&store::Actor::cli(), a.id, input).await.unwrap();
    r.targets.iter().map(|t| (t.org_id, t.id)).collect()
}

fn copy_of(copies: &[(Uuid, Uuid)], org: Uuid) -> Uuid {
    copies.iter().find(|(o, _)| *o == org).unwrap().1
}

async fn action(app: &TestApp, org: Uuid, title: &str, origin: Origin, origin_ref: &str) -> store::Action {
    let fields = ActionFields {
        title: title.into(),
        status: "planned".into(),
        origin: origin.code().into(),
        origin_ref: origin_ref.into(),
        ..Default::default()
    };
    app.store.insert_action(&store::Actor::cli(), org, fields.parse().unwrap()).await.unwrap()
}

pub async fn audit_feeds_reach_the_review_plan_start_page_and_year_wheel(app: &TestApp) {
    use domain::user::Role;
    let kommun = app.org_id("Exempla kommun").await;
    let energi = app.org_id("Exempla Energi AB").await;
    let bostader = app.org_id("Exempla Bostäder AB").await;
    let region = app.org_id("Region Exempla").await;
    let ciso = app.login("ciso@exempla.se").await;
    let energi_ciso = app.user_at("ciso@feeds.energi.exempla.se", Role::Ciso, energi).await;
    let bostader_ciso = app.user_at("ciso@feeds.bostader.exempla.se", Role::Ciso, bostader).await;

    // An audit of the two bolag whose answers were due a month ago: one
    // recommendation to each, one to both.
    let due = domain::clock::today() - chrono::Duration::days(30);
    let a = audit(app, kommun, "Granskning av bolagens informationssäkerhet", due, &[energi, bostader]).await;
    let to_energi = recommend(app, &a, "Energibolaget ska klassa sina styrsystem.", &[energi]).await;
    let to_bostader = recommend(app, &a, "Bostadsbolaget ska öva sin incidentrutin.", &[bostader]).await;
    let to_both = recommend(app, &a, "Bolagen ska rapportera till styrelsen varje år.", &[energi, bostader]).await;
    // An audit of another organisation, out of the kommun's reach.
    let elsewhere = audit(app, region, "Regionens granskning", due, &[region]).await;

    // The kommun's review lists both bolag's open recommendations, the
    // overdue answers flagged.
    let reviews = app.store.list_reviews(&store::OrgScope::Org(kommun)).await.unwrap();
    let draft = reviews.iter().find(|r| r.status == domain::review::ReviewStatus::Draft).expect("a draft review");
    let page = ciso.get(&format!("/reviews/{}", draft.id)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Granskningar: öppna rekommendationer"), "the section is there");
    for text in ["Energibolaget ska klassa", "Bostadsbolaget ska öva", "Bolagen ska rapportera"] {
        assert!(page.text.contains(text), "{text} on the kommun's review");
    }
    assert!(page.text.contains(&format!("/audit-copies/{}", copy_of(&to_energi, energi))), "linked to the copy");
    assert!(page.text.contains("Försenat, skulle vara inne"), "the overdue answers are flagged");
    // The same in the review's Word and PDF reports.
    let (status, _, docx) = ciso.get_bytes(&format!("/reviews/{}/report.docx", draft.id)).await;
    assert_eq!(status, StatusCode::OK);
    let text = docx_xml(&docx);
    assert!(text.contains("Granskningar: öppna rekommendationer") && text.contains("Bostadsbolaget ska öva"));
    let (status, _, pdf) = ciso.get_bytes(&format!("/reviews/{}/report.pdf", draft.id)).await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&pdf);
    assert!(text.contains("Granskningar: öppna") && text.contains("Energibolaget ska klassa"), "{text}");

    // A bolag's own review lists only its own.
    let year = domain::clock::today().year() + 4;
    let own = app.store.insert_review(&store::Actor::cli(), energi, year).await.unwrap();
    let page = energi_ciso.get(&format!("/reviews/{}", own.id)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("Energibolaget ska klassa") && page.text.contains("Bolagen ska rapportera"));
    assert!(!page.text.contains("Bostadsbolaget ska öva"), "not the other bolag's recommendation");
    assert!(!page.text.contains("Regionens granskning"));

    // Actions: one made from the energy company's copy, one of the same
    // bolag from elsewhere.
    let made =
        action(app, energi, "Klassa styrsystemen", Origin::Audit, &copy_of(&to_energi, energi).to_string()).await;
    action(app, energi, "Byt brandväggen", Origin::None, "").await;
    action(app, bostader, "Öva incidentrutinen", Origin::Audit, &copy_of(&to_bostader, bostader).to_string()).await;
    let plan = ciso.get("/plan").await;
    assert!(plan.text.contains(&format!("<option value=\"{}\"", a.id)), "the audit is in the filter");
    assert!(!plan.text.contains(&elsewhere.id.to_string()), "another organisation's audit is not");
    let filtered = ciso.get(&format!("/plan?audit={}", a.id)).await;
    assert_eq!(filtered.status, StatusCode::OK, "{}", filtered.text);
    assert!(filtered.text.contains("Klassa styrsystemen") && filtered.text.contains("Öva incidentrutinen"));
    assert!(!filtered.text.contains("Byt brandväggen"), "only actions made from the audit");
    assert!(filtered.text.contains(&format!("audit={}", a.id)), "the exports keep the filter");
    // The energy company's CISO sees its own copy's action only.
    let own_plan = energi_ciso.get(&format!("/plan?audit={}", a.id)).await;
    assert!(own_plan.text.contains("Klassa styrsystemen") && !own_plan.text.contains("Öva incidentrutinen"));
    // The API filters the same way.
    let api = ciso.get(&format!("/api/v1/actions?audit={}", a.id)).await.json();
    let titles: Vec<&str> = api["actions"].as_array().unwrap().iter().map(|x| x["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles.contains(&"Klassa styrsystemen") && titles.contains(&"Öva incidentrutinen"), "{titles:?}");
    // Another organisation's audit, and one that does not exist, are not found.
    for id in [elsewhere.id, Uuid::now_v7()] {
        assert_eq!(ciso.get(&format!("/plan?audit={id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(ciso.get(&format!("/api/v1/actions?audit={id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(ciso.get(&format!("/plan.csv?audit={id}")).await.status, StatusCode::NOT_FOUND);
    }
    // The other bolag does not read the energy company's copies: no 404,
    // but none of its actions either.
    let other = bostader_ciso.get(&format!("/plan?audit={}", a.id)).await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(!other.text.contains("Klassa styrsystemen") && other.text.contains("Öva incidentrutinen"));
    // The action's page links to its recommendation, with the audit's title.
    let page = ciso.get(&format!("/plan/{}", made.id)).await;
    assert!(page.text.contains(&format!("href=\"/audit-copies/{}\"", copy_of(&to_energi, energi))), "{}", page.text);
    assert!(page.text.contains("Från en rekommendation i granskningen Granskning av bolagens informationssäkerhet"));

    // The start page asks each bolag's CISO for its own answers, overdue.
    let energi_copy = copy_of(&to_energi, energi);
    let energi_both = copy_of(&to_both, energi);
    let bostader_copy = copy_of(&to_bostader, bostader);
    // Energi has two copies of the audit: one task, leading to the audit.
    let home = energi_ciso.get("/").await;
    assert!(home.text.contains(&format!("/audits/{}#recommendations", a.id)), "{}", home.text);
    assert!(home.text.contains("2 rekommendationer väntar på organisationens yttrande"), "{}", home.text);
    assert!(home.text.contains("Yttrandet till granskningen är försenat för Exempla Energi AB"));
    assert!(!home.text.contains(&format!("/audit-copies/{bostader_copy}")), "not another bolag's");
    let home = bostader_ciso.get("/").await;
    assert!(home.text.contains(&format!("/audits/{}#recommendations", a.id)), "{}", home.text);
    assert!(home.text.contains("Yttrandet till granskningen är försenat för Exempla Bostäder AB"));
    assert!(!home.text.contains(&format!("/audit-copies/{energi_copy}")), "not another bolag's");
    // Once answered, it is no task any more (the list is kept until the data changes).
    let answer = ResponseInput {
        stance: Stance::Agrees,
        measures: "Styrsystemen klassas.".into(),
        responsible: "IT-chefen".into(),
        due: Some(domain::clock::today() + chrono::Duration::days(90)),
        decided_by: "Styrelsen".into(),
        decided_on: Some(domain::clock::today()),
    };
    app.store.answer_target(&store::Actor::cli(), energi_copy, answer).await.unwrap();
    let home = energi_ciso.get("/").await;
    assert!(!home.text.contains(&format!("/audit-copies/{energi_copy}")), "answered");
    assert!(home.text.contains(&format!("/audit-copies/{energi_both}")), "the other one still waits");

    // The year wheel shows the day the answers were due, with the answers missing.
    let wheel = ciso.get(&format!("/yearwheel?year={}", due.year())).await;
    assert_eq!(wheel.status, StatusCode::OK);
    assert!(wheel.text.contains(&format!("href=\"/audits/{}\"", a.id)), "{}", wheel.text);
    assert!(wheel.text.contains(&format!("{}/{}", due.day(), due.month())));
    assert!(wheel.text.contains("Yttranden saknas: 3"), "four copies, one answered");
    assert!(!wheel.text.contains("Regionens granskning"));
    let wheel = energi_ciso.get(&format!("/yearwheel?year={}", due.year())).await;
    assert!(wheel.text.contains("Yttranden saknas: 1"), "the bolag's own copies only");
}
