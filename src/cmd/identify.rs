//! `identify [PID]`: the name of the namespace a process is in.

use std::ffi::{CStr, OsStr};
use std::os::unix::ffi::OsStrExt;

use crate::error::Error;
use crate::netns::{self, Ident};
use crate::{out, sys};

pub fn run(pid: Option<&OsStr>) -> Result<(), Error> {
    let pid = pid.unwrap_or(OsStr::new("self"));
    let path = [b"/proc/", pid.as_bytes(), b"/ns/net"].concat();
    let target = sys::open_read(OsStr::from_bytes(&path))
        .and_then(|f| Ident::of_file(&f))
        .map_err(Error::OpenUnnamed)?;
    // When several names are bound to it, iproute2 names the last one it reads.
    let mut line = Vec::new();
    let found = |name: &CStr, id| {
        if id == target {
            line = name.to_bytes().to_vec();
        }
    };
    netns::each_ident(found).map_err(Error::OpenDirTight)?;
    line.push(b'\n');
    out::print(&line)
}
