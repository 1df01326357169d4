//! [`Client`], its builder, and [`ManagementClient`]: the runtime's clients, wrapped so that the
//! generated endpoint groups are their own methods (`client.otp()`, `management.user()`).
//!
//! The wrappers hold nothing but the runtime's client; everything they do is done once, in
//! descope-runtime.

use std::fmt;
use std::ops::Deref;

use crate::{Error, ManagementKey};

/// A handle to the Descope API for one project.
///
/// Cheap to clone: clones share one connection pool. Its endpoint groups are methods
/// (`client.otp()`, `client.session()`, ...); its settings, and session validation
/// ([`validate_session`](descope_runtime::Client::validate_session) with the `auth` feature),
/// come from the runtime's client it dereferences to.
///
/// ```
/// # fn main() -> Result<(), descope_api::Error> {
/// use std::time::Duration;
/// let client = descope_api::Client::builder("P2abc")
///     .timeout(Duration::from_secs(30))
///     .build()?;
/// assert_eq!(client.timeout(), Duration::from_secs(30));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client(descope_runtime::Client);

/// Configures a [`Client`]; its settings are the methods of the runtime's builder, which this
/// names with descope-api's [`Client`] as what it builds.
pub type ClientBuilder = descope_runtime::ClientBuilder<Client>;

impl Client {
    /// A client with default settings for `project_id`.
    pub fn new(project_id: impl Into<String>) -> Result<Client, Error> {
        Client::builder(project_id).build()
    }

    /// A builder for a client of `project_id`.
    pub fn builder(project_id: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(project_id)
    }

    /// A client configured from `DESCOPE_PROJECT_ID` (required),
    /// `DESCOPE_BASE_URL` and `DESCOPE_MANAGEMENT_KEY` (optional).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// A management client using the configured management key.
    ///
    /// Fails with [`Error::Config`] when no key was configured.
    pub fn management(&self) -> Result<ManagementClient, Error> {
        descope_runtime::ManagementClient::configured(&self.0).map(|inner| ManagementClient {
            client: self.clone(),
            inner,
        })
    }

    /// A management client using `key`.
    pub fn with_management_key(&self, key: ManagementKey) -> ManagementClient {
        ManagementClient {
            client: self.clone(),
            inner: descope_runtime::ManagementClient::new(&self.0, key),
        }
    }

    /// The runtime's client this one wraps: what the `Deref` reaches, by name (the axum
    /// extractor finds it in a request's extensions).
    pub fn runtime(&self) -> &descope_runtime::Client {
        &self.0
    }
}

impl From<Client> for descope_runtime::Client {
    fn from(client: Client) -> descope_runtime::Client {
        client.0
    }
}

impl From<descope_runtime::Client> for Client {
    fn from(client: descope_runtime::Client) -> Client {
        Client(client)
    }
}

impl Deref for Client {
    type Target = descope_runtime::Client;

    fn deref(&self) -> &descope_runtime::Client {
        &self.0
    }
}

impl AsRef<descope_runtime::Client> for Client {
    fn as_ref(&self) -> &descope_runtime::Client {
        &self.0
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A [`Client`] together with the [`ManagementKey`] that the management
/// APIs require.
///
/// ```
/// # fn main() -> Result<(), descope_api::Error> {
/// use descope_api::{Client, ManagementKey};
/// let client = Client::new("P2abc")?;
/// let mgmt = client.with_management_key(ManagementKey::new("K2..."));
/// assert_eq!(mgmt.client().project_id(), "P2abc");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ManagementClient {
    client: Client,
    inner: descope_runtime::ManagementClient,
}

impl ManagementClient {
    /// The underlying client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The project ID.
    pub fn project_id(&self) -> &str {
        self.client.project_id()
    }

    /// The management key.
    pub fn key(&self) -> &ManagementKey {
        self.inner.key()
    }
}

impl AsRef<descope_runtime::ManagementClient> for ManagementClient {
    fn as_ref(&self) -> &descope_runtime::ManagementClient {
        &self.inner
    }
}

impl fmt::Debug for ManagementClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}
