//! `casebook check` on broken fixture sites: every problem of a build (and the typos a
//! build does not look for) in human and JSON form, exit status 0 / 1 / 2, nothing written.

mod common;

use common::Site;
use serde_json::Value;

fn json(run: &common::Run) -> Value {
    serde_json::from_str(&run.stdout())
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", run.stdout(), run.stderr()))
}

/// The broken fixture without its errors: only warnings are left.
fn warnings_only() -> Site {
    let site = Site::from_fixture("check-broken");
    for f in ["broken.md", "dup.md", "bad-date.md"] {
        std::fs::remove_file(site.root().join("content/cases/sichuan").join(f)).expect("remove");
    }
    site
}

#[test]
fn human_report_names_every_problem_with_file_and_line() {
    let site = Site::from_fixture("check-broken");
    let run = site.run(&["check"]);
    assert_eq!(run.code(), Some(1), "{}", run.stdout());
    let out = run.stdout();
    for expected in [
        "error: content/cases/sichuan/bad-date.md:3: field `date`: \"2024-02-30\" is not a real date",
        "error: content/cases/sichuan/broken.md:7: the link \"/cases/nope/\" leads nowhere",
        "error: content/cases/sichuan/broken.md:9: the link \"images/missing.png\" leads nowhere: there is no file content/cases/sichuan/images/missing.png",
        "error: content/cases/sichuan/broken.md:11: the link \"/images/none.png\" leads nowhere",
        "error: content/cases/sichuan/broken.md:13: the link \"../reports/report.pdf\" leads nowhere",
        "another case already uses the slug \"good-1\"",
        "warning: content/cases/sichuan/broken.md:4: field `organization`: the organization \"不存在的机构\" is not in data/organizations.yaml",
        "warning: content/cases/sichuan/typo.md:6: field `domains`: \"养老服物\" looks like a typo",
        "did you mean \"养老服务\"?",
        "warning: content/cases/sichuan/typo.md:7: field `tags`: \"社工战\" looks like a typo",
        "6 errors, 3 warnings",
        "a build would fail",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    // The existing images (beside the case, and in static/) are not reported.
    assert!(!out.contains("here.png"), "{out}");
    assert!(!out.contains("logo.png"), "{out}");
    assert!(!site.public().exists(), "check wrote public/");
}

#[test]
fn json_report_is_stable_and_complete() {
    let site = Site::from_fixture("check-broken");
    let run = site.run(&["check", "--format", "json"]);
    assert_eq!(run.code(), Some(1));
    let v = json(&run);
    assert_eq!(v["version"], 1);
    assert_eq!(v["ok"], false);
    assert_eq!(v["exit_code"], 1);
    assert_eq!(v["errors"], 6);
    assert_eq!(v["warnings"], 3);
    let diags = v["diagnostics"].as_array().expect("diagnostics array");
    assert_eq!(diags.len(), 9);
    for d in diags {
        for key in [
            "severity", "file", "line", "column", "field", "message", "hint",
        ] {
            assert!(d.get(key).is_some(), "{key} missing from {d}");
        }
    }
    let typo = diags
        .iter()
        .find(|d| {
            d["message"]
                .as_str()
                .is_some_and(|m| m.contains("养老服物"))
        })
        .expect("typo warning");
    assert_eq!(typo["severity"], "warning");
    assert_eq!(typo["file"], "content/cases/sichuan/typo.md");
    assert_eq!(typo["line"], 6);
    assert_eq!(typo["field"], "domains");
    assert!(typo["hint"].as_str().unwrap_or("").contains("养老服务"));
    let date = diags
        .iter()
        .find(|d| d["field"] == "date")
        .expect("date error");
    assert_eq!(date["severity"], "error");
    assert_eq!(date["line"], 3);
}

#[test]
fn warnings_fail_only_with_strict() {
    let site = warnings_only();
    let run = site.run(&["check"]);
    assert_eq!(run.code(), Some(0), "{}", run.stdout());
    assert!(
        run.stdout().contains("0 errors, 2 warnings"),
        "{}",
        run.stdout()
    );
    let strict = site.run(&["check", "--strict", "--format", "json"]);
    assert_eq!(strict.code(), Some(2), "{}", strict.stdout());
    let v = json(&strict);
    assert_eq!(v["ok"], false);
    assert_eq!(v["exit_code"], 2);
    assert_eq!(v["errors"], 0);
    assert_eq!(v["cases"], 4);
    assert!(v["pages"].as_u64().unwrap_or(0) > 4);
}

#[test]
fn clean_site_exits_zero_even_when_strict() {
    let site = warnings_only();
    site.write(
        "content/cases/sichuan/typo.md",
        "---\ntitle: 已改正\ndate: 2024-05-01\ndomains: [养老服务]\ntags: [社工站]\n---\n正文。\n",
    );
    let run = site.run(&["check", "--strict"]);
    assert_eq!(run.code(), Some(0), "{}", run.stdout());
    assert!(run.stdout().contains("0 errors, 0 warnings"));
}

#[test]
fn template_errors_are_reported_without_writing() {
    let site = warnings_only();
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{{ no_such_value }}{% endblock content %}",
    );
    let run = site.run(&["check", "--format", "json"]);
    assert_eq!(run.code(), Some(1), "{}", run.stdout());
    let v = json(&run);
    let t = v["diagnostics"]
        .as_array()
        .and_then(|a| a.iter().find(|d| d["file"] == "templates/page.html"))
        .unwrap_or_else(|| panic!("no template diagnostic in {v}"));
    assert!(
        t["message"]
            .as_str()
            .unwrap_or("")
            .contains("no_such_value"),
        "{t}"
    );
    assert!(!site.public().exists());
}

#[test]
fn files_beside_a_case_are_published_and_linked() {
    let site = warnings_only();
    site.build().assert_ok();
    // A photo beside a case is published resized (issue 19), never as the original.
    assert!(!site.exists("files/cases/sichuan/images/here.png"));
    let html = site.read("cases/typo/index.html");
    assert!(html.contains("src=\"../../photos/here-"), "{html}");
}
