//! netns: iproute2's `ip netns` as one small static binary. Started as `netns`, it takes what
//! `ip netns` takes; started as `ip`, it takes `ip`'s own command line. The library is the whole
//! program but for `main`; it is a library so that fuzz targets can reach the parsers.

pub mod addr;
pub mod cli;
pub mod cli_tuntap;
pub mod cmd;
pub mod enter;
pub mod error;
pub mod execvp;
pub mod handoff;
pub mod ip;
pub mod json;
pub mod link;
pub mod netlink;
pub mod netns;
pub mod sys;

use std::ffi::OsString;

use cli::Start;
use error::{Error, Prog};

/// Everything after the program name: options, then the command line or the batch file.
pub fn run(prog: Prog, args: &[OsString]) -> Result<(), Error> {
    let (opts, words) = match cli::parse_options(prog, args)? {
        Start::Version => return ip::version::run(prog),
        Start::Help => return cmd::print(&error::netns_help()),
        Start::Run(opts, words) => (opts, words),
    };
    // The network namespace is all that -n has to change for the netns and link commands we
    // carry out; ip also builds a mount namespace, in which `ip -n A netns add X` binds X
    // where nobody sees it. Commands for the system's ip get that mount namespace too.
    if let Some(name) = &opts.netns {
        enter::join(name)?;
    }
    cmd::run(prog, &opts, words)
}
