//! Black-box tests of the `netns` binary: every case runs as root in a private mount and network
//! namespace with a fresh tmpfs on /run, and where iproute2 is installed the same command line is
//! run through `ip netns` in a fresh sandbox with the same setup and the results compared.
//!
//! `NETNS_TEST_SUBJECT=iproute2 cargo test --test netns` runs every case against Debian's
//! `ip netns` instead of our binary (cases that pin a deliberate difference are skipped), which
//! validates the expectations themselves.

#[path = "netns/harness.rs"]
mod harness;
#[path = "netns/sandbox.rs"]
mod sandbox;
#[path = "netns/table.rs"]
mod table;

#[path = "netns/add.rs"]
mod add;
#[path = "netns/all_exec.rs"]
mod all_exec;
#[path = "netns/batch.rs"]
mod batch;
#[path = "netns/delete.rs"]
mod delete;
#[path = "netns/dispatch.rs"]
mod dispatch;
#[path = "netns/exec.rs"]
mod exec;
#[path = "netns/identify.rs"]
mod identify;
#[path = "netns/link.rs"]
mod link;
#[path = "netns/list.rs"]
mod list;
#[path = "netns/list_id.rs"]
mod list_id;
#[path = "netns/monitor.rs"]
mod monitor;
#[path = "netns/names.rs"]
mod names;
#[path = "netns/netns_option.rs"]
mod netns_option;
#[path = "netns/robustness.rs"]
mod robustness;
#[path = "netns/seeds.rs"]
mod seeds;
#[path = "netns/tuntap.rs"]
mod tuntap;
#[path = "netns/walkthrough.rs"]
mod walkthrough;
