//! Wire tests of the session, key, OAuth, SAML, SSO, WebAuthn and WS-Federation endpoints against
//! a real HTTP server on 127.0.0.1 (wiremock). Every call is recorded and checked afterwards for
//! the exact method, path, raw query string, `Authorization` header (or its absence), SDK headers
//! and JSON body (every field set, and only the required ones), and its reply is decoded from a
//! body in the shape Descope's document (or, where they differ, its SDKs) shows.

use descope_api::auth::types::{
    LoginOptions, PasskeyAttestation, PasskeyAuthenticatorAttachment,
    PasskeyAuthenticatorSelection, PasskeyOptions, PasskeyResidentKey, PasskeyUserVerification,
    SignUpLoginOptions, SignUpUserProfile,
};
use descope_api::{Client, RefreshJwt};
use serde_json::{Value, json};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

mod support;

use support::*;

// ---- harness -------------------------------------------------------------------------------

/// A server that answers any one request with `reply` and records it for [`assert_sent`].
async fn serve(reply: ResponseTemplate) -> (MockServer, Client) {
    let (server, client) = setup().await;
    Mock::given(|_: &Request| true)
        .respond_with(reply)
        .expect(1)
        .mount(&server)
        .await;
    (server, client)
}

fn json_reply(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// The body a call must have sent.
enum Body {
    /// No body at all (GET).
    None,
    /// A JSON document equal to this one (key order aside).
    Json(Value),
    /// Exactly these bytes.
    Exact(&'static str),
}

/// Everything one call must have put on the wire.
struct Sent {
    method: &'static str,
    path: String,
    /// The raw query string, as sent (`""` for none).
    query: &'static str,
    /// The whole `Authorization` header, or `None` when there must be none.
    auth: Option<String>,
    body: Body,
}

fn post(path: &str, query: &'static str, auth: Option<String>, body: Body) -> Sent {
    Sent {
        method: "POST",
        path: path.to_owned(),
        query,
        auth,
        body,
    }
}

fn get(path: &str, query: &'static str, auth: Option<String>) -> Sent {
    Sent {
        method: "GET",
        path: path.to_owned(),
        query,
        auth,
        body: Body::None,
    }
}

/// Checks that the server saw exactly one request, and that it is `expected`.
async fn assert_sent(server: &MockServer, expected: Sent) {
    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "exactly one request");
    let request = &requests[0];
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .map(|v| v.to_str().expect("ASCII header").to_owned())
    };
    assert_eq!(request.method.as_str(), expected.method);
    assert_eq!(request.url.path(), expected.path);
    assert_eq!(request.url.query().unwrap_or(""), expected.query, "query");
    assert_eq!(header("authorization"), expected.auth, "authorization");
    assert_eq!(header("x-descope-sdk-name").as_deref(), Some("rust"));
    assert_eq!(
        header("x-descope-sdk-version").as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(header("x-descope-project-id").as_deref(), Some(PROJECT));
    match expected.body {
        Body::None => {
            assert!(request.body.is_empty(), "a GET sends no body");
            assert_eq!(header("content-type"), None);
        }
        Body::Json(body) => {
            assert_eq!(header("content-type").as_deref(), Some("application/json"));
            let sent: Value = serde_json::from_slice(&request.body).expect("a JSON body");
            assert_eq!(sent, body);
        }
        Body::Exact(body) => {
            assert_eq!(header("content-type").as_deref(), Some("application/json"));
            assert_eq!(std::str::from_utf8(&request.body).expect("UTF-8"), body);
        }
    }
}

fn project() -> Option<String> {
    Some(project_auth())
}

fn with_refresh() -> Option<String> {
    Some(refresh_auth())
}

/// The document's `LoginOptions` with every field set, as the redirect-style calls send it as
/// their whole body; [`with_login_options!`] sets the same values.
fn every_login_option() -> Value {
    json!({
        "stepup": true,
        "customClaims": {"plan": "gold", "seats": 3},
        "mfa": true,
        "ssoAppId": "app-1",
        "templateOptions": {"greeting": "Hi"},
        "locale": "fr-CA",
        "pkceChallenge": "pkce",
        "revokeOtherSessions": true,
        "revokeOtherSessionsTypes": ["web", "mobile"],
        "tenantId": "T1"
    })
}

/// Sets every login-option field of a redirect-style request to [`every_login_option`].
macro_rules! with_login_options {
    ($request:expr) => {
        $request
            .stepup(true)
            .custom_claims([("plan", json!("gold")), ("seats", json!(3))])
            .mfa(true)
            .sso_app_id("app-1")
            .template_options([("greeting", "Hi")])
            .locale("fr-CA")
            .pkce_challenge("pkce")
            .revoke_other_sessions(true)
            .revoke_other_sessions_types(["web", "mobile"])
            .tenant_id("T1")
    };
}

/// The body of a redirect-style call with no option set: only the fields with a default.
const NO_LOGIN_OPTIONS: &str = r#"{"stepup":false,"mfa":false}"#;

/// A shared `LoginOptions` with a few fields set, and its JSON.
fn some_login_options() -> (LoginOptions, Value) {
    (
        LoginOptions::default()
            .custom_claims([("plan", "gold")])
            .tenant_id("T1"),
        json!({"stepup": false, "customClaims": {"plan": "gold"}, "mfa": false, "tenantId": "T1"}),
    )
}

// ---- session -------------------------------------------------------------------------------

#[tokio::test]
async fn refresh_with_every_field_and_with_none() {
    let (server, client) = serve(json_reply(session_reply())).await;
    let session = client
        .session()
        .refresh(&refresh())
        .external_token("ext-token")
        .await
        .expect("reply");
    assert_session(&session);
    let body = Body::Json(json!({"externalToken": "ext-token"}));
    assert_sent(&server, post("/v1/auth/refresh", "", with_refresh(), body)).await;

    let (server, client) = serve(json_reply(session_reply())).await;
    client.session().refresh(&refresh()).await.expect("reply");
    let body = Body::Exact("{}");
    assert_sent(&server, post("/v1/auth/refresh", "", with_refresh(), body)).await;
}

#[tokio::test]
async fn try_refresh_decodes_a_session_and_an_empty_reply() {
    let (server, client) = serve(json_reply(json!({
        "sessionJwt": "session.jwt",
        "refreshJwt": "rotated.jwt",
        "cookieDomain": "example.com",
        "cookiePath": "/",
        "cookieMaxAge": 2_592_000,
        "cookieExpiration": "1700000000",
        "sessionExpiration": 1_700_000_600,
        "externalToken": "ext-token",
        "claims": {"sub": "U1", "dct": "T1"},
        "tenantSSOID": "T9",
        "trustedDeviceJwt": "trusted.jwt",
        "nextRefreshSeconds": 540,
        "cookieName": "DSR",
        "sessionCookieName": "DS",
        "sessionCookieDomain": "app.example.com"
    })))
    .await;
    let reply = client
        .session()
        .try_refresh(&refresh())
        .external_token("ext-token")
        .await
        .expect("reply");
    assert_eq!(
        reply.session_jwt.as_ref().map(|j| j.expose_secret()),
        Some("session.jwt")
    );
    assert_eq!(
        reply.refresh_jwt.as_ref().map(|j| j.expose_secret()),
        Some("rotated.jwt")
    );
    assert_eq!(reply.cookie_max_age, 2_592_000);
    assert_eq!(reply.cookie_expiration, 1_700_000_000);
    assert_eq!(reply.session_expiration, 1_700_000_600);
    assert_eq!(reply.claims["dct"], json!("T1"));
    assert_eq!(reply.tenant_sso_id, "T9");
    assert_eq!(reply.next_refresh_seconds, 540);
    assert_eq!(reply.cookie_name, "DSR");
    assert_eq!(reply.session_cookie_domain, "app.example.com");
    let body = Body::Json(json!({"externalToken": "ext-token"}));
    assert_sent(
        &server,
        post("/v1/auth/try-refresh", "", with_refresh(), body),
    )
    .await;

    let (server, client) = serve(json_reply(json!({}))).await;
    let reply = client
        .session()
        .try_refresh(&refresh())
        .await
        .expect("reply");
    assert!(reply.session_jwt.is_none() && reply.refresh_jwt.is_none());
    assert_sent(
        &server,
        post(
            "/v1/auth/try-refresh",
            "",
            with_refresh(),
            Body::Exact("{}"),
        ),
    )
    .await;
}

#[tokio::test]
async fn me_decodes_the_user() {
    let (server, client) = serve(json_reply(json!({
        "loginIds": ["ann@example.com", "+15555550100"],
        "userId": "U1",
        "name": "Ann Lee",
        "email": "ann@example.com",
        "verifiedEmail": true,
        "phone": "+15555550100",
        "roleNames": ["admin"],
        "userTenants": [{"tenantId": "T1", "roleNames": ["viewer"], "tenantName": "Acme", "permissions": ["read"]}],
        "status": "enabled",
        "createdTime": 1_690_000_000,
        "webauthn": true,
        "OAuth": {"google": true}
    })))
    .await;
    let user = client.session().me(&refresh()).await.expect("reply");
    assert_eq!(user.user_id, "U1");
    assert_eq!(user.login_ids.len(), 2);
    assert_eq!(user.name, "Ann Lee");
    assert!(user.verified_email && user.webauthn);
    assert_eq!(user.user_tenants[0].permissions, ["read"]);
    assert_eq!(user.created_time, 1_690_000_000);
    assert_eq!(user.oauth.get("google"), Some(&true));
    assert_sent(&server, get("/v1/auth/me", "", with_refresh())).await;
}

#[tokio::test]
async fn me_history_decodes_a_bare_array() {
    let (server, client) = serve(json_reply(json!([
        {"userId": "U1", "loginTime": 1_700_000_000, "city": "Lisbon", "country": "PT", "ip": "192.0.2.7", "selectedTenant": "T1"},
        {"userId": "U1", "loginTime": "1700086400", "city": "Porto", "country": "PT", "ip": "192.0.2.8"}
    ])))
    .await;
    let history = client
        .session()
        .me_history(&refresh())
        .await
        .expect("reply");
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].login_time, 1_700_000_000);
    assert_eq!(history[0].city, "Lisbon");
    assert_eq!(history[0].ip, "192.0.2.7");
    assert_eq!(history[0].selected_tenant, "T1");
    assert_eq!(
        history[1].login_time, 1_700_086_400,
        "int64 sent as a string"
    );
    assert_eq!(history[1].selected_tenant, "");
    assert_sent(&server, get("/v1/auth/me/history", "", with_refresh())).await;
}

#[tokio::test]
async fn select_tenant_sends_the_tenant() {
    let (server, client) = serve(json_reply(session_reply())).await;
    let session = client
        .session()
        .select_tenant(&refresh(), "T1")
        .await
        .expect("reply");
    assert_session(&session);
    let body = Body::Exact(r#"{"tenant":"T1"}"#);
    assert_sent(
        &server,
        post("/v1/auth/tenant/select", "", with_refresh(), body),
    )
    .await;
}

#[tokio::test]
async fn logout_and_logout_all_with_every_field_and_with_none() {
    // The reply repeats the session shape with the tokens emptied.
    let emptied = json!({"sessionJwt": "", "refreshJwt": "", "cookieDomain": "example.com", "cookiePath": "/", "cookieMaxAge": 0});
    for route in ["/v1/auth/logout", "/v1/auth/logoutall"] {
        let (server, client) = serve(json_reply(emptied.clone())).await;
        let reply = if route == "/v1/auth/logout" {
            client
                .session()
                .logout(&refresh())
                .logout_type(["web", "mobile"])
                .await
        } else {
            client
                .session()
                .logout_all(&refresh())
                .logout_type(["web", "mobile"])
                .await
        }
        .expect("reply");
        assert!(reply.session_jwt.is_none() && reply.refresh_jwt.is_none());
        assert_eq!(reply.cookie_domain, "example.com");
        let body = Body::Json(json!({"logoutType": ["web", "mobile"]}));
        assert_sent(&server, post(route, "", with_refresh(), body)).await;

        let (server, client) = serve(json_reply(emptied.clone())).await;
        if route == "/v1/auth/logout" {
            client.session().logout(&refresh()).await
        } else {
            client.session().logout_all(&refresh()).await
        }
        .expect("reply");
        assert_sent(&server, post(route, "", with_refresh(), Body::Exact("{}"))).await;
    }
}

#[tokio::test]
async fn validate_sends_the_session_jwt_and_decodes_the_claims() {
    let (server, client) = serve(json_reply(json!({
        "parsedJWT": {"sub": "U1", "exp": 1_700_000_600, "iss": "P2wireTestProject", "roles": ["admin"]}
    })))
    .await;
    let reply = client.session().validate(&session()).await.expect("reply");
    assert_eq!(reply.parsed_jwt["sub"], json!("U1"));
    assert_eq!(reply.parsed_jwt["exp"], json!(1_700_000_600));
    assert_eq!(reply.parsed_jwt["roles"], json!(["admin"]));
    let sent = post(
        "/v1/auth/validate",
        "",
        Some(session_auth()),
        Body::Exact("{}"),
    );
    assert_sent(&server, sent).await;
}

#[tokio::test]
async fn idp_sso_logout_post_and_get_send_no_authorization() {
    let (server, client) = serve(json_reply(json!({}))).await;
    let () = client
        .session()
        .idp_sso_logout()
        .app("app-1")
        .await
        .expect("reply");
    let body = Body::Exact(r#"{"app":"app-1"}"#);
    assert_sent(&server, post("/v1/auth/idp/sso/logout", "", None, body)).await;

    let (server, client) = serve(json_reply(json!({}))).await;
    client.session().idp_sso_logout().await.expect("reply");
    let body = Body::Exact("{}");
    assert_sent(&server, post("/v1/auth/idp/sso/logout", "", None, body)).await;

    let (server, client) = serve(json_reply(json!({}))).await;
    let () = client
        .session()
        .idp_sso_logout_get()
        .app("app 1")
        .await
        .expect("reply");
    assert_sent(&server, get("/v1/auth/idp/sso/logout", "app=app%201", None)).await;

    let (server, client) = serve(ResponseTemplate::new(200)).await;
    client.session().idp_sso_logout_get().await.expect("reply");
    assert_sent(&server, get("/v1/auth/idp/sso/logout", "", None)).await;
}

fn rsa_key(kid: &str) -> Value {
    json!({"alg": "RS256", "e": "AQAB", "kid": kid, "kty": "RSA", "n": "0vx7agoebGcQSuu", "use": "sig"})
}

#[tokio::test]
async fn get_keys_fills_in_the_project_and_decodes_the_key_set() {
    let (server, client) = serve(json_reply(json!({
        "keys": [
            rsa_key("K1"),
            {"alg": "ES256", "kid": "K2", "kty": "EC", "use": "sig", "crv": "P-256", "x": "f83OJ3D2", "y": "x_FEzRu9"}
        ]
    })))
    .await;
    let set = client
        .session()
        .get_keys()
        .certs(true)
        .await
        .expect("reply");
    assert_eq!(set.keys.len(), 2);
    let rsa = &set.keys[0];
    assert_eq!(
        (rsa.alg.as_str(), rsa.kid.as_str(), rsa.kty.as_str()),
        ("RS256", "K1", "RSA")
    );
    assert_eq!(
        (rsa.e.as_str(), rsa.n.as_str()),
        ("AQAB", "0vx7agoebGcQSuu")
    );
    assert_eq!(rsa.use_, "sig");
    let ec = &set.keys[1];
    assert_eq!(
        (ec.crv.as_str(), ec.x.as_str(), ec.y.as_str()),
        ("P-256", "f83OJ3D2", "x_FEzRu9")
    );
    let path = format!("/v2/keys/{PROJECT}");
    assert_sent(&server, get(&path, "certs=true", None)).await;

    let (server, client) = serve(json_reply(json!({"keys": []}))).await;
    let set = client.session().get_keys().await.expect("reply");
    assert!(set.keys.is_empty());
    assert_sent(&server, get(&path, "", None)).await;
}

#[tokio::test]
async fn get_keys_v1_decodes_a_bare_array() {
    let (server, client) = serve(json_reply(json!([rsa_key("K1"), rsa_key("K2")]))).await;
    let keys = client
        .session()
        .get_keys_v1()
        .certs(false)
        .await
        .expect("reply");
    assert_eq!(keys.len(), 2);
    assert_eq!((keys[0].kid.as_str(), keys[1].kid.as_str()), ("K1", "K2"));
    assert_eq!(keys[1].alg, "RS256");
    let path = format!("/v1/keys/{PROJECT}");
    assert_sent(&server, get(&path, "certs=false", None)).await;

    let (server, client) = serve(json_reply(json!([]))).await;
    client.session().get_keys_v1().await.expect("reply");
    assert_sent(&server, get(&path, "", None)).await;
}

// ---- OAuth ---------------------------------------------------------------------------------

const GOOGLE_PAGE: &str = "https://accounts.google.com/o/oauth2/v2/auth?client_id=abc&state=xyz";

/// The query of an OAuth redirect call with every parameter set, as the tests set them.
const OAUTH_QUERY: &str = "provider=google&redirectURL=https%3A%2F%2Fapp.example.com%2Fcallback%3Fnext%3D%2Fhome&prompt=login&prompt=consent&test=true&rawResponse=true&loginHint=ann%40example.com&initiatedEmail=ann%40example.com";

#[tokio::test]
async fn oauth_start_calls_with_every_field() {
    for route in [
        "/v1/auth/oauth/authorize",
        "/v1/auth/oauth/authorize/signin",
        "/v1/auth/oauth/authorize/signup",
    ] {
        let (server, client) = serve(json_reply(json!({"url": GOOGLE_PAGE, "errorId": ""}))).await;
        let oauth = client.oauth();
        macro_rules! every_field {
            ($request:expr) => {
                with_login_options!(
                    $request
                        .redirect_url("https://app.example.com/callback?next=/home")
                        .prompt(["login", "consent"])
                        .test(true)
                        .raw_response(true)
                        .login_hint("ann@example.com")
                        .initiated_email("ann@example.com")
                )
                .await
            };
        }
        let redirect = match route {
            "/v1/auth/oauth/authorize" => every_field!(oauth.start_sign_up_or_in("google")),
            "/v1/auth/oauth/authorize/signin" => every_field!(oauth.start_sign_in("google")),
            _ => every_field!(oauth.start_sign_up("google")),
        }
        .expect("reply");
        assert_eq!(redirect.url.expect("a URL").as_str(), GOOGLE_PAGE);
        assert_eq!(redirect.error_id, "");
        let body = Body::Json(every_login_option());
        assert_sent(&server, post(route, OAUTH_QUERY, project(), body)).await;
    }
}

#[tokio::test]
async fn oauth_start_calls_with_only_the_provider() {
    for route in [
        "/v1/auth/oauth/authorize",
        "/v1/auth/oauth/authorize/signin",
        "/v1/auth/oauth/authorize/signup",
    ] {
        let (server, client) = serve(json_reply(json!({"url": GOOGLE_PAGE}))).await;
        let oauth = client.oauth();
        let redirect = match route {
            "/v1/auth/oauth/authorize" => oauth.start_sign_up_or_in("github").await,
            "/v1/auth/oauth/authorize/signin" => oauth.start_sign_in("github").await,
            _ => oauth.start_sign_up("github").await,
        }
        .expect("reply");
        assert_eq!(
            redirect.url.expect("a URL").host_str(),
            Some("accounts.google.com")
        );
        let body = Body::Exact(NO_LOGIN_OPTIONS);
        assert_sent(&server, post(route, "provider=github", project(), body)).await;
    }
}

#[tokio::test]
async fn oauth_start_update_user_sends_the_refresh_jwt() {
    let (server, client) = serve(json_reply(json!({"url": GOOGLE_PAGE, "errorId": "E1"}))).await;
    let redirect = with_login_options!(
        client
            .oauth()
            .start_update_user(&refresh(), "google")
            .redirect_url("https://app.example.com/callback?next=/home")
            .allow_all_merge(true)
            .prompt(["select_account"])
            .login_hint("ann@example.com")
            .initiated_email("ann@example.com")
    )
    .await
    .expect("reply");
    assert_eq!(redirect.url.expect("a URL").as_str(), GOOGLE_PAGE);
    assert_eq!(redirect.error_id, "E1");
    let query = "provider=google&redirectURL=https%3A%2F%2Fapp.example.com%2Fcallback%3Fnext%3D%2Fhome&allowAllMerge=true&prompt=select_account&loginHint=ann%40example.com&initiatedEmail=ann%40example.com";
    let body = Body::Json(every_login_option());
    let route = "/v1/auth/oauth/authorize/update";
    assert_sent(&server, post(route, query, with_refresh(), body)).await;

    let (server, client) = serve(json_reply(json!({"url": GOOGLE_PAGE}))).await;
    client
        .oauth()
        .start_update_user(&refresh(), "google")
        .await
        .expect("reply");
    let body = Body::Exact(NO_LOGIN_OPTIONS);
    assert_sent(
        &server,
        post(route, "provider=google", with_refresh(), body),
    )
    .await;
}

#[tokio::test]
async fn oauth_an_empty_redirect_url_decodes_to_none() {
    let (_server, client) = serve(json_reply(json!({"url": "", "errorId": "E2"}))).await;
    let redirect = client.oauth().start_sign_in("google").await.expect("reply");
    assert!(redirect.url.is_none());
    assert_eq!(redirect.error_id, "E2");
}

#[tokio::test]
async fn oauth_start_native_with_every_field_and_required_only() {
    let reply = json!({"clientId": "com.example.app", "stateId": "S1", "nonce": "N1", "implicit": true, "errorId": ""});
    let (server, client) = serve(json_reply(reply.clone())).await;
    let (options, options_json) = some_login_options();
    let started = client
        .oauth()
        .start_native("apple")
        .login_options(options)
        .implicit(true)
        .raw_response(false)
        .await
        .expect("reply");
    assert_eq!(started.client_id, "com.example.app");
    assert_eq!(started.state_id, "S1");
    assert_eq!(started.nonce, "N1");
    assert!(started.implicit);
    let body = Body::Json(
        json!({"provider": "apple", "loginOptions": options_json, "implicit": true, "rawResponse": false}),
    );
    let route = "/v1/auth/oauth/native/start";
    assert_sent(&server, post(route, "", project(), body)).await;

    let (server, client) = serve(json_reply(reply)).await;
    client.oauth().start_native("apple").await.expect("reply");
    let body = Body::Exact(r#"{"provider":"apple"}"#);
    assert_sent(&server, post(route, "", project(), body)).await;
}

#[tokio::test]
async fn oauth_exchange_trades_the_code() {
    let (server, client) = serve(json_reply(session_reply())).await;
    let session = client.oauth().exchange("c0de").await.expect("reply");
    assert_session(&session);
    let body = Body::Exact(r#"{"code":"c0de"}"#);
    assert_sent(
        &server,
        post("/v1/auth/oauth/exchange", "", project(), body),
    )
    .await;
}

#[tokio::test]
async fn oauth_finish_native_with_every_field_and_required_only() {
    let route = "/v1/auth/oauth/native/finish";
    let (server, client) = serve(json_reply(session_reply())).await;
    let session = client
        .oauth()
        .finish_native("apple", "S1")
        .user(r#"{"name":{"firstName":"Ann"}}"#)
        .code("auth-code")
        .id_token("id.token")
        .await
        .expect("reply");
    assert_session(&session);
    let body = Body::Json(json!({
        "provider": "apple",
        "stateId": "S1",
        "user": "{\"name\":{\"firstName\":\"Ann\"}}",
        "code": "auth-code",
        "idToken": "id.token"
    }));
    assert_sent(&server, post(route, "", project(), body)).await;

    let (server, client) = serve(json_reply(session_reply())).await;
    client
        .oauth()
        .finish_native("apple", "S1")
        .await
        .expect("reply");
    let body = Body::Exact(r#"{"provider":"apple","stateId":"S1"}"#);
    assert_sent(&server, post(route, "", project(), body)).await;
}

#[tokio::test]
async fn one_tap_exchange_with_every_field_and_required_only() {
    let route = "/v1/auth/onetap/idtoken/exchange";
    let (server, client) = serve(json_reply(session_reply())).await;
    let (options, options_json) = some_login_options();
    let session = client
        .oauth()
        .exchange_one_tap_id_token("google", "id.token")
        .nonce("N1")
        .login_options(options)
        .await
        .expect("reply");
    assert_session(&session);
    let body = Body::Json(
        json!({"provider": "google", "idToken": "id.token", "nonce": "N1", "loginOptions": options_json}),
    );
    assert_sent(&server, post(route, "", project(), body)).await;

    let (server, client) = serve(json_reply(session_reply())).await;
    client
        .oauth()
        .exchange_one_tap_id_token("google", "id.token")
        .await
        .expect("reply");
    let body = Body::Exact(r#"{"provider":"google","idToken":"id.token"}"#);
    assert_sent(&server, post(route, "", project(), body)).await;
}

#[tokio::test]
async fn one_tap_verify_with_every_field_and_required_only() {
    let route = "/v1/auth/onetap/idtoken/verify";
    let (server, client) = serve(json_reply(json!({"code": "C1"}))).await;
    let (options, options_json) = some_login_options();
    let verified = client
        .oauth()
        .verify_one_tap_id_token("google", "id.token")
        .nonce("N1")
        .login_options(options)
        .await
        .expect("reply");
    assert_eq!(verified.code, "C1");
    let body = Body::Json(
        json!({"provider": "google", "idToken": "id.token", "nonce": "N1", "loginOptions": options_json}),
    );
    assert_sent(&server, post(route, "", project(), body)).await;

    let (server, client) = serve(json_reply(json!({"code": "C2"}))).await;
    let verified = client
        .oauth()
        .verify_one_tap_id_token("google", "id.token")
        .await
        .expect("reply");
    assert_eq!(verified.code, "C2");
    let body = Body::Exact(r#"{"provider":"google","idToken":"id.token"}"#);
    assert_sent(&server, post(route, "", project(), body)).await;
}

#[tokio::test]
async fn one_tap_client_id_puts_the_provider_in_the_path() {
    let client_id = "1234-abc.apps.googleusercontent.com";
    let (server, client) = serve(json_reply(json!({"clientId": client_id}))).await;
    let reply = client
        .oauth()
        .get_one_tap_client_id("google")
        .await
        .expect("reply");
    assert_eq!(reply.client_id, client_id);
    let sent = get("/v1/auth/onetap/clientid/google", "", project());
    assert_sent(&server, sent).await;
}

// ---- SAML, SSO, WS-Federation --------------------------------------------------------------

const IDP_PAGE: &str = "https://idp.example.com/sso/saml?SAMLRequest=fZJ";

/// The query of a SAML or SSO start call with every parameter set (but `ssoId`).
const SSO_QUERY: &str = "tenant=T1&redirectURL=https%3A%2F%2Fapp.example.com%2Fcallback&prompt=login&test=true&forceAuthn=true&loginHint=ann%40example.com&initiatedEmail=ann%40example.com";

#[tokio::test]
async fn saml_start_with_every_field_and_required_only() {
    let route = "/v1/auth/saml/authorize";
    let (server, client) = serve(json_reply(json!({"url": IDP_PAGE}))).await;
    let redirect = with_login_options!(
        client
            .saml()
            .start("T1")
            .redirect_url("https://app.example.com/callback")
            .prompt(["login"])
            .test(true)
            .force_authn(true)
            .login_hint("ann@example.com")
            .initiated_email("ann@example.com")
    )
    .await
    .expect("reply");
    assert_eq!(redirect.url.expect("a URL").as_str(), IDP_PAGE);
    let body = Body::Json(every_login_option());
    assert_sent(&server, post(route, SSO_QUERY, project(), body)).await;

    let (server, client) = serve(json_reply(json!({"url": IDP_PAGE}))).await;
    client.saml().start("T1").await.expect("reply");
    let body = Body::Exact(NO_LOGIN_OPTIONS);
    assert_sent(&server, post(route, "tenant=T1", project(), body)).await;
}

#[tokio::test]
async fn sso_start_with_every_field_and_required_only() {
    let route = "/v1/auth/sso/authorize";
    let (server, client) = serve(json_reply(json!({"url": IDP_PAGE}))).await;
    let redirect = with_login_options!(
        client
            .sso()
            .start("T1")
            .redirect_url("https://app.example.com/callback")
            .prompt(["login"])
            .test(true)
            .force_authn(true)
            .login_hint("ann@example.com")
            .initiated_email("ann@example.com")
            .sso_id("okta-2")
    )
    .await
    .expect("reply");
    assert_eq!(redirect.url.expect("a URL").as_str(), IDP_PAGE);
    let query = "tenant=T1&redirectURL=https%3A%2F%2Fapp.example.com%2Fcallback&prompt=login&test=true&forceAuthn=true&loginHint=ann%40example.com&initiatedEmail=ann%40example.com&ssoId=okta-2";
    let body = Body::Json(every_login_option());
    assert_sent(&server, post(route, query, project(), body)).await;

    let (server, client) = serve(json_reply(json!({"url": IDP_PAGE}))).await;
    client.sso().start("T 1").await.expect("reply");
    let body = Body::Exact(NO_LOGIN_OPTIONS);
    assert_sent(&server, post(route, "tenant=T%201", project(), body)).await;
}

#[tokio::test]
async fn saml_and_sso_exchange_trade_the_code() {
    for route in ["/v1/auth/saml/exchange", "/v1/auth/sso/exchange"] {
        let (server, client) = serve(json_reply(session_reply())).await;
        let session = if route == "/v1/auth/saml/exchange" {
            client.saml().exchange("c0de").await
        } else {
            client.sso().exchange("c0de").await
        }
        .expect("reply");
        assert_session(&session);
        let body = Body::Exact(r#"{"code":"c0de"}"#);
        assert_sent(&server, post(route, "", project(), body)).await;
    }
}

const METADATA: &str = r#"<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://api.descope.com/P2wireTestProject"></md:EntityDescriptor>"#;

fn xml_reply() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({ "xml": METADATA }))
}

#[tokio::test]
async fn saml_and_wsfed_idp_metadata_return_the_xml_document() {
    for route in ["/v1/auth/saml/idp/metadata", "/v1/auth/wsfed/idp/metadata"] {
        let saml = route == "/v1/auth/saml/idp/metadata";
        let (server, client) = serve(xml_reply()).await;
        let xml = if saml {
            client
                .saml()
                .idp_metadata()
                .app("app-1")
                .await
                .expect("reply")
                .xml
        } else {
            client
                .wsfed()
                .idp_metadata()
                .app("app-1")
                .await
                .expect("reply")
                .xml
        };
        assert_eq!(xml, METADATA);
        assert_sent(&server, get(route, "app=app-1", None)).await;

        let (server, client) = serve(xml_reply()).await;
        let xml = if saml {
            client.saml().idp_metadata().await.expect("reply").xml
        } else {
            client.wsfed().idp_metadata().await.expect("reply").xml
        };
        assert!(xml.starts_with("<?xml"));
        assert_sent(&server, get(route, "", None)).await;
    }
}

// ---- WebAuthn ------------------------------------------------------------------------------

const ORIGIN: &str = "https://app.example.com";

fn start_reply(create: bool) -> Value {
    json!({"transactionId": "TX1", "options": "{\"publicKey\":{\"challenge\":\"Y2g\"}}", "create": create})
}

fn every_passkey_option() -> (PasskeyOptions, Value) {
    let selection = PasskeyAuthenticatorSelection::default()
        .authenticator_attachment(PasskeyAuthenticatorAttachment::Platform)
        .require_resident_key(1)
        .resident_key(PasskeyResidentKey::Required)
        .user_verification(PasskeyUserVerification::Preferred)
        .extensions_json(r#"{"credProps":true}"#);
    let options = PasskeyOptions::default()
        .authenticator_selection(selection)
        .attestation(PasskeyAttestation::Direct)
        .user_verification(PasskeyUserVerification::Required)
        .extensions_json("{}");
    let json = json!({
        "authenticatorSelection": {
            "authenticatorAttachment": "platform",
            "requireResidentKey": 1,
            "residentKey": "required",
            "userVerification": "preferred",
            "extensionsJSON": "{\"credProps\":true}"
        },
        "attestation": "direct",
        "userVerification": "required",
        "extensionsJSON": "{}"
    });
    (options, json)
}

#[tokio::test]
async fn webauthn_start_sign_up_with_every_field_and_required_only() {
    let route = "/v1/auth/webauthn/signup/start";
    let (server, client) = serve(json_reply(start_reply(true))).await;
    let user = SignUpUserProfile::default()
        .login_id("ann@example.com")
        .name("Ann Lee")
        .phone("+15555550100")
        .email("ann@example.com")
        .given_name("Ann")
        .middle_name("J")
        .family_name("Lee")
        .recovery_email("ann@example.org")
        .recovery_phone("+15555550199");
    let (passkey, passkey_json) = every_passkey_option();
    let options = SignUpLoginOptions::default()
        .custom_claims([("plan", "gold")])
        .tenant_id("T1");
    let started = client
        .webauthn()
        .start_sign_up("ann@example.com", ORIGIN)
        .user(user)
        .passkey_options(passkey)
        .login_options(options)
        .await
        .expect("reply");
    assert_eq!(started.transaction_id, "TX1");
    assert!(started.options.contains("challenge"));
    assert!(started.create);
    let body = Body::Json(json!({
        "loginId": "ann@example.com",
        "user": {
            "loginId": "ann@example.com",
            "name": "Ann Lee",
            "phone": "+15555550100",
            "email": "ann@example.com",
            "givenName": "Ann",
            "middleName": "J",
            "familyName": "Lee",
            "recoveryEmail": "ann@example.org",
            "recoveryPhone": "+15555550199"
        },
        "origin": ORIGIN,
        "passkeyOptions": passkey_json,
        "loginOptions": {"customClaims": {"plan": "gold"}, "tenantId": "T1"}
    }));
    assert_sent(&server, post(route, "", project(), body)).await;

    let (server, client) = serve(json_reply(start_reply(true))).await;
    client
        .webauthn()
        .start_sign_up("ann@example.com", ORIGIN)
        .await
        .expect("reply");
    let body = Body::Exact(r#"{"loginId":"ann@example.com","origin":"https://app.example.com"}"#);
    assert_sent(&server, post(route, "", project(), body)).await;
}

#[tokio::test]
async fn webauthn_passkey_enums_send_their_wire_values() {
    let attestations = [
        (PasskeyAttestation::None, "none"),
        (PasskeyAttestation::Indirect, "indirect"),
        (PasskeyAttestation::Direct, "direct"),
    ];
    let verifications = [
        (PasskeyUserVerification::Preferred, "preferred"),
        (PasskeyUserVerification::Required, "required"),
        (PasskeyUserVerification::Discouraged, "discouraged"),
    ];
    let attachments = [
        (PasskeyAuthenticatorAttachment::Any, "any"),
        (PasskeyAuthenticatorAttachment::Platform, "platform"),
        (
            PasskeyAuthenticatorAttachment::CrossPlatform,
            "crossplatform",
        ),
    ];
    let resident_keys = [
        (PasskeyResidentKey::Discouraged, "discouraged"),
        (PasskeyResidentKey::Preferred, "preferred"),
        (PasskeyResidentKey::Required, "required"),
    ];
    for i in 0..3 {
        let (server, client) = serve(json_reply(start_reply(false))).await;
        let selection = PasskeyAuthenticatorSelection::default()
            .authenticator_attachment(attachments[i].0)
            .resident_key(resident_keys[i].0);
        let options = PasskeyOptions::default()
            .authenticator_selection(selection)
            .attestation(attestations[i].0)
            .user_verification(verifications[i].0);
        client
            .webauthn()
            .start_sign_in(ORIGIN)
            .passkey_options(options)
            .await
            .expect("reply");
        let body = Body::Json(json!({
            "origin": ORIGIN,
            "passkeyOptions": {
                "authenticatorSelection": {"authenticatorAttachment": attachments[i].1, "residentKey": resident_keys[i].1},
                "attestation": attestations[i].1,
                "userVerification": verifications[i].1
            }
        }));
        let route = "/v1/auth/webauthn/signin/start";
        assert_sent(&server, post(route, "", project(), body)).await;
    }
}

#[tokio::test]
async fn webauthn_start_sign_in_with_every_field_and_without_a_login_id() {
    let route = "/v1/auth/webauthn/signin/start";
    let (server, client) = serve(json_reply(start_reply(false))).await;
    let (passkey, passkey_json) = every_passkey_option();
    let (options, options_json) = some_login_options();
    let started = client
        .webauthn()
        .start_sign_in(ORIGIN)
        .login_id("ann@example.com")
        .passkey_options(passkey)
        .login_options(options)
        .await
        .expect("reply");
    assert_eq!(started.transaction_id, "TX1");
    assert!(!started.create);
    let body = Body::Json(json!({
        "loginId": "ann@example.com",
        "origin": ORIGIN,
        "passkeyOptions": passkey_json,
        "loginOptions": options_json
    }));
    assert_sent(&server, post(route, "", project(), body)).await;

    let (server, client) = serve(json_reply(start_reply(false))).await;
    client
        .webauthn()
        .start_sign_in(ORIGIN)
        .await
        .expect("reply");
    let body = Body::Exact(r#"{"origin":"https://app.example.com"}"#);
    assert_sent(&server, post(route, "", project(), body)).await;
}

#[tokio::test]
async fn webauthn_start_sign_up_or_in_with_every_field_and_required_only() {
    let route = "/v1/auth/webauthn/signup-in/start";
    let (server, client) = serve(json_reply(start_reply(true))).await;
    let (passkey, passkey_json) = every_passkey_option();
    let (options, options_json) = some_login_options();
    let started = client
        .webauthn()
        .start_sign_up_or_in("ann@example.com", ORIGIN)
        .login_options(options)
        .sso_app_id("app-1")
        .passkey_options(passkey)
        .await
        .expect("reply");
    assert!(started.create, "a new user: create a passkey");
    let body = Body::Json(json!({
        "loginId": "ann@example.com",
        "origin": ORIGIN,
        "loginOptions": options_json,
        "ssoAppId": "app-1",
        "passkeyOptions": passkey_json
    }));
    assert_sent(&server, post(route, "", project(), body)).await;

    let (server, client) = serve(json_reply(start_reply(false))).await;
    let started = client
        .webauthn()
        .start_sign_up_or_in("ann@example.com", ORIGIN)
        .await
        .expect("reply");
    assert!(!started.create, "an existing user: use a passkey");
    let body = Body::Exact(r#"{"loginId":"ann@example.com","origin":"https://app.example.com"}"#);
    assert_sent(&server, post(route, "", project(), body)).await;
}

#[tokio::test]
async fn webauthn_start_add_device_with_every_field_and_required_only() {
    let route = "/v1/auth/webauthn/update/start";
    let (server, client) = serve(json_reply(start_reply(true))).await;
    let (passkey, passkey_json) = every_passkey_option();
    let started = client
        .webauthn()
        .start_add_device(&refresh(), "ann@example.com", ORIGIN)
        .passkey_options(passkey)
        .await
        .expect("reply");
    assert_eq!(started.transaction_id, "TX1");
    let body = Body::Json(
        json!({"loginId": "ann@example.com", "origin": ORIGIN, "passkeyOptions": passkey_json}),
    );
    assert_sent(&server, post(route, "", with_refresh(), body)).await;

    let (server, client) = serve(json_reply(start_reply(true))).await;
    client
        .webauthn()
        .start_add_device(&refresh(), "ann@example.com", ORIGIN)
        .await
        .expect("reply");
    let body = Body::Exact(r#"{"loginId":"ann@example.com","origin":"https://app.example.com"}"#);
    assert_sent(&server, post(route, "", with_refresh(), body)).await;
}

const CREDENTIAL: &str =
    r#"{"id":"cred-1","rawId":"Y3JlZC0x","type":"public-key","response":{"clientDataJSON":"e30"}}"#;
const FINISH_BODY: &str = r#"{"transactionId":"TX1","response":"{\"id\":\"cred-1\",\"rawId\":\"Y3JlZC0x\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"e30\"}}"}"#;

#[tokio::test]
async fn webauthn_finish_sign_up_and_sign_in_return_the_session() {
    for route in [
        "/v1/auth/webauthn/signup/finish",
        "/v1/auth/webauthn/signin/finish",
    ] {
        let (server, client) = serve(json_reply(session_reply())).await;
        let webauthn = client.webauthn();
        let session = if route == "/v1/auth/webauthn/signup/finish" {
            webauthn.finish_sign_up("TX1", CREDENTIAL).await
        } else {
            webauthn.finish_sign_in("TX1", CREDENTIAL).await
        }
        .expect("reply");
        assert_session(&session);
        assert_sent(
            &server,
            post(route, "", project(), Body::Exact(FINISH_BODY)),
        )
        .await;
    }
}

#[tokio::test]
async fn webauthn_finish_add_device_replies_with_nothing() {
    let (server, client) = serve(json_reply(json!({}))).await;
    let () = client
        .webauthn()
        .finish_add_device("TX1", CREDENTIAL)
        .await
        .expect("reply");
    let route = "/v1/auth/webauthn/update/finish";
    assert_sent(
        &server,
        post(route, "", project(), Body::Exact(FINISH_BODY)),
    )
    .await;
}

// ---- client-side checks --------------------------------------------------------------------

#[tokio::test]
async fn empty_required_values_fail_before_any_io() {
    let (_server, client) = nothing_is_sent().await;
    let error = client
        .oauth()
        .start_sign_up_or_in(" ")
        .await
        .expect_err("empty");
    assert_eq!(invalid_field(error), "provider");
    let error = client.oauth().exchange("").await.expect_err("empty");
    assert_eq!(invalid_field(error), "code");
    let error = client
        .oauth()
        .get_one_tap_client_id("")
        .await
        .expect_err("empty");
    assert_eq!(invalid_field(error), "provider");
    let error = client.sso().start("").await.expect_err("empty");
    assert_eq!(invalid_field(error), "tenant");
    let error = client
        .session()
        .select_tenant(&refresh(), "")
        .await
        .expect_err("empty");
    assert_eq!(invalid_field(error), "tenant");
    let error = client
        .webauthn()
        .start_sign_up("ann", "")
        .await
        .expect_err("empty");
    assert_eq!(invalid_field(error), "origin");
    let error = client
        .webauthn()
        .finish_sign_in("", CREDENTIAL)
        .await
        .expect_err("empty");
    assert_eq!(invalid_field(error), "transactionId");
}

#[test]
fn codes_and_tokens_never_show_in_debug() {
    let client = Client::builder(PROJECT)
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("client");
    let debug = format!(
        "{:?} {:?} {:?} {:?}",
        client.oauth().exchange("secret-code-1"),
        client
            .oauth()
            .finish_native("apple", "S1")
            .code("secret-code-2")
            .id_token("secret-token-3"),
        client
            .oauth()
            .exchange_one_tap_id_token("google", "secret-token-4"),
        client
            .session()
            .refresh(&RefreshJwt::new("secret-refresh-5"))
            .external_token("secret-token-6"),
    );
    assert!(!debug.contains("secret-"), "{debug}");
}
