//! The netns commands: the verb matched by prefix in iproute2's order, then its arguments.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use super::{matches, parse_int};
use crate::error::Error;
use crate::netns;

/// A netns command, its words borrowed from the command line: nothing is copied until a
/// message needs it.
#[derive(Debug, PartialEq, Eq)]
pub enum Command<'a> {
    List,
    ListId { target: Option<i32>, nsid: Option<i32> },
    Usage,
    Add(&'a OsStr),
    Attach(&'a OsStr, i32),
    Set(&'a OsStr, i32),
    Delete(&'a OsStr),
    DeleteAll,
    Identify(Option<&'a OsStr>),
    Pids(&'a OsStr),
    Exec(&'a OsStr, &'a [OsString]),
    ExecAll(&'a [OsString]),
    Monitor,
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
pub fn parse(all: bool, words: &[OsString]) -> Result<Command<'_>, Error> {
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
    let name = || args.first().map(OsString::as_os_str).ok_or(Error::NoName);
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
            [pid] if pid.as_bytes().iter().all(u8::is_ascii_digit) => Command::Identify(Some(pid)),
            [pid] => return Err(Error::NotAPid(pid.clone())),
            _ => return Err(Error::ExtraArgs),
        },
        Verb::Pids => match args {
            [] => return Err(Error::NoName),
            [name] => Command::Pids(name),
            _ => return Err(Error::ExtraArgs),
        },
        Verb::Exec if all => match args {
            [] => return Err(Error::NoCommand),
            cmd => Command::ExecAll(cmd),
        },
        Verb::Exec => match args {
            [] => return Err(Error::NoName),
            [_] => return Err(Error::NoCommand),
            [name, cmd @ ..] => Command::Exec(name, cmd),
        },
        Verb::Monitor => Command::Monitor,
        Verb::Attach => match args {
            [name, pid, ..] => match parse_int(pid).filter(|pid| *pid != 0) {
                Some(pid) => Command::Attach(name, pid),
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
fn list_id(args: &[OsString]) -> Result<Command<'static>, Error> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::os;

    /// The command the words make; they live on for it to borrow.
    fn command(words: &[&str]) -> Result<Command<'static>, Error> {
        parse(false, os(words).leak())
    }

    #[test]
    fn verbs_match_by_prefix_in_iproute2_order() {
        let cases: &[(&[&str], Command)] = &[
            (&[], Command::List),
            (&["s"], Command::List),
            (&["ls"], Command::List),
            (&["lis"], Command::List),
            (&["list-"], Command::ListId { target: None, nsid: None }),
            (&["a", "x"], Command::Add(OsStr::new("x"))),
            (&["se", "x", "auto"], Command::Set(OsStr::new("x"), -1)),
            (&["d", "x"], Command::Delete(OsStr::new("x"))),
            (&["i"], Command::Identify(None)),
            (&["p", "x"], Command::Pids(OsStr::new("x"))),
            (&["e", "x", "true"], Command::Exec(OsStr::new("x"), os(&["true"]).leak())),
            (&["m"], Command::Monitor),
            (&["at", "x", "0x10"], Command::Attach(OsStr::new("x"), 16)),
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
            Command::Add(OsStr::new(&"0".repeat(255)))
        );
    }

    #[test]
    fn all_skips_the_name_check_except_where_a_name_is_created() {
        assert_eq!(
            parse(true, &os(&["exec", "/bin/true"])).unwrap(),
            Command::ExecAll(&os(&["/bin/true"]))
        );
        assert!(matches!(parse(true, &os(&["add", "../evil"])), Err(Error::InvalidName(_))));
        assert!(matches!(
            parse(true, &os(&["attach", "../evil", "1"])),
            Err(Error::InvalidName(_))
        ));
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
}
