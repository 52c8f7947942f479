//! Rendering one invocation event: a timeline line for a terminal, an object for programs.

use serde_json::{json, Value};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

use super::event_types;
use super::model::{InvocationEvent, LegStatus, Participant};
use crate::text::one_line;
use chimecall_model::clock;

/// Wide enough for the longest event type, so the columns after it line up.
const EVENT_TYPE_WIDTH: usize = event_types::INVALID_LAMBDA_RESPONSE.len();

const CLOCK_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[hour]:[minute]:[second].[subsecond digits:3]");

/// One terminal line for one event, e.g.
/// `19:30:00.123 #6 HANGUP                  LEG-A Disconnected sip=486 action=Hangup`.
///
/// `timestamp_ms` is the log event's time (epoch milliseconds), shown in UTC. Every piece taken
/// from the log is neutralised: control characters become visible escapes, and line breaks and
/// tabs become spaces, so one event stays one line.
pub(crate) fn timeline_line(ev: &InvocationEvent, timestamp_ms: i64) -> String {
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
pub(crate) fn event_json(ev: &InvocationEvent, timestamp_ms: i64, event_id: Option<&str>) -> Value {
    let legs: Vec<Value> = ev.participants.iter().map(leg_json).collect();
    json!({
        "transaction_id": ev.transaction_id,
        "sequence": ev.sequence,
        "event": ev.event_type,
        "timestamp": clock::rfc3339_ms(timestamp_ms),
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

/// `HH:MM:SS.mmm` in UTC; a placeholder for a timestamp outside what `time` can represent.
fn clock_time(timestamp_ms: i64) -> String {
    clock::utc(timestamp_ms)
        .and_then(|time| time.format(CLOCK_FORMAT).ok())
        .unwrap_or_else(|| "??:??:??.???".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::fixtures::*;
    use serde_json::{json, Value};

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
}
