//! Fuzz target: see exercise::batch.
#![no_main]

#[path = "../../tests/fuzz_regressions/exercise.rs"]
#[allow(dead_code)] // each target uses one of its functions
mod exercise;

libfuzzer_sys::fuzz_target!(|data: &[u8]| exercise::batch(data));
