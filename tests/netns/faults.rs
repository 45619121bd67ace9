//! Fault injection: each system call a command makes, made to fail (strace's
//! `inject=CALL:error=ERRNO:when=N`) and made to kill the command (`signal=SIGKILL`), one at a
//! time. The calls are read from strace's trace of the command itself, so a step added to a
//! command is covered here without a word changed. A way a command takes only when a call
//! fails (a batch's add made in a child, where it could not come back) is covered by running
//! the command under that failure throughout.
//!
//! After each fault: the command ends with one line on stderr (or succeeds, with at most a
//! warning), or is killed; it leaves nothing half done (no placeholder, no second mount of a
//! name, a run directory set up or not at all); and the next run succeeds, with exactly one
//! mount per name and the run directory a shared mount in a peer group of its own. A killed
//! command cleans nothing up: what it leaves (a placeholder, a half set-up run directory) is
//! what the next run must take over. The commands that mount are tried under a shared /run
//! too, as systemd makes it.
//!
//! strace counts calls per process: `when=N` hits the N-th call of every process of ours (an
//! add's child makes its own mount). Only our own calls are counted: a command's after it has
//! become another program (`exec`) are not ours to fail.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::*;
use crate::sandbox;

/// One command under faults.
struct Scenario {
    /// /run is made a shared mount before anything else.
    shared_run: bool,
    /// Commands of the subject's that set the stage (iproute2 form).
    setup: &'static [&'static [&'static str]],
    via: Via,
    /// The command (iproute2 form); `PID` stands for a process in namespace `a`.
    argv: &'static [&'static str],
    /// The batch file `F`, for a command that reads one.
    batch: Option<&'static str>,
    /// The run directory's names once the command has done its work.
    names: &'static [&'static str],
    /// Whether the work is done, in which case the next run is not the command again (a
    /// second add of a name fails, and rightly); `None` for a command that changes nothing.
    done: Option<fn(&Sandbox) -> bool>,
    /// A failed call may leave an entry a plain file: `delete` unmounts a name before it
    /// unlinks it (the other way round, the unlink would find a mount point), and a failing
    /// unlink leaves the unmounted file, which the next delete removes.
    may_leave_plain: bool,
    /// The command works through every name and goes on past one that fails, so a failure
    /// may leave the work partly done.
    each: bool,
    /// A fault the command always runs under (strace's `inject=` expression), to make it take
    /// the way it takes when that call fails; the call is not tried again.
    given: Option<(&'static str, &'static str)>,
    /// The command runs another in a child, which a fault may kill before it has become that
    /// command: the command then ends as iproute2 ends when the command it ran was killed, with
    /// status 1 and nothing said. A command that could not be run is as one that failed, which
    /// `-all exec` passes over, as iproute2 does: status 0, with the reason. (strace lets go of a child at its exec, whose calls after
    /// it, counted on by strace, are not ours to fail.)
    runs_a_command: bool,
}

const A: &[&[&str]] = &[&["netns", "add", "a"]];
const AB: &[&[&str]] = &[&["netns", "add", "a"], &["netns", "add", "b"]];

fn under_faults(
    setup: &'static [&'static [&'static str]],
    argv: &'static [&'static str],
) -> Scenario {
    Scenario {
        shared_run: false,
        setup,
        via: Via::Netns,
        argv,
        batch: None,
        names: &[],
        done: None,
        may_leave_plain: false,
        each: false,
        given: None,
        runs_a_command: false,
    }
}

impl Scenario {
    fn leaves(mut self, names: &'static [&'static str], done: fn(&Sandbox) -> bool) -> Self {
        self.names = names;
        self.done = Some(done);
        self
    }

    fn is_done(&self, sb: &Sandbox) -> bool {
        self.done.is_some_and(|done| done(sb))
    }
}

/// Runs `scenario` with /run private, then with /run shared.
fn both(scenario: Scenario) {
    let shared = Scenario { shared_run: true, ..scenario };
    let mut problems = inject_each_step(&Scenario { shared_run: false, ..shared });
    problems.extend(inject_each_step(&shared));
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// Runs `scenario` as it is.
fn once(scenario: Scenario) {
    let problems = inject_each_step(&scenario);
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

fn is_ns(name: &str) -> bool {
    entry_kind(name) == Some(Kind::Namespace)
}

#[test]
fn add_to_a_new_run_dir() {
    both(under_faults(&[], &["netns", "add", "x"]).leaves(&["x"], |_| is_ns("x")));
}

#[test]
fn add_next_to_others() {
    both(under_faults(A, &["netns", "add", "x"]).leaves(&["a", "x"], |_| is_ns("x")));
}

#[test]
fn attach() {
    both(under_faults(A, &["netns", "attach", "x", "PID"]).leaves(&["a", "x"], |_| is_ns("x")));
}

#[test]
fn delete() {
    let delete = under_faults(AB, &["netns", "delete", "a"]);
    both(Scenario {
        may_leave_plain: true,
        ..delete.leaves(&["b"], |_| entry_kind("a").is_none())
    });
}

#[test]
fn delete_all() {
    let all = under_faults(AB, &["-all", "netns", "delete"]).leaves(&[], |_| entries().is_empty());
    both(Scenario { may_leave_plain: true, each: true, ..all });
}

#[test]
fn exec() {
    once(Scenario { names: &["a"], ..under_faults(A, &["netns", "exec", "a", "/bin/true"]) });
}

/// A child for each namespace, which reports through a pipe how far it got before it became
/// the command (one namespace: a fault at a call hits every child's call alike).
#[test]
fn exec_everywhere() {
    let all = under_faults(A, &["-all", "netns", "exec", "/bin/true"]);
    once(Scenario { names: &["a"], runs_a_command: true, ..all });
}

/// The same child, for a batch's line.
#[test]
fn exec_in_a_batch() {
    let batch = under_faults(A, &["-b", "F"]);
    let line = Some("netns exec a /bin/true\n");
    once(Scenario { via: Via::Ip, batch: line, names: &["a"], runs_a_command: true, ..batch });
}

#[test]
fn netns_option() {
    once(under_faults(AB, &["-n", "a", "netns", "set", "b", "7"]).leaves(&["a", "b"], |sb| {
        sb.run(&["-n", "a", "netns", "list"]).out_str().contains("b (id: 7)")
    }));
}

#[test]
fn set() {
    once(
        under_faults(A, &["netns", "set", "a", "5"])
            .leaves(&["a"], |sb| sb.run(&["netns", "list"]).out_str().contains("a (id: 5)")),
    );
}

/// In a batch, the run directory is set up by the first add and kept, and each add locked.
#[test]
fn add_in_a_batch() {
    let batch = under_faults(A, &["-b", "F"]).leaves(&["a", "x"], |_| is_ns("x"));
    // A batch is not one piece of work: a read that fails after a line ran (looking for the
    // next one) ends the batch with an error, and what the line did stays done.
    both(Scenario { via: Via::Ip, batch: Some("netns add x\n"), each: true, ..batch });
}

/// A batch that cannot come back from a namespace it makes (its first setns, which asks,
/// refused: as inside a user namespace) makes each in a child instead.
#[test]
fn add_in_a_batch_by_a_child() {
    let batch = under_faults(A, &["-b", "F"]).leaves(&["a", "x"], |_| is_ns("x"));
    let given = Some(("setns", "inject=setns:error=EPERM:when=1"));
    both(Scenario { via: Via::Ip, batch: Some("netns add x\n"), each: true, given, ..batch });
}

#[test]
fn link_into_a_namespace() {
    let argv = &["link", "add", "v0", "type", "veth", "peer", "name", "v1", "netns", "a"];
    let link = Scenario { via: Via::Ip, ..under_faults(A, argv) };
    once(link.leaves(&["a"], |_| {
        // The sandbox thread's own network namespace, where v0 is made.
        fs::read_to_string("/proc/thread-self/net/dev").is_ok_and(|dev| dev.contains("v0:"))
    }));
}

/// What a fault does to a call.
#[derive(Clone, Copy, Debug)]
enum Fault {
    Fail(&'static str),
    Kill,
}

impl Fault {
    fn inject(self, call: &str, n: u32) -> String {
        match self {
            Fault::Fail(errno) => format!("inject={call}:error={errno}:when={n}"),
            Fault::Kill => format!("inject={call}:signal=SIGKILL:when={n}"),
        }
    }
}

/// The faults tried at each call: EPERM, the kernel's usual refusal; for wait4 an interruption
/// (to be retried) and a lost child; and a kill.
fn faults(call: &str) -> Vec<Fault> {
    let errors: &[&str] = match call {
        "wait4" => &["EINTR", "ECHILD"],
        _ => &["EPERM"],
    };
    errors.iter().map(|e| Fault::Fail(e)).chain([Fault::Kill]).collect()
}

/// Calls left out: the first execve is strace starting us (which strace does not count), exit
/// and exit_group cannot fail, and arch_prctl and set_tid_address are the C library's start-up
/// before any code of ours (musl crashes when they fail, as it must: it has no thread pointer
/// to go on with).
const NOT_OURS: &[&str] = &["exit", "exit_group", "arch_prctl", "set_tid_address"];

/// Every fault at every step of the scenario's command: the problems found, each saying where.
fn inject_each_step(sc: &Scenario) -> Vec<String> {
    if Subject::main() == Subject::Iproute2 {
        eprintln!("note: fault injection runs against our binary only");
        return Vec::new();
    }
    if Command::new("strace").arg("-V").stdout(Stdio::null()).status().is_err() {
        eprintln!("note: strace not installed, fault injection skipped: {:?}", sc.argv);
        return Vec::new();
    }
    let steps = in_sandbox(Subject::Ours, false, |sb| {
        let argv = stage(sb, sc);
        let trace = format!("{WORK}/trace");
        let pre = strace(sc, &trace, None);
        let seen = bounded(sb.command(&pre, sc.via, &argv));
        assert!(succeeded(&seen), "{:?} under strace: {seen:?}", sc.argv);
        let mut steps = steps(&fs::read_to_string(&trace).expect("reading the trace"));
        sc.given.map(|(call, _)| steps.remove(call));
        steps
    });
    assert!(steps.contains_key("mprotect"), "{:?}: no steps traced: {steps:?}", sc.argv);
    let flavour = if sc.shared_run { "shared" } else { "private" };
    let mut problems = Vec::new();
    // strace names only the calls it knows (6.1 does not know statmount, from Linux 6.8); it
    // could not fail the others. Whether it knows the rest is checked: it refuses with a line
    // of its own, which `outcome` does not take for ours.
    let (unknown, steps): (BTreeMap<_, _>, BTreeMap<_, _>) =
        steps.into_iter().partition(|(call, _)| call.starts_with("syscall_"));
    if !unknown.is_empty() {
        eprintln!("note: {:?}: strace cannot fail {unknown:?}", sc.argv);
    }
    for (call, count) in &steps {
        for n in 1..=*count {
            for fault in faults(call) {
                let found =
                    in_sandbox(Subject::Ours, false, |sb| try_fault(sb, sc, call, n, fault));
                let at = |p| format!("{:?}, /run {flavour}, {call} #{n}, {fault:?}: {p}", sc.argv);
                problems.extend(found.into_iter().map(at));
            }
        }
    }
    problems
}

/// The sandbox as the scenario wants it; the command's words, `PID` filled in.
fn stage(sb: &mut Sandbox, sc: &Scenario) -> Vec<OsString> {
    if sc.shared_run {
        sandbox::mount(None, "/run", None, libc::MS_SHARED, None).expect("making /run shared");
    }
    sc.setup.iter().for_each(|argv| sb.ok(argv));
    if let Some(batch) = sc.batch {
        fs::write(format!("{WORK}/F"), batch).expect("writing the batch file");
    }
    let pid = sc.argv.contains(&"PID").then(|| sb.sleeper("a").to_string());
    sc.argv
        .iter()
        .map(|w| OsString::from(if *w == "PID" { pid.as_deref().unwrap_or(w) } else { w }))
        .collect()
}

/// strace's words before the command: its trace to `out`, the scenario's given fault, and
/// `inject`.
fn strace<'a>(sc: &'a Scenario, out: &'a str, inject: Option<&'a str>) -> Vec<&'a str> {
    let mut pre = vec!["strace", "-f", "-qq", "-o", out];
    if sc.runs_a_command {
        pre.extend(["--detach-on", "execve"]);
    }
    for inject in sc.given.map(|(_, given)| given).into_iter().chain(inject) {
        pre.extend(["-e", inject]);
    }
    pre.push("--");
    pre
}

/// Each call our processes made, with the most times one process made it.
fn steps(trace: &str) -> BTreeMap<String, u32> {
    let mut counts: BTreeMap<(String, String), u32> = BTreeMap::new();
    let mut became_another: Vec<&str> = Vec::new();
    for (i, line) in trace.lines().enumerate() {
        let Some((pid, call)) = line.split_once(' ') else { continue };
        let call = call.trim_start();
        if call.starts_with("<...") || call.starts_with("+++") || call.starts_with("---") {
            continue;
        }
        let Some((name, _)) = call.split_once('(') else { continue };
        if became_another.contains(&pid) || NOT_OURS.contains(&name) {
            continue;
        }
        if name == "execve" {
            if i == 0 {
                continue;
            }
            if line.ends_with(" = 0") {
                became_another.push(pid);
            }
        }
        *counts.entry((name.to_string(), pid.to_string())).or_default() += 1;
    }
    let mut steps = BTreeMap::new();
    for ((name, _), n) in counts {
        let most = steps.entry(name).or_insert(0);
        *most = n.max(*most);
    }
    steps
}

/// One fault, what it left, and the run after it. Returns the problems found.
fn try_fault(sb: &mut Sandbox, sc: &Scenario, call: &str, n: u32, fault: Fault) -> Vec<String> {
    let argv = stage(sb, sc);
    let before: Vec<String> = entries().into_iter().map(|(name, _)| name).collect();
    let inject = fault.inject(call, n);
    let pre = strace(sc, "/dev/null", Some(&inject));
    let seen = bounded(sb.command(&pre, sc.via, &argv));
    let mut problems: Vec<String> = outcome(sc, &seen, fault).err().into_iter().collect();
    problems.extend(left_behind(sc, fault, &seen, &before).err());
    if !sc.is_done(sb) {
        let again = bounded(sb.command(&[], sc.via, &argv));
        if !succeeded(&again) {
            problems.push(format!("the next run: {again:?} (after {seen:?})"));
        }
    }
    problems.extend(settled(sc, sb).err());
    problems
}

/// Status 0 and nothing on stderr (what a command prints on stdout is its own business here).
fn succeeded(seen: &Observed) -> bool {
    seen.status == Status::Code(0) && seen.err.is_empty()
}

/// How the faulted command ended.
fn outcome(sc: &Scenario, seen: &Observed, fault: Fault) -> Result<(), String> {
    // iproute2 ends some messages with a blank line, and a batch adds where it failed.
    let text = seen.err_str();
    let line = text.trim_end_matches("Command failed F:1\n").trim_end_matches('\n');
    let one_line = !line.is_empty()
        && !line.contains('\n')
        && !text.contains("panicked")
        && !text.starts_with("strace: ");
    let fine = match (seen.status, fault) {
        (Status::Signal(libc::SIGKILL), Fault::Kill) => true,
        (Status::Code(0), Fault::Fail(_)) => {
            let exec_failed = sc.runs_a_command && seen.err.starts_with(b"exec of ");
            seen.err.is_empty() || (one_line && (seen.err.starts_with(b"Warning: ") || exec_failed))
        }
        (Status::Code(1), Fault::Kill) if sc.runs_a_command && seen.err.is_empty() => true,
        (Status::Code(code), _) => code != 0 && one_line,
        (Status::Signal(_), _) => false,
    };
    if fine { Ok(()) } else { Err(format!("ended {seen:?}")) }
}

/// What the faulted command left: every entry a namespace mounted once (or a plain file where
/// that may be), no mount besides, the run directory mounted at most once, and set up when a
/// failure (not a kill) left it mounted; after a failure, the names as before.
fn left_behind(
    sc: &Scenario,
    fault: Fault,
    seen: &Observed,
    before: &[String],
) -> Result<(), String> {
    let killed = matches!(fault, Fault::Kill);
    for (name, kind) in entries() {
        let plain_ok = killed || sc.may_leave_plain;
        match kind {
            Kind::Namespace => {}
            Kind::Plain if plain_ok => {}
            other => return Err(format!("left {name} as {other:?}")),
        }
    }
    mounted_once()?;
    let (run_dir, _) = run_dir_mounts();
    if run_dir.len() > 1 {
        return Err(format!("the run dir is mounted {} times", run_dir.len()));
    }
    if !killed && run_dir.len() == 1 {
        own_group(sc)?;
    }
    let mut names: Vec<String> = entries().into_iter().map(|(name, _)| name).collect();
    names.sort();
    let done: Vec<String> = sc.names.iter().map(|n| n.to_string()).collect();
    let fine = match seen.status {
        Status::Code(0) => names == sorted(done),
        _ if killed => true,
        // Partly done: what is done is the work's, and what is not is as it was.
        _ if sc.each => names.iter().all(|n| before.contains(n) || done.contains(n)),
        _ => names == sorted(before.to_vec()),
    };
    if fine { Ok(()) } else { Err(format!("left the names {names:?} (before: {before:?})")) }
}

/// After the next run: the scenario's names, each a namespace mounted once, the work done,
/// and the run directory a shared mount in a group of its own.
fn settled(sc: &Scenario, sb: &Sandbox) -> Result<(), String> {
    let names: Vec<(String, Kind)> = entries();
    let want: Vec<(String, Kind)> =
        sorted(sc.names.iter().map(|n| (n.to_string(), Kind::Namespace)).collect());
    if sorted(names.clone()) != want {
        return Err(format!("afterwards the run dir holds {names:?}, expected {want:?}"));
    }
    mounted_once()?;
    if sc.done.is_some() && !sc.is_done(sb) {
        return Err("afterwards the work is not done".into());
    }
    let (run_dir, _) = run_dir_mounts();
    if run_dir.len() != 1 {
        return Err(format!("afterwards the run dir is mounted {} times", run_dir.len()));
    }
    own_group(sc)
}

fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Namespace,
    Plain,
    Other,
}

/// The run directory's entries, and what each is.
fn entries() -> Vec<(String, Kind)> {
    let Ok(dir) = fs::read_dir(RUN) else { return Vec::new() };
    dir.filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .map(|name| {
            let kind = entry_kind(&name).unwrap_or(Kind::Other);
            (name, kind)
        })
        .collect()
}

fn entry_kind(name: &str) -> Option<Kind> {
    let path = path_in_run(name);
    let nsfs = fs::metadata("/proc/thread-self/ns/net").ok()?.dev();
    let file = fs::symlink_metadata(&path).ok()?;
    Some(match fs::metadata(&path) {
        Ok(m) if m.dev() == nsfs => Kind::Namespace,
        _ if file.file_type().is_file() || file.file_type().is_fifo() => Kind::Plain,
        _ => Kind::Other,
    })
}

/// Every mount under the run directory is one namespace's, and each namespace has one: a
/// second would be a copy hidden in /run, which keeps the namespace alive after `delete`.
fn mounted_once() -> Result<(), String> {
    let (_, names) = run_dir_mounts();
    let mut per_point: BTreeMap<String, usize> = BTreeMap::new();
    for point in names {
        *per_point.entry(point).or_default() += 1;
    }
    for (name, kind) in entries() {
        let n = per_point.remove(&path_in_run(&name).to_string_lossy().into_owned()).unwrap_or(0);
        let want = usize::from(kind == Kind::Namespace);
        if n != want {
            return Err(format!("{name} ({kind:?}) is mounted {n} times"));
        }
    }
    match per_point.is_empty() {
        true => Ok(()),
        false => Err(format!("mounts without an entry: {per_point:?}")),
    }
}

/// The mounts on the run directory (their optional fields), and the mount points under it.
fn run_dir_mounts() -> (Vec<Mount>, Vec<String>) {
    let all = mounts();
    let prefix = format!("{RUN}/");
    let under = all.iter().filter(|m| m.point.starts_with(&prefix)).map(|m| m.point.clone());
    let under = under.collect();
    (all.into_iter().filter(|m| m.point == RUN).collect(), under)
}

/// The run directory's one mount is shared, and (under a shared /run) not in /run's group.
fn own_group(sc: &Scenario) -> Result<(), String> {
    let all = mounts();
    let group = |point: &str| {
        all.iter().rev().find(|m| m.point == point).and_then(|m| m.peer_group().map(String::from))
    };
    match group(RUN) {
        None => Err("the run dir is not a shared mount".into()),
        Some(g) if sc.shared_run && Some(&g) == group("/run").as_ref() => {
            Err(format!("the run dir is in /run's peer group ({g})"))
        }
        Some(_) => Ok(()),
    }
}

/// Runs `cmd` to its end, for 30 s at most: then its process group is killed, and that is a
/// failure of the test.
pub fn bounded(mut cmd: Command) -> Observed {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawning {cmd:?}: {e}"));
    let pid = child.id();
    let end = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for a command") {
            break status;
        }
        if Instant::now() > end {
            let _ = sandbox::kill_group(pid, libc::SIGKILL);
            let _ = child.wait();
            panic!("{cmd:?} did not end within 30 s");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let mut out = Vec::new();
    let mut err = Vec::new();
    let _ = child.stdout.take().map(|mut o| o.read_to_end(&mut out));
    let _ = child.stderr.take().map(|mut e| e.read_to_end(&mut err));
    Observed { out: normalise(&out), err: normalise(&err), status: status.into() }
}
