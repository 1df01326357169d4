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

/// The result of a call.
pub type Result<T> = ::std::result::Result<T, crate::Error>;
pub use crate::validate::{check_email, check_phone, check_required};

/// What every generated request shares, from one line of generated code:
/// `endpoint!(Request => Reply; STATIC, method, "id", "/path")` declares the endpoint's `static`,
/// implements [`Request`] (the reply type, and how its body decodes: `()` from an empty body,
/// `String` from text, anything else from JSON) and `IntoFuture` (awaiting a request sends it).
/// The request's own [`Encode`] impl is generated beside it.
#[doc(hidden)]
#[macro_export]
macro_rules! __descope_endpoint {
    ($request:ty => (); $($endpoint:tt)*) => {
        $crate::__descope_endpoint!(@ $request => (), decode_empty; $($endpoint)*);
    };
    ($request:ty => String; $($endpoint:tt)*) => {
        $crate::__descope_endpoint!(@ $request => String, decode_text; $($endpoint)*);
    };
    ($request:ty => $reply:ty; $($endpoint:tt)*) => {
        $crate::__descope_endpoint!(@ $request => $reply, decode_json; $($endpoint)*);
    };
    (@ $request:ty => $reply:ty, $decode:ident;
        $name:ident, $method:ident, $id:literal, $path:literal) => {
        static $name: $crate::__private::Endpoint =
            $crate::__private::Endpoint::$method($id, $path);

        impl $crate::__private::Request for $request {
            type Reply = $reply;
            const DECODE: $crate::__private::Decode<$reply> = $crate::__private::$decode;
        }

        impl ::std::future::IntoFuture for $request {
            type Output = $crate::__private::Result<$reply>;
            type IntoFuture = $crate::__private::ResponseFuture<$reply>;

            fn into_future(self) -> Self::IntoFuture {
                $crate::__private::send(self)
            }
        }
    };
}

pub use crate::__descope_endpoint as endpoint;
