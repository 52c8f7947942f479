//! What a dial adds up to: the `DialEntry` that a dial's records fold into (its intent, then
//! its outcome, then what was learned of its call). One fold, record by record, serves the
//! journal's dials table and any in-memory list of records, so both say the same.

use serde::{Deserialize, Serialize};

use super::record::{ErrorNote, Intent, Outcome, OutcomeKind, StateNote};
#[cfg(test)]
use super::record::{Line, Record};
use crate::call::{DispositionKind, EndedBy};

/// One dial, as the journal knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DialEntry {
    pub(crate) dial_id: String,
    pub(crate) time: String,
    pub(crate) sma_id: String,
    pub(crate) from: String,
    pub(crate) to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) batch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) row: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) line: Option<u64>,
    /// "placed", "failed", "unknown"; an intent with no outcome (the process died) is "unknown".
    pub(crate) outcome: OutcomeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) transaction_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<ErrorNote>,
    /// The last state chimecall learned ("answered", "ended", "hangup_requested"), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) answered: Option<bool>,
    /// Bulk runs: which attempt at its row the dial was.
    pub(crate) attempt: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) resolved_by: Option<String>,
    /// Once the call has ended: how it went (from the `state` record that said so).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) disposition: Option<DispositionKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) sip_response_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) digits: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) ring_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) duration_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) ended_by: Option<EndedBy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) bridged: Option<bool>,
    /// When the journal learned the call had ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) ended_at: Option<String>,
    /// When the callee pressed the acknowledgement key (`--ack`), as the journal learned it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) acknowledged_at: Option<String>,
    /// When the journal learned the call was answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) answered_at: Option<String>,
    /// Escalating runs: the row's tier and the round of `--repeat` it was dialed in.
    #[serde(default = "first_tier")]
    pub(crate) tier: u32,
    #[serde(default)]
    pub(crate) round: u32,
    /// Placed with `--allow-repeat` over the guard's limit (the intent's `repeat`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) repeat: bool,
}

fn first_tier() -> u32 {
    1
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

    /// Active, or of unknown outcome (a call may have been placed).
    pub(crate) fn may_be_live(&self) -> bool {
        self.is_active() || self.outcome == OutcomeKind::Unknown
    }
}

impl DialEntry {
    /// A dial as its intent (written at `time`) tells it: nothing known yet of its outcome.
    pub(crate) fn of_intent(intent: &Intent, time: &str) -> DialEntry {
        DialEntry {
            dial_id: intent.dial_id.clone(),
            time: time.to_string(),
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
        }
    }

    /// The dial's outcome: the latest one written wins.
    pub(crate) fn apply_outcome(&mut self, outcome: &Outcome) {
        self.outcome = outcome.outcome;
        self.transaction_id = outcome.transaction_id.clone();
        self.error = outcome.error.clone();
        self.resolved_by = outcome.resolved_by.clone();
    }

    /// What was learned of the call (a `state` record written at `time`).
    pub(crate) fn apply_state(&mut self, note: &StateNote, time: &str) {
        // An ended call stays ended whatever arrives later.
        if !self.is_ended() {
            self.state = Some(note.state.clone());
            if note.state == "ended" {
                self.ended_at = Some(time.to_string());
            }
        }
        if note.answered.is_some() {
            self.answered = note.answered;
        }
        if note.state == "acknowledged" && self.acknowledged_at.is_none() {
            self.acknowledged_at = Some(time.to_string());
        }
        if note.answered == Some(true) && self.answered_at.is_none() {
            self.answered_at = Some(time.to_string());
        }
        // The fullest word on how it ended wins: the first record with a disposition. A call
        // whose key was seen stays acknowledged, whoever learns of its end later (`calls`, which
        // cannot know the key, says answered).
        if self.disposition.is_none() && note.disposition.is_some() {
            self.disposition = note.disposition;
            if self.acknowledged_at.is_some() && self.disposition == Some(DispositionKind::Answered)
            {
                self.disposition = Some(DispositionKind::Acknowledged);
            }
            self.sip_response_code = note.sip_response_code.clone();
            self.digits = note.digits.clone();
            self.ring_ms = note.ring_ms;
            self.duration_ms = note.duration_ms;
            self.ended_by = note.ended_by;
            self.bridged = note.bridged;
        }
    }
}

#[cfg(test)]
use std::collections::HashMap;

/// The dials a list of records adds up to, in the order they were started. An intent starts a
/// dial (a second intent with the same `dial_id` starts another, and later outcomes go to it); an
/// outcome goes to the latest dial of its `dial_id`; a state goes to the dial whose outcome last
/// named its TransactionId. Records about dials or calls not (yet) seen are left out.
#[cfg(test)]
pub(crate) fn dials(lines: &[Line]) -> Vec<DialEntry> {
    let mut entries: Vec<DialEntry> = Vec::new();
    let mut by_dial: HashMap<String, usize> = HashMap::new();
    let mut by_transaction: HashMap<String, usize> = HashMap::new();
    for line in lines {
        match &line.record {
            Record::Intent(intent) => {
                by_dial.insert(intent.dial_id.clone(), entries.len());
                entries.push(DialEntry::of_intent(intent, &line.time));
            }
            Record::Outcome(outcome) => {
                if let Some(&index) = by_dial.get(&outcome.dial_id) {
                    entries[index].apply_outcome(outcome);
                    if let Some(id) = &outcome.transaction_id {
                        by_transaction.insert(id.clone(), index);
                    }
                }
            }
            Record::Redial(_) | Record::Settled(_) => {}
            Record::State(note) => {
                if let Some(&index) = by_transaction.get(&note.transaction_id) {
                    entries[index].apply_state(note, &line.time);
                }
            }
        }
    }
    entries
}

#[cfg(test)]
mod acknowledged {
    use super::*;

    #[test]
    fn an_acknowledged_call_stays_acknowledged_when_its_end_is_learned_as_answered() {
        let intent = Intent {
            dial_id: "d".into(),
            sma_id: "sma".into(),
            from: "+12065550100".into(),
            to: "+12065550123".into(),
            arguments: Default::default(),
            sip_headers: Default::default(),
            request_id: None,
            batch: None,
            row: None,
            line: None,
            attempt: None,
            tier: None,
            round: None,
            repeat: false,
        };
        let mut entry = DialEntry::of_intent(&intent, "2026-12-01T10:00:00.000Z");
        let mut acknowledged = StateNote::new("tx", "acknowledged", "dial --file");
        acknowledged.answered = Some(true);
        entry.apply_state(&acknowledged, "2026-12-01T10:00:05.000Z");
        let mut ended = StateNote::new("tx", "ended", "calls");
        ended.answered = Some(true);
        ended.disposition = Some(DispositionKind::Answered);
        entry.apply_state(&ended, "2026-12-01T10:00:30.000Z");
        assert_eq!(entry.disposition, Some(DispositionKind::Acknowledged));
        assert_eq!(
            entry.acknowledged_at.as_deref(),
            Some("2026-12-01T10:00:05.000Z")
        );
    }
}
