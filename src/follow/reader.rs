//! The one way the client reads the logs: every FilterLogEvents it sends (the pollers, `resolve`,
//! the quick looks after an unknown outcome, `calls`, `tail`) waits for its turn in the process's
//! `--logs-rate` budget, and a ThrottlingException slows every reader down, not just the one
//! that met it. Where the events are comes from the one resolver of log groups.

use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_cloudwatchlogs::types::FilteredLogEvent;
use aws_sdk_cloudwatchlogs::Client as LogsClient;

use super::budget::LogsBudget;
use super::log_groups::{log_group_of, LogSource};
use crate::aws::{self, ApiError, LogPage, LogWindow};
use crate::exit::Failure;

/// A read that is not a poller's round (which just tries again next round) is sent this many
/// times in all when the service did not answer it (throttled, no connection, a 5xx).
const READ_TRIES: u32 = 4;
/// The first pause before another try after a failure that is not a throttle (it doubles); a
/// throttle's pause is the budget's slowdown.
const FAILURE_PAUSE: Duration = Duration::from_millis(500);

/// Reads the logs within the process's budget.
#[derive(Clone)]
pub(crate) struct LogReader {
    client: LogsClient,
    config: SdkConfig,
    budget: LogsBudget,
}

impl LogReader {
    /// A reader spending the process's budget of `rate` FilterLogEvents per second (`--logs-rate`,
    /// the same for every reader of the process).
    pub(crate) fn new(config: &SdkConfig, rate: f64) -> LogReader {
        LogReader {
            client: aws::logs_client(config),
            config: config.clone(),
            budget: LogsBudget::process(rate),
        }
    }

    /// The log group of `source` (the one named, else its SMA's handler's).
    pub(crate) async fn log_group(&self, source: &LogSource) -> Result<String, Failure> {
        log_group_of(source, &self.config).await
    }

    /// The requests per second the budget allows now.
    pub(crate) fn current_rate(&self) -> f64 {
        self.budget.current_rate()
    }

    /// One page, sent once in its turn. A throttle slows the budget down and comes back as the
    /// error: the caller decides whether to ask again.
    pub(crate) async fn page(
        &self,
        group: &str,
        pattern: &str,
        window: LogWindow,
        next_token: Option<String>,
    ) -> Result<LogPage, ApiError> {
        self.budget.take().await;
        let page =
            aws::filter_log_events_page(&self.client, group, pattern, window, next_token).await;
        match &page {
            Ok(_) => self.budget.succeeded(),
            Err(error) if error.is_throttle() => {
                let rate = self.budget.throttled();
                tracing::info!(
                    log_group = %group,
                    requests_per_second = rate,
                    "FilterLogEvents throttled: every reader of the logs slows down"
                );
            }
            Err(_) => {}
        }
        page
    }

    /// Every event of `window` (one page with a limit), each page asked again a few times when
    /// the service did not answer it.
    pub(crate) async fn events(
        &self,
        group: &str,
        pattern: &str,
        window: LogWindow,
    ) -> Result<Vec<FilteredLogEvent>, ApiError> {
        let mut events = Vec::new();
        let mut next_token = None;
        loop {
            let page = self
                .page_tried(group, pattern, window, next_token.take())
                .await?;
            events.extend(page.events);
            if window.limit.is_some() {
                return Ok(events);
            }
            match page.next_token {
                Some(token) => next_token = Some(token),
                None => return Ok(events),
            }
        }
    }

    async fn page_tried(
        &self,
        group: &str,
        pattern: &str,
        window: LogWindow,
        next_token: Option<String>,
    ) -> Result<LogPage, ApiError> {
        let mut tries = 1;
        loop {
            match self.page(group, pattern, window, next_token.clone()).await {
                Err(error) if tries < READ_TRIES && worth_another_try(&error) => {
                    if !error.is_throttle() {
                        tokio::time::sleep(FAILURE_PAUSE * 2u32.pow(tries - 1)).await;
                    }
                    tries += 1;
                }
                other => return other,
            }
        }
    }
}

/// A read the service did not answer: throttled, never connected, or a 5xx (a read is safe to
/// repeat).
fn worth_another_try(error: &ApiError) -> bool {
    error.is_throttle() || error.never_connected || error.status.is_some_and(|status| status >= 500)
}
