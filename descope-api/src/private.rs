//! The door generated code goes through: re-exports only. Not public API: it may change in any
//! release (descope-api pins descope-macros to its exact version, so the two always match).

pub use ::serde_json;

pub use crate::codec::read::{
    Fill, FromText, FromWire, ListSlot, MapSlot, Object, OptionSlot, Slot, decode_empty,
    decode_json, decode_text,
};
pub use crate::codec::write::{Emit, JsonWriter, Query};
pub use crate::error::DecodeError;
pub use crate::request::{Call, Credential, Encoder, Endpoint, Method, Request, send};
pub use crate::validate::{check_email, check_phone, check_required};
