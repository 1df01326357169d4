//! Secret hygiene: every credential type, sent through every fault of the fault suite, never
//! shows up in `Debug` or `Display` of anything the SDK hands back (errors and their whole
//! `source()` chains, requests, clients), nor in anything logged through `tracing` or `log`,
//! captured at TRACE level from every crate (reqwest, hyper and rustls included).

use std::time::Duration;

use descope_api::__private::{self, Call, Credential, Encode, Endpoint, Method, Request};
use descope_api::auth::types::DeliveryMethod;
use descope_api::{
    AccessKey, Client, Error, ManagementKey, RefreshJwt, RequestExt, RetryPolicy, Secret,
    SessionJwt,
};
use tracing_subscriber::fmt::format::FmtSpan;

mod support;

use support::fault::{FaultServer, Step, json, ok, reply, status};
use support::{Captured, PROJECT};

const REFRESH: &str = "refresh-jwt-SECRET-1f3a";
const SESSION: &str = "session-jwt-SECRET-9b2c";
const ACCESS: &str = "access-key-SECRET-77d0";
const MANAGEMENT: &str = "management-key-SECRET-5e61";
const CODE: &str = "otp-code-SECRET-314159";
const QUERY: &str = "query-token-SECRET-2718";
/// A credential that is not a valid header value: its error must not quote it.
const BAD_HEADER: &str = "broken\nSECRET-header-0042";

const SECRETS: [&str; 7] = [
    REFRESH,
    SESSION,
    ACCESS,
    MANAGEMENT,
    CODE,
    QUERY,
    "SECRET-header-0042",
];

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} reveals {secret:?}:\n{text}");
    }
}

/// Display, Debug, alternate Debug, and the same for every `source()` below it.
fn everything_about(err: &Error) -> String {
    let mut out = format!("{err}\n{err:?}\n{err:#?}\n");
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        out.push_str(&format!("caused by: {cause}\n{cause:?}\n{cause:#?}\n"));
        source = cause.source();
    }
    out
}

/// A request shaped like generated ones, for the auth styles no OTP endpoint uses, and a secret
/// in the query string.
#[derive(Clone, Debug)]
struct Custom {
    call: Call,
    login_id: String,
    token: Option<Secret>,
}

impl Encode for Custom {
    fn encode(self, out: &mut __private::Encoder) -> Result<Call, Error> {
        out.body([("loginId", &self.login_id)]);
        out.query([("token", &self.token)]);
        Ok(self.call)
    }
}

impl Request for Custom {
    type Reply = serde_json::Value;
    const DECODE: __private::Decode<serde_json::Value> = __private::decode_json;
}

impl std::future::IntoFuture for Custom {
    type Output = Result<serde_json::Value, Error>;
    type IntoFuture = descope_api::ResponseFuture<serde_json::Value>;

    fn into_future(self) -> Self::IntoFuture {
        __private::send(self)
    }
}

static POST: Endpoint = Endpoint {
    id: "test.custom",
    method: Method::Post,
    path: "/v1/custom",
};

static GET: Endpoint = Endpoint {
    method: Method::Get,
    ..POST
};

fn custom(client: &Client, auth: Credential<'_>, method: Method, token: Option<&str>) -> Custom {
    let endpoint = if method == Method::Get { &GET } else { &POST };
    Custom {
        call: Call::new(client, endpoint, auth),
        login_id: "ann@example.com".into(),
        token: token.map(Secret::new),
    }
}

/// Every kind of call, each carrying one credential; returns what each gave back.
async fn every_call(client: &Client) -> Vec<Result<String, Error>> {
    let refresh = RefreshJwt::new(REFRESH);
    let mut results = Vec::new();
    let update = client
        .otp()
        .update_email(&refresh, "ann@example.com", "ann@example.org");
    assert_clean("request Debug", &format!("{update:?} {update:#?}"));
    let configured = update.retry_policy(RetryPolicy::default().with_delays([Duration::ZERO; 3]));
    assert_clean("configured request Debug", &format!("{configured:?}"));
    results.push(configured.await.map(|r| format!("{r:?}")));

    let verify = client
        .otp()
        .verify(DeliveryMethod::Email, "ann@example.com", Secret::new(CODE));
    assert_clean("request Debug", &format!("{verify:?} {verify:#?}"));
    results.push(verify.await.map(|r| format!("{r:?}")));

    let session = SessionJwt::new(SESSION);
    let access = AccessKey::new(ACCESS);
    let management = client.with_management_key(ManagementKey::new(MANAGEMENT));
    let auths = [
        Credential::SessionJwt(&session),
        Credential::AccessKey(&access),
        Credential::Management(management.as_ref()),
    ];
    for auth in auths {
        let request = custom(client, auth, Method::Post, None);
        assert_clean("request Debug", &format!("{request:?}"));
        results.push(request.await.map(|r| format!("{r:?}")));
    }
    let request = custom(client, Credential::Project, Method::Get, Some(QUERY));
    assert_clean("request Debug", &format!("{request:?}"));
    results.push(request.await.map(|r| format!("{r:?}")));
    let bad = RefreshJwt::new(BAD_HEADER);
    let request = custom(client, Credential::RefreshJwt(&bad), Method::Post, None);
    results.push(request.await.map(|r| format!("{r:?}")));
    results
}

fn client(url: &str) -> Client {
    Client::builder(PROJECT)
        .base_url(url)
        .management_key(ManagementKey::new(MANAGEMENT))
        .retry_policy(RetryPolicy::default().with_delays([Duration::from_millis(1); 3]))
        .timeout(Duration::from_millis(600))
        .max_response_size(1024)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_errors_debug_display_or_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .expect("the only subscriber of this test binary");

    let mut partial = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".to_vec();
    partial.extend_from_slice(br#"{"maskedEmail":"#);
    let slow_body = Step::Trickle {
        head: b"HTTP/1.1 200 OK\r\nContent-Length: 40\r\n\r\n".to_vec(),
        chunks: vec![b"{\"maskedEmail\":".to_vec(); 4],
        pause: Duration::from_millis(300),
    };
    let scenarios: Vec<(&str, Step)> = vec![
        ("200", ok()),
        ("503", status("503 Service Unavailable")),
        (
            "503 Descope",
            json("503 Service Unavailable", r#"{"errorCode":"E010503"}"#),
        ),
        ("52x", status("522 Connection Timed Out")),
        (
            "429",
            Step::Reply(reply(
                "429 Too Many Requests",
                &[("Retry-After", "7")],
                br#"{"errorCode":"E130429","errorDescription":"rate limit"}"#,
            )),
        ),
        (
            "500 html",
            Step::Reply(reply(
                "500 Internal Server Error",
                &[],
                b"<html>oops</html>",
            )),
        ),
        ("malformed", json("200 OK", r#"{"maskedEmail": 4"#)),
        ("wrong type", json("200 OK", r#"{"maskedEmail": 4}"#)),
        (
            "redirect",
            Step::Reply(reply("302 Found", &[("Location", "/elsewhere")], b"")),
        ),
        (
            "oversized",
            Step::Reply(reply("200 OK", &[], &[b' '; 4096])),
        ),
        ("reset", Step::ResetAfter(partial)),
        ("silent", Step::Hang),
        ("slow body", slow_body),
    ];
    let mut kinds = std::collections::BTreeSet::new();
    for (name, step) in scenarios {
        let server = FaultServer::always(step).await;
        let client = client(&server.url);
        for result in every_call(&client).await {
            match result {
                Ok(reply) => assert_clean(name, &reply),
                Err(err) => {
                    kinds.insert(
                        format!("{err:?}")
                            .split([' ', '(', '{'])
                            .next()
                            .unwrap()
                            .to_owned(),
                    );
                    assert_clean(name, &everything_about(&err));
                }
            }
        }
        assert!(server.request_count() > 0, "{name}");
        // Every request really carried its credential (so its absence above means something).
        let sent: String = server
            .received()
            .iter()
            .map(|r| {
                format!(
                    "{} {:?} {}\n",
                    r.request_line,
                    r.headers,
                    String::from_utf8_lossy(&r.body)
                )
            })
            .collect();
        for secret in [REFRESH, SESSION, ACCESS, MANAGEMENT, CODE, QUERY] {
            assert!(sent.contains(secret), "{name}: {secret} was not sent");
        }
    }

    // Nothing listening: connection errors, retried, with the OS error in the source chain.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let refused = client(&url);
    for result in every_call(&refused).await {
        let err = result.expect_err("refused");
        kinds.insert(
            format!("{err:?}")
                .split([' ', '(', '{'])
                .next()
                .unwrap()
                .to_owned(),
        );
        assert_clean("refused", &everything_about(&err));
    }

    // Every error kind the fault suite produces was seen here.
    for kind in [
        "Api",
        "Http",
        "Decode",
        "ResponseTooLarge",
        "Transport",
        "Timeout",
        "InvalidArgument",
    ] {
        assert!(kinds.contains(kind), "{kind} not exercised: {kinds:?}");
    }

    // The things a user may print.
    let client = client(&url);
    let management = client.management().unwrap();
    let builder = Client::builder(PROJECT).management_key(ManagementKey::new(MANAGEMENT));
    assert_clean(
        "client Debug",
        &format!("{client:?} {client:#?} {management:?} {builder:?}"),
    );
    for shown in [
        format!(
            "{:?} {}",
            RefreshJwt::new(REFRESH),
            RefreshJwt::new(REFRESH)
        ),
        format!(
            "{:?} {}",
            SessionJwt::new(SESSION),
            SessionJwt::new(SESSION)
        ),
        format!("{:?} {}", AccessKey::new(ACCESS), AccessKey::new(ACCESS)),
        format!(
            "{:?} {}",
            ManagementKey::new(MANAGEMENT),
            ManagementKey::new(MANAGEMENT)
        ),
        format!("{:?} {}", Secret::new(CODE), Secret::new(CODE)),
        format!(
            "{:?}",
            Call::new(
                &Client::new(PROJECT).unwrap(),
                &POST,
                Credential::SessionJwt(&SessionJwt::new(SESSION)),
            )
        ),
    ] {
        assert_clean("credential", &shown);
    }

    // The logs: the SDK's span and events were captured, and reqwest's own log lines too.
    let logs = captured.text();
    for expected in [
        "descope.request",
        "endpoint=\"auth.otp.update_email\"",
        "endpoint=\"test.custom\"",
        "attempt=4",
        "status=503",
        "latency_ms=",
        "delay_ms=",
        "starting new connection",
    ] {
        assert!(logs.contains(expected), "{expected:?} not logged:\n{logs}");
    }
    assert_clean("logs", &logs);
    eprintln!(
        "secrets: {} bytes of TRACE logs checked; error kinds {kinds:?}",
        logs.len()
    );
}
