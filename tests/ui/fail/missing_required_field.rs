// The new email address is a required argument: leaving it out does not compile.
use descope_api::{Client, RefreshJwt};

async fn change_email(client: &Client, refresh: &RefreshJwt) {
    let _ = client.otp().update_email(refresh, "user@example.com").await;
}

fn main() {}
