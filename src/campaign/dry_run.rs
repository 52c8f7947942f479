//! `dial --file F --dry-run`: the whole file checked, and what a run would dial, placing nothing
//! and writing nothing: every row (valid ones as `would_dial`, invalid ones with their line and
//! column), then a summary: the rate, the time the run would take at least, the cap on live calls.

use std::fmt;

use serde::Serialize;

use super::report::RowReport;
use super::rows::Row;
use super::{source, RunOptions};
use crate::exit::{Exit, Failure};
use crate::output::Output;

/// The dry run's last line.
#[derive(Debug, Serialize)]
struct DryRunSummary {
    dry_run: bool,
    rows: u64,
    would_dial: u64,
    invalid: u64,
    /// Calls started per second (`None`: no limit of chimecall's own).
    rate: Option<f64>,
    /// At that rate, the least the run would take.
    expected_seconds: Option<f64>,
    /// Calls live at once, at most (`None`: no cap of chimecall's own).
    max_active: Option<usize>,
    attempts: u32,
}

impl fmt::Display for DryRunSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "# dry run: nothing was dialed. {}: {} would be dialed, {} {} invalid",
            crate::text::count(self.rows as usize, "row", "rows"),
            self.would_dial,
            self.invalid,
            crate::text::one_or_many(self.invalid as usize, "is", "are")
        )?;
        match (self.rate, self.expected_seconds) {
            (Some(rate), Some(seconds)) => write!(
                f,
                "; at {rate} calls/s that takes at least {}",
                humantime::format_duration(std::time::Duration::from_secs(seconds.ceil() as u64))
            )?,
            _ => write!(
                f,
                "; no rate limit of chimecall's own (the account's quota paces it)"
            )?,
        }
        match self.max_active {
            Some(cap) => write!(
                f,
                "; never more than {cap} calls live at once (a row starts when a call ends)"
            )?,
            None => write!(f, "; no cap on live calls of chimecall's own")?,
        }
        if self.attempts > 1 {
            write!(f, "; up to {} attempts per row", self.attempts)?;
        }
        Ok(())
    }
}

pub(crate) async fn run(options: &RunOptions, output: &Output) -> anyhow::Result<()> {
    // No --strict first pass: a dry run reports every row, valid or not.
    let source = source::RowSource {
        file: &options.file,
        defaults: &options.defaults,
        strict: false,
    };
    let mut rows = source::open_rows(&source, output)?;
    let (mut total, mut valid, mut bad) = (0u64, 0u64, 0u64);
    let mut unreadable = None;
    loop {
        let row = match rows.reader.next_row() {
            None => break,
            Some(Err(failure)) => {
                unreadable = Some(failure);
                break;
            }
            Some(Ok(row)) => row,
        };
        total += 1;
        let report = match row {
            Row::Invalid {
                line,
                key,
                to,
                problem,
            } => {
                bad += 1;
                output.error(&problem);
                RowReport::invalid(&key, line, to.as_deref(), problem)
            }
            Row::Valid {
                line, key, request, ..
            } => {
                valid += 1;
                // What would be sent: each dial's own id included.
                let sent = if options.request_id() {
                    request.with_request_id("<a new id for each dial>")
                } else {
                    request
                };
                RowReport::would_dial(&key, line, &sent)
            }
        };
        output.result(&report)?;
    }
    let rate = (options.rate > 0.0).then_some(options.rate);
    output.result(&DryRunSummary {
        dry_run: true,
        rows: total,
        would_dial: valid,
        invalid: bad,
        rate,
        expected_seconds: rate.map(|rate| valid.saturating_sub(1) as f64 / rate),
        max_active: (options.policy.max_active > 0).then_some(options.policy.max_active),
        attempts: options.policy.redials.attempts,
    })?;
    if let Some(failure) = unreadable {
        return Err(failure.into());
    }
    if bad > 0 {
        let message = format!(
            "{bad} of {} {} invalid",
            crate::text::count(total as usize, "row", "rows"),
            crate::text::one_or_many(bad as usize, "is", "are")
        );
        return Err(Failure::new(Exit::Usage, message).into());
    }
    Ok(())
}
