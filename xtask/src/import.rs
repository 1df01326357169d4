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

use descope_spec::file::{Content, Endpoint, Field, FileSpec, Group, Response, Source, TypeDef};
use descope_spec::{Api as Model, AuthStyle, GroupId, HttpMethod, Presence, TypeId, snake};
use serde_json::Value;

use crate::allow::AllowList;
use crate::compare::{
    Comparison, DocList, Target, Visit, compare_pairs, doc_fields, same_default, spec_fields,
};
use crate::matching::{EpRef, Matches};
use crate::openapi::{Api, Body, DocField, DocTy, ObjId, Reply, Selection, auth_text};
use crate::shape::{Shape, Verdict, compare, doc_text};
use crate::spec::{SpecDir, endpoint_id, new_field, new_variant, problem_lines, rel_path};

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
    let (model, matches, _) = run.survey(spec);

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
        let destinations = destinations(
            api,
            spec,
            &model,
            &matches,
            &new_ops,
            options.file.as_deref(),
        )?;
        for (&op, &file) in new_ops.iter().zip(&destinations) {
            run.new_endpoint(spec, op, file);
        }
    }

    // Bring what matches up to date.
    let (model, matches, comparison) = run.survey(spec);
    run.sync(spec, &model, &matches, &comparison, &selected);
    let touched: BTreeSet<GroupId> = selected
        .iter()
        .flat_map(|&i| matches.by_op[i].iter().map(|ep| ep.group))
        .collect();
    for (ep, concrete) in &matches.unknown {
        if touched.contains(&ep.group) {
            run.report.warnings.push(format!(
                "{}: {concrete} is not in the document (the endpoint is kept; delete it if the \
                 operation is gone)",
                ep.label(&model)
            ));
        }
    }

    // Changes grouped by file, in the order they were made.
    run.report
        .changes
        .sort_by(|a, b| a.split(':').next().cmp(&b.split(':').next()));
    // The generator's own check of the result.
    run.report.todo = problem_lines(&spec.resolve().1);
    for file in spec.changed_files() {
        run.report.written.push(file.rel.clone());
    }
    if !options.dry_run {
        spec.save()?;
    }
    Ok(run.report)
}

/// The file each new operation goes to.
fn destinations(
    api: &Api,
    spec: &mut SpecDir,
    model: &Model,
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
            .find_map(|j| matches.by_op[j].first())
            .and_then(|&ep| spec.locate_endpoint(model, ep))
            .map(|(file, _)| file);
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
        if let Some(i) = spec.files.iter().position(|f| {
            spec.root
                .join(&f.rel)
                .canonicalize()
                .is_ok_and(|p| p == absolute)
        }) {
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
    let content = FileSpec {
        schema,
        group: Some(Group {
            name: snake(&stem),
            docs: String::new(),
        }),
        ..FileSpec::default()
    };
    spec.add_file(rel, content)
}

/// One edit of a field list, planned before it is applied.
enum Edit {
    /// Insert after the named field (at the front for `None`).
    Insert(Option<String>, Field),
    Remove(String),
    SetType(String, String),
    SetDefault(String, Option<Value>),
    SetVariants(TypeId, Vec<String>),
}

/// A shared type by area and name: how an import writes a reference to it.
type TypeName = (String, String);

struct Run<'a> {
    api: &'a Api,
    allow: &'a AllowList,
    report: ImportReport,
    /// Document object → the spec type standing for it.
    bound: HashMap<ObjId, TypeName>,
    /// Types this run created.
    created: BTreeSet<TypeName>,
}

impl Run<'_> {
    /// The spec as it is now: its model (completed around problems, such as the empty docs of
    /// imported entries, which the report lists at the end), which endpoint stands for which
    /// operation, and the comparison of every match, from which the run learns which spec type
    /// stands for which document object.
    fn survey(&mut self, spec: &SpecDir) -> (Model, Matches, Comparison) {
        let (model, _) = spec.resolve();
        let matches = Matches::compute(self.api, &model);
        let pairs: Vec<(usize, EpRef)> = matches
            .by_endpoint
            .iter()
            .flat_map(|(&ep, ops)| ops.iter().map(move |&op| (op, ep)))
            .collect();
        let comparison = compare_pairs(self.api, &model, &pairs);
        self.learn(&model, &comparison.visits);
        (model, matches, comparison)
    }

    /// Learns from `visits` which spec type stands for which document object. When several do,
    /// the one standing for that object alone wins (`EmailCodeSent` over the `CodeSent` a
    /// collapsed endpoint shares with phone replies), then the one seen most often.
    fn learn(&mut self, model: &Model, visits: &[Visit]) {
        let mut pairs: HashMap<(ObjId, TypeId), usize> = HashMap::new();
        let mut objects_of: HashMap<TypeId, BTreeSet<ObjId>> = HashMap::new();
        for visit in visits {
            if let (Target::Type(ty), DocList::Object(id)) = (&visit.target, visit.doc) {
                *pairs.entry((id, *ty)).or_default() += 1;
                objects_of.entry(*ty).or_default().insert(id);
            }
        }
        let mut best: HashMap<ObjId, (bool, usize, &str, TypeId)> = HashMap::new();
        for (&(id, ty), &count) in &pairs {
            let exclusive = objects_of[&ty].len() == 1;
            let rank = (exclusive, count, model.ty(ty).name.as_str(), ty);
            let entry = best.entry(id).or_insert(rank);
            // Ties go to the alphabetically first name, so runs are repeatable.
            if (rank.0, rank.1, std::cmp::Reverse(rank.2))
                > (entry.0, entry.1, std::cmp::Reverse(entry.2))
            {
                *entry = rank;
            }
        }
        for (id, (.., ty)) in best {
            let def = model.ty(ty);
            let area = model.area(def.area).name.clone();
            self.bound.insert(id, (area, def.name.clone()));
        }
    }

    fn change(&mut self, spec: &SpecDir, file: usize, text: String) {
        self.report
            .changes
            .push(format!("{}: {text}", spec.files[file].rel));
    }

    /// Whether the allow-list explains difference `what` on any of `reaches`.
    fn allowed(&self, model: &Model, reaches: &[(usize, EpRef)], what: &str) -> bool {
        reaches.iter().any(|&(op, ep)| {
            let keys = [self.api.operations[op].key(), ep.template(model)];
            self.allow.find(&keys, what).is_some()
        })
    }

    fn new_endpoint(&mut self, spec: &mut SpecDir, op_index: usize, file: usize) {
        let api = self.api;
        let op = &api.operations[op_index];
        let taken: Vec<String> = spec.files[file]
            .spec
            .endpoints
            .iter()
            .map(|e| e.name.clone())
            .collect();
        let name = endpoint_name(api, op_index, &taken);
        let auth = op.auth.first().copied().unwrap_or(AuthStyle::None);
        if op.auth.len() > 1 {
            self.report.warnings.push(format!(
                "{}: the document allows several auth styles ({}); chose `{}`",
                op.key(),
                auth_text(&op.auth, ", "),
                auth.as_str()
            ));
        }
        let mut path_params = Vec::new();
        for param in &op.path_params {
            let mut field = new_field(&param.name, self.expr(spec, &param.ty, &param.name, file));
            if param.name.to_lowercase().replace('_', "") == "projectid" {
                field.source = Some(Source::ProjectId);
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
            method: op.method,
            path: op.path.clone(),
            auth,
            optional_auth: None,
            docs: String::new(),
            path_params,
            query,
            body,
            response,
            paging: None,
        };
        spec.files[file].spec.endpoints.push(endpoint);
        let id = endpoint_id(&spec.files[file], &name);
        self.change(spec, file, format!("new endpoint {id} ({})", op.key()));
    }

    fn response(
        &mut self,
        spec: &mut SpecDir,
        reply: &Reply,
        hint: &str,
        file: usize,
    ) -> Option<Response> {
        let response = |content, type_name, docs, fields| Response {
            content,
            type_name,
            docs,
            fields,
            failures: Vec::new(),
        };
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
                Some(response(
                    Content::Json,
                    None,
                    Some(String::new()),
                    Some(fields),
                ))
            }
            Reply::Json(ty) => {
                let ty = self.expr(spec, ty, hint, file);
                Some(response(Content::Json, Some(ty), None, None))
            }
            Reply::Other(_) => Some(response(Content::Text, None, Some(String::new()), None)),
        }
    }

    fn new_field(&mut self, spec: &mut SpecDir, doc: &DocField, file: usize, top: bool) -> Field {
        let mut field = new_field(&doc.name, self.expr(spec, &doc.ty, &doc.name, file));
        if top && doc.required {
            field.required = true;
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
        let area = spec.files[file].area_name().to_owned();
        let wanted: BTreeSet<&String> = values.iter().collect();
        let existing = spec.area_types(&area).find(|t| {
            t.variants
                .as_ref()
                .is_some_and(|v| v.iter().map(|v| &v.value).collect::<BTreeSet<_>>() == wanted)
        });
        if let Some(def) = existing {
            return def.name.clone();
        }
        let base = name.map_or_else(|| upper_first(&sanitize(hint)), type_name_of_schema);
        let name = unique_type_name(spec, &area, &base, None);
        self.created.insert((area, name.clone()));
        spec.files[file].spec.types.push(TypeDef {
            name: name.clone(),
            docs: String::new(),
            fields: None,
            variants: Some(values.iter().map(new_variant).collect()),
            failures: Vec::new(),
        });
        self.change(spec, file, format!("new enum {name}"));
        name
    }

    fn object_type(&mut self, spec: &mut SpecDir, id: ObjId, file: usize) -> String {
        let area = spec.files[file].area_name().to_owned();
        if let Some((bound_area, name)) = self.bound.get(&id) {
            return if bound_area == &area || bound_area.is_empty() {
                name.clone()
            } else {
                format!("{bound_area}::{name}")
            };
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
        let key = (area.clone(), base.clone());
        if !self.created.contains(&key)
            && spec
                .area_types(&area)
                .any(|t| t.name == base && t.fields.is_some())
        {
            self.bound.insert(id, key);
            return base;
        }
        let namespace = object.named.then(|| {
            object
                .name
                .rsplit_once('.')
                .map(|(ns, _)| upper_first(&sanitize(ns)))
                .unwrap_or_default()
        });
        let name = unique_type_name(spec, &area, &base, namespace.as_deref());
        let key = (area, name.clone());
        self.bound.insert(id, key.clone());
        self.created.insert(key);
        spec.files[file].spec.types.push(TypeDef {
            name: name.clone(),
            docs: String::new(),
            fields: Some(Vec::new()),
            variants: None,
            failures: Vec::new(),
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
        if let Some(def) = spec.files[file]
            .spec
            .types
            .iter_mut()
            .find(|t| t.name == name)
        {
            def.fields = Some(fields);
        }
        name
    }

    /// Brings the endpoints of the selected operations, and the types they reach, up to date.
    fn sync(
        &mut self,
        spec: &mut SpecDir,
        model: &Model,
        matches: &Matches,
        comparison: &Comparison,
        selected: &[usize],
    ) {
        let endpoints: BTreeSet<EpRef> = selected
            .iter()
            .flat_map(|&i| matches.by_op[i].iter().copied())
            .collect();
        for &ep in &endpoints {
            self.sync_endpoint(spec, model, ep, matches.ops_of(ep), comparison);
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
            self.sync_fields(spec, model, &target, &visits);
        }
    }

    fn sync_endpoint(
        &mut self,
        spec: &mut SpecDir,
        model: &Model,
        ep: EpRef,
        ops: &[usize],
        comparison: &Comparison,
    ) {
        let api = self.api;
        let Some((file, index)) = spec.locate_endpoint(model, ep) else {
            return;
        };
        let reaches: Vec<(usize, EpRef)> = ops.iter().map(|&op| (op, ep)).collect();
        let label = ep.label(model);
        let endpoint = ep.get(model);
        // Auth: when every operation asks for the same single style.
        if let Some(&first) = ops.first()
            && let [style] = api.operations[first].auth[..]
            && ops.iter().all(|&i| api.operations[i].auth == [style])
            && endpoint.auth != style
        {
            if self.allowed(model, &reaches, "auth") {
                self.report
                    .kept
                    .push(format!("{label}: auth {}", endpoint.auth.as_str()));
            } else {
                let written = &mut spec.files[file].spec.endpoints[index].auth;
                let old = std::mem::replace(written, style);
                let text = format!("{label}: auth {} -> {}", old.as_str(), style.as_str());
                self.change(spec, file, text);
            }
        }
        // The kind of reply: when the document disagrees and all operations say the same.
        let differs = comparison
            .differences
            .iter()
            .any(|d| d.ep == ep && d.what == "response");
        if differs {
            let replies: Vec<&Reply> = ops.iter().map(|&i| &api.operations[i].reply).collect();
            if self.allowed(model, &reaches, "response") {
                self.report.kept.push(format!("{label}: response"));
            } else if replies.windows(2).all(|w| w[0] == w[1]) {
                let response = self.response(spec, replies[0], &endpoint.name, file);
                let text = response_text(response.as_ref());
                spec.files[file].spec.endpoints[index].response = response;
                self.change(spec, file, format!("{label}: response is now {text}"));
            } else {
                self.report.warnings.push(format!(
                    "{label}: the operations it stands for reply differently; response left as is"
                ));
            }
        }
    }

    /// The file a field list is written in, and how messages name the list.
    fn target_label(spec: &SpecDir, model: &Model, target: &Target) -> Option<(usize, String)> {
        let (file, what) = match target {
            Target::Body(ep) | Target::Query(ep) | Target::Reply(ep) => {
                let list = match target {
                    Target::Body(_) => "body",
                    Target::Query(_) => "query",
                    _ => "response",
                };
                let file = spec.locate_endpoint(model, *ep)?.0;
                (file, format!("{} {list}", ep.label(model)))
            }
            Target::Type(id) => {
                let file = spec.locate_type(model, *id)?.0;
                (file, format!("type {}", model.ty(*id).name))
            }
        };
        Some((file, what))
    }

    /// Makes one spec field list follow the document field lists it was compared with.
    fn sync_fields(
        &mut self,
        spec: &mut SpecDir,
        model: &Model,
        target: &Target,
        visits: &[&Visit],
    ) {
        let api = self.api;
        let Some((file, label)) = Run::target_label(spec, model, target) else {
            return;
        };
        let area = Some(target.area(model));
        let reply = visits.iter().all(|v| v.reply);
        let ours = spec_fields(model, target);
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
        let allowed = |run: &Run, name: &str, kind: &str| {
            visits.iter().any(|v| {
                let keys = [api.operations[v.op].key(), v.ep.template(model)];
                let what = format!("{}.{name}: {kind}", v.prefix);
                run.allow.find(&keys, &what).is_some()
            })
        };

        let mut edits = Vec::new();
        // Fields the list will have: its own and those planned for insertion.
        let mut present: Vec<&str> = ours.iter().map(|f| f.wire).collect();
        for (position, (name, docs)) in union.iter().enumerate() {
            if present.contains(name) {
                continue;
            }
            if allowed(self, name, "missing") {
                self.report.kept.push(format!("{label}: no `{name}`"));
                continue;
            }
            let mut field = self.new_field(spec, docs[0], file, !matches!(target, Target::Type(_)));
            if reply {
                field.required = false;
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
            let name = field.wire;
            let Some((_, docs)) = union.iter().find(|(n, _)| *n == name) else {
                if allowed(self, name, "extra") {
                    self.report.kept.push(format!("{label}: `{name}`"));
                } else {
                    edits.push(Edit::Remove(name.to_owned()));
                }
                continue;
            };
            let doc_types: Vec<&DocTy> = docs.iter().map(|d| &d.ty).collect();
            let shape = Shape::of(field.ty, model);
            if doc_types
                .iter()
                .any(|t| compare(&shape, t, reply) == Verdict::Differ)
            {
                if !doc_types.windows(2).all(|w| w[0] == w[1]) {
                    self.report.warnings.push(format!(
                        "{label}: `{name}` has different types in the document objects it stands \
                         for; type left as is"
                    ));
                } else if allowed(self, name, "type") {
                    let ty = model.type_expr(field.ty, area);
                    self.report.kept.push(format!("{label}: `{name}` is {ty}"));
                } else if let (Shape::Enum(id, _), DocTy::Enum(_, values)) = (&shape, doc_types[0])
                {
                    edits.push(Edit::SetVariants(*id, values.clone()));
                } else {
                    let ty = self.expr(spec, doc_types[0], name, file);
                    edits.push(Edit::SetType(name.to_owned(), ty));
                }
            }
            if reply {
                continue;
            }
            let defaults: Vec<Option<&Value>> = docs.iter().map(|d| d.default.as_ref()).collect();
            let default = defaults[0];
            if !defaults.windows(2).all(|w| same_default(w[0], w[1]))
                || same_default(field.default(), default)
            {
                continue;
            }
            if allowed(self, name, "default") {
                self.report
                    .kept
                    .push(format!("{label}: default of `{name}`"));
            } else if *field.presence == Presence::Required && default.is_some() {
                self.report.warnings.push(format!(
                    "{label}: the document gives required field `{name}` a default; left as is"
                ));
            } else {
                edits.push(Edit::SetDefault(name.to_owned(), default.cloned()));
            }
        }
        self.apply(spec, model, target, file, &label, edits);
    }

    fn apply(
        &mut self,
        spec: &mut SpecDir,
        model: &Model,
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
                Edit::SetVariants(id, values) => {
                    if let Some(def) = spec.type_mut(model, id)
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
                            "enum {}: values [{}] -> [{}]",
                            def.name,
                            before.join(", "),
                            values.join(", ")
                        ));
                    }
                }
                Edit::Remove(name) => {
                    if let Some(fields) = fields_mut(spec, model, target) {
                        fields.retain(|f| f.name != name);
                        lines.push(format!("{label}: removed `{name}`"));
                    }
                }
                Edit::SetType(name, ty) => {
                    if let Some(field) = field_mut(spec, model, target, &name) {
                        let old = std::mem::replace(&mut field.ty, ty.clone());
                        let mut text = format!("{label}: `{name}` {old} -> {ty}");
                        if ty != "string" && (field.format.is_some() || field.secret) {
                            field.format = None;
                            field.secret = false;
                            text.push_str(" (dropped `format`/`secret`, which need a string)");
                        }
                        lines.push(text);
                    }
                }
                Edit::SetDefault(name, default) => {
                    if let Some(field) = field_mut(spec, model, target, &name) {
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
            if let Some(fields) = fields_mut(spec, model, target) {
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

/// The written field list `target` stands for.
fn fields_mut<'s>(
    spec: &'s mut SpecDir,
    model: &Model,
    target: &Target,
) -> Option<&'s mut Vec<Field>> {
    match target {
        Target::Body(ep) => Some(&mut spec.endpoint_mut(model, *ep)?.body),
        Target::Query(ep) => Some(&mut spec.endpoint_mut(model, *ep)?.query),
        Target::Reply(ep) => spec
            .endpoint_mut(model, *ep)?
            .response
            .as_mut()?
            .fields
            .as_mut(),
        Target::Type(id) => spec.type_mut(model, *id)?.fields.as_mut(),
    }
}

fn field_mut<'s>(
    spec: &'s mut SpecDir,
    model: &Model,
    target: &Target,
    name: &str,
) -> Option<&'s mut Field> {
    fields_mut(spec, model, target)?
        .iter_mut()
        .find(|f| f.name == name)
}

fn response_text(response: Option<&Response>) -> String {
    match response {
        None => "empty".into(),
        Some(r) => match (&r.type_name, r.content) {
            (Some(ty), _) => format!("`{ty}`"),
            (None, Content::Text) => "raw text".into(),
            (None, Content::Json) => "inline fields".into(),
        },
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

/// `base` if no type of `area` has it, else `<Namespace><base>`, else `<base>2`, `<base>3`, ...
fn unique_type_name(spec: &SpecDir, area: &str, base: &str, namespace: Option<&str>) -> String {
    let free = |name: &str| !spec.area_types(area).any(|t| t.name == name);
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
    if same_path_other_method && op.method == HttpMethod::Get {
        candidates.push(format!("get_{base}"));
    }
    candidates.push(base.clone());
    candidates.extend((0..shared).rev().map(|start| join(&mine[start..])));
    candidates.push(format!(
        "{}_{base}",
        op.method.as_str().to_ascii_lowercase()
    ));
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
