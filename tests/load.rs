//! Load: 1,000 concurrent calls through one `Client` to a loopback server. Every call succeeds,
//! connections are pooled (the server counts the ones it accepts), and once the client and the
//! server are gone the process holds no more file descriptors than before.
//!
//! `cargo test -p descope-tests --test load -- --nocapture` prints the figures.

use std::time::{Duration, Instant};

use descope_api::{Client, RetryPolicy};
use tokio::task::JoinSet;

mod support;

use support::fault::{FaultServer, ok, open_fds};
use support::{PROJECT, refresh};

const CALLS: usize = 1_000;

/// Sends `CALLS` calls at once, each from its own task, through clones of `client`.
async fn wave(client: &Client) -> Duration {
    let started = Instant::now();
    let mut calls = JoinSet::new();
    for i in 0..CALLS {
        let client = client.clone();
        calls.spawn(async move {
            client
                .otp()
                .update_email(
                    &refresh(),
                    format!("user{i}@example.com"),
                    "new@example.org",
                )
                .await
        });
    }
    let mut succeeded = 0;
    while let Some(result) = calls.join_next().await {
        let sent = result.expect("task").expect("call succeeds");
        assert_eq!(sent.masked_email, "a***@example.org");
        succeeded += 1;
    }
    assert_eq!(succeeded, CALLS);
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_concurrent_calls_share_pooled_connections_and_leak_no_descriptors() {
    let fds_before = open_fds();
    let server = FaultServer::always(ok()).await;
    // No retries: a call that needed one would hide a failure.
    let client = Client::builder(PROJECT)
        .base_url(&server.url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();

    let first = wave(&client).await;
    let opened_first = server.accepted();
    let fds_during = open_fds();
    let second = wave(&client).await;
    let opened_total = server.accepted();
    for _ in 0..100 {
        client
            .otp()
            .update_email(&refresh(), "ann@example.com", "new@example.org")
            .await
            .unwrap();
    }
    let opened_after_sequential = server.accepted();

    assert_eq!(server.request_count(), 2 * CALLS + 100);
    // A call opens at most one connection, so a wave opens at most CALLS; without pooling the
    // two waves would open 2 * CALLS. (How many the second wave reuses depends on scheduling: a
    // starved machine opens more connections, never more than the calls in flight.)
    assert!(opened_first <= CALLS, "{opened_first}");
    assert!(
        opened_total < 2 * CALLS,
        "{opened_total} connections for {} concurrent calls: no reuse",
        2 * CALLS
    );
    // The first sequential call may find every connection of the second wave still being handed
    // back to the pool and open one; the other 99 must reuse.
    assert!(
        opened_after_sequential - opened_total <= 1,
        "100 sequential calls opened {} connections",
        opened_after_sequential - opened_total
    );

    drop(client);
    drop(server);
    // Sockets close asynchronously once their tasks see the drop; give them time.
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut fds_after = open_fds();
    while fds_after > fds_before && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        fds_after = open_fds();
    }
    eprintln!(
        "load: {CALLS} concurrent calls in {first:?}, then {CALLS} more in {second:?}, then 100 \
         sequential; connections opened: {opened_first} in the first wave, {opened_total} in all; \
         file descriptors: {fds_before} before, {fds_during} during, {fds_after} after"
    );
    assert!(
        fds_after <= fds_before,
        "{fds_after} > {fds_before}: descriptors leaked"
    );
}
