//! `conform` against the fixture document: the hand-written fixture spec conforms, and each kind
//! of problem, made by changing one thing in it, is reported under its own key.

mod common;

use common::{allow, api, fixture, widgets_group};
use descope_spec::file::{Content, Endpoint, Field, Response, Source, TypeDef};
use descope_spec::{AuthStyle, HttpMethod};
use xtask::allow::AllowList;
use xtask::conform::{Report, conform};
use xtask::spec::{SpecDir, new_field};

fn spec() -> SpecDir {
    SpecDir::load(&fixture("spec")).expect("fixture spec loads")
}

/// Conform on the files as they are now (edits included), resolved.
fn check(spec: &SpecDir, allow: &AllowList) -> Report {
    let (model, _) = spec.resolve();
    conform(&api("v1"), &model, allow, &widgets_group()).expect("conform runs")
}

fn widgets(spec: &mut SpecDir) -> &mut Vec<Endpoint> {
    let file = spec.files.iter_mut().find(|f| f.rel == "widgets.json");
    &mut file.expect("widgets.json").spec.endpoints
}

fn endpoint<'s>(spec: &'s mut SpecDir, name: &str) -> &'s mut Endpoint {
    spec.files
        .iter_mut()
        .flat_map(|f| f.spec.endpoints.iter_mut())
        .find(|e| e.name == name)
        .unwrap_or_else(|| panic!("no endpoint {name}"))
}

fn type_def<'s>(spec: &'s mut SpecDir, name: &str) -> &'s mut TypeDef {
    spec.files
        .iter_mut()
        .flat_map(|f| f.spec.types.iter_mut())
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no type {name}"))
}

fn field<'f>(fields: &'f mut [Field], name: &str) -> &'f mut Field {
    fields
        .iter_mut()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}"))
}

/// The unexplained differences, as (operation, key).
fn open(report: &Report) -> Vec<(String, String)> {
    report
        .differences
        .iter()
        .filter(|d| d.allowed_by.is_none())
        .map(|d| (d.operation.clone(), d.what.clone()))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(o, w)| ((*o).to_owned(), (*w).to_owned()))
        .collect()
}

/// Applies `change` to the fixture spec and returns the unexplained differences.
fn differences_after(change: impl FnOnce(&mut SpecDir)) -> Vec<(String, String)> {
    let mut spec = spec();
    change(&mut spec);
    let report = check(&spec, &allow());
    assert_eq!(report.passes(false), open(&report).is_empty());
    open(&report)
}

#[test]
fn the_fixture_spec_conforms() {
    let report = check(&spec(), &allow());
    let text = report.render();
    assert!(report.passes(false), "{text}");
    assert!(open(&report).is_empty(), "{text}");
    assert!(report.unknown.is_empty(), "{text}");
    assert_eq!(report.coverage, [("Widgets".to_owned(), 5, 6)], "{text}");
    assert_eq!(report.allowed(), 1, "the legacy operation: {text}");
    assert!(
        report.passes(true),
        "allowed missing operations count as explained"
    );
    assert!(text.contains("  Widgets 5/6\n"), "{text}");
    assert!(
        text.contains("  total 5/6 present, 0 unexplained differences, 1 allowed\n"),
        "{text}"
    );
    // The collapsed `send` endpoint stands for both operations, with no difference although
    // its reply type carries both `maskedEmail` and `maskedPhone`.
    let send = &report
        .missing
        .iter()
        .find(|m| m.operation.contains("/send/"));
    assert!(send.is_none(), "{text}");
}

#[test]
fn a_missing_operation_is_reported() {
    let mut spec = spec();
    widgets(&mut spec).retain(|e| e.name != "verify");
    let report = check(&spec, &allow());
    let missing: Vec<&str> = report
        .missing
        .iter()
        .filter(|m| m.allowed_by.is_none())
        .map(|m| m.operation.as_str())
        .collect();
    assert_eq!(missing, ["POST /v1/auth/widget/verify"]);
    assert!(
        report.passes(false),
        "missing operations alone pass without --require"
    );
    assert!(!report.passes(true));
    assert!(report.render().contains("  Widgets 4/6\n"));
}

#[test]
fn unknown_endpoints_are_reported_after_placeholder_expansion() {
    let mut spec = spec();
    let channel = type_def(&mut spec, "Channel");
    let mut whatsapp = channel.variants.as_ref().unwrap()[0].clone();
    whatsapp.value = "whatsapp".into();
    channel.variants.as_mut().unwrap().push(whatsapp);
    let mut nope = endpoint(&mut spec, "verify").clone();
    nope.name = "nope".into();
    nope.path = "/v1/auth/widget/nope".into();
    widgets(&mut spec).push(nope);
    let report = check(&spec, &allow());
    let unknown: Vec<(&str, Option<&str>)> = report
        .unknown
        .iter()
        .map(|u| (u.operation.as_str(), u.endpoint.as_deref()))
        .collect();
    assert_eq!(
        unknown,
        [
            ("POST /v1/auth/widget/send/whatsapp", Some("widgets.send")),
            ("POST /v1/auth/widget/nope", Some("widgets.nope")),
        ]
    );
    assert!(!report.passes(false));
}

#[test]
fn method_and_auth_differences() {
    let found = differences_after(|spec| {
        endpoint(spec, "status").method = HttpMethod::Post;
        endpoint(spec, "verify").auth = AuthStyle::Refresh;
    });
    assert_eq!(
        found,
        pairs(&[
            ("POST /v1/auth/widget/verify", "auth"),
            ("GET /v1/auth/widget/status", "method"),
        ])
    );
}

#[test]
fn body_field_names_types_and_defaults() {
    let found = differences_after(|spec| {
        let verify = endpoint(spec, "verify");
        verify.body.retain(|f| f.name != "code");
        verify.body.push(new_field("loginHint", "string"));
        field(&mut verify.body, "loginId").ty = "int32".into();
        let update = endpoint(spec, "update");
        field(&mut update.body, "extra").default = Some(true.into());
    });
    assert_eq!(
        found,
        pairs(&[
            ("POST /v1/auth/widget/verify", "body.code: missing"),
            ("POST /v1/auth/widget/verify", "body.loginHint: extra"),
            ("POST /v1/auth/widget/verify", "body.loginId: type"),
            (
                "POST /v1/auth/widget/update/{widgetId}",
                "body.extra: default"
            ),
        ])
    );
}

#[test]
fn fields_of_the_types_a_body_uses() {
    let found = differences_after(|spec| {
        let options = type_def(spec, "WidgetOptions").fields.as_mut().unwrap();
        field(options, "stepup").default = None;
        options.retain(|f| f.name != "locale");
    });
    let mut expected = Vec::new();
    for op in [
        "POST /v1/auth/widget/send/email",
        "POST /v1/auth/widget/send/sms",
    ] {
        expected.push((op, "body.options.locale: missing"));
        expected.push((op, "body.options.stepup: default"));
    }
    assert_eq!(found, pairs(&expected));
}

#[test]
fn query_fields() {
    let found = differences_after(|spec| {
        let status = endpoint(spec, "status");
        // (A type its default 10 still fits: the model drops a default that does not fit.)
        field(&mut status.query, "limit").ty = "int64".into();
        field(&mut status.query, "kind").ty = "string".into();
    });
    // A string where the document lists values carries the same strings.
    assert_eq!(
        found,
        pairs(&[("GET /v1/auth/widget/status", "query.limit: type")])
    );
}

#[test]
fn reply_field_names_two_levels_deep_and_undecodable_types() {
    let found = differences_after(|spec| {
        let sent = type_def(spec, "Sent").fields.as_mut().unwrap();
        sent.retain(|f| f.name != "attempts");
        sent.push(new_field("maskedVoice", "string"));
        let account = type_def(spec, "Account").fields.as_mut().unwrap();
        field(account, "userId").name = "uid".into();
        let membership = type_def(spec, "Membership").fields.as_mut().unwrap();
        field(membership, "tenantId").name = "id".into();
        let session = type_def(spec, "Session").fields.as_mut().unwrap();
        // int64 decodes the document's int32, but a string does not.
        field(session, "expires").ty = "string".into();
    });
    let mut expected = Vec::new();
    for op in [
        "POST /v1/auth/widget/send/email",
        "POST /v1/auth/widget/send/sms",
    ] {
        expected.push((op, "response.attempts: missing"));
        expected.push((op, "response.maskedVoice: extra"));
    }
    let verify = "POST /v1/auth/widget/verify";
    expected.extend([
        (verify, "response.expires: type"),
        (verify, "response.user.tenants.id: extra"),
        (verify, "response.user.tenants.tenantId: missing"),
        (verify, "response.user.uid: extra"),
        (verify, "response.user.userId: missing"),
    ]);
    assert_eq!(found, pairs(&expected));
}

#[test]
fn the_kind_of_reply() {
    let found = differences_after(|spec| {
        endpoint(spec, "update").response = endpoint(spec, "verify").response.clone();
        endpoint(spec, "verify").response = None;
    });
    assert_eq!(
        found,
        pairs(&[
            ("POST /v1/auth/widget/verify", "response"),
            ("POST /v1/auth/widget/update/{widgetId}", "response"),
        ])
    );
}

#[test]
fn allowed_and_stale_allow_list_entries() {
    let mut spec = spec();
    endpoint(&mut spec, "verify").auth = AuthStyle::Refresh;
    let allow = AllowList::parse(
        "allow.json",
        r#"[
          { "operation": "POST /v1/auth/widget/legacy", "what": "missing", "reason": "Left out." },
          { "operation": "POST /v1/auth/widget/verify", "what": "auth", "reason": "SDKs say so." },
          { "operation": "POST /v1/auth/widget/send/{channel}", "what": "auth", "reason": "Stale." },
          { "operation": "POST /v1/auth/widget/gone", "what": "auth", "reason": "Stale too." },
          { "operation": "POST /v1/auth/widget/hidden", "what": "auth", "reason": "Unchecked." }
        ]"#,
    )
    .unwrap();
    let report = check(&spec, &allow);
    assert!(open(&report).is_empty(), "{}", report.render());
    assert_eq!(report.allowed(), 2);
    assert_eq!(report.stale, [2, 3], "{}", report.render());
    assert_eq!(report.unchecked, [4], "{}", report.render());
    assert!(!report.passes(false), "stale entries fail the run");
    let text = report.render();
    assert!(
        text.contains("stale allow-list entries (they allow nothing; remove them):\n  POST /v1/auth/widget/send/{channel}  auth\n"),
        "{text}"
    );
    assert!(
        text.contains("0 unexplained differences, 2 allowed, 2 stale allow-list entries"),
        "{text}"
    );
}

#[test]
fn unknown_groups_are_an_error() {
    let error = conform(
        &api("v1"),
        &spec().resolve().0,
        &allow(),
        &xtask::openapi::Selection {
            groups: vec!["Gadgets".into()],
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(error.contains("x-publishYaml: Gadgets"), "{error}");
}

#[test]
fn spec_features_being_added_are_understood() {
    let mut spec = spec();
    // A path parameter filled from the client still matches any placeholder of the document.
    let update = endpoint(&mut spec, "update");
    update.path_params[0].source = Some(Source::ProjectId);
    // `session_jwt` travels as a string (a credential type, so not `secret`).
    let code = field(&mut endpoint(&mut spec, "verify").body, "code");
    code.ty = "session_jwt".into();
    code.secret = false;
    assert!(spec.resolve().1.is_empty(), "{}", spec.resolve().1);
    let report = check(&spec, &allow());
    assert!(report.passes(false), "{}", report.render());

    // A reply that is any type expression, or raw text, is compared as such.
    let found = differences_after(|spec| {
        endpoint(spec, "status").response = Some(Response {
            content: Content::Json,
            type_name: Some("array<Entry>".into()),
            docs: None,
            fields: None,
            failures: Vec::new(),
        });
        endpoint(spec, "update").response = Some(Response {
            content: Content::Text,
            type_name: None,
            docs: Some("Raw.".into()),
            fields: None,
            failures: Vec::new(),
        });
    });
    assert_eq!(
        found,
        pairs(&[
            ("GET /v1/auth/widget/status", "response"),
            ("POST /v1/auth/widget/update/{widgetId}", "response"),
        ])
    );
}
