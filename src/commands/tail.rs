//! `chimecall tail`: a call's timeline from its handler's logs, and the `--wait` of dial and
//! hangup, which follow the same events until the call reaches a state.

use std::time::{Duration, Instant};

use aws_config::SdkConfig;

use crate::aws;
use crate::event::{self, CallPhase};
use crate::exit::{Exit, Failure};
use crate::follow::{CallFollower, ObservedEvent, PollSchedule};
use crate::output::Output;

/// Where to read a call's events, and from when.
#[derive(Debug, Clone)]
pub struct EventSource {
    pub sma_id: Option<String>,
    pub log_group: Option<String>,
    pub start_ms: i64,
}

pub struct TailOptions {
    pub transaction_id: String,
    pub source: EventSource,
    pub follow: bool,
    pub interval: Option<Duration>,
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

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The log group to read: `--log-group`, or the SMA's handler's from its LambdaArn.
pub async fn resolve_log_group(
    source: &EventSource,
    config: &SdkConfig,
) -> Result<String, Failure> {
    match (&source.log_group, &source.sma_id) {
        (Some(group), _) => Ok(group.clone()),
        (None, Some(sma_id)) => aws::handler_log_group(&aws::voice_client(config), sma_id).await,
        (None, None) => Err(Failure::usage(
            "no log group: pass --log-group, or --sma-id (or CHIMECALL_SMA_ID) to find it",
        )),
    }
}

pub async fn follower_for(
    transaction_id: &str,
    source: &EventSource,
    config: &SdkConfig,
) -> Result<CallFollower, Failure> {
    let log_group = resolve_log_group(source, config).await?;
    Ok(CallFollower::new(
        aws::logs_client(config),
        log_group,
        transaction_id.to_string(),
        source.start_ms,
    ))
}

fn read_failure(error: aws::ApiError) -> Failure {
    Failure::new(error.exit(), error.describe())
}

pub async fn tail(options: TailOptions, config: &SdkConfig, output: &Output) -> anyhow::Result<()> {
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
    let stop = crate::signals::StopWatch::start();
    let mut unreadable_reported = 0;
    loop {
        let events = follower.poll().await.map_err(read_failure)?;
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
                    iso_8601(options.source.start_ms)
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
    let opened =
        crate::journal::default_path().and_then(|path| crate::journal::Journal::open(&path));
    match opened {
        Ok(journal) => {
            crate::commands::dial::record_state(&journal, transaction_id, phase, "tail", output)
                .await
        }
        Err(failure) => output.note(format!("warning: {failure}")),
    }
}

/// The state `--wait` waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum WaitFor {
    Answered,
    Ended,
}

/// Follows a call until it reaches `wanted`: Ok with the phase reached; Err 5 when it ended
/// unanswered (waiting for an answer, or for the end of a call that was never answered), 6 at
/// the timeout, 130 on Ctrl-C.
pub async fn wait_for(
    follower: &mut CallFollower,
    wanted: WaitFor,
    timeout: Duration,
    stop: &crate::signals::StopWatch,
    output: &Output,
) -> Result<CallPhase, Failure> {
    let transaction_id = follower_transaction(follower);
    let spinner = output.spinner(format!(
        "{transaction_id}: waiting for the call to be {}",
        wanted_word(wanted)
    ));
    let deadline = Instant::now() + timeout;
    let mut schedule = PollSchedule::live();
    loop {
        if stop.is_stopped() {
            let phase = follower.tracker().phase();
            return Err(Failure::new(
                Exit::Interrupted,
                format!("{transaction_id}: stopped waiting (last known: {phase})"),
            ));
        }
        let events = follower.poll().await.map_err(read_failure)?;
        let phase = follower.tracker().phase();
        spinner.set_message(format!("{transaction_id}: {phase}"));
        match (&phase, wanted) {
            (CallPhase::Answered, WaitFor::Answered) => return Ok(phase),
            (CallPhase::Ended { answered: true, .. }, _) => return Ok(phase),
            (
                CallPhase::Ended {
                    answered: false,
                    sip_response_code,
                },
                _,
            ) => {
                let code = sip_response_code.as_deref().unwrap_or("none");
                return Err(Failure::new(
                    Exit::Unanswered,
                    format!("{transaction_id}: the call ended without being answered (SIP {code})"),
                ));
            }
            _ => {}
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(Failure::new(
                Exit::WaitTimedOut,
                format!(
                    "{transaction_id}: not {} after {:?} (last known: {phase})",
                    wanted_word(wanted),
                    timeout
                ),
            ));
        }
        let pause = schedule.next(!events.is_empty()).min(deadline - now);
        tokio::select! {
            _ = tokio::time::sleep(pause) => {}
            _ = stop.stopped() => {}
        }
    }
}

fn wanted_word(wanted: WaitFor) -> &'static str {
    match wanted {
        WaitFor::Answered => "answered",
        WaitFor::Ended => "ended",
    }
}

fn iso_8601(timestamp_ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(timestamp_ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| timestamp_ms.to_string())
}

fn follower_transaction(follower: &CallFollower) -> String {
    follower.transaction_id().to_string()
}
