//! [`Client`], its builder, and [`ManagementClient`].

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::request::bearer;
use crate::{Error, ManagementKey, RetryPolicy};

const DEFAULT_MAX_RESPONSE_SIZE: usize = 4 * 1024 * 1024;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The Descope API base URL for a project, as the official SDKs derive it:
/// project IDs of 32 or more characters encode their region in characters
/// 1 to 4, which select `https://api.<region>.descope.com`; shorter IDs, and
/// anything that is not a project ID (only ASCII letters and digits are),
/// use `https://api.descope.com`.
///
/// ```
/// use descope_api::default_base_url;
/// assert_eq!(default_base_url("P2abcdXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"), "https://api.2abc.descope.com");
/// assert_eq!(default_base_url("P123"), "https://api.descope.com");
/// assert_eq!(default_base_url("Pai/xXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"), "https://api.descope.com");
/// ```
pub fn default_base_url(project_id: &str) -> String {
    if project_id.len() >= 32 && is_project_id(project_id) {
        format!("https://api.{}.descope.com", &project_id[1..5])
    } else {
        "https://api.descope.com".to_owned()
    }
}

/// Whether `id` has the shape of a Descope project ID: ASCII letters and digits only.
fn is_project_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Headers the SDK sets itself, or that HTTP owns: a default header may not replace them.
const RESERVED_HEADERS: &[&str] = &[
    "authorization",
    "connection",
    "content-length",
    "content-type",
    "host",
    "te",
    "transfer-encoding",
    "upgrade",
    "x-descope-project-id",
    "x-descope-sdk-name",
    "x-descope-sdk-version",
];

/// The runtime's handle to the Descope API for one project: its settings, connection pool and
/// session key cache. Cheap to clone: clones share them.
///
/// [`descope_api::Client`](https://docs.rs/descope-api/latest/descope_api/struct.Client.html)
/// wraps it, adds the generated endpoint groups, and dereferences to it for the methods here.
/// Both are made by a [`ClientBuilder`]: descope-api's `Client::new`, `Client::builder` and
/// `Client::from_env` are its shorthands.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    project_id: String,
    /// `Bearer <ProjectID>`, built once.
    project_authorization: HeaderValue,
    base_url: String,
    management_key: Option<ManagementKey>,
    http: reqwest::Client,
    retry_policy: RetryPolicy,
    timeout: Duration,
    max_response_size: usize,
    #[cfg(feature = "session")]
    session: crate::session::SessionState,
}

impl Client {
    /// The project ID.
    pub fn project_id(&self) -> &str {
        &self.inner.project_id
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The configured management key, if any.
    pub fn management_key(&self) -> Option<&ManagementKey> {
        self.inner.management_key.as_ref()
    }

    /// The retry policy of calls that set none of their own.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry_policy
    }

    /// The time allowed for each attempt of a call.
    pub fn timeout(&self) -> Duration {
        self.inner.timeout
    }

    /// The largest successful reply body accepted, in bytes.
    pub fn max_response_size(&self) -> usize {
        self.inner.max_response_size
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(crate) fn project_authorization(&self) -> &HeaderValue {
        &self.inner.project_authorization
    }

    #[cfg(feature = "session")]
    pub(crate) fn session_state(&self) -> &crate::session::SessionState {
        &self.inner.session
    }
}

impl AsRef<Client> for Client {
    fn as_ref(&self) -> &Client {
        self
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("project_id", &self.inner.project_id)
            .field("base_url", &self.inner.base_url)
            .field("management_key", &self.inner.management_key)
            .field("retry_policy", &self.inner.retry_policy)
            .field("timeout", &self.inner.timeout)
            .field("max_response_size", &self.inner.max_response_size)
            .field("session", &self.inner.session_config())
            .finish_non_exhaustive()
    }
}

impl Inner {
    /// The session settings, for `Debug`.
    fn session_config(&self) -> &dyn fmt::Debug {
        #[cfg(feature = "session")]
        return &self.session.config;
        #[cfg(not(feature = "session"))]
        return &"(the auth feature is off)";
    }
}

/// Configures a [`Client`].
///
/// ```no_run
/// # fn main() -> Result<(), descope_api::Error> {
/// let client = descope_api::ClientBuilder::from_env()?
///     .default_header("x-request-source", "billing")
///     .build()?;
/// # Ok(()) }
/// ```
///
/// `C` is the client it builds: descope-api's `ClientBuilder` builds descope-api's `Client`
/// (which adds the generated endpoint groups); the runtime's own is the default.
pub struct ClientBuilder<C = Client> {
    settings: Settings,
    builds: PhantomData<fn() -> C>,
}

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> ClientBuilder<C> {
        ClientBuilder {
            settings: self.settings.clone(),
            builds: PhantomData,
        }
    }
}

/// Where requests go on their way to Descope.
#[derive(Clone, Debug, Default)]
enum Proxy {
    /// reqwest's default: `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY`.
    #[default]
    FromEnvironment,
    /// Through this proxy.
    Url(String),
    /// Straight to the server, whatever the environment says.
    None,
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder for `project_id` with default settings.
    #[must_use]
    pub fn new(project_id: impl Into<String>) -> ClientBuilder<C> {
        ClientBuilder {
            settings: Settings {
                project_id: project_id.into(),
                base_url: None,
                management_key: None,
                timeout: DEFAULT_TIMEOUT,
                connect_timeout: DEFAULT_CONNECT_TIMEOUT,
                headers: Vec::new(),
                retry_policy: RetryPolicy::default(),
                max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
                proxy: Proxy::default(),
                #[cfg(feature = "session")]
                session: crate::session::SessionConfig::default(),
            },
            builds: PhantomData,
        }
    }

    /// A builder from `DESCOPE_PROJECT_ID` (required), `DESCOPE_BASE_URL`
    /// and `DESCOPE_MANAGEMENT_KEY` (optional; empty counts as unset).
    pub fn from_env() -> Result<ClientBuilder<C>, Error> {
        ClientBuilder::from_lookup(|name| std::env::var(name).ok())
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<ClientBuilder<C>, Error> {
        let get = |name: &str| {
            lookup(name)
                .map(|value| value.trim().to_owned())
                .filter(|value| !value.is_empty())
        };
        let project_id = get("DESCOPE_PROJECT_ID")
            .ok_or_else(|| Error::Config("DESCOPE_PROJECT_ID is not set".to_owned()))?;
        let mut builder = ClientBuilder::new(project_id);
        builder.settings.base_url = get("DESCOPE_BASE_URL");
        builder.settings.management_key = get("DESCOPE_MANAGEMENT_KEY").map(ManagementKey::new);
        Ok(builder)
    }

    /// Overrides the base URL, e.g. `http://127.0.0.1:8080`. A trailing `/`
    /// is dropped; it must start with `http://` or `https://`.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> ClientBuilder<C> {
        self.settings.base_url = Some(base_url.into());
        self
    }

    /// Sets the management key that `client.management()` uses ([`ManagementClient::configured`]).
    #[must_use]
    pub fn management_key(mut self, key: ManagementKey) -> ClientBuilder<C> {
        self.settings.management_key = Some(key);
        self
    }

    /// Time allowed for each attempt of a call, from sending the request to
    /// the last byte of the reply (default 60 s). A call that runs out of
    /// time fails with [`Error::Timeout`] and is not retried; to cap a call's
    /// attempts and waits together, see [`RetryPolicy::with_deadline`].
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder<C> {
        self.settings.timeout = timeout;
        self
    }

    /// Time allowed to open a connection (default 10 s). A connection that
    /// cannot be opened in time is retried like a refused one.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder<C> {
        self.settings.connect_timeout = timeout;
        self
    }

    /// When calls are re-sent (default: [`RetryPolicy::default()`], the
    /// official SDKs' contract). Single calls can override it with
    /// [`RequestExt::retry_policy`](crate::RequestExt::retry_policy).
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> ClientBuilder<C> {
        self.settings.retry_policy = policy;
        self
    }

    /// The largest successful reply body accepted, in bytes (default 4 MiB).
    /// A larger one fails with [`Error::ResponseTooLarge`] as soon as the
    /// limit is passed, without reading the rest.
    #[must_use]
    pub fn max_response_size(mut self, bytes: usize) -> ClientBuilder<C> {
        self.settings.max_response_size = bytes;
        self
    }

    /// Sends every request through the proxy at `url` (`http://`, `https://` or
    /// `socks5://` where reqwest supports it), instead of the one the
    /// environment names.
    ///
    /// By default the environment decides, as with reqwest: `HTTPS_PROXY` (for
    /// the `https://` Descope API), `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`.
    /// Through a proxy, an `https://` request is tunnelled (`CONNECT`): the
    /// proxy sees the host, not the `Authorization` header. A plain `http://`
    /// base URL sends every header, credentials included, to the proxy.
    #[must_use]
    pub fn proxy(mut self, url: impl Into<String>) -> ClientBuilder<C> {
        self.settings.proxy = Proxy::Url(url.into());
        self
    }

    /// Connects straight to the server, ignoring `HTTP_PROXY`, `HTTPS_PROXY`
    /// and the other proxy variables.
    #[must_use]
    pub fn no_proxy(mut self) -> ClientBuilder<C> {
        self.settings.proxy = Proxy::None;
        self
    }

    /// Adds a header sent with every request. Invalid names or values, and
    /// the headers the SDK or HTTP itself sets (`Authorization`,
    /// `Content-Type`, `Content-Length`, `Host`, `Transfer-Encoding`,
    /// `Connection`, the `x-descope-*` SDK headers), make
    /// [`build`](Self::build) fail.
    #[must_use]
    pub fn default_header(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> ClientBuilder<C> {
        self.settings.headers.push((name.into(), value.into()));
        self
    }

    /// How long the project's public keys are used before they are fetched again (default 10
    /// minutes). See [`session`](crate::session) for the cache.
    #[cfg(feature = "session")]
    #[must_use]
    pub fn jwks_ttl(mut self, ttl: Duration) -> ClientBuilder<C> {
        self.settings.session.jwks_ttl = ttl;
        self
    }

    /// The least time between two fetches of the project's keys that a token naming an unknown
    /// key may trigger, and between attempts after a failed fetch (default 30 s).
    #[cfg(feature = "session")]
    #[must_use]
    pub fn jwks_refetch_cooldown(mut self, cooldown: Duration) -> ClientBuilder<C> {
        self.settings.session.jwks_refetch_cooldown = cooldown;
        self
    }

    /// Clock skew allowed when checking a token's `exp`, `nbf` and `iat` (default 5 s, whole
    /// seconds, at most 1 hour: [`build`](Self::build) fails above that).
    #[cfg(feature = "session")]
    #[must_use]
    pub fn session_leeway(mut self, leeway: Duration) -> ClientBuilder<C> {
        self.settings.session.leeway = leeway;
        self
    }

    /// Requires session JWTs to carry an `aud` naming one of `audience`. By default `aud` is
    /// optional and, when present, must name the project ID (as Descope sets it).
    #[cfg(feature = "session")]
    #[must_use]
    pub fn audience<I, S>(mut self, audience: I) -> ClientBuilder<C>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.settings.session.audience = Some(audience.into_iter().map(Into::into).collect());
        self
    }

    /// The cookie web requests carry the session JWT in (default `DS`, as Descope's front-end
    /// SDKs set it).
    #[cfg(feature = "session")]
    #[must_use]
    pub fn session_cookie_name(mut self, name: impl Into<String>) -> ClientBuilder<C> {
        self.settings.session.session_cookie = name.into();
        self
    }

    /// The cookie web requests carry the refresh JWT in (default `DSR`).
    #[cfg(feature = "session")]
    #[must_use]
    pub fn refresh_cookie_name(mut self, name: impl Into<String>) -> ClientBuilder<C> {
        self.settings.session.refresh_cookie = name.into();
        self
    }

    /// Builds the client.
    ///
    /// Fails with [`Error::Config`] for an empty project ID, a malformed base
    /// URL, an invalid default header, a session leeway over 1 hour, an invalid
    /// cookie name or an empty audience.
    pub fn build(self) -> Result<C, Error> {
        self.settings.build().map(C::from)
    }
}

/// A builder's settings, without its type parameter: building is compiled once.
#[derive(Clone)]
struct Settings {
    project_id: String,
    base_url: Option<String>,
    management_key: Option<ManagementKey>,
    timeout: Duration,
    connect_timeout: Duration,
    headers: Vec<(String, String)>,
    retry_policy: RetryPolicy,
    max_response_size: usize,
    proxy: Proxy,
    #[cfg(feature = "session")]
    session: crate::session::SessionConfig,
}

impl Settings {
    fn build(self) -> Result<Client, Error> {
        #[cfg(feature = "session")]
        self.session.check()?;
        let project_id = self.project_id;
        if project_id.trim().is_empty() {
            return Err(Error::Config("project ID must not be empty".to_owned()));
        }
        if !is_project_id(&project_id) {
            return Err(Error::Config(
                "project ID must be ASCII letters and digits only, as Descope issues them \
                 (no spaces, `:` or other characters)"
                    .to_owned(),
            ));
        }
        let base_url = match self.base_url {
            Some(url) => url.trim().trim_end_matches('/').to_owned(),
            None => default_base_url(&project_id),
        };
        check_base_url(&base_url)?;
        let headers = default_headers(&project_id, &self.headers)?;
        let mut project_authorization =
            HeaderValue::from_maybe_shared(bytes::Bytes::from(format!("Bearer {project_id}")))
                .map_err(|_| {
                    Error::Config(
                        "project ID contains characters not allowed in an HTTP header".to_owned(),
                    )
                })?;
        project_authorization.set_sensitive(true);

        // reqwest is built without a bundled crypto provider: use ring unless
        // the application already installed one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // The per-attempt timeout is applied by the transport, which also
        // caps it by the retry policy's deadline.
        let mut http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers);
        match &self.proxy {
            Proxy::FromEnvironment => {}
            Proxy::None => http = http.no_proxy(),
            Proxy::Url(url) => {
                // The proxy URL may carry credentials: keep it out of the message.
                let proxy = reqwest::Proxy::all(url.as_str())
                    .map_err(|_| Error::Config("invalid proxy URL".to_owned()))?;
                http = http.proxy(proxy);
            }
        }
        let http = http
            .build()
            .map_err(|err| Error::Config(format!("could not build the HTTP client: {err}")))?;
        #[cfg(feature = "session")]
        let session = crate::session::SessionState::new(self.session, &project_id);
        Ok(Client {
            inner: Arc::new(Inner {
                project_id,
                project_authorization,
                base_url,
                management_key: self.management_key,
                http,
                retry_policy: self.retry_policy,
                timeout: self.timeout,
                max_response_size: self.max_response_size,
                #[cfg(feature = "session")]
                session,
            }),
        })
    }
}

/// A base URL is a scheme, a host, an optional port and an optional path: nothing that would
/// change where calls go (a query or fragment) or add credentials (`user:password@`).
fn check_base_url(base_url: &str) -> Result<(), Error> {
    let config = |message: &str| Err(Error::Config(message.to_owned()));
    if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
        return config("base URL must start with http:// or https://");
    }
    let url = match reqwest::Url::parse(base_url) {
        Ok(url) => url,
        Err(err) => return Err(Error::Config(format!("invalid base URL: {err}"))),
    };
    if !url.username().is_empty() || url.password().is_some() {
        return config(
            "base URL must not carry credentials (`user:password@`): the SDK sends its own \
             Authorization header",
        );
    }
    if url.query().is_some() {
        return config("base URL must not have a query (`?…`): every call's path goes after it");
    }
    if url.fragment().is_some() {
        return config("base URL must not have a fragment (`#…`)");
    }
    Ok(())
}

fn default_headers(project_id: &str, custom: &[(String, String)]) -> Result<HeaderMap, Error> {
    let project = HeaderValue::from_str(project_id).map_err(|_| {
        Error::Config("project ID contains characters not allowed in an HTTP header".to_owned())
    })?;
    let mut headers = HeaderMap::new();
    let user_agent = format!("descope-api-rust/{SDK_VERSION}");
    headers.insert(
        reqwest::header::USER_AGENT,
        HeaderValue::from_str(&user_agent).expect("valid user agent"),
    );
    headers.insert("x-descope-sdk-name", HeaderValue::from_static("rust"));
    headers.insert(
        "x-descope-sdk-version",
        HeaderValue::from_static(SDK_VERSION),
    );
    headers.insert("x-descope-project-id", project);
    for (name, value) in custom {
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| Error::Config(format!("invalid default header name {name:?}")))?;
        if RESERVED_HEADERS.contains(&header_name.as_str()) {
            return Err(Error::Config(format!(
                "default header {name:?} is set by the SDK or by HTTP itself; it cannot be replaced"
            )));
        }
        let header_value = HeaderValue::from_str(value)
            .map_err(|_| Error::Config(format!("invalid value for default header {name:?}")))?;
        headers.insert(header_name, header_value);
    }
    Ok(headers)
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self
            .settings
            .headers
            .iter()
            .map(|(n, _)| n.as_str())
            .collect();
        f.debug_struct("ClientBuilder")
            .field("project_id", &self.settings.project_id)
            .field(
                "base_url",
                &self.settings.base_url.as_deref().map(redact_userinfo),
            )
            .field("management_key", &self.settings.management_key)
            .field("timeout", &self.settings.timeout)
            .field("connect_timeout", &self.settings.connect_timeout)
            .field("default_headers", &header_names)
            .field("retry_policy", &self.settings.retry_policy)
            .field("max_response_size", &self.settings.max_response_size)
            .field("session", &self.session_config())
            .field(
                "proxy",
                &match &self.settings.proxy {
                    Proxy::FromEnvironment => "from the environment".to_owned(),
                    Proxy::None => "none".to_owned(),
                    Proxy::Url(url) => redact_userinfo(url),
                },
            )
            .finish()
    }
}

impl<C> ClientBuilder<C> {
    /// The session settings, for `Debug`.
    fn session_config(&self) -> &dyn fmt::Debug {
        #[cfg(feature = "session")]
        return &self.settings.session;
        #[cfg(not(feature = "session"))]
        return &"(the auth feature is off)";
    }
}

/// `scheme://user:password@host…` → `scheme://***@host…`, for `Debug`.
fn redact_userinfo(url: &str) -> String {
    let Some(scheme) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let authority_end = url[scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| scheme + i);
    match url[scheme..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..scheme], &url[scheme + at..]),
        None => url.to_owned(),
    }
}

/// A [`Client`] together with the [`ManagementKey`] that the management APIs require; what
/// descope-api's `ManagementClient` wraps.
#[derive(Clone)]
pub struct ManagementClient {
    client: Client,
    key: ManagementKey,
    /// `Bearer <ProjectID>:<ManagementKey>`, built once; or why the key cannot be sent.
    authorization: Result<HeaderValue, &'static str>,
}

impl ManagementClient {
    /// A management client of `client` using the management key it was configured with.
    ///
    /// Fails with [`Error::Config`] when no key was configured.
    pub fn configured(client: &Client) -> Result<ManagementClient, Error> {
        match &client.inner.management_key {
            Some(key) => Ok(ManagementClient::new(client, key.clone())),
            None => Err(Error::Config(
                "no management key configured: set DESCOPE_MANAGEMENT_KEY or call \
                 ClientBuilder::management_key"
                    .to_owned(),
            )),
        }
    }

    /// A management client of `client` using `key`.
    pub fn new(client: &Client, key: ManagementKey) -> ManagementClient {
        ManagementClient {
            authorization: bearer(client.project_id(), key.expose_secret()),
            client: client.clone(),
            key,
        }
    }

    /// The underlying client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The project ID.
    pub fn project_id(&self) -> &str {
        self.client.project_id()
    }

    pub(crate) fn authorization(&self) -> Result<&HeaderValue, &'static str> {
        self.authorization.as_ref().map_err(|reason| *reason)
    }

    /// The management key.
    pub fn key(&self) -> &ManagementKey {
        &self.key
    }
}

impl AsRef<ManagementClient> for ManagementClient {
    fn as_ref(&self) -> &ManagementClient {
        self
    }
}

impl fmt::Debug for ManagementClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ManagementClient")
            .field("project_id", &self.client.project_id())
            .field("base_url", &self.client.base_url())
            .field("key", &self.key)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_derivation() {
        assert_eq!(
            default_base_url("P2abcdXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
            "https://api.2abc.descope.com"
        );
        assert_eq!(
            default_base_url("Puse1XXXXXXXXXXXXXXXXXXXXXXXXXXX"),
            "https://api.use1.descope.com"
        );
        assert_eq!(default_base_url("P123"), "https://api.descope.com");
        assert_eq!(default_base_url(&"P".repeat(31)), "https://api.descope.com");
        assert_eq!(default_base_url(""), "https://api.descope.com");
    }

    #[test]
    fn build_validates() {
        assert!(matches!(
            ClientBuilder::<Client>::new("").build(),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            ClientBuilder::<Client>::new("  ").build(),
            Err(Error::Config(_))
        ));
        let client = ClientBuilder::<Client>::new("P123")
            .base_url("http://127.0.0.1:8080//")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:8080");
        assert_eq!(client.project_id(), "P123");
        let err = ClientBuilder::<Client>::new("P123")
            .base_url("ftp://x")
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)));
        let err = ClientBuilder::<Client>::new("P123")
            .default_header("bad name", "v")
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)));
        let err = ClientBuilder::<Client>::new("P123")
            .default_header("x-ok", "bad\nvalue")
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)));
        assert!(!err.to_string().contains("bad\nvalue"));
    }

    #[test]
    fn project_ids_are_letters_and_digits() {
        for bad in [
            "P2 probe", " P2probe", "P2probe ", "P2:probe", "P2prøbe", "Pai/x",
        ] {
            let err = ClientBuilder::<Client>::new(bad).build().unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{bad:?}");
        }
        assert!(ClientBuilder::<Client>::new("P2probe").build().is_ok());
        // The region comes only from a valid ID.
        assert_eq!(
            default_base_url(&format!("Pai/x{}", "X".repeat(30))),
            "https://api.descope.com"
        );
        assert_eq!(
            default_base_url(&format!("P{}", "é".repeat(20))),
            "https://api.descope.com"
        );
    }

    #[test]
    fn base_urls_refuse_queries_fragments_and_credentials() {
        for (url, what) in [
            ("http://h?tenant=a", "query"),
            ("http://h/#x", "fragment"),
            ("http://user:s3cret-pw@h", "credentials"),
            ("http://user@h", "credentials"),
        ] {
            let err = ClientBuilder::<Client>::new("P1")
                .base_url(url)
                .build()
                .unwrap_err();
            let shown = err.to_string();
            assert!(shown.contains(what), "{url}: {shown}");
            assert!(!shown.contains("s3cret-pw"), "{shown}");
        }
        let builder = ClientBuilder::<Client>::new("P1")
            .base_url("http://user:s3cret-pw@h/x@y")
            .proxy("http://me:pr0xy-pw@proxy:3128");
        let shown = format!("{builder:?}");
        assert!(
            !shown.contains("s3cret-pw") && !shown.contains("pr0xy-pw"),
            "{shown}"
        );
        assert!(shown.contains("http://***@h/x@y"), "{shown}");
        assert!(
            ClientBuilder::<Client>::new("P1")
                .base_url("http://127.0.0.1:8080/api/")
                .build()
                .is_ok()
        );
    }

    #[test]
    fn reserved_headers_are_refused() {
        for name in [
            "content-length",
            "Host",
            "authorization",
            "Transfer-Encoding",
            "content-type",
            "x-descope-project-id",
        ] {
            let err = ClientBuilder::<Client>::new("P1")
                .default_header(name, "1")
                .build()
                .unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{name}");
        }
        assert!(
            ClientBuilder::<Client>::new("P1")
                .default_header("x-tenant", "a")
                .build()
                .is_ok()
        );
        assert!(
            ClientBuilder::<Client>::new("P1")
                .default_header("user-agent", "mine/1")
                .build()
                .is_ok()
        );
    }

    #[test]
    fn proxies() {
        assert!(
            ClientBuilder::<Client>::new("P1")
                .proxy("http://127.0.0.1:3128")
                .build()
                .is_ok()
        );
        assert!(
            ClientBuilder::<Client>::new("P1")
                .no_proxy()
                .build()
                .is_ok()
        );
        let err = ClientBuilder::<Client>::new("P1")
            .proxy("::not a url")
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
    }

    #[test]
    fn management_client() {
        let client = ClientBuilder::<Client>::new("P123").build().unwrap();
        let err = ManagementClient::configured(&client).unwrap_err();
        assert!(err.to_string().contains("DESCOPE_MANAGEMENT_KEY"));
        let client = ClientBuilder::<Client>::new("P123")
            .management_key(ManagementKey::new("mgmt-secret"))
            .build()
            .unwrap();
        let mgmt = ManagementClient::configured(&client).unwrap();
        assert_eq!(mgmt.key().expose_secret(), "mgmt-secret");
        assert_eq!(mgmt.client().base_url(), "https://api.descope.com");
        for shown in [format!("{client:?}"), format!("{mgmt:?}")] {
            assert!(shown.contains("P123"), "{shown}");
            assert!(!shown.contains("mgmt-secret"), "{shown}");
        }
        let builder =
            ClientBuilder::<Client>::new("P1").management_key(ManagementKey::new("mgmt-secret"));
        assert!(!format!("{builder:?}").contains("mgmt-secret"));
    }

    #[test]
    fn from_lookup() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        assert!(matches!(
            ClientBuilder::<Client>::from_lookup(env(&[])),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            ClientBuilder::<Client>::from_lookup(env(&[("DESCOPE_PROJECT_ID", " ")])),
            Err(Error::Config(_))
        ));
        let client = ClientBuilder::<Client>::from_lookup(env(&[
            ("DESCOPE_PROJECT_ID", "P123"),
            ("DESCOPE_BASE_URL", "http://localhost:1/"),
            ("DESCOPE_MANAGEMENT_KEY", "k"),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert_eq!(client.base_url(), "http://localhost:1");
        assert_eq!(client.management_key().unwrap().expose_secret(), "k");
        let client = ClientBuilder::<Client>::from_lookup(env(&[
            ("DESCOPE_PROJECT_ID", "P123"),
            ("DESCOPE_MANAGEMENT_KEY", ""),
        ]))
        .unwrap()
        .build()
        .unwrap();
        assert!(client.management_key().is_none());
        assert_eq!(client.base_url(), "https://api.descope.com");
    }
}
