//! Every operation in spec/ (auth and management) reaches the emulator: it is either implemented or
//! answers 501, never 404. The spec is read here from descope-api/spec on disk (not from the
//! emulator's embedded copy), and each operation gets a request that passes its checks: the
//! right method and path, the credential its auth style needs, and its required body fields.

use std::path::Path;

use descope_emulator::Emulator;
use descope_spec::sample::Fill;
use descope_spec::{Api, AuthStyle, Place, Segment};
use serde_json::Value;

mod support;

use support::*;

#[tokio::test]
async fn every_spec_operation_is_implemented_or_answers_501_and_none_is_404() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../descope-api/spec");
    let api = Api::load(&dir, "spec").expect("spec resolves");

    let (emulator, client) = start().await;
    let raw = raw(&emulator);

    let management = raw.bearer(emulator.management_key());
    let created = raw
        .post(
            "/v1/mgmt/accesskey/create",
            Some(&management),
            r#"{"name":"coverage"}"#,
        )
        .await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let access_key = created.body["cleartext"]
        .as_str()
        .expect("a cleartext key")
        .to_owned();

    let mut implemented = Vec::new();
    let mut not_implemented = Vec::new();
    for (_, endpoint) in api.endpoints() {
        let id = endpoint.id.clone();
        let samples = api.sample_params(&endpoint.params, Place::Path, Fill::Required);
        let segments: Vec<String> = endpoint
            .path
            .segments
            .iter()
            .map(|segment| match segment {
                Segment::Literal(text) => text.clone(),
                Segment::Param(i) => {
                    let param = &endpoint.params[*i];
                    if param.source.is_some() {
                        emulator.project_id().to_owned()
                    } else {
                        samples[&param.wire].as_str().expect("a string").to_owned()
                    }
                }
            })
            .collect();
        let mut path = format!("/{}", segments.join("/"));
        let query: Vec<String> = api
            .sample_params(&endpoint.params, Place::Query, Fill::Required)
            .into_iter()
            .map(|(name, value)| match value {
                Value::String(text) => format!("{name}={text}"),
                other => format!("{name}={other}"),
            })
            .collect();
        if !query.is_empty() {
            path = format!("{path}?{}", query.join("&"));
        }
        // A fresh session per operation: an earlier logout must not turn this one's 501
        // into a 401.
        let session = signed_in(&emulator, &client, "ann@example.com").await;
        let auth = match endpoint.auth {
            AuthStyle::None => None,
            AuthStyle::Project => Some(raw.project_auth()),
            AuthStyle::Refresh => Some(raw.bearer(refresh_of(&session).expose_secret())),
            AuthStyle::Session => Some(raw.bearer(session_of(&session).expose_secret())),
            AuthStyle::AccessKey => Some(raw.bearer(&access_key)),
            AuthStyle::Management => Some(management.clone()),
        };
        let body = endpoint.method.has_body().then(|| {
            Value::Object(api.sample_params(&endpoint.params, Place::Body, Fill::Required))
                .to_string()
        });
        let reply = raw
            .send(
                endpoint.method.as_str(),
                &path,
                auth.as_deref(),
                body.as_deref(),
            )
            .await;
        let what = format!(
            "{id}: {} {path} -> {} {}",
            endpoint.method.as_str(),
            reply.status,
            reply.body
        );
        assert_ne!(reply.status, 404, "{what}");
        assert_ne!(reply.body["errorCode"], "E011404", "{what}");
        assert!(
            !matches!(reply.status, 401 | 400) || reply.body["errorCode"] != "E011002",
            "a request built from the spec passes the required-field check: {what}"
        );
        if reply.status == 501 {
            assert_eq!(reply.body["errorCode"], "E011501", "{what}");
            not_implemented.push(id);
        } else {
            assert!(
                !reply.body["errorCode"]
                    .as_str()
                    .is_some_and(|c| c.starts_with("E0140")),
                "a request built from the spec passes the auth check: {what}"
            );
            implemented.push(id);
        }
    }
    implemented.sort();
    let mut expected: Vec<String> = Emulator::implemented_operations()
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    expected.sort();
    assert_eq!(
        implemented, expected,
        "implemented = everything that did not answer 501"
    );
    assert_eq!(not_implemented, Emulator::unimplemented_operations());
    assert_eq!(
        implemented.len() + not_implemented.len(),
        api.endpoints().count()
    );
}
