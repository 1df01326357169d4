//! The code generator behind `descope-api`'s endpoints: Rust code from the resolved model of
//! [`descope_spec`].
//!
//! [`expand_dir`] does what the proc-macro does: load and resolve a spec folder, then
//! [`generate`] the code. On a spec error it still generates the API from the model completed
//! around the problems (see [`descope_spec::load_recovering`]), so the macro can emit the errors
//! *and* the rest of the API: the user sees the real problem, not a cascade of "no method
//! named …" errors in their own code.

#![deny(missing_docs)]

pub mod expand;

use std::path::{Path, PathBuf};

pub use descope_spec::{self as spec, Api, Diagnostic, Diagnostics};
pub use expand::{
    Options, format, generate, generate_area, generate_endpoint, generate_file, generate_split,
};
use proc_macro2::TokenStream;

/// The result of expanding a spec folder.
#[derive(Clone, Debug)]
pub struct Expansion {
    /// The generated items (when there were problems: from the model completed around them).
    pub tokens: TokenStream,
    /// Every file read, for rebuild tracking.
    pub files: Vec<PathBuf>,
    /// Every problem found; empty when the spec is sound.
    pub diagnostics: Diagnostics,
}

/// Loads, resolves and expands the spec folder `dir`; `display` is how messages name it.
pub fn expand_dir(dir: &Path, display: &str, options: &Options) -> Expansion {
    let (api, diagnostics) = descope_spec::load_recovering(dir, display);
    Expansion {
        tokens: generate(&api, options),
        files: api.files.iter().filter_map(|f| f.path.clone()).collect(),
        diagnostics,
    }
}
