//! `exec NAME CMD...` and `-all exec CMD...`.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use crate::enter;
use crate::error::Error;
use crate::execvp::execvp;
use crate::netns;
use crate::sys::{self, Exit, Fork};

use super::Ctx;

/// The command takes this process's place: same pid, and its exit status or the signal that
/// killed it is what our caller sees. In batch mode there is a next line to run, so it runs in
/// a child instead.
pub fn run(ctx: &Ctx, name: &OsStr, cmd: &[OsString]) -> Result<(), Error> {
    if ctx.batch {
        return match in_child(name, cmd)? {
            Exit::Code(0) => Ok(()),
            Exit::Code(code) => Err(Error::Status(code)),
            Exit::Signal(_) => Err(Error::Killed),
        };
    }
    enter::enter(name)?;
    Err(execvp(cmd))
}

/// Runs the command in every named namespace in turn, under a header line each. Their exit
/// statuses do not count, as in ip; one killed by a signal stops the round.
pub fn all(cmd: &[OsString]) -> Result<(), Error> {
    let Some(names) = netns::names().map_err(Error::OpenDir)? else {
        return Ok(());
    };
    for name in names {
        let mut header = b"\nnetns: ".to_vec();
        header.extend_from_slice(name.as_bytes());
        header.push(b'\n');
        super::print(&header)?;
        if let Exit::Signal(_) = in_child(&name, cmd)? {
            return Err(Error::Killed);
        }
    }
    Ok(())
}

/// Enters the namespace and runs the command in a child, and waits for it. A child that cannot
/// get that far says why and exits 1: it never comes back to run our next steps.
fn in_child(name: &OsStr, cmd: &[OsString]) -> Result<Exit, Error> {
    match sys::fork().map_err(Error::Fork)? {
        Fork::Child => {
            let err = match enter::enter(name) {
                Ok(()) => execvp(cmd),
                Err(err) => err,
            };
            super::warn(&err);
            sys::exit_now(1)
        }
        Fork::Parent(pid) => sys::waitpid(pid).map_err(Error::Wait),
    }
}
