//! `casebook serve`: build, serve, watch, rebuild what changed, reload open tabs.
//!
//! The site is built into a temporary folder (never `public/`: the preview uses a local
//! `base_url`) kept between builds by `output::LiveDir`, so a rebuild re-renders only the
//! pages whose template context changed and writes only the files whose bytes changed.
//! The model is rebuilt whole on every change (load → validate → model): it stays
//! read-only and every cross-case effect (taxonomies, related cases, totals) is right by
//! construction.
//!
//! Rebuilding a large compendium takes seconds, so an edit to cases is first answered by
//! `preview.rs`: the edited case pages alone, rendered against the last good model and
//! written at once. Full rebuilds run on their own thread; a change arriving during one
//! cancels it (it lands nothing) and starts the next.
//!
//! A failed rebuild changes nothing on disk: the last good build keeps being served, and
//! its errors go to the terminal and, through `/__casebook/events`, to an overlay in every
//! open page. HTTP: `/__casebook/live.js` (the script added to pages),
//! `/__casebook/status` (the current state as JSON) and `/__casebook/events?since=N` (the
//! same, answered when build `N` has been superseded, or after 25 seconds).

mod builds;
mod http;
mod live;
mod output;
mod preview;
mod respond;
mod server;
mod watch;

use crate::build::{load_site, load_theme, render_with, BuildOptions};
use crate::check::diagnostic_of;
use crate::diagnostics::Diagnostic;
use crate::error::{Error, Result};
use crate::model::Site;
use crate::theme::Theme;
use builds::Builds;
use live::{lock_state, publish, Shared, State, Status};
use output::LiveDir;
use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

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
    /// Edited case pages written ahead of the rebuild (see `preview.rs`).
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

/// Asks a running [`serve`] to stop. The library installs no signal handler: the
/// program calls [`Stop::request`] from its own (Ctrl-C, SIGTERM, SIGHUP).
#[derive(Clone, Default)]
pub struct Stop(Arc<StopState>);

#[derive(Default)]
struct StopState {
    /// Also the first build's cancel flag.
    requested: Arc<AtomicBool>,
    /// Wakes the watch loop once `serve` has one.
    wake: Mutex<Option<mpsc::Sender<watch::Msg>>>,
    /// The temporary folder, while `serve` runs.
    work: Mutex<Option<PathBuf>>,
}

impl Stop {
    pub fn new() -> Stop {
        Stop::default()
    }

    /// Stops `serve`: the build in progress lands nothing, the temporary folder is
    /// removed and `serve` returns. False when a stop was already asked for.
    pub fn request(&self) -> bool {
        if self.0.requested.swap(true, Ordering::SeqCst) {
            return false;
        }
        if let Some(tx) = lock(&self.0.wake).as_ref() {
            let _ = tx.send(watch::Msg::Stop);
        }
        true
    }

    /// Removes the temporary folder now, for a program that exits without waiting for
    /// `serve` to return (a second Ctrl-C).
    pub fn abandon(&self) {
        if let Some(dir) = lock(&self.0.work).take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    fn requested(&self) -> bool {
        self.0.requested.load(Ordering::SeqCst)
    }
}

/// Runs until `stop` is requested. Errors: the port is taken, the folder is not a site …
pub fn serve(opts: &ServeOptions, stop: &Stop, on: &(dyn Fn(Event<'_>) + Sync)) -> Result<()> {
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
    // Locked while in use, removed when serve ends; a killed serve's is swept at the next
    // start (as pdf's are).
    let parent = std::env::temp_dir().join("casebook-serve");
    let label = format!("the working folder {} (in TMPDIR)", parent.display());
    let parent = crate::outdir::check_place(&opts.root, &parent, &label)?;
    let work = crate::lock::WorkDir::create(&parent, "run")?;
    *lock(&stop.0.work) = Some(work.path.clone());
    let live = LiveDir::new(work.path.join("site"), work.path.join("pending"))?;
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            status: Status::start(),
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
    *lock(&stop.0.wake) = Some(tx.clone());
    if stop.requested() {
        let _ = tx.send(watch::Msg::Stop);
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
    ctx.run(&stop.0.requested, true);
    let server = {
        let (shared, bound) = (shared.clone(), addr);
        server::start(
            listener,
            Arc::new(move |request: &server::Request| respond::respond(request, &shared, bound)),
        )
        .map_err(|e| Error::Other(format!("cannot serve on {url}: {e}")))?
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
    server.stop();
    *lock(&stop.0.wake) = None;
    *lock(&stop.0.work) = None;
    on(Event::Stopped);
    Ok(())
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
                return Err(Error::Cancelled);
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
pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
