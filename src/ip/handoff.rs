//! Handing what we do not do ourselves to the system's own ip: iproute2's if it is there, or
//! busybox's, which does everything but namespaces.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::child::{self, Ended};
use crate::cli::Options;
use crate::enter;
use crate::error::{self, Error};
use crate::execvp;
use crate::netns::Ident;
use crate::sys;

/// `ip [OPTIONS] OBJECT ...` by the system's ip. With -n, the network namespace was joined
/// already; as `ip -n` does, the command also gets the namespace's own /sys and /etc files.
pub fn run(opts: &Options, words: &[OsString], batch: bool, known: bool) -> Result<(), Error> {
    let object = words.first().cloned().unwrap_or_default();
    let Some(ip) = SystemIp::find() else {
        return Err(if known { Error::NoSystemIp(object) } else { Error::UnknownObject(object) });
    };
    let name = opts.enter.as_deref().unwrap_or_default();
    let isolate = || match &opts.enter {
        Some(name) => enter::isolate(name),
        None => Ok(Vec::new()),
    };
    let exec = |warnings: Vec<Error>| {
        warnings.iter().for_each(error::warn);
        ip.exec(&opts.pass, words)
    };
    if batch {
        return match enter::in_child(isolate, exec)? {
            Ended::Exited(exit) => child::status(exit),
            Ended::Failed(stop, err) => Err(stop.error(err, name, &ip.path)),
        };
    }
    let warnings = isolate().map_err(|failed| enter::error(name, failed))?;
    Err(Error::Exec(ip.path.clone(), exec(warnings)))
}

/// Where to look when PATH is unset: the directories an ip usually lives in.
const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The system's ip, and the words that start it (`ip`, or `busybox ip`).
#[derive(Debug)]
pub struct SystemIp {
    pub(super) path: OsString,
    argv: Vec<OsString>,
    /// Busybox's applet rather than iproute2's ip: it lacks what we then do ourselves.
    pub busybox: bool,
}

impl SystemIp {
    /// The first `ip` on PATH that is not this program, else busybox. A link to ourselves is
    /// recognised by device and inode, so we never hand a command back to ourselves.
    pub fn find() -> Option<SystemIp> {
        // Without /proc, the path we were started by leads to the same file.
        let me = Ident::of_path(Path::new("/proc/self/exe"))
            .or_else(|e| sys::exec_path().map_or(Err(e), |path| Ident::of_path(Path::new(path))))
            .ok()?;
        let path = sys::getenv(c"PATH").unwrap_or(OsStr::new(DEFAULT_PATH));
        let on_path = |name: &str| {
            path.as_bytes()
                .split(|b| *b == b':')
                .map(|dir| execvp::in_dir(dir, name.as_bytes()))
                .find(|candidate| {
                    is_program(candidate)
                        && Ident::of_path(Path::new(candidate)).is_ok_and(|id| id != me)
                })
        };
        let busybox = on_path("busybox");
        if let Some(path) = on_path("ip") {
            let busybox = is_busybox(&path, busybox.as_deref());
            return Some(SystemIp { path, argv: vec!["ip".into()], busybox });
        }
        let argv = vec!["busybox".into(), "ip".into()];
        busybox.map(|path| SystemIp { path, argv, busybox: true })
    }

    /// Runs `ip OPTIONS WORDS` in place of this process; returns only why it could not.
    pub fn exec(&self, options: &[OsString], words: &[OsString]) -> std::io::Error {
        let mut argv = Vec::with_capacity(self.argv.len() + options.len() + words.len());
        for part in [&self.argv[..], options, words] {
            argv.extend_from_slice(part);
        }
        execvp::exec_at(&self.path, &argv)
    }
}

/// Whether the `ip` at `path` is busybox's applet: a link (symbolic, however many, or hard) to
/// the busybox on PATH, or a symbolic link to a file named busybox elsewhere, as busybox's own
/// installer and distributions' images make them.
fn is_busybox(path: &OsStr, busybox: Option<&OsStr>) -> bool {
    let same =
        |other: &OsStr| match (Ident::of_path(Path::new(path)), Ident::of_path(Path::new(other))) {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        };
    busybox.is_some_and(same)
        || std::fs::canonicalize(path)
            .is_ok_and(|real| real.file_name().is_some_and(|name| name == "busybox"))
}

fn is_program(path: &OsStr) -> bool {
    sys::stat(None, path, true)
        .is_ok_and(|st| st.mode & libc::S_IFMT == libc::S_IFREG && st.mode & 0o111 != 0)
}
