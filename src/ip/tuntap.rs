//! `ip tuntap add|del|show`: tun and tap devices made and removed with /dev/net/tun's ioctls as
//! iproute2 makes them, everywhere, since busybox's ip has no tuntap object; and the list of
//! them where the system's ip is busybox's or there is none. In front of iproute2's ip, `show`
//! goes to it.

use std::ffi::{OsStr, OsString};
use std::os::fd::AsFd;

use super::handoff::SystemIp;
use crate::cli::{Device, Options, Tuntap};
use crate::enter;
use crate::error::Error;
use crate::json::{Array, Value};
use crate::out::{self, push_decimal};
use crate::sys;

use super::tun::{self, Attached, TunDevice};

/// `ip tuntap ...`: `add` and `del` here, always; `show` here where the system's ip is
/// busybox's or there is none, and `words` to iproute2's ip, which lists more.
pub fn run(command: Tuntap, opts: &Options, words: &[OsString], batch: bool) -> Result<(), Error> {
    match command {
        Tuntap::Add(dev) => apply(&dev, true),
        Tuntap::Delete(dev) => apply(&dev, false),
        Tuntap::Show if SystemIp::find().is_some_and(|ip| !ip.busybox) => {
            super::hand_over(opts, words, batch, true)
        }
        Tuntap::Show => show(opts),
    }
}

/// `add` makes a new device (one of that name already there is an error, not a device to
/// attach to), owned as asked, and makes it persistent so that it outlives our descriptor.
/// `del` attaches to the device and makes it no longer persistent, so that it goes with our
/// descriptor; as with iproute2, a `del` of a name that does not exist makes and removes it.
/// A failure half-way leaves nothing: closing the descriptor removes a device not persistent.
fn apply(dev: &Device, add: bool) -> Result<(), Error> {
    let open = sys::open(OsStr::new(tun::DEVICE), libc::O_RDWR);
    let tun = open.map_err(|e| Error::Perror("open", e))?;
    let exclusive = if add { libc::IFF_TUN_EXCL as u16 } else { 0 };
    sys::ioctl_ifreq(tun.as_fd(), libc::TUNSETIFF, dev.name.as_bytes(), dev.flags | exclusive)
        .map_err(|e| Error::Perror("ioctl(TUNSETIFF)", e))?;
    let steps = [
        ("ioctl(TUNSETOWNER)", libc::TUNSETOWNER, dev.user),
        ("ioctl(TUNSETGROUP)", libc::TUNSETGROUP, dev.group),
        ("ioctl(TUNSETPERSIST)", libc::TUNSETPERSIST, Some(u32::from(add))),
    ];
    for (name, request, value) in steps {
        if let Some(value) = value {
            sys::ioctl_value(tun.as_fd(), request, value.into())
                .map_err(|e| Error::Perror(name, e))?;
        }
    }
    Ok(())
}

/// Every tun and tap device, in the kernel's order, with its flags and owners as /sys gives
/// them (with -d, also the processes attached to it), as text or JSON.
fn show(opts: &Options) -> Result<(), Error> {
    // As with ip -n, /sys must show the namespace's devices.
    if let Some(name) = &opts.enter {
        let warnings = enter::isolate(name).map_err(|failed| enter::error(name, failed))?;
        warnings.iter().for_each(crate::error::warn);
    }
    let mut warnings = Vec::new();
    let (devices, failure) = tun::devices(&mut warnings)?;
    let mut attached =
        |dev: &TunDevice| opts.details.then(|| tun::attached(&dev.name, &mut warnings));
    let listed = if opts.json {
        let mut array = Array::new(opts.pretty);
        for dev in &devices {
            json(&mut array, dev, attached(dev).as_deref());
        }
        array.finish()
    } else {
        let mut out = Vec::new();
        for dev in &devices {
            text(&mut out, dev, attached(dev).as_deref(), opts.oneline);
        }
        out
    };
    warnings.iter().for_each(crate::error::warn);
    out::print(&listed)?;
    failure.map_or(Ok(()), Err)
}

/// `NAME: FLAGS [user N] [group N]`, and with -d the processes on the next line (or after a
/// backslash with -o), written as iproute2 6.1 writes them: `comm(pid)`, one after the other.
fn text(out: &mut Vec<u8>, dev: &TunDevice, attached: Option<&[Attached]>, oneline: bool) {
    out.extend_from_slice(&dev.name);
    out.push(b':');
    let (names, unknown) = dev.flags();
    for name in names {
        out.push(b' ');
        out.extend_from_slice(name.as_bytes());
    }
    out.extend_from_slice(&unknown);
    for (key, id) in [(&b" user "[..], dev.user), (b" group ", dev.group)] {
        if let Some(id) = id {
            out.extend_from_slice(key);
            push_decimal(out, id);
        }
    }
    if let Some(attached) = attached {
        out.extend_from_slice(if oneline { b"\\" } else { b"\n" });
        out.extend_from_slice(b"\tAttached to processes:");
        for process in attached {
            out.extend_from_slice(&process.comm);
            out.push(b'(');
            push_decimal(out, process.pid.into());
            out.push(b')');
        }
    }
    out.push(b'\n');
}

/// The same as an object. The processes are objects of their own, as iproute2 writes them
/// since 6.19 (6.1 wrote their fields straight into the array, which is not JSON).
fn json(array: &mut Array, dev: &TunDevice, attached: Option<&[Attached]>) {
    let (names, unknown) = dev.flags();
    let mut flags = Vec::with_capacity(names.len() + 1);
    for name in names {
        flags.push(Value::Str(name.as_bytes()));
    }
    // The bits without a name keep the space that leads them in the text, as in iproute2.
    if !unknown.is_empty() {
        flags.push(Value::Str(&unknown));
    }
    let mut fields = vec![("ifname", Value::Str(&dev.name)), ("flags", Value::List(&flags))];
    fields.extend(dev.user.map(|id| ("user", Value::Int(id))));
    fields.extend(dev.group.map(|id| ("group", Value::Int(id))));
    let attached_to = attached.unwrap_or_default();
    let mut objects = Vec::with_capacity(attached_to.len());
    for p in attached_to {
        objects.push([("name", Value::Str(&p.comm)), ("pid", Value::Int(p.pid.into()))]);
    }
    let mut processes = Vec::with_capacity(objects.len());
    for object in &objects {
        processes.push(Value::Object(object));
    }
    if attached.is_some() {
        fields.push(("processes", Value::List(&processes)));
    }
    array.object(&fields);
}
