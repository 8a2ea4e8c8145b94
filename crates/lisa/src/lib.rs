//! The `lisa` command: configuration, `serve`, and the bootstrap commands
//! (`org`, `user`, `audit`, `demo`) that work without the web UI, also while
//! the server runs.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use domain::authz::{Assignment, role_may_be_global};
use domain::org::{OrgKind, OrgName, OrgNumber};
use domain::user::{Email, Language, NewPassword, PersonName, Role};
use store::{Actor, NewOrg, NewUser, Store, StoreError};

pub mod builtin;
pub mod demo;
mod demo_assessments;
mod demo_plans;
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

/// A failure to report to the user: a Swedish message and an exit code
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

fn field_message(e: &domain::FieldError) -> String {
    let text = match e.code {
        "error-name-empty" => "namnet får inte vara tomt",
        "error-name-invalid" => "namnet får vara högst 200 tecken utan styrtecken",
        "error-org-kind" => {
            "okänd typ; välj municipality, region, agency, holding, company, committee, administration, unit eller coordinator"
        }
        "error-org-number-format" => "organisationsnumret ska ha tio siffror, till exempel 212000-0142",
        "error-org-number-check" => "organisationsnumrets kontrollsiffra stämmer inte",
        "error-email" => "ogiltig e-postadress",
        "error-email-taken" => "det finns redan en användare med den e-postadressen",
        "error-password-short" => "lösenordet måste ha minst 12 tecken",
        "error-password-long" => "lösenordet får ha högst 200 tecken",
        "error-password-weak" => "lösenordet får inte vara ett enda tecken som upprepas",
        "error-role" => "okänd roll; välj admin, ciso, coordinator, owner, dpo, management, auditor eller analyst",
        "error-role-duplicate" => "användaren har redan den rollen i den organisationen",
        "error-language" => "språket ska vara sv eller en",
        "error-parent-unknown" | "error-org-unknown" => "organisationen finns inte",
        other => other,
    };
    format!("--{}: {text}", e.field.replace('_', "-"))
}

fn store_failure(e: StoreError) -> Failure {
    match e {
        StoreError::Conflict { field, code } => Failure::input(field_message(&domain::FieldError::new(field, code))),
        StoreError::NotFound => Failure::input("uppgiften finns inte"),
        StoreError::BadUrl(why) => Failure::input(format!("databasadressen är ogiltig: {why}")),
        StoreError::Migrate(e) => {
            Failure::system(format!("databasen kunde inte uppdateras till den här versionen av Lisa: {e}"))
        }
        StoreError::Database(e) => Failure::system(format!("databasen svarar inte eller gav ett fel: {e}")),
        StoreError::Other(e) => Failure::system(e),
    }
}

impl DbArgs {
    pub fn url(&self) -> Result<String, Failure> {
        if let Some(u) = &self.database_url {
            return Ok(u.clone());
        }
        std::fs::create_dir_all(&self.data_dir)
            .map_err(|e| Failure::system(format!("kunde inte skapa datamappen {}: {e}", self.data_dir.display())))?;
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
            None => Err(Failure::input(format!("organisationen {s} finns inte"))),
        };
    }
    let found = store.find_orgs_by_name(s).await.map_err(store_failure)?;
    match found.as_slice() {
        [one] => Ok(one.id),
        [] => Err(Failure::input(format!("organisationen \"{s}\" finns inte"))),
        _ => Err(Failure::input(format!("flera organisationer heter \"{s}\"; ange id i stället (lisa org list)"))),
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
                return Err(Failure::input(errs.0.iter().map(field_message).collect::<Vec<_>>().join("\n")));
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
                .insert_org(&Actor::cli(), NewOrg { name, kind, org_number, parent_id })
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
            let mut errs = domain::ValidationErrors::default();
            let email = errs.check(Email::parse(&email));
            let name = errs.check(PersonName::parse(&name));
            let role = errs.check(role.parse::<Role>());
            let language = errs.check(language.parse::<Language>());
            let password = if password_stdin {
                let mut buf = String::new();
                std::io::stdin()
                    .read_to_string(&mut buf)
                    .map_err(|e| Failure::input(format!("kunde inte läsa lösenordet från standard in: {e}")))?;
                let line = buf.lines().next().unwrap_or("").to_owned();
                errs.check(NewPassword::parse(&line).map(Some))
            } else {
                Some(None)
            };
            if let Some(r) = role
                && org.is_none()
                && !role_may_be_global(r)
            {
                errs.push(domain::FieldError::new("org", "error-org-unknown"));
            }
            if !errs.is_empty() {
                return Err(Failure::input(errs.0.iter().map(field_message).collect::<Vec<_>>().join("\n")));
            }
            let (Some(email), Some(name), Some(role), Some(language), Some(password)) =
                (email, name, role, language, password)
            else {
                unreachable!("errors were checked")
            };
            let store = cli.db.open().await?;
            let org_id = match org {
                Some(o) => Some(resolve_org(&store, &o).await?),
                None => None,
            };
            let password_hash = password.map(|p| web::hash_password(p.expose()));
            let user = store
                .insert_user(
                    &Actor::cli(),
                    NewUser { email, name, password_hash, language },
                    Some(Assignment { role, org_id }),
                )
                .await
                .map_err(store_failure)?;
            println!("{}", user.id);
            Ok(())
        }
        Command::Audit(AuditCommand::Verify) => {
            let store = cli.db.open().await?;
            match store.verify_audit().await.map_err(store_failure)? {
                Ok(n) => {
                    println!("Loggboken är hel: {n} poster kontrollerade.");
                    Ok(())
                }
                Err(broken) => Err(Failure::system(format!("Loggboken är bruten: {}", broken_text(&broken)))),
            }
        }
        Command::Model(ModelCommand::Validate { file }) => {
            let (model, _) = read_model(&file)?;
            println!(
                "Modellen är giltig: {} version {}, {} områden, {} frågor.",
                model.key,
                model.version,
                model.areas.len(),
                model.questions.len()
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
                    StoreError::Conflict { .. } => Failure::input(format!(
                        "{} version {} finns redan; ge den ändrade modellen ett nytt versionsnummer",
                        model.key, model.version
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
            let text = std::fs::read_to_string(&file)
                .map_err(|e| Failure::input(format!("kunde inte läsa {}: {e}", file.display())))?;
            let list = |errs: Vec<String>| {
                Failure::input(format!(
                    "{} innehåller {} fel och lästes inte in:\n{}",
                    file.display(),
                    errs.len(),
                    errs.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n")
                ))
            };
            let mapping = domain::round::Mapping::parse(&text).map_err(list)?;
            let store = cli.db.open().await?;
            let ((fk, fv), (tk, tv)) = mapping.versions();
            let mut rows = Vec::new();
            for (k, v) in [(&fk, fv), (&tk, tv)] {
                let row = store.find_model_version(k, v as i32).await.map_err(store_failure)?.ok_or_else(|| {
                    Failure::input(format!("modellen {k} version {v} är inte inläst; läs in den först"))
                })?;
                rows.push(row);
            }
            let parse = |source: &str| {
                domain::model::parse_model(source).map_err(|_| Failure::input("en lagrad modell kunde inte läsas"))
            };
            let (from, to) = (parse(&rows[0].source)?, parse(&rows[1].source)?);
            let errs = mapping.check(&from, &to);
            if !errs.is_empty() {
                return Err(list(errs));
            }
            store.insert_mapping(&Actor::cli(), rows[0].id, rows[1].id, &mapping).await.map_err(store_failure)?;
            println!(
                "Mappningen från {} till {} är inläst: {} frågor och {} områden.",
                mapping.from,
                mapping.to,
                mapping.questions.len(),
                mapping.areas.len()
            );
            Ok(())
        }
        Command::Demo(DemoCommand::Load) => {
            let store = cli.db.open().await?;
            if !demo::is_empty(&store).await.map_err(store_failure)? {
                return Err(Failure::input("databasen är inte tom; demodata läses bara in i en tom databas"));
            }
            load_demo(&store).await
        }
        Command::Demo(DemoCommand::Generate(args)) => demo_rounds::run(&cli.db, args).await,
    }
}

/// Reads and checks a model file; every error becomes one line of the message.
fn read_model(file: &std::path::Path) -> Result<(domain::model::Model, String), Failure> {
    let source = std::fs::read_to_string(file)
        .map_err(|e| Failure::input(format!("kunde inte läsa {}: {e}", file.display())))?;
    match domain::model::parse_model(&source) {
        Ok(m) => Ok((m, source)),
        Err(errors) => Err(Failure::input(format!(
            "{} innehåller {} fel och lästes inte in:\n{}",
            file.display(),
            errors.len(),
            errors
                .iter()
                .map(|e| format!("  {}", web::app::assessment::model_error_text(Language::Sv, e)))
                .collect::<Vec<_>>()
                .join("\n")
        ))),
    }
}

fn broken_text(b: &domain::audit::Broken) -> String {
    match b {
        domain::audit::Broken::Tampered { seq } => {
            format!("post {seq} har ändrats efter att den skrevs")
        }
        domain::audit::Broken::Unlinked { seq } => {
            format!("post {seq} pekar inte på posten före (en post har tagits bort eller lagts till)")
        }
        domain::audit::Broken::Gap { seq, expected } => {
            format!("post {expected} saknas (nästa post är {seq})")
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
    println!("Demodata inläst. Användare (lösenord för alla: {password}):");
    if !chosen {
        println!("  (sätt LISA_DEMO_PASSWORD för att välja lösenordet själv)");
    }
    for u in demo::USERS {
        println!("  {:<32} {:<12} {}", u.email, u.role.code(), u.org.unwrap_or("hela systemet"));
    }
    Ok(())
}

async fn serve(db: &DbArgs, args: ServeArgs) -> Result<(), Failure> {
    let addr: SocketAddr = args.bind.parse().map_err(|_| {
        Failure::input(format!("--bind: \"{}\" är ingen adress med port, till exempel 127.0.0.1:8080", args.bind))
    })?;
    let mailer = match args.smtp_url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => Some(
            web::reminders::Mailer::new(url, &args.mail_from).map_err(|e| Failure::input(format!("e-post: {e}")))?,
        ),
        None => None,
    };
    if let Some(u) = &args.public_url
        && !(u.starts_with("http://") || u.starts_with("https://"))
    {
        return Err(Failure::input(format!("--public-url: \"{u}\" ska börja med http:// eller https://")));
    }
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| match e.kind() {
        std::io::ErrorKind::AddrInUse => {
            Failure::system(format!("porten är upptagen: {addr} används redan av ett annat program"))
        }
        std::io::ErrorKind::PermissionDenied => Failure::system(format!("saknar behörighet att lyssna på {addr}")),
        _ => Failure::system(format!("kunde inte lyssna på {addr}: {e}")),
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
        println!("Lisa har inga användare ännu. Skapa den första administratören här (länken fungerar en gång):");
        println!("  http://{local}/setup/{token}");
    }
    let config = web::Config {
        session_idle: std::time::Duration::from_secs(args.session_idle_minutes * 60),
        ..web::Config::default()
    };
    let store = std::sync::Arc::new(store);
    tokio::spawn(purge_sessions(store.clone(), config.clone()));
    if let Some(m) = &mailer {
        println!("Påminnelser skickas med e-post via {} från {}.", m.server(), m.from());
    }
    let public_url = args.public_url.clone().unwrap_or_else(|| format!("http://{local}"));
    tokio::spawn(send_reminders(store.clone(), mailer, public_url));
    let app = web::app_shared(store, config);
    println!(
        "Lisa är igång på http://{local} ({}).",
        if db.database_url.is_some() { "extern databas" } else { "inbyggd SQLite" }
    );
    tracing::info!(%local, "listening");
    web::serve(listener, app, shutdown_signal()).await.map_err(|e| Failure::system(format!("servern stannade: {e}")))
}

/// Reminds invitees of follow-up rounds at start and then every hour.
async fn send_reminders(store: std::sync::Arc<Store>, mailer: Option<web::reminders::Mailer>, public_url: String) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let today = web::reminders::today();
        if let Err(e) = web::reminders::send_due_reminders(&store, mailer.as_ref(), &public_url, today).await {
            tracing::warn!(error = %e, "could not send reminders; trying again in an hour");
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

/// Entry point of the binary.
pub fn main_exit() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LISA_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("lisa: kunde inte starta: {e}");
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
