//! Rows of an asset, system or processing list, as the CSV or Excel reader
//! hands them over, checked all or nothing by `domain::assets`: every wrong
//! row and field named, never a panic, bounded work.
#![no_main]

use domain::assets::{processing, system};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let rows: Vec<Vec<String>> =
        text.lines().take(2_000).map(|l| l.split([';', ',']).take(24).map(str::to_owned).collect()).collect();
    let unit = uuid::Uuid::from_u128(7);
    let unit_of = |name: &str| (name.trim() == "Äldreomsorgen").then_some(unit);
    let check = |n: usize, errors: Option<usize>| {
        assert!(n <= rows.len());
        if let Some(e) = errors {
            assert!(e > 0, "a refused list names at least one error");
        }
    };
    match system::parse_asset_rows(&rows, unit_of) {
        Ok(ok) => check(ok.len(), None),
        Err(errors) => check(0, Some(errors.len())),
    }
    match system::parse_system_rows(&rows) {
        Ok(ok) => check(ok.len(), None),
        Err(errors) => check(0, Some(errors.len())),
    }
    for public in [true, false] {
        match processing::parse_processing_rows(&rows, public) {
            Ok(ok) => check(ok.len(), None),
            Err(errors) => check(0, Some(errors.len())),
        }
    }
});
