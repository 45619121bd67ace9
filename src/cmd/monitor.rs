//! `monitor`: a line for each name added to or removed from the run directory, until killed.

use std::fs::File;
use std::io::{self, Read};
use std::os::fd::{AsFd, BorrowedFd};
use std::path::Path;

use crate::error::Error;
use crate::netns;
use crate::out;
use crate::paths::RUN_DIR;
use crate::sys;

pub fn run() -> Result<(), Error> {
    // Nothing may be printed for a long time: an output that takes nothing is an error now.
    out::writable()?;
    let mut events = File::from(sys::inotify_init().map_err(Error::InotifyInit)?);
    watch(events.as_fd())?;
    // On the heap: on the stack it would be part of every command's frame, since the
    // commands are inlined into one function, and cost `exec` a page fault.
    let mut buf = vec![0; 4096];
    loop {
        let len = match events.read(&mut buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => other.map_err(Error::Read)?,
        };
        let (text, unwatched) = lines(&buf[..len]);
        // Written at once, so nothing waits in a buffer when we are killed.
        out::print(&text)?;
        // The directory was removed or unmounted, and its watch with it: the run directory as
        // it is now (made anew, or the one the mount covered) is watched instead.
        if unwatched {
            watch(events.as_fd())?;
        }
    }
}

/// Watches the run directory, made first if need be. Only a directory: a file, a FIFO or a
/// link to one in its place would never report a name, and we would wait without a word.
fn watch(inotify: BorrowedFd<'_>) -> Result<(), Error> {
    netns::make_dir()?;
    let mask = sys::IN_CREATE | sys::IN_DELETE | sys::IN_ONLYDIR;
    sys::inotify_add_watch(inotify, Path::new(RUN_DIR), mask).map_err(Error::InotifyWatch)
}

/// The lines for a buffer of inotify events (struct inotify_event: wd, mask, cookie, len, then
/// a NUL-padded name of len bytes), and whether the watch ended among them (IN_IGNORED).
pub fn lines(mut buf: &[u8]) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut unwatched = false;
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
        unwatched |= mask & sys::IN_IGNORED != 0;
        buf = buf.get(16 + len..).unwrap_or_default();
    }
    (out, unwatched)
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
        assert_eq!(lines(&buf), (b"add blue\ndelete d\n".to_vec(), false));
        buf.extend(event(libc::IN_IGNORED, b"", 0));
        assert_eq!(lines(&buf), (b"add blue\ndelete d\n".to_vec(), true));
    }

    #[test]
    fn a_truncated_buffer_is_read_as_far_as_it_goes() {
        let mut buf = event(sys::IN_CREATE, b"blue", 16);
        buf.truncate(20);
        assert_eq!(lines(&buf).0, b"add blue\n");
        assert_eq!(lines(&buf[..10]).0, b"");
    }
}
