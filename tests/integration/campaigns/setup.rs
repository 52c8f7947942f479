//! What the campaign tests share: the scripted callees (one class of number per behaviour), a
//! handler that listens for keys, a sandbox that runs them fast, CSV files of rows, and readers
//! for stdout's records, the journal and the sandbox's access log.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{json, Value};

use crate::support::access_log;
use crate::support::fake_lambda::{FakeLambda, Reply};
use crate::support::{fresh_dir, json_lines, Sandbox};

/// Simulated time runs this much faster than the wall clock.
pub const TIME_SCALE: &str = "5";

/// What a callee of a class of numbers does (every number `+1312555CCNN`, CC the class).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callee {
    /// Answers, presses 1, hangs up.
    Presses1 = 1,
    /// Answers, presses 2, hangs up.
    Presses2 = 2,
    /// Busy: HANGUP 486.
    Busy = 3,
    /// Rings out: HANGUP 480 at the ring timeout.
    NoAnswer = 4,
    /// Answers and stays on the line (until hung up, or the maximum call duration).
    StaysUp = 5,
    /// Answers, presses nothing, hangs up soon.
    Short = 6,
}

/// The `i`th number of a class.
pub fn number(callee: Callee, i: usize) -> String {
    assert!(i < 100);
    format!("+1312555{:02}{i:02}", callee as u8)
}

/// The class a number belongs to.
pub fn class_of(to: &str) -> Callee {
    match &to[8..10] {
        "01" => Callee::Presses1,
        "02" => Callee::Presses2,
        "03" => Callee::Busy,
        "04" => Callee::NoAnswer,
        "05" => Callee::StaysUp,
        "06" => Callee::Short,
        other => panic!("{to}: no callee class {other}"),
    }
}

/// The callee file (simulated durations: divide by [`TIME_SCALE`] for the wall clock). A key is
/// pressed 2 s after the answer (0.4 s) and checked by ReceiveDigits 1 s later (0.2 s); the
/// callee hangs up 6 s after the answer (1.2 s).
const CALLEES: &str = r#"
[[callee]]
number = "+131255501*"
answer_after = "1s"
press = [{ after = "2s", digits = "1" }]
hangup_after = "6s"

[[callee]]
number = "+131255502*"
answer_after = "1s"
press = [{ after = "2s", digits = "2" }]
hangup_after = "6s"

[[callee]]
number = "+131255503*"
busy = true

[[callee]]
number = "+131255504*"
no_answer = true

[[callee]]
number = "+131255505*"
answer_after = "1s"

[[callee]]
number = "+131255506*"
answer_after = "1s"
hangup_after = "3s"
"#;

pub fn callees_file() -> PathBuf {
    let path = fresh_dir("callees").join("callees.toml");
    std::fs::write(&path, CALLEES).unwrap();
    path
}

/// The handler of an IVR that asks for one key: ReceiveDigits once answered, a Hangup for
/// chimecall's `{"action":"hangup"}` update, nothing else.
pub fn key_listening_handler() -> FakeLambda {
    FakeLambda::start(|event| {
        let answer =
            |actions: Value| Reply::Answer(json!({"SchemaVersion": "1.0", "Actions": actions}));
        match event["InvocationEventType"].as_str().unwrap_or("") {
            "CALL_ANSWERED" => answer(json!([{"Type": "ReceiveDigits", "Parameters": {
                "InputDigitsRegex": "^[0-9]+$",
                "InBetweenDigitsDurationInMilliseconds": 1000,
                "FlushDigitsDurationInMilliseconds": 3000
            }}])),
            "CALL_UPDATE_REQUESTED"
                if event["ActionData"]["Parameters"]["Arguments"]["action"] == "hangup" =>
            {
                answer(json!([{"Type": "Hangup", "Parameters": {
                    "SipResponseCode": "0", "ParticipantTag": "LEG-A"
                }}]))
            }
            _ => answer(json!([])),
        }
    })
}

/// A sandbox of scripted callees behind [`key_listening_handler`], at [`TIME_SCALE`], with a
/// fresh account's quotas but for `extra` (e.g. `--quota create-rate=50`), writing an access log.
pub struct Campaign {
    pub sandbox: Sandbox,
    pub access_log: PathBuf,
    _handler: FakeLambda,
}

impl Campaign {
    pub fn start(extra: &[&str]) -> Campaign {
        let handler = key_listening_handler();
        let callees = callees_file();
        let mut args = vec![
            "--handler",
            &handler.url,
            "--callees",
            callees.to_str().unwrap(),
            "--time-scale",
            TIME_SCALE,
            // 1 s of wall clock for a phone that is never picked up.
            "--ring-timeout",
            "5s",
            "--seed",
            "1",
        ];
        args.extend_from_slice(extra);
        let sandbox = Sandbox::start_with_access_log(&args);
        let access_log = sandbox.access_log_path().to_path_buf();
        Campaign {
            sandbox,
            access_log,
            _handler: handler,
        }
    }

    pub fn access_log(&self) -> Vec<Value> {
        access_log::read(&self.access_log)
    }
}

/// A CSV file with a header `to,id` and one row per (id, to).
pub use crate::support::csv_of as csv;

/// `count` rows of one class, ids `{prefix}{i}`.
pub fn rows_of(callee: Callee, prefix: &str, count: usize) -> Vec<(String, String)> {
    (0..count)
        .map(|i| (format!("{prefix}{i}"), number(callee, i)))
        .collect()
}

/// A bulk run's stdout in JSON, split: placement records (`outcome`), end records (`disposition`).
pub struct RunRecords {
    pub placements: Vec<Value>,
    pub ends: Vec<Value>,
}

pub fn records(stdout: &str) -> RunRecords {
    let (ends, placements) = json_lines(stdout)
        .into_iter()
        .partition(|record| record.get("disposition").is_some());
    RunRecords { placements, ends }
}

/// How many records of each value of `field`.
pub fn count_field(records: &[Value], field: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for record in records {
        let value = match &record[field] {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        *counts.entry(value).or_insert(0) += 1;
    }
    counts
}

/// The journal's records.
pub fn journal(sandbox: &Sandbox) -> Vec<Value> {
    sandbox.journal_records()
}

/// How many calls the sandbox placed to each destination (from its handler's logs), leaving out
/// TransactionIds in `except`.
pub fn placed_per_destination(sandbox: &Sandbox, except: &[&str]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for (to, tx) in sandbox.placed_calls() {
        if !except.contains(&tx.as_str()) {
            *counts.entry(to).or_insert(0) += 1;
        }
    }
    counts
}

pub use crate::support::path_str;
