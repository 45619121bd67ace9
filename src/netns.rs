//! The vocabulary of named namespaces: the run directory, valid names, how a name becomes a
//! bind mount of a namespace and stops being one, and how a namespace is identified.

use std::ffi::{CStr, OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::child::{self, Ended};
use crate::error::Error;
use crate::paths::RUN_DIR;
use crate::sys::{self, Dir, Exit};

/// A name must stay a single entry of the run directory.
pub fn valid_name(name: &OsStr) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 255
        && !bytes.contains(&b'/')
        && bytes != b"."
        && bytes != b".."
}

/// The run directory's entry for `name`.
pub fn path_of(name: &OsStr) -> PathBuf {
    entry(RUN_DIR, name)
}

/// `dir/name` as ip spells it: a `name` that is a path of its own (`-n` and `-all` commands
/// do not check names) still lands in `dir`, where Path::join would let it replace `dir`.
pub fn entry(dir: &str, name: &OsStr) -> PathBuf {
    let path = [dir.as_bytes(), b"/", name.as_bytes()].concat();
    PathBuf::from(OsString::from_vec(path))
}

/// The names in the run directory, in the directory's own order (as `ip` lists them), or
/// `None` when there is no run directory yet.
pub fn names() -> io::Result<Option<Vec<OsString>>> {
    Ok(listing()?.map(|listing| listing.names))
}

/// The run directory held open, and the names in it: files of it are opened and looked at
/// relative to the open directory, which spares a walk of its path for each.
pub struct Listing {
    dir: Dir,
    pub names: Vec<OsString>,
}

pub fn listing() -> io::Result<Option<Listing>> {
    let mut dir = match Dir::open(Path::new(RUN_DIR)) {
        Ok(dir) => dir,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let names = dir.names()?;
    Ok(Some(Listing { dir, names }))
}

impl Listing {
    pub fn open(&self, name: &OsStr) -> io::Result<File> {
        open_ns(Some(self.dir.fd()), name)
    }
}

/// Calls `f` with each name in the run directory whose entry can be looked at, and the
/// identity of what it leads to (a bound namespace, a namespace a link names, or only a
/// placeholder): looked at, never opened, so a FIFO or a link to a device costs nothing.
/// `Ok(false)` when there is no run directory. The names are not collected: with thousands
/// of them, `identify` spends a tenth of its time copying them otherwise.
pub fn each_ident(mut f: impl FnMut(&CStr, Ident)) -> io::Result<bool> {
    let mut dir = match Dir::open(Path::new(RUN_DIR)) {
        Ok(dir) => dir,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    dir.each(|fd, name| {
        if let Ok(st) = sys::stat_entry(fd, name, true) {
            f(name, Ident::of(st));
        }
    })?;
    Ok(true)
}

/// The namespace file `name` in the run directory, opened.
pub fn open(name: &OsStr) -> io::Result<File> {
    open_ns(None, path_of(name).as_os_str())
}

/// The file system of namespace files, and of /proc, where they lived before Linux 3.19.
const NSFS_MAGIC: u32 = libc::NSFS_MAGIC as u32;
const PROC_SUPER_MAGIC: u32 = libc::PROC_SUPER_MAGIC as u32;

/// Opens an entry of the run directory as a namespace file. Whoever can write there can put
/// anything there: a FIFO is not waited on, and a file that is no namespace is refused with
/// EINVAL, what the kernel says of one when it is used as one.
fn open_ns(dir: Option<BorrowedFd<'_>>, name: &OsStr) -> io::Result<File> {
    let file = match sys::open_untrusted(dir, name, false) {
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => return open_link(dir, name),
        other => other?,
    };
    is_namespace(file.as_fd())?;
    Ok(file)
}

/// An entry that is a symbolic link (pipework names a container's namespace with `ln -s
/// /proc/PID/ns/net`, as do tutorials) is followed to a namespace file and to nothing else:
/// the file it leads to is looked at through an O_PATH descriptor, which opens nothing (a
/// device would act on being opened), and then that same file is opened through
/// /proc/self/fd, so a link changed in between changes nothing. Without /proc, links are
/// not followed.
fn open_link(dir: Option<BorrowedFd<'_>>, name: &OsStr) -> io::Result<File> {
    let path = sys::open_path(dir, name)?;
    is_namespace(path.as_fd())?;
    let again = format!("/proc/self/fd/{}", path.as_raw_fd());
    sys::open_untrusted(None, OsStr::new(&again), true)
        .map_err(|_| io::Error::from_raw_os_error(libc::ELOOP))
}

fn is_namespace(fd: BorrowedFd<'_>) -> io::Result<()> {
    match sys::fs_magic(fd)? {
        NSFS_MAGIC | PROC_SUPER_MAGIC => Ok(()),
        _ => Err(io::Error::from_raw_os_error(libc::EINVAL)),
    }
}

/// Whether `open` refused a file for being no namespace.
pub fn not_a_namespace(err: &io::Error) -> bool {
    err.raw_os_error() == Some(libc::EINVAL)
}

/// A namespace is the same namespace wherever it is bound: same device, same inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ident {
    dev: u64,
    ino: u64,
}

impl Ident {
    pub fn of_file(file: &File) -> io::Result<Ident> {
        sys::stat(Some(file.as_fd()), OsStr::new(""), true).map(Ident::of)
    }

    pub fn of_path(path: &Path) -> io::Result<Ident> {
        sys::stat(None, path.as_os_str(), true).map(Ident::of)
    }

    /// The file `name` (a path relative to `dir`), links followed.
    pub fn in_dir(dir: &Dir, name: &OsStr) -> io::Result<Ident> {
        sys::stat(Some(dir.fd()), name, true).map(Ident::of)
    }

    fn of(st: sys::Stat) -> Ident {
        Ident { dev: st.dev, ino: st.ino }
    }
}

/// Refuses a run directory that is a symbolic link. Whoever can write where it lives (a
/// container given /run, a careless script) could point it anywhere, and our mounts and
/// unmounts would happen there: `add` would bind and share the link's target. Every command
/// that mounts or unmounts there asks this first.
pub fn refuse_linked_run_dir() -> Result<(), Error> {
    match sys::stat(None, OsStr::new(RUN_DIR), false) {
        Ok(st) if st.mode & libc::S_IFMT == libc::S_IFLNK => Err(Error::RunDirLink),
        _ => Ok(()),
    }
}

/// Refuses to name a namespace on a kernel without network namespaces (no CONFIG_NET_NS),
/// before anything is made: /proc shows no ns/net there. Without /proc nothing is known here;
/// the bind that needs /proc says so later.
pub fn refuse_without_netns(name: &OsStr) -> Result<(), Error> {
    let missing = |path: &str| {
        sys::stat(None, OsStr::new(path), true).is_err_and(|e| e.kind() == io::ErrorKind::NotFound)
    };
    if missing("/proc/self/ns/net") && !missing("/proc/self/ns") {
        return Err(Error::NoNetns(name.to_owned()));
    }
    Ok(())
}

/// The run directory, created and made a shared mount, and locked for as long as this lives.
///
/// Shared, because a namespace stays alive while any mount namespace still holds its bind
/// mount: with a shared run directory, `delete`'s unmount reaches every copy and the namespace
/// is really freed. Locked, because parallel first-time setups (boot units each adding a
/// namespace) used to bind the directory onto itself over and over until the machine stalled
/// (Debian bug 949235).
pub struct RunDir {
    _lock: File,
}

impl RunDir {
    /// The run directory, ready, and a warning if it could not be locked: the lock is a
    /// safeguard, so the caller goes on without it.
    pub fn prepare() -> Result<(RunDir, Option<Error>), Error> {
        refuse_linked_run_dir()?;
        make_dir()?;
        let lock = OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_DIRECTORY)
            .open(RUN_DIR)
            .map_err(Error::OpenRunDir)?;
        let warning = lock.lock().err().map(Error::Flock);
        make_shared()?;
        Ok((RunDir { _lock: lock }, warning))
    }

    /// Binds the namespace that `source` names onto a new entry `name`; on any failure the
    /// entry is gone again.
    pub fn bind(&self, name: &OsStr, source: Source) -> Result<(), Error> {
        let target = path_of(name);
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o000)
            .open(&target)
            .map_err(|e| Error::CreateFile(target.clone(), e))?;
        let bound = match &source {
            Source::New => create_bound(name, &target),
            Source::Pid(_) => {
                sys::mount(Some(source.path().as_os_str()), &target, None, sys::MS_BIND)
                    .map_err(|err| Error::bind(source.path(), target.clone(), err))
            }
        };
        if bound.is_err() {
            let _ = remove(name);
        }
        bound
    }
}

/// Where a new name's namespace comes from.
pub enum Source {
    /// A namespace made for it.
    New,
    /// The namespace a process is in; the number as the user wrote it, sign and all.
    Pid(i32),
}

impl Source {
    fn path(&self) -> PathBuf {
        match self {
            Source::New => PathBuf::from("/proc/self/ns/net"),
            Source::Pid(pid) => PathBuf::from(format!("/proc/{pid}/ns/net")),
        }
    }
}

/// The steps of making a namespace for a new name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Create {
    Unshare,
    Bind,
}

impl child::Step for Create {
    const ALL: &'static [Create] = &[Create::Unshare, Create::Bind];
}

/// The namespace is made in a forked child, which binds its own namespace and exits: our
/// process never leaves its namespace, so there is nothing to switch back (`ip` switches back,
/// and that is what fails inside a user namespace).
fn create_bound(name: &OsStr, target: &Path) -> Result<(), Error> {
    let source = Source::New.path();
    let ended = child::run(|| {
        sys::unshare(sys::CLONE_NEWNET).map_err(|e| (Create::Unshare, e))?;
        sys::mount(Some(source.as_os_str()), target, None, sys::MS_BIND)
            .map_err(|e| (Create::Bind, e))
    })?;
    match ended {
        Ended::Exited(Exit::Code(0)) => Ok(()),
        Ended::Failed(Create::Unshare, err) => Err(Error::Unshare(name.to_owned(), err)),
        Ended::Failed(Create::Bind, err) => Err(Error::bind(source, target.to_owned(), err)),
        // Killed before it could say why: the work was not done.
        Ended::Exited(_) => {
            Err(Error::bind(source, target.to_owned(), io::Error::from_raw_os_error(libc::EINTR)))
        }
    }
}

/// Creates the run directory, and its parents if need be (an initramfs may have no /var/run
/// yet). Something else in its place is left for the open that follows to report, as ip
/// reports it ("Not a directory").
pub fn make_dir() -> Result<(), Error> {
    let dir = RUN_DIR.as_bytes();
    let mkdir = |end: usize| match sys::mkdir(OsStr::from_bytes(&dir[..end]), 0o755) {
        Err(e) if e.raw_os_error() != Some(libc::EEXIST) => Err(e),
        _ => Ok(()),
    };
    match mkdir(dir.len()) {
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {
            let mut ends = (1..dir.len()).filter(|&end| dir[end] == b'/').chain([dir.len()]);
            ends.try_for_each(mkdir).map_err(Error::Mkdir)
        }
        other => other.map_err(Error::Mkdir),
    }
}

/// Makes the run directory a shared mount of its own. It is bound onto itself first if it is
/// not a mount point yet, and made private before shared so that it starts a peer group of
/// its own: joining /run's group (systemd makes /run shared) would give every namespace two
/// mounts.
fn make_shared() -> Result<(), Error> {
    let dir = Path::new(RUN_DIR);
    let mut bound = false;
    loop {
        match sys::mount(None, dir, None, sys::MS_SHARED | sys::MS_REC) {
            Ok(()) => return Ok(()),
            Err(e) if e.raw_os_error() == Some(libc::EINVAL) && !bound => {
                sys::mount(Some(dir.as_os_str()), dir, None, sys::MS_BIND | sys::MS_REC)
                    .map_err(Error::BindRunDir)?;
                sys::mount(None, dir, None, sys::MS_PRIVATE | sys::MS_REC)
                    .map_err(Error::MakePrivate)?;
                bound = true;
            }
            Err(e) => return Err(Error::MakeShared(e)),
        }
    }
}

/// Unbinds and removes a name. The unmount may fail for an entry that is no mount (a stale
/// plain file): that is fine, the unlink decides. A link is not followed, by either: what it
/// points to is not ours to unmount.
pub fn remove(name: &OsStr) -> Result<(), Error> {
    let path = path_of(name);
    let _ = sys::umount2(&path, sys::MNT_DETACH | sys::UMOUNT_NOFOLLOW);
    fs::remove_file(&path).map_err(|e| Error::RemoveFile(path, e))
}
