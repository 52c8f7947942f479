//! The sandbox's CloudWatch Logs through the real `aws-sdk-cloudwatchlogs` client, plus a few
//! hand-signed raw requests for what the SDK will not send (unknown targets, broken JSON, a
//! request signed for the wrong service).

use std::collections::HashSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sdk_cloudwatchlogs::config::{BehaviorVersion, Region};
use aws_sdk_cloudwatchlogs::types::{FilteredLogEvent, InputLogEvent};
use aws_sdk_cloudwatchlogs::Client;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::Sandbox;

const GROUP: &str = "/aws/lambda/logs-api-test";
const MAIN: &str = "2026/01/01/[$LATEST]0123456789abcdef";
const OTHER: &str = "other";
const TRANSACTION_ID: &str = "5e2a9c3e-7d1b-4c8a-9f00-2b6f4a1d9e11";

fn credentials(sandbox: &Sandbox) -> Credentials {
    Credentials::new(
        sandbox.var("AWS_ACCESS_KEY_ID"),
        sandbox.var("AWS_SECRET_ACCESS_KEY"),
        None,
        None,
        "logs-api-test",
    )
}

fn client(sandbox: &Sandbox) -> Client {
    let config = aws_sdk_cloudwatchlogs::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .endpoint_url(sandbox.endpoint())
        .region(Region::new(sandbox.var("AWS_REGION").to_string()))
        .credentials_provider(credentials(sandbox))
        .build();
    Client::from_conf(config)
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

fn event(timestamp: i64, message: &str) -> InputLogEvent {
    InputLogEvent::builder()
        .timestamp(timestamp)
        .message(message)
        .build()
        .unwrap()
}

async fn create_group_and_streams(logs: &Client, group: &str, streams: &[&str]) {
    logs.create_log_group()
        .log_group_name(group)
        .send()
        .await
        .unwrap();
    for stream in streams {
        logs.create_log_stream()
            .log_group_name(group)
            .log_stream_name(*stream)
            .send()
            .await
            .unwrap();
    }
}

async fn put(logs: &Client, group: &str, stream: &str, events: Vec<InputLogEvent>) {
    logs.put_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .set_log_events(Some(events))
        .send()
        .await
        .unwrap();
}

fn messages(events: &[FilteredLogEvent]) -> Vec<&str> {
    events.iter().map(|e| e.message().unwrap()).collect()
}

/// A handler's log, as the SMA guide's samples write it, in two streams.
async fn seed_handler_log(logs: &Client) -> i64 {
    create_group_and_streams(logs, GROUP, &[MAIN, OTHER]).await;
    let t0 = now_ms() - 60_000;
    put(
        logs,
        GROUP,
        MAIN,
        vec![
            event(t0, "START RequestId: 1111 Version: $LATEST"),
            event(
                t0 + 1,
                &format!(r#"{{"transactionId":"{TRANSACTION_ID}","event":"NEW_OUTBOUND_CALL"}}"#),
            ),
            event(t0 + 2, "ERROR call failed: timeout"),
            event(t0 + 3, "WARN retrying"),
            event(t0 + 4, "END RequestId: 1111"),
        ],
    )
    .await;
    put(
        logs,
        GROUP,
        OTHER,
        vec![event(t0 + 2, "ERROR in the other stream")],
    )
    .await;
    t0
}

async fn filter(logs: &Client, pattern: &str) -> Vec<String> {
    let output = logs
        .filter_log_events()
        .log_group_name(GROUP)
        .filter_pattern(pattern)
        .send()
        .await
        .unwrap();
    messages(output.events())
        .into_iter()
        .map(String::from)
        .collect()
}

#[tokio::test]
async fn filter_patterns_select_events_as_cloudwatch_documents() {
    let sandbox = Sandbox::start();
    let logs = client(&sandbox);
    seed_handler_log(&logs).await;

    // Equal timestamps come back in ingestion order.
    assert_eq!(
        filter(&logs, "ERROR").await,
        ["ERROR call failed: timeout", "ERROR in the other stream"]
    );
    assert_eq!(
        filter(&logs, r#""call failed: timeout""#).await,
        ["ERROR call failed: timeout"]
    );
    let call_event =
        format!(r#"{{"transactionId":"{TRANSACTION_ID}","event":"NEW_OUTBOUND_CALL"}}"#);
    assert_eq!(filter(&logs, TRANSACTION_ID).await, [call_event.as_str()]);
    assert_eq!(
        filter(
            &logs,
            &format!(r#""\"transactionId\":\"{TRANSACTION_ID}\"""#)
        )
        .await,
        [call_event.as_str()]
    );
    assert_eq!(
        filter(&logs, "?ERROR ?WARN").await,
        [
            "ERROR call failed: timeout",
            "ERROR in the other stream",
            "WARN retrying"
        ]
    );
    assert_eq!(
        filter(&logs, "ERROR -other").await,
        ["ERROR call failed: timeout"]
    );
    assert_eq!(filter(&logs, "").await.len(), 6);
    assert!(filter(&logs, "error").await.is_empty(), "case-sensitive");

    let error = logs
        .filter_log_events()
        .log_group_name(GROUP)
        .filter_pattern(r#"{ $.event = "NEW_OUTBOUND_CALL" }"#)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_parameter_exception(), "{error:?}");
    assert!(
        format!("{error:?}").contains("not supported by the chimecall sandbox"),
        "{error:?}"
    );
}

#[tokio::test]
async fn events_are_selected_by_time_window_and_stream() {
    let sandbox = Sandbox::start();
    let logs = client(&sandbox);
    let t0 = seed_handler_log(&logs).await;

    let window = logs
        .filter_log_events()
        .log_group_name(GROUP)
        .start_time(t0 + 1)
        .end_time(t0 + 3)
        .send()
        .await
        .unwrap();
    let timestamps: Vec<i64> = window
        .events()
        .iter()
        .map(|e| e.timestamp().unwrap())
        .collect();
    assert_eq!(
        timestamps,
        [t0 + 1, t0 + 2, t0 + 2, t0 + 3],
        "both ends inclusive"
    );
    for event in window.events() {
        assert!(event.ingestion_time().unwrap() >= t0);
        assert!(!event.event_id().unwrap().is_empty());
        assert!(event.log_stream_name().is_some());
    }

    let other = logs
        .filter_log_events()
        .log_group_name(GROUP)
        .log_stream_names(OTHER)
        .send()
        .await
        .unwrap();
    assert_eq!(messages(other.events()), ["ERROR in the other stream"]);
    assert!(other
        .events()
        .iter()
        .all(|e| e.log_stream_name() == Some(OTHER)));

    let by_prefix = logs
        .filter_log_events()
        .log_group_name(GROUP)
        .log_stream_name_prefix("2026/")
        .send()
        .await
        .unwrap();
    assert_eq!(by_prefix.events().len(), 5);

    // A log group ARN is accepted as the identifier.
    let arn = format!(
        "arn:aws:logs:{}:111122223333:log-group:{GROUP}",
        sandbox.var("AWS_REGION")
    );
    let by_arn = logs
        .filter_log_events()
        .log_group_identifier(arn)
        .send()
        .await
        .unwrap();
    assert_eq!(by_arn.events().len(), 6);
}

#[tokio::test]
async fn limit_and_next_token_page_through_every_event_exactly_once() {
    let sandbox = Sandbox::start();
    let logs = client(&sandbox);
    create_group_and_streams(&logs, GROUP, &[MAIN, OTHER]).await;
    let t0 = now_ms() - 60_000;
    // Timestamps repeat, and the streams interleave, so pages split runs of equal timestamps.
    let main: Vec<InputLogEvent> = (0..13)
        .map(|n| event(t0 + n / 3, &format!("main {n}")))
        .collect();
    let other: Vec<InputLogEvent> = (0..12)
        .map(|n| event(t0 + n / 2, &format!("other {n}")))
        .collect();
    put(&logs, GROUP, MAIN, main).await;
    put(&logs, GROUP, OTHER, other).await;

    let everything = logs
        .filter_log_events()
        .log_group_name(GROUP)
        .send()
        .await
        .unwrap();
    assert_eq!(everything.events().len(), 25);
    assert!(everything.next_token().is_none());

    let mut paged = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let output = logs
            .filter_log_events()
            .log_group_name(GROUP)
            .limit(4)
            .set_next_token(token.take())
            .send()
            .await
            .unwrap();
        assert!(output.events().len() <= 4);
        paged.extend(output.events().iter().cloned());
        pages += 1;
        match output.next_token() {
            Some(next) => token = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 7);
    let ids: Vec<&str> = paged.iter().map(|e| e.event_id().unwrap()).collect();
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), 25, "no event twice");
    let all_ids: Vec<&str> = everything
        .events()
        .iter()
        .map(|e| e.event_id().unwrap())
        .collect();
    assert_eq!(ids, all_ids, "pages keep the single answer's order");
    let timestamps: Vec<i64> = paged.iter().map(|e| e.timestamp().unwrap()).collect();
    assert!(timestamps.windows(2).all(|w| w[0] <= w[1]));

    // Newest first, when asked.
    let newest_first = logs
        .filter_log_events()
        .log_group_name(GROUP)
        .start_time(t0)
        .start_from_head(false)
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(messages(newest_first.events()), ["other 11"]);
    assert!(newest_first.next_token().is_some());
    let mut backwards = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let output = logs
            .filter_log_events()
            .log_group_name(GROUP)
            .start_time(t0)
            .start_from_head(false)
            .limit(6)
            .set_next_token(token.take())
            .send()
            .await
            .unwrap();
        backwards.extend(
            output
                .events()
                .iter()
                .map(|e| e.event_id().unwrap().to_string()),
        );
        match output.next_token() {
            Some(next) => token = Some(next.to_string()),
            None => break,
        }
    }
    let mut reversed: Vec<String> = all_ids.iter().map(|id| id.to_string()).collect();
    reversed.reverse();
    assert_eq!(backwards, reversed);
}

#[tokio::test]
async fn describe_log_groups_by_prefix_with_arns_and_pages() {
    let sandbox = Sandbox::start();
    let logs = client(&sandbox);
    let before = now_ms();
    for name in [
        "/logs-api/lambda/b",
        "/logs-api/lambda/a",
        "/logs-api/other",
    ] {
        create_group_and_streams(&logs, name, &[]).await;
    }

    let output = logs
        .describe_log_groups()
        .log_group_name_prefix("/logs-api/lambda/")
        .send()
        .await
        .unwrap();
    let groups = output.log_groups();
    let names: Vec<&str> = groups.iter().map(|g| g.log_group_name().unwrap()).collect();
    assert_eq!(names, ["/logs-api/lambda/a", "/logs-api/lambda/b"]);
    let region = sandbox.var("AWS_REGION");
    assert_eq!(
        groups[0].arn(),
        Some(format!("arn:aws:logs:{region}:111122223333:log-group:/logs-api/lambda/a:*").as_str())
    );
    assert!(groups[0].creation_time().unwrap() >= before);
    assert_eq!(groups[0].stored_bytes(), Some(0));
    assert!(output.next_token().is_none());

    let mut names = Vec::new();
    let mut token = None;
    loop {
        let page = logs
            .describe_log_groups()
            .log_group_name_prefix("/logs-api/")
            .limit(2)
            .set_next_token(token.take())
            .send()
            .await
            .unwrap();
        names.extend(
            page.log_groups()
                .iter()
                .map(|g| g.log_group_name().unwrap().to_string()),
        );
        match page.next_token() {
            Some(next) => token = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(
        names,
        [
            "/logs-api/lambda/a",
            "/logs-api/lambda/b",
            "/logs-api/other"
        ]
    );
}

#[tokio::test]
async fn errors_arrive_as_the_sdks_typed_errors() {
    let sandbox = Sandbox::start();
    let logs = client(&sandbox);
    create_group_and_streams(&logs, GROUP, &[MAIN]).await;

    let error = logs
        .create_log_group()
        .log_group_name(GROUP)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_already_exists_exception(), "{error:?}");

    let error = logs
        .create_log_stream()
        .log_group_name(GROUP)
        .log_stream_name(MAIN)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_already_exists_exception(), "{error:?}");

    let error = logs
        .create_log_stream()
        .log_group_name("/no/such/group")
        .log_stream_name("s")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");

    let error = logs
        .put_log_events()
        .log_group_name("/no/such/group")
        .log_stream_name("s")
        .log_events(event(now_ms(), "lost"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");

    let error = logs
        .filter_log_events()
        .log_group_name("/no/such/group")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_resource_not_found_exception(), "{error:?}");

    let now = now_ms();
    let error = logs
        .put_log_events()
        .log_group_name(GROUP)
        .log_stream_name(MAIN)
        .log_events(event(now, "second"))
        .log_events(event(now - 1, "first"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_parameter_exception(), "{error:?}");

    let error = logs
        .filter_log_events()
        .log_group_name(GROUP)
        .limit(10_001)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(error.is_invalid_parameter_exception(), "{error:?}");

    // Events outside 14 days back .. 2 hours ahead are rejected; the rest are kept.
    let old = now - Duration::from_secs(15 * 24 * 3600).as_millis() as i64;
    let ahead = now + Duration::from_secs(3 * 3600).as_millis() as i64;
    let output = logs
        .put_log_events()
        .log_group_name(GROUP)
        .log_stream_name(MAIN)
        .log_events(event(old, "too old"))
        .log_events(event(now, "kept"))
        .log_events(event(ahead, "too new"))
        .send()
        .await
        .unwrap();
    let rejected = output.rejected_log_events_info().unwrap();
    assert_eq!(rejected.too_old_log_event_end_index(), Some(1));
    assert_eq!(rejected.too_new_log_event_start_index(), Some(2));
    assert!(output.next_sequence_token().is_some());
    let kept = logs
        .filter_log_events()
        .log_group_name(GROUP)
        .send()
        .await
        .unwrap();
    assert_eq!(messages(kept.events()), ["kept"]);
}

// ----- raw requests -----

struct RawResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// `POST /` signed with the sandbox's key for `signing_name`, sent over a bare HTTP/1.1 socket.
async fn raw_post(sandbox: &Sandbox, signing_name: &str, target: &str, body: &str) -> RawResponse {
    let host = sandbox.endpoint().trim_start_matches("http://").to_string();
    let region = sandbox.var("AWS_REGION");
    let headers = [
        ("host", host.as_str()),
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", target),
    ];
    let identity = credentials(sandbox).into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(signing_name)
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let signable = SignableRequest::new(
        "POST",
        format!("http://{host}/"),
        headers.iter().copied(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();

    let mut request = String::from("POST / HTTP/1.1\r\n");
    for (name, value) in headers.iter().copied().chain(instructions.headers()) {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    ));
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    parse_response(&response)
}

/// A `connection: close` answer with a content-length body (which is what axum sends here).
fn parse_response(response: &str) -> RawResponse {
    let (head, body) = response.split_once("\r\n\r\n").expect("HTTP head");
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|code| code.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    RawResponse {
        status,
        headers,
        body: body.to_string(),
    }
}

#[tokio::test]
async fn raw_requests_get_aws_json_errors() {
    let sandbox = Sandbox::start();

    let unknown = raw_post(&sandbox, "logs", "Logs_20140328.NoSuchOperation", "{}").await;
    assert_eq!(unknown.status, 400, "{}", unknown.body);
    assert_eq!(
        unknown.header("x-amzn-ErrorType"),
        Some("UnknownOperationException")
    );
    assert_eq!(unknown.json()["__type"], "UnknownOperationException");
    assert!(unknown.header("x-amzn-RequestId").is_some());

    let broken = raw_post(
        &sandbox,
        "logs",
        "Logs_20140328.DescribeLogGroups",
        "{not json",
    )
    .await;
    assert_eq!(broken.status, 400, "{}", broken.body);
    assert_eq!(
        broken.header("x-amzn-ErrorType"),
        Some("SerializationException")
    );
    assert_eq!(broken.json()["__type"], "SerializationException");
    assert!(broken.json()["message"].is_string());

    let ok = raw_post(&sandbox, "logs", "Logs_20140328.DescribeLogGroups", "{}").await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(
        ok.header("content-type"),
        Some("application/x-amz-json-1.1")
    );
    assert!(ok.json()["logGroups"].is_array());

    // A Logs target must be signed for `logs`: the front end refuses a `chime` signature, in
    // the awsJson1.1 error shape (400, `__type`) as JSON-protocol services answer.
    let wrong_service = raw_post(&sandbox, "chime", "Logs_20140328.DescribeLogGroups", "{}").await;
    assert_eq!(wrong_service.status, 400, "{}", wrong_service.body);
    assert_eq!(wrong_service.json()["__type"], "InvalidSignatureException");
    assert_eq!(
        wrong_service.header("x-amzn-ErrorType"),
        Some("InvalidSignatureException")
    );
}
