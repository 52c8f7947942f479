//! Dialing one row: the call placed with its journal records, throttled attempts paced and
//! tried again (the service did not act on them), and what came of it.

use std::sync::atomic::{AtomicBool, Ordering};

use tokio::time::Instant;

use super::report::RowReport;
use crate::aws::ApiError;
use crate::call::DialRequest;
use crate::journal::{ErrorNote, Journal, OutcomeKind};
use crate::pacing::{AfterRefusal, Pacer};
use crate::placing::{self, DialResult, PlaceError, RowRef, SendOptions, ThrottlePolicy};
use crate::signals::StopWatch;

/// A throttled row is tried again this many times before it counts as not placed.
const MAX_THROTTLED_ATTEMPTS: u32 = 8;

/// What became of one dial of a row.
pub(crate) enum Dialed {
    /// Placed, failed or unknown, journaled: its report, and the result.
    Done {
        report: RowReport,
        result: DialResult,
    },
    /// Refused over the account's active-call quota (journaled as such): the service did not
    /// act on it, so the row may be sent again once a call has ended. `give_up`: the account
    /// stayed full through refusal after refusal (see `pacing`): the run stops.
    OverQuota { error: ApiError, give_up: bool },
    /// The journal could not be written: the run stops.
    JournalBroken { report: RowReport },
    /// Not sent (Ctrl-C, or the run gave up over the quota): nothing was journaled.
    NotSent,
}

/// The shared pieces a dial needs.
pub(crate) struct DialContext<'a> {
    pub(crate) journal: &'a Journal,
    pub(crate) client: &'a aws_sdk_chimesdkvoice::Client,
    pub(crate) pacer: &'a Pacer,
    pub(crate) request_id: bool,
    pub(crate) interrupted: &'a StopWatch,
    pub(crate) journal_broken: &'a AtomicBool,
}

/// Dials the row (again after throttles, paced), journaled. `started` is when its start slot
/// was claimed.
pub(crate) async fn place_row(
    context: &DialContext<'_>,
    request: DialRequest,
    row: RowRef,
    started: Instant,
) -> Dialed {
    let mut started = started;
    let mut throttled = 1;
    let result = loop {
        let sent = placing::place_call(
            context.journal,
            context.client,
            &request,
            Some(&row),
            SendOptions {
                throttles: ThrottlePolicy::ReturnAtOnce,
                request_id: context.request_id,
            },
            context.pacer.before_send(),
        )
        .await;
        match sent {
            Ok((_, DialResult::Failed(error)))
                if error.is_throttle() && throttled < MAX_THROTTLED_ATTEMPTS =>
            {
                // After Ctrl-C nothing new is sent: the row stays throttled (not placed).
                if context.interrupted.is_stopped() {
                    break DialResult::Failed(error);
                }
                context.pacer.throttled();
                throttled += 1;
                tokio::select! {
                    claimed = context.pacer.until_ready() => started = claimed,
                    _ = context.interrupted.stopped() => break DialResult::Failed(error),
                }
            }
            Ok((_, DialResult::Failed(error))) if error.is_over_quota() => {
                let give_up = context.pacer.over_quota(started) == AfterRefusal::GiveUp;
                return Dialed::OverQuota { error, give_up };
            }
            Ok((_, result)) => {
                if !matches!(&result, DialResult::Failed(e) if e.is_throttle()) {
                    context.pacer.succeeded(started);
                }
                break result;
            }
            Err(PlaceError::BeforeSending(failure)) => {
                context.journal_broken.store(true, Ordering::SeqCst);
                return Dialed::JournalBroken {
                    report: RowReport {
                        row: row.row,
                        line: row.line,
                        to: Some(request.to),
                        outcome: "failed",
                        transaction_id: None,
                        resolved_by: None,
                        error: Some(ErrorNote {
                            code: None,
                            message: failure.message,
                            request_id: None,
                            exit_code: failure.exit.code(),
                        }),
                        attempt: Some(row.attempt),
                    },
                };
            }
            Err(PlaceError::AfterSending(result, _)) => {
                context.journal_broken.store(true, Ordering::SeqCst);
                break result;
            }
        }
    };
    let report = RowReport {
        row: row.row,
        line: row.line,
        to: Some(request.to),
        outcome: match result.kind() {
            OutcomeKind::Placed => "placed",
            OutcomeKind::Failed => "failed",
            OutcomeKind::Unknown => "unknown",
        },
        transaction_id: match &result {
            DialResult::Placed { transaction_id } => Some(transaction_id.clone()),
            _ => None,
        },
        error: result.error().map(placing::error_note),
        resolved_by: None,
        attempt: Some(row.attempt),
    };
    Dialed::Done { report, result }
}
