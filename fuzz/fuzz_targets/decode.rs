#![no_main]
//! The generated decoder: a decoded line survives encoding and decoding again.
//! The checks are `qmp_tests::fuzz::decode`; see fuzz/README.md.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| qmp_tests::fuzz::decode(data));
