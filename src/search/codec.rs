//! Byte-level encodings of the search index: varints, a bit packer, base64, the shard hash,
//! and the `.js` wrapper every index file uses so it loads with a `<script>` tag (which
//! works from `file://`, where `fetch` is blocked). `search.js` decodes the same formats.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
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

/// Standard base64 with padding (what the browser's `atob` reads).
pub fn base64(data: &[u8]) -> String {
    BASE64.encode(data)
}

/// Decodes [`base64`].
pub fn unbase64(s: &str) -> Result<Vec<u8>, Corrupt> {
    BASE64.decode(s).map_err(|_| Corrupt)
}

/// Wraps a payload as a script: `window.__casebookSearch.add("name","<base64>");`, the
/// payload (binary, or JSON text) zlib-compressed and then base64-encoded (the readers
/// inflate it: `search.js` with the browser's `DecompressionStream("deflate")`).
pub fn js_file(name: &str, payload: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut z = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(payload.len() / 2 + 64),
        flate2::Compression::new(COMPRESSION),
    );
    // Writing into a Vec cannot fail.
    let compressed = z
        .write_all(payload)
        .and_then(|()| z.finish())
        .unwrap_or_default();
    let mut s = String::with_capacity(JS_PREFIX.len() + name.len() + compressed.len() / 3 * 4 + 12);
    s.push_str(JS_PREFIX);
    s.push('"');
    s.push_str(name);
    s.push_str("\",\"");
    BASE64.encode_string(&compressed, &mut s);
    s.push_str("\");\n");
    s.into_bytes()
}

/// zlib level of the index files (0-9).
pub const COMPRESSION: u32 = 6;

/// [`js_file`] with a JSON payload.
pub fn js_json(name: &str, v: &serde_json::Value) -> Vec<u8> {
    js_file(name, v.to_string().as_bytes())
}

/// Serialises a JSON value for embedding in a script (escapes U+2028/U+2029 and `<`).
/// Most values hold none of the three, and are returned as serialised.
pub fn json_for_js(v: &serde_json::Value) -> String {
    let raw = v.to_string();
    // `<` is one byte in UTF-8; U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
    let needs = |i: usize| {
        let b = raw.as_bytes();
        b[i] == b'<' || (b.get(i + 1) == Some(&0x80) && matches!(b.get(i + 2), Some(0xA8 | 0xA9)))
    };
    let mut found = memchr::memchr2_iter(b'<', 0xE2, raw.as_bytes()).filter(|&i| needs(i));
    let Some(first) = found.next() else {
        return raw;
    };
    let mut s = String::with_capacity(raw.len() + 16);
    let mut copied = 0;
    for i in std::iter::once(first).chain(found) {
        s.push_str(&raw[copied..i]);
        let (escape, len) = match raw.as_bytes()[i] {
            b'<' => ("\\u003c", 1),
            _ if raw.as_bytes()[i + 2] == 0xA8 => ("\\u2028", 3),
            _ => ("\\u2029", 3),
        };
        s.push_str(escape);
        copied = i + len;
    }
    s.push_str(&raw[copied..]);
    s
}

/// Reads back a file written by [`js_file`]: returns (name, payload).
pub fn parse_js_file(text: &str) -> Result<(String, Vec<u8>), Corrupt> {
    use std::io::Read as _;
    let rest = text.strip_prefix(JS_PREFIX).ok_or(Corrupt)?;
    let rest = rest.trim_end().strip_suffix(");").ok_or(Corrupt)?;
    let rest = rest.strip_prefix('"').ok_or(Corrupt)?;
    let q = rest.find('"').ok_or(Corrupt)?;
    let name = rest[..q].to_string();
    let payload = rest[q + 1..].strip_prefix(',').ok_or(Corrupt)?;
    let b64 = payload
        .strip_prefix('"')
        .and_then(|p| p.strip_suffix('"'))
        .ok_or(Corrupt)?;
    let compressed = unbase64(b64)?;
    // Deflate expands at most about 1,032 times: a damaged file cannot ask for more.
    let mut out = Vec::with_capacity(compressed.len() * 3);
    flate2::read::ZlibDecoder::new(&compressed[..])
        .read_to_end(&mut out)
        .map_err(|_| Corrupt)?;
    Ok((name, out))
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
    fn js_files_round_trip_and_hold_only_base64() {
        let v = serde_json::json!({"t": "a</script>\u{2028}社工站"});
        let f = js_json("doc/1", &v);
        let text = String::from_utf8(f).unwrap_or_default();
        assert!(!text.contains("</script>"));
        assert!(!text.contains('\u{2028}'));
        let (name, back) = parse_js_file(&text).unwrap_or_else(|_| panic!("parse"));
        assert_eq!(name, "doc/1");
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&back).ok(),
            Some(v)
        );
        for n in 0..8u8 {
            let data: Vec<u8> = (0..u32::from(n) * 50)
                .map(|i| (i * 151 % 251) as u8)
                .collect();
            let text = String::from_utf8(js_file("q/00ab", &data)).unwrap_or_default();
            assert_eq!(
                parse_js_file(&text).ok(),
                Some(("q/00ab".to_string(), data))
            );
        }
    }

    #[test]
    fn only_lt_and_the_two_line_separators_are_escaped() {
        // Chinese quotes, dashes and ellipses share the lead byte of U+2028 and U+2029.
        let text = "“社工”——服务…<b>\u{2028}中心\u{2029}<";
        let v = serde_json::json!({ "t": text, "<k>": ["\u{2028}", "五社联动"] });
        let got = json_for_js(&v);
        let want: String = v
            .to_string()
            .chars()
            .map(|c| match c {
                '\u{2028}' => "\\u2028".to_string(),
                '\u{2029}' => "\\u2029".to_string(),
                '<' => "\\u003c".to_string(),
                c => c.to_string(),
            })
            .collect();
        assert_eq!(got, want);
        assert!(
            got.contains("“社工”——服务…"),
            "other characters as they are"
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&got).ok(),
            Some(v)
        );
        let plain = serde_json::json!({ "t": "“社工”——" });
        assert_eq!(json_for_js(&plain), plain.to_string());
    }

    #[test]
    fn fnv_matches_reference() {
        assert_eq!(fnv1a(""), 0x811c9dc5);
        assert_eq!(fnv1a("a"), 0xe40c292c);
    }
}
