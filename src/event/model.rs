//! The invocation event model: the fields of an SMA invocation event chimecall uses, read
//! forgivingly from whatever JSON a handler logged.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

/// Why a JSON value is not an invocation event chimecall can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum EventError {
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
pub(crate) struct InvocationEvent {
    /// `Sequence`: 1, 2, 3 ... per invocation of the transaction.
    pub(crate) sequence: Option<u64>,
    /// `InvocationEventType`, e.g. `HANGUP`; see [`event_types`].
    pub(crate) event_type: String,
    /// `CallDetails.TransactionId`: the call.
    pub(crate) transaction_id: Option<String>,
    /// `CallDetails.SipMediaApplicationId`, or `SipApplicationId` as several guide pages write it.
    pub(crate) sma_id: Option<String>,
    /// `CallDetails.AwsRegion`.
    pub(crate) aws_region: Option<String>,
    /// `ActionData.Type`: the action this event reports on, e.g. `Hangup`.
    pub(crate) action_type: Option<String>,
    /// `ActionData.Parameters.SipResponseCode`, as text whether logged as a string or a number.
    pub(crate) sip_response_code: Option<String>,
    /// `ActionData.Parameters.CallId`: on a HANGUP, the leg that hung up.
    pub(crate) action_call_id: Option<String>,
    /// `ActionData.Parameters.ParticipantTag`: on a HANGUP, the leg that hung up.
    pub(crate) action_participant_tag: Option<LegTag>,
    /// `ActionData.ErrorType` (ACTION_FAILED, INVALID_LAMBDA_RESPONSE).
    pub(crate) error_type: Option<String>,
    /// `ActionData.ErrorMessage`.
    pub(crate) error_message: Option<String>,
    /// `ActionData.Parameters.Arguments`: the arguments of a create or update request. Values
    /// that are not strings are kept as their JSON text.
    pub(crate) arguments: Option<BTreeMap<String, String>>,
    /// `ActionData.ReceivedDigits`: what the callee entered (ACTION_SUCCESSFUL of a digit
    /// action, DIGITS_RECEIVED), as text whether logged as a string or a number.
    pub(crate) received_digits: Option<String>,
    /// `CallDetails.Participants`: the call legs, in the order logged.
    pub(crate) participants: Vec<Participant>,
    /// The whole event as logged.
    pub(crate) raw: Value,
}

/// One call leg of `CallDetails.Participants`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Participant {
    pub(crate) call_id: Option<String>,
    /// `ParticipantTag`; an empty `Other` when the leg has none.
    pub(crate) tag: LegTag,
    pub(crate) to: Option<String>,
    pub(crate) from: Option<String>,
    /// `Inbound` or `Outbound`.
    pub(crate) direction: Option<String>,
    pub(crate) status: Option<LegStatus>,
    /// `StartTimeInMilliseconds`, logged as a string by the service.
    pub(crate) start_time_ms: Option<i64>,
}

/// A participant tag. The service writes `LEG-A`, the guide also `Leg-A`: case is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum LegTag {
    LegA,
    LegB,
    Other(String),
}

/// A participant status, case ignored.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum LegStatus {
    Connected,
    Disconnected,
    Other(String),
}

impl LegTag {
    pub(crate) fn parse(text: &str) -> LegTag {
        let tag = text.trim();
        if tag.eq_ignore_ascii_case("LEG-A") {
            LegTag::LegA
        } else if tag.eq_ignore_ascii_case("LEG-B") {
            LegTag::LegB
        } else {
            LegTag::Other(text.to_owned())
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            LegTag::LegA => "LEG-A",
            LegTag::LegB => "LEG-B",
            LegTag::Other(text) => text,
        }
    }
}

impl LegStatus {
    pub(crate) fn parse(text: &str) -> LegStatus {
        let status = text.trim();
        if status.eq_ignore_ascii_case("Connected") {
            LegStatus::Connected
        } else if status.eq_ignore_ascii_case("Disconnected") {
            LegStatus::Disconnected
        } else {
            LegStatus::Other(text.to_owned())
        }
    }

    pub(crate) fn as_str(&self) -> &str {
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
    pub(crate) fn from_value(value: &Value) -> Result<InvocationEvent, EventError> {
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
            received_digits: action_data
                .and_then(|action| action.get("ReceivedDigits"))
                .and_then(scalar_text),
            arguments: action_parameter("Arguments")
                .and_then(Value::as_object)
                .map(text_map),
            participants: call_details.map(participants).unwrap_or_default(),
            raw: value.clone(),
        })
    }

    /// The first leg with this tag.
    pub(crate) fn participant(&self, tag: &LegTag) -> Option<&Participant> {
        self.participants.iter().find(|leg| &leg.tag == tag)
    }

    /// The status of LEG-A (the leg the call was created for), when the event gives it.
    pub(crate) fn leg_a_status(&self) -> Option<&LegStatus> {
        self.participant(&LegTag::LegA)?.status.as_ref()
    }

    /// The leg an action (a hangup) applies to: its `ParticipantTag`, else the leg whose
    /// `CallId` it names.
    pub(crate) fn action_leg(&self) -> Option<LegTag> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::fixtures::*;
    use serde_json::{json, Value};

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
}
