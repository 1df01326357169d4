//! Decoding replies: generated types describe their fields as [`Slot`]s, and one visitor,
//! written once here, fills them from serde_json's parser.
//!
//! A generated object implements [`Object`] (a `match` from wire name to the field's slot) and
//! [`Fill`]; nothing per type is generic, so the decoding machinery is compiled once for the
//! whole API instead of once per reply type. Decoding is lenient the way Descope's protobuf
//! JSON needs: `null` and missing fields keep their defaults, 64-bit integers may come as
//! strings, unknown fields are skipped, and enum values this version does not know decode to
//! the enum's `Unknown` variant. Error messages name what was expected and found, never the
//! value (it may be a token).

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize as _;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::error::DecodeError;
use crate::{RefreshJwt, Secret, SessionJwt};

/// A place a JSON value can be decoded into.
#[non_exhaustive]
pub enum Slot<'a> {
    /// A string (`null` leaves it empty).
    String(&'a mut String),
    /// A secret string.
    Secret(&'a mut Secret),
    /// A boolean.
    Bool(&'a mut bool),
    /// A 32-bit integer, from a number or a numeric string.
    I32(&'a mut i32),
    /// A 64-bit integer, from a number or a numeric string.
    I64(&'a mut i64),
    /// A floating-point number, from a number or a numeric string.
    F64(&'a mut f64),
    /// Any JSON value, kept as is.
    Any(&'a mut Value),
    /// A value built from a string (URLs, JWTs, enums); `null` and `""` are no value.
    Text(&'a mut dyn FromText),
    /// An object.
    Object(&'a mut dyn Object),
    /// An optional value: `null` is `None`.
    Option(&'a mut dyn OptionSlot),
    /// A list.
    List(&'a mut dyn ListSlot),
    /// A map with string keys.
    Map(&'a mut dyn MapSlot),
}

impl Slot<'_> {
    fn expected(&self) -> &'static str {
        match self {
            Slot::String(_) | Slot::Secret(_) | Slot::Text(_) => "a string",
            Slot::Bool(_) => "a boolean",
            Slot::I32(_) | Slot::I64(_) => "an integer",
            Slot::F64(_) => "a number",
            Slot::Any(_) => "any value",
            Slot::Object(_) | Slot::Map(_) => "an object",
            Slot::Option(_) => "a value",
            Slot::List(_) => "an array",
        }
    }
}

/// A Rust value that JSON can be decoded into.
pub trait Fill {
    /// The slot that fills `self`.
    fn slot(&mut self) -> Slot<'_>;
}

/// A generated object type: its fields by wire name.
pub trait Object {
    /// The slot of the field called `key` on the wire, or `None` to skip the value.
    fn field(&mut self, key: &str) -> Option<Slot<'_>>;
}

/// A type whose JSON form is a string (a URL, a JWT, an enum value).
pub trait FromWire: Sized {
    /// Builds the value from its wire string, or says why it cannot (without quoting it).
    fn from_wire(text: &str) -> Result<Self, String>;
}

/// What [`Slot::Text`] fills: set from a string, or cleared by `null` / `""`.
pub trait FromText {
    /// Sets the value; `None` for `null` or an empty string.
    fn set_text(&mut self, text: Option<&str>) -> Result<(), String>;
}

/// What [`Slot::Option`] fills.
pub trait OptionSlot {
    /// Sets `None`.
    fn set_none(&mut self);
    /// Makes the value `Some` and returns the slot inside it.
    fn some(&mut self) -> Slot<'_>;
}

/// What [`Slot::List`] fills.
pub trait ListSlot {
    /// Empties the list.
    fn clear(&mut self);
    /// Appends a default item and returns its slot.
    fn push(&mut self) -> Slot<'_>;
    /// Drops the last item (the one `push` added when the list turned out to have ended).
    fn pop(&mut self);
}

/// What [`Slot::Map`] fills.
pub trait MapSlot {
    /// Empties the map.
    fn clear(&mut self);
    /// Inserts a default value under `key` and returns its slot.
    fn insert(&mut self, key: String) -> Slot<'_>;
}

macro_rules! fill {
    ($($ty:ty => $variant:ident),* $(,)?) => {$(
        impl Fill for $ty {
            fn slot(&mut self) -> Slot<'_> {
                Slot::$variant(self)
            }
        }
    )*};
}

fill!(String => String, Secret => Secret, bool => Bool, i32 => I32, i64 => I64, f64 => F64, Value => Any);

impl<T: Object> Fill for T {
    fn slot(&mut self) -> Slot<'_> {
        Slot::Object(self)
    }
}

impl<T: Fill + Default> Fill for Vec<T> {
    fn slot(&mut self) -> Slot<'_> {
        Slot::List(self)
    }
}

impl<T: Fill + Default> Fill for BTreeMap<String, T> {
    fn slot(&mut self) -> Slot<'_> {
        Slot::Map(self)
    }
}

impl<T: Fill + Default> Fill for Option<T> {
    fn slot(&mut self) -> Slot<'_> {
        Slot::Option(self)
    }
}

impl<T: Fill + Default> OptionSlot for Option<T> {
    fn set_none(&mut self) {
        *self = None;
    }

    fn some(&mut self) -> Slot<'_> {
        self.get_or_insert_with(T::default).slot()
    }
}

impl<T: Fill + Default> ListSlot for Vec<T> {
    fn clear(&mut self) {
        Vec::clear(self);
    }

    fn push(&mut self) -> Slot<'_> {
        let index = self.len();
        self.push(T::default());
        self[index].slot()
    }

    fn pop(&mut self) {
        Vec::pop(self);
    }
}

impl<T: Fill + Default> MapSlot for BTreeMap<String, T> {
    fn clear(&mut self) {
        BTreeMap::clear(self);
    }

    fn insert(&mut self, key: String) -> Slot<'_> {
        let value = self.entry(key).or_default();
        *value = T::default();
        value.slot()
    }
}

impl<T: FromWire> FromText for Option<T> {
    fn set_text(&mut self, text: Option<&str>) -> Result<(), String> {
        *self = match text {
            Some(text) => Some(T::from_wire(text)?),
            None => None,
        };
        Ok(())
    }
}

/// An open enum in a list or map: `null` and `""` give its default (`Unknown("")`).
impl<T: FromWire + Default> FromText for T {
    fn set_text(&mut self, text: Option<&str>) -> Result<(), String> {
        *self = match text {
            Some(text) => T::from_wire(text)?,
            None => T::default(),
        };
        Ok(())
    }
}

impl FromWire for url::Url {
    fn from_wire(text: &str) -> Result<Self, String> {
        url::Url::parse(text).map_err(|e| format!("not a valid URL ({e})"))
    }
}

impl FromWire for RefreshJwt {
    fn from_wire(text: &str) -> Result<Self, String> {
        Ok(RefreshJwt::new(text))
    }
}

impl FromWire for SessionJwt {
    fn from_wire(text: &str) -> Result<Self, String> {
        Ok(SessionJwt::new(text))
    }
}

/// Decodes a JSON reply into `T`; an empty or all-whitespace body decodes as `T::default()`
/// (the same as `{}` for an object, `[]` for a list).
pub fn decode_json<T: Fill + Default>(body: &[u8]) -> Result<T, DecodeError> {
    let mut value = T::default();
    decode_into(body, value.slot())?;
    Ok(value)
}

/// The non-generic part of [`decode_json`].
fn decode_into(body: &[u8], slot: Slot<'_>) -> Result<(), DecodeError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    SlotSeed(slot)
        .deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(DecodeError::from_json)
}

/// Hands a non-JSON body (XML metadata, HTML) over as text; invalid UTF-8 is replaced.
pub fn decode_text(body: &[u8]) -> Result<String, DecodeError> {
    Ok(String::from_utf8_lossy(body).into_owned())
}

/// Ignores the body of a reply documented as empty.
pub fn decode_empty(_body: &[u8]) -> Result<(), DecodeError> {
    Ok(())
}

/// Decodes one JSON value into a slot.
struct SlotSeed<'a>(Slot<'a>);

impl<'de> DeserializeSeed<'de> for SlotSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        match self.0 {
            Slot::Any(value) => {
                *value = Value::deserialize(deserializer)?;
                Ok(())
            }
            // `null` is `None`; anything else fills the value inside, whatever its slot
            // (an optional `any` keeps objects and arrays too).
            Slot::Option(option) => deserializer.deserialize_option(OptionVisitor(option)),
            slot => deserializer.deserialize_any(SlotVisitor(slot)),
        }
    }
}

/// Decides between `None` and `Some` before the value inside is read.
struct OptionVisitor<'a>(&'a mut dyn OptionSlot);

impl<'de> Visitor<'de> for OptionVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.0.set_none();
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        SlotSeed(self.0.some()).deserialize(deserializer)
    }
}

/// Fills a slot from whatever JSON value comes.
struct SlotVisitor<'a>(Slot<'a>);

/// What kind of JSON value was found, for messages.
fn wrong<E: de::Error>(slot: &Slot<'_>, found: &str) -> E {
    E::custom(format_args!("expected {}, found {found}", slot.expected()))
}

impl SlotVisitor<'_> {
    fn integer<E: de::Error>(self, value: i128) -> Result<(), E> {
        match self.0 {
            Slot::I64(out) => {
                *out = i64::try_from(value).map_err(|_| E::custom("integer out of range"))?;
            }
            Slot::I32(out) => {
                *out = i32::try_from(value).map_err(|_| E::custom("integer out of range"))?;
            }
            Slot::F64(out) => *out = value as f64,
            other => return Err(wrong(&other, "a number")),
        }
        Ok(())
    }
}

impl<'de> Visitor<'de> for SlotVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.expected())
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<(), E> {
        match self.0 {
            Slot::Bool(out) => *out = value,
            other => return Err(wrong(&other, "a boolean")),
        }
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<(), E> {
        self.integer(i128::from(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<(), E> {
        self.integer(i128::from(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<(), E> {
        match self.0 {
            Slot::F64(out) => *out = value,
            // Whole numbers written as `1.0` or `1e3`.
            Slot::I64(_) | Slot::I32(_)
                if value.fract() == 0.0 && value >= i64::MIN as f64 && value < i64::MAX as f64 =>
            {
                return self.integer(value as i128);
            }
            other => return Err(wrong(&other, "a number")),
        }
        Ok(())
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<(), E> {
        match self.0 {
            Slot::String(out) => {
                out.clear();
                out.push_str(value);
            }
            Slot::Secret(out) => *out = Secret::new(value),
            Slot::Text(out) => out
                .set_text(Some(value).filter(|v| !v.is_empty()))
                .map_err(E::custom)?,
            Slot::I64(_) | Slot::I32(_) | Slot::F64(_) => {
                let trimmed = value.trim();
                if trimmed.is_empty() {
                    return Ok(());
                }
                if let Slot::F64(out) = self.0 {
                    *out = trimmed
                        .parse()
                        .map_err(|_| E::custom("expected a number, found a non-numeric string"))?;
                    return Ok(());
                }
                let value: i128 = trimmed
                    .parse()
                    .map_err(|_| E::custom("expected an integer, found a non-numeric string"))?;
                return self.integer(value);
            }
            other => return Err(wrong(&other, "a string")),
        }
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        // `null`: no value, so the field keeps (or returns to) its default.
        match self.0 {
            Slot::String(out) => out.clear(),
            Slot::Secret(out) => *out = Secret::default(),
            Slot::Bool(out) => *out = false,
            Slot::I32(out) => *out = 0,
            Slot::I64(out) => *out = 0,
            Slot::F64(out) => *out = 0.0,
            Slot::Any(out) => *out = Value::Null,
            Slot::Text(out) => out.set_text(None).map_err(E::custom)?,
            Slot::Option(out) => out.set_none(),
            Slot::List(out) => out.clear(),
            Slot::Map(out) => out.clear(),
            Slot::Object(_) => {}
        }
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        SlotSeed(self.0).deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        match self.0 {
            Slot::List(list) => {
                list.clear();
                // Each item: push a default, then fill it; a `None` from the parser ends the
                // list, leaving one extra default item to drop.
                loop {
                    let slot = list.push();
                    if seq.next_element_seed(SlotSeed(slot))?.is_none() {
                        list.pop();
                        return Ok(());
                    }
                }
            }
            other => Err(wrong(&other, "an array")),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        match self.0 {
            Slot::Object(object) => {
                while let Some(field) = map.next_key_seed(KeySeed(&mut *object))? {
                    match field {
                        Some(slot) => map.next_value_seed(SlotSeed(slot))?,
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(())
            }
            Slot::Map(out) => {
                out.clear();
                while let Some(key) = map.next_key::<String>()? {
                    map.next_value_seed(SlotSeed(out.insert(key)))?;
                }
                Ok(())
            }
            other => Err(wrong(&other, "an object")),
        }
    }
}

/// Reads an object key and looks its field up, without allocating the key.
struct KeySeed<'a>(&'a mut dyn Object);

impl<'de, 'a> DeserializeSeed<'de> for KeySeed<'a> {
    type Value = Option<Slot<'a>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, 'a> Visitor<'de> for KeySeed<'a> {
    type Value = Option<Slot<'a>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        Ok(self.0.field(key))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::{Value, json};

    use super::decode_json;

    #[test]
    fn optional_any_keeps_every_kind_of_value() {
        for value in [
            json!({"a": [1, {"b": null}]}),
            json!([1, "x"]),
            json!("s"),
            json!(2.5),
        ] {
            let body = serde_json::to_vec(&value).unwrap();
            assert_eq!(decode_json::<Option<Value>>(&body).unwrap(), Some(value));
        }
        assert_eq!(decode_json::<Option<Value>>(b"null").unwrap(), None);
        let map = decode_json::<BTreeMap<String, Option<Value>>>(br#"{"x":{"y":1},"z":null}"#);
        let map = map.unwrap();
        assert_eq!(map["x"], Some(json!({"y": 1})));
        assert_eq!(map["z"], None);
    }

    #[test]
    fn optional_scalars_and_lists() {
        assert_eq!(decode_json::<Option<i64>>(br#""42""#).unwrap(), Some(42));
        assert_eq!(decode_json::<Option<bool>>(b"true").unwrap(), Some(true));
        assert_eq!(decode_json::<Option<String>>(b"null").unwrap(), None);
        assert_eq!(
            decode_json::<Option<String>>(br#""""#).unwrap(),
            Some(String::new())
        );
        let list = decode_json::<Vec<Option<i32>>>(b"[1,null,3]").unwrap();
        assert_eq!(list, [Some(1), None, Some(3)]);
        assert_eq!(
            decode_json::<Option<Vec<i32>>>(b"[]").unwrap(),
            Some(vec![])
        );
        assert!(decode_json::<Option<i32>>(b"{}").is_err());
    }
}
