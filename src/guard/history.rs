//! Where the guard's history comes from: the times of the calls to one number that count against
//! it. A call counts when its outcome is placed or unknown (a lost answer may have rung the
//! phone; an intent whose outcome never came is unknown), whatever batch it was part of, and
//! whether or not it was a deliberate repeat (`--allow-repeat`).
//!
//! The journal answers it with an indexed lookup ("dials to a number since a time"), and
//! `counted_times` keeps the calls that count.

use crate::exit::Failure;
use crate::journal::{DialEntry, Journal, OutcomeKind};

/// The times (epoch ms, in journal order) of the calls to `number` (E.164, as journaled) started
/// at or after `since_ms` that count against the guard, from the journal.
pub(crate) async fn history(
    journal: &Journal,
    number: &str,
    since_ms: i64,
) -> Result<Vec<i64>, Failure> {
    let dials = journal.dials_to(number, since_ms).await?;
    Ok(counted_times(&dials, number, since_ms))
}

/// Of `dials`, the times of those to `number` started at or after `since_ms` that count: placed
/// or unknown. A dial whose time cannot be read is left out (it cannot be placed in a window).
pub(crate) fn counted_times(dials: &[DialEntry], number: &str, since_ms: i64) -> Vec<i64> {
    dials
        .iter()
        .filter(|dial| dial.to == number && counts(dial))
        .filter_map(DialEntry::time_ms)
        .filter(|&time| time >= since_ms)
        .collect()
}

/// Placed, or perhaps placed: a failed dial (refused, throttled, never sent) rang nobody.
pub(crate) fn counts(dial: &DialEntry) -> bool {
    matches!(dial.outcome, OutcomeKind::Placed | OutcomeKind::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Intent, Journal, Outcome, Record};

    fn intent(dial_id: &str, to: &str, batch: Option<&str>) -> Record {
        Record::Intent(Intent {
            dial_id: dial_id.into(),
            sma_id: "sma".into(),
            from: "+12065550100".into(),
            to: to.into(),
            arguments: Default::default(),
            sip_headers: Default::default(),
            request_id: None,
            batch: batch.map(str::to_string),
            row: batch.map(|_| "r1".to_string()),
            line: batch.map(|_| 2),
            attempt: None,
            tier: None,
            round: None,
            repeat: false,
        })
    }

    fn outcome(dial_id: &str, kind: OutcomeKind) -> Record {
        Record::Outcome(Outcome {
            dial_id: dial_id.into(),
            outcome: kind,
            transaction_id: (kind == OutcomeKind::Placed).then(|| format!("tx-{dial_id}")),
            error: None,
            batch: None,
            row: None,
            resolved_by: None,
            attempt: None,
        })
    }

    #[test]
    fn placed_and_unknown_dials_to_the_number_count_in_any_batch() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.sqlite3");
        let journal = Journal::open(&path).unwrap();
        let before = chimecall_model::clock::now_ms();
        let number = "+12065550123";
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                let records = [
                    intent("placed", number, None),
                    outcome("placed", OutcomeKind::Placed),
                    intent("in-a-batch", number, Some("/runs/a.csv")),
                    outcome("in-a-batch", OutcomeKind::Placed),
                    intent("lost", number, None),
                    outcome("lost", OutcomeKind::Unknown),
                    intent("refused", number, None),
                    outcome("refused", OutcomeKind::Failed),
                    intent("other-number", "+12065550199", None),
                    outcome("other-number", OutcomeKind::Placed),
                    // The process died before the outcome: it may have rung.
                    intent("no-outcome", number, None),
                ];
                for record in records {
                    journal.append(record).await.unwrap();
                }
                let times = history(&journal, number, before - 1000).await.unwrap();
                assert_eq!(times.len(), 4, "{times:?}");
                assert!(times.iter().all(|&t| t >= before - 1000));
                // Nothing since a time after them all; a new journal has nothing.
                let later = chimecall_model::clock::now_ms() + 1000;
                assert!(history(&journal, number, later).await.unwrap().is_empty());
                let empty = Journal::open(&dir.path().join("none.sqlite3")).unwrap();
                assert!(history(&empty, number, 0).await.unwrap().is_empty());
            });
    }
}
