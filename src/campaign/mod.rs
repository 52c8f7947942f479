//! Bulk runs (`dial --file`): one call per CSV row, at an exact rate, with bounded concurrency,
//! progress, a journal record for every request, Ctrl-C that loses nothing, and `--resume`.
//!
//! The pieces: `rows` reads the file, `source` opens it (and makes `--strict`'s first pass),
//! `batch` names the run and guards it, `pacing` keeps the rate, `dialer` places one row,
//! `printer` reports every row, `report` is what a row's line says.

mod batch;
mod dialer;
mod pacing;
mod printer;
mod progress;
mod report;
mod rows;
mod source;

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use aws_config::SdkConfig;
use tokio::sync::{mpsc, Semaphore};

use crate::aws;
use crate::exit::{Exit, Failure};
use crate::journal::{self, ErrorNote, Journal, OutcomeKind};
use crate::output::Output;
use crate::placing::RowRef;
use crate::settle::{self, Resolution};
use crate::signals::StopWatch;
use batch::Known;
use pacing::Pacer;
use printer::Printer;
use report::{RowReport, Tally};
use rows::{Row, RowReader};

pub(crate) use rows::RowDefaults;

pub(crate) struct CampaignOptions {
    /// A file, or `None` for stdin (`--file -`).
    pub(crate) file: Option<PathBuf>,
    pub(crate) defaults: RowDefaults,
    pub(crate) rate: f64,
    pub(crate) concurrency: usize,
    pub(crate) resume: bool,
    pub(crate) retry_unknown: bool,
    pub(crate) strict: bool,
    /// Send each row's dial id in its ArgumentsMap (`chimecall-request-id`).
    pub(crate) request_id: bool,
}

/// How the row loop ended, beyond what the reports say.
#[derive(Debug, Default)]
struct Dialed {
    skipped: u64,
    skipped_unknown: u64,
    interrupted: bool,
    /// The rest of the file could not be read.
    unreadable: bool,
    /// The account stayed over its active-calls quota: the rest was not dialed.
    over_quota: bool,
}

/// The shared pieces every row's task gets.
#[derive(Clone)]
struct Crew {
    journal: Journal,
    client: aws_sdk_chimesdkvoice::Client,
    pacer: Arc<Pacer>,
    reports: mpsc::Sender<RowReport>,
    /// The journal failed: the run stops starting calls.
    stop: Arc<AtomicBool>,
    journal_broken: Arc<AtomicBool>,
    interrupted: StopWatch,
    request_id: bool,
}

pub(crate) async fn run(
    options: CampaignOptions,
    journal: Journal,
    config: &SdkConfig,
    output: &Output,
) -> anyhow::Result<()> {
    // From here a Ctrl-C stops new calls; it never cuts one in flight.
    let stop_watch = StopWatch::start();
    let batch = batch::batch_name(&options.file);
    // One run per file at a time: two runs of one file would each dial every row.
    let _batch_lock = batch::lock_batch(journal.path(), &batch)?;
    let rows = source::open_rows(&options, output)?;
    let already = if options.resume {
        batch::resume_index(journal.path(), &batch, output)?
    } else {
        HashMap::new()
    };
    let started = Instant::now();
    let run_started_ms = chimecall_model::clock::now_ms();
    let bytes_read = Arc::new(AtomicU64::new(0));
    let printer = Printer::start(
        output,
        options.concurrency.max(1) * 2,
        rows.file_size,
        Arc::clone(&bytes_read),
    );
    let crew = Crew {
        journal: journal.clone(),
        client: aws::voice_client(config),
        pacer: Arc::new(Pacer::new(options.rate)),
        reports: printer.sender(),
        stop: Arc::new(AtomicBool::new(false)),
        journal_broken: Arc::new(AtomicBool::new(false)),
        interrupted: stop_watch.clone(),
        request_id: options.request_id,
    };
    let slots = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let dialed = dial_rows(
        rows.reader,
        &options,
        &already,
        &batch,
        &crew,
        &slots,
        &printer,
        &bytes_read,
        output,
    )
    .await;
    if dialed.interrupted {
        output.note("interrupted: no new calls start; waiting for the calls in flight");
    }
    // Every task holds a permit until its report is sent: taking them all means all are done.
    let _all = slots.acquire_many(options.concurrency.max(1) as u32).await;
    let journal_broken = crew.journal_broken.load(Ordering::SeqCst);
    let mut dialed = dialed;
    dialed.over_quota = crew.pacer.gave_up();
    drop(crew);
    let mut tally = printer.finish().await?;
    tally.skipped = dialed.skipped;
    if tally.unknown > 0 && options.request_id && !journal_broken {
        settle_unknown_rows(&batch, run_started_ms, &mut tally, &journal, config, output).await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    output.note(format!(
        "{} rows in {:.2} s ({:.1} calls/s): {tally}",
        tally.done(),
        elapsed,
        (tally.placed + tally.failed + tally.unknown) as f64 / elapsed.max(1e-9)
    ));
    if journal_broken {
        return Err(Failure::new(
            Exit::Config,
            "the journal could not be written: the run was stopped",
        )
        .into());
    }
    exit_of(&tally, &dialed).map_err(Into::into)
}

/// Reads the rows and starts a task for each one to dial, until the file ends or the run stops.
#[allow(clippy::too_many_arguments)] // the rows, the run's settings, and its shared pieces
async fn dial_rows(
    mut reader: RowReader<Box<dyn Read + Send>>,
    options: &CampaignOptions,
    already: &HashMap<String, Known>,
    batch: &str,
    crew: &Crew,
    slots: &Arc<Semaphore>,
    printer: &Printer,
    bytes_read: &AtomicU64,
    output: &Output,
) -> Dialed {
    let mut dialed = Dialed::default();
    loop {
        if crew.stop.load(Ordering::SeqCst) || printer.stdout_closed() {
            break;
        }
        if crew.interrupted.is_stopped() {
            dialed.interrupted = true;
            break;
        }
        if crew.pacer.gave_up() {
            break;
        }
        let row = match reader.next_row() {
            None => break,
            Some(Err(failure)) => {
                // The rest of the file cannot be read: what was dialed stands, the run failed.
                output.error(&failure);
                dialed.unreadable = true;
                break;
            }
            Some(Ok(row)) => row,
        };
        bytes_read.store(reader.bytes_read(), Ordering::Relaxed);
        let (line, key, request) =
            match source::needing_room_for_request_id(row, options.request_id) {
                Row::Invalid {
                    line,
                    key,
                    to,
                    problem,
                } => {
                    if crew
                        .reports
                        .send(invalid(key, line, to, problem))
                        .await
                        .is_err()
                    {
                        break;
                    }
                    continue;
                }
                Row::Valid { line, key, request } => (line, key, request),
            };
        if let Some(known) = already.get(&key) {
            // The same key calling somewhere else: the file changed under its keys. Dialing it
            // or skipping it could both be wrong; say so and leave it.
            let report = if known.to != request.to {
                let problem = format!(
                    "line {line}: row key {key:?} called {} before; give this row its own id",
                    known.to
                );
                Some(invalid(
                    key.clone(),
                    line,
                    Some(request.to.clone()),
                    problem,
                ))
            } else if !(options.retry_unknown && known.outcome == OutcomeKind::Unknown) {
                dialed.skipped += 1;
                if known.outcome == OutcomeKind::Unknown {
                    dialed.skipped_unknown += 1;
                }
                Some(RowReport {
                    row: key.clone(),
                    line,
                    to: Some(request.to.clone()),
                    outcome: "skipped",
                    transaction_id: None,
                    resolved_by: None,
                    error: None,
                })
            } else {
                None
            };
            if let Some(report) = report {
                if crew.reports.send(report).await.is_err() {
                    break;
                }
                continue;
            }
        }
        // A slot in flight, then a start slot; Ctrl-C wins over both.
        let permit = tokio::select! {
            permit = Arc::clone(slots).acquire_owned() => permit.expect("semaphore open"),
            _ = crew.interrupted.stopped() => { dialed.interrupted = true; break; }
        };
        let started = tokio::select! {
            started = crew.pacer.until_ready() => started,
            _ = crew.interrupted.stopped() => { dialed.interrupted = true; break; }
        };
        if crew.pacer.gave_up() {
            // The row read last stays undialed, for --resume, like the rest.
            break;
        }
        let row = RowRef {
            batch: batch.to_string(),
            row: key,
            line,
        };
        let crew = crew.clone();
        tokio::spawn(async move {
            let report = dialer::place_row(
                &crew.journal,
                &crew.client,
                &crew.pacer,
                request,
                row,
                crew.request_id,
                started,
                &crew.interrupted,
                &crew.stop,
                &crew.journal_broken,
            )
            .await;
            let _ = crew.reports.send(report).await;
            drop(permit);
        });
    }
    dialed
}

/// The report of a row that was never sent.
fn invalid(key: String, line: u64, to: Option<String>, problem: String) -> RowReport {
    RowReport {
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
    }
}

/// A run's exit: 130 interrupted, 8 when a call may have been placed, 4 when it gave up over the
/// account's quota, 1 when rows failed.
fn exit_of(tally: &Tally, dialed: &Dialed) -> Result<(), Failure> {
    let unknown = tally.unknown + dialed.skipped_unknown;
    let exit = if dialed.interrupted {
        Exit::Interrupted
    } else if unknown > 0 {
        Exit::OutcomeUnknown
    } else if dialed.over_quota {
        Exit::Throttled
    } else if tally.failed + tally.invalid > 0 || dialed.unreadable {
        Exit::Failure
    } else {
        return Ok(());
    };
    let message = match exit {
        Exit::OutcomeUnknown => format!(
            "{unknown} calls have an unknown outcome: they may have been placed; --resume skips them unless --retry-unknown (`chimecall resolve` settles them)"
        ),
        Exit::Interrupted => "interrupted; run the same command with --resume to finish".to_string(),
        Exit::Throttled => format!(
            "the account stayed over its \"SIP media application active calls\" quota through {} \
             refusals in a row (about a minute with no call ending), so the run stopped: the rows \
             after the failed ones were not dialed. End calls (chimecall hangup --all) or raise the \
             quota (Service Quotas; in the sandbox, chimecall sandbox --quota active-calls=N), then \
             run the same command with --resume to dial the rest",
            pacing::MAX_QUOTA_REFUSALS
        ),
        _ => String::new(),
    };
    Err(Failure::new(exit, message))
}

/// After the run: look for the calls of this run's unknown outcomes in the handler's logs,
/// report each one found (a second line for its row), and count it anew.
async fn settle_unknown_rows(
    batch: &str,
    run_started_ms: i64,
    tally: &mut Tally,
    journal: &Journal,
    config: &SdkConfig,
    output: &Output,
) {
    let pending: Vec<journal::DialEntry> = match journal::read(journal.path()) {
        Ok(contents) => journal::dials(&contents)
            .into_iter()
            .filter(|e| e.outcome == OutcomeKind::Unknown && e.batch.as_deref() == Some(batch))
            .filter(|e| e.time_ms().is_some_and(|t| t >= run_started_ms - 1000))
            .collect(),
        Err(_) => return,
    };
    output.note(format!(
        "{} outcomes unknown: looking for their calls in the handler's logs...",
        pending.len()
    ));
    for (entry, resolution) in
        settle::quick_look(pending, settle::BULK_QUICK_LOOK, journal, config).await
    {
        let Resolution::Placed { transaction_id } = resolution else {
            continue;
        };
        tally.unknown -= 1;
        tally.placed += 1;
        let report = RowReport {
            row: entry.row.clone().unwrap_or_default(),
            line: entry.line.unwrap_or_default(),
            to: Some(entry.to.clone()),
            outcome: "placed",
            transaction_id: Some(transaction_id),
            error: None,
            resolved_by: Some("logs"),
        };
        if output.result(&report).is_err() {
            return;
        }
    }
}
