//! Field type expressions as written in spec files: `string`, `array<map<int64>>`,
//! `LoginOptions`, `auth::LoginOptions`. Only [`crate::resolve`] parses them; everything
//! downstream reads the resolved [`Type`](crate::Type).

use std::fmt;

/// A parsed (not yet resolved) field type expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `string`
    String,
    /// `bool`
    Bool,
    /// `int32`
    Int32,
    /// `int64`: decodes from a number or a numeric string.
    Int64,
    /// `number` (f64)
    Number,
    /// `any` JSON value
    Any,
    /// `array<T>`
    Array(Box<Ty>),
    /// `map<T>`: string keys
    Map(Box<Ty>),
    /// `url`: an absolute URL, decoded into the runtime's `Url`.
    Url,
    /// `refresh_jwt`: a refresh JWT, decoded into the runtime's `RefreshJwt` credential.
    RefreshJwt,
    /// `session_jwt`: a session JWT, decoded into the runtime's `SessionJwt` credential.
    SessionJwt,
    /// A named shared type: of the field's own area, or of the area named first
    /// (`auth::LoginOptions`).
    Named(Option<String>, String),
}

impl Ty {
    /// Parses a type expression; the error says what was expected.
    pub fn parse(text: &str) -> Result<Ty, String> {
        let text = text.trim();
        let inner = |prefix: &str| {
            text.strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix('>'))
        };
        Ok(match text {
            "string" => Ty::String,
            "bool" => Ty::Bool,
            "int32" => Ty::Int32,
            "int64" => Ty::Int64,
            "number" => Ty::Number,
            "any" => Ty::Any,
            "url" => Ty::Url,
            "refresh_jwt" => Ty::RefreshJwt,
            "session_jwt" => Ty::SessionJwt,
            _ => {
                if let Some(item) = inner("array<") {
                    Ty::Array(Box::new(Ty::parse(item)?))
                } else if let Some(value) = inner("map<") {
                    Ty::Map(Box::new(Ty::parse(value)?))
                } else if crate::names::is_camel_ident(text) {
                    Ty::Named(None, text.to_owned())
                } else if let Some((area, name)) = text.split_once("::")
                    && crate::names::is_snake_ident(area)
                    && crate::names::is_camel_ident(name)
                {
                    Ty::Named(Some(area.to_owned()), name.to_owned())
                } else {
                    return Err(format!(
                        "unknown type `{text}`: expected string, bool, int32, int64, number, any, \
                         url, refresh_jwt, session_jwt, array<T>, map<T>, or the UpperCamelCase \
                         name of a shared type (`Name`, or `area::Name` for another area's)"
                    ));
                }
            }
        })
    }

    /// The named type this expression mentions, if any: `(area, name)`.
    pub fn named(&self) -> Option<(Option<&str>, &str)> {
        match self {
            Ty::Named(area, name) => Some((area.as_deref(), name)),
            Ty::Array(inner) | Ty::Map(inner) => inner.named(),
            _ => None,
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ty::String => f.write_str("string"),
            Ty::Bool => f.write_str("bool"),
            Ty::Int32 => f.write_str("int32"),
            Ty::Int64 => f.write_str("int64"),
            Ty::Number => f.write_str("number"),
            Ty::Any => f.write_str("any"),
            Ty::Url => f.write_str("url"),
            Ty::RefreshJwt => f.write_str("refresh_jwt"),
            Ty::SessionJwt => f.write_str("session_jwt"),
            Ty::Array(inner) => write!(f, "array<{inner}>"),
            Ty::Map(inner) => write!(f, "map<{inner}>"),
            Ty::Named(Some(area), name) => write!(f, "{area}::{name}"),
            Ty::Named(None, name) => f.write_str(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        for text in [
            "string",
            "array<map<int64>>",
            "map<LoginOptions>",
            "any",
            "url",
            "array<refresh_jwt>",
            "session_jwt",
            "auth::LoginOptions",
            "array<management::User>",
        ] {
            assert_eq!(Ty::parse(text).unwrap().to_string(), text);
        }
        assert!(
            Ty::parse("Strng").is_ok(),
            "an UpperCamel name is a named type"
        );
        assert!(Ty::parse("strng").is_err());
        assert!(Ty::parse("array<strng>").is_err());
        assert!(Ty::parse("map<string,string>").is_err());
        assert!(Ty::parse("Auth::X").is_err());
        assert!(Ty::parse("auth::x").is_err());
    }
}
