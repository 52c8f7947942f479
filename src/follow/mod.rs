//! Following a call through its handler's logs. Chime SDK Voice has no API that reads a call's
//! state: the only truth is the invocation events the SIP media application sends its handler,
//! which the handler logs to `/aws/lambda/<function>`. This module polls CloudWatch Logs'
//! FilterLogEvents for one transaction, reads each new event once, and keeps the call's phase.

mod log_group;
mod schedule;
mod wait;

pub(crate) use log_group::{follower_for, log_group_of, LogSource};
pub(crate) use schedule::PollSchedule;
pub(crate) use wait::{wait_for, WaitFor};

use std::collections::HashSet;

use aws_sdk_cloudwatchlogs::Client as LogsClient;

use crate::aws::{self, ApiError};
use crate::call::CallTracker;
use crate::event::{self, InvocationEvent};

/// Log events can be ingested late with an earlier timestamp: each poll looks this far back
/// before the newest event already seen.
const LATE_EVENT_WINDOW_MS: i64 = 30_000;

/// One invocation event as read from the logs.
#[derive(Debug, Clone)]
pub(crate) struct ObservedEvent {
    pub(crate) event: InvocationEvent,
    pub(crate) timestamp_ms: i64,
    pub(crate) event_id: String,
}

pub(crate) struct CallFollower {
    logs: LogsClient,
    log_group: String,
    transaction_id: String,
    start_ms: i64,
    seen_event_ids: HashSet<String>,
    /// Events already shown, by their JSON: a retried invocation logs the same event again.
    seen_events: HashSet<String>,
    tracker: CallTracker,
    unreadable: usize,
    /// The last poll found no such log group (yet: a handler's group appears with its first log).
    group_missing: bool,
}

impl CallFollower {
    pub(crate) fn new(
        logs: LogsClient,
        log_group: String,
        transaction_id: String,
        start_ms: i64,
    ) -> Self {
        CallFollower {
            logs,
            log_group,
            tracker: CallTracker::for_transaction(transaction_id.clone()),
            transaction_id,
            start_ms,
            seen_event_ids: HashSet::new(),
            seen_events: HashSet::new(),
            unreadable: 0,
            group_missing: false,
        }
    }

    pub(crate) fn tracker(&self) -> &CallTracker {
        &self.tracker
    }

    pub(crate) fn transaction_id(&self) -> &str {
        &self.transaction_id
    }

    pub(crate) fn log_group(&self) -> &str {
        &self.log_group
    }

    /// Whether the log group did not exist at the last poll.
    pub(crate) fn group_missing(&self) -> bool {
        self.group_missing
    }

    /// Log lines that held an event chimecall could not read (reported once by the caller).
    pub(crate) fn unreadable_events(&self) -> usize {
        self.unreadable
    }

    /// One round: every event of this transaction not seen before, in call order.
    pub(crate) async fn poll(&mut self) -> Result<Vec<ObservedEvent>, ApiError> {
        // The transaction id in quotes: an exact-text term, which its dashes need.
        let pattern = format!("\"{}\"", self.transaction_id);
        let answer =
            aws::filter_log_events(&self.logs, &self.log_group, &pattern, self.start_ms).await;
        let log_events = match answer {
            Ok(events) => events,
            // A handler's group appears with its first log line: until then, nothing to read.
            Err(error) if error.code.as_deref() == Some("ResourceNotFoundException") => {
                self.group_missing = true;
                return Ok(Vec::new());
            }
            Err(error) => return Err(error),
        };
        self.group_missing = false;
        let mut fresh = Vec::new();
        for log_event in log_events {
            let event_id = log_event.event_id().unwrap_or_default().to_string();
            if !event_id.is_empty() && !self.seen_event_ids.insert(event_id.clone()) {
                continue;
            }
            let Some(message) = log_event.message() else {
                continue;
            };
            let event = match event::read_event(message) {
                None => continue,
                Some(Err(error)) => {
                    tracing::debug!(%error, "unreadable event in the logs");
                    self.unreadable += 1;
                    continue;
                }
                Some(Ok(event)) => event,
            };
            if event.transaction_id.as_deref() != Some(self.transaction_id.as_str()) {
                continue;
            }
            if !self.seen_events.insert(event.raw.to_string()) {
                continue;
            }
            fresh.push(ObservedEvent {
                event,
                timestamp_ms: log_event.timestamp().unwrap_or_default(),
                event_id,
            });
        }
        fresh.sort_by_key(|e| (e.event.sequence.unwrap_or(u64::MAX), e.timestamp_ms));
        for observed in &fresh {
            self.tracker.observe(&observed.event);
        }
        if let Some(newest) = fresh.iter().map(|e| e.timestamp_ms).max() {
            self.start_ms = self.start_ms.max(newest - LATE_EVENT_WINDOW_MS);
        }
        Ok(fresh)
    }
}
