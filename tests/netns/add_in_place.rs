//! Where `add` makes its namespace: in our own process where it can (a single add stays in
//! the new namespace, nothing runs after it; a batch goes back to where it began before the
//! next line), and in a child where it could not come back (inside a user namespace). Each
//! way, every name leads to a new namespace of its own, and what runs after an add runs where
//! the batch began.

use crate::emulate;
use crate::harness::*;
use crate::table::*;

/// `identify` in a batch names the namespace the batch runs in: none of ours (an empty line),
/// or `a` under `-n a`, after every add as before it; and each new name leads to a namespace of its own.
#[test]
fn a_batch_runs_each_line_where_it_began() {
    const LINES: &str = "netns identify\nnetns add x\nnetns identify\nnetns add y\n\
        netns identify\nnetns exec x sh -c \"$NETNS identify\"\n\
        netns exec y sh -c \"$NETNS identify\"\n";
    run_table(&[
        case("in the sandbox's own namespace", &["-b", "F"])
            .named_ip()
            .given(&[File("F", LINES)])
            .out("\n\n\nx\ny\n")
            .then(&[Check::is_netns("/run/netns/x"), Check::is_netns("/run/netns/y")]),
        case("inside a (-n a)", &["-n", "a", "-b", "F"])
            .named_ip()
            .given(&[Ns("a"), File("F", LINES)])
            .out("a\na\na\nx\ny\n"),
    ]);
}

/// `-n a add x` makes x from inside a, and stays in x: x is a namespace of its own, neither a
/// nor ours, and a is as it was. (ip binds x in a mount namespace of its own, where nobody else
/// sees it.)
#[test]
fn add_from_inside_another_namespace() {
    scenario(Compare::Differs("iproute2 leaves a dangling file"), false, |sb| {
        sb.ns("a");
        let a = sb.inode("/run/netns/a");
        let seen = sb.run(&["-n", "a", "netns", "add", "x"]);
        assert_eq!(seen, Observed::quiet_success());
        let x = sb.inode("/run/netns/x");
        assert_ne!(x, a, "x is a new namespace, not a");
        assert_ne!(x, sb.inode("/proc/thread-self/ns/net"), "x is a new namespace, not ours");
        assert_eq!(sb.inode("/run/netns/a"), a);
        let identify = |name| sb.run(&["-n", name, "netns", "identify"]).out_str();
        assert_eq!([identify("x"), identify("a")], ["x\n", "a\n"]);
    });
}

/// Inside a user namespace that does not own our network namespace, a process can make a
/// namespace but not come back from it: the batch finds that out before its first add and
/// makes each namespace in a child instead, and every line still runs where it began.
#[test]
fn a_batch_inside_a_user_namespace() {
    scenario(
        Compare::Differs("iproute2 cannot switch back inside a user namespace"),
        false,
        |sb| {
            let script = "$NETNS -b - && $NETNS -n u identify && $NETNS -n v identify";
            let cmd = sb.as_nobody_in_a_user_namespace(script);
            let lines = b"identify\nadd u\nidentify\nadd v\nidentify\n";
            let seen = sb.output(cmd, Some(lines));
            assert_eq!(seen.err_str(), "", "as nobody in a user namespace: {seen:?}");
            assert_eq!((seen.out_str().as_str(), seen.status), ("\n\n\nu\nv\n", Status::Code(0)));
        },
    );
}

/// A batch whose way back fails after an add (here made to fail by strace) ends at once, even
/// under -force: its next lines would run in the new namespace. The add is taken back, and
/// nothing after it runs.
#[test]
fn a_batch_that_cannot_come_back_stops() {
    let Some(strace) = emulate::strace("a batch that cannot come back") else { return };
    // The first setns is the batch's probe, the second the way back from x.
    let inject = "inject=setns:error=EPERM:when=2";
    let pre = [strace, "-f", "-qq", "-o", "/dev/null", "-e", inject, "--"];
    let why = "ip has no probe, and keeps the name it could not come back from";
    scenario(Compare::Differs(why), false, |sb| {
        std::fs::write(format!("{WORK}/F"), "netns add x\nnetns add y\n").expect("batch file");
        let seen = sb.output(sb.command(&pre, Via::Ip, &os(&["-force", "-b", "F"])), None);
        assert_eq!(
            (seen.err_str().as_str(), seen.status),
            ("setns: Operation not permitted\n", Status::Code(1)),
            "{seen:?}"
        );
        Check::entries(&[]).assert();
    });
}
