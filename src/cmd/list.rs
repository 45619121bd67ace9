//! `list`: every name in the run directory, in the directory's order, with its id if it has
//! one here.

use std::os::unix::ffi::OsStrExt;

use crate::error::Error;
use crate::json::{Array, Value};
use crate::nsids;
use crate::out::{self, push_decimal};
use crate::session::Session;

use super::Ctx;

pub fn run(ctx: &Ctx, session: &mut Session) -> Result<(), Error> {
    // As with ip, no run directory lists nothing, not even `[]`.
    let Some(listing) = nsids::listing()? else {
        return Ok(());
    };
    let (ids, warnings) = nsids::ids(session.rtnl()?, &listing)?;
    super::warn_all(&warnings);
    let entries = listing.names.iter().zip(ids);
    let text = if ctx.json {
        let mut array = Array::new(ctx.pretty);
        for (name, id) in entries {
            let name = ("name", Value::Str(name.as_bytes()));
            match id {
                Some(id) => array.object(&[name, ("id", Value::Int(id.into()))]),
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
