//! Replays every input kept for the fuzz targets (fuzz/README.md): the seeds of each corpus,
//! and under fuzz/regressions/ the inputs that once made a target fail. Runs on stable, in
//! `make check`, through the same code as the targets (fuzz_regressions/exercise.rs).

#[path = "fuzz_regressions/exercise.rs"]
mod exercise;

use std::fs;
use std::path::Path;

/// Each file kept for `target`, run through `exercise`; how many there were.
fn replay(target: &str, exercise: fn(&[u8])) -> usize {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut count = 0;
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = fs::read_dir(fuzz.join(dir).join(target)) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            let data = fs::read(&path).unwrap();
            // A panic names the file that caused it.
            eprintln!("{}", path.display());
            exercise(&data);
            count += 1;
        }
    }
    count
}

#[test]
fn argv() {
    assert!(replay("argv", exercise::argv) > 0);
}

#[test]
fn batch() {
    assert!(replay("batch", exercise::batch) > 0);
}

#[test]
fn netlink() {
    assert!(replay("netlink", exercise::netlink) > 0);
}

#[test]
fn inotify() {
    assert!(replay("inotify", exercise::inotify) > 0);
}
