//! `ip -V`: in front of iproute2's ip, its answer, so that a script checking which iproute2 it
//! has finds the real one; ours where the system's ip is busybox's or there is none, and always
//! under the name `netns`.

use crate::error::{self, Error, Prog};
use crate::handoff::SystemIp;

pub fn run(prog: Prog) -> Result<(), Error> {
    if prog == Prog::Ip
        && let Some(ip) = SystemIp::find().filter(|ip| !ip.busybox)
    {
        return Err(ip.exec(&[], &["-V".into()]));
    }
    crate::cmd::print(error::version(prog).as_bytes())
}
