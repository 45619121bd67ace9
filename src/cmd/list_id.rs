//! `list-id [target-nsid N] [nsid N]`: the peer namespaces that have an id here (or in the
//! target), named where a name in the run directory is bound to them.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use crate::error::{Error, push_decimal};
use crate::json::{Array, Value};
use crate::netlink::{Failure, Peer};
use crate::netns;

use super::Ctx;

pub fn run(ctx: &Ctx, target: Option<i32>, nsid: Option<i32>) -> Result<(), Error> {
    let mut rtnl = super::rtnl()?;
    let mut named = Vec::new();
    if let Ok(Some(listing)) = netns::listing() {
        let ids = netns::ids(&mut rtnl, &listing)?;
        named = ids.into_iter().zip(listing.names).collect();
    }
    let (peers, failure) = match nsid {
        Some(nsid) => (vec![rtnl.peer(nsid, target).map_err(super::kernel)?], None),
        None => rtnl.dump(target),
    };
    super::print(&render(ctx, &peers, &named))?;
    match failure {
        None => Ok(()),
        Some(Failure::Kernel(kernel)) => Err(Error::Dump(kernel)),
        Some(Failure::Io(e)) => Err(Error::SendDump(e)),
    }
}

/// `named`: each name in the run directory with its id here, if it has one.
fn render(ctx: &Ctx, peers: &[Peer], named: &[(Option<i32>, OsString)]) -> Vec<u8> {
    // Seen from a target, a peer's id here is its current-nsid. Where two names share a
    // namespace, the later one in the directory wins, as in ip.
    let name_of = |peer: &Peer| {
        let id = Some(peer.current.unwrap_or(peer.nsid));
        named.iter().rfind(|(named_id, _)| *named_id == id).map(|(_, name)| name)
    };
    if ctx.json {
        let mut array = Array::new(ctx.pretty);
        for peer in peers {
            let mut fields = Vec::new();
            if peer.nsid >= 0 {
                fields.push(("nsid", Value::Int(peer.nsid.into())));
            }
            if let Some(current) = peer.current.filter(|id| *id >= 0) {
                fields.push(("current-nsid", Value::Int(current.into())));
            }
            if let Some(name) = name_of(peer) {
                fields.push(("name", Value::Str(name.as_bytes())));
            }
            array.object(&fields);
        }
        return array.finish();
    }
    let mut out = Vec::new();
    for peer in peers {
        push_id(&mut out, b"nsid ", peer.nsid);
        if let Some(current) = peer.current {
            push_id(&mut out, b"current-nsid ", current);
        }
        if let Some(name) = name_of(peer) {
            out.extend_from_slice(b"(iproute2 netns name: ");
            out.extend_from_slice(name.as_bytes());
            out.push(b')');
        }
        out.push(b'\n');
    }
    out
}

/// `KEY N `, or `KEY unassigned ` for a negative id.
fn push_id(out: &mut Vec<u8>, key: &[u8], id: i32) {
    out.extend_from_slice(key);
    if id >= 0 {
        push_decimal(out, id.into());
    } else {
        out.extend_from_slice(b"unassigned");
    }
    out.push(b' ');
}
