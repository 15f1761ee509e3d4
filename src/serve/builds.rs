//! The queue of full rebuilds: at most one runs at a time, and a newer request cancels
//! the running one, so the newest sources are always what gets built.

use super::lock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};

#[derive(Default)]
pub(super) struct Builds {
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
    pub(super) fn request(&self) {
        let mut q = lock(&self.state);
        q.wanted += 1;
        q.cancel_running();
        self.signal.notify_all();
    }

    /// Stops the rebuild in progress, if any, from landing.
    pub(super) fn cancel_running(&self) {
        lock(&self.state).cancel_running();
    }

    pub(super) fn quit(&self) {
        let mut q = lock(&self.state);
        q.quit = true;
        q.cancel_running();
        self.signal.notify_all();
    }

    /// Waits until a rebuild is wanted and returns its cancel flag; `None` to stop.
    pub(super) fn next(&self) -> Option<Arc<AtomicBool>> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
