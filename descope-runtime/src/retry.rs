//! [`RetryPolicy`]: when a call is re-sent. A pure policy: the transport asks it.

use std::fmt;
use std::time::Duration;

/// When and how often a call is re-sent.
///
/// [`RetryPolicy::default()`] is the official Descope SDKs' contract:
///
/// - a reply with HTTP 503, 520, 521, 522, 524 or 530 is retried after
///   100 ms, then 5 s, then 5 s (four attempts at most);
/// - a connection that could not be opened (refused, DNS failure, connect
///   timeout: nothing was sent) is retried on the same schedule;
/// - nothing else is retried: not 429 (its `Retry-After` is reported by
///   [`Error::retry_after`](crate::Error::retry_after)), not other statuses, and not a failure after the
///   request may have reached the server (a timeout, a connection reset while
///   waiting for the reply), since Descope calls are not all idempotent.
///
/// Every attempt re-sends the very same bytes (the body is serialized once).
/// Dropping the call's future cancels it, including a pending wait.
///
/// Set a policy for a whole client with
/// [`ClientBuilder::retry_policy`](crate::ClientBuilder::retry_policy), or for
/// one call with [`RequestExt::retry_policy`](crate::RequestExt::retry_policy).
///
/// ```
/// use std::time::Duration;
/// use descope_api::RetryPolicy;
///
/// let official = RetryPolicy::default();
/// assert_eq!(official.statuses(), [503, 520, 521, 522, 524, 530]);
/// assert_eq!(official.max_attempts(), 4);
///
/// let patient = RetryPolicy::default()
///     .retry_429_up_to(Duration::from_secs(10)) // wait out short rate limits
///     .with_deadline(Duration::from_secs(30)); // and never take longer than 30 s in all
/// # let _ = patient;
/// assert_eq!(RetryPolicy::none().max_attempts(), 1);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    delays: Vec<Duration>,
    statuses: Vec<u16>,
    retry_429_up_to: Option<Duration>,
    deadline: Option<Duration>,
}

/// Why an attempt might be retried.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Cause {
    /// The server answered with this status and `Retry-After` (seconds).
    Status(u16, Option<u64>),
    /// No connection could be opened: nothing was sent.
    Connect,
}

impl RetryPolicy {
    /// The official SDKs' waits before the first, second and third retry.
    pub const DEFAULT_DELAYS: [Duration; 3] = [
        Duration::from_millis(100),
        Duration::from_secs(5),
        Duration::from_secs(5),
    ];

    /// The statuses the official SDKs retry: 503 and Cloudflare's 520, 521,
    /// 522, 524 and 530.
    pub const DEFAULT_STATUSES: [u16; 6] = [503, 520, 521, 522, 524, 530];

    /// Never retries: every call is sent exactly once.
    #[must_use]
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            delays: Vec::new(),
            ..RetryPolicy::default()
        }
    }

    /// Retries up to `delays.len()` times, waiting each delay in turn before
    /// the next attempt.
    #[must_use]
    pub fn with_delays(mut self, delays: impl IntoIterator<Item = Duration>) -> RetryPolicy {
        self.delays = delays.into_iter().collect();
        self
    }

    /// Retries replies with these HTTP statuses (replacing the default set).
    #[must_use]
    pub fn with_statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> RetryPolicy {
        self.statuses = statuses.into_iter().collect();
        self
    }

    /// Also retries HTTP 429 when its `Retry-After` asks for at most `limit`,
    /// waiting exactly that long; a 429 without `Retry-After`, or asking for
    /// more, is returned at once. Each such retry uses up one of the
    /// policy's retries (its delay is replaced by the server's).
    #[must_use]
    pub fn retry_429_up_to(mut self, limit: Duration) -> RetryPolicy {
        self.retry_429_up_to = Some(limit);
        self
    }

    /// Caps the whole call, all attempts and waits included. An attempt
    /// running when the deadline passes fails with [`Error::Timeout`](crate::Error::Timeout); a
    /// retry whose wait would end after it is not made, and the last
    /// failure is returned instead.
    #[must_use]
    pub fn with_deadline(mut self, deadline: Duration) -> RetryPolicy {
        self.deadline = Some(deadline);
        self
    }

    /// The waits before each retry, in order.
    pub fn delays(&self) -> &[Duration] {
        &self.delays
    }

    /// The retried HTTP statuses.
    pub fn statuses(&self) -> &[u16] {
        &self.statuses
    }

    /// The longest `Retry-After` a 429 may ask for and still be retried;
    /// `None` when 429 is never retried.
    pub fn retry_429_limit(&self) -> Option<Duration> {
        self.retry_429_up_to
    }

    /// The cap on the whole call, if any.
    pub fn deadline(&self) -> Option<Duration> {
        self.deadline
    }

    /// The most attempts a call can make: one more than the number of delays.
    pub fn max_attempts(&self) -> usize {
        self.delays.len() + 1
    }

    /// How long to wait before retry number `retry` (0-based) after `cause`,
    /// or `None` when it must not be retried.
    pub(crate) fn delay_before(&self, retry: usize, cause: Cause) -> Option<Duration> {
        let scheduled = *self.delays.get(retry)?;
        match cause {
            Cause::Connect => Some(scheduled),
            Cause::Status(status, _) if self.statuses.contains(&status) => Some(scheduled),
            Cause::Status(429, Some(seconds)) => {
                let wait = Duration::from_secs(seconds);
                (wait <= self.retry_429_up_to?).then_some(wait)
            }
            Cause::Status(..) => None,
        }
    }
}

impl Default for RetryPolicy {
    /// The official SDKs' contract; see [`RetryPolicy`].
    fn default() -> RetryPolicy {
        RetryPolicy {
            delays: RetryPolicy::DEFAULT_DELAYS.to_vec(),
            statuses: RetryPolicy::DEFAULT_STATUSES.to_vec(),
            retry_429_up_to: None,
            deadline: None,
        }
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("delays", &self.delays)
            .field("statuses", &self.statuses)
            .field("retry_429_up_to", &self.retry_429_up_to)
            .field("deadline", &self.deadline)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn default_is_the_official_contract() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.delays(),
            [
                Duration::from_millis(100),
                Duration::from_secs(5),
                Duration::from_secs(5)
            ]
        );
        assert_eq!(policy.statuses(), [503, 520, 521, 522, 524, 530]);
        assert_eq!(policy.retry_429_limit(), None);
        assert_eq!(policy.deadline(), None);
        assert_eq!(policy.max_attempts(), 4);
        for status in [503, 520, 521, 522, 524, 530] {
            assert_eq!(
                policy.delay_before(0, Cause::Status(status, None)),
                Some(Duration::from_millis(100))
            );
            assert_eq!(
                policy.delay_before(1, Cause::Status(status, None)),
                Some(Duration::from_secs(5))
            );
            assert_eq!(
                policy.delay_before(2, Cause::Status(status, None)),
                Some(Duration::from_secs(5))
            );
            assert_eq!(policy.delay_before(3, Cause::Status(status, None)), None);
        }
        for status in [200, 302, 400, 429, 500, 502, 504, 523] {
            assert_eq!(policy.delay_before(0, Cause::Status(status, Some(1))), None);
        }
        assert_eq!(
            policy.delay_before(0, Cause::Connect),
            Some(Duration::from_millis(100))
        );
        assert_eq!(policy.delay_before(3, Cause::Connect), None);
    }

    #[test]
    fn none_never_retries() {
        let policy = RetryPolicy::none();
        assert_eq!(policy.max_attempts(), 1);
        assert_eq!(policy.delay_before(0, Cause::Status(503, None)), None);
        assert_eq!(policy.delay_before(0, Cause::Connect), None);
        let policy = RetryPolicy::none().retry_429_up_to(Duration::from_secs(60));
        assert_eq!(policy.delay_before(0, Cause::Status(429, Some(1))), None);
    }

    #[test]
    fn retry_429_only_within_the_limit() {
        let policy = RetryPolicy::default().retry_429_up_to(Duration::from_secs(5));
        let wait = |seconds| policy.delay_before(0, Cause::Status(429, seconds));
        assert_eq!(wait(Some(0)), Some(Duration::ZERO));
        assert_eq!(wait(Some(5)), Some(Duration::from_secs(5)));
        assert_eq!(wait(Some(6)), None);
        assert_eq!(wait(None), None);
        assert_eq!(policy.delay_before(3, Cause::Status(429, Some(1))), None);
    }

    #[test]
    fn custom_schedule_and_statuses() {
        let policy = RetryPolicy::default()
            .with_delays([MS, 2 * MS])
            .with_statuses([500])
            .with_deadline(Duration::from_secs(1));
        assert_eq!(policy.max_attempts(), 3);
        assert_eq!(
            policy.delay_before(1, Cause::Status(500, None)),
            Some(2 * MS)
        );
        assert_eq!(policy.delay_before(0, Cause::Status(503, None)), None);
        assert_eq!(policy.deadline(), Some(Duration::from_secs(1)));
        let shown = format!("{policy:?}");
        assert!(shown.contains("statuses: [500]"), "{shown}");
    }
}
