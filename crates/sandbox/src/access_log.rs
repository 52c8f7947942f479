//! `--access-log PATH`: one JSON object per line for every request the sandbox serves, the
//! refused ones included (authentication failures, throttles, unknown operations), so that tests
//! and benchmarks can read what the service saw: when each request arrived (where AWS counts its
//! rate quotas), which operation it was, and how it was answered.
//!
//! Each line is written whole, under a lock, before the answer leaves: lines never interleave,
//! and a reader tailing the file has a request's line by the time its client has the answer. A
//! request whose connection is closed unanswered (the `drop-after` fault) gets its line then.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use axum::response::Response;
use chimecall_model::clock;
use serde::{Deserialize, Serialize};

/// The ArgumentsMap key chimecall sends its client request id under.
const CLIENT_REQUEST_ID_KEY: &str = "chimecall-request-id";
/// Text from the request (path, request id) is cut to this many characters.
const MAX_TEXT: usize = 256;

/// When a request arrived: the instant the quotas count it at, and the wall-clock time the log
/// shows. Every request carries one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Arrival {
    pub(crate) instant: Instant,
    pub(crate) time: SystemTime,
}

impl Arrival {
    pub(crate) fn now() -> Arrival {
        Arrival {
            instant: Instant::now(),
            time: SystemTime::now(),
        }
    }
}

/// The open log file.
#[derive(Debug)]
pub(crate) struct AccessLog {
    file: Mutex<File>,
}

impl AccessLog {
    /// Opens `path` for appending (created if missing), as access logs are.
    pub(crate) fn open(path: &Path) -> std::io::Result<AccessLog> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(AccessLog {
            file: Mutex::new(file),
        })
    }

    /// Starts the line of a request; it is written when the entry is finished or dropped.
    pub(crate) fn begin(self: &Arc<Self>, arrival: Arrival, request: RequestFacts<'_>) -> Entry {
        Entry {
            log: Arc::clone(self),
            arrival,
            operation: request.operation.to_string(),
            method: request.method.to_string(),
            path: cut(request.path),
            request_id: request.request_id.to_string(),
            client_request_id: None,
            call: CallNote::default(),
            written: false,
        }
    }

    fn write(&self, line: &Line<'_>) {
        let Ok(mut text) = serde_json::to_string(line) else {
            return;
        };
        text.push('\n');
        let mut file = self.file.lock().expect("access log");
        // One write per line, on a file opened for appending; File is unbuffered, so the line
        // is in the file when this returns.
        if let Err(error) = file.write_all(text.as_bytes()) {
            tracing::warn!(%error, "cannot write the access log");
        }
    }
}

/// What the front end knows of a request when it arrives.
pub(crate) struct RequestFacts<'a> {
    pub(crate) operation: &'a str,
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) request_id: &'a str,
}

/// Where an operation tells the log which call a request was about: the TransactionId a create
/// placed, or the one an update named. Requests carry it only while the log is on.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallNote(Arc<Mutex<Option<String>>>);

impl CallNote {
    pub(crate) fn set(&self, transaction_id: &str) {
        *self.0.lock().expect("call note") = Some(cut(transaction_id));
    }

    fn get(&self) -> Option<String> {
        self.0.lock().expect("call note").clone()
    }
}

/// One request's line in the making.
pub(crate) struct Entry {
    log: Arc<AccessLog>,
    arrival: Arrival,
    operation: String,
    method: String,
    path: String,
    request_id: String,
    client_request_id: Option<String>,
    call: CallNote,
    written: bool,
}

#[derive(Deserialize)]
struct ArgumentsOf {
    #[serde(rename = "ArgumentsMap", alias = "Arguments")]
    arguments: Option<std::collections::HashMap<String, serde_json::Value>>,
}

impl Entry {
    pub(crate) fn call_note(&self) -> CallNote {
        self.call.clone()
    }

    /// Reads the client request id from a create's ArgumentsMap (or an update's Arguments).
    pub(crate) fn note_body(&mut self, body: &[u8]) {
        if !matches!(
            self.operation.as_str(),
            "CreateSipMediaApplicationCall" | "UpdateSipMediaApplicationCall"
        ) {
            return;
        }
        self.client_request_id = serde_json::from_slice::<ArgumentsOf>(body)
            .ok()
            .and_then(|body| body.arguments)
            .and_then(|arguments| {
                arguments
                    .get(CLIENT_REQUEST_ID_KEY)
                    .and_then(|id| id.as_str())
                    .map(cut)
            });
    }

    /// The answer is ready: its line goes into the log now, before the answer is sent.
    pub(crate) fn finish(mut self, response: &Response) {
        let error = response
            .headers()
            .get("x-amzn-ErrorType")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        self.write(Some(response.status().as_u16()), error.as_deref());
    }

    fn write(&mut self, status: Option<u16>, error: Option<&str>) {
        self.written = true;
        let elapsed = self.arrival.instant.elapsed();
        self.log.write(&Line {
            time: clock::system_time_rfc3339_ms(self.arrival.time),
            operation: &self.operation,
            status,
            error,
            ms: (elapsed.as_secs_f64() * 1e6).round() / 1e3,
            client_request_id: self.client_request_id.as_deref(),
            transaction_id: self.call.get(),
            request_id: &self.request_id,
            method: &self.method,
            path: &self.path,
            dropped: status.is_none(),
        });
    }
}

impl Drop for Entry {
    /// Never finished: the connection was closed with no answer.
    fn drop(&mut self) {
        if !self.written {
            self.write(None, None);
        }
    }
}

/// One line of the log, its fields in this order.
#[derive(Serialize)]
struct Line<'a> {
    time: String,
    operation: &'a str,
    /// `null` when the connection was closed with no answer.
    status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    ms: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_request_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transaction_id: Option<String>,
    request_id: &'a str,
    method: &'a str,
    path: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    dropped: bool,
}

fn cut(text: &str) -> String {
    text.chars().take(MAX_TEXT).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(log: &Arc<AccessLog>, operation: &str) -> Entry {
        log.begin(
            Arrival::now(),
            RequestFacts {
                operation,
                method: "POST",
                path: "/sip-media-applications/sma/calls",
                request_id: "rid",
            },
        )
    }

    #[test]
    fn one_line_per_request_whatever_its_end() {
        let dir = tempfile_dir();
        let path = dir.join("access.jsonl");
        let log = Arc::new(AccessLog::open(&path).unwrap());

        let mut create = entry(&log, "CreateSipMediaApplicationCall");
        create.note_body(br#"{"ArgumentsMap":{"chimecall-request-id":"dial-1","x":"y"}}"#);
        create.call_note().set("tx-1");
        let response =
            axum::response::IntoResponse::into_response((axum::http::StatusCode::CREATED, "{}"));
        create.finish(&response);

        let mut throttled = entry(&log, "CreateSipMediaApplicationCall");
        throttled.note_body(b"{not json");
        let mut response = axum::response::IntoResponse::into_response((
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            "{}",
        ));
        response.headers_mut().insert(
            "x-amzn-ErrorType",
            axum::http::HeaderValue::from_static("ThrottledClientException"),
        );
        throttled.finish(&response);

        drop(entry(&log, "UpdateSipMediaApplicationCall"));

        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert_eq!(lines[0]["status"], 201);
        assert_eq!(lines[0]["client_request_id"], "dial-1");
        assert_eq!(lines[0]["transaction_id"], "tx-1");
        assert!(lines[0].get("error").is_none());
        assert!(clock::parse_rfc3339_ms(lines[0]["time"].as_str().unwrap()).is_some());
        assert!(lines[0]["ms"].as_f64().unwrap() >= 0.0);
        assert_eq!(lines[1]["status"], 429);
        assert_eq!(lines[1]["error"], "ThrottledClientException");
        assert!(lines[1].get("client_request_id").is_none());
        assert!(lines[2]["status"].is_null());
        assert_eq!(lines[2]["dropped"], true);
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("chimecall-access-log-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir(&dir).unwrap();
        dir
    }
}
