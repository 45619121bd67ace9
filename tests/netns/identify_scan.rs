//! `identify` over a run directory of hundreds of entries, and over a link in it.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::harness::*;
use crate::sandbox;
use crate::table::*;

/// identify reads the whole run directory (several of the C library's buffers of entries, a
/// few dozen each) and names the last match in directory order, wherever it falls.
#[test]
fn identify_reads_past_hundreds_of_entries() {
    scenario(Compare::Full, false, |sb| {
        let child = Command::new("sleep").arg("1000").spawn().expect("spawning sleep");
        let pid = sb.keep(child).id().to_string();
        sb.ok(&["netns", "attach", "early", &pid]);
        for i in 0..300 {
            let path = path_in_run(&format!("p{i:03}"));
            fs::File::create(&path).unwrap_or_else(|e| panic!("creating {path:?}: {e}"));
        }
        sb.ok(&["netns", "attach", "late", &pid]);
        let identify = sb.run(&["netns", "identify", &pid]);
        assert_eq!(identify.out_str(), "early\n", "directory order is newest first: {identify:?}");
        identify
    });
}

/// A link in the run directory is looked at where it leads, as iproute2 does: pipework and
/// tutorials name a container's namespace with `ln -s /proc/PID/ns/net`, and `identify` then
/// names it. Nothing is opened on the way (a FIFO or a device behind the link costs nothing).
#[test]
fn identify_names_a_namespace_through_a_link() {
    scenario(Compare::Full, false, |sb| {
        let bound = Path::new(WORK).join("bound");
        fs::File::create(&bound).expect("creating the placeholder");
        sandbox::bind_new_netns(&bound).expect("binding a namespace outside the run directory");
        sb.run_dir();
        std::os::unix::fs::symlink(&bound, path_in_run("link")).expect("linking to it");
        let pid = sb.sleeper("link");
        let identify = sb.run(&["netns", "identify", &pid.to_string()]);
        assert_eq!(identify.out_str(), "link\n", "{identify:?}");
        identify
    });
}
