//! `casebook init` makes a site that builds at once; `casebook new case` adds a case file
//! with every field laid out, and never overwrites anything.

mod common;

use common::Site;

fn init() -> (Site, std::path::PathBuf) {
    let tmp = Site::empty();
    let dir = tmp.root().join("我的汇编");
    let run = tmp.run(&["init", dir.to_str().expect("utf-8 path")]);
    run.assert_ok();
    (tmp, dir)
}

fn casebook(args: &[&str]) -> common::Run {
    common::Run(
        std::process::Command::new(env!("CARGO_BIN_EXE_casebook"))
            .args(args)
            .output()
            .expect("run casebook"),
    )
}

#[test]
fn init_makes_a_site_that_builds_and_checks_clean() {
    let (_tmp, dir) = init();
    let root = dir.to_str().expect("utf-8");
    for f in [
        "casebook.yaml",
        "content/_index.md",
        "content/cases/linli-shouwang.md",
        "content/pages/about.md",
        "data/organizations.yaml",
    ] {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    casebook(&["build", "--root", root]).assert_ok();
    for page in [
        "index.html",
        "cases/linli-shouwang/index.html",
        "about/index.html",
        "404.html",
    ] {
        assert!(dir.join("public").join(page).is_file(), "{page} missing");
    }
    let check = casebook(&["check", "--strict", "--root", root]);
    assert_eq!(check.code(), Some(0), "{}", check.stdout());
    assert!(check.stdout().contains("0 errors, 0 warnings"));
}

#[test]
fn init_never_overwrites() {
    let (_tmp, dir) = init();
    std::fs::write(dir.join("casebook.yaml"), "title: 我自己的\n").expect("write");
    let run = casebook(&["init", dir.to_str().expect("utf-8")]);
    assert!(!run.ok());
    assert!(run.stderr().contains("casebook.yaml"), "{}", run.stderr());
    assert_eq!(
        std::fs::read_to_string(dir.join("casebook.yaml")).expect("read"),
        "title: 我自己的\n"
    );
}

#[test]
fn new_case_lays_out_every_field_and_builds() {
    let (_tmp, dir) = init();
    let root = dir.to_str().expect("utf-8");
    let run = casebook(&[
        "new",
        "case",
        "jinshan-laonian",
        "--title",
        "金山镇\"银龄\"关爱: 试点",
        "--root",
        root,
    ]);
    run.assert_ok();
    let text = std::fs::read_to_string(dir.join("content/cases/jinshan-laonian.md"))
        .expect("case file written");
    for field in [
        "title:",
        "date:",
        "slug: jinshan-laonian",
        "region:",
        "organization:",
        "brand:",
        "domains:",
        "beneficiaries:",
        "funding:",
        "tags:",
        "summary:",
        "featured:",
        "draft:",
        "8000余",
        "1500万元",
    ] {
        assert!(text.contains(field), "{field} not in:\n{text}");
    }
    // A draft: published only with --drafts.
    casebook(&["build", "--root", root]).assert_ok();
    assert!(!dir.join("public/cases/jinshan-laonian").exists());
    casebook(&["build", "--drafts", "--root", root]).assert_ok();
    let html = std::fs::read_to_string(dir.join("public/cases/jinshan-laonian/index.html"))
        .expect("case page");
    assert!(html.contains("银龄"), "title with quotes survives");
    let check = casebook(&["check", "--strict", "--drafts", "--root", root]);
    assert_eq!(check.code(), Some(0), "{}", check.stdout());
}

#[test]
fn new_case_refuses_to_overwrite_or_reuse_a_slug() {
    let (_tmp, dir) = init();
    let root = dir.to_str().expect("utf-8");
    casebook(&["new", "case", "金山案例", "--root", root]).assert_ok();
    let path = dir.join("content/cases/金山案例.md");
    std::fs::write(&path, "我的修改").expect("write");
    let again = casebook(&["new", "case", "金山案例", "--root", root]);
    assert!(!again.ok());
    assert!(
        again.stderr().contains("already exists"),
        "{}",
        again.stderr()
    );
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "我的修改");
    // The example case's slug is taken too, though its file has another name.
    let taken = casebook(&["new", "case", "linli-shouwang", "--root", root]);
    assert!(!taken.ok());
    let bad = casebook(&["new", "case", "a b", "--root", root]);
    assert!(!bad.ok());
    assert!(bad.stderr().contains("space"), "{}", bad.stderr());
}

#[test]
fn new_case_outside_a_site_says_what_to_do() {
    let tmp = Site::empty();
    let run = casebook(&[
        "new",
        "case",
        "x",
        "--root",
        tmp.root().to_str().expect("utf-8"),
    ]);
    assert!(!run.ok());
    assert!(run.stderr().contains("casebook init"), "{}", run.stderr());
}
