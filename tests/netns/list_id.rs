//! `list-id [target-nsid N] [nsid N]`, with the spec's setup: foo=12, bar=13; inside foo,
//! foo=22 and bar=23; and an unnamed peer with id 40.

use crate::dispatch::{USAGE_IP, USAGE_NETNS};
use crate::harness::*;
use crate::table::*;

const FOO_BAR: &[Step] = &[
    Ns("foo"),
    Ns("bar"),
    Id("foo", 12),
    Id("bar", 13),
    IdIn("foo", "foo", 22),
    IdIn("foo", "bar", 23),
    Peer(40),
];

#[test]
fn list_id_output() {
    let ids = |what, argv: &[&str]| case(what, argv).given(FOO_BAR);
    run_table(&[
        ids("all ids; an unnamed peer keeps its trailing space", &["netns", "list-id"])
            .out("nsid 12 (iproute2 netns name: foo)\nnsid 13 (iproute2 netns name: bar)\nnsid 40 \n"),
        ids("JSON", &["-j", "netns", "list-id"])
            .out("[{\"nsid\":12,\"name\":\"foo\"},{\"nsid\":13,\"name\":\"bar\"},{\"nsid\":40}]\n"),
        ids("one id", &["netns", "list-id", "nsid", "13"]).out("nsid 13 (iproute2 netns name: bar)\n"),
        ids("the unnamed peer", &["netns", "list-id", "nsid", "40"]).out("nsid 40 \n"),
        ids("ids seen from foo", &["netns", "list-id", "target-nsid", "12"])
            .out("nsid 22 current-nsid 12 (iproute2 netns name: foo)\nnsid 23 current-nsid 13 (iproute2 netns name: bar)\n"),
        ids("JSON, seen from foo", &["-j", "netns", "list-id", "target-nsid", "12"]).out(
            "[{\"nsid\":22,\"current-nsid\":12,\"name\":\"foo\"},{\"nsid\":23,\"current-nsid\":13,\"name\":\"bar\"}]\n",
        ),
        ids("one id seen from foo", &["netns", "list-id", "target-nsid", "12", "nsid", "13"])
            .out("nsid 23 current-nsid 13 (iproute2 netns name: bar)\n"),
        ids("keywords in either order", &["netns", "list-id", "nsid", "12", "target-nsid", "12"])
            .out("nsid 22 current-nsid 12 (iproute2 netns name: foo)\n"),
        ids("-n foo: list from inside foo", &["-n", "foo", "netns"]).out(in_dir_order(&[("bar", "bar (id: 23)\n"), ("foo", "foo (id: 22)\n")])),
        ids("-n foo: list-id from inside foo", &["-n", "foo", "netns", "list-id"])
            .out("nsid 22 (iproute2 netns name: foo)\nnsid 23 (iproute2 netns name: bar)\n"),
        case("no ids", &["netns", "list-id"]).given(&[Ns("a")]),
        case("no ids, JSON", &["-j", "netns", "list-id"]).given(&[Ns("a")]).out("[]\n"),
        case("no ids, pretty JSON", &["-j", "-p", "netns", "list-id"]).given(&[Ns("a")]).out("[ ]\n"),
        case("one id, pretty JSON", &["-j", "-p", "netns", "list-id", "nsid", "1"])
            .given(&[Ns("a"), Id("a", 1)])
            .out("[ {\n        \"nsid\": 1,\n        \"name\": \"a\"\n    } ]\n"),
        case("two ids, pretty JSON", &["-j", "-p", "netns", "list-id"])
            .given(&[Ns("a"), Id("a", 5), Ns("b"), Id("b", 0)])
            .out("[ {\n        \"nsid\": 0,\n        \"name\": \"b\"\n    },{\n        \"nsid\": 5,\n        \"name\": \"a\"\n    } ]\n"),
    ]);
}

#[test]
fn list_id_errors() {
    let err = |what, argv: &[&str], msg: &'static str, code| {
        case(what, argv).given(FOO_BAR).err(msg).code(code)
    };
    let incomplete = "Command line is not complete. Try option \"help\"\n";
    run_table(&[
        err(
            "unknown id",
            &["netns", "list-id", "nsid", "99"],
            "Error: Peer netns reference is invalid.\n",
            2,
        ),
        err(
            "unknown id, JSON: no output",
            &["-j", "netns", "list-id", "nsid", "99"],
            "Error: Peer netns reference is invalid.\n",
            2,
        ),
        err(
            "unknown target",
            &["netns", "list-id", "target-nsid", "99"],
            "Error: Invalid target network namespace id.\nDump terminated\n",
            1,
        ),
        err(
            "unknown target, JSON",
            &["-j", "netns", "list-id", "target-nsid", "99"],
            "Error: Invalid target network namespace id.\nDump terminated\n",
            1,
        )
        .out("[]\n"),
        err("nsid without a value", &["netns", "list-id", "nsid"], incomplete, 255),
        err("target-nsid without a value", &["netns", "list-id", "target-nsid"], incomplete, 255),
        err(
            "nsid not a number",
            &["netns", "list-id", "nsid", "x"],
            "Error: argument \"x\" is wrong: \"nsid\" value is invalid\n",
            255,
        ),
        err(
            "nsid too big",
            &["netns", "list-id", "nsid", "99999999999999999999"],
            "Error: argument \"99999999999999999999\" is wrong: \"nsid\" value is invalid\n",
            255,
        ),
        err(
            "target-nsid not a number",
            &["netns", "list-id", "target-nsid", "x"],
            "Error: argument \"x\" is wrong: \"target-nsid\" value is invalid\n",
            255,
        ),
        err(
            "nsid twice",
            &["netns", "list-id", "nsid", "1", "nsid", "2"],
            "Error: duplicate \"nsid\": \"nsid\" is the second value.\n",
            255,
        ),
        err(
            "target-nsid twice",
            &["netns", "list-id", "target-nsid", "1", "target-nsid", "2"],
            "Error: duplicate \"target-nsid\": \"target-nsid\" is the second value.\n",
            255,
        ),
        err(
            "negative nsid names the value",
            &["netns", "list-id", "nsid", "-1"],
            "Error: argument \"-1\" is wrong: \"nsid\" value should be >= 0\n",
            255,
        )
        .differs("iproute2 names the next word, or (null)"),
        err(
            "negative target-nsid names the value",
            &["netns", "list-id", "target-nsid", "-1"],
            "Error: argument \"-1\" is wrong: \"target-nsid\" value should be >= 0\n",
            255,
        )
        .differs("iproute2 names the next word, or (null)"),
        err(
            "negative nsid before another keyword",
            &["netns", "list-id", "nsid", "-1", "target-nsid", "5"],
            "Error: argument \"-1\" is wrong: \"nsid\" value should be >= 0\n",
            255,
        )
        .differs("iproute2 names the next word, or (null)"),
        err("unknown keyword: usage", &["netns", "list-id", "bogus"], USAGE_IP, 255).named_ip(),
        err(
            "keywords are not abbreviated: usage",
            &["netns", "list-id", "targ", "1"],
            USAGE_IP,
            255,
        )
        .named_ip(),
        err(
            "unknown keyword after a good one: usage",
            &["netns", "list-id", "nsid", "9", "bogus"],
            USAGE_IP,
            255,
        )
        .named_ip(),
        err(
            "unknown keyword, under the name netns",
            &["netns", "list-id", "bogus"],
            USAGE_NETNS,
            255,
        )
        .differs("usage text says `netns` under the name netns"),
    ]);
}

/// With more ids than one buffer of the kernel's dump holds (about 1,150), the kernel here
/// ends the dump early without a word, and iproute2 shows only its first 134. Every named
/// namespace's id is still listed, in order, and a cut is said in one line.
#[test]
fn every_named_id_past_the_kernels_first_buffer() {
    const N: i32 = 1500;
    let differs = Compare::Differs("iproute2 shows what the kernel's first buffer holds");
    let seen = scenario(differs, false, |sb| {
        let lines: String =
            (0..N).map(|i| format!("netns add s{i}\nnetns set s{i} {i}\n")).collect();
        let made = sb.run_with(&[], Via::Netns, &os(&["-b", "-"]), Some(lines.as_bytes()));
        assert_eq!(made.status, Status::Code(0), "making the namespaces: {made:?}");
        sb.run(&["netns", "list-id"])
    });
    let Some(seen) = seen else { return };
    let every: String = (0..N).map(|i| format!("nsid {i} (iproute2 netns name: s{i})\n")).collect();
    assert_eq!(String::from_utf8_lossy(&seen.out), every);
    assert_eq!(seen.status, Status::Code(0));
    let err = String::from_utf8_lossy(&seen.err);
    if let Some(last) = err.strip_prefix("Warning: the kernel's list of ids ended after nsid ") {
        let last: i32 = last.split(';').next().unwrap_or_default().parse().expect("nsid");
        let cut = format!(
            "Warning: the kernel's list of ids ended after nsid {last}; the {} ids of named \
             namespaces after it were added, those of unnamed ones may be missing\n",
            N - 1 - last
        );
        assert_eq!(err, cut);
    } else {
        assert_eq!(err, "", "a dump that was not cut is not said to be");
    }
}
