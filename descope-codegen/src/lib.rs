//! The spec model, checks and code generator behind `descope-api`'s endpoints.
//!
//! The pipeline is parse → check → expand, each a plain function callable without rustc:
//! [`Spec::load`] reads and parses `spec/**/*.json` (shape errors carry file, entry and
//! line:column), [`check()`] validates the whole spec and collects every problem, and
//! [`expand::generate`] emits Rust code for a checked spec. [`expand_dir`] does all three, as the
//! proc-macro does.

#![deny(missing_docs)]

mod check;
mod diag;
pub mod expand;
mod load;
mod locate;
pub mod model;
mod names;
mod ty;

use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;

pub use check::check;
pub use diag::{Diagnostic, Diagnostics, LineCol};
pub use expand::{Options, format, generate, generate_endpoint, generate_file};
pub use load::{Spec, SpecFile, entry_name, spec_file_paths};
pub use names::{camel, snake};
pub use ty::Ty;

/// The result of expanding a spec folder.
#[derive(Clone, Debug)]
pub struct Expansion {
    /// The generated items.
    pub tokens: TokenStream,
    /// Every file read, for rebuild tracking.
    pub files: Vec<PathBuf>,
}

/// Loads, checks and expands the spec folder `dir`; `display` is how messages name it.
pub fn expand_dir(dir: &Path, display: &str, options: &Options) -> Result<Expansion, Diagnostics> {
    let spec = Spec::load(dir, display)?;
    check(&spec).into_result(())?;
    Ok(Expansion {
        tokens: generate(&spec, options),
        files: spec.files.iter().filter_map(|f| f.path.clone()).collect(),
    })
}
