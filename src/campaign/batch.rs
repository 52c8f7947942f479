//! A run's identity and its guard: the batch a file's rows are journaled under, the lock that
//! keeps two runs of one file apart, and what the journal already says of each row (--resume).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::exit::{Exit, Failure};
use crate::journal::{self, OutcomeKind};
use crate::output::Output;

/// The journal's word on each row of this file, for --resume.
/// What the journal says of one row key: its most telling outcome, and where it called.
#[derive(Debug, Clone)]
pub(crate) struct Known {
    pub(crate) outcome: OutcomeKind,
    pub(crate) to: String,
}

pub(crate) fn resume_index(
    journal_path: &Path,
    batch: &str,
    output: &Output,
) -> Result<HashMap<String, Known>, Failure> {
    let contents = journal::read(journal_path)?;
    for problem in &contents.problems {
        output.note(format!("warning: {problem}"));
    }
    let mut index = HashMap::new();
    for entry in journal::dials(&contents) {
        if entry.batch.as_deref() != Some(batch) {
            continue;
        }
        let Some(row) = entry.row else { continue };
        // The most telling outcome wins: a placed call over an unknown one over a failed one.
        let rank = |kind: &OutcomeKind| match kind {
            OutcomeKind::Placed => 2,
            OutcomeKind::Unknown => 1,
            OutcomeKind::Failed => 0,
        };
        let slot = index.entry(row).or_insert(Known {
            outcome: entry.outcome,
            to: entry.to.clone(),
        });
        if rank(&entry.outcome) > rank(&slot.outcome) {
            slot.outcome = entry.outcome;
        }
    }
    Ok(index)
}

/// An exclusive lock on a file beside the journal, named for the batch, held for the run.
pub(crate) fn lock_batch(journal_path: &Path, batch: &str) -> Result<std::fs::File, Failure> {
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
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Failure::new(
            Exit::Config,
            format!(
                "another chimecall is dialing {batch} now (lock {}): wait for it to finish",
                path.display()
            ),
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(Failure::new(
            Exit::Config,
            format!("cannot lock {}: {e}", path.display()),
        )),
    }
}

/// The batch a name on the command line means: a file's absolute path when it names a file
/// (that is the default batch of `dial --file`), else the name as given.
pub(crate) fn batch_named(name: &str) -> String {
    match std::fs::canonicalize(name) {
        Ok(path) if path.is_file() => path.display().to_string(),
        _ => name.to_string(),
    }
}

pub(crate) fn batch_name(file: &Option<PathBuf>) -> String {
    match file {
        None => "-".to_string(),
        Some(path) => std::fs::canonicalize(path)
            .unwrap_or_else(|_| path.clone())
            .display()
            .to_string(),
    }
}
