//! The tutorials' walkthroughs (shared/seeds/), kept as shell scripts in tests/seeds/: each
//! seed's command sequence as written (198.18.0.0/15 addresses in place of the seed's, no sudo,
//! no interactive shells; each script's header lists what changed), ending in the checks the
//! seed shows. Every script runs in a fresh sandbox under three PATHs:
//!
//! - `busybox`: PATH is one directory holding our binary as `ip` and Debian busybox-static's
//!   other applets; the script runs under busybox's sh. That sh runs its own applet for every
//!   applet name whatever PATH says (FEATURE_SH_STANDALONE), so the script's `ip` words reach
//!   our binary through a shell function (tests/seeds/lib.sh, SEEDS_IP); everything our binary
//!   runs (`netns exec ... ip addr`, `route`, `ping`) is looked up in PATH as usual, and what
//!   it hands over goes to `busybox ip`.
//! - `iproute2`: our binary as `ip` first in PATH, then Debian's directories: what it hands
//!   over goes to iproute2's ip; Debian's sh (dash), ping and sysctl.
//! - `reference`: Debian's directories only, iproute2's ip: validates the scripts themselves.
//!
//! In the last two, tools Debian lacks here (brctl; ifconfig, route, arp without net-tools)
//! come from busybox applets placed after Debian's directories. A script fails at its first
//! failing step (`set -ex`); the test prints that step and the script's whole trace.
//!
//! `cargo test --test netns seeds::` runs them all; `seeds::seed_004_routers::busybox` one.

use std::fs;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::harness::*;
use crate::sandbox;
use crate::skips::{BUSYBOX, IPROUTE2, Reason, skip};

/// Where the walkthrough scripts and their helpers live.
const SCRIPTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/seeds");
/// Where each sandbox gets copies of them, wherever the checkout is (even under /run).
const COPIES: &str = "/run/seeds";
/// The directories built in each sandbox's /run.
const BUSYBOX_BIN: &str = "/run/seeds/busybox";
const OURS_BIN: &str = "/run/seeds/ours";
const FALLBACK_BIN: &str = "/run/seeds/fallback";
/// Debian's directories (not /usr/local: an installed copy of ours may be there as `ip`).
const DEBIAN_PATH: &str = "/usr/sbin:/usr/bin:/sbin:/bin";
/// The trace and output of the script (stdout and stderr interleaved).
const LOG: &str = "/run/seeds/log";
/// A whole walkthrough takes a few seconds; every ping in it is bounded by -W 2.
const LIMIT: Duration = Duration::from_secs(120);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Busybox,
    Iproute2,
    Reference,
}

/// Busybox's applet names, `ip` left out.
fn applets(busybox: &str) -> Vec<String> {
    let out = run_bounded(Command::new(busybox).arg("--list").stdout(Stdio::piped()));
    assert!(out.status.success(), "{busybox} --list failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|a| !a.is_empty() && *a != "ip")
        .map(str::to_owned)
        .collect()
}

/// `dir` with a symlink to `target` for each name.
fn link_dir(dir: &str, target: &str, names: &[String]) {
    fs::create_dir_all(dir).unwrap_or_else(|e| panic!("creating {dir}: {e}"));
    for name in names {
        let link = Path::new(dir).join(name);
        std::os::unix::fs::symlink(target, &link)
            .unwrap_or_else(|e| panic!("linking {link:?} to {target}: {e}"));
    }
}

/// Whether `mode` can run here; if not, walkthrough `what` is skipped.
fn runs_here(mode: Mode, what: &str) -> bool {
    if BUSYBOX.needed_for(what).is_none() {
        return false;
    }
    if mode != Mode::Busybox && IPROUTE2.needed_for(what).is_none() {
        return false;
    }
    if mode != Mode::Reference && Subject::main() == Subject::Iproute2 {
        let why = "NETNS_TEST_SUBJECT=iproute2: this mode needs our binary as `ip`";
        skip(Reason::NotThisRun(why.into()), what);
        return false;
    }
    true
}

/// Builds the PATH directories for `mode` in the sandbox's /run; returns (PATH, shell).
fn prepare(mode: Mode) -> (String, String) {
    let busybox = BUSYBOX.path().expect("checked by `runs_here`");
    let applets = applets(busybox);
    // /var/run, where the seeds look (`ls /var/run/netns`), is the sandbox's /run.
    // A machine's /sys shows its own network: the sandbox's, as `netns exec` shows a
    // namespace's (what reads /sys/class/net, such as `ip tuntap show`, sees the right links).
    sandbox::mount(Some("sysfs"), "/sys", Some("sysfs"), 0, None)
        .expect("mounting a sysfs of the sandbox's network namespace on /sys");
    let ip = [String::from("ip")];
    match mode {
        Mode::Busybox => {
            link_dir(BUSYBOX_BIN, busybox, &applets);
            link_dir(BUSYBOX_BIN, BIN, &ip);
            (BUSYBOX_BIN.into(), format!("{BUSYBOX_BIN}/sh"))
        }
        Mode::Iproute2 => {
            link_dir(OURS_BIN, BIN, &ip);
            link_dir(FALLBACK_BIN, busybox, &applets);
            (format!("{OURS_BIN}:{DEBIAN_PATH}:{FALLBACK_BIN}"), "/bin/sh".into())
        }
        Mode::Reference => {
            link_dir(FALLBACK_BIN, busybox, &applets);
            (format!("{DEBIAN_PATH}:{FALLBACK_BIN}"), "/bin/sh".into())
        }
    }
}

/// Runs `sh SCRIPT` in its own process group, for at most LIMIT (then the whole group is
/// killed). A script stops its own background processes (an EXIT trap). Returns how it ended
/// (None: killed at the limit) and its trace and output.
fn run_script(mode: Mode, path: &str, shell: &str, script: &str) -> (Option<ExitStatus>, String) {
    let log = fs::File::create(LOG).expect("creating the log");
    let mut cmd = Command::new(shell);
    cmd.arg(script)
        .env_clear()
        .env("PATH", path)
        .env("SEEDS_LIB", format!("{COPIES}/lib.sh"))
        .env("HOME", WORK)
        .env("LC_ALL", "C")
        .current_dir(WORK)
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("duplicating the log descriptor"))
        .stderr(log)
        .process_group(0);
    if mode == Mode::Busybox {
        cmd.env("SEEDS_IP", format!("{BUSYBOX_BIN}/ip"));
    }
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawning {shell} {script}: {e}"));
    let group = child.id();
    let end = Instant::now() + LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for the script") {
            break Some(status);
        }
        if Instant::now() > end {
            // Before reaping the shell: its pid, the group's id, cannot have been reused.
            let _ = sandbox::kill_group(group, libc::SIGKILL);
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let output = String::from_utf8_lossy(&fs::read(LOG).expect("reading the log")).into_owned();
    (status, output)
}

/// The step a failed script stopped at: its last traced command.
fn last_step(output: &str) -> &str {
    output.lines().rev().find(|l| l.starts_with("+ ")).unwrap_or("(no step traced)")
}

/// Runs walkthrough `name` (tests/seeds/NAME.sh) in a fresh sandbox under `mode`.
fn walkthrough(name: &str, mode: Mode) {
    if !runs_here(mode, &format!("{name} ({mode:?} mode)")) {
        return;
    }
    let read = |file: &str| {
        let path = format!("{SCRIPTS}/{file}");
        fs::read(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
    };
    let (text, lib) = (read(&format!("{name}.sh")), read("lib.sh"));
    let script = format!("{COPIES}/{name}.sh");
    in_sandbox(Subject::Ours, false, |_| {
        fs::create_dir_all(COPIES).expect("creating /run/seeds");
        fs::write(&script, &text).expect("copying the walkthrough into the sandbox");
        fs::write(format!("{COPIES}/lib.sh"), &lib).expect("copying lib.sh into the sandbox");
        let (path, shell) = prepare(mode);
        let (status, output) = run_script(mode, &path, &shell, &script);
        match status {
            Some(s) if s.success() => {}
            Some(s) => panic!(
                "{name} ({mode:?} mode) failed ({s}) at step\n    {}\n\
                 ---- trace and output (PATH={path}, shell {shell}) ----\n{output}",
                last_step(&output)
            ),
            None => panic!(
                "{name} ({mode:?} mode) still running after {LIMIT:?}, killed; last step\n    {}\n\
                 ---- trace and output (PATH={path}, shell {shell}) ----\n{output}",
                last_step(&output)
            ),
        }
    });
}

/// One module per walkthrough, one test per mode: `seeds::seed_004_routers::busybox`.
macro_rules! walkthroughs {
    ($($module:ident: $script:literal,)*) => {$(
        mod $module {
            use super::{walkthrough, Mode};

            #[test]
            fn busybox() {
                walkthrough($script, Mode::Busybox);
            }

            #[test]
            fn iproute2() {
                walkthrough($script, Mode::Iproute2);
            }

            #[test]
            fn reference() {
                walkthrough($script, Mode::Reference);
            }
        }
    )*};
}

walkthroughs! {
    seed_000_blue: "000_blue",
    seed_001_two_namespaces: "001_two_namespaces",
    seed_001_bridge: "001_bridge",
    seed_002_tap_pipework: "002_tap_pipework",
    seed_003_veth_and_docker0: "003_veth_and_docker0",
    seed_004_routers: "004_routers",
    seed_005_tap_and_namespace_on_a_bridge: "005_tap_and_namespace_on_a_bridge",
}
