//! The call-out flow of the built-in handler: speak the message chimecall put in the call's
//! ArgumentsMap (`chimecall-say`, `chimecall-say-type`) and, when asked (`chimecall-ack`), listen
//! for the key that acknowledges it. The contract, event by event with the exact parameters, is
//! docs/callout.md; the deployable handler (deploy/) implements the same contract, and one table
//! of scenarios (tests/integration/callout) holds both to it.
//!
//! A call without `chimecall-say` is none of this flow's business: every event gets no actions,
//! as before the flow existed, except the hangup convention's update.
//!
//! The hangup convention's update (`{"action":"hangup"}`) is answered with a Hangup and
//! remembered in TransactionAttributes (`chimecall-cancelled`): at AWS a Hangup may not end a
//! call that still rings, and a callee who answers a cancelled call hears that it was already
//! acknowledged instead of the prompt.

use serde_json::{json, Map, Value};

/// The ArgumentsMap keys chimecall sends, kept in TransactionAttributes under the same names.
pub(crate) const SAY: &str = "chimecall-say";
pub(crate) const SAY_TYPE: &str = "chimecall-say-type";
pub(crate) const ACK: &str = "chimecall-ack";
/// Set (`"true"`) once a hangup update has come.
pub(crate) const CANCELLED: &str = "chimecall-cancelled";

const CONFIRMATION: &str = "Acknowledged. Thank you.";
const NO_ACKNOWLEDGEMENT: &str = "No acknowledgement received. Goodbye.";
const ALREADY_ACKNOWLEDGED: &str = "This alert was already acknowledged. Goodbye.";

/// The handler's answer to `event` under the call-out flow (`{"SchemaVersion": "1.0",
/// "Actions": [...]}`, with TransactionAttributes on NEW_OUTBOUND_CALL and when a cancel is
/// recorded).
pub(crate) fn answer(event: &Value) -> Value {
    let kind = event["InvocationEventType"].as_str().unwrap_or_default();
    if kind == "NEW_OUTBOUND_CALL" {
        let arguments = &event["ActionData"]["Parameters"]["Arguments"];
        return match kept_attributes(arguments) {
            Some(attributes) => json!({
                "SchemaVersion": "1.0",
                "Actions": [],
                "TransactionAttributes": attributes,
            }),
            None => actions(Vec::new()),
        };
    }
    let attributes = &event["CallDetails"]["TransactionAttributes"];
    let data = &event["ActionData"];
    if kind == "CALL_UPDATE_REQUESTED" {
        if data["Parameters"]["Arguments"]["action"] != "hangup" {
            return actions(Vec::new());
        }
        let hangup = json!({
            "Type": "Hangup",
            "Parameters": { "SipResponseCode": "0", "ParticipantTag": "LEG-A" }
        });
        return with_attributes(vec![hangup], cancelled(attributes));
    }
    if kind == "ACTION_FAILED" && data["Type"] == "Hangup" {
        // The call still rings (a Hangup of a ringing call may fail): another Hangup would
        // fail the same way. Say again that the call is cancelled, in an action answer.
        return with_attributes(Vec::new(), cancelled(attributes));
    }
    let Some(leg_a) = leg_a_call_id(event) else {
        return actions(Vec::new());
    };
    if kind == "CALL_ANSWERED" && attributes[CANCELLED] == "true" {
        return actions(vec![
            speak(leg_a, ALREADY_ACKNOWLEDGED, "text"),
            hangup(leg_a),
        ]);
    }
    let Some(message) = attributes[SAY].as_str() else {
        return actions(Vec::new());
    };
    let text_type = match attributes[SAY_TYPE].as_str() {
        Some("ssml") => "ssml",
        _ => "text",
    };
    let key = attributes[ACK].as_str().filter(|key| !key.is_empty());
    let prompt = data["Type"] == "SpeakAndGetDigits";
    let list = match kind {
        "CALL_ANSWERED" => match key {
            Some(key) => vec![speak_and_get_digits(leg_a, message, text_type, key)],
            None => vec![speak(leg_a, message, text_type), hangup(leg_a)],
        },
        "ACTION_SUCCESSFUL" if prompt && key.is_some_and(|key| data["ReceivedDigits"] == key) => {
            vec![speak(leg_a, CONFIRMATION, "text"), hangup(leg_a)]
        }
        "ACTION_FAILED" if prompt && data["ErrorType"] == "InvalidDigitsReceived" => {
            vec![speak(leg_a, NO_ACKNOWLEDGEMENT, "text"), hangup(leg_a)]
        }
        "ACTION_FAILED" => vec![hangup(leg_a)],
        _ => Vec::new(),
    };
    actions(list)
}

/// The three keys present in the ArgumentsMap, when it has a message to say.
fn kept_attributes(arguments: &Value) -> Option<Map<String, Value>> {
    arguments[SAY].as_str()?;
    let kept = [SAY, SAY_TYPE, ACK]
        .into_iter()
        .filter_map(|key| match &arguments[key] {
            Value::String(value) => Some((key.to_string(), json!(value))),
            _ => None,
        })
        .collect();
    Some(kept)
}

fn actions(list: Vec<Value>) -> Value {
    json!({ "SchemaVersion": "1.0", "Actions": list })
}

fn with_attributes(list: Vec<Value>, attributes: Map<String, Value>) -> Value {
    json!({ "SchemaVersion": "1.0", "Actions": list, "TransactionAttributes": attributes })
}

/// The attributes the event carries, all of them, with the cancel recorded: a map returned
/// replaces the stored one, so nothing the event carried may be left out.
fn cancelled(carried: &Value) -> Map<String, Value> {
    let mut attributes = carried.as_object().cloned().unwrap_or_default();
    attributes.insert(CANCELLED.to_string(), json!("true"));
    attributes
}

fn leg_a_call_id(event: &Value) -> Option<&str> {
    let legs = event["CallDetails"]["Participants"].as_array()?;
    legs.iter()
        .find(|leg| leg["ParticipantTag"] == "LEG-A")
        .or_else(|| legs.first())
        .and_then(|leg| leg["CallId"].as_str())
}

/// The voice every text is spoken in.
fn voice(text: &str, text_type: &str) -> Value {
    json!({
        "Text": text,
        "TextType": text_type,
        "LanguageCode": "en-US",
        "VoiceId": "Joanna",
        "Engine": "neural",
    })
}

fn speak(call_id: &str, text: &str, text_type: &str) -> Value {
    let mut parameters = voice(text, text_type);
    parameters["CallId"] = json!(call_id);
    json!({ "Type": "Speak", "Parameters": parameters })
}

fn hangup(call_id: &str) -> Value {
    json!({ "Type": "Hangup", "Parameters": { "CallId": call_id, "SipResponseCode": "0" } })
}

/// The message, "Press KEY to acknowledge.", one key, three attempts of 10 s each.
fn speak_and_get_digits(call_id: &str, message: &str, text_type: &str, key: &str) -> Value {
    let ask = format!("Press {key} to acknowledge.");
    let prompt = if text_type == "ssml" {
        before_closing_speak(message, &ask)
    } else {
        format!("{message} {ask}")
    };
    json!({
        "Type": "SpeakAndGetDigits",
        "Parameters": {
            "CallId": call_id,
            "InputDigitsRegex": format!("^{}$", escape_key(key)),
            "SpeechParameters": voice(&prompt, text_type),
            // The voice fields default to SpeechParameters' (the guide's defaults).
            "FailureSpeechParameters": {
                "Text": format!("That was not {key}. {ask}"),
                "TextType": "text",
            },
            "MinNumberOfDigits": 1,
            "MaxNumberOfDigits": 1,
            "Repeat": 3,
            "RepeatDurationInMilliseconds": 10000,
            "InBetweenDigitsDurationInMilliseconds": 3000,
        }
    })
}

/// `sentence` just before the document's last `</speak>` (at the end if it has none: the action
/// then fails as malformed SSML, which is the service's call to make).
fn before_closing_speak(document: &str, sentence: &str) -> String {
    match document.rfind("</speak>") {
        Some(at) => format!("{} {sentence}{}", &document[..at], &document[at..]),
        None => format!("{document} {sentence}"),
    }
}

/// A key as a regex literal: `*` is `\*`; digits and `#` stand for themselves.
fn escape_key(key: &str) -> String {
    key.chars()
        .map(|c| match c {
            '\\' | '.' | '+' | '*' | '?' | '(' | ')' | '|' | '[' | ']' | '{' | '}' | '^' | '$' => {
                format!("\\{c}")
            }
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, attributes: Value, action_data: Value) -> Value {
        json!({
            "SchemaVersion": "1.0",
            "InvocationEventType": kind,
            "ActionData": action_data,
            "CallDetails": {
                "TransactionAttributes": attributes,
                "Participants": [{"CallId": "leg-a", "ParticipantTag": "LEG-A"}],
            },
        })
    }

    fn kept(ack: Option<&str>, text_type: Option<&str>) -> Value {
        let mut attributes = json!({ SAY: "INC-42: payments database down." });
        if let Some(ack) = ack {
            attributes[ACK] = json!(ack);
        }
        if let Some(text_type) = text_type {
            attributes[SAY_TYPE] = json!(text_type);
        }
        attributes
    }

    fn types(answer: &Value) -> Vec<&str> {
        answer["Actions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["Type"].as_str().unwrap())
            .collect()
    }

    #[test]
    fn new_outbound_call_keeps_the_three_keys_present() {
        let create = |arguments: Value| {
            let data = json!({"Type": "CallCreateRequest", "Parameters": {"Arguments": arguments}});
            answer(&event("NEW_OUTBOUND_CALL", Value::Null, data))
        };
        let with_say = create(json!({SAY: "hi", ACK: "1", "chimecall-request-id": "r", "x": "y"}));
        assert_eq!(with_say["Actions"], json!([]));
        assert_eq!(
            with_say["TransactionAttributes"],
            json!({SAY: "hi", ACK: "1"})
        );
        let without = create(json!({ACK: "1", "x": "y"}));
        assert_eq!(
            without,
            json!({"SchemaVersion": "1.0", "Actions": []}),
            "today's answer"
        );
    }

    #[test]
    fn an_answered_call_hears_the_prompt_with_its_key() {
        let prompt = answer(&event("CALL_ANSWERED", kept(Some("1"), None), Value::Null));
        let voice = |text: &str, kind: &str| json!({"Text": text, "TextType": kind, "LanguageCode": "en-US", "VoiceId": "Joanna", "Engine": "neural"});
        assert_eq!(
            prompt["Actions"],
            json!([{"Type": "SpeakAndGetDigits", "Parameters": {
                "CallId": "leg-a",
                "InputDigitsRegex": "^1$",
                "SpeechParameters": voice("INC-42: payments database down. Press 1 to acknowledge.", "text"),
                "FailureSpeechParameters": {"Text": "That was not 1. Press 1 to acknowledge.", "TextType": "text"},
                "MinNumberOfDigits": 1,
                "MaxNumberOfDigits": 1,
                "Repeat": 3,
                "RepeatDurationInMilliseconds": 10000,
                "InBetweenDigitsDurationInMilliseconds": 3000,
            }}])
        );
        let star = answer(&event("CALL_ANSWERED", kept(Some("*"), None), Value::Null));
        assert_eq!(
            star["Actions"][0]["Parameters"]["InputDigitsRegex"],
            r"^\*$"
        );
        let hash = answer(&event("CALL_ANSWERED", kept(Some("#"), None), Value::Null));
        assert_eq!(hash["Actions"][0]["Parameters"]["InputDigitsRegex"], "^#$");
        let ssml = json!({SAY: "<speak>INC-42 <break time=\"1s\"/> down.</speak>", SAY_TYPE: "ssml", ACK: "1"});
        let document = answer(&event("CALL_ANSWERED", ssml, Value::Null));
        let parameters = &document["Actions"][0]["Parameters"];
        assert_eq!(
            parameters["SpeechParameters"]["Text"],
            "<speak>INC-42 <break time=\"1s\"/> down. Press 1 to acknowledge.</speak>"
        );
        assert_eq!(parameters["SpeechParameters"]["TextType"], "ssml");
        assert_eq!(parameters["FailureSpeechParameters"]["TextType"], "text");
    }

    #[test]
    fn without_a_key_the_message_is_spoken_then_the_call_ends() {
        let said = answer(&event(
            "CALL_ANSWERED",
            kept(None, Some("text")),
            Value::Null,
        ));
        assert_eq!(types(&said), ["Speak", "Hangup"]);
        assert_eq!(
            said["Actions"][0]["Parameters"]["Text"],
            "INC-42: payments database down."
        );
        assert_eq!(said["Actions"][0]["Parameters"]["CallId"], "leg-a");
        assert_eq!(
            said["Actions"][1]["Parameters"],
            json!({"CallId": "leg-a", "SipResponseCode": "0"})
        );
    }

    #[test]
    fn the_key_is_confirmed_and_anything_else_ends_politely() {
        let prompt = json!({"Type": "SpeakAndGetDigits", "Parameters": {}});
        let with_digits = |digits: &str| {
            let mut data = prompt.clone();
            data["ReceivedDigits"] = json!(digits);
            data
        };
        let ok = answer(&event(
            "ACTION_SUCCESSFUL",
            kept(Some("1"), None),
            with_digits("1"),
        ));
        assert_eq!(types(&ok), ["Speak", "Hangup"]);
        assert_eq!(
            ok["Actions"][0]["Parameters"]["Text"],
            "Acknowledged. Thank you."
        );
        let other = answer(&event(
            "ACTION_SUCCESSFUL",
            kept(Some("1"), None),
            with_digits("2"),
        ));
        assert_eq!(other["Actions"], json!([]));
        let spoken = json!({"Type": "Speak", "Parameters": {}});
        let after_speech = answer(&event("ACTION_SUCCESSFUL", kept(None, None), spoken));
        assert_eq!(after_speech["Actions"], json!([]));

        let mut exhausted = prompt.clone();
        exhausted["ErrorType"] = json!("InvalidDigitsReceived");
        let goodbye = answer(&event("ACTION_FAILED", kept(Some("1"), None), exhausted));
        assert_eq!(types(&goodbye), ["Speak", "Hangup"]);
        assert_eq!(
            goodbye["Actions"][0]["Parameters"]["Text"],
            "No acknowledgement received. Goodbye."
        );
        let mut invalid = prompt;
        invalid["ErrorType"] = json!("InvalidActionParameter");
        let failed = answer(&event("ACTION_FAILED", kept(Some("1"), None), invalid));
        assert_eq!(types(&failed), ["Hangup"]);
    }

    #[test]
    fn a_hangup_update_is_a_hangup_and_a_cancel_remembered() {
        let update = |attributes: Value, arguments: Value| {
            let data = json!({"Type": "CallUpdateRequest", "Parameters": {"Arguments": arguments}});
            answer(&event("CALL_UPDATE_REQUESTED", attributes, data))
        };
        let hangup = json!([{"Type": "Hangup", "Parameters": {"SipResponseCode": "0", "ParticipantTag": "LEG-A"}}]);
        let cancel = update(kept(Some("1"), Some("text")), json!({"action": "hangup"}));
        assert_eq!(cancel["Actions"], hangup);
        let mut all = kept(Some("1"), Some("text"));
        all[CANCELLED] = json!("true");
        assert_eq!(cancel["TransactionAttributes"], all, "every key kept");
        let plain = update(Value::Null, json!({"action": "hangup"}));
        assert_eq!(plain["Actions"], hangup);
        assert_eq!(plain["TransactionAttributes"], json!({CANCELLED: "true"}));
        let other = update(kept(Some("1"), None), json!({"action": "play"}));
        assert_eq!(other, json!({"SchemaVersion": "1.0", "Actions": []}));

        // The Hangup failed (the call still rings): no second Hangup, the cancel said again.
        let mut carried = kept(Some("1"), None);
        carried[CANCELLED] = json!("true");
        let failed = json!({"Type": "Hangup", "Parameters": {"ParticipantTag": "LEG-A"},
                            "ErrorType": "InvalidActionParameter"});
        let after = answer(&event("ACTION_FAILED", carried.clone(), failed));
        assert_eq!(after["Actions"], json!([]));
        assert_eq!(after["TransactionAttributes"], carried);
    }

    #[test]
    fn a_cancelled_call_that_is_answered_hears_it_was_already_acknowledged() {
        for mut attributes in [kept(Some("1"), None), kept(None, None), json!({})] {
            attributes[CANCELLED] = json!("true");
            let answered = answer(&event("CALL_ANSWERED", attributes.clone(), Value::Null));
            assert_eq!(types(&answered), ["Speak", "Hangup"], "{attributes}");
            assert_eq!(
                answered["Actions"][0]["Parameters"]["Text"],
                "This alert was already acknowledged. Goodbye."
            );
            assert_eq!(answered["Actions"][0]["Parameters"]["TextType"], "text");
            assert!(answered.get("TransactionAttributes").is_none());
        }
    }

    #[test]
    fn a_call_without_a_message_gets_no_actions() {
        for kind in [
            "RINGING",
            "CALL_ANSWERED",
            "ACTION_SUCCESSFUL",
            "ACTION_FAILED",
            "HANGUP",
        ] {
            let none = answer(&event(kind, Value::Null, Value::Null));
            assert_eq!(
                none,
                json!({"SchemaVersion": "1.0", "Actions": []}),
                "{kind}"
            );
        }
        for kind in ["RINGING", "HANGUP", "ACTION_INTERRUPTED"] {
            let none = answer(&event(kind, kept(Some("1"), None), Value::Null));
            assert_eq!(none["Actions"], json!([]), "{kind}");
        }
    }
}
