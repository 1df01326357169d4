//! Quickstart: sign a user up with a one-time code, change their email and phone, read their
//! profile.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! With nothing set it starts the offline Descope emulator (`descope-emulator`) in-process and
//! reads each code from the emulator's outbox: no account, no network, no real email or SMS.
//!
//! With `DESCOPE_PROJECT_ID` set (and optionally `DESCOPE_BASE_URL`, e.g. a standalone
//! emulator: `cargo run -p descope-emulator -- --port 4510`) it talks to that server and asks
//! you to type each code you receive. `DESCOPE_LOGIN_ID` (the email to sign up with),
//! `NEW_EMAIL` and `NEW_PHONE` choose the addresses.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use descope_api::auth::types::{DeliveryMethod, JwtResponse, PhoneMethod, UserResponse};
use descope_api::{Client, Error, RefreshJwt};
use descope_emulator::Emulator;

/// Where the codes come from.
enum Codes {
    /// The in-process emulator's outbox.
    Outbox(Emulator),
    /// The person running the quickstart, from the email or text message they received.
    Typed,
}

impl Codes {
    fn code_for(&self, login_id: &str, sent_to: &str) -> Result<String, String> {
        match self {
            Codes::Outbox(emulator) => {
                let code = emulator
                    .last_code(login_id)
                    .ok_or_else(|| format!("the emulator sent no code for {login_id}"))?;
                println!("   (emulator outbox: code {code} for {sent_to})");
                Ok(code)
            }
            Codes::Typed => {
                print!("   enter the code sent to {sent_to}: ");
                std::io::stdout().flush().map_err(|e| e.to_string())?;
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .map_err(|e| e.to_string())?;
                let code = line.trim().to_owned();
                if code.is_empty() {
                    return Err("no code entered".to_owned());
                }
                Ok(code)
            }
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let var = |name: &str| std::env::var(name).ok();
    ExitCode::from(run(&var).await)
}

/// The whole quickstart, with the environment given as a lookup; returns the exit status.
async fn run(var: &dyn Fn(&str) -> Option<String>) -> u8 {
    let var = |name: &str| {
        var(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    println!("descope-api quickstart");
    let (client, codes) = if let Some(project_id) = var("DESCOPE_PROJECT_ID") {
        let mut builder = Client::builder(project_id);
        if let Some(base_url) = var("DESCOPE_BASE_URL") {
            builder = builder.base_url(base_url);
        }
        match builder.build() {
            Ok(client) => {
                println!(
                    "Using project {} at {} (from DESCOPE_PROJECT_ID / DESCOPE_BASE_URL).",
                    client.project_id(),
                    client.base_url()
                );
                println!("Codes really go out: type each one when asked.");
                (client, Codes::Typed)
            }
            Err(e) => {
                eprintln!("configuration: {e}");
                return 2;
            }
        }
    } else {
        let emulator = match Emulator::start().await {
            Ok(emulator) => emulator,
            Err(e) => {
                eprintln!("could not start the emulator: {e}");
                return 1;
            }
        };
        println!(
            "DESCOPE_PROJECT_ID is not set: started the offline Descope emulator in-process at {} \
             (project {}).",
            emulator.base_url(),
            emulator.project_id()
        );
        println!("Codes are read from the emulator's outbox; nothing is sent to anyone.");
        let client = Client::builder(emulator.project_id())
            .base_url(emulator.base_url())
            .build()
            .expect("a valid emulator URL");
        (client, Codes::Outbox(emulator))
    };
    let email = var("DESCOPE_LOGIN_ID").unwrap_or_else(|| "ann@example.com".to_owned());
    let new_email = var("NEW_EMAIL").unwrap_or_else(|| "ann@example.org".to_owned());
    let new_phone = var("NEW_PHONE").unwrap_or_else(|| "+15555550100".to_owned());

    match walk(&client, &codes, &email, &new_email, &new_phone).await {
        Ok(()) => {
            let server = match codes {
                Codes::Outbox(_) => "the in-process emulator".to_owned(),
                Codes::Typed => client.base_url().to_owned(),
            };
            println!("\nDone: every step succeeded against {server}.");
            0
        }
        Err(e) => {
            println!("   -> failed: {e}");
            1
        }
    }
}

/// The seven steps; stops at the first failure.
async fn walk(
    client: &Client,
    codes: &Codes,
    email: &str,
    new_email: &str,
    new_phone: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    let otp = client.otp();

    step(1, "Sign up with a one-time code by email");
    request(
        "POST /v1/auth/otp/signup/email",
        &format!("loginId={email}"),
    );
    let masked = match otp.sign_up_email(email).await {
        Ok(sent) => sent.masked_email,
        // A real project remembers earlier runs: sign the user in instead.
        Err(e) if e.code() == Some("E062107") => {
            result("the user already exists; signing in instead");
            request(
                "POST /v1/auth/otp/signin/email",
                &format!("loginId={email}"),
            );
            otp.sign_in(DeliveryMethod::Email, email)
                .await?
                .masked_email
        }
        Err(e) => return Err(e.into()),
    };
    result(&format!("code sent to {masked}"));

    step(2, "Verify the code");
    let session = verify(client, codes, DeliveryMethod::Email, email, &masked).await?;
    let user = &session.user;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let valid_for = u64::try_from(session.session_expiration)
        .unwrap_or(0)
        .saturating_sub(now);
    let who = if session.first_seen {
        "new user"
    } else {
        "returning user"
    };
    result(&format!(
        "signed in as {} ({who}); session JWT valid for {valid_for} s, refresh JWT received",
        user.user_id,
    ));
    result(&format!("login IDs: {}", user.login_ids.join(", ")));
    let refresh = refresh_of(&session)?;

    step(3, "Update the email address (a starting endpoint)");
    request(
        "POST /v1/auth/otp/update/email",
        &format!("loginId={email} email={new_email} addToLoginIDs=true  (with the refresh JWT)"),
    );
    let sent = otp
        .update_email(&refresh, email, new_email)
        .add_to_login_ids(true)
        .await?;
    result(&format!("code sent to {}", sent.masked_email));

    step(4, "Verify the code");
    let session = verify(
        client,
        codes,
        DeliveryMethod::Email,
        email,
        &sent.masked_email,
    )
    .await?;
    result(&format!(
        "email is now {}{}; login IDs: {}",
        session.user.email,
        verified(session.user.verified_email),
        session.user.login_ids.join(", ")
    ));
    let refresh = refresh_of(&session)?;

    step(
        5,
        "Update the phone number by SMS (the other starting endpoint)",
    );
    request(
        "POST /v1/auth/otp/update/phone/sms",
        &format!("loginId={email} phone={new_phone} addToLoginIDs=true  (with the refresh JWT)"),
    );
    let sent = otp
        .update_phone(&refresh, PhoneMethod::Sms, email, new_phone)
        .add_to_login_ids(true)
        .await?;
    result(&format!("code sent to {}", sent.masked_phone));

    step(6, "Verify the code");
    let session = verify(
        client,
        codes,
        DeliveryMethod::Sms,
        email,
        &sent.masked_phone,
    )
    .await?;
    result(&format!(
        "phone is now {}{}",
        session.user.phone,
        verified(session.user.verified_phone)
    ));
    let refresh = refresh_of(&session)?;

    step(7, "Read the profile");
    request("GET /v1/auth/me", "(with the refresh JWT)");
    let me = client.session().me(&refresh).await?;
    profile(&me);
    Ok(())
}

async fn verify(
    client: &Client,
    codes: &Codes,
    method: DeliveryMethod,
    login_id: &str,
    sent_to: &str,
) -> Result<JwtResponse, Box<dyn std::error::Error>> {
    let code = codes.code_for(login_id, sent_to)?;
    request(
        &format!("POST /v1/auth/otp/verify/{}", method.as_str()),
        &format!("loginId={login_id} code={}", "*".repeat(code.len())),
    );
    Ok(client.otp().verify(method, login_id, code).await?)
}

fn refresh_of(session: &JwtResponse) -> Result<RefreshJwt, Error> {
    session
        .refresh_jwt
        .clone()
        .filter(|jwt| !jwt.expose_secret().is_empty())
        .ok_or_else(|| {
            Error::Config("the server returned no refresh JWT (cookie-only projects)".to_owned())
        })
}

fn profile(me: &UserResponse) {
    result(&format!("user {}", me.user_id));
    println!("        login IDs  {}", me.login_ids.join(", "));
    println!(
        "        email      {}{}",
        me.email,
        verified(me.verified_email)
    );
    println!(
        "        phone      {}{}",
        me.phone,
        verified(me.verified_phone)
    );
}

fn step(number: u32, title: &str) {
    println!("\n{number}. {title}");
}

fn request(line: &str, details: &str) {
    println!("   {line}  {details}");
}

fn result(text: &str) {
    println!("   -> {text}");
}

fn verified(yes: bool) -> &'static str {
    if yes {
        " (verified)"
    } else {
        " (not verified)"
    }
}

/// `cargo test` runs this example's walk (see `[[example]]` in Cargo.toml): with nothing
/// configured it must reach the end against the in-process emulator.
#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn runs_to_the_end_with_no_configuration() {
        assert_eq!(super::run(&|_| None).await, 0);
    }
}
