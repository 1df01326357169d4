//! axum integration (the `axum` feature): a [`Session`] extractor and [`SessionLayer`], a tower
//! layer that validates every request's session, refreshes it when it has expired and a refresh
//! JWT is present, and sets the refreshed session cookie on the response.
//!
//! ```no_run
//! use axum::{Router, routing::get};
//! use descope_api::{Client, Session};
//! use descope_api::session::axum::SessionLayer;
//!
//! async fn me(session: Session) -> String {
//!     format!("hello {}", session.user_id())
//! }
//!
//! async fn home(session: Option<Session>) -> &'static str {
//!     if session.is_some() { "welcome back" } else { "welcome" }
//! }
//!
//! # fn app(client: Client) -> Router {
//! Router::new()
//!     // Without a valid session (or one refreshed on the way): 401 and a small JSON body.
//!     .route("/me", get(me))
//!     .route_layer(SessionLayer::new(client.clone()))
//!     // Anyone may come; a valid session is there for the handler to see.
//!     .merge(
//!         Router::new()
//!             .route("/", get(home))
//!             .route_layer(SessionLayer::optional(client)),
//!     )
//! # }
//! ```
//!
//! A rejected request gets `401` with `{"error": "unauthorized", "reason": "<check>"}`, the
//! reason being [`SessionError::code`] (`missing`, `expired`, `bad_signature`, ...), or
//! `refresh_failed` when Descope refused the refresh JWT. When the project's keys or Descope
//! cannot be reached, the answer is `503` with `{"error": "unavailable", ...}`. Neither ever
//! names the token.
//!
//! Without the layer, the extractor validates the request's session JWT itself (no refresh)
//! when the client is in the request's extensions, as the runtime's client it wraps
//! (`.layer(Extension(client.runtime().clone()))`).

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use tower_layer::Layer;
use tower_service::Service;

use super::{Session, SessionError};
use crate::{Client, Error};

/// Why a request was refused: its status and a JSON body naming the failed check.
#[derive(Clone, Debug)]
pub struct SessionRejection {
    status: StatusCode,
    reason: &'static str,
}

impl SessionRejection {
    /// The HTTP status: 401, or 503 when the keys or Descope could not be reached.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `reason` of the body: a [`SessionError::code`], `refresh_failed`, `unavailable` or
    /// `not_configured`.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl From<&Error> for SessionRejection {
    fn from(error: &Error) -> SessionRejection {
        let (status, reason) = match error {
            Error::Session(SessionError::KeyFetch(_)) => {
                (StatusCode::SERVICE_UNAVAILABLE, "key_fetch_failed")
            }
            Error::Session(error) => (StatusCode::UNAUTHORIZED, error.code()),
            // Descope refused the refresh JWT (expired, revoked, unknown).
            Error::Api(api) if (400..500).contains(&api.status) && api.status != 429 => {
                (StatusCode::UNAUTHORIZED, "refresh_failed")
            }
            _ => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        };
        SessionRejection { status, reason }
    }
}

impl IntoResponse for SessionRejection {
    fn into_response(self) -> Response {
        let error = if self.status == StatusCode::UNAUTHORIZED {
            "unauthorized"
        } else {
            "unavailable"
        };
        let body = serde_json::json!({ "error": error, "reason": self.reason });
        (self.status, axum::Json(body)).into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Session {
    type Rejection = SessionRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Session, SessionRejection> {
        if let Some(session) = parts.extensions.get::<Session>() {
            return Ok(session.clone());
        }
        let Some(client) = parts.extensions.get::<Client>().cloned() else {
            tracing::error!(
                "the Session extractor needs SessionLayer (or the Client as an Extension) on the route"
            );
            return Err(SessionRejection {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                reason: "not_configured",
            });
        };
        let Some(jwt) = client.session_tokens(&parts.headers).session else {
            return Err(SessionRejection::from(&Error::Session(
                SessionError::Missing,
            )));
        };
        client
            .validate_session(&jwt)
            .await
            .map_err(|error| SessionRejection::from(&error))
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Session {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Session>, Infallible> {
        if let Some(session) = parts.extensions.get::<Session>() {
            return Ok(Some(session.clone()));
        }
        if parts.extensions.get::<Client>().is_none() {
            return Ok(None);
        }
        Ok(
            <Session as FromRequestParts<S>>::from_request_parts(parts, state)
                .await
                .ok(),
        )
    }
}

/// A tower layer guarding routes with Descope sessions (see the [module docs](self)).
#[derive(Clone, Debug)]
pub struct SessionLayer {
    client: Client,
    optional: bool,
}

impl SessionLayer {
    /// Refuses requests without a valid (or refreshable) session: 401.
    pub fn new(client: impl Into<Client>) -> SessionLayer {
        SessionLayer {
            client: client.into(),
            optional: false,
        }
    }

    /// Lets every request through; those with a valid (or refreshed) session carry it, for
    /// `Session` and `Option<Session>` extractors.
    pub fn optional(client: impl Into<Client>) -> SessionLayer {
        SessionLayer {
            client: client.into(),
            optional: true,
        }
    }
}

impl<S> Layer<S> for SessionLayer {
    type Service = SessionService<S>;

    fn layer(&self, inner: S) -> SessionService<S> {
        SessionService {
            inner,
            client: self.client.clone(),
            optional: self.optional,
        }
    }
}

/// The service [`SessionLayer`] wraps around a route.
#[derive(Clone, Debug)]
pub struct SessionService<S> {
    inner: S,
    client: Client,
    optional: bool,
}

impl<S, B> Service<Request<B>> for SessionService<S>
where
    S: Service<Request<B>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        // The clone that was made ready is the one that serves this request.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let client = self.client.clone();
        let optional = self.optional;
        Box::pin(async move {
            let tokens = client.session_tokens(request.headers());
            let result = client
                .validate_and_refresh_session(tokens.session.as_ref(), tokens.refresh.as_ref())
                .await;
            let session = match result {
                Ok(session) => session,
                Err(_) if optional => return inner.call(request).await,
                Err(error) => {
                    tracing::debug!(error = %error, "descope session rejected");
                    return Ok(SessionRejection::from(&error).into_response());
                }
            };
            let cookies = client.refreshed_cookies(&session);
            request.extensions_mut().insert(session);
            let mut response = inner.call(request).await?;
            for cookie in cookies {
                response.headers_mut().append(SET_COOKIE, cookie);
            }
            Ok(response)
        })
    }
}
