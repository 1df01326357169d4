//! The spec folder as the tools read and edit it.
//!
//! The file format is descope-spec's: its strict file model ([`descope_spec::file`]), parser
//! ([`SpecFile::parse`]) and canonical writer ([`descope_spec::write`]). This adds what the tools
//! need around it: the folder on disk, the files an edit changed, the resolved model of the files
//! as they are now ([`SpecDir::resolve`]), and the way back from an endpoint or type of that
//! model to the file values an import edits.

use std::path::{Path, PathBuf};

use descope_spec::file::{Field, FileSpec, TypeDef, Variant};
use descope_spec::{Api as Model, Diagnostics, FileId, SpecFile, TypeId, write};
use serde::de::DeserializeOwned;

use crate::matching::EpRef;

/// Every spec file below a folder.
#[derive(Clone, Debug, Default)]
pub struct SpecDir {
    /// The folder.
    pub root: PathBuf,
    /// The files in path order (those the import creates last), as read (`text`: empty for a
    /// file the import creates) and as edited (`spec`).
    pub files: Vec<SpecFile>,
}

impl SpecDir {
    /// Reads and parses every spec file below `root`, as the generator does; every file that
    /// does not parse is an error.
    pub fn load(root: &Path) -> Result<SpecDir, String> {
        if !root.is_dir() {
            return Err(format!("spec folder {} not found", root.display()));
        }
        let mut dir = SpecDir {
            root: root.to_path_buf(),
            files: Vec::new(),
        };
        let paths = descope_spec::spec_file_paths(root)
            .map_err(|e| format!("cannot read {}: {e}", root.display()))?;
        let mut problems = Diagnostics::default();
        for path in paths {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let rel = rel_path(root, &path);
            match SpecFile::parse(dir.shown(&rel), rel, text) {
                Ok(mut file) => {
                    file.path = Some(path);
                    dir.files.push(file);
                }
                Err(problem) => problems.push(problem),
            }
        }
        if problems.is_empty() {
            Ok(dir)
        } else {
            Err(problems.to_string())
        }
    }

    /// How messages name the folder.
    pub fn display(&self) -> String {
        self.root.to_string_lossy().trim_end_matches('/').to_owned()
    }

    fn shown(&self, rel: &str) -> String {
        format!("{}/{rel}", self.display())
    }

    /// The files as they are now (edits included), resolved into the model and completed around
    /// any problems; the problems (none when the spec builds).
    pub fn resolve(&self) -> (Model, Diagnostics) {
        let sources = self.files.iter().map(|f| (f.rel.clone(), write(&f.spec)));
        descope_spec::from_sources_recovering(&self.display(), sources)
    }

    /// Files whose canonical text differs from what was read.
    pub fn changed_files(&self) -> Vec<&SpecFile> {
        self.files
            .iter()
            .filter(|f| write(&f.spec) != f.text)
            .collect()
    }

    /// Writes every changed file to disk; afterwards nothing is changed.
    pub fn save(&mut self) -> Result<(), String> {
        for file in &mut self.files {
            let text = write(&file.spec);
            if text == file.text {
                continue;
            }
            let path = self.root.join(&file.rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            }
            std::fs::write(&path, &text)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            file.text = text;
        }
        Ok(())
    }

    /// Adds a file that is not on disk yet, at `rel` below the folder; its index.
    pub fn add_file(&mut self, rel: String, spec: FileSpec) -> Result<usize, String> {
        let mut file = SpecFile::parse(self.shown(&rel), rel, "{}").map_err(|d| d.to_string())?;
        file.text = String::new();
        file.path = Some(self.root.join(&file.rel));
        file.spec = spec;
        self.files.push(file);
        Ok(self.files.len() - 1)
    }

    /// The index of the file the model read as `file`.
    pub fn file_of(&self, model: &Model, file: FileId) -> Option<usize> {
        let rel = &model.files.get(file.0)?.rel;
        self.files.iter().position(|f| &f.rel == rel)
    }

    /// Where the model's endpoint `ep` is written: the file, and the endpoint's index in it.
    pub fn locate_endpoint(&self, model: &Model, ep: EpRef) -> Option<(usize, usize)> {
        let file = self.file_of(model, model.group(ep.group).file)?;
        let name = &ep.get(model).name;
        let index = self.files[file]
            .spec
            .endpoints
            .iter()
            .position(|e| &e.name == name)?;
        Some((file, index))
    }

    /// Where the model's shared type `id` is written: the file, and the type's index in it.
    pub fn locate_type(&self, model: &Model, id: TypeId) -> Option<(usize, usize)> {
        let def = model.ty(id);
        let file = self.file_of(model, def.file)?;
        let index = self.files[file]
            .spec
            .types
            .iter()
            .position(|t| t.name == def.name)?;
        Some((file, index))
    }

    /// The model's endpoint `ep` as written, to edit.
    pub fn endpoint_mut(
        &mut self,
        model: &Model,
        ep: EpRef,
    ) -> Option<&mut descope_spec::file::Endpoint> {
        let (file, index) = self.locate_endpoint(model, ep)?;
        Some(&mut self.files[file].spec.endpoints[index])
    }

    /// The model's shared type `id` as written, to edit.
    pub fn type_mut(&mut self, model: &Model, id: TypeId) -> Option<&mut TypeDef> {
        let (file, index) = self.locate_type(model, id)?;
        Some(&mut self.files[file].spec.types[index])
    }

    /// The shared types written in the files of area `area` (`""`: the top of the folder).
    pub fn area_types<'s>(&'s self, area: &'s str) -> impl Iterator<Item = &'s TypeDef> {
        self.files
            .iter()
            .filter(move |f| f.area_name() == area)
            .flat_map(|f| &f.spec.types)
    }
}

/// A new field with empty docs: a person describes it before the spec builds.
pub fn new_field(name: impl Into<String>, ty: impl Into<String>) -> Field {
    Field {
        name: name.into(),
        ty: ty.into(),
        ..Field::default()
    }
}

/// A new enum value with empty docs.
pub fn new_variant(value: impl Into<String>) -> Variant {
    Variant {
        value: value.into(),
        rust_name: None,
        docs: String::new(),
    }
}

/// A keyword of the file model (`POST`, `refresh`) from the text spec files write it as.
pub fn keyword<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::from(text)).ok()
}

/// The endpoint id the model gives endpoint `name` of `file`'s group (`auth.otp.update_email`).
pub fn endpoint_id(file: &SpecFile, name: &str) -> String {
    let group = file.group_name().unwrap_or("(no group)");
    descope_spec::endpoint_id(file.area_name(), group, name)
}

/// Problems of the spec, one line each: `file:line:column: message [entry]`.
pub fn problem_lines(problems: &Diagnostics) -> Vec<String> {
    problems
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

/// `path` relative to `root`, with `/` separators.
pub fn rel_path(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
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
        assert!(dir.files.iter().any(|f| f.is_area_file()));
        for file in &dir.files {
            assert_eq!(write(&file.spec), file.text, "{}", file.rel);
        }
        assert!(dir.changed_files().is_empty());
        let (model, problems) = dir.resolve();
        assert!(problems.is_empty(), "{problems}");
        assert!(model.endpoint("auth.otp.update_email").is_some());
    }

    #[test]
    fn unknown_keys_are_errors() {
        let dir = std::env::temp_dir().join(format!("xtask-unknown-keys-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("a.json"),
            r#"{ "group": { "name": "a", "docs": "A." }, "future": 1 }"#,
        )
        .unwrap();
        let error = SpecDir::load(&dir).unwrap_err();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(error.contains("unknown field `future`"), "{error}");
    }

    #[test]
    fn keywords_read_as_spec_files_write_them() {
        use descope_spec::{AuthStyle, HttpMethod};
        assert_eq!(keyword("POST"), Some(HttpMethod::Post));
        assert_eq!(keyword("access_key"), Some(AuthStyle::AccessKey));
        assert_eq!(keyword::<HttpMethod>("HEAD"), None);
    }
}
