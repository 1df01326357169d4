//! Helpers for the emulator's tests: an emulator on an ephemeral 127.0.0.1 port with a
//! descope-api client pointed at it, signed-in users, and raw HTTP for requests the typed
//! client refuses to send.
#![allow(dead_code)] // each test binary uses its own subset

use std::time::Duration;

use descope_api::auth::types::{DeliveryMethod, JwtResponse};
use descope_api::{Client, Error, RefreshJwt, SessionJwt};
use descope_emulator::{Emulator, Limits, NewUser};
use serde_json::Value;

/// A generous bound for any one request: the tests assert outcomes, never timings.
pub const NO_HANG: Duration = Duration::from_secs(30);

pub async fn start() -> (Emulator, Client) {
    start_with(Limits::default()).await
}

pub async fn start_with(limits: Limits) -> (Emulator, Client) {
    let emulator = Emulator::builder()
        .limits(limits)
        .start()
        .await
        .expect("emulator starts");
    let client = client_for(&emulator);
    (emulator, client)
}

pub fn client_for(emulator: &Emulator) -> Client {
    Client::builder(emulator.project_id())
        .base_url(emulator.base_url())
        .timeout(NO_HANG)
        .build()
        .expect("client")
}

/// The session of a seeded user signed in by email code.
pub async fn signed_in(emulator: &Emulator, client: &Client, login_id: &str) -> JwtResponse {
    if emulator.user(login_id).is_none() {
        emulator
            .seed_user(NewUser::new(login_id).phone("+15555550100"))
            .expect("seed");
    }
    client
        .otp()
        .sign_in(DeliveryMethod::Email, login_id)
        .await
        .expect("sign in");
    verify(emulator, client, DeliveryMethod::Email, login_id).await
}

/// Verifies the newest code sent for `login_id`.
pub async fn verify(
    emulator: &Emulator,
    client: &Client,
    method: DeliveryMethod,
    login_id: &str,
) -> JwtResponse {
    let code = emulator.last_code(login_id).expect("a code was sent");
    client
        .otp()
        .verify(method, login_id, code)
        .await
        .expect("verify")
}

pub fn refresh_of(session: &JwtResponse) -> RefreshJwt {
    session.refresh_jwt.clone().expect("a refresh JWT")
}

pub fn session_of(session: &JwtResponse) -> SessionJwt {
    session.session_jwt.clone().expect("a session JWT")
}

/// Asserts a Descope error with this code and status.
#[track_caller]
pub fn assert_api_error<T: std::fmt::Debug>(
    result: Result<T, Error>,
    code: &str,
    status: u16,
) -> String {
    match result {
        Err(Error::Api(api)) => {
            assert_eq!(api.code, code, "{api}");
            assert_eq!(api.status, status, "{api}");
            assert!(!api.description.is_empty(), "{api}");
            api.message
        }
        other => panic!("expected Descope error {code}, got {other:?}"),
    }
}

/// A raw HTTP client for the emulator.
pub struct Raw {
    http: reqwest::Client,
    pub base: String,
    pub project: String,
}

/// A raw reply: status and JSON body (`Null` when not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    /// Asserts a Descope error body with this code and status; returns the message.
    #[track_caller]
    pub fn error(&self, code: &str, status: u16) -> &str {
        assert_eq!(self.status, status, "{:?}", self.body);
        assert_eq!(self.body["errorCode"], code, "{:?}", self.body);
        assert!(
            self.body["errorDescription"]
                .as_str()
                .is_some_and(|d| !d.is_empty())
        );
        self.body["errorMessage"].as_str().expect("errorMessage")
    }
}

pub fn raw(emulator: &Emulator) -> Raw {
    // reqwest is built without a bundled TLS crypto provider (as in descope-api); plain HTTP
    // needs none, but building a client requires one to be installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Raw {
        http: reqwest::Client::builder()
            .timeout(NO_HANG)
            .build()
            .expect("http client"),
        base: emulator.base_url().to_owned(),
        project: emulator.project_id().to_owned(),
    }
}

impl Raw {
    /// Sends `method path` with an optional `Authorization` value and a raw body.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        auth: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_owned());
        }
        let response = request.send().await.expect("the emulator answers");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, body }
    }

    pub async fn post(&self, path: &str, auth: Option<&str>, body: &str) -> Reply {
        self.send("POST", path, auth, Some(body)).await
    }

    pub async fn get(&self, path: &str, auth: Option<&str>) -> Reply {
        self.send("GET", path, auth, None).await
    }

    /// `Bearer <ProjectID>`.
    pub fn project_auth(&self) -> String {
        format!("Bearer {}", self.project)
    }

    /// `Bearer <ProjectID>:<credential>`.
    pub fn bearer(&self, credential: &str) -> String {
        format!("Bearer {}:{credential}", self.project)
    }
}
