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

mod extract;
#[cfg(test)]
pub(crate) mod fixtures;
mod literal;
mod model;
mod render;

pub(crate) use extract::read_event;
pub(crate) use model::{InvocationEvent, LegStatus, LegTag};
pub(crate) use render::{event_json, timeline_line};

/// The invocation event types of the PSTN audio service, as they appear in `InvocationEventType`.
/// The whole list, though not every one is matched on yet.
#[allow(dead_code)]
pub(crate) mod event_types {
    pub(crate) const NEW_INBOUND_CALL: &str = "NEW_INBOUND_CALL";
    pub(crate) const NEW_OUTBOUND_CALL: &str = "NEW_OUTBOUND_CALL";
    pub(crate) const RINGING: &str = "RINGING";
    pub(crate) const CALL_ANSWERED: &str = "CALL_ANSWERED";
    pub(crate) const ACTION_SUCCESSFUL: &str = "ACTION_SUCCESSFUL";
    pub(crate) const ACTION_FAILED: &str = "ACTION_FAILED";
    pub(crate) const ACTION_INTERRUPTED: &str = "ACTION_INTERRUPTED";
    pub(crate) const INVALID_LAMBDA_RESPONSE: &str = "INVALID_LAMBDA_RESPONSE";
    pub(crate) const DIGITS_RECEIVED: &str = "DIGITS_RECEIVED";
    pub(crate) const CALL_UPDATE_REQUESTED: &str = "CALL_UPDATE_REQUESTED";
    pub(crate) const HANGUP: &str = "HANGUP";
}

#[cfg(test)]
mod tests {
    use super::extract::extract_event;
    use super::fixtures::*;
    use super::*;
    use crate::call::CallTracker;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    /// Whatever an event holds, reading, tracking and rendering it must not panic.
    fn exercise(message: &str) {
        if let Some(Ok(event)) = read_event(message) {
            CallTracker::default().observe(&event, 0);
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
