#![no_main]
//! Diff parse + apply, forward and reverse: `BASE 0xFF PATCH`, or a selector byte
//! picking one of the history's revisions as the base, then the patch.
//! The checks are `qmp_tests::fuzz::diff`; see fuzz/README.md. The history's
//! bases load in `init`, before the first input and its `-timeout`.

use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: qmp_tests::fuzz::init(),
    |data: &[u8]| qmp_tests::fuzz::diff(data)
);
