//! The spec-driven wire table: every endpoint of the model, called through the generated API
//! with every field set and with only the required ones, against a real HTTP server on
//! 127.0.0.1 (wiremock). Each case checks what reached the server against what the model says
//! (`tests/build.rs` derives both the calls and the expectations from `descope-api/spec`):
//! method, path, query pairs, `Authorization` and the SDK headers, `Content-Type` and the JSON
//! body; then that the model's sample reply decodes, its plain strings showing in the decoded
//! value, and that no secret (a credential, a field marked `secret`) shows in the `Debug` of the
//! request or of the decoded reply. Cases that break a required-field or format rule must fail
//! before any I/O, naming the field.
//!
//! Hand-written wire tests (`wire*.rs`) cover only what the model cannot state.

use std::future::Future;
use std::pin::Pin;

use descope_api::{Client, Error, ManagementKey};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A call in flight: the `Debug` of its request, then of its reply.
type Pending = Pin<Box<dyn Future<Output = Result<(String, String), Error>> + Send>>;

/// What every secret sample contains: credentials are `<style>-sample`, secret fields
/// `secret-<name>` (see `tests/build.rs`).
const SECRET_MARKS: &[&str] = &[
    "secret-",
    "refresh-sample",
    "session-sample",
    "access-key-sample",
    "management-key-sample",
    "optional-",
];

/// One call and what the model says it sends.
struct Case {
    id: &'static str,
    fill: &'static str,
    method: &'static str,
    path: &'static str,
    query: &'static [(&'static str, &'static str)],
    authorization: Option<&'static str>,
    body: Option<&'static str>,
    reply: &'static str,
    reply_strings: &'static [&'static str],
    /// The field whose bad value the client must refuse before any I/O.
    refused: Option<&'static str>,
    call: fn(Client) -> Pending,
}

include!(concat!(env!("OUT_DIR"), "/wire_table.rs"));

#[tokio::test]
async fn every_endpoint_sends_what_the_model_says() {
    let server = MockServer::start().await;
    let client = Client::builder(PROJECT)
        .base_url(server.uri())
        .management_key(ManagementKey::new("management-key-sample"))
        .build()
        .expect("client");
    let mut failures = Vec::new();
    let mut endpoints = std::collections::BTreeSet::new();
    for case in CASES {
        endpoints.insert(case.id);
        server.reset().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_raw(case.reply, "application/json"))
            .mount(&server)
            .await;
        let what = format!("{} ({})", case.id, case.fill);
        let result = (case.call)(client.clone()).await;
        let received = server.received_requests().await.unwrap_or_default();
        if let Some(field) = case.refused {
            match result {
                Err(Error::InvalidArgument { field: named, .. }) if named == field => {}
                other => failures.push(format!(
                    "{what}: `{field}` must be refused before sending, got {other:?}"
                )),
            }
            if !received.is_empty() {
                failures.push(format!("{what}: a refused call reached the server"));
            }
            continue;
        }
        let [request] = received.as_slice() else {
            failures.push(format!(
                "{what}: expected one request, the server got {} ({result:?})",
                received.len()
            ));
            continue;
        };
        let mut problems = Vec::new();
        if request.method.as_str() != case.method {
            problems.push(format!(
                "method {}, expected {}",
                request.method, case.method
            ));
        }
        if request.url.path() != case.path {
            problems.push(format!(
                "path {}, expected {}",
                request.url.path(),
                case.path
            ));
        }
        let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let expected: Vec<(String, String)> = case
            .query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        if query != expected {
            problems.push(format!("query {query:?}, expected {expected:?}"));
        }
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        if header("authorization").as_deref() != case.authorization {
            problems.push(format!(
                "authorization {:?}, expected {:?}",
                header("authorization"),
                case.authorization
            ));
        }
        for (name, value) in [
            ("x-descope-sdk-name", "rust"),
            ("x-descope-sdk-version", env!("CARGO_PKG_VERSION")),
            ("x-descope-project-id", PROJECT),
        ] {
            if header(name).as_deref() != Some(value) {
                problems.push(format!("{name} {:?}, expected {value:?}", header(name)));
            }
        }
        match case.body {
            Some(expected) => {
                if header("content-type").as_deref() != Some("application/json") {
                    problems.push(format!("content-type {:?}", header("content-type")));
                }
                let sent: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
                let expected: Value = serde_json::from_str(expected).expect("valid JSON");
                if sent != expected {
                    problems.push(format!("body {sent}, expected {expected}"));
                }
            }
            None => {
                if !request.body.is_empty() || header("content-type").is_some() {
                    problems.push("a body on a method without one".to_owned());
                }
            }
        }
        match result {
            Ok((request, decoded)) => {
                for mark in SECRET_MARKS {
                    if request.contains(mark) || decoded.contains(mark) {
                        problems.push(format!("a secret shows in Debug: {request} / {decoded}"));
                    }
                }
                for text in case.reply_strings {
                    if !decoded.contains(text) {
                        problems.push(format!("reply field {text:?} was not decoded: {decoded}"));
                    }
                }
            }
            Err(error) => problems.push(format!("the reply did not decode: {error:?}")),
        }
        if !problems.is_empty() {
            failures.push(format!("{what}:\n  {}", problems.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
    assert!(endpoints.len() >= 77, "only {} endpoints", endpoints.len());
}
