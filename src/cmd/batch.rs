//! `-batch FILE`: one command per line, as `ip -batch` runs them.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, BufReader};
use std::os::fd::AsFd;

use crate::cli::{Batch, Options};
use crate::error::{self, Error, Prog};

pub fn run(prog: Prog, opts: &Options, file: &OsStr) -> Result<(), Error> {
    // Standard input is read through a copy of its descriptor, so that one reader serves both.
    let input = match file.as_encoded_bytes() {
        b"-" => io::stdin().as_fd().try_clone_to_owned().map(File::from),
        _ => File::open(file),
    };
    let input = input.map_err(|e| Error::BatchOpen(file.to_owned(), e))?;
    let mut batch = Batch::new(BufReader::new(input));
    let mut failed = false;
    while let Some(words) = batch.next_command()? {
        if words.is_empty() {
            continue;
        }
        let Err(err) = super::run_line(prog, opts, netns_words(prog, &words), true) else {
            continue;
        };
        if err.ends_batch() {
            return Err(err);
        }
        error::report(&err, prog);
        error::warn(&Error::CommandFailed(file.to_owned(), batch.line));
        failed = true;
        if !opts.force {
            break;
        }
    }
    if failed { Err(Error::Reported) } else { Ok(()) }
}

/// Under the name `netns`, a line may start with the object, as in a file written for
/// `ip -batch` (`netns add blue`), or without it (`add blue`).
fn netns_words(prog: Prog, words: &[OsString]) -> &[OsString] {
    match prog {
        Prog::Netns => match crate::cli::object(words) {
            Ok(crate::cli::Object::Netns(rest)) => rest,
            _ => words,
        },
        Prog::Ip => words,
    }
}
