//! The fault matrix: for each fault the sandbox can inject, a bulk run, then `resolve`. What was
//! placed is read from the sandbox's own handler logs: no destination may be called twice, every
//! call the sandbox placed must have its TransactionId in the journal, and every row must end
//! placed, failed or unknown. Nothing silently lost.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::support::{json_lines, put_log_lines, run, Sandbox};

const ROWS: usize = 300;
/// The marker call's TransactionId: logged by the test, not placed by the sandbox.
const MARKER_TRANSACTION: &str = "00000000-0000-4000-8000-00000000aaaa";

fn csv(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("rows.csv");
    let mut text = String::from("to,id\n");
    for i in 0..ROWS {
        text.push_str(&format!("+1206{:07},r{i}\n", 3_000_000 + i));
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs the matrix cell: sandbox flags, then the checks. Returns the rows' final outcomes.
fn run_cell(name: &str, sandbox_flags: &[&str]) -> BTreeMap<String, String> {
    // The account's quotas are not what this measures: only the throttle cell sets one.
    let mut flags = vec!["--no-quotas", "--fault-seed", "42"];
    flags.extend_from_slice(sandbox_flags);
    let sandbox = Sandbox::start_with_access_log(&flags);
    let dir = tempfile::tempdir().unwrap();
    let file = csv(dir.path());
    let bulk = run(sandbox.chimecall().args([
        "--attempt-timeout",
        "1s",
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
        "16",
    ]));
    assert!(
        [0, 1, 8].contains(&bulk.code),
        "{name}: bulk run exit {}: {}",
        bulk.code,
        bulk.stderr
    );
    assert!(!bulk.stderr.contains("panicked"), "{name}: {}", bulk.stderr);
    let reports = json_lines(&bulk.stdout);
    let first_reports: BTreeSet<String> = reports
        .iter()
        .filter(|r| r["resolved_by"].is_null())
        .map(|r| r["row"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        first_reports.len(),
        ROWS,
        "{name}: every row is reported once"
    );

    // Logs past every dial, so silence can count as "not placed"; then resolve.
    sandbox.wait_for_logs_past_creates(1200);
    put_log_lines(
        &sandbox,
        "/aws/lambda/chimecall-sandbox-handler",
        &[format!("Request: {}", marker_call())],
    );
    // The dials are seconds old: --min-age 0s lets resolve settle them at once.
    let resolve = run(sandbox
        .chimecall()
        .args(["resolve", "--settle", "1s", "--min-age", "0s"]));
    assert!(
        [0, 8].contains(&resolve.code),
        "{name}: resolve exit {}: {}",
        resolve.code,
        resolve.stderr
    );

    // The sandbox's own record of what it placed.
    let placed: Vec<(String, String)> = sandbox
        .placed_calls()
        .into_iter()
        .filter(|(_, tx)| tx != MARKER_TRANSACTION)
        .collect();
    let mut per_destination: BTreeMap<&str, usize> = BTreeMap::new();
    for (to, _) in &placed {
        *per_destination.entry(to).or_default() += 1;
    }
    let twice: Vec<_> = per_destination.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "{name}: destinations called twice: {twice:?}"
    );

    // The journal's record, folded the way `calls` folds it.
    let calls = run(sandbox.chimecall().args(["--output", "json", "calls"]));
    assert_eq!(calls.code, 0, "{name}: {}", calls.stderr);
    let entries: Vec<Value> = json_lines(&calls.stdout);
    let journal_tx: BTreeSet<&str> = entries
        .iter()
        .filter_map(|e| e["transaction_id"].as_str())
        .collect();
    for (to, tx) in &placed {
        assert!(
            journal_tx.contains(tx.as_str()),
            "{name}: the sandbox placed {tx} (to {to}) but the journal does not have it"
        );
    }
    // Every row ends placed, failed or unknown; a row's dials are all accounted for.
    let mut outcomes: BTreeMap<String, String> = BTreeMap::new();
    for entry in &entries {
        let row = entry["row"].as_str().unwrap().to_string();
        let outcome = entry["outcome"].as_str().unwrap().to_string();
        assert!(
            ["placed", "failed", "unknown"].contains(&outcome.as_str()),
            "{name}: {entry}"
        );
        // A throttled attempt is journaled as failed, then the row is tried again.
        let best = outcomes.entry(row).or_insert(outcome.clone());
        if outcome == "placed" || (outcome == "unknown" && best == "failed") {
            *best = outcome;
        }
    }
    assert_eq!(
        outcomes.len(),
        ROWS,
        "{name}: rows missing from the journal"
    );
    let placed_rows = outcomes.values().filter(|o| *o == "placed").count();
    assert_eq!(
        placed_rows,
        placed.len(),
        "{name}: placed rows vs calls the sandbox placed"
    );
    outcomes
}

/// Another call's NEW_OUTBOUND_CALL, logged after every dial: proof that the handler logs those
/// events and that the logs reach past the run, so silence can mean "not placed".
fn marker_call() -> Value {
    serde_json::json!({
        "SchemaVersion": "1.0", "Sequence": 1, "InvocationEventType": "NEW_OUTBOUND_CALL",
        "CallDetails": {"TransactionId": MARKER_TRANSACTION,
            "Participants": [{"ParticipantTag": "LEG-A", "To": "+12065559999"}]}
    })
}

fn count(outcomes: &BTreeMap<String, String>, what: &str) -> usize {
    outcomes.values().filter(|o| *o == what).count()
}

#[test]
fn error_before_places_nothing_and_resolves_to_not_placed() {
    let outcomes = run_cell("error-before", &["--fault", "error-before=0.3"]);
    assert!(count(&outcomes, "failed") > 30, "{outcomes:?}");
    assert_eq!(count(&outcomes, "unknown"), 0, "the logs settle every one");
}

#[test]
fn unavailable_before_places_nothing_and_resolves_to_not_placed() {
    let outcomes = run_cell("unavailable-before", &["--fault", "unavailable-before=0.3"]);
    assert!(count(&outcomes, "failed") > 30);
    assert_eq!(count(&outcomes, "unknown"), 0);
}

#[test]
fn error_after_is_found_placed_in_the_logs() {
    let outcomes = run_cell("error-after", &["--fault", "error-after=0.3"]);
    assert_eq!(
        count(&outcomes, "placed"),
        ROWS,
        "every call was placed, and found"
    );
}

#[test]
fn drop_after_is_found_placed_in_the_logs() {
    let outcomes = run_cell("drop-after", &["--fault", "drop-after=0.3"]);
    assert_eq!(count(&outcomes, "placed"), ROWS);
}

#[test]
fn slow_after_is_found_placed_in_the_logs() {
    let outcomes = run_cell("slow-after", &["--fault", "slow-after=0.3"]);
    assert_eq!(count(&outcomes, "placed"), ROWS);
}

#[test]
fn throttling_slows_the_run_and_every_row_is_placed_once() {
    let outcomes = run_cell("throttle", &["--throttle-cps", "100"]);
    assert_eq!(count(&outcomes, "placed"), ROWS);
}

#[test]
fn handler_faults_do_not_hide_placed_calls() {
    let outcomes = run_cell(
        "handler faults",
        &[
            "--handler-fault",
            "timeout=0.3",
            "--handler-fault",
            "error=0.3",
            "--handler-timeout",
            "200ms",
        ],
    );
    assert_eq!(count(&outcomes, "placed"), ROWS);
}

#[test]
fn every_fault_at_once() {
    let outcomes = run_cell(
        "all faults",
        &[
            "--fault",
            "error-before=0.1",
            "--fault",
            "unavailable-before=0.1",
            "--fault",
            "error-after=0.1",
            "--fault",
            "drop-after=0.1",
            "--fault",
            "slow-after=0.1",
        ],
    );
    assert!(count(&outcomes, "placed") > 150, "{outcomes:?}");
}
