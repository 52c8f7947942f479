//! Escalation's rules as events in and effects out: tiers, `--escalate-after`, `--repeat`,
//! `--until first` and its cancellations.

use super::*;

/// A run that waits, escalates through tiers and stops at the first acknowledgement.
fn paging(repeats: u32) -> RunPolicy {
    let mut policy = waiting(1);
    policy.plans_ahead = true;
    policy.until_first = true;
    policy.repeats = repeats;
    policy.repeat_after_ms = 60_000;
    policy
}

fn tiered_row(line: u64, key: &str, tier: u32) -> Event {
    Event::RowRead(RowRead::Row(Row::Valid {
        line,
        key: key.into(),
        request: DialRequest {
            sma_id: "sma-1".into(),
            from: "+12065550100".into(),
            to: format!("+1206555{line:04}"),
            arguments: Default::default(),
            sip_headers: Default::default(),
        },
        tier,
    }))
}

/// Reads `rows` (key, tier) and the file's end; the effects of it all.
fn read_all(run: &mut Run, rows: &[(&str, u32)]) -> Vec<Effect> {
    let mut effects = run.on(Event::Tick);
    for (n, (key, tier)) in rows.iter().enumerate() {
        assert!(asks_for_a_row(&effects), "{effects:?}");
        effects.extend(run.on(tiered_row(n as u64 + 2, key, *tier)));
    }
    effects.extend(run.on(Event::RowRead(RowRead::End)));
    effects
}

fn settled(effects: &[Effect]) -> Vec<(String, DispositionKind)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::JournalSettled(note) => Some((note.row.clone(), note.disposition)),
            _ => None,
        })
        .collect()
}

fn hangups(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::HangUp(targets) => Some(targets.iter().map(|t| t.transaction_id.clone())),
            _ => None,
        })
        .flatten()
        .collect()
}

#[test]
fn tier_two_starts_when_tier_one_is_exhausted_and_the_first_success_ends_the_run() {
    let mut run = Run::new(paging(0));
    let rows = [
        ("a1", 1),
        ("a2", 1),
        ("b1", 2),
        ("b2", 2),
        ("c1", 3),
        ("c2", 3),
    ];
    let effects = read_all(&mut run, &rows);
    let tier1 = dials(&effects);
    assert_eq!(
        tier1.iter().map(|j| j.key.as_str()).collect::<Vec<_>>(),
        ["a1", "a2"],
        "only tier 1 goes at once"
    );
    run.on(Event::Dialed(tier1[0].clone(), placed("tx-a1")));
    run.on(Event::Dialed(tier1[1].clone(), placed("tx-a2")));
    let effects = run.at(T0 + 5_000).on(ended("tx-a1", DispositionKind::Busy));
    assert!(dials(&effects).is_empty(), "a2 is still ringing");
    let effects = run
        .at(T0 + 30_000)
        .on(ended("tx-a2", DispositionKind::NoAnswer));
    let tier2 = dials(&effects);
    assert_eq!(
        tier2
            .iter()
            .map(|j| (j.key.as_str(), j.tier))
            .collect::<Vec<_>>(),
        [("b1", 2), ("b2", 2)]
    );
    run.on(Event::Dialed(tier2[0].clone(), placed("tx-b1")));
    run.on(Event::Dialed(tier2[1].clone(), placed("tx-b2")));
    let effects = run.at(T0 + 40_000).on(news(
        "tx-b1",
        DispositionKind::Acknowledged,
        News::Succeeded,
    ));
    // Tier 3 is never dialed; b2's call is hung up; the first success is named.
    assert_eq!(
        settled(&effects),
        [
            ("c1".to_string(), DispositionKind::Cancelled),
            ("c2".to_string(), DispositionKind::Cancelled)
        ]
    );
    assert_eq!(hangups(&effects), ["tx-b2"]);
    let first = effects.iter().find_map(|e| match e {
        Effect::Print(Line::FirstSuccess(first)) => Some(first.clone()),
        _ => None,
    });
    let first = first.expect("the first success is printed");
    assert_eq!((first.row.as_str(), first.tier, first.round), ("b1", 2, 1));
    assert!(!run.state.is_finished(), "the hangup is in flight");
    let effects = run.on(Event::HangUpsDone);
    assert_eq!(
        end_lines(&effects),
        [("b2".to_string(), DispositionKind::Cancelled, true)]
    );
    assert!(run.state.is_finished());
    assert_eq!(exit_of(&run), None, "exit 0: someone acknowledged");
    assert_eq!(run.state.outcome().finals[&DispositionKind::Cancelled], 3);
}

#[test]
fn escalate_after_starts_the_next_tier_before_the_last_is_exhausted() {
    let mut policy = paging(0);
    policy.escalate_after_ms = Some(20_000);
    let mut run = Run::new(policy);
    let effects = read_all(&mut run, &[("a1", 1), ("b1", 2)]);
    let a1 = dials(&effects).remove(0);
    run.on(Event::Dialed(a1, placed("tx-a1")));
    assert_eq!(run.state.next_due_ms(), Some(T0 + 20_000));
    let effects = run.at(T0 + 20_000).on(Event::Tick);
    assert_eq!(dials(&effects)[0].key, "b1", "tier 2 starts on time");
}

#[test]
fn nobody_answers_and_each_row_is_dialed_once_per_round_no_more() {
    let mut run = Run::new(paging(2));
    let mut now = T0;
    let effects = read_all(&mut run, &[("a", 1), ("b", 1)]);
    let mut jobs = dials(&effects);
    let mut dialed = Vec::new();
    for round in 0..3 {
        assert_eq!(jobs.len(), 2, "round {round}: {jobs:?}");
        for job in &jobs {
            assert_eq!((job.round, job.attempt), (round, round + 1), "{job:?}");
            dialed.push(job.key.clone());
        }
        for (n, job) in jobs.iter().enumerate() {
            run.at(now)
                .on(Event::Dialed(job.clone(), placed(&format!("tx{round}{n}"))));
        }
        now += 30_000;
        run.at(now)
            .on(ended(&format!("tx{round}0"), DispositionKind::NoAnswer));
        let effects = run
            .at(now)
            .on(ended(&format!("tx{round}1"), DispositionKind::NoAnswer));
        if round < 2 {
            assert!(!run.state.is_finished(), "round {round}");
            assert_eq!(run.state.next_due_ms(), Some(now + 60_000));
            assert!(dials(&effects).is_empty(), "not before --repeat-after");
            now += 60_000;
            jobs = dials(&run.at(now).on(Event::Tick));
        }
    }
    assert_eq!(dialed.len(), 6, "3 rounds of 2 rows");
    assert!(run.state.is_finished());
    assert_eq!(exit_of(&run), Some(Exit::Unanswered));
}

#[test]
fn a_success_seen_while_the_hangups_are_in_flight_is_reported_not_ignored() {
    let mut run = Run::new(paging(0));
    let effects = read_all(&mut run, &[("a", 1), ("b", 1)]);
    let jobs = dials(&effects);
    run.on(Event::Dialed(jobs[0].clone(), placed("tx-a")));
    run.on(Event::Dialed(jobs[1].clone(), placed("tx-b")));
    run.on(news("tx-a", DispositionKind::Acknowledged, News::Succeeded));
    let effects = run.on(news("tx-b", DispositionKind::Acknowledged, News::Succeeded));
    assert!(notes(&effects)[0].contains("also succeeded"), "{effects:?}");
    run.on(Event::HangUpsDone);
    assert!(run.state.is_finished());
    let finals = &run.state.outcome().finals;
    assert_eq!(finals[&DispositionKind::Acknowledged], 2);
    assert!(!finals.contains_key(&DispositionKind::Cancelled));
}

#[test]
fn until_first_stops_a_streaming_run_too() {
    let mut policy = waiting(1);
    policy.until_first = true;
    let mut run = Run::new(policy);
    let jobs = dials(&run.start_with_rows(2));
    run.on(Event::Dialed(jobs[0].clone(), placed("tx1")));
    run.on(Event::Dialed(jobs[1].clone(), placed("tx2")));
    let effects = run.on(news("tx2", DispositionKind::Answered, News::Succeeded));
    assert_eq!(hangups(&effects), ["tx1"]);
    run.on(Event::HangUpsDone);
    assert!(run.state.is_finished());
    assert_eq!(exit_of(&run), None);
}

fn guarded_run(policy: RunPolicy) -> Run {
    let guard = crate::guard::Guard::parse("1/1m").unwrap();
    // The number of row r1 (line 2) was called 10 s before the run.
    let mut ledger = history(vec![("earlier", 2, OutcomeKind::Placed, None)]);
    let mut earlier = ledger.rows.remove("earlier").unwrap().attempts.remove(0);
    earlier.time = chimecall_model::clock::rfc3339_ms(T0 - 10_000).unwrap();
    let book = crate::guard::Book::of(guard, &[earlier], T0);
    let mut run = Run::new(policy.clone());
    run.state = RunState::new(policy, "batch".into(), None).with_guard(book);
    run
}

#[test]
fn the_guard_holds_a_row_until_its_slot_within_the_run_and_past_it_the_row_is_guarded() {
    // --timeout 60 s: the slot (T0 + 50 s) comes within the run: the row waits for it.
    let mut run = guarded_run(waiting(1));
    let effects = run.start_with_rows(1);
    assert!(dials(&effects).is_empty(), "held");
    assert!(
        notes(&effects)
            .iter()
            .any(|n| n.contains("waits for its slot")),
        "{effects:?}"
    );
    assert_eq!(run.state.next_due_ms(), Some(T0 + 50_000));
    let effects = run.at(T0 + 50_000).on(Event::Tick);
    assert_eq!(dials(&effects).len(), 1, "its slot came");

    // --timeout 10 s: the slot comes after the run's horizon: guarded, journaled, not dialed.
    let mut policy = waiting(1);
    policy.wait = Some(std::time::Duration::from_secs(10));
    let mut run = guarded_run(policy);
    let effects = run.start_with_rows(1);
    assert!(dials(&effects).is_empty());
    assert_eq!(
        settled(&effects),
        [("r1".to_string(), DispositionKind::Guarded)]
    );
    assert!(run.state.is_finished());
    assert_eq!(exit_of(&run), Some(Exit::Unanswered));
}

#[test]
fn resume_continues_a_run_in_the_middle_of_a_repeat() {
    // Round 1 (the first) rang both rows out; round 2 rang out `a` and never reached `b`.
    let mut ledger = history(vec![
        ("a", 2, OutcomeKind::Placed, Some(DispositionKind::NoAnswer)),
        ("b", 3, OutcomeKind::Placed, Some(DispositionKind::NoAnswer)),
    ]);
    let a = ledger.rows.get_mut("a").unwrap();
    let mut again = a.attempts[0].clone();
    (again.attempt, again.round, again.dial_id) = (2, 1, "d-a2".into());
    a.attempts.push(again);
    let mut policy = paging(2);
    policy.plans_ahead = true;
    let mut run = Run::with_history(policy, ledger);
    let effects = read_all(&mut run, &[("a", 1), ("b", 1)]);
    let jobs = dials(&effects);
    assert_eq!(jobs.len(), 1, "only b is left in round 2: {effects:?}");
    assert_eq!(
        (jobs[0].key.as_str(), jobs[0].attempt, jobs[0].round),
        ("b", 2, 1)
    );
    run.on(Event::Dialed(jobs[0].clone(), placed("tx-b2")));
    run.at(T0 + 30_000)
        .on(ended("tx-b2", DispositionKind::NoAnswer));
    // Round 3 comes after --repeat-after, both rows as their third attempt.
    let jobs = dials(&run.at(T0 + 90_000).on(Event::Tick));
    let seen: Vec<(&str, u32, u32)> = jobs
        .iter()
        .map(|j| (j.key.as_str(), j.attempt, j.round))
        .collect();
    assert_eq!(seen, [("a", 3, 2), ("b", 3, 2)]);
}

#[test]
fn a_won_streaming_run_reads_and_cancels_the_rows_it_had_not_read() {
    let mut policy = waiting(1);
    policy.until_first = true;
    policy.max_active = 1;
    let mut run = Run::new(policy);
    let effects = run.on(Event::Tick);
    assert!(asks_for_a_row(&effects));
    let job = dials(&run.on(tiered_row(2, "a", 1))).remove(0);
    run.on(tiered_row(3, "b", 1)); // read, held by the cap
    run.on(Event::Dialed(job, placed("tx-a")));
    let effects = run.on(news("tx-a", DispositionKind::Answered, News::Succeeded));
    assert_eq!(
        settled(&effects),
        [("b".to_string(), DispositionKind::Cancelled)]
    );
    assert!(asks_for_a_row(&effects), "the rest of the file is read");
    let effects = run.on(tiered_row(4, "c", 1));
    assert_eq!(
        settled(&effects),
        [("c".to_string(), DispositionKind::Cancelled)]
    );
    assert!(dials(&effects).is_empty());
    assert!(!run.state.is_finished(), "d is not read yet");
    run.on(Event::RowRead(RowRead::End));
    assert!(run.state.is_finished());
}

#[test]
fn resuming_a_batch_that_until_first_already_won_dials_nobody() {
    let ledger = history(vec![
        ("a", 2, OutcomeKind::Placed, Some(DispositionKind::NoAnswer)),
        (
            "b",
            3,
            OutcomeKind::Placed,
            Some(DispositionKind::Acknowledged),
        ),
    ]);
    let mut run = Run::with_history(paging(2), ledger);
    let effects = read_all(&mut run, &[("a", 1), ("b", 1)]);
    assert!(dials(&effects).is_empty(), "{effects:?}");
    assert!(
        notes(&effects)[0].contains("already succeeded"),
        "{effects:?}"
    );
    assert!(run.state.is_finished());
    assert_eq!(exit_of(&run), None);
}
