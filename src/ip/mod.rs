//! The ip front: under the name `ip`, the link and address commands a busybox system cannot
//! do (carried out here over rtnetlink), tun and tap devices, the link and address listings
//! busybox's ip lacks, `-V`, and everything else handed to the system's ip.

mod addr;
mod handoff;
mod link;
mod msg;
mod out;
mod print;
mod show;
mod tun;
mod tuntap;
mod version;

pub use addr::run as address;
pub use handoff::run as hand_over;
pub use link::run as link;
pub use show::run as listing;
pub use tuntap::run as tuntap;
pub use version::run as version;

use crate::error::Error;
use crate::netlink::Request;
use crate::session::Session;

/// Sends one request and waits for the kernel's acknowledgement.
fn send(session: &mut Session, request: Request) -> Result<(), Error> {
    Ok(session.rtnl()?.acknowledged(request)?)
}
