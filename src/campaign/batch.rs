//! A run's identity and its guards: the batch a run's rows are journaled under, the lock that
//! keeps two runs of one batch apart, and the refusal to run a finished file again by accident.

use std::path::{Path, PathBuf};

use super::ledger::BatchLedger;
use crate::exit::{Exit, Failure};
use crate::journal::Journal;

/// The batch a name on the command line means: when it names a file, that file's batch as
/// `dial --file` names it (its absolute path; on a team journal, its name and contents), else
/// the name as given.
pub(crate) fn batch_named(name: &str, shared: bool) -> String {
    match std::fs::canonicalize(name) {
        Ok(path) if path.is_file() => file_batch(&path, shared),
        _ => name.to_string(),
    }
}

/// The batch a name on the command line means in this journal: on a team journal, a file's
/// batch by its contents, or else by its absolute path (a batch `journal copy` brought in from
/// a local journal keeps its path), whichever the journal holds; else as [`batch_named`].
pub(crate) async fn batch_in(journal: &Journal, name: &str) -> Result<String, Failure> {
    let named = batch_named(name, journal.is_shared());
    let by_path = std::fs::canonicalize(name)
        .ok()
        .filter(|path| path.is_file())
        .map(|path| path.display().to_string())
        .filter(|path| *path != named);
    match by_path {
        Some(path) if holds(journal, &path).await? && !holds(journal, &named).await? => Ok(path),
        _ => Ok(named),
    }
}

async fn holds(journal: &Journal, batch: &str) -> Result<bool, Failure> {
    let records = journal.batch(batch).await?;
    Ok(!records.dials.is_empty() || !records.settled.is_empty())
}

/// A file's batch: its absolute path; on a journal runners share, the file's name and the
/// digest of its contents, so the same list from any machine (whatever its path there) is the
/// same batch, and an edited list a new one.
fn file_batch(path: &Path, shared: bool) -> String {
    let absolute = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if !shared {
        return absolute.display().to_string();
    }
    match content_digest(&absolute) {
        Ok(digest) => format!(
            "{}@{digest}",
            absolute
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default()
        ),
        // Unreadable: the run reports why when it reads the file.
        Err(_) => absolute.display().to_string(),
    }
}

/// The first 12 bytes of the file's SHA-256, in hex.
fn content_digest(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = crate::regular_file::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    let digest = hasher.finalize();
    Ok(digest[..12].iter().map(|b| format!("{b:02x}")).collect())
}

/// The batch of a run: `--batch`, else the file's batch (`file_batch`); rows from stdin get a
/// new name for each run (two runs of stdin are two runs, not a run and its repeat). `--again`
/// makes the name new too.
pub(crate) fn batch_name(
    file: &Option<PathBuf>,
    named: Option<&str>,
    again: bool,
    shared: bool,
) -> String {
    let base = match (named, file) {
        (Some(name), _) => name.to_string(),
        (None, None) => return format!("stdin-{}", run_stamp()),
        (None, Some(path)) => file_batch(path, shared),
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
        let a = batch_name(&None, None, false, false);
        let b = batch_name(&None, None, false, false);
        assert!(a.starts_with("stdin-") && a != b, "{a} {b}");
        assert_eq!(batch_name(&None, Some("drill"), false, true), "drill");
        assert!(batch_name(&None, Some("drill"), true, false).starts_with("drill#"));
    }

    #[test]
    fn on_a_team_journal_the_same_list_anywhere_is_one_batch() {
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        let list = "to\n+12065550100\n";
        for dir in [&one, &two] {
            std::fs::write(dir.path().join("oncall.csv"), list).unwrap();
        }
        let at = |dir: &tempfile::TempDir, shared| {
            batch_name(&Some(dir.path().join("oncall.csv")), None, false, shared)
        };
        assert_eq!(at(&one, true), at(&two, true));
        assert!(
            at(&one, true).starts_with("oncall.csv@"),
            "{}",
            at(&one, true)
        );
        assert_ne!(at(&one, false), at(&two, false));
        std::fs::write(two.path().join("oncall.csv"), "to\n+12065550101\n").unwrap();
        assert_ne!(at(&one, true), at(&two, true));
        let named = one.path().join("oncall.csv");
        assert_eq!(batch_named(named.to_str().unwrap(), true), at(&one, true));
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
