//! `list-id [target-nsid N] [nsid N]`: the peer namespaces that have an id here (or in the
//! target), named where a name in the run directory is bound to them.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use crate::error::{Error, Kernel};
use crate::json::{Array, Value};
use crate::netlink::{Failure, Peer};
use crate::nsids;
use crate::out::{self, push_decimal};
use crate::session::Session;

use super::Ctx;

pub fn run(
    ctx: &Ctx,
    session: &mut Session,
    target: Option<i32>,
    nsid: Option<i32>,
) -> Result<(), Error> {
    let rtnl = session.rtnl()?;
    let (mut names, mut ids) = (Vec::new(), Vec::new());
    if let Some(listing) = nsids::listing()? {
        let warnings;
        (ids, warnings) = nsids::ids(rtnl, &listing)?;
        super::warn_all(&warnings);
        names = listing.names;
    }
    let (peers, failure) = match nsid {
        Some(nsid) => match rtnl.peer(nsid, target) {
            Err(Failure::Kernel(kernel)) if no_nsids(&kernel) => return Err(Error::NoGetnsid),
            peer => (vec![peer?], None),
        },
        None => rtnl.dump(target),
    };
    // Seen from a target, every peer has an id here or says it has none: a kernel that
    // leaves that out (before 4.20) ignored the target, and its answer is about us.
    if target.is_some() && peers.iter().any(|peer| peer.current.is_none()) {
        return Err(Error::NoTargetNsid);
    }
    let failure = match failure {
        Some(Failure::Kernel(kernel)) if no_nsids(&kernel) => return Err(Error::NoGetnsid),
        Some(Failure::Kernel(kernel)) => Some(Error::Dump(kernel)),
        Some(Failure::Io(e)) => Some(Error::SendDump(e)),
        None => None,
    };
    out::print(&render(ctx, &peers, &names, &ids))?;
    failure.map_or(Ok(()), Err)
}

/// A kernel before 4.0 has no RTM_GETNSID, and refuses it as a type it does not know.
fn no_nsids(kernel: &Kernel) -> bool {
    kernel.errno == libc::EOPNOTSUPP
}

/// `names`: the names in the run directory; `ids`: the id each has here, if it has one.
fn render(ctx: &Ctx, peers: &[Peer], names: &[OsString], ids: &[Option<i32>]) -> Vec<u8> {
    // Seen from a target, a peer's id here is its current-nsid. Where two names share a
    // namespace, the later one in the directory wins, as in ip.
    let name_of = |peer: &Peer| {
        let id = Some(peer.current.unwrap_or(peer.nsid));
        names.get(ids.iter().rposition(|named_id| *named_id == id)?)
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
