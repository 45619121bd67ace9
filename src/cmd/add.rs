//! `add NAME` and `attach NAME PID`: a new name for a new namespace, or for a process's.

use std::ffi::OsStr;

use crate::error::Error;
use crate::netns::{self, RunDir, Source};
use crate::session::Session;

/// `batch`: lines come after this one, which must run where the batch began.
pub fn run(session: &mut Session, name: &OsStr, batch: bool) -> Result<(), Error> {
    netns::refuse_without_netns(name)?;
    let (run_dir, create) = session.for_add(batch)?;
    bind(run_dir, name, Source::New(create))
}

pub fn attach(session: &mut Session, name: &OsStr, pid: i32) -> Result<(), Error> {
    netns::refuse_without_netns(name)?;
    bind(session.run_dir()?, name, Source::Pid(pid))
}

fn bind(run_dir: &mut RunDir, name: &OsStr, source: Source<'_>) -> Result<(), Error> {
    let (dir, warning) = run_dir.lock()?;
    super::warn_all(warning.as_slice());
    dir.bind(name, source)
}
