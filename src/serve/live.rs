//! The live-reload protocol: the build state open pages poll (`/__casebook/status`,
//! `/__casebook/events?since=N`) and the files each build changed, so a tab reloads only
//! what it shows.

use super::lock;
use crate::diagnostics::{Diagnostic, Severity};
use serde::Serialize;
use std::collections::{BTreeSet, VecDeque};
use std::path::PathBuf;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

pub(super) const LIVE_JS: &str = include_str!("live.js");
/// How long `/__casebook/events` waits for a new build before answering anyway.
const LONG_POLL: Duration = Duration::from_secs(25);
/// Builds whose changed files are remembered for tabs that polled a while ago.
const HISTORY: usize = 32;
/// Beyond this many changed files, tabs are told to reload rather than sent the list.
const MAX_CHANGED: usize = 2000;
/// At most this many errors travel to the browser.
const MAX_SHOWN: usize = 100;

/// The state pages poll.
#[derive(Debug, Clone, Serialize)]
pub(super) struct Status {
    pub(super) build: u64,
    pub(super) ok: bool,
    pub(super) errors: usize,
    pub(super) warnings: usize,
    /// The errors of a failed build (not warnings), at most [`MAX_SHOWN`].
    pub(super) diagnostics: Vec<Diagnostic>,
    /// Files changed since the build the client asked about.
    pub(super) changed: Vec<String>,
    /// True when the client's build is too old to know what changed.
    pub(super) reload_all: bool,
}

impl Status {
    /// Before any build: build 0, nothing wrong, nothing changed.
    pub(super) fn start() -> Status {
        Status {
            build: 0,
            ok: true,
            errors: 0,
            warnings: 0,
            diagnostics: Vec::new(),
            changed: Vec::new(),
            reload_all: false,
        }
    }
}

pub(super) struct Shared {
    pub(super) state: Mutex<State>,
    pub(super) signal: Condvar,
    pub(super) dir: PathBuf,
}

pub(super) struct State {
    pub(super) status: Status,
    /// (build, files changed by it), newest last.
    pub(super) history: VecDeque<(u64, Vec<String>)>,
}

pub(super) fn publish(shared: &Shared, ok: bool, diags: &[Diagnostic], changed: Vec<String>) {
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
pub(super) fn status_since(state: &State, since: Option<u64>) -> Status {
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

pub(super) fn since_param(query: &str) -> Option<u64> {
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|v| v.parse().ok())
}

pub(super) fn lock_state(shared: &Shared) -> std::sync::MutexGuard<'_, State> {
    lock(&shared.state)
}

/// Answers at once without `since`, else when a build newer than `since` exists (or
/// after [`LONG_POLL`]).
pub(super) fn wait_for_build(shared: &Shared, since: Option<u64>) -> Status {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn state(history: &[(u64, &[&str])]) -> State {
        let last = history.last().map(|(b, _)| *b).unwrap_or(0);
        State {
            status: Status {
                build: last,
                ..Status::start()
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
    fn since_is_read_from_the_query() {
        assert_eq!(since_param("since=12"), Some(12));
        assert_eq!(since_param("x=1&since=3"), Some(3));
        assert_eq!(since_param("since=abc"), None);
        assert_eq!(since_param(""), None);
    }
}
