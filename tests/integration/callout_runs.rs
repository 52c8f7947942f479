//! Call-out runs from the command line (issue 16): who answered is known as soon as it happens,
//! a run that waits ends once every row has succeeded or ended without success (not when the
//! calls of its successful rows end), and a message or key the handler could not use is refused
//! before anything is sent.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::access_log::of_operation;
use crate::support::{fresh_dir, json_lines, path_str, run, Sandbox};

/// The README's numbers: 486 busy, 480 never answers, 487 answers and hangs up 1 s later, any
/// other answers after 2 s and stays on the line.
const ON_CALL: &str = "to,id
+12065550480,gus
+12065550486,fay
+12065550101,ann
+12065550102,ben
+12065550103,cat
+12065550104,dan
+12065550487,eve
";

#[test]
fn an_on_call_list_of_seven_ends_when_its_rows_are_settled_not_when_its_calls_end() {
    let sandbox = Sandbox::start_with_access_log(&["--ring-timeout", "5s"]);
    let file = fresh_dir("on-call-seven").join("oncall.csv");
    std::fs::write(&file, ON_CALL).unwrap();
    let started = Instant::now();
    let out = run(sandbox.chimecall().args([
        "-o",
        "json",
        "dial",
        "--file",
        path_str(&file),
        "--wait",
        "ended",
        "--timeout",
        "45s",
        "--attempts",
        "2",
        "--redial-after",
        "5s",
    ]));
    let took = started.elapsed();
    assert_eq!(out.code, 5, "{}\n{}", out.stdout, out.stderr);
    // Not the whole --timeout: the last row settles when gus's second call rings out.
    assert!(
        took < Duration::from_secs(35),
        "took {took:?}: {}",
        out.stderr
    );
    let finals: BTreeMap<String, Value> = json_lines(&out.stdout)
        .into_iter()
        .filter(|line| line.get("disposition").is_some())
        .map(|end| (end["row"].as_str().unwrap().to_string(), end))
        .collect();
    let of = |row: &str| finals[row]["disposition"].as_str().unwrap().to_string();
    for row in ["ann", "ben", "cat", "dan"] {
        assert_eq!(of(row), "answered", "{}", out.stdout);
        assert_eq!(finals[row]["live"], true, "{row} is still on the line");
    }
    assert_eq!(of("eve"), "answered");
    assert!(
        finals["eve"].get("live").is_none(),
        "eve hung up: {}",
        finals["eve"]
    );
    assert_eq!((of("fay"), of("gus")), ("busy".into(), "no_answer".into()));
    assert_eq!(finals["gus"]["attempt"], 2);

    let report = run(sandbox
        .chimecall()
        .args(["report", "--batch", path_str(&file)]));
    assert_eq!(report.code, 0, "{}", report.stderr);
    assert!(
        report.stdout.contains("answer rate 71.4%"),
        "{}",
        report.stdout
    );
    assert!(report.stdout.contains("5 answered"), "{}", report.stdout);

    // The four calls still up were journaled answered when CALL_ANSWERED was seen.
    let active = run(sandbox.chimecall().args(["calls", "--active", "--offline"]));
    let answered_rows: Vec<&str> = active
        .stdout
        .lines()
        .skip(1)
        .filter(|line| line.split_whitespace().nth(3) == Some("answered"))
        .collect();
    assert_eq!(answered_rows.len(), 4, "{}", active.stdout);
}

#[test]
fn a_message_or_key_the_handler_cannot_use_is_refused_before_anything_is_sent() {
    let sandbox = Sandbox::start_with_access_log(&[]);
    let long = "a".repeat(1_001);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--to", "+12065550123", "--say", &long],
            "--say: 1001 characters",
        ),
        (vec!["--to", "+12065550123", "--ack", "11"], "--ack:"),
        (vec!["--to", "+12065550123", "--ack", "#"], "terminator"),
        (
            vec!["--to", "+12065550123", "--say-ssml", "<speak>open"],
            "--say-ssml: not a well-formed SSML document",
        ),
    ];
    for (args, expected) in cases {
        let out = run(sandbox.chimecall().arg("dial").args(&args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(expected), "{args:?}: {}", out.stderr);
        assert!(out.stderr.len() < 400, "{args:?}: {}", out.stderr);
    }
    // A row's own text over the limit names its line and column; the run sends nothing.
    let file = fresh_dir("say-column").join("rows.csv");
    std::fs::write(&file, format!("to,say\n+12065550123,{long}\n")).unwrap();
    // No --strict: a call-out's rows are all checked before the first dial.
    std::fs::write(
        &file,
        format!("to,say\n+12065550124,fine\n+12065550123,{long}\n"),
    )
    .unwrap();
    let out = run(sandbox
        .chimecall()
        .args(["dial", "--file", path_str(&file)]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("line 3: column say: 1001 characters"),
        "{}",
        out.stderr
    );
    let creates = of_operation(&sandbox.access_log(), "CreateSipMediaApplicationCall").len();
    assert_eq!(creates, 0, "nothing is sent");
}

#[test]
fn a_dry_run_shows_the_arguments_map_each_row_would_send() {
    let sandbox = Sandbox::start();
    let file = fresh_dir("dry-callout").join("rows.csv");
    std::fs::write(
        &file,
        "to,id,say\n+12065550123,ann,Ann's own text\n+12065550124,bob,\n",
    )
    .unwrap();
    let out = run(sandbox.chimecall().args([
        "-o",
        "json",
        "dial",
        "--file",
        path_str(&file),
        "--say",
        "INC-42: payments database down",
        "--ack",
        "1",
        "--dry-run",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let rows = json_lines(&out.stdout);
    assert_eq!(rows[0]["arguments"]["chimecall-say"], "Ann's own text");
    assert_eq!(
        rows[1]["arguments"]["chimecall-say"],
        "INC-42: payments database down"
    );
    for row in &rows[..2] {
        assert_eq!(row["arguments"]["chimecall-ack"], "1", "{row}");
        assert!(
            row["arguments"]["chimecall-request-id"].is_string(),
            "{row}"
        );
    }
}
