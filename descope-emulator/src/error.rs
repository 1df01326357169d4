//! Error replies in Descope's shape: `{"errorCode", "errorDescription", "errorMessage"}` with a
//! 4xx or 5xx status. Every code the emulator produces is a [`Code`]; the crate docs list them.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error code the emulator answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Code {
    /// `E011001` (400): the body is not JSON, or not a JSON object.
    BadRequest,
    /// `E011002` (400): a required field is missing, `null` or empty.
    MissingArgument,
    /// `E011003` (400): a value has the wrong JSON type or shape, a path segment is not one of its
    /// enum's values (an unknown delivery method), or an address is malformed or missing.
    ValidationFailure,
    /// `E011004` (400): well-formed arguments the emulator cannot act on (a login ID that is not
    /// the signed-in user's, a tenant the user is not in, another project's keys).
    InvalidArgument,
    /// `E011404` (404): no operation in `spec/` has this method and path.
    UnknownOperation,
    /// `E011501` (501): the operation is in `spec/` and its requests are checked, but the
    /// emulator does not implement it.
    NotImplemented,
    /// `E014001` (401): `Authorization` is missing, not `Bearer ...`, or lacks the credential
    /// the operation needs.
    MissingAuthorization,
    /// `E014002` (401): the project ID in `Authorization` is not the emulator's.
    WrongProject,
    /// `E014003` (401): a credential of the wrong kind for the operation's auth style (a session
    /// JWT where a refresh JWT is needed, a key where a JWT is needed, ...).
    WrongCredential,
    /// `E014004` (401): a JWT that does not verify: bad signature, expired, issued by another
    /// emulator, or for a session or user the emulator no longer knows.
    InvalidToken,
    /// `E014005` (401): a management key that is not the emulator's, or an access key that is
    /// unknown, deactivated or expired.
    InvalidKey,
    /// `E061102` (401): wrong one-time code or link token, or none pending (never sent, already
    /// used, or expired).
    WrongCode,
    /// `E061103` (429): too many wrong codes; send a new one.
    ///
    /// No official SDK's source or tests pins the status Descope sends with this code; every
    /// SDK keeps the code (Python's `RateLimitException` for any 429 carries it too), so callers
    /// tell it by its code. 429 is what verification services use for spent attempts, so it
    /// stays; Descope's own rate limit is `E130429` with `Retry-After`, which this is not.
    TooManyAttempts,
    /// `E062503` (401): the enchanted link was not verified yet; poll again.
    EnchantedLinkPending,
    /// `E062107` (409): a user with this login ID already exists.
    UserExists,
    /// `E062108` (400): no user has this login ID.
    UserNotFound,
    /// `E062125` (409): `failOnConflict` was set and another user already has the address.
    UpdateConflict,
    /// `E064001` (401): the refresh JWT's session was ended by a logout.
    LoggedOut,
}

impl Code {
    /// Every code, in the order the crate docs list them.
    pub const ALL: &'static [Code] = &[
        Code::BadRequest,
        Code::MissingArgument,
        Code::ValidationFailure,
        Code::InvalidArgument,
        Code::UnknownOperation,
        Code::NotImplemented,
        Code::MissingAuthorization,
        Code::WrongProject,
        Code::WrongCredential,
        Code::InvalidToken,
        Code::InvalidKey,
        Code::WrongCode,
        Code::TooManyAttempts,
        Code::UserExists,
        Code::UserNotFound,
        Code::UpdateConflict,
        Code::EnchantedLinkPending,
        Code::LoggedOut,
    ];

    /// The code as it appears in `errorCode`, e.g. `E061102`.
    pub fn as_str(self) -> &'static str {
        self.parts().0
    }

    /// The HTTP status it comes with.
    pub fn status(self) -> u16 {
        self.parts().1
    }

    /// The generic text sent as `errorDescription`.
    pub fn description(self) -> &'static str {
        self.parts().2
    }

    fn parts(self) -> (&'static str, u16, &'static str) {
        match self {
            Code::BadRequest => ("E011001", 400, "Bad request"),
            Code::MissingArgument => ("E011002", 400, "Request is missing required arguments"),
            Code::ValidationFailure => ("E011003", 400, "Request argument failed validation"),
            Code::InvalidArgument => ("E011004", 400, "Invalid argument"),
            Code::UnknownOperation => ("E011404", 404, "Unknown operation"),
            Code::NotImplemented => ("E011501", 501, "Not implemented by the emulator"),
            Code::MissingAuthorization => ("E014001", 401, "Unauthorized: missing credentials"),
            Code::WrongProject => ("E014002", 401, "Unauthorized: unknown project"),
            Code::WrongCredential => ("E014003", 401, "Unauthorized: wrong kind of credential"),
            Code::InvalidToken => ("E014004", 401, "Unauthorized: invalid token"),
            Code::InvalidKey => ("E014005", 401, "Unauthorized: invalid key"),
            Code::WrongCode => ("E061102", 401, "Wrong or expired code"),
            Code::TooManyAttempts => ("E061103", 429, "Too many attempts"),
            Code::EnchantedLinkPending => ("E062503", 401, "Enchanted link is pending"),
            Code::UserExists => ("E062107", 409, "User already exists"),
            Code::UserNotFound => ("E062108", 400, "User not found"),
            Code::UpdateConflict => ("E062125", 409, "Address belongs to another user"),
            Code::LoggedOut => ("E064001", 401, "Token expired by logout"),
        }
    }
}

/// A failed request: a code and the message for this occurrence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Fail {
    pub code: Code,
    pub message: String,
}

impl Fail {
    pub fn new(code: Code, message: impl Into<String>) -> Fail {
        Fail {
            code,
            message: message.into(),
        }
    }
}

impl IntoResponse for Fail {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.status()).expect("valid status");
        let body = json!({
            "errorCode": self.code.as_str(),
            "errorDescription": self.code.description(),
            "errorMessage": self.message,
        });
        (status, axum::Json(body)).into_response()
    }
}

/// Shorthand for `Err(Fail::new(code, message))`.
pub(crate) fn fail<T>(code: Code, message: impl Into<String>) -> Result<T, Fail> {
    Err(Fail::new(code, message))
}
