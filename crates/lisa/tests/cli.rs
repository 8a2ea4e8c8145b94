//! The `lisa` binary as a user runs it: bootstrap commands, exit codes and
//! Swedish messages for bad input, audit verification.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn lisa(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lisa"));
    cmd.arg("--data-dir").arg(dir).args(args).env_remove("LISA_DATABASE_URL").env_remove("LISA_DATA_DIR");
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run lisa");
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn temp_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("lisa-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn bootstrap_without_the_web_ui() {
    let dir = temp_dir();
    let o = lisa(
        &dir,
        &["org", "add", "--name", "Exempla kommun", "--kind", "municipality", "--org-number", "212000-0142"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = lisa(
        &dir,
        &["org", "add", "--name", "Socialnämnden", "--kind", "committee", "--parent", "exempla kommun"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = lisa(
        &dir,
        &[
            "user",
            "add",
            "--email",
            "anna@exempla.se",
            "--name",
            "Anna Berg",
            "--org",
            "Exempla kommun",
            "--role",
            "ciso",
            "--password-stdin",
        ],
        Some("ett långt lösenord för anna\n"),
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = lisa(&dir, &["org", "list"], None);
    let out = text(&o);
    assert!(out.contains("Exempla kommun (municipality)") && out.contains("  Socialnämnden (committee)"), "{out}");
    let o = lisa(&dir, &["audit", "verify"], None);
    assert!(o.status.success());
    assert!(text(&o).contains("Loggboken är hel: 4 poster kontrollerade."), "{}", text(&o));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn bad_input_gets_a_swedish_message_and_exit_code_2() {
    let dir = temp_dir();
    for (args, stdin, expect) in [
        (vec!["org", "add", "--name", "X", "--kind", "kommun"], None, "okänd typ"),
        (vec!["org", "add", "--name", " ", "--kind", "unit"], None, "namnet får inte vara tomt"),
        (vec!["org", "add", "--name", "X", "--kind", "unit", "--org-number", "212000-0143"], None, "kontrollsiffra"),
        (vec!["org", "add", "--name", "X", "--kind", "unit", "--parent", "Finns inte"], None, "finns inte"),
        (
            vec!["user", "add", "--email", "x", "--name", "X", "--role", "ciso", "--org", "A"],
            None,
            "ogiltig e-postadress",
        ),
        (
            vec!["user", "add", "--email", "x@exempla.se", "--name", "X", "--role", "kung", "--org", "A"],
            None,
            "okänd roll",
        ),
        (
            vec!["user", "add", "--email", "x@exempla.se", "--name", "X", "--role", "ciso", "--password-stdin"],
            Some("kort\n"),
            "minst 12 tecken",
        ),
        (vec!["--database-url", "mysql://localhost/x", "org", "list"], None, "databasadressen är ogiltig"),
        (vec!["serve", "--bind", "inte-en-adress"], None, "ingen adress med port"),
    ] {
        let o = lisa(&dir, &args, stdin);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(text(&o).contains(expect), "{args:?}: {}", text(&o));
    }
    // Nothing was written by any of them.
    let o = lisa(&dir, &["audit", "verify"], None);
    assert!(text(&o).contains("0 poster"), "{}", text(&o));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn unreachable_database_and_taken_port_fail_clearly() {
    let dir = temp_dir();
    let o = lisa(&dir, &["--database-url", "postgres://postgres@127.0.0.1:1/lisa", "org", "list"], None);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("databasen svarar inte"), "{}", text(&o));
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let o = lisa(&dir, &["serve", "--bind", &addr], None);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("porten är upptagen"), "{}", text(&o));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn audit_verify_names_the_first_tampered_entry() {
    let dir = temp_dir();
    for name in ["A-enheten", "B-enheten", "C-enheten"] {
        assert!(lisa(&dir, &["org", "add", "--name", name, "--kind", "unit"], None).status.success());
    }
    // Someone edits the database directly, around Lisa.
    let url = store::sqlite_url_for(&dir);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query("DROP TRIGGER audit_log_no_update").execute(&pool).await.unwrap();
        sqlx::query("UPDATE audit_log SET after_json = '{\"name\":\"Förfalskad\"}' WHERE seq = 2")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    let o = lisa(&dir, &["audit", "verify"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("post 2 har ändrats"), "{}", text(&o));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn demo_load_refuses_a_database_that_is_not_empty() {
    let dir = temp_dir();
    assert!(lisa(&dir, &["org", "add", "--name", "Egen kommun", "--kind", "municipality"], None).status.success());
    let o = lisa(&dir, &["demo", "load"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("inte tom"));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn help_documents_options_and_environment_variables() {
    let o = Command::new(env!("CARGO_BIN_EXE_lisa")).args(["serve", "--help"]).output().unwrap();
    let out = text(&o);
    for want in ["--data-dir", "LISA_DATA_DIR", "--database-url", "LISA_DATABASE_URL", "--bind", "LISA_BIND", "--demo"]
    {
        assert!(out.contains(want), "{want} missing from serve --help");
    }
}
