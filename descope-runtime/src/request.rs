//! What a generated request is made of, and how it becomes a future: [`Call`] (client, endpoint,
//! path, credential), the [`Request`] trait every generated request implements, [`send`] and
//! [`ResponseFuture`], and the per-call settings of [`RequestExt`].
//!
//! Only the last step is generic, and it is small: encoding and decoding go through
//! `&dyn` interfaces and the transport takes bytes, so the send path is compiled once for the
//! whole API rather than once per endpoint.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderValue;

use crate::codec::write::{Emit, JsonWriter, Query};
use crate::error::{DecodeError, excerpt};
use crate::{AccessKey, Client, Error, ManagementClient, RefreshJwt, RetryPolicy, SessionJwt};

/// HTTP method of an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method's name, e.g. `"POST"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Whether requests with this method carry a JSON body.
    pub fn has_body(self) -> bool {
        matches!(self, Method::Post | Method::Put | Method::Patch)
    }
}

/// What generated code knows of an endpoint at compile time.
#[derive(Debug)]
pub struct Endpoint {
    /// The endpoint's id (`auth.otp.update_email`), for logs.
    pub id: &'static str,
    /// Its HTTP method.
    pub method: Method,
    /// Its path template (`/v1/auth/otp/verify/{method}`).
    pub path: &'static str,
}

macro_rules! endpoint_constructors {
    ($($name:ident => $method:ident),*) => {
        impl Endpoint {
            $(
                #[doc = concat!("A `", stringify!($method), "` endpoint.")]
                pub const fn $name(id: &'static str, path: &'static str) -> Endpoint {
                    Endpoint { id, method: Method::$method, path }
                }
            )*
        }
    };
}

endpoint_constructors!(get => Get, post => Post, put => Put, patch => Patch, delete => Delete);

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

/// The credential a call is sent with.
#[derive(Clone, Copy)]
pub enum Credential<'a> {
    /// No `Authorization` header.
    None,
    /// `Bearer <ProjectID>`.
    Project,
    /// `Bearer <ProjectID>:<refresh JWT>`.
    RefreshJwt(&'a RefreshJwt),
    /// `Bearer <ProjectID>:<session JWT>`.
    SessionJwt(&'a SessionJwt),
    /// `Bearer <ProjectID>:<access key>`.
    AccessKey(&'a AccessKey),
    /// `Bearer <ProjectID>:<management key>`.
    Management(&'a ManagementClient),
}

/// Why a call was refused before any I/O, kept until it is sent.
#[derive(Clone, Debug)]
struct Refusal {
    field: &'static str,
    reason: &'static str,
}

/// Everything about one call but its fields: client, endpoint, filled path, and the
/// `Authorization` header.
#[derive(Clone)]
pub struct Call {
    pub(crate) client: Client,
    pub(crate) endpoint: &'static Endpoint,
    /// The filled path, when the template has placeholders.
    path: Option<String>,
    pub(crate) authorization: Option<HeaderValue>,
    refusal: Option<Refusal>,
}

impl Call {
    /// A call of `endpoint` on `client` with `credential`. The shorthands below take anything
    /// that holds a client (descope-api's wrappers), so the generated code passes its own.
    pub fn new(client: &Client, endpoint: &'static Endpoint, credential: Credential<'_>) -> Call {
        let mut call = Call {
            client: client.clone(),
            endpoint,
            path: None,
            authorization: None,
            refusal: None,
        };
        call.set_auth(credential);
        call
    }

    /// A call without an `Authorization` header.
    pub fn none(client: &impl AsRef<Client>, endpoint: &'static Endpoint) -> Call {
        Call::new(client.as_ref(), endpoint, Credential::None)
    }

    /// A call with `Bearer <ProjectID>`.
    pub fn project(client: &impl AsRef<Client>, endpoint: &'static Endpoint) -> Call {
        Call::new(client.as_ref(), endpoint, Credential::Project)
    }

    /// A call with the user's refresh JWT.
    pub fn refresh(
        client: &impl AsRef<Client>,
        endpoint: &'static Endpoint,
        jwt: &RefreshJwt,
    ) -> Call {
        Call::new(client.as_ref(), endpoint, Credential::RefreshJwt(jwt))
    }

    /// A call with the user's session JWT.
    pub fn session(
        client: &impl AsRef<Client>,
        endpoint: &'static Endpoint,
        jwt: &SessionJwt,
    ) -> Call {
        Call::new(client.as_ref(), endpoint, Credential::SessionJwt(jwt))
    }

    /// A call with an access key.
    pub fn access_key(
        client: &impl AsRef<Client>,
        endpoint: &'static Endpoint,
        key: &AccessKey,
    ) -> Call {
        Call::new(client.as_ref(), endpoint, Credential::AccessKey(key))
    }

    /// A call with the management key of `client`.
    pub fn management(client: &impl AsRef<ManagementClient>, endpoint: &'static Endpoint) -> Call {
        let client = client.as_ref();
        Call::new(client.client(), endpoint, Credential::Management(client))
    }

    /// Fills the path's placeholders in order, each `(wire name, value)`.
    pub fn path(mut self, segments: &[(&'static str, &str)]) -> Call {
        self.path = Some(self.fill_path(segments));
        self
    }

    /// Replaces the credential, for requests whose caller adds an optional one.
    pub fn set_auth(&mut self, credential: Credential<'_>) {
        let secret = match credential {
            Credential::None => {
                self.authorization = None;
                return;
            }
            Credential::Project => {
                self.authorization = Some(self.client.project_authorization().clone());
                return;
            }
            Credential::Management(management) => {
                match management.authorization() {
                    Ok(value) => self.authorization = Some(value.clone()),
                    Err(reason) => self.refuse("managementKey", reason),
                }
                return;
            }
            Credential::RefreshJwt(jwt) => ("refreshJwt", jwt.expose_secret()),
            Credential::SessionJwt(jwt) => ("sessionJwt", jwt.expose_secret()),
            Credential::AccessKey(key) => ("accessKey", key.expose_secret()),
        };
        match bearer(self.client.project_id(), secret.1) {
            Ok(value) => self.authorization = Some(value),
            Err(reason) => self.refuse(secret.0, reason),
        }
    }

    fn refuse(&mut self, field: &'static str, reason: &'static str) {
        self.refusal.get_or_insert(Refusal { field, reason });
    }

    /// The path with every placeholder replaced by its percent-encoded segment.
    fn fill_path(&mut self, segments: &[(&'static str, &str)]) -> String {
        let template = self.endpoint.path;
        let mut out = String::with_capacity(template.len() + 32);
        let mut values = segments.iter();
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let end = rest[start..]
                .find('}')
                .map_or(rest.len(), |e| start + e + 1);
            rest = &rest[end..];
            let Some(&(name, value)) = values.next() else {
                continue;
            };
            if value.trim().is_empty() {
                self.refuse(name, "must not be empty");
            } else if value == "." || value == ".." {
                self.refuse(name, "must not be `.` or `..`, which would change the path");
            }
            encode_into(&mut out, value);
        }
        out.push_str(rest);
        out
    }

    /// The path to request, filled.
    pub(crate) fn filled_path(&self) -> &str {
        self.path.as_deref().unwrap_or(self.endpoint.path)
    }

    /// The error for a call refused before any I/O.
    pub(crate) fn refusal(&self) -> Option<Error> {
        self.refusal.as_ref().map(|r| Error::InvalidArgument {
            field: r.field,
            reason: r.reason.to_owned(),
        })
    }
}

impl fmt::Debug for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.endpoint.method)
            .field("path", &self.filled_path())
            .finish_non_exhaustive()
    }
}

/// `Bearer <project>:<secret>` as a sensitive header value, built with one allocation.
pub(crate) fn bearer(project_id: &str, secret: &str) -> Result<HeaderValue, &'static str> {
    if secret.trim().is_empty() {
        return Err("must not be empty");
    }
    let mut text = String::with_capacity(7 + project_id.len() + 1 + secret.len());
    text.push_str("Bearer ");
    text.push_str(project_id);
    text.push(':');
    text.push_str(secret);
    let mut value = HeaderValue::from_maybe_shared(Bytes::from(text))
        .map_err(|_| "contains characters not allowed in an HTTP header")?;
    value.set_sensitive(true);
    Ok(value)
}

/// Percent-encodes everything but the unreserved characters `A-Z a-z 0-9 - . _ ~` onto `out`.
pub(crate) fn encode_into(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in text.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
}

/// What a request's fields become: the JSON body and the query string.
#[derive(Debug, Default)]
pub struct Encoder {
    pub(crate) body: Option<Vec<u8>>,
    pub(crate) query: Query,
}

impl Encoder {
    /// Sets the JSON body: an object of the present fields, in order.
    #[inline]
    pub fn body<const N: usize>(&mut self, fields: [(&str, &dyn Emit); N]) {
        self.body_of(&fields);
    }

    fn body_of(&mut self, fields: &[(&str, &dyn Emit)]) {
        let mut writer = JsonWriter::new();
        writer.object_of(fields);
        self.body = Some(writer.into_bytes());
    }

    /// Adds the query pairs of the present fields, in order.
    #[inline]
    pub fn query<const N: usize>(&mut self, fields: [(&str, &dyn Emit); N]) {
        self.query.fields(&fields);
    }
}

/// Implemented by every generated request type: what its call returns.
pub trait Request: Encode {
    /// What a successful call returns.
    type Reply: Send + 'static;

    /// Decodes a 2xx reply body (`decode_json`, `decode_text` or `decode_empty`).
    const DECODE: Decode<Self::Reply>;
}

/// Implemented by every generated request type: what its call sends.
pub trait Encode: Send + Sized + 'static {
    /// Runs the client-side checks and writes the fields into `out`; returns the call.
    fn encode(self, out: &mut Encoder) -> Result<Call, Error>;
}

/// How a reply body becomes the reply.
pub type Decode<T> = fn(&[u8]) -> Result<T, DecodeError>;

/// Settings of one call that override the client's.
#[derive(Clone, Debug, Default)]
pub(crate) struct CallOptions {
    /// Boxed: a call in flight carries it, and most calls have none.
    pub(crate) retry: Option<Box<RetryPolicy>>,
    pub(crate) timeout: Option<Duration>,
}

/// Sends `request`: what generated requests do when `.await`ed. Instantiated once per endpoint,
/// so it is kept to what depends on the request type: its encoding and its reply's decoder
/// (not a call to `send_with`, which would be a second instantiation per endpoint).
pub fn send<R: Request>(request: R) -> ResponseFuture<R::Reply> {
    let mut encoder = Encoder::default();
    let call = request.encode(&mut encoder);
    ResponseFuture {
        inner: crate::transport::start(call, encoder, CallOptions::default()),
        decode: R::DECODE,
    }
}

fn send_with<R: Request>(request: R, options: CallOptions) -> ResponseFuture<R::Reply> {
    let mut encoder = Encoder::default();
    let call = request.encode(&mut encoder);
    ResponseFuture {
        inner: crate::transport::start(call, encoder, options),
        decode: R::DECODE,
    }
}

/// The boxed, non-generic part of a call: everything up to the reply body.
pub(crate) type BodyFuture = Pin<Box<dyn Future<Output = Result<Bytes, Error>> + Send>>;

/// A call in flight; resolves to the decoded reply. `.await` a request to get one.
#[must_use = "a call does nothing until it is `.await`ed"]
pub struct ResponseFuture<T> {
    inner: BodyFuture,
    decode: Decode<T>,
}

impl<T> fmt::Debug for ResponseFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}

impl<T> Future for ResponseFuture<T> {
    type Output = Result<T, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        match this.inner.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Ready(Ok(body)) => {
                Poll::Ready((this.decode)(&body).map_err(|source| Error::Decode {
                    source,
                    body: excerpt(&body),
                }))
            }
        }
    }
}

/// Per-call settings for every request the endpoint methods return.
///
/// ```no_run
/// # async fn demo(client: descope_api::Client) -> Result<(), descope_api::Error> {
/// use std::time::Duration;
/// use descope_api::auth::types::DeliveryMethod;
/// use descope_api::{RequestExt, RetryPolicy};
///
/// let sent = client
///     .otp()
///     .sign_in(DeliveryMethod::Email, "ann@example.com")
///     .retry_policy(RetryPolicy::none())
///     .timeout(Duration::from_secs(5))
///     .await?;
/// # let _ = sent;
/// # Ok(()) }
/// ```
///
/// Implemented for every generated request type. Should an endpoint have a
/// field whose setter has the same name, call the trait's method explicitly:
/// `RequestExt::timeout(request, duration)`.
pub trait RequestExt: Request {
    /// Uses `policy` for this call instead of the client's.
    fn retry_policy(self, policy: RetryPolicy) -> Configured<Self> {
        Configured::new(self).retry_policy(policy)
    }

    /// Allows each attempt of this call `timeout` instead of the client's
    /// [`timeout`](crate::ClientBuilder::timeout).
    fn timeout(self, timeout: Duration) -> Configured<Self> {
        Configured::new(self).timeout(timeout)
    }
}

impl<R: Request> RequestExt for R {}

/// A request with per-call settings; `.await` it to send it.
///
/// Made by the methods of [`RequestExt`].
#[derive(Clone, Debug)]
#[must_use = "a request does nothing until it is `.await`ed"]
pub struct Configured<R> {
    request: R,
    options: CallOptions,
}

impl<R: Request> Configured<R> {
    fn new(request: R) -> Configured<R> {
        Configured {
            request,
            options: CallOptions::default(),
        }
    }

    /// Uses `policy` for this call instead of the client's.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Configured<R> {
        self.options.retry = Some(Box::new(policy));
        self
    }

    /// Allows each attempt of this call `timeout` instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Configured<R> {
        self.options.timeout = Some(timeout);
        self
    }
}

impl<R: Request> IntoFuture for Configured<R> {
    type Output = Result<R::Reply, Error>;
    type IntoFuture = ResponseFuture<R::Reply>;

    fn into_future(self) -> Self::IntoFuture {
        send_with(self.request, self.options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ClientBuilder;

    static VERIFY: Endpoint = Endpoint {
        id: "auth.otp.verify",
        method: Method::Post,
        path: "/v1/auth/otp/verify/{method}/{id}",
    };

    #[test]
    fn encode_keeps_only_unreserved() {
        let mut out = String::new();
        encode_into(&mut out, "AZaz09-._~ a/b?c#d%é@");
        assert_eq!(out, "AZaz09-._~%20a%2Fb%3Fc%23d%25%C3%A9%40");
    }

    #[test]
    fn paths_are_filled_and_dot_segments_refused() {
        let client = ClientBuilder::<Client>::new("P123").build().unwrap();
        let call = Call::project(&client, &VERIFY).path(&[("method", "sms"), ("id", "a/b")]);
        assert_eq!(call.filled_path(), "/v1/auth/otp/verify/sms/a%2Fb");
        assert!(call.refusal().is_none());
        for bad in [".", "..", "", " "] {
            let call = Call::none(&client, &VERIFY).path(&[("method", "sms"), ("id", bad)]);
            match call.refusal() {
                Some(Error::InvalidArgument { field: "id", .. }) => {}
                other => panic!("{bad:?}: {other:?}"),
            }
        }
        assert!(format!("{:?}", Call::none(&client, &VERIFY)).contains("Post"));
    }

    #[test]
    fn credentials_become_sensitive_headers_and_empty_ones_are_refused() {
        let client = ClientBuilder::<Client>::new("P123").build().unwrap();
        let jwt = RefreshJwt::new("rjwt");
        let call = Call::refresh(&client, &VERIFY, &jwt);
        let header = call.authorization.clone().unwrap();
        assert_eq!(header.to_str().unwrap(), "Bearer P123:rjwt");
        assert!(header.is_sensitive());
        assert!(!format!("{call:?}").contains("rjwt"));
        let empty = RefreshJwt::new("");
        let call = Call::refresh(&client, &VERIFY, &empty);
        assert!(matches!(
            call.refusal(),
            Some(Error::InvalidArgument {
                field: "refreshJwt",
                ..
            })
        ));
        let call = Call::project(&client, &VERIFY);
        assert_eq!(call.authorization.unwrap().to_str().unwrap(), "Bearer P123");
        for key in ["", "  "] {
            let management = crate::ManagementClient::new(&client, crate::ManagementKey::new(key));
            let call = Call::management(&management, &VERIFY);
            assert!(matches!(
                call.refusal(),
                Some(Error::InvalidArgument {
                    field: "managementKey",
                    ..
                })
            ));
        }
        let call = Call::access_key(&client, &VERIFY, &AccessKey::new(""));
        assert!(matches!(
            call.refusal(),
            Some(Error::InvalidArgument {
                field: "accessKey",
                ..
            })
        ));
        let call = Call::none(&client, &VERIFY);
        assert!(call.authorization.is_none());
    }
}
