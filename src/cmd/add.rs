//! `add NAME` and `attach NAME PID`: a new name for a new namespace, or for a process's.

use std::ffi::OsStr;

use crate::error::Error;
use crate::netns::{RunDir, Source};

pub fn run(name: &OsStr) -> Result<(), Error> {
    let dir = RunDir::prepare()?;
    dir.bind(name, Source::New)
}

pub fn attach(name: &OsStr, pid: i32) -> Result<(), Error> {
    let dir = RunDir::prepare()?;
    dir.bind(name, Source::Pid(pid))
}
