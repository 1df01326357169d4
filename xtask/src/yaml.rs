//! Reading a YAML document into a small ordered tree ([`Node`]), the only YAML the tools need.
//!
//! The tree keeps mapping order (operations are reported in document order) and turns every key
//! into a string (`200:` and `'200':` are the same response code).

use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::Value;

/// A parsed YAML (or JSON) value.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// `null`, `~` or an empty value.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// Parses YAML text holding exactly one document.
    pub fn parse(text: &str) -> Result<Node, String> {
        let docs = Yaml::load_from_str(text).map_err(|e| e.to_string())?;
        match docs.as_slice() {
            [doc] => Ok(convert(doc)),
            [] => Err("the file holds no YAML document".into()),
            _ => Err(format!(
                "the file holds {} YAML documents; expected one",
                docs.len()
            )),
        }
    }

    /// The value under `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The entries of a mapping (empty for anything else).
    pub fn entries(&self) -> &[(String, Node)] {
        match self {
            Node::Map(entries) => entries,
            _ => &[],
        }
    }

    /// The items of a sequence (empty for anything else).
    pub fn items(&self) -> &[Node] {
        match self {
            Node::Seq(items) => items,
            _ => &[],
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Node::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The value as JSON (for defaults copied into spec files).
    pub fn to_json(&self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Int(i) => Value::from(*i),
            Node::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Node::Str(s) => Value::String(s.clone()),
            Node::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Node::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

fn convert(yaml: &Yaml) -> Node {
    match yaml {
        Yaml::Value(scalar) => scalar_node(scalar),
        Yaml::Representation(text, ..) => scalar_node(&Scalar::parse_from_cow(text.clone())),
        Yaml::Sequence(items) => Node::Seq(items.iter().map(convert).collect()),
        Yaml::Mapping(map) => {
            Node::Map(map.iter().map(|(k, v)| (key_text(k), convert(v))).collect())
        }
        Yaml::Tagged(_, inner) => convert(inner),
        Yaml::Alias(_) | Yaml::BadValue => Node::Null,
    }
}

fn scalar_node(scalar: &Scalar) -> Node {
    match scalar {
        Scalar::Null => Node::Null,
        Scalar::Boolean(b) => Node::Bool(*b),
        Scalar::Integer(i) => Node::Int(*i),
        Scalar::FloatingPoint(f) => Node::Float(f.into_inner()),
        Scalar::String(s) => Node::Str(s.to_string()),
    }
}

fn key_text(key: &Yaml) -> String {
    match convert(key) {
        Node::Str(s) => s,
        Node::Null => "null".into(),
        Node::Bool(b) => b.to_string(),
        Node::Int(i) => i.to_string(),
        Node::Float(f) => f.to_string(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_stringifies_keys() {
        let node = Node::parse("b: 1\na: [x, true, ~, 1.5]\n200: {}\n").unwrap();
        let keys: Vec<&str> = node.entries().iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["b", "a", "200"]);
        assert_eq!(
            node.get("a").unwrap().to_json(),
            serde_json::json!(["x", true, null, 1.5])
        );
        assert!(Node::parse("a: [").is_err());
    }
}
