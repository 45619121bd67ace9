//! What a batch keeps from one line to the next (the run directory set up, the netlink
//! socket) and what it does not: the lock on the run directory is taken for each add and
//! released after it, so another process's add goes between two lines.

use crate::faults::bounded;
use crate::harness::*;
use crate::table::*;

/// A line of the batch adds a namespace from another process while the batch waits for it:
/// were the lock held across the batch, that add would wait for the batch, and the batch for
/// it, for ever (the run is bounded, and fails then). The other add runs in the batch's mount
/// namespace (`exec` gives its command a private one, where the new name would stay).
#[test]
fn another_add_goes_between_two_lines() {
    scenario(Compare::Full, false, |sb| {
        let batch = "netns add a\nnetns exec a sh -c \"nsenter --mount=/proc/$PPID/ns/mnt $NETNS add other\"\nnetns add b\nnetns set b 3\nnetns\n";
        prepare(sb, &[File("F", batch)]);
        let seen = bounded(sb.command(&[], Via::Ip, &os(&["-b", "F"])));
        assert_eq!(seen.err_str(), "", "{seen:?}");
        let out = seen.out_str();
        let mut names: Vec<&str> = out.lines().collect();
        names.sort();
        assert_eq!(names, ["a", "b (id: 3)", "other"], "{seen:?}");
        Check::is_netns("/run/netns/other").assert();
        seen.status
    });
}
