//! The local journal against the fold it must agree with: records round trip, a corpus of record
//! sequences (out of order, torn, repeated ids) folds the same in SQLite as in memory, several
//! writers at once, export, import once, and files that are not journals.

use std::collections::BTreeMap;
use std::path::Path;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::*;
use crate::call::DispositionKind;

fn intent(dial_id: &str) -> Record {
    Record::Intent(Intent {
        dial_id: dial_id.into(),
        sma_id: "sma".into(),
        from: "+12065550100".into(),
        to: "+12065550123".into(),
        arguments: mask_values(&BTreeMap::from([("ticket".into(), "INC-1".into())])),
        sip_headers: BTreeMap::new(),
        request_id: None,
        batch: None,
        row: None,
        line: None,
        attempt: None,
        tier: None,
        round: None,
        repeat: false,
    })
}

fn placed(dial_id: &str, tx: &str) -> Record {
    Record::Outcome(Outcome {
        dial_id: dial_id.into(),
        outcome: OutcomeKind::Placed,
        transaction_id: Some(tx.into()),
        error: None,
        batch: None,
        row: None,
        resolved_by: None,
        attempt: None,
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// Every record of the journal, through `records` a few at a time (as `journal export`).
fn export(journal: &Journal, filter: &ExportFilter) -> Vec<String> {
    runtime().block_on(async {
        let mut lines = Vec::new();
        let mut from: Option<String> = None;
        loop {
            let page = journal.records(filter, from.as_deref(), 7).await.unwrap();
            lines.extend(page.lines);
            match page.next {
                Some(next) => from = Some(next),
                None => return lines,
            }
        }
    })
}

#[test]
fn records_round_trip_and_fold_into_calls() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state/chimecall/journal.sqlite3");
    let journal = Journal::open(&path).unwrap();
    let (calls, active, by_tx) = runtime().block_on(async {
        journal.append(intent("d1")).await.unwrap();
        journal.append(placed("d1", "tx1")).await.unwrap();
        journal.append(intent("d2")).await.unwrap();
        journal.append(intent("d3")).await.unwrap();
        journal.append(placed("d3", "tx3")).await.unwrap();
        journal
            .append(Record::State(StateNote {
                answered: Some(true),
                sip_response_code: Some("0".into()),
                ..StateNote::new("tx1", "ended", "test")
            }))
            .await
            .unwrap();
        (
            journal.dials_since(None).await.unwrap(),
            journal.open_dials(None).await.unwrap(),
            journal.dial_by_transaction("tx3").await.unwrap(),
        )
    });
    let lines = export(&journal, &ExportFilter::default());
    assert_eq!(lines.len(), 6);
    assert!(
        lines[0].contains("\"arguments\":{\"ticket\":\"***\"}"),
        "{}",
        lines[0]
    );
    assert!(!lines.iter().any(|line| line.contains("INC-1")));
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[0].transaction_id.as_deref(), Some("tx1"));
    assert!(calls[0].is_ended() && !calls[0].is_active());
    assert_eq!(
        calls[1].outcome,
        OutcomeKind::Unknown,
        "an intent alone is unknown"
    );
    let open: Vec<&str> = active.iter().map(|d| d.dial_id.as_str()).collect();
    assert_eq!(
        open,
        ["d2", "d3"],
        "unknown and placed-not-ended may be live"
    );
    assert_eq!(by_tx.unwrap().dial_id, "d3");
    assert!(std::fs::read(&path)
        .unwrap()
        .starts_with(b"SQLite format 3\0"));
}

/// A sequence of records as a journal may hold them: intents, outcomes and states in any order,
/// ids that repeat, outcomes that change their mind, states for calls never journaled.
fn corpus(seed: u64, length: usize) -> Vec<Line> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut lines = Vec::new();
    let dispositions = [
        DispositionKind::Answered,
        DispositionKind::Busy,
        DispositionKind::NoAnswer,
        DispositionKind::Rejected,
    ];
    for i in 0..length {
        let dial = format!("d{}", rng.random_range(0..12));
        let tx = format!("t{}", rng.random_range(0..12));
        let batch = ["b1", "b2"][rng.random_range(0..2)];
        let record = match rng.random_range(0..10) {
            0..=2 => {
                let Record::Intent(mut intent) = intent(&dial) else {
                    unreachable!()
                };
                if rng.random_bool(0.7) {
                    intent.batch = Some(batch.into());
                    intent.row = Some(format!("r{}", rng.random_range(0..4)));
                    intent.line = Some(rng.random_range(2..6));
                    intent.attempt = Some(rng.random_range(1..4));
                }
                intent.to = format!("+1206555010{}", rng.random_range(0..3));
                Record::Intent(intent)
            }
            3..=5 => Record::Outcome(Outcome {
                dial_id: dial,
                outcome: [
                    OutcomeKind::Placed,
                    OutcomeKind::Failed,
                    OutcomeKind::Unknown,
                ][rng.random_range(0..3)],
                transaction_id: rng.random_bool(0.8).then_some(tx),
                error: rng.random_bool(0.2).then(|| ErrorNote {
                    code: Some("ThrottledClientException".into()),
                    message: "slow down".into(),
                    request_id: None,
                    exit_code: 4,
                }),
                batch: None,
                row: None,
                resolved_by: rng.random_bool(0.1).then(|| "logs".into()),
                attempt: None,
            }),
            6..=8 => {
                let state = ["answered", "ended", "hangup_requested"][rng.random_range(0..3)];
                let mut note = StateNote::new(&tx, state, "test");
                note.answered = rng.random_bool(0.5).then(|| rng.random_bool(0.5));
                if rng.random_bool(0.5) {
                    note.disposition = Some(dispositions[rng.random_range(0..4)]);
                    note.ring_ms = Some(rng.random_range(0..9000));
                    note.digits = rng.random_bool(0.3).then(|| "12".into());
                }
                Record::State(note)
            }
            _ => Record::Redial(RedialNote {
                batch: batch.into(),
                row: format!("r{}", rng.random_range(0..4)),
                line: 2,
                to: "+12065550100".into(),
                attempt: rng.random_range(1..5),
                not_before: "2026-12-01T10:01:00.000Z".into(),
                because: DispositionKind::Busy,
            }),
        };
        lines.push(Line {
            v: 1,
            time: format!("2026-12-01T10:{:02}:{:02}.000Z", i / 60 % 60, i % 60),
            record,
        });
    }
    lines
}

#[test]
fn the_journal_folds_any_sequence_of_records_as_the_fold_in_memory_does() {
    for seed in 0..40 {
        let lines = corpus(seed, 10 + seed as usize * 7);
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("journal.jsonl");
        let mut text: String = lines
            .iter()
            .map(|line| serde_json::to_string(line).unwrap() + "\n")
            .collect();
        // A line that is not a record, and a torn last line: reported and skipped.
        text.insert_str(0, "not json\n");
        text.push_str("{\"v\":1,\"time\":\"20");
        std::fs::write(&old, &text).unwrap();
        let journal = Journal::open(&old).unwrap();
        assert_eq!(
            journal.path(),
            Some(dir.path().join("journal.jsonl.sqlite3").as_path())
        );

        let expected = dials(&lines);
        let (all, open, since, by_tx, batch, to) = runtime().block_on(async {
            (
                journal.dials_since(None).await.unwrap(),
                journal.open_dials(None).await.unwrap(),
                journal
                    .dials_since(Some(
                        chimecall_model::clock::parse_rfc3339_ms("2026-12-01T10:00:30.000Z")
                            .unwrap(),
                    ))
                    .await
                    .unwrap(),
                journal.dial_by_transaction("t3").await.unwrap(),
                journal.batch("b1").await.unwrap(),
                journal.dials_to("+12065550101", 0).await.unwrap(),
            )
        });
        assert_eq!(all, expected, "seed {seed}");
        let may_be_live: Vec<_> = expected
            .iter()
            .filter(|d| d.may_be_live())
            .cloned()
            .collect();
        assert_eq!(open, may_be_live, "seed {seed}");
        let recent: Vec<_> = expected
            .iter()
            .filter(|d| d.time.as_str() >= "2026-12-01T10:00:30.000Z")
            .cloned()
            .collect();
        assert_eq!(since, recent, "seed {seed}");
        let in_b1: Vec<_> = expected
            .iter()
            .filter(|d| d.batch.as_deref() == Some("b1"))
            .cloned()
            .collect();
        assert_eq!(batch.dials, in_b1, "seed {seed}");
        let redials: Vec<_> = lines
            .iter()
            .filter_map(|line| match &line.record {
                Record::Redial(note) if note.batch == "b1" => Some(note.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(batch.redials, redials, "seed {seed}");
        let to_101: Vec<_> = expected
            .iter()
            .filter(|d| d.to == "+12065550101")
            .cloned()
            .collect();
        assert_eq!(to, to_101, "seed {seed}");
        // The TransactionId's dial: the one whose outcome named it last.
        let mut by_dial = std::collections::HashMap::new();
        let mut named = None;
        let mut intents = 0;
        for line in &lines {
            match &line.record {
                Record::Intent(intent) => {
                    by_dial.insert(intent.dial_id.clone(), intents);
                    intents += 1;
                }
                Record::Outcome(o) if o.transaction_id.as_deref() == Some("t3") => {
                    if let Some(&index) = by_dial.get(&o.dial_id) {
                        named = Some(index);
                    }
                }
                _ => {}
            }
        }
        assert_eq!(
            by_tx,
            named.map(|index| expected[index].clone()),
            "seed {seed}"
        );
        // Export gives back every record's line, in order.
        let exported = export(&journal, &ExportFilter::default());
        let written: Vec<String> = lines
            .iter()
            .map(|line| serde_json::to_string(line).unwrap())
            .collect();
        assert_eq!(exported, written, "seed {seed}");
    }
}

#[test]
fn an_old_journal_is_imported_once_and_left_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("journal.jsonl");
    let lines: Vec<String> = [intent("d1"), placed("d1", "tx1")]
        .into_iter()
        .map(|record| {
            serde_json::to_string(&Line {
                v: 1,
                time: "2026-12-01T10:00:00.000Z".into(),
                record,
            })
            .unwrap()
        })
        .collect();
    let text = lines.join("\n") + "\n";
    std::fs::write(&old, &text).unwrap();
    // The default location: journal.sqlite3 beside journal.jsonl starts as its import.
    let path = dir.path().join("journal.sqlite3");
    let journal = Journal::open(&path).unwrap();
    runtime().block_on(journal.append(intent("d2"))).unwrap();
    drop(journal);
    assert_eq!(
        std::fs::read_to_string(&old).unwrap(),
        text,
        "left as it was"
    );
    for _ in 0..2 {
        let journal = Journal::open(&path).unwrap();
        let exported = export(&journal, &ExportFilter::default());
        assert_eq!(exported.len(), 3, "imported once: {exported:?}");
        assert_eq!(exported[..2], lines[..]);
    }
    // Named by CHIMECALL_JOURNAL: imported into <path>.sqlite3, once, whoever opens it.
    let journal = Journal::open(&old).unwrap();
    assert_eq!(
        journal.path(),
        Some(dir.path().join("journal.jsonl.sqlite3").as_path())
    );
    let again = Journal::open(&old).unwrap();
    assert_eq!(export(&again, &ExportFilter::default()), lines);
}

#[test]
fn export_filters_by_batch_and_time() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::open(&dir.path().join("journal.sqlite3")).unwrap();
    runtime().block_on(async {
        for (dial, batch) in [("d1", Some("b")), ("d2", None)] {
            let Record::Intent(mut intent) = intent(dial) else {
                unreachable!()
            };
            intent.batch = batch.map(Into::into);
            intent.row = batch.map(|_| "r".into());
            journal.append(Record::Intent(intent)).await.unwrap();
            journal
                .append(placed(dial, &format!("tx-{dial}")))
                .await
                .unwrap();
            journal
                .append(Record::State(StateNote::new(
                    &format!("tx-{dial}"),
                    "ended",
                    "test",
                )))
                .await
                .unwrap();
        }
    });
    let of_b = export(
        &journal,
        &ExportFilter {
            batch: Some("b".into()),
            since_ms: None,
        },
    );
    assert_eq!(
        of_b.len(),
        3,
        "its intent, outcome and its call's state: {of_b:?}"
    );
    assert!(of_b
        .iter()
        .all(|line| !line.contains("d2") && !line.contains("tx-d2")));
    let future = ExportFilter {
        batch: None,
        since_ms: Some(chimecall_model::clock::now_ms() + 60_000),
    };
    assert!(export(&journal, &future).is_empty());
    let batches = runtime().block_on(journal.batches()).unwrap();
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].name, "b");
}

#[test]
fn concurrent_writers_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite3");
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                // Separate opens: as separate processes would.
                let journal = Journal::open(&path).unwrap();
                runtime().block_on(async {
                    for i in 0..200 {
                        journal.append(intent(&format!("t{t}-{i}"))).await.unwrap();
                        journal
                            .append(placed(&format!("t{t}-{i}"), &format!("tx{t}-{i}")))
                            .await
                            .unwrap();
                    }
                });
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let journal = Journal::open(&path).unwrap();
    let dials = runtime().block_on(journal.dials_since(None)).unwrap();
    assert_eq!(dials.len(), 800);
    assert!(dials.iter().all(|d| d.outcome == OutcomeKind::Placed));
    assert_eq!(export(&journal, &ExportFilter::default()).len(), 1600);
}

#[test]
fn a_journal_that_is_not_a_file_or_is_newer_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("journal.fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|status| status.success()), "mkfifo");
    let refused = Journal::open(&fifo).err().unwrap();
    assert_eq!(refused.exit, crate::exit::Exit::Config);
    assert!(
        refused.message.contains("journal.fifo is a FIFO"),
        "{refused}"
    );
    let refused = Journal::open(Path::new("/dev/null")).err().unwrap();
    assert!(refused.message.contains("character device"), "{refused}");

    let newer = dir.path().join("newer.sqlite3");
    drop(Journal::open(&newer).unwrap());
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    let refused = Journal::open(&newer).err().unwrap();
    assert_eq!(refused.exit, crate::exit::Exit::Config);
    assert!(
        refused.message.contains("schema version 99, newer"),
        "{refused}"
    );
}
