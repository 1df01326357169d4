// update_email is authorized by the user's refresh JWT: a call without one does not compile.
use descope_api::Client;

async fn change_email(client: &Client) {
    let _ = client
        .otp()
        .update_email("user@example.com", "new@example.com")
        .await;
}

fn main() {}
