//! What one run keeps from a line to the next (a batch's lines): the run directory, open and
//! set up by the first add that needs it, and the route netlink socket. A batch of a thousand
//! adds then prepares the run directory once, not a thousand times.

use crate::error::Error;
use crate::netlink::{self, Rtnl};
use crate::netns::RunDir;

#[derive(Default)]
pub struct Session {
    run_dir: Option<RunDir>,
    rtnl: Option<Rtnl>,
}

impl Session {
    /// The run directory, made and opened by the first line that asks for it.
    pub fn run_dir(&mut self) -> Result<&mut RunDir, Error> {
        kept(&mut self.run_dir, RunDir::open)
    }

    /// The route netlink socket, opened by the first line that asks for it. Replies that a
    /// line left unread are told from the next line's by their sequence numbers.
    pub fn rtnl(&mut self) -> Result<&mut Rtnl, Error> {
        kept(&mut self.rtnl, netlink::open)
    }
}

/// What `slot` holds, made first if it holds nothing yet; a failure is tried again next time.
fn kept<T>(slot: &mut Option<T>, make: fn() -> Result<T, Error>) -> Result<&mut T, Error> {
    match slot {
        Some(value) => Ok(value),
        empty => Ok(empty.insert(make()?)),
    }
}
