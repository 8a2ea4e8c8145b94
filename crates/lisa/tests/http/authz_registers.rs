//! The authorisation rows of the registers of issue 17 (assets, systems,
//! classification, risks, consequence assessments, the processing register,
//! agreements, coverage), and the rows they act on.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::assets::classification::AssetClassification;
use domain::assets::dpia::DpiaInput;
use domain::assets::processing::{Agreement, LegalBasis, ProcessingInput};
use domain::assets::risk::{RiskInput, RiskLevel, RiskObject};
use domain::assets::system::{AssetInput, Hosting, SystemInput};
use uuid::Uuid;

#[allow(unused_imports)]
use serde_json::json;

use crate::authz::{Fixture, Need, Route};
#[allow(unused_imports)]
use crate::helpers::Body;
use crate::helpers::TestApp;

/// Socialförvaltningen's register rows the matrix acts on.
pub struct Registers {
    pub asset: String,
    pub system: String,
    pub risk: String,
    pub processing: String,
    pub dpia: String,
    pub agreement: String,
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Makes one row of each register for `social`.
pub async fn fixture(app: &TestApp, social: Uuid) -> Registers {
    let actor = store::Actor::cli();
    let s = &app.store;
    let asset = AssetInput {
        name: "Behörighetstestets akter".into(),
        description: String::new(),
        information_owner: "Socialchef".into(),
        unit: None,
    };
    let asset = s.insert_asset(&actor, social, asset).await.unwrap();
    let system = SystemInput {
        name: "Behörighetstestets system".into(),
        description: String::new(),
        system_owner: "IT-chef".into(),
        object_manager: "Objektledare".into(),
        supplier: "Leverantören AB".into(),
        hosting: Some(Hosting::Cloud),
        country: Some("SE".into()),
        contract: "Avtal 1".into(),
        processes_personal_data: true,
    };
    let system = s.insert_system(&actor, social, system).await.unwrap();
    s.set_asset_systems(&actor, asset.id, &[system.id]).await.unwrap();
    let levels = BTreeMap::from([
        ("confidentiality".to_owned(), 3),
        ("integrity".to_owned(), 2),
        ("availability".to_owned(), 2),
    ]);
    let classification = AssetClassification {
        levels,
        motivation: "Känsliga personuppgifter.".into(),
        classified_on: day("2026-01-15"),
        classified_by: "Socialchef".into(),
        next_review: day("2027-01-15"),
    };
    s.classify_asset(&actor, asset.id, classification).await.unwrap();
    let risk = RiskInput {
        scenario: "Obehörig åtkomst till akterna".into(),
        object_kind: RiskObject::Asset,
        object_id: asset.id,
        likelihood: 3,
        consequence: 3,
        residual: None,
        treatment: None,
        owner: "Förvaltningschef".into(),
        accepted: None,
        review_on: Some(day("2027-06-30")),
    };
    let risk = s.insert_risk(&actor, social, risk).await.unwrap();
    let processing = ProcessingInput {
        name: "Behörighetstestets behandling".into(),
        purpose: "Dokumentation".into(),
        legal_basis: Some(LegalBasis::LegalObligation),
        legal_provision: "SoL 11 kap.".into(),
        data_subjects: "Brukare".into(),
        personal_data: "Hälsa".into(),
        recipients: "Inga".into(),
        transfers: Some(false),
        transfer_countries: String::new(),
        transfer_safeguard: String::new(),
        retention: "Fem år".into(),
        security_measures: "Behörighetsstyrning".into(),
        needs_dpia: Some(true),
    };
    let processing = s.insert_processing(&actor, social, processing).await.unwrap();
    s.set_processing_systems(&actor, processing.id, &[system.id]).await.unwrap();
    let dpia = DpiaInput {
        description: "Journalföring".into(),
        purposes: "Dokumentation".into(),
        legitimate_interest: String::new(),
        necessity: "Krävs enligt lag".into(),
        risks: "Röjande".into(),
        measures: "Loggning".into(),
        dpo_advice: "Godkänd".into(),
        residual_level: RiskLevel::Medium,
        prior_consultation: false,
        prior_consultation_on: None,
    };
    let dpia = s.insert_dpia(&actor, processing.id, dpia).await.unwrap();
    let agreement = Agreement {
        supplier: "Leverantören AB".into(),
        signed_on: Some(day("2025-03-01")),
        expires_on: None,
        systems: vec![system.id],
        processings: vec![processing.id],
    };
    let agreement = s.insert_agreement(&actor, social, agreement).await.unwrap();
    Registers {
        asset: asset.id.to_string(),
        system: system.id.to_string(),
        risk: risk.id.to_string(),
        processing: processing.id.to_string(),
        dpia: dpia.id.to_string(),
        agreement: agreement.id.to_string(),
    }
}

/// Every register route with the permission it needs; `specific` when it
/// names a row or an organisation (an outsider is refused), otherwise an
/// outsider gets an empty page or list.
pub fn routes(f: &Fixture) -> Vec<Route> {
    let mut out = Vec::new();
    out.extend(asset_routes(f));
    out.extend(risk_routes(f));
    out.extend(processing_routes(f));
    out.extend(coverage_routes(f));
    out
}

fn r(method: &'static str, path: String, body: Option<fn(&Fixture) -> Body>, need: Need, specific: bool) -> Route {
    Route { method, path, body, need, specific }
}

/// Information assets, systems, classification, their import and export.
fn asset_routes(f: &Fixture) -> Vec<Route> {
    let (a, sy, k) = (&f.registers.asset, &f.registers.system, &f.kommun);
    let asset_form: fn(&Fixture) -> Body = |f| {
        Body::Form(vec![
            ("org_id", f.kommun_org.clone()),
            ("name", "Ny tillgång i testet".into()),
            ("information_owner", "Socialchef".into()),
        ])
    };
    let system_form: fn(&Fixture) -> Body =
        |f| Body::Form(vec![("org_id", f.kommun_org.clone()), ("name", "Nytt system i testet".into())]);
    let classification: fn(&Fixture) -> Body = |_| {
        Body::Form(vec![
            ("level_confidentiality", "2".into()),
            ("level_integrity", "2".into()),
            ("level_availability", "2".into()),
            ("motivation", "Test".into()),
            ("classified_on", "2026-01-01".into()),
            ("classified_by", "Socialchef".into()),
            ("next_review", "2027-01-01".into()),
        ])
    };
    let asset_file: fn(&Fixture) -> Body = |f| Body::MultipartWith {
        fields: vec![("org_id", f.kommun_org.clone())],
        filename: "tillgangar.csv",
        content: b"Namn;Informationsagare\nImporterad;Chef\n".to_vec(),
    };
    let system_file: fn(&Fixture) -> Body = |f| Body::MultipartWith {
        fields: vec![("org_id", f.kommun_org.clone())],
        filename: "system.csv",
        content: b"Namn\nImporterat system\n".to_vec(),
    };
    let import_json: fn(&Fixture) -> Body =
        |f| Body::Json(json!({"org_id": f.kommun_org, "file_name": "a.csv", "content_base64": "TmFtbjtBZ2FyZQpYO1kK"}));
    vec![
        r("GET", "/registers/assets".into(), None, Need::ViewRegisters, false),
        r("GET", format!("/registers/assets?org={k}"), None, Need::ViewRegisters, true),
        r("GET", "/registers/assets/new".into(), None, Need::ManageAssets, false),
        r("POST", "/registers/assets".into(), Some(asset_form), Need::ManageAssets, true),
        r("GET", "/registers/assets/import".into(), None, Need::ManageAssets, false),
        r("POST", "/registers/assets/import".into(), Some(asset_file), Need::ManageAssets, true),
        r("GET", "/registers/assets/template.xlsx".into(), None, Need::ManageAssets, false),
        r("GET", format!("/registers/assets.xlsx?org={k}"), None, Need::ViewRegisters, true),
        r("GET", format!("/registers/assets.csv?org={k}"), None, Need::ViewRegisters, true),
        r("GET", format!("/registers/assets/{a}"), None, Need::ViewRegisters, true),
        r("POST", format!("/registers/assets/{a}"), Some(asset_form), Need::ManageAssets, true),
        r("POST", format!("/registers/assets/{a}/delete"), Some(|_| Body::Form(vec![])), Need::ManageAssets, true),
        r("POST", format!("/registers/assets/{a}/classification"), Some(classification), Need::ClassifyAssets, true),
        r(
            "POST",
            format!("/registers/assets/{a}/systems"),
            Some(|f| Body::Form(vec![("systems", f.registers.system.clone())])),
            Need::ManageAssets,
            true,
        ),
        r("POST", format!("/registers/assets/{a}/actions"), Some(|_| Body::Form(vec![])), Need::ManageActions, true),
        r("GET", "/registers/systems".into(), None, Need::ViewRegisters, false),
        r("GET", format!("/registers/systems?org={k}"), None, Need::ViewRegisters, true),
        r("GET", "/registers/systems/new".into(), None, Need::ManageAssets, false),
        r("POST", "/registers/systems".into(), Some(system_form), Need::ManageAssets, true),
        r("GET", "/registers/systems/import".into(), None, Need::ManageAssets, false),
        r("POST", "/registers/systems/import".into(), Some(system_file), Need::ManageAssets, true),
        r("GET", "/registers/systems/template.xlsx".into(), None, Need::ManageAssets, false),
        r("GET", format!("/registers/systems.xlsx?org={k}"), None, Need::ViewRegisters, true),
        r("GET", format!("/registers/systems.csv?org={k}"), None, Need::ViewRegisters, true),
        r("GET", format!("/registers/systems/{sy}"), None, Need::ViewRegisters, true),
        r("POST", format!("/registers/systems/{sy}"), Some(system_form), Need::ManageAssets, true),
        r("POST", format!("/registers/systems/{sy}/delete"), Some(|_| Body::Form(vec![])), Need::ManageAssets, true),
        r("GET", "/api/v1/assets".into(), None, Need::ViewRegisters, false),
        r("GET", format!("/api/v1/assets?org={k}"), None, Need::ViewRegisters, true),
        r(
            "POST",
            "/api/v1/assets".into(),
            Some(|f| Body::Json(json!({"org_id": f.kommun_org, "name": "API-tillgång", "information_owner": "Chef"}))),
            Need::ManageAssets,
            true,
        ),
        r("GET", format!("/api/v1/assets/{a}"), None, Need::ViewRegisters, true),
        r(
            "PUT",
            format!("/api/v1/assets/{a}"),
            Some(|_| Body::Json(json!({"name": "Omdöpt tillgång", "information_owner": "Chef"}))),
            Need::ManageAssets,
            true,
        ),
        r("DELETE", format!("/api/v1/assets/{a}"), None, Need::ManageAssets, true),
        r(
            "POST",
            format!("/api/v1/assets/{a}/classifications"),
            Some(|_| {
                Body::Json(json!({"levels": {"confidentiality": "2", "integrity": "2", "availability": "2"},
                    "motivation": "Test", "classified_on": "2026-01-01", "classified_by": "Chef",
                    "next_review": "2027-01-01"}))
            }),
            Need::ClassifyAssets,
            true,
        ),
        r(
            "PUT",
            format!("/api/v1/assets/{a}/systems"),
            Some(|f| Body::Json(json!({"systems": [f.registers.system]}))),
            Need::ManageAssets,
            true,
        ),
        r("POST", format!("/api/v1/assets/{a}/actions"), None, Need::ManageActions, true),
        r("POST", "/api/v1/assets/import".into(), Some(import_json), Need::ManageAssets, true),
        r("GET", "/api/v1/systems".into(), None, Need::ViewRegisters, false),
        r("GET", format!("/api/v1/systems?org={k}"), None, Need::ViewRegisters, true),
        r(
            "POST",
            "/api/v1/systems".into(),
            Some(|f| Body::Json(json!({"org_id": f.kommun_org, "name": "API-system"}))),
            Need::ManageAssets,
            true,
        ),
        r("GET", format!("/api/v1/systems/{sy}"), None, Need::ViewRegisters, true),
        r(
            "PUT",
            format!("/api/v1/systems/{sy}"),
            Some(|_| Body::Json(json!({"name": "Omdöpt system"}))),
            Need::ManageAssets,
            true,
        ),
        r("DELETE", format!("/api/v1/systems/{sy}"), None, Need::ManageAssets, true),
        r("POST", "/api/v1/systems/import".into(), Some(import_json), Need::ManageAssets, true),
        r("GET", "/api/v1/registers/classification-model".into(), None, Need::ViewRegisters, false),
    ]
}

/// Risks and the heat map.
fn risk_routes(f: &Fixture) -> Vec<Route> {
    let (rk, k, social) = (&f.registers.risk, &f.kommun, &f.kommun_org);
    let risk_form: fn(&Fixture) -> Body = |f| {
        Body::Form(vec![
            ("org_id", f.kommun_org.clone()),
            ("object", format!("asset:{}", f.registers.asset)),
            ("scenario", "Risk i behörighetstestet".into()),
            ("likelihood", "2".into()),
            ("consequence", "2".into()),
            ("owner", "Förvaltningschef".into()),
        ])
    };
    fn risk_json(f: &Fixture) -> serde_json::Value {
        json!({"scenario": "Risk i behörighetstestet", "object_kind": "system", "object_id": f.registers.system,
            "likelihood": "2", "consequence": "2", "owner": "Förvaltningschef"})
    }
    vec![
        r("GET", "/registers/risks".into(), None, Need::ViewRegisters, false),
        r("GET", format!("/registers/risks?org={k}&only=untreated"), None, Need::ViewRegisters, true),
        r("GET", "/registers/risks/new".into(), None, Need::ManageAssets, false),
        r("GET", format!("/registers/risks/new?org={social}"), None, Need::ManageAssets, true),
        r("POST", "/registers/risks".into(), Some(risk_form), Need::ManageAssets, true),
        r("GET", format!("/registers/risks.xlsx?org={k}"), None, Need::ViewRegisters, true),
        r("GET", format!("/registers/risks.csv?org={k}"), None, Need::ViewRegisters, true),
        r("GET", format!("/registers/risks/{rk}"), None, Need::ViewRegisters, true),
        r("POST", format!("/registers/risks/{rk}"), Some(risk_form), Need::ManageAssets, true),
        r("POST", format!("/registers/risks/{rk}/delete"), Some(|_| Body::Form(vec![])), Need::ManageAssets, true),
        r("POST", format!("/registers/risks/{rk}/actions"), Some(|_| Body::Form(vec![])), Need::ManageActions, true),
        r("GET", "/api/v1/risks".into(), None, Need::ViewRegisters, false),
        r("GET", format!("/api/v1/risks?org={k}"), None, Need::ViewRegisters, true),
        r(
            "POST",
            "/api/v1/risks".into(),
            Some(|f| {
                let mut v = risk_json(f);
                v["org_id"] = json!(f.kommun_org);
                Body::Json(v)
            }),
            Need::ManageAssets,
            true,
        ),
        r("GET", format!("/api/v1/risks/{rk}"), None, Need::ViewRegisters, true),
        r("PUT", format!("/api/v1/risks/{rk}"), Some(|f| Body::Json(risk_json(f))), Need::ManageAssets, true),
        r("DELETE", format!("/api/v1/risks/{rk}"), None, Need::ManageAssets, true),
        r("POST", format!("/api/v1/risks/{rk}/actions"), None, Need::ManageActions, true),
        r("GET", "/api/v1/registers/risk-matrix".into(), None, Need::ViewRegisters, false),
    ]
}

/// The processing register, consequence assessments and agreements.
fn processing_routes(f: &Fixture) -> Vec<Route> {
    let k = &f.kommun_org;
    let p = &f.registers.processing;
    let d = &f.registers.dpia;
    let g = &f.registers.agreement;
    let (v, m) = (Need::ViewRegisters, Need::ManageProcessing);
    fn form_processing(f: &Fixture) -> Body {
        Body::Form(vec![("org_id", f.kommun_org.clone()), ("name", "Ny behandling i testet".into())])
    }
    fn form_dpia(_: &Fixture) -> Body {
        Body::Form(vec![
            ("description", "Beskrivning".into()),
            ("purposes", "Ändamål".into()),
            ("necessity", "Nödvändig".into()),
            ("risks", "Röjande".into()),
            ("measures", "Loggning".into()),
            ("dpo_advice", "Tillstyrks".into()),
            ("residual_level", "low".into()),
            ("prior_consultation", "no".into()),
        ])
    }
    fn json_dpia(_: &Fixture) -> Body {
        Body::Json(json!({"description": "B", "purposes": "Ä", "necessity": "N", "risks": "R", "measures": "M",
            "dpo_advice": "D", "residual_level": "low", "prior_consultation": "no"}))
    }
    fn form_agreement(f: &Fixture) -> Body {
        Body::Form(vec![
            ("org_id", f.kommun_org.clone()),
            ("supplier", "Leverantören AB".into()),
            ("signed_on", "2025-01-01".into()),
            ("systems", f.registers.system.clone()),
        ])
    }
    fn json_agreement(f: &Fixture) -> Body {
        Body::Json(json!({"org_id": f.kommun_org, "supplier": "Leverantören AB", "signed_on": "2025-01-01",
            "systems": [f.registers.system]}))
    }
    fn upload(f: &Fixture) -> Body {
        Body::MultipartWith {
            fields: vec![("org_id", f.kommun_org.clone())],
            filename: "behandlingar.csv",
            content: "Namn;Ändamål\nNy behandling ur fil;Test\n".as_bytes().to_vec(),
        }
    }
    vec![
        r("GET", "/registers/processings".into(), None, v, false),
        r("GET", format!("/registers/processings?org={k}"), None, v, true),
        r("GET", "/registers/processings/new".into(), None, m, false),
        r("POST", "/registers/processings".into(), Some(form_processing), m, true),
        r("GET", "/registers/processings/import".into(), None, m, false),
        r("POST", "/registers/processings/import".into(), Some(upload), m, true),
        r("GET", "/registers/processings/template.xlsx".into(), None, m, false),
        r("GET", format!("/registers/processings.xlsx?org={k}"), None, v, true),
        r("GET", format!("/registers/processings.csv?org={k}"), None, v, true),
        r("GET", format!("/registers/processings/{p}"), None, v, true),
        r(
            "POST",
            format!("/registers/processings/{p}"),
            Some(|_| Body::Form(vec![("name", "Omdöpt".into())])),
            m,
            true,
        ),
        r("POST", format!("/registers/processings/{p}/delete"), Some(|_| Body::Form(vec![])), m, true),
        r(
            "POST",
            format!("/registers/processings/{p}/systems"),
            Some(|f| Body::Form(vec![("systems", f.registers.system.clone())])),
            m,
            true,
        ),
        r("GET", format!("/registers/processings/{p}/dpias/new"), None, m, true),
        r("POST", format!("/registers/processings/{p}/dpias"), Some(form_dpia), m, true),
        r("GET", format!("/registers/dpias/{d}"), None, v, true),
        r("POST", format!("/registers/dpias/{d}"), Some(form_dpia), m, true),
        r("POST", format!("/registers/dpias/{d}/delete"), Some(|_| Body::Form(vec![])), m, true),
        r("GET", "/registers/agreements".into(), None, v, false),
        r("GET", format!("/registers/agreements?org={k}"), None, v, true),
        r("GET", "/registers/agreements/new".into(), None, m, false),
        r("POST", "/registers/agreements".into(), Some(form_agreement), m, true),
        r("GET", format!("/registers/agreements/{g}"), None, v, true),
        r("POST", format!("/registers/agreements/{g}"), Some(form_agreement), m, true),
        r("POST", format!("/registers/agreements/{g}/delete"), Some(|_| Body::Form(vec![])), m, true),
        r("GET", "/api/v1/processings".into(), None, v, false),
        r("GET", format!("/api/v1/processings?org={k}"), None, v, true),
        r(
            "POST",
            "/api/v1/processings".into(),
            Some(|f| Body::Json(json!({"org_id": f.kommun_org, "name": "Ny"}))),
            m,
            true,
        ),
        r("GET", format!("/api/v1/processings/{p}"), None, v, true),
        r("PUT", format!("/api/v1/processings/{p}"), Some(|_| Body::Json(json!({"name": "Omdöpt"}))), m, true),
        r("DELETE", format!("/api/v1/processings/{p}"), None, m, true),
        r(
            "PUT",
            format!("/api/v1/processings/{p}/systems"),
            Some(|f| Body::Json(json!({"systems": [f.registers.system]}))),
            m,
            true,
        ),
        r(
            "POST",
            "/api/v1/processings/import".into(),
            Some(|f| {
                Body::Json(json!({"org_id": f.kommun_org, "file_name": "b.csv", "content_base64": "TmFtbgpOeQo="}))
            }),
            m,
            true,
        ),
        r("GET", format!("/api/v1/processings/{p}/dpias"), None, v, true),
        r("POST", format!("/api/v1/processings/{p}/dpias"), Some(json_dpia), m, true),
        r("GET", format!("/api/v1/dpias/{d}"), None, v, true),
        r("PUT", format!("/api/v1/dpias/{d}"), Some(json_dpia), m, true),
        r("DELETE", format!("/api/v1/dpias/{d}"), None, m, true),
        r("GET", "/api/v1/agreements".into(), None, v, false),
        r("GET", format!("/api/v1/agreements?org={k}"), None, v, true),
        r("POST", "/api/v1/agreements".into(), Some(json_agreement), m, true),
        r("GET", format!("/api/v1/agreements/{g}"), None, v, true),
        r("PUT", format!("/api/v1/agreements/{g}"), Some(json_agreement), m, true),
        r("DELETE", format!("/api/v1/agreements/{g}"), None, m, true),
    ]
}

/// The registers' hub and coverage.
fn coverage_routes(f: &Fixture) -> Vec<Route> {
    let k = &f.kommun;
    let s = &f.kommun_org;
    vec![
        r("GET", "/registers".into(), None, Need::ViewRegisters, false),
        r("GET", format!("/registers?org={k}"), None, Need::ViewRegisters, true),
        r("GET", format!("/registers?org={s}"), None, Need::ViewRegisters, true),
        r("GET", "/api/v1/registers/coverage".into(), None, Need::ViewRegisters, false),
        r("GET", format!("/api/v1/registers/coverage?org={k}"), None, Need::ViewRegisters, true),
        r("GET", format!("/api/v1/registers/coverage?org={s}"), None, Need::ViewRegisters, true),
    ]
}
