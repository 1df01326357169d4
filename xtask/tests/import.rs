//! `import` against the fixture documents: a fresh import, a re-import after the document
//! changed (fields added, removed and retyped, a default changed, a new operation) that keeps
//! everything hand-written, and the document's defects reported rather than fatal.

mod common;

use std::path::Path;

use common::{allow, api, fixture, json, read, scratch, spec_copy, widgets_group};
use serde_json::Value;
use xtask::allow::AllowList;
use xtask::conform::conform;
use xtask::import::{ImportOptions, ImportReport, import};
use xtask::spec::SpecDir;

fn run(dir: &Path, version: &str, allow: &AllowList, file: Option<&str>) -> ImportReport {
    let mut spec = SpecDir::load(dir).expect("spec folder loads");
    let options = ImportOptions {
        selection: widgets_group(),
        file: file.map(Into::into),
        dry_run: false,
    };
    import(&api(version), &mut spec, allow, &options).expect("import succeeds")
}

/// The entry called `name` in a JSON array of named entries.
fn named<'v>(list: &'v Value, name: &str) -> &'v Value {
    list.as_array()
        .and_then(|items| items.iter().find(|i| i["name"] == name))
        .unwrap_or_else(|| panic!("no `{name}` in {list}"))
}

fn has(list: &Value, name: &str) -> bool {
    list.as_array()
        .is_some_and(|items| items.iter().any(|i| i["name"] == name))
}

/// Every `docs` value anywhere in `value`.
fn all_docs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("docs", Value::String(s)) => out.push(s.clone()),
                    _ => all_docs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| all_docs(v, out)),
        _ => {}
    }
}

#[test]
fn fresh_import_writes_every_operation_with_empty_docs() {
    let dir = scratch("fresh_import");
    let report = run(&dir, "v1", &AllowList::default(), Some("widgets.json"));
    let text = read(&dir, "widgets.json");
    insta::assert_snapshot!("fresh_import", text);

    let file = json(&dir, "widgets.json");
    let names: Vec<&str> = file["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "send_email",
            "send_sms",
            "verify",
            "status",
            "update",
            "legacy"
        ]
    );
    let mut docs = Vec::new();
    all_docs(&file, &mut docs);
    assert!(docs.len() > 20, "{docs:?}");
    assert!(
        docs.iter().all(String::is_empty),
        "no prose is imported: {docs:?}"
    );
    // The generator refuses the result until a person writes the docs.
    assert!(
        report
            .todo
            .iter()
            .any(|t| t.contains("field `loginId` has empty `docs`")),
        "{:?}",
        report.todo
    );
    // Importing again changes nothing.
    let again = run(&dir, "v1", &AllowList::default(), Some("widgets.json"));
    assert!(again.changes.is_empty(), "{:?}", again.changes);
    assert_eq!(read(&dir, "widgets.json"), text);
}

#[test]
fn the_documents_defects_are_reported_not_fatal() {
    let dir = scratch("defects");
    let report = run(&dir, "v1", &AllowList::default(), Some("widgets.json"));
    let notes = report.notes.join("\n");
    for expected in [
        "POST /v1/auth/widget/legacy: no `responses`",
        "operationId `VerifyWidget` is used by 2 operations",
        "default false of `LegacyRequest.settings` does not fit its type (object); ignored",
        "`$ref` to schema `Ghost`, which does not exist; typed `any`",
        "properties `loginHint` and `login_hint` of `LegacyRequest` differ only in case or \
         underscores; `login_hint` is left out",
    ] {
        assert!(
            notes.contains(expected),
            "missing note {expected:?} in:\n{notes}"
        );
    }
    let legacy = named(&json(&dir, "widgets.json")["endpoints"], "legacy").clone();
    let body = &legacy["body"];
    assert_eq!(named(body, "settings")["type"], "map<any>");
    assert!(named(body, "settings").get("default").is_none());
    assert_eq!(named(body, "ghost")["type"], "any");
    assert!(!has(body, "login_hint"));
    assert!(legacy.get("response").is_none());
}

#[test]
fn reimport_keeps_hand_written_work_and_follows_the_document() {
    let dir = spec_copy("reimport");
    let before_widgets = read(&dir, "widgets.json");
    let before_shared = read(&dir, "shared.json");

    // The hand-written spec matches v1 (the legacy operation is allow-listed as missing).
    let same = run(&dir, "v1", &allow(), None);
    assert!(same.changes.is_empty(), "{:?}", same.changes);
    assert_eq!(read(&dir, "widgets.json"), before_widgets);
    assert_eq!(read(&dir, "shared.json"), before_shared);

    let report = run(&dir, "v2", &allow(), None);
    insta::assert_snapshot!("reimport_changes", report.changes.join("\n"));
    let widgets = json(&dir, "widgets.json");
    let shared = json(&dir, "shared.json");
    let endpoints = &widgets["endpoints"];
    let types = &shared["types"];

    // The collapsed endpoint is still one endpoint with its placeholder.
    let send = named(endpoints, "send");
    assert_eq!(send["path"], "/v1/auth/widget/send/{channel}");
    let body = &send["body"];
    // Added field, with empty docs, right after the field before it in the document.
    let order: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["loginId", "addToLoginIDs", "locale", "options"]);
    assert_eq!(named(body, "locale")["docs"], "");
    // Changed default; rust_name and docs kept.
    let add = named(body, "addToLoginIDs");
    assert_eq!(add["default"], true);
    assert_eq!(add["rust_name"], "add_to_login_ids");
    assert_eq!(add["docs"], "Also sign in with it.");
    // Removed field.
    assert!(!has(body, "templateOptions"));
    // Hand-written required flags, secrets and docs stay.
    assert_eq!(named(body, "loginId")["required"], true);
    assert_eq!(named(body, "loginId")["docs"], "Who gets the widget.");
    let verify = named(endpoints, "verify");
    assert_eq!(named(&verify["body"], "code")["secret"], true);
    // Changed query default, auth style.
    assert_eq!(
        named(&named(endpoints, "status")["query"], "limit")["default"],
        20
    );
    assert_eq!(named(endpoints, "update")["auth"], "session");
    // Shared types keep their human names and follow their document schemas.
    let options = named(types, "WidgetOptions");
    assert_eq!(named(&options["fields"], "mfa")["docs"], "");
    assert_eq!(named(&options["fields"], "stepup")["docs"], "Step up.");
    let account = named(types, "Account");
    assert!(!has(&account["fields"], "email"));
    assert!(has(&account["fields"], "name"));
    assert_eq!(named(&account["fields"], "userId")["rust_name"], "id");
    assert_eq!(
        named(&named(types, "Entry")["fields"], "at")["type"],
        "string"
    );
    let channel = named(types, "Channel");
    assert_eq!(channel["enum"][1]["rust_name"], "Text");
    // The new operation lands in the group's file and reuses the spec's name for its reply.
    let reset = named(endpoints, "reset");
    assert_eq!(reset["path"], "/v1/auth/widget/reset");
    assert_eq!(reset["response"]["type"], "Sent");
    assert_eq!(named(&reset["body"], "loginId")["required"], true);
    assert_eq!(
        types.as_array().unwrap().len(),
        8,
        "no new shared type: {types}"
    );

    // A second import finds nothing left to do.
    let again = run(&dir, "v2", &allow(), None);
    assert!(again.changes.is_empty(), "{:?}", again.changes);
    // The result conforms, but for one thing a person must decide: the new endpoint reuses
    // `Sent`, which the collapsed `send` endpoint shares between email and phone replies, so
    // `maskedPhone` is extra for the email-only reset (allow it, or give reset its own type).
    let (model, _) = SpecDir::load(&dir).unwrap().resolve();
    let conformance = conform(&api("v2"), &model, &allow(), &widgets_group()).unwrap();
    let open: Vec<(&str, &str)> = conformance
        .differences
        .iter()
        .filter(|d| d.allowed_by.is_none())
        .map(|d| (d.operation.as_str(), d.what.as_str()))
        .collect();
    assert_eq!(
        open,
        [("POST /v1/auth/widget/reset", "response.maskedPhone: extra")],
        "{}",
        conformance.render()
    );
    assert!(conformance.missing.iter().all(|m| m.allowed_by.is_some()));
}

#[test]
fn allow_listed_differences_are_kept() {
    let dir = spec_copy("allow_listed");
    let allow = AllowList::parse(
        "allow.json",
        r#"[
          { "operation": "POST /v1/auth/widget/send/{channel}", "what": "body.templateOptions: extra",
            "reason": "Kept on purpose." },
          { "operation": "*", "what": "body.addToLoginIDs: default", "reason": "Kept on purpose." },
          { "operation": "POST /v1/auth/widget/legacy", "what": "missing", "reason": "Left out." }
        ]"#,
    )
    .unwrap();
    let report = run(&dir, "v2", &allow, None);
    let widgets = json(&dir, "widgets.json");
    let body = &named(&widgets["endpoints"], "send")["body"];
    assert!(has(body, "templateOptions"));
    assert_eq!(named(body, "addToLoginIDs")["default"], false);
    assert!(has(body, "locale"), "other changes still apply");
    assert_eq!(report.kept.len(), 3, "{:?}", report.kept);
}

#[test]
fn a_dry_run_writes_nothing() {
    let dir = spec_copy("dry_run");
    let before = read(&dir, "widgets.json");
    let mut spec = SpecDir::load(&dir).unwrap();
    let options = ImportOptions {
        selection: widgets_group(),
        file: None,
        dry_run: true,
    };
    let report = import(&api("v2"), &mut spec, &allow(), &options).unwrap();
    assert!(!report.changes.is_empty());
    assert_eq!(report.written, ["shared.json", "widgets.json"]);
    assert!(report.render().contains("would write:"));
    assert_eq!(read(&dir, "widgets.json"), before);
}

#[test]
fn new_operations_need_a_destination() {
    let dir = scratch("no_destination");
    let mut spec = SpecDir::load(&dir).unwrap();
    let options = ImportOptions {
        selection: widgets_group(),
        file: None,
        dry_run: false,
    };
    let error = import(&api("v1"), &mut spec, &AllowList::default(), &options).unwrap_err();
    assert!(error.contains("name one with --file"), "{error}");
    assert!(
        error.contains("POST /v1/auth/widget/verify (Widgets)"),
        "{error}"
    );
    assert!(
        std::fs::read_dir(&dir).unwrap().next().is_none(),
        "nothing written"
    );
    assert!(fixture("openapi-v1.yml").is_file());
}
