//! The message catalogue: every line netns writes to stderr, each as one template in iproute2's
//! words, with the exit status `ip` gives for it. Names are bytes, not text: they are printed
//! exactly as given.

use std::ffi::OsString;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use crate::enter::Step;
use crate::out::{self, push_decimal};
use crate::paths::RUN_DIR;
use crate::sys;

/// The name we were started under decides whose command line we speak and how we call
/// ourselves in messages: `ip netns ...` or `netns ...`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prog {
    Ip,
    Netns,
}

impl Prog {
    /// How a netns command is spelled under this name, as in "try \"ip netns help\"".
    fn netns(self) -> &'static str {
        match self {
            Prog::Ip => "ip netns",
            Prog::Netns => "netns",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Prog::Ip => "ip",
            Prog::Netns => "netns",
        }
    }
}

#[derive(Debug)]
pub enum Error {
    Usage,
    IpUsage,
    InvalidName(OsString),
    UnknownCommand(OsString),
    UnknownOption(OsString),
    /// A reason that ends in a newline gets a blank line after it, as in iproute2.
    InvalidArg {
        arg: OsString,
        why: &'static str,
    },
    Duplicate {
        key: &'static str,
        arg: OsString,
    },
    NameAndDev,
    Incomplete,
    ArgRequired(&'static str),
    /// Entering the namespace `name` stopped at `step`.
    Enter {
        name: OsString,
        step: Step,
        err: io::Error,
    },
    UnknownObject(OsString),
    /// No other ip to hand an object to.
    NoSystemIp(OsString),
    Lladdr(OsString),
    BadPrefix(OsString),
    NoDev,
    NoDevice(OsString),
    NoName,
    NoNameAndPid,
    NoNsid,
    NoCommand,
    ExtraArgs,
    InvalidPid(OsString),
    NotAPid(OsString),
    Mkdir(io::Error),
    /// The run directory is a symbolic link: nothing is mounted or unmounted through it.
    RunDirLink,
    /// The kernel has no network namespaces (no CONFIG_NET_NS).
    NoNetns(OsString),
    /// A warning: the lock is only a safeguard, so `add` goes on without it.
    Flock(io::Error),
    OpenRunDir(io::Error),
    MakeShared(io::Error),
    MakePrivate(io::Error),
    BindRunDir(io::Error),
    CreateFile(PathBuf, io::Error),
    Unshare(OsString, io::Error),
    /// A batch's add could not go back to the network namespace the batch runs in.
    SwitchBack(io::Error),
    /// Boxed: its two paths inline would make every Error, and every Result that carries one
    /// up the stack, 56 bytes instead of 48.
    Bind(Box<Bind>),
    RemoveFile(PathBuf, io::Error),
    OpenDir(io::Error),
    /// iproute2's `identify` words this one without the space after the colon.
    OpenDirTight(io::Error),
    OpenNamed(OsString, io::Error),
    OpenUnnamed(io::Error),
    OpenProc(io::Error),
    InotifyInit(io::Error),
    InotifyWatch(io::Error),
    Read(io::Error),
    Write(io::Error),
    Exec(OsString, io::Error),
    /// A call about a child failed (fork, waitpid, the pipe it reports through): its name.
    Child(&'static str, io::Error),
    Rtnetlink,
    SendDump(io::Error),
    /// The kernel knows no nsids (before Linux 4.0).
    NoGetnsid,
    /// The kernel ignores target-nsid (before Linux 4.20).
    NoTargetNsid,
    /// The kernel's dump of ids ended after nsid `last`; `added` ids of named namespaces
    /// after it were added from their own lookups.
    IdsCut {
        last: i32,
        added: usize,
    },
    BatchOpen(OsString, io::Error),
    BatchRead(OsString, io::Error),
    LineTooLong,
    Unterminated,
    TooManyArgs,
    MissingContinuation,
    CommandFailed(OsString, usize),
    /// Talking to the kernel failed before it could answer.
    Talk(io::Error),
    /// The kernel refused a request.
    Kernel(Kernel),
    /// A dump the kernel broke off.
    Dump(Kernel),
    /// Start-up could not make the relocated pointers read-only.
    Relro(io::Error),
    /// Start-up could not put stand-ins on closed standard descriptors.
    StdFds(io::Error),
    /// A command run by a batch line or `-all exec` was killed: `ip` gives up at once.
    Killed,
    /// Failure already reported line by line; only the status is left to give.
    Reported,
    /// A batch line's command ended with this non-zero status.
    Status(i32),
    /// A device named in a listing (`ip link show DEV`) that is not there.
    NoSuchDevice(OsString),
    /// iproute2's duparg2(): a second value where one was expected (a second device in a
    /// listing, a second name for a tun device).
    Garbage {
        key: &'static str,
        arg: OsString,
    },
    /// A request that failed, reported as ip reports it: the kernel's answer, then what could
    /// not be done (perror's form).
    RequestFailed(&'static str, Kernel),
    /// A link's queue length could not be had; the listing goes on without it.
    TxQueueLen(io::Error),
    // `ip tuntap`, in iproute2's words (ip/iptuntap.c).
    TuntapUsage,
    TuntapUnknown(OsString),
    UnknownTunMode(OsString),
    TwoTunModes,
    InvalidUser(OsString),
    InvalidGroup(OsString),
    NoTunMode,
    /// What perror() prints: the call that failed (`open`, `ioctl(TUNSETIFF)`, ...), and why.
    Perror(&'static str, io::Error),
    /// A warning: a tun device's property could not be read from /sys; it is left out.
    Prop(Box<Prop>),
}

/// A property of a tun device in /sys (tun_flags, owner, group) that did not read as a number.
#[derive(Debug)]
pub struct Prop {
    pub path: PathBuf,
    pub fault: PropFault,
}

#[derive(Debug)]
pub enum PropFault {
    Open(io::Error),
    /// The file is empty; the property's name.
    Empty(&'static str),
    /// The first line, which is no number.
    NotNumber(Vec<u8>),
}

/// A bind mount that failed: what was to be bound, where, and why not.
#[derive(Debug)]
pub struct Bind {
    source: PathBuf,
    target: PathBuf,
    err: io::Error,
}

/// A refusal from the kernel, with its extended-ack text when it gave one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kernel {
    pub errno: i32,
    /// As the kernel wrote it, up to its NUL.
    pub message: Option<Vec<u8>>,
}

/// A value put into a message template.
#[derive(Clone, Copy)]
enum Arg<'a> {
    Bytes(&'a [u8]),
    Errno(i32),
    /// An error's errno: read once, in `fill`, not in every message that shows one.
    Io(&'a io::Error),
    Int(i64),
}

fn b(bytes: &(impl AsRef<std::ffi::OsStr> + ?Sized)) -> Arg<'_> {
    Arg::Bytes(bytes.as_ref().as_bytes())
}

fn e(err: &io::Error) -> Arg<'_> {
    Arg::Io(err)
}

fn t(text: &str) -> Arg<'_> {
    Arg::Bytes(text.as_bytes())
}

impl Error {
    pub fn bind(source: PathBuf, target: PathBuf, err: io::Error) -> Error {
        Error::Bind(Box::new(Bind { source, target, err }))
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage
            | Error::IpUsage
            | Error::InvalidName(_)
            | Error::UnknownCommand(_)
            | Error::UnknownOption(_)
            | Error::InvalidArg { .. }
            | Error::Duplicate { .. }
            | Error::NameAndDev
            | Error::Incomplete
            | Error::ArgRequired(_)
            | Error::Enter { .. }
            | Error::Garbage { .. }
            | Error::TuntapUsage
            | Error::TuntapUnknown(_)
            | Error::UnknownTunMode(_)
            | Error::TwoTunModes
            | Error::InvalidUser(_)
            | Error::InvalidGroup(_) => 255,
            Error::Kernel(_) | Error::Talk(_) | Error::NoGetnsid | Error::NoTargetNsid => 2,
            Error::Status(code) => u8::try_from(*code).unwrap_or(1),
            Error::UnknownObject(_)
            | Error::NoSystemIp(_)
            | Error::Lladdr(_)
            | Error::BadPrefix(_)
            | Error::NoDev
            | Error::NoDevice(_)
            | Error::NoName
            | Error::NoNameAndPid
            | Error::NoNsid
            | Error::NoCommand
            | Error::ExtraArgs
            | Error::InvalidPid(_)
            | Error::NotAPid(_)
            | Error::Mkdir(_)
            | Error::RunDirLink
            | Error::NoNetns(_)
            | Error::Flock(_)
            | Error::OpenRunDir(_)
            | Error::MakeShared(_)
            | Error::MakePrivate(_)
            | Error::BindRunDir(_)
            | Error::CreateFile(..)
            | Error::Unshare(..)
            | Error::SwitchBack(_)
            | Error::Bind(_)
            | Error::RemoveFile(..)
            | Error::OpenDir(_)
            | Error::OpenDirTight(_)
            | Error::OpenNamed(..)
            | Error::OpenUnnamed(_)
            | Error::OpenProc(_)
            | Error::InotifyInit(_)
            | Error::InotifyWatch(_)
            | Error::Read(_)
            | Error::Write(_)
            | Error::Exec(..)
            | Error::Child(..)
            | Error::Rtnetlink
            | Error::SendDump(_)
            | Error::BatchOpen(..)
            | Error::BatchRead(..)
            | Error::LineTooLong
            | Error::Unterminated
            | Error::TooManyArgs
            | Error::MissingContinuation
            | Error::CommandFailed(..)
            | Error::Dump(_)
            | Error::IdsCut { .. }
            | Error::Relro(_)
            | Error::StdFds(_)
            | Error::NoSuchDevice(_)
            | Error::RequestFailed(..)
            | Error::TxQueueLen(_)
            | Error::NoTunMode
            | Error::Perror(..)
            | Error::Prop(_)
            | Error::Killed
            | Error::Reported => 1,
        }
    }

    /// `ip -batch` stops at once, without "Command failed", on the errors it meets by calling
    /// exit() rather than returning: usage errors, a killed child, and an add that could not
    /// switch back.
    pub fn ends_batch(&self) -> bool {
        matches!(self, Error::Killed | Error::SwitchBack(_))
            || (self.exit_code() == 255 && !matches!(self, Error::Enter { .. }))
    }

    /// The message as bytes, newline included; empty for failures already reported.
    pub fn render(&self, prog: Prog) -> Vec<u8> {
        let dir = t(RUN_DIR);
        let text = match self {
            Error::Usage => return netns_usage(prog),
            Error::IpUsage => return IP_USAGE.as_bytes().to_vec(),
            Error::InvalidName(name) => fill("Invalid netns name \"{name}\"", &[b(name)]),
            Error::UnknownCommand(word) => fill(
                "Command \"{word}\" is unknown, try \"{netns} help\".",
                &[b(word), t(prog.netns())],
            ),
            Error::UnknownOption(opt) => {
                fill("Option \"{opt}\" is unknown, try \"{ip} -help\".", &[b(opt), t(prog.name())])
            }
            Error::InvalidArg { arg, why } => {
                fill("Error: argument \"{arg}\" is wrong: {why}\n", &[b(arg), t(why)])
            }
            Error::Duplicate { key, arg } => fill(
                "Error: duplicate \"{key}\": \"{arg}\" is the second value.",
                &[t(key), b(arg)],
            ),
            Error::NameAndDev => {
                fill("both \"name\" and \"dev\" cannot be used when creating devices.", &[])
            }
            Error::Incomplete => fill("Command line is not complete. Try option \"help\"", &[]),
            Error::ArgRequired(what) => fill("Error: argument \"{what}\" is required", &[t(what)]),
            Error::Enter { name, step, err } => match step {
                Step::Open => open_named(name, err),
                Step::Setns => fill(
                    "setting the network namespace \"{name}\" failed: {err}",
                    &[b(name), e(err)],
                ),
                Step::Unshare => fill("unshare failed: {err}", &[e(err)]),
                Step::Rslave => fill("\"mount --make-rslave /\" failed: {err}", &[e(err)]),
                Step::Sysfs => fill("mount of /sys failed: {err}", &[e(err)]),
            },
            Error::UnknownObject(word) => {
                fill("Object \"{word}\" is unknown, try \"ip help\".", &[b(word)])
            }
            Error::NoSystemIp(word) => fill(
                "Object \"{word}\" is for the system's ip, and there is no other ip or busybox on PATH.",
                &[b(word)],
            ),
            Error::Lladdr(word) => fill("\"{word}\" is invalid lladdr.", &[b(word)]),
            Error::BadPrefix(word) => {
                fill("Error: any valid prefix is expected rather than \"{word}\".", &[b(word)])
            }
            Error::NoDev => fill("Not enough information: \"dev\" argument is required.", &[]),
            Error::NoDevice(dev) => fill("Cannot find device \"{dev}\"", &[b(dev)]),
            Error::NoName => fill("No netns name specified", &[]),
            Error::NoNameAndPid => fill("No netns name and PID specified", &[]),
            Error::NoNsid => fill("No nsid specified", &[]),
            Error::NoCommand => fill("No command specified", &[]),
            Error::ExtraArgs => fill("extra arguments specified", &[]),
            Error::InvalidPid(pid) => fill("Invalid PID: {pid}", &[b(pid)]),
            Error::NotAPid(pid) => fill("Specified string '{pid}' is not a pid", &[b(pid)]),
            Error::Mkdir(err) => fill("mkdir {dir} failed: {err}", &[dir, e(err)]),
            Error::RunDirLink => {
                fill("Refusing netns runtime directory \"{dir}\": it is a symbolic link", &[dir])
            }
            Error::NoNetns(name) => fill(
                "Cannot create network namespace \"{name}\": the kernel has no network namespaces (CONFIG_NET_NS)",
                &[b(name)],
            ),
            Error::Flock(err) => fill(
                "Warning: could not flock netns runtime directory \"{dir}\": {err}",
                &[dir, e(err)],
            ),
            Error::OpenRunDir(err) => {
                fill("Cannot open netns runtime directory \"{dir}\": {err}", &[dir, e(err)])
            }
            Error::MakeShared(err) => {
                fill("mount --make-shared {dir} failed: {err}", &[dir, e(err)])
            }
            Error::MakePrivate(err) => {
                fill("mount --make-private {dir} failed: {err}", &[dir, e(err)])
            }
            Error::BindRunDir(err) => {
                fill("mount --bind {dir} {dir} failed: {err}", &[dir, dir, e(err)])
            }
            Error::CreateFile(path, err) => {
                fill("Cannot create namespace file \"{path}\": {err}", &[b(path), e(err)])
            }
            Error::Unshare(name, err) => fill(
                "Failed to create a new network namespace \"{name}\": {err}",
                &[b(name), e(err)],
            ),
            Error::SwitchBack(err) => fill("setns: {err}", &[e(err)]),
            Error::Bind(bind) => fill(
                "Bind {source} -> {target} failed: {err}",
                &[b(&bind.source), b(&bind.target), e(&bind.err)],
            ),
            Error::RemoveFile(path, err) => {
                fill("Cannot remove namespace file \"{path}\": {err}", &[b(path), e(err)])
            }
            Error::OpenDir(err) => fill("Failed to open directory {dir}: {err}", &[dir, e(err)]),
            Error::OpenDirTight(err) => {
                fill("Failed to open directory {dir}:{err}", &[dir, e(err)])
            }
            Error::OpenNamed(name, err) => open_named(name, err),
            Error::OpenUnnamed(err) => fill("Cannot open network namespace: {err}", &[e(err)]),
            Error::OpenProc(err) => fill("Open of /proc failed: {err}", &[e(err)]),
            Error::InotifyInit(err) => fill("inotify_init failed: {err}", &[e(err)]),
            Error::InotifyWatch(err) => fill("inotify_add_watch failed: {err}", &[e(err)]),
            Error::Read(err) => fill("read failed: {err}", &[e(err)]),
            Error::Write(err) => fill("write failed: {err}", &[e(err)]),
            Error::Exec(cmd, err) => fill("exec of \"{cmd}\" failed: {err}", &[b(cmd), e(err)]),
            Error::Child(call, err) => fill("{call}: {err}", &[t(call), e(err)]),
            Error::Rtnetlink => fill("Cannot open rtnetlink", &[]),
            Error::SendDump(err) => fill("Cannot send dump request: {err}", &[e(err)]),
            Error::NoGetnsid => fill("RTM_GETNSID is not supported by the kernel.", &[]),
            Error::NoTargetNsid => fill("target-nsid is not supported by the kernel.", &[]),
            Error::IdsCut { last, added } => fill(
                "Warning: the kernel's list of ids ended after nsid {last}; the {added} ids of named namespaces after it were added, those of unnamed ones may be missing",
                &[Arg::Int((*last).into()), Arg::Int(*added as i64)],
            ),
            Error::BatchOpen(file, err) => {
                fill("Cannot open file \"{file}\" for reading: {err}", &[b(file), e(err)])
            }
            Error::BatchRead(file, err) => {
                fill("Cannot read file \"{file}\": {err}", &[b(file), e(err)])
            }
            Error::LineTooLong => fill("Line too long: over 1 MiB", &[]),
            Error::Unterminated => fill("Unterminated quoted string", &[]),
            Error::TooManyArgs => fill("Too many arguments to command", &[]),
            Error::MissingContinuation => fill("Missing continuation line", &[]),
            Error::CommandFailed(file, line) => {
                fill("Command failed {file}:{line}", &[b(file), Arg::Int(*line as i64)])
            }
            Error::Talk(err) => fill("RTNETLINK answers: {err}", &[e(err)]),
            Error::Kernel(kernel) => kernel.render(),
            Error::Dump(kernel) => {
                let mut text = kernel.render();
                text.extend_from_slice(b"\nDump terminated");
                text
            }
            Error::Relro(err) => fill("Cannot make RELRO read-only: {err}", &[e(err)]),
            Error::StdFds(err) => {
                fill("Cannot stand in for a closed standard descriptor: {err}", &[e(err)])
            }
            Error::NoSuchDevice(dev) => fill("Device \"{dev}\" does not exist.", &[b(dev)]),
            Error::Garbage { key, arg } => fill(
                "Error: either \"{key}\" is duplicate, or \"{arg}\" is a garbage.",
                &[t(key), b(arg)],
            ),
            Error::RequestFailed(what, kernel) => {
                let mut text = kernel.render();
                text.extend(fill("\n{what}: {err}", &[t(what), Arg::Errno(kernel.errno)]));
                text
            }
            Error::TxQueueLen(err) => fill("ioctl(SIOCGIFTXQLEN) failed: {err}", &[e(err)]),
            Error::TuntapUsage => return TUNTAP_USAGE.as_bytes().to_vec(),
            Error::TuntapUnknown(word) => {
                fill("Command \"{word}\" is unknown, try \"ip tuntap help\".", &[b(word)])
            }
            Error::UnknownTunMode(word) => fill("Unknown tunnel mode \"{word}\"", &[b(word)]),
            Error::TwoTunModes => fill("You managed to ask for more than one tunnel mode.", &[]),
            Error::InvalidUser(word) => fill("invalid user \"{word}\"", &[b(word)]),
            Error::InvalidGroup(word) => fill("invalid group \"{word}\"", &[b(word)]),
            Error::NoTunMode => fill("You failed to specify a tunnel mode", &[]),
            Error::Perror(call, err) => fill("{call}: {err}", &[t(call), e(err)]),
            Error::Prop(prop) => prop.render(),
            Error::Killed | Error::Reported | Error::Status(_) => return Vec::new(),
        };
        finish_line(text)
    }
}

impl Kernel {
    fn render(&self) -> Vec<u8> {
        match &self.message {
            Some(text) if text.ends_with(b".") => fill("Error: {text}", &[Arg::Bytes(text)]),
            Some(text) => fill("Error: {text}.", &[Arg::Bytes(text)]),
            None => fill("RTNETLINK answers: {err}", &[Arg::Errno(self.errno)]),
        }
    }
}

impl Prop {
    fn render(&self) -> Vec<u8> {
        let path = b(&self.path);
        let mut text = match &self.fault {
            PropFault::Open(err) => return fill("fopen {path}: {err}", &[path, e(err)]),
            PropFault::Empty(prop) => fill(
                "property \"{prop}\" in file {path} is currently unknown",
                &[t(prop), b(&self.path)],
            ),
            PropFault::NotNumber(value) => fill(
                "value \"{value}\" in file {path} is not a number",
                &[Arg::Bytes(value), b(&self.path)],
            ),
        };
        text.extend(fill("\nFailed to parse {path}", &[path]));
        text
    }
}

fn open_named(name: &OsString, err: &io::Error) -> Vec<u8> {
    fill("Cannot open network namespace \"{name}\": {err}", &[b(name), e(err)])
}

/// A template with its `{...}` placeholders replaced by `args`, one each, in order: the names
/// inside the braces are there for the reader (and for grep).
fn fill(template: &str, args: &[Arg<'_>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(template.len() + 32);
    let mut pieces = template.split('{');
    out.extend_from_slice(pieces.next().unwrap_or_default().as_bytes());
    for (index, piece) in pieces.enumerate() {
        // What follows the placeholder's name.
        let rest = piece.split_once('}').map_or("", |(_, rest)| rest);
        match args.get(index) {
            Some(Arg::Bytes(bytes)) => out.extend_from_slice(bytes),
            Some(Arg::Errno(errno)) => out.extend_from_slice(&strerror(*errno)),
            Some(Arg::Io(err)) => {
                out.extend_from_slice(&strerror(err.raw_os_error().unwrap_or(libc::EIO)))
            }
            Some(Arg::Int(n)) => push_decimal(&mut out, *n),
            None => {}
        }
        out.extend_from_slice(rest.as_bytes());
    }
    out
}

/// One-line messages get their newline; multi-line texts already end in one.
fn finish_line(mut text: Vec<u8>) -> Vec<u8> {
    if text.last() != Some(&b'\n') {
        text.push(b'\n');
    }
    text
}

/// strerror() as glibc words it.
fn strerror(errno: i32) -> Vec<u8> {
    match usize::try_from(errno).ok().and_then(|i| ERRNO_TEXT.split('\n').nth(i)) {
        Some(text) => text.as_bytes().to_vec(),
        None => {
            let mut text = b"Unknown error ".to_vec();
            push_decimal(&mut text, errno.into());
            text
        }
    }
}

/// Writes a failure's message to stderr.
pub fn report(err: &Error, prog: Prog) {
    // Nothing sensible is left to do when stderr itself is gone.
    let _ = out::write_all(sys::stderr(), &err.render(prog));
}

/// Writes a warning, or a failure that does not stop the command; none of them names the
/// program, so they need not know under which name we run.
pub fn warn(err: &Error) {
    report(err, Prog::Netns);
}

/// `ip netns help`: the same text as iproute2's, with our own name where we run as `netns`.
pub fn netns_usage(prog: Prog) -> Vec<u8> {
    let me = prog.netns();
    let all = match prog {
        Prog::Ip => "ip [-all] netns",
        Prog::Netns => "netns [-all]",
    };
    format!(
        "Usage:\t{me} list\n\
         \t{me} add NAME\n\
         \t{me} attach NAME PID\n\
         \t{me} set NAME NETNSID\n\
         \t{all} delete [NAME]\n\
         \t{me} identify [PID]\n\
         \t{me} pids NAME\n\
         \t{all} exec [NAME] cmd ...\n\
         \t{me} monitor\n\
         \t{me} list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]\n\
         NETNSID := auto | POSITIVE-INT\n"
    )
    .into_bytes()
}

/// What `ip help` says under our name: the objects we do ourselves, and what becomes of the
/// rest.
const IP_USAGE: &str = "\
Usage: ip [ OPTIONS ] { netns | tuntap } { COMMAND | help }
       ip [ -force ] -batch filename
This ip is netns: it does the netns and tuntap objects, some link and address
commands, and (where the system's ip is busybox's) link and address listings
itself, and hands every other command to the system's ip.
       OPTIONS := { -V[ersion] | -a[ll] | -j[son] | -p[retty] | -n[etns] name |
                    -b[atch] [filename] | -force }
";

/// `ip tuntap help`: iproute2's text.
const TUNTAP_USAGE: &str = "\
Usage: ip tuntap { add | del | show | list | lst | help } [ dev PHYS_DEV ]
       [ mode { tun | tap } ] [ user USER ] [ group GROUP ]
       [ one_queue ] [ pi ] [ vnet_hdr ] [ multi_queue ] [ name NAME ]

Where: USER  := { STRING | NUMBER }
       GROUP := { STRING | NUMBER }
";

/// `-Version`: ours, not iproute2's, for scripts that check which ip they have.
pub fn version(prog: Prog) -> String {
    [prog.name(), " utility, netns-", env!("CARGO_PKG_VERSION"), "\n"].concat()
}

/// `netns --help`: the usage, then the options.
pub fn netns_help() -> Vec<u8> {
    let mut text = netns_usage(Prog::Netns);
    text.extend_from_slice(
        b"\nOptions (as ip's, given before COMMAND):\n\
          \x20 -a, -all          delete or exec in every named namespace\n\
          \x20 -j, -json         JSON output for list and list-id\n\
          \x20 -p, -pretty       indented JSON\n\
          \x20 -n, -netns NAME   run the command inside namespace NAME\n\
          \x20 -b, -batch FILE   read commands from FILE, one per line (- for stdin)\n\
          \x20 -fo, -force       in batch mode, go on after a failed line\n\
          \x20 -V, -Version      print the version\n\
          \x20 -help             print this help\n",
    );
    text
}

/// glibc's strerror texts, one a line, line N for errno N: static musl words some of them
/// differently, and our messages must read as iproute2's do on glibc. One string rather than
/// a table of them: each entry of a table would cost a pointer and a relocation.
const ERRNO_TEXT: &str = "\
Success
Operation not permitted
No such file or directory
No such process
Interrupted system call
Input/output error
No such device or address
Argument list too long
Exec format error
Bad file descriptor
No child processes
Resource temporarily unavailable
Cannot allocate memory
Permission denied
Bad address
Block device required
Device or resource busy
File exists
Invalid cross-device link
No such device
Not a directory
Is a directory
Invalid argument
Too many open files in system
Too many open files
Inappropriate ioctl for device
Text file busy
File too large
No space left on device
Illegal seek
Read-only file system
Too many links
Broken pipe
Numerical argument out of domain
Numerical result out of range
Resource deadlock avoided
File name too long
No locks available
Function not implemented
Directory not empty
Too many levels of symbolic links
Unknown error 41
No message of desired type
Identifier removed
Channel number out of range
Level 2 not synchronized
Level 3 halted
Level 3 reset
Link number out of range
Protocol driver not attached
No CSI structure available
Level 2 halted
Invalid exchange
Invalid request descriptor
Exchange full
No anode
Invalid request code
Invalid slot
Unknown error 58
Bad font file format
Device not a stream
No data available
Timer expired
Out of streams resources
Machine is not on the network
Package not installed
Object is remote
Link has been severed
Advertise error
Srmount error
Communication error on send
Protocol error
Multihop attempted
RFS specific error
Bad message
Value too large for defined data type
Name not unique on network
File descriptor in bad state
Remote address changed
Can not access a needed shared library
Accessing a corrupted shared library
.lib section in a.out corrupted
Attempting to link in too many shared libraries
Cannot exec a shared library directly
Invalid or incomplete multibyte or wide character
Interrupted system call should be restarted
Streams pipe error
Too many users
Socket operation on non-socket
Destination address required
Message too long
Protocol wrong type for socket
Protocol not available
Protocol not supported
Socket type not supported
Operation not supported
Protocol family not supported
Address family not supported by protocol
Address already in use
Cannot assign requested address
Network is down
Network is unreachable
Network dropped connection on reset
Software caused connection abort
Connection reset by peer
No buffer space available
Transport endpoint is already connected
Transport endpoint is not connected
Cannot send after transport endpoint shutdown
Too many references: cannot splice
Connection timed out
Connection refused
Host is down
No route to host
Operation already in progress
Operation now in progress
Stale file handle
Structure needs cleaning
Not a XENIX named type file
No XENIX semaphores available
Is a named type file
Remote I/O error
Disk quota exceeded
No medium found
Wrong medium type
Operation canceled
Required key not available
Key has expired
Key has been revoked
Key was rejected by service
Owner died
State not recoverable
Operation not possible due to RF-kill
Memory page has hardware error";

#[cfg(test)]
mod tests {
    use super::*;

    fn errno(errno: i32) -> String {
        String::from_utf8(strerror(errno)).unwrap()
    }

    #[test]
    fn errno_texts_are_glibcs() {
        assert_eq!(errno(0), "Success");
        assert_eq!(errno(libc::EBUSY), "Device or resource busy");
        assert_eq!(errno(41), "Unknown error 41");
        assert_eq!(errno(133), "Memory page has hardware error");
        assert_eq!(errno(134), "Unknown error 134");
        assert_eq!(errno(-1), "Unknown error -1");
    }

    fn text(err: Error) -> String {
        String::from_utf8(err.render(Prog::Ip)).unwrap()
    }

    #[test]
    fn a_cut_dump_of_ids_is_said_with_its_numbers() {
        assert_eq!(
            text(Error::IdsCut { last: 1157, added: 342 }),
            "Warning: the kernel's list of ids ended after nsid 1157; the 342 ids of named \
             namespaces after it were added, those of unnamed ones may be missing\n"
        );
    }

    #[test]
    fn templates_are_filled_in_order() {
        let busy = || io::Error::from_raw_os_error(libc::EBUSY);
        assert_eq!(
            text(Error::BindRunDir(busy())),
            format!("mount --bind {RUN_DIR} {RUN_DIR} failed: Device or resource busy\n")
        );
        assert_eq!(
            text(Error::bind("/a".into(), "/b".into(), busy())),
            "Bind /a -> /b failed: Device or resource busy\n"
        );
        assert_eq!(
            text(Error::UnknownCommand("x".into())),
            "Command \"x\" is unknown, try \"ip netns help\".\n"
        );
        assert_eq!(text(Error::CommandFailed("f".into(), 12)), "Command failed f:12\n");
        assert_eq!(
            text(Error::InvalidArg { arg: "x".into(), why: "Invalid \"mtu\" value\n" }),
            "Error: argument \"x\" is wrong: Invalid \"mtu\" value\n\n"
        );
        let refused = Kernel { errno: libc::EEXIST, message: Some(b"Peer exists".to_vec()) };
        assert_eq!(text(Error::Dump(refused)), "Error: Peer exists.\nDump terminated\n");
    }
}
