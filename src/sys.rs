//! The only `unsafe` in netns: thin wrappers named after the kernel calls, each turning the C
//! convention (-1 and errno) into `io::Result`. Nothing here knows about names or messages.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::ffi::{CStr, CString, OsStr, OsString};
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::Relaxed;

pub use libc::{
    CLONE_NEWNET, CLONE_NEWNS, IN_CREATE, IN_DELETE, MNT_DETACH, MS_BIND, MS_PRIVATE, MS_RDONLY,
    MS_REC, MS_SHARED, MS_SLAVE,
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

/// openat(2), read-only and close-on-exec: a file of a directory we hold open (without walking
/// the directory's path again), or with `None` a path as open(2) takes it. Unlike musl's
/// open(), which std's File::open calls, it costs no extra fcntl() for close-on-exec.
pub fn openat(dir: Option<BorrowedFd<'_>>, name: &OsStr) -> io::Result<std::fs::File> {
    let name = c_bytes(name)?;
    let dir = dir.map_or(libc::AT_FDCWD, |dir| dir.as_raw_fd());
    // SAFETY: `name` is NUL-terminated and outlives the call; a borrowed `dir` stays open.
    let fd = check(unsafe { libc::openat(dir, name.as_ptr(), libc::O_RDONLY | libc::O_CLOEXEC) })?;
    // SAFETY: `fd` was just opened and nothing else owns it.
    Ok(std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) }))
}

/// What fstatat(2) tells of a file, links followed: its device, inode and mode.
pub struct Stat {
    pub dev: u64,
    pub ino: u64,
    pub mode: u32,
}

/// fstatat(2) of `name` relative to `dir` (or with `None`, as stat(2) takes it); an empty
/// `name` is `dir` itself.
pub fn stat(dir: Option<BorrowedFd<'_>>, name: &OsStr) -> io::Result<Stat> {
    let name = c_bytes(name)?;
    let (dir, flags) = match dir {
        Some(dir) => (dir.as_raw_fd(), libc::AT_EMPTY_PATH),
        None => (libc::AT_FDCWD, 0),
    };
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `name` is NUL-terminated, `st` is large enough for the kernel to fill, and `dir`
    // stays open for the call.
    check(unsafe { libc::fstatat(dir, name.as_ptr(), st.as_mut_ptr(), flags) })?;
    // SAFETY: fstatat succeeded, so it filled `st`.
    let st = unsafe { st.assume_init() };
    Ok(Stat { dev: st.st_dev, ino: st.st_ino, mode: st.st_mode })
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
/// fstatat() of the entries. std's ReadDir would open the directory once more, and carry
/// each entry's path besides its name.
pub struct Dir(std::ptr::NonNull<libc::DIR>);

impl Dir {
    pub fn open(path: &Path) -> io::Result<Dir> {
        let path = c_path(path)?;
        // SAFETY: `path` is NUL-terminated and outlives the call.
        let dir = unsafe { libc::opendir(path.as_ptr()) };
        std::ptr::NonNull::new(dir).map(Dir).ok_or_else(io::Error::last_os_error)
    }

    /// The names of the entries but `.` and `..`, in the directory's order.
    pub fn names(&mut self) -> io::Result<Vec<OsString>> {
        let mut names = Vec::new();
        loop {
            // SAFETY: errno is this thread's; readdir leaves it alone at the end of the
            // directory and sets it on an error, which is how the two are told apart.
            unsafe { *libc::__errno_location() = 0 };
            // SAFETY: the DIR is open while we hold it.
            let entry = unsafe { libc::readdir(self.0.as_ptr()) };
            if entry.is_null() {
                let err = io::Error::last_os_error();
                return if err.raw_os_error() == Some(0) { Ok(names) } else { Err(err) };
            }
            // SAFETY: readdir returned an entry whose d_name is NUL-terminated, valid until
            // the next readdir; its bytes are copied before that.
            let name = unsafe { CStr::from_ptr((*entry).d_name.as_ptr()) }.to_bytes();
            if name != b"." && name != b".." {
                names.push(OsStr::from_bytes(name).to_owned());
            }
        }
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        // SAFETY: the DIR is open, and its descriptor with it, for as long as the borrow.
        unsafe { BorrowedFd::borrow_raw(libc::dirfd(self.0.as_ptr())) }
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        // SAFETY: the DIR came from opendir and is closed only here.
        unsafe { libc::closedir(self.0.as_ptr()) };
    }
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

/// Ends the process at once: a forked child must not run the parent's exit handlers twice.
pub fn exit_now(code: i32) -> ! {
    // SAFETY: _exit never returns and touches no Rust state.
    unsafe { libc::_exit(code) }
}

/// execve(2) with the current environment. Returns only on failure.
pub fn execve(path: &CStr, argv: &[CString]) -> io::Error {
    let mut ptrs: Vec<*const libc::c_char> = argv.iter().map(|a| a.as_ptr()).collect();
    ptrs.push(std::ptr::null());
    unsafe extern "C" {
        static environ: *const *const libc::c_char;
    }
    // SAFETY: `path` and every argument are NUL-terminated and outlive the call, `ptrs` ends
    // with NULL, and `environ` is the process's own NULL-terminated environment.
    unsafe { libc::execve(path.as_ptr(), ptrs.as_ptr(), environ) };
    io::Error::last_os_error()
}

/// Runs `step` in a forked child and hands back its result: the error's tag and errno travel
/// through a close-on-exec pipe. Namespace changes made by `step` die with the child, so the
/// caller never has to find its way back to where it was.
pub fn in_child<F>(step: F) -> io::Result<Result<(), (u8, io::Error)>>
where
    F: FnOnce() -> Result<(), (u8, io::Error)>,
{
    let (mut reader, mut writer) = io::pipe()?;
    match fork()? {
        Fork::Child => {
            drop(reader);
            let code = match step() {
                Ok(()) => 0,
                Err((tag, err)) => {
                    let errno = err.raw_os_error().unwrap_or(libc::EIO);
                    let mut report = [tag, 0, 0, 0, 0];
                    report[1..].copy_from_slice(&errno.to_ne_bytes());
                    let _ = writer.write_all(&report);
                    1
                }
            };
            exit_now(code)
        }
        Fork::Parent(pid) => {
            drop(writer);
            let mut report = Vec::new();
            let read = reader.read_to_end(&mut report);
            let exit = waitpid(pid)?;
            read?;
            Ok(match (exit, report.as_slice()) {
                (Exit::Code(0), []) => Ok(()),
                (_, [tag, errno @ ..]) if errno.len() == 4 => {
                    let errno = i32::from_ne_bytes([errno[0], errno[1], errno[2], errno[3]]);
                    Err((*tag, io::Error::from_raw_os_error(errno)))
                }
                // Killed before it could say why: the work was not done.
                _ => Err((u8::MAX, io::Error::from_raw_os_error(libc::EINTR))),
            })
        }
    }
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

/// Makes the program's RELRO range read-only, as a dynamic loader does before `main`: the
/// relocated pointers there (the GOT, vtables, .init_array) can then no longer be overwritten.
/// A static-pie carries PT_GNU_RELRO, but musl's static start-up relocates the binary and
/// never protects that range; a dynamically linked build finds it read-only already.
pub fn protect_relro() -> io::Result<()> {
    let mut result: libc::c_int = 0;
    // SAFETY: dl_iterate_phdr calls `first_object` with a valid dl_phdr_info for each loaded
    // object, the program first, and `result` outlives the call.
    unsafe { libc::dl_iterate_phdr(Some(first_object), (&raw mut result).cast()) };
    check(result).map(drop)
}

/// dl_iterate_phdr's callback: protects the first object's RELRO range, stores the outcome
/// (0 or -1) at `result`, and stops the walk there.
unsafe extern "C" fn first_object(
    info: *mut libc::dl_phdr_info,
    _size: usize,
    result: *mut libc::c_void,
) -> libc::c_int {
    // SAFETY: dl_iterate_phdr hands a valid info whose dlpi_phdr points to dlpi_phnum headers.
    let info = unsafe { &*info };
    // SAFETY: as above: dlpi_phnum headers in one array.
    let headers = unsafe { std::slice::from_raw_parts(info.dlpi_phdr, info.dlpi_phnum.into()) };
    // SAFETY: getauxval only reads the auxiliary vector.
    let page = unsafe { libc::getauxval(libc::AT_PAGESZ) } as usize;
    for header in headers.iter().filter(|h| h.p_type == libc::PT_GNU_RELRO) {
        let start = info.dlpi_addr as usize + header.p_vaddr as usize;
        // Whole pages only: the page after the range's end may hold writable data.
        let (first, end) = (start & !(page - 1), (start + header.p_memsz as usize) & !(page - 1));
        if end > first {
            // SAFETY: the range lies in the program's own mapping, and nothing is written to
            // RELRO after relocation, which happened before `main`.
            let ret =
                unsafe { libc::mprotect(first as *mut libc::c_void, end - first, libc::PROT_READ) };
            // SAFETY: `result` is the caller's c_int, alive for the walk.
            unsafe { *result.cast::<libc::c_int>() = ret };
        }
    }
    1
}

/// The program's arguments, as the C runtime hands them to `main`.
pub struct Args {
    argc: usize,
    argv: *const *const libc::c_char,
}

impl Args {
    /// # Safety
    /// `argv` must hold `argc` NUL-terminated strings that live as long as the process, as the
    /// C runtime's arguments to `main` do.
    pub unsafe fn from_raw(argc: libc::c_int, argv: *const *const libc::c_char) -> Args {
        Args { argc: usize::try_from(argc).unwrap_or(0), argv }
    }

    pub fn to_vec(&self) -> Vec<OsString> {
        (0..self.argc)
            .map(|i| {
                // SAFETY: by `from_raw`'s contract, each of the first argc pointers is a
                // NUL-terminated string that lives as long as the process.
                let arg = unsafe { CStr::from_ptr(*self.argv.add(i)) };
                OsStr::from_bytes(arg.to_bytes()).to_owned()
            })
            .collect()
    }
}

/// Defines the C `main`, which calls `$start` with the arguments and exits with what it
/// returns. netns starts there rather than in std's runtime: that start-up (a poll of fds 0-2,
/// handlers and an alternate stack for stack overflows, SIGPIPE ignored and to be restored)
/// costs `exec` time and the binary bytes, and ip, a C program, leaves the signals it was
/// started with as they are.
#[macro_export]
macro_rules! entry {
    ($start:path) => {
        #[unsafe(no_mangle)]
        extern "C" fn main(
            argc: ::core::ffi::c_int,
            argv: *const *const ::core::ffi::c_char,
        ) -> ::core::ffi::c_int {
            if let Err(err) = $crate::sys::protect_relro() {
                return ::core::ffi::c_int::from($crate::error::relro_failed(&err));
            }
            // SAFETY: these are the arguments the C runtime passes to main.
            let args = unsafe { $crate::sys::Args::from_raw(argc, argv) };
            ::core::ffi::c_int::from($start(args))
        }
    };
}

/// The allocator: allocations come first from an arena in .bss, by moving its end, and from
/// the C library once it is full. A command lives for a millisecond and allocates a few
/// kilobytes, while musl's malloc first sets up its heap (brk, mmap, and a page fault for each
/// page it touches): several percent of `exec`'s time. Space freed in the arena is reused only
/// when it is at the end, which is the common case of a short-lived buffer.
///
/// The end comes first in memory and the space right after: the first blocks then share the
/// end's page, one page fault for both.
#[repr(C)]
pub struct Arena {
    end: AtomicUsize,
    space: UnsafeCell<[u8; ARENA_SIZE]>,
}

const ARENA_SIZE: usize = 64 * 1024;

// SAFETY: the arena hands out disjoint ranges of its space, claimed by atomic operations.
unsafe impl Sync for Arena {}

impl Arena {
    pub const fn new() -> Arena {
        Arena { end: AtomicUsize::new(0), space: UnsafeCell::new([0; ARENA_SIZE]) }
    }

    fn base(&self) -> *mut u8 {
        self.space.get().cast()
    }

    /// Where `ptr` lies in the arena, if it does.
    fn offset_of(&self, ptr: *mut u8) -> Option<usize> {
        let offset = (ptr as usize).wrapping_sub(self.base() as usize);
        (offset < ARENA_SIZE).then_some(offset)
    }

    /// Claims `size` bytes aligned to `align` (a power of two) at the end of the arena.
    fn claim(&self, size: usize, align: usize) -> Option<*mut u8> {
        let base = self.base() as usize;
        // A guess instead of a load: the compare-exchange writes, and a first read of the
        // untouched page would map the zero page only for that write to fault again.
        let mut end = 0;
        loop {
            // Aligned as an address, not as an offset: the space itself is only byte-aligned.
            let start = (base + end).checked_add(align - 1)? & !(align - 1);
            let new_end = (start - base).checked_add(size).filter(|e| *e <= ARENA_SIZE)?;
            match self.end.compare_exchange_weak(end, new_end, Relaxed, Relaxed) {
                // SAFETY: start - base < ARENA_SIZE: the address lies inside the space.
                Ok(_) => return Some(unsafe { self.base().add(start - base) }),
                Err(now) => end = now,
            }
        }
    }

    /// Moves the end of the arena from `from` to `to`, if nothing was claimed after `from`.
    fn move_end(&self, from: usize, to: usize) -> bool {
        to <= ARENA_SIZE && self.end.compare_exchange(from, to, Relaxed, Relaxed).is_ok()
    }
}

impl Default for Arena {
    fn default() -> Arena {
        Arena::new()
    }
}

// SAFETY: a block is either a range of the arena that no other live block overlaps, aligned as
// its layout asks, or comes from the C library's allocator through std's System; each goes back
// where it came from. Not inlined: every allocation in the program would carry a copy.
unsafe impl GlobalAlloc for Arena {
    #[inline(never)]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match self.claim(layout.size(), layout.align()) {
            Some(ptr) => ptr,
            // SAFETY: the caller's layout, passed on.
            None => unsafe { System.alloc(layout) },
        }
    }

    #[inline(never)]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        match self.offset_of(ptr) {
            Some(offset) => {
                self.move_end(offset + layout.size(), offset);
            }
            // SAFETY: the block came from System with this layout.
            None => unsafe { System.dealloc(ptr, layout) },
        }
    }

    #[inline(never)]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        let Some(offset) = self.offset_of(ptr) else {
            // SAFETY: the block came from System with this layout.
            return unsafe { System.realloc(ptr, layout, size) };
        };
        // The last block grows or shrinks where it is; any other shrinks in place.
        if self.move_end(offset + layout.size(), offset + size) || size <= layout.size() {
            return ptr;
        }
        // SAFETY: the old layout's alignment is valid, and GlobalAlloc's contract makes `size`
        // a valid size for it.
        let grown = unsafe { self.alloc(Layout::from_size_align_unchecked(size, layout.align())) };
        if !grown.is_null() {
            // SAFETY: both blocks hold at least layout.size() bytes and do not overlap.
            unsafe { std::ptr::copy_nonoverlapping(ptr, grown, layout.size()) };
            // SAFETY: the old block is no longer used.
            unsafe { self.dealloc(ptr, layout) };
        }
        grown
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(size: usize, align: usize) -> Layout {
        Layout::from_size_align(size, align).unwrap()
    }

    #[test]
    fn arena_blocks_are_aligned_disjoint_and_the_last_one_is_reused() {
        let arena = Box::new(Arena::new());
        // SAFETY: every block is used within its layout and freed with it.
        unsafe {
            let a = arena.alloc(layout(3, 1));
            let b = arena.alloc(layout(16, 16));
            assert_eq!(b as usize % 16, 0);
            assert!(b as usize >= a as usize + 3);
            b.write_bytes(0xaa, 16);
            a.write_bytes(0x55, 3);
            assert_eq!(*b, 0xaa);
            arena.dealloc(b, layout(16, 16));
            assert_eq!(arena.alloc(layout(16, 16)), b, "the last block's space is taken back");
            // A block that is not the last keeps its space.
            arena.dealloc(a, layout(3, 1));
            assert_ne!(arena.alloc(layout(3, 1)), a);
        }
    }

    #[test]
    fn arena_realloc_grows_the_last_block_in_place_and_moves_the_others() {
        let arena = Box::new(Arena::new());
        // SAFETY: every block is used within its layout and freed with it.
        unsafe {
            let a = arena.alloc(layout(4, 1));
            a.copy_from(b"abcd".as_ptr(), 4);
            assert_eq!(arena.realloc(a, layout(4, 1), 100), a);
            let b = arena.alloc(layout(8, 8));
            let moved = arena.realloc(a, layout(100, 1), 200);
            assert_ne!(moved, a);
            assert_eq!(std::slice::from_raw_parts(moved, 4), b"abcd");
            arena.dealloc(moved, layout(200, 1));
            arena.dealloc(b, layout(8, 8));
        }
    }

    #[test]
    fn a_full_arena_hands_over_to_the_c_library() {
        let arena = Box::new(Arena::new());
        // SAFETY: every block is used within its layout and freed with it.
        unsafe {
            let most = arena.alloc(layout(ARENA_SIZE - 8, 1));
            assert_eq!(arena.offset_of(most), Some(0));
            let outside = arena.alloc(layout(64, 8));
            assert!(!outside.is_null());
            assert_eq!(arena.offset_of(outside), None);
            outside.write_bytes(1, 64);
            // Growing past the arena's end moves the block out, contents and all.
            most.write_bytes(7, 16);
            let grown = arena.realloc(most, layout(ARENA_SIZE - 8, 1), ARENA_SIZE + 1);
            assert_eq!(arena.offset_of(grown), None);
            assert_eq!(*grown.add(15), 7);
            assert_eq!(arena.alloc(layout(8, 1)), arena.base(), "the arena is empty again");
            arena.dealloc(grown, layout(ARENA_SIZE + 1, 1));
            arena.dealloc(outside, layout(64, 8));
        }
    }
}
