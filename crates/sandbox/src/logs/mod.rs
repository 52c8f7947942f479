//! The sandbox's CloudWatch Logs: the part of the service that SMA handlers write to and that
//! `chimecall tail` (like `aws logs tail`) reads back with FilterLogEvents. It speaks awsJson1.1
//! on `POST /` (`X-Amz-Target: Logs_20140328.<Operation>`) with the model's member names, limits
//! and error types, so the real SDK clients need nothing but the endpoint.
//!
//! Operations: CreateLogGroup, CreateLogStream, DescribeLogGroups, PutLogEvents, FilterLogEvents.
//! Where the sandbox knowingly differs from AWS:
//! - events can be searched as soon as they are stored (at AWS ingestion can lag seconds);
//! - filter patterns: only the unstructured-text forms (terms, `"quoted phrases"`, `?any`,
//!   `-exclude`). JSON `{ $.x = ... }`, space-delimited `[ ... ]` and `%regex%` patterns are
//!   refused with InvalidParameterException rather than evaluated;
//! - retention, KMS keys, tags and deletion protection are accepted where the model allows them,
//!   then ignored: events never expire;
//! - FilterLogEvents ignores `logStreamNames` that do not exist instead of failing, because a
//!   handler's stream may not exist yet when a tail starts polling;
//! - `storedBytes` counts message bytes as they are stored, with no compression and no lag.
//!
//! This file is the wire (dispatch, body parsing, the error shape); `store` holds the data, one
//! file per group of operations works on it (`groups`, `put_events`, `filter_events`), and
//! `filter_pattern`, `members` and `error` are the language, rules and errors they share.

mod error;
mod filter_events;
mod filter_pattern;
mod groups;
mod members;
mod put_events;
mod store;

pub(crate) use error::LogsError;
pub(crate) use store::LogStore;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chimecall_model::clock;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::access_log::Arrival;
use crate::Sandbox;

/// `X-Amz-Target` names the operation after this prefix (the API version).
const TARGET_PREFIX: &str = "Logs_20140328.";
/// awsJson1.1's content type, on answers and errors alike.
const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

impl IntoResponse for LogsError {
    fn into_response(self) -> Response {
        let body = json!({ "__type": self.error_type, "message": self.message });
        let mut response = (StatusCode::BAD_REQUEST, body.to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
        headers.insert(
            "x-amzn-ErrorType",
            HeaderValue::from_static(self.error_type),
        );
        response
    }
}

/// The operation named by `X-Amz-Target: Logs_20140328.<Operation>`.
fn operation(headers: &HeaderMap) -> Result<&str, LogsError> {
    headers
        .get("x-amz-target")
        .and_then(|value| value.to_str().ok())
        .and_then(|target| target.strip_prefix(TARGET_PREFIX))
        .ok_or_else(LogsError::unknown_operation)
}

/// awsJson bodies are JSON objects; an empty body is taken as `{}`.
fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, LogsError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        &b"{}"[..]
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| {
        LogsError::new(
            "SerializationException",
            format!("Request body is not valid: {e}"),
        )
    })
}

/// The operation a request names, for the access log.
pub(crate) fn operation_name(headers: &HeaderMap) -> Option<&str> {
    operation(headers).ok().filter(|name| {
        !name.is_empty() && name.len() <= 64 && name.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Runs the operation the request names; `None` is an operation without output. The account's
/// FilterLogEvents rate quota is checked before the request is read.
fn run_operation(
    sandbox: &Sandbox,
    headers: &HeaderMap,
    body: &[u8],
    arrived: std::time::Instant,
) -> Result<Option<Value>, LogsError> {
    let store = &sandbox.logs;
    let region = sandbox.config.region.as_str();
    match operation(headers)? {
        "CreateLogGroup" => store
            .create_log_group(parse(body)?, clock::now_ms())
            .map(|()| None),
        "CreateLogStream" => store.create_log_stream(parse(body)?).map(|()| None),
        "DescribeLogGroups" => store.describe_log_groups(parse(body)?, region).map(Some),
        "PutLogEvents" => store
            .put_log_events(parse(body)?, clock::now_ms())
            .map(Some),
        "FilterLogEvents" => {
            if !sandbox.quotas.filter_log_events.admit(arrived) {
                return Err(LogsError::throttling());
            }
            store.filter_log_events(parse(body)?, region).map(Some)
        }
        _ => Err(LogsError::unknown_operation()),
    }
}

/// `POST /` with `X-Amz-Target: Logs_20140328.<Operation>`.
pub(crate) async fn dispatch(
    State(sandbox): State<Arc<Sandbox>>,
    arrival: Option<Extension<Arrival>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let arrived = arrival.map_or_else(std::time::Instant::now, |Extension(a)| a.instant);
    match run_operation(&sandbox, &headers, &body, arrived) {
        // Operations without output answer an empty body, as AWS does.
        Ok(output) => (
            [(header::CONTENT_TYPE, CONTENT_TYPE)],
            output.map(|v| v.to_string()).unwrap_or_default(),
        )
            .into_response(),
        Err(error) => {
            tracing::info!(error = error.error_type, message = %error.message, "logs request refused");
            error.into_response()
        }
    }
}

#[cfg(test)]
mod test_support {
    //! What the operations' tests share: a fixed clock, and requests written as JSON.

    use serde::de::DeserializeOwned;
    use serde_json::{json, Value};

    use super::{LogStore, LogsError};

    pub(super) const REGION: &str = "us-east-1";
    pub(super) const NOW: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    pub(super) fn request<T: DeserializeOwned>(body: Value) -> T {
        serde_json::from_value(body).expect("request shape")
    }

    pub(super) fn store_with_stream(group: &str, stream: &str) -> LogStore {
        let store = LogStore::new();
        store
            .create_log_group(request(json!({ "logGroupName": group })), NOW)
            .unwrap();
        store
            .create_log_stream(request(
                json!({ "logGroupName": group, "logStreamName": stream }),
            ))
            .unwrap();
        store
    }

    pub(super) fn filter(store: &LogStore, body: Value) -> Result<Value, LogsError> {
        store.filter_log_events(request(body), REGION)
    }

    pub(super) fn messages(output: &Value) -> Vec<String> {
        output["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["message"].as_str().unwrap().to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::filter_events::FilterLogEventsRequest;
    use super::*;

    #[test]
    fn the_wire_names_the_operation_and_the_error_type() {
        let mut headers = HeaderMap::new();
        assert_eq!(
            operation(&headers).unwrap_err().error_type,
            "UnknownOperationException"
        );
        headers.insert(
            "x-amz-target",
            HeaderValue::from_static("Logs_20140328.FilterLogEvents"),
        );
        assert_eq!(operation(&headers).unwrap(), "FilterLogEvents");
        assert_eq!(
            parse::<FilterLogEventsRequest>(b"{not json")
                .err()
                .unwrap()
                .error_type,
            "SerializationException"
        );
        assert_eq!(
            parse::<FilterLogEventsRequest>(br#"{"limit":"ten"}"#)
                .err()
                .unwrap()
                .error_type,
            "SerializationException"
        );
        assert!(parse::<FilterLogEventsRequest>(b"").is_ok());

        let response = LogsError::group_not_found().into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            response.headers()["x-amzn-ErrorType"],
            "ResourceNotFoundException"
        );
        assert_eq!(response.headers()[header::CONTENT_TYPE], CONTENT_TYPE);
    }
}
