//! What each fuzz target checks of its input, in one place: the fuzz targets under fuzz/ and
//! the regression test (tests/fuzz_regressions.rs) both include this file, so a found input is
//! replayed by `make check` on exactly the path that found it. The program is reached through
//! its one entry for them, `netns::fuzz`.
//!
//! The property is that nothing panics; besides, every error renders as a finished message,
//! and the integer parser agrees with the C library's `strtol`, which it stands in for.

// Calling strtol is the one unsafe thing here.
#![allow(unsafe_code)]

use std::ffi::{CStr, CString};

use netns::fuzz::{self, Seen};

/// A command line, its words separated by NUL bytes.
pub fn argv(data: &[u8]) {
    for word in fuzz::words(data) {
        int(word.as_encoded_bytes());
    }
    fuzz::command_line(data).iter().for_each(rendered);
}

/// A batch file.
pub fn batch(data: &[u8]) {
    fuzz::batch_file(data).iter().for_each(rendered);
}

/// One datagram from NETLINK_ROUTE.
pub fn netlink(data: &[u8]) {
    fuzz::netlink_datagram(data).iter().for_each(rendered);
}

/// A buffer read from inotify: the monitor's lines for it, each `add NAME` or `delete NAME`.
/// (A name may hold a newline, as iproute2 prints it, so only the first line is sure to start
/// with a verb.)
pub fn inotify(data: &[u8]) {
    let out = fuzz::inotify_events(data);
    let verb = out.starts_with(b"add ") || out.starts_with(b"delete ");
    assert!(out.is_empty() || (verb && out.ends_with(b"\n")), "{out:?}");
}

/// Every error is a message: not empty, one newline at its end; and a status ip could give.
fn rendered(seen: &Seen) {
    assert!(seen.message.ends_with(b"\n"), "{seen:?}");
    assert!(matches!(seen.status, 1 | 2 | 255), "{seen:?}");
}

/// The parser reads a word as iproute2's get_integer() does with strtol(word, &end, 0).
fn int(word: &[u8]) {
    let ours = fuzz::integer(word);
    // A word from a command line never holds a NUL byte.
    let Ok(c) = CString::new(word) else { return };
    assert_eq!(ours, strtol(&c), "{word:?}");
}

fn strtol(word: &CStr) -> Option<i32> {
    let mut end = std::ptr::null_mut();
    // strtol clamps a value out of its range and says so only through errno; with a 32-bit
    // long the clamped value would pass for an int, which get_integer() does not accept.
    // SAFETY: errno is this thread's own variable.
    unsafe { *libc::__errno_location() = 0 };
    // SAFETY: `word` is NUL-terminated and outlives the call; `end` is a valid out-pointer.
    let n = unsafe { libc::strtol(word.as_ptr(), &mut end, 0) };
    if std::io::Error::last_os_error().raw_os_error() == Some(libc::ERANGE) {
        return None;
    }
    // SAFETY: strtol sets `end` to a position inside `word`, at most its terminating NUL.
    let rest = unsafe { CStr::from_ptr(end) };
    let read = word.to_bytes().len() - rest.to_bytes().len();
    match read > 0 && rest.is_empty() {
        true => i32::try_from(n).ok(),
        false => None,
    }
}
