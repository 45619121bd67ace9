//! Entering a named namespace: its network namespace for `-n`, and for `exec` also a private
//! mount namespace with the namespace's own /sys and /etc/netns/NAME files, so that what the
//! command sees of the system matches the network it is in.

use std::ffi::OsStr;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::error::{Enter, Error};
use crate::netns;
use crate::sys;

/// Moves this process into the network namespace `name`.
pub fn join(name: &OsStr) -> Result<(), Error> {
    let ns = netns::open(name).map_err(|e| Error::Enter(Enter::Open(name.to_owned(), e)))?;
    sys::setns(ns.as_fd(), sys::CLONE_NEWNET)
        .map_err(|e| Error::Enter(Enter::Setns(name.to_owned(), e)))
}

/// Everything `exec` does before the command runs.
pub fn enter(name: &OsStr) -> Result<(), Error> {
    join(name)?;
    isolate(name)
}

/// After `join`: a mount namespace of our own that shows the namespace's /sys and /etc files.
pub fn isolate(name: &OsStr) -> Result<(), Error> {
    sys::unshare(sys::CLONE_NEWNS).map_err(|e| Error::Enter(Enter::Unshare(e)))?;
    // Our mounts must not propagate back into the namespace we came from.
    let rooted = match sys::mount(None, Path::new("/"), None, sys::MS_SLAVE | sys::MS_REC) {
        Ok(()) => true,
        // `/` is not a mount point: we run in a chroot. The command can still run.
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => false,
        Err(e) => return Err(Error::Enter(Enter::Rslave(e))),
    };
    remount_sys(name, rooted)?;
    if rooted {
        bind_etc(name);
    }
    Ok(())
}

/// Puts a sysfs of the new network namespace on /sys, whose class/net then lists its links.
fn remount_sys(name: &OsStr, rooted: bool) -> Result<(), Error> {
    let sys_dir = Path::new("/sys");
    let no_sys = |e: &std::io::Error| e.raw_os_error() == Some(libc::ENOENT);
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
    sys::mount(Some(name), sys_dir, Some("sysfs"), flags).map_err(|e| Error::Enter(Enter::Sysfs(e)))
}

/// Binds each /etc/netns/NAME/X over /etc/X (resolv.conf, most often). A failure is reported
/// and the rest still done, as iproute2 does.
fn bind_etc(name: &OsStr) {
    if name.as_bytes().len() >= 255 {
        return;
    }
    let dir = netns::entry(netns::ETC_DIR, name);
    let Ok(files) = sys::Dir::open(&dir).and_then(|mut dir| dir.names()) else { return };
    for file in files {
        let source = dir.join(&file);
        let target = Path::new("/etc").join(&file);
        if let Err(err) = sys::mount(Some(source.as_os_str()), &target, None, sys::MS_BIND) {
            crate::error::warn(&Error::bind(source, target, err));
        }
    }
}
