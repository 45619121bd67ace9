//! `list`: every name in the run directory, in the directory's order, with its id if it has
//! one here.

use std::fs::File;
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;

use crate::error::Error;
use crate::json::{Array, Value};
use crate::netlink::{self, Rtnl};
use crate::netns::{self, Listing};
use crate::out::{self, push_decimal};
use crate::session::Session;

use super::Ctx;

pub fn run(ctx: &Ctx, session: &mut Session) -> Result<(), Error> {
    // As with ip, no run directory (or none readable) lists nothing, not even `[]`.
    let Ok(Some(listing)) = netns::listing() else {
        return Ok(());
    };
    let ids = ids(session.rtnl()?, &listing)?;
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

/// The id each named namespace has in ours (`None`: none assigned, or not a namespace at
/// all), asked for in batches. The kernel's refusal of an entry that is no namespace (a stale
/// plain file) is reported, and the entry still counts.
pub fn ids(rtnl: &mut Rtnl, listing: &Listing) -> Result<Vec<Option<i32>>, Error> {
    let mut ids = Vec::with_capacity(listing.names.len());
    for chunk in listing.names.chunks(netlink::BATCH) {
        let files: Vec<Option<File>> = chunk.iter().map(|name| listing.open(name).ok()).collect();
        let fds: Vec<_> = files.iter().flatten().map(AsFd::as_fd).collect();
        let mut answers = rtnl.nsids_of(&fds).map_err(Error::Talk)?.into_iter();
        for file in &files {
            let answer = file.as_ref().and_then(|_| answers.next());
            ids.push(match answer {
                Some(Ok(id)) if id >= 0 => Some(id),
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
