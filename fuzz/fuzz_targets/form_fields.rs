//! A form body as a browser posts it (`application/x-www-form-urlencoded`,
//! keys possibly repeated), decoded and handed to every form parser of the
//! domain: a round, an action, a decision, a meeting, an activity, a
//! steering document and its version, an audit with its questions, findings,
//! recommendations, answers and follow-up, an incident with its timeline and
//! notifications, a training course and a count, an organisation and a
//! user's fields.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(data).into_owned().collect();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let round = domain::round::RoundForm::from_pairs(&pairs);
    let _ = domain::round::RoundInput::parse(&round);
    let action = domain::plan::ActionFields {
        title: get("title"),
        goal: get("goal"),
        activity: get("activity"),
        cost: get("cost"),
        responsible: get("responsible"),
        start_date: get("start_date"),
        end_date: get("end_date"),
        status: get("status"),
        progress_note: get("progress_note"),
        origin: get("origin"),
        origin_ref: get("origin_ref"),
    };
    let _ = action.parse();
    let decision = domain::review::DecisionFields {
        kind: get("kind"),
        text: get("text"),
        responsible: get("responsible"),
        deadline: get("deadline"),
        document_id: get("document_id"),
    };
    let _ = decision.parse();
    let document = domain::steering::DocumentFields {
        title: get("title"),
        kind: get("kind"),
        status: get("status"),
        owner: get("owner"),
        decided_by: get("decided_by"),
        decided_on: get("decided_on"),
        valid_from: get("valid_from"),
        review_interval_months: get("review_interval_months"),
        next_review: get("next_review"),
        parent_id: get("parent_id"),
        summary: get("summary"),
    };
    let _ = document.parse();
    let version =
        domain::steering::VersionFields { label: get("label"), decided_on: get("decided_on"), note: get("note") };
    let _ = version.parse();
    let _ = get("status").parse::<domain::steering::Implementation>();
    let _ = domain::steering::parse_implementation_note(&get("note"));
    let meeting =
        domain::review::MeetingFields { meeting_date: get("meeting_date"), participants: get("participants") };
    let _ = domain::review::parse_meeting(&meeting);
    let activity = domain::calendar::ActivityFields {
        title: get("title"),
        month: get("month"),
        day: get("day"),
        recurrence: get("recurrence"),
        year: get("year"),
        responsible: get("responsible"),
        concerns: get("concerns"),
        note: get("note"),
    };
    let _ = activity.parse();
    let _ = domain::org::OrgName::parse(&get("name"));
    let _ = domain::org::OrgNumber::parse(&get("org_number"));
    let _ = get("kind").parse::<domain::org::OrgKind>();
    let _ = domain::user::Email::parse(&get("email"));
    let _ = domain::user::PersonName::parse(&get("name"));
    let _ = domain::user::NewPassword::parse(&get("password"));
    for (_, v) in pairs.iter().filter(|(k, _)| k == "kind").take(64) {
        let _ = v.parse::<domain::org::OrgKind>();
    }
    let audit = domain::audits::AuditFields {
        title: get("title"),
        kind: get("kind"),
        auditor_org: get("auditor_org"),
        auditor_person: get("auditor_person"),
        period: get("period"),
        started: get("started"),
        report_delivered: get("report_delivered"),
        responses_due: get("responses_due"),
        purpose: get("purpose"),
        follows_up: get("follows_up"),
    };
    let _ = audit.parse();
    let question = domain::audits::QuestionFields {
        text: get("text"),
        areas: get("areas"),
        assessment: get("assessment"),
        motivation: get("motivation"),
    };
    let _ = question.parse();
    let _ = domain::audits::FindingFields { area: get("area"), text: get("text") }.parse();
    let bodies: Vec<uuid::Uuid> =
        pairs.iter().filter(|(k, _)| k == "targets").take(256).filter_map(|(_, v)| v.parse().ok()).collect();
    let _ = domain::audits::parse_recommendation(
        &get("text"),
        &bodies,
        !get("to_all").is_empty(),
        &bodies[..bodies.len() / 2],
    );
    let answer = domain::audits::ResponseFields {
        stance: get("stance"),
        measures: get("measures"),
        responsible: get("responsible"),
        due: get("due"),
        decided_by: get("decided_by"),
        decided_on: get("decided_on"),
    };
    let _ = answer.parse();
    let _ = domain::audits::parse_note(&get("note"), get("status") == "closed");
    let _ = domain::plan::parse_cost(&get("cost"));
    // The incident register's forms (Swedish local times, checkbox aspects).
    let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default();
    let _ = domain::incident::IncidentFields::from_pairs(&pairs).parse(now);
    let _ = domain::incident::EntryFields { text: get("text") }.parse();
    let report = domain::incident::ReportFields {
        at: get("at"),
        not_required: domain::incident::is_on(&get("not_required")),
        reference: get("reference"),
        note: get("note"),
    };
    let _ = report.parse(now);
    let _ = get("status").parse::<domain::incident::Status>();
    let _ = get("step").parse::<domain::incident::duties::Step>();
    let _ = get("nis_class").parse::<domain::incident::duties::NisClass>();
    // The training register's forms.
    let course = domain::training::CourseFields {
        name: get("name"),
        target_group: get("target_group"),
        target_description: get("target_description"),
        validity_years: get("validity_years"),
        target_pct: get("target_pct"),
        topic: get("topic"),
    };
    let _ = course.parse();
    let count =
        domain::training::CountFields { as_of: get("as_of"), headcount: get("headcount"), completed: get("completed") };
    let _ = count.parse(now.date_naive());
    let _ = domain::training::parse_retention(&get("retention_months"));
    let _ = domain::round::parse_employees(&get("employees"));
    // The asset, risk and processing registers' forms.
    use domain::assets::{classification, dpia, processing, risk, system};
    let today = now.date_naive();
    let sys = system::SystemFields {
        name: get("name"),
        description: get("description"),
        system_owner: get("system_owner"),
        object_manager: get("object_manager"),
        supplier: get("supplier"),
        hosting: get("hosting"),
        country: get("country"),
        contract: get("contract"),
        processes_personal_data: get("processes_personal_data"),
    };
    let _ = sys.parse();
    let asset = system::AssetFields {
        name: get("name"),
        description: get("description"),
        information_owner: get("information_owner"),
        unit: get("unit"),
    };
    let _ = asset.parse(|u| (u == "Äldreomsorgen").then_some(uuid::Uuid::from_u128(7)));
    let model = classification::ClassificationModel::national_default();
    let levels = model.aspects.iter().enumerate().map(|(i, a)| (a.code.clone(), get(model.level_field(i)))).collect();
    let class = classification::ClassificationFields {
        levels,
        motivation: get("motivation"),
        classified_on: get("classified_on"),
        classified_by: get("classified_by"),
        next_review: get("next_review"),
    };
    let _ = class.parse(&model, today);
    let risk = risk::RiskFields {
        scenario: get("scenario"),
        object_kind: get("object_kind"),
        object_id: get("object_id"),
        likelihood: get("likelihood"),
        consequence: get("consequence"),
        residual_likelihood: get("residual_likelihood"),
        residual_consequence: get("residual_consequence"),
        treatment: get("treatment"),
        owner: get("owner"),
        accepted_by: get("accepted_by"),
        accepted_on: get("accepted_on"),
        review_on: get("review_on"),
    };
    let _ = risk.parse(&risk::RiskMatrix::default_4x4(), today);
    let dpia = dpia::DpiaFields {
        description: get("description"),
        purposes: get("purposes"),
        legitimate_interest: get("legitimate_interest"),
        necessity: get("necessity"),
        risks: get("risks"),
        measures: get("measures"),
        dpo_advice: get("dpo_advice"),
        residual_level: get("residual_level"),
        prior_consultation: get("prior_consultation"),
        prior_consultation_on: get("prior_consultation_on"),
    };
    let _ = dpia.parse(today);
    let record = processing::ProcessingFields {
        name: get("name"),
        purpose: get("purpose"),
        legal_basis: get("legal_basis"),
        legal_provision: get("legal_provision"),
        data_subjects: get("data_subjects"),
        personal_data: get("personal_data"),
        recipients: get("recipients"),
        transfers: get("transfers"),
        transfer_countries: get("transfer_countries"),
        transfer_safeguard: get("transfer_safeguard"),
        retention: get("retention"),
        security_measures: get("security_measures"),
        needs_dpia: get("needs_dpia"),
    };
    let _ = record.parse(true);
    let _ = record.parse(false);
    let agreement = processing::AgreementFields {
        supplier: get("supplier"),
        signed_on: get("signed_on"),
        expires_on: get("expires_on"),
    };
    let _ = agreement.parse(today, Vec::new(), Vec::new());
});
