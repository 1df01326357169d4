//! The door generated code goes through: re-exports only. Not public API: it may change in any
//! release (descope-api pins descope-macros to its exact version, so the two always match).

pub use ::serde_json;

pub use crate::codec::read::{
    Fill, FromText, FromWire, ListSlot, MapSlot, Object, OptionSlot, Slot, decode_empty,
    decode_json, decode_text,
};
pub use crate::codec::write::{Emit, JsonWriter, Query};
pub use crate::error::DecodeError;
pub use crate::paging::{page_i32, partial_failure};
pub use crate::request::{Call, Credential, Decode, Encoder, Endpoint, Method, Request, send};
pub use crate::{
    AccessKey, Client, Error, IntoList, IntoMap, ManagementClient, Paged, Pages, PartialFailure,
    RefreshJwt, ResponseFuture, Secret, SessionJwt, Url,
};

/// The result of a call.
pub type Result<T> = ::std::result::Result<T, crate::Error>;
pub use crate::validate::{check_email, check_phone, check_required};

/// `impl IntoFuture for $request`: awaiting a request sends it (the same four lines for every
/// request, written once).
#[doc(hidden)]
#[macro_export]
macro_rules! __descope_into_future {
    ($request:ty) => {
        impl ::std::future::IntoFuture for $request {
            type Output =
                $crate::__private::Result<<$request as $crate::__private::Request>::Reply>;
            type IntoFuture =
                $crate::__private::ResponseFuture<<$request as $crate::__private::Request>::Reply>;

            fn into_future(self) -> Self::IntoFuture {
                $crate::__private::send(self)
            }
        }
    };
}

pub use crate::__descope_into_future as into_future;

/// `static $name: Endpoint = Endpoint::$method($id, $path);`, on one line of generated code.
#[doc(hidden)]
#[macro_export]
macro_rules! __descope_endpoint {
    ($name:ident, $method:ident, $id:literal, $path:literal) => {
        static $name: $crate::__private::Endpoint =
            $crate::__private::Endpoint::$method($id, $path);
    };
}

pub use crate::__descope_endpoint as endpoint;
