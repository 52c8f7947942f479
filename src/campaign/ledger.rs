//! A batch as the journal tells it: each row's attempts, how each went, and the redials decided.
//! `--resume` continues a run from it, a second run of a file is refused by it, and `report`
//! summarises it.

use std::collections::BTreeMap;

use crate::call::DispositionKind;
use crate::journal::{BatchRecords, DialEntry, RedialNote, SettledNote};

/// One batch: its rows by key.
#[derive(Debug, Default)]
pub(crate) struct BatchLedger {
    pub(crate) name: String,
    pub(crate) rows: BTreeMap<String, RowLedger>,
}

/// One row of a batch.
#[derive(Debug, Clone)]
pub(crate) struct RowLedger {
    pub(crate) key: String,
    pub(crate) line: u64,
    pub(crate) to: String,
    /// Its dials, in the order they were made.
    pub(crate) attempts: Vec<DialEntry>,
    /// A redial decided and not yet made.
    pub(crate) redial: Option<RedialNote>,
    /// Settled without a call since its last attempt: cancelled or guarded.
    pub(crate) settled: Option<SettledNote>,
}

impl BatchLedger {
    /// The batch `name` from what the journal holds of it: its dials (in the order they were
    /// started) make the rows' attempts; a redial decision not yet followed by its attempt's
    /// intent is still to be made.
    pub(crate) fn of(name: &str, records: BatchRecords) -> BatchLedger {
        let mut batch = BatchLedger {
            name: name.to_string(),
            rows: BTreeMap::new(),
        };
        for entry in records.dials {
            if entry.batch.as_deref() != Some(name) {
                continue;
            }
            let Some(row) = entry.row.clone() else {
                continue;
            };
            let row = batch.rows.entry(row.clone()).or_insert_with(|| RowLedger {
                key: row,
                line: entry.line.unwrap_or_default(),
                to: entry.to.clone(),
                attempts: Vec::new(),
                redial: None,
                settled: None,
            });
            row.attempts.push(entry);
        }
        for note in records.redials {
            if note.batch != name {
                continue;
            }
            if let Some(row) = batch.rows.get_mut(&note.row) {
                if row.attempts_made() < note.attempt {
                    row.redial = Some(note);
                }
            }
        }
        for note in records.settled {
            if note.batch == name {
                batch.settle(note);
            }
        }
        batch
    }

    /// A row settled without a call (it may never have been dialed): it stands unless an
    /// attempt was made after it.
    fn settle(&mut self, note: SettledNote) {
        let row = self
            .rows
            .entry(note.row.clone())
            .or_insert_with(|| RowLedger {
                key: note.row.clone(),
                line: note.line,
                to: note.to.clone(),
                attempts: Vec::new(),
                redial: None,
                settled: None,
            });
        if row.attempts_made() < note.attempt {
            row.redial = None;
            row.settled = Some(note);
        }
    }

    /// The rows in the order of the file.
    pub(crate) fn rows_in_order(&self) -> Vec<&RowLedger> {
        let mut rows: Vec<&RowLedger> = self.rows.values().collect();
        rows.sort_by_key(|row| (row.line, row.key.clone()));
        rows
    }

    /// When its first and last dials were made (journal times).
    pub(crate) fn span(&self) -> Option<(String, String)> {
        let mut times = self
            .rows
            .values()
            .flat_map(|row| row.attempts.iter().map(|a| a.time.clone()));
        let first = times.next()?;
        let (first, last) = times.fold((first.clone(), first), |(lo, hi), t| {
            (lo.min(t.clone()), hi.max(t))
        });
        Some((first, last))
    }

    /// How many rows have a dial that was (or may have been) placed.
    pub(crate) fn rows_dialed(&self) -> usize {
        self.rows
            .values()
            .filter(|row| !row.attempts.is_empty())
            .count()
    }
}

impl RowLedger {
    /// The row as round `round` of `--repeat` knows it: that round's attempts, and the redial
    /// or settlement that followed them.
    pub(crate) fn of_round(&self, round: u32) -> RowLedger {
        let attempts: Vec<DialEntry> = self
            .attempts
            .iter()
            .filter(|attempt| attempt.round == round)
            .cloned()
            .collect();
        let last_in_round = self.last().is_some_and(|last| last.round == round);
        RowLedger {
            key: self.key.clone(),
            line: self.line,
            to: self.to.clone(),
            attempts,
            redial: self.redial.clone().filter(|_| last_in_round),
            settled: self.settled.clone().filter(|note| note.round == round),
        }
    }

    /// The latest round of `--repeat` the row was dialed (or settled) in.
    pub(crate) fn latest_round(&self) -> u32 {
        let dialed = self.attempts.iter().map(|a| a.round).max().unwrap_or(0);
        self.settled
            .as_ref()
            .map_or(dialed, |note| note.round.max(dialed))
    }

    /// The number of the latest attempt made.
    pub(crate) fn attempts_made(&self) -> u32 {
        self.attempts.iter().map(|a| a.attempt).max().unwrap_or(0)
    }

    /// The latest attempt.
    pub(crate) fn last(&self) -> Option<&DialEntry> {
        self.attempts.iter().max_by_key(|a| a.attempt)
    }

    /// Where the row stands: a success in any attempt settles it (it is never redialed);
    /// otherwise how its latest attempt went.
    pub(crate) fn disposition(&self) -> DispositionKind {
        if let Some(success) = self
            .attempts
            .iter()
            .map(DialEntry::disposition)
            .find(|kind| kind.is_success())
        {
            return success;
        }
        if let Some(settled) = &self.settled {
            return settled.disposition;
        }
        self.last()
            .map_or(DispositionKind::NotPlaced, DialEntry::disposition)
    }

    /// The attempt that settled the row (the successful one, else the latest).
    pub(crate) fn deciding_attempt(&self) -> Option<&DialEntry> {
        self.attempts
            .iter()
            .find(|a| a.disposition().is_success())
            .or_else(|| self.last())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{dials, Intent, Line, Outcome, OutcomeKind, Record, StateNote};

    fn line(record: Record) -> Line {
        Line {
            v: 1,
            time: "2026-12-01T10:00:00.000Z".into(),
            record,
        }
    }

    fn intent(dial: &str, row: &str, attempt: u32) -> Record {
        Record::Intent(Intent {
            dial_id: dial.into(),
            sma_id: "sma".into(),
            from: "+12065550100".into(),
            to: "+12065550123".into(),
            arguments: Default::default(),
            sip_headers: Default::default(),
            request_id: None,
            batch: Some("b".into()),
            row: Some(row.into()),
            line: Some(2),
            attempt: Some(attempt),
            tier: None,
            round: None,
            repeat: false,
        })
    }

    fn placed(dial: &str, tx: &str) -> Record {
        Record::Outcome(Outcome {
            dial_id: dial.into(),
            outcome: OutcomeKind::Placed,
            transaction_id: Some(tx.into()),
            error: None,
            batch: Some("b".into()),
            row: Some("r".into()),
            resolved_by: None,
            attempt: None,
        })
    }

    fn ended(tx: &str, disposition: DispositionKind) -> Record {
        Record::State(StateNote {
            disposition: Some(disposition),
            ..StateNote::new(tx, "ended", "test")
        })
    }

    fn of_lines(lines: &[Line]) -> BatchLedger {
        let redials = lines
            .iter()
            .filter_map(|line| match &line.record {
                Record::Redial(note) => Some(note.clone()),
                _ => None,
            })
            .collect();
        BatchLedger::of(
            "b",
            BatchRecords {
                dials: dials(lines),
                redials,
                settled: Vec::new(),
            },
        )
    }

    #[test]
    fn rows_keep_their_attempts_and_pending_redials() {
        let lines = vec![
            line(intent("d1", "r", 1)),
            line(placed("d1", "t1")),
            line(ended("t1", DispositionKind::Busy)),
            line(Record::Redial(RedialNote {
                batch: "b".into(),
                row: "r".into(),
                line: 2,
                to: "+12065550123".into(),
                attempt: 2,
                not_before: "2026-12-01T10:01:00.000Z".into(),
                because: DispositionKind::Busy,
            })),
        ];
        let ledger = of_lines(&lines);
        let row = &ledger.rows["r"];
        assert_eq!(row.attempts_made(), 1);
        assert_eq!(row.disposition(), DispositionKind::Busy);
        assert_eq!(row.redial.as_ref().map(|r| r.attempt), Some(2));

        // The second attempt is made, and answered: the decision is spent, the row answered.
        let mut more = lines.clone();
        more.push(line(intent("d2", "r", 2)));
        more.push(line(placed("d2", "t2")));
        more.push(line(ended("t2", DispositionKind::Answered)));
        let ledger = of_lines(&more);
        let row = &ledger.rows["r"];
        assert_eq!(row.attempts_made(), 2);
        assert!(row.redial.is_none());
        assert_eq!(row.disposition(), DispositionKind::Answered);
        assert_eq!(
            row.deciding_attempt().unwrap().transaction_id.as_deref(),
            Some("t2")
        );
    }
}
