//! What a run does with each row, given what the journal shows of it: a new row is dialed; on
//! `--resume`, a row that answered is skipped, a call still live is followed, a redial decided
//! (or due) is made, and anything else that has an outcome is left alone, as before. A row is
//! never dialed again by accident: only the classes `--redial` names are, and each redial is a
//! decision journaled before its dial.

use std::collections::BTreeSet;

use super::ledger::RowLedger;
use crate::call::DispositionKind;
use crate::journal::OutcomeKind;

/// How many tries a row has had, by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tries {
    /// Dials that placed a call (or may have: unknown).
    pub(crate) placed: u32,
    /// Dials the service did not act on, given up (throttled, over the active-call quota), or
    /// `resolve` proved never placed, in this run: no call rang for any of them, so their budget
    /// is per run (a `--resume --redial not_placed` run may finish rows an earlier run gave up).
    pub(crate) not_placed: u32,
    /// The latest attempt number used.
    pub(crate) last_attempt: u32,
}

/// What the run will do with one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RowPlan {
    /// Dial it now, as this attempt.
    Dial { attempt: u32, tries: Tries },
    /// Dial it again no sooner than `not_before_ms`, as a decision already journaled.
    Redial {
        attempt: u32,
        not_before_ms: i64,
        tries: Tries,
    },
    /// A redial to decide now (the run that ended the last attempt did not): journal it, then
    /// dial no sooner than `not_before_ms`.
    DecideRedial {
        attempt: u32,
        not_before_ms: i64,
        because: DispositionKind,
        tries: Tries,
    },
    /// Its call from before is still live: follow it to its end.
    Follow {
        attempt: u32,
        transaction_id: String,
        sma_id: String,
        since_ms: i64,
        tries: Tries,
    },
    /// Leave it: its outcome stands (`unknown`: it may have been placed).
    Skip { unknown: bool },
    /// Its key called another number before: the file changed under its keys.
    Conflict { called: String },
}

/// What decides which rows are dialed again.
#[derive(Debug, Clone)]
pub(crate) struct RedialRules {
    pub(crate) attempts: u32,
    pub(crate) redial_after_ms: i64,
    pub(crate) classes: BTreeSet<DispositionKind>,
    pub(crate) retry_unknown: bool,
}

impl RedialRules {
    /// Whether an attempt that ended `disposition` is dialed again, given the row's tries.
    pub(crate) fn redials(&self, disposition: DispositionKind, tries: &Tries) -> bool {
        match disposition {
            DispositionKind::Answered
            | DispositionKind::Acknowledged
            | DispositionKind::Live
            | DispositionKind::Failed => false,
            // It may have rung: only when asked (`--retry-unknown`, as before), and once more
            // than the attempts at most.
            DispositionKind::Unknown => self.retry_unknown && tries.placed <= self.attempts,
            // Not placed: no call rang; such tries have a budget of their own.
            DispositionKind::NotPlaced => {
                self.classes.contains(&disposition)
                    && tries.not_placed <= self.attempts
                    && tries.placed < self.attempts
            }
            other => self.classes.contains(&other) && tries.placed < self.attempts,
        }
    }
}

/// The tries a row's journal history adds up to, as a new run starts with them: the calls that
/// were (or may have been) placed count against `--attempts`; the dials never placed do not, since
/// their budget is per run.
pub(crate) fn tries_of(row: &RowLedger) -> Tries {
    Tries {
        not_placed: 0,
        ..history_of(row)
    }
}

/// Every try the row's journal history holds, by kind.
fn history_of(row: &RowLedger) -> Tries {
    let mut tries = Tries::default();
    for attempt in &row.attempts {
        tries.last_attempt = tries.last_attempt.max(attempt.attempt);
    }
    // Several dials can share an attempt number (a throttled or over-quota dial sent again):
    // each attempt counts once, by its last dial.
    let mut numbers: Vec<u32> = row.attempts.iter().map(|a| a.attempt).collect();
    numbers.sort_unstable();
    numbers.dedup();
    for number in numbers {
        let last = row
            .attempts
            .iter()
            .rfind(|a| a.attempt == number)
            .expect("an attempt of this number");
        match last.disposition() {
            DispositionKind::NotPlaced | DispositionKind::Failed => tries.not_placed += 1,
            _ => tries.placed += 1,
        }
    }
    tries
}

/// The plan for a row that is settled: settled without a call (a cancelled row is done; a
/// guarded one goes as the attempt it would have been), or by a success once its call ended or
/// its callee acknowledged (a call still up that was only answered is followed on: the callee
/// may yet press the key asked for).
fn settled_plan(row: &RowLedger, tries: Tries) -> Option<RowPlan> {
    match &row.settled {
        Some(note) if note.disposition == DispositionKind::Cancelled => {
            return Some(RowPlan::Skip { unknown: false })
        }
        Some(note) => {
            return Some(RowPlan::Dial {
                attempt: note.attempt,
                tries,
            })
        }
        None => {}
    }
    let succeeded = row.attempts.iter().any(|attempt| {
        attempt.disposition().is_success()
            && (attempt.is_ended() || attempt.state.as_deref() == Some("acknowledged"))
    });
    succeeded.then_some(RowPlan::Skip { unknown: false })
}

/// The plan for a row of the file, `known` being its history in this batch (if any); `follows`:
/// the run follows its calls (it waits, or keeps under `--max-active`), so a call still live
/// from before is followed rather than left alone.
pub(crate) fn plan_row(
    known: Option<&RowLedger>,
    to: &str,
    rules: &RedialRules,
    follows: bool,
    now_ms: i64,
) -> RowPlan {
    let Some(row) = known.filter(|row| !row.attempts.is_empty() || row.settled.is_some()) else {
        return RowPlan::Dial {
            attempt: 1,
            tries: Tries::default(),
        };
    };
    if row.to != to {
        return RowPlan::Conflict {
            called: row.to.clone(),
        };
    }
    let tries = tries_of(row);
    if let Some(settled) = settled_plan(row, tries) {
        return settled;
    }
    if let Some(redial) = &row.redial {
        return RowPlan::Redial {
            attempt: redial.attempt,
            not_before_ms: chimecall_model::clock::parse_rfc3339_ms(&redial.not_before)
                .unwrap_or(now_ms),
            tries,
        };
    }
    let last = row.last().expect("a row with attempts");
    let disposition = row.disposition();
    if last.is_active() {
        return match (&last.transaction_id, last.time_ms(), follows) {
            (Some(transaction_id), Some(since_ms), true) => RowPlan::Follow {
                attempt: last.attempt,
                transaction_id: transaction_id.clone(),
                sma_id: last.sma_id.clone(),
                since_ms: since_ms - crate::follow::CLOCK_SKEW_MS,
                tries,
            },
            _ => RowPlan::Skip { unknown: false },
        };
    }
    if rules.redials(disposition, &tries) {
        let ended_ms = last
            .ended_at
            .as_deref()
            .and_then(chimecall_model::clock::parse_rfc3339_ms)
            .or_else(|| last.time_ms())
            .unwrap_or(now_ms);
        // A dial the service never acted on can go again at once; a call that rang waits.
        let wait = if disposition == DispositionKind::NotPlaced
            || disposition == DispositionKind::Unknown
        {
            0
        } else {
            rules.redial_after_ms
        };
        return RowPlan::DecideRedial {
            attempt: tries.last_attempt + 1,
            not_before_ms: (ended_ms + wait).max(now_ms),
            because: disposition,
            tries,
        };
    }
    RowPlan::Skip {
        unknown: last.outcome == OutcomeKind::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::DialEntry;

    fn rules(classes: &[DispositionKind], attempts: u32) -> RedialRules {
        RedialRules {
            attempts,
            redial_after_ms: 60_000,
            classes: classes.iter().copied().collect(),
            retry_unknown: false,
        }
    }

    fn entry(
        attempt: u32,
        outcome: OutcomeKind,
        disposition: Option<DispositionKind>,
    ) -> DialEntry {
        DialEntry {
            dial_id: format!("d{attempt}"),
            time: "2026-12-01T10:00:00.000Z".into(),
            sma_id: "sma".into(),
            from: "+12065550100".into(),
            to: "+12065550123".into(),
            request_id: None,
            batch: Some("b".into()),
            row: Some("r".into()),
            line: Some(2),
            outcome,
            transaction_id: (outcome == OutcomeKind::Placed).then(|| format!("tx{attempt}")),
            error: None,
            state: disposition.map(|_| "ended".to_string()),
            answered: None,
            attempt,
            resolved_by: (outcome == OutcomeKind::Failed).then(|| "logs".to_string()),
            disposition,
            sip_response_code: None,
            digits: None,
            ring_ms: None,
            duration_ms: None,
            ended_by: None,
            bridged: None,
            ended_at: disposition.map(|_| "2026-12-01T10:00:30.000Z".to_string()),
            acknowledged_at: None,
            answered_at: None,
            tier: 1,
            round: 0,
            repeat: false,
        }
    }

    fn row(attempts: Vec<DialEntry>) -> RowLedger {
        RowLedger {
            key: "r".into(),
            line: 2,
            to: "+12065550123".into(),
            attempts,
            redial: None,
            settled: None,
        }
    }

    const NOW: i64 = 1_800_000_000_000;

    #[test]
    fn a_new_row_is_dialed_and_an_answered_one_never_again() {
        let rules = rules(&[DispositionKind::Busy], 3);
        assert_eq!(
            plan_row(None, "+12065550123", &rules, true, NOW),
            RowPlan::Dial {
                attempt: 1,
                tries: Tries::default()
            }
        );
        let answered = row(vec![entry(
            1,
            OutcomeKind::Placed,
            Some(DispositionKind::Answered),
        )]);
        assert_eq!(
            plan_row(Some(&answered), "+12065550123", &rules, true, NOW),
            RowPlan::Skip { unknown: false }
        );
        assert_eq!(
            plan_row(Some(&answered), "+12065550199", &rules, true, NOW),
            RowPlan::Conflict {
                called: "+12065550123".into()
            }
        );
    }

    #[test]
    fn busy_rows_are_redialed_until_the_attempts_run_out() {
        let rules = rules(&[DispositionKind::Busy], 2);
        let busy = row(vec![entry(
            1,
            OutcomeKind::Placed,
            Some(DispositionKind::Busy),
        )]);
        match plan_row(Some(&busy), "+12065550123", &rules, true, NOW) {
            RowPlan::DecideRedial {
                attempt: 2,
                because: DispositionKind::Busy,
                ..
            } => {}
            other => panic!("{other:?}"),
        }
        let twice = row(vec![
            entry(1, OutcomeKind::Placed, Some(DispositionKind::Busy)),
            entry(2, OutcomeKind::Placed, Some(DispositionKind::Busy)),
        ]);
        assert_eq!(
            plan_row(Some(&twice), "+12065550123", &rules, true, NOW),
            RowPlan::Skip { unknown: false }
        );
    }

    #[test]
    fn rows_never_placed_are_dialed_again_only_when_asked() {
        let not_placed = row(vec![entry(1, OutcomeKind::Failed, None)]);
        assert_eq!(not_placed.disposition(), DispositionKind::NotPlaced);
        // Without not_placed in --redial: its outcome stands.
        assert_eq!(
            plan_row(Some(&not_placed), "+12065550123", &rules(&[], 1), true, NOW),
            RowPlan::Skip { unknown: false }
        );
        // With it, even at one attempt: it never rang.
        match plan_row(
            Some(&not_placed),
            "+12065550123",
            &rules(&[DispositionKind::NotPlaced], 1),
            true,
            NOW,
        ) {
            RowPlan::DecideRedial {
                attempt: 2,
                not_before_ms,
                ..
            } => assert_eq!(not_before_ms, NOW),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_not_placed_budget_is_per_run() {
        // Two runs each gave up on the row (attempt 2 a redial that was never placed either):
        // a third run with --redial not_placed still finishes it.
        let twice = row(vec![
            entry(1, OutcomeKind::Failed, None),
            entry(2, OutcomeKind::Failed, None),
        ]);
        assert_eq!(history_of(&twice).not_placed, 2);
        match plan_row(
            Some(&twice),
            "+12065550123",
            &rules(&[DispositionKind::NotPlaced], 1),
            true,
            NOW,
        ) {
            RowPlan::DecideRedial {
                attempt: 3,
                because: DispositionKind::NotPlaced,
                tries,
                ..
            } => assert_eq!(
                tries,
                Tries {
                    placed: 0,
                    not_placed: 0,
                    last_attempt: 2
                }
            ),
            other => panic!("{other:?}"),
        }
        // A row whose calls rang used its attempts: not dialed again.
        let rang = row(vec![
            entry(1, OutcomeKind::Placed, Some(DispositionKind::Busy)),
            entry(2, OutcomeKind::Failed, None),
        ]);
        assert_eq!(
            plan_row(
                Some(&rang),
                "+12065550123",
                &rules(&[DispositionKind::NotPlaced], 1),
                true,
                NOW
            ),
            RowPlan::Skip { unknown: false }
        );
    }

    #[test]
    fn unknown_and_live_rows() {
        let unknown = row(vec![entry(1, OutcomeKind::Unknown, None)]);
        assert_eq!(
            plan_row(Some(&unknown), "+12065550123", &rules(&[], 1), true, NOW),
            RowPlan::Skip { unknown: true }
        );
        let mut retry = rules(&[], 1);
        retry.retry_unknown = true;
        assert!(matches!(
            plan_row(Some(&unknown), "+12065550123", &retry, true, NOW),
            RowPlan::DecideRedial { attempt: 2, .. }
        ));
        let live = row(vec![entry(1, OutcomeKind::Placed, None)]);
        assert!(matches!(
            plan_row(Some(&live), "+12065550123", &rules(&[], 1), true, NOW),
            RowPlan::Follow { attempt: 1, .. }
        ));
    }
}
