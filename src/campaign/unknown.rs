//! After a run: the calls of its unknown outcomes looked for in the handler's logs, by the dial
//! ids the run core kept (each dial carried its id in the ArgumentsMap). A call found is
//! reported on a second line for its row and counted as placed.

use super::core::{RunOutcome, UnknownDial};
use super::report::RowReport;
use crate::follow::LogReader;
use crate::journal::{DialEntry, Journal, OutcomeKind};
use crate::output::Output;
use crate::settle::{self, Resolution};

/// Looks for the calls of `outcome`'s unknown dials, reporting and counting each one found.
pub(crate) async fn look_for_calls(
    batch: &str,
    outcome: &mut RunOutcome,
    journal: &Journal,
    logs: &LogReader,
    output: &Output,
) {
    let pending: Vec<DialEntry> = outcome
        .unknown_dials
        .iter()
        .filter(|dial| !dial.dial_id.is_empty())
        .map(|dial| entry_of(dial, batch))
        .collect();
    output.note(format!(
        "{} unknown: looking for {} in the handler's logs...",
        crate::text::count(pending.len(), "outcome", "outcomes"),
        crate::text::one_or_many(pending.len(), "its call", "their calls")
    ));
    for (entry, resolution) in
        settle::quick_look(logs, pending, settle::BULK_QUICK_LOOK, journal).await
    {
        let Resolution::Placed { transaction_id } = resolution else {
            continue;
        };
        outcome.found_placed();
        let report = RowReport::found_in_logs(
            entry.row.as_deref().unwrap_or_default(),
            entry.line.unwrap_or_default(),
            &entry.to,
            entry.attempt,
            transaction_id,
        );
        if output.result(&report).is_err() {
            return;
        }
    }
}

/// `--resume`: the calls of the batch's dials from before whose outcome is unknown (a runner
/// killed between its request and its outcome, an answer lost) looked for in the handler's
/// logs. Each call found is reported on a line of its own, journaled as placed, and its row no
/// longer counts as unknown; one not found stays for `resolve`.
pub(crate) async fn look_for_earlier_calls(
    batch: &str,
    outcome: &mut RunOutcome,
    journal: &Journal,
    logs: &LogReader,
    output: &Output,
) {
    let Ok(records) = journal.batch(batch).await else {
        return;
    };
    let own: std::collections::HashSet<&str> = outcome
        .unknown_dials
        .iter()
        .map(|dial| dial.dial_id.as_str())
        .collect();
    let pending: Vec<DialEntry> = records
        .dials
        .into_iter()
        .filter(|dial| dial.outcome == OutcomeKind::Unknown && dial.request_id.is_some())
        .filter(|dial| !own.contains(dial.dial_id.as_str()))
        .collect();
    if pending.is_empty() {
        return;
    }
    output.note(format!(
        "{} from before: looking for {} in the handler's logs...",
        crate::text::count(pending.len(), "unknown outcome", "unknown outcomes"),
        crate::text::one_or_many(pending.len(), "its call", "their calls")
    ));
    for (entry, resolution) in
        settle::quick_look(logs, pending, settle::BULK_QUICK_LOOK, journal).await
    {
        let Resolution::Placed { transaction_id } = resolution else {
            continue;
        };
        outcome.skipped_unknown = outcome.skipped_unknown.saturating_sub(1);
        let report = RowReport::found_in_logs(
            entry.row.as_deref().unwrap_or_default(),
            entry.line.unwrap_or_default(),
            &entry.to,
            entry.attempt,
            transaction_id,
        );
        if output.result(&report).is_err() {
            return;
        }
    }
}

/// The unknown dial as the journal holds it (intent, and an unknown outcome).
fn entry_of(dial: &UnknownDial, batch: &str) -> DialEntry {
    let request = &dial.job.request;
    DialEntry {
        dial_id: dial.dial_id.clone(),
        time: chimecall_model::clock::rfc3339_ms(dial.sent_ms).unwrap_or_default(),
        sma_id: request.sma_id.clone(),
        from: request.from.clone(),
        to: request.to.clone(),
        request_id: Some(dial.dial_id.clone()),
        batch: Some(batch.to_string()),
        row: Some(dial.job.key.clone()),
        line: Some(dial.job.line),
        outcome: OutcomeKind::Unknown,
        transaction_id: None,
        error: None,
        state: None,
        answered: None,
        attempt: dial.job.attempt,
        resolved_by: None,
        disposition: None,
        sip_response_code: None,
        digits: None,
        ring_ms: None,
        duration_ms: None,
        ended_by: None,
        bridged: None,
        ended_at: None,
        acknowledged_at: None,
        answered_at: None,
        tier: 1,
        round: 0,
        repeat: false,
    }
}
