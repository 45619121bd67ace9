//! `add NAME` and `attach NAME PID`: the run directory, the namespace file, and every failure
//! leaving nothing behind.

use crate::harness::*;
use crate::table::*;

#[test]
fn add() {
    let made_x: &[Check] = &[
        Check::is_netns("/run/netns/x"),
        Check::mode(RUN, 0o755),
        Check::mode("/run/netns/x", 0o444),
    ];
    run_table(&[
        case("first add makes the run dir and the namespace", &["netns", "add", "x"]).then(made_x),
        case("add next to others", &["netns", "add", "x"]).given(&[Ns("a")]).then(made_x),
        case("a is add", &["netns", "a", "x"]).then(made_x),
        case("under the name ip", &["netns", "add", "x"]).named_ip().then(made_x),
        case("extra words are ignored", &["netns", "add", "x", "y"])
            .then(&[Check::entries(&["x"])]),
        case("no name", &["netns", "add"]).err("No netns name specified\n").code(1),
        case("existing name", &["netns", "add", "x"])
            .given(&[Ns("x")])
            .err("Cannot create namespace file \"/run/netns/x\": File exists\n")
            .code(1)
            .then(&[Check::is_netns("/run/netns/x")]),
        case("run dir is a regular file", &["netns", "add", "x"])
            .given(&[RunDirIsFile])
            .err("Cannot open netns runtime directory \"/run/netns\": Not a directory\n")
            .code(1),
        case("read-only /run, no run dir", &["netns", "add", "x"])
            .given(&[ReadOnlyRun])
            .err("mkdir /run/netns failed: Read-only file system\n")
            .code(1)
            .then(&[Check::absent(RUN)]),
        case("read-only /run with a run dir", &["netns", "add", "x"])
            .given(&[RunDir, ReadOnlyRun])
            .err("Cannot create namespace file \"/run/netns/x\": Read-only file system\n")
            .code(1)
            .then(&[Check::entries(&[])]),
        case("full /run, no run dir", &["netns", "add", "x"])
            .given(&[FullRun])
            .err("mkdir /run/netns failed: No space left on device\n")
            .code(1)
            .then(&[Check::absent(RUN)]),
        case("full /run with a run dir", &["netns", "add", "x"])
            .given(&[RunDir, FullRun])
            .err("Cannot create namespace file \"/run/netns/x\": No space left on device\n")
            .code(1)
            .then(&[Check::entries(&[])]),
        case("a failed bind leaves no file", &["netns", "add", "x"])
            .given(&[RunDir, NoProc])
            .err("Bind /proc/self/ns/net -> /run/netns/x failed: No such file or directory\n")
            .code(1)
            .then(&[Check::entries(&[])])
            .differs("iproute2 leaves an empty file when /proc is missing"),
    ]);
}

#[test]
fn attach_errors() {
    let nothing: &[Check] = &[Check::entries(&[])];
    run_table(&[
        case("no name, no pid", &["netns", "attach"])
            .err("No netns name and PID specified\n")
            .code(1),
        case("no pid", &["netns", "attach", "x"]).err("No netns name and PID specified\n").code(1),
        case("pid 0", &["netns", "attach", "x", "0"]).err("Invalid PID: 0\n").code(1),
        case("pid abc", &["netns", "attach", "x", "abc"]).err("Invalid PID: abc\n").code(1),
        case("pid 1x", &["netns", "attach", "x", "1x"]).err("Invalid PID: 1x\n").code(1),
        case("pid self", &["netns", "attach", "x", "self"]).err("Invalid PID: self\n").code(1),
        case("pid beyond 32 bits", &["netns", "attach", "x", "99999999999999999999"])
            .err("Invalid PID: 99999999999999999999\n")
            .code(1),
        case("pid 2^31", &["netns", "attach", "x", "2147483648"])
            .err("Invalid PID: 2147483648\n")
            .code(1),
        case("negative pid: no such process, file removed", &["netns", "attach", "x", "-5"])
            .err("Bind /proc/-5/ns/net -> /run/netns/x failed: No such file or directory\n")
            .code(1)
            .then(nothing),
        case("missing process, file removed", &["netns", "attach", "x", "2147483647"])
            .err("Bind /proc/2147483647/ns/net -> /run/netns/x failed: No such file or directory\n")
            .code(1)
            .then(nothing),
        case("existing name", &["netns", "attach", "x", "1"])
            .given(&[Ns("x")])
            .err("Cannot create namespace file \"/run/netns/x\": File exists\n")
            .code(1),
    ]);
}

/// attach names a running process's namespace; several names may share one namespace, and
/// identify reports the last of them in directory order.
#[test]
fn attach_names_a_process_namespace() {
    scenario(Compare::Full, false, |sb| {
        sb.ns("a");
        let pid = sb.sleeper("a");
        let attach = sb.run(&["netns", "attach", "b", &pid.to_string()]);
        assert_eq!(attach, Observed::quiet_success());
        assert_eq!(sb.inode("/run/netns/b"), sb.inode("/run/netns/a"), "b is a's namespace");
        // Hexadecimal is accepted (strtol base 0).
        let hex = sb.run(&["netns", "attach", "c", &format!("{pid:#x}")]);
        assert_eq!(hex.status, Status::Code(0), "attach with a hex pid: {hex:?}");
        assert_eq!(sb.inode("/run/netns/c"), sb.inode("/run/netns/a"), "c is a's namespace");
        let identify = sb.run(&["netns", "identify", &pid.to_string()]);
        let last = format!("{}\n", dir_order().last().expect("three names"));
        assert_eq!(identify.out_str(), last, "the last match in directory order wins");
        (attach.out, hex.err, identify.out)
    });
}

/// The run directory is a shared mount point of its own, and each namespace one mount on it.
fn run_dir_mounts() -> (usize, Vec<String>, usize) {
    let all = mounts();
    let run_dir: Vec<_> = all.iter().filter(|m| m.point == RUN).collect();
    let groups =
        run_dir.iter().map(|m| m.peer_group().unwrap_or("not shared").to_string()).collect();
    let files = all.iter().filter(|m| m.point.starts_with("/run/netns/")).count();
    (run_dir.len(), groups, files)
}

#[test]
fn parallel_adds() {
    scenario(Compare::Full, false, |sb| {
        let mut children: Vec<_> = (0..64)
            .map(|i| {
                let mut cmd =
                    sb.command(&[], Via::Netns, &os(&["netns", "add", &format!("ns{i}")]));
                cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
                (cmd.spawn().expect("spawning an add"), format!("{cmd:?}"))
            })
            .collect();
        let results: Vec<Observed> = children
            .drain(..)
            .map(|(child, what)| Observed::from_output(finish(child, &what)))
            .collect();
        for (i, r) in results.iter().enumerate() {
            assert_eq!(*r, Observed::quiet_success(), "add ns{i}");
        }
        let list = sb.run(&["netns", "list"]);
        let mut names: Vec<String> = list.out_str().lines().map(String::from).collect();
        names.sort();
        let mut want: Vec<String> = (0..64).map(|i| format!("ns{i}")).collect();
        want.sort();
        assert_eq!(names, want, "list shows the 64 namespaces");
        let (dirs, groups, files) = run_dir_mounts();
        assert_eq!(dirs, 1, "exactly one mount on the run dir, got {groups:?}");
        assert_ne!(groups[0], "not shared", "the run dir is a shared mount");
        assert_eq!(files, 64, "exactly one mount per namespace file");
        (names, dirs, files)
    });
}

/// With /run a shared mount (as systemd makes it), the run dir still gets a peer group of its
/// own and each namespace appears once (iproute2 6.1 joins /run's group and mounts twice).
#[test]
fn add_under_a_shared_run() {
    scenario(Compare::Differs("run dir gets its own peer group"), false, |sb| {
        crate::sandbox::mount(None, "/run", None, libc::MS_SHARED, None)
            .expect("making /run shared");
        let run_group = mounts()
            .iter()
            .rev()
            .find(|m| m.point == "/run")
            .and_then(|m| m.peer_group().map(String::from));
        sb.ok(&["netns", "add", "a"]);
        sb.ok(&["netns", "add", "b"]);
        let (dirs, groups, files) = run_dir_mounts();
        assert_eq!(dirs, 1, "one mount on the run dir");
        assert!(groups[0] != "not shared", "the run dir is a shared mount");
        assert_ne!(
            Some(groups[0].clone()),
            run_group,
            "the run dir has its own peer group, not /run's"
        );
        assert_eq!(files, 2, "one mount per namespace");
        assert_eq!(sb.run(&["netns", "exec", "a", "true"]).status, Status::Code(0));
    });
}

/// The run dir is made with its parents (our build-time run dir is /var/run/netns: with /var
/// hidden under an empty tmpfs, /var/run does not exist).
#[test]
fn add_makes_the_run_dir_with_parents() {
    scenario(Compare::Differs("run dir created with mkdir -p"), false, |sb| {
        crate::sandbox::mount(Some("tmpfs"), "/var", Some("tmpfs"), 0, None).expect("hiding /var");
        let add = sb.run(&["netns", "add", "a"]);
        assert_eq!(add, Observed::quiet_success(), "add with no /var/run");
        Check::is_netns("/var/run/netns/a").assert();
        assert_eq!(
            sb.run(&["netns", "exec", "a", "true"]).status,
            Status::Code(0),
            "the namespace is usable"
        );
    });
}
