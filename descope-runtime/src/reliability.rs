//! Retries, timeouts, size limits, and what every kind of server failure becomes.
//!
//! # Settings
//!
//! | Setting | Default | Where |
//! |---|---|---|
//! | retry policy | the official SDKs' contract: HTTP 503, 520, 521, 522, 524, 530 and unopened connections retried after 100 ms, 5 s, 5 s | [`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy), per call [`RequestExt::retry_policy`] |
//! | time per attempt | 60 s, request sent to last byte of the reply | [`ClientBuilder::timeout`](crate::ClientBuilder::timeout), per call [`RequestExt::timeout`] |
//! | time to open a connection | 10 s | [`ClientBuilder::connect_timeout`](crate::ClientBuilder::connect_timeout) |
//! | cap on a whole call (all attempts and waits) | none | [`RetryPolicy::with_deadline`] |
//! | HTTP 429 | not retried; `Retry-After` in [`Error::retry_after`](crate::Error::retry_after) | [`RetryPolicy::retry_429_up_to`] |
//! | largest successful reply body | 4 MiB | [`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size) |
//!
//! Retries re-send the identical bytes. Dropping a call's future cancels it at once, also while
//! it waits to retry: no further attempt is made. Connections are pooled per [`Client`](crate::Client)
//! (and its clones), and redirects are never followed.
//!
//! # What a misbehaving server makes of a call
//!
//! Each row is a scenario of the fault-injection suite (`tests/faults.rs`), run against a local
//! server that misbehaves on command, with the default policy (its delays shortened to
//! milliseconds in the tests). "Attempts" counts the requests the server received.
//!
//! | Server behaviour | Result | Attempts |
//! |---|---|---|
//! | 503 once, then 200 | `Ok(reply)` | 2 |
//! | 503 four times | [`Error::Http`](crate::Error::Http) `{ status: 503, .. }` ([`Error::Api`](crate::Error::Api) if the body is a Descope error) | 4 |
//! | 520, 521, 522, 524 or 530 once, then 200 | `Ok(reply)` | 2 |
//! | 429 with `Retry-After: 7` | [`Error::Api`](crate::Error::Api) (code `E130429`), `retry_after() == Some(7 s)` | 1 |
//! | 429 with `Retry-After: 1`, policy `retry_429_up_to(2 s)`, then 200 | `Ok(reply)` after waiting 1 s | 2 |
//! | 429 with `Retry-After` above the `retry_429_up_to` limit | error as above, at once | 1 |
//! | 429 without `Retry-After` (any policy) | error with `retry_after() == None` | 1 |
//! | 500 with an HTML body | [`Error::Http`](crate::Error::Http) `{ status: 500, body: <first 512 bytes>, .. }` | 1 |
//! | 200 with malformed JSON | [`Error::Decode`](crate::Error::Decode) (JSON error and body excerpt) | 1 |
//! | 200 with an empty body where a reply is expected | `Ok(reply)` with every field at its default, exactly as for `{}` (replies are decoded leniently; e.g. `session_jwt` is `None`) | 1 |
//! | 200 with int64 values as strings (`"1700000000"`) | `Ok(reply)` with the numbers decoded | 1 |
//! | connection reset in the middle of the reply | [`Error::Transport`](crate::Error::Transport), not retried (the server may have acted on the request) | 1 |
//! | accepts the connection and never answers | [`Error::Timeout`](crate::Error::Timeout) after the per-attempt timeout, not retried | 1 |
//! | sends the body slower than the timeout allows | [`Error::Timeout`](crate::Error::Timeout); within the timeout, `Ok(reply)` | 1 |
//! | 302 redirect | [`Error::Http`](crate::Error::Http) `{ status: 302, .. }`, [`Error::is_redirect`](crate::Error::is_redirect); the target is never requested | 1 |
//! | 200 with a body over the size limit (with or without `Content-Length`) | [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge) `{ status: 200, limit }`, the rest unread | 1 |
//! | nothing listens (connection refused) | retried; [`Error::Transport`](crate::Error::Transport) once the retries are spent | 4 connection attempts |
//! | 503s with a deadline shorter than the delays | the last 503, returned as soon as the next wait would pass the deadline | 1 or more |
//! | never answers, deadline shorter than the timeout | [`Error::Timeout`](crate::Error::Timeout) at the deadline | 1 |
//!
//! No error, whatever its kind, shows a credential in its `Debug` or `Display` output or in its
//! `source()` chain, and the logs below never do either (`tests/secrets.rs` checks every row).
//!
//! # Logs
//!
//! Every call runs in a `tracing` span `descope.request` (level DEBUG) with the fields
//! `endpoint` (e.g. `otp.update_email`), `method`, `path`, `status` (of the last reply),
//! `attempt` (how many were made) and `latency_ms` (the whole call). Each attempt logs a DEBUG
//! event with its `attempt` number, `latency_ms` and `status` or `error`, and each retry one with
//! its `delay_ms`. Query strings, headers and bodies are never logged.

pub use crate::request::{Configured, RequestExt};
pub use crate::retry::RetryPolicy;
