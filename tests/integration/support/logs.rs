//! The sandbox's CloudWatch Logs, read and written with the real SDK as a handler author would:
//! the events its handler was sent (one log line each), and lines a test logs itself.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::Sandbox;

/// The log group of the sandbox's built-in handler.
const HANDLER_LOG_GROUP: &str = "/aws/lambda/chimecall-sandbox-handler";

/// A CloudWatch Logs client pointed at the sandbox (the real SDK, as a handler author would use).
pub fn logs_client(sandbox: &Sandbox) -> aws_sdk_cloudwatchlogs::Client {
    let credentials = aws_credential_types::Credentials::new(
        sandbox.var("AWS_ACCESS_KEY_ID"),
        sandbox.var("AWS_SECRET_ACCESS_KEY"),
        None,
        None,
        "test",
    );
    let config = aws_sdk_cloudwatchlogs::Config::builder()
        .behavior_version(aws_sdk_cloudwatchlogs::config::BehaviorVersion::latest())
        .region(aws_sdk_cloudwatchlogs::config::Region::new(
            sandbox.var("AWS_REGION").to_string(),
        ))
        .endpoint_url(sandbox.endpoint())
        .credentials_provider(credentials)
        .build();
    aws_sdk_cloudwatchlogs::Client::from_conf(config)
}

fn current_thread_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// Writes `lines` to a new stream of `group` (created if needed), as a handler's runtime would.
pub fn put_log_lines(sandbox: &Sandbox, group: &str, lines: &[String]) {
    let client = logs_client(sandbox);
    current_thread_runtime().block_on(async {
        let _ = client.create_log_group().log_group_name(group).send().await;
        let stream = format!("2026/11/29/[$LATEST]{}", std::process::id());
        let _ = client
            .create_log_stream()
            .log_group_name(group)
            .log_stream_name(&stream)
            .send()
            .await;
        let now = super::access_log::now_ms();
        let events: Vec<_> = lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                    .timestamp(now + i as i64)
                    .message(line)
                    .build()
                    .unwrap()
            })
            .collect();
        client
            .put_log_events()
            .log_group_name(group)
            .log_stream_name(&stream)
            .set_log_events(Some(events))
            .send()
            .await
            .expect("PutLogEvents");
    });
}

/// Every event of `kind` (NEW_OUTBOUND_CALL, CALL_ANSWERED, HANGUP...) the sandbox's built-in
/// handler logged, parsed, in the log's order; none if nothing has been logged yet.
pub fn handler_events(sandbox: &Sandbox, kind: &str) -> Vec<Value> {
    let client = logs_client(sandbox);
    current_thread_runtime().block_on(async {
        let mut events = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let answer = client
                .filter_log_events()
                .log_group_name(HANDLER_LOG_GROUP)
                .filter_pattern(format!("\"{kind}\""))
                .set_next_token(token.clone())
                .send()
                .await;
            let page = match answer {
                Ok(page) => page,
                // No call has been logged yet: the group does not exist.
                Err(error)
                    if error
                        .as_service_error()
                        .is_some_and(|e| e.is_resource_not_found_exception()) =>
                {
                    return events
                }
                Err(error) => panic!("FilterLogEvents: {error:?}"),
            };
            for event in page.events() {
                let message = event.message().unwrap_or_default();
                let Some(start) = message.find('{') else {
                    continue;
                };
                let Ok(value) = serde_json::from_str::<Value>(&message[start..]) else {
                    continue;
                };
                if value["InvocationEventType"] == kind {
                    events.push(value);
                }
            }
            match page.next_token() {
                Some(next) => token = Some(next.to_string()),
                None => return events,
            }
        }
    })
}

/// Polls the handler's logs until it has logged `count` events of `kind` (retries counted once
/// per TransactionId), and returns them; fails after a generous 60 s.
pub fn wait_for_handler_events(sandbox: &Sandbox, kind: &str, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let mut events = handler_events(sandbox, kind);
        let mut seen = std::collections::BTreeSet::new();
        events.retain(|e| seen.insert(e["CallDetails"]["TransactionId"].to_string()));
        if events.len() >= count {
            return events;
        }
        assert!(
            Instant::now() < deadline,
            "{} {kind} events logged, not {count}",
            events.len()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// When the handler logged its first event of `kind` (the log event's timestamp, the sandbox's
/// clock), if it has.
pub fn first_handler_event_ms(sandbox: &Sandbox, kind: &str) -> Option<i64> {
    let client = logs_client(sandbox);
    current_thread_runtime().block_on(async {
        let page = client
            .filter_log_events()
            .log_group_name(HANDLER_LOG_GROUP)
            .filter_pattern(format!("\"{kind}\""))
            .send()
            .await
            .ok()?;
        page.events()
            .iter()
            .filter_map(|event| event.timestamp())
            .min()
    })
}
