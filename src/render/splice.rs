//! Splicing: a print edition's frame is rendered with a marker where each case's body
//! goes (`<!--casebook-body-N-->`), and [`Splice`] passes the frame on as Tera writes
//! it, putting the bodies in place of the markers. So neither the book nor its frame is
//! ever held whole: at 100,000 cases the frame alone is hundreds of MB.
//!
//! The markers must come once each, in order (`0, 1, … n-1`); anything else makes the
//! splice broken ([`Splice::finish`] says `false`), and the caller renders the book in
//! one piece.

use crate::error::{Error, Result};
use rayon::prelude::*;

/// How every marker starts.
const START: &str = "<!--casebook-body-";
const END: &[u8] = b"-->";

/// What stands in for the body at `slot` while the frame is rendered. It starts with
/// `<`, so a template that escapes the body does not show it as is.
pub fn marker(slot: usize) -> String {
    format!("{START}{slot}-->")
}

/// Bodies made ahead, in parallel, once the frame reaches the first of them.
const BODY_BATCH: usize = 256;

/// An `io::Write` for Tera's `render_to` that hands the frame to `put` with the bodies
/// spliced in.
pub struct Splice<'a> {
    put: &'a mut dyn FnMut(&[u8]) -> Result<()>,
    body_of: &'a (dyn Fn(usize) -> String + Sync),
    n: usize,
    /// The marker expected next.
    next: usize,
    /// Bodies of `batch_start..batch_start + batch.len()`, made ahead.
    batch: Vec<String>,
    batch_start: usize,
    /// Bytes not passed on yet: the tail of what was written, which may be the start of
    /// a marker.
    held: Vec<u8>,
    finder: memchr::memmem::Finder<'static>,
    broken: bool,
    /// The first error of `put`.
    failed: Option<Error>,
}

impl<'a> Splice<'a> {
    /// A splice for `n` bodies; `body_of(slot)` makes one.
    pub fn new(
        put: &'a mut dyn FnMut(&[u8]) -> Result<()>,
        body_of: &'a (dyn Fn(usize) -> String + Sync),
        n: usize,
    ) -> Self {
        Splice {
            put,
            body_of,
            n,
            next: 0,
            batch: Vec::new(),
            batch_start: 0,
            held: Vec::new(),
            finder: memchr::memmem::Finder::new(START.as_bytes()),
            broken: false,
            failed: None,
        }
    }

    /// Passes on what is held; true when every marker came once, in order, so what was
    /// passed on is the book. The error is `put`'s (a write that failed), if any.
    pub fn finish(mut self) -> Result<bool> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        self.drain(true)?;
        if self.next != self.n {
            self.broken = true;
        }
        Ok(!self.broken)
    }

    /// The error `put` returned, which made a write fail.
    pub fn take_error(&mut self) -> Option<Error> {
        self.failed.take()
    }

    fn emit(&mut self, bytes: &[u8]) -> Result<()> {
        if self.broken || bytes.is_empty() {
            return Ok(());
        }
        (self.put)(bytes)
    }

    fn body(&mut self, slot: usize) -> Result<()> {
        if slot != self.next || slot >= self.n {
            self.broken = true;
            return Ok(());
        }
        self.next += 1;
        if slot >= self.batch_start + self.batch.len() {
            let end = (slot + BODY_BATCH).min(self.n);
            let body_of = self.body_of;
            self.batch = (slot..end).into_par_iter().map(body_of).collect();
            self.batch_start = slot;
        }
        let body = std::mem::take(&mut self.batch[slot - self.batch_start]);
        self.emit(body.as_bytes())
    }

    /// Passes on `held` up to where a marker may still be forming (all of it when
    /// `last`), with the bodies in place of complete markers.
    fn drain(&mut self, last: bool) -> Result<()> {
        let held = std::mem::take(&mut self.held);
        let mut at = 0;
        let keep_from = loop {
            let Some(i) = self.finder.find(&held[at..]) else {
                break if last {
                    held.len()
                } else {
                    held.len() - partial_start(&held[at..])
                };
            };
            let start = at + i;
            let digits_at = start + START.len();
            let digits = held[digits_at..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let end = digits_at + digits;
            if !last && held.len() < end + END.len() {
                // The marker may go on in the next write.
                break start;
            }
            self.emit(&held[at..start])?;
            let slot = std::str::from_utf8(&held[digits_at..end])
                .ok()
                .and_then(|d| d.parse::<usize>().ok());
            match slot {
                Some(slot) if held[end..].starts_with(END) => {
                    self.body(slot)?;
                    at = end + END.len();
                }
                // The start of a marker that is not one: the frame is not as expected.
                _ => {
                    self.broken = true;
                    at = digits_at;
                }
            }
        };
        self.emit(&held[at..keep_from])?;
        self.held = held;
        self.held.drain(..keep_from);
        Ok(())
    }
}

/// How many bytes at the end of `bytes` could begin [`START`].
fn partial_start(bytes: &[u8]) -> usize {
    let start = START.as_bytes();
    (1..start.len().min(bytes.len() + 1))
        .rev()
        .find(|&k| bytes.ends_with(&start[..k]))
        .unwrap_or(0)
}

impl std::io::Write for Splice<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.failed.is_some() {
            return Err(std::io::Error::other(
                "the print edition could not be written",
            ));
        }
        self.held.extend_from_slice(buf);
        // Small writes are gathered before they are looked through.
        if self.held.len() >= HELD_MAX {
            if let Err(e) = self.drain(false) {
                self.failed = Some(e);
                return Err(std::io::Error::other(
                    "the print edition could not be written",
                ));
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Bytes gathered from Tera's many small writes before they are passed on.
const HELD_MAX: usize = 64 * 1024;

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// Splices `frame` written in pieces of `step` bytes; (output, complete).
    fn splice(frame: &str, n: usize, step: usize) -> (String, bool) {
        let mut out = Vec::new();
        let body_of = |slot: usize| format!("[body {slot}]");
        let ok = {
            let mut put = |b: &[u8]| {
                out.extend_from_slice(b);
                Ok(())
            };
            let mut s = Splice::new(&mut put, &body_of, n);
            for piece in frame.as_bytes().chunks(step.max(1)) {
                s.write_all(piece).unwrap();
            }
            s.finish().unwrap()
        };
        (String::from_utf8(out).unwrap(), ok)
    }

    #[test]
    fn bodies_replace_their_markers_however_the_frame_is_cut() {
        let frame = format!(
            "<p>封面</p>{}<p>中间 <!-- a comment --></p>{}<p>完</p><",
            marker(0),
            marker(1)
        );
        for step in 1..frame.len() + 1 {
            let (out, ok) = splice(&frame, 2, step);
            assert!(ok, "step {step}");
            assert_eq!(
                out, "<p>封面</p>[body 0]<p>中间 <!-- a comment --></p>[body 1]<p>完</p><",
                "step {step}"
            );
        }
    }

    #[test]
    fn more_bodies_than_a_batch_come_in_order() {
        let n = BODY_BATCH * 2 + 3;
        let frame: String = (0..n).map(|i| format!("<h>{i}</h>{}", marker(i))).collect();
        let (out, ok) = splice(&frame, n, 1000);
        assert!(ok);
        let want: String = (0..n).map(|i| format!("<h>{i}</h>[body {i}]")).collect();
        assert_eq!(out, want);
    }

    #[test]
    fn anything_but_each_marker_once_in_order_is_broken() {
        let m = marker;
        for (frame, n, what) in [
            (format!("{}{}", m(1), m(0)), 2, "out of order"),
            (format!("{}{}{}", m(0), m(0), m(1)), 2, "repeated"),
            (m(0), 2, "one missing"),
            (format!("{}{}", m(0), m(1)), 1, "one too many"),
            ("<!--casebook-body-x-->".to_string(), 1, "no number"),
            ("&lt;!--casebook-body-0--&gt;".to_string(), 1, "escaped"),
            (format!("{}<!--casebook-body-1", m(0)), 2, "cut off"),
            (
                "<!--casebook-body-99999999999999999999999-->".into(),
                1,
                "huge",
            ),
        ] {
            for step in [1, 5, 1000] {
                assert!(!splice(&frame, n, step).1, "{what}, step {step}");
            }
        }
        assert_eq!(splice("", 0, 1), (String::new(), true), "an empty book");
    }

    #[test]
    fn a_failing_write_is_reported() {
        let body_of = |_| String::new();
        let mut put = |_: &[u8]| Err(Error::Other("disk full".into()));
        let mut s = Splice::new(&mut put, &body_of, 0);
        let big = vec![b'x'; HELD_MAX + 1];
        assert!(s.write_all(&big).is_err());
        assert!(matches!(s.take_error(), Some(Error::Other(m)) if m == "disk full"));
    }

    #[test]
    fn partial_starts_are_held_back() {
        assert_eq!(partial_start(b"abc<!--case"), "<!--case".len());
        assert_eq!(partial_start(b"abc<"), 1);
        assert_eq!(partial_start(b"abc"), 0);
        assert_eq!(partial_start(b""), 0);
    }
}
