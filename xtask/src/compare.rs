//! Comparing spec endpoints with the operations they stand for.
//!
//! The comparison walks an endpoint and an operation side by side: query fields, body fields and
//! the reply, and from there into every pair of object types that sit at the same place (spec
//! `LoginOptions` against the document's `LoginOptions`, whatever each side calls it). Each such
//! pair is a [`Visit`]; the differences are read off the visits, and the importer uses the same
//! visits to learn which spec type stands for which document object.
//!
//! Every difference has a key (`auth`, `body.user.givenName: extra`, `query.test: type`) that the
//! allow-list refers to. Fields are compared by wire name; a spec field is `extra` only when no
//! operation the endpoint stands for has it at that place (an endpoint collapsing email and phone
//! variants may carry both `maskedEmail` and `maskedPhone`).

use std::collections::BTreeSet;

use descope_spec::{Api as Model, AreaId, Place, Presence, Reply, Scope, Type, TypeId};
use serde_json::Value;

use crate::matching::EpRef;
use crate::openapi::{self, Api, Body, DocField, DocTy, ObjId, auth_text};
use crate::shape::{Shape, Verdict, compare, doc_text};

/// A spec field list.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// An endpoint's `body`.
    Body(EpRef),
    /// An endpoint's `query`.
    Query(EpRef),
    /// An endpoint's inline `response.fields`.
    Reply(EpRef),
    /// A shared object type's `fields`.
    Type(TypeId),
}

impl Target {
    /// The area whose names the list's types are written with.
    pub fn area(&self, model: &Model) -> AreaId {
        match self {
            Target::Body(ep) | Target::Query(ep) | Target::Reply(ep) => model.group(ep.group).area,
            Target::Type(id) => model.ty(*id).area,
        }
    }
}

/// A field or parameter of a spec field list, as compared: the model's decided values.
#[derive(Clone, Copy, Debug)]
pub struct SpecField<'m> {
    /// The wire name.
    pub wire: &'m str,
    /// The resolved type.
    pub ty: &'m Type,
    /// Required, defaulted or optional.
    pub presence: &'m Presence,
    /// Other spellings accepted on input.
    pub aliases: &'m [String],
}

impl SpecField<'_> {
    /// The default, if it has one.
    pub fn default(&self) -> Option<&Value> {
        match self.presence {
            Presence::Default(value) => Some(value),
            Presence::Required | Presence::Optional => None,
        }
    }
}

/// A document field list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocList {
    /// An operation's query parameters.
    Query(usize),
    /// An object's properties.
    Object(ObjId),
    /// Nothing (an operation without a body).
    Empty,
}

/// A spec field list compared with a document field list at one place of one operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Visit {
    /// The operation (index into [`Api::operations`]).
    pub op: usize,
    /// The endpoint standing for it.
    pub ep: EpRef,
    /// The spec side.
    pub target: Target,
    /// The document side.
    pub doc: DocList,
    /// Where: `body`, `body.loginOptions`, `response.user`.
    pub prefix: String,
    /// Whether this is part of the reply (types need only decode, defaults are not compared).
    pub reply: bool,
}

/// One difference between an operation and its endpoint.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    /// The operation.
    pub op: usize,
    /// The endpoint.
    pub ep: EpRef,
    /// The key the allow-list uses: `auth`, `method`, `response`, `body`,
    /// `<place>.<field>: missing|extra|type|default`.
    pub what: String,
    /// The two sides, for people.
    pub detail: String,
}

/// Visits and differences of a set of (operation, endpoint) pairs.
#[derive(Clone, Debug, Default)]
pub struct Comparison {
    /// Every visit.
    pub visits: Vec<Visit>,
    /// Every difference.
    pub differences: Vec<Difference>,
}

/// The fields of a spec field list (empty when the list does not exist).
pub fn spec_fields<'m>(model: &'m Model, target: &Target) -> Vec<SpecField<'m>> {
    let params = |ep: &EpRef, place| {
        ep.get(model)
            .params_at(place)
            .map(|p| SpecField {
                wire: &p.wire,
                ty: &p.ty,
                presence: &p.presence,
                aliases: &p.aliases,
            })
            .collect()
    };
    let fields = |id: TypeId| {
        model
            .ty(id)
            .fields()
            .iter()
            .map(|f| SpecField {
                wire: &f.wire,
                ty: &f.ty,
                presence: &f.presence,
                aliases: &f.aliases,
            })
            .collect()
    };
    match target {
        Target::Body(ep) => params(ep, Place::Body),
        Target::Query(ep) => params(ep, Place::Query),
        Target::Reply(ep) => match ep.get(model).reply {
            Reply::Object(id) => fields(id),
            Reply::Empty | Reply::Text | Reply::Array(_) => Vec::new(),
        },
        Target::Type(id) => fields(*id),
    }
}

/// Whether `id` is the inline reply type of an endpoint (its `response.fields`).
pub fn is_inline(model: &Model, id: TypeId) -> bool {
    matches!(model.ty(id).scope, Scope::Group(_))
}

/// The fields of a document field list.
pub fn doc_fields(api: &Api, list: DocList) -> &[DocField] {
    match list {
        DocList::Query(op) => &api.operations[op].query,
        DocList::Object(id) => &api.object(id).fields,
        DocList::Empty => &[],
    }
}

/// Compares each operation with its endpoint. `pairs` should hold every operation of each
/// endpoint concerned, so that `extra` can look at all of them.
pub fn compare_pairs(api: &Api, model: &Model, pairs: &[(usize, EpRef)]) -> Comparison {
    let mut walker = Walker {
        api,
        model,
        out: Comparison::default(),
        stack: Vec::new(),
    };
    for &(op, ep) in pairs {
        walker.pair(op, ep);
    }
    let visits = walker.out.visits.clone();
    for visit in &visits {
        walker.fields(visit, &visits);
    }
    walker.out.differences.sort();
    walker.out.differences.dedup();
    walker.out
}

struct Walker<'a> {
    api: &'a Api,
    model: &'a Model,
    out: Comparison,
    stack: Vec<(TypeId, ObjId)>,
}

impl Walker<'_> {
    fn differ(&mut self, op: usize, ep: EpRef, what: impl Into<String>, detail: impl Into<String>) {
        self.out.differences.push(Difference {
            op,
            ep,
            what: what.into(),
            detail: detail.into(),
        });
    }

    fn pair(&mut self, op_index: usize, ep: EpRef) {
        let (api, model) = (self.api, self.model);
        let op = &api.operations[op_index];
        let endpoint = ep.get(model);
        if endpoint.method != op.method {
            self.differ(
                op_index,
                ep,
                "method",
                format!(
                    "spec {}, document {}",
                    endpoint.method.as_str(),
                    op.method.as_str()
                ),
            );
        }
        if !op.auth.contains(&endpoint.auth) {
            self.differ(
                op_index,
                ep,
                "auth",
                format!(
                    "spec {}, document {}",
                    endpoint.auth.as_str(),
                    auth_text(&op.auth, " or ")
                ),
            );
        }
        self.visit(
            op_index,
            ep,
            Target::Query(ep),
            DocList::Query(op_index),
            "query",
            false,
        );
        match &op.body {
            Body::Json(DocTy::Object(id)) => self.visit(
                op_index,
                ep,
                Target::Body(ep),
                DocList::Object(*id),
                "body",
                false,
            ),
            Body::Json(DocTy::Any | DocTy::FreeObject | DocTy::Missing(_)) => {}
            Body::Json(other) => self.differ(
                op_index,
                ep,
                "body",
                format!(
                    "the document's body is {}, not an object",
                    doc_text(api, other)
                ),
            ),
            Body::Other(content_type) => self.differ(
                op_index,
                ep,
                "body",
                format!("the document's body is {content_type}, not JSON"),
            ),
            Body::None => self.visit(
                op_index,
                ep,
                Target::Body(ep),
                DocList::Empty,
                "body",
                false,
            ),
        }
        self.reply(op_index, ep);
    }

    fn reply(&mut self, op_index: usize, ep: EpRef) {
        let (api, model) = (self.api, self.model);
        let op = &api.operations[op_index];
        let reply = &ep.get(model).reply;
        let area = Some(model.group(ep.group).area);
        // The reply's type, for a reply of a shared type.
        let shared = match *reply {
            Reply::Object(id) if !is_inline(model, id) => Some(Type::Object(id)),
            Reply::Array(id) => Some(Type::Array(Box::new(Type::Object(id)))),
            _ => None,
        };
        let spec_text = match (reply, &shared) {
            (_, Some(ty)) => format!("`{}`", model.type_expr(ty, area)),
            (Reply::Empty, _) => "no reply".to_owned(),
            (Reply::Text, _) => "a raw text reply".to_owned(),
            _ => "inline fields".to_owned(),
        };
        let mismatch = |doc: String| format!("spec {spec_text}, document {doc}");
        let text = match (reply, &op.reply) {
            (_, openapi::Reply::Undocumented)
            | (Reply::Empty, openapi::Reply::Empty)
            | (Reply::Text, openapi::Reply::Other(_)) => return,
            (_, openapi::Reply::Other(ct)) => mismatch(ct.clone()),
            (_, openapi::Reply::Empty) => mismatch("an empty reply".into()),
            (Reply::Empty, openapi::Reply::Json(ty)) => mismatch(doc_text(api, ty)),
            (Reply::Text, openapi::Reply::Json(ty)) => {
                mismatch(format!("JSON {}", doc_text(api, ty)))
            }
            (Reply::Object(_) | Reply::Array(_), openapi::Reply::Json(ty)) => match (&shared, ty) {
                // Inline fields against a document object: compared field by field.
                (None, DocTy::Object(id)) => {
                    let list = DocList::Object(*id);
                    return self.visit(op_index, ep, Target::Reply(ep), list, "response", true);
                }
                (None, DocTy::Any | DocTy::FreeObject | DocTy::Missing(_)) => return,
                (None, _) => mismatch(doc_text(api, ty)),
                (Some(spec_ty), _) => match compare(&Shape::of(spec_ty, model), ty, true) {
                    Verdict::Same => return,
                    Verdict::Differ => mismatch(doc_text(api, ty)),
                    Verdict::Objects(spec_ty, id) => {
                        let (target, list) = (Target::Type(spec_ty), DocList::Object(id));
                        return self.visit(op_index, ep, target, list, "response", true);
                    }
                },
            },
        };
        self.differ(op_index, ep, "response", text);
    }

    fn visit(
        &mut self,
        op: usize,
        ep: EpRef,
        target: Target,
        doc: DocList,
        prefix: &str,
        reply: bool,
    ) {
        let visit = Visit {
            op,
            ep,
            target,
            doc,
            prefix: prefix.to_owned(),
            reply,
        };
        if self.out.visits.contains(&visit) {
            return;
        }
        self.out.visits.push(visit.clone());
        let (api, model) = (self.api, self.model);
        for field in spec_fields(model, &visit.target) {
            let Some(doc_field) = doc_fields(api, doc).iter().find(|d| d.name == field.wire) else {
                continue;
            };
            if let Verdict::Objects(ty, id) =
                compare(&Shape::of(field.ty, model), &doc_field.ty, reply)
            {
                if self.stack.contains(&(ty, id)) {
                    continue;
                }
                self.stack.push((ty, id));
                let place = format!("{prefix}.{}", field.wire);
                self.visit(op, ep, Target::Type(ty), DocList::Object(id), &place, reply);
                self.stack.pop();
            }
        }
    }

    /// The field-level differences of one visit.
    fn fields(&mut self, visit: &Visit, all: &[Visit]) {
        let (api, model) = (self.api, self.model);
        let ours = spec_fields(model, &visit.target);
        let area = Some(visit.target.area(model));
        let theirs = doc_fields(api, visit.doc);
        let (op, ep, prefix) = (visit.op, visit.ep, &visit.prefix);
        for doc_field in theirs {
            if !ours.iter().any(|f| f.wire == doc_field.name) {
                let detail = format!(
                    "the document has it ({}), the spec does not{}",
                    doc_text(api, &doc_field.ty),
                    case_hint(&doc_field.name, ours.iter().map(|f| f.wire))
                );
                self.differ(
                    op,
                    ep,
                    format!("{prefix}.{}: missing", doc_field.name),
                    detail,
                );
            }
        }
        for field in &ours {
            // Another spelling other clients send: accepted on input, never sent; the document
            // does not have it, so it is a difference to explain.
            for alias in field.aliases {
                if !theirs.iter().any(|d| &d.name == alias) {
                    let detail = format!(
                        "the spec accepts `{alias}` as another spelling of `{}` (the emulator \
                         reads it; the SDK sends `{}`), the document does not have it",
                        field.wire, field.wire
                    );
                    self.differ(op, ep, format!("{prefix}.{alias}: alias"), detail);
                }
            }
        }
        for field in ours {
            let name = field.wire;
            let Some(doc_field) = theirs.iter().find(|d| d.name == name) else {
                let elsewhere = all.iter().any(|v| {
                    v.ep == ep
                        && &v.prefix == prefix
                        && doc_fields(api, v.doc).iter().any(|d| d.name == name)
                });
                if !elsewhere {
                    let detail = format!(
                        "the spec has it ({}), the document does not{}",
                        model.type_expr(field.ty, area),
                        case_hint(name, theirs.iter().map(|d| d.name.as_str()))
                    );
                    self.differ(op, ep, format!("{prefix}.{name}: extra"), detail);
                }
                continue;
            };
            let shape = Shape::of(field.ty, model);
            if compare(&shape, &doc_field.ty, visit.reply) == Verdict::Differ {
                let detail = format!(
                    "spec {}, document {}",
                    model.type_expr(field.ty, area),
                    doc_text(api, &doc_field.ty)
                );
                self.differ(op, ep, format!("{prefix}.{name}: type"), detail);
            }
            if !visit.reply && !same_default(field.default(), doc_field.default.as_ref()) {
                let detail = format!(
                    "spec {}, document {}",
                    show_default(field.default()),
                    show_default(doc_field.default.as_ref())
                );
                self.differ(op, ep, format!("{prefix}.{name}: default"), detail);
            }
        }
    }
}

/// Whether two defaults say the same (`0` and `0.0` do).
pub fn same_default(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn show_default(value: Option<&Value>) -> String {
    value.map_or_else(|| "none".to_owned(), |v| format!("default {v}"))
}

/// ` (the other side has `redirectURL`)` when a name differs from one on the other side only in
/// case or underscores.
fn case_hint<'n>(name: &str, others: impl Iterator<Item = &'n str>) -> String {
    let fold = |s: &str| s.to_lowercase().replace('_', "");
    let wanted = fold(name);
    let similar: BTreeSet<&str> = others.filter(|o| fold(o) == wanted).collect();
    match similar.into_iter().next() {
        Some(other) => format!(" (the other side has `{other}`)"),
        None => String::new(),
    }
}
