//! What a run killed half way leaves, and how the next run takes it over: a run directory
//! bound onto itself but not yet separated from /run's peer group or not yet shared, and the
//! placeholder of an add killed before its bind. And `add` inside a user namespace, where a
//! process may make a namespace but not go back to the one it came from.
//!
//! The states are made here by hand, as the killed run left them (the fault injection in
//! faults.rs kills real runs at each step).

use std::fs::{self, OpenOptions};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::process::Command;

use crate::harness::*;
use crate::sandbox;
use crate::table::*;

/// The mounts on the run directory and on each name, and whether the run directory is shared
/// in a peer group of its own rather than in /run's.
#[derive(Debug, PartialEq)]
struct Mounts {
    run_dir: usize,
    names: Vec<(String, usize)>,
    own_group: bool,
}

fn mounts_now() -> Mounts {
    let all = mounts();
    let group = |point: &str| {
        all.iter().rev().find(|m| m.point == point).and_then(|m| m.peer_group().map(String::from))
    };
    let mut names: Vec<(String, usize)> = Vec::new();
    for m in all.iter().filter(|m| m.point.starts_with("/run/netns/")) {
        let name = m.point["/run/netns/".len()..].to_string();
        match names.iter_mut().find(|(n, _)| *n == name) {
            Some((_, count)) => *count += 1,
            None => names.push((name, 1)),
        }
    }
    names.sort();
    let run_dir = all.iter().filter(|m| m.point == RUN).count();
    let own_group = group(RUN).is_some() && group(RUN) != group("/run");
    Mounts { run_dir, names, own_group }
}

fn shared_run() {
    sandbox::mount(None, "/run", None, libc::MS_SHARED, None).expect("making /run shared");
}

/// What a run killed right after `mount --bind /var/run/netns /var/run/netns` leaves under a
/// shared /run: the run directory's mount in /run's peer group.
fn bound_into_runs_group() {
    fs::create_dir_all(RUN).expect("creating the run dir");
    sandbox::mount(Some(RUN), RUN, None, libc::MS_BIND | libc::MS_REC, None)
        .expect("binding the run dir onto itself");
}

fn one_each(names: &[&str]) -> Mounts {
    let names = names.iter().map(|n| (n.to_string(), 1)).collect();
    Mounts { run_dir: 1, names, own_group: true }
}

/// `netns add NAME`, which must succeed.
type Add<'a> = &'a dyn Fn(&Sandbox, &str);

/// How an add finds the run directory's state: statx and statmount where the kernel has them
/// (Linux 6.8), else /proc/self/mountinfo. The second way is forced by failing statx under
/// strace, where strace is installed.
fn each_way(why: &'static str, test: fn(&mut Sandbox, Add<'_>)) {
    const MOUNTINFO: &[&str] =
        &["strace", "-f", "-qq", "-o", "/dev/null", "-e", "inject=statx:error=ENOSYS", "--"];
    let strace = Command::new("strace").arg("-V").output().is_ok();
    let ways: &[&[&str]] = if strace { &[&[], MOUNTINFO] } else { &[&[]] };
    for pre in ways {
        let add = |sb: &Sandbox, name: &str| {
            let seen = sb.output(sb.command(pre, Via::Netns, &os(&["netns", "add", name])), None);
            assert_eq!(seen, Observed::quiet_success(), "add {name} (wrapped in {pre:?})");
        };
        scenario(Compare::Differs(why), false, |sb| test(sb, &add));
    }
}

#[test]
fn a_run_dir_killed_after_its_bind_is_separated() {
    each_way("iproute2 6.1 never separates the run dir", |sb, add| {
        shared_run();
        bound_into_runs_group();
        assert!(!mounts_now().own_group, "the stage: the run dir is in /run's group");
        add(sb, "a");
        add(sb, "b");
        assert_eq!(mounts_now(), one_each(&["a", "b"]), "one mount per name, a group of its own");
        sb.ok(&["netns", "delete", "a"]);
        assert_eq!(mounts_now(), one_each(&["b"]));
    });
}

#[test]
fn a_run_dir_killed_before_it_was_shared_is_shared() {
    each_way("iproute2 6.1 never makes the run dir private", |sb, add| {
        shared_run();
        bound_into_runs_group();
        sandbox::mount(None, RUN, None, libc::MS_PRIVATE | libc::MS_REC, None)
            .expect("making the run dir private");
        add(sb, "a");
        assert_eq!(mounts_now(), one_each(&["a"]));
    });
}

/// iproute2 6.1 leaves the run directory in /run's group, each namespace mounted twice (once
/// hidden under the run directory, in /run). Separating the run directory then would keep
/// `delete` from reaching the hidden copies, which would keep the namespaces alive: it stays
/// as it is until its last namespace is gone, and is separated then.
#[test]
fn a_run_dir_in_runs_group_with_namespaces_waits_until_empty() {
    each_way("iproute2 6.1 never separates the run dir", |sb, add| {
        shared_run();
        bound_into_runs_group();
        sb.ns("old");
        let twice = |names: &[&str]| Mounts {
            run_dir: 1,
            names: names.iter().map(|n| (n.to_string(), 2)).collect(),
            own_group: false,
        };
        assert_eq!(mounts_now(), twice(&["old"]), "the stage: iproute2 6.1's mounts");
        add(sb, "new");
        assert_eq!(mounts_now(), twice(&["new", "old"]), "the group is kept while names live");
        sb.ok(&["netns", "delete", "old"]);
        sb.ok(&["netns", "delete", "new"]);
        assert_eq!(mounts_now(), Mounts { names: Vec::new(), ..twice(&[]) }, "both copies go");
        add(sb, "x");
        assert_eq!(mounts_now(), one_each(&["x"]), "separated once empty");
    });
}

/// A placeholder made as an add under the lock makes it: empty, mode 0400.
fn placeholder(name: &str, mode: u32) {
    let path = path_in_run(name);
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&path)
        .unwrap_or_else(|e| panic!("creating {path:?}: {e}"));
    fs::set_permissions(&path, fs::Permissions::from_mode(mode)).expect("setting its mode");
}

#[test]
fn the_placeholder_of_a_killed_add_is_taken_over() {
    scenario(Compare::Differs("iproute2 never takes a placeholder over"), false, |sb| {
        sb.ok(&["netns", "add", "a"]);
        placeholder("x", 0o400);
        let add = sb.run(&["netns", "add", "x"]);
        assert_eq!(add, Observed::quiet_success(), "add over a killed add's placeholder");
        Check::is_netns("/run/netns/x").assert();
        assert_eq!(mounts_now(), one_each(&["a", "x"]));
    });
}

/// Anything else in a name's place stays, and `add` fails as ip's does: iproute2's placeholder
/// (mode 0, made without the lock, so it may belong to an add still running), a file that is
/// not empty, a namespace.
#[test]
fn other_files_are_not_taken_over() {
    let exists = "Cannot create namespace file \"/run/netns/x\": File exists\n";
    scenario(Compare::Full, false, |sb| {
        sb.ok(&["netns", "add", "a"]);
        placeholder("x", 0);
        let mode0 = sb.run(&["netns", "add", "x"]);
        assert_eq!((mode0.err_str().as_str(), mode0.status), (exists, Status::Code(1)));
        fs::remove_file(path_in_run("x")).expect("removing the placeholder");
        placeholder("x", 0o400);
        fs::write(path_in_run("x"), b"data").expect("writing to it");
        let full = sb.run(&["netns", "add", "x"]);
        assert_eq!((full.err_str().as_str(), full.status), (exists, Status::Code(1)));
        let ns = sb.run(&["netns", "add", "a"]);
        assert_eq!(ns.status, Status::Code(1), "add of an existing namespace: {ns:?}");
        assert_eq!(fs::read(path_in_run("x")).expect("reading x"), b"data");
        (mode0, full, ns)
    });
}

/// In a user namespace a process may make a network namespace but not go back to the one it
/// came from (owned by the initial user namespace), which is how iproute2 does it ("setns:
/// Operation not permitted"). Ours never leaves its own.
#[test]
fn add_inside_a_user_namespace() {
    scenario(
        Compare::Differs("iproute2 cannot switch back inside a user namespace"),
        false,
        |sb| {
            let script = "$NETNS add u && $NETNS exec u true && $NETNS list && $NETNS delete u \
                          && $NETNS list";
            let cmd = sb.as_nobody_in_a_user_namespace(script);
            let seen = sb.output(cmd, None);
            assert_eq!(seen.err_str(), "", "as nobody in a user namespace: {seen:?}");
            assert_eq!((seen.out_str().as_str(), seen.status), ("u\n", Status::Code(0)));
        },
    );
}
