//! `ip link add ... type veth [peer ...]` and `ip link set DEV netns NS ...`, done ourselves.

use std::ffi::OsStr;

use crate::cli::{LinkCommand, LinkEnd};
use crate::error::Error;
use crate::link::{self, Change, End, Netns};
use crate::sys;

pub fn run(command: LinkCommand) -> Result<(), Error> {
    // The namespace files named in the request must stay open until it is sent.
    match command {
        LinkCommand::AddVeth { end, peer } => {
            let (end, peer) = (resolve(end)?, resolve(peer)?);
            send(link::veth(&end, &peer))
        }
        LinkCommand::Move { dev, netns, name, up, mtu } => {
            let netns = netns_of(&netns)?;
            let index = sys::if_nametoindex(&dev).ok_or(Error::NoDevice(dev))?;
            send(link::move_to(index, &netns, &Change { name, up, mtu }))
        }
    }
}

fn send(request: netlink_packet_core::NetlinkMessage<link::Link>) -> Result<(), Error> {
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
