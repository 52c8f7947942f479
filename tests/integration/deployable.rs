//! The handler to deploy at AWS (`deploy/`): the template carries the very code the tests run,
//! and that code, served through the Lambda Invoke API as `sam local start-lambda` would serve
//! it, runs issue 16's call-out against the sandbox: the message spoken with its prompt, the
//! key, the confirmation, the goodbye, and the dispositions chimecall learns from it.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::support::{
    fresh_dir, json_lines, path_str, put_log_lines, repo_root, run, DeployableHandler, Sandbox,
};

/// The text of the template's `ZipFile: |` block, unindented.
fn inline_code(template: &str) -> String {
    let lines: Vec<&str> = template.lines().collect();
    let start = lines
        .iter()
        .position(|line| line.trim() == "ZipFile: |")
        .expect("the template has a ZipFile: | block")
        + 1;
    let indent = lines[start].len() - lines[start].trim_start().len();
    let mut code = Vec::new();
    for line in &lines[start..] {
        if line.trim().is_empty() {
            code.push("");
        } else if line.len() - line.trim_start().len() >= indent {
            code.push(&line[indent..]);
        } else {
            break;
        }
    }
    while code.last() == Some(&"") {
        code.pop();
    }
    code.join("\n") + "\n"
}

#[test]
fn the_template_deploys_the_code_the_tests_run() {
    let deploy = repo_root().join("deploy");
    let template = std::fs::read_to_string(deploy.join("template.yaml")).unwrap();
    let handler = std::fs::read_to_string(deploy.join("handler.py")).unwrap();
    assert!(
        inline_code(&template) == handler,
        "deploy/template.yaml's inline code differs from deploy/handler.py: \
         run `python3 deploy/sync_template.py`"
    );
    let check = run(crate::support::hermetic_command("python3")
        .arg(deploy.join("sync_template.py"))
        .arg("--check"));
    assert_eq!(check.code, 0, "{}", check.stderr);
}

/// A presses 1, B presses 2 and then nothing, C answers and presses nothing, D is busy.
const CALLEES: &str = r#"
[[callee]]
number = "+13125557001"
answer_after = "1s"
press = [{ after = "2s", digits = "1" }]

[[callee]]
number = "+13125557002"
answer_after = "1s"
press = [{ after = "2s", digits = "2" }]

[[callee]]
number = "+13125557003"
answer_after = "1s"

[[callee]]
number = "+13125557004"
busy = true
"#;

const ROWS: [(&str, &str, &str); 4] = [
    ("A", "+13125557001", "INC-42 for A: payments database down."),
    ("B", "+13125557002", "INC-42 for B: payments database down."),
    ("C", "+13125557003", "INC-42 for C: payments database down."),
    ("D", "+13125557004", "INC-42 for D: payments database down."),
];

/// What the handler answered, as (action type, its spoken text or "") pairs.
fn spoken(answer: &Value) -> Vec<(String, String)> {
    answer["Actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|action| {
            let parameters = &action["Parameters"];
            let text = parameters["SpeechParameters"]["Text"]
                .as_str()
                .or(parameters["Text"].as_str())
                .unwrap_or_default();
            (
                action["Type"].as_str().unwrap().to_string(),
                text.to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Issue 16's bar, through the deployable handler behind the Lambda Invoke API.
#[test]
fn the_call_out_runs_through_the_deployable_handler() {
    let handler = DeployableHandler::start();
    let callees = fresh_dir("callees").join("callees.toml");
    std::fs::write(&callees, CALLEES).unwrap();
    let sandbox = Sandbox::start_with(&handler.sandbox_args(&[
        "--callees",
        path_str(&callees),
        "--time-scale",
        "10",
    ]));
    let file = fresh_dir("rows").join("oncall.csv");
    let mut csv = String::from("to,id,say\n");
    for (id, to, text) in ROWS {
        csv.push_str(&format!("{to},{id},{text}\n"));
    }
    std::fs::write(&file, csv).unwrap();

    let out = run(sandbox.chimecall().args([
        "-o",
        "json",
        "dial",
        "--file",
        path_str(&file),
        "--wait",
        "ended",
        "--ack",
        "1",
    ]));
    let shown = format!("stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
    assert_eq!(out.code, 5, "B, C and D did not succeed: {shown}");
    let ends: BTreeMap<String, Value> = json_lines(&out.stdout)
        .into_iter()
        .filter(|record| record.get("disposition").is_some())
        .map(|end| (end["row"].as_str().unwrap().to_string(), end))
        .collect();
    assert_eq!(ends.len(), 4, "{shown}");
    assert_eq!(ends["A"]["disposition"], "acknowledged", "{shown}");
    assert_eq!(ends["A"]["digits"], "1", "{shown}");
    assert_eq!(ends["B"]["disposition"], "unacknowledged", "{shown}");
    assert_eq!(ends["C"]["disposition"], "unacknowledged", "{shown}");
    assert_eq!(ends["D"]["disposition"], "busy", "{shown}");

    // What the handler itself logged: each row's text in the prompt, then the outcome.
    let prompt = |text: &str| format!("{text} Press 1 to acknowledge.");
    for (id, _, text) in ROWS {
        let tx = ends[id]["transaction_id"].as_str().unwrap();
        let exchanges = handler.exchanges_of(tx);
        let kinds: Vec<&str> = exchanges
            .iter()
            .map(|(event, _)| event["InvocationEventType"].as_str().unwrap())
            .collect();
        let (first, kept) = &exchanges[0];
        assert_eq!(first["InvocationEventType"], "NEW_OUTBOUND_CALL");
        assert_eq!(
            kept["TransactionAttributes"],
            json!({"chimecall-say": text, "chimecall-ack": "1"}),
            "{id}"
        );
        let answers: Vec<(&str, Vec<(String, String)>)> = exchanges
            .iter()
            .map(|(event, answer)| {
                (
                    event["InvocationEventType"].as_str().unwrap(),
                    spoken(answer),
                )
            })
            .filter(|(_, actions)| !actions.is_empty())
            .collect();
        let expected = match id {
            "A" => vec![
                (
                    "CALL_ANSWERED",
                    pairs(&[("SpeakAndGetDigits", &prompt(text))]),
                ),
                (
                    "ACTION_SUCCESSFUL",
                    pairs(&[("Speak", "Acknowledged. Thank you."), ("Hangup", "")]),
                ),
            ],
            "B" | "C" => vec![
                (
                    "CALL_ANSWERED",
                    pairs(&[("SpeakAndGetDigits", &prompt(text))]),
                ),
                (
                    "ACTION_FAILED",
                    pairs(&[
                        ("Speak", "No acknowledgement received. Goodbye."),
                        ("Hangup", ""),
                    ]),
                ),
            ],
            _ => vec![],
        };
        assert_eq!(answers, expected, "{id}: events {kinds:?}");
        assert_eq!(kinds.last(), Some(&"HANGUP"), "{id}: {kinds:?}");
    }
    let (_, prompt_answer) = handler
        .exchanges_of(ends["A"]["transaction_id"].as_str().unwrap())
        .into_iter()
        .find(|(event, _)| event["InvocationEventType"] == "CALL_ANSWERED")
        .unwrap();
    let parameters = &prompt_answer["Actions"][0]["Parameters"];
    assert_eq!(parameters["InputDigitsRegex"], "^1$");
    assert_eq!(parameters["Repeat"], 3);
    assert_eq!(
        parameters["FailureSpeechParameters"]["Text"],
        "That was not 1. Press 1 to acknowledge."
    );

    // `chimecall tail` reads the handler's own log lines, as CloudWatch Logs would hold them.
    let tx = ends["A"]["transaction_id"].as_str().unwrap();
    let own_group = "/aws/lambda/chimecall-callout-own-log";
    put_log_lines(&sandbox, own_group, &handler.log_lines());
    let tail = run(sandbox
        .chimecall()
        .args(["-o", "json", "tail", tx, "--log-group", own_group]));
    assert_eq!(tail.code, 0, "{}", tail.stderr);
    let events: Vec<String> = json_lines(&tail.stdout)
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        events,
        [
            "NEW_OUTBOUND_CALL",
            "RINGING",
            "CALL_ANSWERED",
            "ACTION_SUCCESSFUL",
            "HANGUP"
        ],
        "{}",
        tail.stdout
    );
}

fn event(kind: &str, action_data: Value, attributes: Value) -> Value {
    json!({
        "SchemaVersion": "1.0", "Sequence": 3, "InvocationEventType": kind,
        "ActionData": action_data,
        "CallDetails": {
            "TransactionId": "tx-1", "AwsAccountId": "111122223333", "AwsRegion": "us-east-1",
            "SipMediaApplicationId": "sma-1", "TransactionAttributes": attributes,
            "Participants": [{"CallId": "leg-a-id", "ParticipantTag": "LEG-A", "To": "+12065550123",
                "From": "+12065550100", "Direction": "Outbound", "Status": "Connected"}]
        }
    })
}

/// The flow's edges, one invocation at a time: SSML, the `*` key, no key, no message, the hangup
/// convention, a failure that is not the prompt's; and the runner's own errors.
#[test]
fn the_deployable_handler_answers_each_event_of_the_flow() {
    let handler = DeployableHandler::start();
    let answer = |event: &Value| {
        let (status, error, payload) = handler.invoke(&handler.function_name, event);
        assert_eq!((status, error), (200, None), "{payload}");
        payload
    };
    let no_actions = json!({"SchemaVersion": "1.0", "Actions": []});
    let hangup = json!({"Type": "Hangup", "Parameters": {"SipResponseCode": "0", "ParticipantTag": "LEG-A"}});
    let voice = |mut parameters: Value| {
        parameters["LanguageCode"] = json!("en-US");
        parameters["VoiceId"] = json!("Joanna");
        parameters["Engine"] = json!("neural");
        parameters
    };

    let arguments = json!({"chimecall-say": "<speak>INC-7</speak>", "chimecall-say-type": "ssml",
        "chimecall-ack": "*", "chimecall-request-id": "r-1", "ticket": "INC-7"});
    let new_call = event(
        "NEW_OUTBOUND_CALL",
        json!({"Type": "CallCreateRequest", "Parameters": {"Arguments": arguments}}),
        json!({}),
    );
    let kept = json!({"chimecall-say": "<speak>INC-7</speak>", "chimecall-say-type": "ssml",
        "chimecall-ack": "*"});
    assert_eq!(
        answer(&new_call),
        json!({"SchemaVersion": "1.0", "Actions": [], "TransactionAttributes": kept})
    );
    let plain = event(
        "NEW_OUTBOUND_CALL",
        json!({"Type": "CallCreateRequest", "Parameters": {"Arguments": {"ticket": "1"}}}),
        json!({}),
    );
    assert_eq!(answer(&plain), no_actions);
    assert_eq!(
        answer(&event("RINGING", json!(null), kept.clone())),
        no_actions
    );

    let prompt = answer(&event("CALL_ANSWERED", json!(null), kept.clone()));
    let parameters = &prompt["Actions"][0]["Parameters"];
    assert_eq!(prompt["Actions"][0]["Type"], "SpeakAndGetDigits");
    assert_eq!(parameters["CallId"], "leg-a-id");
    assert_eq!(
        parameters["SpeechParameters"],
        voice(json!({"Text": "<speak>INC-7 Press * to acknowledge.</speak>", "TextType": "ssml"}))
    );
    assert_eq!(
        parameters["FailureSpeechParameters"],
        json!({"Text": "That was not *. Press * to acknowledge.", "TextType": "text"})
    );
    assert_eq!(parameters["InputDigitsRegex"], r"^\*$");
    for (name, value) in [
        ("MinNumberOfDigits", 1),
        ("MaxNumberOfDigits", 1),
        ("Repeat", 3),
        ("RepeatDurationInMilliseconds", 10000),
        ("InBetweenDigitsDurationInMilliseconds", 3000),
    ] {
        assert_eq!(parameters[name], value, "{name}");
    }
    assert!(parameters.get("TerminatorDigits").is_none());

    let hash = json!({"chimecall-say": "INC-8", "chimecall-ack": "#"});
    let prompt = answer(&event("CALL_ANSWERED", json!(null), hash.clone()));
    assert_eq!(
        prompt["Actions"][0]["Parameters"]["InputDigitsRegex"],
        "^#$"
    );
    assert_eq!(
        prompt["Actions"][0]["Parameters"]["SpeechParameters"]["Text"],
        "INC-8 Press # to acknowledge."
    );
    let spoken_only = answer(&event(
        "CALL_ANSWERED",
        json!(null),
        json!({"chimecall-say": "INC-9"}),
    ));
    assert_eq!(
        spoken_only["Actions"],
        json!([{"Type": "Speak", "Parameters": voice(json!({"CallId": "leg-a-id", "Text": "INC-9", "TextType": "text"}))}, hangup])
    );
    assert_eq!(
        answer(&event("CALL_ANSWERED", json!(null), json!({}))),
        no_actions
    );

    let prompt_data = |extra: Value| {
        let mut data = json!({"Type": "SpeakAndGetDigits", "Parameters": {"CallId": "leg-a-id"}});
        for (key, value) in extra.as_object().unwrap() {
            data[key] = value.clone();
        }
        data
    };
    let confirm = answer(&event(
        "ACTION_SUCCESSFUL",
        prompt_data(json!({"ReceivedDigits": "#"})),
        hash.clone(),
    ));
    assert_eq!(
        confirm["Actions"],
        json!([{"Type": "Speak", "Parameters": voice(json!({"CallId": "leg-a-id", "Text": "Acknowledged. Thank you.", "TextType": "text"}))}, hangup])
    );
    let speak_done = json!({"Type": "Speak", "Parameters": {"CallId": "leg-a-id"}});
    assert_eq!(
        answer(&event("ACTION_SUCCESSFUL", speak_done, hash.clone())),
        no_actions
    );
    let goodbye = answer(&event(
        "ACTION_FAILED",
        prompt_data(json!({"ErrorType": "InvalidDigitsReceived", "ErrorMessage": "no"})),
        hash.clone(),
    ));
    assert_eq!(
        goodbye["Actions"][0]["Parameters"]["Text"],
        "No acknowledgement received. Goodbye."
    );
    assert_eq!(goodbye["Actions"][1], hangup);
    let failed = answer(&event(
        "ACTION_FAILED",
        prompt_data(json!({"ErrorType": "SystemException", "ErrorMessage": "no"})),
        hash.clone(),
    ));
    assert_eq!(failed["Actions"], json!([hangup]));

    let update = |arguments: Value| {
        event(
            "CALL_UPDATE_REQUESTED",
            json!({"Type": "CallUpdateRequest", "Parameters": {"Arguments": arguments}}),
            json!({}),
        )
    };
    assert_eq!(
        answer(&update(json!({"action": "hangup"})))["Actions"],
        json!([hangup])
    );
    assert_eq!(answer(&update(json!({"action": "play"}))), no_actions);
    assert_eq!(answer(&event("HANGUP", json!(null), hash)), no_actions);

    // Every event was logged as one `Request: ` line.
    let requests = handler
        .log_lines()
        .iter()
        .filter(|line| line.starts_with("Request: {"))
        .count();
    assert_eq!(requests, handler.exchanges().len());

    // The runner: another function is not found; a function that raises is a function error.
    let (status, _, _) = handler.invoke("another-function", &new_call);
    assert_eq!(status, 404);
    let (status, error, payload) = handler.invoke(&handler.function_name, &json!([]));
    assert_eq!(
        (status, error.as_deref()),
        (200, Some("Unhandled")),
        "{payload}"
    );
    assert_eq!(payload["errorType"], "AttributeError");
}
