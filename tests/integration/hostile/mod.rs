//! Hostile input: a corpus of bad inputs, each run through the real binary against a real sandbox.
//!
//! For every input: a clear error that names the place (flag, field, CSV line and column), an exit
//! code from the README's table, never a panic, nothing raw on stdout or stderr that can drive a
//! terminal (escape sequences, control and bidirectional formatting characters), and, when the
//! input is bad, no call placed: the sandbox's own handler logs are the judge of that, after a
//! control call proves they are up to date.
//!
//! `cargo test -- --ignored huge` runs the one slow case: a file of about 300 MB under --strict,
//! streamed in bounded memory.

use std::io::{BufWriter, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::{json_lines, put_log_lines, run, Journal, Sandbox};

mod arguments;
mod config_files;
mod files;
mod limits;
mod terminal;

/// Everything a terminal acts on, in one value: erase the screen, set the window title (OSC,
/// ended by BEL), the 8-bit CSI, a carriage return and a backspace that rewrite the line, NUL,
/// DEL, and U+202E, which shows what follows it right to left.
const HOSTILE: &str =
    "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m\rforged\u{8}\u{0}\u{7f}\u{202e}gnp.exe";

/// The same without NUL, which no command-line argument can hold.
const HOSTILE_ARG: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m\rforged\u{8}\u{7f}\u{202e}gnp.exe";

/// The README's exit codes.
const DOCUMENTED_EXITS: [i32; 11] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 130];

/// The destination of the control call that proves the sandbox's logs are current.
const CONTROL: &str = "+12065550199";

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A finished command. Its output must be UTF-8 (chimecall prints only text it built), so
/// nothing is hidden by lossy decoding.
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

fn utf8(bytes: Vec<u8>, what: &str) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| {
        panic!(
            "{what} is not UTF-8: {:?}",
            String::from_utf8_lossy(e.as_bytes())
        )
    })
}

fn ran(cmd: &mut Command) -> Ran {
    ran_within(cmd, Duration::from_secs(120))
}

/// Runs `cmd` with stdin closed, killing it (and failing) if it takes longer than `limit`.
fn ran_within(cmd: &mut Command, limit: Duration) -> Ran {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn chimecall");
    finish(&mut child, limit)
}

fn finish(child: &mut Child, limit: Duration) -> Ran {
    let stdout = drain(child.stdout.take().expect("stdout"));
    let stderr = drain(child.stderr.take().expect("stderr"));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let code = status
        .code()
        .unwrap_or_else(|| panic!("ended by a signal: {status:?}"));
    Ran {
        code,
        stdout: utf8(stdout.join().unwrap(), "stdout"),
        stderr: utf8(stderr.join().unwrap(), "stderr"),
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// No panic, and an exit code from the README's table.
fn assert_sane(out: &Ran, what: &str) {
    assert!(
        !out.stderr.contains("panicked"),
        "{what}: panicked: {}",
        out.stderr
    );
    assert_ne!(out.code, 101, "{what}: a panic's exit code: {}", out.stderr);
    assert!(
        DOCUMENTED_EXITS.contains(&out.code),
        "{what}: exit {} is not in the README's table: {}",
        out.code,
        out.stderr
    );
}

/// Control characters a terminal acts on: C0 but newline and tab, DEL, C1.
fn controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| c.is_control() && c != '\n' && c != '\t')
        .collect()
}

/// Bidirectional formatting characters (and the Unicode line separators).
fn bidi_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| {
            matches!(
                c,
                '\u{061c}'
                    | '\u{200e}'
                    | '\u{200f}'
                    | '\u{202a}'..='\u{202e}'
                    | '\u{2066}'..='\u{2069}'
                    | '\u{2028}'
                    | '\u{2029}'
            )
        })
        .collect()
}

/// Nothing on stdout or stderr that can rewrite or reorder what a terminal shows.
fn assert_terminal_safe(out: &Ran, what: &str) {
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let found = controls(text);
        assert!(
            found.is_empty(),
            "{what}: raw control characters {found:?} on {stream}: {text:?}"
        );
        let found = bidi_controls(text);
        assert!(
            found.is_empty(),
            "{what}: raw bidirectional controls {found:?} on {stream}: {text:?}"
        );
    }
}

/// No control character on stdout or stderr. For output that passes through
/// `output::sanitize`, which does not yet escape bidirectional controls (see
/// `bidirectional_controls_never_reach_a_terminal`).
fn assert_no_controls(out: &Ran, what: &str) {
    for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let found = controls(text);
        assert!(
            found.is_empty(),
            "{what}: raw control characters {found:?} on {stream}: {text:?}"
        );
    }
}

/// Refused before anything was sent: exit 2, the place named on stderr, nothing on stdout.
fn assert_refused(out: &Ran, what: &str, place: &str) {
    assert_sane(out, what);
    assert_eq!(out.code, 2, "{what}: {}", out.stderr);
    assert!(
        out.stderr.contains(place),
        "{what}: the error should name {place:?}: {}",
        out.stderr
    );
    assert!(
        out.stderr.starts_with("chimecall: error: ") || out.stderr.starts_with("error: "),
        "{what}: not an error line: {}",
        out.stderr
    );
    assert_eq!(out.stdout, "", "{what}: printed a result");
}

/// The sandbox placed exactly `expected` (any order). A control call is placed first and waited
/// for in the handler's logs, so a call placed by anything before it would be there too.
fn assert_placed_exactly(sandbox: &Sandbox, expected: &[&str]) {
    let out = ran(sandbox.chimecall().args(["dial", "--to", CONTROL]));
    assert_eq!(out.code, 0, "the control call: {}", out.stderr);
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut placed = loop {
        let placed = sandbox.placed_destinations();
        if placed.iter().any(|to| to == CONTROL) || Instant::now() > deadline {
            break placed;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let control = placed
        .iter()
        .position(|to| to == CONTROL)
        .expect("the control call never reached the handler's logs");
    placed.remove(control);
    placed.sort();
    let mut expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(placed, expected, "calls the sandbox placed");
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// `dial --file PATH --rate 0` plus `extra`.
fn dial_file(sandbox: &Sandbox, path: &Path, extra: &[&str]) -> Ran {
    ran(sandbox
        .chimecall()
        .arg("dial")
        .args(["--max-active", "0"])
        .arg("--file")
        .arg(path)
        .args(["--rate", "0"])
        .args(extra))
}

/// `--arg k0=v ... --arg k{n-1}=v`.
fn many_args(flag: &str, prefix: &str, n: usize) -> Vec<String> {
    (0..n)
        .flat_map(|i| [flag.to_string(), format!("{prefix}{i}=v")])
        .collect()
}
