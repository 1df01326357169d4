//! Drives the example app as a browser would, against the in-process emulator: sign in by OTP,
//! call the protected route with the session (200), without it (401 and a JSON body), and with
//! an expired session plus the refresh cookie (refreshed, and the new cookie comes back).

use descope_api::{Client, SessionJwt};
use descope_emulator::Emulator;
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, SET_COOKIE};
use serde_json::{Value, json};

struct App {
    emulator: Emulator,
    client: Client,
    url: String,
    http: reqwest::Client,
}

async fn start() -> App {
    let emulator = Emulator::start().await.unwrap();
    let client = Client::builder(emulator.project_id())
        .base_url(emulator.base_url())
        .no_proxy()
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = axum_app::app(client.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    App {
        emulator,
        client,
        url,
        http: reqwest::Client::builder().no_proxy().build().unwrap(),
    }
}

/// A reply's JSON body.
async fn json_of(response: reqwest::Response) -> Value {
    serde_json::from_str(&response.text().await.unwrap()).expect("a JSON body")
}

/// The value of cookie `name` among a response's `Set-Cookie` headers.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|cookie| {
            let (pair, _) = cookie.split_once(';').unwrap_or((cookie, ""));
            let (key, value) = pair.split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
}

impl App {
    async fn sign_in(&self, login_id: &str) -> (String, String) {
        let started = self
            .http
            .post(format!("{}/login/start", self.url))
            .header(CONTENT_TYPE, "application/json")
            .body(json!({ "loginId": login_id }).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(started.status(), StatusCode::OK);
        let code = self.emulator.last_code(login_id).expect("a code was sent");
        let verified = self
            .http
            .post(format!("{}/login/verify", self.url))
            .header(CONTENT_TYPE, "application/json")
            .body(json!({ "loginId": login_id, "code": code }).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(verified.status(), StatusCode::OK);
        let session = set_cookie(&verified, "DS").expect("DS cookie");
        let refresh = set_cookie(&verified, "DSR").expect("DSR cookie");
        (session, refresh)
    }

    async fn me(&self, header: Option<(reqwest::header::HeaderName, String)>) -> reqwest::Response {
        let mut request = self.http.get(format!("{}/me", self.url));
        if let Some((name, value)) = header {
            request = request.header(name, value);
        }
        request.send().await.unwrap()
    }
}

#[tokio::test]
async fn sign_in_then_the_protected_route_with_and_without_a_session() {
    let app = start().await;

    // No session: 401 with a small JSON body.
    let response = app.me(None).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body = json_of(response).await;
    assert_eq!(body, json!({"error": "unauthorized", "reason": "missing"}));

    let (session, refresh) = app.sign_in("ann@example.com").await;
    let user_id = app.emulator.user("ann@example.com").unwrap().user_id;

    // The session cookie: 200, nothing refreshed, no cookie set.
    let response = app.me(Some((COOKIE, format!("DS={session}")))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get(SET_COOKIE).is_none());
    let body = json_of(response).await;
    assert_eq!(body["userId"], json!(user_id));
    assert_eq!(body["refreshed"], json!(false));

    // The same session as a bearer token (the scheme in any case).
    let response = app
        .me(Some((AUTHORIZATION, format!("bearer {session}"))))
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    // A forged session: 401, and the reason names the check, not the token.
    let forged = format!("{}.AAAA", session.rsplit_once('.').unwrap().0);
    let response = app.me(Some((COOKIE, format!("DS={forged}")))).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body = response.text().await.unwrap();
    assert_eq!(body, r#"{"error":"unauthorized","reason":"bad_signature"}"#);

    // A public page sees whether a session came along.
    let home = json_of(
        app.http
            .get(format!("{}/", app.url))
            .header(COOKIE, format!("DS={session}"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(home, json!({"signedIn": true}));
    let home = json_of(app.http.get(format!("{}/", app.url)).send().await.unwrap()).await;
    assert_eq!(home, json!({"signedIn": false}));

    // An expired session with the refresh cookie: refreshed, and the new session cookie is set.
    let expired = app
        .emulator
        .mint_session()
        .subject(&user_id)
        .issued_at(app.emulator.now() - 700)
        .expires_at(app.emulator.now() - 100)
        .sign();
    let response = app
        .me(Some((COOKIE, format!("DS={expired}; DSR={refresh}"))))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("Secure"),
        "{cookie}"
    );
    let renewed = set_cookie(&response, "DS").expect("a new DS cookie");
    assert_ne!(renewed, expired);
    let body = json_of(response).await;
    assert_eq!(body["refreshed"], json!(true));
    assert_eq!(body["userId"], json!(user_id));
    let validated = app
        .client
        .validate_session(&SessionJwt::new(renewed))
        .await
        .expect("the new cookie holds a valid session JWT");
    assert_eq!(validated.user_id(), user_id);

    // Expired without a refresh cookie: 401 `expired`.
    let response = app.me(Some((COOKIE, format!("DS={expired}")))).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body = json_of(response).await;
    assert_eq!(body["reason"], "expired");
}
