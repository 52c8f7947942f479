//! What a handler was sent and what it answered, read back from its log group as any AWS client
//! would (FilterLogEvents through the SDK): each invocation's `Request: <event>` line and the
//! `Response: <answer>` line that shares its request id. The sandbox writes both lines for every
//! invocation whichever handler answers (built in, or a function behind the Lambda Invoke API),
//! so what is read here is the protocol itself: events in, actions out.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{logs_client, Sandbox};

/// One invocation of the handler: the event, when it was logged, and the handler's answer (none
/// when the invocation failed, or for an event whose answer was not logged yet).
#[derive(Debug, Clone)]
pub struct Invocation {
    pub event: Value,
    pub logged_ms: i64,
    pub answer: Option<Value>,
}

impl Invocation {
    pub fn kind(&self) -> &str {
        self.event["InvocationEventType"].as_str().unwrap_or("?")
    }

    pub fn transaction_id(&self) -> &str {
        self.event["CallDetails"]["TransactionId"]
            .as_str()
            .unwrap_or_default()
    }

    /// LEG-A's `To`: which scenario the call belongs to.
    pub fn to(&self) -> &str {
        self.event["CallDetails"]["Participants"][0]["To"]
            .as_str()
            .unwrap_or_default()
    }

    pub fn sequence(&self) -> u64 {
        self.event["Sequence"].as_u64().unwrap_or_default()
    }
}

/// Every invocation logged in `/aws/lambda/<function_name>` so far, in the order logged.
pub fn invocations(sandbox: &Sandbox, function_name: &str) -> Vec<Invocation> {
    let group = format!("/aws/lambda/{function_name}");
    let client = logs_client(sandbox);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let lines: Vec<(i64, String)> = runtime.block_on(async {
        let mut lines = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = match client
                .filter_log_events()
                .log_group_name(&group)
                .set_next_token(token.clone())
                .send()
                .await
            {
                Ok(page) => page,
                Err(error)
                    if error
                        .as_service_error()
                        .is_some_and(|e| e.is_resource_not_found_exception()) =>
                {
                    return lines
                }
                Err(error) => panic!("FilterLogEvents {group}: {error:?}"),
            };
            for event in page.events() {
                lines.push((
                    event.timestamp().unwrap_or_default(),
                    event.message().unwrap_or_default().to_string(),
                ));
            }
            match page.next_token() {
                Some(next) => token = Some(next.to_string()),
                None => return lines,
            }
        }
    });
    // `<time>\t<request id>\t<level>\tRequest: {...}` / `Response: {...}`.
    let mut order: Vec<String> = Vec::new();
    let mut by_request: BTreeMap<String, Invocation> = BTreeMap::new();
    for (timestamp, line) in lines {
        let fields: Vec<&str> = line.splitn(4, '\t').collect();
        let [_, request_id, _, message] = fields[..] else {
            continue;
        };
        if let Some(json) = message.strip_prefix("Request: ") {
            let Ok(event) = serde_json::from_str(json) else {
                continue;
            };
            order.push(request_id.to_string());
            by_request.insert(
                request_id.to_string(),
                Invocation {
                    event,
                    logged_ms: timestamp,
                    answer: None,
                },
            );
        } else if let Some(json) = message.strip_prefix("Response: ") {
            if let (Some(invocation), Ok(answer)) =
                (by_request.get_mut(request_id), serde_json::from_str(json))
            {
                invocation.answer = Some(answer);
            }
        }
    }
    order
        .into_iter()
        .filter_map(|request_id| by_request.remove(&request_id))
        .collect()
}

/// The invocations of one call, one per Sequence (a retried event counts once: its answered
/// attempt), in Sequence order.
pub fn of_call(all: &[Invocation], transaction_id: &str) -> Vec<Invocation> {
    let mut by_sequence: BTreeMap<u64, Invocation> = BTreeMap::new();
    for invocation in all.iter().filter(|i| i.transaction_id() == transaction_id) {
        let keep = by_sequence
            .get(&invocation.sequence())
            .is_none_or(|kept| kept.answer.is_none());
        if keep {
            by_sequence.insert(invocation.sequence(), invocation.clone());
        }
    }
    by_sequence.into_values().collect()
}

/// Polls the log until a call to `to` has logged an event of `kind`; its TransactionId.
pub fn wait_for_event(sandbox: &Sandbox, function_name: &str, to: &str, kind: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let found = invocations(sandbox, function_name)
            .into_iter()
            .find(|i| i.to() == to && i.kind() == kind);
        if let Some(invocation) = found {
            return invocation.transaction_id().to_string();
        }
        assert!(
            Instant::now() < deadline,
            "no {kind} logged for a call to {to} after 60 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// One event as the protocol sees it, in a line: its type and what its ActionData says about
/// the action (type, ReceivedDigits, ErrorType), the update's Arguments, or the hangup's code
/// and leg.
pub fn summary(event: &Value) -> String {
    let kind = event["InvocationEventType"].as_str().unwrap_or("?");
    let data = &event["ActionData"];
    let text = |value: &Value| match value {
        Value::String(text) => text.clone(),
        Value::Null => "-".to_string(),
        other => other.to_string(),
    };
    match kind {
        "ACTION_SUCCESSFUL" | "ACTION_INTERRUPTED" => {
            let mut line = format!("{kind} {}", text(&data["Type"]));
            if !data["ReceivedDigits"].is_null() {
                line.push_str(&format!(
                    " ReceivedDigits={}",
                    text(&data["ReceivedDigits"])
                ));
            }
            line
        }
        "ACTION_FAILED" => format!(
            "{kind} {} {}",
            text(&data["Type"]),
            text(&data["ErrorType"])
        ),
        "CALL_UPDATE_REQUESTED" => {
            format!("{kind} {}", data["Parameters"]["Arguments"])
        }
        "HANGUP" => format!(
            "{kind} {} {}",
            text(&data["Parameters"]["SipResponseCode"]),
            text(&data["Parameters"]["ParticipantTag"])
        ),
        other => other.to_string(),
    }
}

/// `value` with every occurrence of LEG-A's CallId written `"LEG-A"`, so an answer can be
/// compared with the contract's.
pub fn with_leg_names(value: &Value, leg_a_call_id: &str) -> Value {
    match value {
        Value::String(text) if text == leg_a_call_id => Value::String("LEG-A".into()),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| with_leg_names(v, leg_a_call_id))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), with_leg_names(v, leg_a_call_id)))
                .collect(),
        ),
        other => other.clone(),
    }
}

pub fn leg_a_call_id(event: &Value) -> String {
    event["CallDetails"]["Participants"][0]["CallId"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}
