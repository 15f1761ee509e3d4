//! `casebook serve`: build, serve, watch, rebuild what changed, reload open tabs.
//!
//! The site is built into a temporary folder (never `public/`: the preview uses a local
//! `base_url`) kept between builds by [`output::LiveDir`], so a rebuild re-renders only the
//! pages whose template context changed and writes only the files whose bytes changed.
//! The model is rebuilt whole on every change (load → validate → model): it stays
//! read-only and every cross-case effect (taxonomies, related cases, totals) is right by
//! construction.
//!
//! Rebuilding a large compendium takes seconds, so an edit to cases is first answered by
//! [`preview`]: the edited case pages alone, rendered against the last good model and
//! written at once. Full rebuilds run on their own thread; a change arriving during one
//! cancels it (it lands nothing) and starts the next.
//!
//! A failed rebuild changes nothing on disk: the last good build keeps being served, and
//! its errors go to the terminal and, through `/__casebook/events`, to an overlay in every
//! open page. HTTP: `/__casebook/live.js` (the script added to pages),
//! `/__casebook/status` (the current state as JSON) and `/__casebook/events?since=N` (the
//! same, answered when build `N` has been superseded, or after 25 seconds).

pub mod http;
pub mod output;
pub mod preview;
pub mod watch;

use crate::build::{load_site, load_theme, render_with, BuildOptions};
use crate::check::diagnostic_of;
use crate::diagnostics::{Diagnostic, Severity};
use crate::error::{Error, Result};
use crate::model::Site;
use crate::theme::Theme;
use http::Target;
use output::LiveDir;
use serde::Serialize;
use std::collections::{BTreeSet, VecDeque};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const LIVE_JS: &str = include_str!("live.js");
/// How long `/__casebook/events` waits for a new build before answering anyway.
const LONG_POLL: Duration = Duration::from_secs(25);
/// Builds whose changed files are remembered for tabs that polled a while ago.
const HISTORY: usize = 32;
/// Beyond this many changed files, tabs are told to reload rather than sent the list.
const MAX_CHANGED: usize = 2000;
/// At most this many errors travel to the browser.
const MAX_SHOWN: usize = 100;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    /// Address to listen on; `127.0.0.1` unless the user asks for another.
    pub bind: IpAddr,
    pub drafts: bool,
}

/// What the terminal is told; `cmd::serve` prints it.
pub enum Event<'a> {
    Listening {
        url: &'a str,
        dir: &'a Path,
    },
    /// `first` is the build made before serving starts.
    Built(&'a BuildSummary, bool),
    /// `first`: there is no good build to fall back on yet.
    Failed(&'a [Diagnostic], Duration, bool),
    /// Edited case pages written ahead of the rebuild (see [`preview`]).
    Previewed {
        pages: &'a [String],
        elapsed: Duration,
    },
    Stopped,
}

#[derive(Debug, Clone, Default)]
pub struct BuildSummary {
    /// Pages rendered (templates run) in this build.
    pub rendered: usize,
    /// Pages whose context was unchanged, so not rendered.
    pub reused: usize,
    /// Files whose bytes changed, written.
    pub written: usize,
    /// Of those, HTML pages.
    pub pages_written: usize,
    pub removed: usize,
    pub cases: usize,
    pub warnings: Vec<Diagnostic>,
    /// Reading the sources and building the model (the rest is rendering and writing).
    pub model: Duration,
    pub elapsed: Duration,
}

/// The state pages poll.
#[derive(Debug, Clone, Serialize)]
struct Status {
    build: u64,
    ok: bool,
    errors: usize,
    warnings: usize,
    /// The errors of a failed build (not warnings), at most [`MAX_SHOWN`].
    diagnostics: Vec<Diagnostic>,
    /// Files changed since the build the client asked about.
    changed: Vec<String>,
    /// True when the client's build is too old to know what changed.
    reload_all: bool,
}

struct Shared {
    state: Mutex<State>,
    signal: Condvar,
    dir: PathBuf,
}

struct State {
    status: Status,
    /// (build, files changed by it), newest last.
    history: VecDeque<(u64, Vec<String>)>,
}

/// Runs until Ctrl-C. Errors: the port is taken, the folder is not a site …
pub fn serve(opts: &ServeOptions, on: &(dyn Fn(Event<'_>) + Sync)) -> Result<()> {
    if !opts.root.join(crate::config::CONFIG_FILE).is_file() {
        return Err(Error::Other(format!(
            "{} has no {}, so it is not a casebook site; run this in the site's folder, pass --root DIR, or create a site with `casebook init DIR`",
            opts.root.display(),
            crate::config::CONFIG_FILE
        )));
    }
    let listener = bind(opts.bind, opts.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Other(e.to_string()))?;
    let host = match addr.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let url = format!("http://{host}:{}/", addr.port());
    let work = std::env::temp_dir().join(format!("casebook-serve-{}", std::process::id()));
    let label = format!("the working folder {} (in TMPDIR)", work.display());
    let work = crate::outdir::check_place(&opts.root, &work, &label)?;
    let _cleanup = RemoveOnDrop(work.clone());
    let live = LiveDir::new(work.join("site"), work.join("pending"))?;
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            status: Status {
                build: 0,
                ok: true,
                errors: 0,
                warnings: 0,
                diagnostics: Vec::new(),
                changed: Vec::new(),
                reload_all: false,
            },
            history: VecDeque::new(),
        }),
        signal: Condvar::new(),
        dir: live.dir().to_path_buf(),
    });
    let build_opts = BuildOptions {
        root: opts.root.clone(),
        out: None,
        base_url: Some(url.clone()),
        drafts: opts.drafts,
        force: false,
    };
    let (tx, rx) = mpsc::channel();
    let mut watcher = watch::SiteWatcher::new(&opts.root, tx.clone())
        .map_err(|e| Error::Other(format!("cannot watch {}: {e}", opts.root.display())))?;
    let stop = Arc::new(AtomicBool::new(false));
    {
        // Ctrl-C stops a rebuild in progress too; a second Ctrl-C does not wait at all.
        let (stop, stop_tx) = (stop.clone(), tx.clone());
        // Only one handler per process; a second `serve` in one process keeps the first.
        let _ = ctrlc::set_handler(move || {
            if stop.swap(true, Ordering::SeqCst) {
                std::process::exit(130); // leaves the temporary folder: quitting comes first
            }
            let _ = stop_tx.send(watch::Msg::Stop);
        });
    }
    let live = Mutex::new(live);
    let ready: Mutex<Option<Arc<Ready>>> = Mutex::new(None);
    let ctx = Rebuild {
        opts: &build_opts,
        live: &live,
        shared: &shared,
        ready: &ready,
        on,
    };
    ctx.run(&stop, true);
    let server = Arc::new(
        tiny_http::Server::from_listener(listener, None)
            .map_err(|e| Error::Other(format!("cannot serve on {url}: {e}")))?,
    );
    let http_thread = {
        let (server, shared) = (server.clone(), shared.clone());
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let shared = shared.clone();
                std::thread::spawn(move || respond(request, &shared));
            }
        })
    };
    on(Event::Listening {
        url: &url,
        dir: lock(&live).dir(),
    });
    let builds = Builds::default();
    std::thread::scope(|scope| {
        // Full rebuilds run here, one at a time; a change that arrives during one cancels
        // it and starts the next, so the newest sources are always what gets built.
        scope.spawn(|| {
            while let Some(cancel) = builds.next() {
                ctx.run(&cancel, false);
            }
        });
        while let Some(changed) = watcher.next_change(&rx) {
            if watch::touches_templates(&changed) {
                lock(&live).forget_pages();
            } else {
                ctx.preview(&changed, &builds);
            }
            builds.request();
        }
        builds.quit();
    });
    server.unblock();
    let _ = http_thread.join();
    on(Event::Stopped);
    Ok(())
}

struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn bind(ip: IpAddr, port: u16) -> Result<TcpListener> {
    TcpListener::bind(SocketAddr::new(ip, port)).map_err(|e| {
        Error::Other(match e.kind() {
            std::io::ErrorKind::AddrInUse => format!(
                "port {port} is in use (another casebook serve, or another program); try --port {}",
                port.wrapping_add(1).max(1024)
            ),
            std::io::ErrorKind::PermissionDenied => {
                format!("port {port} needs administrator rights on this computer; try --port 1111")
            }
            std::io::ErrorKind::AddrNotAvailable => {
                format!("this computer has no address {ip}; leave out --bind to serve on 127.0.0.1")
            }
            _ => format!("cannot listen on {ip} port {port}: {e}"),
        })
    })
}

/// The last good build's model and theme, which edits are previewed against.
struct Ready {
    site: Site,
    theme: Theme,
    warnings: Vec<Diagnostic>,
}

/// What a rebuild or a preview works with.
struct Rebuild<'a> {
    opts: &'a BuildOptions,
    live: &'a Mutex<LiveDir>,
    shared: &'a Shared,
    ready: &'a Mutex<Option<Arc<Ready>>>,
    on: &'a (dyn Fn(Event<'_>) + Sync),
}

impl Rebuild<'_> {
    /// One full build into the live folder, published to the pages polling `shared`.
    /// Once `cancel` is set it stops, changes nothing and tells no one.
    fn run(&self, cancel: &Arc<AtomicBool>, first: bool) {
        let start = Instant::now();
        let mut model_time = Duration::ZERO;
        let outcome = load_site(self.opts).and_then(|(site, warnings)| {
            model_time = start.elapsed();
            let theme = load_theme(&site)?;
            let pass = lock(self.live).begin(cancel.clone())?;
            let (rendered, _) = render_with(&site, &theme, &pass)?;
            // Checked under the lock a preview takes to cancel: a pass that began
            // before an edit never lands after that edit's preview.
            let mut live = lock(self.live);
            if cancel.load(Ordering::SeqCst) {
                return Err(Error::Other("stopped".into()));
            }
            let committed = live.commit(pass)?;
            Ok((site, theme, warnings, rendered, committed))
        });
        if cancel.load(Ordering::SeqCst) {
            return;
        }
        match outcome {
            Ok((site, theme, warnings, rendered, committed)) => {
                let summary = BuildSummary {
                    rendered,
                    reused: committed.reused,
                    written: committed.written.len(),
                    pages_written: committed
                        .written
                        .iter()
                        .filter(|f| f.ends_with(".html"))
                        .count(),
                    removed: committed.removed.len(),
                    cases: site.cases.len(),
                    warnings,
                    model: model_time,
                    elapsed: start.elapsed(),
                };
                let mut changed = committed.written;
                changed.extend(committed.removed);
                publish(self.shared, true, &summary.warnings, changed);
                *lock(self.ready) = Some(Arc::new(Ready {
                    site,
                    theme,
                    warnings: summary.warnings.clone(),
                }));
                (self.on)(Event::Built(&summary, first));
            }
            Err(e) => {
                let diags = match e {
                    Error::Content(d) => d,
                    other => vec![diagnostic_of(other)],
                };
                publish(self.shared, false, &diags, Vec::new());
                (self.on)(Event::Failed(&diags, start.elapsed(), first));
            }
        }
    }

    /// Writes the pages of edited cases at once, rendered against the last good model
    /// (see [`preview`]), when the last build succeeded and the changes allow it.
    fn preview(&self, changed: &[String], builds: &Builds) {
        let start = Instant::now();
        if !lock_state(self.shared).status.ok {
            return; // the errors on screen stay until a rebuild clears them
        }
        let Some(ready) = lock(self.ready).clone() else {
            return;
        };
        let Some(files) = preview::case_pages(&ready.site, &ready.theme, changed) else {
            return;
        };
        let mut live = lock(self.live);
        builds.cancel_running();
        let Ok(written) = live.preview(&files) else {
            return; // the rebuild will meet the same problem and report it
        };
        drop(live);
        if written.is_empty() {
            return;
        }
        publish(self.shared, true, &ready.warnings, written.clone());
        (self.on)(Event::Previewed {
            pages: &written,
            elapsed: start.elapsed(),
        });
    }
}

/// The queue of full rebuilds: at most one runs, and a newer request cancels it.
#[derive(Default)]
struct Builds {
    state: Mutex<BuildQueue>,
    signal: Condvar,
}

#[derive(Default)]
struct BuildQueue {
    wanted: u64,
    started: u64,
    running: Option<Arc<AtomicBool>>,
    quit: bool,
}

impl BuildQueue {
    fn cancel_running(&self) {
        if let Some(c) = &self.running {
            c.store(true, Ordering::SeqCst);
        }
    }
}

impl Builds {
    /// Asks for a rebuild of the sources as they are now.
    fn request(&self) {
        let mut q = lock(&self.state);
        q.wanted += 1;
        q.cancel_running();
        self.signal.notify_all();
    }

    /// Stops the rebuild in progress, if any, from landing.
    fn cancel_running(&self) {
        lock(&self.state).cancel_running();
    }

    fn quit(&self) {
        let mut q = lock(&self.state);
        q.quit = true;
        q.cancel_running();
        self.signal.notify_all();
    }

    /// Waits until a rebuild is wanted and returns its cancel flag; `None` to stop.
    fn next(&self) -> Option<Arc<AtomicBool>> {
        let mut q = lock(&self.state);
        loop {
            if q.quit {
                return None;
            }
            if q.wanted > q.started {
                q.started = q.wanted;
                let cancel = Arc::new(AtomicBool::new(false));
                q.running = Some(cancel.clone());
                return Some(cancel);
            }
            q = self.signal.wait(q).unwrap_or_else(|e| e.into_inner());
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn publish(shared: &Shared, ok: bool, diags: &[Diagnostic], changed: Vec<String>) {
    let mut state = lock_state(shared);
    let build = state.status.build + 1;
    let errors: Vec<Diagnostic> = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .cloned()
        .collect();
    state.status = Status {
        build,
        ok,
        errors: errors.len(),
        warnings: diags.len() - errors.len(),
        diagnostics: errors.into_iter().take(MAX_SHOWN).collect(),
        changed: Vec::new(),
        reload_all: false,
    };
    state.history.push_back((build, changed));
    while state.history.len() > HISTORY {
        state.history.pop_front();
    }
    shared.signal.notify_all();
}

/// The status as seen by a client that last saw build `since`.
fn status_since(state: &State, since: Option<u64>) -> Status {
    let mut s = state.status.clone();
    let Some(since) = since else { return s };
    let oldest = state.history.front().map(|(b, _)| *b).unwrap_or(0);
    if since + 1 < oldest {
        s.reload_all = true;
        return s;
    }
    let files: BTreeSet<&String> = state
        .history
        .iter()
        .filter(|(b, _)| *b > since)
        .flat_map(|(_, files)| files)
        .collect();
    if files.len() > MAX_CHANGED {
        s.reload_all = true;
    } else {
        s.changed = files.into_iter().cloned().collect();
    }
    s
}

fn respond(request: tiny_http::Request, shared: &Shared) {
    use tiny_http::Method;
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(text(405, "only GET and HEAD are served"));
        return;
    }
    let url = request.url().to_string();
    if let Some(rest) = url.strip_prefix("/__casebook/") {
        let (name, query) = rest.split_once('?').unwrap_or((rest, ""));
        let response = match name {
            "live.js" => body(
                200,
                LIVE_JS.as_bytes().to_vec(),
                "text/javascript; charset=utf-8",
            ),
            "status" => json(&status_since(&lock_state(shared), None)),
            "events" => json(&wait_for_build(shared, since_param(query))),
            _ => text(404, "not found"),
        };
        let _ = request.respond(response);
        return;
    }
    let response = match http::resolve(&shared.dir, &url) {
        Target::File(path) => match std::fs::read(&path) {
            Ok(bytes) => page(200, bytes, &path),
            Err(_) => not_found(shared),
        },
        Target::Redirect(to) => with(text(301, "moved"), "Location", &to),
        Target::NotFound => not_found(shared),
        Target::Forbidden => text(403, "forbidden: this address points outside the site"),
        Target::BadRequest => text(400, "bad request: the address is not valid"),
    };
    let _ = request.respond(response);
}

fn since_param(query: &str) -> Option<u64> {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|v| v.parse().ok())
}

fn lock_state(shared: &Shared) -> std::sync::MutexGuard<'_, State> {
    lock(&shared.state)
}

/// Answers at once without `since`, else when a build newer than `since` exists (or
/// after [`LONG_POLL`]).
fn wait_for_build(shared: &Shared, since: Option<u64>) -> Status {
    let mut state = lock_state(shared);
    if let Some(seen) = since {
        let deadline = Instant::now() + LONG_POLL;
        while state.status.build <= seen {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = match shared.signal.wait_timeout(state, left) {
                Ok((s, _)) => s,
                Err(e) => e.into_inner().0,
            };
        }
    }
    status_since(&state, since)
}

type Reply = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

/// Adds a header; only our own ASCII names and values reach here.
fn with(reply: Reply, name: &str, value: &str) -> Reply {
    match tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
        Ok(h) => reply.with_header(h),
        Err(()) => reply,
    }
}

fn body(status: u16, bytes: Vec<u8>, content_type: &str) -> Reply {
    let reply = tiny_http::Response::from_data(bytes).with_status_code(status);
    let reply = with(reply, "Content-Type", content_type);
    let reply = with(reply, "Cache-Control", "no-store");
    with(reply, "X-Content-Type-Options", "nosniff")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn state(history: &[(u64, &[&str])]) -> State {
        let last = history.last().map(|(b, _)| *b).unwrap_or(0);
        State {
            status: Status {
                build: last,
                ok: true,
                errors: 0,
                warnings: 0,
                diagnostics: Vec::new(),
                changed: Vec::new(),
                reload_all: false,
            },
            history: history
                .iter()
                .map(|(b, f)| (*b, f.iter().map(|s| s.to_string()).collect()))
                .collect(),
        }
    }

    #[test]
    fn changes_since_a_build_are_gathered() {
        let s = state(&[(5, &["a.html"]), (6, &[]), (7, &["b.html", "a.html"])]);
        assert_eq!(status_since(&s, Some(5)).changed, vec!["a.html", "b.html"]);
        assert_eq!(status_since(&s, Some(6)).changed, vec!["a.html", "b.html"]);
        assert!(status_since(&s, Some(7)).changed.is_empty());
        assert!(status_since(&s, Some(1)).reload_all, "too old to know");
        assert!(!status_since(&s, None).reload_all);
    }

    #[test]
    fn a_newer_request_cancels_the_running_rebuild() {
        let builds = Builds::default();
        builds.request();
        let first = builds.next().expect("a rebuild is wanted");
        assert!(!first.load(Ordering::SeqCst));
        builds.request();
        builds.request();
        assert!(first.load(Ordering::SeqCst), "superseded");
        let second = builds.next().expect("one rebuild for both requests");
        assert!(!second.load(Ordering::SeqCst));
        builds.cancel_running();
        assert!(second.load(Ordering::SeqCst));
        builds.quit();
        assert!(builds.next().is_none(), "nothing more after quitting");
    }

    #[test]
    fn since_is_read_from_the_query() {
        assert_eq!(since_param("since=12"), Some(12));
        assert_eq!(since_param("x=1&since=3"), Some(3));
        assert_eq!(since_param("since=abc"), None);
        assert_eq!(since_param(""), None);
    }
}
