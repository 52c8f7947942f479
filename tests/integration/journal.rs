//! The call journal as a file: SQLite where `CHIMECALL_JOURNAL` (or the XDG state directory)
//! says, `journal export` giving back JSON lines for `jq`, an old JSON-lines journal imported
//! once and left in place (a torn line reported, never fatal), several processes writing at once,
//! and a path that is not a regular file refused at once.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{chimecall, csv_of, fresh_dir, json_lines, path_str, run, Journal, Sandbox};

fn of_type<'a>(records: &'a [Value], kind: &str) -> Vec<&'a Value> {
    records.iter().filter(|r| r["type"] == kind).collect()
}

#[test]
fn export_writes_every_record_as_a_json_line_and_filters_by_batch() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let out = run(sandbox.chimecall().args(["dial", "--to", "+12065550123"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let tx = out.stdout.trim().to_string();
    let rows: Vec<(String, String)> = (0..3)
        .map(|i| (format!("r{i}"), format!("+1206555020{i}")))
        .collect();
    let file = csv_of(&rows);
    let bulk =
        run(sandbox
            .chimecall()
            .args(["dial", "--file", path_str(&file), "--batch", "drill"]));
    assert_eq!(bulk.code, 0, "{}", bulk.stderr);
    let hangup = run(sandbox.chimecall().args(["hangup", &tx]));
    assert_eq!(hangup.code, 0, "{}", hangup.stderr);

    assert!(
        std::fs::read(sandbox.journal())
            .unwrap()
            .starts_with(b"SQLite format 3\0"),
        "the journal is a SQLite database"
    );
    let records = sandbox.journal_records();
    assert_eq!(of_type(&records, "intent").len(), 4);
    assert_eq!(of_type(&records, "outcome").len(), 4);
    let states = of_type(&records, "state");
    assert_eq!(states.len(), 1, "{records:?}");
    assert_eq!(states[0]["transaction_id"], tx.as_str());
    assert_eq!(states[0]["state"], "hangup_requested");
    for record in &records {
        assert_eq!(record["v"], 1);
        assert!(record["time"].as_str().unwrap().ends_with('Z'));
    }
    assert_eq!(records[0]["type"], "intent", "in the order written");
    assert_eq!(records[0]["to"], "+12065550123");

    let export = |args: &[&str]| {
        let out = run(sandbox.chimecall().args(["journal", "export"]).args(args));
        assert_eq!(out.code, 0, "{}", out.stderr);
        json_lines(&out.stdout)
    };
    let drill = export(&["--batch", "drill"]);
    assert_eq!(drill.len(), 6, "3 intents and 3 outcomes: {drill:?}");
    assert!(drill.iter().all(|r| r["batch"] == "drill"));
    assert_eq!(export(&["--since", "1h"]).len(), records.len());
    assert!(export(&["--batch", "no-such-batch"]).is_empty());
}

#[test]
fn an_old_json_lines_journal_is_imported_once_a_torn_line_reported() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let out = run(sandbox.chimecall().args(["dial", "--to", "+12065550123"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    // A JSON-lines journal (the format before SQLite), torn by a crash mid-write.
    let old = fresh_dir("old").join("journal.jsonl");
    let mut text = sandbox.journal_text();
    text.push_str("not a record\n{\"v\":1,\"time\":\"2026-");
    std::fs::write(&old, &text).unwrap();
    let with_old = || {
        let mut cmd = sandbox.chimecall();
        cmd.env("CHIMECALL_JOURNAL", &old);
        cmd
    };
    let calls = run(with_old().args(["calls", "--offline"]));
    assert_eq!(calls.code, 0, "{}", calls.stderr);
    assert!(
        calls.stderr.contains("line 4 is incomplete"),
        "{}",
        calls.stderr
    );
    assert!(
        calls.stderr.contains("line 3 is not a journal record"),
        "{}",
        calls.stderr
    );
    assert!(
        calls.stderr.contains("imported 2 records"),
        "{}",
        calls.stderr
    );
    assert_eq!(calls.stdout.lines().count(), 2, "header and the one call");

    let again = run(with_old().args(["dial", "--to", "+12065550124"]));
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(!again.stderr.contains("imported"), "once: {}", again.stderr);
    let calls = run(with_old().args(["--output", "json", "calls", "--offline"]));
    assert_eq!(json_lines(&calls.stdout).len(), 2, "{}", calls.stdout);
    assert!(!calls.stderr.contains("incomplete"), "{}", calls.stderr);

    assert_eq!(
        std::fs::read_to_string(&old).unwrap(),
        text,
        "left in place"
    );
    let database = old.with_file_name("journal.jsonl.sqlite3");
    assert!(std::fs::read(&database)
        .unwrap()
        .starts_with(b"SQLite format 3\0"));
}

#[test]
fn the_default_journal_is_imported_from_the_old_default_file() {
    let state = fresh_dir("state");
    let dir = state.join("chimecall");
    std::fs::create_dir(&dir).unwrap();
    // Written by an older chimecall: one placed dial.
    let old = Journal::new();
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let placed = run(sandbox
        .chimecall()
        .env("CHIMECALL_JOURNAL", old.path())
        .args(["dial", "--to", "+12065550123"]));
    assert_eq!(placed.code, 0, "{}", placed.stderr);
    std::fs::write(dir.join("journal.jsonl"), old.text()).unwrap();

    let calls = |args: &[&str]| {
        run(chimecall()
            .env_remove("CHIMECALL_JOURNAL")
            .env("XDG_STATE_HOME", &state)
            .args(["--output", "json", "calls", "--offline"])
            .args(args))
    };
    let first = calls(&[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stderr.contains("imported 2 records"),
        "{}",
        first.stderr
    );
    assert_eq!(json_lines(&first.stdout).len(), 1, "{}", first.stdout);
    assert!(dir.join("journal.sqlite3").is_file());
    let second = calls(&["--active"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    assert!(!second.stderr.contains("imported"), "{}", second.stderr);
    assert_eq!(json_lines(&second.stdout).len(), 1, "{}", second.stdout);
}

#[test]
fn a_fifo_or_a_device_as_the_journal_is_refused_at_once() {
    let fifo = fresh_dir("fifo").join("journal");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|status| status.success()), "mkfifo");
    let sandbox = Sandbox::start();
    for (journal, kind) in [
        (fifo.as_path(), "a FIFO"),
        (Path::new("/dev/zero"), "a character device"),
    ] {
        for args in [
            &["dial", "--to", "+12065550123"][..],
            &["calls", "--offline"],
            &["report"],
            &["journal", "export"],
            &["hangup", "--all"],
        ] {
            let started = Instant::now();
            let out = run(sandbox
                .chimecall()
                .env("CHIMECALL_JOURNAL", journal)
                .stdin(Stdio::null())
                .args(args));
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "{args:?} waited"
            );
            assert_eq!(out.code, 3, "{args:?}: {}", out.stderr);
            let named = format!("{} is {kind}, not a regular file", journal.display());
            assert!(out.stderr.contains(&named), "{args:?}: {}", out.stderr);
        }
    }
    assert!(sandbox.placed_destinations().is_empty());
}

#[test]
fn two_bulk_runs_and_a_hangup_write_one_journal_at_once() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let files: Vec<_> = (0..2)
        .map(|run_number| {
            let rows: Vec<(String, String)> = (0..300)
                .map(|i| {
                    (
                        format!("r{i}"),
                        format!("+1206{run_number}{:06}", 100_000 + i),
                    )
                })
                .collect();
            csv_of(&rows)
        })
        .collect();
    let runs: Vec<_> = files
        .iter()
        .map(|file| {
            sandbox
                .chimecall()
                .args([
                    "dial",
                    "--file",
                    path_str(file),
                    "--rate",
                    "0",
                    "--max-active",
                    "0",
                ])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // A hangup while they run: it reads the journal and journals what it ends.
    let hangup = run(sandbox.chimecall().args(["hangup", "--all", "--rate", "0"]));
    assert!(hangup.code == 0, "{}", hangup.stderr);
    for child in runs {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let records = sandbox.journal_records();
    assert_eq!(of_type(&records, "intent").len(), 600);
    let placed = of_type(&records, "outcome")
        .iter()
        .filter(|r| r["outcome"] == "placed")
        .count();
    assert_eq!(placed, 600);
    let calls = run(sandbox
        .chimecall()
        .args(["--output", "json", "calls", "--offline"]));
    assert_eq!(json_lines(&calls.stdout).len(), 600);
    for file in &files {
        let report = run(sandbox.chimecall().args([
            "--output",
            "json",
            "report",
            "--batch",
            path_str(file),
        ]));
        assert_eq!(report.code, 0, "{}", report.stderr);
        let summary = &json_lines(&report.stdout)[0];
        assert_eq!(summary["rows"], 300, "{summary}");
    }
}
