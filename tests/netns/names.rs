//! Namespace name validation: the word after any subcommand must be a usable file name.

use crate::harness::*;
use crate::table::*;

fn invalid(what: &'static str, argv: &[&str], name: &str) -> Case {
    case(what, argv).err(format!("Invalid netns name \"{name}\"\n")).code(255)
}

#[test]
fn invalid_names_are_refused_before_anything_happens() {
    let long = "0".repeat(256);
    let nothing_made: &[Check] = &[Check::absent(RUN)];
    run_table(&[
        invalid("empty", &["netns", "add", ""], "").then(nothing_made),
        invalid("slash", &["netns", "add", "a/b"], "a/b").then(nothing_made),
        invalid("dot", &["netns", "add", "."], ".").then(nothing_made),
        invalid("dot-dot", &["netns", "add", ".."], "..").then(nothing_made),
        invalid("traversal", &["netns", "add", "../evil"], "../evil")
            .then(&[Check::absent(RUN), Check::absent("/run/evil")]),
        invalid("256 bytes", &["netns", "add", &long], &long).then(nothing_made),
        invalid("checked before dispatch", &["netns", "foo", "a/b"], "a/b"),
        invalid("help checks its word too", &["netns", "help", "a/b"], "a/b"),
        invalid("list checks its word too", &["netns", "list", "/"], "/"),
        invalid("identify", &["netns", "identify", ""], ""),
        invalid("exec", &["netns", "exec", "a/b", "true"], "a/b"),
        invalid("delete", &["netns", "delete", ".."], ".."),
        invalid("attach", &["netns", "attach", "a/b", "1"], "a/b"),
        invalid("set", &["netns", "set", ".", "1"], "."),
        invalid("pids", &["netns", "pids", "x/"], "x/"),
        invalid("list-id", &["netns", "list-id", ".."], ".."),
        invalid("exec under the name ip", &["netns", "exec", "a/b", "true"], "a/b").named_ip(),
    ]);
}

#[test]
fn unusual_but_valid_names() {
    let longest = "0".repeat(255);
    let made = |what, name: &str| {
        case(what, &["netns", "add", name]).then(&[Check::is_netns(&format!("{RUN}/{name}"))])
    };
    run_table(&[
        made("255 bytes is the longest name", &longest),
        made("a leading dash", "-x"),
        made("a space", "with space"),
        made("a quote and a backslash", "q\"b\\s"),
        made("UTF-8", "réseau"),
        made("a dot-dot prefix is just a name", "..a"),
    ]);
}

#[test]
fn all_skips_name_checks_except_for_add_and_attach() {
    run_table(&[
        case("-all exec takes a path as the command", &["-all", "netns", "exec", "/bin/echo", "x"])
            .given(&[Ns("a"), Ns("b")])
            .out(for_each_ns(&["a", "b"], "\nnetns: {}\nx\n")),
        case("-all add still validates", &["-all", "netns", "add", "../evil"])
            .err("Invalid netns name \"../evil\"\n")
            .code(255)
            .then(&[Check::absent("/run/evil")])
            .differs("iproute2 creates /run/evil"),
        case("-all attach still validates", &["-all", "netns", "attach", "../evil", "1"])
            .err("Invalid netns name \"../evil\"\n")
            .code(255)
            .then(&[Check::absent("/run/evil")])
            .differs("iproute2 binds /run/evil"),
    ]);
}

/// A name that is not UTF-8 is still a name: made, listed raw, deleted.
#[test]
fn non_utf8_name() {
    scenario(Compare::Full, false, |sb| {
        let name: &[u8] = b"\xff\xfe";
        let add = sb.run_with(&[], Via::Netns, &os_bytes(&[b"netns", b"add", name]), None);
        assert_eq!(add, Observed::quiet_success(), "add \\xff\\xfe");
        let list = sb.run(&["netns", "list"]);
        assert_eq!(list.out, b"\xff\xfe\n", "list shows the name's raw bytes");
        let del = sb.run_with(&[], Via::Netns, &os_bytes(&[b"netns", b"delete", name]), None);
        assert_eq!(del.status, Status::Code(0), "delete \\xff\\xfe: {del:?}");
        assert_eq!(sb.run(&["netns", "list"]).out, b"", "nothing left");
        (add, list, del)
    });
}
