//! Calls followed to their end: answers and acknowledgements journaled as they happen, rows
//! that succeed while their call goes on.

use super::*;

#[test]
fn an_answer_is_journaled_when_it_is_seen_and_an_acknowledgement_when_its_key_is() {
    let mut run = Run::new(waiting(1));
    let job = dials(&run.start_with_rows(1)).remove(0);
    run.on(Event::Dialed(job, placed("tx1")));
    let effects = run.on(news("tx1", DispositionKind::Live, News::Answered));
    assert_eq!(
        journaled(&effects),
        vec![("tx1".into(), Progress::Answered)]
    );
    assert!(!run.state.is_finished(), "answered is not yet acknowledged");
    let effects = run.on(news("tx1", DispositionKind::Acknowledged, News::Succeeded));
    assert_eq!(
        journaled(&effects),
        vec![("tx1".into(), Progress::Acknowledged)]
    );
}

#[test]
fn a_row_succeeds_the_moment_its_success_is_seen_and_the_run_does_not_wait_for_the_call() {
    let mut run = Run::new(waiting(2));
    let jobs = dials(&run.start_with_rows(2));
    run.on(Event::Dialed(jobs[0].clone(), placed("tx1")));
    run.on(Event::Dialed(jobs[1].clone(), placed("tx2")));
    let effects = run.on(news("tx1", DispositionKind::Acknowledged, News::Succeeded));
    assert!(
        end_lines(&effects).is_empty(),
        "its line comes when the call ends"
    );
    assert!(!run.state.is_finished(), "r2 is still going");
    run.on(ended("tx2", DispositionKind::Answered));
    assert!(
        run.state.is_finished(),
        "r1's call is up, but its row has succeeded"
    );
    let effects = run.state.wind_up();
    assert_eq!(
        end_lines(&effects),
        vec![("r1".into(), DispositionKind::Acknowledged, true)]
    );
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::StopFollowing(tx) if tx == "tx1")));
    assert_eq!(
        run.state.outcome().tally.live,
        1,
        "the summary counts it live"
    );
    assert_eq!(
        run.state.outcome().finals[&DispositionKind::Acknowledged],
        1
    );
    assert_eq!(exit_of(&run), None);
}

#[test]
fn a_succeeded_call_that_ends_while_the_run_goes_on_is_reported_once_with_its_success() {
    let mut run = Run::new(waiting(1));
    let jobs = dials(&run.start_with_rows(2));
    run.on(Event::Dialed(jobs[0].clone(), placed("tx1")));
    run.on(Event::Dialed(jobs[1].clone(), placed("tx2")));
    run.on(news("tx1", DispositionKind::Answered, News::Succeeded));
    // It ended; the events would now say unacknowledged (more digits): it stays a success.
    let effects = run.on(ended("tx1", DispositionKind::Unacknowledged));
    assert_eq!(
        end_lines(&effects),
        vec![("r1".into(), DispositionKind::Answered, false)]
    );
    assert_eq!(journaled(&effects), vec![("tx1".into(), Progress::Ended)]);
    assert!(redials(&effects).is_empty());
    run.on(ended("tx2", DispositionKind::Busy));
    assert!(run.state.wind_up().is_empty());
    let finals = &run.state.outcome().finals;
    assert_eq!(
        (
            finals[&DispositionKind::Answered],
            finals[&DispositionKind::Busy]
        ),
        (1, 1)
    );
    assert!(!finals.contains_key(&DispositionKind::Unacknowledged));
    assert_eq!(exit_of(&run), Some(Exit::Unanswered));
}

#[test]
fn a_succeeded_call_still_up_after_the_timeout_is_reported_with_its_success_and_live() {
    let mut run = Run::new(waiting(1));
    let job = dials(&run.start_with_rows(1)).remove(0);
    run.on(Event::Dialed(job, placed("tx1")));
    run.on(news("tx1", DispositionKind::Answered, News::Succeeded));
    let effects = run.on(news(
        "tx1",
        DispositionKind::Live,
        News::Lost(Lost::TimedOut),
    ));
    assert!(
        notes(&effects).is_empty(),
        "not reported live: its row succeeded"
    );
    assert_eq!(
        end_lines(&effects),
        vec![("r1".into(), DispositionKind::Answered, true)]
    );
    assert_eq!(
        exit_of(&run),
        None,
        "the exit depends on rows, not on call lengths"
    );
}
