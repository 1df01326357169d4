//! The emulator's stateful flows, driven through descope-api as an application would: OTP and
//! magic-link sign-up / sign-in / verify, updating email and phone, sessions, tenants, JWKS,
//! expiry and the memory caps.

use std::time::Duration;

use descope_api::auth::types::{
    DeliveryMethod, LinkPhoneMethod, LoginOptions, PhoneMethod, SignUpUser,
};
use descope_emulator::{Channel, Emulator, Limits, NewUser, Purpose};
use serde_json::{Value, json};

mod support;

use support::*;

// ---- the quickstart's walk, step by step ----------------------------------------------------

#[tokio::test]
async fn sign_up_verify_update_email_update_phone_me() {
    let (emulator, client) = start().await;
    let otp = client.otp();

    let sent = otp
        .sign_up_email("ann@example.com")
        .user(SignUpUser::default().name("Ann Lee"))
        .await
        .expect("sign up");
    assert_eq!(sent.masked_email, "a***@example.com");
    assert_eq!(sent.verification_attempts, 5);
    let message = emulator.last_message("ann@example.com").expect("sent");
    assert_eq!(
        (message.channel, message.purpose, message.to.as_str()),
        (Channel::Email, Purpose::SignUp, "ann@example.com")
    );
    assert!(
        emulator.user("ann@example.com").is_none(),
        "created on verify"
    );

    let session = verify(&emulator, &client, DeliveryMethod::Email, "ann@example.com").await;
    assert!(session.first_seen);
    assert_eq!(session.user.login_ids, ["ann@example.com"]);
    assert_eq!(session.user.name, "Ann Lee");
    assert!(session.user.verified_email);
    assert_eq!(session.claims["amr"], json!(["otp"]));
    assert_eq!(session.claims["sub"], json!(session.user.user_id));

    let refresh = refresh_of(&session);
    let sent = otp
        .update_email(&refresh, "ann@example.com", "ann@example.org")
        .add_to_login_ids(true)
        .await
        .expect("update email");
    assert_eq!(sent.masked_email, "a***@example.org");
    let message = emulator.last_message("ann@example.com").expect("sent");
    assert_eq!(
        (message.purpose, message.to.as_str()),
        (Purpose::UpdateEmail, "ann@example.org")
    );
    let session = verify(&emulator, &client, DeliveryMethod::Email, "ann@example.com").await;
    assert!(!session.first_seen);
    assert_eq!(session.user.email, "ann@example.org");
    assert_eq!(
        session.user.login_ids,
        ["ann@example.com", "ann@example.org"]
    );

    let refresh = refresh_of(&session);
    let sent = otp
        .update_phone(
            &refresh,
            PhoneMethod::Sms,
            "ann@example.com",
            "+15555550100",
        )
        .add_to_login_ids(true)
        .await
        .expect("update phone");
    assert_eq!(sent.masked_phone, "+1********00");
    assert_eq!(
        emulator.last_message("+15555550100").expect("sent").channel,
        Channel::Sms
    );
    let session = verify(&emulator, &client, DeliveryMethod::Sms, "ann@example.com").await;

    let me = client
        .session()
        .me(&refresh_of(&session))
        .await
        .expect("me");
    assert_eq!(me.email, "ann@example.org");
    assert_eq!(me.phone, "+15555550100");
    assert!(me.verified_email && me.verified_phone);
    assert_eq!(
        me.login_ids,
        ["ann@example.com", "ann@example.org", "+15555550100"]
    );
    // The new login IDs sign in.
    otp.sign_in(DeliveryMethod::Sms, "+15555550100")
        .await
        .expect("the phone is a login ID now");
}

#[tokio::test]
async fn without_add_to_login_ids_only_the_address_changes() {
    let (emulator, client) = start().await;
    let session = signed_in(&emulator, &client, "ann@example.com").await;
    client
        .otp()
        .update_email(&refresh_of(&session), "ann@example.com", "ann@example.org")
        .await
        .expect("update");
    let session = verify(&emulator, &client, DeliveryMethod::Email, "ann@example.com").await;
    assert_eq!(session.user.email, "ann@example.org");
    assert_eq!(session.user.login_ids, ["ann@example.com"]);
    assert!(emulator.user("ann@example.org").is_none());
}

// ---- JWTs and keys ---------------------------------------------------------------------------

#[tokio::test]
async fn a_standard_jwt_library_verifies_the_session_jwt_with_the_jwks() {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header};

    // jsonwebtoken verifies through a process-wide provider: descope-api's, backed by ring.
    descope_api::session::install_crypto_provider();
    let (emulator, client) = start().await;
    emulator
        .seed_user(
            NewUser::new("ann@example.com")
                .role("admin")
                .tenant("T1", ["viewer"]),
        )
        .expect("seed");
    let session = signed_in(&emulator, &client, "ann@example.com").await;

    let keys = client.session().get_keys().await.expect("v2 keys").keys;
    let keys_v1 = client.session().get_keys_v1().await.expect("v1 keys");
    assert_eq!(keys.len(), 1);
    assert_eq!(keys_v1.len(), 1);
    assert_eq!(keys[0].n, keys_v1[0].n);
    let jwk = &keys[0];
    assert_eq!(
        (jwk.kty.as_str(), jwk.alg.as_str(), jwk.use_.as_str()),
        ("RSA", "RS256", "sig")
    );

    let token = session_of(&session);
    let header = decode_header(token.expose_secret()).expect("header");
    assert_eq!(header.kid.as_deref(), Some(jwk.kid.as_str()));
    let key = DecodingKey::from_rsa_components(&jwk.n, &jwk.e).expect("RSA key");
    let issuer = format!("{}/{}", emulator.base_url(), emulator.project_id());
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_issuer(&[issuer.as_str()]);
    let claims = decode::<Value>(token.expose_secret(), &key, &validation)
        .expect("the session JWT verifies")
        .claims;
    assert_eq!(claims["sub"], json!(session.user.user_id));
    assert_eq!(claims["drn"], "DS");
    assert_eq!(claims["amr"], json!(["otp"]));
    assert_eq!(claims["roles"], json!(["admin"]));
    assert_eq!(
        claims["tenants"],
        json!({"T1": {"roles": ["viewer"], "permissions": []}})
    );
    assert!(claims["exp"].as_u64() > claims["iat"].as_u64());
    assert_eq!(
        Value::Object(session.claims.clone().into_iter().collect()),
        claims
    );

    let refresh = decode::<Value>(refresh_of(&session).expose_secret(), &key, &validation)
        .expect("the refresh JWT verifies")
        .claims;
    assert_eq!(refresh["drn"], "DSR");
    assert_eq!(refresh["sid"], claims["sid"]);
    assert!(refresh["exp"].as_u64() > claims["exp"].as_u64());
    assert_eq!(emulator.jwks()["keys"][0]["n"], json!(jwk.n));
}

#[tokio::test]
async fn an_emulator_rejects_another_emulators_tokens() {
    let (first, first_client) = start().await;
    let (second, second_client) = start().await;
    let session = signed_in(&first, &first_client, "ann@example.com").await;
    second
        .seed_user(NewUser::new("ann@example.com"))
        .expect("seed");
    let result = second_client.session().me(&refresh_of(&session)).await;
    let message = assert_api_error(result, "E014004", 401);
    assert!(message.contains("another project or emulator"), "{message}");
}

// ---- sign-in over every channel, sign-up-or-in -----------------------------------------------

#[tokio::test]
async fn sign_in_over_every_channel() {
    let (emulator, client) = start().await;
    emulator
        .seed_user(
            NewUser::new("ann@example.com")
                .phone("+15555550100")
                .verified(false),
        )
        .expect("seed");
    for (method, channel, masked) in [
        (DeliveryMethod::Email, Channel::Email, "a***@example.com"),
        (DeliveryMethod::Sms, Channel::Sms, "+1********00"),
        (DeliveryMethod::Voice, Channel::Voice, "+1********00"),
        (DeliveryMethod::Im, Channel::Im, "+1********00"),
        (DeliveryMethod::Whatsapp, Channel::Whatsapp, "+1********00"),
    ] {
        let sent = client
            .otp()
            .sign_in(method, "ann@example.com")
            .await
            .expect("sign in");
        if channel == Channel::Email {
            assert_eq!(sent.masked_email, masked);
        } else {
            assert_eq!(sent.masked_phone, masked);
        }
        let message = emulator.last_message("ann@example.com").expect("sent");
        assert_eq!(
            (message.channel, message.purpose),
            (channel, Purpose::SignIn)
        );
        let session = verify(&emulator, &client, method, "ann@example.com").await;
        assert!(!session.first_seen);
    }
    let user = emulator.user("ann@example.com").expect("user");
    assert!(
        user.verified_email && user.verified_phone,
        "proven by the codes"
    );
}

#[tokio::test]
async fn sign_up_by_phone_and_sign_up_or_in() {
    let (emulator, client) = start().await;
    client
        .otp()
        .sign_up_phone(PhoneMethod::Voice, "+15555550123")
        .await
        .expect("sign up by voice");
    let session = verify(&emulator, &client, DeliveryMethod::Voice, "+15555550123").await;
    assert_eq!(session.user.phone, "+15555550123");
    assert!(session.user.verified_phone && !session.user.verified_email);

    // New login ID: sign-up-or-in creates the user.
    client
        .otp()
        .sign_up_or_in(DeliveryMethod::Im, "+15555550124")
        .await
        .expect("sign up or in");
    let session = verify(&emulator, &client, DeliveryMethod::Im, "+15555550124").await;
    assert!(session.first_seen);
    // Existing login ID: it signs the user in.
    client
        .otp()
        .sign_up_or_in(DeliveryMethod::Voice, "+15555550123")
        .await
        .expect("sign up or in");
    assert_eq!(
        emulator.last_message("+15555550123").expect("sent").purpose,
        Purpose::SignIn
    );
    let session = verify(&emulator, &client, DeliveryMethod::Voice, "+15555550123").await;
    assert!(!session.first_seen);
    // Sign-up-or-in by email needs a login ID that is an email address.
    let result = client
        .otp()
        .sign_up_or_in(DeliveryMethod::Email, "+15555550125")
        .await;
    assert_api_error(result, "E011003", 400);
}

// ---- the error paths of the flows ------------------------------------------------------------

#[tokio::test]
async fn wrong_codes_then_too_many_attempts() {
    let (emulator, client) = start_with(Limits {
        max_attempts: 3,
        ..Limits::default()
    })
    .await;
    emulator
        .seed_user(NewUser::new("ann@example.com"))
        .expect("seed");
    let sent = client
        .otp()
        .sign_in(DeliveryMethod::Email, "ann@example.com")
        .await
        .expect("sent");
    assert_eq!(sent.verification_attempts, 3);
    let code = emulator.last_code("ann@example.com").expect("code");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let verify_with = |code: &str| {
        client
            .otp()
            .verify(DeliveryMethod::Email, "ann@example.com", code.to_owned())
    };
    let message = assert_api_error(verify_with(wrong).await, "E061102", 401);
    assert!(message.contains("2 attempts left"), "{message}");
    assert_api_error(verify_with(wrong).await, "E061102", 401);
    assert_api_error(verify_with(wrong).await, "E061103", 429);
    // The code is locked now, even the right one.
    assert_api_error(verify_with(&code).await, "E061103", 429);
    // A new code starts over.
    client
        .otp()
        .sign_in(DeliveryMethod::Email, "ann@example.com")
        .await
        .expect("sent");
    verify(&emulator, &client, DeliveryMethod::Email, "ann@example.com").await;
    // Used codes are gone.
    let used = emulator.last_code("ann@example.com").expect("code");
    assert_api_error(verify_with(&used).await, "E061102", 401);
}

#[tokio::test]
async fn user_exists_and_user_not_found() {
    let (emulator, client) = start().await;
    emulator
        .seed_user(NewUser::new("ann@example.com"))
        .expect("seed");
    let message = assert_api_error(
        client.otp().sign_up_email("ann@example.com").await,
        "E062107",
        409,
    );
    assert!(message.contains("ann@example.com"), "{message}");
    assert_api_error(
        client
            .otp()
            .sign_in(DeliveryMethod::Sms, "nobody@example.com")
            .await,
        "E062108",
        400,
    );
    // A seeded user without a phone cannot get a code by SMS.
    assert_api_error(
        client
            .otp()
            .sign_in(DeliveryMethod::Sms, "ann@example.com")
            .await,
        "E011003",
        400,
    );
    // Two sign-ups race: the second verify finds the login ID taken.
    client
        .otp()
        .sign_up_email("bob@example.com")
        .await
        .expect("sent");
    let first = emulator.last_code("bob@example.com").expect("code");
    client
        .otp()
        .sign_up_phone(PhoneMethod::Sms, "bob@example.com")
        .phone("+15555550100")
        .await
        .expect("sent");
    verify(&emulator, &client, DeliveryMethod::Sms, "bob@example.com").await;
    assert_api_error(
        client
            .otp()
            .verify(DeliveryMethod::Email, "bob@example.com", first)
            .await,
        "E062107",
        409,
    );
}

#[tokio::test]
async fn codes_expire() {
    let (emulator, client) = start().await;
    emulator
        .seed_user(NewUser::new("ann@example.com"))
        .expect("seed");
    client
        .otp()
        .sign_in(DeliveryMethod::Email, "ann@example.com")
        .await
        .expect("sent");
    let code = emulator.last_code("ann@example.com").expect("code");
    emulator.advance_time(Limits::default().code_ttl + Duration::from_secs(1));
    let message = assert_api_error(
        client
            .otp()
            .verify(DeliveryMethod::Email, "ann@example.com", code)
            .await,
        "E061102",
        401,
    );
    assert!(message.contains("expired"), "{message}");
}

// ---- sessions --------------------------------------------------------------------------------

#[tokio::test]
async fn refresh_me_logout_and_revoked_tokens() {
    let (emulator, client) = start().await;
    let session = signed_in(&emulator, &client, "ann@example.com").await;
    let refresh = refresh_of(&session);
    let refreshed = client
        .session()
        .refresh(&refresh)
        .external_token("ext-1")
        .await
        .expect("refresh");
    assert_eq!(refreshed.claims["sid"], session.claims["sid"]);
    assert_eq!(refreshed.external_token.expose_secret(), "ext-1");
    assert_eq!(refreshed.user.user_id, session.user.user_id);

    client.session().logout(&refresh).await.expect("logout");
    let message = assert_api_error(client.session().refresh(&refresh).await, "E064001", 401);
    assert!(message.contains("logout"), "{message}");
    assert_api_error(client.session().me(&refresh).await, "E064001", 401);
    // The refresh JWT the refresh reply carried belongs to the same session.
    assert_api_error(
        client.session().me(&refresh_of(&refreshed)).await,
        "E064001",
        401,
    );
    // try-refresh treats it as "no session".
    let tried = client.session().try_refresh(&refresh).await.expect("try");
    assert!(
        tried
            .session_jwt
            .is_none_or(|jwt| jwt.expose_secret().is_empty())
    );
    // Signing in again opens a new session.
    let again = signed_in(&emulator, &client, "ann@example.com").await;
    let tried = client
        .session()
        .try_refresh(&refresh_of(&again))
        .await
        .expect("try");
    assert!(
        tried
            .session_jwt
            .is_some_and(|jwt| !jwt.expose_secret().is_empty())
    );
}

#[tokio::test]
async fn logout_all_ends_every_session_of_the_user() {
    let (emulator, client) = start().await;
    let first = signed_in(&emulator, &client, "ann@example.com").await;
    let second = signed_in(&emulator, &client, "ann@example.com").await;
    let other = signed_in(&emulator, &client, "bob@example.com").await;
    client
        .session()
        .logout_all(&refresh_of(&second))
        .await
        .expect("logout all");
    for session in [&first, &second] {
        assert_api_error(
            client.session().me(&refresh_of(session)).await,
            "E064001",
            401,
        );
    }
    client
        .session()
        .me(&refresh_of(&other))
        .await
        .expect("another user's session lives on");
}

#[tokio::test]
async fn validate_and_session_expiry() {
    let (emulator, client) = start().await;
    let session = signed_in(&emulator, &client, "ann@example.com").await;
    let parsed = client
        .session()
        .validate(&session_of(&session))
        .await
        .expect("valid")
        .parsed_jwt;
    assert_eq!(parsed["sub"], json!(session.user.user_id));
    assert_eq!(parsed["drn"], "DS");

    emulator.advance_time(Limits::default().session_ttl + Duration::from_secs(1));
    let message = assert_api_error(
        client.session().validate(&session_of(&session)).await,
        "E014004",
        401,
    );
    assert!(message.contains("expired"), "{message}");
    // The refresh JWT still works and yields a fresh session JWT.
    let refreshed = client
        .session()
        .refresh(&refresh_of(&session))
        .await
        .expect("refresh");
    client
        .session()
        .validate(&session_of(&refreshed))
        .await
        .expect("valid again");
    // Past the refresh JWT's lifetime the session is gone.
    emulator.advance_time(Limits::default().refresh_ttl);
    assert_api_error(
        client.session().refresh(&refresh_of(&session)).await,
        "E014004",
        401,
    );
}

#[tokio::test]
async fn me_tenants_lists_all_the_current_or_the_chosen_tenants() {
    let (emulator, client) = start().await;
    emulator
        .seed_user(
            NewUser::new("ann@example.com")
                .tenant("T1", ["viewer"])
                .tenant("T2", ["admin"]),
        )
        .expect("seed");
    let session = signed_in(&emulator, &client, "ann@example.com").await;
    let refresh = refresh_of(&session);
    let ids = |reply: descope_api::auth::session::MeTenantsResponse| -> Vec<String> {
        reply.tenants.into_iter().map(|t| t.id).collect()
    };
    let all = client.session().me_tenants(&refresh).await.expect("all");
    assert_eq!(ids(all), ["T1", "T2"]);
    let chosen = client
        .session()
        .me_tenants(&refresh)
        .ids(["T2", "T9"])
        .await
        .expect("chosen");
    assert_eq!(ids(chosen), ["T2"]);
    let none_current = client
        .session()
        .me_tenants(&refresh)
        .dct(true)
        .await
        .expect("dct");
    assert!(ids(none_current).is_empty(), "no tenant selected yet");
    let selected = client
        .session()
        .select_tenant(&refresh, "T2")
        .await
        .expect("member");
    let refresh = refresh_of(&selected);
    let current = client
        .session()
        .me_tenants(&refresh)
        .dct(true)
        .await
        .expect("dct");
    assert_eq!(ids(current), ["T2"]);
    assert_api_error(
        client
            .session()
            .me_tenants(&refresh)
            .dct(true)
            .ids(["T1"])
            .await,
        "E011004",
        400,
    );
}

#[tokio::test]
async fn tenants_custom_claims_and_history() {
    let (emulator, client) = start().await;
    emulator
        .seed_user(NewUser::new("ann@example.com").tenant("T1", ["viewer"]))
        .expect("seed");
    client
        .otp()
        .sign_in(DeliveryMethod::Email, "ann@example.com")
        .login_options(
            LoginOptions::default()
                .custom_claims([("plan", json!("gold")), ("sub", json!("forged"))])
                .tenant_id("T1"),
        )
        .await
        .expect("sent");
    let session = verify(&emulator, &client, DeliveryMethod::Email, "ann@example.com").await;
    assert_eq!(session.claims["plan"], "gold");
    assert_eq!(
        session.claims["sub"],
        json!(session.user.user_id),
        "reserved claims win"
    );
    assert_eq!(session.claims["dct"], "T1");
    let refresh = refresh_of(&session);

    let selected = client
        .session()
        .select_tenant(&refresh, "T1")
        .await
        .expect("member");
    assert_eq!(selected.claims["dct"], "T1");
    assert_api_error(
        client.session().select_tenant(&refresh, "T2").await,
        "E011004",
        400,
    );
    assert_api_error(
        client
            .otp()
            .sign_in(DeliveryMethod::Email, "ann@example.com")
            .login_options(LoginOptions::default().tenant_id("T2"))
            .await,
        "E011004",
        400,
    );

    signed_in(&emulator, &client, "ann@example.com").await;
    let history = client
        .session()
        .me_history(&refresh)
        .await
        .expect("history");
    assert_eq!(history.len(), 2);
    assert!(history.iter().all(|h| h.user_id == session.user.user_id));
}

#[tokio::test]
async fn step_up_needs_the_users_refresh_jwt() {
    let (emulator, client) = start().await;
    let session = signed_in(&emulator, &client, "ann@example.com").await;
    let step_up = || {
        client
            .otp()
            .sign_in(DeliveryMethod::Sms, "ann@example.com")
            .login_options(LoginOptions::default().stepup(true))
    };
    assert_api_error(step_up().await, "E014001", 401);
    // With the user's refresh JWT on the request, the step-up goes through.
    step_up()
        .with_refresh_jwt(&refresh_of(&session))
        .await
        .expect("step-up sign-in sent");
    let stepped = verify(&emulator, &client, DeliveryMethod::Sms, "ann@example.com").await;
    assert_eq!(
        stepped.claims["amr"],
        json!(["otp"]),
        "otp twice stays one entry"
    );
}

// ---- update conflicts and merges ----------------------------------------------------------------

#[tokio::test]
async fn update_onto_another_users_login_id_merges_into_the_current_user() {
    let (emulator, client) = start().await;
    emulator
        .seed_user(NewUser::new("bob@example.com").role("editor"))
        .expect("seed");
    let ann = signed_in(&emulator, &client, "ann@example.com").await;
    client
        .otp()
        .update_email(&refresh_of(&ann), "ann@example.com", "bob@example.com")
        .add_to_login_ids(true)
        .await
        .expect("sent");
    let merged = verify(&emulator, &client, DeliveryMethod::Email, "ann@example.com").await;
    assert_eq!(
        merged.user.user_id, ann.user.user_id,
        "the current user survives"
    );
    assert_eq!(
        merged.user.login_ids,
        ["ann@example.com", "bob@example.com"]
    );
    assert_eq!(merged.user.role_names, ["editor"]);
    assert_eq!(
        emulator.user("bob@example.com").expect("merged").user_id,
        ann.user.user_id
    );
    assert_eq!(emulator.users().len(), 1);
}

#[tokio::test]
async fn on_merge_use_existing_folds_the_current_user_into_the_other() {
    let (emulator, client) = start().await;
    let bob = emulator
        .seed_user(NewUser::new("bob@example.com"))
        .expect("seed");
    let ann = signed_in(&emulator, &client, "ann@example.com").await;
    client
        .otp()
        .update_email(&refresh_of(&ann), "ann@example.com", "bob@example.com")
        .add_to_login_ids(true)
        .on_merge_use_existing(true)
        .await
        .expect("sent");
    let merged = verify(&emulator, &client, DeliveryMethod::Email, "ann@example.com").await;
    assert_eq!(
        merged.user.user_id, bob.user_id,
        "the existing user survives"
    );
    assert_eq!(
        merged.user.login_ids,
        ["bob@example.com", "ann@example.com"]
    );
    assert_eq!(emulator.users().len(), 1);
    // Ann's old session belonged to a user that no longer exists.
    assert_api_error(client.session().me(&refresh_of(&ann)).await, "E014004", 401);
    client
        .session()
        .me(&refresh_of(&merged))
        .await
        .expect("the merged session works");
}

#[tokio::test]
async fn fail_on_conflict_and_foreign_login_ids() {
    let (emulator, client) = start().await;
    emulator
        .seed_user(NewUser::new("bob").phone("+15555550199"))
        .expect("seed");
    let ann = signed_in(&emulator, &client, "ann@example.com").await;
    let refresh = refresh_of(&ann);
    assert_api_error(
        client
            .otp()
            .update_phone(
                &refresh,
                PhoneMethod::Sms,
                "ann@example.com",
                "+15555550199",
            )
            .fail_on_conflict(true)
            .await,
        "E062125",
        409,
    );
    // Without failOnConflict the phone is only an attribute of Bob: no merge, just stored.
    client
        .otp()
        .update_phone(
            &refresh,
            PhoneMethod::Voice,
            "ann@example.com",
            "+15555550199",
        )
        .await
        .expect("sent");
    let updated = verify(&emulator, &client, DeliveryMethod::Voice, "ann@example.com").await;
    assert_eq!(updated.user.phone, "+15555550199");
    assert_eq!(emulator.users().len(), 2);
    // A login ID that is not the signed-in user's.
    assert_api_error(
        client
            .otp()
            .update_email(&refresh, "bob", "x@example.com")
            .await,
        "E011004",
        400,
    );
}

// ---- magic links ---------------------------------------------------------------------------------

#[tokio::test]
async fn a_link_target_sent_as_uri_is_honoured() {
    // The official Go, Node and Python SDKs send the link target as `URI`, the document (and
    // descope-api) as `redirectUrl`: the emulator reads both.
    let (emulator, _client) = start().await;
    let raw = raw(&emulator);
    for (path, login, field) in [
        ("/v1/auth/magiclink/signup/email", "uri@example.com", "URI"),
        (
            "/v1/auth/enchantedlink/signup/email",
            "uri2@example.com",
            "URI",
        ),
        (
            "/v1/auth/magiclink/signup/email",
            "url@example.com",
            "redirectUrl",
        ),
    ] {
        let body = json!({ "loginId": login, field: "https://app.example.com/from-sdk" });
        let reply = raw
            .post(path, Some(&raw.project_auth()), &body.to_string())
            .await;
        assert_eq!(reply.status, 200, "{path} {field}: {:?}", reply.body);
        let link = emulator
            .last_message(login)
            .and_then(|m| m.link)
            .expect("a link");
        assert!(
            link.starts_with("https://app.example.com/from-sdk?"),
            "{path} {field}: {link}"
        );
    }
}

#[tokio::test]
async fn magic_links_share_the_machinery() {
    let (emulator, client) = start().await;
    let links = client.magic_link();
    let sent = links
        .sign_up_email("ann@example.com")
        .redirect_url("https://app.example.com/verify?x=1")
        .await
        .expect("sent");
    assert_eq!(sent.masked_email, "a***@example.com");
    let message = emulator.last_message("ann@example.com").expect("sent");
    let link = message.link.clone().expect("a link");
    assert_eq!(
        link,
        format!("https://app.example.com/verify?x=1&t={}", message.code)
    );
    let session = links.verify(message.code.clone()).await.expect("verify");
    assert_eq!(session.claims["amr"], json!(["magiclink"]));
    assert!(session.first_seen);
    assert_api_error(links.verify(message.code).await, "E061102", 401);

    let refresh = refresh_of(&session);
    links
        .update_phone(
            &refresh,
            LinkPhoneMethod::Sms,
            "ann@example.com",
            "+15555550100",
        )
        .add_to_login_ids(true)
        .await
        .expect("sent");
    let token = emulator.last_code("ann@example.com").expect("token");
    let session = links.verify(token).await.expect("verify");
    assert_eq!(session.user.phone, "+15555550100");

    let sent = links
        .sign_in_phone(LinkPhoneMethod::Sms, "+15555550100")
        .await
        .expect("sign in by the new login ID");
    assert_eq!(sent.masked_phone, "+1********00");
    let message = emulator.last_message("+15555550100").expect("sent");
    assert!(
        message
            .link
            .expect("link")
            .starts_with("http://localhost:3000/verify?t=")
    );
    links.verify(message.code).await.expect("verify");

    links
        .update_email(&refresh, "ann@example.com", "ann@example.org")
        .await
        .expect("sent");
    let token = emulator.last_code("ann@example.org").expect("token");
    assert_eq!(
        links.verify(token).await.expect("verify").user.email,
        "ann@example.org"
    );
    links
        .sign_up_or_in_email("bob@example.com")
        .await
        .expect("sent");
    links
        .verify(emulator.last_code("bob@example.com").expect("token"))
        .await
        .expect("verify");
    links.sign_in_email("bob@example.com").await.expect("sent");
    links
        .sign_up_or_in_phone(LinkPhoneMethod::Sms, "+15555550111")
        .await
        .expect("sent");
    links
        .sign_up_phone(LinkPhoneMethod::Whatsapp, "+15555550112")
        .await
        .expect("sent by WhatsApp");
    assert_api_error(links.verify("no-such-token").await, "E061102", 401);
}

#[tokio::test]
async fn enchanted_links_hand_the_session_to_the_screen_that_polls() {
    let (emulator, client) = start().await;
    let links = client.enchanted_link();
    let sent = links
        .sign_up_or_in_email("ann@example.com")
        .await
        .expect("sent");
    assert_eq!(sent.masked_email, "a***@example.com");
    assert_eq!(sent.link_id.len(), 2);
    let pending_ref = sent.pending_ref.expose_secret().to_owned();
    // Not clicked yet: the poller is told to wait.
    assert_api_error(links.get_session(pending_ref.clone()).await, "E062503", 401);
    let token = emulator.last_code("ann@example.com").expect("token");
    // An enchanted token is not a magic-link token.
    assert_api_error(
        client.magic_link().verify(token.clone()).await,
        "E061102",
        401,
    );
    links.verify(token.clone()).await.expect("verify");
    assert_api_error(links.verify(token).await, "E061102", 401);
    let session = links
        .get_session(pending_ref.clone())
        .await
        .expect("the session");
    assert!(session.first_seen);
    assert_eq!(session.claims["amr"], json!(["enchantedlink"]));
    assert_api_error(links.get_session(pending_ref).await, "E061102", 401);

    let sent = links
        .update_email(&refresh_of(&session), "ann@example.com", "ann@example.org")
        .add_to_login_ids(true)
        .await
        .expect("sent");
    links
        .verify(emulator.last_code("ann@example.org").expect("token"))
        .await
        .expect("verify");
    let updated = links
        .get_session(sent.pending_ref.expose_secret().to_owned())
        .await
        .expect("the session");
    assert_eq!(
        updated.user.login_ids,
        ["ann@example.com", "ann@example.org"]
    );
    links.sign_in_email("ann@example.org").await.expect("sent");
    assert_api_error(links.sign_up_email("ann@example.org").await, "E062107", 409);
}

// ---- bounded memory ------------------------------------------------------------------------------

#[tokio::test]
async fn caps_make_room_by_dropping_the_oldest() {
    let (emulator, client) = start_with(Limits {
        max_users: 3,
        max_pending: 2,
        max_sessions: 2,
        max_outbox: 4,
        ..Limits::default()
    })
    .await;
    for i in 0..5 {
        emulator
            .seed_user(NewUser::new(format!("user{i}@example.com")))
            .expect("seed");
        emulator.advance_time(Duration::from_secs(1));
    }
    assert_eq!(emulator.sizes().users, 3);
    assert!(emulator.user("user0@example.com").is_none());
    assert!(emulator.user("user4@example.com").is_some());

    for i in 2..5 {
        client
            .otp()
            .sign_in(DeliveryMethod::Email, format!("user{i}@example.com"))
            .await
            .expect("sent");
        emulator.advance_time(Duration::from_secs(1));
    }
    assert_eq!(emulator.sizes().pending, 2);
    let oldest_code = emulator
        .last_code("user2@example.com")
        .expect("in the outbox");
    assert_api_error(
        client
            .otp()
            .verify(DeliveryMethod::Email, "user2@example.com", oldest_code)
            .await,
        "E061102",
        401,
    );

    let first = verify(
        &emulator,
        &client,
        DeliveryMethod::Email,
        "user3@example.com",
    )
    .await;
    emulator.advance_time(Duration::from_secs(1));
    verify(
        &emulator,
        &client,
        DeliveryMethod::Email,
        "user4@example.com",
    )
    .await;
    emulator.advance_time(Duration::from_secs(1));
    // A fourth and a fifth message: the outbox keeps the newest four.
    signed_in(&emulator, &client, "user4@example.com").await;
    client
        .otp()
        .sign_in(DeliveryMethod::Email, "user3@example.com")
        .await
        .expect("sent");
    let sizes = emulator.sizes();
    assert_eq!(sizes.sessions, 2);
    assert_eq!(sizes.outbox, 4);
    let ids: Vec<u64> = emulator.outbox().iter().map(|m| m.id).collect();
    assert_eq!(ids, [2, 3, 4, 5]);
    assert_api_error(
        client.session().me(&refresh_of(&first)).await,
        "E014004",
        401,
    );
}

#[tokio::test]
async fn idle_users_and_their_sessions_expire() {
    let (emulator, client) = start().await;
    let session = signed_in(&emulator, &client, "ann@example.com").await;
    emulator.advance_time(Limits::default().user_idle_ttl);
    assert!(emulator.users().is_empty());
    assert_eq!(emulator.sizes().sessions, 0);
    assert_api_error(
        client.session().me(&refresh_of(&session)).await,
        "E014004",
        401,
    );
}

// ---- the outbox and users over HTTP --------------------------------------------------------------

#[tokio::test]
async fn emulator_routes_show_the_outbox_and_seed_users() {
    let (emulator, client) = start().await;
    let raw = raw(&emulator);
    let seeded = raw
        .post(
            "/emulator/users",
            None,
            r#"{"loginId":"ann@example.com","phone":"+15555550100","name":"Ann","roleNames":["admin"],"userTenants":[{"tenantId":"T1","roleNames":["viewer"]}]}"#,
        )
        .await;
    assert_eq!(seeded.status, 200, "{:?}", seeded.body);
    assert_eq!(seeded.body["loginIds"], json!(["ann@example.com"]));
    assert_eq!(seeded.body["userTenants"][0]["tenantId"], "T1");
    raw.post("/emulator/users", None, r#"{"loginId":"ann@example.com"}"#)
        .await
        .error("E062107", 409);
    raw.post("/emulator/users", None, r#"{"loginId":"x","email":"bad"}"#)
        .await
        .error("E011003", 400);

    client
        .otp()
        .sign_in(DeliveryMethod::Sms, "ann@example.com")
        .await
        .expect("sent");
    let last = raw
        .get("/emulator/outbox/last?loginId=ann%40example.com", None)
        .await;
    assert_eq!(
        last.body["code"],
        json!(emulator.last_code("ann@example.com"))
    );
    assert_eq!(last.body["channel"], "sms");
    assert_eq!(last.body["to"], "+15555550100");
    assert_eq!(last.body["purpose"], "sign_in");
    let by_address = raw
        .get("/emulator/outbox?loginId=%2B15555550100", None)
        .await;
    assert_eq!(by_address.body.as_array().expect("array").len(), 1);
    let none = raw.get("/emulator/outbox/last?loginId=nobody", None).await;
    assert_eq!((none.status, none.body), (200, Value::Null));
    let users = raw.get("/emulator/users", None).await;
    assert_eq!(users.body[0]["name"], "Ann");
    let index = raw.get("/emulator", None).await;
    assert_eq!(index.body["projectId"], emulator.project_id());
    assert_eq!(
        index.body["implemented"].as_array().expect("array").len(),
        Emulator::implemented_operations().len()
    );
}
