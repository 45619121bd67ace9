//! Start-up: the C `main` that calls ours, the arguments it is given, the one hardening
//! step a static-pie's start-up leaves to the program (RELRO), and stand-ins for standard
//! descriptors we were started without.

use std::ffi::{CStr, OsStr, OsString};
use std::io;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;

use super::{check, closed_std_fds, dup_above_std, dup_to};

/// Puts a stand-in on each standard descriptor we were started without (`netns list >&-`):
/// else the first thing we open (the run directory, a netlink socket) would take its number,
/// and our output would go there, or nowhere without a word. Standard output and error get a
/// pipe's reading end and standard input its writing end, so that each still refuses its
/// direction (EBADF) and the failure is reported. A pipe needs no file system, unlike
/// /dev/null, which an empty chroot lacks. The stand-ins are close-on-exec: a command we run
/// starts with the descriptors we were given.
pub fn guard_std_fds() -> io::Result<()> {
    let closed = closed_std_fds()?;
    if !closed.contains(&true) {
        return Ok(());
    }
    // The pipe itself takes the lowest free numbers, the closed ones among them: its ends are
    // moved above the standard three before they stand in.
    let (reader, writer) = io::pipe()?;
    let ends = [dup_above_std(writer.as_fd())?, dup_above_std(reader.as_fd())?];
    drop((reader, writer));
    for (fd, _) in closed.iter().enumerate().filter(|(_, closed)| **closed) {
        dup_to(ends[usize::from(fd != 0)].as_fd(), fd as libc::c_int)?;
    }
    Ok(())
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
        let mut args = Vec::with_capacity(self.argc);
        for i in 0..self.argc {
            // SAFETY: by `from_raw`'s contract, each of the first argc pointers is a
            // NUL-terminated string that lives as long as the process.
            let arg = unsafe { CStr::from_ptr(*self.argv.add(i)) };
            args.push(OsStr::from_bytes(arg.to_bytes()).to_owned());
        }
        args
    }
}

/// Defines the C `main`, which calls `$start` with the arguments and exits with what it
/// returns. netns starts there rather than in std's runtime: that start-up (a poll of fds 0-2,
/// handlers and an alternate stack for stack overflows, SIGPIPE ignored and to be restored)
/// costs `exec` time and the binary bytes, and ip, a C program, leaves the signals it was
/// started with as they are. Measured against std's `fn main` (`make bench AB=...`, the same
/// source built both ways, 2026-12-01): `exec` 1-2% less time and 2-3 page faults fewer,
/// `add`+`delete` 3-6% less, and 11.6 KB less code and data.
#[macro_export]
macro_rules! entry {
    ($start:path) => {
        #[allow(unsafe_code)]
        #[unsafe(no_mangle)]
        extern "C" fn main(
            argc: ::core::ffi::c_int,
            argv: *const *const ::core::ffi::c_char,
        ) -> ::core::ffi::c_int {
            // SAFETY: these are the arguments the C runtime passes to main.
            let args = unsafe { $crate::Args::from_raw(argc, argv) };
            ::core::ffi::c_int::from($start(args))
        }
    };
}
