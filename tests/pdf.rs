//! `casebook pdf` on the example site (the repository root, copied): the PDF has a page
//! per case and more, every published case title is in its text, and the table of
//! contents' page numbers point at the pages where the cases begin.
//!
//! A small site with a cover photo checks the photo is in the PDF, upright, as a JPEG
//! (not raw pixels), without its EXIF, and the PDF stays small.
//!
//! Needs Chromium (or Chrome) and poppler-utils (`pdfinfo`, `pdftotext`, `pdfimages`). Without them
//! these tests fail with a message saying what to install, unless
//! `CASEBOOK_SKIP_BROWSER=1` is set.

mod common;

use common::{copy_dir, Site};
use std::path::Path;
use std::process::Command;

/// The example site: the repository's casebook.yaml, content/, data/ (and static/,
/// templates/ if present), in a temporary folder.
fn example_site() -> Site {
    let site = Site::empty();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        repo.join("casebook.yaml"),
        site.root().join("casebook.yaml"),
    )
    .unwrap();
    for dir in ["content", "data", "static", "templates"] {
        if repo.join(dir).is_dir() {
            copy_dir(&repo.join(dir), &site.root().join(dir));
        }
    }
    site
}

/// Whether the tools these tests need are here; panics with what to install if not
/// (or returns false when `CASEBOOK_SKIP_BROWSER=1`).
fn tools_available(run: &common::Run) -> bool {
    let skip = std::env::var("CASEBOOK_SKIP_BROWSER").is_ok_and(|v| v == "1");
    let missing_browser = run.stderr().contains("found neither");
    let missing_poppler = ["pdfinfo", "pdftotext", "pdfimages"]
        .iter()
        .any(|t| Command::new(t).arg("-v").output().is_err());
    if !missing_browser && !missing_poppler {
        return true;
    }
    if skip {
        eprintln!("skipped: CASEBOOK_SKIP_BROWSER=1 and Chromium or poppler-utils is missing");
        return false;
    }
    panic!(
        "these tests print a PDF with headless Chromium and read it with poppler-utils.\n\
         Install them (Debian/Ubuntu: apt-get install chromium fonts-noto-cjk poppler-utils),\n\
         name the browser with CASEBOOK_CHROMIUM=/path/to/chrome, or set CASEBOOK_SKIP_BROWSER=1 to skip.\n\
         casebook said:\n{}",
        run.stderr()
    );
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().expect(name);
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn page_count(pdf: &Path) -> usize {
    let info = tool("pdfinfo", &[&pdf.to_string_lossy()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in:\n{info}"))
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect()
}

/// (title, draft) of every case file under `dir`, from its front matter.
fn case_titles(dir: &Path) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let front = text.split("---").nth(1).unwrap_or("");
        let field = |k: &str| {
            front
                .lines()
                .find_map(|l| l.strip_prefix(k))
                .map(|v| v.trim().trim_matches('"').to_string())
        };
        let title = field("title:").expect("every case has a title");
        out.push((title, field("draft:").as_deref() == Some("true")));
    }
    out
}

#[test]
fn prints_the_whole_compendium_with_numbered_contents() {
    let site = example_site();
    let pdf = site.root().join("out/book.pdf");
    let started = std::time::Instant::now();
    let run = site.run(&["pdf", "--out", &pdf.to_string_lossy()]);
    if !tools_available(&run) {
        return;
    }
    run.assert_ok();
    eprintln!(
        "casebook pdf: {} in {:.1}s",
        run.stderr().trim(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        !site.root().join("public").exists(),
        "pdf leaves public/ alone"
    );
    let leftovers: Vec<_> = std::fs::read_dir(site.root().join(".casebook-pdf"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert!(leftovers.is_empty(), "work folder removed: {leftovers:?}");

    let cases = case_titles(&site.root().join("content/cases"));
    let published: Vec<&str> = cases
        .iter()
        .filter(|(_, d)| !d)
        .map(|(t, _)| t.as_str())
        .collect();
    assert!(
        published.len() >= 15,
        "the example has {} cases",
        published.len()
    );
    let pages = page_count(&pdf);
    // Cover, foreword, contents, then at least a page per case.
    assert!(
        pages >= published.len() + 3,
        "{pages} pages for {} cases",
        published.len()
    );
    assert!(
        run.stderr().contains(&format!("{pages} pages")),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("contents with page numbers"),
        "{}",
        run.stderr()
    );

    let text = tool("pdftotext", &[&pdf.to_string_lossy(), "-"]);
    let per_page: Vec<String> = text.split('\u{c}').map(squeeze).collect();
    let all = squeeze(&text);
    for title in &published {
        assert!(
            all.contains(&squeeze(title)),
            "{title} is not in the PDF text"
        );
    }
    for (title, _) in cases.iter().filter(|(_, d)| *d) {
        assert!(
            !all.contains(&squeeze(title)),
            "the draft {title} is in the PDF"
        );
    }

    // The contents: each title's line ends with the page on which the case begins.
    let config = std::fs::read_to_string(site.root().join("casebook.yaml")).unwrap();
    let book = config
        .lines()
        .find_map(|l| l.strip_prefix("title:"))
        .map(squeeze)
        .expect("the config has a title");
    let layout = tool("pdftotext", &["-layout", &pdf.to_string_lossy(), "-"]);
    let layout_pages: Vec<&str> = layout.split('\u{c}').collect();
    let entries_of = |page: &str| -> Vec<(String, usize)> {
        page.lines()
            .filter_map(|l| {
                let (head, num) = l.trim_end().rsplit_once(' ')?;
                Some((squeeze(head), num.parse().ok()?))
            })
            .filter(|(head, _)| head.chars().count() >= 4)
            .collect()
    };
    let toc_start = layout_pages
        .iter()
        .position(|p| p.lines().any(|l| squeeze(l) == "目录"))
        .expect("a contents page");
    // The first entry's page is where the contents end.
    let first_case_page = entries_of(layout_pages[toc_start])
        .first()
        .map(|e| e.1)
        .expect("numbered entries");
    assert!(
        first_case_page > toc_start + 1,
        "cases begin after the contents"
    );
    let entries: Vec<(String, usize)> = layout_pages[toc_start..first_case_page - 1]
        .iter()
        .flat_map(|p| entries_of(p))
        .collect();
    assert_eq!(
        entries.len(),
        published.len(),
        "one numbered entry per case: {entries:?}"
    );
    for title in &published {
        let t = squeeze(title);
        let (_, listed) = entries
            .iter()
            .find(|(head, _)| t.starts_with(head.as_str()))
            .unwrap_or_else(|| panic!("{title} has no page number in the contents:\n{layout}"));
        // The case's first page: the first whose running header (book title, then case
        // title) names it. (A title in another case's text does not count.)
        let header = format!("{book}{t}");
        let actual = per_page
            .iter()
            .enumerate()
            .skip(first_case_page - 1)
            .find(|(_, p)| p.starts_with(&header))
            .map(|(i, _)| i + 1)
            .unwrap_or_else(|| panic!("{title} not found after the contents"));
        assert_eq!(*listed, actual, "contents say {title} is on page {listed}");
    }
}

#[test]
fn prints_one_collection_to_its_default_file() {
    let site = example_site();
    let run = site.run(&["pdf", "--collection", "xunxian-qikan-3"]);
    if !tools_available(&run) {
        return;
    }
    run.assert_ok();
    let pdf = site.root().join("xunxian-qikan-3.pdf");
    assert!(pdf.is_file(), "default output <root>/<collection>.pdf");
    let text = squeeze(&tool("pdftotext", &[&pdf.to_string_lossy(), "-"]));
    assert!(
        text.contains("《浚县社工》") && text.contains("编者按"),
        "cover and foreword"
    );
    assert!(text.contains(&squeeze("卫贤社工站“护童微座谈”")));
    assert!(
        !text.contains(&squeeze("金山镇社工站“金诚所至”")),
        "only the collection's cases"
    );
    assert!(page_count(&pdf) >= 7);
}

/// One image `pdfimages -list` found: (page, width, height, encoding, bytes).
fn images_in(pdf: &Path) -> Vec<(usize, u32, u32, String, u64)> {
    let list = tool("pdfimages", &["-list", &pdf.to_string_lossy()]);
    // page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
    list.lines()
        .skip(2)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() < 16 || f[2] != "image" {
                return None;
            }
            let size = f[14];
            let (number, unit) = size.split_at(size.find(|c: char| c.is_alphabetic())?);
            let scale = match unit {
                "B" => 1.0,
                "K" => 1024.0,
                "M" => 1024.0 * 1024.0,
                _ => return None,
            };
            let bytes = (number.parse::<f64>().ok()? * scale) as u64;
            Some((
                f[0].parse().ok()?,
                f[3].parse().ok()?,
                f[4].parse().ok()?,
                f[8].to_string(),
                bytes,
            ))
        })
        .collect()
}

#[test]
fn a_cover_photo_is_embedded_upright_as_a_jpeg_and_the_pdf_stays_small() {
    let site = Site::empty();
    site.write(
        "casebook.yaml",
        "title: 照片测试汇编\ndescription: 带照片的案例\n",
    );
    // Stored 1200 × 900 with EXIF orientation 6 and a GPS position.
    let photos = site.root().join("content/cases/photos");
    std::fs::create_dir_all(&photos).unwrap();
    std::fs::copy(
        common::fixture_path("photos").join("content/cases/photos/cover.jpg"),
        photos.join("cover.jpg"),
    )
    .unwrap();
    site.write(
        "content/cases/shitang.md",
        "---\ntitle: 社区食堂温暖老人\ndate: 2024-05-01\nregion: [四川省, 成都市]\n\
         domains: [养老服务]\nsummary: 社区食堂为老人提供助餐服务。\n\
         cover: photos/cover.jpg\ncover_alt: 社区食堂里老人们一起用餐\n---\n\
         社工站开设社区食堂，每天为老人提供午餐。\n",
    );
    let pdf = site.root().join("out/book.pdf");
    let run = site.run(&["pdf", "--out", &pdf.to_string_lossy()]);
    if !tools_available(&run) {
        return;
    }
    run.assert_ok();
    let images = images_in(&pdf);
    let text_pages = tool("pdftotext", &[&pdf.to_string_lossy(), "-"]);
    // The cover at print size (its own width, 900: never enlarged), upright, on a page
    // after the contents, embedded as the JPEG it was published as.
    let cover = images
        .iter()
        .find(|(_, w, h, _, _)| (*w, *h) == (900, 1200))
        .unwrap_or_else(|| panic!("no upright 900 × 1200 cover in the PDF: {images:?}"));
    assert_eq!(
        cover.3, "jpeg",
        "kept as a JPEG, not raw pixels: {images:?}"
    );
    assert!(cover.0 >= 2, "on the case's page: {images:?}");
    assert_eq!(images.len(), 1, "the cover once: {images:?}");
    assert!(
        squeeze(&text_pages).contains("社区食堂温暖老人"),
        "the case is printed"
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(
        !bytes.windows(6).any(|w| w == b"Exif\0\0"),
        "no EXIF (with the original's GPS position) in the PDF"
    );
    // Sensible size: the JPEG plus fonts and text; smaller than the photo's raw pixels
    // (900 × 1200 × 3 = 3.2 MB), which a PDF that decoded the photo would carry.
    let size = bytes.len() as u64;
    eprintln!(
        "PDF with one cover photo: {} KB, the photo {} KB",
        size / 1024,
        cover.4 / 1024
    );
    assert!(cover.4 < 400 * 1024, "the cover is {} bytes", cover.4);
    assert!(
        size < 1024 * 1024,
        "a 3-page PDF with one photo is {size} bytes"
    );
}

#[test]
fn a_missing_browser_says_what_to_install() {
    let site = example_site();
    let run = site.run(&["pdf", "--chromium", "/nonexistent/chromium"]);
    assert_eq!(run.code(), Some(1));
    let err = run.stderr();
    assert!(err.contains("/nonexistent/chromium"), "{err}");
    assert!(err.contains("apt-get install chromium"), "{err}");
    assert!(err.contains("Google Chrome"), "{err}");
    assert!(!site.root().join("casebook.pdf").exists());
}

#[test]
fn an_unknown_collection_is_named_with_a_suggestion() {
    let site = example_site();
    // Any existing program passes the browser check; the collection check comes first.
    let run = site.run(&[
        "pdf",
        "--collection",
        "2024-youxui",
        "--chromium",
        env!("CARGO_BIN_EXE_casebook"),
    ]);
    assert_eq!(run.code(), Some(1));
    assert!(
        run.stderr().contains("no collection \"2024-youxui\""),
        "{}",
        run.stderr()
    );
    assert!(
        run.stderr().contains("did you mean \"2024-youxiu\"?"),
        "{}",
        run.stderr()
    );
}
