//! The link commands we carry out ourselves: veth pairs (busybox's ip drops `peer name`),
//! moves to another namespace (busybox's takes only a PID), and the plain changes that go with
//! them (up, down, name, mtu), so that a namespace can be wired with this program alone.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use super::{matches, parse_int};
use crate::error::Error;

/// The link commands we carry out ourselves, their words borrowed from the command line.
#[derive(Debug, PartialEq, Eq)]
pub enum LinkCommand<'a> {
    /// `add ... type veth [peer ...]`
    AddVeth { end: LinkEnd<'a>, peer: LinkEnd<'a> },
    /// `set [dev] DEV [netns NS] [name NEW] [up|down] [mtu N]`
    Set {
        dev: &'a OsStr,
        netns: Option<Namespace<'a>>,
        name: Option<&'a str>,
        up: Option<bool>,
        mtu: Option<u32>,
    },
}

/// One end of a new link as written: the namespace is still a word.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LinkEnd<'a> {
    pub name: Option<&'a str>,
    pub netns: Option<Namespace<'a>>,
    pub mtu: Option<u32>,
    pub address: Option<Vec<u8>>,
}

/// `netns WORD`, which iproute2 reads as a name in the run directory first and, failing
/// that, as a process id: both readings are kept for the command to try in that order.
#[derive(Debug, PartialEq, Eq)]
pub struct Namespace<'a> {
    pub word: &'a OsStr,
    pub pid: Option<i32>,
}

impl Namespace<'_> {
    fn of(word: &OsStr) -> Namespace<'_> {
        Namespace { word, pid: parse_int(word) }
    }
}

/// An `ip link` command we do ourselves, or `None` for the system's ip.
pub fn parse(words: &[OsString]) -> Result<Option<LinkCommand<'_>>, Error> {
    let Some((verb, args)) = words.split_first() else { return Ok(None) };
    if matches(verb, "add") {
        parse_add(args)
    } else if matches(verb, "set") || matches(verb, "change") {
        parse_set(args)
    } else {
        Ok(None)
    }
}

fn parse_add(args: &[OsString]) -> Result<Option<LinkCommand<'_>>, Error> {
    let mut words = args.iter();
    let Some((mut end, dev, kind)) = parse_end(&mut words)? else { return Ok(None) };
    if kind.as_ref().is_none_or(|kind| kind.as_bytes() != b"veth") {
        return Ok(None);
    }
    if let Some(dev) = dev {
        if end.name.is_some() {
            return Err(Error::NameAndDev);
        }
        end.name = Some(dev);
    }
    let mut peer = LinkEnd::default();
    match words.next() {
        None => {}
        Some(word) if word.as_bytes() == b"peer" => {
            let Some((mut parsed, dev, None)) = parse_end(&mut words)? else { return Ok(None) };
            if let Some(dev) = dev {
                if parsed.name.is_some() {
                    return Err(Error::Duplicate { key: "name", arg: dev.into() });
                }
                parsed.name = Some(dev);
            }
            peer = parsed;
        }
        Some(_) => return Ok(None),
    }
    Ok(Some(LinkCommand::AddVeth { end, peer }))
}

/// The options of one end, up to `type KIND` (returned) or the end of the line. `None` when
/// a word is not one we know: the system's ip may.
#[allow(clippy::type_complexity)]
fn parse_end<'a>(
    words: &mut std::slice::Iter<'a, OsString>,
) -> Result<Option<(LinkEnd<'a>, Option<&'a str>, Option<&'a OsString>)>, Error> {
    let mut end = LinkEnd::default();
    let mut dev = None;
    while let Some(word) = words.next() {
        let mut value = || words.next().ok_or(Error::Incomplete);
        match word.as_bytes() {
            b"name" => {
                let name = value()?;
                if end.name.is_some() {
                    return Err(Error::Duplicate { key: "name", arg: name.clone() });
                }
                end.name = Some(ifname(name, "\"name\" not a valid ifname", 16)?);
            }
            b"mtu" => end.mtu = Some(mtu(value()?)?),
            b"address" => end.address = Some(lladdr(value()?)?),
            b"netns" => {
                let ns = value()?;
                if end.netns.is_some() {
                    return Err(Error::Duplicate { key: "netns", arg: ns.clone() });
                }
                end.netns = Some(Namespace::of(ns));
            }
            b"type" => return Ok(Some((end, dev, Some(value()?)))),
            b"dev" if dev.is_none() => {
                dev = Some(ifname(value()?, "\"dev\" not a valid ifname", 128)?)
            }
            _ if dev.is_none() => dev = Some(ifname(word, "\"dev\" not a valid ifname", 128)?),
            _ => return Ok(None),
        }
    }
    Ok(Some((end, dev, None)))
}

fn parse_set(args: &[OsString]) -> Result<Option<LinkCommand<'_>>, Error> {
    let (mut dev, mut netns, mut name, mut up, mut mtu_) = (None, None, None, None, None);
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let mut value = || words.next().ok_or(Error::Incomplete);
        match word.as_bytes() {
            b"netns" => netns = Some(Namespace::of(value()?)),
            b"name" => name = Some(ifname(value()?, "\"name\" not a valid ifname", 16)?),
            b"up" => up = Some(true),
            b"down" => up = Some(false),
            b"mtu" => mtu_ = Some(mtu(value()?)?),
            b"dev" if dev.is_none() => dev = Some(value()?.as_os_str()),
            _ if dev.is_none() => dev = Some(word.as_os_str()),
            _ => return Ok(None),
        }
    }
    Ok(dev.map(|dev| LinkCommand::Set { dev, netns, name, up, mtu: mtu_ }))
}

/// A name the kernel can give a link: not empty, shorter than `limit`, no `/`, no blanks.
pub(super) fn ifname<'a>(
    word: &'a OsString,
    why: &'static str,
    limit: usize,
) -> Result<&'a str, Error> {
    let bytes = word.as_bytes();
    let valid = !bytes.is_empty()
        && bytes.len() < limit
        && !bytes.iter().any(|b| *b == b'/' || b.is_ascii_whitespace());
    match word.to_str() {
        Some(name) if valid => Ok(name),
        _ => Err(Error::InvalidArg { arg: word.clone(), why }),
    }
}

fn mtu(word: &OsString) -> Result<u32, Error> {
    // A negative MTU reaches the kernel as iproute2 sends it, and is refused there.
    parse_int(word)
        .map(|n| n as u32)
        .ok_or_else(|| Error::InvalidArg { arg: word.clone(), why: "Invalid \"mtu\" value\n" })
}

/// A link-layer address: bytes in hex, separated by colons.
fn lladdr(word: &OsString) -> Result<Vec<u8>, Error> {
    let parsed = word.to_str().and_then(|text| {
        let mut bytes = Vec::new();
        for part in text.split(':') {
            bytes.push(match part.len() {
                1 | 2 => u8::from_str_radix(part, 16).ok()?,
                _ => return None,
            });
        }
        Some(bytes)
    });
    parsed.ok_or_else(|| Error::Lladdr(word.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::os;

    /// The command the words make; they live on for it to borrow.
    fn link(words: &[&str]) -> Result<Option<LinkCommand<'static>>, Error> {
        parse(os(words).leak())
    }

    #[test]
    fn veth_commands_are_ours() {
        let end = |name: &'static str, netns: Option<&'static str>| LinkEnd {
            name: Some(name),
            netns: netns.map(|ns| Namespace::of(OsStr::new(ns))),
            ..LinkEnd::default()
        };
        let cases: &[(&[&str], LinkEnd, LinkEnd)] = &[
            (
                &["add", "veth0", "type", "veth", "peer", "name", "veth1"],
                end("veth0", None),
                end("veth1", None),
            ),
            (
                &["add", "name", "tap1", "type", "veth", "peer", "name", "tap2"],
                end("tap1", None),
                end("tap2", None),
            ),
            (
                &[
                    "add", "eth0", "netns", "host1", "type", "veth", "peer", "name", "e1", "netns",
                    "router1",
                ],
                end("eth0", Some("host1")),
                end("e1", Some("router1")),
            ),
            (&["a", "v4", "type", "veth", "peer", "v5"], end("v4", None), end("v5", None)),
        ];
        for (words, end, peer) in cases {
            match link(words).unwrap() {
                Some(LinkCommand::AddVeth { end: e, peer: p }) => {
                    assert_eq!((&e, &p), (end, peer), "{words:?}")
                }
                other => panic!("{words:?}: {other:?}"),
            }
        }
        let mtu =
            link(&["add", "name", "v", "mtu", "1500", "address", "2:0:0:0:0:a", "type", "veth"])
                .unwrap();
        let Some(LinkCommand::AddVeth { end, .. }) = mtu else { panic!("{mtu:?}") };
        assert_eq!((end.mtu, end.address), (Some(1500), Some(vec![2, 0, 0, 0, 0, 10])));
    }

    #[test]
    fn other_link_commands_go_to_the_system_ip() {
        for words in [
            &["add", "s1", "type", "bridge"][..],
            &["set", "veth0", "master", "br0"],
            &["show"],
            &["add", "x", "txqueuelen", "5", "type", "veth"],
            &["del", "veth0"],
        ] {
            assert_eq!(link(words).unwrap(), None, "{words:?}");
        }
    }

    #[test]
    fn moves_are_ours() {
        let moved =
            link(&["set", "dev", "veth1", "netns", "ns0", "name", "eth0", "up", "mtu", "1400"])
                .unwrap();
        let expected = LinkCommand::Set {
            dev: OsStr::new("veth1"),
            netns: Some(Namespace::of(OsStr::new("ns0"))),
            name: Some("eth0"),
            up: Some(true),
            mtu: Some(1400),
        };
        assert_eq!(moved, Some(expected));
    }

    #[test]
    fn link_errors_read_as_iproute2s() {
        assert!(matches!(link(&["add", "a/b", "type", "veth"]), Err(Error::InvalidArg { .. })));
        assert!(matches!(
            link(&["add", "v0", "mtu", "x", "type", "veth"]),
            Err(Error::InvalidArg { .. })
        ));
        assert!(matches!(
            link(&["add", "v0", "address", "zz", "type", "veth"]),
            Err(Error::Lladdr(_))
        ));
        assert!(matches!(
            link(&["add", "v2", "name", "v3", "type", "veth"]),
            Err(Error::NameAndDev)
        ));
        assert!(matches!(
            link(&["add", "v6", "type", "veth", "peer", "name", "v7", "peer", "name", "v8"]),
            Err(Error::Duplicate { key: "name", .. })
        ));
        assert!(matches!(link(&["set", "v0", "netns"]), Err(Error::Incomplete)));
    }
}
