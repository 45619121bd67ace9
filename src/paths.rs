//! Where named namespaces and their files live: fixed at build time, as in iproute2
//! (`make NETNS_RUN_DIR=... NETNS_ETC_DIR=...`).

/// The run directory: one bind mount per named namespace.
pub const RUN_DIR: &str = match option_env!("NETNS_RUN_DIR") {
    Some(dir) => dir,
    None => "/var/run/netns",
};

/// Per-namespace files that `exec` puts over /etc.
pub const ETC_DIR: &str = match option_env!("NETNS_ETC_DIR") {
    Some(dir) => dir,
    None => "/etc/netns",
};
