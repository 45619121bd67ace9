//! netns: iproute2's `ip netns` as one small static binary. Started as `netns`, it takes what
//! `ip netns` takes; started as `ip`, it takes `ip`'s own command line. The library is the whole
//! program but for `main`; what it shows of itself is what `main` needs, and `fuzz`, the entry
//! of the fuzz targets.
//!
//! A run, top to bottom: start-up hardening (stand-ins for closed standard descriptors, RELRO);
//! the global options (`cli`); then one command line, or a batch file's lines, each parsed once
//! into a `cli::Line` and dispatched once: a netns command to `cmd`, a link or address command
//! or a hand-over to the system's ip to `ip`. What the lines of a run share (the run directory
//! set up, the netlink socket) is its `Session`.

mod accounts;
mod child;
mod cli;
mod cmd;
mod enter;
mod error;
mod execvp;
pub mod fuzz;
mod ip;
mod json;
mod mountinfo;
mod netlink;
mod netns;
mod nsids;
mod out;
mod paths;
mod session;
mod sys;

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::BufReader;

pub use error::Prog;
pub use sys::arena::Arena;
pub use sys::start::Args;

use cli::{Batch, Line, Options, Start};
use error::Error;
use session::Session;

/// Everything after the program name, run: the exit status.
pub fn main(prog: Prog, args: &[OsString]) -> u8 {
    sys::block_file_size_signal();
    let result = sys::start::guard_std_fds()
        .map_err(Error::StdFds)
        .and_then(|()| sys::start::protect_relro().map_err(Error::Relro))
        .and_then(|()| run(prog, args));
    match result {
        Ok(()) => 0,
        Err(err) => {
            error::report(&err, prog);
            err.exit_code()
        }
    }
}

/// The options, then the command line or the batch file.
fn run(prog: Prog, args: &[OsString]) -> Result<(), Error> {
    let (opts, words) = match cli::parse_options(prog, args)? {
        Start::Version => return ip::version(prog),
        Start::Help => return out::print(&error::netns_help()),
        Start::Run(opts, words) => (opts, words),
    };
    // The network namespace is all that -n has to change for the netns and link commands we
    // carry out; ip also builds a mount namespace, in which `ip -n A netns add X` binds X
    // where nobody sees it. Commands for the system's ip get that mount namespace too.
    if let Some(name) = &opts.enter {
        enter::join(name).map_err(|failed| enter::error(name, failed))?;
    }
    match &opts.batch {
        Some(file) => batch(prog, &opts, file),
        None => {
            let line = cli::parse_line(prog, &opts, words, false)?;
            dispatch(line, &opts, false, &mut Session::default())
        }
    }
}

/// One parsed line, to the code that carries it out.
fn dispatch(
    line: Line<'_>,
    opts: &Options,
    batch: bool,
    session: &mut Session,
) -> Result<(), Error> {
    match line {
        Line::Netns(command) => {
            cmd::run(command, &cmd::Ctx { json: opts.json, pretty: opts.pretty, batch }, session)
        }
        Line::Link(command) => ip::link(command, session),
        Line::Address(command) => ip::address(command, session),
        Line::Listing { show, words } => ip::listing(&show, opts, words, batch),
        Line::Tuntap { command, words } => ip::tuntap(command, opts, words, batch),
        Line::HandOver { words, known } => ip::hand_over(opts, words, batch, known),
    }
}

/// `-batch FILE`: one command per line, as `ip -batch` runs them.
fn batch(prog: Prog, opts: &Options, file: &OsStr) -> Result<(), Error> {
    // Standard input is read through a copy of its descriptor, so that one reader serves both.
    let input = match file.as_encoded_bytes() {
        b"-" => sys::stdin().try_clone_to_owned().map(File::from),
        _ => sys::open_read(file),
    };
    let input = input.map_err(|e| Error::BatchOpen(file.to_owned(), e))?;
    let mut lines = Batch::new(BufReader::new(input));
    let mut session = Session::default();
    let mut failed = false;
    loop {
        let outcome = match lines.next_command() {
            Ok(None) => break,
            Ok(Some(words)) if words.is_empty() => continue,
            Ok(Some(words)) => cli::parse_line(prog, opts, &words, true)
                .and_then(|line| dispatch(line, opts, true, &mut session)),
            // iproute2 says so, and stops reading as at the end of the file.
            Err(Error::MissingContinuation) => {
                error::warn(&Error::MissingContinuation);
                break;
            }
            // Not the end of the file: what is left unread is not ignored without a word.
            Err(Error::Read(e)) => return Err(Error::BatchRead(file.to_owned(), e)),
            // That line's own failure: the batch goes on after it under -force.
            Err(Error::LineTooLong) => Err(Error::LineTooLong),
            Err(err) => return Err(err),
        };
        let Err(err) = outcome else { continue };
        if err.ends_batch() {
            return Err(err);
        }
        error::report(&err, prog);
        error::warn(&Error::CommandFailed(file.to_owned(), lines.line));
        failed = true;
        if !opts.force {
            break;
        }
    }
    if failed { Err(Error::Reported) } else { Ok(()) }
}
