//! A run's outcome: the one count of what it did, kept by the run core as it decides, rendered
//! by the printer and the closing summary, and the one source of the run's exit code.

use std::collections::BTreeMap;

use super::super::job::Job;
use super::super::report::{FirstSuccess, Line, Tally};
use crate::call::DispositionKind;
use crate::exit::{Exit, Failure};

/// A dial whose outcome is unknown (a call may have been placed): the quick look after the run
/// searches the logs for it by its id.
#[derive(Debug, Clone)]
pub(crate) struct UnknownDial {
    pub(crate) dial_id: String,
    pub(crate) job: Job,
    /// When it was sent (about), epoch ms.
    pub(crate) sent_ms: i64,
}

/// Everything the run did that its exit code and summary depend on.
#[derive(Debug, Default)]
pub(crate) struct RunOutcome {
    /// The lines printed, counted.
    pub(crate) tally: Tally,
    /// Each row's final disposition (runs that follow their calls).
    pub(crate) finals: BTreeMap<DispositionKind, u64>,
    /// Rows skipped on `--resume` because their outcome is unknown.
    pub(crate) skipped_unknown: u64,
    pub(crate) interrupted: bool,
    pub(crate) unreadable_file: bool,
    /// Dials refused over the account's active-call quota (and sent again).
    pub(crate) over_quota: u64,
    /// The account stayed over its active-call quota: the run stopped (exit 4).
    pub(crate) gave_up_over_quota: bool,
    /// The journal could not be written: the run stopped (the failure's exit: 3, or 4 for a
    /// throttled table). The first failure, when known.
    pub(crate) journal_broken: bool,
    pub(crate) journal_failure: Option<super::events::JournalFailure>,
    pub(crate) unknown_dials: Vec<UnknownDial>,
    /// The first row to succeed, and when.
    pub(crate) first_success: Option<FirstSuccess>,
    /// `--until first`: a success ended the run (exit 0 whatever the other rows did).
    pub(crate) won: bool,
    /// Row attempts another runner sharing the team journal claimed first.
    pub(crate) claimed_elsewhere: u64,
}

impl RunOutcome {
    /// Counts a line as it is printed.
    pub(crate) fn count(&mut self, line: &Line) {
        self.tally.count(line);
    }

    /// The logs found the call of an unknown dial: it was placed.
    pub(crate) fn found_placed(&mut self) {
        self.tally.unknown = self.tally.unknown.saturating_sub(1);
        self.tally.placed += 1;
    }

    /// Dials, not rows: with redials one row is dialed more than once.
    pub(crate) fn dials(&self) -> u64 {
        self.tally.placed + self.tally.failed + self.tally.unknown
    }

    fn finals_of(&self, kinds: &[DispositionKind]) -> u64 {
        kinds
            .iter()
            .map(|kind| self.finals.get(kind).copied().unwrap_or(0))
            .sum()
    }

    /// The run's exit. 3 when the journal broke; 130 interrupted; 4 over the quota; 8 when a
    /// call may have been placed; 1 when rows failed (or the file could not be read); for a run
    /// that waits, 6 when calls were still live when following them stopped, and 5 when rows
    /// ended unsuccessfully after their attempts.
    pub(crate) fn exit(&self, waits: bool, batch: &str) -> Result<(), Failure> {
        let counts = ExitCounts::of(self, waits);
        if let (true, Some(failure)) = (self.journal_broken, &self.journal_failure) {
            return Err(Failure::new(
                failure.exit,
                format!(
                    "the run was stopped before any further call, the journal could not be written: {}",
                    failure.message
                ),
            ));
        }
        let exit = if self.journal_broken {
            Exit::Config
        } else if self.interrupted {
            Exit::Interrupted
        } else if self.won {
            return Ok(());
        } else if self.gave_up_over_quota {
            Exit::Throttled
        } else if counts.unknown > 0 {
            Exit::OutcomeUnknown
        } else if counts.failed > 0 || self.tally.invalid > 0 || self.unreadable_file {
            Exit::Failure
        } else if waits && counts.live > 0 {
            Exit::WaitTimedOut
        } else if waits && counts.unsuccessful > 0 {
            Exit::Unanswered
        } else {
            return Ok(());
        };
        Err(Failure::new(exit, counts.message(exit, batch)))
    }
}

/// The counts an exit is decided by.
struct ExitCounts {
    unknown: u64,
    failed: u64,
    live: u64,
    unsuccessful: u64,
}

impl ExitCounts {
    fn of(outcome: &RunOutcome, waits: bool) -> ExitCounts {
        use DispositionKind::*;
        ExitCounts {
            unknown: outcome.tally.unknown + outcome.skipped_unknown,
            // A run that does not wait has no "unsuccessful": a row it could not place failed.
            failed: if waits {
                outcome.finals_of(&[Failed])
            } else {
                outcome.finals_of(&[Failed, NotPlaced])
            },
            live: outcome.finals_of(&[Live]),
            unsuccessful: outcome.finals_of(&[
                Busy,
                NoAnswer,
                Rejected,
                NotPlaced,
                Unacknowledged,
                Guarded,
            ]),
        }
    }

    fn message(&self, exit: Exit, batch: &str) -> String {
        let one = |n: u64, single: &str, many: &str| {
            if n == 1 {
                single.to_string()
            } else {
                many.replace('#', &n.to_string())
            }
        };
        match exit {
            Exit::Config => "the journal could not be written: the run was stopped".to_string(),
            Exit::OutcomeUnknown => {
                let (u, them) = (self.unknown, one(self.unknown, "it", "them"));
                format!(
                    "{} an unknown outcome: {} have been placed; --resume skips {them} unless \
                     --retry-unknown (`chimecall resolve` settles {them})",
                    one(u, "1 call has", "# calls have"),
                    one(u, "it may", "they may"),
                )
            }
            Exit::Interrupted => {
                format!("interrupted; run the same command with --resume to finish (batch {batch})")
            }
            Exit::WaitTimedOut => format!(
                "{} still live when following {} stopped",
                one(self.live, "1 call was", "# calls were"),
                one(self.live, "it", "them"),
            ),
            Exit::Throttled => format!(
                "stopped over the account's active-call quota; run the same command with --resume \
                 to finish (batch {batch})"
            ),
            Exit::Unanswered => format!(
                "{} not end in success after {} attempts",
                one(self.unsuccessful, "1 row did", "# rows did"),
                one(self.unsuccessful, "its", "their"),
            ),
            _ => String::new(),
        }
    }
}
