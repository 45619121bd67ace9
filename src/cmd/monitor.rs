//! `monitor`: a line for each name added to or removed from the run directory, until killed.

use std::fs::File;
use std::io::{self, Read};
use std::os::fd::AsFd;
use std::path::Path;

use crate::error::Error;
use crate::netns;
use crate::out;
use crate::paths::RUN_DIR;
use crate::sys;

pub fn run() -> Result<(), Error> {
    let inotify = sys::inotify_init().map_err(Error::InotifyInit)?;
    netns::make_dir()?;
    sys::inotify_add_watch(inotify.as_fd(), Path::new(RUN_DIR), sys::IN_CREATE | sys::IN_DELETE)
        .map_err(Error::InotifyWatch)?;
    let mut events = File::from(inotify);
    // On the heap: on the stack it would be part of every command's frame, since the
    // commands are inlined into one function, and cost `exec` a page fault.
    let mut buf = vec![0; 4096];
    loop {
        let len = match events.read(&mut buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => other.map_err(Error::Read)?,
        };
        // Written at once, so nothing waits in a buffer when we are killed.
        out::print(&lines(&buf[..len]))?;
    }
}

/// The lines for a buffer of inotify events (struct inotify_event: wd, mask, cookie, len, then
/// a NUL-padded name of len bytes).
pub fn lines(mut buf: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while buf.len() >= 16 {
        let word = |at: usize| u32::from_ne_bytes([buf[at], buf[at + 1], buf[at + 2], buf[at + 3]]);
        let (mask, len) = (word(4), word(12) as usize);
        let name = buf.get(16..16 + len).unwrap_or(&buf[16..]);
        let name = name.split(|b| *b == 0).next().unwrap_or_default();
        for (bit, verb) in [(sys::IN_CREATE, &b"add "[..]), (sys::IN_DELETE, b"delete ")] {
            if mask & bit != 0 {
                out.extend_from_slice(verb);
                out.extend_from_slice(name);
                out.push(b'\n');
            }
        }
        buf = buf.get(16 + len..).unwrap_or_default();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(mask: u32, name: &[u8], padded: usize) -> Vec<u8> {
        let mut bytes = Vec::new();
        for word in [1, mask, 0, padded as u32] {
            bytes.extend_from_slice(&word.to_ne_bytes());
        }
        bytes.extend_from_slice(name);
        bytes.resize(16 + padded, 0);
        bytes
    }

    #[test]
    fn creations_and_deletions_become_lines() {
        let mut buf = event(sys::IN_CREATE, b"blue", 16);
        buf.extend(event(sys::IN_DELETE | libc::IN_ISDIR, b"d", 16));
        buf.extend(event(libc::IN_MOVED_FROM, b"moved", 16));
        buf.extend(event(libc::IN_IGNORED, b"", 0));
        assert_eq!(lines(&buf), b"add blue\ndelete d\n");
    }

    #[test]
    fn a_truncated_buffer_is_read_as_far_as_it_goes() {
        let mut buf = event(sys::IN_CREATE, b"blue", 16);
        buf.truncate(20);
        assert_eq!(lines(&buf), b"add blue\n");
        assert_eq!(lines(&buf[..10]), b"");
    }
}
