//! Reading the journal back: its records in order, lines that cannot be read reported (never
//! fatal), and the dials they add up to.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

use serde::Serialize;

use super::record::{ErrorNote, Line, OutcomeKind, Record};
use crate::call::{DispositionKind, EndedBy};
use crate::exit::{Exit, Failure};

/// What was read: the records in order, and lines that could not be read (reported, not fatal).
#[derive(Debug, Default)]
pub(crate) struct Contents {
    pub(crate) lines: Vec<Line>,
    pub(crate) problems: Vec<String>,
}

/// Reads the whole journal; a missing file is an empty journal.
pub(crate) fn read(path: &Path) -> Result<Contents, Failure> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Contents::default()),
        Err(e) => {
            return Err(Failure::new(
                Exit::Config,
                format!("cannot read the call journal {}: {e}", path.display()),
            ))
        }
    };
    let mut reader = BufReader::new(file);
    let mut contents = Contents::default();
    let mut buffer = Vec::new();
    let mut number = 0u64;
    loop {
        buffer.clear();
        let read = reader.read_until(b'\n', &mut buffer).map_err(|e| {
            Failure::new(
                Exit::Config,
                format!("cannot read the call journal {}: {e}", path.display()),
            )
        })?;
        if read == 0 {
            break;
        }
        number += 1;
        let complete = buffer.last() == Some(&b'\n');
        let text = String::from_utf8_lossy(&buffer);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        match serde_json::from_str::<Line>(text) {
            Ok(line) => contents.lines.push(line),
            Err(_) if !complete => contents.problems.push(format!(
                "{}: line {number} is incomplete (a write was cut short); it is ignored",
                path.display()
            )),
            Err(e) => contents.problems.push(format!(
                "{}: line {number} is not a journal record ({e}); it is ignored",
                path.display()
            )),
        }
    }
    Ok(contents)
}

/// One dial, as the journal knows it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DialEntry {
    pub(crate) dial_id: String,
    pub(crate) time: String,
    pub(crate) sma_id: String,
    pub(crate) from: String,
    pub(crate) to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) batch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) row: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) line: Option<u64>,
    /// "placed", "failed", "unknown"; an intent with no outcome (the process died) is "unknown".
    pub(crate) outcome: OutcomeKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) transaction_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<ErrorNote>,
    /// The last state chimecall learned ("answered", "ended", "hangup_requested"), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) answered: Option<bool>,
    /// Bulk runs: which attempt at its row the dial was.
    pub(crate) attempt: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) resolved_by: Option<String>,
    /// Once the call has ended: how it went (from the `state` record that said so).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) disposition: Option<DispositionKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sip_response_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) digits: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ring_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) duration_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ended_by: Option<EndedBy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) bridged: Option<bool>,
    /// When the journal learned the call had ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ended_at: Option<String>,
    /// When the callee pressed the acknowledgement key (`--ack`), as the journal learned it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) acknowledged_at: Option<String>,
    /// When the journal learned the call was answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) answered_at: Option<String>,
    /// Escalating runs: the row's tier and the round of `--repeat` it was dialed in.
    pub(crate) tier: u32,
    pub(crate) round: u32,
    /// Placed with `--allow-repeat` over the guard's limit (the intent's `repeat`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) repeat: bool,
}

impl DialEntry {
    pub(crate) fn is_ended(&self) -> bool {
        self.state.as_deref() == Some("ended")
    }

    /// How the dial went, as far as the journal knows: the call's disposition once it ended;
    /// while placed and not known to have ended, `acknowledged` or `answered` once it was,
    /// else `live`; `not_placed` for a dial the service
    /// did not act on (throttled, over the active-call quota) or `resolve` proved never placed.
    pub(crate) fn disposition(&self) -> DispositionKind {
        match self.outcome {
            OutcomeKind::Unknown => DispositionKind::Unknown,
            OutcomeKind::Failed => {
                let not_acted_on = self.error.as_ref().is_some_and(|error| {
                    matches!(
                        error.code.as_deref(),
                        Some("ThrottledClientException" | "ResourceLimitExceededException")
                    )
                });
                if not_acted_on || self.resolved_by.is_some() {
                    DispositionKind::NotPlaced
                } else {
                    DispositionKind::Failed
                }
            }
            OutcomeKind::Placed => match (self.disposition, self.is_ended()) {
                (Some(disposition), _) => disposition,
                // Ended, with nothing more said (a hangup found it gone): answered or not.
                (None, true) if self.answered == Some(true) => DispositionKind::Answered,
                (None, true) => DispositionKind::NoAnswer,
                // Still up: what it has shown so far.
                (None, false) if self.state.as_deref() == Some("acknowledged") => {
                    DispositionKind::Acknowledged
                }
                (None, false) if self.answered == Some(true) => DispositionKind::Answered,
                (None, false) => DispositionKind::Live,
            },
        }
    }

    /// When the dial was started, in epoch milliseconds.
    pub(crate) fn time_ms(&self) -> Option<i64> {
        chimecall_model::clock::parse_rfc3339_ms(&self.time)
    }

    /// Placed, and not known to have ended.
    pub(crate) fn is_active(&self) -> bool {
        self.outcome == OutcomeKind::Placed && !self.is_ended()
    }
}

/// Every dial in the journal, in the order they were started.
pub(crate) fn dials(contents: &Contents) -> Vec<DialEntry> {
    let mut entries: Vec<DialEntry> = Vec::new();
    let mut by_dial: HashMap<String, usize> = HashMap::new();
    let mut by_transaction: HashMap<String, usize> = HashMap::new();
    for line in &contents.lines {
        match &line.record {
            Record::Intent(intent) => {
                by_dial.insert(intent.dial_id.clone(), entries.len());
                entries.push(DialEntry {
                    dial_id: intent.dial_id.clone(),
                    time: line.time.clone(),
                    sma_id: intent.sma_id.clone(),
                    from: intent.from.clone(),
                    to: intent.to.clone(),
                    request_id: intent.request_id.clone(),
                    batch: intent.batch.clone(),
                    row: intent.row.clone(),
                    line: intent.line,
                    outcome: OutcomeKind::Unknown,
                    transaction_id: None,
                    error: None,
                    state: None,
                    answered: None,
                    attempt: intent.attempt.unwrap_or(1),
                    resolved_by: None,
                    disposition: None,
                    sip_response_code: None,
                    digits: None,
                    ring_ms: None,
                    duration_ms: None,
                    ended_by: None,
                    bridged: None,
                    ended_at: None,
                    acknowledged_at: None,
                    answered_at: None,
                    tier: intent.tier.unwrap_or(1),
                    round: intent.round.unwrap_or(0),
                    repeat: intent.repeat,
                });
            }
            Record::Outcome(outcome) => {
                if let Some(&index) = by_dial.get(&outcome.dial_id) {
                    let entry = &mut entries[index];
                    entry.outcome = outcome.outcome;
                    entry.transaction_id = outcome.transaction_id.clone();
                    entry.error = outcome.error.clone();
                    entry.resolved_by = outcome.resolved_by.clone();
                    if let Some(id) = &outcome.transaction_id {
                        by_transaction.insert(id.clone(), index);
                    }
                }
            }
            Record::Redial(_) | Record::Settled(_) => {}
            Record::State(note) => {
                if let Some(&index) = by_transaction.get(&note.transaction_id) {
                    let entry = &mut entries[index];
                    // An ended call stays ended whatever arrives later.
                    if !entry.is_ended() {
                        entry.state = Some(note.state.clone());
                        if note.state == "ended" {
                            entry.ended_at = Some(line.time.clone());
                        }
                    }
                    if note.answered.is_some() {
                        entry.answered = note.answered;
                    }
                    if note.state == "acknowledged" && entry.acknowledged_at.is_none() {
                        entry.acknowledged_at = Some(line.time.clone());
                    }
                    if note.answered == Some(true) && entry.answered_at.is_none() {
                        entry.answered_at = Some(line.time.clone());
                    }
                    // The fullest word on how it ended wins: the first record with a disposition.
                    if entry.disposition.is_none() && note.disposition.is_some() {
                        entry.disposition = note.disposition;
                        entry.sip_response_code = note.sip_response_code.clone();
                        entry.digits = note.digits.clone();
                        entry.ring_ms = note.ring_ms;
                        entry.duration_ms = note.duration_ms;
                        entry.ended_by = note.ended_by;
                        entry.bridged = note.bridged;
                    }
                }
            }
        }
    }
    entries
}
