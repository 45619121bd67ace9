//! `exec NAME CMD...` and `-all exec CMD...`.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use crate::enter;
use crate::error::Error;
use crate::execvp::execvp;
use crate::netns;
use crate::sys::Exit;

use super::Ctx;

/// The command takes this process's place: same pid, and its exit status or the signal that
/// killed it is what our caller sees. In batch mode there is a next line to run, so it runs in
/// a child instead.
pub fn run(ctx: &Ctx, name: &OsStr, cmd: &[OsString]) -> Result<(), Error> {
    if ctx.batch {
        return super::status(in_namespace(name, cmd)?);
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
        if let Exit::Signal(_) = in_namespace(&name, cmd)? {
            return Err(Error::Killed);
        }
    }
    Ok(())
}

/// Enters the namespace and runs the command in a child, and waits for it.
fn in_namespace(name: &OsStr, cmd: &[OsString]) -> Result<Exit, Error> {
    super::in_child(|| match enter::enter(name) {
        Ok(()) => execvp(cmd),
        Err(err) => err,
    })
}
