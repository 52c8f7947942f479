//! The account's quotas, against a sandbox with its default settings (a fresh AWS account's):
//! CreateSipMediaApplicationCall 1 per second, UpdateSipMediaApplicationCall 5 per second, 10
//! active calls, FilterLogEvents 25 per second in us-east-1 and 10 elsewhere; how chimecall meets
//! them; `--quota`, `--no-quotas`, `--throttle-cps`; and the access log they are read from.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;

use crate::support::access_log::{arrived_ms, busiest_second, of_operation};
use crate::support::{chimecall, fresh_dir, json_lines, run, Sandbox, Spawned, Stream};

fn csv(rows: &[&str]) -> PathBuf {
    let path = fresh_dir("rows").join("rows.csv");
    let mut text = String::from("to,id\n");
    for (i, to) in rows.iter().enumerate() {
        text.push_str(&format!("{to},r{i}\n"));
    }
    std::fs::write(&path, text).unwrap();
    path
}

/// The bar: five rows as fast as chimecall can, against a create rate of 1 per second: every
/// row placed, the sandbox answered 429s, and the creates it accepted are a second apart.
#[test]
fn a_bulk_run_at_rate_0_meets_the_create_rate() {
    let sandbox = Sandbox::start_with_access_log(&[]);
    let rows = [
        "+12065551001",
        "+12065551002",
        "+12065551003",
        "+12065551004",
        "+12065551005",
    ];
    let file = csv(&rows);
    let out = run(sandbox.chimecall().args([
        "-o",
        "json",
        "dial",
        "--file",
        file.to_str().unwrap(),
        "--rate",
        "0",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let reports = json_lines(&out.stdout);
    assert_eq!(reports.len(), 5, "{}", out.stdout);
    assert!(
        reports.iter().all(|r| r["outcome"] == "placed"),
        "{}",
        out.stdout
    );
    let mut placed = sandbox.placed_destinations();
    placed.sort();
    assert_eq!(placed, rows, "each row placed once");

    let lines = sandbox.access_log();
    let creates = of_operation(&lines, "CreateSipMediaApplicationCall");
    let throttled: Vec<_> = creates.iter().filter(|l| l["status"] == 429).collect();
    assert!(!throttled.is_empty(), "no 429 in {lines:#?}");
    assert!(throttled
        .iter()
        .all(|l| l["error"] == "ThrottledClientException"));
    let accepted: Vec<&Value> = creates
        .iter()
        .copied()
        .filter(|l| l["status"] == 201)
        .collect();
    assert_eq!(accepted.len(), 5);
    let times: Vec<i64> = accepted.iter().map(|line| arrived_ms(line)).collect();
    for pair in times.windows(2) {
        assert!(pair[1] - pair[0] >= 1000, "accepted creates at {times:?}");
    }
    // Each create carries its dial's client request id, and the call it placed.
    let journal = sandbox.journal_text();
    for line in &accepted {
        let id = line["client_request_id"]
            .as_str()
            .expect("client_request_id");
        assert!(journal.contains(id), "{id} is not a dial in the journal");
        let tx = line["transaction_id"].as_str().expect("transaction_id");
        assert!(out.stdout.contains(tx), "{tx}");
    }
}

/// The bar: ten calls that answer and stay up fill the account; the eleventh dial exits 4 with
/// ResourceLimitExceededException and the quota named; a hangup frees a slot at once.
#[test]
fn the_eleventh_live_call_is_refused_until_a_hangup_frees_a_slot() {
    let sandbox = Sandbox::start_with_access_log(&["--answer-after", "100ms"]);
    let rows: Vec<String> = (0..10).map(|i| format!("+120655520{i:02}")).collect();
    let file = csv(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    // At the create rate the quota allows: 1 per second, never throttled.
    let out = run(sandbox.chimecall().args([
        "-o",
        "json",
        "dial",
        "--file",
        file.to_str().unwrap(),
        "--rate",
        "1",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let calls: Vec<String> = json_lines(&out.stdout)
        .iter()
        .map(|r| r["transaction_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(calls.len(), 10);

    let eleventh = run(sandbox.chimecall().args(["dial", "--to", "+12065552099"]));
    assert_eq!(eleventh.code, 4, "{}", eleventh.stderr);
    for words in [
        "ResourceLimitExceededException",
        "\"SIP media application active calls\" quota (10 by default)",
        "chimecall sandbox --quota active-calls=N",
        "Service Quotas",
    ] {
        assert!(
            eleventh.stderr.contains(words),
            "{words:?}: {}",
            eleventh.stderr
        );
    }
    assert_eq!(eleventh.stdout, "", "no TransactionId: nothing was placed");

    let hangup = run(sandbox.chimecall().args(["hangup", &calls[0]]));
    assert_eq!(hangup.code, 0, "{}", hangup.stderr);
    let twelfth = run(sandbox.chimecall().args(["dial", "--to", "+12065552098"]));
    assert_eq!(twelfth.code, 0, "{}", twelfth.stderr);

    let placed = sandbox.placed_destinations();
    assert_eq!(placed.len(), 11, "{placed:?}");
    assert!(!placed.contains(&"+12065552099".to_string()));
    let refused: Vec<_> = of_operation(&sandbox.access_log(), "CreateSipMediaApplicationCall")
        .into_iter()
        .filter(|l| l["error"] == "ResourceLimitExceededException")
        .cloned()
        .collect();
    assert!(!refused.is_empty());
    assert!(refused.iter().all(|l| l["status"] == 400), "{refused:?}");
}

/// A raw CreateSipMediaApplicationCall's refusal, read with the Rust SDK: the model's error.
#[test]
fn an_over_quota_create_is_the_models_resource_limit_exceeded() {
    let sandbox = Sandbox::start_with(&["--quota", "active-calls=0"]);
    let client = voice_client(&sandbox);
    runtime().block_on(async {
        let error = client
            .create_sip_media_application_call()
            .sip_media_application_id(sandbox.sma_id())
            .from_phone_number(sandbox.caller_id())
            .to_phone_number("+12065550123")
            .send()
            .await
            .expect_err("over the quota");
        let service = error.as_service_error().expect("a modeled error");
        assert!(
            service.is_resource_limit_exceeded_exception(),
            "{service:?}"
        );
        let raw = error.raw_response().unwrap();
        assert_eq!(raw.status().as_u16(), 400);
        assert!(raw.headers().get("x-amzn-RequestId").is_some());
    });
    assert!(sandbox.placed_destinations().is_empty());
}

/// The bar: 40 FilterLogEvents at once are served 25 at most in any second in us-east-1, 10 in
/// eu-west-1; the rest get ThrottlingException in the awsJson error shape.
#[test]
fn filter_log_events_are_served_at_the_regions_rate() {
    for (region, limit) in [("us-east-1", 25), ("eu-west-1", 10)] {
        let sandbox = Sandbox::start_with_access_log(&["--sandbox-region", region]);
        crate::support::put_log_lines(&sandbox, "/aws/lambda/burst", &["hello".to_string()]);
        let client = logs_client_without_retries(&sandbox);
        let answers = runtime().block_on(async {
            let requests = (0..40).map(|_| {
                let client = client.clone();
                tokio::spawn(async move {
                    client
                        .filter_log_events()
                        .log_group_name("/aws/lambda/burst")
                        .send()
                        .await
                })
            });
            let mut answers = Vec::new();
            for request in requests.collect::<Vec<_>>() {
                answers.push(request.await.unwrap());
            }
            answers
        });
        let served = answers.iter().filter(|a| a.is_ok()).count();
        let throttled: Vec<_> = answers.iter().filter_map(|a| a.as_ref().err()).collect();
        for error in &throttled {
            use aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata;
            assert_eq!(error.code(), Some("ThrottlingException"), "{error:?}");
            assert_eq!(error.raw_response().unwrap().status().as_u16(), 400);
        }
        assert_eq!(served + throttled.len(), 40);

        let lines = sandbox.access_log();
        let filters = of_operation(&lines, "FilterLogEvents");
        assert_eq!(filters.len(), 40, "{region}");
        let accepted: Vec<&Value> = filters
            .iter()
            .copied()
            .filter(|l| l["status"] == 200)
            .collect();
        assert_eq!(accepted.len(), served);
        assert!(
            busiest_second(&accepted) <= limit,
            "{region}: {accepted:#?}"
        );
        // Forty requests sent at once arrive within a second of each other here.
        let all = busiest_second(&filters);
        if all == 40 {
            assert_eq!(served, limit, "{region}");
        }
    }
}

/// Updates: 5 per second; a sixth in the same second is throttled (429) and not acted on.
#[test]
fn updates_are_accepted_five_a_second() {
    let sandbox = Sandbox::start_with_access_log(&["--answer-after", "100ms"]);
    let out = run(sandbox.chimecall().args(["dial", "--to", "+12065550123"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let tx = out.stdout.trim().to_string();
    let client = voice_client(&sandbox);
    let statuses = runtime().block_on(async {
        let requests = (0..8).map(|i| {
            let (client, sma, tx) = (client.clone(), sandbox.sma_id().to_string(), tx.clone());
            tokio::spawn(async move {
                let answer = client
                    .update_sip_media_application_call()
                    .sip_media_application_id(sma)
                    .transaction_id(tx)
                    .arguments("n", i.to_string())
                    .send()
                    .await;
                match answer {
                    Ok(_) => 202,
                    Err(error) => error.raw_response().map_or(0, |r| r.status().as_u16()),
                }
            })
        });
        let mut statuses = Vec::new();
        for request in requests.collect::<Vec<_>>() {
            statuses.push(request.await.unwrap());
        }
        statuses
    });
    let accepted = statuses.iter().filter(|s| **s == 202).count();
    assert!(
        statuses.iter().all(|s| *s == 202 || *s == 429),
        "{statuses:?}"
    );
    let lines = sandbox.access_log();
    let updates = of_operation(&lines, "UpdateSipMediaApplicationCall");
    assert_eq!(updates.len(), 8);
    assert!(updates.iter().all(|l| l["transaction_id"] == tx.as_str()));
    let taken: Vec<&Value> = updates
        .iter()
        .copied()
        .filter(|l| l["status"] == 202)
        .collect();
    assert!(busiest_second(&taken) <= 5, "{taken:#?}");
    if busiest_second(&updates) == 8 {
        assert_eq!(accepted, 5, "{statuses:?}");
    }
    assert!(updates
        .iter()
        .filter(|l| l["status"] == 429)
        .all(|l| l["error"] == "ThrottledClientException"));
}

/// A bulk run over the active-calls quota: refused rows wait for a slot and are placed, never
/// counted as failed. (Busy numbers end their calls at once.)
#[test]
fn a_bulk_run_over_the_active_calls_quota_waits_for_slots() {
    let sandbox = Sandbox::start_with_access_log(&[
        "--quota",
        "active-calls=2",
        "--quota",
        "create-rate=unlimited",
    ]);
    let rows: Vec<String> = (0..5).map(|i| format!("+1206555{i}486")).collect();
    let file = csv(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let out = run(sandbox.chimecall().args([
        "-o",
        "json",
        "dial",
        "--file",
        file.to_str().unwrap(),
        "--rate",
        "0",
    ]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let reports = json_lines(&out.stdout);
    assert_eq!(reports.len(), 5);
    assert!(
        reports.iter().all(|r| r["outcome"] == "placed"),
        "{}",
        out.stdout
    );
    assert_eq!(sandbox.placed_destinations().len(), 5);
    let refused = of_operation(&sandbox.access_log(), "CreateSipMediaApplicationCall")
        .into_iter()
        .filter(|l| l["error"] == "ResourceLimitExceededException")
        .count();
    assert!(refused > 0, "the quota was never met");
}

#[test]
fn the_startup_message_states_the_quotas_in_force() {
    let cases: &[(&[&str], &str)] = &[
        (
            &[],
            "create-rate 1/s, update-rate 5/s, active-calls 10, filter-log-events-rate 25/s",
        ),
        (
            &["--sandbox-region", "eu-west-1"],
            "create-rate 1/s, update-rate 5/s, active-calls 10, filter-log-events-rate 10/s",
        ),
        (
            &["--no-quotas", "--quota", "active-calls=3"],
            "create-rate unlimited, update-rate unlimited, active-calls 3, filter-log-events-rate unlimited",
        ),
        (
            &["--no-quotas", "--throttle-cps", "7"],
            "create-rate 7/s, update-rate unlimited, active-calls unlimited, filter-log-events-rate unlimited",
        ),
        (
            &["--quota", "update-rate=50", "--quota", "filter-log-events-rate=0"],
            "create-rate 1/s, update-rate 50/s, active-calls 10, filter-log-events-rate 0/s",
        ),
    ];
    for (flags, quotas) in cases {
        let note = startup_note(flags);
        assert!(
            note.contains(&format!("Quotas in force: {quotas}.")),
            "{flags:?}: {note}"
        );
    }
}

#[test]
fn bad_quota_flags_are_refused_at_startup() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--quota", "create-rate=1.5"],
            "whole number of requests per second",
        ),
        (&["--quota", "active-calls=-1"], "whole number of calls"),
        (&["--quota", "calls=3"], "unknown quota"),
        (&["--quota", "create-rate"], "NAME=VALUE"),
        (
            &["--quota", "create-rate=2", "--quota", "create-rate=3"],
            "given twice",
        ),
        (
            &["--throttle-cps", "3", "--quota", "create-rate=2"],
            "--throttle-cps",
        ),
        (&["--throttle-cps", "0"], "--throttle-cps"),
    ];
    for (flags, words) in cases {
        let out = run(chimecall().arg("sandbox").args(*flags));
        assert_eq!(out.code, 2, "{flags:?}: {}", out.stderr);
        assert!(out.stderr.contains(words), "{flags:?}: {}", out.stderr);
        let flag = if flags[0] == "--throttle-cps" {
            "--throttle-cps"
        } else {
            "--quota"
        };
        assert!(out.stderr.contains(flag), "{flags:?}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{flags:?}: it did not start");
    }
    let out = run(chimecall().args(["sandbox", "--access-log", "/no/such/dir/access.jsonl"]));
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--access-log"), "{}", out.stderr);
}

/// Every request gets its line, refused ones included, with the fields the docs promise.
#[test]
fn the_access_log_has_a_line_for_every_request() {
    let sandbox = Sandbox::start_with_access_log(&["--answer-after", "100ms"]);
    let address = sandbox.endpoint().trim_start_matches("http://").to_string();
    // Unsigned, to a path no operation serves: refused before any operation is looked for.
    let answer = raw_request(
        &address,
        "GET /no-such-thing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    let out = run(sandbox.chimecall().args(["dial", "--to", "+12065550123"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let tx = out.stdout.trim();
    let tail = run(sandbox.chimecall().args(["tail", tx]));
    assert_eq!(tail.code, 0, "{}", tail.stderr);

    let lines = sandbox.access_log();
    let unknown = &lines[0];
    assert_eq!(unknown["operation"], "unknown");
    assert_eq!(unknown["status"], 403);
    assert_eq!(unknown["error"], "MissingAuthenticationTokenException");
    assert_eq!(unknown["path"], "/no-such-thing");
    let create = of_operation(&lines, "CreateSipMediaApplicationCall")[0];
    assert_eq!(create["status"], 201);
    assert!(create.get("error").is_none());
    assert_eq!(create["transaction_id"], tx);
    let journal = sandbox.journal_text();
    assert!(journal.contains(create["client_request_id"].as_str().unwrap()));
    assert!(!of_operation(&lines, "GetSipMediaApplication").is_empty());
    assert!(of_operation(&lines, "FilterLogEvents")
        .iter()
        .all(|l| l["status"] == 200));
    for line in &lines {
        arrived_ms(line);
        assert!(line["ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{line}");
        assert!(
            line["request_id"].as_str().is_some_and(|id| id.len() == 36),
            "{line}"
        );
    }
}

/// A body over 1 MiB is read to its end before the 413, so the client, still sending, gets the
/// answer rather than a broken pipe.
#[test]
fn an_oversized_body_gets_its_413_not_a_broken_pipe() {
    let sandbox = Sandbox::start_with(&["--no-quotas"]);
    let address = sandbox.endpoint().trim_start_matches("http://").to_string();
    let body = vec![b'a'; 2 * 1024 * 1024];
    for _ in 0..2 {
        let mut stream = std::net::TcpStream::connect(&address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let head = format!(
            "POST /sip-media-applications/x/calls HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        // A slow sender: a sandbox that answered from the headers alone has closed by now.
        stream.write_all(&body[..64 * 1024]).unwrap();
        std::thread::sleep(Duration::from_millis(200));
        stream
            .write_all(&body[64 * 1024..])
            .expect("the whole body is read");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        assert!(
            answer.contains("RequestEntityTooLargeException"),
            "{answer}"
        );
        assert!(
            answer.to_ascii_lowercase().contains("connection: close"),
            "{answer}"
        );
    }
}

fn raw_request(address: &str, request: &str) -> String {
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

/// The sandbox's first lines on stderr, up to the quotas it states; then it is stopped.
fn startup_note(flags: &[&str]) -> String {
    let mut sandbox = Spawned::start(chimecall().args(["sandbox", "--port", "0"]).args(flags));
    sandbox.wait_for_line(Stream::Stderr, "the quotas", |line| {
        line.contains("Quotas in force")
    });
    let mut note = String::new();
    for line in sandbox.lines(Stream::Stderr) {
        note.push_str(line);
        note.push('\n');
    }
    note
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn credentials(sandbox: &Sandbox) -> aws_credential_types::Credentials {
    aws_credential_types::Credentials::new(
        sandbox.var("AWS_ACCESS_KEY_ID"),
        sandbox.var("AWS_SECRET_ACCESS_KEY"),
        None,
        None,
        "test",
    )
}

/// The Rust SDK's Chime SDK Voice client, its own retries off, so each answer is seen.
fn voice_client(sandbox: &Sandbox) -> aws_sdk_chimesdkvoice::Client {
    let config = aws_sdk_chimesdkvoice::Config::builder()
        .behavior_version(aws_sdk_chimesdkvoice::config::BehaviorVersion::latest())
        .region(aws_sdk_chimesdkvoice::config::Region::new(
            sandbox.var("AWS_REGION").to_string(),
        ))
        .endpoint_url(sandbox.endpoint())
        .credentials_provider(credentials(sandbox))
        .retry_config(aws_sdk_chimesdkvoice::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_chimesdkvoice::Client::from_conf(config)
}

fn logs_client_without_retries(sandbox: &Sandbox) -> aws_sdk_cloudwatchlogs::Client {
    let config = aws_sdk_cloudwatchlogs::Config::builder()
        .behavior_version(aws_sdk_cloudwatchlogs::config::BehaviorVersion::latest())
        .region(aws_sdk_cloudwatchlogs::config::Region::new(
            sandbox.var("AWS_REGION").to_string(),
        ))
        .endpoint_url(sandbox.endpoint())
        .credentials_provider(credentials(sandbox))
        .retry_config(aws_sdk_cloudwatchlogs::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_cloudwatchlogs::Client::from_conf(config)
}

/// Ending more calls than the update quota takes in a second: `hangup --all` paces itself at a
/// fresh account's 5 a second (`--rate`), so every call is ended and nothing is throttled.
#[test]
fn hangup_all_meets_the_update_quota() {
    let sandbox = Sandbox::start_with_access_log(&[
        "--quota",
        "create-rate=50",
        "--quota",
        "active-calls=20",
    ]);
    let numbers: Vec<String> = (0..12).map(|i| format!("+120655511{i:02}")).collect();
    let rows = csv(&numbers.iter().map(String::as_str).collect::<Vec<_>>());
    let dial = run(sandbox.chimecall().args([
        "dial",
        "--file",
        rows.to_str().unwrap(),
        "--rate",
        "50",
        "--max-active",
        "0",
    ]));
    assert_eq!(dial.code, 0, "{}", dial.stderr);
    let hangup = run(sandbox
        .chimecall()
        .args(["--output", "json", "hangup", "--all"]));
    assert_eq!(hangup.code, 0, "{}", hangup.stderr);
    assert!(
        hangup.stderr.contains("ending 12 calls at 5 a second"),
        "{}",
        hangup.stderr
    );
    let answers = json_lines(&hangup.stdout);
    assert_eq!(answers.len(), 12, "{}", hangup.stdout);
    assert!(
        answers.iter().all(|a| a["result"] == "accepted"),
        "{answers:?}"
    );
    let lines = sandbox.access_log();
    let updates = of_operation(&lines, "UpdateSipMediaApplicationCall");
    let taken: Vec<&Value> = updates
        .iter()
        .copied()
        .filter(|l| l["status"] == 202)
        .collect();
    assert_eq!(taken.len(), 12, "{updates:#?}");
    // Unpaced (`--rate 0`) the 12 met 17 throttles on this machine; paced, none, but
    // for one that jitter on a loaded machine (other tests run beside this one) may push over.
    assert!(
        updates.len() <= 13,
        "throttled more than once: {updates:#?}"
    );
    assert!(busiest_second(&taken) <= 5, "{taken:#?}");
}
