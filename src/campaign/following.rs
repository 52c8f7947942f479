//! Following one call of a run to its end, through the run's pollers: one small task per live
//! call, which tells the run core how the call ended, or why it stopped following it.

use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use super::core::{CallNews, Lost, News};
use crate::call::{Disposition, Success};
use crate::follow::{CallWatch, Update};

/// A call with not one event in its handler's logs this long after it was placed (the logs
/// caught up meanwhile): the handler does not log its events, or the group is not its own.
const NO_EVENTS_AFTER: Duration = Duration::from_secs(30);

/// Follows `watch` until the call ends, `limit` passes, or the logs fail; tells `news` as it
/// goes: the answer, the success (the call may go on), and the end or why following stopped.
pub(crate) async fn follow(
    mut watch: CallWatch,
    success: Success,
    limit: Option<Duration>,
    news: mpsc::UnboundedSender<CallNews>,
) {
    let started = Instant::now();
    let give_up = limit.map(|limit| started + limit);
    let transaction_id = watch.transaction_id().to_string();
    let tell = |what: News, disposition: Disposition| {
        let _ = news.send(CallNews {
            transaction_id: transaction_id.clone(),
            disposition,
            news: what,
        });
    };
    let (mut answered, mut succeeded) = (false, false);
    let lost = loop {
        let facts = watch.tracker().facts();
        if !answered && facts.answered {
            answered = true;
            tell(News::Answered, Disposition::of_call(&facts, &success));
        }
        if !succeeded {
            if let Some(kind) = success.seen(&facts) {
                succeeded = true;
                let mut disposition = Disposition::of_call(&facts, &success);
                disposition.disposition = kind;
                tell(News::Succeeded, disposition);
            }
        }
        if facts.ended {
            break None;
        }
        let now = Instant::now();
        if give_up.is_some_and(|at| now >= at) {
            break Some(Lost::TimedOut);
        }
        if watch.tracker().events_observed() == 0
            && watch.caught_up()
            && now >= started + NO_EVENTS_AFTER
        {
            break Some(Lost::LogsCannotTell(
                "they hold no event of this run's calls (does the handler log each event it gets?)"
                    .to_string(),
            ));
        }
        let mut until = now + Duration::from_secs(1);
        if let Some(at) = give_up {
            until = until.min(at);
        }
        // No permission to read the logs is for good; a network failure passes (the poller
        // tries again).
        if let Update::Unreadable(error) = watch.next(Some(until)).await {
            if error.exit() == crate::exit::Exit::Config {
                break Some(Lost::LogsCannotTell(error.describe()));
            }
        }
    };
    let disposition = Disposition::of_call(&watch.tracker().facts(), &success);
    tell(lost.map_or(News::Ended, News::Lost), disposition);
}
