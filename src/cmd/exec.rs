//! `exec NAME CMD...` and `-all exec CMD...`.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use crate::child::{self, Ended};
use crate::enter;
use crate::error::{self, Error};
use crate::execvp::execvp;
use crate::netns;
use crate::out;
use crate::sys::Exit;

use super::Ctx;

/// The command takes this process's place: same pid, and its exit status or the signal that
/// killed it is what our caller sees. In batch mode there is a next line to run, so it runs in
/// a child instead.
pub fn run(ctx: &Ctx, name: &OsStr, cmd: &[OsString]) -> Result<(), Error> {
    if ctx.batch {
        return match in_namespace(name, cmd)? {
            Ended::Exited(exit) => child::status(exit),
            Ended::Failed(stop, err) => Err(stop.error(err, name, program(cmd))),
        };
    }
    let warnings = enter::enter(name).map_err(|failed| enter::error(name, failed))?;
    super::warn_all(&warnings);
    Err(Error::Exec(program(cmd).to_owned(), execvp(cmd)))
}

/// Runs the command in every named namespace in turn, under a header line each. Their exit
/// statuses do not count, as in ip, nor does a command that could not be found (a command's
/// own failure); one killed by a signal stops the round. A namespace that could not be
/// entered is reported, the round goes on, and the exit status says so in the end (ip exits
/// 0 then).
pub fn all(cmd: &[OsString]) -> Result<(), Error> {
    let Some(names) = netns::names().map_err(Error::OpenDir)? else {
        return Ok(());
    };
    let mut unentered = false;
    for name in names {
        let mut header = b"\nnetns: ".to_vec();
        header.extend_from_slice(name.as_bytes());
        header.push(b'\n');
        out::print(&header)?;
        match in_namespace(&name, cmd)? {
            Ended::Exited(Exit::Signal(_)) => return Err(Error::Killed),
            Ended::Exited(Exit::Code(_)) => {}
            Ended::Failed(stop, err) => {
                unentered |= stop != enter::Stop::Exec;
                error::warn(&stop.error(err, &name, program(cmd)));
            }
        }
    }
    if unentered { Err(Error::Reported) } else { Ok(()) }
}

/// Enters the namespace and runs the command in a child, and waits for it.
fn in_namespace(name: &OsStr, cmd: &[OsString]) -> Result<Ended<enter::Stop>, Error> {
    let exec = |warnings: Vec<Error>| {
        super::warn_all(&warnings);
        execvp(cmd)
    };
    enter::in_child(|| enter::enter(name), exec)
}

/// The command's name, as messages about it show it.
fn program(cmd: &[OsString]) -> &OsStr {
    cmd.first().map_or(OsStr::new(""), OsString::as_os_str)
}
