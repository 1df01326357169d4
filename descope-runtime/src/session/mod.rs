//! Session validation: checking session JWTs locally with the project's public keys, refreshing
//! them, and reading their claims. Documented where users read it, in descope-api's `session`
//! module, which re-exports this one.

#[cfg(feature = "axum")]
pub mod axum;
mod claims;
mod cookies;
mod crypto;
mod endpoints;
mod error;
mod jwks;

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

pub use cookies::SessionTokens;
pub use crypto::install_crypto_provider;
pub use error::{SessionError, TokenKind};

use crate::{Client, Error, RefreshJwt, SessionJwt};

/// The longest token accepted, in bytes; longer ones are refused before any decoding.
const MAX_TOKEN_LEN: usize = 16 * 1024;
/// The largest [`ClientBuilder::session_leeway`](crate::ClientBuilder::session_leeway).
pub(crate) const MAX_LEEWAY: Duration = Duration::from_secs(60 * 60);

/// Session settings of a client, from its builder.
#[derive(Clone, Debug)]
pub(crate) struct SessionConfig {
    pub jwks_ttl: Duration,
    pub jwks_refetch_cooldown: Duration,
    pub leeway: Duration,
    pub audience: Option<Vec<String>>,
    pub session_cookie: String,
    pub refresh_cookie: String,
}

impl Default for SessionConfig {
    fn default() -> SessionConfig {
        SessionConfig {
            jwks_ttl: Duration::from_secs(10 * 60),
            jwks_refetch_cooldown: Duration::from_secs(30),
            leeway: Duration::from_secs(5),
            audience: None,
            session_cookie: "DS".to_owned(),
            refresh_cookie: "DSR".to_owned(),
        }
    }
}

impl SessionConfig {
    /// The leeway in whole seconds (checked at build time to be at most [`MAX_LEEWAY`]).
    pub fn leeway_secs(&self) -> u64 {
        self.leeway.min(MAX_LEEWAY).as_secs()
    }

    /// Checks what the builder cannot check as it goes.
    pub fn check(&self) -> Result<(), Error> {
        if self.leeway > MAX_LEEWAY {
            return Err(Error::Config(
                "session_leeway must be at most 1 hour".to_owned(),
            ));
        }
        for (what, name) in [
            ("session cookie", &self.session_cookie),
            ("refresh cookie", &self.refresh_cookie),
        ] {
            if !cookies::is_cookie_name(name) {
                return Err(Error::Config(format!(
                    "the {what} name {name:?} is not a valid cookie name"
                )));
            }
        }
        if let Some(audience) = &self.audience
            && (audience.is_empty() || audience.iter().any(|aud| aud.is_empty()))
        {
            return Err(Error::Config(
                "the audience must name at least one non-empty value".to_owned(),
            ));
        }
        Ok(())
    }
}

/// What a client keeps for validating sessions: its settings and its key cache.
pub(crate) struct SessionState {
    pub config: SessionConfig,
    keys: jwks::KeyCache,
    /// The client's project ID, shared by every [`Session`] it validates.
    project_id: Arc<str>,
}

impl SessionState {
    pub fn new(config: SessionConfig, project_id: &str) -> SessionState {
        SessionState {
            config,
            keys: jwks::KeyCache::new(),
            project_id: Arc::from(project_id),
        }
    }
}

/// The roles and permissions a user has in one tenant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TenantClaims {
    /// The user's roles in the tenant.
    pub roles: Vec<String>,
    /// The user's permissions in the tenant.
    pub permissions: Vec<String>,
}

/// A validated session: the session JWT and its claims.
///
/// Made by [`Client::validate_session`], [`Client::refresh_session`] and
/// [`Client::validate_and_refresh_session`]; every check in the [module docs](self) passed.
/// `Debug` shows the claims, never the token.
///
/// Roles and permissions are checked like the official SDKs check them: the plain helpers read
/// the project-level `roles` and `permissions` claims; the tenant helpers read the tenant's
/// entry in the `tenants` claim, and when the token has no `tenants` claim but its current
/// tenant (`dct`) is the one asked about, the project-level claims.
#[derive(Clone)]
pub struct Session {
    token: SessionJwt,
    refresh_token: Option<RefreshJwt>,
    /// When the rotated refresh JWT's cookie expires, as Descope's refresh reply says.
    refresh_expires_at: Option<u64>,
    refreshed: bool,
    project_id: Arc<str>,
    claims: claims::Claims,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("user_id", &self.claims.subject)
            .field("project_id", &self.project_id)
            .field("issued_at", &self.claims.issued_at)
            .field("expires_at", &self.claims.expires_at)
            .field("amr", &self.claims.amr)
            .field("roles", &self.claims.roles)
            .field("permissions", &self.claims.permissions)
            .field("tenants", &self.claims.tenants)
            .field("current_tenant", &self.claims.current_tenant)
            .field("custom_claims", &self.claims.custom.len())
            .field("refreshed", &self.refreshed)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// The session JWT that was validated (the new one after a refresh).
    pub fn token(&self) -> &SessionJwt {
        &self.token
    }

    /// The refresh JWT Descope issued in place of the old one, when a refresh rotated it.
    pub fn refresh_token(&self) -> Option<&RefreshJwt> {
        self.refresh_token.as_ref()
    }

    /// Whether the session JWT was obtained by refreshing (then hand [`token`](Self::token) back
    /// to the client, e.g. in the `DS` cookie).
    pub fn was_refreshed(&self) -> bool {
        self.refreshed
    }

    /// The user's ID: the `sub` claim.
    pub fn user_id(&self) -> &str {
        &self.claims.subject
    }

    /// The project the session belongs to (the client's, which the issuer named).
    pub fn project_id(&self) -> &str {
        &self.project_id
    }

    /// When the token was issued (`iat`), in Unix seconds, if it says.
    pub fn issued_at(&self) -> Option<u64> {
        self.claims.issued_at
    }

    /// When the token expires (`exp`), in Unix seconds.
    pub fn expires_at(&self) -> u64 {
        self.claims.expires_at
    }

    /// How the user authenticated (`amr`: `otp`, `pwd`, `oauth`, ...).
    pub fn amr(&self) -> &[String] {
        &self.claims.amr
    }

    /// The project-level roles (`roles`).
    pub fn roles(&self) -> &[String] {
        &self.claims.roles
    }

    /// The project-level permissions (`permissions`).
    pub fn permissions(&self) -> &[String] {
        &self.claims.permissions
    }

    /// The tenants the user is a member of, with their roles and permissions (`tenants`); empty
    /// when the token has no `tenants` claim.
    pub fn tenants(&self) -> impl Iterator<Item = (&str, &TenantClaims)> {
        self.claims
            .tenants
            .iter()
            .flatten()
            .map(|(id, tenant)| (id.as_str(), tenant))
    }

    /// The IDs of the user's tenants: the `tenants` claim's, or the current tenant alone when
    /// the token has none.
    pub fn tenant_ids(&self) -> Vec<&str> {
        match &self.claims.tenants {
            Some(tenants) if !tenants.is_empty() => tenants.keys().map(String::as_str).collect(),
            _ => self.current_tenant().into_iter().collect(),
        }
    }

    /// The session's current tenant (`dct`), once one was selected.
    pub fn current_tenant(&self) -> Option<&str> {
        self.claims.current_tenant.as_deref()
    }

    /// Every claim without a typed accessor (custom claims, `sid`, ...), by name.
    pub fn custom_claims(&self) -> &Map<String, Value> {
        &self.claims.custom
    }

    /// Whether the user has every one of `roles` at project level.
    pub fn has_roles<I: IntoIterator<Item = S>, S: AsRef<str>>(&self, roles: I) -> bool {
        contains_all(&self.claims.roles, roles)
    }

    /// Whether the user has every one of `permissions` at project level.
    pub fn has_permissions<I: IntoIterator<Item = S>, S: AsRef<str>>(
        &self,
        permissions: I,
    ) -> bool {
        contains_all(&self.claims.permissions, permissions)
    }

    /// Those of `roles` the user has at project level.
    pub fn matched_roles<I: IntoIterator<Item = S>, S: AsRef<str>>(&self, roles: I) -> Vec<S> {
        matched(&self.claims.roles, roles)
    }

    /// Those of `permissions` the user has at project level.
    pub fn matched_permissions<I: IntoIterator<Item = S>, S: AsRef<str>>(
        &self,
        permissions: I,
    ) -> Vec<S> {
        matched(&self.claims.permissions, permissions)
    }

    /// Whether the user is a member of `tenant` (in `tenants`, or as the current tenant of a
    /// token without `tenants`).
    pub fn is_tenant_member(&self, tenant: &str) -> bool {
        self.tenant_grants(tenant).is_some()
    }

    /// Whether the user has every one of `roles` in `tenant`; `false` outside it.
    pub fn has_tenant_roles<I: IntoIterator<Item = S>, S: AsRef<str>>(
        &self,
        tenant: &str,
        roles: I,
    ) -> bool {
        self.tenant_grants(tenant)
            .is_some_and(|(roles_held, _)| contains_all(roles_held, roles))
    }

    /// Whether the user has every one of `permissions` in `tenant`; `false` outside it.
    pub fn has_tenant_permissions<I: IntoIterator<Item = S>, S: AsRef<str>>(
        &self,
        tenant: &str,
        permissions: I,
    ) -> bool {
        self.tenant_grants(tenant)
            .is_some_and(|(_, held)| contains_all(held, permissions))
    }

    /// Those of `roles` the user has in `tenant`.
    pub fn matched_tenant_roles<I: IntoIterator<Item = S>, S: AsRef<str>>(
        &self,
        tenant: &str,
        roles: I,
    ) -> Vec<S> {
        match self.tenant_grants(tenant) {
            Some((held, _)) => matched(held, roles),
            None => Vec::new(),
        }
    }

    /// Those of `permissions` the user has in `tenant`.
    pub fn matched_tenant_permissions<I: IntoIterator<Item = S>, S: AsRef<str>>(
        &self,
        tenant: &str,
        permissions: I,
    ) -> Vec<S> {
        match self.tenant_grants(tenant) {
            Some((_, held)) => matched(held, permissions),
            None => Vec::new(),
        }
    }

    /// The roles and permissions the user holds in `tenant`, with Descope's `dct` fallback.
    fn tenant_grants(&self, tenant: &str) -> Option<(&[String], &[String])> {
        match &self.claims.tenants {
            Some(tenants) => tenants
                .get(tenant)
                .map(|t| (t.roles.as_slice(), t.permissions.as_slice())),
            None if !tenant.is_empty() && self.current_tenant() == Some(tenant) => Some((
                self.claims.roles.as_slice(),
                self.claims.permissions.as_slice(),
            )),
            None => None,
        }
    }
}

fn contains_all<I: IntoIterator<Item = S>, S: AsRef<str>>(held: &[String], wanted: I) -> bool {
    wanted
        .into_iter()
        .all(|item| held.iter().any(|h| h == item.as_ref()))
}

fn matched<I: IntoIterator<Item = S>, S: AsRef<str>>(held: &[String], wanted: I) -> Vec<S> {
    wanted
        .into_iter()
        .filter(|item| held.iter().any(|h| h == item.as_ref()))
        .collect()
}

/// The header fields the key lookup needs, borrowed from the decoded header where possible.
#[derive(serde::Deserialize)]
struct Header<'a> {
    #[serde(borrow)]
    alg: Cow<'a, str>,
    #[serde(borrow, default)]
    kid: Option<Cow<'a, str>>,
}

/// The decoded header of a token, after checking the token's shape.
fn header_bytes(token: &str) -> Result<Vec<u8>, SessionError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(SessionError::Malformed("longer than 16 KiB"));
    }
    let mut parts = token.split('.');
    let (Some(head), Some(_), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SessionError::Malformed("not three dot-separated parts"));
    };
    URL_SAFE_NO_PAD
        .decode(head)
        .map_err(|_| SessionError::Malformed("the header is not base64url"))
}

/// The `alg` and `kid` of a decoded header.
fn header(bytes: &[u8]) -> Result<Header<'_>, SessionError> {
    serde_json::from_slice(bytes)
        .map_err(|_| SessionError::Malformed("the header is not a JSON object with `alg`"))
}

/// jsonwebtoken's error as the check that failed.
fn from_jwt(error: &jsonwebtoken::errors::Error) -> SessionError {
    use jsonwebtoken::errors::ErrorKind;
    match error.kind() {
        ErrorKind::InvalidSignature => SessionError::BadSignature,
        ErrorKind::ExpiredSignature => SessionError::Expired,
        ErrorKind::ImmatureSignature => SessionError::NotYetValid,
        ErrorKind::InvalidAudience => SessionError::WrongAudience,
        ErrorKind::MissingRequiredClaim(claim) if claim == "aud" => SessionError::WrongAudience,
        ErrorKind::MissingRequiredClaim(_) => SessionError::Malformed("no `exp` claim"),
        ErrorKind::InvalidIssuer => SessionError::WrongIssuer,
        ErrorKind::InvalidAlgorithm
        | ErrorKind::UnsupportedAlgorithm
        | ErrorKind::MissingAlgorithm
        | ErrorKind::InvalidAlgorithmName
        | ErrorKind::InvalidKeyFormat => SessionError::WrongAlgorithm,
        ErrorKind::InvalidClaimFormat(_) => {
            SessionError::Malformed("a registered claim has the wrong type")
        }
        ErrorKind::Base64(_) => SessionError::Malformed("a part is not base64url"),
        ErrorKind::Json(_) | ErrorKind::Utf8(_) => {
            SessionError::Malformed("the header or the claims are not a JSON object")
        }
        _ => SessionError::Malformed("rejected by the JWT decoder"),
    }
}

impl Client {
    /// Validates a session JWT locally with the project's public keys (fetched and cached on
    /// first use; see the [`session`](crate::session) module for the checks and the cache).
    ///
    /// Fails with [`Error::Session`] saying which check failed; no call to Descope is made once
    /// the keys are cached.
    pub async fn validate_session(&self, jwt: &SessionJwt) -> Result<Session, Error> {
        let claims = self
            .validate(jwt.expose_secret(), TokenKind::Session)
            .await?;
        Ok(self.session_of(jwt.clone(), None, false, claims))
    }

    /// Refreshes the session: checks the refresh JWT locally (so a session JWT, a forged or an
    /// expired token never reaches Descope), calls Descope's refresh endpoint, and validates the
    /// new session JWT.
    ///
    /// A rotated refresh JWT, when Descope issues one, is in [`Session::refresh_token`].
    pub async fn refresh_session(&self, jwt: &RefreshJwt) -> Result<Session, Error> {
        self.validate(jwt.expose_secret(), TokenKind::Refresh)
            .await?;
        let reply = endpoints::Refresh::new(self, jwt).await?;
        let token = reply
            .session_jwt
            .filter(|token| !token.expose_secret().is_empty())
            .ok_or(Error::Session(SessionError::Missing))?;
        let claims = self
            .validate(token.expose_secret(), TokenKind::Session)
            .await?;
        let rotated = reply
            .refresh_jwt
            .filter(|new| !new.expose_secret().is_empty() && new != jwt);
        let mut session = self.session_of(token, rotated, true, claims);
        session.refresh_expires_at = u64::try_from(reply.cookie_expiration)
            .ok()
            .filter(|&at| at > 0);
        Ok(session)
    }

    /// Validates the session JWT; when it is missing or has expired and a refresh JWT is given,
    /// refreshes instead. Any other failure of the session JWT (a bad signature, another
    /// project's token) is returned as it is, without refreshing.
    ///
    /// With neither token, fails with [`SessionError::Missing`].
    pub async fn validate_and_refresh_session(
        &self,
        session: Option<&SessionJwt>,
        refresh: Option<&RefreshJwt>,
    ) -> Result<Session, Error> {
        let session = session.filter(|jwt| !jwt.expose_secret().is_empty());
        let refresh = refresh.filter(|jwt| !jwt.expose_secret().is_empty());
        let failure = match session {
            Some(jwt) => match self.validate_session(jwt).await {
                Err(Error::Session(SessionError::Expired)) => SessionError::Expired,
                other => return other,
            },
            None => SessionError::Missing,
        };
        match refresh {
            Some(refresh) => self.refresh_session(refresh).await,
            None => Err(Error::Session(failure)),
        }
    }

    /// The `Set-Cookie` values that hand a refreshed session back to the browser: the new
    /// session JWT, and the rotated refresh JWT when Descope issued one, under the configured
    /// cookie names (`HttpOnly`, `Secure`, `SameSite=Lax`, path `/`, `Max-Age` until each
    /// expires). Empty when the session was not refreshed. The axum layer sends these itself.
    pub fn refreshed_cookies(&self, session: &Session) -> Vec<reqwest::header::HeaderValue> {
        if !session.was_refreshed() {
            return Vec::new();
        }
        let config = &self.session_state().config;
        let now = jsonwebtoken::get_current_timestamp();
        let mut cookies: Vec<_> = cookies::set_cookie(
            &config.session_cookie,
            session.token().expose_secret(),
            session.expires_at(),
            now,
        )
        .into_iter()
        .collect();
        if let (Some(refresh), Some(expires_at)) =
            (session.refresh_token(), session.refresh_expires_at)
        {
            cookies.extend(cookies::set_cookie(
                &config.refresh_cookie,
                refresh.expose_secret(),
                expires_at,
                now,
            ));
        }
        cookies
    }

    /// The session and refresh JWTs a web request carries (see [`SessionTokens`]).
    pub fn session_tokens(&self, headers: &reqwest::header::HeaderMap) -> SessionTokens {
        let config = &self.session_state().config;
        SessionTokens::from_headers(headers, &config.session_cookie, &config.refresh_cookie)
    }

    /// Every check of a token of kind `want`; its claims.
    async fn validate(&self, token: &str, want: TokenKind) -> Result<claims::Claims, SessionError> {
        if token.is_empty() {
            return Err(SessionError::Missing);
        }
        let bytes = header_bytes(token)?;
        let header = header(&bytes)?;
        let kid = header.kid.as_deref().unwrap_or_default();
        if kid.is_empty() {
            return Err(SessionError::UnknownKey);
        }
        let state = self.session_state();
        let key = state.keys.key(self, &state.config, kid).await?;
        if *header.alg != *key.alg_name {
            return Err(SessionError::WrongAlgorithm);
        }
        install_crypto_provider();
        let data =
            jsonwebtoken::decode::<Map<String, Value>>(token, &key.decoding, &key.validation)
                .map_err(|error| from_jwt(&error))?;
        let config = &state.config;
        claims::check(
            data.claims,
            want,
            self.project_id(),
            config.leeway_secs(),
            jsonwebtoken::get_current_timestamp(),
        )
    }

    fn session_of(
        &self,
        token: SessionJwt,
        refresh_token: Option<RefreshJwt>,
        refreshed: bool,
        claims: claims::Claims,
    ) -> Session {
        Session {
            token,
            refresh_token,
            refresh_expires_at: None,
            refreshed,
            project_id: self.session_state().project_id.clone(),
            claims,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(claims: Value) -> Session {
        let Value::Object(map) = claims else {
            unreachable!()
        };
        let claims = claims::check(map, TokenKind::Session, "P1", 5, 1500).unwrap();
        Session {
            token: SessionJwt::new("secret-token-text"),
            refresh_token: None,
            refresh_expires_at: None,
            refreshed: false,
            project_id: Arc::from("P1"),
            claims,
        }
    }

    fn base() -> Value {
        serde_json::json!({"sub": "U1", "iss": "P1", "drn": "DS", "exp": 2000})
    }

    #[test]
    fn roles_permissions_and_tenants() {
        let mut claims = base();
        claims["roles"] = serde_json::json!(["admin", "viewer"]);
        claims["permissions"] = serde_json::json!(["read"]);
        claims["tenants"] = serde_json::json!({
            "T1": {"roles": ["owner"], "permissions": ["write", "read"]},
            "T2": {}
        });
        let session = session(claims);
        assert!(session.has_roles(["admin"]));
        assert!(session.has_roles(["admin", "viewer"]));
        assert!(!session.has_roles(["admin", "owner"]));
        assert!(session.has_roles(Vec::<String>::new()));
        assert!(session.has_permissions(["read"]));
        assert_eq!(session.matched_roles(["owner", "viewer", "x"]), ["viewer"]);
        assert_eq!(
            session.matched_permissions(vec!["read".to_owned()]),
            ["read"]
        );
        assert!(session.has_tenant_roles("T1", ["owner"]));
        assert!(!session.has_tenant_roles("T1", ["admin"]));
        assert!(session.has_tenant_permissions("T1", ["write", "read"]));
        assert_eq!(
            session.matched_tenant_permissions("T1", ["read", "x"]),
            ["read"]
        );
        assert!(session.is_tenant_member("T2"));
        assert!(!session.has_tenant_roles("T2", ["owner"]));
        assert!(!session.is_tenant_member("T3"));
        assert!(session.matched_tenant_roles("T3", ["owner"]).is_empty());
        let mut ids = session.tenant_ids();
        ids.sort_unstable();
        assert_eq!(ids, ["T1", "T2"]);
        assert_eq!(session.tenants().count(), 2);
    }

    #[test]
    fn the_current_tenant_falls_back_to_project_claims_without_tenants() {
        let mut claims = base();
        claims["roles"] = serde_json::json!(["admin"]);
        claims["permissions"] = serde_json::json!(["read"]);
        claims["dct"] = serde_json::json!("T1");
        let current = session(claims.clone());
        assert_eq!(current.current_tenant(), Some("T1"));
        assert!(current.has_tenant_roles("T1", ["admin"]));
        assert!(current.has_tenant_permissions("T1", ["read"]));
        assert!(!current.has_tenant_roles("T2", ["admin"]));
        assert_eq!(current.tenant_ids(), ["T1"]);
        // With a `tenants` claim, the project-level claims are the project's only.
        claims["tenants"] = serde_json::json!({"T1": {"roles": ["viewer"]}});
        let with_tenants = session(claims);
        assert!(!with_tenants.has_tenant_roles("T1", ["admin"]));
        assert!(with_tenants.has_tenant_roles("T1", ["viewer"]));
    }

    #[test]
    fn debug_never_shows_the_token() {
        let shown = format!("{:?}", session(base()));
        assert!(!shown.contains("secret-token-text"), "{shown}");
        assert!(shown.contains("U1"), "{shown}");
    }

    #[test]
    fn headers_are_checked_before_any_key_lookup() {
        let b64 = |text: &str| URL_SAFE_NO_PAD.encode(text);
        for bad in [
            String::new(),
            "a.b".to_owned(),
            "a.b.c.d".to_owned(),
            "!!.e30.x".to_owned(),
            format!("{}.e30.x", b64("[1]")),
            format!("{}.e30.x", b64(r#"{"kid":"k"}"#)),
            "a".repeat(MAX_TOKEN_LEN + 1),
        ] {
            let parsed = header_bytes(&bad).and_then(|bytes| header(&bytes).map(|_| ()));
            assert!(
                matches!(parsed, Err(SessionError::Malformed(_))),
                "{bad:.40}"
            );
        }
        let bytes = header_bytes(&format!("{}.e30.x", b64(r#"{"alg":"none","kid":"k"}"#))).unwrap();
        let ok = header(&bytes).unwrap();
        assert_eq!((&*ok.alg, ok.kid.as_deref()), ("none", Some("k")));
    }

    #[test]
    fn configuration_is_checked() {
        let mut config = SessionConfig::default();
        assert!(config.check().is_ok());
        config.leeway = Duration::from_secs(3601);
        assert!(config.check().is_err());
        assert_eq!(config.leeway_secs(), 3600);
        config = SessionConfig {
            session_cookie: "bad name".to_owned(),
            ..SessionConfig::default()
        };
        assert!(config.check().is_err());
        config = SessionConfig {
            audience: Some(vec![]),
            ..SessionConfig::default()
        };
        assert!(config.check().is_err());
    }
}
