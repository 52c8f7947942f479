//! `dial --file F --dry-run`: the whole file checked, and what a run would dial, placing nothing
//! and writing nothing: every row (valid ones as `would_dial`, invalid ones with their line and
//! column), then a summary: the rate, the time the run would take at least, the cap on live calls.

use std::collections::BTreeMap;
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
    /// Escalation: rows per tier (a file with a `tier` column), rounds, `--until first`.
    #[serde(skip_serializing_if = "Option::is_none")]
    tiers: Option<BTreeMap<u32, u64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    escalation: Option<EscalationPlan>,
    /// Rows the per-number guard would hold now (the journal's calls), and until when.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    guarded: BTreeMap<String, String>,
}

/// What an escalating run would do, at worst.
#[derive(Debug, Serialize)]
struct EscalationPlan {
    until_first: bool,
    rounds: u32,
    escalate_after_seconds: Option<u64>,
    repeat_after_seconds: u64,
    /// Every tier of every round exhausted, each attempt taking its whole `--timeout`.
    worst_case_seconds: u64,
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
        if let Some(tiers) = &self.tiers {
            let shown: Vec<String> = tiers
                .iter()
                .map(|(tier, rows)| format!("tier {tier}: {rows}"))
                .collect();
            write!(f, "; {}", shown.join(", "))?;
        }
        if !self.guarded.is_empty() {
            let latest = self.guarded.values().max().cloned().unwrap_or_default();
            write!(
                f,
                "; the guard holds {} now (free by {latest})",
                crate::text::count(self.guarded.len(), "row", "rows")
            )?;
        }
        if let Some(plan) = &self.escalation {
            write!(
                f,
                "; {}{}{}; at worst {}",
                if plan.until_first {
                    "stops at the first success"
                } else {
                    "dials every row to its end"
                },
                plan.escalate_after_seconds
                    .map_or(String::new(), |s| format!(
                        ", the next tier after {s} s at the latest"
                    )),
                if plan.rounds > 1 {
                    format!(
                        ", {} rounds {} s apart",
                        plan.rounds, plan.repeat_after_seconds
                    )
                } else {
                    String::new()
                },
                humantime::format_duration(std::time::Duration::from_secs(plan.worst_case_seconds))
            )?;
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
    let mut tiers: BTreeMap<u32, u64> = BTreeMap::new();
    let mut guarded: BTreeMap<String, String> = BTreeMap::new();
    let now_ms = chimecall_model::clock::now_ms();
    let book = guard_book(options, now_ms).await;
    let tiered = rows.reader.has_tiers();
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
                line,
                key,
                request,
                tier,
            } => {
                valid += 1;
                *tiers.entry(tier).or_default() += 1;
                let would = WouldDial {
                    key,
                    line,
                    request,
                    tier: tiered.then_some(tier),
                };
                let report = would.report(options, &book, now_ms, output);
                if let Some(free) = book_hold(&book, &report, now_ms) {
                    guarded.insert(report.row.clone(), free);
                }
                report
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
        escalation: escalation_plan(options, &tiers, tiered),
        tiers: tiered.then_some(tiers),
        guarded,
    })?;
    verdict(unreadable, bad, total).map_err(Into::into)
}

/// The dry run's exit: the file could not be read to its end (its failure), rows are invalid
/// (exit 2), or every row would be dialed.
fn verdict(unreadable: Option<Failure>, bad: u64, total: u64) -> Result<(), Failure> {
    if let Some(failure) = unreadable {
        return Err(failure);
    }
    if bad > 0 {
        let message = format!(
            "{bad} of {} {} invalid",
            crate::text::count(total as usize, "row", "rows"),
            crate::text::one_or_many(bad as usize, "is", "are")
        );
        return Err(Failure::new(Exit::Usage, message));
    }
    Ok(())
}

/// The plan of a run that escalates (tiers, rounds, `--until first`), at worst: every attempt
/// of every row takes its whole `--timeout` and `--redial-after`, tier after tier (or each tier
/// `--escalate-after` long at most), round after round.
fn escalation_plan(
    options: &RunOptions,
    tiers: &BTreeMap<u32, u64>,
    tiered: bool,
) -> Option<EscalationPlan> {
    let policy = &options.policy;
    let wait = policy.wait?;
    if !(tiered || policy.until_first || policy.repeats > 0) {
        return None;
    }
    let attempts = u64::from(policy.redials.attempts);
    let per_attempt = wait.as_secs() + (policy.redials.redial_after_ms / 1000) as u64;
    let tier_at_worst = attempts * per_attempt;
    let tier_seconds = match policy.escalate_after_ms {
        // A tier hands over after --escalate-after; the last one runs its course.
        Some(after) => {
            let after = (after / 1000) as u64;
            (tiers.len().saturating_sub(1) as u64) * after.min(tier_at_worst) + tier_at_worst
        }
        None => tiers.len().max(1) as u64 * tier_at_worst,
    };
    let rounds = policy.repeats + 1;
    let repeat_after = (policy.repeat_after_ms / 1000) as u64;
    Some(EscalationPlan {
        until_first: policy.until_first,
        rounds,
        escalate_after_seconds: policy.escalate_after_ms.map(|ms| (ms / 1000) as u64),
        repeat_after_seconds: repeat_after,
        worst_case_seconds: u64::from(rounds) * tier_seconds
            + u64::from(policy.repeats) * repeat_after,
    })
}

/// The guard's book from the journal (an absent journal holds nothing, and is not created: a
/// dry run writes nothing).
async fn guard_book(options: &RunOptions, now_ms: i64) -> crate::guard::Book {
    let recent = async {
        let path = crate::journal::default_path().ok()?;
        if options.guard.is_off() || !path.exists() {
            return None;
        }
        let journal = crate::journal::Journal::open(&path).ok()?;
        journal
            .dials_since(Some(options.guard.since_ms(now_ms)))
            .await
            .ok()
    };
    let recent = recent.await.unwrap_or_default();
    crate::guard::Book::of(options.guard.clone(), &recent, now_ms)
}

/// A valid row of a dry run.
struct WouldDial {
    key: String,
    line: u64,
    request: crate::call::DialRequest,
    /// Shown only when the file has tiers.
    tier: Option<u32>,
}

impl WouldDial {
    /// Its line: what would be sent (each dial's own id included), its tier in a tiered file; a
    /// note when the guard would hold it now.
    fn report(
        self,
        options: &RunOptions,
        book: &crate::guard::Book,
        now_ms: i64,
        output: &Output,
    ) -> RowReport {
        let sent = if options.request_id() {
            self.request.with_request_id("<a new id for each dial>")
        } else {
            self.request
        };
        if let crate::guard::Verdict::HeldUntil { at_ms, .. } = book.check(&sent.to, now_ms) {
            let free = chimecall_model::clock::rfc3339_ms(at_ms).unwrap_or_default();
            output.note(format!(
                "row {}: the guard holds {} until {free}",
                self.key, sent.to
            ));
        }
        let mut report = RowReport::would_dial(&self.key, self.line, &sent);
        report.tier = self.tier;
        report
    }
}

/// When the guard frees a row's number, if it holds it now.
fn book_hold(book: &crate::guard::Book, report: &RowReport, now_ms: i64) -> Option<String> {
    let to = report.to.as_deref()?;
    match book.check(to, now_ms) {
        crate::guard::Verdict::HeldUntil { at_ms, .. } => chimecall_model::clock::rfc3339_ms(at_ms),
        crate::guard::Verdict::Free => None,
    }
}
