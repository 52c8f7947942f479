//! Dialing one job: its start claimed from the pacer, the call placed with its journal records,
//! and the service's answer classified for the run core (which decides what comes next: a
//! throttled dial is sent again by the core, not here). On a team journal the job's row attempt
//! is claimed with its intent, the runners' shared `--max-active` is kept, and the request leaves
//! in a start slot all runners share (`journal::Coordination`).

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::core::DialOutcome;
use super::job::Job;
use crate::exit::Failure;
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
/// How often, at most, places held by killed runners are looked for while all are taken.
const LAPSED_EVERY_MS: i64 = 10_000;

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

/// What runners sharing a team journal keep together.
pub(crate) struct SharedLimits {
    /// One start per this many microseconds, among all runners (`--rate`, with a margin).
    pub(crate) start_period_us: Option<u64>,
    /// `--max-active` across the runners.
    pub(crate) cap: Option<u32>,
    /// Said once: a dial waits for a live-call place.
    pub(crate) said_full: AtomicBool,
    /// When places of killed runners were last looked for (epoch ms).
    pub(crate) looked_for_lapsed_ms: AtomicI64,
}

/// Room left in each second for jitter between runners' clocks and on the way to the service:
/// the shared slots are (1 s + this) / rate apart.
const SHARED_MARGIN_US: u64 = 50_000;

impl SharedLimits {
    pub(crate) fn new(rate: f64, max_active: usize) -> SharedLimits {
        SharedLimits {
            start_period_us: (rate > 0.0)
                .then(|| ((1_000_000 + SHARED_MARGIN_US) as f64 / rate).ceil() as u64),
            cap: (max_active > 0).then(|| max_active.min(u32::MAX as usize) as u32),
            said_full: AtomicBool::new(false),
            looked_for_lapsed_ms: AtomicI64::new(0),
        }
    }
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
    // A throttled dial sent again is the same attempt: the guard let it go already.
    let guard = context.guard.as_ref().filter(|_| job.throttled == 0);
    let holds = guard.map(|guard| guard.holds_call_to(&job.request.to));
    let test = guard.zip(holds.as_ref()).map(|(guard, holds)| GuardTest {
        since_ms: guard.since_ms(now_ms),
        holds,
    });
    loop {
        // Each try takes its own start slot: a place waited for leaves a slot behind.
        match shared_start(context, job).await {
            Ok(None) => {}
            Ok(Some(by)) => return Some(Err(PlaceError::Claimed(by))),
            Err(failure) => return Some(Err(PlaceError::BeforeSending(failure))),
        }
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
                Ok(())
            },
        )
        .await;
        let Err(PlaceError::Full) = placed else {
            return Some(placed);
        };
        if let Some(shared) = &context.shared {
            give_back_lapsed(context, shared).await;
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

/// Every shared place is taken: now and then, those held by killed runners are given back (a
/// failure here is only a warning: the dial waits on).
async fn give_back_lapsed(context: &DialContext, shared: &SharedLimits) {
    let now_ms = chimecall_model::clock::now_ms();
    let last = shared.looked_for_lapsed_ms.load(Ordering::Relaxed);
    if now_ms - last < LAPSED_EVERY_MS
        || shared
            .looked_for_lapsed_ms
            .compare_exchange(last, now_ms, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
    {
        return;
    }
    let Some(team) = context.journal.coordination() else {
        return;
    };
    match team.give_back_lapsed().await {
        Ok(0) => {}
        Ok(given) => context.output.note(format!(
            "{} of runners no longer running (their lease lapsed) given back",
            crate::text::count(given as usize, "live-call place", "live-call places")
        )),
        Err(failure) => context.output.note(format!(
            "warning: cannot look for places of lapsed runners: {failure}"
        )),
    }
}

/// On a team journal, before the intent: a row attempt another runner claimed is theirs (a
/// read, no start slot spent), and the request's start slot among all runners is taken and
/// waited for, so the intent is written just before the request leaves (a runner killed
/// meanwhile leaves few intents that were never sent). `Err`: the table failed, nothing written.
async fn shared_start(context: &DialContext, job: &Job) -> Result<Option<String>, Failure> {
    let Some(team) = context.journal.coordination() else {
        return Ok(None);
    };
    let held = team
        .claimed_by(&context.batch, &job.key, job.attempt)
        .await?;
    if held.is_some() {
        return Ok(held);
    }
    let Some(period_us) = context
        .shared
        .as_ref()
        .and_then(|shared| shared.start_period_us)
    else {
        return Ok(None);
    };
    let now_ms = chimecall_model::clock::now_ms();
    let at_ms = team.take_start(period_us, now_ms).await?;
    let wait_ms = at_ms - chimecall_model::clock::now_ms();
    if wait_ms > 0 {
        tokio::time::sleep(Duration::from_millis(wait_ms as u64)).await;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_slots_leave_room_in_every_second_and_no_cap_is_no_cap() {
        let limits = SharedLimits::new(10.0, 4);
        // 10 a second: slots 105 ms apart, so ten span 1.05 s and any second holds at most ten.
        assert_eq!(limits.start_period_us, Some(105_000));
        assert_eq!(limits.cap, Some(4));
        let unlimited = SharedLimits::new(0.0, 0);
        assert_eq!(unlimited.start_period_us, None);
        assert_eq!(unlimited.cap, None);
        assert_eq!(SharedLimits::new(0.5, 1).start_period_us, Some(2_100_000));
    }
}
