//! Reads back, from a PDF that Chromium printed, how many pages it has and on which page
//! each named destination (an HTML `id` that a link points to) landed.
//!
//! This is not a general PDF reader and writes nothing: it follows the cross-reference
//! table to the catalog, walks the page tree and reads the `/Dests` dictionary (or the
//! `/Names` destination tree), all of which Chromium (Skia) writes uncompressed. On any
//! other shape it returns `None`, and the caller prints without page numbers.

use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfInfo {
    pub pages: usize,
    /// Destination name → 1-based page number.
    pub dests: HashMap<String, usize>,
}

pub fn read(pdf: &[u8]) -> Option<PdfInfo> {
    let doc = Doc::open(pdf)?;
    let catalog = doc.resolve(doc.root.clone()?)?;
    let mut pages = Vec::new();
    doc.collect_pages(catalog.get("Pages")?, &mut pages, 0)?;
    let page_index: HashMap<(u32, u16), usize> =
        pages.iter().enumerate().map(|(i, r)| (*r, i + 1)).collect();
    let mut dests = HashMap::new();
    let mut add = |name: String, dest: &Obj| {
        let dest = match doc.resolve(dest.clone()) {
            Some(Obj::Dict(d)) => d.into_iter().find(|(k, _)| k == "D").map(|(_, v)| v),
            other => other,
        };
        if let Some(Obj::Array(items)) = dest.and_then(|d| doc.resolve(d)) {
            if let Some(Obj::Ref(n, g)) = items.first() {
                if let Some(&page) = page_index.get(&(*n, *g)) {
                    dests.insert(name, page);
                }
            }
        }
    };
    if let Some(Obj::Dict(d)) = catalog.get("Dests").and_then(|d| doc.resolve(d.clone())) {
        for (name, dest) in &d {
            add(name.clone(), dest);
        }
    }
    if let Some(tree) = catalog
        .get("Names")
        .and_then(|n| doc.resolve(n.clone()))
        .and_then(|n| n.get("Dests").cloned())
    {
        let mut pairs = Vec::new();
        doc.name_tree(tree, &mut pairs, 0);
        for (name, dest) in &pairs {
            add(name.clone(), dest);
        }
    }
    Some(PdfInfo {
        pages: pages.len(),
        dests,
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Obj {
    Null,
    Bool(bool),
    Num(f64),
    Name(String),
    Str(Vec<u8>),
    Array(Vec<Obj>),
    Dict(Vec<(String, Obj)>),
    Ref(u32, u16),
}

impl Obj {
    fn get(&self, key: &str) -> Option<&Obj> {
        match self {
            Obj::Dict(d) => d.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

struct Doc<'a> {
    bytes: &'a [u8],
    offsets: HashMap<u32, usize>,
    root: Option<Obj>,
}

const MAX_DEPTH: usize = 64;

impl<'a> Doc<'a> {
    fn open(bytes: &'a [u8]) -> Option<Doc<'a>> {
        let tail_from = bytes.len().saturating_sub(1024);
        let sx = find_last(&bytes[tail_from..], b"startxref")? + tail_from;
        let mut p = Parser::new(bytes, sx + b"startxref".len());
        let Obj::Num(xref_at) = p.value(0)? else {
            return None;
        };
        let mut p = Parser::new(bytes, xref_at as usize);
        p.skip_space();
        if !p.eat(b"xref") {
            return None; // a cross-reference stream: not what Chromium writes today
        }
        let mut offsets = HashMap::new();
        loop {
            p.skip_space();
            if p.eat(b"trailer") {
                break;
            }
            let (Obj::Num(start), Obj::Num(count)) = (p.value(0)?, p.value(0)?) else {
                return None;
            };
            for i in 0..count as u32 {
                let (Obj::Num(off), Obj::Num(_gen)) = (p.value(0)?, p.value(0)?) else {
                    return None;
                };
                p.skip_space();
                let kind = *p.bytes.get(p.pos)?;
                p.pos += 1;
                if kind == b'n' {
                    offsets.insert((start as u32).checked_add(i)?, off as usize);
                }
            }
        }
        let trailer = p.value(0)?;
        Some(Doc {
            bytes,
            offsets,
            root: trailer.get("Root").cloned(),
        })
    }

    /// Follows references (a few levels) to a direct object.
    fn resolve(&self, mut obj: Obj) -> Option<Obj> {
        for _ in 0..8 {
            let Obj::Ref(n, _) = obj else {
                return Some(obj);
            };
            let mut p = Parser::new(self.bytes, *self.offsets.get(&n)?);
            let (Obj::Num(num), Obj::Num(_)) = (p.value(0)?, p.value(0)?) else {
                return None;
            };
            p.skip_space();
            if num as u32 != n || !p.eat(b"obj") {
                return None;
            }
            obj = p.value(0)?;
        }
        None
    }

    fn collect_pages(&self, node: &Obj, out: &mut Vec<(u32, u16)>, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        let Obj::Ref(n, g) = node else {
            return None;
        };
        let obj = self.resolve(node.clone())?;
        match obj.get("Type") {
            Some(Obj::Name(t)) if t == "Page" => out.push((*n, *g)),
            _ => {
                let Some(Obj::Array(kids)) = obj.get("Kids").cloned().and_then(|k| self.resolve(k))
                else {
                    return None;
                };
                for kid in &kids {
                    self.collect_pages(kid, out, depth + 1)?;
                }
            }
        }
        Some(())
    }

    fn name_tree(&self, node: Obj, out: &mut Vec<(String, Obj)>, depth: usize) {
        let Some(node) = self.resolve(node).filter(|_| depth <= MAX_DEPTH) else {
            return;
        };
        if let Some(Obj::Array(names)) = node.get("Names").cloned().and_then(|n| self.resolve(n)) {
            for pair in names.chunks(2) {
                if let [Obj::Str(key), value] = pair {
                    out.push((String::from_utf8_lossy(key).into_owned(), value.clone()));
                }
            }
        }
        if let Some(Obj::Array(kids)) = node.get("Kids").cloned().and_then(|k| self.resolve(k)) {
            for kid in kids {
                self.name_tree(kid, out, depth + 1);
            }
        }
    }
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | b'\x0c' | b'\0')
}

fn is_delim(b: u8) -> bool {
    is_space(b) || b"()<>[]{}/%".contains(&b)
}

impl<'a> Parser<'a> {
    fn new(bytes: &'a [u8], pos: usize) -> Self {
        Parser { bytes, pos }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if is_space(b) {
                self.pos += 1;
            } else if b == b'%' {
                while self.peek().is_some_and(|b| b != b'\n' && b != b'\r') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn eat(&mut self, word: &[u8]) -> bool {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Option<Obj> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_space();
        match self.peek()? {
            b'/' => {
                self.pos += 1;
                Some(Obj::Name(self.name()))
            }
            b'<' if self.bytes.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                let mut entries = Vec::new();
                loop {
                    self.skip_space();
                    if self.eat(b">>") {
                        return Some(Obj::Dict(entries));
                    }
                    let Obj::Name(key) = self.value(depth + 1)? else {
                        return None;
                    };
                    let value = self.value(depth + 1)?;
                    entries.push((key, value));
                }
            }
            b'<' => {
                self.pos += 1;
                let start = self.pos;
                let end = start + self.bytes[start..].iter().position(|&b| b == b'>')?;
                self.pos = end + 1;
                let hex: Vec<u8> = self.bytes[start..end]
                    .iter()
                    .copied()
                    .filter(|b| !is_space(*b))
                    .collect();
                let digit = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
                let bytes = hex
                    .chunks(2)
                    .map(|c| Some(digit(c[0])? * 16 + c.get(1).map_or(Some(0), |&b| digit(b))?))
                    .collect::<Option<Vec<u8>>>()?;
                Some(Obj::Str(bytes))
            }
            b'(' => self.literal_string(),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    if self.eat(b"]") {
                        return Some(Obj::Array(items));
                    }
                    items.push(self.value(depth + 1)?);
                }
            }
            b'0'..=b'9' | b'+' | b'-' | b'.' => self.number_or_ref(),
            _ => {
                let start = self.pos;
                while self.peek().is_some_and(|b| !is_delim(b)) {
                    self.pos += 1;
                }
                match &self.bytes[start..self.pos] {
                    b"true" => Some(Obj::Bool(true)),
                    b"false" => Some(Obj::Bool(false)),
                    b"null" => Some(Obj::Null),
                    _ => None,
                }
            }
        }
    }

    fn name(&mut self) -> String {
        let mut out = Vec::new();
        while let Some(b) = self.peek().filter(|&b| !is_delim(b)) {
            self.pos += 1;
            let hex = self.bytes.get(self.pos..self.pos + 2);
            let decoded = (b == b'#')
                .then(|| hex.and_then(|h| std::str::from_utf8(h).ok()))
                .flatten()
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match decoded {
                Some(v) => {
                    out.push(v);
                    self.pos += 2;
                }
                None => out.push(b),
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    fn literal_string(&mut self) -> Option<Obj> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 1;
        loop {
            let b = self.peek()?;
            self.pos += 1;
            match b {
                b'\\' => {
                    let e = self.peek()?;
                    self.pos += 1;
                    out.push(match e {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        other => other,
                    });
                }
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(Obj::Str(out));
                    }
                    out.push(b);
                }
                _ => out.push(b),
            }
        }
    }

    fn number(&mut self) -> Option<f64> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
        {
            self.pos += 1;
        }
        std::str::from_utf8(&self.bytes[start..self.pos])
            .ok()?
            .parse()
            .ok()
    }

    fn number_or_ref(&mut self) -> Option<Obj> {
        let n = self.number()?;
        // `12 0 R` is a reference; anything else leaves the position after the number.
        let after = self.pos;
        self.skip_space();
        if self.peek().is_some_and(|b| b.is_ascii_digit()) {
            if let Some(g) = self.number() {
                self.skip_space();
                if self.peek() == Some(b'R')
                    && self.bytes.get(self.pos + 1).is_none_or(|&b| is_delim(b))
                {
                    self.pos += 1;
                    return Some(Obj::Ref(n as u32, g as u16));
                }
            }
        }
        self.pos = after;
        Some(Obj::Num(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small PDF shaped like Chromium's: a two-level page tree and named destinations.
    fn sample() -> Vec<u8> {
        let objects = [
            "<</Type /Catalog /Pages 2 0 R /Dests 7 0 R>>",
            "<</Type /Pages /Count 3 /Kids [3 0 R 4 0 R]>>",
            "<</Type /Page /Parent 2 0 R>>",
            "<</Type /Pages /Count 2 /Kids [5 0 R 6 0 R] /Parent 2 0 R>>",
            "<</Type /Page /Parent 4 0 R /Annots [<</Type /Annot /Subtype /Link /Dest /c2>>]>>",
            "<</Type /Page /Parent 4 0 R>>\nstream\n(binary) >> ] endobj\nendstream",
            "<</c1 [5 0 R /XYZ 6 828.42 0]\n/c2 [6 0 R /XYZ 6 828.42 0] /#E8#83#8C [3 0 R /Fit]>>",
        ];
        let mut pdf = b"%PDF-1.4\n%\xe2\xe3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(pdf.len());
            pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = pdf.len();
        pdf.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for off in offsets {
            pdf.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
        }
        pdf.extend_from_slice(
            format!("trailer\n<</Size 8 /Root 1 0 R>>\nstartxref\n{xref}\n%%EOF").as_bytes(),
        );
        pdf
    }

    #[test]
    fn reads_pages_and_destinations() {
        let info = read(&sample()).expect("readable");
        assert_eq!(info.pages, 3);
        assert_eq!(info.dests.get("c1"), Some(&2));
        assert_eq!(info.dests.get("c2"), Some(&3));
        assert_eq!(info.dests.get("背"), Some(&1));
    }

    #[test]
    fn other_shapes_are_none_not_panics() {
        assert_eq!(read(b""), None);
        assert_eq!(read(b"%PDF-1.7\nstartxref\n99999\n%%EOF"), None);
        let mut broken = sample();
        broken.truncate(broken.len() / 2);
        assert_eq!(read(&broken), None);
        let mut garbled = sample();
        for b in garbled.iter_mut().skip(40).step_by(7) {
            *b = b'[';
        }
        let _ = read(&garbled);
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let _ = read(&bytes);
        }

        /// The sample with bytes changed, cut or inserted: what a damaged or unusual PDF
        /// looks like, close enough to the expected shape to reach every part of the reader.
        #[test]
        fn damaged_pdfs_never_panic(
            changes in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..20),
            cut in any::<prop::sample::Index>(),
            insert in proptest::collection::vec(
                prop_oneof![Just(b"<<".to_vec()), Just(b">>".to_vec()), Just(b"[".to_vec()),
                    Just(b" 0 R".to_vec()), Just(b"(".to_vec()), Just(b"99999999999999999999".to_vec()),
                    Just(b"/Kids [1 0 R]".to_vec()), Just(b"startxref\n0\n".to_vec())],
                0..4),
        ) {
            let mut pdf = sample();
            for (at, b) in &changes {
                let i = at.index(pdf.len());
                pdf[i] = *b;
            }
            for piece in &insert {
                let i = cut.index(pdf.len());
                pdf.splice(i..i, piece.iter().copied());
            }
            let _ = read(&pdf);
            pdf.truncate(cut.index(pdf.len() + 1));
            let _ = read(&pdf);
        }
    }
}
