//! The lines of a batch file (`-batch FILE`), read and split into words as iproute2 reads
//! them.

use std::ffi::OsString;
use std::io::{BufRead, Read};
use std::os::unix::ffi::OsStringExt;

use crate::error::Error;

/// The commands of a batch file (`-batch FILE`), read as iproute2 reads them.
pub struct Batch<R> {
    input: R,
    /// The number of the last physical line read, for "Command failed FILE:LINE".
    pub line: usize,
    /// The rest of an over-long line is still to be passed over.
    skip: bool,
}

/// iproute2 keeps a line's words in a table of 512 with one slot for the end.
const MAX_WORDS: usize = 511;

/// The longest command read, continuation lines and all. iproute2 has no bound, and a file
/// without a newline (`-b /dev/zero`) took all the memory there was; no real command comes
/// near it (the kernel takes 128 KiB at most for one argument of a command to run).
const MAX_LINE: usize = 1 << 20;

impl<R: BufRead> Batch<R> {
    pub fn new(input: R) -> Batch<R> {
        Batch { input, line: 0, skip: false }
    }

    /// The next command's words (empty for a blank line), `None` at the end. A last line that
    /// asks for a continuation and gets none is `Error::MissingContinuation`, which iproute2
    /// reports before it ends the input as the end of file does. A command longer than
    /// `MAX_LINE` is `Error::LineTooLong`, the error of that line alone: the next call goes
    /// on after it. A failed read is `Error::Read`.
    pub fn next_command(&mut self) -> Result<Option<Vec<OsString>>, Error> {
        if std::mem::take(&mut self.skip) {
            self.skip_line()?;
        }
        let Some(mut line) = self.physical_line(MAX_LINE)? else { return Ok(None) };
        // A backslash at the end of a line joins the next one, unless a comment hid it.
        while line.ends_with(b"\\\n") {
            line.truncate(line.len() - 2);
            let Some(next) = self.physical_line(MAX_LINE.saturating_sub(line.len()))? else {
                return Err(Error::MissingContinuation);
            };
            line.extend_from_slice(&next);
        }
        split_words(&line).map(Some)
    }

    /// One line with its comment cut off, if it ends within `room` bytes.
    fn physical_line(&mut self, room: usize) -> Result<Option<Vec<u8>>, Error> {
        let mut line = Vec::new();
        let mut input = (&mut self.input).take(room as u64 + 1);
        if input.read_until(b'\n', &mut line).map_err(Error::Read)? == 0 {
            return Ok(None);
        }
        self.line += 1;
        if line.len() > room && !line.ends_with(b"\n") {
            self.skip = true;
            return Err(Error::LineTooLong);
        }
        // The C string ends at a NUL byte, and a comment at the first `#`, quoted or not.
        if let Some(end) = line.iter().position(|b| *b == 0 || *b == b'#') {
            line.truncate(end);
        }
        Ok(Some(line))
    }

    /// Passes over the input up to the end of the current line, a buffer at a time.
    fn skip_line(&mut self) -> Result<(), Error> {
        loop {
            let buf = self.input.fill_buf().map_err(Error::Read)?;
            let (used, ended) = match buf.iter().position(|b| *b == b'\n') {
                Some(at) => (at + 1, true),
                None => (buf.len(), buf.is_empty()),
            };
            self.input.consume(used);
            if ended {
                return Ok(());
            }
        }
    }
}

/// Words are separated by blanks; a word that starts with a quote runs to the same quote.
fn split_words(line: &[u8]) -> Result<Vec<OsString>, Error> {
    const BLANKS: &[u8] = b" \t\r\n";
    let mut words = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.iter().position(|b| !BLANKS.contains(b)) {
        rest = &rest[start..];
        if words.len() >= MAX_WORDS {
            return Err(Error::TooManyArgs);
        }
        let (word, after) = match rest[0] {
            quote @ (b'"' | b'\'') => {
                let body = &rest[1..];
                let end = body.iter().position(|b| *b == quote).ok_or(Error::Unterminated)?;
                (&body[..end], &body[end + 1..])
            }
            _ => {
                let end = rest.iter().position(|b| BLANKS.contains(b)).unwrap_or(rest.len());
                (&rest[..end], rest.get(end + 1..).unwrap_or_default())
            }
        };
        words.push(OsString::from_vec(word.to_vec()));
        rest = after;
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::os;

    #[test]
    fn batch_lines_join_split_and_quote_as_iproute2() {
        let text = "netns exec a echo \"a  b\" # comment\n# only a comment\n\nnetns exec a echo c \\\n d\n'x'y\n";
        let mut batch = Batch::new(text.as_bytes());
        let mut commands = Vec::new();
        while let Some(words) = batch.next_command().unwrap() {
            commands.push(words);
        }
        let expected = [
            os(&["netns", "exec", "a", "echo", "a  b"]),
            os(&[]),
            os(&[]),
            os(&["netns", "exec", "a", "echo", "c", "d"]),
            os(&["x", "y"]),
        ];
        assert_eq!(commands, expected);
        assert_eq!(batch.line, 6);
        assert!(matches!(Batch::new(&b"a \"b\n"[..]).next_command(), Err(Error::Unterminated)));
        let many = "x ".repeat(512);
        assert!(matches!(Batch::new(many.as_bytes()).next_command(), Err(Error::TooManyArgs)));
    }

    #[test]
    fn an_over_long_line_is_its_own_error_and_the_next_one_is_read() {
        let long = "x".repeat(MAX_LINE + 1);
        let fits = "y".repeat(MAX_LINE - 1);
        let half = "z".repeat(MAX_LINE / 2 + 1);
        let text = format!("{long}\n{fits}\n{half}\\\n{half}\nlast\n");
        let mut batch = Batch::new(text.as_bytes());
        assert!(matches!(batch.next_command(), Err(Error::LineTooLong)));
        assert_eq!(batch.next_command().unwrap(), Some(os(&[&fits])));
        // Joined lines count together.
        assert!(matches!(batch.next_command(), Err(Error::LineTooLong)));
        assert_eq!(batch.next_command().unwrap(), Some(os(&["last"])));
        assert_eq!(batch.line, 5);
        assert!(batch.next_command().unwrap().is_none());
        // A line that never ends ends the input, without holding more than the bound.
        let mut endless = Batch::new(std::io::BufReader::new(std::io::repeat(b'z').take(3 << 20)));
        assert!(matches!(endless.next_command(), Err(Error::LineTooLong)));
        assert!(endless.next_command().unwrap().is_none());
    }
}
