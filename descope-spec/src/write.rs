//! Writing spec files back: the canonical layout of [`FileSpec`].
//!
//! Keys in a fixed order, two-space indentation, one line per field and enum value: the layout
//! the hand-written files use. Writing is a fixpoint: `write(parse(text)) == text` for every
//! file in that layout, so a tool that rewrites an unchanged file changes nothing (a test checks
//! this for every file of `spec/`). Keys that are absent or at their default (`required: false`,
//! `content: "json"`) are not written.

use serde_json::Value;

use crate::file::{Content, Endpoint, Field, FileSpec, TypeDef, Variant};

/// Renders a spec file in the canonical layout, with a final newline.
pub fn write(file: &FileSpec) -> String {
    let mut top = Obj::default();
    if let Some(schema) = &file.schema {
        top.key("$schema", json(schema));
    }
    if let Some(area) = &file.area {
        let mut o = Obj::default();
        o.key("docs", json(&area.docs));
        if let Some(feature) = &area.feature {
            o.key("feature", json(feature));
        }
        if let Some(prefix) = &area.group_features {
            o.key("group_features", json(prefix));
        }
        top.key("area", o.block(1));
    }
    if let Some(group) = &file.group {
        let mut o = Obj::default();
        o.key("name", json(&group.name));
        o.key("docs", json(&group.docs));
        top.key("group", o.block(1));
    }
    if !file.types.is_empty() {
        let items = file.types.iter().map(|t| type_def(t, 2)).collect();
        top.key("types", list(items, 1));
    }
    if !file.endpoints.is_empty() {
        let items = file.endpoints.iter().map(|e| endpoint(e, 2)).collect();
        top.key("endpoints", list(items, 1));
    }
    let mut text = top.block(0);
    text.push('\n');
    text
}

fn type_def(def: &TypeDef, depth: usize) -> String {
    let mut o = Obj::default();
    o.key("name", json(&def.name));
    o.key("docs", json(&def.docs));
    if !def.failures.is_empty() {
        o.key("failures", compact(&Value::from(def.failures.clone())));
    }
    if let Some(fields) = &def.fields {
        o.key("fields", field_list(fields, depth + 1));
    }
    if let Some(variants) = &def.variants {
        let items = variants.iter().map(variant).collect();
        o.key("enum", list(items, depth + 1));
    }
    o.block(depth)
}

fn variant(v: &Variant) -> String {
    let mut o = Obj::default();
    o.key("value", json(&v.value));
    if let Some(rust) = &v.rust_name {
        o.key("rust_name", json(rust));
    }
    o.key("docs", json(&v.docs));
    o.inline()
}

fn endpoint(e: &Endpoint, depth: usize) -> String {
    let mut o = Obj::default();
    o.key("name", json(&e.name));
    o.key("method", json(e.method.as_str()));
    o.key("path", json(&e.path));
    o.key("auth", json(e.auth.as_str()));
    if let Some(optional) = e.optional_auth {
        o.key("optional_auth", json(optional.as_str()));
    }
    o.key("docs", json(&e.docs));
    if let Some(paging) = &e.paging {
        let mut po = Obj::default();
        po.key("page", json(&paging.page));
        po.key("limit", json(&paging.limit));
        po.key("items", json(&paging.items));
        if let Some(total) = &paging.total {
            po.key("total", json(total));
        }
        o.key("paging", po.inline());
    }
    for (key, fields) in [
        ("path_params", &e.path_params),
        ("query", &e.query),
        ("body", &e.body),
    ] {
        if !fields.is_empty() {
            o.key(key, field_list(fields, depth + 1));
        }
    }
    if let Some(r) = &e.response {
        let mut ro = Obj::default();
        if let Some(ty) = &r.type_name {
            ro.key("type", json(ty));
        }
        if r.content != Content::Json {
            ro.key("content", json(r.content.as_str()));
        }
        if let Some(docs) = &r.docs {
            ro.key("docs", json(docs));
        }
        if !r.failures.is_empty() {
            ro.key("failures", compact(&Value::from(r.failures.clone())));
        }
        let text = match &r.fields {
            Some(fields) => {
                ro.key("fields", field_list(fields, depth + 2));
                ro.block(depth + 1)
            }
            None => ro.inline(),
        };
        o.key("response", text);
    }
    o.block(depth)
}

fn field_list(fields: &[Field], depth: usize) -> String {
    list(fields.iter().map(field).collect(), depth)
}

fn field(f: &Field) -> String {
    let mut o = Obj::default();
    o.key("name", json(&f.name));
    if let Some(rust) = &f.rust_name {
        o.key("rust_name", json(rust));
    }
    o.key("type", json(&f.ty));
    if f.required {
        o.key("required", json(&true));
    }
    if let Some(default) = &f.default {
        o.key("default", compact(default));
    }
    if let Some(format) = f.format {
        o.key("format", json(format.as_str()));
    }
    if f.secret {
        o.key("secret", json(&true));
    }
    if let Some(reason) = &f.not_secret {
        o.key("not_secret", json(reason));
    }
    if let Some(source) = f.source {
        o.key("source", json(source.as_str()));
    }
    if !f.aliases.is_empty() {
        o.key("aliases", compact(&Value::from(f.aliases.clone())));
    }
    o.key("docs", json(&f.docs));
    o.inline()
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

/// A JSON value on one line, spaced like the rest of the file: `[1, 2]`, `{ "a": true }`.
fn compact(value: &Value) -> String {
    match value {
        Value::Array(items) if !items.is_empty() => {
            let items: Vec<String> = items.iter().map(compact).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) if !map.is_empty() => {
            let entries: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", json(k), compact(v)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
        other => json(other),
    }
}

/// `[` + one item per line + `]`; items already rendered at `depth + 1`.
fn list(items: Vec<String>, depth: usize) -> String {
    if items.is_empty() {
        return "[]".into();
    }
    let pad = "  ".repeat(depth + 1);
    let body: Vec<String> = items.iter().map(|i| format!("{pad}{i}")).collect();
    format!("[\n{}\n{}]", body.join(",\n"), "  ".repeat(depth))
}

/// An object being rendered: its keys with already-rendered values.
#[derive(Default)]
struct Obj(Vec<(String, String)>);

impl Obj {
    fn key(&mut self, key: &str, value: String) {
        self.0.push((json(key), value));
    }

    /// `{ "a": 1, "b": 2 }` on one line.
    fn inline(self) -> String {
        let parts: Vec<String> = self
            .0
            .into_iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        format!("{{ {} }}", parts.join(", "))
    }

    /// One key per line, the object itself at `depth`.
    fn block(self, depth: usize) -> String {
        let pad = "  ".repeat(depth + 1);
        let parts: Vec<String> = self
            .0
            .into_iter()
            .map(|(k, v)| format!("{pad}{k}: {v}"))
            .collect();
        format!("{{\n{}\n{}}}", parts.join(",\n"), "  ".repeat(depth))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shipped files are in the canonical layout: writing what was read changes nothing.
    #[test]
    fn shipped_spec_files_are_a_fixpoint() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../descope-api/spec");
        let cx = crate::Ctxt::new();
        let spec = crate::Spec::read(&root, "spec", &cx);
        cx.check().expect("the shipped spec reads");
        assert!(spec.files.len() >= 2);
        for file in &spec.files {
            assert_eq!(write(&file.spec), file.text, "{}", file.rel);
        }
    }

    #[test]
    fn every_key_round_trips() {
        let text = r#"{
  "group": {
    "name": "keys",
    "docs": "Keys."
  },
  "endpoints": [
    {
      "name": "get",
      "method": "GET",
      "path": "/v2/keys/{projectId}",
      "auth": "none",
      "optional_auth": "refresh",
      "docs": "Keys.",
      "path_params": [
        { "name": "projectId", "type": "string", "source": "project_id", "docs": "Project." }
      ],
      "query": [
        { "name": "q", "rust_name": "query", "type": "array<int32>", "default": [], "docs": "Q." },
        { "name": "URI", "type": "string", "required": true, "format": "email", "secret": true, "aliases": ["uri"], "docs": "U." },
        { "name": "keyId", "type": "string", "not_secret": "An ID.", "docs": "K." }
      ],
      "response": { "content": "text", "docs": "XML." }
    }
  ]
}
"#;
        let file: FileSpec = serde_json::from_str(text).unwrap();
        assert_eq!(write(&file), text);
    }
}
