//! `chimecall calls`: the journal as a table (text) or one JSON object per dial.

use std::fmt;

use serde::Serialize;

use crate::duration::Since;
use crate::exit::Failure;
use crate::journal::{self, CallEntry, OutcomeKind};
use crate::output::Output;

/// One dial in text form: a table row.
#[derive(Serialize)]
#[serde(transparent)]
struct Listed<'a>(&'a CallEntry);

impl fmt::Display for Listed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entry = self.0;
        let outcome = match entry.outcome {
            OutcomeKind::Placed => "placed",
            OutcomeKind::Failed => "failed",
            OutcomeKind::Unknown => "unknown",
        };
        // The journal is a file anyone can edit: each field stays on its line.
        let cell = |text: &str| chimecall_model::rules::printable(text).into_owned();
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

/// Entries of the journal at `path`, filtered; problems reading it are warned about.
pub fn load(
    active: bool,
    since: Option<Since>,
    output: &Output,
) -> Result<Vec<CallEntry>, Failure> {
    let path = journal::default_path()?;
    let contents = journal::read(&path)?;
    for problem in &contents.problems {
        output.note(format!("warning: {problem}"));
    }
    let since = since.map(|s| s.start_ms());
    Ok(journal::calls(&contents)
        .into_iter()
        .filter(|entry| !active || entry.is_active())
        .filter(|entry| match since {
            None => true,
            Some(start) => time_ms(&entry.time).is_none_or(|t| t >= start),
        })
        .collect())
}

fn time_ms(rfc3339: &str) -> Option<i64> {
    let parsed =
        time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
            .ok()?;
    Some((parsed.unix_timestamp_nanos() / 1_000_000) as i64)
}

pub fn list(active: bool, since: Option<Since>, output: &Output) -> anyhow::Result<()> {
    let entries = load(active, since, output)?;
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
