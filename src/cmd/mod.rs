//! One file per command, each a short script of named steps over the mechanisms in
//! `netns`, `enter` and `netlink`. Output goes out in one write per command.

mod add;
mod batch;
mod delete;
mod exec;
mod handoff;
mod identify;
mod link;
mod list;
mod list_id;
pub mod monitor;
mod pids;
mod set;

use std::ffi::OsString;
use std::io::{self, Write};

use crate::cli::{self, Command, Object, Options};
use crate::error::{self, Error, Prog};
use crate::netlink::{Failure, Rtnl};
use crate::sys::{self, Exit, Fork};

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
        Prog::Netns => words,
        Prog::Ip => match cli::object(words)? {
            Object::Netns(rest) => rest,
            Object::Link(rest) => match cli::parse_link(rest)? {
                Some(command) => return link::run(command),
                None => return handoff::run(opts, words, batch, true),
            },
            Object::Address(rest) => match cli::parse_addr(rest)? {
                Some(command) => return link::add_address(command),
                None => return handoff::run(opts, words, batch, true),
            },
            Object::Tuntap(rest) => {
                return crate::ip::tuntap::run(opts, rest, || {
                    handoff::run(opts, words, batch, true)
                });
            }
            Object::Other { known } => return handoff::run(opts, words, batch, known),
        },
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

/// Runs `step` in a child and waits for it. A child that cannot get as far as replacing itself
/// with a command says why and exits 1: it never comes back to run our next steps.
fn in_child(step: impl FnOnce() -> Error) -> Result<Exit, Error> {
    match sys::fork().map_err(Error::Fork)? {
        Fork::Child => {
            warn(&step());
            sys::exit_now(1)
        }
        Fork::Parent(pid) => sys::waitpid(pid).map_err(Error::Wait),
    }
}

/// A batch line's command succeeded, failed with a status, or was killed: ip gives up on the
/// whole batch then.
fn status(exit: Exit) -> Result<(), Error> {
    match exit {
        Exit::Code(0) => Ok(()),
        Exit::Code(code) => Err(Error::Status(code)),
        Exit::Signal(_) => Err(Error::Killed),
    }
}

/// Reports a failure that does not stop the command.
fn warn(err: &Error) {
    error::warn(err);
}
