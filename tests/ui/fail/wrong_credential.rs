// A session JWT is not a refresh JWT.
use descope_api::{Client, SessionJwt};

async fn change_email(client: &Client, session: &SessionJwt) {
    let _ = client
        .otp()
        .update_email(session, "user@example.com", "new@example.com")
        .await;
}

fn main() {}
