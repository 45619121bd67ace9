//! The ip front: what we do ourselves under the name `ip` besides `netns`.

mod msg;
mod out;
mod print;
pub mod show;
