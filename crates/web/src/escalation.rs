//! Escalation of incidents' reporting deadlines.
//!
//! When a statutory deadline is near and unmet, or has passed unmet
//! ([`domain::incident::duties::alert`]), Lisa records the alert once per
//! incident, step and kind — the start page and the incident's page show it —
//! and, when an SMTP server is configured, e-mails the coordinators and CISOs
//! of the incident's organisation and the organisations above it, and for a
//! personal-data breach its DPOs. The alert is claimed in the database before
//! any e-mail is sent (`INSERT … ON CONFLICT DO NOTHING`), so with several
//! Lisa processes each alert is sent by one of them, once.

use chrono::{DateTime, Utc};
use domain::incident::duties::{Alert, Duty};
use domain::user::{Language, Role};
use store::{Store, StoreError};
use uuid::Uuid;

use crate::reminders::{Mailer, ReminderMail};

/// How far back open incidents are looked at: the longest clock (NIS2's
/// final report, a month after a notification due three days after
/// discovery) ends well inside it.
pub const LOOK_BACK_DAYS: i64 = 75;

/// The facts one alert is written from.
#[derive(Debug, Clone)]
pub struct AlertFacts<'a> {
    pub title: &'a str,
    pub org: &'a str,
    pub duty: &'a Duty,
    pub alert: Alert,
    pub link: &'a str,
}

/// One line of text: no line breaks or other control characters (an
/// incident's title reaches the mail's subject).
fn line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_owned()
}

fn part(lang: Language, f: &AlertFacts, title: &str, org: &str) -> String {
    let t = |key: &str, args: &[(&'static str, String)]| crate::i18n::t_args(lang, key, args);
    let step = t(&format!("incident-step-{}", f.duty.step.code()), &[]);
    let due = domain::clock::format_local(&f.duty.due);
    let what = t(
        match f.alert {
            Alert::Near => "incident-alert-near",
            Alert::Missed => "incident-alert-missed",
        },
        &[
            ("step", step),
            ("title", title.to_owned()),
            ("org", org.to_owned()),
            ("due", due),
            ("recipient", f.duty.recipient.to_owned()),
        ],
    );
    [
        t("incident-alert-greeting", &[]),
        String::new(),
        what,
        t("incident-alert-source", &[("source", f.duty.source.to_owned())]),
        String::new(),
        t("incident-alert-record", &[]),
        f.link.to_owned(),
        String::new(),
        t("incident-alert-why", &[]),
    ]
    .join("\n")
}

/// The alert: Swedish first, English below, plain text.
pub fn alert_mail(f: &AlertFacts) -> ReminderMail {
    let (title, org) = (line(f.title), line(f.org));
    let key = match f.alert {
        Alert::Near => "incident-alert-subject-near",
        Alert::Missed => "incident-alert-subject-missed",
    };
    let step = crate::i18n::t(Language::Sv, &format!("incident-step-{}", f.duty.step.code()));
    let subject = line(&crate::i18n::t_args(
        Language::Sv,
        key,
        &[("step", step), ("title", title.clone()), ("due", domain::clock::format_local(&f.duty.due))],
    ));
    let sv = part(Language::Sv, f, &title, &org);
    let en = part(Language::En, f, &title, &org);
    let signature = crate::i18n::t(Language::Sv, "round-reminder-signature");
    let separator = crate::i18n::t(Language::Sv, "round-reminder-in-english");
    ReminderMail { subject, body: format!("{sv}\n\n{signature}\nLisa\n\n{separator}\n\n{en}\n") }
}

/// The link to an incident in the web app.
pub fn incident_link(public_url: &str, id: Uuid) -> String {
    format!("{}/incidents/{id}", public_url.trim().trim_end_matches('/'))
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EscalationRun {
    /// Alerts recorded (each once, by whichever process claimed it).
    pub alerted: usize,
    pub emailed: usize,
    /// E-mails that could not be sent (logged; the alert still shows in Lisa).
    pub failed: usize,
}

/// Who is e-mailed about an incident: the coordinators and CISOs of its
/// organisation and those above it, and for personal data their DPOs.
pub fn alert_roles(personal_data: bool) -> &'static [Role] {
    if personal_data { &[Role::Coordinator, Role::Ciso, Role::Dpo] } else { &[Role::Coordinator, Role::Ciso] }
}

/// Alerts every open incident's deadlines that are near or missed, once each.
pub async fn escalate(
    store: &Store,
    mailer: Option<&Mailer>,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<EscalationRun, StoreError> {
    let mut run = EscalationRun::default();
    let due = crate::app::incident::due_alerts(store, now, now - chrono::Duration::days(LOOK_BACK_DAYS)).await?;
    for a in due {
        if !store.record_incident_alert(a.incident_id, a.duty.step, a.alert, 0).await? {
            continue; // another process (or an earlier run) has it
        }
        run.alerted += 1;
        let Some(mailer) = mailer else { continue };
        let mail = alert_mail(&AlertFacts {
            title: &a.title,
            org: &a.org_name,
            duty: &a.duty,
            alert: a.alert,
            link: &incident_link(public_url, a.incident_id),
        });
        let to = store.role_emails(&a.path, alert_roles(a.personal_data)).await?;
        let mut addresses: Vec<String> = to.into_iter().map(|(e, _)| e).collect();
        addresses.dedup();
        let mut sent = 0u32;
        for address in addresses {
            match mailer.send(&address, &mail).await {
                Ok(()) => {
                    sent += 1;
                    run.emailed += 1;
                }
                Err(e) => {
                    run.failed += 1;
                    tracing::warn!(incident = %a.incident_id, to = %address, server = mailer.server(), error = %e,
                        "could not e-mail an incident alert; it is still shown in Lisa");
                }
            }
        }
        store.set_incident_alert_emailed(a.incident_id, a.duty.step, a.alert, sent).await?;
    }
    if run.alerted > 0 {
        tracing::info!(alerted = run.alerted, emailed = run.emailed, failed = run.failed, "incident alerts");
    }
    Ok(run)
}
