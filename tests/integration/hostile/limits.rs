//! Limits: ids too long for a request path, values too long to repeat, panics. An id that goes
//! into a request path is refused (exit 2) before anything is journaled or sent, wherever it
//! came from; no error quotes more than a short escaped prefix of a value; a panic ends the
//! process at once with one line and exit 1.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;

use super::{assert_placed_exactly, assert_sane, finish, ran, ran_within, write_file, Ran};
use crate::support::{chimecall, fresh_dir, Sandbox};

/// Past the HTTP stack's 65,534-byte request URI: the length that used to panic.
const PAST_THE_URI: usize = 70_000;
/// An error line longer than this is not short.
const MAX_LINE_CHARS: usize = 400;

/// `filler` repeated `n` times.
fn long(filler: char, n: usize) -> String {
    std::iter::repeat_n(filler, n).collect()
}

/// No panic; every stderr line short; `filler` never shown on stderr beyond a prefix's length.
fn assert_short_messages(out: &Ran, filler: char, what: &str) {
    assert_sane(out, what);
    for line in out.stderr.lines() {
        assert!(
            line.chars().count() <= MAX_LINE_CHARS,
            "{what}: a stderr line of {} characters: {}...",
            line.chars().count(),
            line.chars().take(300).collect::<String>()
        );
    }
    // Results on stdout (a dry run's request, a listing) are data, given whole on purpose.
    let run = long(filler, 65);
    assert!(
        !out.stderr.contains(&run),
        "{what}: the value was echoed beyond a short prefix: {}",
        out.stderr.chars().take(600).collect::<String>()
    );
}

/// What [`assert_short_messages`] finds wrong, if anything (a test that drives many inputs
/// reports them all at once).
fn long_message(out: &Ran, filler: char, what: &str) -> Option<String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        assert_short_messages(out, filler, what)
    }))
    .err()
    .map(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_else(|| what.to_string())
            .chars()
            .take(300)
            .collect()
    })
}

/// Refused with exit 2, briefly, naming `place`.
fn assert_refused_briefly(out: &Ran, filler: char, what: &str, place: &str) {
    assert_short_messages(out, filler, what);
    assert_eq!(out.code, 2, "{what}: {}", out.stderr);
    assert!(
        out.stderr.contains(place),
        "{what}: the error should name {place:?}: {}",
        out.stderr
    );
    assert_eq!(out.stdout, "", "{what}: printed a result");
}

/// Runs `cmd` with `input` on stdin.
fn ran_with_stdin(cmd: &mut Command, input: &[u8]) -> Ran {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn chimecall");
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let _ = stdin.write_all(&input);
    });
    let out = finish(&mut child, Duration::from_secs(120));
    writer.join().unwrap();
    out
}

/// An AWS config file whose default profile holds `body`.
fn profile_file(dir: &Path, body: &str) -> std::path::PathBuf {
    write_file(
        dir,
        "config",
        format!("[default]\nregion = us-east-1\n{body}\n").as_bytes(),
    )
}

#[test]
fn an_over_long_id_is_refused_wherever_it_comes_from_and_nothing_is_sent() {
    let sandbox = Sandbox::start();
    let id = long('a', PAST_THE_URI);
    let dir = fresh_dir("long-ids");
    let config = profile_file(&dir, &format!("chimecall_sma_id = {id}"));
    let dial = ["dial", "--to", "+12065550150"];
    let cases: Vec<(&str, Command, &str)> = vec![
        (
            "dial --sma-id",
            {
                let mut cmd = sandbox.chimecall();
                cmd.args(dial).args(["--sma-id", &id]);
                cmd
            },
            "--sma-id: SipMediaApplicationId",
        ),
        (
            "dial --dry-run --sma-id",
            {
                let mut cmd = sandbox.chimecall();
                cmd.args(dial).args(["--dry-run", "--sma-id", &id]);
                cmd
            },
            "--sma-id: SipMediaApplicationId",
        ),
        (
            "dial with CHIMECALL_SMA_ID",
            {
                let mut cmd = sandbox.chimecall();
                cmd.args(dial).env("CHIMECALL_SMA_ID", &id);
                cmd
            },
            "CHIMECALL_SMA_ID: SipMediaApplicationId",
        ),
        (
            "dial with chimecall_sma_id in the profile",
            {
                let mut cmd = sandbox.chimecall();
                cmd.args(dial)
                    .env_remove("CHIMECALL_SMA_ID")
                    .env("AWS_CONFIG_FILE", &config);
                cmd
            },
            "chimecall_sma_id: SipMediaApplicationId",
        ),
        (
            "hangup TRANSACTION_ID",
            {
                let mut cmd = sandbox.chimecall();
                cmd.args(["hangup", &id]);
                cmd
            },
            "TRANSACTION_ID: TransactionId",
        ),
        (
            "hangup --sma-id",
            {
                let mut cmd = sandbox.chimecall();
                cmd.args(["hangup", "tx-1", "--sma-id", &id]);
                cmd
            },
            "--sma-id: SipMediaApplicationId",
        ),
        (
            "update TRANSACTION_ID",
            {
                let mut cmd = sandbox.chimecall();
                cmd.args(["update", &id, "--arg", "a=b"]);
                cmd
            },
            "TRANSACTION_ID: TransactionId",
        ),
        (
            "update with CHIMECALL_SMA_ID",
            {
                let mut cmd = sandbox.chimecall();
                cmd.args(["update", "tx-1"]).env("CHIMECALL_SMA_ID", &id);
                cmd
            },
            "CHIMECALL_SMA_ID: SipMediaApplicationId",
        ),
        (
            "tail TRANSACTION_ID",
            {
                let mut cmd = sandbox.chimecall();
                cmd.args(["tail", &id]);
                cmd
            },
            "TRANSACTION_ID: TransactionId",
        ),
        (
            "tail a 10 KB TRANSACTION_ID",
            {
                let mut cmd = sandbox.chimecall();
                cmd.args(["tail", &long('a', 10_000)]);
                cmd
            },
            "TRANSACTION_ID: TransactionId",
        ),
        (
            "tail with chimecall_sma_id in the profile",
            {
                let mut cmd = sandbox.chimecall();
                cmd.args(["tail", "tx-1"])
                    .env_remove("CHIMECALL_SMA_ID")
                    .env_remove("CHIMECALL_LOG_GROUP")
                    .env("AWS_CONFIG_FILE", &config);
                cmd
            },
            "chimecall_sma_id: SipMediaApplicationId",
        ),
    ];
    for (what, mut cmd, place) in cases {
        let out = ran(&mut cmd);
        assert_refused_briefly(&out, 'a', what, place);
        assert!(
            out.stderr.contains("(70000 characters)") || what.contains("10 KB"),
            "{what}: {}",
            out.stderr
        );
    }
    // stdin for `hangup -`: the bad line is skipped by its number (the good one goes on) and the
    // exit says a line was skipped.
    let out = ran_with_stdin(
        sandbox.chimecall().args(["hangup", "-"]),
        format!("tx-1\n{id}\n").as_bytes(),
    );
    assert_short_messages(&out, 'a', "hangup -");
    assert!(
        out.stderr.contains("stdin line 2 is skipped"),
        "{}",
        out.stderr
    );
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert!(
        sandbox.journal_records().is_empty(),
        "nothing is journaled: {:?}",
        sandbox.journal_records().len()
    );
    assert_placed_exactly(&sandbox, &[]);
}

#[test]
fn a_bulk_run_with_an_over_long_sma_id_exits_2_before_journaling_anything() {
    let sandbox = Sandbox::start();
    let id = long('a', PAST_THE_URI);
    let dir = fresh_dir("long-sma-bulk");
    let rows: String = (0..20)
        .map(|i| format!("+1206555{i:04}\n"))
        .collect::<String>();
    let file = write_file(&dir, "rows.csv", format!("to\n{rows}").as_bytes());
    for (what, extra) in [
        ("--sma-id", vec!["--sma-id", id.as_str()]),
        (
            "--sma-id --dry-run",
            vec!["--sma-id", id.as_str(), "--dry-run"],
        ),
        (
            "--sma-id --wait ended",
            vec!["--sma-id", id.as_str(), "--wait", "ended"],
        ),
    ] {
        let out = ran_within(
            sandbox
                .chimecall()
                .args(["dial", "--rate", "0", "--file"])
                .arg(&file)
                .args(&extra),
            Duration::from_secs(60),
        );
        assert_refused_briefly(&out, 'a', what, "--sma-id: SipMediaApplicationId");
    }
    let out = ran_within(
        sandbox
            .chimecall()
            .env("CHIMECALL_SMA_ID", &id)
            .args(["dial", "--rate", "0", "--file"])
            .arg(&file),
        Duration::from_secs(60),
    );
    assert_refused_briefly(&out, 'a', "CHIMECALL_SMA_ID", "CHIMECALL_SMA_ID");
    assert!(
        sandbox.journal_records().is_empty(),
        "a bulk run refused journals nothing"
    );
    assert_placed_exactly(&sandbox, &[]);
}

/// Ids from the journal: a record whose ids are too long for a path is refused or skipped, never
/// sent, never a panic.
#[test]
fn over_long_ids_in_the_journal_never_panic() {
    let sandbox = Sandbox::start();
    let id = long('a', PAST_THE_URI);
    let records = [
        json!({"v": 1, "time": "2026-11-29T19:00:00.000Z", "type": "intent", "dial_id": "d1",
            "sma_id": id, "from": "+12065550100", "to": "+12065550123"}),
        json!({"v": 1, "time": "2026-11-29T19:00:00.500Z", "type": "outcome", "dial_id": "d1",
            "outcome": "placed", "transaction_id": id}),
        json!({"v": 1, "time": "2026-11-29T19:00:01.000Z", "type": "intent", "dial_id": "d2",
            "sma_id": id, "from": "+12065550100", "to": "+12065550124"}),
        json!({"v": 1, "time": "2026-11-29T19:00:01.500Z", "type": "outcome", "dial_id": "d2",
            "outcome": "unknown"}),
    ];
    let text: String = records.iter().map(|r| format!("{r}\n")).collect();
    std::fs::write(sandbox.journal(), text).unwrap();
    for args in [
        vec!["hangup", "--all"],
        vec!["calls"],
        vec!["calls", "--active"],
        vec!["resolve", "--min-age", "0s", "--settle", "0s"],
    ] {
        let out = ran_within(sandbox.chimecall().args(&args), Duration::from_secs(60));
        assert_short_messages(&out, 'a', &args.join(" "));
    }
}

#[test]
fn a_panicking_task_ends_the_process_with_one_line_and_exit_1() {
    for args in [vec!["calls", "--offline"], vec!["report"]] {
        let out = ran_within(
            chimecall().env("CHIMECALL_TEST_PANIC", "task").args(&args),
            Duration::from_secs(30),
        );
        assert_eq!(out.code, 1, "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
        assert_eq!(out.stderr.lines().count(), 1, "{}", out.stderr);
        assert!(
            out.stderr
                .starts_with("chimecall: error: internal error (a bug in chimecall"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.len() < MAX_LINE_CHARS, "{}", out.stderr);
    }
}

/// Every flag, variable, profile key, CSV cell and stdin line given a 100 KB value: whatever
/// the command makes of it, no line of stderr is long and the value shows as a short prefix.
#[test]
fn no_error_message_echoes_more_than_a_short_prefix_of_a_value() {
    let sandbox = Sandbox::start();
    let z = long('Z', 100_000);
    let digits = long('9', 100_000);
    let dir = fresh_dir("long-values");
    let arg = |key: &str| format!("{key}={z}");
    let mut cases: Vec<Vec<String>> = Vec::new();
    let v = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<String>>();
    let file = write_file(&dir, "ok.csv", b"to\n+12065550160\n");
    let file = file.to_str().unwrap().to_string();
    for global in [
        "--profile",
        "--region",
        "--endpoint-url",
        "--logs-rate",
        "--connect-timeout",
        "--attempt-timeout",
        "--operation-timeout",
        "--output",
    ] {
        cases.push(v(&[global, &z, "calls", "--offline"]));
    }
    for flag in ["--to", "--from", "--sma-id"] {
        cases.push(v(&["dial", "--to", "+12065550160", flag, &z]));
        cases.push(v(&["dial", "--to", "+12065550160", flag, &digits]));
    }
    cases.push(v(&[
        "dial",
        "--to",
        "+12065550160",
        "--arg",
        &format!("{z}=v"),
        "--dry-run",
    ]));
    cases.push(v(&["dial", "--to", "+12065550160", "--arg", &z]));
    cases.push(v(&[
        "dial",
        "--to",
        "+12065550160",
        "--sip-header",
        &format!("{z}=v"),
    ]));
    cases.push(v(&[
        "dial",
        "--to",
        "+12065550160",
        "--sip-header",
        &arg("x-a"),
    ]));
    cases.push(v(&["dial", "--to", "+12065550160", "--wait", &z]));
    cases.push(v(&[
        "dial",
        "--to",
        "+12065550160",
        "--wait",
        "ended",
        "--timeout",
        &z,
    ]));
    for flag in [
        "--max-active",
        "--redial",
        "--rate",
        "--concurrency",
        "--batch",
    ] {
        cases.push(v(&["dial", "--file", &file, "--dry-run", flag, &z]));
    }
    for flag in ["--attempts", "--redial-after", "--success"] {
        cases.push(v(&[
            "dial",
            "--file",
            &file,
            "--wait",
            "ended",
            "--dry-run",
            flag,
            &z,
        ]));
    }
    cases.push(v(&[
        "dial",
        "--file",
        &file,
        "--wait",
        "ended",
        "--success",
        &format!("digits:{z}("),
    ]));
    cases.push(v(&[
        "dial",
        "--file",
        &file,
        "--wait",
        "ended",
        "--success",
        &format!("digits:{z}"),
    ]));
    cases.push(v(&["dial", "--file", &z]));
    cases.push(v(&["hangup", &z]));
    cases.push(v(&["hangup", "tx-1", "--arg", &format!("{z}=v")]));
    for flag in ["--since", "--batch"] {
        cases.push(v(&["hangup", "--all", flag, &z]));
    }
    cases.push(v(&["hangup", "--all", "--rate", &z]));
    cases.push(v(&["hangup", "tx-1", "--wait", "--timeout", &z]));
    cases.push(v(&["update", &z]));
    cases.push(v(&["update", "tx-1", "--arg", &z]));
    cases.push(v(&["calls", "--since", &z]));
    cases.push(v(&["calls", "--log-group", &z]));
    for flag in ["--batch", "--since", "--html"] {
        cases.push(v(&["report", flag, &z]));
    }
    for flag in ["--since", "--min-age", "--settle"] {
        cases.push(v(&["resolve", flag, &z]));
    }
    cases.push(v(&["tail", &z]));
    for flag in [
        "--since",
        "--interval",
        "--timeout",
        "--log-group",
        "--sma-id",
    ] {
        cases.push(v(&["tail", "tx-1", "--follow", flag, &z]));
    }
    cases.push(v(&["tail", "tx-1", "--log-group", &z]));
    cases.push(v(&["completions", &z]));
    cases.push(v(&["sandbox", "--port", "0", "--access-log", &z]));
    cases.push(v(&["sandbox", "--port", "0", "--callees", &z]));
    cases.push(v(&["sandbox", "--port", &z]));
    cases.push(v(&[&z]));
    let mut found = Vec::new();
    for args in &cases {
        let out = ran_within(sandbox.chimecall().args(args), Duration::from_secs(60));
        let what: Vec<String> = args.iter().map(|a| a.chars().take(20).collect()).collect();
        found.extend(long_message(&out, 'Z', &what.join(" ")));
        found.extend(long_message(&out, '9', &what.join(" ")));
    }
    // Variables.
    for (variable, args) in [
        (
            "CHIMECALL_SMA_ID",
            vec!["dial", "--to", "+12065550160", "--dry-run"],
        ),
        (
            "CHIMECALL_FROM",
            vec!["dial", "--to", "+12065550160", "--dry-run"],
        ),
        ("CHIMECALL_LOG_GROUP", vec!["tail", "tx-1"]),
        ("AWS_PROFILE", vec!["calls"]),
        ("AWS_REGION", vec!["tail", "tx-1"]),
        // CHIMECALL_JOURNAL is left out: the journal's own messages belong to its move to SQLite.
    ] {
        let out = ran_within(
            sandbox.chimecall().env(variable, &z).args(&args),
            Duration::from_secs(60),
        );
        found.extend(long_message(&out, 'Z', variable));
    }
    // Profile keys.
    for body in [
        format!("chimecall_sma_id = {z}"),
        format!("chimecall_from = {z}"),
        format!("chimecall_log_group = {z}"),
        format!("chimecall_{z} = 1"),
        format!("region = {z}"),
    ] {
        let config = profile_file(&dir, &body);
        let out = ran_within(
            sandbox
                .chimecall()
                .env_remove("CHIMECALL_SMA_ID")
                .env_remove("CHIMECALL_FROM")
                .env_remove("CHIMECALL_LOG_GROUP")
                .env("AWS_CONFIG_FILE", &config)
                .args(["dial", "--to", "+12065550160", "--dry-run"]),
            Duration::from_secs(60),
        );
        found.extend(long_message(&out, 'Z', &body[..20]));
    }
    // CSV cells, from a file and from stdin.
    for csv in [
        format!("to\n{z}\n"),
        format!("to,from\n+12065550160,{z}\n"),
        format!("to,id\n+12065550160,{z}\n+12065550161,{z}\n"),
        format!("to,arg.{z}\n+12065550160,v\n"),
        format!("to,sip.{z}\n+12065550160,v\n"),
        format!("to,sip.x-a\n+12065550160,{z}\n"),
        format!("{z}\n+12065550160\n"),
    ] {
        let path = write_file(&dir, "long.csv", csv.as_bytes());
        let out = ran_within(
            sandbox
                .chimecall()
                .args(["dial", "--dry-run", "--file"])
                .arg(&path),
            Duration::from_secs(60),
        );
        found.extend(long_message(&out, 'Z', &csv[..20]));
        let out = ran_with_stdin(
            sandbox
                .chimecall()
                .args(["dial", "--dry-run", "--file", "-"]),
            csv.as_bytes(),
        );
        found.extend(long_message(&out, 'Z', &format!("stdin {}", &csv[..20])));
    }
    // A line of `hangup -`.
    let out = ran_with_stdin(
        sandbox.chimecall().args(["hangup", "-"]),
        format!("{z}\n").as_bytes(),
    );
    found.extend(long_message(&out, 'Z', "hangup -"));
    assert!(found.is_empty(), "{}", found.join("\n"));
    assert_placed_exactly(&sandbox, &[]);
}

#[test]
fn smaller_messages_say_what_is_true() {
    let sandbox = Sandbox::start();
    let dir = fresh_dir("messages");
    let file = write_file(&dir, "one.csv", b"to\n+12065550170\n");
    // --redial with an empty class is a typo, not "nothing".
    let out = ran(sandbox
        .chimecall()
        .args(["dial", "--dry-run", "--redial", "busy,,no_answer", "--file"])
        .arg(&file));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("an empty class"), "{}", out.stderr);
    // --rate states the rule it checks: 0, or from 0.00001.
    for (rate, accepted) in [
        ("0", true),
        ("0.00001", true),
        ("0.000009", false),
        ("-1", false),
    ] {
        let out = ran(sandbox
            .chimecall()
            .args(["dial", "--dry-run", "--file"])
            .arg(&file)
            .arg(format!("--rate={rate}")));
        assert_eq!(out.code == 0, accepted, "--rate {rate}: {}", out.stderr);
        if !accepted {
            assert!(
                out.stderr.contains("0 (no limit) or from 0.00001"),
                "{}",
                out.stderr
            );
        }
    }
    // A future --since selects nothing: refused, for tail and the journal's commands alike.
    for args in [
        vec!["tail", "tx-1", "--since", "2999-01-01T00:00:00Z"],
        vec!["calls", "--offline", "--since", "2999-01-01T00:00:00Z"],
    ] {
        let out = ran(sandbox.chimecall().args(&args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains("is in the future"), "{}", out.stderr);
        assert_eq!(out.stdout, "");
    }
    // A negative duration is not "a integer".
    let out = ran(chimecall().args(["tail", "tx-1", "--follow", "--timeout=-1"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(!out.stderr.contains("a integer"), "{}", out.stderr);
    let callees = write_file(
        &dir,
        "callees.toml",
        b"[[callee]]\nnumber = \"+12065550111\"\nanswer_after = -1\n",
    );
    let out = ran(chimecall()
        .args(["sandbox", "--port", "0", "--callees"])
        .arg(&callees));
    assert_ne!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr.contains("-1 is not a duration: it is negative"),
        "{}",
        out.stderr
    );
    // One row, one dial: singular.
    let out = ran(sandbox
        .chimecall()
        .args(["dial", "--rate", "0", "--file"])
        .arg(&file));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("1 dial in "), "{}", out.stderr);
    let out = ran(sandbox.chimecall().args(["report"]));
    assert!(out.stdout.contains("1 row, 1 attempt"), "{}", out.stdout);
    let strict = ran(sandbox
        .chimecall()
        .args(["dial", "--dry-run", "--strict", "--file"])
        .arg(&file));
    assert!(
        !strict.stderr.contains("1 rows") && !strict.stdout.contains("1 rows"),
        "{}{}",
        strict.stdout,
        strict.stderr
    );
    crate::support::rewrite_journal(
        &sandbox.journal(),
        &[
            json!({"v": 1, "time": "2026-11-29T19:00:00.000Z", "type": "intent", "dial_id": "u1",
                "sma_id": sandbox.sma_id(), "from": "+12065550100", "to": "+12065550171"}),
            json!({"v": 1, "time": "2026-11-29T19:00:00.500Z", "type": "outcome",
                "dial_id": "u1", "outcome": "unknown"}),
        ],
    );
    let out = ran(sandbox.chimecall().args(["calls", "--offline"]));
    assert!(
        out.stderr.contains("1 dial has an unknown outcome"),
        "{}",
        out.stderr
    );
}
