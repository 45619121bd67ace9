//! The grammar of the link and address listings we print ourselves where the system's ip is
//! busybox's, which has no `type`, `master`, `-brief` or `-json`: `ip [-4|-6|-0] [-br] [-j [-p]]
//! [-o] link [show] [[dev] DEV] [up] [type KIND] [master DEV]`, and the same for `address`. A
//! word or an option we do not know makes the whole command the system's ip's.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use super::options::option_name;
use super::{Object, Options, matches};
use crate::error::Error;

/// A listing as asked for: what ip keeps in its filter, and the options that shape the output.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Show<'a> {
    /// `ip link` rather than `ip address`.
    pub link: bool,
    /// AF_UNSPEC, AF_INET, AF_INET6, or AF_PACKET (links only, as `ip link` always asks).
    pub family: u8,
    pub brief: bool,
    pub json: bool,
    pub pretty: bool,
    pub oneline: bool,
    pub dev: Option<&'a OsStr>,
    pub up: bool,
    pub kind: Option<&'a [u8]>,
    /// `type KIND_slave`: the kind of the device a port is enslaved to.
    pub slave_kind: Option<&'a [u8]>,
    pub master: Option<&'a OsStr>,
}

/// Whether the words after the options ask for a listing of links or addresses: the object
/// alone, or with a verb ip reads as show (`ip link s` is set, `ip link l` is lst).
pub fn is_listing(object: &Object<'_>) -> bool {
    let (words, earlier) = match object {
        Object::Link(words) => (words, &["add", "set", "change", "replace", "delete"][..]),
        Object::Address(words) => (words, &["add", "change", "replace", "delete"][..]),
        _ => return false,
    };
    words.first().is_none_or(|verb| {
        !earlier.iter().any(|full| matches(verb, full))
            && verb.as_bytes() != b"chg"
            && ["list", "show", "lst"].iter().any(|full| matches(verb, full))
    })
}

/// The listing `object` asks for under the global options `opts`, or `None` when it says
/// something we leave to the system's ip. Errors are iproute2's, for words it would refuse.
pub fn parse<'a>(opts: &Options, object: &Object<'a>) -> Result<Option<Show<'a>>, Error> {
    let (link, words) = match object {
        Object::Link(words) => (true, words),
        Object::Address(words) => (false, words),
        _ => return Ok(None),
    };
    let mut show = Show { link, ..Show::default() };
    if !options(&mut show, &opts.pass) {
        return Ok(None);
    }
    if link {
        show.family = libc::AF_PACKET as u8;
    }
    let mut words = words.iter().skip(1);
    while let Some(word) = words.next() {
        let mut value = || words.next().map(OsString::as_os_str).ok_or(Error::Incomplete);
        match word.as_bytes() {
            b"up" => show.up = true,
            b"master" => show.master = Some(value()?),
            b"type" => {
                let kind = value()?.as_bytes();
                match kind.strip_suffix(b"_slave") {
                    Some(master_kind) => show.slave_kind = Some(master_kind),
                    None => show.kind = Some(kind),
                }
            }
            bytes if is_for_system_ip(bytes) || matches(word, "help") => return Ok(None),
            dev => {
                let dev = if dev == b"dev" { value()? } else { word.as_os_str() };
                if show.dev.replace(dev).is_some() {
                    return Err(Error::Garbage { key: "dev", arg: dev.to_owned() });
                }
            }
        }
    }
    Ok(Some(show))
}

/// Takes the global options into `show`; false if one of them is not ours to honour.
fn options(show: &mut Show<'_>, pass: &[OsString]) -> bool {
    let mut words = pass.iter();
    while let Some(word) = words.next() {
        let bytes = word.as_bytes();
        // `--json` is `-json`.
        let opt = bytes.strip_prefix(b"-").filter(|b| b.starts_with(b"-")).unwrap_or(bytes);
        match option_name(OsStr::from_bytes(opt)) {
            Some("=-4") => show.family = libc::AF_INET as u8,
            Some("=-6") => show.family = libc::AF_INET6 as u8,
            Some("=-0") => show.family = libc::AF_PACKET as u8,
            Some("-family") => {
                show.family = match words.next().map(|w| w.as_bytes()) {
                    Some(b"inet") => libc::AF_INET as u8,
                    Some(b"inet6") => libc::AF_INET6 as u8,
                    Some(b"link") => libc::AF_PACKET as u8,
                    _ => return false,
                }
            }
            Some("-brief") => show.brief = true,
            Some("-json") => show.json = true,
            Some("-pretty") => show.pretty = true,
            Some("-oneline") => show.oneline = true,
            _ => return false,
        }
    }
    true
}

/// The filters we leave to the system's ip: by prefix, scope, label, group, VRF, no master,
/// and the address flags (`permanent`, `-tentative`, ...).
fn is_for_system_ip(word: &[u8]) -> bool {
    const FILTERS: &str = "to scope label group vrf nomaster";
    const FLAGS: &str = "secondary temporary nodad optimistic dadfailed home deprecated \
        tentative permanent mngtmpaddr noprefixroute autojoin stable-privacy dynamic primary";
    let flag = word.strip_prefix(b"-").unwrap_or(word);
    FILTERS.split(' ').any(|filter| filter.as_bytes() == word)
        || FLAGS.split(' ').any(|name| name.as_bytes() == flag)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::object;

    fn os(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    /// The listing, with its borrowed words written out so that it can leave the test.
    fn show(pass: &[&str], words: &[&str]) -> Result<Option<String>, Error> {
        let opts = Options { pass: os(pass), ..Options::default() };
        let words = os(words);
        Ok(parse(&opts, &object(&words).unwrap())?.map(|show| format!("{show:?}")))
    }

    fn listing(words: &[&str]) -> bool {
        is_listing(&object(&os(words)).unwrap())
    }

    #[test]
    fn listings_are_the_verbs_ip_reads_as_show() {
        for words in [
            &["link"][..],
            &["l", "sh"],
            &["link", "l"],
            &["link", "list"],
            &["link", "lst"],
            &["a"],
            &["addr", "s"],
            &["address", "show"],
            &["a", "l"],
        ] {
            assert!(listing(words), "{words:?}");
        }
        for words in [
            &["link", "s"][..],
            &["link", "set"],
            &["link", "add"],
            &["link", "help"],
            &["addr", "add"],
            &["addr", "chg"],
            &["addr", "flush"],
            &["route"],
            &["netns"],
        ] {
            assert!(!listing(words), "{words:?}");
        }
    }

    #[test]
    fn filters_and_options() {
        let opts = Options { pass: os(&["-br", "--json", "-p", "-o"]), ..Options::default() };
        let words = os(&["link", "show", "type", "veth", "up"]);
        let expected = Show {
            link: true,
            family: libc::AF_PACKET as u8,
            brief: true,
            json: true,
            pretty: true,
            oneline: true,
            kind: Some(b"veth"),
            up: true,
            ..Show::default()
        };
        assert_eq!(parse(&opts, &object(&words).unwrap()).unwrap(), Some(expected));
        let addr = Options { pass: os(&["-6"]), ..Options::default() };
        let words = os(&["a", "s", "dev", "v0"]);
        let addr = parse(&addr, &object(&words).unwrap()).unwrap().unwrap();
        assert_eq!((addr.link, addr.family, addr.dev), (false, 10, Some(OsStr::new("v0"))));
        let inet = Options { pass: os(&["-f", "inet"]), ..Options::default() };
        let words = os(&["addr", "list", "v0", "master", "br0"]);
        let bare = parse(&inet, &object(&words).unwrap()).unwrap().unwrap();
        let (v0, br0) = (Some(OsStr::new("v0")), Some(OsStr::new("br0")));
        assert_eq!((bare.family, bare.dev, bare.master), (2, v0, br0));
        let words = os(&["link", "show", "type", "bridge_slave"]);
        let port = parse(&Options::default(), &object(&words).unwrap()).unwrap().unwrap();
        assert_eq!((port.kind, port.slave_kind), (None, Some(&b"bridge"[..])));
    }

    #[test]
    fn what_we_do_not_do_goes_to_the_system_ip() {
        for (pass, words) in [
            (&["-d"][..], &["link"][..]),
            (&["-s"], &["addr"]),
            (&["-c"], &["link"]),
            (&["-f", "bridge"], &["link"]),
            (&[], &["addr", "show", "scope", "link"]),
            (&[], &["addr", "show", "permanent"]),
            (&[], &["addr", "show", "-tentative"]),
            (&[], &["link", "show", "group", "0"]),
            (&[], &["link", "show", "nomaster"]),
            (&[], &["link", "show", "he"]),
        ] {
            assert_eq!(show(pass, words).unwrap(), None, "{pass:?} {words:?}");
        }
    }

    #[test]
    fn errors_read_as_iproute2s() {
        assert!(matches!(show(&[], &["link", "show", "dev"]), Err(Error::Incomplete)));
        assert!(matches!(show(&[], &["link", "show", "type"]), Err(Error::Incomplete)));
        assert!(matches!(
            show(&[], &["link", "show", "lo", "eth0"]),
            Err(Error::Garbage { arg, .. }) if arg == "eth0"
        ));
    }
}
