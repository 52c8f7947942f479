//! What the journal does to a run: `--resume` from what it holds, a record it cannot take (the
//! run stops), and other runners sharing it (a team journal: claimed rows, joined runs, the
//! guard counting their calls).

use super::*;

#[test]
fn a_redial_the_journal_could_not_take_is_never_dialed() {
    let mut run = Run::new(waiting(2));
    let job = dials(&run.start_with_rows(1)).remove(0);
    run.on(Event::Dialed(job, placed("tx1")));
    let effects = run.on(ended("tx1", DispositionKind::NotPlaced));
    assert_eq!(redials(&effects).len(), 1);
    let effects = run.on(Event::JournalFailed(JournalFailure {
        exit: Exit::Config,
        message: "cannot write the call journal j: disk full".into(),
    }));
    assert!(dials(&effects).is_empty());
    assert!(run.state.is_finished());
    assert_eq!(exit_of(&run), Some(Exit::Config));
}

#[test]
fn a_journal_that_cannot_take_an_intent_stops_the_run() {
    let mut run = Run::new(policy());
    let jobs = dials(&run.start_with_rows(1));
    let broken = DialOutcome::JournalBroken(JournalFailure {
        exit: Exit::Throttled,
        message: "the team journal dynamodb:t is throttled (cannot write a dial's intent)".into(),
    });
    let effects = run.on(Event::Dialed(jobs[0].clone(), broken));
    assert_eq!(
        placements(&effects),
        vec![("r1".into(), RowOutcome::Failed)]
    );
    let effects = run.on(row(3, "r2"));
    assert!(dials(&effects).is_empty(), "nothing after a broken journal");
    assert!(run.state.is_finished());
    // The run exits as the journal's failure says, and names it.
    assert_eq!(exit_of(&run), Some(Exit::Throttled));
    let failure = run.state.outcome().exit(false, "batch").unwrap_err();
    assert!(
        failure.message.contains("dynamodb:t is throttled"),
        "{}",
        failure.message
    );
}

#[test]
fn resume_skips_what_stands_follows_what_is_live_and_refuses_a_changed_row() {
    let known = history(vec![
        (
            "r1",
            2,
            OutcomeKind::Placed,
            Some(DispositionKind::Answered),
        ),
        ("r2", 3, OutcomeKind::Placed, None),
        ("r3", 4, OutcomeKind::Unknown, None),
    ]);
    let mut run = Run::with_history(waiting(1), known);
    let mut effects = run.on(Event::Tick);
    effects.extend(run.on(row(2, "r1")));
    effects.extend(run.on(row(3, "r2")));
    effects.extend(run.on(row(4, "r3")));
    // r1's key again, now calling someone else: the file changed under its keys.
    effects.extend(run.on(Event::RowRead(RowRead::Row(Row::Valid {
        line: 5,
        key: "r1".into(),
        request: request("+19995550000"),
        tier: 1,
    }))));
    effects.extend(run.on(Event::RowRead(RowRead::End)));
    assert_eq!(
        placements(&effects),
        vec![
            ("r1".into(), RowOutcome::Skipped),
            // r2's call is still live: followed, and said with a `skipped` line.
            ("r2".into(), RowOutcome::Skipped),
            ("r3".into(), RowOutcome::Skipped),
            ("r1".into(), RowOutcome::Invalid),
        ]
    );
    let live_line = effects.iter().find_map(|effect| match effect {
        Effect::Print(Line::Placement(report)) if report.row == "r2" => {
            Some(report.transaction_id.clone())
        }
        _ => None,
    });
    assert_eq!(
        live_line,
        Some(Some("tx-r2".to_string())),
        "a skipped line for the live row"
    );
    let dialed_ms = chimecall_model::clock::parse_rfc3339_ms("2027-01-15T08:00:00.000Z").unwrap();
    let since_ms = dialed_ms - crate::follow::CLOCK_SKEW_MS;
    assert_eq!(follows(&effects), vec![("tx-r2".into(), since_ms)]);
    assert!(dials(&effects).is_empty());
    assert!(notes(&effects)[0].contains("following its call tx-r2 from before"));
    run.on(ended("tx-r2", DispositionKind::Answered));
    assert!(run.state.is_finished());
    // The unknown row skipped still says a call may have been placed.
    assert_eq!(exit_of(&run), Some(Exit::OutcomeUnknown));
}

#[test]
fn a_row_attempt_another_runner_claimed_is_skipped_and_fails_nothing() {
    let mut run = Run::new(waiting(3));
    let jobs = dials(&run.start_with_rows(2));
    let effects = run.on(Event::Dialed(
        jobs[0].clone(),
        DialOutcome::Claimed {
            by: "ci-7-3f2a".into(),
        },
    ));
    assert_eq!(
        placements(&effects),
        vec![("r1".into(), RowOutcome::Skipped)]
    );
    let claimed_by = effects.iter().find_map(|effect| match effect {
        Effect::Print(Line::Placement(report)) => report.claimed_by.clone(),
        _ => None,
    });
    assert_eq!(claimed_by.as_deref(), Some("ci-7-3f2a"));
    // Not followed, not redialed: the row is the other runner's.
    assert!(follows(&effects).is_empty() && redials(&effects).is_empty());
    run.on(Event::Dialed(jobs[1].clone(), placed("tx2")));
    run.on(ended("tx2", DispositionKind::Answered));
    assert!(run.state.is_finished());
    assert_eq!(run.state.outcome().claimed_elsewhere, 1);
    assert_eq!(
        exit_of(&run),
        None,
        "a claimed row is no failure of this run"
    );
}

#[test]
fn a_run_that_joined_others_leaves_their_unknown_dials_to_them() {
    let in_flight = || history(vec![("r1", 2, OutcomeKind::Unknown, None)]);
    let mut joined = policy();
    joined.joined_others = true;
    for (policy, unknown) in [(joined, 0), (policy(), 1)] {
        let mut run = Run::with_history(policy, in_flight());
        let mut effects = run.on(Event::Tick);
        effects.extend(run.on(row(2, "r1")));
        effects.extend(run.on(Event::RowRead(RowRead::End)));
        assert_eq!(
            placements(&effects),
            vec![("r1".into(), RowOutcome::Skipped)]
        );
        assert!(dials(&effects).is_empty(), "never dialed again");
        assert_eq!(run.state.outcome().skipped_unknown, unknown);
    }
}

#[test]
fn a_row_the_shared_guard_holds_waits_for_its_slot_or_ends_guarded_past_the_timeout() {
    let held = |until_ms| DialOutcome::Held {
        until_ms,
        limit: "1/1m".into(),
    };
    // Another runner called the number a moment ago: the row waits, then is dialed again.
    let mut run = Run::new(waiting(1));
    let jobs = dials(&run.start_with_rows(1));
    let effects = run.on(Event::Dialed(jobs[0].clone(), held(T0 + 30_000)));
    assert!(dials(&effects).is_empty() && placements(&effects).is_empty());
    assert!(
        notes(&effects)
            .iter()
            .any(|n| n.contains("waits for its slot")),
        "{effects:?}"
    );
    let effects = run.at(T0 + 30_000).on(Event::Tick);
    assert_eq!(dials(&effects).len(), 1, "dialed once the number is free");
    // Free only after the run's --timeout (60 s): the row ends guarded, journaled first.
    let mut run = Run::new(waiting(1));
    let jobs = dials(&run.start_with_rows(1));
    let effects = run.on(Event::Dialed(jobs[0].clone(), held(T0 + 120_000)));
    assert!(
        effects.iter().any(|e| matches!(e, Effect::JournalSettled(note) if note.disposition == DispositionKind::Guarded)),
        "{effects:?}"
    );
}
