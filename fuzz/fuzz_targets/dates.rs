//! Dates and years as typed anywhere: form fields, API bodies, query
//! strings (the audit-log filter) and paths (a unit report's year).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(Some(d)) = domain::parse_date("date", s, false) {
        // Whatever is accepted can have a day added and be turned into a
        // time without overflow (the audit-log filter does both).
        let next = d.checked_add_days(chrono::Days::new(1));
        assert!(next.is_some());
        assert!(d.and_hms_opt(0, 0, 0).is_some());
    }
    if let Ok(p) = domain::assessment::Period::parse(s) {
        let _ = p.year().checked_add(1);
    }
});
