//! `ip addr add [local] A.B.C.D[/N] dev DEV`: the address a namespace's link needs before
//! anything crosses it, the one address command we carry out ourselves.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;

use super::matches;
use crate::error::Error;

/// `ip addr add [local] A.B.C.D[/N] dev DEV`, the one address command we do ourselves.
#[derive(Debug, PartialEq, Eq)]
pub struct AddAddress<'a> {
    pub local: [u8; 4],
    pub prefix: u8,
    pub dev: &'a OsStr,
}

/// An `ip addr` command we do ourselves, or `None` for the system's ip (IPv6, peers,
/// broadcast, labels, ... and every other verb).
pub fn parse(words: &[OsString]) -> Result<Option<AddAddress<'_>>, Error> {
    let Some((verb, args)) = words.split_first() else { return Ok(None) };
    if !matches(verb, "add") {
        return Ok(None);
    }
    let (mut local, mut dev) = (None, None);
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_bytes() {
            b"dev" => dev = Some(words.next().ok_or(Error::Incomplete)?.as_os_str()),
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
    let mut octets = [0; 4];
    let mut parts = addr.split('.');
    for octet in &mut octets {
        *octet = parts.next()?.parse().ok()?;
    }
    parts.next().is_none().then_some((octets, prefix))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::os;

    /// The command the words make; they live on for it to borrow.
    fn addr(words: &[&str]) -> Result<Option<AddAddress<'static>>, Error> {
        parse(os(words).leak())
    }

    #[test]
    fn ipv4_addresses_are_ours() {
        let ours = AddAddress { local: [198, 18, 0, 1], prefix: 24, dev: OsStr::new("veth0") };
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
}
