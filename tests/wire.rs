//! Wire tests: every OTP endpoint against a real HTTP server on 127.0.0.1 (wiremock). Each asserts
//! the method, the exact path, the exact `Authorization` header, the SDK headers, the JSON body
//! (with every field set, and with only the required ones) and the decoding of the reply.

use descope_api::auth::types::{
    DeliveryMethod, LoginOptions, PhoneMethod, SignUpLoginOptions, SignUpUser,
};
use descope_api::{Client, Error, RefreshJwt};
use serde_json::json;
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, ResponseTemplate};

mod support;

use support::*;

// ---- the two seeds -------------------------------------------------------------------------

#[tokio::test]
async fn update_email_with_every_field() {
    let (server, client) = setup().await;
    expect_post(
        &server,
        "/v1/auth/otp/update/email",
        &refresh_auth(),
        json!({
            "loginId": "ann@example.com",
            "email": "ann@example.org",
            "addToLoginIDs": true,
            "onMergeUseExisting": true,
            "providerId": "smtp-eu",
            "templateOptions": {"greeting": "Hi", "name": "Ann"},
            "locale": "fr-CA",
            "failOnConflict": true
        }),
        json!({"maskedEmail": "a***@example.org", "verificationAttempts": 3}),
    )
    .await;
    let sent = client
        .otp()
        .update_email(&refresh(), "ann@example.com", "ann@example.org")
        .add_to_login_ids(true)
        .on_merge_use_existing(true)
        .provider_id("smtp-eu")
        .template_options([("name", "Ann"), ("greeting", "Hi")])
        .locale("fr-CA")
        .fail_on_conflict(true)
        .await
        .expect("reply");
    assert_eq!(sent.masked_email, "a***@example.org");
    assert_eq!(sent.verification_attempts, 3);
}

#[tokio::test]
async fn update_email_sends_exact_bytes_with_only_required_fields() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/otp/update/email"))
        .and(header("authorization", refresh_auth().as_str()))
        .and(body_string(
            r#"{"loginId":"ann@example.com","email":"ann@example.org","addToLoginIDs":false,"onMergeUseExisting":false}"#,
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"maskedEmail": "a***"})))
        .expect(1)
        .mount(&server)
        .await;
    let sent = client
        .otp()
        .update_email(&refresh(), "ann@example.com", "ann@example.org")
        .await
        .expect("reply");
    assert_eq!(sent.masked_email, "a***");
    assert_eq!(sent.verification_attempts, 0, "missing fields default");
}

#[tokio::test]
async fn update_phone_by_sms_with_every_field() {
    let (server, client) = setup().await;
    expect_post(
        &server,
        "/v1/auth/otp/update/phone/sms",
        &refresh_auth(),
        json!({
            "loginId": "ann@example.com",
            "phone": "+15555550100",
            "addToLoginIDs": true,
            "onMergeUseExisting": false,
            "providerId": "twilio",
            "templateOptions": {"name": "Ann"},
            "locale": "en",
            "failOnConflict": false
        }),
        json!({"maskedPhone": "+1*******00", "verificationAttempts": 5}),
    )
    .await;
    let sent = client
        .otp()
        .update_phone(
            &refresh(),
            PhoneMethod::Sms,
            "ann@example.com",
            "+15555550100",
        )
        .add_to_login_ids(true)
        .provider_id("twilio")
        .template_options([("name", "Ann")])
        .locale("en")
        .fail_on_conflict(false)
        .await
        .expect("reply");
    assert_eq!(sent.masked_phone, "+1*******00");
    assert_eq!(sent.verification_attempts, 5);
}

#[tokio::test]
async fn update_phone_sends_exact_bytes_with_only_required_fields_for_every_method() {
    for (method_value, segment) in [
        (PhoneMethod::Sms, "sms"),
        (PhoneMethod::Voice, "voice"),
        (PhoneMethod::Im, "im"),
    ] {
        let (server, client) = setup().await;
        Mock::given(method("POST"))
            .and(path(format!("/v1/auth/otp/update/phone/{segment}")))
            .and(header("authorization", refresh_auth().as_str()))
            .and(body_string(
                r#"{"loginId":"ann@example.com","phone":"+15555550100","addToLoginIDs":false,"onMergeUseExisting":false}"#,
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"maskedPhone": "+1***00"})))
            .expect(1)
            .mount(&server)
            .await;
        let sent = client
            .otp()
            .update_phone(&refresh(), method_value, "ann@example.com", "+15555550100")
            .await
            .expect("reply");
        assert_eq!(sent.masked_phone, "+1***00");
    }
}

// ---- the rest of OTP -----------------------------------------------------------------------

#[tokio::test]
async fn sign_up_email_with_every_field_and_required_only() {
    let (server, client) = setup().await;
    expect_post(
        &server,
        "/v1/auth/otp/signup/email",
        &project_auth(),
        json!({
            "loginId": "ann",
            "email": "ann@example.com",
            "user": {"username": "ann", "name": "Ann Lee", "givenName": "Ann", "middleName": "J", "familyName": "Lee", "phone": "+15555550100", "icon": "https://example.com/a.png"},
            "providerId": "smtp",
            "loginOptions": {"customClaims": {"plan": "gold"}, "templateOptions": {"a": "b"}, "locale": "en", "pkceChallenge": "abc", "tenantId": "T1"}
        }),
        json!({"maskedEmail": "a***@example.com"}),
    )
    .await;
    let user = SignUpUser::default()
        .username("ann")
        .name("Ann Lee")
        .given_name("Ann")
        .middle_name("J")
        .family_name("Lee")
        .phone("+15555550100")
        .icon("https://example.com/a.png");
    let options = SignUpLoginOptions::default()
        .custom_claims([("plan", "gold")])
        .template_options([("a", "b")])
        .locale("en")
        .pkce_challenge("abc")
        .tenant_id("T1");
    let sent = client
        .otp()
        .sign_up_email("ann")
        .email("ann@example.com")
        .user(user)
        .provider_id("smtp")
        .login_options(options)
        .await
        .expect("reply");
    assert_eq!(sent.masked_email, "a***@example.com");

    let (server, client) = setup().await;
    expect_post(
        &server,
        "/v1/auth/otp/signup/email",
        &project_auth(),
        json!({"loginId": "ann@example.com"}),
        json!({}),
    )
    .await;
    client
        .otp()
        .sign_up_email("ann@example.com")
        .await
        .expect("reply");
}

#[tokio::test]
async fn sign_up_phone_for_every_method() {
    for (method_value, segment) in [
        (PhoneMethod::Sms, "sms"),
        (PhoneMethod::Voice, "voice"),
        (PhoneMethod::Im, "im"),
    ] {
        let (server, client) = setup().await;
        let route = format!("/v1/auth/otp/signup/{segment}");
        expect_post(
            &server,
            &route,
            &project_auth(),
            json!({"loginId": "+15555550100"}),
            json!({"maskedPhone": "+1***00"}),
        )
        .await;
        let sent = client
            .otp()
            .sign_up_phone(method_value, "+15555550100")
            .await
            .expect("reply");
        assert_eq!(sent.masked_phone, "+1***00");
    }
    let (server, client) = setup().await;
    expect_post(
        &server,
        "/v1/auth/otp/signup/sms",
        &project_auth(),
        json!({"loginId": "ann", "phone": "+15555550100", "user": {"email": "ann@example.com"}, "providerId": "twilio", "loginOptions": {"tenantId": "T1"}}),
        json!({"maskedPhone": "+1***00", "verificationAttempts": 2}),
    )
    .await;
    client
        .otp()
        .sign_up_phone(PhoneMethod::Sms, "ann")
        .phone("+15555550100")
        .user(SignUpUser::default().email("ann@example.com"))
        .provider_id("twilio")
        .login_options(SignUpLoginOptions::default().tenant_id("T1"))
        .await
        .expect("reply");
}

const DELIVERY: [(DeliveryMethod, &str); 4] = [
    (DeliveryMethod::Email, "email"),
    (DeliveryMethod::Sms, "sms"),
    (DeliveryMethod::Voice, "voice"),
    (DeliveryMethod::Im, "im"),
];

#[tokio::test]
async fn sign_in_for_every_method() {
    for (method_value, segment) in DELIVERY {
        let (server, client) = setup().await;
        let route = format!("/v1/auth/otp/signin/{segment}");
        expect_post(
            &server,
            &route,
            &project_auth(),
            json!({"loginId": "ann"}),
            json!({"maskedEmail": "a***", "maskedPhone": "+1***"}),
        )
        .await;
        let sent = client
            .otp()
            .sign_in(method_value, "ann")
            .await
            .expect("reply");
        assert_eq!(
            (sent.masked_email.as_str(), sent.masked_phone.as_str()),
            ("a***", "+1***")
        );
    }
    let (server, client) = setup().await;
    expect_post(
        &server,
        "/v1/auth/otp/signin/email",
        &project_auth(),
        json!({
            "loginId": "ann",
            "loginOptions": {
                "stepup": false, "customClaims": {"n": 1}, "mfa": false, "ssoAppId": "app",
                "templateOptions": {"k": "v"}, "locale": "de", "pkceChallenge": "p",
                "revokeOtherSessions": true, "revokeOtherSessionsTypes": ["web", "mobile"], "tenantId": "T1"
            },
            "providerId": "smtp",
            "ssoAppId": "app",
            "useRecovery": true
        }),
        json!({"maskedEmail": "a***"}),
    )
    .await;
    let options = LoginOptions::default()
        .custom_claims([("n", 1)])
        .sso_app_id("app")
        .template_options([("k", "v")])
        .locale("de")
        .pkce_challenge("p")
        .revoke_other_sessions(true)
        .revoke_other_sessions_types(["web", "mobile"])
        .tenant_id("T1");
    client
        .otp()
        .sign_in(DeliveryMethod::Email, "ann")
        .login_options(options)
        .provider_id("smtp")
        .sso_app_id("app")
        .use_recovery(true)
        .await
        .expect("reply");
}

#[tokio::test]
async fn sign_up_or_in_for_every_method() {
    for (method_value, segment) in DELIVERY {
        let (server, client) = setup().await;
        let route = format!("/v1/auth/otp/signup-in/{segment}");
        expect_post(
            &server,
            &route,
            &project_auth(),
            json!({"loginId": "ann"}),
            json!({"maskedEmail": "a***"}),
        )
        .await;
        client
            .otp()
            .sign_up_or_in(method_value, "ann")
            .await
            .expect("reply");
    }
    let (server, client) = setup().await;
    expect_post(
        &server,
        "/v1/auth/otp/signup-in/sms",
        &project_auth(),
        json!({"loginId": "ann", "loginOptions": {"stepup": false, "mfa": false, "tenantId": "T1"}, "providerId": "p", "ssoAppId": "s", "useRecovery": false}),
        json!({"maskedPhone": "+1***"}),
    )
    .await;
    client
        .otp()
        .sign_up_or_in(DeliveryMethod::Sms, "ann")
        .login_options(LoginOptions::default().tenant_id("T1"))
        .provider_id("p")
        .sso_app_id("s")
        .use_recovery(false)
        .await
        .expect("reply");
}

#[tokio::test]
async fn verify_for_every_method_decodes_the_session() {
    for (method_value, segment) in DELIVERY {
        let (server, client) = setup().await;
        let route = format!("/v1/auth/otp/verify/{segment}");
        expect_post(
            &server,
            &route,
            &project_auth(),
            json!({"loginId": "ann", "code": "123456"}),
            session_reply(),
        )
        .await;
        let session = client
            .otp()
            .verify(method_value, "ann", "123456")
            .await
            .expect("reply");
        let session_jwt = session.session_jwt.as_ref().expect("a session JWT");
        assert_eq!(session_jwt.expose_secret(), "session.jwt");
        let refresh_jwt = session.refresh_jwt.as_ref().expect("a refresh JWT");
        assert_eq!(refresh_jwt.expose_secret(), "refresh.jwt");
        assert!(
            !format!("{session:?}").contains("session.jwt"),
            "Debug hides the tokens"
        );
        assert_eq!(session.cookie_max_age, 2_592_000);
        assert_eq!(session.cookie_expiration, 1_700_000_000);
        assert_eq!(
            session.session_expiration, 1_700_000_600,
            "int64 sent as a string"
        );
        assert!(session.first_seen);
        assert_eq!(session.tenant_sso_id, "T9");
        assert_eq!(session.claims["amr"], json!(["otp"]));
        let user = &session.user;
        assert_eq!(user.login_ids, ["ann@example.com"]);
        assert_eq!(user.user_id, "U1");
        assert_eq!(user.created_time, 1_690_000_000, "int64 sent as a string");
        assert!(user.totp && user.verified_email && !user.verified_phone);
        assert_eq!(user.oauth.get("google"), Some(&true));
        assert_eq!(user.user_tenants[0].tenant_name, "Acme");
        assert_eq!(user.custom_attributes["seats"], json!(3));
    }
}

// ---- replies and errors --------------------------------------------------------------------

#[tokio::test]
async fn an_empty_object_and_an_empty_body_decode_to_defaults() {
    for reply in [
        ResponseTemplate::new(200).set_body_string("{}"),
        ResponseTemplate::new(200),
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
        assert_eq!(session.user.login_ids.len(), 0);
    }
}

#[tokio::test]
async fn null_values_decode_to_defaults() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"maskedEmail": null, "verificationAttempts": null})),
        )
        .mount(&server)
        .await;
    let sent = client
        .otp()
        .update_email(&refresh(), "ann", "ann@example.org")
        .await
        .expect("reply");
    assert_eq!(
        (sent.masked_email.as_str(), sent.verification_attempts),
        ("", 0)
    );
}

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
        .sign_in(DeliveryMethod::Email, "ann")
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
async fn a_malformed_reply_is_a_decode_error() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"maskedEmail\": 5"))
        .mount(&server)
        .await;
    let error = client
        .otp()
        .sign_up_email("ann")
        .await
        .expect_err("bad JSON");
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}

// ---- client-side validation: nothing is sent -----------------------------------------------

#[tokio::test]
async fn empty_required_strings_fail_before_any_io() {
    let (_server, client) = nothing_is_sent().await;
    let error = client
        .otp()
        .update_email(&refresh(), "  ", "ann@example.org")
        .await
        .expect_err("empty");
    assert_eq!(invalid_field(error), "loginId");
    let error = client
        .otp()
        .verify(DeliveryMethod::Email, "ann", "")
        .await
        .expect_err("empty");
    assert_eq!(invalid_field(error), "code");
}

#[tokio::test]
async fn malformed_email_and_phone_fail_before_any_io() {
    let (_server, client) = nothing_is_sent().await;
    let error = client
        .otp()
        .update_email(&refresh(), "ann", "not-an-email")
        .await
        .expect_err("email");
    assert_eq!(invalid_field(error), "email");
    let error = client
        .otp()
        .update_phone(&refresh(), PhoneMethod::Sms, "ann", "call me")
        .await
        .expect_err("phone");
    assert_eq!(invalid_field(error), "phone");
    let error = client
        .otp()
        .sign_up_email("ann")
        .email("nope")
        .await
        .expect_err("optional email");
    assert_eq!(invalid_field(error), "email");
    let error = client
        .otp()
        .sign_up_phone(PhoneMethod::Sms, "+15555550100")
        .user(SignUpUser::default().name("Ann").phone("555-CALL-ANN"))
        .await
        .expect_err("a phone inside a shared input type");
    assert_eq!(invalid_field(error), "user.phone");
}

#[test]
fn secrets_never_show_in_debug() {
    let client = Client::builder(PROJECT)
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("client");
    let request = client.otp().verify(DeliveryMethod::Email, "ann", "918273");
    let debug = format!("{request:?}");
    assert!(!debug.contains("918273"), "{debug}");
    let request =
        client
            .otp()
            .update_email(&RefreshJwt::new("very-secret-refresh"), "ann", "a@b.co");
    let debug = format!("{request:?} {client:?}");
    assert!(!debug.contains("very-secret-refresh"), "{debug}");
}

#[tokio::test]
async fn the_refresh_jwt_of_a_session_reply_authorizes_the_next_call() {
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
    let refresh_jwt = session.refresh_jwt.expect("a refresh JWT");
    let sent = client
        .otp()
        .update_email(&refresh_jwt, "ann", "ann@example.org")
        .await
        .expect("reply");
    assert_eq!(sent.masked_email, "a***@example.org");
}

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
