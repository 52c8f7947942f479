//! Campaigns (issue 10's bar): bulk runs that wait for every call's end, keep under the account's
//! live calls, redial, resume after faults, refuse to run a file twice, and report. Scripted
//! callees behind a handler that listens for one key, simulated time sped up; what was placed is
//! counted from the sandbox's own handler logs, what the service saw from its access log.

mod setup;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::access_log::{self, busiest_second, of_operation};
use crate::support::{
    fresh_dir, json_lines, put_log_lines, run, wait_for_handler_events, Sandbox, Spawned, Stream,
};
use setup::{
    class_of, count_field, csv, journal, number, path_str, placed_per_destination, records,
    rows_of, Callee, Campaign,
};

/// The bar: 30 rows (10 press 1, 10 busy, 10 never answer) against a fresh account's quotas with
/// creates raised to 50/s: every end learned, no create refused over the live-call quota, the
/// logs read within budget; `report` agrees, its page is self-contained, nothing is left live.
#[test]
fn a_thirty_row_campaign_learns_how_every_call_ended() {
    let campaign = Campaign::start(&["--quota", "create-rate=50"]);
    let sandbox = &campaign.sandbox;
    let mut rows = Vec::new();
    for i in 0..10 {
        rows.push((format!("a{i}"), number(Callee::Presses1, i)));
        rows.push((format!("b{i}"), number(Callee::Busy, i)));
        rows.push((format!("n{i}"), number(Callee::NoAnswer, i)));
    }
    let file = csv(&rows);
    let out = run(sandbox.chimecall().args([
        "-o",
        "json",
        "dial",
        "--file",
        path_str(&file),
        "--wait",
        "ended",
        "--rate",
        "50",
    ]));
    // Busy and unanswered rows ended unsuccessfully after their one attempt.
    assert_eq!(out.code, 5, "{}", out.stderr);
    let got = records(&out.stdout);
    assert_eq!(got.placements.len(), 30, "{}", out.stdout);
    assert!(
        got.placements
            .iter()
            .all(|p| p["outcome"] == "placed" && p["attempt"] == 1),
        "{}",
        out.stdout
    );
    assert_eq!(got.ends.len(), 30, "one end record per row: {}", out.stdout);
    let placed_tx: BTreeMap<&str, &str> = got
        .placements
        .iter()
        .map(|p| {
            (
                p["row"].as_str().unwrap(),
                p["transaction_id"].as_str().unwrap(),
            )
        })
        .collect();
    for end in &got.ends {
        let row = end["row"].as_str().unwrap();
        assert_eq!(end["transaction_id"], placed_tx[row], "{end}");
        assert_eq!(end["attempt"], 1, "{end}");
        // A row succeeds on its answer: the run does not wait for that call to end, so one still
        // up when the last row settles is reported with its success and `live`.
        if end["live"] == true {
            assert_eq!(
                class_of(end["to"].as_str().unwrap()),
                Callee::Presses1,
                "{end}"
            );
            assert_eq!(end["disposition"], "answered", "{end}");
            continue;
        }
        let expected = match class_of(end["to"].as_str().unwrap()) {
            Callee::Presses1 => json!(["answered", true, "1", "callee"]),
            Callee::Busy => json!(["busy", false, "", "callee"]),
            Callee::NoAnswer => json!(["no_answer", false, "", "service"]),
            other => panic!("{other:?}"),
        };
        let seen = json!([
            end["disposition"],
            end["answered"],
            end["digits"],
            end["ended_by"]
        ]);
        assert_eq!(seen, expected, "{end}");
        match end["disposition"].as_str() {
            Some("busy") => assert_eq!(end["sip_response_code"], "486", "{end}"),
            Some("no_answer") => assert_eq!(end["sip_response_code"], "480", "{end}"),
            _ => {}
        }
        if end["answered"] == true {
            assert!(end["ring_ms"].as_i64().is_some_and(|ms| ms > 0), "{end}");
            assert!(
                end["duration_ms"].as_i64().is_some_and(|ms| ms > 0),
                "{end}"
            );
        }
    }
    assert_eq!(
        count_field(&got.ends, "disposition"),
        BTreeMap::from([
            ("answered".to_string(), 10),
            ("busy".to_string(), 10),
            ("no_answer".to_string(), 10)
        ])
    );
    let placed = placed_per_destination(sandbox, &[]);
    assert_eq!(placed.len(), 30, "{placed:?}");
    assert!(placed.values().all(|n| *n == 1), "{placed:?}");

    // What the service saw of the run.
    let lines = campaign.access_log();
    let refused: Vec<&Value> = lines
        .iter()
        .filter(|l| l["error"] == "ResourceLimitExceededException")
        .collect();
    assert!(refused.is_empty(), "over the live-call quota: {refused:#?}");
    let filters = of_operation(&lines, "FilterLogEvents");
    assert!(!filters.is_empty(), "the run never read the logs");
    let busiest = busiest_second(&filters);
    assert!(
        busiest <= 3,
        "{busiest} FilterLogEvents in one second (the budget is 2 a second)"
    );

    // A row succeeds on its answer: the run does not wait for that call to end, so a call
    // or two may still be up. `calls` journals their ends (and digits) once they come.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !json_lines(
        &run(sandbox
            .chimecall()
            .args(["-o", "json", "calls", "--active"]))
        .stdout,
    )
    .is_empty()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "calls still up after 60 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    // report: the same counts, in text and in JSON.
    let text = run_report(sandbox, &["report", "--batch", path_str(&file)]);
    assert!(
        text.contains("30 rows, 30 attempts: 10 answered, 10 busy, 10 no_answer"),
        "{text}"
    );
    assert!(text.contains("digits entered: 1 ×10"), "{text}");
    assert!(text.contains("still unknown: 0, still live: 0"), "{text}");
    let json_report = json_lines(&run_report(
        sandbox,
        &["-o", "json", "report", "--batch", path_str(&file)],
    ));
    assert_eq!(json_report.len(), 1, "{json_report:?}");
    let batch = &json_report[0];
    assert_eq!(batch["type"], "batch");
    assert_eq!(
        batch["dispositions"],
        json!({"answered": 10, "busy": 10, "no_answer": 10})
    );
    assert_eq!(
        (&batch["rows"], &batch["attempts"]),
        (&json!(30), &json!(30))
    );
    assert_eq!(batch["digits"], json!({"1": 10}));
    assert_eq!((&batch["unknown"], &batch["live"]), (&json!(0), &json!(0)));

    // report --html: one page, nothing fetched, the charts as inline SVG.
    let page_path = fresh_dir("report").join("report.html");
    run_report(
        sandbox,
        &[
            "report",
            "--batch",
            path_str(&file),
            "--html",
            path_str(&page_path),
        ],
    );
    let page = std::fs::read_to_string(&page_path).expect("the page was written");
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert_eq!(page.matches("<html").count(), 1);
    assert_eq!(page.matches("</html>").count(), 1);
    for fetch in ["http://", "https://", "<script", "<link", "@import", "url("] {
        assert!(!page.contains(fetch), "the page fetches: {fetch:?}");
    }
    assert!(page.contains("<style>"), "inline CSS");
    assert_eq!(
        page.matches("<svg").count(),
        2,
        "the breakdown and the timeline"
    );
    assert_eq!(
        page.matches("<rect class=\"call\"").count(),
        30,
        "one bar per call"
    );
    // The busy and unanswered rows need attention, each with its TransactionId.
    let attention = &page[page.find("Rows that need attention").expect("attention")..];
    assert_eq!(attention.matches("<tr><td>").count(), 20, "{attention}");
    for (row, tx) in &placed_tx {
        assert_eq!(
            attention.contains(tx),
            !row.starts_with('a'),
            "row {row} ({tx})"
        );
    }

    // Every call has ended, and `calls --active` says so.
    let active = run(sandbox
        .chimecall()
        .args(["-o", "json", "calls", "--active"]));
    assert_eq!(active.code, 0, "{}", active.stderr);
    assert_eq!(active.stdout, "", "still active: {}", active.stdout);
}

fn run_report(sandbox: &Sandbox, args: &[&str]) -> String {
    let out = run(sandbox.chimecall().args(args));
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    out.stdout
}

/// The bar: `--max-active 0` against 5 calls already live (someone else's): the run meets the
/// account's quota of 10 and places each of its 20 rows once, none counted as failed.
#[test]
fn max_active_0_against_five_live_calls_places_every_row_once() {
    let campaign = Campaign::start(&["--quota", "create-rate=50"]);
    let sandbox = &campaign.sandbox;
    let others = csv(&rows_of(Callee::StaysUp, "other", 5));
    let out = run(sandbox.chimecall().args([
        "dial",
        "--file",
        path_str(&others),
        "--batch",
        "others",
        "--rate",
        "50",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);

    let file = csv(&rows_of(Callee::Short, "r", 20));
    let out = run(sandbox.chimecall().args([
        "-o",
        "json",
        "dial",
        "--file",
        path_str(&file),
        "--max-active",
        "0",
        "--rate",
        "0",
        "--wait",
        "ended",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let got = records(&out.stdout);
    assert_eq!(got.placements.len(), 20, "{}", out.stdout);
    assert!(
        got.placements.iter().all(|p| p["outcome"] == "placed"),
        "{}",
        out.stdout
    );
    assert_eq!(
        count_field(&got.ends, "disposition"),
        BTreeMap::from([("answered".to_string(), 20)]),
        "{}",
        out.stdout
    );
    let placed = placed_per_destination(sandbox, &[]);
    assert_eq!(placed.len(), 25, "{placed:?}");
    assert!(placed.values().all(|n| *n == 1), "{placed:?}");
    // The account's quota, not chimecall's, held the run back.
    let refused = of_operation(&campaign.access_log(), "CreateSipMediaApplicationCall")
        .into_iter()
        .filter(|l| l["error"] == "ResourceLimitExceededException")
        .count();
    assert!(refused > 0, "the run never met the live-call quota");
    // The five others are still up; the run's calls end soon after their rows succeeded (the
    // run does not wait for a call whose row succeeded).
    let others: BTreeSet<String> = (0..5).map(|i| format!("other{i}")).collect();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let active = run_json(sandbox, &["calls", "--active"]);
        let rows: BTreeSet<String> = active
            .iter()
            .map(|c| c["row"].as_str().unwrap_or_default().to_string())
            .collect();
        if rows == others {
            break;
        }
        assert!(rows.is_superset(&others), "{active:?}");
        assert!(std::time::Instant::now() < deadline, "{active:?}");
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
}

fn run_json(sandbox: &Sandbox, args: &[&str]) -> Vec<Value> {
    let out = run(sandbox.chimecall().arg("-o").arg("json").args(args));
    assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    json_lines(&out.stdout)
}

/// The attempts of each row, in order: (attempt, disposition) from the end records.
fn attempts_by_row(ends: &[Value]) -> BTreeMap<String, Vec<(u64, String)>> {
    let mut by_row: BTreeMap<String, Vec<(u64, String)>> = BTreeMap::new();
    for end in ends {
        by_row
            .entry(end["row"].as_str().unwrap().to_string())
            .or_default()
            .push((
                end["attempt"].as_u64().unwrap(),
                end["disposition"].as_str().unwrap().to_string(),
            ));
    }
    by_row
}

/// The bar: `--attempts 2` dials answered rows once and busy / no_answer rows twice, each attempt
/// its own numbered intent, decided (a `redial` record) before it is dialed.
#[test]
fn attempts_2_redials_busy_and_no_answer_rows_only() {
    let campaign = Campaign::start(&["--quota", "create-rate=50"]);
    let sandbox = &campaign.sandbox;
    let mut rows = rows_of(Callee::Short, "a", 3);
    rows.extend(rows_of(Callee::Busy, "b", 3));
    rows.extend(rows_of(Callee::NoAnswer, "n", 3));
    let file = csv(&rows);
    let out = run(sandbox.chimecall().args([
        "-o",
        "json",
        "dial",
        "--file",
        path_str(&file),
        "--wait",
        "ended",
        "--rate",
        "50",
        "--attempts",
        "2",
        "--redial-after",
        "500ms",
    ]));
    assert_eq!(out.code, 5, "{}", out.stderr);
    let got = records(&out.stdout);
    let attempts = attempts_by_row(&got.ends);
    for (row, to) in &rows {
        let expected: Vec<(u64, String)> = match class_of(to) {
            Callee::Short => vec![(1, "answered".into())],
            Callee::Busy => vec![(1, "busy".into()), (2, "busy".into())],
            Callee::NoAnswer => vec![(1, "no_answer".into()), (2, "no_answer".into())],
            other => panic!("{other:?}"),
        };
        assert_eq!(attempts[row], expected, "row {row}: {}", out.stdout);
    }
    let placement_attempts = count_field(&got.placements, "attempt");
    assert_eq!(
        placement_attempts,
        BTreeMap::from([("1".to_string(), 9), ("2".to_string(), 6)]),
        "{}",
        out.stdout
    );
    let placed = placed_per_destination(sandbox, &[]);
    for (_, to) in &rows {
        let times = if class_of(to) == Callee::Short { 1 } else { 2 };
        assert_eq!(placed.get(to), Some(&times), "{to}: {placed:?}");
    }
    // The journal: a redial decision before each second attempt's intent.
    let records = journal(sandbox);
    for (row, to) in &rows {
        let of_row: Vec<&Value> = records
            .iter()
            .filter(|r| r["row"] == row.as_str())
            .collect();
        let intents: Vec<u64> = of_row
            .iter()
            .filter(|r| r["type"] == "intent")
            .map(|r| r["attempt"].as_u64().unwrap_or(1))
            .collect();
        let redial = of_row.iter().position(|r| r["type"] == "redial");
        if class_of(to) == Callee::Short {
            assert_eq!(intents, [1], "{row}");
            assert_eq!(redial, None, "{row}");
        } else {
            assert_eq!(intents, [1, 2], "{row}");
            let redial = redial.expect("a redial record");
            let second = of_row
                .iter()
                .position(|r| r["type"] == "intent" && r["attempt"] == 2)
                .unwrap();
            assert!(redial < second, "{row}: decided after it was dialed");
            assert_eq!(of_row[redial]["attempt"], 2);
            let because = if class_of(to) == Callee::Busy {
                "busy"
            } else {
                "no_answer"
            };
            assert_eq!(of_row[redial]["because"], because, "{row}");
        }
    }
}

/// The bar: `--success digits:1 --redial unacknowledged` redials those who pressed 2, and not
/// those who pressed 1.
#[test]
fn success_digits_1_redials_those_who_pressed_2() {
    let campaign = Campaign::start(&["--quota", "create-rate=50"]);
    let sandbox = &campaign.sandbox;
    let mut rows = rows_of(Callee::Presses1, "one", 3);
    rows.extend(rows_of(Callee::Presses2, "two", 3));
    let file = csv(&rows);
    let out = run(sandbox.chimecall().args([
        "-o",
        "json",
        "dial",
        "--file",
        path_str(&file),
        "--wait",
        "ended",
        "--rate",
        "50",
        "--attempts",
        "2",
        "--redial-after",
        "500ms",
        "--success",
        "digits:1",
        "--redial",
        "unacknowledged",
    ]));
    assert_eq!(out.code, 5, "{}", out.stderr);
    let got = records(&out.stdout);
    let attempts = attempts_by_row(&got.ends);
    for (row, to) in &rows {
        let expected: Vec<(u64, String)> = match class_of(to) {
            Callee::Presses1 => vec![(1, "answered".into())],
            _ => vec![(1, "unacknowledged".into()), (2, "unacknowledged".into())],
        };
        assert_eq!(attempts[row], expected, "row {row}: {}", out.stdout);
    }
    for end in &got.ends {
        let digits = if class_of(end["to"].as_str().unwrap()) == Callee::Presses1 {
            "1"
        } else {
            "2"
        };
        assert_eq!(end["digits"], digits, "{end}");
        assert_eq!(end["answered"], true, "{end}");
    }
    let placed = placed_per_destination(sandbox, &[]);
    for (_, to) in &rows {
        let times = if class_of(to) == Callee::Presses1 {
            1
        } else {
            2
        };
        assert_eq!(placed.get(to), Some(&times), "{to}: {placed:?}");
    }
    let report = run_json(sandbox, &["report", "--batch", path_str(&file)]);
    assert_eq!(
        report[0]["dispositions"],
        json!({"answered": 3, "unacknowledged": 3})
    );
}

/// The marker call's TransactionId: logged by the test, not placed by the sandbox.
const MARKER_TRANSACTION: &str = "00000000-0000-4000-8000-00000000bbbb";

/// Another call's NEW_OUTBOUND_CALL, logged after the dials so that `resolve` may take the logs'
/// silence about a dial as proof that it was never placed.
fn log_marker_call(sandbox: &Sandbox) {
    let event = json!({
        "SchemaVersion": "1.0", "Sequence": 1, "InvocationEventType": "NEW_OUTBOUND_CALL",
        "CallDetails": {"TransactionId": MARKER_TRANSACTION,
            "Participants": [{"ParticipantTag": "LEG-A", "To": "+12065559999"}]}
    });
    put_log_lines(
        sandbox,
        "/aws/lambda/chimecall-sandbox-handler",
        &[format!("Request: {event}")],
    );
}

/// The bar: after faults (creates that fail before anything is done, and creates done whose
/// answer is lost), `resolve` then `--resume --redial not_placed` leaves every row placed exactly
/// once, however many rounds the faults take (the not_placed budget is per run).
#[test]
fn resolve_then_resume_redial_not_placed_places_every_row_once() {
    let campaign = Campaign::start(&[
        "--no-quotas",
        "--fault",
        "error-before=0.4",
        "--fault",
        "drop-after=0.2",
    ]);
    let sandbox = &campaign.sandbox;
    let rows = rows_of(Callee::Busy, "r", 20);
    let file = csv(&rows);
    // One request at a time, so the fault dice fall the same way every run. Without request ids
    // the run does not wait for the logs to find its unknown rows: resolve does that.
    let dial = |resume: bool| {
        let mut cmd = sandbox.chimecall();
        cmd.args([
            "-o",
            "json",
            "dial",
            "--no-request-id",
            "--file",
            path_str(&file),
            "--rate",
            "0",
            "--concurrency",
            "1",
            "--max-active",
            "0",
        ]);
        if resume {
            cmd.args(["--resume", "--redial", "not_placed"]);
        }
        run(&mut cmd)
    };
    let first = dial(false);
    assert_eq!(first.code, 8, "faults leave rows unknown: {}", first.stderr);
    let mut rounds = 0;
    let mut redialed_again = 0;
    loop {
        rounds += 1;
        assert!(rounds <= 6, "rows still not placed after {rounds} rounds");
        // Logs that reach past every dial, so silence is proof; then resolve.
        sandbox.wait_for_logs_past_creates(1100);
        log_marker_call(sandbox);
        let resolve =
            run(sandbox
                .chimecall()
                .args(["resolve", "--settle", "1s", "--min-age", "0s"]));
        assert_eq!(resolve.code, 0, "every dial settles: {}", resolve.stderr);
        let resumed = dial(true);
        assert!(
            [0, 8].contains(&resumed.code),
            "exit {}: {}",
            resumed.code,
            resumed.stderr
        );
        let reports = json_lines(&resumed.stdout);
        let dialed: Vec<&Value> = reports
            .iter()
            .filter(|r| r["outcome"] != "skipped")
            .collect();
        if rounds > 1 {
            redialed_again += dialed.len();
        }
        if resumed.code == 0 && dialed.iter().all(|r| r["outcome"] == "placed") {
            break;
        }
    }
    let placed = placed_per_destination(sandbox, &[MARKER_TRANSACTION]);
    let twice: Vec<_> = placed.iter().filter(|(_, n)| **n != 1).collect();
    assert!(twice.is_empty(), "called more than once: {twice:?}");
    let expected: BTreeSet<&str> = rows.iter().map(|(_, to)| to.as_str()).collect();
    let got: BTreeSet<&str> = placed.keys().map(String::as_str).collect();
    if got != expected {
        let report =
            run(sandbox
                .chimecall()
                .args(["report", "--rows", "--batch", path_str(&file)]));
        panic!(
            "rows never placed: {:?}\n{}",
            expected.difference(&got).collect::<Vec<_>>(),
            report.stdout
        );
    }
    // The faults did strike redials too: a row proven not placed twice was still finished.
    assert!(
        redialed_again > 0,
        "the seed never made a redial fail: the test proves less than it says"
    );
    // And a last resume has nothing left to do.
    let last = dial(true);
    assert_eq!(last.code, 0, "{}", last.stderr);
    assert!(
        json_lines(&last.stdout)
            .iter()
            .all(|r| r["outcome"] == "skipped"),
        "{}",
        last.stdout
    );
}

/// The bar: a finished file run again without `--resume` is refused (exit 2), dials nobody, and
/// says what to do; the run's lock file is gone.
#[test]
fn running_a_finished_file_again_is_refused() {
    let campaign = Campaign::start(&["--quota", "create-rate=50"]);
    let sandbox = &campaign.sandbox;
    let file = csv(&rows_of(Callee::Busy, "r", 3));
    let args = ["dial", "--file", path_str(&file), "--rate", "50"];
    let first = run(sandbox.chimecall().args(args));
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(sandbox.placed_destinations().len(), 3);

    let again = run(sandbox.chimecall().args(args));
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert_eq!(again.stdout, "", "nothing dialed, nothing printed");
    for words in ["3 rows dialed", "--resume", "--again", "Nothing was dialed"] {
        assert!(again.stderr.contains(words), "{words:?}: {}", again.stderr);
    }
    assert_eq!(
        sandbox.placed_destinations().len(),
        3,
        "nobody dialed again"
    );
    let creates = of_operation(&campaign.access_log(), "CreateSipMediaApplicationCall").len();
    assert_eq!(creates, 3, "no create was even sent");
    let locks: Vec<_> = std::fs::read_dir(sandbox.journal().parent().unwrap())
        .unwrap()
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".lock"))
        .collect();
    assert!(locks.is_empty(), "lock files left: {locks:?}");
}

/// The bar: `--dry-run` of a file places nothing, writes nothing, and shows each row with its
/// line (invalid ones too), then what the run would take.
#[test]
fn a_dry_run_of_a_file_places_nothing() {
    let sandbox = Sandbox::start();
    let file = fresh_dir("rows").join("rows.csv");
    std::fs::write(
        &file,
        format!(
            "to\n{}\n+1-not-a-number\n{}\n{}\n",
            number(Callee::Short, 0),
            number(Callee::Short, 1),
            number(Callee::Short, 2)
        ),
    )
    .unwrap();
    let out = run(sandbox.chimecall().args([
        "-o",
        "json",
        "dial",
        "--file",
        path_str(&file),
        "--dry-run",
        "--rate",
        "2",
    ]));
    assert_eq!(out.code, 2, "an invalid row: {}", out.stderr);
    let lines = json_lines(&out.stdout);
    let shown: Vec<(u64, &str)> = lines
        .iter()
        .filter(|l| l.get("outcome").is_some())
        .map(|l| (l["line"].as_u64().unwrap(), l["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(
        shown,
        [
            (2, "would_dial"),
            (3, "invalid"),
            (4, "would_dial"),
            (5, "would_dial")
        ]
    );
    let summary = lines.last().unwrap();
    assert_eq!(
        summary,
        &json!({"dry_run": true, "rows": 4, "would_dial": 3, "invalid": 1, "rate": 2.0,
                "expected_seconds": 1.0, "max_active": 10, "attempts": 1})
    );
    assert!(out.stderr.contains("line 3"), "{}", out.stderr);
    // Text: the row keys carry the line numbers, and the summary says nothing was dialed.
    let text = run(sandbox
        .chimecall()
        .args(["dial", "--file", path_str(&file), "--dry-run"]));
    assert_eq!(text.code, 2, "{}", text.stderr);
    assert!(
        text.stdout.contains(&format!(
            "2:{}\t{}\twould_dial",
            number(Callee::Short, 0),
            number(Callee::Short, 0)
        )),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("\tinvalid\t"), "{}", text.stdout);
    assert!(
        text.stdout.contains("nothing was dialed"),
        "{}",
        text.stdout
    );

    assert!(sandbox.placed_destinations().is_empty());
    let journal = std::fs::read_to_string(sandbox.journal()).unwrap_or_default();
    assert_eq!(journal, "", "a dry run writes nothing");
}

/// The bar: `tail --follow --timeout 3s` of an id that has no events says so and exits 6, at the
/// timeout.
#[test]
fn tail_follow_of_an_id_with_no_events_says_so_and_times_out() {
    let sandbox = Sandbox::start_with_access_log(&["--no-quotas", "--answer-after", "100ms"]);
    // The handler's log group exists and has a call: only the id is wrong.
    let out = run(sandbox
        .chimecall()
        .args(["dial", "--to", "+12065550487", "--wait", "ended"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let wrong = "5f8e2a41-0000-4000-8000-000000000000";
    let tail_started = access_log::now_ms();
    let started = Instant::now();
    let out = run(sandbox
        .chimecall()
        .args(["tail", "--follow", "--timeout", "3s", wrong]));
    let took = started.elapsed();
    assert_eq!(out.code, 6, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    // Not before the timeout (a lower bound a loaded machine cannot break) ...
    assert!(
        took >= Duration::from_millis(2900),
        "gave up after {took:?}"
    );
    // ... and at it: the sandbox saw its last look within the 3 s of its first (and a second of
    // slack for a request sent just before the deadline). The wall clock only bounds a hang.
    let lines = sandbox.access_log();
    let looks: Vec<i64> =
        access_log::arrived_since(&of_operation(&lines, "FilterLogEvents"), tail_started)
            .into_iter()
            .map(access_log::arrived_ms)
            .collect();
    let (first, last) = (looks.iter().min().unwrap(), looks.iter().max().unwrap());
    assert!(
        last - first <= 4000,
        "the tail looked for {} ms: {looks:?}",
        last - first
    );
    assert!(took < Duration::from_secs(60), "gave up after {took:?}");
    for words in [
        "no events",
        wrong,
        "/aws/lambda/chimecall-sandbox-handler",
        "TransactionId",
        "log group",
    ] {
        assert!(out.stderr.contains(words), "{words:?}: {}", out.stderr);
    }
}

/// `hangup --all --batch NAME` ends only that run's calls.
#[test]
fn hangup_all_of_one_batch_ends_only_its_calls() {
    let campaign = Campaign::start(&["--quota", "create-rate=50"]);
    let sandbox = &campaign.sandbox;
    let first = csv(&rows_of(Callee::StaysUp, "a", 3));
    let second = csv(&(3..6)
        .map(|i| (format!("b{i}"), number(Callee::StaysUp, i)))
        .collect::<Vec<_>>());
    for (file, batch) in [(&first, "first"), (&second, "second")] {
        let out = run(sandbox.chimecall().args([
            "dial",
            "--file",
            path_str(file),
            "--batch",
            batch,
            "--rate",
            "50",
        ]));
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let calls_of = |batch: &str| -> BTreeSet<String> {
        journal(sandbox)
            .iter()
            .filter(|r| r["type"] == "outcome" && r["batch"] == batch)
            .filter_map(|r| r["transaction_id"].as_str().map(str::to_string))
            .collect()
    };
    let (first_calls, second_calls) = (calls_of("first"), calls_of("second"));
    assert_eq!((first_calls.len(), second_calls.len()), (3, 3));
    // Once all six have answered, so the hangup is the operator's.
    wait_for_handler_events(sandbox, "CALL_ANSWERED", 6);

    let hangup = run_json(
        sandbox,
        &[
            "hangup",
            "--all",
            "--batch",
            "first",
            "--wait",
            "--timeout",
            "10s",
        ],
    );
    let hung_up: BTreeSet<String> = hangup
        .iter()
        .filter(|h| h["result"] == "accepted")
        .filter_map(|h| h["transaction_id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(hung_up, first_calls, "{hangup:?}");
    assert_eq!(hangup.len(), 3, "{hangup:?}");

    let active: BTreeSet<String> = run_json(sandbox, &["calls", "--active"])
        .iter()
        .filter_map(|c| c["transaction_id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(active, second_calls, "only the second run's calls are live");
    let report = run_json(sandbox, &["report", "--batch", "first"]);
    assert_eq!(report[0]["live"], 0, "{report:?}");
}

/// Ctrl-C during a run that waits: no new dial starts; the calls already live are followed to
/// their end (not left `live`); exit 130.
#[test]
fn ctrl_c_during_a_waiting_run_stops_new_dials() {
    let campaign = Campaign::start(&["--quota", "create-rate=50"]);
    let sandbox = &campaign.sandbox;
    let file = csv(&rows_of(Callee::Short, "r", 10));
    let mut dial = Spawned::start(sandbox.chimecall().args([
        "-o",
        "json",
        "dial",
        "--file",
        path_str(&file),
        "--wait",
        "ended",
        "--rate",
        "2",
    ]));
    // Interrupted once a row is placed: the run is under way and has rows left to dial.
    dial.wait_for_line(Stream::Stdout, "a placed row", |line| {
        serde_json::from_str::<Value>(line).is_ok_and(|row| row["outcome"] == "placed")
    });
    let signalled = dial.signal("INT");
    let out = dial.finish();
    let (stdout, stderr) = (out.stdout, out.stderr);
    assert_eq!(out.code, 130, "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    let got = records(&stdout);
    let placed = got.placements.len();
    assert!((1..10).contains(&placed), "{placed} rows placed: {stdout}");
    assert!(
        got.placements.iter().all(|p| p["outcome"] == "placed"),
        "{stdout}"
    );
    // Each call has its end line: answered, and either followed to its end or, its row having
    // succeeded on the answer, reported still live.
    assert_eq!(got.ends.len(), placed, "{stdout}");
    assert!(
        got.ends
            .iter()
            .all(|e| e["disposition"] == "answered"
                && (e["ended_by"] == "callee" || e["live"] == true)),
        "{stdout}"
    );
    // No new dial after the signal, as the sandbox saw it: at most the one already on its way.
    let lines = campaign.access_log();
    let creates = of_operation(&lines, "CreateSipMediaApplicationCall");
    let after = access_log::arrived_since(&creates, signalled);
    assert!(after.len() <= 1, "dials after the signal: {after:#?}");
    // Nobody was dialed after the run said it was: the journal, the sandbox and stdout agree.
    // The access log has every answered request's line before its client has the answer.
    let accepted = creates.iter().filter(|line| line["status"] == 201).count();
    assert_eq!(accepted, placed, "{creates:#?}");
    assert_eq!(
        wait_for_handler_events(sandbox, "NEW_OUTBOUND_CALL", placed).len(),
        placed
    );
    let intents = journal(sandbox)
        .iter()
        .filter(|r| r["type"] == "intent")
        .count();
    assert_eq!(intents, placed);
}
