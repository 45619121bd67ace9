//! Standard output: a command's output goes out in one write, every failure to write it is
//! reported, and numbers are written as printf writes them.

use std::io;
use std::os::fd::BorrowedFd;

use crate::error::Error;
use crate::sys;

/// Writes to stdout at once: output must be out before a fork or an exec, and in order with
/// what a child writes. Straight to the descriptor, not through std's Stdout, which takes a
/// closed standard output (EBADF) for success.
pub fn print(bytes: &[u8]) -> Result<(), Error> {
    write_all(sys::stdout(), bytes).map_err(Error::Write)
}

/// Writes all of `bytes` to `fd`, however many writes it takes: stdout's output, and stderr's
/// messages (not through std's Stderr, whose lock and buffer are code of their own).
pub fn write_all(fd: BorrowedFd<'_>, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        match sys::write(fd, bytes) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Whether standard output takes output at all, asked with a write of nothing: for a command
/// that may print nothing for a long time (`monitor`), so that it fails at once, not later.
pub fn writable() -> Result<(), Error> {
    sys::write(sys::stdout(), &[]).map(drop).map_err(Error::Write)
}

/// printf's `%d`, written straight into the output.
pub fn push_decimal(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    let mut digits = [0; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_as_printf_writes_them() {
        for n in [0, 7, -7, 10, 1234567890, i64::MIN, i64::MAX] {
            let mut out = Vec::new();
            push_decimal(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
    }
}
