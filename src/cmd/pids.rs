//! `pids NAME`: the processes in a named namespace, in /proc's order.

use std::ffi::OsStr;
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::error::Error;
use crate::netns::{self, Ident};

pub fn run(name: &OsStr) -> Result<(), Error> {
    let target = netns::open(name).and_then(|f| Ident::of_file(&f)).map_err(Error::OpenUnnamed)?;
    let mut out = Vec::new();
    for entry in fs::read_dir("/proc/").map_err(Error::OpenProc)?.flatten() {
        let pid = entry.file_name();
        if pid.is_empty() || !pid.as_bytes().iter().all(u8::is_ascii_digit) {
            continue;
        }
        let ns = Path::new("/proc").join(&pid).join("ns/net");
        if Ident::of_path(&ns).is_ok_and(|id| id == target) {
            out.extend_from_slice(pid.as_bytes());
            out.push(b'\n');
        }
    }
    super::print(&out)
}
