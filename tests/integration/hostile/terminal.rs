//! Hostile text that reaches a terminal: events in the logs that tail reads, CSV cells, command
//! line values, service errors and journal fields; and known bugs outside this corpus's files.

use super::*;

// ---------------------------------------------------------------------------------------------
// Events in the logs that tail reads
// ---------------------------------------------------------------------------------------------

const TX: &str = "7b0e3a2c-1111-4222-8333-444455556666";

fn event(sequence: Value, kind: Value, participants: Value) -> Value {
    json!({
        "SchemaVersion": "1.0", "Sequence": sequence, "InvocationEventType": kind,
        "CallDetails": {
            "TransactionId": TX, "AwsAccountId": "111122223333", "AwsRegion": "us-east-1",
            "SipMediaApplicationId": "sma", "Participants": participants
        }
    })
}

fn leg_a(status: &str) -> Value {
    json!([{"CallId": "c1", "ParticipantTag": "LEG-A", "To": "+12065550123",
        "From": "+12065550100", "Direction": "Outbound", "Status": status}])
}

fn logged(event: &Value) -> String {
    format!("2026-11-29T19:00:00.000Z\tr1\tINFO\tRequest: {event}")
}

#[test]
fn malformed_huge_nested_and_wrongly_typed_events_are_skipped_and_good_ones_shown() {
    let sandbox = Sandbox::start();
    let group = "/aws/lambda/hostile-events";
    let good = [
        event(json!(1), json!("NEW_OUTBOUND_CALL"), leg_a("Connected")),
        event(json!(2), json!("RINGING"), leg_a("Connected")),
        event(json!(3), json!("CALL_ANSWERED"), leg_a("Connected")),
    ];
    let truncated = logged(&event(json!(9), json!("RINGING"), leg_a("Connected")));
    let mut deep_field = event(json!(10), json!("RINGING"), leg_a("Connected"));
    deep_field["Padding"] = json!(0);
    let deep_field = deep_field.to_string().replace(
        "\"Padding\":0",
        &format!("\"Padding\":{}0{}", "[".repeat(10_000), "]".repeat(10_000)),
    );
    let bad = vec![
        // Truncated JSON, as a log line cut short would hold.
        truncated[..truncated.len() / 2].to_string(),
        format!("{{\"InvocationEventType\":\"HANGUP\",\"CallDetails\":{{\"TransactionId\":\"{TX}\""),
        // 10,000 levels of nesting, around the transaction id and inside an event.
        format!("{}\"{TX}\"{}", "[".repeat(10_000), "]".repeat(10_000)),
        format!("{}\"{TX}\"{}", "{\"a\":".repeat(10_000), "}".repeat(10_000)),
        deep_field,
        // Wrongly typed.
        logged(&event(json!(11), json!(42), leg_a("Connected"))),
        logged(&event(json!(12), json!(null), leg_a("Connected"))),
        logged(&event(json!(13), json!(""), leg_a("Connected"))),
        logged(&event(json!(14), json!(["HANGUP"]), leg_a("Disconnected"))),
        json!({"InvocationEventType": "HANGUP", "CallDetails": [TX]}).to_string(),
        json!({"InvocationEventType": "HANGUP", "CallDetails": {"TransactionId": 7}, "x": TX})
            .to_string(),
        // Numbers JSON cannot hold, and a lone surrogate.
        format!(
            "{{\"Sequence\":1e400,\"InvocationEventType\":\"HANGUP\",\"CallDetails\":{{\"TransactionId\":\"{TX}\"}}}}"
        ),
        format!(
            "{{\"Sequence\":1,\"InvocationEventType\":\"\\ud800\",\"CallDetails\":{{\"TransactionId\":\"{TX}\"}}}}"
        ),
        // Braces and the id, and nothing else.
        format!("{TX} {}", "{".repeat(5_000)),
        TX.to_string(),
    ];
    // Readable, with odd parts: shown, the odd parts as unknown.
    let odd = [
        // Sequence as an object: shown without a sequence.
        event(
            json!({"n": 4}),
            json!("ACTION_SUCCESSFUL"),
            leg_a("Connected"),
        ),
        // Participants as a string: shown without legs.
        event(json!(5), json!("ACTION_SUCCESSFUL"), json!("LEG-A")),
        // Participants holding things that are not legs.
        event(
            json!(6),
            json!("ACTION_SUCCESSFUL"),
            json!([1, "x", null, [], {"Status": 7}]),
        ),
        // A negative sequence.
        event(json!(-1), json!("ACTION_SUCCESSFUL"), leg_a("Connected")),
    ];
    let mut lines: Vec<String> = vec!["START RequestId: r1 Version: $LATEST".into()];
    lines.extend(good.iter().map(logged));
    lines.extend(bad);
    lines.extend(odd.iter().map(logged));
    lines.push(logged(&event(
        json!(7),
        json!("HANGUP"),
        leg_a("Disconnected"),
    )));
    put_log_lines(&sandbox, group, &lines);
    // A 900 KiB message of its own (a batch holds at most 1 MiB): braces and the id.
    let huge = format!("{TX} Request: {}", "{[".repeat(900 * 1024 / 2));
    put_log_lines(&sandbox, group, &[huge]);
    // And a readable 900 KiB event.
    let mut padded = event(json!(8), json!("ACTION_SUCCESSFUL"), leg_a("Connected"));
    padded["Padding"] = json!("p".repeat(900 * 1024));
    put_log_lines(&sandbox, group, &[padded.to_string()]);

    let started = Instant::now();
    let json_out = ran_within(
        sandbox
            .chimecall()
            .args(["--output", "json", "tail", TX, "--log-group", group]),
        Duration::from_secs(60),
    );
    assert_sane(&json_out, "tail --output json");
    assert_eq!(json_out.code, 0, "{}", json_out.stderr);
    let events: Vec<(Value, String)> = json_lines(&json_out.stdout)
        .iter()
        .map(|e| {
            (
                e["sequence"].clone(),
                e["event"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(Value, String)> = [
        (json!(1), "NEW_OUTBOUND_CALL"),
        (json!(2), "RINGING"),
        (json!(3), "CALL_ANSWERED"),
        (json!(5), "ACTION_SUCCESSFUL"),
        (json!(6), "ACTION_SUCCESSFUL"),
        (json!(7), "HANGUP"),
        (json!(8), "ACTION_SUCCESSFUL"),
        (Value::Null, "ACTION_SUCCESSFUL"),
        (Value::Null, "ACTION_SUCCESSFUL"),
    ]
    .into_iter()
    .map(|(sequence, kind)| (sequence, kind.to_string()))
    .collect();
    assert_eq!(events, expected);

    let text = ran_within(
        sandbox.chimecall().args(["tail", TX, "--log-group", group]),
        Duration::from_secs(60),
    );
    assert_sane(&text, "tail");
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert_terminal_safe(&text, "tail");
    // One line per event, and the summary.
    assert_eq!(
        text.stdout.lines().count(),
        expected.len() + 1,
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains(" #? ACTION_SUCCESSFUL"),
        "{}",
        text.stdout
    );

    let follow = ran_within(
        sandbox
            .chimecall()
            .args(["tail", "--follow", TX, "--log-group", group]),
        Duration::from_secs(60),
    );
    assert_sane(&follow, "tail --follow");
    assert_eq!(
        follow.code, 0,
        "the call was answered, then ended: {}",
        follow.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(90),
        "hostile lines cost {:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------------------------
// Escape sequences and control characters in everything that reaches a terminal
// ---------------------------------------------------------------------------------------------

#[test]
fn csv_cells_echoed_in_reports_cannot_drive_the_terminal() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let dir = tempfile::tempdir().unwrap();
    let quoted = HOSTILE.replace('"', "\"\"");
    let text = format!(
        "to,from,id,arg.note\n\
         \"+1{quoted}\",,a,\n\
         +12065550123,\"{quoted}\",b,\n\
         +12065550124,,\"id-{quoted}\",\n\
         +12065550125,,\"{quoted}\nsecond line\",\n\
         +12065550126,,c,\"{quoted}\"\n\
         \"{quoted}\",,,\n"
    );
    let path = write_file(dir.path(), "hostile.csv", text.as_bytes());
    // The CR in each hostile cell is a line break (as in a file with old Mac line endings), so
    // each row holding one spans two lines, and the fourth three.
    for extra in [&["--strict"][..], &[], &["--output", "json"]] {
        let out = if extra == ["--output", "json"] {
            ran(sandbox
                .chimecall()
                .args([
                    "--output",
                    "json",
                    "dial",
                    "--rate",
                    "0",
                    "--max-active",
                    "0",
                    "--again",
                    "--file",
                ])
                .arg(&path))
        } else {
            dial_file(&sandbox, &path, extra)
        };
        let what = format!("{extra:?}");
        assert_sane(&out, &what);
        assert_terminal_safe(&out, &what);
        if extra == ["--strict"] {
            assert_eq!(out.code, 2, "{}", out.stderr);
            for expected in [
                "line 2: column to",
                "line 4: column from",
                "line 6: column id",
                "line 8: column id",
                "line 13: column to",
            ] {
                assert!(out.stderr.contains(expected), "{expected}: {}", out.stderr);
            }
        } else {
            assert_eq!(out.code, 1, "{what}: {}", out.stderr);
        }
        if extra.is_empty() {
            // One report per row, each on one line: nothing in a cell starts a forged one.
            assert_eq!(out.stdout.lines().count(), 6, "{}", out.stdout);
            assert!(out.stdout.lines().all(|l| l.split('\t').count() == 4));
        }
    }
    // A hostile header name.
    let path = write_file(
        dir.path(),
        "header.csv",
        format!("to,\"{quoted}\"\n+12065550127,x\n").as_bytes(),
    );
    let out = dial_file(&sandbox, &path, &[]);
    assert_refused(
        &out,
        "a hostile column name",
        "line 1 (header): unknown column",
    );
    assert_terminal_safe(&out, "a hostile column name");
    let mut text = format!("to,\"arg.{quoted}\"\n+12065550128,").into_bytes();
    text.extend_from_slice(b"\xff\n");
    let path = write_file(dir.path(), "arg-key.csv", &text);
    let out = dial_file(&sandbox, &path, &[]);
    assert_sane(&out, "a hostile argument key");
    assert_terminal_safe(&out, "a hostile argument key");
    // Only the row whose argument value is hostile was placed (by the two runs without
    // --strict): argument values go to the handler as they are.
    assert_placed_exactly(&sandbox, &["+12065550126", "+12065550126"]);
}

/// Command lines whose hostile value clap's own value parsers refuse.
fn clap_checked_hostile_values() -> Vec<(Vec<&'static str>, &'static str)> {
    vec![
        (vec!["tail", "tx", "--since", HOSTILE_ARG], "--since"),
        (vec!["tail", "tx", "--interval", HOSTILE_ARG], "--interval"),
        (
            vec![
                "dial",
                "--to",
                "+12065550123",
                "--wait",
                "answered",
                "--timeout",
                HOSTILE_ARG,
            ],
            "--timeout",
        ),
        (
            vec![
                "dial",
                "--max-active",
                "0",
                "--again",
                "--file",
                "x.csv",
                "--rate",
                HOSTILE_ARG,
            ],
            "--rate",
        ),
        (vec!["--output", HOSTILE_ARG, "calls"], "--output"),
    ]
}

#[test]
fn command_line_values_echoed_in_errors_cannot_drive_the_terminal() {
    let sandbox = Sandbox::start();
    let hostile_number = format!("+1{HOSTILE_ARG}");
    let hostile_pair = format!("k{HOSTILE_ARG}");
    let hostile_header = format!("x-{HOSTILE_ARG}=v");
    let hostile_value = format!("x-h=a{HOSTILE_ARG}");
    let hostile_dup = format!("{HOSTILE_ARG}=1");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["dial", "--to", &hostile_number], "--to"),
        (
            vec!["dial", "--to", "+12065550123", "--from", &hostile_number],
            "--from",
        ),
        (
            vec!["dial", "--to", "+12065550123", "--arg", &hostile_pair],
            "--arg",
        ),
        (
            vec![
                "dial",
                "--to",
                "+12065550123",
                "--arg",
                &hostile_dup,
                "--arg",
                &hostile_dup,
            ],
            "--arg",
        ),
        (
            vec![
                "dial",
                "--to",
                "+12065550123",
                "--sip-header",
                &hostile_header,
            ],
            "--sip-header",
        ),
        (
            vec![
                "dial",
                "--to",
                "+12065550123",
                "--sip-header",
                &hostile_value,
            ],
            "--sip-header",
        ),
        (
            vec!["dial", "--to", "+12065550123", "--sma-id", HOSTILE_ARG],
            "--sma-id",
        ),
        (vec!["tail", HOSTILE_ARG], "TRANSACTION_ID"),
        (vec!["hangup", HOSTILE_ARG], "TRANSACTION_ID"),
        (vec!["update", HOSTILE_ARG], "TRANSACTION_ID"),
        (vec!["hangup", "tx\u{202e}"], "TRANSACTION_ID"),
        (vec!["tail", "tx\u{202e}"], "TRANSACTION_ID"),
        (vec!["update", "tx", "--arg", &hostile_pair], "--arg"),
        (
            vec![
                "--endpoint-url",
                HOSTILE_ARG,
                "dial",
                "--to",
                "+12065550123",
            ],
            "--endpoint-url",
        ),
    ];
    for (args, place) in &cases {
        let what = format!("{args:?}");
        let out = ran(sandbox.chimecall().args(args));
        assert_sane(&out, &what);
        assert!(
            [2, 7].contains(&out.code),
            "{what}: exit {}: {}",
            out.code,
            out.stderr
        );
        assert!(
            out.stderr.contains(place),
            "{what}: should name {place}: {}",
            out.stderr
        );
        assert_terminal_safe(&out, &what);
    }
    // Values clap checks itself: refused and named (what clap echoes of them is a known bug).
    for (args, place) in clap_checked_hostile_values() {
        let out = ran(sandbox.chimecall().args(&args));
        assert_sane(&out, place);
        assert_eq!(out.code, 2, "{place}: {}", out.stderr);
        assert!(out.stderr.contains(place), "{place}: {}", out.stderr);
    }
    // A hostile log group name is refused before it is sent (CloudWatch Logs' name rules), and
    // shown safely.
    let out = ran(sandbox
        .chimecall()
        .args(["tail", "tx", "--log-group", HOSTILE_ARG]));
    assert_sane(&out, "--log-group");
    assert_eq!(out.code, 2, "refused before it is sent: {}", out.stderr);
    assert!(out.stderr.contains("--log-group: "), "{}", out.stderr);
    assert_no_controls(&out, "--log-group");
    assert_placed_exactly(&sandbox, &[]);
}

/// An endpoint that answers every request with `status` and an AWS error whose code and message
/// are hostile text; it counts what it receives.
struct HostileEndpoint {
    url: String,
    requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl HostileEndpoint {
    fn start(status: u16, error_type_header: Option<&'static str>) -> HostileEndpoint {
        let requests = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = std::sync::Arc::clone(&requests);
        let url = crate::support::fake_http::serve(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let code = error_type_header.unwrap_or(HOSTILE);
            let body = json!({"Code": code, "message": HOSTILE, "Message": HOSTILE});
            let answer = crate::support::fake_http::Response::json(status, body);
            let answer = match error_type_header {
                Some(error_type) => answer.header("x-amzn-ErrorType", error_type),
                None => answer,
            };
            Some(answer.header("x-amzn-RequestId", "req-1"))
        });
        HostileEndpoint { url, requests }
    }

    fn requests(&self) -> usize {
        self.requests.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// `chimecall` pointed at `endpoint`, with made-up credentials, writing `journal`.
fn against(endpoint: &HostileEndpoint, journal: &Journal) -> Command {
    let mut cmd = journal.chimecall();
    cmd.env("AWS_ACCESS_KEY_ID", "AKIAEXAMPLEEXAMPLE00")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .env("AWS_REGION", "us-east-1")
        .env("CHIMECALL_SMA_ID", "sma")
        .env("CHIMECALL_FROM", "+12065550100")
        .args(["--endpoint-url", &endpoint.url]);
    cmd
}

/// Runs the commands that print a service's error, text mode, against hostile answers.
fn service_error_runs(journal: &Journal) -> Vec<(String, Ran)> {
    let mut runs = Vec::new();
    for (status, header, dial_exit, update_exit) in [
        (400, Some("BadRequestException"), 2, 2),
        (404, Some("NotFoundException"), 7, 7),
        (400, None, 1, 1),
    ] {
        let endpoint = HostileEndpoint::start(status, header);
        let what = format!("{status} {header:?}");
        let dial = ran(against(&endpoint, journal).args(["dial", "--to", "+12065550123"]));
        assert_eq!(dial.code, dial_exit, "dial, {what}: {}", dial.stderr);
        let hangup = ran(against(&endpoint, journal).args(["hangup", "tx-1", "tx-2"]));
        assert_eq!(
            hangup.code, update_exit,
            "hangup, {what}: {}",
            hangup.stderr
        );
        let update = ran(against(&endpoint, journal).args(["update", "tx-1", "--arg", "k=v"]));
        assert_eq!(
            update.code, update_exit,
            "update, {what}: {}",
            update.stderr
        );
        let tail = ran(against(&endpoint, journal).args(["tail", "tx-1"]));
        assert!(endpoint.requests() >= 4, "{what}");
        for (name, out) in [
            ("dial", dial),
            ("hangup", hangup),
            ("update", update),
            ("tail", tail),
        ] {
            runs.push((format!("{name}, {what}"), out));
        }
    }
    runs
}

#[test]
fn service_error_messages_cannot_drive_the_terminal() {
    for (what, out) in service_error_runs(&Journal::new()) {
        assert_sane(&out, &what);
        // Without x-amzn-ErrorType the SDK finds no code or message in the body: nothing shown.
        if !what.contains("None") {
            assert!(
                out.stderr.contains("\\u{1b}[2J"),
                "{what}: the message is shown, escaped: {}",
                out.stderr
            );
        }
        assert_no_controls(&out, &what);
    }
}

/// A journal whose every field is hostile, as someone with write access to it could leave it.
fn hostile_journal(path: &Path, with_newlines: bool) {
    let text = if with_newlines {
        format!("{HOSTILE}\nforged line")
    } else {
        HOSTILE.to_string()
    };
    let records = [
        json!({"v": 1, "time": text, "type": "intent", "dial_id": "d1", "sma_id": text,
            "from": text, "to": text, "arguments": {text.clone(): "***"},
            "sip_headers": {}, "batch": text, "row": text, "line": 2}),
        json!({"v": 1, "time": "2026-11-29T19:00:00.000Z", "type": "outcome", "dial_id": "d1",
            "outcome": "placed", "transaction_id": text}),
        json!({"v": 1, "time": "2026-11-29T19:00:01.000Z", "type": "state",
            "transaction_id": text, "state": text, "answered": true, "source": text}),
        json!({"v": 1, "time": "2026-11-29T19:00:02.000Z", "type": "intent", "dial_id": "d2",
            "sma_id": "sma", "from": "+12065550100", "to": "+12065550123", "row": text}),
        json!({"v": 1, "time": "2026-11-29T19:00:03.000Z", "type": "outcome", "dial_id": "d2",
            "outcome": "failed", "error": {"code": text, "message": text,
            "request_id": text, "exit_code": 2}}),
        // A record of a type no version has.
        json!({"v": 1, "time": "2026-11-29T19:00:04.000Z", "type": text}),
    ];
    let mut bytes = Vec::new();
    for record in &records {
        bytes.extend_from_slice(record.to_string().as_bytes());
        bytes.push(b'\n');
    }
    // Raw bytes no JSON writer produces (an 8-bit CSI among them), then a torn last line.
    bytes.extend_from_slice(b"{\"v\":1,\"type\":\"\x1b[2J\x9b31m\xff\"}\n");
    bytes.extend_from_slice(
        format!("{{\"v\":1,\"type\":\"intent\",\"to\":\"{}", "\\u001b[2J").as_bytes(),
    );
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn journal_fields_shown_by_calls_cannot_drive_the_terminal() {
    let sandbox = Sandbox::start();
    hostile_journal(&sandbox.journal(), false);
    for args in [
        &["calls"][..],
        &["calls", "--active"],
        &["calls", "--since", "1h"],
    ] {
        let out = ran(sandbox.chimecall().args(args));
        let what = format!("{args:?}");
        assert_sane(&out, &what);
        // d1's ids are not ids: its record is reported and skipped, d2 is listed (exit 9).
        assert_eq!(out.code, 9, "{what}: {}", out.stderr);
        assert!(
            out.stderr.contains("dial \"d1\" is skipped"),
            "{what}: {}",
            out.stderr
        );
        assert_no_controls(&out, &what);
        // The first command imports the JSON-lines journal and reports the lines it skipped.
        assert_eq!(
            out.stderr.contains("is not a journal record"),
            args == ["calls"],
            "{what}: {}",
            out.stderr
        );
    }
    // hangup --all reads the same journal: the hostile record is skipped by its dial id, with an
    // escaped prefix of its TransactionId, and nothing is sent for it.
    let out = ran(sandbox.chimecall().args(["hangup", "--all"]));
    assert_sane(&out, "hangup --all");
    assert_no_controls(&out, "hangup --all");
    assert_eq!(out.code, 9, "{}", out.stderr);
    assert!(
        out.stderr.contains("dial \"d1\" is skipped"),
        "{}",
        out.stderr
    );
    assert_placed_exactly(&sandbox, &[]);
}

#[test]
fn tail_text_output_cannot_be_driven_by_log_fields() {
    let sandbox = Sandbox::start();
    let group = "/aws/lambda/hostile-fields";
    let tx = "8c0e3a2c-1111-4222-8333-444455556666";
    let hostile = json!({
        "SchemaVersion": "1.0", "Sequence": 1, "InvocationEventType": format!("HANGUP{HOSTILE}"),
        "ErrorType": HOSTILE,
        "ActionData": {"Type": format!("Hangup\r\n{HOSTILE}"), "ErrorType": HOSTILE,
            "ErrorMessage": HOSTILE,
            "Parameters": {"SipResponseCode": HOSTILE, "ParticipantTag": HOSTILE,
                "CallId": HOSTILE, "Arguments": {HOSTILE: HOSTILE}}},
        "CallDetails": {"TransactionId": tx, "SipMediaApplicationId": HOSTILE,
            "AwsRegion": HOSTILE,
            "Participants": [{"ParticipantTag": format!("LEG-A{HOSTILE}"), "Status": HOSTILE,
                "To": HOSTILE, "From": HOSTILE, "CallId": HOSTILE, "Direction": HOSTILE,
                "StartTimeInMilliseconds": HOSTILE}]}
    });
    put_log_lines(
        &sandbox,
        group,
        &[
            format!("{HOSTILE}\t{HOSTILE}\tINFO\tRequest: {hostile}"),
            format!("{HOSTILE} {tx} no event here {HOSTILE}"),
        ],
    );
    let out = ran(sandbox.chimecall().args(["tail", tx, "--log-group", group]));
    assert_sane(&out, "tail");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_terminal_safe(&out, "tail");
    assert_eq!(
        out.stdout.lines().count(),
        2,
        "one event, one line, and the summary: {:?}",
        out.stdout
    );
    assert!(
        out.stdout.contains("\\u{202e}"),
        "shown escaped: {}",
        out.stdout
    );
    // A log group, or an id, of no events: the note on stderr is safe too.
    let out = ran(sandbox
        .chimecall()
        .args(["tail", "tx-none", "--log-group", group]));
    assert_sane(&out, "tail, no events");
    assert_terminal_safe(&out, "tail, no events");
}

// ---------------------------------------------------------------------------------------------
// Known bugs outside this corpus's files
// ---------------------------------------------------------------------------------------------

#[test]
fn strict_refuses_rows_the_request_id_leaves_no_room_for() {
    let sandbox = Sandbox::start();
    let dir = tempfile::tempdir().unwrap();
    let path = write_file(
        dir.path(),
        "extra.csv",
        b"to,arg.extra\n+12065550130,\n+12065550131,one-more\n",
    );
    let defaults = many_args("--arg", "d", 19);
    let mut args: Vec<&str> = defaults.iter().map(String::as_str).collect();
    args.push("--strict");
    let out = dial_file(&sandbox, &path, &args);
    assert_sane(&out, "19 defaults + arg.extra + request id, --strict");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("line 3"), "{}", out.stderr);
    assert_placed_exactly(&sandbox, &[]);
}

#[test]
fn bidirectional_controls_never_reach_a_terminal() {
    for (what, out) in service_error_runs(&Journal::new()) {
        assert_terminal_safe(&out, &what);
    }
    let sandbox = Sandbox::start();
    hostile_journal(&sandbox.journal(), false);
    let out = ran(sandbox.chimecall().args(["calls"]));
    assert_terminal_safe(&out, "calls");
    let out = ran(sandbox.chimecall().args([
        "dial",
        "--to",
        "+12065550123",
        "--dry-run",
        "--arg",
        &format!("k={HOSTILE_ARG}"),
    ]));
    assert_terminal_safe(&out, "dial --dry-run");
    let out = ran(sandbox
        .chimecall()
        .args(["tail", "tx", "--log-group", "/aws/lambda/\u{202e}x"]));
    assert_terminal_safe(&out, "tail --log-group");
}

#[test]
fn json_output_escapes_every_control_character() {
    let sandbox = Sandbox::start();
    hostile_journal(&sandbox.journal(), false);
    let out = ran(sandbox.chimecall().args(["--output", "json", "calls"]));
    assert_terminal_safe(&out, "calls --output json");
    let out = ran(sandbox.chimecall().args([
        "--output",
        "json",
        "dial",
        "--to",
        "+12065550123",
        "--dry-run",
        "--arg",
        &format!("k={HOSTILE_ARG}"),
    ]));
    assert_terminal_safe(&out, "dial --dry-run --output json");
    let group = "/aws/lambda/hostile-json";
    put_log_lines(
        &sandbox,
        group,
        &[logged(&event(
            json!(1),
            json!(format!("RINGING{HOSTILE}")),
            leg_a("Connected"),
        ))],
    );
    let out = ran(sandbox
        .chimecall()
        .args(["--output", "json", "tail", TX, "--log-group", group]));
    assert_terminal_safe(&out, "tail --output json");
}

#[test]
fn a_journal_field_cannot_forge_a_row_of_calls() {
    let sandbox = Sandbox::start();
    hostile_journal(&sandbox.journal(), true);
    let out = ran(sandbox.chimecall().args(["calls"]));
    // d1's ids are not ids: its record is skipped (exit 9).
    assert_eq!(out.code, 9, "{}", out.stderr);
    // A header and the one good dial: two lines.
    assert_eq!(out.stdout.lines().count(), 2, "{}", out.stdout);
}

#[test]
fn usage_errors_echo_no_raw_control_character() {
    let sandbox = Sandbox::start();
    for (args, place) in clap_checked_hostile_values() {
        let out = ran(sandbox.chimecall().args(&args));
        assert_terminal_safe(&out, place);
    }
    // On a terminal. `script` gives chimecall a terminal, where clap keeps escape sequences (through a pipe
    // its output is stripped of them).
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` to give chimecall a terminal");
        return;
    }
    let line = format!(
        "{} tail tx --since $'\\e]0;pwned\\a\\e[2J'",
        crate::support::BIN
    );
    let out = ran(crate::support::hermetic_command("script")
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color")
        .args(["-qec", &line, "/dev/null"]));
    // The terminal shows clap's own colours; the value's OSC and erase-screen must not be there.
    assert!(
        !out.stdout.contains("\u{1b}]0;pwned") && !out.stdout.contains("\u{1b}[2J"),
        "{:?}",
        out.stdout
    );
}
