//! `monitor`: one line per entry created or deleted in the run directory, until a signal.

use std::fs;
use std::io::Read;
use std::process::Stdio;
use std::time::Duration;

use crate::harness::*;
use crate::sandbox;
use crate::table::*;

const LIMIT: Duration = Duration::from_secs(10);

/// True once process `pid` holds an inotify descriptor with a watch on it.
fn watching(pid: u32) -> bool {
    let Ok(fds) = fs::read_dir(format!("/proc/{pid}/fdinfo")) else {
        return false;
    };
    fds.filter_map(|e| e.ok())
        .any(|e| fs::read_to_string(e.path()).is_ok_and(|info| info.contains("inotify wd:")))
}

/// What `touch plain; mv plain renamed; rm renamed; mkdir d; rmdir d; add z; del z` shows.
fn make_events(sb: &Sandbox) {
    let p = |n: &str| path_in_run(n);
    fs::write(p("plain"), b"").expect("touch plain");
    fs::rename(p("plain"), p("renamed")).expect("mv plain renamed");
    fs::remove_file(p("renamed")).expect("rm renamed");
    fs::create_dir(p("d")).expect("mkdir d");
    fs::remove_dir(p("d")).expect("rmdir d");
    sb.ok(&["netns", "add", "z"]);
    sb.ok(&["netns", "del", "z"]);
}

const EVENTS: &[&str] = &["add plain", "delete renamed", "add d", "delete d", "add z", "delete z"];

/// On a terminal, as a user watches it; the run dir is created if missing.
#[test]
fn monitor_on_a_terminal() {
    scenario(Compare::Full, false, |sb| {
        let (master, slave) = sandbox::open_pty().expect("opening a pty");
        let mut cmd = sb.command(&[], Via::Netns, &os(&["netns", "monitor"]));
        cmd.stdin(Stdio::null()).stdout(slave).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawning monitor");
        drop(cmd); // our copy of the pty's slave side
        let mut stderr = child.stderr.take().expect("piped stderr");
        let pid = sb.keep(child).id();
        let lines = Lines::new(master);
        assert!(wait_until(LIMIT, || watching(pid)), "monitor never watched the run dir");
        Check::mode(RUN, 0o755).assert();
        make_events(sb);
        let seen: Vec<String> = EVENTS.iter().map_while(|_| lines.next_line(LIMIT)).collect();
        assert_eq!(seen, EVENTS, "monitor lines");
        let status = sb.stop(pid, libc::SIGTERM);
        assert_eq!(status, Status::Signal(libc::SIGTERM), "monitor ends by the signal");
        let mut err = String::new();
        stderr.read_to_string(&mut err).expect("reading stderr");
        assert_eq!(err, "", "monitor stderr");
        (seen, status, err)
    });
}

/// Into a file: every line is flushed as it happens, so nothing is lost when it is killed.
#[test]
fn monitor_flushes_each_line() {
    scenario(
        Compare::Differs("iproute2 does not flush: a killed monitor loses its output"),
        false,
        |sb| {
            let out_path = format!("{WORK}/monitor.out");
            let out = fs::File::create(&out_path).expect("creating the output file");
            let mut cmd = sb.command(&[], Via::Netns, &os(&["netns", "monitor"]));
            cmd.stdin(Stdio::null()).stdout(out).stderr(Stdio::null());
            let pid = sb.keep(cmd.spawn().expect("spawning monitor")).id();
            assert!(wait_until(LIMIT, || watching(pid)), "monitor never watched the run dir");
            make_events(sb);
            let want: String = EVENTS.iter().map(|e| format!("{e}\n")).collect();
            let arrived =
                wait_until(LIMIT, || fs::read_to_string(&out_path).is_ok_and(|s| s == want));
            assert!(arrived, "the file holds {:?}", fs::read_to_string(&out_path));
            assert_eq!(sb.stop(pid, libc::SIGTERM), Status::Signal(libc::SIGTERM));
            assert_eq!(fs::read_to_string(&out_path).expect("reading the output"), want);
        },
    );
}
