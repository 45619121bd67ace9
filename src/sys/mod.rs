//! The only `unsafe` in netns: thin wrappers named after the kernel calls, each turning the C
//! convention (-1 and errno) into `io::Result`. Nothing here knows about names or messages.
//! Start-up (start.rs) and the allocator (arena.rs) live here too, being unsafe by nature.

#![allow(unsafe_code)]

use std::ffi::{CStr, CString, OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

pub use libc::{
    CLONE_NEWNET, CLONE_NEWNS, IN_CREATE, IN_DELETE, IN_IGNORED, IN_ONLYDIR, MNT_DETACH, MS_BIND,
    MS_PRIVATE, MS_RDONLY, MS_REC, MS_SHARED, MS_SLAVE, UMOUNT_NOFOLLOW,
};

fn check(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret == -1 { Err(io::Error::last_os_error()) } else { Ok(ret) }
}

/// A path for the kernel. Arguments and batch lines can carry a NUL byte, which no path can:
/// the kernel would call such a path invalid, and so do we.
fn c_path(path: &Path) -> io::Result<CString> {
    c_bytes(path.as_os_str())
}

fn c_bytes(s: &OsStr) -> io::Result<CString> {
    CString::new(s.as_bytes()).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

pub fn unshare(flags: libc::c_int) -> io::Result<()> {
    // SAFETY: unshare takes no pointers.
    check(unsafe { libc::unshare(flags) }).map(drop)
}

pub fn setns(fd: BorrowedFd<'_>, nstype: libc::c_int) -> io::Result<()> {
    // SAFETY: the descriptor is borrowed, so it stays open for the call.
    check(unsafe { libc::setns(fd.as_raw_fd(), nstype) }).map(drop)
}

/// mount(2). `source` and `fstype` are NULL when absent, as for propagation changes.
pub fn mount(
    source: Option<&OsStr>,
    target: &Path,
    fstype: Option<&str>,
    flags: libc::c_ulong,
) -> io::Result<()> {
    let source = source.map(c_bytes).transpose()?;
    let fstype = fstype.map(|t| c_bytes(OsStr::new(t))).transpose()?;
    let target = c_path(target)?;
    let ptr = |s: &Option<CString>| s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr());
    // SAFETY: every pointer is NULL or a NUL-terminated string that outlives the call.
    let ret = unsafe {
        libc::mount(ptr(&source), target.as_ptr(), ptr(&fstype), flags, std::ptr::null())
    };
    check(ret).map(drop)
}

pub fn umount2(target: &Path, flags: libc::c_int) -> io::Result<()> {
    let target = c_path(target)?;
    // SAFETY: `target` is a NUL-terminated string that outlives the call.
    check(unsafe { libc::umount2(target.as_ptr(), flags) }).map(drop)
}

pub fn mkdir(path: &OsStr, mode: libc::mode_t) -> io::Result<()> {
    let path = c_bytes(path)?;
    // SAFETY: `path` is NUL-terminated and outlives the call.
    check(unsafe { libc::mkdir(path.as_ptr(), mode) }).map(drop)
}

/// openat(2) of a file that may be anything: read-only and close-on-exec, a FIFO not waited
/// on, a terminal not made ours, and a symbolic link at the end of `name` followed only when
/// `follow` says so (else ELOOP). `dir` is a directory we hold open (its path is not walked
/// again), or with `None` `name` is a path as open(2) takes it. Unlike musl's open(), which
/// std's File::open calls, it costs no extra fcntl() for close-on-exec.
pub fn open_untrusted(
    dir: Option<BorrowedFd<'_>>,
    name: &OsStr,
    follow: bool,
) -> io::Result<std::fs::File> {
    let mut flags = libc::O_RDONLY | libc::O_CLOEXEC | libc::O_NONBLOCK | libc::O_NOCTTY;
    if !follow {
        flags |= libc::O_NOFOLLOW;
    }
    openat(dir, name, flags)
}

/// openat(2) with O_PATH, links followed: a descriptor that names a file without opening it,
/// so that nothing the file does on open (a device, a FIFO) happens.
pub fn open_path(dir: Option<BorrowedFd<'_>>, name: &OsStr) -> io::Result<OwnedFd> {
    openat(dir, name, libc::O_PATH | libc::O_CLOEXEC).map(OwnedFd::from)
}

/// open(2) of a file of the system's own (under /proc, say), read-only and close-on-exec.
pub fn open_read(path: &OsStr) -> io::Result<std::fs::File> {
    open(path, libc::O_RDONLY)
}

/// open(2) of a file of the system's own with `flags` (its access mode, and any others),
/// close-on-exec. Not std's File::open or OpenOptions, whose check of the options, with error
/// texts of its own, took 2 KB of the tiny build.
pub fn open(path: &OsStr, flags: libc::c_int) -> io::Result<std::fs::File> {
    openat(None, path, flags | libc::O_CLOEXEC)
}

/// A whole small file of the system's own (/etc/passwd, a property in /sys), opened as
/// `open_read` opens it. std's fs::read would first ask the file's size, which files in /sys
/// and /proc do not know.
pub fn read_file(path: &OsStr) -> io::Result<Vec<u8>> {
    read_all(open_read(path)?.as_fd())
}

/// read(2) until the end: all that a small file or a pipe has to give, in one place for both
/// (std's read_to_end is code of its own for each type it reads).
pub fn read_all(fd: BorrowedFd<'_>) -> io::Result<Vec<u8>> {
    let mut all = Vec::new();
    let mut chunk = [0u8; 512];
    loop {
        // SAFETY: `chunk` is writable for its length, and `fd` stays open for the call.
        let len = unsafe { libc::read(fd.as_raw_fd(), chunk.as_mut_ptr().cast(), chunk.len()) };
        match usize::try_from(len) {
            Ok(0) => return Ok(all),
            Ok(len) => all.extend_from_slice(chunk.get(..len).unwrap_or_default()),
            Err(_) => {
                let err = io::Error::last_os_error();
                if err.kind() != io::ErrorKind::Interrupted {
                    return Err(err);
                }
            }
        }
    }
}

fn openat(
    dir: Option<BorrowedFd<'_>>,
    name: &OsStr,
    flags: libc::c_int,
) -> io::Result<std::fs::File> {
    let name = c_bytes(name)?;
    let dir = dir.map_or(libc::AT_FDCWD, |dir| dir.as_raw_fd());
    // SAFETY: `name` is NUL-terminated and outlives the call; a borrowed `dir` stays open.
    let fd = check(unsafe { libc::openat(dir, name.as_ptr(), flags) })?;
    // SAFETY: `fd` was just opened and nothing else owns it.
    Ok(std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) }))
}

/// The magic number of the file system an open file is on (fstatfs's f_type). Every magic
/// number fits in 32 bits; the field's own type differs between architectures.
pub fn fs_magic(fd: BorrowedFd<'_>) -> io::Result<u32> {
    let mut st = std::mem::MaybeUninit::<libc::statfs>::uninit();
    // SAFETY: `st` is large enough for the kernel to fill, and `fd` stays open for the call.
    check(unsafe { libc::fstatfs(fd.as_raw_fd(), st.as_mut_ptr()) })?;
    // SAFETY: fstatfs succeeded, so it filled `st`.
    Ok(unsafe { st.assume_init() }.f_type as u32)
}

/// Creates the file `path`, which must not exist yet (O_EXCL: not even as a link), with `mode`
/// (less the umask), and closes it again.
pub fn create_new(path: &Path, mode: libc::mode_t) -> io::Result<()> {
    let path = c_path(path)?;
    let flags = libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_CLOEXEC;
    // SAFETY: `path` is NUL-terminated and outlives the call.
    let fd = check(unsafe { libc::openat(libc::AT_FDCWD, path.as_ptr(), flags, mode) })?;
    // SAFETY: `fd` was just opened and nothing else owns it; dropping it closes it.
    drop(unsafe { OwnedFd::from_raw_fd(fd) });
    Ok(())
}

/// What fstatat(2) tells of a file: its device, inode, mode and size.
pub struct Stat {
    pub dev: u64,
    pub ino: u64,
    pub mode: u32,
    pub size: u64,
}

/// access(2) for writing: whether files may be made and removed in the directory at `path`
/// (not on a read-only file system, nor an immutable directory). As the real user, which
/// netns, never installed set-user-ID, is; musl's faccessat for the effective one carries a
/// fallback that forks a checker, 860 bytes of the tiny build.
pub fn access_writable(path: &Path) -> io::Result<()> {
    let path = c_path(path)?;
    // SAFETY: `path` is a NUL-terminated string that outlives the call.
    check(unsafe { libc::access(path.as_ptr(), libc::W_OK) }).map(drop)
}

/// The kernel's struct rlimit64: the soft limit, then the hard one.
pub type Limit = [u64; 2];

/// prlimit64(2) of our limit on open files: sets it to `new` if given, and says what it was;
/// None if the kernel refused. The system call itself: musl's setrlimit first stops every
/// thread (2 KB of code, for threads netns does not have).
pub fn files_limit(new: Option<&Limit>) -> Option<Limit> {
    let mut old: Limit = [0; 2];
    let new = new.map_or(std::ptr::null(), |new| new.as_ptr());
    // SAFETY: the kernel reads `new` (unless null) and writes `old`, both ours, alive for the
    // call and laid out as its struct rlimit64.
    let ret = unsafe {
        libc::syscall(libc::SYS_prlimit64, 0, libc::RLIMIT_NOFILE, new, old.as_mut_ptr())
    };
    (ret == 0).then_some(old)
}

/// fstatat(2) of `name` relative to `dir` (or with `None`, as stat(2) takes it); an empty
/// `name` is `dir` itself. A symbolic link at the end of `name` is followed when `follow`
/// says so, else it is the link that is looked at.
pub fn stat(dir: Option<BorrowedFd<'_>>, name: &OsStr, follow: bool) -> io::Result<Stat> {
    let name = c_bytes(name)?;
    let (dir, mut flags) = match dir {
        Some(dir) => (dir.as_raw_fd(), libc::AT_EMPTY_PATH),
        None => (libc::AT_FDCWD, 0),
    };
    if !follow {
        flags |= libc::AT_SYMLINK_NOFOLLOW;
    }
    fstatat(dir, &name, flags)
}

/// fstatat(2) of the entry `name` of `dir`, a symbolic link followed when `follow` says so.
pub fn stat_entry(dir: BorrowedFd<'_>, name: &CStr, follow: bool) -> io::Result<Stat> {
    let flags = if follow { 0 } else { libc::AT_SYMLINK_NOFOLLOW };
    fstatat(dir.as_raw_fd(), name, flags)
}

/// lstat(2): the entry `path` itself, a link not followed.
pub fn lstat(path: &Path) -> io::Result<Stat> {
    stat(None, path.as_os_str(), false)
}

fn fstatat(dir: libc::c_int, name: &CStr, flags: libc::c_int) -> io::Result<Stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `name` is NUL-terminated, `st` is large enough for the kernel to fill, and `dir`
    // is AT_FDCWD or a descriptor our caller keeps open for the call.
    check(unsafe { libc::fstatat(dir, name.as_ptr(), st.as_mut_ptr(), flags) })?;
    // SAFETY: fstatat succeeded, so it filled `st`.
    let st = unsafe { st.assume_init() };
    Ok(Stat { dev: st.st_dev, ino: st.st_ino, mode: st.st_mode, size: st.st_size as u64 })
}

/// statx(2) of an open file: the unique id of the mount it is on (Linux 6.8), and whether it is
/// that mount's root (5.8). An older kernel, which fills in neither, gives ENOSYS.
pub fn statx_mount(file: BorrowedFd<'_>) -> io::Result<(u64, bool)> {
    let mut stx = std::mem::MaybeUninit::<libc::statx>::zeroed();
    let (flags, mask) = (libc::AT_EMPTY_PATH, libc::STATX_MNT_ID_UNIQUE);
    // SAFETY: the path is an empty NUL-terminated string, `stx` is a statx for the kernel to
    // fill, and the descriptor is borrowed for the call.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_statx,
            file.as_raw_fd(),
            c"".as_ptr(),
            flags,
            mask,
            stx.as_mut_ptr(),
        )
    };
    check(ret as libc::c_int)?;
    // SAFETY: zeroed to begin with, and statx succeeded.
    let stx = unsafe { stx.assume_init() };
    let root = libc::STATX_ATTR_MOUNT_ROOT as u64;
    if stx.stx_mask & mask == 0 || stx.stx_attributes_mask & root == 0 {
        return Err(io::Error::from_raw_os_error(libc::ENOSYS));
    }
    Ok((stx.stx_mnt_id, stx.stx_attributes & root != 0))
}

/// What statmount(2) tells of a mount's propagation (linux/mount.h's STATMOUNT_MNT_BASIC).
pub struct MountBasic {
    pub parent: u64,
    /// The peer group, if the mount is shared.
    pub group: Option<u64>,
}

/// statmount(2) and listmount(2) (Linux 6.8): their numbers, the same on every architecture
/// but those whose numbers start higher (MIPS's ABIs).
#[cfg(not(any(
    target_arch = "mips",
    target_arch = "mips32r6",
    target_arch = "mips64",
    target_arch = "mips64r6"
)))]
const SYS_STATMOUNT: libc::c_long = 457;
#[cfg(any(target_arch = "mips", target_arch = "mips32r6"))]
const SYS_STATMOUNT: libc::c_long = 4457;
#[cfg(any(target_arch = "mips64", target_arch = "mips64r6"))]
const SYS_STATMOUNT: libc::c_long = 5457;
const SYS_LISTMOUNT: libc::c_long = SYS_STATMOUNT + 1;

/// linux/mount.h's struct mnt_id_req, in its first form, which every kernel with the calls
/// takes: its size, a spare word, the mount's id, and a parameter.
#[repr(C)]
struct MountIdReq {
    size: u32,
    spare: u32,
    mnt_id: u64,
    param: u64,
}

/// linux/mount.h's struct statmount, up to the fields STATMOUNT_MNT_BASIC fills.
#[repr(C)]
#[derive(Default)]
struct Statmount {
    size: u32,
    mnt_opts: u32,
    mask: u64,
    sb_dev: [u32; 2],
    sb_magic: u64,
    sb_flags: u32,
    fs_type: u32,
    mnt_id: u64,
    mnt_parent_id: u64,
    mnt_ids_old: [u32; 2],
    mnt_attr: u64,
    mnt_propagation: u64,
    mnt_peer_group: u64,
    mnt_master: u64,
    propagate_from: u64,
}

/// statmount(2) of the mount with unique id `id`: its parent and its peer group.
pub fn statmount(id: u64) -> io::Result<MountBasic> {
    const STATMOUNT_MNT_BASIC: u64 = 2;
    // MS_SHARED in statmount's 64-bit propagation field (libc's is a C unsigned long, 32 bits
    // on 32-bit targets).
    const SHARED: u64 = 1 << 20;
    let req = MountIdReq { size: 24, spare: 0, mnt_id: id, param: STATMOUNT_MNT_BASIC };
    let mut buf = Statmount::default();
    let size = std::mem::size_of::<Statmount>();
    // SAFETY: `req` is a request of the size it says, and `buf` has room for `size` bytes.
    let ret = unsafe { libc::syscall(SYS_STATMOUNT, &req, &mut buf, size, 0) };
    check(ret as libc::c_int)?;
    if buf.mask & STATMOUNT_MNT_BASIC == 0 {
        return Err(io::Error::from_raw_os_error(libc::ENOSYS));
    }
    let shared = buf.mnt_propagation & SHARED != 0;
    Ok(MountBasic { parent: buf.mnt_parent_id, group: shared.then_some(buf.mnt_peer_group) })
}

/// listmount(2): whether anything is mounted on the mount with unique id `id`.
pub fn has_submounts(id: u64) -> io::Result<bool> {
    let req = MountIdReq { size: 24, spare: 0, mnt_id: id, param: 0 };
    let mut first = 0u64;
    // SAFETY: `req` is a request of the size it says, and `first` has room for one id.
    let ret = unsafe { libc::syscall(SYS_LISTMOUNT, &req, &mut first, 1usize, 0) };
    Ok(check(ret as libc::c_int)? > 0)
}

/// Whether the file system holding `path` is mounted read-only (statvfs's ST_RDONLY).
pub fn statvfs_read_only(path: &Path) -> io::Result<bool> {
    let path = c_path(path)?;
    let mut st = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: `path` is NUL-terminated and `st` is large enough for the kernel to fill.
    check(unsafe { libc::statvfs(path.as_ptr(), st.as_mut_ptr()) })?;
    // SAFETY: statvfs succeeded, so it filled `st`.
    let st = unsafe { st.assume_init() };
    Ok(st.f_flag & libc::ST_RDONLY != 0)
}

/// A directory open for reading its entries; its descriptor also serves openat() and
/// fstatat() of the entries. Read with getdents64(2) into a buffer of our own, where the C
/// library's readdir reads 2 KiB at a time (a dozen calls for 1000 names, against one or two
/// here) and its opendir first sets up malloc's heap. std's ReadDir would open the directory
/// once more, and carry each entry's path besides its name.
pub struct Dir {
    fd: OwnedFd,
    buf: Mapping,
}

/// Room for about 1000 entries of 10-byte names per call. Mapped, so only what the kernel
/// writes is touched: a small directory costs a page of it.
const DIR_BUF: usize = 32 * 1024;

impl Dir {
    pub fn open(path: &Path) -> io::Result<Dir> {
        let flags = libc::O_RDONLY | libc::O_CLOEXEC | libc::O_DIRECTORY;
        let fd = openat(None, path.as_os_str(), flags)?.into();
        Ok(Dir { fd, buf: Mapping::new(DIR_BUF)? })
    }

    /// The names of the entries but `.` and `..`, in the directory's order.
    pub fn names(&mut self) -> io::Result<Vec<OsString>> {
        let mut names = Vec::new();
        self.each(|_, name| names.push(OsStr::from_bytes(name.to_bytes()).to_owned()))?;
        Ok(names)
    }

    /// Calls `f` with the directory's descriptor and the name of each entry but `.` and `..`,
    /// in the directory's order, straight from the buffer: no copy of the names.
    pub fn each(&mut self, mut f: impl FnMut(BorrowedFd<'_>, &CStr)) -> io::Result<()> {
        loop {
            let buf = self.buf.bytes();
            let len = match getdents64(self.fd.as_fd(), buf) {
                // Removed while being read: it has no more entries, as readdir has it.
                Err(e) if e.raw_os_error() == Some(libc::ENOENT) => 0,
                other => other?,
            };
            if len == 0 {
                return Ok(());
            }
            let mut rest = buf.get(..len).unwrap_or_default();
            while !rest.is_empty() {
                let (name, next) = first_entry(rest)?;
                if name != c"." && name != c".." {
                    f(self.fd.as_fd(), name);
                }
                rest = next;
            }
        }
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

/// Memory of its own, unmapped when dropped. Not the allocator's: the arena takes back only
/// its last block, and a buffer freed before what was allocated after it would stay lost.
struct Mapping {
    ptr: std::ptr::NonNull<u8>,
    len: usize,
}

impl Mapping {
    fn new(len: usize) -> io::Result<Mapping> {
        Ok(Mapping { ptr: map_anonymous(len)?, len })
    }

    fn bytes(&mut self) -> &mut [u8] {
        // SAFETY: the mapping is `len` bytes, ours alone, zero-filled when mapped (so every
        // byte is initialised), and stays mapped for as long as the borrow of `self`.
        unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: mapped by map_anonymous with this length; no borrow of it outlives `self`.
        unsafe { unmap(self.ptr, self.len) };
    }
}

/// getdents64(2): the next entries of the directory, read into `buf`; their length in bytes,
/// 0 at the end.
fn getdents64(dir: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<usize> {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`, which is ours alone for
    // the call; `dir` stays open for it.
    let n = unsafe {
        libc::syscall(libc::SYS_getdents64, dir.as_raw_fd(), buf.as_mut_ptr(), buf.len())
    };
    usize::try_from(n).map(|n| n.min(buf.len())).map_err(|_| io::Error::last_os_error())
}

/// The name in the first of the packed entries in `bytes` (each a struct linux_dirent64:
/// inode, offset, the entry's length at byte 16, type, then the name and its NUL), and the
/// entries after it. An entry that does not add up is an error, never a loop or a panic.
fn first_entry(bytes: &[u8]) -> io::Result<(&CStr, &[u8])> {
    const NAME_AT: usize = 19;
    let malformed = || io::Error::from_raw_os_error(libc::EIO);
    let len = bytes.get(16..18).map_or(0, |b| usize::from(u16::from_ne_bytes([b[0], b[1]])));
    let name = bytes.get(NAME_AT..len).ok_or_else(malformed)?;
    let name = CStr::from_bytes_until_nul(name).map_err(|_| malformed())?;
    Ok((name, bytes.get(len..).unwrap_or_default()))
}

/// An inotify instance whose descriptor no exec'd program inherits.
pub fn inotify_init() -> io::Result<OwnedFd> {
    // SAFETY: inotify_init1 takes no pointers; on success we own the new descriptor.
    let fd = check(unsafe { libc::inotify_init1(libc::IN_CLOEXEC) })?;
    // SAFETY: `fd` was just opened and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

pub fn inotify_add_watch(fd: BorrowedFd<'_>, path: &Path, mask: u32) -> io::Result<()> {
    let path = c_path(path)?;
    // SAFETY: `path` is NUL-terminated and outlives the call.
    check(unsafe { libc::inotify_add_watch(fd.as_raw_fd(), path.as_ptr(), mask) }).map(drop)
}

/// write(2): how much of `buf` went out. Unlike std's Stdout, which takes EBADF (a closed
/// descriptor) for success, every error is the caller's to see.
pub fn write(fd: BorrowedFd<'_>, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for reads of its length, and `fd` stays open for the call.
    let ret = unsafe { libc::write(fd.as_raw_fd(), buf.as_ptr().cast(), buf.len()) };
    if ret < 0 { Err(io::Error::last_os_error()) } else { Ok(ret as usize) }
}

/// Standard input, which start-up made sure is open (`start::guard_std_fds`). Not std's
/// Stdin, whose buffer and lock are set up on first use, for nothing here.
pub fn stdin() -> BorrowedFd<'static> {
    // SAFETY: descriptor 0 is open for the life of the process, as descriptor 1 is (below).
    unsafe { BorrowedFd::borrow_raw(0) }
}

/// Standard error, which start-up made sure is open (`start::guard_std_fds`).
pub fn stderr() -> BorrowedFd<'static> {
    // SAFETY: descriptor 2 is open for the life of the process, as descriptor 1 is (below).
    unsafe { BorrowedFd::borrow_raw(2) }
}

/// Standard output, which start-up made sure is open (`start::guard_std_fds`).
pub fn stdout() -> BorrowedFd<'static> {
    // SAFETY: descriptor 1 is open for the life of the process: we were started with it, or
    // start-up put a stand-in there, and nothing closes it.
    unsafe { BorrowedFd::borrow_raw(1) }
}

/// Which of the standard descriptors 0, 1 and 2 are closed (fcntl says EBADF). One fcntl
/// each, not one poll(2) of the three, which a descriptor limit below 3 refuses (EINVAL).
pub fn closed_std_fds() -> io::Result<[bool; 3]> {
    let mut closed = [false; 3];
    for (fd, closed) in (0..).zip(&mut closed) {
        // SAFETY: F_GETFD only reads the flags of a descriptor number, open or not.
        match check(unsafe { libc::fcntl(fd, libc::F_GETFD) }) {
            Err(e) if e.raw_os_error() == Some(libc::EBADF) => *closed = true,
            Err(e) => return Err(e),
            Ok(_) => {}
        }
    }
    Ok(closed)
}

/// dup3(2), close-on-exec: `fd` also at the free number `at`, which then stays open for the
/// life of the process, as a standard descriptor does.
pub fn dup_to(fd: BorrowedFd<'_>, at: libc::c_int) -> io::Result<()> {
    // SAFETY: dup3 takes plain descriptor numbers; `fd` stays open for the call, and `at` was
    // free, so no descriptor that Rust code owns is replaced.
    check(unsafe { libc::dup3(fd.as_raw_fd(), at, libc::O_CLOEXEC) }).map(drop)
}

/// fcntl(F_DUPFD_CLOEXEC): a copy of `fd` numbered 3 or above, clear of the standard ones.
pub fn dup_above_std(fd: BorrowedFd<'_>) -> io::Result<OwnedFd> {
    // SAFETY: fcntl takes plain descriptor numbers; `fd` stays open for the call.
    let new = check(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 3) })?;
    // SAFETY: `new` was just opened and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

/// The index of the link with this name in our network namespace; `None` if there is none.
pub fn if_nametoindex(name: &OsStr) -> Option<u32> {
    let name = c_bytes(name).ok()?;
    // SAFETY: `name` is a NUL-terminated string that outlives the call.
    let index = unsafe { libc::if_nametoindex(name.as_ptr()) };
    (index != 0).then_some(index)
}

/// How a child process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    Signal(i32),
}

pub enum Fork {
    Child,
    Parent(libc::pid_t),
}

/// fork(2). netns is single-threaded, so the child may go on running ordinary Rust code.
pub fn fork() -> io::Result<Fork> {
    // SAFETY: the process has one thread, so the child inherits no lock held by another.
    match check(unsafe { libc::fork() })? {
        0 => Ok(Fork::Child),
        pid => Ok(Fork::Parent(pid)),
    }
}

pub fn waitpid(pid: libc::pid_t) -> io::Result<Exit> {
    let mut status = 0;
    loop {
        // SAFETY: `status` is a valid place for the kernel to write the status word.
        match check(unsafe { libc::waitpid(pid, &mut status, 0) }) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
            Ok(_) => break,
        }
    }
    if libc::WIFSIGNALED(status) {
        Ok(Exit::Signal(libc::WTERMSIG(status)))
    } else {
        Ok(Exit::Code(libc::WEXITSTATUS(status)))
    }
}

/// A new private anonymous mapping of `len` bytes, readable, writable and zero-filled, at an
/// address the kernel chooses (randomised, whatever the binary's own layout).
pub fn map_anonymous(len: usize) -> io::Result<std::ptr::NonNull<u8>> {
    let (prot, flags) =
        (libc::PROT_READ | libc::PROT_WRITE, libc::MAP_PRIVATE | libc::MAP_ANONYMOUS);
    // SAFETY: a new mapping at no address of ours: nothing that exists is touched.
    let ptr = unsafe { libc::mmap(std::ptr::null_mut(), len, prot, flags, -1, 0) };
    match std::ptr::NonNull::new(ptr.cast::<u8>()) {
        Some(ptr) if ptr.as_ptr().cast() != libc::MAP_FAILED => Ok(ptr),
        _ => Err(io::Error::last_os_error()),
    }
}

/// Unmaps what `map_anonymous` mapped.
///
/// # Safety
/// `ptr` and `len` must be a mapping from `map_anonymous`, and nothing may use it afterwards.
pub unsafe fn unmap(ptr: std::ptr::NonNull<u8>, len: usize) {
    // SAFETY: by the contract, the whole mapping and no longer in use.
    unsafe { libc::munmap(ptr.as_ptr().cast(), len) };
}

/// The stack of a child that shares our memory (see `clone_bind`). Its own, because our frames
/// are in use on ours; its work is a few calls deep, so a few KiB leave room even for a debug
/// build.
#[repr(C, align(16))]
struct ChildStack([std::mem::MaybeUninit<u8>; 16 * 1024]);

/// What the child of `clone_bind` reads: two paths, made before it starts.
struct BindPaths {
    source: CString,
    target: CString,
}

/// clone(2) of a child in new namespaces (`namespaces`: CLONE_NEW* flags) that makes one bind
/// mount, of `source` onto `target`, and exits: 0, or the mount's errno. From inside the new
/// namespaces, `/proc/self/ns/net` is the new network namespace, so binding it names it, and
/// our process never leaves its own. Returns the child's pid, to be waited for: it has exited
/// by then. An error is clone's own: the namespaces could not be made (or the process).
///
/// The child is a process of its own (no CLONE_THREAD: netns stays single-threaded) that shares
/// our memory (CLONE_VM) instead of copying it, which is what a fork costs; we are stopped until
/// it has exited (CLONE_VFORK). Why that is sound:
/// - Nothing of ours runs while the child does, so nothing it touches can race with us.
/// - It runs on a stack of its own, `stack` below, which we do not use while stopped and which
///   outlives it: we return only once it has exited.
/// - It only reads `paths`, built before it starts, and makes raw system calls: mount(2), then
///   exit(2) through clone's own return. It allocates nothing, takes no lock, touches no buffer
///   or state of std's, and unwinds nothing (it cannot panic). The one thing it writes besides
///   its stack is errno, through our thread pointer, which it shares: into our errno, which
///   nothing of ours reads after clone has succeeded.
/// - netns installs no signal handler (see start.rs), so no handler of ours can run in the
///   child over our memory; a signal that kills the child kills it alone.
///
/// The child is made on our CPU (see `on_this_cpu`).
pub fn clone_bind(
    namespaces: libc::c_int,
    source: &OsStr,
    target: &Path,
) -> io::Result<libc::pid_t> {
    let paths = BindPaths { source: c_bytes(source)?, target: c_path(target)? };
    let mut stack = ChildStack([std::mem::MaybeUninit::uninit(); 16 * 1024]);
    // Stacks grow down on every architecture netns builds for.
    let top = stack.0.as_mut_ptr_range().end.cast::<libc::c_void>();
    let flags = namespaces | libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD;
    let arg = (&raw const paths).cast_mut().cast::<libc::c_void>();
    on_this_cpu(|| {
        // SAFETY: see above: `bind_child` only reads `paths` and makes system calls, on
        // `stack`, while we are stopped; both live until we return, which is after the child
        // has exited.
        check(unsafe { libc::clone(bind_child, top, flags, arg) })
    })
}

/// Runs `f` with this process allowed only the CPU it is on, and the CPUs it was allowed
/// again afterwards. A child made meanwhile inherits that one CPU: a child we wait for runs at
/// once where we stop, where the scheduler would place a new process on another CPU, idle
/// (whose wake-up is slow in a VM) or busy (behind whatever runs there): on a busy 2-CPU VM
/// that made an add take three times as long. Only a hint: where the CPUs cannot be read or
/// set, `f` runs as it is.
fn on_this_cpu<T>(f: impl FnOnce() -> T) -> T {
    let size = std::mem::size_of::<libc::cpu_set_t>();
    // SAFETY: a cpu_set_t is plain bits; all zero is the empty set.
    let mut allowed: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    let mut here = allowed;
    // SAFETY: sched_getcpu takes nothing.
    let cpu = usize::try_from(unsafe { libc::sched_getcpu() }).ok().filter(|cpu| *cpu < 8 * size);
    let pinned = cpu.is_some_and(|cpu| {
        // SAFETY: `allowed` is a cpu_set_t of `size` bytes, for the kernel to fill.
        let read = unsafe { libc::sched_getaffinity(0, size, &mut allowed) };
        // SAFETY: `cpu` is below the number of bits in the set (checked above).
        unsafe { libc::CPU_SET(cpu, &mut here) };
        // SAFETY: `here` is a cpu_set_t of `size` bytes.
        read == 0 && unsafe { libc::sched_setaffinity(0, size, &here) } == 0
    });
    let result = f();
    if pinned {
        // SAFETY: `allowed` is the set sched_getaffinity filled in.
        unsafe { libc::sched_setaffinity(0, size, &allowed) };
    }
    result
}

/// The child of `clone_bind`: the bind mount, and its errno as the exit status.
extern "C" fn bind_child(paths: *mut libc::c_void) -> libc::c_int {
    // SAFETY: `clone_bind` passes its `BindPaths`, alive and unchanged until we have exited.
    let paths = unsafe { &*paths.cast::<BindPaths>() };
    let (source, target) = (paths.source.as_ptr(), paths.target.as_ptr());
    let null = std::ptr::null();
    // SAFETY: both paths are NUL-terminated; a bind mount reads no type and no data.
    match unsafe { libc::mount(source, target, null, libc::MS_BIND, null.cast()) } {
        0 => 0,
        // SAFETY: errno is read through our thread pointer, the parent's (see `clone_bind`).
        _ => unsafe { *libc::__errno_location() },
    }
}

/// Whether we block SIGXFSZ where we were started with it unblocked (`block_file_size_signal`):
/// `execve` unblocks it for a program it starts, and blocks it again if the exec fails.
static XFSZ_BLOCKED_BY_US: AtomicBool = AtomicBool::new(false);

/// Blocks or unblocks (`how`) SIGXFSZ; says whether it was blocked before.
fn file_size_signal(how: libc::c_int) -> bool {
    // SAFETY: sigset_t is plain data, made a valid set by sigemptyset before any other use;
    // sigprocmask reads `set` and writes `old`, both ours for the call.
    unsafe {
        let (mut set, mut old) = (std::mem::zeroed(), std::mem::zeroed());
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGXFSZ);
        libc::sigprocmask(how, &set, &mut old) == 0 && libc::sigismember(&old, libc::SIGXFSZ) == 1
    }
}

/// Blocks SIGXFSZ, so that a write past the file-size limit (`ulimit -f`) fails with EFBIG
/// and is reported, where the signal would kill us without a word. Blocked rather than
/// ignored: musl's sigaction would cost the tiny build 600 bytes, and the mask is given back
/// as plainly. Failing, as it cannot with a valid signal, it would leave us as iproute2 is,
/// killed at the limit.
pub fn block_file_size_signal() {
    let was_blocked = file_size_signal(libc::SIG_BLOCK);
    XFSZ_BLOCKED_BY_US.store(!was_blocked, Ordering::Relaxed);
}

/// Closes `fd` and says whether the kernel did; dropping an `OwnedFd` cannot tell.
pub fn close(fd: OwnedFd) -> io::Result<()> {
    // SAFETY: `fd` is ours, and is given up here: nothing can use the number afterwards.
    check(unsafe { libc::close(fd.into_raw_fd()) }).map(drop)
}

/// kill(2).
pub fn kill(pid: libc::pid_t, signal: libc::c_int) -> io::Result<()> {
    // SAFETY: kill takes plain numbers and touches no memory of ours.
    check(unsafe { libc::kill(pid, signal) }).map(drop)
}

/// Ends the process at once: a forked child must not run the parent's exit handlers twice.
pub fn exit_now(code: i32) -> ! {
    // SAFETY: _exit never returns and touches no Rust state.
    unsafe { libc::_exit(code) }
}

/// execve(2) with the current environment. Returns only on failure.
pub fn execve(path: &CStr, argv: &[CString]) -> io::Error {
    let mut ptrs = Vec::with_capacity(argv.len() + 1);
    for arg in argv {
        ptrs.push(arg.as_ptr());
    }
    ptrs.push(std::ptr::null());
    unsafe extern "C" {
        static environ: *const *const libc::c_char;
    }
    let ours = XFSZ_BLOCKED_BY_US.load(Ordering::Relaxed);
    if ours {
        file_size_signal(libc::SIG_UNBLOCK);
    }
    // SAFETY: `path` and every argument are NUL-terminated and outlive the call, `ptrs` ends
    // with NULL, and `environ` is the process's own NULL-terminated environment.
    unsafe { libc::execve(path.as_ptr(), ptrs.as_ptr(), environ) };
    let err = io::Error::last_os_error();
    if ours {
        file_size_signal(libc::SIG_BLOCK);
    }
    err
}

/// getenv(3): the value of an environment variable. netns never changes its environment, so
/// the value stays as it is for the life of the process. Not std's `env::var_os`, which takes
/// a lock and copies the value.
pub fn getenv(name: &CStr) -> Option<&'static OsStr> {
    // SAFETY: `name` is NUL-terminated; getenv only reads the environment, which nothing in
    // netns writes.
    let value = unsafe { libc::getenv(name.as_ptr()) };
    // SAFETY: a value getenv found is a NUL-terminated string in the environment, which stays
    // as it is (see above).
    (!value.is_null()).then(|| OsStr::from_bytes(unsafe { CStr::from_ptr(value) }.to_bytes()))
}

/// The path this program was started by, as execve(2) got it (the auxiliary vector's
/// AT_EXECFN): what tells us which file we are when there is no /proc/self/exe.
pub fn exec_path() -> Option<&'static OsStr> {
    // SAFETY: getauxval only reads the auxiliary vector.
    let path = unsafe { libc::getauxval(libc::AT_EXECFN) } as *const libc::c_char;
    // SAFETY: the kernel put a NUL-terminated string there, on the initial stack, which lives
    // as long as the process and which nothing writes.
    (!path.is_null()).then(|| OsStr::from_bytes(unsafe { CStr::from_ptr(path) }.to_bytes()))
}

/// The transmit queue length of a link (ioctl SIOCGIFTXQLEN on an inet socket): `None` when
/// there is no such socket to ask through.
pub fn txqlen(name: &[u8]) -> Option<io::Result<i32>> {
    // SAFETY: plain socket(2) call; the result is checked and owned right away.
    let fd =
        check(unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0) });
    // SAFETY: `fd` was just returned by socket(2) and nothing else owns it.
    let sock = unsafe { OwnedFd::from_raw_fd(fd.ok()?) };
    // struct ifreq: the name (NUL-terminated, at most 15 bytes), then the queue length.
    let mut ifreq = [0u8; 40];
    let len = name.len().min(15);
    ifreq[..len].copy_from_slice(&name[..len]);
    // SAFETY: `ifreq` is as large as struct ifreq and valid for writes for the whole call.
    let done = check(unsafe {
        libc::ioctl(sock.as_raw_fd(), libc::SIOCGIFTXQLEN as _, ifreq.as_mut_ptr())
    });
    Some(done.map(|_| i32::from_ne_bytes([ifreq[16], ifreq[17], ifreq[18], ifreq[19]])))
}

/// ioctl(2) with a `struct ifreq` that holds an interface name and flags, as TUNSETIFF takes
/// it. A name longer than the kernel's limit is cut there, as strncpy into ifr_name cuts it.
pub fn ioctl_ifreq(
    fd: BorrowedFd<'_>,
    request: libc::Ioctl,
    name: &[u8],
    flags: u16,
) -> io::Result<()> {
    // SAFETY: all zeros is a valid ifreq: an empty name, and null or zero in the union.
    let mut ifr: libc::ifreq = unsafe { std::mem::zeroed() };
    let room = ifr.ifr_name.len() - 1;
    for (slot, byte) in ifr.ifr_name.iter_mut().zip(name.iter().take(room)) {
        *slot = *byte as libc::c_char;
    }
    ifr.ifr_ifru.ifru_flags = flags as libc::c_short;
    // SAFETY: `ifr` is a valid ifreq that outlives the call; the descriptor is borrowed, so it
    // stays open.
    check(unsafe { libc::ioctl(fd.as_raw_fd(), request, &mut ifr) }).map(drop)
}

/// ioctl(2) whose argument is a number, not a pointer (TUNSETPERSIST, TUNSETOWNER, ...).
pub fn ioctl_value(
    fd: BorrowedFd<'_>,
    request: libc::Ioctl,
    value: libc::c_ulong,
) -> io::Result<()> {
    // SAFETY: the kernel takes `value` as a plain number; the descriptor stays open.
    check(unsafe { libc::ioctl(fd.as_raw_fd(), request, value) }).map(drop)
}

/// readlink(2) into `buf`: the link's first bytes, as many as fit; their number.
pub fn readlink(path: &Path, buf: &mut [u8]) -> io::Result<usize> {
    let path = c_path(path)?;
    // SAFETY: `path` is NUL-terminated and `buf` is writable for its length; both outlive the
    // call.
    let len = unsafe { libc::readlink(path.as_ptr(), buf.as_mut_ptr().cast(), buf.len()) };
    usize::try_from(len).map_err(|_| io::Error::last_os_error())
}

pub mod arena;
pub mod start;

#[cfg(test)]
mod tests {
    use super::*;

    /// A linux_dirent64 as the kernel packs it, in native byte order, padded to 8 bytes.
    fn dirent(name: &[u8]) -> Vec<u8> {
        let len = (19 + name.len() + 1).next_multiple_of(8);
        let mut entry = vec![0u8; len];
        entry[16..18].copy_from_slice(&(len as u16).to_ne_bytes());
        entry[19..19 + name.len()].copy_from_slice(name);
        entry
    }

    #[test]
    fn entries_are_read_in_order_and_bad_ones_refused() {
        let bytes = [dirent(b"."), dirent(b"blue"), dirent(b"a-longer-name")].concat();
        let (mut names, mut rest) = (Vec::new(), bytes.as_slice());
        while !rest.is_empty() {
            let (name, next) = first_entry(rest).unwrap();
            names.push(name.to_bytes().to_vec());
            rest = next;
        }
        assert_eq!(names, [&b"."[..], b"blue", b"a-longer-name"]);
        let mut zero = dirent(b"x");
        zero[16..18].copy_from_slice(&0u16.to_ne_bytes());
        let mut long = dirent(b"x");
        long[16..18].copy_from_slice(&4096u16.to_ne_bytes());
        let unterminated = {
            let mut e = dirent(b"abcd");
            e.truncate(23);
            e[16..18].copy_from_slice(&23u16.to_ne_bytes());
            e
        };
        for bad in [zero, long, unterminated, vec![0; 10]] {
            assert!(first_entry(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_directory_larger_than_the_buffer_is_read_whole() {
        let root = std::env::temp_dir().join(format!("netns-dir-test-{}", std::process::id()));
        std::fs::create_dir(&root).unwrap();
        let want: Vec<String> = (0..3000).map(|i| format!("name-{i:05}")).collect();
        for name in &want {
            std::fs::File::create(root.join(name)).unwrap();
        }
        let got = Dir::open(&root).and_then(|mut dir| dir.names());
        std::fs::remove_dir_all(&root).unwrap();
        let mut got: Vec<String> =
            got.unwrap().into_iter().map(|n| n.into_string().unwrap()).collect();
        got.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn a_directory_removed_while_open_has_no_entries() {
        let root = std::env::temp_dir().join(format!("netns-gone-test-{}", std::process::id()));
        std::fs::create_dir(&root).unwrap();
        let dir = Dir::open(&root);
        std::fs::remove_dir(&root).unwrap();
        assert_eq!(dir.and_then(|mut dir| dir.names()).unwrap(), Vec::<OsString>::new());
    }
}
