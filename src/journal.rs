//! The durable record of every call chimecall tried to place: an append-only JSON-lines file.
//!
//! Every dial writes an `intent` record BEFORE its request is sent and an `outcome` record after
//! (placed with its TransactionId, failed, or unknown), and later `state` records when chimecall
//! learns how a call went. Each record is written with one write(2) under an exclusive file lock,
//! then fsynced, before the command reports it; several processes can append at once. Records
//! are written by one thread that commits whatever is waiting together (one fsync for many), so
//! bulk runs keep their speed. A torn last line (a crash mid-write) is reported and skipped when
//! reading, and the next writer starts on a fresh line.

use std::collections::{BTreeMap, HashMap};
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc as std_mpsc;

use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use crate::exit::{Exit, Failure};

/// The journal format's version, in every record's `v`.
pub const FORMAT_VERSION: u32 = 1;
/// What argument and SIP header values are replaced with (the model marks them sensitive).
pub const MASK: &str = "***";

/// Where the journal lives: $CHIMECALL_JOURNAL, else the XDG state directory.
pub fn default_path() -> Result<PathBuf, Failure> {
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

/// One line of the journal.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Line {
    pub v: u32,
    /// RFC 3339 UTC, milliseconds.
    pub time: String,
    #[serde(flatten)]
    pub record: Record,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    Intent(Intent),
    Outcome(Outcome),
    State(StateNote),
}

/// Written before CreateSipMediaApplicationCall is sent.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Intent {
    /// Links the intent to its outcome; unique per dial.
    pub dial_id: String,
    pub sma_id: String,
    pub from: String,
    pub to: String,
    /// Keys as sent, values masked.
    #[serde(default)]
    pub arguments: BTreeMap<String, String>,
    #[serde(default)]
    pub sip_headers: BTreeMap<String, String>,
    /// The client request id sent in the ArgumentsMap (`chimecall-request-id`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Bulk runs: the file (absolute path, or `-` for stdin) and the row key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// The service answered with a TransactionId.
    Placed,
    /// The service refused it, or it was never sent: no call was placed.
    Failed,
    /// Sent, and no usable answer: a call may have been placed.
    Unknown,
}

/// Written once the dial's result is known.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Outcome {
    pub dial_id: String,
    pub outcome: OutcomeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorNote>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<String>,
    /// Set when `resolve` (or dial itself) settled an unknown outcome: "logs".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_by: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ErrorNote {
    pub code: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
    pub exit_code: i32,
}

/// What chimecall learned about a call after placing it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StateNote {
    pub transaction_id: String,
    /// "answered", "ended", or "hangup_requested".
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answered: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sip_response_code: Option<String>,
    /// The command that learned it.
    pub source: String,
}

pub fn mask_values(map: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    map.keys().map(|k| (k.clone(), MASK.to_string())).collect()
}

pub fn rfc3339_from_ms(timestamp_ms: i64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(timestamp_ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_else(now_rfc3339)
}

pub fn now_rfc3339() -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::now_utc()
        .format(format)
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

struct WriteRequest {
    line: Vec<u8>,
    done: oneshot::Sender<io::Result<()>>,
}

/// An open journal. Cloning shares the one writer thread.
#[derive(Clone)]
pub struct Journal {
    path: PathBuf,
    sender: std_mpsc::Sender<WriteRequest>,
}

impl Journal {
    /// Opens (creating it and its directory if needed) the journal at `path`.
    pub fn open(path: &Path) -> Result<Journal, Failure> {
        let cannot = |e: io::Error| {
            Failure::new(
                Exit::Config,
                format!("cannot open the call journal {}: {e}", path.display()),
            )
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(cannot)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(cannot)?;
        let (sender, receiver) = std_mpsc::channel();
        std::thread::Builder::new()
            .name("chimecall-journal".into())
            .spawn(move || write_loop(file, receiver))
            .map_err(cannot)?;
        Ok(Journal {
            path: path.to_path_buf(),
            sender,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record; returns once it is on disk (fsynced).
    pub async fn append(&self, record: Record) -> Result<(), Failure> {
        let line = Line {
            v: FORMAT_VERSION,
            time: now_rfc3339(),
            record,
        };
        let mut bytes = serde_json::to_vec(&line).map_err(|e| {
            Failure::new(
                Exit::Failure,
                format!("cannot encode a journal record: {e}"),
            )
        })?;
        bytes.push(b'\n');
        let (done, written) = oneshot::channel();
        let failed = |e: String| {
            Failure::new(
                Exit::Config,
                format!("cannot write the call journal {}: {e}", self.path.display()),
            )
        };
        self.sender
            .send(WriteRequest { line: bytes, done })
            .map_err(|_| failed("its writer stopped".into()))?;
        match written.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(failed(e.to_string())),
            Err(_) => Err(failed("its writer stopped".into())),
        }
    }
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// The writer thread: takes everything waiting, writes it as one block under the lock, fsyncs,
/// then acknowledges each record.
fn write_loop(mut file: File, receiver: std_mpsc::Receiver<WriteRequest>) {
    while let Ok(first) = receiver.recv() {
        let mut batch = vec![first];
        while let Ok(more) = receiver.try_recv() {
            batch.push(more);
            if batch.len() >= 4096 {
                break;
            }
        }
        let mut block = Vec::with_capacity(batch.iter().map(|r| r.line.len()).sum::<usize>() + 1);
        for request in &batch {
            block.extend_from_slice(&request.line);
        }
        let result = commit(&mut file, &block);
        for request in batch {
            let _ = request.done.send(match &result {
                Ok(()) => Ok(()),
                Err(e) => Err(io::Error::new(e.kind(), e.to_string())),
            });
        }
    }
}

fn commit(file: &mut File, block: &[u8]) -> io::Result<()> {
    file.lock()?;
    let result = (|| {
        // A torn last line (a crash mid-write, in any process) must not swallow our first record.
        if !ends_with_newline(file)? {
            file.write_all(b"\n")?;
        }
        file.write_all(block)?;
        file.sync_data()
    })();
    let unlocked = file.unlock();
    result.and(unlocked)
}

fn ends_with_newline(file: &mut File) -> io::Result<bool> {
    let length = file.metadata()?.len();
    if length == 0 {
        return Ok(true);
    }
    file.seek(SeekFrom::Start(length - 1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/// What was read: the records in order, and lines that could not be read (reported, not fatal).
#[derive(Debug, Default)]
pub struct Contents {
    pub lines: Vec<Line>,
    pub problems: Vec<String>,
}

/// Reads the whole journal; a missing file is an empty journal.
pub fn read(path: &Path) -> Result<Contents, Failure> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Contents::default()),
        Err(e) => {
            return Err(Failure::new(
                Exit::Config,
                format!("cannot read the call journal {}: {e}", path.display()),
            ))
        }
    };
    let mut reader = BufReader::new(file);
    let mut contents = Contents::default();
    let mut buffer = Vec::new();
    let mut number = 0u64;
    loop {
        buffer.clear();
        let read = reader.read_until(b'\n', &mut buffer).map_err(|e| {
            Failure::new(
                Exit::Config,
                format!("cannot read the call journal {}: {e}", path.display()),
            )
        })?;
        if read == 0 {
            break;
        }
        number += 1;
        let complete = buffer.last() == Some(&b'\n');
        let text = String::from_utf8_lossy(&buffer);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        match serde_json::from_str::<Line>(text) {
            Ok(line) => contents.lines.push(line),
            Err(_) if !complete => contents.problems.push(format!(
                "{}: line {number} is incomplete (a write was cut short); it is ignored",
                path.display()
            )),
            Err(e) => contents.problems.push(format!(
                "{}: line {number} is not a journal record ({e}); it is ignored",
                path.display()
            )),
        }
    }
    Ok(contents)
}

/// One dial, as the journal knows it.
#[derive(Debug, Clone, Serialize)]
pub struct CallEntry {
    pub dial_id: String,
    pub time: String,
    pub sma_id: String,
    pub from: String,
    pub to: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// "placed", "failed", "unknown"; an intent with no outcome (the process died) is "unknown".
    pub outcome: OutcomeKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorNote>,
    /// The last state chimecall learned ("answered", "ended", "hangup_requested"), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered: Option<bool>,
}

impl CallEntry {
    pub fn is_ended(&self) -> bool {
        self.state.as_deref() == Some("ended")
    }

    /// Placed, and not known to have ended.
    pub fn is_active(&self) -> bool {
        self.outcome == OutcomeKind::Placed && !self.is_ended()
    }
}

/// Every dial in the journal, in the order they were started.
pub fn calls(contents: &Contents) -> Vec<CallEntry> {
    let mut entries: Vec<CallEntry> = Vec::new();
    let mut by_dial: HashMap<String, usize> = HashMap::new();
    let mut by_transaction: HashMap<String, usize> = HashMap::new();
    for line in &contents.lines {
        match &line.record {
            Record::Intent(intent) => {
                by_dial.insert(intent.dial_id.clone(), entries.len());
                entries.push(CallEntry {
                    dial_id: intent.dial_id.clone(),
                    time: line.time.clone(),
                    sma_id: intent.sma_id.clone(),
                    from: intent.from.clone(),
                    to: intent.to.clone(),
                    request_id: intent.request_id.clone(),
                    batch: intent.batch.clone(),
                    row: intent.row.clone(),
                    line: intent.line,
                    outcome: OutcomeKind::Unknown,
                    transaction_id: None,
                    error: None,
                    state: None,
                    answered: None,
                });
            }
            Record::Outcome(outcome) => {
                if let Some(&index) = by_dial.get(&outcome.dial_id) {
                    let entry = &mut entries[index];
                    entry.outcome = outcome.outcome;
                    entry.transaction_id = outcome.transaction_id.clone();
                    entry.error = outcome.error.clone();
                    if let Some(id) = &outcome.transaction_id {
                        by_transaction.insert(id.clone(), index);
                    }
                }
            }
            Record::State(note) => {
                if let Some(&index) = by_transaction.get(&note.transaction_id) {
                    let entry = &mut entries[index];
                    // An ended call stays ended whatever arrives later.
                    if !entry.is_ended() {
                        entry.state = Some(note.state.clone());
                    }
                    if note.answered.is_some() {
                        entry.answered = note.answered;
                    }
                }
            }
        }
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

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
                    transaction_id: "tx1".into(),
                    state: "ended".into(),
                    answered: Some(true),
                    sip_response_code: Some("0".into()),
                    source: "test".into(),
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
        let calls = calls(&contents);
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
            time: now_rfc3339(),
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
