//! The call-out flow's scenario table (docs/callout.md): each scenario is a scripted callee, the
//! dial's ArgumentsMap, what the test does while the call is up, and what must come out: every
//! event the handler received with the actions it answered, and the disposition chimecall
//! reports. Assertions are about the protocol only (events, actions and their parameters,
//! TransactionAttributes, dispositions), never about how a handler logs, so the same table holds
//! any handler to the contract: [`run_scenarios`] takes the sandbox's extra arguments, and
//! `--handler URL --function-name NAME` puts a deployable handler behind the Lambda Invoke API in
//! place of the built-in one.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::{json, Map, Value};

use super::protocol::{self, Invocation};
use crate::support::{fresh_dir, path_str, run, Sandbox, Spawned};

/// Simulated time runs this much faster than the wall clock.
const TIME_SCALE: u32 = 10;
/// The function name the sandbox logs under when `--function-name` is not given.
const DEFAULT_FUNCTION: &str = "chimecall-sandbox-handler";

const MESSAGE: &str = "INC-42: payments database down.";
const CONFIRMATION: &str = "Acknowledged. Thank you.";
const NO_ACKNOWLEDGEMENT: &str = "No acknowledgement received. Goodbye.";
const ALREADY_ACKNOWLEDGED: &str = "This alert was already acknowledged. Goodbye.";
/// The attribute a hangup update records (docs/callout.md).
const CANCELLED: &str = "chimecall-cancelled";
/// The sandbox playing the cautious reading of AWS: a Hangup of a ringing call fails.
const HANGUP_WHILE_RINGING_FAILS: &[&str] = &["--hangup-while-ringing", "fails"];

/// What the test does while a scenario's call is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meanwhile {
    Nothing,
    /// `chimecall hangup` as soon as RINGING is logged (the phone still rings).
    HangupWhileRinging,
    /// `chimecall hangup` as soon as CALL_ANSWERED is logged (the prompt is playing).
    HangupOnceAnswered,
    /// Checks the answered call stays up for 15 s of simulated time, then `chimecall hangup`.
    HangupAfterStayingUp,
}

pub struct Scenario {
    pub name: &'static str,
    /// The sandbox's own arguments for this scenario, before the runner's extra ones; scenarios
    /// with the same run in one sandbox.
    pub sandbox_args: &'static [&'static str],
    /// The callee's `[[callee]]` keys after `number`, as TOML lines.
    pub callee: &'static str,
    /// The dial's ArgumentsMap (`--arg KEY=VALUE`).
    pub arguments: Vec<(&'static str, String)>,
    /// `--success`, when not `answered`.
    pub success: Option<&'static str>,
    pub meanwhile: Meanwhile,
    /// Each event the handler received (see [`protocol::summary`]) and the actions it answered
    /// (LEG-A's CallId written `"LEG-A"`; Hangups in [`canonical_hangup`]'s form).
    pub exchanges: Vec<(&'static str, Value)>,
    pub disposition: &'static str,
    /// The least simulated time from CALL_ANSWERED to the last event (speech and digit timeouts
    /// take their time).
    pub at_least: Duration,
}

fn say(message: &str) -> (&'static str, String) {
    ("chimecall-say", message.to_string())
}

fn ack(key: &str) -> (&'static str, String) {
    ("chimecall-ack", key.to_string())
}

fn say_type(kind: &str) -> (&'static str, String) {
    ("chimecall-say-type", kind.to_string())
}

fn voice(text: &str, kind: &str) -> Value {
    json!({"Text": text, "TextType": kind, "LanguageCode": "en-US", "VoiceId": "Joanna", "Engine": "neural"})
}

/// The contract's SpeakAndGetDigits, `spoken` the whole prompt.
fn prompt(spoken: &str, kind: &str, key: &str, regex: &str) -> Value {
    json!({"Type": "SpeakAndGetDigits", "Parameters": {
        "CallId": "LEG-A",
        "InputDigitsRegex": regex,
        "SpeechParameters": voice(spoken, kind),
        "FailureSpeechParameters": {
            "Text": format!("That was not {key}. Press {key} to acknowledge."),
            "TextType": "text",
        },
        "MinNumberOfDigits": 1,
        "MaxNumberOfDigits": 1,
        "Repeat": 3,
        "RepeatDurationInMilliseconds": 10000,
        "InBetweenDigitsDurationInMilliseconds": 3000,
    }})
}

fn speak(text: &str) -> Value {
    let mut parameters = voice(text, "text");
    parameters["CallId"] = json!("LEG-A");
    json!({"Type": "Speak", "Parameters": parameters})
}

/// A Hangup of LEG-A with SIP code 0, however it names them (CallId, ParticipantTag, neither;
/// the code given or defaulted).
fn hangup() -> Value {
    json!({"Type": "Hangup", "Leg": "LEG-A", "SipResponseCode": "0"})
}

/// Hangups compared by what they do, not how they say it: the leg and the code.
fn canonical_hangup(action: &Value) -> Value {
    if action["Type"] != "Hangup" {
        return action.clone();
    }
    let parameters = &action["Parameters"];
    let leg = match (&parameters["CallId"], &parameters["ParticipantTag"]) {
        (Value::String(id), _) if id == "LEG-A" => "LEG-A".to_string(),
        (Value::String(other), _) => other.clone(),
        (_, Value::String(tag)) => tag.to_uppercase(),
        _ => "LEG-A".to_string(),
    };
    let code = match &parameters["SipResponseCode"] {
        Value::Null => "0".to_string(),
        Value::String(code) => code.clone(),
        other => other.to_string(),
    };
    json!({"Type": "Hangup", "Leg": leg, "SipResponseCode": code})
}

fn none() -> Value {
    json!([])
}

/// NEW_OUTBOUND_CALL and RINGING, answered with no actions, then `after_ringing`.
fn exchanges(after_ringing: Vec<(&'static str, Value)>) -> Vec<(&'static str, Value)> {
    [("NEW_OUTBOUND_CALL", none()), ("RINGING", none())]
        .into_iter()
        .chain(after_ringing)
        .collect()
}

/// The table.
pub fn scenarios() -> Vec<Scenario> {
    let asked = format!("{MESSAGE} Press 1 to acknowledge.");
    let ssml = "<speak>INC-42: payments database <emphasis>down</emphasis>.</speak>";
    let ssml_asked =
        "<speak>INC-42: payments database <emphasis>down</emphasis>. Press 1 to acknowledge.</speak>";
    let malformed = "<speak>INC-42: payments & billing down.</speak>";
    // Under the 1,000 characters of a Speak, but not once "Press 1 to acknowledge." is added.
    let long = format!("INC-42: {}", "x".repeat(982));
    let too_long = format!("INC-42: {}", "x".repeat(993));
    let digits_1 = Some("digits:^1$");
    vec![
        Scenario {
            sandbox_args: &[],
            name: "acknowledged with 1",
            callee: "answer_after = \"1s\"\npress = [{ after = \"6s\", digits = \"1\" }]",
            arguments: vec![say(MESSAGE), ack("1")],
            success: digits_1,
            meanwhile: Meanwhile::Nothing,
            exchanges: exchanges(vec![
                ("CALL_ANSWERED", json!([prompt(&asked, "text", "1", "^1$")])),
                (
                    "ACTION_SUCCESSFUL SpeakAndGetDigits ReceivedDigits=1",
                    json!([speak(CONFIRMATION), hangup()]),
                ),
                ("HANGUP 0 LEG-A", none()),
            ]),
            // TODO: `acknowledged` once `--ack` exists (issue 16); `answered` is what
            // `--success digits:^1$` reports today.
            disposition: "answered",
            at_least: Duration::from_secs(7),
        },
        Scenario {
            sandbox_args: &[],
            name: "a wrong key, then nothing: unacknowledged",
            callee: "answer_after = \"1s\"\npress = [{ after = \"6s\", digits = \"2\" }]",
            arguments: vec![say(MESSAGE), ack("1")],
            success: digits_1,
            meanwhile: Meanwhile::Nothing,
            exchanges: exchanges(vec![
                ("CALL_ANSWERED", json!([prompt(&asked, "text", "1", "^1$")])),
                (
                    "ACTION_FAILED SpeakAndGetDigits InvalidDigitsReceived",
                    json!([speak(NO_ACKNOWLEDGEMENT), hangup()]),
                ),
                ("HANGUP 0 LEG-A", none()),
            ]),
            disposition: "unacknowledged",
            // The key at 6 s, failure speech, prompt, 10 s, failure speech, prompt, 10 s.
            at_least: Duration::from_secs(38),
        },
        Scenario {
            sandbox_args: &[],
            name: "answered and silent",
            callee: "answer_after = \"1s\"",
            arguments: vec![say(MESSAGE), ack("1")],
            success: digits_1,
            meanwhile: Meanwhile::Nothing,
            exchanges: exchanges(vec![
                ("CALL_ANSWERED", json!([prompt(&asked, "text", "1", "^1$")])),
                (
                    "ACTION_FAILED SpeakAndGetDigits InvalidDigitsReceived",
                    json!([speak(NO_ACKNOWLEDGEMENT), hangup()]),
                ),
                ("HANGUP 0 LEG-A", none()),
            ]),
            disposition: "unacknowledged",
            // Three prompts and attempts of 10 s, two failure speeches, the goodbye.
            at_least: Duration::from_secs(45),
        },
        Scenario {
            sandbox_args: &[],
            name: "busy",
            callee: "busy = true",
            arguments: vec![say(MESSAGE), ack("1")],
            success: digits_1,
            meanwhile: Meanwhile::Nothing,
            exchanges: exchanges(vec![("HANGUP 486 LEG-A", none())]),
            disposition: "busy",
            at_least: Duration::ZERO,
        },
        Scenario {
            sandbox_args: &[],
            name: "no answer",
            callee: "no_answer = true",
            arguments: vec![say(MESSAGE), ack("1")],
            success: digits_1,
            meanwhile: Meanwhile::Nothing,
            exchanges: exchanges(vec![("HANGUP 480 LEG-A", none())]),
            disposition: "no_answer",
            at_least: Duration::ZERO,
        },
        Scenario {
            sandbox_args: &[],
            name: "say without ack: Speak, then Hangup",
            callee: "answer_after = \"1s\"",
            arguments: vec![say(MESSAGE), say_type("text")],
            success: None,
            meanwhile: Meanwhile::Nothing,
            exchanges: exchanges(vec![
                ("CALL_ANSWERED", json!([speak(MESSAGE), hangup()])),
                ("HANGUP 0 LEG-A", none()),
            ]),
            disposition: "answered",
            // 31 characters at 15 a second.
            at_least: Duration::from_secs(2),
        },
        Scenario {
            sandbox_args: &[],
            name: "SSML say, acknowledged",
            callee: "answer_after = \"1s\"\npress = [{ after = \"6s\", digits = \"1\" }]",
            arguments: vec![say(ssml), say_type("ssml"), ack("1")],
            success: digits_1,
            meanwhile: Meanwhile::Nothing,
            exchanges: exchanges(vec![
                (
                    "CALL_ANSWERED",
                    json!([prompt(ssml_asked, "ssml", "1", "^1$")]),
                ),
                (
                    "ACTION_SUCCESSFUL SpeakAndGetDigits ReceivedDigits=1",
                    json!([speak(CONFIRMATION), hangup()]),
                ),
                ("HANGUP 0 LEG-A", none()),
            ]),
            disposition: "answered",
            at_least: Duration::from_secs(7),
        },
        Scenario {
            sandbox_args: &[],
            name: "a hangup update while the prompt plays",
            callee: "answer_after = \"1s\"",
            arguments: vec![say(MESSAGE), ack("1")],
            success: digits_1,
            meanwhile: Meanwhile::HangupOnceAnswered,
            // SpeakAndGetDigits is not interruptible: the update's Hangup waits behind it, and
            // when it fails the ACTION_FAILED's answer runs instead (docs/sandbox.md).
            exchanges: exchanges(vec![
                ("CALL_ANSWERED", json!([prompt(&asked, "text", "1", "^1$")])),
                (
                    r#"CALL_UPDATE_REQUESTED {"action":"hangup"}"#,
                    json!([hangup()]),
                ),
                (
                    "ACTION_FAILED SpeakAndGetDigits InvalidDigitsReceived",
                    json!([speak(NO_ACKNOWLEDGEMENT), hangup()]),
                ),
                ("HANGUP 0 LEG-A", none()),
            ]),
            disposition: "unacknowledged",
            at_least: Duration::from_secs(45),
        },
        Scenario {
            sandbox_args: &[],
            name: "the callee hangs up mid-prompt",
            callee: "answer_after = \"1s\"\nhangup_after = \"2s\"",
            arguments: vec![say(MESSAGE), ack("#")],
            success: Some("digits:^#$"),
            meanwhile: Meanwhile::Nothing,
            exchanges: exchanges(vec![
                (
                    "CALL_ANSWERED",
                    json!([prompt(
                        &format!("{MESSAGE} Press # to acknowledge."),
                        "text",
                        "#",
                        "^#$"
                    )]),
                ),
                ("HANGUP - LEG-A", none()),
            ]),
            disposition: "unacknowledged",
            at_least: Duration::from_secs(2),
        },
        Scenario {
            sandbox_args: &[],
            name: "no chimecall-say: the call stays up as before",
            callee: "answer_after = \"1s\"",
            arguments: vec![("ticket", "INC-42".to_string()), ack("1")],
            success: None,
            meanwhile: Meanwhile::HangupAfterStayingUp,
            exchanges: exchanges(vec![
                ("CALL_ANSWERED", none()),
                (
                    r#"CALL_UPDATE_REQUESTED {"action":"hangup"}"#,
                    json!([hangup()]),
                ),
                ("HANGUP 0 LEG-A", none()),
            ]),
            disposition: "answered",
            at_least: Duration::from_secs(14),
        },
        Scenario {
            sandbox_args: &[],
            name: "malformed SSML fails the prompt",
            callee: "answer_after = \"1s\"",
            arguments: vec![say(malformed), say_type("ssml"), ack("*")],
            success: Some(r"digits:^\*$"),
            meanwhile: Meanwhile::Nothing,
            exchanges: exchanges(vec![
                (
                    "CALL_ANSWERED",
                    json!([prompt(
                        "<speak>INC-42: payments & billing down. Press * to acknowledge.</speak>",
                        "ssml",
                        "*",
                        r"^\*$"
                    )]),
                ),
                (
                    "ACTION_FAILED SpeakAndGetDigits InvalidActionParameter",
                    json!([hangup()]),
                ),
                ("HANGUP 0 LEG-A", none()),
            ]),
            disposition: "unacknowledged",
            at_least: Duration::ZERO,
        },
        Scenario {
            sandbox_args: &[],
            name: "a message the prompt's sentence takes over 1,000 characters",
            callee: "answer_after = \"1s\"",
            arguments: vec![say(&long), ack("1")],
            success: digits_1,
            meanwhile: Meanwhile::Nothing,
            exchanges: exchanges(vec![
                (
                    "CALL_ANSWERED",
                    json!([prompt(
                        &format!("{long} Press 1 to acknowledge."),
                        "text",
                        "1",
                        "^1$"
                    )]),
                ),
                (
                    "ACTION_FAILED SpeakAndGetDigits MissingRequiredActionParameter",
                    json!([hangup()]),
                ),
                ("HANGUP 0 LEG-A", none()),
            ]),
            disposition: "unacknowledged",
            at_least: Duration::ZERO,
        },
        Scenario {
            sandbox_args: &[],
            name: "a say over 1,000 characters fails the Speak",
            callee: "answer_after = \"1s\"",
            arguments: vec![say(&too_long)],
            success: None,
            meanwhile: Meanwhile::Nothing,
            exchanges: exchanges(vec![
                ("CALL_ANSWERED", json!([speak(&too_long), hangup()])),
                (
                    "ACTION_FAILED Speak MissingRequiredActionParameter",
                    json!([hangup()]),
                ),
                ("HANGUP 0 LEG-A", none()),
            ]),
            disposition: "answered",
            at_least: Duration::ZERO,
        },
        Scenario {
            sandbox_args: &[],
            name: "a hangup update while the phone rings ends the call unanswered",
            callee: "answer_after = \"25s\"",
            arguments: vec![say(MESSAGE), ack("1")],
            success: digits_1,
            meanwhile: Meanwhile::HangupWhileRinging,
            exchanges: exchanges(vec![
                (
                    r#"CALL_UPDATE_REQUESTED {"action":"hangup"}"#,
                    json!([hangup()]),
                ),
                ("HANGUP 0 LEG-A", none()),
            ]),
            // What chimecall reports today for a call ended while it rings (ended_by operator).
            disposition: "no_answer",
            at_least: Duration::ZERO,
        },
        Scenario {
            sandbox_args: HANGUP_WHILE_RINGING_FAILS,
            name: "a hangup that fails while the phone rings: the callee answers and hears it was \
                   already acknowledged",
            callee: "answer_after = \"25s\"",
            arguments: vec![say(MESSAGE), ack("1")],
            success: digits_1,
            meanwhile: Meanwhile::HangupWhileRinging,
            exchanges: exchanges(vec![
                (
                    r#"CALL_UPDATE_REQUESTED {"action":"hangup"}"#,
                    json!([hangup()]),
                ),
                ("ACTION_FAILED Hangup InvalidActionParameter", none()),
                (
                    "CALL_ANSWERED",
                    json!([speak(ALREADY_ACKNOWLEDGED), hangup()]),
                ),
                ("HANGUP 0 LEG-A", none()),
            ]),
            disposition: "unacknowledged",
            // 45 characters at 15 a second.
            at_least: Duration::from_secs(3),
        },
    ]
}

/// Scenario `i`'s callee number.
fn number(i: usize) -> String {
    format!("+12065552{i:03}")
}

/// Scenario `i`'s rows file: a header naming its ArgumentsMap keys (`arg.KEY`), and one row.
fn rows_file(i: usize, scenario: &Scenario) -> String {
    let quoted = |value: &str| {
        if value.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", value.replace('"', "\"\""))
        } else {
            value.to_string()
        }
    };
    let mut header = vec!["id".to_string(), "to".to_string()];
    let mut row = vec![format!("s{i}"), number(i)];
    for (key, value) in &scenario.arguments {
        header.push(format!("arg.{key}"));
        row.push(quoted(value));
    }
    format!("{}\n{}\n", header.join(","), row.join(","))
}

/// The function the sandbox logs invocations under: `--function-name`'s, or its default.
fn function_name(extra_sandbox_args: &[&str]) -> String {
    extra_sandbox_args
        .windows(2)
        .find(|pair| pair[0] == "--function-name")
        .map_or(DEFAULT_FUNCTION.to_string(), |pair| pair[1].to_string())
}

/// Runs every scenario against a sandbox started with scripted callees, time sped up and no
/// quotas, the scenario's own `sandbox_args`, plus `extra_sandbox_args` (`["--handler", URL,
/// "--function-name", NAME]` for a handler behind the Lambda Invoke API): the scenarios that
/// share their `sandbox_args` at once in one sandbox, one such group after another. Panics
/// listing every scenario that went otherwise.
pub fn run_scenarios(extra_sandbox_args: &[&str]) {
    let table = scenarios();
    let mut groups: Vec<(&[&str], Vec<usize>)> = Vec::new();
    for (i, scenario) in table.iter().enumerate() {
        match groups
            .iter_mut()
            .find(|(args, _)| *args == scenario.sandbox_args)
        {
            Some((_, members)) => members.push(i),
            None => groups.push((scenario.sandbox_args, vec![i])),
        }
    }
    let mut problems: Vec<String> = Vec::new();
    for (own_args, members) in groups {
        let mut args = own_args.to_vec();
        args.extend_from_slice(extra_sandbox_args);
        run_group(&table, &members, &args, &mut problems);
    }
    assert!(
        problems.is_empty(),
        "{} of {} scenarios went otherwise:\n\n{}",
        problems.len(),
        table.len(),
        problems.join("\n\n")
    );
}

/// Scenarios `members` of `table`, at once, in one sandbox started with `sandbox_args` added.
fn run_group(
    table: &[Scenario],
    members: &[usize],
    extra_sandbox_args: &[&str],
    problems: &mut Vec<String>,
) {
    let mut callees = String::new();
    for &i in members {
        let scenario = &table[i];
        let _ = write!(
            callees,
            "# {}\n[[callee]]\nnumber = \"{}\"\n{}\n\n",
            scenario.name,
            number(i),
            scenario.callee
        );
    }
    let file = fresh_dir("callout-callees").join("callees.toml");
    std::fs::write(&file, callees).expect("write the callees file");
    let scale = TIME_SCALE.to_string();
    let mut args = vec![
        "--no-quotas",
        "--callees",
        path_str(&file),
        "--time-scale",
        &scale,
    ];
    args.extend_from_slice(extra_sandbox_args);
    let sandbox = Sandbox::start_with(&args);
    let function = function_name(extra_sandbox_args);

    // One run per scenario, each a rows file of one row (the ArgumentsMap in `arg.` columns), so
    // each gets its own --success.
    let rows_dir = fresh_dir("callout-rows");
    let dials: Vec<Spawned> = members
        .iter()
        .map(|&i| {
            let scenario = &table[i];
            let rows = rows_dir.join(format!("scenario-{i}.csv"));
            std::fs::write(&rows, rows_file(i, scenario)).expect("write a rows file");
            let mut command = sandbox.chimecall();
            command.args(["-o", "json", "dial", "--file", path_str(&rows)]);
            command.args(["--success", scenario.success.unwrap_or("answered")]);
            command.args(["--wait", "ended", "--timeout", "100s"]);
            Spawned::start(&mut command)
        })
        .collect();
    // The phones that must still ring first: their callees answer after 2.5 s.
    for meanwhile in [
        Meanwhile::HangupWhileRinging,
        Meanwhile::HangupOnceAnswered,
        Meanwhile::HangupAfterStayingUp,
    ] {
        for &i in members {
            let scenario = &table[i];
            if scenario.meanwhile != meanwhile {
                continue;
            }
            let event = match meanwhile {
                Meanwhile::HangupWhileRinging => "RINGING",
                _ => "CALL_ANSWERED",
            };
            let tx = protocol::wait_for_event(&sandbox, &function, &number(i), event);
            if meanwhile == Meanwhile::HangupAfterStayingUp {
                std::thread::sleep(Duration::from_secs(15) / TIME_SCALE);
                let all = protocol::invocations(&sandbox, &function);
                if protocol::of_call(&all, &tx)
                    .iter()
                    .any(|i| i.kind() == "HANGUP")
                {
                    problems.push(format!("{}: the call did not stay up", scenario.name));
                }
            }
            let hangup = run(sandbox.chimecall().args(["hangup", &tx]));
            if hangup.code != 0 {
                problems.push(format!(
                    "{}: hangup exited {}: {}",
                    scenario.name, hangup.code, hangup.stderr
                ));
            }
        }
    }
    let ends: Vec<(String, Value)> = members
        .iter()
        .zip(dials)
        .map(|(&i, dial)| {
            let scenario = &table[i];
            let finished = dial.finish();
            let end = finished
                .stdout
                .lines()
                .filter_map(|line| serde_json::from_str::<Value>(line).ok())
                .find(|record| record.get("disposition").is_some())
                .unwrap_or_else(|| {
                    panic!(
                        "{}: the run printed no end record (exit {}): {}\n{}",
                        scenario.name, finished.code, finished.stdout, finished.stderr
                    )
                });
            let tx = end["transaction_id"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            (tx, end)
        })
        .collect();

    // Every call has ended: the log has the whole of each.
    let all = protocol::invocations(&sandbox, &function);
    for (&i, (tx, end)) in members.iter().zip(&ends) {
        let scenario = &table[i];
        if end["disposition"] != scenario.disposition {
            problems.push(format!(
                "{}: disposition {}, not {}: {end}",
                scenario.name, end["disposition"], scenario.disposition
            ));
        }
        let call = protocol::of_call(&all, tx);
        check_call(scenario, &call, problems);
    }
}

/// The attributes the handler must keep: the `chimecall-*` keys of the ArgumentsMap, when it
/// has a message to say.
fn kept_attributes(scenario: &Scenario) -> Option<Map<String, Value>> {
    scenario
        .arguments
        .iter()
        .any(|(key, _)| *key == "chimecall-say")
        .then(|| {
            scenario
                .arguments
                .iter()
                .filter(|(key, _)| key.starts_with("chimecall-"))
                .map(|(key, value)| (key.to_string(), json!(value)))
                .collect()
        })
}

fn check_call(scenario: &Scenario, call: &[Invocation], problems: &mut Vec<String>) {
    let name = scenario.name;
    let Some(first) = call.first() else {
        problems.push(format!("{name}: no invocation logged"));
        return;
    };
    let leg_a = protocol::leg_a_call_id(&first.event);
    let seen: Vec<(String, Value)> = call
        .iter()
        .map(|invocation| {
            let actions = invocation
                .answer
                .as_ref()
                .map(|answer| match &answer["Actions"] {
                    Value::Null => json!([]),
                    actions => protocol::with_leg_names(actions, &leg_a),
                })
                .unwrap_or(Value::Null);
            let actions = match actions {
                Value::Array(list) => Value::Array(list.iter().map(canonical_hangup).collect()),
                other => other,
            };
            (protocol::summary(&invocation.event), actions)
        })
        .collect();
    let expected: Vec<(String, Value)> = scenario
        .exchanges
        .iter()
        .map(|(event, actions)| (event.to_string(), actions.clone()))
        .collect();
    if seen != expected {
        problems.push(format!(
            "{name}: the handler's exchanges were\n{}\nnot\n{}",
            render(&seen),
            render(&expected)
        ));
        return;
    }

    // TransactionAttributes: set by NEW_OUTBOUND_CALL's answer, carried by every later event.
    let kept = kept_attributes(scenario);
    let set = first
        .answer
        .as_ref()
        .map(|answer| answer["TransactionAttributes"].clone())
        .unwrap_or(Value::Null);
    match &kept {
        Some(kept) if set != Value::Object(kept.clone()) => problems.push(format!(
            "{name}: NEW_OUTBOUND_CALL answered TransactionAttributes {set}, not {}",
            Value::Object(kept.clone())
        )),
        _ => {}
    }
    // A hangup update's answer, and the answer to its Hangup's failure, return them all with
    // the cancel recorded; no other answer sets any.
    let mut expected_attributes = kept.map_or(Value::Null, Value::Object);
    for invocation in &call[1..] {
        let carried = &invocation.event["CallDetails"]["TransactionAttributes"];
        if *carried != expected_attributes {
            problems.push(format!(
                "{name}: {} carried TransactionAttributes {carried}, not {expected_attributes}",
                invocation.kind()
            ));
        }
        let returned = invocation.answer.as_ref().map_or(Value::Null, |answer| {
            answer["TransactionAttributes"].clone()
        });
        if records_a_cancel(invocation) {
            let mut cancelled = expected_attributes.as_object().cloned().unwrap_or_default();
            cancelled.insert(CANCELLED.to_string(), json!("true"));
            let cancelled = Value::Object(cancelled);
            if returned != cancelled {
                problems.push(format!(
                    "{name}: {} answered TransactionAttributes {returned}, not {cancelled}",
                    protocol::summary(&invocation.event)
                ));
            }
            expected_attributes = cancelled;
        } else if !returned.is_null() {
            problems.push(format!(
                "{name}: {} answered TransactionAttributes {returned}, which only \
                 NEW_OUTBOUND_CALL and a cancel set",
                protocol::summary(&invocation.event)
            ));
        }
    }
    if first.event["ActionData"]["Parameters"]["Arguments"]["chimecall-say"]
        != scenario
            .arguments
            .iter()
            .find(|(key, _)| *key == "chimecall-say")
            .map_or(Value::Null, |(_, value)| json!(value))
    {
        problems.push(format!(
            "{name}: NEW_OUTBOUND_CALL did not carry the ArgumentsMap"
        ));
    }

    // ACTION_SUCCESSFUL and ACTION_FAILED carry the action the handler returned, as it was.
    let mut answered: Vec<&Value> = Vec::new();
    for invocation in call {
        let kind = invocation.kind();
        if kind == "ACTION_SUCCESSFUL" || kind == "ACTION_FAILED" {
            let mut data = invocation.event["ActionData"].clone();
            if let Some(object) = data.as_object_mut() {
                for extra in ["ReceivedDigits", "ErrorType", "ErrorMessage"] {
                    object.remove(extra);
                }
            }
            if !answered.contains(&&data) {
                problems.push(format!(
                    "{name}: {kind}'s ActionData is not an action the handler returned: {data}"
                ));
            }
        }
        if let Some(actions) = invocation
            .answer
            .as_ref()
            .and_then(|a| a["Actions"].as_array())
        {
            answered.extend(actions.iter());
        }
    }

    // Speech and digit timeouts take their (simulated) time.
    let answered_at = call.iter().find(|i| i.kind() == "CALL_ANSWERED");
    if let (Some(answered_at), Some(last)) = (answered_at, call.last()) {
        let took = last.logged_ms - answered_at.logged_ms;
        // Each time is when the handler logged the event: an invocation logged late under load
        // (2 cores, 8 tests at once) shortens the span seen, so a quarter is allowed for it; a
        // wait skipped altogether still shows.
        let least = (scenario.at_least / TIME_SCALE).as_millis() as i64 * 3 / 4;
        if took < least {
            problems.push(format!(
                "{name}: ended {took} ms after CALL_ANSWERED, sooner than {least} ms"
            ));
        }
    }
}

/// A hangup update, or the failure of the Hangup it answered (the phone still rings).
fn records_a_cancel(invocation: &Invocation) -> bool {
    let data = &invocation.event["ActionData"];
    match invocation.kind() {
        "CALL_UPDATE_REQUESTED" => data["Parameters"]["Arguments"]["action"] == "hangup",
        "ACTION_FAILED" => data["Type"] == "Hangup",
        _ => false,
    }
}

fn render(exchanges: &[(String, Value)]) -> String {
    exchanges
        .iter()
        .map(|(event, actions)| format!("  {event} -> {actions}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The table against the sandbox's built-in handler.
#[test]
fn the_built_in_handler_runs_the_call_out_flow() {
    run_scenarios(&[]);
}

/// The table against a handler already served behind the Lambda Invoke API, named by
/// `CHIMECALL_CALLOUT_HANDLER` = `URL NAME` (e.g. `python3 deploy/local_runner.py
/// --function-name chimecall-callout` prints the port to put in URL):
/// `CHIMECALL_CALLOUT_HANDLER="http://127.0.0.1:PORT chimecall-callout" cargo test --test
/// integration callout -- --ignored`.
#[test]
#[ignore = "needs CHIMECALL_CALLOUT_HANDLER=\"URL NAME\": a handler behind the Lambda Invoke API"]
fn a_handler_behind_the_lambda_invoke_api_runs_the_call_out_flow() {
    let named =
        std::env::var("CHIMECALL_CALLOUT_HANDLER").expect("CHIMECALL_CALLOUT_HANDLER=\"URL NAME\"");
    let (url, name) = named
        .split_once(' ')
        .expect("CHIMECALL_CALLOUT_HANDLER=\"URL NAME\"");
    run_scenarios(&["--handler", url, "--function-name", name]);
}
