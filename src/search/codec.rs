//! Byte-level encodings of the search index: varints, a bit packer, base64, the shard hash,
//! and the `.js` wrapper every index file uses so it loads with a `<script>` tag (which
//! works from `file://`, where `fetch` is blocked). `search.js` decodes the same formats.

use std::fmt::Write as _;

/// Global the index files register themselves with.
pub const JS_PREFIX: &str = "window.__casebookSearch.add(";

/// Appends `v` as an unsigned LEB128 varint.
pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A cursor over index bytes that reports truncation as an error instead of panicking.
pub struct Reader<'a> {
    buf: &'a [u8],
    pub at: usize,
}

/// The index bytes ended early or held an impossible value.
#[derive(Debug, thiserror::Error)]
#[error("corrupt search index data")]
pub struct Corrupt;

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf, at: 0 }
    }
    pub fn done(&self) -> bool {
        self.at >= self.buf.len()
    }
    pub fn varint(&mut self) -> Result<u64, Corrupt> {
        let mut v: u64 = 0;
        let mut shift = 0;
        loop {
            let b = *self.buf.get(self.at).ok_or(Corrupt)?;
            self.at += 1;
            if shift > 63 {
                return Err(Corrupt);
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
        }
    }
    pub fn usize(&mut self) -> Result<usize, Corrupt> {
        usize::try_from(self.varint()?).map_err(|_| Corrupt)
    }
    pub fn u32(&mut self) -> Result<u32, Corrupt> {
        u32::try_from(self.varint()?).map_err(|_| Corrupt)
    }
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], Corrupt> {
        let end = self.at.checked_add(n).ok_or(Corrupt)?;
        let s = self.buf.get(self.at..end).ok_or(Corrupt)?;
        self.at = end;
        Ok(s)
    }
}

/// Packs unsigned integers of a given bit width, least significant bit first.
#[derive(Default)]
pub struct BitWriter {
    pub bytes: Vec<u8>,
    nbits: usize,
}

impl BitWriter {
    pub fn put(&mut self, v: u32, width: u32) {
        for i in 0..width {
            if self.nbits.is_multiple_of(8) {
                self.bytes.push(0);
            }
            if (v >> i) & 1 == 1 {
                let last = self.bytes.len() - 1;
                self.bytes[last] |= 1 << (self.nbits % 8);
            }
            self.nbits += 1;
        }
    }
}

/// Reads what [`BitWriter`] wrote.
pub struct BitReader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> BitReader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        BitReader { bytes, at: 0 }
    }
    pub fn get(&mut self, width: u32) -> Result<u32, Corrupt> {
        let mut v = 0u32;
        for i in 0..width {
            let byte = *self.bytes.get(self.at / 8).ok_or(Corrupt)?;
            if (byte >> (self.at % 8)) & 1 == 1 {
                v |= 1 << i;
            }
            self.at += 1;
        }
        Ok(v)
    }
}

/// Number of bits needed to write values `0..n`.
pub fn bits_for(n: usize) -> u32 {
    let mut b = 0;
    while (1usize << b) < n {
        b += 1;
    }
    b
}

/// 32-bit FNV-1a over the UTF-8 bytes of `s`; chooses the shard a key lives in.
pub fn fnv1a(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (what the browser's `atob` reads).
pub fn base64(data: &[u8]) -> String {
    let mut s = String::with_capacity(data.len().div_ceil(3) * 4);
    for ch in data.chunks(3) {
        let n = (u32::from(ch[0]) << 16)
            | (u32::from(*ch.get(1).unwrap_or(&0)) << 8)
            | u32::from(*ch.get(2).unwrap_or(&0));
        let idx = [n >> 18, n >> 12, n >> 6, n];
        for (i, v) in idx.iter().enumerate() {
            if i <= ch.len() {
                s.push(B64[(*v & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// Decodes [`base64`].
pub fn unbase64(s: &str) -> Result<Vec<u8>, Corrupt> {
    let mut out = Vec::with_capacity(s.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut n = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return Err(Corrupt),
        };
        acc = (acc << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((acc >> n) as u8);
        }
    }
    Ok(out)
}

/// Wraps a payload as a script: `window.__casebookSearch.add("name",payload);`.
/// `payload_json` must already be valid JSON (a string literal or an object).
pub fn js_file(name: &str, payload_json: &str) -> Vec<u8> {
    let mut s = String::with_capacity(payload_json.len() + name.len() + 40);
    s.push_str(JS_PREFIX);
    s.push('"');
    s.push_str(name);
    s.push_str("\",");
    s.push_str(payload_json);
    s.push_str(");\n");
    s.into_bytes()
}

/// Wraps binary data as a base64 string payload.
pub fn js_file_bin(name: &str, data: &[u8]) -> Vec<u8> {
    let mut p = String::with_capacity(data.len() * 4 / 3 + 4);
    p.push('"');
    p.push_str(&base64(data));
    p.push('"');
    js_file(name, &p)
}

/// Serialises a JSON value for embedding in a script (escapes U+2028/U+2029 and `<`).
pub fn json_for_js(v: &serde_json::Value) -> String {
    let raw = v.to_string();
    let mut s = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '\u{2028}' => s.push_str("\\u2028"),
            '\u{2029}' => s.push_str("\\u2029"),
            '<' => s.push_str("\\u003c"),
            c => s.push(c),
        }
    }
    s
}

/// Reads back a file written by [`js_file`]: returns (name, payload JSON).
pub fn parse_js_file(text: &str) -> Result<(String, serde_json::Value), Corrupt> {
    let rest = text.strip_prefix(JS_PREFIX).ok_or(Corrupt)?;
    let rest = rest.trim_end().strip_suffix(");").ok_or(Corrupt)?;
    let rest = rest.strip_prefix('"').ok_or(Corrupt)?;
    let q = rest.find('"').ok_or(Corrupt)?;
    let name = rest[..q].to_string();
    let payload = rest[q + 1..].strip_prefix(',').ok_or(Corrupt)?;
    let v = serde_json::from_str(payload).map_err(|_| Corrupt)?;
    Ok((name, v))
}

/// Lower-case hex of `v`, at least `width` digits.
pub fn hex(v: u32, width: usize) -> String {
    let mut s = String::new();
    let _ = write!(s, "{v:0width$x}");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let mut b = Vec::new();
        for v in [0u64, 1, 127, 128, 300, 1 << 40] {
            put_varint(&mut b, v);
        }
        let mut r = Reader::new(&b);
        for v in [0u64, 1, 127, 128, 300, 1 << 40] {
            assert_eq!(r.varint().ok(), Some(v));
        }
        assert!(r.varint().is_err());
    }

    #[test]
    fn base64_round_trips_all_lengths() {
        for n in 0..10u8 {
            let data: Vec<u8> = (0..n).map(|i| i.wrapping_mul(77)).collect();
            assert_eq!(unbase64(&base64(&data)).ok(), Some(data));
        }
        assert_eq!(base64(b"Man"), "TWFu");
        assert_eq!(base64(b"M"), "TQ==");
    }

    #[test]
    fn bits_round_trip() {
        let mut w = BitWriter::default();
        w.put(5, 3);
        w.put(1000, 10);
        w.put(1, 1);
        let mut r = BitReader::new(&w.bytes);
        assert_eq!(r.get(3).ok(), Some(5));
        assert_eq!(r.get(10).ok(), Some(1000));
        assert_eq!(r.get(1).ok(), Some(1));
        assert_eq!(bits_for(1), 0);
        assert_eq!(bits_for(2), 1);
        assert_eq!(bits_for(5), 3);
    }

    #[test]
    fn js_files_round_trip() {
        let v = serde_json::json!({"t": "a</script>\u{2028}"});
        let f = js_file("doc/1", &json_for_js(&v));
        let text = String::from_utf8(f).unwrap_or_default();
        assert!(!text.contains("</script>"));
        let (name, back) = parse_js_file(&text).unwrap_or_else(|_| panic!("parse"));
        assert_eq!(name, "doc/1");
        assert_eq!(back, v);
    }

    #[test]
    fn fnv_matches_reference() {
        assert_eq!(fnv1a(""), 0x811c9dc5);
        assert_eq!(fnv1a("a"), 0xe40c292c);
    }
}
