//! The theme: Tera templates and static assets.
//!
//! The default theme is embedded in the binary, so `casebook` works anywhere. Over it, in
//! order, come the site's `themes/<theme>/` folder (when it has one) and the site's own
//! `templates/` and `static/` folders, file by file.

use crate::error::{Error, Result};
use crate::load::confine::Confine;
use crate::quantity;
use include_dir::{include_dir, Dir};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use tera::{Tera, Value};

static DEFAULT_THEME: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

pub struct Theme {
    pub tera: Tera,
    /// Output path → bytes, theme assets with site overrides applied (not `static/`).
    pub assets: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    pub fn load(root: &Path, theme: &str, language: &str) -> Result<Theme> {
        let mut templates: BTreeMap<String, String> = BTreeMap::new();
        let mut assets: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        if theme == "default" {
            embedded(&DEFAULT_THEME, &mut templates, &mut assets);
        }
        let theme_dir = root.join("themes").join(theme);
        if !theme_dir.is_dir() && theme != "default" {
            return Err(Error::Other(format!(
                "the theme \"{theme}\" named in casebook.yaml was not found at {}",
                theme_dir.display()
            )));
        }
        let confine = Confine::new(root);
        let text = |b: Vec<u8>| String::from_utf8(b).ok();
        read_dir_into(&confine, &theme_dir.join("templates"), &mut templates, text)?;
        read_dir_into(&confine, &theme_dir.join("static"), &mut assets, Some)?;
        read_dir_into(&confine, &root.join("templates"), &mut templates, text)?;
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml", ".svg"]);
        tera.set_escape_fn(escape_html);
        tera.add_raw_templates(templates.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| Error::Template(describe_tera_error(&e)))?;
        register_filters(&mut tera, language);
        Ok(Theme { tera, assets })
    }
}

fn embedded(
    dir: &Dir<'_>,
    templates: &mut BTreeMap<String, String>,
    assets: &mut BTreeMap<String, Vec<u8>>,
) {
    for entry in dir.entries() {
        let file = match entry {
            include_dir::DirEntry::Dir(d) => {
                embedded(d, templates, assets);
                continue;
            }
            include_dir::DirEntry::File(f) => f,
        };
        let path = file.path().to_string_lossy().replace('\\', "/");
        if let Some(name) = path.strip_prefix("templates/") {
            if let Some(text) = file.contents_utf8() {
                templates.insert(name.to_string(), text.to_string());
            }
        } else if let Some(name) = path.strip_prefix("static/") {
            assets.insert(name.to_string(), file.contents().to_vec());
        }
    }
}

/// Reads the files under `dir` into `into`; a link out of the site is an error (with
/// every other such link), so no file from elsewhere on the machine is published.
fn read_dir_into<T>(
    confine: &Confine,
    dir: &Path,
    into: &mut BTreeMap<String, T>,
    convert: impl Fn(Vec<u8>) -> Option<T>,
) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    let (files, problems) = confine.files_under(dir, usize::MAX);
    if !problems.is_empty() {
        return Err(Error::Content(problems));
    }
    for path in files {
        let Ok(rel) = path.strip_prefix(dir) else {
            continue;
        };
        let bytes = std::fs::read(&path).map_err(|source| Error::Read {
            path: path.clone(),
            source,
        })?;
        let name = rel.to_string_lossy().replace('\\', "/");
        match convert(bytes) {
            Some(v) => {
                into.insert(name, v);
            }
            None => {
                return Err(Error::Template(format!(
                    "{} is not valid UTF-8 text",
                    path.display()
                )))
            }
        }
    }
    Ok(())
}

/// Escapes what could break out of text or a quoted attribute. Unlike Tera's default it
/// leaves `/` alone, so addresses stay readable in the HTML.
pub fn escape_html(input: &str) -> String {
    // Tera calls this for every value a template prints. Runs of safe text are copied
    // whole (pages are mostly Chinese, which never needs escaping), found through a table.
    let bytes = input.as_bytes();
    let next = |from: usize| {
        bytes[from..]
            .iter()
            .position(|&b| ESCAPED[usize::from(b)])
            .map(|i| from + i)
    };
    let Some(mut at) = next(0) else {
        return input.to_owned();
    };
    let mut out = String::with_capacity(input.len() + 16);
    let mut copied = 0;
    loop {
        out.push_str(&input[copied..at]);
        out.push_str(match bytes[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        copied = at + 1;
        match next(copied) {
            Some(n) => at = n,
            None => break,
        }
    }
    out.push_str(&input[copied..]);
    out
}

/// The bytes [`escape_html`] replaces: `&`, `<`, `>`, `"` and `'`.
static ESCAPED: [bool; 256] = {
    let mut t = [false; 256];
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\'' as usize] = true;
    t
};

/// Tera nests the real cause several errors deep; editors need all of it.
pub fn describe_tera_error(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

fn register_filters(tera: &mut Tera, language: &str) {
    let lang = language.to_string();
    tera.register_filter("yuan", move |v: &Value, args: &HashMap<String, Value>| {
        let approx = args.get("approx").and_then(Value::as_bool).unwrap_or(false);
        let n = v.as_f64().unwrap_or(0.0);
        Ok(Value::String(quantity::format_yuan(n, approx, &lang)))
    });
    let lang = language.to_string();
    // `count(approx=…, about=…)`: `about` (a total that is not a lower bound) says 约.
    tera.register_filter("count", move |v: &Value, args: &HashMap<String, Value>| {
        let approx = args.get("approx").and_then(Value::as_bool).unwrap_or(false);
        let about = args.get("about").and_then(Value::as_bool).unwrap_or(false);
        let n = v.as_f64().unwrap_or(0.0);
        Ok(Value::String(quantity::format_total(
            n, approx, about, &lang,
        )))
    });
    // `t.page_of | fill(a=2, b=5)`: fills each `{}` of a UI string in turn.
    tera.register_filter("fill", |v: &Value, args: &HashMap<String, Value>| {
        let mut out = v.as_str().unwrap_or("").to_string();
        for key in ["a", "b", "c"] {
            if let Some(arg) = args.get(key) {
                let text = match arg {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                out = out.replacen("{}", &text, 1);
            }
        }
        Ok(Value::String(out))
    });
    // `f.photo.variants | srcset(root=root, key="webp")`: a `srcset` of a photo's sizes,
    // each variant's `key` file under `root` and its width.
    tera.register_filter("srcset", |v: &Value, args: &HashMap<String, Value>| {
        let root = args.get("root").and_then(Value::as_str).unwrap_or("");
        let key = args.get("key").and_then(Value::as_str).unwrap_or("webp");
        let list = v.as_array().map(Vec::as_slice).unwrap_or_default();
        let parts: Vec<String> = list
            .iter()
            .filter_map(|variant| {
                let file = variant.get(key)?.as_str()?;
                let width = variant.get("width")?.as_u64()?;
                Some(format!("{root}{file} {width}w"))
            })
            .collect();
        Ok(Value::String(parts.join(", ")))
    });
    tera.register_filter("urlencode", |v: &Value, _: &HashMap<String, Value>| {
        Ok(Value::String(encode_uri_component(
            v.as_str().unwrap_or(""),
        )))
    });
    tera.register_filter("truncate", |v: &Value, args: &HashMap<String, Value>| {
        let n = args.get("length").and_then(Value::as_u64).unwrap_or(120) as usize;
        let s = v.as_str().unwrap_or("");
        let out: String = s.chars().take(n).collect();
        Ok(Value::String(if s.chars().count() > n {
            format!("{out}…")
        } else {
            out
        }))
    });
}

/// Percent-encodes everything but unreserved characters, like JavaScript's
/// `encodeURIComponent`.
pub fn encode_uri_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn escapes_markup_and_keeps_chinese() {
        assert_eq!(
            escape_html("社工<script>\"a\"&'b'/站"),
            "社工&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;/站"
        );
        assert_eq!(escape_html(""), "");
        assert_eq!(escape_html("五社联动"), "五社联动");
        assert_eq!(escape_html("<&>"), "&lt;&amp;&gt;", "one after another");
        assert_eq!(escape_html("'站"), "&#39;站", "at the start");
        assert_eq!(escape_html("站\""), "站&quot;", "at the end");
    }
}
