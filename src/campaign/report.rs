//! What a bulk run prints: one line (or JSON object) per row, and the tally of outcomes.

use std::fmt;

use serde::Serialize;

use std::collections::BTreeMap;

use crate::call::{DialRequest, Disposition, DispositionKind, EndedBy};
use crate::exit::Exit;
use crate::journal::{ErrorNote, OutcomeKind};
use crate::placing::{self, DialResult};
use crate::text::{cell, one_line};

/// What became of a row's dial, as its line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RowOutcome {
    Placed,
    /// No call was placed (refused, or never sent).
    Failed,
    /// A call may have been placed.
    Unknown,
    /// The row breaks a rule: never sent.
    Invalid,
    /// `--resume`: its outcome is in the journal already.
    Skipped,
    /// `--dry-run`: it would be dialed.
    WouldDial,
}

impl RowOutcome {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RowOutcome::Placed => "placed",
            RowOutcome::Failed => "failed",
            RowOutcome::Unknown => "unknown",
            RowOutcome::Invalid => "invalid",
            RowOutcome::Skipped => "skipped",
            RowOutcome::WouldDial => "would_dial",
        }
    }
}

impl fmt::Display for RowOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row's result on stdout.
#[derive(Debug, Serialize)]
pub(crate) struct RowReport {
    pub(crate) row: String,
    pub(crate) line: u64,
    pub(crate) to: Option<String>,
    pub(crate) outcome: RowOutcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) transaction_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<ErrorNote>,
    /// Set on a second report for a row whose unknown outcome the handler's logs settled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) resolved_by: Option<&'static str>,
    /// Which attempt at the row this was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) attempt: Option<u32>,
    /// `--dry-run`: the ArgumentsMap the row's dial would send.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) arguments: Option<BTreeMap<String, String>>,
    /// `--dry-run` of a file with tiers: the row's tier.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) tier: Option<u32>,
    /// A team journal's row attempt another runner claimed first: that runner.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) claimed_by: Option<String>,
}

impl RowReport {
    fn of_row(row: &str, line: u64, to: Option<&str>, outcome: RowOutcome) -> RowReport {
        RowReport {
            row: row.to_string(),
            line,
            to: to.map(str::to_string),
            outcome,
            transaction_id: None,
            error: None,
            resolved_by: None,
            attempt: None,
            arguments: None,
            tier: None,
            claimed_by: None,
        }
    }

    /// A row that breaks a rule: never sent (exit 2's code in its error).
    pub(crate) fn invalid(row: &str, line: u64, to: Option<&str>, problem: String) -> RowReport {
        RowReport {
            error: Some(ErrorNote {
                code: None,
                message: problem,
                request_id: None,
                exit_code: Exit::Usage.code(),
            }),
            ..RowReport::of_row(row, line, to, RowOutcome::Invalid)
        }
    }

    /// `--dry-run`: a row that would be dialed, with the ArgumentsMap it would send.
    pub(crate) fn would_dial(row: &str, line: u64, request: &DialRequest) -> RowReport {
        RowReport {
            arguments: Some(request.arguments.clone()),
            ..RowReport::of_row(row, line, Some(&request.to), RowOutcome::WouldDial)
        }
    }

    /// `--resume`: a row whose outcome stands in the journal.
    pub(crate) fn skipped(row: &str, line: u64, to: &str) -> RowReport {
        RowReport::of_row(row, line, Some(to), RowOutcome::Skipped)
    }

    /// A row attempt another runner sharing the team journal claimed first: that runner's to
    /// dial, skipped here.
    pub(crate) fn claimed(row: &str, line: u64, to: &str, attempt: u32, by: &str) -> RowReport {
        RowReport {
            attempt: Some(attempt),
            claimed_by: Some(by.to_string()),
            ..RowReport::of_row(row, line, Some(to), RowOutcome::Skipped)
        }
    }

    /// `--resume`: a row whose call from before is still live, followed rather than dialed (its
    /// TransactionId and attempt said, as docs/runbooks.md promises).
    pub(crate) fn skipped_live(
        row: &str,
        line: u64,
        to: &str,
        transaction_id: &str,
        attempt: u32,
    ) -> RowReport {
        RowReport {
            transaction_id: Some(transaction_id.to_string()),
            attempt: Some(attempt),
            ..RowReport::of_row(row, line, Some(to), RowOutcome::Skipped)
        }
    }

    /// An attempt's dial, as the service answered it.
    pub(crate) fn dialed(
        row: &str,
        line: u64,
        to: &str,
        attempt: u32,
        result: &DialResult,
    ) -> RowReport {
        let outcome = match result.kind() {
            OutcomeKind::Placed => RowOutcome::Placed,
            OutcomeKind::Failed => RowOutcome::Failed,
            OutcomeKind::Unknown => RowOutcome::Unknown,
        };
        RowReport {
            transaction_id: match result {
                DialResult::Placed { transaction_id } => Some(transaction_id.clone()),
                _ => None,
            },
            error: result.error().map(placing::error_note),
            attempt: Some(attempt),
            ..RowReport::of_row(row, line, Some(to), outcome)
        }
    }

    /// An attempt that failed before or without a call: `error` says why.
    pub(crate) fn failed(
        row: &str,
        line: u64,
        to: &str,
        attempt: u32,
        error: ErrorNote,
    ) -> RowReport {
        RowReport {
            error: Some(error),
            attempt: Some(attempt),
            ..RowReport::of_row(row, line, Some(to), RowOutcome::Failed)
        }
    }

    /// The second line of a row whose unknown outcome the handler's logs settled: placed.
    pub(crate) fn found_in_logs(
        row: &str,
        line: u64,
        to: &str,
        attempt: u32,
        transaction_id: String,
    ) -> RowReport {
        RowReport {
            transaction_id: Some(transaction_id),
            resolved_by: Some("logs"),
            attempt: Some(attempt),
            ..RowReport::of_row(row, line, Some(to), RowOutcome::Placed)
        }
    }
}

impl fmt::Display for RowReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let detail = match (&self.transaction_id, &self.error, &self.arguments) {
            (Some(id), _, _) => id.clone(),
            (None, Some(error), _) => match &error.code {
                Some(code) => format!("{code}: {}", one_line(&error.message)),
                None => one_line(&error.message),
            },
            (None, None, Some(arguments)) => self
                .tier
                .map(|tier| format!("tier={tier}"))
                .into_iter()
                .chain(
                    arguments
                        .iter()
                        .map(|(key, value)| format!("{}={}", cell(key), cell(value))),
                )
                .collect::<Vec<_>>()
                .join(" "),
            (None, None, None) => match &self.claimed_by {
                Some(runner) => format!("claimed by {}", cell(runner)),
                None => String::new(),
            },
        };
        write!(
            f,
            "{}\t{}\t{}\t{}",
            cell(&self.row),
            cell(self.to.as_deref().unwrap_or("")),
            self.outcome,
            detail
        )
    }
}

/// How one attempt at a row ended (runs that wait): after the row's placement line. Text: one
/// tab-separated line `ROW TO DISPOSITION TRANSACTION_ID attempt=N digits=.. ended_by=..`.
#[derive(Debug, Serialize)]
pub(crate) struct EndReport {
    pub(crate) row: String,
    pub(crate) line: u64,
    pub(crate) to: String,
    pub(crate) transaction_id: Option<String>,
    pub(crate) attempt: u32,
    pub(crate) disposition: DispositionKind,
    pub(crate) answered: bool,
    pub(crate) sip_response_code: Option<String>,
    pub(crate) digits: String,
    pub(crate) ring_ms: Option<i64>,
    pub(crate) duration_ms: Option<i64>,
    pub(crate) ended_by: Option<EndedBy>,
    /// The call was still up when the run stopped following it (its row may have succeeded).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) live: bool,
}

impl EndReport {
    pub(crate) fn new(
        row: &str,
        line: u64,
        to: &str,
        transaction_id: Option<String>,
        attempt: u32,
        disposition: &Disposition,
    ) -> EndReport {
        EndReport {
            row: row.to_string(),
            line,
            to: to.to_string(),
            transaction_id,
            attempt,
            disposition: disposition.disposition,
            answered: disposition.answered,
            sip_response_code: disposition.sip_response_code.clone(),
            digits: disposition.digits.clone(),
            ring_ms: disposition.ring_ms,
            duration_ms: disposition.duration_ms,
            ended_by: disposition.ended_by,
            live: false,
        }
    }
}

impl fmt::Display for EndReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}\t{}\t{}\t{}\tattempt={}",
            cell(&self.row),
            cell(&self.to),
            self.disposition,
            self.transaction_id.as_deref().unwrap_or("-"),
            self.attempt
        )?;
        if let Some(code) = &self.sip_response_code {
            write!(f, " sip={}", cell(code))?;
        }
        if !self.digits.is_empty() {
            write!(f, " digits={}", cell(&self.digits))?;
        }
        if let Some(by) = self.ended_by {
            write!(f, " ended_by={}", by.as_str())?;
        }
        if self.live && self.disposition != DispositionKind::Live {
            write!(f, " live=true")?;
        }
        Ok(())
    }
}

/// The run's first success, the moment it is seen (`--until first` ends the run on it). Text:
/// `# first success: ROW TO DISPOSITION at TIME (tier N, round R)`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FirstSuccess {
    pub(crate) first_success: bool,
    pub(crate) row: String,
    pub(crate) line: u64,
    pub(crate) to: String,
    pub(crate) disposition: DispositionKind,
    pub(crate) attempt: u32,
    pub(crate) tier: u32,
    /// 1 for the first round.
    pub(crate) round: u32,
    pub(crate) at: String,
}

impl FirstSuccess {
    pub(crate) fn new(
        job: &crate::campaign::job::Job,
        kind: DispositionKind,
        at_ms: i64,
    ) -> FirstSuccess {
        FirstSuccess {
            first_success: true,
            row: job.key.clone(),
            line: job.line,
            to: job.request.to.clone(),
            disposition: kind,
            attempt: job.attempt,
            tier: job.tier,
            round: job.round + 1,
            at: chimecall_model::clock::rfc3339_ms(at_ms).unwrap_or_default(),
        }
    }
}

impl fmt::Display for FirstSuccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "# first success: {}\t{}\t{} at {} (tier {}, round {}, attempt {})",
            cell(&self.row),
            cell(&self.to),
            self.disposition,
            self.at,
            self.tier,
            self.round,
            self.attempt
        )
    }
}

/// A line of a run's stdout.
#[derive(Debug)]
pub(crate) enum Line {
    Placement(RowReport),
    End(EndReport),
    FirstSuccess(FirstSuccess),
}

/// What a run has done so far.
#[derive(Debug, Default, Clone)]
pub(crate) struct Tally {
    pub(crate) placed: u64,
    pub(crate) failed: u64,
    pub(crate) unknown: u64,
    pub(crate) invalid: u64,
    pub(crate) skipped: u64,
    /// Calls placed and not ended yet.
    pub(crate) live: u64,
    /// Attempts that ended, by disposition (runs that wait).
    pub(crate) ended: BTreeMap<DispositionKind, u64>,
}

impl Tally {
    pub(crate) fn done(&self) -> u64 {
        self.placed + self.failed + self.unknown + self.invalid
    }

    pub(crate) fn count(&mut self, line: &Line) {
        match line {
            Line::Placement(report) => match report.outcome {
                RowOutcome::Placed => self.placed += 1,
                RowOutcome::Failed => self.failed += 1,
                RowOutcome::Unknown => self.unknown += 1,
                RowOutcome::Skipped => self.skipped += 1,
                RowOutcome::Invalid | RowOutcome::WouldDial => self.invalid += 1,
            },
            Line::End(end) => *self.ended.entry(end.disposition).or_default() += 1,
            Line::FirstSuccess(_) => {}
        }
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} placed, {} failed, {} unknown, {} invalid",
            self.placed, self.failed, self.unknown, self.invalid
        )?;
        if self.skipped > 0 {
            write!(f, ", {} skipped (already in the journal)", self.skipped)?;
        }
        if self.live > 0 {
            write!(f, "; {} live", self.live)?;
        }
        if !self.ended.is_empty() {
            let ended: Vec<String> = self
                .ended
                .iter()
                .map(|(kind, n)| format!("{n} {kind}"))
                .collect();
            write!(f, "; ended: {}", ended.join(", "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_neutralises_the_cells_json_keeps_them_exact() {
        let to = format!("+1\n2\t{}", "9".repeat(200));
        let mut report = RowReport::invalid("5:+1\n2", 5, Some(&to), String::new());
        report.error = None;
        let text = report.to_string();
        assert_eq!(text.matches('\t').count(), 3, "{text}");
        assert!(!text.contains('\n') && text.len() < 120, "{text}");
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["to"], format!("+1\n2\t{}", "9".repeat(200)));
        assert_eq!(json["row"], "5:+1\n2");
    }
}
