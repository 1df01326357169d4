//! The spec of descope-api, read, checked and resolved into one model: [`Api`].
//!
//! The pipeline is **load → check → resolve**, and everything downstream reads its result:
//!
//! ```text
//! spec/**/*.json ──Spec::read──> Spec (the files, parsed by the one file model in `file`)
//!                ──resolve─────> Api  (areas, groups, endpoints, parameters, types: decided)
//!                                 ├─ descope-codegen: the generated client
//!                                 ├─ descope-emulator: routing and request checks
//!                                 ├─ xtask: conformance with Descope's OpenAPI document, import
//!                                 └─ tests: the spec-driven wire table
//! ```
//!
//! Every problem goes to one [`Ctxt`] with its file, entry and line:column, and resolution
//! carries on around it, so one run reports them all. [`Api::load`] is the strict entry point
//! (a model only when nothing is wrong); [`load_recovering`] also returns the model completed
//! around the problems, which lets the macro generate the rest of the API next to its errors.
//! [`write()`] writes a file back in the canonical layout (a fixpoint of reading).

#![deny(missing_docs)]

mod api;
mod ctxt;
mod diag;
pub mod file;
mod load;
mod locate;
mod names;
mod resolve;
mod ty;
mod write;

use std::path::Path;

pub use api::{
    Api, Area, AreaId, AuthStyle, Endpoint, Field, FileId, Format, Group, GroupId, Handle,
    HttpMethod, Paging, Param, PathTemplate, Place, Presence, Reply, Scope, Segment, Source,
    SourceFile, Type, TypeDef, TypeId, TypeKind, Variant, endpoint_id, sample,
};
pub use ctxt::Ctxt;
pub use diag::{Diagnostic, Diagnostics, LineCol};
pub use load::{Spec, SpecFile, entry_name, spec_file_paths};
pub use names::{camel, is_camel_ident, is_snake_ident, snake};
pub use resolve::resolve;
pub use ty::Ty;
pub use write::write;

impl Api {
    /// Reads and resolves the spec folder `dir` (`display` is how messages name it); the model,
    /// or every problem found.
    pub fn load(dir: &Path, display: &str) -> Result<Api, Diagnostics> {
        let (api, diagnostics) = load_recovering(dir, display);
        if diagnostics.is_empty() {
            Ok(api)
        } else {
            Err(diagnostics)
        }
    }

    /// Resolves in-memory files `(path below the folder, text)`; the model, or every problem.
    pub fn from_sources<I, N, T>(display: &str, sources: I) -> Result<Api, Diagnostics>
    where
        I: IntoIterator<Item = (N, T)>,
        N: Into<String>,
        T: Into<String>,
    {
        let (api, diagnostics) = from_sources_recovering(display, sources);
        if diagnostics.is_empty() {
            Ok(api)
        } else {
            Err(diagnostics)
        }
    }
}

/// Resolves in-memory files `(path below the folder, text)`, completing the model around any
/// problems: the model and every problem found (none when all is well).
pub fn from_sources_recovering<I, N, T>(display: &str, sources: I) -> (Api, Diagnostics)
where
    I: IntoIterator<Item = (N, T)>,
    N: Into<String>,
    T: Into<String>,
{
    let cx = Ctxt::new();
    let spec = Spec::from_sources(display, sources, &cx);
    let api = resolve(&spec, &cx);
    (api, cx.take())
}

/// Reads and resolves the spec folder `dir`, completing the model around any problems: the
/// model and every problem found (none when all is well).
pub fn load_recovering(dir: &Path, display: &str) -> (Api, Diagnostics) {
    let cx = Ctxt::new();
    let spec = Spec::read(dir, display, &cx);
    let api = resolve(&spec, &cx);
    (api, cx.take())
}
