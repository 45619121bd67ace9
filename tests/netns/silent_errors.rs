//! Failures that used to pass in silence, with status 0: output lost to a closed stdout, a run
//! directory that cannot be read, a batch file that cannot be, namespaces `-all exec` could
//! not enter, entries `list` could not open, and JSON that was not JSON.

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;

use crate::bounded;
use crate::emulate;
use crate::harness::*;
use crate::table::*;

/// `sh -c 'exec CMD >&-'`: the command starts with standard output closed.
const CLOSED_STDOUT: &[&str] = &["sh", "-c", "exec \"$@\" >&-", "sh"];
const BAD_FD: &str = "write failed: Bad file descriptor\n";
const LOST: &str = "iproute2 exits 0 with its output lost";

#[test]
fn closed_stdout_is_an_error() {
    const A5: &[Step] = &[Ns("a"), Id("a", 5)];
    let closed = |what, argv: &[&str]| {
        case(what, argv).wrapped(CLOSED_STDOUT).given(A5).err(BAD_FD).code(1).differs(LOST)
    };
    run_table(&[
        closed("list", &["netns", "list"]),
        closed("JSON list", &["-j", "netns", "list"]),
        closed("list-id", &["netns", "list-id"]),
        closed("JSON list-id", &["-j", "netns", "list-id"]),
        closed("identify", &["netns", "identify"]),
        closed("-all exec's headers", &["-all", "netns", "exec", "true"]),
        closed("the version", &["-V"]),
        closed("the help", &["-help"]),
        // (As ip, -V is iproute2's to answer where iproute2 is the system ip: tuntap.rs.)
        // pids, run where it has something to print: the shell in namespace a.
        case("pids", &["netns", "exec", "a", "sh", "-c", "exec $NETNS pids a >&-"])
            .given(A5)
            .err(BAD_FD)
            .code(1)
            .differs(LOST),
        // What we run gets standard output as we got it: closed.
        case("exec's command", &["netns", "exec", "a", "sh", "-c", "echo x || echo lost >&2"])
            .wrapped(CLOSED_STDOUT)
            .given(A5)
            .err(has("lost\n"))
            .code(0),
    ]);
}

/// Output into a full device: the same as into a closed descriptor, in the kernel's words.
#[test]
fn full_stdout_is_an_error() {
    const FULL: &[&str] = &["sh", "-c", "exec \"$@\" >/dev/full", "sh"];
    let full = |what, argv: &[&str]| {
        let no_space = "write failed: No space left on device\n";
        case(what, argv)
            .wrapped(FULL)
            .given(&[Ns("a"), Id("a", 5)])
            .err(no_space)
            .code(1)
            .differs(LOST)
    };
    run_table(&[
        full("list", &["netns", "list"]),
        full("JSON list", &["-j", "netns", "list"]),
        full("list-id", &["netns", "list-id"]),
        full("-all exec's headers", &["-all", "netns", "exec", "true"]),
    ]);
}

/// `sh -c 'ulimit -f 0; exec CMD >FILE'`: standard output a file that may not grow.
const NO_ROOM: &[&str] = &["sh", "-c", "ulimit -f 0; exec \"$@\" >/run/stdout", "sh"];

/// Output past the file-size limit is an error (SIGXFSZ, which would kill us without a word,
/// is ignored); a command we run starts with the signal as we got it.
#[test]
fn past_the_file_size_limit() {
    const A: &[Step] = &[Ns("a")];
    const KILLED: &str = "iproute2 is killed by SIGXFSZ without a word";
    let too_large = "write failed: File too large\n";
    run_table(&[
        case("list", &["netns", "list"])
            .wrapped(NO_ROOM)
            .given(A)
            .err(too_large)
            .code(1)
            .differs(KILLED),
        case("JSON list-id", &["-j", "netns", "list-id"])
            .wrapped(NO_ROOM)
            .given(A)
            .err(too_large)
            .code(1)
            .differs(KILLED),
        case("exec's command", &["netns", "exec", "a", "sh", "-c", "echo x"])
            .wrapped(NO_ROOM)
            .given(A)
            .signal(libc::SIGXFSZ),
        case("exec's command, the signal ignored", &["netns", "exec", "a", "sh", "-c", "echo x"])
            .wrapped(&["sh", "-c", "trap '' XFSZ; ulimit -f 0; exec \"$@\" >/run/stdout", "sh"])
            .given(A)
            .err(OneLine)
            .code(1),
    ]);
}

/// Started with SIGXFSZ blocked, the command exec runs starts with it blocked too, as under
/// ip: netns blocks it for itself, and unblocks it for the command only where it was not
/// blocked to begin with.
#[test]
fn a_blocked_file_size_signal_stays_blocked() {
    scenario(Compare::Full, false, |sb| {
        prepare(sb, &[Ns("a")]);
        let argv = os(&["netns", "exec", "a", "grep", "SigBlk", "/proc/self/status"]);
        let mut cmd = sb.command(&[], Via::Netns, &argv);
        crate::sandbox::blocking(&mut cmd, libc::SIGXFSZ);
        let seen = bounded::output(cmd);
        let mask = seen.out_str().trim().strip_prefix("SigBlk:").map(|m| m.trim().to_owned());
        let mask = mask.and_then(|m| u64::from_str_radix(&m, 16).ok());
        assert_eq!(mask, Some(1 << (libc::SIGXFSZ - 1)), "the command's blocked signals: {seen:?}");
        seen
    });
}

/// `monitor` may have nothing to print for a long time: it fails at once.
#[test]
fn closed_stdout_and_monitor() {
    scenario(Compare::Differs(LOST), false, |sb| {
        let seen =
            bounded::output(sb.command(CLOSED_STDOUT, Via::Netns, &os(&["netns", "monitor"])));
        assert_eq!(seen.err_str(), BAD_FD);
        assert_eq!(seen.status, Status::Code(1));
    });
}

/// A run directory that cannot be read lists nothing, and says why.
#[test]
fn unreadable_run_dir() {
    scenario(Compare::Differs("iproute2 lists nothing and exits 0"), false, |sb| {
        prepare(sb, &[Ns("a"), Id("a", 5)]);
        fs::set_permissions(RUN, fs::Permissions::from_mode(0o700)).expect("chmod 0700");
        for argv in [&["netns", "list"][..], &["-j", "netns", "list"], &["netns", "list-id"]] {
            let mut cmd = sb.command(&[], Via::Netns, &os(argv));
            cmd.uid(65534).gid(65534);
            let seen = bounded::output(cmd);
            let denied = "Failed to open directory /run/netns: Permission denied\n";
            assert_eq!(
                (seen.out_str(), seen.err_str(), seen.status),
                (String::new(), denied.into(), Status::Code(1)),
                "{argv:?} as nobody"
            );
            let mut cmd = sb.command(&[], Via::Netns, &os(argv));
            emulate::refusing(&mut cmd, &emulate::UNREADABLE_DIRS);
            let seen = bounded::output(cmd);
            let failed = "Failed to open directory /run/netns: Input/output error\n";
            assert_eq!(
                (seen.out_str(), seen.err_str(), seen.status),
                (String::new(), failed.into(), Status::Code(1)),
                "{argv:?} on a failing disk"
            );
        }
    });
}

#[test]
fn batch_files_that_cannot_be_read() {
    let long_line: &'static str =
        Box::leak(format!("{}\nnetns\n", "x".repeat(2 << 20)).into_boxed_str());
    let long: &'static [Step] = Box::leak(Box::new([Ns("a"), File("F", long_line)]));
    run_table(&[
        case("a directory", &["-b", "/run/work"])
            .named_ip()
            .err("Cannot read file \"/run/work\": Is a directory\n")
            .code(1)
            .differs("iproute2 reads it as an empty file"),
        case("an over-long line is that line's error", &["-force", "-b", "F"])
            .named_ip()
            .given(long)
            .out("a\n")
            .err("Line too long: over 1 MiB\nCommand failed F:1\n")
            .code(1)
            .differs("iproute2 reads any line, however long"),
    ]);
}

/// A line that never ends ends the batch, instead of all memory.
#[test]
fn batch_line_without_end() {
    scenario(Compare::Differs("iproute2 reads until memory runs out"), false, |sb| {
        let seen = bounded::output(sb.command(&[], Via::Ip, &os(&["-b", "/dev/zero"])));
        let expected = "Line too long: over 1 MiB\nCommand failed /dev/zero:1\n";
        assert_eq!(
            (seen.out_str(), seen.err_str(), seen.status),
            (String::new(), expected.into(), Status::Code(1))
        );
    });
}

/// A read error in the middle of a batch (here a terminal whose other side went away) is not
/// the end of the file: the lines read ran, and the error is said.
#[test]
fn batch_read_error_midway() {
    scenario(
        Compare::Differs("iproute2 takes it for the end of the file, and exits 0"),
        false,
        |sb| {
            prepare(sb, &[Ns("a")]);
            let (master, mut slave) = crate::sandbox::open_pty().expect("opening a pty");
            slave.write_all(b"netns list\n").expect("typing a line");
            drop(slave);
            let seen = bounded::output_from(sb.command(&[], Via::Ip, &os(&["-b", "-"])), master);
            let expected = (
                "a\n".to_string(),
                "Cannot read file \"-\": Input/output error\n".to_string(),
                Status::Code(1),
            );
            assert_eq!((seen.out_str(), seen.err_str(), seen.status), expected);
        },
    );
}

/// `-all exec` says in its status when a namespace could not be entered; a command that could
/// not be run, or failed, still does not count.
#[test]
fn all_exec_that_cannot_enter() {
    let denied = "setting the network namespace \"b\" failed: Operation not permitted\n\
                  setting the network namespace \"a\" failed: Operation not permitted\n";
    run_table(&[
        case("as nobody", &["-all", "netns", "exec", "true"])
            .unprivileged()
            .given(&[Ns("a"), Ns("b")])
            .out("\nnetns: b\n\nnetns: a\n")
            .err(denied)
            .code(1)
            .differs("iproute2 exits 0"),
        case("in a batch", &["-all", "-b", "-"])
            .named_ip()
            .unprivileged()
            .given(&[Ns("a"), Ns("b")])
            .stdin("netns exec true\n")
            .out("\nnetns: b\n\nnetns: a\n")
            .err(Box::leak(format!("{denied}Command failed -:1\n").into_boxed_str()) as &str)
            .code(1)
            .differs("iproute2 exits 0"),
    ]);
}

/// Entries that cannot be opened (too many open files here) are listed without an id, and
/// the others keep theirs.
#[test]
fn list_when_entries_cannot_be_opened() {
    const LIMITED: &[&str] = &["sh", "-c", "ulimit -n $LIMIT; exec \"$@\"", "sh"];
    const AB: &[Step] = &[Ns("a"), Id("a", 5), Ns("b"), Id("b", 6)];
    let emfile =
        |name: &str| format!("Cannot open network namespace \"{name}\": Too many open files\n");
    scenario(Compare::Differs("iproute2 opens one at a time"), false, |sb| {
        prepare(sb, AB);
        let limited = |limit: &str| {
            let mut cmd = sb.command(LIMITED, Via::Netns, &os(&["netns", "list"]));
            cmd.env("LIMIT", limit);
            bounded::output(cmd)
        };
        // Standard descriptors, the run directory, the netlink socket: then nothing is left.
        let none = limited("5");
        assert_eq!(
            (none.out_str(), none.err_str(), none.status),
            ("b\na\n".into(), emfile("b") + &emfile("a"), Status::Code(0))
        );
        let one = limited("6");
        assert_eq!(
            (one.out_str(), one.err_str(), one.status),
            ("b (id: 6)\na\n".into(), emfile("a"), Status::Code(0))
        );
        // Entries removed between reading the directory and opening them (strace makes every
        // open after the directory's say so) are listed without a word.
        let Some(strace) = emulate::strace("entries that vanish before they are opened") else {
            return;
        };
        let (program, args) = sb.command_line(Via::Netns, &os(&["netns", "list"]));
        let mut cmd = std::process::Command::new(strace);
        cmd.args(emulate::strace_injecting("openat:error=ENOENT:when=2+")).arg(program).args(args);
        let gone = bounded::output(cmd);
        assert_eq!(
            (gone.out_str(), gone.err_str(), gone.status),
            ("b\na\n".into(), String::new(), Status::Code(0))
        );
    });
}

/// JSON holds a name that is not UTF-8 as characters: each stray byte is the character of its
/// number. UTF-8 names pass as iproute2 writes them.
#[test]
fn json_of_names_that_are_not_utf8() {
    scenario(Compare::Differs("iproute2 writes the raw bytes, which is not JSON"), false, |sb| {
        sb.ns_bytes(b"caf\xe9");
        sb.ns("\u{e9}t\u{e9}");
        sb.nsid(None, "\u{e9}t\u{e9}", 2);
        let list = bounded::run(sb, &["-j", "netns", "list"]);
        assert_eq!(
            list.out_str(),
            "[{\"name\":\"\u{e9}t\u{e9}\",\"id\":2},{\"name\":\"caf\\u00e9\"}]\n"
        );
        let set = os_bytes(&[b"netns", b"set", b"caf\xe9", b"3"]);
        assert_eq!(bounded::output(sb.command(&[], Via::Netns, &set)), Observed::quiet_success());
        let ids = bounded::run(sb, &["-j", "netns", "list-id"]);
        assert_eq!(
            ids.out_str(),
            "[{\"nsid\":2,\"name\":\"\u{e9}t\u{e9}\"},{\"nsid\":3,\"name\":\"caf\\u00e9\"}]\n"
        );
    });
}
