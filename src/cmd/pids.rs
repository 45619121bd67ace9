//! `pids NAME`: the processes in a named namespace, in /proc's order.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::error::Error;
use crate::netns::{self, Ident};
use crate::out;
use crate::sys::Dir;

pub fn run(name: &OsStr) -> Result<(), Error> {
    // Looked at, not opened: an entry that is no namespace (a FIFO, say) matches no process.
    let target = Ident::of_path(&netns::path_of(name)).map_err(Error::OpenUnnamed)?;
    let mut out = Vec::new();
    let mut proc = Dir::open(Path::new("/proc/")).map_err(Error::OpenProc)?;
    for pid in proc.names().map_err(Error::OpenProc)? {
        if pid.is_empty() || !pid.as_bytes().iter().all(u8::is_ascii_digit) {
            continue;
        }
        let ns = [pid.as_bytes(), b"/ns/net"].concat();
        if Ident::in_dir(&proc, OsStr::from_bytes(&ns)).is_ok_and(|id| id == target) {
            out.extend_from_slice(pid.as_bytes());
            out.push(b'\n');
        }
    }
    out::print(&out)
}
