//! The `lisa` binary as a user runs it: bootstrap commands, exit codes and
//! Swedish messages for bad input, audit verification.

#![allow(clippy::unwrap_used, reason = "test helpers: a failure fails the test")]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn lisa(dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lisa"));
    cmd.arg("--data-dir").arg(dir).args(args).env_remove("LISA_DATABASE_URL").env_remove("LISA_DATA_DIR");
    // The messages asserted here are Swedish, whatever the locale of the machine.
    cmd.env("LISA_LANG", "sv");
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

#[test]
fn demo_generate_gives_the_same_figures_for_the_same_seed() {
    let rounds = |seed: &str| {
        let dir = temp_dir();
        let o = lisa(&dir, &["demo", "generate", "--orgs", "120", "--years", "3", "--seed", seed], None);
        assert!(o.status.success(), "{}", text(&o));
        let out = text(&o);
        assert!(out.contains("120 organisationer skapade (54 kommuner, 3 regioner, 63 statliga myndigheter)"), "{out}");
        let lines: Vec<String> =
            out.lines().filter(|l| l.trim_start().starts_with("Nationell uppföljning")).map(str::to_owned).collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert!(lines.iter().all(|l| l.contains("av 120 svarade") && l.contains("nivå 0–4:")), "{out}");
        let o = lisa(&dir, &["audit", "verify"], None);
        assert!(o.status.success(), "{}", text(&o));
        let o = lisa(&dir, &["org", "list"], None);
        assert!(text(&o).contains("Nationell samordning för informationssäkerhet (coordinator)"), "{}", text(&o));
        std::fs::remove_dir_all(dir).ok();
        lines
    };
    let first = rounds("42");
    assert_eq!(first, rounds("42"), "the same seed, the same level distribution");
    assert_ne!(first, rounds("43"));
}

#[test]
fn demo_generate_refuses_bad_sizes_in_swedish() {
    let dir = temp_dir();
    for (args, expect) in [
        (vec!["--orgs", "0"], "antalet organisationer ska vara ett heltal från 1 till 100000"),
        (vec!["--orgs", "100001"], "antalet organisationer"),
        (vec!["--orgs", "många"], "antalet organisationer"),
        (vec!["--orgs", "10", "--years", "0"], "antalet år ska vara ett heltal från 1 till 20"),
        (vec!["--orgs", "10", "--years", "21"], "antalet år"),
        (vec!["--orgs", "10", "--seed=-1"], "fröet"),
    ] {
        let mut all = vec!["demo", "generate"];
        all.extend(args.iter().copied());
        let o = lisa(&dir, &all, None);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
        assert!(text(&o).contains(expect), "{args:?}: {}", text(&o));
    }
    let o = lisa(&dir, &["org", "list"], None);
    assert!(text(&o).trim().is_empty(), "nothing was written: {}", text(&o));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn model_version_mapping_is_checked_against_both_models() {
    let dir = temp_dir();
    let v1 = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../models/lisa-grund-v1.toml")).unwrap();
    // Version 2: the same model with one question renamed.
    let v2 = v1.replacen("version = 1", "version = 2", 1).replacen("id = \"ledning-1\"", "id = \"ledning-1b\"", 1);
    for (name, body) in [("v1.toml", &v1), ("v2.toml", &v2)] {
        let file = dir.join(name);
        std::fs::write(&file, body).unwrap();
        let o = lisa(&dir, &["model", "import", file.to_str().unwrap()], None);
        assert!(o.status.success(), "{}", text(&o));
    }
    let map = dir.join("map.toml");
    std::fs::write(
        &map,
        "from = \"lisa-grund@1\"\nto = \"lisa-grund@2\"\n[questions]\n\"ledning-1\" = \"ledning-1b\"\n\"ledning-2\" = \"finns-inte\"\n[areas]\nledning = \"ledning\"\n",
    )
    .unwrap();
    let o = lisa(&dir, &["model", "map", map.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("frågan \"finns-inte\" finns inte i lisa-grund@2"), "{}", text(&o));
    std::fs::write(
        &map,
        "from = \"lisa-grund@1\"\nto = \"lisa-grund@2\"\n[questions]\n\"ledning-1\" = \"ledning-1b\"\n[areas]\nledning = \"ledning\"\n",
    )
    .unwrap();
    let o = lisa(&dir, &["model", "map", map.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("1 frågor och 1 områden"), "{}", text(&o));
    std::fs::write(&map, "from = \"lisa-grund@1\"\nto = \"lisa-grund@9\"\n[areas]\nledning = \"ledning\"\n").unwrap();
    let o = lisa(&dir, &["model", "map", map.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("är inte inläst"), "{}", text(&o));
    let _ = std::fs::remove_dir_all(&dir);
}
