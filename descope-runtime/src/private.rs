//! The door generated code goes through: re-exports only. Not public API: it may change in any
//! release (descope-api pins descope-macros to its exact version, so the two always match).

pub use ::serde_json;
/// A JSON value of any shape (the spec's `any`).
pub use ::serde_json::Value as Json;

pub use crate::codec::read::{
    Fill, FromText, FromWire, ListSlot, MapSlot, Object, OptionSlot, Slot, decode_empty,
    decode_json, decode_text,
};
pub use crate::codec::write::{Emit, JsonWriter, Query};
pub use crate::error::DecodeError;
pub use crate::paging::{page_i32, partial_failure};
pub use crate::request::{
    Call, Credential, Decode, Encode, Encoder, Endpoint, Method, Request, send,
};
pub use crate::{
    AccessKey, Client, Error, IntoList, IntoMap, ManagementClient, Paged, Pages, PartialFailure,
    RefreshJwt, ResponseFuture, Secret, SessionJwt, Url,
};

pub use crate::error::Result;
pub use crate::validate::{check_email, check_phone, check_required};

pub use crate::__descope_endpoint as endpoint;
