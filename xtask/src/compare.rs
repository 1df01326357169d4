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

use serde_json::Value;

use crate::matching::EpRef;
use crate::openapi::{Api, Body, DocField, DocTy, ObjId, Reply};
use crate::shape::{Shape, Verdict, compare, doc_text};
use crate::spec::{Field, SpecDir};

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
    Type(String),
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
pub fn spec_fields<'s>(spec: &'s SpecDir, target: &Target) -> &'s [Field] {
    match target {
        Target::Body(ep) => &ep.get(spec).body,
        Target::Query(ep) => &ep.get(spec).query,
        Target::Reply(ep) => ep
            .get(spec)
            .response
            .as_ref()
            .and_then(|r| r.fields.as_deref())
            .unwrap_or_default(),
        Target::Type(name) => spec
            .type_def(name)
            .and_then(|(_, def)| def.fields.as_deref())
            .unwrap_or_default(),
    }
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
pub fn compare_pairs(api: &Api, spec: &SpecDir, pairs: &[(usize, EpRef)]) -> Comparison {
    let mut walker = Walker {
        api,
        spec,
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
    spec: &'a SpecDir,
    out: Comparison,
    stack: Vec<(String, ObjId)>,
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
        let (api, spec) = (self.api, self.spec);
        let op = &api.operations[op_index];
        let endpoint = ep.get(spec);
        if !endpoint.method.eq_ignore_ascii_case(&op.method) {
            self.differ(
                op_index,
                ep,
                "method",
                format!("spec {}, document {}", endpoint.method, op.method),
            );
        }
        if !op.auth.contains(&endpoint.auth) {
            self.differ(
                op_index,
                ep,
                "auth",
                format!("spec {}, document {}", endpoint.auth, op.auth.join(" or ")),
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
        let (api, spec) = (self.api, self.spec);
        let op = &api.operations[op_index];
        let response = ep.get(spec).response.as_ref();
        let spec_text = match response {
            None => "no reply".to_owned(),
            Some(r) => match (&r.content, &r.ty) {
                (Some(content), _) => format!("a raw {content} reply"),
                (None, Some(ty)) => format!("`{ty}`"),
                (None, None) => "inline fields".to_owned(),
            },
        };
        let mismatch = |doc: String| format!("spec {spec_text}, document {doc}");
        match (response, &op.reply) {
            (_, Reply::Undocumented) | (None, Reply::Empty) => {}
            (None, Reply::Json(ty)) => {
                let text = mismatch(doc_text(api, ty));
                self.differ(op_index, ep, "response", text)
            }
            (None, Reply::Other(ct)) => {
                let text = mismatch(ct.clone());
                self.differ(op_index, ep, "response", text)
            }
            (Some(r), Reply::Other(ct)) => {
                if r.content.is_none() {
                    let text = mismatch(ct.clone());
                    self.differ(op_index, ep, "response", text)
                }
            }
            (Some(_), Reply::Empty) => {
                let text = mismatch("an empty reply".into());
                self.differ(op_index, ep, "response", text)
            }
            (Some(r), Reply::Json(ty)) => {
                if r.content.is_some() {
                    let text = mismatch(format!("JSON {}", doc_text(api, ty)));
                    return self.differ(op_index, ep, "response", text);
                }
                if r.fields.is_some() {
                    return match ty {
                        DocTy::Object(id) => self.visit(
                            op_index,
                            ep,
                            Target::Reply(ep),
                            DocList::Object(*id),
                            "response",
                            true,
                        ),
                        DocTy::Any | DocTy::FreeObject | DocTy::Missing(_) => {}
                        other => {
                            let text = mismatch(doc_text(api, other));
                            self.differ(op_index, ep, "response", text)
                        }
                    };
                }
                let shape = Shape::parse(r.ty.as_deref().unwrap_or("any"), spec);
                match compare(&shape, ty, true) {
                    Verdict::Same => {}
                    Verdict::Differ => {
                        let text = mismatch(doc_text(api, ty));
                        self.differ(op_index, ep, "response", text)
                    }
                    Verdict::Objects(name, id) => self.visit(
                        op_index,
                        ep,
                        Target::Type(name),
                        DocList::Object(id),
                        "response",
                        true,
                    ),
                }
            }
        }
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
        let (api, spec) = (self.api, self.spec);
        for field in spec_fields(spec, &visit.target) {
            let Some(doc_field) = doc_fields(api, doc).iter().find(|d| d.name == field.name) else {
                continue;
            };
            if let Verdict::Objects(name, id) =
                compare(&Shape::parse(&field.ty, spec), &doc_field.ty, reply)
            {
                if self.stack.contains(&(name.clone(), id)) {
                    continue;
                }
                self.stack.push((name.clone(), id));
                let place = format!("{prefix}.{}", field.name);
                self.visit(
                    op,
                    ep,
                    Target::Type(name),
                    DocList::Object(id),
                    &place,
                    reply,
                );
                self.stack.pop();
            }
        }
    }

    /// The field-level differences of one visit.
    fn fields(&mut self, visit: &Visit, all: &[Visit]) {
        let (api, spec) = (self.api, self.spec);
        let ours = spec_fields(spec, &visit.target);
        let theirs = doc_fields(api, visit.doc);
        let (op, ep, prefix) = (visit.op, visit.ep, &visit.prefix);
        for doc_field in theirs {
            if !ours.iter().any(|f| f.name == doc_field.name) {
                let detail = format!(
                    "the document has it ({}), the spec does not{}",
                    doc_text(api, &doc_field.ty),
                    case_hint(&doc_field.name, ours.iter().map(|f| f.name.as_str()))
                );
                self.differ(
                    op,
                    ep,
                    format!("{prefix}.{}: missing", doc_field.name),
                    detail,
                );
            }
        }
        for field in ours {
            let Some(doc_field) = theirs.iter().find(|d| d.name == field.name) else {
                let elsewhere = all.iter().any(|v| {
                    v.ep == ep
                        && &v.prefix == prefix
                        && doc_fields(api, v.doc).iter().any(|d| d.name == field.name)
                });
                if !elsewhere {
                    let detail = format!(
                        "the spec has it ({}), the document does not{}",
                        field.ty,
                        case_hint(&field.name, theirs.iter().map(|d| d.name.as_str()))
                    );
                    self.differ(op, ep, format!("{prefix}.{}: extra", field.name), detail);
                }
                continue;
            };
            let shape = Shape::parse(&field.ty, spec);
            if compare(&shape, &doc_field.ty, visit.reply) == Verdict::Differ {
                let detail = format!(
                    "spec {}, document {}",
                    field.ty,
                    doc_text(api, &doc_field.ty)
                );
                self.differ(op, ep, format!("{prefix}.{}: type", field.name), detail);
            }
            if !visit.reply && !same_default(field.default.as_ref(), doc_field.default.as_ref()) {
                let detail = format!(
                    "spec {}, document {}",
                    show_default(field.default.as_ref()),
                    show_default(doc_field.default.as_ref())
                );
                self.differ(op, ep, format!("{prefix}.{}: default", field.name), detail);
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
