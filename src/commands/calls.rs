//! `chimecall calls`: the journal as a table (text) or one JSON object per dial. Before it lists
//! them, it asks the handler's logs once about the calls not known to have ended, and journals
//! what it learns: after `hangup --all`, `calls --active` empties as the HANGUPs are logged.

use std::fmt;

use serde::Serialize;

use std::time::Duration;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::Context;
use crate::bad_records::Skipped;
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

/// The text table's columns, by display width: each cell is cut to its width (an ellipsis says
/// so) and padded to it, so the columns line up whatever the journal holds. JSON stays exact.
const COLUMNS: [(&str, usize); 7] = [
    ("TIME", 24),
    ("TO", 16),
    ("OUTCOME", 8),
    ("STATE", 16),
    ("DISPOSITION", 14),
    ("TRANSACTION_ID", 36),
    ("ROW", 40),
];

/// One table line of `cells` (one per column), each made printable, cut and padded to its width.
fn table_line(cells: [&str; 7]) -> String {
    let mut line = String::new();
    for (index, (cell, (_, width))) in cells.iter().zip(COLUMNS).enumerate() {
        let last = index == COLUMNS.len() - 1;
        let fitted = fit(&crate::text::printable(cell), width);
        line.push_str(&fitted);
        if !last {
            let shown = UnicodeWidthStr::width(fitted.as_str());
            line.extend(std::iter::repeat_n(' ', width.saturating_sub(shown) + 2));
        }
    }
    line
}

/// `text` cut to at most `width` columns of a terminal, ending in `…` when it was cut.
fn fit(text: &str, width: usize) -> String {
    if UnicodeWidthStr::width(text) <= width {
        return text.to_string();
    }
    let mut fitted = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        fitted.push(c);
        used += w;
    }
    fitted.push('…');
    fitted
}

impl fmt::Display for Listed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entry = self.0;
        let outcome = match entry.outcome {
            OutcomeKind::Placed => "placed",
            OutcomeKind::Failed => "failed",
            OutcomeKind::Unknown => "unknown",
        };
        // A deliberate repeat (`dial --allow-repeat` over the guard's limit) says so.
        let row = match (entry.row.as_deref(), entry.repeat) {
            (row, false) => row.unwrap_or("").to_string(),
            (None, true) => "(repeat)".to_string(),
            (Some(row), true) => format!("{row} (repeat)"),
        };
        // The journal is a file anyone can edit: each field stays on its line and in its column.
        f.write_str(&table_line([
            &entry.time,
            &entry.to,
            outcome,
            entry.state.as_deref().unwrap_or(match entry.outcome {
                // Placed, and nothing heard of it since: it is ringing.
                OutcomeKind::Placed => "ringing",
                _ => "-",
            }),
            &entry.disposition().to_string(),
            entry.transaction_id.as_deref().unwrap_or("-"),
            &row,
        ]))
    }
}

pub(crate) async fn run(args: CallsArgs, context: &Context) -> anyhow::Result<()> {
    let output = &context.output;
    let active = args.active;
    let since_ms = args.since.map(|since| since.start_ms());
    let journal = context.journal().await?;
    let entries = if active {
        journal.open_dials(since_ms).await?
    } else {
        journal.dials_since(since_ms).await?
    };
    // A bad record is reported and skipped (exit 9 at the end); the others are listed.
    let mut skipped = Skipped::default();
    let mut entries = skipped.good_dials(entries, output);
    if !args.offline && entries.iter().any(DialEntry::is_active) {
        let log_group = context.setting(Setting::LogGroup, args.log_group).await?;
        learn_ends(&mut entries, log_group.as_deref(), &journal, context).await?;
    }
    let entries: Vec<DialEntry> = entries
        .into_iter()
        .filter(|entry| !active || entry.is_active())
        .collect();
    if !output.is_json() && !entries.is_empty() {
        output.result(&table_line(COLUMNS.map(|(name, _)| name)))?;
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
            "{} an unknown outcome: a call may have been placed for each",
            crate::text::count(unknown, "dial has", "dials have")
        ));
    }
    skipped.after(Ok(()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_whatever_the_values() {
        let header = table_line(COLUMNS.map(|(name, _)| name));
        let long = "9".repeat(500);
        let wide = "電話".repeat(40);
        let hostile = "tx\u{1b}[2J\u{202e}\n";
        let line = table_line([&long, &wide, "placed", hostile, "live", &long, &wide]);
        let starts = |line: &str| -> Vec<usize> {
            // The display column where each of the first six cells' padding ends.
            let mut starts = Vec::new();
            let mut column = 0;
            let mut spaces = 0;
            for c in line.chars() {
                if c == ' ' {
                    spaces += 1;
                } else {
                    if spaces >= 2 {
                        starts.push(column);
                    }
                    spaces = 0;
                }
                column += UnicodeWidthChar::width(c).unwrap_or(0);
            }
            starts
        };
        assert_eq!(starts(&header), starts(&line), "{header}\n{line}");
        assert!(line.contains('…'));
        assert!(
            !line.chars().any(chimecall_model::rules::is_unprintable),
            "{line:?}"
        );
        assert_eq!(fit("short", 8), "short");
        assert_eq!(fit("abcdefghij", 5), "abcd…");
    }
}
