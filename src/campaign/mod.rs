//! Bulk runs (`dial --file`): one call per CSV row, at an exact rate, never more than
//! `--max-active` live at once, with bounded concurrency, progress, a journal record for every
//! request, Ctrl-C that loses nothing, `--resume`; runs that wait (`--wait ended`) follow every
//! call to its end, say how it ended, and redial what `--redial` names.
//!
//! The pieces: `options` what the run was asked, `rows` reads the file, `source` opens it (and
//! makes `--strict`'s first pass), `batch` names the run and guards it, `ledger` is what the
//! journal says of a batch, `plan` what to do with each row, `core` every decision of the run
//! (events in, effects out), `driver` carries the core's effects out, `crate::pacing` the rate,
//! `dialer` one dial, `following` one call to its end, `printer` and `report` what stdout says,
//! `unknown` the quick look for the calls of unknown outcomes, `summary` and `html` the `report`
//! command's views, `dry_run` what a run would do.

mod batch;
mod core;
mod dialer;
mod driver;
mod dry_run;
mod following;
mod html;
mod job;
mod ledger;
mod options;
mod plan;
mod printer;
mod progress;
mod report;
mod rows;
mod run_clock;
mod sharing;
mod source;
mod summary;
mod team_start;
mod unknown;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::Arc;
use std::time::Instant;

use aws_config::SdkConfig;

use crate::call::DispositionKind;
use crate::exit::Failure;
use crate::follow::{LogReader, Pollers};
use crate::journal::Journal;
use crate::output::Output;
use crate::pacing::Pacer;
use crate::signals::StopWatch;
use dialer::DialContext;
use driver::{Driver, Following};
use printer::Printer;
use team_start::SharedLimits;

pub(crate) use batch::batch_in;
pub(crate) use html::page as html_page;
pub(crate) use ledger::BatchLedger;
pub(crate) use options::{RunOptions, RunPolicy};
pub(crate) use plan::RedialRules;
pub(crate) use rows::RowDefaults;
pub(crate) use summary::{BatchSummary, RowSummary};

/// The `--redial` classes of a run that waits, unless it names its own.
pub(crate) const DEFAULT_REDIAL: &str = "busy,no_answer,not_placed";

pub(crate) use dry_run::run as dry_run;

/// The `--redial` classes: comma-separated disposition names; `answered` never is redialed. An
/// empty value redials nothing; an empty name between commas is a typo, refused.
pub(crate) fn parse_redial_classes(text: &str) -> Result<BTreeSet<DispositionKind>, Failure> {
    let mut classes = BTreeSet::new();
    if text.trim().is_empty() {
        return Ok(classes);
    }
    for name in text.split(',').map(str::trim) {
        if name.is_empty() {
            return Err(Failure::usage(format!(
                "--redial {}: an empty class between commas (or at an end); name each, comma-separated",
                chimecall_model::rules::quoted(text)
            )));
        }
        let kind = DispositionKind::parse(name).ok_or_else(|| {
            Failure::usage(format!(
                "--redial: {} is not a disposition (busy, no_answer, rejected, not_placed, \
                 unacknowledged, unknown, live, failed)",
                chimecall_model::rules::quoted(name)
            ))
        })?;
        if kind.is_success() {
            return Err(Failure::usage(format!(
                "--redial: a row that ended {kind} is never dialed again"
            )));
        }
        classes.insert(kind);
    }
    Ok(classes)
}

pub(crate) async fn run(
    options: RunOptions,
    journal: Journal,
    config: &SdkConfig,
    output: &Output,
) -> anyhow::Result<()> {
    let batch = run_batch(&options, &journal).await?;
    // One run per batch at a time on one machine: two runs of one file would each dial every
    // row. Runners sharing a team journal claim each row attempt instead.
    let _batch_lock = match journal.path() {
        Some(path) => Some(batch::lock_batch(path, &batch)?),
        None => None,
    };
    // On a team journal: this run's lease on the batch, and whether it joins others.
    let (lease, joins) = sharing::take_part(
        &journal,
        &batch,
        options.policy.redials.retry_unknown,
        output,
    )
    .await?;
    let mut options = options;
    options.policy.joined_others = joins && !options.resume;
    let prepared = match prepare(&journal, &batch, &options, joins, output).await {
        Ok(prepared) => prepared,
        Err(failure) => {
            sharing::leave(lease).await;
            return Err(failure.into());
        }
    };
    let Prepared {
        history,
        guard_book,
        rows,
    } = prepared;
    // Named at the start, so a runbook can resume or report it.
    // A batch name is the user's: a line feed in it must not start a forged line.
    output.note(format!("batch: {}", crate::text::printable(&batch)));
    // A run that waits reads its rows whole before it dials any when it has tiers to order,
    // or rounds to repeat.
    options.policy.plans_ahead =
        options.policy.wait.is_some() && (rows.reader.has_tiers() || options.policy.repeats > 0);
    let started = Instant::now();
    let bytes_read = Arc::new(AtomicU64::new(0));
    let concurrency = options.policy.concurrency.max(1);
    let printer = Printer::start(
        output,
        concurrency * 2,
        rows.file_size,
        Arc::clone(&bytes_read),
    );
    let waits = options.policy.wait.is_some();
    let following = options.policy.follows().then(|| {
        let pollers = Pollers::new(config, options.logs_rate, None);
        let log_group = options.log_group.clone();
        Following { pollers, log_group }
    });
    let dialing = dial_context(&options, &journal, config, &batch, output);
    let driver = Driver {
        core: core::RunState::new(options.policy.clone(), batch.clone(), history)
            .with_guard(guard_book),
        rows: rows.reader,
        bytes_read,
        dialing,
        following,
        printer: &printer,
        output: *output,
        config,
    };
    let mut outcome = driver.run().await;
    sharing::leave(lease).await;
    printer.finish().await?;
    look_for_unknown_calls(&batch, &mut outcome, &journal, config, &options, output).await;
    summarise(&outcome, started.elapsed().as_secs_f64(), output);
    outcome.exit(waits, &batch).map_err(Into::into)
}

/// The run's batch (`batch::batch_name`); on a team journal, a file's batch copied in from a
/// local journal keeps its path.
async fn run_batch(options: &RunOptions, journal: &Journal) -> Result<String, Failure> {
    match (
        &options.file,
        &options.batch,
        options.again,
        journal.is_shared(),
    ) {
        (Some(file), None, false, true) => batch::batch_in(journal, &file.to_string_lossy()).await,
        (file, named, again, shared) => {
            Ok(batch::batch_name(file, named.as_deref(), again, shared))
        }
    }
}

/// After the run: the calls of its unknown outcomes, and (`--resume`) of the batch's unknown
/// outcomes from before, looked for in the handler's logs.
async fn look_for_unknown_calls(
    batch: &str,
    outcome: &mut core::RunOutcome,
    journal: &Journal,
    config: &SdkConfig,
    options: &RunOptions,
    output: &Output,
) {
    if !options.defaults.room_for_request_id || outcome.journal_broken {
        return;
    }
    let logs = LogReader::new(config, options.logs_rate);
    if outcome.tally.unknown > 0 {
        unknown::look_for_calls(batch, outcome, journal, &logs, output).await;
    }
    if outcome.skipped_unknown > 0 && options.resume {
        unknown::look_for_earlier_calls(batch, outcome, journal, &logs, output).await;
    }
}

/// What a run starts from: what the journal knows of its batch, the guard's book, the rows.
struct Prepared {
    history: Option<BatchLedger>,
    guard_book: crate::guard::Book,
    rows: source::Rows,
}

async fn prepare(
    journal: &Journal,
    batch: &str,
    options: &RunOptions,
    joins: bool,
    output: &Output,
) -> Result<Prepared, Failure> {
    let (history, guard_book) = batch_history(journal, batch, options, joins).await?;
    let rows = source::open_rows(
        &source::RowSource {
            file: &options.file,
            defaults: &options.defaults,
            strict: options.strict,
        },
        output,
    )?;
    Ok(Prepared {
        history,
        guard_book,
        rows,
    })
}

/// What every dial of the run shares; on a team journal, the runners' pace and cap too.
fn dial_context(
    options: &RunOptions,
    journal: &Journal,
    config: &SdkConfig,
    batch: &str,
    output: &Output,
) -> Arc<DialContext> {
    Arc::new(DialContext {
        journal: journal.clone(),
        client: crate::aws::voice_client(config),
        pacer: Arc::new(Pacer::new(options.rate)),
        stop: StopWatch::start(),
        request_id: options.request_id(),
        batch: batch.to_string(),
        shared: journal
            .is_shared()
            .then(|| SharedLimits::new(options.rate, options.policy.max_active)),
        guard: Some(options.guard.clone()).filter(|guard| journal.is_shared() && !guard.is_off()),
        journal_broken: AtomicBool::new(false),
        output: *output,
    })
}

/// The run's closing lines on stderr: its dials and their rate, the tally, the quota refusals,
/// the row attempts other runners claimed.
fn summarise(outcome: &core::RunOutcome, elapsed: f64, output: &Output) {
    output.note(format!(
        "{} in {elapsed:.2} s ({:.1} calls/s): {}",
        crate::text::count(outcome.dials() as usize, "dial", "dials"),
        outcome.dials() as f64 / elapsed.max(1e-9),
        outcome.tally
    ));
    if outcome.over_quota > 0 {
        output.note(format!(
            "{} refused over the account's active-call quota (ResourceLimitExceededException) and sent again",
            match outcome.over_quota {
                1 => "1 dial was".to_string(),
                n => format!("{n} dials were"),
            }
        ));
    }
    if outcome.claimed_elsewhere > 0 {
        output.note(format!(
            "{} claimed by other runners first, skipped here",
            crate::text::count(
                outcome.claimed_elsewhere as usize,
                "row attempt was",
                "row attempts were"
            )
        ));
    }
}

/// What the journal knows of the batch (`--resume`, or `joins`: other runners are running it on
/// a team journal); a batch dialed before and neither resumed nor joined is refused, so a copy
/// of a run does not ring everyone again.
/// And the guard's book: the calls that count to every number, from the journal (its
/// dials since the guard's longest window).
async fn batch_history(
    journal: &Journal,
    batch: &str,
    options: &RunOptions,
    joins: bool,
) -> Result<(Option<BatchLedger>, crate::guard::Book), Failure> {
    let history = BatchLedger::of(batch, journal.batch(batch).await?);
    let resumes = options.resume || joins;
    if history.rows_dialed() > 0 && !resumes {
        return Err(batch::refuse_rerun(&history));
    }
    let now_ms = chimecall_model::clock::now_ms();
    let recent = if options.guard.is_off() {
        Vec::new()
    } else {
        journal
            .dials_since(Some(options.guard.since_ms(now_ms)))
            .await?
    };
    let book = crate::guard::Book::of(options.guard.clone(), &recent, now_ms);
    let history = Some(history).filter(|h| resumes && !h.rows.is_empty());
    Ok((history, book))
}
