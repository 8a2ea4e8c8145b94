//! The `lisa` command: configuration, `serve`, and the bootstrap commands
//! (`org`, `user`, `audit`, `demo`) that work without the web UI, also while
//! the server runs.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use std::sync::LazyLock;

use clap::{Args, Parser, Subcommand};
use domain::authz::{Assignment, role_may_be_global};
use domain::org::{OrgKind, OrgName, OrgNumber};
use domain::user::{Language, NewPassword, Role};
use store::{Actor, NewOrg, Store, StoreError};
use web::app::user::{AccountFields, NewUserInput};

pub mod builtin;
pub mod demo;
mod demo_assessments;
mod demo_assets;
mod demo_audits;
mod demo_plans;
mod demo_registers;
mod demo_reviews;
pub mod demo_rounds;

/// Lisa – uppföljning av det systematiska informationssäkerhetsarbetet.
#[derive(Parser, Debug)]
#[command(name = "lisa", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub db: DbArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives; every command that touches the database takes these.
#[derive(Args, Debug, Clone)]
pub struct DbArgs {
    /// Folder for the embedded SQLite database (created on first run).
    #[arg(long, env = "LISA_DATA_DIR", default_value = "./lisa-data", global = true)]
    pub data_dir: PathBuf,
    /// Use this database instead, e.g. postgres://user@host/lisa (or sqlite://FILE).
    #[arg(long, env = "LISA_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Start the web application.
    Serve(ServeArgs),
    /// Organisations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Users.
    #[command(subcommand)]
    User(UserCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Demo data.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// Follow-up models.
    #[command(subcommand)]
    Model(ModelCommand),
}

#[derive(Subcommand, Debug)]
pub enum ModelCommand {
    /// Check a model file and list every error by line and field; stores nothing.
    Validate { file: PathBuf },
    /// Check a model file and store it as a new model version.
    Import { file: PathBuf },
    /// List the stored models.
    List,
    /// Load a mapping between two model versions' question and area ids (TOML,
    /// see docs/model-format.md), so trends over rounds cover what maps.
    Map { file: PathBuf },
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "LISA_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// Load the demo data set if the database is empty.
    #[arg(long, env = "LISA_DEMO")]
    pub demo: bool,
    /// Minutes without activity after which a session ends.
    #[arg(long, env = "LISA_SESSION_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=1440))]
    pub session_idle_minutes: u64,
    /// SMTP server for reminder e-mails, e.g. smtp://127.0.0.1:25 (plain SMTP, no TLS or login).
    /// Without it, reminders are shown in Lisa only.
    #[arg(long, env = "LISA_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender of Lisa's e-mail, e.g. "Lisa <lisa@kommun.se>".
    #[arg(long, env = "LISA_MAIL_FROM", default_value = "lisa@localhost")]
    pub mail_from: String,
    /// The address users open Lisa at, for links in e-mail (default http://<bind address>).
    #[arg(long, env = "LISA_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Log lines as text for people or as JSON (one object a line) for log shippers.
    #[arg(long, env = "LISA_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// A reverse proxy (address or network, e.g. 10.0.0.0/8) whose X-Forwarded-For
    /// names the client; may be given more than once. Without it, forwarding
    /// headers are ignored and the connection's peer is the client.
    #[arg(long = "trusted-proxy", env = "LISA_TRUSTED_PROXIES", value_delimiter = ',', value_parser = web::client::parse_trusted)]
    pub trusted_proxies: Vec<web::client::IpNet>,
    /// A bearer token that lets a scraper read /metrics from anywhere.
    #[arg(long, env = "LISA_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Whether /metrics may be read without the token from this machine (not through a proxy).
    #[arg(long, env = "LISA_METRICS_LOOPBACK", default_value_t = true, action = clap::ArgAction::Set)]
    pub metrics_loopback: bool,
    /// Reports (PDF, Word, Excel) rendered at once (default: half the cores, at least one).
    #[arg(long, env = "LISA_RENDER_CONCURRENCY", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub render_concurrency: Option<u16>,
    /// Reports that may wait for their turn; beyond that the answer is 503 with Retry-After.
    #[arg(long, env = "LISA_RENDER_QUEUE", default_value_t = 8, value_parser = clap::value_parser!(u16).range(0..=10_000))]
    pub render_queue: u16,
    /// Refuse (500, logged) a PDF whose chart or table runs outside its page
    /// or whose text overlaps, instead of sending it: for tests.
    #[arg(long, env = "LISA_CHECK_LAYOUT")]
    pub check_layout: bool,
}

/// How log lines (on standard error) are written.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Add an organisation.
    Add {
        #[arg(long)]
        name: String,
        /// municipality, region, agency, holding, company, committee, administration, unit or coordinator.
        #[arg(long)]
        kind: String,
        /// The parent organisation, by id or exact name.
        #[arg(long)]
        parent: Option<String>,
        /// Organisation number, NNNNNN-NNNN.
        #[arg(long)]
        org_number: Option<String>,
    },
    /// List organisations as a tree.
    List,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user with a role over an organisation.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// The organisation the role covers, by id or exact name; leave out only for a system-wide admin.
        #[arg(long)]
        org: Option<String>,
        /// admin, ciso, coordinator, owner, dpo, management, auditor or analyst.
        #[arg(long)]
        role: String,
        /// Read the password from standard input (first line).
        #[arg(long)]
        password_stdin: bool,
        /// sv or en.
        #[arg(long, default_value = "sv")]
        language: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check the hash chain of the audit log and name the first broken entry.
    Verify,
}

#[derive(Subcommand, Debug)]
pub enum DemoCommand {
    /// Load the demo data set into an empty database.
    Load,
    /// Generate a national population with yearly follow-up rounds, into any database.
    Generate(demo_rounds::GenerateArgs),
}

/// The language of the command's messages, from the environment (see
/// [`web::i18n::from_environment`]).
static LANG: LazyLock<Language> = LazyLock::new(|| web::i18n::from_environment(|k| std::env::var(k).ok()));

/// The message for `key` in the command's language (`locales/*/cli.ftl`).
fn tr(key: &str) -> String {
    web::i18n::t(*LANG, key)
}

/// The message for `key` with named arguments.
fn tr_args(key: &str, args: &[(&'static str, String)]) -> String {
    web::i18n::t_args(*LANG, key, args)
}

/// A failure to report to the user: a message in the user's language
/// (Swedish unless the environment asks for English) and an exit code
/// (2: wrong input, 1: the system failed).
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    fn input(message: impl Into<String>) -> Self {
        Self { message: message.into(), code: 2 }
    }
    fn system(message: impl Into<String>) -> Self {
        Self { message: message.into(), code: 1 }
    }
}

/// A field error as `--field: message`; the CLI's own wording (`cli-error-…`)
/// where it names the accepted values, else the web's (`error-…`).
fn field_message(e: &domain::FieldError) -> String {
    let text = web::i18n::try_t(*LANG, &format!("cli-{}", e.code))
        .or_else(|| web::i18n::try_t(*LANG, e.code))
        .unwrap_or_else(|| e.code.to_owned());
    format!("--{}: {text}", e.field.replace('_', "-"))
}

fn field_failure(errs: &[domain::FieldError]) -> Failure {
    Failure::input(errs.iter().map(field_message).collect::<Vec<_>>().join("\n"))
}

fn store_failure(e: StoreError) -> Failure {
    match e {
        StoreError::Conflict { field, code } => Failure::input(field_message(&domain::FieldError::new(field, code))),
        StoreError::NotFound => Failure::input(tr("cli-not-found")),
        StoreError::BadUrl(why) => Failure::input(tr_args("cli-bad-database-url", &[("why", why.to_string())])),
        StoreError::Migrate(e) => Failure::system(tr_args("cli-migrate-failed", &[("error", e.to_string())])),
        StoreError::Database(e) => Failure::system(tr_args("cli-database-failed", &[("error", e.to_string())])),
        StoreError::Other(e) => Failure::system(e),
    }
}

/// A use case's failure, as the store's would be reported.
fn app_failure(e: web::app::Error) -> Failure {
    use web::app::Error;
    match e {
        Error::Validation(errs) => field_failure(&errs),
        Error::Conflict(e) => field_failure(&[e]),
        Error::NotFound | Error::Forbidden => Failure::input(tr("cli-not-found")),
        Error::Internal(source) => {
            match (&*source as &(dyn std::error::Error + 'static)).downcast_ref::<StoreError>() {
                Some(StoreError::Database(e)) => {
                    Failure::system(tr_args("cli-database-failed", &[("error", e.to_string())]))
                }
                _ => Failure::system(tr_args("cli-internal", &[("error", source.to_string())])),
            }
        }
    }
}

impl DbArgs {
    pub fn url(&self) -> Result<String, Failure> {
        if let Some(u) = &self.database_url {
            return Ok(u.clone());
        }
        std::fs::create_dir_all(&self.data_dir).map_err(|e| {
            Failure::system(tr_args(
                "cli-data-dir",
                &[("dir", self.data_dir.display().to_string()), ("error", e.to_string())],
            ))
        })?;
        Ok(store::sqlite_url_for(&self.data_dir))
    }

    pub async fn open(&self) -> Result<Store, Failure> {
        Store::connect(&self.url()?).await.map_err(store_failure)
    }
}

/// Finds an organisation by id or exact (case-insensitive) name.
async fn resolve_org(store: &Store, s: &str) -> Result<uuid::Uuid, Failure> {
    if let Ok(id) = s.parse::<uuid::Uuid>() {
        return match store.find_org(id).await.map_err(store_failure)? {
            Some(o) => Ok(o.id),
            None => Err(Failure::input(tr_args("cli-org-id-unknown", &[("org", s.to_owned())]))),
        };
    }
    let found = store.find_orgs_by_name(s).await.map_err(store_failure)?;
    match found.as_slice() {
        [one] => Ok(one.id),
        [] => Err(Failure::input(tr_args("cli-org-name-unknown", &[("org", s.to_owned())]))),
        _ => Err(Failure::input(tr_args("cli-org-name-ambiguous", &[("org", s.to_owned())]))),
    }
}

pub async fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Serve(args) => serve(&cli.db, args).await,
        Command::Org(OrgCommand::Add { name, kind, parent, org_number }) => {
            let mut errs = domain::ValidationErrors::default();
            let name = errs.check(OrgName::parse(&name));
            let kind = errs.check(kind.parse::<OrgKind>());
            let number = match org_number.as_deref().map(OrgNumber::parse) {
                None => Some(None),
                Some(r) => errs.check(r.map(Some)),
            };
            if !errs.is_empty() {
                return Err(field_failure(&errs.0));
            }
            let (Some(name), Some(kind), Some(org_number)) = (name, kind, number) else {
                unreachable!("errors were checked")
            };
            let store = cli.db.open().await?;
            let parent_id = match parent {
                Some(p) => Some(resolve_org(&store, &p).await?),
                None => None,
            };
            let org = store
                .insert_org(&Actor::cli(), NewOrg { name, kind, org_number, parent_id, own_review: false })
                .await
                .map_err(store_failure)?;
            println!("{}", org.id);
            Ok(())
        }
        Command::Org(OrgCommand::List) => {
            let store = cli.db.open().await?;
            let tree = store.org_tree().await.map_err(store_failure)?;
            for root in tree.roots() {
                for (depth, n) in tree.subtree(*root) {
                    println!("{}  {}{} ({})", n.id, "  ".repeat(depth), n.name, n.kind);
                }
            }
            Ok(())
        }
        Command::User(UserCommand::Add { email, name, org, role, password_stdin, language }) => {
            let password = if password_stdin {
                let mut buf = String::new();
                std::io::stdin()
                    .read_to_string(&mut buf)
                    .map_err(|e| Failure::input(tr_args("cli-password-stdin", &[("error", e.to_string())])))?;
                Some(buf.lines().next().unwrap_or("").to_owned())
            } else {
                None
            };
            let mut errs = domain::ValidationErrors::default();
            let fields =
                AccountFields { name: &name, email: &email, language: &language, password: password.as_deref() };
            let account = fields.parse_into(&mut errs);
            let role = errs.check(role.parse::<Role>());
            if let Some(r) = role
                && org.is_none()
                && !role_may_be_global(r)
            {
                errs.push(domain::FieldError::new("org", "error-org-unknown"));
            }
            let (Some(account), Some(role), true) = (account, role, errs.is_empty()) else {
                return Err(field_failure(&errs.0));
            };
            let store = cli.db.open().await?;
            let org_id = match org {
                Some(o) => Some(resolve_org(&store, &o).await?),
                None => None,
            };
            let input = NewUserInput { account, first_role: Assignment { role, org_id } };
            let user = web::app::user::register_user(&store, &Actor::cli(), input).await.map_err(app_failure)?;
            println!("{}", user.id);
            Ok(())
        }
        Command::Audit(AuditCommand::Verify) => {
            let store = cli.db.open().await?;
            match store.verify_audit().await.map_err(store_failure)? {
                Ok(n) => {
                    println!("{}", tr_args("cli-audit-whole", &[("count", n.to_string())]));
                    Ok(())
                }
                Err(broken) => Err(Failure::system(tr_args("cli-audit-broken", &[("why", broken_text(&broken))]))),
            }
        }
        Command::Model(ModelCommand::Validate { file }) => {
            let (model, _) = read_model(&file)?;
            println!(
                "{}",
                tr_args(
                    "cli-model-valid",
                    &[
                        ("key", model.key.clone()),
                        ("version", model.version.to_string()),
                        ("areas", model.areas.len().to_string()),
                        ("questions", model.questions.len().to_string()),
                    ],
                )
            );
            Ok(())
        }
        Command::Model(ModelCommand::Import { file }) => {
            let (model, source) = read_model(&file)?;
            let store = cli.db.open().await?;
            let row = store
                .insert_model(&Actor::cli(), &model.key, model.version as i32, &model.name.sv, &source)
                .await
                .map_err(|e| match e {
                    StoreError::Conflict { .. } => Failure::input(tr_args(
                        "cli-model-exists",
                        &[("key", model.key.clone()), ("version", model.version.to_string())],
                    )),
                    other => store_failure(other),
                })?;
            println!("{}", row.id);
            Ok(())
        }
        Command::Model(ModelCommand::List) => {
            let store = cli.db.open().await?;
            for m in store.list_models().await.map_err(store_failure)? {
                println!("{}  {} version {}  {}", m.id, m.key, m.version, m.name);
            }
            Ok(())
        }
        Command::Model(ModelCommand::Map { file }) => {
            let text = std::fs::read_to_string(&file).map_err(|e| read_failure(&file, e))?;
            let list = |errs: Vec<domain::round::MappingError>| {
                let texts: Vec<String> = errs.iter().map(|e| tr_args(e.key, &e.args)).collect();
                file_errors(&file, &texts)
            };
            let mapping = domain::round::Mapping::parse(&text).map_err(list)?;
            let store = cli.db.open().await?;
            let ((fk, fv), (tk, tv)) = mapping.versions();
            let mut rows = Vec::new();
            for (k, v) in [(&fk, fv), (&tk, tv)] {
                let row = store.find_model_version(k, v as i32).await.map_err(store_failure)?.ok_or_else(|| {
                    Failure::input(tr_args(
                        "cli-model-not-loaded",
                        &[("key", k.to_string()), ("version", v.to_string())],
                    ))
                })?;
                rows.push(row);
            }
            let parse = |source: &str| {
                domain::model::parse_model(source).map_err(|_| Failure::input(tr("cli-stored-model-unreadable")))
            };
            let (from, to) = (parse(&rows[0].source)?, parse(&rows[1].source)?);
            let errs = mapping.check(&from, &to);
            if !errs.is_empty() {
                return Err(list(errs));
            }
            store.insert_mapping(&Actor::cli(), rows[0].id, rows[1].id, &mapping).await.map_err(store_failure)?;
            println!(
                "{}",
                tr_args(
                    "cli-mapping-loaded",
                    &[
                        ("from", mapping.from.to_string()),
                        ("to", mapping.to.to_string()),
                        ("questions", mapping.questions.len().to_string()),
                        ("areas", mapping.areas.len().to_string()),
                    ],
                )
            );
            Ok(())
        }
        Command::Demo(DemoCommand::Load) => {
            let store = cli.db.open().await?;
            if !demo::is_empty(&store).await.map_err(store_failure)? {
                return Err(Failure::input(tr("cli-demo-not-empty")));
            }
            load_demo(&store).await
        }
        Command::Demo(DemoCommand::Generate(args)) => demo_rounds::run(&cli.db, args).await,
    }
}

fn read_failure(file: &std::path::Path, e: std::io::Error) -> Failure {
    Failure::input(tr_args("cli-read-file", &[("file", file.display().to_string()), ("error", e.to_string())]))
}

/// A file's errors, one indented line each, under a heading.
fn file_errors(file: &std::path::Path, errors: &[impl std::fmt::Display]) -> Failure {
    let heading =
        tr_args("cli-file-errors", &[("file", file.display().to_string()), ("count", errors.len().to_string())]);
    let lines: Vec<String> = errors.iter().map(|e| format!("  {e}")).collect();
    Failure::input(format!("{heading}\n{}", lines.join("\n")))
}

/// Reads and checks a model file; every error becomes one line of the message.
fn read_model(file: &std::path::Path) -> Result<(domain::model::Model, String), Failure> {
    let source = std::fs::read_to_string(file).map_err(|e| read_failure(file, e))?;
    match domain::model::parse_model(&source) {
        Ok(m) => Ok((m, source)),
        Err(errors) => {
            let texts: Vec<String> = errors.iter().map(|e| web::app::assessment::model_error_text(*LANG, e)).collect();
            Err(file_errors(file, &texts))
        }
    }
}

fn broken_text(b: &domain::audit::Broken) -> String {
    match b {
        domain::audit::Broken::Tampered { seq } => tr_args("cli-audit-tampered", &[("seq", seq.to_string())]),
        domain::audit::Broken::Unlinked { seq } => tr_args("cli-audit-unlinked", &[("seq", seq.to_string())]),
        domain::audit::Broken::Gap { seq, expected } => {
            tr_args("cli-audit-gap", &[("seq", seq.to_string()), ("expected", expected.to_string())])
        }
    }
}

async fn load_demo(store: &Store) -> Result<(), Failure> {
    let (password, chosen) = match std::env::var("LISA_DEMO_PASSWORD") {
        Ok(p) if !p.is_empty() => (p, true),
        _ => {
            let mut b = [0u8; 9];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut b);
            (format!("demo-{}", hex::encode(b)), false)
        }
    };
    NewPassword::parse(&password).map_err(|e| Failure::input(format!("LISA_DEMO_PASSWORD: {}", field_message(&e))))?;
    let hash = web::hash_password(&password);
    demo::load(store, &hash).await.map_err(store_failure)?;
    println!("{}", tr_args("cli-demo-loaded", &[("password", password.clone())]));
    if !chosen {
        println!("  {}", tr("cli-demo-password-hint"));
    }
    let whole = tr("cli-whole-system");
    for u in demo::USERS {
        println!("  {:<32} {:<12} {}", u.email, u.role.code(), u.org.unwrap_or(&whole));
    }
    Ok(())
}

async fn serve(db: &DbArgs, args: ServeArgs) -> Result<(), Failure> {
    let addr: SocketAddr =
        args.bind.parse().map_err(|_| Failure::input(tr_args("cli-bind-invalid", &[("bind", args.bind.clone())])))?;
    let mailer = match args.smtp_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => Some(
            web::reminders::Mailer::new(url, &args.mail_from)
                .map_err(|e| Failure::input(tr_args("cli-mail", &[("error", e.to_string())])))?,
        ),
        None => None,
    };
    if let Some(u) = &args.public_url
        && !(u.starts_with("http://") || u.starts_with("https://"))
    {
        return Err(Failure::input(tr_args("cli-public-url", &[("url", u.clone())])));
    }
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => Failure::system(tr_args("cli-port-taken", &[("addr", addr.to_string())])),
        std::io::ErrorKind::PermissionDenied => {
            Failure::system(tr_args("cli-port-denied", &[("addr", addr.to_string())]))
        }
        _ => Failure::system(tr_args("cli-listen-failed", &[("addr", addr.to_string()), ("error", e.to_string())])),
    })?;
    let store = db.open().await?;
    builtin::ensure(&store).await.map_err(store_failure)?;
    if args.demo && demo::is_empty(&store).await.map_err(store_failure)? {
        load_demo(&store).await?;
    }
    let local = listener.local_addr().map_err(|e| Failure::system(e.to_string()))?;
    if store.count_users().await.map_err(store_failure)? == 0 {
        let token = {
            let mut b = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut b);
            hex::encode(b)
        };
        let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(token.as_bytes()));
        store.replace_setup_token(&hash).await.map_err(store_failure)?;
        println!("{}", tr("cli-no-users"));
        println!("  http://{local}/setup/{token}");
    }
    let defaults = web::Config::default();
    let config = web::Config {
        session_idle: std::time::Duration::from_secs(args.session_idle_minutes * 60),
        trusted_proxies: args.trusted_proxies.clone(),
        metrics: web::metrics::Access { token: args.metrics_token.clone(), loopback: args.metrics_loopback },
        renders: web::render::Limits {
            concurrent: args.render_concurrency.map(usize::from).unwrap_or(defaults.renders.concurrent),
            waiting: usize::from(args.render_queue),
        },
        check_layout: args.check_layout,
        ..defaults
    };
    let store = std::sync::Arc::new(store);
    tokio::spawn(purge_sessions(store.clone(), config.clone()));
    if let Some(m) = &mailer {
        println!(
            "{}",
            tr_args("cli-reminders-by-mail", &[("server", m.server().to_string()), ("from", m.from().to_string())])
        );
    }
    let public_url = args.public_url.clone().unwrap_or_else(|| format!("http://{local}"));
    tokio::spawn(escalate_incidents(store.clone(), mailer.clone(), public_url.clone()));
    tokio::spawn(purge_training_records(store.clone()));
    tokio::spawn(send_reminders(store.clone(), mailer, public_url));
    let app = web::app_shared(store, config);
    let database = tr(if db.database_url.is_some() { "cli-database-external" } else { "cli-database-embedded" });
    println!("{}", tr_args("cli-running", &[("url", format!("http://{local}")), ("database", database)]));
    tracing::info!(%local, "listening");
    web::serve(listener, app, shutdown_signal())
        .await
        .map_err(|e| Failure::system(tr_args("cli-server-stopped", &[("error", e.to_string())])))
}

/// Reminds invitees of follow-up rounds at start and then every hour. When
/// several processes share the database, the one holding the job's lease
/// sends (55 minutes, renewed each hour; another takes over if it stops).
async fn send_reminders(store: std::sync::Arc<Store>, mailer: Option<web::reminders::Mailer>, public_url: String) {
    let instance = uuid::Uuid::new_v4().to_string();
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now = domain::now();
        match store.take_lease("reminders", &instance, now, now + chrono::Duration::minutes(55)).await {
            Ok(true) => tracing::info!(job = "reminders", "this process holds the lease: sending due reminders"),
            Ok(false) => {
                tracing::info!(job = "reminders", "another process holds the lease: it sends the reminders");
                continue;
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not take the reminder lease; trying again in an hour");
                continue;
            }
        }
        let today = web::reminders::today();
        if let Err(e) = web::reminders::send_due_reminders(&store, mailer.as_ref(), &public_url, today).await {
            tracing::warn!(error = %e, "could not send reminders; trying again in an hour");
        }
    }
}

/// Escalates incidents' reporting deadlines that are near or missed, every
/// five minutes. With several processes, the one holding the job's lease
/// runs it (four minutes, renewed each run); each alert is in any case
/// claimed in the database before it is sent, so none is sent twice.
async fn escalate_incidents(store: std::sync::Arc<Store>, mailer: Option<web::reminders::Mailer>, public_url: String) {
    let instance = uuid::Uuid::new_v4().to_string();
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now = domain::now();
        match store.take_lease("incident-alerts", &instance, now, now + chrono::Duration::minutes(4)).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "could not take the incident-alert lease; trying again in five minutes");
                continue;
            }
        }
        if let Err(e) = web::escalation::escalate(&store, mailer.as_ref(), &public_url, now).await {
            tracing::warn!(error = %e, "could not escalate incidents' deadlines; trying again in five minutes");
        }
    }
}

/// Deletes person-level training rows past their retention period, at
/// start and then every six hours (idempotent: any process may run it).
async fn purge_training_records(store: std::sync::Arc<Store>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(6 * 3600));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match web::app::training::purge_expired(&store, domain::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(deleted = n, "training rows past their retention period deleted"),
            Err(e) => tracing::warn!(error = %e, "could not delete training rows past their retention period"),
        }
    }
}

/// Removes ended sessions every ten minutes.
async fn purge_sessions(store: std::sync::Arc<Store>, config: web::Config) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        let now = domain::now();
        let idle = chrono_duration(config.session_idle);
        let max = chrono_duration(config.session_max);
        if let Err(e) = store.purge_sessions(now - idle, now - max).await {
            tracing::warn!(error = %e, "could not purge ended sessions");
        }
    }
}

fn chrono_duration(d: std::time::Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::hours(12))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Logs to standard error, filtered by `LISA_LOG` (default: warnings, and the
/// request spans so that a warning names its request id; `LISA_LOG=info` adds
/// one access line per request).
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("LISA_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,web::trace=info"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => logs.json().init(),
    }
}

/// Entry point of the binary.
pub fn main_exit() -> ExitCode {
    let cli = Cli::parse();
    init_logging(match &cli.command {
        Command::Serve(args) => args.log_format,
        _ => LogFormat::Text,
    });
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("lisa: {}", tr_args("cli-failed-to-start", &[("error", e.to_string())]));
            return ExitCode::from(1);
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("lisa: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}
