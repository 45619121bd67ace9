//! An IPv4 address on a link, as an rtnetlink message: `ip addr add A.B.C.D/N dev DEV`, which a
//! namespace's links need before anything crosses them. Laid out as iproute2 lays it out.

use libc::{IFA_ADDRESS, IFA_LOCAL, RTM_NEWADDR};
use netlink_packet_core::{NLM_F_CREATE, NLM_F_EXCL};

use crate::cli::AddAddress;
use crate::error::Error;
use crate::netlink::{Request, push_attr, raw};
use crate::session::Session;

/// The address family in the message's one byte for it.
const AF_INET: u8 = libc::AF_INET as u8;

/// `ip addr add A.B.C.D/N dev DEV`.
pub fn run(command: AddAddress<'_>, session: &mut Session) -> Result<(), Error> {
    let index = super::link::index_of(command.dev)?;
    super::send(session, add(index, command.local, command.prefix))
}

/// `ip addr add LOCAL/PREFIX dev DEV`, DEV being the link with this index.
pub fn add(index: u32, local: [u8; 4], prefix: u8) -> Request {
    // struct ifaddrmsg: family, prefix length, flags, scope (universe), index.
    let mut bytes = [[AF_INET, prefix, 0, 0], index.to_ne_bytes()].as_flattened().to_vec();
    // Without a peer, the address is both the local one and the interface's.
    push_attr(&mut bytes, IFA_LOCAL, &local);
    push_attr(&mut bytes, IFA_ADDRESS, &local);
    raw(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, bytes)
}

#[cfg(test)]
mod tests {
    use netlink_packet_core::NLM_F_ACK;

    use super::*;
    use crate::netlink::golden::{header, nla};

    #[test]
    fn as_iproute2_sends_it() {
        // ip addr add 198.18.0.1/24 dev v0 (v0 has index 3), as strace showed it.
        let mut msg = add(3, [198, 18, 0, 1], 24);
        msg.flags |= NLM_F_ACK;
        let mut bytes = Vec::new();
        msg.write(0, &mut bytes);
        let mut expected = header(40, RTM_NEWADDR, 0x605, 0);
        expected.extend_from_slice(&[AF_INET, 24, 0, 0]);
        expected.extend_from_slice(&3u32.to_ne_bytes());
        expected.extend(nla(IFA_LOCAL, &[198, 18, 0, 1]));
        expected.extend(nla(IFA_ADDRESS, &[198, 18, 0, 1]));
        assert_eq!(bytes, expected);
    }
}
