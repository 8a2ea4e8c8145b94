//! A mapping between two model versions, as uploaded.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = domain::round::Mapping::parse(text);
    }
});
