//! Async Rust SDK for the [Descope](https://www.descope.com) authentication
//! and user-management APIs.
//!
//! Create one [`Client`] per project and share it (it is cheap to clone and
//! pools connections). Endpoints are generated from the JSON specs under
//! `spec/`: each group is an accessor on [`Client`] (`client.otp()`) or
//! [`ManagementClient`], and its types live in the module of its area
//! (`descope_api::auth::otp`, `descope_api::auth::types`).
//!
//! # Cargo features
//!
//! One per area of the spec:
//!
//! | feature | module | what |
//! |---|---|---|
//! | `auth` (default) | `auth` | the authentication API: OTP, magic and enchanted links, passwords, TOTP, passkeys, OAuth, SAML, SSO, sessions |
//! | `mgmt` | `management` | the whole management API, on [`ManagementClient`]: every `mgmt-*` feature |
//!
//! Each management group also has a feature of its own, for a build that needs only some:
//! `mgmt-user`, `mgmt-test-user`, `mgmt-tenant`, `mgmt-role`, `mgmt-permission`,
//! `mgmt-access-key`, `mgmt-sso`, `mgmt-sso-application`, `mgmt-password`, `mgmt-jwt`,
//! `mgmt-audit`, `mgmt-flow`, `mgmt-project`, `mgmt-list`, `mgmt-fga`, `mgmt-authz`,
//! `mgmt-outbound-application`, `mgmt-outbound`, `mgmt-third-party-application`,
//! `mgmt-app-registration`, `mgmt-mcp-server`, `mgmt-resource`, `mgmt-resource-policy`,
//! `mgmt-dynamic-registration-template`, `mgmt-management-key`, `mgmt-descoper`, `mgmt-group`
//! (`descope_api::management::<group>`). Searches that page offer `into_stream()` (a
//! [`Pages`] stream); batch replies offer `into_result()` (a [`PartialFailure`] when any entry
//! failed).
//!
//! Without any, the crate is the runtime alone. The runtime's own optional feature:
//!
//! | feature | module | what |
//! |---|---|---|
//! | `axum` | [`session::axum`](crate::session) | the `Session` extractor and `SessionLayer` for axum 0.8 (turns on `auth`) |
//!
//! ```no_run
//! # fn main() -> Result<(), descope_api::Error> {
//! use descope_api::{Client, ManagementKey};
//!
//! // Reads DESCOPE_PROJECT_ID, and optionally DESCOPE_BASE_URL and
//! // DESCOPE_MANAGEMENT_KEY.
//! let client = Client::from_env()?;
//! // Or configure it explicitly.
//! let client = Client::builder("P2abc")
//!     .management_key(ManagementKey::new("K2..."))
//!     .build()?;
//! let management = client.management()?;
//! # let _ = management;
//! # Ok(()) }
//! ```
//!
//! Credentials ([`RefreshJwt`], [`SessionJwt`], [`AccessKey`],
//! [`ManagementKey`], [`Secret`]) never print their value in `Debug` or
//! `Display`; call `expose_secret` to read them. Errors are reported as
//! [`Error`]; Descope's own error codes are available through
//! [`Error::code`].
//!
//! Session JWTs are validated locally with the project's cached public keys:
//! `client.validate_session(&jwt).await` returns a `Session` with the user's claims, roles and
//! tenants, or says which check failed (`Error::Session`); see the `session` module (with the
//! `auth` feature) for the checks, the key cache and its settings.
//!
//! Calls are retried as the official SDKs retry them (HTTP 503 and 52x, after
//! 100 ms, 5 s, 5 s); [`RetryPolicy`] changes that for a client or a single
//! call. The [`reliability`] module lists timeouts, limits, and what each kind
//! of server failure becomes.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

// Generated code names the runtime `::descope_api::...`, also inside this crate.
extern crate self as descope_api;

mod client;
#[doc(inline)]
pub use descope_runtime::reliability;
#[cfg(feature = "auth")]
pub mod session;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use client::{Client, ClientBuilder, ManagementClient};
pub use descope_macros::generate;
pub use descope_runtime::{
    AccessKey, ApiError, Configured, DecodeError, Error, IntoList, IntoMap, ManagementKey, Paged,
    Pages, PartialFailure, RefreshJwt, RequestExt, ResponseFuture, RetryPolicy, Secret, SessionJwt,
    Url, default_base_url,
};
#[cfg(feature = "auth")]
pub use session::{Session, SessionError, SessionTokens, TokenKind};

// GENERATED API
descope_macros::generate! { spec: "spec" }
