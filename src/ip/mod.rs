//! The ip front: under the name `ip`, the link and address commands a busybox system cannot
//! do (carried out here over rtnetlink), and everything else handed to the system's ip.

mod addr;
mod handoff;
mod link;

pub use addr::run as address;
pub use handoff::run as hand_over;
pub use link::run as link;

use netlink_packet_core::NetlinkMessage;

use crate::error::Error;
use crate::netlink::Raw;
use crate::session::Session;

/// Sends one request and waits for the kernel's acknowledgement.
fn send(session: &mut Session, request: NetlinkMessage<Raw>) -> Result<(), Error> {
    Ok(session.rtnl()?.acknowledged(request)?)
}
