//! The vocabulary of named namespaces: the run directory, valid names, how a name becomes a
//! bind mount of a namespace and stops being one, and how a namespace is identified.

use std::ffi::{CStr, OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::fd::AsFd;
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
        sys::openat(Some(self.dir.fd()), name)
    }
}

/// Calls `f` with each name in the run directory whose entry can be looked at, and the
/// identity of what it is (a bound namespace, or only its placeholder); links are not
/// followed. `Ok(false)` when there is no run directory. The names are not collected: with
/// thousands of them, `identify` spends a tenth of its time copying them otherwise.
pub fn each_ident(mut f: impl FnMut(&CStr, Ident)) -> io::Result<bool> {
    let mut dir = match Dir::open(Path::new(RUN_DIR)) {
        Ok(dir) => dir,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
        Err(e) => return Err(e),
    };
    dir.each(|fd, name| {
        if let Ok(st) = sys::stat_entry(fd, name) {
            f(name, Ident::of(st));
        }
    })?;
    Ok(true)
}

pub fn open(name: &OsStr) -> io::Result<File> {
    sys::openat(None, path_of(name).as_os_str())
}

/// A namespace is the same namespace wherever it is bound: same device, same inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ident {
    dev: u64,
    ino: u64,
}

impl Ident {
    pub fn of_file(file: &File) -> io::Result<Ident> {
        sys::stat(Some(file.as_fd()), OsStr::new("")).map(Ident::of)
    }

    pub fn of_path(path: &Path) -> io::Result<Ident> {
        sys::stat(None, path.as_os_str()).map(Ident::of)
    }

    /// The file `name` (a path relative to `dir`), links followed.
    pub fn in_dir(dir: &Dir, name: &OsStr) -> io::Result<Ident> {
        sys::stat(Some(dir.fd()), name).map(Ident::of)
    }

    fn of(st: sys::Stat) -> Ident {
        Ident { dev: st.dev, ino: st.ino }
    }
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
/// plain file): that is fine, the unlink decides.
pub fn remove(name: &OsStr) -> Result<(), Error> {
    let path = path_of(name);
    let _ = sys::umount2(&path, sys::MNT_DETACH);
    fs::remove_file(&path).map_err(|e| Error::RemoveFile(path, e))
}
