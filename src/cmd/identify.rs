//! `identify [PID]`: the name of the namespace a process is in.

use std::ffi::OsStr;
use std::fs::File;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use crate::error::Error;
use crate::netns::{self, Ident};
use crate::out;

pub fn run(pid: Option<&OsStr>) -> Result<(), Error> {
    let pid = pid.unwrap_or(OsStr::new("self"));
    let mut path = PathBuf::from("/proc");
    path.push(pid);
    path.push("ns/net");
    let target = File::open(&path).and_then(|f| Ident::of_file(&f)).map_err(Error::OpenUnnamed)?;
    let listing = netns::listing().map_err(Error::OpenDirTight)?;
    // When several names are bound to it, iproute2 names the last one it reads.
    let found = listing.iter().flat_map(|listing| {
        listing.names.iter().filter(|name| listing.ident(name).is_ok_and(|id| id == target))
    });
    let found = found.last();
    let mut line = found.map_or_else(Vec::new, |name| name.as_bytes().to_vec());
    line.push(b'\n');
    out::print(&line)
}
