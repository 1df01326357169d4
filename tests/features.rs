//! descope-api's cargo features are the spec's: every area feature (and each group feature of an
//! area with `group_features`, which its area's feature turns on) is declared in
//! `descope-api/Cargo.toml`, and nothing else is, but `default` and the runtime's own optional
//! features. The macro emits `#[cfg(feature = …)]` from the spec, so a feature missing here would
//! silently compile its API out.

use std::collections::BTreeMap;
use std::path::Path;

use descope_spec::Api;

/// The runtime's own features, which the spec does not name.
const RUNTIME_FEATURES: &[&str] = &["default", "axum"];

/// `name = ["a", "b"]` entries of the `[features]` table (arrays may span lines).
fn cargo_features(manifest: &str) -> BTreeMap<String, Vec<String>> {
    let section = manifest
        .split("\n[")
        .find(|s| s.starts_with("features]"))
        .unwrap_or_default();
    let mut out = BTreeMap::new();
    let mut text = String::new();
    for line in section.lines().skip(1) {
        let line = line.split('#').next().unwrap_or_default().trim();
        text.push_str(line);
        text.push(' ');
    }
    for entry in text.split(']') {
        let Some((name, list)) = entry.split_once('=') else {
            continue;
        };
        let items = list
            .trim()
            .trim_start_matches('[')
            .split(',')
            .map(|item| item.trim().trim_matches('"').to_owned())
            .filter(|item| !item.is_empty())
            .collect();
        out.insert(name.trim().trim_start_matches(',').trim().to_owned(), items);
    }
    out
}

#[test]
fn cargo_features_are_the_specs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../descope-api");
    let api = Api::load(&root.join("spec"), "spec").unwrap_or_else(|d| panic!("{d}"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    let declared = cargo_features(&manifest);
    let spec: BTreeMap<String, Vec<String>> = api.features().into_iter().collect();
    assert!(!spec.is_empty());
    for (feature, enables) in &spec {
        let Some(listed) = declared.get(feature) else {
            panic!("feature `{feature}` of the spec is not in descope-api/Cargo.toml");
        };
        // A feature may also turn on the runtime's part of it (`auth` its session validation);
        // the spec's own part is the groups' features.
        let mut listed: Vec<String> = listed
            .iter()
            .filter(|item| !item.starts_with("descope-runtime/"))
            .cloned()
            .collect();
        let mut enables = enables.clone();
        listed.sort();
        enables.sort();
        assert_eq!(
            listed, enables,
            "feature `{feature}` must enable exactly its groups' features"
        );
    }
    for feature in declared.keys() {
        assert!(
            spec.contains_key(feature) || RUNTIME_FEATURES.contains(&feature.as_str()),
            "feature `{feature}` of Cargo.toml is not the spec's"
        );
    }
    assert!(
        declared["auth"].contains(&"descope-runtime/session".to_owned()),
        "the authentication API brings the runtime's session validation"
    );
    assert!(
        declared["default"].contains(&"auth".to_owned()),
        "the authentication API is on by default"
    );
}

#[test]
fn the_features_table_parses() {
    let parsed = cargo_features(
        "[package]\nname = \"x\"\n\n[features]\ndefault = [\"auth\"]\n# a comment\nmgmt = [\n  \"mgmt-user\", # users\n  \"mgmt-role\",\n]\nauth = []\n\n[dependencies]\nx = \"1\"\n",
    );
    assert_eq!(parsed["default"], ["auth"]);
    assert_eq!(parsed["mgmt"], ["mgmt-user", "mgmt-role"]);
    assert!(parsed["auth"].is_empty());
    assert_eq!(parsed.len(), 3);
}
