//! Dialing one job: its start claimed from the pacer, the call placed with its journal records,
//! and the service's answer classified for the run core (which decides what comes next: a
//! throttled dial is sent again by the core, not here).

use std::sync::Arc;

use super::core::DialOutcome;
use super::job::Job;
use crate::journal::Journal;
use crate::pacing::{AfterRefusal, Pacer};
use crate::placing::{self, DialResult, PlaceError, RowRef, SendOptions, ThrottlePolicy};
use crate::signals::StopWatch;

/// What every dial of a run shares.
pub(crate) struct DialContext {
    pub(crate) journal: Journal,
    pub(crate) client: aws_sdk_chimesdkvoice::Client,
    pub(crate) pacer: Arc<Pacer>,
    pub(crate) stop: StopWatch,
    /// Put each dial's id in its ArgumentsMap (`chimecall-request-id`).
    pub(crate) request_id: bool,
    pub(crate) batch: String,
}

/// Sends the job's dial once, when the pacer lets it start; nothing is sent after an interrupt.
pub(crate) async fn dial(context: &DialContext, job: &Job) -> DialOutcome {
    let pacer = &context.pacer;
    let started = tokio::select! {
        started = pacer.until_ready() => started,
        _ = context.stop.stopped() => return DialOutcome::NotSent,
    };
    // The run gave up over the quota while this job waited for its start.
    if pacer.gave_up() {
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
    };
    let sent = placing::place_call(
        &context.journal,
        &context.client,
        &job.request,
        Some(&row),
        options,
        pacer.before_send(),
    )
    .await;
    let (dial_id, result, journal_failed) = match sent {
        Ok((dial_id, result)) => (dial_id, result, false),
        Err(PlaceError::BeforeSending(failure)) => {
            return DialOutcome::JournalBroken {
                message: failure.message,
                exit_code: failure.exit.code(),
            }
        }
        // The run stops; with the journal broken, nothing looks for this dial's call later.
        Err(PlaceError::AfterSending(result, _)) => (String::new(), result, true),
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
