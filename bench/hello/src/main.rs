//! Hello, world: what Rust's std costs in a static binary before netns adds anything.

fn main() {
    println!("hello, world");
}
