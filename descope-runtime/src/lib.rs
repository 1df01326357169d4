//! The hand-written runtime of [descope-api](https://docs.rs/descope-api): client configuration,
//! typed credentials, transport, retries, errors and local session validation.
//!
//! **Depend on `descope-api`, not on this crate.** descope-api re-exports everything here that
//! is public API, wraps [`Client`], [`ClientBuilder`] and [`ManagementClient`] to add the
//! generated endpoint groups (`client.otp()`), and pins this crate to its exact version. The
//! runtime is a crate of its own so that it is compiled once, apart from (and in parallel with)
//! the procedural macro that generates the API: the crate holding the generated code then
//! compiles with a much smaller working set. Nothing here is monomorphised per endpoint.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod args;
mod client;
mod codec;
mod credentials;
mod error;
mod paging;
pub mod reliability;
mod request;
mod retry;
#[cfg(feature = "session")]
pub mod session;
mod transport;
mod validate;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use args::{IntoList, IntoMap};
pub use client::{Client, ClientBuilder, ManagementClient, default_base_url};
pub use credentials::{AccessKey, ManagementKey, RefreshJwt, Secret, SessionJwt};
pub use error::{ApiError, DecodeError, Error};
pub use paging::{Paged, Pages, PartialFailure};
pub use request::{Configured, RequestExt, ResponseFuture};
pub use retry::RetryPolicy;
#[cfg(feature = "session")]
pub use session::{Session, SessionError, SessionTokens, TokenKind};
/// An absolute URL, as redirect-style endpoints return it (re-exported from the `url` crate).
pub use url::Url;
