//! Hand-written wire tests, against a real HTTP server on 127.0.0.1 (wiremock), for what the model
//! cannot state. Every endpoint's method, path, query, headers and body, with every field and
//! with only the required ones, its client-side checks and its secret redaction are the
//! spec-driven table's (`wire_table.rs`); here:
//!
//! - the exact bytes and field order of a body;
//! - typed replies: JWTs that authorize the next call, URLs, int64 values sent as strings,
//!   bare arrays, nested users, empty and `null` values (enums: `open_enums.rs`);
//! - step-up credentials (`with_refresh_jwt`);
//! - what a path segment may hold;
//! - error replies.

use descope_api::auth::types::{DeliveryMethod, LoginOptions, PhoneMethod};
use descope_api::{Error, RefreshJwt};
use serde_json::json;
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, ResponseTemplate};

mod support;

use support::*;

// ---- bodies --------------------------------------------------------------------------------

#[tokio::test]
async fn a_body_holds_exactly_these_bytes_in_spec_order() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/otp/update/email"))
        .and(header("authorization", refresh_auth().as_str()))
        .and(body_string(
            r#"{"loginId":"ann@example.com","email":"ann@example.org","addToLoginIDs":false,"onMergeUseExisting":false,"templateOptions":{"greeting":"Hi","name":"Ann"}}"#,
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"maskedEmail": "a***"})))
        .expect(1)
        .mount(&server)
        .await;
    let sent = client
        .otp()
        .update_email(&refresh(), "ann@example.com", "ann@example.org")
        .template_options([("name", "Ann"), ("greeting", "Hi")])
        .await
        .expect("reply");
    assert_eq!(sent.masked_email, "a***");
    assert_eq!(sent.verification_attempts, 0, "missing fields default");
}

// ---- typed replies -------------------------------------------------------------------------

#[tokio::test]
async fn a_session_reply_decodes_typed_and_its_refresh_jwt_authorizes_the_next_call() {
    let (server, client) = setup().await;
    expect_post(
        &server,
        "/v1/auth/otp/verify/email",
        &project_auth(),
        json!({"loginId": "ann", "code": "123456"}),
        session_reply(),
    )
    .await;
    expect_post(
        &server,
        "/v1/auth/otp/update/email",
        &format!("Bearer {PROJECT}:refresh.jwt"),
        json!({
            "loginId": "ann",
            "email": "ann@example.org",
            "addToLoginIDs": false,
            "onMergeUseExisting": false
        }),
        json!({"maskedEmail": "a***@example.org"}),
    )
    .await;
    let session = client
        .otp()
        .verify(DeliveryMethod::Email, "ann", "123456")
        .await
        .expect("session");
    // JWTs as credentials, int64 values from numbers and strings, the nested user, unknown
    // fields ignored (the reply has some).
    assert_session(&session);
    assert_eq!(session.cookie_expiration, 1_700_000_000);
    assert_eq!(session.user.created_time, 1_690_000_000);
    let refresh_jwt = session.refresh_jwt.expect("a refresh JWT");
    let sent = client
        .otp()
        .update_email(&refresh_jwt, "ann", "ann@example.org")
        .await
        .expect("reply");
    assert_eq!(sent.masked_email, "a***@example.org");
}

#[tokio::test]
async fn identity_provider_attributes_decode_as_maps() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sessionJwt": "s.jwt",
            "idpResponse": {
                "idpSAMLAttributes": {"email": ["ann@example.com"], "dept": "R&D"},
                "idpOIDCClaims": {"sub": "G-1", "email_verified": true},
                "samlResponse": "PHNhbWw+c2VjcmV0PC9zYW1sPg=="
            }
        })))
        .mount(&server)
        .await;
    let session = client.sso().exchange("code-1").await.expect("reply");
    let idp = &session.idp_response;
    assert_eq!(idp.idp_saml_attributes["dept"], json!("R&D"));
    assert_eq!(
        idp.idp_saml_attributes["email"][0],
        json!("ann@example.com")
    );
    assert_eq!(idp.idp_oidc_claims["email_verified"], json!(true));
    assert!(
        !format!("{idp:?}").contains("PHNhbWw"),
        "the SAML response is secret"
    );
}

#[tokio::test]
async fn adding_a_passkey_with_mfa_replies_with_a_session() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/webauthn/update/finish"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "jwt": {"sessionJwt": "mfa.session", "claims": {"amr": ["otp", "webauthn"]}}
        })))
        .mount(&server)
        .await;
    let reply = client
        .webauthn()
        .finish_add_device("T1", "{}")
        .await
        .expect("reply");
    let session = reply.jwt.session_jwt.expect("a session JWT");
    assert_eq!(session.expose_secret(), "mfa.session");
    assert_eq!(reply.jwt.claims["amr"], json!(["otp", "webauthn"]));
}

#[tokio::test]
async fn urls_decode_typed_and_an_empty_one_is_none() {
    let page = "https://accounts.google.com/o/oauth2/v2/auth?client_id=abc&state=xyz";
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"url": page})))
        .mount(&server)
        .await;
    let redirect = client.oauth().start_sign_in("google").await.expect("reply");
    assert_eq!(redirect.url.expect("a URL").as_str(), page);

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"url": "", "errorId": "E2"})))
        .mount(&server)
        .await;
    let redirect = client.oauth().start_sign_in("google").await.expect("reply");
    assert!(redirect.url.is_none());
    assert_eq!(redirect.error_id, "E2");

    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"url": "not a url"})))
        .mount(&server)
        .await;
    let error = client
        .oauth()
        .start_sign_in("google")
        .await
        .expect_err("a URL that does not parse");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}

#[tokio::test]
async fn a_bare_array_reply_decodes_to_a_list() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/v1/auth/me/history"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"userId": "U1", "loginTime": "1700000000", "city": "Lisbon"},
            {"userId": "U1", "loginTime": 1_700_000_100}
        ])))
        .mount(&server)
        .await;
    let history = client
        .session()
        .me_history(&refresh())
        .await
        .expect("reply");
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].city, "Lisbon");
    assert_eq!(history[1].login_time, 1_700_000_100);
}

#[tokio::test]
async fn empty_and_null_replies_decode_to_defaults() {
    for reply in [
        ResponseTemplate::new(200).set_body_string("{}"),
        ResponseTemplate::new(200),
        ResponseTemplate::new(200).set_body_json(json!({
            "sessionJwt": null, "refreshJwt": "", "cookieMaxAge": null, "user": null
        })),
    ] {
        let (server, client) = setup().await;
        Mock::given(method("POST"))
            .respond_with(reply)
            .expect(1)
            .mount(&server)
            .await;
        let session = client
            .otp()
            .verify(DeliveryMethod::Email, "ann", "1")
            .await
            .expect("reply");
        assert!(session.session_jwt.is_none() && session.refresh_jwt.is_none());
        assert_eq!(session.cookie_max_age, 0);
        assert_eq!(session.user.login_ids.len(), 0);
    }
}

// ---- credentials ---------------------------------------------------------------------------

#[tokio::test]
async fn a_step_up_sign_in_carries_the_users_refresh_jwt() {
    let (server, client) = setup().await;
    expect_post(
        &server,
        "/v1/auth/otp/signin/sms",
        &refresh_auth(),
        json!({"loginId": "ann", "loginOptions": {"stepup": true, "mfa": false}}),
        json!({"maskedPhone": "+1****00"}),
    )
    .await;
    let sent = client
        .otp()
        .sign_in(DeliveryMethod::Sms, "ann")
        .login_options(LoginOptions::default().stepup(true))
        .with_refresh_jwt(&refresh())
        .await
        .expect("reply");
    assert_eq!(sent.masked_phone, "+1****00");
}

#[tokio::test]
async fn empty_credentials_are_refused_before_any_io() {
    let (_server, client) = nothing_is_sent().await;
    let error = client
        .otp()
        .update_email(&RefreshJwt::new(""), "ann", "ann@example.org")
        .await
        .expect_err("an empty refresh JWT");
    assert_eq!(invalid_field(error), "refreshJwt");
}

// ---- paths ---------------------------------------------------------------------------------

#[tokio::test]
async fn a_path_segment_is_percent_encoded_and_cannot_climb() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/notp/my%20app%2F..%3F/signin"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    client.notp().sign_in("my app/..?").await.expect("reply");

    let (_server, client) = nothing_is_sent().await;
    for climbing in ["..", "."] {
        let error = client
            .notp()
            .sign_up(climbing)
            .await
            .expect_err("a dot segment");
        assert_eq!(invalid_field(error), "provider");
    }
}

// ---- errors --------------------------------------------------------------------------------

#[tokio::test]
async fn a_descope_error_body_becomes_an_api_error() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "errorCode": "E061102",
            "errorDescription": "Wrong code",
            "errorMessage": "The code does not match"
        })))
        .mount(&server)
        .await;
    let error = client
        .otp()
        .verify(DeliveryMethod::Sms, "ann", "000000")
        .await
        .expect_err("401");
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}")
    };
    assert_eq!(api.status, 401);
    assert_eq!(api.code, "E061102");
    assert_eq!(api.description, "Wrong code");
    assert_eq!(api.message, "The code does not match");
    assert_eq!(error.status(), Some(401));
    assert_eq!(error.code(), Some("E061102"));
}

#[tokio::test]
async fn any_other_failure_keeps_status_and_an_excerpt() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>Bad gateway</html>"))
        .mount(&server)
        .await;
    let error = client
        .otp()
        .update_phone(&refresh(), PhoneMethod::Sms, "ann", "+15555550100")
        .await
        .expect_err("502");
    match error {
        Error::Http { status, body, .. } => {
            assert_eq!(status, 502);
            assert!(body.contains("Bad gateway"));
        }
        other => panic!("expected an HTTP error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_malformed_reply_is_a_decode_error_that_quotes_no_value() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(r#"{"maskedEmail": 5, "x": "eyJsecret"}"#),
        )
        .mount(&server)
        .await;
    let error = client
        .otp()
        .sign_up_email("ann")
        .await
        .expect_err("a number where a string goes");
    let Error::Decode { source, .. } = &error else {
        panic!("expected a decode error, got {error:?}")
    };
    assert!(source.is_data(), "{source}");
    assert_eq!((source.line(), source.column()), (1, 17));
    let shown = format!("{error} {source:?}");
    assert!(
        shown.contains("expected a string, found a number"),
        "{shown}"
    );
    assert!(
        !shown.contains('5') || !shown.contains("eyJsecret"),
        "{shown}"
    );
}
