//! Encoding requests: generated types list their fields as `(wire name, &dyn Emit)` pairs, and
//! one writer, written once here, turns them into JSON body bytes or query pairs.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::{RefreshJwt, Secret, SessionJwt};

/// A JSON document being written.
#[derive(Debug, Default)]
pub struct JsonWriter {
    out: Vec<u8>,
}

impl JsonWriter {
    /// An empty writer.
    pub fn new() -> JsonWriter {
        JsonWriter {
            out: Vec::with_capacity(256),
        }
    }

    /// The bytes written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    /// Writes an object of the present fields, in order.
    #[inline]
    pub fn object<const N: usize>(&mut self, fields: [(&str, &dyn Emit); N]) {
        self.object_of(&fields);
    }

    /// [`JsonWriter::object`] for a slice of fields (the non-generic part).
    pub(crate) fn object_of(&mut self, fields: &[(&str, &dyn Emit)]) {
        self.out.push(b'{');
        let mut first = true;
        for (name, value) in fields {
            if value.is_absent() {
                continue;
            }
            if !first {
                self.out.push(b',');
            }
            first = false;
            self.string(name);
            self.out.push(b':');
            value.emit(self);
        }
        self.out.push(b'}');
    }

    /// Writes a JSON string.
    pub fn string(&mut self, text: &str) {
        self.serialize(text);
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    /// Values whose serde form is exactly their JSON form (strings, numbers, JSON values).
    fn serialize<T: Serialize + ?Sized>(&mut self, value: &T) {
        let mut serializer = serde_json::Serializer::new(&mut self.out);
        // Writing to a `Vec` cannot fail, and these types always serialize.
        let _ = value.serialize(&mut serializer);
    }
}

/// A value that can be written as JSON (and, if it is a scalar, as a query value).
pub trait Emit {
    /// Writes the value.
    fn emit(&self, out: &mut JsonWriter);

    /// Whether the value is absent (a `None`): its field is left out.
    fn is_absent(&self) -> bool {
        false
    }

    /// Appends the value's query pairs, for scalars and lists of them.
    fn query(&self, name: &str, out: &mut Query) {
        let _ = (name, out);
    }
}

macro_rules! emit_scalar {
    ($($ty:ty),*) => {$(
        impl Emit for $ty {
            fn emit(&self, out: &mut JsonWriter) {
                out.serialize(self);
            }

            fn query(&self, name: &str, out: &mut Query) {
                out.pair(name, &self.to_string());
            }
        }
    )*};
}

emit_scalar!(bool, i32, i64, f64);

impl Emit for str {
    fn emit(&self, out: &mut JsonWriter) {
        out.string(self);
    }

    fn query(&self, name: &str, out: &mut Query) {
        out.pair(name, self);
    }
}

impl Emit for String {
    fn emit(&self, out: &mut JsonWriter) {
        out.string(self);
    }

    fn query(&self, name: &str, out: &mut Query) {
        out.pair(name, self);
    }
}

impl Emit for Value {
    fn emit(&self, out: &mut JsonWriter) {
        out.serialize(self);
    }
}

impl Emit for url::Url {
    fn emit(&self, out: &mut JsonWriter) {
        out.string(self.as_str());
    }

    fn query(&self, name: &str, out: &mut Query) {
        out.pair(name, self.as_str());
    }
}

macro_rules! emit_secret {
    ($($ty:ty),*) => {$(
        impl Emit for $ty {
            fn emit(&self, out: &mut JsonWriter) {
                out.string(self.expose_secret());
            }

            fn query(&self, name: &str, out: &mut Query) {
                out.pair(name, self.expose_secret());
            }
        }
    )*};
}

emit_secret!(Secret, RefreshJwt, SessionJwt);

impl<T: Emit> Emit for Option<T> {
    fn emit(&self, out: &mut JsonWriter) {
        match self {
            Some(value) => value.emit(out),
            None => out.raw(b"null"),
        }
    }

    fn is_absent(&self) -> bool {
        self.is_none()
    }

    fn query(&self, name: &str, out: &mut Query) {
        if let Some(value) = self {
            value.query(name, out);
        }
    }
}

impl<T: Emit> Emit for Vec<T> {
    fn emit(&self, out: &mut JsonWriter) {
        out.raw(b"[");
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.raw(b",");
            }
            item.emit(out);
        }
        out.raw(b"]");
    }

    fn query(&self, name: &str, out: &mut Query) {
        for item in self {
            item.query(name, out);
        }
    }
}

impl<T: Emit> Emit for BTreeMap<String, T> {
    fn emit(&self, out: &mut JsonWriter) {
        out.raw(b"{");
        for (i, (key, value)) in self.iter().enumerate() {
            if i > 0 {
                out.raw(b",");
            }
            out.string(key);
            out.raw(b":");
            value.emit(out);
        }
        out.raw(b"}");
    }
}

/// The query string of a request, percent-encoded as it is built.
#[derive(Debug, Default)]
pub struct Query {
    text: String,
}

impl Query {
    /// Appends `name=value`.
    pub fn pair(&mut self, name: &str, value: &str) {
        self.text.push(if self.text.is_empty() { '?' } else { '&' });
        crate::request::encode_into(&mut self.text, name);
        self.text.push('=');
        crate::request::encode_into(&mut self.text, value);
    }

    /// Appends the pairs of every present field, in order.
    pub fn fields(&mut self, fields: &[(&str, &dyn Emit)]) {
        for (name, value) in fields {
            value.query(name, self);
        }
    }

    /// The query string with its leading `?`, or `""`.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_skip_absent_fields_and_keep_order() {
        let mut out = JsonWriter::new();
        let tags = vec!["a".to_owned(), "b\"".to_owned()];
        let map = BTreeMap::from([("k".to_owned(), 1i64)]);
        out.object([
            ("loginId", &"ann".to_owned()),
            ("missing", &None::<bool>),
            ("flag", &Some(true)),
            ("tags", &tags),
            ("n", &-3i32),
            ("map", &map),
            ("any", &serde_json::json!({"x": [null]})),
            ("code", &Secret::new("123")),
            ("f", &1.5f64),
            ("nan", &f64::NAN),
        ]);
        assert_eq!(
            String::from_utf8(out.into_bytes()).unwrap(),
            r#"{"loginId":"ann","flag":true,"tags":["a","b\""],"n":-3,"map":{"k":1},"any":{"x":[null]},"code":"123","f":1.5,"nan":null}"#
        );
    }

    #[test]
    fn query_pairs_are_encoded() {
        let mut query = Query::default();
        query.fields(&[
            ("s", &"a b&c".to_owned()),
            ("none", &None::<String>),
            ("b", &true),
            ("l", &1_700_000_000_000i64),
            ("v", &vec!["x".to_owned(), "y".to_owned()]),
            ("empty", &Vec::<i64>::new()),
        ]);
        assert_eq!(
            query.as_str(),
            "?s=a%20b%26c&b=true&l=1700000000000&v=x&v=y"
        );
        assert_eq!(Query::default().as_str(), "");
    }
}
