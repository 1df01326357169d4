//! `send` against a one-shot local HTTP server.

use std::collections::HashMap;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::__private::{self, Call, Credential, Encode, Endpoint, Method, Request};
use crate::{Client, ClientBuilder, Error, RefreshJwt};

/// What the server received.
struct Received {
    request_line: String,
    headers: HashMap<String, String>,
    body: String,
}

/// Serves one connection with `response`, returning the base URL and what
/// was received. With `response` empty, reads the request and never answers.
async fn serve_once(response: String) -> (String, JoinHandle<Received>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut raw = Vec::new();
        let mut buf = [0u8; 4096];
        let head_end = loop {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0, "connection closed before the request ended");
            raw.extend_from_slice(&buf[..n]);
            if let Some(pos) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break pos;
            }
        };
        let head = String::from_utf8(raw[..head_end].to_vec()).unwrap();
        let mut lines = head.split("\r\n");
        let request_line = lines.next().unwrap().to_owned();
        let mut headers = HashMap::new();
        for line in lines {
            let (name, value) = line.split_once(':').unwrap();
            let previous = headers.insert(name.to_ascii_lowercase(), value.trim().to_owned());
            assert!(previous.is_none(), "duplicate header {name}");
        }
        let length: usize = headers
            .get("content-length")
            .map_or(0, |v: &String| v.parse().unwrap());
        while raw.len() < head_end + 4 + length {
            let n = socket.read(&mut buf).await.unwrap();
            assert!(n > 0);
            raw.extend_from_slice(&buf[..n]);
        }
        let body = String::from_utf8(raw[head_end + 4..].to_vec()).unwrap();
        if response.is_empty() {
            tokio::time::sleep(Duration::from_secs(30)).await;
        } else {
            socket.write_all(response.as_bytes()).await.unwrap();
            socket.shutdown().await.unwrap();
        }
        Received {
            request_line,
            headers,
            body,
        }
    });
    (base_url, handle)
}

fn reply(status: &str, extra_headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{extra_headers}\r\n{body}",
        body.len()
    )
}

fn test_client(base_url: &str) -> Client {
    ClientBuilder::<Client>::new("P123")
        .base_url(base_url)
        .default_header("x-custom", "custom-value")
        .build()
        .unwrap()
}

/// Mimics a generated request type.
#[derive(Clone, Debug)]
struct RefreshRequest {
    call: Call,
    login_id: String,
    filter: Vec<String>,
}

/// Mimics a generated reply type.
#[derive(Debug, Default)]
struct RefreshResponse {
    session_jwt: String,
    expiration: i64,
}

impl __private::Object for RefreshResponse {
    fn field(&mut self, key: &str) -> Option<__private::Slot<'_>> {
        Some(match key {
            "sessionJwt" => __private::Fill::slot(&mut self.session_jwt),
            "expiration" => __private::Fill::slot(&mut self.expiration),
            _ => return None,
        })
    }
}

impl Encode for RefreshRequest {
    fn encode(self, out: &mut __private::Encoder) -> Result<Call, Error> {
        __private::check_required("loginId", &self.login_id)?;
        if self.call.endpoint.method.has_body() {
            out.body([("loginId", &self.login_id)]);
        }
        out.query([("filter", &self.filter)]);
        Ok(self.call)
    }
}

impl Request for RefreshRequest {
    type Reply = RefreshResponse;
    const DECODE: __private::Decode<RefreshResponse> = __private::decode_json;
}

fn endpoint(method: Method) -> &'static Endpoint {
    static POST: Endpoint = Endpoint {
        id: "auth.refresh",
        method: Method::Post,
        path: "/v1/auth/refresh",
    };
    static GET: Endpoint = Endpoint {
        method: Method::Get,
        ..POST
    };
    static DELETE: Endpoint = Endpoint {
        method: Method::Delete,
        ..POST
    };
    match method {
        Method::Get => &GET,
        Method::Delete => &DELETE,
        _ => &POST,
    }
}

fn request(
    client: &Client,
    auth: Credential<'_>,
    method: Method,
    login_id: &str,
) -> RefreshRequest {
    RefreshRequest {
        call: Call::new(client, endpoint(method), auth),
        login_id: login_id.into(),
        filter: Vec::new(),
    }
}

#[tokio::test]
async fn post_sends_exact_headers_and_body() {
    let (base_url, server) = serve_once(reply(
        "200 OK",
        "Content-Type: application/json\r\n",
        r#"{"sessionJwt":"s","expiration":"1700000000"}"#,
    ))
    .await;
    let client = test_client(&base_url);
    let jwt = RefreshJwt::new("rjwt");
    let response = __private::send(request(
        &client,
        Credential::RefreshJwt(&jwt),
        Method::Post,
        "a@b.co",
    ))
    .await
    .unwrap();
    assert_eq!(response.session_jwt, "s");
    assert_eq!(response.expiration, 1_700_000_000);

    let received = server.await.unwrap();
    assert_eq!(received.request_line, "POST /v1/auth/refresh HTTP/1.1");
    let h = &received.headers;
    assert_eq!(h["authorization"], "Bearer P123:rjwt");
    assert_eq!(h["x-descope-sdk-name"], "rust");
    assert_eq!(h["x-descope-sdk-version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(h["x-descope-project-id"], "P123");
    assert_eq!(h["content-type"], "application/json");
    assert_eq!(h["x-custom"], "custom-value");
    assert_eq!(received.body, r#"{"loginId":"a@b.co"}"#);
}

#[tokio::test]
async fn get_sends_query_and_no_body() {
    let (base_url, server) = serve_once(reply("200 OK", "", "")).await;
    let client = test_client(&base_url);
    let mut req = request(&client, Credential::Project, Method::Get, "x");
    req.filter = vec!["a b".into(), "c&d".into()];
    let response = __private::send(req).await.unwrap();
    assert_eq!(response.session_jwt, "");

    let received = server.await.unwrap();
    assert_eq!(
        received.request_line,
        "GET /v1/auth/refresh?filter=a%20b&filter=c%26d HTTP/1.1"
    );
    assert_eq!(received.headers["authorization"], "Bearer P123");
    assert!(!received.headers.contains_key("content-type"));
    assert_eq!(received.body, "");
}

#[tokio::test]
async fn auth_none_sends_no_authorization() {
    let (base_url, server) = serve_once(reply("200 OK", "", "{}")).await;
    let client = test_client(&base_url);
    __private::send(request(&client, Credential::None, Method::Delete, "x"))
        .await
        .unwrap();
    let received = server.await.unwrap();
    assert_eq!(received.request_line, "DELETE /v1/auth/refresh HTTP/1.1");
    assert!(!received.headers.contains_key("authorization"));
    assert!(!received.headers.contains_key("content-type"));
}

#[tokio::test]
async fn descope_error_becomes_api_error() {
    let (base_url, _server) = serve_once(reply(
        "429 Too Many Requests",
        "Retry-After: 7\r\n",
        r#"{"errorCode":"E130429","errorDescription":"Rate limit","errorMessage":"slow down"}"#,
    ))
    .await;
    let client = test_client(&base_url);
    let jwt = RefreshJwt::new("rjwt-secret");
    let err = __private::send(request(
        &client,
        Credential::RefreshJwt(&jwt),
        Method::Post,
        "x",
    ))
    .await
    .unwrap_err();
    let api = err.api_error().expect("api error");
    assert_eq!(api.status, 429);
    assert_eq!(api.code, "E130429");
    assert_eq!(api.retry_after, Some(7));
    assert_eq!(err.code(), Some("E130429"));
    assert_eq!(
        err.to_string(),
        "Descope API error E130429 (HTTP 429): Rate limit: slow down"
    );
    assert!(!format!("{err} {err:?}").contains("rjwt-secret"));
}

#[tokio::test]
async fn other_error_becomes_http_error() {
    let (base_url, _server) = serve_once(reply("502 Bad Gateway", "", "upstream down")).await;
    let client = test_client(&base_url);
    let err = __private::send(request(&client, Credential::Project, Method::Post, "x"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Http { status: 502, body, .. } if body == "upstream down"),
        "{err:?}"
    );
    let (base_url, _server) = serve_once(reply("400 Bad Request", "", r#"{"errorCode":""}"#)).await;
    let err = __private::send(request(
        &test_client(&base_url),
        Credential::Project,
        Method::Post,
        "x",
    ))
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Http { status: 400, .. }), "{err:?}");
}

#[tokio::test]
async fn bad_success_body_is_decode_error() {
    let (base_url, _server) = serve_once(reply("200 OK", "", "not json")).await;
    let client = test_client(&base_url);
    let err = __private::send(request(&client, Credential::Project, Method::Post, "x"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Decode { body, .. } if body == "not json"),
        "{err:?}"
    );
}

#[tokio::test]
async fn validation_fails_before_io() {
    // Nothing listens on port 9; validation must fail first.
    let client = test_client("http://127.0.0.1:9");
    let err = __private::send(request(&client, Credential::Project, Method::Post, " "))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid argument `loginId`: must not be empty"
    );
}

#[tokio::test]
async fn slow_server_times_out() {
    let (base_url, _server) = serve_once(String::new()).await;
    let client = ClientBuilder::<Client>::new("P123")
        .base_url(base_url)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let err = __private::send(request(&client, Credential::Project, Method::Post, "x"))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn refused_connection_is_transport_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = ClientBuilder::<Client>::new("P123")
        .base_url(&base_url)
        .retry_policy(crate::RetryPolicy::default().with_delays([Duration::from_millis(1); 3]))
        .build()
        .unwrap();
    let mut req = request(&client, Credential::Project, Method::Get, "x");
    req.filter = vec!["secret-query".into()];
    let err = __private::send(req).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("secret-query"));
}

#[test]
fn the_error_code_survives_odd_fields() {
    let err = super::status_error(
        400,
        None,
        br#"{"errorCode":"E011001","errorDescription":17}"#,
    );
    assert_eq!(err.code(), Some("E011001"));
    assert_eq!(err.api_error().unwrap().description, "17");
    let err = super::status_error(400, None, br#"{"errorCode":"E1","errorMessage":["a"]}"#);
    assert_eq!(err.api_error().unwrap().message, r#"["a"]"#);
    for body in [
        &br#"{"errorCode":17}"#[..],
        br#"{"errorCode":""}"#,
        br#"["errorCode"]"#,
        b"not json",
    ] {
        let err = super::status_error(400, None, body);
        assert!(matches!(err, Error::Http { status: 400, .. }), "{err:?}");
    }
}

mod durations {
    //! No duration, however large, makes a call panic: the timing arithmetic saturates, and a
    //! limit too far away to represent is no limit.

    use proptest::prelude::*;
    use tokio::time::Instant;

    use super::super::{attempt_end, retry_at};
    use crate::RetryPolicy;
    use crate::retry::Cause;
    use std::time::Duration;

    /// Durations from zero to `Duration::MAX`, the edges often.
    fn duration() -> impl Strategy<Value = Duration> {
        prop_oneof![
            Just(Duration::ZERO),
            Just(Duration::MAX),
            Just(Duration::from_secs(u64::MAX)),
            Just(Duration::new(u64::MAX, 999_999_999)),
            (0u64..=u64::MAX, 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
            (0u64..10_000).prop_map(Duration::from_millis),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn timing_never_panics(
            timeout in duration(),
            cap in duration(),
            delay in duration(),
            elapsed in duration(),
        ) {
            let start = Instant::now();
            let deadline = start.checked_add(cap);
            if let Some(end) = attempt_end(start, timeout, deadline) {
                prop_assert!(end >= start);
                prop_assert!(deadline.is_none_or(|d| end <= d));
            }
            let now = start.checked_add(elapsed).unwrap_or(start);
            if let Some(at) = retry_at(now, delay, deadline) {
                prop_assert!(deadline.is_none_or(|d| at < d));
            }
        }

        #[test]
        fn policies_never_panic(
            delays in proptest::collection::vec(duration(), 0..5),
            limit in duration(),
            deadline in duration(),
            retry in 0usize..8,
            status in 100u16..600,
            retry_after in proptest::option::of(0u64..=u64::MAX),
        ) {
            let policy = RetryPolicy::default()
                .with_delays(delays)
                .retry_429_up_to(limit)
                .with_deadline(deadline);
            let _ = policy.delay_before(retry, Cause::Status(status, retry_after));
            let _ = policy.delay_before(retry, Cause::Status(429, retry_after));
            let _ = policy.delay_before(retry, Cause::Connect);
        }
    }
}

#[tokio::test]
async fn the_largest_durations_and_retry_after_do_not_panic() {
    let (base_url, _server) = serve_once(reply(
        "429 Too Many Requests",
        "Retry-After: 18446744073709551615\r\n",
        r#"{"errorCode":"E130429"}"#,
    ))
    .await;
    let client = ClientBuilder::<Client>::new("P123")
        .base_url(&base_url)
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .retry_policy(
            crate::RetryPolicy::default()
                .retry_429_up_to(Duration::MAX)
                .with_deadline(Duration::MAX),
        )
        .build()
        .unwrap();
    let err = __private::send(request(&client, Credential::Project, Method::Post, "x"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("E130429"));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(u64::MAX)));
}

/// A call in flight is boxed once and lives as long as the call: keep it small (in release
/// builds it was 1856 bytes before the request was prepared eagerly and `run` became an
/// `async move` block; 952 after).
/// The bound has room for dependency updates; past it, look at what the future holds
/// (`std::mem::size_of_val` of `run`'s future and of `attempt_once`'s).
#[cfg(target_pointer_width = "64")]
#[test]
fn a_call_in_flight_stays_small() {
    let client = ClientBuilder::<Client>::new("P123").build().unwrap();
    let mut call = Call::new(&client, endpoint(Method::Post), Credential::Project);
    let prepared = super::prepare(&mut call, crate::request::Encoder::default()).unwrap();
    let future = super::run(client, prepared, None, Duration::from_secs(1));
    let size = std::mem::size_of_val(&future);
    assert!(size <= 1024, "the call's future is {size} bytes");
}
