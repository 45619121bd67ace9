//! The program: which name it runs under, the run, and the exit status.

use std::ffi::OsString;
use std::path::Path;
use std::process::ExitCode;

use netns::error::{self, Prog};

fn main() -> ExitCode {
    netns::sys::default_sigpipe();
    let mut args = std::env::args_os();
    let prog = prog_of(args.next());
    let args: Vec<OsString> = args.collect();
    match netns::run(prog, &args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            error::report(&err, prog);
            ExitCode::from(err.exit_code())
        }
    }
}

/// Under the name `ip` (a link or a copy), we speak `ip`'s command line.
fn prog_of(argv0: Option<OsString>) -> Prog {
    match argv0.as_deref().map(Path::new).and_then(Path::file_name) {
        Some(name) if name == "ip" => Prog::Ip,
        _ => Prog::Netns,
    }
}
