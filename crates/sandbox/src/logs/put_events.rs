//! PutLogEvents: a batch is checked against the model and the documented quotas, then stored;
//! events too old or too far ahead are rejected and the rest kept, as at AWS.

use serde::Deserialize;
use serde_json::{json, Value};

use super::error::{constraint, LogsError};
use super::members::{check_group_name, check_stream_name, required};
use super::store::{Inner, LogStore};

// The quotas, from the operation's documentation.
const MAX_BATCH_EVENTS: usize = 10_000;

const MAX_BATCH_BYTES: usize = 1_048_576;

/// What AWS adds to each message's UTF-8 length when it sizes a batch.
const EVENT_OVERHEAD_BYTES: usize = 26;

const HOUR_MS: i64 = 3_600_000;

const MAX_EVENT_AGE_MS: i64 = 14 * 24 * HOUR_MS;

const MAX_EVENT_LEAD_MS: i64 = 2 * HOUR_MS;

const MAX_BATCH_SPAN_MS: i64 = 24 * HOUR_MS;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PutLogEventsRequest {
    log_group_name: Option<String>,
    log_stream_name: Option<String>,
    log_events: Option<Vec<InputLogEvent>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InputLogEvent {
    timestamp: Option<i64>,
    message: Option<String>,
}

impl LogStore {
    pub(super) fn put_log_events(
        &self,
        request: PutLogEventsRequest,
        now: i64,
    ) -> Result<Value, LogsError> {
        let group_name = required("logGroupName", request.log_group_name)?;
        check_group_name("logGroupName", &group_name)?;
        let stream_name = required("logStreamName", request.log_stream_name)?;
        check_stream_name("logStreamName", &stream_name)?;
        let events = check_batch(required("logEvents", request.log_events)?)?;
        let accepted = accepted_range(&events, now);
        let span = match &events[accepted.clone()] {
            [first, .., last] => last.0 - first.0,
            _ => 0,
        };
        if span > MAX_BATCH_SPAN_MS {
            return Err(LogsError::invalid_parameter(
                "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.",
            ));
        }

        let mut inner = self.lock();
        let Inner {
            groups,
            next_sequence,
        } = &mut *inner;
        let stream = groups
            .get_mut(&group_name)
            .ok_or_else(LogsError::group_not_found)?
            .streams
            .get_mut(&stream_name)
            .ok_or_else(LogsError::stream_not_found)?;
        let total = events.len();
        for (timestamp, message) in events.into_iter().take(accepted.end).skip(accepted.start) {
            stream.push(next_sequence, timestamp, message, now);
        }
        // Sequence tokens are ignored by AWS now, but still answered.
        let mut body = json!({ "nextSequenceToken": format!("{:056}", *next_sequence) });
        if let Some(rejected) = rejected_info(accepted, total) {
            body["rejectedLogEventsInfo"] = rejected;
        }
        Ok(body)
    }
}

/// Checks a batch against the model and the documented quotas; answers (timestamp, message) pairs.
fn check_batch(events: Vec<InputLogEvent>) -> Result<Vec<(i64, String)>, LogsError> {
    if events.is_empty() || events.len() > MAX_BATCH_EVENTS {
        return Err(constraint(
            "logEvents",
            format!("[{} events]", events.len()),
            &format!("Member must have length between 1 and {MAX_BATCH_EVENTS}"),
        ));
    }
    let mut checked = Vec::with_capacity(events.len());
    for (index, event) in events.into_iter().enumerate() {
        // The model's member path, 1-based as in AWS's validation messages.
        let at = |member: &str| format!("logEvents.{}.member.{member}", index + 1);
        let timestamp = required(&at("timestamp"), event.timestamp)?;
        let message = required(&at("message"), event.message)?;
        if timestamp < 0 {
            return Err(constraint(
                &at("timestamp"),
                timestamp,
                "Member must have value greater than or equal to 0",
            ));
        }
        if message.is_empty() {
            return Err(constraint(
                &at("message"),
                "",
                "Member must have length greater than or equal to 1",
            ));
        }
        checked.push((timestamp, message));
    }
    if checked.windows(2).any(|pair| pair[1].0 < pair[0].0) {
        return Err(LogsError::invalid_parameter(
            "Log events in a single PutLogEvents request must be in chronological order.",
        ));
    }
    let size: usize = checked
        .iter()
        .map(|(_, message)| message.len() + EVENT_OVERHEAD_BYTES)
        .sum();
    if size > MAX_BATCH_BYTES {
        return Err(LogsError::invalid_parameter(format!(
            "Upload too large: {size} bytes exceeds limit of {MAX_BATCH_BYTES}"
        )));
    }
    Ok(checked)
}

/// The events AWS keeps from a chronological batch: those neither more than 14 days old nor
/// more than 2 hours ahead. Being sorted, the too-old ones are a prefix and the too-new a suffix.
fn accepted_range(events: &[(i64, String)], now: i64) -> std::ops::Range<usize> {
    let start = events.partition_point(|(t, _)| *t < now - MAX_EVENT_AGE_MS);
    let end = events.partition_point(|(t, _)| *t <= now + MAX_EVENT_LEAD_MS);
    start..end.max(start)
}

/// `rejectedLogEventsInfo`: the too-old end index is exclusive, the too-new start inclusive.
fn rejected_info(accepted: std::ops::Range<usize>, total: usize) -> Option<Value> {
    let mut info = serde_json::Map::new();
    if accepted.start > 0 {
        info.insert("tooOldLogEventEndIndex".into(), json!(accepted.start));
    }
    if accepted.end < total {
        info.insert("tooNewLogEventStartIndex".into(), json!(accepted.end));
    }
    (!info.is_empty()).then_some(Value::Object(info))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::test_support::*;
    #[test]
    fn put_log_events_stores_in_order_and_checks_the_batch() {
        let store = store_with_stream("/app", "s");
        let put = |events: Value| {
            store.put_log_events(
                request(
                    json!({ "logGroupName": "/app", "logStreamName": "s", "logEvents": events }),
                ),
                NOW,
            )
        };
        let output = put(json!([
            { "timestamp": NOW - 2, "message": "one" },
            { "timestamp": NOW - 2, "message": "two" },
        ]))
        .unwrap();
        assert_eq!(output["nextSequenceToken"].as_str().unwrap().len(), 56);
        assert!(output.get("rejectedLogEventsInfo").is_none());

        for (events, why) in [
            (json!([]), "length between 1 and 10000"),
            (
                json!([{ "timestamp": NOW, "message": "b" }, { "timestamp": NOW - 1, "message": "a" }]),
                "chronological order",
            ),
            (
                json!([{ "timestamp": NOW, "message": "" }]),
                "logEvents.1.member.message",
            ),
            (
                json!([{ "message": "no time" }]),
                "logEvents.1.member.timestamp",
            ),
            (
                json!([{ "timestamp": NOW - 23 * HOUR_MS, "message": "a" }, { "timestamp": NOW + HOUR_MS + 1, "message": "b" }]),
                "24 hours",
            ),
        ] {
            let error = put(events.clone()).unwrap_err();
            assert_eq!(error.error_type, "InvalidParameterException", "{events}");
            assert!(error.message.contains(why), "{}", error.message);
        }
        let output = filter(&store, json!({ "logGroupName": "/app" })).unwrap();
        assert_eq!(messages(&output), ["one", "two"]);
    }

    #[test]
    fn too_old_and_too_new_events_are_rejected_and_the_rest_kept() {
        let store = store_with_stream("/app", "s");
        let output = store
            .put_log_events(
                request(json!({
                    "logGroupName": "/app",
                    "logStreamName": "s",
                    "logEvents": [
                        { "timestamp": NOW - 15 * 24 * HOUR_MS, "message": "ancient" },
                        { "timestamp": NOW - 1, "message": "recent" },
                        { "timestamp": NOW + 3 * HOUR_MS, "message": "future" },
                    ],
                })),
                NOW,
            )
            .unwrap();
        assert_eq!(
            output["rejectedLogEventsInfo"],
            json!({ "tooOldLogEventEndIndex": 1, "tooNewLogEventStartIndex": 2 })
        );
        let output = filter(&store, json!({ "logGroupName": "/app" })).unwrap();
        assert_eq!(messages(&output), ["recent"]);
    }
}
