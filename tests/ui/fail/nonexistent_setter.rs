// Setters are named after the wire fields with acronyms kept whole (`add_to_login_ids`).
use descope_api::{Client, RefreshJwt};

async fn change_email(client: &Client, refresh: &RefreshJwt) {
    let _ = client
        .otp()
        .update_email(refresh, "user@example.com", "new@example.com")
        .add_to_login_i_ds(true)
        .await;
}

fn main() {}
