//! Following calls through their handler's logs. Chime SDK Voice has no API that reads a call's
//! state: the only truth is the invocation events the SIP media application sends its handler,
//! which the handler logs to `/aws/lambda/<function>`.
//!
//! A command follows all of its calls through [`Pollers`]: one poller per log group
//! ([`poller`]), each handing events to the [`CallWatch`] of the call they belong to. Every
//! FilterLogEvents of the process, the pollers' and the one-off reads of `resolve` and the quick
//! looks alike, goes through a [`LogReader`] ([`reader`]), which spends the process's one budget
//! ([`budget`]) and finds log groups through the one resolver ([`log_groups`]).

mod budget;
mod handout;
mod log_groups;
mod lookup;
mod pattern;
mod poller;
mod reader;
mod schedule;
mod wait;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::SdkConfig;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::aws::ApiError;
use crate::call::CallTracker;
use crate::event::InvocationEvent;

pub(crate) use log_groups::{log_group_of, LogSource};
pub(crate) use lookup::{look_up, CallToLookUp};
pub(crate) use pattern::{all_of, any_of, quoted_term};
pub(crate) use poller::News;
pub(crate) use reader::LogReader;
pub(crate) use schedule::PollSchedule;
pub(crate) use wait::{wait_for, WaitFor};

/// How far before a dial's moment, as this machine's clock read it, its events are looked for:
/// the service stamps log events with its own clock, which may be a little behind ours, and an
/// event stamped before the moment we start from would never be read.
pub(crate) const CLOCK_SKEW_MS: i64 = 5_000;

use poller::{GroupPoller, Registration};

/// One invocation event as read from the logs.
#[derive(Debug, Clone)]
pub(crate) struct ObservedEvent {
    pub(crate) event: InvocationEvent,
    pub(crate) timestamp_ms: i64,
    pub(crate) event_id: String,
}

/// The pollers of one command: one per log group, started when first needed, sharing the
/// process's budget.
#[derive(Clone)]
pub(crate) struct Pollers {
    reader: LogReader,
    schedule: PollSchedule,
    groups: Arc<Mutex<HashMap<String, GroupPoller>>>,
}

impl Pollers {
    /// Pollers spending the process's budget of `rate` FilterLogEvents requests per second
    /// (`--logs-rate`, with every other reader of the process), polling at `interval` when given
    /// (else fast while events come, slower while calls are quiet).
    pub(crate) fn new(config: &SdkConfig, rate: f64, interval: Option<Duration>) -> Pollers {
        Pollers {
            reader: LogReader::new(config, rate),
            schedule: interval.map_or_else(PollSchedule::live, PollSchedule::fixed),
            groups: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Follows one call of `log_group`, from `since_ms` on.
    pub(crate) fn watch(&self, log_group: &str, transaction_id: &str, since_ms: i64) -> CallWatch {
        let poller = {
            let mut groups = self.groups.lock().expect("pollers lock");
            groups
                .entry(log_group.to_string())
                .or_insert_with(|| {
                    GroupPoller::spawn(
                        self.reader.clone(),
                        log_group.to_string(),
                        self.schedule.clone(),
                    )
                })
                .clone()
        };
        let (news, registration) = poller.watch(transaction_id, since_ms);
        CallWatch {
            transaction_id: transaction_id.to_string(),
            tracker: CallTracker::for_transaction(transaction_id),
            news,
            poller,
            seen_events: HashSet::new(),
            caught_up: false,
            _registration: registration,
        }
    }
}

/// One followed call: the events its poller hands over, and the phase they add up to.
pub(crate) struct CallWatch {
    transaction_id: String,
    tracker: CallTracker,
    news: mpsc::UnboundedReceiver<News>,
    poller: GroupPoller,
    /// Events already taken, by their JSON: a retried invocation logs the same event again.
    seen_events: HashSet<String>,
    caught_up: bool,
    _registration: Registration,
}

/// What waiting on a watch gave.
#[derive(Debug)]
pub(crate) enum Update {
    /// New events of the call, in call order (already taken into the phase).
    Events(Vec<ObservedEvent>),
    /// Everything logged up to the watch's start has been read (there may have been nothing).
    CaughtUp,
    /// The log group does not exist (yet).
    GroupMissing,
    /// The logs cannot be read now.
    Unreadable(ApiError),
    /// Nothing came before the deadline.
    Quiet,
}

impl CallWatch {
    pub(crate) fn transaction_id(&self) -> &str {
        &self.transaction_id
    }

    pub(crate) fn log_group(&self) -> &str {
        self.poller.log_group()
    }

    pub(crate) fn tracker(&self) -> &CallTracker {
        &self.tracker
    }

    /// Whether the call's past (since the watch's start) has been read once.
    pub(crate) fn caught_up(&self) -> bool {
        self.caught_up
    }

    /// Log lines of the group that held an event chimecall could not read.
    pub(crate) fn unreadable_lines(&self) -> usize {
        self.poller.unreadable_lines()
    }

    /// Waits for the next news of the call, until `deadline` (or for ever).
    pub(crate) async fn next(&mut self, deadline: Option<Instant>) -> Update {
        let news = match deadline {
            Some(deadline) => match tokio::time::timeout_at(deadline, self.news.recv()).await {
                Ok(news) => news,
                Err(_) => return Update::Quiet,
            },
            None => self.news.recv().await,
        };
        match news {
            // The poller is gone: nothing more will come.
            None => {
                if let Some(deadline) = deadline {
                    tokio::time::sleep_until(deadline).await;
                }
                Update::Quiet
            }
            Some(News::Events(events)) => Update::Events(self.take(events)),
            Some(News::CaughtUp) => {
                self.caught_up = true;
                Update::CaughtUp
            }
            Some(News::GroupMissing) => Update::GroupMissing,
            Some(News::Unreadable(error)) => Update::Unreadable(error),
        }
    }

    /// Reads until the call's past has been read once (or `deadline`); every event taken.
    pub(crate) async fn catch_up(
        &mut self,
        deadline: Instant,
    ) -> Result<Vec<ObservedEvent>, Update> {
        let mut events = Vec::new();
        while !self.caught_up {
            match self.next(Some(deadline)).await {
                Update::Events(fresh) => events.extend(fresh),
                Update::CaughtUp => {}
                Update::Quiet => return Err(Update::Quiet),
                other @ (Update::GroupMissing | Update::Unreadable(_)) => return Err(other),
            }
        }
        // Whatever else is already waiting.
        while let Ok(News::Events(fresh)) = self.news.try_recv() {
            events.extend(self.take(fresh));
        }
        events.sort_by_key(|e| (e.event.sequence.unwrap_or(u64::MAX), e.timestamp_ms));
        Ok(events)
    }

    /// New events, once each, in call order, taken into the phase.
    fn take(&mut self, events: Vec<ObservedEvent>) -> Vec<ObservedEvent> {
        let mut fresh: Vec<ObservedEvent> = events
            .into_iter()
            .filter(|observed| self.seen_events.insert(observed.event.raw.to_string()))
            .collect();
        fresh.sort_by_key(|e| (e.event.sequence.unwrap_or(u64::MAX), e.timestamp_ms));
        for observed in &fresh {
            self.tracker.observe(&observed.event, observed.timestamp_ms);
        }
        fresh
    }
}
