//! Over HTTP: every response names its request id in `X-Request-Id` (a safe
//! incoming id is kept, anything else replaced by a new UUID), and problem+json
//! follows an anonymous caller's `Accept-Language`. An empty SQLite database
//! in a temporary directory is enough.

#![allow(clippy::unwrap_used, reason = "test code: a failure fails the test")]

use std::path::PathBuf;

use reqwest::StatusCode;

struct Server {
    url: String,
    dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn server() -> Server {
    let dir = std::env::temp_dir().join(format!("lisa-trace-test-{:016x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let store = store::Store::connect(&store::sqlite_url_for(&dir)).await.expect("SQLite store");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(web::serve(listener, web::app(store, web::Config::default()), std::future::pending()));
    Server { url: format!("http://{addr}"), dir }
}

fn request_id(res: &reqwest::Response) -> String {
    res.headers().get("x-request-id").expect("x-request-id").to_str().expect("ASCII").to_owned()
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_safe_incoming_ids_are_kept() {
    let s = server().await;
    let http = reqwest::Client::new();

    let res = http.get(format!("{}/healthz", s.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let generated = request_id(&res);
    assert_eq!(uuid::Uuid::parse_str(&generated).unwrap().get_version_num(), 7);

    // Also on errors and on paths no route matches.
    let res = http.get(format!("{}/no/such/page", s.url)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let other = request_id(&res);
    assert!(uuid::Uuid::parse_str(&other).is_ok());
    assert_ne!(other, generated);

    let res = http.get(format!("{}/healthz", s.url)).header("x-request-id", "proxy-42.a_b:c").send().await.unwrap();
    assert_eq!(request_id(&res), "proxy-42.a_b:c");

    for hostile in ["x".repeat(65), "a\tb".to_owned(), "a b".to_owned(), "<script>".to_owned(), "a;b".to_owned()] {
        let res = http.get(format!("{}/healthz", s.url)).header("x-request-id", hostile.as_str()).send().await.unwrap();
        let got = request_id(&res);
        assert_ne!(got, hostile);
        assert!(uuid::Uuid::parse_str(&got).is_ok(), "{hostile:?} was replaced by {got:?}");
    }
}

#[tokio::test]
async fn problem_json_follows_the_anonymous_callers_language() {
    let s = server().await;
    let http = reqwest::Client::new();
    let problem = |lang: Option<&'static str>| {
        let mut req = http.get(format!("{}/api/v1/orgs", s.url));
        if let Some(l) = lang {
            req = req.header("accept-language", l);
        }
        async move {
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
            assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/problem+json"));
            res.json::<serde_json::Value>().await.unwrap()
        }
    };
    assert_eq!(problem(None).await["title"], "Du behöver logga in");
    assert_eq!(problem(Some("sv-SE,en;q=0.5")).await["title"], "Du behöver logga in");
    assert_eq!(problem(Some("en-GB,en;q=0.9")).await["title"], "You need to log in");
}
