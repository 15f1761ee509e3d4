//! Stage timings for profiling a large site: with `CASEBOOK_TIMINGS` set, each stage's
//! time and the process's memory go to stderr, never into the output. Used by every
//! stage (model, search, render), so it belongs to none of them.

/// Prints how long each stage took when `CASEBOOK_TIMINGS` is set (for profiling a large
/// site; the numbers go to stderr and never into the output).
pub(crate) struct StageTimer {
    on: bool,
}

impl StageTimer {
    pub(crate) fn from_env() -> Self {
        StageTimer {
            on: std::env::var_os("CASEBOOK_TIMINGS").is_some(),
        }
    }

    pub(crate) fn time<T>(&self, stage: &str, f: impl FnOnce() -> T) -> T {
        if !self.on {
            return f();
        }
        let start = std::time::Instant::now();
        let out = f();
        self.report(stage, start);
        out
    }

    /// Prints the time since `start` for `stage` (when on).
    pub(crate) fn report(&self, stage: &str, start: std::time::Instant) {
        if self.on {
            eprintln!(
                "  {stage}: {:.2}s{}",
                start.elapsed().as_secs_f64(),
                memory_note()
            );
        }
    }
}

/// ", resident 1.2 GiB, peak 2.0 GiB" where the system says (Linux), else nothing.
fn memory_note() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let kib = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|n| n.parse::<f64>().ok())
    };
    match (kib("VmRSS:"), kib("VmHWM:")) {
        (Some(now), Some(peak)) => format!(
            ", resident {:.2} GiB, peak {:.2} GiB",
            now / 1048576.0,
            peak / 1048576.0
        ),
        _ => String::new(),
    }
}
