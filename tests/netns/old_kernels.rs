//! Kernels older than this machine's, emulated (emulate.rs): without the netlink socket
//! options of 4.12 and 4.20, without RTM_GETNSID (before 4.0), without network namespaces at
//! all. Every command that can work there works, with the same output where the kernel can
//! give it; the others fail with one line and leave nothing behind.

use std::fs;

use crate::bounded;
use crate::emulate::{self, Refuse};
use crate::harness::*;
use crate::table::*;

/// The list-id spec's setup, with the ids inside foo in the other order than ours: foo=12,
/// bar=13 here; inside foo, foo=23 and bar=22; an unnamed peer with id 40.
const FOO_BAR: &[Step] = &[
    Ns("foo"),
    Ns("bar"),
    Id("foo", 12),
    Id("bar", 13),
    IdIn("foo", "foo", 23),
    IdIn("foo", "bar", 22),
    Peer(40),
];

fn refusing(sb: &Sandbox, rules: &[Refuse], via: Via, argv: &[&str]) -> Observed {
    let mut cmd = sb.command(&[], via, &os(argv));
    emulate::refusing(&mut cmd, rules);
    bounded::output(cmd)
}

fn said(out: &str, err: &str, code: i32) -> Observed {
    Observed { out: out.into(), err: err.into(), status: Status::Code(code) }
}

/// Without NETLINK_EXT_ACK, NETLINK_CAP_ACK and NETLINK_GET_STRICT_CHK every netlink command
/// still works: refusals come without the kernel's text, and list-id's target-nsid, which the
/// kernel then ignores in a dump, is answered peer by peer.
#[test]
fn without_netlink_options() {
    scenario(Compare::Differs("an emulated old kernel"), false, |sb| {
        prepare(sb, FOO_BAR);
        let old = |argv: &[&str]| refusing(sb, &[emulate::NO_NETLINK_OPTIONS], Via::Netns, argv);
        let new = |argv: &[&str]| bounded::run(sb, argv);
        // What the kernel can answer comes out as on a kernel with the options.
        for argv in [
            &["netns", "list"][..],
            &["-j", "netns", "list"],
            &["netns", "list-id"],
            &["-j", "-p", "netns", "list-id"],
            &["netns", "list-id", "target-nsid", "12"],
            &["-j", "netns", "list-id", "target-nsid", "12"],
            &["netns", "list-id", "target-nsid", "13"],
            &["netns", "list-id", "target-nsid", "12", "nsid", "13"],
        ] {
            let seen = old(argv);
            assert_eq!(seen, new(argv), "{argv:?} without the options, then with them");
            assert_eq!((seen.err.as_slice(), seen.status), (&b""[..], Status::Code(0)), "{argv:?}");
        }
        assert_eq!(
            old(&["netns", "list-id", "target-nsid", "12"]).out_str(),
            "nsid 22 current-nsid 13 (iproute2 netns name: bar)\n\
             nsid 23 current-nsid 12 (iproute2 netns name: foo)\n",
            "the target's ids, in the target's order"
        );
        // Refusals: the errno alone, the whole request echoed back.
        assert_eq!(
            old(&["netns", "set", "foo", "20"]),
            said("", "RTNETLINK answers: File exists\n", 2)
        );
        assert_eq!(
            old(&["netns", "list-id", "target-nsid", "99"]),
            said("", "RTNETLINK answers: Invalid argument\nDump terminated\n", 1)
        );
        // The link and address commands we carry out ourselves.
        let ip = |argv: &[&str]| refusing(sb, &[emulate::NO_NETLINK_OPTIONS], Via::Ip, argv);
        let veth = ["link", "add", "v0", "type", "veth", "peer", "name", "v1", "netns", "foo"];
        assert_eq!(ip(&veth), Observed::quiet_success(), "ip link add");
        assert_eq!(ip(&["link", "set", "v0", "up"]), Observed::quiet_success(), "ip link set");
        let addr = ["addr", "add", "198.18.0.1/24", "dev", "v0"];
        assert_eq!(ip(&addr), Observed::quiet_success(), "ip addr add");
        assert_eq!(ip(&veth), said("", "RTNETLINK answers: File exists\n", 2), "again");
    });
}

/// Strict checking alone missing (a seccomp'd container on a new kernel): the kernel's texts
/// are there, and target-nsid still gives the target's ids.
#[test]
fn without_strict_checking() {
    scenario(Compare::Differs("an emulated old kernel"), false, |sb| {
        prepare(sb, FOO_BAR);
        let old = |argv: &[&str]| refusing(sb, &[emulate::NO_STRICT_CHECKING], Via::Netns, argv);
        for argv in [
            &["netns", "list-id", "target-nsid", "12"][..],
            &["-j", "-p", "netns", "list-id", "target-nsid", "12"],
            &["netns", "list-id", "target-nsid", "13"],
        ] {
            assert_eq!(old(argv), bounded::run(sb, argv), "{argv:?}");
        }
        let unknown = old(&["netns", "list-id", "target-nsid", "99"]);
        assert_eq!(unknown.status, Status::Code(1), "{unknown:?}");
        assert!(unknown.err_str().starts_with("Error: "), "the kernel's words: {unknown:?}");
        assert!(unknown.err_str().ends_with(".\nDump terminated\n"), "{unknown:?}");
    });
}

/// Without NETLINK_CAP_ACK an error echoes the whole request, and the kernel's text after it
/// is still found.
#[test]
fn without_capped_acks() {
    scenario(Compare::Differs("an emulated old kernel"), false, |sb| {
        prepare(sb, &[Ns("a"), Id("a", 5)]);
        let seen = refusing(sb, &[emulate::NO_CAP_ACK], Via::Netns, &["netns", "set", "a", "20"]);
        assert_eq!(seen, said("", "Error: Peer netns already has a nsid assigned.\n", 2));
    });
}

/// Before 4.0 the kernel has no RTM_GETNSID: `list` gives the names alone, as iproute2 does
/// there, and `list-id` says why it has nothing to show.
#[test]
fn without_nsids() {
    let Some(strace) = emulate::strace("a kernel without RTM_GETNSID") else { return };
    scenario(Compare::Differs("an emulated old kernel"), false, |sb| {
        prepare(sb, &[Ns("a"), Id("a", 5), Peer(40)]);
        // A lookup by descriptor is 28 bytes, a dump request 20.
        let old = |len: u32, argv: &[&str]| {
            let (program, args) = sb.command_line(Via::Netns, &os(argv));
            let mut cmd = std::process::Command::new(strace);
            cmd.args(emulate::strace_without_getnsid(len)).arg(program).args(args);
            cmd.current_dir(WORK);
            bounded::output(cmd)
        };
        assert_eq!(old(28, &["netns", "list"]), said("a\n", "", 0));
        assert_eq!(old(28, &["-j", "netns", "list"]), said("[{\"name\":\"a\"}]\n", "", 0));
        // list-id looks up the names first, then dumps: each datagram is changed.
        sb.ok(&["netns", "delete", "a"]);
        let none = "RTM_GETNSID is not supported by the kernel.\n";
        assert_eq!(old(20, &["netns", "list-id"]), said("", none, 2));
        assert_eq!(old(20, &["-j", "netns", "list-id"]), said("", none, 2));
        assert_eq!(old(28, &["netns", "list-id", "nsid", "40"]), said("", none, 2));
    });
}

/// A kernel without network namespaces (no CONFIG_NET_NS): /proc shows no ns/net, and
/// unshare(CLONE_NEWNET) and setns fail with EINVAL.
#[test]
fn without_network_namespaces() {
    scenario(Compare::Differs("an emulated old kernel"), false, |sb| {
        sandbox_proc_without_net();
        let old = |argv: &[&str]| refusing(sb, &emulate::NO_NET_NS, Via::Netns, argv);
        let none = "Cannot create network namespace \"x\": the kernel has no network namespaces \
                    (CONFIG_NET_NS)\n";
        assert_eq!(old(&["netns", "add", "x"]), said("", none, 1));
        Check::absent(RUN).assert();
        assert_eq!(old(&["netns", "attach", "x", "1"]), said("", none, 1));
        Check::absent(RUN).assert();
        let missing = "Cannot open network namespace \"x\": No such file or directory\n";
        assert_eq!(old(&["netns", "exec", "x", "true"]), said("", missing, 255));
        fs::create_dir_all(RUN).expect("making the run directory");
        fs::write(path_in_run("p"), b"").expect("a file that is no namespace");
        let refused = "setting the network namespace \"p\" failed: Invalid argument\n";
        assert_eq!(old(&["netns", "exec", "p", "true"]), said("", refused, 255));
    });
}

/// A /proc as such a kernel shows it, for the sandbox: /proc/self/ns without `net`.
fn sandbox_proc_without_net() {
    crate::sandbox::mount(Some("tmpfs"), "/proc", Some("tmpfs"), 0, None)
        .expect("hiding /proc under a tmpfs");
    fs::create_dir_all("/proc/self/ns").expect("making /proc/self/ns");
}
