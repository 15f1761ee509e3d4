//! The HTTP side of `serve`: maps request paths to files in the served folder, safely.
//!
//! A path is percent-decoded (UTF-8, so `/regions/%E5%9B%9B%E5%B7%9D%E7%9C%81/` finds
//! `regions/四川省/`), and refused with 403 if any segment is `..` (however it was
//! encoded) or it holds a backslash or NUL; the file found must still lie inside the
//! served folder once symbolic links are resolved. Folders redirect to their `/` form and
//! serve their `index.html` (the redirect is made from the cleaned path, so it never
//! leads to another host); anything missing gets the site's `404.html` with status 404.
//! HTML pages get the live-reload script added before `</body>`. Requests whose `Host`
//! is not this server's are refused ([`host_allowed`]).

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

/// Where a request leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    File(PathBuf),
    /// A folder asked for without its trailing `/`: redirect to this address.
    Redirect(String),
    NotFound,
    Forbidden,
    BadRequest,
}

/// Resolves `url` (path and query as the client sent them) inside `dir`.
pub fn resolve(dir: &Path, url: &str) -> Target {
    let (raw_path, query) = match url.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (url, None),
    };
    let raw_path = raw_path.split('#').next().unwrap_or("");
    if !raw_path.starts_with('/') {
        return Target::BadRequest;
    }
    let Some(path) = percent_decode(raw_path) else {
        return Target::BadRequest;
    };
    if path.contains('\0') || path.contains('\\') {
        return Target::Forbidden;
    }
    let segments: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    if segments.contains(&"..") {
        return Target::Forbidden;
    }
    let mut file = dir.to_path_buf();
    for s in &segments {
        file.push(s);
    }
    if file.is_dir() {
        if !path.ends_with('/') {
            // Made from the cleaned segments: always one leading `/`, so never
            // `//other.host/`, which a browser would read as another site.
            let mut to = String::from("/");
            for s in &segments {
                to.push_str(&encode_segment(s));
                to.push('/');
            }
            if let Some(q) = query {
                to.push('?');
                to.push_str(q);
            }
            return Target::Redirect(to);
        }
        file.push("index.html");
    }
    if !file.is_file() {
        return Target::NotFound;
    }
    match (file.canonicalize(), dir.canonicalize()) {
        (Ok(f), Ok(d)) if f.starts_with(&d) => Target::File(file),
        _ => Target::Forbidden,
    }
}

/// Percent-encodes a decoded path segment for a `Location` header.
fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Whether a request's `Host` header names this server, listening on `bound`: a
/// `localhost` name or a loopback address when it listens there, its own address, or any
/// address when it listens on all of them — with its port. A page on another site whose
/// name was pointed at this computer (DNS rebinding) sends that name, and is refused.
pub fn host_allowed(host: &str, bound: SocketAddr) -> bool {
    let Some((name, port)) = split_host(host) else {
        return false;
    };
    if port.unwrap_or(80) != bound.port() {
        return false;
    }
    let listens = bound.ip();
    if name.eq_ignore_ascii_case("localhost") {
        return listens.is_loopback() || listens.is_unspecified();
    }
    match name.parse::<IpAddr>() {
        Ok(ip) => {
            listens.is_unspecified() || ip == listens || (ip.is_loopback() && listens.is_loopback())
        }
        Err(_) => false,
    }
}

/// `name[:port]` or `[v6]:port` → (name without brackets, port).
fn split_host(host: &str) -> Option<(&str, Option<u16>)> {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let (name, after) = rest.split_once(']')?;
        match after {
            "" => (name, None),
            _ => (name, Some(after.strip_prefix(':')?)),
        }
    } else {
        match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        }
    };
    let port = match port {
        Some(p) => Some(p.parse().ok()?),
        None => None,
    };
    (!name.is_empty()).then_some((name, port))
}

/// `%XX` sequences to bytes, then UTF-8; `None` for bad escapes or bytes.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let text = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(text, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The `Content-Type` for a file name.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" if path.file_name().is_some_and(|n| n == "atom.xml") => {
            "application/atom+xml; charset=utf-8"
        }
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "zip" => "application/zip",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// The tag that loads the live-reload script.
pub const LIVE_SCRIPT_TAG: &str = "<script src=\"/__casebook/live.js\"></script>";

/// Adds the live-reload script to an HTML page, before its last `</body>`.
pub fn inject(html: &[u8]) -> Vec<u8> {
    let needle = b"</body>";
    let at = html
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + LIVE_SCRIPT_TAG.len() + 1);
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(LIVE_SCRIPT_TAG.as_bytes());
    out.push(b'\n');
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path();
        std::fs::create_dir_all(d.join("regions/四川省")).unwrap();
        std::fs::write(d.join("regions/四川省/index.html"), "<p>四川</p>").unwrap();
        std::fs::write(d.join("index.html"), "<html><body>首页</body></html>").unwrap();
        std::fs::write(d.join("style.css"), "body{}").unwrap();
        tmp
    }

    #[test]
    fn chinese_paths_folders_and_redirects() {
        let tmp = site();
        let d = tmp.path();
        assert_eq!(
            resolve(d, "/regions/%E5%9B%9B%E5%B7%9D%E7%9C%81/"),
            Target::File(d.join("regions/四川省/index.html"))
        );
        assert_eq!(
            resolve(d, "/regions/%E5%9B%9B%E5%B7%9D%E7%9C%81?x=1"),
            Target::Redirect("/regions/%E5%9B%9B%E5%B7%9D%E7%9C%81/?x=1".into())
        );
        assert_eq!(resolve(d, "/"), Target::File(d.join("index.html")));
        assert_eq!(
            resolve(d, "/style.css?v=2"),
            Target::File(d.join("style.css"))
        );
        assert_eq!(resolve(d, "/nope/"), Target::NotFound);
    }

    #[test]
    fn traversal_is_refused_however_encoded() {
        let tmp = site();
        let d = tmp.path().join("regions");
        for url in [
            "/../index.html",
            "/%2e%2e/index.html",
            "/%2E%2E/index.html",
            "/四川省/../../index.html",
            "/..%2findex.html",
            "/..%5cindex.html",
            "/a%00b",
        ] {
            assert_eq!(resolve(&d, url), Target::Forbidden, "{url}");
        }
        assert_eq!(resolve(&d, "/%zz"), Target::BadRequest);
        assert_eq!(resolve(&d, "/%ff"), Target::BadRequest);
        assert_eq!(resolve(&d, "index.html"), Target::BadRequest);
    }

    #[test]
    fn redirects_stay_on_this_host() {
        let tmp = site();
        let d = tmp.path();
        for (url, to) in [
            ("//regions", "/regions/"),
            ("///regions", "/regions/"),
            ("/%2F%2Fregions", "/regions/"),
            ("/./regions?a=b", "/regions/?a=b"),
        ] {
            assert_eq!(resolve(d, url), Target::Redirect(to.into()), "{url}");
        }
    }

    #[test]
    fn only_this_servers_names_are_hosts() {
        let local: SocketAddr = "127.0.0.1:1111".parse().unwrap();
        let all: SocketAddr = "0.0.0.0:1111".parse().unwrap();
        let lan: SocketAddr = "192.168.1.5:1111".parse().unwrap();
        let v6: SocketAddr = "[::1]:1111".parse().unwrap();
        for (host, bound, ok) in [
            ("127.0.0.1:1111", local, true),
            ("localhost:1111", local, true),
            ("LocalHost:1111", local, true),
            ("127.0.0.2:1111", local, true),
            ("[::1]:1111", v6, true),
            ("localhost:1111", v6, true),
            ("192.168.1.5:1111", all, true),
            ("localhost:1111", all, true),
            ("192.168.1.5:1111", lan, true),
            ("127.0.0.1:1111", lan, false),
            ("localhost:1111", lan, false),
            ("evil.example:1111", local, false),
            ("evil.example:1111", all, false),
            ("localhost.evil.example:1111", local, false),
            ("127.0.0.1:1112", local, false),
            ("127.0.0.1", local, false),
            ("127.0.0.1:", local, false),
            ("[::1", v6, false),
            ("", local, false),
        ] {
            assert_eq!(host_allowed(host, bound), ok, "{host} on {bound}");
        }
        let port80: SocketAddr = "127.0.0.1:80".parse().unwrap();
        assert!(host_allowed("localhost", port80));
    }

    #[test]
    fn content_types() {
        for (name, t) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.svg", "image/svg+xml"),
            ("a.woff2", "font/woff2"),
            ("atom.xml", "application/atom+xml; charset=utf-8"),
            ("cases.json", "application/json"),
            ("a.PNG", "image/png"),
            ("a.unknown", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(name)), t);
        }
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        let out = String::from_utf8(inject(b"<body>x</BODY>")).unwrap();
        assert_eq!(out, format!("<body>x{LIVE_SCRIPT_TAG}\n</BODY>"));
        let bare = String::from_utf8(inject(b"<p>x</p>")).unwrap();
        assert!(bare.ends_with(&format!("{LIVE_SCRIPT_TAG}\n")));
    }
}
