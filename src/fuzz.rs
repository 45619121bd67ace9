//! The fuzz targets' entry (fuzz/, and their regression test, tests/fuzz_regressions.rs): each
//! function takes a target's raw input through the code that input meets in a real run, up to
//! where the kernel would be asked, and returns what a user would see of it. The checks are
//! the caller's.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use crate::cli::{self, Batch, Options, Start};
use crate::error::{Error, Prog};
use crate::netlink::{self, Reply};

const PROGS: [Prog; 2] = [Prog::Ip, Prog::Netns];

/// What a user sees of one error: its message, the exit status, and whether a batch would
/// stop at it.
#[derive(Debug)]
pub struct Seen {
    pub message: Vec<u8>,
    pub status: u8,
    pub ends_batch: bool,
}

impl Seen {
    fn of(err: &Error, prog: Prog) -> Seen {
        Seen { message: err.render(prog), status: err.exit_code(), ends_batch: err.ends_batch() }
    }
}

/// A command line, its words separated by NUL bytes as in /proc/PID/cmdline, parsed under both
/// names as a run parses it: the options, then the line.
pub fn command_line(data: &[u8]) -> Vec<Seen> {
    let words = words(data);
    let mut seen = Vec::new();
    for prog in PROGS {
        let outcome = match cli::parse_options(prog, &words) {
            Ok(Start::Run(opts, rest)) => cli::parse_line(prog, &opts, rest, false).map(drop),
            Ok(Start::Version | Start::Help) => Ok(()),
            Err(err) => Err(err),
        };
        seen.extend(outcome.err().map(|err| Seen::of(&err, prog)));
    }
    seen
}

/// A batch file, read line by line as `-batch` reads it, each line parsed under both names,
/// with and without `-all`.
pub fn batch_file(data: &[u8]) -> Vec<Seen> {
    let mut seen = Vec::new();
    let mut batch = Batch::new(data);
    loop {
        let words = match batch.next_command() {
            Ok(Some(words)) => words,
            Ok(None) => break,
            Err(err) => {
                seen.extend(PROGS.iter().map(|prog| Seen::of(&err, *prog)));
                break;
            }
        };
        for prog in PROGS {
            for all in [false, true] {
                let opts = Options { all, ..Options::default() };
                if let Err(err) = cli::parse_line(prog, &opts, &words, true) {
                    seen.push(Seen::of(&err, prog));
                }
            }
        }
    }
    seen
}

/// One datagram from NETLINK_ROUTE, split into messages and classified as the client does:
/// what a refusal, or a datagram that cannot be read, would print.
pub fn netlink_datagram(data: &[u8]) -> Vec<Seen> {
    let mut replies = Vec::new();
    let errors = match netlink::split(data, &mut replies) {
        Ok(()) => replies
            .into_iter()
            .filter_map(|(_, reply)| match reply {
                Reply::Refused(kernel) => {
                    Some([Error::Kernel(kernel.clone()), Error::Dump(kernel)])
                }
                _ => None,
            })
            .flatten()
            .collect(),
        Err(e) => vec![Error::Talk(e)],
    };
    errors.iter().flat_map(|err| PROGS.map(|prog| Seen::of(err, prog))).collect()
}

/// A buffer read from inotify: the lines `monitor` prints for it.
pub fn inotify_events(data: &[u8]) -> Vec<u8> {
    crate::cmd::monitor::lines(data).0
}

/// A word read as a C int, as iproute2's get_integer() reads it.
pub fn integer(word: &[u8]) -> Option<i32> {
    cli::parse_int(std::ffi::OsStr::from_bytes(word))
}

/// The words of a command line given as NUL-separated bytes.
pub fn words(data: &[u8]) -> Vec<OsString> {
    match data {
        [] => Vec::new(),
        _ => data.split(|b| *b == 0).map(|w| OsString::from_vec(w.to_vec())).collect(),
    }
}
