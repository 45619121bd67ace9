//! `set NAME NETNSID|auto`: gives a namespace its id in ours.

use std::ffi::OsStr;
use std::os::fd::AsFd;

use crate::error::Error;
use crate::netns;
use crate::session::Session;

pub fn run(session: &mut Session, name: &OsStr, nsid: i32) -> Result<(), Error> {
    let ns = netns::open(name).map_err(|e| Error::OpenNamed(name.to_owned(), e))?;
    Ok(session.rtnl()?.set_nsid(ns.as_fd(), nsid)?)
}
