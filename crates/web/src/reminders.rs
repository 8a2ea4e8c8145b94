//! Reminders to invitees of a follow-up round who have not submitted.
//!
//! Once per invitee, when [`domain::round::reminder_due`] holds, Lisa records
//! the reminder (the start page shows it) and, when an SMTP server is
//! configured, e-mails the invitee organisation's CISOs. A failed e-mail is
//! logged and the in-app reminder is still recorded (with `emailed = 0`).

use std::time::Duration;

use chrono::NaiveDate;
use domain::round::{InviteeStatus, days_left, reminder_due};
use domain::user::Language;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use store::{Round, Store, StoreError};
use uuid::Uuid;

/// A mail setting that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MailConfigError {
    #[error(
        "SMTP-adressen \"{0}\" stöds inte: använd smtp://värd:port, till exempel smtp://127.0.0.1:25 \
         (TLS och STARTTLS stöds inte ännu)"
    )]
    Scheme(String),
    #[error("SMTP-adressen \"{0}\" saknar en giltig värd eller port, till exempel smtp://127.0.0.1:25")]
    HostPort(String),
    #[error("SMTP-adressen \"{0}\" innehåller användarnamn eller lösenord; inloggning kräver TLS, som inte stöds ännu")]
    Credentials(String),
    #[error("avsändaradressen \"{0}\" är ingen giltig e-postadress")]
    From(String),
}

/// Where and how a plain SMTP server is reached, from `smtp://host:port[/ehlo-name]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    pub host: String,
    pub port: u16,
    /// The name Lisa gives in EHLO; the address literal 127.0.0.1 when not given.
    pub hello: Option<String>,
}

impl SmtpUrl {
    pub fn parse(url: &str) -> Result<SmtpUrl, MailConfigError> {
        let url = url.trim();
        let (scheme, rest) = url.split_once("://").ok_or_else(|| MailConfigError::Scheme(url.to_owned()))?;
        if !scheme.eq_ignore_ascii_case("smtp") {
            return Err(MailConfigError::Scheme(url.to_owned()));
        }
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        if authority.contains('@') {
            return Err(MailConfigError::Credentials(url.to_owned()));
        }
        if path.contains(['?', '#']) {
            return Err(MailConfigError::HostPort(url.to_owned()));
        }
        let bad = || MailConfigError::HostPort(url.to_owned());
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (host, after) = v6.split_once(']').ok_or_else(bad)?;
            (host, after.strip_prefix(':'))
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            }
        };
        let port = match port {
            None => 25,
            Some(p) => p.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(bad)?,
        };
        if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let hello = Some(path.trim_end_matches('/')).filter(|h| !h.is_empty()).map(str::to_owned);
        Ok(SmtpUrl { host: host.to_owned(), port, hello })
    }
}

/// Sends e-mail through a plain SMTP server (no TLS, no login): a relay on the
/// same host or inside the organisation's network.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    server: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("server", &self.server).field("from", &self.from.to_string()).finish()
    }
}

impl Mailer {
    /// A mailer for `smtp://host:port` sending as `from` (e.g. `lisa@kommun.se`
    /// or `Lisa <lisa@kommun.se>`).
    pub fn new(smtp_url: &str, from: &str) -> Result<Mailer, MailConfigError> {
        let url = SmtpUrl::parse(smtp_url)?;
        let from: Mailbox = from.trim().parse().map_err(|_| MailConfigError::From(from.to_owned()))?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(url.host.clone())
            .port(url.port)
            .timeout(Some(Duration::from_secs(30)));
        if let Some(name) = &url.hello {
            builder = builder.hello_name(ClientId::Domain(name.clone()));
        }
        let server = if url.host.contains(':') {
            format!("[{}]:{}", url.host, url.port)
        } else {
            format!("{}:{}", url.host, url.port)
        };
        Ok(Mailer { transport: builder.build(), from, server })
    }

    /// `host:port` of the SMTP server, for logs.
    pub fn server(&self) -> &str {
        &self.server
    }

    pub fn from(&self) -> &Mailbox {
        &self.from
    }

    /// Sends one plain-text message to one recipient.
    pub async fn send(&self, to: &str, mail: &ReminderMail) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("ogiltig mottagaradress {to:?}: {e}"))?;
        let msg = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|e| e.to_string())?;
        self.transport.send(msg).await.map(|_| ()).map_err(|e| e.to_string())
    }
}

/// What one reminder says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderMail {
    pub subject: String,
    pub body: String,
}

/// The facts a reminder is built from.
#[derive(Debug, Clone)]
pub struct ReminderFacts<'a> {
    pub round_name: &'a str,
    pub coordinator: &'a str,
    pub invitee: &'a str,
    pub status: InviteeStatus,
    pub closes_on: NaiveDate,
    pub days_left: i64,
    pub link: &'a str,
}

/// One line of text: no line breaks or other control characters (a round's
/// name may reach a mail header).
fn line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_owned()
}

/// One language's part of the reminder, from the translation files.
fn reminder_part(lang: Language, f: &ReminderFacts, name: &str, coordinator: &str, invitee: &str) -> String {
    let t = |key: &str, args: &[(&'static str, String)]| crate::i18n::t_args(lang, key, args);
    let date = f.closes_on.format("%Y-%m-%d").to_string();
    let left = match f.days_left {
        0 => t("round-reminder-closes-today", &[]),
        1 => t("round-reminder-one-day-left", &[]),
        n => t("round-reminder-days-left", &[("days", n.to_string())]),
    };
    let state = t(
        match f.status {
            InviteeStatus::Draft => "round-reminder-state-draft",
            InviteeStatus::Withdrawn => "round-reminder-state-withdrawn",
            InviteeStatus::NotStarted | InviteeStatus::Submitted => "round-reminder-state-not-started",
        },
        &[],
    );
    let invited = t(
        "round-reminder-invited",
        &[
            ("coordinator", coordinator.to_owned()),
            ("invitee", invitee.to_owned()),
            ("round", name.to_owned()),
            ("state", state),
        ],
    );
    [
        t("round-reminder-greeting", &[]),
        String::new(),
        invited,
        String::new(),
        t("round-reminder-deadline", &[("date", date), ("left", left)]),
        String::new(),
        t("round-reminder-answer", &[]),
        f.link.to_owned(),
        String::new(),
        t("round-reminder-why", &[("invitee", invitee.to_owned())]),
    ]
    .join("\n")
}

/// The reminder: Swedish first, English below, plain text.
pub fn reminder_mail(f: &ReminderFacts) -> ReminderMail {
    let (name, coordinator, invitee) = (line(f.round_name), line(f.coordinator), line(f.invitee));
    let date = f.closes_on.format("%Y-%m-%d").to_string();
    let subject =
        line(&crate::i18n::t_args(Language::Sv, "round-reminder-subject", &[("round", name.clone()), ("date", date)]));
    let sv = reminder_part(Language::Sv, f, &name, &coordinator, &invitee);
    let en = reminder_part(Language::En, f, &name, &coordinator, &invitee);
    let signature = crate::i18n::t(Language::Sv, "round-reminder-signature");
    let separator = crate::i18n::t(Language::Sv, "round-reminder-in-english");
    let body = format!("{sv}\n\n{signature}\nLisa\n\n{separator}\n\n{en}\n");
    ReminderMail { subject, body }
}

/// Today in Sweden: the day reminders are due on.
pub fn today() -> NaiveDate {
    domain::clock::today()
}

/// The link to a round in the web app.
pub fn round_link(public_url: &str, round_id: Uuid) -> String {
    format!("{}/rounds/{round_id}", public_url.trim().trim_end_matches('/'))
}

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReminderRun {
    /// Invitees reminded in the app (each once).
    pub reminded: usize,
    /// E-mails sent (one per CISO address).
    pub emailed: usize,
    /// E-mails that could not be sent (logged).
    pub failed: usize,
}

/// Reminds every invitee that has not submitted to a round whose reminder is
/// due on `today`, once: records the reminder and, with a mailer, e-mails the
/// invitee organisation's CISOs.
pub async fn send_due_reminders(
    store: &Store,
    mailer: Option<&Mailer>,
    public_url: &str,
    today: NaiveDate,
) -> Result<ReminderRun, StoreError> {
    let mut run = ReminderRun::default();
    for round in store.list_open_rounds(today).await? {
        let d = &round.data;
        if !reminder_due(round.phase(today), d.closes_on, d.remind_days, today) {
            continue;
        }
        remind_round(store, mailer, public_url, today, &round, &mut run).await?;
    }
    if run.reminded > 0 {
        tracing::info!(reminded = run.reminded, emailed = run.emailed, failed = run.failed, "reminders sent");
    }
    Ok(run)
}

async fn org_name(store: &Store, id: Uuid) -> Result<String, StoreError> {
    Ok(store.find_org(id).await?.map(|o| o.name).unwrap_or_default())
}

async fn remind_round(
    store: &Store,
    mailer: Option<&Mailer>,
    public_url: &str,
    today: NaiveDate,
    round: &Round,
    run: &mut ReminderRun,
) -> Result<(), StoreError> {
    let due: Vec<_> = store
        .list_invitees(round.id)
        .await?
        .into_iter()
        .filter(|i| i.status != InviteeStatus::Submitted && i.reminded_at.is_none())
        .collect();
    if due.is_empty() {
        return Ok(());
    }
    let coordinator = org_name(store, round.org_id).await?;
    let link = round_link(public_url, round.id);
    for invitee in due {
        let mut emailed = 0u32;
        if let Some(mailer) = mailer {
            let name = org_name(store, invitee.org_id).await?;
            let mail = reminder_mail(&ReminderFacts {
                round_name: &round.data.name,
                coordinator: &coordinator,
                invitee: &name,
                status: invitee.status,
                closes_on: round.data.closes_on,
                days_left: days_left(round.data.closes_on, today),
                link: &link,
            });
            let to = store.ciso_emails(invitee.org_id).await?;
            if to.is_empty() {
                tracing::info!(round = %round.id, org = %invitee.org_id, "no CISO to e-mail; reminder shown in the app only");
            }
            for address in to {
                match mailer.send(&address, &mail).await {
                    Ok(()) => {
                        emailed += 1;
                        run.emailed += 1;
                    }
                    Err(e) => {
                        run.failed += 1;
                        tracing::warn!(round = %round.id, org = %invitee.org_id, to = %address, server = mailer.server(),
                            error = %e, "could not e-mail a reminder; it is still shown in the app");
                    }
                }
            }
        }
        if store.record_reminder(round.id, invitee.org_id, emailed).await? {
            run.reminded += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: InviteeStatus, days: i64) -> ReminderFacts<'static> {
        ReminderFacts {
            round_name: "Uppföljning 2026",
            coordinator: "Nationell samordning",
            invitee: "Avik kommun",
            status,
            closes_on: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
            days_left: days,
            link: "https://lisa.example.se/rounds/0190",
        }
    }

    #[test]
    fn reminder_is_swedish_first_then_english() {
        let m = reminder_mail(&facts(InviteeStatus::NotStarted, 3));
        assert_eq!(m.subject, "Påminnelse: Uppföljning 2026 stänger 2026-10-31");
        let sv = m.body.find("Sista dag att svara är 2026-10-31. Det är 3 dagar kvar.").expect("Swedish deadline");
        let en = m.body.find("The last day to answer is 2026-10-31. There are 3 days left.").expect("English deadline");
        assert!(sv < en, "Swedish comes first");
        assert!(m.body.contains(
            "Nationell samordning har bjudit in Avik kommun att svara i uppföljningen \"Uppföljning 2026\"."
        ));
        assert!(m.body.contains("Ni har inte skickat in något svar ännu."));
        assert_eq!(m.body.matches("https://lisa.example.se/rounds/0190").count(), 2, "the link in both parts");
        assert!(m.body.contains("----- In English -----"));
    }

    #[test]
    fn reminder_says_today_tomorrow_and_status() {
        let m = reminder_mail(&facts(InviteeStatus::Draft, 0));
        assert!(m.body.contains("Omgången stänger i dag."));
        assert!(m.body.contains("The round closes today."));
        assert!(m.body.contains("börjat på en självskattning"));
        let m = reminder_mail(&facts(InviteeStatus::Withdrawn, 1));
        assert!(m.body.contains("Det är 1 dag kvar."));
        assert!(m.body.contains("There is 1 day left."));
        assert!(m.body.contains("dragit tillbaka ert svar"));
    }

    #[test]
    fn subject_has_no_line_breaks() {
        let mut f = facts(InviteeStatus::NotStarted, 3);
        f.round_name = "Uppföljning\r\nBcc: x@example.com";
        let m = reminder_mail(&f);
        assert!(!m.subject.contains(['\r', '\n']));
        assert_eq!(m.subject, "Påminnelse: Uppföljning  Bcc: x@example.com stänger 2026-10-31");
    }

    #[test]
    fn link_joins_without_double_slash() {
        let id = Uuid::nil();
        assert_eq!(round_link("http://127.0.0.1:8080/", id), format!("http://127.0.0.1:8080/rounds/{id}"));
        assert_eq!(round_link("https://lisa.kommun.se", id), format!("https://lisa.kommun.se/rounds/{id}"));
    }

    #[test]
    fn smtp_urls() {
        let u = SmtpUrl::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((u.host.as_str(), u.port, u.hello), ("127.0.0.1", 2525, None));
        let u = SmtpUrl::parse("SMTP://relay.kommun.se/lisa.kommun.se").unwrap();
        assert_eq!((u.host.as_str(), u.port, u.hello.as_deref()), ("relay.kommun.se", 25, Some("lisa.kommun.se")));
        let u = SmtpUrl::parse("smtp://[::1]:2525/").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", 2525));
        for bad in ["smtps://relay:465", "http://relay", "relay:25", "submission://relay"] {
            assert!(matches!(SmtpUrl::parse(bad), Err(MailConfigError::Scheme(_))), "{bad}");
        }
        assert!(matches!(SmtpUrl::parse("smtp://user:pw@relay:25"), Err(MailConfigError::Credentials(_))));
        for bad in ["smtp://", "smtp://relay:0", "smtp://relay:x", "smtp://relay:99999", "smtp://[::1"] {
            assert!(matches!(SmtpUrl::parse(bad), Err(MailConfigError::HostPort(_))), "{bad}");
        }
        assert!(SmtpUrl::parse("smtps://relay").unwrap_err().to_string().contains("smtp://värd:port"));
    }

    #[tokio::test]
    async fn mailer_checks_its_sender() {
        assert!(Mailer::new("smtp://127.0.0.1:2525", "lisa@localhost").is_ok());
        assert!(Mailer::new("smtp://127.0.0.1:2525", "Lisa <lisa@kommun.se>").is_ok());
        assert!(matches!(Mailer::new("smtp://127.0.0.1:2525", "inte en adress"), Err(MailConfigError::From(_))));
    }
}
