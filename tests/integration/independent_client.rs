//! An independent client checks the sandbox against the service model.
//!
//! chimecall's own tests talk to the sandbox with the Rust SDK, the same client the sandbox was
//! written against, so a shared misreading of the model would pass unnoticed. This module runs
//! `tests/independent_client.py`, which drives the sandbox with botocore (generated from the same
//! `chime-sdk-voice` model, but by other people) and with hand-signed raw requests.
//!
//! The Python interpreter comes from `CHIMECALL_TEST_PYTHON`, or else a venv in
//! `target/test-venv`, created once (with botocore from PyPI) when it is missing.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::support;

/// How long the whole script may take before the test gives up on it.
const SCRIPT_LIMIT: Duration = Duration::from_secs(300);

#[test]
fn botocore_gets_the_answers_the_service_model_promises() {
    // Dozens of calls in a few seconds: the quotas are checked by the test below.
    run_script(&["--no-quotas", "--sip-media-applications", "5"], &[]);
}

#[test]
fn botocore_gets_the_models_errors_beyond_the_quotas() {
    run_script(&["--quota", "active-calls=1"], &["quotas"]);
}

/// Runs the script with `args` against a sandbox started with `flags`; it must pass.
fn run_script(flags: &[&str], args: &[&str]) {
    let python = python_with_botocore();
    let sandbox = support::Sandbox::start_with(flags);
    let script = support::repo_root()
        .join("tests")
        .join("independent_client.py");

    let mut cmd = sandbox.command(python);
    cmd.arg(&script).args(args);
    let (code, stdout, stderr) = run_with_limit(&mut cmd, SCRIPT_LIMIT);

    let report = format!(
        "independent_client.py exited with {code:?}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}"
    );
    assert_eq!(code, Some(0), "{report}");
    assert!(stdout.contains(" passed, 0 failed"), "{report}");
}

fn python_with_botocore() -> PathBuf {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let found = PYTHON.get_or_init(|| {
        if let Some(python) = std::env::var_os("CHIMECALL_TEST_PYTHON") {
            let python = PathBuf::from(python);
            return if support::test_venv::imports(&python, "botocore") {
                Ok(python)
            } else {
                Err(format!(
                    "CHIMECALL_TEST_PYTHON={} cannot `import botocore`",
                    python.display()
                ))
            };
        }
        support::test_venv::python_with("botocore", "botocore")
    });
    match found {
        Ok(python) => python.clone(),
        Err(why) => panic!("no Python with botocore for the independent-client test: {why}"),
    }
}

/// Run to completion, or kill it after `limit`; returns (exit code, stdout, stderr).
fn run_with_limit(cmd: &mut Command, limit: Duration) -> (Option<i32>, String, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    let stdout = drain(child.stdout.take().expect("child stdout"));
    let stderr = drain(child.stderr.take().expect("child stderr"));

    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the script") {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stdout = stdout.join().unwrap_or_default();
    let mut stderr = stderr.join().unwrap_or_default();
    if status.is_none() {
        stderr.push_str(&format!("\n(killed after {limit:?})"));
    }
    (status.and_then(|s| s.code()), stdout, stderr)
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}
