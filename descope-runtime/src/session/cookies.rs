//! Where a web request carries its tokens: `Authorization: Bearer` and cookies.

use std::fmt;

use reqwest::header::{AUTHORIZATION, COOKIE, HeaderMap, HeaderValue};

use crate::{RefreshJwt, SessionJwt};

/// The session and refresh JWTs of one web request, from [`Client::session_tokens`](crate::Client::session_tokens).
///
/// The session JWT is read from `Authorization: Bearer <JWT>` (the scheme in any case), else from
/// the session cookie (`DS` by default); the refresh JWT from the refresh cookie (`DSR`). An
/// empty value counts as absent. `Debug` never shows the tokens.
///
/// ```
/// use descope_api::Client;
/// use reqwest::header::{HeaderMap, HeaderValue};
///
/// let client = Client::new("P2abc").unwrap();
/// let mut headers = HeaderMap::new();
/// headers.insert("cookie", HeaderValue::from_static("theme=dark; DS=s.j.t; DSR=r.j.t"));
/// let tokens = client.session_tokens(&headers);
/// assert_eq!(tokens.session.unwrap().expose_secret(), "s.j.t");
/// assert_eq!(tokens.refresh.unwrap().expose_secret(), "r.j.t");
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SessionTokens {
    /// The session JWT, if the request carries one.
    pub session: Option<SessionJwt>,
    /// The refresh JWT, if the request carries one.
    pub refresh: Option<RefreshJwt>,
}

impl fmt::Debug for SessionTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionTokens")
            .field("session", &self.session)
            .field("refresh", &self.refresh)
            .finish()
    }
}

impl SessionTokens {
    /// Reads the tokens from `headers`, with these cookie names.
    pub fn from_headers(
        headers: &HeaderMap,
        session_cookie: &str,
        refresh_cookie: &str,
    ) -> SessionTokens {
        let bearer = headers
            .get_all(AUTHORIZATION)
            .iter()
            .find_map(bearer_token)
            .map(SessionJwt::new);
        SessionTokens {
            session: bearer.or_else(|| cookie(headers, session_cookie).map(SessionJwt::new)),
            refresh: cookie(headers, refresh_cookie).map(RefreshJwt::new),
        }
    }
}

/// The token of `Bearer <token>`, any case of `Bearer`.
fn bearer_token(value: &HeaderValue) -> Option<&str> {
    let text = value.to_str().ok()?.trim();
    let (scheme, token) = text.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The value of the first cookie named `name` in any `Cookie` header (quotes removed).
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            (key.trim() == name).then(|| {
                let value = value.trim();
                value
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(value)
            })
        })
        .filter(|value| !value.is_empty())
}

/// Whether `name` is a cookie name (an HTTP token: RFC 6265 section 4.1.1).
pub(crate) fn is_cookie_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A `Set-Cookie` value giving the browser `token` under `name` until `expires_at` (Unix
/// seconds, from `now`): `HttpOnly`, `Secure`, `SameSite=Lax`, path `/`. Sensitive, so HTTP/2
/// never indexes it. `None` if the token is not a valid cookie value.
pub(crate) fn set_cookie(
    name: &str,
    token: &str,
    expires_at: u64,
    now: u64,
) -> Option<HeaderValue> {
    let max_age = expires_at.saturating_sub(now);
    let text = format!("{name}={token}; Max-Age={max_age}; Path=/; HttpOnly; Secure; SameSite=Lax");
    if !token
        .bytes()
        .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b',' | b';' | b'\\'))
    {
        return None;
    }
    let mut value = HeaderValue::from_str(&text).ok()?;
    value.set_sensitive(true);
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn read(pairs: &[(&'static str, &'static str)]) -> (Option<String>, Option<String>) {
        let tokens = SessionTokens::from_headers(&headers(pairs), "DS", "DSR");
        (
            tokens.session.map(|t| t.expose_secret().to_owned()),
            tokens.refresh.map(|t| t.expose_secret().to_owned()),
        )
    }

    #[test]
    fn bearer_wins_over_the_cookie() {
        let both = [
            ("authorization", "bEaReR  a.b.c "),
            ("cookie", "DS=x.y.z; DSR=r.s.t"),
        ];
        assert_eq!(read(&both), (Some("a.b.c".into()), Some("r.s.t".into())));
        assert_eq!(
            read(&[("cookie", "DS=x.y.z")]),
            (Some("x.y.z".into()), None)
        );
        // Another scheme, or an empty bearer, falls back to the cookie.
        for auth in ["Basic abc", "Bearer", "Bearer   ", "Bearerabc"] {
            let pairs = [("authorization", auth), ("cookie", "DS=x.y.z")];
            assert_eq!(read(&pairs).0.as_deref(), Some("x.y.z"), "{auth}");
        }
    }

    #[test]
    fn cookies_are_matched_by_exact_name() {
        assert_eq!(
            read(&[("cookie", "XDS=1; DSX=2; DSR=; ds=3")]),
            (None, None)
        );
        assert_eq!(
            read(&[("cookie", "a=1"), ("cookie", " DSR = \"r.s.t\" ; DS=q")]),
            (Some("q".into()), Some("r.s.t".into()))
        );
        assert_eq!(read(&[("cookie", "DS")]), (None, None));
        let mut custom = HeaderMap::new();
        custom.insert(COOKIE, HeaderValue::from_static("mine=a.b.c"));
        let tokens = SessionTokens::from_headers(&custom, "mine", "theirs");
        assert!(tokens.session.is_some() && tokens.refresh.is_none());
        assert!(!format!("{tokens:?}").contains("a.b.c"));
    }

    #[test]
    fn cookie_names_and_values() {
        assert!(is_cookie_name("DS") && is_cookie_name("__Host-DS"));
        assert!(!is_cookie_name("") && !is_cookie_name("a b") && !is_cookie_name("a=b"));
        let value = set_cookie("DS", "a.b.c", 1600, 1000).unwrap();
        assert_eq!(
            value.to_str().unwrap(),
            "DS=a.b.c; Max-Age=600; Path=/; HttpOnly; Secure; SameSite=Lax"
        );
        assert!(value.is_sensitive());
        assert!(set_cookie("DS", "a;b", 1, 0).is_none());
        assert!(set_cookie("DS", "a\nb", 1, 0).is_none());
        assert!(
            set_cookie("DS", "x", 0, u64::MAX)
                .unwrap()
                .to_str()
                .unwrap()
                .contains("Max-Age=0")
        );
    }
}
