//! Developer tools for descope-api's spec folder: `import` writes spec entries from Descope's
//! OpenAPI document, `conform` checks the spec against it. Run them as `cargo xtask <command>`.
//!
//! The YAML parser lives here, not in `descope-codegen`, so users of the macro never build it.

#![deny(missing_docs)]

pub mod allow;
pub mod compare;
pub mod conform;
pub mod import;
pub mod matching;
pub mod openapi;
pub mod shape;
pub mod spec;
pub mod yaml;
