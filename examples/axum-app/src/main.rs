//! `cargo run -p axum-app`: the app on http://127.0.0.1:3000 (or `PORT`), against the project
//! in `DESCOPE_PROJECT_ID`, or, with nothing configured, against the offline emulator started
//! in-process (its codes are printed instead of emailed).

use descope_api::Client;
use descope_emulator::Emulator;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let configured = std::env::var("DESCOPE_PROJECT_ID").is_ok_and(|id| !id.trim().is_empty());
    // Kept alive for as long as the app serves.
    let mut emulator = None;
    let client = if configured {
        Client::from_env()?
    } else {
        let started = Emulator::builder()
            .on_send(|message| println!("emulator: code {} for {}", message.code, message.to))
            .start()
            .await?;
        println!(
            "DESCOPE_PROJECT_ID is not set: the offline emulator runs at {} (project {}).",
            started.base_url(),
            started.project_id()
        );
        let client = Client::builder(started.project_id())
            .base_url(started.base_url())
            .build()?;
        emulator = Some(started);
        client
    };
    let port: u16 = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let port = listener.local_addr()?.port();
    println!("axum-app on http://127.0.0.1:{port}");
    println!(
        "  curl -X POST localhost:{port}/login/start -H 'content-type: application/json' -d '{{\"loginId\":\"ann@example.com\"}}'"
    );
    println!(
        "  curl -i -X POST localhost:{port}/login/verify -H 'content-type: application/json' -d '{{\"loginId\":\"ann@example.com\",\"code\":\"<code>\"}}'"
    );
    println!("  curl -i localhost:{port}/me --cookie 'DS=<session JWT>; DSR=<refresh JWT>'");
    axum::serve(listener, axum_app::app(client)).await?;
    drop(emulator);
    Ok(())
}
