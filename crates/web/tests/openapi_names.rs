//! utoipa names an OpenAPI component after the Rust type's bare name, so two
//! types called the same in different modules silently share one schema and
//! the API document lies about one of them (a classification level once took
//! the place of a maturity level). This test reads the source of every crate
//! that derives `ToSchema` and fails on a name used twice, naming both places.

#![allow(clippy::unwrap_used, reason = "test code: a failure fails the test")]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read source folder") {
        let p = entry.expect("folder entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The schema names declared in `text`: for every type whose attributes
/// derive `ToSchema`, its `#[schema(as = …)]` name or else its own name.
fn schema_names(text: &str) -> Vec<(usize, String)> {
    let mut names = Vec::new();
    let mut derives = false;
    let mut renamed: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.starts_with("#[") {
            if l.contains("ToSchema") {
                derives = true;
            }
            if let Some(at) = l.find("schema(as =") {
                let rest = &l[at + "schema(as =".len()..];
                let name: String =
                    rest.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
                renamed = Some(name.rsplit("::").next().unwrap_or("").to_owned());
            }
            continue;
        }
        if l.starts_with("///") || l.starts_with("//") || l.is_empty() {
            continue;
        }
        if derives {
            let decl = l.trim_start_matches("pub(crate) ").trim_start_matches("pub ");
            let name = decl
                .strip_prefix("struct ")
                .or_else(|| decl.strip_prefix("enum "))
                .map(|r| r.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>());
            if let Some(name) = name {
                names.push((i + 1, renamed.clone().unwrap_or(name)));
            }
        }
        derives = false;
        renamed = None;
    }
    names
}

#[test]
fn every_openapi_schema_name_is_used_once() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = Vec::new();
    for krate in ["domain", "store", "web"] {
        rust_files(&crates.join(krate).join("src"), &mut files);
    }
    files.sort();
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read source file");
        for (line, name) in schema_names(&text) {
            seen.entry(name).or_default().push(format!("{}:{line}", file.display()));
        }
    }
    assert!(seen.len() > 100, "too few schemas found ({}): the scan is broken", seen.len());
    let twice: Vec<String> =
        seen.iter().filter(|(_, at)| at.len() > 1).map(|(name, at)| format!("{name}: {}", at.join(", "))).collect();
    assert!(twice.is_empty(), "OpenAPI schema names used more than once:\n{}", twice.join("\n"));
}

#[test]
fn the_scan_sees_renames_and_plain_names() {
    let text = "#[derive(Debug)]\n#[cfg_attr(feature = \"openapi\", derive(utoipa::ToSchema))]\n/// Doc.\npub struct A {\n}\n\
                #[derive(ToSchema)]\n#[schema(as = other::B2)]\npub enum B {}\n#[derive(Debug)]\nstruct C;\n";
    let names: Vec<String> = schema_names(text).into_iter().map(|(_, n)| n).collect();
    assert_eq!(names, ["A", "B2"]);
}
