//! The ip front: the objects and options we answer ourselves under the name `ip`.

mod tun;
pub mod tuntap;
pub mod version;
