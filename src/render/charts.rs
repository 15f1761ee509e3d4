//! Charts drawn at build time as inline SVG: no JavaScript, no external service.
//!
//! A [`Chart`] is a titled list of labelled values. It becomes an `<svg>` drawn with the
//! `plotters` crate, and its rows also go into a `<table>` beside the picture (the
//! template does that from [`ChartView::rows`]), so every number can be read, copied and
//! printed without the picture.
//!
//! Why `plotters` (with `default-features = false, features = ["svg_backend"]`):
//! - It is the most used and best kept Rust plotting crate; with only the SVG backend it
//!   pulls in three small crates (`plotters-backend`, `plotters-svg`, `num-traits`), no
//!   system libraries and no fonts.
//! - Without its `ttf` feature it measures text with a crude built-in estimate and never
//!   opens a font file, and the SVG backend writes labels as `<text>` elements (properly
//!   escaped). The reader's browser draws them in the page's own fonts, so Chinese
//!   labels look like the rest of the page. Because that estimate counts bytes (a Chinese
//!   character is counted as three), this module sizes the label column itself
//!   ([`text_width`]) instead of letting plotters guess.
//! - `charts-rs` measures text with an embedded Latin font (wrong widths for Chinese) and
//!   brings a larger dependency tree; `poloto` is a one-person project aimed at line and
//!   scatter plots whose styling lives in a stylesheet it ships. Neither fit better.
//! - What plotters lacks, this module adds to the root element: `role="img"`, a `<title>`
//!   and `<desc>` referenced by `aria-labelledby`, a `viewBox` so the stylesheet can
//!   scale the chart to its column (`width: 100%`), and a class.
//!
//! Categories (domains, provinces, funders, groups) are horizontal bars, so long Chinese
//! names stay readable on a phone; years are vertical columns in time order.

use crate::error::{Error, Result};
use crate::theme::escape_html;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::Serialize;

/// Drawing width in SVG units; the stylesheet scales it to the column.
const WIDTH: u32 = 380;
/// Label size in SVG units: about 13px on a 390px phone, 18px at the stylesheet's
/// widest (30rem).
const FONT: f64 = 14.0;
/// plotters' SVG backend writes `font-size` as the given size / 1.24.
const FONT_SCALE: f64 = 1.24;
const ROW: u32 = 28;
const INK: RGBColor = RGBColor(0x1d, 0x27, 0x33);
const LINE: RGBColor = RGBColor(0x9a, 0xa4, 0xb0);

/// How the bars stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// One horizontal bar per row, labels on the left (categories).
    Rows,
    /// Vertical columns left to right, labels below (years).
    Columns,
}

/// One bar.
#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub label: String,
    /// Site-relative link to the term page, if there is one.
    pub url: Option<String>,
    pub value: f64,
    /// The value as readers see it: `12`, `约1500万元`, `8000余`.
    pub display: String,
}

#[derive(Debug, Clone)]
pub struct Chart {
    /// Unique on its page; used for the element ids.
    pub id: String,
    pub title: String,
    /// Header of the label column of the table (`服务领域`).
    pub label_header: String,
    /// Header of the value column (`案例数`, `金额`).
    pub value_header: String,
    pub layout: Layout,
    pub color: RGBColor,
    pub bars: Vec<Bar>,
}

/// What the template gets: the drawing plus everything for the table.
#[derive(Debug, Serialize)]
pub struct ChartView {
    pub id: String,
    pub title: String,
    pub label_header: String,
    pub value_header: String,
    /// Inline `<svg>`, or empty when there is nothing to draw.
    pub svg: String,
    pub rows: Vec<Bar>,
}

impl Chart {
    pub fn view(self) -> Result<ChartView> {
        let svg = self.svg()?;
        Ok(ChartView {
            id: self.id,
            title: self.title,
            label_header: self.label_header,
            value_header: self.value_header,
            svg,
            rows: self.bars,
        })
    }

    /// The chart as an accessible inline `<svg>`; empty if no bar has a value.
    pub fn svg(&self) -> Result<String> {
        let max = self.bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
        if self.bars.is_empty() || !max.is_finite() || max <= 0.0 {
            return Ok(String::new());
        }
        let (height, raw) = match self.layout {
            Layout::Rows => self.draw_rows(max),
            Layout::Columns => self.draw_columns(max),
        }
        .map_err(|e| Error::Other(format!("cannot draw the chart \"{}\": {e}", self.title)))?;
        Ok(self.accessible(&raw, height))
    }

    /// The description screen readers get: every bar with its value.
    pub fn description(&self) -> String {
        let parts: Vec<String> = self
            .bars
            .iter()
            .map(|b| format!("{} {}", b.label, b.display))
            .collect();
        format!("{}: {}", self.title, parts.join("; "))
    }

    /// Horizontal bars, first bar on top. plotters maps values to pixels and draws;
    /// the category labels are placed at the mapped row centres in a column sized here,
    /// because plotters' own label layout relies on its text-width estimate.
    fn draw_rows(&self, max: f64) -> std::result::Result<(u32, String), String> {
        let n = self.bars.len();
        let height = n as u32 * ROW + 8;
        let label_w = label_column(&self.bars, WIDTH as f64 * 0.42);
        let value_w = self
            .bars
            .iter()
            .map(|b| text_width(&b.display, FONT))
            .fold(0.0, f64::max)
            + 10.0;
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
            let (left, right) = root.split_horizontally(label_w as u32);
            let mut chart = ChartBuilder::on(&right)
                .margin_top(4)
                .margin_bottom(4)
                .margin_right(value_w as u32)
                .build_cartesian_2d(0.0..max, 0.0..n as f64)
                .map_err(|e| e.to_string())?;
            // Row i (from the top) spans y = n-i-1 .. n-i.
            let centre = |i: usize| (n - i) as f64 - 0.5;
            chart
                .draw_series(self.bars.iter().enumerate().map(|(i, b)| {
                    let y = centre(i);
                    Rectangle::new([(0.0, y - 0.32), (b.value, y + 0.32)], self.color.filled())
                }))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, 0.0), (0.0, n as f64)],
                    LINE.stroke_width(1),
                )))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(self.bars.iter().enumerate().map(|(i, b)| {
                    EmptyElement::at((b.value, centre(i)))
                        + Text::new(
                            b.display.clone(),
                            (5, 0),
                            text_style(HPos::Left, VPos::Center),
                        )
                }))
                .map_err(|e| e.to_string())?;
            for (i, b) in self.bars.iter().enumerate() {
                let (_, y) = chart.backend_coord(&(0.0, centre(i)));
                left.draw(&Text::new(
                    fit(&b.label, label_w - 10.0, FONT),
                    (label_w as i32 - 8, y),
                    text_style(HPos::Right, VPos::Center),
                ))
                .map_err(|e| e.to_string())?;
            }
            root.present().map_err(|e| e.to_string())?;
        }
        Ok((height, out))
    }

    /// Vertical columns left to right with labels below and values above.
    fn draw_columns(&self, max: f64) -> std::result::Result<(u32, String), String> {
        let n = self.bars.len();
        let height = 220;
        let label_h = 24;
        // Leave room above the tallest column for its value.
        let top = max * 1.18;
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
            let (upper, lower) = root.split_vertically(height - label_h);
            let mut chart = ChartBuilder::on(&upper)
                .margin_left(6)
                .margin_right(6)
                .margin_top(6)
                .build_cartesian_2d(0.0..n as f64, 0.0..top)
                .map_err(|e| e.to_string())?;
            let centre = |i: usize| i as f64 + 0.5;
            // Narrow columns for a few years, but never wider than tall labels need.
            let half = if n < 4 { 0.25 } else { 0.36 };
            chart
                .draw_series(self.bars.iter().enumerate().map(|(i, b)| {
                    let x = centre(i);
                    Rectangle::new([(x - half, 0.0), (x + half, b.value)], self.color.filled())
                }))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, 0.0), (n as f64, 0.0)],
                    LINE.stroke_width(1),
                )))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(self.bars.iter().enumerate().map(|(i, b)| {
                    EmptyElement::at((centre(i), b.value))
                        + Text::new(
                            b.display.clone(),
                            (0, -4),
                            text_style(HPos::Center, VPos::Bottom),
                        )
                }))
                .map_err(|e| e.to_string())?;
            let slot = (WIDTH as f64 - 12.0) / n as f64;
            for (i, b) in self.bars.iter().enumerate() {
                let (x, _) = chart.backend_coord(&(centre(i), 0.0));
                lower
                    .draw(&Text::new(
                        fit(&b.label, slot - 2.0, FONT),
                        (x, 6),
                        text_style(HPos::Center, VPos::Top),
                    ))
                    .map_err(|e| e.to_string())?;
            }
            root.present().map_err(|e| e.to_string())?;
        }
        Ok((height, out))
    }

    /// Gives plotters' root element a role, a title and a description, and a class.
    fn accessible(&self, raw: &str, height: u32) -> String {
        let title_id = format!("{}-title", self.id);
        let desc_id = format!("{}-desc", self.id);
        let head = format!(
            "<svg class=\"chart-svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" \
             xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"{title_id} {desc_id}\">\
             <title id=\"{title_id}\">{}</title><desc id=\"{desc_id}\">{}</desc>",
            escape_html(&self.title),
            escape_html(&self.description()),
        );
        // plotters starts with its own `<svg …>` tag: keep everything after it.
        let body = raw.find('>').map(|i| &raw[i + 1..]).unwrap_or_default();
        format!("{head}{}", tidy_text(body))
    }
}

/// plotters writes each label on a line of its own inside `<text>`; the line breaks
/// would become spaces that push right-aligned labels off their anchor.
fn tidy_text(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(start) = rest.find("<text") {
        let Some(open_end) = rest[start..].find('>').map(|i| start + i + 1) else {
            break;
        };
        let Some(close) = rest[open_end..].find("</text>").map(|i| open_end + i) else {
            break;
        };
        out.push_str(&rest[..open_end]);
        out.push_str(rest[open_end..close].trim_matches('\n'));
        rest = &rest[close..];
    }
    out.push_str(rest);
    out
}

fn text_style(h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle::from(("sans-serif", FONT * FONT_SCALE).into_font())
        .color(&INK)
        .pos(Pos::new(h, v))
}

/// Roughly how wide `text` is at `size`: Chinese and full-width characters take a whole
/// em, everything else about half of one (browsers' fonts differ, so this errs wide).
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| if is_wide(c) { 1.0 } else { 0.62 })
        .sum::<f64>()
        * size
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

/// Width of the label column: the longest label, but at most `cap`.
fn label_column(bars: &[Bar], cap: f64) -> f64 {
    let widest = bars
        .iter()
        .map(|b| text_width(&b.label, FONT))
        .fold(0.0, f64::max);
    (widest + 12.0).clamp(40.0, cap)
}

/// `text`, shortened with `…` to fit `width` (the table beside the chart has it whole).
pub fn fit(text: &str, width: f64, size: f64) -> String {
    if text_width(text, size) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = text_width("…", size);
    for c in text.chars() {
        let w = text_width(c.encode_utf8(&mut [0; 4]), size);
        if used + w > width {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(layout: Layout, bars: &[(&str, f64)]) -> Chart {
        Chart {
            id: "c".into(),
            title: "每年案例数".into(),
            label_header: "年份".into(),
            value_header: "案例".into(),
            layout,
            color: RGBColor(0x1b, 0x5e, 0x8c),
            bars: bars
                .iter()
                .map(|(l, v)| Bar {
                    label: l.to_string(),
                    url: None,
                    value: *v,
                    display: v.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn svg_is_accessible_and_scalable() {
        for layout in [Layout::Rows, Layout::Columns] {
            let svg = chart(layout, &[("养老服务", 3.0), ("儿童 & <青少年>", 1.0)])
                .svg()
                .expect("draws");
            assert!(svg.starts_with("<svg class=\"chart-svg\""), "{svg}");
            assert!(svg.contains("role=\"img\""));
            assert!(svg.contains("aria-labelledby=\"c-title c-desc\""));
            assert!(svg.contains("<title id=\"c-title\">每年案例数</title>"));
            assert!(svg.contains("viewBox=\"0 0 380 "));
            assert!(
                svg.contains("儿童 &amp; &lt;青少年&gt;"),
                "labels are escaped"
            );
            assert!(!svg.contains("<青少年>"));
            assert_eq!(svg.matches("<svg").count(), 1);
            assert!(svg.trim_end().ends_with("</svg>"));
        }
    }

    #[test]
    fn nothing_to_draw_gives_no_svg() {
        assert_eq!(chart(Layout::Rows, &[]).svg().expect("ok"), "");
        assert_eq!(
            chart(Layout::Columns, &[("2020", 0.0)]).svg().expect("ok"),
            ""
        );
    }

    #[test]
    fn long_labels_are_shortened_to_fit() {
        assert_eq!(fit("养老服务", 100.0, 13.0), "养老服务");
        let short = fit("宁夏回族自治区银川市兴庆区", 60.0, 13.0);
        assert!(short.ends_with('…'));
        assert!(text_width(&short, 13.0) <= 60.0);
        assert!(text_width("养老", 10.0) > text_width("ab", 10.0));
    }
}
