//! A small W3C WebDriver client for browser tests: starts `chromedriver` on a free port,
//! opens a headless Chromium session with a fresh profile, and drives it (navigate, find,
//! click, type, read text, run script, screenshot). Speaks the JSON protocol with `ureq`.
//!
//! When no chromedriver is found the tests fail with a message saying what to install,
//! unless `CASEBOOK_SKIP_BROWSER=1` is set ([`Browser::start_or_skip`] then returns `None`).
#![allow(dead_code)]

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

fn find_program(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    for c in candidates {
        let p = Path::new(c);
        if p.is_absolute() {
            if p.is_file() {
                return Some(p.to_path_buf());
            }
        } else if let Some(paths) = std::env::var_os("PATH") {
            for dir in std::env::split_paths(&paths) {
                if dir.join(c).is_file() {
                    return Some(dir.join(c));
                }
            }
        }
    }
    None
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free local port")
}

/// One browser at a time per test binary: two Chromiums on a 2-core machine make each
/// other time out, and ports picked by [`free_port`] could collide.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A running chromedriver with one browser session. Ends both when dropped.
pub struct Browser {
    _turn: std::sync::MutexGuard<'static, ()>,
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    _profile: tempfile::TempDir,
}

/// An element of the current page.
pub struct Element<'a> {
    browser: &'a Browser,
    pub id: String,
}

impl Browser {
    /// Starts a headless browser, or returns `None` when it is missing and
    /// `CASEBOOK_SKIP_BROWSER=1` is set. Panics with instructions when it is missing otherwise.
    pub fn start_or_skip() -> Option<Browser> {
        let skip = std::env::var("CASEBOOK_SKIP_BROWSER").is_ok_and(|v| v == "1");
        let driver = find_program("CHROMEDRIVER", &["/usr/bin/chromedriver", "chromedriver"]);
        let chrome = find_program(
            "CHROMIUM",
            &[
                "/usr/bin/chromium",
                "chromium",
                "chromium-browser",
                "google-chrome",
            ],
        );
        match (driver, chrome) {
            (Some(d), Some(c)) => Some(Browser::start(&d, &c)),
            _ if skip => {
                eprintln!("skipping browser test: chromium/chromedriver not found and CASEBOOK_SKIP_BROWSER=1");
                None
            }
            (d, c) => panic!(
                "browser test needs Chromium and chromedriver (found chromedriver: {d:?}, chromium: {c:?}). \
                 Install them (Debian: apt-get install chromium chromium-driver), point CHROMEDRIVER / CHROMIUM at them, \
                 or set CASEBOOK_SKIP_BROWSER=1 to skip"
            ),
        }
    }

    fn start(driver: &Path, chrome: &Path) -> Browser {
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
        let port = free_port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver.display()));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let profile = tempfile::tempdir().expect("profile dir");
        let mut b = Browser {
            _turn: turn,
            driver: child,
            base,
            session: String::new(),
            agent,
            _profile: profile,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = b
                .agent
                .get(format!("{}/status", b.base))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not come up on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let args = json!([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1200,900",
            format!("--user-data-dir={}", b._profile.path().display()),
        ]);
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chrome.to_string_lossy(), "args": args}
        }}});
        let v = b.raw("POST", "/session", Some(caps));
        b.session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        b
    }

    fn raw(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let resp = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, b) => self
                .agent
                .post(&url)
                .send_json(b.unwrap_or_else(|| json!({}))),
        };
        let mut resp = resp.unwrap_or_else(|e| panic!("WebDriver {method} {path}: {e}"));
        let v: Value = resp
            .body_mut()
            .read_json()
            .unwrap_or_else(|e| panic!("WebDriver {method} {path}: bad JSON: {e}"));
        if !resp.status().is_success() {
            panic!("WebDriver {method} {path} failed: {}", v["value"]);
        }
        v["value"].clone()
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.raw(method, &format!("/session/{}{path}", self.session), body)
    }

    /// Like [`cmd`], but returns the error JSON instead of panicking.
    fn try_cmd(&self, method: &str, path: &str, body: Value) -> Result<Value, Value> {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let req = if method == "GET" {
            self.agent.get(&url).call()
        } else {
            self.agent.post(&url).send_json(body)
        };
        let mut resp = req.map_err(|e| json!(e.to_string()))?;
        let v: Value = resp
            .body_mut()
            .read_json()
            .map_err(|e| json!(e.to_string()))?;
        if resp.status().is_success() {
            Ok(v["value"].clone())
        } else {
            Err(v["value"].clone())
        }
    }

    /// Resizes the window (the page's layout viewport follows).
    pub fn set_window_size(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }

    pub fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({"url": url})));
    }

    pub fn url(&self) -> String {
        self.cmd("GET", "/url", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Runs a synchronous script; its `return` value comes back as JSON.
    pub fn execute(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Runs an asynchronous script: it ends by calling its last argument with the value
    /// to return (`arguments[arguments.length - 1](v)`).
    /// Every layout shift since the page began, added up once `settle_ms` have passed,
    /// with what moved (for a failure message).
    pub fn layout_shift(&self, settle_ms: u32) -> (f64, Value) {
        let v = self.execute_async(
            "const [settle, done] = arguments;
             setTimeout(() => {
               let sum = 0; const what = [];
               const o = new PerformanceObserver(list => {
                 for (const e of list.getEntries()) if (!e.hadRecentInput) {
                   sum += e.value;
                   what.push(e.value.toFixed(4) + ' ' + e.sources.map(s => s.node &&
                     (s.node.id || s.node.className || s.node.nodeName)).join(', '));
                 }
               });
               o.observe({type: 'layout-shift', buffered: true});
               setTimeout(() => { o.disconnect(); done([sum, what]); }, 200);
             }, settle);",
            json!([settle_ms]),
        );
        (v[0].as_f64().unwrap_or(f64::NAN), v[1].clone())
    }

    pub fn execute_async(&self, script: &str, args: Value) -> Value {
        self.cmd(
            "POST",
            "/execute/async",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Sends a Chrome DevTools command (`Emulation.setEmulatedMedia` …) through chromedriver.
    pub fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.cmd(
            "POST",
            "/goog/cdp/execute",
            Some(json!({"cmd": cmd, "params": params})),
        )
    }

    /// Emulates CSS media features, e.g. `[("prefers-color-scheme", "dark")]`; `[]` resets.
    pub fn emulate_media(&self, features: &[(&str, &str)]) {
        let features: Vec<Value> = features
            .iter()
            .map(|(name, value)| json!({"name": name, "value": value}))
            .collect();
        self.cdp(
            "Emulation.setEmulatedMedia",
            json!({"media": "", "features": features}),
        );
    }

    /// Presses keys on whatever has the focus (`"\u{E004}"` is Tab, `"\u{E007}"` Enter).
    pub fn press(&self, keys: &str) {
        let mut actions = Vec::new();
        for k in keys.chars() {
            actions.push(json!({"type": "keyDown", "value": k.to_string()}));
            actions.push(json!({"type": "keyUp", "value": k.to_string()}));
        }
        self.cmd(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
    }

    pub fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        self.cmd(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        )
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e[ELEMENT_KEY].as_str())
                .map(|id| Element {
                    browser: self,
                    id: id.to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
    }

    pub fn find(&self, css: &str) -> Option<Element<'_>> {
        self.try_cmd(
            "POST",
            "/element",
            json!({"using": "css selector", "value": css}),
        )
        .ok()
        .and_then(|v| {
            v[ELEMENT_KEY].as_str().map(|id| Element {
                browser: self,
                id: id.to_string(),
            })
        })
    }

    /// Waits until `script` (a function body) returns true; panics after `secs` seconds.
    pub fn wait_until(&self, what: &str, script: &str, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        loop {
            if self.execute(script, json!([])) == json!(true) {
                return;
            }
            if Instant::now() > deadline {
                let text = self.execute(
                    "return document.body ? document.body.innerText.slice(0, 2000) : ''",
                    json!([]),
                );
                panic!(
                    "timed out waiting for {what} at {}; page text:\n{}",
                    self.url(),
                    text.as_str().unwrap_or("")
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Saves a PNG of the viewport.
    pub fn screenshot(&self, path: &Path) {
        let v = self.cmd("GET", "/screenshot", None);
        let bytes = casebook::search::codec::unbase64(v.as_str().unwrap_or_default())
            .expect("WebDriver sent a screenshot that is not base64");
        std::fs::write(path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}

impl Element<'_> {
    fn path(&self, tail: &str) -> String {
        format!("/element/{}{tail}", self.id)
    }
    pub fn click(&self) {
        self.browser
            .cmd("POST", &self.path("/click"), Some(json!({})));
    }
    pub fn text(&self) -> String {
        self.browser
            .cmd("GET", &self.path("/text"), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
    pub fn attr(&self, name: &str) -> Option<String> {
        self.browser
            .cmd("GET", &self.path(&format!("/attribute/{name}")), None)
            .as_str()
            .map(String::from)
    }
    pub fn send_keys(&self, text: &str) {
        self.browser
            .cmd("POST", &self.path("/value"), Some(json!({"text": text})));
    }
    pub fn clear(&self) {
        self.browser
            .cmd("POST", &self.path("/clear"), Some(json!({})));
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self
                .agent
                .delete(format!("{}/session/{}", self.base, self.session))
                .call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        // A browser that did not quit with its session (a test failed mid-way) is found by
        // its own profile folder, which no other process uses.
        let mark = format!("--user-data-dir={}", self._profile.path().display());
        if let Ok(procs) = std::fs::read_dir("/proc") {
            for p in procs.filter_map(Result::ok) {
                let cmd = std::fs::read(p.path().join("cmdline")).unwrap_or_default();
                if String::from_utf8_lossy(&cmd).split('\0').any(|a| a == mark) {
                    if let Ok(pid) = p.file_name().to_string_lossy().parse::<u32>() {
                        let _ = Command::new("kill").arg(pid.to_string()).status();
                    }
                }
            }
        }
    }
}

/// A static file server on a free local port for one test; stops when dropped. Plain
/// `std::net`: one thread per connection, one request per connection (`Connection: close`).
pub struct StaticServer {
    pub base: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StaticServer {
    pub fn start(root: &Path) -> StaticServer {
        StaticServer::start_with_404(root, None)
    }

    /// Like [`StaticServer::start`], answering a missing file with `not_found` (status 404),
    /// as web servers are set up to answer with a site's `404.html`.
    pub fn start_with_404(root: &Path, not_found: Option<PathBuf>) -> StaticServer {
        use std::sync::atomic::{AtomicBool, Ordering};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind local server");
        let port = listener.local_addr().expect("local addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let root = root.to_path_buf();
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((conn, _)) => {
                        let root = root.clone();
                        let not_found = not_found.clone();
                        std::thread::spawn(move || serve_one(conn, &root, not_found.as_deref()));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        StaticServer {
            base: format!("http://127.0.0.1:{port}/"),
            stop,
            thread: Some(thread),
        }
    }
}

fn serve_one(mut conn: std::net::TcpStream, root: &Path, not_found: Option<&Path>) {
    use std::io::{Read, Write};
    let _ = conn.set_nonblocking(false);
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head);
    let target = head.split_whitespace().nth(1).unwrap_or("/");
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or("/"));
    let mut file = root.join(path.trim_start_matches('/'));
    if path.ends_with('/') {
        file = file.join("index.html");
    }
    if !file.is_file() {
        if let Some(page) = not_found {
            file = page.to_path_buf();
        }
    }
    let ctype = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    };
    let missing = not_found.is_some_and(|p| file == p);
    let (status, body) = match (path.contains(".."), std::fs::read(&file)) {
        (false, Ok(bytes)) if missing => ("404 Not Found", bytes),
        (false, Ok(bytes)) => ("200 OK", bytes),
        _ => ("404 Not Found", b"not found".to_vec()),
    };
    let header = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = conn.write_all(header.as_bytes());
    let _ = conn.write_all(&body);
    let _ = conn.flush();
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Percent-encodes a query value (UTF-8).
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
