//! Following a call through its handler's logs. Chime SDK Voice has no API that reads a call's
//! state: the only truth is the invocation events the SIP media application sends its handler,
//! which the handler logs to `/aws/lambda/<function>`. This module polls CloudWatch Logs'
//! FilterLogEvents for one transaction, reads each new event once, and keeps the call's phase.

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_cloudwatchlogs::Client as LogsClient;

use crate::aws::{self, ApiError};
use crate::event::{self, CallTracker, InvocationEvent};

/// Log events can be ingested late with an earlier timestamp: each poll looks this far back
/// before the newest event already seen.
const LATE_EVENT_WINDOW_MS: i64 = 30_000;

/// One invocation event as read from the logs.
#[derive(Debug, Clone)]
pub struct ObservedEvent {
    pub event: InvocationEvent,
    pub timestamp_ms: i64,
    pub event_id: String,
}

pub struct CallFollower {
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
    pub fn new(logs: LogsClient, log_group: String, transaction_id: String, start_ms: i64) -> Self {
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

    pub fn tracker(&self) -> &CallTracker {
        &self.tracker
    }

    pub fn transaction_id(&self) -> &str {
        &self.transaction_id
    }

    pub fn log_group(&self) -> &str {
        &self.log_group
    }

    /// Whether the log group did not exist at the last poll.
    pub fn group_missing(&self) -> bool {
        self.group_missing
    }

    /// Log lines that held an event chimecall could not read (reported once by the caller).
    pub fn unreadable_events(&self) -> usize {
        self.unreadable
    }

    /// One round: every event of this transaction not seen before, in call order.
    pub async fn poll(&mut self) -> Result<Vec<ObservedEvent>, ApiError> {
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

/// How long to sleep between polls: fast while events come, slower when the call is quiet, never
/// slower than `slowest` (so a new event shows within that).
#[derive(Debug, Clone)]
pub struct PollSchedule {
    fastest: Duration,
    slowest: Duration,
    current: Duration,
}

impl PollSchedule {
    /// The default: 250 ms after activity, backing off to 1 s.
    pub fn live() -> PollSchedule {
        PollSchedule::between(Duration::from_millis(250), Duration::from_secs(1))
    }

    /// `--interval`: always this.
    pub fn fixed(interval: Duration) -> PollSchedule {
        PollSchedule::between(interval, interval)
    }

    fn between(fastest: Duration, slowest: Duration) -> PollSchedule {
        PollSchedule {
            fastest,
            slowest,
            current: fastest,
        }
    }

    /// The pause before the next poll, given whether the last one found anything.
    pub fn next(&mut self, found_events: bool) -> Duration {
        self.current = if found_events {
            self.fastest
        } else {
            (self.current.mul_f64(1.5)).min(self.slowest)
        };
        self.current
    }
}

/// The handler's log group of a SIP media application: `/aws/lambda/<function>` from its LambdaArn.
pub fn log_group_for_lambda_arn(arn: &str) -> Option<String> {
    let (_, function) = arn.split_once(":function:")?;
    let name = function.split(':').next()?;
    (!name.is_empty()).then(|| format!("/aws/lambda/{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_group_from_arn() {
        assert_eq!(
            log_group_for_lambda_arn("arn:aws:lambda:us-east-1:111122223333:function:my-handler")
                .as_deref(),
            Some("/aws/lambda/my-handler")
        );
        assert_eq!(
            log_group_for_lambda_arn("arn:aws:lambda:us-east-1:111122223333:function:h:live")
                .as_deref(),
            Some("/aws/lambda/h")
        );
        assert_eq!(log_group_for_lambda_arn("not-an-arn"), None);
    }

    #[test]
    fn schedule_backs_off_to_the_slowest_and_resets() {
        let mut schedule = PollSchedule::live();
        let mut last = Duration::ZERO;
        for _ in 0..10 {
            last = schedule.next(false);
            assert!(last <= Duration::from_secs(1));
        }
        assert_eq!(last, Duration::from_secs(1));
        assert_eq!(schedule.next(true), Duration::from_millis(250));
    }
}
