//! `ip link add ... type veth [peer ...]`, `ip link set DEV [netns NS] ...` and
//! `ip addr add A.B.C.D/N dev DEV`, done ourselves.

use std::ffi::OsStr;

use netlink_packet_core::NetlinkMessage;

use crate::addr;
use crate::cli::{AddAddress, LinkCommand, LinkEnd};
use crate::error::Error;
use crate::link::{self, Change, End, Netns};
use crate::netlink::Raw;
use crate::sys;

pub fn run(command: LinkCommand) -> Result<(), Error> {
    // The namespace files named in the request must stay open until it is sent.
    match command {
        LinkCommand::AddVeth { end, peer } => {
            let (end, peer) = (resolve(end)?, resolve(peer)?);
            send(link::veth(&end, &peer))
        }
        LinkCommand::Set { dev, netns, name, up, mtu } => {
            let netns = netns.as_deref().map(netns_of).transpose()?;
            let index = index_of(dev)?;
            send(link::set(index, netns.as_ref(), &Change { name, up, mtu }))
        }
    }
}

/// `ip addr add A.B.C.D/N dev DEV`.
pub fn add_address(command: AddAddress) -> Result<(), Error> {
    let index = index_of(command.dev)?;
    send(addr::add(index, command.local, command.prefix))
}

fn index_of(dev: std::ffi::OsString) -> Result<u32, Error> {
    sys::if_nametoindex(&dev).ok_or(Error::NoDevice(dev))
}

fn send(request: NetlinkMessage<Raw>) -> Result<(), Error> {
    super::rtnl()?.acknowledged(request).map_err(super::kernel)
}

fn resolve(end: LinkEnd) -> Result<End, Error> {
    let netns = end.netns.as_deref().map(netns_of).transpose()?;
    Ok(End { name: end.name, netns, mtu: end.mtu, address: end.address })
}

fn netns_of(word: &OsStr) -> Result<Netns, Error> {
    Netns::resolve(word)
        .ok_or_else(|| Error::InvalidArg { arg: word.to_owned(), why: "Invalid \"netns\" value\n" })
}
