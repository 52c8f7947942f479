//! `chimecall resolve`: settles the journal's unknown dial outcomes from the handler's logs, and
//! the same done by `dial` itself before it would exit 8.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use serde::Serialize;

use crate::aws;
use crate::commands::tail::{self, EventSource};
use crate::duration::Since;
use crate::exit::{Exit, Failure};
use crate::journal::{self, CallEntry, ErrorNote, Journal, Outcome, OutcomeKind, Record};
use crate::output::Output;
use crate::resolve::{self, Proof, Resolution};

/// How long after a dial the logs must reach before their silence means "not placed", unless
/// --settle says otherwise: CloudWatch Logs can take seconds to ingest an event.
pub const DEFAULT_SETTLE: Duration = Duration::from_secs(30);

/// One settled (or still unknown) dial. Text: `DIAL_ID\tTO\tRESOLUTION\tTRANSACTION_ID`.
#[derive(Debug, Serialize)]
pub struct Resolved {
    pub dial_id: String,
    pub to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<String>,
    /// placed, not_placed, or unknown.
    pub resolution: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
}

impl fmt::Display for Resolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}\t{}\t{}\t{}",
            self.dial_id,
            self.to,
            self.resolution,
            self.transaction_id.as_deref().unwrap_or("")
        )
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub placed: usize,
    pub not_placed: usize,
    pub unknown: usize,
}

/// Looks each entry up in its handler's logs and journals what it finds.
pub async fn resolve_entries(
    entries: &[CallEntry],
    proof: Proof,
    known: &HashSet<String>,
    log_group: Option<&str>,
    journal: &Journal,
    config: &SdkConfig,
) -> Result<Vec<(Resolved, Resolution)>, Failure> {
    let logs = aws::logs_client(config);
    let mut groups: HashMap<String, String> = HashMap::new();
    let mut results = Vec::new();
    for entry in entries {
        let group = match (log_group, groups.get(&entry.sma_id)) {
            (Some(group), _) => group.to_string(),
            (None, Some(group)) => group.clone(),
            (None, None) => {
                let source = EventSource {
                    sma_id: Some(entry.sma_id.clone()),
                    log_group: None,
                    start_ms: 0,
                };
                let group = tail::resolve_log_group(&source, config).await?;
                groups.insert(entry.sma_id.clone(), group.clone());
                group
            }
        };
        let dial_ms = resolve::journal_time_ms(&entry.time).unwrap_or_else(tail::now_ms);
        let resolution = resolve::resolve_entry(&logs, &group, entry, dial_ms, proof, known)
            .await
            .map_err(|e| Failure::new(e.exit(), e.describe()))?;
        record(journal, entry, &resolution).await?;
        let resolved = Resolved {
            dial_id: entry.dial_id.clone(),
            to: entry.to.clone(),
            row: entry.row.clone(),
            resolution: match resolution {
                Resolution::Placed { .. } => "placed",
                Resolution::NotPlaced => "not_placed",
                Resolution::Unknown => "unknown",
            },
            transaction_id: match &resolution {
                Resolution::Placed { transaction_id } => Some(transaction_id.clone()),
                _ => None,
            },
        };
        results.push((resolved, resolution));
    }
    Ok(results)
}

async fn record(
    journal: &Journal,
    entry: &CallEntry,
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
        }))
        .await
}

pub struct ResolveOptions {
    pub since: Option<Since>,
    pub settle: Duration,
    /// Dials younger than this are left for a later run (they may still be in flight).
    pub min_age: Duration,
    pub log_group: Option<String>,
}

pub async fn run(
    options: ResolveOptions,
    config: &SdkConfig,
    output: &Output,
) -> anyhow::Result<()> {
    let all = crate::commands::calls::load(false, options.since, output)?;
    let known: HashSet<String> = all
        .iter()
        .filter_map(|e| e.transaction_id.clone())
        .collect();
    // A dial younger than this may still be in flight in another chimecall: not ours to settle.
    let settled_after = tail::now_ms() - options.min_age.as_millis() as i64;
    let (entries, too_young): (Vec<CallEntry>, Vec<CallEntry>) = all
        .into_iter()
        .filter(|entry| entry.outcome == OutcomeKind::Unknown)
        .partition(|entry| {
            resolve::journal_time_ms(&entry.time).is_none_or(|t| t <= settled_after)
        });
    if !too_young.is_empty() {
        output.note(format!(
            "{} dials are younger than --min-age (maybe still in flight): left for a later resolve",
            too_young.len()
        ));
    }
    if entries.is_empty() {
        output.note("no dial in the journal has an unknown outcome to settle");
        return if too_young.is_empty() {
            Ok(())
        } else {
            Err(Failure::new(Exit::OutcomeUnknown, "").into())
        };
    }
    let journal = Journal::open(&journal::default_path()?)?;
    let proof = Proof {
        settle: Some(options.settle),
    };
    let results = resolve_entries(
        &entries,
        proof,
        &known,
        options.log_group.as_deref(),
        &journal,
        config,
    )
    .await?;
    let mut tally = Tally::default();
    for (resolved, resolution) in &results {
        match resolution {
            Resolution::Placed { .. } => tally.placed += 1,
            Resolution::NotPlaced => tally.not_placed += 1,
            Resolution::Unknown => tally.unknown += 1,
        }
        output.result(resolved)?;
    }
    output.note(format!(
        "{} unknown outcomes: {} placed, {} not placed, {} still unknown",
        results.len(),
        tally.placed,
        tally.not_placed,
        tally.unknown
    ));
    if tally.unknown > 0 || !too_young.is_empty() {
        return Err(Failure::new(
            Exit::OutcomeUnknown,
            "the logs cannot settle every dial yet: run resolve again later, or look them up by hand",
        )
        .into());
    }
    Ok(())
}

/// Before a dial exits 8: look for its call in the logs for a short while. Only finding the call
/// settles it (a quick look cannot prove a call was NOT placed); `Unknown` otherwise.
pub async fn settle_one(
    entry: &CallEntry,
    bound: Duration,
    journal: &Journal,
    config: &SdkConfig,
) -> Resolution {
    let deadline = Instant::now() + bound;
    loop {
        let (proof, known) = (Proof { settle: None }, HashSet::new());
        match resolve_entries(
            std::slice::from_ref(entry),
            proof,
            &known,
            None,
            journal,
            config,
        )
        .await
        {
            Ok(mut results) => match results.pop().map(|(_, resolution)| resolution) {
                Some(Resolution::Unknown) | None => {}
                Some(found) => return found,
            },
            Err(failure) => {
                tracing::info!(%failure, "the handler's logs cannot be read");
                return Resolution::Unknown;
            }
        }
        if Instant::now() >= deadline {
            return Resolution::Unknown;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}
