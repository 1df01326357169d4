//! The checks every request passes before any flow runs, over raw HTTP (the typed client cannot
//! send most of these mistakes): 404 for unknown operations, 400 for bodies and paths that do
//! not fit spec/, 401 for credentials that do not fit the auth style, 501 for operations the
//! emulator does not implement. Each answer is a Descope error body.

use descope_api::auth::types::DeliveryMethod;
use descope_emulator::Emulator;

mod support;

use support::*;

async fn setup() -> (Emulator, Raw) {
    let (emulator, _client) = start().await;
    let raw = raw(&emulator);
    (emulator, raw)
}

// ---- 404 -------------------------------------------------------------------------------------

#[tokio::test]
async fn unknown_paths_and_methods_are_404() {
    let (_emulator, raw) = setup().await;
    let auth = raw.project_auth();
    let message = raw
        .post("/v1/auth/otp/nothing", Some(&auth), "{}")
        .await
        .error("E011404", 404)
        .to_owned();
    assert_eq!(
        message,
        "no operation POST /v1/auth/otp/nothing in the Descope API"
    );
    let message = raw
        .get("/v1/auth/otp/update/email", Some(&auth))
        .await
        .error("E011404", 404)
        .to_owned();
    assert!(message.ends_with("(the path accepts POST)"), "{message}");
    raw.send("DELETE", "/v1/auth/me", Some(&auth), None)
        .await
        .error("E011404", 404);
    raw.get("/", None).await.error("E011404", 404);
    raw.get("/v1/auth/otp/verify/", None)
        .await
        .error("E011404", 404);
}

// ---- 400 -------------------------------------------------------------------------------------

#[tokio::test]
async fn bodies_and_paths_are_checked_against_the_spec() {
    let (_emulator, raw) = setup().await;
    let auth = raw.project_auth();
    let post = |path: &'static str, body: &'static str| {
        let raw = &raw;
        let auth = auth.clone();
        async move { raw.post(path, Some(&auth), body).await }
    };
    let reply = post("/v1/auth/otp/signup/email", "{}").await;
    assert_eq!(reply.error("E011002", 400), "missing argument `loginId`");
    let reply = post("/v1/auth/otp/signup/email", r#"{"loginId":"  "}"#).await;
    assert_eq!(
        reply.error("E011002", 400),
        "argument `loginId` must not be empty"
    );
    let reply = post(
        "/v1/auth/otp/verify/email",
        r#"{"loginId":"a@b.co","code":null}"#,
    )
    .await;
    assert_eq!(reply.error("E011002", 400), "missing argument `code`");
    let reply = post("/v1/auth/otp/signup/email", r#"{"loginId":["a"]}"#).await;
    assert_eq!(
        reply.error("E011003", 400),
        "`loginId` must be a string, got an array"
    );
    let reply = post(
        "/v1/auth/otp/signin/email",
        r#"{"loginId":"a@b.co","useRecovery":"yes"}"#,
    )
    .await;
    assert_eq!(
        reply.error("E011003", 400),
        "`useRecovery` must be a boolean, got a string"
    );
    let reply = post(
        "/v1/auth/otp/signin/email",
        r#"{"loginId":"a@b.co","loginOptions":{"revokeOtherSessionsTypes":[1]}}"#,
    )
    .await;
    assert_eq!(
        reply.error("E011003", 400),
        "`loginOptions.revokeOtherSessionsTypes[0]` must be a string, got a number"
    );
    let reply = post("/v1/auth/otp/signup/fax", r#"{"loginId":"a@b.co"}"#).await;
    assert_eq!(
        reply.error("E011003", 400),
        "unknown phone method `fax` in the path: expected one of sms, voice, im, whatsapp"
    );
    let reply = post(
        "/v1/auth/otp/verify/pigeon",
        r#"{"loginId":"a","code":"1"}"#,
    )
    .await;
    assert_eq!(
        reply.error("E011003", 400),
        "unknown delivery method `pigeon` in the path: expected one of email, sms, voice, im, whatsapp"
    );
    let reply = post(
        "/v1/auth/otp/signup/email",
        r#"{"loginId":"ann","email":"ann@"}"#,
    )
    .await;
    assert_eq!(
        reply.error("E011003", 400),
        "`email` is not a valid email address"
    );
    let reply = post("/v1/auth/otp/signup/email", r#"{"loginId":"ann"}"#).await;
    assert!(
        reply
            .error("E011003", 400)
            .starts_with("no email address to send to"),
        "{reply:?}"
    );
    let reply = post("/v1/auth/otp/signup/email", "{not json").await;
    assert!(
        reply
            .error("E011001", 400)
            .starts_with("the body is not valid JSON"),
        "{reply:?}"
    );
    let reply = post("/v1/auth/otp/signup/email", "[]").await;
    assert_eq!(
        reply.error("E011001", 400),
        "the body must be a JSON object"
    );

    let keys = format!("/v2/keys/{}?certs=maybe", raw.project);
    let reply = raw.get(&keys, None).await;
    assert_eq!(
        reply.error("E011003", 400),
        "query parameter `certs` must be bool, got `maybe`"
    );
    let reply = raw.get("/v2/keys/P2someoneElse", None).await;
    assert!(reply.error("E011004", 400).contains("unknown project ID"));
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let (_emulator, raw) = setup().await;
    let big = format!(r#"{{"loginId":"{}"}}"#, "a".repeat(100 * 1024));
    let reply = raw
        .send(
            "POST",
            "/v1/auth/otp/signup/email",
            Some(&raw.project_auth()),
            Some(&big),
        )
        .await;
    assert_eq!(
        reply.error("E011001", 400),
        "the body is larger than the emulator's limit of 65536 bytes"
    );
}

// ---- 401 -------------------------------------------------------------------------------------

#[tokio::test]
async fn credentials_must_fit_the_auth_style() {
    let (emulator, client) = start().await;
    let raw = raw(&emulator);
    let session = signed_in(&emulator, &client, "ann@example.com").await;
    let refresh = refresh_of(&session);
    let session_jwt = session_of(&session);
    let body = r#"{"loginId":"ann@example.com","email":"ann@example.org"}"#;
    let update = "/v1/auth/otp/update/email";

    // Project endpoints.
    let signin = "/v1/auth/otp/signin/email";
    let signin_body = r#"{"loginId":"ann@example.com"}"#;
    let message = raw
        .post(signin, None, signin_body)
        .await
        .error("E014001", 401)
        .to_owned();
    assert_eq!(
        message,
        "missing Authorization header: expected `Bearer <ProjectID>`"
    );
    raw.post(signin, Some("Basic abc"), signin_body)
        .await
        .error("E014001", 401);
    raw.post(signin, Some("Bearer "), signin_body)
        .await
        .error("E014001", 401);
    raw.post(signin, Some("Bearer P2someoneElse"), signin_body)
        .await
        .error("E014002", 401);
    raw.post(
        signin,
        Some(&raw.bearer(session_jwt.expose_secret())),
        signin_body,
    )
    .await
    .error("E014003", 401);

    // Refresh endpoints.
    let message = raw
        .post(update, Some(&raw.project_auth()), body)
        .await
        .error("E014001", 401)
        .to_owned();
    assert_eq!(
        message,
        "this operation needs `Bearer <ProjectID>:<RefreshJWT>`"
    );
    let wrong_project = format!("Bearer P2someoneElse:{}", refresh.expose_secret());
    raw.post(update, Some(&wrong_project), body)
        .await
        .error("E014002", 401);
    let message = raw
        .post(update, Some(&raw.bearer(session_jwt.expose_secret())), body)
        .await
        .error("E014003", 401)
        .to_owned();
    assert_eq!(
        message,
        "a session JWT where this operation needs a refresh JWT"
    );
    raw.post(update, Some(&raw.bearer("K2someAccessKey")), body)
        .await
        .error("E014003", 401);
    // Another valid base64url character at the start of the signature.
    let (signed, signature) = refresh.expose_secret().rsplit_once('.').expect("a JWT");
    let first = if signature.starts_with('A') { 'B' } else { 'A' };
    let tampered = format!("{signed}.{first}{}", &signature[1..]);
    raw.post(update, Some(&raw.bearer(&tampered)), body)
        .await
        .error("E014004", 401);
    let me = raw
        .get("/v1/auth/me", Some(&raw.bearer(refresh.expose_secret())))
        .await;
    assert_eq!(me.status, 200, "{:?}", me.body);

    // Session endpoints.
    raw.post(
        "/v1/auth/validate",
        Some(&raw.bearer(refresh.expose_secret())),
        "",
    )
    .await
    .error("E014003", 401);

    // Access-key endpoints take a key, not a JWT; a key the emulator never issued is refused.
    raw.post(
        "/v1/auth/accesskey/exchange",
        Some(&raw.bearer(refresh.expose_secret())),
        "{}",
    )
    .await
    .error("E014003", 401);
    raw.post(
        "/v1/auth/accesskey/exchange",
        Some(&raw.bearer("K2someAccessKey")),
        "{}",
    )
    .await
    .error("E014005", 401);

    // Endpoints without auth ignore the header.
    let keys = format!("/v2/keys/{}", raw.project);
    assert_eq!(raw.get(&keys, Some("Bearer nonsense")).await.status, 200);

    // The typed client sees the same codes.
    let other = descope_api::Client::builder("P2someoneElse")
        .base_url(emulator.base_url())
        .build()
        .expect("client");
    assert_api_error(
        other
            .otp()
            .sign_in(DeliveryMethod::Email, "ann@example.com")
            .await,
        "E014002",
        401,
    );
    assert_api_error(
        client
            .session()
            .me(&descope_api::RefreshJwt::new("x.y.z"))
            .await,
        "E014003",
        401,
    );
}

#[tokio::test]
async fn checks_run_in_order_route_then_auth_then_body() {
    let (_emulator, raw) = setup().await;
    // Unknown path beats a missing header; a missing header beats a bad body.
    raw.post("/v1/nothing", None, "{")
        .await
        .error("E011404", 404);
    raw.post("/v1/auth/otp/signup/email", None, "{")
        .await
        .error("E014001", 401);
    raw.post("/v1/auth/otp/signup/email", Some(&raw.project_auth()), "{")
        .await
        .error("E011001", 400);
}

// ---- 501 -------------------------------------------------------------------------------------

#[tokio::test]
async fn unimplemented_operations_answer_501_after_their_checks() {
    let (_emulator, raw) = setup().await;
    let auth = raw.project_auth();
    // Checked first: a missing password is a 400 even though password sign-up is not emulated.
    raw.post(
        "/v1/auth/password/signup",
        Some(&auth),
        r#"{"loginId":"a"}"#,
    )
    .await
    .error("E011002", 400);
    let reply = raw
        .post(
            "/v1/auth/password/signup",
            Some(&auth),
            r#"{"loginId":"a","password":"b"}"#,
        )
        .await;
    assert_eq!(
        reply.error("E011501", 501),
        "the emulator checked this request against spec/ (auth.password.sign_up: POST \
         /v1/auth/password/signup) but does not implement the operation"
    );
    let reply = raw.get("/v1/auth/saml/idp/metadata", None).await;
    reply.error("E011501", 501);
}
