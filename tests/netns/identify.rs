//! `identify [PID]` and `pids NAME`.

use crate::harness::dir_order;
use crate::table::*;

#[test]
fn identify_and_pids_errors() {
    run_table(&[
        case("no name for our own namespace", &["netns", "identify"]).given(&[Ns("a")]).out("\n"),
        case("no run dir", &["netns", "identify"]).out("\n"),
        case("i is identify", &["netns", "i"]).out("\n"),
        case("not a pid", &["netns", "identify", "abc"])
            .err("Specified string 'abc' is not a pid\n")
            .code(1),
        case("negative", &["netns", "identify", "-1"])
            .err("Specified string '-1' is not a pid\n")
            .code(1),
        case("self is not a pid", &["netns", "identify", "self"])
            .err("Specified string 'self' is not a pid\n")
            .code(1),
        case("two pids", &["netns", "identify", "1", "2"])
            .err("extra arguments specified\n")
            .code(1),
        case("no such process", &["netns", "identify", "99999999"])
            .err("Cannot open network namespace: No such file or directory\n")
            .code(1),
        case("beyond 64 bits", &["netns", "identify", "18446744073709551616"])
            .err("Cannot open network namespace: No such file or directory\n")
            .code(1),
        case("run dir is a file (no space after the colon)", &["netns", "identify"])
            .given(&[RunDirIsFile])
            .err("Failed to open directory /run/netns:Not a directory\n")
            .code(1),
        case("pids: no name", &["netns", "pids"]).err("No netns name specified\n").code(1),
        case("pids: extra word", &["netns", "pids", "a", "extra"])
            .given(&[Ns("a")])
            .err("extra arguments specified\n")
            .code(1),
        case("pids: missing namespace", &["netns", "pids", "nope"])
            .err("Cannot open network namespace: No such file or directory\n")
            .code(1),
        case("pids: a plain file", &["netns", "pids", "plain"]).given(&[Plain("plain")]),
        case("pids: nothing runs in it", &["netns", "pids", "a"]).given(&[Ns("a")]),
        case("p is pids", &["netns", "p", "a"]).given(&[Ns("a")]),
    ]);
}

/// identify and pids with processes running in namespaces; pids are replaced by placeholders
/// before comparing with iproute2.
#[test]
fn identify_and_pids_of_processes() {
    scenario(Compare::Full, false, |sb| {
        prepare(sb, &[Ns("a"), Ns("b")]);
        let p1 = sb.sleeper("a");
        let p2 = sb.sleeper("a");
        let pb = sb.sleeper("b");
        let identify = sb.run(&["netns", "identify", &p1.to_string()]);
        assert_eq!(identify.out_str(), "a\n", "identify a's sleeper: {identify:?}");
        let json = sb.run(&["-j", "netns", "identify", &pb.to_string()]);
        assert_eq!(json.out_str(), "b\n", "identify is never JSON: {json:?}");
        let pids = sb.run(&["netns", "pids", "a"]);
        let mut want = [p1, p2];
        want.sort();
        assert_eq!(
            pids.out_str(),
            format!("{}\n{}\n", want[0], want[1]),
            "pids a, ascending: {pids:?}"
        );
        let json_pids = sb.run(&["-j", "netns", "pids", "b"]);
        assert_eq!(json_pids.out_str(), format!("{pb}\n"), "pids is never JSON");
        (identify, json, pids.err, pids.status, json_pids.err)
    });
}

/// With several names for our own namespace, identify prints the last in directory order.
#[test]
fn identify_last_of_several_names() {
    scenario(Compare::Full, false, |sb| {
        // A process in the sandbox's own namespace to attach.
        let child =
            std::process::Command::new("sleep").arg("1000").spawn().expect("spawning sleep");
        let pid = sb.keep(child).id().to_string();
        for name in ["x1", "x2", "x3"] {
            sb.ok(&["netns", "attach", name, &pid]);
        }
        let identify = sb.run(&["netns", "identify"]);
        let last = format!("{}\n", dir_order().last().expect("three names"));
        assert_eq!(identify.out_str(), last, "the last match in directory order wins");
        let of_pid = sb.run(&["netns", "identify", &pid]);
        assert_eq!(of_pid.out_str(), last);
        (identify, of_pid)
    });
}
