//! Per-call runtime cost of the generated client against the same requests written by hand with
//! reqwest + serde_json.
//!
//! ```text
//! cargo bench -p descope-api --bench calls                   # the full run (well under 2 min)
//! CALLS_QUICK=1 cargo bench -p descope-api --bench calls     # a smoke run of a few seconds
//! CALLS_ROUNDS=31 cargo bench -p descope-api --bench calls   # more rounds on a noisy machine
//! ```
//!
//! Both sides send byte-identical requests (checked once at the start, by capturing them at the
//! server) through identically configured reqwest clients to one loopback HTTP/1.1 server
//! started in this process. The client runs on this thread in a current-thread tokio runtime; the
//! server runs on its own thread and runtime and answers every request with a fixed body. For
//! each call, in rounds that alternate generated / hand-written (A B, then B A in the next round;
//! every side has a reqwest client and so a connection pool of its own, since a pool that two
//! sides share is warmer for the second), the bench measures throughput
//! (one call at a time, and 64 in flight through a `FuturesUnordered`), CPU time of the client
//! thread per call (`CLOCK_THREAD_CPUTIME_ID`), and allocations per call (a counting global
//! allocator that counts on the client thread only). Two diagnostic variants run in the same
//! rounds to isolate the per-attempt timeout: the generated client with `.timeout(Duration::MAX)`
//! (no tokio timer is armed) and the hand-written call inside `tokio::time::timeout`. A last
//! section splits each call into phases (building and encoding the request, decoding the reply,
//! the rest) to show where any difference comes from.
//!
//! The figures are reported, never asserted: the targets (throughput ≥ 0.98×, client CPU per
//! call ≤ 1.03×, at most 2 allocations per call more than by hand) are printed next to them.
//!
//! For instruction-level profiles, `CALLS_PROFILE=<side>-<email|phone|verify>`, side one of
//! `gen`, `hand`, `gennotimer`, `handtimer` (and optionally `CALLS_PROFILE_N`, default 2000, and
//! `CALLS_PROFILE_IN_FLIGHT`, default 1) runs only that side's call inside `profile_window`, for
//! callgrind:
//!
//! ```text
//! CALLS_PROFILE=gen-verify valgrind --tool=callgrind --separate-threads=yes \
//!     --collect-atstart=no --toggle-collect='*profile_window*' target/release/deps/calls-<hash>
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::hint::black_box;
use std::os::unix::thread::JoinHandleExt;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use descope_api::__private::{Encoder, Request, decode_json};
use descope_api::auth::types::{
    DeliveryMethod, EmailCodeSent, IdpResponse, JwtResponse, PhoneCodeSent, PhoneMethod,
    UserResponse, UserTenant,
};
use descope_api::{Client, RefreshJwt};
use futures_util::stream::{FuturesUnordered, StreamExt};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ---------------------------------------------------------------------------------------------
// Counting allocator: counts on threads that switched counting on (only the client thread).

struct CountingAlloc;

struct Counters {
    on: Cell<bool>,
    allocs: Cell<u64>,
    reallocs: Cell<u64>,
    bytes: Cell<u64>,
}

thread_local! {
    static COUNTERS: Counters = const {
        Counters {
            on: Cell::new(false),
            allocs: Cell::new(0),
            reallocs: Cell::new(0),
            bytes: Cell::new(0),
        }
    };
}

fn record(realloc: bool, bytes: usize) {
    let _ = COUNTERS.try_with(|c| {
        if c.on.get() {
            let counter = if realloc { &c.reallocs } else { &c.allocs };
            counter.set(counter.get() + 1);
            c.bytes.set(c.bytes.get() + bytes as u64);
        }
    });
}

// SAFETY: every method forwards to `System` with the caller's arguments; counting only touches
// const-initialized thread-local cells, which never allocate.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(false, layout.size());
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(false, layout.size());
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(true, new_size.saturating_sub(layout.size()));
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAlloc = CountingAlloc;

/// Allocation counters of this thread.
#[derive(Clone, Copy, Debug, Default)]
struct Allocs {
    allocs: u64,
    reallocs: u64,
    bytes: u64,
}

impl Allocs {
    fn now() -> Allocs {
        COUNTERS.with(|c| Allocs {
            allocs: c.allocs.get(),
            reallocs: c.reallocs.get(),
            bytes: c.bytes.get(),
        })
    }

    fn since(self, start: Allocs) -> Allocs {
        Allocs {
            allocs: self.allocs - start.allocs,
            reallocs: self.reallocs - start.reallocs,
            bytes: self.bytes - start.bytes,
        }
    }
}

fn count_allocations_on_this_thread() {
    COUNTERS.with(|c| c.on.set(true));
}

// ---------------------------------------------------------------------------------------------
// CPU clocks.

fn clock(id: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec.
    let rc = unsafe { libc::clock_gettime(id, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// CPU time used so far by the calling thread.
fn thread_cpu() -> Duration {
    clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

// ---------------------------------------------------------------------------------------------
// The wire: what both sides send and what the server answers.

const PROJECT: &str = "P2benchProjectCalls";
const LOGIN_ID: &str = "ann@example.com";
const NEW_EMAIL: &str = "ann@example.org";
const NEW_PHONE: &str = "+15555550100";
const CODE: &str = "123456";
/// The refresh JWT sent as the credential (a realistic length: it goes into every header).
const REFRESH: &str = concat!(
    "eyJhbGciOiJSUzI1NiIsImtpZCI6IlAyYmVuY2hQcm9qZWN0Q2FsbHMiLCJ0eXAiOiJKV1QifQ.",
    "eyJkcm4iOiJEU1IiLCJleHAiOjE3MDI1OTIwMDAsImlhdCI6MTcwMDAwMDAwMCwiaXNzIjoiUDJiZW5jaFByb2plY3RD",
    "YWxscyIsInN1YiI6IlUyYWJjZGVmIn0.",
    "c2lnbmF0dXJlLW9mLXRoZS1yZWZyZXNoLWp3dC1zaWduZWQtd2l0aC1yczI1Ni1ieS10aGUtcHJvamVjdC1rZXk"
);

const EMAIL_PATH: &str = "/v1/auth/otp/update/email";
const PHONE_PATH: &str = "/v1/auth/otp/update/phone/sms";
const VERIFY_PATH: &str = "/v1/auth/otp/verify/email";

const EMAIL_REPLY: &str = r#"{"maskedEmail":"a***@example.org","verificationAttempts":1}"#;
const PHONE_REPLY: &str = r#"{"maskedPhone":"+1*******00","verificationAttempts":1}"#;
/// A realistic session reply (~1 KB): tokens, cookie fields with int64s as strings, the user.
const SESSION_REPLY: &str = concat!(
    r#"{"sessionJwt":"eyJhbGciOiJSUzI1NiIsImtpZCI6IlAyYmVuY2hQcm9qZWN0Q2FsbHMiLCJ0eXAiOiJKV1QifQ."#,
    r#"eyJhbXIiOlsib3RwIl0sImRybiI6IkRTIiwiZXhwIjoxNzAwMDAwNjAwLCJpYXQiOjE3MDAwMDAwMDAsImlzcyI6IlAy"#,
    r#"YmVuY2hQcm9qZWN0Q2FsbHMiLCJzdWIiOiJVMmFiY2RlZiJ9."#,
    r#"c2lnbmF0dXJlLW9mLXRoZS1zZXNzaW9uLWp3dC1zaWduZWQtd2l0aC1yczI1Ni1ieS10aGUtcHJvamVjdC1rZXk","#,
    r#""refreshJwt":"eyJhbGciOiJSUzI1NiIsImtpZCI6IlAyYmVuY2hQcm9qZWN0Q2FsbHMiLCJ0eXAiOiJKV1QifQ."#,
    r#"eyJkcm4iOiJEU1IiLCJleHAiOjE3MDI1OTIwMDAsImlhdCI6MTcwMDAwMDAwMCwiaXNzIjoiUDJiZW5jaFByb2plY3RD"#,
    r#"YWxscyIsInN1YiI6IlUyYWJjZGVmIn0."#,
    r#"c2lnbmF0dXJlLW9mLXRoZS1yZWZyZXNoLWp3dC1zaWduZWQtd2l0aC1yczI1Ni1ieS10aGUtcHJvamVjdC1rZXk","#,
    r#""cookieDomain":"example.com","cookiePath":"/","cookieMaxAge":2592000,"#,
    r#""cookieExpiration":"1702592000","sessionExpiration":"1700000600","nextRefreshSeconds":540,"#,
    r#""firstSeen":false,"claims":{"amr":["otp"],"drn":"DS","exp":1700000600,"iat":1700000000,"#,
    r#""iss":"P2benchProjectCalls","sub":"U2abcdef"},"#,
    r#""user":{"loginIds":["ann@example.com","+15555550100"],"userId":"U2abcdef","name":"Ann Example","#,
    r#""givenName":"Ann","familyName":"Example","email":"ann@example.com","verifiedEmail":true,"#,
    r#""phone":"+15555550100","verifiedPhone":true,"roleNames":["admin"],"#,
    r#""userTenants":[{"tenantId":"T2acme","roleNames":["viewer","editor"],"tenantName":"Acme"}],"#,
    r#""status":"enabled","createdTime":"1690000000","TOTP":false,"SAML":false,"#,
    r#""OAuth":{"google":true},"webauthn":false,"password":false,"#,
    r#""customAttributes":{"plan":"gold","seats":3},"editable":true,"SCIM":false,"push":false,"#,
    r#""OIDC":false,"consentExpiration":"0"},"tenantSSOID":"","unsavedSSO":false}"#
);

fn http_reply(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

// ---------------------------------------------------------------------------------------------
// The server: raw HTTP/1.1 on tokio, a fixed reply per path, the same for both sides.

struct Shared {
    email: Vec<u8>,
    phone: Vec<u8>,
    verify: Vec<u8>,
    not_found: Vec<u8>,
    capturing: AtomicBool,
    captured: Mutex<Vec<Vec<u8>>>,
    accepted: AtomicUsize,
}

impl Shared {
    fn reply(&self, head: &[u8]) -> &[u8] {
        let route = |path: &str| {
            head.strip_prefix(b"POST ")
                .and_then(|rest| rest.strip_prefix(path.as_bytes()))
                .is_some_and(|rest| rest.starts_with(b" "))
        };
        if route(EMAIL_PATH) {
            &self.email
        } else if route(PHONE_PATH) {
            &self.phone
        } else if route(VERIFY_PATH) {
            &self.verify
        } else {
            &self.not_found
        }
    }
}

struct Server {
    url: String,
    shared: Arc<Shared>,
    cpu_clock: libc::clockid_t,
}

impl Server {
    fn start() -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("nonblocking");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let shared = Arc::new(Shared {
            email: http_reply(EMAIL_REPLY),
            phone: http_reply(PHONE_REPLY),
            verify: http_reply(SESSION_REPLY),
            not_found: b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n".to_vec(),
            capturing: AtomicBool::new(false),
            captured: Mutex::new(Vec::new()),
            accepted: AtomicUsize::new(0),
        });
        let state = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("server".to_owned())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_io()
                    .build()
                    .expect("server runtime");
                runtime.block_on(accept_loop(listener, state));
            })
            .expect("server thread");
        let mut cpu_clock: libc::clockid_t = 0;
        // SAFETY: the thread is alive (it runs until the process exits); `cpu_clock` is writable.
        let rc = unsafe { libc::pthread_getcpuclockid(thread.as_pthread_t(), &mut cpu_clock) };
        assert_eq!(rc, 0, "pthread_getcpuclockid");
        // The server thread runs until the process exits.
        std::mem::forget(thread);
        Server {
            url,
            shared,
            cpu_clock,
        }
    }

    fn cpu(&self) -> Duration {
        clock(self.cpu_clock)
    }

    fn accepted(&self) -> usize {
        self.shared.accepted.load(Ordering::Relaxed)
    }

    /// Records every request received from now until [`Server::take_captured`].
    fn capture(&self) {
        self.shared.captured.lock().unwrap().clear();
        self.shared.capturing.store(true, Ordering::SeqCst);
    }

    fn take_captured(&self) -> Vec<Vec<u8>> {
        self.shared.capturing.store(false, Ordering::SeqCst);
        std::mem::take(&mut *self.shared.captured.lock().unwrap())
    }
}

async fn accept_loop(listener: std::net::TcpListener, shared: Arc<Shared>) {
    let listener = TcpListener::from_std(listener).expect("tokio listener");
    loop {
        let Ok((socket, _)) = listener.accept().await else {
            continue;
        };
        let _ = socket.set_nodelay(true);
        shared.accepted.fetch_add(1, Ordering::Relaxed);
        tokio::spawn(serve(socket, Arc::clone(&shared)));
    }
}

/// Serves one connection: every complete request buffered gets its reply, in order.
async fn serve(mut socket: TcpStream, shared: Arc<Shared>) {
    let mut input = Vec::with_capacity(16 * 1024);
    let mut output = Vec::with_capacity(16 * 1024);
    loop {
        while let Some(head_end) = input.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = &input[..head_end + 4];
            let total = head.len() + content_length(head);
            if input.len() < total {
                break;
            }
            output.extend_from_slice(shared.reply(head));
            if shared.capturing.load(Ordering::Relaxed) {
                shared
                    .captured
                    .lock()
                    .unwrap()
                    .push(input[..total].to_vec());
            }
            input.drain(..total);
        }
        if !output.is_empty() {
            if socket.write_all(&output).await.is_err() {
                return;
            }
            output.clear();
        }
        match socket.read_buf(&mut input).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

fn content_length(head: &[u8]) -> usize {
    head.split(|&b| b == b'\n')
        .find_map(|line| {
            let (name, value) = line.split_at(line.iter().position(|&b| b == b':')?);
            name.eq_ignore_ascii_case(b"content-length").then(|| {
                std::str::from_utf8(&value[1..])
                    .ok()
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0)
            })
        })
        .unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// The hand-written side: reqwest + serde_json, configured as `ClientBuilder::build` configures
// the generated client's reqwest client (ring provider, connect timeout, no redirects, the same
// default headers).

struct Hand {
    http: reqwest::Client,
    base_url: String,
    project_id: String,
}

type HandError = Box<dyn std::error::Error + Send + Sync>;

impl Hand {
    fn new(project_id: &str, base_url: &str) -> Hand {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut headers = HeaderMap::new();
        headers.insert(
            USER_AGENT,
            HeaderValue::from_static(concat!("descope-api-rust/", env!("CARGO_PKG_VERSION"))),
        );
        headers.insert("x-descope-sdk-name", HeaderValue::from_static("rust"));
        headers.insert(
            "x-descope-sdk-version",
            HeaderValue::from_static(env!("CARGO_PKG_VERSION")),
        );
        headers.insert(
            "x-descope-project-id",
            HeaderValue::from_str(project_id).expect("project ID header"),
        );
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .expect("reqwest client");
        Hand {
            http,
            base_url: base_url.to_owned(),
            project_id: project_id.to_owned(),
        }
    }

    /// `POST path` with `Bearer <project>[:<secret>]` and a JSON body; the 2xx reply decoded.
    async fn post<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        secret: Option<&str>,
        body: &B,
    ) -> Result<R, HandError> {
        let url = format!("{}{path}", self.base_url);
        let authorization = match secret {
            Some(secret) => format!("Bearer {}:{secret}", self.project_id),
            None => format!("Bearer {}", self.project_id),
        };
        let body = serde_json::to_vec(body)?;
        let response = self
            .http
            .post(url)
            .header(AUTHORIZATION, authorization)
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await?;
        let status = response.status();
        let bytes = response.bytes().await?;
        if !status.is_success() {
            return Err(format!("HTTP {status}").into());
        }
        Ok(serde_json::from_slice(&bytes)?)
    }

    async fn update_email(
        &self,
        refresh: &str,
        login_id: &str,
        email: &str,
    ) -> Result<HandEmailCodeSent, HandError> {
        let body = UpdateEmailBody {
            login_id,
            email,
            add_to_login_ids: false,
            on_merge_use_existing: false,
        };
        self.post(EMAIL_PATH, Some(refresh), &body).await
    }

    async fn update_phone(
        &self,
        refresh: &str,
        method: &str,
        login_id: &str,
        phone: &str,
    ) -> Result<HandPhoneCodeSent, HandError> {
        let path = format!("/v1/auth/otp/update/phone/{method}");
        let body = UpdatePhoneBody {
            login_id,
            phone,
            add_to_login_ids: false,
            on_merge_use_existing: false,
        };
        self.post(&path, Some(refresh), &body).await
    }

    async fn verify(
        &self,
        method: &str,
        login_id: &str,
        code: &str,
    ) -> Result<HandJwtResponse, HandError> {
        let path = format!("/v1/auth/otp/verify/{method}");
        self.post(&path, None, &VerifyBody { login_id, code }).await
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdateEmailBody<'a> {
    login_id: &'a str,
    email: &'a str,
    #[serde(rename = "addToLoginIDs")]
    add_to_login_ids: bool,
    on_merge_use_existing: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdatePhoneBody<'a> {
    login_id: &'a str,
    phone: &'a str,
    #[serde(rename = "addToLoginIDs")]
    add_to_login_ids: bool,
    on_merge_use_existing: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VerifyBody<'a> {
    login_id: &'a str,
    code: &'a str,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct HandEmailCodeSent {
    masked_email: String,
    verification_attempts: i32,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct HandPhoneCodeSent {
    masked_phone: String,
    verification_attempts: i32,
}

/// The fields of the generated `JwtResponse`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct HandJwtResponse {
    session_jwt: Option<String>,
    refresh_jwt: Option<String>,
    cookie_domain: String,
    cookie_path: String,
    cookie_max_age: i32,
    #[serde(deserialize_with = "int64")]
    cookie_expiration: i64,
    user: HandUserResponse,
    first_seen: bool,
    idp_response: HandIdpResponse,
    #[serde(deserialize_with = "int64")]
    session_expiration: i64,
    external_token: String,
    claims: BTreeMap<String, Value>,
    #[serde(rename = "tenantSSOID")]
    tenant_sso_id: String,
    trusted_device_jwt: String,
    next_refresh_seconds: i32,
    cookie_name: String,
    session_cookie_name: String,
    session_cookie_domain: String,
    #[serde(rename = "unsavedSSO")]
    unsaved_sso: bool,
}

/// The fields of the generated `UserResponse`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct HandUserResponse {
    login_ids: Vec<String>,
    user_id: String,
    name: String,
    email: String,
    phone: String,
    verified_email: bool,
    verified_phone: bool,
    role_names: Vec<String>,
    user_tenants: Vec<HandUserTenant>,
    status: String,
    external_ids: Vec<String>,
    picture: String,
    test: bool,
    custom_attributes: BTreeMap<String, Value>,
    #[serde(deserialize_with = "int64")]
    created_time: i64,
    #[serde(rename = "TOTP")]
    totp: bool,
    #[serde(rename = "SAML")]
    saml: bool,
    #[serde(rename = "OAuth")]
    oauth: BTreeMap<String, bool>,
    webauthn: bool,
    password: bool,
    sso_app_ids: Vec<String>,
    given_name: String,
    middle_name: String,
    family_name: String,
    editable: bool,
    #[serde(rename = "SCIM")]
    scim: bool,
    push: bool,
    permissions: Vec<String>,
    #[serde(rename = "OIDC")]
    oidc: bool,
    #[serde(deserialize_with = "int64")]
    consent_expiration: i64,
    recovery_email: String,
    verified_recovery_email: bool,
    recovery_phone: String,
    verified_recovery_phone: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct HandUserTenant {
    tenant_id: String,
    role_names: Vec<String>,
    tenant_name: String,
    permissions: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct HandIdpResponse {
    saml_response: String,
    saml_generated_user: String,
    saml_generated_roles: String,
    oidc_response: String,
    oidc_generated_user: String,
    oidc_generated_roles: String,
    idp_groups: Vec<String>,
    #[serde(rename = "idpSAMLAttributes")]
    idp_saml_attributes: BTreeMap<String, Value>,
    #[serde(rename = "idpOIDCClaims")]
    idp_oidc_claims: BTreeMap<String, Value>,
}

/// An int64 sent as a number or, as protobuf JSON does, as a string.
fn int64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    struct Int64;
    impl Visitor<'_> for Int64 {
        type Value = i64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer or a numeric string")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(E::custom)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
            v.parse().map_err(E::custom)
        }
    }
    deserializer.deserialize_any(Int64)
}

// ---------------------------------------------------------------------------------------------
// Both sides decode the same: compared field by field at the start.

/// A generated string field, plain or secret (the spec decides which), as text.
trait Text {
    fn text(&self) -> &str;
}

impl Text for String {
    fn text(&self) -> &str {
        self
    }
}

impl Text for descope_api::Secret {
    fn text(&self) -> &str {
        self.expose_secret()
    }
}

fn same_session(g: &JwtResponse, h: &HandJwtResponse) -> bool {
    let secret = |s: Option<&str>| s.map(str::to_owned);
    secret(g.session_jwt.as_ref().map(|j| j.expose_secret())) == h.session_jwt
        && secret(g.refresh_jwt.as_ref().map(|j| j.expose_secret())) == h.refresh_jwt
        && g.cookie_domain.text() == h.cookie_domain
        && g.cookie_path.text() == h.cookie_path
        && g.cookie_max_age == h.cookie_max_age
        && g.cookie_expiration == h.cookie_expiration
        && same_user(&g.user, &h.user)
        && g.first_seen == h.first_seen
        && same_idp(&g.idp_response, &h.idp_response)
        && g.session_expiration == h.session_expiration
        && g.external_token.text() == h.external_token
        && g.claims == h.claims
        && g.tenant_sso_id.text() == h.tenant_sso_id
        && g.trusted_device_jwt.text() == h.trusted_device_jwt
        && g.next_refresh_seconds == h.next_refresh_seconds
        && g.cookie_name.text() == h.cookie_name
        && g.session_cookie_name.text() == h.session_cookie_name
        && g.session_cookie_domain.text() == h.session_cookie_domain
        && g.unsaved_sso == h.unsaved_sso
}

fn same_user(g: &UserResponse, h: &HandUserResponse) -> bool {
    g.login_ids == h.login_ids
        && g.user_id.text() == h.user_id
        && g.name.text() == h.name
        && g.email.text() == h.email
        && g.phone.text() == h.phone
        && g.verified_email == h.verified_email
        && g.verified_phone == h.verified_phone
        && g.role_names == h.role_names
        && g.user_tenants.len() == h.user_tenants.len()
        && g.user_tenants.iter().zip(&h.user_tenants).all(same_tenant)
        && g.status.text() == h.status
        && g.external_ids == h.external_ids
        && g.picture.text() == h.picture
        && g.test == h.test
        && g.custom_attributes == h.custom_attributes
        && g.created_time == h.created_time
        && g.totp == h.totp
        && g.saml == h.saml
        && g.oauth == h.oauth
        && g.webauthn == h.webauthn
        && g.password == h.password
        && g.sso_app_ids == h.sso_app_ids
        && g.given_name.text() == h.given_name
        && g.middle_name.text() == h.middle_name
        && g.family_name.text() == h.family_name
        && g.editable == h.editable
        && g.scim == h.scim
        && g.push == h.push
        && g.permissions == h.permissions
        && g.oidc == h.oidc
        && g.consent_expiration == h.consent_expiration
        && g.recovery_email.text() == h.recovery_email
        && g.verified_recovery_email == h.verified_recovery_email
        && g.recovery_phone.text() == h.recovery_phone
        && g.verified_recovery_phone == h.verified_recovery_phone
}

fn same_tenant((g, h): (&UserTenant, &HandUserTenant)) -> bool {
    g.tenant_id.text() == h.tenant_id
        && g.role_names == h.role_names
        && g.tenant_name.text() == h.tenant_name
        && g.permissions == h.permissions
}

fn same_idp(g: &IdpResponse, h: &HandIdpResponse) -> bool {
    g.saml_response.text() == h.saml_response
        && g.saml_generated_user.text() == h.saml_generated_user
        && g.saml_generated_roles.text() == h.saml_generated_roles
        && g.oidc_response.text() == h.oidc_response
        && g.oidc_generated_user.text() == h.oidc_generated_user
        && g.oidc_generated_roles.text() == h.oidc_generated_roles
        && g.idp_groups == h.idp_groups
        && g.idp_saml_attributes == h.idp_saml_attributes
        && g.idp_oidc_claims == h.idp_oidc_claims
}

// ---------------------------------------------------------------------------------------------
// The calls, one function per side and call.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Email,
    Phone,
    Verify,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Email, Kind::Phone, Kind::Verify];

    fn name(self) -> &'static str {
        match self {
            Kind::Email => "update_email",
            Kind::Phone => "update_phone",
            Kind::Verify => "verify",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    Generated,
    Hand,
    /// Diagnostic: the generated client built with `timeout(Duration::MAX)` (no timer per call).
    GeneratedNoTimer,
    /// Diagnostic: the hand-written call inside `tokio::time::timeout(60 s)`.
    HandTimer,
}

impl Side {
    /// Every side, each generated one before its hand-written counterpart.
    const ALL: [Side; 4] = [
        Side::Generated,
        Side::Hand,
        Side::GeneratedNoTimer,
        Side::HandTimer,
    ];
}

struct Sides {
    client: Client,
    no_timer: Client,
    refresh: RefreshJwt,
    hand: Hand,
    /// Diagnostic: the hand-written calls inside `tokio::time::timeout`, on their own client, so
    /// every side has a connection pool of its own (a pool shared by two sides is warmer).
    hand_timer: Hand,
}

async fn gen_email(s: &Sides) {
    gen_email_on(&s.client, s).await;
}

async fn gen_phone(s: &Sides) {
    gen_phone_on(&s.client, s).await;
}

async fn gen_verify(s: &Sides) {
    gen_verify_on(&s.client, s).await;
}

async fn with_timer<F: Future<Output = ()>>(call: F) {
    tokio::time::timeout(Duration::from_secs(60), call)
        .await
        .expect("no timeout");
}

async fn gen_email_on(client: &Client, s: &Sides) {
    let sent = client.otp().update_email(&s.refresh, LOGIN_ID, NEW_EMAIL);
    let sent: EmailCodeSent = sent.await.expect("generated update_email");
    black_box(sent);
}

async fn gen_phone_on(client: &Client, s: &Sides) {
    let sent = client
        .otp()
        .update_phone(&s.refresh, PhoneMethod::Sms, LOGIN_ID, NEW_PHONE);
    let sent: PhoneCodeSent = sent.await.expect("generated update_phone");
    black_box(sent);
}

async fn gen_verify_on(client: &Client, _: &Sides) {
    let session = client.otp().verify(DeliveryMethod::Email, LOGIN_ID, CODE);
    let session: JwtResponse = session.await.expect("generated verify");
    black_box(session);
}

async fn hand_email(hand: &Hand) {
    let sent = hand.update_email(REFRESH, LOGIN_ID, NEW_EMAIL).await;
    black_box(sent.expect("hand-written update_email"));
}

async fn hand_phone(hand: &Hand) {
    let sent = hand.update_phone(REFRESH, "sms", LOGIN_ID, NEW_PHONE).await;
    black_box(sent.expect("hand-written update_phone"));
}

async fn hand_verify(hand: &Hand) {
    let session = hand.verify("email", LOGIN_ID, CODE).await;
    black_box(session.expect("hand-written verify"));
}

/// One measured run.
#[derive(Clone, Copy, Debug, Default)]
struct Sample {
    calls: u64,
    wall: Duration,
    cpu: Duration,
    server_cpu: Duration,
    allocs: Allocs,
    connections: usize,
}

impl Sample {
    fn per_second(&self) -> f64 {
        self.calls as f64 / self.wall.as_secs_f64()
    }

    fn cpu_us(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / self.calls as f64
    }

    fn server_cpu_us(&self) -> f64 {
        self.server_cpu.as_secs_f64() * 1e6 / self.calls as f64
    }

    fn allocs(&self) -> f64 {
        self.allocs.allocs as f64 / self.calls as f64
    }

    fn reallocs(&self) -> f64 {
        self.allocs.reallocs as f64 / self.calls as f64
    }

    fn bytes(&self) -> f64 {
        self.allocs.bytes as f64 / self.calls as f64
    }
}

/// Runs `calls` calls, `in_flight` at a time, and measures them.
async fn run<F, Fut>(server: &Server, calls: usize, in_flight: usize, mut call: F) -> Sample
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    let connections = server.accepted();
    let allocs = Allocs::now();
    let server_cpu = server.cpu();
    let cpu = thread_cpu();
    let started = Instant::now();
    if in_flight <= 1 {
        for _ in 0..calls {
            call().await;
        }
    } else {
        let mut pending = FuturesUnordered::new();
        let mut sent = 0;
        while sent < calls.min(in_flight) {
            pending.push(call());
            sent += 1;
        }
        while pending.next().await.is_some() {
            if sent < calls {
                pending.push(call());
                sent += 1;
            }
        }
    }
    let wall = started.elapsed();
    let cpu = thread_cpu() - cpu;
    let server_cpu = server.cpu() - server_cpu;
    Sample {
        calls: calls as u64,
        wall,
        cpu,
        server_cpu,
        allocs: Allocs::now().since(allocs),
        connections: server.accepted() - connections,
    }
}

async fn measure(
    sides: &Sides,
    server: &Server,
    side: Side,
    kind: Kind,
    calls: usize,
    in_flight: usize,
) -> Sample {
    match (side, kind) {
        (Side::Generated, Kind::Email) => run(server, calls, in_flight, || gen_email(sides)).await,
        (Side::Generated, Kind::Phone) => run(server, calls, in_flight, || gen_phone(sides)).await,
        (Side::Generated, Kind::Verify) => {
            run(server, calls, in_flight, || gen_verify(sides)).await
        }
        (Side::Hand, Kind::Email) => {
            run(server, calls, in_flight, || hand_email(&sides.hand)).await
        }
        (Side::Hand, Kind::Phone) => {
            run(server, calls, in_flight, || hand_phone(&sides.hand)).await
        }
        (Side::Hand, Kind::Verify) => {
            run(server, calls, in_flight, || hand_verify(&sides.hand)).await
        }
        (Side::GeneratedNoTimer, Kind::Email) => {
            run(server, calls, in_flight, || {
                gen_email_on(&sides.no_timer, sides)
            })
            .await
        }
        (Side::GeneratedNoTimer, Kind::Phone) => {
            run(server, calls, in_flight, || {
                gen_phone_on(&sides.no_timer, sides)
            })
            .await
        }
        (Side::GeneratedNoTimer, Kind::Verify) => {
            run(server, calls, in_flight, || {
                gen_verify_on(&sides.no_timer, sides)
            })
            .await
        }
        (Side::HandTimer, Kind::Email) => {
            run(server, calls, in_flight, || {
                with_timer(hand_email(&sides.hand_timer))
            })
            .await
        }
        (Side::HandTimer, Kind::Phone) => {
            run(server, calls, in_flight, || {
                with_timer(hand_phone(&sides.hand_timer))
            })
            .await
        }
        (Side::HandTimer, Kind::Verify) => {
            run(server, calls, in_flight, || {
                with_timer(hand_verify(&sides.hand_timer))
            })
            .await
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The start: both sides send the same bytes and decode the same reply.

async fn check_identical(sides: &Sides, server: &Server) {
    println!("identical requests (captured at the server):");
    for kind in Kind::ALL {
        let mut captured = Vec::new();
        for side in [Side::Generated, Side::Hand] {
            server.capture();
            let _ = measure(sides, server, side, kind, 1, 1).await;
            let mut requests = server.take_captured();
            assert_eq!(requests.len(), 1, "{kind:?} {side:?}: one request");
            captured.push(requests.pop().unwrap());
        }
        let (generated, hand) = (&captured[0], &captured[1]);
        assert!(
            generated == hand,
            "{} sends different requests:\n--- generated ---\n{}\n--- hand-written ---\n{}",
            kind.name(),
            String::from_utf8_lossy(generated),
            String::from_utf8_lossy(hand),
        );
        let text = String::from_utf8_lossy(generated);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let request_line = lines.next().unwrap_or_default();
        let headers: Vec<&str> = lines
            .filter_map(|l| l.split_once(':').map(|(n, _)| n))
            .collect();
        println!(
            "  {:<13} {} bytes: {request_line} [{}] {body}",
            kind.name(),
            generated.len(),
            headers.join(", ")
        );
    }
    // The replies decode to the same values.
    let g = sides
        .client
        .otp()
        .verify(DeliveryMethod::Email, LOGIN_ID, CODE)
        .await
        .unwrap();
    let h = sides.hand.verify("email", LOGIN_ID, CODE).await.unwrap();
    assert!(same_session(&g, &h), "{g:#?}\n{h:#?}");
    assert_eq!(g.user.login_ids.len(), 2, "the session reply decoded");
    let g = sides
        .client
        .otp()
        .update_email(&sides.refresh, LOGIN_ID, NEW_EMAIL)
        .await
        .unwrap();
    let h = sides
        .hand
        .update_email(REFRESH, LOGIN_ID, NEW_EMAIL)
        .await
        .unwrap();
    assert_eq!(
        (g.masked_email.as_str(), g.verification_attempts),
        (h.masked_email.as_str(), h.verification_attempts)
    );
    let g = sides
        .client
        .otp()
        .update_phone(&sides.refresh, PhoneMethod::Sms, LOGIN_ID, NEW_PHONE)
        .await
        .unwrap();
    let h = sides
        .hand
        .update_phone(REFRESH, "sms", LOGIN_ID, NEW_PHONE)
        .await
        .unwrap();
    assert_eq!(
        (g.masked_phone.as_str(), g.verification_attempts),
        (h.masked_phone.as_str(), h.verification_attempts)
    );
    println!(
        "  replies decode to equal values (verify: {} byte session reply, every field compared)",
        SESSION_REPLY.len()
    );
}

// ---------------------------------------------------------------------------------------------
// Phases: what part of a call costs what, outside the network path.

/// CPU time and allocations per iteration of `op`.
fn per_op(iterations: usize, mut op: impl FnMut()) -> (f64, f64) {
    for _ in 0..iterations / 10 {
        op();
    }
    let allocs = Allocs::now();
    let cpu = thread_cpu();
    for _ in 0..iterations {
        op();
    }
    let cpu = thread_cpu() - cpu;
    let allocs = Allocs::now().since(allocs);
    (
        cpu.as_secs_f64() * 1e6 / iterations as f64,
        allocs.allocs as f64 / iterations as f64,
    )
}

/// Builds and encodes a generated request without sending it.
fn gen_encode<R: Request>(request: R) {
    let mut encoder = Encoder::default();
    let call = request.encode(&mut encoder).expect("encodes");
    black_box((call, encoder));
}

/// What the hand-written side does before reqwest: URL, `Authorization` value, body bytes.
fn hand_encode<B: Serialize>(base: &str, path: &str, secret: Option<&str>, body: &B) {
    let url = format!("{base}{path}");
    let authorization = match secret {
        Some(secret) => format!("Bearer {PROJECT}:{secret}"),
        None => format!("Bearer {PROJECT}"),
    };
    let body = serde_json::to_vec(body).expect("serializes");
    black_box((url, authorization, body));
}

struct Phase {
    name: &'static str,
    generated: (f64, f64),
    hand: (f64, f64),
}

fn phases(sides: &Sides, kind: Kind, iterations: usize) -> Vec<Phase> {
    let client = &sides.client;
    let refresh = &sides.refresh;
    let base = sides.hand.base_url.as_str();
    let (build, encode, into_future, decode);
    match kind {
        Kind::Email => {
            let body = UpdateEmailBody {
                login_id: LOGIN_ID,
                email: NEW_EMAIL,
                add_to_login_ids: false,
                on_merge_use_existing: false,
            };
            build = per_op(iterations, || {
                let _ = black_box(client.otp().update_email(refresh, LOGIN_ID, NEW_EMAIL));
            });
            encode = (
                per_op(iterations, || {
                    gen_encode(client.otp().update_email(refresh, LOGIN_ID, NEW_EMAIL))
                }),
                per_op(iterations, || {
                    hand_encode(base, EMAIL_PATH, Some(REFRESH), &body)
                }),
            );
            into_future = per_op(iterations, || {
                let request = client.otp().update_email(refresh, LOGIN_ID, NEW_EMAIL);
                drop(black_box(request.into_future()));
            });
            decode = (
                per_op(iterations, || {
                    black_box(decode_json::<EmailCodeSent>(EMAIL_REPLY.as_bytes()).unwrap());
                }),
                per_op(iterations, || {
                    let reply: HandEmailCodeSent =
                        serde_json::from_slice(EMAIL_REPLY.as_bytes()).unwrap();
                    black_box(reply);
                }),
            );
        }
        Kind::Phone => {
            let body = UpdatePhoneBody {
                login_id: LOGIN_ID,
                phone: NEW_PHONE,
                add_to_login_ids: false,
                on_merge_use_existing: false,
            };
            let request = || {
                client
                    .otp()
                    .update_phone(refresh, PhoneMethod::Sms, LOGIN_ID, NEW_PHONE)
            };
            build = per_op(iterations, || {
                let _ = black_box(request());
            });
            encode = (
                per_op(iterations, || gen_encode(request())),
                per_op(iterations, || {
                    let path = format!("/v1/auth/otp/update/phone/{}", black_box("sms"));
                    hand_encode(base, &path, Some(REFRESH), &body)
                }),
            );
            into_future = per_op(iterations, || {
                drop(black_box(request().into_future()));
            });
            decode = (
                per_op(iterations, || {
                    black_box(decode_json::<PhoneCodeSent>(PHONE_REPLY.as_bytes()).unwrap());
                }),
                per_op(iterations, || {
                    let reply: HandPhoneCodeSent =
                        serde_json::from_slice(PHONE_REPLY.as_bytes()).unwrap();
                    black_box(reply);
                }),
            );
        }
        Kind::Verify => {
            let body = VerifyBody {
                login_id: LOGIN_ID,
                code: CODE,
            };
            let request = || client.otp().verify(DeliveryMethod::Email, LOGIN_ID, CODE);
            build = per_op(iterations, || {
                let _ = black_box(request());
            });
            encode = (
                per_op(iterations, || gen_encode(request())),
                per_op(iterations, || {
                    let path = format!("/v1/auth/otp/verify/{}", black_box("email"));
                    hand_encode(base, &path, None, &body)
                }),
            );
            into_future = per_op(iterations, || {
                drop(black_box(request().into_future()));
            });
            decode = (
                per_op(iterations, || {
                    black_box(decode_json::<JwtResponse>(SESSION_REPLY.as_bytes()).unwrap());
                }),
                per_op(iterations, || {
                    let reply: HandJwtResponse =
                        serde_json::from_slice(SESSION_REPLY.as_bytes()).unwrap();
                    black_box(reply);
                }),
            );
        }
    }
    let none = (f64::NAN, f64::NAN);
    vec![
        Phase {
            name: "build request value",
            generated: build,
            hand: none,
        },
        Phase {
            name: "build + encode (URL, auth, body)",
            generated: encode.0,
            hand: encode.1,
        },
        Phase {
            name: "build + into_future (unpolled)",
            generated: into_future,
            hand: none,
        },
        Phase {
            name: "decode reply",
            generated: decode.0,
            hand: decode.1,
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// Statistics and printing.

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn range(values: &[f64]) -> (f64, f64) {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (min, max)
}

/// Every sample of one (call, in-flight) pair, paired by round.
struct Series {
    kind: Kind,
    in_flight: usize,
    generated: Vec<Sample>,
    hand: Vec<Sample>,
    /// Diagnostics, measured in the same rounds: [`Side::GeneratedNoTimer`], [`Side::HandTimer`].
    no_timer: Vec<Sample>,
    hand_timer: Vec<Sample>,
}

impl Series {
    fn medians(&self, f: impl Fn(&Sample) -> f64) -> (f64, f64) {
        (
            median(self.generated.iter().map(&f).collect()),
            median(self.hand.iter().map(&f).collect()),
        )
    }

    /// Generated / hand-written per round.
    fn round_ratios(&self, f: impl Fn(&Sample) -> f64) -> Vec<f64> {
        self.generated
            .iter()
            .zip(&self.hand)
            .map(|(g, h)| f(g) / f(h))
            .collect()
    }
}

fn verdict(ok: bool) -> &'static str {
    if ok { "meets" } else { "MISSES" }
}

fn print_report(series: &[Series], rounds: usize) {
    let legend = "ratio = median generated / median hand-written; paired = median of the \
                  per-round ratios (min..max); best = best round / best round";
    println!();
    println!("throughput, calls/s, median of {rounds} rounds (target: ratio ≥ 0.98); {legend}");
    println!(
        "  {:<13} {:>9} {:>10} {:>12} {:>7} {:>7} {:>15} {:>6}  target",
        "call", "in flight", "generated", "hand-written", "ratio", "paired", "rounds", "best"
    );
    for s in series {
        let (g, h) = s.medians(Sample::per_second);
        let paired = s.round_ratios(Sample::per_second);
        let (lo, hi) = range(&paired);
        let best = |v: &[Sample]| range(&v.iter().map(Sample::per_second).collect::<Vec<_>>()).1;
        let ratio = g / h;
        println!(
            "  {:<13} {:>9} {:>10.0} {:>12.0} {:>7.3} {:>7.3} {:>7.3}..{:<6.3} {:>6.3}  {}",
            s.kind.name(),
            s.in_flight,
            g,
            h,
            ratio,
            median(paired),
            lo,
            hi,
            best(&s.generated) / best(&s.hand),
            verdict(ratio >= 0.98)
        );
    }
    println!();
    println!(
        "client CPU per call, µs (client thread, CLOCK_THREAD_CPUTIME_ID), median of {rounds} \
         rounds (target: ratio ≤ 1.03); server thread µs/call for reference"
    );
    println!(
        "  {:<13} {:>9} {:>10} {:>12} {:>7} {:>7} {:>15} {:>6}  {:<7} {:>15}",
        "call",
        "in flight",
        "generated",
        "hand-written",
        "ratio",
        "paired",
        "rounds",
        "best",
        "target",
        "server gen/hand"
    );
    for s in series {
        let (g, h) = s.medians(Sample::cpu_us);
        let paired = s.round_ratios(Sample::cpu_us);
        let (lo, hi) = range(&paired);
        let best = |v: &[Sample]| range(&v.iter().map(Sample::cpu_us).collect::<Vec<_>>()).0;
        let (sg, sh) = s.medians(Sample::server_cpu_us);
        let ratio = g / h;
        println!(
            "  {:<13} {:>9} {:>10.2} {:>12.2} {:>7.3} {:>7.3} {:>7.3}..{:<6.3} {:>6.3}  {:<7} {:>7.2}/{:<7.2}",
            s.kind.name(),
            s.in_flight,
            g,
            h,
            ratio,
            median(paired),
            lo,
            hi,
            best(&s.generated) / best(&s.hand),
            verdict(ratio <= 1.03),
            sg,
            sh
        );
    }
    println!();
    println!(
        "allocations per call on the client thread (median; target: generated − hand-written ≤ 2); \
         reallocs and bytes allocated per call; new connections over all rounds"
    );
    println!(
        "  {:<13} {:>9} {:>11} {:>13} {:>6}  {:<7} {:>15} {:>17} {:>11}",
        "call",
        "in flight",
        "generated",
        "hand-written",
        "Δ",
        "target",
        "reallocs g/h",
        "bytes g/h",
        "conns g/h"
    );
    for s in series {
        let (g, h) = s.medians(Sample::allocs);
        let (rg, rh) = s.medians(Sample::reallocs);
        let (bg, bh) = s.medians(Sample::bytes);
        let conns = |v: &[Sample]| v.iter().map(|s| s.connections).sum::<usize>();
        println!(
            "  {:<13} {:>9} {:>11.2} {:>13.2} {:>+6.2}  {:<7} {:>7.2}/{:<7.2} {:>8.0}/{:<8.0} {:>5}/{:<5}",
            s.kind.name(),
            s.in_flight,
            g,
            h,
            g - h,
            verdict(g - h <= 2.005),
            rg,
            rh,
            bg,
            bh,
            conns(&s.generated),
            conns(&s.hand),
        );
    }
}

fn paired(a: &[Sample], b: &[Sample], f: fn(&Sample) -> f64) -> f64 {
    median(a.iter().zip(b).map(|(a, b)| f(a) / f(b)).collect())
}

fn print_timer_diagnostic(series: &[Series]) {
    println!();
    println!(
        "diagnostic, measured in the same rounds: the per-attempt timeout. \"gen, no timer\" = \
         the generated client built with .timeout(Duration::MAX), which arms no tokio timer; \
         \"hand + timer\" = the hand-written call inside tokio::time::timeout(60 s). Client CPU \
         µs/call (medians) and paired ratios to hand-written"
    );
    println!(
        "  {:<13} {:>9} {:>8} {:>13} {:>8} {:>12} {:>9} {:>13} {:>12} {:>16}",
        "call",
        "in flight",
        "gen",
        "gen, no timer",
        "hand",
        "hand + timer",
        "gen/hand",
        "no timer/hand",
        "+timer/hand",
        "calls/s no t./h"
    );
    for s in series {
        let m = |v: &[Sample]| median(v.iter().map(Sample::cpu_us).collect());
        println!(
            "  {:<13} {:>9} {:>8.2} {:>13.2} {:>8.2} {:>12.2} {:>9.3} {:>13.3} {:>12.3} {:>16.3}",
            s.kind.name(),
            s.in_flight,
            m(&s.generated),
            m(&s.no_timer),
            m(&s.hand),
            m(&s.hand_timer),
            paired(&s.generated, &s.hand, Sample::cpu_us),
            paired(&s.no_timer, &s.hand, Sample::cpu_us),
            paired(&s.hand_timer, &s.hand, Sample::cpu_us),
            paired(&s.no_timer, &s.hand, Sample::per_second),
        );
    }
}

fn print_phases(sides: &Sides, series: &[Series], iterations: usize) {
    println!();
    println!(
        "phases, one call at a time: client CPU µs and allocations per call, generated vs \
         hand-written ({iterations} iterations each; \"rest\" = whole call − encode − decode: \
         transport, reqwest, hyper, runtime)"
    );
    println!(
        "  {:<13} {:<34} {:>9} {:>9} {:>8} {:>8} {:>8} {:>7}",
        "call", "phase", "µs gen", "µs hand", "Δ µs", "allocs g", "allocs h", "Δ"
    );
    for kind in Kind::ALL {
        let phases = phases(sides, kind, iterations);
        let whole = series
            .iter()
            .find(|s| s.kind == kind && s.in_flight == 1)
            .expect("a sequential series");
        let (cpu_g, cpu_h) = whole.medians(Sample::cpu_us);
        let (al_g, al_h) = whole.medians(Sample::allocs);
        let encode = &phases[1];
        let decode = &phases[3];
        let rest = Phase {
            name: "rest (transport)",
            generated: (
                cpu_g - encode.generated.0 - decode.generated.0,
                al_g - encode.generated.1 - decode.generated.1,
            ),
            hand: (
                cpu_h - encode.hand.0 - decode.hand.0,
                al_h - encode.hand.1 - decode.hand.1,
            ),
        };
        let whole = Phase {
            name: "whole call (sequential rounds)",
            generated: (cpu_g, al_g),
            hand: (cpu_h, al_h),
        };
        for (i, phase) in phases.iter().chain([&rest, &whole]).enumerate() {
            let show = |v: f64, precision: usize| {
                if v.is_nan() {
                    "-".to_owned()
                } else {
                    format!("{v:.precision$}")
                }
            };
            let (g, h) = (phase.generated, phase.hand);
            println!(
                "  {:<13} {:<34} {:>9} {:>9} {:>8} {:>8} {:>8} {:>7}",
                if i == 0 { kind.name() } else { "" },
                phase.name,
                show(g.0, 3),
                show(h.0, 3),
                show(g.0 - h.0, 3),
                show(g.1, 2),
                show(h.1, 2),
                show(g.1 - h.1, 2),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Profile mode: one side's call, for callgrind.

#[inline(never)]
fn profile_window(
    runtime: &tokio::runtime::Runtime,
    sides: &Sides,
    server: &Server,
    (side, kind): (Side, Kind),
    calls: usize,
    in_flight: usize,
) -> Sample {
    runtime.block_on(measure(sides, server, side, kind, calls, in_flight))
}

fn profile(which: &str, runtime: &tokio::runtime::Runtime, sides: &Sides, server: &Server) {
    let var = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(default)
    };
    let calls = var("CALLS_PROFILE_N", 2000);
    let in_flight = var("CALLS_PROFILE_IN_FLIGHT", 1);
    let side = match which.split_once('-').map_or(which, |(side, _)| side) {
        "gen" => Side::Generated,
        "hand" => Side::Hand,
        "gennotimer" => Side::GeneratedNoTimer,
        "handtimer" => Side::HandTimer,
        other => panic!("CALLS_PROFILE={which}: unknown side {other:?}"),
    };
    let kind = match which.rsplit_once('-').map_or("", |(_, kind)| kind) {
        "email" => Kind::Email,
        "phone" => Kind::Phone,
        "verify" => Kind::Verify,
        other => panic!("CALLS_PROFILE={which}: unknown call {other:?}"),
    };
    runtime.block_on(measure(sides, server, side, kind, 256, 64));
    runtime.block_on(measure(sides, server, side, kind, 200, 1));
    let sample = profile_window(runtime, sides, server, (side, kind), calls, in_flight);
    println!(
        "profiled {calls} {which} calls, {in_flight} in flight, inside `profile_window`: \
         {:.2} allocations, {:.2} µs client CPU per call",
        sample.allocs(),
        sample.cpu_us()
    );
}

// ---------------------------------------------------------------------------------------------

fn main() {
    // `cargo bench` passes `--bench`; a filter or other flags are not used by this harness.
    let quick = std::env::var_os("CALLS_QUICK").is_some_and(|v| !v.is_empty() && v != "0");
    let (rounds, sequential_calls, concurrent_calls, phase_iterations) = if quick {
        (3, 200, 600, 2_000)
    } else {
        (15, 1_000, 3_000, 20_000)
    };
    let rounds = std::env::var("CALLS_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(rounds);
    const IN_FLIGHT: usize = 64;

    let server = Server::start();
    let client = Client::builder(PROJECT)
        .base_url(&server.url)
        .build()
        .expect("generated client");
    let no_timer = Client::builder(PROJECT)
        .base_url(&server.url)
        .timeout(Duration::MAX)
        .build()
        .expect("generated client without timer");
    let sides = Sides {
        client,
        no_timer,
        refresh: RefreshJwt::new(REFRESH),
        hand: Hand::new(PROJECT, &server.url),
        hand_timer: Hand::new(PROJECT, &server.url),
    };
    count_allocations_on_this_thread();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");

    if let Ok(which) = std::env::var("CALLS_PROFILE") {
        profile(&which, &runtime, &sides, &server);
        return;
    }

    let started = Instant::now();
    println!(
        "descope-api calls bench{}: generated client vs hand-written reqwest + serde_json, \
         server {} on its own thread, client on this thread (current-thread runtime)",
        if quick { " (CALLS_QUICK)" } else { "" },
        server.url
    );
    let series = runtime.block_on(async {
        check_identical(&sides, &server).await;
        // Warm up: fill both connection pools with IN_FLIGHT connections, and the caches.
        for side in Side::ALL {
            for kind in Kind::ALL {
                measure(&sides, &server, side, kind, IN_FLIGHT * 4, IN_FLIGHT).await;
                measure(&sides, &server, side, kind, 200, 1).await;
            }
        }
        let mut series: Vec<Series> = Kind::ALL
            .iter()
            .flat_map(|&kind| {
                [1, IN_FLIGHT].map(|in_flight| Series {
                    kind,
                    in_flight,
                    generated: Vec::new(),
                    hand: Vec::new(),
                    no_timer: Vec::new(),
                    hand_timer: Vec::new(),
                })
            })
            .collect();
        println!(
            "{rounds} rounds, each: for every call and in-flight level, generated, hand-written, \
             then the two timer diagnostics, in the reverse order every other round, each side \
             on a reqwest client of its own ({sequential_calls} calls one at a time, \
             {concurrent_calls} calls {IN_FLIGHT} in flight)"
        );
        for round in 0..rounds {
            for s in &mut series {
                let calls = if s.in_flight == 1 {
                    sequential_calls
                } else {
                    concurrent_calls
                };
                // A B in even rounds, B A in odd ones: neither side always goes first.
                let mut order = Side::ALL;
                if round % 2 == 1 {
                    order.swap(0, 1);
                    order.swap(2, 3);
                }
                for side in order {
                    let sample = measure(&sides, &server, side, s.kind, calls, s.in_flight).await;
                    match side {
                        Side::Generated => s.generated.push(sample),
                        Side::Hand => s.hand.push(sample),
                        Side::GeneratedNoTimer => s.no_timer.push(sample),
                        Side::HandTimer => s.hand_timer.push(sample),
                    }
                }
            }
        }
        series
    });
    print_report(&series, rounds);
    print_timer_diagnostic(&series);
    print_phases(&sides, &series, phase_iterations);
    println!();
    println!("done in {:.1} s", started.elapsed().as_secs_f64());
}
