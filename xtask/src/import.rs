//! `import`: writes spec entries for document operations, and brings existing ones up to date.
//!
//! New operations become new endpoints (named from the path's tail, all docs empty, so a human
//! must describe them before the spec builds). Operations the spec already has (matched on method
//! and concrete path, collapsed endpoints included) keep everything a human wrote: names, docs,
//! `rust_name`, `required`, `format`, `secret`, the file they live in and the names of their
//! shared types. Only what `conform` would report changes: fields the document added or dropped,
//! types and defaults it changed, the auth style and the kind of reply.
//!
//! A difference the allow-list explains is a reviewed decision, not a document change, and is
//! kept as it is. So in a spec that passes `conform`, every difference an import finds was made
//! by the document, and that is all an import changes.
//!
//! Shared types are matched structurally: walking an endpoint and its operation side by side
//! tells which spec type stands for which document schema (spec `CodeSent` for both
//! `EmailOperationResponse` and `PhoneOperationResponse`). A type's fields follow the union of
//! the schemas it stands for.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use descope_spec::snake;
use serde_json::Value;

use crate::allow::AllowList;
use crate::compare::{
    Comparison, DocList, Target, Visit, compare_pairs, doc_fields, same_default, spec_fields,
};
use crate::matching::{EpRef, Matches};
use crate::openapi::{Api, Body, DocField, DocTy, ObjId, Reply, Selection};
use crate::shape::{Shape, Verdict, compare, doc_text};
use crate::spec::{
    Endpoint, Field, FileContent, Group, Response, SpecDir, SpecFile, TypeDef, Variant, rel_path,
};

/// What to import.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The operations to import.
    pub selection: Selection,
    /// The spec file new endpoints go to (created when missing); by default the file that
    /// already holds endpoints of the operation's group.
    pub file: Option<PathBuf>,
    /// Report what would change without writing.
    pub dry_run: bool,
}

/// What an import did.
#[derive(Clone, Debug, Default)]
pub struct ImportReport {
    /// Selected operations left out, with why.
    pub left_out: Vec<String>,
    /// Document notes on the selected operations.
    pub notes: Vec<String>,
    /// Every change, one line each.
    pub changes: Vec<String>,
    /// Differences left as they are because the allow-list explains them.
    pub kept: Vec<String>,
    /// What the import could not decide.
    pub warnings: Vec<String>,
    /// Files written (or, in a dry run, that would be).
    pub written: Vec<String>,
    /// Problems the generator's check finds in the result (imported entries lack docs).
    pub todo: Vec<String>,
    /// Whether nothing was written.
    pub dry_run: bool,
}

impl ImportReport {
    /// The report as printed.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let mut section = |title: &str, lines: &[String]| {
            if !lines.is_empty() {
                out.push_str(title);
                out.push_str(":\n");
                for line in lines {
                    out.push_str("  ");
                    out.push_str(line);
                    out.push('\n');
                }
            }
        };
        section("left out", &self.left_out);
        section("document notes on these operations", &self.notes);
        section("changes", &self.changes);
        section("kept (explained by the allow-list)", &self.kept);
        section("warnings", &self.warnings);
        let verb = if self.dry_run { "would write" } else { "wrote" };
        section(verb, &self.written);
        section(
            "to do before the spec builds (descope-codegen check)",
            &self.todo,
        );
        if self.changes.is_empty() {
            out.push_str("no changes\n");
        }
        out
    }
}

/// Imports the selected operations of `api` into `spec` and writes the changed files (unless a
/// dry run). `spec` holds the result either way.
pub fn import(
    api: &Api,
    spec: &mut SpecDir,
    allow: &AllowList,
    options: &ImportOptions,
) -> Result<ImportReport, String> {
    let (selected, left_out) = api.select(&options.selection);
    if selected.is_empty() {
        return Err("the selection matches no operation of the document".into());
    }
    let mut run = Run {
        api,
        allow,
        report: ImportReport {
            dry_run: options.dry_run,
            left_out,
            notes: api
                .notes_for(&selected)
                .into_iter()
                .map(|n| format!("{}: {}", n.subjects.join(", "), n.message))
                .collect(),
            ..ImportReport::default()
        },
        bound: HashMap::new(),
        created: BTreeSet::new(),
    };

    // Which spec type stands for which document object, from what already matches.
    let matches = Matches::compute(api, spec);
    let comparison = compare_pairs(api, spec, &all_pairs(&matches));
    run.learn(&comparison.visits);

    // New endpoints.
    let mut new_ops: Vec<usize> = Vec::new();
    for &i in &selected {
        if !matches.by_op[i].is_empty() {
            continue;
        }
        let key = api.operations[i].key();
        if allow.find(std::slice::from_ref(&key), "missing").is_some() {
            run.report
                .kept
                .push(format!("{key}: left out of the spec (allow-listed)"));
        } else {
            new_ops.push(i);
        }
    }
    if !new_ops.is_empty() {
        let destinations = destinations(api, spec, &matches, &new_ops, options.file.as_deref())?;
        for (&op, &file) in new_ops.iter().zip(&destinations) {
            run.new_endpoint(spec, op, file);
        }
    }

    // Bring what matches up to date.
    let matches = Matches::compute(api, spec);
    let comparison = compare_pairs(api, spec, &all_pairs(&matches));
    run.learn(&comparison.visits);
    run.sync(spec, &matches, &comparison, &selected);
    let touched: BTreeSet<usize> = selected
        .iter()
        .flat_map(|&i| matches.by_op[i].iter().map(|ep| ep.file))
        .collect();
    for (ep, concrete) in &matches.unknown {
        if touched.contains(&ep.file) {
            run.report.warnings.push(format!(
                "{}: {concrete} is not in the document (the endpoint is kept; delete it if the \
                 operation is gone)",
                ep.label(spec)
            ));
        }
    }

    // Changes grouped by file, in the order they were made.
    run.report
        .changes
        .sort_by(|a, b| a.split(':').next().cmp(&b.split(':').next()));
    run.report.todo = generator_check(spec);
    for file in spec.changed_files() {
        run.report.written.push(file.rel.clone());
    }
    if !options.dry_run {
        for file in &mut spec.files {
            let text = file.render();
            if text != file.original {
                if let Some(parent) = file.path.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
                }
                std::fs::write(&file.path, &text)
                    .map_err(|e| format!("cannot write {}: {e}", file.path.display()))?;
                file.original = text;
            }
        }
    }
    Ok(run.report)
}

fn all_pairs(matches: &Matches) -> Vec<(usize, EpRef)> {
    matches
        .by_endpoint
        .iter()
        .flat_map(|(&ep, ops)| ops.iter().map(move |&op| (op, ep)))
        .collect()
}

/// The file each new operation goes to.
fn destinations(
    api: &Api,
    spec: &mut SpecDir,
    matches: &Matches,
    ops: &[usize],
    file: Option<&Path>,
) -> Result<Vec<usize>, String> {
    if let Some(file) = file {
        let index = open_file(spec, file)?;
        return Ok(vec![index; ops.len()]);
    }
    let mut out = Vec::new();
    let mut homeless = Vec::new();
    for &op in ops {
        let group = &api.operations[op].group;
        let home = (0..api.operations.len())
            .filter(|&j| &api.operations[j].group == group)
            .find_map(|j| matches.by_op[j].first().map(|ep| ep.file));
        match home {
            Some(file) => out.push(file),
            None => homeless.push(format!(
                "{} ({})",
                api.operations[op].key(),
                group.as_deref().unwrap_or("no x-publishYaml")
            )),
        }
    }
    if homeless.is_empty() {
        Ok(out)
    } else {
        Err(format!(
            "no spec file holds endpoints of these operations' groups; name one with --file:\n  {}",
            homeless.join("\n  ")
        ))
    }
}

/// The index of spec file `path` (as given, or relative to the spec folder), created when new.
fn open_file(spec: &mut SpecDir, path: &Path) -> Result<usize, String> {
    let candidates = [path.to_path_buf(), spec.root.join(path)];
    let root = spec
        .root
        .canonicalize()
        .unwrap_or_else(|_| spec.root.clone());
    for candidate in &candidates {
        let absolute = match candidate.canonicalize() {
            Ok(p) => p,
            Err(_) => continue,
        };
        if let Some(i) = spec
            .files
            .iter()
            .position(|f| f.path.canonicalize().is_ok_and(|p| p == absolute))
        {
            return Ok(i);
        }
    }
    // A new file: it must lie inside the spec folder.
    let inside = |candidate: &Path| -> Option<PathBuf> {
        let parent = match candidate.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let parent = parent.canonicalize().ok()?;
        let name = candidate.file_name()?;
        parent.starts_with(&root).then(|| parent.join(name))
    };
    let path = candidates
        .iter()
        .find_map(|c| inside(c))
        // The folder may not exist yet: then the path is relative to the spec folder.
        .or_else(|| path.is_relative().then(|| root.join(path)))
        .filter(|p| p.starts_with(&root) && p.extension().is_some_and(|e| e == "json"))
        .ok_or_else(|| {
            format!(
                "--file {} is not a .json file inside the spec folder {}",
                path.display(),
                spec.root.display()
            )
        })?;
    let rel = rel_path(&root, &path);
    let depth = rel.matches('/').count();
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let schema = root
        .join("schema.json")
        .is_file()
        .then(|| format!("{}schema.json", "../".repeat(depth)));
    spec.files.push(SpecFile {
        path: spec.root.join(&rel),
        rel,
        original: String::new(),
        content: FileContent {
            schema,
            group: Some(Group {
                name: snake(&stem),
                docs: String::new(),
                extra: Default::default(),
            }),
            ..FileContent::default()
        },
    });
    Ok(spec.files.len() - 1)
}

/// The generator's own check of the result, one line per problem.
fn generator_check(spec: &SpecDir) -> Vec<String> {
    let root = spec.root.to_string_lossy().trim_end_matches('/').to_owned();
    let sources = spec.files.iter().map(|f| (f.rel.clone(), f.render()));
    let diagnostics = match descope_spec::Api::from_sources(&root, sources) {
        Ok(_) => return Vec::new(),
        Err(d) => d,
    };
    diagnostics
        .0
        .iter()
        .map(|d| {
            let at =
                d.at.map_or(String::new(), |at| format!(":{}:{}", at.line, at.column));
            let entry = d
                .entry
                .as_deref()
                .map_or(String::new(), |e| format!(" [{e}]"));
            format!("{}{at}: {}{entry}", d.file, d.message)
        })
        .collect()
}

/// One edit of a field list, planned before it is applied.
enum Edit {
    /// Insert after the named field (at the front for `None`).
    Insert(Option<String>, Field),
    Remove(String),
    SetType(String, String),
    SetDefault(String, Option<Value>),
    SetVariants(String, Vec<String>),
}

struct Run<'a> {
    api: &'a Api,
    allow: &'a AllowList,
    report: ImportReport,
    /// Document object → the spec type standing for it.
    bound: HashMap<ObjId, String>,
    /// Types this run created.
    created: BTreeSet<String>,
}

impl Run<'_> {
    /// Learns from `visits` which spec type stands for which document object. When several do,
    /// the one standing for that object alone wins (`EmailCodeSent` over the `CodeSent` a
    /// collapsed endpoint shares with phone replies), then the one seen most often.
    fn learn(&mut self, visits: &[Visit]) {
        let mut pairs: HashMap<(ObjId, &str), usize> = HashMap::new();
        let mut objects_of: HashMap<&str, BTreeSet<ObjId>> = HashMap::new();
        for visit in visits {
            if let (Target::Type(name), DocList::Object(id)) = (&visit.target, visit.doc) {
                *pairs.entry((id, name.as_str())).or_default() += 1;
                objects_of.entry(name.as_str()).or_default().insert(id);
            }
        }
        let mut best: HashMap<ObjId, (bool, usize, &str)> = HashMap::new();
        for (&(id, name), &count) in &pairs {
            let exclusive = objects_of[name].len() == 1;
            let rank = (exclusive, count, name);
            let entry = best.entry(id).or_insert(rank);
            // Ties go to the alphabetically first name, so runs are repeatable.
            if (rank.0, rank.1, std::cmp::Reverse(rank.2))
                > (entry.0, entry.1, std::cmp::Reverse(entry.2))
            {
                *entry = rank;
            }
        }
        for (id, (_, _, name)) in best {
            self.bound.insert(id, name.to_owned());
        }
    }

    fn change(&mut self, spec: &SpecDir, file: usize, text: String) {
        self.report
            .changes
            .push(format!("{}: {text}", spec.files[file].rel));
    }

    /// Whether the allow-list explains difference `what` on any of `reaches`.
    fn allowed(&self, spec: &SpecDir, reaches: &[(usize, EpRef)], what: &str) -> bool {
        reaches.iter().any(|&(op, ep)| {
            let keys = [self.api.operations[op].key(), ep.template(spec)];
            self.allow.find(&keys, what).is_some()
        })
    }

    fn new_endpoint(&mut self, spec: &mut SpecDir, op_index: usize, file: usize) {
        let api = self.api;
        let op = &api.operations[op_index];
        let taken: Vec<String> = spec.files[file]
            .content
            .endpoints
            .iter()
            .map(|e| e.name.clone())
            .collect();
        let name = endpoint_name(api, op_index, &taken);
        if op.auth.len() > 1 {
            self.report.warnings.push(format!(
                "{}: the document allows several auth styles ({}); chose `{}`",
                op.key(),
                op.auth.join(", "),
                op.auth[0]
            ));
        }
        let mut path_params = Vec::new();
        for param in &op.path_params {
            let mut field = Field::new(&param.name, self.expr(spec, &param.ty, &param.name, file));
            if param.name.to_lowercase().replace('_', "") == "projectid" {
                field.source = Some("project_id".into());
            }
            path_params.push(field);
        }
        let query = op
            .query
            .iter()
            .map(|p| self.new_field(spec, p, file, true))
            .collect();
        let body = match &op.body {
            Body::Json(DocTy::Object(id)) => api
                .object(*id)
                .fields
                .iter()
                .map(|f| self.new_field(spec, f, file, true))
                .collect(),
            Body::None | Body::Json(DocTy::Missing(_)) => Vec::new(),
            Body::Json(other) => {
                self.report.warnings.push(format!(
                    "{}: the body is {}, not an object; left out",
                    op.key(),
                    doc_text(api, other)
                ));
                Vec::new()
            }
            Body::Other(content_type) => {
                self.report.warnings.push(format!(
                    "{}: the body is {content_type}, not JSON; left out",
                    op.key()
                ));
                Vec::new()
            }
        };
        let response = self.response(spec, &op.reply, &name, file);
        let endpoint = Endpoint {
            name: name.clone(),
            method: op.method.clone(),
            path: op.path.clone(),
            auth: op.auth[0].clone(),
            optional_auth: None,
            docs: String::new(),
            path_params,
            query,
            body,
            response,
            extra: Default::default(),
        };
        spec.files[file].content.endpoints.push(endpoint);
        let group = spec.files[file]
            .content
            .group
            .as_ref()
            .map_or(String::new(), |g| format!("{}.", g.name));
        self.change(
            spec,
            file,
            format!("new endpoint {group}{name} ({})", op.key()),
        );
    }

    fn response(
        &mut self,
        spec: &mut SpecDir,
        reply: &Reply,
        hint: &str,
        file: usize,
    ) -> Option<Response> {
        match reply {
            Reply::Empty | Reply::Undocumented => None,
            // An inline object: the reply's own fields.
            Reply::Json(DocTy::Object(id)) if !self.api.object(*id).named => {
                let fields = self
                    .api
                    .object(*id)
                    .fields
                    .iter()
                    .map(|f| self.new_field(spec, f, file, false))
                    .collect();
                Some(Response {
                    docs: Some(String::new()),
                    fields: Some(fields),
                    ..Response::default()
                })
            }
            Reply::Json(ty) => Some(Response {
                ty: Some(self.expr(spec, ty, hint, file)),
                ..Response::default()
            }),
            Reply::Other(_) => Some(Response {
                content: Some("text".into()),
                docs: Some(String::new()),
                ..Response::default()
            }),
        }
    }

    fn new_field(&mut self, spec: &mut SpecDir, doc: &DocField, file: usize, top: bool) -> Field {
        let mut field = Field::new(&doc.name, self.expr(spec, &doc.ty, &doc.name, file));
        if top && doc.required {
            field.required = Some(true);
        } else {
            field.default = doc.default.clone();
        }
        field
    }

    /// The spec type expression for a document type, creating shared types as needed in `file`.
    fn expr(&mut self, spec: &mut SpecDir, ty: &DocTy, hint: &str, file: usize) -> String {
        match ty {
            DocTy::String => "string".into(),
            DocTy::Bool => "bool".into(),
            DocTy::Int32 => "int32".into(),
            DocTy::Int64 => "int64".into(),
            DocTy::Number => "number".into(),
            DocTy::Any | DocTy::Missing(_) => "any".into(),
            DocTy::FreeObject => "map<any>".into(),
            DocTy::Array(inner) => format!("array<{}>", self.expr(spec, inner, hint, file)),
            DocTy::Map(inner) => format!("map<{}>", self.expr(spec, inner, hint, file)),
            DocTy::Enum(name, values) => self.enum_type(spec, name.as_deref(), values, hint, file),
            DocTy::Object(id) => self.object_type(spec, *id, file),
        }
    }

    fn enum_type(
        &mut self,
        spec: &mut SpecDir,
        name: Option<&str>,
        values: &[String],
        hint: &str,
        file: usize,
    ) -> String {
        let wanted: BTreeSet<&String> = values.iter().collect();
        let existing = spec.files.iter().flat_map(|f| &f.content.types).find(|t| {
            t.variants
                .as_ref()
                .is_some_and(|v| v.iter().map(|v| &v.value).collect::<BTreeSet<_>>() == wanted)
        });
        if let Some(def) = existing {
            return def.name.clone();
        }
        let base = name.map_or_else(|| upper_first(&sanitize(hint)), type_name_of_schema);
        let name = unique_type_name(spec, &base, None);
        self.created.insert(name.clone());
        spec.files[file].content.types.push(TypeDef {
            name: name.clone(),
            docs: String::new(),
            fields: None,
            variants: Some(values.iter().map(|v| new_variant(v)).collect()),
            extra: Default::default(),
        });
        self.change(spec, file, format!("new enum {name}"));
        name
    }

    fn object_type(&mut self, spec: &mut SpecDir, id: ObjId, file: usize) -> String {
        if let Some(name) = self.bound.get(&id) {
            return name.clone();
        }
        let api = self.api;
        let object = api.object(id);
        let base = if object.named {
            type_name_of_schema(&object.name)
        } else {
            object
                .name
                .split('.')
                .map(|part| upper_first(&sanitize(part)))
                .collect()
        };
        // A spec type of the schema's name stands for it (a previous import made it, or a human
        // chose the document's name), unless this run created that type for another object.
        if !self.created.contains(&base)
            && let Some((_, def)) = spec.type_def(&base)
            && def.fields.is_some()
        {
            self.bound.insert(id, base.clone());
            return base;
        }
        let namespace = object.named.then(|| {
            object
                .name
                .rsplit_once('.')
                .map(|(ns, _)| upper_first(&sanitize(ns)))
                .unwrap_or_default()
        });
        let name = unique_type_name(spec, &base, namespace.as_deref());
        self.bound.insert(id, name.clone());
        self.created.insert(name.clone());
        spec.files[file].content.types.push(TypeDef {
            name: name.clone(),
            docs: String::new(),
            fields: Some(Vec::new()),
            variants: None,
            extra: Default::default(),
        });
        self.change(
            spec,
            file,
            format!("new type {name} (from {})", object.name),
        );
        let fields: Vec<Field> = object
            .fields
            .iter()
            .map(|f| self.new_field(spec, f, file, false))
            .collect();
        if let Some(def) = spec.type_def_mut(&name) {
            def.fields = Some(fields);
        }
        name
    }

    /// Brings the endpoints of the selected operations, and the types they reach, up to date.
    fn sync(
        &mut self,
        spec: &mut SpecDir,
        matches: &Matches,
        comparison: &Comparison,
        selected: &[usize],
    ) {
        let endpoints: BTreeSet<EpRef> = selected
            .iter()
            .flat_map(|&i| matches.by_op[i].iter().copied())
            .collect();
        for &ep in &endpoints {
            self.sync_endpoint(spec, ep, matches.ops_of(ep), comparison);
        }
        let mut targets: Vec<Target> = Vec::new();
        for visit in &comparison.visits {
            let wanted = match &visit.target {
                Target::Type(_) => selected.contains(&visit.op),
                Target::Body(ep) | Target::Query(ep) | Target::Reply(ep) => endpoints.contains(ep),
            };
            if wanted && !targets.contains(&visit.target) {
                targets.push(visit.target.clone());
            }
        }
        for target in targets {
            let visits: Vec<&Visit> = comparison
                .visits
                .iter()
                .filter(|v| v.target == target)
                .collect();
            self.sync_fields(spec, &target, &visits);
        }
    }

    fn sync_endpoint(
        &mut self,
        spec: &mut SpecDir,
        ep: EpRef,
        ops: &[usize],
        comparison: &Comparison,
    ) {
        let api = self.api;
        let reaches: Vec<(usize, EpRef)> = ops.iter().map(|&op| (op, ep)).collect();
        let label = ep.label(spec);
        // Auth: when every operation asks for the same single style.
        let styles: BTreeSet<&Vec<String>> = ops.iter().map(|&i| &api.operations[i].auth).collect();
        if let [single] = styles.into_iter().collect::<Vec<_>>().as_slice()
            && let [style] = single.as_slice()
            && &ep.get(spec).auth != style
        {
            if self.allowed(spec, &reaches, "auth") {
                self.report
                    .kept
                    .push(format!("{label}: auth {}", ep.get(spec).auth));
            } else {
                let old = std::mem::replace(
                    &mut spec.files[ep.file].content.endpoints[ep.index].auth,
                    style.clone(),
                );
                self.change(spec, ep.file, format!("{label}: auth {old} -> {style}"));
            }
        }
        // The kind of reply: when the document disagrees and all operations say the same.
        let differs = comparison
            .differences
            .iter()
            .any(|d| d.ep == ep && d.what == "response");
        if differs {
            let replies: Vec<&Reply> = ops.iter().map(|&i| &api.operations[i].reply).collect();
            if self.allowed(spec, &reaches, "response") {
                self.report.kept.push(format!("{label}: response"));
            } else if replies.windows(2).all(|w| w[0] == w[1]) {
                let name = ep.get(spec).name.clone();
                let response = self.response(spec, replies[0], &name, ep.file);
                let text = response_text(response.as_ref());
                spec.files[ep.file].content.endpoints[ep.index].response = response;
                self.change(spec, ep.file, format!("{label}: response is now {text}"));
            } else {
                self.report.warnings.push(format!(
                    "{label}: the operations it stands for reply differently; response left as is"
                ));
            }
        }
    }

    fn target_label(spec: &SpecDir, target: &Target) -> (usize, String) {
        match target {
            Target::Body(ep) => (ep.file, format!("{} body", ep.label(spec))),
            Target::Query(ep) => (ep.file, format!("{} query", ep.label(spec))),
            Target::Reply(ep) => (ep.file, format!("{} response", ep.label(spec))),
            Target::Type(name) => (
                spec.type_def(name).map_or(0, |(file, _)| file),
                format!("type {name}"),
            ),
        }
    }

    /// Makes one spec field list follow the document field lists it was compared with.
    fn sync_fields(&mut self, spec: &mut SpecDir, target: &Target, visits: &[&Visit]) {
        let api = self.api;
        let (file, label) = Run::target_label(spec, target);
        let reply = visits.iter().all(|v| v.reply);
        let ours: Vec<Field> = spec_fields(spec, target).to_vec();
        // The union of the document's fields, in document order.
        let mut union: Vec<(&str, Vec<&DocField>)> = Vec::new();
        let mut lists: Vec<DocList> = Vec::new();
        for visit in visits {
            if !lists.contains(&visit.doc) {
                lists.push(visit.doc);
            }
        }
        for &list in &lists {
            for field in doc_fields(api, list) {
                match union.iter_mut().find(|(n, _)| *n == field.name) {
                    Some((_, all)) => all.push(field),
                    None => union.push((&field.name, vec![field])),
                }
            }
        }
        let reaches_of = |name: &str| -> Vec<(usize, EpRef, String)> {
            visits
                .iter()
                .map(|v| (v.op, v.ep, format!("{}.{name}", v.prefix)))
                .collect()
        };
        let allowed = |run: &Run, spec: &SpecDir, name: &str, kind: &str| {
            reaches_of(name).iter().any(|(op, ep, place)| {
                let keys = [api.operations[*op].key(), ep.template(spec)];
                run.allow.find(&keys, &format!("{place}: {kind}")).is_some()
            })
        };

        let mut edits = Vec::new();
        // Fields the list will have: its own and those planned for insertion.
        let mut present: Vec<&str> = ours.iter().map(|f| f.name.as_str()).collect();
        for (position, (name, docs)) in union.iter().enumerate() {
            if present.contains(name) {
                continue;
            }
            if allowed(self, spec, name, "missing") {
                self.report.kept.push(format!("{label}: no `{name}`"));
                continue;
            }
            let mut field = self.new_field(spec, docs[0], file, !matches!(target, Target::Type(_)));
            if reply {
                field.required = None;
                field.default = None;
            }
            // After the nearest earlier document field the list has.
            let after = union[..position]
                .iter()
                .rev()
                .map(|(before, _)| *before)
                .find(|before| present.contains(before));
            edits.push(Edit::Insert(after.map(str::to_owned), field));
            present.push(name);
        }
        for field in &ours {
            let Some((_, docs)) = union.iter().find(|(n, _)| *n == field.name) else {
                if allowed(self, spec, &field.name, "extra") {
                    self.report.kept.push(format!("{label}: `{}`", field.name));
                } else {
                    edits.push(Edit::Remove(field.name.clone()));
                }
                continue;
            };
            let doc_types: Vec<&DocTy> = docs.iter().map(|d| &d.ty).collect();
            let shape = Shape::parse(&field.ty, spec);
            if doc_types
                .iter()
                .any(|t| compare(&shape, t, reply) == Verdict::Differ)
            {
                if !doc_types.windows(2).all(|w| w[0] == w[1]) {
                    self.report.warnings.push(format!(
                        "{label}: `{}` has different types in the document objects it stands \
                         for; type left as is",
                        field.name
                    ));
                } else if allowed(self, spec, &field.name, "type") {
                    self.report
                        .kept
                        .push(format!("{label}: `{}` is {}", field.name, field.ty));
                } else if let (Shape::Enum(enum_name, _), DocTy::Enum(_, values)) =
                    (&shape, doc_types[0])
                {
                    edits.push(Edit::SetVariants(enum_name.clone(), values.clone()));
                } else {
                    let ty = self.expr(spec, doc_types[0], &field.name, file);
                    edits.push(Edit::SetType(field.name.clone(), ty));
                }
            }
            if reply {
                continue;
            }
            let defaults: Vec<Option<&Value>> = docs.iter().map(|d| d.default.as_ref()).collect();
            let default = defaults[0];
            if !defaults.windows(2).all(|w| same_default(w[0], w[1]))
                || same_default(field.default.as_ref(), default)
            {
                continue;
            }
            if allowed(self, spec, &field.name, "default") {
                self.report
                    .kept
                    .push(format!("{label}: default of `{}`", field.name));
            } else if field.is_required() && default.is_some() {
                self.report.warnings.push(format!(
                    "{label}: the document gives required field `{}` a default; left as is",
                    field.name
                ));
            } else {
                edits.push(Edit::SetDefault(field.name.clone(), default.cloned()));
            }
        }
        self.apply(spec, target, file, &label, edits);
    }

    fn apply(
        &mut self,
        spec: &mut SpecDir,
        target: &Target,
        file: usize,
        label: &str,
        edits: Vec<Edit>,
    ) {
        let mut lines = Vec::new();
        // Inserts last, in document order, each after its anchor.
        let mut inserts: Vec<(Option<String>, Field)> = Vec::new();
        let mut others = Vec::new();
        for edit in edits {
            match edit {
                Edit::Insert(after, field) => inserts.push((after, field)),
                other => others.push(other),
            }
        }
        for edit in others {
            match edit {
                Edit::SetVariants(name, values) => {
                    if let Some(def) = spec.type_def_mut(&name)
                        && let Some(variants) = def.variants.as_mut()
                    {
                        let before: Vec<String> =
                            variants.iter().map(|v| v.value.clone()).collect();
                        variants.retain(|v| values.contains(&v.value));
                        for value in &values {
                            if !before.contains(value) {
                                variants.push(new_variant(value));
                            }
                        }
                        lines.push(format!(
                            "enum {name}: values [{}] -> [{}]",
                            before.join(", "),
                            values.join(", ")
                        ));
                    }
                }
                Edit::Remove(name) => {
                    if let Some(fields) = fields_mut(spec, target) {
                        fields.retain(|f| f.name != name);
                        lines.push(format!("{label}: removed `{name}`"));
                    }
                }
                Edit::SetType(name, ty) => {
                    if let Some(field) = field_mut(spec, target, &name) {
                        let old = std::mem::replace(&mut field.ty, ty.clone());
                        let mut text = format!("{label}: `{name}` {old} -> {ty}");
                        if ty != "string" && (field.format.is_some() || field.secret.is_some()) {
                            field.format = None;
                            field.secret = None;
                            text.push_str(" (dropped `format`/`secret`, which need a string)");
                        }
                        lines.push(text);
                    }
                }
                Edit::SetDefault(name, default) => {
                    if let Some(field) = field_mut(spec, target, &name) {
                        let show =
                            |v: &Option<Value>| v.as_ref().map_or("none".into(), Value::to_string);
                        lines.push(format!(
                            "{label}: default of `{name}` {} -> {}",
                            show(&field.default),
                            show(&default)
                        ));
                        field.default = default;
                    }
                }
                Edit::Insert(..) => {}
            }
        }
        for (after, field) in inserts {
            if let Some(fields) = fields_mut(spec, target) {
                lines.push(format!("{label}: added `{}` ({})", field.name, field.ty));
                let at = after
                    .and_then(|a| fields.iter().position(|f| f.name == a))
                    .map_or(0, |i| i + 1);
                fields.insert(at, field);
            }
        }
        lines.sort();
        for line in lines {
            self.change(spec, file, line);
        }
    }
}

fn fields_mut<'s>(spec: &'s mut SpecDir, target: &Target) -> Option<&'s mut Vec<Field>> {
    match target {
        Target::Body(ep) => Some(&mut spec.files[ep.file].content.endpoints[ep.index].body),
        Target::Query(ep) => Some(&mut spec.files[ep.file].content.endpoints[ep.index].query),
        Target::Reply(ep) => spec.files[ep.file].content.endpoints[ep.index]
            .response
            .as_mut()
            .and_then(|r| r.fields.as_mut()),
        Target::Type(name) => spec.type_def_mut(name).and_then(|d| d.fields.as_mut()),
    }
}

fn field_mut<'s>(spec: &'s mut SpecDir, target: &Target, name: &str) -> Option<&'s mut Field> {
    fields_mut(spec, target)?
        .iter_mut()
        .find(|f| f.name == name)
}

fn response_text(response: Option<&Response>) -> String {
    match response {
        None => "empty".into(),
        Some(r) => match (&r.ty, &r.content) {
            (Some(ty), _) => format!("`{ty}`"),
            (None, Some(content)) => format!("raw {content}"),
            (None, None) => "inline fields".into(),
        },
    }
}

fn new_variant(value: &str) -> Variant {
    Variant {
        value: value.to_owned(),
        rust_name: None,
        docs: String::new(),
        extra: Default::default(),
    }
}

/// Letters and digits only.
fn sanitize(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).collect()
}

fn upper_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if c.is_ascii_digit() => format!("T{text}"),
        Some(c) => c.to_ascii_uppercase().to_string() + chars.as_str(),
        None => "Type".into(),
    }
}

/// `sessionv1.JWKSResponse` → `JWKSResponse`, `PasskeyOptions_Criteria` → `PasskeyOptionsCriteria`.
fn type_name_of_schema(schema: &str) -> String {
    let last = schema.rsplit('.').next().unwrap_or(schema);
    upper_first(&sanitize(last))
}

/// `base` if free, else `<Namespace><base>`, else `<base>2`, `<base>3`, ...
fn unique_type_name(spec: &SpecDir, base: &str, namespace: Option<&str>) -> String {
    let free = |name: &str| spec.type_def(name).is_none();
    if free(base) {
        return base.to_owned();
    }
    if let Some(ns) = namespace.filter(|ns| !ns.is_empty()) {
        let name = format!("{ns}{base}");
        if free(&name) {
            return name;
        }
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|n| free(n))
        .expect("some number is free")
}

/// A snake_case name for a new endpoint, from the tail of its path: the literal segments after
/// the prefix it shares with the other operations of its group (`/v1/auth/otp/signup/email` →
/// `signup_email`), unique among `taken`.
pub fn endpoint_name(api: &Api, op_index: usize, taken: &[String]) -> String {
    let op = &api.operations[op_index];
    let literals = |path: &str| -> Vec<String> {
        path.split('/')
            .filter(|s| !s.is_empty() && !s.starts_with('{'))
            .map(str::to_owned)
            .collect()
    };
    let mine = literals(&op.path);
    let siblings: Vec<Vec<String>> = api
        .operations
        .iter()
        .enumerate()
        .filter(|(i, other)| *i != op_index && other.group == op.group)
        .map(|(_, other)| literals(&other.path))
        .filter(|other| other.len() >= 2 && mine.len() >= 2 && other[..2] == mine[..2])
        .collect();
    let shared = siblings
        .iter()
        .map(|other| mine.iter().zip(other).take_while(|(a, b)| a == b).count())
        .min()
        .unwrap_or(mine.len().saturating_sub(1))
        .min(mine.len().saturating_sub(1));
    let join = |parts: &[String]| -> String {
        let name = parts.iter().map(|p| snake(p)).collect::<Vec<_>>().join("_");
        if name.starts_with(|c: char| c.is_ascii_digit()) || name.is_empty() {
            format!("op_{name}")
        } else {
            name
        }
    };
    let base = join(&mine[shared..]);
    let same_path_other_method = api
        .operations
        .iter()
        .any(|other| other.path == op.path && other.method != op.method);
    let mut candidates = Vec::new();
    if same_path_other_method && op.method == "GET" {
        candidates.push(format!("get_{base}"));
    }
    candidates.push(base.clone());
    candidates.extend((0..shared).rev().map(|start| join(&mine[start..])));
    candidates.push(format!("{}_{base}", op.method.to_ascii_lowercase()));
    candidates
        .into_iter()
        .chain((2..).map(|n| format!("{base}_{n}")))
        .find(|name| !taken.contains(name))
        .expect("some name is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_names_come_from_the_path_tail() {
        let api = Api::parse(
            r"
openapi: 3.0.3
paths:
  /v1/auth/otp/signup/email: { post: { x-publishYaml: OTP, responses: {} } }
  /v1/auth/otp/signup-in/sms: { post: { x-publishYaml: OTP, responses: {} } }
  /v1/auth/questions/verify:
    get: { x-publishYaml: Q, responses: {} }
    post: { x-publishYaml: Q, responses: {} }
  /v1/keys/{projectId}: { get: { x-publishYaml: Keys, responses: {} } }
  /v2/keys/{projectId}: { get: { x-publishYaml: Keys, responses: {} } }
  /v1/auth/accesskey/exchange: { post: { x-publishYaml: AccessKeys, responses: {} } }
  /v1/auth/type: { post: { x-publishYaml: Types, responses: {} } }
",
        )
        .unwrap();
        let name = |i: usize, taken: &[&str]| {
            let taken: Vec<String> = taken.iter().map(|t| (*t).to_owned()).collect();
            endpoint_name(&api, i, &taken)
        };
        assert_eq!(name(0, &[]), "signup_email");
        assert_eq!(name(1, &[]), "signup_in_sms");
        assert_eq!(name(2, &[]), "get_verify");
        assert_eq!(name(3, &[]), "verify");
        assert_eq!(name(3, &["verify"]), "questions_verify");
        assert_eq!(name(4, &[]), "keys");
        assert_eq!(name(5, &["keys"]), "v2_keys");
        assert_eq!(name(6, &[]), "exchange");
        assert_eq!(
            name(6, &["exchange", "accesskey_exchange"]),
            "auth_accesskey_exchange"
        );
        assert_eq!(name(7, &[]), "type_");
        assert_eq!(name(0, &["signup_email"]), "otp_signup_email");
        let longer = ["exchange", "accesskey_exchange", "auth_accesskey_exchange"];
        let all = [&longer[..], &["v1_auth_accesskey_exchange"]].concat();
        assert_eq!(name(6, &all), "post_exchange");
        assert_eq!(
            name(6, &[&all[..], &["post_exchange"]].concat()),
            "exchange_2"
        );
    }
}
