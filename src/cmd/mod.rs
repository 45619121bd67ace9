//! The netns verbs, one file each, each a short script of named steps over the mechanisms in
//! `netns`, `enter` and `netlink`. Output goes out in one write per command.

mod add;
mod delete;
mod exec;
mod identify;
mod list;
mod list_id;
pub mod monitor;
mod pids;
mod set;

use crate::cli::Command;
use crate::error::{self, Error};
use crate::session::Session;

/// What every command may need to know about how it was asked for.
pub struct Ctx {
    pub json: bool,
    pub pretty: bool,
    /// Batch mode: `exec` and `add` must come back for the next line (`exec` forks).
    pub batch: bool,
}

/// Carries out one netns command.
pub fn run(command: Command<'_>, ctx: &Ctx, session: &mut Session) -> Result<(), Error> {
    match command {
        Command::List => list::run(ctx, session),
        Command::ListId { target, nsid } => list_id::run(ctx, session, target, nsid),
        Command::Usage => Err(Error::Usage),
        Command::Add(name) => add::run(session, name, ctx.batch),
        Command::Attach(name, pid) => add::attach(session, name, pid),
        Command::Set(name, nsid) => set::run(session, name, nsid),
        Command::Delete(name) => delete::run(name),
        Command::DeleteAll => delete::all(),
        Command::Identify(pid) => identify::run(pid),
        Command::Pids(name) => pids::run(name),
        Command::Exec(name, cmd) => exec::run(ctx, name, cmd),
        Command::ExecAll(cmd) => exec::all(cmd),
        Command::Monitor => monitor::run(),
    }
}

/// Reports what did not stop the command: warnings, and failures of single entries.
fn warn_all(warnings: &[Error]) {
    warnings.iter().for_each(error::warn);
}
