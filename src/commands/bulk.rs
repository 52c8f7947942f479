//! `chimecall dial --file`: one call per CSV row, at an exact rate, with bounded concurrency,
//! progress, a journal record for every request, Ctrl-C that loses nothing, and `--resume`.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use serde::Serialize;
use tokio::sync::{mpsc, Semaphore};

use crate::aws;
use crate::commands::placing::{self, DialResult, PlaceError, RowRef, SendOptions, ThrottlePolicy};
use crate::exit::{Exit, Failure};
use crate::journal::{self, ErrorNote, Journal, OutcomeKind};
use crate::output::Output;
use crate::pacing::Pacer;
use crate::rows::{Row, RowDefaults, RowReader};

/// A throttled row is tried again this many times before it counts as failed.
const MAX_THROTTLED_ATTEMPTS: u32 = 8;
/// Plain progress lines (stderr not a terminal) come this often.
const PLAIN_PROGRESS_EVERY: Duration = Duration::from_secs(5);

pub struct BulkOptions {
    /// A file, or `None` for stdin (`--file -`).
    pub file: Option<PathBuf>,
    pub defaults: RowDefaults,
    pub rate: f64,
    pub concurrency: usize,
    pub resume: bool,
    pub retry_unknown: bool,
    pub strict: bool,
    /// Send each row's dial id in its ArgumentsMap (`chimecall-request-id`).
    pub request_id: bool,
}

/// One row's result on stdout.
#[derive(Debug, Serialize)]
pub struct RowReport {
    pub row: String,
    pub line: u64,
    pub to: Option<String>,
    /// placed, failed, unknown, or invalid (never sent).
    pub outcome: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorNote>,
    /// Set on a second report for a row whose unknown outcome the handler's logs settled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_by: Option<&'static str>,
}

impl fmt::Display for RowReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let detail = match (&self.transaction_id, &self.error) {
            (Some(id), _) => id.clone(),
            (None, Some(error)) => match &error.code {
                Some(code) => format!("{code}: {}", one_line(&error.message)),
                None => one_line(&error.message),
            },
            (None, None) => String::new(),
        };
        write!(
            f,
            "{}\t{}\t{}\t{}",
            self.row,
            self.to.as_deref().unwrap_or(""),
            self.outcome,
            detail
        )
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    placed: u64,
    failed: u64,
    unknown: u64,
    invalid: u64,
    skipped: u64,
}

impl Tally {
    fn done(&self) -> u64 {
        self.placed + self.failed + self.unknown + self.invalid
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} placed, {} failed, {} unknown, {} invalid",
            self.placed, self.failed, self.unknown, self.invalid
        )?;
        if self.skipped > 0 {
            write!(f, ", {} skipped (already in the journal)", self.skipped)?;
        }
        Ok(())
    }
}

/// The journal's word on each row of this file, for --resume.
/// What the journal says of one row key: its most telling outcome, and where it called.
#[derive(Debug, Clone)]
struct Known {
    outcome: OutcomeKind,
    to: String,
}

fn resume_index(
    journal_path: &Path,
    batch: &str,
    output: &Output,
) -> Result<HashMap<String, Known>, Failure> {
    let contents = journal::read(journal_path)?;
    for problem in &contents.problems {
        output.note(format!("warning: {problem}"));
    }
    let mut index = HashMap::new();
    for entry in journal::calls(&contents) {
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
fn lock_batch(journal_path: &Path, batch: &str) -> Result<std::fs::File, Failure> {
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

fn batch_name(file: &Option<PathBuf>) -> String {
    match file {
        None => "-".to_string(),
        Some(path) => std::fs::canonicalize(path)
            .unwrap_or_else(|_| path.clone())
            .display()
            .to_string(),
    }
}

/// Opens the rows' source. Stdin under --strict is spooled to a temporary file so it can be read twice.
fn open_source(
    options: &BulkOptions,
) -> Result<(Box<dyn Read + Send>, Option<tempfile::NamedTempFile>), Failure> {
    let cannot = |what: &str, e: std::io::Error| Failure::usage(format!("cannot read {what}: {e}"));
    match &options.file {
        Some(path) => {
            let mut file =
                std::fs::File::open(path).map_err(|e| cannot(&path.display().to_string(), e))?;
            let regular = file.metadata().map(|m| m.is_file()).unwrap_or(false);
            if options.strict && !regular {
                // A pipe (`<(...)`) cannot be read twice: spool it, like stdin.
                let mut spool = tempfile::NamedTempFile::new().map_err(|e| cannot("a pipe", e))?;
                std::io::copy(&mut file, &mut spool).map_err(|e| cannot("a pipe", e))?;
                let reopened = spool.reopen().map_err(|e| cannot("a pipe", e))?;
                return Ok((Box::new(std::io::BufReader::new(reopened)), Some(spool)));
            }
            Ok((Box::new(std::io::BufReader::new(file)), None))
        }
        None if options.strict => {
            let mut spool = tempfile::NamedTempFile::new().map_err(|e| cannot("stdin", e))?;
            std::io::copy(&mut std::io::stdin().lock(), &mut spool)
                .map_err(|e| cannot("stdin", e))?;
            let reopened = spool.reopen().map_err(|e| cannot("stdin", e))?;
            Ok((Box::new(std::io::BufReader::new(reopened)), Some(spool)))
        }
        None => Ok((Box::new(std::io::BufReader::new(std::io::stdin())), None)),
    }
}

/// --strict: every row is checked before anything is dialed; any bad row stops the run (exit 2).
/// The request id takes an ArgumentsMap entry: a row that leaves no room for it is invalid.
fn needing_room_for_request_id(row: Row, request_id: bool) -> Row {
    match row {
        Row::Valid { line, key, call } if request_id => match call.check_room_for_request_id() {
            Ok(()) => Row::Valid { line, key, call },
            Err(problem) => Row::Invalid {
                line,
                key,
                to: Some(call.to),
                problem: format!("line {line}: arg. columns: {problem}"),
            },
        },
        row => row,
    }
}

fn check_all_rows(
    source: Box<dyn Read + Send>,
    defaults: &RowDefaults,
    request_id: bool,
    output: &Output,
) -> Result<u64, Failure> {
    let mut reader = RowReader::new(source, defaults.clone())?;
    let mut bad = 0u64;
    let mut rows = 0u64;
    while let Some(row) = reader.next_row() {
        rows += 1;
        if let Row::Invalid { problem, .. } = needing_room_for_request_id(row?, request_id) {
            bad += 1;
            output.error(problem);
        }
    }
    if bad > 0 {
        return Err(Failure::usage(format!(
            "--strict: {bad} of {rows} rows are invalid; nothing was dialed"
        )));
    }
    Ok(rows)
}

pub async fn run(
    options: BulkOptions,
    journal: Journal,
    config: &SdkConfig,
    output: &Output,
) -> anyhow::Result<()> {
    // From here a Ctrl-C stops new calls; it never cuts one in flight.
    let stop_watch = crate::signals::StopWatch::start();
    let batch = batch_name(&options.file);
    // One run per file at a time: two runs of one file would each dial every row.
    let _batch_lock = lock_batch(journal.path(), &batch)?;
    let (source, spool) = open_source(&options)?;
    let source = if options.strict {
        let rows = check_all_rows(source, &options.defaults, options.request_id, output)?;
        output.note(format!("--strict: all {rows} rows are valid"));
        match (&options.file, &spool) {
            (_, Some(spool)) => {
                Box::new(std::io::BufReader::new(spool.reopen().map_err(|e| {
                    Failure::usage(format!("cannot read the spooled rows: {e}"))
                })?)) as Box<dyn Read + Send>
            }
            (Some(path), None) => Box::new(std::io::BufReader::new(
                std::fs::File::open(path)
                    .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?,
            )) as Box<dyn Read + Send>,
            (None, None) => unreachable!("stdin under --strict is spooled"),
        }
    } else {
        source
    };
    let mut reader = RowReader::new(source, options.defaults.clone())?;
    let already = if options.resume {
        resume_index(journal.path(), &batch, output)?
    } else {
        HashMap::new()
    };

    let client = aws::voice_client(config);
    let pacer = Arc::new(Pacer::new(options.rate));
    let slots = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let (reports, mut incoming) = mpsc::channel::<RowReport>(options.concurrency.max(1) * 2);
    let stop = Arc::new(AtomicBool::new(false));
    let journal_broken = Arc::new(AtomicBool::new(false));

    // One consumer prints every row's report and keeps the count.
    let printer_output = *output;
    let started = Instant::now();
    let run_started_ms = crate::commands::tail::now_ms();
    let file_size = options
        .file
        .as_ref()
        .and_then(|path| std::fs::metadata(path).ok())
        .filter(|meta| meta.is_file())
        .map(|meta| meta.len());
    let bytes_read = Arc::new(AtomicU64::new(0));
    let progress_bytes = Arc::clone(&bytes_read);
    // A closed stdout (`| head`) stops new calls like Ctrl-C; the count goes on, for the exit code.
    let stdout_closed = Arc::new(AtomicBool::new(false));
    let closed = Arc::clone(&stdout_closed);
    let printer = tokio::spawn(async move {
        let mut tally = Tally::default();
        let mut progress = Progress::new(&printer_output, file_size, progress_bytes);
        while let Some(report) = incoming.recv().await {
            match report.outcome {
                "placed" => tally.placed += 1,
                "failed" => tally.failed += 1,
                "unknown" => tally.unknown += 1,
                "skipped" => {}
                _ => tally.invalid += 1,
            }
            if report.outcome != "placed" {
                if let Some(error) = &report.error {
                    progress.println(format!(
                        "row {} ({}): {} {}",
                        report.row,
                        report.to.as_deref().unwrap_or(""),
                        report.outcome,
                        error.message
                    ));
                }
            }
            if !closed.load(Ordering::SeqCst) {
                if let Err(error) = progress.suspend(|| printer_output.result(&report)) {
                    if error.kind() != std::io::ErrorKind::BrokenPipe {
                        return Err(error);
                    }
                    closed.store(true, Ordering::SeqCst);
                }
            }
            progress.update(&tally, started);
        }
        progress.finish();
        Ok::<_, std::io::Error>(tally)
    });

    let mut skipped = 0u64;
    let mut skipped_unknown = 0u64;
    let mut was_interrupted = false;
    let mut unreadable = false;
    loop {
        if stop.load(Ordering::SeqCst) || stdout_closed.load(Ordering::SeqCst) {
            break;
        }
        if stop_watch.is_stopped() {
            was_interrupted = true;
            break;
        }
        let row = match reader.next_row() {
            None => break,
            Some(Err(failure)) => {
                // The rest of the file cannot be read: what was dialed stands, the run failed.
                output.error(&failure);
                unreadable = true;
                break;
            }
            Some(Ok(row)) => row,
        };
        bytes_read.store(reader.bytes_read(), Ordering::Relaxed);
        let row = needing_room_for_request_id(row, options.request_id);
        let (line, key, call) = match row {
            Row::Invalid {
                line,
                key,
                to,
                problem,
            } => {
                let report = RowReport {
                    row: key,
                    line,
                    to,
                    outcome: "invalid",
                    transaction_id: None,
                    resolved_by: None,
                    error: Some(ErrorNote {
                        code: None,
                        message: problem,
                        request_id: None,
                        exit_code: Exit::Usage.code(),
                    }),
                };
                if reports.send(report).await.is_err() {
                    break;
                }
                continue;
            }
            Row::Valid { line, key, call } => (line, key, call),
        };
        if let Some(known) = already.get(&key) {
            // The same key calling somewhere else: the file changed under its keys. Dialing it
            // or skipping it could both be wrong; say so and leave it.
            if known.to != call.to {
                let report = RowReport {
                    row: key.clone(),
                    line,
                    to: Some(call.to.clone()),
                    outcome: "invalid",
                    transaction_id: None,
                    resolved_by: None,
                    error: Some(ErrorNote {
                        code: None,
                        message: format!(
                            "line {line}: row key {key:?} called {} before; give this row its own id",
                            known.to
                        ),
                        request_id: None,
                        exit_code: Exit::Usage.code(),
                    }),
                };
                if reports.send(report).await.is_err() {
                    break;
                }
                continue;
            }
            if !(options.retry_unknown && known.outcome == OutcomeKind::Unknown) {
                skipped += 1;
                if known.outcome == OutcomeKind::Unknown {
                    skipped_unknown += 1;
                }
                let report = RowReport {
                    row: key.clone(),
                    line,
                    to: Some(call.to.clone()),
                    outcome: "skipped",
                    transaction_id: None,
                    resolved_by: None,
                    error: None,
                };
                if reports.send(report).await.is_err() {
                    break;
                }
                continue;
            }
        }
        // A slot in flight, then a start slot; Ctrl-C wins over both.
        let permit = tokio::select! {
            permit = Arc::clone(&slots).acquire_owned() => permit.expect("semaphore open"),
            _ = stop_watch.stopped() => { was_interrupted = true; break; }
        };
        tokio::select! {
            _ = pacer.until_ready() => {}
            _ = stop_watch.stopped() => { was_interrupted = true; break; }
        }
        let row_ref = RowRef {
            batch: batch.clone(),
            row: key.clone(),
            line,
        };
        let request_id = options.request_id;
        let interrupted = stop_watch.clone();
        let (journal, client, pacer, reports, stop, journal_broken) = (
            journal.clone(),
            client.clone(),
            Arc::clone(&pacer),
            reports.clone(),
            Arc::clone(&stop),
            Arc::clone(&journal_broken),
        );
        tokio::spawn(async move {
            let report = place_row(
                &journal,
                &client,
                &pacer,
                call,
                row_ref,
                request_id,
                &interrupted,
                &stop,
                &journal_broken,
            )
            .await;
            let _ = reports.send(report).await;
            drop(permit);
        });
    }
    if was_interrupted {
        output.note("interrupted: no new calls start; waiting for the calls in flight");
    }
    // Every task holds a permit until its report is sent: taking them all means all are done.
    let _all = slots.acquire_many(options.concurrency.max(1) as u32).await;
    drop(reports);
    let mut tally = printer
        .await
        .map_err(|e| Failure::new(Exit::Failure, format!("the printer stopped: {e}")))??;
    tally.skipped = skipped;
    if tally.unknown > 0 && options.request_id && !journal_broken.load(Ordering::SeqCst) {
        settle_unknown_rows(&batch, run_started_ms, &mut tally, &journal, config, output).await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    output.note(format!(
        "{} rows in {:.2} s ({:.1} calls/s): {tally}",
        tally.done(),
        elapsed,
        (tally.placed + tally.failed + tally.unknown) as f64 / elapsed.max(1e-9)
    ));
    if journal_broken.load(Ordering::SeqCst) {
        return Err(Failure::new(
            Exit::Config,
            "the journal could not be written: the run was stopped",
        )
        .into());
    }
    let exit = if was_interrupted {
        Exit::Interrupted
    } else if tally.unknown + skipped_unknown > 0 {
        Exit::OutcomeUnknown
    } else if tally.failed + tally.invalid > 0 || unreadable {
        Exit::Failure
    } else {
        Exit::Ok
    };
    if exit == Exit::Ok {
        return Ok(());
    }
    let message = match exit {
        Exit::OutcomeUnknown => format!(
            "{} calls have an unknown outcome: they may have been placed; --resume skips them unless --retry-unknown (`chimecall resolve` settles them)",
            tally.unknown + skipped_unknown
        ),
        Exit::Interrupted => "interrupted; run the same command with --resume to finish".to_string(),
        _ => String::new(),
    };
    Err(Failure::new(exit, message).into())
}

/// How long a bulk run looks in the handler's logs for the calls of its unknown outcomes.
const SETTLE_BOUND: Duration = Duration::from_secs(10);

/// After the run: settle this run's unknown outcomes from the handler's logs, report each one
/// settled (a second line for its row), and count it anew.
async fn settle_unknown_rows(
    batch: &str,
    run_started_ms: i64,
    tally: &mut Tally,
    journal: &Journal,
    config: &SdkConfig,
    output: &Output,
) {
    use crate::resolve::{journal_time_ms, Resolution};
    let mut pending: Vec<journal::CallEntry> = match journal::read(journal.path()) {
        Ok(contents) => journal::calls(&contents)
            .into_iter()
            .filter(|e| e.outcome == OutcomeKind::Unknown && e.batch.as_deref() == Some(batch))
            .filter(|e| journal_time_ms(&e.time).is_some_and(|t| t >= run_started_ms - 1000))
            .collect(),
        Err(_) => return,
    };
    output.note(format!(
        "{} outcomes unknown: looking for their calls in the handler's logs...",
        pending.len()
    ));
    let deadline = Instant::now() + SETTLE_BOUND;
    while !pending.is_empty() && Instant::now() < deadline {
        // Only finding the call settles a row here; proving it was NOT placed is `resolve`'s.
        let proof = crate::resolve::Proof { settle: None };
        let known = std::collections::HashSet::new();
        let Ok(results) = crate::commands::resolve::resolve_entries(
            &pending, proof, &known, None, journal, config,
        )
        .await
        else {
            return;
        };
        let mut still = Vec::new();
        for (entry, (_, resolution)) in pending.into_iter().zip(results) {
            let (outcome, transaction_id) = match resolution {
                Resolution::Placed { transaction_id } => ("placed", Some(transaction_id)),
                Resolution::NotPlaced => ("failed", None),
                Resolution::Unknown => {
                    still.push(entry);
                    continue;
                }
            };
            tally.unknown -= 1;
            if outcome == "placed" {
                tally.placed += 1;
            } else {
                tally.failed += 1;
            }
            let report = RowReport {
                row: entry.row.clone().unwrap_or_default(),
                line: entry.line.unwrap_or_default(),
                to: Some(entry.to.clone()),
                outcome,
                transaction_id,
                error: None,
                resolved_by: Some("logs"),
            };
            if output.result(&report).is_err() {
                return;
            }
        }
        pending = still;
        if !pending.is_empty() {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

/// One row: dial (again after throttles, paced), journaled; its report.
#[allow(clippy::too_many_arguments)] // the row, and the run's shared pieces it reports to
async fn place_row(
    journal: &Journal,
    client: &aws_sdk_chimesdkvoice::Client,
    pacer: &Pacer,
    call: crate::call::CallRequest,
    row: RowRef,
    request_id: bool,
    interrupted: &crate::signals::StopWatch,
    stop: &AtomicBool,
    journal_broken: &AtomicBool,
) -> RowReport {
    let mut attempts = 1;
    let result = loop {
        match placing::place_call(
            journal,
            client,
            &call,
            Some(&row),
            SendOptions {
                throttles: ThrottlePolicy::ReturnAtOnce,
                request_id,
            },
        )
        .await
        {
            Ok((_, DialResult::Failed(error)))
                if error.is_throttle() && attempts < MAX_THROTTLED_ATTEMPTS =>
            {
                // After Ctrl-C nothing new is sent: the row stays throttled (not placed).
                if interrupted.is_stopped() {
                    break DialResult::Failed(error);
                }
                pacer.throttled();
                attempts += 1;
                tokio::select! {
                    _ = pacer.until_ready() => {}
                    _ = interrupted.stopped() => break DialResult::Failed(error),
                }
            }
            Ok((_, result)) => {
                if !matches!(&result, DialResult::Failed(e) if e.is_throttle()) {
                    pacer.succeeded();
                }
                break result;
            }
            Err(PlaceError::BeforeSending(failure)) => {
                journal_broken.store(true, Ordering::SeqCst);
                stop.store(true, Ordering::SeqCst);
                return RowReport {
                    row: row.row,
                    line: row.line,
                    to: Some(call.to),
                    outcome: "failed",
                    transaction_id: None,
                    resolved_by: None,
                    error: Some(ErrorNote {
                        code: None,
                        message: failure.message,
                        request_id: None,
                        exit_code: failure.exit.code(),
                    }),
                };
            }
            Err(PlaceError::AfterSending(result, _)) => {
                journal_broken.store(true, Ordering::SeqCst);
                stop.store(true, Ordering::SeqCst);
                break result;
            }
        }
    };
    RowReport {
        row: row.row,
        line: row.line,
        to: Some(call.to),
        outcome: match result.kind() {
            OutcomeKind::Placed => "placed",
            OutcomeKind::Failed => "failed",
            OutcomeKind::Unknown => "unknown",
        },
        transaction_id: match &result {
            DialResult::Placed { transaction_id } => Some(transaction_id.clone()),
            _ => None,
        },
        error: result.error().map(placing::error_note),
        resolved_by: None,
    }
}

/// Progress on stderr: a bar for a person, a plain line every few seconds otherwise.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
    last_plain: Instant,
    /// How far into the file the reader is, against its size: the bar and its ETA.
    bytes_read: Arc<AtomicU64>,
    /// (when, rows done) over the last few seconds: the current rate.
    recent: std::collections::VecDeque<(Instant, u64)>,
}

/// The current rate is measured over this much of the recent past.
const RATE_WINDOW: Duration = Duration::from_secs(5);

impl Progress {
    fn new(output: &Output, file_size: Option<u64>, bytes_read: Arc<AtomicU64>) -> Progress {
        use std::io::IsTerminal;
        let mut progress = Progress {
            bar: None,
            plain: false,
            last_plain: Instant::now(),
            bytes_read,
            recent: std::collections::VecDeque::new(),
        };
        if output.quiet {
            return progress;
        }
        if !std::io::stderr().is_terminal() {
            progress.plain = true;
            return progress;
        }
        let bar = match file_size {
            Some(size) => {
                let bar = indicatif::ProgressBar::new(size);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{bar:30} {percent:>3}% {msg} · ETA {eta}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                bar
            }
            // stdin: no size, so no bar and no ETA.
            None => {
                let bar = indicatif::ProgressBar::new_spinner();
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
                );
                bar
            }
        };
        bar.enable_steady_tick(Duration::from_millis(100));
        progress.bar = Some(bar);
        progress
    }

    fn update(&mut self, tally: &Tally, _started: Instant) {
        let now = Instant::now();
        let done = tally.done();
        self.recent.push_back((now, done));
        while self
            .recent
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) > RATE_WINDOW)
        {
            self.recent.pop_front();
        }
        let rate = match self.recent.front() {
            Some((then, done_then)) if now > *then => {
                (done - done_then) as f64 / now.duration_since(*then).as_secs_f64()
            }
            _ => 0.0,
        };
        let message = format!("{tally} · {rate:.1} calls/s");
        if let Some(bar) = &self.bar {
            bar.set_position(self.bytes_read.load(Ordering::Relaxed));
            bar.set_message(crate::output::for_stderr(&message));
        } else if self.plain && self.last_plain.elapsed() >= PLAIN_PROGRESS_EVERY {
            crate::output::to_stderr(&crate::output::for_stderr(&format!("progress: {message}")));
            self.last_plain = Instant::now();
        }
    }

    fn println(&self, message: String) {
        let message = crate::output::for_stderr(&message);
        match &self.bar {
            Some(bar) => bar.println(message),
            None if self.plain => crate::output::to_stderr(&message),
            None => {}
        }
    }

    fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
