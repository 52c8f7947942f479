//! Call state: the sandbox's call lifecycle as its handler sees it, read back through CloudWatch
//! Logs by `tail`, `dial --wait` and `hangup --wait`.

use std::process::Stdio;
use std::time::Duration;

use serde_json::{json, Value};

use crate::support::fake_lambda::{FakeLambda, Reply};
use crate::support::{json_lines, put_log_lines, run, Sandbox, Spawned, Stream};

fn events_of(stdout: &str) -> Vec<(u64, String)> {
    json_lines(stdout)
        .iter()
        .map(|e| {
            (
                e["sequence"].as_u64().unwrap(),
                e["event"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn tail_json(sandbox: &Sandbox, tx: &str) -> Vec<Value> {
    let out = run(sandbox.chimecall().args(["--output", "json", "tail", tx]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    json_lines(&out.stdout)
}

/// The bar: dial --wait answered, a tail --follow beside it, hangup --wait.
#[test]
fn a_whole_call_is_seen_in_order() {
    let sandbox = Sandbox::start_with(&["--answer-after", "300ms"]);
    let dial =
        run(sandbox
            .chimecall()
            .args(["dial", "--to", "+12065550123", "--wait", "answered"]));
    assert_eq!(dial.code, 0, "{}", dial.stderr);
    let tx = dial.stdout.trim().to_string();
    assert_eq!(
        dial.stdout.lines().count(),
        1,
        "stdout is the TransactionId alone"
    );

    // The tail is reading the call once it has printed its answer; then the hangup.
    let mut tail = Spawned::start(
        sandbox
            .chimecall()
            .args(["--output", "json", "tail", "--follow", &tx]),
    );
    tail.wait_for_line(Stream::Stdout, "the answer", |line| {
        line.contains("CALL_ANSWERED")
    });
    let hangup = run(sandbox.chimecall().args(["hangup", "--wait", &tx]));
    assert_eq!(hangup.code, 0, "{}", hangup.stderr);
    assert!(
        hangup.stderr.contains("HANGUP confirmed"),
        "{}",
        hangup.stderr
    );

    let tail = tail.finish();
    let stdout = tail.stdout;
    assert_eq!(tail.code, 0, "{}", tail.stderr);
    assert_eq!(
        events_of(&stdout),
        [
            (1, "NEW_OUTBOUND_CALL".to_string()),
            (2, "RINGING".to_string()),
            (3, "CALL_ANSWERED".to_string()),
            (4, "CALL_UPDATE_REQUESTED".to_string()),
            (5, "HANGUP".to_string()),
        ]
    );
    let events = json_lines(&stdout);
    for event in &events {
        assert_eq!(event["transaction_id"], tx.as_str());
        assert!(event["timestamp"].as_str().unwrap().ends_with('Z'));
        assert_eq!(event["raw"]["CallDetails"]["TransactionId"], tx.as_str());
        let leg = &event["raw"]["CallDetails"]["Participants"][0];
        assert_eq!(leg["Direction"], "Outbound");
        assert!(leg["StartTimeInMilliseconds"].is_string());
    }
    assert_eq!(
        events[2]["raw"]["CallDetails"]["Participants"][0]["Status"],
        "Connected"
    );
    assert_eq!(
        events[3]["raw"]["ActionData"]["Parameters"]["Arguments"]["action"],
        "hangup"
    );
    assert_eq!(events[4]["raw"]["ActionData"]["Type"], "Hangup");
    assert_eq!(
        events[4]["raw"]["ActionData"]["Parameters"]["ParticipantTag"],
        "LEG-A"
    );
    assert_eq!(
        events[4]["raw"]["CallDetails"]["Participants"][0]["Status"],
        "Disconnected"
    );

    // The ended call: another hangup finds it gone (not an error, not on stdout), and the same
    // timeline without --follow, ended by its one-line summary.
    let again = run(sandbox.chimecall().args(["hangup", &tx]));
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(again.stdout.is_empty(), "{}", again.stdout);
    assert!(again.stderr.contains("already ended"), "{}", again.stderr);
    let text = run(sandbox.chimecall().args(["tail", &tx]));
    assert_eq!(text.code, 0);
    assert_eq!(text.stdout.lines().count(), 6, "{}", text.stdout);
    let summary = text.stdout.lines().last().unwrap();
    assert!(
        summary.starts_with("answered after ") && summary.ends_with("ended by the operator"),
        "{summary}"
    );
    assert!(text.stdout.contains("CALL_ANSWERED"));
}

#[test]
fn create_arguments_reach_the_handler() {
    let sandbox = Sandbox::start_with(&["--answer-after", "100ms"]);
    let dial = run(sandbox.chimecall().args([
        "dial",
        "--to",
        "+12065550123",
        "--arg",
        "ticket=INC-7",
        "--sip-header",
        "X-Ticket=INC-7",
        "--wait",
        "answered",
    ]));
    assert_eq!(dial.code, 0, "{}", dial.stderr);
    let events = tail_json(&sandbox, dial.stdout.trim());
    let created = &events[0]["raw"];
    assert_eq!(created["InvocationEventType"], "NEW_OUTBOUND_CALL");
    assert_eq!(created["ActionData"]["Type"], "CallCreateRequest");
    assert_eq!(
        created["ActionData"]["Parameters"]["Arguments"]["ticket"],
        "INC-7"
    );
    assert_eq!(
        created["CallDetails"]["Participants"][0]["SipHeaders"]["X-Ticket"],
        "INC-7"
    );
}

#[test]
fn a_busy_number_ends_unanswered_with_486() {
    let sandbox = Sandbox::start();
    let dial =
        run(sandbox
            .chimecall()
            .args(["dial", "--to", "+12065550486", "--wait", "answered"]));
    assert_eq!(dial.code, 5, "{}", dial.stderr);
    assert!(dial.stderr.contains("486"), "{}", dial.stderr);
    let tx = dial.stdout.trim();
    let events = tail_json(&sandbox, tx);
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["NEW_OUTBOUND_CALL", "RINGING", "HANGUP"]);
    assert_eq!(events[2]["sip_response_code"], "486");
}

#[test]
fn a_never_answered_call_times_out_then_rings_out_with_480() {
    let sandbox = Sandbox::start_with(&["--ring-timeout", "1500ms"]);
    let dial = run(sandbox.chimecall().args([
        "dial",
        "--to",
        "+12065550480",
        "--wait",
        "answered",
        "--timeout",
        "1s",
    ]));
    assert_eq!(dial.code, 6, "{}", dial.stderr);
    let tx = dial.stdout.trim().to_string();
    // The ring timeout ends it: tail --follow sees the HANGUP 480 and exits 5 (never answered).
    let follow = run(sandbox.chimecall().args(["tail", "--follow", &tx]));
    assert_eq!(follow.code, 5, "{}", follow.stderr);
    assert!(follow.stdout.contains("sip=480"), "{}", follow.stdout);
}

#[test]
fn a_callee_who_hangs_up_ends_the_call() {
    let sandbox = Sandbox::start_with(&["--answer-after", "100ms"]);
    let dial = run(sandbox.chimecall().args([
        "--output",
        "json",
        "dial",
        "--to",
        "+12065550487",
        "--wait",
        "ended",
    ]));
    assert_eq!(dial.code, 0, "{}", dial.stderr);
    let result: Value = serde_json::from_str(dial.stdout.trim()).unwrap();
    assert_eq!(result["answered"], true);
    assert_eq!(result["disposition"], "answered", "{result}");
    assert!(result["duration_ms"].as_i64().unwrap() >= 900, "{result}");
    assert!(
        result["state"].as_str().unwrap().starts_with("ended"),
        "{result}"
    );
    // The callee ended it: a hangup now finds it gone.
    let hangup = run(sandbox.chimecall().args([
        "-o",
        "json",
        "hangup",
        result["transaction_id"].as_str().unwrap(),
    ]));
    assert_eq!(hangup.code, 0, "{}", hangup.stderr);
    assert_eq!(json_lines(&hangup.stdout)[0]["result"], "gone");
}

#[test]
fn max_call_duration_ends_a_call() {
    let sandbox = Sandbox::start_with(&["--answer-after", "50ms", "--max-call-duration", "500ms"]);
    let dial = run(sandbox.chimecall().args([
        "dial",
        "--to",
        "+12065550123",
        "--wait",
        "ended",
        "--timeout",
        "10s",
    ]));
    assert_eq!(dial.code, 0, "{}", dial.stderr);
}

#[test]
fn tail_follow_is_interrupted_with_130() {
    let sandbox = Sandbox::start_with(&["--answer-after", "50ms"]);
    let dial = run(sandbox.chimecall().args(["dial", "--to", "+12065550123"]));
    let tx = dial.stdout.trim().to_string();
    let mut tail = Spawned::start(sandbox.chimecall().args(["tail", "--follow", &tx]));
    // Interrupted once it has shown the call answered: it is following, and has more to wait for.
    tail.wait_for_line(Stream::Stdout, "the answer", |line| {
        line.contains("CALL_ANSWERED")
    });
    tail.signal("INT");
    let out = tail.finish();
    assert_eq!(out.code, 130, "{}", out.stderr);
    assert!(out.stdout.contains("CALL_ANSWERED"));
}

/// Events written with PutLogEvents the way real handlers log them are all read; lines that hold
/// no event are skipped; the seed document's two HANGUP events parse verbatim.
#[test]
fn tail_reads_the_formats_real_handlers_log() {
    let sandbox = Sandbox::start();
    let tx = "5f0e3a2c-1111-4222-8333-444455556666";
    let event = |sequence: u64, kind: &str, status: &str| {
        json!({
            "SchemaVersion": "1.0", "Sequence": sequence, "InvocationEventType": kind,
            "CallDetails": {
                "TransactionId": tx, "AwsAccountId": "111122223333", "AwsRegion": "us-east-1",
                "SipMediaApplicationId": "sma",
                "Participants": [{"CallId": "c1", "ParticipantTag": "LEG-A", "To": "+12065550123",
                    "From": "+12065550100", "Direction": "Outbound",
                    "StartTimeInMilliseconds": "1700000000000", "Status": status}]
            }
        })
    };
    let lines = vec![
        format!("START RequestId: r1 Version: $LATEST"),
        // Node.js runtime, the guide's `console.log('Request: ' + JSON.stringify(event))`.
        format!("2026-11-29T19:00:00.000Z\tr1\tINFO\tRequest: {}", event(1, "NEW_OUTBOUND_CALL", "Connected")),
        // Python Powertools structured log.
        json!({"level": "INFO", "message": event(2, "RINGING", "Connected"), "timestamp": "2026-11-29 19:00:00,100"}).to_string(),
        // The event as a JSON string inside a structured log.
        json!({"level": "INFO", "event": event(3, "CALL_ANSWERED", "Connected").to_string()}).to_string(),
        // Bare JSON.
        event(4, "HANGUP", "Disconnected").to_string(),
        format!("2026-11-29T19:00:01.000Z\tr1\tINFO\tResponse: {}", json!({"SchemaVersion": "1.0", "Actions": []})),
        format!("END RequestId: r1 ({tx})"),
    ];
    put_log_lines(&sandbox, "/aws/lambda/my-handler", &lines);
    let out = run(sandbox.chimecall().args([
        "--output",
        "json",
        "tail",
        tx,
        "--log-group",
        "/aws/lambda/my-handler",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        events_of(&out.stdout),
        [
            (1, "NEW_OUTBOUND_CALL".to_string()),
            (2, "RINGING".to_string()),
            (3, "CALL_ANSWERED".to_string()),
            (4, "HANGUP".to_string()),
        ]
    );
    let follow = run(sandbox.chimecall().args([
        "tail",
        "--follow",
        tx,
        "--log-group",
        "/aws/lambda/my-handler",
    ]));
    assert_eq!(follow.code, 0, "{}", follow.stderr);

    // The seed document's events, verbatim.
    let seed = std::fs::read_to_string(
        crate::support::repo_root().join("../shared/seed/ending-a-call.txt"),
    )
    .or_else(|_| std::fs::read_to_string("/work/shared/seed/ending-a-call.txt"))
    .expect("the seed document");
    let start = seed.find("{ \"SchemaVersion\"").expect("first event");
    let (first, rest) = seed[start..].split_once(" // ").expect("two events");
    let second_start = rest.find('{').unwrap();
    let second = rest[second_start..].trim_end();
    put_log_lines(
        &sandbox,
        "/aws/lambda/seed",
        &[first.to_string(), format!("Request: {second}")],
    );
    let out = run(sandbox.chimecall().args([
        "--output",
        "json",
        "tail",
        "transaction-id",
        "--log-group",
        "/aws/lambda/seed",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let events = json_lines(&out.stdout);
    assert_eq!(events.len(), 2, "{}", out.stdout);
    assert!(events
        .iter()
        .all(|e| e["event"] == "HANGUP" && e["sma_id"] == "sip-application-id"));
    let follow = run(sandbox.chimecall().args([
        "tail",
        "--follow",
        "transaction-id",
        "--log-group",
        "/aws/lambda/seed",
    ]));
    assert_eq!(
        follow.code, 0,
        "the seed's LEG-A hangup ends the call: {}",
        follow.stderr
    );
}

#[test]
fn log_text_cannot_drive_the_terminal() {
    let sandbox = Sandbox::start();
    let tx = "6a0e3a2c-1111-4222-8333-444455556666";
    let hostile = json!({
        "SchemaVersion": "1.0", "Sequence": 1, "InvocationEventType": "HANGUP\u{1b}[2J\u{1b}]0;pwned\u{7}",
        "ActionData": {"Type": "Hangup\r\n\u{1b}[31mfake line", "Parameters": {"SipResponseCode": "0\u{9b}1m"}},
        "CallDetails": {"TransactionId": tx, "SipMediaApplicationId": "sma",
            "Participants": [{"ParticipantTag": "LEG-A\u{1b}[K", "Status": "Disconnected\u{8}\u{8}"}]}
    });
    put_log_lines(&sandbox, "/aws/lambda/hostile", &[hostile.to_string()]);
    let out = run(sandbox
        .chimecall()
        .args(["tail", tx, "--log-group", "/aws/lambda/hostile"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout.lines().count(),
        2,
        "one event, one line, and the summary: {:?}",
        out.stdout
    );
    assert!(
        !out.stdout.chars().any(|c| c.is_control() && c != '\n'),
        "control characters reached stdout: {:?}",
        out.stdout
    );
    let json = run(sandbox.chimecall().args([
        "--output",
        "json",
        "tail",
        tx,
        "--log-group",
        "/aws/lambda/hostile",
    ]));
    assert!(!json.stdout.contains('\u{1b}'), "raw ESC in JSON output");
    let value: Value = serde_json::from_str(json.stdout.trim()).unwrap();
    assert!(
        value["event"].as_str().unwrap().contains('\u{1b}'),
        "JSON keeps the text, escaped"
    );
}

/// `--handler URL`: invocation events go to a Lambda Invoke API endpoint, and what its function
/// answers drives the call: actions run, updates interrupt them, TransactionAttributes are kept.
#[test]
fn an_external_handler_drives_the_call() {
    let lambda = FakeLambda::start(|event| {
        let answer =
            |actions: Value| Reply::Answer(json!({"SchemaVersion": "1.0", "Actions": actions}));
        match event["InvocationEventType"].as_str().unwrap_or("") {
            "CALL_ANSWERED" => Reply::Answer(json!({
                "SchemaVersion": "1.0",
                "Actions": [{"Type": "Pause", "Parameters": {"DurationInMilliseconds": "60000"}}],
                "TransactionAttributes": {"stage": "paused"}
            })),
            "CALL_UPDATE_REQUESTED" => answer(json!([
                {"Type": "Hangup", "Parameters": {"SipResponseCode": "0", "ParticipantTag": "LEG-A"}}
            ])),
            _ => answer(json!([])),
        }
    });
    let sandbox = Sandbox::start_with(&[
        "--answer-after",
        "100ms",
        "--handler",
        &lambda.url,
        "--function-name",
        "my-sma-handler",
    ]);
    let dial =
        run(sandbox
            .chimecall()
            .args(["dial", "--to", "+12065550123", "--wait", "answered"]));
    assert_eq!(dial.code, 0, "{}", dial.stderr);
    let tx = dial.stdout.trim().to_string();
    let hangup = run(sandbox.chimecall().args(["hangup", "--wait", &tx]));
    assert_eq!(hangup.code, 0, "{}", hangup.stderr);
    assert_eq!(
        lambda.event_types(),
        [
            "NEW_OUTBOUND_CALL",
            "RINGING",
            "CALL_ANSWERED",
            "CALL_UPDATE_REQUESTED",
            "ACTION_INTERRUPTED",
            "HANGUP"
        ]
    );
    let invocations = lambda.invocations();
    assert_eq!(
        invocations[0].0,
        "/2015-03-31/functions/my-sma-handler/invocations"
    );
    assert_eq!(
        invocations[4].1["ActionData"]["Type"], "Pause",
        "the Pause was interrupted"
    );
    assert_eq!(
        invocations[3].1["CallDetails"]["TransactionAttributes"]["stage"], "paused",
        "TransactionAttributes are passed back"
    );
    let sequences: Vec<u64> = invocations
        .iter()
        .map(|(_, e)| e["Sequence"].as_u64().unwrap())
        .collect();
    assert_eq!(sequences, [1, 2, 3, 4, 5, 6]);
    // Its logs are in its own group, found from the SMA's LambdaArn.
    let events = tail_json(&sandbox, &tx);
    assert_eq!(events.len(), 6);
}

#[test]
fn actions_run_to_completion_then_action_successful() {
    let lambda = FakeLambda::start(|event| {
        let kind = event["InvocationEventType"].as_str().unwrap_or("");
        let actions = match kind {
            "CALL_ANSWERED" => json!([
                {"Type": "Pause", "Parameters": {"DurationInMilliseconds": "100"}},
                {"Type": "Pause", "Parameters": {"DurationInMilliseconds": "100"}}
            ]),
            "ACTION_SUCCESSFUL" => {
                json!([{"Type": "Hangup", "Parameters": {"SipResponseCode": "0"}}])
            }
            _ => json!([]),
        };
        Reply::Answer(json!({"SchemaVersion": "1.0", "Actions": actions}))
    });
    let sandbox = Sandbox::start_with(&["--answer-after", "50ms", "--handler", &lambda.url]);
    let dial = run(sandbox.chimecall().args([
        "dial",
        "--to",
        "+12065550123",
        "--wait",
        "ended",
        "--timeout",
        "10s",
    ]));
    assert_eq!(dial.code, 0, "{}", dial.stderr);
    assert_eq!(
        lambda.event_types(),
        [
            "NEW_OUTBOUND_CALL",
            "RINGING",
            "CALL_ANSWERED",
            "ACTION_SUCCESSFUL",
            "HANGUP"
        ]
    );
}

#[test]
fn an_invalid_answer_is_reported_to_the_handler() {
    let lambda = FakeLambda::start(|event| match event["InvocationEventType"].as_str() {
        Some("CALL_ANSWERED") => {
            Reply::Answer(json!({"SchemaVersion": "1.0", "Actions": [{"Type": "Dance"}]}))
        }
        Some("INVALID_LAMBDA_RESPONSE") => Reply::Answer(json!({
            "SchemaVersion": "1.0", "Actions": [{"Type": "Hangup", "Parameters": {}}]
        })),
        _ => Reply::Answer(json!({"SchemaVersion": "1.0", "Actions": []})),
    });
    let sandbox = Sandbox::start_with(&["--answer-after", "50ms", "--handler", &lambda.url]);
    let dial = run(sandbox.chimecall().args([
        "dial",
        "--to",
        "+12065550123",
        "--wait",
        "ended",
        "--timeout",
        "10s",
    ]));
    assert_eq!(dial.code, 0, "{}", dial.stderr);
    let invocations = lambda.invocations();
    let invalid = invocations
        .iter()
        .find(|(_, e)| e["InvocationEventType"] == "INVALID_LAMBDA_RESPONSE")
        .expect("an INVALID_LAMBDA_RESPONSE event");
    assert_eq!(invalid.1["ErrorType"], "InvalidActionType");
}

/// A failing or silent handler is retried once, then the call ends with 480.
#[test]
fn a_failing_handler_ends_the_call_with_480() {
    for (name, reply_slow) in [("error", false), ("timeout", true)] {
        let lambda = FakeLambda::start(move |event| match event["InvocationEventType"].as_str() {
            Some("CALL_ANSWERED") if reply_slow => {
                Reply::Slow(Duration::from_millis(800), json!({"SchemaVersion": "1.0"}))
            }
            Some("CALL_ANSWERED") => Reply::FunctionError,
            _ => Reply::Answer(json!({"SchemaVersion": "1.0", "Actions": []})),
        });
        let sandbox = Sandbox::start_with(&[
            "--answer-after",
            "50ms",
            "--handler",
            &lambda.url,
            "--handler-timeout",
            "300ms",
        ]);
        let dial = run(sandbox.chimecall().args([
            "dial",
            "--to",
            "+12065550123",
            "--wait",
            "ended",
            "--timeout",
            "10s",
        ]));
        assert_eq!(
            dial.code, 0,
            "{name}: answered, then ended: {}",
            dial.stderr
        );
        let types = lambda.event_types();
        assert_eq!(
            types.iter().filter(|t| *t == "CALL_ANSWERED").count(),
            2,
            "{name}: one retry: {types:?}"
        );
        let events = tail_json(&sandbox, dial.stdout.trim());
        let last = events.last().unwrap();
        assert_eq!(last["event"], "HANGUP", "{name}");
        assert_eq!(last["sip_response_code"], "480", "{name}");
    }
}

fn answer(actions: Value) -> Reply {
    Reply::Answer(json!({"SchemaVersion": "1.0", "Actions": actions}))
}

fn dial_until_ended(sandbox: &Sandbox) -> (String, Vec<Value>) {
    let dial = run(sandbox.chimecall().args([
        "dial",
        "--to",
        "+12065550123",
        "--wait",
        "ended",
        "--timeout",
        "20s",
    ]));
    assert!(dial.code == 0 || dial.code == 5, "{}", dial.stderr);
    let tx = dial.stdout.trim().to_string();
    let events = tail_json(sandbox, &tx);
    (tx, events)
}

#[test]
fn an_action_the_sandbox_cannot_run_fails_and_the_handler_hears_it() {
    let lambda = FakeLambda::start(|event| match event["InvocationEventType"].as_str() {
        Some("CALL_ANSWERED") => answer(json!([
            {"Type": "JoinChimeMeeting", "Parameters": {"JoinToken": "meeting-attendee-join-token"}},
            {"Type": "Pause", "Parameters": {"DurationInMilliseconds": "100"}}
        ])),
        Some("ACTION_FAILED") => {
            answer(json!([{"Type": "Hangup", "Parameters": {"SipResponseCode": 486}}]))
        }
        _ => answer(json!([])),
    });
    let sandbox = Sandbox::start_with(&["--answer-after", "50ms", "--handler", &lambda.url]);
    let (_, events) = dial_until_ended(&sandbox);
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "NEW_OUTBOUND_CALL",
            "RINGING",
            "CALL_ANSWERED",
            "ACTION_FAILED",
            "HANGUP"
        ]
    );
    assert_eq!(events[3]["error_type"], "ActionNotSupported");
    assert_eq!(events[3]["action"], "JoinChimeMeeting");
    // The Hangup's SipResponseCode was a number, as in the guide's example.
    assert_eq!(events[4]["sip_response_code"], "486");
}

#[test]
fn out_of_range_action_parameters_fail_the_action_not_the_sandbox() {
    let lambda = FakeLambda::start(|event| match event["InvocationEventType"].as_str() {
        Some("CALL_ANSWERED") => {
            answer(json!([{"Type": "Pause", "Parameters": {"DurationInMilliseconds": "1e300"}}]))
        }
        Some("ACTION_FAILED")
            if event["ActionData"]["Type"] == "Pause"
                && event["ActionData"]["Parameters"]["DurationInMilliseconds"] == "1e300" =>
        {
            answer(json!([{"Type": "PlayAudio", "Parameters": {"Repeat": "inf"}}]))
        }
        Some("ACTION_FAILED") => answer(json!([{"Type": "Hangup", "Parameters": {}}])),
        _ => answer(json!([])),
    });
    let sandbox = Sandbox::start_with(&["--answer-after", "50ms", "--handler", &lambda.url]);
    let (_, events) = dial_until_ended(&sandbox);
    let failures: Vec<&Value> = events
        .iter()
        .filter(|e| e["event"] == "ACTION_FAILED")
        .collect();
    assert_eq!(failures.len(), 2, "{events:?}");
    assert!(failures
        .iter()
        .all(|e| e["error_type"] == "InvalidActionParameter"));
    assert_eq!(events.last().unwrap()["event"], "HANGUP");
}

#[test]
fn an_invalid_answer_shows_its_error_type_in_tail() {
    let lambda = FakeLambda::start(|event| match event["InvocationEventType"].as_str() {
        Some("CALL_ANSWERED") => answer(json!([{"Type": "Dance"}])),
        Some("INVALID_LAMBDA_RESPONSE") => answer(json!([{"Type": "Hangup"}])),
        _ => answer(json!([])),
    });
    let sandbox = Sandbox::start_with(&["--answer-after", "50ms", "--handler", &lambda.url]);
    let (tx, events) = dial_until_ended(&sandbox);
    let invalid = events
        .iter()
        .find(|e| e["event"] == "INVALID_LAMBDA_RESPONSE")
        .unwrap();
    assert_eq!(invalid["error_type"], "InvalidActionType");
    let text = run(sandbox.chimecall().args(["tail", &tx]));
    assert!(
        text.stdout.contains("error=InvalidActionType"),
        "{}",
        text.stdout
    );
}

#[test]
fn a_refused_invoke_is_retried_once_then_the_call_ends_480() {
    let lambda = FakeLambda::start(|event| match event["InvocationEventType"].as_str() {
        Some("CALL_ANSWERED") => Reply::Status(429),
        _ => answer(json!([])),
    });
    let sandbox = Sandbox::start_with(&["--answer-after", "50ms", "--handler", &lambda.url]);
    let (_, events) = dial_until_ended(&sandbox);
    let types = lambda.event_types();
    assert_eq!(
        types.iter().filter(|t| *t == "CALL_ANSWERED").count(),
        2,
        "{types:?}"
    );
    assert_eq!(events.last().unwrap()["sip_response_code"], "480");
}

#[test]
fn the_thousandth_invocation_is_the_hangup() {
    let lambda = FakeLambda::start(|event| match event["InvocationEventType"].as_str() {
        Some("CALL_ANSWERED") | Some("ACTION_SUCCESSFUL") => {
            answer(json!([{"Type": "ReceiveDigits", "Parameters": {
                "InputDigitsRegex": "^1$",
                "InBetweenDigitsDurationInMilliseconds": 1000,
                "FlushDigitsDurationInMilliseconds": 5000
            }}]))
        }
        _ => answer(json!([])),
    });
    let sandbox = Sandbox::start_with(&["--answer-after", "10ms", "--handler", &lambda.url]);
    let (tx, events) = dial_until_ended(&sandbox);
    let last = events.last().unwrap();
    assert_eq!(last["event"], "HANGUP", "{tx}");
    assert_eq!(last["sequence"], 1000);
    assert_eq!(events.len(), 1000);
    assert_eq!(lambda.invocations().len(), 1000);
}

#[test]
fn a_missing_log_group_is_named_and_waits_wait_for_it() {
    let sandbox = Sandbox::start();
    let out = run(sandbox
        .chimecall()
        .args(["tail", "some-tx", "--log-group", "/aws/lambda/typo"]));
    assert_eq!(out.code, 3, "{}", out.stderr);
    assert!(out.stderr.contains("/aws/lambda/typo"), "{}", out.stderr);
    // --wait keeps polling a group that does not exist yet, until its timeout.
    let out = run(sandbox.chimecall().args([
        "dial",
        "--to",
        "+12065550123",
        "--wait",
        "answered",
        "--timeout",
        "1s",
        "--log-group",
        "/aws/lambda/typo",
    ]));
    assert_eq!(out.code, 6, "{}", out.stderr);
}

#[test]
fn absurd_durations_are_usage_errors() {
    let sandbox = Sandbox::start();
    for args in [
        &[
            "dial",
            "--to",
            "+12065550123",
            "--wait",
            "answered",
            "--timeout",
            "1e19",
        ][..],
        &[
            "dial",
            "--to",
            "+12065550123",
            "--wait",
            "answered",
            "--timeout",
            "inf",
        ],
        &["tail", "tx", "--follow", "--interval", "0"],
        &["tail", "tx", "--since", "garbage"],
        &["tail", ""],
        &["tail", "a\"b"],
    ] {
        let out = run(sandbox.chimecall().args(args));
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("panicked"));
    }
    let out = run(crate::support::chimecall().args(["sandbox", "--ring-timeout", "1e19"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(sandbox.placed_destinations().is_empty());
}

/// Handlers that log the event as the language object: Python's `print(event)` (run by a real
/// python3 here), its Lambda logger's `[INFO]` line, and Node's `console.log('Request', event)`,
/// whose default depth cuts the legs off. `tail` reads them all.
#[test]
fn events_logged_as_python_and_node_objects_show_in_tail() {
    let sandbox = Sandbox::start();
    let tx = "5d7e9f10-2b3c-4d5e-8f90-a1b2c3d4e5f6";
    let event = |sequence: u64, kind: &str, status: &str| {
        json!({
            "SchemaVersion": "1.0", "Sequence": sequence, "InvocationEventType": kind,
            "CallDetails": {
                "TransactionId": tx, "AwsAccountId": "111122223333", "AwsRegion": "us-east-1",
                "SipMediaApplicationId": "sma", "TransactionAttributes": {"caller": "O'Brien"},
                "Participants": [{"CallId": "c1", "ParticipantTag": "LEG-A", "To": "+12065550123",
                    "From": "+12065550100", "Direction": "Outbound",
                    "StartTimeInMilliseconds": "1700000000000", "Status": status}]
            }
        })
    };
    // python3 prints each event's dict, as `print(event)` in a handler does.
    let mut python = std::process::Command::new("python3")
        .args([
            "-c",
            "import json, sys\nfor line in sys.stdin: print(json.loads(line))",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    {
        use std::io::Write;
        let mut stdin = python.stdin.take().unwrap();
        for (sequence, kind, status) in [
            (1, "NEW_OUTBOUND_CALL", "Connected"),
            (2, "RINGING", "Connected"),
        ] {
            writeln!(stdin, "{}", event(sequence, kind, status)).unwrap();
        }
    }
    let printed = python.wait_with_output().unwrap();
    assert!(printed.status.success());
    let printed = String::from_utf8(printed.stdout).unwrap();
    let mut lines: Vec<String> = printed.lines().map(str::to_string).collect();
    assert!(lines[0].contains("'SchemaVersion': '1.0'"), "{lines:?}");
    // The Python runtime's logger line, then Node's inspect output, cut at depth 2.
    lines.push(format!(
        "[INFO]\t2026-11-29T19:00:00.500Z\tr1\t{}",
        lines[1]
            .replace("'Sequence': 2", "'Sequence': 3")
            .replace("'RINGING'", "'CALL_ANSWERED'")
    ));
    lines.push(format!(
        "2026-11-29T19:00:01.000Z\tr2\tINFO\tRequest {{\n  SchemaVersion: '1.0',\n  Sequence: 4,\n  \
         InvocationEventType: 'HANGUP',\n  ActionData: {{\n    Type: 'Hangup',\n    Parameters: {{\n      \
         SipResponseCode: '0',\n      CallId: 'c1',\n      ParticipantTag: 'LEG-A'\n    }}\n  }},\n  \
         CallDetails: {{\n    TransactionId: '{tx}',\n    AwsAccountId: '111122223333',\n    \
         AwsRegion: 'us-east-1',\n    SipMediaApplicationId: 'sma',\n    TransactionAttributes: {{ caller: \"O'Brien\" }},\n    \
         Participants: [ [Object] ]\n  }}\n}}\n"
    ));
    put_log_lines(&sandbox, "/aws/lambda/py-handler", &lines);
    let out = run(sandbox.chimecall().args([
        "--output",
        "json",
        "tail",
        tx,
        "--log-group",
        "/aws/lambda/py-handler",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        events_of(&out.stdout),
        [
            (1, "NEW_OUTBOUND_CALL".to_string()),
            (2, "RINGING".to_string()),
            (3, "CALL_ANSWERED".to_string()),
            (4, "HANGUP".to_string()),
        ]
    );
    let events = json_lines(&out.stdout);
    assert_eq!(events[1]["legs"][0]["status"], "Connected");
    assert_eq!(
        events[3]["raw"]["CallDetails"]["TransactionAttributes"]["caller"],
        "O'Brien"
    );
    // --follow sees it answered and ended.
    let follow = run(sandbox.chimecall().args([
        "tail",
        "--follow",
        tx,
        "--log-group",
        "/aws/lambda/py-handler",
    ]));
    assert_eq!(follow.code, 0, "{}", follow.stderr);
    assert_eq!(follow.stdout.lines().count(), 5, "{}", follow.stdout);
    assert!(
        follow
            .stdout
            .lines()
            .last()
            .unwrap()
            .starts_with("answered"),
        "{}",
        follow.stdout
    );
}
