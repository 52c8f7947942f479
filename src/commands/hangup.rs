//! `chimecall hangup`: ends calls by UpdateSipMediaApplicationCall with Arguments
//! `{"action":"hangup"}` (the AWS samples' convention), one id, several, `-` (ids on stdin) or
//! `--all` (every journal call not known to have ended); `--wait` confirms each by its HANGUP.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_config::SdkConfig;

use super::Context;
use crate::call::{parse_pairs, CallPhase, Disposition, Success};
use crate::cli::HangupArgs;
use crate::exit::{Exit, Failure};
use crate::follow::{self, LogSource, Pollers, WaitFor};
use crate::journal::{self, ErrorNote, Journal, OutcomeKind, Record, StateNote};
use crate::output::Output;
use crate::settings::Setting;
use crate::signals::StopWatch;
use crate::updates::{self, Sent, Target, UpdateResult, Updated};

/// What to send, to which calls, how fast, and whether to wait for their ends.
struct HangupPlan {
    targets: Vec<Target>,
    arguments: BTreeMap<String, String>,
    /// Updates per second (`--rate`; 0: no limit of our own).
    rate: f64,
    wait: Option<HangupWait>,
}

/// `hangup --wait`: confirm each accepted hangup by its HANGUP event in the handler's logs.
struct HangupWait {
    timeout: Duration,
    log_group: Option<String>,
    /// FilterLogEvents per second (`--logs-rate`).
    logs_rate: f64,
}

/// What a hangup talks to: the service, the journal, the person or program reading, and the
/// signals that stop it.
struct Session<'a> {
    config: &'a SdkConfig,
    journal: &'a Journal,
    output: &'a Output,
    stop: &'a StopWatch,
}

pub(crate) async fn run(args: HangupArgs, context: &Context) -> anyhow::Result<()> {
    let output = &context.output;
    let arguments = if args.args.is_empty() {
        updates::hangup_arguments()
    } else {
        parse_pairs("--arg", &args.args)?
    };
    let targets = if args.all {
        let batch = args.batch.as_deref().map(crate::campaign::batch_named);
        journal_targets(args.since.map(|since| since.start_ms()), batch, output).await?
    } else {
        let sma_id = context.sma_id(args.target.sma_id).await?;
        let ids = if args.transaction_ids == ["-"] {
            read_ids_from_stdin()?
        } else {
            args.transaction_ids
        };
        ids.into_iter()
            .map(|transaction_id| Target {
                sma_id: sma_id.clone(),
                transaction_id,
            })
            .collect()
    };
    if targets.is_empty() {
        output.note(if args.all {
            "no call in the journal is still active"
        } else {
            "no transaction ids on stdin"
        });
        return Ok(());
    }
    updates::check(&targets, &arguments)?;
    let wait = match args.wait {
        false => None,
        true => Some(HangupWait {
            timeout: args.timeout,
            log_group: context.setting(Setting::LogGroup, args.log_group).await?,
            logs_rate: context.logs_rate,
        }),
    };
    let config = context.sdk_config().await?;
    let journal = Journal::open(&journal::default_path()?)?;
    // From here a first Ctrl-C or SIGTERM sends no new hangup (those in flight finish and are
    // reported and journaled); a second exits at once.
    let stop = StopWatch::start_second_exits();
    let plan = HangupPlan {
        targets,
        arguments,
        rate: args.rate,
        wait,
    };
    let session = Session {
        config: &config,
        journal: &journal,
        output,
        stop: &stop,
    };
    hang_up(plan, &session).await
}

/// `--all`: every call of the journal (of one batch, with `--batch`) placed and not known to
/// have ended.
async fn journal_targets(
    since_ms: Option<i64>,
    batch: Option<String>,
    output: &Output,
) -> Result<Vec<Target>, Failure> {
    let journal = Journal::open(&journal::default_path()?)?;
    let entries: Vec<_> = journal
        .open_dials(since_ms)
        .await?
        .into_iter()
        .filter(|entry| batch.is_none() || entry.batch == batch)
        .collect();
    let unknown = entries
        .iter()
        .filter(|e| e.outcome == OutcomeKind::Unknown)
        .count();
    if unknown > 0 {
        output.note(format!(
            "warning: {unknown} dials have an unknown outcome: a call may be live for each, with no \
             TransactionId to hang it up by; `chimecall resolve` finds them"
        ));
    }
    Ok(entries
        .into_iter()
        .filter(|entry| entry.is_active())
        .filter_map(|entry| {
            Some(Target {
                transaction_id: entry.transaction_id?,
                sma_id: entry.sma_id,
            })
        })
        .collect())
}

/// Sends the hangups. Accepted ones are reported on stdout (text: the TransactionId; JSON: every
/// outcome), failures on stderr. A call the service no longer knows, that the journal shows
/// chimecall placed, has ended: that is what was wanted, whichever form of hangup asked
/// (`gone`, exit 0); an id the journal never saw is not found (exit 7). After an interrupt, the
/// calls not reached are listed (JSON: `not_sent` on stdout) and the exit is 130.
async fn hang_up(plan: HangupPlan, session: &Session<'_>) -> anyhow::Result<()> {
    let Session {
        config,
        journal,
        output,
        stop,
    } = *session;
    let updates_started_ms = chimecall_model::clock::now_ms();
    let total = plan.targets.len();
    let mut failures: Vec<Exit> = Vec::new();
    let mut accepted: Vec<Target> = Vec::new();
    let mut not_sent: Vec<Target> = Vec::new();
    if plan.rate > 0.0 && total as f64 > plan.rate {
        output.note(format!(
            "ending {total} calls at {} a second (--rate: a fresh account's UpdateSipMediaApplicationCall quota is {} a second)",
            plan.rate,
            updates::DEFAULT_UPDATE_RATE
        ));
    }
    let mut sending =
        updates::send_until_stopped(plan.targets, plan.arguments, plan.rate, config, stop);
    while let Some(outcome) = sending.next().await {
        let (target, sent) = outcome?;
        // A call the service no longer knows, that the journal shows chimecall placed, is gone.
        let placed = match &sent {
            Sent::Answered(Err(error)) if error.is_not_found() => journal
                .dial_by_transaction(&target.transaction_id)
                .await
                .is_ok_and(|dial| {
                    dial.is_some_and(|dial| {
                        dial.transaction_id.as_deref() == Some(target.transaction_id.as_str())
                    })
                }),
            _ => false,
        };
        let report = match sent {
            Sent::NotSent => {
                not_sent.push(target.clone());
                Updated::new(&target, UpdateResult::NotSent, None)
            }
            Sent::Answered(Ok(())) => {
                note(journal, &target.transaction_id, "hangup_requested", output).await;
                accepted.push(target.clone());
                Updated::new(&target, UpdateResult::Accepted, None)
            }
            Sent::Answered(Err(error)) if error.is_not_found() && placed => {
                note(journal, &target.transaction_id, "ended", output).await;
                output.note(format!("{}: already ended", target.transaction_id));
                Updated::new(&target, UpdateResult::Gone, None)
            }
            Sent::Answered(Err(error)) => {
                let exit = error.exit();
                failures.push(exit);
                output.error(updates::describe_failure(&target.transaction_id, &error));
                Updated::new(
                    &target,
                    UpdateResult::Failed,
                    Some(ErrorNote::of(&error, exit)),
                )
            }
        };
        if report.result == UpdateResult::Accepted || output.is_json() {
            output.result(&report)?;
        }
    }
    // After an interrupt, no wait: it would start new requests.
    if let Some(wait) = plan.wait.filter(|_| !stop.is_stopped()) {
        if let Err(exit) = confirm_hangups(&accepted, wait, updates_started_ms, session).await {
            failures.push(exit);
        }
    }
    if stop.is_stopped() {
        return Err(updates::interrupted(&not_sent, total, "hangup", output.is_json()).into());
    }
    updates::exit_of(&failures).map_err(Into::into)
}

/// Notes a state in the journal; a failure to write is only a warning.
async fn note(journal: &Journal, transaction_id: &str, state: &str, output: &Output) {
    let note = StateNote::new(transaction_id, state, "hangup");
    if let Err(failure) = journal.append(Record::State(note)).await {
        output.error(failure);
    }
}

/// Waits for the final HANGUP of each call (all followed at once, through one poller per log
/// group); reports each that does not come. An interrupt cuts the wait short.
async fn confirm_hangups(
    targets: &[Target],
    wait: HangupWait,
    since_ms: i64,
    session: &Session<'_>,
) -> Result<(), Exit> {
    let Session {
        config,
        journal,
        output,
        stop,
    } = *session;
    let pollers = Pollers::new(config, wait.logs_rate, None);
    let started = std::time::Instant::now();
    let mut watches = Vec::with_capacity(targets.len());
    for target in targets {
        let source = LogSource {
            sma_id: Some(target.sma_id.clone()),
            log_group: wait.log_group.clone(),
            start_ms: since_ms - follow::CLOCK_SKEW_MS,
        };
        let log_group = follow::log_group_of(&source, config)
            .await
            .map_err(|failure| {
                output.error(&failure);
                failure.exit
            })?;
        watches.push(pollers.watch(&log_group, &target.transaction_id, source.start_ms));
    }
    let mut first_failure = None;
    for watch in &mut watches {
        let left = wait.timeout.saturating_sub(started.elapsed());
        let transaction_id = watch.transaction_id().to_string();
        match follow::wait_for(watch, WaitFor::Ended, left, stop, output).await {
            Ok(_) => output.note(format!("{transaction_id}: HANGUP confirmed")),
            // Ended, never answered: the hangup is just as confirmed.
            Err(failure) if failure.exit == Exit::Unanswered => output.note(format!(
                "{transaction_id}: HANGUP confirmed (the call was never answered)"
            )),
            Err(failure) => {
                output.error(&failure);
                first_failure.get_or_insert(failure.exit);
                if failure.exit == Exit::Interrupted {
                    break;
                }
            }
        }
        let phase = watch.tracker().phase();
        if matches!(phase, CallPhase::Ended { .. }) {
            let disposition = Disposition::of_call(&watch.tracker().facts(), &Success::Answered);
            if let Err(failure) = journal::record_phase(
                journal,
                &transaction_id,
                &phase,
                Some(&disposition),
                "hangup --wait",
            )
            .await
            {
                output.error(failure);
            }
        }
    }
    first_failure.map_or(Ok(()), Err)
}

/// `hangup -`: one TransactionId per line; blank lines and surrounding quotes (jq without -r) are ignored.
fn read_ids_from_stdin() -> Result<Vec<String>, Failure> {
    use std::io::BufRead;
    let mut ids = Vec::new();
    for (number, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.map_err(|e| Failure::usage(format!("stdin line {}: {e}", number + 1)))?;
        let id = line.trim().trim_matches('"');
        if !id.is_empty() {
            ids.push(id.to_string());
        }
    }
    Ok(ids)
}
