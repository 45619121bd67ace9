//! Black-box tests of the `netns` binary: every case runs as root in a private mount and network
//! namespace with a fresh tmpfs on /run, and where iproute2 is installed the same command line is
//! run through `ip netns` in a fresh sandbox with the same setup and the results compared.
//!
//! `NETNS_TEST_SUBJECT=iproute2 cargo test --test netns` runs every case against Debian's
//! `ip netns` instead of our binary (cases that pin a deliberate difference are skipped), which
//! validates the expectations themselves; `NETNS_TEST_BIN=PATH` tests another build of ours.
//!
//! The machinery: `sandbox` and `emulate` (the only unsafe: namespaces, mounts, netlink,
//! seccomp), `bounded` (a command with a deadline), `harness` (the
//! subject, running commands with a time limit), `table` (declarative cases), `kernel` (the
//! kernel's view of links and addresses), `skips` (missing programs, counted). The rest are the
//! tests, one module per command or theme.

mod bounded;
mod emulate;
mod harness;
mod kernel;
mod sandbox;
mod skips;
mod table;

mod add;
mod add_in_place;
mod all_exec;
mod batch;
mod crash;
mod delete;
mod dispatch;
mod exec;
mod faults;
mod identify;
mod identify_scan;
mod link;
mod list;
mod list_id;
mod monitor;
mod names;
mod netns_option;
mod old_kernels;
mod planted;
mod robustness;
mod seeds;
mod session;
mod show;
mod silent_errors;
mod tuntap;
mod walkthrough;
