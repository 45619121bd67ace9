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

/// Where the walkthrough scripts and their helpers live.
const SCRIPTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/seeds");
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

fn busybox() -> Option<&'static str> {
    ["/bin/busybox", "/usr/bin/busybox"].into_iter().find(|p| Path::new(p).exists())
}

/// Busybox's applet names, `ip` left out.
fn applets(busybox: &str) -> Vec<String> {
    let out = Command::new(busybox)
        .arg("--list")
        .output()
        .unwrap_or_else(|e| panic!("running {busybox} --list: {e}"));
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

/// Why `mode` cannot run here, if it cannot.
fn missing(mode: Mode) -> Option<&'static str> {
    if busybox().is_none() {
        return Some("no busybox (Debian: busybox-static)");
    }
    if mode != Mode::Busybox && iproute2().is_none() {
        return Some("no iproute2");
    }
    if mode != Mode::Reference && Subject::main() == Subject::Iproute2 {
        return Some("NETNS_TEST_SUBJECT=iproute2: this mode needs our binary as `ip`");
    }
    None
}

/// Builds the PATH directories for `mode` in the sandbox's /run; returns (PATH, shell).
fn prepare(mode: Mode) -> (String, String) {
    let busybox = busybox().expect("checked by `missing`");
    let applets = applets(busybox);
    // /var/run is where the seeds look (`ls /var/run/netns`): on this kind of machine it is a
    // link to the sandbox's /run; where it is a directory, it gets a private tmpfs too.
    let var_run = fs::symlink_metadata("/var/run").map(|m| m.file_type().is_symlink());
    if let Ok(false) = var_run {
        sandbox::mount(Some("tmpfs"), "/var/run", Some("tmpfs"), 0, Some("mode=0755"))
            .expect("mounting a private tmpfs on /var/run");
    }
    // A machine's /sys shows its own network: the sandbox's, as `netns exec` shows a
    // namespace's (what reads /sys/class/net, such as `ip tuntap show`, sees the right links).
    sandbox::mount(Some("sysfs"), "/sys", Some("sysfs"), 0, None)
        .expect("mounting a sysfs of the sandbox's network namespace on /sys");
    let ip = [String::from("ip")];
    match mode {
        Mode::Busybox => {
            link_dir(BUSYBOX_BIN, busybox, &applets);
            link_dir(BUSYBOX_BIN, our_binary(), &ip);
            (BUSYBOX_BIN.into(), format!("{BUSYBOX_BIN}/sh"))
        }
        Mode::Iproute2 => {
            link_dir(OURS_BIN, our_binary(), &ip);
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
        .env("SEEDS_LIB", format!("{SCRIPTS}/lib.sh"))
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
    if let Some(why) = missing(mode) {
        eprintln!("note: skipped: {why}");
        return;
    }
    let script = format!("{SCRIPTS}/{name}.sh");
    in_sandbox(Subject::Ours, false, |_| {
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

/// One module per walkthrough, one test per mode: `seeds::seed_004_routers::busybox`. A
/// walkthrough whose busybox mode needs what is not done yet says why, and that mode is
/// ignored (`cargo test -- --ignored` runs it).
macro_rules! walkthroughs {
    ($($module:ident: $script:literal $(=> busybox waits: $why:literal)?,)*) => {$(
        mod $module {
            use super::{walkthrough, Mode};

            #[test]
            $(#[ignore = $why])?
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
    seed_005_tap_and_namespace_on_a_bridge: "005_tap_and_namespace_on_a_bridge"
        => busybox waits: "native `ip -br addr` and `ip link show type veth` in front of busybox's ip",
}
