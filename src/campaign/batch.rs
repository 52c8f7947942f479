//! A run's identity and its guards: the batch a run's rows are journaled under, the lock that
//! keeps two runs of one batch apart, and the refusal to run a finished file again by accident.

use std::path::{Path, PathBuf};

use super::ledger::BatchLedger;
use crate::exit::{Exit, Failure};

/// The batch a name on the command line means: a file's absolute path when it names a file
/// (that is the default batch of `dial --file`), else the name as given.
pub(crate) fn batch_named(name: &str) -> String {
    match std::fs::canonicalize(name) {
        Ok(path) if path.is_file() => path.display().to_string(),
        _ => name.to_string(),
    }
}

/// The batch of a run: `--batch`, else the file's absolute path; rows from stdin get a new name
/// for each run (two runs of stdin are two runs, not a run and its repeat). `--again` makes the
/// name new too.
pub(crate) fn batch_name(file: &Option<PathBuf>, named: Option<&str>, again: bool) -> String {
    let base = match (named, file) {
        (Some(name), _) => name.to_string(),
        (None, None) => return format!("stdin-{}", run_stamp()),
        (None, Some(path)) => std::fs::canonicalize(path)
            .unwrap_or_else(|_| path.clone())
            .display()
            .to_string(),
    };
    if again {
        format!("{base}#{}", run_stamp())
    } else {
        base
    }
}

/// A name no other run has: the time, and a few random characters.
fn run_stamp() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    format!("{}-{}", chimecall_model::clock::now_rfc3339_ms(), &id[..6])
}

/// A run of a batch the journal already holds, without `--resume`: refused, saying what the
/// journal shows and what to do.
pub(crate) fn refuse_rerun(batch: &BatchLedger) -> Failure {
    let (first, last) = batch.span().unwrap_or_default();
    Failure::new(
        Exit::Usage,
        format!(
            "{} was dialed before: the journal shows {} dialed between {first} and {last}. \
             Nothing was dialed now. Run the same command with --resume to continue that run, or \
             with --again to dial every row anew as a new batch.",
            batch.name,
            crate::text::count(batch.rows_dialed(), "row", "rows")
        ),
    )
}

/// An exclusive lock on a file beside the journal, named for the batch, held for the run and
/// removed at its end.
pub(crate) struct BatchLock {
    path: PathBuf,
    file: Option<std::fs::File>,
}

impl Drop for BatchLock {
    fn drop(&mut self) {
        // Removed while still held: a run that opened the file before finds it locked; one that
        // opens it after makes a new one (and finds this run in the journal).
        let _ = std::fs::remove_file(&self.path);
        drop(self.file.take());
    }
}

pub(crate) fn lock_batch(journal_path: &Path, batch: &str) -> Result<BatchLock, Failure> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    batch.hash(&mut hasher);
    let path = journal_path.with_extension(format!("batch-{:016x}.lock", hasher.finish()));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Failure::new(Exit::Config, format!("cannot lock {}: {e}", path.display())))?;
    match file.try_lock() {
        Ok(()) => Ok(BatchLock {
            path,
            file: Some(file),
        }),
        Err(std::fs::TryLockError::WouldBlock) => Err(Failure::new(
            Exit::Config,
            format!(
                "another chimecall is dialing {} now (lock {}): wait for it to finish",
                crate::text::printable(batch),
                path.display()
            ),
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(Failure::new(
            Exit::Config,
            format!("cannot lock {}: {e}", path.display()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_and_again_runs_get_names_of_their_own() {
        let a = batch_name(&None, None, false);
        let b = batch_name(&None, None, false);
        assert!(a.starts_with("stdin-") && a != b, "{a} {b}");
        assert_eq!(batch_name(&None, Some("drill"), false), "drill");
        assert!(batch_name(&None, Some("drill"), true).starts_with("drill#"));
    }

    #[test]
    fn the_lock_file_goes_with_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("journal.jsonl");
        let lock = lock_batch(&journal, "b").unwrap();
        assert!(lock_batch(&journal, "b").is_err(), "one run at a time");
        let path = lock.path.clone();
        assert!(path.exists());
        drop(lock);
        assert!(!path.exists(), "removed when the run ends");
        assert!(lock_batch(&journal, "b").is_ok());
    }
}
