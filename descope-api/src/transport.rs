//! Sending a [`Request`] and turning the reply into a result.

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use tracing::Instrument;

use crate::__private::{Auth, Call, Method, Request, ResponseFuture, encode_path};
use crate::error::excerpt;
use crate::{ApiError, Error};

/// Validates `request`, then sends it and decodes the reply.
///
/// See the crate-internal contract in `__private` for the exact URL, headers
/// and error mapping.
pub fn send<R: Request>(request: R) -> ResponseFuture<R::Response> {
    let call = request.call();
    let span = tracing::debug_span!(
        "descope.request",
        endpoint = call.name,
        method = call.method.as_str(),
        path = call.path.as_str(),
        status = tracing::field::Empty,
    );
    Box::pin(
        async move {
            request.validate()?;
            let call = request.call();
            let builder = prepare(call, &request.query())?;
            let builder = if call.method.has_body() {
                let body = serde_json::to_vec(&request).map_err(|err| Error::InvalidArgument {
                    field: "body",
                    reason: format!("could not be serialized: {err}"),
                })?;
                builder
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                    .body(body)
            } else {
                builder
            };
            let response = builder.send().await.map_err(transport_error)?;
            let status = response.status().as_u16();
            tracing::Span::current().record("status", status);
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.trim().parse::<u64>().ok());
            let body = response.bytes().await.map_err(transport_error)?;
            if (200..300).contains(&status) {
                R::decode(&body).map_err(|source| Error::Decode {
                    source,
                    body: excerpt(&body),
                })
            } else {
                Err(status_error(status, retry_after, &body))
            }
        }
        .instrument(span),
    )
}

/// The request with its URL and `Authorization` header, no body yet.
fn prepare(
    call: &Call,
    query: &[(&'static str, String)],
) -> Result<reqwest::RequestBuilder, Error> {
    let client = &call.client;
    let mut url = format!("{}{}", client.base_url(), call.path);
    for (i, (name, value)) in query.iter().enumerate() {
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
    let builder = client.http().request(method, url);
    let authorization = match &call.auth {
        Auth::None => return Ok(builder),
        Auth::Project => format!("Bearer {}", client.project_id()),
        Auth::Bearer(credential) => format!("Bearer {}:{credential}", client.project_id()),
    };
    let mut value = HeaderValue::from_str(&authorization).map_err(|_| Error::InvalidArgument {
        field: "authorization",
        reason: "the credential contains characters not allowed in an HTTP header".to_owned(),
    })?;
    value.set_sensitive(true);
    Ok(builder.header(AUTHORIZATION, value))
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
        },
    }
}

#[cfg(test)]
#[path = "transport_tests.rs"]
mod tests;
