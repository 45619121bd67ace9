//! Batch mode, `ip [-force] [-all] -b FILE|-`: one `netns ...` command per line. Batch files
//! hold iproute2 command lines, so these run under the name `ip`.

use crate::table::*;

fn batch(what: &'static str, argv: &[&str], file: &'static str) -> Case {
    case(what, argv).named_ip().given(&[Ns("a"), File("F", file)])
}

const STOPS_AT_2: &str =
    "netns exec a true\nnetns exec a sh -c \"exit 7\"\nnetns exec a echo after\n";

#[test]
fn batch_lines() {
    run_table(&[
        batch("runs every line", &["-b", "F"], "netns exec a echo one\nnetns exec a echo two\nnetns\n").out("one\ntwo\na\n"),
        batch("-batch is -b", &["-batch", "F"], "netns exec a echo one\n").out("one\n"),
        batch("stops at the first failing line", &["-b", "F"], STOPS_AT_2).err("Command failed F:2\n").code(1),
        batch("-force goes on", &["-force", "-b", "F"], STOPS_AT_2).out("after\n").err("Command failed F:2\n").code(1),
        batch(
            "comments, blank lines, quotes and continuation",
            &["-b", "F"],
            "netns exec a echo \"a  b\" # comment\n# only a comment\n\nnetns exec a echo c \\\n d\nnetns exec a echo 'x  y'\n",
        )
        .out("a  b\nc d\nx  y\n"),
        batch("a # inside quotes still starts a comment", &["-b", "F"], "netns exec a echo \"p#q\"\n")
            .err("Unterminated quoted string\n")
            .code(1),
        batch("a killed command ends the batch silently", &["-b", "F"], "netns exec a sh -c \"kill -TERM $$\"\nnetns list\n").code(1),
        batch("even with -force", &["-force", "-b", "F"], "netns exec a sh -c \"kill -TERM $$\"\nnetns list\n").code(1),
        batch("a missing command", &["-b", "F"], "netns exec a nonexistcmd\n")
            .err("exec of \"nonexistcmd\" failed: No such file or directory\nCommand failed F:1\n")
            .code(1),
        batch("a missing nsid", &["-b", "F"], "netns set a\n").err("No nsid specified\nCommand failed F:1\n").code(1),
        batch("an invalid name ends everything", &["-force", "-b", "F"], "netns add a/b\nnetns list\n")
            .err("Invalid netns name \"a/b\"\n")
            .code(255),
        case("-force: failures reported, the rest done", &["-force", "-b", "F"])
            .named_ip()
            .given(&[File("F", "netns del nope\nnetns add ok\nnetns\nnetns del ok\n")])
            .out("ok\n")
            .err("Cannot remove namespace file \"/run/netns/nope\": No such file or directory\nCommand failed F:1\n")
            .code(1)
            .then(&[Check::entries(&[])]),
        case("the upstream testsuite's set_nsid_batch", &["-b", "F"])
            .named_ip()
            .given(&[File("F", "netns add testnsid\nnetns set testnsid 99\nnetns list-id\n")])
            .out("nsid 99 (iproute2 netns name: testnsid)\n")
            .then(&[Check::is_netns("/run/netns/testnsid")]),
        case("-all applies to every line", &["-all", "-b", "F"])
            .named_ip()
            .given(&[Ns("a"), Ns("c"), File("F", "netns exec echo hi\nnetns exec echo there\n")])
            .out(listing(vec![
                each_ns(&["a", "c"], "\nnetns: {}\nhi\n"),
                each_ns(&["a", "c"], "\nnetns: {}\nthere\n"),
            ])),
        // `-all delete` raises its limit on open files while it holds the namespaces; what
        // runs after it starts under the limit the batch had.
        case("-all delete leaves the limit on open files as it was", &["-all", "-b", "F"])
            .named_ip()
            .wrapped(&["sh", "-c", "ulimit -Sn 100; exec \"$@\"", "sh"])
            .given(&[Ns("a"), File("F", "netns delete\nnetns add x\nnetns exec sh -c 'ulimit -Sn'\n")])
            .out("\nnetns: x\n100\n"),
        case("-b - reads stdin", &["-b", "-"])
            .named_ip()
            .given(&[Ns("a")])
            .stdin("netns exec a nonexistcmd\n")
            .err("exec of \"nonexistcmd\" failed: No such file or directory\nCommand failed -:1\n")
            .code(1),
        case("one JSON array per command", &["-j", "-b", "-"])
            .named_ip()
            .given(&[Ns("a")])
            .stdin("netns\nnetns add b\nnetns\n")
            .out(listing(vec![
                fixed("[{\"name\":\"a\"}]\n["),
                each(&[("a", "{\"name\":\"a\"}"), ("b", "{\"name\":\"b\"}")], ","),
                fixed("]\n"),
            ])),
        case("missing file", &["-b", "/nonexistent"])
            .named_ip()
            .err("Cannot open file \"/nonexistent\" for reading: No such file or directory\n")
            .code(1),
        batch("a failed exec setup: one Command failed", &["-b", "F"], "netns exec nope true\nnetns list\n")
            .err("Cannot open network namespace \"nope\": No such file or directory\nCommand failed F:1\n")
            .code(1)
            .differs("iproute2 6.1's child returns into the batch: two Command failed lines"),
        batch("a failed exec setup with -force: the rest runs once", &["-force", "-b", "F"], "netns exec nope true\nnetns list\n")
            .out("a\n")
            .err("Cannot open network namespace \"nope\": No such file or directory\nCommand failed F:1\n")
            .code(1)
            .differs("iproute2 6.1's child returns into the batch and lists twice"),
        batch("exec keeps our stdin, not the batch file", &["-b", "F"], "netns exec a cat\nnetns exec a echo next\n")
            .stdin("typed\n")
            .out("typed\nnext\n")
            .differs("iproute2 gives the command the batch file as stdin"),
    ]);
}
