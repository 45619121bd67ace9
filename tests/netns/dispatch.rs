//! The front end: bare `netns`, option parsing, subcommand prefixes, help and unknown words.

use crate::harness::*;
use crate::skips::IPROUTE2;
use crate::table::*;

/// `ip netns help` (spec §2.1), on stderr.
pub const USAGE_IP: &str = "Usage:\tip netns list\n\
\tip netns add NAME\n\
\tip netns attach NAME PID\n\
\tip netns set NAME NETNSID\n\
\tip [-all] netns delete [NAME]\n\
\tip netns identify [PID]\n\
\tip netns pids NAME\n\
\tip [-all] netns exec [NAME] cmd ...\n\
\tip netns monitor\n\
\tip netns list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]\n\
NETNSID := auto | POSITIVE-INT\n";

/// The same usage under the name `netns`: "ip netns" reads "netns", "ip [-all] netns" reads
/// "netns [-all]".
pub const USAGE_NETNS: &str = "Usage:\tnetns list\n\
\tnetns add NAME\n\
\tnetns attach NAME PID\n\
\tnetns set NAME NETNSID\n\
\tnetns [-all] delete [NAME]\n\
\tnetns identify [PID]\n\
\tnetns pids NAME\n\
\tnetns [-all] exec [NAME] cmd ...\n\
\tnetns monitor\n\
\tnetns list-id [target-nsid POSITIVE-INT] [nsid POSITIVE-INT]\n\
NETNSID := auto | POSITIVE-INT\n";

const NAMES_B_A: &[Step] = &[Ns("a"), Ns("b")];
const A_WITH_ID: &[Step] = &[Ns("a"), Id("a", 5)];

#[test]
fn bare_netns_and_output_options() {
    run_table(&[
        case("no run dir: nothing listed, nothing created", &["netns"]).then(&[Check::absent(RUN)]),
        case("-j with no run dir prints nothing, not []", &["-j", "netns"]),
        case("-j with an empty run dir", &["-j", "netns"]).given(&[RunDir]).out("[]\n"),
        case("-j -p with an empty run dir", &["-j", "-p", "netns"]).given(&[RunDir]).out("[ ]\n"),
        case("names in the run directory's order", &["netns"])
            .given(NAMES_B_A)
            .out(names(&["a", "b"])),
        case("-p without -j is plain text", &["-p", "netns"])
            .given(NAMES_B_A)
            .out(names(&["a", "b"])),
        case("--json is -json", &["--json", "netns"]).given(&[RunDir]).out("[]\n"),
        case(
            "-details -stats -oneline change nothing",
            &["-details", "-stats", "-oneline", "netns"],
        )
        .given(NAMES_B_A)
        .out(names(&["a", "b"])),
        case("-f takes a family, ignored", &["-f", "inet", "netns"])
            .given(NAMES_B_A)
            .out(names(&["a", "b"])),
    ]);
}

#[test]
fn subcommand_prefixes() {
    let list = |what, argv| case(what, argv).given(NAMES_B_A).out(names(&["a", "b"]));
    let list_id =
        |what, argv| case(what, argv).given(A_WITH_ID).out("nsid 5 (iproute2 netns name: a)\n");
    run_table(&[
        list("list", &["netns", "list"]),
        list("l is list", &["netns", "l"]),
        list("li is list", &["netns", "li"]),
        list("show is list", &["netns", "show"]),
        list("s is list, not set", &["netns", "s"]),
        list("sh is list", &["netns", "sh"]),
        list("lst is list", &["netns", "lst"]),
        list("ls matches lst", &["netns", "ls"]),
        list("extra words after list are ignored", &["netns", "list", "extra", "args"]),
        list_id("list-id", &["netns", "list-id"]),
        list_id("list- is list-id", &["netns", "list-"]),
        list_id("list-i is list-id", &["netns", "list-i"]),
        list("ip net is ip netns", &["net"]).named_ip(),
        list("ip netn is ip netns", &["netn"]).named_ip(),
        list("ip netns list", &["netns", "list"]).named_ip(),
    ]);
}

#[test]
fn help_and_unknown_words() {
    let unknown = |word: &'static str, msg: &'static str| {
        case("unknown subcommand", &["netns", word]).named_ip().err(msg).code(255)
    };
    run_table(&[
        case("help under the name ip", &["netns", "help"]).named_ip().err(USAGE_IP).code(255),
        case("h is help", &["netns", "h"]).named_ip().err(USAGE_IP).code(255),
        case("help under the name netns names netns", &["netns", "help"])
            .err(USAGE_NETNS)
            .code(255)
            .differs("usage text says `netns` under the name netns"),
        case("h under the name netns", &["netns", "h"])
            .err(USAGE_NETNS)
            .code(255)
            .differs("usage text says `netns` under the name netns"),
        unknown("foo", "Command \"foo\" is unknown, try \"ip netns help\".\n"),
        unknown("", "Command \"\" is unknown, try \"ip netns help\".\n"),
        unknown("LIST", "Command \"LIST\" is unknown, try \"ip netns help\".\n"),
        unknown("lists", "Command \"lists\" is unknown, try \"ip netns help\".\n"),
        case("under the name netns, the hint names netns", &["netns", "foo"])
            .err("Command \"foo\" is unknown, try \"netns help\".\n")
            .code(255)
            .differs("messages name the program as it was started"),
        case("an option after netns is a subcommand word", &["netns", "-j"])
            .named_ip()
            .err("Command \"-j\" is unknown, try \"ip netns help\".\n")
            .code(255),
        case("other objects under the name ip go to the system's ip", &["link", "show", "lo"])
            .named_ip()
            .needs(&IPROUTE2)
            .out(Text::Any)
            .code(0),
        case("an unknown object too: the system's ip words the error", &["linkx"])
            .named_ip()
            .needs(&IPROUTE2)
            .err("Object \"linkx\" is unknown, try \"ip help\".\n")
            .code(1),
        case("unknown object", &["netnsx"])
            .named_ip()
            .needs(&IPROUTE2)
            .err("Object \"netnsx\" is unknown, try \"ip help\".\n")
            .code(1),
        case("unknown option under the name ip", &["-x", "netns"])
            .named_ip()
            .err("Option \"-x\" is unknown, try \"ip -help\".\n")
            .code(255),
        case("unknown option under the name netns", &["-x", "netns"])
            .err(OneLine)
            .code(255)
            .compare(Compare::StatusOnly),
        case("-f netns is a bad family", &["-f", "netns"])
            .named_ip()
            .err("Error: argument \"netns\" is wrong: invalid protocol family\n")
            .code(255),
        case("ip -help: ip's usage", &["-help"])
            .named_ip()
            .err(Text::Any)
            .code(255)
            .compare(Compare::StatusOnly),
        case("ip -n NAME without an object: ip's usage", &["-n", "a"])
            .named_ip()
            .given(&[Ns("a")])
            .err(Text::Any)
            .code(255)
            .compare(Compare::StatusOnly),
        case("netns --help: help on stdout", &["--help"])
            .out(has("netns"))
            .differs("help under the name netns goes to stdout, 0"),
        case("netns -help: help on stdout", &["-help"])
            .out(has("netns"))
            .differs("help under the name netns goes to stdout, 0"),
        case("-V prints a version line", &["-V"]).out(OneLine).differs("our own version text"),
        case("-V before a subcommand", &["-V", "netns", "list"])
            .out(OneLine)
            .differs("our own version text"),
        case("-n without a name", &["-n"])
            .err(OneLine)
            .code(255)
            .differs("wording of a missing option argument"),
        case("-b without a file", &["-b"])
            .err(OneLine)
            .code(255)
            .differs("wording of a missing option argument"),
    ]);
}
