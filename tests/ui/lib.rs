//! Test-only crate: see `ui.rs`.
