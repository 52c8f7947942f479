//! Escalation, as the paging tools do it: rows in tiers (tier N+1 starts when tier N is
//! exhausted, or `--escalate-after` after it started), rounds (`--repeat`: when the last tier is
//! exhausted and the run has not succeeded, start again from tier 1 after `--repeat-after`),
//! and `--until first`: the first row to succeed ends the run, the others' calls are hung up
//! and their rows end `cancelled`.
//!
//! A run that plans ahead (its file has tiers, or it repeats) reads every row before it dials
//! any; the others stream their rows as before, all in one tier.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Effect, RunState};
use crate::call::{DialRequest, Disposition, DispositionKind};
use crate::campaign::job::Job;
use crate::campaign::ledger::BatchLedger;
use crate::campaign::report::{FirstSuccess, Line, RowReport};
use crate::journal::SettledNote;
use crate::updates::Target;

/// A valid row, read and not yet planned.
#[derive(Debug, Clone)]
pub(crate) struct HeldRow {
    pub(crate) key: String,
    pub(crate) line: u64,
    pub(crate) request: DialRequest,
    pub(crate) tier: u32,
}

/// Where a run stands in its tiers and rounds.
#[derive(Debug, Default)]
pub(super) struct Escalation {
    /// Every valid row read (runs that plan ahead), by tier, in file order.
    rows: BTreeMap<u32, Vec<HeldRow>>,
    /// The tiers started in this round, and when the latest one started.
    started: BTreeSet<u32>,
    tier_started_ms: i64,
    round: u32,
    /// The rows of each started tier still to settle in this round.
    unsettled: BTreeMap<u32, BTreeSet<String>>,
    succeeded: BTreeSet<String>,
    /// The latest attempt dialed of each row (a new round's attempts follow on).
    last_attempt: HashMap<String, u32>,
    /// The next round starts then.
    repeat_at_ms: Option<i64>,
    /// `--until first`: a success ended the run.
    pub(super) won: bool,
}

impl Escalation {
    /// `--resume`: the round the batch had reached, and each row's latest attempt.
    pub(super) fn resumed(history: &BatchLedger) -> Escalation {
        let mut escalation = Escalation::default();
        for row in history.rows.values() {
            escalation.round = escalation.round.max(row.latest_round());
            let last = row.attempts.iter().map(|a| a.attempt).max().unwrap_or(0);
            let settled = row
                .settled
                .as_ref()
                .map_or(0, |note| note.attempt.saturating_sub(1));
            escalation
                .last_attempt
                .insert(row.key.clone(), last.max(settled));
        }
        escalation
    }

    pub(super) fn hold(&mut self, row: HeldRow) {
        self.rows.entry(row.tier).or_default().push(row);
    }

    /// A round after the first dials each row as a new attempt, its budget afresh (unless the
    /// journal shows the row already dialed in this round: `--resume`).
    pub(super) fn repeated_attempt(
        &self,
        key: &str,
        round: u32,
        dialed_in_round: bool,
    ) -> Option<u32> {
        (round > 0 && !dialed_in_round)
            .then(|| self.last_attempt.get(key).copied().unwrap_or(0) + 1)
    }

    pub(super) fn dialed(&mut self, job: &Job) {
        let last = self.last_attempt.entry(job.key.clone()).or_default();
        *last = (*last).max(job.attempt);
    }

    fn next_tier(&self) -> Option<u32> {
        self.rows
            .keys()
            .copied()
            .find(|tier| !self.started.contains(tier))
    }

    fn all_settled(&self) -> bool {
        self.unsettled.values().all(BTreeSet::is_empty)
    }
}

impl RunState {
    /// When an escalation timer is next due: the next tier's `--escalate-after`, the next round.
    pub(super) fn next_escalation_ms(&self) -> Option<i64> {
        if self.escalation.won || self.stopping {
            return None;
        }
        let tier = self.escalation.next_tier().and_then(|_| {
            let after = self.policy.escalate_after_ms?;
            (!self.escalation.started.is_empty()).then_some(self.escalation.tier_started_ms + after)
        });
        [tier, self.escalation.repeat_at_ms]
            .into_iter()
            .flatten()
            .min()
    }

    /// Tiers or rounds still to start: the run is not over.
    pub(super) fn escalation_pending(&self) -> bool {
        if !self.policy.plans_ahead || self.escalation.won {
            return false;
        }
        self.escalation.repeat_at_ms.is_some() || self.escalation.next_tier().is_some()
    }

    /// Starts what the tiers and rounds call for now.
    pub(super) fn escalate(&mut self, now_ms: i64) {
        if !self.policy.plans_ahead || self.escalation.won || !self.may_read() {
            return;
        }
        if self.rows != super::RowSupply::Ended {
            return;
        }
        if self.escalation.repeat_at_ms.is_some_and(|at| at <= now_ms) {
            self.escalation.repeat_at_ms = None;
            self.escalation.round += 1;
            self.escalation.started.clear();
            self.escalation.unsettled.clear();
            self.note(format!(
                "round {} of {}: calling again from the first tier",
                self.escalation.round + 1,
                self.policy.repeats + 1
            ));
        }
        if self.escalation.repeat_at_ms.is_some() {
            return;
        }
        while let Some(tier) = self.escalation.next_tier() {
            let deadline = self
                .policy
                .escalate_after_ms
                .map(|after| self.escalation.tier_started_ms + after);
            let exhausted = self.escalation.all_settled();
            let timed_out = deadline.is_some_and(|at| at <= now_ms);
            if !(self.escalation.started.is_empty() || exhausted || timed_out) {
                break;
            }
            self.start_tier(tier, now_ms);
        }
        if self.escalation.next_tier().is_none() && self.escalation.all_settled() {
            self.round_over(now_ms);
        }
    }

    fn start_tier(&mut self, tier: u32, now_ms: i64) {
        let round = self.escalation.round;
        self.escalation.started.insert(tier);
        self.escalation.tier_started_ms = now_ms;
        let rows: Vec<HeldRow> = self.escalation.rows[&tier]
            .iter()
            .filter(|row| !self.escalation.succeeded.contains(&row.key))
            .cloned()
            .collect();
        if self.escalation.rows.len() > 1 {
            self.note(format!(
                "tier {tier}: {}",
                crate::text::count(rows.len(), "row", "rows")
            ));
        }
        let mut unsettled = BTreeSet::new();
        for row in rows {
            let key = row.key.clone();
            if self.plan(now_ms, row, round) {
                unsettled.insert(key);
            }
        }
        self.escalation.unsettled.insert(tier, unsettled);
    }

    /// Every tier of the round is exhausted: another round, or the run is over.
    fn round_over(&mut self, now_ms: i64) {
        let succeeded = !self.escalation.succeeded.is_empty();
        let all_succeeded = self
            .escalation
            .rows
            .values()
            .flatten()
            .all(|row| self.escalation.succeeded.contains(&row.key));
        let done = if self.policy.until_first {
            succeeded
        } else {
            all_succeeded
        };
        if done || self.escalation.round >= self.policy.repeats {
            return;
        }
        let at = now_ms + self.policy.repeat_after_ms;
        self.escalation.repeat_at_ms = Some(at);
        self.note(format!(
            "nobody succeeded in round {}: round {} starts at {}",
            self.escalation.round + 1,
            self.escalation.round + 2,
            chimecall_model::clock::rfc3339_ms(at).unwrap_or_default()
        ));
    }

    /// A row's attempt ended for good (its last word in this round): `kind` says how.
    /// A row attempt another runner claimed: skipped here, settled for this run (the other
    /// runner dials it, follows it and decides its redials), and counted apart.
    pub(super) fn claimed_elsewhere(&mut self, now_ms: i64, job: &Job, by: &str) {
        self.outcome.claimed_elsewhere += 1;
        let report = RowReport::claimed(&job.key, job.line, &job.request.to, job.attempt, by);
        self.print(Line::Placement(report));
        if let Some(rows) = self.escalation.unsettled.get_mut(&job.tier) {
            rows.remove(&job.key);
        }
        let _ = now_ms;
    }

    pub(super) fn row_settled(&mut self, now_ms: i64, job: &Job, kind: DispositionKind) {
        if let Some(rows) = self.escalation.unsettled.get_mut(&job.tier) {
            rows.remove(&job.key);
        }
        if kind.is_success() && self.escalation.succeeded.insert(job.key.clone()) {
            self.first_success(now_ms, job, kind);
        }
    }

    fn first_success(&mut self, now_ms: i64, job: &Job, kind: DispositionKind) {
        if self.outcome.first_success.is_some() {
            if self.escalation.won {
                // Seen while the others' hangups were in flight: reported, not ignored.
                self.note(format!(
                    "row {} also succeeded ({kind}) after the run's first success",
                    job.key
                ));
            }
            return;
        }
        let first = FirstSuccess::new(job, kind, now_ms);
        self.outcome.first_success = Some(first.clone());
        // Named on stdout where it decides something: a run that stops at it, or escalates.
        if self.policy.until_first || self.policy.plans_ahead {
            self.print(Line::FirstSuccess(first));
        }
        if self.policy.until_first {
            self.win(now_ms);
        }
    }

    /// `--until first`: a row succeeded. Nothing new starts; redials decided and rows not yet
    /// dialed end `cancelled`; the run's other calls are hung up and end `cancelled`.
    fn win(&mut self, now_ms: i64) {
        self.escalation.won = true;
        self.outcome.won = true;
        let mut dropped: Vec<Job> = self.due.values().cloned().collect();
        dropped.extend(self.ready.take());
        dropped.extend(self.waiting_for_slot.iter().cloned());
        self.stop_starting();
        for job in dropped {
            self.cancel_row(&job, now_ms);
        }
        let never_dialed: Vec<HeldRow> = self
            .escalation
            .rows
            .iter()
            .filter(|(tier, _)| !self.escalation.started.contains(tier))
            .flat_map(|(_, rows)| rows.iter().cloned())
            .collect();
        for row in never_dialed {
            let mut job = Job::new(&row.key, row.line, row.request, 1, Default::default());
            job.tier = row.tier;
            job.round = self.escalation.round;
            job.attempt = self
                .escalation
                .repeated_attempt(&row.key, 1, false)
                .unwrap_or(1);
            self.cancel_row(&job, now_ms);
        }
        self.hang_up_the_others();
    }

    /// Hangs up every live call of the run whose row has not succeeded: its row ends
    /// `cancelled` (a success seen before the hangups are done still counts).
    fn hang_up_the_others(&mut self) {
        let others: Vec<String> = self
            .live
            .iter()
            .filter(|(_, call)| call.succeeded.is_none() && !call.cancelled)
            .map(|(transaction_id, _)| transaction_id.clone())
            .collect();
        if others.is_empty() {
            return;
        }
        let mut targets = Vec::new();
        for transaction_id in others {
            let Some(call) = self.live.get_mut(&transaction_id) else {
                continue;
            };
            call.cancelled = true;
            targets.push(Target {
                sma_id: call.job.request.sma_id.clone(),
                transaction_id,
            });
        }
        self.hang_up(targets);
    }

    /// `--until first`, `--resume`: the batch already succeeded in an earlier run: nothing is
    /// dialed; the rows are read and left as they stand.
    pub(super) fn already_won(&mut self) {
        if !self.policy.until_first {
            return;
        }
        let Some(history) = &self.history else {
            return;
        };
        let Some(row) = history
            .rows_in_order()
            .into_iter()
            .find(|row| row.disposition().is_success())
        else {
            return;
        };
        self.note(format!(
            "row {} already succeeded in this batch ({}): --until first has nothing left to do",
            row.key,
            row.disposition()
        ));
        self.escalation.won = true;
        self.outcome.won = true;
        self.stop_starting();
    }

    /// A row read after the run was won: not dialed, its row cancelled (unless it stands).
    pub(super) fn cancel_unread(&mut self, row: HeldRow, now_ms: i64) {
        let known = self.history.as_ref().and_then(|h| h.rows.get(&row.key));
        if known.is_some_and(|known| known.disposition().is_success() || known.settled.is_some()) {
            return;
        }
        let attempt = known.map_or(1, |known| known.attempts_made() + 1);
        let mut job = Job::new(&row.key, row.line, row.request, attempt, Default::default());
        job.tier = row.tier;
        job.round = self.escalation.round;
        self.cancel_row(&job, now_ms);
    }

    /// A row that will not be dialed (again): journaled, reported, counted `cancelled`.
    pub(super) fn cancel_row(&mut self, job: &Job, now_ms: i64) {
        self.settle_without_call(job, DispositionKind::Cancelled, None, now_ms);
    }

    /// A call hung up by `--until first`: its row is settled `cancelled` in the journal (the
    /// attempt after its last), so `report` counts it and `--resume` never dials it again.
    pub(super) fn journal_cancelled_call(&mut self, job: &Job) {
        let note = SettledNote {
            batch: self.batch.clone(),
            row: job.key.clone(),
            line: job.line,
            to: job.request.to.clone(),
            disposition: DispositionKind::Cancelled,
            attempt: job.attempt + 1,
            tier: job.tier,
            round: job.round,
            free_at: None,
        };
        self.effects.push(Effect::JournalSettled(note));
    }

    /// A row settled without a call (`cancelled`, `guarded`): journaled before it is reported.
    pub(super) fn settle_without_call(
        &mut self,
        job: &Job,
        kind: DispositionKind,
        free_at_ms: Option<i64>,
        now_ms: i64,
    ) {
        let note = SettledNote {
            batch: self.batch.clone(),
            row: job.key.clone(),
            line: job.line,
            to: job.request.to.clone(),
            disposition: kind,
            attempt: job.attempt,
            tier: job.tier,
            round: job.round,
            free_at: free_at_ms.and_then(chimecall_model::clock::rfc3339_ms),
        };
        self.effects.push(Effect::JournalSettled(note));
        if self.policy.wait.is_some() {
            self.print_end(job, None, &Disposition::without_call(kind), false);
        }
        *self.outcome.finals.entry(kind).or_default() += 1;
        self.row_settled(now_ms, job, kind);
    }
}
