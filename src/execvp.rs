//! Replacing this process with a command, found the way glibc's execvp() finds it: static
//! musl's execvp searches another default PATH and runs no shell for a script without `#!`,
//! and `ip netns exec` users expect glibc's behaviour.

use std::ffi::{CString, OsStr, OsString};
use std::io;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use crate::sys;

/// glibc's search path when PATH is unset (confstr's _CS_PATH).
const DEFAULT_PATH: &str = "/bin:/usr/bin";

fn errno(code: i32) -> io::Error {
    io::Error::from_raw_os_error(code)
}

/// Runs `argv` in place of this process; returns only the reason it could not.
pub fn execvp(argv: &[OsString]) -> io::Error {
    let Some(file) = argv.first().filter(|file| !file.is_empty()) else {
        return errno(libc::ENOENT);
    };
    let Some(args) = c_strings(argv) else { return errno(libc::EINVAL) };
    if file.as_bytes().contains(&b'/') {
        return exec_file(file, &args);
    }
    let path = sys::getenv(c"PATH").unwrap_or(OsStr::new(DEFAULT_PATH));
    let mut denied = false;
    for dir in path.as_bytes().split(|b| *b == b':') {
        let err = exec_file(&in_dir(dir, file.as_bytes()), &args);
        match err.raw_os_error() {
            Some(libc::EACCES) => denied = true,
            Some(libc::ENOENT | libc::ENOTDIR | libc::ESTALE | libc::ENODEV | libc::ETIMEDOUT) => {}
            _ => return err,
        }
    }
    errno(if denied { libc::EACCES } else { libc::ENOENT })
}

/// `dir/file`, as a search joins a directory of PATH and a name: an empty entry means the
/// current directory.
pub fn in_dir(dir: &[u8], file: &[u8]) -> OsString {
    let mut path = dir.to_vec();
    if !path.is_empty() && !path.ends_with(b"/") {
        path.push(b'/');
    }
    path.extend_from_slice(file);
    OsString::from_vec(path)
}

/// Runs the program at `path` with `argv` in place of this process; returns only why it could not.
pub fn exec_at(path: &OsStr, argv: &[OsString]) -> io::Error {
    match c_strings(argv) {
        Some(args) => exec_file(path, &args),
        None => errno(libc::EINVAL),
    }
}

/// The arguments as C strings; none of them can hold a NUL byte.
fn c_strings(argv: &[OsString]) -> Option<Vec<CString>> {
    let mut strings = Vec::with_capacity(argv.len());
    for arg in argv {
        strings.push(CString::new(arg.as_bytes()).ok()?);
    }
    Some(strings)
}

/// execve() of one file; a file the kernel cannot execute is handed to /bin/sh as a script.
fn exec_file(file: &OsStr, args: &[CString]) -> io::Error {
    let Ok(path) = CString::new(file.as_bytes()) else {
        return errno(libc::EINVAL);
    };
    let err = sys::execve(&path, args);
    if err.raw_os_error() != Some(libc::ENOEXEC) {
        return err;
    }
    let shell = c"/bin/sh";
    let mut script = vec![shell.to_owned(), path];
    script.extend(args.iter().skip(1).cloned());
    sys::execve(shell, &script);
    err
}
