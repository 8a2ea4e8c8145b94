//! Information assets and systems: the registers, their links, the
//! classification history, the installation's model and matrix, the
//! all-or-nothing imports, risks and DPIAs, the processing register and
//! agreements, the facts for coverage, and deleting an organisation.

use std::collections::BTreeMap;

use chrono::Datelike;

use domain::assets::classification::{AssetClassification, ClassificationModel};
use domain::assets::dpia::DpiaInput;
use domain::assets::processing::{Agreement, LegalBasis, ProcessingInput};
use domain::assets::risk::{RiskInput, RiskLevel, RiskMatrix, RiskObject, Treatment};
use domain::assets::system::{AssetInput, Hosting, SystemInput};
use domain::org::OrgKind;
use store::{NameClash, OrgScope};
use uuid::Uuid;

use crate::common::*;
use crate::plans::kommun;

fn asset(name: &str, unit: Option<Uuid>) -> AssetInput {
    AssetInput { name: name.into(), description: String::new(), information_owner: "Socialchef".into(), unit }
}

fn system(name: &str) -> SystemInput {
    SystemInput {
        name: name.into(),
        description: "Verksamhetssystem".into(),
        system_owner: String::new(),
        object_manager: String::new(),
        supplier: String::new(),
        hosting: None,
        country: None,
        contract: String::new(),
        processes_personal_data: false,
    }
}

fn supplied(name: &str, supplier: &str, contract: &str, personal: bool) -> SystemInput {
    SystemInput {
        supplier: supplier.into(),
        contract: contract.into(),
        processes_personal_data: personal,
        hosting: Some(Hosting::Cloud),
        country: Some("SE".into()),
        system_owner: "IT-chef".into(),
        object_manager: "Anna".into(),
        ..system(name)
    }
}

fn classification(conf: u8, on: &str, next: &str) -> AssetClassification {
    AssetClassification {
        levels: BTreeMap::from([
            ("confidentiality".to_owned(), conf),
            ("integrity".to_owned(), 2),
            ("availability".to_owned(), 1),
        ]),
        motivation: "Känsliga personuppgifter.".into(),
        classified_on: d(on),
        classified_by: "Informationsägaren".into(),
        next_review: d(next),
    }
}

fn risk(kind: RiskObject, object: Uuid, l: u8, c: u8) -> RiskInput {
    RiskInput {
        scenario: "Obehörig åtkomst".into(),
        object_kind: kind,
        object_id: object,
        likelihood: l,
        consequence: c,
        residual: None,
        treatment: None,
        owner: "Förvaltningschef".into(),
        accepted: None,
        review_on: Some(d("2027-06-30")),
    }
}

fn processing(name: &str, complete: bool, needs_dpia: Option<bool>) -> ProcessingInput {
    let t = |s: &str| if complete { s.to_owned() } else { String::new() };
    ProcessingInput {
        name: name.into(),
        purpose: t("Dokumentation"),
        legal_basis: complete.then_some(LegalBasis::LegalObligation),
        legal_provision: t("SoL 11 kap."),
        data_subjects: t("Brukare"),
        personal_data: t("Hälsa"),
        recipients: t("Inga"),
        transfers: complete.then_some(false),
        transfer_countries: String::new(),
        transfer_safeguard: String::new(),
        retention: t("Gallras efter fem år"),
        security_measures: t("Behörighetsstyrning"),
        needs_dpia,
    }
}

fn dpia(level: RiskLevel) -> DpiaInput {
    DpiaInput {
        description: "Journalföring".into(),
        purposes: "Dokumentation".into(),
        legitimate_interest: String::new(),
        necessity: "Krävs enligt lag".into(),
        risks: "Röjande".into(),
        measures: "Loggning".into(),
        dpo_advice: "Godkänd".into(),
        residual_level: level,
        prior_consultation: false,
        prior_consultation_on: None,
    }
}

fn agreement(supplier: &str, signed: Option<&str>, systems: Vec<Uuid>, processings: Vec<Uuid>) -> Agreement {
    Agreement { supplier: supplier.into(), signed_on: signed.map(d), expires_on: None, systems, processings }
}

#[track_caller]
fn assert_actions(n: &str, acts: &[String], expected: &[&str]) {
    for a in expected {
        assert!(acts.iter().any(|x| x == a), "{n}: {a} in {acts:?}");
    }
}

#[tokio::test]
async fn assets_and_systems_are_kept_scoped_and_named_once_per_organisation() {
    run("assets_and_systems_are_kept_scoped_and_named_once_per_organisation", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        let other = s.insert_org(&admin(), new_org("Annan kommun", OrgKind::Municipality, None)).await.unwrap().id;
        let before = db.verified().await;
        assert_conflict(
            n,
            s.insert_asset(&admin(), Uuid::now_v7(), asset("X", None)).await,
            "org_id",
            "error-org-unknown",
        );
        let outside = s.insert_asset(&admin(), f, asset("Elevakter", Some(k))).await;
        assert_conflict(n, outside, "unit", "error-asset-unit-unknown");
        assert_eq!(db.verified().await, before, "{n}: nothing written");

        let a = s.insert_asset(&admin(), k, asset("Åtgärdsplaner", Some(f))).await.unwrap();
        assert_eq!(s.find_asset(a.id).await.unwrap().unwrap(), a, "{n}");
        assert_eq!(a.data.unit, Some(f), "{n}");
        // Names are unique per organisation whatever the case and spacing (Swedish letters too).
        for dup in ["ÅTGÄRDSPLANER", "  åtgärdsplaner ", "Åtgärds\tplaner"] {
            let r = s.insert_asset(&admin(), k, asset(dup, None)).await;
            if dup.contains('\t') {
                r.unwrap();
            } else {
                assert_conflict(n, r, "name", "error-asset-name-taken");
            }
        }
        s.insert_asset(&admin(), other, asset("Åtgärdsplaner", None)).await.unwrap();
        let b = s.insert_asset(&admin(), f, asset("Brukarjournaler", None)).await.unwrap();
        let mut changed = a.data.clone();
        changed.description = "Handlingsplaner för åtgärder".into();
        changed.name = "Åtgärdsplaner 2027".into();
        let a2 = s.update_asset(&admin(), a.id, changed.clone()).await.unwrap();
        assert_eq!((a2.data.clone(), a2.created_at), (changed, a.created_at), "{n}");
        assert_conflict(
            n,
            s.update_asset(&admin(), a.id, asset("åtgärds planer", None)).await,
            "name",
            "error-asset-name-taken",
        );
        assert_not_found(n, s.update_asset(&admin(), Uuid::now_v7(), asset("Y", None)).await);

        let names = |v: Vec<store::Asset>| v.into_iter().map(|a| a.data.name).collect::<Vec<_>>();
        let mut listed = names(s.list_assets(&OrgScope::Subtree(k)).await.unwrap());
        listed.sort();
        assert_eq!(listed, sorted_names(&["Åtgärds\tplaner", "Åtgärdsplaner 2027", "Brukarjournaler"]), "{n}");
        assert_eq!(s.list_assets(&OrgScope::Org(f)).await.unwrap(), vec![b.clone()], "{n}");
        assert_eq!(s.list_assets(&OrgScope::Subtree(other)).await.unwrap().len(), 1, "{n}");
        assert!(s.list_assets(&OrgScope::Nothing).await.unwrap().is_empty(), "{n}");

        // Systems.
        let sys = s.insert_system(&admin(), k, supplied("Procapita", "Tieto", "Avtal 2024:12", true)).await.unwrap();
        assert_eq!(s.find_system(sys.id).await.unwrap().unwrap(), sys, "{n}");
        assert_eq!(sys.data.hosting, Some(Hosting::Cloud), "{n}");
        assert_conflict(n, s.insert_system(&admin(), k, system("PROCAPITA")).await, "name", "error-system-name-taken");
        let web = s.insert_system(&admin(), k, system("Skolwebben")).await.unwrap();
        let foreign = s.insert_system(&admin(), other, system("Procapita")).await.unwrap();
        let mut sd = web.data.clone();
        sd.hosting = Some(Hosting::Own);
        sd.processes_personal_data = true;
        assert_eq!(s.update_system(&admin(), web.id, sd.clone()).await.unwrap().data, sd, "{n}");
        let listed: Vec<Uuid> = s.list_systems(&OrgScope::Subtree(k)).await.unwrap().iter().map(|s| s.id).collect();
        assert_eq!(listed, vec![sys.id, web.id], "{n}: by name");
        assert_eq!(s.list_systems(&OrgScope::Org(other)).await.unwrap(), vec![foreign.clone()], "{n}");
        assert!(s.list_systems(&OrgScope::Org(f)).await.unwrap().is_empty(), "{n}: a scope outside sees nothing");
        let raw = db.raw_execute("UPDATE systems SET hosting = 'moon'").await;
        assert!(raw.is_err(), "{n}: an unknown hosting is refused by the database");

        // Links: only systems of the asset's organisation.
        let before = db.verified().await;
        let bad = s.set_asset_systems(&admin(), a.id, &[sys.id, foreign.id]).await;
        assert_conflict(n, bad, "systems", "error-asset-system-unknown");
        assert_eq!(db.verified().await, before, "{n}");
        s.set_asset_systems(&admin(), a.id, &[web.id, sys.id, sys.id]).await.unwrap();
        let ids = |v: Vec<store::System>| v.into_iter().map(|s| s.id).collect::<Vec<_>>();
        assert_eq!(ids(s.systems_of_asset(a.id).await.unwrap()), vec![sys.id, web.id], "{n}");
        assert_eq!(s.assets_of_system(sys.id).await.unwrap().len(), 1, "{n}");
        s.set_asset_systems(&admin(), a.id, &[sys.id]).await.unwrap();
        assert!(s.assets_of_system(web.id).await.unwrap().is_empty(), "{n}: the set replaces");
        assert_eq!(s.asset_system_links(&OrgScope::Subtree(k)).await.unwrap(), vec![(a.id, sys.id)], "{n}");
        assert!(s.asset_system_links(&OrgScope::Subtree(other)).await.unwrap().is_empty(), "{n}");
        let many: Vec<Uuid> = (0..=store::MAX_LINKS).map(|_| Uuid::now_v7()).collect();
        assert!(s.set_asset_systems(&admin(), a.id, &many).await.is_err(), "{n}: bounded");

        // Deleting: a system with its links; an asset with its links and history.
        s.classify_asset(&admin(), a.id, classification(2, "2026-01-10", "2027-01-10")).await.unwrap();
        s.delete_system(&admin(), web.id).await.unwrap();
        assert!(s.find_system(web.id).await.unwrap().is_none(), "{n}");
        s.delete_asset(&admin(), a.id).await.unwrap();
        assert!(s.find_asset(a.id).await.unwrap().is_none(), "{n}");
        assert!(s.assets_of_system(sys.id).await.unwrap().is_empty(), "{n}");
        assert_eq!(db.raw_i64("SELECT COUNT(*) FROM asset_classifications").await, 0, "{n}");
        assert_not_found(n, s.delete_asset(&admin(), a.id).await);
        db.verified().await;
        assert_actions(
            n,
            &actions(s).await,
            &[
                "asset.create",
                "asset.update",
                "asset.delete",
                "asset.systems",
                "asset.classify",
                "system.create",
                "system.update",
                "system.delete",
            ],
        );
    })
    .await;
}

fn sorted_names(names: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

#[tokio::test]
async fn classifications_keep_their_history_and_the_latest_is_current() {
    run("classifications_keep_their_history_and_the_latest_is_current", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        let other = s.insert_org(&admin(), new_org("Annan kommun", OrgKind::Municipality, None)).await.unwrap().id;
        let a1 = s.insert_asset(&admin(), k, asset("Personalakter", None)).await.unwrap();
        let a2 = s.insert_asset(&admin(), f, asset("Brukarjournaler", None)).await.unwrap();
        let a3 = s.insert_asset(&admin(), f, asset("Öppna data", None)).await.unwrap();
        let o = s.insert_asset(&admin(), other, asset("Annans", None)).await.unwrap();
        assert_not_found(
            n,
            s.classify_asset(&admin(), Uuid::now_v7(), classification(1, "2026-01-01", "2027-01-01")).await,
        );

        let first = s.classify_asset(&admin(), a1.id, classification(2, "2025-01-10", "2026-01-10")).await.unwrap();
        let second = s.classify_asset(&admin(), a1.id, classification(3, "2026-02-01", "2027-02-01")).await.unwrap();
        let latest = s.classify_asset(&admin(), a1.id, classification(4, "2026-02-01", "2027-02-01")).await.unwrap();
        let c2 = s.classify_asset(&admin(), a2.id, classification(1, "2026-03-01", "2028-03-01")).await.unwrap();
        s.classify_asset(&admin(), o.id, classification(1, "2026-03-01", "2028-03-01")).await.unwrap();
        assert_eq!(latest.data.levels["confidentiality"], 4, "{n}");
        let history = s.classifications_of(a1.id).await.unwrap();
        assert_eq!(history, vec![latest.clone(), second, first], "{n}: every classification kept, the latest first");
        assert!(s.classifications_of(a3.id).await.unwrap().is_empty(), "{n}");

        let mut current = s.current_classifications(&OrgScope::Subtree(k)).await.unwrap();
        current.sort_by_key(|c| c.asset_id);
        let mut expected = vec![latest.clone(), c2.clone()];
        expected.sort_by_key(|c| c.asset_id);
        assert_eq!(current, expected, "{n}: the latest per asset, unclassified assets absent");
        assert_eq!(s.current_classifications(&OrgScope::Org(f)).await.unwrap(), vec![c2], "{n}");
        assert_eq!(s.current_classifications(&OrgScope::Subtree(other)).await.unwrap().len(), 1, "{n}");
        assert!(s.current_classifications(&OrgScope::Nothing).await.unwrap().is_empty(), "{n}");
        let raw = db.raw_execute("UPDATE asset_classifications SET next_review = classified_on").await;
        assert!(raw.is_err(), "{n}: a review not after the classification is refused by the database");

        // The installation's model and matrix: defaults, then what is stored.
        assert_eq!(s.classification_model().await.unwrap(), ClassificationModel::national_default(), "{n}");
        assert_eq!(s.risk_matrix().await.unwrap(), RiskMatrix::default_4x4(), "{n}");
        let mut model = ClassificationModel::national_default();
        model.aspects.pop();
        model.aspects[0].name_sv = "Sekretess".into();
        s.set_classification_model(&admin(), &model).await.unwrap();
        assert_eq!(s.classification_model().await.unwrap(), model, "{n}");
        let mut matrix = RiskMatrix::default_4x4();
        matrix.thresholds = [3, 6, 9];
        s.set_risk_matrix(&admin(), &matrix).await.unwrap();
        s.set_risk_matrix(&admin(), &matrix).await.unwrap();
        assert_eq!(s.risk_matrix().await.unwrap(), matrix, "{n}");
        let last = last_entry(s).await;
        assert_eq!(last.change.action, "register_settings.update", "{n}");
        assert_eq!(json(&last.change.before)["thresholds"], serde_json::json!([3, 6, 9]), "{n}");
        db.verified().await;
        let acts = actions(s).await;
        assert_eq!(acts.iter().filter(|a| *a == "asset.classify").count(), 5, "{n}: every classification audited");
        assert_eq!(acts.iter().filter(|a| *a == "register_settings.update").count(), 3, "{n}");
    })
    .await;
}

#[tokio::test]
async fn imports_are_all_or_nothing_and_name_the_clashing_rows() {
    run("imports_are_all_or_nothing_and_name_the_clashing_rows", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        let other = s.insert_org(&admin(), new_org("Annan kommun", OrgKind::Municipality, None)).await.unwrap().id;
        s.insert_asset(&admin(), k, asset("Elevakter", None)).await.unwrap();
        let before = db.verified().await;
        let rows =
            vec![asset("Betyg", Some(f)), asset("ELEVAKTER", None), asset("Scheman", None), asset("betyg ", None)];
        let got = s.import_assets(&admin(), k, &rows).await.unwrap();
        assert_eq!(
            got,
            Err(vec![NameClash { index: 1, name: "ELEVAKTER".into() }, NameClash { index: 3, name: "betyg ".into() }]),
            "{n}"
        );
        assert_eq!(db.raw_i64("SELECT COUNT(*) FROM info_assets").await, 1, "{n}: nothing stored");
        assert_eq!(db.verified().await, before, "{n}: nothing audited");
        let bad_unit = s.import_assets(&admin(), k, &[asset("Betyg", Some(other))]).await;
        assert_conflict(n, bad_unit, "unit", "error-asset-unit-unknown");
        assert_eq!(db.raw_i64("SELECT COUNT(*) FROM info_assets").await, 1, "{n}");

        assert_eq!(s.import_assets(&admin(), k, &rows[..1]).await.unwrap(), Ok(1), "{n}");
        assert_eq!(s.import_assets(&admin(), k, &rows[2..3]).await.unwrap(), Ok(1), "{n}");
        assert_eq!(s.import_assets(&admin(), other, &rows[1..3]).await.unwrap(), Ok(2), "{n}: another organisation");
        assert_eq!(s.list_assets(&OrgScope::Org(k)).await.unwrap().len(), 3, "{n}");

        let systems = vec![system("Procapita"), system("Skolwebben")];
        assert_eq!(s.import_systems(&admin(), k, &systems).await.unwrap(), Ok(2), "{n}");
        let again = s.import_systems(&admin(), k, &[system("Lönesystem"), system("skolwebben")]).await.unwrap();
        assert_eq!(again, Err(vec![NameClash { index: 1, name: "skolwebben".into() }]), "{n}");
        assert_eq!(s.list_systems(&OrgScope::Org(k)).await.unwrap().len(), 2, "{n}");

        let ps = vec![processing("Lön", true, Some(false)), processing("Elevhälsa", false, None)];
        assert_eq!(s.import_processings(&admin(), f, &ps).await.unwrap(), Ok(2), "{n}");
        let clash = s.import_processings(&admin(), f, &[processing("LÖN", true, None)]).await.unwrap();
        assert_eq!(clash, Err(vec![NameClash { index: 0, name: "LÖN".into() }]), "{n}");
        assert_eq!(s.list_processings(&OrgScope::Subtree(k)).await.unwrap().len(), 2, "{n}");
        let too_many: Vec<AssetInput> =
            (0..=domain::assets::system::MAX_IMPORT_ROWS).map(|i| asset(&format!("T{i}"), None)).collect();
        assert!(s.import_assets(&admin(), k, &too_many).await.is_err(), "{n}: bounded");
        db.verified().await;
        let acts = actions(s).await;
        assert_eq!(acts.iter().filter(|a| *a == "asset.import").count(), 4, "{n}: one entry per stored row");
        assert_actions(n, &acts, &["system.import", "processing.import"]);
    })
    .await;
}

#[tokio::test]
async fn risks_and_dpias_round_trip() {
    run("risks_and_dpias_round_trip", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        let other = s.insert_org(&admin(), new_org("Annan kommun", OrgKind::Municipality, None)).await.unwrap().id;
        let a = s.insert_asset(&admin(), k, asset("Personalakter", None)).await.unwrap();
        let sys = s.insert_system(&admin(), k, system("Personec")).await.unwrap();
        let foreign = s.insert_system(&admin(), other, system("Annat")).await.unwrap();

        let r1 = s.insert_risk(&admin(), k, risk(RiskObject::Asset, a.id, 3, 4)).await.unwrap();
        assert_eq!(s.find_risk(r1.id).await.unwrap().unwrap(), r1, "{n}");
        let mut treated = r1.data.clone();
        treated.treatment = Some(Treatment::Accept);
        treated.accepted = Some(("Förvaltningschef".into(), d("2026-05-01")));
        let r1b = s.update_risk(&admin(), r1.id, treated.clone()).await.unwrap();
        assert_eq!(r1b.data, treated, "{n}");
        let mut reduced = risk(RiskObject::System, sys.id, 2, 2);
        reduced.treatment = Some(Treatment::Reduce);
        reduced.residual = Some((1, 2));
        reduced.review_on = None;
        let r2 = s.insert_risk(&admin(), k, reduced.clone()).await.unwrap();
        assert_eq!(r2.data, reduced, "{n}");
        let r3 = s.insert_risk(&admin(), k, risk(RiskObject::Org, f, 1, 1)).await.unwrap();
        let before = db.verified().await;
        let wrong = s.insert_risk(&admin(), k, risk(RiskObject::System, foreign.id, 1, 1)).await;
        assert_conflict(n, wrong, "object_id", "error-risk-object-unknown");
        let wrong = s.insert_risk(&admin(), f, risk(RiskObject::Org, k, 1, 1)).await;
        assert_conflict(n, wrong, "object_id", "error-risk-object-unknown");
        let wrong = s.insert_risk(&admin(), k, risk(RiskObject::Asset, sys.id, 1, 1)).await;
        assert_conflict(n, wrong, "object_id", "error-risk-object-unknown");
        assert_eq!(db.verified().await, before, "{n}");
        assert_eq!(s.list_risks(&OrgScope::Subtree(k)).await.unwrap(), vec![r1b.clone(), r2.clone(), r3], "{n}");
        assert!(s.list_risks(&OrgScope::Subtree(other)).await.unwrap().is_empty(), "{n}");
        assert_eq!(s.risks_of(RiskObject::Asset, a.id).await.unwrap(), vec![r1b], "{n}");
        assert_conflict(n, s.delete_asset(&admin(), a.id).await, "id", "error-asset-in-use");
        assert_conflict(n, s.delete_system(&admin(), sys.id).await, "id", "error-system-in-use");
        s.delete_risk(&admin(), r2.id).await.unwrap();
        s.delete_system(&admin(), sys.id).await.unwrap();
        let raw = db.raw_execute("UPDATE risks SET residual_likelihood = 1").await;
        assert!(raw.is_err(), "{n}: half a residual risk is refused by the database");

        let p = s.insert_processing(&admin(), f, processing("Journalföring", true, Some(true))).await.unwrap();
        let dp = s.insert_dpia(&admin(), p.id, dpia(RiskLevel::High)).await.unwrap();
        assert_eq!((dp.org_id, dp.processing_id), (f, p.id), "{n}");
        assert_eq!(s.find_dpia(dp.id).await.unwrap().unwrap(), dp, "{n}");
        let mut consulted = dp.data.clone();
        consulted.prior_consultation = true;
        consulted.prior_consultation_on = Some(d("2026-04-01"));
        consulted.residual_level = RiskLevel::Medium;
        let dp2 = s.update_dpia(&admin(), dp.id, consulted.clone()).await.unwrap();
        assert_eq!(dp2.data, consulted, "{n}");
        assert_eq!(s.dpias_of(p.id).await.unwrap(), vec![dp2.clone()], "{n}");
        assert_eq!(s.list_dpias(&OrgScope::Subtree(k)).await.unwrap(), vec![dp2], "{n}");
        assert!(s.list_dpias(&OrgScope::Org(k)).await.unwrap().is_empty(), "{n}");
        assert_not_found(n, s.insert_dpia(&admin(), Uuid::now_v7(), dpia(RiskLevel::Low)).await);
        assert_conflict(n, s.delete_processing(&admin(), p.id).await, "id", "error-processing-in-use");
        s.delete_dpia(&admin(), dp.id).await.unwrap();
        s.delete_processing(&admin(), p.id).await.unwrap();
        db.verified().await;
        assert_actions(
            n,
            &actions(s).await,
            &[
                "risk.create",
                "risk.update",
                "risk.delete",
                "dpia.create",
                "dpia.update",
                "dpia.delete",
                "processing.create",
                "processing.delete",
            ],
        );
    })
    .await;
}

#[tokio::test]
async fn processings_and_agreements_link_systems() {
    run("processings_and_agreements_link_systems", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        let other = s.insert_org(&admin(), new_org("Annan kommun", OrgKind::Municipality, None)).await.unwrap().id;
        let sys = s.insert_system(&admin(), k, supplied("Procapita", "Tieto", "", true)).await.unwrap();
        let web = s.insert_system(&admin(), k, system("Skolwebben")).await.unwrap();
        let foreign = s.insert_system(&admin(), other, system("Annat")).await.unwrap();
        let p = s.insert_processing(&admin(), k, processing("Biståndshandläggning", true, Some(false))).await.unwrap();
        assert_eq!(s.find_processing(p.id).await.unwrap().unwrap(), p, "{n}");
        assert_conflict(
            n,
            s.insert_processing(&admin(), k, processing(" biståndshandläggning", false, None)).await,
            "name",
            "error-processing-name-taken",
        );
        let mut changed = p.data.clone();
        changed.recipients = "Försäkringskassan".into();
        assert_eq!(s.update_processing(&admin(), p.id, changed.clone()).await.unwrap().data, changed, "{n}");

        let before = db.verified().await;
        let bad = s.set_processing_systems(&admin(), p.id, &[foreign.id]).await;
        assert_conflict(n, bad, "systems", "error-processing-system-unknown");
        assert_eq!(db.verified().await, before, "{n}");
        s.set_processing_systems(&admin(), p.id, &[web.id, sys.id]).await.unwrap();
        let mut both = vec![sys.id, web.id];
        both.sort();
        assert_eq!(s.systems_of_processing(p.id).await.unwrap(), both, "{n}");
        assert_eq!(s.processing_system_links(&OrgScope::Subtree(k)).await.unwrap().len(), 2, "{n}");
        assert!(s.processing_system_links(&OrgScope::Org(f)).await.unwrap().is_empty(), "{n}");
        assert_conflict(n, s.delete_system(&admin(), web.id).await, "id", "error-system-in-use");
        s.set_processing_systems(&admin(), p.id, &[sys.id]).await.unwrap();
        s.delete_system(&admin(), web.id).await.unwrap();

        let bad = s.insert_agreement(&admin(), k, agreement("Tieto", None, vec![foreign.id], vec![])).await;
        assert_conflict(n, bad, "systems", "error-agreement-system-unknown");
        let p_other = s.insert_processing(&admin(), other, processing("Annans", false, None)).await.unwrap();
        let bad = s.insert_agreement(&admin(), k, agreement("Tieto", None, vec![], vec![p_other.id])).await;
        assert_conflict(n, bad, "processings", "error-agreement-processing-unknown");
        assert_eq!(db.raw_i64("SELECT COUNT(*) FROM agreements").await, 0, "{n}");

        let g = s
            .insert_agreement(&admin(), k, agreement("Tieto", Some("2025-01-01"), vec![sys.id], vec![p.id]))
            .await
            .unwrap();
        assert_eq!((g.data.systems.clone(), g.data.processings.clone()), (vec![sys.id], vec![p.id]), "{n}");
        assert_eq!(s.find_agreement(g.id).await.unwrap().unwrap(), g, "{n}");
        let empty = s.insert_agreement(&admin(), k, agreement("Visma", None, vec![], vec![])).await.unwrap();
        assert_eq!(s.list_agreements(&OrgScope::Subtree(k)).await.unwrap(), vec![g.clone(), empty.clone()], "{n}");
        assert!(s.list_agreements(&OrgScope::Subtree(other)).await.unwrap().is_empty(), "{n}");
        let mut renewed = g.data.clone();
        renewed.expires_on = Some(d("2028-12-31"));
        renewed.processings = vec![];
        let g2 = s.update_agreement(&admin(), g.id, renewed.clone()).await.unwrap();
        assert_eq!(g2.data, renewed, "{n}");
        assert_conflict(n, s.delete_system(&admin(), sys.id).await, "id", "error-system-in-use");
        s.delete_agreement(&admin(), empty.id).await.unwrap();
        assert_not_found(n, s.delete_agreement(&admin(), empty.id).await);
        // Deleting a processing takes its links to agreements with it.
        s.update_agreement(&admin(), g.id, agreement("Tieto", Some("2025-01-01"), vec![sys.id], vec![p.id]))
            .await
            .unwrap();
        s.delete_processing(&admin(), p.id).await.unwrap();
        assert!(s.find_agreement(g.id).await.unwrap().unwrap().data.processings.is_empty(), "{n}");
        db.verified().await;
        assert_actions(
            n,
            &actions(s).await,
            &[
                "processing.create",
                "processing.update",
                "processing.systems",
                "processing.delete",
                "agreement.create",
                "agreement.update",
                "agreement.delete",
            ],
        );
    })
    .await;
}

#[tokio::test]
async fn the_facts_for_coverage_match_a_hand_count() {
    run("the_facts_for_coverage_match_a_hand_count", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        let other = s.insert_org(&admin(), new_org("Annan kommun", OrgKind::Municipality, None)).await.unwrap().id;
        let today = domain::now().date_naive();
        let ago = |days: i64| (today - chrono::Duration::days(days)).to_string();
        let ahead = |days: i64| (today + chrono::Duration::days(days)).to_string();

        // Kommun k: three assets (one classified and current, one classified
        // but due for review, one not), three systems.
        let a1 = s.insert_asset(&admin(), k, asset("A1", None)).await.unwrap();
        let a2 = s.insert_asset(&admin(), k, asset("A2", None)).await.unwrap();
        let a3 = s.insert_asset(&admin(), k, asset("A3", None)).await.unwrap();
        s.classify_asset(&admin(), a1.id, classification(2, &ago(30), &ahead(300))).await.unwrap();
        s.classify_asset(&admin(), a2.id, classification(2, &ago(800), &ago(400))).await.unwrap();
        // s1: supplier, contract, personal data, processes a1 (classified): covered; has an agreement.
        let s1 = s.insert_system(&admin(), k, supplied("S1", "Tieto", "Avtal 1", true)).await.unwrap();
        // s2: supplier without contract, personal data, no agreement; owner and manager named.
        let s2 = s.insert_system(&admin(), k, supplied("S2", "Visma", "", true)).await.unwrap();
        // s3: own system, no owner named.
        s.insert_system(&admin(), k, system("S3")).await.unwrap();
        s.set_asset_systems(&admin(), a1.id, &[s1.id]).await.unwrap();
        s.set_asset_systems(&admin(), a3.id, &[s2.id]).await.unwrap();
        s.insert_agreement(&admin(), k, agreement("Tieto", Some(&ago(100)), vec![s1.id], vec![])).await.unwrap();
        s.insert_agreement(&admin(), k, agreement("Visma", None, vec![s2.id], vec![])).await.unwrap();
        // Risks: high untreated on a1, high treated on s1, low on the org.
        s.insert_risk(&admin(), k, risk(RiskObject::Asset, a1.id, 3, 3)).await.unwrap();
        let mut treated = risk(RiskObject::System, s1.id, 4, 4);
        treated.treatment = Some(Treatment::Reduce);
        treated.residual = Some((1, 1));
        s.insert_risk(&admin(), k, treated).await.unwrap();
        s.insert_risk(&admin(), k, risk(RiskObject::Org, k, 1, 1)).await.unwrap();
        // Processings: complete needing a DPIA with one; incomplete needing one without.
        let p1 = s.insert_processing(&admin(), k, processing("P1", true, Some(true))).await.unwrap();
        s.insert_processing(&admin(), k, processing("P2", false, Some(true))).await.unwrap();
        s.insert_processing(&admin(), k, processing("P3", true, None)).await.unwrap();
        s.insert_dpia(&admin(), p1.id, dpia(RiskLevel::Low)).await.unwrap();
        // The förvaltning: one asset, nothing else; the other kommun: one system.
        s.insert_asset(&admin(), f, asset("F1", None)).await.unwrap();
        s.insert_system(&admin(), other, system("O1")).await.unwrap();

        // The trend: a year back (nothing recorded yet but a2's old
        // classification, then past its review, and s1's agreement not yet
        // signed) and today.
        let year_ago = today - chrono::Duration::days(365);
        let dates = [(year_ago.year(), year_ago), (today.year(), today)];
        let all = s.asset_facts(&OrgScope::Subtree(k), today, &dates, 12, &RiskMatrix::default_4x4()).await.unwrap();
        let share = |covered, total| domain::assets::coverage::Share { covered, total };
        assert_eq!(all.trend.len(), 2, "{n}");
        assert_eq!(
            all.trend[0].classified,
            share(0, 1),
            "{n}: only a2 existed, classified 800 days ago, due 400 days ago"
        );
        assert_eq!(all.trend[0].risk_analysed, share(0, 1), "{n}");
        assert_eq!(all.trend[0].agreements, share(0, 0), "{n}");
        assert_eq!(all.trend[1].classified, share(1, 4), "{n}: today, with the förvaltning's asset");
        assert_eq!(all.trend[1].risk_analysed, share(2, 7), "{n}");
        assert_eq!(all.trend[1].agreements, share(1, 2), "{n}");
        assert_eq!(all.trend[1].as_of, today, "{n}");
        let facts = s.asset_facts(&OrgScope::Subtree(k), today, &[], 12, &RiskMatrix::default_4x4()).await.unwrap();
        assert!(facts.trend.is_empty(), "{n}: no dates, no trend");
        assert_eq!(facts.own, all.own, "{n}");
        let facts = facts.own;
        assert_eq!(facts.len(), 2, "{n}: k and f; the other kommun outside");
        let want_k = domain::assets::coverage::UnitFacts {
            assets: 3,
            assets_classified: 2,
            assets_current: 1,
            systems: 3,
            systems_with_owner_and_manager: 2,
            objects: 6,
            objects_with_recent_risk_analysis: 2,
            high_risks: 2,
            high_risks_untreated: 1,
            processings: 3,
            processings_complete: 2,
            dpia_needed: 2,
            dpia_done: 1,
            supplier_systems: 2,
            supplier_systems_covered: 1,
            processor_systems: 2,
            processor_systems_without_agreement: 1,
        };
        assert_eq!(facts[&k], want_k, "{n}");
        let want_f = domain::assets::coverage::UnitFacts { assets: 1, objects: 1, ..Default::default() };
        assert_eq!(facts[&f], want_f, "{n}");
        let none = s.asset_facts(&OrgScope::Nothing, today, &dates, 12, &RiskMatrix::default_4x4()).await.unwrap();
        assert!(none.own.is_empty() && none.trend.is_empty(), "{n}");
        let later = today + chrono::Months::new(13);
        let aged = s.asset_facts(&OrgScope::Org(k), later, &[], 12, &RiskMatrix::default_4x4()).await.unwrap().own;
        assert_eq!(aged[&k].objects_with_recent_risk_analysis, 0, "{n}: analyses age");
    })
    .await;
}

#[tokio::test]
async fn an_organisation_with_register_rows_is_not_deleted() {
    run("an_organisation_with_register_rows_is_not_deleted", |db| async move {
        let (s, n) = (&*db.store, db.name);
        let (k, f) = kommun(s).await;
        let unit = s.insert_org(&admin(), new_org("Hemtjänsten", OrgKind::Unit, Some(f))).await.unwrap().id;
        let lone = s.insert_org(&admin(), new_org("Ensam kommun", OrgKind::Municipality, None)).await.unwrap().id;

        // An asset of f naming the unit: neither may go.
        let a = s.insert_asset(&admin(), f, asset("Brukarjournaler", Some(unit))).await.unwrap();
        assert_conflict(n, s.delete_org(&admin(), unit).await, "id", "error-org-has-records");
        s.update_asset(&admin(), a.id, asset("Brukarjournaler", None)).await.unwrap();
        s.delete_org(&admin(), unit).await.unwrap();

        for (what, kind) in ["system", "processing", "agreement", "risk"].into_iter().zip(0..) {
            let id = match kind {
                0 => s.insert_system(&admin(), lone, system("S")).await.unwrap().id,
                1 => s.insert_processing(&admin(), lone, processing("P", false, None)).await.unwrap().id,
                2 => s.insert_agreement(&admin(), lone, agreement("L", None, vec![], vec![])).await.unwrap().id,
                _ => s.insert_risk(&admin(), lone, risk(RiskObject::Org, lone, 1, 1)).await.unwrap().id,
            };
            let before = db.verified().await;
            assert_conflict(n, s.delete_org(&admin(), lone).await, "id", "error-org-has-records");
            assert_eq!(db.verified().await, before, "{n}: {what}");
            match kind {
                0 => s.delete_system(&admin(), id).await.unwrap(),
                1 => s.delete_processing(&admin(), id).await.unwrap(),
                2 => s.delete_agreement(&admin(), id).await.unwrap(),
                _ => s.delete_risk(&admin(), id).await.unwrap(),
            }
        }
        // The installation's settings are no organisation's rows.
        s.set_risk_matrix(&admin(), &RiskMatrix::default_4x4()).await.unwrap();
        s.delete_org(&admin(), lone).await.unwrap();
        assert_conflict(n, s.delete_org(&admin(), f).await, "id", "error-org-has-records");
        s.delete_asset(&admin(), a.id).await.unwrap();
        s.delete_org(&admin(), f).await.unwrap();
        assert!(s.find_org(k).await.unwrap().is_some(), "{n}");
        db.verified().await;
    })
    .await;
}
