//! Session validation: checking session JWTs locally with the project's public keys, refreshing
//! them, and reading their claims.
//!
//! ```no_run
//! # async fn demo(client: descope_api::Client) -> Result<(), descope_api::Error> {
//! use descope_api::{RefreshJwt, SessionJwt};
//!
//! let session_jwt = SessionJwt::new("<from the DS cookie or the Authorization header>");
//! let refresh_jwt = RefreshJwt::new("<from the DSR cookie>");
//! // Local once the keys are cached: no call to Descope per validation.
//! let session = client.validate_session(&session_jwt).await?;
//! if session.has_roles(["admin"]) { /* ... */ }
//! // Validate, and refresh when the session JWT is missing or expired.
//! let session = client
//!     .validate_and_refresh_session(Some(&session_jwt), Some(&refresh_jwt))
//!     .await?;
//! if session.was_refreshed() {
//!     // hand session.token() back to the browser (the axum layer sets the cookie itself)
//! }
//! # Ok(()) }
//! ```
//!
//! # What is checked
//!
//! In this order, each failure its own [`SessionError`]:
//!
//! 1. The token's shape: three base64url parts, a JSON header naming a `kid`, at most 16 KiB
//!    ([`Malformed`](SessionError::Malformed)).
//! 2. The key: the project's key with that `kid` ([`UnknownKey`](SessionError::UnknownKey)).
//! 3. The algorithm comes from the key (its JWK `kty`, `alg` and `crv`), never from the token:
//!    a header `alg` that is not the key's, `none` and HMAC (`HS256` signed with the public key
//!    as the secret) included, is refused ([`WrongAlgorithm`](SessionError::WrongAlgorithm)).
//!    RS256/384/512, PS256/384/512, ES256 and ES384 keys are supported.
//! 4. The signature ([`BadSignature`](SessionError::BadSignature)).
//! 5. `exp` (required) and `nbf` (when present), with a leeway of
//!    [`session_leeway`](crate::ClientBuilder::session_leeway) (default 5 s)
//!    ([`Expired`](SessionError::Expired), [`NotYetValid`](SessionError::NotYetValid)).
//! 6. `aud`: when present, it must name the project ID (Descope puts it there); with
//!    [`audience`](crate::ClientBuilder::audience) configured, it must be present and name one
//!    of those instead ([`WrongAudience`](SessionError::WrongAudience)).
//! 7. The kind: a session JWT has `drn: "DS"`, a refresh JWT `drn: "DSR"`; a refresh JWT where
//!    a session JWT is needed is refused, and the reverse
//!    ([`WrongKind`](SessionError::WrongKind)).
//! 8. `iss`: the project ID, or a URL whose last or second-to-last path segment is the project
//!    ID ([`WrongIssuer`](SessionError::WrongIssuer)).
//! 9. `iat`, when present, not in the future beyond the leeway
//!    ([`NotYetValid`](SessionError::NotYetValid)); `sub` present
//!    ([`Malformed`](SessionError::Malformed)).
//!
//! # jsonwebtoken's defaults, and what this SDK sets instead
//!
//! Steps 3 to 6 run in [`jsonwebtoken`](https://docs.rs/jsonwebtoken) 12 (the 9.x line let a
//! malformed `exp`/`nbf` skip validation, CVE-2026-25537), with one `Validation` built per key:
//!
//! | setting | jsonwebtoken's default | here | why |
//! |---|---|---|---|
//! | `algorithms` | `[HS256]` | the key's one algorithm | the key decides the algorithm, never the token |
//! | `leeway` | 60 s | 5 s (configurable, at most 1 hour) | session JWTs live minutes; a minute of grace is a sixth of one |
//! | `validate_nbf` | `false` | `true` | a token that says it is not valid yet is not |
//! | `validate_aud`, `aud` | on, no audience: any token carrying `aud` is refused | the project ID, or the configured audience | Descope tokens carry the project ID as `aud` |
//! | `required_spec_claims` | `exp` | `exp`, and `aud` when an audience is configured | an explicit audience is a requirement |
//! | `iss` | unchecked | unchecked there; checked here (step 8) | Descope's issuer is the project ID or a URL ending with it, which a fixed list cannot say |
//!
//! jsonwebtoken verifies through a process-wide crypto provider. descope-api brings its own,
//! backed by ring (already in the tree as rustls' provider), and installs it when the process has
//! none; a provider installed before (or chosen by jsonwebtoken's own crate features) is used
//! as it is. See [`install_crypto_provider`].
//!
//! # The key cache
//!
//! The keys come from `{base_url}/v2/keys/{projectId}` on first use and are cached per client
//! (its clones share them):
//!
//! - they are used for [`jwks_ttl`](crate::ClientBuilder::jwks_ttl) (default 10 minutes), then
//!   fetched again by the next validation, while the others go on with the cached keys;
//! - a token naming an unknown `kid` triggers a refetch, at most one per
//!   [`jwks_refetch_cooldown`](crate::ClientBuilder::jwks_refetch_cooldown) (default 30 s)
//!   counted from the last fetch: a flood of tokens with random `kid`s costs at most one fetch
//!   per cooldown;
//! - one fetch at a time: concurrent validations wait for the one in flight, and no lock is
//!   held while it is on the network;
//! - when a fetch fails (unreachable, an error status, a body that is not a key set, a key set
//!   without a usable key), the keys already cached stay in use, however old; the next attempt
//!   waits for the cooldown. With nothing cached, validation fails with
//!   [`KeyFetch`](SessionError::KeyFetch).
//!
//! A key fetch is not retried and gives up after 10 s (or the client's timeout, if shorter).
//!
//! # Web apps
//!
//! [`Client::session_tokens`](descope_runtime::Client::session_tokens) reads a request's tokens: the session JWT from
//! `Authorization: Bearer …` (any case of `Bearer`), else from the `DS` cookie; the refresh JWT
//! from the `DSR` cookie (names configurable on the builder). With the `axum` feature,
//! [`axum`](mod@self::axum) has an extractor and a tower layer doing all of it.

pub use descope_runtime::session::*;
