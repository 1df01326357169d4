//! The spec against Descope's published OpenAPI document: every auth and management operation.
//!
//! Runs when `../shared/reference/descope-openapi.yml` exists next to the workspace (the reference
//! data is not part of the repository) and skips otherwise. It fails on spec endpoints the
//! document does not know, on differences `conformance/allow.json` does not explain, and on
//! stale allow-list entries. Operations the spec does not have yet are listed; they fail the test
//! only once [`REQUIRE_FULL_AUTH_COVERAGE`] is `true`.

use std::path::Path;

use xtask::allow::AllowList;
use xtask::conform::conform;
use xtask::openapi::Api;
use xtask::openapi::Selection;

/// `true`: the spec has all 362 published operations (90 auth, 272 management), so a missing one
/// fails the test.
const REQUIRE_FULL_AUTH_COVERAGE: bool = true;

#[test]
fn spec_conforms_to_the_published_document() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root");
    let document = root.join("../shared/reference/descope-openapi.yml");
    if !document.is_file() {
        println!(
            "skipped: {} not found (the reference data is not in the repository)",
            document.display()
        );
        return;
    }
    let api = Api::load(&document).expect("the document parses");
    let spec = descope_spec::Api::load(&root.join("descope-api/spec"), "spec")
        .unwrap_or_else(|problems| panic!("the spec does not build:\n{problems}"));
    let allow =
        AllowList::load(&root.join("conformance/allow.json")).expect("the allow-list is valid");
    let report = conform(&api, &spec, &allow, &Selection::default()).expect("conform runs");
    let text = report.render();
    let missing: Vec<&str> = report
        .missing
        .iter()
        .filter(|m| m.allowed_by.is_none())
        .map(|m| m.operation.as_str())
        .collect();
    println!("{} operations not in spec/ yet:", missing.len());
    for operation in &missing {
        println!("  {operation}");
    }
    assert!(
        report.passes(REQUIRE_FULL_AUTH_COVERAGE),
        "the spec does not conform to the document:\n{text}"
    );
}
