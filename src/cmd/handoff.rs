//! Commands for the system's ip: run under the same options, in the namespace `-n` names.

use std::ffi::OsString;

use crate::cli::Options;
use crate::enter;
use crate::error::Error;
use crate::handoff::SystemIp;

/// `ip [OPTIONS] OBJECT ...` by the system's ip. With -n, the network namespace was joined
/// already; as `ip -n` does, the command also gets the namespace's own /sys and /etc files.
pub fn run(opts: &Options, words: &[OsString], batch: bool, known: bool) -> Result<(), Error> {
    let object = words.first().cloned().unwrap_or_default();
    let Some(ip) = SystemIp::find() else {
        return Err(if known { Error::NoSystemIp(object) } else { Error::UnknownObject(object) });
    };
    let hand_over = || match opts.netns.as_deref().map(enter::isolate).transpose() {
        Ok(_) => ip.exec(&opts.pass, words),
        Err(err) => err,
    };
    if batch {
        return super::status(super::in_child(hand_over)?);
    }
    Err(hand_over())
}
