//! Bulk runs on a team journal (issue 18): several machines run the same list against one table
//! and one account. The same list anywhere is one batch (`NAME@DIGEST`); each row attempt is
//! claimed with a conditional write, so a row is dialed by one runner and printed `skipped` by
//! the others; runners share `--rate` (through slot items) and `--max-active` (through a
//! counter); a runner killed mid-run leaves the batch for `--resume` on another machine; a list
//! run again from another machine within the minute places no call.
//!
//! What was placed is read from the sandbox: its handler's logs (one NEW_OUTBOUND_CALL per call
//! placed, with its destination) and its access log (creates, their status and arrival).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::support::access_log::{self, of_operation};
use crate::support::dynamodb::team_batch_name;
use crate::support::{
    fresh_dir, json_lines, logs_client, run, wait_for_handler_events, with_default_guard, DynamoDb,
    Finished, Sandbox, Spawned, Stream,
};

const TABLE: &str = "team-runs";

/// The account of the bar: 10 creates a second, room for every call. Updates and log reads are
/// raised too, so the hangups and the test's own log reads are not what the run waits for.
const ACCOUNT: &[&str] = &[
    "--quota",
    "create-rate=10",
    "--quota",
    "active-calls=1000",
    "--quota",
    "update-rate=50",
    "--quota",
    "filter-log-events-rate=50",
];

/// A list of `n` rows `to,id` with distinct numbers `+1PPPNNNNNNN` (`prefix` the first 3 digits
/// after the country code, then 7 digits from `base`).
fn list(prefix: &str, base: usize, n: usize) -> String {
    let mut text = String::from("to,id\n");
    for i in 0..n {
        text.push_str(&format!("+1{prefix}{:07},row{i}\n", base + i));
    }
    text
}

/// A machine of the team with its own copy of the list, as `rows.csv` in a directory of its own
/// (its working directory): the command, and the file.
fn machine_with_list(ddb: &DynamoDb, sandbox: &Sandbox, text: &str) -> (Command, PathBuf) {
    let dir = fresh_dir("machine");
    let file = dir.join("rows.csv");
    std::fs::write(&file, text).expect("write the list");
    let mut cmd = ddb.machine(sandbox, TABLE);
    cmd.current_dir(&dir);
    (cmd, file)
}

/// A row line's outcome (`placed`, `skipped`, ...): `outcome`, or `result`.
fn outcome(line: &Value) -> &str {
    line["outcome"]
        .as_str()
        .or_else(|| line["result"].as_str())
        .unwrap_or_default()
}

/// The placement lines of a run's JSON stdout (not end records, not summaries): those with a
/// row and an outcome.
fn placements(stdout: &str) -> Vec<Value> {
    json_lines(stdout)
        .into_iter()
        .filter(|line| line["row"].is_string() && !outcome(line).is_empty())
        .collect()
}

/// How many calls the sandbox placed to each destination (its handler's logs).
fn placed_per_destination(sandbox: &Sandbox) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for (to, _) in sandbox.placed_calls() {
        *counts.entry(to).or_insert(0) += 1;
    }
    counts
}

/// Every destination of `text` placed exactly once, nothing else placed.
fn assert_each_placed_once(sandbox: &Sandbox, text: &str, rows: usize) {
    wait_for_handler_events(sandbox, "NEW_OUTBOUND_CALL", rows);
    let placed = placed_per_destination(sandbox);
    let twice: Vec<_> = placed.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "called more than once: {twice:?}");
    let expected: BTreeSet<String> = text
        .lines()
        .skip(1)
        .map(|line| line.split(',').next().unwrap().to_string())
        .collect();
    let got: BTreeSet<String> = placed.keys().cloned().collect();
    assert_eq!(
        expected.difference(&got).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "never placed"
    );
    assert_eq!(
        got.difference(&expected).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "placed but not in the list"
    );
    assert_eq!(got.len(), rows);
}

/// No create was refused for the rate (429): the runners together kept to the account's
/// create rate. On failure, each throttled create with the accepted ones of the second before it
/// (their arrival in ms, and which runner's request id prefix), for the diagnosis.
fn assert_no_create_throttled(lines: &[Value], context: &str) {
    let creates = of_operation(lines, "CreateSipMediaApplicationCall");
    let throttled: Vec<&&Value> = creates.iter().filter(|l| l["status"] == 429).collect();
    if throttled.is_empty() {
        return;
    }
    let mut told = String::new();
    for refused in &throttled {
        let at = access_log::arrived_ms(refused);
        let before: Vec<i64> = creates
            .iter()
            .filter(|l| l["status"] == 201)
            .map(|l| access_log::arrived_ms(l))
            .filter(|t| *t > at - 1000 && *t <= at)
            .map(|t| t - at)
            .collect();
        told.push_str(&format!(
            "\n{refused}\n  {} accepted in the second before it, at (ms from it) {before:?}",
            before.len()
        ));
    }
    panic!("{} creates throttled ({context}):{told}", throttled.len());
}

/// The `batch: NAME` line of a run's stderr.
fn batch_line(out: &Finished) -> Option<String> {
    out.stderr
        .lines()
        .find_map(|line| line.strip_prefix("batch: ").map(str::to_string))
}

/// The bar: three runners of one 300-row list at once, `--rate 10` each, one account at 10
/// creates a second: every row placed exactly once, not one create throttled, all three exit 0;
/// a fourth machine lists the 300 live calls and hangs the batch up.
#[test]
fn team_runs_three_runners_of_one_list_place_every_row_exactly_once() {
    const ROWS: usize = 300;
    let ddb = DynamoDb::start();
    ddb.create(TABLE);
    let sandbox = Sandbox::start_with_access_log(ACCOUNT);
    let text = list("206", 5_100_000, ROWS);

    let mut files = Vec::new();
    let runners: Vec<Spawned> = (0..3)
        .map(|_| {
            let (mut cmd, file) = machine_with_list(&ddb, &sandbox, &text);
            files.push(file);
            cmd.args([
                "-o",
                "json",
                "dial",
                "--file",
                "rows.csv",
                "--rate",
                "10",
                "--max-active",
                "0",
            ]);
            Spawned::start(&mut cmd)
        })
        .collect();
    let outs: Vec<Finished> = runners.into_iter().map(Spawned::finish).collect();

    let batch = team_batch_name(&files[0]);
    let mut placed_by: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut transactions = BTreeSet::new();
    for (i, out) in outs.iter().enumerate() {
        assert_eq!(out.code, 0, "runner {i}: {}", out.stderr);
        assert_eq!(
            batch_line(out).as_deref(),
            Some(batch.as_str()),
            "runner {i}: {}",
            out.stderr
        );
        let lines = placements(&out.stdout);
        let rows: BTreeSet<&str> = lines.iter().filter_map(|l| l["row"].as_str()).collect();
        assert_eq!(
            rows.len(),
            ROWS,
            "runner {i} prints every row, placed or skipped: {}",
            out.stdout
        );
        for line in &lines {
            match outcome(line) {
                "placed" => {
                    placed_by
                        .entry(line["row"].as_str().unwrap().to_string())
                        .or_default()
                        .push(i);
                    transactions.insert(line["transaction_id"].as_str().unwrap().to_string());
                }
                "skipped" => {}
                other => panic!("runner {i}: a row neither placed nor skipped ({other}): {line}"),
            }
        }
    }
    let twice: Vec<_> = placed_by.iter().filter(|(_, by)| by.len() > 1).collect();
    assert!(twice.is_empty(), "rows placed by two runners: {twice:?}");
    assert_eq!(placed_by.len(), ROWS, "every row placed by one runner");
    // How the rows were shared is reported, not asserted: the runner that is ahead claims
    // most (a runner that finds a row claimed moves on without a request to the service).
    let mut per_runner = [0usize; 3];
    for by in placed_by.values().flatten() {
        per_runner[*by] += 1;
    }
    eprintln!("rows placed by each runner: {per_runner:?}");

    // The service's word: one call per destination, no create throttled, none refused.
    assert_each_placed_once(&sandbox, &text, ROWS);
    let lines = sandbox.access_log();
    let creates = of_operation(&lines, "CreateSipMediaApplicationCall");
    assert_no_create_throttled(&lines, "");
    assert!(
        creates.iter().all(|l| l["status"] == 201),
        "every create placed a call"
    );
    assert_eq!(creates.len(), ROWS);
    eprintln!(
        "{} DynamoDB requests for {ROWS} rows and 3 runners",
        ddb.requests().len()
    );

    // A fourth machine sees the 300 live calls, and hangs up the batch.
    let active = run(ddb
        .machine(&sandbox, TABLE)
        .args(["-o", "json", "calls", "--active"]));
    assert_eq!(active.code, 0, "{}", active.stderr);
    let live: BTreeSet<String> = json_lines(&active.stdout)
        .iter()
        .map(|call| {
            call["transaction_id"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(live, transactions, "calls --active lists the batch's calls");
    let hangup = run(ddb.machine(&sandbox, TABLE).args([
        "-o", "json", "hangup", "--all", "--batch", &batch, "--rate", "50",
    ]));
    assert_eq!(hangup.code, 0, "{}", hangup.stderr);
    let hung: BTreeSet<String> = json_lines(&hangup.stdout)
        .iter()
        .filter(|answer| answer["result"] == "accepted")
        .map(|answer| answer["transaction_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(hung, transactions, "{}", hangup.stdout);
}

/// The bar: one of two runners is SIGKILLed mid-run; `--resume` on another machine finishes the
/// batch, and no destination is called twice.
#[test]
fn team_runs_a_runner_killed_mid_run_is_finished_by_resume_elsewhere() {
    const ROWS: usize = 60;
    let ddb = DynamoDb::start();
    ddb.create(TABLE);
    let sandbox = Sandbox::start_with_access_log(ACCOUNT);
    let text = list("206", 5_200_000, ROWS);
    let start = |ddb: &DynamoDb| {
        let (mut cmd, _) = machine_with_list(ddb, &sandbox, &text);
        cmd.args([
            "-o",
            "json",
            "dial",
            "--file",
            "rows.csv",
            "--rate",
            "10",
            "--max-active",
            "0",
        ]);
        Spawned::start(&mut cmd)
    };
    // The runner to be killed places a few rows; the other joins it; then the kill, while the
    // first still has most of the list before it (at 10 a second, seconds of it).
    let mut doomed = start(&ddb);
    doomed.wait_for_lines(Stream::Stdout, "placed rows", 3, |line| {
        serde_json::from_str::<Value>(line).is_ok_and(|l| outcome(&l) == "placed")
    });
    let mut other = start(&ddb);
    other.wait_for_line(Stream::Stderr, "its batch line", |line| {
        line.starts_with("batch: ")
    });
    let killed_at = doomed.signal("KILL");
    let killed = doomed.finish();
    assert_eq!(killed.code, -1, "killed by the signal");
    let other = other.finish();
    let other_ended_at = access_log::now_ms();
    assert!(
        [0, 8].contains(&other.code),
        "the runner left alive: exit {}: {}",
        other.code,
        other.stderr
    );

    // A third machine resumes the batch.
    let resume = |extra: &[&str]| {
        let (mut cmd, _) = machine_with_list(&ddb, &sandbox, &text);
        cmd.args([
            "-o",
            "json",
            "dial",
            "--file",
            "rows.csv",
            "--rate",
            "10",
            "--max-active",
            "0",
            "--resume",
        ])
        .args(extra);
        Spawned::start(&mut cmd).finish()
    };
    let resumed = resume(&[]);
    eprintln!(
        "the runner left alive exited {}; the resume exited {}: {}",
        other.code, resumed.code, resumed.stderr
    );
    // Whatever the resume did, it called no one twice.
    sandbox.wait_for_logs_past_creates(0);
    let twice: Vec<_> = placed_per_destination(&sandbox)
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .collect();
    assert!(twice.is_empty(), "called more than once: {twice:?}");
    // And it finished the batch. A dial the killed runner sent is found in the handler's logs
    // by the resume (exit 0); one whose intent it wrote but never sent stays unknown (exit 8)
    // until `resolve` proves it was never placed, and `--resume --redial not_placed` dials it.
    if resumed.code == 8 {
        let (mut cmd, _) = machine_with_list(&ddb, &sandbox, &text);
        let resolved = cmd
            .args(["resolve", "--min-age", "0s", "--settle", "2s"])
            .output()
            .unwrap();
        eprintln!("resolve: {}", String::from_utf8_lossy(&resolved.stderr));
        let finished = resume(&["--redial", "not_placed"]);
        assert_eq!(finished.code, 0, "the second resume: {}", finished.stderr);
    } else {
        assert_eq!(
            resumed.code, 0,
            "the resume did not finish the batch: {}",
            resumed.stderr
        );
    }
    assert_each_placed_once(&sandbox, &text, ROWS);
    assert_no_create_throttled(
        &sandbox.access_log(),
        &format!("the kill at {killed_at} ms, the other runner ended by {other_ended_at} ms"),
    );
}

/// The bar: the same 8-row list run from two machines one after the other, within the minute,
/// the guard as users have it: the second places no call (it is refused, exit 2, as a finished
/// batch; or its rows are all held or skipped, exit 0).
#[test]
fn team_runs_the_same_list_from_a_second_machine_within_the_minute_places_no_call() {
    let ddb = DynamoDb::start();
    ddb.create(TABLE);
    let sandbox = Sandbox::start_with_access_log(ACCOUNT);
    let text = list("206", 5_300_000, 8);

    let (mut first, _) = machine_with_list(&ddb, &sandbox, &text);
    with_default_guard(&mut first);
    let first = run(first.args(["-o", "json", "dial", "--file", "rows.csv", "--rate", "0"]));
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        placements(&first.stdout)
            .iter()
            .all(|line| outcome(line) == "placed"),
        "{}",
        first.stdout
    );
    let after_first = of_operation(&sandbox.access_log(), "CreateSipMediaApplicationCall").len();
    assert_eq!(after_first, 8);

    let (mut second, _) = machine_with_list(&ddb, &sandbox, &text);
    with_default_guard(&mut second);
    second.args(["-o", "json", "dial", "--file", "rows.csv", "--rate", "0"]);
    // Within the minute: a run that waited for the guard's slots would dial after it.
    let second = Spawned::start(&mut second).finish_within(Duration::from_secs(45));
    eprintln!(
        "the second machine's run exited {}: {}",
        second.code, second.stderr
    );
    assert!(
        [0, 2].contains(&second.code),
        "exit {}: {}",
        second.code,
        second.stderr
    );
    assert!(
        placements(&second.stdout)
            .iter()
            .all(|line| outcome(line) != "placed"),
        "{}",
        second.stdout
    );
    let creates = of_operation(&sandbox.access_log(), "CreateSipMediaApplicationCall").len();
    assert_eq!(creates, 8, "8 creates in all: {}", second.stderr);
}

/// The callees of the `--max-active` test: they answer at once and hang up 2 s later.
const SHORT_CALLS: &str = r#"
[[callee]]
number = "+1206777*"
answer_after = "300ms"
hangup_after = "2s"
"#;

/// When the handler was sent each call's final HANGUP (log event timestamps, the sandbox's
/// clock), by TransactionId.
fn hangup_times(sandbox: &Sandbox) -> BTreeMap<String, i64> {
    let client = logs_client(sandbox);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let mut ended = BTreeMap::new();
        let mut token: Option<String> = None;
        loop {
            let page = client
                .filter_log_events()
                .log_group_name("/aws/lambda/chimecall-sandbox-handler")
                .filter_pattern("\"HANGUP\"")
                .set_next_token(token.clone())
                .send()
                .await
                .expect("FilterLogEvents");
            for event in page.events() {
                let message = event.message().unwrap_or_default();
                let Some(start) = message.find('{') else {
                    continue;
                };
                let Ok(value) = serde_json::from_str::<Value>(&message[start..]) else {
                    continue;
                };
                if value["InvocationEventType"] != "HANGUP" {
                    continue;
                }
                let Some(tx) = value["CallDetails"]["TransactionId"].as_str() else {
                    continue;
                };
                let at = event.timestamp().unwrap_or_default();
                let entry = ended.entry(tx.to_string()).or_insert(at);
                *entry = (*entry).max(at);
            }
            match page.next_token() {
                Some(next) => token = Some(next.to_string()),
                None => return ended,
            }
        }
    })
}

/// The most calls live at once, each live from its create's arrival to its final HANGUP.
fn most_live_at_once(intervals: &[(i64, i64)]) -> usize {
    let mut edges: Vec<(i64, i32)> = Vec::new();
    for (start, end) in intervals {
        edges.push((*start, 1));
        edges.push((*end, -1));
    }
    // At one instant, an end before a start: a call that ended frees its place.
    edges.sort();
    let mut live = 0i32;
    let mut most = 0i32;
    for (_, change) in edges {
        live += change;
        most = most.max(live);
    }
    most as usize
}

/// The bar: two runners of one 20-row list with `--max-active 4` share the cap: the sandbox
/// never has more than 4 of their calls live at once, and each row is placed once.
#[test]
fn team_runs_two_runners_share_max_active() {
    const ROWS: usize = 20;
    let ddb = DynamoDb::start();
    ddb.create(TABLE);
    let callees = fresh_dir("callees").join("callees.toml");
    std::fs::write(&callees, SHORT_CALLS).unwrap();
    let mut args: Vec<&str> = ACCOUNT.to_vec();
    args.extend(["--callees", callees.to_str().unwrap()]);
    let sandbox = Sandbox::start_with_access_log(&args);
    let text = list("206", 7_770_000, ROWS);

    let runners: Vec<Spawned> = (0..2)
        .map(|_| {
            let (mut cmd, _) = machine_with_list(&ddb, &sandbox, &text);
            cmd.args([
                "-o",
                "json",
                "dial",
                "--file",
                "rows.csv",
                "--rate",
                "10",
                "--max-active",
                "4",
                "--wait",
                "ended",
            ]);
            Spawned::start(&mut cmd)
        })
        .collect();
    let outs: Vec<Finished> = runners.into_iter().map(Spawned::finish).collect();
    let mut placed_rows: BTreeMap<String, usize> = BTreeMap::new();
    for (i, out) in outs.iter().enumerate() {
        assert_eq!(out.code, 0, "runner {i}: {}", out.stderr);
        for line in placements(&out.stdout) {
            if outcome(&line) == "placed" {
                *placed_rows
                    .entry(line["row"].as_str().unwrap().to_string())
                    .or_default() += 1;
            }
        }
    }
    assert_eq!(placed_rows.len(), ROWS, "{placed_rows:?}");
    assert!(
        placed_rows.values().all(|n| *n == 1),
        "rows placed twice: {placed_rows:?}"
    );
    assert_each_placed_once(&sandbox, &text, ROWS);

    // Live from the create's arrival (the access log) to the final HANGUP (the handler's log).
    wait_for_handler_events(&sandbox, "HANGUP", ROWS);
    let ended = hangup_times(&sandbox);
    let lines = sandbox.access_log();
    let intervals: Vec<(i64, i64)> = of_operation(&lines, "CreateSipMediaApplicationCall")
        .into_iter()
        .filter(|line| line["status"] == 201)
        .map(|line| {
            let tx = line["transaction_id"].as_str().expect("a placed call's id");
            let end = *ended
                .get(tx)
                .unwrap_or_else(|| panic!("no HANGUP logged for {tx}"));
            (access_log::arrived_ms(line), end)
        })
        .collect();
    assert_eq!(intervals.len(), ROWS);
    let most = most_live_at_once(&intervals);
    eprintln!("at most {most} calls live at once");
    assert!(most <= 4, "{most} calls live at once under --max-active 4");
    assert!(most >= 2, "the runners ran side by side: {most} at most");
}
