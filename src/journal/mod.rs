//! The durable record of every call chimecall tried to place: an append-only JSON-lines file.
//!
//! Every dial writes an `intent` record BEFORE its request is sent and an `outcome` record after
//! (placed with its TransactionId, failed, or unknown), and later `state` records when chimecall
//! learns how a call went. Each record is written with one write(2) under an exclusive file lock,
//! then fsynced, before the command reports it; several processes can append at once. Records
//! are written by one thread that commits whatever is waiting together (one fsync for many), so
//! bulk runs keep their speed. A torn last line (a crash mid-write) is reported and skipped when
//! reading, and the next writer starts on a fresh line.

mod read;
mod record;
mod write;

use std::path::{Path, PathBuf};

use crate::call::{CallPhase, Disposition};
use crate::exit::{Exit, Failure};
use crate::output::Output;

pub(crate) use read::{dials, read, Contents, DialEntry};
#[cfg(test)]
pub(crate) use record::Line;
pub(crate) use record::{
    mask_values, ErrorNote, Intent, Outcome, OutcomeKind, Record, RedialNote, StateNote,
};
pub(crate) use write::Journal;

/// Where the journal lives: $CHIMECALL_JOURNAL, else the XDG state directory.
pub(crate) fn default_path() -> Result<PathBuf, Failure> {
    if let Some(path) = std::env::var_os("CHIMECALL_JOURNAL").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let state_home = std::env::var_os("XDG_STATE_HOME")
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".local/state")))
        .ok_or_else(|| {
            Failure::new(
                Exit::Config,
                "no place for the call journal: set CHIMECALL_JOURNAL or HOME",
            )
        })?;
    Ok(state_home.join("chimecall").join("journal.jsonl"))
}

/// The journal's dials placed since `since_ms` (all of them when `None`), in the order they were
/// started; lines that cannot be read are warned about, never fatal.
pub(crate) fn load_dials(
    since_ms: Option<i64>,
    output: &Output,
) -> Result<Vec<DialEntry>, Failure> {
    let contents = read(&default_path()?)?;
    for problem in &contents.problems {
        output.note(format!("warning: {problem}"));
    }
    Ok(dials(&contents)
        .into_iter()
        .filter(|entry| match since_ms {
            None => true,
            Some(start) => entry.time_ms().is_none_or(|t| t >= start),
        })
        .collect())
}

/// Notes in the journal what following a call learned: that it was answered, or how it ended
/// (with its disposition when known). Earlier phases teach nothing worth a record.
pub(crate) async fn record_phase(
    journal: &Journal,
    transaction_id: &str,
    phase: &CallPhase,
    disposition: Option<&Disposition>,
    source: &str,
) -> Result<(), Failure> {
    let mut note = match phase {
        CallPhase::Answered => {
            let mut note = StateNote::new(transaction_id, "answered", source);
            note.answered = Some(true);
            note
        }
        CallPhase::Ended {
            answered,
            sip_response_code,
        } => {
            let mut note = StateNote::new(transaction_id, "ended", source);
            note.answered = Some(*answered);
            note.sip_response_code = sip_response_code.clone();
            note
        }
        _ => return Ok(()),
    };
    if let Some(disposition) = disposition {
        note = note.with_disposition(disposition);
    }
    journal.append(Record::State(note)).await
}

/// Notes in the journal that a call's callee pressed the acknowledgement key (`--ack`): the call
/// may go on, but its row has succeeded.
pub(crate) async fn record_acknowledged(
    journal: &Journal,
    transaction_id: &str,
    source: &str,
) -> Result<(), Failure> {
    let mut note = StateNote::new(transaction_id, "acknowledged", source);
    note.answered = Some(true);
    journal.append(Record::State(note)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

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

    #[test]
    fn records_round_trip_and_fold_into_calls() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/chimecall/journal.jsonl");
        let journal = Journal::open(&path).unwrap();
        runtime().block_on(async {
            journal.append(intent("d1")).await.unwrap();
            journal.append(placed("d1", "tx1")).await.unwrap();
            journal.append(intent("d2")).await.unwrap();
            journal
                .append(Record::State(StateNote {
                    answered: Some(true),
                    sip_response_code: Some("0".into()),
                    ..StateNote::new("tx1", "ended", "test")
                }))
                .await
                .unwrap();
        });
        let contents = read(&path).unwrap();
        assert!(contents.problems.is_empty(), "{:?}", contents.problems);
        assert_eq!(contents.lines.len(), 4);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains("\"arguments\":{\"ticket\":\"***\"}"),
            "{text}"
        );
        assert!(!text.contains("INC-1"));
        let calls = dials(&contents);
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].transaction_id.as_deref(), Some("tx1"));
        assert!(calls[0].is_ended() && !calls[0].is_active());
        assert_eq!(
            calls[1].outcome,
            OutcomeKind::Unknown,
            "an intent alone is unknown"
        );
    }

    #[test]
    fn a_torn_last_line_is_reported_and_the_next_record_starts_fresh() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let first = serde_json::to_string(&Line {
            v: 1,
            time: chimecall_model::clock::now_rfc3339_ms(),
            record: intent("d1"),
        })
        .unwrap();
        std::fs::write(&path, format!("{first}\n{{\"v\":1,\"time\":\"20")).unwrap();
        let contents = read(&path).unwrap();
        assert_eq!(contents.lines.len(), 1);
        assert_eq!(contents.problems.len(), 1);
        assert!(
            contents.problems[0].contains("incomplete"),
            "{:?}",
            contents.problems
        );

        let journal = Journal::open(&path).unwrap();
        runtime()
            .block_on(journal.append(placed("d1", "tx1")))
            .unwrap();
        let contents = read(&path).unwrap();
        assert_eq!(contents.lines.len(), 2, "{:?}", contents.problems);
        assert_eq!(
            contents.problems.len(),
            1,
            "the torn line is still reported"
        );
    }

    #[test]
    fn concurrent_writers_never_interleave() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let path = path.clone();
                std::thread::spawn(move || {
                    // Separate opens: as separate processes would.
                    let journal = Journal::open(&path).unwrap();
                    runtime().block_on(async {
                        for i in 0..200 {
                            journal.append(intent(&format!("t{t}-{i}"))).await.unwrap();
                        }
                    });
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let contents = read(&path).unwrap();
        assert!(contents.problems.is_empty(), "{:?}", contents.problems);
        assert_eq!(contents.lines.len(), 800);
    }

    #[test]
    fn a_missing_journal_is_empty() {
        let contents = read(Path::new("/nonexistent/chimecall/journal.jsonl")).unwrap();
        assert!(contents.lines.is_empty());
    }
}
