//! The ids named namespaces have here: the run directory's names, each looked up by its
//! namespace file in batches. What `list`, `list-id` and the link listings show of names.

use std::io;
use std::iter;
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
    // One vector for every batch (see netlink::Rtnl).
    let mut files = Vec::with_capacity(netlink::BATCH);
    for chunk in listing.names.chunks(netlink::BATCH) {
        for name in chunk {
            files.push(listing.open(name));
        }
        let mut opened = files.iter().flatten().map(|file| Query::File(file.as_fd()));
        let queries: &mut dyn Iterator<Item = Query<'_>> =
            if kernel_has_ids { &mut opened } else { &mut iter::empty() };
        let mut answers = rtnl.lookup(queries, None).map_err(Error::Talk)?;
        // The warnings in the directory's order, whether opening or the kernel refused.
        for (file, name) in files.drain(..).zip(chunk) {
            let refused = match file {
                Err(e) if e.kind() == io::ErrorKind::NotFound => None,
                Err(e) => Some(Error::OpenNamed(name.clone(), e)),
                Ok(_) => match answers.next() {
                    Some(Ok(peer)) if peer.nsid >= 0 => {
                        ids.push(Some(peer.nsid));
                        continue;
                    }
                    Some(Err(kernel)) if kernel.errno == libc::EOPNOTSUPP => {
                        kernel_has_ids = false;
                        None
                    }
                    // The file is no namespace (listing.open leaves that to the kernel): said
                    // with its name, as when opening it.
                    Some(Err(kernel)) if kernel.errno == libc::EINVAL => Some(Error::OpenNamed(
                        name.clone(),
                        io::Error::from_raw_os_error(libc::EINVAL),
                    )),
                    Some(Err(kernel)) => Some(Error::Kernel(kernel)),
                    _ => None,
                },
            };
            warnings.extend(refused);
            ids.push(None);
        }
    }
    Ok((ids, warnings))
}
