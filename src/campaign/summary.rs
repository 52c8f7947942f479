//! What a batch adds up to, for `report`: rows, attempts, how the rows ended, the answer rate,
//! median ring time and duration, the digits entered, and what needs attention.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::ledger::{BatchLedger, RowLedger};
use crate::call::{DispositionKind, EndedBy};
use crate::text::cell;

/// One batch's numbers. Text: a short block; JSON: one object of type `batch`.
#[derive(Debug, Serialize)]
pub(crate) struct BatchSummary {
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    pub(crate) batch: String,
    pub(crate) first: Option<String>,
    pub(crate) last: Option<String>,
    pub(crate) rows: usize,
    pub(crate) attempts: usize,
    /// Each row's final disposition, counted.
    pub(crate) dispositions: BTreeMap<&'static str, usize>,
    /// Answered rows of the rows dialed.
    pub(crate) answer_rate: Option<f64>,
    pub(crate) median_ring_ms: Option<i64>,
    pub(crate) median_duration_ms: Option<i64>,
    /// What the callees entered, counted by row.
    pub(crate) digits: BTreeMap<String, usize>,
    pub(crate) unknown: usize,
    pub(crate) live: usize,
    /// Who acknowledged (`--ack`), and when, in the order they did.
    pub(crate) acknowledged: Vec<Acknowledgement>,
    /// Escalation: the highest tier dialed, and the rounds (`--repeat`) reached.
    pub(crate) tiers: u32,
    pub(crate) rounds: u32,
    /// The first row to succeed (its success's time as the journal learned it).
    pub(crate) first_success: Option<FirstSuccessSeen>,
}

/// The batch's first success, as the journal tells it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct FirstSuccessSeen {
    pub(crate) row: String,
    pub(crate) to: String,
    pub(crate) disposition: DispositionKind,
    pub(crate) tier: u32,
    /// 1 for the first round.
    pub(crate) round: u32,
    pub(crate) at: String,
}

/// One row whose callee pressed the acknowledgement key.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Acknowledgement {
    pub(crate) row: String,
    pub(crate) to: String,
    pub(crate) attempt: u32,
    /// When the key was seen (the journal's time); `None` when only the call's end said so.
    pub(crate) at: Option<String>,
}

/// One row's final state. Text: one tab-separated line; JSON: one object of type `row`.
#[derive(Debug, Serialize)]
pub(crate) struct RowSummary {
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    pub(crate) batch: String,
    pub(crate) row: String,
    pub(crate) line: u64,
    pub(crate) to: String,
    pub(crate) attempts: u32,
    pub(crate) disposition: DispositionKind,
    pub(crate) transaction_id: Option<String>,
    pub(crate) sip_response_code: Option<String>,
    pub(crate) digits: Option<String>,
    pub(crate) ring_ms: Option<i64>,
    pub(crate) duration_ms: Option<i64>,
    pub(crate) ended_by: Option<EndedBy>,
    /// A redial decided and not made yet: its earliest time.
    pub(crate) redial_not_before: Option<String>,
}

impl BatchSummary {
    pub(crate) fn of(batch: &BatchLedger) -> BatchSummary {
        let rows = batch.rows_in_order();
        let mut dispositions: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut digits: BTreeMap<String, usize> = BTreeMap::new();
        let mut rings = Vec::new();
        let mut durations = Vec::new();
        for row in &rows {
            let disposition = row.disposition();
            *dispositions.entry(disposition.as_str()).or_default() += 1;
            if let Some(attempt) = row.deciding_attempt() {
                if let Some(entered) = attempt.digits.as_ref().filter(|d| !d.is_empty()) {
                    *digits.entry(entered.clone()).or_default() += 1;
                }
                if disposition.was_answered() {
                    rings.extend(attempt.ring_ms);
                    durations.extend(attempt.duration_ms);
                }
            }
        }
        let count = |kind: DispositionKind| dispositions.get(kind.as_str()).copied().unwrap_or(0);
        let dialed = batch.rows_dialed();
        let (first, last) = batch.span().unzip();
        BatchSummary {
            kind: "batch",
            batch: batch.name.clone(),
            first,
            last,
            rows: rows.len(),
            // Attempts, not dials: a throttled dial sent again is the same attempt.
            attempts: rows.iter().map(|row| row.attempts_made() as usize).sum(),
            answer_rate: (dialed > 0).then(|| {
                (count(DispositionKind::Answered)
                    + count(DispositionKind::Acknowledged)
                    + count(DispositionKind::Unacknowledged)) as f64
                    / dialed as f64
            }),
            median_ring_ms: median(&mut rings),
            median_duration_ms: median(&mut durations),
            unknown: count(DispositionKind::Unknown),
            live: count(DispositionKind::Live),
            acknowledged: acknowledgements(&rows),
            tiers: rows
                .iter()
                .flat_map(|row| row.attempts.iter().map(|a| a.tier))
                .max()
                .unwrap_or(1),
            rounds: rows
                .iter()
                .flat_map(|row| row.attempts.iter().map(|a| a.round + 1))
                .max()
                .unwrap_or(1),
            first_success: first_success(&rows),
            dispositions,
            digits,
        }
    }
}

impl RowSummary {
    pub(crate) fn of(batch: &str, row: &RowLedger) -> RowSummary {
        let attempt = row.deciding_attempt();
        RowSummary {
            kind: "row",
            batch: batch.to_string(),
            row: row.key.clone(),
            line: row.line,
            to: row.to.clone(),
            attempts: row.attempts_made(),
            disposition: row.disposition(),
            transaction_id: attempt.and_then(|a| a.transaction_id.clone()),
            sip_response_code: attempt.and_then(|a| a.sip_response_code.clone()),
            digits: attempt.and_then(|a| a.digits.clone()),
            ring_ms: attempt.and_then(|a| a.ring_ms),
            duration_ms: attempt.and_then(|a| a.duration_ms),
            ended_by: attempt.and_then(|a| a.ended_by),
            redial_not_before: row.redial.as_ref().map(|r| r.not_before.clone()),
        }
    }
}

/// The earliest success of the batch: when it was acknowledged, else answered, else ended.
fn first_success(rows: &[&RowLedger]) -> Option<FirstSuccessSeen> {
    rows.iter()
        .flat_map(|row| row.attempts.iter().map(move |attempt| (row, attempt)))
        .filter(|(_, attempt)| attempt.disposition().is_success())
        .filter_map(|(row, attempt)| {
            let at = attempt
                .acknowledged_at
                .clone()
                .or_else(|| attempt.answered_at.clone())
                .or_else(|| attempt.ended_at.clone())?;
            Some(FirstSuccessSeen {
                row: row.key.clone(),
                to: row.to.clone(),
                disposition: attempt.disposition(),
                tier: attempt.tier,
                round: attempt.round + 1,
                at,
            })
        })
        .min_by(|a, b| a.at.cmp(&b.at))
}

/// The rows acknowledged, earliest first (those whose time is unknown last).
fn acknowledgements(rows: &[&RowLedger]) -> Vec<Acknowledgement> {
    let mut found: Vec<Acknowledgement> = rows
        .iter()
        .filter_map(|row| {
            let attempt = row
                .attempts
                .iter()
                .find(|a| a.disposition() == DispositionKind::Acknowledged)?;
            Some(Acknowledgement {
                row: row.key.clone(),
                to: row.to.clone(),
                attempt: attempt.attempt,
                at: attempt
                    .acknowledged_at
                    .clone()
                    .or_else(|| attempt.ended_at.clone()),
            })
        })
        .collect();
    found.sort_by(|a, b| (a.at.is_none(), &a.at).cmp(&(b.at.is_none(), &b.at)));
    found
}

/// The middle value (the lower of the two middle ones), `None` for none.
fn median(values: &mut [i64]) -> Option<i64> {
    values.sort_unstable();
    values.get(values.len().saturating_sub(1) / 2).copied()
}

fn seconds(ms: i64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

impl fmt::Display for BatchSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let when = match (&self.first, &self.last) {
            (Some(first), Some(last)) => format!(" ({first} to {last})"),
            _ => String::new(),
        };
        writeln!(f, "batch {}{when}", cell(&self.batch))?;
        let counts: Vec<String> = DispositionKind::ALL
            .iter()
            .filter_map(|kind| {
                self.dispositions
                    .get(kind.as_str())
                    .map(|n| format!("{n} {kind}"))
            })
            .collect();
        writeln!(
            f,
            "  {}, {}: {}",
            crate::text::count(self.rows, "row", "rows"),
            crate::text::count(self.attempts, "attempt", "attempts"),
            counts.join(", ")
        )?;
        let mut rates = Vec::new();
        if let Some(rate) = self.answer_rate {
            rates.push(format!("answer rate {:.1}%", rate * 100.0));
        }
        if let Some(ring) = self.median_ring_ms {
            rates.push(format!("median ring {}", seconds(ring)));
        }
        if let Some(duration) = self.median_duration_ms {
            rates.push(format!("median duration {}", seconds(duration)));
        }
        if !rates.is_empty() {
            writeln!(f, "  {}", rates.join(", "))?;
        }
        if !self.digits.is_empty() {
            let entered: Vec<String> = self
                .digits
                .iter()
                .map(|(digits, n)| format!("{} ×{n}", cell(digits)))
                .collect();
            writeln!(f, "  digits entered: {}", entered.join(", "))?;
        }
        if self.tiers > 1 || self.rounds > 1 {
            writeln!(
                f,
                "  escalation: {} reached, {}",
                crate::text::count(self.tiers as usize, "tier", "tiers"),
                crate::text::count(self.rounds as usize, "round", "rounds")
            )?;
        }
        if let Some(first) = &self.first_success {
            writeln!(
                f,
                "  first success: {} ({}) {} at {}, tier {}, round {}",
                cell(&first.row),
                cell(&first.to),
                first.disposition,
                first.at,
                first.tier,
                first.round
            )?;
        }
        for ack in &self.acknowledged {
            writeln!(
                f,
                "  acknowledged by {} ({}) at {}, attempt {}",
                cell(&ack.row),
                cell(&ack.to),
                ack.at.as_deref().unwrap_or("?"),
                ack.attempt
            )?;
        }
        write!(
            f,
            "  still unknown: {}, still live: {}",
            self.unknown, self.live
        )
    }
}

impl fmt::Display for RowSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}\t{}\t{}\t{}\t{}\t{}",
            cell(&self.row),
            cell(&self.to),
            self.disposition,
            self.attempts,
            self.transaction_id.as_deref().unwrap_or("-"),
            cell(self.digits.as_deref().unwrap_or(""))
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5]), Some(5));
        assert_eq!(median(&mut [9, 1, 5]), Some(5));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2));
    }
}
