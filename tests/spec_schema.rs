//! `descope-api/spec/schema.json` (the editor schema of spec files) accepts every real spec
//! file, and rejects the mistakes it is meant to catch while typing.

use std::fs;
use std::path::{Path, PathBuf};

use boon::{Compiler, SchemaIndex, Schemas};
use serde_json::{Value, json};

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../descope-api/spec")
}

fn schema_path() -> PathBuf {
    spec_dir().join("schema.json")
}

/// The compiled schema (also checked against the draft 2020-12 meta-schema).
fn compile() -> (Schemas, SchemaIndex) {
    let path = schema_path();
    let path = path
        .canonicalize()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut schemas = Schemas::new();
    let mut compiler = Compiler::new();
    let index = compiler
        .compile(path.to_str().expect("UTF-8 path"), &mut schemas)
        .unwrap_or_else(|e| panic!("schema.json does not compile: {e:#}"));
    (schemas, index)
}

/// Every `*.json` below `dir`, sorted, except the schema itself.
fn spec_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            spec_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "json")
            && !(dir == spec_dir() && path.file_name().is_some_and(|n| n == "schema.json"))
        {
            out.push(path);
        }
    }
    out.sort();
}

#[test]
fn every_spec_file_matches_the_schema() {
    let (schemas, index) = compile();
    let mut files = Vec::new();
    spec_files(&spec_dir(), &mut files);
    assert!(
        !files.is_empty(),
        "no spec files found under {}",
        spec_dir().display()
    );
    let mut failures = Vec::new();
    for file in &files {
        let shown = file.strip_prefix(spec_dir()).unwrap_or(file).display();
        let text = match fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                failures.push(format!("{shown}: {e}"));
                continue;
            }
        };
        let value: Value = match serde_json::from_str(&text) {
            Ok(value) => value,
            Err(e) => {
                failures.push(format!("{shown}: invalid JSON: {e}"));
                continue;
            }
        };
        if let Err(e) = schemas.validate(&value, index) {
            failures.push(format!("{shown}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} spec files do not match schema.json:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

/// A small valid spec file; each bad case breaks exactly one thing in it.
fn valid_spec() -> Value {
    json!({
        "$schema": "../schema.json",
        "group": { "name": "otp", "docs": "One-time codes." },
        "types": [
            {
                "name": "DeliveryMethod",
                "docs": "Channel a code is delivered through.",
                "enum": [{ "value": "email", "docs": "An email." }]
            },
            {
                "name": "CodeSent",
                "docs": "Reply to a send call.",
                "fields": [{ "name": "maskedEmail", "type": "string", "docs": "Where it went." }]
            }
        ],
        "endpoints": [
            {
                "name": "sign_in",
                "method": "POST",
                "path": "/v1/auth/otp/signin/{method}",
                "auth": "project",
                "docs": "Sends a code.",
                "path_params": [
                    { "name": "method", "type": "DeliveryMethod", "docs": "How it is sent." }
                ],
                "body": [
                    { "name": "loginId", "type": "string", "required": true, "docs": "Login ID." },
                    { "name": "tags", "type": "array<map<int64>>", "default": [], "docs": "Tags." }
                ],
                "response": { "type": "CodeSent" }
            },
            {
                "name": "status",
                "method": "GET",
                "path": "/v1/auth/otp/status",
                "auth": "project",
                "docs": "Reports on sent codes.",
                "query": [
                    { "name": "loginId", "type": "string", "docs": "Login ID." },
                    { "name": "methods", "type": "array<DeliveryMethod>", "docs": "Channels." },
                    { "name": "limit", "type": "int32", "default": 10, "docs": "At most this many." }
                ],
                "response": {
                    "docs": "What was sent.",
                    "fields": [{ "name": "count", "type": "int64", "docs": "How many." }]
                }
            }
        ]
    })
}

#[test]
fn mistakes_are_rejected() {
    let (schemas, index) = compile();
    if let Err(e) = schemas.validate(&valid_spec(), index) {
        panic!("the base document of the bad cases must be valid: {e}");
    }

    type Breaks = fn(&mut Value);
    // (case, how it breaks the valid document, text the error must contain)
    let cases: &[(&str, Breaks, &str)] = &[
        (
            "misspelled key in a field",
            |v| {
                let field = &mut v["endpoints"][0]["body"][0];
                let required = field.as_object_mut().unwrap().remove("required").unwrap();
                field["requried"] = required;
            },
            "'requried'",
        ),
        (
            "unknown auth style",
            |v| v["endpoints"][0]["auth"] = json!("bearer"),
            "'/endpoints/0/auth'",
        ),
        (
            "type def with both fields and enum",
            |v| v["types"][0]["fields"] = json!([]),
            "'/types/0'",
        ),
        (
            "field without docs",
            |v| {
                v["types"][1]["fields"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("docs");
            },
            "'docs'",
        ),
        (
            "type def with neither fields nor enum",
            |v| {
                v["types"][0].as_object_mut().unwrap().remove("enum");
            },
            "'/types/0'",
        ),
        (
            "unknown method",
            |v| v["endpoints"][0]["method"] = json!("post"),
            "'/endpoints/0/method'",
        ),
        (
            "malformed type expression",
            |v| v["endpoints"][0]["body"][1]["type"] = json!("array<strng>"),
            "'/endpoints/0/body/1/type'",
        ),
        (
            "unbalanced type expression",
            |v| v["endpoints"][0]["body"][1]["type"] = json!("array<string"),
            "'/endpoints/0/body/1/type'",
        ),
        (
            "CamelCase endpoint name",
            |v| v["endpoints"][0]["name"] = json!("SignIn"),
            "'/endpoints/0/name'",
        ),
        (
            "response with both type and fields",
            |v| v["endpoints"][0]["response"]["fields"] = json!([]),
            "'/endpoints/0/response'",
        ),
        (
            "unknown format",
            |v| v["endpoints"][0]["body"][0]["format"] = json!("url"),
            "'/endpoints/0/body/0/format'",
        ),
        (
            "body on a GET endpoint",
            |v| v["endpoints"][0]["method"] = json!("GET"),
            "'/endpoints/0/body'",
        ),
        (
            "endpoints without a group",
            |v| {
                v.as_object_mut().unwrap().remove("group");
            },
            "'group'",
        ),
        (
            "required field with a default",
            |v| v["endpoints"][0]["body"][0]["default"] = json!(""),
            "'/endpoints/0/body/0/default'",
        ),
        (
            "default that does not fit the type",
            |v| v["endpoints"][1]["query"][2]["default"] = json!("10"),
            "'/endpoints/1/query/2/default'",
        ),
        (
            "non-empty array default",
            |v| v["endpoints"][0]["body"][1]["default"] = json!([{}]),
            "'/endpoints/0/body/1/default'",
        ),
        (
            "format on a non-string field",
            |v| v["endpoints"][1]["query"][2]["format"] = json!("email"),
            "'/endpoints/1/query/2/type'",
        ),
        (
            "secret in the query string",
            |v| v["endpoints"][1]["query"][0]["secret"] = json!(true),
            "'/endpoints/1/query/0/secret'",
        ),
        (
            "map in the query string",
            |v| v["endpoints"][1]["query"][0]["type"] = json!("map<string>"),
            "'/endpoints/1/query/0/type'",
        ),
        (
            "array path parameter",
            |v| v["endpoints"][0]["path_params"][0]["type"] = json!("array<string>"),
            "'/endpoints/0/path_params/0/type'",
        ),
        (
            "path without a leading slash",
            |v| v["endpoints"][0]["path"] = json!("v1/auth/otp/signin/{method}"),
            "'/endpoints/0/path'",
        ),
        (
            "keyword as a group name",
            |v| v["group"]["name"] = json!("type"),
            "'/group/name'",
        ),
        (
            "snake_case type name",
            |v| v["types"][1]["name"] = json!("code_sent"),
            "'/types/1/name'",
        ),
        (
            "empty enum",
            |v| v["types"][0]["enum"] = json!([]),
            "'/types/0/enum'",
        ),
        (
            "management mixed with other auth in one group",
            |v| v["endpoints"][1]["auth"] = json!("management"),
            "'/endpoints/0/auth'",
        ),
        (
            "unknown top-level key",
            |v| v["endpoint"] = json!([]),
            "'endpoint'",
        ),
    ];

    let mut failures = Vec::new();
    for &(case, breaks, needle) in cases {
        let mut doc = valid_spec();
        breaks(&mut doc);
        match schemas.validate(&doc, index) {
            Ok(()) => failures.push(format!("{case}: accepted")),
            Err(e) => {
                let shown = e.to_string();
                if !shown.contains(needle) {
                    failures.push(format!("{case}: error does not mention {needle}:\n{shown}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "schema.json misses mistakes:\n\n{}",
        failures.join("\n\n")
    );
}
