//! The endpoint this crate adds talks to a real HTTP server on 127.0.0.1 exactly like the ones
//! descope-api ships: same headers, management-key authorization, body and reply decoding, and the
//! runtime's typed errors.

use descope_api::{Client, ManagementKey};
use descope_custom_endpoints::ManagementCustomEndpoints as _;
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn client() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder("P2custom")
        .base_url(server.uri())
        .management_key(ManagementKey::new("K2secret"))
        .build()
        .expect("client");
    (server, client)
}

#[tokio::test]
async fn the_added_endpoint_sends_and_decodes_like_a_shipped_one() {
    let (server, client) = client().await;
    Mock::given(method("POST"))
        .and(path("/v1/mgmt/user/signin/embeddedlink"))
        .and(header("authorization", "Bearer P2custom:K2secret"))
        .and(header("content-type", "application/json"))
        .and(header("x-descope-sdk-name", "rust"))
        .and(header("x-descope-project-id", "P2custom"))
        .and(body_json(json!({
            "loginId": "ann@example.com",
            "customClaims": {"plan": "gold"},
            "timeout": 60
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token": "tok-1",
            "maskedEmail": "a***@example.com",
            "extra": true
        })))
        .expect(1)
        .mount(&server)
        .await;
    let minted = client
        .management()
        .expect("management client")
        .embedded_link()
        .create("ann@example.com")
        .custom_claims([("plan", "gold")])
        .timeout(60)
        .await
        .expect("reply");
    assert_eq!(minted.token.expose_secret(), "tok-1");
    assert_eq!(minted.masked_email, "a***@example.com");
    assert_eq!(minted.masked_phone, "", "missing fields default");
}

#[tokio::test]
async fn errors_and_validation_come_from_the_runtime() {
    let (server, client) = client().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "errorCode": "E011003",
            "errorDescription": "Request is invalid",
            "errorMessage": "The user does not exist"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let management = client.management().expect("management client");
    let error = management
        .embedded_link()
        .create("nobody@example.com")
        .await
        .expect_err("a Descope error");
    assert_eq!(error.status(), Some(400));
    assert_eq!(error.code(), Some("E011003"));
    let error = management
        .embedded_link()
        .create("")
        .await
        .expect_err("empty login ID");
    assert!(
        matches!(error, descope_api::Error::InvalidArgument { .. }),
        "{error:?}"
    );
}
