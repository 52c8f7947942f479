//! `chimecall hangup`: ends calls by UpdateSipMediaApplicationCall with Arguments
//! `{"action":"hangup"}` (the AWS samples' convention), one id, several, `-` (ids on stdin) or
//! `--all` (every journal call not known to have ended); `--wait` confirms each by its HANGUP.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_config::SdkConfig;

use super::Context;
use crate::bad_records::{self, Skipped};
use crate::call::{parse_pairs, CallPhase, Disposition, Success};
use crate::cli::HangupArgs;
use crate::exit::{Exit, Failure};
use crate::follow::{self, LogSource, Pollers, WaitFor};
use crate::journal::{self, ErrorNote, Journal, OutcomeKind, Record, StateNote};
use crate::output::Output;
use crate::settings::Setting;
use crate::signals::StopWatch;
use crate::updates::{self, Sent, Target, UpdateResult, Updated};
use chimecall_model::rules::quoted;

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
    let arguments = if args.args.is_empty() {
        updates::hangup_arguments()
    } else {
        parse_pairs("--arg", &args.args)?
    };
    // A bad journal record or stdin line is reported and skipped: the rest are still ended.
    let mut skipped = Skipped::default();
    let result = hang_up_targets(args, arguments, context, &mut skipped).await;
    skipped.after(result)
}

async fn hang_up_targets(
    args: HangupArgs,
    arguments: BTreeMap<String, String>,
    context: &Context,
    skipped: &mut Skipped,
) -> anyhow::Result<()> {
    let output = &context.output;
    let (targets, source) = if args.all {
        let journal = context.journal().await?;
        let batch = match args.batch.as_deref() {
            Some(name) => Some(crate::campaign::batch_in(&journal, name).await?),
            None => None,
        };
        let since_ms = args.since.map(|since| since.start_ms());
        let targets = journal_targets(&journal, since_ms, batch, output, skipped).await?;
        (targets, "the journal")
    } else {
        let sma_id = context.sma_id(args.target.sma_id).await?;
        let (ids, source) = if args.transaction_ids == ["-"] {
            (read_ids_from_stdin(output, skipped)?, "stdin")
        } else {
            (args.transaction_ids, "TRANSACTION_ID")
        };
        let targets = ids
            .into_iter()
            .map(|transaction_id| Target {
                sma_id: sma_id.clone(),
                transaction_id,
            })
            .collect();
        (targets, source)
    };
    if targets.is_empty() {
        output.note(if args.all {
            "no call in the journal is still active"
        } else {
            "no transaction ids on stdin"
        });
        return Ok(());
    }
    updates::check(&targets, &arguments, source)?;
    let wait = match args.wait {
        false => None,
        true => Some(HangupWait {
            timeout: args.timeout,
            log_group: context.setting(Setting::LogGroup, args.log_group).await?,
            logs_rate: context.logs_rate,
        }),
    };
    let config = context.sdk_config().await?;
    let journal = context.journal().await?;
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
    journal: &Journal,
    since_ms: Option<i64>,
    batch: Option<String>,
    output: &Output,
    skipped: &mut Skipped,
) -> Result<Vec<Target>, Failure> {
    let entries: Vec<_> = journal
        .open_dials(since_ms)
        .await?
        .into_iter()
        .filter(|entry| batch.is_none() || entry.batch == batch)
        .collect();
    let entries = skipped.good_dials(entries, output);
    let unknown = entries
        .iter()
        .filter(|e| e.outcome == OutcomeKind::Unknown)
        .count();
    if unknown > 0 {
        output.note(format!(
            "warning: {} an unknown outcome: a call may be live for each, with no \
             TransactionId to hang it up by; `chimecall resolve` finds them",
            crate::text::count(unknown, "dial has", "dials have")
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
            "ending {} at {} a second (--rate: a fresh account's UpdateSipMediaApplicationCall quota is {} a second)",
            crate::text::count(total, "call", "calls"),
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

/// `hangup -`: one TransactionId per line; blank lines and surrounding quotes (jq without -r) are
/// ignored. A line that is not an id (not UTF-8, a control character, longer than any id) is
/// reported by its number and skipped; a line is read only up to a bound, however long it is.
fn read_ids_from_stdin(output: &Output, skipped: &mut Skipped) -> Result<Vec<String>, Failure> {
    let mut stdin = std::io::stdin().lock();
    let mut ids = Vec::new();
    let mut number = 0;
    while let Some(line) = bounded_line(&mut stdin, MAX_STDIN_LINE)
        .map_err(|e| Failure::usage(format!("stdin line {}: {e}", number + 1)))?
    {
        number += 1;
        let problem = match line {
            StdinLine::TooLong(length) => format!("{length} bytes or more, longer than any id"),
            StdinLine::Text(bytes) => match String::from_utf8(bytes) {
                Err(error) => format!(
                    "not UTF-8 text (starts {})",
                    quoted(&String::from_utf8_lossy(error.as_bytes()))
                ),
                Ok(text) => {
                    let id = text.trim().trim_matches('"');
                    if id.is_empty() {
                        continue;
                    }
                    match bad_records::id_problem("TransactionId", id) {
                        None => {
                            ids.push(id.to_string());
                            continue;
                        }
                        Some(problem) => problem,
                    }
                }
            },
        };
        skipped.bad_line("stdin", number, &problem, output);
    }
    Ok(ids)
}

/// `hangup -` keeps at most this much of one stdin line (an id is far shorter).
const MAX_STDIN_LINE: usize = 4_096;

enum StdinLine {
    Text(Vec<u8>),
    /// Longer than the bound: the bytes read of it (at least the bound); the rest was skipped.
    TooLong(usize),
}

/// The next line of `input` (without its line feed), holding at most `limit` bytes of it.
fn bounded_line(
    input: &mut impl std::io::BufRead,
    limit: usize,
) -> std::io::Result<Option<StdinLine>> {
    let mut line = Vec::new();
    let mut length = 0usize;
    let mut any = false;
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            break;
        }
        any = true;
        let (chunk, ends) = match buffer.iter().position(|&b| b == b'\n') {
            Some(end) => (&buffer[..end], true),
            None => (buffer, false),
        };
        length = length.saturating_add(chunk.len());
        if line.len() < limit {
            let room = limit - line.len();
            line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
        let used = chunk.len() + usize::from(ends);
        input.consume(used);
        if ends {
            break;
        }
    }
    Ok(match (any, length > limit) {
        (false, _) => None,
        (true, true) => Some(StdinLine::TooLong(length)),
        (true, false) => Some(StdinLine::Text(line)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdin_lines_are_bounded() {
        let long = "x".repeat(10_000);
        let text = format!("a\n{long}\nb");
        let mut input = std::io::Cursor::new(text.into_bytes());
        let mut lines = Vec::new();
        while let Some(line) = bounded_line(&mut input, 100).unwrap() {
            lines.push(match line {
                StdinLine::Text(bytes) => String::from_utf8(bytes).unwrap(),
                StdinLine::TooLong(length) => format!("too long: {length}"),
            });
        }
        assert_eq!(lines, ["a", "too long: 10000", "b"]);
    }
}
