//! What `ip tuntap show` reads, where iproute2 reads it: the tun devices from a link dump that
//! asks the kernel for kind `tun`, each device's flags and owners from /sys/class/net, and with
//! -d the processes that hold one open, from /proc/PID/fd and fdinfo.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use netlink_packet_core::{NLM_F_DUMP, NlasIterator};

use crate::error::{Error, Prop, PropFault};
use crate::netlink::{Failure, Request, push_attr, raw};
use crate::sys::{self, Dir};

/// The device that makes and attaches tun devices.
pub const DEVICE: &str = "/dev/net/tun";

use libc::{IFLA_IFNAME, IFLA_INFO_KIND, IFLA_LINKINFO, RTM_GETLINK};

/// The length of a netlink message's header, before the link message.
const NLMSG_HDRLEN: usize = 16;
const KIND: &[u8] = b"tun";

/// A tun or tap device, as /sys describes it.
pub struct TunDevice {
    pub name: Vec<u8>,
    /// tun_flags: IFF_TUN, IFF_TAP, IFF_NO_PI, ... as the device was made.
    flags: i64,
    pub user: Option<i64>,
    pub group: Option<i64>,
}

/// A process holding the device open.
pub struct Attached {
    /// Its command name, or `<NULL>` when it cannot be read.
    pub comm: Vec<u8>,
    pub pid: u32,
}

/// The flags iproute2 names, in its order; `true` where a cleared bit sets the name.
const NAMES: [(i32, &str, bool); 8] = [
    (libc::IFF_TUN, "tun", false),
    (libc::IFF_TAP, "tap", false),
    (libc::IFF_NO_PI, "pi", true),
    (libc::IFF_ONE_QUEUE, "one_queue", false),
    (libc::IFF_MULTI_QUEUE, "multi_queue", false),
    (libc::IFF_VNET_HDR, "vnet_hdr", false),
    (libc::IFF_PERSIST, "persist", false),
    // The same bit as IFF_NO_PI: a device with `pi` also shows `filter`, as in iproute2.
    (libc::IFF_NOFILTER, "filter", true),
];

impl TunDevice {
    /// The names of its flags, then (` 0x...`) the bits without a name, as iproute2 writes
    /// them; empty if there are none.
    pub fn flags(&self) -> (Vec<&'static str>, Vec<u8>) {
        let mut names = Vec::new();
        let mut known = 0;
        for (bit, name, cleared) in NAMES {
            let bit = i64::from(bit);
            if (self.flags & bit != 0) != cleared {
                names.push(name);
            }
            known |= bit;
        }
        let mut rest = (self.flags & !known) as u64;
        // Written last digit first, ` 0x` included, then turned around.
        let mut hex = Vec::new();
        while rest != 0 {
            hex.push(b"0123456789abcdef"[(rest & 0xf) as usize]);
            rest >>= 4;
        }
        if !hex.is_empty() {
            hex.extend_from_slice(b"x0 ");
        }
        hex.reverse();
        (names, hex)
    }
}

/// The tun devices in the kernel's order. A device whose properties cannot be read is left
/// out, with a warning for the command to report; a dump the kernel breaks off keeps what came
/// before, and the failure.
pub fn devices(warnings: &mut Vec<Error>) -> Result<(Vec<TunDevice>, Option<Error>), Error> {
    let mut names = Vec::new();
    let fetched = crate::netlink::open()?.fetch(dump_request(), &mut |msg| {
        names.extend(msg.get(NLMSG_HDRLEN..).and_then(tun_name));
    });
    let mut devices = Vec::with_capacity(names.len());
    for name in &names {
        devices.extend(read(name, warnings));
    }
    let failure = fetched.err().map(|failure| match failure {
        Failure::Kernel(kernel) => Error::Dump(kernel),
        // iproute2 hands perror() a text that ends in a newline here.
        Failure::Io(e) => Error::Perror("Cannot send dump request\n", e),
    });
    Ok((devices, failure))
}

/// RTM_GETLINK for every link of kind `tun`, as iproute2 asks: the kernel filters (where it
/// can), and the answers are checked again anyway.
fn dump_request() -> Request {
    // The kind without a NUL, as iproute2 sends it.
    let mut kind = Vec::new();
    push_attr(&mut kind, IFLA_INFO_KIND, KIND);
    let mut payload = vec![0; 16];
    push_attr(&mut payload, IFLA_LINKINFO, &kind);
    raw(RTM_GETLINK, NLM_F_DUMP, payload)
}

/// The name of a link message's device if it is a tun device (of type ether or none).
fn tun_name(payload: &[u8]) -> Option<Vec<u8>> {
    let link_type = u16::from_ne_bytes(*payload.get(2..)?.first_chunk()?);
    if link_type != libc::ARPHRD_ETHER && link_type != libc::ARPHRD_NONE {
        return None;
    }
    let attrs = || NlasIterator::new(payload.get(16..).unwrap_or_default()).flatten();
    let name = attrs().find(|nla| nla.kind() == IFLA_IFNAME)?;
    let info = attrs().find(|nla| nla.kind() == IFLA_LINKINFO)?;
    let kind =
        NlasIterator::new(info.value()).flatten().find(|nla| nla.kind() == IFLA_INFO_KIND)?;
    (c_string(kind.value()) == KIND).then(|| c_string(name.value()).to_vec())
}

/// An attribute's text up to its NUL.
fn c_string(bytes: &[u8]) -> &[u8] {
    bytes.split(|b| *b == 0).next().unwrap_or_default()
}

/// A device's flags and owners from /sys (-1: no owner); `None`, and a warning, if one is
/// unreadable.
fn read(name: &[u8], warnings: &mut Vec<Error>) -> Option<TunDevice> {
    let mut prop = |prop| prop_of(name, prop).map_err(|err| warnings.push(err)).ok();
    let owner = |id: i64| (id != -1).then_some(id);
    Some(TunDevice {
        name: name.to_vec(),
        flags: prop("tun_flags")?,
        user: owner(prop("owner")?),
        group: owner(prop("group")?),
    })
}

/// /sys/class/net/NAME/PROP's first line as a number, read as iproute2's read_prop() reads it.
fn prop_of(name: &[u8], prop: &'static str) -> Result<i64, Error> {
    let path = path(&[b"/sys/class/net/", name, b"/", prop.as_bytes()]);
    let fault = |fault| Error::Prop(Box::new(Prop { path: path.clone(), fault }));
    let text = sys::read_file(path.as_os_str()).map_err(|e| fault(PropFault::Open(e)))?;
    let line = text.split(|b| *b == b'\n').next().unwrap_or_default();
    if text.is_empty() {
        return Err(fault(PropFault::Empty(prop)));
    }
    crate::cli::strtol(line, 0).ok_or_else(|| fault(PropFault::NotNumber(line.to_vec())))
}

fn path(parts: &[&[u8]]) -> PathBuf {
    PathBuf::from(OsStr::from_bytes(&parts.concat()))
}

/// The processes other than this one that hold /dev/net/tun open on device `name`, in /proc's
/// order. A descriptor that cannot be read is skipped, with a warning for the command to
/// report, as iproute2 reports it.
pub fn attached(name: &[u8], warnings: &mut Vec<Error>) -> Vec<Attached> {
    let me = std::process::id();
    let mut found = Vec::new();
    for pid in numbered(b"/proc") {
        let Some(number) = number(pid.as_bytes()).filter(|pid| *pid != me) else { continue };
        let pid = pid.as_bytes();
        for fd in numbered(&[b"/proc/", pid, b"/fd"].concat()) {
            let fd = fd.as_bytes();
            // One byte more than the name, as iproute2 reads it: a longer link differs too.
            let mut link = [0; DEVICE.len() + 1];
            match sys::readlink(&path(&[b"/proc/", pid, b"/fd/", fd]), &mut link) {
                Ok(len) if link.get(..len) == Some(DEVICE.as_bytes()) => {}
                Ok(_) => continue,
                Err(e) => {
                    warnings.push(Error::Perror("readlink", e));
                    continue;
                }
            }
            match sys::read_file(path(&[b"/proc/", pid, b"/fdinfo/", fd]).as_os_str()) {
                Ok(info) if serves(&info, name) => {
                    let comm = sys::read_file(path(&[b"/proc/", pid, b"/comm"]).as_os_str());
                    let mut comm = comm.unwrap_or_else(|_| b"<NULL>\n".to_vec());
                    comm.truncate(comm.iter().position(|b| *b == b'\n').unwrap_or(comm.len()));
                    found.push(Attached { comm, pid: number });
                }
                Ok(_) => {}
                Err(e) => warnings.push(Error::Perror("fopen", e)),
            }
        }
    }
    found
}

/// The entries of a directory whose names start with a digit, as the glob `[0-9]*` finds them;
/// none if it cannot be read.
fn numbered(dir: &[u8]) -> Vec<OsString> {
    let dir = Dir::open(Path::new(OsStr::from_bytes(dir))).and_then(|mut dir| dir.names());
    let mut names = dir.unwrap_or_default();
    names.retain(|name| name.as_bytes().first().is_some_and(u8::is_ascii_digit));
    names
}

fn number(word: &[u8]) -> Option<u32> {
    u32::try_from(crate::cli::strtol(word, 10)?).ok()
}

/// Whether an fdinfo file says the descriptor is attached to device `name`: a line
/// `iff:\tNAME`, as the kernel writes it.
fn serves(info: &[u8], name: &[u8]) -> bool {
    info.split(|b| *b == b'\n').any(|line| line.strip_prefix(b"iff:\t") == Some(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netlink::push_str_attr;

    #[test]
    fn the_dump_request_is_iproute2s() {
        // ip tuntap show, as strace showed iproute2 6.1 send it: RTM_GETLINK, NLM_F_DUMP and
        // NLM_F_REQUEST, an empty ifinfomsg, then
        // IFLA_LINKINFO { IFLA_INFO_KIND "tun" } (our sequence number, 0, here).
        let mut bytes = Vec::new();
        dump_request().write(0, &mut bytes);
        let mut expected = Vec::new();
        expected.extend_from_slice(&44u32.to_ne_bytes());
        expected.extend_from_slice(&18u16.to_ne_bytes());
        expected.extend_from_slice(&0x301u16.to_ne_bytes());
        expected.extend_from_slice(&[0; 8]); // sequence number, port
        expected.extend_from_slice(&[0; 16]); // struct ifinfomsg
        expected.extend_from_slice(&12u16.to_ne_bytes()); // IFLA_LINKINFO, 12 bytes
        expected.extend_from_slice(&18u16.to_ne_bytes());
        expected.extend_from_slice(&7u16.to_ne_bytes()); // IFLA_INFO_KIND, "tun", padded
        expected.extend_from_slice(&1u16.to_ne_bytes());
        expected.extend_from_slice(b"tun\0");
        assert_eq!(bytes, expected);
    }

    /// A link message: ifinfomsg of this type, then the name and the kind, as the kernel
    /// lays them out.
    fn link(link_type: u16, name: &[u8], kind: &[u8]) -> Vec<u8> {
        let mut payload = vec![0, 0];
        payload.extend_from_slice(&link_type.to_ne_bytes());
        payload.extend_from_slice(&[0; 12]);
        let mut info = Vec::new();
        push_str_attr(&mut info, IFLA_INFO_KIND, kind);
        push_str_attr(&mut payload, IFLA_IFNAME, name);
        push_attr(&mut payload, IFLA_LINKINFO, &info);
        payload
    }

    #[test]
    fn only_tun_links_of_type_ether_or_none() {
        assert_eq!(tun_name(&link(1, b"tap0", b"tun")), Some(b"tap0".to_vec()));
        assert_eq!(tun_name(&link(0xfffe, b"tun0", b"tun")), Some(b"tun0".to_vec()));
        assert_eq!(tun_name(&link(1, b"v0", b"veth")), None);
        assert_eq!(tun_name(&link(772, b"lo", b"tun")), None);
        assert_eq!(tun_name(&[1, 2, 3]), None);
    }

    fn device(flags: i64) -> TunDevice {
        TunDevice { name: b"t".to_vec(), flags, user: None, group: None }
    }

    #[test]
    fn flags_named_as_iproute2_names_them() {
        // As /sys showed them for `ip tuntap add ... mode tun pi multi_queue`, `mode tap`, and
        // `mode tun one_queue vnet_hdr`.
        let named = |flags| device(flags).flags();
        let none = Vec::new();
        assert_eq!(named(0x901), (vec!["tun", "pi", "multi_queue", "persist", "filter"], none));
        assert_eq!(named(0x1802), (vec!["tap", "persist"], Vec::new()));
        assert_eq!(named(0x7801), (vec!["tun", "one_queue", "vnet_hdr", "persist"], Vec::new()));
        // IFF_NAPI (0x10) and IFF_NAPI_FRAGS (0x20) have no name.
        assert_eq!(named(0x1832), (vec!["tap", "persist"], b" 0x30".to_vec()));
    }

    #[test]
    fn fdinfo_names_the_device() {
        let info = b"pos:\t0\nflags:\t02100002\nmnt_id:\t58\nino:\t105\niff:\ttap0\n";
        assert!(serves(info, b"tap0"));
        assert!(!serves(info, b"tap"));
        assert!(!serves(b"pos:\t0\n", b"tap0"));
    }
}
