#![no_main]
//! The text reader: any bytes give a model or an error inside the input.
//! The checks are `qmp_tests::fuzz::text`; see fuzz/README.md.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qmp_tests::fuzz::text(data));
