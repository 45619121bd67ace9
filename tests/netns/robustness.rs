//! Bad input and hostile surroundings: never a panic, one line of error, no file left behind,
//! and output into a closed pipe ends quietly.

use std::process::Stdio;

use crate::harness::*;
use crate::table::*;

#[test]
fn odd_arguments() {
    let huge_name = "n".repeat(4096);
    run_table(&[
        case("a 4096-byte name", &["netns", "add", &huge_name])
            .err(format!("Invalid netns name \"{huge_name}\"\n"))
            .code(255)
            .then(&[Check::absent(RUN)]),
        case("a non-UTF-8 command", &["netns", "exec", "a", "x"])
            .argv_os(os_bytes(&[b"netns", b"exec", b"a", b"\xff\xfe"]))
            .given(&[Ns("a")])
            .err(has("failed: No such file or directory"))
            .code(1),
        case("a non-UTF-8 argument", &[])
            .argv_os(os_bytes(&[
                b"netns",
                b"exec",
                b"a",
                b"sh",
                b"-c",
                b"test \"$0\" = \"$(printf '\\377')\"",
                b"\xff",
            ]))
            .given(&[Ns("a")]),
        case("a non-UTF-8 subcommand", &[])
            .argv_os(os_bytes(&[b"netns", b"\xff"]))
            .err(OneLine)
            .code(255)
            .compare(Compare::StatusOnly),
        case("a non-UTF-8 option", &[])
            .argv_os(os_bytes(&[b"-\xff", b"netns"]))
            .err(OneLine)
            .code(255)
            .compare(Compare::StatusOnly),
        case("-n with a non-UTF-8 missing name", &[])
            .argv_os(os_bytes(&[b"-n", b"\xff", b"netns"]))
            .err(OneLine)
            .code(255)
            .compare(Compare::StatusOnly),
        case("run dir is a file: delete", &["netns", "del", "a"])
            .given(&[RunDirIsFile])
            .err("Cannot remove namespace file \"/run/netns/a\": Not a directory\n")
            .code(1),
        case("run dir is a file: exec", &["netns", "exec", "a", "true"])
            .given(&[RunDirIsFile])
            .err("Cannot open network namespace \"a\": Not a directory\n")
            .code(255),
        case("run dir is a file: attach", &["netns", "attach", "a", "1"])
            .given(&[RunDirIsFile])
            .err("Cannot open netns runtime directory \"/run/netns\": Not a directory\n")
            .code(1),
    ]);
}

/// Output into a pipe nobody reads ends quietly: no panic, no message.
#[test]
fn closed_pipe_ends_quietly() {
    scenario(Compare::Full, false, |sb| {
        prepare(sb, &[Ns("a"), Id("a", 3), Ns("b")]);
        let pid = sb.sleeper("a").to_string();
        let commands: [&[&str]; 7] = [
            &["netns", "list"],
            &["-j", "netns", "list"],
            &["-j", "-p", "netns", "list"],
            &["netns", "list-id"],
            &["-j", "netns", "list-id"],
            &["netns", "identify", &pid],
            &["netns", "pids", "a"],
        ];
        let mut seen = Vec::new();
        for argv in commands {
            let (reader, writer) = std::io::pipe().expect("creating a pipe");
            drop(reader);
            let mut cmd = sb.command(&[], Via::Netns, &os(argv));
            cmd.stdin(Stdio::null()).stdout(writer).stderr(Stdio::piped());
            let child = cmd.spawn().expect("spawning");
            drop(cmd);
            let ended = Observed::from_output(finish(child, &format!("{argv:?} into a pipe")));
            assert_eq!(ended.err_str(), "", "{argv:?} into a closed pipe: stderr");
            assert!(!ended.panicked(), "{argv:?} into a closed pipe panicked: {ended:?}");
            seen.push(ended.err_str());
        }
        // The command we exec keeps the SIGPIPE action we were started with, as under ip:
        // by default `yes` dies of it; started with SIGPIPE ignored, it sees EPIPE and exits 1.
        let yes_into_closed_pipe = |pre: &[&str]| -> Status {
            let (reader, writer) = std::io::pipe().expect("creating a pipe");
            drop(reader);
            let mut cmd = sb.command(pre, Via::Netns, &os(&["netns", "exec", "a", "yes"]));
            cmd.stdin(Stdio::null()).stdout(writer).stderr(Stdio::null());
            run_bounded(&mut cmd).status.into()
        };
        let status = yes_into_closed_pipe(&[]);
        assert_eq!(status, Status::Signal(libc::SIGPIPE), "exec a yes into a closed pipe");
        let ignored = yes_into_closed_pipe(&["sh", "-c", "trap '' PIPE; exec \"$@\"", "sh"]);
        assert_eq!(ignored, Status::Code(1), "the same, SIGPIPE ignored");
        (seen, status, ignored)
    });
}

/// Under a descriptor limit below the three standard ones, a command that opens nothing
/// works (and one that must open something says why it cannot).
#[test]
fn descriptor_limit_below_three() {
    const LIMIT: &[&str] = &["sh", "-c", "ulimit -n 2; exec \"$@\"", "sh"];
    const LOADER: &str = "iproute2, linked dynamically, cannot open its libraries";
    run_table(&[
        case("delete", &["netns", "delete", "a"])
            .wrapped(LIMIT)
            .given(&[Ns("a")])
            .then(&[Check::entries(&[])])
            .differs(LOADER),
        case("list", &["netns", "list"])
            .wrapped(LIMIT)
            .given(&[Ns("a")])
            .err("Failed to open directory /run/netns: Too many open files\n")
            .code(1)
            .differs(LOADER),
    ]);
}

/// `-all delete` holds each namespace open while it removes the names, as many as there are
/// descriptors to spare: under a limit of 8, too few for ten, and every name still goes.
#[test]
fn all_delete_under_a_descriptor_limit() {
    const TEN: &[Step] = &[
        Ns("n0"),
        Ns("n1"),
        Ns("n2"),
        Ns("n3"),
        Ns("n4"),
        Ns("n5"),
        Ns("n6"),
        Ns("n7"),
        Ns("n8"),
        Ns("n9"),
    ];
    run_table(&[case("every namespace", &["-all", "netns", "delete"])
        .wrapped(&["sh", "-c", "ulimit -n 8; exec \"$@\"", "sh"])
        .given(TEN)
        .then(&[Check::entries(&[])])]);
}

/// Under every address-space limit (`ulimit -v`) from the least we can start under up, with
/// 1000 names to read, each command succeeds or says in one line what it could not get, with
/// status 1: never an abort; and an add that failed leaves no file.
#[test]
fn address_space_limits() {
    scenario(Compare::Differs("ours only: the limits are our binary's"), false, |sb| {
        let lines: String = (0..1000).map(|i| format!("netns add n{i}\n")).collect();
        let batch = sb.run_with(&[], Via::Ip, &os(&["-b", "-"]), Some(lines.as_bytes()));
        assert_eq!(batch, Observed::quiet_success(), "adding 1000 names");
        let limited = |kib: u32, argv: &[&str]| {
            let script = format!("ulimit -v {kib}; exec \"$@\"");
            sb.output(sb.command(&["sh", "-c", &script, "sh"], Via::Netns, &os(argv)), None)
        };
        // Below the least, the kernel cannot even load the program (SIGSEGV at exec).
        let least = (256..8192)
            .step_by(16)
            .find(|kib| limited(*kib, &["-V"]).status == Status::Code(0))
            .expect("no limit under 8 MiB lets netns -V run");
        let commands: [&[&str]; 4] = [
            &["netns", "list"],
            &["-j", "netns", "list"],
            &["netns", "identify"],
            &["netns", "add", "x"],
        ];
        let (mut problems, mut refused, mut done) = (Vec::new(), 0, 0);
        for kib in (least..least + 1536).step_by(32) {
            for argv in commands {
                let seen = limited(kib, argv);
                let one_line = seen.err_str().lines().count() == 1;
                let fine = match seen.status {
                    Status::Code(0) => seen.err.is_empty(),
                    Status::Code(1) => one_line && !seen.panicked(),
                    _ => false,
                };
                (refused, done) = match seen.status {
                    Status::Code(0) => (refused, done + 1),
                    _ => (refused + 1, done),
                };
                let added = path_in_run("x").exists();
                if !fine || (added && seen.status != Status::Code(0)) {
                    problems.push(format!("ulimit -v {kib}, {argv:?}: {seen:?}, x left: {added}"));
                }
                if added {
                    sb.ok(&["netns", "delete", "x"]);
                }
            }
        }
        assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
        // The sweep must cross from too little to enough, or it tried nothing.
        assert!(refused > 0 && done > 0, "{refused} refused, {done} done from {least} KiB");
    });
}

/// As an unprivileged user (nobody) every command fails with iproute2's message.
#[test]
fn unprivileged() {
    const FIRST: &[Step] = &[Ns("first")];
    run_table(&[
        case("add, no run dir", &["netns", "add", "u"])
            .unprivileged()
            .err("mkdir /run/netns failed: Permission denied\n")
            .code(1)
            .then(&[Check::absent(RUN)]),
        case("add with a run dir", &["netns", "add", "u"])
            .unprivileged()
            .given(&[RunDir])
            .err("mount --make-shared /run/netns failed: Operation not permitted\n")
            .code(1)
            .then(&[Check::entries(&[])]),
        case("delete", &["netns", "del", "first"])
            .unprivileged()
            .given(FIRST)
            .err("Cannot remove namespace file \"/run/netns/first\": Permission denied\n")
            .code(1)
            .then(&[Check::is_netns("/run/netns/first")]),
        case("set", &["netns", "set", "first", "3"])
            .unprivileged()
            .given(FIRST)
            .err("RTNETLINK answers: Operation not permitted\n")
            .code(2),
        case("exec", &["netns", "exec", "first", "true"])
            .unprivileged()
            .given(FIRST)
            .err("setting the network namespace \"first\" failed: Operation not permitted\n")
            .code(255),
        case("list works", &["netns"]).unprivileged().given(FIRST).out("first\n"),
    ]);
}
