//! Every bad-spec fixture under `tests/ui/specs/` fails with a located message naming the file
//! and the entry, straight from the generator library (the trybuild cases check the same
//! fixtures through rustc). Also: several problems in one file are all reported, and each bad
//! fixture still expands, next to its errors, into an API that parses (the macro's stub).

use std::path::Path;

use descope_codegen::{Options, expand_dir, format};
use descope_spec::{Api, Diagnostics};

fn diagnostics(name: &str, display: &str) -> Diagnostics {
    Api::load(&fixture(name), display).expect_err("the fixture is invalid")
}

/// (fixture, text the message must contain, entry, line)
const CASES: &[(&str, &str, Option<&str>, Option<usize>)] = &[
    (
        "syntax_error",
        "invalid JSON: expected `,` or `}`",
        None,
        Some(13),
    ),
    (
        "misspelled_key",
        "unknown field `requried`",
        Some("otp.update_email.body.loginId.requried"),
        Some(18),
    ),
    (
        "unknown_type",
        "unknown type `Strng`",
        Some("otp.update_email.body.loginId.type"),
        Some(17),
    ),
    (
        "wrong_default",
        "default \"no\" of field `addToLoginIDs` does not fit type `bool`",
        Some("otp.update_email.body.addToLoginIDs.default"),
        Some(18),
    ),
    (
        "required_with_default",
        "is required and has a default",
        Some("otp.update_email.body.loginId.default"),
        Some(19),
    ),
    (
        "duplicate_endpoint",
        "duplicate endpoint `update_email`",
        Some("otp.update_email.name"),
        Some(24),
    ),
    (
        "duplicate_field",
        "duplicate field `loginId`",
        Some("otp.update_email.body.loginId.name"),
        Some(22),
    ),
    (
        "undeclared_placeholder",
        "path placeholder `{method}` is not declared",
        Some("otp.update_email.path"),
        Some(11),
    ),
    (
        "unknown_auth",
        "unknown variant `bearer`",
        Some("otp.update_email.auth"),
        Some(12),
    ),
    (
        "body_on_get",
        "a GET endpoint has no body",
        Some("otp.update_email.body"),
        Some(14),
    ),
    (
        "name_collision",
        "fields `loginHint` and `login_hint` both become the Rust name `login_hint`",
        Some("otp.update_email.body.login_hint"),
        Some(20),
    ),
    (
        "misplaced_source",
        "`source` applies to `string` path parameters only",
        Some("otp.update_email.body.projectId.source"),
        Some(18),
    ),
    (
        "text_reply_with_type",
        "a text response is handed over as a string",
        Some("otp.update_email.response"),
        Some(17),
    ),
    (
        "optional_auth_on_refresh",
        "`optional_auth` adds a per-call credential",
        Some("otp.update_email.optional_auth"),
        Some(13),
    ),
    (
        "unmarked_secret",
        "field `trustedDeviceJwt` looks like a credential (`jwt`): mark it `secret: true`",
        Some("otp.update_email.response.fields.trustedDeviceJwt"),
        Some(20),
    ),
    (
        "bad_paging",
        "paging limit `text` must be an integer",
        Some("otp.update_email.paging.limit"),
        Some(14),
    ),
    (
        "bad_failures",
        "failure field `failedCount` must be an array or a map",
        Some("otp.update_email.response.failures.failedCount"),
        Some(19),
    ),
    (
        "reserved_type_name",
        "type name `Json` is reserved",
        Some("otp.types.Json.name"),
        Some(9),
    ),
    (
        "empty_docs",
        "field `loginId` has empty `docs`; describe it in your own words",
        Some("otp.update_email.body.loginId.docs"),
        Some(19),
    ),
];

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("ui/specs")
        .join(name)
}

#[test]
fn each_bad_spec_is_reported_with_file_entry_and_position() {
    let mut failures = Vec::new();
    for &(name, message, entry, line) in CASES {
        let display = format!("specs/{name}");
        let expansion = expand_dir(&fixture(name), &display, &Options::default());
        let diagnostics = expansion.diagnostics;
        if diagnostics.is_empty() {
            failures.push(format!("{name}: expanded without error"));
            continue;
        }
        if let Err(e) = format(expansion.tokens) {
            failures.push(format!("{name}: the stub expansion does not parse: {e}"));
        }
        let found = diagnostics.0.iter().find(|d| d.message.contains(message));
        match found {
            None => failures.push(format!(
                "{name}: no message containing {message:?} in:\n{diagnostics}"
            )),
            Some(d) => {
                if d.file != format!("{display}/otp.json") {
                    failures.push(format!("{name}: file {:?}", d.file));
                }
                if d.entry.as_deref() != entry {
                    failures.push(format!("{name}: entry {:?}, expected {entry:?}", d.entry));
                }
                if d.at.map(|at| at.line) != line {
                    failures.push(format!("{name}: at {:?}, expected line {line:?}", d.at));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn several_problems_are_reported_in_one_run() {
    let diagnostics = diagnostics("several_errors", "specs/several_errors");
    let messages: Vec<&str> = diagnostics.0.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages.len(), 3, "{diagnostics}");
    assert!(
        messages[0].starts_with("unknown type `strng`"),
        "{diagnostics}"
    );
    assert!(
        messages[1].contains("does not fit type `int32`"),
        "{diagnostics}"
    );
    assert!(
        messages[2].starts_with("duplicate endpoint `update_email`"),
        "{diagnostics}"
    );
}

#[test]
fn a_missing_folder_is_one_clear_error() {
    let diagnostics = diagnostics("no_such_folder", "specs/no_such_folder");
    assert_eq!(diagnostics.0.len(), 1);
    assert!(
        diagnostics.0[0]
            .message
            .starts_with("spec folder `specs/no_such_folder` not found")
    );
}

#[test]
fn rendering_points_at_the_line() {
    let diagnostics = diagnostics("unknown_type", "specs/unknown_type");
    let text = diagnostics.to_string();
    assert!(
        text.contains("  --> specs/unknown_type/otp.json:17:19"),
        "{text}"
    );
    assert!(
        text.contains("17 |           \"type\": \"Strng\","),
        "{text}"
    );
    assert!(
        text.contains("= in entry `otp.update_email.body.loginId.type`"),
        "{text}"
    );
}
