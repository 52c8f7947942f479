//! The run's rules, each as events in and effects out: no sandbox, no sockets, no sleeps. Time
//! is the epoch milliseconds each event carries.

use std::collections::BTreeMap;
use std::time::Duration;

use super::*;
use crate::aws::Reach;
use crate::call::DialRequest;
use crate::call::Success;
use crate::campaign::ledger::RowLedger;
use crate::campaign::plan::RedialRules;
use crate::campaign::report::RowOutcome;
use crate::exit::Exit;
use crate::journal::{DialEntry, OutcomeKind};

#[path = "escalation_tests.rs"]
mod escalation;
#[path = "followed_tests.rs"]
mod followed;
#[path = "journal_tests.rs"]
mod journal;

const T0: i64 = 1_800_000_000_000;

fn policy() -> RunPolicy {
    RunPolicy {
        concurrency: 4,
        max_active: 0,
        wait: None,
        redials: RedialRules {
            attempts: 1,
            redial_after_ms: 60_000,
            classes: Default::default(),
            retry_unknown: false,
        },
        success: Success::Answered,
        hangup_on_interrupt: false,
        until_first: false,
        escalate_after_ms: None,
        repeats: 0,
        repeat_after_ms: 60_000,
        plans_ahead: false,
        joined_others: false,
    }
}

/// A run that waits for its calls to end, redialing busy, no answer and not placed.
fn waiting(attempts: u32) -> RunPolicy {
    let mut policy = policy();
    policy.wait = Some(Duration::from_secs(60));
    policy.max_active = 10;
    policy.redials.attempts = attempts;
    policy.redials.classes = [
        DispositionKind::Busy,
        DispositionKind::NoAnswer,
        DispositionKind::NotPlaced,
    ]
    .into();
    policy
}

fn request(to: &str) -> DialRequest {
    DialRequest {
        sma_id: "sma-1".into(),
        from: "+12065550100".into(),
        to: to.into(),
        arguments: BTreeMap::new(),
        sip_headers: BTreeMap::new(),
    }
}

fn row(line: u64, key: &str) -> Event {
    let to = format!("+1206555{:04}", line);
    Event::RowRead(RowRead::Row(Row::Valid {
        line,
        key: key.into(),
        request: request(&to),
        tier: 1,
    }))
}

fn api_error(status: u16, code: &str) -> ApiError {
    ApiError {
        operation: "CreateSipMediaApplicationCall",
        reach: Reach::Answered,
        status: Some(status),
        code: Some(code.into()),
        message: code.into(),
        request_id: None,
        never_connected: false,
    }
}

fn sent(result: DialResult) -> DialOutcome {
    DialOutcome::Sent {
        dial_id: "dial-1".into(),
        result,
        journal_failed: None,
    }
}

fn placed(transaction_id: &str) -> DialOutcome {
    sent(DialResult::Placed {
        transaction_id: transaction_id.into(),
    })
}

fn throttled() -> DialOutcome {
    sent(DialResult::Failed(api_error(
        429,
        "ThrottledClientException",
    )))
}

fn over_quota(give_up: bool) -> DialOutcome {
    DialOutcome::OverQuota {
        error: api_error(400, "ResourceLimitExceededException"),
        give_up,
    }
}

fn ended(transaction_id: &str, kind: DispositionKind) -> Event {
    let mut disposition = Disposition::without_call(kind);
    disposition.answered = kind == DispositionKind::Answered;
    Event::CallNews(CallNews {
        transaction_id: transaction_id.into(),
        disposition,
        news: News::Ended,
    })
}

/// A run under test: its state, and the effects it asked for so far, by kind.
struct Run {
    state: RunState,
    now: i64,
}

impl Run {
    fn new(policy: RunPolicy) -> Run {
        Run {
            state: RunState::new(policy, "batch".into(), None),
            now: T0,
        }
    }

    fn with_history(policy: RunPolicy, history: BatchLedger) -> Run {
        Run {
            state: RunState::new(policy, "batch".into(), Some(history)),
            now: T0,
        }
    }

    fn at(&mut self, now: i64) -> &mut Run {
        self.now = now;
        self
    }

    fn on(&mut self, event: Event) -> Vec<Effect> {
        self.state.handle(self.now, event)
    }

    /// Starts the run and feeds it `rows` rows (keys r1, r2, ...), then the file's end; the
    /// effects of it all.
    fn start_with_rows(&mut self, rows: u64) -> Vec<Effect> {
        let mut effects = self.on(Event::Tick);
        for line in 2..rows + 2 {
            assert!(asks_for_a_row(&effects), "{effects:?}");
            effects.extend(self.on(row(line, &format!("r{}", line - 1))));
        }
        if asks_for_a_row(&effects) {
            effects.extend(self.on(Event::RowRead(RowRead::End)));
        }
        effects
    }

    /// Answers a JournalRedial as the driver does once the record is on disk.
    fn journal_redials(&mut self, effects: &[Effect]) -> Vec<Effect> {
        let mut more = Vec::new();
        for effect in effects {
            if let Effect::JournalRedial {
                job, not_before_ms, ..
            } = effect
            {
                more.extend(self.on(Event::RedialJournaled(job.clone(), *not_before_ms)));
            }
        }
        more
    }
}

fn asks_for_a_row(effects: &[Effect]) -> bool {
    matches!(effects.last(), Some(Effect::ReadRow))
}

fn dials(effects: &[Effect]) -> Vec<Job> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Dial(job) => Some(job.clone()),
            _ => None,
        })
        .collect()
}

fn follows(effects: &[Effect]) -> Vec<(String, i64)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Follow {
                transaction_id,
                since_ms,
                ..
            } => Some((transaction_id.clone(), *since_ms)),
            _ => None,
        })
        .collect()
}

fn placements(effects: &[Effect]) -> Vec<(String, RowOutcome)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Print(Line::Placement(report)) => Some((report.row.clone(), report.outcome)),
            _ => None,
        })
        .collect()
}

fn ends(effects: &[Effect]) -> Vec<(String, DispositionKind, u32)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Print(Line::End(end)) => Some((end.row.clone(), end.disposition, end.attempt)),
            _ => None,
        })
        .collect()
}

fn redials(effects: &[Effect]) -> Vec<(String, u32, i64)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::JournalRedial {
                note,
                not_before_ms,
                ..
            } => Some((note.row.clone(), note.attempt, *not_before_ms)),
            _ => None,
        })
        .collect()
}

fn notes(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Note(text) | Effect::Error(text) => Some(text.clone()),
            _ => None,
        })
        .collect()
}

fn exit_of(run: &Run) -> Option<Exit> {
    let waits = run.state.policy().wait.is_some();
    run.state
        .outcome()
        .exit(waits, "batch")
        .err()
        .map(|f| f.exit)
}

#[test]
fn every_row_is_read_and_dialed_and_a_run_that_does_not_follow_ends_with_its_dials() {
    let mut run = Run::new(policy());
    let effects = run.start_with_rows(3);
    let jobs = dials(&effects);
    assert_eq!(jobs.len(), 3);
    assert_eq!(jobs[0].key, "r1");
    assert_eq!(jobs[0].attempt, 1);
    assert!(!run.state.is_finished(), "dials are in flight");
    for (n, job) in jobs.into_iter().enumerate() {
        let effects = run.on(Event::Dialed(job, placed(&format!("tx{n}"))));
        assert!(follows(&effects).is_empty(), "nothing follows: {effects:?}");
    }
    assert!(run.state.is_finished());
    assert_eq!(run.state.outcome().tally.placed, 3);
    assert_eq!(exit_of(&run), None);
}

#[test]
fn no_more_dials_are_in_flight_than_the_concurrency() {
    let mut policy = policy();
    policy.concurrency = 2;
    let mut run = Run::new(policy);
    let mut effects = run.on(Event::Tick);
    effects.extend(run.on(row(2, "r1")));
    effects.extend(run.on(row(3, "r2")));
    let jobs = dials(&effects);
    assert_eq!(jobs.len(), 2);
    // The third row is read and held until a dial returns.
    let effects = run.on(row(4, "r3"));
    assert!(dials(&effects).is_empty() && !asks_for_a_row(&effects));
    let effects = run.on(Event::Dialed(jobs[0].clone(), placed("tx1")));
    assert_eq!(dials(&effects)[0].key, "r3");
    assert!(asks_for_a_row(&effects), "and the next row is read");
}

#[test]
fn max_active_holds_the_next_row_until_a_call_ends() {
    let mut policy = policy();
    policy.max_active = 2;
    let mut run = Run::new(policy);
    let effects = run.start_with_rows(2);
    let jobs = dials(&effects);
    assert_eq!(jobs.len(), 2);
    let effects = run.on(row(4, "r3"));
    assert!(dials(&effects).is_empty(), "two dials fill the cap");
    let mut followed = Vec::new();
    for (n, job) in jobs.into_iter().enumerate() {
        let effects = run.on(Event::Dialed(job, placed(&format!("tx{n}"))));
        followed.extend(follows(&effects));
        assert!(dials(&effects).is_empty(), "two live calls fill the cap");
    }
    assert_eq!(followed.len(), 2);
    assert_eq!(followed[0].1, T0 - crate::follow::CLOCK_SKEW_MS);
    let effects = run.on(ended("tx0", DispositionKind::Answered));
    assert_eq!(dials(&effects)[0].key, "r3", "a slot is free");
    // Not waiting: no end lines, and the run does not wait for its live calls.
    assert!(ends(&effects).is_empty());
    let effects = run.on(Event::RowRead(RowRead::End));
    assert!(effects.is_empty());
    let job = Job::new("r3", 4, request("+12065550004"), 1, Default::default());
    run.on(Event::Dialed(job, placed("tx2")));
    assert!(
        run.state.is_finished(),
        "live calls do not hold a run that does not wait"
    );
    assert_eq!(run.state.outcome().tally.live, 2);
}

#[test]
fn the_last_row_is_read_while_the_cap_holds_so_the_run_knows_it_is_done() {
    let mut policy = policy();
    policy.max_active = 1;
    let mut run = Run::new(policy);
    let effects = run.start_with_rows(1);
    assert_eq!(dials(&effects).len(), 1);
    // The file's end was asked for and given while the cap held: nothing more to read.
    assert!(
        effects
            .iter()
            .filter(|e| matches!(e, Effect::ReadRow))
            .count()
            == 2
    );
    let job = dials(&effects).remove(0);
    run.on(Event::Dialed(job, placed("tx1")));
    assert!(run.state.is_finished());
}

#[test]
fn a_run_that_waits_reports_each_end_and_finishes_when_its_calls_end() {
    let mut run = Run::new(waiting(1));
    let jobs = dials(&run.start_with_rows(2));
    run.on(Event::Dialed(jobs[0].clone(), placed("tx1")));
    run.on(Event::Dialed(jobs[1].clone(), placed("tx2")));
    assert!(!run.state.is_finished(), "two calls live");
    let effects = run.on(ended("tx1", DispositionKind::Answered));
    assert_eq!(
        ends(&effects),
        vec![("r1".into(), DispositionKind::Answered, 1)]
    );
    assert!(effects.iter().any(
        |e| matches!(e, Effect::JournalCall { transaction_id, progress: Progress::Ended, .. } if transaction_id == "tx1")
    ));
    run.on(ended("tx2", DispositionKind::Answered));
    assert!(run.state.is_finished());
    assert_eq!(exit_of(&run), None);
    assert_eq!(
        run.state.outcome().tally.ended[&DispositionKind::Answered],
        2
    );
}

#[test]
fn a_busy_row_is_redialed_after_redial_after_as_a_decision_journaled_first() {
    let mut run = Run::new(waiting(2));
    let job = dials(&run.start_with_rows(1)).remove(0);
    run.on(Event::Dialed(job, placed("tx1")));
    let effects = run.at(T0 + 3_000).on(ended("tx1", DispositionKind::Busy));
    assert_eq!(redials(&effects), vec![("r1".into(), 2, T0 + 63_000)]);
    assert!(
        dials(&effects).is_empty(),
        "not before the journal has the decision"
    );
    assert!(!run.state.is_finished());
    let effects = run.journal_redials(&effects);
    assert!(dials(&effects).is_empty(), "not before its time");
    assert_eq!(run.state.next_due_ms(), Some(T0 + 63_000));
    let effects = run.at(T0 + 63_000).on(Event::Tick);
    let redial = dials(&effects).remove(0);
    assert_eq!((redial.key.as_str(), redial.attempt), ("r1", 2));
    assert_eq!(redial.tries.placed, 1);
}

#[test]
fn a_row_that_stays_busy_ends_unsuccessful_after_its_attempts() {
    let mut run = Run::new(waiting(2));
    let job = dials(&run.start_with_rows(1)).remove(0);
    run.on(Event::Dialed(job, placed("tx1")));
    let effects = run.on(ended("tx1", DispositionKind::Busy));
    run.journal_redials(&effects);
    let redial = dials(&run.at(T0 + 60_000).on(Event::Tick)).remove(0);
    run.on(Event::Dialed(redial, placed("tx2")));
    let effects = run.on(ended("tx2", DispositionKind::Busy));
    assert!(redials(&effects).is_empty(), "two attempts used");
    assert_eq!(
        ends(&effects),
        vec![("r1".into(), DispositionKind::Busy, 2)]
    );
    assert!(run.state.is_finished());
    assert_eq!(exit_of(&run), Some(Exit::Unanswered));
}

#[test]
fn success_is_never_redialed_and_unacknowledged_only_when_named() {
    let mut run = Run::new(waiting(3));
    let jobs = dials(&run.start_with_rows(2));
    run.on(Event::Dialed(jobs[0].clone(), placed("tx1")));
    run.on(Event::Dialed(jobs[1].clone(), placed("tx2")));
    let effects = run.on(ended("tx1", DispositionKind::Answered));
    assert!(redials(&effects).is_empty());
    // `--success digits:1` made this one unacknowledged: not in the default classes.
    let effects = run.on(ended("tx2", DispositionKind::Unacknowledged));
    assert!(redials(&effects).is_empty());
    assert_eq!(exit_of(&run), Some(Exit::Unanswered));

    let mut policy = waiting(3);
    policy
        .redials
        .classes
        .insert(DispositionKind::Unacknowledged);
    let mut run = Run::new(policy);
    let job = dials(&run.start_with_rows(1)).remove(0);
    run.on(Event::Dialed(job, placed("tx1")));
    let effects = run.on(ended("tx1", DispositionKind::Unacknowledged));
    assert_eq!(redials(&effects).len(), 1);
}

#[test]
fn a_throttled_dial_is_sent_again_up_to_eight_times_then_its_row_is_not_placed() {
    let mut run = Run::new(policy());
    let mut job = dials(&run.start_with_rows(1)).remove(0);
    for send in 1..MAX_THROTTLED_SENDS {
        let effects = run.on(Event::Dialed(job, throttled()));
        assert!(placements(&effects).is_empty(), "send {send}: no line yet");
        job = dials(&effects).remove(0);
        assert_eq!((job.attempt, job.throttled), (1, send));
    }
    let effects = run.on(Event::Dialed(job, throttled()));
    assert!(dials(&effects).is_empty(), "eight sends at most");
    assert_eq!(
        placements(&effects),
        vec![("r1".into(), RowOutcome::Failed)]
    );
    assert!(run.state.is_finished());
    assert_eq!(run.state.outcome().finals[&DispositionKind::NotPlaced], 1);
    assert_eq!(exit_of(&run), Some(Exit::Failure));
}

#[test]
fn a_row_not_placed_is_redialed_at_once_when_asked_even_in_a_run_that_does_not_wait() {
    let mut policy = policy();
    policy.redials.classes = [DispositionKind::NotPlaced].into();
    let mut run = Run::new(policy);
    let mut job = dials(&run.start_with_rows(1)).remove(0);
    let mut effects = Vec::new();
    for _ in 0..MAX_THROTTLED_SENDS {
        effects = run.on(Event::Dialed(job.clone(), throttled()));
        if let Some(next) = dials(&effects).pop() {
            job = next;
        }
    }
    assert_eq!(redials(&effects), vec![("r1".into(), 2, T0)]);
    let redial = dials(&run.journal_redials(&effects)).remove(0);
    assert_eq!(
        (redial.attempt, redial.throttled, redial.tries.not_placed),
        (2, 0, 1)
    );
}

#[test]
fn an_interrupt_between_throttled_sends_leaves_the_row_throttled() {
    let mut run = Run::new(policy());
    let job = dials(&run.start_with_rows(1)).remove(0);
    let resend = dials(&run.on(Event::Dialed(job, throttled()))).remove(0);
    run.on(Event::Interrupted { signals: 1 });
    let effects = run.on(Event::Dialed(resend, DialOutcome::NotSent));
    assert_eq!(
        placements(&effects),
        vec![("r1".into(), RowOutcome::Failed)]
    );
    assert!(run.state.is_finished());
    assert_eq!(exit_of(&run), Some(Exit::Interrupted));
}

#[test]
fn a_dial_over_the_quota_waits_for_one_of_the_runs_calls_to_end() {
    let mut run = Run::new(waiting(1));
    let jobs = dials(&run.start_with_rows(2));
    run.on(Event::Dialed(jobs[0].clone(), placed("tx1")));
    let effects = run.on(Event::Dialed(jobs[1].clone(), over_quota(false)));
    assert!(dials(&effects).is_empty() && placements(&effects).is_empty());
    assert!(!run.state.is_finished(), "the refused row still waits");
    let effects = run
        .at(T0 + 5_000)
        .on(ended("tx1", DispositionKind::Answered));
    let again = dials(&effects).remove(0);
    assert_eq!((again.key.as_str(), again.attempt), ("r2", 1));
    assert_eq!(run.state.outcome().over_quota, 1);
}

#[test]
fn a_dial_over_the_quota_with_no_call_of_the_run_live_goes_again_after_the_pacers_pause() {
    let mut run = Run::new(policy());
    let job = dials(&run.start_with_rows(1)).remove(0);
    let effects = run.on(Event::Dialed(job, over_quota(false)));
    // Due at once: the pacer, not the core, spaces the probes.
    assert_eq!(dials(&effects).len(), 1);
}

#[test]
fn the_run_stops_when_the_account_stays_over_its_quota() {
    let mut run = Run::new(policy());
    let jobs = dials(&run.start_with_rows(2));
    let effects = run.on(Event::Dialed(jobs[0].clone(), over_quota(true)));
    assert_eq!(
        placements(&effects),
        vec![("r1".into(), RowOutcome::Failed)]
    );
    assert!(notes(&effects)[0].contains("stayed over its active-call quota"));
    // The other dial was never sent: the run is done.
    run.on(Event::Dialed(jobs[1].clone(), DialOutcome::NotSent));
    assert!(run.state.is_finished());
    assert_eq!(exit_of(&run), Some(Exit::Throttled));
}

#[test]
fn an_unknown_outcome_is_kept_by_its_dial_id_and_exits_8() {
    let mut run = Run::new(waiting(2));
    let job = dials(&run.start_with_rows(1)).remove(0);
    let lost = ApiError {
        reach: Reach::MaybeReached,
        status: None,
        ..api_error(0, "timeout")
    };
    let effects = run.on(Event::Dialed(job, sent(DialResult::Unknown(lost))));
    assert_eq!(
        placements(&effects),
        vec![("r1".into(), RowOutcome::Unknown)]
    );
    assert!(
        redials(&effects).is_empty(),
        "never redialed without --retry-unknown"
    );
    let unknown = &run.state.outcome().unknown_dials;
    assert_eq!(
        (unknown[0].dial_id.as_str(), unknown[0].job.key.as_str()),
        ("dial-1", "r1")
    );
    assert_eq!(exit_of(&run), Some(Exit::OutcomeUnknown));
}

#[test]
fn the_first_interrupt_starts_nothing_new_and_follows_live_calls_to_their_end() {
    let mut run = Run::new(waiting(2));
    let jobs = dials(&run.start_with_rows(1));
    run.on(Event::Dialed(jobs[0].clone(), placed("tx1")));
    let effects = run.on(row(3, "r2"));
    assert_eq!(dials(&effects).len(), 1, "r2 dialing");
    let effects = run.on(Event::Interrupted { signals: 1 });
    assert!(notes(&effects)[0].contains("following the 1 live call to its end"));
    assert!(!asks_for_a_row(&effects));
    let effects = run.on(ended("tx1", DispositionKind::Busy));
    assert!(redials(&effects).is_empty(), "no redial after an interrupt");
    assert_eq!(ends(&effects).len(), 1);
    assert!(!run.state.is_finished(), "r2's dial is in flight");
    let r2 = Job::new("r2", 3, request("+12065550003"), 1, Default::default());
    run.on(Event::Dialed(r2, DialOutcome::NotSent));
    assert!(run.state.is_finished());
    assert_eq!(exit_of(&run), Some(Exit::Interrupted));
}

#[test]
fn a_second_interrupt_stops_following_and_reports_the_calls_live() {
    let mut run = Run::new(waiting(1));
    let job = dials(&run.start_with_rows(1)).remove(0);
    run.on(Event::Dialed(job, placed("tx1")));
    run.on(Event::Interrupted { signals: 1 });
    assert!(!run.state.is_finished());
    let effects = run.on(Event::Interrupted { signals: 2 });
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::StopFollowing(tx) if tx == "tx1")));
    assert_eq!(
        ends(&effects),
        vec![("r1".into(), DispositionKind::Live, 1)]
    );
    assert!(run.state.is_finished());
}

#[test]
fn an_interrupt_in_a_run_that_does_not_wait_stops_following_at_once() {
    let mut policy = policy();
    policy.max_active = 5;
    let mut run = Run::new(policy);
    let job = dials(&run.start_with_rows(1)).remove(0);
    run.on(Event::Dialed(job, placed("tx1")));
    let effects = run.on(Event::Interrupted { signals: 1 });
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::StopFollowing(_))));
    assert!(
        ends(&effects).is_empty(),
        "a run that does not wait prints no end lines"
    );
    assert!(run.state.is_finished());
}

#[test]
fn hangup_on_interrupt_hangs_up_every_live_call_of_the_run() {
    let mut policy = waiting(1);
    policy.hangup_on_interrupt = true;
    let mut run = Run::new(policy);
    let jobs = dials(&run.start_with_rows(2));
    run.on(Event::Dialed(jobs[0].clone(), placed("tx1")));
    run.on(Event::Dialed(jobs[1].clone(), placed("tx2")));
    let effects = run.on(Event::Interrupted { signals: 1 });
    let targets: Vec<String> = effects
        .iter()
        .find_map(|e| match e {
            Effect::HangUp(targets) => {
                Some(targets.iter().map(|t| t.transaction_id.clone()).collect())
            }
            _ => None,
        })
        .expect("a hangup");
    assert_eq!(targets, vec!["tx1".to_string(), "tx2".to_string()]);
    // A run that waits still follows them to their end.
    assert!(!run.state.is_finished());
    run.on(ended("tx1", DispositionKind::Answered));
    run.on(ended("tx2", DispositionKind::Answered));
    assert!(!run.state.is_finished(), "the hangups are still in flight");
    run.on(Event::HangUpsDone);
    assert!(run.state.is_finished());
}

#[test]
fn when_the_logs_cannot_tell_the_cap_is_the_services_and_live_calls_are_reported_live() {
    let mut policy = waiting(1);
    policy.max_active = 1;
    let mut run = Run::new(policy);
    let job = dials(&run.start_with_rows(1)).remove(0);
    run.on(Event::Dialed(job, placed("tx1")));
    let effects = run.on(row(3, "r2"));
    assert!(dials(&effects).is_empty(), "the cap holds r2");
    let effects = run.on(Event::FollowFailed {
        why: "no log group".into(),
    });
    assert!(notes(&effects)[0].contains("cannot tell when calls end (no log group)"));
    assert_eq!(
        ends(&effects),
        vec![("r1".into(), DispositionKind::Live, 1)]
    );
    assert_eq!(dials(&effects)[0].key, "r2", "the cap is lifted");
    let r2 = dials(&effects).remove(0);
    let effects = run.on(Event::Dialed(r2, placed("tx2")));
    assert!(follows(&effects).is_empty(), "nothing is followed any more");
    run.on(Event::RowRead(RowRead::End));
    assert!(run.state.is_finished());
    assert_eq!(exit_of(&run), Some(Exit::WaitTimedOut));
}

#[test]
fn a_call_not_ended_by_the_timeout_is_reported_live_and_exits_6() {
    let mut run = Run::new(waiting(1));
    let job = dials(&run.start_with_rows(1)).remove(0);
    run.on(Event::Dialed(job, placed("tx1")));
    let effects = run.on(Event::CallNews(CallNews {
        transaction_id: "tx1".into(),
        disposition: Disposition::without_call(DispositionKind::Live),
        news: News::Lost(Lost::TimedOut),
    }));
    assert!(notes(&effects)[0].contains("not ended after --timeout"));
    assert!(!effects
        .iter()
        .any(|e| matches!(e, Effect::JournalCall { .. })));
    assert!(run.state.is_finished());
    assert_eq!(exit_of(&run), Some(Exit::WaitTimedOut));
}

fn history(rows: Vec<(&str, u64, OutcomeKind, Option<DispositionKind>)>) -> BatchLedger {
    let mut ledger = BatchLedger {
        name: "batch".into(),
        rows: Default::default(),
    };
    for (key, line, outcome, disposition) in rows {
        let entry = DialEntry {
            dial_id: format!("d-{key}"),
            time: "2027-01-15T08:00:00.000Z".into(),
            sma_id: "sma-1".into(),
            from: "+12065550100".into(),
            to: format!("+1206555{line:04}"),
            request_id: None,
            batch: Some("batch".into()),
            row: Some(key.into()),
            line: Some(line),
            outcome,
            transaction_id: (outcome == OutcomeKind::Placed).then(|| format!("tx-{key}")),
            error: None,
            state: disposition.map(|_| "ended".into()),
            answered: None,
            attempt: 1,
            resolved_by: None,
            disposition,
            sip_response_code: None,
            digits: None,
            ring_ms: None,
            duration_ms: None,
            ended_by: None,
            bridged: None,
            ended_at: None,
            acknowledged_at: None,
            answered_at: None,
            tier: 1,
            round: 0,
            repeat: false,
        };
        ledger.rows.insert(
            key.into(),
            RowLedger {
                key: key.into(),
                line,
                to: entry.to.clone(),
                attempts: vec![entry],
                redial: None,
                settled: None,
            },
        );
    }
    ledger
}

#[test]
fn invalid_rows_are_printed_and_fail_the_run_and_an_unreadable_file_ends_it() {
    let mut run = Run::new(policy());
    let mut effects = run.on(Event::Tick);
    effects.extend(run.on(Event::RowRead(RowRead::Row(Row::Invalid {
        line: 2,
        key: "2:+1".into(),
        to: Some("+1".into()),
        problem: "line 2: to: too short".into(),
    }))));
    assert!(asks_for_a_row(&effects), "a bad row never stops the file");
    let effects = run.on(Event::RowRead(RowRead::Unreadable(
        "line 3: cannot read".into(),
    )));
    assert_eq!(notes(&effects), vec!["line 3: cannot read".to_string()]);
    assert!(run.state.is_finished());
    assert_eq!(run.state.outcome().tally.invalid, 1);
    assert_eq!(exit_of(&run), Some(Exit::Failure));
}

#[test]
fn a_closed_stdout_stops_the_run_starting_calls() {
    let mut run = Run::new(policy());
    let job = dials(&run.start_with_rows(1)).remove(0);
    let effects = run.on(Event::StdoutClosed);
    assert!(effects.is_empty());
    run.on(Event::Dialed(job, placed("tx1")));
    assert!(run.state.is_finished());
}

#[test]
fn the_exit_codes_come_in_their_documented_order() {
    let exit = |outcome: &RunOutcome, waits| outcome.exit(waits, "b").err().map(|f| f.exit);
    let mut outcome = RunOutcome::default();
    assert_eq!(exit(&outcome, true), None);
    outcome.finals.insert(DispositionKind::Busy, 1);
    assert_eq!(exit(&outcome, true), Some(Exit::Unanswered));
    // Not placed fails a run that does not wait, and is unsuccessful in one that does.
    let mut not_placed = RunOutcome::default();
    not_placed.finals.insert(DispositionKind::NotPlaced, 1);
    assert_eq!(exit(&not_placed, false), Some(Exit::Failure));
    assert_eq!(exit(&not_placed, true), Some(Exit::Unanswered));
    outcome.finals.insert(DispositionKind::Live, 1);
    assert_eq!(exit(&outcome, true), Some(Exit::WaitTimedOut));
    outcome.tally.invalid = 1;
    assert_eq!(exit(&outcome, true), Some(Exit::Failure));
    outcome.skipped_unknown = 1;
    let failure = outcome.exit(true, "b").unwrap_err();
    assert_eq!(failure.exit, Exit::OutcomeUnknown);
    assert!(failure
        .message
        .starts_with("1 call has an unknown outcome: it may have been placed"));
    outcome.gave_up_over_quota = true;
    assert_eq!(exit(&outcome, true), Some(Exit::Throttled));
    outcome.interrupted = true;
    let failure = outcome.exit(true, "b").unwrap_err();
    assert_eq!(failure.exit, Exit::Interrupted);
    assert!(failure.message.contains("--resume to finish (batch b)"));
    outcome.journal_broken = true;
    assert_eq!(exit(&outcome, true), Some(Exit::Config));
}

fn news(transaction_id: &str, kind: DispositionKind, what: News) -> Event {
    let mut disposition = Disposition::without_call(kind);
    disposition.answered = kind.was_answered();
    Event::CallNews(CallNews {
        transaction_id: transaction_id.into(),
        disposition,
        news: what,
    })
}

fn journaled(effects: &[Effect]) -> Vec<(String, Progress)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::JournalCall {
                transaction_id,
                progress,
                ..
            } => Some((transaction_id.clone(), *progress)),
            _ => None,
        })
        .collect()
}

fn end_lines(effects: &[Effect]) -> Vec<(String, DispositionKind, bool)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Print(Line::End(end)) => Some((end.row.clone(), end.disposition, end.live)),
            _ => None,
        })
        .collect()
}
