//! Enums in generated code: one read from replies is open (a value this version does not know
//! decodes to `Unknown(value)` instead of failing the whole reply), one only sent stays closed.
//! Generated here from `specs/open_enums/`, a spec outside descope-api, as a user's crate would.

use descope_api::Client;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

descope_api::generate! {
    spec: "specs/open_enums",
    client_ext: Roles,
}

use types::{Kind, Role};

#[tokio::test]
async fn a_reply_enum_takes_values_it_does_not_know() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/roles/tenant"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "main": "superuser",
            "all": ["admin", "superuser", "viewer"],
            "byTenant": {"T1": "viewer", "T2": "auditor"}
        })))
        .mount(&server)
        .await;
    let client = Client::builder("P2test")
        .base_url(server.uri())
        .build()
        .unwrap();
    let reply = Roles::roles(&client)
        .list(Kind::Tenant)
        .await
        .expect("the whole reply decodes");
    assert_eq!(reply.main, Some(Role::Unknown("superuser".to_owned())));
    assert_eq!(
        reply.all,
        [
            Role::Admin,
            Role::Unknown("superuser".to_owned()),
            Role::Viewer
        ]
    );
    assert_eq!(reply.by_tenant["T1"], Role::Viewer);
    assert_eq!(reply.by_tenant["T2"].as_str(), "auditor");
    assert_eq!(Role::Unknown("auditor".to_owned()).to_string(), "auditor");
}

#[test]
fn a_request_enum_is_closed_and_copy() {
    // Exhaustive without a wildcard: `Kind` has no `Unknown` variant.
    fn wire(kind: Kind) -> &'static str {
        match kind {
            Kind::Project => "project",
            Kind::Tenant => "tenant",
        }
    }
    let kind = Kind::Project;
    let copy = kind;
    assert_eq!(wire(kind), copy.as_str());
}
