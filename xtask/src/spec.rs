//! The spec folder as the tools read and write it.
//!
//! This mirrors `descope_codegen::model` but is lenient: keys the tools do not know are kept
//! (in `extra`) and written back, so a spec feature newer than the tools survives an import.
//! Writing is canonical: keys in a fixed order, two-space indentation, and one line per field and
//! enum value, the layout the hand-written files use, so re-writing an unchanged file changes
//! nothing.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

/// Every spec file below a folder.
#[derive(Clone, Debug, Default)]
pub struct SpecDir {
    /// The folder.
    pub root: PathBuf,
    /// The files, sorted by path.
    pub files: Vec<SpecFile>,
}

/// One spec file.
#[derive(Clone, Debug)]
pub struct SpecFile {
    /// Path on disk.
    pub path: PathBuf,
    /// Path below the spec folder, with `/` separators (`auth/otp.json`).
    pub rel: String,
    /// The text read from disk (empty for a file the import creates).
    pub original: String,
    /// The content.
    pub content: FileContent,
}

/// The content of one spec file.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct FileContent {
    /// Editor hint (`"../schema.json"`).
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// The group this file describes.
    #[serde(default)]
    pub group: Option<Group>,
    /// Shared types.
    #[serde(default)]
    pub types: Vec<TypeDef>,
    /// Endpoints.
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
    /// Keys the tools do not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An API group.
#[derive(Clone, Debug, Deserialize)]
pub struct Group {
    /// snake_case accessor name.
    pub name: String,
    /// What the group is for.
    #[serde(default)]
    pub docs: String,
    /// Keys the tools do not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A shared type: an object with fields or a string enum.
#[derive(Clone, Debug, Deserialize)]
pub struct TypeDef {
    /// UpperCamelCase name.
    pub name: String,
    /// What the type represents.
    #[serde(default)]
    pub docs: String,
    /// Fields of an object type.
    #[serde(default)]
    pub fields: Option<Vec<Field>>,
    /// Values of an enum.
    #[serde(default, rename = "enum")]
    pub variants: Option<Vec<Variant>>,
    /// Keys the tools do not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One enum value.
#[derive(Clone, Debug, Deserialize)]
pub struct Variant {
    /// The wire value.
    pub value: String,
    /// Override of the variant name.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// What the value means.
    #[serde(default)]
    pub docs: String,
    /// Keys the tools do not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One endpoint.
#[derive(Clone, Debug, Deserialize)]
pub struct Endpoint {
    /// snake_case method name.
    pub name: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path with `{placeholder}`s.
    pub path: String,
    /// Auth style (`project`, `refresh`, ...).
    pub auth: String,
    /// A credential the caller may add per call (`refresh` for step-up sign-ins).
    #[serde(default)]
    pub optional_auth: Option<String>,
    /// What the endpoint does.
    #[serde(default)]
    pub docs: String,
    /// Path placeholders.
    #[serde(default)]
    pub path_params: Vec<Field>,
    /// Query fields.
    #[serde(default)]
    pub query: Vec<Field>,
    /// Body fields.
    #[serde(default)]
    pub body: Vec<Field>,
    /// The reply.
    #[serde(default)]
    pub response: Option<Response>,
    /// Keys the tools do not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The reply of an endpoint.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Response {
    /// A type expression (`JwtResponse`, `array<UserAuthHistory>`).
    #[serde(default, rename = "type")]
    pub ty: Option<String>,
    /// A non-JSON body (`"text"`).
    #[serde(default)]
    pub content: Option<String>,
    /// What the reply carries.
    #[serde(default)]
    pub docs: Option<String>,
    /// Fields of an inline reply.
    #[serde(default)]
    pub fields: Option<Vec<Field>>,
    /// Keys the tools do not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A field of a body, query, path, shared object or inline reply.
#[derive(Clone, Debug, Deserialize)]
pub struct Field {
    /// The wire name.
    pub name: String,
    /// Override of the Rust name.
    #[serde(default)]
    pub rust_name: Option<String>,
    /// Type expression.
    #[serde(rename = "type")]
    pub ty: String,
    /// Whether the caller must provide it (kept as written, `false` included).
    #[serde(default)]
    pub required: Option<bool>,
    /// Default value.
    #[serde(default)]
    pub default: Option<Value>,
    /// Client-side format check.
    #[serde(default)]
    pub format: Option<String>,
    /// Whether the value is a secret (kept as written).
    #[serde(default)]
    pub secret: Option<bool>,
    /// Where a path parameter's value comes from (`"project_id"`), instead of an argument.
    #[serde(default)]
    pub source: Option<String>,
    /// What the field means.
    #[serde(default)]
    pub docs: String,
    /// Keys the tools do not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Field {
    /// A new field with empty docs.
    pub fn new(name: impl Into<String>, ty: impl Into<String>) -> Field {
        Field {
            name: name.into(),
            rust_name: None,
            ty: ty.into(),
            required: None,
            default: None,
            format: None,
            secret: None,
            source: None,
            docs: String::new(),
            extra: Map::new(),
        }
    }

    /// Whether the field is marked required.
    pub fn is_required(&self) -> bool {
        self.required == Some(true)
    }
}

impl SpecDir {
    /// Reads every `*.json` below `root` except its top-level `schema.json`, as the generator
    /// does.
    pub fn load(root: &Path) -> Result<SpecDir, String> {
        if !root.is_dir() {
            return Err(format!("spec folder {} not found", root.display()));
        }
        let paths = descope_spec::spec_file_paths(root)
            .map_err(|e| format!("cannot read {}: {e}", root.display()))?;
        let mut files = Vec::new();
        for path in paths {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let content: FileContent =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            files.push(SpecFile {
                rel: rel_path(root, &path),
                path,
                original: text,
                content,
            });
        }
        Ok(SpecDir {
            root: root.to_path_buf(),
            files,
        })
    }

    /// The shared type called `name`, with the index of the file declaring it.
    pub fn type_def(&self, name: &str) -> Option<(usize, &TypeDef)> {
        self.files.iter().enumerate().find_map(|(i, f)| {
            f.content
                .types
                .iter()
                .find(|t| t.name == name)
                .map(|t| (i, t))
        })
    }

    /// The shared type called `name`, mutably.
    pub fn type_def_mut(&mut self, name: &str) -> Option<&mut TypeDef> {
        self.files
            .iter_mut()
            .flat_map(|f| f.content.types.iter_mut())
            .find(|t| t.name == name)
    }

    /// Files whose canonical text differs from what was read.
    pub fn changed_files(&self) -> Vec<&SpecFile> {
        self.files
            .iter()
            .filter(|f| f.render() != f.original)
            .collect()
    }
}

impl SpecFile {
    /// The file's canonical text.
    pub fn render(&self) -> String {
        render(&self.content)
    }
}

/// `path` relative to `root`, with `/` separators.
pub fn rel_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Renders a spec file in the canonical layout.
pub fn render(file: &FileContent) -> String {
    let mut top = Obj::default();
    if let Some(schema) = &file.schema {
        top.key("$schema", json(schema));
    }
    if let Some(group) = &file.group {
        let mut o = Obj::default();
        o.key("name", json(&group.name));
        o.key("docs", json(&group.docs));
        o.extras(&group.extra);
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
    top.extras(&file.extra);
    let mut text = top.block(0);
    text.push('\n');
    text
}

fn type_def(def: &TypeDef, depth: usize) -> String {
    let mut o = Obj::default();
    o.key("name", json(&def.name));
    o.key("docs", json(&def.docs));
    if let Some(fields) = &def.fields {
        o.key("fields", field_list(fields, depth + 1));
    }
    if let Some(variants) = &def.variants {
        let items = variants.iter().map(variant).collect();
        o.key("enum", list(items, depth + 1));
    }
    o.extras(&def.extra);
    o.block(depth)
}

fn variant(v: &Variant) -> String {
    let mut o = Obj::default();
    o.key("value", json(&v.value));
    if let Some(rust) = &v.rust_name {
        o.key("rust_name", json(rust));
    }
    o.key("docs", json(&v.docs));
    o.extras(&v.extra);
    o.inline()
}

fn endpoint(e: &Endpoint, depth: usize) -> String {
    let mut o = Obj::default();
    o.key("name", json(&e.name));
    o.key("method", json(&e.method));
    o.key("path", json(&e.path));
    o.key("auth", json(&e.auth));
    if let Some(optional) = &e.optional_auth {
        o.key("optional_auth", json(optional));
    }
    o.key("docs", json(&e.docs));
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
        if let Some(ty) = &r.ty {
            ro.key("type", json(ty));
        }
        if let Some(content) = &r.content {
            ro.key("content", json(content));
        }
        if let Some(docs) = &r.docs {
            ro.key("docs", json(docs));
        }
        ro.extras(&r.extra);
        let text = match &r.fields {
            Some(fields) => {
                ro.key("fields", field_list(fields, depth + 2));
                ro.block(depth + 1)
            }
            None => ro.inline(),
        };
        o.key("response", text);
    }
    o.extras(&e.extra);
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
    if let Some(required) = f.required {
        o.key("required", json(&required));
    }
    if let Some(default) = &f.default {
        o.key("default", compact(default));
    }
    if let Some(format) = &f.format {
        o.key("format", json(format));
    }
    if let Some(secret) = f.secret {
        o.key("secret", json(&secret));
    }
    if let Some(source) = &f.source {
        o.key("source", json(source));
    }
    o.extras(&f.extra);
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

    fn extras(&mut self, extra: &Map<String, Value>) {
        for (k, v) in extra {
            self.0.push((json(k), compact(v)));
        }
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

    /// The hand-written files are already in the canonical layout: reading and writing them
    /// changes nothing, so an import that changes nothing leaves no diff.
    #[test]
    fn spec_files_round_trip() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../descope-api/spec");
        let dir = SpecDir::load(&root).unwrap();
        assert!(dir.files.len() >= 2);
        for file in &dir.files {
            assert_eq!(file.render(), file.original, "{}", file.rel);
        }
    }

    #[test]
    fn unknown_keys_survive() {
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
      "docs": "Keys.",
      "path_params": [
        { "name": "projectId", "type": "string", "source": "project_id", "docs": "Project." }
      ],
      "response": { "content": "text", "docs": "XML." },
      "future": [1, 2]
    }
  ]
}
"#;
        let content: FileContent = serde_json::from_str(text).unwrap();
        assert_eq!(render(&content), text);
    }
}
