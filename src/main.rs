//! netns: iproute2's `ip netns` as one small static binary. Started as `netns`, it takes what
//! `ip netns` takes; started as `ip`, it takes `ip`'s own command line.

mod cli;
mod cmd;
mod enter;
mod error;
mod execvp;
mod handoff;
mod json;
mod link;
mod netlink;
mod netns;
mod sys;

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

use cli::Start;
use error::{Error, Prog};

fn main() -> ExitCode {
    sys::default_sigpipe();
    let mut args = std::env::args_os();
    let prog = prog_of(args.next());
    let args: Vec<OsString> = args.collect();
    match run(prog, &args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            error::report(&err, prog);
            ExitCode::from(err.exit_code())
        }
    }
}

/// Under the name `ip` (a link or a copy), we speak `ip`'s command line.
fn prog_of(argv0: Option<OsString>) -> Prog {
    match argv0.as_deref().map(Path::new).and_then(Path::file_name) {
        Some(name) if name == "ip" => Prog::Ip,
        _ => Prog::Netns,
    }
}

fn run(prog: Prog, args: &[OsString]) -> Result<(), Error> {
    let (opts, words) = match cli::parse_options(prog, args)? {
        Start::Version => return cmd::print(error::version(prog).as_bytes()),
        Start::Help => return cmd::print(&error::netns_help()),
        Start::Run(opts, words) => (opts, words),
    };
    // The network namespace is all that -n has to change for the netns and link commands we
    // carry out; ip also builds a mount namespace, in which `ip -n A netns add X` binds X
    // where nobody sees it. Commands for the system's ip get that mount namespace too.
    if let Some(name) = &opts.netns {
        enter::join(name)?;
    }
    cmd::run(prog, &opts, &words)
}
