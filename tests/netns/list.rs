//! `list` in text, JSON and pretty JSON, and `set NAME NETNSID`.

use crate::harness::*;
use crate::table::*;

const A5_B: &[Step] = &[Ns("a"), Id("a", 5), Ns("b")];

/// `list` of A5_B: plain, JSON and pretty JSON.
fn a5_b() -> Text {
    in_dir_order(&[("a", "a (id: 5)\n"), ("b", "b\n")])
}

fn a5_b_json() -> Text {
    json_in_dir_order(&[("a", "{\"name\":\"a\",\"id\":5}"), ("b", "{\"name\":\"b\"}")])
}

fn a5_b_pretty() -> Text {
    let a = "{\n        \"name\": \"a\",\n        \"id\": 5\n    }";
    let b = "{\n        \"name\": \"b\"\n    }";
    listing(vec![fixed("[ "), each(&[("a", a), ("b", b)], ","), fixed(" ]\n")])
}

#[test]
fn list_formats() {
    run_table(&[
        case("ids shown when set", &["netns"]).given(A5_B).out(a5_b()),
        case("list", &["netns", "list"]).given(A5_B).out(a5_b()),
        case("JSON", &["-j", "netns"]).given(A5_B).out(a5_b_json()),
        case("JSON list", &["-j", "netns", "list"]).given(A5_B).out(a5_b_json()),
        case("pretty JSON", &["-j", "-p", "netns"]).given(A5_B).out(a5_b_pretty()),
        case("pretty JSON, -p first", &["-p", "-j", "netns", "list"])
            .given(A5_B)
            .out(a5_b_pretty()),
        case("id 0 is shown", &["netns"]).given(&[Ns("a"), Id("a", 0)]).out("a (id: 0)\n"),
        case("ids of other namespaces are not ours", &["netns"])
            .given(&[Ns("a"), Ns("b"), IdIn("a", "b", 7)])
            .out(names(&["a", "b"])),
        case("JSON escapes quote, backslash, newline, tab", &["-j", "netns"])
            .given(&[Ns("a\"b"), Ns("back\\slash"), Ns("new\nline"), Ns("tab\there")])
            .out(json_in_dir_order(&[
                ("a\"b", "{\"name\":\"a\\\"b\"}"),
                ("back\\slash", "{\"name\":\"back\\\\slash\"}"),
                ("new\nline", "{\"name\":\"new\\nline\"}"),
                ("tab\there", "{\"name\":\"tab\\there\"}"),
            ])),
        case("text prints names raw", &["netns"])
            .given(&[Ns("new\nline"), Ns("tab\there")])
            .out(names(&["new\nline", "tab\there"])),
        case("JSON escapes other control bytes as \\u00XX", &["-j", "netns"])
            .given(&[Ns("one\x01"), Ns("del\x7f"), Ns("esc\x1b")])
            .out(json_in_dir_order(&[
                ("one\x01", "{\"name\":\"one\\u0001\"}"),
                ("del\x7f", "{\"name\":\"del\\u007f\"}"),
                ("esc\x1b", "{\"name\":\"esc\\u001b\"}"),
            ]))
            .differs("iproute2 6.1 writes control bytes raw (invalid JSON)"),
        case("a stale entry is listed, one error", &["netns"])
            .given(&[Ns("a"), Plain("stale")])
            .out(names(&["a", "stale"]))
            .err("Cannot open network namespace \"stale\": Invalid argument\n")
            .differs("iproute2 hands it to the kernel, and prints its refusal twice"),
        case("a directory in the run dir is listed, one error", &["netns"])
            .given(&[Dir("sub"), Ns("b")])
            .out(names(&["b", "sub"]))
            .err("Cannot open network namespace \"sub\": Invalid argument\n")
            .differs("iproute2 hands it to the kernel, and prints its refusal twice"),
        case("run dir is a file: nothing", &["netns"]).given(&[RunDirIsFile]),
        case("run dir is a file: nothing, even in JSON", &["-j", "netns"]).given(&[RunDirIsFile]),
    ]);
}

#[test]
fn set_errors() {
    let bad = |v: &str, what: &str| format!("Error: argument \"{v}\" is wrong: {what}\n");
    let invalid = |v: &'static str| {
        case("not a netnsid", &["netns", "set", "a", v])
            .given(&[Ns("a")])
            .err(bad(v, "Invalid \"netnsid\" value"))
            .code(255)
    };
    run_table(&[
        case("no name", &["netns", "set"]).err("No netns name specified\n").code(1),
        case("no nsid", &["netns", "set", "a"])
            .given(&[Ns("a")])
            .err("No nsid specified\n")
            .code(1),
        case("missing namespace", &["netns", "set", "nope", "5"])
            .given(&[RunDir])
            .err("Cannot open network namespace \"nope\": No such file or directory\n")
            .code(1),
        invalid("xyz"),
        invalid("08"),
        invalid("2147483648"),
        invalid("99999999999999999999"),
        invalid("AUTO"),
        invalid(""),
        invalid("5x"),
        case("negative", &["netns", "set", "a", "-3"])
            .given(&[Ns("a")])
            .err(bad("-3", "\"netnsid\" value should be >= 0"))
            .code(255),
        case("negative, missing namespace", &["netns", "set", "x", "-1"])
            .err(bad("-1", "\"netnsid\" value should be >= 0"))
            .code(255),
        case("id already set", &["netns", "set", "a", "20"])
            .given(&[Ns("a"), Id("a", 5)])
            .err("Error: Peer netns already has a nsid assigned.\n")
            .code(2),
        case("auto when already set", &["netns", "set", "a", "auto"])
            .given(&[Ns("a"), Id("a", 5)])
            .err("Error: Peer netns already has a nsid assigned.\n")
            .code(2),
        case("id in use", &["netns", "set", "b", "16"])
            .given(&[Ns("a"), Id("a", 16), Ns("b")])
            .err("Error: The specified nsid is already used.\n")
            .code(2),
        case("not a namespace", &["netns", "set", "plain", "3"])
            .given(&[Plain("plain")])
            .err("Cannot open network namespace \"plain\": Invalid argument\n")
            .code(1)
            .differs(
                "iproute2 hands it to the kernel: \"Error: Peer netns reference is invalid.\", 2",
            ),
    ]);
}

/// Ids set with `set` (decimal, octal, hex, signs, auto) show in `list`.
#[test]
fn set_then_list() {
    scenario(Compare::Full, false, |sb| {
        prepare(sb, &[Ns("a"), Ns("b"), Ns("c"), Ns("d"), Ns("e")]);
        for (name, id) in
            [("a", "5"), ("b", " +9"), ("c", "010"), ("d", "0x7fffffff"), ("e", "auto")]
        {
            let set = sb.run(&["netns", "set", name, id]);
            assert_eq!(set, Observed::quiet_success(), "set {name} {id:?}");
        }
        let list = sb.run(&["netns"]);
        // auto takes the lowest free id: 0.
        let want = [
            ("a", "a (id: 5)\n"),
            ("b", "b (id: 9)\n"),
            ("c", "c (id: 8)\n"),
            ("d", "d (id: 2147483647)\n"),
            ("e", "e (id: 0)\n"),
        ];
        assert_eq!(list.out_str(), in_order(&want));
        assert_eq!(list.err, b"");
        list
    });
}
