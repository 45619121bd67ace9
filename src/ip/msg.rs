//! The rtnetlink messages of a link or address listing: the requests, laid out byte for byte as
//! iproute2 6.1 sends them, and the kernel's answers read in place, a fixed header then
//! attributes, with netlink-packet-core's attribute iterator (netlink-packet-route's message
//! types would parse every attribute there is, at several times the size of all this).

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use netlink_packet_core::{NLM_F_DUMP, NlasIterator};

use crate::netlink::{Request, push_attr, push_str_attr, raw};

pub const RTM_NEWLINK: u16 = 16;
const RTM_GETLINK: u16 = 18;
pub const RTM_NEWADDR: u16 = 20;
const RTM_GETADDR: u16 = 22;

pub const IFLA_ADDRESS: u16 = 1;
pub const IFLA_BROADCAST: u16 = 2;
pub const IFLA_IFNAME: u16 = 3;
pub const IFLA_MTU: u16 = 4;
pub const IFLA_LINK: u16 = 5;
pub const IFLA_QDISC: u16 = 6;
pub const IFLA_MASTER: u16 = 10;
pub const IFLA_TXQLEN: u16 = 13;
pub const IFLA_OPERSTATE: u16 = 16;
pub const IFLA_LINKMODE: u16 = 17;
pub const IFLA_LINKINFO: u16 = 18;
pub const IFLA_IFALIAS: u16 = 20;
pub const IFLA_GROUP: u16 = 27;
const IFLA_EXT_MASK: u16 = 29;
pub const IFLA_LINK_NETNSID: u16 = 37;
pub const IFLA_PROTO_DOWN: u16 = 39;
pub const IFLA_PROP_LIST: u16 = 52;
pub const IFLA_ALT_IFNAME: u16 = 53;
pub const IFLA_PERM_ADDRESS: u16 = 54;
pub const IFLA_INFO_KIND: u16 = 1;
pub const IFLA_INFO_SLAVE_KIND: u16 = 4;

pub const IFA_ADDRESS: u16 = 1;
pub const IFA_LOCAL: u16 = 2;
pub const IFA_LABEL: u16 = 3;
pub const IFA_BROADCAST: u16 = 4;
pub const IFA_ANYCAST: u16 = 5;
pub const IFA_CACHEINFO: u16 = 6;
pub const IFA_FLAGS: u16 = 8;
pub const IFA_RT_PRIORITY: u16 = 9;

/// IFLA_EXT_MASK: VFs with the link (what ip asks for in every listing)...
pub const RTEXT_FILTER_VF: u32 = 1;
/// ... and no statistics (what it asks for when it only looks a link up).
pub const RTEXT_FILTER_SKIP_STATS: u32 = 1 << 3;

const NLMSG_HDRLEN: usize = 16;
/// struct ifinfomsg and struct ifaddrmsg: what comes before the attributes.
const IFINFOMSG_LEN: usize = 16;
const IFADDRMSG_LEN: usize = 8;

/// A link or an address as the kernel describes it: the bytes after the netlink header.
#[derive(Debug, Clone)]
pub struct Message {
    bytes: Vec<u8>,
    header_len: usize,
}

impl Message {
    /// An RTM_NEWLINK or RTM_NEWADDR message whole, as the kernel sent it; `None` for any other
    /// message and for one too short for its header.
    pub fn parse(msg: &[u8]) -> Option<Message> {
        let header_len =
            match msg.get(4..).and_then(|b| b.first_chunk()).map(|b| u16::from_ne_bytes(*b)) {
                Some(RTM_NEWLINK) => IFINFOMSG_LEN,
                Some(RTM_NEWADDR) => IFADDRMSG_LEN,
                _ => return None,
            };
        let bytes = msg.get(NLMSG_HDRLEN..)?.to_vec();
        (bytes.len() >= header_len).then_some(Message { bytes, header_len })
    }

    pub fn u8_at(&self, at: usize) -> u8 {
        self.bytes.get(at).copied().unwrap_or_default()
    }

    pub fn u16_at(&self, at: usize) -> u16 {
        self.bytes.get(at..).and_then(|b| b.first_chunk()).map_or(0, |b| u16::from_ne_bytes(*b))
    }

    pub fn u32_at(&self, at: usize) -> u32 {
        self.bytes.get(at..).and_then(u32_of).unwrap_or_default()
    }

    /// The value of the first attribute of this kind.
    pub fn attr(&self, kind: u16) -> Option<&[u8]> {
        attr_in(self.bytes.get(self.header_len..)?, kind)
    }

    pub fn attr_u32(&self, kind: u16) -> Option<u32> {
        self.attr(kind).and_then(u32_of)
    }

    pub fn attr_u8(&self, kind: u16) -> Option<u8> {
        self.attr(kind).and_then(|value| value.first().copied())
    }

    /// A string attribute, up to its NUL.
    pub fn attr_str(&self, kind: u16) -> Option<&[u8]> {
        self.attr(kind).map(c_str)
    }
}

/// Each attribute in `bytes`: its kind and value. A malformed one ends the list.
pub fn attrs(bytes: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    NlasIterator::new(bytes).map_while(Result::ok).map(|nla| {
        let (kind, len) = (nla.kind(), usize::from(nla.length()));
        (kind, nla.into_inner().get(4..len).unwrap_or_default())
    })
}

pub fn attr_in(bytes: &[u8], kind: u16) -> Option<&[u8]> {
    attrs(bytes).find(|(k, _)| *k == kind).map(|(_, value)| value)
}

pub fn u32_of(bytes: &[u8]) -> Option<u32> {
    bytes.first_chunk().map(|b| u32::from_ne_bytes(*b))
}

/// A C string's bytes: up to the first NUL.
pub fn c_str(bytes: &[u8]) -> &[u8] {
    bytes.split(|b| *b == 0).next().unwrap_or_default()
}

/// Every link (`ip link` asks with AF_PACKET, `ip address` with its family); AF_UNSPEC and
/// AF_PACKET dumps carry the filters for the kernel to apply, the others carry nothing.
pub fn link_dump(family: u8, master: u32, kind: Option<&[u8]>) -> Request {
    let mut bytes = ifinfomsg(family, 0);
    if family == libc::AF_UNSPEC as u8 || family == libc::AF_PACKET as u8 {
        push_attr(&mut bytes, IFLA_EXT_MASK, &RTEXT_FILTER_VF.to_ne_bytes());
        if master != 0 {
            push_attr(&mut bytes, IFLA_MASTER, &master.to_ne_bytes());
        }
        if let Some(kind) = kind {
            // The kind without a NUL, as iproute2 sends it.
            let mut info = Vec::new();
            push_attr(&mut info, IFLA_INFO_KIND, kind);
            push_attr(&mut bytes, IFLA_LINKINFO, &info);
        }
    }
    raw(RTM_GETLINK, NLM_F_DUMP, bytes)
}

/// One link, by index or by name: its name before the mask when ip shows it, after when ip
/// only looks it up.
pub fn link_get(family: u8, index: u32, name: Option<&OsStr>, mask: u32) -> Request {
    let mut bytes = ifinfomsg(family, index);
    let lookup = mask & RTEXT_FILTER_SKIP_STATS != 0;
    if lookup {
        push_attr(&mut bytes, IFLA_EXT_MASK, &mask.to_ne_bytes());
    }
    if let Some(name) = name {
        // A name the kernel could not give a link can only be an alternative name.
        let kind = if valid_ifname(name.as_bytes()) { IFLA_IFNAME } else { IFLA_ALT_IFNAME };
        push_str_attr(&mut bytes, kind, name.as_bytes());
    }
    if !lookup {
        push_attr(&mut bytes, IFLA_EXT_MASK, &mask.to_ne_bytes());
    }
    raw(RTM_GETLINK, 0, bytes)
}

/// Every address of this family (AF_UNSPEC: all), of the link with this index (0: all).
pub fn addr_dump(family: u8, index: u32) -> Request {
    let header = [[family, 0, 0, 0], index.to_ne_bytes()];
    raw(RTM_GETADDR, NLM_F_DUMP, header.as_flattened().to_vec())
}

/// A name the kernel could give a link, as ip checks it: not empty, under 16 bytes, no `/`,
/// no blanks.
pub fn valid_ifname(name: &[u8]) -> bool {
    !name.is_empty()
        && name.len() < 16
        && !name.iter().any(|b| *b == b'/' || b" \t\n\x0b\x0c\r".contains(b))
}

/// struct ifinfomsg: family, type, index, flags and the change mask.
fn ifinfomsg(family: u8, index: u32) -> Vec<u8> {
    [[family, 0, 0, 0], index.to_ne_bytes(), [0; 4], [0; 4]].as_flattened().to_vec()
}

#[cfg(test)]
mod tests {
    //! The requests as strace showed them for iproute2 6.1, each named after the command that
    //! sent it, with our sequence number (1), in native byte order.
    use super::*;

    fn bytes_of(msg: Request) -> Vec<u8> {
        let mut out = Vec::new();
        msg.write(1, &mut out);
        out
    }

    fn header(len: u32, kind: u16, flags: u16) -> Vec<u8> {
        [&len.to_ne_bytes()[..], &kind.to_ne_bytes(), &flags.to_ne_bytes(), &1u32.to_ne_bytes()]
            .concat()
            .into_iter()
            .chain([0; 4])
            .collect()
    }

    fn attr(kind: u16, value: &[u8]) -> Vec<u8> {
        let len = 4 + value.len() as u16;
        let mut bytes = [&len.to_ne_bytes()[..], &kind.to_ne_bytes(), value].concat();
        bytes.resize(bytes.len().next_multiple_of(4), 0);
        bytes
    }

    fn ifinfo(family: u8, index: u32) -> Vec<u8> {
        [&[family, 0, 0, 0][..], &index.to_ne_bytes(), &[0; 8]].concat()
    }

    #[test]
    fn link_dump_with_filters() {
        // ip link show type veth master v1 (v1 has index 2)
        let mut expected = header(60, RTM_GETLINK, 0x301);
        expected.extend(ifinfo(17, 0));
        expected.extend(attr(29, &1u32.to_ne_bytes()));
        expected.extend(attr(10, &2u32.to_ne_bytes()));
        expected.extend(attr(18, &attr(1, b"veth")));
        assert_eq!(bytes_of(link_dump(17, 2, Some(b"veth"))), expected);
    }

    #[test]
    fn link_dumps_of_a_family_carry_no_filter() {
        // ip -4 addr show
        let mut expected = header(32, RTM_GETLINK, 0x301);
        expected.extend(ifinfo(2, 0));
        assert_eq!(bytes_of(link_dump(2, 0, None)), expected);
        // ip addr show
        let mut expected = header(40, RTM_GETLINK, 0x301);
        expected.extend(ifinfo(0, 0));
        expected.extend(attr(29, &1u32.to_ne_bytes()));
        assert_eq!(bytes_of(link_dump(0, 0, None)), expected);
    }

    #[test]
    fn link_gets_by_name_and_by_index() {
        let lookup = RTEXT_FILTER_VF | RTEXT_FILTER_SKIP_STATS;
        // ip link show dev v0: the lookup of the name, then the link itself
        let mut expected = header(48, RTM_GETLINK, 1);
        expected.extend(ifinfo(0, 0));
        expected.extend(attr(29, &9u32.to_ne_bytes()));
        expected.extend(attr(3, b"v0\0"));
        assert_eq!(bytes_of(link_get(0, 0, Some("v0".as_ref()), lookup)), expected);
        let mut expected = header(48, RTM_GETLINK, 1);
        expected.extend(ifinfo(17, 0));
        expected.extend(attr(3, b"v0\0"));
        expected.extend(attr(29, &1u32.to_ne_bytes()));
        assert_eq!(bytes_of(link_get(17, 0, Some("v0".as_ref()), RTEXT_FILTER_VF)), expected);
        // ip addr show dev v0 (v0 has index 3)
        let mut expected = header(40, RTM_GETLINK, 1);
        expected.extend(ifinfo(0, 3));
        expected.extend(attr(29, &9u32.to_ne_bytes()));
        assert_eq!(bytes_of(link_get(0, 3, None, lookup)), expected);
    }

    #[test]
    fn names_a_link_cannot_have_are_alternative_names() {
        // ip link show a-name-of-sixteen
        let mut expected = header(64, RTM_GETLINK, 1);
        expected.extend(ifinfo(17, 0));
        expected.extend(attr(53, b"a-name-of-sixteen\0"));
        expected.extend(attr(29, &1u32.to_ne_bytes()));
        let name = Some("a-name-of-sixteen".as_ref());
        assert_eq!(bytes_of(link_get(17, 0, name, RTEXT_FILTER_VF)), expected);
    }

    #[test]
    fn address_dump() {
        // ip addr show dev v0 (index 3), ip -6 addr show
        let mut expected = header(24, RTM_GETADDR, 0x301);
        expected.extend([0, 0, 0, 0]);
        expected.extend(3u32.to_ne_bytes());
        assert_eq!(bytes_of(addr_dump(0, 3)), expected);
        let mut expected = header(24, RTM_GETADDR, 0x301);
        expected.extend([10, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(bytes_of(addr_dump(10, 0)), expected);
    }

    #[test]
    fn answers_are_read_in_place() {
        // A link message: lo, index 1, up, with its name and MTU.
        let mut bytes = header(0, RTM_NEWLINK, 2);
        bytes.extend([0, 0]);
        bytes.extend(772u16.to_ne_bytes());
        bytes.extend(1u32.to_ne_bytes());
        bytes.extend(0x10049u32.to_ne_bytes());
        bytes.extend([0, 0, 0, 0]);
        bytes.extend(attr(3, b"lo\0"));
        bytes.extend(attr(4, &65536u32.to_ne_bytes()));
        let len = bytes.len() as u32;
        bytes[..4].copy_from_slice(&len.to_ne_bytes());
        let link = Message::parse(&bytes).unwrap();
        assert_eq!((link.u16_at(2), link.u32_at(4), link.u32_at(8)), (772, 1, 0x10049));
        assert_eq!(link.attr_str(IFLA_IFNAME), Some(&b"lo"[..]));
        assert_eq!(link.attr_u32(IFLA_MTU), Some(65536));
        assert_eq!(link.attr(IFLA_QDISC), None);
        for cut in 0..bytes.len() {
            let mut short = bytes[..cut].to_vec();
            if let Some(len) = short.get_mut(..4) {
                len.copy_from_slice(&(cut as u32).to_ne_bytes());
            }
            if let Some(link) = Message::parse(&short) {
                let _ = (link.attr_str(IFLA_IFNAME), link.attr_u32(IFLA_MTU), link.u32_at(12));
            }
        }
    }
}
