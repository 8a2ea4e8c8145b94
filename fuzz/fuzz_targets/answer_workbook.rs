//! An answer workbook as a CISO uploads it: whatever the bytes, reading
//! ends with rows or an error within the reader's limits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(rows) = documents::read_sheet(data, "Svar") {
        let limits = documents::ReadLimits::default();
        assert!(rows.len() <= limits.rows as usize);
        assert!(rows.iter().all(|r| r.len() <= limits.columns as usize));
    }
});
