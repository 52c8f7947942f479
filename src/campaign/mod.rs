//! Bulk runs (`dial --file`): one call per CSV row, at an exact rate, never more than
//! `--max-active` live at once, with bounded concurrency, progress, a journal record for every
//! request, Ctrl-C that loses nothing, `--resume`; runs that wait (`--wait ended`) follow every
//! call to its end, say how it ended, and redial what `--redial` names.
//!
//! The pieces: `rows` reads the file, `source` opens it (and makes `--strict`'s first pass),
//! `batch` names the run and guards it, `ledger` is what the journal says of a batch, `plan` what
//! to do with each row, `scheduler` the loop, `crate::pacing` the rate, `dialer` one dial, `following`
//! one call to its end, `printer` and `report` what stdout says, `summary` and `html` the
//! `report` command's views, `dry_run` what a run would do.

mod batch;
mod dialer;
mod dry_run;
mod following;
mod html;
mod job;
mod ledger;
mod plan;
mod printer;
mod progress;
mod report;
mod rows;
mod scheduler;
mod source;
mod summary;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::SdkConfig;

use crate::call::{DispositionKind, Success};
use crate::exit::{Exit, Failure};
use crate::journal::{self, Journal, OutcomeKind};
use crate::output::Output;
use crate::settle::{self, Resolution};
use printer::Printer;
use report::{RowReport, Tally};

pub(crate) use batch::batch_named;
pub(crate) use html::page as html_page;
pub(crate) use ledger::{BatchLedger, Ledger};
pub(crate) use rows::RowDefaults;
pub(crate) use summary::{BatchSummary, RowSummary};

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
    /// `--batch`: the run's name.
    pub(crate) batch: Option<String>,
    /// `--again`: a new batch, though the file was dialed before.
    pub(crate) again: bool,
    pub(crate) dry_run: bool,
    /// At most this many calls of the run live at once (0: no cap of chimecall's own).
    pub(crate) max_active: usize,
    /// `--wait ended`: follow every call to its end, at most this long each.
    pub(crate) wait: Option<Duration>,
    pub(crate) attempts: u32,
    pub(crate) redial_after: Duration,
    pub(crate) redial: BTreeSet<DispositionKind>,
    pub(crate) success: Success,
    pub(crate) hangup_on_interrupt: bool,
    pub(crate) log_group: Option<String>,
    pub(crate) logs_rate: f64,
}

/// The `--redial` classes of a run that waits, unless it names its own.
pub(crate) const DEFAULT_REDIAL: &str = "busy,no_answer,not_placed";

pub(crate) use dry_run::run as dry_run;

/// The `--redial` classes: comma-separated disposition names; `answered` never is redialed.
pub(crate) fn parse_redial_classes(text: &str) -> Result<BTreeSet<DispositionKind>, Failure> {
    let mut classes = BTreeSet::new();
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let kind = DispositionKind::parse(name).ok_or_else(|| {
            Failure::usage(format!(
                "--redial: {name:?} is not a disposition (busy, no_answer, rejected, not_placed, \
                 unacknowledged, unknown, live, failed)"
            ))
        })?;
        if kind == DispositionKind::Answered {
            return Err(Failure::usage(
                "--redial: a row that answered is never dialed again",
            ));
        }
        classes.insert(kind);
    }
    Ok(classes)
}

pub(crate) async fn run(
    options: CampaignOptions,
    journal: Journal,
    config: &SdkConfig,
    output: &Output,
) -> anyhow::Result<()> {
    let batch = batch::batch_name(&options.file, options.batch.as_deref(), options.again);
    // One run per batch at a time: two runs of one file would each dial every row.
    let _batch_lock = batch::lock_batch(journal.path(), &batch)?;
    let contents = journal::read(journal.path())?;
    for problem in &contents.problems {
        output.note(format!("warning: {problem}"));
    }
    let mut ledger = Ledger::of(&contents);
    let history = ledger.batches.remove(&batch);
    if let Some(history) = history.as_ref().filter(|h| h.rows_dialed() > 0) {
        if !options.resume {
            return Err(batch::refuse_rerun(history).into());
        }
    }
    let rows = source::open_rows(
        &source::RowSource {
            file: &options.file,
            defaults: &options.defaults,
            strict: options.strict,
            request_id: options.request_id,
        },
        output,
    )?;
    // Named at the start, so a runbook can resume or report it.
    output.note(format!("batch: {batch}"));
    let started = Instant::now();
    let run_started_ms = chimecall_model::clock::now_ms();
    let bytes_read = Arc::new(AtomicU64::new(0));
    let live = Arc::new(AtomicU64::new(0));
    let printer = Printer::start(
        output,
        options.concurrency.max(1) * 2,
        rows.file_size,
        Arc::clone(&bytes_read),
        Arc::clone(&live),
    );
    let waits = options.wait.is_some();
    let settings = scheduler::Settings {
        batch: batch.clone(),
        concurrency: options.concurrency,
        max_active: options.max_active,
        wait: options.wait,
        rules: plan::RedialRules {
            attempts: options.attempts,
            redial_after_ms: options.redial_after.as_millis() as i64,
            classes: options.redial.clone(),
            retry_unknown: options.retry_unknown,
            follows: waits || options.max_active > 0,
        },
        success: options.success.clone(),
        hangup_on_interrupt: options.hangup_on_interrupt,
        request_id: options.request_id,
        log_group: options.log_group.clone(),
        logs_rate: options.logs_rate,
    };
    let scheduler = scheduler::Scheduler::new(
        settings,
        rows.reader,
        bytes_read,
        if options.resume { history } else { None },
        journal.clone(),
        config,
        &printer,
        live,
        options.rate,
        output,
    );
    let (ended, journal_broken) = scheduler.run(&printer).await;
    let mut tally = printer.finish().await?;
    if tally.unknown > 0 && options.request_id && !journal_broken {
        settle_unknown_rows(&batch, run_started_ms, &mut tally, &journal, config, output).await;
    }
    let elapsed = started.elapsed().as_secs_f64();
    // Dials, not rows: with redials one row is dialed more than once.
    let dials = tally.placed + tally.failed + tally.unknown;
    output.note(format!(
        "{dials} dials in {elapsed:.2} s ({:.1} calls/s): {tally}",
        dials as f64 / elapsed.max(1e-9)
    ));
    if ended.over_quota > 0 {
        output.note(format!(
            "{} dials were refused over the account's active-call quota (ResourceLimitExceededException) and sent again",
            ended.over_quota
        ));
    }
    if journal_broken {
        return Err(Failure::new(
            Exit::Config,
            "the journal could not be written: the run was stopped",
        )
        .into());
    }
    exit_of(&tally, &ended, waits, &batch).map_err(Into::into)
}

/// A run's exit. 130 interrupted; 8 when a call may have been placed; 1 when rows failed (or
/// the file could not be read); for a run that waits, 6 when calls were still live when
/// following them stopped, and 5 when rows ended unsuccessfully after their attempts.
fn exit_of(
    tally: &Tally,
    ended: &scheduler::Ended,
    waits: bool,
    batch: &str,
) -> Result<(), Failure> {
    let unknown = tally.unknown + ended.skipped_unknown;
    let final_count = |kinds: &[DispositionKind]| -> u64 {
        kinds
            .iter()
            .map(|kind| ended.finals.get(kind).copied().unwrap_or(0))
            .sum()
    };
    let unsuccessful = final_count(&[
        DispositionKind::Busy,
        DispositionKind::NoAnswer,
        DispositionKind::Rejected,
        DispositionKind::NotPlaced,
        DispositionKind::Unacknowledged,
    ]);
    let live = final_count(&[DispositionKind::Live]);
    // A run that does not wait has no "unsuccessful": a row it could not place failed.
    let failed = if waits {
        final_count(&[DispositionKind::Failed])
    } else {
        final_count(&[DispositionKind::Failed, DispositionKind::NotPlaced])
    };
    let exit = if ended.interrupted {
        Exit::Interrupted
    } else if ended.gave_up_over_quota {
        Exit::Throttled
    } else if unknown > 0 {
        Exit::OutcomeUnknown
    } else if failed > 0 || tally.invalid > 0 || ended.unreadable_file {
        Exit::Failure
    } else if waits && live > 0 {
        Exit::WaitTimedOut
    } else if waits && unsuccessful > 0 {
        Exit::Unanswered
    } else {
        return Ok(());
    };
    let message = match exit {
        Exit::OutcomeUnknown => format!(
            "{} an unknown outcome: {} have been placed; --resume skips {} unless --retry-unknown (`chimecall resolve` settles {})",
            if unknown == 1 { "1 call has".to_string() } else { format!("{unknown} calls have") },
            if unknown == 1 { "it may" } else { "they may" },
            if unknown == 1 { "it" } else { "them" },
            if unknown == 1 { "it" } else { "them" },
        ),
        Exit::Interrupted => format!(
            "interrupted; run the same command with --resume to finish (batch {batch})"
        ),
        Exit::WaitTimedOut => format!(
            "{} still live when following {} stopped",
            if live == 1 { "1 call was".to_string() } else { format!("{live} calls were") },
            if live == 1 { "it" } else { "them" },
        ),
        Exit::Throttled => format!(
            "stopped over the account's active-call quota; run the same command with --resume to finish (batch {batch})"
        ),
        Exit::Unanswered => format!(
            "{} not end in success after {} attempts",
            if unsuccessful == 1 { "1 row did".to_string() } else { format!("{unsuccessful} rows did") },
            if unsuccessful == 1 { "its" } else { "their" },
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
            attempt: Some(entry.attempt),
        };
        if output.result(&report).is_err() {
            return;
        }
    }
}
