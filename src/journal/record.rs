//! The journal's format: one JSON object per line, each a record with a version and a time.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::call::{Disposition, DispositionKind, EndedBy};

/// The journal format's version, in every record's `v`.
pub(crate) const FORMAT_VERSION: u32 = 1;
/// What argument and SIP header values are replaced with (the model marks them sensitive).
pub(crate) const MASK: &str = "***";

/// One line of the journal.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct Line {
    pub(crate) v: u32,
    /// RFC 3339 UTC, milliseconds.
    pub(crate) time: String,
    #[serde(flatten)]
    pub(crate) record: Record,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum Record {
    Intent(Intent),
    Outcome(Outcome),
    State(StateNote),
    Redial(RedialNote),
}

/// Written before CreateSipMediaApplicationCall is sent.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct Intent {
    /// Links the intent to its outcome; unique per dial.
    pub(crate) dial_id: String,
    pub(crate) sma_id: String,
    pub(crate) from: String,
    pub(crate) to: String,
    /// Keys as sent, values masked.
    #[serde(default)]
    pub(crate) arguments: BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) sip_headers: BTreeMap<String, String>,
    /// The client request id sent in the ArgumentsMap (`chimecall-request-id`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) request_id: Option<String>,
    /// Bulk runs: the file (absolute path, or `-` for stdin) and the row key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) batch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) row: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) line: Option<u64>,
    /// Bulk runs: which attempt at the row this is (1 when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) attempt: Option<u32>,
    /// A deliberate repeat: placed with `--allow-repeat` although the guard would have held it
    /// (`"repeat": true`; absent otherwise). It counts against the guard like any call.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub(crate) repeat: bool,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub(crate) enum OutcomeKind {
    /// The service answered with a TransactionId.
    Placed,
    /// The service refused it, or it was never sent: no call was placed.
    Failed,
    /// Sent, and no usable answer: a call may have been placed.
    Unknown,
}

/// Written once the dial's result is known.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct Outcome {
    pub(crate) dial_id: String,
    pub(crate) outcome: OutcomeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) transaction_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<ErrorNote>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) batch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) row: Option<String>,
    /// Set when `resolve` (or dial itself) settled an unknown outcome: "logs".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) resolved_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) attempt: Option<u32>,
}

/// A bulk run decided to dial a row again (its last attempt ended `because`), no sooner than
/// `not_before`: written when the decision is made, before the attempt's own intent.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct RedialNote {
    pub(crate) batch: String,
    pub(crate) row: String,
    pub(crate) line: u64,
    pub(crate) to: String,
    /// The attempt this will be.
    pub(crate) attempt: u32,
    /// RFC 3339 UTC, milliseconds.
    pub(crate) not_before: String,
    pub(crate) because: DispositionKind,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct ErrorNote {
    pub(crate) code: Option<String>,
    pub(crate) message: String,
    pub(crate) request_id: Option<String>,
    pub(crate) exit_code: i32,
}

impl ErrorNote {
    /// What the service (or the SDK) said, and the exit code it was given.
    pub(crate) fn of(error: &crate::aws::ApiError, exit: crate::exit::Exit) -> ErrorNote {
        ErrorNote {
            code: error.code.clone(),
            message: error.message.clone(),
            request_id: error.request_id.clone(),
            exit_code: exit.code(),
        }
    }
}

/// What chimecall learned about a call after placing it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct StateNote {
    pub(crate) transaction_id: String,
    /// "answered", "ended", or "hangup_requested".
    pub(crate) state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) answered: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) sip_response_code: Option<String>,
    /// The command that learned it.
    pub(crate) source: String,
    /// Once the call has ended: how it went (see `call::Disposition`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) disposition: Option<DispositionKind>,
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
}

impl StateNote {
    /// A state learned by `source`, with nothing else known.
    pub(crate) fn new(transaction_id: &str, state: &str, source: &str) -> StateNote {
        StateNote {
            transaction_id: transaction_id.to_string(),
            state: state.to_string(),
            answered: None,
            sip_response_code: None,
            source: source.to_string(),
            disposition: None,
            digits: None,
            ring_ms: None,
            duration_ms: None,
            ended_by: None,
            bridged: None,
        }
    }

    /// The same note, with how the call went.
    pub(crate) fn with_disposition(mut self, disposition: &Disposition) -> StateNote {
        self.disposition = Some(disposition.disposition);
        self.answered = Some(disposition.answered);
        self.sip_response_code = disposition.sip_response_code.clone();
        self.digits = Some(disposition.digits.clone()).filter(|d| !d.is_empty());
        self.ring_ms = disposition.ring_ms;
        self.duration_ms = disposition.duration_ms;
        self.ended_by = disposition.ended_by;
        self.bridged = Some(disposition.bridged);
        self
    }
}

pub(crate) fn mask_values(map: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    map.keys().map(|k| (k.clone(), MASK.to_string())).collect()
}
