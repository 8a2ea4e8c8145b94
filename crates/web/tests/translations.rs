//! Every translation key Lisa uses at run time exists in Swedish and English.
//!
//! (a) `locales/sv/*.ftl` and `locales/en/*.ftl` define the same keys, each
//!     once across the files of a language.
//! (b) Keys written as literals in `crates/web/src/**/*.rs`,
//!     `crates/web/templates/**/*.html`, `crates/domain/src/**/*.rs`,
//!     `crates/store/src/**/*.rs` and `crates/lisa/src/**/*.rs` exist. A
//!     literal is a key when it is
//!     - the first text argument of a translation call: `t("k")`, `ctx.t("k")`,
//!       `i18n::t(lang, "k")`, `t_args(lang, "k", …)` (any function named `t`
//!       or `t_args`, with at most one plain argument before the key);
//!     - the code of a field error: `FieldError::new(field, "k")`,
//!       `StoreError::conflict(field, "k")`, `AppError::BadRequest("k")`;
//!     - any Rust string literal that is a whole kebab-case word beginning with
//!       `error-` or `problem-` (those prefixes are reserved for keys).
//! (c) Keys built at run time from a prefix and a code (`ctx.tk("prefix", code)`,
//!     `t(&format!("prefix-{…}"))`): every prefix found in the sources must be
//!     listed in [`built_keys`] with the codes it takes (the enums' `ALL`), and
//!     every `prefix-code` must exist. The audit log's `record-…` keys are
//!     built from the record types the store writes (`record_type: "r"` and
//!     `audit(actor, "a.b", "r", …)` in `crates/store/src`), its `action-…`
//!     keys from every dotted literal `"r.verb"` in the Rust sources of store,
//!     web and lisa whose `r` is such a record type (or `role`, `calendar`,
//!     `checklist`).

#![allow(clippy::unwrap_used, reason = "test code: a failure fails the test")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use regex::Regex;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|x| x == ext) {
            out.push(p);
        }
    }
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Message ids of one language: `key = …` at the start of a line (terms,
/// `-name`, and attributes, indented `.name`, are not keys).
fn keys_of(lang: &str) -> BTreeMap<String, PathBuf> {
    let mut ftl = Vec::new();
    files(&Path::new(ROOT).join("locales").join(lang), "ftl", &mut ftl);
    assert!(!ftl.is_empty(), "no .ftl files for {lang}");
    let re = Regex::new(r"(?m)^([a-zA-Z][a-zA-Z0-9_-]*)\s*=").unwrap();
    let mut keys = BTreeMap::new();
    let mut twice = Vec::new();
    for f in ftl {
        for c in re.captures_iter(&read(&f)) {
            if let Some(first) = keys.insert(c[1].to_owned(), f.clone()) {
                twice.push(format!("{} in {} and {}", &c[1], first.display(), f.display()));
            }
        }
    }
    assert!(twice.is_empty(), "{lang}: keys defined twice: {twice:#?}");
    keys
}

fn sources() -> Vec<(PathBuf, String)> {
    let crates = Path::new(ROOT).join("..");
    let mut paths = Vec::new();
    for (dir, ext) in
        [("web/src", "rs"), ("web/templates", "html"), ("domain/src", "rs"), ("store/src", "rs"), ("lisa/src", "rs")]
    {
        files(&crates.join(dir), ext, &mut paths);
    }
    assert!(paths.len() > 20, "the sources were not found under {}", crates.display());
    paths.into_iter().map(|p| (p.clone(), read(&p))).collect()
}

/// (b): the literal keys of one source file.
fn literal_keys(path: &Path, text: &str) -> BTreeSet<String> {
    let key = r#""([a-z][a-z0-9]*(?:-[a-z0-9]+)*)""#;
    let calls = [
        format!(r"\bt(?:_args)?\(\s*(?:[A-Za-z_][A-Za-z0-9_.:]*\s*,\s*)?{key}"),
        format!(r"FieldError::new\(\s*[^,()]+,\s*{key}"),
        format!(r"\bconflict\(\s*[^,()]+,\s*{key}"),
        format!(r"BadRequest\(\s*{key}"),
    ];
    let mut out = BTreeSet::new();
    for c in calls {
        for m in Regex::new(&c).unwrap().captures_iter(text) {
            out.insert(m[1].to_owned());
        }
    }
    if path.extension().is_some_and(|x| x == "rs") {
        let reserved = Regex::new(r#""((?:error|problem)-[a-z0-9]+(?:-[a-z0-9]+)*)""#).unwrap();
        for m in reserved.captures_iter(text) {
            out.insert(m[1].to_owned());
        }
    }
    out
}

/// (c): the prefixes of keys built at run time in one source file.
fn built_prefixes(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for re in [r#"\btk\(\s*"([a-z][a-z0-9-]*)""#, r#"\bt\(\s*&format!\(\s*"([a-z][a-z0-9-]*)-\{"#] {
        for m in Regex::new(re).unwrap().captures_iter(text) {
            out.insert(m[1].to_owned());
        }
    }
    out
}

fn codes<T: Copy>(all: &[T], code: impl Fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|x| code(*x).to_owned()).collect()
}

/// The codes each built-key prefix takes. A new enum shown through
/// `tk`/`format!` gets its row here.
fn built_keys(store_sources: &[&str], action_sources: &[&str]) -> BTreeMap<&'static str, Vec<String>> {
    use domain::assessment::{Confidence, Status as AssessmentStatus, Transition};
    use domain::audits::{Assessment, AuditKind, Stance, TargetStatus};
    use domain::calendar::{Concerns, Recurrence};
    use domain::incident::compile::DeadlineStateKind;
    use domain::incident::duties::{NisClass, Step as IncidentStep};
    use domain::incident::{Aspect, Category, Severity as IncidentSeverity, Status as IncidentStatus};
    use domain::org::OrgKind;
    use domain::plan::{ActionStatus, Origin};
    use domain::review::{DecisionKind, PointStatus, ReviewStatus, SectionKey, UnitReportStatus};
    use domain::round::{InviteeStatus, Phase, SizeClass};
    use domain::scoring::Status as QuestionStatus;
    use domain::steering::{DocKind, DocStatus, Implementation};
    use domain::user::Role;

    // Enums without `ALL`: the match makes a new variant fail to compile here.
    let assessment_status = |s: AssessmentStatus| match s {
        AssessmentStatus::Draft
        | AssessmentStatus::Submitted
        | AssessmentStatus::Approved
        | AssessmentStatus::Locked => s.code(),
    };
    let all_assessment_status =
        [AssessmentStatus::Draft, AssessmentStatus::Submitted, AssessmentStatus::Approved, AssessmentStatus::Locked];
    let transition = |s: Transition| match s {
        Transition::Submit | Transition::ReturnToDraft | Transition::Approve | Transition::Lock => s.code(),
    };
    let all_transitions = [Transition::Submit, Transition::ReturnToDraft, Transition::Approve, Transition::Lock];
    let question_status = |s: QuestionStatus| match s {
        QuestionStatus::Met { .. }
        | QuestionStatus::Partly { .. }
        | QuestionStatus::NotMet { .. }
        | QuestionStatus::Unanswered { .. }
        | QuestionStatus::NotApplicable => s.code(),
    };
    let all_question_status = [
        QuestionStatus::Met { points: 1 },
        QuestionStatus::Partly { points: 1, max: 2 },
        QuestionStatus::NotMet { max: 1 },
        QuestionStatus::Unanswered { max: 1 },
        QuestionStatus::NotApplicable,
    ];

    // The audit log: actions and record types the store writes.
    let mut records = BTreeSet::new();
    let record_arg = Regex::new(r#"audit\(\s*&?actor\s*,\s*"[a-z_]+\.[a-z_]+"\s*,\s*"([a-z_]+)""#).unwrap();
    let record_field = Regex::new(r#"record_type:\s*"([a-z_]+)""#).unwrap();
    for text in store_sources {
        for re in [&record_arg, &record_field] {
            records.extend(re.captures_iter(text).map(|m| m[1].to_owned()));
        }
    }
    // Actions are dotted codes `record.verb`: every such literal whose first
    // part is a record type or names one (`role.`, `calendar.`, `checklist.`)
    // and whose second part is no file extension.
    let mut roots = records.clone();
    roots.extend(["role", "calendar", "checklist"].map(String::from));
    let dotted = Regex::new(r#""([a-z_]+)\.([a-z_]+)""#).unwrap();
    let extensions =
        ["html", "db", "csv", "pdf", "xlsx", "docx", "ftl", "css", "js", "toml", "json", "svg", "png", "txt", "ics"];
    let mut actions = BTreeSet::new();
    for text in action_sources {
        for m in dotted.captures_iter(text) {
            // `"round.id"` and the like are tracing fields, not actions.
            if roots.contains(&m[1]) && !extensions.contains(&&m[2]) && &m[2] != "id" {
                actions.insert(format!("{}.{}", &m[1], &m[2]));
            }
        }
    }
    // `created(actor, "asset", …)` and its kin in `store::assets` write
    // `asset.create`, `asset.update` and `asset.delete` for the record type.
    let register_entry = Regex::new(r#"\b(created|updated|deleted)\(\s*&?actor\s*,\s*"([a-z_]+)""#).unwrap();
    for text in store_sources {
        for m in register_entry.captures_iter(text) {
            records.insert(m[2].to_owned());
            let verb = match &m[1] {
                "created" => "create",
                "updated" => "update",
                _ => "delete",
            };
            actions.insert(format!("{}.{verb}", &m[2]));
        }
    }
    // `format!("assessment.{}", step.code())`: the lifecycle steps.
    actions.extend(all_transitions.iter().map(|t| format!("assessment.{}", transition(*t))));
    assert!(actions.len() > 20 && records.len() > 3, "the store's audit codes were not found: {actions:?} {records:?}");

    let mut done = vec!["saved".to_owned(), "reopen".to_owned()];
    done.extend(all_transitions.iter().map(|t| transition(*t).to_owned()));

    BTreeMap::from([
        ("kind", codes(&OrgKind::ALL, OrgKind::code)),
        ("role", codes(&Role::ALL, Role::code)),
        ("confidence", codes(&Confidence::ALL, Confidence::code)),
        ("recurrence", codes(Recurrence::ALL, Recurrence::code)),
        ("concerns", codes(Concerns::ALL, Concerns::code)),
        ("action-status", codes(ActionStatus::ALL, ActionStatus::code)),
        ("origin", codes(Origin::ALL, Origin::code)),
        ("review-status", codes(ReviewStatus::ALL, ReviewStatus::code)),
        ("review-section", codes(SectionKey::ALL, SectionKey::code)),
        ("decision-kind", codes(DecisionKind::ALL, DecisionKind::code)),
        ("point-status", codes(PointStatus::ALL, PointStatus::code)),
        ("steering-kind", codes(DocKind::ALL, DocKind::code)),
        ("audit-kind", codes(AuditKind::ALL, AuditKind::code)),
        ("audit-assessment", codes(Assessment::ALL, Assessment::code)),
        ("audit-stance", codes(Stance::ALL, Stance::code)),
        ("audit-status", codes(TargetStatus::ALL, TargetStatus::code)),
        ("training-group", codes(domain::training::TargetGroup::ALL, domain::training::TargetGroup::code)),
        ("training-topic", codes(domain::training::Topic::ALL, domain::training::Topic::code)),
        ("training-field", ["person", "course", "completed_on", "file"].map(String::from).to_vec()),
        ("steering-status", codes(DocStatus::ALL, DocStatus::code)),
        ("incident-category", codes(Category::ALL, Category::code)),
        ("incident-aspect", codes(Aspect::ALL, Aspect::code)),
        ("incident-severity", codes(IncidentSeverity::ALL, IncidentSeverity::code)),
        ("incident-status", codes(IncidentStatus::ALL, IncidentStatus::code)),
        ("incident-step", codes(IncidentStep::ALL, IncidentStep::code)),
        ("incident-state", codes(DeadlineStateKind::ALL, DeadlineStateKind::code)),
        ("incident-nis-class", codes(NisClass::ALL, NisClass::code)),
        ("steering-impl", codes(Implementation::ALL, Implementation::code)),
        ("unit-report-status", codes(UnitReportStatus::ALL, UnitReportStatus::code)),
        ("invitee-status", codes(InviteeStatus::ALL, InviteeStatus::code)),
        ("round-phase", codes(Phase::ALL, Phase::code)),
        ("size", codes(SizeClass::ALL, SizeClass::code)),
        ("assessment-status", codes(&all_assessment_status, assessment_status)),
        ("question-status", codes(&all_question_status, question_status)),
        ("assessment-done", done),
        // `format!("assessment-{}", step.code())`: the lifecycle buttons.
        ("assessment", all_transitions.iter().map(|t| transition(*t).to_owned()).collect()),
        ("month", (1..=12).map(|m: u32| m.to_string()).collect()),
        ("action", actions.iter().map(|a| a.replace(['.', '_'], "-")).collect()),
        ("record", records.into_iter().collect()),
    ])
}

/// Built keys that take only some codes of their enum (with a suffix).
fn partial_built_keys() -> Vec<String> {
    use domain::review::SectionKey;
    [
        SectionKey::Risks,
        SectionKey::OutsideWorld,
        SectionKey::Proposals,
        SectionKey::FollowUp,
        SectionKey::DpoReport,
        SectionKey::Rollup,
        SectionKey::Documents,
        SectionKey::Audits,
        SectionKey::Incidents,
        SectionKey::Training,
    ]
    .iter()
    .map(|k| format!("review-section-{}-hint", k.code()))
    .collect()
}

#[test]
fn swedish_and_english_define_the_same_keys() {
    let sv = keys_of("sv");
    let en = keys_of("en");
    let only_sv: Vec<_> =
        sv.iter().filter(|(k, _)| !en.contains_key(*k)).map(|(k, f)| format!("{k} ({})", f.display())).collect();
    let only_en: Vec<_> =
        en.iter().filter(|(k, _)| !sv.contains_key(*k)).map(|(k, f)| format!("{k} ({})", f.display())).collect();
    assert!(only_sv.is_empty() && only_en.is_empty(), "only in Swedish: {only_sv:#?}\nonly in English: {only_en:#?}");
}

#[test]
fn every_key_used_at_run_time_exists_in_both_languages() {
    let sv = keys_of("sv");
    let en = keys_of("en");
    let sources = sources();
    let mut missing = BTreeSet::new();
    let mut check = |key: &str, from: String| {
        for (lang, keys) in [("sv", &sv), ("en", &en)] {
            if !keys.contains_key(key) {
                missing.insert(format!("{lang}: {key}  ({from})"));
            }
        }
    };

    // (b) literal keys.
    let mut literals = 0;
    for (path, text) in &sources {
        for key in literal_keys(path, text) {
            literals += 1;
            check(&key, path.display().to_string());
        }
    }
    assert!(literals > 300, "only {literals} literal keys found: has the pattern stopped matching?");

    // (c) keys built from codes.
    let store_sources: Vec<&str> = sources
        .iter()
        .filter(|(p, _)| p.components().any(|c| c.as_os_str() == "store"))
        .map(|(_, t)| t.as_str())
        .collect();
    // Audit actions are written by the store, web and the CLI, never by
    // domain (whose dotted literals are model fields such as `model.key`).
    let rust_sources: Vec<&str> = sources
        .iter()
        .filter(|(p, _)| p.extension().is_some_and(|x| x == "rs") && !p.components().any(|c| c.as_os_str() == "domain"))
        .map(|(_, t)| t.as_str())
        .collect();
    let built = built_keys(&store_sources, &rust_sources);
    let mut unlisted = BTreeSet::new();
    for (path, text) in &sources {
        for prefix in built_prefixes(text) {
            if !built.contains_key(prefix.as_str()) {
                unlisted.insert(format!("{prefix} ({})", path.display()));
            }
        }
    }
    assert!(
        unlisted.is_empty(),
        "keys are built from these prefixes, but the test does not know their codes; add them to built_keys: {unlisted:#?}"
    );
    for (prefix, codes) in &built {
        for code in codes {
            check(&format!("{prefix}-{code}"), format!("built from \"{prefix}\""));
        }
    }
    for key in partial_built_keys() {
        check(&key, "review section hint".into());
    }
    assert!(missing.is_empty(), "keys without a translation: {missing:#?}");
}

#[test]
fn the_patterns_find_what_they_should() {
    let rs = Path::new("x.rs");
    let text = r#"ctx.t("nav-orgs"); i18n::t(lang, "round-new"); t_args(lang, "mail-body", &[]);
        FieldError::new("name", "error-required"); StoreError::conflict("email", "error-email-taken");
        AppError::BadRequest("error-method"); let c = "problem-internal"; let css = "form-row";
        ctx.tk("invitee-status", &s); ctx.t(&format!("kind-{}", k.code()));"#;
    let found = literal_keys(rs, text);
    for k in [
        "nav-orgs",
        "round-new",
        "mail-body",
        "error-required",
        "error-email-taken",
        "error-method",
        "problem-internal",
    ] {
        assert!(found.contains(k), "{k} not found in {found:?}");
    }
    assert!(!found.contains("form-row") && !found.contains("name"));
    assert_eq!(built_prefixes(text), BTreeSet::from(["invitee-status".to_owned(), "kind".to_owned()]));
}
