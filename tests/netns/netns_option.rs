//! The global `-n NAME` option: run the subcommand inside namespace NAME.

use crate::table::*;

#[test]
fn netns_option() {
    run_table(&[
        case("missing namespace", &["-n", "nope", "netns"])
            .err("Cannot open network namespace \"nope\": No such file or directory\n")
            .code(255),
        // The name is not checked, but it stays inside the run directory, as in ip.
        case("a path is still a name", &["-n", "/proc/self/ns/net", "netns"])
            .err("Cannot open network namespace \"/proc/self/ns/net\": No such file or directory\n")
            .code(255),
        case("not a namespace", &["-n", "plain", "netns"])
            .given(&[Plain("plain")])
            .err("setting the network namespace \"plain\" failed: Invalid argument\n")
            .code(255),
        case("list from inside a", &["-n", "a", "netns"])
            .given(&[Ns("a"), Ns("b")])
            .out(names(&["a", "b"])),
        case("-netns is -n", &["-netns", "a", "netns", "list"])
            .given(&[Ns("a"), Ns("b")])
            .out(names(&["a", "b"])),
        case("identify inside a", &["-n", "a", "netns", "identify"])
            .given(&[Ns("a"), Ns("b")])
            .out("a\n"),
        case(
            "exec from inside a",
            &["-n", "a", "netns", "exec", "b", "sh", "-c", "$NETNS identify"],
        )
        .given(&[Ns("a"), Ns("b")])
        .out("b\n"),
        case("under the name ip", &["-n", "a", "netns"])
            .named_ip()
            .given(&[Ns("a"), Ns("b")])
            .out(names(&["a", "b"])),
        case("add from inside a makes a usable namespace", &["-n", "a", "netns", "add", "x"])
            .given(&[Ns("a")])
            .then(&[Check::is_netns("/run/netns/x")])
            .differs("iproute2 leaves a dangling file"),
    ]);
}
