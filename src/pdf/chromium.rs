//! Finding and running headless Chromium (or Google Chrome) to print an HTML file.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The environment variable that names the browser to use.
pub const ENV: &str = "CASEBOOK_CHROMIUM";

/// Program names tried on `PATH`, in order.
const NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
];

/// Where browsers live when they are not on `PATH` (macOS, Windows).
const WELL_KNOWN: &[&str] = &[
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
];

pub const NOT_FOUND: &str = "casebook pdf prints through headless Chromium or Google Chrome, and found neither.
  Debian/Ubuntu: sudo apt-get install chromium fonts-noto-cjk
  Fedora:        sudo dnf install chromium google-noto-sans-cjk-fonts google-noto-serif-cjk-fonts
  macOS/Windows: install Google Chrome from https://www.google.com/chrome/
Chinese text needs a CJK font (Noto CJK or Source Han). If the browser is installed somewhere
casebook does not look, name it with --chromium /path/to/chrome or CASEBOOK_CHROMIUM=/path/to/chrome.
Without a browser you can still print: open public/print/index.html and use the browser's Print.";

/// The browser to use: `explicit` (from `--chromium`), else `$CASEBOOK_CHROMIUM`, else
/// the first of the usual names on `PATH`, else a well-known install location.
pub fn find(explicit: Option<&Path>) -> Result<PathBuf> {
    let from_env = std::env::var_os(ENV).filter(|v| !v.is_empty());
    let named = explicit
        .map(|p| (p.to_path_buf(), "--chromium"))
        .or_else(|| from_env.map(|v| (PathBuf::from(v), ENV)));
    if let Some((path, source)) = named {
        // A bare name (`--chromium chromium`) is looked up on PATH.
        let found = if path.components().count() == 1 {
            on_path(&path.to_string_lossy())
        } else {
            path.is_file().then(|| path.clone())
        };
        return found.ok_or_else(|| {
            Error::Other(format!(
                "the browser named by {source} was not found: {}\n{NOT_FOUND}",
                path.display()
            ))
        });
    }
    NAMES
        .iter()
        .find_map(|n| on_path(n))
        .or_else(|| WELL_KNOWN.iter().map(PathBuf::from).find(|p| p.is_file()))
        .ok_or_else(|| Error::Other(NOT_FOUND.to_string()))
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        [name.to_string(), format!("{name}.exe")]
            .into_iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
    })
}

/// A `file://` URL for an absolute path, percent-encoded.
pub fn file_url(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    // Windows' canonical paths start with `\\?\`.
    let text = text.strip_prefix("//?/").unwrap_or(&text);
    let encoded: Vec<String> = text
        .split('/')
        .map(|seg| {
            let mut out = String::new();
            for b in seg.bytes() {
                if b.is_ascii_alphanumeric() || b"-_.~:".contains(&b) {
                    out.push(b as char);
                } else {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            out
        })
        .collect();
    let joined = encoded.join("/");
    if joined.starts_with('/') {
        format!("file://{joined}")
    } else {
        format!("file:///{joined}")
    }
}

/// Prints `html` to `pdf` with headless `browser`, using `profile` as a fresh user data
/// folder. Gives up after `timeout`.
pub fn print_to_pdf(
    browser: &Path,
    html: &Path,
    pdf: &Path,
    profile: &Path,
    timeout: Duration,
) -> Result<()> {
    let log_path = profile.with_extension("log");
    let log = std::fs::File::create(&log_path).map_err(|source| Error::Write {
        path: log_path.clone(),
        source,
    })?;
    let _ = std::fs::remove_file(pdf);
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--no-pdf-header-footer",
            "--generate-pdf-document-outline",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(file_url(html))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| {
            Error::Other(format!(
                "could not start the browser {}: {e}",
                browser.display()
            ))
        })?;
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Error::Other(format!(
                    "the browser did not finish printing within {} s; it was stopped",
                    timeout.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => return Err(Error::Other(format!("waiting for the browser: {e}"))),
        }
    };
    let written = std::fs::metadata(pdf).map(|m| m.len() > 0).unwrap_or(false);
    if status.success() && written {
        return Ok(());
    }
    let log = std::fs::read_to_string(&log_path).unwrap_or_default();
    let tail: Vec<&str> = log
        .lines()
        .filter(|l| !l.contains("dbus") && !l.trim().is_empty())
        .collect();
    let tail = tail[tail.len().saturating_sub(8)..].join("\n  ");
    Err(Error::Other(format!(
        "the browser {} did not write the PDF ({status}){}",
        browser.display(),
        if tail.is_empty() {
            String::new()
        } else {
            format!(":\n  {tail}")
        }
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_are_encoded() {
        assert_eq!(
            file_url(Path::new("/tmp/my site/汇编/print/index.html")),
            "file:///tmp/my%20site/%E6%B1%87%E7%BC%96/print/index.html"
        );
        assert_eq!(
            file_url(Path::new(r"C:\site\print\index.html")),
            "file:///C:/site/print/index.html"
        );
    }

    #[test]
    fn a_missing_explicit_browser_says_what_to_install() {
        let err = find(Some(Path::new("/nonexistent/chrome"))).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("--chromium"), "{msg}");
        assert!(msg.contains("apt-get install chromium"), "{msg}");
    }
}
