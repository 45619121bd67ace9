//! The message catalogue: every line netns writes to stderr, in iproute2's words, with the exit
//! status `ip` gives for it. Names are bytes, not text: they are printed exactly as given.

use std::ffi::{OsStr, OsString};
use std::io::{self, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

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
    // Usage errors: `ip` exits 255 for these, and a batch ends on them at once.
    Usage,
    IpUsage,
    InvalidName(OsString),
    UnknownCommand(OsString),
    UnknownOption(OsString),
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
    /// Entering a namespace failed; `ip` reports these with 255 too.
    Enter(Enter),
    // Operational failures: exit 1.
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
    /// A warning: the lock is only a safeguard, so `add` goes on without it.
    Flock(io::Error),
    OpenRunDir(io::Error),
    MakeShared(io::Error),
    MakePrivate(io::Error),
    BindRunDir(io::Error),
    CreateFile(PathBuf, io::Error),
    Unshare(OsString, io::Error),
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
    Fork(io::Error),
    Wait(io::Error),
    Rtnetlink,
    SendDump(io::Error),
    BatchOpen(OsString, io::Error),
    Unterminated,
    TooManyArgs,
    MissingContinuation,
    CommandFailed(OsString, usize),
    /// Talking to the kernel failed before it could answer.
    Talk(io::Error),
    /// The kernel refused a request: `ip` exits 2.
    Kernel(Kernel),
    /// A dump the kernel broke off.
    Dump(Kernel),
    /// A command run by a batch line or `-all exec` was killed: `ip` gives up at once.
    Killed,
    /// Failure already reported line by line; only the status is left to give.
    Reported,
    /// A batch line's command ended with this non-zero status.
    Status(i32),
    // `ip tuntap`, in iproute2's words (ip/iptuntap.c).
    TuntapUsage,
    TuntapUnknown(OsString),
    /// iproute2's duparg2(): a second value where one was expected.
    Garbage {
        key: &'static str,
        arg: OsString,
    },
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

/// The steps of entering a namespace, each with iproute2's message.
#[derive(Debug)]
pub enum Enter {
    Open(OsString, io::Error),
    Setns(OsString, io::Error),
    Unshare(io::Error),
    Rslave(io::Error),
    Sysfs(io::Error),
}

/// A refusal from the kernel, with its extended-ack text when it gave one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kernel {
    pub errno: i32,
    pub message: Option<String>,
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
            | Error::Enter(_)
            | Error::TuntapUsage
            | Error::TuntapUnknown(_)
            | Error::Garbage { .. }
            | Error::UnknownTunMode(_)
            | Error::TwoTunModes
            | Error::InvalidUser(_)
            | Error::InvalidGroup(_) => 255,
            Error::Kernel(_) | Error::Talk(_) => 2,
            Error::Status(code) => u8::try_from(*code).unwrap_or(1),
            _ => 1,
        }
    }

    /// `ip -batch` stops at once, without "Command failed", on the errors it meets by calling
    /// exit() rather than returning: usage errors and a killed child.
    pub fn ends_batch(&self) -> bool {
        matches!(self, Error::Killed)
            || (self.exit_code() == 255 && !matches!(self, Error::Enter(_)))
    }

    /// The message as bytes, newline included; empty for failures already reported.
    pub fn render(&self, prog: Prog) -> Vec<u8> {
        let mut m = Msg::default();
        match self {
            Error::Usage => m.raw(&netns_usage(prog)),
            Error::IpUsage => m.raw(IP_USAGE.as_bytes()),
            Error::InvalidName(name) => m.s("Invalid netns name \"").b(name).s("\""),
            Error::UnknownCommand(word) => {
                m.s("Command \"").b(word).s("\" is unknown, try \"").s(prog.netns()).s(" help\".")
            }
            Error::UnknownOption(opt) => {
                m.s("Option \"").b(opt).s("\" is unknown, try \"").s(prog.name()).s(" -help\".")
            }
            // A reason that ends in a newline gets a blank line after it, as in iproute2.
            Error::InvalidArg { arg, why } => {
                m.s("Error: argument \"").b(arg).s("\" is wrong: ").s(why).s("\n")
            }
            Error::Duplicate { key, arg } => {
                m.s("Error: duplicate \"").s(key).s("\": \"").b(arg).s("\" is the second value.")
            }
            Error::NameAndDev => {
                m.s("both \"name\" and \"dev\" cannot be used when creating devices.")
            }
            Error::Incomplete => m.s("Command line is not complete. Try option \"help\""),
            Error::ArgRequired(what) => m.s("Error: argument \"").s(what).s("\" is required"),
            Error::Enter(step) => step.render(&mut m),
            Error::UnknownObject(word) => {
                m.s("Object \"").b(word).s("\" is unknown, try \"ip help\".")
            }
            Error::NoSystemIp(word) => m
                .s("Object \"")
                .b(word)
                .s("\" is for the system's ip, and there is no other ip or busybox on PATH."),
            Error::Lladdr(word) => m.s("\"").b(word).s("\" is invalid lladdr."),
            Error::BadPrefix(word) => {
                m.s("Error: any valid prefix is expected rather than \"").b(word).s("\".")
            }
            Error::NoDev => m.s("Not enough information: \"dev\" argument is required."),
            Error::NoDevice(dev) => m.s("Cannot find device \"").b(dev).s("\""),
            Error::NoName => m.s("No netns name specified"),
            Error::NoNameAndPid => m.s("No netns name and PID specified"),
            Error::NoNsid => m.s("No nsid specified"),
            Error::NoCommand => m.s("No command specified"),
            Error::ExtraArgs => m.s("extra arguments specified"),
            Error::InvalidPid(pid) => m.s("Invalid PID: ").b(pid),
            Error::NotAPid(pid) => m.s("Specified string '").b(pid).s("' is not a pid"),
            Error::Mkdir(e) => m.s("mkdir ").s(crate::netns::RUN_DIR).s(" failed: ").e(e),
            Error::Flock(e) => m
                .s("Warning: could not flock netns runtime directory \"")
                .s(crate::netns::RUN_DIR)
                .s("\": ")
                .e(e),
            Error::OpenRunDir(e) => m
                .s("Cannot open netns runtime directory \"")
                .s(crate::netns::RUN_DIR)
                .s("\": ")
                .e(e),
            Error::MakeShared(e) => {
                m.s("mount --make-shared ").s(crate::netns::RUN_DIR).s(" failed: ").e(e)
            }
            Error::MakePrivate(e) => {
                m.s("mount --make-private ").s(crate::netns::RUN_DIR).s(" failed: ").e(e)
            }
            Error::BindRunDir(e) => m
                .s("mount --bind ")
                .s(crate::netns::RUN_DIR)
                .s(" ")
                .s(crate::netns::RUN_DIR)
                .s(" failed: ")
                .e(e),
            Error::CreateFile(path, e) => {
                m.s("Cannot create namespace file \"").b(path).s("\": ").e(e)
            }
            Error::Unshare(name, e) => {
                m.s("Failed to create a new network namespace \"").b(name).s("\": ").e(e)
            }
            Error::Bind(bind) => {
                m.s("Bind ").b(&bind.source).s(" -> ").b(&bind.target).s(" failed: ").e(&bind.err)
            }
            Error::RemoveFile(path, e) => {
                m.s("Cannot remove namespace file \"").b(path).s("\": ").e(e)
            }
            Error::OpenDir(e) => {
                m.s("Failed to open directory ").s(crate::netns::RUN_DIR).s(": ").e(e)
            }
            Error::OpenDirTight(e) => {
                m.s("Failed to open directory ").s(crate::netns::RUN_DIR).s(":").e(e)
            }
            Error::OpenNamed(name, e) => open_named(&mut m, name, e),
            Error::OpenUnnamed(e) => m.s("Cannot open network namespace: ").e(e),
            Error::OpenProc(e) => m.s("Open of /proc failed: ").e(e),
            Error::InotifyInit(e) => m.s("inotify_init failed: ").e(e),
            Error::InotifyWatch(e) => m.s("inotify_add_watch failed: ").e(e),
            Error::Read(e) => m.s("read failed: ").e(e),
            Error::Write(e) => m.s("write failed: ").e(e),
            Error::Exec(cmd, e) => m.s("exec of \"").b(cmd).s("\" failed: ").e(e),
            Error::Fork(e) => m.s("fork: ").e(e),
            Error::Wait(e) => m.s("waitpid: ").e(e),
            Error::Rtnetlink => m.s("Cannot open rtnetlink"),
            Error::SendDump(e) => m.s("Cannot send dump request: ").e(e),
            Error::BatchOpen(file, e) => {
                m.s("Cannot open file \"").b(file).s("\" for reading: ").e(e)
            }
            Error::Unterminated => m.s("Unterminated quoted string"),
            Error::TooManyArgs => m.s("Too many arguments to command"),
            Error::MissingContinuation => m.s("Missing continuation line"),
            Error::CommandFailed(file, line) => {
                m.s("Command failed ").b(file).s(":").int(*line as i64)
            }
            Error::Talk(e) => m.s("RTNETLINK answers: ").e(e),
            Error::Kernel(k) => k.render(&mut m),
            Error::Dump(k) => k.render(&mut m).s("\nDump terminated"),
            Error::Killed | Error::Reported | Error::Status(_) => return Vec::new(),
            Error::TuntapUsage => m.raw(TUNTAP_USAGE.as_bytes()),
            Error::TuntapUnknown(word) => {
                m.s("Command \"").b(word).s("\" is unknown, try \"ip tuntap help\".")
            }
            Error::Garbage { key, arg } => m
                .s("Error: either \"")
                .s(key)
                .s("\" is duplicate, or \"")
                .b(arg)
                .s("\" is a garbage."),
            Error::UnknownTunMode(word) => m.s("Unknown tunnel mode \"").b(word).s("\""),
            Error::TwoTunModes => m.s("You managed to ask for more than one tunnel mode."),
            Error::InvalidUser(word) => m.s("invalid user \"").b(word).s("\""),
            Error::InvalidGroup(word) => m.s("invalid group \"").b(word).s("\""),
            Error::NoTunMode => m.s("You failed to specify a tunnel mode"),
            Error::Perror(call, e) => m.s(call).s(": ").e(e),
            Error::Prop(prop) => prop.render(&mut m),
        };
        m.line()
    }
}

impl Enter {
    fn render<'m>(&self, m: &'m mut Msg) -> &'m mut Msg {
        match self {
            Enter::Open(name, e) => open_named(m, name, e),
            Enter::Setns(name, e) => {
                m.s("setting the network namespace \"").b(name).s("\" failed: ").e(e)
            }
            Enter::Unshare(e) => m.s("unshare failed: ").e(e),
            Enter::Rslave(e) => m.s("\"mount --make-rslave /\" failed: ").e(e),
            Enter::Sysfs(e) => m.s("mount of /sys failed: ").e(e),
        }
    }
}

impl Prop {
    fn render<'m>(&self, m: &'m mut Msg) -> &'m mut Msg {
        let path = &self.path;
        match &self.fault {
            PropFault::Open(e) => return m.s("fopen ").b(path).s(": ").e(e),
            PropFault::Empty(prop) => {
                m.s("property \"").s(prop).s("\" in file ").b(path).s(" is currently unknown")
            }
            PropFault::NotNumber(value) => {
                m.s("value \"").raw(value).s("\" in file ").b(path).s(" is not a number")
            }
        };
        m.s("\nFailed to parse ").b(path)
    }
}

impl Kernel {
    fn render<'m>(&self, m: &'m mut Msg) -> &'m mut Msg {
        match &self.message {
            Some(text) if text.ends_with('.') => m.s("Error: ").s(text),
            Some(text) => m.s("Error: ").s(text).s("."),
            None => m.s("RTNETLINK answers: ").errno(self.errno),
        }
    }
}

fn open_named<'m>(m: &'m mut Msg, name: &OsStr, e: &io::Error) -> &'m mut Msg {
    m.s("Cannot open network namespace \"").b(name).s("\": ").e(e)
}

/// The program cannot make its relocated pointers read-only: it says so and stops, as musl's
/// dynamic loader does when RELRO protection fails. Returns the exit status.
pub fn relro_failed(err: &io::Error) -> u8 {
    let mut m = Msg::default();
    m.s("Cannot make RELRO read-only: ").e(err);
    let _ = io::stderr().write_all(&m.line());
    1
}

/// Writes a failure's message to stderr.
pub fn report(err: &Error, prog: Prog) {
    // Nothing sensible is left to do when stderr itself is gone.
    let _ = io::stderr().write_all(&err.render(prog));
}

/// Writes a warning, or a failure that does not stop the command; none of them names the
/// program, so they need not know under which name we run.
pub fn warn(err: &Error) {
    report(err, Prog::Netns);
}

/// A message built from text and raw bytes.
#[derive(Default)]
struct Msg(Vec<u8>);

impl Msg {
    fn s(&mut self, text: &str) -> &mut Self {
        self.0.extend_from_slice(text.as_bytes());
        self
    }

    fn b(&mut self, bytes: impl AsRef<OsStr>) -> &mut Self {
        self.0.extend_from_slice(bytes.as_ref().as_bytes());
        self
    }

    fn e(&mut self, err: &io::Error) -> &mut Self {
        self.errno(err.raw_os_error().unwrap_or(libc::EIO))
    }

    /// strerror() as glibc words it.
    fn errno(&mut self, errno: i32) -> &mut Self {
        match usize::try_from(errno).ok().and_then(|i| ERRNO_TEXT.split('\n').nth(i)) {
            Some(text) => self.s(text),
            None => self.s("Unknown error ").int(errno.into()),
        }
    }

    fn int(&mut self, n: i64) -> &mut Self {
        push_decimal(&mut self.0, n);
        self
    }

    fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.0.extend_from_slice(bytes);
        self
    }

    /// The finished message: multi-line texts already end in a newline, one-liners get theirs.
    fn line(self) -> Vec<u8> {
        let mut bytes = self.0;
        if bytes.last() != Some(&b'\n') {
            bytes.push(b'\n');
        }
        bytes
    }
}

/// printf's `%d`, written straight into the output.
pub fn push_decimal(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    let mut digits = [0; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
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
This ip is netns: it does the netns and tuntap objects and some link and address
commands itself, and hands every other command to the system's ip.
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
        let mut m = Msg::default();
        m.errno(errno);
        String::from_utf8(m.0).unwrap()
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

    #[test]
    fn decimals_as_printf_writes_them() {
        for n in [0, 7, -7, 10, 1234567890, i64::MIN, i64::MAX] {
            let mut out = Vec::new();
            push_decimal(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
    }
}
