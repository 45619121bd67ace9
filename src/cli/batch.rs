//! The lines of a batch file (`-batch FILE`), read and split into words as iproute2 reads
//! them.

use std::ffi::OsString;
use std::io::BufRead;
use std::os::unix::ffi::OsStringExt;

use crate::error::Error;

/// The commands of a batch file (`-batch FILE`), read as iproute2 reads them.
pub struct Batch<R> {
    input: R,
    /// The number of the last physical line read, for "Command failed FILE:LINE".
    pub line: usize,
}

/// iproute2 keeps a line's words in a table of 512 with one slot for the end.
const MAX_WORDS: usize = 511;

impl<R: BufRead> Batch<R> {
    pub fn new(input: R) -> Batch<R> {
        Batch { input, line: 0 }
    }

    /// The next command's words (empty for a blank line), `None` at the end. A last line that
    /// asks for a continuation and gets none is `Error::MissingContinuation`, which iproute2
    /// reports before it ends the input as the end of file does.
    pub fn next_command(&mut self) -> Result<Option<Vec<OsString>>, Error> {
        let Some(mut line) = self.physical_line() else { return Ok(None) };
        // A backslash at the end of a line joins the next one, unless a comment hid it.
        while line.ends_with(b"\\\n") {
            line.truncate(line.len() - 2);
            let Some(next) = self.physical_line() else {
                return Err(Error::MissingContinuation);
            };
            line.extend_from_slice(&next);
        }
        split_words(&line).map(Some)
    }

    /// One line with its comment cut off; a read error ends the input as the end of file does.
    fn physical_line(&mut self) -> Option<Vec<u8>> {
        let mut line = Vec::new();
        match self.input.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        self.line += 1;
        // The C string ends at a NUL byte, and a comment at the first `#`, quoted or not.
        if let Some(end) = line.iter().position(|b| *b == 0 || *b == b'#') {
            line.truncate(end);
        }
        Some(line)
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
}
