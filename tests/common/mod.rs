//! Shared helpers for integration tests: copy a fixture site into a temporary folder,
//! run the real `casebook` binary on it, and read what it wrote.
#![allow(dead_code)]

pub mod webdriver;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Builds the example site at the repository root into `out` with the real binary, as a
/// newcomer would (`casebook build`), and stops the test with the build's errors if it fails.
pub fn build_example(out: &Path) {
    let run = Command::new(env!("CARGO_BIN_EXE_casebook"))
        .args(["build", "--root", env!("CARGO_MANIFEST_DIR"), "--out"])
        .arg(out)
        .output()
        .expect("run casebook build");
    assert!(
        run.status.success(),
        "the example did not build: {}",
        String::from_utf8_lossy(&run.stderr)
    );
}

pub fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A fixture copied into a temporary folder, so tests may change and build it freely.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    pub fn from_fixture(name: &str) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        copy_dir(&fixture_path(name), dir.path());
        Site { dir }
    }

    /// An empty temporary folder (for `init`, or a site written by the test).
    pub fn empty() -> Site {
        Site {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Runs `casebook <args>` with `--root` pointing at this site appended for commands
    /// that take it.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_casebook"));
        cmd.args(args);
        if args
            .first()
            .is_some_and(|a| ["build", "check", "search", "pdf"].contains(a))
            && !args.contains(&"--root")
        {
            cmd.arg("--root").arg(self.root());
        }
        Run(cmd.output().expect("run casebook"))
    }

    pub fn build(&self) -> Run {
        self.run(&["build"])
    }

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.root().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }

    /// A file of the build output as text.
    pub fn read(&self, rel: &str) -> String {
        let p = self.public().join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.public().join(rel).exists()
    }
}

pub struct Run(pub Output);

impl Run {
    pub fn ok(&self) -> bool {
        self.0.status.success()
    }
    pub fn code(&self) -> Option<i32> {
        self.0.status.code()
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }
    /// Panics with the output if the command failed.
    pub fn assert_ok(&self) -> &Self {
        assert!(
            self.ok(),
            "casebook failed:\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// `check`'s report and `build`'s errors both name every piece.
pub fn assert_both_say(check: &Run, build: &Run, pieces: &[&str]) {
    for piece in pieces {
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
