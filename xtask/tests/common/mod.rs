//! Helpers shared by the xtask tests: fixture paths and scratch copies of the fixture spec.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use xtask::allow::AllowList;
use xtask::openapi::{Api, Selection};

/// `xtask/tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The fixture OpenAPI document `openapi-<version>.yml`.
pub fn api(version: &str) -> Api {
    Api::load(&fixture(&format!("openapi-{version}.yml"))).expect("fixture document parses")
}

/// The fixture document's one group, `Widgets`.
pub fn widgets_group() -> Selection {
    Selection {
        groups: vec!["Widgets".into()],
        ..Selection::default()
    }
}

/// The fixture allow-list.
pub fn allow() -> AllowList {
    AllowList::load(&fixture("allow.json")).expect("fixture allow-list is valid")
}

/// An empty scratch folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// A scratch copy of the hand-written fixture spec folder.
pub fn spec_copy(name: &str) -> PathBuf {
    let dir = scratch(name);
    for entry in std::fs::read_dir(fixture("spec")).expect("fixture spec") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, dir.join(path.file_name().expect("file name"))).expect("copy");
    }
    dir
}

/// The text of `dir/<file>`.
pub fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).expect("file exists")
}

/// `dir/<file>` as JSON.
pub fn json(dir: &Path, file: &str) -> serde_json::Value {
    serde_json::from_str(&read(dir, file)).expect("valid JSON")
}
