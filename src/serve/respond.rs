//! HTTP responses: what each request to `serve` is answered with (pages from the served
//! folder, the live-reload endpoints, the site's 404 page), and which requests are
//! refused (other methods, other hosts).

use super::http::{self, Target};
use super::live::{lock_state, since_param, status_since, wait_for_build, Shared, LIVE_JS};
use super::server::{Reply, Request};
use serde::Serialize;
use std::net::SocketAddr;
use std::path::Path;

/// The reply to `request`, for a server listening on `bound`.
pub(super) fn respond(request: &Request, shared: &Shared, bound: SocketAddr) -> Reply {
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        return text(405, "only GET and HEAD are served");
    }
    let Some(host) = &request.host else {
        return text(400, "bad request: no Host header");
    };
    if !http::host_allowed(host, bound) {
        return text(
            403,
            &format!(
                "forbidden: this preview answers only to its own address (localhost or {}), not {host}",
                bound.ip()
            ),
        );
    }
    let url = request.target.as_str();
    if let Some(rest) = url.strip_prefix("/__casebook/") {
        let (name, query) = rest.split_once('?').unwrap_or((rest, ""));
        return match name {
            "live.js" => body(
                200,
                LIVE_JS.as_bytes().to_vec(),
                "text/javascript; charset=utf-8",
            ),
            "status" => json(&status_since(&lock_state(shared), None)),
            "events" => json(&wait_for_build(shared, since_param(query))),
            _ => text(404, "not found"),
        };
    }
    match http::resolve(&shared.dir, url) {
        Target::File(path) => match std::fs::read(&path) {
            Ok(bytes) => page(200, bytes, &path),
            Err(_) => not_found(shared),
        },
        Target::Redirect(to) => {
            let mut reply = text(301, "moved");
            reply.headers.push(("Location", to));
            reply
        }
        Target::NotFound => not_found(shared),
        Target::Forbidden => text(403, "forbidden: this address points outside the site"),
        Target::BadRequest => text(400, "bad request: the address is not valid"),
    }
}

fn body(status: u16, bytes: Vec<u8>, content_type: &str) -> Reply {
    Reply {
        status,
        headers: vec![
            ("Content-Type", content_type.to_string()),
            ("Cache-Control", "no-store".into()),
            ("X-Content-Type-Options", "nosniff".into()),
        ],
        body: bytes,
    }
}

fn text(status: u16, message: &str) -> Reply {
    body(
        status,
        message.as_bytes().to_vec(),
        "text/plain; charset=utf-8",
    )
}

fn json<T: Serialize>(value: &T) -> Reply {
    let bytes = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    body(200, bytes, "application/json")
}

fn page(status: u16, bytes: Vec<u8>, path: &Path) -> Reply {
    let kind = http::content_type(path);
    let bytes = if kind.starts_with("text/html") {
        http::inject(&bytes)
    } else {
        bytes
    };
    body(status, bytes, kind)
}

/// The site's own 404 page, or (before a first good build) a bare one that still loads
/// the script, so the errors show.
fn not_found(shared: &Shared) -> Reply {
    let path = shared.dir.join("404.html");
    match std::fs::read(&path) {
        Ok(bytes) => page(404, bytes, &path),
        Err(_) => page(
            404,
            "<!DOCTYPE html><meta charset=\"utf-8\"><title>casebook</title><body><p>还没有成功构建过：请按提示改正错误。 The site has not been built yet: fix the errors shown.</p></body>".as_bytes().to_vec(),
            Path::new("404.html"),
        ),
    }
}
