//! The door generated code goes through: re-exports only. Not public API: it may change in any
//! release (descope-api pins descope-macros and descope-runtime to their exact versions, so the
//! three always match).

pub use descope_runtime::__private::*;
// descope-api's own clients, which carry the generated groups, shadow the runtime's.
pub use crate::{Client, ManagementClient};
