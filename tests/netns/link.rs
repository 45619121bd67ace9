//! Under the name `ip`: the link operations we do ourselves (veth pairs whose ends start in
//! other namespaces, moves into a namespace), compared with iproute2's, and the hand-over of
//! everything else to the system's ip, with its options and `-n`.

use std::ffi::OsString;
use std::os::unix::fs::symlink;
use std::path::Path;

use crate::harness::*;
use crate::table::*;

fn ip(sb: &Sandbox, argv: &[&str]) -> Observed {
    sb.run_with(&[], Via::Ip, &os(argv), None)
}

/// What a namespace's /sys says about a link: present, its MTU, its flags.
fn sys_of(sb: &Sandbox, ns: &str, file: &str) -> String {
    sb.run(&["netns", "exec", ns, "cat", &format!("/sys/class/net/{file}")]).out_str()
}

#[test]
fn link_errors_read_as_iproute2s() {
    let lines: &[&[&str]] = &[
        &["link", "add", "a/b", "type", "veth"],
        &["link", "add", "v0", "mtu", "x", "type", "veth"],
        &["link", "add", "v0", "netns", "nope", "type", "veth"],
        &["link", "add", "v0", "address", "zz", "type", "veth"],
        &["link", "add", "v0", "type", "veth", "peer", "name", "v1"],
        &["link", "add", "v0", "type", "veth", "peer", "name", "v1"],
        &["link", "add", "v2", "name", "v3", "type", "veth"],
        &["link", "add", "v6", "type", "veth", "peer", "name", "v7", "peer", "name", "v8"],
        &["link", "set", "nodev", "netns", "1"],
        &["link", "set", "v0", "netns"],
        &["link", "set", "dev", "v0", "netns", "99999999"],
        &["link", "set", "nodev", "up"],
        &["addr", "add", "x/24", "dev", "v0"],
        &["addr", "add", "198.18.0.1/33", "dev", "v0"],
        &["addr", "add", "198.18.0.1/24"],
        &["addr", "add", "198.18.0.1/24", "dev", "nodev"],
        &["addr", "add", "198.18.0.1/24", "dev", "v0"],
        &["addr", "add", "198.18.0.1/24", "dev", "v0"],
    ];
    scenario(Compare::Full, false, |sb| lines.iter().map(|argv| ip(sb, argv)).collect::<Vec<_>>());
}

#[test]
fn veth_ends_made_in_other_namespaces() {
    scenario(Compare::Full, false, |sb| {
        sb.ok(&["netns", "add", "host1"]);
        sb.ok(&["netns", "add", "router1"]);
        let made = ip(
            sb,
            &[
                "link", "add", "eth0", "netns", "host1", "type", "veth", "peer", "name", "e1",
                "netns", "router1",
            ],
        );
        assert_eq!(made.status, Status::Code(0), "{made:?}");
        let host = sb.run(&["netns", "exec", "host1", "ls", "/sys/class/net"]).out_str();
        let router = sb.run(&["netns", "exec", "router1", "ls", "/sys/class/net"]).out_str();
        assert_eq!((host.as_str(), router.as_str()), ("eth0\nlo\n", "e1\nlo\n"));
        let peer_index = sys_of(sb, "router1", "e1/iflink");
        assert_eq!(peer_index, sys_of(sb, "host1", "eth0/ifindex"), "e1's peer is eth0");
        (made, host, router)
    });
}

#[test]
fn moves_with_rename_up_and_mtu_on_one_line() {
    scenario(Compare::Full, false, |sb| {
        sb.ok(&["netns", "add", "ns0"]);
        let steps = [
            ip(sb, &["link", "add", "veth0", "type", "veth", "peer", "name", "veth1"]),
            ip(
                sb,
                &[
                    "link", "set", "dev", "veth1", "netns", "ns0", "name", "eth0", "up", "mtu",
                    "1400",
                ],
            ),
        ];
        assert!(steps.iter().all(|s| s.status == Status::Code(0)), "{steps:?}");
        let moved = (sys_of(sb, "ns0", "eth0/mtu"), sys_of(sb, "ns0", "eth0/flags"));
        assert_eq!(moved.0, "1400\n");
        let flags =
            u32::from_str_radix(moved.1.trim().trim_start_matches("0x"), 16).expect("flags in hex");
        assert_eq!(flags & 1, 1, "eth0 is up in ns0");
        let gone = ip(sb, &["link", "show", "veth1"]);
        assert_ne!(gone.status, Status::Code(0), "veth1 left our namespace");
        (steps, moved, gone.status)
    });
}

#[test]
fn addresses_and_up_without_any_other_ip() {
    scenario(Compare::Full, false, |sb| {
        sb.ok(&["netns", "add", "ns1"]);
        let ours = |argv: &[&str]| {
            // No other ip on PATH: these are ours to do.
            let mut cmd = sb.command(&[], Via::Ip, &os(argv));
            cmd.env("PATH", "/run/nothing");
            sb.output(cmd, None)
        };
        let steps = [
            ours(&["link", "add", "veth0", "type", "veth", "peer", "name", "veth1"]),
            ours(&["link", "set", "veth1", "netns", "ns1"]),
            ours(&["addr", "add", "198.18.0.1/24", "dev", "veth0"]),
            ours(&["-n", "ns1", "addr", "add", "local", "198.18.0.2/24", "dev", "veth1"]),
            ours(&["link", "set", "dev", "veth0", "up"]),
            ours(&["-n", "ns1", "link", "set", "veth1", "up"]),
            ours(&["-n", "ns1", "link", "set", "lo", "up"]),
        ];
        assert!(steps.iter().all(|s| *s == Observed::quiet_success()), "{steps:?}");
        // iproute2's view of the result, through the hand-over.
        let shown = [
            ip(sb, &["-4", "-o", "addr", "show", "dev", "veth0"]),
            ip(sb, &["-n", "ns1", "-4", "-o", "addr", "show", "dev", "veth1"]),
            ip(sb, &["-n", "ns1", "-o", "link", "show", "lo"]),
        ];
        let flags = sys_of(sb, "ns1", "veth1/flags");
        (steps, shown, flags)
    });
}

#[test]
fn moves_into_a_process_namespace() {
    scenario(Compare::Full, false, |sb| {
        sb.ok(&["netns", "add", "blue"]);
        let pid = sb.sleeper("blue").to_string();
        ip(sb, &["link", "add", "veth0", "type", "veth", "peer", "name", "veth1"]);
        let moved = ip(sb, &["link", "set", "veth1", "netns", &pid]);
        (moved, sb.run(&["netns", "exec", "blue", "ls", "/sys/class/net"]).out_str())
    });
}

#[test]
fn other_commands_go_to_the_system_ip_with_their_options() {
    scenario(Compare::Full, false, |sb| {
        sb.ok(&["netns", "add", "a"]);
        [
            ip(sb, &["-o", "link", "show", "lo"]),
            ip(sb, &["-n", "a", "link", "set", "lo", "up"]),
            ip(sb, &["-n", "a", "-4", "-br", "addr", "show", "lo"]),
            ip(sb, &["-n", "a", "addr", "add", "198.18.0.1/24", "dev", "lo"]),
            ip(sb, &["-netns", "a", "-4", "-o", "addr", "show", "lo"]),
            ip(sb, &["-n", "nope", "link"]),
            ip(sb, &["-all", "netns", "exec", "ip", "-br", "-4", "addr", "show", "lo"]),
            ip(sb, &["addr", "add", "198.18.0.1", "dev", "nodev"]),
        ]
    });
}

#[test]
fn busybox_takes_over_when_there_is_no_other_ip() {
    let Some(busybox) =
        ["/bin/busybox", "/usr/bin/busybox"].into_iter().find(|p| Path::new(p).exists())
    else {
        eprintln!("note: skipped: busybox is not installed (Debian: busybox-static)");
        return;
    };
    scenario(Compare::Differs("busybox answers, not iproute2"), false, |sb| {
        let bin = Path::new("/run/busybox-bin");
        std::fs::create_dir_all(bin).expect("a PATH directory");
        symlink(busybox, bin.join("busybox")).expect("busybox on PATH");
        let run = |path: &str, argv: &[&str]| {
            let mut cmd = sb.command(&[], Via::Ip, &os(argv));
            cmd.env("PATH", path);
            sb.output(cmd, None)
        };
        // Listings are ours where busybox is the system's ip (show.rs); routes are busybox's.
        let steps = [
            run("/run/busybox-bin", &["link", "set", "lo", "up"]),
            run("/run/busybox-bin", &["route", "add", "198.18.0.0/24", "dev", "lo"]),
        ];
        assert!(steps.iter().all(|s| s.status == Status::Code(0)), "{steps:?}");
        let shown = run("/run/busybox-bin", &["route", "show"]);
        assert_eq!(shown.status, Status::Code(0), "{shown:?}");
        assert!(shown.out_str().contains("198.18.0.0/24 dev lo"), "busybox's ip: {shown:?}");
        let nothing = run("/run/empty", &["route", "show"]);
        assert_eq!(nothing.status, Status::Code(1));
        assert_eq!(
            nothing.err_str(),
            "Object \"route\" is for the system's ip, and there is no other ip or busybox on PATH.\n"
        );
        // A veth pair with named ends is ours to make, with or without busybox.
        let made = run(
            "/run/busybox-bin",
            &["link", "add", "veth0", "type", "veth", "peer", "name", "veth1"],
        );
        assert_eq!(made.status, Status::Code(0), "{made:?}");
        let names = sb.run(&["netns", "add", "x"]);
        assert_eq!(names.status, Status::Code(0));
        let listed = run("/run/busybox-bin", &["link", "show", "veth1"]);
        assert!(listed.out_str().contains("veth1@veth0"), "the peer is named as asked: {listed:?}");
        OsString::new()
    });
}

#[test]
fn the_system_ip_takes_over_without_proc() {
    run_table(&[
        // Without /proc/self/exe we know ourselves by the path we were started by, so the
        // first ip on PATH that is not us still gets the command.
        case("handed over", &["-o", "link", "show", "lo"])
            .named_ip()
            .given(&[NoProc])
            .out(Has("1: lo: <LOOPBACK")),
    ]);
}
