//! The vocabulary of named namespaces: the run directory, valid names, how a name becomes a
//! bind mount of a namespace and stops being one, and how a namespace is identified.

use std::ffi::{CStr, OsStr, OsString};
use std::fs::{self, File};
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::mountinfo::{self, Setup};
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
    /// Each entry's namespace held, as many as the limit on open files allows (its soft value
    /// is raised to the hard one while they are opened, then put back; descriptors already
    /// open stay open): an O_PATH descriptor of the entry, which opens nothing (a device or a
    /// FIFO in its place does nothing), and keeps what it names, a namespace, alive.
    /// `-all delete` holds them while it removes the names, so that none is freed before it
    /// is done: the kernel frees a namespace in a worker, whose work made every later unmount
    /// wait longer for RCU (10,000 names took 1.6-1.8 s to delete, 0.15 s held, and the
    /// machine was idle again sooner, having freed them together).
    pub fn hold(&self) -> Vec<OwnedFd> {
        let was = sys::files_limit(None);
        if let Some([_, hard]) = was {
            let _ = sys::files_limit(Some(&[hard; 2]));
        }
        let mut held = Vec::new();
        for name in &self.names {
            // Past the limit, each open fails at once (EMFILE), before the path is looked at.
            held.extend(sys::open_path(Some(self.dir.fd()), name).ok());
        }
        if let Some(was) = was {
            let _ = sys::files_limit(Some(&was));
        }
        held
    }

    /// Opens an entry to ask the kernel its id. The kernel refuses a file that is no namespace
    /// itself (EINVAL), so it is not looked at first: one system call less for each name of a
    /// listing. Opening is safe as for any entry (a FIFO is not waited on), and a link is
    /// still followed only to a namespace file.
    pub fn open(&self, name: &OsStr) -> io::Result<File> {
        open_entry(Some(self.dir.fd()), name)
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
/// anything there: a file that is no namespace is refused with EINVAL, what the kernel says
/// of one when it is used as one.
fn open_ns(dir: Option<BorrowedFd<'_>>, name: &OsStr) -> io::Result<File> {
    let file = open_entry(dir, name)?;
    is_namespace(file.as_fd())?;
    Ok(file)
}

/// Opens an entry of the run directory, whatever it is: a FIFO is not waited on, and a link is
/// followed only to a namespace file.
fn open_entry(dir: Option<BorrowedFd<'_>>, name: &OsStr) -> io::Result<File> {
    match sys::open_untrusted(dir, name, false) {
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => open_link(dir, name),
        other => other,
    }
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

/// The run directory, made and open; brought to a shared mount of its own under the lock,
/// once per run (a batch's lines share one run), and locked for each add.
///
/// Shared, because a namespace stays alive while any mount namespace still holds its bind
/// mount: with a shared run directory, `delete`'s unmount reaches every copy and the namespace
/// is really freed. Locked, because parallel first-time setups (boot units each adding a
/// namespace) used to bind the directory onto itself over and over until the machine stalled
/// (Debian bug 949235); and held across the add, so that an add that finds a placeholder under
/// the lock knows that whoever made it has ended (see `Locked::create`). Taken per add and not
/// per batch, so that another process's add waits for one add, not for a whole batch (whose
/// lines may run commands that never end).
pub struct RunDir {
    dir: File,
    ready: bool,
}

/// The run directory, locked for one add until this is dropped (`held`: unless the lock could
/// not be taken).
pub struct Locked<'a> {
    dir: &'a RunDir,
    held: bool,
}

/// The mode of a placeholder made under the lock, which tells it from iproute2's (mode 0,
/// made without the lock): the mark survives every usual umask. Seen on a plain empty file
/// by an add that holds the lock, it means an add was killed between the file and its bind.
const PLACEHOLDER: u32 = 0o400;

impl RunDir {
    /// Creates the run directory if need be (with its parents) and opens it; one that is a
    /// symbolic link is refused.
    pub fn open() -> Result<RunDir, Error> {
        refuse_linked_run_dir()?;
        make_dir()?;
        let dir = sys::open(OsStr::new(RUN_DIR), libc::O_RDONLY | libc::O_DIRECTORY)
            .map_err(Error::OpenRunDir)?;
        Ok(RunDir { dir, ready: false })
    }

    /// Locks the run directory for one add, and brings it to its state at the first lock. A
    /// lock that cannot be taken is a warning: it is a safeguard, so the add goes on without.
    pub fn lock(&mut self) -> Result<(Locked<'_>, Option<Error>), Error> {
        let warning = self.dir.lock().err().map(Error::Flock);
        if !self.ready {
            if let Err(err) = make_shared(&self.dir) {
                let _ = self.dir.unlock();
                return Err(err);
            }
            self.ready = true;
        }
        Ok((Locked { dir: self, held: warning.is_none() }, warning))
    }
}

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        if self.held {
            let _ = self.dir.dir.unlock();
        }
    }
}

impl Locked<'_> {
    /// Binds the namespace that `source` names onto a new entry `name`; on any failure the
    /// entry is gone again.
    pub fn bind(&self, name: &OsStr, source: Source<'_>) -> Result<(), Error> {
        let target = path_of(name);
        self.create(&target)?;
        let bound = match source {
            Source::New(how) => create_bound(name, &target, how),
            Source::Pid(pid) => bind_ns(PathBuf::from(format!("/proc/{pid}/ns/net")), &target),
        };
        if bound.is_err() {
            let _ = remove(name);
        }
        bound
    }

    /// The placeholder the namespace is bound onto. One that an add killed before its bind
    /// left behind is taken over (see `reclaim`); anything else in its place is "File exists",
    /// as in ip.
    fn create(&self, target: &Path) -> Result<(), Error> {
        let mode = if self.held { PLACEHOLDER } else { 0 };
        let created = match sys::create_new(target, mode) {
            Err(e) if e.raw_os_error() == Some(libc::EEXIST) && self.reclaim(target) => {
                sys::create_new(target, mode)
            }
            other => other,
        };
        created.map_err(|e| Error::CreateFile(target.to_owned(), e))
    }

    /// Removes a placeholder that a killed add left, and says whether it did. Only under the
    /// lock, and only a placeholder made under it: its add has ended, as we hold the lock now.
    /// A namespace's mount is never taken for one: a mounted file shows the mount's mode and
    /// device, and unlink refuses a mount point (EBUSY).
    fn reclaim(&self, target: &Path) -> bool {
        if !self.held {
            return false;
        }
        let dir = sys::stat(Some(self.dir.dir.as_fd()), OsStr::new(""), true);
        let (Ok(file), Ok(dir)) = (sys::lstat(target), dir) else { return false };
        let placeholder =
            file.mode == libc::S_IFREG | PLACEHOLDER && file.size == 0 && file.dev == dir.dev;
        placeholder && fs::remove_file(target).is_ok()
    }
}

/// Where a new name's namespace comes from.
pub enum Source<'a> {
    /// A namespace made for it, in this way.
    New(&'a Create),
    /// The namespace a process is in; the number as the user wrote it, sign and all.
    Pid(i32),
}

/// Our own network namespace, as the kernel names it to us.
const OWN_NS: &str = "/proc/self/ns/net";

/// How `add` makes a new namespace: in this process, which then is in it, or in a child.
/// Here it costs what the kernel's work costs, as little as a program without a libc that
/// makes only those calls; a child costs a process and two context switches more (batches of
/// 100 to 10,000 adds took 1.1-1.3 times as long, and 1.2-1.5 times the CPU time, that way).
/// The child is for where this process could not come back.
pub enum Create {
    /// Here, staying in the new namespace: for the one command of a run, after which this
    /// process does nothing that depends on its network namespace (on failure it unlinks the
    /// placeholder, a file; the lock is a file's; messages go to descriptors it holds).
    Stay,
    /// Here, and back to this namespace (held open) after the bind: a batch's lines after the
    /// add run where the batch began.
    Return(File),
    /// In a child (see `create_in_child`): where this process may not come back.
    Child,
}

impl Create {
    /// For a batch: whether this process could come back to where it is now, asked once, by
    /// going there from here. setns(2) asks the same of every way into a namespace (rights
    /// over the user namespace that owns it), whichever namespace it starts from; what it
    /// refuses is the way back of a process in a user namespace that does not own its network
    /// namespace (`unshare -Ur`), which can make a namespace but not leave it again.
    pub fn probe() -> Create {
        match sys::open_read(OsStr::new(OWN_NS)) {
            Ok(home) if sys::setns(home.as_fd(), sys::CLONE_NEWNET).is_ok() => Create::Return(home),
            _ => Create::Child,
        }
    }
}

/// Makes a new namespace and binds it onto the placeholder `target`, the way `how` says. A
/// batch whose way back fails anyway is over ("setns" ends it): its next lines would run in
/// the new namespace. The caller's clean-up of the entry (an unmount and an unlink) works from
/// any network namespace.
fn create_bound(name: &OsStr, target: &Path, how: &Create) -> Result<(), Error> {
    let home = match how {
        Create::Child => return create_in_child(name, target),
        Create::Stay => None,
        Create::Return(home) => Some(home),
    };
    sys::unshare(sys::CLONE_NEWNET).map_err(|err| Error::Unshare(name.to_owned(), err))?;
    let bound = bind_ns(PathBuf::from(OWN_NS), target);
    if let Some(home) = home {
        sys::setns(home.as_fd(), sys::CLONE_NEWNET).map_err(Error::SwitchBack)?;
    }
    bound
}

/// Binds the namespace file `source` onto the placeholder `target`.
fn bind_ns(source: PathBuf, target: &Path) -> Result<(), Error> {
    sys::mount(Some(source.as_os_str()), target, None, sys::MS_BIND)
        .map_err(|err| Error::bind(source, target.to_owned(), err))
}

/// The namespace is made by a child that shares our memory, binds its own new namespace and
/// exits (sys::clone_bind says why that is sound): our process never leaves its namespace, so
/// there is nothing to switch back (`ip` switches back, and that is what fails inside a user
/// namespace), and nothing of our process is copied, which a fork would do for every add. The
/// child's exit status is the bind's errno.
fn create_in_child(name: &OsStr, target: &Path) -> Result<(), Error> {
    let source = PathBuf::from(OWN_NS);
    let pid = sys::clone_bind(sys::CLONE_NEWNET, source.as_os_str(), target)
        .map_err(|err| Error::Unshare(name.to_owned(), err))?;
    let errno = match sys::waitpid(pid).map_err(|err| Error::Child("waitpid", err))? {
        Exit::Code(0) => return Ok(()),
        Exit::Code(errno) => errno,
        // Killed before it could say why: the work was not done.
        Exit::Signal(_) => libc::EINTR,
    };
    Err(Error::bind(source, target.to_owned(), io::Error::from_raw_os_error(errno)))
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

/// Makes the run directory a shared mount of its own, from whatever state the kernel shows it
/// in (see `mountinfo`). A directory that is not a mount point yet is bound onto itself, and
/// made private before shared so that it starts a peer group of its own: joining /run's group
/// (systemd makes /run shared) would give every namespace two mounts.
fn make_shared(dir: &File) -> Result<(), Error> {
    let share = || mount_propagation(sys::MS_SHARED).map_err(Error::MakeShared);
    let separate = || {
        mount_propagation(sys::MS_PRIVATE).map_err(Error::MakePrivate)?;
        share()
    };
    // Without /proc on an older kernel, only what the mount calls say is known, as for ip.
    match mountinfo::read(dir.as_fd()).unwrap_or(Setup::Bind) {
        Setup::Done => Ok(()),
        Setup::Share => share(),
        Setup::Separate => separate(),
        // As ip does it, which decides the message too (a user who may not mount is told
        // that making it shared failed): made shared, and if that says it is no mount point
        // (EINVAL), first bound onto itself. A setup that fails after the bind takes it back.
        Setup::Bind => match mount_propagation(sys::MS_SHARED) {
            Err(e) if e.raw_os_error() == Some(libc::EINVAL) => {
                let dir = Path::new(RUN_DIR);
                sys::mount(Some(dir.as_os_str()), dir, None, sys::MS_BIND | sys::MS_REC)
                    .map_err(Error::BindRunDir)?;
                separate().inspect_err(|_| {
                    let _ = sys::umount2(dir, sys::MNT_DETACH);
                })
            }
            other => other.map_err(Error::MakeShared),
        },
    }
}

/// Changes the run directory's propagation, and its namespaces' with it (MS_REC), as ip does.
fn mount_propagation(kind: libc::c_ulong) -> io::Result<()> {
    sys::mount(None, Path::new(RUN_DIR), None, kind | sys::MS_REC)
}

/// Unbinds and removes a name. The unmount may fail for an entry that is no mount (a stale
/// plain file): that is fine, the unlink decides. A link is not followed, by either: what it
/// points to is not ours to unmount. (`removable` first, where the name is bound.)
pub fn remove(name: &OsStr) -> Result<(), Error> {
    let path = path_of(name);
    let _ = sys::umount2(&path, sys::MNT_DETACH | sys::UMOUNT_NOFOLLOW);
    fs::remove_file(&path).map_err(|e| Error::RemoveFile(path, e))
}

/// Whether names can be removed from the run directory at all. On a read-only file system, or
/// from an immutable directory, every unlink fails, and a name unmounted first would be left a
/// plain file with its namespace gone (as iproute2 leaves it). Asked of the directory, once:
/// asking the unlink of each mount point instead (the kernel refuses it last, EBUSY) costs a
/// walk of every mount in the namespace per name, and an `-all delete` of 10,000 names took 7
/// times ip's CPU time that way.
pub fn removable() -> io::Result<()> {
    sys::access_writable(Path::new(RUN_DIR))
}
