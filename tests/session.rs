//! Session validation against the emulator and a hostile local key server: every rejected-token
//! case and its `SessionError`, the key cache's policy (one fetch at a time, one refetch per
//! cooldown for unknown keys, cached keys surviving a failing server), and secret hygiene.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use descope_api::auth::types::{DeliveryMethod, JwtResponse};
use descope_api::{Client, ClientBuilder, Error, RefreshJwt, SessionError, SessionJwt, TokenKind};
use descope_emulator::{Emulator, NewUser, SigningAlgorithm, TokenKind as MintKind};
use serde_json::{Value, json};
use tokio::net::TcpListener;

mod support;

use support::Captured;

// ---- a hostile key server ----------------------------------------------------------------------

/// What the key server answers.
#[derive(Clone)]
enum Mode {
    /// This key set, after this delay.
    Serve(Value, Duration),
    /// A 200 whose body is not a key set.
    Garbage,
    /// HTTP 503.
    Down,
}

/// A local server counting every request it sees (by path), answering per its [`Mode`].
struct KeyServer {
    base_url: String,
    mode: Arc<Mutex<Mode>>,
    paths: Arc<Mutex<Vec<String>>>,
    fetches: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl KeyServer {
    async fn start(jwks: Value) -> KeyServer {
        let mode = Arc::new(Mutex::new(Mode::Serve(jwks, Duration::ZERO)));
        let paths = Arc::new(Mutex::new(Vec::new()));
        let fetches = Arc::new(AtomicUsize::new(0));
        let (m, p, f) = (mode.clone(), paths.clone(), fetches.clone());
        let app = Router::new().fallback(move |uri: Uri| {
            let (mode, paths, fetches) = (m.clone(), p.clone(), f.clone());
            async move {
                paths.lock().unwrap().push(uri.path().to_owned());
                if uri.path().starts_with("/v2/keys/") {
                    fetches.fetch_add(1, Ordering::SeqCst);
                }
                let current = mode.lock().unwrap().clone();
                let response: Response = match current {
                    Mode::Serve(jwks, delay) => {
                        tokio::time::sleep(delay).await;
                        axum::Json(jwks).into_response()
                    }
                    Mode::Garbage => (StatusCode::OK, "<html>not a key set</html>").into_response(),
                    Mode::Down => StatusCode::SERVICE_UNAVAILABLE.into_response(),
                };
                response
            }
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        KeyServer {
            base_url,
            mode,
            paths,
            fetches,
            task,
        }
    }

    fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }

    fn paths(&self) -> Vec<String> {
        self.paths.lock().unwrap().clone()
    }

    /// Stops answering at all: connections are refused.
    fn stop(&self) {
        self.task.abort();
    }
}

// ---- helpers -----------------------------------------------------------------------------------

fn builder(emulator: &Emulator, base_url: &str) -> ClientBuilder {
    Client::builder(emulator.project_id())
        .base_url(base_url)
        .no_proxy()
}

/// A client reading keys from `server`, with these cache times.
fn client_of(emulator: &Emulator, server: &KeyServer, cooldown: Duration) -> Client {
    builder(emulator, &server.base_url)
        .jwks_refetch_cooldown(cooldown)
        .build()
        .unwrap()
}

fn session_error(result: Result<descope_api::Session, Error>) -> SessionError {
    match result {
        Err(Error::Session(error)) => error,
        Err(other) => panic!("expected a session error, got {other:?}"),
        Ok(session) => panic!("expected a rejection, got {session:?}"),
    }
}

fn jwt(token: &str) -> SessionJwt {
    SessionJwt::new(token)
}

/// The token with its header replaced by `header` (payload and signature kept).
fn with_header(token: &str, header: &Value) -> String {
    let (_, rest) = token.split_once('.').unwrap();
    format!("{}.{rest}", URL_SAFE_NO_PAD.encode(header.to_string()))
}

fn header_of(token: &str) -> Value {
    let head = token.split('.').next().unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(head).unwrap()).unwrap()
}

async fn sign_in(emulator: &Emulator, client: &Client, login_id: &str) -> JwtResponse {
    client
        .otp()
        .sign_up_or_in(DeliveryMethod::Email, login_id)
        .await
        .expect("code sent");
    let code = emulator.last_code(login_id).expect("code in the outbox");
    client
        .otp()
        .verify(DeliveryMethod::Email, login_id, code)
        .await
        .expect("verified")
}

// ---- valid tokens --------------------------------------------------------------------------------

#[tokio::test]
async fn a_signed_in_users_session_validates_with_its_claims() {
    let emulator = Emulator::start().await.unwrap();
    emulator
        .seed_user(
            NewUser::new("ann@example.com")
                .role("admin")
                .tenant("T1", ["owner"]),
        )
        .unwrap();
    let client = builder(&emulator, emulator.base_url()).build().unwrap();
    let reply = sign_in(&emulator, &client, "ann@example.com").await;
    let session = client
        .validate_session(reply.session_jwt.as_ref().unwrap())
        .await
        .expect("valid");
    assert_eq!(session.user_id(), reply.user.user_id);
    assert_eq!(session.project_id(), emulator.project_id());
    assert_eq!(session.amr(), ["otp"]);
    assert!(session.has_roles(["admin"]));
    assert!(session.has_tenant_roles("T1", ["owner"]));
    assert_eq!(session.tenant_ids(), ["T1"]);
    assert!(session.expires_at() > emulator.now());
    assert!(!session.was_refreshed());
    assert!(session.custom_claims().contains_key("sid"));

    // The refresh JWT refreshes; the new session JWT is validated too.
    let refresh = reply.refresh_jwt.clone().unwrap();
    let refreshed = client.refresh_session(&refresh).await.expect("refreshed");
    assert!(refreshed.was_refreshed());
    assert_eq!(refreshed.user_id(), session.user_id());
    // An expired session JWT with a refresh JWT: refreshed. Neither: missing.
    let expired = emulator
        .mint_session()
        .subject(session.user_id())
        .expires_at(emulator.now() - 60)
        .sign();
    let again = client
        .validate_and_refresh_session(Some(&jwt(&expired)), Some(&refresh))
        .await
        .expect("refreshed");
    assert!(again.was_refreshed());
    let only_refresh = client
        .validate_and_refresh_session(None, Some(&refresh))
        .await
        .expect("refreshed");
    assert!(only_refresh.was_refreshed());
    assert!(matches!(
        session_error(client.validate_and_refresh_session(None, None).await),
        SessionError::Missing
    ));
    assert!(matches!(
        session_error(
            client
                .validate_and_refresh_session(Some(&jwt(&expired)), None)
                .await
        ),
        SessionError::Expired
    ));
    // Another failure is not papered over by a refresh.
    let forged = format!("{}x", expired.rsplit_once('.').unwrap().0);
    let forged = format!("{forged}.AAAA");
    assert!(matches!(
        session_error(
            client
                .validate_and_refresh_session(Some(&jwt(&forged)), Some(&refresh))
                .await
        ),
        SessionError::BadSignature | SessionError::Malformed(_)
    ));
}

#[tokio::test]
async fn es256_and_es384_emulators_tokens_validate() {
    for algorithm in [SigningAlgorithm::Es256, SigningAlgorithm::Es384] {
        let emulator = Emulator::builder()
            .signing_algorithm(algorithm)
            .start()
            .await
            .unwrap();
        let client = builder(&emulator, emulator.base_url()).build().unwrap();
        let reply = sign_in(&emulator, &client, "bo@example.com").await;
        let token = reply.session_jwt.unwrap();
        assert_eq!(header_of(token.expose_secret())["alg"], algorithm.as_str());
        client.validate_session(&token).await.expect("valid");
        // An ECDSA token claiming the other curve's algorithm.
        let other = if algorithm == SigningAlgorithm::Es256 {
            "ES384"
        } else {
            "ES256"
        };
        let mut header = header_of(token.expose_secret());
        header["alg"] = json!(other);
        let swapped = with_header(token.expose_secret(), &header);
        assert!(matches!(
            session_error(client.validate_session(&jwt(&swapped)).await),
            SessionError::WrongAlgorithm
        ));
    }
}

// ---- rejected tokens -----------------------------------------------------------------------------

#[tokio::test]
async fn times_are_checked_with_the_leeway() {
    let emulator = Emulator::start().await.unwrap();
    let client = builder(&emulator, emulator.base_url()).build().unwrap();
    let now = emulator.now();
    let check = async |token: String| client.validate_session(&jwt(&token)).await;
    // The default leeway is 5 s; each case is 2 s or more from its edge, so a second ticking by
    // between minting and checking changes nothing.
    let mint = || emulator.mint_session();
    assert!(check(mint().expires_at(now - 3).sign()).await.is_ok());
    assert!(matches!(
        session_error(check(mint().expires_at(now - 8).sign()).await),
        SessionError::Expired
    ));
    assert!(check(mint().not_before(now + 3).sign()).await.is_ok());
    assert!(matches!(
        session_error(check(mint().not_before(now + 8).sign()).await),
        SessionError::NotYetValid
    ));
    assert!(check(mint().issued_at(now + 3).sign()).await.is_ok());
    assert!(matches!(
        session_error(check(mint().issued_at(now + 8).sign()).await),
        SessionError::NotYetValid
    ));
    // Without leeway, 3 s past `exp` is expired.
    let strict = builder(&emulator, emulator.base_url())
        .session_leeway(Duration::ZERO)
        .build()
        .unwrap();
    assert!(matches!(
        session_error(
            strict
                .validate_session(&jwt(&mint().expires_at(now - 3).sign()))
                .await
        ),
        SessionError::Expired
    ));
    // A malformed `exp` (CVE-2026-25537 in jsonwebtoken 9) or none at all.
    for token in [
        mint().claim("exp", json!("tomorrow")).sign(),
        mint().claim("exp", json!(-5)).sign(),
        mint().without("exp").sign(),
        mint().claim("nbf", json!("now")).sign(),
    ] {
        assert!(matches!(
            session_error(check(token).await),
            SessionError::Malformed(_)
        ));
    }
    // A leeway over an hour does not build.
    assert!(matches!(
        builder(&emulator, emulator.base_url())
            .session_leeway(Duration::from_secs(3601))
            .build(),
        Err(Error::Config(_))
    ));
}

#[tokio::test]
async fn issuers_and_audiences() {
    let emulator = Emulator::start().await.unwrap();
    let client = builder(&emulator, emulator.base_url()).build().unwrap();
    let project = emulator.project_id().to_owned();
    let check = async |client: &Client, token: String| client.validate_session(&jwt(&token)).await;
    for issuer in [
        project.clone(),
        format!("https://api.descope.com/{project}"),
    ] {
        assert!(
            check(&client, emulator.mint_session().issuer(issuer).sign())
                .await
                .is_ok()
        );
    }
    for issuer in ["P2someoneElse", "https://api.descope.com/P2someoneElse", ""] {
        assert!(matches!(
            session_error(check(&client, emulator.mint_session().issuer(issuer).sign()).await),
            SessionError::WrongIssuer
        ));
    }
    assert!(matches!(
        session_error(check(&client, emulator.mint_session().without("iss").sign()).await),
        SessionError::WrongIssuer
    ));
    // `aud`: optional, but when present it must name the project.
    assert!(
        check(
            &client,
            emulator.mint_session().audience(project.as_str()).sign()
        )
        .await
        .is_ok()
    );
    assert!(
        check(
            &client,
            emulator
                .mint_session()
                .audience(json!([project, "x"]))
                .sign()
        )
        .await
        .is_ok()
    );
    assert!(matches!(
        session_error(check(&client, emulator.mint_session().audience("my-api").sign()).await),
        SessionError::WrongAudience
    ));
    // With an audience configured, it is required.
    let strict = builder(&emulator, emulator.base_url())
        .audience(["my-api"])
        .build()
        .unwrap();
    assert!(
        check(&strict, emulator.mint_session().audience("my-api").sign())
            .await
            .is_ok()
    );
    for token in [
        emulator.mint_session().sign(),
        emulator.mint_session().audience(project.as_str()).sign(),
    ] {
        assert!(matches!(
            session_error(check(&strict, token).await),
            SessionError::WrongAudience
        ));
    }
}

#[tokio::test]
async fn a_refresh_jwt_is_no_session_jwt_and_the_reverse() {
    let emulator = Emulator::start().await.unwrap();
    let server = KeyServer::start(emulator.jwks()).await;
    let client = client_of(&emulator, &server, Duration::from_secs(30));
    let refresh = emulator.mint_session().kind(MintKind::Refresh).sign();
    assert!(matches!(
        session_error(client.validate_session(&jwt(&refresh)).await),
        SessionError::WrongKind {
            expected: TokenKind::Session
        }
    ));
    let session = emulator.mint_session().sign();
    assert!(matches!(
        session_error(client.refresh_session(&RefreshJwt::new(session)).await),
        SessionError::WrongKind {
            expected: TokenKind::Refresh
        }
    ));
    // Neither kind: no `drn`, or another value.
    for token in [
        emulator.mint_session().without("drn").sign(),
        emulator.mint_session().claim("drn", json!("DSX")).sign(),
    ] {
        assert!(matches!(
            session_error(client.validate_session(&jwt(&token)).await),
            SessionError::WrongKind { .. }
        ));
    }
    // The session JWT presented as a refresh JWT never reached the refresh endpoint.
    assert!(
        server
            .paths()
            .iter()
            .all(|path| path.starts_with("/v2/keys/")),
        "{:?}",
        server.paths()
    );
}

#[tokio::test]
async fn the_key_decides_the_algorithm() {
    let emulator = Emulator::start().await.unwrap();
    let client = builder(&emulator, emulator.base_url()).build().unwrap();
    let token = emulator.mint_session().sign();
    let kid = emulator.key_id();
    client.validate_session(&jwt(&token)).await.expect("valid");
    let (signed, _) = token.rsplit_once('.').unwrap();

    // `alg: none`, with and without a signature.
    let none = with_header(&token, &json!({"alg": "none", "kid": kid, "typ": "JWT"}));
    let (none_signed, _) = none.rsplit_once('.').unwrap();
    for forged in [format!("{none_signed}."), none.clone()] {
        assert!(matches!(
            session_error(client.validate_session(&jwt(&forged)).await),
            SessionError::WrongAlgorithm
        ));
    }
    // HS256 signed with the public key as the HMAC secret (the classic key confusion).
    let jwks = emulator.jwks();
    let public_key = jwks["keys"][0].to_string();
    let hs_head = with_header(&token, &json!({"alg": "HS256", "kid": kid}));
    let (hs_signed, _) = hs_head.rsplit_once('.').unwrap();
    for secret in [
        public_key.as_bytes(),
        jwks["keys"][0]["n"].as_str().unwrap().as_bytes(),
    ] {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret);
        let mac = ring::hmac::sign(&key, hs_signed.as_bytes());
        let forged = format!("{hs_signed}.{}", URL_SAFE_NO_PAD.encode(mac.as_ref()));
        assert!(matches!(
            session_error(client.validate_session(&jwt(&forged)).await),
            SessionError::WrongAlgorithm
        ));
    }
    // Another RSA algorithm than the key's.
    for alg in ["RS512", "PS256", "ES256", "EdDSA", "rs256", ""] {
        let forged = with_header(&token, &json!({"alg": alg, "kid": kid}));
        assert!(matches!(
            session_error(client.validate_session(&jwt(&forged)).await),
            SessionError::WrongAlgorithm
        ));
    }
    // A critical header extension jsonwebtoken does not know.
    let crit = with_header(
        &token,
        &json!({"alg": "RS256", "kid": kid, "crit": ["exp"], "exp": 1}),
    );
    assert!(client.validate_session(&jwt(&crit)).await.is_err());
    let _ = signed;
}

#[tokio::test]
async fn a_tampered_payload_or_signature_does_not_verify() {
    let emulator = Emulator::start().await.unwrap();
    let client = builder(&emulator, emulator.base_url()).build().unwrap();
    let token = emulator.mint_session().roles(["viewer"]).sign();
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
    claims["roles"] = json!(["admin"]);
    parts[1] = URL_SAFE_NO_PAD.encode(claims.to_string());
    assert!(matches!(
        session_error(client.validate_session(&jwt(&parts.join("."))).await),
        SessionError::BadSignature
    ));
    // Another key's signature: a second emulator signs with a fresh ECDSA... here RSA: its
    // rotation key, under this kid.
    let other = Emulator::start().await.unwrap();
    other.rotate_keys();
    let foreign = other
        .mint_session()
        .key_id(emulator.key_id())
        .issuer(emulator.project_id())
        .sign();
    assert!(matches!(
        session_error(client.validate_session(&jwt(&foreign)).await),
        SessionError::BadSignature
    ));
    for malformed in ["", "a.b", "not a jwt", "a.b.c.d", "x.y.z"] {
        let error = session_error(client.validate_session(&jwt(malformed)).await);
        assert!(
            matches!(error, SessionError::Malformed(_) | SessionError::Missing),
            "{malformed}: {error:?}"
        );
    }
}

// ---- the key cache -----------------------------------------------------------------------------

#[tokio::test]
async fn an_unknown_kid_refetches_once_per_cooldown_and_validates_after_rotation() {
    let emulator = Emulator::start().await.unwrap();
    let server = KeyServer::start(emulator.jwks()).await;
    let cooldown = Duration::from_millis(300);
    let client = client_of(&emulator, &server, cooldown);
    let before = emulator.mint_session().sign();
    client.validate_session(&jwt(&before)).await.expect("valid");
    assert_eq!(server.fetches(), 1);

    emulator.rotate_keys();
    server.set(Mode::Serve(emulator.jwks(), Duration::ZERO));
    let after = emulator.mint_session().sign();
    // Within the cooldown of the first fetch: no refetch, the key is unknown.
    assert!(matches!(
        session_error(client.validate_session(&jwt(&after)).await),
        SessionError::UnknownKey
    ));
    assert_eq!(server.fetches(), 1);
    tokio::time::sleep(cooldown + Duration::from_millis(50)).await;
    client
        .validate_session(&jwt(&after))
        .await
        .expect("valid after one refetch");
    assert_eq!(server.fetches(), 2);
    // The old key is still served in its grace period: old tokens still validate, no fetch.
    client
        .validate_session(&jwt(&before))
        .await
        .expect("old key kept");
    client.validate_session(&jwt(&after)).await.expect("cached");
    assert_eq!(server.fetches(), 2);
}

#[tokio::test]
async fn random_kids_cost_at_most_one_fetch_per_cooldown() {
    let emulator = Emulator::start().await.unwrap();
    let server = KeyServer::start(emulator.jwks()).await;
    let cooldown = Duration::from_millis(400);
    let client = client_of(&emulator, &server, cooldown);
    let token = emulator.mint_session().sign();
    client.validate_session(&jwt(&token)).await.expect("warm");
    assert_eq!(server.fetches(), 1);
    let forged: Vec<String> = (0..1000)
        .map(|i| {
            with_header(
                &token,
                &json!({"alg": "RS256", "kid": format!("random-{i}")}),
            )
        })
        .collect();
    let flood = async || {
        let tasks: Vec<_> = forged
            .iter()
            .map(|token| {
                let (client, token) = (client.clone(), jwt(token));
                tokio::spawn(async move { client.validate_session(&token).await })
            })
            .collect();
        for task in tasks {
            assert!(matches!(
                session_error(task.await.unwrap()),
                SessionError::UnknownKey
            ));
        }
    };
    flood().await;
    assert_eq!(
        server.fetches(),
        1,
        "within the cooldown of the first fetch"
    );
    tokio::time::sleep(cooldown + Duration::from_millis(50)).await;
    flood().await;
    assert_eq!(server.fetches(), 2, "one refetch for the whole flood");
    client
        .validate_session(&jwt(&token))
        .await
        .expect("still valid");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_validations_on_a_cold_cache_fetch_once() {
    let emulator = Emulator::start().await.unwrap();
    let server = KeyServer::start(emulator.jwks()).await;
    server.set(Mode::Serve(emulator.jwks(), Duration::from_millis(200)));
    let client = client_of(&emulator, &server, Duration::from_secs(30));
    let token = jwt(&emulator.mint_session().sign());
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let (client, token) = (client.clone(), token.clone());
            tokio::spawn(async move { client.validate_session(&token).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().expect("valid");
    }
    assert_eq!(server.fetches(), 1);
}

#[tokio::test]
async fn cached_keys_outlive_a_key_server_that_fails() {
    let emulator = Emulator::start().await.unwrap();
    let server = KeyServer::start(emulator.jwks()).await;
    let client = builder(&emulator, &server.base_url)
        .jwks_ttl(Duration::from_millis(50))
        .jwks_refetch_cooldown(Duration::from_millis(50))
        .build()
        .unwrap();
    let token = jwt(&emulator.mint_session().sign());
    client.validate_session(&token).await.expect("warm");
    let mut fetches = server.fetches();
    for mode in [
        Mode::Garbage,
        Mode::Down,
        Mode::Serve(json!({"keys": []}), Duration::ZERO),
        Mode::Serve(
            json!({"keys": [{"kid": "x", "kty": "RSA", "n": "!!", "e": "AQAB"}]}),
            Duration::ZERO,
        ),
    ] {
        server.set(mode);
        tokio::time::sleep(Duration::from_millis(120)).await;
        client
            .validate_session(&token)
            .await
            .expect("the cached keys stay in use");
        assert_eq!(
            server.fetches(),
            fetches + 1,
            "the stale keys were refetched once"
        );
        fetches = server.fetches();
    }
    server.stop();
    tokio::time::sleep(Duration::from_millis(120)).await;
    client
        .validate_session(&token)
        .await
        .expect("unreachable: the cached keys stay");
}

#[tokio::test]
async fn with_nothing_cached_a_failing_key_server_is_a_key_fetch_error() {
    let emulator = Emulator::start().await.unwrap();
    let server = KeyServer::start(json!({})).await;
    server.set(Mode::Garbage);
    let cooldown = Duration::from_millis(100);
    let client = client_of(&emulator, &server, cooldown);
    let token = jwt(&emulator.mint_session().sign());
    let error = session_error(client.validate_session(&token).await);
    let SessionError::KeyFetch(cause) = &error else {
        panic!("{error:?}");
    };
    assert!(matches!(**cause, Error::Decode { .. }), "{cause:?}");
    // Within the cooldown, no new attempt: the same error.
    assert!(matches!(
        session_error(client.validate_session(&token).await),
        SessionError::KeyFetch(_)
    ));
    assert_eq!(server.fetches(), 1);
    server.set(Mode::Serve(emulator.jwks(), Duration::ZERO));
    tokio::time::sleep(cooldown + Duration::from_millis(50)).await;
    client.validate_session(&token).await.expect("recovered");
    assert_eq!(server.fetches(), 2);
}

// ---- secrets -----------------------------------------------------------------------------------

#[tokio::test]
async fn no_token_text_in_any_error_debug_or_log_line() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emulator = Emulator::start().await.unwrap();
    let server = KeyServer::start(emulator.jwks()).await;
    let client = client_of(&emulator, &server, Duration::ZERO);
    let now = emulator.now();
    let good = emulator.mint_session().sign();
    let kid = emulator.key_id();
    let tokens = [
        good.clone(),
        emulator.mint_session().expires_at(now - 100).sign(),
        emulator.mint_session().not_before(now + 100).sign(),
        emulator.mint_session().issuer("P2other").sign(),
        emulator.mint_session().audience("other").sign(),
        emulator.mint_session().kind(MintKind::Refresh).sign(),
        emulator.mint_session().key_id("unknown-kid").sign(),
        with_header(&good, &json!({"alg": "none", "kid": kid})),
        format!("{}.AAAA", good.rsplit_once('.').unwrap().0),
        "garbage-token-text".to_owned(),
    ];
    let mut shown = Vec::new();
    for token in &tokens {
        let result = client.validate_session(&jwt(token)).await;
        shown.push(format!("{result:?}"));
        if let Err(error) = &result {
            shown.push(error.to_string());
            let mut source = std::error::Error::source(error);
            while let Some(cause) = source {
                shown.push(cause.to_string());
                shown.push(format!("{cause:?}"));
                source = cause.source();
            }
        }
        let refreshed = client
            .refresh_session(&RefreshJwt::new(token.as_str()))
            .await;
        shown.push(format!("{refreshed:?}"));
        shown.push(format!("{:?}", client.session_tokens(&Default::default())));
    }
    server.set(Mode::Garbage);
    let cold = client_of(&emulator, &server, Duration::ZERO);
    let failed = cold.validate_session(&jwt(&good)).await;
    shown.push(format!("{failed:?}"));
    shown.push(failed.unwrap_err().to_string());
    shown.push(format!("{client:?}"));
    let logs = captured.text();
    assert!(logs.contains("descope"), "nothing was logged: {logs}");
    shown.push(logs);
    for token in &tokens {
        // No token, nor its payload or signature, shows anywhere.
        let parts: Vec<&str> = token.split('.').filter(|part| part.len() > 8).collect();
        for text in &shown {
            assert!(!text.contains(token.as_str()), "token shown: {text}");
            for part in &parts {
                assert!(!text.contains(part), "part of a token shown: {text}");
            }
        }
    }
}

#[tokio::test]
async fn past_the_ttl_one_validation_refetches_and_the_others_use_the_cached_key() {
    let emulator = Emulator::start().await.unwrap();
    let server = KeyServer::start(emulator.jwks()).await;
    let client = builder(&emulator, &server.base_url)
        .jwks_ttl(Duration::from_millis(50))
        .jwks_refetch_cooldown(Duration::from_millis(50))
        .build()
        .unwrap();
    let token = jwt(&emulator.mint_session().sign());
    client.validate_session(&token).await.expect("warm");
    server.set(Mode::Serve(emulator.jwks(), Duration::from_millis(600)));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (leader_client, leader_token) = (client.clone(), token.clone());
    let leader = tokio::spawn(async move { leader_client.validate_session(&leader_token).await });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = std::time::Instant::now();
    client
        .validate_session(&token)
        .await
        .expect("the cached key");
    assert!(
        started.elapsed() < Duration::from_millis(300),
        "waited {:?} for the refetch in flight",
        started.elapsed()
    );
    leader.await.unwrap().expect("refetched");
    assert_eq!(server.fetches(), 2);
}
