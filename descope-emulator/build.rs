//! Embeds descope-api's spec files into the emulator: writes `$OUT_DIR/spec_files.rs`, a list of
//! `(path below spec/, include_str!(absolute path))` for every spec file, in the order
//! `descope_spec` reads them, after resolving them: a spec that does not resolve fails the
//! emulator's build with the same diagnostics the macro gives, instead of its first request.
//!
//! `include_str!` makes cargo rebuild on an edit; `rerun-if-changed` on the folder makes it
//! rebuild when a file is added or removed.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(manifest) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from) else {
        eprintln!("CARGO_MANIFEST_DIR is not set: run this through cargo");
        return ExitCode::FAILURE;
    };
    let dir = manifest.join("../descope-api/spec");
    println!("cargo:rerun-if-changed={}", dir.display());
    if let Err(diagnostics) = descope_spec::Api::load(&dir, "spec") {
        for line in diagnostics.to_string().lines() {
            println!("cargo:warning={line}");
        }
        eprintln!("the spec does not resolve:\n{diagnostics}");
        return ExitCode::FAILURE;
    }
    let paths = match descope_spec::spec_file_paths(&dir) {
        Ok(paths) => paths,
        Err(e) => {
            eprintln!("cannot read the spec folder {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    let mut out = String::from(
        "/// Every spec file: (path below `spec/`, text).\n\
         pub(crate) const SPEC_FILES: &[(&str, &str)] = &[\n",
    );
    for path in &paths {
        let relative = path.strip_prefix(&dir).unwrap_or(path);
        let rel = relative.to_string_lossy().replace('\\', "/");
        let absolute = path.canonicalize().unwrap_or_else(|_| path.clone());
        out.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            absolute.to_string_lossy()
        ));
    }
    out.push_str("];\n");
    let Some(target) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        eprintln!("OUT_DIR is not set: run this through cargo");
        return ExitCode::FAILURE;
    };
    if let Err(e) = std::fs::write(target.join("spec_files.rs"), out) {
        eprintln!("cannot write spec_files.rs: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
