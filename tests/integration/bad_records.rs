//! One bad journal record or input line is reported and skipped, and every other call is
//! served: `hangup --all`, `hangup -`, `calls`, `report` and `resolve` exit 9 after doing the rest.

use std::io::Write;
use std::process::Stdio;

use serde_json::{json, Value};

use crate::support::{json_lines, run, Sandbox};

fn live_calls(sandbox: &Sandbox, count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            let out = run(sandbox.chimecall().args([
                "dial",
                "--to",
                &format!("+1206555{:04}", 4000 + i),
            ]));
            assert_eq!(out.code, 0, "{}", out.stderr);
            out.stdout.trim().to_string()
        })
        .collect()
}

/// Appends a placed dial, as a hand-edited (or corrupted) journal would hold it.
fn append_placed(sandbox: &Sandbox, dial_id: &str, transaction_id: &str) {
    let time = sandbox.journal_records()[0]["time"].clone();
    let records = [
        json!({"v": 1, "time": time, "type": "intent", "dial_id": dial_id,
               "sma_id": sandbox.sma_id(), "from": sandbox.caller_id(), "to": "+12065559999",
               "batch": "/runs/hand-edited.csv", "row": dial_id, "line": 2}),
        json!({"v": 1, "time": time, "type": "outcome", "dial_id": dial_id,
               "outcome": "placed", "transaction_id": transaction_id}),
    ];
    crate::support::rewrite_journal(&sandbox.journal(), &records);
}

fn assert_ended(sandbox: &Sandbox, calls: &[String]) {
    for tx in calls {
        let out = run(sandbox.chimecall().args(["update", tx]));
        assert_eq!(out.code, 7, "{tx} is still live");
    }
}

/// The bar: with three live calls and bad records in the journal (a TransactionId with a
/// control character, one of 70 KB), `hangup --all` ends the three and says which it skipped.
#[test]
fn hangup_all_ends_the_good_calls_and_reports_the_bad_records() {
    let sandbox = Sandbox::start_with(&["--no-quotas", "--answer-after", "100ms"]);
    let calls = live_calls(&sandbox, 3);
    append_placed(&sandbox, "bad-control", "tx\u{1b}[2Jhidden");
    append_placed(&sandbox, "bad-long", &"7".repeat(70_000));
    let out = run(sandbox.chimecall().args(["hangup", "--all"]));
    assert_eq!(out.code, 9, "{}", out.stderr);
    let mut ended: Vec<&str> = out.stdout.lines().collect();
    ended.sort_unstable();
    let mut expected: Vec<&str> = calls.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(ended, expected, "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    assert!(!out.stderr.contains('\u{1b}'), "{}", out.stderr);
    assert!(
        out.stderr.len() < 2_000,
        "a short prefix only: {}",
        out.stderr
    );
    for dial in ["bad-control", "bad-long"] {
        assert!(
            out.stderr.contains(&format!("dial \"{dial}\" is skipped")),
            "{}",
            out.stderr
        );
    }
    assert!(out.stderr.contains("70000 characters"), "{}", out.stderr);
    assert!(
        out.stderr.contains("2 bad journal records skipped"),
        "{}",
        out.stderr
    );
    assert_ended(&sandbox, &calls);
}

/// `hangup -`: a bad line (not UTF-8, a control character, 70 KB) is skipped by its number.
#[test]
fn hangup_from_stdin_skips_bad_lines_by_number() {
    let sandbox = Sandbox::start_with(&["--no-quotas", "--answer-after", "100ms"]);
    let calls = live_calls(&sandbox, 2);
    let mut child = sandbox
        .chimecall()
        .args(["hangup", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = Vec::new();
    writeln!(input, "{}", calls[0]).unwrap();
    input.extend_from_slice(b"tx\x07bell\n\xff\xfe-latin\n");
    input.extend_from_slice(&[b'9'; 70_000]);
    writeln!(input, "\n\"{}\"", calls[1]).unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "{stderr}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().count(),
        2,
        "{stderr}"
    );
    for line in 2..=4 {
        assert!(
            stderr.contains(&format!("stdin line {line} is skipped")),
            "{stderr}"
        );
    }
    assert!(stderr.contains("3 bad input lines skipped"), "{stderr}");
    assert!(stderr.len() < 2_000, "{stderr}");
    assert_ended(&sandbox, &calls);
}

/// `calls` quotes each id in its filter pattern: a `"` in one journal id does not stop it
/// learning that the other calls ended; a bad record is skipped; `report` and `resolve` skip it too.
#[test]
fn calls_report_and_resolve_serve_the_rest() {
    let sandbox = Sandbox::start_with(&["--no-quotas", "--answer-after", "100ms"]);
    let calls = live_calls(&sandbox, 2);
    for tx in &calls {
        let out = run(sandbox
            .chimecall()
            .args(["update", tx, "--arg", "action=hangup"]));
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    append_placed(&sandbox, "quoted", r#"a"b\c"#);
    append_placed(&sandbox, "bad-control", "tx\u{7}");
    // The HANGUPs are logged within moments; `calls` reads them (once each run).
    let mut active: Vec<Value> = Vec::new();
    for _ in 0..50 {
        let out = run(sandbox
            .chimecall()
            .args(["-o", "json", "calls", "--active"]));
        assert_eq!(out.code, 9, "{}", out.stderr);
        assert!(
            !out.stderr.contains("cannot be read"),
            "the pattern broke the lookup: {}",
            out.stderr
        );
        active = json_lines(&out.stdout);
        if active.len() == 1 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    assert_eq!(active.len(), 1, "{active:?}");
    assert_eq!(active[0]["transaction_id"], r#"a"b\c"#);

    let report = run(sandbox.chimecall().args(["report"]));
    assert_eq!(report.code, 9, "{}", report.stderr);
    assert!(
        report.stderr.contains("dial \"bad-control\" is skipped"),
        "{}",
        report.stderr
    );
    let resolve = run(sandbox.chimecall().args(["resolve"]));
    assert_eq!(resolve.code, 9, "{}", resolve.stderr);
    assert!(
        resolve.stderr.contains("dial \"bad-control\" is skipped"),
        "{}",
        resolve.stderr
    );
}
