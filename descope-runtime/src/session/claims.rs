//! The checks jsonwebtoken leaves to us: the token's kind (`drn`), the issuer, `iat`, `sub`;
//! and the claims read into a [`Session`](super::Session).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::{SessionError, TenantClaims, TokenKind};

/// The claims of a token that passed every check.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Claims {
    pub subject: String,
    pub issued_at: Option<u64>,
    pub expires_at: u64,
    pub amr: Vec<String>,
    pub roles: Vec<String>,
    pub permissions: Vec<String>,
    /// `None` when the token has no `tenants` claim (the `dct` fallback depends on it).
    pub tenants: Option<BTreeMap<String, TenantClaims>>,
    pub current_tenant: Option<String>,
    pub custom: Map<String, Value>,
}

/// Whether `issuer` is `project_id`, or a URL whose last or second-to-last path segment is
/// `project_id` (`https://api.descope.com/P2abc`, `https://api.descope.com/P2abc/x`).
pub(crate) fn issuer_matches(issuer: &str, project_id: &str) -> bool {
    if issuer == project_id {
        return true;
    }
    let Some(rest) = issuer
        .strip_prefix("https://")
        .or_else(|| issuer.strip_prefix("http://"))
    else {
        return false;
    };
    let path = rest.split(['?', '#']).next().unwrap_or_default();
    // Drop the authority; what is left are the path's segments.
    let Some((_authority, path)) = path.split_once('/') else {
        return false;
    };
    let mut segments = path.rsplit('/');
    let mut last = segments.next();
    if last == Some("") {
        // A trailing `/`.
        last = segments.next();
    }
    let second = segments.next();
    last == Some(project_id) || second == Some(project_id)
}

/// Checks what jsonwebtoken does not, then reads the claims. `now` in Unix seconds.
pub(crate) fn check(
    mut claims: Map<String, Value>,
    want: TokenKind,
    project_id: &str,
    leeway: u64,
    now: u64,
) -> Result<Claims, SessionError> {
    // Claims are moved out of the map as they are read: what is left is the custom claims.
    match claims.remove("drn") {
        Some(Value::String(drn)) if drn == want.drn() => {}
        _ => return Err(SessionError::WrongKind { expected: want }),
    }
    match claims.remove("iss") {
        Some(Value::String(issuer)) if issuer_matches(&issuer, project_id) => {}
        _ => return Err(SessionError::WrongIssuer),
    }
    let issued_at = match claims.remove("iat") {
        None | Some(Value::Null) => None,
        Some(value) => Some(seconds(&value).ok_or(SessionError::Malformed("`iat` is not a time"))?),
    };
    if issued_at.is_some_and(|iat| iat > now.saturating_add(leeway)) {
        return Err(SessionError::NotYetValid);
    }
    // jsonwebtoken required `exp` and checked its type.
    let expires_at = claims
        .remove("exp")
        .as_ref()
        .and_then(seconds)
        .ok_or(SessionError::Malformed("`exp` is not a time"))?;
    let subject = match claims.remove("sub") {
        Some(Value::String(sub)) if !sub.is_empty() => sub,
        _ => return Err(SessionError::Malformed("no `sub` claim")),
    };
    // Checked by jsonwebtoken.
    claims.remove("nbf");
    claims.remove("aud");
    let tenants = match claims.remove("tenants") {
        Some(Value::Object(tenants)) => Some(
            tenants
                .into_iter()
                .map(|(id, mut value)| {
                    let mut take = |name: &str| strings(value.get_mut(name).map(Value::take));
                    let tenant = TenantClaims {
                        roles: take("roles"),
                        permissions: take("permissions"),
                    };
                    (id, tenant)
                })
                .collect(),
        ),
        _ => None,
    };
    let current_tenant = match claims.remove("dct") {
        Some(Value::String(dct)) if !dct.is_empty() => Some(dct),
        _ => None,
    };
    Ok(Claims {
        subject,
        issued_at,
        expires_at,
        amr: strings(claims.remove("amr")),
        roles: strings(claims.remove("roles")),
        permissions: strings(claims.remove("permissions")),
        tenants,
        current_tenant,
        custom: claims,
    })
}

/// A NumericDate: a non-negative number of seconds (a fraction is cut off).
fn seconds(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64().or_else(|| {
            let float = number.as_f64()?;
            // In range, so the cast neither saturates nor wraps.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            (float.is_finite() && (0.0..1.8e19).contains(&float)).then_some(float as u64)
        }),
        _ => None,
    }
}

/// The strings of a JSON array (other items, or another type, are ignored, as the official
/// SDKs ignore them).
fn strings(value: Option<Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .into_iter()
            .filter_map(|item| match item {
                Value::String(text) => Some(text),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const PROJECT: &str = "P2abc";

    fn claims(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    fn base() -> Value {
        json!({"sub": "U1", "iss": PROJECT, "drn": "DS", "exp": 2000, "iat": 1000})
    }

    #[test]
    fn issuers() {
        for good in [
            "P2abc",
            "https://api.descope.com/P2abc",
            "https://api.descope.com/P2abc/",
            "https://api.descope.com/v1/P2abc",
            "https://api.descope.com/P2abc/session",
            "http://127.0.0.1:4510/P2abc",
        ] {
            assert!(issuer_matches(good, PROJECT), "{good}");
        }
        for bad in [
            "",
            "P2abcd",
            "p2abc",
            "https://P2abc",
            "https://api.descope.com/P2abc/a/b",
            "https://api.descope.com/P2other",
            "ftp://x/P2abc",
            "https://api.descope.com/xP2abc",
            "https://api.descope.com/?P2abc",
        ] {
            assert!(!issuer_matches(bad, PROJECT), "{bad}");
        }
    }

    #[test]
    fn kinds_issuers_and_times() {
        let ok = check(claims(base()), TokenKind::Session, PROJECT, 5, 1500).unwrap();
        assert_eq!(ok.subject, "U1");
        assert_eq!((ok.issued_at, ok.expires_at), (Some(1000), 2000));
        let mut refresh = base();
        refresh["drn"] = json!("DSR");
        assert!(matches!(
            check(
                claims(refresh.clone()),
                TokenKind::Session,
                PROJECT,
                5,
                1500
            ),
            Err(SessionError::WrongKind {
                expected: TokenKind::Session
            })
        ));
        assert!(check(claims(refresh), TokenKind::Refresh, PROJECT, 5, 1500).is_ok());
        for drn in [json!(null), json!("ds"), json!(["DS"]), json!("")] {
            let mut token = base();
            token["drn"] = drn;
            assert!(matches!(
                check(claims(token), TokenKind::Session, PROJECT, 5, 1500),
                Err(SessionError::WrongKind { .. })
            ));
        }
        for iss in [json!(null), json!("P2other"), json!(["P2abc"]), json!(1)] {
            let mut token = base();
            token["iss"] = iss;
            assert!(matches!(
                check(claims(token), TokenKind::Session, PROJECT, 5, 1500),
                Err(SessionError::WrongIssuer)
            ));
        }
        // iat: at the leeway's edge, then past it.
        assert!(check(claims(base()), TokenKind::Session, PROJECT, 5, 995).is_ok());
        assert!(matches!(
            check(claims(base()), TokenKind::Session, PROJECT, 5, 994),
            Err(SessionError::NotYetValid)
        ));
        for iat in [json!("1000"), json!(-1), json!(true)] {
            let mut token = base();
            token["iat"] = iat;
            assert!(matches!(
                check(claims(token), TokenKind::Session, PROJECT, 5, 1500),
                Err(SessionError::Malformed(_))
            ));
        }
        for sub in [json!(null), json!(""), json!(7)] {
            let mut token = base();
            token["sub"] = sub;
            assert!(matches!(
                check(claims(token), TokenKind::Session, PROJECT, 5, 1500),
                Err(SessionError::Malformed(_))
            ));
        }
        // No overflow at the end of time.
        let mut token = base();
        token["iat"] = json!(u64::MAX);
        assert!(
            check(
                claims(token),
                TokenKind::Session,
                PROJECT,
                u64::MAX,
                u64::MAX
            )
            .is_ok()
        );
    }

    #[test]
    fn typed_and_custom_claims() {
        let mut token = base();
        token["roles"] = json!(["admin", 3, "viewer"]);
        token["permissions"] = json!("not-a-list");
        token["tenants"] = json!({"T1": {"roles": ["owner"], "permissions": ["read"]}, "T2": 5});
        token["dct"] = json!("T1");
        token["amr"] = json!(["otp"]);
        token["plan"] = json!("gold");
        token["sid"] = json!("S1");
        let read = check(claims(token), TokenKind::Session, PROJECT, 5, 1500).unwrap();
        assert_eq!(read.roles, ["admin", "viewer"]);
        assert!(read.permissions.is_empty());
        let tenants = read.tenants.unwrap();
        assert_eq!(tenants["T1"].roles, ["owner"]);
        assert!(tenants["T2"].roles.is_empty());
        assert_eq!(read.current_tenant.as_deref(), Some("T1"));
        assert_eq!(
            Value::Object(read.custom),
            json!({"plan": "gold", "sid": "S1"})
        );
    }

    #[test]
    fn fractional_times() {
        assert_eq!(seconds(&json!(1.9)), Some(1));
        assert_eq!(seconds(&json!(-0.5)), None);
        assert_eq!(seconds(&json!(1e300)), None);
        assert_eq!(seconds(&json!("1")), None);
    }
}
