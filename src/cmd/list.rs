//! `list`: every name in the run directory, in the directory's order, with its id if it has
//! one here.

use std::ffi::OsStr;
use std::fs::File;
use std::io;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;

use crate::error::Error;
use crate::json::{Array, Value};
use crate::netlink::{self, Query, Rtnl};
use crate::netns::{self, Listing};
use crate::out::{self, push_decimal};

use super::Ctx;

pub fn run(ctx: &Ctx) -> Result<(), Error> {
    // As with ip, no run directory lists nothing, not even `[]`.
    let Some(listing) = listing()? else {
        return Ok(());
    };
    let ids = ids(&mut netlink::open()?, &listing)?;
    let entries = listing.names.iter().zip(ids);
    let text = if ctx.json {
        let mut array = Array::new(ctx.pretty);
        for (name, id) in entries {
            let name = ("name", Value::Str(name.as_bytes()));
            match id {
                Some(id) => array.object(&[name, ("id", Value::Int(id))]),
                None => array.object(&[name]),
            }
        }
        array.finish()
    } else {
        let mut text = Vec::new();
        for (name, id) in entries {
            text.extend_from_slice(name.as_bytes());
            if let Some(id) = id {
                text.extend_from_slice(b" (id: ");
                push_decimal(&mut text, id.into());
                text.push(b')');
            }
            text.push(b'\n');
        }
        text
    };
    out::print(&text)
}

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
/// is reported (one that vanished since the directory was read, silently) and still listed.
/// A kernel that knows no ids at all (before 4.0) gives names alone, as ip lists them there.
pub fn ids(rtnl: &mut Rtnl, listing: &Listing) -> Result<Vec<Option<i32>>, Error> {
    let mut ids = Vec::with_capacity(listing.names.len());
    let mut kernel_has_ids = true;
    for chunk in listing.names.chunks(netlink::BATCH) {
        let files: Vec<Option<File>> = chunk.iter().map(|name| open(listing, name)).collect();
        let queries: Vec<_> =
            files.iter().flatten().map(|file| Query::File(file.as_fd())).collect();
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
                    super::warn_all(&[Error::Kernel(kernel)]);
                    None
                }
                _ => None,
            });
        }
    }
    Ok(ids)
}

fn open(listing: &Listing, name: &OsStr) -> Option<File> {
    match listing.open(name) {
        Ok(file) => Some(file),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => {
            super::warn_all(&[Error::OpenNamed(name.to_owned(), e)]);
            None
        }
    }
}
