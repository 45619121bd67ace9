//! Under the name `ip`, with busybox as the system's ip: the link and address listings we print
//! ourselves (`ip link show`, `ip address show`, with -br, -j, -p, -o, -4, -6, -0 and their
//! filters), compared with iproute2's for the same kernel state. Each test builds its state
//! with iproute2 in a sandbox, waits for the kernel to settle, then runs every form twice in
//! the same namespace, ours (PATH: our ip and busybox's applets, as on a busybox system) and
//! iproute2's right after, and insists on the same stdout, stderr and status; JSON output is
//! also parsed, and the values compared. What we leave to the system's ip must reach it.

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::harness::*;
use crate::skips::{BUSYBOX, IPROUTE2, Reason, skip};

/// PATH on the busybox system: our binary as `ip`, and busybox with its applets.
const BUSYBOX_BIN: &str = "/run/show-bin";

fn busybox() -> Option<&'static str> {
    BUSYBOX.path()
}

fn iproute2() -> Option<&'static str> {
    IPROUTE2.path()
}

/// Whether these tests can run here; a skip (counted) when not.
fn runnable() -> bool {
    let what = "link and address listings compared with iproute2's";
    if Subject::main() == Subject::Iproute2 {
        let why = "NETNS_TEST_SUBJECT=iproute2: these need our binary as `ip`";
        skip(Reason::NotThisRun(why.into()), what);
        return false;
    }
    BUSYBOX.needed_for(what).is_some() && IPROUTE2.needed_for(what).is_some()
}

/// Runs `test` in a fresh sandbox holding BUSYBOX_BIN, unless these tests cannot run here.
fn in_busybox_sandbox(test: impl FnOnce(&mut Sandbox) + Send) {
    if !runnable() {
        return;
    }
    in_sandbox(Subject::Ours, false, |sb| {
        let busybox = busybox().expect("checked by `runnable`");
        fs::create_dir_all(BUSYBOX_BIN).expect("creating the busybox PATH directory");
        let applets = Command::new(busybox).arg("--list").output().expect("busybox --list");
        for applet in String::from_utf8_lossy(&applets.stdout).lines() {
            if !applet.is_empty() && applet != "ip" {
                symlink(busybox, Path::new(BUSYBOX_BIN).join(applet)).expect("an applet link");
            }
        }
        symlink(BIN, Path::new(BUSYBOX_BIN).join("ip")).expect("our binary as ip");
        test(sb)
    });
}

/// Our `ip ARGV` with `path` as PATH.
fn ours_with(sb: &Sandbox, path: &str, argv: &[&str]) -> Observed {
    let mut cmd = Command::new(Path::new(BUSYBOX_BIN).join("ip"));
    cmd.args(argv).env("PATH", path).current_dir(WORK);
    sb.output(cmd, None)
}

fn ours(sb: &Sandbox, argv: &[&str]) -> Observed {
    ours_with(sb, BUSYBOX_BIN, argv)
}

fn iproute2s(sb: &Sandbox, argv: &[&str]) -> Observed {
    let mut cmd = Command::new(iproute2().expect("checked by `runnable`"));
    cmd.args(argv).current_dir(WORK);
    sb.output(cmd, None)
}

/// Builds a state with iproute2: each line of `script` is an `ip` command line, with `$IP`
/// for iproute2's ip. IPv6 duplicate address detection is off in the sandbox and in each
/// namespace `namespaces` names (made first), so that no address is ever `tentative`.
fn build(sb: &Sandbox, namespaces: &[&str], script: &str) {
    let ip = iproute2().expect("checked by `runnable`");
    let no_dad = "for c in all default; do echo 0 >/proc/sys/net/ipv6/conf/$c/accept_dad; done";
    let mut full = format!("set -e\nIP={ip}\n{no_dad}\n");
    for ns in namespaces {
        full.push_str(&format!("$IP netns add {ns}\n$IP netns exec {ns} sh -c '{no_dad}'\n"));
    }
    full.push_str(script);
    let done = sb.sh(&full);
    assert_eq!(done.status, Status::Code(0), "building the state failed: {done:?}");
}

/// Waits for the kernel to settle: carrier changes reach a link's state, its flags and its
/// IPv6 link-local address in batches at most a second apart (the kernel's linkwatch), so the
/// state is settled once iproute2's full view has not changed for longer than that.
fn settle(sb: &Sandbox, namespaces: &[&str]) {
    let view = || {
        let mut all = iproute2s(sb, &["addr"]).out;
        for ns in namespaces {
            all.extend(iproute2s(sb, &["-n", ns, "addr"]).out);
        }
        all
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let (mut last, mut since) = (view(), Instant::now());
    while since.elapsed() < Duration::from_millis(1500) {
        assert!(
            Instant::now() < deadline,
            "the links never settled:\n{}",
            String::from_utf8_lossy(&last)
        );
        std::thread::sleep(Duration::from_millis(100));
        let now = view();
        if now != last {
            (last, since) = (now, Instant::now());
        }
    }
}

/// Runs each form (words separated by blanks) ours and then iproute2's; fails listing every
/// form that differed. JSON forms are parsed too, and must be JSON with the same values.
fn same_as_iproute2(sb: &Sandbox, forms: &[&[&str]]) {
    let mut report = String::new();
    for argv in forms {
        let (mine, theirs) = (ours(sb, argv), iproute2s(sb, argv));
        if mine != theirs {
            report.push_str(&format!(
                "- ip {}\n    ours:     {mine:?}\n    iproute2: {theirs:?}\n",
                argv.join(" ")
            ));
        } else if argv.contains(&"-j") && !argv.contains(&"-b") && theirs.status == Status::Code(0)
        {
            let parsed = (json::parse(&mine.out), json::parse(&theirs.out));
            if parsed.0.is_none() || parsed.0 != parsed.1 {
                report
                    .push_str(&format!("- ip {}: not the same JSON: {parsed:?}\n", argv.join(" ")));
            }
        }
    }
    assert!(report.is_empty(), "differs from iproute2:\n{report}");
}

/// The state shows what the listings must get right (else comparing them proves little).
fn shows_all_of(sb: &Sandbox, argv: &[&str], parts: &[&str]) {
    let shown = iproute2s(sb, argv).out_str();
    let absent: Vec<_> = parts.iter().filter(|part| !shown.contains(*part)).collect();
    assert!(absent.is_empty(), "ip {} lacks {absent:?}:\n{shown}", argv.join(" "));
}

fn words(forms: &[&'static str]) -> Vec<Vec<&'static str>> {
    forms.iter().map(|form| form.split_whitespace().collect()).collect()
}

fn same_forms(sb: &Sandbox, forms: &[&'static str]) {
    let forms = words(forms);
    let forms: Vec<&[&str]> = forms.iter().map(Vec::as_slice).collect();
    same_as_iproute2(sb, &forms);
}

/// Veth pairs with ends in other namespaces, a bridge with a port, tun and tap devices, links
/// up and down, with and without carrier, IPv4 and IPv6 addresses (broadcast, secondary, peer,
/// link-local), an alias and an alternative name, and names with dots, `@`, quotes, 15 bytes,
/// UTF-8.
const STATE: &str = r#"
$IP link set lo up
$IP link add e0 netns a type veth peer name e1
$IP link add v0 type veth peer name v1 netns b
$IP link add br0 type bridge
$IP link set v0 master br0
$IP link set br0 up
$IP link set v0 up
$IP -n b link set v1 up
$IP -n a link set e0 up
$IP tuntap add dev tun0 mode tun
$IP tuntap add dev tap0 mode tap
$IP link set tap0 up
$IP addr add 198.18.1.1/24 brd + dev br0
$IP addr add 198.18.1.2/24 dev br0
$IP addr add 198.18.2.1 peer 198.18.2.2 dev tun0
$IP addr add 2002:c612:1::1/64 dev br0 nodad
$IP -n b addr add 198.18.3.1/24 dev v1
$IP -n b addr add 2002:c612:3::1/64 dev v1 nodad
$IP link add with.dots-and_x type veth peer name x
$IP link set x alias "an alias"
$IP link property add dev x altname an-alternative-name-that-is-long
$IP link set x up
$IP link add y@z type veth peer name 15charname12345
$IP link add 'q"uote' type veth peer name ünï
"#;

#[test]
fn link_listings_match_iproute2() {
    in_busybox_sandbox(|sb| {
        build(sb, &["a", "b"], STATE);
        settle(sb, &["a", "b"]);
        let parts = [
            "e1@if2: <BROADCAST,MULTICAST>",
            "link-netns a",
            "v0@if2: <BROADCAST,MULTICAST,UP,LOWER_UP>",
            "master br0 state UP",
            "link/none",
            "<NO-CARRIER,BROADCAST,MULTICAST,UP>",
            "M-DOWN",
            "state LOWERLAYERDOWN",
            "alias an alias",
            "altname an-alternative-name-that-is-long",
        ];
        shows_all_of(sb, &["link"], &parts);
        shows_all_of(sb, &["-n", "a", "link"], &["link-netnsid 0"]);
        same_forms(
            sb,
            &[
                "link",
                "link show",
                "l lst",
                "-o link",
                "-br link",
                "-j link",
                "-j -p link",
                "-br -j link",
                "-br -j -p link",
                "-br -o link list",
                "-4 link",
                "link show type veth",
                "link show type bridge",
                "link show type tun",
                "link show type bridge_slave",
                "link show master br0",
                "-br link show master br0",
                "-j link show type veth",
                "-j -p link show type bridge_slave",
                "link show up",
                "-j link show up",
                "-br link show up",
                "link show type veth up",
                "link show dev tap0",
                "link show tun0",
                "-o link show dev x",
                "-j -p link show x",
                "link show an-alternative-name-that-is-long",
                "-br link show dev 15charname12345",
                "link show y@z",
                "-j link show with.dots-and_x",
                "-n a link",
                "-n a -j -p link",
                "-n b -o link",
                "-n b -br link show up",
            ],
        );
        same_as_iproute2(
            sb,
            &[&["-j", "link", "show", "q\"uote"], &["-br", "link", "show", "ünï"]],
        );
    });
}

#[test]
fn address_listings_match_iproute2() {
    in_busybox_sandbox(|sb| {
        build(sb, &["a", "b"], STATE);
        settle(sb, &["a", "b"]);
        let parts = [
            "inet 198.18.1.1/24 brd 198.18.1.255 scope global br0",
            "secondary br0",
            "inet 198.18.2.1 peer 198.18.2.2/32",
            "inet6 2002:c612:1::1/64 scope global nodad",
            "inet6 fe80::",
            "scope link",
            "valid_lft forever preferred_lft forever",
        ];
        shows_all_of(sb, &["addr"], &parts);
        same_forms(
            sb,
            &[
                "addr",
                "addr show",
                "a s",
                "address list",
                "-o addr",
                "-br addr",
                "-j addr",
                "-j -p addr",
                "-br -j addr",
                "-j -o addr",
                "-4 addr",
                "-6 addr",
                "-0 addr",
                "-f inet addr",
                "-f inet6 -o addr",
                "-f link -br addr",
                "-4 -br addr",
                "-6 -j addr",
                "-6 -br addr",
                "addr show dev br0",
                "addr show br0",
                "-4 addr show br0",
                "-6 -o addr show dev br0",
                "addr show up",
                "-br addr show up",
                "-j addr show up",
                "-6 addr show up",
                "addr show type veth",
                "addr show master br0",
                "-4 addr show type bridge",
                "-br addr show dev an-alternative-name-that-is-long",
                "-n a addr",
                "-n a -br addr",
                "-n b addr",
                "-n b -j -p addr",
                "-n b -6 -o addr",
            ],
        );
        same_as_iproute2(
            sb,
            &[&["-br", "addr", "show", "ünï"], &["-j", "-p", "addr", "show", "q\"uote"]],
        );
    });
}

#[test]
fn errors_match_iproute2() {
    in_busybox_sandbox(|sb| {
        build(sb, &[], "$IP link set lo up\n$IP link add v0 type veth peer name v1\n");
        same_forms(
            sb,
            &[
                "link show nosuch",
                "addr show nosuch",
                "-j link show nosuch",
                "-br addr show dev nosuch",
                "link show dev",
                "addr show dev",
                "link show type",
                "link show master",
                "link show lo v0",
                "addr show dev lo dev v0",
                "link show master nosuch",
                "link show dev lo master nosuch",
                "link show if1",
                "-j link show if1",
                "addr show if1",
                "-br link show type nosuchkind",
                "-j link show type nosuchkind",
                "link show master v1",
                "-j link show master v1",
            ],
        );
    });
}

#[test]
fn batch_lines_and_no_system_ip_at_all() {
    in_busybox_sandbox(|sb| {
        build(sb, &[], "$IP link set lo up\n$IP link add v0 type veth peer name v1\n");
        // Addresses first: after a link line, iproute2 6.1 lists every later `addr show dev`
        // as a link (a flag it never clears); each of our lines is listed as it asks.
        let lines = "addr show dev v1\naddr show lo\nlink show nosuch\nlink show lo\n";
        fs::write(Path::new(WORK).join("lines"), lines).expect("writing a batch file");
        same_forms(sb, &["-br -b lines", "-j -force -b lines", "-o -b lines"]);
        // With no ip and no busybox at all, the listings are still ours to print.
        let lone = ours_with(sb, "/run/nothing", &["-br", "addr"]);
        assert_eq!(lone, iproute2s(sb, &["-br", "addr"]));
    });
}

#[test]
fn what_we_do_not_print_goes_to_busybox() {
    in_busybox_sandbox(|sb| {
        build(sb, &[], "$IP link set lo up\n");
        let busybox = busybox().expect("checked by `runnable`");
        for argv in [
            &["link", "show", "nomaster"][..],
            &["addr", "show", "scope", "host"],
            &["addr", "show", "permanent"],
            &["-d", "link", "show", "lo"],
            &["-s", "link"],
            &["link", "show", "help"],
            &["link", "xstats"],
        ] {
            let mut direct = Command::new(busybox);
            direct.arg("ip").args(argv).current_dir(WORK);
            assert_eq!(ours(sb, argv), sb.output(direct, None), "ip {}", argv.join(" "));
        }
    });
}

#[test]
fn iproute2_as_the_system_ip_keeps_the_listings() {
    in_busybox_sandbox(|sb| {
        // Any ip on PATH that is not busybox's is handed every listing, as before.
        let bin = Path::new("/run/other-ip");
        fs::create_dir_all(bin).expect("a PATH directory");
        fs::write(bin.join("ip"), "#!/bin/sh\necho \"the system's ip: $*\"\n")
            .expect("a stand-in ip");
        fs::set_permissions(bin.join("ip"), fs::Permissions::from_mode(0o755)).expect("chmod");
        let path = format!("{}:{BUSYBOX_BIN}", bin.display());
        for (argv, shown) in [
            (&["-br", "link"][..], "the system's ip: -br link\n"),
            (&["-j", "-p", "addr", "show", "lo"], "the system's ip: -j -p addr show lo\n"),
            (&["link", "show", "type", "veth"], "the system's ip: link show type veth\n"),
        ] {
            let seen = ours_with(sb, &path, argv);
            assert_eq!((seen.out_str().as_str(), seen.status), (shown, Status::Code(0)));
        }
    });
}

/// Just enough JSON to compare two documents by value: objects keep their keys in order.
mod json {
    #[derive(Debug, PartialEq)]
    pub enum Value {
        Null,
        Bool(bool),
        Number(String),
        Text(String),
        List(Vec<Value>),
        Object(Vec<(String, Value)>),
    }

    /// The document, if it is one JSON value and a newline.
    pub fn parse(bytes: &[u8]) -> Option<Value> {
        let text = std::str::from_utf8(bytes).ok()?.strip_suffix('\n')?;
        let mut rest = text.trim_start();
        let value = value(&mut rest)?;
        rest.trim_start().is_empty().then_some(value)
    }

    fn value(rest: &mut &str) -> Option<Value> {
        *rest = rest.trim_start();
        let first = rest.chars().next()?;
        match first {
            '{' => {
                *rest = &rest[1..];
                let mut fields = Vec::new();
                if !eat(rest, '}') {
                    loop {
                        *rest = rest.trim_start();
                        let Value::Text(key) = string(rest)? else { return None };
                        if !eat(rest, ':') {
                            return None;
                        }
                        fields.push((key, value(rest)?));
                        if eat(rest, '}') {
                            break;
                        }
                        if !eat(rest, ',') {
                            return None;
                        }
                    }
                }
                Some(Value::Object(fields))
            }
            '[' => {
                *rest = &rest[1..];
                let mut items = Vec::new();
                if !eat(rest, ']') {
                    loop {
                        items.push(value(rest)?);
                        if eat(rest, ']') {
                            break;
                        }
                        if !eat(rest, ',') {
                            return None;
                        }
                    }
                }
                Some(Value::List(items))
            }
            '"' => string(rest),
            _ => {
                let end = rest.find(|c: char| ",]} \n".contains(c)).unwrap_or(rest.len());
                let (word, after) = rest.split_at(end);
                *rest = after;
                match word {
                    "null" => Some(Value::Null),
                    "true" => Some(Value::Bool(true)),
                    "false" => Some(Value::Bool(false)),
                    _ if word.parse::<f64>().is_ok() => Some(Value::Number(word.into())),
                    _ => None,
                }
            }
        }
    }

    fn eat(rest: &mut &str, c: char) -> bool {
        *rest = rest.trim_start();
        match rest.strip_prefix(c) {
            Some(after) => {
                *rest = after;
                true
            }
            None => false,
        }
    }

    fn string(rest: &mut &str) -> Option<Value> {
        let mut chars = rest.strip_prefix('"')?.char_indices();
        let mut text = String::new();
        while let Some((at, c)) = chars.next() {
            match c {
                '"' => {
                    *rest = &rest[at + 2..];
                    return Some(Value::Text(text));
                }
                '\\' => text.push(match chars.next()?.1 {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'u' => {
                        let hex: String =
                            (0..4).filter_map(|_| chars.next().map(|(_, c)| c)).collect();
                        char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
                    }
                    other => other,
                }),
                c if (c as u32) < 0x20 => return None,
                c => text.push(c),
            }
        }
        None
    }

    #[test]
    fn parses_what_it_must() {
        let doc = b"[ {\n    \"a\": 1,\"b\": [ \"x\\\"y\",true,null ],\"c\": {}\n} ]\n";
        let expected = Value::List(vec![Value::Object(vec![
            ("a".into(), Value::Number("1".into())),
            (
                "b".into(),
                Value::List(vec![Value::Text("x\"y".into()), Value::Bool(true), Value::Null]),
            ),
            ("c".into(), Value::Object(vec![])),
        ])]);
        assert_eq!(parse(doc), Some(expected));
        for bad in [&b"[1,]\n"[..], b"{\"a\" 1}\n", b"[\"a\nb\"]\n", b"[1]", b"[1] x\n"] {
            assert_eq!(parse(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }
}
