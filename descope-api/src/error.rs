//! The crate's error type.

use std::fmt;

/// Maximum number of body bytes kept in [`Error::Http`] and [`Error::Decode`].
pub(crate) const BODY_EXCERPT_LIMIT: usize = 512;

/// Everything that can go wrong when calling Descope.
///
/// ```
/// # async fn demo(result: Result<(), descope_api::Error>) {
/// match result {
///     Err(err) if err.code() == Some("E061102") => { /* handle that case */ }
///     Err(err) if err.is_timeout() => { /* retry later */ }
///     Err(err) => eprintln!("{err}"),
///     Ok(()) => {}
/// }
/// # }
/// ```
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Descope answered with a non-2xx status and a Descope error body.
    #[error(transparent)]
    Api(ApiError),

    /// The server answered with a non-2xx status and a body that is not a
    /// Descope error.
    #[error("Descope API returned HTTP {status}{}", excerpt_suffix(body))]
    Http {
        /// The HTTP status code.
        status: u16,
        /// The start of the response body (at most 512 bytes, lossy UTF-8).
        body: String,
    },

    /// The request timed out.
    #[error("request to the Descope API timed out")]
    Timeout,

    /// Connecting, sending or receiving failed.
    #[error("could not reach the Descope API: {0}")]
    Transport(#[source] Box<dyn std::error::Error + Send + Sync>),

    /// A 2xx response body could not be decoded.
    #[error("could not decode the Descope API response: {source}")]
    Decode {
        /// The JSON error.
        #[source]
        source: serde_json::Error,
        /// The start of the response body (at most 512 bytes, lossy UTF-8).
        /// `Debug` shows only its length, as it may hold tokens.
        body: String,
    },

    /// An argument failed client-side validation; nothing was sent.
    #[error("invalid argument `{field}`: {reason}")]
    InvalidArgument {
        /// The field's wire name, e.g. `loginId`.
        field: &'static str,
        /// Why it was rejected.
        reason: String,
    },

    /// The client is misconfigured.
    #[error("configuration error: {0}")]
    Config(String),
}

impl Error {
    /// The HTTP status, for [`Error::Api`] and [`Error::Http`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The Descope error code (e.g. `E061102`), for [`Error::Api`].
    pub fn code(&self) -> Option<&str> {
        self.api_error().map(|api| api.code.as_str())
    }

    /// The Descope error, for [`Error::Api`].
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => f.debug_tuple("Api").field(api).finish(),
            Error::Http { status, body } => f
                .debug_struct("Http")
                .field("status", status)
                .field("body", body)
                .finish(),
            Error::Timeout => f.write_str("Timeout"),
            Error::Transport(source) => f.debug_tuple("Transport").field(source).finish(),
            Error::Decode { source, body } => f
                .debug_struct("Decode")
                .field("source", source)
                .field("body", &format_args!("<{} bytes>", body.len()))
                .finish(),
            Error::InvalidArgument { field, reason } => f
                .debug_struct("InvalidArgument")
                .field("field", field)
                .field("reason", reason)
                .finish(),
            Error::Config(message) => f.debug_tuple("Config").field(message).finish(),
        }
    }
}

/// A Descope error reply: a non-2xx status with an `errorCode`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// The Descope error code, e.g. `E061102`.
    pub code: String,
    /// The generic description of the error code.
    pub description: String,
    /// The specific message for this occurrence.
    pub message: String,
    /// Seconds to wait before retrying, from a `Retry-After` header.
    pub retry_after: Option<u64>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Descope API error {} (HTTP {})", self.code, self.status)?;
        let mut sep = ": ";
        for part in [&self.description, &self.message] {
            if !part.is_empty() {
                write!(f, "{sep}{part}")?;
                sep = ": ";
            }
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// `": <body>"`, or nothing for an empty body.
fn excerpt_suffix(body: &str) -> String {
    if body.trim().is_empty() {
        String::new()
    } else {
        format!(": {body}")
    }
}

/// The first [`BODY_EXCERPT_LIMIT`] bytes of `body`, cut on a char boundary.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= BODY_EXCERPT_LIMIT {
        return text.into_owned();
    }
    let mut end = BODY_EXCERPT_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api() -> ApiError {
        ApiError {
            status: 400,
            code: "E061102".into(),
            description: "Invalid argument".into(),
            message: "loginId is missing".into(),
            retry_after: None,
        }
    }

    #[test]
    fn display_formats() {
        let err = Error::Api(api());
        assert_eq!(
            err.to_string(),
            "Descope API error E061102 (HTTP 400): Invalid argument: loginId is missing"
        );
        assert_eq!(err.status(), Some(400));
        assert_eq!(err.code(), Some("E061102"));
        let bare = ApiError {
            description: String::new(),
            message: String::new(),
            ..api()
        };
        assert_eq!(bare.to_string(), "Descope API error E061102 (HTTP 400)");
        let err = Error::InvalidArgument {
            field: "loginId",
            reason: "must not be empty".into(),
        };
        assert_eq!(
            err.to_string(),
            "invalid argument `loginId`: must not be empty"
        );
        let err = Error::Http {
            status: 502,
            body: "bad gateway".into(),
        };
        assert_eq!(
            err.to_string(),
            "Descope API returned HTTP 502: bad gateway"
        );
        assert_eq!(err.status(), Some(502));
        assert_eq!(err.code(), None);
        assert!(Error::Timeout.is_timeout());
    }

    #[test]
    fn decode_debug_hides_body() {
        let source = serde_json::from_str::<u8>("x").unwrap_err();
        let err = Error::Decode {
            source,
            body: r#"{"sessionJwt":"secret-token"}"#.into(),
        };
        assert!(!format!("{err:?}").contains("secret-token"));
        assert!(!err.to_string().contains("secret-token"));
    }

    #[test]
    fn excerpt_cuts_on_char_boundary() {
        assert_eq!(excerpt(b"short"), "short");
        let long = "é".repeat(400); // 800 bytes
        let cut = excerpt(long.as_bytes());
        assert_eq!(cut.len(), 512);
        let long = format!("a{}", "é".repeat(400));
        assert_eq!(excerpt(long.as_bytes()).len(), 511);
        assert_eq!(excerpt(&[0xff, b'a']), "\u{fffd}a");
    }
}
