//! The ids named namespaces have here: the run directory's names, each looked up by its
//! namespace file in batches. What `list`, `list-id` and the link listings show of names.

use std::ffi::OsStr;
use std::fs::File;
use std::io;
use std::os::fd::AsFd;

use crate::error::Error;
use crate::netlink::{self, Query, Rtnl};
use crate::netns::{self, Listing};

/// The run directory's names, `None` where there is no run directory: none at all, or a
/// file in its place (as ip sees it). One that cannot be read is an error, not an empty list.
pub fn listing() -> Result<Option<Listing>, Error> {
    match netns::listing() {
        Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) => Ok(None),
        other => other.map_err(Error::OpenDir),
    }
}

/// The id each named namespace has in ours (`None`: none assigned, or no id to be had), asked
/// for in batches. An entry that cannot be opened as a namespace, or that the kernel refuses,
/// comes back as a warning (one that vanished since the directory was read, silently) and is
/// still listed.
/// A kernel that knows no ids at all (before 4.0) gives names alone, as ip lists them there.
pub fn ids(rtnl: &mut Rtnl, listing: &Listing) -> Result<(Vec<Option<i32>>, Vec<Error>), Error> {
    let mut warnings = Vec::new();
    let mut ids = Vec::with_capacity(listing.names.len());
    let mut kernel_has_ids = true;
    for chunk in listing.names.chunks(netlink::BATCH) {
        let mut files = Vec::with_capacity(chunk.len());
        for name in chunk {
            files.push(open(listing, name, &mut warnings));
        }
        let mut queries = Vec::with_capacity(chunk.len());
        for file in files.iter().flatten() {
            queries.push(Query::File(file.as_fd()));
        }
        let queries = if kernel_has_ids { queries.as_slice() } else { &[] };
        let mut answers = rtnl.lookup(queries, None).map_err(Error::Talk)?.into_iter();
        for file in &files {
            let answer = file.as_ref().and_then(|_| answers.next());
            ids.push(match answer {
                Some(Ok(peer)) if peer.nsid >= 0 => Some(peer.nsid),
                Some(Err(kernel)) if kernel.errno == libc::EOPNOTSUPP => {
                    kernel_has_ids = false;
                    None
                }
                Some(Err(kernel)) => {
                    warnings.push(Error::Kernel(kernel));
                    None
                }
                _ => None,
            });
        }
    }
    Ok((ids, warnings))
}

fn open(listing: &Listing, name: &OsStr, warnings: &mut Vec<Error>) -> Option<File> {
    match listing.open(name) {
        Ok(file) => Some(file),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => {
            warnings.push(Error::OpenNamed(name.to_owned(), e));
            None
        }
    }
}
