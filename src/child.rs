//! Work done in a forked child, and how it ended. Namespace changes made there die with the
//! child, so nobody has to find the way back; a child that stops short of its goal (before it
//! becomes another program, say) reports which named step failed and why through a
//! close-on-exec pipe, so the parent tells "could not get there" from "ran and failed".

use std::io::{self, Write};
use std::os::fd::AsFd;

use crate::error::Error;
use crate::sys::{self, Exit, Fork};

/// The named steps a child can stop at. A step travels as its place in `ALL`.
pub trait Step: Copy + PartialEq + 'static {
    const ALL: &'static [Self];
}

/// How the child ended.
#[derive(Debug)]
pub enum Ended<S> {
    /// It exited or was killed: after an exec, the command's own status.
    Exited(Exit),
    /// It stopped at this step, for this reason.
    Failed(S, io::Error),
}

/// Runs `work` in a forked child and waits for it. `work` either becomes another program,
/// returns `Ok` (the child then exits 0), or names the step it stopped at. Called through a
/// reference, so that the fork and the wait are one piece of code whatever the work.
pub fn run<S: Step>(
    work: &mut dyn FnMut() -> Result<(), (S, io::Error)>,
) -> Result<Ended<S>, Error> {
    let (reader, mut writer) = io::pipe().map_err(|err| Error::Child("pipe", err))?;
    match sys::fork().map_err(|err| Error::Child("fork", err))? {
        Fork::Child => {
            drop(reader);
            let code = match work() {
                Ok(()) => 0,
                Err((step, err)) => {
                    let _ = writer.write_all(&encode(step, &err));
                    1
                }
            };
            sys::exit_now(code)
        }
        Fork::Parent(pid) => {
            // The end of the pipe is what tells that the child became another program; with
            // our writing end still open it would never come.
            if let Err(err) = sys::close(writer.into()) {
                let _ = sys::kill(pid, libc::SIGKILL);
                let _ = sys::waitpid(pid);
                return Err(Error::Child("pipe", err));
            }
            let read = sys::read_all(reader.as_fd());
            let exit = sys::waitpid(pid).map_err(|err| Error::Child("waitpid", err))?;
            let report = read.map_err(Error::Read)?;
            Ok(decode(&report).map_or(Ended::Exited(exit), |(step, err)| Ended::Failed(step, err)))
        }
    }
}

/// A batch line's command succeeded, failed with a status, or was killed: ip gives up on the
/// whole batch then.
pub fn status(exit: Exit) -> Result<(), Error> {
    match exit {
        Exit::Code(0) => Ok(()),
        Exit::Code(code) => Err(Error::Status(code)),
        Exit::Signal(_) => Err(Error::Killed),
    }
}

/// A step and its errno: one byte, then four.
fn encode<S: Step>(step: S, err: &io::Error) -> [u8; 5] {
    let tag = S::ALL.iter().position(|s| *s == step).unwrap_or(usize::MAX);
    let errno = err.raw_os_error().unwrap_or(libc::EIO);
    let mut report = [u8::try_from(tag).unwrap_or(u8::MAX), 0, 0, 0, 0];
    report[1..].copy_from_slice(&errno.to_ne_bytes());
    report
}

fn decode<S: Step>(report: &[u8]) -> Option<(S, io::Error)> {
    let [tag, errno @ ..] = report else { return None };
    let step = S::ALL.get(usize::from(*tag))?;
    let errno = i32::from_ne_bytes(errno.try_into().ok()?);
    Some((*step, io::Error::from_raw_os_error(errno)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Two {
        First,
        Second,
    }

    impl Step for Two {
        const ALL: &'static [Two] = &[Two::First, Two::Second];
    }

    #[test]
    fn a_report_names_the_step_and_the_errno() {
        let report = encode(Two::Second, &io::Error::from_raw_os_error(libc::EPERM));
        let (step, err) = decode::<Two>(&report).unwrap();
        assert_eq!((step, err.raw_os_error()), (Two::Second, Some(libc::EPERM)));
        assert!(decode::<Two>(&report[..4]).is_none());
        assert!(decode::<Two>(&[9, 0, 0, 0, 0]).is_none());
        assert!(decode::<Two>(&[]).is_none());
    }
}
