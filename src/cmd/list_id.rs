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
    let mut named = Named::default();
    if let Some(listing) = nsids::listing()? {
        let (ids, warnings) = nsids::ids(rtnl, &listing)?;
        super::warn_all(&warnings);
        named = Named::new(&ids, listing.names);
    }
    let (mut peers, failure) = match nsid {
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
    if target.is_none() && nsid.is_none() && failure.is_none() {
        let cut = named.fill_in(&mut peers);
        super::warn_all(cut.as_slice());
    }
    out::print(&render(ctx, &peers, &named))?;
    failure.map_or(Ok(()), Err)
}

/// A kernel before 4.0 has no RTM_GETNSID, and refuses it as a type it does not know.
fn no_nsids(kernel: &Kernel) -> bool {
    kernel.errno == libc::EOPNOTSUPP
}

/// The names in the run directory that have an id here, to be found by their id.
#[derive(Default)]
struct Named {
    names: Vec<OsString>,
    /// Each name's id and place in `names`, as one number (`id << 32 | place`: ids are never
    /// negative), sorted: a peer's name is found by a binary search, not a walk of every name
    /// (thousands at boot scale). A number, not a pair, keeps the sort's code small.
    by_id: Vec<u64>,
}

impl Named {
    /// `ids`: each name's id here, if it has one.
    fn new(ids: &[Option<i32>], names: Vec<OsString>) -> Named {
        let mut by_id: Vec<u64> = Vec::with_capacity(ids.len());
        for (at, id) in ids.iter().enumerate() {
            if let Some(id) = id.and_then(|id| u32::try_from(id).ok()) {
                by_id.push(u64::from(id) << 32 | at as u64);
            }
        }
        let by_id = std::collections::BinaryHeap::from(by_id).into_sorted_vec();
        Named { names, by_id }
    }

    /// Adds the ids of named namespaces after the end of a dump that was cut short, and says
    /// so. The kernel here (6.18) ends a dump of ids after its first buffer, about 1,150 ids
    /// (iproute2, which reads with a smaller buffer first, shows 134), and says nothing. It
    /// dumps ids in order, so what it leaves out comes after the last one it gave; the names'
    /// ids are known from their own lookups. Unnamed peers after the cut cannot be found, and
    /// the warning says that too.
    fn fill_in(&self, peers: &mut Vec<Peer>) -> Option<Error> {
        let last = peers.last().map_or(-1, |peer| peer.nsid);
        let before = peers.len();
        // In the order of their ids (by_id is sorted), each id once.
        for (at, key) in self.by_id.iter().enumerate() {
            let id = (key >> 32) as i32;
            if id > last && (at == 0 || self.by_id[at - 1] >> 32 != key >> 32) {
                peers.push(Peer { nsid: id, current: None });
            }
        }
        let added = peers.len() - before;
        (added > 0).then_some(Error::IdsCut { last, added })
    }

    /// The name of the namespace with this id. Where two names share a namespace, the later
    /// one in the directory wins, as in ip: the last of the id's entries.
    fn of(&self, id: i32) -> Option<&OsString> {
        let id = u64::from(u32::try_from(id).ok()?);
        let end = self.by_id.partition_point(|key| key >> 32 <= id);
        let key = self.by_id.get(end.checked_sub(1)?)?;
        (key >> 32 == id).then(|| &self.names[*key as u32 as usize])
    }
}

fn render(ctx: &Ctx, peers: &[Peer], named: &Named) -> Vec<u8> {
    // Seen from a target, a peer's id here is its current-nsid.
    let name_of = |peer: &Peer| named.of(peer.current.unwrap_or(peer.nsid));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn named(entries: &[(Option<i32>, &str)]) -> Named {
        let ids: Vec<Option<i32>> = entries.iter().map(|(id, _)| *id).collect();
        Named::new(&ids, entries.iter().map(|(_, name)| OsString::from(name)).collect())
    }

    /// Names in directory order: `b` and `d` share id 3, and `d` comes later; `c` has none.
    #[test]
    fn the_later_name_of_an_id_wins() {
        let named =
            named(&[(Some(3), "b"), (None, "c"), (Some(1), "a"), (Some(3), "d"), (Some(7), "e")]);
        let peers = [0, 1, 3, 7, 9].map(|nsid| Peer { nsid, current: None });
        let ctx = Ctx { json: false, pretty: false, batch: false };
        let name = |n: &str| format!("(iproute2 netns name: {n})");
        let want = format!(
            "nsid 0 \nnsid 1 {}\nnsid 3 {}\nnsid 7 {}\nnsid 9 \n",
            name("a"),
            name("d"),
            name("e")
        );
        assert_eq!(String::from_utf8_lossy(&render(&ctx, &peers, &named)), want);
        // Seen from a target: the id here is the current-nsid.
        let peers = [Peer { nsid: 20, current: Some(3) }, Peer { nsid: 21, current: Some(4) }];
        let want = format!("nsid 20 current-nsid 3 {}\nnsid 21 current-nsid 4 \n", name("d"));
        assert_eq!(String::from_utf8_lossy(&render(&ctx, &peers, &named)), want);
    }

    /// A dump cut after id 4 (with an unnamed peer, 2): the names' ids after it are added in
    /// order, once each, and the cut is said; a whole dump is left as it is.
    #[test]
    fn named_ids_after_a_cut_dump_are_added() {
        let named = named(&[(Some(9), "x"), (Some(1), "a"), (Some(6), "b"), (Some(9), "y")]);
        let peers = |ids: &[i32]| -> Vec<Peer> {
            ids.iter().map(|&nsid| Peer { nsid, current: None }).collect()
        };
        let ids = |peers: &[Peer]| peers.iter().map(|peer| peer.nsid).collect::<Vec<_>>();
        let mut cut = peers(&[1, 2, 4]);
        let said = named.fill_in(&mut cut);
        assert_eq!(ids(&cut), [1, 2, 4, 6, 9]);
        assert!(matches!(said, Some(Error::IdsCut { last: 4, added: 2 })));
        let mut whole = peers(&[1, 2, 6, 9, 12]);
        assert!(named.fill_in(&mut whole).is_none());
        assert_eq!(ids(&whole), [1, 2, 6, 9, 12]);
        let mut none = peers(&[3]);
        assert!(Named::default().fill_in(&mut none).is_none());
    }

    /// Against the plain walk (the last name in the directory with the id), over directories
    /// of every size up to 300 whose ids repeat, skip and run to the largest there is.
    #[test]
    fn a_lookup_finds_what_a_walk_finds() {
        let mut seed = 1u32;
        let mut next = |below: u32| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 8) % below
        };
        for len in 0..300 {
            let entries: Vec<(Option<i32>, String)> = (0..len)
                .map(|at| {
                    let id = match next(8) {
                        0 => None,
                        1 => Some(i32::MAX - next(2) as i32),
                        _ => Some(next(len / 2 + 1) as i32),
                    };
                    (id, format!("n{at}"))
                })
                .collect();
            let pairs: Vec<(Option<i32>, &str)> =
                entries.iter().map(|(id, name)| (*id, name.as_str())).collect();
            let named = named(&pairs);
            for id in (-1..=len as i32).chain([i32::MAX - 1, i32::MAX]) {
                let walk = entries.iter().rfind(|(named_id, _)| *named_id == Some(id));
                let want = walk.map(|(_, name)| OsString::from(name));
                assert_eq!(named.of(id), want.as_ref(), "id {id} among {entries:?}");
            }
        }
    }
}
