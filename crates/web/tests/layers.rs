//! The layers of docs/architecture.md, checked on the source: the
//! application layer knows nothing of HTTP, and pages and the JSON API never
//! call each other. A file that breaks a rule fails this test with its name.

#![allow(clippy::unwrap_used, reason = "test code: a failure fails the test")]

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read source folder") {
            let p = entry.expect("folder entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn src(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(sub)
}

/// Lines of `file` (outside `#[cfg(test)]` modules) that mention one of `needles`.
fn offending(file: &Path, needles: &[&str]) -> Vec<String> {
    let text = std::fs::read_to_string(file).expect("read source file");
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    code.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .filter(|(_, l)| needles.iter().any(|n| l.contains(n)))
        .map(|(i, l)| format!("{}:{}: {}", file.display(), i + 1, l.trim()))
        .collect()
}

fn check(dir: &str, needles: &[&str]) {
    let files = rust_files(&src(dir));
    assert!(!files.is_empty(), "no Rust files under src/{dir}");
    let bad: Vec<String> = files.iter().flat_map(|f| offending(f, needles)).collect();
    assert!(bad.is_empty(), "layer rule broken in src/{dir}:\n{}", bad.join("\n"));
}

#[test]
fn the_api_never_imports_pages() {
    check("api", &["crate::pages", "super::pages", "pages::"]);
}

#[test]
fn pages_never_import_the_api() {
    check("pages", &["crate::api", "api::"]);
}

#[test]
fn the_application_layer_knows_nothing_of_http() {
    check("app", &["axum", "crate::pages", "crate::api", "askama", "crate::session", "http::"]);
}

#[test]
fn no_web_source_file_is_a_grab_bag() {
    let mut long = Vec::new();
    for f in rust_files(&src("")) {
        let n = std::fs::read_to_string(&f).expect("read source file").lines().count();
        if n > 650 {
            long.push(format!("{} ({n} lines)", f.display()));
        }
    }
    assert!(long.is_empty(), "split these files by concern (about 600 lines at most):\n{}", long.join("\n"));
}
