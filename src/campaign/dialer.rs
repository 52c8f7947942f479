//! Dialing one job: its start claimed from the pacer, the call placed with its journal records,
//! and the service's answer classified for the run core (which decides what comes next: a
//! throttled dial is sent again by the core, not here). On a team journal the job's row attempt
//! is claimed with its intent, the runners' shared `--max-active` is kept, and the request leaves
//! in a start slot all runners share (`journal::Coordination`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::core::DialOutcome;
use super::job::Job;
use super::team_start::{self, SharedLimits, Start};
use crate::guard::Guard;
use crate::journal::{GuardTest, Journal};
use crate::output::Output;
use crate::pacing::{AfterRefusal, Pacer};
use crate::placing::{
    self, Dial, DialResult, PlaceError, Repeat, RowRef, SendOptions, ThrottlePolicy,
};
use crate::signals::StopWatch;

/// How often a dial waiting for a shared live-call place asks again.
const FULL_RETRY: Duration = Duration::from_secs(1);

/// What every dial of a run shares.
pub(crate) struct DialContext {
    pub(crate) journal: Journal,
    pub(crate) client: aws_sdk_chimesdkvoice::Client,
    pub(crate) pacer: Arc<Pacer>,
    pub(crate) stop: StopWatch,
    /// Put each dial's id in its ArgumentsMap (`chimecall-request-id`).
    pub(crate) request_id: bool,
    pub(crate) batch: String,
    /// Runners sharing a team journal: their pace and their cap.
    pub(crate) shared: Option<SharedLimits>,
    /// On a team journal, the per-number guard checked once more as each intent is written,
    /// counting every runner's calls (the run core's book knows only those from before the run
    /// and its own); `None` when the guard is off or the journal is this machine's.
    pub(crate) guard: Option<Guard>,
    /// The journal could not take a record: no dial waiting for its start writes an intent.
    pub(crate) journal_broken: AtomicBool,
    pub(crate) output: Output,
}

/// Sends the job's dial once, when the pacer lets it start; nothing is sent after an interrupt.
pub(crate) async fn dial(context: &DialContext, job: &Job) -> DialOutcome {
    let pacer = &context.pacer;
    let started = tokio::select! {
        started = pacer.until_ready() => started,
        _ = context.stop.stopped() => return DialOutcome::NotSent,
    };
    // The run gave up over the quota, or the journal broke, while this job waited for its start.
    if pacer.gave_up() || context.journal_broken.load(Ordering::Relaxed) {
        return DialOutcome::NotSent;
    }
    let row = RowRef {
        batch: context.batch.clone(),
        row: job.key.clone(),
        line: job.line,
        attempt: job.attempt,
        tier: job.tier,
        round: job.round,
    };
    let options = SendOptions {
        throttles: ThrottlePolicy::ReturnAtOnce,
        request_id: context.request_id,
        cap: context.shared.as_ref().and_then(|shared| shared.cap),
    };
    let Some(sent) = place_when_there_is_room(context, job, &row, options).await else {
        return DialOutcome::NotSent;
    };
    let (dial_id, result, journal_failed) = match sent {
        Ok((dial_id, result)) => (dial_id, result, None),
        Err(PlaceError::Claimed(by)) => return DialOutcome::Claimed { by },
        Err(PlaceError::Held { until_ms, limit }) => return DialOutcome::Held { until_ms, limit },
        Err(PlaceError::Full) => return DialOutcome::NotSent,
        Err(PlaceError::BeforeSending(failure)) => {
            context.journal_broken.store(true, Ordering::Relaxed);
            return DialOutcome::JournalBroken(failure.into());
        }
        // The run stops; with the journal broken, nothing looks for this dial's call later.
        Err(PlaceError::AfterSending(result, failure)) => {
            context.journal_broken.store(true, Ordering::Relaxed);
            (String::new(), result, Some(failure.into()))
        }
    };
    match &result {
        DialResult::Failed(error) if error.is_throttle() => pacer.throttled(),
        DialResult::Failed(error) if error.is_over_quota() => {
            let give_up = pacer.over_quota(started) == AfterRefusal::GiveUp;
            return DialOutcome::OverQuota {
                error: error.clone(),
                give_up,
            };
        }
        _ => pacer.succeeded(started),
    }
    DialOutcome::Sent {
        dial_id,
        result,
        journal_failed,
    }
}

/// Places the job's call; on a team journal whose `--max-active` places are all taken, asks
/// again each second (`None`: interrupted while it waited).
async fn place_when_there_is_room(
    context: &DialContext,
    job: &Job,
    row: &RowRef,
    options: SendOptions,
) -> Option<Result<(String, DialResult), PlaceError>> {
    let now_ms = chimecall_model::clock::now_ms();
    // A dial sent again (throttled, over the quota) is looked at too: its first try was not
    // placed, and another runner may have called the number since.
    let guard = context.guard.as_ref();
    let holds = guard.map(|guard| guard.holds_call_to(&job.request.to));
    let test = guard.zip(holds.as_ref()).map(|(guard, holds)| GuardTest {
        since_ms: guard.since_ms(now_ms),
        holds,
    });
    loop {
        // Each try reserves the row and takes its own start slot (a place waited for leaves a
        // slot behind); at most a few of this runner's rows are reserved and not yet claimed.
        let _permit = match &context.shared {
            Some(shared) => shared.reservations.acquire().await.ok(),
            None => None,
        };
        let (reserved, slot) = match team_start::before_intent(context, job).await {
            // The journal broke while this dial waited: it writes nothing more.
            Ok(Start::Go { reserved, .. }) if context.journal_broken.load(Ordering::Relaxed) => {
                if reserved {
                    team_start::release(context, job).await;
                }
                return None;
            }
            Ok(Start::Go { reserved, slot }) => (reserved, slot),
            Ok(Start::Claimed(by)) => return Some(Err(PlaceError::Claimed(by))),
            Ok(Start::Stopped) => return None,
            Err(failure) => return Some(Err(PlaceError::BeforeSending(failure))),
        };
        let dial = Dial {
            request: &job.request,
            row: Some(row),
            guard: test,
        };
        let placed = placing::place(
            &context.journal,
            &context.client,
            dial,
            options,
            Repeat::No,
            async {
                context.pacer.before_send().await;
                team_start::on_time(context, slot).await
            },
        )
        .await;
        let written = !matches!(placed, Err(PlaceError::Full | PlaceError::Held { .. }));
        if reserved && !written {
            team_start::release(context, job).await;
        }
        let Err(PlaceError::Full) = placed else {
            return Some(placed);
        };
        if let Some(shared) = &context.shared {
            team_start::give_back_lapsed(context, shared).await;
            if !shared.said_full.swap(true, Ordering::Relaxed) {
                context.output.note(format!(
                    "the runners sharing {} have {} live calls (--max-active): rows wait for one to end",
                    context.journal.name(),
                    shared.cap.unwrap_or_default()
                ));
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(FULL_RETRY) => {}
            _ = context.stop.stopped() => return None,
        }
    }
}
