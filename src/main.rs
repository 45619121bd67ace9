//! The program: which name it runs under, the run, and the exit status.

#![no_main]

use std::os::unix::ffi::OsStrExt;

use netns::{Arena, Args, Prog};

#[global_allocator]
static ALLOCATOR: Arena = Arena::new();

netns::entry!(start);

fn start(args: Args) -> u8 {
    let args = args.to_vec();
    let prog = prog_of(args.first().map_or(&[][..], |argv0| argv0.as_bytes()));
    netns::main(prog, args.get(1..).unwrap_or_default())
}

/// Under the name `ip` (a link or a copy), we speak `ip`'s command line.
fn prog_of(argv0: &[u8]) -> Prog {
    match argv0.rsplit(|b| *b == b'/').next() {
        Some(b"ip") => Prog::Ip,
        _ => Prog::Netns,
    }
}
