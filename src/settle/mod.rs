//! Settling dials whose outcome is unknown, from the handler's logs. A dial whose answer was lost
//! may or may not have placed a call; the SIP media application invoked its handler with
//! NEW_OUTBOUND_CALL for every call it placed, carrying the dial's ArgumentsMap, where chimecall
//! put its request id. Finding that event proves the call was placed (and gives its
//! TransactionId); proving it was NOT placed needs logs that demonstrably cover the moment.
//!
//! Two kinds of look: `resolve`'s, which may conclude "not placed" with proof, and the quick look
//! a dial or a bulk run takes before it reports an unknown outcome, which only ever finds calls.

mod lookup;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::time::{Duration, Instant};

use aws_config::SdkConfig;

use crate::aws;
use crate::exit::{Exit, Failure};
use crate::follow::{log_group_of, LogSource};
use crate::journal::{DialEntry, ErrorNote, Journal, Outcome, OutcomeKind, Record};

pub(crate) use lookup::{Proof, Resolution};

/// How long a single dial looks for its own call before it exits 8: an operator is waiting.
pub(crate) const DIAL_QUICK_LOOK: Duration = Duration::from_secs(5);
/// How long a bulk run looks for the calls of its unknown rows before it ends.
pub(crate) const BULK_QUICK_LOOK: Duration = Duration::from_secs(10);
/// The pause between two quick looks.
const QUICK_LOOK_PAUSE: Duration = Duration::from_millis(300);

/// How many dials were settled which way.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Tally {
    pub(crate) placed: usize,
    pub(crate) not_placed: usize,
    pub(crate) unknown: usize,
}

impl Tally {
    pub(crate) fn count(&mut self, resolution: &Resolution) {
        match resolution {
            Resolution::Placed { .. } => self.placed += 1,
            Resolution::NotPlaced => self.not_placed += 1,
            Resolution::Unknown => self.unknown += 1,
        }
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} placed, {} not placed, {} still unknown",
            self.placed, self.not_placed, self.unknown
        )
    }
}

/// Looks each entry up in its handler's logs (`log_group`, else each SMA's handler's) and
/// journals what it finds. `known` holds the TransactionIds the journal already has: a call
/// found by destination alone must not be one of them.
pub(crate) async fn settle(
    entries: &[DialEntry],
    proof: Proof,
    known: &HashSet<String>,
    log_group: Option<&str>,
    journal: &Journal,
    config: &SdkConfig,
) -> Result<Vec<Resolution>, Failure> {
    let logs = aws::logs_client(config);
    let mut groups: HashMap<String, String> = HashMap::new();
    let mut resolutions = Vec::with_capacity(entries.len());
    for entry in entries {
        let group = match (log_group, groups.get(&entry.sma_id)) {
            (Some(group), _) => group.to_string(),
            (None, Some(group)) => group.clone(),
            (None, None) => {
                let source = LogSource {
                    sma_id: Some(entry.sma_id.clone()),
                    log_group: None,
                    start_ms: 0,
                };
                let group = log_group_of(&source, config).await?;
                groups.insert(entry.sma_id.clone(), group.clone());
                group
            }
        };
        let dial_ms = entry
            .time_ms()
            .unwrap_or_else(chimecall_model::clock::now_ms);
        let resolution = lookup::look_up(&logs, &group, entry, dial_ms, proof, known)
            .await
            .map_err(Failure::from)?;
        record(journal, entry, &resolution).await?;
        resolutions.push(resolution);
    }
    Ok(resolutions)
}

/// The quick look before an unknown outcome is reported: looks for the entries' calls until every
/// one is found or `bound` has passed. Only finding a call settles an entry (a quick look cannot
/// prove a call was NOT placed); each comes back `Placed` or `Unknown`, in the order given.
pub(crate) async fn quick_look(
    entries: Vec<DialEntry>,
    bound: Duration,
    journal: &Journal,
    config: &SdkConfig,
) -> Vec<(DialEntry, Resolution)> {
    let deadline = Instant::now() + bound;
    let mut settled: Vec<(usize, DialEntry, Resolution)> = Vec::new();
    let mut pending: Vec<(usize, DialEntry)> = entries.into_iter().enumerate().collect();
    let only_finding = Proof { settle: None };
    let none_known = HashSet::new();
    while !pending.is_empty() {
        let looked_up: Vec<DialEntry> = pending.iter().map(|(_, entry)| entry.clone()).collect();
        match settle(&looked_up, only_finding, &none_known, None, journal, config).await {
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
