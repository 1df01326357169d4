//! Embeds descope-api's spec files into the emulator: writes `$OUT_DIR/spec_files.rs`, a list of
//! `(display name, include_str!(absolute path))` for every `*.json` below `descope-api/spec`
//! except the top-level `schema.json`, in sorted path order (as `Spec::load` reads them).
//!
//! `include_str!` makes cargo rebuild on an edit; `rerun-if-changed` on the folder makes it
//! rebuild when a file is added or removed.

use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let dir = manifest.join("../descope-api/spec");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.retain(|p| p != &dir.join("schema.json"));
    files.sort();
    let mut out = String::from(
        "/// Every spec file: (name as messages show it, text).\n\
         pub(crate) const SPEC_FILES: &[(&str, &str)] = &[\n",
    );
    for path in &files {
        let relative = path.strip_prefix(&dir).expect("below the spec folder");
        let shown = format!("spec/{}", relative.to_string_lossy().replace('\\', "/"));
        let absolute = path.canonicalize().expect("spec file exists");
        out.push_str(&format!(
            "    ({shown:?}, include_str!({:?})),\n",
            absolute.to_string_lossy()
        ));
    }
    out.push_str("];\n");
    let target = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    std::fs::write(target.join("spec_files.rs"), out).expect("write spec_files.rs");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read the spec folder {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("readable folder entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}
