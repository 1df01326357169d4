//! Reading spec files: every `*.json` below a folder, in sorted path order.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::ctxt::Ctxt;
use crate::diag::{Diagnostic, LineCol};
use crate::file::FileSpec;
use crate::locate::Locator;

/// The spec as read: every file that parsed, in sorted path order.
#[derive(Clone, Debug, Default)]
pub struct Spec {
    /// The files.
    pub files: Vec<SpecFile>,
}

/// One parsed spec file.
#[derive(Clone, Debug)]
pub struct SpecFile {
    /// The file as the user names it (`spec/auth/otp.json`): the folder as written, then the
    /// path below it.
    pub display: String,
    /// The path below the spec folder, with `/` separators (`auth/otp.json`).
    pub rel: String,
    /// Absolute path on disk, when read from disk (for rebuild tracking).
    pub path: Option<PathBuf>,
    /// The raw text.
    pub text: String,
    /// The parsed content.
    pub spec: FileSpec,
    /// The raw JSON, for naming entries in messages.
    pub json: Value,
    locator: Locator,
}

impl SpecFile {
    /// Parses one file's text; `rel` is its path below the spec folder, `display` how messages
    /// name it.
    pub fn parse(
        display: impl Into<String>,
        rel: impl Into<String>,
        text: impl Into<String>,
    ) -> Result<Self, Diagnostic> {
        let display = display.into();
        let text = text.into();
        let json: Value = serde_json::from_str(&text).map_err(|e| {
            Diagnostic::file(&display, format!("invalid JSON: {}", strip_position(&e)))
                .at(&text, line_col(&e))
        })?;
        let mut de = serde_json::Deserializer::from_str(&text);
        let spec: FileSpec = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let pointer = pointer_of(e.path());
            let inner = e.into_inner();
            Diagnostic::file(&display, strip_position(&inner))
                .at(&text, line_col(&inner))
                .entry(entry_name(&json, &pointer))
        })?;
        let locator = Locator::new(&text);
        Ok(SpecFile {
            display,
            rel: rel.into(),
            path: None,
            text,
            spec,
            json,
            locator,
        })
    }

    /// A diagnostic at the value `pointer` points to, naming its entry.
    pub fn error(&self, pointer: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::file(&self.display, message)
            .at(&self.text, self.locator.find(pointer))
            .entry(entry_name(&self.json, pointer))
    }

    /// The group name this file declares, if any.
    pub fn group_name(&self) -> Option<&str> {
        self.spec.group.as_ref().map(|g| g.name.as_str())
    }

    /// The area folder holding the file (`auth` for `auth/otp.json`; `""` at the top).
    pub fn area_name(&self) -> &str {
        self.rel.split_once('/').map_or("", |(area, _)| area)
    }

    /// Whether this is an area's description (`<area>/area.json`).
    pub fn is_area_file(&self) -> bool {
        let area = self.area_name();
        !area.is_empty() && self.rel == format!("{area}/area.json")
    }
}

impl Spec {
    /// Reads every `*.json` file below `dir` (except `schema.json` at its top), sorted by path,
    /// reporting files that cannot be read or parsed to `cx` and leaving them out. `display` is
    /// how messages name `dir` (what the user wrote, e.g. `spec`).
    pub fn read(dir: &Path, display: &str, cx: &Ctxt) -> Spec {
        if !dir.is_dir() {
            cx.push(Diagnostic::file(
                display,
                format!(
                    "spec folder `{display}` not found (resolved to `{}`)",
                    dir.display()
                ),
            ));
            return Spec::default();
        }
        let paths = match spec_file_paths(dir) {
            Ok(paths) => paths,
            Err(e) => {
                cx.push(Diagnostic::file(
                    display,
                    format!("cannot read folder: {e}"),
                ));
                Vec::new()
            }
        };
        let mut sources = Vec::new();
        for path in paths {
            let rel = path
                .strip_prefix(dir)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            match std::fs::read_to_string(&path) {
                Err(e) => cx.push(Diagnostic::file(
                    shown(display, &rel),
                    format!("cannot read: {e}"),
                )),
                Ok(text) => sources.push((rel, text, Some(path))),
            }
        }
        if sources.is_empty() && !cx.has_errors() {
            cx.push(Diagnostic::file(
                display,
                format!("spec folder `{display}` has no `.json` files"),
            ));
        }
        Spec::parse_all(display, sources, cx)
    }

    /// Builds a spec from in-memory files `(path below the folder, text)`, e.g. for tests and
    /// tools; `display` names the folder in messages.
    pub fn from_sources<I, N, T>(display: &str, sources: I, cx: &Ctxt) -> Spec
    where
        I: IntoIterator<Item = (N, T)>,
        N: Into<String>,
        T: Into<String>,
    {
        let sources = sources
            .into_iter()
            .map(|(rel, text)| (rel.into(), text.into(), None));
        Spec::parse_all(display, sources, cx)
    }

    fn parse_all(
        display: &str,
        sources: impl IntoIterator<Item = (String, String, Option<PathBuf>)>,
        cx: &Ctxt,
    ) -> Spec {
        let mut files = Vec::new();
        for (rel, text, path) in sources {
            match SpecFile::parse(shown(display, &rel), rel, text) {
                Ok(mut file) => {
                    file.path = path;
                    files.push(file);
                }
                Err(d) => cx.push(d),
            }
        }
        files.sort_by(|a, b| a.rel.cmp(&b.rel));
        Spec { files }
    }
}

fn shown(display: &str, rel: &str) -> String {
    if display.is_empty() {
        rel.to_owned()
    } else {
        format!("{}/{rel}", display.trim_end_matches('/'))
    }
}

/// The spec files of folder `dir`: every `*.json` below it except the top-level `schema.json`, in
/// sorted path order (the order the generator reads them in).
pub fn spec_file_paths(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    collect_json(dir, &mut paths)?;
    paths.retain(|p| p != &dir.join("schema.json"));
    paths.sort();
    Ok(paths)
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_json(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

fn line_col(e: &serde_json::Error) -> Option<LineCol> {
    (e.line() > 0).then(|| LineCol {
        line: e.line(),
        column: e.column().max(1),
    })
}

/// serde_json appends " at line L column C"; the diagnostic shows the position itself.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => pointer.push_str(&format!("/{key}")),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}

/// Names the entry a JSON pointer leads to, by the names the spec gives its items:
/// `/endpoints/0/body/2/default` → `otp.update_email.body.addToLoginIDs.default`.
pub fn entry_name(json: &Value, pointer: &str) -> String {
    let group = json
        .pointer("/group/name")
        .and_then(Value::as_str)
        .unwrap_or("(no group)");
    let mut parts = vec![group.to_owned()];
    let mut node = Some(json);
    for raw in pointer.split('/').skip(1) {
        let key = raw.replace("~1", "/").replace("~0", "~");
        let next = match node {
            Some(Value::Array(items)) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            Some(Value::Object(map)) => map.get(&key),
            _ => None,
        };
        match (node, next) {
            (Some(Value::Array(_)), Some(item)) => {
                match item
                    .get("name")
                    .or_else(|| item.get("value"))
                    .unwrap_or(item)
                {
                    // A named item (a field, a variant) or a string (a field named in a list).
                    Value::String(name) => parts.push(name.clone()),
                    _ => {
                        if let Some(last) = parts.last_mut() {
                            last.push_str(&format!("[{key}]"));
                        }
                    }
                }
            }
            (Some(Value::Object(_)), _) if key == "endpoints" => {}
            _ => parts.push(key),
        }
        node = next;
    }
    parts.join(".")
}
