//! Call flows as an SMA author runs them: scripted callees (`--callees`), simulated time sped up
//! (`--time-scale`), and a handler of the tests' own behind the Lambda Invoke API. The IVR of the
//! issue's bar: a prompt, the digits, a bridge, the bridged party leaving, each event read back
//! with `chimecall tail -o json`, as the author would.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{json, Value};

use crate::support::fake_lambda::{FakeLambda, Reply};
use crate::support::{fresh_dir, json_lines, logs_client, run, Finished, Sandbox, Spawned};

fn callees(text: &str) -> PathBuf {
    let path = fresh_dir("callees").join("callees.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn answer(actions: Value) -> Reply {
    Reply::Answer(json!({"SchemaVersion": "1.0", "Actions": actions}))
}

fn leg<'a>(event: &'a Value, tag: &str) -> &'a Value {
    event["raw"]["CallDetails"]["Participants"]
        .as_array()
        .and_then(|legs| legs.iter().find(|leg| leg["ParticipantTag"] == tag))
        .unwrap_or(&Value::Null)
}

fn leg_a_call_id(event: &Value) -> String {
    event["CallDetails"]["Participants"][0]["CallId"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn to_of(event: &Value) -> String {
    event["CallDetails"]["Participants"][0]["To"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// `dial --wait STATE` started in the background.
fn dial(sandbox: &Sandbox, to: &str, wait: &str) -> Spawned {
    Spawned::start(sandbox.chimecall().args([
        "dial",
        "--to",
        to,
        "--wait",
        wait,
        "--timeout",
        "30s",
    ]))
}

/// Its end (failing, rather than hanging the suite, if it never comes).
fn finished(dial: Spawned) -> Finished {
    dial.finish()
}

/// Every event of the call, as `tail -o json` shows it.
fn timeline(sandbox: &Sandbox, dialed: &Finished) -> Vec<Value> {
    let tx = dialed.stdout.trim();
    assert!(!tx.is_empty(), "no TransactionId: {}", dialed.stderr);
    let out = run(sandbox.chimecall().args(["--output", "json", "tail", tx]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    json_lines(&out.stdout)
}

fn kinds(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| {
            let event = e["event"].as_str().unwrap();
            match e["action"].as_str() {
                Some(action) if event.starts_with("ACTION_") || event == "DIGITS_RECEIVED" => {
                    format!("{event} {action}")
                }
                _ => event.to_string(),
            }
        })
        .collect()
}

fn millis_between(from: &Value, to: &Value) -> i64 {
    to["timestamp_ms"].as_i64().unwrap() - from["timestamp_ms"].as_i64().unwrap()
}

const IVR_CALLEES: &str = r#"
# Callers of the IVR: each answers after a second and presses a key 5 s later (during the attempt
# after the 2 s prompt, with time to spare for a slow handler), or none.
[[callee]]
number = "+12065550111"
answer_after = "1s"
press = [{ after = "5s", digits = "1" }]

[[callee]]
number = "+12065550112"
answer_after = "1s"
press = [{ after = "5s", digits = "2" }]

[[callee]]
number = "+12065550113"
answer_after = "1s"

[[callee]]
number = "+12065550114"
answer_after = "1s"
press = [{ after = "5s", digits = "1" }]

# The agent the IVR bridges to: answers after 2 s, talks 5 s, leaves.
[[callee]]
number = "+12065550222"
answer_after = "2s"
hangup_after = "5s"

[[callee]]
number = "+12065550603"
reject = 603

[[callee]]
number = "+1206555099*"
busy = true

[[callee]]
number = "+12065550333"
answer_after = "10s"
"#;

/// "Press 1 to join, 2 to decline": 1 bridges to the agent (the ...114 caller's agent line
/// declines), 2 says goodbye; the agent leaving ends the caller's leg too.
fn ivr_handler() -> FakeLambda {
    FakeLambda::start(|event| {
        let leg_a = leg_a_call_id(event);
        let hang_up_leg_a =
            json!([{"Type": "Hangup", "Parameters": {"CallId": leg_a, "SipResponseCode": "0"}}]);
        let data = &event["ActionData"];
        match (
            event["InvocationEventType"].as_str().unwrap_or(""),
            data["Type"].as_str(),
        ) {
            ("CALL_ANSWERED", _) => answer(json!([{
                "Type": "SpeakAndGetDigits",
                "Parameters": {
                    "CallId": leg_a,
                    "SpeechParameters": {"Text": "Press 1 to join, 2 to decline.", "VoiceId": "Joanna"},
                    "FailureSpeechParameters": {"Text": "Sorry."},
                    "MinNumberOfDigits": 1,
                    "MaxNumberOfDigits": 1,
                    "TerminatorDigits": ["#"],
                    "InputDigitsRegex": "^[12]$",
                    "Repeat": 2,
                    "RepeatDurationInMilliseconds": 10000
                }
            }])),
            ("ACTION_SUCCESSFUL", Some("SpeakAndGetDigits")) if data["ReceivedDigits"] == "1" => {
                let agent = if to_of(event).ends_with("114") {
                    "+12065550603"
                } else {
                    "+12065550222"
                };
                let caller_id = &event["CallDetails"]["Participants"][0]["From"];
                answer(json!([{
                    "Type": "CallAndBridge",
                    "Parameters": {
                        "CallTimeoutSeconds": 30,
                        "CallerIdNumber": caller_id,
                        "Endpoints": [{"BridgeEndpointType": "PSTN", "Uri": agent}]
                    }
                }]))
            }
            ("ACTION_SUCCESSFUL", Some("SpeakAndGetDigits")) => answer(json!([
                {"Type": "Speak", "Parameters": {"CallId": leg_a, "Text": "Goodbye."}},
                {"Type": "Hangup", "Parameters": {"CallId": leg_a, "SipResponseCode": "0"}}
            ])),
            ("ACTION_FAILED", _) => answer(hang_up_leg_a),
            // The bridged party left: end the caller's leg, as the guide says the handler must.
            ("HANGUP", _) if data["Parameters"]["ParticipantTag"] == "LEG-B" => {
                answer(hang_up_leg_a)
            }
            _ => answer(json!([])),
        }
    })
}

/// The issue's bar: digit 1 bridges and the bridged party leaves; digit 2 and no digit behave as
/// the guide says; a bridge to a line that declines fails with CallNotAnswered.
#[test]
fn an_ivr_prompts_collects_digits_bridges_and_the_bridged_party_leaves() {
    let lambda = ivr_handler();
    let file = callees(IVR_CALLEES);
    let sandbox = Sandbox::start_with(&[
        // Call flows, not the account's quotas: calls placed as fast as the test needs.
        "--no-quotas",
        "--handler",
        &lambda.url,
        "--callees",
        file.to_str().unwrap(),
        "--time-scale",
        "10",
    ]);
    let callers = [
        "+12065550111",
        "+12065550112",
        "+12065550113",
        "+12065550114",
    ];
    let dials: Vec<Spawned> = callers
        .iter()
        .map(|to| dial(&sandbox, to, "ended"))
        .collect();
    let mut timelines = BTreeMap::new();
    for (to, child) in callers.iter().zip(dials) {
        let dialed = finished(child);
        assert_eq!(
            dialed.code, 0,
            "{to}: answered, then ended: {}",
            dialed.stderr
        );
        timelines.insert(*to, timeline(&sandbox, &dialed));
    }

    // 1: the digit, the bridge, LEG-B leaves (the seed's second event), the handler ends LEG-A.
    let joined = &timelines["+12065550111"];
    assert_eq!(
        kinds(joined),
        [
            "NEW_OUTBOUND_CALL",
            "RINGING",
            "CALL_ANSWERED",
            "ACTION_SUCCESSFUL SpeakAndGetDigits",
            "ACTION_SUCCESSFUL CallAndBridge",
            "HANGUP",
            "HANGUP"
        ]
    );
    assert_eq!(joined[3]["raw"]["ActionData"]["ReceivedDigits"], "1");
    let bridged = &joined[4];
    assert_eq!(leg(bridged, "LEG-A")["Status"], "Connected");
    let leg_b = leg(bridged, "LEG-B");
    assert_eq!(leg_b["Status"], "Connected");
    assert_eq!(leg_b["To"], "+12065550222");
    assert_eq!(
        leg_b["From"],
        sandbox.caller_id(),
        "CallerIdNumber is LEG-B's From"
    );
    assert_ne!(leg_b["CallId"], leg(bridged, "LEG-A")["CallId"]);
    let left = &joined[5];
    assert_eq!(left["raw"]["ActionData"]["Type"], "Hangup");
    assert_eq!(
        left["raw"]["ActionData"]["Parameters"]["ParticipantTag"],
        "LEG-B"
    );
    assert_eq!(
        left["raw"]["ActionData"]["Parameters"]["CallId"],
        leg_b["CallId"]
    );
    assert_eq!(leg(left, "LEG-B")["Status"], "Disconnected");
    assert_eq!(leg(left, "LEG-A")["Status"], "Connected");
    let last = &joined[6];
    assert_eq!(
        last["raw"]["ActionData"]["Parameters"]["ParticipantTag"],
        "LEG-A"
    );
    assert_eq!(leg(last, "LEG-A")["Status"], "Disconnected");
    assert_eq!(leg(last, "LEG-B")["Status"], "Disconnected");
    // The agent talked 5 s of simulated time: about half a second at time scale 10.
    let talked = millis_between(bridged, left);
    assert!((350..2500).contains(&talked), "bridged for {talked} ms");

    // 2: declined, said goodbye, hung up; nothing bridged.
    let declined = &timelines["+12065550112"];
    assert_eq!(
        kinds(declined),
        [
            "NEW_OUTBOUND_CALL",
            "RINGING",
            "CALL_ANSWERED",
            "ACTION_SUCCESSFUL SpeakAndGetDigits",
            "HANGUP"
        ]
    );
    assert_eq!(declined[3]["raw"]["ActionData"]["ReceivedDigits"], "2");
    assert_eq!(declined[4]["sip_response_code"], "0");
    assert_eq!(declined[4]["legs"].as_array().unwrap().len(), 1);

    // No digit: the prompt, 10 s, "Sorry.", the prompt again, 10 s, then InvalidDigitsReceived.
    let silent = &timelines["+12065550113"];
    assert_eq!(
        kinds(silent),
        [
            "NEW_OUTBOUND_CALL",
            "RINGING",
            "CALL_ANSWERED",
            "ACTION_FAILED SpeakAndGetDigits",
            "HANGUP"
        ]
    );
    assert_eq!(silent[3]["error_type"], "InvalidDigitsReceived");
    let waited = millis_between(&silent[2], &silent[3]);
    assert!(
        (2200..6000).contains(&waited),
        "two attempts took {waited} ms, not about 2.44 s"
    );

    // 1, but the agent line declines (603): CallNotAnswered, with LEG-A alone.
    let refused = &timelines["+12065550114"];
    assert_eq!(
        kinds(refused),
        [
            "NEW_OUTBOUND_CALL",
            "RINGING",
            "CALL_ANSWERED",
            "ACTION_SUCCESSFUL SpeakAndGetDigits",
            "ACTION_FAILED CallAndBridge",
            "HANGUP"
        ]
    );
    assert_eq!(refused[4]["error_type"], "CallNotAnswered");
    assert!(refused[4]["error_message"]
        .as_str()
        .unwrap()
        .contains("603"));
    assert_eq!(refused[4]["legs"].as_array().unwrap().len(), 1);
    // The handler was sent exactly what tail shows.
    assert_eq!(
        lambda.invocations().len(),
        timelines.values().map(Vec::len).sum::<usize>()
    );
}

/// A 603 reject and a `*`-prefix busy rule end unanswered with their codes; a callee answering
/// after 10 s answers in about 1 s at time scale 10.
#[test]
fn scripted_refusals_and_time_scale() {
    let file = callees(IVR_CALLEES);
    let sandbox = Sandbox::start_with(&[
        // Call flows, not the account's quotas: calls placed as fast as the test needs.
        "--no-quotas",
        "--callees",
        file.to_str().unwrap(),
        "--time-scale",
        "10",
    ]);
    let declines = dial(&sandbox, "+12065550603", "answered");
    let busy = dial(&sandbox, "+12065550990", "answered");
    let slow = dial(&sandbox, "+12065550333", "answered");
    for (child, code) in [(declines, "603"), (busy, "486")] {
        let dialed = finished(child);
        assert_eq!(dialed.code, 5, "never answered: {}", dialed.stderr);
        let events = timeline(&sandbox, &dialed);
        assert_eq!(kinds(&events), ["NEW_OUTBOUND_CALL", "RINGING", "HANGUP"]);
        assert_eq!(events[2]["sip_response_code"], code);
        assert_eq!(leg(&events[2], "LEG-A")["Status"], "Disconnected");
    }
    let dialed = finished(slow);
    assert_eq!(dialed.code, 0, "{}", dialed.stderr);
    let events = timeline(&sandbox, &dialed);
    assert_eq!(events[2]["event"], "CALL_ANSWERED");
    let rang = millis_between(&events[0], &events[2]);
    assert!(
        (800..2000).contains(&rang),
        "answered after {rang} ms, not about 1 s"
    );
}

/// The FilterLogEvents view of every HANGUP the sandbox's handler was sent: To -> SIP code.
fn hangup_codes(sandbox: &Sandbox, expected: usize) -> BTreeMap<String, String> {
    let client = logs_client(sandbox);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let mut codes = BTreeMap::new();
        let mut token: Option<String> = None;
        loop {
            let page = runtime
                .block_on(
                    client
                        .filter_log_events()
                        .log_group_name("/aws/lambda/chimecall-sandbox-handler")
                        .filter_pattern("\"HANGUP\"")
                        .set_next_token(token.clone())
                        .send(),
                )
                .expect("FilterLogEvents");
            for event in page.events() {
                let message = event.message().unwrap_or_default();
                let Some(start) = message.find('{') else {
                    continue;
                };
                let Ok(value) = serde_json::from_str::<Value>(&message[start..]) else {
                    continue;
                };
                if value["InvocationEventType"] == "HANGUP" {
                    let code = &value["ActionData"]["Parameters"]["SipResponseCode"];
                    codes.insert(to_of(&value), code.as_str().unwrap_or_default().to_string());
                }
            }
            match page.next_token() {
                Some(next) => token = Some(next.to_string()),
                None => break,
            }
        }
        if codes.len() >= expected || std::time::Instant::now() > deadline {
            return codes;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// 100 numbers under a 70/30 answer/busy mix, dialed in one bulk run: about 30 busy, and the
/// same ones again for the same seed.
#[test]
fn a_weighted_mix_is_about_right_and_repeats_for_a_seed() {
    let file = callees(
        r#"
[[callee]]
number = "+1206556*"
weight = 70
answer_after = "1s"
hangup_after = "1s"

[[callee]]
number = "+1206556*"
weight = 30
busy = true
"#,
    );
    let rows = fresh_dir("rows").join("rows.csv");
    let mut csv = String::from("to\n");
    for n in 0..100 {
        csv.push_str(&format!("+1206556{n:04}\n"));
    }
    std::fs::write(&rows, csv).unwrap();
    let busy_numbers = || {
        let sandbox = Sandbox::start_with(&[
            // Call flows, not the account's quotas: calls placed as fast as the test needs.
            "--no-quotas",
            "--callees",
            file.to_str().unwrap(),
            "--time-scale",
            "1000",
            "--seed",
            "7",
        ]);
        let bulk = run(sandbox.chimecall().args([
            "--output",
            "json",
            "dial",
            "--file",
            rows.to_str().unwrap(),
            "--rate",
            "0",
        ]));
        assert_eq!(bulk.code, 0, "{}", bulk.stderr);
        let codes = hangup_codes(&sandbox, 100);
        assert_eq!(codes.len(), 100, "every call ended: {codes:?}");
        // The callee who hung up carries no SIP code (the guide's "Ending a call"); busy, 486.
        assert!(
            codes.values().all(|code| code.is_empty() || code == "486"),
            "{codes:?}"
        );
        codes
            .into_iter()
            .filter(|(_, code)| code == "486")
            .map(|(to, _)| to)
            .collect::<Vec<_>>()
    };
    let first = busy_numbers();
    assert!(
        (18..=42).contains(&first.len()),
        "{} of 100 busy",
        first.len()
    );
    assert_eq!(
        first,
        busy_numbers(),
        "the same seed, the same busy numbers"
    );
}

/// Keys reach only what listens: ReceiveDigits sends DIGITS_RECEIVED (and an update-like
/// answer interrupts the Pause), a key during a prompt barges in, a key while nothing listens is
/// discarded.
#[test]
fn keys_reach_only_the_actions_that_listen() {
    let lambda = FakeLambda::start(|event| {
        let to = to_of(event);
        let menu = |text: &str| {
            json!({"Type": "SpeakAndGetDigits", "Parameters": {
                "SpeechParameters": {"Text": text},
                "MaxNumberOfDigits": 1,
                "RepeatDurationInMilliseconds": 1000
            }})
        };
        match event["InvocationEventType"].as_str().unwrap_or("") {
            "CALL_ANSWERED" if to.ends_with("131") => answer(json!([
                {"Type": "ReceiveDigits", "Parameters": {
                    "InputDigitsRegex": r"^\*\d$",
                    "InBetweenDigitsDurationInMilliseconds": 1000,
                    "FlushDigitsDurationInMilliseconds": 5000
                }},
                {"Type": "Pause", "Parameters": {"DurationInMilliseconds": 60000}}
            ])),
            // Ten seconds of prompt; the key comes after five.
            "CALL_ANSWERED" if to.ends_with("132") => {
                answer(json!([menu(&"Please press a key. ".repeat(8)[..150])]))
            }
            // The key comes during the Pause, before the menu listens.
            "CALL_ANSWERED" => answer(json!([
                {"Type": "Pause", "Parameters": {"DurationInMilliseconds": 3000}},
                menu("Press a key.")
            ])),
            "DIGITS_RECEIVED" | "ACTION_SUCCESSFUL" | "ACTION_FAILED" => {
                answer(json!([{"Type": "Hangup", "Parameters": {"SipResponseCode": "0"}}]))
            }
            _ => answer(json!([])),
        }
    });
    let file = callees(
        r#"
[[callee]]
number = "+12065550131"
answer_after = "1s"
press = [{ after = "5s", digits = "*5" }]

[[callee]]
number = "+12065550132"
answer_after = "1s"
press = [{ after = "5s", digits = "1" }]

[[callee]]
number = "+12065550133"
answer_after = "1s"
press = [{ after = "1s", digits = "1" }]
"#,
    );
    let sandbox = Sandbox::start_with(&[
        // Call flows, not the account's quotas: calls placed as fast as the test needs.
        "--no-quotas",
        "--handler",
        &lambda.url,
        "--callees",
        file.to_str().unwrap(),
        "--time-scale",
        "10",
    ]);
    let numbers = ["+12065550131", "+12065550132", "+12065550133"];
    let dials: Vec<Spawned> = numbers
        .iter()
        .map(|to| dial(&sandbox, to, "ended"))
        .collect();
    let timelines: Vec<Vec<Value>> = dials
        .into_iter()
        .map(|child| {
            let dialed = finished(child);
            assert_eq!(dialed.code, 0, "{}", dialed.stderr);
            timeline(&sandbox, &dialed)
        })
        .collect();

    let listened = &timelines[0];
    assert_eq!(
        kinds(listened),
        [
            "NEW_OUTBOUND_CALL",
            "RINGING",
            "CALL_ANSWERED",
            "DIGITS_RECEIVED ReceiveDigits",
            "ACTION_INTERRUPTED Pause",
            "HANGUP"
        ]
    );
    assert_eq!(listened[3]["raw"]["ActionData"]["ReceivedDigits"], "*5");

    let barged = &timelines[1];
    assert_eq!(barged[3]["event"], "ACTION_SUCCESSFUL");
    assert_eq!(barged[3]["raw"]["ActionData"]["ReceivedDigits"], "1");
    let took = millis_between(&barged[2], &barged[3]);
    assert!(
        took < 950,
        "the key stopped the 10 s prompt (1 s here) after {took} ms"
    );

    let unheard = &timelines[2];
    assert_eq!(unheard[3]["event"], "ACTION_FAILED", "{:?}", kinds(unheard));
    assert_eq!(unheard[3]["error_type"], "InvalidDigitsReceived");
}

/// A Hangup of LEG-B ends only LEG-B, SendDigits reaches the callee, and a leg left hanging is
/// reported: at the maximum call duration, and when the sandbox stops.
#[test]
fn a_leg_left_hanging_is_reported() {
    let lambda = FakeLambda::start(|event| {
        let to = to_of(event);
        let data = &event["ActionData"];
        match (
            event["InvocationEventType"].as_str().unwrap_or(""),
            data["Type"].as_str(),
        ) {
            ("CALL_ANSWERED", _) => answer(json!([{"Type": "CallAndBridge", "Parameters": {
                "CallerIdNumber": event["CallDetails"]["Participants"][0]["From"],
                "Endpoints": [{"BridgeEndpointType": "PSTN", "Uri": "+12065550444"}]
            }}])),
            ("ACTION_SUCCESSFUL", Some("CallAndBridge")) if to.ends_with("121") => answer(json!([
                {"Type": "SendDigits", "Parameters": {"ParticipantTag": "LEG-B", "Digits": "1234", "ToneDurationInMilliseconds": 100}},
                {"Type": "Hangup", "Parameters": {"ParticipantTag": "LEG-B", "SipResponseCode": "0"}}
            ])),
            ("ACTION_SUCCESSFUL", Some("CallAndBridge")) => answer(json!([
                {"Type": "Hangup", "Parameters": {"ParticipantTag": "LEG-A", "SipResponseCode": "0"}}
            ])),
            // Leaves the other leg up: the mistake the guide warns about.
            _ => answer(json!([])),
        }
    });
    let file = callees("[[callee]]\nnumber = \"+12065550444\"\nanswer_after = \"1s\"\n");
    let stderr = fresh_dir("sandbox").join("stderr.log");
    let sandbox = Sandbox::start_logging_to(
        &[
            "--handler",
            &lambda.url,
            "--callees",
            file.to_str().unwrap(),
            "--time-scale",
            "10",
            "--max-call-duration",
            "30s",
        ],
        &stderr,
    );
    // LEG-B hung up by the handler; LEG-A stays until the maximum duration (3 s here).
    let dialed = finished(dial(&sandbox, "+12065550121", "ended"));
    assert_eq!(dialed.code, 0, "{}", dialed.stderr);
    let events = timeline(&sandbox, &dialed);
    assert_eq!(
        kinds(&events),
        [
            "NEW_OUTBOUND_CALL",
            "RINGING",
            "CALL_ANSWERED",
            "ACTION_SUCCESSFUL CallAndBridge",
            "HANGUP",
            "HANGUP"
        ]
    );
    let leg_b_gone = &events[4];
    assert_eq!(
        leg_b_gone["raw"]["ActionData"]["Parameters"]["ParticipantTag"],
        "LEG-B"
    );
    assert_eq!(leg(leg_b_gone, "LEG-A")["Status"], "Connected");
    assert_eq!(leg(leg_b_gone, "LEG-B")["Status"], "Disconnected");
    let ended = millis_between(&events[2], &events[5]);
    assert!(
        (2500..6000).contains(&ended),
        "LEG-A lasted {ended} ms, not the 3 s maximum"
    );

    // LEG-A hung up; LEG-B is left when the sandbox stops.
    let dialed = finished(dial(&sandbox, "+12065550122", "ended"));
    assert_eq!(dialed.code, 0, "{}", dialed.stderr);
    let events = timeline(&sandbox, &dialed);
    let last = events.last().unwrap();
    assert_eq!(leg(last, "LEG-A")["Status"], "Disconnected");
    assert_eq!(leg(last, "LEG-B")["Status"], "Connected");
    sandbox.stop();

    let log = std::fs::read_to_string(&stderr).unwrap();
    assert!(
        log.contains("digits=1234"),
        "SendDigits is recorded for the callee:\n{log}"
    );
    assert!(
        log.contains("left connected until the maximum call duration") && log.contains("LEG-A"),
        "{log}"
    );
    assert!(
        log.contains("LEG-B to +12065550444 was left connected when the sandbox stopped"),
        "{log}"
    );
}

#[test]
fn a_bad_callee_file_is_refused_naming_the_file_line_and_key() {
    let file = callees("[[callee]]\nnumber = \"+12065550111\"\nbusy = true\npress = [{ after = \"1s\", digits = \"1\" }]\n");
    let out =
        run(crate::support::chimecall().args(["sandbox", "--callees", file.to_str().unwrap()]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    let expected = format!(
        "{}: line 4: press: a busy callee never answers",
        file.display()
    );
    assert!(out.stderr.contains(&expected), "{}", out.stderr);
    let out = run(crate::support::chimecall().args(["sandbox", "--time-scale", "0"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--time-scale"), "{}", out.stderr);
}
