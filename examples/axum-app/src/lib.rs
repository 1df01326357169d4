//! An axum app whose routes are guarded by descope-api's [`SessionLayer`]: sign in by email
//! OTP, then call `/me` with the session cookie (or `Authorization: Bearer`).
//!
//! | route | what |
//! |---|---|
//! | `POST /login/start` `{"loginId"}` | sends a one-time code by email |
//! | `POST /login/verify` `{"loginId", "code"}` | verifies it; sets the `DS` and `DSR` cookies |
//! | `GET /me` | the signed-in user (401 without a valid session; an expired one is refreshed from `DSR`, and the new `DS` cookie comes back) |
//! | `GET /` | anyone; says whether a session came along |

use axum::Router;
use axum::extract::{Json, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use descope_api::auth::types::DeliveryMethod;
use descope_api::session::axum::SessionLayer;
use descope_api::{Client, Session};
use serde_json::{Value, json};

/// The app, calling Descope (or the emulator) through `client`.
pub fn app(client: Client) -> Router {
    let protected = Router::new()
        .route("/me", get(me))
        .route_layer(SessionLayer::new(client.clone()));
    let public = Router::new()
        .route("/", get(home))
        .route_layer(SessionLayer::optional(client.clone()));
    Router::new()
        .route("/login/start", post(login_start))
        .route("/login/verify", post(login_verify))
        .with_state(client)
        .merge(protected)
        .merge(public)
}

async fn me(session: Session) -> Json<Value> {
    Json(json!({
        "userId": session.user_id(),
        "roles": session.roles(),
        "tenants": session.tenant_ids(),
        "expiresAt": session.expires_at(),
        "refreshed": session.was_refreshed(),
    }))
}

async fn home(session: Option<Session>) -> Json<Value> {
    Json(json!({ "signedIn": session.is_some() }))
}

/// A JSON error reply: the status, and the error's text (which never holds a token).
fn failure(status: StatusCode, error: &descope_api::Error) -> Response {
    (status, Json(json!({ "error": error.to_string() }))).into_response()
}

fn text<'a>(body: &'a Value, name: &str) -> &'a str {
    body.get(name).and_then(Value::as_str).unwrap_or_default()
}

async fn login_start(State(client): State<Client>, Json(body): Json<Value>) -> Response {
    match client
        .otp()
        .sign_up_or_in(DeliveryMethod::Email, text(&body, "loginId"))
        .await
    {
        Ok(sent) => Json(json!({ "maskedEmail": sent.masked_email })).into_response(),
        Err(error) => failure(StatusCode::BAD_REQUEST, &error),
    }
}

async fn login_verify(State(client): State<Client>, Json(body): Json<Value>) -> Response {
    let verified = client
        .otp()
        .verify(
            DeliveryMethod::Email,
            text(&body, "loginId"),
            text(&body, "code"),
        )
        .await;
    let reply = match verified {
        Ok(reply) => reply,
        Err(error) => return failure(StatusCode::UNAUTHORIZED, &error),
    };
    let mut response = Json(json!({ "userId": reply.user.user_id })).into_response();
    let cookies = [
        ("DS", reply.session_jwt.as_ref().map(|t| t.expose_secret())),
        ("DSR", reply.refresh_jwt.as_ref().map(|t| t.expose_secret())),
    ];
    for (name, token) in cookies {
        let Some(token) = token else { continue };
        let cookie = format!("{name}={token}; Path=/; HttpOnly; SameSite=Lax");
        if let Ok(mut value) = HeaderValue::from_str(&cookie) {
            value.set_sensitive(true);
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}
