//! Two `lisa serve` processes on one PostgreSQL database behind HAProxy,
//! configured with `deploy/haproxy.cfg` exactly as the README shows it: a
//! session made on one process works on the other, a change made through one
//! is seen by the other at its next request, the login lock counts across
//! processes, and the reminder job runs on one process only.
//!
//! Needs PostgreSQL (`LISA_TEST_POSTGRES_URL`; in CI the test fails without
//! it) and HAProxy (`/usr/sbin/haproxy`, installed by `scripts/test`).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test: a failure fails the test")]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const PASSWORD: &str = "skala-ut-lösenord-2026";

/// A child process killed when the test ends, however it ends.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn haproxy() -> PathBuf {
    let path = PathBuf::from(std::env::var("LISA_TEST_HAPROXY").unwrap_or_else(|_| "/usr/sbin/haproxy".into()));
    assert!(
        path.exists(),
        "HAProxy is needed for the scale-out test: {} is missing (apt-get install haproxy; scripts/test does it)",
        path.display()
    );
    path
}

fn serve(dir: &Path, url: &str, port: u16, demo: bool, log: &Path) -> Proc {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lisa"));
    cmd.arg("--data-dir").arg(dir).arg("--database-url").arg(url).arg("serve");
    if demo {
        cmd.arg("--demo");
    }
    cmd.args(["--bind", &format!("127.0.0.1:{port}"), "--trusted-proxy", "127.0.0.1/32"])
        .env("LISA_DEMO_PASSWORD", PASSWORD)
        .env("LISA_LANG", "sv")
        .env("LISA_LOG", "warn,lisa=info")
        .env_remove("LISA_DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(log).unwrap())
        .stderr(std::fs::File::create(log.with_extension("err")).unwrap());
    Proc(cmd.spawn().expect("start lisa serve"))
}

async fn wait_healthy(base: &str) {
    let start = Instant::now();
    let http = reqwest::Client::new();
    while start.elapsed() < Duration::from_secs(120) {
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await
            && r.status().is_success()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{base} did not become healthy within two minutes");
}

fn logs(path: &Path) -> String {
    let mut s = std::fs::read_to_string(path).unwrap_or_default();
    s.push_str(&std::fs::read_to_string(path.with_extension("err")).unwrap_or_default());
    s
}

/// A logged-in client: its session cookie and CSRF token.
struct User {
    cookie: String,
    csrf: String,
}

async fn login(http: &reqwest::Client, base: &str, email: &str, password: &str) -> reqwest::Response {
    http.post(format!("{base}/api/v1/session"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

async fn logged_in(http: &reqwest::Client, base: &str, email: &str) -> User {
    let r = login(http, base, email, PASSWORD).await;
    assert_eq!(r.status(), 200, "login of {email} through {base}");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("lisa_session="))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned();
    let body: Value = r.json().await.unwrap();
    User { cookie, csrf: body["csrf_token"].as_str().unwrap_or_default().to_owned() }
}

async fn get(http: &reqwest::Client, base: &str, path: &str, u: &User) -> reqwest::Response {
    http.get(format!("{base}{path}")).header("cookie", &u.cookie).send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_behind_haproxy_share_one_database() {
    let Some(admin_url) = testdb::postgres_admin_url("scale_out") else { return };
    let db = testdb::TestDb::postgres(&admin_url).await;
    let haproxy = haproxy();
    let work = std::env::temp_dir().join(format!("lisa-scale-out-{}", uuid::Uuid::new_v4()));
    for d in ["a", "b"] {
        std::fs::create_dir_all(work.join(d)).unwrap();
    }
    let (pa, pb, pp) = (free_port(), free_port(), free_port());
    let (a, b, proxy) =
        (format!("http://127.0.0.1:{pa}"), format!("http://127.0.0.1:{pb}"), format!("http://127.0.0.1:{pp}"));

    // The first process fills the empty database with the demo world; the
    // second starts on the database as it finds it.
    let _pa = serve(&work.join("a"), db.url(), pa, true, &work.join("a.log"));
    wait_healthy(&a).await;
    let _pb = serve(&work.join("b"), db.url(), pb, false, &work.join("b.log"));
    wait_healthy(&b).await;
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/haproxy.cfg");
    let _proxy = Proc(
        Command::new(&haproxy)
            .arg("-f")
            .arg(&config)
            .arg("-db")
            .env("LISA_PROXY_BIND", format!("127.0.0.1:{pp}"))
            .env("LISA_1", format!("127.0.0.1:{pa}"))
            .env("LISA_2", format!("127.0.0.1:{pb}"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(work.join("haproxy.log")).unwrap())
            .spawn()
            .expect("start haproxy"),
    );
    wait_healthy(&proxy).await;
    let http = reqwest::Client::new();

    // A session made through the proxy works on each process and through the proxy (round robin).
    let ciso = logged_in(&http, &proxy, "ciso@exempla.se").await;
    for base in [&a, &b, &proxy, &proxy, &proxy, &proxy] {
        let r = get(&http, base, "/api/v1/me", &ciso).await;
        assert_eq!(r.status(), 200, "the session works on {base}");
    }
    let made_on_a = logged_in(&http, &a, "ciso@exempla.se").await;
    assert_eq!(get(&http, &b, "/orgs", &made_on_a).await.status(), 200, "a session made on A works on B");

    // A change made through one process is seen by the other at its next request.
    let admin = logged_in(&http, &proxy, "admin@exempla.se").await;
    let orgs: Value = get(&http, &b, "/api/v1/orgs", &admin).await.json().await.unwrap();
    let org = orgs.as_array().unwrap().iter().find(|o| o["name"] == "Exempla kommun").expect("the demo kommun").clone();
    let id = org["id"].as_str().unwrap();
    // B keeps the CISO's organisation tree once read (by the data's version).
    let page = get(&http, &b, "/orgs", &ciso).await.text().await.unwrap();
    assert!(page.contains("Exempla kommun") && !page.contains("(omdöpt)"), "B's tree before the rename");
    let r = http
        .put(format!("{a}/api/v1/orgs/{id}"))
        .header("cookie", &admin.cookie)
        .header("x-csrf-token", &admin.csrf)
        .json(&json!({ "name": "Exempla kommun (omdöpt)", "kind": org["kind"], "org_number": org["org_number"], "parent_id": org["parent_id"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "rename through A: {}", r.text().await.unwrap());
    let seen: Value = get(&http, &b, &format!("/api/v1/orgs/{id}"), &ciso).await.json().await.unwrap();
    assert_eq!(seen["name"], "Exempla kommun (omdöpt)", "B sees the new name at once");
    let page = get(&http, &b, "/orgs", &ciso).await.text().await.unwrap();
    assert!(page.contains("Exempla kommun (omdöpt)"), "B's kept tree gives way to the renamed organisation");

    // An answer saved through A changes the score B lists at its next
    // request, though B keeps the scores it has computed.
    let listed: Value = get(&http, &b, "/api/v1/assessments", &ciso).await.json().await.unwrap();
    let draft = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["status"] == "draft" && x["answered"].as_u64() < x["questions"].as_u64())
        .expect("a demo draft with unanswered questions")
        .clone();
    let draft_id = draft["id"].as_str().unwrap();
    let detail: Value = get(&http, &b, &format!("/api/v1/assessments/{draft_id}"), &ciso).await.json().await.unwrap();
    let model: Value = get(&http, &b, &format!("/api/v1/models/{}", draft["model_id"].as_str().unwrap()), &ciso)
        .await
        .json()
        .await
        .unwrap();
    let answered: Vec<&str> =
        detail["answers"].as_array().unwrap().iter().map(|x| x["question_id"].as_str().unwrap()).collect();
    let question = model["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| !answered.contains(&q["id"].as_str().unwrap()))
        .expect("an unanswered question");
    let r = http
        .put(format!("{a}/api/v1/assessments/{draft_id}/answers"))
        .header("cookie", &ciso.cookie)
        .header("x-csrf-token", &ciso.csrf)
        .json(&json!([{ "question_id": question["id"], "answer": question["options"][0]["id"] }]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204, "answer through A: {}", r.text().await.unwrap());
    let listed: Value = get(&http, &b, "/api/v1/assessments", &ciso).await.json().await.unwrap();
    let after = listed.as_array().unwrap().iter().find(|x| x["id"] == draft["id"]).unwrap();
    assert_eq!(after["answered"].as_u64(), draft["answered"].as_u64().map(|n| n + 1), "B lists the new answer at once");
    // B read the assessment's answers above and keeps them by version: the
    // new answer shows in B's detail at once.
    let detail: Value = get(&http, &b, &format!("/api/v1/assessments/{draft_id}"), &ciso).await.json().await.unwrap();
    assert!(
        detail["answers"].as_array().unwrap().iter().any(|x| x["question_id"] == question["id"]),
        "B shows the answer saved through A"
    );
    assert_eq!(detail["answers"].as_array().unwrap().len(), answered.len() + 1);

    // B compiles the kommun's draft review and keeps it by the data's
    // version: a comment saved through A shows in B's review at once.
    let reviews: Value = get(&http, &b, "/api/v1/reviews", &ciso).await.json().await.unwrap();
    let review = reviews.as_array().unwrap().iter().find(|r| r["status"] == "draft").expect("a draft review")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let before: Value = get(&http, &b, &format!("/api/v1/reviews/{review}"), &ciso).await.json().await.unwrap();
    assert_ne!(before["content"]["comments"]["risks"], "Skrivet genom A", "not yet commented");
    let r = http
        .put(format!("{a}/api/v1/reviews/{review}/comments/risks"))
        .header("cookie", &ciso.cookie)
        .header("x-csrf-token", &ciso.csrf)
        .json(&json!({ "text": "Skrivet genom A" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204, "comment through A: {}", r.text().await.unwrap());
    let after: Value = get(&http, &b, &format!("/api/v1/reviews/{review}"), &ciso).await.json().await.unwrap();
    assert_eq!(after["content"]["comments"]["risks"], "Skrivet genom A", "B shows the comment saved through A");
    let page = get(&http, &b, &format!("/reviews/{review}"), &ciso).await.text().await.unwrap();
    assert!(page.contains("Skrivet genom A"), "B's review page shows the comment saved through A");

    // A role withdrawn through B is gone on A at the next request.
    let me: Value = get(&http, &a, "/api/v1/me", &ciso).await.json().await.unwrap();
    let user_id = me["id"].as_str().unwrap();
    assert_eq!(get(&http, &a, "/api/v1/assessments", &ciso).await.status(), 200);
    for role in me["roles"].as_array().unwrap() {
        let r = http
            .delete(format!("{b}/api/v1/users/{user_id}/roles/{}", role["id"].as_str().unwrap()))
            .header("cookie", &admin.cookie)
            .header("x-csrf-token", &admin.csrf)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 204, "withdraw a role through B");
    }
    assert_eq!(get(&http, &a, "/api/v1/assessments", &ciso).await.status(), 403, "A no longer lets the CISO in");

    // The login lock counts the failures made on both processes together.
    let mut tries = Vec::new();
    for i in 0..12 {
        let base = if i % 2 == 0 { a.clone() } else { b.clone() };
        let http = http.clone();
        tries.push(tokio::spawn(async move { login(&http, &base, "agare@exempla.se", "fel-lösenord").await.status() }));
    }
    for t in tries {
        let status = t.await.unwrap();
        assert!(status == 422 || status == 429, "a failed login answers 422 or 429, not {status}");
    }
    for base in [&a, &b] {
        let r = login(&http, base, "agare@exempla.se", PASSWORD).await;
        assert_eq!(r.status(), 429, "the account is locked on {base} after failures spread over both processes");
    }

    // The reminder job ran once at start, on the process holding its lease.
    let (la, lb) = (logs(&work.join("a.log")), logs(&work.join("b.log")));
    let held = |s: &str| s.matches("this process holds the lease").count();
    let other = |s: &str| s.matches("another process holds the lease").count();
    assert_eq!(held(&la) + held(&lb), 1, "exactly one process ran the reminders:\nA:\n{la}\nB:\n{lb}");
    assert_eq!(other(&la) + other(&lb), 1, "the other left them to it:\nA:\n{la}\nB:\n{lb}");
    let _ = std::fs::remove_dir_all(&work);
}
