//! The tests' own Python: a venv in `target/test-venv`, with the packages the tests drive
//! (botocore for the independent client, moto's server for the team journal), created and
//! filled from PyPI the first time a test needs one, so `cargo test` on a fresh clone works as
//! `.ci/run` does. A lock directory keeps concurrent test binaries from building it at once.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::repo_root;

/// The venv's python once it imports `module`, after `pip install package` if it did not.
pub fn python_with(module: &str, package: &str) -> Result<PathBuf, String> {
    let target = repo_root().join("target");
    let venv = target.join("test-venv");
    let python = venv.join("bin").join("python");
    if imports(&python, module) {
        return Ok(python);
    }
    std::fs::create_dir_all(&target).map_err(|e| format!("create {}: {e}", target.display()))?;
    let _lock = DirLock::acquire(&target.join("test-venv.lock"))?;
    // Another process may have built it while we waited for the lock.
    if imports(&python, module) {
        return Ok(python);
    }
    // Tooling, not the code under test: these run with the ambient environment (pip needs the
    // network and whatever proxy or index settings the developer has).
    if !python.exists() {
        let venv_arg = venv.to_string_lossy().into_owned();
        run_tool(Command::new("python3").args(["-m", "venv", "--clear", &venv_arg]))?;
    }
    run_tool(Command::new(venv.join("bin").join("pip")).args(["install", "--quiet", package]))?;
    if imports(&python, module) {
        Ok(python)
    } else {
        Err(format!(
            "{} still cannot `import {module}` after pip install {package}",
            python.display()
        ))
    }
}

/// Whether `python` imports `module`.
pub fn imports(python: &Path, module: &str) -> bool {
    Command::new(python)
        .args(["-c", &format!("import {module}")])
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
