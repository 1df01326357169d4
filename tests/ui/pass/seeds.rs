// The two seed endpoints as a user writes them, in a crate that depends only on descope-api,
// with warnings denied.
#![deny(warnings, missing_docs)]
//! Seed usage.

use std::time::Duration;

use descope_api::auth::types::{EmailCodeSent, PhoneCodeSent, PhoneMethod};
use descope_api::{Client, Error, RefreshJwt};

async fn change_phone(client: &Client, refresh: &RefreshJwt) -> Result<PhoneCodeSent, Error> {
    client
        .otp()
        .update_phone(refresh, PhoneMethod::Sms, "user@example.com", "+15555550100")
        .add_to_login_ids(true)
        .on_merge_use_existing(false)
        .provider_id("twilio")
        .template_options([("name", "Ann")])
        .locale("en")
        .fail_on_conflict(true)
        .await
}

async fn change_email(client: &Client, refresh: &RefreshJwt) -> Result<String, Error> {
    let sent: EmailCodeSent = client
        .otp()
        .update_email(refresh, "user@example.com", "new@example.com")
        .await?;
    Ok(sent.masked_email)
}

fn main() {
    let client = Client::builder("P2abcdefghijklmnopqrstuvwxyz012345")
        .base_url("http://127.0.0.1:9")
        .timeout(Duration::from_secs(5))
        .build()
        .expect("valid configuration");
    let refresh = RefreshJwt::new("refresh-jwt");
    drop(change_phone(&client, &refresh));
    drop(change_email(&client, &refresh));
}
