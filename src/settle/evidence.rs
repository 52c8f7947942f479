//! Weighing the evidence of one log group about some dials: that each was placed, or (with proof)
//! that it was not. The dials are asked about together, so the requests do not grow with their
//! number: one read (a few pages) finds every dial of a stretch of time by its request id, and a
//! few one-event reads, halving the question each time, find how far the logs reach.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::time::Duration;

use crate::aws::{ApiError, LogWindow};
use crate::call::REQUEST_ID_KEY;
use crate::event::{self, event_types};
use crate::follow::{self, LogReader};
use crate::journal::DialEntry;

/// Look this far before the dial's journal time (clocks differ) and this far after it.
const LOOK_BEFORE_MS: i64 = 60_000;
const LOOK_AFTER_MS: i64 = 10 * 60_000;
/// Up to this many request ids, the filter pattern names each (a pattern is at most 1,024
/// characters); with more, the read takes every NEW_OUTBOUND_CALL of the stretch.
const NAMED_IN_PATTERN: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Resolution {
    /// The handler saw the call: it was placed.
    Placed { transaction_id: String },
    /// The logs cover the moment and show no such call.
    NotPlaced,
    /// The logs cannot tell yet.
    Unknown,
}

/// What a look may conclude.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Proof {
    /// `None`: only positive evidence counts (the call is found, or nothing is concluded).
    /// `Some(settle)`: silence means "not placed" once the handler has logged NEW_OUTBOUND_CALL
    /// events of other calls at least `settle` after the dial: the handler logs those events,
    /// and ingestion has passed the moment.
    pub(crate) settle: Option<Duration>,
}

/// One dial with a request id, and when it was made.
#[derive(Debug, Clone)]
struct Sought {
    index: usize,
    request_id: String,
    dial_ms: i64,
}

/// Looks for the calls of `entries` in `group`, one resolution each, in the order given.
/// `known` holds the TransactionIds the journal already has: a call found by destination alone
/// must not be one of them.
pub(crate) async fn weigh(
    reader: &LogReader,
    group: &str,
    entries: &[&DialEntry],
    proof: Proof,
    known: &HashSet<String>,
) -> Result<Vec<Resolution>, ApiError> {
    let dial_ms: Vec<i64> = entries
        .iter()
        .map(|entry| {
            entry
                .time_ms()
                .unwrap_or_else(chimecall_model::clock::now_ms)
        })
        .collect();
    let mut found: Vec<Option<Resolution>> = vec![None; entries.len()];
    let sought: Vec<Sought> = entries
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| {
            Some(Sought {
                index,
                request_id: entry.request_id.clone()?,
                dial_ms: dial_ms[index],
            })
        })
        .collect();
    for stretch in stretches(sought) {
        for (index, transaction_id) in find_by_request_ids(reader, group, &stretch).await? {
            found[index] = Some(Resolution::Placed { transaction_id });
        }
    }
    for (index, entry) in entries.iter().enumerate() {
        if entry.request_id.is_none() {
            found[index] = find_by_destination(reader, group, entry, dial_ms[index], known).await?;
        }
    }
    let Some(settle) = proof.settle else {
        return Ok(found
            .into_iter()
            .map(|found| found.unwrap_or(Resolution::Unknown))
            .collect());
    };
    let settle_ms = settle.as_millis() as i64;
    let mut thresholds: Vec<i64> = (0..entries.len())
        .filter(|&index| found[index].is_none())
        .map(|index| dial_ms[index] + settle_ms)
        .collect();
    thresholds.sort_unstable();
    thresholds.dedup();
    let reach = logs_reach(&thresholds, |since_ms| {
        logged_new_call_since(reader, group, since_ms)
    })
    .await?;
    Ok(found
        .into_iter()
        .enumerate()
        .map(|(index, found)| {
            found.unwrap_or_else(|| {
                if reach.is_some_and(|reach| dial_ms[index] + settle_ms <= reach) {
                    Resolution::NotPlaced
                } else {
                    Resolution::Unknown
                }
            })
        })
        .collect())
}

/// The dials in stretches of time whose look windows overlap, each read at once.
fn stretches(mut sought: Vec<Sought>) -> Vec<Vec<Sought>> {
    sought.sort_by_key(|dial| dial.dial_ms);
    let mut stretches: Vec<Vec<Sought>> = Vec::new();
    for dial in sought {
        match stretches.last_mut() {
            Some(stretch)
                if dial.dial_ms - stretch.last().expect("a stretch has a dial").dial_ms
                    <= LOOK_BEFORE_MS + LOOK_AFTER_MS =>
            {
                stretch.push(dial)
            }
            _ => stretches.push(vec![dial]),
        }
    }
    stretches
}

/// The filter pattern that finds the NEW_OUTBOUND_CALLs of `request_ids`: each named when they
/// are a few (quoted, an exact-text term; `?` makes any one match), else every NEW_OUTBOUND_CALL.
fn pattern_for(request_ids: &[&str]) -> String {
    if request_ids.len() <= NAMED_IN_PATTERN {
        if let Some(pattern) = follow::any_of(request_ids.iter().copied()) {
            return pattern;
        }
    }
    follow::quoted_term(event_types::NEW_OUTBOUND_CALL)
}

/// The calls of one stretch's dials found by their request ids: (index, TransactionId).
async fn find_by_request_ids(
    reader: &LogReader,
    group: &str,
    stretch: &[Sought],
) -> Result<Vec<(usize, String)>, ApiError> {
    let (Some(first), Some(last)) = (stretch.first(), stretch.last()) else {
        return Ok(Vec::new());
    };
    let window = LogWindow {
        start_ms: first.dial_ms - LOOK_BEFORE_MS,
        end_ms: Some(last.dial_ms + LOOK_AFTER_MS),
        limit: None,
    };
    let ids: Vec<&str> = stretch
        .iter()
        .map(|dial| dial.request_id.as_str())
        .collect();
    let by_id: HashMap<&str, &Sought> = stretch
        .iter()
        .map(|dial| (dial.request_id.as_str(), dial))
        .collect();
    let mut found: HashMap<usize, String> = HashMap::new();
    for (timestamp_ms, event) in
        new_outbound_calls(reader, group, &pattern_for(&ids), window).await?
    {
        let Some(dial) = event
            .arguments
            .as_ref()
            .and_then(|arguments| arguments.get(REQUEST_ID_KEY))
            .and_then(|id| by_id.get(id.as_str()))
        else {
            continue;
        };
        // Each dial's own window, as if it had been read alone.
        let in_window =
            (dial.dial_ms - LOOK_BEFORE_MS..=dial.dial_ms + LOOK_AFTER_MS).contains(&timestamp_ms);
        if let (true, Some(transaction_id)) = (in_window, event.transaction_id) {
            found.entry(dial.index).or_insert(transaction_id);
        }
    }
    Ok(found.into_iter().collect())
}

/// Without a request id, the destination and the time are all there is: one NEW_OUTBOUND_CALL
/// to that number in the window is taken as the dial's; several leave it unknown.
async fn find_by_destination(
    reader: &LogReader,
    group: &str,
    entry: &DialEntry,
    dial_ms: i64,
    known: &HashSet<String>,
) -> Result<Option<Resolution>, ApiError> {
    let window = LogWindow {
        start_ms: dial_ms - LOOK_BEFORE_MS,
        end_ms: Some(dial_ms + LOOK_AFTER_MS),
        limit: None,
    };
    let pattern = follow::all_of([event_types::NEW_OUTBOUND_CALL, entry.to.as_str()]);
    let candidates: Vec<String> = new_outbound_calls(reader, group, &pattern, window)
        .await?
        .into_iter()
        .map(|(_, event)| event)
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

/// Whether the handler logged any NEW_OUTBOUND_CALL at `since_ms` or later (one event is enough).
async fn logged_new_call_since(
    reader: &LogReader,
    group: &str,
    since_ms: i64,
) -> Result<bool, ApiError> {
    let later = LogWindow {
        start_ms: since_ms,
        end_ms: None,
        limit: Some(1),
    };
    let pattern = follow::quoted_term(event_types::NEW_OUTBOUND_CALL);
    match reader.events(group, &pattern, later).await {
        Ok(events) => Ok(!events.is_empty()),
        Err(error) if error.code.as_deref() == Some("ResourceNotFoundException") => Ok(false),
        Err(error) => Err(error),
    }
}

/// The latest of `thresholds` (ascending) that the logs reach past, by `probe` ("anything logged
/// since this?"), or `None`. Reaching past a moment means reaching past every earlier one, so
/// each probe halves what is left to ask.
async fn logs_reach<F, Fut>(thresholds: &[i64], mut probe: F) -> Result<Option<i64>, ApiError>
where
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<bool, ApiError>>,
{
    // Every threshold before `low` is reached; none from `high` on.
    let (mut low, mut high) = (0, thresholds.len());
    // The last one first: after a settled run the logs usually reach past every dial.
    if let Some(&last) = thresholds.last() {
        if probe(last).await? {
            return Ok(Some(last));
        }
        high -= 1;
    }
    while low < high {
        let middle = (low + high) / 2;
        if probe(thresholds[middle]).await? {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    Ok(low.checked_sub(1).map(|reached| thresholds[reached]))
}

/// The NEW_OUTBOUND_CALL events `pattern` finds in `window`, with their timestamps (none when the
/// group does not exist).
async fn new_outbound_calls(
    reader: &LogReader,
    group: &str,
    pattern: &str,
    window: LogWindow,
) -> Result<Vec<(i64, event::InvocationEvent)>, ApiError> {
    let events = match reader.events(group, pattern, window).await {
        Ok(events) => events,
        Err(error) if error.code.as_deref() == Some("ResourceNotFoundException") => Vec::new(),
        Err(error) => return Err(error),
    };
    Ok(events
        .iter()
        .filter_map(|e| Some((e.timestamp().unwrap_or_default(), e.message()?)))
        .filter_map(|(timestamp_ms, message)| Some((timestamp_ms, event::read_event(message)?)))
        .filter_map(|(timestamp_ms, event)| Some((timestamp_ms, event.ok()?)))
        .filter(|(_, event)| event.event_type == event_types::NEW_OUTBOUND_CALL)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    fn sought(index: usize, dial_ms: i64) -> Sought {
        Sought {
            index,
            request_id: format!("id-{index}"),
            dial_ms,
        }
    }

    #[test]
    fn dials_whose_windows_overlap_are_read_together() {
        let gap = LOOK_BEFORE_MS + LOOK_AFTER_MS;
        let stretches = stretches(vec![
            sought(0, 10 * gap),
            sought(1, 0),
            sought(2, 1_000),
            sought(3, 1_000 + gap),
            sought(4, 10 * gap + 1),
        ]);
        let indices: Vec<Vec<usize>> = stretches
            .iter()
            .map(|stretch| stretch.iter().map(|dial| dial.index).collect())
            .collect();
        assert_eq!(indices, vec![vec![1, 2, 3], vec![0, 4]]);
    }

    #[test]
    fn the_pattern_names_a_few_ids_and_takes_every_new_call_for_many() {
        assert_eq!(pattern_for(&["a"]), "\"a\"");
        assert_eq!(pattern_for(&["a", "b"]), "?\"a\" ?\"b\"");
        let many: Vec<String> = (0..9).map(|i| format!("id-{i}")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert!(pattern_for(&many[..8]).starts_with("?\"id-0\""));
        assert_eq!(pattern_for(&many), "\"NEW_OUTBOUND_CALL\"");
    }

    async fn reach_with(thresholds: &[i64], logged_until: i64) -> (Option<i64>, usize) {
        let asked = RefCell::new(0);
        let reach = logs_reach(thresholds, |since_ms| {
            *asked.borrow_mut() += 1;
            async move { Ok(since_ms <= logged_until) }
        })
        .await
        .unwrap();
        let asked = *asked.borrow();
        (reach, asked)
    }

    #[tokio::test]
    async fn how_far_the_logs_reach_takes_few_reads() {
        let thresholds: Vec<i64> = (1..=100).map(|i| i * 1_000).collect();
        // Past every dial: one read.
        assert_eq!(reach_with(&thresholds, 1_000_000).await, (Some(100_000), 1));
        // Before every dial.
        let (reach, asked) = reach_with(&thresholds, 500).await;
        assert_eq!(reach, None);
        assert!(asked <= 8, "{asked}");
        // In between: the latest threshold reached, in about log2(100) reads.
        let (reach, asked) = reach_with(&thresholds, 42_500).await;
        assert_eq!(reach, Some(42_000));
        assert!(asked <= 8, "{asked}");
        assert_eq!(reach_with(&[], 0).await, (None, 0));
    }
}
