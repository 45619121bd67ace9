//! A blocking NETLINK_ROUTE client for the nsid messages: many lookups in one send, a set with
//! its acknowledgement, and a dump. Kernel refusals come back as `Kernel`, with the
//! extended-ack text when the kernel gave one.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

use netlink_packet_core::{
    DecodeError, Emitable, NLM_F_ACK, NLM_F_CAPPED, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE,
    NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN, NetlinkBuffer, NetlinkHeader, NetlinkMessage,
    NetlinkPayload, NetlinkSerializable, NlasIterator,
};
use netlink_packet_route::nsid::NsidAttribute;
use netlink_sys::{Socket, protocols::NETLINK_ROUTE};

use crate::error::Kernel;

const RTM_NEWNSID: u16 = 88;
const RTM_GETNSID: u16 = 90;
const NLMSGERR_ATTR_MSG: u16 = 1;
const NLMSG_HDRLEN: usize = 16;
const NETNSA_NSID: u16 = 1;
const NETNSA_CURRENT_NSID: u16 = 5;
/// Lookups sent in one datagram: enough to save the round trips, few enough that the replies
/// fit the receive buffer and the open namespace files stay well under the descriptor limit.
pub const BATCH: usize = 64;

/// A request: its message type, and the bytes after the netlink header. One type for every
/// request keeps one copy of the code that sends them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raw {
    kind: u16,
    payload: Vec<u8>,
}

impl NetlinkSerializable for Raw {
    fn message_type(&self) -> u16 {
        self.kind
    }

    fn buffer_len(&self) -> usize {
        self.payload.len()
    }

    fn serialize(&self, buffer: &mut [u8]) {
        buffer.copy_from_slice(&self.payload)
    }
}

/// A hand-laid request of type `kind` with these header flags.
pub fn raw(kind: u16, flags: u16, payload: Vec<u8>) -> NetlinkMessage<Raw> {
    let mut header = NetlinkHeader::default();
    header.flags = flags;
    NetlinkMessage::new(header, NetlinkPayload::InnerMessage(Raw { kind, payload }))
}

/// A fixed header, then netlink attributes laid out one after the other, padded as the kernel
/// wants them.
pub fn attributes(header: &[u8], attrs: &[netlink_packet_core::DefaultNla]) -> Vec<u8> {
    let mut bytes = vec![0; header.len() + attrs.buffer_len()];
    bytes[..header.len()].copy_from_slice(header);
    attrs.emit(&mut bytes[header.len()..]);
    bytes
}

/// What the kernel says of one peer namespace: its id here and, asked relative to a target
/// namespace, its id there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    pub nsid: i32,
    pub current: Option<i32>,
}

impl Peer {
    /// The peer an nsid message describes, read from its attributes (after the 4-byte family)
    /// directly: `NsidMessage::parse` would collect every attribute, with an error text for
    /// each kind, only for two to be picked. As there, a message is malformed when one of the
    /// nsid attributes (`NETNSA_NSID` to `NETNSA_CURRENT_NSID`) is not a 4-byte number.
    fn parse(payload: &[u8]) -> io::Result<Peer> {
        let attrs = payload.get(4..).ok_or_else(malformed)?;
        let mut peer = Peer { nsid: -1, current: None };
        for nla in NlasIterator::new(attrs) {
            let nla = nla.map_err(invalid)?;
            let kind = nla.kind();
            if !(NETNSA_NSID..=NETNSA_CURRENT_NSID).contains(&kind) {
                continue;
            }
            let value = i32::from_ne_bytes(nla.value().try_into().map_err(|_| malformed())?);
            match kind {
                NETNSA_NSID => peer.nsid = value,
                NETNSA_CURRENT_NSID => peer.current = Some(value),
                _ => {}
            }
        }
        Ok(peer)
    }
}

#[derive(Debug)]
pub enum Failure {
    Io(io::Error),
    Kernel(Kernel),
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Io(e)
    }
}

pub struct Rtnl {
    sock: Socket,
    seq: u32,
    buf: Vec<u8>,
    /// The rest of the last datagram read.
    unread: std::vec::IntoIter<(u32, Reply)>,
}

impl Rtnl {
    pub fn open() -> io::Result<Rtnl> {
        let mut sock = Socket::new(NETLINK_ROUTE)?;
        sock.bind_auto()?;
        sock.set_ext_ack(true)?;
        // Errors then carry only the request's header, not the whole request back.
        sock.set_cap_ack(true)?;
        // Without strict checking the kernel ignores a dump's target-nsid.
        sock.set_netlink_get_strict_chk(true)?;
        // Room for a full batch of replies; the default would do too, only with less margin.
        let _ = sock.set_rx_buf_sz(1 << 20);
        Ok(Rtnl { sock, seq: 0, buf: Vec::with_capacity(1 << 16), unread: Vec::new().into_iter() })
    }

    /// The nsid each namespace has here (-1: none assigned), or the kernel's refusal (for a file
    /// that is no namespace). Asks for all of them in one datagram per `BATCH`.
    pub fn nsids_of(&mut self, fds: &[BorrowedFd<'_>]) -> io::Result<Vec<Result<i32, Kernel>>> {
        let first = self.seq.wrapping_add(1);
        let requests: Vec<_> = fds
            .iter()
            .map(|fd| self.request(RTM_GETNSID, NLM_F_REQUEST, vec![fd_attr(*fd)]))
            .collect();
        self.send(&requests)?;
        let mut answers: Vec<Option<Result<i32, Kernel>>> = vec![None; fds.len()];
        while answers.iter().any(Option::is_none) {
            let (index, reply) = self.next_reply(first)?;
            let Some(slot) = answers.get_mut(index) else { continue };
            *slot = match reply {
                Reply::Peer(peer) => Some(Ok(peer.nsid)),
                Reply::Refused(kernel) => Some(Err(kernel)),
                Reply::Done | Reply::Ack | Reply::Message(_) => continue,
            };
        }
        Ok(answers.into_iter().flatten().collect())
    }

    /// Gives the namespace behind `fd` the id `nsid` here (-1: the kernel picks one).
    pub fn set_nsid(&mut self, fd: BorrowedFd<'_>, nsid: i32) -> Result<(), Failure> {
        let attrs = vec![fd_attr(fd), NsidAttribute::Id(nsid)];
        self.acknowledged(encode(RTM_NEWNSID, 0, 0, attrs))
    }

    /// The peer with id `nsid` here, seen from `target` when given.
    pub fn peer(&mut self, nsid: i32, target: Option<i32>) -> Result<Peer, Failure> {
        let mut attrs = vec![NsidAttribute::Id(nsid)];
        attrs.extend(target.map(NsidAttribute::TargetNsid));
        let request = self.request(RTM_GETNSID, NLM_F_REQUEST, attrs);
        self.send(&[request])?;
        loop {
            match self.next_reply(self.seq)?.1 {
                Reply::Peer(peer) => return Ok(peer),
                Reply::Refused(kernel) => return Err(Failure::Kernel(kernel)),
                Reply::Ack | Reply::Done | Reply::Message(_) => {}
            }
        }
    }

    /// Every peer that has an id here (or in `target`), in the kernel's order. What was
    /// received before a failure is kept.
    pub fn dump(&mut self, target: Option<i32>) -> (Vec<Peer>, Option<Failure>) {
        let attrs = target.map(NsidAttribute::TargetNsid).into_iter().collect();
        let request = self.request(RTM_GETNSID, NLM_F_REQUEST | NLM_F_DUMP, attrs);
        self.collect(request, |reply| match reply {
            Reply::Peer(peer) => Some(peer),
            _ => None,
        })
    }

    /// The payload of every message a dump request of another kind (links, addresses) brings
    /// back, in the kernel's order. What was received before a failure is kept.
    pub fn dump_messages(
        &mut self,
        mut request: NetlinkMessage<Raw>,
    ) -> (Vec<Vec<u8>>, Option<Failure>) {
        self.seq = self.seq.wrapping_add(1);
        request.header.sequence_number = self.seq;
        request.header.flags |= NLM_F_REQUEST | NLM_F_DUMP;
        request.finalize();
        self.collect(request, |reply| match reply {
            Reply::Message(payload) => Some(payload),
            _ => None,
        })
    }

    /// Sends a dump request and keeps what `pick` takes of each reply, up to the end.
    fn collect<T>(
        &mut self,
        request: NetlinkMessage<Raw>,
        pick: impl Fn(Reply) -> Option<T>,
    ) -> (Vec<T>, Option<Failure>) {
        let mut kept = Vec::new();
        if let Err(e) = self.send(&[request]) {
            return (kept, Some(Failure::Io(e)));
        }
        loop {
            match self.next_reply(self.seq) {
                Ok((_, Reply::Refused(kernel))) => return (kept, Some(Failure::Kernel(kernel))),
                Ok((_, Reply::Done)) => return (kept, None),
                Ok((_, reply)) => kept.extend(pick(reply)),
                Err(e) => return (kept, Some(Failure::Io(e))),
            }
        }
    }

    fn request(&mut self, kind: u16, flags: u16, attrs: Vec<NsidAttribute>) -> NetlinkMessage<Raw> {
        self.seq = self.seq.wrapping_add(1);
        encode(kind, flags, self.seq, attrs)
    }

    /// Sends one request that asks for an acknowledgement, and waits for it.
    pub fn acknowledged(&mut self, mut request: NetlinkMessage<Raw>) -> Result<(), Failure> {
        self.seq = self.seq.wrapping_add(1);
        request.header.sequence_number = self.seq;
        request.header.flags |= NLM_F_REQUEST | NLM_F_ACK;
        request.finalize();
        self.send(&[request])?;
        loop {
            match self.next_reply(self.seq)?.1 {
                Reply::Ack => return Ok(()),
                Reply::Refused(kernel) => return Err(Failure::Kernel(kernel)),
                Reply::Peer(_) | Reply::Done | Reply::Message(_) => {}
            }
        }
    }

    fn send(&mut self, msgs: &[NetlinkMessage<Raw>]) -> io::Result<()> {
        let mut out = vec![0; msgs.iter().map(NetlinkMessage::buffer_len).sum()];
        let mut at = 0;
        for msg in msgs {
            let len = msg.buffer_len();
            msg.serialize(&mut out[at..at + len]);
            at += len;
        }
        self.sock.send(&out, 0).map(drop)
    }

    /// The next reply to one of the requests sent since the one numbered `first`, and which of
    /// them it answers (0: the first). Replies to earlier requests are passed over.
    fn next_reply(&mut self, first: u32) -> io::Result<(usize, Reply)> {
        let sent = self.seq.wrapping_sub(first);
        loop {
            for (seq, reply) in self.unread.by_ref() {
                let index = seq.wrapping_sub(first);
                if index <= sent {
                    return Ok((index as usize, reply));
                }
            }
            self.unread = self.recv()?.into_iter();
        }
    }

    /// One datagram's messages.
    fn recv(&mut self) -> io::Result<Vec<(u32, Reply)>> {
        self.buf.clear();
        let len = loop {
            match self.sock.recv(&mut self.buf, 0) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        split(&self.buf[..len])
    }
}

fn fd_attr(fd: BorrowedFd<'_>) -> NsidAttribute {
    // A descriptor is never negative, so it always fits.
    NsidAttribute::Fd(u32::try_from(fd.as_raw_fd()).unwrap_or_default())
}

/// An nsid request. Its header is only the address family, AF_UNSPEC in every request: written
/// as zeros rather than by `NsidHeader`, whose conversion links a table of every family.
pub fn encode(kind: u16, flags: u16, seq: u32, attrs: Vec<NsidAttribute>) -> NetlinkMessage<Raw> {
    let attrs = attrs.as_slice();
    let mut payload = vec![0; 4 + attrs.buffer_len()];
    attrs.emit(&mut payload[4..]);
    let mut msg = raw(kind, flags, payload);
    msg.header.sequence_number = seq;
    msg.finalize();
    msg
}

/// The messages packed in one datagram, each with the sequence number of the request it
/// answers. A malformed message spoils the whole datagram.
pub fn split(mut bytes: &[u8]) -> io::Result<Vec<(u32, Reply)>> {
    let mut replies = Vec::new();
    while !bytes.is_empty() {
        let msg = first_message(bytes).ok_or_else(malformed)?;
        replies.push((msg.sequence_number(), reply(&msg)?));
        bytes = bytes.get(msg.buffer.len().next_multiple_of(4)..).unwrap_or_default();
    }
    Ok(replies)
}

/// The message at the start of `bytes`, if the length in its header covers at least the header
/// and at most what was received. Checked here rather than by `NetlinkBuffer::new_checked`,
/// whose error texts would never be shown.
fn first_message(bytes: &[u8]) -> Option<NetlinkBuffer<&[u8]>> {
    let len = u32::from_ne_bytes(*bytes.first_chunk()?) as usize;
    let msg = bytes.get(..len).filter(|msg| msg.len() >= NLMSG_HDRLEN)?;
    Some(NetlinkBuffer::new(msg))
}

fn malformed() -> io::Error {
    io::ErrorKind::InvalidData.into()
}

/// Only the errno of a failure is ever shown; the decoder's text would cost its formatting.
fn invalid(_: DecodeError) -> io::Error {
    malformed()
}

/// What one message from the kernel says (public for the fuzz target).
pub enum Reply {
    Peer(Peer),
    /// Any other message (a link, an address): its payload, for the caller to read.
    Message(Vec<u8>),
    Ack,
    Done,
    Refused(Kernel),
}

/// What a message from the kernel says: an nsid message, another kind of message, an ack, the
/// end of a dump, or a refusal.
fn reply(msg: &NetlinkBuffer<&[u8]>) -> io::Result<Reply> {
    let payload = msg.payload();
    Ok(match msg.message_type() {
        NLMSG_ERROR => match errno_first(payload)? {
            (0, _) => Reply::Ack,
            (code, echoed) => {
                let capped = msg.flags() & NLM_F_CAPPED != 0;
                Reply::Refused(refusal(code, acked_tlvs(echoed, capped)))
            }
        },
        // The kernel may end a dump without even the errno.
        NLMSG_DONE if payload.is_empty() => Reply::Done,
        NLMSG_DONE => match errno_first(payload)? {
            (0, _) => Reply::Done,
            (code, tlvs) => Reply::Refused(refusal(code, tlvs)),
        },
        NLMSG_NOOP | NLMSG_OVERRUN => Reply::Ack,
        RTM_NEWNSID => Reply::Peer(Peer::parse(payload)?),
        _ => Reply::Message(payload.to_vec()),
    })
}

/// An error message and the end of a dump start with the (negative) errno; 0 is success.
fn errno_first(payload: &[u8]) -> io::Result<(i32, &[u8])> {
    let (code, rest) = payload.split_first_chunk().ok_or_else(malformed)?;
    Ok((i32::from_ne_bytes(*code), rest))
}

fn refusal(code: i32, tlvs: &[u8]) -> Kernel {
    Kernel { errno: errno(code), message: ext_ack_text(tlvs) }
}

/// The kernel sends a negative errno. A malformed message could carry one that has no
/// positive counterpart; it reads as the largest unknown errno instead of overflowing.
fn errno(code: i32) -> i32 {
    code.saturating_neg()
}

/// An error message repeats the request (only its header when capped); the extended-ack
/// attributes come after it.
fn acked_tlvs(echoed: &[u8], capped: bool) -> &[u8] {
    let request_len = match (capped, echoed.get(..4)) {
        (false, Some(len)) => u32::from_ne_bytes([len[0], len[1], len[2], len[3]]) as usize,
        _ => 16,
    };
    echoed.get(request_len.next_multiple_of(4)..).unwrap_or_default()
}

fn ext_ack_text(tlvs: &[u8]) -> Option<String> {
    NlasIterator::new(tlvs).flatten().find(|nla| nla.kind() == NLMSGERR_ATTR_MSG).map(|nla| {
        let text = nla.value();
        let text = text.split(|b| *b == 0).next().unwrap_or_default();
        String::from_utf8_lossy(text).into_owned()
    })
}

#[cfg(all(test, target_endian = "little"))]
mod tests {
    //! Bytes as strace showed them for iproute2 6.1 on kernel 6.18 (sequence number 0x6b03_1b2e),
    //! each named after the command that produced them.
    use super::*;

    const SEQ: [u8; 4] = [0x2e, 0x1b, 0x03, 0x6b];

    fn header(len: u8, kind: u8, flags: [u8; 2]) -> Vec<u8> {
        let mut bytes = vec![len, 0, 0, 0, kind, 0, flags[0], flags[1]];
        bytes.extend_from_slice(&SEQ);
        bytes.extend_from_slice(&[0; 4]);
        bytes
    }

    fn bytes_of(msg: &NetlinkMessage<Raw>) -> Vec<u8> {
        let mut out = vec![0; msg.buffer_len()];
        msg.serialize(&mut out);
        out
    }

    /// `ip netns list`: RTM_GETNSID for the namespace file open as descriptor 6.
    fn get_by_fd() -> Vec<u8> {
        let mut bytes = header(28, 90, [1, 0]);
        bytes.extend_from_slice(&[0, 0, 0, 0, 8, 0, 3, 0, 6, 0, 0, 0]);
        bytes
    }

    /// `ip netns set a 20`: RTM_NEWNSID with the descriptor, then the id, asking for an ack.
    fn set_20() -> Vec<u8> {
        let mut bytes = header(36, 88, [5, 0]);
        bytes.extend_from_slice(&[0, 0, 0, 0, 8, 0, 3, 0, 6, 0, 0, 0, 8, 0, 1, 0, 20, 0, 0, 0]);
        bytes
    }

    fn already_assigned_tlvs() -> Vec<u8> {
        let text = b"Peer netns already has a nsid assigned\0";
        let mut tlvs = vec![43, 0, 1, 0];
        tlvs.extend_from_slice(text);
        tlvs.push(0);
        tlvs.extend_from_slice(&[8, 0, 2, 0, 20, 0, 0, 0]);
        tlvs
    }

    #[test]
    fn requests_are_laid_out_as_iproute2s() {
        let seq = u32::from_le_bytes(SEQ);
        let fd = NsidAttribute::Fd(6);
        assert_eq!(
            bytes_of(&encode(RTM_GETNSID, NLM_F_REQUEST, seq, vec![fd.clone()])),
            get_by_fd()
        );
        let set =
            encode(RTM_NEWNSID, NLM_F_REQUEST | NLM_F_ACK, seq, vec![fd, NsidAttribute::Id(20)]);
        assert_eq!(bytes_of(&set), set_20());
    }

    #[test]
    fn a_reply_gives_the_peers_id() {
        // `ip netns list`, namespace a with id 5.
        let mut bytes = header(28, 88, [0, 0]);
        bytes.extend_from_slice(&[0, 0, 0, 0, 8, 0, 1, 0, 5, 0, 0, 0]);
        let replies = split(&bytes).unwrap();
        assert_eq!(replies.len(), 1);
        assert!(matches!(replies[0], (0x6b03_1b2e, Reply::Peer(Peer { nsid: 5, current: None }))));
    }

    fn refusal(bytes: &[u8]) -> Kernel {
        match split(bytes).unwrap().into_iter().next().unwrap() {
            (_, Reply::Refused(kernel)) => kernel,
            _ => panic!("not a refusal"),
        }
    }

    #[test]
    fn a_refusal_carries_errno_and_extended_ack_text() {
        let expected = Kernel {
            errno: libc::EEXIST,
            message: Some("Peer netns already has a nsid assigned".into()),
        };
        // As iproute2 received it: the whole request echoed, then the attributes.
        let mut full = header(108, 2, [0, 2]);
        full.extend_from_slice(&(-libc::EEXIST).to_le_bytes());
        full.extend_from_slice(&set_20());
        full.extend_from_slice(&already_assigned_tlvs());
        assert_eq!(refusal(&full), expected);
        // As we receive it, with NETLINK_CAP_ACK: only the request's header echoed.
        let mut capped = header(88, 2, [0, 3]);
        capped.extend_from_slice(&(-libc::EEXIST).to_le_bytes());
        capped.extend_from_slice(&set_20()[..16]);
        capped.extend_from_slice(&already_assigned_tlvs());
        assert_eq!(refusal(&capped), expected);
    }

    #[test]
    fn an_ack_and_several_messages_in_one_datagram() {
        let mut ack = header(36, 2, [0, 1]);
        ack.extend_from_slice(&[0; 4]);
        ack.extend_from_slice(&set_20()[..16]);
        let mut two = ack.clone();
        two.extend_from_slice(&ack);
        let replies = split(&two).unwrap();
        assert_eq!(replies.len(), 2);
        assert!(replies.iter().all(|r| matches!(r, (_, Reply::Ack))));
    }

    #[test]
    fn truncated_bytes_are_an_error_not_a_panic() {
        let bytes = get_by_fd();
        for len in 1..bytes.len() {
            assert!(split(&bytes[..len]).is_err(), "{len}");
        }
    }
}
