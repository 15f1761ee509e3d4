//! Connections: a small HTTP/1.1 server for the preview. A fixed pool of threads answers
//! one request per connection (`Connection: close`), reading each request head within a
//! time limit, so idle or slow clients can neither make it start threads nor hold one for
//! long; connections beyond what the pool and its queue can take are closed at once.
//! What a request is answered with is `respond.rs`'s job.

use super::lock;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, TrySendError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Threads answering requests; an open tab's long poll holds one for up to 25 s.
const WORKERS: usize = 32;
/// Accepted connections waiting for a thread; beyond this they are closed.
const QUEUE: usize = 256;
/// A request head must arrive within this time of the connection being taken up.
const HEAD_TIMEOUT: Duration = Duration::from_secs(5);
/// A client that stops reading its reply is dropped after this long.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest request head read (request line and headers).
const MAX_HEAD: usize = 16 * 1024;

/// A request as `respond.rs` needs it: `GET`/`HEAD` carry no body.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Request {
    pub(super) method: String,
    /// Path and query, as sent.
    pub(super) target: String,
    /// The `Host` header, if there was exactly one.
    pub(super) host: Option<String>,
}

/// A complete reply; `Content-Length` and `Connection: close` are added when sent.
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) headers: Vec<(&'static str, String)>,
    pub(super) body: Vec<u8>,
}

/// A server answering on its own threads until [`Running::stop`].
pub(super) struct Running {
    stopping: Arc<AtomicBool>,
    wake: SocketAddr,
    accept: JoinHandle<()>,
}

type Answer = dyn Fn(&Request) -> Reply + Send + Sync;

/// Starts answering connections on `listener` with `answer`.
pub(super) fn start(listener: TcpListener, answer: Arc<Answer>) -> std::io::Result<Running> {
    let mut wake = listener.local_addr()?;
    if wake.ip().is_unspecified() {
        wake.set_ip(match wake {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    let (tx, rx) = mpsc::sync_channel::<TcpStream>(QUEUE);
    let rx = Arc::new(Mutex::new(rx));
    for i in 0..WORKERS {
        let (rx, answer) = (rx.clone(), answer.clone());
        std::thread::Builder::new()
            .name(format!("casebook-http-{i}"))
            .spawn(move || loop {
                let next = lock(&rx).recv();
                match next {
                    Ok(stream) => handle(stream, &*answer),
                    Err(_) => return, // the server stopped
                }
            })?;
    }
    let stopping = Arc::new(AtomicBool::new(false));
    let accept = {
        let stopping = stopping.clone();
        std::thread::Builder::new()
            .name("casebook-http-accept".into())
            .spawn(move || {
                for conn in listener.incoming() {
                    if stopping.load(Ordering::SeqCst) {
                        return;
                    }
                    match conn {
                        // Full queue: dropping the stream closes the connection.
                        Ok(stream) => match tx.try_send(stream) {
                            Ok(()) | Err(TrySendError::Full(_)) => {}
                            Err(TrySendError::Disconnected(_)) => return,
                        },
                        // Out of file descriptors, or the like: let it pass.
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            })?
    };
    Ok(Running {
        stopping,
        wake,
        accept,
    })
}

impl Running {
    /// Stops accepting connections; requests being answered finish on their own.
    pub(super) fn stop(self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wakes the accepting thread, which then sees `stopping`.
        let _ = TcpStream::connect_timeout(&self.wake, Duration::from_secs(1));
        let _ = self.accept.join();
    }
}

/// Answers the one request of `stream`, if it sends one in time.
fn handle(mut stream: TcpStream, answer: &Answer) {
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let (reply, head_only) = match read_head(&mut stream) {
        Ok(None) => return, // closed, or idle too long, before sending anything
        Ok(Some(request)) => (answer(&request), request.method == "HEAD"),
        Err((status, message)) => (plain(status, message), false),
    };
    let _ = write_reply(&mut stream, &reply, head_only);
    let _ = stream.shutdown(Shutdown::Write);
}

/// A bare text reply for requests that never reached `respond.rs`.
fn plain(status: u16, message: &str) -> Reply {
    Reply {
        status,
        headers: vec![("Content-Type", "text/plain; charset=utf-8".into())],
        body: message.as_bytes().to_vec(),
    }
}

type Refusal = (u16, &'static str);

/// Reads and parses a request head. `Ok(None)`: nothing was sent before the connection
/// closed or the time ran out.
fn read_head(stream: &mut TcpStream) -> Result<Option<Request>, Refusal> {
    let deadline = Instant::now() + HEAD_TIMEOUT;
    let mut head = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return timed_out(&head);
        }
        let n = match stream.read(&mut chunk) {
            Ok(0) if head.is_empty() => return Ok(None),
            Ok(0) => return Err((400, "bad request: incomplete request")),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return timed_out(&head),
        };
        head.extend_from_slice(&chunk[..n]);
        if let Some(end) = memchr::memmem::find(&head, b"\r\n\r\n") {
            return parse_head(&head[..end]).map(Some);
        }
        if head.len() > MAX_HEAD {
            return Err((431, "request headers too large"));
        }
    }
}

fn timed_out(head: &[u8]) -> Result<Option<Request>, Refusal> {
    if head.is_empty() {
        Ok(None)
    } else {
        Err((408, "request timeout"))
    }
}

/// Parses a request line and headers (without the blank line that ends them).
fn parse_head(head: &[u8]) -> Result<Request, Refusal> {
    const BAD: Refusal = (400, "bad request");
    let head = std::str::from_utf8(head).map_err(|_| BAD)?;
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (first.next(), first.next(), first.next(), first.next())
    else {
        return Err(BAD);
    };
    if method.is_empty() || target.is_empty() || !version.starts_with("HTTP/1.") {
        return Err(BAD);
    }
    let mut hosts = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':').ok_or(BAD)?;
        if name.eq_ignore_ascii_case("host") {
            hosts.push(value.trim().to_string());
        }
    }
    Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        host: match hosts.len() {
            1 => hosts.pop(),
            _ => None,
        },
    })
}

fn write_reply(stream: &mut TcpStream, reply: &Reply, head_only: bool) -> std::io::Result<()> {
    let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        reply.body.len()
    ));
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&reply.body);
    }
    stream.write_all(&bytes)?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_heads_are_parsed_and_bad_ones_refused() {
        let r = parse_head(b"GET /cases/x/?q=1 HTTP/1.1\r\nHost: localhost:1111\r\nAccept: */*")
            .unwrap();
        assert_eq!(
            r,
            Request {
                method: "GET".into(),
                target: "/cases/x/?q=1".into(),
                host: Some("localhost:1111".into()),
            }
        );
        let two = parse_head(b"GET / HTTP/1.1\r\nHost: a\r\nhost: b").unwrap();
        assert_eq!(two.host, None, "two Host headers name no host");
        for bad in [
            &b"GET /"[..],
            b"GET / HTTP/2",
            b"GET  / HTTP/1.1",
            b"GET / HTTP/1.1\r\nno colon",
            b"GET /\xff HTTP/1.1",
        ] {
            assert!(parse_head(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
