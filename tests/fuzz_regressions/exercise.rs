//! What each fuzz target does with its input, in one place: the fuzz targets under fuzz/ and
//! the regression test (tests/fuzz_regressions.rs) both include this file, so a found input is
//! replayed by `make check` on exactly the path that found it. Only the library's public API.
//!
//! The property is that nothing panics; besides, every error renders as a finished message,
//! and `parse_int` agrees with the C library's `strtol`, which it stands in for.

use std::ffi::{CStr, CString, OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use netns::cli::{self, Batch, Object, Start};
use netns::cli_tuntap;
use netns::error::{Error, Prog};
use netns::netlink::{self, Reply};

const PROGS: [Prog; 2] = [Prog::Ip, Prog::Netns];

/// A command line, its words separated by NUL bytes as in /proc/PID/cmdline, parsed under both
/// names as `main` parses it: options, then (as `ip`) the object, then the command.
pub fn argv(data: &[u8]) {
    let words: Vec<OsString> = match data {
        [] => Vec::new(),
        _ => data.split(|b| *b == 0).map(|w| OsString::from_vec(w.to_vec())).collect(),
    };
    for word in &words {
        int(word);
    }
    for prog in PROGS {
        match cli::parse_options(prog, &words) {
            Ok(Start::Run(opts, rest)) => line(prog, opts.all, rest),
            Ok(Start::Version | Start::Help) => {}
            Err(err) => rendered(&err, prog),
        }
    }
}

/// A batch file, read line by line as `-batch` reads it, each line's words parsed as the
/// batch runner parses them, with and without `-all`.
pub fn batch(data: &[u8]) {
    let mut batch = Batch::new(data);
    loop {
        let words = match batch.next_command() {
            Ok(Some(words)) => words,
            Ok(None) => break,
            Err(err) => return PROGS.iter().for_each(|prog| rendered(&err, *prog)),
        };
        for word in &words {
            int(word);
        }
        for prog in PROGS {
            // Under the name netns, a line may start with the object `netns`.
            let words = match (prog, cli::object(&words)) {
                (Prog::Netns, Ok(Object::Netns(rest))) => rest,
                _ => &words[..],
            };
            for all in [false, true] {
                line(prog, all, words);
            }
        }
    }
}

/// One datagram from NETLINK_ROUTE: split into messages, each classified as the client does,
/// and a refusal rendered as the message `ip` would print.
pub fn netlink(data: &[u8]) {
    let replies = match netlink::split(data) {
        Ok(replies) => replies,
        Err(e) => {
            let err = Error::Talk(e);
            return PROGS.iter().for_each(|prog| rendered(&err, *prog));
        }
    };
    for (_, reply) in replies {
        if let Reply::Refused(kernel) = reply {
            for prog in PROGS {
                rendered(&Error::Kernel(kernel.clone()), prog);
                rendered(&Error::Dump(kernel.clone()), prog);
            }
        }
    }
}

/// A buffer read from inotify: the monitor's lines for it, each `add NAME` or `delete NAME`.
/// (A name may hold a newline, as iproute2 prints it, so only the first line is sure to start
/// with a verb.)
pub fn inotify(data: &[u8]) {
    let out = netns::cmd::monitor::lines(data);
    let verb = out.starts_with(b"add ") || out.starts_with(b"delete ");
    assert!(out.is_empty() || (verb && out.ends_with(b"\n")), "{out:?}");
}

/// The words after the options, as `cmd::run_line` parses them.
fn line(prog: Prog, all: bool, words: &[OsString]) {
    let words = match prog {
        Prog::Netns => words,
        Prog::Ip => match cli::object(words) {
            Ok(Object::Netns(rest)) => rest,
            Ok(Object::Link(rest)) => {
                if let Err(err) = cli::parse_link(rest) {
                    rendered(&err, prog);
                }
                return;
            }
            Ok(Object::Address(rest)) => {
                if let Err(err) = cli::parse_addr(rest) {
                    rendered(&err, prog);
                }
                return;
            }
            Ok(Object::Tuntap(rest)) => {
                // Any name is a user or group with id 1000 here: the lookup is not under test.
                if let Err(err) = cli_tuntap::parse_tuntap(rest, |_, _| Some(1000)) {
                    rendered(&err, prog);
                }
                return;
            }
            Ok(Object::Other { .. }) => return,
            Err(err) => return rendered(&err, prog),
        },
    };
    if let Err(err) = cli::parse_command(all, words) {
        rendered(&err, prog);
    }
}

/// Every error a parser returns is a message: not empty, one newline at its end.
fn rendered(err: &Error, prog: Prog) {
    let text = err.render(prog);
    assert!(text.ends_with(b"\n"), "{err:?}: {text:?}");
    let _ = (err.exit_code(), err.ends_batch());
}

/// `parse_int` reads a word as iproute2's get_integer() does with strtol(word, &end, 0), and
/// `strtol` as the C library's, in base 0 and 10, with nothing after the digits.
fn int(word: &OsStr) {
    // A word from a command line or a batch line never holds a NUL byte.
    let Ok(c) = CString::new(word.as_bytes()) else { return };
    let int = strtol(&c, 0).and_then(|n| i32::try_from(n).ok());
    assert_eq!(cli::parse_int(word), int, "{word:?}");
    for base in [0, 10] {
        assert_eq!(cli::strtol(word.as_bytes(), base), strtol(&c, base as i32), "{word:?}");
    }
}

fn strtol(word: &CStr, base: i32) -> Option<i64> {
    let mut end = std::ptr::null_mut();
    // SAFETY: `word` is NUL-terminated and outlives the call; `end` is a valid out-pointer.
    let n = unsafe { libc::strtol(word.as_ptr(), &mut end, base) };
    // A C long: 64 bits where the fuzz targets run, 32 on some hosts.
    #[allow(clippy::useless_conversion)]
    let n = i64::from(n);
    // SAFETY: strtol sets `end` to a position inside `word`, at most its terminating NUL.
    let rest = unsafe { CStr::from_ptr(end) };
    let read = word.to_bytes().len() - rest.to_bytes().len();
    (read > 0 && rest.is_empty()).then_some(n)
}
