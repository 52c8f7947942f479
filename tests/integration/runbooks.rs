//! Runbooks at scale: the journal, bulk dialing, resume, `calls`, `hangup --all` and `hangup -`.
//! What was placed is counted from the sandbox's own handler logs, not from chimecall's word.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::Stdio;

use serde_json::Value;

use crate::support::access_log;
use crate::support::{json_lines, run, Sandbox, Spawned, Stream};

/// A CSV of `count` distinct destinations with ids.
fn csv_file(dir: &std::path::Path, count: usize) -> std::path::PathBuf {
    let path = dir.join(format!("rows-{count}.csv"));
    let mut text = String::from("to,id,arg.ticket\n");
    for i in 0..count {
        text.push_str(&format!("+1206{:07},r{i},T-{i}\n", 1_000_000 + i));
    }
    std::fs::write(&path, text).unwrap();
    path
}

fn journal_lines(sandbox: &Sandbox) -> Vec<Value> {
    sandbox.journal_records()
}

fn count_by<T: Ord + Clone>(items: &[T]) -> BTreeMap<T, usize> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts.entry(item.clone()).or_insert(0) += 1;
    }
    counts
}

/// The bar: 1,000 rows, no rate limit, 32 in flight: all placed, each destination called
/// once (the sandbox's logs say so), 1,000 placed outcomes in the journal.
#[test]
fn a_thousand_rows_unlimited() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let dir = tempfile::tempdir().unwrap();
    let file = csv_file(dir.path(), 1000);
    let out = run(sandbox.chimecall().args([
        "--output",
        "json",
        "dial",
        "--max-active",
        "0",
        "--file",
        file.to_str().unwrap(),
        "--rate",
        "0",
        "--concurrency",
        "32",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let reports = json_lines(&out.stdout);
    assert_eq!(reports.len(), 1000);
    assert!(reports
        .iter()
        .all(|r| r["outcome"] == "placed" && r["transaction_id"].is_string()));
    let destinations = sandbox.placed_destinations();
    assert_eq!(destinations.len(), 1000);
    assert!(
        count_by(&destinations).values().all(|n| *n == 1),
        "a destination was called twice"
    );
    let journal = journal_lines(&sandbox);
    let placed = journal
        .iter()
        .filter(|r| r["type"] == "outcome" && r["outcome"] == "placed")
        .count();
    let intents = journal.iter().filter(|r| r["type"] == "intent").count();
    assert_eq!((intents, placed), (1000, 1000));
    assert!(out.stderr.contains("1000 placed"), "{}", out.stderr);
}

/// A run interrupted with SIGINT exits 130 with nothing lost; --resume completes it; every
/// destination has been called exactly once.
#[test]
fn an_interrupted_run_resumes_without_ringing_twice() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let dir = tempfile::tempdir().unwrap();
    let file = csv_file(dir.path(), 2000);
    let file = file.to_str().unwrap();
    let mut dial = Spawned::start(sandbox.chimecall().args([
        "--output",
        "json",
        "dial",
        "--max-active",
        "0",
        "--file",
        file,
        "--rate",
        "200",
    ]));
    // Interrupted once 100 rows are placed: well into the run, far from its end.
    dial.wait_for_lines(Stream::Stdout, "placed rows", 100, |_| true);
    dial.signal("INT");
    let first = dial.finish();
    assert_eq!(first.code, 130, "{}", first.stderr);
    let first_reports = json_lines(&first.stdout);
    assert!(
        (100..2000).contains(&first_reports.len()),
        "the interrupted run placed {} calls",
        first_reports.len()
    );
    // Nothing in flight was lost: every started row has its outcome in the journal.
    let journal = journal_lines(&sandbox);
    let intents = journal.iter().filter(|r| r["type"] == "intent").count();
    let outcomes = journal.iter().filter(|r| r["type"] == "outcome").count();
    assert_eq!(
        intents, outcomes,
        "an intent without an outcome after Ctrl-C"
    );
    assert_eq!(outcomes, first_reports.len());

    let second = run(sandbox.chimecall().args([
        "--output",
        "json",
        "dial",
        "--max-active",
        "0",
        "--file",
        file,
        "--rate",
        "0",
        "--resume",
    ]));
    assert_eq!(second.code, 0, "{}", second.stderr);
    let (skipped, second_reports): (Vec<Value>, Vec<Value>) = json_lines(&second.stdout)
        .into_iter()
        .partition(|r| r["outcome"] == "skipped");
    assert_eq!(first_reports.len() + second_reports.len(), 2000);
    assert_eq!(
        skipped.len(),
        first_reports.len(),
        "one skipped line per row already done"
    );
    assert!(second.stderr.contains("skipped"), "{}", second.stderr);

    let destinations = sandbox.placed_destinations();
    assert_eq!(destinations.len(), 2000);
    assert!(
        count_by(&destinations).values().all(|n| *n == 1),
        "a destination was called twice"
    );
}

/// --rate 10 for a few seconds: never more than 10 starts in any one-second window, as the
/// sandbox's own log timestamps show. (The exact-rate figures are in bench/, not here.)
#[test]
fn the_rate_is_never_exceeded() {
    let sandbox = Sandbox::start_with_access_log(&["--no-quotas"]);
    let dir = tempfile::tempdir().unwrap();
    let file = csv_file(dir.path(), 25);
    let out = run(sandbox.chimecall().args([
        "dial",
        "--max-active",
        "0",
        "--file",
        file.to_str().unwrap(),
        "--rate",
        "10",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    // Arrivals, where AWS measures a rate. Other tests load the machine, so allow 100 ms of
    // jitter each way; a burst (a bucket that fills while idle) would still show here. The exact
    // figures are bench/run.sh's.
    let lines = sandbox.access_log();
    let mut times: Vec<i64> = access_log::of_operation(&lines, "CreateSipMediaApplicationCall")
        .into_iter()
        .map(access_log::arrived_ms)
        .collect();
    times.sort_unstable();
    assert_eq!(times.len(), 25);
    let relative: Vec<i64> = times.iter().map(|t| t - times[0]).collect();
    assert!(
        access_log::busiest_window(&times, 900) <= 10,
        "more than 10 calls started within 0.9 s: {relative:?}"
    );
    let span = times.last().unwrap() - times.first().unwrap();
    assert!(
        span >= 2300,
        "25 calls at 10/s span about 2.4 s, not {span} ms: {relative:?}"
    );
}

#[test]
fn invalid_rows_are_reported_and_skipped_or_stop_a_strict_run() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.csv");
    let mut file = std::fs::File::create(&path).unwrap();
    file.write_all(b"to,id,sip.x-h\n+12065550123,good,v\n+0123,bad-number,v\n+12065550124,short\n+12065550125,bad-utf8,a\xffb\n").unwrap();
    drop(file);
    let path = path.to_str().unwrap();

    let strict = run(sandbox.chimecall().args([
        "dial",
        "--max-active",
        "0",
        "--file",
        path,
        "--rate",
        "0",
        "--strict",
    ]));
    assert_eq!(strict.code, 2, "{}", strict.stderr);
    for line in ["line 3", "line 4", "line 5"] {
        assert!(strict.stderr.contains(line), "{line}: {}", strict.stderr);
    }
    assert!(
        sandbox.placed_destinations().is_empty(),
        "--strict dialed something"
    );

    let lenient = run(sandbox.chimecall().args([
        "--output",
        "json",
        "dial",
        "--max-active",
        "0",
        "--file",
        path,
        "--rate",
        "0",
    ]));
    assert_eq!(lenient.code, 1, "{}", lenient.stderr);
    let reports = json_lines(&lenient.stdout);
    let outcomes: BTreeMap<String, String> = reports
        .iter()
        .map(|r| {
            (
                r["row"].as_str().unwrap().to_string(),
                r["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(outcomes["good"], "placed");
    assert_eq!(outcomes["bad-number"], "invalid");
    assert_eq!(outcomes["short"], "invalid");
    assert_eq!(outcomes["bad-utf8"], "invalid");
    assert_eq!(sandbox.placed_destinations(), ["+12065550123"]);
}

#[test]
fn a_bad_header_stops_before_anything_is_dialed() {
    let sandbox = Sandbox::start();
    let out = run(sandbox
        .chimecall()
        .args(["dial", "--max-active", "0", "--file", "-", "--rate", "0"])
        .stdin(Stdio::piped()));
    // stdin is closed: an empty file.
    assert_eq!(out.code, 2, "{}", out.stderr);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.csv");
    std::fs::write(&path, "phone\n+12065550123\n").unwrap();
    let out = run(sandbox.chimecall().args([
        "dial",
        "--max-active",
        "0",
        "--file",
        path.to_str().unwrap(),
    ]));
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("line 1"), "{}", out.stderr);
    assert!(sandbox.placed_destinations().is_empty());
}

#[test]
fn rows_from_stdin() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let mut child = sandbox
        .chimecall()
        .args([
            "dial",
            "--max-active",
            "0",
            "--file",
            "-",
            "--rate",
            "0",
            "--strict",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"to\n+12065550131\n+12065550132\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 2);
    assert!(
        text.lines().all(|l| l.split('\t').nth(2) == Some("placed")),
        "{text}"
    );
}

/// `calls --active`, `hangup --all`, and the `calls | jq | hangup -` pipeline.
#[test]
fn the_journal_drives_calls_and_hangups() {
    let sandbox = Sandbox::start_with(&["--no-quotas", "--answer-after", "100ms"]);
    let mut placed = Vec::new();
    for i in 0..4 {
        let out =
            run(sandbox
                .chimecall()
                .args(["dial", "--to", &format!("+1206555{:04}", 3000 + i)]));
        assert_eq!(out.code, 0, "{}", out.stderr);
        placed.push(out.stdout.trim().to_string());
    }
    let active = run(sandbox
        .chimecall()
        .args(["--output", "json", "calls", "--active"]));
    assert_eq!(active.code, 0, "{}", active.stderr);
    let listed: Vec<String> = json_lines(&active.stdout)
        .iter()
        .map(|c| c["transaction_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, placed);

    // Two of them through stdin, as `calls ... | jq ... | chimecall hangup -` would.
    let mut child = sandbox
        .chimecall()
        .args(["hangup", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(
        child.stdin.take().unwrap(),
        "{}\n\"{}\"\n",
        placed[0],
        placed[1]
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The rest with --all; the two already ended are not "active" any more... or are answered as gone.
    let all = run(sandbox
        .chimecall()
        .args(["--output", "json", "hangup", "--all", "--wait"]));
    assert_eq!(all.code, 0, "{}", all.stderr);
    // Every call has ended: the sandbox refuses any update of any of them.
    for tx in &placed {
        let out = run(sandbox.chimecall().args(["update", tx]));
        assert_eq!(out.code, 7, "{tx} is still live");
    }
    let active = run(sandbox.chimecall().args(["calls", "--active"]));
    assert_eq!(
        active.stdout, "",
        "calls --active after hangup --all --wait:\n{}",
        active.stdout
    );
}

#[test]
fn the_journal_records_waits_and_failures() {
    let sandbox = Sandbox::start_with(&["--no-quotas", "--answer-after", "100ms"]);
    let out = run(sandbox
        .chimecall()
        .args(["dial", "--to", "+12065550486", "--wait", "answered"]));
    assert_eq!(out.code, 5);
    let out =
        run(sandbox
            .chimecall()
            .args(["dial", "--to", "+12065550123", "--from", "+12065550199"]));
    assert_eq!(out.code, 2);
    let journal = journal_lines(&sandbox);
    let kinds: Vec<(String, String)> = journal
        .iter()
        .map(|r| {
            let detail = r["outcome"].as_str().or(r["state"].as_str()).unwrap_or("");
            (r["type"].as_str().unwrap().to_string(), detail.to_string())
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("intent", ""),
        ("outcome", "placed"),
        ("state", "ended"),
        ("intent", ""),
        ("outcome", "failed"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(kinds, expected);
    assert_eq!(journal[2]["answered"], false);
    assert_eq!(journal[2]["sip_response_code"], "486");
    assert_eq!(journal[4]["error"]["code"], "BadRequestException");
    for record in &journal {
        assert_eq!(record["v"], 1);
        assert!(record["time"].as_str().unwrap().ends_with('Z'));
    }
}

#[test]
fn an_unwritable_journal_stops_the_dial_before_sending() {
    let sandbox = Sandbox::start();
    let out = run(sandbox
        .chimecall()
        .env("CHIMECALL_JOURNAL", "/proc/no-such-dir/journal.jsonl")
        .args(["dial", "--to", "+12065550123"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("journal"), "{}", out.stderr);
    assert!(
        sandbox.placed_destinations().is_empty(),
        "a call was placed without its intent record"
    );
}

#[test]
fn two_runs_of_one_file_cannot_overlap() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let dir = tempfile::tempdir().unwrap();
    let file = csv_file(dir.path(), 20);
    let file = file.to_str().unwrap();
    let mut first = Spawned::start(sandbox.chimecall().args([
        "dial",
        "--max-active",
        "0",
        "--file",
        file,
        "--rate",
        "5",
    ]));
    // Its first row's report: it holds the file, with rows left to dial.
    first.wait_for_output(Stream::Stdout);
    let second =
        run(sandbox
            .chimecall()
            .args(["dial", "--max-active", "0", "--file", file, "--resume"]));
    assert_eq!(second.code, 3, "{}", second.stderr);
    assert!(
        second.stderr.contains("another chimecall is dialing"),
        "{}",
        second.stderr
    );
    let first = first.finish();
    assert_eq!(first.code, 0, "{}", first.stderr);
    let destinations = sandbox.placed_destinations();
    assert_eq!(destinations.len(), 20);
    assert!(count_by(&destinations).values().all(|n| *n == 1));
}

#[test]
fn resume_refuses_a_key_that_now_calls_someone_else_and_reports_unknowns() {
    let sandbox = Sandbox::start_with(&["--fault", "drop-after=1"]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("list.csv");
    std::fs::write(&path, "to,id\n+12065550141,alice\n").unwrap();
    let path = path.to_str().unwrap();
    // Dropped answer and no request id: the outcome stays unknown.
    let first = run(sandbox.chimecall().args([
        "dial",
        "--max-active",
        "0",
        "--file",
        path,
        "--rate",
        "0",
        "--no-request-id",
    ]));
    assert_eq!(first.code, 8, "{}", first.stderr);
    let again = run(sandbox.chimecall().args([
        "--output",
        "json",
        "dial",
        "--max-active",
        "0",
        "--file",
        path,
        "--resume",
    ]));
    assert_eq!(
        again.code, 8,
        "a skipped unknown row is still unknown: {}",
        again.stderr
    );
    let reports = json_lines(&again.stdout);
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["outcome"], "skipped");

    std::fs::write(path, "to,id\n+12065550142,alice\n").unwrap();
    let changed = run(sandbox.chimecall().args([
        "--output",
        "json",
        "dial",
        "--max-active",
        "0",
        "--file",
        path,
        "--resume",
    ]));
    assert_eq!(changed.code, 1, "{}", changed.stderr);
    let reports = json_lines(&changed.stdout);
    assert_eq!(reports[0]["outcome"], "invalid");
    assert!(reports[0]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("+12065550141"));
    assert_eq!(sandbox.placed_destinations(), ["+12065550141"]);
}

#[test]
fn absurd_rates_are_usage_errors() {
    let sandbox = Sandbox::start();
    for rate in ["1e-300", "-1", "NaN", "inf", "0.000001"] {
        let out = run(sandbox.chimecall().args([
            "dial",
            "--max-active",
            "0",
            "--file",
            "-",
            "--rate",
            rate,
        ]));
        assert_eq!(out.code, 2, "{rate}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"));
    }
}

/// `resolve` says "not placed" only with proof: other calls' NEW_OUTBOUND_CALL events logged after
/// the dial. Any other log line proves nothing.
#[test]
fn not_placed_needs_proof_from_the_logs() {
    let sandbox = Sandbox::start_with_access_log(&["--fault", "error-before=1"]);
    let out = run(sandbox.chimecall().args(["dial", "--to", "+12065550151"]));
    assert_eq!(out.code, 8, "{}", out.stderr);
    // Lines logged from now on are past the dial by more than --settle.
    sandbox.wait_for_logs_past_creates(1100);
    let group = "/aws/lambda/chimecall-sandbox-handler";
    crate::support::put_log_lines(
        &sandbox,
        group,
        &["START RequestId: x Version: $LATEST".to_string()],
    );
    let resolve = |sandbox: &Sandbox| {
        run(sandbox.chimecall().args([
            "--output",
            "json",
            "resolve",
            "--settle",
            "1s",
            "--min-age",
            "0s",
        ]))
    };
    let first = resolve(&sandbox);
    assert_eq!(first.code, 8, "{}", first.stderr);
    assert_eq!(json_lines(&first.stdout)[0]["resolution"], "unknown");
    let other_call = serde_json::json!({
        "SchemaVersion": "1.0", "Sequence": 1, "InvocationEventType": "NEW_OUTBOUND_CALL",
        "CallDetails": {"TransactionId": "00000000-0000-4000-8000-00000000bbbb"}
    });
    crate::support::put_log_lines(&sandbox, group, &[format!("Request: {other_call}")]);
    let second = resolve(&sandbox);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert_eq!(json_lines(&second.stdout)[0]["resolution"], "not_placed");
}

/// Ctrl-C during a throttle storm: rows waiting to retry a 429 are not sent again, so the run
/// stops promptly instead of working through its retries.
#[test]
fn ctrl_c_stops_throttle_retries() {
    let sandbox = Sandbox::start_with_access_log(&["--no-quotas", "--throttle-cps", "2"]);
    let dir = tempfile::tempdir().unwrap();
    let file = csv_file(dir.path(), 60);
    let mut dial = Spawned::start(sandbox.chimecall().args([
        "dial",
        "--max-active",
        "0",
        "--file",
        file.to_str().unwrap(),
        "--rate",
        "0",
        "--concurrency",
        "16",
    ]));
    // Once a row is placed, the other 15 at once have met 429s and wait to retry.
    dial.wait_for_output(Stream::Stdout);
    let interrupted_at = dial.signal("INT");
    let out = dial.finish();
    assert_eq!(out.code, 130, "{}", out.stderr);
    // Stopped promptly, as the sandbox saw it: after the signal, no more creates than the 16
    // that may have been on their way; working through the retries would send dozens.
    let lines = sandbox.access_log();
    let creates = access_log::of_operation(&lines, "CreateSipMediaApplicationCall");
    let after = access_log::arrived_since(&creates, interrupted_at);
    assert!(
        after.len() <= 16,
        "{} creates after Ctrl-C: {after:#?}",
        after.len()
    );
    let placed_after = sandbox.placed_destinations().len();
    assert!(
        placed_after < 60,
        "every row was still placed: {placed_after}"
    );
    let journal = journal_lines(&sandbox);
    let intents = journal.iter().filter(|r| r["type"] == "intent").count();
    let outcomes = journal.iter().filter(|r| r["type"] == "outcome").count();
    assert_eq!(intents, outcomes, "every request sent has its outcome");
}

/// The file: a quote that opens in dave's row and never closes takes that row alone.
/// --strict names the quote's line, counts the rows as a person reads them and dials nobody;
/// without it the three good rows (erin's, after the quote, included) are each dialed once.
#[test]
fn an_unterminated_quote_takes_only_its_own_row() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("quote.csv");
    std::fs::write(
        &path,
        "to,id,arg.ticket\n+12065550161,alice,INC-40\n+12065550162,bob,INC-41\ndave,\"+12065550163,INC-43\n+12065550164,erin,INC-44\n",
    )
    .unwrap();
    let path = path.to_str().unwrap();
    let never = "line 4: column 2 opens a quote that never closes: it runs to the end of the file \
                 (line 5), taking in 1 more line";

    let strict = run(sandbox.chimecall().args([
        "dial",
        "--max-active",
        "0",
        "--file",
        path,
        "--rate",
        "0",
        "--strict",
    ]));
    assert_eq!(strict.code, 2, "{}", strict.stderr);
    assert!(strict.stderr.contains(never), "{}", strict.stderr);
    assert!(
        strict.stderr.contains("--strict: 1 of 4 rows is invalid"),
        "{}",
        strict.stderr
    );
    assert!(
        sandbox.placed_destinations().is_empty(),
        "--strict dialed something"
    );

    let lenient = run(sandbox.chimecall().args([
        "--output",
        "json",
        "dial",
        "--max-active",
        "0",
        "--file",
        path,
        "--rate",
        "0",
    ]));
    assert_eq!(lenient.code, 1, "{}", lenient.stderr);
    let reports = json_lines(&lenient.stdout);
    let outcomes: BTreeMap<String, (u64, String)> = reports
        .iter()
        .map(|r| {
            (
                r["row"].as_str().unwrap().to_string(),
                (
                    r["line"].as_u64().unwrap(),
                    r["outcome"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect();
    let wanted: BTreeMap<String, (u64, String)> = [
        ("alice", 2, "placed"),
        ("bob", 3, "placed"),
        ("4:dave", 4, "invalid"),
        ("erin", 5, "placed"),
    ]
    .into_iter()
    .map(|(row, line, outcome)| (row.to_string(), (line, outcome.to_string())))
    .collect();
    assert_eq!(outcomes, wanted, "{}", lenient.stdout);
    let dave = reports.iter().find(|r| r["row"] == "4:dave").unwrap();
    assert_eq!(dave["error"]["message"], never, "{dave}");
    let mut placed = sandbox.placed_destinations();
    placed.sort();
    assert_eq!(placed, ["+12065550161", "+12065550162", "+12065550164"]);
}
