//! The grammar, parsed once: `ip`'s global options (options.rs), the objects, the netns
//! commands (command.rs), the link and address commands we carry out ourselves (link.rs,
//! addr.rs), and the lines of a batch file (batch.rs). A line becomes one `Line`, which
//! the caller dispatches.
//!
//! argh is on the design card, and this module does not use it, because iproute2's grammar is
//! nothing argh can say: options and commands are matched by any prefix, first match in a
//! fixed order wins (`-h` is -human, `s` is list, `a` is add); options are single-dash words
//! (`-all`, `-json`) and also take a doubled dash; keywords such as `target-nsid` come without
//! dashes; extra words after most commands are ignored, not refused; names and commands are
//! bytes, not UTF-8; and the exit status of a usage error is 255, chosen by the error. What
//! would be left for argh is calling a table lookup, at the cost of its generated code.

mod addr;
mod batch;
mod command;
mod link;
mod options;
mod show;
mod tuntap;

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use crate::error::{Error, Prog};

pub use addr::AddAddress;
pub use batch::Batch;
pub use command::Command;
pub use link::{LinkCommand, LinkEnd, Namespace};
pub use options::{Options, Start, parse_options};
pub use show::Show;
pub use tuntap::{Device, Tuntap};

/// What one command line asks for, once the global options are read.
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    /// A netns command.
    Netns(Command<'a>),
    /// A link command we carry out ourselves.
    Link(LinkCommand<'a>),
    /// The one address command we carry out ourselves.
    Address(AddAddress<'a>),
    /// A link or address listing we can print ourselves where the system's ip is busybox's;
    /// `words` for the system's ip where it is iproute2's.
    Listing { show: Show<'a>, words: &'a [OsString] },
    /// A tun or tap device to make or remove, or their list (`words` for iproute2's ip, which
    /// lists more).
    Tuntap { command: Tuntap<'a>, words: &'a [OsString] },
    /// Everything else under the name `ip`, for the system's ip: the words as given, and
    /// whether ip knows the object at all.
    HandOver { words: &'a [OsString], known: bool },
}

/// Parses the words after the global options. A line of a batch file may, under the name
/// `netns`, start with the object as in a file written for `ip -batch` (`netns add blue`).
pub fn parse_line<'a>(
    prog: Prog,
    opts: &Options,
    words: &'a [OsString],
    batch: bool,
) -> Result<Line<'a>, Error> {
    let words = match (prog, batch) {
        (Prog::Netns, false) => words,
        (Prog::Netns, true) => match object(words) {
            Ok(Object::Netns(rest)) => rest,
            _ => words,
        },
        (Prog::Ip, _) => return ip_line(opts, words),
    };
    command::parse(opts.all, words).map(Line::Netns)
}

/// A line under the name `ip`: the object, then what we make of its words. Whatever we do not
/// do ourselves is the system ip's.
fn ip_line<'a>(opts: &Options, words: &'a [OsString]) -> Result<Line<'a>, Error> {
    let hand_over = Line::HandOver { words, known: true };
    Ok(match object(words)? {
        Object::Netns(rest) => Line::Netns(command::parse(opts.all, rest)?),
        listing if show::is_listing(&listing) => match show::parse(opts, &listing)? {
            Some(show) => Line::Listing { show, words },
            None => hand_over,
        },
        Object::Link(rest) => link::parse(rest)?.map_or(hand_over, Line::Link),
        Object::Address(rest) => addr::parse(rest)?.map_or(hand_over, Line::Address),
        Object::Tuntap(rest) => Line::Tuntap { command: tuntap::parse(rest)?, words },
        Object::Other { known } => Line::HandOver { words, known },
    })
}

/// iproute2's `matches()`: a non-empty prefix of the full word.
fn matches(word: &OsStr, full: &str) -> bool {
    !word.is_empty() && full.as_bytes().starts_with(word.as_bytes())
}

/// ip's objects in ip's order: `n` is neighbour, `net` is netns.
const OBJECTS: &str = "address addrlabel maddress route rule neighbor neighbour ntable ntbl \
    link l2tp fou ila macsec tunnel tunl tuntap tap token tcpmetrics tcp_metrics monitor xfrm \
    mroute mrule netns netconf vrf sr nexthop mptcp ioam help";

/// What the words after the options ask for under the name `ip`.
#[derive(Debug, PartialEq, Eq)]
enum Object<'a> {
    /// The netns command words.
    Netns(&'a [OsString]),
    /// The link command words: some of them are ours to do.
    Link(&'a [OsString]),
    /// The address command words: adding an IPv4 address is ours to do.
    Address(&'a [OsString]),
    /// The tuntap (or tap) command words: ours to do, but for `show` in front of iproute2.
    Tuntap(&'a [OsString]),
    /// For the system's ip; `known` when ip knows the object.
    Other { known: bool },
}

fn object(words: &[OsString]) -> Result<Object<'_>, Error> {
    let Some((word, rest)) = words.split_first() else {
        return Err(Error::IpUsage);
    };
    Ok(match OBJECTS.split(' ').find(|full| matches(word, full)) {
        Some("netns") => Object::Netns(rest),
        Some("link") => Object::Link(rest),
        Some("address") => Object::Address(rest),
        Some("tuntap" | "tap") => Object::Tuntap(rest),
        Some("help") => return Err(Error::IpUsage),
        known => Object::Other { known: known.is_some() },
    })
}

/// A C int as `strtol(s, &end, 0)` reads it for iproute2's get_integer(): leading white space,
/// a sign, `0x` for hex, a leading `0` for octal, nothing after the digits, and in range.
pub fn parse_int(word: &OsStr) -> Option<i32> {
    strtol(word.as_bytes(), 0).and_then(|n| i32::try_from(n).ok())
}

/// `strtol(s, &end, base)` with base 0 or 10, where nothing may follow the digits: leading
/// white space, a sign, and for base 0 `0x` for hex and a leading `0` for octal. Out of range,
/// the value is clamped to a 64-bit long's, as strtol clamps it.
pub fn strtol(bytes: &[u8], base: u32) -> Option<i64> {
    let start = bytes.iter().position(|b| !b" \t\n\x0b\x0c\r".contains(b))?;
    let mut s = &bytes[start..];
    let negative = s.first() == Some(&b'-');
    if let Some(b'-' | b'+') = s.first() {
        s = &s[1..];
    }
    let (radix, digits) = match s {
        _ if base == 10 => (10, s),
        [b'0', b'x' | b'X', d, ..] if d.is_ascii_hexdigit() => (16, &s[2..]),
        [b'0', _, ..] => (8, &s[1..]),
        _ => (10, s),
    };
    let mut value: u64 = 0;
    for &d in digits {
        let digit = char::from(d).to_digit(radix)?;
        value = value.saturating_mul(u64::from(radix)).saturating_add(u64::from(digit));
    }
    if digits.is_empty() && radix != 8 {
        return None;
    }
    Some(match negative {
        true => 0i64.checked_sub_unsigned(value).unwrap_or(i64::MIN),
        false => i64::try_from(value).unwrap_or(i64::MAX),
    })
}

#[cfg(test)]
fn os(words: &[&str]) -> Vec<OsString> {
    words.iter().map(OsString::from).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_read_as_strtol_base_0() {
        let cases = [
            ("5", Some(5)),
            ("010", Some(8)),
            ("0x10", Some(16)),
            (" +9", Some(9)),
            ("-3", Some(-3)),
            ("0", Some(0)),
            ("0x7fffffff", Some(i32::MAX)),
            ("08", None),
            ("0x", None),
            ("", None),
            (" ", None),
            ("+", None),
            ("1x", None),
            ("2147483648", None),
            ("99999999999999999999", None),
        ];
        for (word, expected) in cases {
            assert_eq!(parse_int(OsStr::new(word)), expected, "{word:?}");
        }
    }

    #[test]
    fn longs_read_as_strtol_clamps_them() {
        let cases = [
            ("010", 10, Some(10)),
            ("0x10", 10, None),
            (" -7", 10, Some(-7)),
            ("9223372036854775807", 10, Some(i64::MAX)),
            ("9223372036854775808", 10, Some(i64::MAX)),
            ("-9223372036854775808", 10, Some(i64::MIN)),
            ("-99999999999999999999999", 10, Some(i64::MIN)),
            ("0x1802", 0, Some(0x1802)),
            ("-1", 0, Some(-1)),
        ];
        for (word, base, expected) in cases {
            assert_eq!(strtol(word.as_bytes(), base), expected, "{word:?} base {base}");
        }
    }

    #[test]
    fn objects_match_in_ip_order() {
        assert_eq!(object(&os(&["net", "list"])).unwrap(), Object::Netns(&os(&["list"])));
        assert_eq!(object(&os(&["l", "show"])).unwrap(), Object::Link(&os(&["show"])));
        assert_eq!(object(&os(&["n"])).unwrap(), Object::Other { known: true });
        assert_eq!(object(&os(&["tunt", "add"])).unwrap(), Object::Tuntap(&os(&["add"])));
        assert_eq!(object(&os(&["tap"])).unwrap(), Object::Tuntap(&[]));
        assert_eq!(object(&os(&["tun"])).unwrap(), Object::Other { known: true }, "tunnel");
        assert_eq!(object(&os(&["netnsx"])).unwrap(), Object::Other { known: false });
        assert!(matches!(object(&[]), Err(Error::IpUsage)));
    }

    #[test]
    fn a_line_is_one_of_four_things() {
        let line = |prog, words: &[&str]| {
            let words = os(words);
            match parse_line(prog, &Options::default(), &words, false).unwrap() {
                Line::Netns(_) => "netns",
                Line::Link(_) => "link",
                Line::Address(_) => "address",
                Line::Listing { .. } => "listing",
                Line::Tuntap { .. } => "tuntap",
                Line::HandOver { known: true, .. } => "hand over",
                Line::HandOver { known: false, .. } => "unknown",
            }
        };
        assert_eq!(line(Prog::Netns, &["add", "x"]), "netns");
        assert_eq!(line(Prog::Ip, &["netns", "add", "x"]), "netns");
        assert_eq!(line(Prog::Ip, &["l", "add", "v0", "type", "veth"]), "link");
        assert_eq!(line(Prog::Ip, &["l", "show"]), "listing");
        assert_eq!(line(Prog::Ip, &["l", "show", "group", "0"]), "hand over");
        assert_eq!(line(Prog::Ip, &["a", "add", "198.18.0.1/24", "dev", "v0"]), "address");
        assert_eq!(line(Prog::Ip, &["route"]), "hand over");
        assert_eq!(line(Prog::Ip, &["bogus"]), "unknown");
        let batch_line = os(&["netns", "add", "x"]);
        assert_eq!(
            parse_line(Prog::Netns, &Options::default(), &batch_line, true).unwrap(),
            Line::Netns(Command::Add(OsStr::new("x")))
        );
        assert!(parse_line(Prog::Netns, &Options::default(), &batch_line, false).is_err());
    }
}
