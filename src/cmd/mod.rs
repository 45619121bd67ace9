//! One file per command, each a short script of named steps over the mechanisms in
//! `netns`, `enter` and `netlink`. Output goes out in one write per command.

mod add;
mod batch;
mod delete;
mod exec;
mod identify;
mod list;
mod list_id;
mod monitor;
mod pids;
mod set;

use std::ffi::OsString;
use std::io::{self, Write};

use crate::cli::{self, Command, Options};
use crate::error::{self, Error, Prog};
use crate::netlink::{Failure, Rtnl};

/// What every command may need to know about how it was asked for.
pub struct Ctx {
    pub json: bool,
    pub pretty: bool,
    /// Batch mode: `exec` must come back for the next line, so it forks.
    pub batch: bool,
}

/// Runs the command line that follows the global options.
pub fn run(prog: Prog, opts: &Options, words: &[OsString]) -> Result<(), Error> {
    match &opts.batch {
        Some(file) => batch::run(prog, opts, file),
        None => run_line(prog, opts, words, false),
    }
}

/// One command: the object (under the name `ip`), then the netns command.
fn run_line(prog: Prog, opts: &Options, words: &[OsString], batch: bool) -> Result<(), Error> {
    let words = match prog {
        Prog::Ip => cli::netns_words(words)?,
        Prog::Netns => words,
    };
    let ctx = Ctx { json: opts.json, pretty: opts.pretty, batch };
    match cli::parse_command(opts.all, words)? {
        Command::List => list::run(&ctx),
        Command::ListId { target, nsid } => list_id::run(&ctx, target, nsid),
        Command::Usage => Err(Error::Usage),
        Command::Add(name) => add::run(&name),
        Command::Attach(name, pid) => add::attach(&name, pid),
        Command::Set(name, nsid) => set::run(&name, nsid),
        Command::Delete(name) => delete::run(&name),
        Command::DeleteAll => delete::all(),
        Command::Identify(pid) => identify::run(pid.as_deref()),
        Command::Pids(name) => pids::run(&name),
        Command::Exec(name, cmd) => exec::run(&ctx, &name, &cmd),
        Command::ExecAll(cmd) => exec::all(&cmd),
        Command::Monitor => monitor::run(),
    }
}

/// Writes to stdout at once: output must be out before a fork or an exec, and in order with
/// what a child writes.
pub fn print(bytes: &[u8]) -> Result<(), Error> {
    let mut out = io::stdout().lock();
    out.write_all(bytes).and_then(|()| out.flush()).map_err(Error::Write)
}

fn rtnl() -> Result<Rtnl, Error> {
    Rtnl::open().map_err(|_| Error::Rtnetlink)
}

fn kernel(failure: Failure) -> Error {
    match failure {
        Failure::Kernel(kernel) => Error::Kernel(kernel),
        Failure::Io(e) => Error::Talk(e),
    }
}

/// Reports a failure that does not stop the command.
fn warn(err: &Error) {
    error::warn(err);
}
