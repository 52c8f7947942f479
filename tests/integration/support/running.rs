//! Running a command to its end and reading what it printed.

use std::path::Path;
use std::process::{Command, Stdio};

/// Output of a finished command, with the pieces tests look at.
pub struct Finished {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cmd` to its end with stdin closed.
pub fn run(cmd: &mut Command) -> Finished {
    let out = cmd.stdin(Stdio::null()).output().expect("run command");
    Finished {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Every JSON line of a command's stdout.
pub fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}")))
        .collect()
}

/// The repository's root (for the README, docs and committed files).
pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}
