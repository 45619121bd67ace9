//! The grammar of `ip tuntap` (and its alias `ip tap`), read as iproute2's ip/iptuntap.c reads
//! it: keywords match by prefix in iproute2's order (`p` is pi, `d` is dev, `m` is mode), any
//! other word is the device's name, and `user` and `group` belong to `add` only.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use super::link::ifname;
use super::{matches, strtol};
use crate::accounts;
use crate::error::Error;

/// What the words after `tuntap` ask for.
#[derive(Debug, PartialEq, Eq)]
pub enum Tuntap<'a> {
    Add(Device<'a>),
    Delete(Device<'a>),
    Show,
}

/// A tun or tap device as `add` and `del` describe it, its name borrowed from the command line.
#[derive(Debug, PartialEq, Eq)]
pub struct Device<'a> {
    /// Empty: the kernel picks `tunN` or `tapN`.
    pub name: &'a str,
    /// TUNSETIFF's flags: the mode, and the options as given.
    pub flags: u16,
    pub user: Option<u32>,
    pub group: Option<u32>,
}

/// Whose id a `user` or `group` word names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    User,
    Group,
}

/// Turns a user or group name into its id.
type Lookup<'a> = &'a dyn Fn(Owner, &OsStr) -> Option<u32>;

const TUN: u16 = libc::IFF_TUN as u16;
const TAP: u16 = libc::IFF_TAP as u16;
const NO_PI: u16 = libc::IFF_NO_PI as u16;

/// The words after `tuntap`, user and group names looked up in /etc/passwd and /etc/group.
pub fn parse(words: &[OsString]) -> Result<Tuntap<'_>, Error> {
    parse_tuntap(words, |kind, name| match kind {
        Owner::User => accounts::user_id(name.as_bytes()),
        Owner::Group => accounts::group_id(name.as_bytes()),
    })
}

/// `lookup` turns a user or group name into its id (as getpwnam and getgrnam do). No words at
/// all is `show`, as in iproute2.
fn parse_tuntap(
    words: &[OsString],
    lookup: impl Fn(Owner, &OsStr) -> Option<u32>,
) -> Result<Tuntap<'_>, Error> {
    let Some((verb, args)) = words.split_first() else { return Ok(Tuntap::Show) };
    if matches(verb, "add") {
        Ok(Tuntap::Add(device(args, Some(&lookup))?))
    } else if matches(verb, "delete") {
        Ok(Tuntap::Delete(device(args, None)?))
    } else if ["show", "lst", "list"].iter().any(|full| matches(verb, full)) {
        Ok(Tuntap::Show)
    } else if matches(verb, "help") {
        Err(Error::TuntapUsage)
    } else {
        Err(Error::TuntapUnknown(verb.clone()))
    }
}

/// The device's words; `lookup` is `None` for `del`, which takes no owner.
fn device<'a>(args: &'a [OsString], lookup: Option<Lookup<'_>>) -> Result<Device<'a>, Error> {
    let mut dev = Device { name: "", flags: NO_PI, user: None, group: None };
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let mut value = || words.next().ok_or(Error::Incomplete);
        if matches(word, "mode") {
            dev.flags |= mode(value()?, dev.flags)?;
        } else if let (Some(lookup), Some(kind)) = (lookup, owner(word)) {
            let id = owner_id(value()?, kind, lookup)?;
            match kind {
                Owner::User => dev.user = id,
                Owner::Group => dev.group = id,
            }
        } else if matches(word, "pi") {
            dev.flags &= !NO_PI;
        } else if let Some(flag) = flag(word) {
            dev.flags |= flag;
        } else if matches(word, "dev") {
            dev.name = ifname(value()?, "\"dev\" not a valid ifname", libc::IFNAMSIZ)?;
        } else {
            let name = if matches(word, "name") {
                value()?
            } else if matches(word, "help") {
                return Err(Error::TuntapUsage);
            } else {
                word
            };
            if !dev.name.is_empty() {
                return Err(Error::Garbage { key: "name", arg: name.clone() });
            }
            dev.name = ifname(name, "\"name\" not a valid ifname", libc::IFNAMSIZ)?;
        }
    }
    if dev.flags & (TUN | TAP) == 0 {
        return Err(Error::NoTunMode);
    }
    Ok(dev)
}

/// `mode tun` or `mode tap`; asking for both is an error, asking twice for one is not.
fn mode(word: &OsString, flags: u16) -> Result<u16, Error> {
    let (mode, other) = if matches(word, "tun") {
        (TUN, TAP)
    } else if matches(word, "tap") {
        (TAP, TUN)
    } else {
        return Err(Error::UnknownTunMode(word.clone()));
    };
    if flags & other != 0 {
        return Err(Error::TwoTunModes);
    }
    Ok(mode)
}

/// `user` or `group`, tried in this order.
fn owner(word: &OsStr) -> Option<Owner> {
    if matches(word, "user") {
        Some(Owner::User)
    } else if matches(word, "group") {
        Some(Owner::Group)
    } else {
        None
    }
}

/// The flag a word sets, in iproute2's order (after `pi`, which clears IFF_NO_PI instead).
fn flag(word: &OsStr) -> Option<u16> {
    [
        ("one_queue", libc::IFF_ONE_QUEUE),
        ("vnet_hdr", libc::IFF_VNET_HDR),
        ("multi_queue", libc::IFF_MULTI_QUEUE),
    ]
    .into_iter()
    .find(|(full, _)| matches(word, full))
    .map(|(_, flag)| flag as u16)
}

/// A decimal id (as strtol reads it into a C long, then cut to 32 bits as uid_t keeps it), else
/// a name to look up. An id of -1 means "no owner", as it does to the kernel's interface too.
fn owner_id(word: &OsString, kind: Owner, lookup: Lookup<'_>) -> Result<Option<u32>, Error> {
    let long = |n: i64| {
        libc::c_long::try_from(n).unwrap_or(if n < 0 {
            libc::c_long::MIN
        } else {
            libc::c_long::MAX
        })
    };
    let id = match strtol(word.as_bytes(), 10) {
        Some(n) => long(n) as u32,
        None => lookup(kind, word).ok_or_else(|| match kind {
            Owner::User => Error::InvalidUser(word.clone()),
            Owner::Group => Error::InvalidGroup(word.clone()),
        })?,
    };
    Ok((id != u32::MAX).then_some(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::os;
    use crate::error::Prog;

    /// Knows one user and one group, as /etc/passwd and /etc/group would.
    fn lookup(kind: Owner, name: &OsStr) -> Option<u32> {
        match (kind, name.as_bytes()) {
            (Owner::User, b"nobody") => Some(65534),
            (Owner::Group, b"users") => Some(100),
            _ => None,
        }
    }

    /// What the words ask for; they live on for it to borrow.
    fn parse(words: &[&str]) -> Result<Tuntap<'static>, Error> {
        parse_tuntap(os(words).leak(), lookup)
    }

    /// The device `add WORDS` makes.
    fn added(words: &[&str]) -> Device<'static> {
        match parse(&[&["add"], words].concat()) {
            Ok(Tuntap::Add(dev)) => dev,
            other => panic!("{words:?}: {other:?}"),
        }
    }

    #[test]
    fn verbs_match_by_prefix() {
        for show in [&[][..], &["show"], &["s"], &["l"], &["lst"], &["list", "x", "y"]] {
            assert_eq!(parse(show).unwrap(), Tuntap::Show, "{show:?}");
        }
        assert!(matches!(parse(&["d", "x", "mode", "tap"]), Ok(Tuntap::Delete(_))));
        assert!(matches!(parse(&["h"]), Err(Error::TuntapUsage)));
        assert!(matches!(parse(&["x"]), Err(Error::TuntapUnknown(_))));
        assert!(matches!(parse(&[""]), Err(Error::TuntapUnknown(_))));
    }

    #[test]
    fn a_tap_with_owners_and_every_flag() {
        let dev = added(&[
            "dev",
            "tap0",
            "mode",
            "tap",
            "user",
            "nobody",
            "group",
            "users",
            "pi",
            "one_queue",
            "vnet_hdr",
            "multi_queue",
        ]);
        let flags = (TAP | 0x2000 | 0x4000 | 0x100, Some(65534), Some(100));
        assert_eq!((dev.name, (dev.flags, dev.user, dev.group)), ("tap0", flags));
    }

    #[test]
    fn keywords_are_prefixes_and_other_words_are_the_name() {
        let dev = added(&["m", "tu", "u", "1000", "g", "0", "o", "v", "mu", "t0"]);
        assert_eq!(dev.name, "t0");
        assert_eq!(dev.flags, TUN | 0x1000 | 0x2000 | 0x4000 | 0x100);
        assert_eq!((dev.user, dev.group), (Some(1000), Some(0)));
        assert_eq!(added(&["name", "x", "mode", "tun", "mode", "tun"]).name, "x");
        // With no name the kernel picks one.
        assert_eq!(added(&["mode", "tap"]).name, "");
        // `dev` replaces a name given before it, as in iproute2.
        assert_eq!(added(&["a", "mode", "tap", "dev", "b"]).name, "b");
    }

    #[test]
    fn ids_read_as_strtol_base_10() {
        let owner = |word: &str| added(&["mode", "tun", "user", word]).user;
        assert_eq!(owner(" +7"), Some(7));
        assert_eq!(owner("010"), Some(10));
        assert_eq!(owner("-1"), None, "-1 is no owner");
        if size_of::<libc::c_long>() == 8 {
            assert_eq!(owner("4294967295"), None);
            assert_eq!(owner("4294967296"), Some(0), "cut to 32 bits");
            assert_eq!(owner("99999999999999999999"), None, "LONG_MAX, cut to 32 bits");
        } else {
            // A 32-bit long holds none of them: each is LONG_MAX.
            for word in ["4294967295", "4294967296", "99999999999999999999"] {
                assert_eq!(owner(word), Some(i32::MAX as u32), "{word}");
            }
        }
        assert!(matches!(
            parse(&["add", "mode", "tun", "user", "0x10"]),
            Err(Error::InvalidUser(_))
        ));
        assert!(matches!(parse(&["add", "mode", "tun", "user", ""]), Err(Error::InvalidUser(_))));
        assert!(matches!(
            parse(&["add", "mode", "tun", "group", "x"]),
            Err(Error::InvalidGroup(_))
        ));
    }

    #[test]
    fn errors_in_iproute2s_order_and_words() {
        let cases: &[(&[&str], &str)] = &[
            (&["add", "x"], "You failed to specify a tunnel mode\n"),
            (&["add", "x", "mode", "bad"], "Unknown tunnel mode \"bad\"\n"),
            (
                &["add", "x", "mode", "tun", "mode", "tap"],
                "You managed to ask for more than one tunnel mode.\n",
            ),
            (&["add", "x", "mode"], "Command line is not complete. Try option \"help\"\n"),
            (
                &["add", "x", "y", "mode", "tun"],
                "Error: either \"name\" is duplicate, or \"y\" is a garbage.\n",
            ),
            (
                &["add", "a/b", "mode", "tun"],
                "Error: argument \"a/b\" is wrong: \"name\" not a valid ifname\n",
            ),
            (
                &["add", "dev", "0123456789abcdef"],
                "Error: argument \"0123456789abcdef\" is wrong: \"dev\" not a valid ifname\n",
            ),
            // A bad user is found before the missing mode, as iproute2 reads left to right.
            (&["add", "user", "nosuch"], "invalid user \"nosuch\"\n"),
            (&["add", "g", "nosuch"], "invalid group \"nosuch\"\n"),
            // `del` takes no owner: `user` is a second name.
            (
                &["del", "x", "mode", "tun", "user", "5"],
                "Error: either \"name\" is duplicate, or \"user\" is a garbage.\n",
            ),
            (&["foo"], "Command \"foo\" is unknown, try \"ip tuntap help\".\n"),
        ];
        for (words, expected) in cases {
            let got = parse(words).map_err(|e| String::from_utf8(e.render(Prog::Ip)).unwrap());
            assert_eq!(got.as_ref().err().map(String::as_str), Some(*expected), "{words:?}");
        }
        let usage = parse(&["add", "x", "help"]).unwrap_err();
        assert!(usage.render(Prog::Ip).starts_with(b"Usage: ip tuntap { add | del | show"));
        assert_eq!(usage.exit_code(), 255);
        assert_eq!(parse(&["add", "x"]).unwrap_err().exit_code(), 1);
    }
}
