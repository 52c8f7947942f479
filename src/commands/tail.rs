//! `chimecall tail`: a call's timeline from its handler's logs; `--follow` until it ends.

use std::time::Duration;

use aws_config::SdkConfig;
use chimecall_model::clock;

use super::Context;
use crate::call::CallPhase;
use crate::cli::TailArgs;
use crate::event;
use crate::exit::{Exit, Failure};
use crate::follow::{follower_for, LogSource, ObservedEvent, PollSchedule};
use crate::journal::{self, Journal};
use crate::output::Output;
use crate::settings::Setting;
use crate::signals::StopWatch;
use chimecall_model::rules;

struct TailOptions {
    transaction_id: String,
    source: LogSource,
    follow: bool,
    interval: Option<Duration>,
}

pub(crate) async fn run(args: TailArgs, context: &Context) -> anyhow::Result<()> {
    rules::check_path_id("TransactionId", &args.transaction_id)
        .map_err(|v| Failure::usage(format!("TRANSACTION_ID: {}", v.problem)))?;
    if args.transaction_id.contains('"') {
        return Err(Failure::usage("TRANSACTION_ID: a TransactionId has no quotes").into());
    }
    let log_group = context.setting(Setting::LogGroup, args.log_group).await?;
    // The SMA is only needed to find the log group.
    let sma_id = match log_group {
        Some(_) => None,
        None => context.setting(Setting::SmaId, args.target.sma_id).await?,
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
    };
    let config = context.sdk_config().await?;
    tail(options, &config, &context.output).await
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

async fn tail(options: TailOptions, config: &SdkConfig, output: &Output) -> anyhow::Result<()> {
    let mut follower = follower_for(&options.transaction_id, &options.source, config).await?;
    let mut schedule = options
        .interval
        .map(PollSchedule::fixed)
        .unwrap_or_else(PollSchedule::live);
    let spinner = if options.follow {
        Some(output.spinner(format!(
            "following {} in {}",
            options.transaction_id,
            follower.log_group()
        )))
    } else {
        None
    };
    let stop = StopWatch::start();
    let mut unreadable_reported = 0;
    loop {
        let events = follower.poll().await.map_err(Failure::from)?;
        for observed in &events {
            let report = EventReport(observed);
            match &spinner {
                Some(spinner) => spinner.suspend(|| output.result(&report))?,
                None => output.result(&report)?,
            }
        }
        if let Some(spinner) = &spinner {
            spinner.set_message(format!(
                "{}: {}",
                options.transaction_id,
                follower.tracker().phase()
            ));
        }
        if follower.unreadable_events() > unreadable_reported {
            unreadable_reported = follower.unreadable_events();
            output.note(format!(
                "warning: {unreadable_reported} log lines held an event that could not be read; they were skipped"
            ));
        }
        if !options.follow {
            if follower.group_missing() {
                return Err(Failure::new(
                    Exit::Config,
                    format!("log group {} does not exist", follower.log_group()),
                )
                .into());
            }
            if follower.tracker().events_observed() == 0 {
                output.note(format!(
                    "no events for {} in {} (looked back from {})",
                    options.transaction_id,
                    follower.log_group(),
                    clock::rfc3339_ms(options.source.start_ms)
                        .unwrap_or_else(|| options.source.start_ms.to_string())
                ));
            }
            return Ok(());
        }
        if follower.tracker().is_ended() {
            drop(spinner);
            note_in_journal(&options.transaction_id, &follower.tracker().phase(), output).await;
            return if follower.tracker().was_answered() {
                Ok(())
            } else {
                Err(Failure::new(Exit::Unanswered, "the call ended without being answered").into())
            };
        }
        let pause = schedule.next(!events.is_empty());
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.stopped() => {
                return Err(Failure::new(Exit::Interrupted, "").into());
            }
        }
    }
}

/// `tail --follow` saw the call end: the journal learns it too (a call not in the journal is
/// noted all the same, and ignored by `calls`). Failing to note it is only a warning.
async fn note_in_journal(transaction_id: &str, phase: &CallPhase, output: &Output) {
    let noted = match journal::default_path().and_then(|path| Journal::open(&path)) {
        Ok(journal) => journal::record_phase(&journal, transaction_id, phase, "tail").await,
        Err(failure) => Err(failure),
    };
    if let Err(failure) = noted {
        output.note(format!("warning: {failure}"));
    }
}
