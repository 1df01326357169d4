//! What a spec type expression means on the wire, and how it compares with a document type.
//!
//! The tools judge only what travels: `url`, `refresh_jwt` and `session_jwt` are strings, a shared
//! enum is a string with known values, a shared object is an object whose fields are compared one
//! level further down.

use descope_spec::Ty;

use crate::openapi::{Api, DocTy, ObjId};
use crate::spec::SpecDir;

/// A spec type as it travels.
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// `string`, `url`, `refresh_jwt`, `session_jwt`.
    String,
    /// `bool`.
    Bool,
    /// `int32`.
    Int32,
    /// `int64`.
    Int64,
    /// `number`.
    Number,
    /// `any`.
    Any,
    /// `array<T>`.
    Array(Box<Shape>),
    /// `map<T>`.
    Map(Box<Shape>),
    /// A shared enum: its name and values.
    Enum(String, Vec<String>),
    /// A shared object type.
    Object(String),
    /// A name the spec does not declare (the generator reports it).
    Unknown(String),
}

impl Shape {
    /// Parses a spec type expression (with the generator's own parser), looking shared names up
    /// in `spec`.
    pub fn parse(text: &str, spec: &SpecDir) -> Shape {
        match Ty::parse(text) {
            Ok(ty) => Shape::from_ty(&ty, spec),
            Err(_) => Shape::Unknown(text.trim().to_owned()),
        }
    }

    fn from_ty(ty: &Ty, spec: &SpecDir) -> Shape {
        match ty {
            Ty::String | Ty::Url | Ty::RefreshJwt | Ty::SessionJwt => Shape::String,
            Ty::Bool => Shape::Bool,
            Ty::Int32 => Shape::Int32,
            Ty::Int64 => Shape::Int64,
            Ty::Number => Shape::Number,
            Ty::Any => Shape::Any,
            Ty::Array(item) => Shape::Array(Box::new(Shape::from_ty(item, spec))),
            Ty::Map(value) => Shape::Map(Box::new(Shape::from_ty(value, spec))),
            Ty::Named(_, name) => match spec.type_def(name) {
                Some((_, def)) => match &def.variants {
                    Some(variants) => Shape::Enum(
                        def.name.clone(),
                        variants.iter().map(|v| v.value.clone()).collect(),
                    ),
                    None => Shape::Object(def.name.clone()),
                },
                None => Shape::Unknown(name.clone()),
            },
        }
    }
}

/// How a spec type compares with a document type.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// They agree (or one side is unknown, which is reported elsewhere).
    Same,
    /// They disagree.
    Differ,
    /// Both are objects: compare the spec type's fields with the document object's.
    Objects(String, ObjId),
}

/// Compares a spec shape with a document type. In a request the two must carry the same values;
/// in a reply (`reply`) the spec type must only be able to decode what the document describes
/// (`int64` decodes an `int32`, `any` decodes anything).
pub fn compare(spec: &Shape, doc: &DocTy, reply: bool) -> Verdict {
    use Verdict::{Differ, Same};
    let same = |ok: bool| if ok { Same } else { Differ };
    match (spec, doc) {
        (Shape::Unknown(_), _) | (_, DocTy::Missing(_)) => Same,
        (Shape::Array(s), DocTy::Array(d)) | (Shape::Map(s), DocTy::Map(d)) => compare(s, d, reply),
        (Shape::Object(name), DocTy::Object(id)) => Verdict::Objects(name.clone(), *id),
        (Shape::Enum(_, values), DocTy::Enum(_, doc_values)) => {
            let mut a = values.clone();
            let mut b = doc_values.clone();
            a.sort();
            b.sort();
            same(a == b || (reply && b.iter().all(|v| a.contains(v))))
        }
        // A shared enum where the document says string, or a string where it lists values: the
        // same strings travel.
        (Shape::Enum(..), DocTy::String) | (Shape::String, DocTy::Enum(..)) => Same,
        // A free-form object: `any` and `map<any>` say the same.
        (Shape::Any, DocTy::FreeObject | DocTy::Any) => Same,
        (Shape::Map(value), DocTy::FreeObject | DocTy::Any) if **value == Shape::Any => Same,
        (Shape::Any, _) if reply => Same,
        (Shape::Int64, DocTy::Int32) | (Shape::Number, DocTy::Int32 | DocTy::Int64) => same(reply),
        (Shape::Object(_), DocTy::FreeObject | DocTy::Any) => same(reply),
        (Shape::String, DocTy::String)
        | (Shape::Bool, DocTy::Bool)
        | (Shape::Int32, DocTy::Int32)
        | (Shape::Int64, DocTy::Int64)
        | (Shape::Number, DocTy::Number) => Same,
        _ => Differ,
    }
}

/// A document type written the way a spec would (objects by document name), for messages.
pub fn doc_text(api: &Api, ty: &DocTy) -> String {
    match ty {
        DocTy::String => "string".into(),
        DocTy::Bool => "bool".into(),
        DocTy::Int32 => "int32".into(),
        DocTy::Int64 => "int64".into(),
        DocTy::Number => "number".into(),
        DocTy::Any => "any".into(),
        DocTy::FreeObject => "map<any>".into(),
        DocTy::Array(inner) => format!("array<{}>", doc_text(api, inner)),
        DocTy::Map(inner) => format!("map<{}>", doc_text(api, inner)),
        DocTy::Enum(_, values) => format!("enum [{}]", values.join(", ")),
        DocTy::Object(id) => format!("object {}", api.object(*id).name),
        DocTy::Missing(name) => format!("missing schema {name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(text: &str) -> Shape {
        Shape::parse(text, &SpecDir::default())
    }

    #[test]
    fn requests_must_match_replies_must_decode() {
        let map_string = DocTy::Map(Box::new(DocTy::String));
        assert_eq!(
            compare(&shape("map<string>"), &map_string, false),
            Verdict::Same
        );
        assert_eq!(
            compare(&shape("map<any>"), &map_string, false),
            Verdict::Differ
        );
        assert_eq!(
            compare(&shape("map<any>"), &map_string, true),
            Verdict::Same
        );
        assert_eq!(
            compare(&shape("int64"), &DocTy::Int32, false),
            Verdict::Differ
        );
        assert_eq!(compare(&shape("int64"), &DocTy::Int32, true), Verdict::Same);
        assert_eq!(
            compare(&shape("int32"), &DocTy::Int64, true),
            Verdict::Differ
        );
        assert_eq!(
            compare(&shape("map<any>"), &DocTy::FreeObject, false),
            Verdict::Same
        );
        assert_eq!(
            compare(&shape("any"), &DocTy::FreeObject, false),
            Verdict::Same
        );
        assert_eq!(compare(&shape("url"), &DocTy::String, false), Verdict::Same);
        assert_eq!(
            compare(&shape("session_jwt"), &DocTy::Bool, true),
            Verdict::Differ
        );
        assert_eq!(
            compare(
                &shape("array<string>"),
                &DocTy::Array(Box::new(DocTy::Bool)),
                false
            ),
            Verdict::Differ
        );
    }
}
