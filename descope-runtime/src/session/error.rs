//! Why a session or refresh JWT was rejected.

use std::fmt;
use std::sync::Arc;

use crate::Error;

/// The two kinds of Descope JWT, told apart by their `drn` claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A session JWT (`drn: "DS"`), short-lived, sent with every request.
    Session,
    /// A refresh JWT (`drn: "DSR"`), long-lived, exchanged for new session JWTs.
    Refresh,
}

impl TokenKind {
    /// The `drn` claim of this kind: `DS` or `DSR`.
    pub fn drn(self) -> &'static str {
        match self {
            TokenKind::Session => "DS",
            TokenKind::Refresh => "DSR",
        }
    }

    fn name(self) -> &'static str {
        match self {
            TokenKind::Session => "session JWT",
            TokenKind::Refresh => "refresh JWT",
        }
    }
}

/// Which check a session or refresh JWT failed, inside [`Error::Session`].
///
/// Neither `Display` nor `Debug` ever shows any part of the token: the variants hold the name of
/// the check, and for [`KeyFetch`](SessionError::KeyFetch) the error of the key request.
///
/// ```
/// # async fn demo(client: descope_api::Client, jwt: descope_api::SessionJwt) {
/// use descope_api::{Error, SessionError};
/// match client.validate_session(&jwt).await {
///     Ok(session) => println!("hello {}", session.user_id()),
///     Err(Error::Session(SessionError::Expired)) => { /* refresh, or sign in again */ }
///     Err(err) => eprintln!("rejected: {err}"),
/// }
/// # }
/// ```
#[derive(Clone, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// No token was given (or an empty one).
    #[error("no session JWT or refresh JWT was given")]
    Missing,

    /// Not a JWT: not three base64url parts, a header or payload that is not a JSON object, an
    /// unknown critical header, or a registered claim of the wrong type (`exp` that is not a
    /// number, no `sub`).
    #[error("the token is malformed: {0}")]
    Malformed(&'static str),

    /// The token names a key (`kid`) that the project's key set does not hold, also after the
    /// refetch an unknown key may trigger (at most one per
    /// [`jwks_refetch_cooldown`](crate::ClientBuilder::jwks_refetch_cooldown)).
    #[error("the token is signed with a key the project does not publish")]
    UnknownKey,

    /// The header's `alg` is not the algorithm of the key it names (the key decides: `none`, an
    /// HMAC algorithm, or any other mismatch is refused), or the key's algorithm is not supported.
    #[error("the token's algorithm is not its key's")]
    WrongAlgorithm,

    /// The signature does not verify with the key: the token was altered or forged.
    #[error("the token's signature does not verify")]
    BadSignature,

    /// `exp` is past, beyond the leeway.
    #[error("the token has expired")]
    Expired,

    /// `nbf` or `iat` is in the future, beyond the leeway.
    #[error("the token is not valid yet")]
    NotYetValid,

    /// `iss` is missing, or names another project.
    #[error("the token was issued for another project")]
    WrongIssuer,

    /// `aud` does not name the project (or the configured audience), or is missing while an
    /// audience is configured.
    #[error("the token is meant for another audience")]
    WrongAudience,

    /// A token of the other kind: a refresh JWT where a session JWT is needed, or the reverse,
    /// or a token without Descope's `drn` claim.
    #[error("not a {}", .expected.name())]
    WrongKind {
        /// The kind that was needed.
        expected: TokenKind,
    },

    /// The project's keys could not be fetched and none are cached.
    #[error("could not fetch the project's public keys: {0}")]
    KeyFetch(#[source] Arc<Error>),
}

impl fmt::Debug for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::Missing => f.write_str("Missing"),
            SessionError::Malformed(reason) => f.debug_tuple("Malformed").field(reason).finish(),
            SessionError::UnknownKey => f.write_str("UnknownKey"),
            SessionError::WrongAlgorithm => f.write_str("WrongAlgorithm"),
            SessionError::BadSignature => f.write_str("BadSignature"),
            SessionError::Expired => f.write_str("Expired"),
            SessionError::NotYetValid => f.write_str("NotYetValid"),
            SessionError::WrongIssuer => f.write_str("WrongIssuer"),
            SessionError::WrongAudience => f.write_str("WrongAudience"),
            SessionError::WrongKind { expected } => f
                .debug_struct("WrongKind")
                .field("expected", expected)
                .finish(),
            SessionError::KeyFetch(source) => f.debug_tuple("KeyFetch").field(source).finish(),
        }
    }
}

impl SessionError {
    /// A short, stable name of the check that failed (`expired`, `bad_signature`, ...), for
    /// logs, metrics and the JSON body of a rejected web request.
    pub fn code(&self) -> &'static str {
        match self {
            SessionError::Missing => "missing",
            SessionError::Malformed(_) => "malformed",
            SessionError::UnknownKey => "unknown_key",
            SessionError::WrongAlgorithm => "wrong_algorithm",
            SessionError::BadSignature => "bad_signature",
            SessionError::Expired => "expired",
            SessionError::NotYetValid => "not_yet_valid",
            SessionError::WrongIssuer => "wrong_issuer",
            SessionError::WrongAudience => "wrong_audience",
            SessionError::WrongKind { .. } => "wrong_kind",
            SessionError::KeyFetch(_) => "key_fetch_failed",
        }
    }
}

impl From<SessionError> for Error {
    fn from(error: SessionError) -> Error {
        Error::Session(error)
    }
}
