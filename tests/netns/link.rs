//! Under the name `ip`: the link operations we do ourselves (veth pairs whose ends start in
//! other namespaces, moves into a namespace), compared with iproute2's, and the hand-over of
//! everything else to the system's ip, with its options and `-n`.

use std::ffi::OsString;
use std::net::Ipv4Addr;
use std::os::unix::fs::symlink;
use std::path::Path;

use crate::harness::*;
use crate::kernel::Link;
use crate::skips::{BUSYBOX, IPROUTE2};
use crate::table::*;

fn ip(sb: &Sandbox, argv: &[&str]) -> Observed {
    sb.run_with(&[], Via::Ip, &os(argv), None)
}

/// What the kernel says of a link, less its index (which differs between runs): name, up,
/// MTU, IPv4 addresses. Scenarios return these to be compared with iproute2's run.
fn state(link: &Link) -> (String, bool, u32, Vec<(Ipv4Addr, u8)>) {
    (link.name.clone(), link.up, link.mtu, link.ipv4.clone())
}

fn v4(address: &str, prefix: u8) -> (Ipv4Addr, u8) {
    (address.parse().expect("an IPv4 address"), prefix)
}

/// Each line fails as iproute2's does (status and message) and changes nothing; the two that
/// succeed leave exactly their veth pair and their address.
#[test]
fn link_errors_read_as_iproute2s() {
    let lines: &[(&[&str], i32, &str)] = &[
        (
            &["link", "add", "a/b", "type", "veth"],
            255,
            "Error: argument \"a/b\" is wrong: \"dev\" not a valid ifname\n",
        ),
        (
            &["link", "add", "v0", "mtu", "x", "type", "veth"],
            255,
            "Error: argument \"x\" is wrong: Invalid \"mtu\" value\n\n",
        ),
        (
            &["link", "add", "v0", "netns", "nope", "type", "veth"],
            255,
            "Error: argument \"nope\" is wrong: Invalid \"netns\" value\n\n",
        ),
        (&["link", "add", "v0", "address", "zz", "type", "veth"], 1, "\"zz\" is invalid lladdr.\n"),
        (&["link", "add", "v0", "type", "veth", "peer", "name", "v1"], 0, ""),
        (
            &["link", "add", "v0", "type", "veth", "peer", "name", "v1"],
            2,
            "RTNETLINK answers: File exists\n",
        ),
        (
            &["link", "add", "v2", "name", "v3", "type", "veth"],
            255,
            "both \"name\" and \"dev\" cannot be used when creating devices.\n",
        ),
        (
            &["link", "add", "v6", "type", "veth", "peer", "name", "v7", "peer", "name", "v8"],
            255,
            "Error: duplicate \"name\": \"v8\" is the second value.\n",
        ),
        (&["link", "set", "nodev", "netns", "1"], 1, "Cannot find device \"nodev\"\n"),
        (
            &["link", "set", "v0", "netns"],
            255,
            "Command line is not complete. Try option \"help\"\n",
        ),
        (
            &["link", "set", "dev", "v0", "netns", "99999999"],
            2,
            "RTNETLINK answers: No such process\n",
        ),
        (&["link", "set", "nodev", "up"], 1, "Cannot find device \"nodev\"\n"),
        (
            &["addr", "add", "x/24", "dev", "v0"],
            1,
            "Error: any valid prefix is expected rather than \"x/24\".\n",
        ),
        (
            &["addr", "add", "198.18.0.1/33", "dev", "v0"],
            1,
            "Error: any valid prefix is expected rather than \"198.18.0.1/33\".\n",
        ),
        (
            &["addr", "add", "198.18.0.1/24"],
            1,
            "Not enough information: \"dev\" argument is required.\n",
        ),
        (&["addr", "add", "198.18.0.1/24", "dev", "nodev"], 1, "Cannot find device \"nodev\"\n"),
        (&["addr", "add", "198.18.0.1/24", "dev", "v0"], 0, ""),
        (
            &["addr", "add", "198.18.0.1/24", "dev", "v0"],
            2,
            "Error: ipv4: Address already assigned.\n",
        ),
    ];
    scenario(Compare::Full, false, |sb| {
        let seen: Vec<Observed> = lines.iter().map(|(argv, ..)| ip(sb, argv)).collect();
        for ((argv, code, err), o) in lines.iter().zip(&seen) {
            let want =
                Observed { out: vec![], err: err.as_bytes().to_vec(), status: Status::Code(*code) };
            assert_eq!(*o, want, "ip {}", argv.join(" "));
        }
        let links: Vec<_> = sb.links(None).iter().map(state).collect();
        assert_eq!(
            links,
            [
                ("lo".into(), false, 65536, vec![]),
                ("v0".into(), false, 1500, vec![v4("198.18.0.1", 24)]),
                ("v1".into(), false, 1500, vec![]),
            ],
            "only the veth pair and its address were made"
        );
        (seen, links)
    });
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
        assert_eq!(made, Observed::quiet_success());
        let host = sb.link_names(Some("host1"));
        let router = sb.link_names(Some("router1"));
        assert_eq!(host, ["eth0", "lo"], "eth0 was made in host1");
        assert_eq!(router, ["e1", "lo"], "e1 was made in router1");
        assert_eq!(sb.link_names(None), ["lo"], "nothing was left in the sandbox's namespace");
        let eth0 = sb.link(Some("host1"), "eth0");
        assert_eq!(sb.link(Some("router1"), "e1").iflink, eth0.index, "e1's peer is eth0");
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
        assert!(steps.iter().all(|s| *s == Observed::quiet_success()), "{steps:?}");
        let moved = sb.link(Some("ns0"), "eth0");
        assert_eq!((moved.mtu, moved.up), (1400, true), "eth0 in ns0: MTU 1400, up");
        assert_eq!(sb.link_names(Some("ns0")), ["eth0", "lo"]);
        assert_eq!(sb.link_names(None), ["lo", "veth0"], "veth1 left the sandbox's namespace");
        (steps, state(&moved))
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
        let links = [
            state(&sb.link(None, "veth0")),
            state(&sb.link(Some("ns1"), "veth1")),
            state(&sb.link(Some("ns1"), "lo")),
        ];
        assert_eq!(
            links,
            [
                ("veth0".into(), true, 1500, vec![v4("198.18.0.1", 24)]),
                ("veth1".into(), true, 1500, vec![v4("198.18.0.2", 24)]),
                ("lo".into(), true, 65536, vec![v4("127.0.0.1", 8)]),
            ]
        );
        // iproute2's view of the result, through the hand-over (compared with iproute2's run).
        let shown = IPROUTE2.needed_for("the hand-over of `addr show` and `link show`").map(|_| {
            [
                ip(sb, &["-4", "-o", "addr", "show", "dev", "veth0"]),
                ip(sb, &["-n", "ns1", "-4", "-o", "addr", "show", "dev", "veth1"]),
                ip(sb, &["-n", "ns1", "-o", "link", "show", "lo"]),
            ]
        });
        (steps, links, shown)
    });
}

#[test]
fn moves_into_a_process_namespace() {
    scenario(Compare::Full, false, |sb| {
        sb.ok(&["netns", "add", "blue"]);
        let pid = sb.sleeper("blue").to_string();
        let made = ip(sb, &["link", "add", "veth0", "type", "veth", "peer", "name", "veth1"]);
        let moved = ip(sb, &["link", "set", "veth1", "netns", &pid]);
        assert_eq!([&made, &moved], [&Observed::quiet_success(); 2]);
        let (here, blue) = (sb.link_names(None), sb.link_names(Some("blue")));
        assert_eq!(here, ["lo", "veth0"], "veth1 left the sandbox's namespace");
        assert_eq!(blue, ["lo", "veth1"], "veth1 is in the namespace of process {pid}, blue");
        (made, moved, here, blue)
    });
}

/// Our own steps (lo up, an address, -n with a missing name, a missing device) are checked
/// with or without another ip; the commands handed over, where iproute2 is the system's ip.
#[test]
fn other_commands_go_to_the_system_ip_with_their_options() {
    let system_ip = IPROUTE2.needed_for("the commands handed over to the system's ip").is_some();
    // Each command line, and for those handed over what their output shows.
    let steps: [(&[&str], Option<&str>); 8] = [
        (&["-o", "link", "show", "lo"], Some("1: lo: <LOOPBACK")),
        (&["-n", "a", "link", "set", "lo", "up"], None),
        (&["-n", "a", "-4", "-br", "addr", "show", "lo"], Some("127.0.0.1/8")),
        (&["-n", "a", "addr", "add", "198.18.0.1/24", "dev", "lo"], None),
        (&["-netns", "a", "-4", "-o", "addr", "show", "lo"], Some("inet 198.18.0.1/24")),
        (&["-n", "nope", "link"], None),
        (
            &["-all", "netns", "exec", "ip", "-br", "-4", "addr", "show", "lo"],
            Some("198.18.0.1/24"),
        ),
        (&["addr", "add", "198.18.0.1", "dev", "nodev"], None),
    ];
    scenario(Compare::Full, false, |sb| {
        sb.ok(&["netns", "add", "a"]);
        let seen: Vec<Option<Observed>> = steps
            .iter()
            .map(|(argv, shows)| (shows.is_none() || system_ip).then(|| ip(sb, argv)))
            .collect();
        let mut ours = Vec::new();
        for ((argv, shows), o) in steps.iter().zip(&seen) {
            match (shows, o) {
                (None, Some(o)) => ours.push(o.clone()),
                (Some(shows), Some(o)) => {
                    let line = argv.join(" ");
                    assert_eq!(o.status, Status::Code(0), "ip {line}: {o:?}");
                    assert!(o.out_str().contains(shows), "ip {line} shows {shows:?}: {o:?}");
                }
                (_, None) => {}
            }
        }
        let failed = |code, err: &str| Observed {
            out: vec![],
            err: err.as_bytes().to_vec(),
            status: Status::Code(code),
        };
        assert_eq!(
            ours,
            [
                Observed::quiet_success(),
                Observed::quiet_success(),
                failed(255, "Cannot open network namespace \"nope\": No such file or directory\n"),
                failed(1, "Cannot find device \"nodev\"\n"),
            ]
        );
        let lo = state(&sb.link(Some("a"), "lo"));
        let addresses = vec![v4("127.0.0.1", 8), v4("198.18.0.1", 24)];
        assert_eq!(lo, ("lo".into(), true, 65536, addresses), "a's lo: up, with the address");
        (seen, lo)
    });
}

#[test]
fn busybox_takes_over_when_there_is_no_other_ip() {
    let Some(busybox) = BUSYBOX.needed_for("the test") else { return };
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
            .needs(&IPROUTE2)
            .given(&[NoProc])
            .out(has("1: lo: <LOOPBACK")),
    ]);
}
