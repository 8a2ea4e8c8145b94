//! `spawn_app()`: Lisa on 127.0.0.1:0 with the demo world, on SQLite or on a
//! fresh PostgreSQL database (from the `testdb` crate, removed when the test
//! ends, passed or failed), and a small client that keeps the session
//! cookie itself (the cookie is `Secure`, which reqwest's jar would not send
//! over plain HTTP).

use std::sync::OnceLock;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;
use uuid::Uuid;

pub const PASSWORD: &str = "demo-lösenord-2026";

pub use testdb::Backend;

pub struct TestApp {
    pub url: String,
    pub store: std::sync::Arc<store::Store>,
    pub backend: Backend,
    /// Removes the database when the test ends; declared last, so dropped last.
    _db: testdb::TestDb,
}

/// One argon2 hash of the demo password, shared by all tests (hashing is slow in debug builds).
fn demo_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| web::hash_password(PASSWORD))
}

/// Starts the app on `backend`; `None` when PostgreSQL is asked for but not
/// configured (and `CI` is not set: then it panics).
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, |_| {}).await
}

/// [`spawn_app`] with the web layer's settings changed by `configure`.
pub async fn spawn_app_with(backend: Backend, configure: fn(&mut web::Config)) -> Option<TestApp> {
    let db = testdb::TestDb::create("HTTP tests", backend).await?;
    let url = db.url().to_owned();
    let store = store::Store::connect(&url).await.expect("connect the store");
    lisa::demo::load(&store, demo_hash()).await.expect("load the demo world");
    let store = std::sync::Arc::new(store);
    let app_store = store::Store::connect(&url).await.unwrap();
    let mut config = web::Config::default();
    config.throttle.step_delay = std::time::Duration::from_millis(5);
    // Every PDF a test fetches is checked for charts and tables outside the page.
    config.check_layout = true;
    configure(&mut config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(web::serve(listener, web::app(app_store, config), std::future::pending()));
    Some(TestApp { url: format!("http://{addr}"), store, backend, _db: db })
}

/// A logged-in (or anonymous) client.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

pub struct Res {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Res {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
    pub fn location(&self) -> String {
        self.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
    }
    pub fn content_type(&self) -> String {
        self.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
    }
}

impl TestApp {
    pub fn anonymous(&self) -> Client {
        Client {
            http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
            base: self.url.clone(),
            cookie: None,
            csrf: None,
        }
    }

    pub async fn login(&self, email: &str) -> Client {
        self.login_with(email, PASSWORD).await.unwrap_or_else(|r| panic!("login {email}: {} {}", r.status, r.text))
    }

    pub async fn login_with(&self, email: &str, password: &str) -> Result<Client, Res> {
        let mut c = self.anonymous();
        let r = c
            .send(
                "POST",
                "/api/v1/session",
                Some(Body::Json(serde_json::json!({"email": email, "password": password}))),
            )
            .await;
        if r.status != StatusCode::OK {
            return Err(r);
        }
        let cookie =
            r.headers.get("set-cookie").and_then(|v| v.to_str().ok()).unwrap().split(';').next().unwrap().to_owned();
        assert!(r.headers.get("set-cookie").unwrap().to_str().unwrap().contains("HttpOnly"));
        c.cookie = Some(cookie);
        c.csrf = Some(r.json()["csrf_token"].as_str().unwrap().to_owned());
        Ok(c)
    }

    /// A new user with one role at one organisation, logged in.
    pub async fn user_at(&self, email: &str, role: domain::user::Role, org: Uuid) -> Client {
        self.store
            .insert_user(
                &store::Actor::cli(),
                store::NewUser {
                    email: domain::user::Email::parse(email).unwrap(),
                    name: domain::user::PersonName::parse("Test Person").unwrap(),
                    password_hash: Some(web::hash_password(PASSWORD)),
                    language: domain::user::Language::Sv,
                },
                Some(domain::authz::Assignment { role, org_id: Some(org) }),
            )
            .await
            .unwrap();
        self.login(email).await
    }

    pub async fn org_id(&self, name: &str) -> Uuid {
        self.store.find_orgs_by_name(name).await.unwrap()[0].id
    }

    /// The organisation's assessment in draft (the demo world has one for the kommun).
    pub async fn draft_assessment(&self, org: Uuid) -> store::Assessment {
        let all = self.store.list_assessments(&store::OrgScope::Org(org)).await.unwrap();
        all.into_iter().find(|a| a.status.code() == "draft").expect("a draft assessment")
    }

    pub async fn user_id(&self, email: &str) -> Uuid {
        self.store.find_user_by_email(email).await.unwrap().unwrap().id
    }
}

#[derive(Clone)]
pub enum Body {
    Json(Value),
    /// Form fields; the client's CSRF token is added unless `raw`.
    Form(Vec<(&'static str, String)>),
    RawForm(Vec<(&'static str, String)>),
    /// A multipart form with one file (field `file`); the CSRF token is added.
    Multipart {
        filename: &'static str,
        content: Vec<u8>,
    },
    /// A multipart form with text fields and one file (field `file`); the CSRF token is added.
    MultipartWith {
        fields: Vec<(&'static str, String)>,
        filename: &'static str,
        content: Vec<u8>,
    },
}

impl Client {
    pub async fn send(&self, method: &str, path: &str, body: Option<Body>) -> Res {
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self.http.request(m.clone(), format!("{}{}", self.base, path));
        if let Some(c) = &self.cookie {
            req = req.header("cookie", HeaderValue::from_str(c).unwrap());
        }
        let unsafe_method = !matches!(method, "GET" | "HEAD");
        if unsafe_method
            && path.starts_with("/api/")
            && let Some(t) = &self.csrf
        {
            req = req.header("x-csrf-token", t);
        }
        req = match body {
            Some(Body::Json(v)) => req.json(&v),
            Some(Body::Form(mut fields)) => {
                if let Some(t) = &self.csrf {
                    fields.push(("csrf", t.clone()));
                }
                req.form(&fields)
            }
            Some(Body::RawForm(fields)) => req.form(&fields),
            Some(Body::Multipart { filename, content }) => {
                let mut form = reqwest::multipart::Form::new()
                    .part("file", reqwest::multipart::Part::bytes(content).file_name(filename));
                if let Some(t) = &self.csrf {
                    form = form.text("csrf", t.clone());
                }
                req.multipart(form)
            }
            Some(Body::MultipartWith { fields, filename, content }) => {
                let mut form = reqwest::multipart::Form::new();
                for (k, v) in fields {
                    form = form.text(k, v);
                }
                form = form.part("file", reqwest::multipart::Part::bytes(content).file_name(filename));
                if let Some(t) = &self.csrf {
                    form = form.text("csrf", t.clone());
                }
                req.multipart(form)
            }
            None => req,
        };
        let r = req.send().await.expect("request");
        let status = r.status();
        let headers = r.headers().clone();
        let text = r.text().await.unwrap_or_default();
        Res { status, headers, text }
    }

    pub async fn get(&self, path: &str) -> Res {
        self.send("GET", path, None).await
    }

    pub async fn post_form(&self, path: &str, fields: Vec<(&'static str, String)>) -> Res {
        self.send("POST", path, Some(Body::Form(fields))).await
    }
}

/// Runs a check on SQLite, and on PostgreSQL when configured.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await.unwrap();
                    super::$name(&app).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(app) = $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await else { return };
                    super::$name(&app).await;
                }
            )*
        }
    };
}

/// Like [`both_backends!`], with the web layer's settings changed by a function.
#[macro_export]
macro_rules! both_backends_with {
    ($configure:path; $($name:ident),* $(,)?) => {
        mod sqlite_with {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = $crate::helpers::spawn_app_with($crate::helpers::Backend::Sqlite, $configure).await.unwrap();
                    super::$name(&app).await;
                }
            )*
        }
        mod postgres_with {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(app) = $crate::helpers::spawn_app_with($crate::helpers::Backend::Postgres, $configure).await else { return };
                    super::$name(&app).await;
                }
            )*
        }
    };
}

impl Client {
    /// A GET whose body is binary (PDF, DOCX, XLSX).
    pub async fn get_bytes(&self, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut req = self.http.get(format!("{}{}", self.base, path));
        if let Some(c) = &self.cookie {
            req = req.header("cookie", HeaderValue::from_str(c).unwrap());
        }
        let r = req.send().await.expect("request");
        let status = r.status();
        let headers = r.headers().clone();
        (status, headers, r.bytes().await.unwrap_or_default().to_vec())
    }
}
