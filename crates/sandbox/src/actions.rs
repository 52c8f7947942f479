//! The actions a handler may return, as the sandbox runs them: which types the service knows,
//! how long each one runs, which an update may interrupt, and which fail because the sandbox
//! simulates no one to answer them. The call's task does the running; this is the rulebook.

use std::time::Duration;

use serde_json::Value;

/// The action types the PSTN Audio service knows.
pub(crate) const KNOWN_ACTIONS: &[&str] = &[
    "CallAndBridge",
    "Hangup",
    "JoinChimeMeeting",
    "ModifyChimeMeetingAttendees",
    "Pause",
    "PlayAudio",
    "PlayAudioAndGetDigits",
    "ReceiveDigits",
    "RecordAudio",
    "SendDigits",
    "Speak",
    "SpeakAndGetDigits",
    "StartBotConversation",
    "StartCallRecording",
    "StopCallRecording",
    "PauseCallRecording",
    "ResumeCallRecording",
    "VoiceFocus",
    "StartVoiceToneAnalysis",
];

/// The longest an action's own parameters may make it run.
const MAX_ACTION_SECONDS: f64 = 24.0 * 3600.0;

/// Why an action failed, for its ACTION_FAILED event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ActionFailure {
    pub(crate) error_type: &'static str,
    pub(crate) message: String,
}

/// What starting an action does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Start {
    /// It runs this long, then succeeds, or fails with `fails_with`.
    Runs {
        duration: Duration,
        /// Whether an update that returns actions stops it (ACTION_INTERRUPTED).
        interruptible: bool,
        /// Set for actions whose simulated outcome is a failure (e.g. no digits were entered).
        fails_with: Option<ActionFailure>,
    },
    /// A Hangup of LEG-A: the call ends.
    HangsUp,
    /// It fails at once.
    Fails(ActionFailure),
}

/// How `action` starts, from its Type and Parameters.
pub(crate) fn start(action: &Value) -> Start {
    let kind = action["Type"].as_str().unwrap_or_default();
    let parameters = &action["Parameters"];
    let runs = |duration: Duration, interruptible: bool| Start::Runs {
        duration,
        interruptible,
        fails_with: None,
    };
    // A handler's numbers are untrusted: out of range is the action's failure, not ours.
    let length = |name: &str, unit_seconds: f64, default: f64| -> Result<Duration, String> {
        let value = match &parameters[name] {
            Value::Null => default,
            other => number(other).ok_or_else(|| format!("{name} is not a number"))?,
        };
        let seconds = value * unit_seconds;
        if !(0.0..=MAX_ACTION_SECONDS).contains(&seconds) {
            return Err(format!("{name} {value} is out of range"));
        }
        Ok(Duration::from_secs_f64(seconds))
    };
    let timed = match kind {
        "Pause" => Some(length("DurationInMilliseconds", 0.001, 0.0)),
        "PlayAudio" => Some(length("Repeat", 1.0, 1.0).map(|d| d.max(Duration::from_secs(1)))),
        "RecordAudio" => Some(length("DurationInSeconds", 1.0, 5.0)),
        _ => None,
    };
    if let Some(duration) = timed {
        return match duration {
            Ok(duration) => runs(duration, true),
            Err(message) => Start::Fails(ActionFailure {
                error_type: "InvalidActionParameter",
                message,
            }),
        };
    }
    let one_second = Duration::from_secs(1);
    match kind {
        "Hangup" => Start::HangsUp,
        "Speak" | "SendDigits" => runs(one_second, false),
        "PlayAudioAndGetDigits" | "SpeakAndGetDigits" => Start::Runs {
            duration: one_second,
            interruptible: false,
            fails_with: Some(ActionFailure {
                error_type: "InvalidDigitsReceived",
                message: "The callee entered no digits".to_string(),
            }),
        },
        "ReceiveDigits"
        | "StartCallRecording"
        | "StopCallRecording"
        | "PauseCallRecording"
        | "ResumeCallRecording"
        | "VoiceFocus"
        | "ModifyChimeMeetingAttendees" => runs(Duration::ZERO, false),
        // CallAndBridge, JoinChimeMeeting, StartBotConversation, ...: other parties the sandbox
        // does not simulate.
        _ => Start::Fails(ActionFailure {
            error_type: "ActionNotSupported",
            message: format!("The sandbox does not simulate {kind}"),
        }),
    }
}

/// The SIP response code a Hangup action ends the call with: 480 and 486 as given (the guide
/// shows them both as "486" and as 486), anything else is a normal hangup, 0.
pub(crate) fn hangup_code(parameters: &Value) -> &'static str {
    let given = match &parameters["SipResponseCode"] {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        _ => String::new(),
    };
    match given.as_str() {
        "480" => "480",
        "486" => "486",
        _ => "0",
    }
}

/// A number parameter, given as a JSON number or a numeric string.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn runs_for(action: Value) -> (Duration, bool) {
        match start(&action) {
            Start::Runs {
                duration,
                interruptible,
                fails_with: None,
            } => (duration, interruptible),
            other => panic!("{action}: {other:?}"),
        }
    }

    fn failure(action: Value) -> &'static str {
        match start(&action) {
            Start::Fails(failure) => failure.error_type,
            Start::Runs {
                fails_with: Some(failure),
                ..
            } => failure.error_type,
            other => panic!("{action}: {other:?}"),
        }
    }

    #[test]
    fn timed_actions_run_by_their_parameters_and_can_be_interrupted() {
        let pause = json!({"Type": "Pause", "Parameters": {"DurationInMilliseconds": "1500"}});
        assert_eq!(runs_for(pause), (Duration::from_millis(1500), true));
        let play = json!({"Type": "PlayAudio", "Parameters": {"Repeat": 3}});
        assert_eq!(runs_for(play), (Duration::from_secs(3), true));
        let record = json!({"Type": "RecordAudio"});
        assert_eq!(runs_for(record), (Duration::from_secs(5), true));
        let speak = json!({"Type": "Speak"});
        assert_eq!(runs_for(speak), (Duration::from_secs(1), false));
    }

    #[test]
    fn bad_parameters_unsimulated_parties_and_missing_digits_fail() {
        let negative = json!({"Type": "Pause", "Parameters": {"DurationInMilliseconds": -1}});
        assert_eq!(failure(negative), "InvalidActionParameter");
        let words = json!({"Type": "Pause", "Parameters": {"DurationInMilliseconds": "soon"}});
        assert_eq!(failure(words), "InvalidActionParameter");
        assert_eq!(
            failure(json!({"Type": "CallAndBridge"})),
            "ActionNotSupported"
        );
        assert_eq!(
            failure(json!({"Type": "SpeakAndGetDigits"})),
            "InvalidDigitsReceived"
        );
        assert_eq!(start(&json!({"Type": "Hangup"})), Start::HangsUp);
    }

    #[test]
    fn hangup_codes_are_480_486_or_0() {
        assert_eq!(hangup_code(&json!({"SipResponseCode": "486"})), "486");
        assert_eq!(hangup_code(&json!({"SipResponseCode": 480})), "480");
        assert_eq!(hangup_code(&json!({"SipResponseCode": "503"})), "0");
        assert_eq!(hangup_code(&Value::Null), "0");
    }
}
