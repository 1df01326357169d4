//! The HTTP server, the [`Emulator`] handle and its builder.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, RawQuery, State as Extract};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use descope_spec::AuthStyle;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::api::{Api, api, is_email, is_phone};
use crate::auth::{Caller, authorize};
use crate::error::{Code, Fail};
use crate::flows::{Request, dispatch, implemented};
use crate::jwt::{Keys, SigningAlgorithm};
use crate::model::{Limits, Message, NewUser, SeedError, User, UserTenant};
use crate::state::State;

/// The project ID an emulator uses unless told otherwise.
pub const DEFAULT_PROJECT_ID: &str = "P2emulatorLocalProject";

/// The management key an emulator accepts unless told otherwise. Like the signing key it is
/// public: it only opens the emulator's management API.
pub const DEFAULT_MANAGEMENT_KEY: &str = "K2emulatorManagementKey";

/// A callback that sees every message the emulator "sends".
type OnSend = Arc<dyn Fn(&Message) + Send + Sync>;

/// What the request handlers share.
pub(crate) struct Shared {
    /// The resolved spec requests are checked against.
    pub api: &'static Api,
    pub project_id: String,
    /// The management key `Bearer <ProjectID>:<ManagementKey>` must carry.
    pub management_key: String,
    pub base_url: String,
    /// The `iss` claim of every JWT: `<base URL>/<project ID>`.
    pub issuer: String,
    pub keys: Keys,
    pub limits: Limits,
    pub redirect_url: String,
    /// How long a key retired by [`Emulator::rotate_keys`] keeps verifying.
    key_grace: Duration,
    clock_offset: AtomicU64,
    state: Mutex<State>,
    on_send: Option<OnSend>,
}

impl Shared {
    /// The emulator's clock, in Unix seconds: the system clock plus any
    /// [`Emulator::advance_time`].
    pub fn now(&self) -> u64 {
        let system = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        system + self.clock_offset.load(Ordering::Relaxed)
    }

    /// The state, swept of expired entries.
    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves no half-done change that matters to a test
        // emulator; keep serving.
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.sweep(self.now(), &self.limits);
        state
    }
}

/// A running emulator: an HTTP server on its own port, and Rust access to its users and outbox.
///
/// Dropping it stops the server.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// let emulator = descope_emulator::Emulator::start().await?;
/// println!("{} serves project {}", emulator.base_url(), emulator.project_id());
/// # Ok(()) }
/// ```
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.shared.base_url)
            .field("project_id", &self.shared.project_id)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Starts an emulator with default settings on an ephemeral port of 127.0.0.1, on the
    /// current tokio runtime.
    pub async fn start() -> std::io::Result<Emulator> {
        Emulator::builder().start().await
    }

    /// A builder for an emulator with other settings.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The base URL to point a client at, e.g. `http://127.0.0.1:4510` (no trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The project ID the emulator accepts.
    pub fn project_id(&self) -> &str {
        &self.shared.project_id
    }

    /// The management key the emulator accepts (default [`DEFAULT_MANAGEMENT_KEY`]), for
    /// `ClientBuilder::management_key` or `DESCOPE_MANAGEMENT_KEY`.
    pub fn management_key(&self) -> &str {
        &self.shared.management_key
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every message still in the outbox, oldest first.
    pub fn outbox(&self) -> Vec<Message> {
        self.shared.state().outbox().cloned().collect()
    }

    /// The newest message for `login_id`, or sent to the address `login_id`.
    pub fn last_message(&self, login_id: &str) -> Option<Message> {
        self.shared
            .state()
            .outbox()
            .rev()
            .find(|m| m.login_id == login_id || m.to == login_id)
            .cloned()
    }

    /// The code (or magic-link token) of the newest message for `login_id`.
    pub fn last_code(&self, login_id: &str) -> Option<String> {
        self.last_message(login_id).map(|m| m.code)
    }

    /// Every user, in no particular order.
    pub fn users(&self) -> Vec<User> {
        self.shared.state().users().cloned().collect()
    }

    /// The user who signs in with `login_id`.
    pub fn user(&self, login_id: &str) -> Option<User> {
        self.shared.state().user_by_login(login_id).cloned()
    }

    /// Adds a user, as if it had signed up and verified its email and phone.
    pub fn seed_user(&self, new: NewUser) -> Result<User, SeedError> {
        seed(&self.shared, new)
    }

    /// Moves the emulator's clock forward, to expire codes, JWTs, sessions and users without
    /// waiting.
    pub fn advance_time(&self, by: Duration) {
        self.shared
            .clock_offset
            .fetch_add(by.as_secs(), Ordering::Relaxed);
    }

    /// The emulator's clock, in Unix seconds.
    pub fn now(&self) -> u64 {
        self.shared.now()
    }

    /// The key set that verifies the emulator's JWTs, as `/v2/keys/{projectId}` serves it: the
    /// current key first, then any key retired by [`rotate_keys`](Self::rotate_keys) within its
    /// grace period.
    pub fn jwks(&self) -> Value {
        json!({ "keys": self.shared.keys.jwks(self.shared.now()) })
    }

    /// Rotates the signing key: JWTs are signed with a new key (same algorithm) from now on, and
    /// the key set serves it first; the old key stays in the key set, and keeps verifying, for
    /// the grace period ([`EmulatorBuilder::key_grace_period`], default 1 hour of emulator
    /// time). An RS256 emulator rotates through built-in, public test keys in a fixed order;
    /// ECDSA emulators generate a fresh key.
    pub fn rotate_keys(&self) {
        let now = self.shared.now();
        let until = now.saturating_add(self.shared.key_grace.as_secs());
        self.shared.keys.rotate(now, until);
    }

    /// The key ID (`kid`) of the key signing now.
    pub fn key_id(&self) -> String {
        self.shared.keys.kid(self.shared.now())
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// How many users, pending codes and links, sessions and outbox messages are held now.
    pub fn sizes(&self) -> Sizes {
        let (users, pending, sessions, outbox) = self.shared.state().sizes();
        Sizes {
            users,
            pending,
            sessions,
            outbox,
        }
    }

    /// The operations the emulator implements, by their id in the spec
    /// (`auth.otp.update_email`). Every other operation in `spec/` answers 501.
    pub fn implemented_operations() -> Vec<&'static str> {
        implemented().collect()
    }

    /// The spec's operations the emulator checks but does not implement (they answer 501).
    pub fn unimplemented_operations() -> Vec<&'static str> {
        let Ok(api) = api() else {
            return Vec::new();
        };
        api.operations()
            .map(|op| op.id.as_str())
            .filter(|id| !implemented().any(|done| done == *id))
            .collect()
    }

    /// Stops the server and waits for it to finish.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    /// Serves until the server stops (never, unless it fails); for the standalone binary.
    pub async fn wait(mut self) {
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// How much the emulator holds, from [`Emulator::sizes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Sizes {
    /// Users.
    pub users: usize,
    /// Pending codes and magic links.
    pub pending: usize,
    /// Sessions, live or logged out.
    pub sessions: usize,
    /// Outbox messages.
    pub outbox: usize,
}

/// Configures an [`Emulator`].
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use descope_emulator::{Emulator, Limits};
/// let emulator = Emulator::builder()
///     .project_id("P2mine")
///     .port(4510)
///     .limits(Limits { max_users: 100, ..Limits::default() })
///     .start()
///     .await?;
/// # let _ = emulator; Ok(()) }
/// ```
#[derive(Clone)]
pub struct EmulatorBuilder {
    project_id: String,
    management_key: String,
    addr: SocketAddr,
    limits: Limits,
    key_der: Option<Vec<u8>>,
    algorithm: SigningAlgorithm,
    key_grace: Duration,
    redirect_url: Option<String>,
    on_send: Option<OnSend>,
}

impl Default for EmulatorBuilder {
    fn default() -> EmulatorBuilder {
        EmulatorBuilder {
            project_id: DEFAULT_PROJECT_ID.to_owned(),
            management_key: DEFAULT_MANAGEMENT_KEY.to_owned(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            limits: Limits::default(),
            key_der: None,
            algorithm: SigningAlgorithm::default(),
            key_grace: Duration::from_secs(60 * 60),
            redirect_url: None,
            on_send: None,
        }
    }
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("project_id", &self.project_id)
            .field("addr", &self.addr)
            .field("limits", &self.limits)
            .field("own_key", &self.key_der.is_some())
            .field("algorithm", &self.algorithm)
            .field("key_grace", &self.key_grace)
            .field("redirect_url", &self.redirect_url)
            .finish_non_exhaustive()
    }
}

impl EmulatorBuilder {
    /// The project ID to accept (default [`DEFAULT_PROJECT_ID`]).
    #[must_use]
    pub fn project_id(mut self, project_id: impl Into<String>) -> EmulatorBuilder {
        self.project_id = project_id.into();
        self
    }

    /// The management key to accept (default [`DEFAULT_MANAGEMENT_KEY`]).
    #[must_use]
    pub fn management_key(mut self, key: impl Into<String>) -> EmulatorBuilder {
        self.management_key = key.into();
        self
    }

    /// The address to listen on (default `127.0.0.1:0`, an ephemeral port).
    #[must_use]
    pub fn addr(mut self, addr: SocketAddr) -> EmulatorBuilder {
        self.addr = addr;
        self
    }

    /// The port to listen on, keeping the host.
    #[must_use]
    pub fn port(mut self, port: u16) -> EmulatorBuilder {
        self.addr.set_port(port);
        self
    }

    /// Caps and lifetimes (default [`Limits::default`]).
    #[must_use]
    pub fn limits(mut self, limits: Limits) -> EmulatorBuilder {
        self.limits = limits;
        self
    }

    /// Signs JWTs with this RSA key (PKCS#8 DER, 2048 to 8192 bits) instead of the built-in,
    /// public, emulator-only test key. [`start`](Self::start) fails if it is unusable.
    #[must_use]
    pub fn signing_key_pkcs8(mut self, der: impl Into<Vec<u8>>) -> EmulatorBuilder {
        self.key_der = Some(der.into());
        self
    }

    /// Signs JWTs with `algorithm` (default [`SigningAlgorithm::Rs256`], as Descope does). The
    /// ECDSA algorithms use a key generated at start; they cannot be combined with
    /// [`signing_key_pkcs8`](Self::signing_key_pkcs8) ([`start`](Self::start) fails).
    #[must_use]
    pub fn signing_algorithm(mut self, algorithm: SigningAlgorithm) -> EmulatorBuilder {
        self.algorithm = algorithm;
        self
    }

    /// How long a key retired by [`Emulator::rotate_keys`] stays in the key set and keeps
    /// verifying, in emulator time (default 1 hour).
    #[must_use]
    pub fn key_grace_period(mut self, grace: Duration) -> EmulatorBuilder {
        self.key_grace = grace;
        self
    }

    /// Where magic links point when a request has no `redirectUrl` (default
    /// `http://localhost:3000/verify`), the project's configured URL on a real project.
    #[must_use]
    pub fn redirect_url(mut self, url: impl Into<String>) -> EmulatorBuilder {
        self.redirect_url = Some(url.into());
        self
    }

    /// Calls `callback` for every message put in the outbox (the standalone binary prints
    /// them). It runs on a server task: keep it short, and do not call the emulator from it.
    #[must_use]
    pub fn on_send(
        mut self,
        callback: impl Fn(&Message) + Send + Sync + 'static,
    ) -> EmulatorBuilder {
        self.on_send = Some(Arc::new(callback));
        self
    }

    /// Binds the address and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let keys = Keys::new(self.algorithm, self.key_der.as_deref())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        // Resolve the spec before accepting requests, so a broken spec fails here.
        let api = api().map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let listener = TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let shared = Arc::new(Shared {
            api,
            issuer: format!("{base_url}/{}", self.project_id),
            project_id: self.project_id,
            management_key: self.management_key,
            base_url,
            keys,
            key_grace: self.key_grace,
            redirect_url: self
                .redirect_url
                .unwrap_or_else(|| "http://localhost:3000/verify".to_owned()),
            clock_offset: AtomicU64::new(0),
            state: Mutex::new(State::default()),
            on_send: self.on_send,
            limits: self.limits,
        });
        let app = router(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Emulator {
            shared,
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

fn router(shared: Arc<Shared>) -> Router {
    let limit = shared.limits.max_body_bytes;
    Router::new()
        .route("/emulator", get(index))
        .route("/emulator/outbox", get(outbox))
        .route("/emulator/outbox/last", get(last_message))
        .route("/emulator/users", get(users).post(seed_route))
        .fallback(descope_api)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(shared)
}

/// Every request outside `/emulator`: route, authorize, check, run.
async fn descope_api(
    Extract(shared): Extract<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            let limit = shared.limits.max_body_bytes;
            return Fail::new(
                Code::BadRequest,
                format!("the body is larger than the emulator's limit of {limit} bytes"),
            )
            .into_response();
        }
        Err(rejection) => {
            return Fail::new(
                Code::BadRequest,
                format!("the body could not be read: {rejection}"),
            )
            .into_response();
        }
    };
    let (result, sent) = handle(&shared, &method, &uri, &headers, &body);
    if let Some(on_send) = &shared.on_send {
        for message in &sent {
            on_send(message);
        }
    }
    match result {
        Ok(reply) => (StatusCode::OK, axum::Json(reply)).into_response(),
        Err(fail) => fail.into_response(),
    }
}

fn handle(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> (Result<Value, Fail>, Vec<Message>) {
    let api = shared.api;
    let routed = match api.route(method.as_str(), uri.path()) {
        Ok(routed) => routed,
        Err(fail) => return (Err(fail), Vec::new()),
    };
    let mut op = routed.op;
    let now = shared.now();
    let mut state = shared.state();
    let header = headers.get(header::AUTHORIZATION).map(|v| v.as_bytes());
    let caller = match authorize(shared, &state, op.auth, header, now) {
        Ok(caller) => caller,
        // try-refresh treats a missing or unusable refresh JWT as "no session".
        Err(fail) if op.id == "auth.session.try_refresh" && fail.code != Code::WrongProject => {
            Caller::Anonymous
        }
        Err(fail) => return (Err(fail), Vec::new()),
    };
    let query = parse_query(uri.query());
    let check = |op| {
        api.check_body(op, body)
            .and_then(|body| api.check_query(op, &query).map(|()| body))
    };
    // Operations sharing the route: the first whose checks pass, else the first one's error.
    let mut checked = check(op);
    for &other in &routed.alternatives {
        if checked.is_ok() {
            break;
        }
        if let Ok(body) = check(other) {
            (op, checked) = (other, Ok(body));
        }
    }
    let body = match checked {
        Ok(body) => body,
        Err(fail) => return (Err(fail), Vec::new()),
    };
    debug_assert!(op.auth != AuthStyle::None || matches!(caller, Caller::Anonymous));
    let before = state.outbox().next_back().map_or(0, |m| m.id);
    let request = Request {
        op,
        params: &routed.params,
        body: &body,
        query: &query,
        caller,
    };
    let result = dispatch(shared, &mut state, &request, now);
    let mut sent: Vec<Message> = state
        .outbox()
        .rev()
        .take_while(|m| m.id > before)
        .cloned()
        .collect();
    sent.reverse();
    (result, sent)
}

fn parse_query(query: Option<&str>) -> HashMap<String, String> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

// ---- emulator-only routes ---------------------------------------------------------------

async fn index(Extract(shared): Extract<Arc<Shared>>) -> Response {
    axum::Json(json!({
        "emulator": "descope-emulator",
        "projectId": shared.project_id,
        "managementKey": shared.management_key,
        "baseUrl": shared.base_url,
        "implemented": Emulator::implemented_operations(),
        "notImplemented": Emulator::unimplemented_operations(),
        "routes": [
            "GET /emulator/outbox?loginId=",
            "GET /emulator/outbox/last?loginId=",
            "GET /emulator/users",
            "POST /emulator/users",
        ],
    }))
    .into_response()
}

async fn outbox(Extract(shared): Extract<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let query = parse_query(query.as_deref());
    let filter = query.get("loginId");
    let messages: Vec<Value> = shared
        .state()
        .outbox()
        .filter(|m| filter.is_none_or(|id| &m.login_id == id || &m.to == id))
        .map(Message::to_json)
        .collect();
    axum::Json(Value::Array(messages)).into_response()
}

async fn last_message(
    Extract(shared): Extract<Arc<Shared>>,
    RawQuery(query): RawQuery,
) -> Response {
    let query = parse_query(query.as_deref());
    let Some(login_id) = query.get("loginId") else {
        return Fail::new(Code::MissingArgument, "missing query parameter `loginId`")
            .into_response();
    };
    let message = shared
        .state()
        .outbox()
        .rev()
        .find(|m| &m.login_id == login_id || &m.to == login_id)
        .map(Message::to_json);
    axum::Json(message.unwrap_or(Value::Null)).into_response()
}

async fn users(Extract(shared): Extract<Arc<Shared>>) -> Response {
    let users: Vec<Value> = shared.state().users().map(User::to_json).collect();
    axum::Json(Value::Array(users)).into_response()
}

/// `POST /emulator/users` with `{"loginId", "email", "phone", "name", "roleNames",
/// "userTenants": [{"tenantId", "roleNames"}], "verified"}`.
async fn seed_route(Extract(shared): Extract<Arc<Shared>>, body: Bytes) -> Response {
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&body) else {
        return Fail::new(Code::BadRequest, "the body must be a JSON object").into_response();
    };
    let text = |name: &str| body.get(name).and_then(Value::as_str).map(str::to_owned);
    let strings = |value: Option<&Value>| -> Vec<String> {
        value
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut new = NewUser::new(text("loginId").unwrap_or_default());
    new.email = text("email");
    new.phone = text("phone");
    new.name = text("name").unwrap_or_default();
    new.role_names = strings(body.get("roleNames"));
    new.verified = body
        .get("verified")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    for tenant in body
        .get("userTenants")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let id = tenant
            .get("tenantId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        new.tenants.push(UserTenant {
            tenant_id: id.to_owned(),
            tenant_name: tenant
                .get("tenantName")
                .and_then(Value::as_str)
                .unwrap_or(id)
                .to_owned(),
            role_names: strings(tenant.get("roleNames")),
        });
    }
    match seed(&shared, new) {
        Ok(user) => axum::Json(user.to_json()).into_response(),
        Err(SeedError::Exists(id)) => Fail::new(
            Code::UserExists,
            format!("a user with login ID {id} already exists"),
        )
        .into_response(),
        Err(e) => Fail::new(Code::ValidationFailure, e.to_string()).into_response(),
    }
}

fn seed(shared: &Shared, new: NewUser) -> Result<User, SeedError> {
    let login_id = new.login_id.trim().to_owned();
    if login_id.is_empty() {
        return Err(SeedError::Invalid(
            "the login ID must not be empty".to_owned(),
        ));
    }
    let email = new
        .email
        .or_else(|| is_email(&login_id).then(|| login_id.clone()))
        .unwrap_or_default();
    let phone = new
        .phone
        .or_else(|| is_phone(&login_id).then(|| login_id.clone()))
        .unwrap_or_default();
    if !email.is_empty() && !is_email(&email) {
        return Err(SeedError::Invalid(format!(
            "{email} is not a valid email address"
        )));
    }
    if !phone.is_empty() && !is_phone(&phone) {
        return Err(SeedError::Invalid(format!(
            "{phone} is not a valid phone number"
        )));
    }
    let now = shared.now();
    let mut state = shared.state();
    if state.user_id_by_login(&login_id).is_some() {
        return Err(SeedError::Exists(login_id));
    }
    let user = User {
        user_id: shared.keys.random_id("U2"),
        login_ids: vec![login_id],
        verified_email: new.verified && !email.is_empty(),
        verified_phone: new.verified && !phone.is_empty(),
        email,
        phone,
        name: new.name,
        given_name: String::new(),
        middle_name: String::new(),
        family_name: String::new(),
        picture: String::new(),
        role_names: new.role_names,
        tenants: new.tenants,
        custom_attributes: serde_json::Map::new(),
        created_time: now,
        status: "enabled".to_owned(),
        test: false,
    };
    state.insert_user(user.clone(), now, &shared.limits);
    Ok(user)
}
