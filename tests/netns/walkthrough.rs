//! The tutorials' walkthrough (shared/seeds): two namespaces joined by a veth pair, addresses
//! from 198.18.0.0/15, a ping across. The veth itself is made with iproute2's `ip link`.

use std::process::Command;

use crate::harness::*;
use crate::skips::{IPROUTE2, PING};
use crate::table::*;

#[test]
fn two_namespaces_ping_across_a_veth_pair() {
    // iproute2's `ip link` makes the veth pair.
    let Some(ip) = IPROUTE2.needed_for("the walkthrough") else { return };
    let Some(ping) = PING.needed_for("the walkthrough") else { return };
    scenario(Compare::Full, false, |sb| {
        let link = |args: &[&str]| {
            let mut cmd = Command::new(ip);
            cmd.args(args);
            let done = sb.output(cmd, None);
            assert_eq!(done, Observed::quiet_success(), "ip {args:?}");
        };
        sb.ok(&["netns", "add", "ns1"]);
        sb.ok(&["netns", "add", "ns2"]);
        let mut listed: Vec<String> =
            sb.run(&["netns", "list"]).out_str().lines().map(String::from).collect();
        listed.sort();
        assert_eq!(listed, ["ns1", "ns2"]);
        link(&["link", "add", "veth0", "type", "veth", "peer", "name", "veth1"]);
        link(&["link", "set", "veth0", "netns", "ns1"]);
        link(&["link", "set", "veth1", "netns", "ns2"]);
        for (ns, dev, addr) in
            [("ns1", "veth0", "198.18.0.1/24"), ("ns2", "veth1", "198.18.0.2/24")]
        {
            sb.ok(&["netns", "exec", ns, ip, "addr", "add", addr, "dev", dev]);
            sb.ok(&["netns", "exec", ns, ip, "link", "set", dev, "up"]);
            sb.ok(&["netns", "exec", ns, ip, "link", "set", "lo", "up"]);
        }
        let seen =
            sb.run(&["-all", "netns", "exec", ip, "-br", "-4", "addr", "show", "scope", "global"]);
        let shown = seen.out_str();
        assert!(
            shown.contains("veth1@if") && shown.contains("198.18.0.2/24"),
            "ns2's address: {shown}"
        );
        assert!(
            shown.contains("veth0@if") && shown.contains("198.18.0.1/24"),
            "ns1's address: {shown}"
        );
        let pinged = sb.run(&["netns", "exec", "ns1", ping, "-c", "1", "-W", "2", "198.18.0.2"]);
        assert_eq!(pinged.status, Status::Code(0), "ping across: {pinged:?}");
        sb.ok(&["netns", "del", "ns1"]);
        sb.ok(&["netns", "del", "ns2"]);
        assert_eq!(sb.run(&["netns", "list"]).out_str(), "");
        pinged.status
    });
}
