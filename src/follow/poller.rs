//! One poller per log group. However many calls a command follows, it reads their handler's log
//! group through one FilterLogEvents loop, spending the process's request budget (through the
//! [`LogReader`]), and hands each
//! event to the call it belongs to: the request rate does not grow with the number of calls.
//!
//! What each round reads: the events logged since a little before the newest one already seen
//! (log ingestion delivers late and out of order), every few seconds the last 30 s again, and the
//! whole past of a call that has just been added (since its dial). Following one or a few calls,
//! the filter pattern names their TransactionIds; following many, it takes every line that holds
//! an invocation event, and the poller sorts them out.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use tokio::sync::{mpsc, Notify};
use tokio::time::Instant;

use super::handout::{HandOut, LogLine};
use super::reader::LogReader;
use super::schedule::PollSchedule;
use super::ObservedEvent;
use crate::aws::{ApiError, LogWindow};

/// Log events can be ingested late, with an earlier timestamp than events already seen: a round
/// starts this far before the newest event seen...
const FRESH_OVERLAP_MS: i64 = 5_000;
/// ...and every `LATE_SWEEP_EVERY` a round reads this much of the recent past again.
const LATE_WINDOW_MS: i64 = 30_000;
const LATE_SWEEP_EVERY: Duration = Duration::from_secs(10);
/// Up to this many calls, the filter pattern names each TransactionId (a pattern is at most
/// 1,024 characters; a quoted id and its `?` take 40).
const NAMED_IN_PATTERN: usize = 8;
/// After a failure that is not throttling (no permission, a network failure), try again after this.
const FAILURE_PAUSE: Duration = Duration::from_secs(5);
/// How long a poller with nothing to follow waits before it looks whether it is still wanted.
const IDLE_CHECK: Duration = Duration::from_secs(1);

/// What a poller tells the watch of one call.
#[derive(Debug)]
pub(crate) enum News {
    /// New events of the call, as they were read.
    Events(Vec<ObservedEvent>),
    /// A round that began after the watch did has read everything up to its start.
    CaughtUp,
    /// The log group does not exist (a handler's group appears with its first log line).
    GroupMissing,
    /// The logs cannot be read (no permission, the network): the poller tries again slowly.
    Unreadable(ApiError),
}

/// A handle on the poller of one log group; the poller stops when the last handle and the last
/// watch are gone.
#[derive(Clone)]
pub(crate) struct GroupPoller {
    shared: Arc<Shared>,
}

struct Shared {
    log_group: String,
    registry: Mutex<Registry>,
    wake: Notify,
}

#[derive(Default)]
struct Registry {
    watches: HashMap<u64, Watch>,
    next_id: u64,
    /// Rounds started so far.
    rounds: u64,
    /// Log lines that held an event that could not be read.
    unreadable_lines: usize,
}

struct Watch {
    transaction_id: String,
    sender: mpsc::UnboundedSender<News>,
    /// Where the watch's past begins, until a round has read it.
    needs_from: Option<i64>,
    /// The round that was running (or last ran) when the watch began.
    since_round: u64,
}

/// Unregisters its watch when dropped.
pub(crate) struct Registration {
    shared: Arc<Shared>,
    id: u64,
}

impl Drop for Registration {
    fn drop(&mut self) {
        if let Ok(mut registry) = self.shared.registry.lock() {
            registry.watches.remove(&self.id);
        }
    }
}

impl GroupPoller {
    /// Starts the poller of `log_group` on the current runtime.
    pub(crate) fn spawn(
        reader: LogReader,
        log_group: String,
        schedule: PollSchedule,
    ) -> GroupPoller {
        let shared = Arc::new(Shared {
            log_group,
            registry: Mutex::new(Registry::default()),
            wake: Notify::new(),
        });
        let run = Run {
            reader,
            shared: Arc::downgrade(&shared),
            schedule,
            window: Window::new(),
            hand_out: HandOut::default(),
        };
        tokio::spawn(run.run());
        GroupPoller { shared }
    }

    pub(crate) fn log_group(&self) -> &str {
        &self.shared.log_group
    }

    /// Follows one call from `since_ms`: its events, from the past on, arrive on the receiver.
    pub(crate) fn watch(
        &self,
        transaction_id: &str,
        since_ms: i64,
    ) -> (mpsc::UnboundedReceiver<News>, Registration) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let id = {
            let mut registry = self.shared.registry.lock().expect("poller registry");
            let id = registry.next_id;
            registry.next_id += 1;
            let since_round = registry.rounds;
            registry.watches.insert(
                id,
                Watch {
                    transaction_id: transaction_id.to_string(),
                    sender,
                    needs_from: Some(since_ms),
                    since_round,
                },
            );
            id
        };
        self.shared.wake.notify_one();
        let registration = Registration {
            shared: Arc::clone(&self.shared),
            id,
        };
        (receiver, registration)
    }

    /// Log lines of this group that held an event chimecall could not read.
    pub(crate) fn unreadable_lines(&self) -> usize {
        self.shared
            .registry
            .lock()
            .map(|registry| registry.unreadable_lines)
            .unwrap_or(0)
    }
}

/// Which part of the group's past the next round reads.
struct Window {
    newest_ms: Option<i64>,
    last_late_sweep: Instant,
}

impl Window {
    fn new() -> Window {
        Window {
            newest_ms: None,
            last_late_sweep: Instant::now(),
        }
    }

    /// The start of the next round's read, `now_ms` being the wall clock.
    fn start(&mut self, now_ms: i64) -> i64 {
        let late = now_ms - LATE_WINDOW_MS;
        if self.last_late_sweep.elapsed() >= LATE_SWEEP_EVERY {
            self.last_late_sweep = Instant::now();
            return late;
        }
        match self.newest_ms {
            Some(newest) => (newest - FRESH_OVERLAP_MS).max(late),
            None => late,
        }
    }

    fn saw(&mut self, timestamp_ms: i64) {
        self.newest_ms = Some(self.newest_ms.map_or(timestamp_ms, |n| n.max(timestamp_ms)));
    }
}

/// What one round is for.
struct Plan {
    round: u64,
    transaction_ids: HashSet<String>,
    start_ms: i64,
}

/// The poller's task.
struct Run {
    reader: LogReader,
    shared: Weak<Shared>,
    schedule: PollSchedule,
    window: Window,
    /// The events already read, and those held for a call not yet followed (pruned as the
    /// window moves on).
    hand_out: HandOut,
}

/// How a round ended.
enum RoundEnd {
    /// Every page was read; whether any event was handed out.
    Complete { found: bool },
    /// The group does not exist, or the logs cannot be read now.
    Cut,
}

impl Run {
    async fn run(mut self) {
        loop {
            let Some(shared) = self.shared.upgrade() else {
                return;
            };
            let Some(plan) = self.plan(&shared) else {
                // Nothing to follow: wait for a watch (or look again whether anyone is left).
                // The wait holds the poller alive for at most IDLE_CHECK after its last user.
                let _ = tokio::time::timeout(IDLE_CHECK, shared.wake.notified()).await;
                continue;
            };
            let started = Instant::now();
            let (end, pages) = self.round(&shared, &plan).await;
            let found = match end {
                RoundEnd::Complete { found } => {
                    self.caught_up(&shared, plan.round);
                    found
                }
                RoundEnd::Cut => false,
            };
            if pages > 1 {
                let took = started.elapsed();
                if took > Duration::from_millis(1500) {
                    tracing::info!(
                        log_group = %shared.log_group,
                        pages,
                        seconds = took.as_secs_f64(),
                        requests_per_second = self.reader.current_rate(),
                        "the log poller is behind the logs: a round of several pages takes longer than the budget allows to keep up"
                    );
                }
            }
            drop(shared);
            tokio::time::sleep(self.schedule.next(found)).await;
        }
    }

    /// The next round's calls and start, or `None` when nothing is followed.
    fn plan(&mut self, shared: &Shared) -> Option<Plan> {
        let mut registry = shared.registry.lock().ok()?;
        if registry.watches.is_empty() {
            return None;
        }
        registry.rounds += 1;
        let earliest_past = registry
            .watches
            .values()
            .filter_map(|watch| watch.needs_from)
            .min();
        let start_ms = self.window.start(chimecall_model::clock::now_ms());
        Some(Plan {
            round: registry.rounds,
            transaction_ids: registry
                .watches
                .values()
                .map(|watch| watch.transaction_id.clone())
                .collect(),
            start_ms: earliest_past.map_or(start_ms, |past| past.min(start_ms)),
        })
    }

    /// Reads every page of the plan's window, handing each event to its call.
    async fn round(&mut self, shared: &Shared, plan: &Plan) -> (RoundEnd, usize) {
        let pattern = filter_pattern(&plan.transaction_ids);
        let mut next_token = None;
        let mut found = false;
        let mut pages = 0;
        let window = LogWindow {
            start_ms: plan.start_ms,
            end_ms: None,
            limit: None,
        };
        loop {
            let page = self
                .reader
                .page(&shared.log_group, &pattern, window, next_token.clone())
                .await;
            let page = match page {
                Ok(page) => page,
                // The reader has slowed the budget down: the same page again, in its turn.
                Err(error) if error.is_throttle() => continue,
                Err(error) if error.code.as_deref() == Some("ResourceNotFoundException") => {
                    broadcast(shared, || News::GroupMissing);
                    return (RoundEnd::Cut, pages);
                }
                Err(error) => {
                    tracing::info!(log_group = %shared.log_group, error = %error.describe(), "the handler's logs cannot be read");
                    broadcast(shared, || News::Unreadable(error.clone()));
                    tokio::time::sleep(FAILURE_PAUSE).await;
                    return (RoundEnd::Cut, pages);
                }
            };
            pages += 1;
            found |= self.hand_out(shared, &plan.transaction_ids, page.events);
            match page.next_token {
                Some(token) => next_token = Some(token),
                None => break,
            }
        }
        let prune_before = plan.start_ms - LATE_WINDOW_MS;
        self.hand_out.prune(prune_before);
        (RoundEnd::Complete { found }, pages)
    }

    /// Gives each new event to the watches of its call; true when there was any.
    fn hand_out(
        &mut self,
        shared: &Shared,
        transaction_ids: &HashSet<String>,
        log_events: Vec<aws_sdk_cloudwatchlogs::types::FilteredLogEvent>,
    ) -> bool {
        for log_event in &log_events {
            self.window.saw(log_event.timestamp().unwrap_or_default());
        }
        let sorted = self.hand_out.sort(
            transaction_ids,
            log_events.iter().map(|log_event| LogLine {
                event_id: log_event.event_id().unwrap_or_default(),
                timestamp_ms: log_event.timestamp().unwrap_or_default(),
                message: log_event.message(),
            }),
        );
        let Ok(mut registry) = shared.registry.lock() else {
            return false;
        };
        registry.unreadable_lines += sorted.unreadable;
        let found = !sorted.by_call.is_empty();
        for watch in registry.watches.values() {
            if let Some(events) = sorted.by_call.get(&watch.transaction_id) {
                let _ = watch.sender.send(News::Events(events.clone()));
            }
        }
        found
    }

    /// The round read everything up to its start: the watches that were there when it began
    /// have their past, and are told so.
    fn caught_up(&mut self, shared: &Shared, round: u64) {
        let Ok(mut registry) = shared.registry.lock() else {
            return;
        };
        for watch in registry.watches.values_mut() {
            if watch.since_round < round && watch.needs_from.take().is_some() {
                let _ = watch.sender.send(News::CaughtUp);
            }
        }
    }
}

fn broadcast(shared: &Shared, news: impl Fn() -> News) {
    if let Ok(registry) = shared.registry.lock() {
        for watch in registry.watches.values() {
            let _ = watch.sender.send(news());
        }
    }
}

/// The filter pattern of a round: the calls' TransactionIds when there are a few (each a quoted
/// term, `?` making any one match), else (or when the ids would make the pattern too long) every
/// line that holds an invocation event, however it was logged.
fn filter_pattern(transaction_ids: &HashSet<String>) -> String {
    if transaction_ids.len() <= NAMED_IN_PATTERN {
        let mut ids: Vec<&str> = transaction_ids.iter().map(String::as_str).collect();
        ids.sort_unstable();
        if let Some(pattern) = super::any_of(ids) {
            return pattern;
        }
    }
    "InvocationEventType".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pattern_names_a_few_calls_and_reads_every_event_for_many() {
        let ids = |n: usize| -> HashSet<String> { (0..n).map(|i| format!("tx-{i}")).collect() };
        assert_eq!(filter_pattern(&ids(1)), "\"tx-0\"");
        assert_eq!(filter_pattern(&ids(2)), "?\"tx-0\" ?\"tx-1\"");
        assert!(filter_pattern(&ids(8)).len() < 1024);
        assert_eq!(filter_pattern(&ids(9)), "InvocationEventType");
        // A quote or backslash in one id is escaped inside its quotes; an id too long to name
        // makes the round read every event rather than send a pattern CloudWatch refuses.
        let odd: HashSet<String> = ["tx-0".to_string(), r#"a"b\c"#.to_string()].into();
        assert_eq!(filter_pattern(&odd), r#"?"a\"b\\c" ?"tx-0""#);
        let long: HashSet<String> = ["x".repeat(70_000)].into();
        assert_eq!(filter_pattern(&long), "InvocationEventType");
    }

    #[tokio::test(start_paused = true)]
    async fn the_window_follows_the_newest_event_and_sweeps_the_late_ones() {
        let mut window = Window::new();
        let now = 1_000_000;
        // Nothing seen yet: the last 30 s.
        assert_eq!(window.start(now), now - LATE_WINDOW_MS);
        window.saw(now - 1_000);
        assert_eq!(window.start(now), now - 1_000 - FRESH_OVERLAP_MS);
        // An old newest event never makes a round read more than the late window.
        let mut quiet = Window::new();
        quiet.saw(now - 600_000);
        assert_eq!(quiet.start(now), now - LATE_WINDOW_MS);
        // Every 10 s, the late window again.
        tokio::time::advance(LATE_SWEEP_EVERY).await;
        assert_eq!(window.start(now), now - LATE_WINDOW_MS);
        assert_eq!(window.start(now), now - 1_000 - FRESH_OVERLAP_MS);
    }
}
