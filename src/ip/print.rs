//! One link and one address as iproute2 6.1 prints them (ip/ipaddress.c: print_linkinfo,
//! print_addrinfo and their brief forms): the same fields in the same order, in text and JSON,
//! and the same filters applied while printing. Names of other links and of namespaces come
//! from a `Lookup`, as ip asks its caches for them.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use super::msg::*;
use super::out::{Out, push_hex};
use crate::cli::Show;
use crate::out::push_decimal;

const IFF_UP: u32 = 0x1;
const IFF_POINTOPOINT: u32 = 0x10;
const IFF_RUNNING: u32 = 0x40;

/// What a listing prints besides the messages themselves.
pub trait Lookup {
    /// The name of the link with this index and its flags (`None`: no such link), or `ifN`.
    fn link(&mut self, index: u32) -> (Vec<u8>, Option<u32>);
    /// The name of the namespace with this id here, if one is named.
    fn netns(&mut self, nsid: i32) -> Option<OsString>;
    /// The transmit queue length of the link with this name, if it can be had.
    fn txqlen(&mut self, name: &[u8]) -> Option<i32>;
}

/// The listing asked for, with the devices it names as indexes (0: none).
pub struct Filter<'a> {
    pub show: &'a Show<'a>,
    pub index: u32,
    pub master: u32,
}

impl Filter<'_> {
    fn family(&self) -> u8 {
        self.show.family
    }

    fn is_packet(&self) -> bool {
        self.family() == libc::AF_PACKET as u8
    }
}

/// print_linkinfo: false (and nothing printed) when a filter leaves the link out.
pub fn link(out: &mut Out, filter: &Filter<'_>, link: &Message, lookup: &mut dyn Lookup) -> bool {
    let flags = link.u32_at(8);
    let Some(name) = link.attr_str(IFLA_IFNAME).filter(|name| valid_ifname(name)) else {
        return false;
    };
    if filtered_out(filter, link, flags) {
        return false;
    }
    if filter.show.brief {
        link_brief(out, filter, link, name, lookup);
        return true;
    }
    out.int("ifindex", "%: ", link.u32_at(4).into());
    let mdown = name_and_link(out, link, name, None, lookup);
    link_flags(out, flags, mdown);
    if let Some(mtu) = link.attr_u32(IFLA_MTU) {
        out.int("mtu", "mtu % ", mtu.into());
    }
    if let Some(qdisc) = link.attr_str(IFLA_QDISC) {
        out.str("qdisc", "qdisc % ", qdisc);
    }
    if let Some(master) = link.attr_u32(IFLA_MASTER) {
        out.str("master", "master % ", &lookup.link(master).0);
    }
    if let Some(state) = link.attr_u8(IFLA_OPERSTATE) {
        operstate(out, state, false);
    }
    if let Some(mode) = link.attr_u8(IFLA_LINKMODE).filter(|_| filter.show.link) {
        match mode {
            0 => out.str("linkmode", "mode % ", b"DEFAULT"),
            1 => out.str("linkmode", "mode % ", b"DORMANT"),
            _ => out.int("linkmode_index", "mode % ", mode.into()),
        }
    }
    if let Some(group) = link.attr_u32(IFLA_GROUP) {
        out.str("group", "group % ", &group_name(group));
    }
    // An IPv6 dump leaves the queue length out; ip asks for it then.
    let qlen = link.attr_u32(IFLA_TXQLEN).map(|qlen| qlen as i32).or_else(|| lookup.txqlen(name));
    if let Some(qlen) = qlen.filter(|qlen| *qlen != 0) {
        out.int("txqlen", "qlen %", qlen.into());
    }
    if filter.family() == libc::AF_UNSPEC as u8 || filter.is_packet() {
        link_layer(out, link, flags);
    }
    link_netns(out, link, lookup);
    if link.attr_u8(IFLA_PROTO_DOWN).is_some_and(|down| down != 0) {
        out.text(b" protodown on ");
        out.json_literal("proto_down", "true");
    }
    if let Some(alias) = link.attr_str(IFLA_IFALIAS).filter(|_| filter.show.link) {
        out.line();
        out.str("ifalias", "    alias %", alias);
    }
    if let Some(props) = link.attr(IFLA_PROP_LIST) {
        out.open("altnames", b'[', "");
        for (_, name) in attrs(props).filter(|(kind, _)| *kind == IFLA_ALT_IFNAME) {
            out.line();
            out.str("", "    altname %", c_str(name));
        }
        out.close(b']', "");
    }
    out.text(b"\n");
    true
}

/// The filters ip applies as it prints: the device, `up`, `master`, `type`.
fn filtered_out(filter: &Filter<'_>, link: &Message, flags: u32) -> bool {
    let kind_is = |attr: u16, wanted: Option<&[u8]>| match wanted {
        None => true,
        Some(wanted) => link
            .attr(IFLA_LINKINFO)
            .is_some_and(|info| attr_in(info, attr).map_or(&b""[..], c_str) == wanted),
    };
    (filter.index != 0 && link.u32_at(4) != filter.index)
        || (filter.show.up && flags & IFF_UP == 0)
        || (filter.master != 0 && link.attr_u32(IFLA_MASTER) != Some(filter.master))
        || !kind_is(IFLA_INFO_KIND, filter.show.kind)
        || !kind_is(IFLA_INFO_SLAVE_KIND, filter.show.slave_kind)
}

/// print_linkinfo_brief: name, state, and for links their address and flags.
fn link_brief(
    out: &mut Out,
    filter: &Filter<'_>,
    link: &Message,
    name: &[u8],
    lookup: &mut dyn Lookup,
) {
    let mdown = name_and_link(out, link, name, Some(16), lookup);
    if let Some(state) = link.attr_u8(IFLA_OPERSTATE) {
        operstate(out, state, true);
    }
    if filter.is_packet() {
        if let Some(address) = link.attr(IFLA_ADDRESS) {
            out.str("address", "% ", &lladdr(address, link.u16_at(2)));
        }
        link_flags(out, link.u32_at(8), mdown);
        out.text(b"\n");
    }
}

/// The name, with `@PEER` (or `@ifN` for one in another namespace, `@NONE` for none) for a
/// link on top of another; padded to `width` for the brief form. Whether that other link is
/// down, for the M-DOWN flag.
fn name_and_link(
    out: &mut Out,
    link: &Message,
    name: &[u8],
    width: Option<usize>,
    lookup: &mut dyn Lookup,
) -> bool {
    let mut shown = name.to_vec();
    let mut down = false;
    match link.attr_u32(IFLA_LINK) {
        None => {}
        Some(0) => {
            out.json_literal("link", "null");
            shown.extend_from_slice(b"@NONE");
        }
        Some(peer) if link.attr(IFLA_LINK_NETNSID).is_some() => {
            out.json_int("link_index", peer.into());
            shown.extend_from_slice(b"@if");
            push_decimal(&mut shown, peer.into());
        }
        Some(peer) => {
            let (peer_name, flags) = lookup.link(peer);
            out.json_str("link", &peer_name);
            shown.push(b'@');
            shown.extend_from_slice(&peer_name);
            down = flags.is_some_and(|flags| flags & IFF_UP == 0);
        }
    }
    // In JSON the peer has keys of its own.
    let shown = if out.is_json() { name } else { &shown };
    match width {
        Some(width) => out.padded("ifname", shown, width),
        None => out.str("ifname", "%: ", shown),
    }
    down
}

/// `<FLAG,FLAG,...> `: NO-CARRIER first for a link up without carrier, the rest in ip's
/// order, unknown bits in hex, M-DOWN last.
fn link_flags(out: &mut Out, flags: u32, mdown: bool) {
    const NAMES: &str = "LOOPBACK BROADCAST POINTOPOINT MULTICAST NOARP ALLMULTI PROMISC MASTER \
        SLAVE DEBUG DYNAMIC AUTOMEDIA PORTSEL NOTRAILERS UP LOWER_UP DORMANT ECHO";
    const BITS: [u32; 18] = [
        0x8, 0x2, 0x10, 0x1000, 0x80, 0x200, 0x100, 0x400, 0x800, 0x4, 0x8000, 0x4000, 0x2000,
        0x20, 0x1, 0x10000, 0x20000, 0x40000,
    ];
    // A comma after a flag while any is left to print.
    let comma = |rest: u32| if rest != 0 { "%," } else { "%" };
    out.open("flags", b'[', "<");
    if flags & IFF_UP != 0 && flags & IFF_RUNNING == 0 {
        out.str("", comma(flags), b"NO-CARRIER");
    }
    let mut rest = flags & !IFF_RUNNING;
    for (bit, name) in BITS.iter().zip(NAMES.split(' ')) {
        if rest & bit != 0 {
            rest &= !bit;
            out.str("", comma(rest), name.as_bytes());
        }
    }
    if rest != 0 {
        let mut hex = Vec::new();
        push_hex(&mut hex, rest.into(), 1);
        out.str("", "%", &hex);
    }
    if mdown {
        out.str("", ",%", b"M-DOWN");
    }
    out.close(b']', "> ");
}

fn operstate(out: &mut Out, state: u8, brief: bool) {
    const STATES: &str = "UNKNOWN NOTPRESENT DOWN LOWERLAYERDOWN TESTING DORMANT UP";
    match STATES.split(' ').nth(state.into()) {
        Some(name) if brief => out.padded("operstate", name.as_bytes(), 14),
        Some(name) => out.str("operstate", "state % ", name.as_bytes()),
        None => {
            out.json_int("operstate_index", state.into());
            let mut text = b"state 0x".to_vec();
            push_hex(&mut text, state.into(), 1);
            out.text(&text);
        }
    }
}

/// `link/TYPE ADDRESS brd|peer ADDRESS permaddr ADDRESS` on a line of its own.
fn link_layer(out: &mut Out, link: &Message, flags: u32) {
    let kind = link.u16_at(2);
    out.line();
    out.str("link_type", "    link/% ", &link_type(kind));
    let address = link.attr(IFLA_ADDRESS);
    if let Some(address) = address {
        out.str("address", "%", &lladdr(address, kind));
    }
    if let Some(broadcast) = link.attr(IFLA_BROADCAST) {
        if flags & IFF_POINTOPOINT != 0 {
            out.text(b" peer ");
            out.json_literal("link_pointtopoint", "true");
        } else {
            out.text(b" brd ");
        }
        out.str("broadcast", "%", &lladdr(broadcast, kind));
    }
    if let Some(perm) = link.attr(IFLA_PERM_ADDRESS).filter(|perm| Some(*perm) != address) {
        out.str("permaddr", " permaddr %", &lladdr(perm, kind));
    }
}

/// ` link-netns NAME` for a link whose other end is in another namespace, or its id there.
fn link_netns(out: &mut Out, link: &Message, lookup: &mut dyn Lookup) {
    let Some(id) = link.attr_u32(IFLA_LINK_NETNSID).map(|id| id as i32) else { return };
    if out.is_json() {
        return out.json_int("link_netnsid", id.into());
    }
    let mut text = Vec::new();
    match (id >= 0).then(|| lookup.netns(id)) {
        Some(Some(name)) => {
            text.extend_from_slice(b" link-netns ");
            text.extend_from_slice(name.as_bytes());
        }
        Some(None) => {
            text.extend_from_slice(b" link-netnsid ");
            push_decimal(&mut text, id.into());
        }
        None => text.extend_from_slice(b" link-netnsid unknown"),
    }
    out.text(&text);
}

/// The addresses of one link that the filter keeps (ip's print_selected_addrinfo).
pub fn addresses(
    out: &mut Out,
    filter: &Filter<'_>,
    link: &Message,
    addrs: &[Message],
    lookup: &mut dyn Lookup,
) {
    out.open("addr_info", b'[', "");
    let index = link.u32_at(4);
    let up = link.u32_at(8) & IFF_UP != 0;
    for addr in addrs.iter().filter(|addr| addr.u32_at(4) == index && family_kept(filter, addr)) {
        if filter.show.up && !up {
            continue;
        }
        out.open("", b'{', "");
        address(out, filter, addr, lookup);
        out.close(b'}', "");
    }
    out.close(b']', "");
    if filter.show.brief {
        out.text(b"\n");
    }
}

/// Whether the family filter (`-4`, `-6`) keeps this address.
pub fn family_kept(filter: &Filter<'_>, addr: &Message) -> bool {
    filter.family() == libc::AF_UNSPEC as u8 || addr.u8_at(0) == filter.family()
}

/// print_addrinfo: `inet ADDRESS/LEN brd ... scope ... FLAGS LABEL` and the lifetimes.
fn address(out: &mut Out, filter: &Filter<'_>, addr: &Message, lookup: &mut dyn Lookup) {
    let (family, prefix, scope, index) =
        (addr.u8_at(0), addr.u8_at(1), addr.u8_at(3), addr.u32_at(4));
    let flags = addr.attr_u32(IFA_FLAGS).unwrap_or(addr.u8_at(2).into());
    let local = addr.attr(IFA_LOCAL).or(addr.attr(IFA_ADDRESS));
    let peer = addr.attr(IFA_ADDRESS).or(local);
    if filter.index != 0 && filter.index != index {
        return;
    }
    if !filter.show.brief {
        if filter.show.oneline {
            let dev = lookup.link(index).0;
            out.json_int("index", index.into());
            out.json_str("dev", &dev);
            let mut text = Vec::new();
            push_decimal(&mut text, index.into());
            text.extend_from_slice(&[b": ", &dev[..]].concat());
            out.text(&text);
        }
        match family_name(family) {
            Some(name) => out.str("family", "    % ", name.as_bytes()),
            None => out.int("family_index", "    family % ", family.into()),
        }
    }
    if let Some(local) = local {
        out.str("local", "%", &host(family, local));
        let width = if family == libc::AF_INET as u8 { 4 } else { 16 };
        if let Some(peer) = peer.filter(|peer| peer.get(..width) != local.get(..width)) {
            out.text(b" peer ");
            out.str("address", "%", &host(family, peer));
        }
        out.int("prefixlen", "/% ", prefix.into());
        if let Some(metric) = addr.attr_u32(IFA_RT_PRIORITY) {
            out.int("metric", "metric % ", metric.into());
        }
    }
    if filter.show.brief {
        return;
    }
    if let Some(broadcast) = addr.attr(IFA_BROADCAST) {
        out.str("broadcast", "brd % ", &host(family, broadcast));
    }
    if let Some(anycast) = addr.attr(IFA_ANYCAST) {
        out.str("anycast", "any % ", &host(family, anycast));
    }
    out.str("scope", "scope % ", &scope_name(scope));
    address_flags(out, family, flags);
    if let Some(label) = addr.attr_str(IFA_LABEL) {
        out.str("label", "%", label);
    }
    if let Some(cache) = addr.attr(IFA_CACHEINFO) {
        lifetimes(out, cache, flags);
    }
    out.text(b"\n");
}

/// The address flags in ip's order; `dynamic` for an address that is not permanent.
fn address_flags(out: &mut Out, family: u8, flags: u32) {
    const NAMES: &str = "secondary temporary nodad optimistic dadfailed home deprecated \
        tentative permanent mngtmpaddr noprefixroute autojoin stable-privacy";
    const MASKS: [u32; 13] =
        [0x1, 0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x80, 0x100, 0x200, 0x400, 0x800];
    const SECONDARY: u32 = 0x1;
    const PERMANENT: u32 = 0x80;
    let mut rest = flags;
    for (mask, name) in MASKS.iter().zip(NAMES.split(' ')) {
        if *mask == PERMANENT {
            if rest & mask == 0 {
                out.flag("dynamic");
            }
        } else if rest & mask != 0 {
            // IPv6 calls its secondary addresses temporary.
            let inet6 = family == libc::AF_INET6 as u8;
            out.flag(if *mask == SECONDARY && inet6 { "temporary" } else { name });
        }
        rest &= !mask;
    }
    if rest != 0 {
        let mut hex = Vec::new();
        push_hex(&mut hex, rest.into(), 2);
        out.json_str("ifa_flags", &hex);
        out.text(&[b"flags ", &hex[..], b" "].concat());
    }
}

/// `valid_lft forever preferred_lft 1234sec` on a line of its own, from struct ifa_cacheinfo
/// (preferred first, then valid).
fn lifetimes(out: &mut Out, cache: &[u8], flags: u32) {
    const DEPRECATED: u32 = 0x20;
    let field = |at: usize| cache.get(at..).and_then(u32_of).unwrap_or_default();
    out.line();
    lifetime(out, "valid_life_time", "       valid_lft ", field(4).into());
    // ip prints what is left of a deprecated address's preferred time as a signed number.
    let preferred = field(0);
    let preferred = if flags & DEPRECATED != 0 && preferred != u32::MAX {
        (preferred as i32).into()
    } else {
        preferred.into()
    };
    lifetime(out, "preferred_life_time", " preferred_lft ", preferred);
}

fn lifetime(out: &mut Out, key: &str, text: &str, time: i64) {
    out.text(text.as_bytes());
    if time == u32::MAX.into() {
        out.json_int(key, time);
        out.text(b"forever");
    } else {
        out.int(key, "%sec", time);
    }
}

fn family_name(family: u8) -> Option<&'static str> {
    Some(match i32::from(family) {
        libc::AF_INET => "inet",
        libc::AF_INET6 => "inet6",
        libc::AF_PACKET => "link",
        libc::AF_MPLS => "mpls",
        libc::AF_BRIDGE => "bridge",
        _ => return None,
    })
}

/// A link's group: group 0 is `default`; ip would name the others from /etc/iproute2/group,
/// which a system without iproute2 does not have.
fn group_name(group: u32) -> Vec<u8> {
    name_or_number((group == 0).then_some("default"), (group as i32).into())
}

/// An address scope as ip names it (rt_scopes' built-in names).
fn scope_name(scope: u8) -> Vec<u8> {
    let name = match scope {
        0 => Some("global"),
        200 => Some("site"),
        253 => Some("link"),
        254 => Some("host"),
        255 => Some("nowhere"),
        _ => None,
    };
    name_or_number(name, scope.into())
}

/// A link-layer type as ip names it (`ether`, `loopback`, `none`, ...), else `[N]`.
fn link_type(kind: u16) -> Vec<u8> {
    const TYPES: [u16; 73] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 15, 19, 23, 24, 32, 256, 257, 258, 259, 260, 264, 270, 271, 272,
        280, 512, 513, 516, 517, 518, 768, 769, 770, 771, 772, 773, 774, 775, 776, 777, 778, 779,
        780, 781, 782, 783, 784, 785, 786, 787, 788, 789, 790, 791, 792, 793, 794, 795, 796, 797,
        798, 799, 800, 801, 802, 803, 804, 805, 820, 821, 822, 823, 824, 825,
    ];
    const NAMES: &str = "netrom ether eether ax25 pronet chaos ieee802 arcnet atalk dlci atm \
        metricom ieee1394 infiniband slip cslip slip6 cslip6 rsrvd adapt rose x25 hwx25 can ppp \
        hdlc lapb ddcmp rawhdlc ipip tunnel6 frad skip loopback ltalk fddi bif sit ip/ddp gre \
        pimreg hippi ash econet irda fcpp fcal fcpl fcfb0 fcfb1 fcfb2 fcfb3 fcfb4 fcfb5 fcfb6 \
        fcfb7 fcfb8 fcfb9 fcfb10 fcfb11 fcfb12 tr ieee802.11 ieee802.11/prism \
        ieee802.11/radiotap ieee802.15.4 ieee802.15.4/monitor phonet phonet_pipe caif gre6 \
        netlink 6lowpan none void";
    let at = match kind {
        0xfffe => Some(TYPES.len()),
        0xffff => Some(TYPES.len() + 1),
        _ => TYPES.iter().position(|t| *t == kind),
    };
    let mut name = name_or_number(at.and_then(|at| NAMES.split(' ').nth(at)), kind.into());
    if at.is_none() {
        name.insert(0, b'[');
        name.push(b']');
    }
    name
}

fn name_or_number(name: Option<&str>, number: i64) -> Vec<u8> {
    let mut text = Vec::new();
    match name {
        Some(name) => text.extend_from_slice(name.as_bytes()),
        None => push_decimal(&mut text, number),
    }
    text
}

/// A link-layer address: bytes in hex between colons, or an IP address for IP tunnels.
fn lladdr(address: &[u8], kind: u16) -> Vec<u8> {
    const TUNNEL: u16 = 768;
    const TUNNEL6: u16 = 769;
    const SIT: u16 = 776;
    const IPGRE: u16 = 778;
    const IP6GRE: u16 = 823;
    match (address.len(), kind) {
        (4, TUNNEL | SIT | IPGRE) => return host(libc::AF_INET as u8, address),
        (16, TUNNEL6 | IP6GRE) => return host(libc::AF_INET6 as u8, address),
        _ => {}
    }
    let mut text = Vec::new();
    for (at, byte) in address.iter().enumerate() {
        if at > 0 {
            text.push(b':');
        }
        push_hex(&mut text, (*byte).into(), 2);
    }
    text
}

/// An IPv4 or IPv6 address as glibc's inet_ntop writes it; `???` for anything else.
pub fn host(family: u8, address: &[u8]) -> Vec<u8> {
    let mut text = Vec::new();
    match (i32::from(family), address) {
        (libc::AF_INET, [a, b, c, d, ..]) => dotted(&mut text, [*a, *b, *c, *d]),
        (libc::AF_INET6, _) if address.len() >= 16 => inet6(&mut text, address),
        (libc::AF_PACKET, _) => return lladdr(address, 0xffff),
        _ => text.extend_from_slice(b"???"),
    }
    text
}

fn dotted(text: &mut Vec<u8>, address: [u8; 4]) {
    for (at, byte) in address.iter().enumerate() {
        if at > 0 {
            text.push(b'.');
        }
        push_decimal(text, (*byte).into());
    }
}

/// RFC 5952's form as glibc writes it: the first longest run of two or more zero groups as
/// `::`, and the last 32 bits dotted for IPv4-compatible and IPv4-mapped addresses.
fn inet6(text: &mut Vec<u8>, address: &[u8]) {
    let group = |at: usize| u16::from_be_bytes([address[2 * at], address[2 * at + 1]]);
    let (mut start, mut len, mut run) = (0, 0, 0);
    for at in 0..8 {
        run = if group(at) == 0 { run + 1 } else { 0 };
        if run > len {
            (start, len) = (at + 1 - run, run);
        }
    }
    if len < 2 {
        len = 0;
    }
    for at in 0..8 {
        if (start..start + len).contains(&at) {
            if at == start {
                text.push(b':');
            }
            continue;
        }
        if at != 0 {
            text.push(b':');
        }
        if at == 6 && start == 0 && (len == 6 || (len == 5 && group(5) == 0xffff)) {
            return dotted(text, [address[12], address[13], address[14], address[15]]);
        }
        push_hex(text, group(at).into(), 1);
    }
    if len != 0 && start + len == 8 {
        text.push(b':');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A link cache that knows link 5 (`v1`, up) and namespace 0 (`blue`).
    struct Known;

    impl Lookup for Known {
        fn link(&mut self, index: u32) -> (Vec<u8>, Option<u32>) {
            match index {
                5 => (b"v1".to_vec(), Some(IFF_UP)),
                _ => (format!("if{index}").into_bytes(), None),
            }
        }
        fn netns(&mut self, nsid: i32) -> Option<OsString> {
            (nsid == 0).then(|| "blue".into())
        }
        fn txqlen(&mut self, _: &[u8]) -> Option<i32> {
            None
        }
    }

    fn message(kind: u16, header: &[u8], attrs: &[(u16, &[u8])]) -> Vec<u8> {
        let mut bytes = vec![0; 16];
        bytes[4..6].copy_from_slice(&kind.to_ne_bytes());
        bytes.extend_from_slice(header);
        for (kind, value) in attrs {
            bytes.extend_from_slice(&(4 + value.len() as u16).to_ne_bytes());
            bytes.extend_from_slice(&kind.to_ne_bytes());
            bytes.extend_from_slice(value);
            bytes.resize(bytes.len().next_multiple_of(4), 0);
        }
        let len = bytes.len() as u32;
        bytes[..4].copy_from_slice(&len.to_ne_bytes());
        bytes
    }

    /// veth0, index 4, up with carrier, its peer v1 (index 5) here, and one IPv4 address.
    fn veth0() -> (Vec<u8>, Vec<u8>) {
        let header = [
            &[0u8, 0][..],
            &1u16.to_ne_bytes(),
            &4u32.to_ne_bytes(),
            &0x11043u32.to_ne_bytes(),
            &[0; 4],
        ]
        .concat();
        let link = message(
            RTM_NEWLINK,
            &header,
            &[
                (IFLA_IFNAME, b"veth0\0"),
                (IFLA_MTU, &1500u32.to_ne_bytes()),
                (IFLA_QDISC, b"noqueue\0"),
                (IFLA_OPERSTATE, &[6]),
                (IFLA_LINKMODE, &[0]),
                (IFLA_GROUP, &0u32.to_ne_bytes()),
                (IFLA_TXQLEN, &1000u32.to_ne_bytes()),
                (IFLA_LINK, &5u32.to_ne_bytes()),
                (IFLA_ADDRESS, &[2, 0, 0, 0, 0, 1]),
                (IFLA_BROADCAST, &[0xff; 6]),
            ],
        );
        let cache = [u32::MAX.to_ne_bytes(), u32::MAX.to_ne_bytes(), [0; 4], [0; 4]];
        let addr = message(
            RTM_NEWADDR,
            &[&[2u8, 24, 0x80, 0][..], &4u32.to_ne_bytes()].concat(),
            &[
                (IFA_ADDRESS, &[198, 18, 0, 1]),
                (IFA_LOCAL, &[198, 18, 0, 1]),
                (IFA_BROADCAST, &[198, 18, 0, 255]),
                (IFA_LABEL, b"veth0\0"),
                (IFA_FLAGS, &0x80u32.to_ne_bytes()),
                (IFA_CACHEINFO, cache.as_flattened()),
            ],
        );
        (link, addr)
    }

    fn listed(show: &Show<'_>, link: &[u8], addr: &[u8]) -> String {
        let filter = Filter { show, index: 0, master: 0 };
        let mut out = Out::new(show.json, show.pretty, show.oneline);
        let addrs: Vec<Message> = Message::parse(addr).into_iter().collect();
        if let Some(link) = Message::parse(link) {
            out.open("", b'{', "");
            if super::link(&mut out, &filter, &link, &mut Known) {
                addresses(&mut out, &filter, &link, &addrs, &mut Known);
            }
            out.close(b'}', "");
        }
        String::from_utf8_lossy(&out.finish()).into_owned()
    }

    #[test]
    fn a_link_and_its_address_as_ip_address_shows_them() {
        let (link, addr) = veth0();
        let text = listed(&Show::default(), &link, &addr);
        assert_eq!(
            text,
            "4: veth0@v1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP \
             group default qlen 1000\n    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff\n    \
             inet 198.18.0.1/24 brd 198.18.0.255 scope global veth0\n       valid_lft forever \
             preferred_lft forever\n"
        );
        let json = listed(&Show { json: true, ..Show::default() }, &link, &addr);
        assert_eq!(
            json,
            "[{\"ifindex\":4,\"link\":\"v1\",\"ifname\":\"veth0\",\"flags\":[\"BROADCAST\",\
             \"MULTICAST\",\"UP\",\"LOWER_UP\"],\"mtu\":1500,\"qdisc\":\"noqueue\",\
             \"operstate\":\"UP\",\"group\":\"default\",\"txqlen\":1000,\"link_type\":\"ether\",\
             \"address\":\"02:00:00:00:00:01\",\"broadcast\":\"ff:ff:ff:ff:ff:ff\",\"addr_info\":\
             [{\"family\":\"inet\",\"local\":\"198.18.0.1\",\"prefixlen\":24,\"broadcast\":\
             \"198.18.0.255\",\"scope\":\"global\",\"label\":\"veth0\",\"valid_life_time\":\
             4294967295,\"preferred_life_time\":4294967295}]}]\n"
        );
    }

    #[test]
    fn truncated_messages_print_what_they_hold_and_never_panic() {
        let (link, addr) = veth0();
        let shows = [
            Show::default(),
            Show { json: true, pretty: true, ..Show::default() },
            Show { brief: true, ..Show::default() },
            Show { oneline: true, link: true, family: libc::AF_PACKET as u8, ..Show::default() },
        ];
        for show in &shows {
            for cut in 0..link.len() {
                let mut short = link[..cut].to_vec();
                if let Some(len) = short.get_mut(..4) {
                    len.copy_from_slice(&(cut as u32).to_ne_bytes());
                }
                listed(show, &short, &addr);
            }
            for cut in 0..addr.len() {
                listed(show, &link, &addr[..cut]);
            }
        }
    }

    fn inet6_text(address: &str) -> String {
        let groups: Vec<u16> =
            address.split(',').map(|g| u16::from_str_radix(g, 16).unwrap()).collect();
        let bytes: Vec<u8> = groups.iter().flat_map(|g| g.to_be_bytes()).collect();
        String::from_utf8(host(libc::AF_INET6 as u8, &bytes)).unwrap()
    }

    #[test]
    fn ipv6_addresses_as_glibc_writes_them() {
        let cases = [
            ("0,0,0,0,0,0,0,0", "::"),
            ("0,0,0,0,0,0,0,1", "::1"),
            ("fe80,0,0,0,fc,ff,fe00,1", "fe80::fc:ff:fe00:1"),
            ("2002,c612,0,0,0,0,0,1", "2002:c612::1"),
            ("2002,c612,0,1,0,0,0,1", "2002:c612:0:1::1"),
            ("1,0,0,2,0,0,0,3", "1:0:0:2::3"),
            ("1,0,0,2,0,0,3,4", "1::2:0:0:3:4"),
            ("1,2,3,4,5,6,7,0", "1:2:3:4:5:6:7:0"),
            ("1,0,0,0,0,0,0,0", "1::"),
            ("0,0,0,0,0,ffff,c612,1", "::ffff:198.18.0.1"),
            ("0,0,0,0,0,0,c612,1", "::198.18.0.1"),
            ("0,0,0,0,0,0,0,2", "::2"),
            ("0,0,0,0,ffff,0,c612,1", "::ffff:0:c612:1"),
            ("0,0,0,0,0,fffe,c612,1", "::fffe:c612:1"),
        ];
        for (groups, expected) in cases {
            assert_eq!(inet6_text(groups), expected, "{groups}");
        }
    }

    #[test]
    fn ipv4_link_types_and_lladdrs() {
        assert_eq!(host(2, &[198, 18, 0, 1]), b"198.18.0.1");
        assert_eq!(host(2, &[198, 18]), b"???");
        assert_eq!(host(10, &[0; 4]), b"???");
        assert_eq!(lladdr(&[2, 0, 0xab, 0, 0, 1], 1), b"02:00:ab:00:00:01");
        assert_eq!(lladdr(&[198, 18, 0, 1], 768), b"198.18.0.1");
        assert_eq!(link_type(1), b"ether");
        assert_eq!(link_type(772), b"loopback");
        assert_eq!(link_type(790), b"fcfb3");
        assert_eq!(link_type(825), b"6lowpan");
        assert_eq!(link_type(0xfffe), b"none");
        assert_eq!(link_type(519), b"[519]");
    }
}
