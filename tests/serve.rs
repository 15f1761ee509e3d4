//! `casebook serve` as an editor uses it: the real binary on a free port, pages fetched
//! over HTTP, a case edited, broken and fixed while it runs, unsafe paths refused.

mod common;

use common::Site;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `casebook serve`; stopped (Ctrl-C, then kill) when dropped.
struct Server {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl Server {
    fn start(root: &Path, log_dir: &Path) -> Server {
        let log = log_dir.join("serve.log");
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_casebook"))
            .args(["serve", "--port", &port.to_string(), "--root"])
            .arg(root)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"))
            .spawn()
            .expect("start casebook serve");
        let server = Server { child, port, log };
        server.wait_for("first build", Duration::from_secs(60), |s| {
            s.get("/__casebook/status").0 == 200
        });
        server
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// (status, content type, body)
    fn get(&self, path: &str) -> (u16, String, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(10)))
            .build()
            .into();
        match agent.get(&self.url(path)).call() {
            Ok(mut r) => {
                let ct = r
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                let body = r.body_mut().read_to_string().unwrap_or_default();
                (r.status().as_u16(), ct, body)
            }
            Err(_) => (0, String::new(), String::new()),
        }
    }

    fn status(&self) -> serde_json::Value {
        serde_json::from_str(&self.get("/__casebook/status").2).unwrap_or_default()
    }

    /// Polls `ok` until it holds or `limit` passes (then fails with the server's log).
    fn wait_for(&self, what: &str, limit: Duration, ok: impl Fn(&Server) -> bool) -> Duration {
        let start = Instant::now();
        loop {
            if ok(self) {
                return start.elapsed();
            }
            if start.elapsed() > limit {
                panic!(
                    "{what}: not seen within {limit:?}\nserver log:\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The status line of a request sent exactly as written (no client-side cleanup).
    fn raw_status(&self, path: &str) -> u16 {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: localhost:{}\r\nConnection: close\r\n\r\n",
            self.port
        )
        .expect("send");
        let mut reply = String::new();
        let _ = s.read_to_string(&mut reply);
        reply
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or(0)
    }

    /// The whole reply to a request sent exactly as written, with the given `Host`.
    fn raw(&self, path: &str, host: &str) -> String {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .expect("send");
        let mut reply = Vec::new();
        let _ = s.read_to_end(&mut reply);
        String::from_utf8_lossy(&reply).into_owned()
    }

    /// The temporary folder the site is built in (`casebook-serve-PID`), from the log.
    fn work_dir(&self) -> PathBuf {
        let log = self.log();
        let dir = log
            .split("built in ")
            .nth(1)
            .and_then(|rest| rest.split(';').next())
            .unwrap_or_else(|| panic!("no folder in the log:\n{log}"));
        PathBuf::from(dir)
            .parent()
            .expect("the site folder is inside the work folder")
            .to_path_buf()
    }

    /// Sends `signal` (`INT`, `TERM`, `HUP` …); the exit status if it stopped in time.
    #[cfg(unix)]
    fn signal(&mut self, signal: &str) -> Option<std::process::ExitStatus> {
        let _ = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Ctrl-C; the exit status and log after a clean stop.
    #[cfg(unix)]
    fn interrupt(&mut self) -> Option<std::process::ExitStatus> {
        self.signal("INT")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        #[cfg(unix)]
        if self.interrupt().is_some() {
            return;
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

const CASE: &str = "content/cases/jinshan.md";

/// `(N rendered, M unchanged)` from a `rebuilt …` line.
fn rendered_and_unchanged(line: &str) -> (usize, usize) {
    let number_before = |word: &str| {
        line.split(word)
            .next()
            .and_then(|s| {
                s.split(|c: char| !c.is_ascii_digit())
                    .rfind(|w| !w.is_empty())
            })
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no count before {word:?} in {line}"))
    };
    (number_before(" rendered"), number_before(" unchanged"))
}

#[test]
fn serves_pages_with_types_chinese_paths_and_the_sites_404() {
    let site = Site::from_fixture("serve");
    let server = Server::start(site.root(), site.dir.path());
    let (code, ct, body) = server.get("/");
    assert_eq!(code, 200);
    assert_eq!(ct, "text/html; charset=utf-8");
    assert!(body.contains("/__casebook/live.js"), "live script injected");
    let (code, _, body) = server.get("/cases/jinshan/");
    assert_eq!(code, 200);
    assert!(body.contains("原来的正文"));
    let (code, _, body) = server.get("/regions/%E5%9B%9B%E5%B7%9D%E7%9C%81/");
    assert_eq!(code, 200, "Chinese path");
    assert!(body.contains("土味金山"));
    assert_eq!(server.get("/style.css").1, "text/css; charset=utf-8");
    assert_eq!(server.get("/images/logo.svg").1, "image/svg+xml");
    let (code, ct, js) = server.get("/__casebook/live.js");
    assert_eq!((code, ct.as_str()), (200, "text/javascript; charset=utf-8"));
    assert!(js.contains("/__casebook/events"));
    // A folder without its slash is redirected (ureq follows) to the page.
    assert!(server.get("/cases/jinshan").2.contains("原来的正文"));
    let (code, _, body) = server.get("/no/such/page/");
    assert_eq!(code, 404);
    assert!(
        body.contains("预览测试站点"),
        "the site's own 404 page: {body}"
    );
    // The preview is built for its own address, not the configured base_url's sub-path.
    assert!(!body.contains("<base href=\"/anli/\">"), "{body}");
    // Its links resolve from the site's root below the top level: <base> comes first.
    let base = body.find("<base href=\"/\">").expect("a <base>");
    assert!(
        base < body.find("<link").unwrap_or(0),
        "<base> after <link>"
    );
    assert!(!site.public().exists(), "serve never writes public/");
}

#[test]
fn refuses_paths_outside_the_site() {
    let site = Site::from_fixture("serve");
    site.write("secret.txt", "秘密");
    let server = Server::start(site.root(), site.dir.path());
    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/cases/../../secret.txt",
        "/cases/%2e%2e/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
    ] {
        let code = server.raw_status(path);
        assert!(code == 403 || code == 404, "{path} gave {code}");
    }
    assert_eq!(server.raw_status("/cases/jinshan/"), 200);
}

/// The `Location` header of a reply, if any.
fn location(reply: &str) -> Option<&str> {
    reply.lines().take_while(|l| !l.is_empty()).find_map(|l| {
        l.strip_prefix("Location: ")
            .or(l.strip_prefix("location: "))
    })
}

/// The status code of a raw reply.
fn code(reply: &str) -> u16 {
    reply
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[test]
fn never_redirects_to_another_host() {
    let site = Site::from_fixture("serve");
    site.write(
        "static/evil.example/index.html",
        "<p>a folder named like a host</p>",
    );
    let server = Server::start(site.root(), site.dir.path());
    let host = format!("127.0.0.1:{}", server.port);
    // A browser reads `//name/` as another host; the redirect stays on this one.
    for (path, expected) in [
        ("//evil.example", "/evil.example/"),
        ("//cases", "/cases/"),
        ("///cases/jinshan", "/cases/jinshan/"),
        ("/%2F%2Fevil.example", "/evil.example/"),
        ("/./evil.example?x=1", "/evil.example/?x=1"),
    ] {
        let reply = server.raw(path, &host);
        assert_eq!(code(&reply), 301, "{path}: {reply}");
        assert_eq!(location(&reply), Some(expected), "{path}: {reply}");
    }
}

#[test]
fn answers_only_to_its_own_names_against_dns_rebinding() {
    let site = Site::from_fixture("serve");
    let server = Server::start(site.root(), site.dir.path());
    let port = server.port;
    // A page on another site whose name was re-pointed at 127.0.0.1 sends its own name.
    for host in [
        format!("evil.example:{port}"),
        "evil.example".to_string(),
        format!("127.0.0.1.evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
    ] {
        for path in [
            "/",
            "/cases/jinshan/",
            "/__casebook/status",
            "/__casebook/events",
        ] {
            let reply = server.raw(path, &host);
            assert_eq!(code(&reply), 403, "Host {host}, {path}: {reply}");
            assert!(!reply.contains("原来的正文") && !reply.contains("\"build\""));
        }
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
    ] {
        let reply = server.raw("/cases/jinshan/", &host);
        assert_eq!(code(&reply), 200, "Host {host}: {reply}");
        assert_eq!(code(&server.raw("/__casebook/status", &host)), 200);
    }
    // No Host at all (HTTP/1.1 requires one): refused too.
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
    write!(s, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n").expect("send");
    let mut reply = String::new();
    let _ = s.read_to_string(&mut reply);
    assert_eq!(code(&reply), 400, "{reply}");
}

#[cfg(unix)]
#[test]
fn stopping_by_any_signal_removes_the_temporary_folder() {
    for signal in ["TERM", "HUP", "INT"] {
        let site = Site::from_fixture("serve");
        let mut server = Server::start(site.root(), site.dir.path());
        let work = server.work_dir();
        assert!(work.join("site/index.html").is_file(), "{}", work.display());
        let status = server.signal(signal).expect("stops");
        assert!(
            !work.exists(),
            "SIG{signal} left {} behind ({status:?})\n{}",
            work.display(),
            server.log()
        );
        assert!(server.log().contains("stopped"), "{}", server.log());
    }
}

/// The number of threads of process `pid` (Linux).
#[cfg(target_os = "linux")]
fn threads(pid: u32) -> usize {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Threads:"))
                .and_then(|n| n.trim().parse().ok())
        })
        .unwrap_or(0)
}

#[cfg(target_os = "linux")]
#[test]
fn idle_connections_take_no_threads_of_their_own_and_time_out() {
    let site = Site::from_fixture("serve");
    let server = Server::start(site.root(), site.dir.path());
    let before = threads(server.child.id());
    // A thousand connections that never send a request.
    let idle: Vec<std::net::TcpStream> = (0..1000)
        .filter_map(|_| std::net::TcpStream::connect(("127.0.0.1", server.port)).ok())
        .collect();
    assert!(idle.len() > 900, "{} connected", idle.len());
    std::thread::sleep(Duration::from_millis(500));
    let during = threads(server.child.id());
    assert!(
        during < before + 80,
        "{before} threads before, {during} with {} idle connections",
        idle.len()
    );
    // The server closes idle connections by itself …
    let mut first = idle.into_iter().next().expect("a connection");
    let _ = first.set_read_timeout(Some(Duration::from_secs(30)));
    let start = Instant::now();
    let mut buf = [0u8; 64];
    let n = first.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "closed without a reply");
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    // … and answers again once they are gone.
    server.wait_for("answers again", Duration::from_secs(20), |s| {
        s.get("/cases/jinshan/").0 == 200
    });
}

#[test]
fn edits_show_errors_overlay_and_recover() {
    let site = Site::from_fixture("serve");
    let server = Server::start(site.root(), site.dir.path());
    let case = std::fs::read_to_string(site.root().join(CASE)).expect("case");

    // An edit is served within a second.
    site.write(
        CASE,
        &case.replace("原来的正文。", "改过的正文：第一次修改。"),
    );
    let took = server.wait_for("the edited case", Duration::from_secs(1), |s| {
        s.get("/cases/jinshan/").2.contains("第一次修改")
    });
    eprintln!("edit served after {took:?}");
    let build = server.status()["build"].as_u64().unwrap_or(0);

    // Broken: the errors are reported, the last good build is still served.
    site.write(CASE, &case.replace("date: 2024-03-01", "date: 2024-13-01"));
    server.wait_for("the error", Duration::from_secs(5), |s| {
        s.status()["ok"] == false
    });
    let status = server.status();
    let d = status["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["file"] == CASE))
        .unwrap_or_else(|| panic!("no error for {CASE} in {status}"));
    assert_eq!(d["line"], 3, "{status}");
    assert_eq!(d["field"], "date");
    assert!(
        d["message"].as_str().unwrap_or("").contains("2024-13-01"),
        "{status}"
    );
    assert!(status["build"].as_u64().unwrap_or(0) > build);
    assert!(
        server.get("/cases/jinshan/").2.contains("第一次修改"),
        "last good build kept"
    );
    // The events endpoint answers a tab that saw an older build at once.
    let events: serde_json::Value =
        serde_json::from_str(&server.get(&format!("/__casebook/events?since={build}")).2)
            .expect("events JSON");
    assert_eq!(events["ok"], false);
    assert!(
        server.log().contains("content/cases/jinshan.md:3"),
        "terminal shows it too"
    );

    // Fixed: the errors are gone and the fix is served.
    site.write(CASE, &case.replace("原来的正文。", "第二次修改。"));
    server.wait_for("the fix", Duration::from_secs(5), |s| {
        let st = s.status();
        st["ok"] == true && st["diagnostics"].as_array().is_some_and(|a| a.is_empty())
    });
    server.wait_for("the fixed page", Duration::from_secs(5), |s| {
        s.get("/cases/jinshan/").2.contains("第二次修改")
    });
    // The print edition holds every case's text: it follows the edit too.
    server.wait_for("the fixed print edition", Duration::from_secs(5), |s| {
        s.get("/print/").2.contains("第二次修改")
    });
    // Only what a body edit affects was rendered again: the case's page (and the print
    // edition), not the listings.
    let log = server.log();
    let first_edit = log
        .lines()
        .find(|l| l.starts_with("rebuilt"))
        .unwrap_or_else(|| panic!("no rebuild in\n{log}"));
    let (rendered, unchanged) = rendered_and_unchanged(first_edit);
    assert!(rendered <= 2 && unchanged >= 15, "{first_edit}");
    // Pages reused without rendering still count as part of the site.
    let sitemap = server.get("/sitemap.xml").2;
    assert!(sitemap.contains("/cases/tuwei/"), "{sitemap}");
}

#[test]
fn listings_follow_a_title_change_and_deleted_cases_disappear() {
    let site = Site::from_fixture("serve");
    let server = Server::start(site.root(), site.dir.path());
    let other = "content/cases/tuwei.md";
    let text = std::fs::read_to_string(site.root().join(other)).expect("case");
    site.write(
        other,
        &text.replace("title: 土味金山", "title: 土味金山集市"),
    );
    server.wait_for("the new title in a listing", Duration::from_secs(5), |s| {
        s.get("/regions/%E5%9B%9B%E5%B7%9D%E7%9C%81/")
            .2
            .contains("土味金山集市")
    });
    std::fs::remove_file(site.root().join(other)).expect("remove");
    server.wait_for("the deleted case gone", Duration::from_secs(5), |s| {
        s.get("/cases/tuwei/").0 == 404
    });
}

#[test]
fn an_edited_case_is_previewed_first_and_the_last_of_quick_edits_wins() {
    let site = Site::from_fixture("serve");
    let server = Server::start(site.root(), site.dir.path());
    let case = std::fs::read_to_string(site.root().join(CASE)).expect("case");
    let title = case
        .lines()
        .find_map(|l| l.strip_prefix("title:"))
        .map(|t| t.trim().to_string())
        .expect("a title");

    // Three saves in quick succession: each may cancel the rebuild of the one before.
    for n in ["一", "二", "三"] {
        let edited = case
            .replacen(&title, &format!("{title}第{n}版"), 1)
            .replace("原来的正文。", &format!("第{n}版正文。"));
        site.write(CASE, &edited);
        std::thread::sleep(Duration::from_millis(40));
    }
    server.wait_for("the last edit on its page", Duration::from_secs(5), |s| {
        s.get("/cases/jinshan/").2.contains("第三版正文")
    });
    // The rebuild lands after the preview: listings show the last title, never an
    // earlier one.
    server.wait_for("the last title in a listing", Duration::from_secs(5), |s| {
        s.get("/regions/%E5%9B%9B%E5%B7%9D%E7%9C%81/")
            .2
            .contains(&format!("{title}第三版"))
    });
    let listing = server.get("/regions/%E5%9B%9B%E5%B7%9D%E7%9C%81/").2;
    assert!(!listing.contains("第二版") && !listing.contains("第一版"));
    let page = server.get("/cases/jinshan/").2;
    assert!(!page.contains("第二版正文"), "{page}");
    let log = server.log();
    assert!(
        log.contains("previewed cases/jinshan/index.html"),
        "the case page was written ahead of the rebuild:\n{log}"
    );

    // A new case is not previewed (only a rebuild knows where it belongs), but is built.
    site.write(
        "content/cases/xinde.md",
        &case
            .replacen(&title, "新写的案例", 1)
            .replace("slug: jinshan", "slug: xinde"),
    );
    server.wait_for("the new case", Duration::from_secs(5), |s| {
        s.get("/cases/").2.contains("新写的案例")
    });
    assert!(!server.log().contains("previewed cases/xinde/"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_a_taken_port_is_explained() {
    let site = Site::from_fixture("serve");
    let mut server = Server::start(site.root(), site.dir.path());
    let second = Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["serve", "--port", &server.port.to_string(), "--root"])
        .arg(site.root())
        .output()
        .expect("run second serve");
    assert!(!second.status.success());
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(
        err.contains(&format!("port {} is in use", server.port)) && err.contains("try --port"),
        "{err}"
    );
    let status = server.interrupt().expect("stops on Ctrl-C");
    assert!(status.success(), "{status:?}\n{}", server.log());
    assert!(server.log().contains("stopped"));
}

/// Measures save → served on any site (not run by default):
///
/// ```text
/// CASEBOOK_SITE=/path/to/site cargo test --release --test serve -- --ignored --nocapture
/// ```
///
/// Copies nothing: it edits the site's first case (by path order) and restores it.
#[test]
#[ignore]
fn measure_save_to_served() {
    let Ok(root) = std::env::var("CASEBOOK_SITE") else {
        eprintln!("set CASEBOOK_SITE to a site folder");
        return;
    };
    let root = PathBuf::from(root);
    let logs = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let server = Server::start(&root, logs.path());
    eprintln!("first build served after {:?}", started.elapsed());
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content/cases"))
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    let file = files.first().expect("a case file").clone();
    let original = std::fs::read_to_string(&file).expect("read case");
    let slug = original
        .lines()
        .find_map(|l| l.strip_prefix("slug:"))
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| {
            file.file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        });
    let page = format!("/cases/{}/", slug);
    let mut body_times = Vec::new();
    let mut title_times = Vec::new();
    for i in 0..5 {
        let marker = format!("测量标记{i}号");
        std::fs::write(&file, format!("{original}\n{marker}\n")).expect("write");
        let t = server.wait_for("body edit", Duration::from_secs(120), |s| {
            s.get(&page).2.contains(&marker)
        });
        body_times.push(t);
        let title = format!("title: 标题测量{i}号");
        let retitled = original.replacen("title:", &format!("{title}\nx-old-title:"), 1);
        let retitled = retitled.replace("x-old-title:", "#");
        std::fs::write(&file, retitled).expect("write");
        let t = server.wait_for("title edit", Duration::from_secs(120), |s| {
            s.get(&page).2.contains(&format!("标题测量{i}号"))
        });
        title_times.push(t);
    }
    // The whole site catches up after the last save: time until its rebuild lands.
    let rebuilds = |s: &Server| s.log().lines().filter(|l| l.starts_with("rebuilt")).count();
    let before = rebuilds(&server);
    std::fs::write(&file, &original).expect("restore");
    let full = server.wait_for("the rebuild", Duration::from_secs(300), |s| {
        rebuilds(s) > before
    });
    body_times.sort();
    title_times.sort();
    eprintln!("case edited: {}", file.display());
    eprintln!(
        "body edit  → page served: median {:?}, all {:?}",
        body_times[2], body_times
    );
    eprintln!(
        "title edit → page served: median {:?}, all {:?}",
        title_times[2], title_times
    );
    eprintln!("last save → whole site rebuilt: {full:?}");
    let log = server.log();
    for line in log.lines().filter(|l| {
        l.starts_with("built") || l.starts_with("rebuilt") || l.starts_with("previewed")
    }) {
        eprintln!("  {line}");
    }
}

#[test]
fn a_site_broken_from_the_start_shows_its_errors_then_recovers() {
    let site = Site::from_fixture("serve");
    let case = std::fs::read_to_string(site.root().join(CASE)).expect("case");
    site.write(CASE, &case.replace("date: 2024-03-01", "date: 三月"));
    let server = Server::start(site.root(), site.dir.path());
    let status = server.status();
    assert_eq!(status["ok"], false, "{status}");
    let (code, _, body) = server.get("/");
    assert_eq!(code, 404);
    assert!(
        body.contains("/__casebook/live.js"),
        "the overlay can show: {body}"
    );
    assert!(server.log().contains("build failed"), "{}", server.log());
    site.write(CASE, &case);
    server.wait_for("the first good build", Duration::from_secs(5), |s| {
        s.get("/cases/jinshan/").0 == 200
    });
}

#[test]
fn a_replaced_photo_is_served_at_once_under_a_new_name() {
    let site = Site::from_fixture("photos");
    let server = Server::start(site.root(), site.dir.path());
    let kitchen = |html: &str| {
        html.split("photos/kitchen-")
            .nth(1)
            .map(|s| s[..s.find(['"', ' ']).unwrap_or(0)].to_string())
    };
    let before = kitchen(&server.get("/cases/shitang/").2).expect("the photo on the page");
    std::fs::copy(
        site.root().join("content/cases/photos/b.jpg"),
        site.root().join("content/cases/photos/kitchen.jpg"),
    )
    .expect("replace the photo");
    server.wait_for("the new photo on the page", Duration::from_secs(60), |s| {
        kitchen(&s.get("/cases/shitang/").2).is_some_and(|k| k != before)
    });
    let after = kitchen(&server.get("/cases/shitang/").2).expect("the new photo");
    let (status, content_type, _) = server.get(&format!("/photos/kitchen-{after}"));
    assert_eq!(status, 200, "photos/kitchen-{after}");
    assert!(content_type.starts_with("image/"), "{content_type}");
}

/// A serve killed with kill -9 cannot clean up: the next serve removes its folder.
#[cfg(unix)]
#[test]
fn a_killed_serves_folder_is_removed_by_the_next_serve() {
    let site = Site::from_fixture("serve");
    let mut first = Server::start(site.root(), site.dir.path());
    let work = first.work_dir();
    assert!(work.join("site/index.html").is_file(), "{}", work.display());
    first.signal("KILL");
    assert!(work.exists(), "a killed serve leaves its folder");
    let log_dir = tempfile::tempdir().expect("temp dir");
    let mut second = Server::start(site.root(), log_dir.path());
    let _ = second.work_dir();
    assert!(!work.exists(), "{} is still there", work.display());
    second.signal("TERM");
}
