//! A blocking NETLINK_ROUTE client for the nsid messages (many lookups in one send, a set with
//! its acknowledgement, and a dump), and gets and dumps of any other messages, handed over
//! unread. Kernel refusals come back as `Kernel`, with the extended-ack text when the kernel
//! gave one.

use std::io;
use std::iter::{self, Flatten};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::vec::Drain;

use netlink_packet_core::{
    DecodeError, NLM_F_ACK, NLM_F_CAPPED, NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR,
    NLMSG_NOOP, NLMSG_OVERRUN, NlasIterator,
};
use netlink_sys::{Socket, SocketAddr, protocols::NETLINK_ROUTE};

use crate::error::{Error, Kernel};

use libc::{RTM_GETNSID, RTM_NEWNSID};

// What the libc crate does not carry of the kernel's netlink headers.
/// linux/netlink.h: the extended-ack attribute with the error's text.
const NLMSGERR_ATTR_MSG: u16 = 1;
/// linux/netlink.h: the length of struct nlmsghdr.
const NLMSG_HDRLEN: usize = 16;
/// linux/net_namespace.h: a peer's id; an open file of it; the namespace the ids are to be
/// seen from; and (asked relative to a target) its id here. Each a 32-bit number.
const NETNSA_NSID: u16 = 1;
const NETNSA_FD: u16 = 3;
const NETNSA_TARGET_NSID: u16 = 4;
const NETNSA_CURRENT_NSID: u16 = 5;
/// linux/veth.h: the attribute that holds a veth pair's other end.
pub const VETH_INFO_PEER: u16 = 1;
/// Lookups sent in one datagram: enough to save the round trips, few enough that the replies
/// fit the receive buffer and the open namespace files stay well under the descriptor limit.
pub const BATCH: usize = 64;

/// A request: its message type, its header flags, and the bytes after the netlink header. One
/// type for every request keeps one copy of the code that sends them; it is not a
/// `NetlinkMessage`, whose payload is an enum of every kind of message, each with its own code
/// to measure, write and drop it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    kind: u16,
    pub flags: u16,
    payload: Vec<u8>,
}

/// A hand-laid request of type `kind` with these header flags.
pub fn raw(kind: u16, flags: u16, payload: Vec<u8>) -> Request {
    Request { kind, flags, payload }
}

impl Request {
    /// Appends the message as it is sent, numbered `seq`: struct nlmsghdr (length, type, flags
    /// with NLM_F_REQUEST, sequence number, port 0: the kernel's), then the payload. The
    /// header is laid out first and appended whole: each append is a call of musl's memcpy,
    /// whose `rep movs` costs more than a few bytes are worth (a sixth of `list`'s time went
    /// to memcpy, appending the header's fields one by one).
    pub fn write(&self, seq: u32, out: &mut Vec<u8>) {
        let len = (NLMSG_HDRLEN + self.payload.len()) as u32;
        let [k0, k1] = self.kind.to_ne_bytes();
        let [f0, f1] = (self.flags | NLM_F_REQUEST).to_ne_bytes();
        let header = [len.to_ne_bytes(), [k0, k1, f0, f1], seq.to_ne_bytes(), [0; 4]];
        out.extend_from_slice(header.as_flattened());
        out.extend_from_slice(&self.payload);
    }
}

/// Appends a netlink attribute: its length (header included, padding not), kind, value, and
/// padding to four bytes, as the kernel wants it. Nested attributes are the bytes of their own
/// attributes. One function for every attribute of every request: netlink-packet-core's
/// `DefaultNla` would lay out the same bytes through a copy of each value and generic code.
pub fn push_attr(bytes: &mut Vec<u8>, kind: u16, value: &[u8]) {
    // A value too long for an attribute (a name from the command line) makes a request the
    // kernel refuses, as too long a name would be.
    let [l0, l1] = u16::try_from(4 + value.len()).unwrap_or(u16::MAX).to_ne_bytes();
    let [k0, k1] = kind.to_ne_bytes();
    bytes.extend_from_slice(&[l0, l1, k0, k1]);
    bytes.extend_from_slice(value);
    bytes.resize(bytes.len().next_multiple_of(4), 0);
}

/// A string attribute: the text and its NUL.
pub fn push_str_attr(bytes: &mut Vec<u8>, kind: u16, text: &[u8]) {
    push_attr(bytes, kind, &[text, b"\0"].concat());
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

impl From<Failure> for Error {
    fn from(failure: Failure) -> Error {
        match failure {
            Failure::Kernel(kernel) => Error::Kernel(kernel),
            Failure::Io(e) => Error::Talk(e),
        }
    }
}

/// A route netlink socket, or the message ip gives when there is none.
pub fn open() -> Result<Rtnl, Error> {
    Rtnl::open().map_err(|_| Error::Rtnetlink)
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Io(e)
    }
}

/// Its buffers are kept from one request to the next, and a batch of lookups allocates none
/// of its own: with thousands of names, the arena is full (see sys::arena), and musl's malloc
/// mapped and unmapped a page for every few batches' buffers (`list` of 10,000 names: 336 of
/// each, and a tenth more time per name than at 1,000).
pub struct Rtnl {
    sock: Socket,
    seq: u32,
    /// The requests being sent, then the datagram received.
    buf: Vec<u8>,
    /// What is left of the last datagram read, its last message first (taken with `pop`).
    unread: Vec<(u32, Reply)>,
    /// A lookup's answers, in the order of its queries.
    answers: Vec<Option<Result<Peer, Kernel>>>,
    /// The kernel checks our requests strictly, and so heeds a dump's target-nsid.
    strict: bool,
}

/// A lookup's answers, in the order of its queries: each the peer, or the kernel's refusal.
pub type Answers<'a> = Flatten<Drain<'a, Option<Result<Peer, Kernel>>>>;

/// What a lookup names: a namespace by an open file of it, or by its id here.
#[derive(Debug, Clone, Copy)]
pub enum Query<'a> {
    File(BorrowedFd<'a>),
    Id(i32),
}

impl Query<'_> {
    fn attribute(self) -> (u16, i32) {
        match self {
            Query::File(fd) => (NETNSA_FD, fd.as_raw_fd()),
            Query::Id(nsid) => (NETNSA_NSID, nsid),
        }
    }
}

impl Rtnl {
    /// A socket with every option this kernel has of the ones we like, each best effort, as in
    /// iproute2: embedded systems run kernels from before them for years, and we do without.
    pub fn open() -> io::Result<Rtnl> {
        let mut sock = Socket::new(NETLINK_ROUTE)?;
        // Port 0: the kernel assigns ours. Not bind_auto, which also asks it back (a system
        // call, and an assertion with its formatting) for nothing.
        sock.bind(&SocketAddr::new(0, 0))?;
        // Refusals in the kernel's own words (4.12).
        let _ = sock.set_ext_ack(true);
        // Errors carry only the request's header back, not the whole request (4.20). Without
        // it they are longer by our request, at most a few hundred bytes: the receive buffer
        // holds them, and the parser steps over the echo.
        let _ = sock.set_cap_ack(true);
        // Without strict checking (4.20) the kernel ignores a dump's target-nsid.
        let strict = sock.set_netlink_get_strict_chk(true).is_ok();
        // Room for a full batch of replies; the default would do too, only with less margin.
        let _ = sock.set_rx_buf_sz(1 << 20);
        let buf = Vec::with_capacity(1 << 16);
        Ok(Rtnl { sock, seq: 0, buf, unread: Vec::new(), answers: Vec::new(), strict })
    }

    /// The peer each query names, seen from `target` when given, or the kernel's refusal (for
    /// a file that is no namespace, an id or a target it does not know). All are asked in one
    /// datagram; callers keep to `BATCH` queries. The queries are a `dyn` iterator, so that
    /// there is one copy of this code, and no vector of them to allocate.
    pub fn lookup(
        &mut self,
        queries: &mut dyn Iterator<Item = Query<'_>>,
        target: Option<i32>,
    ) -> io::Result<Answers<'_>> {
        let first = self.seq.wrapping_add(1);
        self.buf.clear();
        let mut asked = 0;
        for query in queries {
            let attrs = [Some(query.attribute()), target.map(|id| (NETNSA_TARGET_NSID, id))];
            self.seq = self.seq.wrapping_add(1);
            encode(RTM_GETNSID, 0, &attrs).write(self.seq, &mut self.buf);
            asked += 1;
        }
        self.answers.clear();
        // Nothing to ask is no request: an empty datagram would only earn an error.
        if asked > 0 {
            self.sock.send(&self.buf, 0)?;
            self.answers.resize_with(asked, || None);
        }
        let mut unanswered = asked;
        while unanswered > 0 {
            let (index, reply) = self.next_reply(first)?;
            let Some(slot) = self.answers.get_mut(index) else { continue };
            let answer = match reply {
                Reply::Peer(peer) => Ok(peer),
                Reply::Refused(kernel) => Err(kernel),
                Reply::Done | Reply::Ack => continue,
            };
            unanswered -= usize::from(slot.is_none());
            *slot = Some(answer);
        }
        Ok(self.answers.drain(..).flatten())
    }

    /// Gives the namespace behind `fd` the id `nsid` here (-1: the kernel picks one).
    pub fn set_nsid(&mut self, fd: BorrowedFd<'_>, nsid: i32) -> Result<(), Failure> {
        let attrs = [Some((NETNSA_FD, fd.as_raw_fd())), Some((NETNSA_NSID, nsid))];
        self.acknowledged(encode(RTM_NEWNSID, 0, &attrs))
    }

    /// The peer with id `nsid` here, seen from `target` when given.
    pub fn peer(&mut self, nsid: i32, target: Option<i32>) -> Result<Peer, Failure> {
        match self.lookup(&mut iter::once(Query::Id(nsid)), target)?.next() {
            Some(Ok(peer)) => Ok(peer),
            Some(Err(kernel)) => Err(Failure::Kernel(kernel)),
            None => Err(Failure::Io(malformed())),
        }
    }

    /// Every peer that has an id here (or in `target`), in the kernel's order. What was
    /// received before a failure is kept.
    pub fn dump(&mut self, target: Option<i32>) -> (Vec<Peer>, Option<Failure>) {
        match target {
            Some(target) if !self.strict => self.dump_via_peers(target),
            _ => self.dump_as_asked(target),
        }
    }

    fn dump_as_asked(&mut self, target: Option<i32>) -> (Vec<Peer>, Option<Failure>) {
        let request = encode(RTM_GETNSID, NLM_F_DUMP, &[target.map(|id| (NETNSA_TARGET_NSID, id))]);
        let mut peers = Vec::new();
        if let Err(e) = self.send(&request) {
            return (peers, Some(Failure::Io(e)));
        }
        loop {
            match self.next_reply(self.seq) {
                Ok((_, Reply::Peer(peer))) => peers.push(peer),
                Ok((_, Reply::Refused(kernel))) => return (peers, Some(Failure::Kernel(kernel))),
                Ok((_, Reply::Done)) => return (peers, None),
                Ok((_, Reply::Ack)) => {}
                Err(e) => return (peers, Some(Failure::Io(e))),
            }
        }
    }

    /// A dump of the target's ids, where the kernel would ignore the target in a dump and
    /// list ours instead: each of our peers is looked up relative to the target, which the
    /// kernel heeds in a lookup, and those with an id there are kept, in the target's order
    /// (the kernel's). The target is asked about too, so that an unknown one is refused in
    /// the kernel's words. A peer of the target that has no id here is not found this way.
    fn dump_via_peers(&mut self, target: i32) -> (Vec<Peer>, Option<Failure>) {
        let (ours, failure) = self.dump_as_asked(None);
        if failure.is_some() {
            return (Vec::new(), failure);
        }
        let mut queries = Vec::with_capacity(ours.len() + 1);
        for peer in &ours {
            queries.push(Query::Id(peer.nsid));
        }
        if !ours.iter().any(|peer| peer.nsid == target) {
            queries.push(Query::Id(target));
        }
        let mut peers: Vec<Peer> = Vec::new();
        for chunk in queries.chunks(BATCH) {
            let answers = match self.lookup(&mut chunk.iter().copied(), Some(target)) {
                Ok(answers) => answers,
                Err(e) => return (Vec::new(), Some(Failure::Io(e))),
            };
            for answer in answers {
                match answer {
                    // Put in its place (a sort would cost more code than the few peers).
                    Ok(peer) if peer.nsid >= 0 => {
                        peers.insert(peers.partition_point(|p| p.nsid < peer.nsid), peer);
                    }
                    Ok(_) => {}
                    Err(kernel) => return (Vec::new(), Some(Failure::Kernel(kernel))),
                }
            }
        }
        (peers, None)
    }

    /// Sends one request that asks for an acknowledgement, and waits for it.
    pub fn acknowledged(&mut self, mut request: Request) -> Result<(), Failure> {
        request.flags |= NLM_F_ACK;
        self.send(&request)?;
        loop {
            match self.next_reply(self.seq)?.1 {
                Reply::Ack => return Ok(()),
                Reply::Refused(kernel) => return Err(Failure::Kernel(kernel)),
                Reply::Peer(_) | Reply::Done => {}
            }
        }
    }

    /// Sends one request, numbered after the last.
    fn send(&mut self, request: &Request) -> io::Result<()> {
        self.seq = self.seq.wrapping_add(1);
        self.buf.clear();
        request.write(self.seq, &mut self.buf);
        self.sock.send(&self.buf, 0).map(drop)
    }

    /// The next reply to one of the requests sent since the one numbered `first`, and which of
    /// them it answers (0: the first). Replies to earlier requests are passed over.
    fn next_reply(&mut self, first: u32) -> io::Result<(usize, Reply)> {
        let sent = self.seq.wrapping_sub(first);
        loop {
            while let Some((seq, reply)) = self.unread.pop() {
                let index = seq.wrapping_sub(first);
                if index <= sent {
                    return Ok((index as usize, reply));
                }
            }
            self.datagram()?;
            if let Err(e) = split(&self.buf, &mut self.unread) {
                self.unread.clear();
                return Err(e);
            }
            self.unread.reverse();
        }
    }

    /// Reads one datagram into the buffer, which then holds it and nothing else.
    fn datagram(&mut self) -> io::Result<&[u8]> {
        self.buf.clear();
        loop {
            match self.sock.recv(&mut self.buf, 0) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
                Ok(_) => return Ok(&self.buf),
            }
        }
    }

    /// Sends a get, or a dump (a request with NLM_F_DUMP), and hands each message of the
    /// answer to `each`, whole and unread: the one message a get answers with, or every one
    /// up to the end of the dump. The kernel's refusal ends it.
    pub fn fetch(&mut self, request: Request, each: &mut dyn FnMut(&[u8])) -> Result<(), Failure> {
        let dump = request.flags & NLM_F_DUMP != 0;
        self.send(&request)?;
        let seq = self.seq;
        loop {
            let mut bytes = self.datagram()?;
            while !bytes.is_empty() {
                let msg = first_message(bytes).ok_or_else(malformed)?;
                bytes = bytes.get(msg.bytes.len().next_multiple_of(4)..).unwrap_or_default();
                if msg.seq != seq {
                    continue;
                }
                match msg.kind {
                    NLMSG_ERROR | NLMSG_DONE | NLMSG_NOOP | NLMSG_OVERRUN => match reply(&msg)? {
                        Some(Reply::Refused(kernel)) => return Err(Failure::Kernel(kernel)),
                        Some(Reply::Done) => return Ok(()),
                        Some(Reply::Ack | Reply::Peer(_)) | None => {}
                    },
                    _ => {
                        each(msg.bytes);
                        if !dump {
                            return Ok(());
                        }
                    }
                }
            }
        }
    }
}

/// An nsid request: its header, only the address family (AF_UNSPEC in every request), then
/// the attributes given, each a 32-bit number.
pub fn encode(kind: u16, flags: u16, attrs: &[Option<(u16, i32)>]) -> Request {
    let mut payload = vec![0; 4];
    for (attr, value) in attrs.iter().flatten() {
        push_attr(&mut payload, *attr, &value.to_ne_bytes());
    }
    raw(kind, flags, payload)
}

/// The messages packed in one datagram, each with the sequence number of the request it
/// answers, put in `replies` in place of what it held. A malformed message spoils the whole
/// datagram: the messages before it are to be dropped with it.
pub fn split(mut bytes: &[u8], replies: &mut Vec<(u32, Reply)>) -> io::Result<()> {
    replies.clear();
    while !bytes.is_empty() {
        let msg = first_message(bytes).ok_or_else(malformed)?;
        if let Some(reply) = reply(&msg)? {
            replies.push((msg.seq, reply));
        }
        bytes = bytes.get(msg.bytes.len().next_multiple_of(4)..).unwrap_or_default();
    }
    Ok(())
}

/// A message from the kernel: the fields of its header that matter here, and its bytes,
/// header included.
struct Received<'a> {
    kind: u16,
    flags: u16,
    seq: u32,
    bytes: &'a [u8],
}

impl Received<'_> {
    fn payload(&self) -> &[u8] {
        self.bytes.get(NLMSG_HDRLEN..).unwrap_or_default()
    }
}

/// The message at the start of `bytes`, if the length in its header covers at least the header
/// and at most what was received. Its header is read field by field (struct nlmsghdr: length,
/// type, flags, sequence number, port): netlink-packet-core's NetlinkBuffer would check each
/// field's place again as it is read.
fn first_message(bytes: &[u8]) -> Option<Received<'_>> {
    let h: &[u8; NLMSG_HDRLEN] = bytes.first_chunk()?;
    let len = u32::from_ne_bytes([h[0], h[1], h[2], h[3]]) as usize;
    Some(Received {
        kind: u16::from_ne_bytes([h[4], h[5]]),
        flags: u16::from_ne_bytes([h[6], h[7]]),
        seq: u32::from_ne_bytes([h[8], h[9], h[10], h[11]]),
        bytes: bytes.get(..len).filter(|msg| msg.len() >= NLMSG_HDRLEN)?,
    })
}

fn malformed() -> io::Error {
    io::ErrorKind::InvalidData.into()
}

/// Only the errno of a failure is ever shown; the decoder's text would cost its formatting.
fn invalid(_: DecodeError) -> io::Error {
    malformed()
}

/// What one message from the kernel says.
pub enum Reply {
    Peer(Peer),
    Ack,
    Done,
    Refused(Kernel),
}

/// What a message from the kernel says: an nsid message (the only kind we ask for), an ack,
/// the end of a dump, or a refusal; nothing for a message that says nothing (NLMSG_NOOP).
fn reply(msg: &Received<'_>) -> io::Result<Option<Reply>> {
    let payload = msg.payload();
    Ok(Some(match msg.kind {
        NLMSG_ERROR => match errno_first(payload)? {
            (0, _) => Reply::Ack,
            (code, echoed) => {
                let capped = msg.flags & NLM_F_CAPPED != 0;
                Reply::Refused(refusal(code, acked_tlvs(echoed, capped)))
            }
        },
        // The kernel may end a dump without even the errno.
        NLMSG_DONE if payload.is_empty() => Reply::Done,
        NLMSG_DONE => match errno_first(payload)? {
            (0, _) => Reply::Done,
            (code, tlvs) => Reply::Refused(refusal(code, tlvs)),
        },
        NLMSG_NOOP => return Ok(None),
        // Messages were lost: what we would make of the rest could be wrong.
        NLMSG_OVERRUN => return Err(io::Error::from_raw_os_error(libc::ENOBUFS)),
        _ => Reply::Peer(Peer::parse(payload)?),
    }))
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

/// The text as the kernel wrote it, bytes and all, as iproute2 prints it.
fn ext_ack_text(tlvs: &[u8]) -> Option<Vec<u8>> {
    NlasIterator::new(tlvs).flatten().find(|nla| nla.kind() == NLMSGERR_ATTR_MSG).map(|nla| {
        let text = nla.value();
        text.split(|b| *b == 0).next().unwrap_or_default().to_vec()
    })
}

/// Netlink bytes written out field by field for the golden tests: strace's captures from a
/// little-endian machine, stated in native order so that they hold on big-endian ones too.
#[cfg(test)]
pub mod golden {
    /// struct nlmsghdr: length, type, flags, sequence number, port (0: the kernel's).
    pub fn header(len: u32, kind: u16, flags: u16, seq: u32) -> Vec<u8> {
        let mut bytes = len.to_ne_bytes().to_vec();
        bytes.extend_from_slice(&kind.to_ne_bytes());
        bytes.extend_from_slice(&flags.to_ne_bytes());
        bytes.extend_from_slice(&seq.to_ne_bytes());
        bytes.extend_from_slice(&[0; 4]);
        bytes
    }

    /// An attribute: its length (header included, padding not), type, value, padding.
    pub fn nla(kind: u16, value: &[u8]) -> Vec<u8> {
        let len = u16::try_from(4 + value.len()).unwrap();
        let mut bytes = len.to_ne_bytes().to_vec();
        bytes.extend_from_slice(&kind.to_ne_bytes());
        bytes.extend_from_slice(value);
        bytes.resize(bytes.len().next_multiple_of(4), 0);
        bytes
    }

    pub fn u32_nla(kind: u16, value: u32) -> Vec<u8> {
        nla(kind, &value.to_ne_bytes())
    }
}

#[cfg(test)]
mod tests {
    //! Bytes as strace showed them for iproute2 6.1 on kernel 6.18 (sequence number 0x6b03_1b2e),
    //! each named after the command that produced them.
    use super::golden::{header, nla, u32_nla};
    use super::*;

    const SEQ: u32 = 0x6b03_1b2e;
    const NLMSGERR_ATTR_OFFS: u16 = 2;
    /// NLM_F_ACK_TLVS, and with NLM_F_CAPPED.
    const ACK_TLVS: u16 = 0x200;
    const CAPPED_TLVS: u16 = 0x300;

    fn bytes_of(request: &Request) -> Vec<u8> {
        let mut out = Vec::new();
        request.write(SEQ, &mut out);
        out
    }

    /// `ip netns list`: RTM_GETNSID for the namespace file open as descriptor 6.
    fn get_by_fd() -> Vec<u8> {
        let mut bytes = header(28, RTM_GETNSID, 1, SEQ);
        bytes.extend_from_slice(&[0; 4]);
        bytes.extend(u32_nla(NETNSA_FD, 6));
        bytes
    }

    /// `ip netns set a 20`: RTM_NEWNSID with the descriptor, then the id, asking for an ack.
    fn set_20() -> Vec<u8> {
        let mut bytes = header(36, RTM_NEWNSID, 5, SEQ);
        bytes.extend_from_slice(&[0; 4]);
        bytes.extend(u32_nla(NETNSA_FD, 6));
        bytes.extend(u32_nla(NETNSA_NSID, 20));
        bytes
    }

    fn already_assigned_tlvs() -> Vec<u8> {
        let mut tlvs = nla(NLMSGERR_ATTR_MSG, b"Peer netns already has a nsid assigned\0");
        tlvs.extend(u32_nla(NLMSGERR_ATTR_OFFS, 20));
        tlvs
    }

    #[test]
    fn requests_are_laid_out_as_iproute2s() {
        let fd = Some((NETNSA_FD, 6));
        assert_eq!(bytes_of(&encode(RTM_GETNSID, 0, &[fd])), get_by_fd());
        let set = encode(RTM_NEWNSID, NLM_F_ACK, &[fd, Some((NETNSA_NSID, 20))]);
        assert_eq!(bytes_of(&set), set_20());
    }

    #[test]
    fn a_reply_gives_the_peers_id() {
        // `ip netns list`, namespace a with id 5.
        let mut bytes = header(28, RTM_NEWNSID, 0, SEQ);
        bytes.extend_from_slice(&[0; 4]);
        bytes.extend(u32_nla(NETNSA_NSID, 5));
        let replies = split_all(&bytes).unwrap();
        assert_eq!(replies.len(), 1);
        assert!(matches!(replies[0], (SEQ, Reply::Peer(Peer { nsid: 5, current: None }))));
    }

    fn split_all(bytes: &[u8]) -> io::Result<Vec<(u32, Reply)>> {
        let mut replies = Vec::new();
        split(bytes, &mut replies).map(|()| replies)
    }

    fn refusal(bytes: &[u8]) -> Kernel {
        match split_all(bytes).unwrap().into_iter().next().unwrap() {
            (_, Reply::Refused(kernel)) => kernel,
            _ => panic!("not a refusal"),
        }
    }

    #[test]
    fn a_refusal_carries_errno_and_extended_ack_text() {
        let expected = Kernel {
            errno: libc::EEXIST,
            message: Some(b"Peer netns already has a nsid assigned".to_vec()),
        };
        // As iproute2 received it: the whole request echoed, then the attributes.
        let mut full = header(108, NLMSG_ERROR, ACK_TLVS, SEQ);
        full.extend_from_slice(&(-libc::EEXIST).to_ne_bytes());
        full.extend_from_slice(&set_20());
        full.extend_from_slice(&already_assigned_tlvs());
        assert_eq!(refusal(&full), expected);
        // As we receive it, with NETLINK_CAP_ACK: only the request's header echoed.
        let mut capped = header(88, NLMSG_ERROR, CAPPED_TLVS, SEQ);
        capped.extend_from_slice(&(-libc::EEXIST).to_ne_bytes());
        capped.extend_from_slice(&set_20()[..16]);
        capped.extend_from_slice(&already_assigned_tlvs());
        assert_eq!(refusal(&capped), expected);
    }

    #[test]
    fn an_ack_and_several_messages_in_one_datagram() {
        let mut ack = header(36, NLMSG_ERROR, 0x100, SEQ);
        ack.extend_from_slice(&[0; 4]);
        ack.extend_from_slice(&set_20()[..16]);
        let mut two = ack.clone();
        two.extend_from_slice(&ack);
        let replies = split_all(&two).unwrap();
        assert_eq!(replies.len(), 2);
        assert!(replies.iter().all(|r| matches!(r, (_, Reply::Ack))));
    }

    #[test]
    fn a_noop_says_nothing_and_an_overrun_is_an_error() {
        let noop = header(16, NLMSG_NOOP, 0, SEQ);
        assert!(split_all(&noop).unwrap().is_empty());
        let overrun = header(16, NLMSG_OVERRUN, 0, SEQ);
        assert_eq!(split_all(&overrun).err().and_then(|e| e.raw_os_error()), Some(libc::ENOBUFS));
    }

    #[test]
    fn truncated_bytes_are_an_error_not_a_panic() {
        let bytes = get_by_fd();
        for len in 1..bytes.len() {
            assert!(split_all(&bytes[..len]).is_err(), "{len}");
        }
    }
}
