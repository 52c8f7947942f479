//! The SMA's side of the handler contract: the invocation events it sends, and how it reads the
//! handler's answer (actions, TransactionAttributes) and refuses a bad one.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::actions::KNOWN_ACTIONS;
use super::state::ACCOUNT_ID;

/// "At most 10 actions per response": the rest are not run.
const MAX_ACTIONS_PER_RESPONSE: usize = 10;
/// TransactionAttributes: at most 100 pairs and 20 KB.
const MAX_TRANSACTION_ATTRIBUTES: usize = 100;
const MAX_TRANSACTION_ATTRIBUTES_BYTES: usize = 20 * 1024;

/// What every event of one call says about the call.
#[derive(Debug, Clone)]
pub(crate) struct CallIdentity {
    pub(crate) transaction_id: String,
    pub(crate) sma_id: String,
    pub(crate) region: String,
}

/// One call leg, as `CallDetails.Participants` lists it.
#[derive(Debug, Clone)]
pub(crate) struct Participant<'a> {
    pub(crate) call_id: &'a str,
    /// LEG-A or LEG-B.
    pub(crate) tag: &'static str,
    pub(crate) to: &'a str,
    pub(crate) from: &'a str,
    pub(crate) start_ms: i64,
    /// None before LEG-A is answered, as in the guide's samples.
    pub(crate) status: Option<&'static str>,
    pub(crate) sip_headers: Option<&'a BTreeMap<String, String>>,
}

/// One invocation event, as the service builds it.
pub(crate) struct EventSpec<'a> {
    pub(crate) sequence: u64,
    pub(crate) event_type: &'a str,
    pub(crate) action_data: Option<Value>,
    /// Every leg the call has had, LEG-A first.
    pub(crate) participants: &'a [Participant<'a>],
    pub(crate) attributes: Option<&'a Map<String, Value>>,
    /// INVALID_LAMBDA_RESPONSE carries ErrorType and ErrorMessage at the top level.
    pub(crate) error: Option<(&'a str, &'a str)>,
}

fn participant_json(leg: &Participant<'_>) -> Value {
    let mut json = json!({
        "CallId": leg.call_id,
        "ParticipantTag": leg.tag,
        "To": leg.to,
        "From": leg.from,
        "Direction": "Outbound",
        "StartTimeInMilliseconds": leg.start_ms.to_string(),
    });
    if let Some(status) = leg.status {
        json["Status"] = json!(status);
    }
    if let Some(headers) = leg.sip_headers.filter(|h| !h.is_empty()) {
        json["SipHeaders"] = json!(headers);
    }
    json
}

pub(crate) fn build_event(call: &CallIdentity, spec: EventSpec<'_>) -> Value {
    let participants: Vec<Value> = spec.participants.iter().map(participant_json).collect();
    let mut details = json!({
        "TransactionId": call.transaction_id,
        "AwsAccountId": ACCOUNT_ID,
        "AwsRegion": call.region,
        "SipMediaApplicationId": call.sma_id,
        "Participants": participants,
    });
    if let Some(attributes) = spec.attributes {
        details["TransactionAttributes"] = Value::Object(attributes.clone());
    }
    let mut event = json!({
        "SchemaVersion": "1.0",
        "Sequence": spec.sequence,
        "InvocationEventType": spec.event_type,
    });
    if let Some(action_data) = spec.action_data {
        event["ActionData"] = action_data;
    }
    event["CallDetails"] = details;
    if let Some((error_type, message)) = spec.error {
        event["ErrorType"] = json!(error_type);
        event["ErrorMessage"] = json!(message);
    }
    event
}

/// A handler's answer the SMA accepted.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct HandlerAnswer {
    pub(crate) actions: Vec<Value>,
    /// `Some` when the answer set TransactionAttributes (`{}` clears them).
    pub(crate) attributes: Option<Map<String, Value>>,
}

/// Why an answer was refused: becomes an INVALID_LAMBDA_RESPONSE event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InvalidAnswer {
    pub(crate) error_type: &'static str,
    pub(crate) message: String,
}

fn invalid(error_type: &'static str, message: impl Into<String>) -> InvalidAnswer {
    InvalidAnswer {
        error_type,
        message: message.into(),
    }
}

pub(crate) fn parse_answer(answer: &Value) -> Result<HandlerAnswer, InvalidAnswer> {
    let Some(object) = answer.as_object() else {
        return Err(invalid(
            "InvalidLambdaResponse",
            "The Lambda response is not a JSON object",
        ));
    };
    match object.get("SchemaVersion") {
        Some(Value::String(version)) if version == "1.0" => {}
        _ => {
            return Err(invalid(
                "InvalidSchemaVersion",
                "SchemaVersion must be \"1.0\"",
            ))
        }
    }
    let actions = match object.get("Actions") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(actions)) => actions.clone(),
        Some(_) => return Err(invalid("InvalidActions", "Actions must be a list")),
    };
    for action in &actions {
        match action.get("Type").and_then(Value::as_str) {
            Some(kind) if KNOWN_ACTIONS.contains(&kind) => {}
            Some(kind) => {
                return Err(invalid(
                    "InvalidActionType",
                    format!("Action type {kind} is not supported"),
                ))
            }
            None => return Err(invalid("InvalidActionType", "An action has no Type")),
        }
    }
    let attributes = match object.get("TransactionAttributes") {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => {
            check_attributes(map)?;
            Some(map.clone())
        }
        Some(_) => {
            return Err(invalid(
                "TransactionAttributesInvalidType",
                "TransactionAttributes must be a map of strings",
            ))
        }
    };
    let actions = actions.into_iter().take(MAX_ACTIONS_PER_RESPONSE).collect();
    Ok(HandlerAnswer {
        actions,
        attributes,
    })
}

fn check_attributes(map: &Map<String, Value>) -> Result<(), InvalidAnswer> {
    if map.len() > MAX_TRANSACTION_ATTRIBUTES {
        return Err(invalid(
            "TransactionAttributesInvalidMapSize",
            format!(
                "Transaction Attributes has too many mappings. Maximum number of mappings is {MAX_TRANSACTION_ATTRIBUTES}"
            ),
        ));
    }
    if !map.values().all(Value::is_string) {
        return Err(invalid(
            "TransactionAttributesInvalidType",
            "TransactionAttributes values must be strings",
        ));
    }
    if Value::Object(map.clone()).to_string().len() > MAX_TRANSACTION_ATTRIBUTES_BYTES {
        return Err(invalid(
            "TransactionAttributesInvalidPayloadSize",
            "Transaction Attributes payload is larger than 20 KB",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity() -> CallIdentity {
        CallIdentity {
            transaction_id: "tx".into(),
            sma_id: "sma".into(),
            region: "us-east-1".into(),
        }
    }

    fn participant(tag: &'static str, status: Option<&'static str>) -> Participant<'static> {
        Participant {
            call_id: "call",
            tag,
            to: "+12065550123",
            from: "+12065550100",
            start_ms: 1_700_000_000_000,
            status,
            sip_headers: None,
        }
    }

    #[test]
    fn events_carry_the_documented_envelope() {
        let event = build_event(
            &identity(),
            EventSpec {
                sequence: 3,
                event_type: "CALL_ANSWERED",
                action_data: None,
                participants: &[participant("LEG-A", Some("Connected"))],
                attributes: None,
                error: None,
            },
        );
        assert_eq!(event["SchemaVersion"], "1.0");
        assert_eq!(event["Sequence"], 3);
        assert_eq!(event["CallDetails"]["SipMediaApplicationId"], "sma");
        let leg = &event["CallDetails"]["Participants"][0];
        assert_eq!(leg["ParticipantTag"], "LEG-A");
        assert_eq!(leg["Direction"], "Outbound");
        assert_eq!(leg["Status"], "Connected");
        assert_eq!(leg["StartTimeInMilliseconds"], "1700000000000");
        let bridged = build_event(
            &identity(),
            EventSpec {
                sequence: 6,
                event_type: "HANGUP",
                action_data: None,
                participants: &[
                    participant("LEG-A", Some("Connected")),
                    participant("LEG-B", Some("Disconnected")),
                ],
                attributes: None,
                error: None,
            },
        );
        let legs = &bridged["CallDetails"]["Participants"];
        assert_eq!(legs[1]["ParticipantTag"], "LEG-B");
        assert_eq!(legs[1]["Status"], "Disconnected");
        assert!(legs[1].get("SipHeaders").is_none());
    }

    #[test]
    fn answers_are_checked() {
        let ok =
            parse_answer(&json!({"SchemaVersion": "1.0", "Actions": [{"Type": "Pause"}]})).unwrap();
        assert_eq!(ok.actions.len(), 1);
        assert_eq!(
            parse_answer(&json!("x")).unwrap_err().error_type,
            "InvalidLambdaResponse"
        );
        assert_eq!(
            parse_answer(&json!({"SchemaVersion": "2.0"}))
                .unwrap_err()
                .error_type,
            "InvalidSchemaVersion"
        );
        assert_eq!(
            parse_answer(&json!({"SchemaVersion": "1.0", "Actions": [{"Type": "Dance"}]}))
                .unwrap_err()
                .error_type,
            "InvalidActionType"
        );
        let many: Vec<Value> = (0..12).map(|_| json!({"Type": "Pause"})).collect();
        let capped = parse_answer(&json!({"SchemaVersion": "1.0", "Actions": many})).unwrap();
        assert_eq!(capped.actions.len(), MAX_ACTIONS_PER_RESPONSE);
        let attributes: Map<String, Value> =
            (0..101).map(|i| (format!("k{i}"), json!("v"))).collect();
        assert_eq!(
            parse_answer(&json!({"SchemaVersion": "1.0", "TransactionAttributes": attributes}))
                .unwrap_err()
                .error_type,
            "TransactionAttributesInvalidMapSize"
        );
    }
}
