//! The crate's error type.

use std::fmt;
use std::time::Duration;

/// Maximum number of body bytes kept in [`Error::Http`] and [`Error::Decode`].
pub(crate) const BODY_EXCERPT_LIMIT: usize = 512;

/// The result of a call: its reply, or the [`Error`] that stopped it.
pub type Result<T> = std::result::Result<T, Error>;

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
    /// Descope error, e.g. an HTML page from a proxy.
    ///
    /// Redirects are never followed: a 3xx reply is reported here with its
    /// status (see [`Error::is_redirect`]).
    #[error("Descope API returned HTTP {status}{}", excerpt_suffix(body))]
    #[non_exhaustive]
    Http {
        /// The HTTP status code.
        status: u16,
        /// The start of the response body (at most 512 bytes, lossy UTF-8).
        body: String,
        /// Seconds to wait before retrying, from a `Retry-After` header.
        retry_after: Option<u64>,
    },

    /// The request timed out: one attempt took longer than the configured
    /// timeout, or the retry policy's total deadline passed.
    #[error("request to the Descope API timed out")]
    Timeout,

    /// A successful reply's body exceeded the client's size limit
    /// ([`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size));
    /// the rest of it was not read.
    #[error("Descope API response (HTTP {status}) is larger than the {limit}-byte limit")]
    ResponseTooLarge {
        /// The HTTP status code.
        status: u16,
        /// The limit in bytes.
        limit: usize,
    },

    /// Connecting, sending or receiving failed.
    #[error("could not reach the Descope API: {0}")]
    Transport(#[source] Box<dyn std::error::Error + Send + Sync>),

    /// A 2xx response body could not be decoded.
    #[error("could not decode the Descope API response: {source}")]
    Decode {
        /// Where and why decoding failed (never the value found).
        #[source]
        source: DecodeError,
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

    /// A batch call succeeded for some entries and failed for others (from a
    /// [`PartialFailure`](crate::PartialFailure), which also holds the reply).
    #[error("{failed} entries of the batch failed")]
    PartialFailure {
        /// How many entries failed.
        failed: usize,
    },

    /// A session or refresh JWT was rejected: which check failed (never any of the token).
    #[cfg(feature = "session")]
    #[error(transparent)]
    Session(crate::SessionError),
}

impl Error {
    /// The HTTP status the server answered with, for [`Error::Api`],
    /// [`Error::Http`] and [`Error::ResponseTooLarge`].
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Http { status, .. } | Error::ResponseTooLarge { status, .. } => Some(*status),
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

    /// Why a session or refresh JWT was rejected, for [`Error::Session`].
    #[cfg(feature = "session")]
    pub fn session_error(&self) -> Option<&crate::SessionError> {
        match self {
            Error::Session(error) => Some(error),
            _ => None,
        }
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout)
    }

    /// Whether the server answered with a redirect (3xx), which is never
    /// followed.
    pub fn is_redirect(&self) -> bool {
        self.status()
            .is_some_and(|status| (300..400).contains(&status))
    }

    /// How long the server asked to wait before retrying (its `Retry-After`
    /// header, in seconds), e.g. with HTTP 429.
    ///
    /// ```
    /// # async fn demo(result: Result<(), descope_api::Error>) {
    /// if let Err(err) = result {
    ///     if let Some(wait) = err.retry_after() {
    ///         tokio::time::sleep(wait).await;
    ///     }
    /// }
    /// # }
    /// ```
    pub fn retry_after(&self) -> Option<Duration> {
        let seconds = match self {
            Error::Api(api) => api.retry_after,
            Error::Http { retry_after, .. } => *retry_after,
            _ => None,
        };
        seconds.map(Duration::from_secs)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(api) => f.debug_tuple("Api").field(api).finish(),
            Error::Http {
                status,
                body,
                retry_after,
            } => f
                .debug_struct("Http")
                .field("status", status)
                .field("body", body)
                .field("retry_after", retry_after)
                .finish(),
            Error::Timeout => f.write_str("Timeout"),
            Error::ResponseTooLarge { status, limit } => f
                .debug_struct("ResponseTooLarge")
                .field("status", status)
                .field("limit", limit)
                .finish(),
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
            Error::PartialFailure { failed } => f
                .debug_struct("PartialFailure")
                .field("failed", failed)
                .finish(),
            #[cfg(feature = "session")]
            Error::Session(error) => f.debug_tuple("Session").field(error).finish(),
        }
    }
}

/// Why a reply body could not be decoded: where, and what was expected. It never quotes the
/// body, which may hold tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    message: String,
    line: usize,
    column: usize,
    category: Category,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Category {
    Syntax,
    Data,
    Eof,
}

impl DecodeError {
    /// From serde_json's error, keeping its position and class; its message, which may quote
    /// values of the body, is replaced by a description of the class unless it is one of ours.
    pub(crate) fn from_json(error: serde_json::Error) -> DecodeError {
        use serde_json::error::Category as Json;
        let category = match error.classify() {
            Json::Eof => Category::Eof,
            Json::Syntax | Json::Io => Category::Syntax,
            Json::Data => Category::Data,
        };
        let text = error.to_string();
        let text = text
            .rfind(" at line ")
            .map_or(text.as_str(), |i| &text[..i]);
        let message = if category == Category::Data && text.starts_with("expected ")
            || text.starts_with("integer out of range")
            || text.starts_with("not a valid URL")
        {
            text.to_owned()
        } else {
            match category {
                Category::Eof => "the body ends too early".to_owned(),
                Category::Syntax => "the body is not valid JSON".to_owned(),
                Category::Data => "a value does not fit the reply type".to_owned(),
            }
        };
        DecodeError {
            message,
            line: error.line(),
            column: error.column(),
            category,
        }
    }

    /// The 1-based line of the body where decoding failed.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The 1-based column of the body where decoding failed.
    pub fn column(&self) -> usize {
        self.column
    }

    /// Whether the body ended before the JSON value did.
    pub fn is_eof(&self) -> bool {
        self.category == Category::Eof
    }

    /// Whether the body is not JSON.
    pub fn is_syntax(&self) -> bool {
        self.category == Category::Syntax
    }

    /// Whether the body is JSON of the wrong shape for the reply.
    pub fn is_data(&self) -> bool {
        self.category == Category::Data
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at line {} column {}",
            self.message, self.line, self.column
        )
    }
}

impl std::error::Error for DecodeError {}

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
        write!(
            f,
            "Descope API error {} (HTTP {})",
            Escaped(&self.code),
            self.status
        )?;
        if !self.description.is_empty() {
            write!(f, ": {}", Escaped(&self.description))?;
        }
        if !self.message.is_empty() && self.message != self.description {
            write!(f, ": {}", Escaped(&self.message))?;
        }
        Ok(())
    }
}

/// Server text shown with its control characters escaped (`\n`, `\u{1b}`), so a reply cannot
/// forge log lines or drive a terminal.
pub(crate) struct Escaped<'a>(pub(crate) &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write as _;
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                f.write_char(c)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// `": <body>"` (control characters escaped), or nothing for an empty body.
fn excerpt_suffix(body: &str) -> String {
    if body.trim().is_empty() {
        String::new()
    } else {
        format!(": {}", Escaped(body))
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
            retry_after: None,
        };
        assert_eq!(
            err.to_string(),
            "Descope API returned HTTP 502: bad gateway"
        );
        assert_eq!(err.status(), Some(502));
        assert_eq!(err.code(), None);
        assert!(Error::Timeout.is_timeout());
        assert!(!err.is_redirect());
        assert_eq!(err.retry_after(), None);
        let err = Error::Http {
            status: 302,
            body: String::new(),
            retry_after: Some(3),
        };
        assert!(err.is_redirect());
        assert_eq!(err.to_string(), "Descope API returned HTTP 302");
        assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
        let err = Error::Api(ApiError {
            status: 429,
            retry_after: Some(7),
            ..api()
        });
        assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
        let err = Error::ResponseTooLarge {
            status: 200,
            limit: 1024,
        };
        assert_eq!(
            err.to_string(),
            "Descope API response (HTTP 200) is larger than the 1024-byte limit"
        );
        assert_eq!(err.status(), Some(200));
        assert!(!err.is_redirect());
    }

    #[test]
    fn server_text_is_escaped_and_not_repeated() {
        let err = Error::Api(ApiError {
            description: "Bad\nline\u{1b}[2J".into(),
            message: "Bad\nline\u{1b}[2J".into(),
            ..api()
        });
        let shown = err.to_string();
        assert_eq!(
            shown,
            "Descope API error E061102 (HTTP 400): Bad\\nline\\u{1b}[2J"
        );
        assert!(!shown.contains('\n') && !shown.contains('\u{1b}'));
        let err = Error::Http {
            status: 500,
            body: "oops\r\nX-Forged: 1".into(),
            retry_after: None,
        };
        assert_eq!(
            err.to_string(),
            "Descope API returned HTTP 500: oops\\r\\nX-Forged: 1"
        );
        assert_eq!(Escaped("tab\there é").to_string(), "tab\\there é");
    }

    #[test]
    fn decode_debug_hides_body() {
        let source = DecodeError::from_json(serde_json::from_str::<u8>("x").unwrap_err());
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
