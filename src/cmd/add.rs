//! `add NAME` and `attach NAME PID`: a new name for a new namespace, or for a process's.

use std::ffi::OsStr;

use crate::error::Error;
use crate::netns::{self, RunDir, Source};

pub fn run(name: &OsStr) -> Result<(), Error> {
    bind(name, Source::New)
}

pub fn attach(name: &OsStr, pid: i32) -> Result<(), Error> {
    bind(name, Source::Pid(pid))
}

fn bind(name: &OsStr, source: Source) -> Result<(), Error> {
    netns::refuse_without_netns(name)?;
    let (dir, warning) = RunDir::prepare()?;
    super::warn_all(warning.as_slice());
    dir.bind(name, source)
}
