//! What a resolved spec type means on the wire, and how it compares with a document type.
//!
//! The tools judge only what travels: `url`, `refresh_jwt` and `session_jwt` are strings, a shared
//! enum is a string with known values, a shared object is an object whose fields are compared one
//! level further down.

use descope_spec::{Api as Model, Type, TypeId};

use crate::openapi::{Api, DocTy, ObjId};

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
    /// A shared enum and its values.
    Enum(TypeId, Vec<String>),
    /// An object type.
    Object(TypeId),
}

impl Shape {
    /// The shape of a resolved type of `model`.
    pub fn of(ty: &Type, model: &Model) -> Shape {
        match ty {
            Type::String | Type::Url | Type::RefreshJwt | Type::SessionJwt => Shape::String,
            Type::Bool => Shape::Bool,
            Type::Int32 => Shape::Int32,
            Type::Int64 => Shape::Int64,
            Type::Number => Shape::Number,
            Type::Any => Shape::Any,
            Type::Array(item) => Shape::Array(Box::new(Shape::of(item, model))),
            Type::Map(value) => Shape::Map(Box::new(Shape::of(value, model))),
            Type::Enum(id) => Shape::Enum(
                *id,
                model
                    .ty(*id)
                    .variants()
                    .iter()
                    .map(|v| v.value.clone())
                    .collect(),
            ),
            Type::Object(id) => Shape::Object(*id),
        }
    }
}

/// How a spec type compares with a document type.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// They agree (or the document's side is a missing schema, which it notes).
    Same,
    /// They disagree.
    Differ,
    /// Both are objects: compare the spec type's fields with the document object's.
    Objects(TypeId, ObjId),
}

/// Compares a spec shape with a document type. In a request the two must carry the same values;
/// in a reply (`reply`) the spec type must only be able to decode what the document describes
/// (`int64` decodes an `int32`, `any` decodes anything).
pub fn compare(spec: &Shape, doc: &DocTy, reply: bool) -> Verdict {
    use Verdict::{Differ, Same};
    let same = |ok: bool| if ok { Same } else { Differ };
    match (spec, doc) {
        (_, DocTy::Missing(_)) => Same,
        (Shape::Array(s), DocTy::Array(d)) | (Shape::Map(s), DocTy::Map(d)) => compare(s, d, reply),
        (Shape::Object(ty), DocTy::Object(id)) => Verdict::Objects(*ty, *id),
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

    fn shape(ty: Type) -> Shape {
        Shape::of(&ty, &Model::default())
    }

    fn map(ty: Type) -> Type {
        Type::Map(Box::new(ty))
    }

    #[test]
    fn requests_must_match_replies_must_decode() {
        let map_string = DocTy::Map(Box::new(DocTy::String));
        assert_eq!(
            compare(&shape(map(Type::String)), &map_string, false),
            Verdict::Same
        );
        assert_eq!(
            compare(&shape(map(Type::Any)), &map_string, false),
            Verdict::Differ
        );
        assert_eq!(
            compare(&shape(map(Type::Any)), &map_string, true),
            Verdict::Same
        );
        assert_eq!(
            compare(&shape(Type::Int64), &DocTy::Int32, false),
            Verdict::Differ
        );
        assert_eq!(
            compare(&shape(Type::Int64), &DocTy::Int32, true),
            Verdict::Same
        );
        assert_eq!(
            compare(&shape(Type::Int32), &DocTy::Int64, true),
            Verdict::Differ
        );
        assert_eq!(
            compare(&shape(map(Type::Any)), &DocTy::FreeObject, false),
            Verdict::Same
        );
        assert_eq!(
            compare(&shape(Type::Any), &DocTy::FreeObject, false),
            Verdict::Same
        );
        assert_eq!(
            compare(&shape(Type::Url), &DocTy::String, false),
            Verdict::Same
        );
        assert_eq!(
            compare(&shape(Type::SessionJwt), &DocTy::Bool, true),
            Verdict::Differ
        );
        assert_eq!(
            compare(
                &shape(Type::Array(Box::new(Type::String))),
                &DocTy::Array(Box::new(DocTy::Bool)),
                false
            ),
            Verdict::Differ
        );
    }
}
