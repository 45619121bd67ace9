//! The runner: which program is under test, a sandbox to run it in, setup steps, checks, and the
//! table driver that runs a case against the subject and, where iproute2 is installed, against
//! `ip netns` in a fresh sandbox with the same setup, comparing the two.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::sandbox;

/// Where namespaces live on this machine. Our build says /var/run/netns, Debian's ip /run/netns;
/// /var/run is a symlink to /run here, so both are this directory.
pub const RUN: &str = "/run/netns";
/// Scratch directory inside the sandbox tmpfs: the working directory of every spawned command
/// (so a batch file "F" is reported as `F:N`, as in the spec).
pub const WORK: &str = "/run/work";
/// A symlink named `ip` to our binary, made inside each sandbox.
const IP_LINK: &str = "/run/bin/ip";

/// Which program plays "ours".
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Subject {
    /// Our binary (see `our_binary`).
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
                    iproute2().is_some(),
                    "NETNS_TEST_SUBJECT=iproute2 but no /sbin/ip or /usr/sbin/ip"
                );
                Subject::Iproute2
            }
            Ok(other) => panic!("NETNS_TEST_SUBJECT={other:?}: expected `ours` or `iproute2`"),
        }
    }
}

/// Debian's `ip`, if installed.
pub fn iproute2() -> Option<&'static str> {
    ["/sbin/ip", "/usr/sbin/ip", "/bin/ip"].into_iter().find(|p| Path::new(p).exists())
}

/// The binary under test: NETNS_TEST_BIN when set (another build of the same source, such as
/// `make tiny`'s), else the one cargo built for this test run.
pub fn our_binary() -> &'static str {
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

    pub fn out_str(&self) -> String {
        String::from_utf8_lossy(&self.out).into_owned()
    }
    pub fn err_str(&self) -> String {
        String::from_utf8_lossy(&self.err).into_owned()
    }
}

// ---------------------------------------------------------------------------------------------
// The sandbox

/// Serialises the creation and removal of the host's (otherwise absent) /etc/netns directory,
/// which tests need as a mount point for a private tmpfs; counts its users.
static ETC_USERS: Mutex<(usize, bool)> = Mutex::new((0, false));
const ETC_NETNS: &str = "/etc/netns";

/// Holds the host's /etc/netns directory while a sandbox mounts a private tmpfs on it; the last
/// holder removes the directory again if the suite created it.
struct EtcGuard;

impl EtcGuard {
    fn take() -> EtcGuard {
        let mut users = ETC_USERS.lock().unwrap_or_else(|p| p.into_inner());
        if users.0 == 0 && !Path::new(ETC_NETNS).exists() {
            fs::create_dir(ETC_NETNS).expect("creating the mount point /etc/netns on the host");
            users.1 = true;
        }
        users.0 += 1;
        EtcGuard
    }
}

impl Drop for EtcGuard {
    fn drop(&mut self) {
        let mut users = ETC_USERS.lock().unwrap_or_else(|p| p.into_inner());
        users.0 -= 1;
        if users.0 == 0 && users.1 {
            // Only the empty mount point we made; every sandbox's tmpfs on it is gone by now.
            let _ = fs::remove_dir(ETC_NETNS);
            users.1 = false;
        }
    }
}

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

/// Runs `f` in a fresh sandbox on a new thread, for `subject`. `etc`: mount a private tmpfs on
/// /etc/netns. Panics in `f` propagate to the caller.
pub fn in_sandbox<T: Send>(
    subject: Subject,
    etc: bool,
    f: impl FnOnce(&mut Sandbox) -> T + Send,
) -> T {
    let _etc = etc.then(EtcGuard::take);
    std::thread::scope(|scope| {
        let handle = scope.spawn(|| {
            if let Err(e) = sandbox::enter() {
                panic!("cannot build the test sandbox: {e}");
            }
            if etc {
                sandbox::mount(Some("tmpfs"), ETC_NETNS, Some("tmpfs"), 0, Some("mode=0755"))
                    .expect("mounting a private tmpfs on /etc/netns");
            }
            fs::create_dir_all(WORK).expect("creating /run/work in the sandbox");
            fs::create_dir_all("/run/bin").expect("creating /run/bin in the sandbox");
            std::os::unix::fs::symlink(our_binary(), IP_LINK).expect("creating the `ip` symlink");
            let mut sb = Sandbox { subject, children: Vec::new(), peers: Vec::new() };
            f(&mut sb)
        });
        match handle.join() {
            Ok(v) => v,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
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
                (our_binary().into(), args)
            }
            (Subject::Ours, Via::Ip) => (IP_LINK.into(), argv.to_vec()),
            (Subject::Iproute2, _) => {
                (iproute2().expect("iproute2 is installed").into(), argv.to_vec())
            }
        }
    }

    /// The subject's `netns` command as a shell word list, for scripts: `$NETNS list`.
    pub fn netns_words(&self) -> String {
        match self.subject {
            Subject::Ours => our_binary().to_string(),
            Subject::Iproute2 => format!("{} netns", iproute2().expect("iproute2 is installed")),
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

    /// Runs `cmd` to completion with `stdin` (empty when None) and returns what it showed.
    pub fn output(&self, mut cmd: Command, stdin: Option<&[u8]>) -> Observed {
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawning {cmd:?}: {e}"));
        let mut input = child.stdin.take().expect("piped stdin");
        let data = stdin.unwrap_or_default().to_vec();
        let feeder = std::thread::spawn(move || {
            let _ = input.write_all(&data);
        });
        let output = child.wait_with_output().expect("waiting for the subject");
        let _ = feeder.join();
        Observed::from_output(output)
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

    /// Runs `sh -c SCRIPT` (with $NETNS set) and returns what it showed.
    pub fn sh(&self, script: &str) -> Observed {
        let o = Command::new("sh")
            .arg("-c")
            .arg(script)
            .current_dir(WORK)
            .env("NETNS", self.netns_words())
            .stdin(Stdio::null())
            .output()
            .expect("running sh");
        Observed::from_output(o)
    }

    /// Keeps a spawned long-running process so it is killed with the sandbox.
    pub fn keep(&mut self, child: Child) -> &mut Child {
        self.children.push(child);
        self.children.last_mut().expect("just pushed")
    }

    /// Stops a kept child with `signal` and returns how it ended.
    pub fn stop(&mut self, pid: u32, signal: libc::c_int) -> Status {
        let i = self.children.iter().position(|c| c.id() == pid).expect("a kept child");
        let mut child = self.children.remove(i);
        sandbox::kill(pid, signal).expect("signalling a child");
        child.wait().expect("waiting for a child").into()
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
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("creating {path:?}: {e}"));
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
