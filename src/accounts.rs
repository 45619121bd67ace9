//! User and group names, as /etc/passwd and /etc/group give them: what `ip tuntap add user
//! NAME` turns into an id. Read as musl's getpwnam reads them where no name service daemon
//! answers (a static binary has no NSS modules to ask).

use std::ffi::OsStr;

use crate::sys;

/// The uid of user `name`.
pub fn user_id(name: &[u8]) -> Option<u32> {
    id_of("/etc/passwd", name)
}

/// The gid of group `name`.
pub fn group_id(name: &[u8]) -> Option<u32> {
    id_of("/etc/group", name)
}

/// The third field of the line whose first field is `name`.
fn id_of(file: &str, name: &[u8]) -> Option<u32> {
    let text = sys::read_file(OsStr::new(file)).ok()?;
    text.split(|b| *b == b'\n').find_map(|line| {
        let mut fields = line.split(|b| *b == b':');
        if fields.next()? != name {
            return None;
        }
        u32::try_from(crate::cli::strtol(fields.nth(1)?, 10)?).ok()
    })
}
