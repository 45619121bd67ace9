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
    pub netns: Option<OsString>,
    pub batch: Option<OsString>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Start {
    Version,
    Help,
    Run(Options, Vec<OsString>),
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
fn matches(word: &OsStr, full: &str) -> bool {
    !word.is_empty() && full.as_bytes().starts_with(word.as_bytes())
}

/// Reads the options in front of the object or command. Like `ip`, stops at the first word
/// that does not start with a dash, or after `--`.
pub fn parse_options(prog: Prog, args: &[OsString]) -> Result<Start, Error> {
    let mut opts = Options::default();
    let mut rest = args.iter();
    while let Some(arg) = rest.as_slice().first() {
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
        let opt = OsStr::from_bytes(bytes.strip_prefix(b"-").filter(|b| b.starts_with(b"-")).unwrap_or(bytes));
        let mut value = |what: &'static str| rest.next().cloned().ok_or(Error::ArgRequired(what));
        let m = |full: &str| matches(opt, full);
        if m("-loops") {
            value("loops count")?;
        } else if m("-family") {
            family(&value("family")?, prog)?;
        } else if ["-4", "-6", "-0", "-M", "-B"].iter().any(|o| opt.as_bytes() == o.as_bytes()) {
        } else if m("-human") || m("-human-readable") || m("-iec") {
        } else if m("-stats") || m("-statistics") || m("-details") || m("-resolve") {
        } else if m("-oneline") || m("-timestamp") || m("-tshort") {
        } else if m("-Version") {
            return Ok(Start::Version);
        } else if m("-force") {
            opts.force = true;
        } else if m("-batch") {
            opts.batch = Some(value("batch file")?);
        } else if m("-brief") {
        } else if m("-json") {
            opts.json = true;
        } else if m("-pretty") {
            opts.pretty = true;
        } else if m("-rcvbuf") {
            let size = value("rcvbuf size")?;
            if parse_int(&size).is_none() {
                return Err(Error::InvalidArg { arg: size, why: "invalid rcvbuf size" });
            }
        } else if is_color(opt) {
        } else if m("-help") {
            return match prog {
                Prog::Ip => Err(Error::IpUsage),
                Prog::Netns => Ok(Start::Help),
            };
        } else if m("-netns") {
            opts.netns = Some(value("netns name")?);
        } else if m("-Numeric") {
        } else if m("-all") {
            opts.all = true;
        } else {
            return Err(Error::UnknownOption(opt.to_owned()));
        }
    }
    Ok(Start::Run(opts, rest.cloned().collect()))
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
const OBJECTS: [&str; 33] = [
    "address", "addrlabel", "maddress", "route", "rule", "neighbor", "neighbour", "ntable",
    "ntbl", "link", "l2tp", "fou", "ila", "macsec", "tunnel", "tunl", "tuntap", "tap", "token",
    "tcpmetrics", "tcp_metrics", "monitor", "xfrm", "mroute", "mrule", "netns", "netconf", "vrf",
    "sr", "nexthop", "mptcp", "ioam", "help",
];

/// Under the name `ip`: the netns command words after the object, or why there are none.
pub fn netns_words(words: &[OsString]) -> Result<&[OsString], Error> {
    let Some((object, rest)) = words.split_first() else {
        return Err(Error::IpUsage);
    };
    match OBJECTS.iter().find(|full| matches(object, full)) {
        Some(&"netns") => Ok(rest),
        Some(&"help") => Err(Error::IpUsage),
        Some(_) => Err(Error::ForeignObject(object.clone())),
        None => Err(Error::UnknownObject(object.clone())),
    }
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
            return Err(Error::Duplicate { key });
        }
        let value = words.next().ok_or(Error::Incomplete)?;
        let (invalid, negative) = match key {
            "nsid" => ("\"nsid\" value is invalid", "\"nsid\" value should be >= 0"),
            _ => ("\"target-nsid\" value is invalid", "\"target-nsid\" value should be >= 0"),
        };
        let n = parse_int(value).ok_or(Error::InvalidArg { arg: value.clone(), why: invalid })?;
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
    let bytes = word.as_bytes();
    let start = bytes.iter().position(|b| !b" \t\n\x0b\x0c\r".contains(b))?;
    let mut s = &bytes[start..];
    let negative = s.first() == Some(&b'-');
    if let Some(b'-' | b'+') = s.first() {
        s = &s[1..];
    }
    let (radix, digits) = match s {
        [b'0', b'x' | b'X', d, ..] if d.is_ascii_hexdigit() => (16, &s[2..]),
        [b'0', _, ..] => (8, &s[1..]),
        _ => (10, s),
    };
    let mut value: i64 = 0;
    for &d in digits {
        let digit = char::from(d).to_digit(radix)?;
        value = value.checked_mul(i64::from(radix))?.checked_add(i64::from(digit))?;
    }
    if digits.is_empty() && radix != 8 {
        return None;
    }
    i32::try_from(if negative { -value } else { value }).ok()
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
    loop {
        let Some(start) = rest.iter().position(|b| !BLANKS.contains(b)) else { break };
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
                assert!(matches!(command(&[verb, bad]), Err(Error::InvalidName(_))), "{verb} {bad:?}");
            }
        }
        assert_eq!(command(&["add", &"0".repeat(255)]).unwrap(), Command::Add("0".repeat(255).into()));
    }

    #[test]
    fn all_skips_the_name_check_except_where_a_name_is_created() {
        assert_eq!(parse_command(true, &os(&["exec", "/bin/true"])).unwrap(), Command::ExecAll(os(&["/bin/true"])));
        assert!(matches!(parse_command(true, &os(&["add", "../evil"])), Err(Error::InvalidName(_))));
        assert!(matches!(parse_command(true, &os(&["attach", "../evil", "1"])), Err(Error::InvalidName(_))));
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
    fn list_id_keywords() {
        assert_eq!(
            command(&["list-id", "nsid", "1", "target-nsid", "2"]).unwrap(),
            Command::ListId { target: Some(2), nsid: Some(1) }
        );
        assert!(matches!(command(&["list-id", "nsid"]), Err(Error::Incomplete)));
        assert!(matches!(command(&["list-id", "targ", "1"]), Err(Error::Usage)));
        assert!(matches!(command(&["list-id", "nsid", "1", "nsid", "2"]), Err(Error::Duplicate { key: "nsid" })));
        assert!(matches!(command(&["list-id", "nsid", "-1"]), Err(Error::InvalidArg { .. })));
    }

    #[test]
    fn options_match_in_ip_order() {
        let run = |args: &[&str]| match parse_options(Prog::Netns, &os(args)) {
            Ok(Start::Run(opts, rest)) => (opts, rest),
            other => panic!("{args:?}: {other:?}"),
        };
        let (opts, rest) = run(&["-a", "--json", "-p", "-h", "-b", "f", "-fo", "-n", "x", "list"]);
        assert!(opts.all && opts.json && opts.pretty && opts.force);
        assert_eq!((opts.batch, opts.netns), (Some("f".into()), Some("x".into())));
        assert_eq!(rest, os(&["list"]));
        assert_eq!(run(&["--", "-x"]).1, os(&["-x"]));
        assert!(matches!(parse_options(Prog::Ip, &os(&["-f", "netns"])), Err(Error::InvalidArg { .. })));
        assert!(matches!(parse_options(Prog::Ip, &os(&["-x"])), Err(Error::UnknownOption(_))));
        assert!(matches!(parse_options(Prog::Ip, &os(&["-c=x"])), Err(Error::UnknownOption(_))));
        assert!(matches!(parse_options(Prog::Ip, &os(&["-n"])), Err(Error::ArgRequired(_))));
        assert_eq!(parse_options(Prog::Ip, &os(&["-V", "netns"])).unwrap(), Start::Version);
    }

    #[test]
    fn objects_match_in_ip_order() {
        assert!(netns_words(&os(&["net", "list"])).is_ok());
        assert!(matches!(netns_words(&os(&["n"])), Err(Error::ForeignObject(_))));
        assert!(matches!(netns_words(&os(&["netnsx"])), Err(Error::UnknownObject(_))));
        assert!(matches!(netns_words(&[]), Err(Error::IpUsage)));
    }

    #[test]
    fn batch_lines_join_split_and_quote_as_iproute2() {
        let text = "netns exec a echo \"a  b\" # comment\n# only a comment\n\nnetns exec a echo c \\\n d\n'x'y\n";
        let mut batch = Batch::new(text.as_bytes());
        let mut commands = Vec::new();
        while let Some(words) = batch.next_command().unwrap() {
            commands.push(words);
        }
        let expected = [os(&["netns", "exec", "a", "echo", "a  b"]), os(&[]), os(&[]), os(&["netns", "exec", "a", "echo", "c", "d"]), os(&["x", "y"])];
        assert_eq!(commands, expected);
        assert_eq!(batch.line, 6);
        assert!(matches!(Batch::new(&b"a \"b\n"[..]).next_command(), Err(Error::Unterminated)));
        let many = "x ".repeat(512);
        assert!(matches!(Batch::new(many.as_bytes()).next_command(), Err(Error::TooManyArgs)));
    }
}
