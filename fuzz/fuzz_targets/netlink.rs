//! Fuzz target: see exercise::netlink.
#![no_main]

#[path = "../../tests/fuzz_regressions/exercise.rs"]
#[allow(dead_code)] // each target uses one of its functions
mod exercise;

libfuzzer_sys::fuzz_target!(|data: &[u8]| exercise::netlink(data));
