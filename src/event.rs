//! SIP media application (SMA) invocation events, read back out of the handler's logs, and the
//! call state they add up to.
//!
//! No API tells chimecall what state a call is in. The SMA tells only its handler, by invoking it
//! with one *invocation event* per step of the call (NEW_OUTBOUND_CALL, RINGING, CALL_ANSWERED,
//! ..., HANGUP), and handlers log those events to CloudWatch Logs. Following a call therefore
//! means reading log lines written by someone else's code, so this module is deliberately
//! forgiving and deliberately defensive:
//!
//! - [`extract_event`] finds the event in one log message however the handler logged it: bare
//!   JSON, JSON after a runtime prefix or a `Request:` label, or inside a structured JSON log line
//!   (as an object, or as a string holding JSON).
//! - [`InvocationEvent::from_value`] reads the fields chimecall uses and accepts the variants the
//!   AWS documentation itself shows (`SipApplicationId`, `Leg-A`, numbers written as strings).
//!   Only `InvocationEventType` is required: any other field that is missing or has an unexpected
//!   type reads as absent, because a timeline should show what an event does say rather than drop
//!   it.
//! - [`CallTracker`] turns a stream of events, which log ingestion may deliver out of order, into
//!   one [`CallPhase`] that only moves forward.
//! - [`timeline_line`] and [`event_json`] render one event for a terminal or for programs.
//!
//! Anyone who can invoke the handler can shape what it logs: nothing here panics on any input,
//! the work per message is bounded, and log text is neutralised before it reaches a terminal.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::IgnoredAny;
use serde_json::{json, Map, Value};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::OffsetDateTime;

/// Messages longer than this are not searched. CloudWatch Logs accepts at most 256 KiB per log
/// event, so a longer message is not a real log line, and parsing it would only cost time.
pub const MAX_MESSAGE_BYTES: usize = 1024 * 1024;

/// How many levels (objects, arrays, strings holding JSON) into a structured log line the event
/// is looked for. Real loggers put it one to three levels down.
const MAX_SEARCH_DEPTH: usize = 4;

/// How many `{` positions of one message may each cost a parse attempt. Real lines need one or
/// two; the cap keeps a line full of braces from costing thousands of attempts.
const MAX_PARSE_ATTEMPTS: usize = 64;

/// How many bytes the parse attempts for one message may read in all. Each `{` of a message can
/// start an object that runs on to the end before it fails, so without this cap a 1 MiB message
/// could cost MAX_PARSE_ATTEMPTS full parses.
const MAX_PARSE_BYTES: usize = 4 * MAX_MESSAGE_BYTES;

/// The invocation event types of the PSTN audio service, as they appear in `InvocationEventType`.
pub mod event_types {
    pub const NEW_INBOUND_CALL: &str = "NEW_INBOUND_CALL";
    pub const NEW_OUTBOUND_CALL: &str = "NEW_OUTBOUND_CALL";
    pub const RINGING: &str = "RINGING";
    pub const CALL_ANSWERED: &str = "CALL_ANSWERED";
    pub const ACTION_SUCCESSFUL: &str = "ACTION_SUCCESSFUL";
    pub const ACTION_FAILED: &str = "ACTION_FAILED";
    pub const ACTION_INTERRUPTED: &str = "ACTION_INTERRUPTED";
    pub const INVALID_LAMBDA_RESPONSE: &str = "INVALID_LAMBDA_RESPONSE";
    pub const DIGITS_RECEIVED: &str = "DIGITS_RECEIVED";
    pub const CALL_UPDATE_REQUESTED: &str = "CALL_UPDATE_REQUESTED";
    pub const HANGUP: &str = "HANGUP";
}

// ---------------------------------------------------------------------------------------------
// Finding the event in a log message
// ---------------------------------------------------------------------------------------------

/// The SMA invocation event logged in one CloudWatch log message, if there is one.
///
/// An event is a JSON object with both `InvocationEventType` and `CallDetails`; that tells it
/// apart from the handler's own responses (`SchemaVersion` and `Actions`) that handlers also log.
/// It is looked for as the whole message, after any text (a runtime prefix, a `Request:` label),
/// and inside structured JSON log lines, up to a few levels deep, including in string fields
/// that hold JSON. The first event found wins.
pub fn extract_event(message: &str) -> Option<Value> {
    if message.len() > MAX_MESSAGE_BYTES {
        return None;
    }
    EventSearch::new().in_text(message, 0)
}

/// The event in one log message, read: `None` when the message holds no event, `Some(Err(..))`
/// when it holds one that chimecall cannot read.
pub fn read_event(message: &str) -> Option<Result<InvocationEvent, EventError>> {
    extract_event(message).map(|value| InvocationEvent::from_value(&value))
}

/// One search through one message; it carries the parse budget shared by all its levels.
struct EventSearch {
    attempts_left: usize,
    bytes_left: usize,
}

impl EventSearch {
    fn new() -> EventSearch {
        EventSearch {
            attempts_left: MAX_PARSE_ATTEMPTS,
            bytes_left: MAX_PARSE_BYTES,
        }
    }

    /// The first event in free text: each `{` that starts a JSON object that parses is a
    /// candidate, whatever comes before or after it.
    fn in_text(&mut self, text: &str, depth: usize) -> Option<Value> {
        let mut from = 0;
        while let Some(offset) = text[from..].find('{') {
            let start = from + offset;
            match self.measure_leading_json(&text[start..]) {
                LeadingJson::Length(length) => {
                    match serde_json::from_str(&text[start..start + length]) {
                        Ok(object) => {
                            if let Some(event) = self.in_value(object, depth) {
                                return Some(event);
                            }
                            // Everything inside that object has been searched: go on after it.
                            from = start + length;
                        }
                        // The first pass checks neither nesting depth nor number range (1e400):
                        // an event may still start inside.
                        Err(_) => from = start + 1,
                    }
                }
                LeadingJson::None => from = start + 1,
                LeadingJson::BudgetSpent => return None,
            }
        }
        None
    }

    /// The first event in a parsed value: the value itself, or something it holds.
    fn in_value(&mut self, value: Value, depth: usize) -> Option<Value> {
        if depth > MAX_SEARCH_DEPTH {
            return None;
        }
        match value {
            Value::Object(fields) if looks_like_event(&fields) => Some(Value::Object(fields)),
            Value::Object(fields) => fields
                .into_iter()
                .find_map(|(_, field)| self.in_value(field, depth + 1)),
            Value::Array(items) => items
                .into_iter()
                .find_map(|item| self.in_value(item, depth + 1)),
            // Loggers often serialise the event (or a whole "Request: {...}" message) into a string.
            Value::String(text) => self.in_text(&text, depth + 1),
            _ => None,
        }
    }

    /// Measures the JSON value at the very start of `text`; any text may follow it.
    ///
    /// This pass builds nothing (`IgnoredAny`), so a failed attempt costs no allocation; the
    /// bytes it read are charged to the budget, twice on success since the value is then built.
    /// Building uses serde_json's recursion limit (128), which this pass does not need: it keeps
    /// its own stack of brackets instead of recursing.
    fn measure_leading_json(&mut self, text: &str) -> LeadingJson {
        if self.attempts_left == 0 || self.bytes_left == 0 {
            return LeadingJson::BudgetSpent;
        }
        self.attempts_left -= 1;
        let mut values = serde_json::Deserializer::from_str(text).into_iter::<IgnoredAny>();
        let (found, bytes_read) = match values.next() {
            Some(Ok(_)) => (
                LeadingJson::Length(values.byte_offset()),
                2 * values.byte_offset(),
            ),
            Some(Err(error)) => (LeadingJson::None, error_offset(text, &error)),
            None => (LeadingJson::None, text.len()),
        };
        self.bytes_left = self.bytes_left.saturating_sub(bytes_read.max(1));
        found
    }
}

/// What starts at a `{`.
enum LeadingJson {
    /// A JSON value this many bytes long.
    Length(usize),
    /// Nothing that parses.
    None,
    /// The search may not parse any more of this message.
    BudgetSpent,
}

/// Where in `text` a parse error was detected, from its one-based line and byte column.
fn error_offset(text: &str, error: &serde_json::Error) -> usize {
    let line_start = match error.line() {
        0 | 1 => 0,
        line => text
            .match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(newline, _)| newline + 1),
    };
    (line_start + error.column()).min(text.len())
}

fn looks_like_event(fields: &Map<String, Value>) -> bool {
    fields.contains_key("InvocationEventType") && fields.contains_key("CallDetails")
}

// ---------------------------------------------------------------------------------------------
// The event model
// ---------------------------------------------------------------------------------------------

/// Why a JSON value is not an invocation event chimecall can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("the invocation event is {found}, not a JSON object")]
    NotAnObject { found: &'static str },
    #[error("the invocation event has no {0}")]
    MissingField(&'static str),
    #[error("the invocation event's {0} is empty")]
    EmptyField(&'static str),
    #[error("the invocation event's {field} is {found}, not {expected}")]
    WrongType {
        field: &'static str,
        expected: &'static str,
        found: &'static str,
    },
}

/// The fields of one invocation event that chimecall uses; `raw` keeps the event as logged.
#[derive(Debug, Clone, PartialEq)]
pub struct InvocationEvent {
    /// `Sequence`: 1, 2, 3 ... per invocation of the transaction.
    pub sequence: Option<u64>,
    /// `InvocationEventType`, e.g. `HANGUP`; see [`event_types`].
    pub event_type: String,
    /// `CallDetails.TransactionId`: the call.
    pub transaction_id: Option<String>,
    /// `CallDetails.SipMediaApplicationId`, or `SipApplicationId` as several guide pages write it.
    pub sma_id: Option<String>,
    /// `CallDetails.AwsRegion`.
    pub aws_region: Option<String>,
    /// `ActionData.Type`: the action this event reports on, e.g. `Hangup`.
    pub action_type: Option<String>,
    /// `ActionData.Parameters.SipResponseCode`, as text whether logged as a string or a number.
    pub sip_response_code: Option<String>,
    /// `ActionData.Parameters.CallId`: on a HANGUP, the leg that hung up.
    pub action_call_id: Option<String>,
    /// `ActionData.Parameters.ParticipantTag`: on a HANGUP, the leg that hung up.
    pub action_participant_tag: Option<LegTag>,
    /// `ActionData.ErrorType` (ACTION_FAILED, INVALID_LAMBDA_RESPONSE).
    pub error_type: Option<String>,
    /// `ActionData.ErrorMessage`.
    pub error_message: Option<String>,
    /// `ActionData.Parameters.Arguments`: the arguments of a create or update request. Values
    /// that are not strings are kept as their JSON text.
    pub arguments: Option<BTreeMap<String, String>>,
    /// `CallDetails.Participants`: the call legs, in the order logged.
    pub participants: Vec<Participant>,
    /// The whole event as logged.
    pub raw: Value,
}

/// One call leg of `CallDetails.Participants`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub call_id: Option<String>,
    /// `ParticipantTag`; an empty `Other` when the leg has none.
    pub tag: LegTag,
    pub to: Option<String>,
    pub from: Option<String>,
    /// `Inbound` or `Outbound`.
    pub direction: Option<String>,
    pub status: Option<LegStatus>,
    /// `StartTimeInMilliseconds`, logged as a string by the service.
    pub start_time_ms: Option<i64>,
}

/// A participant tag. The service writes `LEG-A`, the guide also `Leg-A`: case is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LegTag {
    LegA,
    LegB,
    Other(String),
}

/// A participant status, case ignored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum LegStatus {
    Connected,
    Disconnected,
    Other(String),
}

impl LegTag {
    pub fn parse(text: &str) -> LegTag {
        let tag = text.trim();
        if tag.eq_ignore_ascii_case("LEG-A") {
            LegTag::LegA
        } else if tag.eq_ignore_ascii_case("LEG-B") {
            LegTag::LegB
        } else {
            LegTag::Other(text.to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            LegTag::LegA => "LEG-A",
            LegTag::LegB => "LEG-B",
            LegTag::Other(text) => text,
        }
    }
}

impl LegStatus {
    pub fn parse(text: &str) -> LegStatus {
        let status = text.trim();
        if status.eq_ignore_ascii_case("Connected") {
            LegStatus::Connected
        } else if status.eq_ignore_ascii_case("Disconnected") {
            LegStatus::Disconnected
        } else {
            LegStatus::Other(text.to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            LegStatus::Connected => "Connected",
            LegStatus::Disconnected => "Disconnected",
            LegStatus::Other(text) => text,
        }
    }
}

impl fmt::Display for LegTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for LegStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl InvocationEvent {
    /// Reads an event (as found by [`extract_event`]). Errors only when the value is not an
    /// object or has no usable `InvocationEventType`; see the module documentation.
    pub fn from_value(value: &Value) -> Result<InvocationEvent, EventError> {
        let event = value.as_object().ok_or(EventError::NotAnObject {
            found: json_type(value),
        })?;
        let event_type = required_text(event, "InvocationEventType")?;
        let call_details = object_field(event, "CallDetails");
        let action_data = object_field(event, "ActionData");
        let action_parameters = action_data.and_then(|action| object_field(action, "Parameters"));
        let call_detail = |key| call_details.and_then(|details| text_field(details, key));
        let action_parameter = |key| action_parameters.and_then(|params| params.get(key));
        Ok(InvocationEvent {
            sequence: event.get("Sequence").and_then(unsigned_number),
            event_type,
            transaction_id: call_detail("TransactionId"),
            sma_id: call_detail("SipMediaApplicationId")
                .or_else(|| call_detail("SipApplicationId")),
            aws_region: call_detail("AwsRegion"),
            action_type: action_data.and_then(|action| text_field(action, "Type")),
            sip_response_code: action_parameter("SipResponseCode").and_then(scalar_text),
            action_call_id: action_parameter("CallId").and_then(scalar_text),
            action_participant_tag: action_parameter("ParticipantTag")
                .and_then(Value::as_str)
                .map(LegTag::parse),
            // ACTION_FAILED carries them in ActionData; INVALID_LAMBDA_RESPONSE at the top level.
            error_type: action_data
                .and_then(|action| text_field(action, "ErrorType"))
                .or_else(|| text_field(event, "ErrorType")),
            error_message: action_data
                .and_then(|action| text_field(action, "ErrorMessage"))
                .or_else(|| text_field(event, "ErrorMessage")),
            arguments: action_parameter("Arguments")
                .and_then(Value::as_object)
                .map(text_map),
            participants: call_details.map(participants).unwrap_or_default(),
            raw: value.clone(),
        })
    }

    /// The first leg with this tag.
    pub fn participant(&self, tag: &LegTag) -> Option<&Participant> {
        self.participants.iter().find(|leg| &leg.tag == tag)
    }

    /// The status of LEG-A (the leg the call was created for), when the event gives it.
    pub fn leg_a_status(&self) -> Option<&LegStatus> {
        self.participant(&LegTag::LegA)?.status.as_ref()
    }

    /// The leg an action (a hangup) applies to: its `ParticipantTag`, else the leg whose
    /// `CallId` it names.
    pub fn action_leg(&self) -> Option<LegTag> {
        if let Some(tag) = &self.action_participant_tag {
            return Some(tag.clone());
        }
        let call_id = self.action_call_id.as_deref()?;
        self.participants
            .iter()
            .find(|leg| leg.call_id.as_deref() == Some(call_id))
            .map(|leg| leg.tag.clone())
    }
}

impl Participant {
    fn from_fields(fields: &Map<String, Value>) -> Participant {
        Participant {
            call_id: fields.get("CallId").and_then(scalar_text),
            tag: text_field(fields, "ParticipantTag")
                .map(|tag| LegTag::parse(&tag))
                .unwrap_or_else(|| LegTag::Other(String::new())),
            to: text_field(fields, "To"),
            from: text_field(fields, "From"),
            direction: text_field(fields, "Direction"),
            status: text_field(fields, "Status").map(|status| LegStatus::parse(&status)),
            start_time_ms: fields
                .get("StartTimeInMilliseconds")
                .and_then(signed_number),
        }
    }
}

/// The legs of `CallDetails.Participants`; entries that are not objects are skipped.
fn participants(call_details: &Map<String, Value>) -> Vec<Participant> {
    call_details
        .get("Participants")
        .and_then(Value::as_array)
        .map(|legs| {
            legs.iter()
                .filter_map(Value::as_object)
                .map(Participant::from_fields)
                .collect()
        })
        .unwrap_or_default()
}

fn required_text(fields: &Map<String, Value>, key: &'static str) -> Result<String, EventError> {
    match fields.get(key) {
        None | Some(Value::Null) => Err(EventError::MissingField(key)),
        Some(Value::String(text)) if text.trim().is_empty() => Err(EventError::EmptyField(key)),
        Some(Value::String(text)) => Ok(text.clone()),
        Some(other) => Err(EventError::WrongType {
            field: key,
            expected: "a string",
            found: json_type(other),
        }),
    }
}

fn object_field<'a>(fields: &'a Map<String, Value>, key: &str) -> Option<&'a Map<String, Value>> {
    fields.get(key).and_then(Value::as_object)
}

fn text_field(fields: &Map<String, Value>, key: &str) -> Option<String> {
    fields.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// A string, or a number as its text: the service writes some numbers as strings, the guide
/// writes them as numbers.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn unsigned_number(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

fn signed_number(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// A string map from a JSON object; values that are not strings keep their JSON text.
fn text_map(fields: &Map<String, Value>) -> BTreeMap<String, String> {
    fields
        .iter()
        .map(|(key, value)| {
            let text = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (key.clone(), text)
        })
        .collect()
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

// ---------------------------------------------------------------------------------------------
// Call state
// ---------------------------------------------------------------------------------------------

/// How far a call has got, as far as its handler's logs tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallPhase {
    /// No event that says anything about the call's progress yet.
    Unknown,
    /// NEW_OUTBOUND_CALL: the service is placing the call.
    Dialing,
    /// RINGING (or NEW_INBOUND_CALL: the call is being offered).
    Ringing,
    /// CALL_ANSWERED, or LEG-A reported Connected.
    Answered,
    /// The final HANGUP of LEG-A; `sip_response_code` is that hangup's (0 normal, 480, 486...).
    Ended {
        answered: bool,
        sip_response_code: Option<String>,
    },
}

impl CallPhase {
    /// One stable word for programs: unknown, dialing, ringing, answered, ended.
    pub fn kind(&self) -> &'static str {
        match self {
            CallPhase::Unknown => "unknown",
            CallPhase::Dialing => "dialing",
            CallPhase::Ringing => "ringing",
            CallPhase::Answered => "answered",
            CallPhase::Ended { .. } => "ended",
        }
    }
}

impl fmt::Display for CallPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallPhase::Unknown => f.write_str("unknown"),
            CallPhase::Dialing => f.write_str("dialing"),
            CallPhase::Ringing => f.write_str("ringing"),
            CallPhase::Answered => f.write_str("answered"),
            CallPhase::Ended {
                answered,
                sip_response_code,
            } => {
                let answered = if *answered {
                    "answered"
                } else {
                    "not answered"
                };
                match sip_response_code {
                    Some(code) => write!(f, "ended ({answered}, sip {})", one_line(code)),
                    None => write!(f, "ended ({answered})"),
                }
            }
        }
    }
}

/// The phase of one call, from its events in whatever order they arrive.
///
/// It records facts that only ever become true (dialing seen, ringing seen, answered, ended), and
/// the phase is the furthest of them, so it never moves backwards and an ended call stays ended.
/// A late event can still add a fact: a CALL_ANSWERED ingested after the final HANGUP turns
/// `Ended { answered: false }` into `Ended { answered: true }`, because the call was answered.
#[derive(Debug, Clone, Default)]
pub struct CallTracker {
    /// When set, events of other transactions are ignored.
    transaction_id: Option<String>,
    dialing: bool,
    ringing: bool,
    answered: bool,
    ended: bool,
    end_sip_response_code: Option<String>,
    events_observed: usize,
}

impl CallTracker {
    /// A tracker that takes every event it is given as being about one call.
    pub fn new() -> CallTracker {
        CallTracker::default()
    }

    /// A tracker for one transaction; events of other calls (a log group holds many) are ignored.
    pub fn for_transaction(transaction_id: impl Into<String>) -> CallTracker {
        CallTracker {
            transaction_id: Some(transaction_id.into()),
            ..CallTracker::default()
        }
    }

    pub fn observe(&mut self, event: &InvocationEvent) {
        if !self.is_about_this_call(event) {
            return;
        }
        self.events_observed += 1;
        match event.event_type.as_str() {
            event_types::NEW_OUTBOUND_CALL => self.dialing = true,
            event_types::RINGING | event_types::NEW_INBOUND_CALL => self.ringing = true,
            event_types::CALL_ANSWERED => self.answered = true,
            _ => {}
        }
        if shows_leg_a_connected(event) {
            self.answered = true;
        }
        if is_final_hangup(event) {
            self.ended = true;
            // A duplicate final hangup (log redelivery) must not erase the code already known.
            if self.end_sip_response_code.is_none() {
                self.end_sip_response_code = event.sip_response_code.clone();
            }
        }
    }

    pub fn phase(&self) -> CallPhase {
        if self.ended {
            CallPhase::Ended {
                answered: self.answered,
                sip_response_code: self.end_sip_response_code.clone(),
            }
        } else if self.answered {
            CallPhase::Answered
        } else if self.ringing {
            CallPhase::Ringing
        } else if self.dialing {
            CallPhase::Dialing
        } else {
            CallPhase::Unknown
        }
    }

    pub fn is_ended(&self) -> bool {
        self.ended
    }

    pub fn was_answered(&self) -> bool {
        self.answered
    }

    /// How many events about this call were observed (duplicates included).
    pub fn events_observed(&self) -> usize {
        self.events_observed
    }

    fn is_about_this_call(&self, event: &InvocationEvent) -> bool {
        match &self.transaction_id {
            Some(wanted) => event.transaction_id.as_deref() == Some(wanted.as_str()),
            None => true,
        }
    }
}

/// LEG-A reported Connected means the call was answered (an inbound call is connected from the
/// start), except on the events that by definition come before an outbound call is answered.
fn shows_leg_a_connected(event: &InvocationEvent) -> bool {
    let before_answer = matches!(
        event.event_type.as_str(),
        event_types::NEW_OUTBOUND_CALL | event_types::RINGING
    );
    !before_answer && event.leg_a_status() == Some(&LegStatus::Connected)
}

/// The call is over only when LEG-A hangs up. A HANGUP of LEG-B (a bridged leg, a meeting
/// ending) leaves LEG-A Connected and the call going on.
fn is_final_hangup(event: &InvocationEvent) -> bool {
    if event.event_type != event_types::HANGUP {
        return false;
    }
    match event.leg_a_status() {
        Some(status) => *status == LegStatus::Disconnected,
        None => event.action_leg() == Some(LegTag::LegA),
    }
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

/// Wide enough for the longest event type, so the columns after it line up.
const EVENT_TYPE_WIDTH: usize = event_types::INVALID_LAMBDA_RESPONSE.len();

const CLOCK_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[hour]:[minute]:[second].[subsecond digits:3]");

const ISO_8601_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");

/// One terminal line for one event, e.g.
/// `19:30:00.123 #6 HANGUP                  LEG-A Disconnected sip=486 action=Hangup`.
///
/// `timestamp_ms` is the log event's time (epoch milliseconds), shown in UTC. Every piece taken
/// from the log is neutralised: control characters become visible escapes, and line breaks and
/// tabs become spaces, so one event stays one line.
pub fn timeline_line(ev: &InvocationEvent, timestamp_ms: i64) -> String {
    let sequence = ev
        .sequence
        .map_or_else(|| "?".to_owned(), |sequence| sequence.to_string());
    let mut line = format!(
        "{} #{sequence} {:<EVENT_TYPE_WIDTH$}",
        clock_time(timestamp_ms),
        one_line(&ev.event_type)
    );
    for leg in &ev.participants {
        line.push(' ');
        line.push_str(&leg_summary(leg));
    }
    let labelled = [
        ("sip", &ev.sip_response_code),
        ("action", &ev.action_type),
        ("error", &ev.error_type),
    ];
    for (label, value) in labelled {
        if let Some(value) = value {
            line.push_str(&format!(" {label}={}", one_line(value)));
        }
    }
    // The event type's padding is trailing when nothing follows it.
    line.truncate(line.trim_end().len());
    line
}

/// `LEG-A Connected`, or just the tag when the status is not given.
fn leg_summary(leg: &Participant) -> String {
    let tag = match leg.tag.as_str() {
        "" => "?".to_owned(),
        tag => one_line(tag),
    };
    match &leg.status {
        Some(status) => format!("{tag} {}", one_line(status.as_str())),
        None => tag,
    }
}

/// One event as a JSON object for `--output json`. serde_json escapes control characters, so
/// nothing needs neutralising here. `timestamp` is null when `timestamp_ms` is out of range.
pub fn event_json(ev: &InvocationEvent, timestamp_ms: i64, event_id: Option<&str>) -> Value {
    let legs: Vec<Value> = ev.participants.iter().map(leg_json).collect();
    json!({
        "transaction_id": ev.transaction_id,
        "sequence": ev.sequence,
        "event": ev.event_type,
        "timestamp": iso_8601(timestamp_ms),
        "timestamp_ms": timestamp_ms,
        "sma_id": ev.sma_id,
        "aws_region": ev.aws_region,
        "action": ev.action_type,
        "sip_response_code": ev.sip_response_code,
        "error_type": ev.error_type,
        "error_message": ev.error_message,
        "arguments": ev.arguments,
        "legs": legs,
        "event_id": event_id,
        "raw": ev.raw,
    })
}

fn leg_json(leg: &Participant) -> Value {
    json!({
        "tag": leg.tag.as_str(),
        "status": leg.status.as_ref().map(LegStatus::as_str),
        "call_id": leg.call_id,
        "direction": leg.direction,
        "to": leg.to,
        "from": leg.from,
        "start_time_ms": leg.start_time_ms,
    })
}

/// Log text made safe for one terminal line: line breaks (CR included) and tabs become spaces,
/// other control characters (ESC, BEL, backspace...) and bidirectional formatting characters
/// (U+202E would show the rest of the line reversed) become visible escapes.
fn one_line(text: &str) -> String {
    let flattened: String = text
        .chars()
        .map(|c| match c {
            '\n' | '\r' | '\t' | '\u{2028}' | '\u{2029}' => ' ',
            other => other,
        })
        .collect();
    chimecall_model::rules::printable(&flattened).into_owned()
}

fn utc_time(timestamp_ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(timestamp_ms) * 1_000_000).ok()
}

/// `HH:MM:SS.mmm` in UTC; a placeholder for a timestamp outside what `time` can represent.
fn clock_time(timestamp_ms: i64) -> String {
    utc_time(timestamp_ms)
        .and_then(|time| time.format(CLOCK_FORMAT).ok())
        .unwrap_or_else(|| "??:??:??.???".to_owned())
}

fn iso_8601(timestamp_ms: i64) -> Option<String> {
    utc_time(timestamp_ms).and_then(|time| time.format(ISO_8601_FORMAT).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The first HANGUP of the seed document (`ending-a-call.txt`), verbatim: LEG-A hung up.
    const SEED_LEG_A_HANGUP: &str = r#"{ "SchemaVersion": "1.0", "Sequence": 6, "InvocationEventType": "HANGUP", "ActionData": { "Type": "Hangup", "Parameters": { "CallId": "call-id-1", "ParticipantTag": "LEG-A" } }, "CallDetails": { "TransactionId": "transaction-id", "AwsAccountId": "aws-account-id", "AwsRegion": "us-east-1", "SipRuleId": "sip-rule-id", "SipApplicationId": "sip-application-id", "Participants": [ { "CallId": "call-id-1", "ParticipantTag": "LEG-A", "Direction": "Inbound", "To": "+12065551212", "From": "+15105550101", "StartTimeInMilliseconds": "1597009588", "Status": "Disconnected" } ] } }"#;

    /// The second HANGUP of the seed document, verbatim: LEG-B of a bridged call hung up.
    const SEED_LEG_B_HANGUP: &str = r#"{ "SchemaVersion": "1.0", "Sequence": 6, "InvocationEventType": "HANGUP", "ActionData": { "Type": "ReceiveDigits", "Parameters": { "CallId": "call-id-2", "ParticipantTag": "LEG-B" } }, "CallDetails": { "TransactionId": "transaction-id", "AwsAccountId": "aws-account-id", "AwsRegion": "us-east-1", "SipRuleId": "sip-rule-id", "SipApplicationId": "sip-application-id", "Participants": [ { "CallId": "call-id-1", "ParticipantTag": "Leg-A", "To": "+12065551212", "From": "+15105550101", "Direction": "Inbound", "StartTimeInMilliseconds": "1597009588", "Status": "Connected" }, { "CallId": "call-id-2", "ParticipantTag": "Leg-B", "To": "+17035550122", "From": "SMA", "Direction": "Outbound", "StartTimeInMilliseconds": "15010595", "Status": "Disconnected" } ] } }"#;

    /// 2026-11-29T19:30:00.123Z
    const LOG_TIME_MS: i64 = 1_795_980_600_123;

    fn seed(json: &str) -> InvocationEvent {
        InvocationEvent::from_value(&serde_json::from_str(json).unwrap()).unwrap()
    }

    /// A one-leg outbound event of transaction `tx-1`, as the service sends them.
    fn outbound_value(
        sequence: u64,
        event_type: &str,
        leg_a_status: Option<&str>,
        action_data: Option<Value>,
    ) -> Value {
        let mut leg_a = json!({
            "CallId": "call-id-1", "ParticipantTag": "LEG-A", "To": "+12065551212",
            "From": "+15105550101", "Direction": "Outbound", "StartTimeInMilliseconds": "1641998241509"
        });
        if let Some(status) = leg_a_status {
            leg_a["Status"] = json!(status);
        }
        let mut event = json!({
            "SchemaVersion": "1.0", "Sequence": sequence, "InvocationEventType": event_type,
            "CallDetails": {
                "TransactionId": "tx-1", "AwsAccountId": "111122223333", "AwsRegion": "us-east-1",
                "SipMediaApplicationId": "sma-1", "Participants": [leg_a]
            }
        });
        if let Some(action_data) = action_data {
            event["ActionData"] = action_data;
        }
        event
    }

    fn outbound(
        sequence: u64,
        event_type: &str,
        leg_a_status: Option<&str>,
        action_data: Option<Value>,
    ) -> InvocationEvent {
        InvocationEvent::from_value(&outbound_value(
            sequence,
            event_type,
            leg_a_status,
            action_data,
        ))
        .unwrap()
    }

    fn hangup_action(sip_response_code: &str) -> Value {
        json!({"Type": "Hangup", "Parameters": {
            "SipResponseCode": sip_response_code, "CallId": "call-id-1", "ParticipantTag": "LEG-A"}})
    }

    fn event_text() -> String {
        outbound_value(3, "RINGING", None, None).to_string()
    }

    fn assert_extracts_event(message: &str) {
        let found = extract_event(message).unwrap_or_else(|| panic!("no event in {message:?}"));
        assert_eq!(
            found,
            outbound_value(3, "RINGING", None, None),
            "in {message:?}"
        );
    }

    // --- extraction ---------------------------------------------------------------------------

    #[test]
    fn extracts_a_bare_event() {
        assert_extracts_event(&event_text());
        assert_extracts_event(&format!("  {}\n", event_text()));
        let seed = extract_event(SEED_LEG_A_HANGUP).unwrap();
        assert_eq!(seed["InvocationEventType"], "HANGUP");
    }

    #[test]
    fn extracts_after_the_node_runtime_prefix() {
        let line = format!(
            "2026-11-29T19:30:00.123Z\t6f1c2d3e-1111-2222-3333-444455556666\tINFO\t{}\n",
            event_text()
        );
        assert_extracts_event(&line);
    }

    #[test]
    fn extracts_after_a_label() {
        for label in [
            "Request: ",
            "Event: ",
            "INFO Request: ",
            "Request:",
            "event=",
        ] {
            assert_extracts_event(&format!("{label}{}", event_text()));
        }
    }

    #[test]
    fn extracts_with_text_after_the_event() {
        assert_extracts_event(&format!("Request: {} (took 3 ms) }}{{", event_text()));
    }

    #[test]
    fn skips_objects_that_are_not_events() {
        let line = format!(
            r#"ctx {{"requestId":"r-1","nested":{{"a":1}}}} Request: {}"#,
            event_text()
        );
        assert_extracts_event(&line);
        assert_extracts_event(&format!("got {{x}} and {{ then Request: {}", event_text()));
    }

    #[test]
    fn extracts_from_python_powertools_json() {
        let line = format!(
            r#"{{"level":"INFO","location":"handler:12","message":{},"timestamp":"2026-11-29 19:30:00,123+0000","service":"sma","xray_trace_id":"1-abc"}}"#,
            event_text()
        );
        assert_extracts_event(&line);
    }

    #[test]
    fn extracts_from_a_string_field_holding_the_event() {
        let line = json!({"level": "INFO", "message": event_text(), "timestamp": 1}).to_string();
        assert_extracts_event(&line);
        let labelled = json!({"level": "INFO", "message": format!("Request: {}", event_text())});
        assert_extracts_event(&labelled.to_string());
    }

    #[test]
    fn extracts_from_rust_tracing_json() {
        let line = json!({
            "timestamp": "2026-11-29T19:30:00.123456Z", "level": "INFO",
            "fields": {"message": format!("Request: {}", event_text())},
            "target": "sma_handler"
        });
        assert_extracts_event(&line.to_string());
    }

    #[test]
    fn extracts_from_node_pino_json() {
        let line = format!(
            r#"{{"level":30,"time":1795980600123,"pid":8,"hostname":"169.254.1.1","event":{},"msg":"Request"}}"#,
            event_text()
        );
        assert_extracts_event(&line);
    }

    #[test]
    fn extracts_the_first_of_two_events() {
        let document = format!(
            "{SEED_LEG_A_HANGUP} // if LEG-B receives a hangup in a bridged call, such as a meeting ending {SEED_LEG_B_HANGUP}"
        );
        let found = extract_event(&document).unwrap();
        assert_eq!(found["ActionData"]["Type"], "Hangup");
    }

    #[test]
    fn lines_without_an_event_give_none() {
        let lines = [
            "",
            "START RequestId: 6f1c2d3e-1111-2222-3333-444455556666 Version: $LATEST",
            "END RequestId: 6f1c2d3e-1111-2222-3333-444455556666",
            "REPORT RequestId: 6f1c2d3e Duration: 12.34 ms Billed Duration: 13 ms Memory Size: 128 MB Max Memory Used: 70 MB",
            r#"2026-11-29T19:30:00.200Z	6f1c2d3e	INFO	Response: {"SchemaVersion":"1.0","Actions":[{"Type":"Hangup","Parameters":{"SipResponseCode":"0","ParticipantTag":"LEG-A"}}]}"#,
            "calling +12065551212",
            "{",
            "}{",
            r#"{"InvocationEventType":"HANGUP"}"#,
            r#"{"CallDetails":{}}"#,
            r#"{"level":"INFO","message":"Request handled"}"#,
            r#"Request: {"SchemaVersion":"1.0","Sequence":1,"InvocationEventType":"RINGING","CallDetails":{"#,
        ];
        for line in lines {
            assert_eq!(extract_event(line), None, "{line:?}");
        }
    }

    #[test]
    fn depth_of_the_search_is_bounded() {
        let mut shallow = outbound_value(3, "RINGING", None, None);
        for _ in 0..MAX_SEARCH_DEPTH {
            shallow = json!({ "wrapped": shallow });
        }
        assert!(extract_event(&shallow.to_string()).is_some());
        let too_deep = json!({ "wrapped": shallow });
        assert_eq!(extract_event(&too_deep.to_string()), None);
    }

    #[test]
    fn huge_messages_are_rejected_early() {
        let padding = " ".repeat(MAX_MESSAGE_BYTES);
        assert_eq!(extract_event(&format!("{}{padding}", event_text())), None);
        let many_braces = "{".repeat(MAX_MESSAGE_BYTES);
        assert_eq!(extract_event(&many_braces), None);
        let unterminated_strings = r#"{"a":"{"#.repeat(100_000);
        assert_eq!(extract_event(&unterminated_strings), None);
    }

    #[test]
    fn every_brace_starting_a_long_parse_is_bounded() {
        // Each `{` starts an object that parses up to the end of the message before failing.
        let numbers = "0,".repeat((MAX_MESSAGE_BYTES - 1000) / 2);
        let message = format!("{}[{numbers}", r#"{"a":"#.repeat(100));
        let started = std::time::Instant::now();
        assert_eq!(extract_event(&message), None);
        eprintln!("adversarial message searched in {:?}", started.elapsed());
    }

    #[test]
    fn an_object_serde_json_cannot_build_does_not_hide_a_later_event() {
        assert_extracts_event(&format!(r#"{{"big":1e400}} Request: {}"#, event_text()));
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert_extracts_event(&format!(r#"{{"deep":{deep}}} Request: {}"#, event_text()));
    }

    #[test]
    fn deeply_nested_input_does_not_overflow() {
        let nested_objects = r#"{"a":"#.repeat(100_000);
        assert_eq!(extract_event(&nested_objects), None);
        let nested_arrays = format!("{{\"a\":{}", "[".repeat(500_000));
        assert_eq!(extract_event(&nested_arrays), None);
        let closed = format!("{{\"a\":{}{}}}", "[".repeat(120), "]".repeat(120));
        assert_eq!(extract_event(&closed), None);
        let very_deep_but_valid = format!("{}{}", r#"{"a":"#.repeat(200_000), "}".repeat(200_000));
        assert_eq!(extract_event(&very_deep_but_valid), None);
    }

    // --- the event model ----------------------------------------------------------------------

    #[test]
    fn reads_the_seed_leg_a_hangup() {
        let event = seed(SEED_LEG_A_HANGUP);
        assert_eq!(event.sequence, Some(6));
        assert_eq!(event.event_type, "HANGUP");
        assert_eq!(event.transaction_id.as_deref(), Some("transaction-id"));
        assert_eq!(event.sma_id.as_deref(), Some("sip-application-id"));
        assert_eq!(event.aws_region.as_deref(), Some("us-east-1"));
        assert_eq!(event.action_type.as_deref(), Some("Hangup"));
        assert_eq!(event.action_participant_tag, Some(LegTag::LegA));
        assert_eq!(event.action_call_id.as_deref(), Some("call-id-1"));
        assert_eq!(event.sip_response_code, None);
        assert_eq!(event.arguments, None);
        assert_eq!(
            event.participants,
            vec![Participant {
                call_id: Some("call-id-1".into()),
                tag: LegTag::LegA,
                to: Some("+12065551212".into()),
                from: Some("+15105550101".into()),
                direction: Some("Inbound".into()),
                status: Some(LegStatus::Disconnected),
                start_time_ms: Some(1_597_009_588),
            }]
        );
        assert_eq!(
            event.raw,
            serde_json::from_str::<Value>(SEED_LEG_A_HANGUP).unwrap()
        );
    }

    #[test]
    fn reads_the_seed_leg_b_hangup_with_mixed_case_tags() {
        let event = seed(SEED_LEG_B_HANGUP);
        assert_eq!(event.action_type.as_deref(), Some("ReceiveDigits"));
        assert_eq!(event.action_participant_tag, Some(LegTag::LegB));
        let tags: Vec<_> = event.participants.iter().map(|leg| &leg.tag).collect();
        assert_eq!(tags, [&LegTag::LegA, &LegTag::LegB]);
        assert_eq!(event.leg_a_status(), Some(&LegStatus::Connected));
        let leg_b = event.participant(&LegTag::LegB).unwrap();
        assert_eq!(leg_b.status, Some(LegStatus::Disconnected));
        assert_eq!(leg_b.from.as_deref(), Some("SMA"));
        assert_eq!(leg_b.start_time_ms, Some(15_010_595));
    }

    #[test]
    fn leg_tags_and_statuses_ignore_case() {
        for text in ["LEG-A", "Leg-A", "leg-a", " LEG-A "] {
            assert_eq!(LegTag::parse(text), LegTag::LegA);
        }
        assert_eq!(LegTag::parse("leg-B"), LegTag::LegB);
        assert_eq!(LegTag::parse("LEG-C"), LegTag::Other("LEG-C".into()));
        assert_eq!(LegStatus::parse("connected"), LegStatus::Connected);
        assert_eq!(LegStatus::parse("DISCONNECTED"), LegStatus::Disconnected);
        assert_eq!(LegStatus::parse("Held"), LegStatus::Other("Held".into()));
    }

    #[test]
    fn numbers_may_be_strings_and_strings_numbers() {
        let value = json!({
            "Sequence": " 7 ", "InvocationEventType": "HANGUP",
            "ActionData": {"Type": "Hangup", "Parameters": {"SipResponseCode": 486, "ParticipantTag": "LEG-A"}},
            "CallDetails": {"SipMediaApplicationId": "sma-new", "SipApplicationId": "sma-old",
                "Participants": [{"ParticipantTag": "LEG-A", "StartTimeInMilliseconds": 1641998241509_i64}]}
        });
        let event = InvocationEvent::from_value(&value).unwrap();
        assert_eq!(event.sequence, Some(7));
        assert_eq!(event.sip_response_code.as_deref(), Some("486"));
        assert_eq!(event.sma_id.as_deref(), Some("sma-new"));
        assert_eq!(event.participants[0].start_time_ms, Some(1_641_998_241_509));
    }

    #[test]
    fn reads_arguments_and_errors() {
        let update = outbound(
            5,
            "CALL_UPDATE_REQUESTED",
            Some("Connected"),
            Some(json!({"Type": "CallUpdateRequest",
                "Parameters": {"Arguments": {"action": "hangup", "attempt": 2}}})),
        );
        let arguments = update.arguments.unwrap();
        assert_eq!(arguments["action"], "hangup");
        assert_eq!(arguments["attempt"], "2");
        let failed = outbound(
            6,
            "ACTION_FAILED",
            Some("Connected"),
            Some(
                json!({"Type": "PlayAudio", "ErrorType": "InvalidAudioSource",
                "ErrorMessage": "Audio Source parameter value is invalid."}),
            ),
        );
        assert_eq!(failed.error_type.as_deref(), Some("InvalidAudioSource"));
        assert!(failed.error_message.unwrap().starts_with("Audio Source"));
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let cases = [
            (
                json!([1]),
                "the invocation event is an array, not a JSON object",
            ),
            (
                json!({"CallDetails": {}}),
                "the invocation event has no InvocationEventType",
            ),
            (
                json!({"InvocationEventType": null}),
                "the invocation event has no InvocationEventType",
            ),
            (
                json!({"InvocationEventType": " "}),
                "the invocation event's InvocationEventType is empty",
            ),
            (
                json!({"InvocationEventType": 5}),
                "the invocation event's InvocationEventType is a number, not a string",
            ),
        ];
        for (value, message) in cases {
            let error = InvocationEvent::from_value(&value).unwrap_err();
            assert_eq!(error.to_string(), message);
        }
    }

    #[test]
    fn wrongly_typed_optional_fields_read_as_absent() {
        let value = json!({
            "Sequence": -1, "InvocationEventType": "HANGUP",
            "ActionData": {"Type": 3, "Parameters": {"SipResponseCode": [486], "Arguments": ["a"],
                "ParticipantTag": {"x": 1}, "CallId": true}, "ErrorType": {}},
            "CallDetails": {"TransactionId": 42, "SipApplicationId": false,
                "Participants": [7, "LEG-A", null, {"ParticipantTag": 1, "Status": 2,
                    "StartTimeInMilliseconds": "soon", "CallId": 12}]}
        });
        let event = InvocationEvent::from_value(&value).unwrap();
        assert_eq!(event.sequence, None);
        assert_eq!(event.action_type, None);
        assert_eq!(event.sip_response_code, None);
        assert_eq!(event.arguments, None);
        assert_eq!(event.action_participant_tag, None);
        assert_eq!(event.action_call_id, None);
        assert_eq!(event.error_type, None);
        assert_eq!(event.transaction_id, None);
        assert_eq!(event.sma_id, None);
        let leg = &event.participants[0];
        assert_eq!(event.participants.len(), 1);
        assert_eq!(leg.tag, LegTag::Other(String::new()));
        assert_eq!((leg.status.as_ref(), leg.start_time_ms), (None, None));
        assert_eq!(leg.call_id.as_deref(), Some("12"));

        for odd in [json!("x"), json!([]), json!(1.5), json!(true), json!(null)] {
            let value = json!({"Sequence": odd, "InvocationEventType": "RINGING", "CallDetails": odd, "ActionData": odd});
            let event = InvocationEvent::from_value(&value).unwrap();
            assert!(event.participants.is_empty());
        }
    }

    // --- call state ---------------------------------------------------------------------------

    fn phase_after(events: &[InvocationEvent]) -> CallPhase {
        let mut tracker = CallTracker::new();
        for event in events {
            tracker.observe(event);
        }
        tracker.phase()
    }

    #[test]
    fn seed_leg_a_hangup_ends_the_call() {
        assert_eq!(
            phase_after(&[seed(SEED_LEG_A_HANGUP)]),
            CallPhase::Ended {
                answered: false,
                sip_response_code: None
            }
        );
    }

    #[test]
    fn seed_leg_b_hangup_does_not_end_the_call() {
        let mut tracker = CallTracker::new();
        tracker.observe(&seed(SEED_LEG_B_HANGUP));
        assert_eq!(tracker.phase(), CallPhase::Answered);
        assert!(!tracker.is_ended());
        tracker.observe(&seed(SEED_LEG_A_HANGUP));
        assert_eq!(
            tracker.phase(),
            CallPhase::Ended {
                answered: true,
                sip_response_code: None
            }
        );
    }

    #[test]
    fn seed_events_out_of_order_stay_ended() {
        let mut tracker = CallTracker::new();
        tracker.observe(&seed(SEED_LEG_A_HANGUP));
        tracker.observe(&seed(SEED_LEG_B_HANGUP));
        assert_eq!(
            tracker.phase(),
            CallPhase::Ended {
                answered: true,
                sip_response_code: None
            }
        );
        assert_eq!(tracker.events_observed(), 2);
    }

    #[test]
    fn an_answered_outbound_call_ended_by_an_update() {
        let events = [
            outbound(
                1,
                "NEW_OUTBOUND_CALL",
                None,
                Some(json!({"Type": "CallCreateRequest", "Parameters": {"Arguments": {"k": "v"}}})),
            ),
            outbound(2, "RINGING", None, None),
            outbound(3, "CALL_ANSWERED", Some("Connected"), None),
            outbound(
                4,
                "CALL_UPDATE_REQUESTED",
                Some("Connected"),
                Some(
                    json!({"Type": "CallUpdateRequest", "Parameters": {"Arguments": {"action": "hangup"}}}),
                ),
            ),
            outbound(5, "HANGUP", Some("Disconnected"), Some(hangup_action("0"))),
        ];
        let mut tracker = CallTracker::new();
        let phases: Vec<CallPhase> = events
            .iter()
            .map(|event| {
                tracker.observe(event);
                tracker.phase()
            })
            .collect();
        assert_eq!(
            phases,
            [
                CallPhase::Dialing,
                CallPhase::Ringing,
                CallPhase::Answered,
                CallPhase::Answered,
                CallPhase::Ended {
                    answered: true,
                    sip_response_code: Some("0".into())
                },
            ]
        );
        assert!(tracker.was_answered() && tracker.is_ended());
    }

    #[test]
    fn a_busy_call_ends_unanswered() {
        let events = [
            outbound(2, "RINGING", None, None),
            outbound(
                3,
                "HANGUP",
                Some("Disconnected"),
                Some(hangup_action("486")),
            ),
        ];
        assert_eq!(
            phase_after(&events),
            CallPhase::Ended {
                answered: false,
                sip_response_code: Some("486".into())
            }
        );
    }

    #[test]
    fn phases_only_move_forward() {
        let hangup = outbound(5, "HANGUP", Some("Disconnected"), Some(hangup_action("0")));
        let late = [
            outbound(1, "NEW_OUTBOUND_CALL", None, None),
            outbound(2, "RINGING", None, None),
        ];
        let mut tracker = CallTracker::new();
        tracker.observe(&outbound(3, "CALL_ANSWERED", Some("Connected"), None));
        for event in &late {
            tracker.observe(event);
            assert_eq!(tracker.phase(), CallPhase::Answered);
        }
        tracker.observe(&hangup);
        tracker.observe(&outbound(4, "ACTION_SUCCESSFUL", Some("Connected"), None));
        // A redelivered final hangup with another code does not change the recorded one.
        tracker.observe(&outbound(
            5,
            "HANGUP",
            Some("Disconnected"),
            Some(hangup_action("480")),
        ));
        assert_eq!(
            tracker.phase(),
            CallPhase::Ended {
                answered: true,
                sip_response_code: Some("0".into())
            }
        );
    }

    #[test]
    fn a_late_call_answered_marks_an_ended_call_answered() {
        let events = [
            outbound(4, "HANGUP", Some("Disconnected"), Some(hangup_action("0"))),
            outbound(3, "CALL_ANSWERED", Some("Connected"), None),
        ];
        assert_eq!(
            phase_after(&events),
            CallPhase::Ended {
                answered: true,
                sip_response_code: Some("0".into())
            }
        );
    }

    #[test]
    fn connected_while_ringing_is_not_an_answer() {
        let events = [outbound(2, "RINGING", Some("Connected"), None)];
        assert_eq!(phase_after(&events), CallPhase::Ringing);
    }

    #[test]
    fn hangup_without_leg_status_uses_the_action_leg() {
        let no_status = |parameters: Value| {
            outbound(
                4,
                "HANGUP",
                None,
                Some(json!({"Type": "Hangup", "Parameters": parameters})),
            )
        };
        let by_tag = no_status(json!({"ParticipantTag": "LEG-A", "SipResponseCode": "480"}));
        assert_eq!(
            phase_after(&[by_tag]),
            CallPhase::Ended {
                answered: false,
                sip_response_code: Some("480".into())
            }
        );
        let by_call_id = no_status(json!({"CallId": "call-id-1"}));
        assert!(matches!(
            phase_after(&[by_call_id]),
            CallPhase::Ended { .. }
        ));
        let leg_b = no_status(json!({"ParticipantTag": "LEG-B"}));
        assert_eq!(phase_after(&[leg_b]), CallPhase::Unknown);
        let unknown_leg = no_status(json!({}));
        assert_eq!(phase_after(&[unknown_leg]), CallPhase::Unknown);
    }

    #[test]
    fn inbound_calls_are_connected_from_the_start() {
        let mut value = outbound_value(1, "NEW_INBOUND_CALL", Some("Connected"), None);
        value["CallDetails"]["Participants"][0]["Direction"] = json!("Inbound");
        let event = InvocationEvent::from_value(&value).unwrap();
        assert_eq!(phase_after(&[event]), CallPhase::Answered);
    }

    #[test]
    fn a_transaction_tracker_ignores_other_calls() {
        let mut tracker = CallTracker::for_transaction("tx-1");
        tracker.observe(&seed(SEED_LEG_A_HANGUP));
        assert_eq!(tracker.phase(), CallPhase::Unknown);
        assert_eq!(tracker.events_observed(), 0);
        tracker.observe(&outbound(2, "RINGING", None, None));
        assert_eq!(tracker.phase(), CallPhase::Ringing);
    }

    #[test]
    fn phases_display_for_people() {
        let ended = CallPhase::Ended {
            answered: false,
            sip_response_code: Some("486".into()),
        };
        assert_eq!(ended.to_string(), "ended (not answered, sip 486)");
        assert_eq!(CallPhase::Ringing.to_string(), "ringing");
    }

    // --- rendering ----------------------------------------------------------------------------

    #[test]
    fn timeline_line_of_the_seed_events() {
        assert_eq!(
            timeline_line(&seed(SEED_LEG_A_HANGUP), LOG_TIME_MS),
            format!(
                "19:30:00.123 #6 {:<23} LEG-A Disconnected action=Hangup",
                "HANGUP"
            )
        );
        assert_eq!(
            timeline_line(&seed(SEED_LEG_B_HANGUP), LOG_TIME_MS),
            format!(
                "19:30:00.123 #6 {:<23} LEG-A Connected LEG-B Disconnected action=ReceiveDigits",
                "HANGUP"
            )
        );
    }

    #[test]
    fn timeline_line_shows_sip_code_and_error() {
        let busy = outbound(
            3,
            "HANGUP",
            Some("Disconnected"),
            Some(hangup_action("486")),
        );
        assert_eq!(
            timeline_line(&busy, 0),
            format!(
                "00:00:00.000 #3 {:<23} LEG-A Disconnected sip=486 action=Hangup",
                "HANGUP"
            )
        );
        let failed = outbound(
            4,
            "ACTION_FAILED",
            None,
            Some(json!({"Type": "PlayAudio", "ErrorType": "InvalidAudioSource"})),
        );
        assert!(
            timeline_line(&failed, 0).ends_with("LEG-A action=PlayAudio error=InvalidAudioSource")
        );
    }

    #[test]
    fn timeline_line_without_sequence_legs_or_valid_time() {
        let value = json!({"InvocationEventType": "RINGING", "CallDetails": {}});
        let event = InvocationEvent::from_value(&value).unwrap();
        assert_eq!(timeline_line(&event, i64::MAX), "??:??:??.??? #? RINGING");
        assert_eq!(timeline_line(&event, i64::MIN), "??:??:??.??? #? RINGING");
    }

    #[test]
    fn timeline_line_neutralises_log_text() {
        let value = json!({
            "Sequence": 1, "InvocationEventType": "HANGUP\u{1b}[2J\nfake line",
            "ActionData": {"Type": "Hang\tup\r\n", "ErrorType": "\u{1b}]0;title\u{7}",
                "Parameters": {"SipResponseCode": "4\u{8}86"}},
            "CallDetails": {"Participants": [{"ParticipantTag": "LEG-\u{1b}[31mX", "Status": "Conn\u{2028}ected"}]}
        });
        let line = timeline_line(&InvocationEvent::from_value(&value).unwrap(), 0);
        assert!(!line.chars().any(char::is_control), "{line:?}");
        assert!(!line.contains('\u{2028}'));
        assert!(line.contains(r"HANGUP\u{1b}[2J fake line"), "{line:?}");
        assert!(line.contains("action=Hang up"), "{line:?}");
        assert!(line.contains(r"error=\u{1b}]0;title\u{7}"), "{line:?}");
        assert!(line.contains(r"LEG-\u{1b}[31mX Conn ected"), "{line:?}");
    }

    #[test]
    fn event_json_carries_the_event() {
        let event = outbound(
            5,
            "HANGUP",
            Some("Disconnected"),
            Some(hangup_action("486")),
        );
        let json = event_json(&event, LOG_TIME_MS, Some("event-123"));
        assert_eq!(json["transaction_id"], "tx-1");
        assert_eq!(json["sequence"], 5);
        assert_eq!(json["event"], "HANGUP");
        assert_eq!(json["timestamp"], "2026-11-29T19:30:00.123Z");
        assert_eq!(json["timestamp_ms"], LOG_TIME_MS);
        assert_eq!(json["sma_id"], "sma-1");
        assert_eq!(json["action"], "Hangup");
        assert_eq!(json["sip_response_code"], "486");
        assert_eq!(json["error_type"], Value::Null);
        assert_eq!(json["error_message"], Value::Null);
        assert_eq!(json["event_id"], "event-123");
        assert_eq!(json["raw"], event.raw);
        assert_eq!(
            json["legs"],
            json!([{"tag": "LEG-A", "status": "Disconnected", "call_id": "call-id-1",
                "direction": "Outbound", "to": "+12065551212", "from": "+15105550101",
                "start_time_ms": 1_641_998_241_509_i64}])
        );
        let no_time = event_json(&event, i64::MAX, None);
        assert_eq!(
            (&no_time["timestamp"], &no_time["event_id"]),
            (&Value::Null, &Value::Null)
        );
    }

    #[test]
    fn event_json_escapes_control_characters() {
        let failed = outbound(
            4,
            "ACTION_FAILED",
            None,
            Some(json!({"Type": "PlayAudio", "ErrorType": "Bad\u{1b}[2Jtype"})),
        );
        let text = serde_json::to_string(&event_json(&failed, 0, None)).unwrap();
        assert!(!text.contains('\u{1b}'));
        assert!(
            text.contains(r#""error_type":"Bad\u001b[2Jtype""#),
            "{text}"
        );
    }

    // --- properties ---------------------------------------------------------------------------

    /// Whatever an event holds, reading, tracking and rendering it must not panic.
    fn exercise(message: &str) {
        if let Some(Ok(event)) = read_event(message) {
            CallTracker::new().observe(&event);
            let _ = timeline_line(&event, 0);
            let _ = event_json(&event, 0, None);
        }
    }

    /// Text made of JSON punctuation and the keys the search looks for.
    fn json_ish_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just("[".to_owned()),
            Just("]".to_owned()),
            Just("\"".to_owned()),
            Just(":".to_owned()),
            Just(",".to_owned()),
            Just("\\".to_owned()),
            Just(r#""InvocationEventType""#.to_owned()),
            Just(r#""CallDetails""#.to_owned()),
            Just(r#""Participants""#.to_owned()),
            "[a-zA-Z0-9 .-]{0,6}",
        ];
        prop::collection::vec(piece, 0..64).prop_map(|pieces| pieces.concat())
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            ".{0,12}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
                prop::collection::btree_map(".{0,8}", inner, 0..6)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    const EVENT_PATHS: &[&[&str]] = &[
        &["Sequence"],
        &["InvocationEventType"],
        &["ActionData"],
        &["ActionData", "Type"],
        &["ActionData", "Parameters"],
        &["ActionData", "Parameters", "SipResponseCode"],
        &["ActionData", "Parameters", "Arguments"],
        &["ActionData", "Parameters", "ParticipantTag"],
        &["CallDetails"],
        &["CallDetails", "Participants"],
        &["CallDetails", "TransactionId"],
    ];

    /// Text fields a timeline line shows.
    const TEXT_PATHS: &[&[&str]] = &[
        &["InvocationEventType"],
        &["ErrorType"],
        &["ActionData", "Type"],
        &["ActionData", "ErrorType"],
        &["ActionData", "Parameters", "SipResponseCode"],
        &["ActionData", "Parameters", "ParticipantTag"],
    ];

    fn with_field_replaced(path: &[&str], replacement: Value) -> Value {
        let mut event = outbound_value(4, "HANGUP", Some("Disconnected"), Some(hangup_action("0")));
        let mut target = &mut event;
        for key in &path[..path.len() - 1] {
            target = &mut target[*key];
        }
        target[path[path.len() - 1]] = replacement;
        event
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_strings_never_panic(message in any::<String>()) {
            exercise(&message);
        }

        #[test]
        fn json_ish_strings_never_panic(message in json_ish_text()) {
            exercise(&message);
        }

        #[test]
        fn garbage_around_an_event_never_panics(
            prefix in json_ish_text(), suffix in json_ish_text(), cut in any::<prop::sample::Index>()
        ) {
            let event = event_text();
            exercise(&format!("{prefix}{event}{suffix}"));
            // Truncated events, as a log line cut short would hold.
            let whole = format!("{prefix}{event}");
            let mut end = cut.index(whole.len() + 1);
            while !whole.is_char_boundary(end) {
                end -= 1;
            }
            exercise(&whole[..end]);
        }

        #[test]
        fn an_event_after_any_prefix_without_a_brace_is_found(
            prefix in "[^{\\p{Cc}]{0,80}", suffix in ".{0,40}"
        ) {
            let event = outbound_value(3, "RINGING", None, None);
            let message = format!("{prefix}{event}{suffix}");
            prop_assert_eq!(extract_event(&message), Some(event));
        }

        #[test]
        fn any_json_in_any_field_never_panics(
            path in prop::sample::select(EVENT_PATHS), replacement in any_json()
        ) {
            let event = with_field_replaced(path, replacement);
            exercise(&event.to_string());
            if let Ok(event) = InvocationEvent::from_value(&event) {
                let _ = timeline_line(&event, -1);
            }
        }

        #[test]
        fn a_timeline_line_holds_nothing_that_drives_a_terminal(
            path in prop::sample::select(TEXT_PATHS), text in any::<String>()
        ) {
            let mut event = with_field_replaced(path, Value::from(text.clone()));
            event["CallDetails"]["Participants"]
                .as_array_mut()
                .expect("participants")
                .push(json!({"ParticipantTag": text.clone(), "Status": text}));
            let event = match InvocationEvent::from_value(&event) {
                Ok(event) => event,
                // An empty InvocationEventType: nothing to show.
                Err(_) => return Ok(()),
            };
            let line = timeline_line(&event, 0);
            prop_assert!(
                !line.chars().any(chimecall_model::rules::is_unprintable),
                "{:?}",
                line
            );
        }

        #[test]
        fn from_value_never_panics_on_any_json(value in any_json()) {
            let _ = InvocationEvent::from_value(&value);
        }
    }
}
