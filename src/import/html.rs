//! A saved web article (.html/.htm) → lines, with the `scraper` HTML5 parser: the
//! `<article>` (or `<body>`) headings, paragraphs, lists and tables, bold and italic;
//! menus, scripts and footers dropped.

use super::article::Line;
use super::read::Source;
use scraper::{ElementRef, Html, Node, Selector};

pub fn read(text: &str) -> Source {
    let doc = Html::parse_document(text);
    let mut source = Source {
        exact: true,
        ..Default::default()
    };
    source.title = first_text(&doc, "title");
    source.author = meta(&doc, "author");
    source.date = meta(&doc, "date")
        .or_else(|| meta(&doc, "article:published_time"))
        .and_then(|d| chrono::NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok());
    let root = ["article", "main", "body"]
        .iter()
        .find_map(|s| doc.select(&Selector::parse(s).ok()?).next());
    if let Some(root) = root {
        let mut images = 0;
        walk(root, &mut source.lines, &mut images);
        if images > 0 {
            source.notes.push(format!(
                "{images} image(s) of the web page were not copied: save them and add them by hand"
            ));
        }
    }
    source
}

fn first_text(doc: &Html, sel: &str) -> Option<String> {
    let s = Selector::parse(sel).ok()?;
    let t = doc.select(&s).next()?.text().collect::<String>();
    let t = t.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn meta(doc: &Html, name: &str) -> Option<String> {
    let s = Selector::parse(&format!("meta[name=\"{name}\"], meta[property=\"{name}\"]")).ok()?;
    doc.select(&s)
        .next()?
        .value()
        .attr("content")
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
}

fn walk(el: ElementRef<'_>, lines: &mut Vec<Line>, images: &mut usize) {
    for child in el.children() {
        let Some(e) = ElementRef::wrap(child) else {
            continue;
        };
        let name = e.value().name();
        match name {
            "script" | "style" | "nav" | "header" | "footer" | "aside" | "form" | "noscript" => {}
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name[1..].parse::<u8>().unwrap_or(2);
                let t = plain(e);
                if !t.is_empty() {
                    lines.push(Line::Heading(level, t));
                }
            }
            "p" => {
                if let Ok(img) = Selector::parse("img") {
                    *images += e.select(&img).count();
                }
                let t = inline(e);
                if !t.trim().is_empty() {
                    lines.push(Line::Text(t.trim().to_string()));
                }
            }
            "ul" | "ol" => {
                for (i, li) in e.children().filter_map(ElementRef::wrap).enumerate() {
                    let mark = if name == "ol" {
                        format!("{}.", i + 1)
                    } else {
                        "-".into()
                    };
                    lines.push(Line::Raw(format!("{mark} {}", inline(li).trim())));
                }
            }
            "table" => lines.push(Line::Raw(table(e))),
            "img" => *images += 1,
            _ => walk(e, lines, images),
        }
    }
}

fn plain(e: ElementRef<'_>) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text with `<b>/<strong>` as `**…**` and `<i>/<em>` as `*…*`.
fn inline(e: ElementRef<'_>) -> String {
    let mut out = String::new();
    for child in e.children() {
        match child.value() {
            Node::Text(t) => out.push_str(&t.replace(['\n', '\r'], "")),
            Node::Element(el) => {
                let Some(c) = ElementRef::wrap(child) else {
                    continue;
                };
                let inner = inline(c);
                match el.name() {
                    "b" | "strong" if !inner.trim().is_empty() => {
                        out.push_str(&format!("**{}**", inner.trim()))
                    }
                    "i" | "em" if !inner.trim().is_empty() => {
                        out.push_str(&format!("*{}*", inner.trim()))
                    }
                    "br" => out.push(' '),
                    "script" | "style" => {}
                    _ => out.push_str(&inner),
                }
            }
            _ => {}
        }
    }
    out
}

fn table(e: ElementRef<'_>) -> String {
    let (Ok(tr), Ok(cell)) = (Selector::parse("tr"), Selector::parse("th, td")) else {
        return String::new();
    };
    let rows: Vec<Vec<String>> = e
        .select(&tr)
        .map(|r| {
            r.select(&cell)
                .map(|c| plain(c).replace('|', "｜"))
                .collect()
        })
        .collect();
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut out = String::new();
    for (n, r) in rows.iter().enumerate() {
        let cells: Vec<String> = (0..width)
            .map(|i| r.get(i).cloned().unwrap_or_default())
            .collect();
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
        if n == 0 {
            out.push_str(&format!("|{}\n", " --- |".repeat(width)));
        }
    }
    out
}
