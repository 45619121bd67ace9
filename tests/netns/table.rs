//! Declarative cases: setup steps, the command line, expected stdout, stderr and status, checks
//! afterwards, and how the case compares with iproute2; plus `scenario` for tests written as code.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use crate::harness::*;
use crate::sandbox;
use crate::skips::{IPROUTE2, Reason, Tool, skip};

/// An expectation on stdout or stderr.
#[derive(Clone, Debug)]
pub enum Text {
    /// These exact bytes.
    Is(String),
    /// Exactly one line, no panic message: for errors whose wording we don't pin.
    OneLine,
    /// Contains this.
    Has(String),
    /// Not checked (e.g. compared with iproute2 instead).
    Any,
    /// These pieces, some of them one text per run-directory entry in directory order: what
    /// list, -all exec and the like print, since they walk the directory as ip does.
    Listing(Vec<Part>),
}

pub use Text::OneLine;

/// A piece of a `Text::Listing`.
#[derive(Clone, Debug)]
pub enum Part {
    Fixed(String),
    /// A text for each of these entries (name, text), in the order the run directory lists
    /// them (on tmpfs, newest first), joined by a separator.
    Each(Vec<(String, String)>, &'static str),
    /// The text of whichever of these entries the run directory lists first.
    First(Vec<(String, String)>),
}

pub fn listing(parts: Vec<Part>) -> Text {
    Text::Listing(parts)
}

pub fn fixed(text: &str) -> Part {
    Part::Fixed(text.to_string())
}

pub fn each(entries: &[(&str, &str)], separator: &'static str) -> Part {
    Part::Each(entries.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect(), separator)
}

/// A text per entry, in directory order.
pub fn in_dir_order(entries: &[(&str, &str)]) -> Text {
    listing(vec![each(entries, "")])
}

/// What plain `list` prints of these names: one a line, in directory order.
pub fn names(names: &[&str]) -> Text {
    let lines: Vec<(&str, String)> = names.iter().map(|n| (*n, format!("{n}\n"))).collect();
    let lines: Vec<(&str, &str)> = lines.iter().map(|(n, l)| (*n, l.as_str())).collect();
    in_dir_order(&lines)
}

/// A JSON array of these entries' objects, in directory order.
pub fn json_in_dir_order(objects: &[(&str, &str)]) -> Text {
    listing(vec![fixed("["), each(objects, ","), fixed("]\n")])
}

/// `text` for each namespace in directory order, with `{}` standing for its name: what
/// `-all exec` prints.
pub fn for_each_ns(names: &[&str], text: &str) -> Text {
    listing(vec![each_ns(names, text)])
}

pub fn each_ns(names: &[&str], text: &str) -> Part {
    Part::Each(per_ns(names, text), "")
}

/// `text` for whichever of these namespaces the directory lists first.
pub fn first_ns(names: &[&str], text: &str) -> Text {
    listing(vec![Part::First(per_ns(names, text))])
}

fn per_ns(names: &[&str], text: &str) -> Vec<(String, String)> {
    names.iter().map(|n| (n.to_string(), text.replace("{}", n))).collect()
}

impl Part {
    /// The text, given the run directory's entries in the order it lists them.
    fn render(&self, dir: &[String]) -> Result<String, String> {
        match self {
            Part::Fixed(text) => Ok(text.clone()),
            Part::Each(entries, separator) => Ok(ordered(entries, dir)?.join(separator)),
            Part::First(entries) => {
                Ok(ordered(entries, dir)?.first().copied().unwrap_or("").into())
            }
        }
    }
}

/// Output that contains `part`.
pub fn has(part: &str) -> Text {
    Text::Has(part.to_string())
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::Is(s.to_string())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::Is(s)
    }
}

impl Text {
    /// Checks `got` against the expectation; `dir`: the run directory's entries in order.
    fn check(&self, what: &str, got: &[u8], dir: &[String]) -> Result<(), String> {
        if let Text::Listing(parts) = self {
            let want: Result<String, String> = parts.iter().map(|p| p.render(dir)).collect();
            let want = want.map_err(|e| format!("{what}: {e}"))?;
            return Text::Is(want).check(what, got, dir);
        }
        let s = String::from_utf8_lossy(got);
        let ok = match self {
            Text::Is(want) => got == want.as_bytes(),
            Text::OneLine => {
                s.ends_with('\n') && s.matches('\n').count() == 1 && !s.contains("panicked")
            }
            Text::Has(part) => s.contains(part.as_str()),
            Text::Any | Text::Listing(_) => true,
        };
        if ok { Ok(()) } else { Err(format!("{what}: expected {self:?}, got {s:?}")) }
    }
}

/// Setup made before the command under test runs.
#[derive(Clone, Copy, Debug)]
pub enum Step {
    /// An empty /run/netns.
    RunDir,
    /// /run/netns is a regular file.
    RunDirIsFile,
    /// A named namespace, made by the harness.
    Ns(&'static str),
    /// nsid of a namespace in the sandbox's namespace.
    Id(&'static str, i32),
    /// (inside, name, id): nsid of `name` as seen from inside namespace `inside`.
    IdIn(&'static str, &'static str, i32),
    /// An unnamed peer namespace with this nsid.
    Peer(i32),
    /// A regular (non-namespace) file in /run/netns.
    Plain(&'static str),
    /// A directory in /run/netns.
    Dir(&'static str),
    /// A file (path relative to /run/work, or absolute) with this content.
    File(&'static str, &'static str),
    /// A directory (absolute path).
    MkDir(&'static str),
    /// Runs the subject (`netns ARGS`, iproute2 form): must succeed.
    Sub(&'static [&'static str]),
    /// Remounts /run read-only.
    ReadOnlyRun,
    /// Remounts /run with no inode to spare: nothing new can be made there (ENOSPC).
    FullRun,
    /// A second bind mount stacked on /run/netns/NAME.
    Stack(&'static str),
    /// An empty tmpfs over /proc: /proc/self/ns/net does not exist.
    NoProc,
}

pub use Step::*;

/// A fact checked in the sandbox after the command ran.
#[derive(Clone, Debug)]
pub enum Check {
    Absent(String),
    /// The entries of /run/netns, in any order.
    Entries(Vec<String>),
    /// This path (in /run/netns) is a network namespace.
    IsNetns(String),
    /// Permission bits.
    Mode(String, u32),
}

impl Check {
    pub fn absent(path: &str) -> Check {
        Check::Absent(path.to_string())
    }
    pub fn entries(names: &[&str]) -> Check {
        Check::Entries(names.iter().map(|n| n.to_string()).collect())
    }
    pub fn is_netns(path: &str) -> Check {
        Check::IsNetns(path.to_string())
    }
    pub fn mode(path: &str, mode: u32) -> Check {
        Check::Mode(path.to_string(), mode)
    }

    /// Panics with the reason when the check fails.
    pub fn assert(&self) {
        if let Err(e) = self.verify() {
            panic!("{e}");
        }
    }

    fn verify(&self) -> Result<(), String> {
        match self {
            Check::Absent(p) if Path::new(p).symlink_metadata().is_err() => Ok(()),
            Check::Absent(p) => Err(format!("{p} should not exist")),
            Check::Entries(want) => {
                let mut got: Vec<String> = match fs::read_dir(RUN) {
                    Ok(rd) => rd
                        .filter_map(|e| e.ok())
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect(),
                    Err(_) => Vec::new(),
                };
                got.sort();
                let mut want = want.clone();
                want.sort();
                if got == want {
                    Ok(())
                } else {
                    Err(format!("{RUN} holds {got:?}, expected {want:?}"))
                }
            }
            Check::IsNetns(p) => {
                let nsfs = fs::metadata("/proc/thread-self/ns/net").map(|m| m.dev()).ok();
                match fs::metadata(p) {
                    Ok(m) if Some(m.dev()) == nsfs => Ok(()),
                    _ => Err(format!("{p} should be a network namespace (an nsfs bind mount)")),
                }
            }
            Check::Mode(p, mode) => match fs::metadata(p) {
                Ok(m) if m.permissions().mode() & 0o7777 == *mode => Ok(()),
                Ok(m) => Err(format!(
                    "{p} has mode {:o}, expected {mode:o}",
                    m.permissions().mode() & 0o7777
                )),
                Err(e) => Err(format!("{p}: {e}")),
            },
        }
    }
}

/// Why NETNS_TEST_SUBJECT=iproute2 skips a case.
const DIFFERS: &str = "NETNS_TEST_SUBJECT=iproute2: a deliberate difference, ours only";

/// Whether and how the case is compared with iproute2.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compare {
    /// Same stdout, stderr and status as `ip`.
    Full,
    /// Same status only (our text is our own, e.g. ip's usage).
    StatusOnly,
    /// A deliberate difference from iproute2 (reason): assert ours only; skipped when the
    /// subject is iproute2.
    Differs(&'static str),
}

/// One row of a table: setup, command line, expected stdout, stderr and status, and checks.
#[derive(Clone, Debug)]
pub struct Case {
    pub what: &'static str,
    pub setup: Vec<Step>,
    pub pre: &'static [&'static str],
    pub via: Via,
    pub argv: Vec<OsString>,
    pub stdin: Option<&'static str>,
    pub out: Text,
    pub err: Text,
    pub status: Status,
    pub after: Vec<Check>,
    pub compare: Compare,
    /// Run as this uid and gid instead of root.
    pub user: Option<u32>,
    /// A program from the system the case cannot do without (skipped if it is missing).
    pub needs: Option<&'static Tool>,
}

/// A case running `argv` (iproute2 form, e.g. `["netns", "add", "a"]`) under the name `netns`,
/// expecting empty output and status 0 until told otherwise.
pub fn case(what: &'static str, argv: &[&str]) -> Case {
    Case {
        what,
        setup: Vec::new(),
        pre: &[],
        via: Via::Netns,
        argv: os(argv),
        stdin: None,
        out: Text::Is(String::new()),
        err: Text::Is(String::new()),
        status: Status::Code(0),
        after: Vec::new(),
        compare: Compare::Full,
        user: None,
        needs: None,
    }
}

impl Case {
    pub fn given(mut self, setup: &[Step]) -> Case {
        self.setup = setup.to_vec();
        self
    }
    pub fn named_ip(mut self) -> Case {
        self.via = Via::Ip;
        self
    }
    /// Runs as the unprivileged user nobody (65534).
    pub fn unprivileged(mut self) -> Case {
        self.user = Some(65534);
        self
    }
    pub fn needs(mut self, tool: &'static Tool) -> Case {
        self.needs = Some(tool);
        self
    }
    pub fn wrapped(mut self, pre: &'static [&'static str]) -> Case {
        self.pre = pre;
        self
    }
    pub fn argv_os(mut self, argv: Vec<OsString>) -> Case {
        self.argv = argv;
        self
    }
    pub fn stdin(mut self, s: &'static str) -> Case {
        self.stdin = Some(s);
        self
    }
    pub fn out(mut self, t: impl Into<Text>) -> Case {
        self.out = t.into();
        self
    }
    pub fn err(mut self, t: impl Into<Text>) -> Case {
        self.err = t.into();
        self
    }
    pub fn code(mut self, c: i32) -> Case {
        self.status = Status::Code(c);
        self
    }
    pub fn signal(mut self, s: i32) -> Case {
        self.status = Status::Signal(s);
        self
    }
    pub fn then(mut self, checks: &[Check]) -> Case {
        self.after = checks.to_vec();
        self
    }
    pub fn compare(mut self, c: Compare) -> Case {
        self.compare = c;
        self
    }
    /// A deliberate difference from iproute2 6.1 (see the brief's list): ours only.
    pub fn differs(self, why: &'static str) -> Case {
        self.compare(Compare::Differs(why))
    }

    fn needs_etc(&self) -> bool {
        self.setup.iter().any(|s| matches!(s, File(p, _) | MkDir(p) if p.starts_with("/etc/netns")))
    }

    fn label(&self) -> String {
        let words: Vec<String> =
            self.argv.iter().map(|a| format!("{:?}", a.to_string_lossy())).collect();
        format!("{} [{}]", self.what, words.join(" "))
    }
}

/// Performs the setup steps in the current sandbox.
pub fn prepare(sb: &mut Sandbox, setup: &[Step]) {
    for step in setup {
        match *step {
            RunDir => sb.run_dir(),
            RunDirIsFile => {
                sandbox::empty_file(Path::new(RUN)).expect("making /run/netns a regular file")
            }
            Ns(name) => sb.ns(name),
            Id(name, id) => sb.nsid(None, name, id),
            IdIn(inside, name, id) => sb.nsid(Some(inside), name, id),
            Peer(id) => sb.unnamed_peer(id),
            Plain(name) => {
                sb.run_dir();
                sandbox::empty_file(&path_in_run(name))
                    .expect("creating a plain file in /run/netns");
            }
            Dir(name) => {
                sb.run_dir();
                fs::create_dir(path_in_run(name)).expect("creating a directory in /run/netns");
            }
            File(path, content) => {
                let path = Path::new(WORK).join(path);
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).expect("creating a file's directory");
                }
                fs::write(&path, content).unwrap_or_else(|e| panic!("writing {path:?}: {e}"));
            }
            MkDir(path) => {
                fs::create_dir_all(path).unwrap_or_else(|e| panic!("creating {path}: {e}"))
            }
            Sub(argv) => sb.ok(argv),
            ReadOnlyRun => {
                sandbox::mount(None, "/run", None, libc::MS_REMOUNT | libc::MS_RDONLY, None)
                    .expect("remounting /run read-only")
            }
            FullRun => {
                let used = sandbox::inodes_in_use("/run").expect("counting /run's inodes");
                let data = format!("nr_inodes={used}");
                sandbox::mount(None, "/run", None, libc::MS_REMOUNT, Some(&data))
                    .expect("remounting /run full")
            }
            Stack(name) => {
                let p = path_in_run(name);
                sandbox::mount(Some(&p.to_string_lossy()), &p, None, libc::MS_BIND, None)
                    .expect("stacking a second mount on a namespace file");
            }
            NoProc => sandbox::mount(Some("tmpfs"), "/proc", Some("tmpfs"), 0, None)
                .expect("hiding /proc under a tmpfs"),
        }
    }
}

/// Setup, command and checks of one case in a fresh sandbox for `subject`.
/// Returns what the case showed, the checks that failed, and the run directory's entries.
fn play(subject: Subject, c: &Case) -> (Observed, Vec<String>, Vec<String>) {
    in_sandbox(subject, c.needs_etc(), |sb| {
        prepare(sb, &c.setup);
        let mut cmd = sb.command(c.pre, c.via, &c.argv);
        if let Some(id) = c.user {
            std::os::unix::process::CommandExt::uid(&mut cmd, id);
            std::os::unix::process::CommandExt::gid(&mut cmd, id);
        }
        let seen = sb.output(cmd, c.stdin.map(str::as_bytes));
        let failed = c.after.iter().filter_map(|chk| chk.verify().err()).collect();
        (seen, failed, dir_order())
    })
}

fn judge(c: &Case, seen: &Observed, failed_checks: &[String], dir: &[String]) -> Vec<String> {
    let mut problems: Vec<String> = failed_checks.to_vec();
    if let Err(e) = c.out.check("stdout", &seen.out, dir) {
        problems.push(e);
    }
    if let Err(e) = c.err.check("stderr", &seen.err, dir) {
        problems.push(e);
    }
    if seen.status != c.status {
        problems.push(format!("status: expected {:?}, got {:?}", c.status, seen.status));
    }
    if seen.panicked() {
        problems.push("the program panicked".into());
    }
    problems
}

/// Runs one case for the chosen subject and, where it makes sense, against iproute2 too.
/// Returns the problems found (empty: passed).
pub fn check_case(c: &Case) -> Vec<String> {
    let subject = Subject::main();
    if let (Subject::Iproute2, Compare::Differs(why)) = (subject, c.compare) {
        skip(Reason::NotThisRun(DIFFERS.into()), &format!("{} ({why})", c.label()));
        return Vec::new();
    }
    if c.needs.is_some_and(|tool| tool.needed_for(&c.label()).is_none()) {
        return Vec::new();
    }
    let (seen, failed, dir) = play(subject, c);
    let mut problems = judge(c, &seen, &failed, &dir);
    if subject == Subject::Ours {
        problems.extend(compare_with_iproute2(c, &seen));
    }
    problems
}

fn compare_with_iproute2(c: &Case, ours: &Observed) -> Vec<String> {
    if matches!(c.compare, Compare::Differs(_)) {
        return Vec::new();
    }
    if IPROUTE2.needed_for(&format!("the comparison with iproute2 of {}", c.label())).is_none() {
        return Vec::new();
    }
    let (theirs, failed, _) = play(Subject::Iproute2, c);
    let mut problems: Vec<String> =
        failed.into_iter().map(|f| format!("under iproute2: {f}")).collect();
    let same = match c.compare {
        Compare::Full => theirs == *ours,
        Compare::StatusOnly => theirs.status == ours.status,
        Compare::Differs(_) => true,
    };
    if !same {
        problems.push(format!(
            "differs from iproute2 ({:?}):\n      ours:     {ours:?}\n      iproute2: {theirs:?}",
            c.compare
        ));
    }
    problems
}

/// Runs a table of cases and fails with every failing case listed.
pub fn run_table(cases: &[Case]) {
    let mut report = String::new();
    let mut failed = 0;
    for c in cases {
        let problems = check_case(c);
        if !problems.is_empty() {
            failed += 1;
            let _ = writeln!(report, "- {}", c.label());
            for p in problems {
                let _ = writeln!(report, "    {p}");
            }
        }
    }
    assert!(failed == 0, "{failed} of {} cases failed:\n{report}", cases.len());
}

/// For scenario tests written as code: runs `scenario` for the chosen subject and, unless the
/// scenario is a deliberate difference, for iproute2 in a fresh sandbox, and insists both saw
/// the same. The scenario asserts its own expectations and returns what it observed.
pub fn scenario<T>(
    compare: Compare,
    etc: bool,
    scenario: impl Fn(&mut Sandbox) -> T + Sync,
) -> Option<T>
where
    T: PartialEq + std::fmt::Debug + Send,
{
    let subject = Subject::main();
    if let (Subject::Iproute2, Compare::Differs(why)) = (subject, compare) {
        skip(Reason::NotThisRun(DIFFERS.into()), &format!("the scenario ({why})"));
        return None;
    }
    let ours = in_sandbox(subject, etc, &scenario);
    if subject == Subject::Ours
        && compare == Compare::Full
        && IPROUTE2.needed_for("the comparison with iproute2").is_some()
    {
        let theirs = in_sandbox(Subject::Iproute2, etc, &scenario);
        assert_eq!(ours, theirs, "ours (left) differs from iproute2 (right)");
    }
    Some(ours)
}

/// The judge sees a panic by the abort that panic=abort ends it with, or by its message.
#[test]
fn a_panic_is_a_problem_whatever_else_matches() {
    let abort = Observed { out: vec![], err: vec![], status: Status::Signal(libc::SIGABRT) };
    let unwound = Observed {
        out: vec![],
        err: b"thread 'main' panicked at src/main.rs:1:1:\n".to_vec(),
        status: Status::Code(101),
    };
    for (seen, c) in [
        (abort, case("aborted", &["netns"]).signal(libc::SIGABRT)),
        (unwound, case("unwound", &["netns"]).err(Text::Any).code(101)),
    ] {
        let problems = judge(&c, &seen, &[], &[]);
        assert_eq!(problems, ["the program panicked"], "{seen:?}");
    }
}

/// A listing follows the directory's order, whatever order the expectation names entries in.
#[test]
fn a_listing_takes_its_order_from_the_directory() {
    let dir = ["b".to_string(), "sub".to_string(), "a".to_string()];
    let text = listing(vec![fixed("["), each(&[("a", "A"), ("b", "B")], ","), fixed("]")]);
    assert_eq!(text.check("stdout", b"[B,A]", &dir), Ok(()));
    assert!(text.check("stdout", b"[A,B]", &dir).is_err());
    assert_eq!(first_ns(&["a", "b"], "{}").check("stdout", b"b", &dir), Ok(()));
    let missing = names(&["a", "c"]).check("stdout", b"a\n", &dir);
    assert!(missing.is_err_and(|e| e.contains("\"c\" was expected")), "a missing entry");
}
