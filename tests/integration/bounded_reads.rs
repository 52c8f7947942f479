//! `dial --file` reads with its limits on: endless input through `--strict` stops at the first
//! row too long, a device stops at the row limit with a clear error, and a signal during the
//! check leaves nothing in `$TMPDIR` (the spool is an anonymous file).

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::{fresh_dir, signal, Sandbox};

fn dial_strict(sandbox: &Sandbox, tmpdir: &std::path::Path, file: &str) -> Command {
    let mut cmd = sandbox.chimecall();
    cmd.env("TMPDIR", tmpdir)
        .args(["dial", "--file", file, "--strict"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

fn left_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect()
}

/// The bar's input, `< /dev/zero`, and `/dev/zero` as the file: each stops on its own at the row
/// limit, within seconds, exit 2, and nothing is spooled behind.
#[test]
fn endless_input_stops_at_the_row_limit() {
    let sandbox = Sandbox::start();
    for file in ["-", "/dev/zero"] {
        let tmpdir = fresh_dir("tmpdir");
        let mut child = dial_strict(&sandbox, &tmpdir, file)
            .stdin(std::fs::File::open("/dev/zero").unwrap())
            .spawn()
            .unwrap();
        // Generous for a loaded machine (it takes a fraction of a second): it used to copy for ever.
        let status = wait_within(&mut child, Duration::from_secs(20));
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert_eq!(status.code(), Some(2), "{file}: {stderr}");
        assert!(stderr.contains("longer than 8 MiB"), "{file}: {stderr}");
        assert!(stderr.len() < 1_000, "{file}: {stderr}");
        assert_eq!(left_in(&tmpdir), Vec::<std::path::PathBuf>::new(), "{file}");
    }
}

/// Endless valid rows under `--strict`, then Ctrl-C (or SIGTERM) while the check reads them:
/// the command ends and no spool file is left in `$TMPDIR`.
#[test]
fn a_signal_during_the_strict_check_leaves_no_spool_behind() {
    let sandbox = Sandbox::start();
    for name in ["INT", "TERM"] {
        let tmpdir = fresh_dir("tmpdir");
        let mut child = dial_strict(&sandbox, &tmpdir, "-")
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let written = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&written);
        let writer = std::thread::spawn(move || {
            let _ = stdin.write_all(b"to\n");
            let chunk = "+12065550100\n".repeat(4096);
            while stdin.write_all(chunk.as_bytes()).is_ok() {
                counter.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            }
        });
        // Under way: it has taken (and spooled) a few MB of rows, more than a pipe holds.
        let deadline = Instant::now() + Duration::from_secs(60);
        while written.load(Ordering::Relaxed) < 4 << 20 {
            assert!(Instant::now() < deadline, "the check never read its rows");
            std::thread::sleep(Duration::from_millis(10));
        }
        signal(&child, name);
        let status = wait_within(&mut child, Duration::from_secs(20));
        assert!(!status.success(), "{name}: {status:?}");
        writer.join().unwrap();
        assert_eq!(left_in(&tmpdir), Vec::<std::path::PathBuf>::new(), "{name}");
    }
}

fn wait_within(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
