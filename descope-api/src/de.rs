//! serde `deserialize_with` helpers for generated response fields.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// `null` becomes `T::default()`; anything else uses `T`'s own
/// `Deserialize`.
pub fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// An `i64` from a JSON number, a numeric string (`"1700000000"`), or `null`
/// (which becomes 0). Descope's gateway sends int64 values as strings.
pub fn int64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    deserializer.deserialize_any(Int64Visitor)
}

struct Int64Visitor;

impl<'de> Visitor<'de> for Int64Visitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer, a string holding an integer, or null")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
        // Whole numbers written as `1.0` or `1e3`; the range check keeps the
        // cast exact.
        if v.fract() == 0.0 && v >= i64::MIN as f64 && v < i64::MAX as f64 {
            Ok(v as i64)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        let trimmed = v.trim();
        if trimmed.is_empty() {
            return Ok(0);
        }
        trimmed
            .parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }

    fn visit_unit<E: de::Error>(self) -> Result<i64, E> {
        Ok(0)
    }

    fn visit_none<E: de::Error>(self) -> Result<i64, E> {
        Ok(0)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<i64, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// A string newtype that generated replies decode with [`non_empty`].
pub trait FromWire: Sized {
    /// Builds the value from its wire string, or says why it cannot.
    fn from_wire(text: String) -> Result<Self, String>;
}

impl FromWire for url::Url {
    fn from_wire(text: String) -> Result<Self, String> {
        url::Url::parse(&text).map_err(|e| format!("invalid URL: {e}"))
    }
}

impl FromWire for crate::RefreshJwt {
    fn from_wire(text: String) -> Result<Self, String> {
        Ok(Self::from(text))
    }
}

impl FromWire for crate::SessionJwt {
    fn from_wire(text: String) -> Result<Self, String> {
        Ok(Self::from(text))
    }
}

/// `null`, a missing value or `""` becomes `None`; any other string goes through
/// [`FromWire`]. For reply fields holding URLs and JWTs, which protobuf JSON leaves empty when
/// there is none.
pub fn non_empty<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: FromWire,
{
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) if text.is_empty() => Ok(None),
        Some(text) => T::from_wire(text).map(Some).map_err(de::Error::custom),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, Default)]
    #[serde(default)]
    struct R {
        #[serde(deserialize_with = "super::int64")]
        n: i64,
        #[serde(deserialize_with = "super::nullable")]
        s: String,
        #[serde(deserialize_with = "super::nullable")]
        v: Vec<u8>,
    }

    fn n(json: &str) -> Result<i64, serde_json::Error> {
        serde_json::from_str::<R>(&format!(r#"{{"n":{json}}}"#)).map(|r| r.n)
    }

    #[test]
    fn int64_accepts_numbers_strings_and_null() {
        assert_eq!(n("42").unwrap(), 42);
        assert_eq!(n("-7").unwrap(), -7);
        assert_eq!(n(r#""1700000000""#).unwrap(), 1_700_000_000);
        assert_eq!(n(r#""-9223372036854775808""#).unwrap(), i64::MIN);
        assert_eq!(n("null").unwrap(), 0);
        assert_eq!(n("3.0").unwrap(), 3);
        assert_eq!(serde_json::from_str::<R>("{}").unwrap().n, 0);
    }

    #[test]
    fn int64_rejects_garbage() {
        assert!(n(r#""abc""#).is_err());
        assert!(n(r#""12x""#).is_err());
        assert!(n("1.5").is_err());
        assert!(n("true").is_err());
        assert!(n("18446744073709551615").is_err());
    }

    #[derive(Deserialize, Debug, Default)]
    #[serde(default)]
    struct W {
        #[serde(deserialize_with = "super::non_empty")]
        url: Option<url::Url>,
        #[serde(deserialize_with = "super::non_empty")]
        jwt: Option<crate::RefreshJwt>,
    }

    #[test]
    fn non_empty_maps_missing_null_and_empty_to_none() {
        for json in ["{}", r#"{"url":null,"jwt":null}"#, r#"{"url":"","jwt":""}"#] {
            let w: W = serde_json::from_str(json).unwrap();
            assert!(w.url.is_none() && w.jwt.is_none(), "{json}");
        }
        let w: W = serde_json::from_str(r#"{"url":"https://x.test/a?b=1","jwt":"eyJ"}"#).unwrap();
        assert_eq!(w.url.unwrap().as_str(), "https://x.test/a?b=1");
        assert_eq!(w.jwt.unwrap().expose_secret(), "eyJ");
        let err = serde_json::from_str::<W>(r#"{"url":"not a url"}"#).unwrap_err();
        assert!(err.to_string().contains("invalid URL"), "{err}");
    }

    #[test]
    fn nullable_defaults_null() {
        let r: R = serde_json::from_str(r#"{"s":null,"v":null}"#).unwrap();
        assert_eq!((r.s.as_str(), r.v.len()), ("", 0));
        let r: R = serde_json::from_str(r#"{"s":"x","v":[1]}"#).unwrap();
        assert_eq!((r.s.as_str(), r.v.as_slice()), ("x", &[1u8][..]));
    }
}
