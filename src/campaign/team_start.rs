//! What a bulk run's dial does on a team journal before its intent is written: the row
//! attempt reserved for this runner (a row another runner claimed is theirs, one it reserved is
//! looked at again until it is claimed or lapses), then a start slot among all runners taken
//! and waited for. So a slot is spent only on a row this runner dials, and the intent is
//! written just before the request leaves: a runner stopped or killed in between leaves a
//! reservation that lapses, not a dial of unknown outcome.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;

use super::dialer::DialContext;
use super::job::Job;
use crate::exit::Failure;
use crate::journal::{Reservation, RowAttempt};

/// How long a reservation holds a row for this runner before it lapses: far longer than a
/// start slot takes, short enough that a killed runner's rows are soon free again.
const RESERVATION_MS: i64 = 10_000;
/// How often a row another runner reserved is looked at again.
const RESERVED_POLL: Duration = Duration::from_millis(200);
/// This runner's rows reserved and not yet claimed, at most: each waits for a start slot.
const RESERVATIONS_AT_ONCE: usize = 2;
/// A request this late for its start slot still goes: the slots' margin leaves room for it.
const LATE_OK_MS: i64 = 5;
/// How long before its slot an intent is written, learned from the intents written (twice the
/// time they take, and 5 ms), within these bounds; the first ones use the initial value.
const MIN_INTENT_LEAD_MS: i64 = 10;
const MAX_INTENT_LEAD_MS: i64 = 1_000;
const INITIAL_INTENT_LEAD_MS: i64 = 40;
/// How often, at most, places held by killed runners are looked for while all are taken.
const LAPSED_EVERY_MS: i64 = 10_000;

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
    /// This runner's rows reserved and not yet claimed, at most [`RESERVATIONS_AT_ONCE`].
    pub(crate) reservations: Semaphore,
    /// How long before its start slot an intent is written (learned, ms).
    pub(crate) intent_lead_ms: AtomicI64,
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
            reservations: Semaphore::new(RESERVATIONS_AT_ONCE),
            intent_lead_ms: AtomicI64::new(INITIAL_INTENT_LEAD_MS),
        }
    }
}

/// What a dial may do once its row is reserved and its start slot reached.
pub(crate) enum Start {
    /// Write the intent and send; `reserved`: a reservation to give back if it is not written;
    /// `slot`: the start slot the request leaves in (`on_time`, once the intent is written).
    Go { reserved: bool, slot: Option<Slot> },
    /// Another runner claimed the row attempt: theirs.
    Claimed(String),
    /// Stopped while it waited for another runner's reservation.
    Stopped,
}

/// A start slot taken: its grid, its time, and when the intent began to be written (epoch ms).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot {
    period_us: u64,
    at_ms: i64,
    intent_from_ms: i64,
}

fn row_of<'a>(context: &'a DialContext, job: &'a Job) -> RowAttempt<'a> {
    RowAttempt {
        batch: &context.batch,
        row: &job.key,
        attempt: job.attempt,
    }
}

/// Reserves the job's row (a throttled dial sent again holds its claim already), then takes
/// and waits for its start slot; `Err`: the table failed, nothing written.
pub(crate) async fn before_intent(context: &DialContext, job: &Job) -> Result<Start, Failure> {
    let Some(team) = context.journal.coordination() else {
        return Ok(Start::Go {
            reserved: false,
            slot: None,
        });
    };
    let reserved = job.throttled == 0;
    if reserved {
        loop {
            match team.reserve(row_of(context, job), RESERVATION_MS).await? {
                Reservation::Mine => break,
                Reservation::Claimed(by) => return Ok(Start::Claimed(by)),
                Reservation::ReservedBy { until_ms, .. } => {
                    let lapses_in = (until_ms - chimecall_model::clock::now_ms() + 10).max(10);
                    let wait = RESERVED_POLL.min(Duration::from_millis(lapses_in as u64));
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = context.stop.stopped() => return Ok(Start::Stopped),
                    }
                }
            }
        }
    }
    let period_us = context
        .shared
        .as_ref()
        .and_then(|shared| shared.start_period_us);
    let slot = match (period_us, &context.shared) {
        (Some(period_us), Some(shared)) => {
            // The intent is written this long before the slot: it lands as the slot comes.
            let lead_ms = shared.intent_lead_ms.load(Ordering::Relaxed);
            let at_ms = take_slot(context, period_us, lead_ms).await?;
            if reserved {
                hold_until_slot(context, job, at_ms).await?;
            }
            sleep_until_ms(at_ms - lead_ms).await;
            Some(Slot {
                period_us,
                at_ms,
                intent_from_ms: chimecall_model::clock::now_ms(),
            })
        }
        _ => None,
    };
    Ok(Start::Go { reserved, slot })
}

/// Takes the next start slot free for every runner and waits until `lead_ms` before its time;
/// that time.
async fn wait_for_slot(
    context: &DialContext,
    period_us: u64,
    lead_ms: i64,
) -> Result<i64, Failure> {
    let at_ms = take_slot(context, period_us, lead_ms).await?;
    sleep_until_ms(at_ms - lead_ms).await;
    Ok(at_ms)
}

/// Takes the next start slot free for every runner, `lead_ms` or more from now; its time.
async fn take_slot(context: &DialContext, period_us: u64, lead_ms: i64) -> Result<i64, Failure> {
    let Some(team) = context.journal.coordination() else {
        return Ok(chimecall_model::clock::now_ms());
    };
    team.take_start(period_us, chimecall_model::clock::now_ms() + lead_ms)
        .await
}

/// A slot far ahead (many runners at a low rate) would outlast the row's reservation: it is
/// held on until the slot's time and a margin.
async fn hold_until_slot(context: &DialContext, job: &Job, at_ms: i64) -> Result<(), Failure> {
    let Some(team) = context.journal.coordination() else {
        return Ok(());
    };
    let hold_ms = at_ms - chimecall_model::clock::now_ms() + RESERVATION_MS / 2;
    if hold_ms > RESERVATION_MS / 2 + 1_000 {
        team.reserve(row_of(context, job), hold_ms).await?;
    }
    Ok(())
}

async fn sleep_until_ms(at_ms: i64) {
    let wait_ms = at_ms - chimecall_model::clock::now_ms();
    if wait_ms > 0 {
        tokio::time::sleep(Duration::from_millis(wait_ms as u64)).await;
    }
}

/// Once the intent is written, just before the request leaves: it waits for its slot's time.
/// One later than that by more than a few milliseconds (the intent took longer than its lead)
/// would crowd the next slots: it waits for a new slot. The lead learns from each intent.
pub(crate) async fn on_time(context: &DialContext, slot: Option<Slot>) -> Result<(), Failure> {
    if context.journal_broken.load(Ordering::Relaxed) {
        return Err(Failure::new(
            crate::exit::Exit::Config,
            "not sent: the run stopped, the journal could not take another record",
        ));
    }
    let (Some(slot), Some(shared)) = (slot, &context.shared) else {
        return Ok(());
    };
    let now_ms = chimecall_model::clock::now_ms();
    let took_ms = now_ms - slot.intent_from_ms;
    let sample = (2 * took_ms + 5).clamp(MIN_INTENT_LEAD_MS, MAX_INTENT_LEAD_MS);
    let lead = shared.intent_lead_ms.load(Ordering::Relaxed);
    shared
        .intent_lead_ms
        .store((3 * lead + sample) / 4, Ordering::Relaxed);
    if now_ms > slot.at_ms + LATE_OK_MS {
        let at_ms = wait_for_slot(context, slot.period_us, 0).await?;
        sleep_until_ms(at_ms).await;
    } else {
        sleep_until_ms(slot.at_ms).await;
    }
    Ok(())
}

/// Gives back the job's reservation: its intent was not written (a failure here only leaves
/// the reservation to lapse).
pub(crate) async fn release(context: &DialContext, job: &Job) {
    if let Some(team) = context.journal.coordination() {
        let _ = team.release(row_of(context, job)).await;
    }
}

/// Every shared place is taken: now and then, those held by killed runners are given back (a
/// failure here is only a warning: the dial waits on).
pub(crate) async fn give_back_lapsed(context: &DialContext, shared: &SharedLimits) {
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
