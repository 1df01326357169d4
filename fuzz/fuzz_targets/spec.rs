//! Feeds arbitrary bytes to the generator as a spec file, next to the real shared types and on
//! its own, through load → check → generate → format. Any panic is a bug; so is generated code
//! that does not parse, or a diagnostic that names no file.
//!
//! ```text
//! cd fuzz && cargo +nightly fuzz run spec corpus/spec ../descope-api/spec/auth -- \
//!     -dict=spec.dict -max_total_time=600
//! ```
#![no_main]

use descope_codegen::{Diagnostics, Options, Spec, check, format, generate};
use libfuzzer_sys::fuzz_target;

const SHARED: &str = include_str!("../../descope-api/spec/auth/shared.json");

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    run(vec![
        ("spec/auth/fuzzed.json", text.clone()),
        ("spec/auth/shared.json", SHARED.to_owned()),
    ]);
    run(vec![("spec/auth/fuzzed.json", text)]);
});

fn run(sources: Vec<(&'static str, String)>) {
    let names: Vec<&str> = sources.iter().map(|(name, _)| *name).collect();
    let spec = match Spec::from_sources(sources.clone()) {
        Ok(spec) => spec,
        Err(diagnostics) => return located(&diagnostics, &names),
    };
    let problems = check(&spec);
    if !problems.is_empty() {
        return located(&problems, &names);
    }
    let tokens = generate(&spec, &Options::default());
    if let Err(err) = format(tokens) {
        panic!("generated code does not parse: {err}");
    }
}

fn located(diagnostics: &Diagnostics, names: &[&str]) {
    assert!(!diagnostics.is_empty());
    for diagnostic in &diagnostics.0 {
        assert!(
            names.contains(&diagnostic.file.as_str()),
            "diagnostic names no input file: {diagnostic}"
        );
        assert!(
            diagnostic.at.is_some(),
            "diagnostic without a line: {diagnostic}"
        );
        // Rendering must not panic either.
        let _ = diagnostic.to_string();
    }
}
