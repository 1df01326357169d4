//! Fault injection: every scenario of the table in `descope_api::reliability`, against a local
//! server that misbehaves on command (`support::fault` for socket-level faults, wiremock for plain
//! replies). Retry delays are shortened to milliseconds; the default policy's own delays are
//! checked by inspection. Time is only ever bounded from below, or from above by a generous
//! "did not hang" limit.

use std::time::{Duration, Instant};

use descope_api::auth::types::{DeliveryMethod, EmailCodeSent};
use descope_api::{Client, Error, RequestExt, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod support;

use support::fault::{FaultServer, Step, json, ok, reply, status};
use support::{PROJECT, refresh};

const FAST: Duration = Duration::from_millis(5);
/// Far more than any scenario needs on a loaded machine; only proves "no hang".
const NO_HANG: Duration = Duration::from_secs(20);

/// The default policy with its delays shortened to [`FAST`].
fn fast_policy() -> RetryPolicy {
    RetryPolicy::default().with_delays([FAST; 3])
}

fn client(url: &str) -> Client {
    Client::builder(PROJECT)
        .base_url(url)
        .retry_policy(fast_policy())
        .build()
        .expect("client")
}

async fn update_email(client: &Client) -> Result<EmailCodeSent, Error> {
    client
        .otp()
        .update_email(&refresh(), "ann@example.com", "ann@example.org")
        .await
}

const EXPECTED_BODY: &str = r#"{"loginId":"ann@example.com","email":"ann@example.org","addToLoginIDs":false,"onMergeUseExisting":false}"#;

/// Every request the server saw carried the same bytes.
fn assert_identical_bodies(server: &FaultServer, attempts: usize) {
    let received = server.received();
    assert_eq!(received.len(), attempts, "attempts");
    for request in &received {
        assert_eq!(
            request.request_line,
            "POST /v1/auth/otp/update/email HTTP/1.1"
        );
        assert_eq!(String::from_utf8_lossy(&request.body), EXPECTED_BODY);
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {PROJECT}:refresh-token").as_str())
        );
    }
}

// ---- retried statuses -----------------------------------------------------------------------

#[tokio::test]
async fn status_503_once_then_200_succeeds_on_the_second_attempt() {
    let server = FaultServer::first_n(1, status("503 Service Unavailable"), ok()).await;
    let sent = update_email(&client(&server.url)).await.expect("retried");
    assert_eq!(sent.masked_email, "a***@example.org");
    assert_identical_bodies(&server, 2);
}

#[tokio::test]
async fn status_503_four_times_gives_up_after_four_attempts() {
    let server = FaultServer::always(status("503 Service Unavailable")).await;
    let err = update_email(&client(&server.url)).await.unwrap_err();
    assert!(matches!(&err, Error::Http { status: 503, .. }), "{err:?}");
    assert_identical_bodies(&server, 4);
}

#[tokio::test]
async fn status_503_with_a_descope_body_gives_up_as_an_api_error() {
    let server = FaultServer::always(json(
        "503 Service Unavailable",
        r#"{"errorCode":"E010503","errorDescription":"Service unavailable"}"#,
    ))
    .await;
    let err = update_email(&client(&server.url)).await.unwrap_err();
    assert_eq!(err.code(), Some("E010503"));
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.request_count(), 4);
}

#[tokio::test]
async fn each_52x_status_is_retried() {
    for code in ["520", "521", "522", "524", "530"] {
        let server = FaultServer::first_n(1, status(&format!("{code} Cloudflare")), ok()).await;
        update_email(&client(&server.url))
            .await
            .unwrap_or_else(|err| panic!("{code}: {err:?}"));
        assert_identical_bodies(&server, 2);
    }
    // Their neighbours are not.
    for code in ["500", "502", "504", "523"] {
        let server = FaultServer::first_n(1, status(&format!("{code} Other")), ok()).await;
        let err = update_email(&client(&server.url)).await.unwrap_err();
        assert_eq!(err.status(), Some(code.parse().unwrap()));
        assert_eq!(server.request_count(), 1, "{code} must not be retried");
    }
}

#[tokio::test]
async fn default_policy_is_the_official_contract_and_waits_100_ms_first() {
    let server = FaultServer::first_n(1, status("503 Service Unavailable"), ok()).await;
    let client = Client::builder(PROJECT)
        .base_url(&server.url)
        .build()
        .unwrap();
    // The schedule itself, by inspection (sleeping 10 s would only slow CI down).
    let policy = client.retry_policy();
    assert_eq!(policy, &RetryPolicy::default());
    assert_eq!(
        policy.delays(),
        [
            Duration::from_millis(100),
            Duration::from_secs(5),
            Duration::from_secs(5)
        ]
    );
    assert_eq!(policy.statuses(), [503, 520, 521, 522, 524, 530]);
    assert_eq!(policy.retry_429_limit(), None);
    // And the first wait, for real.
    let started = Instant::now();
    update_email(&client).await.expect("retried");
    assert!(started.elapsed() >= Duration::from_millis(100));
    assert_eq!(server.request_count(), 2);
}

// ---- 429 ------------------------------------------------------------------------------------

fn rate_limited(retry_after: Option<&str>) -> Step {
    let body = br#"{"errorCode":"E130429","errorDescription":"Request rate limit exceeded"}"#;
    let headers: Vec<(&str, &str)> = retry_after
        .map(|value| vec![("Retry-After", value)])
        .unwrap_or_default();
    Step::Reply(reply("429 Too Many Requests", &headers, body))
}

#[tokio::test]
async fn status_429_is_not_retried_by_default_and_reports_retry_after() {
    let server = FaultServer::always(rate_limited(Some("7"))).await;
    let err = update_email(&client(&server.url)).await.unwrap_err();
    assert_eq!(err.code(), Some("E130429"));
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn status_429_without_retry_after_is_never_retried() {
    let server = FaultServer::always(rate_limited(None)).await;
    let client = Client::builder(PROJECT)
        .base_url(&server.url)
        .retry_policy(fast_policy().retry_429_up_to(Duration::from_secs(60)))
        .build()
        .unwrap();
    let err = update_email(&client).await.unwrap_err();
    assert_eq!(err.code(), Some("E130429"));
    assert_eq!(err.retry_after(), None);
    assert_eq!(server.request_count(), 1);
}

#[tokio::test]
async fn status_429_from_a_proxy_reports_retry_after_too() {
    let server = FaultServer::always(Step::Reply(reply(
        "429 Too Many Requests",
        &[("Retry-After", "3")],
        b"slow down",
    )))
    .await;
    let err = update_email(&client(&server.url)).await.unwrap_err();
    assert!(matches!(&err, Error::Http { status: 429, .. }), "{err:?}");
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3)));
}

#[tokio::test]
async fn status_429_is_waited_out_when_opted_in_and_within_the_limit() {
    let server = FaultServer::first_n(1, rate_limited(Some("1")), ok()).await;
    let policy = fast_policy().retry_429_up_to(Duration::from_secs(2));
    let started = Instant::now();
    client(&server.url)
        .otp()
        .update_email(&refresh(), "ann@example.com", "ann@example.org")
        .retry_policy(policy.clone())
        .await
        .expect("retried after Retry-After");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited Retry-After"
    );
    assert_identical_bodies(&server, 2);

    // Asking for longer than the limit: returned at once.
    let server = FaultServer::first_n(1, rate_limited(Some("5")), ok()).await;
    let err = client(&server.url)
        .otp()
        .update_email(&refresh(), "ann@example.com", "ann@example.org")
        .retry_policy(policy)
        .await
        .unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(5)));
    assert_eq!(server.request_count(), 1);
}

// ---- replies that are not what they should be ----------------------------------------------

#[tokio::test]
async fn status_500_with_an_html_body_is_an_http_error_with_an_excerpt() {
    let server = MockServer::start().await;
    let page = format!(
        "<html><head><title>500 Internal Server Error</title></head><body>{}</body></html>",
        "x".repeat(2000)
    );
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_raw(page.clone(), "text/html"))
        .expect(1)
        .mount(&server)
        .await;
    let err = update_email(&client(&server.uri())).await.unwrap_err();
    match &err {
        Error::Http {
            status: 500,
            body,
            retry_after: None,
            ..
        } => {
            assert!(body.starts_with("<html><head><title>500"), "{body}");
            assert_eq!(body.len(), 512, "excerpt is capped");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.code(), None);
}

#[tokio::test]
async fn status_200_with_malformed_json_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(r#"{"maskedEmail": "a***"#, "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = update_email(&client(&server.uri())).await.unwrap_err();
    match &err {
        Error::Decode { source, body, .. } => {
            assert!(source.is_eof(), "{source}");
            assert_eq!(body, r#"{"maskedEmail": "a***"#);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn status_200_with_an_empty_body_decodes_as_an_empty_object() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let sent = update_email(&client).await.expect("lenient decoding");
    assert_eq!(sent.masked_email, "");
    assert_eq!(sent.verification_attempts, 0);
    let session = client
        .otp()
        .verify(DeliveryMethod::Email, "ann@example.com", "123456")
        .await
        .expect("lenient decoding");
    assert!(session.session_jwt.is_none());
    assert!(session.refresh_jwt.is_none());
}

#[tokio::test]
async fn int64_values_sent_as_strings_are_decoded() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/otp/verify/email"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"sessionJwt":"s","cookieExpiration":"1700000000","sessionExpiration":"-9223372036854775808",
                "cookieMaxAge":2592000,"user":{"userId":"U1","createdTime":"9223372036854775807"}}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let session = client(&server.uri())
        .otp()
        .verify(DeliveryMethod::Email, "ann@example.com", "123456")
        .await
        .expect("decoded");
    assert_eq!(session.cookie_expiration, 1_700_000_000);
    assert_eq!(session.session_expiration, i64::MIN);
    assert_eq!(session.user.created_time, i64::MAX);
    assert_eq!(session.cookie_max_age, 2_592_000);
}

#[tokio::test]
async fn redirect_is_reported_and_not_followed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/otp/update/email"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/elsewhere", server.uri()).as_str()),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/elsewhere"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let err = update_email(&client(&server.uri())).await.unwrap_err();
    assert!(err.is_redirect(), "{err:?}");
    assert!(matches!(&err, Error::Http { status: 302, .. }), "{err:?}");
    assert_eq!(err.to_string(), "Descope API returned HTTP 302");
}

#[tokio::test]
async fn oversized_body_is_capped_and_reported() {
    // Announced by Content-Length, past the default 4 MiB: refused before reading.
    let big = vec![b' '; 5 * 1024 * 1024];
    let server = FaultServer::always(Step::Reply(reply("200 OK", &[], &big))).await;
    let client = Client::builder(PROJECT)
        .base_url(&server.url)
        .build()
        .unwrap();
    assert_eq!(client.max_response_size(), 4 * 1024 * 1024);
    let err = update_email(&client).await.unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { status: 200, limit } if limit == 4 * 1024 * 1024),
        "{err:?}"
    );
    assert_eq!(server.request_count(), 1);

    // Without Content-Length (read to the end of the connection): cut off while reading.
    let mut head = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
    head.extend_from_slice(b"{\"maskedEmail\":\"");
    let server = FaultServer::always(Step::Trickle {
        head,
        chunks: vec![vec![b'a'; 600]; 4],
        pause: Duration::from_millis(1),
    })
    .await;
    let client = Client::builder(PROJECT)
        .base_url(&server.url)
        .max_response_size(1024)
        .build()
        .unwrap();
    let err = update_email(&client).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResponseTooLarge {
                status: 200,
                limit: 1024
            }
        ),
        "{err:?}"
    );
    // An error reply past the limit, in several chunks: reported by its status, with the start
    // of its body (the first chunk whole, the one that crosses the limit cut).
    let server = FaultServer::always(Step::Trickle {
        head: b"HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\n".to_vec(),
        chunks: vec![b"0123456789".repeat(6); 4],
        pause: Duration::from_millis(1),
    })
    .await;
    let client = Client::builder(PROJECT)
        .base_url(&server.url)
        .max_response_size(100)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    match update_email(&client).await.unwrap_err() {
        Error::Http {
            status: 500, body, ..
        } => {
            assert_eq!(body, "0123456789".repeat(10), "the first 100 bytes");
        }
        other => panic!("{other:?}"),
    }
    // A reply in several chunks without Content-Length, under the limit: read whole (each
    // byte counted once against the limit, the first chunk too).
    let head = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
    let mut first = b"{\"maskedEmail\":\"".to_vec();
    first.extend_from_slice(&[b'a'; 400]);
    let chunks = vec![first, vec![b'a'; 400], b"\"}".to_vec()];
    let server = FaultServer::always(Step::Trickle {
        head,
        chunks,
        pause: Duration::from_millis(20),
    })
    .await;
    let client = Client::builder(PROJECT)
        .base_url(&server.url)
        .max_response_size(1024)
        .build()
        .unwrap();
    assert_eq!(update_email(&client).await.unwrap().masked_email.len(), 800);
    // Just under the limit is fine.
    let body = format!(r#"{{"maskedEmail":"{}"}}"#, "a".repeat(1000));
    let server = FaultServer::always(Step::Reply(reply("200 OK", &[], body.as_bytes()))).await;
    let client = Client::builder(PROJECT)
        .base_url(&server.url)
        .max_response_size(body.len())
        .build()
        .unwrap();
    assert_eq!(
        update_email(&client).await.unwrap().masked_email.len(),
        1000
    );
}

// ---- socket-level faults --------------------------------------------------------------------

#[tokio::test]
async fn connection_reset_mid_response_is_a_transport_error_and_not_retried() {
    let mut partial = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".to_vec();
    partial.extend_from_slice(br#"{"maskedEmail":"#);
    let server = FaultServer::always(Step::ResetAfter(partial)).await;
    let err = update_email(&client(&server.url)).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.request_count(), 1, "the server may have acted on it");
}

#[tokio::test]
async fn server_that_never_answers_times_out_without_retrying() {
    let server = FaultServer::always(Step::Hang).await;
    let client = Client::builder(PROJECT)
        .base_url(&server.url)
        .retry_policy(fast_policy())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = update_email(&client).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(started.elapsed() < NO_HANG);
    assert_eq!(server.request_count(), 1);
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn slow_body_times_out_or_arrives_within_the_timeout() {
    let slow = || {
        let body = br#"{"maskedEmail":"a***"}"#;
        Step::Trickle {
            head: format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes(),
            chunks: body.chunks(4).map(<[u8]>::to_vec).collect(),
            pause: Duration::from_millis(100),
        }
    };
    // Six chunks 100 ms apart: about 600 ms in all.
    let server = FaultServer::always(slow()).await;
    let err = client(&server.url)
        .otp()
        .update_email(&refresh(), "ann@example.com", "ann@example.org")
        .timeout(Duration::from_millis(250))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.request_count(), 1);

    let server = FaultServer::always(slow()).await;
    let sent = client(&server.url)
        .otp()
        .update_email(&refresh(), "ann@example.com", "ann@example.org")
        .timeout(NO_HANG)
        .await
        .expect("slow but complete");
    assert_eq!(sent.masked_email, "a***");
}

#[tokio::test]
async fn refused_connection_is_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let delay = Duration::from_millis(100);
    let client = Client::builder(PROJECT)
        .base_url(&url)
        .retry_policy(RetryPolicy::default().with_delays([delay; 3]))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = update_email(&client).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    // Three waits prove three retries (four connection attempts).
    assert!(started.elapsed() >= 3 * delay, "{:?}", started.elapsed());

    let client = Client::builder(PROJECT)
        .base_url(&url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    assert!(matches!(
        update_email(&client).await,
        Err(Error::Transport(_))
    ));
    assert!(started.elapsed() < NO_HANG);
}

#[tokio::test]
async fn refused_connection_recovers_when_the_server_comes_up() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    let client = Client::builder(PROJECT)
        .base_url(format!("http://{address}"))
        .retry_policy(RetryPolicy::default().with_delays([Duration::from_millis(300); 3]))
        .build()
        .unwrap();
    let call = tokio::spawn(async move { update_email(&client).await });
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Serve on the very port the client keeps trying.
    let listener = tokio::net::TcpListener::bind(address).await.unwrap();
    let server = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 4096];
        let _ = socket.read(&mut buf).await.unwrap();
        let body = br#"{"maskedEmail":"up"}"#;
        let response = reply("200 OK", &[("Connection", "close")], body);
        socket.write_all(&response).await.unwrap();
    });
    let sent = call.await.unwrap().expect("recovered");
    assert_eq!(sent.masked_email, "up");
    server.await.unwrap();
}

// ---- deadline, cancellation and per-call settings -------------------------------------------

#[tokio::test]
async fn deadline_stops_retrying_when_the_next_wait_would_pass_it() {
    let server = FaultServer::always(status("503 Service Unavailable")).await;
    let policy = RetryPolicy::default()
        .with_delays([
            Duration::from_millis(20),
            Duration::from_secs(30),
            Duration::from_secs(30),
        ])
        .with_deadline(Duration::from_secs(5));
    let started = Instant::now();
    let err = client(&server.url)
        .otp()
        .update_email(&refresh(), "ann@example.com", "ann@example.org")
        .retry_policy(policy)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.request_count(), 2, "the 30 s wait was not started");
    assert!(started.elapsed() < NO_HANG);
}

#[tokio::test]
async fn deadline_shortens_the_attempt_timeout() {
    let server = FaultServer::always(Step::Hang).await;
    let policy = fast_policy().with_deadline(Duration::from_millis(300));
    let started = Instant::now();
    let err = client(&server.url)
        .otp()
        .update_email(&refresh(), "ann@example.com", "ann@example.org")
        .retry_policy(policy)
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(
        started.elapsed() < NO_HANG,
        "the 60 s attempt timeout was cut"
    );
}

/// Runs `call` until the server has received one request, lets it go on for `grace`, then drops
/// it.
async fn drop_after_first_request<F: std::future::IntoFuture>(
    server: &FaultServer,
    call: F,
    grace: Duration,
) {
    let call = call.into_future();
    let seen = async {
        while server.request_count() == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(grace).await;
    };
    tokio::select! {
        _ = call => panic!("the call ended before it was dropped"),
        seen = tokio::time::timeout(NO_HANG, seen) => seen.expect("the server saw no request"),
    }
}

#[tokio::test]
async fn dropping_the_call_while_it_waits_to_retry_stops_it() {
    let server = FaultServer::always(status("503 Service Unavailable")).await;
    let client = Client::builder(PROJECT)
        .base_url(&server.url)
        .retry_policy(RetryPolicy::default().with_delays([Duration::from_secs(2); 3]))
        .build()
        .unwrap();
    drop_after_first_request(&server, update_email(&client), Duration::from_millis(100)).await;
    assert_eq!(server.request_count(), 1);
    // Past the moment the retry would have been sent.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(server.request_count(), 1, "no attempt after the drop");
}

#[tokio::test]
async fn dropping_the_call_while_the_server_is_silent_stops_it() {
    let server = FaultServer::always(Step::Hang).await;
    let client = Client::builder(PROJECT)
        .base_url(&server.url)
        .retry_policy(fast_policy())
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    drop_after_first_request(&server, update_email(&client), Duration::from_millis(100)).await;
    // Past the moment the attempt would have timed out (a timeout is not retried anyway).
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(server.request_count(), 1);
    assert_eq!(server.accepted(), 1);
}

#[tokio::test]
async fn per_call_policy_overrides_the_clients() {
    // Client never retries; this call does.
    let server = FaultServer::first_n(1, status("503 Service Unavailable"), ok()).await;
    let client = Client::builder(PROJECT)
        .base_url(&server.url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    client
        .otp()
        .update_email(&refresh(), "ann@example.com", "ann@example.org")
        .retry_policy(fast_policy())
        .await
        .expect("retried");
    assert_identical_bodies(&server, 2);
    // And the client's own policy still applies to the next call.
    let server = FaultServer::first_n(1, status("503 Service Unavailable"), ok()).await;
    let client = Client::builder(PROJECT)
        .base_url(&server.url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(update_email(&client).await.unwrap_err().status(), Some(503));
    assert_eq!(server.request_count(), 1);

    // Client retries; this call does not.
    let server = FaultServer::first_n(1, status("503 Service Unavailable"), ok()).await;
    let err = client_call_without_retries(&server.url).await.unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.request_count(), 1);
}

async fn client_call_without_retries(url: &str) -> Result<EmailCodeSent, Error> {
    client(url)
        .otp()
        .update_email(&refresh(), "ann@example.com", "ann@example.org")
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .await
}

#[tokio::test]
async fn validation_errors_send_nothing_and_are_not_retried() {
    let server = FaultServer::always(ok()).await;
    let err = client(&server.url)
        .otp()
        .update_email(&refresh(), "ann@example.com", "not an email")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
    assert_eq!(server.accepted(), 0);
}
