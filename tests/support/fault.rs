//! A loopback HTTP/1.1 server that misbehaves on command, for the fault-injection, load and
//! secret-hygiene suites.
//!
//! It reads each request in full (head and `Content-Length` body), records it, then plays the
//! [`Step`] its script gives for that request's number (0-based, across connections): a reply on a
//! kept-alive connection, a reply then close, a partial reply then a TCP reset, silence, or a body
//! trickled out slowly. It counts accepted connections. Dropping the server stops every task it
//! started and closes every socket.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Step {
    /// Writes these bytes and keeps the connection open for the next request.
    Reply(Vec<u8>),
    /// Writes these bytes, then closes the connection.
    ReplyAndClose(Vec<u8>),
    /// Writes these bytes, then resets the connection (RST, not FIN).
    ResetAfter(Vec<u8>),
    /// Never answers; holds the connection open until the server is dropped.
    Hang,
    /// Writes `head`, then each chunk after `pause`, then closes the connection.
    Trickle {
        head: Vec<u8>,
        chunks: Vec<Vec<u8>>,
        pause: Duration,
    },
}

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct Received {
    /// `POST /v1/... HTTP/1.1`
    pub request_line: String,
    /// Header lines, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Default)]
struct Stats {
    accepted: AtomicUsize,
    next_request: AtomicUsize,
    received: Mutex<Vec<Received>>,
}

type Script = dyn Fn(usize) -> Step + Send + Sync;

/// The running server; see the module docs.
pub struct FaultServer {
    /// `http://127.0.0.1:<port>`
    pub url: String,
    stats: Arc<Stats>,
    task: JoinHandle<()>,
}

impl FaultServer {
    /// Starts a server on a free port of 127.0.0.1 playing `script(request number)`.
    pub async fn start(script: impl Fn(usize) -> Step + Send + Sync + 'static) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let stats = Arc::new(Stats::default());
        let script: Arc<Script> = Arc::new(script);
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&stats), script));
        FaultServer { url, stats, task }
    }

    /// Plays `step` for every request.
    pub async fn always(step: Step) -> FaultServer {
        FaultServer::start(move |_| step.clone()).await
    }

    /// Plays `first` for the first `n` requests, then `then`.
    pub async fn first_n(n: usize, first: Step, then: Step) -> FaultServer {
        FaultServer::start(move |i| if i < n { first.clone() } else { then.clone() }).await
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.stats.accepted.load(Ordering::SeqCst)
    }

    /// Requests received in full so far.
    pub fn request_count(&self) -> usize {
        self.stats.received.lock().unwrap().len()
    }

    /// Every request received in full so far, in arrival order.
    pub fn received(&self) -> Vec<Received> {
        self.stats.received.lock().unwrap().clone()
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts every connection task.
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, stats: Arc<Stats>, script: Arc<Script>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((socket, _)) = accepted else { continue };
                stats.accepted.fetch_add(1, Ordering::SeqCst);
                connections.spawn(serve(socket, Arc::clone(&stats), Arc::clone(&script)));
            }
            // Reap finished connections so a long run does not accumulate them.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve(mut socket: TcpStream, stats: Arc<Stats>, script: Arc<Script>) {
    let mut buffer = Vec::new();
    while let Some(received) = read_request(&mut socket, &mut buffer).await {
        let number = stats.next_request.fetch_add(1, Ordering::SeqCst);
        stats.received.lock().unwrap().push(received);
        match script(number) {
            Step::Reply(bytes) => {
                if socket.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Step::ReplyAndClose(bytes) => {
                let _ = socket.write_all(&bytes).await;
                let _ = socket.shutdown().await;
                return;
            }
            Step::ResetAfter(bytes) => {
                let _ = socket.write_all(&bytes).await;
                let _ = socket.flush().await;
                // Give the client time to read the partial reply, then reset.
                tokio::time::sleep(Duration::from_millis(20)).await;
                let _ = socket.set_zero_linger();
                return;
            }
            Step::Hang => {
                std::future::pending::<()>().await;
            }
            Step::Trickle {
                head,
                chunks,
                pause,
            } => {
                if socket.write_all(&head).await.is_err() {
                    return;
                }
                for chunk in chunks {
                    tokio::time::sleep(pause).await;
                    if socket.write_all(&chunk).await.is_err() {
                        return;
                    }
                }
                let _ = socket.shutdown().await;
                return;
            }
        }
    }
}

/// Reads one request; `None` when the peer closed the connection first.
async fn read_request(socket: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Received> {
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(pos) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let total = head_end + 4 + length;
    while buffer.len() < total {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    let body = buffer[head_end + 4..total].to_vec();
    buffer.drain(..total);
    Some(Received {
        request_line,
        headers,
        body,
    })
}

/// A complete HTTP/1.1 reply with `Content-Length`, e.g. `reply("503 Service Unavailable", &[],
/// b"")`.
pub fn reply(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// A JSON reply with status `status`.
pub fn json(status: &str, body: &str) -> Step {
    Step::Reply(reply(
        status,
        &[("Content-Type", "application/json")],
        body.as_bytes(),
    ))
}

/// `200 OK` with the reply of `otp.update_email`.
pub fn ok() -> Step {
    json("200 OK", r#"{"maskedEmail":"a***@example.org"}"#)
}

/// A bare status with an empty body.
pub fn status(status: &str) -> Step {
    Step::Reply(reply(status, &[], b""))
}

/// The number of open file descriptors of this process (Linux).
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|dir| dir.count())
        .unwrap_or(0)
}
