//! The formatted expansion of every spec file, under insta. A generator change shows up here as a
//! reviewable diff (`cargo insta review`, or `INSTA_UPDATE=always` then `git diff`).

use std::path::Path;

use descope_codegen::{Options, format, generate, generate_file};
use descope_spec::{Api, FileId};

fn api() -> Api {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../descope-api/spec");
    Api::load(&dir, "spec").unwrap_or_else(|d| panic!("{d}"))
}

#[test]
fn expansion_of_each_spec_file() {
    let api = api();
    assert!(!api.files.is_empty());
    for (i, file) in api.files.iter().enumerate() {
        let tokens = generate_file(&api, FileId(i), &Options::default());
        if tokens.is_empty() {
            continue; // an area description
        }
        let code = format(tokens).expect("output parses");
        let name = file.rel.trim_end_matches(".json").replace('/', "__");
        insta::assert_snapshot!(name, code);
    }
}

#[test]
fn expansion_is_deterministic() {
    let first = generate(&api(), &Options::default()).to_string();
    let second = generate(&api(), &Options::default()).to_string();
    assert_eq!(first, second);
}
