//! No event of a followed call is lost, whatever the log poller's filter does: calls that end
//! within a millisecond of their create log their HANGUP before the poller has widened its
//! filter to them, and a campaign of many such calls still learns how every one ended.

use std::collections::BTreeMap;

use crate::support::{csv_of, json_lines, path_str, run, Sandbox};

/// The bar: 300 calls that end within a millisecond (`--ring-timeout 0s`), followed to their
/// end: all 300 `no_answer`, exit 5 (none `live`, no wait for the whole `--timeout`).
#[test]
fn three_hundred_calls_that_end_at_once_are_all_learned() {
    let sandbox = Sandbox::start_with(&[
        "--ring-timeout",
        "0s",
        "--quota",
        "create-rate=unlimited",
        "--quota",
        "active-calls=unlimited",
    ]);
    let rows: Vec<(String, String)> = (0..300)
        .map(|i| (format!("r{i}"), format!("+1206555{i:04}")))
        .collect();
    let file = csv_of(&rows);
    let out = run(sandbox.chimecall().args([
        "-o",
        "json",
        "dial",
        "--file",
        path_str(&file),
        "--wait",
        "ended",
        "--rate",
        "0",
        "--max-active",
        "0",
        "--timeout",
        "60s",
    ]));
    let mut dispositions = BTreeMap::new();
    for record in json_lines(&out.stdout) {
        if let Some(disposition) = record["disposition"].as_str() {
            *dispositions.entry(disposition.to_string()).or_insert(0) += 1;
        }
    }
    assert_eq!(
        dispositions,
        BTreeMap::from([("no_answer".to_string(), 300)]),
        "{}",
        out.stderr
    );
    assert_eq!(out.code, 5, "{}", out.stderr);
}
