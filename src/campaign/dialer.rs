//! Dialing one row: the call placed with its journal records, and the attempts the service did
//! not act on (throttled, or over the account's active-calls quota) paced and tried again, and
//! the row's report.

use std::sync::atomic::{AtomicBool, Ordering};

use tokio::time::Instant;

use super::pacing::{AfterRefusal, Pacer, MAX_QUOTA_REFUSALS};
use super::report::RowReport;
use crate::aws::ApiError;
use crate::journal::{ErrorNote, OutcomeKind};
use crate::placing::{self, DialResult, PlaceError, RowRef, SendOptions, ThrottlePolicy};

/// A throttled row is sent this many times at most before it counts as failed.
const MAX_THROTTLED_ATTEMPTS: u32 = 8;
/// A row refused over the quota is sent this many times at most (the run usually gives up
/// first: see `pacing`).
const MAX_REFUSED_ATTEMPTS: u32 = 30;

/// One row: dial (again after throttles and quota refusals, paced), journaled; its report.
/// `started` is when its first start was claimed.
#[allow(clippy::too_many_arguments)] // the row, and the run's shared pieces it reports to
pub(crate) async fn place_row(
    journal: &crate::journal::Journal,
    client: &aws_sdk_chimesdkvoice::Client,
    pacer: &Pacer,
    request: crate::call::DialRequest,
    row: RowRef,
    request_id: bool,
    started: Instant,
    interrupted: &crate::signals::StopWatch,
    stop: &AtomicBool,
    journal_broken: &AtomicBool,
) -> RowReport {
    let mut started = started;
    let (mut throttled, mut refused) = (0, 0);
    let result = loop {
        match placing::place_call(
            journal,
            client,
            &request,
            Some(&row),
            SendOptions {
                throttles: ThrottlePolicy::ReturnAtOnce,
                request_id,
            },
        )
        .await
        {
            Ok((_, DialResult::Failed(error))) if error.is_throttle() || error.is_over_quota() => {
                if error.is_throttle() {
                    throttled += 1;
                    if throttled >= MAX_THROTTLED_ATTEMPTS {
                        break DialResult::Failed(error);
                    }
                    pacer.throttled();
                } else {
                    refused += 1;
                    if pacer.over_quota(started) == AfterRefusal::GiveUp {
                        break DialResult::Failed(given_up(error));
                    }
                    if refused >= MAX_REFUSED_ATTEMPTS {
                        break DialResult::Failed(error);
                    }
                }
                // After Ctrl-C nothing new is sent: the row stays failed (not placed).
                if interrupted.is_stopped() {
                    break DialResult::Failed(error);
                }
                tokio::select! {
                    claimed = pacer.until_ready() => started = claimed,
                    _ = interrupted.stopped() => break DialResult::Failed(error),
                }
                // Another row found the account still full: the run has given up.
                if pacer.gave_up() {
                    break DialResult::Failed(given_up(error));
                }
            }
            Ok((_, result)) => {
                pacer.succeeded(started);
                break result;
            }
            Err(PlaceError::BeforeSending(failure)) => {
                journal_broken.store(true, Ordering::SeqCst);
                stop.store(true, Ordering::SeqCst);
                return RowReport {
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
                };
            }
            Err(PlaceError::AfterSending(result, _)) => {
                journal_broken.store(true, Ordering::SeqCst);
                stop.store(true, Ordering::SeqCst);
                break result;
            }
        }
    };
    RowReport {
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
    }
}

/// The row's last refusal, saying why it is not tried again.
fn given_up(mut error: ApiError) -> ApiError {
    error.message = format!(
        "{} (not tried again: the run stopped, the account staying over its active-calls quota \
         through {MAX_QUOTA_REFUSALS} refusals in a row)",
        error.message
    );
    error
}
