#![no_main]
//! The introspection reader: any bytes, as a `query-qmp-schema` reply, give
//! the model or an error naming its place. The checks are
//! `qmp_tests::fuzz::introspect`; see fuzz/README.md.

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: qmp_tests::fuzz::init(),
    |data: &[u8]| qmp_tests::fuzz::introspect(data)
);
