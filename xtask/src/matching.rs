//! Which spec endpoint stands for which document operation.
//!
//! A spec endpoint may collapse several operations into one path with an enum placeholder
//! (`/v1/auth/otp/signin/{method}` with `method: DeliveryMethod`). Its placeholders are expanded
//! into every value of their enum, giving concrete paths (`/v1/auth/otp/signin/email`, ...);
//! a placeholder of type `string` stays a placeholder and matches any placeholder of the document
//! at the same position. An operation matches an endpoint on method and concrete path.

use std::collections::BTreeMap;

use crate::openapi::Api;
use crate::shape::Shape;
use crate::spec::{Endpoint, SpecDir};

/// A spec endpoint, by file and position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EpRef {
    /// Index of the file in [`SpecDir::files`].
    pub file: usize,
    /// Index of the endpoint in the file.
    pub index: usize,
}

impl EpRef {
    /// The endpoint.
    pub fn get(self, spec: &SpecDir) -> &Endpoint {
        &spec.files[self.file].content.endpoints[self.index]
    }

    /// `group.name`, as the generator names endpoints.
    pub fn label(self, spec: &SpecDir) -> String {
        let file = &spec.files[self.file];
        let group = file
            .content
            .group
            .as_ref()
            .map_or("(no group)", |g| g.name.as_str());
        format!("{group}.{}", self.get(spec).name)
    }

    /// `POST /v1/auth/otp/signin/{method}`: the endpoint as the spec writes it.
    pub fn template(self, spec: &SpecDir) -> String {
        let e = self.get(spec);
        format!("{} {}", e.method, e.path)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Placeholder,
}

fn segments(path: &str) -> Vec<Segment> {
    path.split('/')
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                Segment::Placeholder
            } else {
                Segment::Literal(s.to_owned())
            }
        })
        .collect()
}

/// The concrete paths an endpoint stands for: each enum placeholder replaced by each value.
pub fn expand(endpoint: &Endpoint, spec: &SpecDir) -> Vec<String> {
    let mut paths = vec![String::new()];
    for (i, segment) in endpoint.path.split('/').enumerate() {
        let values: Vec<String> = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'))
        {
            Some(name) => {
                let param = endpoint.path_params.iter().find(|p| p.name == name);
                match param.map(|p| Shape::parse(&p.ty, spec)) {
                    Some(Shape::Enum(_, values)) if param.is_some_and(|p| p.source.is_none()) => {
                        values
                    }
                    _ => vec![segment.to_owned()],
                }
            }
            None => vec![segment.to_owned()],
        };
        let sep = if i == 0 { "" } else { "/" };
        paths = paths
            .iter()
            .flat_map(|p| values.iter().map(move |v| format!("{p}{sep}{v}")))
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
    /// Matches all endpoints of `spec` against all operations of `api`.
    pub fn compute(api: &Api, spec: &SpecDir) -> Matches {
        let mut matches = Matches {
            by_op: vec![Vec::new(); api.operations.len()],
            ..Matches::default()
        };
        let op_segments: Vec<Vec<Segment>> =
            api.operations.iter().map(|op| segments(&op.path)).collect();
        let mut unmatched = Vec::new();
        for (f, file) in spec.files.iter().enumerate() {
            for (e, endpoint) in file.content.endpoints.iter().enumerate() {
                let ep = EpRef { file: f, index: e };
                let method = endpoint.method.to_ascii_uppercase();
                for path in expand(endpoint, spec) {
                    let wanted = segments(&path);
                    let found: Vec<usize> = (0..api.operations.len())
                        .filter(|&i| op_segments[i] == wanted && api.operations[i].method == method)
                        .collect();
                    if found.is_empty() {
                        unmatched.push((ep, method.clone(), path));
                    }
                    for i in found {
                        matches.by_op[i].push(ep);
                        matches.by_endpoint.entry(ep).or_default().push(i);
                    }
                }
            }
        }
        for (ep, method, path) in unmatched {
            let wanted = segments(&path);
            let same_path: Vec<usize> = (0..api.operations.len())
                .filter(|&i| op_segments[i] == wanted && matches.by_op[i].is_empty())
                .collect();
            match same_path.first() {
                Some(&i) => {
                    matches.wrong_method.push((ep, i));
                    matches.by_op[i].push(ep);
                    matches.by_endpoint.entry(ep).or_default().push(i);
                }
                None => matches.unknown.push((ep, format!("{method} {path}"))),
            }
        }
        matches
    }

    /// The operations `ep` stands for.
    pub fn ops_of(&self, ep: EpRef) -> &[usize] {
        self.by_endpoint.get(&ep).map_or(&[], Vec::as_slice)
    }
}
