//! Incidents (seed 001, 003, 004): the register, the statutory reporting
//! duties with their clocks ([`duties`]) and the central compilation
//! ([`compile`]).

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Stockholm;
use serde::{Deserialize, Deserializer, Serialize};
use uuid::Uuid;

use crate::error::{FieldError, ValidationErrors};
use crate::{code_enum, parse_line, parse_text};

pub mod compile;
pub mod duties;

code_enum!(
    /// What kind of incident: the ten categories of MSB's reporting for
    /// state agencies (CERT-SE's list under MSBFS 2020:8), usable by all.
    Category, "category" {
        /// Störning i mjuk- eller hårdvara.
        SoftwareHardware => "software_hardware",
        /// Störning i driftmiljö.
        OperatingEnvironment => "operating_environment",
        /// Informationsförlust eller informationsläckage.
        InformationLoss => "information_loss",
        /// Informationsförvanskning.
        InformationCorruption => "information_corruption",
        /// Hindrad tillgång till information.
        AccessPrevented => "access_prevented",
        /// Säkerhetsbrist i en produkt.
        ProductVulnerability => "product_vulnerability",
        /// Angrepp.
        Attack => "attack",
        /// Handhavandefel.
        HandlingError => "handling_error",
        /// Oönskad eller oplanerad störning i kritisk infrastruktur.
        CriticalInfrastructure => "critical_infrastructure",
        /// Annan plötslig oförutsedd händelse som lett till skada.
        OtherEvent => "other_event",
    }
);

code_enum!(
    /// How serious an incident is.
    Severity, "severity" {
        Low => "low",
        Moderate => "moderate",
        Serious => "serious",
        Critical => "critical",
    }
);

impl Severity {
    /// Serious and critical incidents are significant: they trigger the NIS2
    /// and MSB reporting duties.
    pub fn significant(self) -> bool {
        matches!(self, Severity::Serious | Severity::Critical)
    }
}

code_enum!(
    /// Where an incident stands.
    Status as "IncidentStatus", "status" {
        Registered => "registered",
        Investigating => "investigating",
        Remedied => "remedied",
        Closed => "closed",
    }
);

code_enum!(
    /// A property of information an incident affected; an incident names
    /// one or more, stored comma-joined in [`Aspect::ALL`] order.
    Aspect, "aspects" {
        /// Konfidentialitet.
        Confidentiality => "confidentiality",
        /// Riktighet.
        Integrity => "integrity",
        /// Tillgänglighet.
        Availability => "availability",
        /// Spårbarhet.
        Traceability => "traceability",
    }
);

/// Aspects as stored: their codes comma-joined in [`Aspect::ALL`] order, each once.
pub fn join_aspects(aspects: &[Aspect]) -> String {
    Aspect::ALL.iter().filter(|a| aspects.contains(a)).map(|a| a.code()).collect::<Vec<_>>().join(",")
}

/// Comma-separated aspect codes (as stored or as typed): at least one, each
/// once, in [`Aspect::ALL`] order.
pub fn parse_aspects(s: &str) -> Result<Vec<Aspect>, FieldError> {
    let mut found = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let a: Aspect = part.parse()?;
        if !found.contains(&a) {
            found.push(a);
        }
    }
    if found.is_empty() {
        return Err(FieldError::new("aspects", "error-incident-aspects"));
    }
    Ok(Aspect::ALL.iter().copied().filter(|a| found.contains(a)).collect())
}

/// A Swedish wall-clock time as an instant: an autumn hour that occurs
/// twice is the earlier one; a spring hour that never occurs is `None`.
pub fn from_stockholm(t: NaiveDateTime) -> Option<DateTime<Utc>> {
    match Stockholm.from_local_datetime(&t) {
        LocalResult::Single(x) => Some(x.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(a.min(b).with_timezone(&Utc)),
        LocalResult::None => None,
    }
}

/// `t` as the value of a datetime-local input, in Swedish time ("2026-03-29T14:05").
pub fn local_input(t: &DateTime<Utc>) -> String {
    crate::clock::stockholm(t).format("%Y-%m-%dT%H:%M").to_string()
}

/// A time as a datetime-local input gives it ("2026-03-29T14:05", seconds
/// allowed), read as Swedish time; an instant with its offset (RFC 3339)
/// is taken as it is. Empty is `None` unless required.
pub fn parse_local_time(field: &'static str, s: &str, required: bool) -> Result<Option<DateTime<Utc>>, FieldError> {
    let s = s.trim();
    if s.is_empty() {
        return if required { Err(FieldError::new(field, "error-required")) } else { Ok(None) };
    }
    let bad = || FieldError::new(field, "error-incident-time");
    if s.len() > 40 {
        return Err(bad());
    }
    let in_range = |t: &DateTime<Utc>| (2000..=2100).contains(&chrono::Datelike::year(t));
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        let t = crate::truncate_micros(t.with_timezone(&Utc));
        return if in_range(&t) { Ok(Some(t)) } else { Err(bad()) };
    }
    let naive = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .ok_or_else(bad)?;
    if !(2000..=2100).contains(&chrono::Datelike::year(&naive)) {
        return Err(bad());
    }
    from_stockholm(naive).map(Some).ok_or(FieldError::new(field, "error-incident-time-gap"))
}

/// How far ahead of `now` a typed time may lie (clocks differ a little).
const SLACK: chrono::Duration = chrono::Duration::minutes(1);

/// A ticked checkbox ("on") or a JSON `true`.
pub fn is_on(s: &str) -> bool {
    matches!(s.trim(), "on" | "true" | "1" | "yes")
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Flag {
    Bool(bool),
    Text(String),
}

/// A flag as a form ("on") or JSON (`true`) gives it, kept as text.
fn flag_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Flag::deserialize(d)? {
        Flag::Bool(true) => "true".to_owned(),
        Flag::Bool(false) => String::new(),
        Flag::Text(s) => s,
    })
}

/// A flag as a form ("on") or JSON (`true`) gives it.
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Flag::deserialize(d)? {
        Flag::Bool(b) => b,
        Flag::Text(s) => is_on(&s),
    })
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Codes {
    One(String),
    Many(Vec<String>),
}

/// Codes as one comma-separated text or a JSON list, kept comma-joined.
fn codes<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Codes::deserialize(d)? {
        Codes::One(s) => s,
        Codes::Many(v) => v.join(","),
    })
}

/// An incident as a form or the API gives it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct IncidentFields {
    pub title: String,
    pub description: String,
    /// When it happened, Swedish time "YYYY-MM-DDTHH:MM" (or RFC 3339); may be unknown.
    pub occurred_at: String,
    /// When it was discovered, Swedish time "YYYY-MM-DDTHH:MM" (or RFC 3339): the statutory clocks start here.
    pub discovered_at: String,
    pub category: String,
    /// The affected aspects: codes comma-separated or a list.
    #[serde(deserialize_with = "codes")]
    pub aspects: String,
    /// Whether personal data is involved: "on", "true" or `true`.
    #[serde(deserialize_with = "flag_text")]
    pub personal_data: String,
    pub severity: String,
    pub responsible: String,
    pub lessons: String,
    /// The organisation or unit it happened in.
    pub org_id: String,
}

/// An incident's parsed values.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentInput {
    pub title: String,
    pub description: String,
    pub occurred_at: Option<DateTime<Utc>>,
    pub discovered_at: DateTime<Utc>,
    pub category: Category,
    pub aspects: Vec<Aspect>,
    pub personal_data: bool,
    pub severity: Severity,
    pub responsible: String,
    pub lessons: String,
    pub org_id: Uuid,
}

impl IncidentFields {
    /// A form's fields, where each ticked aspect comes as its own `aspects`
    /// pair; unknown names are left out.
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = Self::default();
        let mut aspects: Vec<&str> = Vec::new();
        for (k, v) in pairs.iter().take(100) {
            let slot = match k.as_str() {
                "aspects" => {
                    aspects.push(v);
                    continue;
                }
                "title" => &mut f.title,
                "description" => &mut f.description,
                "occurred_at" => &mut f.occurred_at,
                "discovered_at" => &mut f.discovered_at,
                "category" => &mut f.category,
                "personal_data" => &mut f.personal_data,
                "severity" => &mut f.severity,
                "responsible" => &mut f.responsible,
                "lessons" => &mut f.lessons,
                "org_id" => &mut f.org_id,
                _ => continue,
            };
            slot.clone_from(v);
        }
        f.aspects = aspects.join(",");
        f
    }

    /// Parses every field, collecting the errors. Times are Swedish time;
    /// neither may lie after `now`, and the discovery not before the event.
    pub fn parse(&self, now: DateTime<Utc>) -> Result<IncidentInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let title = errs.check(parse_line("title", &self.title, 300, true));
        let description = errs.check(parse_text("description", &self.description, 8000, false));
        let occurred_at = errs.check(parse_local_time("occurred_at", &self.occurred_at, false)).flatten();
        let discovered_at = errs.check(parse_local_time("discovered_at", &self.discovered_at, true)).flatten();
        let category = errs.check(self.category.trim().parse::<Category>());
        let aspects = errs.check(parse_aspects(&self.aspects));
        let severity = errs.check(self.severity.trim().parse::<Severity>());
        let responsible = errs.check(parse_line("responsible", &self.responsible, 200, false));
        let lessons = errs.check(parse_text("lessons", &self.lessons, 8000, false));
        let org_id = errs.check(match self.org_id.trim() {
            "" => Err(FieldError::new("org_id", "error-required")),
            s => s.parse::<Uuid>().map_err(|_| FieldError::new("org_id", "error-malformed")),
        });
        if occurred_at.is_some_and(|t| t > now + SLACK) {
            errs.push(FieldError::new("occurred_at", "error-incident-future"));
        }
        if discovered_at.is_some_and(|t| t > now + SLACK) {
            errs.push(FieldError::new("discovered_at", "error-incident-future"));
        } else if let (Some(o), Some(d)) = (occurred_at, discovered_at)
            && d < o
        {
            errs.push(FieldError::new("discovered_at", "error-incident-order"));
        }
        errs.clone().into_result()?;
        Ok(IncidentInput {
            title: title.expect("checked"),
            description: description.expect("checked"),
            occurred_at,
            discovered_at: discovered_at.expect("checked"),
            category: category.expect("checked"),
            aspects: aspects.expect("checked"),
            personal_data: is_on(&self.personal_data),
            severity: severity.expect("checked"),
            responsible: responsible.expect("checked"),
            lessons: lessons.expect("checked"),
            org_id: org_id.expect("checked"),
        })
    }
}

/// An entry in an incident's timeline, as typed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EntryFields {
    pub text: String,
}

impl EntryFields {
    /// The entry's text: required, at most 4,000 characters.
    pub fn parse(&self) -> Result<String, ValidationErrors> {
        Ok(parse_text("text", &self.text, 4000, true)?)
    }
}

/// A notification to an authority (IMY, CERT-SE, MSB) as typed: when it was
/// made, or that it was not required.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReportFields {
    /// When the notification was made, Swedish time "YYYY-MM-DDTHH:MM" (or RFC 3339).
    pub at: String,
    /// The duty did not apply after all (say, a breach unlikely to risk anyone's rights): "on" or `true`.
    #[serde(deserialize_with = "flag")]
    pub not_required: bool,
    /// The authority's case number or the report's reference.
    pub reference: String,
    pub note: String,
}

/// A notification's parsed values.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportInput {
    pub at: Option<DateTime<Utc>>,
    pub not_required: bool,
    pub reference: String,
    pub note: String,
}

impl ReportFields {
    /// The time is required unless the duty was not required, and may not
    /// lie after `now`; a duty found not required says why in the note.
    pub fn parse(&self, now: DateTime<Utc>) -> Result<ReportInput, ValidationErrors> {
        let mut errs = ValidationErrors::default();
        let at = errs.check(parse_local_time("at", &self.at, !self.not_required)).flatten();
        let reference = errs.check(parse_line("reference", &self.reference, 200, false));
        let note = errs.check(parse_text("note", &self.note, 2000, false));
        if at.is_some_and(|t| t > now + SLACK) {
            errs.push(FieldError::new("at", "error-incident-future"));
        }
        if self.not_required && note.as_ref().is_some_and(String::is_empty) {
            errs.push(FieldError::new("note", "error-incident-not-required-why"));
        }
        errs.clone().into_result()?;
        Ok(ReportInput {
            at,
            not_required: self.not_required,
            reference: reference.expect("checked"),
            note: note.expect("checked"),
        })
    }
}

/// The closing time after a move from `from` to `to`: closing sets it to
/// `now`, reopening clears it. An incident may move to any other status.
pub fn move_status(
    from: Status,
    to: Status,
    closed_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, FieldError> {
    if from == to {
        return Err(FieldError::new("status", "error-incident-same-status"));
    }
    Ok(if to == Status::Closed { Some(closed_at.unwrap_or(now)) } else { None })
}

/// Whether an organisation of this kind is a legal entity (kommun, region,
/// myndighet, koncern, bolag): the one whose NIS class and kind decide an
/// incident's reporting duties.
pub fn is_legal_entity(kind: crate::org::OrgKind) -> bool {
    use crate::org::OrgKind::*;
    matches!(kind, Municipality | Region | Agency | Holding | Company)
}

/// The legal entity an organisation belongs to: the nearest of itself and
/// its ancestors that is one ([`is_legal_entity`]).
pub fn legal_entity(tree: &crate::org::OrgTree, org: Uuid) -> Option<&crate::org::OrgNode> {
    tree.path(org).into_iter().rev().find(|n| is_legal_entity(n.kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn fields() -> IncidentFields {
        IncidentFields {
            title: "Felskickat e-brev med elevuppgifter".into(),
            description: "Ett e-brev med en klasslista skickades till fel mottagare.".into(),
            occurred_at: "2026-03-10T08:15".into(),
            discovered_at: "2026-03-10T09:40".into(),
            category: "information_loss".into(),
            aspects: "integrity, confidentiality".into(),
            personal_data: "on".into(),
            severity: "serious".into(),
            responsible: "Rektor".into(),
            org_id: Uuid::from_u128(7).to_string(),
            ..Default::default()
        }
    }

    #[test]
    fn an_incident_is_parsed_in_swedish_time_with_its_aspects_in_order() {
        let now = utc("2026-03-11T12:00:00Z");
        let i = fields().parse(now).unwrap();
        assert_eq!(i.discovered_at, utc("2026-03-10T08:40:00Z"), "winter: UTC+1");
        assert_eq!(i.occurred_at, Some(utc("2026-03-10T07:15:00Z")));
        assert_eq!(i.aspects, vec![Aspect::Confidentiality, Aspect::Integrity]);
        assert_eq!(join_aspects(&i.aspects), "confidentiality,integrity");
        assert!(i.personal_data && i.severity.significant());
        assert_eq!((i.category, i.org_id), (Category::InformationLoss, Uuid::from_u128(7)));
        let summer =
            IncidentFields { occurred_at: String::new(), discovered_at: "2026-07-01T14:00".into(), ..fields() };
        let i = summer.parse(utc("2026-07-02T00:00:00Z")).unwrap();
        assert_eq!((i.discovered_at, i.occurred_at), (utc("2026-07-01T12:00:00Z"), None), "summer: UTC+2");
        let api = IncidentFields { discovered_at: "2026-03-10T09:40:00+01:00".into(), ..fields() };
        assert_eq!(api.parse(now).unwrap().discovered_at, utc("2026-03-10T08:40:00Z"));
        let off = IncidentFields { personal_data: String::new(), ..fields() };
        assert!(!off.parse(now).unwrap().personal_data);
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = IncidentFields {
            title: " ".into(),
            description: "x".repeat(8001),
            occurred_at: "igår".into(),
            discovered_at: String::new(),
            category: "theft".into(),
            aspects: String::new(),
            severity: "huge".into(),
            responsible: "x".repeat(201),
            lessons: "a\u{7}b".into(),
            org_id: "nej".into(),
            ..Default::default()
        };
        let errs = bad.parse(utc("2026-03-11T12:00:00Z")).unwrap_err().0;
        let named: Vec<(&str, &str)> = errs.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            named,
            vec![
                ("title", "error-required"),
                ("description", "error-text-too-long"),
                ("occurred_at", "error-incident-time"),
                ("discovered_at", "error-required"),
                ("category", "error-malformed"),
                ("aspects", "error-incident-aspects"),
                ("severity", "error-malformed"),
                ("responsible", "error-text-too-long"),
                ("lessons", "error-text-too-long"),
                ("org_id", "error-malformed"),
            ]
        );
        let odd = IncidentFields { aspects: "integrity,smell".into(), ..fields() };
        assert_eq!(
            odd.parse(utc("2026-03-11T12:00:00Z")).unwrap_err().0,
            vec![FieldError::new("aspects", "error-malformed")]
        );
    }

    #[test]
    fn the_discovery_is_neither_in_the_future_nor_before_the_event() {
        let now = utc("2026-03-10T08:40:00Z"); // 09:40 in Sweden: the very minute typed
        assert!(fields().parse(now).is_ok());
        let early = utc("2026-03-10T08:30:00Z");
        assert_eq!(
            fields().parse(early).unwrap_err().0,
            vec![FieldError::new("discovered_at", "error-incident-future")]
        );
        let backwards = IncidentFields { occurred_at: "2026-03-10T10:00".into(), ..fields() };
        assert_eq!(
            backwards.parse(utc("2026-03-11T00:00:00Z")).unwrap_err().0,
            vec![FieldError::new("discovered_at", "error-incident-order")]
        );
    }

    #[test]
    fn the_summer_time_changes_are_read_as_the_law_reads_them() {
        // 29 March 2026: 02:00–02:59 does not exist in Sweden.
        assert_eq!(
            parse_local_time("at", "2026-03-29T02:30", true).unwrap_err(),
            FieldError::new("at", "error-incident-time-gap")
        );
        assert_eq!(parse_local_time("at", "2026-03-29T03:00", true).unwrap(), Some(utc("2026-03-29T01:00:00Z")));
        assert_eq!(parse_local_time("at", "2026-03-29T01:59", true).unwrap(), Some(utc("2026-03-29T00:59:00Z")));
        // 25 October 2026: 02:00–02:59 occurs twice; the earlier (summer time) is meant.
        assert_eq!(parse_local_time("at", "2026-10-25T02:30", true).unwrap(), Some(utc("2026-10-25T00:30:00Z")));
        assert_eq!(parse_local_time("at", "2026-10-25T03:30", true).unwrap(), Some(utc("2026-10-25T02:30:00Z")));
        assert_eq!(parse_local_time("at", "", false).unwrap(), None);
        for bad in ["1999-12-31T23:00", "2026-13-01T00:00", "2026-03-10", "x".repeat(41).as_str()] {
            assert_eq!(parse_local_time("at", bad, true).unwrap_err().code, "error-incident-time", "{bad}");
        }
        assert_eq!(local_input(&utc("2026-10-25T00:30:00Z")), "2026-10-25T02:30");
        assert_eq!(local_input(&utc("2026-10-25T01:30:00Z")), "2026-10-25T02:30");
    }

    #[test]
    fn a_form_with_several_ticked_aspects_and_json_with_a_list_both_parse() {
        let pairs: Vec<(String, String)> = [
            ("title", "Driftstopp"),
            ("aspects", "availability"),
            ("aspects", "confidentiality"),
            ("personal_data", "on"),
            ("csrf", "x"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let f = IncidentFields::from_pairs(&pairs);
        assert_eq!(
            (f.title.as_str(), f.aspects.as_str(), f.personal_data.as_str()),
            ("Driftstopp", "availability,confidentiality", "on")
        );
        assert_eq!(parse_aspects(&f.aspects).unwrap(), vec![Aspect::Confidentiality, Aspect::Availability]);
        let json: IncidentFields =
            serde_json::from_str(r#"{"aspects":["traceability","integrity"],"personal_data":true}"#).unwrap();
        assert_eq!((json.aspects.as_str(), is_on(&json.personal_data)), ("traceability,integrity", true));
        let json: IncidentFields = serde_json::from_str(r#"{"aspects":"integrity","personal_data":false}"#).unwrap();
        assert_eq!((json.aspects.as_str(), is_on(&json.personal_data)), ("integrity", false));
    }

    #[test]
    fn a_report_needs_its_time_unless_not_required_and_then_a_reason() {
        let now = utc("2026-03-12T12:00:00Z");
        let r = ReportFields { at: "2026-03-11T16:00".into(), reference: "IMY-2026-1234".into(), ..Default::default() };
        assert_eq!(r.parse(now).unwrap().at, Some(utc("2026-03-11T15:00:00Z")));
        let none = ReportFields::default();
        assert_eq!(none.parse(now).unwrap_err().0, vec![FieldError::new("at", "error-required")]);
        let not = ReportFields { not_required: true, ..Default::default() };
        assert_eq!(not.parse(now).unwrap_err().0, vec![FieldError::new("note", "error-incident-not-required-why")]);
        let not =
            ReportFields { not_required: true, note: "Ingen risk för de registrerade.".into(), ..Default::default() };
        assert_eq!(
            not.parse(now).unwrap(),
            ReportInput {
                at: None,
                not_required: true,
                reference: String::new(),
                note: "Ingen risk för de registrerade.".into()
            }
        );
        let future = ReportFields { at: "2026-03-12T14:00".into(), ..Default::default() };
        assert_eq!(future.parse(now).unwrap_err().0, vec![FieldError::new("at", "error-incident-future")]);
        let form: ReportFields = serde_json::from_str(r#"{"not_required":"on","note":"x"}"#).unwrap();
        assert!(form.not_required);
        assert_eq!(
            EntryFields { text: " ".into() }.parse().unwrap_err().0,
            vec![FieldError::new("text", "error-required")]
        );
        assert_eq!(EntryFields { text: "Lösenord bytt.".into() }.parse().unwrap(), "Lösenord bytt.");
    }

    #[test]
    fn closing_sets_the_closing_time_and_reopening_clears_it() {
        let now = utc("2026-04-01T10:00:00Z");
        assert_eq!(move_status(Status::Remedied, Status::Closed, None, now).unwrap(), Some(now));
        assert_eq!(move_status(Status::Closed, Status::Investigating, Some(now), now).unwrap(), None);
        assert_eq!(move_status(Status::Registered, Status::Remedied, None, now).unwrap(), None);
        assert_eq!(
            move_status(Status::Closed, Status::Closed, Some(now), now).unwrap_err().code,
            "error-incident-same-status"
        );
        assert!(!Severity::Moderate.significant() && Severity::Critical.significant());
    }

    #[test]
    fn the_legal_entity_is_the_nearest_kommun_region_agency_or_company() {
        use crate::org::{OrgKind, OrgNode, OrgTree};
        let node = |id: u128, parent: Option<u128>, kind| OrgNode {
            id: Uuid::from_u128(id),
            parent_id: parent.map(Uuid::from_u128),
            name: format!("o{id}"),
            kind,
            own_review: false,
        };
        let tree = OrgTree::new(vec![
            node(1, None, OrgKind::Municipality),
            node(2, Some(1), OrgKind::Administration),
            node(3, Some(2), OrgKind::Unit),
            node(4, Some(1), OrgKind::Holding),
            node(5, Some(4), OrgKind::Company),
            node(6, None, OrgKind::Coordinator),
        ]);
        let entity = |id| legal_entity(&tree, Uuid::from_u128(id)).map(|n| n.id.as_u128());
        assert_eq!((entity(3), entity(2), entity(1)), (Some(1), Some(1), Some(1)));
        assert_eq!((entity(5), entity(4)), (Some(5), Some(4)));
        assert_eq!((entity(6), entity(99)), (None, None));
    }

    proptest::proptest! {
        /// Any typed time is answered without panicking, and a wall-clock
        /// time that exists reads back as itself.
        #[test]
        fn any_typed_time_is_answered(s in ".{0,30}", mins in 0i64..(60 * 24 * 366 * 3)) {
            let _ = parse_local_time("at", &s, true);
            let base = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
            let wall = base + chrono::Duration::minutes(mins);
            let typed = wall.format("%Y-%m-%dT%H:%M").to_string();
            match parse_local_time("at", &typed, true) {
                Ok(Some(t)) => proptest::prop_assert_eq!(local_input(&t), typed),
                Ok(None) => proptest::prop_assert!(false, "required"),
                Err(e) => proptest::prop_assert_eq!(e.code, "error-incident-time-gap"),
            }
        }
    }
}
