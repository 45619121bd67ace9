//! `set NAME NETNSID|auto`: gives a namespace its id in ours.

use std::ffi::OsStr;
use std::os::fd::AsFd;

use crate::error::Error;
use crate::netlink;
use crate::netns;

pub fn run(name: &OsStr, nsid: i32) -> Result<(), Error> {
    let ns = netns::open(name).map_err(|e| Error::OpenNamed(name.to_owned(), e))?;
    Ok(netlink::open()?.set_nsid(ns.as_fd(), nsid)?)
}
