//! The questionnaire parser and checker must answer any input with problems, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(source) = std::str::from_utf8(data) {
        let _ = koers_core::questionnaire::parse_questionnaire(source, Some("fuzz"));
        let _ = koers_core::protocol::parse_protocol(source);
    }
});
