//! `chimecall tail`: a call's timeline from its handler's logs; `--follow` until it ends.

use std::time::Duration;

use tokio::time::Instant;

use aws_config::SdkConfig;
use chimecall_model::clock;

use super::Context;
use crate::call::{CallTracker, Disposition, Success};
use crate::cli::TailArgs;
use crate::event;
use crate::exit::{Exit, Failure};
use crate::follow::{self, CallWatch, LogSource, ObservedEvent, Pollers, Update};
use crate::ids;
use crate::journal::{self, Journal};
use crate::output::Output;
use crate::settings::Setting;
use crate::signals::StopWatch;

struct TailOptions {
    transaction_id: String,
    source: LogSource,
    follow: bool,
    interval: Option<Duration>,
    timeout: Option<Duration>,
    /// The journal that learns how the call ended, or why it cannot be opened.
    journal: Result<Journal, String>,
}

pub(crate) async fn run(args: TailArgs, context: &Context) -> anyhow::Result<()> {
    ids::check_transaction_id(&args.transaction_id, "TRANSACTION_ID")?;
    if args.transaction_id.contains('"') {
        return Err(Failure::usage("TRANSACTION_ID: a TransactionId has no quotes").into());
    }
    let log_group = context.setting(Setting::LogGroup, args.log_group).await?;
    // The SMA is only needed to find the log group.
    let sma_id = match log_group {
        Some(_) => None,
        None => context.optional_sma_id(args.target.sma_id).await?,
    };
    let options = TailOptions {
        transaction_id: args.transaction_id,
        source: LogSource {
            sma_id,
            log_group,
            start_ms: args.since.start_ms(),
        },
        follow: args.follow,
        interval: args.interval,
        timeout: args.timeout,
        // Opened now, so a team journal's client has the run's settings; used at the end.
        journal: context
            .journal()
            .await
            .map_err(|failure| failure.to_string()),
    };
    let config = context.sdk_config().await?;
    tail(options, &config, context.logs_rate, &context.output).await
}

/// One event on stdout: a timeline line (text) or an object (JSON).
struct EventReport<'a>(&'a ObservedEvent);

impl serde::Serialize for EventReport<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let e = self.0;
        event::event_json(&e.event, e.timestamp_ms, Some(&e.event_id)).serialize(serializer)
    }
}

impl std::fmt::Display for EventReport<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&event::timeline_line(&self.0.event, self.0.timestamp_ms))
    }
}

/// A tail without --follow reads the logs once, within this long.
const READ_ONCE_LIMIT: Duration = Duration::from_secs(60);
/// A followed call with no event at all after this long is worth a word: a wrong id, or the
/// wrong log group, would otherwise look like a quiet call for ever.
const NO_EVENTS_WARNING_AFTER: Duration = Duration::from_secs(5);

async fn tail(
    options: TailOptions,
    config: &SdkConfig,
    logs_rate: f64,
    output: &Output,
) -> anyhow::Result<()> {
    let log_group = follow::log_group_of(&options.source, config).await?;
    let pollers = Pollers::new(config, logs_rate, options.interval);
    let mut watch = pollers.watch(&log_group, &options.transaction_id, options.source.start_ms);
    if !options.follow {
        return read_once(&options, &mut watch, output).await;
    }
    let spinner = output.spinner(format!(
        "following {} in {}",
        options.transaction_id,
        watch.log_group()
    ));
    let stop = StopWatch::start();
    let started = Instant::now();
    let give_up = options.timeout.map(|timeout| started + timeout);
    let mut warned_no_events = false;
    let mut unreadable_reported = 0;
    loop {
        if watch.tracker().is_ended() {
            drop(spinner);
            let disposition = Disposition::of_call(&watch.tracker().facts(), &Success::Answered);
            print_summary(&disposition, output)?;
            note_in_journal(
                &options.journal,
                &options.transaction_id,
                watch.tracker(),
                &disposition,
                output,
            )
            .await;
            return if watch.tracker().was_answered() {
                Ok(())
            } else {
                Err(Failure::new(Exit::Unanswered, "the call ended without being answered").into())
            };
        }
        let now = Instant::now();
        if give_up.is_some_and(|at| now >= at) {
            let timeout = humantime::format_duration(options.timeout.unwrap_or_default());
            // A call with no event at all is most likely a wrong id or the wrong log group,
            // and a --timeout shorter than the warning's delay would otherwise never say so.
            let message = if watch.tracker().events_observed() == 0 {
                format!(
                    "{}: no events seen in {} within --timeout {timeout}: is the \
                     TransactionId right, and is this the handler's log group?",
                    options.transaction_id,
                    watch.log_group()
                )
            } else {
                format!(
                    "{}: not ended after {timeout} (last known: {})",
                    options.transaction_id,
                    watch.tracker().phase()
                )
            };
            return Err(Failure::new(Exit::WaitTimedOut, message).into());
        }
        if !warned_no_events
            && watch.tracker().events_observed() == 0
            && now >= started + NO_EVENTS_WARNING_AFTER
        {
            warned_no_events = true;
            spinner.suspend(|| {
                output.note(format!(
                    "warning: no events for {} in {} after {} s: is the TransactionId right, and \
                     is this the handler's log group? (still following{})",
                    options.transaction_id,
                    watch.log_group(),
                    NO_EVENTS_WARNING_AFTER.as_secs(),
                    match options.timeout {
                        Some(_) => " until --timeout",
                        None => "; --timeout gives up",
                    }
                ))
            });
        }
        // Wake up for the warning and the timeout, whatever the logs do.
        let mut until = now + Duration::from_secs(1);
        if let Some(at) = give_up {
            until = until.min(at);
        }
        let update = tokio::select! {
            update = watch.next(Some(until)) => update,
            _ = stop.stopped() => return Err(Failure::new(Exit::Interrupted, "").into()),
        };
        match update {
            Update::Events(events) => {
                for observed in &events {
                    spinner.suspend(|| output.result(&EventReport(observed)))?;
                }
            }
            Update::Unreadable(error) => return Err(Failure::from(error).into()),
            Update::CaughtUp | Update::GroupMissing | Update::Quiet => {}
        }
        spinner.set_message(format!(
            "{}: {}",
            options.transaction_id,
            watch.tracker().phase()
        ));
        if watch.unreadable_lines() > unreadable_reported {
            unreadable_reported = watch.unreadable_lines();
            spinner.suspend(|| warn_unreadable(unreadable_reported, output));
        }
    }
}

/// `tail` without `--follow`: what the logs hold now, then the summary.
async fn read_once(
    options: &TailOptions,
    watch: &mut CallWatch,
    output: &Output,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + READ_ONCE_LIMIT;
    let events = match watch.catch_up(deadline).await {
        Ok(events) => events,
        Err(Update::GroupMissing) => {
            return Err(Failure::new(
                Exit::Config,
                format!("log group {} does not exist", watch.log_group()),
            )
            .into())
        }
        Err(Update::Unreadable(error)) => return Err(Failure::from(error).into()),
        Err(_) => {
            return Err(Failure::new(
                Exit::WaitTimedOut,
                format!(
                    "the logs of {} could not be read within {} s",
                    watch.log_group(),
                    READ_ONCE_LIMIT.as_secs()
                ),
            )
            .into())
        }
    };
    for observed in &events {
        output.result(&EventReport(observed))?;
    }
    if watch.unreadable_lines() > 0 {
        warn_unreadable(watch.unreadable_lines(), output);
    }
    if events.is_empty() {
        output.note(format!(
            "no events for {} in {} (looked back from {})",
            options.transaction_id,
            watch.log_group(),
            clock::rfc3339_ms(options.source.start_ms)
                .unwrap_or_else(|| options.source.start_ms.to_string())
        ));
        return Ok(());
    }
    print_summary(
        &Disposition::of_call(&watch.tracker().facts(), &Success::Answered),
        output,
    )?;
    Ok(())
}

/// The timeline's last line (text): how the call went, or that it is still going. JSON output
/// stays one object per event; programs get the disposition from `dial --wait ended` and `calls`.
fn print_summary(disposition: &Disposition, output: &Output) -> std::io::Result<()> {
    if output.is_json() {
        output.note(disposition.summary());
        Ok(())
    } else {
        output.result(&disposition.summary())
    }
}

fn warn_unreadable(count: usize, output: &Output) {
    output.note(format!(
        "warning: {} an event that could not be read; {} skipped",
        crate::text::count(count, "log line held", "log lines held"),
        crate::text::one_or_many(count, "it was", "they were")
    ));
}

/// `tail --follow` saw the call end: the journal learns it too (a call not in the journal is
/// noted all the same, and ignored by `calls`). Failing to note it is only a warning.
async fn note_in_journal(
    journal: &Result<Journal, String>,
    transaction_id: &str,
    tracker: &CallTracker,
    disposition: &Disposition,
    output: &Output,
) {
    let noted = match journal {
        Ok(journal) => journal::record_phase(
            journal,
            transaction_id,
            &tracker.phase(),
            Some(disposition),
            "tail",
        )
        .await
        .map_err(|failure| failure.to_string()),
        Err(failure) => Err(failure.clone()),
    };
    if let Err(failure) = noted {
        output.note(format!("warning: {failure}"));
    }
}
