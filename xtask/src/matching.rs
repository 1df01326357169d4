//! Which spec endpoint stands for which document operation.
//!
//! A spec endpoint may collapse several operations into one path with an enum placeholder
//! (`/v1/auth/otp/signin/{method}` with `method: DeliveryMethod`). Its placeholders are expanded
//! into every value of their enum, giving concrete paths (`/v1/auth/otp/signin/email`, ...);
//! a placeholder of type `string` stays a placeholder and matches any placeholder of the document
//! at the same position. An operation matches an endpoint on method and concrete path.

use std::collections::BTreeMap;

use descope_spec::{Api as Model, Endpoint, GroupId, Segment};

use crate::openapi::Api;
use crate::shape::Shape;

/// An endpoint of the resolved spec model, by group and position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EpRef {
    /// The group.
    pub group: GroupId,
    /// Index of the endpoint in the group.
    pub index: usize,
}

impl EpRef {
    /// The endpoint.
    pub fn get(self, model: &Model) -> &Endpoint {
        &model.group(self.group).endpoints[self.index]
    }

    /// The endpoint's id (`auth.otp.update_email`), as messages name it.
    pub fn label(self, model: &Model) -> String {
        self.get(model).id.clone()
    }

    /// `POST /v1/auth/otp/signin/{method}`: the endpoint as the spec writes it.
    pub fn template(self, model: &Model) -> String {
        let e = self.get(model);
        format!("{} {}", e.method.as_str(), e.path.text)
    }
}

/// A piece of a path as matching sees it: literal text, or any placeholder.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Placeholder,
}

fn pieces(path: &str) -> Vec<Piece> {
    path.split('/')
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                Piece::Placeholder
            } else {
                Piece::Literal(s.to_owned())
            }
        })
        .collect()
}

/// The concrete paths an endpoint stands for: each enum placeholder (not filled by the client)
/// replaced by each value of its enum.
pub fn expand(endpoint: &Endpoint, model: &Model) -> Vec<String> {
    let mut paths = vec![String::new()];
    for segment in &endpoint.path.segments {
        let values: Vec<String> = match segment {
            Segment::Literal(text) => vec![text.clone()],
            Segment::Param(i) => match endpoint.params.get(*i) {
                Some(param) => match Shape::of(&param.ty, model) {
                    Shape::Enum(_, values) if param.source.is_none() => values,
                    _ => vec![format!("{{{}}}", param.wire)],
                },
                None => vec!["{}".into()],
            },
        };
        paths = paths
            .iter()
            .flat_map(|p| values.iter().map(move |v| format!("{p}/{v}")))
            .collect();
    }
    paths
}

/// The result of matching every spec endpoint against every operation.
#[derive(Clone, Debug, Default)]
pub struct Matches {
    /// For each operation (by index), the endpoints that stand for it.
    pub by_op: Vec<Vec<EpRef>>,
    /// For each endpoint, the operations it stands for.
    pub by_endpoint: BTreeMap<EpRef, Vec<usize>>,
    /// Concrete `METHOD /path`s of endpoints that match no operation.
    pub unknown: Vec<(EpRef, String)>,
    /// Endpoints whose concrete path is an operation's but whose method is not.
    pub wrong_method: Vec<(EpRef, usize)>,
}

impl Matches {
    /// Matches all endpoints of `model` against all operations of `api`.
    pub fn compute(api: &Api, model: &Model) -> Matches {
        let mut matches = Matches {
            by_op: vec![Vec::new(); api.operations.len()],
            ..Matches::default()
        };
        let op_pieces: Vec<Vec<Piece>> = api.operations.iter().map(|op| pieces(&op.path)).collect();
        let mut unmatched = Vec::new();
        for (g, group) in model.groups.iter().enumerate() {
            for (index, endpoint) in group.endpoints.iter().enumerate() {
                let ep = EpRef {
                    group: GroupId(g),
                    index,
                };
                for path in expand(endpoint, model) {
                    let wanted = pieces(&path);
                    let found: Vec<usize> = (0..api.operations.len())
                        .filter(|&i| {
                            op_pieces[i] == wanted && api.operations[i].method == endpoint.method
                        })
                        .collect();
                    if found.is_empty() {
                        unmatched.push((ep, endpoint.method, path));
                    }
                    for i in found {
                        matches.by_op[i].push(ep);
                        matches.by_endpoint.entry(ep).or_default().push(i);
                    }
                }
            }
        }
        for (ep, method, path) in unmatched {
            let wanted = pieces(&path);
            let same_path: Vec<usize> = (0..api.operations.len())
                .filter(|&i| op_pieces[i] == wanted && matches.by_op[i].is_empty())
                .collect();
            match same_path.first() {
                Some(&i) => {
                    matches.wrong_method.push((ep, i));
                    matches.by_op[i].push(ep);
                    matches.by_endpoint.entry(ep).or_default().push(i);
                }
                None => matches
                    .unknown
                    .push((ep, format!("{} {path}", method.as_str()))),
            }
        }
        matches
    }

    /// The operations `ep` stands for.
    pub fn ops_of(&self, ep: EpRef) -> &[usize] {
        self.by_endpoint.get(&ep).map_or(&[], Vec::as_slice)
    }
}
