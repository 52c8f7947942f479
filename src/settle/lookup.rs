//! Looking one dial up in its handler's logs: the evidence that it was placed, or (with proof)
//! that it was not.

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_cloudwatchlogs::Client as LogsClient;

use crate::aws::{self, ApiError, LogWindow};
use crate::call::REQUEST_ID_KEY;
use crate::event::{self, event_types};
use crate::journal::DialEntry;

/// Look this far before the dial's journal time (clocks differ) and this far after it.
const LOOK_BEFORE_MS: i64 = 60_000;
const LOOK_AFTER_MS: i64 = 10 * 60_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resolution {
    /// The handler saw the call: it was placed.
    Placed { transaction_id: String },
    /// The logs cover the moment and show no such call.
    NotPlaced,
    /// The logs cannot tell yet.
    Unknown,
}

/// What a lookup may conclude.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Proof {
    /// `None`: only positive evidence counts (the call is found, or nothing is concluded).
    /// `Some(settle)`: silence means "not placed" once the handler has logged NEW_OUTBOUND_CALL
    /// events of other calls at least `settle` after the dial: the handler logs those events,
    /// and ingestion has passed the moment.
    pub(crate) settle: Option<Duration>,
}

/// Looks for the dial's call in `group`. `known` holds the TransactionIds the journal already
/// has: a call found by destination alone must not be one of them.
pub(crate) async fn look_up(
    logs: &LogsClient,
    group: &str,
    entry: &DialEntry,
    dial_ms: i64,
    proof: Proof,
    known: &HashSet<String>,
) -> Result<Resolution, ApiError> {
    let window = LogWindow {
        start_ms: dial_ms - LOOK_BEFORE_MS,
        end_ms: Some(dial_ms + LOOK_AFTER_MS),
        limit: None,
    };
    let found = match &entry.request_id {
        Some(request_id) => find_by_request_id(logs, group, request_id, window).await?,
        None => find_by_destination(logs, group, entry, window, known).await?,
    };
    if let Some(found) = found {
        return Ok(found);
    }
    let Some(settle) = proof.settle else {
        return Ok(Resolution::Unknown);
    };
    let later = LogWindow {
        start_ms: dial_ms + settle.as_millis() as i64,
        end_ms: None,
        limit: Some(1),
    };
    let pattern = format!("\"{}\"", event_types::NEW_OUTBOUND_CALL);
    let covered = match aws::filter_log_events_in(logs, group, &pattern, later).await {
        Ok(events) => !events.is_empty(),
        Err(error) if error.code.as_deref() == Some("ResourceNotFoundException") => false,
        Err(error) => return Err(error),
    };
    Ok(if covered {
        Resolution::NotPlaced
    } else {
        Resolution::Unknown
    })
}

async fn find_by_request_id(
    logs: &LogsClient,
    group: &str,
    request_id: &str,
    window: LogWindow,
) -> Result<Option<Resolution>, ApiError> {
    let pattern = format!("\"{request_id}\"");
    for event in new_outbound_calls(logs, group, &pattern, window).await? {
        let carries_it = event
            .arguments
            .as_ref()
            .and_then(|arguments| arguments.get(REQUEST_ID_KEY))
            .is_some_and(|id| id == request_id);
        if let (true, Some(transaction_id)) = (carries_it, event.transaction_id) {
            return Ok(Some(Resolution::Placed { transaction_id }));
        }
    }
    Ok(None)
}

/// Without a request id, the destination and the time are all there is: one NEW_OUTBOUND_CALL
/// to that number in the window is taken as the dial's; several leave it unknown.
async fn find_by_destination(
    logs: &LogsClient,
    group: &str,
    entry: &DialEntry,
    window: LogWindow,
    known: &HashSet<String>,
) -> Result<Option<Resolution>, ApiError> {
    let pattern = format!("\"{}\" \"{}\"", event_types::NEW_OUTBOUND_CALL, entry.to);
    let candidates: Vec<String> = new_outbound_calls(logs, group, &pattern, window)
        .await?
        .into_iter()
        .filter(|event| {
            event
                .participants
                .iter()
                .any(|leg| leg.to.as_deref() == Some(entry.to.as_str()))
        })
        .filter_map(|event| event.transaction_id)
        .filter(|id| !known.contains(id))
        .collect();
    Ok(match candidates.as_slice() {
        [only] => Some(Resolution::Placed {
            transaction_id: only.clone(),
        }),
        [] => None,
        _ => Some(Resolution::Unknown),
    })
}

async fn new_outbound_calls(
    logs: &LogsClient,
    group: &str,
    pattern: &str,
    window: LogWindow,
) -> Result<Vec<event::InvocationEvent>, ApiError> {
    let events = match aws::filter_log_events_in(logs, group, pattern, window).await {
        Ok(events) => events,
        Err(error) if error.code.as_deref() == Some("ResourceNotFoundException") => Vec::new(),
        Err(error) => return Err(error),
    };
    Ok(events
        .iter()
        .filter_map(|e| e.message())
        .filter_map(event::read_event)
        .filter_map(Result::ok)
        .filter(|event| event.event_type == event_types::NEW_OUTBOUND_CALL)
        .collect())
}
