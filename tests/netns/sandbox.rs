//! The suite's only `unsafe`: thin wrappers over the kernel calls that build a test sandbox
//! (private mount + network namespaces for the calling thread, tmpfs mounts, a private /etc),
//! make named and unnamed network namespaces without the program under test, give them nsids,
//! ask netlink what the kernel holds, open a pty, and hold a tap device open.
//!
//! Namespaces belong to a thread: everything here acts on the calling thread only, and the
//! processes it spawns inherit that thread's namespaces. When the thread ends, its namespaces go.
//! Nothing here creates or changes a file outside the sandbox's own tmpfs mounts.

// The suite's sys layer: the one place its unsafe code may live.
#![allow(unsafe_code)]

use std::ffi::{CString, OsStr};
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

fn cpath(p: &Path) -> io::Result<CString> {
    CString::new(p.as_os_str().as_bytes()).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))
}

fn check(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret == -1 { Err(io::Error::last_os_error()) } else { Ok(ret) }
}

/// Moves the calling thread into new, private mount and network namespaces and mounts a fresh
/// tmpfs on /run, so nothing the tests do reaches the host's /run/netns, interfaces or routes.
/// /var/run leads there too, and the host's /etc/netns, if any, is hidden under an empty tmpfs.
/// Returns `carry` opened before /run was covered (a checkout may live there): a descriptor
/// opened in this mount namespace, which, unlike one from before the unshare, can be bound
/// (see `bind`) into the sandbox.
pub fn enter(carry: &Path) -> Result<File, String> {
    // SAFETY: unshare takes flags only; it affects the calling thread (libtest gives every test,
    // and we give every sandbox, a thread of its own).
    check(unsafe { libc::unshare(libc::CLONE_NEWNS | libc::CLONE_NEWNET) }).map_err(|e| {
        format!("unshare(CLONE_NEWNS|CLONE_NEWNET) failed (the suite must run as root): {e}")
    })?;
    mount(None, "/", None, libc::MS_REC | libc::MS_PRIVATE, None)
        .map_err(|e| format!("making / recursively private failed: {e}"))?;
    let carried = File::open(carry).map_err(|e| format!("opening {carry:?}: {e}"))?;
    mount(Some("tmpfs"), "/run", Some("tmpfs"), 0, Some("mode=0755"))
        .map_err(|e| format!("mounting a tmpfs on /run failed: {e}"))?;
    var_run_is_run().map_err(|e| format!("leading /var/run to the sandbox's /run failed: {e}"))?;
    if Path::new(ETC_NETNS).is_dir() {
        // The host's namespace configuration must not colour what `exec` does in a test.
        mount(Some("tmpfs"), ETC_NETNS, Some("tmpfs"), 0, Some("mode=0755"))
            .map_err(|e| format!("hiding the host's {ETC_NETNS} failed: {e}"))?;
    }
    // The umask lives in the thread's fs_struct, which unshare(CLONE_NEWNS) made private to this
    // thread: modes created by what we spawn are then predictable (0755 for a new run dir).
    // SAFETY: umask takes a plain mode and cannot fail.
    unsafe { libc::umask(0o022) };
    Ok(carried)
}

const ETC_NETNS: &str = "/etc/netns";

/// Our build's run dir is /var/run/netns and Debian ip's /run/netns, and the tests look in
/// /run/netns: the three must be one directory. Usually /var/run is a link to /run; where it is
/// not, /var becomes a copy of the host's (see `cover`) whose `run` is that link, since two
/// mounts of one tmpfs would not show each other's namespace mounts.
fn var_run_is_run() -> io::Result<()> {
    if fs::canonicalize("/var/run").is_ok_and(|p| p == Path::new("/run")) {
        return Ok(());
    }
    cover("/var", &["run"])?;
    std::os::unix::fs::symlink("/run", "/var/run")
}

/// Gives the calling thread's private mount namespace an /etc of its own, so tests can write
/// /etc/netns/NAME without creating anything on the host: the host's /etc entries stay in
/// place (see `cover`), and /etc/netns is a new, empty directory.
pub fn private_etc() -> io::Result<()> {
    cover("/etc", &["netns"])?;
    fs::create_dir(ETC_NETNS)
}

/// Covers `dir` with a tmpfs that holds each of its entries, bound in place (symlinks copied),
/// except those named in `leave_out`: the directory as it was, where new names can be made
/// without touching the host's file system. Mounts inside the old entries come along.
fn cover(dir: &str, leave_out: &[&str]) -> io::Result<()> {
    let host = File::open(dir)?;
    let entries: Vec<(std::ffi::OsString, fs::FileType)> = fs::read_dir(dir)?
        .map(|e| e.and_then(|e| Ok((e.file_name(), e.file_type()?))))
        .collect::<io::Result<_>>()?;
    mount(Some("tmpfs"), dir, Some("tmpfs"), 0, Some("mode=0755"))?;
    // The old directory stays reachable through the descriptor opened before it was covered.
    let old = Path::new("/proc/self/fd").join(host.as_raw_fd().to_string());
    for (name, kind) in entries {
        if leave_out.iter().any(|n| name == OsStr::new(n)) {
            continue;
        }
        let (from, to) = (old.join(&name), Path::new(dir).join(&name));
        if kind.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(&from)?, &to)?;
            continue;
        }
        if kind.is_dir() {
            fs::create_dir(&to)?;
        } else {
            empty_file(&to)?;
        }
        bind(&from, &to)?;
    }
    Ok(())
}

/// Makes an empty regular file (mode 0666 less the umask), failing if `path` exists,
/// without ever opening it for writing: such a descriptor, copied into a child that another
/// test's thread forks at that moment, would make remounting its file system read-only fail
/// with EBUSY.
pub fn empty_file(path: &Path) -> io::Result<()> {
    let path = cpath(path)?;
    // SAFETY: `path` is a NUL-terminated string that outlives the call.
    check(unsafe { libc::mknod(path.as_ptr(), libc::S_IFREG | 0o666, 0) })?;
    Ok(())
}

/// mount(2) with optional source, type and data.
pub fn mount(
    source: Option<&str>,
    target: impl AsRef<Path>,
    fstype: Option<&str>,
    flags: libc::c_ulong,
    data: Option<&str>,
) -> io::Result<()> {
    mount_path(source.map(Path::new), target.as_ref(), fstype, flags, data)
}

/// Binds `from`, with the mounts under it, onto `to`.
pub fn bind(from: &Path, to: &Path) -> io::Result<()> {
    mount_path(Some(from), to, None, libc::MS_BIND | libc::MS_REC, None)
}

fn mount_path(
    source: Option<&Path>,
    target: &Path,
    fstype: Option<&str>,
    flags: libc::c_ulong,
    data: Option<&str>,
) -> io::Result<()> {
    let source = source.map(cpath).transpose()?;
    let fstype = fstype.map(|s| cpath(Path::new(s))).transpose()?;
    let data = data.map(|s| cpath(Path::new(s))).transpose()?;
    let target = cpath(target)?;
    let ptr = |c: &Option<CString>| c.as_ref().map_or(std::ptr::null(), |c| c.as_ptr());
    // SAFETY: every pointer is either null or a NUL-terminated string that outlives the call.
    check(unsafe {
        libc::mount(ptr(&source), target.as_ptr(), ptr(&fstype), flags, ptr(&data).cast())
    })?;
    Ok(())
}

/// How many inodes the file system at `path` has in use (statvfs's files less free ones).
pub fn inodes_in_use(path: &str) -> io::Result<libc::fsfilcnt_t> {
    let path = cpath(Path::new(path))?;
    // SAFETY: statvfs is plain data for the kernel to fill in.
    let mut st: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: `path` is NUL-terminated and `st` ours, both alive for the call.
    check(unsafe { libc::statvfs(path.as_ptr(), &mut st) })?;
    Ok(st.f_files - st.f_ffree)
}

/// setns(2) of the calling thread into the network namespace behind `ns`.
pub fn setns_net(ns: &File) -> io::Result<()> {
    // SAFETY: `ns` is an open descriptor for the duration of the call.
    check(unsafe { libc::setns(ns.as_raw_fd(), libc::CLONE_NEWNET) })?;
    Ok(())
}

/// The calling thread's current network namespace.
pub fn current_netns() -> io::Result<File> {
    File::open("/proc/thread-self/ns/net")
}

/// Runs `f` with the calling thread in the network namespace `ns`, then switches back.
pub fn in_netns<T>(ns: &File, f: impl FnOnce() -> T) -> io::Result<T> {
    let home = current_netns()?;
    setns_net(ns)?;
    let result = f();
    setns_net(&home)?;
    Ok(result)
}

/// A new network namespace held only by the returned descriptor (an "unnamed peer").
pub fn new_netns() -> io::Result<File> {
    let home = current_netns()?;
    // SAFETY: flags only; affects the calling thread, which we switch back right after.
    check(unsafe { libc::unshare(libc::CLONE_NEWNET) })?;
    let made = current_netns();
    setns_net(&home)?;
    made
}

/// Binds a new network namespace onto `path` (which must exist), as `ip netns add` does.
pub fn bind_new_netns(path: &Path) -> io::Result<()> {
    let ns = new_netns()?;
    let source = format!("/proc/self/fd/{}", ns.as_raw_fd());
    // /proc/self is the thread group leader, which shares our descriptor table: the fd is valid.
    mount(Some(&source), path, None, libc::MS_BIND, None)
}

/// Gives the namespace behind `peer` the nsid `id` in the calling thread's network namespace
/// (RTM_NEWNSID with NETNSA_FD and NETNSA_NSID, the request `ip netns set` sends).
pub fn set_nsid(peer: &File, id: i32) -> io::Result<()> {
    const RTM_NEWNSID: u16 = 88;
    const NETNSA_NSID: u16 = 1;
    const NETNSA_FD: u16 = 3;
    let mut body = vec![0u8; 4]; // rtgenmsg: AF_UNSPEC + padding
    for (kind, value) in [(NETNSA_FD, peer.as_raw_fd()), (NETNSA_NSID, id)] {
        body.extend_from_slice(&8u16.to_ne_bytes());
        body.extend_from_slice(&kind.to_ne_bytes());
        body.extend_from_slice(&value.to_ne_bytes());
    }
    netlink(RTM_NEWNSID, libc::NLM_F_ACK as u16, &body).map(drop)
}

/// Sends one NETLINK_ROUTE request of type `kind` (with NLM_F_REQUEST and `flags`) and `body`,
/// from the calling thread's network namespace, and returns the replies as (type, payload)
/// up to the acknowledgement or the end of the dump; a refusal is the errno it carries.
pub fn netlink(kind: u16, flags: u16, body: &[u8]) -> io::Result<Vec<(u16, Vec<u8>)>> {
    let mut msg = Vec::with_capacity(16 + body.len());
    msg.extend_from_slice(&(16 + body.len() as u32).to_ne_bytes());
    msg.extend_from_slice(&kind.to_ne_bytes());
    msg.extend_from_slice(&(libc::NLM_F_REQUEST as u16 | flags).to_ne_bytes());
    msg.extend_from_slice(&1u32.to_ne_bytes()); // seq
    msg.extend_from_slice(&0u32.to_ne_bytes()); // pid
    msg.extend_from_slice(body);
    // SAFETY: plain socket(2) call; the result is checked and owned right away.
    let fd = check(unsafe {
        libc::socket(libc::AF_NETLINK, libc::SOCK_RAW | libc::SOCK_CLOEXEC, libc::NETLINK_ROUTE)
    })?;
    // SAFETY: `fd` was just returned by socket(2) and nothing else owns it.
    let sock = unsafe { OwnedFd::from_raw_fd(fd) };
    // SAFETY: sockaddr_nl is plain data; all-zero is a valid value.
    let mut kernel: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
    kernel.nl_family = libc::AF_NETLINK as libc::sa_family_t;
    // SAFETY: `msg` and `kernel` are valid for the lengths passed.
    check(unsafe {
        libc::sendto(
            sock.as_raw_fd(),
            msg.as_ptr().cast(),
            msg.len(),
            0,
            (&kernel as *const libc::sockaddr_nl).cast(),
            std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
        ) as libc::c_int
    })?;
    let mut replies = Vec::new();
    let mut buf = vec![0u8; 65536];
    loop {
        // SAFETY: `buf` is valid for writes of its length.
        let n = check(unsafe {
            libc::recv(sock.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) as libc::c_int
        })? as usize;
        let mut rest = &buf[..n];
        while rest.len() >= 16 {
            let len = u32::from_ne_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
            let kind = u16::from_ne_bytes([rest[4], rest[5]]);
            if len < 16 || len > rest.len() {
                return Err(io::Error::other(format!("a truncated netlink reply (type {kind})")));
            }
            let payload = &rest[16..len];
            match kind as libc::c_int {
                libc::NLMSG_DONE => return Ok(replies),
                libc::NLMSG_ERROR if payload.len() >= 4 => {
                    let error =
                        i32::from_ne_bytes([payload[0], payload[1], payload[2], payload[3]]);
                    return if error == 0 {
                        Ok(replies)
                    } else {
                        Err(io::Error::from_raw_os_error(-error))
                    };
                }
                _ => replies.push((kind, payload.to_vec())),
            }
            rest = &rest[len.next_multiple_of(4).min(rest.len())..];
        }
    }
}

/// Has `f` run when the process exits normally (after libtest's last line), as atexit(3) does.
pub fn at_exit(f: extern "C" fn()) -> io::Result<()> {
    // SAFETY: `f` is a function taking and returning nothing, valid for the process's life.
    if unsafe { libc::atexit(f) } == 0 { Ok(()) } else { Err(io::Error::other("atexit(3) failed")) }
}

/// Opens /dev/net/tun attached to the existing tap device `name` (made without `pi`), as a VPN
/// or qemu holds one: the descriptor shows in /proc/PID/fdinfo as `iff: NAME`.
pub fn attach_tap(name: &str) -> io::Result<File> {
    let tun = OpenOptions::new().read(true).write(true).open("/dev/net/tun")?;
    // SAFETY: all zeros is a valid ifreq (an empty name, a zero union).
    let mut ifr: libc::ifreq = unsafe { std::mem::zeroed() };
    for (slot, byte) in ifr.ifr_name.iter_mut().zip(name.bytes().take(libc::IFNAMSIZ - 1)) {
        *slot = byte as libc::c_char;
    }
    ifr.ifr_ifru.ifru_flags = (libc::IFF_TAP | libc::IFF_NO_PI) as libc::c_short;
    // SAFETY: `tun` is open and `ifr` is a valid ifreq for the kernel to read and write.
    check(unsafe { libc::ioctl(tun.as_raw_fd(), libc::TUNSETIFF, &mut ifr) })?;
    Ok(tun)
}

/// Sends `signal` to process `pid`.
pub fn kill(pid: u32, signal: libc::c_int) -> io::Result<()> {
    // SAFETY: kill takes plain integers.
    check(unsafe { libc::kill(pid as libc::pid_t, signal) })?;
    Ok(())
}

/// Sends `signal` to every process in process group `pgid`.
pub fn kill_group(pgid: u32, signal: libc::c_int) -> io::Result<()> {
    // SAFETY: killpg takes plain integers.
    check(unsafe { libc::killpg(pgid as libc::pid_t, signal) })?;
    Ok(())
}

/// A pseudo-terminal in raw mode (no CR added to LF): (master, slave).
pub fn open_pty() -> io::Result<(File, File)> {
    // SAFETY: plain call; the result is checked and owned right away.
    let fd = check(unsafe { libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC) })?;
    // SAFETY: `fd` was just returned by posix_openpt and nothing else owns it.
    let master = unsafe { File::from_raw_fd(fd) };
    // SAFETY: `master` is an open pty master.
    check(unsafe { libc::grantpt(master.as_raw_fd()) })?;
    // SAFETY: as above.
    check(unsafe { libc::unlockpt(master.as_raw_fd()) })?;
    let mut name = [0 as libc::c_char; 128];
    // SAFETY: `name` is valid for writes of its length.
    let err = unsafe { libc::ptsname_r(master.as_raw_fd(), name.as_mut_ptr(), name.len()) };
    if err != 0 {
        return Err(io::Error::from_raw_os_error(err));
    }
    // SAFETY: ptsname_r succeeded, so `name` holds a NUL-terminated string.
    let name = unsafe { std::ffi::CStr::from_ptr(name.as_ptr()) };
    let slave = OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY)
        .open(OsStr::from_bytes(name.to_bytes()))?;
    // SAFETY: termios is plain data; tcgetattr fills it before use.
    let mut tio: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: `slave` is an open terminal and `tio` is valid for writes.
    check(unsafe { libc::tcgetattr(slave.as_raw_fd(), &mut tio) })?;
    // SAFETY: `tio` is a valid termios.
    unsafe { libc::cfmakeraw(&mut tio) };
    // SAFETY: `slave` is an open terminal and `tio` a valid termios.
    check(unsafe { libc::tcsetattr(slave.as_raw_fd(), libc::TCSANOW, &tio) })?;
    Ok((master, slave))
}

/// Makes `cmd` start with `signal` blocked, as a parent that blocked it leaves a program.
pub fn blocking(cmd: &mut std::process::Command, signal: libc::c_int) {
    use std::os::unix::process::CommandExt;
    // SAFETY: the closure runs in the forked child before exec and makes three calls on a set
    // of its own stack; it allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            let mut set: libc::sigset_t = std::mem::zeroed();
            libc::sigemptyset(&mut set);
            libc::sigaddset(&mut set, signal);
            check(libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut())).map(drop)
        })
    };
}
