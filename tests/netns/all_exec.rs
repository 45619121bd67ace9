//! `-all exec cmd ...`: the command in every namespace, in directory order, with a header each.
//! (On tmpfs the order is newest first; the expectations take it from the directory.)

use crate::table::*;

const B_A: &[Step] = &[Ns("a"), Ns("b")];

#[test]
fn all_exec() {
    let all = |what, argv: &[&str]| case(what, argv).given(B_A);
    let hi = for_each_ns(&["a", "b"], "\nnetns: {}\nhi\n");
    run_table(&[
        all("each namespace with a header", &["-all", "netns", "exec", "echo", "hi"]).out(hi.clone()),
        all("-a is -all", &["-a", "netns", "exec", "echo", "hi"]).out(hi.clone()),
        all("-al is -all", &["-al", "netns", "exec", "echo", "hi"]).out(hi.clone()),
        all("--all is -all", &["--all", "netns", "exec", "echo", "hi"]).out(hi.clone()),
        all("under the name ip", &["-all", "netns", "exec", "echo", "hi"]).named_ip().out(hi.clone()),
        all("each runs in its own namespace", &["-all", "netns", "exec", "sh", "-c", "$NETNS identify"])
            .out(for_each_ns(&["a", "b"], "\nnetns: {}\n{}\n")),
        all("failing commands: still 0", &["-all", "netns", "exec", "sh", "-c", "exit 3"]).out(for_each_ns(&["a", "b"], "\nnetns: {}\n")),
        all("every word is the command", &["-all", "netns", "exec", "a"])
            .out(for_each_ns(&["a", "b"], "\nnetns: {}\n"))
            .err("exec of \"a\" failed: No such file or directory\nexec of \"a\" failed: No such file or directory\n"),
        all("a command killed by a signal stops the walk", &["-all", "netns", "exec", "sh", "-c", "kill -9 $$"])
            .out(first_ns(&["a", "b"], "\nnetns: {}\n"))
            .code(1),
        case("no run dir", &["-all", "netns", "exec", "true"]),
        case("empty run dir", &["-all", "netns", "exec", "true"]).given(&[RunDir]),
        case("run dir is a file", &["-all", "netns", "exec", "true"])
            .given(&[RunDirIsFile])
            .err("Failed to open directory /run/netns: Not a directory\n")
            .code(1),
        case("a bogus entry fails, the others run once", &["-all", "netns", "exec", "echo", "hi"])
            .given(&[Ns("a"), Plain("bogus"), Ns("c")])
            .out(in_dir_order(&[
                ("a", "\nnetns: a\nhi\n"),
                ("bogus", "\nnetns: bogus\n"),
                ("c", "\nnetns: c\nhi\n"),
            ]))
            .err("setting the network namespace \"bogus\" failed: Invalid argument\n")
            .code(1)
            .differs("iproute2 6.1 runs the namespaces after a bogus entry twice, and exits 0"),
    ]);
}
