//! Settling dials whose outcome is unknown, from the handler's logs. A dial whose answer was lost
//! may or may not have placed a call; the SIP media application invoked its handler with
//! NEW_OUTBOUND_CALL for every call it placed, carrying the dial's ArgumentsMap, where chimecall
//! put its request id. Finding that event proves the call was placed (and gives its
//! TransactionId); proving it was NOT placed needs logs that demonstrably cover the moment.
//!
//! Two kinds of look: `resolve`'s, which may conclude "not placed" with proof, and the quick look
//! a dial or a bulk run takes before it reports an unknown outcome, which only ever finds calls.
//! Both read through a [`LogReader`], within the process's `--logs-rate` budget, and ask about
//! all the dials of a log group together ([`evidence`]).

mod evidence;

use std::collections::HashSet;
use std::fmt;
use std::time::{Duration, Instant};

use crate::exit::{Exit, Failure};
use crate::follow::{LogReader, LogSource};
use crate::journal::{DialEntry, ErrorNote, Journal, Outcome, OutcomeKind, Record};

pub(crate) use evidence::{Proof, Resolution};

/// How long a single dial looks for its own call before it exits 8: an operator is waiting.
pub(crate) const DIAL_QUICK_LOOK: Duration = Duration::from_secs(5);
/// How long a bulk run looks for the calls of its unknown rows before it ends.
pub(crate) const BULK_QUICK_LOOK: Duration = Duration::from_secs(10);
/// The pause between two quick looks.
const QUICK_LOOK_PAUSE: Duration = Duration::from_millis(300);

/// How many dials were settled which way.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ResolutionCounts {
    pub(crate) placed: usize,
    pub(crate) not_placed: usize,
    pub(crate) unknown: usize,
}

impl ResolutionCounts {
    pub(crate) fn count(&mut self, resolution: &Resolution) {
        match resolution {
            Resolution::Placed { .. } => self.placed += 1,
            Resolution::NotPlaced => self.not_placed += 1,
            Resolution::Unknown => self.unknown += 1,
        }
    }
}

impl fmt::Display for ResolutionCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} placed, {} not placed, {} still unknown",
            self.placed, self.not_placed, self.unknown
        )
    }
}

/// Looks the entries up in their handler's logs (`log_group`, else each SMA's handler's), all
/// the entries of a group together, and journals what it finds. `known` holds the TransactionIds
/// the journal already has: a call found by destination alone must not be one of them. One
/// resolution per entry, in the order given.
pub(crate) async fn settle(
    entries: &[DialEntry],
    proof: Proof,
    known: &HashSet<String>,
    log_group: Option<&str>,
    journal: &Journal,
    reader: &LogReader,
) -> Result<Vec<Resolution>, Failure> {
    // The entries of each log group, in the order the groups were first met.
    let mut by_group: Vec<(String, Vec<&DialEntry>, Vec<usize>)> = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let source = LogSource {
            sma_id: Some(entry.sma_id.clone()),
            log_group: log_group.map(str::to_string),
            start_ms: 0,
        };
        let group = reader.log_group(&source).await?;
        match by_group
            .iter_mut()
            .find(|(known_group, ..)| *known_group == group)
        {
            Some((_, members, indices)) => {
                members.push(entry);
                indices.push(index);
            }
            None => by_group.push((group, vec![entry], vec![index])),
        }
    }
    let mut resolutions = vec![Resolution::Unknown; entries.len()];
    for (group, members, indices) in by_group {
        let found = evidence::weigh(reader, &group, &members, proof, known)
            .await
            .map_err(Failure::from)?;
        for (index, resolution) in indices.into_iter().zip(found) {
            resolutions[index] = resolution;
        }
    }
    for (entry, resolution) in entries.iter().zip(&resolutions) {
        record(journal, entry, resolution).await?;
    }
    Ok(resolutions)
}

/// The quick look before an unknown outcome is reported: looks for the entries' calls (in their
/// SMAs' handlers' logs) until every one is found or `bound` has passed. Only finding a call
/// settles an entry (a quick look cannot prove a call was NOT placed); each comes back `Placed`
/// or `Unknown`, in the order given, and each found is journaled.
pub(crate) async fn quick_look(
    reader: &LogReader,
    entries: Vec<DialEntry>,
    bound: Duration,
    journal: &Journal,
) -> Vec<(DialEntry, Resolution)> {
    let deadline = Instant::now() + bound;
    let mut settled: Vec<(usize, DialEntry, Resolution)> = Vec::new();
    let mut pending: Vec<(usize, DialEntry)> = entries.into_iter().enumerate().collect();
    let only_finding = Proof { settle: None };
    let none_known = HashSet::new();
    while !pending.is_empty() {
        let looked_up: Vec<DialEntry> = pending.iter().map(|(_, entry)| entry.clone()).collect();
        match settle(&looked_up, only_finding, &none_known, None, journal, reader).await {
            Ok(resolutions) => {
                let mut still = Vec::new();
                for ((index, entry), resolution) in pending.into_iter().zip(resolutions) {
                    match resolution {
                        Resolution::Placed { .. } => settled.push((index, entry, resolution)),
                        _ => still.push((index, entry)),
                    }
                }
                pending = still;
            }
            Err(failure) => {
                tracing::info!(%failure, "the handler's logs cannot be read");
                break;
            }
        }
        if pending.is_empty() || Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(QUICK_LOOK_PAUSE).await;
    }
    settled.extend(
        pending
            .into_iter()
            .map(|(index, entry)| (index, entry, Resolution::Unknown)),
    );
    settled.sort_by_key(|(index, ..)| *index);
    settled
        .into_iter()
        .map(|(_, entry, resolution)| (entry, resolution))
        .collect()
}

/// Journals what a look-up concluded; an unknown outcome stays as it is.
async fn record(
    journal: &Journal,
    entry: &DialEntry,
    resolution: &Resolution,
) -> Result<(), Failure> {
    let (outcome, transaction_id, error) = match resolution {
        Resolution::Placed { transaction_id } => {
            (OutcomeKind::Placed, Some(transaction_id.clone()), None)
        }
        Resolution::NotPlaced => (
            OutcomeKind::Failed,
            None,
            Some(ErrorNote {
                code: None,
                message:
                    "not placed: the handler's logs cover the moment and show no call for this dial"
                        .to_string(),
                request_id: None,
                exit_code: Exit::Failure.code(),
            }),
        ),
        Resolution::Unknown => return Ok(()),
    };
    journal
        .append(Record::Outcome(Outcome {
            dial_id: entry.dial_id.clone(),
            outcome,
            transaction_id,
            error,
            batch: entry.batch.clone(),
            row: entry.row.clone(),
            resolved_by: Some("logs".to_string()),
            attempt: entry.batch.is_some().then_some(entry.attempt),
        }))
        .await
}
