//! The handler's log, as a Lambda function's Node.js runtime writes it to CloudWatch Logs: one
//! group per function (`/aws/lambda/NAME`), one stream per warm instance, and for each invocation
//! its START, Request, Response (or Invoke Error), END and REPORT lines. `chimecall tail` finds
//! the invocation events in these lines, so their shape is part of what the sandbox promises.

use std::fmt::Display;
use std::time::Instant;

use chimecall_model::clock;
use serde_json::Value;

/// The log group a function's runtime writes to.
pub(crate) fn group_name(function_name: &str) -> String {
    format!("/aws/lambda/{function_name}")
}

/// A fresh instance's log stream, `2026/11/29/[$LATEST]<32 hex digits>`, dated today (UTC).
pub(crate) fn stream_name() -> String {
    let today = clock::utc(clock::now_ms()).map(|now| now.date());
    let (year, month, day) = today.map_or((1970, 1, 1), |date| {
        (date.year(), u8::from(date.month()), date.day())
    });
    format!(
        "{year:04}/{month:02}/{day:02}/[$LATEST]{}",
        uuid::Uuid::new_v4().simple()
    )
}

/// The lines of one invocation, which share its request id.
pub(crate) struct InvocationLines {
    request_id: String,
    started: Instant,
}

impl InvocationLines {
    /// A new invocation: a fresh request id, and its REPORT duration counted from now.
    pub(crate) fn begin() -> InvocationLines {
        InvocationLines {
            request_id: uuid::Uuid::new_v4().to_string(),
            started: Instant::now(),
        }
    }

    pub(crate) fn start(&self) -> String {
        format!("START RequestId: {} Version: $LATEST", self.request_id)
    }

    /// The event as the handler received it.
    pub(crate) fn request(&self, event: &Value) -> String {
        self.entry("INFO", format_args!("Request: {event}"))
    }

    /// The handler's answer.
    pub(crate) fn response(&self, answer: &Value) -> String {
        self.entry("INFO", format_args!("Response: {answer}"))
    }

    /// Why the invocation produced no answer.
    pub(crate) fn invoke_error(&self, error: &impl Display) -> String {
        self.entry("ERROR", format_args!("Invoke Error: {error}"))
    }

    pub(crate) fn end(&self) -> String {
        format!("END RequestId: {}", self.request_id)
    }

    pub(crate) fn report(&self) -> String {
        format!(
            "REPORT RequestId: {}\tDuration: {:.2} ms",
            self.request_id,
            self.started.elapsed().as_secs_f64() * 1000.0
        )
    }

    /// What `console.log` writes: time, request id, level, message, separated by tabs.
    fn entry(&self, level: &str, message: std::fmt::Arguments<'_>) -> String {
        format!(
            "{}\t{}\t{level}\t{message}",
            clock::now_rfc3339_ms(),
            self.request_id
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lines_are_shaped_like_a_node_runtime_s() {
        let lines = InvocationLines {
            request_id: "rid".into(),
            started: Instant::now(),
        };
        assert_eq!(lines.start(), "START RequestId: rid Version: $LATEST");
        let request = lines.request(&json!({"Sequence": 1}));
        let fields: Vec<&str> = request.split('\t').collect();
        assert_eq!(fields.len(), 4, "{request}");
        assert!(clock::parse_rfc3339_ms(fields[0]).is_some(), "{request}");
        assert_eq!(fields[1..], ["rid", "INFO", r#"Request: {"Sequence":1}"#]);
        assert!(lines
            .invoke_error(&"boom")
            .ends_with("\trid\tERROR\tInvoke Error: boom"));
        assert_eq!(lines.end(), "END RequestId: rid");
        assert!(lines
            .report()
            .starts_with("REPORT RequestId: rid\tDuration: "));
        assert!(lines.report().ends_with(" ms"));
    }

    #[test]
    fn group_and_stream_names_are_lambda_s() {
        assert_eq!(group_name("fn"), "/aws/lambda/fn");
        let stream = stream_name();
        let (date, instance) = stream.split_once("/[$LATEST]").unwrap();
        assert_eq!(date.len(), 10, "{stream}");
        assert_eq!(date.matches('/').count(), 2, "{stream}");
        assert_eq!(instance.len(), 32, "{stream}");
    }
}
