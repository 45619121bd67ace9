//! `exec NAME cmd ...`: argument errors, status passthrough, PATH and environment, /sys and
//! /etc/netns, and that the command replaces our process and inherits none of our descriptors.

use crate::harness::*;
use crate::table::*;

const A: &[Step] = &[Ns("a")];

#[test]
fn exec_cases() {
    let in_a = |what, argv: &[&str]| case(what, argv).given(A);
    run_table(&[
        case("no name", &["netns", "exec"]).err("No netns name specified\n").code(1),
        in_a("no command", &["netns", "exec", "a"]).err("No command specified\n").code(1),
        case("-all, no command", &["-all", "netns", "exec"]).given(A).err("No command specified\n").code(1),
        case("missing namespace", &["netns", "exec", "nope", "true"])
            .err("Cannot open network namespace \"nope\": No such file or directory\n")
            .code(255),
        case("not a namespace", &["netns", "exec", "plain", "true"])
            .given(&[Plain("plain")])
            .err("setting the network namespace \"plain\" failed: Invalid argument\n")
            .code(255),
        in_a("true", &["netns", "exec", "a", "true"]),
        in_a("false: status 1", &["netns", "exec", "a", "false"]).code(1),
        in_a("status passes through", &["netns", "exec", "a", "sh", "-c", "exit 42"]).code(42),
        in_a("death by signal passes through", &["netns", "exec", "a", "sh", "-c", "kill -TERM $$"]).signal(libc::SIGTERM),
        in_a("output", &["netns", "exec", "a", "echo", "hi"]).out("hi\n"),
        in_a("e is exec", &["netns", "e", "a", "echo", "hi"]).out("hi\n"),
        in_a("under the name ip", &["netns", "exec", "a", "echo", "hi"]).named_ip().out("hi\n"),
        in_a("options after the command are the command's", &["netns", "exec", "a", "sh", "-c", "echo $0 $1", "-j", "-all"])
            .out("-j -all\n"),
        in_a("stderr passes through", &["netns", "exec", "a", "sh", "-c", "echo oops >&2; exit 3"]).err("oops\n").code(3),
        in_a("stdin passes through", &["netns", "exec", "a", "cat"]).stdin("typed\n").out("typed\n"),
        in_a("missing command", &["netns", "exec", "a", "nonexistentcmd"])
            .err("exec of \"nonexistentcmd\" failed: No such file or directory\n")
            .code(1),
        in_a("empty command", &["netns", "exec", "a", ""]).err("exec of \"\" failed: No such file or directory\n").code(1),
        in_a("a directory", &["netns", "exec", "a", "/etc"]).err("exec of \"/etc\" failed: Permission denied\n").code(1),
        in_a("without PATH the default path is searched", &["netns", "exec", "a", "env"]).wrapped(&["env", "-i"]),
        in_a("an empty PATH finds nothing", &["netns", "exec", "a", "env"])
            .wrapped(&["env", "-i", "PATH="])
            .err("exec of \"env\" failed: No such file or directory\n")
            .code(1),
        in_a("the environment is untouched", &["netns", "exec", "a", "/usr/bin/env"])
            .wrapped(&["env", "-i", "FOO=bar"])
            .out("FOO=bar\n"),
        in_a("the command sees the namespace's name", &["netns", "exec", "a", "sh", "-c", "$NETNS identify"]).out("a\n"),
        case("/etc/netns/NAME files are bound over /etc", &["netns", "exec", "a", "cat", "/etc/resolv.conf"])
            .given(&[Ns("a"), File("/etc/netns/a/resolv.conf", "nameserver 198.18.0.53\n")])
            .out("nameserver 198.18.0.53\n"),
        case("/etc/netns of another namespace is not used", &["netns", "exec", "a", "cat", "/etc/netns/b/resolv.conf"])
            .given(&[Ns("a"), Ns("b"), File("/etc/netns/b/resolv.conf", "nameserver 198.18.0.54\n")])
            .out("nameserver 198.18.0.54\n"),
        case("a missing /etc target is reported, not fatal", &["netns", "exec", "a", "echo", "ran"])
            .given(&[Ns("a"), MkDir("/etc/netns/a/netns-test-sub"), File("/etc/netns/a/netns-test-nonexist", "x")])
            .out("ran\n")
            .err(
                "Bind /etc/netns/a/netns-test-nonexist -> /etc/netns-test-nonexist failed: No such file or directory\n\
                 Bind /etc/netns/a/netns-test-sub -> /etc/netns-test-sub failed: No such file or directory\n",
            ),
    ]);
}

/// The command runs in the namespace (same inode as the name), with /sys remounted for it.
#[test]
fn exec_enters_the_namespace_and_remounts_sys() {
    scenario(Compare::Full, false, |sb| {
        prepare(sb, A);
        let inode = sb.run(&["netns", "exec", "a", "stat", "-L", "-c", "%i", "/proc/self/ns/net"]);
        assert_eq!(
            inode.out_str().trim(),
            sb.inode("/run/netns/a").to_string(),
            "the command's netns is a: {inode:?}"
        );
        let info = sb.run(&["netns", "exec", "a", "cat", "/proc/self/mountinfo"]);
        let sys: Vec<(String, String)> = parse_mountinfo(&info.out_str())
            .into_iter()
            .filter(|m| m.point == "/sys" || m.point.starts_with("/sys/"))
            .map(|m| (m.point, format!("{} {}", m.fstype, m.source)))
            .collect();
        assert_eq!(
            sys,
            vec![("/sys".to_string(), "sysfs a".to_string())],
            "one sysfs on /sys, source a, no submounts"
        );
        let net = sb.run(&["netns", "exec", "a", "ls", "/sys/class/net"]);
        assert_eq!(net.out_str(), "lo\n", "/sys shows the namespace's devices");
        (inode.status, sys, net)
    });
}

/// The program becomes the command: same pid (no fork, no wait).
#[test]
fn exec_replaces_the_process() {
    scenario(Compare::Full, false, |sb| {
        prepare(sb, A);
        let o = sb.sh("echo $$; exec $NETNS exec a sh -c 'echo $$'");
        let lines: Vec<&str> =
            o.out.split(|&c| c == b'\n').map(|l| std::str::from_utf8(l).unwrap_or("?")).collect();
        assert_eq!(lines.len(), 3, "two pids: {o:?}");
        assert_eq!(lines[0], lines[1], "the command has the pid the shell exec'd into");
        (o.err, o.status)
    });
}

/// No descriptor of ours reaches the command: it sees the same descriptors as when started
/// directly, and none is a socket, an inotify, a namespace or the run dir.
#[test]
fn exec_leaks_no_descriptors() {
    scenario(Compare::Full, false, |sb| {
        prepare(sb, A);
        let script = "cd /proc/$$/fd && for f in *; do echo \"$f $(readlink $f)\"; done";
        let direct = sb.sh(script);
        let via = sb.run(&["netns", "exec", "a", "sh", "-c", script]);
        let numbers = |o: &Observed| -> Vec<String> {
            o.out_str().lines().filter_map(|l| l.split(' ').next().map(String::from)).collect()
        };
        assert_eq!(
            numbers(&via),
            numbers(&direct),
            "descriptors under exec: {via:?}, direct: {direct:?}"
        );
        for line in via.out_str().lines() {
            for bad in ["socket:", "anon_inode:", "net:[", "mnt:[", "netns"] {
                assert!(!line.contains(bad), "leaked descriptor {line:?}");
            }
        }
        numbers(&via)
    });
}

/// In a chroot whose `/` is not a mount point and which has no /sys, the command still runs,
/// in the namespace.
#[test]
fn exec_in_a_chroot_without_sys() {
    use crate::sandbox::mount;
    use std::fs;
    scenario(Compare::Differs("iproute2 gives up when /sys cannot be mounted"), false, |sb| {
        prepare(sb, A);
        let root = "/run/root";
        for dir in ["usr", "proc", "run/netns", "var"] {
            fs::create_dir_all(format!("{root}/{dir}")).expect("building the chroot");
        }
        for (from, to) in [("/usr", "usr"), ("/proc", "proc"), (RUN, "run/netns")] {
            mount(Some(from), format!("{root}/{to}"), None, libc::MS_BIND | libc::MS_REC, None)
                .unwrap_or_else(|e| panic!("binding {from} into the chroot: {e}"));
        }
        for (link, target) in [
            ("bin", "usr/bin"),
            ("lib", "usr/lib"),
            ("lib64", "usr/lib64"),
            ("sbin", "usr/sbin"),
            ("var/run", "../run"),
        ] {
            std::os::unix::fs::symlink(target, format!("{root}/{link}"))
                .expect("linking in the chroot");
        }
        fs::write(format!("{root}/netns"), b"").expect("creating the binary's mount point");
        mount(Some(BIN), format!("{root}/netns"), None, libc::MS_BIND, None)
            .expect("binding the binary");
        let mut cmd = std::process::Command::new("chroot");
        cmd.args([root, "/netns", "exec", "a", "stat", "-L", "-c", "%i", "/proc/self/ns/net"]);
        let seen = sb.output(cmd, None);
        assert_eq!(seen.status, Status::Code(0), "exec in a chroot: {seen:?}");
        assert_eq!(
            seen.out_str().trim(),
            sb.inode("/run/netns/a").to_string(),
            "it ran in a: {seen:?}"
        );
        assert!(!seen.err_str().contains("panicked"), "{seen:?}");
    });
}
