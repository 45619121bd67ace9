//! User and group names, as /etc/passwd and /etc/group give them: what `ip tuntap add user
//! NAME` turns into an id. Read as musl's getpwnam reads them where no name service daemon
//! answers (a static binary has no NSS modules to ask).

use std::path::Path;

/// The uid of user `name`.
pub fn user_id(name: &[u8]) -> Option<u32> {
    id_of(Path::new("/etc/passwd"), name)
}

/// The gid of group `name`.
pub fn group_id(name: &[u8]) -> Option<u32> {
    id_of(Path::new("/etc/group"), name)
}

/// The third field of the line whose first field is `name`.
fn id_of(file: &Path, name: &[u8]) -> Option<u32> {
    let text = std::fs::read(file).ok()?;
    text.split(|b| *b == b'\n').find_map(|line| {
        let mut fields = line.split(|b| *b == b':');
        if fields.next()? != name {
            return None;
        }
        u32::try_from(crate::cli::strtol(fields.nth(1)?, 10)?).ok()
    })
}
