//! Dialing one row: the call placed with its journal records, throttled attempts paced and
//! tried again (the service did not act on them), and the row's report.

use std::sync::atomic::{AtomicBool, Ordering};

use super::pacing::Pacer;
use super::report::RowReport;
use crate::journal::{ErrorNote, OutcomeKind};
use crate::placing::{self, DialResult, PlaceError, RowRef, SendOptions, ThrottlePolicy};

/// A throttled row is tried again this many times before it counts as failed.
const MAX_THROTTLED_ATTEMPTS: u32 = 8;

/// One row: dial (again after throttles, paced), journaled; its report.
#[allow(clippy::too_many_arguments)] // the row, and the run's shared pieces it reports to
pub(crate) async fn place_row(
    journal: &crate::journal::Journal,
    client: &aws_sdk_chimesdkvoice::Client,
    pacer: &Pacer,
    request: crate::call::DialRequest,
    row: RowRef,
    request_id: bool,
    interrupted: &crate::signals::StopWatch,
    stop: &AtomicBool,
    journal_broken: &AtomicBool,
) -> RowReport {
    let mut attempts = 1;
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
            Ok((_, DialResult::Failed(error)))
                if error.is_throttle() && attempts < MAX_THROTTLED_ATTEMPTS =>
            {
                // After Ctrl-C nothing new is sent: the row stays throttled (not placed).
                if interrupted.is_stopped() {
                    break DialResult::Failed(error);
                }
                pacer.throttled();
                attempts += 1;
                tokio::select! {
                    _ = pacer.until_ready() => {}
                    _ = interrupted.stopped() => break DialResult::Failed(error),
                }
            }
            Ok((_, result)) => {
                if !matches!(&result, DialResult::Failed(e) if e.is_throttle()) {
                    pacer.succeeded();
                }
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
