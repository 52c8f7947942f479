//! `chimecall calls`: the journal as a table (text) or one JSON object per dial. Before it lists
//! them, it asks the handler's logs once about the calls not known to have ended, and journals
//! what it learns: after `hangup --all`, `calls --active` empties as the HANGUPs are logged.

use std::fmt;

use serde::Serialize;

use std::time::Duration;

use super::Context;
use crate::call::{Disposition, Success};
use crate::cli::CallsArgs;
use crate::exit::Failure;
use crate::follow::{self, CallToLookUp, Pollers};
use crate::journal::{self, DialEntry, Journal, OutcomeKind};
use crate::settings::Setting;

/// One dial in text form: a table row.
#[derive(Serialize)]
#[serde(transparent)]
struct Listed<'a>(&'a DialEntry);

impl fmt::Display for Listed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entry = self.0;
        let outcome = match entry.outcome {
            OutcomeKind::Placed => "placed",
            OutcomeKind::Failed => "failed",
            OutcomeKind::Unknown => "unknown",
        };
        // The journal is a file anyone can edit: each field stays on its line.
        let cell = |text: &str| crate::text::printable(text).into_owned();
        write!(
            f,
            "{:<24}  {:<16}  {:<8}  {:<16}  {:<14}  {:<36}  {}",
            cell(&entry.time),
            cell(&entry.to),
            outcome,
            cell(entry.state.as_deref().unwrap_or("-")),
            entry.disposition(),
            cell(entry.transaction_id.as_deref().unwrap_or("-")),
            cell(entry.row.as_deref().unwrap_or(""))
        )
    }
}

pub(crate) async fn run(args: CallsArgs, context: &Context) -> anyhow::Result<()> {
    let output = &context.output;
    let active = args.active;
    let since_ms = args.since.map(|since| since.start_ms());
    let journal = Journal::open(&journal::default_path()?)?;
    let mut entries = if active {
        journal.open_dials(since_ms).await?
    } else {
        journal.dials_since(since_ms).await?
    };
    if !args.offline && entries.iter().any(DialEntry::is_active) {
        let log_group = context.setting(Setting::LogGroup, args.log_group).await?;
        learn_ends(&mut entries, log_group.as_deref(), &journal, context).await?;
    }
    let entries: Vec<DialEntry> = entries
        .into_iter()
        .filter(|entry| !active || entry.is_active())
        .collect();
    if !output.is_json() && !entries.is_empty() {
        let header = format!(
            "{:<24}  {:<16}  {:<8}  {:<16}  {:<14}  {:<36}  {}",
            "TIME", "TO", "OUTCOME", "STATE", "DISPOSITION", "TRANSACTION_ID", "ROW"
        );
        output.result(&header)?;
    }
    for entry in &entries {
        output.result(&Listed(entry))?;
    }
    let unknown = entries
        .iter()
        .filter(|e| e.outcome == OutcomeKind::Unknown)
        .count();
    if unknown > 0 && !active {
        output.note(format!(
            "{unknown} dials have an unknown outcome: a call may have been placed for each"
        ));
    }
    Ok(())
}

/// How long `calls` reads the logs before it lists the journal as it is.
const LOOK_UP_WITHIN: Duration = Duration::from_secs(30);

/// Asks the logs once about the calls not known to have ended; journals (and shows) the ones
/// that have. Logs that cannot be read leave the journal's word, with a warning.
async fn learn_ends(
    entries: &mut [DialEntry],
    log_group: Option<&str>,
    journal: &Journal,
    context: &Context,
) -> Result<(), Failure> {
    let output = &context.output;
    let calls: Vec<CallToLookUp> = entries
        .iter()
        .filter(|entry| entry.is_active())
        .filter_map(|entry| {
            Some(CallToLookUp {
                sma_id: entry.sma_id.clone(),
                transaction_id: entry.transaction_id.clone()?,
                since_ms: entry.time_ms()? - follow::CLOCK_SKEW_MS,
            })
        })
        .collect();
    let config = context.sdk_config().await?;
    let pollers = Pollers::new(&config, context.logs_rate, None);
    let looked_up = match follow::look_up(&calls, log_group, &pollers, &config, LOOK_UP_WITHIN)
        .await
    {
        Ok(looked_up) => looked_up,
        Err(failure) => {
            output.note(format!(
                    "warning: the handler's logs cannot be read ({failure}): the journal alone is shown"
                ));
            return Ok(());
        }
    };
    for (transaction_id, tracker) in looked_up {
        if !tracker.is_ended() {
            continue;
        }
        let disposition = Disposition::of_call(&tracker.facts(), &Success::Answered);
        journal::record_phase(
            journal,
            &transaction_id,
            &tracker.phase(),
            Some(&disposition),
            "calls",
        )
        .await?;
        if let Some(entry) = entries
            .iter_mut()
            .find(|entry| entry.transaction_id.as_deref() == Some(transaction_id.as_str()))
        {
            entry.state = Some("ended".to_string());
            entry.answered = Some(disposition.answered);
            entry.disposition = Some(disposition.disposition);
            entry.sip_response_code = disposition.sip_response_code.clone();
            entry.digits = Some(disposition.digits.clone()).filter(|d| !d.is_empty());
            entry.ring_ms = disposition.ring_ms;
            entry.duration_ms = disposition.duration_ms;
            entry.ended_by = disposition.ended_by;
            entry.bridged = Some(disposition.bridged);
        }
    }
    Ok(())
}
