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
use std::path::{Path, PathBuf};
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

/// The interpreter to run the script with; the venv is built at most once per test binary,
/// and a lock directory keeps concurrent test binaries from building it at the same time.
fn python_with_botocore() -> PathBuf {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PYTHON.get_or_init(find_or_build_python) {
        Ok(python) => python.clone(),
        Err(why) => panic!("no Python with botocore for the independent-client test: {why}"),
    }
}

fn find_or_build_python() -> Result<PathBuf, String> {
    if let Some(python) = std::env::var_os("CHIMECALL_TEST_PYTHON") {
        let python = PathBuf::from(python);
        return if imports_botocore(&python) {
            Ok(python)
        } else {
            Err(format!(
                "CHIMECALL_TEST_PYTHON={} cannot `import botocore`",
                python.display()
            ))
        };
    }

    let target = support::repo_root().join("target");
    let venv = target.join("test-venv");
    let python = venv.join("bin").join("python");
    if imports_botocore(&python) {
        return Ok(python);
    }

    std::fs::create_dir_all(&target).map_err(|e| format!("create {}: {e}", target.display()))?;
    let _lock = DirLock::acquire(&target.join("test-venv.lock"))?;
    // Another process may have built it while we waited for the lock.
    if imports_botocore(&python) {
        return Ok(python);
    }

    // Tooling, not the code under test: these run with the ambient environment (pip needs the
    // network and whatever proxy or index settings the developer has).
    if !python.exists() {
        let venv_arg = venv.to_string_lossy().into_owned();
        run_tool(Command::new("python3").args(["-m", "venv", "--clear", &venv_arg]))?;
    }
    run_tool(Command::new(venv.join("bin").join("pip")).args(["install", "--quiet", "botocore"]))?;

    if imports_botocore(&python) {
        Ok(python)
    } else {
        Err(format!(
            "{} still cannot `import botocore` after pip install",
            python.display()
        ))
    }
}

fn imports_botocore(python: &Path) -> bool {
    Command::new(python)
        .args(["-c", "import botocore"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map(|status| status.success())
        .unwrap_or(false)
}

fn run_tool(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("run {shown}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{shown} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// A lock held by creating a directory (atomic on every platform), removed on drop.
/// A lock older than `STALE` is taken to belong to a process that died while holding it.
struct DirLock(PathBuf);

impl DirLock {
    const STALE: Duration = Duration::from_secs(600);
    const WAIT: Duration = Duration::from_secs(900);

    fn acquire(path: &Path) -> Result<DirLock, String> {
        let deadline = Instant::now() + Self::WAIT;
        loop {
            match std::fs::create_dir(path) {
                Ok(()) => return Ok(DirLock(path.to_path_buf())),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let age = std::fs::metadata(path)
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|modified| modified.elapsed().ok());
                    if age.is_some_and(|age| age > Self::STALE) {
                        let _ = std::fs::remove_dir(path);
                        continue;
                    }
                    if Instant::now() > deadline {
                        return Err(format!("timed out waiting for the lock {}", path.display()));
                    }
                    std::thread::sleep(Duration::from_millis(250));
                }
                Err(e) => return Err(format!("create lock {}: {e}", path.display())),
            }
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.0);
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
