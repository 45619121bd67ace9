//! The kernel's own view of the links of the calling thread's network namespace and their IPv4
//! addresses (RTM_GETLINK and RTM_GETADDR dumps): what a test checks a command did, with
//! neither the program under test nor iproute2 in between.

use std::net::Ipv4Addr;

use crate::sandbox;

/// A network link as the kernel holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub name: String,
    pub index: u32,
    pub up: bool,
    pub mtu: u32,
    /// The index of the link it is bound to (a veth's peer, in the peer's namespace), or its own
    /// when there is none: /sys/class/net/NAME/iflink.
    pub iflink: u32,
    /// Its IPv4 addresses with their prefix lengths, in the kernel's order.
    pub ipv4: Vec<(Ipv4Addr, u8)>,
}

const IFLA_IFNAME: u16 = 3;
const IFLA_MTU: u16 = 4;
const IFLA_LINK: u16 = 5;
const IFA_LOCAL: u16 = 2;

/// Every link of the calling thread's network namespace, sorted by name.
pub fn links() -> Vec<Link> {
    let mut links: Vec<Link> = dump(libc::RTM_GETLINK, libc::RTM_NEWLINK, &[0; 16])
        .iter()
        .filter_map(|msg| {
            // struct ifinfomsg: family, pad, type (u16), index (i32), flags (u32), change.
            let index = u32::from_ne_bytes(msg.get(4..8)?.try_into().ok()?);
            let flags = u32::from_ne_bytes(msg.get(8..12)?.try_into().ok()?);
            let attrs = attributes(msg.get(16..)?);
            let name = attrs.iter().find(|(k, _)| *k == IFLA_IFNAME)?.1;
            let number = |kind| attrs.iter().find(|(k, _)| *k == kind).and_then(|(_, v)| u32_of(v));
            Some(Link {
                name: String::from_utf8_lossy(name.strip_suffix(b"\0").unwrap_or(name)).into(),
                index,
                up: flags & libc::IFF_UP as u32 != 0,
                mtu: number(IFLA_MTU)?,
                // The kernel leaves IFLA_LINK out when it equals the link's own index.
                iflink: number(IFLA_LINK).unwrap_or(index),
                ipv4: Vec::new(),
            })
        })
        .collect();
    let ipv4 = [libc::AF_INET as u8, 0, 0, 0, 0, 0, 0, 0];
    for msg in dump(libc::RTM_GETADDR, libc::RTM_NEWADDR, &ipv4) {
        // struct ifaddrmsg: family, prefix length, flags, scope (u8 each), index (u32).
        let (Some(&prefix), Some(index)) = (msg.get(1), msg.get(4..8)) else { continue };
        let index = u32::from_ne_bytes(index.try_into().expect("four bytes"));
        let local = attributes(&msg[8..]).into_iter().find(|(k, _)| *k == IFA_LOCAL);
        let Some(address) = local.and_then(|(_, v)| <[u8; 4]>::try_from(v).ok()) else { continue };
        if let Some(link) = links.iter_mut().find(|l| l.index == index) {
            link.ipv4.push((Ipv4Addr::from(address), prefix));
        }
    }
    links.sort_by(|a, b| a.name.cmp(&b.name));
    links
}

/// The payloads of the `reply` messages of a `request` dump whose body (the struct ifinfomsg or
/// ifaddrmsg that leads it) is `body`; a failure fails the test.
fn dump(request: u16, reply: u16, body: &[u8]) -> Vec<Vec<u8>> {
    let replies = sandbox::netlink(request, libc::NLM_F_DUMP as u16, body)
        .unwrap_or_else(|e| panic!("asking the kernel for a dump of type {request}: {e}"));
    replies.into_iter().filter(|(k, _)| *k == reply).map(|(_, payload)| payload).collect()
}

/// The (type, value) attributes that follow a message's fixed header.
fn attributes(mut bytes: &[u8]) -> Vec<(u16, &[u8])> {
    let mut found = Vec::new();
    while bytes.len() >= 4 {
        let len = u16::from_ne_bytes([bytes[0], bytes[1]]) as usize;
        if len < 4 || len > bytes.len() {
            break;
        }
        // The top two bits are flags (nested, byte order), not part of the type.
        found.push((u16::from_ne_bytes([bytes[2], bytes[3]]) & 0x3fff, &bytes[4..len]));
        bytes = &bytes[len.next_multiple_of(4).min(bytes.len())..];
    }
    found
}

fn u32_of(value: &[u8]) -> Option<u32> {
    Some(u32::from_ne_bytes(value.try_into().ok()?))
}
