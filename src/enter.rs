//! Entering a named namespace: its network namespace for `-n`, and for `exec` also a private
//! mount namespace with the namespace's own /sys and /etc/netns/NAME files, so that what the
//! command sees of the system matches the network it is in.

use std::ffi::OsStr;
use std::io;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use crate::child;
use crate::error::Error;
use crate::netns;
use crate::paths::ETC_DIR;
use crate::sys;

/// The steps of entering a namespace, each with its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Open,
    Setns,
    Unshare,
    Rslave,
    Sysfs,
}

pub type Failed = (Step, io::Error);

/// Where a child that enters a namespace and then becomes a command can stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Enter(Step),
    Exec,
}

impl child::Step for Stop {
    const ALL: &'static [Stop] = &[
        Stop::Enter(Step::Open),
        Stop::Enter(Step::Setns),
        Stop::Enter(Step::Unshare),
        Stop::Enter(Step::Rslave),
        Stop::Enter(Step::Sysfs),
        Stop::Exec,
    ];
}

/// The message for a step that failed on the way into `name`.
pub fn error(name: &OsStr, (step, err): Failed) -> Error {
    Error::Enter { name: name.to_owned(), step, err }
}

/// Moves this process into the network namespace `name`.
pub fn join(name: &OsStr) -> Result<(), Failed> {
    // An entry that is no namespace is refused as setns would refuse it, in ip's words.
    let ns = netns::open(name).map_err(|e| match netns::not_a_namespace(&e) {
        true => (Step::Setns, e),
        false => (Step::Open, e),
    })?;
    sys::setns(ns.as_fd(), sys::CLONE_NEWNET).map_err(|e| (Step::Setns, e))
}

/// Everything `exec` does before the command runs. What could not be bound over /etc comes
/// back as warnings: the command still runs.
pub fn enter(name: &OsStr) -> Result<Vec<Error>, Failed> {
    join(name)?;
    isolate(name)
}

/// After `join`: a mount namespace of our own that shows the namespace's /sys and /etc files.
pub fn isolate(name: &OsStr) -> Result<Vec<Error>, Failed> {
    sys::unshare(sys::CLONE_NEWNS).map_err(|e| (Step::Unshare, e))?;
    // Our mounts must not propagate back into the namespace we came from.
    let rooted = match sys::mount(None, Path::new("/"), None, sys::MS_SLAVE | sys::MS_REC) {
        Ok(()) => true,
        // `/` is not a mount point: we run in a chroot. The command can still run.
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => false,
        Err(e) => return Err((Step::Rslave, e)),
    };
    remount_sys(name, rooted).map_err(|e| (Step::Sysfs, e))?;
    Ok(if rooted { bind_etc(name) } else { Vec::new() })
}

/// Puts a sysfs of the new network namespace on /sys, whose class/net then lists its links.
fn remount_sys(name: &OsStr, rooted: bool) -> io::Result<()> {
    let sys_dir = Path::new("/sys");
    let no_sys = |e: &io::Error| e.raw_os_error() == Some(libc::ENOENT);
    let replaced = if rooted {
        match sys::umount2(sys_dir, sys::MNT_DETACH) {
            Ok(()) => true,
            // Nothing to remount (an initramfs without /sys, say); iproute2 gives up here.
            Err(e) if no_sys(&e) => return Ok(()),
            Err(_) => false,
        }
    } else {
        // In a chroot a mount on a plain /sys would land in the mount holding `/`, which we
        // could not make a slave, and show outside. Only a /sys that is a mount point of its
        // own can be covered without that.
        if sys::mount(None, sys_dir, None, sys::MS_SLAVE | sys::MS_REC).is_err() {
            return Ok(());
        }
        false
    };
    // Where the old /sys stays underneath, a read-only one stays read-only.
    let flags = match replaced {
        false if sys::statvfs_read_only(sys_dir).unwrap_or(false) => sys::MS_RDONLY,
        _ => 0,
    };
    sys::mount(Some(name), sys_dir, Some("sysfs"), flags)
}

/// Binds each /etc/netns/NAME/X over /etc/X (resolv.conf, most often). What fails is handed
/// back, and the rest still done, as iproute2 does.
fn bind_etc(name: &OsStr) -> Vec<Error> {
    let mut failed = Vec::new();
    if name.as_bytes().len() >= 255 {
        return failed;
    }
    let dir = netns::entry(ETC_DIR, name);
    let Ok(files) = sys::Dir::open(&dir).and_then(|mut dir| dir.names()) else { return failed };
    for file in files {
        // The file in a directory: a name read from a directory is never a path of its own.
        let within =
            |dir: &[u8]| PathBuf::from(OsStr::from_bytes(&[dir, b"/", file.as_bytes()].concat()));
        let source = within(dir.as_os_str().as_bytes());
        let target = within(b"/etc");
        if let Err(err) = sys::mount(Some(source.as_os_str()), &target, None, sys::MS_BIND) {
            failed.push(Error::bind(source, target, err));
        }
    }
    failed
}

impl Stop {
    /// The message for a child that stopped here on its way into `name` to run `program`.
    pub fn error(self, err: io::Error, name: &OsStr, program: &OsStr) -> Error {
        match self {
            Stop::Enter(step) => error(name, (step, err)),
            Stop::Exec => Error::Exec(program.to_owned(), err),
        }
    }
}

/// In a forked child: `prepare` enters a namespace (or some of the way), then `exec` gets its
/// warnings to report and becomes the command, or says why it could not.
pub fn in_child(
    prepare: impl Fn() -> Result<Vec<Error>, Failed>,
    exec: impl Fn(Vec<Error>) -> io::Error,
) -> Result<child::Ended<Stop>, Error> {
    child::run(&mut || {
        let warnings = prepare().map_err(|(step, e)| (Stop::Enter(step), e))?;
        Err((Stop::Exec, exec(warnings)))
    })
}
