//! The runner: which program is under test, a sandbox to run it in, setup steps, checks, and the
//! table driver that runs a case against the subject and, where iproute2 is installed, against
//! `ip netns` in a fresh sandbox with the same setup, comparing the two.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::kernel::{self, Link};
use crate::sandbox;
use crate::skips::{self, IPROUTE2};

/// Where namespaces live on this machine. Our build says /var/run/netns, Debian's ip /run/netns;
/// /var/run is a symlink to /run here, so both are this directory.
pub const RUN: &str = "/run/netns";
/// Scratch directory inside the sandbox tmpfs: the working directory of every spawned command
/// (so a batch file "F" is reported as `F:N`, as in the spec).
pub const WORK: &str = "/run/work";
/// Our binary inside each sandbox, bound there from wherever the checkout is: every user can
/// run it from here (a checkout under root's 0700 home is out of nobody's reach), and neither
/// a checkout under /run (covered by the sandbox's tmpfs) nor spaces in its path matter.
pub const BIN: &str = "/run/bin/netns";
/// A symlink named `ip` to it.
const IP_LINK: &str = "/run/bin/ip";

/// Which program plays "ours".
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Subject {
    /// Our binary (see `our_binary` and `BIN`).
    Ours,
    /// Debian's iproute2 (`ip netns ...`): validates the suite's expectations.
    Iproute2,
}

impl Subject {
    /// The subject chosen by NETNS_TEST_SUBJECT (unset or `ours`: our binary; `iproute2`).
    pub fn main() -> Subject {
        match std::env::var("NETNS_TEST_SUBJECT").as_deref() {
            Err(_) | Ok("") | Ok("ours") => Subject::Ours,
            Ok("iproute2") => {
                assert!(
                    IPROUTE2.path().is_some(),
                    "NETNS_TEST_SUBJECT=iproute2 but no /sbin/ip or /usr/sbin/ip"
                );
                Subject::Iproute2
            }
            Ok(other) => panic!("NETNS_TEST_SUBJECT={other:?}: expected `ours` or `iproute2`"),
        }
    }
}

/// The binary under test: NETNS_TEST_BIN when set (another build of the same source, such as
/// `make tiny`'s), else the one cargo built for this test run.
fn our_binary() -> &'static str {
    static BIN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    BIN.get_or_init(|| match std::env::var("NETNS_TEST_BIN") {
        Ok(path) if !path.is_empty() => {
            let path =
                fs::canonicalize(&path).unwrap_or_else(|e| panic!("NETNS_TEST_BIN={path:?}: {e}"));
            path.to_string_lossy().into_owned()
        }
        _ => env!("CARGO_BIN_EXE_netns").to_string(),
    })
}

/// Under which name the subject is invoked. Argument vectors are always written in iproute2's
/// form (`-j netns list`); under the name `netns` the first `netns` word is dropped
/// (`netns -j list`), under the name `ip` they are used verbatim.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Via {
    Netns,
    Ip,
}

/// An exit status as a user's shell sees it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status {
    Code(i32),
    Signal(i32),
}

impl From<ExitStatus> for Status {
    fn from(s: ExitStatus) -> Status {
        match (s.code(), s.signal()) {
            (Some(c), _) => Status::Code(c),
            (None, Some(sig)) => Status::Signal(sig),
            (None, None) => unreachable!("an exit status is either a code or a signal"),
        }
    }
}

/// What one run showed the user, with our run-dir prefix normalised (see `normalise`).
#[derive(Clone, PartialEq, Eq)]
pub struct Observed {
    pub out: Vec<u8>,
    pub err: Vec<u8>,
    pub status: Status,
}

impl std::fmt::Debug for Observed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "status {:?}, stdout {:?}, stderr {:?}",
            self.status,
            String::from_utf8_lossy(&self.out),
            String::from_utf8_lossy(&self.err)
        )
    }
}

/// Our messages say /var/run/netns (our build-time run dir) where Debian's ip says /run/netns
/// (its build-time run dir); both are the same directory on this machine (/var/run -> /run).
/// To compare our text with iproute2's, ours gets that one prefix rewritten. For iproute2 the
/// rewrite is the identity (its text never contains /var/run/netns).
pub fn normalise(bytes: &[u8]) -> Vec<u8> {
    let (from, to) = (b"/var/run/netns".as_slice(), b"/run/netns".as_slice());
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while !rest.is_empty() {
        if rest.starts_with(from) {
            out.extend_from_slice(to);
            rest = &rest[from.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out
}

impl Observed {
    pub fn from_output(o: std::process::Output) -> Observed {
        Observed { out: normalise(&o.stdout), err: normalise(&o.stderr), status: o.status.into() }
    }
    /// What a successful command that prints nothing shows: nothing, and status 0.
    pub fn quiet_success() -> Observed {
        Observed { out: vec![], err: vec![], status: Status::Code(0) }
    }

    /// Whether the program panicked: under panic=abort (our release build) it dies of SIGABRT;
    /// every build prints a "panicked at" line first.
    pub fn panicked(&self) -> bool {
        self.status == Status::Signal(libc::SIGABRT) || self.err_str().contains("panicked")
    }

    pub fn out_str(&self) -> String {
        String::from_utf8_lossy(&self.out).into_owned()
    }
    pub fn err_str(&self) -> String {
        String::from_utf8_lossy(&self.err).into_owned()
    }
}

// ---------------------------------------------------------------------------------------------
// The sandbox

/// One sandbox: a thread in private mount and network namespaces with a tmpfs on /run.
/// Everything it spawns is killed when it is dropped.
pub struct Sandbox {
    pub subject: Subject,
    children: Vec<Child>,
    /// Unnamed peer namespaces, kept alive by their descriptors.
    peers: Vec<fs::File>,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The longest one command a test runs may take: a hang fails the test, naming the command.
pub const COMMAND_LIMIT: Duration = Duration::from_secs(30);
/// The longest one sandbox may live. A test thread cannot be abandoned, so past this the whole
/// run stops, naming the test: a hang outside a command (which COMMAND_LIMIT bounds) must not
/// wait for the Makefile's bound on the test binary.
const SANDBOX_LIMIT: Duration = Duration::from_secs(300);

/// Runs `f` in a fresh sandbox on a new thread (named as the test), for `subject`. `etc`: give
/// the sandbox an /etc of its own, with an empty /etc/netns to write to. Panics in `f`
/// propagate to the caller.
pub fn in_sandbox<T: Send>(
    subject: Subject,
    etc: bool,
    f: impl FnOnce(&mut Sandbox) -> T + Send,
) -> T {
    skips::summarise_at_exit();
    let test = std::thread::current().name().unwrap_or("a test").to_string();
    let _watchdog = watchdog(test.clone());
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new().name(test).spawn_scoped(scope, || {
            let bin = sandbox::enter(Path::new(our_binary()))
                .unwrap_or_else(|e| panic!("cannot build the test sandbox: {e}"));
            if etc {
                sandbox::private_etc()
                    .unwrap_or_else(|e| panic!("giving the sandbox an /etc of its own: {e}"));
            }
            fs::create_dir_all(WORK).expect("creating /run/work in the sandbox");
            fs::create_dir_all("/run/bin").expect("creating /run/bin in the sandbox");
            sandbox::empty_file(Path::new(BIN)).expect("creating the binary's mount point");
            let source = Path::new("/proc/self/fd").join(bin.as_raw_fd().to_string());
            sandbox::bind(&source, Path::new(BIN)).expect("binding the binary under test");
            std::os::unix::fs::symlink(BIN, IP_LINK).expect("creating the `ip` symlink");
            let mut sb = Sandbox { subject, children: Vec::new(), peers: Vec::new() };
            f(&mut sb)
        });
        let handle = handle.expect("starting the sandbox thread");
        match handle.join() {
            Ok(v) => v,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// Stops the run if the returned sender is not dropped within SANDBOX_LIMIT.
fn watchdog(test: String) -> mpsc::Sender<()> {
    let (done, wait) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        if wait.recv_timeout(SANDBOX_LIMIT) == Err(mpsc::RecvTimeoutError::Timeout) {
            // Straight to stderr: libtest would keep a captured eprintln! for a report that the
            // exit below never prints.
            let _ = writeln!(
                std::io::stderr(),
                "test {test}: its sandbox is still running after {SANDBOX_LIMIT:?}; stopping the run"
            );
            std::process::exit(1);
        }
    });
    done
}

/// Waits for `child` and collects its piped stdout and stderr, for at most COMMAND_LIMIT: past
/// it the child is killed, with its process group if it leads one (see `run_bounded`), and the
/// test fails, naming `what`.
pub fn finish(mut child: Child, what: &str) -> Output {
    let end = Instant::now() + COMMAND_LIMIT;
    let out = child.stdout.take().map(read_all);
    let err = child.stderr.take().map(read_all);
    // The pipes close when the child ends, so this wait costs nothing in the common case.
    let mut collect = |pipe: Option<mpsc::Receiver<Vec<u8>>>| {
        let Some(pipe) = pipe else { return Vec::new() };
        let left = end.saturating_duration_since(Instant::now());
        let open = "(or what it started) still held its output open";
        pipe.recv_timeout(left).unwrap_or_else(|_| give_up(&mut child, what, open))
    };
    let (stdout, stderr) = (collect(out), collect(err));
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < end => std::thread::sleep(Duration::from_millis(1)),
            Ok(None) => give_up(&mut child, what, "was still running"),
            Err(e) => panic!("waiting for `{what}`: {e}"),
        }
    };
    Output { status, stdout, stderr }
}

fn give_up(child: &mut Child, what: &str, why: &str) -> ! {
    // Not yet reaped, the child's pid cannot name anybody else's process group.
    let _ = sandbox::kill_group(child.id(), libc::SIGKILL);
    let _ = child.kill();
    let _ = child.wait();
    panic!("`{what}` {why} after {COMMAND_LIMIT:?}: killed")
}

/// Reads `pipe` to its end on a thread of its own.
fn read_all(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = tx.send(bytes);
    });
    rx
}

/// Spawns `cmd` as the leader of a new process group (what it leaves behind when it hangs is
/// killed with it) and waits for it as `finish` does.
pub fn run_bounded(cmd: &mut Command) -> Output {
    cmd.process_group(0);
    let what = format!("{cmd:?}");
    finish(cmd.spawn().unwrap_or_else(|e| panic!("spawning {what}: {e}")), &what)
}

/// Polls `cond` until it holds, for at most `limit`; false if it never did.
pub fn wait_until(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + limit;
    loop {
        if cond() {
            return true;
        }
        if Instant::now() > end {
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The entries of the run directory in the order it lists them (none if it is missing): the
/// order `list`, `-all exec` and `identify` walk it in, as ip does.
pub fn dir_order() -> Vec<String> {
    let Ok(entries) = fs::read_dir(RUN) else { return Vec::new() };
    entries.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect()
}

/// The texts of these entries (name, text) in the order `dir` lists the names; an error names
/// an entry `dir` lacks.
pub fn ordered<'a>(
    entries: &'a [(impl AsRef<str>, impl AsRef<str>)],
    dir: &[String],
) -> Result<Vec<&'a str>, String> {
    let name = |(n, _): &'a (_, _)| AsRef::<str>::as_ref(n);
    if let Some(missing) = entries.iter().map(name).find(|n| !dir.iter().any(|d| d == n)) {
        return Err(format!("{missing:?} was expected, but {RUN} holds {dir:?}"));
    }
    let text = |d: &String| entries.iter().find(|e| name(e) == d).map(|(_, t)| t.as_ref());
    Ok(dir.iter().filter_map(text).collect())
}

/// The texts of these entries (name, text), concatenated in the run directory's order.
pub fn in_order(entries: &[(&str, &str)]) -> String {
    ordered(entries, &dir_order()).unwrap_or_else(|e| panic!("{e}")).concat()
}

pub fn path_in_run(name: &str) -> PathBuf {
    Path::new(RUN).join(name)
}

impl Sandbox {
    /// The program and leading arguments that invoke the subject under `via` for `argv`
    /// (iproute2 form).
    pub fn command_line(&self, via: Via, argv: &[OsString]) -> (OsString, Vec<OsString>) {
        match (self.subject, via) {
            (Subject::Ours, Via::Netns) => {
                let mut args = argv.to_vec();
                if let Some(i) = args.iter().position(|a| a == "netns") {
                    args.remove(i);
                }
                (BIN.into(), args)
            }
            (Subject::Ours, Via::Ip) => (IP_LINK.into(), argv.to_vec()),
            (Subject::Iproute2, _) => {
                (IPROUTE2.path().expect("iproute2 is installed").into(), argv.to_vec())
            }
        }
    }

    /// The subject's `netns` command as a shell word list, for scripts: `$NETNS list`.
    pub fn netns_words(&self) -> String {
        match self.subject {
            Subject::Ours => BIN.to_string(),
            Subject::Iproute2 => {
                format!("{} netns", IPROUTE2.path().expect("iproute2 is installed"))
            }
        }
    }

    /// A ready Command: `pre` words (e.g. `env -i`), then the subject under `via` with `argv`.
    /// Working directory /run/work; $NETNS holds the subject's netns command for scripts.
    pub fn command(&self, pre: &[&str], via: Via, argv: &[OsString]) -> Command {
        let (program, args) = self.command_line(via, argv);
        let mut cmd = match pre.split_first() {
            Some((first, rest)) => {
                let mut c = Command::new(first);
                c.args(rest).arg(program);
                c
            }
            None => Command::new(program),
        };
        cmd.args(args).current_dir(WORK).env("NETNS", self.netns_words());
        cmd
    }

    /// Runs the subject to completion with `stdin` (empty when None) and returns what it showed.
    pub fn run_with(
        &self,
        pre: &[&str],
        via: Via,
        argv: &[OsString],
        stdin: Option<&[u8]>,
    ) -> Observed {
        self.output(self.command(pre, via, argv), stdin)
    }

    /// Runs `cmd` to completion (see `finish`) with `stdin` (empty when None) and returns what
    /// it showed.
    pub fn output(&self, mut cmd: Command, stdin: Option<&[u8]>) -> Observed {
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
        let what = format!("{cmd:?}");
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawning {what}: {e}"));
        let mut input = child.stdin.take().expect("piped stdin");
        let data = stdin.unwrap_or_default().to_vec();
        // A thread of its own: a child that never reads its stdin must not block us here.
        std::thread::spawn(move || {
            let _ = input.write_all(&data);
        });
        Observed::from_output(finish(child, &what))
    }

    /// `netns ARGS` (iproute2 form, see `Via`).
    pub fn run(&self, argv: &[&str]) -> Observed {
        self.run_with(&[], Via::Netns, &os(argv), None)
    }

    /// Runs the subject and insists on success: a setup step.
    pub fn ok(&self, argv: &[&str]) {
        let o = self.run(argv);
        assert!(o.status == Status::Code(0), "setup step `{}` failed: {o:?}", argv.join(" "));
    }

    /// `sh -c SCRIPT` (with $NETNS set) as nobody, root of a user namespace of its own and of
    /// a private mount namespace, with a tmpfs of that user namespace's own on the run
    /// directory (the binary under test lives elsewhere in /run), where its root may create
    /// names. Ready to run with `output`.
    pub fn as_nobody_in_a_user_namespace(&self, script: &str) -> Command {
        self.run_dir();
        let script = format!("mount -t tmpfs tmpfs /run/netns && {script}");
        let mut cmd = Command::new("unshare");
        cmd.args(["-Urm", "--propagation", "private", "sh", "-c", &script])
            .env("NETNS", self.netns_words())
            .current_dir("/")
            .uid(65534)
            .gid(65534);
        cmd
    }

    /// Runs `sh -c SCRIPT` (with $NETNS set) and returns what it showed.
    pub fn sh(&self, script: &str) -> Observed {
        let mut cmd = Command::new("sh");
        cmd.arg("-c").arg(script).current_dir(WORK).env("NETNS", self.netns_words());
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        Observed::from_output(run_bounded(&mut cmd))
    }

    /// Keeps a spawned long-running process so it is killed with the sandbox.
    pub fn keep(&mut self, child: Child) -> &mut Child {
        self.children.push(child);
        self.children.last_mut().expect("just pushed")
    }

    /// Stops a kept child with `signal` and returns how it ended.
    pub fn stop(&mut self, pid: u32, signal: libc::c_int) -> Status {
        let i = self.children.iter().position(|c| c.id() == pid).expect("a kept child");
        let child = self.children.remove(i);
        sandbox::kill(pid, signal).expect("signalling a child");
        finish(child, &format!("kept child {pid}, sent signal {signal}")).status.into()
    }

    // ---- setup made by the harness itself, independent of the program under test ----

    pub fn run_dir(&self) {
        fs::create_dir_all(RUN).expect("creating /run/netns");
    }

    /// A named network namespace at /run/netns/NAME, made the way `ip netns add` makes it.
    pub fn ns(&self, name: &str) {
        self.ns_bytes(name.as_bytes())
    }

    pub fn ns_bytes(&self, name: &[u8]) {
        self.run_dir();
        let path = Path::new(RUN).join(OsStr::from_bytes(name));
        sandbox::empty_file(&path).unwrap_or_else(|e| panic!("creating {path:?}: {e}"));
        sandbox::bind_new_netns(&path)
            .unwrap_or_else(|e| panic!("binding a new netns on {path:?}: {e}"));
    }

    fn open_ns(&self, name: &str) -> fs::File {
        fs::File::open(path_in_run(name))
            .unwrap_or_else(|e| panic!("opening namespace {name}: {e}"))
    }

    /// Gives namespace `name` the nsid `id`, seen from namespace `inside` (None: the sandbox's).
    pub fn nsid(&self, inside: Option<&str>, name: &str, id: i32) {
        let peer = self.open_ns(name);
        let set = || sandbox::set_nsid(&peer, id);
        let r = match inside {
            None => set(),
            Some(ns) => sandbox::in_netns(&self.open_ns(ns), set).expect("switching netns"),
        };
        r.unwrap_or_else(|e| panic!("setting nsid {id} for {name}: {e}"));
    }

    /// An unnamed peer namespace with nsid `id` in the sandbox's namespace.
    pub fn unnamed_peer(&mut self, id: i32) {
        let peer = sandbox::new_netns().expect("creating an unnamed netns");
        sandbox::set_nsid(&peer, id)
            .unwrap_or_else(|e| panic!("setting nsid {id} for a peer: {e}"));
        self.peers.push(peer);
    }

    /// Starts `sleep` inside namespace `name` (spawned from the thread switched into it);
    /// returns its pid. Killed with the sandbox.
    pub fn sleeper(&mut self, name: &str) -> u32 {
        let ns = self.open_ns(name);
        let child = sandbox::in_netns(&ns, || {
            Command::new("sleep").arg("1000").stdin(Stdio::null()).spawn()
        })
        .expect("switching netns")
        .expect("spawning sleep");
        let pid = child.id();
        self.keep(child);
        pid
    }

    /// The links of namespace `ns` (None: the sandbox's own) as the kernel holds them, sorted
    /// by name (see `kernel::links`).
    pub fn links(&self, ns: Option<&str>) -> Vec<Link> {
        match ns {
            None => kernel::links(),
            Some(ns) => sandbox::in_netns(&self.open_ns(ns), kernel::links)
                .unwrap_or_else(|e| panic!("switching into {ns}: {e}")),
        }
    }

    /// Link `name` of namespace `ns` (None: the sandbox's own), as the kernel holds it.
    pub fn link(&self, ns: Option<&str>, name: &str) -> Link {
        let links = self.links(ns);
        let names: Vec<&str> = links.iter().map(|l| l.name.as_str()).collect();
        let Some(link) = links.iter().find(|l| l.name == name) else {
            panic!("no link {name} in {}; it holds {names:?}", ns.unwrap_or("the sandbox"))
        };
        link.clone()
    }

    /// The names of the links of namespace `ns` (None: the sandbox's own), sorted.
    pub fn link_names(&self, ns: Option<&str>) -> Vec<String> {
        self.links(ns).into_iter().map(|l| l.name).collect()
    }

    /// The inode number of `path` (after following links): identifies a namespace.
    pub fn inode(&self, path: &str) -> u64 {
        fs::metadata(path).unwrap_or_else(|e| panic!("stat {path}: {e}")).ino()
    }
}

/// Arguments as OsStrings.
pub fn os(argv: &[&str]) -> Vec<OsString> {
    argv.iter().map(OsString::from).collect()
}

pub fn os_bytes(argv: &[&[u8]]) -> Vec<OsString> {
    argv.iter().map(|a| OsString::from_vec(a.to_vec())).collect()
}

/// The mounts of the calling (sandbox) thread.
pub fn mounts() -> Vec<Mount> {
    parse_mountinfo(&fs::read_to_string("/proc/thread-self/mountinfo").expect("reading mountinfo"))
}

/// Parses /proc/PID/mountinfo text.
pub fn parse_mountinfo(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|line| {
            let (left, right) = line.split_once(" - ")?;
            let f: Vec<&str> = left.split(' ').collect();
            let r: Vec<&str> = right.split(' ').collect();
            Some(Mount {
                point: unescape_octal(f.get(4)?),
                optional: f.get(6..).unwrap_or_default().join(" "),
                fstype: r.first()?.to_string(),
                source: r.get(1).map(|s| unescape_octal(s)).unwrap_or_default(),
            })
        })
        .collect()
}

#[derive(Debug, Clone)]
pub struct Mount {
    pub point: String,
    pub optional: String,
    pub fstype: String,
    pub source: String,
}

impl Mount {
    /// The peer group of a shared mount (`shared:N`), if any.
    pub fn peer_group(&self) -> Option<&str> {
        self.optional.split(' ').find_map(|o| o.strip_prefix("shared:"))
    }
}

fn unescape_octal(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\'
            && i + 3 < b.len()
            && b[i + 1..i + 4].iter().all(|c| (b'0'..=b'7').contains(c))
        {
            out.push((b[i + 1] - b'0') * 64 + (b[i + 2] - b'0') * 8 + (b[i + 3] - b'0'));
            i += 4;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads lines from `reader` on a thread; `next_line` waits for one with a deadline.
pub struct Lines {
    rx: std::sync::mpsc::Receiver<String>,
}

impl Lines {
    pub fn new(mut reader: impl Read + Send + 'static) -> Lines {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            while let Ok(n) = reader.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
                while let Some(i) = buf.iter().position(|&c| c == b'\n') {
                    let line: Vec<u8> = buf.drain(..=i).collect();
                    if tx.send(String::from_utf8_lossy(&line[..i]).into_owned()).is_err() {
                        return;
                    }
                }
            }
        });
        Lines { rx }
    }

    pub fn next_line(&self, limit: Duration) -> Option<String> {
        self.rx.recv_timeout(limit).ok()
    }
}
