//! Bad journal records and input lines: each reported and skipped, so that one of them never
//! stops a command from serving the rest. The journal is a file anyone can edit, and stdin is
//! whatever a pipe gives: a TransactionId with a control character, or one of 70 KB, must not
//! leave every other call up. A command that skipped any ends with [`Exit::Skipped`] after doing
//! the rest (another failure's code wins).

use chimecall_model::rules::{self, quoted};

use crate::exit::{Exit, Failure};
use crate::journal::DialEntry;
use crate::output::Output;

/// What is wrong with the ids of one dial's journal record, if anything: the SIP media
/// application id and TransactionId (sent in requests' paths), the dial id (a request id in the
/// handler's logs).
pub(crate) fn problem_of(entry: &DialEntry) -> Option<String> {
    id_problem("SipMediaApplicationId", &entry.sma_id)
        .or_else(|| {
            entry
                .transaction_id
                .as_deref()
                .and_then(|id| id_problem("TransactionId", id))
        })
        .or_else(|| id_problem("dial_id", &entry.dial_id))
}

/// What is wrong with one id (the model's rule for ids in a request's path, its length
/// included), said with at most a short escaped prefix of it.
pub(crate) fn id_problem(field: &str, id: &str) -> Option<String> {
    rules::check_path_id(field, id)
        .err()
        .map(|violation| format!("{field} {}", violation.problem))
}

/// The bad records and lines one command met.
#[derive(Debug, Default)]
pub(crate) struct Skipped {
    records: usize,
    lines: usize,
}

impl Skipped {
    /// The dials whose records are good; each bad one is reported (its dial id and what is
    /// wrong) and counted.
    pub(crate) fn good_dials(
        &mut self,
        entries: Vec<DialEntry>,
        output: &Output,
    ) -> Vec<DialEntry> {
        entries
            .into_iter()
            .filter(|entry| match problem_of(entry) {
                None => true,
                Some(problem) => {
                    self.records += 1;
                    output.note(format!(
                        "warning: the journal record of dial {} is skipped: {problem}",
                        quoted(&entry.dial_id)
                    ));
                    false
                }
            })
            .collect()
    }

    /// Reports and counts one bad input line.
    pub(crate) fn bad_line(&mut self, source: &str, number: u64, problem: &str, output: &Output) {
        self.lines += 1;
        output.note(format!(
            "warning: {source} line {number} is skipped: {problem}"
        ));
    }

    pub(crate) fn any(&self) -> bool {
        self.records + self.lines > 0
    }

    /// The command's result once it has done the rest: its own failure first, else
    /// [`Exit::Skipped`] when anything was skipped.
    pub(crate) fn after(&self, result: anyhow::Result<()>) -> anyhow::Result<()> {
        result?;
        if !self.any() {
            return Ok(());
        }
        let mut parts = Vec::new();
        if self.records > 0 {
            parts.push(count(self.records, "bad journal record"));
        }
        if self.lines > 0 {
            parts.push(count(self.lines, "bad input line"));
        }
        Err(Failure::new(
            Exit::Skipped,
            format!(
                "{} skipped (see above); everything else was done",
                parts.join(" and ")
            ),
        )
        .into())
    }
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_with_controls_slashes_or_too_long_are_bad_and_quoted_short() {
        assert_eq!(id_problem("TransactionId", "5e2a9c3e-7d1b-4c8a"), None);
        let control = id_problem("TransactionId", "tx\u{1b}[2J").unwrap();
        assert!(control.contains("TransactionId"), "{control}");
        assert!(!control.contains('\u{1b}'), "{control}");
        assert!(id_problem("SipMediaApplicationId", "a/b").is_some());
        assert!(id_problem("dial_id", " ").is_some());
        let long = id_problem("TransactionId", &"x".repeat(70_000)).unwrap();
        assert!(long.len() < 200, "{long}");
        assert!(long.contains("70000 characters"), "{long}");
    }

    #[test]
    fn a_skip_is_exit_9_unless_something_else_failed() {
        let mut skipped = Skipped::default();
        assert!(skipped.after(Ok(())).is_ok());
        skipped.lines = 1;
        skipped.records = 2;
        let error = skipped.after(Ok(())).unwrap_err();
        assert_eq!(crate::exit::exit_for(&error), Exit::Skipped);
        assert!(error
            .to_string()
            .contains("2 bad journal records and 1 bad input line"));
        let other = skipped
            .after(Err(Failure::new(Exit::NotFound, "gone").into()))
            .unwrap_err();
        assert_eq!(crate::exit::exit_for(&other), Exit::NotFound);
    }
}
