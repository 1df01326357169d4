//! JSON for generated types, written once for the whole API: [`read`] decodes replies into
//! [`read::Slot`]s, [`write`] encodes requests from `(name, &dyn Emit)` lists.

pub(crate) mod read;
pub(crate) mod write;
