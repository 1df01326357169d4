//! Searches that page: [`Pages`] streams every item of every page, and batch replies that
//! report partial failures: [`PartialFailure`].

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;

use crate::Error;
use crate::request::{Request, ResponseFuture, send};

/// Implemented by the requests of searches that page (generated from the spec's `paging`).
pub trait Paged: Request + Clone {
    /// One item of a page.
    type Item: Send + 'static;
    /// The zero-based page the request asks for.
    fn page(&self) -> i64;
    /// The page size the request asks for (0: the server's default).
    fn limit(&self) -> i64;
    /// Asks for another page.
    fn set_page(&mut self, page: i64);
    /// A page's items, and the number of items of all pages when the reply says.
    fn split(reply: Self::Reply) -> (Vec<Self::Item>, Option<i64>);
}

/// A page number as an `i32` field holds it (saturating).
pub fn page_i32(page: i64) -> i32 {
    i32::try_from(page).unwrap_or(if page < 0 { i32::MIN } else { i32::MAX })
}

/// Every item of every page of a search, fetched page by page as the stream is read.
///
/// It stops after the reply's `total` items, or at a page with fewer items than the page size
/// (or none). A page answered with HTTP 429 is asked for again after the server's
/// `Retry-After` (1 s without one), as long as that is at most [`Pages::max_wait`] (default
/// 60 s) and for at most [`Pages::max_rate_limited`] times in a row (default 10); otherwise the
/// 429 is the stream's last item. Any other error is the last item too.
///
/// ```no_run
/// # #[cfg(feature = "mgmt-user")]
/// # async fn demo(client: descope_api::Client) -> Result<(), descope_api::Error> {
/// use futures_util::TryStreamExt;
///
/// let mut users = client.management()?.user().search().limit(100).into_stream();
/// while let Some(user) = users.try_next().await? {
///     println!("{}", user.user_id);
/// }
/// # Ok(()) }
/// ```
#[must_use = "a stream does nothing until it is polled"]
pub struct Pages<R: Paged> {
    /// The request of the next page to fetch; `None` once the last page was fetched.
    next: Option<R>,
    state: State<R>,
    buffered: VecDeque<R::Item>,
    fetched: i64,
    max_wait: Duration,
    max_rate_limited: u32,
    rate_limited: u32,
}

enum State<R: Paged> {
    Idle,
    Fetching(R, ResponseFuture<R::Reply>),
    Waiting(R, Pin<Box<tokio::time::Sleep>>),
    Done,
}

impl<R: Paged> Pages<R> {
    /// The pages of `request`, starting at the page it asks for.
    pub fn new(request: R) -> Pages<R> {
        Pages {
            next: Some(request),
            state: State::Idle,
            buffered: VecDeque::new(),
            fetched: 0,
            max_wait: Duration::from_secs(60),
            max_rate_limited: 10,
            rate_limited: 0,
        }
    }

    /// The longest `Retry-After` of a 429 that is waited out (default 60 s).
    pub fn max_wait(mut self, wait: Duration) -> Pages<R> {
        self.max_wait = wait;
        self
    }

    /// How many 429s in a row are waited out before the stream gives up (default 10).
    pub fn max_rate_limited(mut self, times: u32) -> Pages<R> {
        self.max_rate_limited = times;
        self
    }

    /// Takes a fetched page: buffers its items and decides whether there is a next one.
    fn take_page(&mut self, mut request: R, reply: R::Reply) {
        let (items, total) = R::split(reply);
        let count = i64::try_from(items.len()).unwrap_or(i64::MAX);
        self.fetched = self.fetched.saturating_add(count);
        self.buffered.extend(items);
        let limit = request.limit();
        let last = count == 0
            || (limit > 0 && count < limit)
            || total.is_some_and(|total| total > 0 && self.fetched >= total);
        if !last {
            request.set_page(request.page().saturating_add(1));
            self.next = Some(request);
        }
    }
}

impl<R: Paged> Unpin for Pages<R> {}

impl<R: Paged> fmt::Debug for Pages<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("fetched", &self.fetched)
            .field("buffered", &self.buffered.len())
            .finish_non_exhaustive()
    }
}

impl<R: Paged> Stream for Pages<R> {
    type Item = Result<R::Item, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffered.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Idle => match this.next.take() {
                    None => return Poll::Ready(None),
                    Some(request) => {
                        let future = send(request.clone());
                        this.state = State::Fetching(request, future);
                    }
                },
                State::Fetching(request, mut future) => match Pin::new(&mut future).poll(cx) {
                    Poll::Pending => {
                        this.state = State::Fetching(request, future);
                        return Poll::Pending;
                    }
                    Poll::Ready(Ok(reply)) => {
                        this.rate_limited = 0;
                        this.take_page(request, reply);
                        this.state = State::Idle;
                    }
                    Poll::Ready(Err(error)) => {
                        let wait = (error.status() == Some(429))
                            .then(|| error.retry_after().unwrap_or(Duration::from_secs(1)))
                            .filter(|wait| *wait <= this.max_wait)
                            .filter(|_| this.rate_limited < this.max_rate_limited);
                        match wait {
                            Some(wait) => {
                                this.rate_limited += 1;
                                tracing::debug!(
                                    wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                                    "descope page rate limited; waiting"
                                );
                                this.state =
                                    State::Waiting(request, Box::pin(tokio::time::sleep(wait)));
                            }
                            None => return Poll::Ready(Some(Err(error))),
                        }
                    }
                },
                State::Waiting(request, mut sleep) => match sleep.as_mut().poll(cx) {
                    Poll::Pending => {
                        this.state = State::Waiting(request, sleep);
                        return Poll::Pending;
                    }
                    Poll::Ready(()) => {
                        let future = send(request.clone());
                        this.state = State::Fetching(request, future);
                    }
                },
            }
        }
    }
}

/// A batch reply in which some entries failed (from the reply's `into_result()`): the whole
/// reply, to see which, and how many did.
///
/// `?` turns it into [`Error::PartialFailure`].
#[derive(Clone, Debug)]
pub struct PartialFailure<T> {
    /// How many entries failed (failed items plus additional errors).
    pub failed: usize,
    /// The whole reply: what succeeded and what failed, with the reasons.
    pub reply: T,
}

impl<T> fmt::Display for PartialFailure<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} entries of the batch failed", self.failed)
    }
}

impl<T: fmt::Debug> std::error::Error for PartialFailure<T> {}

impl<T> From<PartialFailure<T>> for Error {
    fn from(failure: PartialFailure<T>) -> Error {
        Error::PartialFailure {
            failed: failure.failed,
        }
    }
}

/// `Ok(reply)` when nothing failed, else the reply inside a [`PartialFailure`].
pub fn partial_failure<T>(reply: T, failed: usize) -> Result<T, PartialFailure<T>> {
    if failed == 0 {
        Ok(reply)
    } else {
        Err(PartialFailure { failed, reply })
    }
}
