//! Re-runs the build (and so recompiles the crate, re-expanding the
//! `generate!` macro) whenever anything under `spec/` changes.

fn main() {
    println!("cargo:rerun-if-changed=spec");
}
