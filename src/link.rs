//! Links that cross namespaces, as rtnetlink messages: a veth pair whose ends may be made in
//! other namespaces, and a link moved into another namespace. Busybox's ip can do neither
//! (it drops `peer name` and takes only a PID for `netns`), so these are ours to do.

use std::ffi::OsStr;
use std::fs::File;
use std::os::fd::AsRawFd;

use netlink_packet_core::{
    DecodeError, Emitable, NLM_F_CREATE, NLM_F_EXCL, NetlinkDeserializable, NetlinkHeader,
    NetlinkMessage, NetlinkPayload, NetlinkSerializable,
};
use netlink_packet_route::link::{
    InfoData, InfoKind, InfoVeth, LinkAttribute, LinkFlags, LinkInfo, LinkMessage,
};

use crate::netns;

const RTM_NEWLINK: u16 = 16;

/// A link request. Only acknowledgements come back, so nothing of the link module's large
/// parser is linked in: deserializing a link message is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link(LinkMessage);

impl NetlinkSerializable for Link {
    fn message_type(&self) -> u16 {
        RTM_NEWLINK
    }

    fn buffer_len(&self) -> usize {
        self.0.buffer_len()
    }

    fn serialize(&self, buffer: &mut [u8]) {
        self.0.emit(buffer)
    }
}

impl NetlinkDeserializable for Link {
    type Error = DecodeError;

    fn deserialize(_: &NetlinkHeader, _: &[u8]) -> Result<Self, DecodeError> {
        Err(DecodeError::from("a link message where only an acknowledgement was expected"))
    }
}

/// Where a link is to be: a named namespace (held open until the request is sent) or the
/// namespace of a process.
#[derive(Debug)]
pub enum Netns {
    Named(File),
    Pid(i32),
}

impl Netns {
    /// As iproute2 reads `netns WORD`: a name in the run directory first, then a process id.
    pub fn resolve(word: &OsStr) -> Option<Netns> {
        if let Ok(file) = netns::open(word) {
            return Some(Netns::Named(file));
        }
        crate::cli::parse_int(word).map(Netns::Pid)
    }

    fn attribute(&self) -> LinkAttribute {
        match self {
            Netns::Named(file) => LinkAttribute::NetNsFd(file.as_raw_fd()),
            // A negative pid reaches the kernel as iproute2 sends it, and is refused there.
            Netns::Pid(pid) => LinkAttribute::NetNsPid(*pid as u32),
        }
    }
}

/// One end of a new link: what `ip link add` and its `peer` take.
#[derive(Debug, Default)]
pub struct End {
    pub name: Option<String>,
    pub netns: Option<Netns>,
    pub mtu: Option<u32>,
    pub address: Option<Vec<u8>>,
}

impl End {
    /// The attributes in iproute2's order: as given, with the name last.
    fn attributes(&self) -> Vec<LinkAttribute> {
        let mut attrs = Vec::new();
        attrs.extend(self.mtu.map(LinkAttribute::Mtu));
        attrs.extend(self.address.clone().map(LinkAttribute::Address));
        attrs.extend(self.netns.as_ref().map(Netns::attribute));
        attrs.extend(self.name.clone().map(LinkAttribute::IfName));
        attrs
    }
}

/// `ip link add END type veth [peer PEER]`.
pub fn veth(end: &End, peer: &End) -> NetlinkMessage<Link> {
    let mut peer_msg = LinkMessage::default();
    peer_msg.attributes = peer.attributes();
    let mut msg = LinkMessage::default();
    msg.attributes = end.attributes();
    msg.attributes.push(LinkAttribute::LinkInfo(vec![
        LinkInfo::Kind(InfoKind::Veth),
        LinkInfo::Data(InfoData::Veth(InfoVeth::Peer(peer_msg))),
    ]));
    request(msg, NLM_F_CREATE | NLM_F_EXCL)
}

/// What `ip link set DEV netns NS` may change on the same line.
#[derive(Debug, Default)]
pub struct Change {
    pub name: Option<String>,
    pub up: Option<bool>,
    pub mtu: Option<u32>,
}

/// `ip link set DEV netns NS [name NEW] [up|down] [mtu N]`.
pub fn move_to(index: u32, netns: &Netns, change: &Change) -> NetlinkMessage<Link> {
    let mut msg = LinkMessage::default();
    msg.header.index = index;
    if let Some(up) = change.up {
        msg.header.change_mask = LinkFlags::Up;
        msg.header.flags = if up { LinkFlags::Up } else { LinkFlags::empty() };
    }
    msg.attributes.push(netns.attribute());
    msg.attributes.extend(change.mtu.map(LinkAttribute::Mtu));
    msg.attributes.extend(change.name.clone().map(LinkAttribute::IfName));
    request(msg, 0)
}

fn request(msg: LinkMessage, flags: u16) -> NetlinkMessage<Link> {
    let mut header = NetlinkHeader::default();
    header.flags = flags;
    NetlinkMessage::new(header, NetlinkPayload::InnerMessage(Link(msg)))
}

#[cfg(all(test, target_endian = "little"))]
mod tests {
    //! Bytes as strace showed them for iproute2 6.1, each named after the command that sent
    //! them, with our sequence number (0) and our descriptors.
    use super::*;
    use netlink_packet_core::{NLM_F_ACK, NLM_F_REQUEST};

    fn bytes_of(mut msg: NetlinkMessage<Link>) -> Vec<u8> {
        msg.header.flags |= NLM_F_REQUEST | NLM_F_ACK;
        msg.finalize();
        let mut out = vec![0; msg.buffer_len()];
        msg.serialize(&mut out);
        out
    }

    fn header(len: u8, flags: u16, index: u8, up: bool) -> Vec<u8> {
        let mut bytes = vec![len, 0, 0, 0, 16, 0];
        bytes.extend_from_slice(&flags.to_le_bytes());
        bytes.extend_from_slice(&[0; 8]);
        bytes.extend_from_slice(&[0, 0, 0, 0, index, 0, 0, 0]);
        bytes.extend_from_slice(if up { &[1, 0, 0, 0, 1, 0, 0, 0] } else { &[0; 8] });
        bytes
    }

    /// An open file standing in for a namespace file, and its descriptor's number.
    fn some_ns() -> (Netns, u8) {
        let file = File::open("/dev/null").unwrap();
        let fd = u8::try_from(file.as_raw_fd()).unwrap();
        (Netns::Named(file), fd)
    }

    #[test]
    fn veth_with_both_ends_in_other_namespaces() {
        // ip link add v0 mtu 1400 netns x type veth peer name v1 netns y
        let ((x, x_fd), (y, y_fd)) = (some_ns(), some_ns());
        let end = End { name: Some("v0".into()), netns: Some(x), mtu: Some(1400), address: None };
        let peer = End { name: Some("v1".into()), netns: Some(y), ..End::default() };
        let mut expected = header(112, 0x605, 0, false);
        expected.extend_from_slice(&[8, 0, 4, 0, 0x78, 5, 0, 0]); // IFLA_MTU 1400
        expected.extend_from_slice(&[8, 0, 28, 0, x_fd, 0, 0, 0]); // IFLA_NET_NS_FD
        expected.extend_from_slice(&[7, 0, 3, 0, b'v', b'0', 0, 0]); // IFLA_IFNAME "v0"
        expected.extend_from_slice(&[56, 0, 18, 0]); // IFLA_LINKINFO
        // IFLA_INFO_KIND: netlink-packet-route ends the kind with a NUL, iproute2 does not
        // (its message is 4 bytes shorter); the kernel reads either.
        expected.extend_from_slice(&[9, 0, 1, 0, b'v', b'e', b't', b'h', 0, 0, 0, 0]);
        expected.extend_from_slice(&[40, 0, 2, 0, 36, 0, 1, 0]); // IFLA_INFO_DATA, VETH_INFO_PEER
        expected.extend_from_slice(&[0; 16]); // the peer's ifinfomsg
        expected.extend_from_slice(&[8, 0, 28, 0, y_fd, 0, 0, 0]); // IFLA_NET_NS_FD
        expected.extend_from_slice(&[7, 0, 3, 0, b'v', b'1', 0, 0]); // IFLA_IFNAME "v1"
        assert_eq!(bytes_of(veth(&end, &peer)), expected);
    }

    #[test]
    fn move_rename_and_bring_up() {
        // ip link set dev v2 netns x name e0 up mtu 1300 (v2 has index 5)
        let (ns, fd) = some_ns();
        let change = Change { name: Some("e0".into()), up: Some(true), mtu: Some(1300) };
        let mut expected = header(56, 5, 5, true);
        expected.extend_from_slice(&[8, 0, 28, 0, fd, 0, 0, 0]);
        expected.extend_from_slice(&[8, 0, 4, 0, 0x14, 5, 0, 0]);
        expected.extend_from_slice(&[7, 0, 3, 0, b'e', b'0', 0, 0]);
        assert_eq!(bytes_of(move_to(5, &ns, &change)), expected);
    }

    #[test]
    fn move_to_a_process_namespace() {
        // ip link set dev v3 netns 1 (v3 has index 7)
        let mut expected = header(40, 5, 7, false);
        expected.extend_from_slice(&[8, 0, 19, 0, 1, 0, 0, 0]); // IFLA_NET_NS_PID 1
        assert_eq!(bytes_of(move_to(7, &Netns::Pid(1), &Change::default())), expected);
    }
}
