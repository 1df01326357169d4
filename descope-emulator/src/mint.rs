//! Tokens made to order for tests: [`Emulator::mint_session`].

use serde_json::{Map, Value, json};

use crate::server::{Emulator, Shared};

/// The kind of a minted JWT, which sets its `drn` claim.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TokenKind {
    /// A session JWT: `drn: "DS"` (the default).
    #[default]
    Session,
    /// A refresh JWT: `drn: "DSR"`.
    Refresh,
}

/// A JWT to mint with chosen claims, signed by the emulator's current key; from
/// [`Emulator::mint_session`]. `sign` returns the token.
///
/// By default: a session JWT of user `U2mintedUser` (session `Sminted`), issued by this
/// emulator now (its clock), expiring after the session lifetime of its [`Limits`]
/// (the refresh lifetime for a refresh JWT), with `amr: ["otp"]`, no roles, permissions or
/// tenants. A minted token is only a signed token: no session record stands behind it, so the
/// emulator's own endpoints refuse a minted refresh JWT; it is for checking validation.
///
/// ```no_run
/// # async fn demo(emulator: descope_emulator::Emulator) {
/// let now = emulator.now();
/// let expired = emulator.mint_session()
///     .subject("U2ann")
///     .roles(["admin"])
///     .tenant("T1", ["owner"], ["billing.read"])
///     .issued_at(now - 700)
///     .expires_at(now - 100)
///     .sign();
/// # let _ = expired; }
/// ```
///
/// [`Limits`]: crate::Limits
#[must_use = "call `sign` to get the token"]
pub struct MintSession<'a> {
    shared: &'a Shared,
    claims: Map<String, Value>,
    kind: TokenKind,
    kid: Option<String>,
}

impl Emulator {
    /// Starts minting a JWT signed with the emulator's current key (see [`MintSession`]).
    pub fn mint_session(&self) -> MintSession<'_> {
        let shared = self.shared();
        let now = shared.now();
        let mut claims = Map::new();
        for (name, value) in [
            ("sub", json!("U2mintedUser")),
            ("iss", json!(shared.issuer)),
            ("iat", json!(now)),
            ("sid", json!("Sminted")),
            ("amr", json!(["otp"])),
            ("roles", json!([])),
            ("permissions", json!([])),
        ] {
            claims.insert(name.to_owned(), value);
        }
        MintSession {
            shared,
            claims,
            kind: TokenKind::Session,
            kid: None,
        }
    }
}

fn strings<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Value {
    Value::Array(items.into_iter().map(|s| Value::String(s.into())).collect())
}

impl MintSession<'_> {
    /// A session JWT (`DS`, the default) or a refresh JWT (`DSR`).
    pub fn kind(mut self, kind: TokenKind) -> Self {
        self.kind = kind;
        self
    }

    /// The user ID (`sub`).
    pub fn subject(self, user_id: impl Into<String>) -> Self {
        self.claim("sub", Value::String(user_id.into()))
    }

    /// The issuer (`iss`; default this emulator's `<base URL>/<project ID>`).
    pub fn issuer(self, issuer: impl Into<String>) -> Self {
        self.claim("iss", Value::String(issuer.into()))
    }

    /// The audience (`aud`): a string or an array of strings (none by default).
    pub fn audience(self, audience: impl Into<Value>) -> Self {
        self.claim("aud", audience.into())
    }

    /// When it was issued (`iat`), in Unix seconds.
    pub fn issued_at(self, at: u64) -> Self {
        self.claim("iat", json!(at))
    }

    /// When it expires (`exp`), in Unix seconds.
    pub fn expires_at(self, at: u64) -> Self {
        self.claim("exp", json!(at))
    }

    /// Not valid before (`nbf`), in Unix seconds (absent by default).
    pub fn not_before(self, at: u64) -> Self {
        self.claim("nbf", json!(at))
    }

    /// How the user authenticated (`amr`).
    pub fn amr<I: IntoIterator<Item = S>, S: Into<String>>(self, methods: I) -> Self {
        self.claim("amr", strings(methods))
    }

    /// The project-level roles (`roles`).
    pub fn roles<I: IntoIterator<Item = S>, S: Into<String>>(self, roles: I) -> Self {
        self.claim("roles", strings(roles))
    }

    /// The project-level permissions (`permissions`).
    pub fn permissions<I: IntoIterator<Item = S>, S: Into<String>>(self, permissions: I) -> Self {
        self.claim("permissions", strings(permissions))
    }

    /// Adds a tenant with the user's roles and permissions in it (to `tenants`).
    pub fn tenant<R, P, S, T>(
        mut self,
        tenant_id: impl Into<String>,
        roles: R,
        permissions: P,
    ) -> Self
    where
        R: IntoIterator<Item = S>,
        S: Into<String>,
        P: IntoIterator<Item = T>,
        T: Into<String>,
    {
        let tenants = self
            .claims
            .entry("tenants")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(tenants) = tenants {
            tenants.insert(
                tenant_id.into(),
                json!({ "roles": strings(roles), "permissions": strings(permissions) }),
            );
        }
        self
    }

    /// The session's current tenant (`dct`).
    pub fn current_tenant(self, tenant_id: impl Into<String>) -> Self {
        self.claim("dct", Value::String(tenant_id.into()))
    }

    /// Sets any claim, Descope's own included (`drn` too: it then wins over [`kind`](Self::kind)).
    /// A `null` value leaves the claim out, like [`without`](Self::without).
    pub fn claim(mut self, name: impl Into<String>, value: Value) -> Self {
        self.claims.insert(name.into(), value);
        self
    }

    /// Leaves a claim out (`exp`, `iss`, `drn`, ... to test what a token without it does).
    pub fn without(self, name: &str) -> Self {
        // Marked, so that `sign` puts no default in its place.
        self.claim(name, Value::Null)
    }

    /// Names another key ID in the header (the token is still signed with the current key).
    pub fn key_id(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// Signs the token.
    pub fn sign(self) -> String {
        let shared = self.shared;
        let now = shared.now();
        let mut claims = self.claims;
        let (drn, lifetime) = match self.kind {
            TokenKind::Session => ("DS", shared.limits.session_ttl),
            TokenKind::Refresh => ("DSR", shared.limits.refresh_ttl),
        };
        claims.entry("drn").or_insert_with(|| json!(drn));
        claims
            .entry("exp")
            .or_insert_with(|| json!(now.saturating_add(lifetime.as_secs())));
        // What `without` left out.
        claims.retain(|_, value| !value.is_null());
        shared.keys.sign_with(&claims, self.kid.as_deref(), now)
    }
}
