//! CloudWatch Logs, as much of it as handlers and `chimecall tail` use (awsJson1.1 on `POST /`).
//! TO BE WRITTEN (helper): see the task description.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::Sandbox;

/// Every log group, stream and event of the sandbox's account.
#[derive(Debug, Default)]
pub struct LogStore {}

impl LogStore {
    pub fn new() -> LogStore {
        LogStore::default()
    }

    /// Appends one event as a Lambda runtime does: the group and stream are created if missing.
    pub fn append(&self, _group: &str, _stream: &str, _timestamp_ms: i64, _message: String) {}
}

/// `POST /` with `X-Amz-Target: Logs_20140328.<Operation>`.
pub async fn dispatch(
    State(_sandbox): State<Arc<Sandbox>>,
    _headers: HeaderMap,
    _body: Bytes,
) -> Response {
    super::aws_error::AwsError::unknown_operation().into_response()
}
