//! Photos as a reader and an editor meet them: the real binary builds `tests/fixtures/photos`
//! (a case with a cover taken sideways with GPS in its EXIF, a gallery, photos in the text,
//! a page and a collection with covers) and `tests/fixtures/photos-broken` (every kind of
//! bad photo).

mod common;

use common::Site;
use std::path::Path;

fn built() -> Site {
    let site = Site::from_fixture("photos");
    site.build().assert_ok();
    site
}

fn published(site: &Site) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(site.public().join("photos"))
        .expect("public/photos")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn size_of(path: &Path) -> (u32, u32) {
    image::image_dimensions(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn photos_are_resized_never_enlarged_and_stand_upright() {
    let site = built();
    let names = published(&site);
    let with = |stem: &str| names.iter().filter(|n| n.starts_with(stem)).count();
    // 1800 wide: 480, 960 and 1600, each as WebP and JPEG.
    assert_eq!(with("kitchen-"), 6, "{names:?}");
    // 320 wide: only 320.
    assert_eq!(with("small-"), 2, "{names:?}");
    assert!(names
        .iter()
        .any(|n| n.starts_with("small-") && n.ends_with("-320.webp")));
    // Stored 1200 × 900 with EXIF orientation 6: published upright, 900 × 1200.
    let cover = names
        .iter()
        .find(|n| n.starts_with("cover-") && n.ends_with("-900.jpg"))
        .expect("the cover at its own width");
    assert_eq!(
        size_of(&site.public().join("photos").join(cover)),
        (900, 1200)
    );
    let cover_webp = cover.replace(".jpg", ".webp");
    assert_eq!(
        size_of(&site.public().join("photos").join(cover_webp)),
        (900, 1200)
    );
}

#[test]
fn webp_is_lossy_and_no_published_file_keeps_exif_or_the_original() {
    let site = built();
    let originals: Vec<Vec<u8>> = walkdir::WalkDir::new(site.root().join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "jpg"))
        .map(|e| std::fs::read(e.path()).expect("original"))
        .collect();
    for entry in walkdir::WalkDir::new(site.public()) {
        let entry = entry.expect("walk");
        if !entry.file_type().is_file() {
            continue;
        }
        let bytes = std::fs::read(entry.path()).expect("read");
        let name = entry.path().display().to_string();
        assert!(
            !originals.contains(&bytes),
            "{name} is an original photo, published as it was"
        );
        if name.ends_with(".jpg") || name.ends_with(".webp") || name.ends_with(".png") {
            for marker in [&b"Exif"[..], b"GPS", b"II*\0", b"MM\0*"] {
                assert!(
                    !bytes.windows(marker.len()).any(|w| w == marker),
                    "{name} holds metadata ({:?})",
                    String::from_utf8_lossy(marker)
                );
            }
        }
        if name.ends_with(".webp") {
            assert_eq!(&bytes[..4], b"RIFF");
            assert_eq!(&bytes[8..16], b"WEBPVP8 ", "{name} is not lossy WebP");
        }
    }
    assert!(
        !site.exists("files"),
        "no original is published under files/"
    );
}

#[test]
fn case_page_markup_has_sizes_alt_lazy_loading_and_captions() {
    let site = built();
    let html = site.read("cases/shitang/index.html");
    let imgs: Vec<&str> = html
        .split("<img ")
        .skip(1)
        .map(|s| &s[..s.find('>').unwrap_or(s.len())])
        .collect();
    assert_eq!(imgs.len(), 5, "cover, 2 in the text, 2 in the gallery");
    for img in &imgs {
        for attr in [
            " width=\"",
            " height=\"",
            " srcset=\"",
            " sizes=\"",
            " alt=\"",
        ] {
            assert!(img.contains(attr), "<img {img}> lacks{attr}");
        }
    }
    // The cover is the first thing on the page: eager, high priority; the rest lazy.
    assert!(imgs[0].contains("loading=\"eager\"") && imgs[0].contains("fetchpriority=\"high\""));
    assert!(imgs[0].contains("alt=\"社区食堂里老人们一起用餐\""));
    for img in &imgs[1..] {
        assert!(
            img.contains("loading=\"lazy\"") && img.contains("decoding=\"async\""),
            "{img}"
        );
    }
    assert_eq!(html.matches("<source type=\"image/webp\"").count(), 5);
    assert!(
        html.contains("<figcaption>备餐现场</figcaption>"),
        "the title is the caption"
    );
    assert!(html.contains("alt=\"志愿者在厨房备餐\""));
    assert!(html.contains("<figcaption>志愿者为老人送餐上门</figcaption>"));
    assert!(
        !html.contains("<p><figure"),
        "a figure never sits in a paragraph"
    );
    // Every address in the markup is a published file.
    for part in html.split("../../photos/").skip(1) {
        let name = &part[..part.find([' ', '"']).unwrap_or(part.len())];
        assert!(
            site.exists(&format!("photos/{name}")),
            "photos/{name} is missing"
        );
    }
}

#[test]
fn gallery_opens_the_large_photo_as_a_plain_link() {
    let site = built();
    let html = site.read("cases/shitang/index.html");
    let gallery = &html[html.find("class=\"gallery\"").expect("a gallery")..];
    let links: Vec<&str> = gallery
        .split("<a href=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap_or(0)])
        .take(2)
        .collect();
    assert_eq!(links.len(), 2);
    for link in links {
        let file = link.trim_start_matches("../../");
        assert!(
            file.ends_with("-1200.webp"),
            "links to the largest size: {link}"
        );
        assert!(site.exists(file));
    }
    assert!(!gallery[..gallery.find("</section>").unwrap_or(0)].contains("<script"));
}

#[test]
fn cards_sharing_and_open_data_carry_the_cover() {
    let site = built();
    let home = site.read("index.html");
    assert_eq!(
        home.matches("class=\"card-thumb\"").count(),
        1,
        "one case has a cover"
    );
    assert!(home.contains("case-card has-thumb"));
    assert!(site
        .read("cases/index.html")
        .contains("class=\"card-thumb\""));
    let case = site.read("cases/shitang/index.html");
    let og = "<meta property=\"og:image\" content=\"https://example.org/anli/photos/cover-";
    assert!(case.contains(og), "og:image is absolute from base_url");
    assert!(case
        .contains("<meta name=\"twitter:image\" content=\"https://example.org/anli/photos/cover-"));
    assert!(!site.read("cases/wuzhao/index.html").contains("og:image"));
    let json: serde_json::Value =
        serde_json::from_str(&site.read("data/cases.json")).expect("json");
    let covers: Vec<&serde_json::Value> = json["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| &c["cover"])
        .collect();
    assert!(covers.iter().any(|c| c
        .as_str()
        .is_some_and(|u| u.starts_with("https://example.org/anli/photos/cover-"))));
    assert!(covers.iter().any(|c| c.is_null()));
    let csv = site.read("data/cases.csv");
    assert!(csv.lines().next().is_some_and(|h| h.contains(",cover,")));
    assert!(csv.contains(",https://example.org/anli/photos/cover-"));
    // Pages and collections show their covers too.
    assert!(site.read("about/index.html").contains("alt=\"编委会合影\""));
    assert!(site
        .read("collections/youxiu/index.html")
        .contains("class=\"photo photo-cover\""));
}

#[test]
fn search_results_carry_the_covers_smallest_thumbnail() {
    let site = built();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["search", "--json", "--root"])
        .arg(site.root())
        .arg("四川")
        .output()
        .expect("casebook search");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let hits = v["hits"].as_array().cloned().unwrap_or_default();
    let with_cover = hits
        .iter()
        .find(|h| h["url"] == "cases/shitang/")
        .unwrap_or_else(|| panic!("the case with a cover is found: {v}"));
    // The cover is 900 wide: its variants are 480 and 900; the thumbnail is the 480.
    let webp = with_cover["thumb"]["webp"].as_str().unwrap_or_default();
    let fallback = with_cover["thumb"]["fallback"].as_str().unwrap_or_default();
    assert!(
        webp.starts_with("photos/cover-") && webp.ends_with("-480.webp"),
        "{with_cover}"
    );
    assert!(
        fallback.starts_with("photos/cover-") && fallback.ends_with("-480.jpg"),
        "{with_cover}"
    );
    assert!(site.exists(webp) && site.exists(fallback));
    // A case without a cover has no thumbnail (and no `p` in its display file).
    assert!(hits.iter().any(|h| h["url"] == "cases/wuzhao/"), "{v}");
    for h in hits.iter().filter(|h| h["url"] != "cases/shitang/") {
        assert!(h.get("thumb").is_none(), "{h}");
    }
}

#[test]
fn print_edition_carries_cover_body_and_gallery_photos_as_large_jpegs() {
    let site = built();
    let print = site.read("print/index.html");
    assert!(!print.contains("image/webp"), "paper gets JPEG, not WebP");
    assert!(
        !print.contains("loading=\"lazy\""),
        "nothing waits to be scrolled to"
    );
    assert!(
        print.contains("alt=\"社区食堂里老人们一起用餐\""),
        "the cover"
    );
    assert!(
        print.contains("-1600.jpg"),
        "the text's photo at print size"
    );
    assert!(print.contains("alt=\"老人们一起包饺子\""), "the gallery");
    for part in print.split("src=\"../photos/").skip(1) {
        let name = &part[..part.find('"').unwrap_or(0)];
        assert!(site.exists(&format!("photos/{name}")), "photos/{name}");
    }
}

/// The home introduction's cover is shown on the front page (it was processed and then
/// not shown anywhere).
#[test]
fn the_home_introduction_shows_its_cover() {
    let site = Site::from_fixture("photos");
    site.write(
        "content/_index.md",
        "---\ntitle: 首页\ncover: /images/about.jpg\ncover_alt: 编委会合影\n---\n本汇编收录优秀案例。\n",
    );
    site.build().assert_ok();
    let home = site.read("index.html");
    let hero = &home[home.find("class=\"hero\"").expect("hero")..];
    let hero = &hero[..hero.find("</section>").expect("end of hero")];
    assert!(hero.contains("本汇编收录优秀案例"), "{hero}");
    assert!(
        hero.contains("<picture>") && hero.contains("alt=\"编委会合影\""),
        "{hero}"
    );
    assert!(hero.contains("src=\"photos/about-"), "{hero}");
}

#[test]
fn transparent_png_keeps_a_png_fallback() {
    let site = Site::from_fixture("photos");
    let logo = image::RgbaImage::from_fn(600, 300, |x, _| {
        image::Rgba([30, 120, 200, if x < 300 { 255 } else { 0 }])
    });
    logo.save(site.root().join("static/images/logo.png"))
        .expect("png");
    site.write(
        "content/pages/logo.md",
        "---\ntitle: 标志\n---\n![机构标志](/images/logo.png)\n",
    );
    site.build().assert_ok();
    let names = published(&site);
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("logo-") && n.ends_with("-600.png")),
        "{names:?}"
    );
    assert!(!names
        .iter()
        .any(|n| n.starts_with("logo-") && n.ends_with(".jpg")));
    let webp = names
        .iter()
        .find(|n| n.starts_with("logo-") && n.ends_with(".webp"))
        .expect("webp");
    let img = image::open(site.public().join("photos").join(webp)).expect("decodes");
    assert!(img.color().has_alpha(), "the WebP keeps transparency");
}

#[test]
fn a_rebuild_takes_photos_from_the_cache_and_a_replaced_photo_is_processed_again() {
    let site = built();
    let cache = site.root().join(".casebook-cache/photos");
    assert!(cache.is_dir());
    // Mark a cached file: if the rebuild re-encoded, the mark would be gone.
    let entry = std::fs::read_dir(&cache)
        .expect("cache")
        .filter_map(Result::ok)
        .find(|e| e.path().join("480.webp").is_file())
        .expect("a cached photo");
    std::fs::write(entry.path().join("480.webp"), b"cached, not re-encoded").expect("mark");
    site.build().assert_ok();
    let marked = published(&site)
        .into_iter()
        .filter(|n| n.ends_with("-480.webp"))
        .any(|n| {
            std::fs::read(site.public().join("photos").join(n))
                .is_ok_and(|b| b == b"cached, not re-encoded")
        });
    assert!(
        marked,
        "the second build copied the cached file instead of encoding again"
    );

    let before: Vec<String> = published(&site)
        .into_iter()
        .filter(|n| n.starts_with("kitchen-"))
        .collect();
    std::fs::copy(
        site.root().join("content/cases/photos/a.jpg"),
        site.root().join("content/cases/photos/kitchen.jpg"),
    )
    .expect("replace the photo");
    site.build().assert_ok();
    let after: Vec<String> = published(&site)
        .into_iter()
        .filter(|n| n.starts_with("kitchen-"))
        .collect();
    assert!(!after.is_empty());
    assert!(
        after.iter().all(|n| !before.contains(n)),
        "a new photo gets new names: {before:?} → {after:?}"
    );
    let html = site.read("cases/shitang/index.html");
    assert!(
        after.iter().all(|n| html.contains(n.as_str())),
        "the page shows the new photo"
    );
}

#[test]
fn bad_photos_are_all_reported_with_file_line_and_image_and_nothing_is_written() {
    let site = Site::from_fixture("photos-broken");
    site.write("public/index.html", "previous output");
    site.write("public/.casebook-output", "written by casebook");
    let run = site.build();
    assert!(!run.ok());
    let err = run.stderr();
    for (line, words) in [
        (
            "content/cases/broken.md:5",
            "the cover photo \"photos/nope.jpg\" does not exist",
        ),
        (
            "content/cases/broken.md:8",
            "\"photos/truncated.jpg\" is damaged or cut short",
        ),
        (
            "content/cases/broken.md:9",
            "\"photos/bomb.png\" claims to be 60000 × 60000 pixels",
        ),
        (
            "content/cases/broken.md:13",
            "\"photos/text.jpg\" is not an image file",
        ),
        (
            "content/cases/broken.md:15",
            "\"photos/iphone.heic\" is a HEIC image",
        ),
        (
            "content/cases/nosrc.md:7",
            "photo 2 of the gallery has no `src`",
        ),
        // nosrc.md is left out for its missing `src`, but its other photos are checked.
        (
            "content/cases/nosrc.md:6",
            "\"photos/truncated.jpg\" is damaged or cut short",
        ),
    ] {
        assert!(
            err.lines().any(|l| l.contains(line) && l.contains(words)),
            "expected `{line}: … {words}` in:\n{err}"
        );
    }
    assert!(err.contains("supported formats: JPEG, PNG, WebP"), "{err}");
    assert!(err.contains("7 errors"), "{err}");
    assert_eq!(site.read("index.html"), "previous output");
    // `check` finds the same problems.
    let check = site.run(&["check"]);
    assert!(!check.ok());
    assert!(
        check.stdout().contains("photos/bomb.png") || check.stderr().contains("photos/bomb.png")
    );
}

#[test]
fn a_case_left_out_for_a_front_matter_error_still_has_its_photos_checked() {
    let site = Site::from_fixture("photos");
    site.write(
        "content/cases/two-problems.md",
        "---\ntitle: 两个问题\ndate: 2024-03-01\nregion: [四川省]\ncover: photos/missing-cover.jpg\ncover_alt: 不存在的封面\ngallery:\n  - {caption: 没有文件}\n  - {src: photos/also-missing.jpg, alt: 也不存在}\n---\n\n正文。\n\n![不存在的图](photos/not-here.jpg)\n",
    );
    for run in [site.build(), site.run(&["check"])] {
        assert!(!run.ok());
        let out = format!("{}{}", run.stdout(), run.stderr());
        for (line, words) in [
            (
                "content/cases/two-problems.md:8",
                "photo 1 of the gallery has no `src`",
            ),
            (
                "content/cases/two-problems.md:5",
                "the cover photo \"photos/missing-cover.jpg\" does not exist",
            ),
            (
                "content/cases/two-problems.md:9",
                "the gallery photo \"photos/also-missing.jpg\" does not exist",
            ),
            (
                "content/cases/two-problems.md:14",
                "the image \"photos/not-here.jpg\" does not exist",
            ),
        ] {
            assert!(
                out.lines().any(|l| l.contains(line) && l.contains(words)),
                "expected `{line}: … {words}` in:\n{out}"
            );
        }
        assert!(out.contains("4 errors"), "{out}");
    }
}

#[test]
fn check_warns_about_missing_alt_text_and_very_large_originals() {
    let site = Site::from_fixture("photos");
    // A valid JPEG made 16 MB by application segments (as some cameras' maker notes are).
    let mut big = std::fs::read(site.root().join("content/cases/photos/a.jpg")).expect("a.jpg");
    let mut padding = Vec::new();
    for _ in 0..250 {
        padding.extend_from_slice(&[0xFF, 0xEF, 0xFF, 0xFF]);
        padding.extend(std::iter::repeat_n(0u8, 0xFFFF - 2));
    }
    big.splice(2..2, padding);
    std::fs::write(site.root().join("content/cases/photos/big.jpg"), big).expect("big");
    site.write(
        "content/cases/more.md",
        "---\ntitle: 还有照片\ndate: 2024-02-01\nregion: [四川省]\ncover: photos/big.jpg\n---\n\n![](photos/b.jpg)\n",
    );
    let run = site.run(&["check"]);
    let out = format!("{}{}", run.stdout(), run.stderr());
    assert!(run.ok(), "warnings do not fail check:\n{out}");
    assert!(
        out.lines().any(|l| l.contains("content/cases/more.md:5")
            && l.contains("\"photos/big.jpg\" has no description")),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.contains("content/cases/more.md:8")
            && l.contains("\"photos/b.jpg\" has no description")),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.contains("\"photos/big.jpg\" is 16.") && l.contains("MB, very large")),
        "{out}"
    );
}
