//! Models, evidence files, and answers out to and in from Excel.

use reqwest::StatusCode;

use crate::helpers::{Body, Client, TestApp};

pub async fn models_are_loaded_whole_or_not_at_all(app: &TestApp) {
    let admin = app.login("admin@exempla.se").await;
    let page = admin.get("/models").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("Lisas grundmodell"));
    let before = app.store.list_models().await.unwrap().len();
    // A file with errors: every one named with its line, nothing stored.
    let bad = lisa::builtin::SOURCE.replacen("level = 2\n", "level = 9\n", 1).replacen(
        "area = \"ledning\"",
        "area = \"finns-inte\"",
        1,
    );
    let res =
        admin.send("POST", "/models", Some(Body::Multipart { filename: "fel.toml", content: bad.into_bytes() })).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text.contains("Filen lästes inte in")
            && res.text.contains("rad ")
            && res.text.contains("området finns inte i modellen"),
        "{}",
        res.text
    );
    // The same version again: refused.
    let res = admin
        .send(
            "POST",
            "/models",
            Some(Body::Multipart { filename: "lisa.toml", content: lisa::builtin::SOURCE.as_bytes().to_vec() }),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Den versionen av modellen finns redan"));
    assert_eq!(app.store.list_models().await.unwrap().len(), before);
    // A new version is stored.
    let v2 = lisa::builtin::SOURCE.replacen("version = 1", "version = 2", 1);
    let res = admin
        .send("POST", "/models", Some(Body::Multipart { filename: "lisa-v2.toml", content: v2.into_bytes() }))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    assert_eq!(app.store.list_models().await.unwrap().len(), before + 1);
}

pub async fn evidence_files_are_kept_with_the_assessment(app: &TestApp) {
    let kommun = app.org_id("Exempla kommun").await;
    let draft = app.draft_assessment(kommun).await;
    let ciso = app.login("ciso@exempla.se").await;
    let url = format!("/assessments/{}/questions/ledning-1/evidence", draft.id);
    let content = "Informationssäkerhetspolicy, beslutad av kommunfullmäktige".as_bytes().to_vec();
    let res = ciso
        .send("POST", &url, Some(Body::Multipart { filename: "../../policy ÅÄÖ.txt", content: content.clone() }))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let page = ciso.get(&url).await.text;
    assert!(page.contains("policy ÅÄÖ.txt") && !page.contains("../"), "{page}");
    let files = app.store.list_evidence(draft.id).await.unwrap();
    let file = files.iter().find(|f| f.filename == "policy ÅÄÖ.txt").unwrap();
    let res = ciso
        .http
        .get(format!("{}/evidence/{}", ciso.base, file.id))
        .header("cookie", ciso.cookie.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(res.bytes().await.unwrap().to_vec(), content);
    // Too large, or empty: refused with a message.
    let res =
        ciso.send("POST", &url, Some(Body::Multipart { filename: "stor.bin", content: vec![7u8; 1_600_000] })).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("Filen är för stor"));
    // Another organisation never gets the file.
    let region = app.login("ciso@region-exempla.se").await;
    assert_eq!(region.get(&format!("/evidence/{}", file.id)).await.status, StatusCode::NOT_FOUND);
    // A submitted assessment takes no more files.
    let social = app.org_id("Socialförvaltningen").await;
    let submitted = app
        .store
        .list_assessments(&store::OrgScope::Org(social))
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.status.code() == "submitted")
        .unwrap();
    let res = ciso
        .send(
            "POST",
            &format!("/assessments/{}/questions/ledning-1/evidence", submitted.id),
            Some(Body::Multipart { filename: "x.txt", content: b"x".to_vec() }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
}

pub async fn download(c: &Client, path: &str) -> Vec<u8> {
    let res =
        c.http.get(format!("{}{}", c.base, path)).header("cookie", c.cookie.clone().unwrap()).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert!(res.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    res.bytes().await.unwrap().to_vec()
}

pub fn as_sheet(rows: Vec<Vec<String>>) -> documents::Sheet {
    documents::Sheet {
        name: "Svar".into(),
        rows: rows.into_iter().map(|r| r.into_iter().map(documents::Cell::Text).collect()).collect(),
        ..Default::default()
    }
}

pub async fn answers_go_out_and_in_through_excel(app: &TestApp) {
    let kommun = app.org_id("Exempla kommun").await;
    let draft = app.draft_assessment(kommun).await;
    let ciso = app.login("ciso@exempla.se").await;
    let bytes = download(&ciso, &format!("/assessments/{}/answers.xlsx", draft.id)).await;
    let rows = documents::read_sheet(&bytes, "Svar").unwrap();
    let header = rows.iter().position(|r| r[0] == "Fråge-id").unwrap();
    assert_eq!(rows.len() - header - 1, 68, "one row per question");
    let answer_col = rows[header].iter().position(|h| h == "Svar").unwrap();
    let comment_col = rows[header].iter().position(|h| h == "Kommentar").unwrap();
    // Change two answers and load the file back.
    let mut edited = rows.clone();
    let row_of = |id: &str| edited.iter().position(|r| r[0] == id).unwrap();
    let (r1, r2) = (row_of("risk-1"), row_of("nis-1"));
    edited[r1][answer_col] = "JA".into();
    edited[r1][comment_col] = "Riskanalys gjord i mars".into();
    edited[r2][answer_col] = "na".into();
    let file = documents::workbook(&[as_sheet(edited.clone())]).unwrap();
    let res = ciso
        .send(
            "POST",
            &format!("/assessments/{}/import", draft.id),
            Some(Body::Multipart { filename: "svar.xlsx", content: file }),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let answers = app.store.list_answers(draft.id).await.unwrap();
    let risk = answers.iter().find(|a| a.question_id == "risk-1").unwrap();
    assert_eq!((risk.answer.as_str(), risk.comment.as_str()), ("ja", "Riskanalys gjord i mars"));
    assert_eq!(answers.iter().find(|a| a.question_id == "nis-1").unwrap().answer, "na");
    // A wrong answer and an unknown question: both named by row and column, nothing stored.
    let before = app.store.list_answers(draft.id).await.unwrap();
    let mut bad = edited.clone();
    bad[r1][answer_col] = "kanske".into();
    let ledning1 = bad.iter().position(|r| r[0] == "ledning-1").unwrap();
    bad[ledning1][answer_col] = "na".into(); // ledning-1 does not allow "not applicable"
    bad[r2][0] = "finns-inte".into();
    let file = documents::workbook(&[as_sheet(bad)]).unwrap();
    let res = ciso
        .send(
            "POST",
            &format!("/assessments/{}/import", draft.id),
            Some(Body::Multipart { filename: "svar.xlsx", content: file }),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    // `as_sheet` writes an empty header row first, so the rows sit one lower in the file.
    assert!(res.text.contains(&format!("Rad {}, kolumn Svar", r1 + 2)), "{}", res.text);
    assert!(res.text.contains(&format!("Rad {}, kolumn Svar", ledning1 + 2)));
    assert!(res.text.contains(&format!("Rad {}, kolumn Fråge-id", r2 + 2)));
    assert_eq!(app.store.list_answers(draft.id).await.unwrap(), before);
    // Not an Excel file at all.
    let res = ciso
        .send(
            "POST",
            &format!("/assessments/{}/import", draft.id),
            Some(Body::Multipart { filename: "svar.xlsx", content: b"hej".to_vec() }),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("inte en Excel-fil"));
    // The result as PDF.
    let res = ciso
        .http
        .get(format!("{}/assessments/{}/result.pdf", ciso.base, draft.id))
        .header("cookie", ciso.cookie.clone().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF") && pdf.len() > 10_000);
    // The result workbook has the feedback.
    let bytes = download(&ciso, &format!("/assessments/{}/result.xlsx", draft.id)).await;
    let feedback = documents::read_sheet(&bytes, "Återkoppling").unwrap();
    assert!(feedback.len() > 3);
    let summary = documents::read_sheet(&bytes, "Resultat").unwrap();
    assert!(summary.iter().any(|r| r[0].starts_with("Nivå: ")));
}
