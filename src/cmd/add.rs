//! `add NAME` and `attach NAME PID`: a new name for a new namespace, or for a process's.

use std::ffi::OsStr;

use crate::error::Error;
use crate::netns::{self, Source};
use crate::session::Session;

pub fn run(session: &mut Session, name: &OsStr) -> Result<(), Error> {
    bind(session, name, Source::New)
}

pub fn attach(session: &mut Session, name: &OsStr, pid: i32) -> Result<(), Error> {
    bind(session, name, Source::Pid(pid))
}

fn bind(session: &mut Session, name: &OsStr, source: Source) -> Result<(), Error> {
    netns::refuse_without_netns(name)?;
    let (dir, warning) = session.run_dir()?.lock()?;
    super::warn_all(warning.as_slice());
    dir.bind(name, source)
}
