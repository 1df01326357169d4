//! The project's public keys, cached: fetched from `{base_url}/v2/keys/{projectId}`, kept for
//! [`jwks_ttl`](crate::ClientBuilder::jwks_ttl), refetched for an unknown `kid` at most once per
//! [`jwks_refetch_cooldown`](crate::ClientBuilder::jwks_refetch_cooldown).
//!
//! One fetch at a time: the first caller that needs one fetches, every other caller waits for
//! it (a [`Notify`], registered under the lock, so no wake-up is missed). No lock is held while
//! the fetch is on the network; the lock guards only the bookkeeping. A failed fetch leaves the
//! previous keys in use.

use std::collections::HashMap;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use tokio::sync::Notify;
use tokio::time::Instant;

use super::endpoints::{GetKeys, Jwk};
use super::{SessionConfig, SessionError};
use crate::{Client, Error, RequestExt, RetryPolicy};

/// Keys taken from one key set at most; the rest are ignored.
const MAX_KEYS: usize = 32;
/// The longest a key fetch may take (or the client's timeout, if shorter): validations wait
/// for it.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// One verification key: the algorithm it decides, and the checks built for it once.
pub(crate) struct Key {
    /// The header `alg` a token signed with this key must carry.
    pub alg_name: &'static str,
    pub decoding: DecodingKey,
    pub validation: Validation,
}

#[derive(Default)]
struct State {
    keys: HashMap<String, Arc<Key>>,
    /// When the keys in use were fetched.
    fetched_at: Option<Instant>,
    /// When the last fetch started, whatever its outcome: the cooldown counts from here.
    attempted_at: Option<Instant>,
    /// Why the last fetch failed, if it did.
    last_error: Option<Arc<Error>>,
    /// The fetch in flight, which waiters are woken by.
    in_flight: Option<Arc<Notify>>,
}

/// The cache of one client (its clones share it).
pub(crate) struct KeyCache {
    state: RwLock<State>,
}

/// What a caller that found no usable key does next.
enum Next {
    /// Fetch, waking these waiters; the attempt before this one, restored if it is cancelled.
    Fetch(Arc<Notify>, Option<Instant>),
    Wait(Arc<Notify>),
    Give(Result<Arc<Key>, SessionError>),
}

impl KeyCache {
    pub fn new() -> KeyCache {
        KeyCache {
            state: RwLock::new(State::default()),
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        // The bookkeeping is consistent after every statement; a panic elsewhere cannot leave
        // it half-done.
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }

    /// The key `kid`: from the cache while fresh, else after a fetch (or joining the one in
    /// flight) when the policy allows one, else the cached key if any.
    pub async fn key(
        &self,
        client: &Client,
        config: &SessionConfig,
        kid: &str,
    ) -> Result<Arc<Key>, SessionError> {
        {
            let state = self.read();
            if let Some(key) = state.keys.get(kid)
                && is_fresh(&state, config)
            {
                return Ok(key.clone());
            }
        }
        // A caller fetches at most once itself: with no cooldown, an unknown `kid` must not
        // make it loop.
        let mut fetched = false;
        loop {
            let next = {
                let mut state = self.write();
                let found = state.keys.get(kid).cloned();
                if let Some(key) = &found
                    && is_fresh(&state, config)
                {
                    return Ok(key.clone());
                }
                match (&state.in_flight, found) {
                    // A stale key is good enough while its successor is on the way.
                    (Some(_), Some(key)) => Next::Give(Ok(key)),
                    (Some(notify), None) => Next::Wait(notify.clone()),
                    (None, found) if !fetched && may_fetch(&state, config) => {
                        drop(found);
                        let notify = Arc::new(Notify::new());
                        state.in_flight = Some(notify.clone());
                        let previous = state.attempted_at.replace(Instant::now());
                        Next::Fetch(notify, previous)
                    }
                    (None, found) => Next::Give(found.ok_or_else(|| missing(&state))),
                }
            };
            match next {
                Next::Give(result) => return result,
                Next::Wait(notify) => {
                    let notified = notify.notified();
                    tokio::pin!(notified);
                    // Registered before checking again under the lock: the fetch may have
                    // finished since `notify` was read.
                    notified.as_mut().enable();
                    if self
                        .read()
                        .in_flight
                        .as_ref()
                        .is_some_and(|current| Arc::ptr_eq(current, &notify))
                    {
                        notified.await;
                    }
                }
                Next::Fetch(notify, previous) => {
                    let guard = FetchGuard {
                        cache: self,
                        notify,
                        previous,
                        done: false,
                    };
                    let result = fetch(client, config).await;
                    guard.finish(result);
                    fetched = true;
                }
            }
        }
    }
}

fn is_fresh(state: &State, config: &SessionConfig) -> bool {
    state
        .fetched_at
        .is_some_and(|at| Instant::now().saturating_duration_since(at) < config.jwks_ttl)
}

fn may_fetch(state: &State, config: &SessionConfig) -> bool {
    state.attempted_at.is_none_or(|at| {
        Instant::now().saturating_duration_since(at) >= config.jwks_refetch_cooldown
    })
}

/// No key for the token: unknown, or no keys at all because fetching failed.
fn missing(state: &State) -> SessionError {
    match (&state.last_error, state.keys.is_empty()) {
        (Some(error), true) => SessionError::KeyFetch(error.clone()),
        _ => SessionError::UnknownKey,
    }
}

/// Ends the fetch in flight, also when the fetching caller is dropped mid-way: waiters are
/// woken either way, and a cancelled fetch does not count against the cooldown.
struct FetchGuard<'a> {
    cache: &'a KeyCache,
    notify: Arc<Notify>,
    previous: Option<Instant>,
    done: bool,
}

impl FetchGuard<'_> {
    fn finish(mut self, result: Result<HashMap<String, Arc<Key>>, Error>) {
        {
            let mut state = self.cache.write();
            match result {
                Ok(keys) => {
                    tracing::debug!(keys = keys.len(), "descope session keys fetched");
                    state.keys = keys;
                    state.fetched_at = Some(Instant::now());
                    state.last_error = None;
                }
                Err(error) => {
                    tracing::warn!(
                        error = %error,
                        cached_keys = state.keys.len(),
                        "descope session key fetch failed; the cached keys stay in use"
                    );
                    state.last_error = Some(Arc::new(error));
                }
            }
            state.in_flight = None;
        }
        self.done = true;
        self.notify.notify_waiters();
    }
}

impl Drop for FetchGuard<'_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        {
            let mut state = self.cache.write();
            state.in_flight = None;
            state.attempted_at = self.previous;
        }
        self.notify.notify_waiters();
    }
}

/// Fetches the key set and turns its usable keys into [`Key`]s; a reply without any usable key
/// is a failed fetch (the previous keys stay).
async fn fetch(
    client: &Client,
    config: &SessionConfig,
) -> Result<HashMap<String, Arc<Key>>, Error> {
    let reply = GetKeys::new(client)
        .retry_policy(RetryPolicy::none())
        .timeout(client.timeout().min(FETCH_TIMEOUT))
        .await?;
    let keys: HashMap<String, Arc<Key>> = reply
        .keys
        .iter()
        .filter_map(|jwk| {
            Some((
                jwk.kid.clone(),
                Arc::new(key(jwk, config, client.project_id())?),
            ))
        })
        .take(MAX_KEYS)
        .collect();
    if keys.is_empty() {
        return Err(Error::Config(
            "the project's key set holds no usable signing key".to_owned(),
        ));
    }
    Ok(keys)
}

/// The key a JWK describes, or `None` for one this SDK cannot use (not for signatures, an
/// unsupported type or curve, an `alg` that does not fit its type, bad components).
pub(crate) fn key(jwk: &Jwk, config: &SessionConfig, project_id: &str) -> Option<Key> {
    if jwk.kid.is_empty() || !(jwk.use_.is_empty() || jwk.use_ == "sig") {
        return None;
    }
    let (algorithm, alg_name) = match (jwk.kty.as_str(), jwk.alg.as_str(), jwk.crv.as_str()) {
        ("RSA", "" | "RS256", _) => (Algorithm::RS256, "RS256"),
        ("RSA", "RS384", _) => (Algorithm::RS384, "RS384"),
        ("RSA", "RS512", _) => (Algorithm::RS512, "RS512"),
        ("RSA", "PS256", _) => (Algorithm::PS256, "PS256"),
        ("RSA", "PS384", _) => (Algorithm::PS384, "PS384"),
        ("RSA", "PS512", _) => (Algorithm::PS512, "PS512"),
        ("EC", "" | "ES256", "P-256") => (Algorithm::ES256, "ES256"),
        ("EC", "" | "ES384", "P-384") => (Algorithm::ES384, "ES384"),
        _ => return None,
    };
    let decoding = match jwk.kty.as_str() {
        "RSA" => DecodingKey::from_rsa_components(&jwk.n, &jwk.e).ok()?,
        _ => DecodingKey::from_ec_components(&jwk.x, &jwk.y).ok()?,
    };
    Some(Key {
        alg_name,
        decoding,
        validation: validation(algorithm, config, project_id),
    })
}

/// jsonwebtoken's checks for tokens signed with a key of `algorithm`, with its defaults
/// overridden where they do not fit Descope (see the module docs of `session`).
pub(crate) fn validation(
    algorithm: Algorithm,
    config: &SessionConfig,
    project_id: &str,
) -> Validation {
    let mut validation = Validation::new(algorithm);
    validation.leeway = config.leeway_secs();
    validation.validate_exp = true;
    validation.validate_nbf = true;
    validation.validate_aud = true;
    match &config.audience {
        Some(audience) => {
            validation.set_audience(audience);
            validation.set_required_spec_claims(&["exp", "aud"]);
        }
        None => {
            validation.set_audience(&[project_id]);
            validation.set_required_spec_claims(&["exp"]);
        }
    }
    validation
}
