//! `delete NAME` and `-all delete`.

use std::ffi::OsStr;

use crate::error::Error;
use crate::netns;

pub fn run(name: &OsStr) -> Result<(), Error> {
    netns::refuse_linked_run_dir()?;
    netns::removable().map_err(|e| Error::RemoveFile(netns::path_of(name), e))?;
    netns::remove(name)
}

/// Removes every name. Unlike iproute2, which stops at the first entry it cannot remove and
/// still reports success, every entry is tried and a failure shows in the exit status.
pub fn all() -> Result<(), Error> {
    netns::refuse_linked_run_dir()?;
    let Some(listing) = netns::listing().map_err(Error::OpenDir)? else {
        return Ok(());
    };
    // Where no name can be removed (a read-only /run), the first says why, as its unlink
    // would, and none is unmounted.
    if let (Err(e), Some(first)) = (netns::removable(), listing.names.first()) {
        return Err(Error::RemoveFile(netns::path_of(first), e));
    }
    let held = listing.hold();
    let mut failed = false;
    for name in &listing.names {
        if let Err(err) = netns::remove(name) {
            super::warn_all(&[err]);
            failed = true;
        }
    }
    drop(held);
    if failed { Err(Error::Reported) } else { Ok(()) }
}
