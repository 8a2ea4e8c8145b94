//! A follow-up model file as an administrator uploads it: any text is
//! either a model or a list of errors, never a panic or a runaway.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = domain::model::parse_model(text);
    }
});
