//! `list`: every name in the run directory, in the directory's order, with its id if it has
//! one here.

use std::os::unix::ffi::OsStrExt;

use crate::error::{Error, push_decimal};
use crate::json::{Array, Value};
use crate::netns;

use super::Ctx;

pub fn run(ctx: &Ctx) -> Result<(), Error> {
    // As with ip, no run directory (or none readable) lists nothing, not even `[]`.
    let Ok(Some(listing)) = netns::listing() else {
        return Ok(());
    };
    let ids = netns::ids(&mut super::rtnl()?, &listing)?;
    let entries = listing.names.iter().zip(ids);
    let out = if ctx.json {
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
        let mut out = Vec::new();
        for (name, id) in entries {
            out.extend_from_slice(name.as_bytes());
            if let Some(id) = id {
                out.extend_from_slice(b" (id: ");
                push_decimal(&mut out, id.into());
                out.push(b')');
            }
            out.push(b'\n');
        }
        out
    };
    super::print(&out)
}
