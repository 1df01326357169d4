//! Rebuild this crate when a file is added to (or removed from) `spec/`; edits to existing spec
//! files are tracked by the macro itself.
fn main() {
    println!("cargo:rerun-if-changed=spec");
}
