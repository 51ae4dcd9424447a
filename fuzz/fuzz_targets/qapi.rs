#![no_main]
//! The QAPI reader: any bytes give a schema or an error inside the input.
//! The checks are `qmp_tests::fuzz::qapi`; see fuzz/README.md.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qmp_tests::fuzz::qapi(data));
