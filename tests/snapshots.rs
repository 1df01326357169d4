//! The formatted expansion of every spec file, under insta. A generator change shows up here as a
//! reviewable diff (`cargo insta review`, or `INSTA_UPDATE=always` then `git diff`).

use std::path::Path;

use descope_codegen::{Options, Spec, check, format, generate_file};

fn spec() -> Spec {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../descope-api/spec");
    let spec = Spec::load(&dir, "spec").unwrap_or_else(|d| panic!("{d}"));
    check(&spec)
        .into_result(())
        .unwrap_or_else(|d| panic!("{d}"));
    spec
}

#[test]
fn expansion_of_each_spec_file() {
    let spec = spec();
    assert!(!spec.files.is_empty());
    for file in &spec.files {
        let code = format(generate_file(&spec, file, &Options::default())).expect("output parses");
        let name = file
            .display
            .trim_start_matches("spec/")
            .trim_end_matches(".json")
            .replace('/', "__");
        insta::assert_snapshot!(name, code);
    }
}

#[test]
fn expansion_is_deterministic() {
    let spec = spec();
    let first = descope_codegen::generate(&spec, &Options::default()).to_string();
    let second = descope_codegen::generate(&self::spec(), &Options::default()).to_string();
    assert_eq!(first, second);
}
