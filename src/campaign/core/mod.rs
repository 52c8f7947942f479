//! The run core: every decision of a bulk run, and nothing else. It takes events (a row read, a
//! dial's result, a call's news, a tick of the clock, an interrupt) and returns effects (read a
//! row, dial, follow, journal, print, hang up), keeping the run's one outcome as it goes. It
//! never waits, sends or reads: the driver (`super::driver`) carries its effects out, so a unit
//! test can drive a whole run, events in and effects out, with no network and no clock.
//!
//! The rules it keeps: at most `--concurrency` dials in flight and `--max-active` calls live
//! (learning from each call's end when a slot frees up); a dial refused over the active-call
//! quota was not acted on, so its row waits for a call to end (or goes again after a pause) and
//! the run stops when the pacer gives up; a throttled dial is sent again up to
//! [`MAX_THROTTLED_SENDS`] times; runs that wait follow each call to its end, report how it
//! ended, and redial what `--redial` names, each redial a decision journaled before its dial;
//! the first interrupt starts nothing new, the second stops following.

mod escalation;
mod events;
mod followed;
mod outcome;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, VecDeque};

use escalation::{Escalation, HeldRow};
pub(crate) use events::{
    CallNews, DialOutcome, Effect, Event, JournalFailure, Lost, News, Progress, RowRead,
};
use followed::LiveCall;
pub(crate) use outcome::{RunOutcome, UnknownDial};

use super::job::Job;
use super::ledger::BatchLedger;
use super::options::RunPolicy;
use super::plan::{self, RowPlan};
use super::report::{EndReport, Line, RowReport};
use super::rows::Row;
use crate::aws::ApiError;
use crate::call::{Disposition, DispositionKind};
use crate::follow::CLOCK_SKEW_MS;
use crate::guard::{Book, Guard, Verdict};
use crate::journal::{ErrorNote, RedialNote};
use crate::placing::{self, DialResult};
use crate::updates::Target;

/// A dial the service throttles is sent at most this many times before its row counts as not
/// placed (the pacer slows down after each throttle).
pub(crate) const MAX_THROTTLED_SENDS: u32 = 8;

/// Where the next row comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowSupply {
    /// More rows may follow: ask for one when needed.
    Open,
    /// A row was asked for and not yet given.
    Asked,
    /// The file has ended (or cannot be read further).
    Ended,
}

/// A bulk run's state, changed only by [`RunState::handle`].
pub(crate) struct RunState {
    policy: RunPolicy,
    batch: String,
    /// What the journal knew of the batch before the run (`--resume`).
    history: Option<BatchLedger>,
    rows: RowSupply,
    /// The next job, read and waiting for a slot.
    ready: Option<Job>,
    /// Jobs to start at a time (epoch ms): redials, rows backing off.
    due: BTreeMap<(i64, u64), Job>,
    scheduled: u64,
    /// Rows refused over the quota, waiting for a call of the run to end.
    waiting_for_slot: VecDeque<Job>,
    dials_in_flight: usize,
    /// Redials decided whose journal record is not yet written.
    redials_being_journaled: usize,
    /// The run's calls live now, by TransactionId.
    live: BTreeMap<String, LiveCall>,
    /// The logs cannot tell when calls end: the cap is the service's answers.
    logs_unusable: bool,
    stopping: bool,
    stdout_closed: bool,
    /// Tiers, rounds, `--until first`.
    escalation: Escalation,
    /// Hangups sent and not yet all answered (`--until first`, `--hangup-on-interrupt`).
    hangups_in_flight: usize,
    /// The per-number guard's book of calls, and when the run started (its horizon).
    guard: Book,
    started_ms: Option<i64>,
    outcome: RunOutcome,
    effects: Vec<Effect>,
}

impl RunState {
    pub(crate) fn new(policy: RunPolicy, batch: String, history: Option<BatchLedger>) -> RunState {
        let escalation = history
            .as_ref()
            .filter(|_| policy.plans_ahead)
            .map_or_else(Escalation::default, Escalation::resumed);
        RunState {
            policy,
            batch,
            history,
            rows: RowSupply::Open,
            ready: None,
            due: BTreeMap::new(),
            scheduled: 0,
            waiting_for_slot: VecDeque::new(),
            dials_in_flight: 0,
            redials_being_journaled: 0,
            live: BTreeMap::new(),
            logs_unusable: false,
            stopping: false,
            stdout_closed: false,
            escalation,
            hangups_in_flight: 0,
            guard: Book::of(Guard::off(), &[], 0),
            started_ms: None,
            outcome: RunOutcome::default(),
            effects: Vec::new(),
        }
    }

    /// The run holds every dial to the per-number guard of `book`.
    pub(crate) fn with_guard(mut self, book: Book) -> RunState {
        self.guard = book;
        self
    }

    /// Takes one event at `now_ms` (epoch ms) and returns what to do about it, in order.
    pub(crate) fn handle(&mut self, now_ms: i64, event: Event) -> Vec<Effect> {
        if self.started_ms.is_none() {
            self.started_ms = Some(now_ms);
            self.guard_note();
            self.already_won();
        }
        match event {
            Event::RowRead(read) => self.row_read(now_ms, read),
            Event::Dialed(job, outcome) => self.dialed(now_ms, job, outcome),
            Event::CallNews(news) => self.call_news(now_ms, news),
            Event::FollowFailed { why } => self.logs_cannot_tell(now_ms, &why),
            Event::RedialJournaled(job, not_before_ms) => {
                self.redials_being_journaled -= 1;
                self.schedule(job, not_before_ms)
            }
            Event::JournalFailed(failure) => {
                self.redials_being_journaled = self.redials_being_journaled.saturating_sub(1);
                self.journal_broke(failure)
            }
            Event::CallRecordFailed(failure) => self.journal_broke(failure),
            Event::Tick => {}
            Event::Interrupted { signals } => self.interrupted(now_ms, signals),
            Event::StdoutClosed => self.stdout_closed = true,
            Event::HangUpsDone => self.hangups_done(now_ms),
        }
        self.escalate(now_ms);
        self.start_what_can_start(now_ms);
        self.outcome.tally.live = self.live.len() as u64;
        std::mem::take(&mut self.effects)
    }

    /// When a job is next due (epoch ms): the driver sends [`Event::Tick`] then.
    pub(crate) fn next_due_ms(&self) -> Option<i64> {
        let due = self.due.keys().next().map(|(at, _)| *at);
        [due, self.next_escalation_ms()].into_iter().flatten().min()
    }

    /// Every row has been dialed (and, for runs that wait, has ended), or the run was stopped
    /// and nothing it started is still in flight.
    pub(crate) fn is_finished(&self) -> bool {
        if self.dials_in_flight > 0
            || self.redials_being_journaled > 0
            || self.hangups_in_flight > 0
        {
            return false;
        }
        // Calls still live hold a run that waits, unless their row has succeeded (or was
        // cancelled); the others stop following them.
        let live_matters = self.policy.wait.is_some()
            && self
                .live
                .values()
                .any(|call| call.succeeded.is_none() && !call.cancelled);
        if !self.may_read() {
            let unread = self.escalation.won && self.rows != RowSupply::Ended;
            return !live_matters && !unread;
        }
        self.rows == RowSupply::Ended
            && self.ready.is_none()
            && self.due.is_empty()
            && self.waiting_for_slot.is_empty()
            && !live_matters
            && !self.escalation_pending()
    }

    pub(crate) fn policy(&self) -> &RunPolicy {
        &self.policy
    }

    pub(crate) fn outcome(&self) -> &RunOutcome {
        &self.outcome
    }

    pub(crate) fn into_outcome(self) -> RunOutcome {
        self.outcome
    }

    fn may_read(&self) -> bool {
        !(self.stopping || self.outcome.journal_broken || self.stdout_closed)
    }

    fn may_start(&self) -> bool {
        if !self.may_read() || self.dials_in_flight >= self.policy.concurrency.max(1) {
            return false;
        }
        let capped = self.policy.max_active > 0 && !self.logs_unusable;
        !capped || self.dials_in_flight + self.live.len() < self.policy.max_active
    }

    /// Starts what can start: a due job first, else the file's next row. The next job is read
    /// even while the cap holds it back: a run whose last row is read knows it is done without
    /// waiting for a slot it will not use.
    fn start_what_can_start(&mut self, now_ms: i64) {
        // Won (`--until first`): the rows not read yet are read and cancelled, so that
        // `--resume` never dials them.
        if self.escalation.won && self.rows == RowSupply::Open {
            self.rows = RowSupply::Asked;
            self.effects.push(Effect::ReadRow);
            return;
        }
        loop {
            if self.ready.is_none() && self.may_read() {
                self.ready = self.take_due(now_ms);
                if self.ready.is_none() && self.rows == RowSupply::Open {
                    self.rows = RowSupply::Asked;
                    self.effects.push(Effect::ReadRow);
                    return;
                }
            }
            if !self.may_start() {
                return;
            }
            let Some(job) = self.ready.take() else {
                return;
            };
            // A resend of a throttled dial is the same attempt: the guard let it go already.
            if job.throttled == 0 {
                if let Verdict::HeldUntil { at_ms, limit, .. } =
                    self.guard.check(&job.request.to, now_ms)
                {
                    self.held_by_guard(job, at_ms, &limit.to_string(), now_ms);
                    continue;
                }
            }
            self.guard.sending(&job.request.to);
            self.dials_in_flight += 1;
            self.escalation.dialed(&job);
            self.effects.push(Effect::Dial(job));
        }
    }

    fn take_due(&mut self, now_ms: i64) -> Option<Job> {
        let (&key, _) = self.due.iter().next()?;
        (key.0 <= now_ms).then(|| self.due.remove(&key)).flatten()
    }

    fn schedule(&mut self, job: Job, at_ms: i64) {
        self.scheduled += 1;
        self.due.insert((at_ms, self.scheduled), job);
    }

    fn print(&mut self, line: Line) {
        self.outcome.count(&line);
        self.effects.push(Effect::Print(line));
    }

    fn note(&mut self, text: String) {
        self.effects.push(Effect::Note(text));
    }

    fn row_read(&mut self, now_ms: i64, read: RowRead) {
        self.rows = RowSupply::Open;
        match read {
            RowRead::End => self.rows = RowSupply::Ended,
            RowRead::Unreadable(message) => {
                self.effects.push(Effect::Error(message));
                self.outcome.unreadable_file = true;
                self.rows = RowSupply::Ended;
            }
            RowRead::Row(Row::Invalid {
                line,
                key,
                to,
                problem,
            }) => self.print(Line::Placement(RowReport::invalid(
                &key,
                line,
                to.as_deref(),
                problem,
            ))),
            RowRead::Row(Row::Valid {
                line,
                key,
                request,
                tier,
            }) => {
                let row = HeldRow {
                    key,
                    line,
                    request,
                    tier,
                };
                if self.escalation.won {
                    self.cancel_unread(row, now_ms);
                } else if self.policy.plans_ahead {
                    self.escalation.hold(row);
                } else {
                    self.plan(now_ms, row, 0);
                }
            }
        }
    }

    /// What to do with one valid row in round `round`, given what the journal knows of it;
    /// whether the row is still to settle (false: its outcome stands, or it is refused).
    fn plan(&mut self, now_ms: i64, row: HeldRow, round: u32) -> bool {
        let HeldRow {
            key,
            line,
            request,
            tier,
        } = row;
        let key = key.as_str();
        let to = request.to.clone();
        let Some(planned) = self.row_plan(now_ms, key, &to, round) else {
            // A later round dials only the rows that have not succeeded (`--resume` included).
            self.print(Line::Placement(RowReport::skipped(key, line, &to)));
            return false;
        };
        let job = |attempt, tries| {
            let mut job = Job::new(key, line, request.clone(), attempt, tries);
            job.tier = tier;
            job.round = round;
            job
        };
        match planned {
            // Many rows start at once when a tier does: they queue as due now, in file order.
            RowPlan::Dial { attempt, tries } if self.policy.plans_ahead => {
                self.schedule(job(attempt, tries), now_ms)
            }
            RowPlan::Dial { attempt, tries } => self.ready = Some(job(attempt, tries)),
            RowPlan::Redial {
                attempt,
                not_before_ms,
                tries,
            } => self.schedule(job(attempt, tries), not_before_ms),
            RowPlan::DecideRedial {
                attempt,
                not_before_ms,
                because,
                tries,
            } => self.decide_redial(job(attempt, tries), not_before_ms, because),
            RowPlan::Follow {
                attempt,
                transaction_id,
                sma_id,
                since_ms,
                tries,
            } => {
                let mut job = job(attempt, tries);
                job.request.sma_id = sma_id;
                self.note(format!(
                    "row {key}: following its call {transaction_id} from before"
                ));
                let report = RowReport::skipped_live(key, line, &to, &transaction_id, attempt);
                self.print(Line::Placement(report));
                self.follow(job, transaction_id, since_ms);
            }
            RowPlan::Skip { unknown } => {
                if unknown && !self.policy.joined_others {
                    self.outcome.skipped_unknown += 1;
                }
                self.print(Line::Placement(RowReport::skipped(key, line, &to)));
                return false;
            }
            RowPlan::Conflict { called } => {
                let problem = format!(
                    "line {line}: row key {} called {called} before; give this row its own id",
                    chimecall_model::rules::quoted(key)
                );
                let report = RowReport::invalid(key, line, Some(&to), problem);
                self.print(Line::Placement(report));
                return false;
            }
        }
        true
    }

    /// The plan for a row in round `round`, given what the journal knows of it (that round's
    /// attempts); `None` for a later round's row that already succeeded.
    fn row_plan(&self, now_ms: i64, key: &str, to: &str, round: u32) -> Option<RowPlan> {
        let full = self.history.as_ref().and_then(|h| h.rows.get(key));
        if round > 0 && full.is_some_and(|row| row.disposition().is_success()) {
            return None;
        }
        let of_round = full.map(|row| row.of_round(round));
        let known = of_round.as_ref();
        let dialed_in_round =
            known.is_some_and(|row| !row.attempts.is_empty() || row.settled.is_some());
        Some(
            match self
                .escalation
                .repeated_attempt(key, round, dialed_in_round)
            {
                Some(attempt) => RowPlan::Dial {
                    attempt,
                    tries: Default::default(),
                },
                None => {
                    let follows = self.policy.follows();
                    plan::plan_row(known, to, &self.policy.redials, follows, now_ms)
                }
            },
        )
    }

    /// Journals the decision to dial a row again; it is scheduled once the journal has it.
    fn decide_redial(&mut self, job: Job, not_before_ms: i64, because: DispositionKind) {
        let note = RedialNote {
            batch: self.batch.clone(),
            row: job.key.clone(),
            line: job.line,
            to: job.request.to.clone(),
            attempt: job.attempt,
            not_before: chimecall_model::clock::rfc3339_ms(not_before_ms).unwrap_or_default(),
            because,
        };
        self.redials_being_journaled += 1;
        self.effects.push(Effect::JournalRedial {
            note,
            job,
            not_before_ms,
        });
    }

    fn dialed(&mut self, now_ms: i64, job: Job, outcome: DialOutcome) {
        self.dials_in_flight -= 1;
        let placed = matches!(
            &outcome,
            DialOutcome::Sent {
                result: DialResult::Placed { .. } | DialResult::Unknown(_),
                ..
            }
        );
        self.guard.answered(&job.request.to, placed, now_ms);
        match outcome {
            DialOutcome::NotSent => {
                // Stopped between two sends of a throttled dial: it stays throttled.
                if let Some(error) = job.last_throttle.clone() {
                    self.dial_ended(now_ms, job, String::new(), DialResult::Failed(error));
                }
            }
            DialOutcome::JournalBroken(failure) => {
                self.journal_broke(failure.clone());
                let error = ErrorNote {
                    code: None,
                    message: failure.message,
                    request_id: None,
                    exit_code: failure.exit.code(),
                };
                let report =
                    RowReport::failed(&job.key, job.line, &job.request.to, job.attempt, error);
                self.print(Line::Placement(report));
            }
            DialOutcome::OverQuota { error, give_up } => {
                self.over_quota(now_ms, job, &error, give_up)
            }
            DialOutcome::Claimed { by } => self.claimed_elsewhere(now_ms, &job, &by),
            // Another runner called the number: the row waits for its slot, as any held row.
            DialOutcome::Held { until_ms, limit } => {
                self.held_by_guard(job, until_ms, &limit, now_ms)
            }
            DialOutcome::Sent {
                dial_id,
                result,
                journal_failed,
            } => {
                if let Some(failure) = journal_failed {
                    self.journal_broke(failure);
                }
                self.sent(now_ms, job, dial_id, result)
            }
        }
    }

    /// The journal could not take a record: no further call is placed; the first failure is
    /// what the run exits with.
    fn journal_broke(&mut self, failure: JournalFailure) {
        self.outcome.journal_broken = true;
        self.outcome.journal_failure.get_or_insert(failure);
    }

    /// A dial the service answered (or whose answer was lost). A throttled one was not acted
    /// on: the same attempt goes again, once the pacer lets it, up to [`MAX_THROTTLED_SENDS`].
    fn sent(&mut self, now_ms: i64, mut job: Job, dial_id: String, result: DialResult) {
        if let DialResult::Failed(error) = &result {
            if error.is_throttle() {
                job.throttled += 1;
                job.last_throttle = Some(error.clone());
                if job.throttled < MAX_THROTTLED_SENDS && self.may_read() {
                    self.dials_in_flight += 1;
                    self.effects.push(Effect::Dial(job));
                    return;
                }
            }
        }
        self.dial_ended(now_ms, job, dial_id, result);
    }

    /// A dial's last word: its line, then its call followed or its attempt ended.
    fn dial_ended(&mut self, now_ms: i64, mut job: Job, dial_id: String, result: DialResult) {
        let report = RowReport::dialed(&job.key, job.line, &job.request.to, job.attempt, &result);
        self.print(Line::Placement(report));
        match result {
            DialResult::Placed { transaction_id } if self.escalation.won => {
                // Placed after the run was won: hung up at once, its row cancelled.
                let target = Target {
                    sma_id: job.request.sma_id.clone(),
                    transaction_id,
                };
                self.hang_up(vec![target]);
                self.cancel_row(&job, now_ms);
            }
            DialResult::Placed { transaction_id } => {
                job.tries.placed += 1;
                if self.policy.follows() && !self.logs_unusable {
                    self.follow(job, transaction_id, now_ms - CLOCK_SKEW_MS);
                }
            }
            DialResult::Failed(error) => {
                let kind = if error.is_throttle() {
                    job.tries.not_placed += 1;
                    DispositionKind::NotPlaced
                } else {
                    DispositionKind::Failed
                };
                self.attempt_ended(now_ms, job, None, Disposition::without_call(kind));
            }
            DialResult::Unknown(_) => {
                job.tries.placed += 1;
                self.outcome.unknown_dials.push(UnknownDial {
                    dial_id,
                    job: job.clone(),
                    sent_ms: now_ms,
                });
                let unknown = Disposition::without_call(DispositionKind::Unknown);
                self.attempt_ended(now_ms, job, None, unknown);
            }
        }
    }

    /// A dial refused over the account's active-call quota: not acted on.
    fn over_quota(&mut self, now_ms: i64, mut job: Job, error: &ApiError, give_up: bool) {
        self.outcome.over_quota += 1;
        if !give_up {
            if !self.live.is_empty() && !self.logs_unusable {
                // A call of the run will end: the row goes when it does.
                self.waiting_for_slot.push_back(job);
            } else {
                // Someone else's calls fill the quota, or the logs cannot say: the pacer pauses
                // starts, probing the account once per pause.
                self.schedule(job, now_ms);
            }
            return;
        }
        // The account stayed full with none of this run's calls ending: stop, and leave what
        // was not dialed for --resume.
        if !self.outcome.gave_up_over_quota {
            self.effects.push(Effect::Error(format!(
                "the account stayed over its active-call quota through refusal after refusal: the \
                 run stops; rows not dialed are left for --resume\n{}",
                error.advice().unwrap_or_default()
            )));
        }
        self.outcome.gave_up_over_quota = true;
        self.stop_starting();
        let note = placing::error_note(error);
        let report = RowReport::failed(&job.key, job.line, &job.request.to, job.attempt, note);
        self.print(Line::Placement(report));
        job.tries.not_placed += 1;
        let not_placed = Disposition::without_call(DispositionKind::NotPlaced);
        self.attempt_ended(now_ms, job, None, not_placed);
    }

    /// One attempt at a row has ended (or been given up): report it, then redial or settle.
    fn attempt_ended(
        &mut self,
        now_ms: i64,
        job: Job,
        transaction_id: Option<String>,
        disposition: Disposition,
    ) {
        let waits = self.policy.wait.is_some();
        if waits {
            self.print_end(&job, transaction_id, &disposition, false);
        }
        let kind = disposition.disposition;
        let follows_redials = waits || kind == DispositionKind::NotPlaced;
        if !self.stopping && follows_redials && self.policy.redials.redials(kind, &job.tries) {
            let wait_ms = match kind {
                DispositionKind::NotPlaced => 0,
                _ => self.policy.redials.redial_after_ms,
            };
            self.decide_redial(job.next_attempt(), now_ms + wait_ms, kind);
            return;
        }
        *self.outcome.finals.entry(kind).or_default() += 1;
        self.row_settled(now_ms, &job, kind);
    }

    /// An attempt's end line (runs that wait); `still_live`: its call was up when following
    /// it stopped.
    fn print_end(
        &mut self,
        job: &Job,
        transaction_id: Option<String>,
        disposition: &Disposition,
        still_live: bool,
    ) {
        let mut end = EndReport::new(
            &job.key,
            job.line,
            &job.request.to,
            transaction_id,
            job.attempt,
            disposition,
        );
        end.live = still_live;
        self.print(Line::End(end));
    }

    /// The guard holds a row's dial until `at_ms`: it waits for its slot, or, when the slot comes
    /// after the run's horizon (its start and `--timeout`), it ends `guarded`.
    fn held_by_guard(&mut self, job: Job, at_ms: i64, limit: &str, now_ms: i64) {
        let horizon = self
            .policy
            .wait
            .zip(self.started_ms)
            .map(|(wait, started)| started + wait.as_millis() as i64);
        let free = chimecall_model::clock::rfc3339_ms(at_ms).unwrap_or_default();
        if horizon.is_some_and(|horizon| at_ms > horizon) {
            self.note(format!(
                "row {}: the guard ({limit}) holds {} until {free}, after this run's --timeout: \
                 it ends guarded (--resume dials it once the number is free)",
                job.key, job.request.to
            ));
            self.settle_without_call(&job, DispositionKind::Guarded, Some(at_ms), now_ms);
            return;
        }
        self.note(format!(
            "row {}: the guard ({limit}) holds {} until {free}: it waits for its slot",
            job.key, job.request.to
        ));
        self.schedule(job, at_ms);
    }

    /// Said once at the start: redials sooner than the guard allows wait for it.
    fn guard_note(&mut self) {
        let guard = self.guard.guard();
        // How long after one call the next to the same number may go.
        let Verdict::HeldUntil { at_ms: spacing, .. } = guard.check(&[0], 0) else {
            return;
        };
        let redial_after = self.policy.redials.redial_after_ms;
        if self.policy.wait.is_some() && self.policy.redials.attempts > 1 && redial_after < spacing
        {
            self.note(format!(
                "note: --guard {guard} calls one number at most once every {} s: redials wait for \
                 it, not only --redial-after",
                spacing / 1000
            ));
        }
    }

    /// Hangs these calls up, at the update quota's pace; the run waits for the answers.
    fn hang_up(&mut self, targets: Vec<Target>) {
        self.hangups_in_flight += 1;
        self.effects.push(Effect::HangUp(targets));
    }

    /// Hangups answered: calls cancelled by `--until first` and not seen to succeed meanwhile
    /// end `cancelled` (their HANGUP is not waited for).
    fn hangups_done(&mut self, now_ms: i64) {
        self.hangups_in_flight = self.hangups_in_flight.saturating_sub(1);
        if self.hangups_in_flight > 0 {
            return;
        }
        let cancelled: Vec<String> = self
            .live
            .iter()
            .filter(|(_, call)| call.cancelled && call.succeeded.is_none())
            .map(|(transaction_id, _)| transaction_id.clone())
            .collect();
        for transaction_id in cancelled {
            let Some(call) = self.live.remove(&transaction_id) else {
                continue;
            };
            self.effects
                .push(Effect::StopFollowing(transaction_id.clone()));
            let cancelled = Disposition::without_call(DispositionKind::Cancelled);
            self.journal_cancelled_call(&call.job);
            if self.policy.wait.is_some() {
                self.print_end(&call.job, Some(transaction_id), &cancelled, true);
            }
            *self
                .outcome
                .finals
                .entry(DispositionKind::Cancelled)
                .or_default() += 1;
            self.row_settled(now_ms, &call.job, DispositionKind::Cancelled);
        }
    }

    /// Nothing new starts: what was waiting to start is dropped (`--resume` finishes it).
    fn stop_starting(&mut self) {
        self.stopping = true;
        self.due.clear();
        self.ready = None;
        self.waiting_for_slot.clear();
    }

    fn interrupted(&mut self, now_ms: i64, signals: usize) {
        if !self.outcome.interrupted {
            self.interrupt(now_ms);
        }
        if signals >= 2 && !self.live.is_empty() {
            self.note("stopped following: the calls still live are reported live".to_string());
            self.abandon_live(now_ms);
        }
    }

    /// The first Ctrl-C: no new dials; live calls are followed to their end (or hung up).
    fn interrupt(&mut self, now_ms: i64) {
        self.outcome.interrupted = true;
        self.stop_starting();
        let waits = self.policy.wait.is_some();
        if self.live.is_empty() || !waits && !self.policy.hangup_on_interrupt {
            self.note(
                "interrupted: no new calls start; waiting for the calls in flight".to_string(),
            );
        } else if self.policy.hangup_on_interrupt {
            self.note(format!(
                "interrupted: no new calls start; hanging up the run's {} live calls",
                self.live.len()
            ));
            let targets = self
                .live
                .iter()
                .map(|(transaction_id, call)| Target {
                    sma_id: call.job.request.sma_id.clone(),
                    transaction_id: transaction_id.clone(),
                })
                .collect();
            self.hang_up(targets);
        } else {
            // Calls whose row succeeded do not hold the run.
            let unsettled = self.live.values().filter(|c| c.succeeded.is_none()).count();
            self.note(if unsettled == 0 {
                "interrupted: no new calls start; waiting for the calls in flight".to_string()
            } else {
                format!(
                    "interrupted: no new calls start; following the {unsettled} live {} to \
                     {} end (Ctrl-C again to stop now)",
                    if unsettled == 1 { "call" } else { "calls" },
                    if unsettled == 1 { "its" } else { "their" },
                )
            });
        }
        if !waits {
            self.abandon_live(now_ms);
        }
    }
}
