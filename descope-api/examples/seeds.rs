//! Calls the two seed endpoints (update email, update phone by SMS) for a signed-in user.
//!
//! ```text
//! DESCOPE_PROJECT_ID=P2... DESCOPE_REFRESH_JWT=eyJ... \
//! DESCOPE_LOGIN_ID=ann@example.com NEW_EMAIL=ann@example.org NEW_PHONE=+15555550100 \
//! cargo run --example seeds
//! ```
//!
//! `DESCOPE_BASE_URL` points it at another server (e.g. `http://127.0.0.1:4510`).

use std::process::ExitCode;

use descope_api::auth::types::PhoneMethod;
use descope_api::{Client, RefreshJwt};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (Some(_), Some(refresh), Some(login_id)) = (
        var("DESCOPE_PROJECT_ID"),
        var("DESCOPE_REFRESH_JWT"),
        var("DESCOPE_LOGIN_ID"),
    ) else {
        eprintln!(
            "Set DESCOPE_PROJECT_ID, DESCOPE_REFRESH_JWT (a signed-in user's refresh token) and \
             DESCOPE_LOGIN_ID, and optionally NEW_EMAIL, NEW_PHONE and DESCOPE_BASE_URL."
        );
        return ExitCode::from(2);
    };
    let client = match Client::from_env() {
        Ok(client) => client,
        Err(e) => {
            eprintln!("configuration: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("project {} at {}", client.project_id(), client.base_url());
    let refresh = RefreshJwt::new(refresh);
    let email = var("NEW_EMAIL").unwrap_or_else(|| "new-address@example.com".into());
    let phone = var("NEW_PHONE").unwrap_or_else(|| "+15555550100".into());

    let mut failed = false;
    println!("POST /v1/auth/otp/update/email  loginId={login_id} email={email}");
    match client.otp().update_email(&refresh, &login_id, &email).await {
        Ok(sent) => println!("  code sent to {}", sent.masked_email),
        Err(e) => {
            failed = true;
            println!("  failed: {e}");
        }
    }
    println!("POST /v1/auth/otp/update/phone/sms  loginId={login_id} phone={phone}");
    match client
        .otp()
        .update_phone(&refresh, PhoneMethod::Sms, &login_id, &phone)
        .await
    {
        Ok(sent) => println!("  code sent to {}", sent.masked_phone),
        Err(e) => {
            failed = true;
            println!("  failed: {e}");
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
