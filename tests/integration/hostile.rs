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

/// Everything a terminal acts on, in one value: erase the screen, set the window title (OSC,
/// ended by BEL), the 8-bit CSI, a carriage return and a backspace that rewrite the line, NUL,
/// DEL, and U+202E, which shows what follows it right to left.
const HOSTILE: &str =
    "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m\rforged\u{8}\u{0}\u{7f}\u{202e}gnp.exe";

/// The same without NUL, which no command-line argument can hold.
const HOSTILE_ARG: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m\rforged\u{8}\u{7f}\u{202e}gnp.exe";

/// The README's exit codes.
const DOCUMENTED_EXITS: [i32; 10] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 130];

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
    let deadline = Instant::now() + Duration::from_secs(15);
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

// ---------------------------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------------------------

/// Numbers the model's pattern (`^\+?[1-9]\d{1,14}$`, ASCII digits) refuses, each with why.
const BAD_NUMBERS: &[(&str, &str)] = &[
    ("+0123", "a leading zero"),
    ("+012065550123", "a leading zero after +"),
    ("0012065550123", "the international prefix 00"),
    ("+1234567890123456", "16 digits"),
    ("+12065550123456789", "18 digits"),
    ("+1", "one digit"),
    ("+", "only +"),
    ("", "empty"),
    ("++12065550123", "two +"),
    ("+１２０６５５５０１２３", "fullwidth digits"),
    ("+١٢٠٦٥٥٥٠١٢٣", "Arabic-Indic digits"),
    ("+۱۲۰۶۵۵۵۰۱۲۳", "extended Arabic-Indic digits"),
    ("+१२०६५५५०१२३", "Devanagari digits"),
    ("+1206555O123", "a letter O for a zero"),
    ("+1 206 555 0123", "spaces"),
    ("+1206\t5550123", "a tab"),
    ("+1-206-555-0123", "dashes"),
    ("+1206555\u{202e}0123", "a bidirectional override"),
    ("+12065550123\u{1b}[2J", "an escape sequence"),
];

/// Refused on the command line, where nothing is trimmed either.
const BAD_ON_THE_COMMAND_LINE: &[(&str, &str)] = &[
    (" +12065550123", "a leading space"),
    ("+12065550123 ", "a trailing space"),
    ("+12065550123\n", "a trailing newline"),
];

#[test]
fn bad_numbers_on_the_command_line_are_refused_naming_the_flag() {
    let sandbox = Sandbox::start();
    for &(number, why) in BAD_NUMBERS.iter().chain(BAD_ON_THE_COMMAND_LINE) {
        let what = format!("--to {number:?} ({why})");
        let out = ran(sandbox.chimecall().args(["dial", "--to", number]));
        assert_refused(&out, &what, "--to");
        assert_terminal_safe(&out, &what);
        if !number.is_empty() {
            assert!(out.stderr.contains("E.164"), "{what}: {}", out.stderr);
        }

        let what = format!("--from {number:?} ({why})");
        let out = ran(sandbox
            .chimecall()
            .args(["dial", "--to", "+12065550123", "--from", number]));
        assert_refused(&out, &what, "--from");
        assert_terminal_safe(&out, &what);
    }
    assert_placed_exactly(&sandbox, &[]);
}

#[test]
fn a_nul_byte_cannot_even_be_passed_as_an_argument() {
    // No process can receive a NUL in an argument (argv holds C strings): the OS refuses before
    // chimecall runs. The CSV case below is how a NUL reaches chimecall.
    let sandbox = Sandbox::start();
    let error = sandbox
        .chimecall()
        .args(["dial", "--to", "+1206555\u{0}0123"])
        .output()
        .expect_err("an argument holding NUL");
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{error}");
}

#[test]
fn bad_numbers_in_a_file_name_their_line_and_column() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let mut numbers: Vec<(&str, &str)> = BAD_NUMBERS
        .iter()
        .copied()
        .filter(|(number, _)| !number.is_empty())
        .collect();
    numbers.push(("+1206555\u{0}0123", "a NUL byte"));
    numbers.push(("\"+12065550123\"", "quotes kept by a doubled quote"));

    // One bad `to` per row, then one bad `from` per row.
    let mut text = String::from("to,from,id\n");
    for (index, (number, _)) in numbers.iter().enumerate() {
        text.push_str(&format!(
            "\"{}\",,to-{index}\n",
            number.replace('"', "\"\"")
        ));
    }
    let from_first_line = numbers.len() + 2;
    for (index, (number, _)) in numbers.iter().enumerate() {
        text.push_str(&format!(
            "+12065550123,\"{}\",from-{index}\n",
            number.replace('"', "\"\"")
        ));
    }
    let path = write_file(dir.path(), "numbers.csv", text.as_bytes());

    let strict = dial_file(&sandbox, &path, &["--strict"]);
    assert_sane(&strict, "--strict");
    assert_eq!(strict.code, 2, "{}", strict.stderr);
    assert_eq!(strict.stdout, "");
    assert_terminal_safe(&strict, "--strict");
    for (index, (number, why)) in numbers.iter().enumerate() {
        for (line, column) in [
            (index + 2, "column to"),
            (from_first_line + index, "column from"),
        ] {
            let expected = format!("line {line}: {column}");
            assert!(
                strict.stderr.contains(&expected),
                "{number:?} ({why}) should be reported as {expected:?}: {}",
                strict.stderr
            );
        }
    }

    let lenient = dial_file(&sandbox, &path, &[]);
    let json = ran(sandbox
        .chimecall()
        .args([
            "--output",
            "json",
            "dial",
            "--rate",
            "0",
            "--max-active",
            "0",
            "--again",
            "--file",
        ])
        .arg(&path));
    for (out, what) in [(&lenient, "text"), (&json, "json")] {
        assert_sane(out, what);
        assert_eq!(out.code, 1, "{what}: invalid rows exit 1: {}", out.stderr);
        assert_terminal_safe(out, what);
    }
    assert_eq!(lenient.stdout.lines().count(), 2 * numbers.len());
    let reports = json_lines(&json.stdout);
    assert_eq!(reports.len(), 2 * numbers.len());
    for report in &reports {
        assert_eq!(report["outcome"], "invalid", "{report}");
        assert_eq!(report["error"]["exit_code"], 2, "{report}");
    }
    assert_placed_exactly(&sandbox, &[]);
}

// ---------------------------------------------------------------------------------------------
// Argument counts, sizes and duplicates
// ---------------------------------------------------------------------------------------------

#[test]
fn argument_counts_are_checked_before_anything_is_sent() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let dial = |extra: &[String]| {
        ran(sandbox
            .chimecall()
            .args(["dial", "--to", "+12065550123"])
            .args(extra))
    };
    let out = dial(&many_args("--arg", "k", 21));
    assert_refused(&out, "21 --arg", "--arg");
    assert!(out.stderr.contains("21"), "{}", out.stderr);
    // The request id takes the twentieth entry.
    let out = dial(&many_args("--arg", "k", 20));
    assert_refused(&out, "20 --arg and the request id", "--arg");
    assert!(out.stderr.contains("request id"), "{}", out.stderr);
    let out = dial(&many_args("--sip-header", "x-h", 21));
    assert_refused(&out, "21 --sip-header", "--sip-header");
    for command in ["update", "hangup"] {
        let out = ran(sandbox
            .chimecall()
            .args([command, "some-transaction"])
            .args(many_args("--arg", "k", 21)));
        assert_refused(&out, command, "--arg");
    }

    // 20 --arg without the request id, and 19 with it, are placed.
    let out = dial(&[many_args("--arg", "k", 20), vec!["--no-request-id".into()]].concat());
    assert_eq!(out.code, 0, "20 --arg --no-request-id: {}", out.stderr);
    let out = ran(sandbox
        .chimecall()
        .args(["dial", "--to", "+12065550124"])
        .args(many_args("--arg", "k", 19)));
    assert_eq!(out.code, 0, "19 --arg: {}", out.stderr);
    assert_placed_exactly(&sandbox, &["+12065550123", "+12065550124"]);
}

#[test]
fn argument_counts_in_a_file_count_the_defaults() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let dir = tempfile::tempdir().unwrap();
    // 20 --arg defaults: a row that adds one more has 21 entries.
    let path = write_file(
        dir.path(),
        "extra.csv",
        b"to,arg.extra\n+12065550130,\n+12065550131,one-more\n",
    );
    let defaults = many_args("--arg", "d", 20);
    let mut args: Vec<&str> = defaults.iter().map(String::as_str).collect();
    args.extend(["--no-request-id", "--strict"]);
    let out = dial_file(&sandbox, &path, &args);
    assert_sane(&out, "20 defaults + arg.extra, --strict");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("line 3: arg. columns: has 21 entries"),
        "{}",
        out.stderr
    );

    // Without --strict the full row is dialed and the other one reported.
    args.pop();
    let out = dial_file(&sandbox, &path, &args);
    assert_sane(&out, "20 defaults + arg.extra");
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stdout.contains("3:+12065550131\t+12065550131\tinvalid"));

    // 21 arg. columns stop the run at the header.
    let header: Vec<String> = std::iter::once("to".to_string())
        .chain((0..21).map(|i| format!("arg.k{i}")))
        .collect();
    let path = write_file(
        dir.path(),
        "wide.csv",
        format!("{}\n+12065550132{}\n", header.join(","), ",v".repeat(21)).as_bytes(),
    );
    let out = dial_file(&sandbox, &path, &[]);
    assert_refused(&out, "21 arg. columns", "line 1 (header)");
    assert!(out.stderr.contains("21 arg. columns"), "{}", out.stderr);
    assert_placed_exactly(&sandbox, &["+12065550130"]);
}

#[test]
fn a_one_mib_argument_is_refused_by_the_os_before_chimecall_runs() {
    // Linux caps one argument at 128 KiB (MAX_ARG_STRLEN): a 1 MiB --arg value never reaches
    // chimecall. Big values come from a file, or split over several --arg entries (below).
    let sandbox = Sandbox::start();
    let value = format!("k={}", "a".repeat(1024 * 1024));
    let error = sandbox
        .chimecall()
        .args(["dial", "--to", "+12065550123", "--arg", &value])
        .output()
        .expect_err("a 1 MiB argument");
    assert_eq!(error.raw_os_error(), Some(7), "E2BIG expected: {error}");
    assert_placed_exactly(&sandbox, &[]);
}

/// `count` --arg entries of about 120 KB each.
fn big_args(count: usize) -> Vec<String> {
    (0..count)
        .flat_map(|i| {
            [
                "--arg".to_string(),
                format!("big{i}={}", "x".repeat(120_000)),
            ]
        })
        .collect()
}

#[test]
fn oversized_arguments_are_placed_once_or_refused_by_the_service() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    // About 960 KB of arguments: under the sandbox's 1 MiB body limit, placed once.
    let out = ran(sandbox
        .chimecall()
        .args(["dial", "--to", "+12065550140"])
        .args(big_args(8)));
    assert_sane(&out, "960 KB of --arg");
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The journal masks values: it does not grow with them.
    let journal = std::fs::read_to_string(sandbox.journal()).unwrap();
    assert!(journal.len() < 10_000, "{} bytes", journal.len());

    // About 1.5 MB: the service answers 413 RequestEntityTooLargeException. It refused the
    // request, so no call was placed: exit 1 (a service error), not 8 (outcome unknown).
    let out = sandbox
        .chimecall()
        .args(["dial", "--to", "+12065550141"])
        .args(big_args(13))
        .stdin(Stdio::null())
        .output();
    match out {
        Err(error) if error.raw_os_error() == Some(7) => {
            eprintln!("skipped: this system's argument space is under 1.5 MB ({error})");
        }
        Err(error) => panic!("spawn: {error}"),
        Ok(out) => {
            let out = Ran {
                code: out.status.code().expect("exit code"),
                stdout: utf8(out.stdout, "stdout"),
                stderr: utf8(out.stderr, "stderr"),
            };
            assert_sane(&out, "1.5 MB of --arg");
            assert_eq!(out.code, 1, "{}", out.stderr);
            assert!(
                out.stderr.contains("RequestEntityTooLargeException") && out.stderr.contains("413"),
                "{}",
                out.stderr
            );
            assert!(out.stderr.len() < 2_000, "the value is not echoed back");
        }
    }

    // From a file: a 1 MB cell is placed; a 2 MiB cell is refused by the service (413): the row
    // fails, the run exits 1, with and without --strict (the model sets no size to check first).
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        dir.path(),
        "one-mb.csv",
        format!("to,arg.big\n+12065550142,{}\n", "y".repeat(1_000_000)).as_bytes(),
    );
    let out = dial_file(&sandbox, &path, &["--strict"]);
    assert_sane(&out, "a 1 MB cell");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let path = write_file(
        dir.path(),
        "two-mib.csv",
        format!("to,arg.big\n+12065550143,{}\n", "z".repeat(2 * 1024 * 1024)).as_bytes(),
    );
    // The same file twice: the second run is a new batch of its own.
    for extra in [&["--again"][..], &["--strict", "--again"]] {
        let out = dial_file(&sandbox, &path, extra);
        assert_sane(&out, "a 2 MiB cell");
        assert_eq!(out.code, 1, "{extra:?}: {}", out.stderr);
        assert!(
            out.stdout
                .contains("\tfailed\tRequestEntityTooLargeException"),
            "{}",
            out.stdout
        );
        assert!(out.stdout.len() + out.stderr.len() < 5_000, "echoed");
    }
    assert_placed_exactly(&sandbox, &["+12065550140", "+12065550142"]);
}

#[test]
fn duplicate_keys_are_refused() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let cases: &[(&[&str], &str)] = &[
        (&["--arg", "k=1", "--arg", "k=2"], "--arg"),
        (&["--arg", "k=1", "--arg", "k=1"], "--arg"),
        (
            &["--sip-header", "X-H=1", "--sip-header", "X-H=2"],
            "--sip-header",
        ),
        // SIP header names ignore case: one header given twice.
        (
            &["--sip-header", "X-Ticket=1", "--sip-header", "x-ticket=2"],
            "--sip-header",
        ),
    ];
    for (args, flag) in cases {
        let what = format!("{args:?}");
        let out = ran(sandbox
            .chimecall()
            .args(["dial", "--to", "+12065550123"])
            .args(*args));
        assert_refused(&out, &what, flag);
        assert!(
            out.stderr.contains("more than once") || out.stderr.contains("given twice"),
            "{what}: {}",
            out.stderr
        );
    }
    let out = ran(sandbox.chimecall().args([
        "update",
        "some-transaction",
        "--arg",
        "k=1",
        "--arg",
        "k=2",
    ]));
    assert_refused(&out, "update with a key twice", "--arg");

    let dir = tempfile::tempdir().unwrap();
    for (header, why) in [
        ("to,to", "to twice"),
        ("to, to", "to twice, one padded"),
        ("to,id,id", "id twice"),
        ("to,from,from", "from twice"),
        ("to,arg.k,arg.k", "an argument twice"),
        ("to,sip.X-H,sip.X-H", "a SIP header twice"),
        (
            "to,sip.X-Ticket,sip.x-ticket",
            "a SIP header twice, in two cases",
        ),
    ] {
        let path = write_file(
            dir.path(),
            "dup.csv",
            format!("{header}\n+12065550123,a,b\n").as_bytes(),
        );
        for extra in [&[][..], &["--strict"]] {
            let out = dial_file(&sandbox, &path, extra);
            assert_refused(&out, why, "line 1 (header)");
            assert!(
                out.stderr.contains("twice") || out.stderr.contains("earlier column"),
                "{why}: {}",
                out.stderr
            );
        }
    }
    // The same twice as defaults of a bulk run: refused by flag before any row is read.
    let path = write_file(dir.path(), "plain.csv", b"to\n+12065550123\n");
    let out = dial_file(
        &sandbox,
        &path,
        &["--sip-header", "X-Ticket=1", "--sip-header", "x-ticket=2"],
    );
    assert_refused(&out, "bulk, a SIP header twice", "--sip-header");
    let out = dial_file(&sandbox, &path, &["--arg", "k=1", "--arg", "k=2"]);
    assert_refused(&out, "bulk, an argument twice", "--arg");
    // A row's cell replaces the --sip-header default of the same name, whatever its case.
    let path = write_file(
        dir.path(),
        "override.csv",
        b"to,sip.x-ticket\n+12065550124,own\n",
    );
    let out = dial_file(&sandbox, &path, &["--sip-header", "X-Ticket=default"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_placed_exactly(&sandbox, &["+12065550124"]);
}

// ---------------------------------------------------------------------------------------------
// SIP headers
// ---------------------------------------------------------------------------------------------

#[test]
fn reserved_and_malformed_sip_headers_are_refused() {
    let sandbox = Sandbox::start();
    let long_value = format!("x-long={}", "a".repeat(2049));
    let long_multibyte = format!("x-long={}", "é".repeat(2049));
    let cases: Vec<(String, &str)> = vec![
        ("X-AMZN-Id=1".into(), "reserved"),
        ("x-amzn-lowercase=1".into(), "reserved"),
        ("X-Amzn=1".into(), "reserved"),
        ("=1".into(), "empty"),
        ("x-a b=1".into(), "not a valid SIP header name"),
        ("x-a:b=1".into(), "not a valid SIP header name"),
        ("x-a\tb=1".into(), "not a valid SIP header name"),
        ("x-é=1".into(), "not a valid SIP header name"),
        ("x-\u{202e}=1".into(), "not a valid SIP header name"),
        (format!("x-{HOSTILE_ARG}=1"), "not a valid SIP header name"),
        ("Foo=1".into(), "must start with x-"),
        ("Contact=<sip:a@b>".into(), "must start with x-"),
        ("novalue".into(), "KEY=VALUE"),
        (long_value, "2049 characters"),
        (long_multibyte, "2049 characters"),
        ("x-crlf=a\r\nX-Evil: 1".into(), "line break"),
        ("x-lf=a\nb".into(), "line break"),
        ("x-cr=a\rb".into(), "line break"),
    ];
    for (header, problem) in &cases {
        let what = format!(
            "--sip-header {:?}",
            header.chars().take(40).collect::<String>()
        );
        let out =
            ran(sandbox
                .chimecall()
                .args(["dial", "--to", "+12065550123", "--sip-header", header]));
        assert_refused(&out, &what, "--sip-header");
        assert!(out.stderr.contains(problem), "{what}: {}", out.stderr);
        assert_terminal_safe(&out, &what);
        assert!(out.stderr.len() < 1_000, "{what}: echoed: {}", out.stderr);
    }
    // The edges that are fine, shown with --dry-run (nothing is placed).
    let ok_value = format!("x-ok={}", "a".repeat(2048));
    for header in [
        ok_value.as_str(),
        "User-to-User=00fa",
        "user-to-user=00fa",
        "Diversion=<sip:+12065550100@example.com>",
        "X-Ticket=",
        "x-!%*_+`'~.=1",
    ] {
        let out = ran(sandbox.chimecall().args([
            "dial",
            "--to",
            "+12065550123",
            "--dry-run",
            "--sip-header",
            header,
        ]));
        assert_eq!(out.code, 0, "{header:?}: {}", out.stderr);
    }

    // The same names as CSV columns stop the run at the header; bad values make the row invalid.
    let dir = tempfile::tempdir().unwrap();
    for (column, problem) in [
        ("sip.X-AMZN-Id", "reserved"),
        ("sip.x-amzn-lowercase", "reserved"),
        ("sip.x a", "not a valid SIP header name"),
        ("sip.x:a", "not a valid SIP header name"),
        ("sip.x-é", "not a valid SIP header name"),
        ("sip.Foo", "must start with x-"),
        ("sip.", "unknown column"),
    ] {
        let path = write_file(
            dir.path(),
            "sip.csv",
            format!("to,{column}\n+12065550123,v\n").as_bytes(),
        );
        let out = dial_file(&sandbox, &path, &[]);
        assert_refused(&out, column, "line 1 (header)");
        assert!(out.stderr.contains(problem), "{column}: {}", out.stderr);
    }
    // As defaults of a bulk run, they stop it before any row is read, named by their flag.
    let path = write_file(dir.path(), "plain.csv", b"to\n+12065550123\n");
    for (header, problem) in &cases {
        if header.starts_with('=') || !header.contains('=') {
            continue; // refused by the KEY=VALUE parse, as above
        }
        let what = format!(
            "bulk --sip-header {:?}",
            header.chars().take(40).collect::<String>()
        );
        let out = dial_file(&sandbox, &path, &["--strict", "--sip-header", header]);
        assert_refused(&out, &what, "--sip-header");
        assert!(out.stderr.contains(problem), "{what}: {}", out.stderr);
        assert!(
            !out.stderr.contains("line 2"),
            "{what}: blamed on a row: {}",
            out.stderr
        );
    }
    let text = format!(
        "to,sip.x-h\n+12065550123,{}\n+12065550124,\"a\r\nX-Evil: 1\"\n+12065550125,\"a\nb\"\n+12065550126,a\0b\n",
        "a".repeat(2049)
    );
    let path = write_file(dir.path(), "values.csv", text.as_bytes());
    let out = dial_file(&sandbox, &path, &["--strict"]);
    assert_sane(&out, "bad SIP header values");
    assert_eq!(out.code, 2, "{}", out.stderr);
    for expected in [
        "line 2: column sip.x-h: value is 2049 characters",
        "line 3: column sip.x-h: value contains a line break",
        "line 5: column sip.x-h: value contains a line break",
        "line 7: column sip.x-h: value contains a line break or NUL",
    ] {
        assert!(out.stderr.contains(expected), "{expected}: {}", out.stderr);
    }
    assert!(
        !out.stderr.contains(&"a".repeat(100)),
        "the value is echoed"
    );
    assert_placed_exactly(&sandbox, &[]);
}

// ---------------------------------------------------------------------------------------------
// Malformed CSV
// ---------------------------------------------------------------------------------------------

/// Bytes that look like nothing: a deterministic stream with every byte value in it.
fn binary_bytes(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[test]
fn malformed_files_are_reported_by_line_and_column() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let mut wide_row = b"to,id\n+12065550123".to_vec();
    wide_row.extend_from_slice(&b",x".repeat(9_999));
    wide_row.push(b'\n');
    let mut wide_arg_header = b"to".to_vec();
    for i in 0..9_999 {
        wide_arg_header.extend_from_slice(format!(",arg.k{i}").as_bytes());
    }
    wide_arg_header.extend_from_slice(b"\n+12065550123\n");
    let mut wide_unknown_header = b"to".to_vec();
    for i in 0..9_999 {
        wide_unknown_header.extend_from_slice(format!(",c{i}").as_bytes());
    }
    wide_unknown_header.push(b'\n');
    let mut binary = binary_bytes(64 * 1024);
    binary[0] = 0; // not by chance a header

    // (name, file, exit under --strict, what stderr says)
    let cases: Vec<(&str, Vec<u8>, i32, Vec<&str>)> = vec![
        (
            "an unterminated quote",
            b"to,id\n+12065550123,a\n\"+12065550124,b\n+12065550125,c\n".to_vec(),
            2,
            // The quote's row is invalid; the line after it is read as a row of its own.
            vec![
                "line 3: column 1 opens a quote that never closes: it runs to the end of the \
                 file (line 4), taking in 1 more line",
                "1 of 3 rows are invalid",
            ],
        ),
        (
            "ragged rows",
            b"to,id\n+12065550123,a,extra\n+12065550124\n".to_vec(),
            2,
            vec![
                "line 2: has 3 fields; the header has 2",
                "line 3: has 1 fields; the header has 2",
            ],
        ),
        ("an empty file", b"".to_vec(), 2, vec!["empty"]),
        ("only blank lines", b"\n\n\r\n".to_vec(), 2, vec!["empty"]),
        ("a binary file", binary, 2, vec!["line 1 (header)"]),
        (
            "a NUL in the header",
            b"to\0,id\n+12065550123,a\n".to_vec(),
            2,
            vec!["line 1 (header): unknown column \"to\\0\""],
        ),
        (
            "a non-UTF-8 header",
            b"to,i\xffd\n".to_vec(),
            2,
            vec!["line 1 (header): column 2 is not UTF-8"],
        ),
        (
            "a non-UTF-8 to",
            b"to,from,id,arg.a,sip.x-h\n+1206555\xff0123,+12065550100,i,a,h\n".to_vec(),
            2,
            vec!["line 2: column to is not valid UTF-8"],
        ),
        (
            "a non-UTF-8 from",
            b"to,from,id,arg.a,sip.x-h\n+12065550123,+1206555\xfe100,i,a,h\n".to_vec(),
            2,
            vec!["line 2: column from is not valid UTF-8"],
        ),
        (
            "a non-UTF-8 id",
            b"to,from,id,arg.a,sip.x-h\n+12065550123,+12065550100,\xc3(,a,h\n".to_vec(),
            2,
            vec!["line 2: column id is not valid UTF-8"],
        ),
        (
            "a non-UTF-8 argument",
            b"to,from,id,arg.a,sip.x-h\n+12065550123,+12065550100,i,\xed\xa0\x80,h\n".to_vec(),
            2,
            vec!["line 2: column arg.a is not valid UTF-8"],
        ),
        (
            "a non-UTF-8 SIP header",
            b"to,from,id,arg.a,sip.x-h\n+12065550123,+12065550100,i,a,\x9b2J\n".to_vec(),
            2,
            vec!["line 2: column sip.x-h is not valid UTF-8"],
        ),
        (
            "non-UTF-8 bytes in every column",
            b"to,from,id,arg.a,sip.x-h\n\xff,\xfe,\x80,\xc0\xaf,\xf5\n".to_vec(),
            2,
            vec!["line 2: column"],
        ),
        (
            "a 10,000-field row",
            wide_row,
            2,
            vec!["line 2: has 10000 fields; the header has 2"],
        ),
        (
            "9,999 arg. columns",
            wide_arg_header,
            2,
            vec!["line 1 (header): 9999 arg. columns"],
        ),
        (
            "10,000 unknown columns",
            wide_unknown_header,
            2,
            vec!["line 1 (header): unknown column \"c0\""],
        ),
        (
            "a header only",
            b"to,id,arg.a\n".to_vec(),
            0,
            vec!["all 0 rows are valid"],
        ),
    ];
    for (name, bytes, strict_exit, expected) in &cases {
        // Each case a file (and so a batch) of its own.
        let file_name = format!(
            "case-{}.csv",
            name.replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        );
        let path = write_file(dir.path(), &file_name, bytes);
        let out = dial_file(&sandbox, &path, &["--strict"]);
        assert_sane(&out, name);
        assert_terminal_safe(&out, name);
        assert_eq!(out.code, *strict_exit, "{name}: {}", out.stderr);
        for text in expected {
            assert!(
                out.stderr.contains(text),
                "{name}: stderr should say {text:?}: {}",
                out.stderr
            );
        }
        assert!(
            out.stderr.len() < 20_000,
            "{name}: {} bytes",
            out.stderr.len()
        );
        // Without --strict: the same problems, each row reported, the exit 0, 1 or 2.
        let out = dial_file(&sandbox, &path, &["--again"]);
        assert_sane(&out, name);
        assert_terminal_safe(&out, name);
        assert!(
            [0, 1, 2].contains(&out.code),
            "{name}: exit {}: {}",
            out.code,
            out.stderr
        );
    }
    // The good rows on either side of the unterminated quote, dialed without --strict.
    assert_placed_exactly(&sandbox, &["+12065550123", "+12065550125"]);
}

#[test]
fn a_row_that_never_ends_stops_the_file_in_bounded_memory() {
    // An unterminated quote near the top of a 12 MB file makes the rest of it one cell: the
    // reader stops at 8 MiB with the line it started on instead of holding the whole file.
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("unterminated.csv");
    let mut file = BufWriter::new(std::fs::File::create(&path).unwrap());
    file.write_all(b"to,id\n+12065550123,first\n\"+12065550124,second\n")
        .unwrap();
    for i in 0..800_000 {
        writeln!(file, "+1206{:07},r{i}", 1_000_000 + i).unwrap();
    }
    file.flush().unwrap();
    drop(file);
    for extra in [&["--strict"][..], &[]] {
        let out = dial_file(&sandbox, &path, extra);
        assert_sane(&out, "a row that never ends");
        assert!(
            out.stderr
                .contains("line 3: the row is longer than 8 MiB (an unterminated quote"),
            "{extra:?}: {}",
            out.stderr
        );
        assert!(out.stderr.len() < 5_000, "{}", out.stderr.len());
        if !extra.is_empty() {
            assert_eq!(out.code, 2, "{}", out.stderr);
        }
    }
    // Without --strict, the row before it was dialed.
    assert_placed_exactly(&sandbox, &["+12065550123"]);
}

#[test]
fn a_file_that_cannot_be_read_to_its_end_is_not_a_success() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let mut text = b"to,id\n+12065550123,first\n\"+12065550124,second\n".to_vec();
    text.extend_from_slice(&b"+12065550125,third\n".repeat(600_000));
    let path = write_file(dir.path(), "unterminated.csv", &text);
    let out = dial_file(&sandbox, &path, &[]);
    assert!(
        out.stderr.contains("line 3: the row is longer"),
        "{}",
        out.stderr
    );
    assert_ne!(out.code, 0, "rows were left unread: {}", out.stderr);
}

#[test]
fn byte_order_marks_and_every_line_ending_are_read_with_true_line_numbers() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let dir = tempfile::tempdir().unwrap();
    for (name, end, first) in [
        ("LF", "\n", 50),
        ("CRLF", "\r\n", 53),
        ("CR (old Mac)", "\r", 56),
    ] {
        // A BOM, a blank line, a multi-line quoted cell, then a bad row: its line is named.
        let text = format!(
            "\u{feff}to,id,arg.note{end}+120655501{first},,{end}{end}+120655501{},,\"two{end}lines\"{end}+0123,,{end}+120655501{},,{end}",
            first + 1,
            first + 2
        );
        let path = write_file(dir.path(), "endings.csv", text.as_bytes());
        let out = ran(sandbox
            .chimecall()
            .args([
                "--output",
                "json",
                "dial",
                "--rate",
                "0",
                "--max-active",
                "0",
                "--again",
                "--file",
            ])
            .arg(&path));
        assert_sane(&out, name);
        assert_eq!(out.code, 1, "{name}: {}", out.stderr);
        let mut lines: Vec<(u64, String)> = json_lines(&out.stdout)
            .iter()
            .map(|r| {
                (
                    r["line"].as_u64().unwrap(),
                    r["outcome"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        lines.sort();
        assert_eq!(
            lines,
            [
                (2, "placed".to_string()),
                (4, "placed".to_string()),
                (6, "invalid".to_string()),
                (7, "placed".to_string()),
            ],
            "{name}"
        );
        assert!(
            out.stderr.contains("line 6: column to"),
            "{name}: {}",
            out.stderr
        );
        assert!(out.stdout.contains(&format!("\"2:+120655501{first}\"")));
    }
    assert_placed_exactly(
        &sandbox,
        &[
            "+12065550150",
            "+12065550151",
            "+12065550152",
            "+12065550153",
            "+12065550154",
            "+12065550155",
            "+12065550156",
            "+12065550157",
            "+12065550158",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Arguments that are not UTF-8
// ---------------------------------------------------------------------------------------------

/// Command lines with a raw byte that is not UTF-8 in one argument.
fn non_utf8_command_lines() -> Vec<(&'static str, Vec<&'static [u8]>)> {
    vec![
        ("--to", vec![b"dial", b"--to", b"+1206555\xff0123"]),
        (
            "--from",
            vec![b"dial", b"--to", b"+12065550123", b"--from", b"\xfe"],
        ),
        (
            "--arg",
            vec![b"dial", b"--to", b"+12065550123", b"--arg", b"k=\xff"],
        ),
        (
            "--arg",
            vec![b"dial", b"--to", b"+12065550123", b"--arg", b"\xc3(=v"],
        ),
        (
            "--sip-header",
            vec![
                b"dial",
                b"--to",
                b"+12065550123",
                b"--sip-header",
                b"x-h=\x9b2J",
            ],
        ),
        (
            "--sma-id",
            vec![b"dial", b"--to", b"+12065550123", b"--sma-id", b"\xff"],
        ),
        ("TRANSACTION_ID", vec![b"tail", b"tx-\xff"]),
        ("TRANSACTION_ID", vec![b"hangup", b"tx-\xff"]),
        (
            "TRANSACTION_ID",
            vec![b"update", b"tx-\xff", b"--arg", b"k=v"],
        ),
        (
            "--log-group",
            vec![b"tail", b"tx", b"--log-group", b"/aws/\xff"],
        ),
    ]
}

fn run_raw_args(sandbox: &Sandbox, args: &[&[u8]]) -> Ran {
    ran(sandbox
        .chimecall()
        .args(args.iter().map(|a| std::ffi::OsStr::from_bytes(a))))
}

#[test]
fn arguments_that_are_not_utf8_are_usage_errors() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    for (place, args) in non_utf8_command_lines() {
        let what = format!("{place}: {args:?}");
        let out = run_raw_args(&sandbox, &args);
        assert_sane(&out, &what);
        assert_eq!(out.code, 2, "{what}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{what}");
        assert!(out.stderr.contains("UTF-8"), "{what}: {}", out.stderr);
        assert_terminal_safe(&out, &what);
    }
    // A file whose name is not UTF-8 is still a file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"rows-\xff.csv"));
    std::fs::write(&path, "to\n+12065550160\n").unwrap();
    let out = dial_file(&sandbox, &path, &[]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_placed_exactly(&sandbox, &["+12065550160"]);
}

#[test]
fn arguments_that_are_not_utf8_are_named() {
    let sandbox = Sandbox::start();
    for (place, args) in non_utf8_command_lines() {
        let out = run_raw_args(&sandbox, &args);
        assert_refused(&out, place, place);
    }
}

// ---------------------------------------------------------------------------------------------
// Events in the logs that tail reads
// ---------------------------------------------------------------------------------------------

const TX: &str = "7b0e3a2c-1111-4222-8333-444455556666";

fn event(sequence: Value, kind: Value, participants: Value) -> Value {
    json!({
        "SchemaVersion": "1.0", "Sequence": sequence, "InvocationEventType": kind,
        "CallDetails": {
            "TransactionId": TX, "AwsAccountId": "111122223333", "AwsRegion": "us-east-1",
            "SipMediaApplicationId": "sma", "Participants": participants
        }
    })
}

fn leg_a(status: &str) -> Value {
    json!([{"CallId": "c1", "ParticipantTag": "LEG-A", "To": "+12065550123",
        "From": "+12065550100", "Direction": "Outbound", "Status": status}])
}

fn logged(event: &Value) -> String {
    format!("2026-11-29T19:00:00.000Z\tr1\tINFO\tRequest: {event}")
}

#[test]
fn malformed_huge_nested_and_wrongly_typed_events_are_skipped_and_good_ones_shown() {
    let sandbox = Sandbox::start();
    let group = "/aws/lambda/hostile-events";
    let good = [
        event(json!(1), json!("NEW_OUTBOUND_CALL"), leg_a("Connected")),
        event(json!(2), json!("RINGING"), leg_a("Connected")),
        event(json!(3), json!("CALL_ANSWERED"), leg_a("Connected")),
    ];
    let truncated = logged(&event(json!(9), json!("RINGING"), leg_a("Connected")));
    let mut deep_field = event(json!(10), json!("RINGING"), leg_a("Connected"));
    deep_field["Padding"] = json!(0);
    let deep_field = deep_field.to_string().replace(
        "\"Padding\":0",
        &format!("\"Padding\":{}0{}", "[".repeat(10_000), "]".repeat(10_000)),
    );
    let bad = vec![
        // Truncated JSON, as a log line cut short would hold.
        truncated[..truncated.len() / 2].to_string(),
        format!("{{\"InvocationEventType\":\"HANGUP\",\"CallDetails\":{{\"TransactionId\":\"{TX}\""),
        // 10,000 levels of nesting, around the transaction id and inside an event.
        format!("{}\"{TX}\"{}", "[".repeat(10_000), "]".repeat(10_000)),
        format!("{}\"{TX}\"{}", "{\"a\":".repeat(10_000), "}".repeat(10_000)),
        deep_field,
        // Wrongly typed.
        logged(&event(json!(11), json!(42), leg_a("Connected"))),
        logged(&event(json!(12), json!(null), leg_a("Connected"))),
        logged(&event(json!(13), json!(""), leg_a("Connected"))),
        logged(&event(json!(14), json!(["HANGUP"]), leg_a("Disconnected"))),
        json!({"InvocationEventType": "HANGUP", "CallDetails": [TX]}).to_string(),
        json!({"InvocationEventType": "HANGUP", "CallDetails": {"TransactionId": 7}, "x": TX})
            .to_string(),
        // Numbers JSON cannot hold, and a lone surrogate.
        format!(
            "{{\"Sequence\":1e400,\"InvocationEventType\":\"HANGUP\",\"CallDetails\":{{\"TransactionId\":\"{TX}\"}}}}"
        ),
        format!(
            "{{\"Sequence\":1,\"InvocationEventType\":\"\\ud800\",\"CallDetails\":{{\"TransactionId\":\"{TX}\"}}}}"
        ),
        // Braces and the id, and nothing else.
        format!("{TX} {}", "{".repeat(5_000)),
        TX.to_string(),
    ];
    // Readable, with odd parts: shown, the odd parts as unknown.
    let odd = [
        // Sequence as an object: shown without a sequence.
        event(
            json!({"n": 4}),
            json!("ACTION_SUCCESSFUL"),
            leg_a("Connected"),
        ),
        // Participants as a string: shown without legs.
        event(json!(5), json!("ACTION_SUCCESSFUL"), json!("LEG-A")),
        // Participants holding things that are not legs.
        event(
            json!(6),
            json!("ACTION_SUCCESSFUL"),
            json!([1, "x", null, [], {"Status": 7}]),
        ),
        // A negative sequence.
        event(json!(-1), json!("ACTION_SUCCESSFUL"), leg_a("Connected")),
    ];
    let mut lines: Vec<String> = vec!["START RequestId: r1 Version: $LATEST".into()];
    lines.extend(good.iter().map(logged));
    lines.extend(bad);
    lines.extend(odd.iter().map(logged));
    lines.push(logged(&event(
        json!(7),
        json!("HANGUP"),
        leg_a("Disconnected"),
    )));
    put_log_lines(&sandbox, group, &lines);
    // A 900 KiB message of its own (a batch holds at most 1 MiB): braces and the id.
    let huge = format!("{TX} Request: {}", "{[".repeat(900 * 1024 / 2));
    put_log_lines(&sandbox, group, &[huge]);
    // And a readable 900 KiB event.
    let mut padded = event(json!(8), json!("ACTION_SUCCESSFUL"), leg_a("Connected"));
    padded["Padding"] = json!("p".repeat(900 * 1024));
    put_log_lines(&sandbox, group, &[padded.to_string()]);

    let started = Instant::now();
    let json_out = ran_within(
        sandbox
            .chimecall()
            .args(["--output", "json", "tail", TX, "--log-group", group]),
        Duration::from_secs(60),
    );
    assert_sane(&json_out, "tail --output json");
    assert_eq!(json_out.code, 0, "{}", json_out.stderr);
    let events: Vec<(Value, String)> = json_lines(&json_out.stdout)
        .iter()
        .map(|e| {
            (
                e["sequence"].clone(),
                e["event"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(Value, String)> = [
        (json!(1), "NEW_OUTBOUND_CALL"),
        (json!(2), "RINGING"),
        (json!(3), "CALL_ANSWERED"),
        (json!(5), "ACTION_SUCCESSFUL"),
        (json!(6), "ACTION_SUCCESSFUL"),
        (json!(7), "HANGUP"),
        (json!(8), "ACTION_SUCCESSFUL"),
        (Value::Null, "ACTION_SUCCESSFUL"),
        (Value::Null, "ACTION_SUCCESSFUL"),
    ]
    .into_iter()
    .map(|(sequence, kind)| (sequence, kind.to_string()))
    .collect();
    assert_eq!(events, expected);

    let text = ran_within(
        sandbox.chimecall().args(["tail", TX, "--log-group", group]),
        Duration::from_secs(60),
    );
    assert_sane(&text, "tail");
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert_terminal_safe(&text, "tail");
    // One line per event, and the summary.
    assert_eq!(
        text.stdout.lines().count(),
        expected.len() + 1,
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains(" #? ACTION_SUCCESSFUL"),
        "{}",
        text.stdout
    );

    let follow = ran_within(
        sandbox
            .chimecall()
            .args(["tail", "--follow", TX, "--log-group", group]),
        Duration::from_secs(60),
    );
    assert_sane(&follow, "tail --follow");
    assert_eq!(
        follow.code, 0,
        "the call was answered, then ended: {}",
        follow.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(90),
        "hostile lines cost {:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------------------------
// Escape sequences and control characters in everything that reaches a terminal
// ---------------------------------------------------------------------------------------------

#[test]
fn csv_cells_echoed_in_reports_cannot_drive_the_terminal() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let dir = tempfile::tempdir().unwrap();
    let quoted = HOSTILE.replace('"', "\"\"");
    let text = format!(
        "to,from,id,arg.note\n\
         \"+1{quoted}\",,a,\n\
         +12065550123,\"{quoted}\",b,\n\
         +12065550124,,\"id-{quoted}\",\n\
         +12065550125,,\"{quoted}\nsecond line\",\n\
         +12065550126,,c,\"{quoted}\"\n\
         \"{quoted}\",,,\n"
    );
    let path = write_file(dir.path(), "hostile.csv", text.as_bytes());
    // The CR in each hostile cell is a line break (as in a file with old Mac line endings), so
    // each row holding one spans two lines, and the fourth three.
    for extra in [&["--strict"][..], &[], &["--output", "json"]] {
        let out = if extra == ["--output", "json"] {
            ran(sandbox
                .chimecall()
                .args([
                    "--output",
                    "json",
                    "dial",
                    "--rate",
                    "0",
                    "--max-active",
                    "0",
                    "--again",
                    "--file",
                ])
                .arg(&path))
        } else {
            dial_file(&sandbox, &path, extra)
        };
        let what = format!("{extra:?}");
        assert_sane(&out, &what);
        assert_terminal_safe(&out, &what);
        if extra == ["--strict"] {
            assert_eq!(out.code, 2, "{}", out.stderr);
            for expected in [
                "line 2: column to",
                "line 4: column from",
                "line 6: column id",
                "line 8: column id",
                "line 13: column to",
            ] {
                assert!(out.stderr.contains(expected), "{expected}: {}", out.stderr);
            }
        } else {
            assert_eq!(out.code, 1, "{what}: {}", out.stderr);
        }
        if extra.is_empty() {
            // One report per row, each on one line: nothing in a cell starts a forged one.
            assert_eq!(out.stdout.lines().count(), 6, "{}", out.stdout);
            assert!(out.stdout.lines().all(|l| l.split('\t').count() == 4));
        }
    }
    // A hostile header name.
    let path = write_file(
        dir.path(),
        "header.csv",
        format!("to,\"{quoted}\"\n+12065550127,x\n").as_bytes(),
    );
    let out = dial_file(&sandbox, &path, &[]);
    assert_refused(
        &out,
        "a hostile column name",
        "line 1 (header): unknown column",
    );
    assert_terminal_safe(&out, "a hostile column name");
    let mut text = format!("to,\"arg.{quoted}\"\n+12065550128,").into_bytes();
    text.extend_from_slice(b"\xff\n");
    let path = write_file(dir.path(), "arg-key.csv", &text);
    let out = dial_file(&sandbox, &path, &[]);
    assert_sane(&out, "a hostile argument key");
    assert_terminal_safe(&out, "a hostile argument key");
    // Only the row whose argument value is hostile was placed (by the two runs without
    // --strict): argument values go to the handler as they are.
    assert_placed_exactly(&sandbox, &["+12065550126", "+12065550126"]);
}

/// Command lines whose hostile value clap's own value parsers refuse.
fn clap_checked_hostile_values() -> Vec<(Vec<&'static str>, &'static str)> {
    vec![
        (vec!["tail", "tx", "--since", HOSTILE_ARG], "--since"),
        (vec!["tail", "tx", "--interval", HOSTILE_ARG], "--interval"),
        (
            vec![
                "dial",
                "--to",
                "+12065550123",
                "--wait",
                "answered",
                "--timeout",
                HOSTILE_ARG,
            ],
            "--timeout",
        ),
        (
            vec![
                "dial",
                "--max-active",
                "0",
                "--again",
                "--file",
                "x.csv",
                "--rate",
                HOSTILE_ARG,
            ],
            "--rate",
        ),
        (vec!["--output", HOSTILE_ARG, "calls"], "--output"),
    ]
}

#[test]
fn command_line_values_echoed_in_errors_cannot_drive_the_terminal() {
    let sandbox = Sandbox::start();
    let hostile_number = format!("+1{HOSTILE_ARG}");
    let hostile_pair = format!("k{HOSTILE_ARG}");
    let hostile_header = format!("x-{HOSTILE_ARG}=v");
    let hostile_value = format!("x-h=a{HOSTILE_ARG}");
    let hostile_dup = format!("{HOSTILE_ARG}=1");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["dial", "--to", &hostile_number], "--to"),
        (
            vec!["dial", "--to", "+12065550123", "--from", &hostile_number],
            "--from",
        ),
        (
            vec!["dial", "--to", "+12065550123", "--arg", &hostile_pair],
            "--arg",
        ),
        (
            vec![
                "dial",
                "--to",
                "+12065550123",
                "--arg",
                &hostile_dup,
                "--arg",
                &hostile_dup,
            ],
            "--arg",
        ),
        (
            vec![
                "dial",
                "--to",
                "+12065550123",
                "--sip-header",
                &hostile_header,
            ],
            "--sip-header",
        ),
        (
            vec![
                "dial",
                "--to",
                "+12065550123",
                "--sip-header",
                &hostile_value,
            ],
            "--sip-header",
        ),
        (
            vec!["dial", "--to", "+12065550123", "--sma-id", HOSTILE_ARG],
            "--sma-id",
        ),
        (vec!["tail", HOSTILE_ARG], "TRANSACTION_ID"),
        (vec!["hangup", HOSTILE_ARG], "TRANSACTION_ID"),
        (vec!["update", HOSTILE_ARG], "TRANSACTION_ID"),
        (vec!["hangup", "tx\u{202e}"], "TRANSACTION_ID"),
        (vec!["tail", "tx\u{202e}"], "TRANSACTION_ID"),
        (vec!["update", "tx", "--arg", &hostile_pair], "--arg"),
        (
            vec![
                "--endpoint-url",
                HOSTILE_ARG,
                "dial",
                "--to",
                "+12065550123",
            ],
            "--endpoint-url",
        ),
    ];
    for (args, place) in &cases {
        let what = format!("{args:?}");
        let out = ran(sandbox.chimecall().args(args));
        assert_sane(&out, &what);
        assert!(
            [2, 7].contains(&out.code),
            "{what}: exit {}: {}",
            out.code,
            out.stderr
        );
        assert!(
            out.stderr.contains(place),
            "{what}: should name {place}: {}",
            out.stderr
        );
        assert_terminal_safe(&out, &what);
    }
    // Values clap checks itself: refused and named (what clap echoes of them is a known bug).
    for (args, place) in clap_checked_hostile_values() {
        let out = ran(sandbox.chimecall().args(&args));
        assert_sane(&out, place);
        assert_eq!(out.code, 2, "{place}: {}", out.stderr);
        assert!(out.stderr.contains(place), "{place}: {}", out.stderr);
    }
    // A hostile log group name is refused by the service (or not found), and shown safely.
    let out = ran(sandbox
        .chimecall()
        .args(["tail", "tx", "--log-group", HOSTILE_ARG]));
    assert_sane(&out, "--log-group");
    assert_eq!(out.code, 1, "the service refused it: {}", out.stderr);
    assert_no_controls(&out, "--log-group");
    assert_placed_exactly(&sandbox, &[]);
}

/// An endpoint that answers every request with `status` and an AWS error whose code and message
/// are hostile text; it counts what it receives.
struct HostileEndpoint {
    url: String,
    requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl HostileEndpoint {
    fn start(status: u16, error_type_header: Option<&'static str>) -> HostileEndpoint {
        let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = std::sync::Arc::clone(&requests);
        let url = crate::fake_http::serve(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let code = error_type_header.unwrap_or(HOSTILE);
            let body = json!({"Code": code, "message": HOSTILE, "Message": HOSTILE});
            let answer = crate::fake_http::Response::json(status, body);
            let answer = match error_type_header {
                Some(error_type) => answer.header("x-amzn-ErrorType", error_type),
                None => answer,
            };
            Some(answer.header("x-amzn-RequestId", "req-1"))
        });
        HostileEndpoint { url, requests }
    }

    fn requests(&self) -> usize {
        self.requests.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// `chimecall` pointed at `endpoint`, with made-up credentials, writing `journal`.
fn against(endpoint: &HostileEndpoint, journal: &Journal) -> Command {
    let mut cmd = journal.chimecall();
    cmd.env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_REGION", "us-east-1")
        .env("CHIMECALL_SMA_ID", "sma")
        .env("CHIMECALL_FROM", "+12065550100")
        .args(["--endpoint-url", &endpoint.url]);
    cmd
}

/// Runs the commands that print a service's error, text mode, against hostile answers.
fn service_error_runs(journal: &Journal) -> Vec<(String, Ran)> {
    let mut runs = Vec::new();
    for (status, header, dial_exit, update_exit) in [
        (400, Some("BadRequestException"), 2, 2),
        (404, Some("NotFoundException"), 7, 7),
        (400, None, 1, 1),
    ] {
        let endpoint = HostileEndpoint::start(status, header);
        let what = format!("{status} {header:?}");
        let dial = ran(against(&endpoint, journal).args(["dial", "--to", "+12065550123"]));
        assert_eq!(dial.code, dial_exit, "dial, {what}: {}", dial.stderr);
        let hangup = ran(against(&endpoint, journal).args(["hangup", "tx-1", "tx-2"]));
        assert_eq!(
            hangup.code, update_exit,
            "hangup, {what}: {}",
            hangup.stderr
        );
        let update = ran(against(&endpoint, journal).args(["update", "tx-1", "--arg", "k=v"]));
        assert_eq!(
            update.code, update_exit,
            "update, {what}: {}",
            update.stderr
        );
        let tail = ran(against(&endpoint, journal).args(["tail", "tx-1"]));
        assert!(endpoint.requests() >= 4, "{what}");
        for (name, out) in [
            ("dial", dial),
            ("hangup", hangup),
            ("update", update),
            ("tail", tail),
        ] {
            runs.push((format!("{name}, {what}"), out));
        }
    }
    runs
}

#[test]
fn service_error_messages_cannot_drive_the_terminal() {
    for (what, out) in service_error_runs(&Journal::new()) {
        assert_sane(&out, &what);
        // Without x-amzn-ErrorType the SDK finds no code or message in the body: nothing shown.
        if !what.contains("None") {
            assert!(
                out.stderr.contains("\\u{1b}[2J"),
                "{what}: the message is shown, escaped: {}",
                out.stderr
            );
        }
        assert_no_controls(&out, &what);
    }
}

/// A journal whose every field is hostile, as someone with write access to it could leave it.
fn hostile_journal(path: &Path, with_newlines: bool) {
    let text = if with_newlines {
        format!("{HOSTILE}\nforged line")
    } else {
        HOSTILE.to_string()
    };
    let records = [
        json!({"v": 1, "time": text, "type": "intent", "dial_id": "d1", "sma_id": text,
            "from": text, "to": text, "arguments": {text.clone(): "***"},
            "sip_headers": {}, "batch": text, "row": text, "line": 2}),
        json!({"v": 1, "time": "2026-11-29T19:00:00.000Z", "type": "outcome", "dial_id": "d1",
            "outcome": "placed", "transaction_id": text}),
        json!({"v": 1, "time": "2026-11-29T19:00:01.000Z", "type": "state",
            "transaction_id": text, "state": text, "answered": true, "source": text}),
        json!({"v": 1, "time": "2026-11-29T19:00:02.000Z", "type": "intent", "dial_id": "d2",
            "sma_id": "sma", "from": "+12065550100", "to": "+12065550123", "row": text}),
        json!({"v": 1, "time": "2026-11-29T19:00:03.000Z", "type": "outcome", "dial_id": "d2",
            "outcome": "failed", "error": {"code": text, "message": text,
            "request_id": text, "exit_code": 2}}),
        // A record of a type no version has.
        json!({"v": 1, "time": "2026-11-29T19:00:04.000Z", "type": text}),
    ];
    let mut bytes = Vec::new();
    for record in &records {
        bytes.extend_from_slice(record.to_string().as_bytes());
        bytes.push(b'\n');
    }
    // Raw bytes no JSON writer produces (an 8-bit CSI among them), then a torn last line.
    bytes.extend_from_slice(b"{\"v\":1,\"type\":\"\x1b[2J\x9b31m\xff\"}\n");
    bytes.extend_from_slice(
        format!("{{\"v\":1,\"type\":\"intent\",\"to\":\"{}", "\\u001b[2J").as_bytes(),
    );
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn journal_fields_shown_by_calls_cannot_drive_the_terminal() {
    let sandbox = Sandbox::start();
    hostile_journal(&sandbox.journal(), false);
    for args in [
        &["calls"][..],
        &["calls", "--active"],
        &["calls", "--since", "1h"],
    ] {
        let out = ran(sandbox.chimecall().args(args));
        let what = format!("{args:?}");
        assert_sane(&out, &what);
        assert_eq!(out.code, 0, "{what}: {}", out.stderr);
        assert_no_controls(&out, &what);
        assert!(
            out.stderr.contains("is not a journal record"),
            "{what}: {}",
            out.stderr
        );
    }
    // hangup --all reads the same journal: the hostile TransactionId is refused by name.
    let out = ran(sandbox.chimecall().args(["hangup", "--all"]));
    assert_sane(&out, "hangup --all");
    assert_no_controls(&out, "hangup --all");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("TRANSACTION_ID"), "{}", out.stderr);
    assert_placed_exactly(&sandbox, &[]);
}

#[test]
fn tail_text_output_cannot_be_driven_by_log_fields() {
    let sandbox = Sandbox::start();
    let group = "/aws/lambda/hostile-fields";
    let tx = "8c0e3a2c-1111-4222-8333-444455556666";
    let hostile = json!({
        "SchemaVersion": "1.0", "Sequence": 1, "InvocationEventType": format!("HANGUP{HOSTILE}"),
        "ErrorType": HOSTILE,
        "ActionData": {"Type": format!("Hangup\r\n{HOSTILE}"), "ErrorType": HOSTILE,
            "ErrorMessage": HOSTILE,
            "Parameters": {"SipResponseCode": HOSTILE, "ParticipantTag": HOSTILE,
                "CallId": HOSTILE, "Arguments": {HOSTILE: HOSTILE}}},
        "CallDetails": {"TransactionId": tx, "SipMediaApplicationId": HOSTILE,
            "AwsRegion": HOSTILE,
            "Participants": [{"ParticipantTag": format!("LEG-A{HOSTILE}"), "Status": HOSTILE,
                "To": HOSTILE, "From": HOSTILE, "CallId": HOSTILE, "Direction": HOSTILE,
                "StartTimeInMilliseconds": HOSTILE}]}
    });
    put_log_lines(
        &sandbox,
        group,
        &[
            format!("{HOSTILE}\t{HOSTILE}\tINFO\tRequest: {hostile}"),
            format!("{HOSTILE} {tx} no event here {HOSTILE}"),
        ],
    );
    let out = ran(sandbox.chimecall().args(["tail", tx, "--log-group", group]));
    assert_sane(&out, "tail");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_terminal_safe(&out, "tail");
    assert_eq!(
        out.stdout.lines().count(),
        2,
        "one event, one line, and the summary: {:?}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\\u{202e}"),
        "shown escaped: {}",
        out.stdout
    );
    // A log group, or an id, of no events: the note on stderr is safe too.
    let out = ran(sandbox
        .chimecall()
        .args(["tail", "tx-none", "--log-group", group]));
    assert_sane(&out, "tail, no events");
    assert_terminal_safe(&out, "tail, no events");
}

// ---------------------------------------------------------------------------------------------
// Known bugs outside this corpus's files
// ---------------------------------------------------------------------------------------------

#[test]
fn strict_refuses_rows_the_request_id_leaves_no_room_for() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        dir.path(),
        "extra.csv",
        b"to,arg.extra\n+12065550130,\n+12065550131,one-more\n",
    );
    let defaults = many_args("--arg", "d", 19);
    let mut args: Vec<&str> = defaults.iter().map(String::as_str).collect();
    args.push("--strict");
    let out = dial_file(&sandbox, &path, &args);
    assert_sane(&out, "19 defaults + arg.extra + request id, --strict");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("line 3"), "{}", out.stderr);
    assert_placed_exactly(&sandbox, &[]);
}

#[test]
fn bidirectional_controls_never_reach_a_terminal() {
    for (what, out) in service_error_runs(&Journal::new()) {
        assert_terminal_safe(&out, &what);
    }
    let sandbox = Sandbox::start();
    hostile_journal(&sandbox.journal(), false);
    let out = ran(sandbox.chimecall().args(["calls"]));
    assert_terminal_safe(&out, "calls");
    let out = ran(sandbox.chimecall().args([
        "dial",
        "--to",
        "+12065550123",
        "--dry-run",
        "--arg",
        &format!("k={HOSTILE_ARG}"),
    ]));
    assert_terminal_safe(&out, "dial --dry-run");
    let out = ran(sandbox
        .chimecall()
        .args(["tail", "tx", "--log-group", "/aws/lambda/\u{202e}x"]));
    assert_terminal_safe(&out, "tail --log-group");
}

#[test]
fn json_output_escapes_every_control_character() {
    let sandbox = Sandbox::start();
    hostile_journal(&sandbox.journal(), false);
    let out = ran(sandbox.chimecall().args(["--output", "json", "calls"]));
    assert_terminal_safe(&out, "calls --output json");
    let out = ran(sandbox.chimecall().args([
        "--output",
        "json",
        "dial",
        "--to",
        "+12065550123",
        "--dry-run",
        "--arg",
        &format!("k={HOSTILE_ARG}"),
    ]));
    assert_terminal_safe(&out, "dial --dry-run --output json");
    let group = "/aws/lambda/hostile-json";
    put_log_lines(
        &sandbox,
        group,
        &[logged(&event(
            json!(1),
            json!(format!("RINGING{HOSTILE}")),
            leg_a("Connected"),
        ))],
    );
    let out = ran(sandbox
        .chimecall()
        .args(["--output", "json", "tail", TX, "--log-group", group]));
    assert_terminal_safe(&out, "tail --output json");
}

#[test]
fn a_journal_field_cannot_forge_a_row_of_calls() {
    let sandbox = Sandbox::start();
    hostile_journal(&sandbox.journal(), true);
    let out = ran(sandbox.chimecall().args(["calls"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    // A header and two dials: three lines.
    assert_eq!(out.stdout.lines().count(), 3, "{}", out.stdout);
}

#[test]
fn usage_errors_echo_no_raw_control_character() {
    let sandbox = Sandbox::start();
    for (args, place) in clap_checked_hostile_values() {
        let out = ran(sandbox.chimecall().args(&args));
        assert_terminal_safe(&out, place);
    }
    // On a terminal. `script` gives chimecall a terminal, where clap keeps escape sequences (through a pipe
    // its output is stripped of them).
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` to give chimecall a terminal");
        return;
    }
    let line = format!(
        "{} tail tx --since $'\\e]0;pwned\\a\\e[2J'",
        crate::support::BIN
    );
    let out = ran(crate::support::hermetic_command("script")
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color")
        .args(["-qec", &line, "/dev/null"]));
    // The terminal shows clap's own colours; the value's OSC and erase-screen must not be there.
    assert!(
        !out.stdout.contains("\u{1b}]0;pwned") && !out.stdout.contains("\u{1b}[2J"),
        "{:?}",
        out.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// A file of hundreds of MB under --strict (ignored: `cargo test -- --ignored huge`)
// ---------------------------------------------------------------------------------------------

/// Runs `cmd` to its end, sampling the child's peak resident set (VmHWM) while it runs.
fn run_measuring_peak_rss(cmd: &mut Command, limit: Duration) -> (Ran, u64) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let status_path = format!("/proc/{}/status", child.id());
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let deadline = Instant::now() + limit;
    let mut peak_kib = 0u64;
    let status = loop {
        // Read before reaping: once waited for, /proc/<pid> is gone.
        if let Ok(status) = std::fs::read_to_string(&status_path) {
            if let Some(kib) = status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
            {
                peak_kib = peak_kib.max(kib);
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let ran = Ran {
        code: status.code().expect("exit code"),
        stdout: utf8(stdout.join().unwrap(), "stdout"),
        stderr: utf8(stderr.join().unwrap(), "stderr"),
    };
    (ran, peak_kib * 1024)
}

/// Writes about `bytes` of valid rows with one invalid row (`+0123`) near the end, or, with
/// `unterminated`, an unterminated quote near the top; returns the invalid row's line.
fn write_huge_file(path: &Path, bytes: u64, unterminated: bool) -> u64 {
    let mut file = BufWriter::with_capacity(1 << 20, std::fs::File::create(path).unwrap());
    file.write_all(b"to,id,arg.ticket,sip.X-Ticket\n").unwrap();
    let mut written = 0u64;
    let mut line = 1u64;
    let mut bad_line = 0;
    let mut row = 0u64;
    while written < bytes {
        line += 1;
        let text = if (unterminated && line == 3)
            || (!unterminated && bad_line == 0 && written > bytes - bytes / 100)
        {
            bad_line = line;
            if unterminated {
                "\"+12065550123,open,T,T\n".to_string()
            } else {
                format!("+0123,bad-{row},T-{row},T-{row}\n")
            }
        } else {
            format!("+1206{:07},r{row},T-{row},T-{row}\n", row % 10_000_000)
        };
        file.write_all(text.as_bytes()).unwrap();
        written += text.len() as u64;
        row += 1;
    }
    file.flush().unwrap();
    bad_line
}

#[test]
#[ignore = "slow: ~300 MB through --strict; run with `cargo test -- --ignored huge`"]
fn huge_file_under_strict_is_streamed_in_bounded_memory() {
    const MAX_RSS: u64 = 64 * 1024 * 1024;
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.csv");

    let bad_line = write_huge_file(&path, 300_000_000, false);
    let size = std::fs::metadata(&path).unwrap().len();
    let (out, peak) = run_measuring_peak_rss(
        sandbox
            .chimecall()
            .args([
                "dial",
                "--strict",
                "--rate",
                "0",
                "--max-active",
                "0",
                "--again",
                "--file",
            ])
            .arg(&path),
        Duration::from_secs(1800),
    );
    eprintln!(
        "{size} bytes under --strict: exit {}, peak RSS {:.1} MiB",
        out.code,
        peak as f64 / 1048576.0
    );
    assert_sane(&out, "a huge file");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(&format!("line {bad_line}: column to")),
        "line {bad_line}: {}",
        out.stderr
    );
    assert!(out.stderr.contains("1 of "), "{}", out.stderr);
    assert!(peak > 0, "VmHWM was never read");
    assert!(peak < MAX_RSS, "peak RSS {peak} bytes");

    // The same size with an unterminated quote near the top: refused at that line, in bounded
    // memory, rather than read whole into one cell.
    write_huge_file(&path, 300_000_000, true);
    let (out, peak) = run_measuring_peak_rss(
        sandbox
            .chimecall()
            .args([
                "dial",
                "--strict",
                "--rate",
                "0",
                "--max-active",
                "0",
                "--again",
                "--file",
            ])
            .arg(&path),
        Duration::from_secs(1800),
    );
    eprintln!(
        "an unterminated quote: exit {}, peak RSS {:.1} MiB",
        out.code,
        peak as f64 / 1048576.0
    );
    assert_sane(&out, "a huge unterminated quote");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("line 3: the row is longer"),
        "{}",
        out.stderr
    );
    assert!(peak < MAX_RSS, "peak RSS {peak} bytes");
    assert_placed_exactly(&sandbox, &[]);
}

/// The model makes a number's `+` optional: a number written without it is the same number, and
/// chimecall writes it with its `+` everywhere, so `--redact` masks it like any other.
#[test]
fn a_number_without_its_plus_is_the_same_number_and_is_masked() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let out = run(sandbox
        .chimecall()
        .args(["-o", "json", "dial", "--to", "12065550161"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(json_lines(&out.stdout)[0]["to"], "+12065550161");
    let journal = std::fs::read_to_string(sandbox.journal()).unwrap();
    assert!(journal.contains("\"to\":\"+12065550161\""), "{journal}");
    let out = run(sandbox
        .chimecall()
        .args(["--redact", "-vv", "dial", "--to", "12065550162"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stderr.contains("2065550162"), "{}", out.stderr);
    // A bad number's error says the + is optional.
    let out = run(sandbox.chimecall().args(["dial", "--to", "0123"]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("an optional +"), "{}", out.stderr);
}
