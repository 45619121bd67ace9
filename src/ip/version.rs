//! `ip -V`: in front of iproute2's ip, its answer, so that a script checking which iproute2 it
//! has finds the real one; ours where the system's ip is busybox's or there is none, and always
//! under the name `netns`.

use super::handoff::SystemIp;
use crate::error::{self, Error, Prog};
use crate::out;

pub fn run(prog: Prog) -> Result<(), Error> {
    if prog == Prog::Ip
        && let Some(ip) = SystemIp::find().filter(|ip| !ip.busybox)
    {
        let failed = ip.exec(&[], &["-V".into()]);
        return Err(Error::Exec(ip.path, failed));
    }
    out::print(error::version(prog).as_bytes())
}
