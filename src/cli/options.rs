//! `ip`'s global options: matched by prefix in ip's own order, the few that mean something
//! to netns kept, the rest passed on to the system's ip as written.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use super::{matches, parse_int};
use crate::error::{Error, Prog};

/// The global options that mean something to netns; the rest of ip's are accepted and ignored.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Options {
    pub all: bool,
    pub json: bool,
    pub pretty: bool,
    pub force: bool,
    pub details: bool,
    pub oneline: bool,
    /// `-n NAME`: the namespace the command runs in.
    pub enter: Option<OsString>,
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

/// The option a word (without its second dash) stands for, as ip spells it in full: `-brief`
/// for `-br`, `=-4` for `-4`, `-color` for any of its forms.
pub fn option_name(opt: &OsStr) -> Option<&'static str> {
    if is_color(opt) {
        return Some("-color");
    }
    OPTIONS.split(' ').find(|name| match name.strip_prefix('=') {
        Some(exact) => opt.as_bytes() == exact.as_bytes(),
        None => matches(opt, name),
    })
}

fn option(opt: &OsStr) -> Option<Opt> {
    Some(match option_name(opt)? {
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
            Opt::Netns => opts.enter = Some(value("netns name")?.clone()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::os;

    #[test]
    fn options_match_in_ip_order() {
        let run = |args: &[&str]| match parse_options(Prog::Netns, &os(args)) {
            Ok(Start::Run(opts, rest)) => (opts, rest.to_vec()),
            other => panic!("{args:?}: {other:?}"),
        };
        let (opts, rest) = run(&["-a", "--json", "-p", "-h", "-b", "f", "-fo", "-n", "x", "list"]);
        assert!(opts.all && opts.json && opts.pretty && opts.force);
        assert_eq!((opts.batch, opts.enter), (Some("f".into()), Some("x".into())));
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
}
