//! Helpers shared by the wire tests: a client pointed at a wiremock server on 127.0.0.1, exact
//! request expectations, credentials and a full session reply.
#![allow(dead_code)] // each test binary uses its own subset

pub mod fault;

use std::io::Write;
use std::sync::{Arc, Mutex};

use descope_api::auth::types::JwtResponse;
use descope_api::{Client, Error, RefreshJwt, SessionJwt};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The project ID every wire test uses.
pub const PROJECT: &str = "P2wireTestProject";

pub async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder(PROJECT)
        .base_url(server.uri())
        .build()
        .expect("client");
    (server, client)
}

/// Expects exactly one `POST path` with this authorization and JSON body; replies `reply`.
pub async fn expect_post(server: &MockServer, route: &str, auth: &str, body: Value, reply: Value) {
    Mock::given(method("POST"))
        .and(path(route))
        .and(header("authorization", auth))
        .and(header("content-type", "application/json"))
        .and(header("x-descope-sdk-name", "rust"))
        .and(header("x-descope-sdk-version", env!("CARGO_PKG_VERSION")))
        .and(header("x-descope-project-id", PROJECT))
        .and(body_json(body))
        .respond_with(ResponseTemplate::new(200).set_body_json(reply))
        .expect(1)
        .mount(server)
        .await;
}

pub fn project_auth() -> String {
    format!("Bearer {PROJECT}")
}

pub fn refresh_auth() -> String {
    format!("Bearer {PROJECT}:refresh-token")
}

pub fn refresh() -> RefreshJwt {
    RefreshJwt::new("refresh-token")
}

pub fn session_reply() -> Value {
    json!({
        "sessionJwt": "session.jwt",
        "refreshJwt": "refresh.jwt",
        "cookieDomain": "example.com",
        "cookiePath": "/",
        "cookieMaxAge": 2_592_000,
        "cookieExpiration": 1_700_000_000,
        "sessionExpiration": "1700000600",
        "firstSeen": true,
        "claims": {"sub": "U1", "amr": ["otp"]},
        "tenantSSOID": "T9",
        "user": {
            "loginIds": ["ann@example.com"],
            "userId": "U1",
            "name": "Ann",
            "email": "ann@example.com",
            "verifiedEmail": true,
            "roleNames": ["admin"],
            "userTenants": [{"tenantId": "T1", "roleNames": ["viewer"], "tenantName": "Acme"}],
            "status": "enabled",
            "createdTime": "1690000000",
            "TOTP": true,
            "OAuth": {"google": true},
            "customAttributes": {"plan": "gold", "seats": 3},
            "somethingNew": {"nested": true}
        },
        "fieldNotInSpec": 1
    })
}

pub fn session_auth() -> String {
    format!("Bearer {PROJECT}:session-token")
}

pub fn session() -> SessionJwt {
    SessionJwt::new("session-token")
}

/// Expects exactly one `GET path` (query string not matched here) with this authorization and no
/// body; replies `reply`.
pub async fn expect_get(
    server: &MockServer,
    route: &str,
    auth: Option<&str>,
    reply: ResponseTemplate,
) {
    let mock = Mock::given(method("GET"))
        .and(path(route))
        .and(header("x-descope-sdk-name", "rust"))
        .and(header("x-descope-project-id", PROJECT));
    let mock = match auth {
        Some(auth) => mock.and(header("authorization", auth)),
        None => mock,
    };
    mock.respond_with(reply).expect(1).mount(server).await;
}

/// Checks a [`JwtResponse`] decoded from [`session_reply`].
pub fn assert_session(session: &JwtResponse) {
    let session_jwt = session.session_jwt.as_ref().expect("a session JWT");
    assert_eq!(session_jwt.expose_secret(), "session.jwt");
    let refresh_jwt = session.refresh_jwt.as_ref().expect("a refresh JWT");
    assert_eq!(refresh_jwt.expose_secret(), "refresh.jwt");
    assert_eq!(session.session_expiration, 1_700_000_600);
    assert_eq!(session.cookie_max_age, 2_592_000);
    assert!(session.first_seen);
    assert_eq!(session.tenant_sso_id, "T9");
    assert_eq!(session.user.user_id, "U1");
    assert_eq!(session.user.login_ids, ["ann@example.com"]);
    assert_eq!(session.user.user_tenants[0].tenant_name, "Acme");
}

/// A client whose server fails the test if it receives any request: for checks that must
/// reject a call before any I/O.
pub async fn nothing_is_sent() -> (MockServer, Client) {
    let (server, client) = setup().await;
    Mock::given(|_: &Request| true)
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    (server, client)
}

/// The field an invalid-argument error names; panics on any other error.
pub fn invalid_field(error: Error) -> &'static str {
    match error {
        Error::InvalidArgument { field, .. } => field,
        other => panic!("expected an invalid-argument error, got {other:?}"),
    }
}

/// What `tracing` (and `log`, where bridged) wrote: a writer for a subscriber, read back by the
/// secret-hygiene tests.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Everything written so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}
