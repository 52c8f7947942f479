//! `chimecall calls`: the journal as a table (text) or one JSON object per dial.

use std::fmt;

use serde::Serialize;

use super::Context;
use crate::cli::CallsArgs;
use crate::journal::{self, DialEntry, OutcomeKind};

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
            "{:<24}  {:<16}  {:<8}  {:<16}  {:<36}  {}",
            cell(&entry.time),
            cell(&entry.to),
            outcome,
            cell(entry.state.as_deref().unwrap_or("-")),
            cell(entry.transaction_id.as_deref().unwrap_or("-")),
            cell(entry.row.as_deref().unwrap_or(""))
        )
    }
}

pub(crate) async fn run(args: CallsArgs, context: &Context) -> anyhow::Result<()> {
    let output = &context.output;
    let active = args.active;
    let entries: Vec<DialEntry> =
        journal::load_dials(args.since.map(|since| since.start_ms()), output)?
            .into_iter()
            .filter(|entry| !active || entry.is_active())
            .collect();
    if !output.is_json() && !entries.is_empty() {
        let header = format!(
            "{:<24}  {:<16}  {:<8}  {:<16}  {:<36}  {}",
            "TIME", "TO", "OUTCOME", "STATE", "TRANSACTION_ID", "ROW"
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
