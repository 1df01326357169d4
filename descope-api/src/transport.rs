//! Sending a [`Request`]: attempts, retries, timeouts, and turning the reply into a result.

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use tokio::time::Instant;
use tracing::Instrument;

use crate::__private::{Auth, Call, Method, Request, ResponseFuture, encode_path};
use crate::error::excerpt;
use crate::retry::{CallOptions, Cause};
use crate::{ApiError, Client, Error};

/// Validates `request`, then sends it with the client's settings and decodes the reply.
///
/// See the crate-internal contract in `__private` for the exact URL, headers
/// and error mapping.
pub fn send<R: Request>(request: R) -> ResponseFuture<R::Response> {
    send_with(request, CallOptions::default())
}

/// [`send`] with per-call settings.
pub(crate) fn send_with<R: Request>(
    request: R,
    options: CallOptions,
) -> ResponseFuture<R::Response> {
    let call = request.call();
    let span = tracing::debug_span!(
        "descope.request",
        endpoint = call.name,
        method = call.method.as_str(),
        path = call.path.as_str(),
        status = tracing::field::Empty,
        attempt = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    Box::pin(
        async move {
            request.validate()?;
            let template = prepare(&request)?;
            let reply = with_retries(&request.call().client, &template, &options).await?;
            if (200..300).contains(&reply.status) {
                R::decode(&reply.body).map_err(|source| Error::Decode {
                    source,
                    body: excerpt(&reply.body),
                })
            } else {
                Err(status_error(reply.status, reply.retry_after, &reply.body))
            }
        }
        .instrument(span),
    )
}

/// A reply read in full (a non-2xx body possibly cut at the size limit).
struct Reply {
    status: u16,
    retry_after: Option<u64>,
    body: Vec<u8>,
}

/// Why an attempt failed without a reply.
struct Failure {
    error: Error,
    /// No connection could be opened, so nothing was sent.
    before_sending: bool,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure {
            error,
            before_sending: false,
        }
    }
}

/// Sends `template` until a reply or failure the policy does not retry, within the deadline.
async fn with_retries(
    client: &Client,
    template: &reqwest::Request,
    options: &CallOptions,
) -> Result<Reply, Error> {
    let policy = options.retry.as_ref().unwrap_or(client.retry_policy());
    let timeout = options.timeout.unwrap_or(client.timeout());
    let span = tracing::Span::current();
    let started = Instant::now();
    let deadline = policy.deadline().map(|cap| started + cap);
    let mut attempt = 0usize;
    let outcome = loop {
        attempt += 1;
        span.record("attempt", attempt);
        let attempt_started = Instant::now();
        let allowed = deadline.map_or(timeout, |end| {
            timeout.min(end.saturating_duration_since(attempt_started))
        });
        let outcome = match tokio::time::timeout(allowed, attempt_once(client, template)).await {
            Ok(outcome) => outcome,
            Err(_elapsed) => Err(Failure::from(Error::Timeout)),
        };
        let latency_ms = millis(attempt_started.elapsed());
        let cause = match &outcome {
            Ok(reply) => {
                span.record("status", reply.status);
                tracing::debug!(attempt, status = reply.status, latency_ms, "descope reply");
                Some(Cause::Status(reply.status, reply.retry_after))
            }
            Err(failure) => {
                tracing::debug!(attempt, error = %failure.error, latency_ms, "descope attempt failed");
                failure.before_sending.then_some(Cause::Connect)
            }
        };
        let delay = cause.and_then(|cause| policy.delay_before(attempt - 1, cause));
        match delay {
            Some(delay) if deadline.is_none_or(|end| Instant::now() + delay < end) => {
                tracing::debug!(attempt, delay_ms = millis(delay), "descope retry");
                tokio::time::sleep(delay).await;
            }
            _ => break outcome,
        }
    };
    span.record("latency_ms", millis(started.elapsed()));
    outcome.map_err(|failure| failure.error)
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// One attempt: send a copy of `template`, read the status, `Retry-After` and the body.
async fn attempt_once(client: &Client, template: &reqwest::Request) -> Result<Reply, Failure> {
    let request = template.try_clone().ok_or_else(|| {
        Error::Config("the request body cannot be sent twice (a descope-api bug)".to_owned())
    })?;
    let mut response = client
        .http()
        .execute(request)
        .await
        .map_err(|err| Failure {
            before_sending: err.is_connect(),
            error: transport_error(err),
        })?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get(RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    let limit = client.max_response_size();
    let success = (200..300).contains(&status);
    if success
        && response
            .content_length()
            .is_some_and(|len| len > limit as u64)
    {
        return Err(Error::ResponseTooLarge { status, limit }.into());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
        if body.len() + chunk.len() > limit {
            if success {
                return Err(Error::ResponseTooLarge { status, limit }.into());
            }
            // An error reply is reported by its status; its start is enough.
            body.extend_from_slice(&chunk[..limit - body.len()]);
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Reply {
        status,
        retry_after,
        body,
    })
}

/// The request with its URL, `Authorization` header and body, ready to be copied per attempt.
fn prepare<R: Request>(request: &R) -> Result<reqwest::Request, Error> {
    let call: &Call = request.call();
    let client = &call.client;
    let mut url = format!("{}{}", client.base_url(), call.path);
    for (i, (name, value)) in request.query().iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(&encode_path(name));
        url.push('=');
        url.push_str(&encode_path(value));
    }
    let method = match call.method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    };
    let mut builder = client.http().request(method, url);
    let authorization = match &call.auth {
        Auth::None => None,
        Auth::Project => Some(format!("Bearer {}", client.project_id())),
        Auth::Bearer(credential) => Some(format!("Bearer {}:{credential}", client.project_id())),
    };
    if let Some(authorization) = authorization {
        let mut value =
            HeaderValue::from_str(&authorization).map_err(|_| Error::InvalidArgument {
                field: "authorization",
                reason: "the credential contains characters not allowed in an HTTP header"
                    .to_owned(),
            })?;
        value.set_sensitive(true);
        builder = builder.header(AUTHORIZATION, value);
    }
    if call.method.has_body() {
        // Serialized once: every attempt sends these very bytes.
        let body = serde_json::to_vec(request).map_err(|err| Error::InvalidArgument {
            field: "body",
            reason: format!("could not be serialized: {err}"),
        })?;
        builder = builder
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(body);
    }
    builder.build().map_err(transport_error)
}

fn transport_error(err: reqwest::Error) -> Error {
    if err.is_timeout() {
        Error::Timeout
    } else {
        // The URL may carry secret query values; keep it out of messages.
        Error::Transport(Box::new(err.without_url()))
    }
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    error_code: Option<String>,
    error_description: Option<String>,
    error_message: Option<String>,
}

fn status_error(status: u16, retry_after: Option<u64>, body: &[u8]) -> Error {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(ErrorBody {
            error_code: Some(code),
            error_description,
            error_message,
        }) if !code.is_empty() => Error::Api(ApiError {
            status,
            code,
            description: error_description.unwrap_or_default(),
            message: error_message.unwrap_or_default(),
            retry_after,
        }),
        _ => Error::Http {
            status,
            body: excerpt(body),
            retry_after,
        },
    }
}

#[cfg(test)]
#[path = "transport_tests.rs"]
mod tests;
