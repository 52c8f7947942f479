//! Reading the sandbox's access log (`--access-log`): one JSON object per request served, timed
//! at arrival, where AWS measures its rates. Tests read service-side timing (rates, spacing, when
//! the last request came) here, not from the wall clock around a command, which a loaded machine
//! stretches.

use std::path::Path;

use serde_json::Value;

use super::json_lines;

/// Every line of the access log at `path` (none yet if it does not exist).
pub fn read(path: &Path) -> Vec<Value> {
    json_lines(&std::fs::read_to_string(path).unwrap_or_default())
}

/// The lines of one operation (CreateSipMediaApplicationCall, FilterLogEvents, ...).
pub fn of_operation<'a>(lines: &'a [Value], operation: &str) -> Vec<&'a Value> {
    lines
        .iter()
        .filter(|line| line["operation"] == operation)
        .collect()
}

/// A line's arrival time, in epoch ms; its `time` must be RFC 3339 with milliseconds.
pub fn arrived_ms(line: &Value) -> i64 {
    let time = line["time"].as_str().expect("time");
    assert!(
        time.len() == 24 && time.ends_with('Z') && time.as_bytes()[19] == b'.',
        "not RFC 3339 with milliseconds: {time}"
    );
    chimecall_model::clock::parse_rfc3339_ms(time).expect("RFC 3339")
}

/// The most of `times` (ms) in any window of `window_ms`.
pub fn busiest_window(times: &[i64], window_ms: i64) -> usize {
    times
        .iter()
        .map(|start| {
            times
                .iter()
                .filter(|t| **t >= *start && **t < start + window_ms)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// The most lines that arrived in any window of one second.
pub fn busiest_second(lines: &[&Value]) -> usize {
    let times: Vec<i64> = lines.iter().map(|line| arrived_ms(line)).collect();
    busiest_window(&times, 1000)
}

/// Now, in epoch ms, on the clock the access log's `time` is read from (the sandbox runs on the
/// test's machine): compare it with [`arrived_ms`], e.g. to find the requests that came after a
/// signal.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_millis() as i64
}

/// The lines that arrived at or after `ms` (epoch ms).
pub fn arrived_since<'a>(lines: &[&'a Value], ms: i64) -> Vec<&'a Value> {
    lines
        .iter()
        .copied()
        .filter(|line| arrived_ms(line) >= ms)
        .collect()
}
