//! Where the local journal is: the database file a path means, and a JSON-lines journal (the
//! format before SQLite) to import into it once.
//!
//! `CHIMECALL_JOURNAL` names the journal file. A SQLite database there (or nothing, or an empty
//! file) is the journal. A file of JSON lines there is an old journal: it is imported once into
//! `<path>.sqlite3`, which is used from then on, and left as it is. The default is
//! `journal.sqlite3` in the XDG state directory; when it does not exist yet and a
//! `journal.jsonl` is beside it, that is imported. Whatever is at a path must be a regular
//! file: a FIFO would block and a device would never end.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::exit::{Exit, Failure};
use crate::regular_file;

/// The 16 bytes every SQLite database starts with.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";
/// The default journal's file name, and the JSON-lines one it replaced.
pub(crate) const DEFAULT_NAME: &str = "journal.sqlite3";
const OLD_DEFAULT_NAME: &str = "journal.jsonl";

/// Where the journal is: a file on this machine (the default), or a DynamoDB table a team
/// shares (`dynamodb:TABLE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JournalLocation {
    Local(PathBuf),
    Team { table: String },
}

/// The longest journal path taken (Linux's PATH_MAX).
const MAX_PATH_BYTES: usize = 4096;

/// What names a team journal: `dynamodb:` and the table's name.
pub(crate) const TEAM_PREFIX: &str = "dynamodb:";

impl JournalLocation {
    /// What a `--journal` value (or CHIMECALL_JOURNAL, or `chimecall_journal`) means: a table
    /// after `dynamodb:`, checked against DynamoDB's rules for names, else a file path.
    pub(crate) fn parse(text: &str, source: &str) -> Result<JournalLocation, Failure> {
        let Some(table) = text.strip_prefix(TEAM_PREFIX) else {
            if text.is_empty() {
                return Err(Failure::usage(format!("{source}: an empty journal path")));
            }
            // Longer than any path the system opens (PATH_MAX): refused with a short quote.
            if text.len() > MAX_PATH_BYTES {
                return Err(Failure::usage(format!(
                    "{source} {}: a path is at most {MAX_PATH_BYTES} bytes",
                    chimecall_model::rules::quoted(text)
                )));
            }
            return Ok(JournalLocation::Local(PathBuf::from(text)));
        };
        let fits = (3..=255).contains(&table.len())
            && table
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if !fits {
            return Err(Failure::usage(format!(
                "{source} {}: a DynamoDB table's name is 3 to 255 characters of a-z, A-Z, 0-9, \
                 '_', '-' and '.'",
                chimecall_model::rules::quoted(text)
            )));
        }
        Ok(JournalLocation::Team {
            table: table.to_string(),
        })
    }
}

impl std::fmt::Display for JournalLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JournalLocation::Local(path) => write!(f, "{}", path.display()),
            JournalLocation::Team { table } => write!(f, "{TEAM_PREFIX}{table}"),
        }
    }
}

/// What a journal path resolves to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Location {
    /// The SQLite database.
    pub(crate) database: PathBuf,
    /// A JSON-lines journal to import into it, unless that was done before.
    pub(crate) import: Option<PathBuf>,
}

/// The journal's path: $CHIMECALL_JOURNAL, else the XDG state directory's `journal.sqlite3`.
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
    Ok(state_home.join("chimecall").join(DEFAULT_NAME))
}

/// What `path` means: checked (each file that exists must be a regular file), not opened.
pub(crate) fn resolve(path: &Path) -> Result<Location, Failure> {
    match what_is_at(path)? {
        Found::Nothing => {
            // A new default journal starts as the import of the JSON-lines one beside it.
            let old = (path.file_name() == Some(DEFAULT_NAME.as_ref()))
                .then(|| path.with_file_name(OLD_DEFAULT_NAME))
                .filter(|old| old.exists());
            if let Some(old) = &old {
                what_is_at(old)?;
            }
            Ok(Location {
                database: path.to_path_buf(),
                import: old,
            })
        }
        Found::Database => Ok(Location {
            database: path.to_path_buf(),
            import: None,
        }),
        Found::JsonLines => {
            let database = beside(path);
            if what_is_at(&database)? == Found::JsonLines {
                return Err(Failure::new(
                    Exit::Config,
                    format!(
                        "the call journal {} is not a SQLite database (its JSON lines are imported there)",
                        database.display()
                    ),
                ));
            }
            Ok(Location {
                database,
                import: Some(path.to_path_buf()),
            })
        }
    }
}

/// The database a JSON-lines journal is imported into: `<path>.sqlite3`.
pub(crate) fn beside(path: &Path) -> PathBuf {
    let mut name = OsString::from(path.as_os_str());
    name.push(".sqlite3");
    PathBuf::from(name)
}

#[derive(Debug, PartialEq)]
enum Found {
    Nothing,
    /// A SQLite database, or an empty file (SQLite makes it one).
    Database,
    /// Anything else in a regular file: read as JSON lines.
    JsonLines,
}

fn what_is_at(path: &Path) -> Result<Found, Failure> {
    let refuse = |why: String| {
        Failure::new(
            Exit::Config,
            format!("the call journal {} {why}", path.display()),
        )
    };
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(e) => return Err(refuse(format!("cannot be read: {e}"))),
    };
    if !metadata.is_file() {
        return Err(refuse(format!(
            "is {}, not a regular file",
            regular_file::kind_of(&metadata.file_type())
        )));
    }
    if metadata.len() == 0 {
        return Ok(Found::Database);
    }
    let mut header = Vec::with_capacity(SQLITE_HEADER.len());
    regular_file::open(path)
        .and_then(|file: File| {
            file.take(SQLITE_HEADER.len() as u64)
                .read_to_end(&mut header)
        })
        .map_err(|e| refuse(format!("cannot be read: {e}")))?;
    Ok(if header == SQLITE_HEADER {
        Found::Database
    } else {
        Found::JsonLines
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_is_a_table_after_dynamodb_or_else_a_path() {
        assert_eq!(
            JournalLocation::parse("dynamodb:oncall-calls", "--journal").unwrap(),
            JournalLocation::Team {
                table: "oncall-calls".into()
            }
        );
        assert_eq!(
            JournalLocation::parse("calls.sqlite3", "--journal").unwrap(),
            JournalLocation::Local(PathBuf::from("calls.sqlite3"))
        );
        for bad in ["dynamodb:", "dynamodb:ab", "dynamodb:a/b", "dynamodb:a b c"] {
            let message = JournalLocation::parse(bad, "CHIMECALL_JOURNAL")
                .unwrap_err()
                .to_string();
            assert!(message.starts_with("CHIMECALL_JOURNAL"), "{message}");
        }
        assert!(JournalLocation::parse(&format!("dynamodb:{}", "t".repeat(256)), "x").is_err());
        let message = JournalLocation::parse(&"a".repeat(70_000), "--journal")
            .unwrap_err()
            .to_string();
        assert!(message.len() < 300, "{}", message.len());
    }

    #[test]
    fn a_path_means_a_database_or_an_old_journal_to_import() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("mine.db");
        assert_eq!(
            resolve(&new).unwrap(),
            Location {
                database: new.clone(),
                import: None
            }
        );
        let old = dir.path().join("old.jsonl");
        std::fs::write(&old, "{\"v\":1}\n").unwrap();
        assert_eq!(
            resolve(&old).unwrap(),
            Location {
                database: dir.path().join("old.jsonl.sqlite3"),
                import: Some(old.clone())
            }
        );
        let default = dir.path().join(DEFAULT_NAME);
        std::fs::write(dir.path().join(OLD_DEFAULT_NAME), "").unwrap();
        assert_eq!(
            resolve(&default).unwrap().import,
            Some(dir.path().join(OLD_DEFAULT_NAME))
        );
        std::fs::write(&default, b"SQLite format 3\0rest").unwrap();
        assert_eq!(resolve(&default).unwrap().import, None);
    }

    #[test]
    fn a_fifo_or_a_device_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("journal.fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|status| status.success()), "mkfifo");
        let message = resolve(&fifo).unwrap_err().to_string();
        assert!(
            message.contains("journal.fifo") && message.contains("a FIFO"),
            "{message}"
        );
        let message = resolve(Path::new("/dev/zero")).unwrap_err().to_string();
        assert!(
            message.contains("/dev/zero is a character device"),
            "{message}"
        );
    }
}
