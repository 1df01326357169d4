//! `cargo bench -p descope-api --bench session`: session validations per second with a warm
//! key cache, against the limit: a bare `jsonwebtoken::decode` of the same token with the same
//! key (and the same provider). The target is a ratio of at least 0.95.
//!
//! Its own small harness: rounds of the two loops, interleaved so drift hits both alike; the
//! median round of each is reported.

use std::hint::black_box;
use std::time::{Duration, Instant};

use descope_api::{Client, SessionJwt};
use descope_emulator::{Emulator, SigningAlgorithm};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode};
use serde_json::{Map, Value};

const ROUNDS: usize = 15;
const ROUND_TIME: Duration = Duration::from_millis(200);

/// Calls per second of `step`, run in batches until `ROUND_TIME` has passed.
fn rate(mut step: impl FnMut(usize)) -> f64 {
    let started = Instant::now();
    let mut calls = 0usize;
    while started.elapsed() < ROUND_TIME {
        step(256);
        calls += 256;
    }
    calls as f64 / started.elapsed().as_secs_f64()
}

fn median(mut rates: Vec<f64>) -> f64 {
    rates.sort_by(f64::total_cmp);
    rates[rates.len() / 2]
}

fn bench(runtime: &tokio::runtime::Runtime, algorithm: SigningAlgorithm) {
    let (emulator, client, token) = runtime.block_on(async {
        let emulator = Emulator::builder()
            .signing_algorithm(algorithm)
            .start()
            .await
            .expect("emulator");
        let client = Client::builder(emulator.project_id())
            .base_url(emulator.base_url())
            .no_proxy()
            .build()
            .expect("client");
        let token = SessionJwt::new(emulator.mint_session().sign());
        // Warms the key cache (and installs the crypto provider the bare decode uses too).
        client.validate_session(&token).await.expect("valid");
        (emulator, client, token)
    });
    let jwk = &emulator.jwks()["keys"][0];
    let text = |name: &str| jwk[name].as_str().unwrap_or_default().to_owned();
    let (key, jwt_alg) = match algorithm {
        SigningAlgorithm::Rs256 => (
            DecodingKey::from_rsa_components(&text("n"), &text("e")).expect("RSA key"),
            Algorithm::RS256,
        ),
        SigningAlgorithm::Es256 => (
            DecodingKey::from_ec_components(&text("x"), &text("y")).expect("EC key"),
            Algorithm::ES256,
        ),
        _ => (
            DecodingKey::from_ec_components(&text("x"), &text("y")).expect("EC key"),
            Algorithm::ES384,
        ),
    };
    let validation = Validation::new(jwt_alg);
    decode::<Map<String, Value>>(token.expose_secret(), &key, &validation).expect("bare decode");

    let (mut ours, mut bare) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        ours.push(rate(|n| {
            runtime.block_on(async {
                for _ in 0..n {
                    black_box(client.validate_session(black_box(&token)).await.is_ok());
                }
            });
        }));
        bare.push(rate(|n| {
            for _ in 0..n {
                black_box(
                    decode::<Map<String, Value>>(
                        black_box(token.expose_secret()),
                        &key,
                        &validation,
                    )
                    .is_ok(),
                );
            }
        }));
    }
    let (ours, bare) = (median(ours), median(bare));
    println!(
        "{:<6} validate_session {:>9.0}/s   bare jsonwebtoken::decode {:>9.0}/s   ratio {:.3}",
        algorithm.as_str(),
        ours,
        bare,
        ours / bare
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "session validation, warm key cache: median of {ROUNDS} interleaved rounds of {} ms",
        ROUND_TIME.as_millis()
    );
    for algorithm in [
        SigningAlgorithm::Rs256,
        SigningAlgorithm::Es256,
        SigningAlgorithm::Es384,
    ] {
        bench(&runtime, algorithm);
    }
}
