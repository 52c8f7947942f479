//! The actions a handler may return, as the sandbox runs them: which types the service knows,
//! what each one's parameters must be (a failure is the action's ACTION_FAILED, never the
//! sandbox's), which leg it acts on, and how long it takes. The call's task does the running;
//! this is the rulebook.
//!
//! JoinChimeMeeting, ModifyChimeMeetingAttendees, StartBotConversation, StartVoiceToneAnalysis
//! and CallAndBridge to a Voice Connector need parties the sandbox does not simulate: they fail
//! with ActionNotSupported.
//!
//! Lengths the sandbox cannot know: speech takes `SPEECH_CHARACTERS_PER_SECOND` of its text
//! (SSML tags not counted), and an audio file plays for `AUDIO_LENGTH` (the sandbox cannot read
//! the S3 object).

use std::time::Duration;

use regex::Regex;
use serde_json::Value;

use chimecall_model::ssml::check_speak_document;

use super::digits::{compile_regex, GetDigitsRules};
use super::time_scale::TimeScale;

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

/// How fast synthesised speech is spoken: about 150 words a minute.
pub(crate) const SPEECH_CHARACTERS_PER_SECOND: f64 = 15.0;
/// How long one play of an audio file lasts.
pub(crate) const AUDIO_LENGTH: Duration = Duration::from_secs(3);
/// The longest an action's own parameters may make it run.
const MAX_ACTION_SECONDS: f64 = 24.0 * 3600.0;
/// "Text is limited to 1,000 characters."
const MAX_SPEECH_TEXT: usize = 1000;
/// SendDigits: "up to 50 digits"; a comma waits half a second.
const MAX_SENT_DIGITS: usize = 50;
const COMMA_PAUSE: Duration = Duration::from_millis(500);
/// *AndGetDigits: MaxNumberOfDigits' default, and so its most.
const MAX_DIGITS: usize = 128;

/// `--hangup-while-ringing`: what a Hangup action does to a call that has not been answered yet.
/// The guide is silent; a user reports that at AWS a Hangup works only once the call is
/// connected (aws/amazon-chime-sdk-js#2756), so the sandbox can play either service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HangupWhileRinging {
    /// The call ends unanswered with the Hangup's SIP code (the sandbox's behaviour so far).
    Ends,
    /// The Hangup fails ([`hangup_of_a_ringing_call`]) and the phone rings on.
    Fails,
}

impl HangupWhileRinging {
    /// The flag's two values: `ends`, `fails`.
    pub fn parse(text: &str) -> Result<HangupWhileRinging, String> {
        match text {
            "ends" => Ok(HangupWhileRinging::Ends),
            "fails" => Ok(HangupWhileRinging::Fails),
            other => Err(format!("{other:?}: ends or fails")),
        }
    }
}

impl std::fmt::Display for HangupWhileRinging {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            HangupWhileRinging::Ends => "ends",
            HangupWhileRinging::Fails => "fails",
        })
    }
}

/// A Hangup of a leg that still rings, under `--hangup-while-ringing fails`. Hangup's
/// `ParticipantTag` is documented as one "of the connected participants", and the guide's
/// failure for a leg parameter that names none is InvalidActionParameter, "CallId or
/// ParticipantTag parameter for action is invalid" (RecordAudio's error table; the sandbox
/// answers any action on a leg that is not connected so).
pub(crate) fn hangup_of_a_ringing_call() -> ActionFailure {
    invalid(
        "CallId or ParticipantTag parameter for action is invalid: the call is ringing, \
         no participant is connected yet",
    )
}

/// Why an action failed, for its ACTION_FAILED event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ActionFailure {
    pub(crate) error_type: &'static str,
    pub(crate) message: String,
}

fn invalid(message: impl Into<String>) -> ActionFailure {
    ActionFailure {
        error_type: "InvalidActionParameter",
        message: message.into(),
    }
}

/// The leg an action names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LegRef {
    /// Neither CallId nor ParticipantTag: LEG-A.
    Default,
    /// ParticipantTag: true for LEG-B.
    Tag { leg_b: bool },
    /// CallId, which wins over ParticipantTag.
    CallId(String),
}

/// A CallAndBridge to a PSTN number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BridgeRequest {
    pub(crate) uri: String,
    pub(crate) caller_id: String,
    /// CallTimeoutSeconds, simulated time.
    pub(crate) call_timeout: Duration,
}

/// What running an action means; every duration is wall-clock (time-scaled).
#[derive(Debug, Clone)]
pub(crate) enum Plan {
    /// Runs this long, then succeeds; `terminators` end it early (PlaybackTerminators,
    /// RecordingTerminators).
    Timed {
        duration: Duration,
        interruptible: bool,
        terminators: Vec<char>,
    },
    GetDigits(GetDigitsRules),
    /// Succeeds at once and listens for the rest of the call.
    ReceiveDigits {
        regex: Regex,
        in_between: Duration,
        flush: Duration,
    },
    /// Sends DTMF to the leg's callee, taking this long.
    SendDigits {
        digits: String,
        duration: Duration,
    },
    Bridge(BridgeRequest),
    Hangup {
        sip_response_code: &'static str,
    },
}

/// How `action` runs and on which leg, or why it fails at once.
pub(crate) fn plan(action: &Value, scale: TimeScale) -> Result<(LegRef, Plan), ActionFailure> {
    let kind = action["Type"].as_str().unwrap_or_default();
    let parameters = &action["Parameters"];
    let leg = leg_ref(parameters)?;
    let timed = |duration: Duration, interruptible: bool| Plan::Timed {
        duration: scale.wall(duration),
        interruptible,
        terminators: Vec::new(),
    };
    let plan = match kind {
        "Hangup" => Plan::Hangup {
            sip_response_code: hangup_code(parameters),
        },
        "Pause" => timed(
            length(parameters, "DurationInMilliseconds", 0.001, 0.0)?,
            true,
        ),
        "PlayAudio" => {
            let plays = length(parameters, "Repeat", 1.0, 1.0)?.as_secs_f64();
            audio_source(&parameters["AudioSource"], "AudioSource")?;
            Plan::Timed {
                duration: scale.wall(AUDIO_LENGTH.mul_f64(plays.max(1.0))),
                interruptible: true,
                terminators: keys(parameters, "PlaybackTerminators", "0123456789#*")?,
            }
        }
        "RecordAudio" => Plan::Timed {
            duration: scale.wall(length(parameters, "DurationInSeconds", 1.0, 5.0)?),
            interruptible: true,
            terminators: keys(parameters, "RecordingTerminators", "0123456789#*")?,
        },
        "Speak" => timed(speech(parameters, "", "text")?, false),
        "SpeakAndGetDigits" => {
            let speech_parameters = &parameters["SpeechParameters"];
            let prompt = speech(speech_parameters, "SpeechParameters.", "text")?;
            let prompt_type = speech_parameters["TextType"].as_str().unwrap_or("text");
            let failure = match &parameters["FailureSpeechParameters"] {
                Value::Null => Duration::ZERO,
                failure => speech(failure, "FailureSpeechParameters.", prompt_type)?,
            };
            Plan::GetDigits(get_digits(parameters, prompt, failure, scale)?)
        }
        "PlayAudioAndGetDigits" => {
            audio_source(&parameters["AudioSource"], "AudioSource")?;
            let failure = match &parameters["FailureAudioSource"] {
                Value::Null => Duration::ZERO,
                failure => audio_source(failure, "FailureAudioSource").map(|_| AUDIO_LENGTH)?,
            };
            Plan::GetDigits(get_digits(parameters, AUDIO_LENGTH, failure, scale)?)
        }
        "ReceiveDigits" => Plan::ReceiveDigits {
            regex: required_regex(parameters)?,
            in_between: scale.wall(required_ms(
                parameters,
                "InBetweenDigitsDurationInMilliseconds",
            )?),
            flush: scale.wall(required_ms(
                parameters,
                "FlushDigitsDurationInMilliseconds",
            )?),
        },
        "SendDigits" => send_digits(parameters, scale)?,
        "CallAndBridge" => Plan::Bridge(bridge(parameters)?),
        "StartCallRecording"
        | "StopCallRecording"
        | "PauseCallRecording"
        | "ResumeCallRecording"
        | "VoiceFocus" => timed(Duration::ZERO, false),
        _ => {
            return Err(ActionFailure {
                error_type: "ActionNotSupported",
                message: format!(
                    "The sandbox does not simulate {kind}: it has no party to run it with"
                ),
            })
        }
    };
    Ok((leg, plan))
}

fn leg_ref(parameters: &Value) -> Result<LegRef, ActionFailure> {
    if let Some(call_id) = parameters["CallId"].as_str() {
        return Ok(LegRef::CallId(call_id.to_string()));
    }
    match &parameters["ParticipantTag"] {
        Value::Null => Ok(LegRef::Default),
        Value::String(tag) if tag.eq_ignore_ascii_case("LEG-A") => Ok(LegRef::Tag { leg_b: false }),
        Value::String(tag) if tag.eq_ignore_ascii_case("LEG-B") => Ok(LegRef::Tag { leg_b: true }),
        _ => Err(invalid(
            "CallId or ParticipantTag parameter for action is invalid",
        )),
    }
}

/// The SIP response code a Hangup action ends the leg with: 480 and 486 as given (the guide
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
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A handler's numbers are untrusted: out of range is the action's failure, not ours.
fn length(
    parameters: &Value,
    name: &str,
    unit_seconds: f64,
    default: f64,
) -> Result<Duration, ActionFailure> {
    let value = match &parameters[name] {
        Value::Null => default,
        other => number(other).ok_or_else(|| invalid(format!("{name} is not a number")))?,
    };
    let seconds = value * unit_seconds;
    if !(0.0..=MAX_ACTION_SECONDS).contains(&seconds) {
        return Err(invalid(format!("{name} {value} is out of range")));
    }
    Ok(Duration::from_secs_f64(seconds))
}

fn required_ms(parameters: &Value, name: &str) -> Result<Duration, ActionFailure> {
    if parameters[name].is_null() {
        return Err(invalid(format!("{name} is required")));
    }
    let duration = length(parameters, name, 0.001, 0.0)?;
    if duration.is_zero() {
        return Err(invalid(format!("{name} must be more than 0")));
    }
    Ok(duration)
}

/// A whole number from `min` to `max`.
fn count(
    parameters: &Value,
    name: &str,
    default: usize,
    min: usize,
    max: usize,
) -> Result<usize, ActionFailure> {
    let value = match &parameters[name] {
        Value::Null => return Ok(default),
        other => number(other).ok_or_else(|| invalid(format!("{name} is not a number")))?,
    };
    if value.fract() != 0.0 || value < min as f64 || value > max as f64 {
        return Err(invalid(format!(
            "{name} {value} is not a whole number from {min} to {max}"
        )));
    }
    Ok(value as usize)
}

/// An array of single keys, each one of `allowed`.
fn keys(parameters: &Value, name: &str, allowed: &str) -> Result<Vec<char>, ActionFailure> {
    let items = match &parameters[name] {
        Value::Null => return Ok(Vec::new()),
        Value::Array(items) => items,
        _ => return Err(invalid(format!("{name} must be a list of keys"))),
    };
    items
        .iter()
        .map(|item| {
            let text = item.as_str().unwrap_or_default();
            let mut chars = text.chars();
            match (chars.next(), chars.next()) {
                (Some(key), None) if allowed.contains(key) => Ok(key),
                _ => Err(invalid(format!("{name}: {item} is not one of {allowed}"))),
            }
        })
        .collect()
}

/// How long a text takes to speak, or why the speech fails as Speak's and SpeakAndGetDigits'
/// error tables say: Text missing or over 1,000 characters (tags included) is
/// MissingRequiredActionParameter; a TextType, an Engine or (for `ssml`) a document Amazon Polly
/// would refuse is InvalidActionParameter. `prefix` names the parameter group in messages
/// (`SpeechParameters.`); `default_text_type` is the TextType when none is given (a failure
/// prompt's defaults to its prompt's).
fn speech(
    parameters: &Value,
    prefix: &str,
    default_text_type: &str,
) -> Result<Duration, ActionFailure> {
    let missing = |message: String| ActionFailure {
        error_type: "MissingRequiredActionParameter",
        message,
    };
    let text = match parameters["Text"].as_str() {
        Some(text) if !text.trim().is_empty() => text,
        _ => return Err(missing(format!("{prefix}Text is a required parameter."))),
    };
    if text.chars().count() > MAX_SPEECH_TEXT {
        return Err(missing(format!(
            "{prefix}Text is limited to 1,000 characters"
        )));
    }
    let text_type = match &parameters["TextType"] {
        Value::Null => default_text_type,
        Value::String(kind) if kind == "text" || kind == "ssml" => kind,
        other => {
            return Err(invalid(format!(
                "{prefix}TextType {other} is not one of ssml, text"
            )))
        }
    };
    match &parameters["Engine"] {
        Value::Null => {}
        Value::String(engine) if engine == "standard" || engine == "neural" => {}
        other => {
            return Err(invalid(format!(
                "{prefix}Engine {other} is not one of standard, neural"
            )))
        }
    }
    let spoken = if text_type == "ssml" {
        check_speak_document(text).map_err(|why| invalid(format!("{prefix}Text is {why}")))?;
        strip_tags(text)
    } else {
        text.to_string()
    };
    Ok(Duration::from_secs_f64(
        spoken.trim().chars().count() as f64 / SPEECH_CHARACTERS_PER_SECOND,
    ))
}

fn strip_tags(ssml: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in ssml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// An S3 AudioSource: Type S3, a BucketName and a Key.
fn audio_source(source: &Value, name: &str) -> Result<(), ActionFailure> {
    let text = |field: &str| source[field].as_str().is_some_and(|s| !s.trim().is_empty());
    if source["Type"] == "S3" && text("BucketName") && text("Key") {
        return Ok(());
    }
    Err(ActionFailure {
        error_type: "InvalidAudioSource",
        message: format!(
            "{name} parameter value is invalid: Type S3, BucketName and Key are required"
        ),
    })
}

fn required_regex(parameters: &Value) -> Result<Regex, ActionFailure> {
    match parameters["InputDigitsRegex"].as_str() {
        Some(pattern) => compile_regex(pattern).map_err(invalid),
        None => Err(invalid("InputDigitsRegex is required")),
    }
}

fn get_digits(
    parameters: &Value,
    prompt: Duration,
    failure_prompt: Duration,
    scale: TimeScale,
) -> Result<GetDigitsRules, ActionFailure> {
    let attempt_timeout = required_ms(parameters, "RepeatDurationInMilliseconds")?;
    let in_between = match &parameters["InBetweenDigitsDurationInMilliseconds"] {
        Value::Null => attempt_timeout,
        _ => required_ms(parameters, "InBetweenDigitsDurationInMilliseconds")?,
    };
    let min_digits = count(parameters, "MinNumberOfDigits", 0, 0, MAX_DIGITS)?;
    // The guide says "greater than MinNumberOfDigits"; equal (one key of a menu) is allowed.
    let max_digits = count(
        parameters,
        "MaxNumberOfDigits",
        MAX_DIGITS,
        min_digits.max(1),
        MAX_DIGITS,
    )?;
    let terminators = match &parameters["TerminatorDigits"] {
        Value::Null => vec!['#'],
        _ => keys(parameters, "TerminatorDigits", "0123456789#*")?,
    };
    let regex = match parameters["InputDigitsRegex"] {
        Value::Null => None,
        _ => Some(required_regex(parameters)?),
    };
    Ok(GetDigitsRules {
        prompt: scale.wall(prompt),
        failure_prompt: scale.wall(failure_prompt),
        min_digits,
        max_digits,
        terminators,
        in_between: scale.wall(in_between),
        attempt_timeout: scale.wall(attempt_timeout),
        attempts: count(parameters, "Repeat", 1, 1, 100)? as u32,
        regex,
    })
}

fn send_digits(parameters: &Value, scale: TimeScale) -> Result<Plan, ActionFailure> {
    let digits = parameters["Digits"].as_str().unwrap_or_default();
    let valid = |c: char| matches!(c, '0'..='9' | '*' | '#' | 'A'..='D' | ',');
    if digits.is_empty() || digits.chars().count() > MAX_SENT_DIGITS || !digits.chars().all(valid) {
        return Err(invalid("Digits parameter value is invalid."));
    }
    let tone = match &parameters["ToneDurationInMilliseconds"] {
        Value::Null => 250.0,
        value => number(value)
            .filter(|ms| (50.0..=24_000.0).contains(ms))
            .ok_or_else(|| invalid("ToneDuration parameter value is invalid."))?,
    };
    let commas = digits.matches(',').count() as u32;
    let tones = digits.chars().count() as u32 - commas;
    let duration = Duration::from_secs_f64(tone / 1000.0) * tones + COMMA_PAUSE * commas;
    Ok(Plan::SendDigits {
        digits: digits.to_string(),
        duration: scale.wall(duration),
    })
}

fn bridge(parameters: &Value) -> Result<BridgeRequest, ActionFailure> {
    let endpoint = match parameters["Endpoints"].as_array().map(Vec::as_slice) {
        Some([endpoint]) => endpoint,
        _ => return Err(invalid("Endpoints must list exactly one endpoint")),
    };
    match endpoint["BridgeEndpointType"].as_str() {
        Some("PSTN") => {}
        Some("AWS") => {
            return Err(ActionFailure {
                error_type: "ActionNotSupported",
                message: "The sandbox has no Voice Connectors: a CallAndBridge to an AWS endpoint is not simulated".into(),
            })
        }
        _ => return Err(invalid("BridgeEndpointType must be PSTN or AWS")),
    }
    let e164 = |value: &Value| {
        value
            .as_str()
            .filter(|n| chimecall_model::rules::is_e164(n))
            .map(str::to_string)
    };
    let uri = e164(&endpoint["Uri"])
        .ok_or_else(|| invalid("Uri of a PSTN endpoint must be an E.164 phone number"))?;
    let caller_id = e164(&parameters["CallerIdNumber"])
        .ok_or_else(|| invalid("CallerIdNumber must be an E.164 phone number"))?;
    let seconds = count(parameters, "CallTimeoutSeconds", 30, 1, 120)
        .map_err(|_| invalid("CallTimeoutSeconds must be from 1 to 120"))?;
    Ok(BridgeRequest {
        uri,
        caller_id,
        call_timeout: Duration::from_secs(seconds as u64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ONE: TimeScale = TimeScale::ONE;

    fn planned(action: Value) -> Plan {
        plan(&action, ONE)
            .unwrap_or_else(|e| panic!("{action}: {e:?}"))
            .1
    }

    fn timed(action: Value) -> (Duration, bool) {
        match planned(action.clone()) {
            Plan::Timed {
                duration,
                interruptible,
                ..
            } => (duration, interruptible),
            other => panic!("{action}: {other:?}"),
        }
    }

    fn failure(action: Value) -> &'static str {
        plan(&action, ONE)
            .expect_err(&action.to_string())
            .error_type
    }

    fn s3(key: &str) -> Value {
        json!({"Type": "S3", "BucketName": "prompts", "Key": key})
    }

    #[test]
    fn timed_actions_run_by_their_parameters_and_can_be_interrupted() {
        let pause = json!({"Type": "Pause", "Parameters": {"DurationInMilliseconds": "1500"}});
        assert_eq!(timed(pause), (Duration::from_millis(1500), true));
        let play =
            json!({"Type": "PlayAudio", "Parameters": {"Repeat": 2, "AudioSource": s3("a.wav")}});
        assert_eq!(timed(play), (AUDIO_LENGTH * 2, true));
        let record = json!({"Type": "RecordAudio"});
        assert_eq!(timed(record), (Duration::from_secs(5), true));
        // 30 characters at 15 a second.
        let speak =
            json!({"Type": "Speak", "Parameters": {"Text": "press 1 to join, 2 to decline."}});
        assert_eq!(timed(speak), (Duration::from_secs(2), false));
        let ssml = json!({"Type": "Speak", "Parameters": {"Text": "<speak>fifteen letters</speak>", "TextType": "ssml"}});
        assert_eq!(timed(ssml), (Duration::from_secs(1), false));
    }

    #[test]
    fn durations_are_scaled() {
        let pause = json!({"Type": "Pause", "Parameters": {"DurationInMilliseconds": 3000}});
        match plan(&pause, TimeScale::new(10.0)).unwrap().1 {
            Plan::Timed { duration, .. } => assert_eq!(duration, Duration::from_millis(300)),
            other => panic!("{other:?}"),
        }
        let menu = json!({"Type": "SpeakAndGetDigits", "Parameters": {
            "SpeechParameters": {"Text": "press 1 to join, 2 to decline."},
            "RepeatDurationInMilliseconds": 5000
        }});
        match plan(&menu, TimeScale::new(10.0)).unwrap().1 {
            Plan::GetDigits(rules) => {
                assert_eq!(rules.prompt, Duration::from_millis(200));
                assert_eq!(rules.attempt_timeout, Duration::from_millis(500));
                assert_eq!(
                    rules.in_between,
                    Duration::from_millis(500),
                    "defaults to the repeat duration"
                );
                assert_eq!(
                    (rules.min_digits, rules.max_digits, rules.attempts),
                    (0, 128, 1)
                );
                assert_eq!(rules.terminators, ['#']);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_parameters_and_unsimulated_parties_fail() {
        let negative = json!({"Type": "Pause", "Parameters": {"DurationInMilliseconds": -1}});
        assert_eq!(failure(negative), "InvalidActionParameter");
        let words = json!({"Type": "Pause", "Parameters": {"DurationInMilliseconds": "soon"}});
        assert_eq!(failure(words), "InvalidActionParameter");
        assert_eq!(
            failure(json!({"Type": "JoinChimeMeeting"})),
            "ActionNotSupported"
        );
        assert_eq!(
            failure(json!({"Type": "StartBotConversation"})),
            "ActionNotSupported"
        );
        assert_eq!(
            failure(json!({"Type": "Speak"})),
            "MissingRequiredActionParameter"
        );
        let long = json!({"Type": "Speak", "Parameters": {"Text": "a".repeat(1001)}});
        assert_eq!(failure(long), "MissingRequiredActionParameter");
        assert_eq!(failure(json!({"Type": "PlayAudio"})), "InvalidAudioSource");
        let no_repeat = json!({"Type": "SpeakAndGetDigits", "Parameters": {"SpeechParameters": {"Text": "hi"}}});
        assert_eq!(failure(no_repeat), "InvalidActionParameter");
        let min_over_max = json!({"Type": "PlayAudioAndGetDigits", "Parameters": {
            "AudioSource": s3("a.wav"), "RepeatDurationInMilliseconds": 1000,
            "MinNumberOfDigits": 3, "MaxNumberOfDigits": 2}});
        assert_eq!(failure(min_over_max), "InvalidActionParameter");
        let bad_regex = json!({"Type": "ReceiveDigits", "Parameters": {"InputDigitsRegex": "(",
            "InBetweenDigitsDurationInMilliseconds": 1000, "FlushDigitsDurationInMilliseconds": 5000}});
        assert_eq!(failure(bad_regex), "InvalidActionParameter");
        assert_eq!(
            failure(json!({"Type": "ReceiveDigits", "Parameters": {"InputDigitsRegex": "1"}})),
            "InvalidActionParameter"
        );
        let bad_tag = json!({"Type": "Hangup", "Parameters": {"ParticipantTag": "LEG-C"}});
        assert_eq!(failure(bad_tag), "InvalidActionParameter");
        let send = |digits: &str, tone: Value| json!({"Type": "SendDigits", "Parameters": {"Digits": digits, "ToneDurationInMilliseconds": tone}});
        assert_eq!(failure(send("12x", Value::Null)), "InvalidActionParameter");
        assert_eq!(
            failure(send("12", json!(20_000_000))),
            "InvalidActionParameter"
        );
        match planned(send("1,2A#", json!(100))) {
            Plan::SendDigits { digits, duration } => {
                assert_eq!(digits, "1,2A#");
                assert_eq!(duration, Duration::from_millis(4 * 100 + 500));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn speech_is_checked_as_speak_and_speak_and_get_digits_say() {
        let speak = |parameters: Value| json!({"Type": "Speak", "Parameters": parameters});
        let ssml = |text: &str| speak(json!({"Text": text, "TextType": "ssml"}));
        assert_eq!(
            timed(ssml("<speak>fifteen <break time=\"1s\"/>letters</speak>")).0,
            Duration::from_secs(1)
        );
        assert_eq!(failure(ssml("fifteen letters")), "InvalidActionParameter");
        assert_eq!(
            failure(ssml("<speak>a & b</speak>")),
            "InvalidActionParameter"
        );
        assert_eq!(
            failure(speak(json!({"Text": "hi", "TextType": "html"}))),
            "InvalidActionParameter"
        );
        assert_eq!(
            failure(speak(json!({"Text": "hi", "Engine": "turbo"}))),
            "InvalidActionParameter"
        );
        // 1,000 characters are allowed, tags included; one more is not.
        let at_limit = format!("<speak>{}</speak>", "a".repeat(1000 - 15));
        assert!(plan(&ssml(&at_limit), ONE).is_ok());
        let over = format!("<speak>{}</speak>", "a".repeat(1001 - 15));
        assert_eq!(failure(ssml(&over)), "MissingRequiredActionParameter");
        let prompt = |speech: Value, failure_speech: Value| {
            json!({"Type": "SpeakAndGetDigits", "Parameters": {
                "SpeechParameters": speech, "FailureSpeechParameters": failure_speech,
                "RepeatDurationInMilliseconds": 10000}})
        };
        let long = json!({"Text": "a".repeat(1001)});
        assert_eq!(
            failure(prompt(long.clone(), json!({"Text": "Sorry."}))),
            "MissingRequiredActionParameter"
        );
        assert_eq!(
            failure(prompt(json!({"Text": "Hi."}), long)),
            "MissingRequiredActionParameter"
        );
        // A failure prompt's TextType defaults to its prompt's: plain text under an SSML prompt
        // fails unless it says text.
        let document = json!({"Text": "<speak>Press 1.</speak>", "TextType": "ssml"});
        assert_eq!(
            failure(prompt(document.clone(), json!({"Text": "Sorry."}))),
            "InvalidActionParameter"
        );
        assert!(plan(
            &prompt(document, json!({"Text": "Sorry.", "TextType": "text"})),
            ONE
        )
        .is_ok());
    }

    #[test]
    fn call_and_bridge_needs_one_pstn_endpoint() {
        let bridge = |endpoints: Value, caller: &str| {
            json!({"Type": "CallAndBridge", "Parameters": {
            "CallerIdNumber": caller, "Endpoints": endpoints}})
        };
        let pstn = json!([{"BridgeEndpointType": "PSTN", "Uri": "+12065550222"}]);
        match planned(bridge(pstn.clone(), "+12065550100")) {
            Plan::Bridge(request) => assert_eq!(
                request,
                BridgeRequest {
                    uri: "+12065550222".into(),
                    caller_id: "+12065550100".into(),
                    call_timeout: Duration::from_secs(30),
                }
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            failure(bridge(json!([]), "+12065550100")),
            "InvalidActionParameter"
        );
        assert_eq!(failure(bridge(pstn, "SMA")), "InvalidActionParameter");
        let voice_connector = json!([{"BridgeEndpointType": "AWS", "Arn": "arn:aws:chime:us-east-1:1:vc/x", "Uri": "5550"}]);
        assert_eq!(
            failure(bridge(voice_connector, "+12065550100")),
            "ActionNotSupported"
        );
    }

    #[test]
    fn actions_name_their_leg() {
        let on = |parameters: Value| {
            plan(&json!({"Type": "Hangup", "Parameters": parameters}), ONE)
                .unwrap()
                .0
        };
        assert_eq!(on(json!({})), LegRef::Default);
        assert_eq!(
            on(json!({"ParticipantTag": "LEG-B"})),
            LegRef::Tag { leg_b: true }
        );
        assert_eq!(
            on(json!({"ParticipantTag": "Leg-A"})),
            LegRef::Tag { leg_b: false }
        );
        assert_eq!(
            on(json!({"ParticipantTag": "LEG-B", "CallId": "c1"})),
            LegRef::CallId("c1".into()),
            "CallId wins"
        );
    }

    #[test]
    fn hangup_while_ringing_is_ends_or_fails() {
        for value in [HangupWhileRinging::Ends, HangupWhileRinging::Fails] {
            assert_eq!(HangupWhileRinging::parse(&value.to_string()), Ok(value));
        }
        assert!(HangupWhileRinging::parse("Fails").is_err());
        assert!(HangupWhileRinging::parse("").is_err());
        let failure = hangup_of_a_ringing_call();
        assert_eq!(failure.error_type, "InvalidActionParameter");
        assert!(failure
            .message
            .starts_with("CallId or ParticipantTag parameter for action is invalid"));
    }

    #[test]
    fn hangup_codes_are_480_486_or_0() {
        assert_eq!(hangup_code(&json!({"SipResponseCode": "486"})), "486");
        assert_eq!(hangup_code(&json!({"SipResponseCode": 480})), "480");
        assert_eq!(hangup_code(&json!({"SipResponseCode": "503"})), "0");
        assert_eq!(hangup_code(&Value::Null), "0");
    }
}
