//! `delete NAME` and `-all delete`.

use crate::harness::*;
use crate::table::*;

/// `argv` removing namespace `a` where /run is read-only: refused, and `a` still bound.
fn on_read_only_run(what: &'static str, argv: &[&str]) -> Case {
    case(what, argv)
        .given(&[Ns("a"), ReadOnlyRun])
        .err("Cannot remove namespace file \"/run/netns/a\": Read-only file system\n")
        .code(1)
        .then(&[Check::is_netns("/run/netns/a")])
        .differs(UNMOUNTED_FIRST)
}

const UNMOUNTED_FIRST: &str = "iproute2 unmounts the name before its unlink fails: the namespace is gone and a plain file stays";

#[test]
fn delete() {
    let empty: &[Check] = &[Check::entries(&[])];
    run_table(&[
        case("delete a namespace", &["netns", "delete", "a"])
            .given(&[Ns("a"), Ns("b")])
            .then(&[Check::entries(&["b"])]),
        case("del is delete", &["netns", "del", "a"]).given(&[Ns("a")]).then(empty),
        case("d is delete", &["netns", "d", "a"]).given(&[Ns("a")]).then(empty),
        case("under the name ip", &["netns", "delete", "a"])
            .named_ip()
            .given(&[Ns("a")])
            .then(empty),
        case("extra words are ignored", &["netns", "del", "c", "extra"])
            .given(&[Ns("c")])
            .then(empty),
        case("a plain file is removed too", &["netns", "del", "plain"])
            .given(&[Plain("plain")])
            .then(empty),
        case("a namespace added by the program itself", &["netns", "del", "x"])
            .given(&[Sub(&["netns", "add", "x"])])
            .then(empty),
        case("no name", &["netns", "del"]).err("No netns name specified\n").code(1),
        case("missing name", &["netns", "del", "nope"])
            .given(&[RunDir])
            .err("Cannot remove namespace file \"/run/netns/nope\": No such file or directory\n")
            .code(1),
        case("d nope is del nope", &["netns", "d", "nope"])
            .err("Cannot remove namespace file \"/run/netns/nope\": No such file or directory\n")
            .code(1),
        case("a directory", &["netns", "del", "sub"])
            .given(&[Dir("sub")])
            .err("Cannot remove namespace file \"/run/netns/sub\": Is a directory\n")
            .code(1),
        on_read_only_run("read-only /run: the name stays bound", &["netns", "del", "a"]),
        case("two stacked mounts: busy", &["netns", "del", "x"])
            .given(&[Ns("x"), Stack("x")])
            .err("Cannot remove namespace file \"/run/netns/x\": Device or resource busy\n")
            .code(1),
    ]);
}

#[test]
fn delete_all() {
    run_table(&[
        case("no run dir", &["-all", "netns", "delete"]),
        case("empty run dir", &["-all", "netns", "delete"]).given(&[RunDir]),
        case("every namespace", &["-all", "netns", "delete"])
            .given(&[Ns("a"), Ns("b"), Plain("c")])
            .then(&[Check::entries(&[])]),
        case("--all, extra words ignored", &["--all", "netns", "del", "ignored/args"])
            .given(&[Ns("a"), Ns("b")])
            .then(&[Check::entries(&[])]),
        case("run dir is a file", &["-all", "netns", "delete"])
            .given(&[RunDirIsFile])
            .err("Failed to open directory /run/netns: Not a directory\n")
            .code(1),
        // Whatever the directory order, only subdir cannot be removed.
        case("goes on past a failure, then fails", &["-all", "netns", "delete"])
            .given(&[Ns("a"), Ns("b"), Plain("plainfile"), Dir("subdir")])
            .err("Cannot remove namespace file \"/run/netns/subdir\": Is a directory\n")
            .code(1)
            .then(&[Check::entries(&["subdir"])])
            .differs("iproute2 stops at the first failure and exits 0"),
        // Said once, of the first name: every unlink would fail alike.
        case("read-only /run: every name stays bound", &["-all", "netns", "delete"])
            .given(&[Ns("a"), Ns("b"), ReadOnlyRun])
            .err(first_ns(
                &["a", "b"],
                "Cannot remove namespace file \"/run/netns/{}\": Read-only file system\n",
            ))
            .code(1)
            .then(&[Check::is_netns("/run/netns/a"), Check::is_netns("/run/netns/b")])
            .differs(UNMOUNTED_FIRST),
    ]);
}

/// A second delete of a stacked namespace succeeds once the stack is gone.
#[test]
fn delete_again_after_busy() {
    scenario(Compare::Full, false, |sb| {
        prepare(sb, &[Ns("x"), Stack("x")]);
        let first = sb.run(&["netns", "del", "x"]);
        assert_eq!(first.status, Status::Code(1), "first delete: {first:?}");
        let second = sb.run(&["netns", "del", "x"]);
        assert_eq!(second, Observed::quiet_success(), "second delete");
        Check::entries(&[]).assert();
        (first, second)
    });
}
