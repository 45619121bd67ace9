//! The programs the suite takes from the system (iproute2, busybox, ping, strace) and the record of what
//! was skipped: every skip is counted and the run ends with a summary of them, and under CI=true,
//! where .ci/run installs each of these programs, a skip for lack of one is a failure instead.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, Once};

use crate::sandbox;

/// A program from the system, and the Debian package .ci/run installs it from.
#[derive(Debug)]
pub struct Tool {
    pub name: &'static str,
    pub package: &'static str,
    paths: &'static [&'static str],
}

/// Debian's `ip`: the oracle every case is compared with, and the system ip of the hand-over.
pub const IPROUTE2: Tool =
    Tool { name: "iproute2", package: "iproute2", paths: &["/sbin/ip", "/usr/sbin/ip", "/bin/ip"] };
pub const BUSYBOX: Tool = Tool {
    name: "busybox",
    package: "busybox-static",
    paths: &["/bin/busybox", "/usr/bin/busybox"],
};
pub const PING: Tool = Tool {
    name: "ping",
    package: "iputils-ping",
    paths: &["/usr/bin/ping", "/bin/ping", "/usr/sbin/ping", "/sbin/ping"],
};

/// strace: its fault injection emulates old kernels and failing system calls.
pub const STRACE: Tool =
    Tool { name: "strace", package: "strace", paths: &["/usr/bin/strace", "/bin/strace"] };

const TOOLS: [&Tool; 4] = [&IPROUTE2, &BUSYBOX, &PING, &STRACE];

impl Tool {
    /// Where it is installed, if it is.
    pub fn path(&self) -> Option<&'static str> {
        self.paths.iter().copied().find(|p| Path::new(p).exists())
    }

    /// Where it is installed; if it is not, `what` is skipped (see `skip`) and None returned.
    pub fn needed_for(&self, what: &str) -> Option<&'static str> {
        let found = self.path();
        if found.is_none() {
            let why = format!("no {} (Debian: {})", self.name, self.package);
            skip(Reason::Missing(why), what);
        }
        found
    }
}

/// Why something was skipped.
pub enum Reason {
    /// A program the suite needs is not installed: a failure under CI=true.
    Missing(String),
    /// The run itself rules it out (NETNS_TEST_SUBJECT=iproute2 runs no deliberate difference).
    NotThisRun(String),
}

/// (why, test) for each skip so far.
static SKIPS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// Records that `what` (a case, a comparison, a whole test) was skipped in the calling test
/// and notes it on stderr; under CI=true a missing program fails the test instead.
pub fn skip(reason: Reason, what: &str) {
    let why = match reason {
        Reason::Missing(why) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{why}, which .ci/run installs: under CI=true that fails, not skips: {what}")
        }
        Reason::Missing(why) | Reason::NotThisRun(why) => why,
    };
    eprintln!("note: skipped ({why}): {what}");
    summarise_at_exit();
    let test = std::thread::current().name().unwrap_or("?").to_string();
    SKIPS.lock().unwrap_or_else(|p| p.into_inner()).push((why, test));
}

/// Makes the run end with the summary of its skips (once, whatever calls it).
pub fn summarise_at_exit() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if let Err(e) = sandbox::at_exit(summary) {
            panic!("registering the skip summary: {e}");
        }
    });
}

/// Prints the skips on stderr after libtest's last line: the number, then each reason with
/// the tests it held back.
extern "C" fn summary() {
    // A run stopped by a hung sandbox exits from any thread: never wait for the lock here.
    let Ok(skips) = SKIPS.try_lock() else { return };
    let mut by_reason: BTreeMap<&str, (usize, BTreeSet<&str>)> = BTreeMap::new();
    for (why, test) in skips.iter() {
        let (count, tests) = by_reason.entry(why).or_default();
        *count += 1;
        tests.insert(test);
    }
    let mut text = match skips.len() {
        0 => "netns suite: nothing skipped\n".to_string(),
        n => format!("netns suite: {n} skipped (CI=true fails on a missing program):\n"),
    };
    for (why, (count, tests)) in by_reason {
        let shown = tests.iter().take(4).copied().collect::<Vec<_>>().join(", ");
        let more = tests.len().saturating_sub(4);
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        text += &format!("  {count} × {why}: in {shown}{more}\n");
    }
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// A missing tool is a skip only where CI does not install it: .ci/run must install each.
#[test]
fn ci_installs_every_tool_the_suite_takes_from_the_system() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/run");
    let script = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let installed: Vec<&str> = script
        .lines()
        .filter(|l| l.contains("apt-get install"))
        .flat_map(|l| l.split_whitespace())
        .collect();
    for tool in TOOLS {
        assert!(
            installed.contains(&tool.package),
            "{path} does not install {} (for {})",
            tool.package,
            tool.name
        );
    }
}
