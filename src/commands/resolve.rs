//! `chimecall resolve`: settles the journal's unknown dial outcomes from the handler's logs.

use std::collections::HashSet;
use std::fmt;

use serde::Serialize;

use super::Context;
use crate::bad_records::Skipped;
use crate::cli::ResolveArgs;
use crate::exit::{Exit, Failure};
use crate::follow::LogReader;
use crate::journal::{DialEntry, OutcomeKind};
use crate::settings::Setting;
use crate::settle::{self, Proof, Resolution, ResolutionCounts};

/// One settled (or still unknown) dial. Text: `DIAL_ID\tTO\tRESOLUTION\tTRANSACTION_ID`.
#[derive(Debug, Serialize)]
struct Resolved {
    dial_id: String,
    to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    row: Option<String>,
    /// placed, not_placed, or unknown.
    resolution: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    transaction_id: Option<String>,
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

pub(crate) async fn run(args: ResolveArgs, context: &Context) -> anyhow::Result<()> {
    // A bad record is reported and skipped (exit 9 when nothing else failed); the rest settled.
    let mut skipped = Skipped::default();
    let result = resolve(args, context, &mut skipped).await;
    skipped.after(result)
}

async fn resolve(
    args: ResolveArgs,
    context: &Context,
    skipped: &mut Skipped,
) -> anyhow::Result<()> {
    let output = &context.output;
    let log_group = context.setting(Setting::LogGroup, args.log_group).await?;
    let journal = context.journal().await?;
    let all = journal
        .dials_since(args.since.map(|since| since.start_ms()))
        .await?;
    let all = skipped.good_dials(all, output);
    let known: HashSet<String> = all
        .iter()
        .filter_map(|e| e.transaction_id.clone())
        .collect();
    // A dial younger than this may still be in flight in another chimecall: not ours to settle.
    let settled_after = chimecall_model::clock::now_ms() - args.min_age.as_millis() as i64;
    let (entries, too_young): (Vec<DialEntry>, Vec<DialEntry>) = all
        .into_iter()
        .filter(|entry| entry.outcome == OutcomeKind::Unknown)
        .partition(|entry| entry.time_ms().is_none_or(|t| t <= settled_after));
    if !too_young.is_empty() {
        output.note(format!(
            "{} younger than --min-age (maybe still in flight): left for a later resolve",
            crate::text::count(too_young.len(), "dial is", "dials are")
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
    let config = context.sdk_config().await?;
    let proof = Proof {
        settle: Some(args.settle),
    };
    let reader = LogReader::new(&config, context.logs_rate);
    let resolutions = settle::settle(
        &entries,
        proof,
        &known,
        log_group.as_deref(),
        &journal,
        &reader,
    )
    .await?;
    let mut counts = ResolutionCounts::default();
    for (entry, resolution) in entries.iter().zip(&resolutions) {
        counts.count(resolution);
        output.result(&Resolved::new(entry, resolution))?;
    }
    output.note(format!("{} unknown outcomes: {counts}", resolutions.len()));
    if counts.unknown > 0 || !too_young.is_empty() {
        return Err(Failure::new(
            Exit::OutcomeUnknown,
            "the logs cannot settle every dial yet: run resolve again later, or look them up by hand",
        )
        .into());
    }
    Ok(())
}

impl Resolved {
    fn new(entry: &DialEntry, resolution: &Resolution) -> Resolved {
        Resolved {
            dial_id: entry.dial_id.clone(),
            to: entry.to.clone(),
            row: entry.row.clone(),
            resolution: match resolution {
                Resolution::Placed { .. } => "placed",
                Resolution::NotPlaced => "not_placed",
                Resolution::Unknown => "unknown",
            },
            transaction_id: match resolution {
                Resolution::Placed { transaction_id } => Some(transaction_id.clone()),
                _ => None,
            },
        }
    }
}
