//! Under the name `ip`: `ip tuntap add|del` done natively everywhere, `ip tuntap show` done
//! natively where the system's ip is busybox's (PATH holding only our ip and busybox's applets)
//! and handed to iproute2's ip where that is the system's, each compared with iproute2's
//! `ip tuntap` on the same state; and `ip -V`, which is iproute2's answer in front of iproute2.
//!
//! Each sandbox mounts a sysfs of its own network namespace on /sys (in its private mount
//! namespace), where both programs read the devices' flags and owners.

use std::ffi::OsString;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use crate::harness::*;
use crate::sandbox;
use crate::skips::{BUSYBOX, IPROUTE2};
use crate::table::*;

/// Our ip and busybox's applets (when busybox is installed): the PATH of a busybox system.
const NATIVE: &str = "/run/native-bin";

fn busybox() -> Option<&'static str> {
    BUSYBOX.needed_for("busybox as the system ip of the native runs")
}

/// The sandbox's own /sys, and the PATH directory for native runs.
fn prepare() {
    sandbox::mount(Some("sysfs"), "/sys", Some("sysfs"), 0, None).expect("a sysfs of our own");
    native_path();
}

fn native_path() {
    fs::create_dir_all(NATIVE).expect("a PATH directory");
    symlink(BIN, Path::new(NATIVE).join("ip")).expect("our ip on PATH");
    if let Some(busybox) = busybox() {
        symlink(busybox, Path::new(NATIVE).join("busybox")).expect("busybox on PATH");
    }
}

/// `ip ARGS` with busybox as the system ip for ours; iproute2's `ip ARGS` for it.
fn native(sb: &Sandbox, argv: &[&str]) -> Observed {
    sb.output(native_command(sb, &[], &os(argv)), None)
}

fn native_command(sb: &Sandbox, pre: &[&str], argv: &[OsString]) -> std::process::Command {
    let mut cmd = sb.command(pre, Via::Ip, argv);
    if sb.subject == Subject::Ours {
        cmd.env("PATH", NATIVE);
    }
    cmd
}

/// `ip ARGS` with the test's PATH, where iproute2's ip is the system's.
fn ip(sb: &Sandbox, argv: &[&str]) -> Observed {
    sb.run_with(&[], Via::Ip, &os(argv), None)
}

/// What /sys says of a device: its tun_flags, owner and group, or that it is not there.
fn sys_of(dev: &str) -> String {
    let read = |file: &str| fs::read_to_string(format!("/sys/class/net/{dev}/{file}"));
    match (read("tun_flags"), read("owner"), read("group")) {
        (Ok(flags), Ok(owner), Ok(group)) => {
            format!("{} {} {}", flags.trim(), owner.trim(), group.trim())
        }
        _ => "absent".into(),
    }
}

#[test]
fn devices_made_listed_and_removed_as_iproute2() {
    scenario(Compare::Full, false, |sb| {
        prepare();
        let made = [
            native(sb, &["tuntap", "add", "dev", "tap0", "mode", "tap"]),
            native(
                sb,
                &[
                    "tuntap",
                    "add",
                    "tun0",
                    "mode",
                    "tun",
                    "user",
                    "nobody",
                    "group",
                    "100",
                    "pi",
                    "multi_queue",
                ],
            ),
            native(
                sb,
                &[
                    "tuntap",
                    "add",
                    "name",
                    "t2",
                    "mode",
                    "tun",
                    "one_queue",
                    "vnet_hdr",
                    "user",
                    "1000",
                ],
            ),
            native(sb, &["tuntap", "add", "mode", "tun"]),
            native(sb, &["tap", "a", "ta", "m", "ta", "g", "nogroup"]),
        ];
        assert!(made.iter().all(|o| *o == Observed::quiet_success()), "{made:?}");
        // The kernel's view, whoever made them: flags, owner and group (-1: none).
        let state = ["tap0", "tun0", "t2", "tun1", "ta"].map(sys_of);
        assert_eq!(
            state,
            [
                "0x1802 -1 -1",
                "0x901 65534 100",
                "0x7801 1000 -1",
                "0x1801 -1 -1",
                "0x1802 -1 65534",
            ]
        );
        let shown = [
            native(sb, &["tuntap", "show"]),
            native(sb, &["tuntap"]),
            native(sb, &["tuntap", "list"]),
            native(sb, &["tap", "lst", "extra", "words"]),
            native(sb, &["-o", "tuntap", "s"]),
            native(sb, &["-j", "tuntap"]),
            native(sb, &["-j", "-p", "tuntap", "show"]),
        ];
        assert_eq!(
            shown[0].out_str(),
            "tap0: tap persist\n\
             tun0: tun pi multi_queue persist filter user 65534 group 100\n\
             t2: tun one_queue vnet_hdr persist user 1000\n\
             tun1: tun persist\n\
             ta: tap persist group 65534\n"
        );
        let removed = [
            native(sb, &["tuntap", "add", "tap0", "mode", "tap"]),
            native(sb, &["tuntap", "del", "tap0", "mode", "tap"]),
            // Like iproute2's, a del of a device that is not there succeeds.
            native(sb, &["tuntap", "del", "tap0", "mode", "tap"]),
            native(sb, &["tuntap", "d", "tun0", "mode", "tap"]),
            native(sb, &["tuntap", "delete", "dev", "tun0", "mode", "tun", "pi", "multi_queue"]),
        ];
        assert_eq!(removed[0].err_str(), "ioctl(TUNSETIFF): Device or resource busy\n");
        assert_eq!(removed[3].err_str(), "ioctl(TUNSETIFF): Invalid argument\n");
        let left = ["tap0", "tun0", "t2"].map(sys_of);
        assert_eq!(left, ["absent", "absent", "0x7801 1000 -1"]);
        (made, state, shown, removed, native(sb, &["tuntap"]))
    });
}

/// The same with iproute2's ip as the system's: `show` goes to it (which one answers shows in
/// `attached_processes_with_details`, where iproute2 6.1's JSON is its own).
#[test]
fn in_front_of_iproute2() {
    scenario(Compare::Full, false, |sb| {
        prepare();
        let steps = [
            ip(sb, &["tuntap", "add", "tap0", "mode", "tap", "user", "0"]),
            ip(sb, &["tuntap", "show"]),
            ip(sb, &["-j", "-p", "tuntap"]),
            ip(sb, &["tuntap", "del", "tap0", "mode", "tap"]),
            ip(sb, &["tuntap"]),
        ];
        assert_eq!(steps[1].out_str(), "tap0: tap persist user 0\n");
        steps
    });
}

/// `ip -d tuntap show` in a pid namespace of its own, so that /proc holds only the shell that
/// runs ip (pid 1) and ip itself, both with the tap device open as their standard input.
fn attached(sb: &Sandbox, front: bool, options: &[&str]) -> Observed {
    // A tap device takes one descriptor at a time, and the kernel may close the last run's
    // shortly after those processes are gone: poll, with a deadline.
    let mut tap = None;
    let attach = || {
        tap = sandbox::attach_tap("tap0").ok();
        tap.is_some()
    };
    assert!(wait_until(Duration::from_secs(5), attach), "tap0 stayed busy");
    let tap = tap.expect("attached");
    let argv: Vec<OsString> = os(&[options, &["tuntap", "show"]].concat());
    // The shell forks ip rather than turning into it: it stays, as pid 1, holding the device.
    let unshare = ["/usr/bin/unshare", "/bin/unshare"].into_iter().find(|p| Path::new(p).exists());
    let unshare = unshare.expect("unshare (util-linux)");
    let pre = [unshare, "--pid", "--fork", "--mount-proc", "/bin/sh", "-c", "\"$0\" \"$@\"; :"];
    let mut cmd = match front {
        true => sb.command(&pre, Via::Ip, &argv),
        false => native_command(sb, &pre, &argv),
    };
    let out = cmd.stdin(Stdio::from(tap)).output().expect("running unshare");
    Observed::from_output(out)
}

#[test]
fn attached_processes_with_details() {
    scenario(Compare::Full, false, |sb| {
        prepare();
        assert_eq!(ip(sb, &["tuntap", "add", "tap0", "mode", "tap"]), Observed::quiet_success());
        assert_eq!(ip(sb, &["tuntap", "add", "tun0", "mode", "tun"]), Observed::quiet_success());
        let shown = [
            attached(sb, false, &["-d"]),
            attached(sb, false, &["-d", "-o"]),
            attached(sb, true, &["-d"]),
            // In front of iproute2, its JSON, as it writes it.
            attached(sb, true, &["-d", "-j"]),
        ];
        let text = "tap0: tap persist\n\tAttached to processes:sh(1)\ntun0: tun persist\n\
                    \tAttached to processes:\n";
        assert_eq!(shown[0].out_str(), text);
        shown
    });
}

#[test]
fn attached_processes_in_json_are_objects() {
    scenario(
        Compare::Differs(
            "iproute2 6.1 writes the processes' fields bare into the array, which is not JSON; we write objects, as iproute2 6.18 does",
        ),
        false,
        |sb| {
            prepare();
            assert_eq!(
                ip(sb, &["tuntap", "add", "tap0", "mode", "tap"]),
                Observed::quiet_success()
            );
            let shown = attached(sb, false, &["-d", "-j"]);
            let expected = "[{\"ifname\":\"tap0\",\"flags\":[\"tap\",\"persist\"],\
                        \"processes\":[{\"name\":\"sh\",\"pid\":1}]}]\n";
            assert_eq!((shown.out_str().as_str(), shown.status), (expected, Status::Code(0)));
        },
    );
}

#[test]
fn devices_in_another_namespace_with_n() {
    scenario(Compare::Full, false, |sb| {
        prepare();
        sb.ok(&["netns", "add", "blue"]);
        let steps = [
            native(sb, &["-n", "blue", "tuntap", "add", "tap1", "mode", "tap", "user", "nobody"]),
            native(sb, &["-n", "blue", "tuntap", "show"]),
            native(sb, &["-n", "blue", "-j", "tuntap"]),
            native(sb, &["tuntap", "show"]),
        ];
        assert_eq!(steps[1].out_str(), "tap1: tap persist user 65534\n");
        assert_eq!(steps[3].out_str(), "", "nothing here: tap1 is in blue");
        let there = sb.run(&["netns", "exec", "blue", "cat", "/sys/class/net/tap1/owner"]);
        (steps, there.out_str())
    });
}

#[test]
fn unreadable_properties_are_reported_and_the_device_left_out() {
    scenario(Compare::Full, false, |sb| {
        prepare();
        assert_eq!(native(sb, &["tuntap", "add", "tq0", "mode", "tap"]), Observed::quiet_success());
        assert_eq!(native(sb, &["tuntap", "add", "tq1", "mode", "tun"]), Observed::quiet_success());
        assert_eq!(native(sb, &["tuntap", "add", "tq2", "mode", "tun"]), Observed::quiet_success());
        // Over a device's property files, in the sandbox's mount namespace: no number, nothing.
        for (file, text) in [("tq0/owner", "abc\n"), ("tq1/group", "")] {
            let fake = Path::new(WORK).join(file.replace('/', "-"));
            fs::write(&fake, text).expect("a stand-in property file");
            let target = format!("/sys/class/net/{file}");
            sandbox::mount(Some(fake.to_str().expect("UTF-8")), &target, None, libc::MS_BIND, None)
                .expect("binding a stand-in over a property");
        }
        let shown = native(sb, &["tuntap", "show"]);
        assert_eq!(shown.out_str(), "tq2: tun persist\n");
        assert_eq!(
            shown.err_str(),
            "value \"abc\" in file /sys/class/net/tq0/owner is not a number\n\
             Failed to parse /sys/class/net/tq0/owner\n\
             property \"group\" in file /sys/class/net/tq1/group is currently unknown\n\
             Failed to parse /sys/class/net/tq1/group\n"
        );
        shown
    });
}

#[test]
fn a_sys_of_another_network_namespace() {
    scenario(Compare::Full, false, |sb| {
        // The host's /sys, as after a bare `unshare -n`: it has none of the sandbox's devices.
        native_path();
        assert_eq!(native(sb, &["tuntap", "add", "tq0", "mode", "tap"]), Observed::quiet_success());
        let shown = native(sb, &["tuntap", "show"]);
        assert_eq!(
            shown.err_str(),
            "fopen /sys/class/net/tq0/tun_flags: No such file or directory\n"
        );
        shown
    });
}

#[test]
fn without_dev_net_tun() {
    scenario(Compare::Full, false, |sb| {
        prepare();
        sandbox::mount(Some("tmpfs"), "/dev/net", Some("tmpfs"), 0, None)
            .expect("hiding /dev/net/tun under a tmpfs");
        let steps = [
            native(sb, &["tuntap", "add", "tap0", "mode", "tap"]),
            native(sb, &["tuntap", "del", "tap0", "mode", "tap"]),
        ];
        assert_eq!(steps[0].err_str(), "open: No such file or directory\n");
        assert_eq!(steps[0].status, Status::Code(1));
        steps
    });
}

#[test]
fn tuntap_errors_read_as_iproute2s() {
    let error = |what, argv: &[&str], code| case(what, argv).named_ip().err(OneLine).code(code);
    run_table(&[
        error("no mode", &["tuntap", "add", "x"], 1),
        error("unknown mode", &["tuntap", "add", "x", "mode", "bad"], 255),
        error("two modes", &["tuntap", "add", "x", "mode", "tun", "mode", "tap"], 255),
        error("mode without a value", &["tuntap", "add", "x", "mode"], 255),
        error("two names", &["tuntap", "add", "x", "y", "mode", "tun"], 255),
        error("a name with a slash", &["tuntap", "add", "a/b", "mode", "tun"], 255),
        error("a name too long", &["tuntap", "add", "dev", "0123456789abcdef", "mode", "tun"], 255),
        error("an empty name", &["tuntap", "add", "", "mode", "tun"], 255),
        error("no such user", &["tuntap", "add", "x", "mode", "tun", "user", "nosuch"], 255),
        error("no such group", &["tuntap", "add", "x", "mode", "tun", "group", "nosuch"], 255),
        error("del takes no user", &["tuntap", "del", "x", "mode", "tun", "user", "5"], 255),
        error("unknown command", &["tuntap", "foo"], 255),
        error("unknown command under tap", &["tap", "foo"], 255),
        case("help", &["tuntap", "help"]).named_ip().err(has("Usage: ip tuntap")).code(255),
        case("help among the words", &["tuntap", "add", "x", "help"])
            .named_ip()
            .err(has("GROUP := { STRING | NUMBER }"))
            .code(255),
        case("-1 is no owner", &["tuntap", "add", "x", "mode", "tun", "user", "-1"]).named_ip(),
    ]);
}

#[test]
fn tuntap_lines_in_a_batch() {
    const LINES: &str =
        "tuntap add tap0 mode tap\ntuntap add tap0 mode tap\ntuntap del tap0 mode tap\n";
    const USAGE: &str =
        "tuntap add tap0 mode tap\ntuntap add x mode bad\ntuntap del tap0 mode tap\n";
    run_table(&[
        case("a failed line stops the batch", &["-b", "F"])
            .named_ip()
            .given(&[File("F", LINES)])
            .err("ioctl(TUNSETIFF): Device or resource busy\nCommand failed F:2\n")
            .code(1),
        case("-force goes on", &["-force", "-b", "F"])
            .named_ip()
            .given(&[File("F", LINES)])
            .err("ioctl(TUNSETIFF): Device or resource busy\nCommand failed F:2\n")
            .code(1),
        case("a usage error ends it at once", &["-b", "F"])
            .named_ip()
            .given(&[File("F", USAGE)])
            .err("Unknown tunnel mode \"bad\"\n")
            .code(255),
    ]);
}

#[test]
fn version_is_iproute2s_in_front_of_iproute2() {
    if IPROUTE2.needed_for("ip -V in front of iproute2").is_none() {
        return;
    }
    run_table(&[
        case("ip -V", &["-V"]).named_ip().out(has("ip utility, iproute2-")),
        case("ip -Version", &["-Version"]).named_ip().out(has("ip utility, iproute2-")),
    ]);
}

#[test]
fn version_is_ours_in_front_of_busybox_or_nothing() {
    let ours = concat!("ip utility, netns-", env!("CARGO_PKG_VERSION"), "\n");
    scenario(
        Compare::Differs("our own version where iproute2 is not the system's ip"),
        false,
        |sb| {
            prepare();
            let shown = [native(sb, &["-V"]), native(sb, &["-Vers"])];
            let mut nothing = sb.command(&[], Via::Ip, &os(&["--Version"]));
            nothing.env("PATH", "/run/nothing");
            let nothing = sb.output(nothing, None);
            for seen in shown.iter().chain([&nothing]) {
                assert_eq!((seen.out_str().as_str(), seen.status), (ours, Status::Code(0)));
            }
        },
    );
}
