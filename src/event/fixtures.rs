//! Events the tests of several modules share: the seed document's two HANGUPs, verbatim, and
//! one-leg outbound events as the service sends them.

use serde_json::{json, Value};

use super::extract::extract_event;
use super::InvocationEvent;

/// The first HANGUP of the seed document (`ending-a-call.txt`), verbatim: LEG-A hung up.
pub(crate) const SEED_LEG_A_HANGUP: &str = r#"{ "SchemaVersion": "1.0", "Sequence": 6, "InvocationEventType": "HANGUP", "ActionData": { "Type": "Hangup", "Parameters": { "CallId": "call-id-1", "ParticipantTag": "LEG-A" } }, "CallDetails": { "TransactionId": "transaction-id", "AwsAccountId": "aws-account-id", "AwsRegion": "us-east-1", "SipRuleId": "sip-rule-id", "SipApplicationId": "sip-application-id", "Participants": [ { "CallId": "call-id-1", "ParticipantTag": "LEG-A", "Direction": "Inbound", "To": "+12065551212", "From": "+15105550101", "StartTimeInMilliseconds": "1597009588", "Status": "Disconnected" } ] } }"#;

/// The second HANGUP of the seed document, verbatim: LEG-B of a bridged call hung up.
pub(crate) const SEED_LEG_B_HANGUP: &str = r#"{ "SchemaVersion": "1.0", "Sequence": 6, "InvocationEventType": "HANGUP", "ActionData": { "Type": "ReceiveDigits", "Parameters": { "CallId": "call-id-2", "ParticipantTag": "LEG-B" } }, "CallDetails": { "TransactionId": "transaction-id", "AwsAccountId": "aws-account-id", "AwsRegion": "us-east-1", "SipRuleId": "sip-rule-id", "SipApplicationId": "sip-application-id", "Participants": [ { "CallId": "call-id-1", "ParticipantTag": "Leg-A", "To": "+12065551212", "From": "+15105550101", "Direction": "Inbound", "StartTimeInMilliseconds": "1597009588", "Status": "Connected" }, { "CallId": "call-id-2", "ParticipantTag": "Leg-B", "To": "+17035550122", "From": "SMA", "Direction": "Outbound", "StartTimeInMilliseconds": "15010595", "Status": "Disconnected" } ] } }"#;

/// 2026-11-29T19:30:00.123Z
pub(crate) const LOG_TIME_MS: i64 = 1_795_980_600_123;

pub(crate) fn seed(json: &str) -> InvocationEvent {
    InvocationEvent::from_value(&serde_json::from_str(json).unwrap()).unwrap()
}

/// A one-leg outbound event of transaction `tx-1`, as the service sends them.
pub(crate) fn outbound_value(
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

pub(crate) fn outbound(
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

pub(crate) fn hangup_action(sip_response_code: &str) -> Value {
    json!({"Type": "Hangup", "Parameters": {
        "SipResponseCode": sip_response_code, "CallId": "call-id-1", "ParticipantTag": "LEG-A"}})
}

pub(crate) fn event_text() -> String {
    outbound_value(3, "RINGING", None, None).to_string()
}

pub(crate) fn assert_extracts_event(message: &str) {
    let found = extract_event(message).unwrap_or_else(|| panic!("no event in {message:?}"));
    assert_eq!(
        found,
        outbound_value(3, "RINGING", None, None),
        "in {message:?}"
    );
}
