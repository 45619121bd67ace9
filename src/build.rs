//! Link flags for the static musl binary, the one that ships (see src/layout.ld).

use std::env;

fn main() {
    println!("cargo::rerun-if-changed=src/layout.ld");
    let cfg = |key: &str| env::var(format!("CARGO_CFG_TARGET_{key}")).unwrap_or_default();
    // rustup's musl targets (vendor "unknown") link statically; distributions' musl targets
    // (Alpine's, OpenWrt's) link against libc.so and keep their linker's defaults, as in
    // .cargo/config.toml.
    if cfg("ENV") != "musl" || cfg("VENDOR") != "unknown" {
        return;
    }
    let dir = env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let script = format!("{dir}/src/layout.ld");
    // A static musl binary never makes its RELRO read-only (only musl's dynamic loader
    // does), so the page alignment RELRO asks for would buy nothing and cost a fault.
    let args = ["-T", &script, "-z", "norelro"];
    // The cross builds link with rust-lld itself, which takes the flags as they are; a C
    // compiler driver (the default) wants them behind -Wl. Cargo does not run this script
    // again when the linker changes, so it must be told which setting names it.
    let target = env::var("TARGET").unwrap_or_default().to_uppercase().replace(['-', '.'], "_");
    println!("cargo::rerun-if-env-changed=CARGO_TARGET_{target}_LINKER");
    let linker = env::var("RUSTC_LINKER").unwrap_or_default();
    if linker.ends_with("ld") {
        for arg in args {
            println!("cargo::rustc-link-arg-bins={arg}");
        }
    } else {
        println!("cargo::rustc-link-arg-bins=-Wl,{}", args.join(","));
    }
}
