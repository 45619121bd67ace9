//! Commands that used to hang (a FIFO opened, a watch that never fires) run with a deadline:
//! one still running when it passes is killed, and the case fails saying it hung.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::harness::*;

/// Far beyond what any of these commands needs; reached only when one hangs.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// Runs `cmd` with no input, its output collected, and fails if it is still running after
/// `DEADLINE`.
pub fn output(cmd: Command) -> Observed {
    output_from(cmd, Stdio::null())
}

/// The same, with this standard input.
pub fn output_from(mut cmd: Command, stdin: impl Into<Stdio>) -> Observed {
    cmd.stdin(stdin).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawning {cmd:?}: {e}"));
    let readers = [child.stdout.take().map(drain), child.stderr.take().map(drain)];
    let mut status = None;
    let ended = wait_until(DEADLINE, || {
        status = child.try_wait().expect("waiting for the subject");
        status.is_some()
    });
    if !ended {
        let _ = child.kill();
        let _ = child.wait();
        panic!("{cmd:?} still ran after {DEADLINE:?}: it hangs");
    }
    let [out, err] = readers.map(|r| r.map(|r| r.join().expect("reader")).unwrap_or_default());
    Observed { out: normalise(&out), err: normalise(&err), status: status.expect("ended").into() }
}

/// `netns ARGV` (iproute2 form) in the sandbox, bounded.
pub fn run(sb: &Sandbox, argv: &[&str]) -> Observed {
    output(sb.command(&[], Via::Netns, &os(argv)))
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}
