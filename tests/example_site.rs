//! The example compendium at the repository root, as a newcomer and a reader find it: it
//! checks with no warning, models its figures as what they are, every page passes the W3C
//! Nu HTML checker with no error and no warning, and its pages say what a reader needs
//! (every province on the front page, page numbers in paging, a styled 404 under a
//! sub-path, a print edition that talks to readers rather than to the editor).
//!
//! The validator is vnu.jar (npm package `vnu-jar`, run with Java): `$CASEBOOK_VNU`, else
//! `target/checkers/node_modules/vnu-jar/build/dist/vnu.jar` (`.ci/run` installs it there).
//! Without it the validator test fails saying what to install, unless
//! `CASEBOOK_SKIP_BROWSER=1` is set.

mod common;

use common::Site;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The example site (the repository root without its build output), copied.
fn example() -> Site {
    let site = Site::empty();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for part in ["casebook.yaml", "content", "data", "static", "templates"] {
        let from = root.join(part);
        if from.is_dir() {
            common::copy_dir(&from, &site.root().join(part));
        } else if from.is_file() {
            std::fs::copy(&from, site.root().join(part)).expect("copy config");
        }
    }
    site
}

#[test]
fn the_example_checks_strict_with_no_warning() {
    let site = example();
    let run = site.run(&["check", "--strict"]);
    assert_eq!(run.code(), Some(0), "{}{}", run.stdout(), run.stderr());
    assert!(
        run.stdout().contains("0 errors, 0 warnings"),
        "{}",
        run.stdout()
    );
}

#[test]
fn the_examples_beneficiaries_are_people_or_households() {
    // Casework cases (个案服务2808个) or events are not people served: the front page adds
    // up beneficiaries per unit, so such a figure would be headlined as served "个".
    let site = example();
    site.build().assert_ok();
    let json: serde_json::Value =
        serde_json::from_str(&site.read("data/cases.json")).expect("cases.json");
    for case in json["cases"].as_array().expect("cases") {
        for b in case["beneficiaries"].as_array().expect("beneficiaries") {
            let unit = b["unit"].as_str().unwrap_or("");
            assert!(
                ["人", "人次", "户"].contains(&unit),
                "{}: {} counted in {unit}",
                case["slug"],
                b["group"]
            );
        }
    }
    let home = site.read("index.html");
    assert!(
        !home.contains("服务对象（个）"),
        "front page headline in 个"
    );
}

#[test]
fn the_front_page_links_every_province_and_every_domain() {
    let site = example();
    site.build().assert_ok();
    let home = site.read("index.html");
    for (taxonomy, names) in [
        (
            "regions",
            vec!["四川省", "浙江省", "福建省", "宁夏回族自治区"],
        ),
        ("domains", vec!["养老服务", "儿童福利", "医务社工"]),
    ] {
        for name in names {
            assert!(
                home.contains(&format!("href=\"{taxonomy}/{name}/\"")),
                "the front page has no link to {taxonomy}/{name}/"
            );
        }
    }
    // With more terms than the front page shows, the top ones and a link to all of them.
    for i in 0..14 {
        site.write(
            &format!("content/cases/extra-{i}.md"),
            &format!(
                "---\ntitle: 示例{i}\ndate: 2024-01-{:02}\nregion: [省份{i}]\ndomains: [领域{i}]\n---\n正文。\n",
                i + 1
            ),
        );
    }
    site.build().assert_ok();
    let home = site.read("index.html");
    for link in ["全部 24 个地区", "全部 24 个服务领域"] {
        assert!(home.contains(link), "no \"{link}\" link on the front page");
    }
    assert!(
        home.contains("href=\"regions/福建省/\""),
        "the provinces with most cases stay"
    );
}

#[test]
fn listings_have_page_numbers_and_cards_link_their_domains() {
    let site = example();
    site.build().assert_ok();
    let page2 = site.read("cases/page/2/index.html");
    let pager = &page2[page2.find("class=\"pager\"").expect("a pager")..];
    for link in [
        "href=\"../../../cases/\">1</a>",
        "aria-current=\"page\" href=\"../../../cases/page/2/\">2</a>",
        "href=\"../../../cases/page/3/\">3</a>",
    ] {
        assert!(pager.contains(link), "no {link} in the pager");
    }
    let cases = site.read("cases/index.html");
    // The domains of a card are links; its organization is not joined to its region.
    assert!(cases.contains("<a class=\"chip\" href=\"../domains/"));
    assert!(cases.contains("<p class=\"case-org\">厦门市湖里区开心社工服务中心</p>"));
    assert!(!cases.contains(" · <span>厦门市湖里区开心社工服务中心"));
    assert!(cases.contains("<h2 class=\"card-title\">"), "h1 then h2");
}

#[test]
fn the_404_page_sets_its_base_before_any_link() {
    let site = example();
    site.build().assert_ok();
    let page = site.read("404.html");
    let base = page.find("<base href=\"/anli/\">").expect("a <base>");
    let first_link = page.find("<link").expect("a <link>");
    assert!(base < first_link, "<base> after <link>");
}

#[test]
fn the_print_edition_talks_to_readers_and_links_a_pdf_when_there_is_one() {
    let site = example();
    site.build().assert_ok();
    let print = site.read("print/index.html");
    assert!(
        !print.contains("casebook pdf"),
        "commands on a reader's page"
    );
    assert!(!print.contains(".pdf\""), "a PDF link without a PDF");
    site.write("static/casebook.pdf", "%PDF-1.4\n");
    site.write("static/2024-youxiu.pdf", "%PDF-1.4\n");
    site.build().assert_ok();
    assert!(site.exists("casebook.pdf"));
    assert!(site
        .read("print/index.html")
        .contains("href=\"../casebook.pdf\" download"));
    assert!(site
        .read("collections/2024-youxiu/print/index.html")
        .contains("href=\"../../../2024-youxiu.pdf\" download"));
    assert!(!site
        .read("collections/xunxian-qikan-3/print/index.html")
        .contains(".pdf\""));
}

#[test]
fn logo_and_favicon_come_from_static() {
    let site = example();
    site.build().assert_ok();
    assert!(site.exists("favicon.svg"), "the theme's default favicon");
    assert!(site
        .read("cases/index.html")
        .contains("<link rel=\"icon\" href=\"../favicon.svg\" type=\"image/svg+xml\">"));
    let config = std::fs::read_to_string(site.root().join("casebook.yaml")).expect("config");
    site.write(
        "casebook.yaml",
        &format!("{config}logo: images/logo.svg\nfavicon: /images/icon.png\n"),
    );
    let run = site.build();
    assert_eq!(run.code(), Some(1), "missing images are errors");
    for missing in ["static/images/logo.svg", "static/images/icon.png"] {
        assert!(run.stderr().contains(missing), "{}", run.stderr());
    }
    site.write(
        "static/images/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.write("static/images/icon.png", "png");
    site.build().assert_ok();
    let page = site.read("cases/index.html");
    assert!(page.contains("<link rel=\"icon\" href=\"../images/icon.png\">"));
    assert!(page.contains("<img class=\"logo\" src=\"../images/logo.svg\""));
}

fn vnu_jar() -> Option<PathBuf> {
    let path = std::env::var_os("CASEBOOK_VNU")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/checkers/node_modules/vnu-jar/build/dist/vnu.jar")
        });
    let java = Command::new("java").arg("-version").output().is_ok();
    if path.is_file() && java {
        return Some(path);
    }
    if std::env::var("CASEBOOK_SKIP_BROWSER").is_ok_and(|v| v == "1") {
        eprintln!(
            "skipping the validator test: no vnu.jar at {} or no java",
            path.display()
        );
        return None;
    }
    panic!(
        "the W3C Nu HTML checker is needed at {} with a Java runtime (java found: {java}): \
         run `npm install --prefix target/checkers vnu-jar` and install Java \
         (Debian: apt-get install default-jre-headless), or run .ci/run; \
         CASEBOOK_VNU points at another vnu.jar, CASEBOOK_SKIP_BROWSER=1 skips",
        path.display()
    );
}

#[test]
fn every_page_of_the_example_passes_the_html_checker_without_a_warning() {
    let Some(jar) = vnu_jar() else {
        return;
    };
    let site = example();
    site.build().assert_ok();
    let run = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--skip-non-html", "--format", "gnu"])
        .arg(site.public())
        .output()
        .expect("run vnu");
    let report =
        String::from_utf8_lossy(&run.stderr).into_owned() + &String::from_utf8_lossy(&run.stdout);
    let pages = walkdir::WalkDir::new(site.public())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .count();
    assert!(pages > 200, "only {pages} pages");
    assert!(
        run.status.success() && report.trim().is_empty(),
        "vnu on {pages} pages:\n{report}"
    );
}
