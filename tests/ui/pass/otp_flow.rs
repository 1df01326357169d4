// Every OTP endpoint, with the shared option types; requests are Send + 'static futures.
#![deny(warnings)]

use std::future::IntoFuture;

use descope_api::auth::types::{DeliveryMethod, LoginOptions, PhoneMethod, SignUpLoginOptions, SignUpUser};
use descope_api::{Client, Error, RefreshJwt};

fn assert_send_static<T: Send + 'static>(_: &T) {}

async fn flow(client: &Client, refresh: &RefreshJwt) -> Result<(), Error> {
    let otp = client.otp();
    let sent = otp
        .sign_up_email("ann@example.com")
        .user(SignUpUser::default().name("Ann").given_name("Ann"))
        .login_options(SignUpLoginOptions::default().tenant_id("t1"))
        .await?;
    println!("{}", sent.masked_email);
    otp.sign_up_phone(PhoneMethod::Voice, "+15555550100").phone("+15555550100").await?;
    otp.sign_in(DeliveryMethod::Email, "ann@example.com")
        .login_options(
            LoginOptions::default()
                .stepup(false)
                .custom_claims([("plan", serde_json_value())])
                .revoke_other_sessions_types(["web"]),
        )
        .use_recovery(false)
        .await?;
    otp.sign_up_or_in(DeliveryMethod::Im, "+15555550100").await?;
    let session = otp.verify(DeliveryMethod::Email, "ann@example.com", "123456").await?;
    println!("{:?} {}", session.session_jwt, session.user.login_ids.len());
    // The session reply's refresh JWT is already the credential type the next call needs.
    if let Some(next) = &session.refresh_jwt {
        otp.update_email(next, "ann@example.com", "ann@example.org").await?;
    }
    otp.update_email(&RefreshJwt::new("eyJ..."), "ann@example.com", "ann@example.org").await?;
    otp.update_phone(refresh, PhoneMethod::Im, "ann@example.com", "+15555550101").await?;

    let request = client.otp().verify(DeliveryMethod::Sms, "+15555550100", "000000");
    let future = request.into_future();
    assert_send_static(&future);
    Ok(())
}

fn serde_json_value() -> &'static str {
    "gold"
}

fn main() {
    let _ = flow;
}
