//! The `Authorization` header against an operation's auth style, and the JWTs inside it.

use descope_spec::AuthStyle;
use serde_json::{Map, Value};

use crate::api::expected_header;
use crate::error::{Code, Fail, fail};
use crate::jwt::JwtError;
use crate::server::Shared;
use crate::state::State;

/// Who made a request, as far as its `Authorization` header proves.
#[derive(Debug)]
pub(crate) enum Caller {
    /// An operation without auth.
    Anonymous,
    /// `Bearer <ProjectID>` alone.
    Project,
    /// A verified refresh JWT of a live session.
    Refresh(Token),
    /// A verified session JWT of a live session.
    Session(Token),
    /// An access key, as sent (the access-key exchange looks it up).
    AccessKey(String),
    /// The emulator's management key.
    Management,
}

/// A verified JWT.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub sid: String,
    pub user_id: String,
    pub claims: Map<String, Value>,
}

/// The two kinds of JWT, by their `drn` claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Session,
    Refresh,
}

impl Kind {
    pub fn drn(self) -> &'static str {
        match self {
            Kind::Session => "DS",
            Kind::Refresh => "DSR",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Session => "session JWT",
            Kind::Refresh => "refresh JWT",
        }
    }
}

/// Checks `header` (the raw `Authorization` value, if any) against `style`.
pub(crate) fn authorize(
    shared: &Shared,
    state: &State,
    style: AuthStyle,
    header: Option<&[u8]>,
    now: u64,
) -> Result<Caller, Fail> {
    if style == AuthStyle::None {
        return Ok(Caller::Anonymous);
    }
    let expected = expected_header(style);
    let Some(header) = header else {
        return fail(
            Code::MissingAuthorization,
            format!("missing Authorization header: expected `{expected}`"),
        );
    };
    let token = std::str::from_utf8(header)
        .ok()
        .and_then(|h| {
            let (scheme, rest) = h.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        })
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return fail(
            Code::MissingAuthorization,
            format!("malformed Authorization header: expected `{expected}`"),
        );
    };
    let (project, credential) = match token.split_once(':') {
        Some((project, credential)) => (project, Some(credential)),
        None => (token, None),
    };
    if project != shared.project_id {
        return fail(
            Code::WrongProject,
            format!("unknown project ID `{project}` in the Authorization header"),
        );
    }
    let credential = credential.filter(|c| !c.is_empty());
    match (style, credential) {
        (AuthStyle::None, _) => Ok(Caller::Anonymous),
        (AuthStyle::Project, None) => Ok(Caller::Project),
        // Step-up and MFA sign-ins carry the user's refresh JWT on project endpoints.
        (AuthStyle::Project, Some(jwt)) => {
            verify(shared, state, jwt, Kind::Refresh, now).map(Caller::Refresh)
        }
        (
            AuthStyle::Refresh | AuthStyle::Session | AuthStyle::AccessKey | AuthStyle::Management,
            None,
        ) => fail(
            Code::MissingAuthorization,
            format!("this operation needs `{expected}`"),
        ),
        (AuthStyle::Refresh, Some(jwt)) => {
            verify(shared, state, jwt, Kind::Refresh, now).map(Caller::Refresh)
        }
        (AuthStyle::Session, Some(jwt)) => {
            verify(shared, state, jwt, Kind::Session, now).map(Caller::Session)
        }
        (AuthStyle::AccessKey | AuthStyle::Management, Some(key)) => {
            if shared.keys.verify(key, now) != Err(JwtError::NotAJwt) {
                return fail(
                    Code::WrongCredential,
                    format!("a JWT where this operation needs `{expected}`"),
                );
            }
            if style == AuthStyle::AccessKey {
                return Ok(Caller::AccessKey(key.to_owned()));
            }
            if key != shared.management_key {
                return fail(
                    Code::InvalidKey,
                    "the management key is not this emulator's (see `GET /emulator`)",
                );
            }
            Ok(Caller::Management)
        }
    }
}

/// Verifies a JWT of the wanted kind: signature, issuer, kind, expiry, and that its session is
/// known, not logged out, and its user still exists.
pub(crate) fn verify(
    shared: &Shared,
    state: &State,
    jwt: &str,
    want: Kind,
    now: u64,
) -> Result<Token, Fail> {
    let claims = match shared.keys.verify(jwt, now) {
        Ok(claims) => claims,
        Err(JwtError::NotAJwt) => {
            return fail(
                Code::WrongCredential,
                format!(
                    "expected a {}, got something that is not a JWT",
                    want.name()
                ),
            );
        }
        Err(JwtError::BadSignature) => {
            return fail(
                Code::InvalidToken,
                format!(
                    "the {} does not verify with this emulator's key",
                    want.name()
                ),
            );
        }
    };
    let text = |name: &str| claims.get(name).and_then(Value::as_str).unwrap_or_default();
    if text("iss") != shared.issuer {
        return fail(
            Code::InvalidToken,
            format!(
                "the {} was issued for another project or emulator",
                want.name()
            ),
        );
    }
    if text("drn") != want.drn() {
        let got = if text("drn") == Kind::Session.drn() {
            Kind::Session.name()
        } else {
            Kind::Refresh.name()
        };
        return fail(
            Code::WrongCredential,
            format!("a {got} where this operation needs a {}", want.name()),
        );
    }
    let exp = claims.get("exp").and_then(Value::as_u64).unwrap_or(0);
    if exp <= now {
        return fail(
            Code::InvalidToken,
            format!("the {} has expired", want.name()),
        );
    }
    let sid = text("sid").to_owned();
    let user_id = text("sub").to_owned();
    // A session JWT from the access-key exchange: no session, its key must still be active.
    if sid.is_empty() && want == Kind::Session {
        let active = state.directory.access_keys.iter().any(|(_, key)| {
            key.get("id") == Some(&Value::from(user_id.as_str()))
                && key.get("status") == Some(&Value::from("active"))
        });
        if active {
            return Ok(Token {
                sid,
                user_id,
                claims,
            });
        }
        return fail(
            Code::InvalidToken,
            "the session JWT's access key is unknown, deactivated or deleted",
        );
    }
    match state.session(&sid) {
        None => fail(
            Code::InvalidToken,
            format!("the {}'s session is unknown to the emulator", want.name()),
        ),
        Some(session) if session.revoked => fail(
            Code::LoggedOut,
            format!("the {}'s session was ended by a logout", want.name()),
        ),
        Some(session) if session.user_id != user_id || state.user(&user_id).is_none() => fail(
            Code::InvalidToken,
            format!("the {}'s user no longer exists", want.name()),
        ),
        Some(_) => Ok(Token {
            sid,
            user_id,
            claims,
        }),
    }
}
