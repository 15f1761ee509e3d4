//! What a build may replace, and what a failed, killed or concurrent build leaves behind
//! (issue 20): `--out` never deletes the site or a user's files, a second build of the
//! same output is stopped, and a build killed at any moment leaves the previous output.

mod common;

use common::Site;
use std::path::Path;

/// Every file under `dir` (path relative to it, bytes), sorted.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside").display();
            (rel.to_string(), std::fs::read(e.path()).expect("read"))
        })
        .collect();
    files.sort();
    files
}

/// Builds with `--out out` and expects a refusal (exit 2) that leaves the site as it was.
fn refused(site: &Site, out: &Path, expect: &str) -> String {
    let before = snapshot(site.root());
    let run = site.run(&["build", "--out", &out.display().to_string()]);
    assert_eq!(
        run.code(),
        Some(2),
        "--out {} was not refused:\n{}",
        out.display(),
        run.stderr()
    );
    assert!(
        run.stderr().contains(expect),
        "--out {}: expected {expect:?} in\n{}",
        out.display(),
        run.stderr()
    );
    assert_eq!(
        before,
        snapshot(site.root()),
        "--out {} changed the site's files",
        out.display()
    );
    run.stderr()
}

#[test]
fn out_refuses_the_site_folder_however_it_is_written() {
    let site = Site::from_fixture("basic");
    let root = site.root();
    for out in [
        root.to_path_buf(),
        root.join("."),
        root.join("content/.."),
        root.join("static/../"),
    ] {
        refused(&site, &out, "is the site's own folder");
    }
    assert!(root.join("casebook.yaml").is_file());
}

#[test]
fn out_refuses_a_folder_holding_the_site() {
    let outer = Site::empty();
    let root = outer.root().join("my-site");
    common::copy_dir(&common::fixture_path("basic"), &root);
    let site = Site {
        dir: tempfile::tempdir().expect("temp dir"),
    };
    // Build the inner site by --root; the output named is the folder around it.
    let before = snapshot(outer.root());
    let run = site.run(&[
        "build",
        "--root",
        &root.display().to_string(),
        "--out",
        &outer.root().display().to_string(),
    ]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    assert!(
        run.stderr().contains("holds the site's folder"),
        "{}",
        run.stderr()
    );
    assert_eq!(before, snapshot(outer.root()), "files were changed");
}

#[test]
fn out_refuses_the_sources() {
    let site = Site::from_fixture("basic");
    let root = site.root();
    refused(
        &site,
        &root.join("content"),
        "inside the site's content/ folder",
    );
    refused(&site, &root.join("content/cases/"), "content/");
    refused(&site, &root.join("data/out"), "data/");
    refused(&site, &root.join("static"), "static/");
    refused(&site, &root.join("templates/new"), "templates/");
    refused(&site, &root.join("themes"), "themes/");
}

#[test]
fn out_refuses_a_file() {
    let site = Site::from_fixture("basic");
    site.write("notes.txt", "my notes");
    refused(&site, &site.root().join("notes.txt"), "is a file");
    refused(&site, &site.root().join("casebook.yaml"), "is a file");
}

#[cfg(unix)]
#[test]
fn out_refuses_a_link_and_sees_through_links() {
    let site = Site::from_fixture("basic");
    let elsewhere = Site::empty();
    let alias = elsewhere.root().join("alias");
    std::os::unix::fs::symlink(site.root(), &alias).expect("symlink");
    refused(&site, &alias.join("content"), "content/");
    refused(&site, &alias, "is a link to");
    let mine = elsewhere.root().join("mine");
    std::fs::create_dir_all(&mine).expect("mkdir");
    std::fs::write(mine.join("photo.jpg"), "x").expect("write");
    let link = elsewhere.root().join("to-mine");
    std::os::unix::fs::symlink(&mine, &link).expect("symlink");
    refused(&site, &link, "is a link to");
    assert!(mine.join("photo.jpg").is_file());
}

#[test]
fn out_refuses_a_folder_of_someone_elses_files_unless_forced() {
    let site = Site::from_fixture("basic");
    let home = Site::empty();
    let folder = home.root().join("somefolder");
    std::fs::create_dir_all(folder.join("photos")).expect("mkdir");
    std::fs::write(folder.join("thesis.docx"), "years of work").expect("write");
    let before = snapshot(&folder);
    let out = folder.display().to_string();
    let run = site.run(&["build", "--out", &out]);
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    assert!(run.stderr().contains("thesis.docx"), "{}", run.stderr());
    assert!(run.stderr().contains("--force"), "{}", run.stderr());
    assert_eq!(before, snapshot(&folder), "the folder was changed");
    // The default output is held to the same rule.
    site.write("public/keep.txt", "mine");
    let run = site.build();
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    assert!(run.stderr().contains("keep.txt"), "{}", run.stderr());
    // --force replaces the folder, and says what it replaced.
    let run = site.run(&["build", "--out", &out, "--force"]);
    run.assert_ok();
    assert!(run.stderr().contains("thesis.docx"), "{}", run.stderr());
    assert!(folder.join("index.html").is_file());
    assert!(!folder.join("thesis.docx").exists());
}

#[test]
fn out_accepts_absent_empty_and_its_own_output() {
    let site = Site::from_fixture("basic");
    let other = Site::empty();
    let out = other.root().join("a/new/folder/");
    site.run(&["build", "--out", &out.display().to_string()])
        .assert_ok();
    assert!(out.join("index.html").is_file());
    // What casebook wrote, it may replace.
    site.run(&["build", "--out", &out.display().to_string()])
        .assert_ok();
    let empty = other.root().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    site.run(&["build", "--out", &empty.display().to_string()])
        .assert_ok();
    assert!(empty.join("index.html").is_file());
    // An output of casebook from before the marker existed.
    site.build().assert_ok();
    std::fs::remove_file(site.public().join(".casebook-output")).expect("remove marker");
    site.build().assert_ok();
}
