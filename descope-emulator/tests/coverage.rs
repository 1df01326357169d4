//! Every authentication operation in spec/ reaches the emulator: it is either implemented or
//! answers 501, never 404. The spec is read here from descope-api/spec on disk (not from the
//! emulator's embedded copy), and each operation gets a request that passes its checks: the
//! right method and path, the credential its auth style needs, and its required body fields.

use std::collections::HashMap;
use std::path::Path;

use descope_codegen::model::{AuthStyle, Field, Format, TypeDef};
use descope_codegen::{Spec, Ty};
use descope_emulator::Emulator;
use serde_json::{Map, Value, json};

mod support;

use support::*;

struct Types(HashMap<String, TypeDef>);

impl Types {
    /// A value of the field's type that passes the spec checks.
    fn sample(&self, field: &Field) -> Value {
        match field.format {
            Some(Format::Email) => return json!("ann@example.com"),
            Some(Format::Phone) => return json!("+15555550100"),
            None => {}
        }
        self.value(&Ty::parse(&field.ty).expect("valid type"))
    }

    fn value(&self, ty: &Ty) -> Value {
        match ty {
            Ty::String | Ty::Url | Ty::RefreshJwt | Ty::SessionJwt => json!("ann@example.com"),
            Ty::Bool => json!(false),
            Ty::Int32 | Ty::Int64 | Ty::Number => json!(1),
            Ty::Any => json!({}),
            Ty::Array(item) => json!([self.value(item)]),
            Ty::Map(item) => json!({ "key": self.value(item) }),
            Ty::Named(name) => {
                let def = &self.0[name];
                match (&def.variants, &def.fields) {
                    (Some(variants), _) => json!(variants[0].value),
                    (None, fields) => {
                        Value::Object(self.required(fields.as_deref().unwrap_or_default()))
                    }
                }
            }
        }
    }

    fn required(&self, fields: &[Field]) -> Map<String, Value> {
        fields
            .iter()
            .filter(|f| f.required)
            .map(|f| (f.name.clone(), self.sample(f)))
            .collect()
    }
}

#[tokio::test]
async fn every_spec_operation_is_implemented_or_answers_501_and_none_is_404() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../descope-api/spec");
    let spec = Spec::load(&dir, "spec").expect("spec loads");
    let types = Types(
        spec.files
            .iter()
            .flat_map(|f| f.spec.types.iter().map(|t| (t.name.clone(), t.clone())))
            .collect(),
    );

    let (emulator, client) = start().await;
    let raw = raw(&emulator);

    let mut implemented = Vec::new();
    let mut not_implemented = Vec::new();
    for file in &spec.files {
        let Some(group) = file.group_name() else {
            continue;
        };
        for endpoint in &file.spec.endpoints {
            let id = format!("{group}.{}", endpoint.name);
            let mut path = endpoint.path.clone();
            for param in &endpoint.path_params {
                let value = if param.source.is_some() {
                    emulator.project_id().to_owned()
                } else {
                    types.sample(param).as_str().expect("a string").to_owned()
                };
                path = path.replace(&format!("{{{}}}", param.name), &value);
            }
            let query: Vec<String> = endpoint
                .query
                .iter()
                .filter(|f| f.required)
                .map(|f| match types.sample(f) {
                    Value::String(text) => format!("{}={text}", f.name),
                    other => format!("{}={other}", f.name),
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
                AuthStyle::AccessKey | AuthStyle::Management => Some(raw.bearer("K2someKey")),
            };
            let body = endpoint
                .method
                .has_body()
                .then(|| Value::Object(types.required(&endpoint.body)).to_string());
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
        spec.files
            .iter()
            .map(|f| f.spec.endpoints.len())
            .sum::<usize>()
    );
}
