//! Links that cross namespaces, as rtnetlink messages: a veth pair whose ends may be made in
//! other namespaces, and a link moved into another namespace. Busybox's ip can do neither
//! (it drops `peer name` and takes only a PID for `netns`), so these are ours to do.
//!
//! The messages are laid out here from netlink attributes, byte for byte as iproute2 lays them
//! out. netlink-packet-route's LinkMessage would build the same bytes, but its encoder handles
//! every link attribute and kind there is, and costs more than the rest of netns together.

use std::ffi::OsStr;
use std::fs::File;
use std::os::fd::AsRawFd;

use libc::{
    IFF_UP, IFLA_ADDRESS, IFLA_IFNAME, IFLA_INFO_DATA, IFLA_INFO_KIND, IFLA_LINKINFO, IFLA_MTU,
    IFLA_NET_NS_FD, IFLA_NET_NS_PID, RTM_NEWLINK,
};
use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};

use crate::cli::{LinkCommand, LinkEnd, Namespace};
use crate::error::Error;
use crate::netlink::{Request, VETH_INFO_PEER, push_attr, push_str_attr, raw};
use crate::netns;
use crate::session::Session;
use crate::sys;

/// `ip link add ... type veth [peer ...]` and `ip link set DEV [netns NS] ...`.
pub fn run(command: LinkCommand<'_>, session: &mut Session) -> Result<(), Error> {
    // The namespace files named in the request must stay open until it is sent.
    match command {
        LinkCommand::AddVeth { end, peer } => {
            let (end, peer) = (End::resolve(end)?, End::resolve(peer)?);
            super::send(session, veth(&end, &peer))
        }
        LinkCommand::Set { dev, netns, name, up, mtu } => {
            let netns = netns.map(Destination::resolve).transpose()?;
            let index = index_of(dev)?;
            super::send(session, set(index, netns.as_ref(), &Change { name, up, mtu }))
        }
    }
}

/// The index of the link named `dev` here.
pub fn index_of(dev: &OsStr) -> Result<u32, Error> {
    sys::if_nametoindex(dev).ok_or_else(|| Error::NoDevice(dev.to_owned()))
}

/// Where a link is to be: a named namespace (held open until the request is sent) or the
/// namespace of a process.
#[derive(Debug)]
pub enum Destination {
    Named(File),
    Pid(i32),
}

impl Destination {
    /// As iproute2 reads `netns WORD`: a name in the run directory first, then a process id.
    fn resolve(ns: Namespace<'_>) -> Result<Destination, Error> {
        if let Ok(file) = netns::open(ns.word) {
            return Ok(Destination::Named(file));
        }
        let why = "Invalid \"netns\" value\n";
        ns.pid.map(Destination::Pid).ok_or_else(|| Error::InvalidArg { arg: ns.word.into(), why })
    }

    fn push_attribute(&self, bytes: &mut Vec<u8>) {
        let (kind, value) = match self {
            Destination::Named(file) => (IFLA_NET_NS_FD, file.as_raw_fd()),
            // A negative pid reaches the kernel as iproute2 sends it, and is refused there.
            Destination::Pid(pid) => (IFLA_NET_NS_PID, *pid),
        };
        push_attr(bytes, kind, &value.to_ne_bytes());
    }
}

/// One end of a new link: what `ip link add` and its `peer` take.
#[derive(Debug, Default)]
pub struct End<'a> {
    pub name: Option<&'a str>,
    pub netns: Option<Destination>,
    pub mtu: Option<u32>,
    pub address: Option<Vec<u8>>,
}

impl End<'_> {
    fn resolve(end: LinkEnd<'_>) -> Result<End<'_>, Error> {
        let netns = end.netns.map(Destination::resolve).transpose()?;
        Ok(End { name: end.name, netns, mtu: end.mtu, address: end.address })
    }

    /// Its struct ifinfomsg and attributes, in iproute2's order: as given, with the name last.
    fn message(&self) -> Vec<u8> {
        let mut bytes = ifinfomsg(0, None).as_flattened().to_vec();
        if let Some(mtu) = self.mtu {
            push_attr(&mut bytes, IFLA_MTU, &mtu.to_ne_bytes());
        }
        if let Some(address) = &self.address {
            push_attr(&mut bytes, IFLA_ADDRESS, address);
        }
        if let Some(netns) = &self.netns {
            netns.push_attribute(&mut bytes);
        }
        if let Some(name) = self.name {
            push_str_attr(&mut bytes, IFLA_IFNAME, name.as_bytes());
        }
        bytes
    }
}

/// `ip link add END type veth [peer PEER]`.
pub fn veth(end: &End<'_>, peer: &End<'_>) -> Request {
    let mut data = Vec::new();
    push_attr(&mut data, VETH_INFO_PEER, &peer.message());
    let mut info = Vec::new();
    // The kind without a NUL, as iproute2 sends it.
    push_attr(&mut info, IFLA_INFO_KIND, b"veth");
    push_attr(&mut info, IFLA_INFO_DATA, &data);
    let mut bytes = end.message();
    push_attr(&mut bytes, IFLA_LINKINFO, &info);
    request(bytes, NLM_F_CREATE | NLM_F_EXCL)
}

/// What `ip link set DEV` changes besides the namespace.
#[derive(Debug, Default)]
pub struct Change<'a> {
    pub name: Option<&'a str>,
    pub up: Option<bool>,
    pub mtu: Option<u32>,
}

/// `ip link set DEV [netns NS] [name NEW] [up|down] [mtu N]`.
pub fn set(index: u32, netns: Option<&Destination>, change: &Change<'_>) -> Request {
    let mut bytes = ifinfomsg(index, change.up).as_flattened().to_vec();
    if let Some(netns) = netns {
        netns.push_attribute(&mut bytes);
    }
    if let Some(mtu) = change.mtu {
        push_attr(&mut bytes, IFLA_MTU, &mtu.to_ne_bytes());
    }
    if let Some(name) = change.name {
        push_str_attr(&mut bytes, IFLA_IFNAME, name.as_bytes());
    }
    request(bytes, 0)
}

/// struct ifinfomsg: family, type, index, then the flags to set and which of them change.
fn ifinfomsg(index: u32, up: Option<bool>) -> [[u8; 4]; 4] {
    let (flags, change) = match up {
        Some(up) => (if up { IFF_UP } else { 0 }, IFF_UP),
        None => (0, 0),
    };
    [[0u8; 4], index.to_ne_bytes(), flags.to_ne_bytes(), change.to_ne_bytes()]
}

fn request(payload: Vec<u8>, flags: u16) -> Request {
    raw(RTM_NEWLINK, flags, payload)
}

#[cfg(test)]
mod tests {
    //! Bytes as strace showed them for iproute2 6.1, each named after the command that sent
    //! them, with our sequence number (0) and our descriptors.
    use super::*;
    use crate::netlink::golden::{header as nlmsghdr, nla, u32_nla};
    use netlink_packet_core::NLM_F_ACK;

    #[test]
    fn up_without_a_move() {
        // ip link set dev v0 up (v0 has index 3)
        let up = Change { up: Some(true), ..Change::default() };
        assert_eq!(bytes_of(set(3, None, &up)), header(32, 5, 3, true));
    }

    fn bytes_of(mut msg: Request) -> Vec<u8> {
        msg.flags |= NLM_F_ACK;
        let mut out = Vec::new();
        msg.write(0, &mut out);
        out
    }

    /// RTM_NEWLINK's netlink header and struct ifinfomsg (family, type, index, flags, change).
    fn header(len: u32, flags: u16, index: u32, up: bool) -> Vec<u8> {
        let mut bytes = nlmsghdr(len, RTM_NEWLINK, flags, 0);
        bytes.extend(ifinfomsg(index, up.then_some(true)).as_flattened());
        bytes
    }

    /// An open file standing in for a namespace file, and its descriptor's number.
    fn some_ns() -> (Destination, u32) {
        let file = File::open("/dev/null").unwrap();
        let fd = u32::try_from(file.as_raw_fd()).unwrap();
        (Destination::Named(file), fd)
    }

    #[test]
    fn the_ifinfomsg_is_family_type_index_flags_change() {
        let mut expected = [0u8; 16];
        expected[4..8].copy_from_slice(&7u32.to_ne_bytes());
        expected[8..12].copy_from_slice(&1u32.to_ne_bytes());
        expected[12..].copy_from_slice(&1u32.to_ne_bytes());
        assert_eq!(ifinfomsg(7, Some(true)).as_flattened(), expected);
    }

    #[test]
    fn veth_with_both_ends_in_other_namespaces() {
        // ip link add v0 mtu 1400 netns x type veth peer name v1 netns y
        let ((x, x_fd), (y, y_fd)) = (some_ns(), some_ns());
        let end = End { name: Some("v0"), netns: Some(x), mtu: Some(1400), address: None };
        let peer = End { name: Some("v1"), netns: Some(y), ..End::default() };
        let mut expected = header(108, 0x605, 0, false);
        expected.extend(u32_nla(IFLA_MTU, 1400));
        expected.extend(u32_nla(IFLA_NET_NS_FD, x_fd));
        expected.extend(nla(IFLA_IFNAME, b"v0\0"));
        let mut peer_end = [0u8; 16].to_vec(); // the peer's ifinfomsg
        peer_end.extend(u32_nla(IFLA_NET_NS_FD, y_fd));
        peer_end.extend(nla(IFLA_IFNAME, b"v1\0"));
        let mut info = nla(IFLA_INFO_KIND, b"veth"); // without a NUL, as iproute2 sends it
        info.extend(nla(IFLA_INFO_DATA, &nla(VETH_INFO_PEER, &peer_end)));
        expected.extend(nla(IFLA_LINKINFO, &info));
        assert_eq!(bytes_of(veth(&end, &peer)), expected);
    }

    #[test]
    fn move_rename_and_bring_up() {
        // ip link set dev v2 netns x name e0 up mtu 1300 (v2 has index 5)
        let (ns, fd) = some_ns();
        let change = Change { name: Some("e0"), up: Some(true), mtu: Some(1300) };
        let mut expected = header(56, 5, 5, true);
        expected.extend(u32_nla(IFLA_NET_NS_FD, fd));
        expected.extend(u32_nla(IFLA_MTU, 1300));
        expected.extend(nla(IFLA_IFNAME, b"e0\0"));
        assert_eq!(bytes_of(set(5, Some(&ns), &change)), expected);
    }

    #[test]
    fn move_to_a_process_namespace() {
        // ip link set dev v3 netns 1 (v3 has index 7)
        let mut expected = header(40, 5, 7, false);
        expected.extend(u32_nla(IFLA_NET_NS_PID, 1));
        assert_eq!(bytes_of(set(7, Some(&Destination::Pid(1)), &Change::default())), expected);
    }
}
