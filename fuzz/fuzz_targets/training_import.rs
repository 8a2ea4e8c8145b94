//! Rows of a learning platform's export (person, course, date), as the CSV
//! or Excel reader hands them over, checked all or nothing by
//! `domain::training::parse_import`: every wrong row and field named, never
//! a panic, bounded work.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let rows: Vec<Vec<String>> =
        text.lines().take(2_000).map(|l| l.split([';', ',']).take(16).map(str::to_owned).collect()).collect();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap_or_default();
    let course = uuid::Uuid::from_u128(1);
    let known = |name: &str| (name.trim() == "Informationssäkerhet för alla medarbetare").then_some(course);
    match domain::training::parse_import(&rows, today, known) {
        Ok(ok) => assert!(ok.len() <= rows.len()),
        Err((errors, total)) => assert!(errors.len() <= total),
    }
    for r in rows.iter().take(64) {
        for cell in r.iter().take(4) {
            let _ = domain::training::parse_import_date(cell);
        }
    }
});
