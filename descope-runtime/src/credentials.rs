//! Credential newtypes whose `Debug` and `Display` never reveal the secret.

/// Defines a string newtype holding a secret: `Debug` prints `Name("***")`,
/// `Display` prints `***`, and the value is only reachable through
/// `expose_secret`.
macro_rules! secret_string {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// Returns the secret value. Take care not to log it.
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_tuple(stringify!($name)).field(&"***").finish()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("***")
            }
        }
    };
}

secret_string! {
    /// A Descope refresh JWT (the long-lived `DSR` token).
    ///
    /// ```
    /// use descope_api::RefreshJwt;
    /// let jwt = RefreshJwt::new("eyJhbGciOi...");
    /// assert_eq!(format!("{jwt:?}"), r#"RefreshJwt("***")"#);
    /// assert_eq!(jwt.expose_secret(), "eyJhbGciOi...");
    /// ```
    ///
    /// Session replies carry one (`refresh_jwt` of descope-api's `auth::types::JwtResponse`),
    /// which can be handed straight to the endpoints that need it.
    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(transparent)]
    RefreshJwt
}

secret_string! {
    /// A Descope session JWT (the short-lived `DS` token).
    ///
    /// ```
    /// use descope_api::SessionJwt;
    /// let jwt = SessionJwt::from("eyJhbGciOi...");
    /// assert_eq!(jwt.to_string(), "***");
    /// ```
    #[derive(serde::Serialize, serde::Deserialize)]
    #[serde(transparent)]
    SessionJwt
}

secret_string! {
    /// A Descope access key, exchanged for a session JWT.
    AccessKey
}

secret_string! {
    /// A Descope management key, required by the management APIs.
    ///
    /// ```
    /// use descope_api::ManagementKey;
    /// let key = ManagementKey::new("K2...");
    /// assert_eq!(format!("{key:?}"), r#"ManagementKey("***")"#);
    /// ```
    ManagementKey
}

secret_string! {
    /// A secret request or response field, such as a one-time code or a
    /// password. Serializes transparently as a JSON string but never shows
    /// its value in `Debug` or `Display`.
    ///
    /// ```
    /// use descope_api::Secret;
    /// let code = Secret::new("123456");
    /// assert_eq!(format!("{code:?}"), r#"Secret("***")"#);
    /// assert_eq!(serde_json::to_string(&code).unwrap(), r#""123456""#);
    /// ```
    #[derive(Default, serde::Serialize, serde::Deserialize)]
    #[serde(transparent)]
    Secret
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let refresh = RefreshJwt::new("top-secret-refresh");
        let session = SessionJwt::from("top-secret-session".to_owned());
        let access = AccessKey::from("top-secret-access");
        let mgmt = ManagementKey::new("top-secret-mgmt");
        let secret = Secret::new("top-secret-code");
        assert_eq!(format!("{refresh:?}"), r#"RefreshJwt("***")"#);
        assert_eq!(format!("{session:?}"), r#"SessionJwt("***")"#);
        assert_eq!(format!("{access:?}"), r#"AccessKey("***")"#);
        assert_eq!(format!("{mgmt:?}"), r#"ManagementKey("***")"#);
        assert_eq!(format!("{secret:?}"), r#"Secret("***")"#);
        for shown in [
            refresh.to_string(),
            session.to_string(),
            access.to_string(),
            mgmt.to_string(),
            secret.to_string(),
            format!("{refresh:#?}"),
        ] {
            assert!(!shown.contains("top-secret"), "{shown}");
        }
        assert_eq!(refresh.expose_secret(), "top-secret-refresh");
        assert_eq!(mgmt, ManagementKey::from("top-secret-mgmt"));
    }

    #[test]
    fn secret_serde_is_transparent() {
        let s: Secret = serde_json::from_str(r#""abc""#).unwrap();
        assert_eq!(s.expose_secret(), "abc");
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""abc""#);
        assert_eq!(Secret::default().expose_secret(), "");
    }
}
