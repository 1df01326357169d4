// Required fields are arguments, not setters: there is no way to build the request without one.
use descope_api::{Client, RefreshJwt};

async fn change_email(client: &Client, refresh: &RefreshJwt) {
    let _ = client
        .otp()
        .update_email(refresh, "user@example.com", "new@example.com")
        .email("other@example.com")
        .await;
}

fn main() {}
