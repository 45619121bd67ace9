//! The grammar: `ip`'s global options, its objects, the netns commands with iproute2's prefix
//! matching, each command's arguments, and the lines of a batch file.
//!
//! argh is on the design card, and this module does not use it, because iproute2's grammar is
//! nothing argh can say: options and commands are matched by any prefix, first match in a
//! fixed order wins (`-h` is -human, `s` is list, `a` is add); options are single-dash words
//! (`-all`, `-json`) and also take a doubled dash; keywords such as `target-nsid` come without
//! dashes; extra words after most commands are ignored, not refused; names and commands are
//! bytes, not UTF-8; and the exit status of a usage error is 255, chosen by the error. What
//! would be left for argh is calling a table lookup, at the cost of its generated code.

use std::ffi::{OsStr, OsString};
use std::io::BufRead;
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use crate::error::{Error, Prog};
use crate::netns;

/// The global options that mean something to netns; the rest of ip's are accepted and ignored.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Options {
    pub all: bool,
    pub json: bool,
    pub pretty: bool,
    pub force: bool,
    pub details: bool,
    pub oneline: bool,
    pub netns: Option<OsString>,
    pub batch: Option<OsString>,
    /// The options meant for the system's ip, as they were written, values included.
    pub pass: Vec<OsString>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Start<'a> {
    Version,
    Help,
    /// The options, and the words after them.
    Run(Options, &'a [OsString]),
}

#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    List,
    ListId { target: Option<i32>, nsid: Option<i32> },
    Usage,
    Add(OsString),
    Attach(OsString, i32),
    Set(OsString, i32),
    Delete(OsString),
    DeleteAll,
    Identify(Option<OsString>),
    Pids(OsString),
    Exec(OsString, Vec<OsString>),
    ExecAll(Vec<OsString>),
    Monitor,
}

/// iproute2's `matches()`: a non-empty prefix of the full word.
pub(crate) fn matches(word: &OsStr, full: &str) -> bool {
    !word.is_empty() && full.as_bytes().starts_with(word.as_bytes())
}

/// ip's options, in the order ip tries them: the first whose name the word begins is the one
/// (`-h` is -human, not -help; `-b` is -batch, not -brief; `-f` is -family, not -force).
/// Exact ones (`=-4`) are not abbreviations of anything. -all comes last: `-a` is all.
const OPTIONS: &str = "-loops -family =-4 =-6 =-0 =-M =-B -human -human-readable -iec -stats \
    -statistics -details -resolve -oneline -timestamp -tshort -Version -force \
    -batch -brief -json -pretty -rcvbuf -help -netns -Numeric -all";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opt {
    /// Means nothing to netns: only passed on to the system's ip.
    Other,
    /// The same, with a value.
    Value(&'static str),
    Family,
    Details,
    Oneline,
    Version,
    Force,
    Batch,
    Json,
    Pretty,
    Rcvbuf,
    Help,
    Netns,
    All,
}

fn option(opt: &OsStr) -> Option<Opt> {
    if is_color(opt) {
        return Some(Opt::Other);
    }
    let name = OPTIONS.split(' ').find(|name| match name.strip_prefix('=') {
        Some(exact) => opt.as_bytes() == exact.as_bytes(),
        None => matches(opt, name),
    })?;
    Some(match name {
        "-loops" => Opt::Value("loops count"),
        "-family" => Opt::Family,
        "-details" => Opt::Details,
        "-oneline" => Opt::Oneline,
        "-Version" => Opt::Version,
        "-force" => Opt::Force,
        "-batch" => Opt::Batch,
        "-json" => Opt::Json,
        "-pretty" => Opt::Pretty,
        "-rcvbuf" => Opt::Rcvbuf,
        "-help" => Opt::Help,
        "-netns" => Opt::Netns,
        "-all" => Opt::All,
        _ => Opt::Other,
    })
}

/// Reads the options in front of the object or command. Like `ip`, stops at the first word
/// that does not start with a dash, or after `--`.
pub fn parse_options(prog: Prog, args: &[OsString]) -> Result<Start<'_>, Error> {
    let mut opts = Options::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.as_slice().first() {
        let at = args.len() - rest.len();
        let bytes = arg.as_bytes();
        if bytes == b"--" {
            rest.next();
            break;
        }
        if bytes.first() != Some(&b'-') {
            break;
        }
        rest.next();
        // `--all` is `-all`.
        let opt = OsStr::from_bytes(
            bytes.strip_prefix(b"-").filter(|b| b.starts_with(b"-")).unwrap_or(bytes),
        );
        let mut value = |what: &'static str| rest.next().ok_or(Error::ArgRequired(what));
        let Some(kind) = option(opt) else {
            return Err(Error::UnknownOption(opt.to_owned()));
        };
        match kind {
            Opt::Other | Opt::Json | Opt::Pretty | Opt::Details | Opt::Oneline => {}
            Opt::Value(what) => drop(value(what)?),
            Opt::Family => family(value("family")?, prog)?,
            Opt::Version => return Ok(Start::Version),
            Opt::Force => opts.force = true,
            Opt::Batch => opts.batch = Some(value("batch file")?.clone()),
            Opt::Rcvbuf => {
                let size = value("rcvbuf size")?;
                let why = "invalid rcvbuf size";
                if parse_int(size).is_none() {
                    return Err(Error::InvalidArg { arg: size.clone(), why });
                }
            }
            Opt::Help if prog == Prog::Ip => return Err(Error::IpUsage),
            Opt::Help => return Ok(Start::Help),
            Opt::Netns => opts.netns = Some(value("netns name")?.clone()),
            Opt::All => opts.all = true,
        }
        opts.json |= kind == Opt::Json;
        opts.pretty |= kind == Opt::Pretty;
        opts.details |= kind == Opt::Details;
        opts.oneline |= kind == Opt::Oneline;
        // What netns alone acts on stays ours; the rest also goes to the system's ip, values
        // and all, when we hand a command over.
        if !matches!(kind, Opt::Force | Opt::Batch | Opt::Netns | Opt::All) {
            opts.pass.extend_from_slice(&args[at..args.len() - rest.len()]);
        }
    }
    Ok(Start::Run(opts, rest.as_slice()))
}

fn family(name: &OsStr, prog: Prog) -> Result<(), Error> {
    match name.as_bytes() {
        b"inet" | b"inet6" | b"mpls" | b"bridge" | b"link" => Ok(()),
        b"help" if prog == Prog::Ip => Err(Error::IpUsage),
        b"help" => Err(Error::Usage),
        _ => Err(Error::InvalidArg { arg: name.to_owned(), why: "invalid protocol family" }),
    }
}

/// `-color`, `-c`, optionally with `=always`, `=auto` or `=never`.
fn is_color(opt: &OsStr) -> bool {
    let bytes = opt.as_bytes();
    let (word, choice) = match bytes.iter().position(|b| *b == b'=') {
        Some(at) => (&bytes[..at], Some(&bytes[at + 1..])),
        None => (bytes, None),
    };
    matches(OsStr::from_bytes(word), "-color")
        && matches!(choice, None | Some(b"" | b"always" | b"auto" | b"never"))
}

/// ip's objects in ip's order: `n` is neighbour, `net` is netns.
const OBJECTS: &str = "address addrlabel maddress route rule neighbor neighbour ntable ntbl \
    link l2tp fou ila macsec tunnel tunl tuntap tap token tcpmetrics tcp_metrics monitor xfrm \
    mroute mrule netns netconf vrf sr nexthop mptcp ioam help";

/// What the words after the options ask for under the name `ip`.
#[derive(Debug, PartialEq, Eq)]
pub enum Object<'a> {
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

pub fn object(words: &[OsString]) -> Result<Object<'_>, Error> {
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

/// The link commands we carry out ourselves.
#[derive(Debug, PartialEq, Eq)]
pub enum LinkCommand {
    /// `add ... type veth [peer ...]`
    AddVeth { end: LinkEnd, peer: LinkEnd },
    /// `set [dev] DEV [netns NS] [name NEW] [up|down] [mtu N]`
    Set {
        dev: OsString,
        netns: Option<OsString>,
        name: Option<String>,
        up: Option<bool>,
        mtu: Option<u32>,
    },
}

/// One end of a new link as written: the namespace is still a word.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LinkEnd {
    pub name: Option<String>,
    pub netns: Option<OsString>,
    pub mtu: Option<u32>,
    pub address: Option<Vec<u8>>,
}

/// An `ip link` command we do ourselves, or `None` for the system's ip: veth pairs (busybox's
/// ip drops `peer name`), moves to another namespace (busybox's takes only a PID), and the
/// plain changes that go with them (up, down, name, mtu), so that a namespace can be wired
/// with this program alone.
pub fn parse_link(words: &[OsString]) -> Result<Option<LinkCommand>, Error> {
    let Some((verb, args)) = words.split_first() else { return Ok(None) };
    if matches(verb, "add") {
        parse_add(args)
    } else if matches(verb, "set") || matches(verb, "change") {
        parse_set(args)
    } else {
        Ok(None)
    }
}

fn parse_add(args: &[OsString]) -> Result<Option<LinkCommand>, Error> {
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
) -> Result<Option<(LinkEnd, Option<String>, Option<&'a OsString>)>, Error> {
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
                end.netns = Some(ns.clone());
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

fn parse_set(args: &[OsString]) -> Result<Option<LinkCommand>, Error> {
    let (mut dev, mut netns, mut name, mut up, mut mtu_) = (None, None, None, None, None);
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let mut value = || words.next().ok_or(Error::Incomplete);
        match word.as_bytes() {
            b"netns" => netns = Some(value()?.clone()),
            b"name" => name = Some(ifname(value()?, "\"name\" not a valid ifname", 16)?),
            b"up" => up = Some(true),
            b"down" => up = Some(false),
            b"mtu" => mtu_ = Some(mtu(value()?)?),
            b"dev" if dev.is_none() => dev = Some(value()?.clone()),
            _ if dev.is_none() => dev = Some(word.clone()),
            _ => return Ok(None),
        }
    }
    Ok(dev.map(|dev| LinkCommand::Set { dev, netns, name, up, mtu: mtu_ }))
}

/// A name the kernel can give a link: not empty, shorter than `limit`, no `/`, no blanks.
pub(crate) fn ifname(word: &OsString, why: &'static str, limit: usize) -> Result<String, Error> {
    let bytes = word.as_bytes();
    let valid = !bytes.is_empty()
        && bytes.len() < limit
        && !bytes.iter().any(|b| *b == b'/' || b.is_ascii_whitespace());
    match word.to_str() {
        Some(name) if valid => Ok(name.to_string()),
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
    let text = word.to_str().ok_or_else(|| Error::Lladdr(word.clone()))?;
    text.split(':')
        .map(|part| match part.len() {
            1 | 2 => u8::from_str_radix(part, 16).ok(),
            _ => None,
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(|| Error::Lladdr(word.clone()))
}

/// `ip addr add [local] A.B.C.D[/N] dev DEV`, the one address command we do ourselves.
#[derive(Debug, PartialEq, Eq)]
pub struct AddAddress {
    pub local: [u8; 4],
    pub prefix: u8,
    pub dev: OsString,
}

/// An `ip addr` command we do ourselves, or `None` for the system's ip (IPv6, peers,
/// broadcast, labels, ... and every other verb).
pub fn parse_addr(words: &[OsString]) -> Result<Option<AddAddress>, Error> {
    let Some((verb, args)) = words.split_first() else { return Ok(None) };
    if !matches(verb, "add") {
        return Ok(None);
    }
    let (mut local, mut dev) = (None, None);
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_bytes() {
            b"dev" => dev = Some(words.next().ok_or(Error::Incomplete)?.clone()),
            b"local" if local.is_none() => local = Some(words.next().ok_or(Error::Incomplete)?),
            _ if local.is_none() && !word.as_bytes().starts_with(b"-") => local = Some(word),
            _ => return Ok(None),
        }
    }
    let Some(local) = local else { return Ok(None) };
    if local.as_bytes().contains(&b':') {
        return Ok(None);
    }
    let (local, prefix) = ipv4_prefix(local).ok_or_else(|| Error::BadPrefix(local.clone()))?;
    let dev = dev.ok_or(Error::NoDev)?;
    Ok(Some(AddAddress { local, prefix, dev }))
}

/// `A.B.C.D` or `A.B.C.D/N`: four decimal bytes, and a prefix length of at most 32.
fn ipv4_prefix(word: &OsStr) -> Option<([u8; 4], u8)> {
    let text = word.to_str()?;
    let (addr, prefix) = match text.split_once('/') {
        Some((addr, prefix)) => (addr, prefix.parse::<u8>().ok().filter(|p| *p <= 32)?),
        None => (text, 32),
    };
    let octets: Vec<u8> = addr.split('.').map(|o| o.parse().ok()).collect::<Option<_>>()?;
    Some((octets.try_into().ok()?, prefix))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    List,
    ListId,
    Help,
    Add,
    Set,
    Delete,
    Identify,
    Pids,
    Exec,
    Monitor,
    Attach,
}

/// The command words in iproute2's order: `s` is list, not set, and `a` is add.
const VERBS: [(&str, Verb); 13] = [
    ("list", Verb::List),
    ("show", Verb::List),
    ("lst", Verb::List),
    ("list-id", Verb::ListId),
    ("help", Verb::Help),
    ("add", Verb::Add),
    ("set", Verb::Set),
    ("delete", Verb::Delete),
    ("identify", Verb::Identify),
    ("pids", Verb::Pids),
    ("exec", Verb::Exec),
    ("monitor", Verb::Monitor),
    ("attach", Verb::Attach),
];

/// A netns command line, from the command word on.
pub fn parse_command(all: bool, words: &[OsString]) -> Result<Command, Error> {
    let Some((word, args)) = words.split_first() else {
        return Ok(Command::List);
    };
    let verb = VERBS.iter().find(|(full, _)| matches(word, full)).map(|(_, verb)| *verb);
    // Like ip, the word after any command must be a usable name. ip lets -all skip the check
    // for every command, so that `-all exec /bin/cmd` works; that also let `-all add ../x`
    // escape the run directory, so add and attach are checked always.
    let checked = !all || matches!(verb, Some(Verb::Add | Verb::Attach));
    if let Some(name) = args.first().filter(|name| checked && !netns::valid_name(name)) {
        return Err(Error::InvalidName(name.clone()));
    }
    let Some(verb) = verb else {
        return Err(Error::UnknownCommand(word.clone()));
    };
    let name = || args.first().cloned().ok_or(Error::NoName);
    Ok(match verb {
        Verb::List => Command::List,
        Verb::ListId => list_id(args)?,
        Verb::Help => Command::Usage,
        Verb::Add => Command::Add(name()?),
        Verb::Set => {
            let name = name()?;
            let nsid = args.get(1).ok_or(Error::NoNsid)?;
            Command::Set(name, netnsid(nsid)?)
        }
        Verb::Delete if all => Command::DeleteAll,
        Verb::Delete => Command::Delete(name()?),
        Verb::Identify => match args {
            [] => Command::Identify(None),
            [pid] if pid.as_bytes().iter().all(u8::is_ascii_digit) => {
                Command::Identify(Some(pid.clone()))
            }
            [pid] => return Err(Error::NotAPid(pid.clone())),
            _ => return Err(Error::ExtraArgs),
        },
        Verb::Pids => match args {
            [] => return Err(Error::NoName),
            [name] => Command::Pids(name.clone()),
            _ => return Err(Error::ExtraArgs),
        },
        Verb::Exec if all => match args {
            [] => return Err(Error::NoCommand),
            cmd => Command::ExecAll(cmd.to_vec()),
        },
        Verb::Exec => match args {
            [] => return Err(Error::NoName),
            [_] => return Err(Error::NoCommand),
            [name, cmd @ ..] => Command::Exec(name.clone(), cmd.to_vec()),
        },
        Verb::Monitor => Command::Monitor,
        Verb::Attach => match args {
            [name, pid, ..] => match parse_int(pid).filter(|pid| *pid != 0) {
                Some(pid) => Command::Attach(name.clone(), pid),
                None => return Err(Error::InvalidPid(pid.clone())),
            },
            _ => return Err(Error::NoNameAndPid),
        },
    })
}

/// `set`'s id: `auto` or a non-negative number.
fn netnsid(word: &OsString) -> Result<i32, Error> {
    if word.as_bytes() == b"auto" {
        return Ok(-1);
    }
    match parse_int(word) {
        None => Err(Error::InvalidArg { arg: word.clone(), why: "Invalid \"netnsid\" value" }),
        Some(n) if n < 0 => {
            Err(Error::InvalidArg { arg: word.clone(), why: "\"netnsid\" value should be >= 0" })
        }
        Some(n) => Ok(n),
    }
}

/// `list-id [target-nsid N] [nsid N]`: exact keywords, each at most once.
fn list_id(args: &[OsString]) -> Result<Command, Error> {
    let (mut target, mut nsid) = (None, None);
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let (slot, key) = match word.as_bytes() {
            b"target-nsid" => (&mut target, "target-nsid"),
            b"nsid" => (&mut nsid, "nsid"),
            _ => return Err(Error::Usage),
        };
        if slot.is_some() {
            return Err(Error::Duplicate { key, arg: word.clone() });
        }
        let value = words.next().ok_or(Error::Incomplete)?;
        let (invalid, negative) = match key {
            "nsid" => ("\"nsid\" value is invalid", "\"nsid\" value should be >= 0"),
            _ => ("\"target-nsid\" value is invalid", "\"target-nsid\" value should be >= 0"),
        };
        let n = parse_int(value)
            .ok_or_else(|| Error::InvalidArg { arg: value.clone(), why: invalid })?;
        if n < 0 {
            return Err(Error::InvalidArg { arg: value.clone(), why: negative });
        }
        *slot = Some(n);
    }
    Ok(Command::ListId { target, nsid })
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

    /// The next command's words (empty for a blank line), `None` at the end.
    pub fn next_command(&mut self) -> Result<Option<Vec<OsString>>, Error> {
        let Some(mut line) = self.physical_line() else { return Ok(None) };
        // A backslash at the end of a line joins the next one, unless a comment hid it.
        while line.ends_with(b"\\\n") {
            line.truncate(line.len() - 2);
            let Some(next) = self.physical_line() else {
                crate::error::warn(&Error::MissingContinuation);
                return Ok(None);
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

    fn os(words: &[&str]) -> Vec<OsString> {
        words.iter().map(OsString::from).collect()
    }

    fn command(words: &[&str]) -> Result<Command, Error> {
        parse_command(false, &os(words))
    }

    #[test]
    fn verbs_match_by_prefix_in_iproute2_order() {
        let cases: &[(&[&str], Command)] = &[
            (&[], Command::List),
            (&["s"], Command::List),
            (&["ls"], Command::List),
            (&["lis"], Command::List),
            (&["list-"], Command::ListId { target: None, nsid: None }),
            (&["a", "x"], Command::Add("x".into())),
            (&["se", "x", "auto"], Command::Set("x".into(), -1)),
            (&["d", "x"], Command::Delete("x".into())),
            (&["i"], Command::Identify(None)),
            (&["p", "x"], Command::Pids("x".into())),
            (&["e", "x", "true"], Command::Exec("x".into(), os(&["true"]))),
            (&["m"], Command::Monitor),
            (&["at", "x", "0x10"], Command::Attach("x".into(), 16)),
            (&["h"], Command::Usage),
        ];
        for (words, expected) in cases {
            assert_eq!(&command(words).unwrap(), expected, "{words:?}");
        }
    }

    #[test]
    fn unknown_and_empty_words_are_unknown_commands() {
        for word in ["LIST", "", "-j", "x"] {
            assert!(matches!(command(&[word]), Err(Error::UnknownCommand(_))), "{word:?}");
        }
    }

    #[test]
    fn the_word_after_any_command_must_be_a_name() {
        let long = "0".repeat(256);
        for bad in ["", ".", "..", "a/b", long.as_str()] {
            for verb in ["add", "foo", "help", "list"] {
                assert!(
                    matches!(command(&[verb, bad]), Err(Error::InvalidName(_))),
                    "{verb} {bad:?}"
                );
            }
        }
        assert_eq!(
            command(&["add", &"0".repeat(255)]).unwrap(),
            Command::Add("0".repeat(255).into())
        );
    }

    #[test]
    fn all_skips_the_name_check_except_where_a_name_is_created() {
        assert_eq!(
            parse_command(true, &os(&["exec", "/bin/true"])).unwrap(),
            Command::ExecAll(os(&["/bin/true"]))
        );
        assert!(matches!(
            parse_command(true, &os(&["add", "../evil"])),
            Err(Error::InvalidName(_))
        ));
        assert!(matches!(
            parse_command(true, &os(&["attach", "../evil", "1"])),
            Err(Error::InvalidName(_))
        ));
    }

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
    fn list_id_keywords() {
        assert_eq!(
            command(&["list-id", "nsid", "1", "target-nsid", "2"]).unwrap(),
            Command::ListId { target: Some(2), nsid: Some(1) }
        );
        assert!(matches!(command(&["list-id", "nsid"]), Err(Error::Incomplete)));
        assert!(matches!(command(&["list-id", "targ", "1"]), Err(Error::Usage)));
        assert!(matches!(
            command(&["list-id", "nsid", "1", "nsid", "2"]),
            Err(Error::Duplicate { key: "nsid", .. })
        ));
        assert!(matches!(command(&["list-id", "nsid", "-1"]), Err(Error::InvalidArg { .. })));
    }

    #[test]
    fn options_match_in_ip_order() {
        let run = |args: &[&str]| match parse_options(Prog::Netns, &os(args)) {
            Ok(Start::Run(opts, rest)) => (opts, rest.to_vec()),
            other => panic!("{args:?}: {other:?}"),
        };
        let (opts, rest) = run(&["-a", "--json", "-p", "-h", "-b", "f", "-fo", "-n", "x", "list"]);
        assert!(opts.all && opts.json && opts.pretty && opts.force);
        assert_eq!((opts.batch, opts.netns), (Some("f".into()), Some("x".into())));
        assert_eq!(rest, os(&["list"]));
        assert_eq!(run(&["--", "-x"]).1, os(&["-x"]));
        assert!(matches!(
            parse_options(Prog::Ip, &os(&["-f", "netns"])),
            Err(Error::InvalidArg { .. })
        ));
        assert!(matches!(parse_options(Prog::Ip, &os(&["-x"])), Err(Error::UnknownOption(_))));
        assert!(matches!(parse_options(Prog::Ip, &os(&["-c=x"])), Err(Error::UnknownOption(_))));
        assert!(matches!(parse_options(Prog::Ip, &os(&["-n"])), Err(Error::ArgRequired(_))));
        assert_eq!(parse_options(Prog::Ip, &os(&["-V", "netns"])).unwrap(), Start::Version);
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

    fn link(words: &[&str]) -> Result<Option<LinkCommand>, Error> {
        parse_link(&os(words))
    }

    #[test]
    fn veth_commands_are_ours() {
        let end = |name: &str, netns: Option<&str>| LinkEnd {
            name: Some(name.into()),
            netns: netns.map(OsString::from),
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

    fn addr(words: &[&str]) -> Result<Option<AddAddress>, Error> {
        parse_addr(&os(words))
    }

    #[test]
    fn ipv4_addresses_are_ours() {
        let ours = AddAddress { local: [198, 18, 0, 1], prefix: 24, dev: "veth0".into() };
        let seed = addr(&["add", "local", "198.18.0.1/24", "dev", "veth0"]).unwrap();
        assert_eq!(seed.as_ref(), Some(&ours));
        assert_eq!(addr(&["a", "198.18.0.1/24", "dev", "veth0"]).unwrap(), Some(ours));
        let host = addr(&["add", "198.18.0.3", "dev", "v0"]).unwrap();
        assert_eq!(host.map(|a| a.prefix), Some(32));
        for other in [
            &["add", "2001:db8::1/64", "dev", "v0"][..],
            &["add", "198.18.0.1/24", "brd", "+", "dev", "v0"],
            &["del", "198.18.0.1/24", "dev", "v0"],
            &["show"],
        ] {
            assert_eq!(addr(other).unwrap(), None, "{other:?}");
        }
        for bad in ["x/24", "198.18.0.1/33", "198.18.0", "198.18.0.256"] {
            assert!(matches!(addr(&["add", bad, "dev", "v0"]), Err(Error::BadPrefix(_))), "{bad}");
        }
        assert!(matches!(addr(&["add", "198.18.0.1/24"]), Err(Error::NoDev)));
    }

    #[test]
    fn moves_are_ours() {
        let moved =
            link(&["set", "dev", "veth1", "netns", "ns0", "name", "eth0", "up", "mtu", "1400"])
                .unwrap();
        let expected = LinkCommand::Set {
            dev: "veth1".into(),
            netns: Some("ns0".into()),
            name: Some("eth0".into()),
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
