//! What the kernel tells of the run directory's mount (statmount, or /proc/self/mountinfo on
//! kernels before 6.8): whether it is a mount point of its own, and whether that mount is
//! shared in a peer group of its own or in its parent's.
//!
//! Setting the run directory up takes three mount calls (bind it onto itself, make it private,
//! make it shared), and a run killed between them (an OOM kill, a power cut at boot) leaves it
//! half done. Whether the first of the calls succeeds cannot tell a finished setup from one
//! killed after the bind, whose mount sits in /run's peer group: every namespace bound there
//! would appear twice, in the run directory and, hidden, in /run. So each run reads the state.

use std::ffi::OsStr;
use std::io::{self, BufRead, BufReader};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use crate::cli::strtol;
use crate::out::push_decimal;
use crate::sys;

/// What the run directory still needs to be a shared mount in a peer group of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setup {
    /// Nothing.
    Done,
    /// It is a mount point, but not a shared one (killed before the last call).
    Share,
    /// It is a mount point in its parent's peer group (killed after the bind): made private,
    /// it leaves that group, and made shared again, it starts one of its own.
    Separate,
    /// It is not a mount point: bind it onto itself, then as `Separate`.
    Bind,
}

/// The setup the directory open at `dir` needs: asked of the kernel by mount id where it can
/// say (Linux 6.8), else read from our mountinfo; an error where there is no /proc either (an
/// empty chroot on an older kernel).
pub fn read(dir: BorrowedFd<'_>) -> io::Result<Setup> {
    by_mount_id(dir).or_else(|_| {
        // The kernel's own name for it, as mountinfo spells it: relative to our root, links
        // (/var/run -> /run) resolved.
        let mut link = b"/proc/self/fd/".to_vec();
        push_decimal(&mut link, dir.as_raw_fd().into());
        let mut path = [0; libc::PATH_MAX as usize];
        let len = sys::readlink(Path::new(OsStr::from_bytes(&link)), &mut path)?;
        let info = sys::open_read(OsStr::new("/proc/self/mountinfo"))?;
        setup(BufReader::new(info), path.get(..len).unwrap_or_default())
    })
}

/// The same facts as mountinfo's, from statx and statmount: a few calls, where mountinfo is a
/// line of text for every mount (hundreds on a container host) to be made and read.
fn by_mount_id(dir: BorrowedFd<'_>) -> io::Result<Setup> {
    let (id, mount_point) = sys::statx_mount(dir)?;
    if !mount_point {
        return Ok(Setup::Bind);
    }
    let mount = sys::statmount(id)?;
    // A parent out of our sight (above a chroot's root) shares no group we could see.
    let parent_group = sys::statmount(mount.parent).ok().and_then(|parent| parent.group);
    decide(mount.group, parent_group, || sys::has_submounts(id))
}

/// The setup of a mount point from its peer group (if shared), its parent's, and whether it
/// holds namespaces (asked only when it matters).
fn decide(
    group: Option<u64>,
    parent_group: Option<u64>,
    holds_namespaces: impl FnOnce() -> io::Result<bool>,
) -> io::Result<Setup> {
    Ok(match group {
        None => Setup::Share,
        Some(group) if Some(group) == parent_group && !holds_namespaces()? => Setup::Separate,
        Some(_) => Setup::Done,
    })
}

/// What one mountinfo line says that matters here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mount<'a> {
    id: u32,
    parent: u32,
    /// As mountinfo writes it: see `escape`.
    point: &'a [u8],
    /// The peer group, if the mount is shared.
    group: Option<u64>,
}

/// The setup the directory at `dir` needs (its path as the kernel writes it, relative to our
/// root), from the lines of mountinfo.
///
/// The lines come in the order the mounts were made, so the run directory's mount and its
/// parent come before the namespaces mounted on it, and reading stops at the first of those:
/// with thousands of namespaces the file is megabytes. Where several mounts sit on the
/// directory, the last one is the one in use.
///
/// A mount point in its parent's group that already holds namespaces stays as it is: iproute2
/// 6.1 sets the directory up that way, and the hidden copies of those namespaces in the parent
/// are unmounted with them only while the two mounts share the group. It is separated when
/// the last of them has been deleted.
pub fn setup(lines: impl BufRead, dir: &[u8]) -> io::Result<Setup> {
    let dir = escape(dir);
    let mut groups: Vec<(u32, Option<u64>)> = Vec::new();
    let mut top: Option<(u32, u32, Option<u64>)> = None;
    let mut holds_namespaces = false;
    for line in lines.split(b'\n') {
        let line = line?;
        let Some(mount) = parse(&line) else { continue };
        let on_top = top.is_some_and(|(id, ..)| mount.parent == id);
        if mount.point == dir.as_slice() {
            top = Some((mount.id, mount.parent, mount.group));
        } else if on_top {
            holds_namespaces = true;
            break;
        }
        groups.push((mount.id, mount.group));
    }
    let Some((_, parent, group)) = top else { return Ok(Setup::Bind) };
    let parent_group = groups.iter().find(|(id, _)| *id == parent).and_then(|(_, group)| *group);
    decide(group, parent_group, || Ok(holds_namespaces))
}

/// `ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER`.
fn parse(line: &[u8]) -> Option<Mount<'_>> {
    let mut fields = line.split(|b| *b == b' ');
    let mut id = || u32::try_from(strtol(fields.next()?, 10)?).ok();
    let (id, parent) = (id()?, id()?);
    let point = fields.nth(2)?;
    let group = fields
        .skip(1)
        .take_while(|field| *field != b"-")
        .find_map(|field| u64::try_from(strtol(field.strip_prefix(b"shared:")?, 10)?).ok());
    Some(Mount { id, parent, point, group })
}

/// A path as mountinfo writes it: space, tab, newline and backslash as three octal digits.
fn escape(path: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(path.len());
    for &b in path {
        if matches!(b, b' ' | b'\t' | b'\n' | b'\\') {
            out.extend_from_slice(&[b'\\', b'0' + (b >> 6), b'0' + ((b >> 3) & 7), b'0' + (b & 7)]);
        } else {
            out.push(b);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    //! Lines as /proc/self/mountinfo showed them on Linux 6.18 for each state, under a tmpfs
    //! /run made shared (as systemd makes it).
    use super::*;

    const ROOT: &str = "1 0 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n\
        25 1 0:22 / /proc rw,nosuid shared:12 - proc proc rw\n\
        31 1 0:25 / /run rw,nosuid,nodev shared:5 - tmpfs tmpfs rw,mode=755\n";

    fn setup_of(extra: &str) -> Setup {
        setup(format!("{ROOT}{extra}").as_bytes(), b"/run/netns").unwrap()
    }

    #[test]
    fn no_mount_point_is_bound() {
        assert_eq!(setup_of(""), Setup::Bind);
        // A namespace bound in the bare directory does not make it a mount point.
        assert_eq!(
            setup_of("40 31 0:4 net:[4026532255] /run/netns/a rw shared:9 - nsfs nsfs rw\n"),
            Setup::Bind
        );
    }

    #[test]
    fn killed_after_the_bind_is_separated() {
        // `mount --bind /run/netns /run/netns` under a shared /run: /run's peer group.
        assert_eq!(
            setup_of("38 31 0:25 /netns /run/netns rw shared:5 - tmpfs tmpfs rw\n"),
            Setup::Separate
        );
    }

    #[test]
    fn killed_after_making_it_private_is_shared() {
        assert_eq!(setup_of("38 31 0:25 /netns /run/netns rw - tmpfs tmpfs rw\n"), Setup::Share);
        // A slave of /run's group is not shared either.
        assert_eq!(
            setup_of("38 31 0:25 /netns /run/netns rw master:5 - tmpfs tmpfs rw\n"),
            Setup::Share
        );
    }

    #[test]
    fn a_group_of_its_own_is_done() {
        let ready = "38 31 0:25 /netns /run/netns rw shared:7 - tmpfs tmpfs rw\n\
            40 38 0:4 net:[4026532255] /run/netns/a rw shared:9 - nsfs nsfs rw\n";
        assert_eq!(setup_of(ready), Setup::Done);
        // Shared, and a slave too (inside a container): still a group of its own.
        assert_eq!(
            setup_of("38 31 0:25 /netns /run/netns rw shared:7 master:2 - tmpfs tmpfs rw\n"),
            Setup::Done
        );
    }

    #[test]
    fn in_the_parents_group_with_namespaces_stays() {
        // As iproute2 6.1 leaves it: each namespace twice, the copy in /run hidden.
        let iproute2 = "38 31 0:25 /netns /run/netns rw shared:5 - tmpfs tmpfs rw\n\
            40 38 0:4 net:[4026532255] /run/netns/a rw shared:9 - nsfs nsfs rw\n\
            41 31 0:4 net:[4026532255] /run/netns/a rw shared:9 - nsfs nsfs rw\n";
        assert_eq!(setup_of(iproute2), Setup::Done);
    }

    #[test]
    fn the_last_mount_on_the_directory_counts() {
        let stacked = "38 31 0:25 /netns /run/netns rw shared:5 - tmpfs tmpfs rw\n\
            39 38 0:25 /netns /run/netns rw shared:8 - tmpfs tmpfs rw\n";
        assert_eq!(setup_of(stacked), Setup::Done);
        let stacked = "38 31 0:25 /netns /run/netns rw shared:8 - tmpfs tmpfs rw\n\
            39 38 0:25 /netns /run/netns rw - tmpfs tmpfs rw\n";
        assert_eq!(setup_of(stacked), Setup::Share);
    }

    #[test]
    fn reading_stops_at_the_first_namespace() {
        // What follows the first namespace is never read: here, a line that is no line at all.
        let text = format!(
            "{ROOT}38 31 0:25 /netns /run/netns rw shared:7 - tmpfs tmpfs rw\n\
             40 38 0:4 net:[1] /run/netns/a rw shared:9 - nsfs nsfs rw\n"
        );
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(&[0xff; 64]);
        struct Failing<'a>(&'a [u8]);
        impl io::Read for Failing<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0.is_empty() {
                    return Err(io::ErrorKind::Other.into());
                }
                let n = buf.len().min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let reader = io::BufReader::with_capacity(16, Failing(&bytes));
        assert_eq!(setup(reader, b"/run/netns").unwrap(), Setup::Done);
        let reader = io::BufReader::with_capacity(16, Failing(ROOT.as_bytes()));
        assert!(setup(reader, b"/run/netns").is_err(), "a read error is an error");
    }

    #[test]
    fn paths_are_compared_as_mountinfo_escapes_them() {
        let text = format!("{ROOT}38 31 0:25 /a\\040b /run/a\\040b rw shared:5 - tmpfs tmpfs rw\n");
        assert_eq!(setup(text.as_bytes(), b"/run/a b").unwrap(), Setup::Separate);
        assert_eq!(escape(b"a b\tc\nd\\e"), b"a\\040b\\011c\\012d\\134e");
    }
}
