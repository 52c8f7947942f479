//! Hermetic commands: nothing inherited from the environment that runs the tests, and a HOME, a
//! journal and scratch directories of their own that last until the running test ends.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The `chimecall` binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_chimecall");

/// The running test's scratch directory: libtest runs every test on a thread of its own, so this
/// thread-local is removed when the test has ended (after its sandboxes and other locals are
/// dropped), never while one of its commands may still run. (Built on a thread the test spawned,
/// a directory lasts as long as that thread.)
struct Scratch {
    dir: tempfile::TempDir,
    made: Cell<usize>,
}

thread_local! {
    static SCRATCH: Scratch = Scratch {
        dir: tempfile::Builder::new()
            .prefix("chimecall-test-")
            .tempdir()
            .expect("create the test's scratch directory"),
        made: Cell::new(0),
    };
}

/// A new, empty directory that lasts until the running test ends.
pub fn fresh_dir(what: &str) -> PathBuf {
    SCRATCH.with(|scratch| {
        let n = scratch.made.get() + 1;
        scratch.made.set(n);
        let dir = scratch.dir.path().join(format!("{n}-{what}"));
        std::fs::create_dir(&dir).expect("create a scratch directory");
        dir
    })
}

/// A journal that several commands share on purpose; it lasts until the running test ends.
#[derive(Clone)]
pub struct Journal {
    path: PathBuf,
}

impl Journal {
    pub fn new() -> Journal {
        Journal {
            path: fresh_dir("journal").join("journal.sqlite3"),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// [`chimecall`] writing and reading this journal.
    pub fn chimecall(&self) -> Command {
        let mut cmd = chimecall();
        cmd.env("CHIMECALL_JOURNAL", &self.path);
        cmd
    }

    /// The journal's records (none if nothing has been written yet).
    pub fn records(&self) -> Vec<serde_json::Value> {
        super::json_lines(&self.text())
    }

    /// The journal's records as JSON lines, as `chimecall journal export` writes them.
    pub fn text(&self) -> String {
        journal_export(&self.path)
    }
}

/// The journal at `path` as JSON lines, read through `chimecall journal export` ("" when there
/// is no journal there yet: nothing is created to find that out).
pub fn journal_export(path: &Path) -> String {
    if !path.exists() {
        return String::new();
    }
    let out = chimecall()
        .env("CHIMECALL_JOURNAL", path)
        .args(["journal", "export"])
        .output()
        .expect("run chimecall journal export");
    assert!(
        out.status.success(),
        "journal export: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("journal export writes UTF-8")
}

/// `program` with nothing inherited but PATH: no AWS_*, no CHIMECALL_*, no IMDS, and a HOME and
/// a journal (CHIMECALL_JOURNAL) of its own, both new and empty, kept until the test ends.
pub fn hermetic_command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let dir = fresh_dir("command");
    let home = dir.join("home");
    std::fs::create_dir(&home).expect("create HOME");
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("CHIMECALL_JOURNAL", dir.join("journal.sqlite3"))
        .env("AWS_CONFIG_FILE", home.join("no-such-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join("no-such-aws-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    cmd
}

/// `chimecall` in the hermetic environment: a HOME and a journal nothing else sees.
///
/// The per-number guard is off (`CHIMECALL_GUARD=off`): tests dial the sandbox's few numbers
/// again and again within the minute. A test of the guard takes it back
/// ([`with_default_guard`]) or sets `--guard`.
pub fn chimecall() -> Command {
    let mut cmd = hermetic_command(BIN);
    cmd.env("CHIMECALL_GUARD", "off");
    cmd
}

/// `cmd` with the guard as a user has it: no CHIMECALL_GUARD, so the profile's
/// `chimecall_guard`, else the default 1/1m,3/15m.
pub fn with_default_guard(cmd: &mut Command) -> &mut Command {
    cmd.env_remove("CHIMECALL_GUARD")
}

/// A CSV file with the header `to,id` and one row per `(id, to)`, in a fresh scratch directory.
pub fn csv_of(rows: &[(String, String)]) -> PathBuf {
    let path = fresh_dir("rows").join("rows.csv");
    let mut text = String::from("to,id\n");
    for (id, to) in rows {
        text.push_str(&format!("{to},{id}\n"));
    }
    std::fs::write(&path, text).expect("write the rows file");
    path
}

/// A path as the `&str` a command line takes.
pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

/// Rewrites the journal at `path` as JSON lines: its records (as `journal export` writes them)
/// and then `extra`, as a hand-edited or corrupted journal would hold them. The next command
/// imports it afresh (the databases beside it are removed).
pub fn rewrite_journal(path: &Path, extra: &[serde_json::Value]) {
    let mut text = journal_export(path);
    for line in extra {
        text.push_str(&line.to_string());
        text.push('\n');
    }
    for suffix in [
        "",
        "-wal",
        "-shm",
        ".sqlite3",
        ".sqlite3-wal",
        ".sqlite3-shm",
    ] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    std::fs::write(path, text).unwrap();
}
