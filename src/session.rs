//! What one run keeps from a line to the next (a batch's lines): the run directory, open and
//! set up by the first add that needs it, how adds make namespaces, and the route netlink
//! socket. A batch of a thousand adds then prepares the run directory once, not a thousand
//! times, and asks once whether it can come back from a namespace it makes.

use crate::error::Error;
use crate::netlink::{self, Rtnl};
use crate::netns::{Create, RunDir};

#[derive(Default)]
pub struct Session {
    run_dir: Option<RunDir>,
    create: Option<Create>,
    rtnl: Option<Rtnl>,
}

impl Session {
    /// The run directory, made and opened by the first line that asks for it.
    pub fn run_dir(&mut self) -> Result<&mut RunDir, Error> {
        kept(&mut self.run_dir, RunDir::open)
    }

    /// The run directory, and how an add makes its namespace: in this process, which stays
    /// there when nothing comes after (no `batch`), or comes back when it can.
    pub fn for_add(&mut self, batch: bool) -> Result<(&mut RunDir, &Create), Error> {
        let run_dir = kept(&mut self.run_dir, RunDir::open)?;
        let create = self.create.get_or_insert_with(|| match batch {
            true => Create::probe(),
            false => Create::Stay,
        });
        Ok((run_dir, create))
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
