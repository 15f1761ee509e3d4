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

#[test]
fn a_second_build_of_the_same_output_stops_while_one_runs() {
    let site = Site::from_fixture("basic");
    site.build().assert_ok();
    let before = snapshot(&site.public());
    // A build running elsewhere (another container, say, whose process ids this one cannot
    // see): it holds the output's lock and has a staging folder with files in it.
    let lock = std::fs::File::create(site.root().join(".public.casebook-lock")).expect("lock file");
    lock.lock().expect("lock");
    let running = site.root().join(".public.staging-999999");
    std::fs::create_dir_all(running.join("cases")).expect("mkdir");
    std::fs::write(running.join("cases/a.html"), "being written").expect("write");
    let run = site.build();
    assert!(!run.ok(), "a second build ran beside the first");
    assert!(
        run.stderr().contains("another build of") && run.stderr().contains("is running"),
        "{}",
        run.stderr()
    );
    assert!(
        running.join("cases/a.html").is_file(),
        "the running build's files were removed"
    );
    assert_eq!(before, snapshot(&site.public()), "the output was changed");
    // Once the other build has ended (its lock is free), what it left is swept.
    drop(lock);
    site.build().assert_ok();
    assert!(!running.exists(), "a dead build's staging folder was kept");
}

/// Names in `dir` that a build leaves only while it runs (the spare, the output before
/// last kept for the next build to fill, stays by design).
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".staging-") && !n.ends_with(".staging-spare"))
        .collect()
}

#[path = "../bench/gen_corpus.rs"]
#[allow(dead_code)]
mod gen_corpus;

/// kill -9 (and every fourth time Ctrl-C) at 20 random moments of a build: the output is
/// each time the whole previous site or the whole new one, never a mix or nothing, and
/// the next build succeeds. `CASEBOOK_KILL_SEED=n` repeats a run.
#[cfg(unix)]
#[test]
fn a_build_killed_at_any_moment_leaves_a_whole_site() {
    let site = Site::empty();
    gen_corpus::generate(12, site.root(), 7, &[gen_corpus::Format::Casebook])
        .expect("generate a site");
    let seed = std::env::var("CASEBOOK_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
    let mut rng = seed | 1;
    let mut random = move || {
        // xorshift64
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    let started = std::time::Instant::now();
    site.build().assert_ok();
    let mut took = started.elapsed();
    let mut previous = snapshot(&site.public());
    let home = site.root().join("content/_index.md");
    let home_text = std::fs::read_to_string(&home).expect("read _index.md");
    let (mut kept, mut replaced) = (0, 0);
    for round in 0..20 {
        // Each round's build differs from the last, so a mix of the two would show.
        std::fs::write(&home, format!("{home_text}\n第{round}轮。\n")).expect("write");
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_casebook"))
            .args(["build", "--root"])
            .arg(site.root())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start a build");
        // Anywhere in the build, and every other round near its end, where the swap is.
        let from = if round % 2 == 1 { 0.8 } else { 0.0 };
        let at = took.mul_f64(from + (1.1 - from) * (random() % 1000) as f64 / 1000.0);
        std::thread::sleep(at);
        let signal = if round % 4 == 3 { "-INT" } else { "-KILL" };
        let _ = std::process::Command::new("kill")
            .args([signal, &child.id().to_string()])
            .stderr(std::process::Stdio::null())
            .status();
        let _ = child.wait();
        let after = snapshot(&site.public());
        let started = std::time::Instant::now();
        let next = site.build();
        took = started.elapsed();
        let context = format!("seed {seed}, round {round}, kill {signal} after {at:?}");
        assert!(
            next.ok(),
            "{context}: the next build failed:\n{}",
            next.stderr()
        );
        let new = snapshot(&site.public());
        assert!(
            after == previous || after == new,
            "{context}: the output was neither the previous site nor the new one ({} files; {} before, {} after)",
            after.len(),
            previous.len(),
            new.len()
        );
        assert!(
            leftovers(site.root()).is_empty(),
            "{context}: left behind {:?}",
            leftovers(site.root())
        );
        if after == previous {
            kept += 1;
        } else {
            replaced += 1;
        }
        previous = new;
    }
    eprintln!("seed {seed}: {kept} killed builds left the previous site, {replaced} the new one");
    assert!(
        kept > 0,
        "seed {seed}: no kill landed before a build finished, so nothing was tested"
    );
}

/// A stand-in browser that starts and then takes its time, so `casebook pdf` can be
/// killed while its working folder is in use.
#[cfg(unix)]
fn slow_browser(dir: &Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join("slow-browser");
    std::fs::write(&path, "#!/bin/sh\nsleep 3\n").expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

/// The entries of `dir`, sorted (none if it does not exist).
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn a_killed_pdf_leaves_nothing_the_next_run_keeps() {
    let site = Site::from_fixture("basic");
    let tools = Site::empty();
    let browser = slow_browser(tools.root());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["pdf", "--root"])
        .arg(site.root())
        .arg("--chromium")
        .arg(&browser)
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start casebook pdf");
    // Killed once the browser is printing (its log is in the working folder).
    let work = site.root().join(".casebook-pdf");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let printing = || {
        walkdir::WalkDir::new(&work)
            .into_iter()
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().ends_with(".log"))
    };
    while !printing() {
        assert!(
            std::time::Instant::now() < deadline,
            "the pdf run never began printing"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().expect("kill -9");
    let _ = child.wait();
    let killed = names(&work);
    assert!(
        !killed.is_empty(),
        "the killed run left nothing to test with"
    );
    // A folder left by casebook versions without the lock, two days old.
    let old = site.root().join(".casebook-pdf-12345");
    std::fs::create_dir_all(&old).expect("mkdir");
    let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 86_400);
    std::fs::File::open(&old)
        .and_then(|f| f.set_modified(two_days_ago))
        .expect("age the folder");
    // The next run (whose browser fails at once) removes what the killed one left.
    let run = site.run(&["pdf", "--chromium", "/bin/false"]);
    assert!(!run.ok());
    assert_eq!(
        names(&work),
        Vec::<String>::new(),
        "left in {}",
        work.display()
    );
    assert!(!old.exists(), "an old-style leftover was kept");
}

#[cfg(unix)]
#[test]
fn pdf_keeps_its_working_folder_out_of_the_sources() {
    let site = Site::from_fixture("basic");
    // No working folder can be made in the site's folder (a file has the name), so the
    // system's temporary folder would be used, and TMPDIR points into content/.
    site.write(".casebook-pdf", "not a folder");
    let content = site.root().join("content");
    let before = snapshot(&content);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["pdf", "--chromium", "/bin/false", "--root"])
        .arg(site.root())
        .env("TMPDIR", &content)
        .output()
        .expect("run casebook");
    let run = common::Run(output);
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    assert!(run.stderr().contains("content/"), "{}", run.stderr());
    assert_eq!(before, snapshot(&content), "content/ was changed");
}

#[test]
fn git_sees_no_leftovers_in_a_new_site() {
    let home = Site::empty();
    let dir = home.root().join("site");
    home.run(&["init", &dir.display().to_string()]).assert_ok();
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(&dir)
            .args(args)
            .output()
    };
    let init = git(&["init", "-q"]).expect("git (.ci/run installs it)");
    assert!(init.status.success(), "git init failed");
    let site = Site {
        dir: tempfile::tempdir().expect("temp dir"),
    };
    site.run(&["build", "--root", &dir.display().to_string()])
        .assert_ok();
    // What stopped builds and pdf runs leave, and the image cache.
    for leftover in [
        ".public.staging-4242/index.html",
        ".public.staging-4242.old/index.html",
        ".casebook-pdf/run-4242/site/index.html",
        ".casebook-pdf/run-4242.lock",
        ".casebook-pdf-4242/site/index.html",
        ".casebook-cache/ab/cd.webp",
    ] {
        let path = dir.join(leftover);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, "x").expect("write");
    }
    let status = git(&["status", "--porcelain", "--untracked-files=all"]).expect("git status");
    let listed = String::from_utf8_lossy(&status.stdout).into_owned();
    let mut files: Vec<&str> = listed
        .lines()
        .map(|l| l.trim_start_matches("?? "))
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            ".gitignore",
            "casebook.yaml",
            "content/_index.md",
            "content/cases/linli-shouwang.md",
            "content/pages/about.md",
            "data/organizations.yaml",
        ],
        "git status shows more than the site's own files"
    );
}

#[test]
fn serve_keeps_its_working_folder_out_of_the_sources() {
    let site = Site::from_fixture("basic");
    let content = site.root().join("content");
    let before = snapshot(&content);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["serve", "--port", "0", "--root"])
        .arg(site.root())
        .env("TMPDIR", &content)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run casebook");
    // A serve that was not refused runs until stopped.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().expect("wait").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let run = common::Run(child.wait_with_output().expect("output"));
    assert_eq!(run.code(), Some(2), "{}", run.stderr());
    assert!(run.stderr().contains("content/"), "{}", run.stderr());
    assert_eq!(before, snapshot(&content), "content/ was changed");
}

#[test]
fn pdf_out_replaces_only_a_pdf() {
    let site = Site::from_fixture("basic");
    site.write("notes.txt", "my notes");
    let before = snapshot(site.root());
    for (out, expect) in [
        ("casebook.yaml", "not a PDF"),
        ("notes.txt", "not a PDF"),
        ("content", "content/"),
        ("content/cases/new.pdf", "content/"),
        ("static", "static/"),
        (".", "own folder"),
    ] {
        let out = site.root().join(out).display().to_string();
        let run = site.run(&["pdf", "--out", &out, "--chromium", "/bin/false"]);
        assert_eq!(run.code(), Some(2), "--out {out}: {}", run.stderr());
        assert!(
            run.stderr().contains(expect),
            "--out {out}: {}",
            run.stderr()
        );
    }
    assert_eq!(before, snapshot(site.root()), "the site was changed");
}

/// A rebuild links the files whose bytes did not change from the previous output (the
/// same inode, so nothing is written or allocated again) and writes the ones that changed.
/// The output it replaces is kept as the spare, which the next build fills again: what
/// is right there stays, and writing the new output never changes the previous one.
#[cfg(target_os = "linux")]
#[test]
fn a_rebuild_reuses_unchanged_files_and_rewrites_changed_ones() {
    use std::os::unix::fs::MetadataExt;
    let site = Site::from_fixture("search");
    site.build().assert_ok();
    let public = site.public();
    let spare = site.root().join(".public.staging-spare");
    let ino = |dir: &Path, rel: &str| {
        std::fs::metadata(dir.join(rel))
            .unwrap_or_else(|e| panic!("{rel}: {e}"))
            .ino()
    };
    let about = "search/idx/meta.js";
    let before_meta = ino(&public, about);
    let before_style = ino(&public, "style.css");
    let before_home = ino(&public, "index.html");
    let before = snapshot(&public);

    site.build().assert_ok();
    assert_eq!(snapshot(&public), before, "the same site");
    assert_eq!(
        ino(&public, "style.css"),
        before_style,
        "unchanged file linked"
    );
    assert_eq!(
        ino(&public, about),
        before_meta,
        "unchanged index file linked"
    );
    assert_eq!(snapshot(&spare), before, "the output before is the spare");

    // A third build fills the spare again: the same files, nothing written anew.
    site.build().assert_ok();
    assert_eq!(snapshot(&public), before, "the same site");
    assert_eq!(
        ino(&public, "style.css"),
        before_style,
        "still the first file"
    );
    assert_eq!(
        ino(&public, "index.html"),
        before_home,
        "still the first file"
    );

    // A changed title changes the front page: written anew, with the new text, while
    // the previous output (now the spare, sharing its unchanged files) stays as it was.
    let cfg = std::fs::read_to_string(site.root().join("casebook.yaml")).expect("config");
    let title = cfg
        .lines()
        .find(|l| l.starts_with("title:"))
        .expect("a title line")
        .to_string();
    site.write(
        "casebook.yaml",
        &cfg.replace(&title, "title: 改过的汇编标题"),
    );
    site.build().assert_ok();
    assert_ne!(
        ino(&public, "index.html"),
        before_home,
        "a changed file is a new file"
    );
    assert!(site.read("index.html").contains("改过的汇编标题"));
    assert_eq!(
        snapshot(&spare),
        before,
        "the previous output was written into"
    );

    // A case taken out of the site leaves the output, however many builds later.
    let case = walkdir::WalkDir::new(site.root().join("content/cases"))
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "md"))
        .expect("a case file");
    let pages_before = snapshot(&public).len();
    std::fs::remove_file(case.path()).expect("remove a case");
    site.build().assert_ok();
    site.build().assert_ok();
    let after = snapshot(&public);
    assert!(after.len() < pages_before, "the case's pages are gone");
    let fresh = tempfile::tempdir().expect("temp dir");
    site.run(&[
        "build",
        "--out",
        &fresh.path().join("o").display().to_string(),
    ])
    .assert_ok();
    assert_eq!(
        after,
        snapshot(&fresh.path().join("o")),
        "a rebuild over the spare writes what a first build writes"
    );
}

/// A link planted in the previous output is never followed to reuse what it points at.
#[cfg(target_os = "linux")]
#[test]
fn a_rebuild_never_links_through_a_link_in_the_previous_output() {
    use std::os::unix::fs::MetadataExt;
    let site = Site::from_fixture("search");
    site.build().assert_ok();
    let public = site.public();
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let outside = elsewhere.path().join("style.css");
    std::fs::copy(public.join("style.css"), &outside).expect("copy");
    std::fs::remove_file(public.join("style.css")).expect("remove");
    std::os::unix::fs::symlink(&outside, public.join("style.css")).expect("link");
    site.build().assert_ok();
    let meta = std::fs::symlink_metadata(public.join("style.css")).expect("style");
    assert!(meta.is_file(), "a file of its own, not the link");
    assert_ne!(
        meta.ino(),
        std::fs::metadata(&outside).expect("outside").ino(),
        "not the outside file's inode"
    );
    // The output with the link is now the spare: the next build does not fill it (it
    // is removed, the link with it, and the file the link named stays).
    let outside_bytes = std::fs::read(&outside).expect("outside");
    site.build().assert_ok();
    assert!(std::fs::symlink_metadata(public.join("style.css")).is_ok_and(|m| m.is_file()));
    assert_eq!(std::fs::read(&outside).expect("outside"), outside_bytes);
    let spare = site.root().join(".public.staging-spare/style.css");
    assert!(std::fs::symlink_metadata(&spare).is_ok_and(|m| m.is_file()));
}
