//! Following one call of a run to its end, through the run's pollers: one small task per live
//! call, which tells the scheduler how the call ended, or why it stopped following it.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::job::Job;
use crate::aws::ApiError;
use crate::call::{Disposition, Success};
use crate::follow::{CallWatch, Update};

/// A call with not one event in its handler's logs this long after it was placed (the logs
/// caught up meanwhile): the handler does not log its events, or the group is not its own.
const NO_EVENTS_AFTER: Duration = Duration::from_secs(30);

/// What a follow task tells the scheduler.
pub(crate) enum Followed {
    Ended {
        job: Job,
        transaction_id: String,
        disposition: Disposition,
    },
    /// Following stopped before the call ended.
    Lost {
        job: Job,
        transaction_id: String,
        why: Lost,
        /// What the events said so far (disposition `live`).
        disposition: Disposition,
    },
}

/// Why following stopped.
pub(crate) enum Lost {
    /// `--timeout` passed.
    TimedOut,
    /// The logs cannot be read (no permission, the network).
    Unreadable(ApiError),
    /// The logs hold no event of the call.
    NoEvents,
}

/// Follows `watch` until the call ends, `limit` passes, or the logs fail; reports to `inbox`.
pub(crate) async fn follow(
    mut watch: CallWatch,
    job: Job,
    success: Success,
    limit: Option<Duration>,
    inbox: mpsc::UnboundedSender<Followed>,
) {
    let started = Instant::now();
    let give_up = limit.map(|limit| started + limit);
    let transaction_id = watch.transaction_id().to_string();
    let lost = loop {
        if watch.tracker().is_ended() {
            let disposition = Disposition::of_call(&watch.tracker().facts(), &success);
            let _ = inbox.send(Followed::Ended {
                job,
                transaction_id,
                disposition,
            });
            return;
        }
        let now = Instant::now();
        if give_up.is_some_and(|at| now >= at) {
            break Lost::TimedOut;
        }
        if watch.tracker().events_observed() == 0
            && watch.caught_up()
            && now >= started + NO_EVENTS_AFTER
        {
            break Lost::NoEvents;
        }
        let mut until = now + Duration::from_secs(1);
        if let Some(at) = give_up {
            until = until.min(at);
        }
        // No permission to read the logs is for good; a network failure passes (the poller
        // tries again).
        if let Update::Unreadable(error) = watch.next(Some(until)).await {
            if error.exit() == crate::exit::Exit::Config {
                break Lost::Unreadable(error);
            }
        }
    };
    let disposition = Disposition::of_call(&watch.tracker().facts(), &success);
    let _ = inbox.send(Followed::Lost {
        job,
        transaction_id,
        why: lost,
        disposition,
    });
}
