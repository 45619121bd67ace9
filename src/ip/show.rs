//! `ip link show` and `ip address show` done ourselves where the system's ip is busybox's (or
//! there is none): the steps of iproute2's ipaddr_list_flush_or_save, with its requests, its
//! filters and its output. In front of iproute2's ip they stay its to do: it prints more
//! (details, statistics, VFs).

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use super::handoff::SystemIp;
use super::msg::{self, Message, RTEXT_FILTER_SKIP_STATS, RTEXT_FILTER_VF};
use super::out::Out;
use super::print::{self, Filter, Lookup};
use crate::cli::{Options, Show};
use crate::error::{self, Error};
use crate::netlink::{Failure, Request, Rtnl};
use crate::nsids;
use crate::sys;

/// The listing, done here where the system's ip is busybox's or there is none; in front of
/// iproute2's ip, `words` are handed to it.
pub fn run(show: &Show<'_>, opts: &Options, words: &[OsString], batch: bool) -> Result<(), Error> {
    if SystemIp::find().is_some_and(|ip| !ip.busybox) {
        return super::hand_over(opts, words, batch, true);
    }
    list(show)
}

fn list(show: &Show<'_>) -> Result<(), Error> {
    let mut kernel = Kernel::open()?;
    let master = match show.master {
        Some(name) => kernel.index_of(name).ok_or_else(|| Error::InvalidArg {
            arg: name.into(),
            why: "Device does not exist\n",
        })?,
        None => 0,
    };
    let index = match show.dev {
        Some(name) => kernel.index_of(name).ok_or_else(|| Error::NoSuchDevice(name.into()))?,
        None => 0,
    };
    let filter = Filter { show, index, master };
    let mut out = Out::new(show.json, show.pretty, show.oneline);
    let fetched = kernel.listing(&filter);
    let Ok(Some((links, addrs))) = fetched else {
        // What ip could not get it has reported; it still closes its JSON array.
        crate::out::print(&out.finish())?;
        return fetched.map(drop);
    };
    // With -oneline, an address listing is one line per address, without the link's own.
    let link_lines = show.brief || !show.oneline || show.family == AF_PACKET;
    for link in &links {
        if show.family != AF_PACKET && !has_addresses(&filter, link, &addrs) {
            continue;
        }
        out.open("", b'{', "");
        let shown = !link_lines || print::link(&mut out, &filter, link, &mut kernel);
        if shown && show.family != AF_PACKET {
            print::addresses(&mut out, &filter, link, &addrs, &mut kernel);
        }
        out.close(b'}', "");
    }
    crate::out::print(&out.finish())
}

const AF_PACKET: u8 = libc::AF_PACKET as u8;

/// The links to list, and the addresses to list with them.
type Listing = (Vec<Message>, Vec<Message>);

/// The kernel's side of a listing: one rtnetlink socket, and what ip keeps in its caches.
struct Kernel {
    rtnl: Rtnl,
    /// Links looked up by name or index: index, name, flags.
    links: Vec<(u32, Vec<u8>, u32)>,
    /// The named namespaces and their ids here, read when first needed.
    names: Option<(Vec<OsString>, Vec<Option<i32>>)>,
}

impl Kernel {
    fn open() -> Result<Kernel, Error> {
        let rtnl = Rtnl::open().map_err(|_| Error::Rtnetlink)?;
        Ok(Kernel { rtnl, links: Vec::new(), names: None })
    }

    /// The links to list and, unless only links are listed, the addresses of the family.
    /// `None` when ip would list nothing after a failure it reports as a warning.
    fn listing(&mut self, filter: &Filter<'_>) -> Result<Option<Listing>, Error> {
        let show = filter.show;
        let links = match (show.dev, show.link) {
            // `ip link show DEV`: the link by name, with its VFs and statistics.
            (Some(dev), true) => {
                let request = msg::link_get(show.family, 0, Some(dev), RTEXT_FILTER_VF);
                let failed = |failure| {
                    Error::RequestFailed("Cannot send link get request", kernel_of(failure))
                };
                self.messages(request).map_err(failed)?
            }
            (Some(_), false) => {
                let mask = RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS;
                match self.messages(msg::link_get(show.family, filter.index, None, mask)) {
                    Ok(link) => link,
                    Err(failure) => {
                        error::warn(&Error::RequestFailed(
                            "Cannot send link request",
                            kernel_of(failure),
                        ));
                        return Ok(None);
                    }
                }
            }
            (None, _) => {
                let request = msg::link_dump(show.family, filter.master, show.kind);
                let Some(links) = self.dump(request) else { return Ok(None) };
                links
            }
        };
        if show.family == AF_PACKET {
            return Ok(Some((links, Vec::new())));
        }
        let Some(addrs) = self.dump(msg::addr_dump(show.family, filter.index)) else {
            return Ok(None);
        };
        Ok(Some((links, addrs)))
    }

    /// Every message of a dump; `None` when the kernel broke it off, which ip reports.
    fn dump(&mut self, request: Request) -> Option<Vec<Message>> {
        self.messages(request).map_err(|failure| error::warn(&Error::Dump(kernel_of(failure)))).ok()
    }

    /// The links or addresses of the answer: one for a get, all of them for a dump.
    fn messages(&mut self, request: Request) -> Result<Vec<Message>, Failure> {
        let mut messages = Vec::new();
        self.rtnl.fetch(request, &mut |bytes| messages.extend(Message::parse(bytes)))?;
        Ok(messages)
    }

    /// ip's ll_name_to_index: the kernel's answer for the name (or alternative name), else an
    /// `ifN` name's number.
    fn index_of(&mut self, name: &OsStr) -> Option<u32> {
        let mask = RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS;
        match self.messages(msg::link_get(0, 0, Some(name), mask)).as_deref() {
            Ok([link, ..]) => Some(self.remember(link)),
            _ => if_number(name.as_bytes()),
        }
        .filter(|index| *index != 0)
    }

    fn remember(&mut self, link: &Message) -> u32 {
        let index = link.u32_at(4);
        if let Some(name) = link.attr_str(msg::IFLA_IFNAME) {
            self.links.push((index, name.to_vec(), link.u32_at(8)));
        }
        index
    }
}

impl Lookup for Kernel {
    fn link(&mut self, index: u32) -> (Vec<u8>, Option<u32>) {
        if !self.links.iter().any(|(known, ..)| *known == index) {
            let mask = RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS;
            if let Ok([link, ..]) = self.messages(msg::link_get(0, index, None, mask)).as_deref() {
                self.remember(link);
            }
        }
        match self.links.iter().find(|(known, ..)| *known == index) {
            Some((_, name, flags)) => (name.clone(), Some(*flags)),
            None => {
                let mut name = b"if".to_vec();
                crate::out::push_decimal(&mut name, index.into());
                (name, None)
            }
        }
    }

    fn txqlen(&mut self, name: &[u8]) -> Option<i32> {
        match sys::txqlen(name)? {
            Ok(qlen) => Some(qlen),
            Err(e) => {
                error::warn(&Error::TxQueueLen(e));
                None
            }
        }
    }

    fn netns(&mut self, nsid: i32) -> Option<OsString> {
        let (names, ids) = self.names.get_or_insert_with(|| named_ids(&mut self.rtnl));
        names.get(ids.iter().position(|id| *id == Some(nsid))?).cloned()
    }
}

/// The named namespaces and their ids here, in the run directory's order (ip's netns map).
fn named_ids(rtnl: &mut Rtnl) -> (Vec<OsString>, Vec<Option<i32>>) {
    let Ok(Some(listing)) = nsids::listing() else { return Default::default() };
    let ids = nsids::ids(rtnl, &listing).map(|(ids, _)| ids).unwrap_or_default();
    (listing.names, ids)
}

/// ip's ipaddr_filter: with a family asked for, a link is listed only if it has an address of
/// that family; without, every link is.
fn has_addresses(filter: &Filter<'_>, link: &Message, addrs: &[Message]) -> bool {
    let index = link.u32_at(4);
    let mut own = addrs.iter().filter(|addr| addr.u32_at(4) == index).peekable();
    let none = own.peek().is_none();
    own.any(|addr| print::family_kept(filter, addr)) || (none && filter.show.family == 0)
}

/// `ifN`, as ip reads a name it cannot find (sscanf "if%u").
fn if_number(name: &[u8]) -> Option<u32> {
    let digits = name.strip_prefix(b"if")?.trim_ascii_start();
    let mut n: u32 = 0;
    let mut any = false;
    for digit in digits.iter().take_while(|b| b.is_ascii_digit()) {
        n = n.checked_mul(10)?.checked_add(u32::from(digit - b'0'))?;
        any = true;
    }
    any.then_some(n)
}

/// A failure as ip reports it: the kernel's refusal, or the errno of what went wrong.
fn kernel_of(failure: Failure) -> error::Kernel {
    match failure {
        Failure::Kernel(kernel) => kernel,
        Failure::Io(e) => {
            error::Kernel { errno: e.raw_os_error().unwrap_or(libc::EIO), message: None }
        }
    }
}
