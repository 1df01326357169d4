//! Wire tests for the magic-link, enchanted-link, messaging-app (NOTP), password, authenticator-app
//! (TOTP), recovery-code, security-question and access-key endpoints, against a real HTTP server
//! on 127.0.0.1 (wiremock). Each endpoint is called with every field set and with only the
//! required ones; each asserts the method, the exact path, the exact `Authorization` header, the
//! SDK headers, the exact JSON body, and the decoding of a reply shaped as Descope documents it.

use descope_api::auth::types::{
    AccessKeyLoginOptions, LoginOptions, NotpTemplateIds, SecurityQuestionAnswer,
    SignUpLoginOptions, SignUpUserProfile,
};
use descope_api::{AccessKey, Client};
use serde_json::{Value, json};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod support;

use support::*;

// ---- helpers -------------------------------------------------------------------------------

/// Expects exactly one `POST route` with this authorization, the SDK headers and exactly these
/// body bytes; replies `reply`.
async fn expect_post_bytes(server: &MockServer, route: &str, auth: &str, body: &str, reply: Value) {
    Mock::given(method("POST"))
        .and(path(route))
        .and(header("authorization", auth))
        .and(header("content-type", "application/json"))
        .and(header("x-descope-sdk-name", "rust"))
        .and(header("x-descope-project-id", PROJECT))
        .and(body_string(body))
        .respond_with(ResponseTemplate::new(200).set_body_json(reply))
        .expect(1)
        .mount(server)
        .await;
}

/// The one request the server received: a GET without query string or body.
async fn single_bare_get(server: &MockServer) -> Request {
    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1);
    let request = requests.into_iter().next().expect("one request");
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.query(), None, "no query string");
    assert!(request.body.is_empty(), "no body");
    request
}

fn access_key_auth() -> String {
    format!("Bearer {PROJECT}:access-key")
}

fn full_profile() -> SignUpUserProfile {
    SignUpUserProfile::default()
        .login_id("ann")
        .name("Ann Lee")
        .phone("+15555550100")
        .email("ann@example.com")
        .given_name("Ann")
        .middle_name("J")
        .family_name("Lee")
        .recovery_email("ann@backup.example")
        .recovery_phone("+15555550199")
}

fn full_profile_json() -> Value {
    json!({
        "loginId": "ann",
        "name": "Ann Lee",
        "phone": "+15555550100",
        "email": "ann@example.com",
        "givenName": "Ann",
        "middleName": "J",
        "familyName": "Lee",
        "recoveryEmail": "ann@backup.example",
        "recoveryPhone": "+15555550199"
    })
}

fn full_sign_up_options() -> SignUpLoginOptions {
    SignUpLoginOptions::default()
        .custom_claims([("plan", "gold")])
        .template_options([("greeting", "Hi")])
        .locale("fr-CA")
        .pkce_challenge("pkce-challenge")
        .tenant_id("T1")
}

fn full_sign_up_options_json() -> Value {
    json!({
        "customClaims": {"plan": "gold"},
        "templateOptions": {"greeting": "Hi"},
        "locale": "fr-CA",
        "pkceChallenge": "pkce-challenge",
        "tenantId": "T1"
    })
}

fn full_login_options() -> LoginOptions {
    LoginOptions::default()
        .stepup(true)
        .custom_claims([("seats", 3)])
        .mfa(true)
        .sso_app_id("app-1")
        .template_options([("greeting", "Hello")])
        .locale("de")
        .pkce_challenge("pkce")
        .revoke_other_sessions(true)
        .revoke_other_sessions_types(["web"])
        .tenant_id("T2")
}

fn full_login_options_json() -> Value {
    json!({
        "stepup": true,
        "customClaims": {"seats": 3},
        "mfa": true,
        "ssoAppId": "app-1",
        "templateOptions": {"greeting": "Hello"},
        "locale": "de",
        "pkceChallenge": "pkce",
        "revokeOtherSessions": true,
        "revokeOtherSessionsTypes": ["web"],
        "tenantId": "T2"
    })
}

/// Every field of a magic-link or enchanted-link sign-in or sign-up-or-in body.
fn full_link_sign_in_json() -> Value {
    json!({
        "loginId": "ann",
        "redirectUrl": "https://app.example.com/verify",
        "loginOptions": full_login_options_json(),
        "providerId": "connector-1",
        "ssoAppId": "app-1",
        "useRecovery": true
    })
}

/// Sets every optional field of a magic-link or enchanted-link sign-in or sign-up-or-in request
/// (their request types differ, their setters are the same), matching [`full_link_sign_in_json`].
macro_rules! with_every_link_sign_in_field {
    ($request:expr) => {
        $request
            .redirect_url("https://app.example.com/verify")
            .login_options(full_login_options())
            .provider_id("connector-1")
            .sso_app_id("app-1")
            .use_recovery(true)
    };
}

// ---- magic links ---------------------------------------------------------------------------

#[tokio::test]
async fn magic_link_sign_up_email_with_every_field_and_required_only() {
    let (server, client) = setup().await;
    expect_post(
        &server,
        "/v1/auth/magiclink/signup/email",
        &project_auth(),
        json!({
            "email": "ann@example.com",
            "loginId": "ann",
            "user": full_profile_json(),
            "redirectUrl": "https://app.example.com/verify",
            "providerId": "smtp-eu",
            "loginOptions": full_sign_up_options_json()
        }),
        json!({"maskedEmail": "a***@example.com"}),
    )
    .await;
    let sent = client
        .magic_link()
        .sign_up_email("ann")
        .email("ann@example.com")
        .user(full_profile())
        .redirect_url("https://app.example.com/verify")
        .provider_id("smtp-eu")
        .login_options(full_sign_up_options())
        .await
        .expect("reply");
    assert_eq!(sent.masked_email, "a***@example.com");

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        "/v1/auth/magiclink/signup/email",
        &project_auth(),
        r#"{"loginId":"ann@example.com"}"#,
        json!({"maskedEmail": "a***"}),
    )
    .await;
    let sent = client
        .magic_link()
        .sign_up_email("ann@example.com")
        .await
        .expect("reply");
    assert_eq!(sent.masked_email, "a***");
}

#[tokio::test]
async fn magic_link_sign_up_sms_with_every_field_and_required_only() {
    let (server, client) = setup().await;
    expect_post(
        &server,
        "/v1/auth/magiclink/signup/sms",
        &project_auth(),
        json!({
            "phone": "+15555550100",
            "loginId": "ann",
            "user": {"email": "ann@example.com"},
            "redirectUrl": "https://app.example.com/verify",
            "providerId": "twilio",
            "loginOptions": {"tenantId": "T1"}
        }),
        json!({"maskedPhone": "+1*******00"}),
    )
    .await;
    let sent = client
        .magic_link()
        .sign_up_sms("ann")
        .phone("+15555550100")
        .user(SignUpUserProfile::default().email("ann@example.com"))
        .redirect_url("https://app.example.com/verify")
        .provider_id("twilio")
        .login_options(SignUpLoginOptions::default().tenant_id("T1"))
        .await
        .expect("reply");
    assert_eq!(sent.masked_phone, "+1*******00");

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        "/v1/auth/magiclink/signup/sms",
        &project_auth(),
        r#"{"loginId":"+15555550100"}"#,
        json!({"maskedPhone": "+1***00"}),
    )
    .await;
    let sent = client
        .magic_link()
        .sign_up_sms("+15555550100")
        .await
        .expect("reply");
    assert_eq!(sent.masked_phone, "+1***00");
}

#[tokio::test]
async fn magic_link_verify_decodes_the_session() {
    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        "/v1/auth/magiclink/verify",
        &project_auth(),
        r#"{"token":"link-token"}"#,
        session_reply(),
    )
    .await;
    let session = client
        .magic_link()
        .verify("link-token")
        .await
        .expect("reply");
    assert_session(&session);
}

#[tokio::test]
async fn magic_link_sign_in_email_with_every_field_and_required_only() {
    let route = "/v1/auth/magiclink/signin/email";
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &project_auth(),
        full_link_sign_in_json(),
        json!({"maskedEmail": "a***@example.com"}),
    )
    .await;
    let sent = with_every_link_sign_in_field!(client.magic_link().sign_in_email("ann"))
        .await
        .expect("reply");
    assert_eq!(sent.masked_email, "a***@example.com");

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &project_auth(),
        r#"{"loginId":"ann"}"#,
        json!({"maskedEmail": "a***"}),
    )
    .await;
    let sent = client
        .magic_link()
        .sign_in_email("ann")
        .await
        .expect("reply");
    assert_eq!(sent.masked_email, "a***");
}

#[tokio::test]
async fn magic_link_sign_in_sms_with_every_field_and_required_only() {
    let route = "/v1/auth/magiclink/signin/sms";
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &project_auth(),
        full_link_sign_in_json(),
        json!({"maskedPhone": "+1*******00"}),
    )
    .await;
    let sent = with_every_link_sign_in_field!(client.magic_link().sign_in_sms("ann"))
        .await
        .expect("reply");
    assert_eq!(sent.masked_phone, "+1*******00");

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &project_auth(),
        r#"{"loginId":"ann"}"#,
        json!({"maskedPhone": "+1***00"}),
    )
    .await;
    let sent = client.magic_link().sign_in_sms("ann").await.expect("reply");
    assert_eq!(sent.masked_phone, "+1***00");
}

#[tokio::test]
async fn magic_link_sign_up_or_in_email_with_every_field_and_required_only() {
    let route = "/v1/auth/magiclink/signup-in/email";
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &project_auth(),
        full_link_sign_in_json(),
        json!({"maskedEmail": "a***@example.com"}),
    )
    .await;
    let sent = with_every_link_sign_in_field!(client.magic_link().sign_up_or_in_email("ann"))
        .await
        .expect("reply");
    assert_eq!(sent.masked_email, "a***@example.com");

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &project_auth(),
        r#"{"loginId":"ann"}"#,
        json!({"maskedEmail": "a***"}),
    )
    .await;
    let sent = client
        .magic_link()
        .sign_up_or_in_email("ann")
        .await
        .expect("reply");
    assert_eq!(sent.masked_email, "a***");
}

#[tokio::test]
async fn magic_link_sign_up_or_in_sms_with_every_field_and_required_only() {
    let route = "/v1/auth/magiclink/signup-in/sms";
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &project_auth(),
        full_link_sign_in_json(),
        json!({"maskedPhone": "+1*******00"}),
    )
    .await;
    let sent = with_every_link_sign_in_field!(client.magic_link().sign_up_or_in_sms("ann"))
        .await
        .expect("reply");
    assert_eq!(sent.masked_phone, "+1*******00");

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &project_auth(),
        r#"{"loginId":"ann"}"#,
        json!({"maskedPhone": "+1***00"}),
    )
    .await;
    let sent = client
        .magic_link()
        .sign_up_or_in_sms("ann")
        .await
        .expect("reply");
    assert_eq!(sent.masked_phone, "+1***00");
}

#[tokio::test]
async fn magic_link_update_email_with_every_field_and_required_only() {
    let route = "/v1/auth/magiclink/update/email";
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &refresh_auth(),
        json!({
            "loginId": "ann",
            "email": "ann@example.org",
            "redirectUrl": "https://app.example.com/verify",
            "addToLoginIDs": true,
            "onMergeUseExisting": true,
            "providerId": "smtp-eu",
            "templateOptions": {"name": "Ann"},
            "locale": "en",
            "failOnConflict": true
        }),
        json!({"maskedEmail": "a***@example.org"}),
    )
    .await;
    let sent = client
        .magic_link()
        .update_email(&refresh(), "ann", "ann@example.org")
        .redirect_url("https://app.example.com/verify")
        .add_to_login_ids(true)
        .on_merge_use_existing(true)
        .provider_id("smtp-eu")
        .template_options([("name", "Ann")])
        .locale("en")
        .fail_on_conflict(true)
        .await
        .expect("reply");
    assert_eq!(sent.masked_email, "a***@example.org");

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &refresh_auth(),
        r#"{"loginId":"ann","email":"ann@example.org","addToLoginIDs":false,"onMergeUseExisting":false}"#,
        json!({"maskedEmail": "a***"}),
    )
    .await;
    let sent = client
        .magic_link()
        .update_email(&refresh(), "ann", "ann@example.org")
        .await
        .expect("reply");
    assert_eq!(sent.masked_email, "a***");
}

#[tokio::test]
async fn magic_link_update_phone_sms_with_every_field_and_required_only() {
    let route = "/v1/auth/magiclink/update/phone/sms";
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &refresh_auth(),
        json!({
            "loginId": "ann",
            "phone": "+15555550100",
            "redirectUrl": "https://app.example.com/verify",
            "addToLoginIDs": true,
            "onMergeUseExisting": false,
            "providerId": "twilio",
            "templateOptions": {"name": "Ann"},
            "locale": "en",
            "failOnConflict": false
        }),
        json!({"maskedPhone": "+1*******00"}),
    )
    .await;
    let sent = client
        .magic_link()
        .update_phone_sms(&refresh(), "ann", "+15555550100")
        .redirect_url("https://app.example.com/verify")
        .add_to_login_ids(true)
        .provider_id("twilio")
        .template_options([("name", "Ann")])
        .locale("en")
        .fail_on_conflict(false)
        .await
        .expect("reply");
    assert_eq!(sent.masked_phone, "+1*******00");

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &refresh_auth(),
        r#"{"loginId":"ann","phone":"+15555550100","addToLoginIDs":false,"onMergeUseExisting":false}"#,
        json!({"maskedPhone": "+1***00"}),
    )
    .await;
    let sent = client
        .magic_link()
        .update_phone_sms(&refresh(), "ann", "+15555550100")
        .await
        .expect("reply");
    assert_eq!(sent.masked_phone, "+1***00");
}

// ---- enchanted links -----------------------------------------------------------------------

fn enchanted_reply() -> Value {
    json!({"pendingRef": "pending-1", "linkId": "42", "maskedEmail": "a***@example.com"})
}

#[tokio::test]
async fn enchanted_link_sign_up_email_with_every_field_and_required_only() {
    let route = "/v1/auth/enchantedlink/signup/email";
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &project_auth(),
        json!({
            "email": "ann@example.com",
            "loginId": "ann",
            "user": full_profile_json(),
            "redirectUrl": "https://app.example.com/verify",
            "providerId": "smtp-eu",
            "loginOptions": full_sign_up_options_json()
        }),
        enchanted_reply(),
    )
    .await;
    let sent = client
        .enchanted_link()
        .sign_up_email("ann")
        .email("ann@example.com")
        .user(full_profile())
        .redirect_url("https://app.example.com/verify")
        .provider_id("smtp-eu")
        .login_options(full_sign_up_options())
        .await
        .expect("reply");
    assert_eq!(sent.pending_ref.expose_secret(), "pending-1");
    assert_eq!(sent.link_id, "42");
    assert_eq!(sent.masked_email, "a***@example.com");
    assert!(
        !format!("{sent:?}").contains("pending-1"),
        "Debug hides the pending reference"
    );

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &project_auth(),
        r#"{"loginId":"ann@example.com"}"#,
        json!({"linkId": "7"}),
    )
    .await;
    let sent = client
        .enchanted_link()
        .sign_up_email("ann@example.com")
        .await
        .expect("reply");
    assert_eq!(sent.link_id, "7");
    assert_eq!(
        sent.pending_ref.expose_secret(),
        "",
        "missing fields default"
    );
}

#[tokio::test]
async fn enchanted_link_sign_in_email_with_every_field_and_required_only() {
    let route = "/v1/auth/enchantedlink/signin/email";
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &project_auth(),
        full_link_sign_in_json(),
        enchanted_reply(),
    )
    .await;
    let sent = with_every_link_sign_in_field!(client.enchanted_link().sign_in_email("ann"))
        .await
        .expect("reply");
    assert_eq!(
        (sent.link_id.as_str(), sent.masked_email.as_str()),
        ("42", "a***@example.com")
    );

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &project_auth(),
        r#"{"loginId":"ann"}"#,
        enchanted_reply(),
    )
    .await;
    let sent = client
        .enchanted_link()
        .sign_in_email("ann")
        .await
        .expect("reply");
    assert_eq!(sent.pending_ref.expose_secret(), "pending-1");
}

#[tokio::test]
async fn enchanted_link_sign_up_or_in_email_with_every_field_and_required_only() {
    let route = "/v1/auth/enchantedlink/signup-in/email";
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &project_auth(),
        full_link_sign_in_json(),
        enchanted_reply(),
    )
    .await;
    let sent = with_every_link_sign_in_field!(client.enchanted_link().sign_up_or_in_email("ann"))
        .await
        .expect("reply");
    assert_eq!(sent.link_id, "42");

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &project_auth(),
        r#"{"loginId":"ann"}"#,
        enchanted_reply(),
    )
    .await;
    let sent = client
        .enchanted_link()
        .sign_up_or_in_email("ann")
        .await
        .expect("reply");
    assert_eq!(sent.masked_email, "a***@example.com");
}

#[tokio::test]
async fn enchanted_link_verify_with_every_field_and_required_only() {
    let route = "/v1/auth/enchantedlink/verify";
    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &project_auth(),
        r#"{"token":"link-token","pkceVerifier":"dmVyaWZpZXI="}"#,
        json!({}),
    )
    .await;
    let () = client
        .enchanted_link()
        .verify("link-token")
        .pkce_verifier("dmVyaWZpZXI=")
        .await
        .expect("reply");

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &project_auth(),
        r#"{"token":"link-token"}"#,
        json!({}),
    )
    .await;
    client
        .enchanted_link()
        .verify("link-token")
        .await
        .expect("reply");
}

#[tokio::test]
async fn enchanted_link_pending_reference_collects_the_session() {
    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        "/v1/auth/enchantedlink/signin/email",
        &project_auth(),
        r#"{"loginId":"ann"}"#,
        enchanted_reply(),
    )
    .await;
    expect_post_bytes(
        &server,
        "/v1/auth/enchantedlink/pending-session",
        &project_auth(),
        r#"{"pendingRef":"pending-1"}"#,
        session_reply(),
    )
    .await;
    let sent = client
        .enchanted_link()
        .sign_in_email("ann")
        .await
        .expect("sent");
    let session = client
        .enchanted_link()
        .get_session(sent.pending_ref)
        .await
        .expect("session");
    assert_session(&session);
}

#[tokio::test]
async fn enchanted_link_update_email_with_every_field_and_required_only() {
    let route = "/v1/auth/enchantedlink/update/email";
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &refresh_auth(),
        json!({
            "loginId": "ann",
            "email": "ann@example.org",
            "redirectUrl": "https://app.example.com/verify",
            "addToLoginIDs": true,
            "onMergeUseExisting": true,
            "providerId": "smtp-eu",
            "templateOptions": {"name": "Ann"},
            "locale": "en",
            "failOnConflict": true
        }),
        enchanted_reply(),
    )
    .await;
    let sent = client
        .enchanted_link()
        .update_email(&refresh(), "ann", "ann@example.org")
        .redirect_url("https://app.example.com/verify")
        .add_to_login_ids(true)
        .on_merge_use_existing(true)
        .provider_id("smtp-eu")
        .template_options([("name", "Ann")])
        .locale("en")
        .fail_on_conflict(true)
        .await
        .expect("reply");
    assert_eq!(sent.link_id, "42");

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &refresh_auth(),
        r#"{"loginId":"ann","email":"ann@example.org","addToLoginIDs":false,"onMergeUseExisting":false}"#,
        enchanted_reply(),
    )
    .await;
    let sent = client
        .enchanted_link()
        .update_email(&refresh(), "ann", "ann@example.org")
        .await
        .expect("reply");
    assert_eq!(sent.pending_ref.expose_secret(), "pending-1");
}

// ---- messaging-app sign-in (NOTP) ----------------------------------------------------------

fn notp_reply() -> Value {
    json!({
        "pendingRef": "pending-2",
        "redirectUrl": "https://wa.me/15555550100?text=Sign%20me%20in%20ABC",
        "image": "iVBORw0KGgo="
    })
}

fn full_templates() -> NotpTemplateIds {
    NotpTemplateIds::default()
        .verify_template_id("tpl-verify")
        .success_template_id("tpl-ok")
        .error_template_id("tpl-error")
}

fn full_templates_json() -> Value {
    json!({
        "verifyTemplateId": "tpl-verify",
        "successTemplateId": "tpl-ok",
        "errorTemplateId": "tpl-error"
    })
}

#[tokio::test]
async fn notp_sign_up_with_every_field_and_required_only() {
    let (server, client) = setup().await;
    expect_post(
        &server,
        "/v1/auth/notp/whatsapp/signup",
        &project_auth(),
        json!({
            "provider": "whatsapp",
            "phone": "+15555550100",
            "loginId": "ann",
            "user": full_profile_json(),
            "providerId": "wa-1",
            "templates": full_templates_json(),
            "ssoAppId": "app-1",
            "loginOptions": full_sign_up_options_json()
        }),
        notp_reply(),
    )
    .await;
    let sent = client
        .notp()
        .sign_up("whatsapp")
        .body_provider("whatsapp")
        .phone("+15555550100")
        .login_id("ann")
        .user(full_profile())
        .provider_id("wa-1")
        .templates(full_templates())
        .sso_app_id("app-1")
        .login_options(full_sign_up_options())
        .await
        .expect("reply");
    assert_eq!(sent.pending_ref.expose_secret(), "pending-2");
    let link = sent.redirect_url.as_ref().expect("a link");
    assert_eq!(link.host_str(), Some("wa.me"));
    assert_eq!(
        link.as_str(),
        "https://wa.me/15555550100?text=Sign%20me%20in%20ABC"
    );
    assert_eq!(sent.image, "iVBORw0KGgo=");

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        "/v1/auth/notp/whatsapp/signup",
        &project_auth(),
        "{}",
        json!({"pendingRef": "pending-2", "redirectUrl": ""}),
    )
    .await;
    let sent = client.notp().sign_up("whatsapp").await.expect("reply");
    assert!(sent.redirect_url.is_none(), "an empty URL is no URL");
}

#[tokio::test]
async fn notp_sign_in_with_every_field_and_required_only() {
    let (server, client) = setup().await;
    expect_post(
        &server,
        "/v1/auth/notp/whatsapp/signin",
        &project_auth(),
        json!({
            "provider": "whatsapp",
            "loginId": "ann",
            "loginOptions": full_login_options_json(),
            "providerId": "wa-1",
            "templates": full_templates_json(),
            "ssoAppId": "app-1"
        }),
        notp_reply(),
    )
    .await;
    let sent = client
        .notp()
        .sign_in("whatsapp")
        .body_provider("whatsapp")
        .login_id("ann")
        .login_options(full_login_options())
        .provider_id("wa-1")
        .templates(full_templates())
        .sso_app_id("app-1")
        .await
        .expect("reply");
    assert_eq!(sent.image, "iVBORw0KGgo=");

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        "/v1/auth/notp/whatsapp/signin",
        &project_auth(),
        "{}",
        notp_reply(),
    )
    .await;
    let sent = client.notp().sign_in("whatsapp").await.expect("reply");
    assert_eq!(sent.pending_ref.expose_secret(), "pending-2");
}

#[tokio::test]
async fn notp_sign_up_or_in_with_every_field_and_required_only() {
    let (server, client) = setup().await;
    expect_post(
        &server,
        "/v1/auth/notp/whatsapp/signup-in",
        &project_auth(),
        json!({
            "provider": "whatsapp",
            "loginId": "ann",
            "loginOptions": {"stepup": false, "mfa": false, "tenantId": "T1"},
            "providerId": "wa-1",
            "templates": {"verifyTemplateId": "tpl-verify"},
            "ssoAppId": "app-1"
        }),
        notp_reply(),
    )
    .await;
    let sent = client
        .notp()
        .sign_up_or_in("whatsapp")
        .body_provider("whatsapp")
        .login_id("ann")
        .login_options(LoginOptions::default().tenant_id("T1"))
        .provider_id("wa-1")
        .templates(NotpTemplateIds::default().verify_template_id("tpl-verify"))
        .sso_app_id("app-1")
        .await
        .expect("reply");
    assert!(sent.redirect_url.is_some());

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        "/v1/auth/notp/whatsapp/signup-in",
        &project_auth(),
        "{}",
        notp_reply(),
    )
    .await;
    let sent = client
        .notp()
        .sign_up_or_in("whatsapp")
        .await
        .expect("reply");
    assert_eq!(sent.pending_ref.expose_secret(), "pending-2");
}

#[tokio::test]
async fn notp_update_phone_with_every_field_and_required_only() {
    let (server, client) = setup().await;
    expect_post(
        &server,
        "/v1/auth/notp/whatsapp/update",
        &refresh_auth(),
        json!({
            "provider": "whatsapp",
            "loginId": "ann",
            "phone": "+15555550100",
            "addToLoginIDs": true,
            "onMergeUseExisting": true,
            "providerId": "wa-1",
            "templates": full_templates_json(),
            "templateOptions": {"name": "Ann"},
            "ssoAppId": "app-1",
            "locale": "en",
            "failOnConflict": true
        }),
        notp_reply(),
    )
    .await;
    let sent = client
        .notp()
        .update_phone(&refresh(), "whatsapp", "ann")
        .body_provider("whatsapp")
        .phone("+15555550100")
        .add_to_login_ids(true)
        .on_merge_use_existing(true)
        .provider_id("wa-1")
        .templates(full_templates())
        .template_options([("name", "Ann")])
        .sso_app_id("app-1")
        .locale("en")
        .fail_on_conflict(true)
        .await
        .expect("reply");
    assert_eq!(sent.pending_ref.expose_secret(), "pending-2");

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        "/v1/auth/notp/whatsapp/update",
        &refresh_auth(),
        r#"{"loginId":"ann","addToLoginIDs":false,"onMergeUseExisting":false}"#,
        notp_reply(),
    )
    .await;
    let sent = client
        .notp()
        .update_phone(&refresh(), "whatsapp", "ann")
        .await
        .expect("reply");
    assert_eq!(sent.image, "iVBORw0KGgo=");
}

#[tokio::test]
async fn notp_provider_is_encoded_into_the_path() {
    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        "/v1/auth/notp/my%20app/signin",
        &project_auth(),
        "{}",
        notp_reply(),
    )
    .await;
    client.notp().sign_in("my app").await.expect("reply");
}

#[tokio::test]
async fn notp_get_session_decodes_the_session() {
    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        "/v1/auth/notp/pending-session",
        &project_auth(),
        r#"{"pendingRef":"pending-2"}"#,
        session_reply(),
    )
    .await;
    let session = client
        .notp()
        .get_session("pending-2")
        .await
        .expect("session");
    assert_session(&session);
}

// ---- passwords -----------------------------------------------------------------------------

#[tokio::test]
async fn password_sign_up_with_every_field_and_required_only() {
    let route = "/v1/auth/password/signup";
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &project_auth(),
        json!({
            "loginId": "ann",
            "user": full_profile_json(),
            "password": "correct horse",
            "loginOptions": full_sign_up_options_json()
        }),
        session_reply(),
    )
    .await;
    let session = client
        .password()
        .sign_up("ann", "correct horse")
        .user(full_profile())
        .login_options(full_sign_up_options())
        .await
        .expect("reply");
    assert_session(&session);

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &project_auth(),
        r#"{"loginId":"ann","password":"correct horse"}"#,
        session_reply(),
    )
    .await;
    let session = client
        .password()
        .sign_up("ann", "correct horse")
        .await
        .expect("reply");
    assert_session(&session);
}

#[tokio::test]
async fn password_sign_in_with_every_field_and_required_only() {
    let route = "/v1/auth/password/signin";
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &project_auth(),
        json!({
            "loginId": "ann",
            "password": "correct horse",
            "ssoAppId": "app-1",
            "loginOptions": full_login_options_json()
        }),
        session_reply(),
    )
    .await;
    let session = client
        .password()
        .sign_in("ann", "correct horse")
        .sso_app_id("app-1")
        .login_options(full_login_options())
        .await
        .expect("reply");
    assert_session(&session);

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &project_auth(),
        r#"{"loginId":"ann","password":"correct horse"}"#,
        session_reply(),
    )
    .await;
    let session = client
        .password()
        .sign_in("ann", "correct horse")
        .await
        .expect("reply");
    assert_session(&session);
}

#[tokio::test]
async fn password_send_reset_with_every_field_and_required_only() {
    let route = "/v1/auth/password/reset";
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &project_auth(),
        json!({
            "loginId": "ann",
            "redirectUrl": "https://app.example.com/reset",
            "providerId": "smtp-eu",
            "templateOptions": {"name": "Ann"},
            "locale": "en",
            "useRecovery": true
        }),
        json!({
            "resetMethod": "enchantedlink",
            "pendingRef": "pending-3",
            "linkId": "17",
            "maskedEmail": "a***@example.com"
        }),
    )
    .await;
    let sent = client
        .password()
        .send_reset("ann")
        .redirect_url("https://app.example.com/reset")
        .provider_id("smtp-eu")
        .template_options([("name", "Ann")])
        .locale("en")
        .use_recovery(true)
        .await
        .expect("reply");
    assert_eq!(sent.reset_method, "enchantedlink");
    assert_eq!(sent.pending_ref.expose_secret(), "pending-3");
    assert_eq!(sent.link_id, "17");
    assert_eq!(sent.masked_email, "a***@example.com");

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &project_auth(),
        r#"{"loginId":"ann"}"#,
        json!({"resetMethod": "magiclink", "maskedEmail": "a***"}),
    )
    .await;
    let sent = client.password().send_reset("ann").await.expect("reply");
    assert_eq!(
        (sent.reset_method.as_str(), sent.link_id.as_str()),
        ("magiclink", "")
    );
}

#[tokio::test]
async fn password_replace_with_every_field_and_required_only() {
    let route = "/v1/auth/password/replace";
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &project_auth(),
        json!({
            "loginId": "ann",
            "oldPassword": "old secret",
            "newPassword": "new secret",
            "revokeOtherSessions": true,
            "revokeOtherSessionsTypes": ["web", "mobile"]
        }),
        session_reply(),
    )
    .await;
    let session = client
        .password()
        .replace("ann", "old secret", "new secret")
        .revoke_other_sessions(true)
        .revoke_other_sessions_types(["web", "mobile"])
        .await
        .expect("reply");
    assert_session(&session);

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &project_auth(),
        r#"{"loginId":"ann","oldPassword":"old secret","newPassword":"new secret"}"#,
        session_reply(),
    )
    .await;
    let session = client
        .password()
        .replace("ann", "old secret", "new secret")
        .await
        .expect("reply");
    assert_session(&session);
}

#[tokio::test]
async fn password_update_sends_exact_bytes_and_accepts_an_empty_reply() {
    for reply in [
        ResponseTemplate::new(200).set_body_string("{}"),
        ResponseTemplate::new(200),
    ] {
        let (server, client) = setup().await;
        Mock::given(method("POST"))
            .and(path("/v1/auth/password/update"))
            .and(header("authorization", refresh_auth().as_str()))
            .and(header("x-descope-sdk-name", "rust"))
            .and(body_string(
                r#"{"loginId":"ann","newPassword":"new secret"}"#,
            ))
            .respond_with(reply)
            .expect(1)
            .mount(&server)
            .await;
        let () = client
            .password()
            .update(&refresh(), "ann", "new secret")
            .await
            .expect("reply");
    }
}

#[tokio::test]
async fn password_get_policy_decodes_the_policy() {
    let (server, client) = setup().await;
    expect_get(
        &server,
        "/v1/auth/password/policy",
        Some(&project_auth()),
        ResponseTemplate::new(200).set_body_json(json!({
            "minLength": 12,
            "lowercase": true,
            "uppercase": true,
            "number": false,
            "nonAlphanumeric": true,
            "strengthScoreEnabled": true,
            "strengthScore": 3
        })),
    )
    .await;
    let policy = client.password().get_policy().await.expect("reply");
    assert_eq!(policy.min_length, 12);
    assert!(policy.lowercase && policy.uppercase && !policy.number);
    assert!(policy.non_alphanumeric && policy.strength_score_enabled);
    assert_eq!(policy.strength_score, 3);
    single_bare_get(&server).await;
}

// ---- authenticator apps (TOTP) -------------------------------------------------------------

fn totp_reply() -> Value {
    json!({
        "provisioningURL": "otpauth://totp/Acme:ann?secret=JBSWY3DPEHPK3PXP&issuer=Acme",
        "image": "iVBORw0KGgoAAAANSUhEUg==",
        "key": "JBSWY3DPEHPK3PXP"
    })
}

#[tokio::test]
async fn totp_sign_up_with_every_field_and_required_only() {
    let route = "/v1/auth/totp/signup";
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &project_auth(),
        json!({"loginId": "ann", "user": full_profile_json(), "ssoAppId": "app-1"}),
        totp_reply(),
    )
    .await;
    let setup_reply = client
        .totp()
        .sign_up("ann")
        .user(full_profile())
        .sso_app_id("app-1")
        .await
        .expect("reply");
    assert_eq!(setup_reply.key.expose_secret(), "JBSWY3DPEHPK3PXP");
    assert_eq!(
        setup_reply.image.expose_secret(),
        "iVBORw0KGgoAAAANSUhEUg=="
    );
    assert!(
        setup_reply
            .provisioning_url
            .expose_secret()
            .starts_with("otpauth://totp/Acme:ann?")
    );
    let debug = format!("{setup_reply:?}");
    assert!(!debug.contains("JBSWY3DPEHPK3PXP"), "{debug}");

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &project_auth(),
        r#"{"loginId":"ann"}"#,
        totp_reply(),
    )
    .await;
    let setup_reply = client.totp().sign_up("ann").await.expect("reply");
    assert_eq!(setup_reply.key.expose_secret(), "JBSWY3DPEHPK3PXP");
}

#[tokio::test]
async fn totp_verify_with_every_field_and_required_only() {
    let route = "/v1/auth/totp/verify";
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &project_auth(),
        json!({"loginId": "ann", "code": "123456", "loginOptions": full_login_options_json()}),
        session_reply(),
    )
    .await;
    let session = client
        .totp()
        .verify("ann", "123456")
        .login_options(full_login_options())
        .await
        .expect("reply");
    assert_session(&session);

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &project_auth(),
        r#"{"loginId":"ann","code":"123456"}"#,
        session_reply(),
    )
    .await;
    let session = client.totp().verify("ann", "123456").await.expect("reply");
    assert_session(&session);
}

#[tokio::test]
async fn totp_update_sends_exact_bytes_and_decodes_the_key() {
    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        "/v1/auth/totp/update",
        &refresh_auth(),
        r#"{"loginId":"ann"}"#,
        totp_reply(),
    )
    .await;
    let setup_reply = client
        .totp()
        .update(&refresh(), "ann")
        .await
        .expect("reply");
    assert_eq!(setup_reply.key.expose_secret(), "JBSWY3DPEHPK3PXP");
    assert!(!setup_reply.image.expose_secret().is_empty());
}

// ---- recovery codes ------------------------------------------------------------------------

#[tokio::test]
async fn recovery_codes_generate_with_every_field_and_required_only() {
    let route = "/v1/auth/recovery-codes";
    let reply = json!({"codes": [{"code": "AAAA-1111"}, {"code": "BBBB-2222"}]});
    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &refresh_auth(),
        r#"{"loginId":"ann"}"#,
        reply.clone(),
    )
    .await;
    let generated = client
        .recovery_codes()
        .generate(&refresh())
        .login_id("ann")
        .await
        .expect("reply");
    let codes: Vec<&str> = generated
        .codes
        .iter()
        .map(|c| c.code.expose_secret())
        .collect();
    assert_eq!(codes, ["AAAA-1111", "BBBB-2222"]);
    assert!(!format!("{generated:?}").contains("AAAA-1111"));

    let (server, client) = setup().await;
    expect_post_bytes(&server, route, &refresh_auth(), "{}", reply).await;
    let generated = client
        .recovery_codes()
        .generate(&refresh())
        .await
        .expect("reply");
    assert_eq!(generated.codes.len(), 2);
}

#[tokio::test]
async fn recovery_codes_sign_in_with_every_field_and_required_only() {
    let route = "/v1/auth/recovery-codes/signin";
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &project_auth(),
        json!({"loginId": "ann", "loginOptions": full_login_options_json(), "code": "AAAA-1111"}),
        session_reply(),
    )
    .await;
    let session = client
        .recovery_codes()
        .sign_in("ann", "AAAA-1111")
        .login_options(full_login_options())
        .await
        .expect("reply");
    assert_session(&session);

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &project_auth(),
        r#"{"loginId":"ann","code":"AAAA-1111"}"#,
        session_reply(),
    )
    .await;
    let session = client
        .recovery_codes()
        .sign_in("ann", "AAAA-1111")
        .await
        .expect("reply");
    assert_session(&session);
}

// ---- security questions --------------------------------------------------------------------

fn answers() -> [SecurityQuestionAnswer; 2] {
    [
        SecurityQuestionAnswer::default().id("q1").answer("Rex"),
        SecurityQuestionAnswer::default().id("q2").answer("Lisbon"),
    ]
}

const ANSWERS_JSON: &str = r#"[{"id":"q1","answer":"Rex"},{"id":"q2","answer":"Lisbon"}]"#;

#[tokio::test]
async fn security_questions_setup_with_every_field_and_required_only() {
    let route = "/v1/auth/security-questions/setup";
    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &refresh_auth(),
        &format!(r#"{{"loginId":"ann","answers":{ANSWERS_JSON}}}"#),
        json!({}),
    )
    .await;
    let () = client
        .security_questions()
        .setup(&refresh(), answers())
        .login_id("ann")
        .await
        .expect("reply");

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &refresh_auth(),
        &format!(r#"{{"answers":{ANSWERS_JSON}}}"#),
        json!({}),
    )
    .await;
    client
        .security_questions()
        .setup(&refresh(), answers())
        .await
        .expect("reply");
}

#[tokio::test]
async fn security_questions_get_questions_decodes_the_questions() {
    let (server, client) = setup().await;
    expect_get(
        &server,
        "/v1/auth/security-questions/verify",
        Some(&refresh_auth()),
        ResponseTemplate::new(200).set_body_json(json!({
            "questions": [
                {"id": "q1", "text": "Name of your first pet?"},
                {"id": "q2", "text": "City you were born in?"}
            ]
        })),
    )
    .await;
    let reply = client
        .security_questions()
        .get_questions(&refresh())
        .await
        .expect("reply");
    assert_eq!(reply.questions.len(), 2);
    assert_eq!(reply.questions[0].id, "q1");
    assert_eq!(reply.questions[1].text, "City you were born in?");
    single_bare_get(&server).await;
}

#[tokio::test]
async fn security_questions_verify_with_every_field_and_required_only() {
    let route = "/v1/auth/security-questions/verify";
    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &refresh_auth(),
        &format!(r#"{{"loginId":"ann","answers":{ANSWERS_JSON},"stepup":true}}"#),
        session_reply(),
    )
    .await;
    let session = client
        .security_questions()
        .verify(&refresh(), answers())
        .login_id("ann")
        .stepup(true)
        .await
        .expect("reply");
    assert_session(&session);

    let (server, client) = setup().await;
    expect_post_bytes(
        &server,
        route,
        &refresh_auth(),
        &format!(r#"{{"answers":{ANSWERS_JSON}}}"#),
        session_reply(),
    )
    .await;
    let session = client
        .security_questions()
        .verify(&refresh(), answers())
        .await
        .expect("reply");
    assert_session(&session);
}

// ---- access keys ---------------------------------------------------------------------------

#[tokio::test]
async fn access_key_exchange_with_every_field_and_required_only() {
    let route = "/v1/auth/accesskey/exchange";
    let reply = json!({"keyId": "K1", "sessionJwt": "key.session.jwt", "expiration": "1700000900"});
    let (server, client) = setup().await;
    expect_post(
        &server,
        route,
        &access_key_auth(),
        json!({"loginOptions": {"customClaims": {"role": "ci", "level": 2}, "selectedTenant": "T1"}}),
        reply.clone(),
    )
    .await;
    let key = AccessKey::new("access-key");
    let exchanged = client
        .access_key()
        .exchange(&key)
        .login_options(
            AccessKeyLoginOptions::default()
                .custom_claims([("role", json!("ci")), ("level", json!(2))])
                .selected_tenant("T1"),
        )
        .await
        .expect("reply");
    assert_eq!(exchanged.key_id, "K1");
    let session_jwt = exchanged.session_jwt.as_ref().expect("a session JWT");
    assert_eq!(session_jwt.expose_secret(), "key.session.jwt");
    assert_eq!(
        exchanged.expiration, 1_700_000_900,
        "int64 sent as a string"
    );

    let (server, client) = setup().await;
    expect_post_bytes(&server, route, &access_key_auth(), "{}", reply).await;
    let exchanged = client.access_key().exchange(&key).await.expect("reply");
    assert_eq!(exchanged.key_id, "K1");
}

// ---- client-side checks: nothing is sent ---------------------------------------------------

#[tokio::test]
async fn empty_required_values_fail_before_any_io() {
    let (_server, client) = nothing_is_sent().await;
    let error = client.magic_link().verify(" ").await.expect_err("empty");
    assert_eq!(invalid_field(error), "token");
    let error = client.notp().sign_in("").await.expect_err("empty");
    assert_eq!(invalid_field(error), "provider");
    let error = client
        .password()
        .sign_in("ann", "")
        .await
        .expect_err("empty");
    assert_eq!(invalid_field(error), "password");
    let error = client
        .enchanted_link()
        .get_session("")
        .await
        .expect_err("empty");
    assert_eq!(invalid_field(error), "pendingRef");
    let error = client
        .recovery_codes()
        .sign_in("ann", "")
        .await
        .expect_err("empty");
    assert_eq!(invalid_field(error), "code");
}

#[tokio::test]
async fn malformed_email_and_phone_fail_before_any_io() {
    let (_server, client) = nothing_is_sent().await;
    let error = client
        .magic_link()
        .update_email(&refresh(), "ann", "not-an-email")
        .await
        .expect_err("email");
    assert_eq!(invalid_field(error), "email");
    let error = client
        .magic_link()
        .update_phone_sms(&refresh(), "ann", "call me")
        .await
        .expect_err("phone");
    assert_eq!(invalid_field(error), "phone");
    let error = client
        .enchanted_link()
        .sign_up_email("ann")
        .email("nope")
        .await
        .expect_err("optional email");
    assert_eq!(invalid_field(error), "email");
    let error = client
        .notp()
        .update_phone(&refresh(), "whatsapp", "ann")
        .phone("phone?")
        .await
        .expect_err("optional phone");
    assert_eq!(invalid_field(error), "phone");
}

#[test]
fn passwords_codes_and_tokens_never_show_in_debug() {
    let client = Client::builder(PROJECT)
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("client");
    let requests = [
        format!(
            "{:?}",
            client.password().replace("ann", "old-pw-1", "new-pw-2")
        ),
        format!("{:?}", client.password().sign_in("ann", "old-pw-1")),
        format!("{:?}", client.totp().verify("ann", "old-pw-1")),
        format!("{:?}", client.magic_link().verify("old-pw-1")),
        format!(
            "{:?}",
            client
                .enchanted_link()
                .verify("old-pw-1")
                .pkce_verifier("new-pw-2")
        ),
        format!("{:?}", client.notp().get_session("old-pw-1")),
        format!("{:?}", client.recovery_codes().sign_in("ann", "old-pw-1")),
        format!(
            "{:?}",
            client.security_questions().setup(
                &refresh(),
                [SecurityQuestionAnswer::default().answer("old-pw-1")]
            )
        ),
        format!(
            "{:?}",
            client.access_key().exchange(&AccessKey::new("old-pw-1"))
        ),
    ];
    for debug in requests {
        assert!(
            !debug.contains("old-pw-1") && !debug.contains("new-pw-2"),
            "{debug}"
        );
    }
}
