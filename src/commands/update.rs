//! `chimecall hangup` and `chimecall update`: UpdateSipMediaApplicationCall on one or more calls,
//! and `hangup --wait`, which confirms each hangup by its HANGUP event.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use aws_config::SdkConfig;
use serde::Serialize;
use tokio::sync::Semaphore;

use crate::aws::{self, ApiError};
use crate::commands::dial::record_state;
use crate::commands::tail::{self, EventSource, WaitFor};
use crate::event::CallPhase;
use crate::exit::{Exit, Failure};
use crate::follow::CallFollower;
use crate::journal::{Journal, Record, StateNote};
use crate::output::Output;
use chimecall_model::rules;

/// Updates in flight at once when there are many calls (`hangup --all`, `hangup -`).
const UPDATES_IN_FLIGHT: usize = 8;

/// The samples' convention: the handler maps this to a Hangup action.
pub fn hangup_arguments() -> BTreeMap<String, String> {
    BTreeMap::from([("action".to_string(), "hangup".to_string())])
}

/// One call to update.
#[derive(Debug, Clone)]
pub struct Target {
    pub sma_id: String,
    pub transaction_id: String,
}

/// `hangup --wait`: confirm each accepted hangup by its HANGUP event in the handler's logs.
pub struct HangupWait {
    pub timeout: std::time::Duration,
    pub log_group: Option<String>,
}

/// What to send, and what to do around it.
pub struct UpdateJob<'a> {
    pub targets: Vec<Target>,
    pub arguments: BTreeMap<String, String>,
    pub wait: Option<HangupWait>,
    /// Where to note what was learned (hangup requested, call ended).
    pub journal: Option<&'a Journal>,
    /// The update is a hangup: an accepted one is noted as `hangup_requested`.
    pub is_hangup: bool,
    /// `hangup --all`: a call the service no longer knows has ended, which is what was wanted.
    pub gone_is_done: bool,
}

/// The answer for one transaction. Text form: the TransactionId of an accepted update.
#[derive(Debug, Serialize)]
pub struct Updated {
    pub transaction_id: String,
    pub sma_id: String,
    /// "accepted", "gone" (already ended, with --all), or "failed" with `error`.
    pub result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorReport>,
}

#[derive(Debug, Serialize)]
pub struct ErrorReport {
    pub code: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
    pub exit_code: i32,
}

impl fmt::Display for Updated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.transaction_id)
    }
}

/// The one-call form used by `update` and the demo.
pub async fn update_calls(
    sma_id: &str,
    transaction_ids: &[String],
    arguments: &BTreeMap<String, String>,
    config: &SdkConfig,
    output: &Output,
) -> anyhow::Result<()> {
    let job = UpdateJob {
        targets: transaction_ids
            .iter()
            .map(|id| Target {
                sma_id: sma_id.to_string(),
                transaction_id: id.clone(),
            })
            .collect(),
        arguments: arguments.clone(),
        wait: None,
        journal: None,
        is_hangup: false,
        gone_is_done: false,
    };
    run(job, config, output).await
}

/// Sends the Arguments to every target. Accepted ones are reported on stdout (text: the
/// TransactionId; JSON: every outcome), failures on stderr. The exit code is 0 when all were
/// accepted, 7 when every failure is "not found or ended", else the first other failure's.
pub async fn run(job: UpdateJob<'_>, config: &SdkConfig, output: &Output) -> anyhow::Result<()> {
    let updates_started_ms = tail::now_ms();
    // Updates in flight finish whatever happens; a Ctrl-C only cuts a --wait short.
    let stop = crate::signals::StopWatch::start();
    rules::check_map_size("Arguments", &job.arguments)
        .map_err(|v| Failure::usage(format!("--arg: {v}")))?;
    for target in &job.targets {
        rules::check_path_id("TransactionId", &target.transaction_id)
            .map_err(|v| Failure::usage(format!("TRANSACTION_ID: {}", v.problem)))?;
    }
    let client = aws::voice_client(config);
    let arguments = Arc::new(job.arguments.clone());
    let slots = Arc::new(Semaphore::new(UPDATES_IN_FLIGHT));
    // Sent concurrently, reported in the order given.
    let mut in_flight = Vec::with_capacity(job.targets.len());
    for target in job.targets.iter().cloned() {
        let (client, arguments, slots) =
            (client.clone(), Arc::clone(&arguments), Arc::clone(&slots));
        in_flight.push(tokio::spawn(async move {
            let _slot = slots.acquire_owned().await;
            let outcome =
                aws::update_call(&client, &target.sma_id, &target.transaction_id, &arguments).await;
            (target, outcome)
        }));
    }
    let mut failures: Vec<Exit> = Vec::new();
    let mut accepted: Vec<Target> = Vec::new();
    for handle in in_flight {
        let (target, outcome) = handle
            .await
            .map_err(|e| Failure::new(Exit::Failure, e.to_string()))?;
        let report = match outcome {
            Ok(_) => {
                if job.is_hangup {
                    note(
                        job.journal,
                        &target.transaction_id,
                        "hangup_requested",
                        None,
                        output,
                    )
                    .await;
                }
                accepted.push(target.clone());
                updated(&target, "accepted", None)
            }
            Err(error) if error.is_not_found() && job.gone_is_done => {
                note(job.journal, &target.transaction_id, "ended", None, output).await;
                output.note(format!("{}: already ended", target.transaction_id));
                updated(&target, "gone", None)
            }
            Err(error) => {
                if error.is_not_found() {
                    note(job.journal, &target.transaction_id, "ended", None, output).await;
                }
                let exit = error.exit();
                failures.push(exit);
                output.error(describe_failure(&target.transaction_id, &error));
                updated(&target, "failed", Some(error_report(&error, exit)))
            }
        };
        if report.error.is_none() || output.is_json() {
            output.result(&report)?;
        }
    }
    if let Some(wait) = job.wait {
        if let Err(exit) = confirm_hangups(
            &stop,
            &accepted,
            wait,
            updates_started_ms,
            job.journal,
            config,
            output,
        )
        .await
        {
            failures.push(exit);
        }
    }
    if stop.is_stopped() {
        return Err(Failure::new(Exit::Interrupted, "interrupted").into());
    }
    match failures.iter().find(|exit| **exit != Exit::NotFound) {
        // Each failure was reported as it happened: only the exit code is left to give.
        Some(exit) => Err(Failure::new(*exit, "").into()),
        None if !failures.is_empty() => Err(Failure::new(Exit::NotFound, "").into()),
        None => Ok(()),
    }
}

fn updated(target: &Target, result: &'static str, error: Option<ErrorReport>) -> Updated {
    Updated {
        transaction_id: target.transaction_id.clone(),
        sma_id: target.sma_id.clone(),
        result,
        error,
    }
}

fn error_report(error: &ApiError, exit: Exit) -> ErrorReport {
    ErrorReport {
        code: error.code.clone(),
        message: error.message.clone(),
        request_id: error.request_id.clone(),
        exit_code: exit.code(),
    }
}

/// Notes a state in the journal, if there is one; a failure to write is only a warning.
async fn note(
    journal: Option<&Journal>,
    transaction_id: &str,
    state: &str,
    answered: Option<bool>,
    output: &Output,
) {
    let Some(journal) = journal else { return };
    let note = StateNote {
        transaction_id: transaction_id.to_string(),
        state: state.to_string(),
        answered,
        sip_response_code: None,
        source: "hangup".to_string(),
    };
    if let Err(failure) = journal.append(Record::State(note)).await {
        output.error(failure);
    }
}

/// Waits for the final HANGUP of each call; reports each that does not come.
async fn confirm_hangups(
    stop: &crate::signals::StopWatch,
    targets: &[Target],
    wait: HangupWait,
    since_ms: i64,
    journal: Option<&Journal>,
    config: &SdkConfig,
    output: &Output,
) -> Result<(), Exit> {
    let deadline = std::time::Instant::now() + wait.timeout;
    let mut log_groups: HashMap<String, String> = HashMap::new();
    let mut first_failure = None;
    for target in targets {
        let source = EventSource {
            sma_id: Some(target.sma_id.clone()),
            log_group: wait.log_group.clone(),
            start_ms: since_ms - 5_000,
        };
        let log_group = match log_groups.get(&target.sma_id) {
            Some(group) => group.clone(),
            None => {
                let group = tail::resolve_log_group(&source, config)
                    .await
                    .map_err(|failure| {
                        output.error(&failure);
                        failure.exit
                    })?;
                log_groups.insert(target.sma_id.clone(), group.clone());
                group
            }
        };
        let mut follower = CallFollower::new(
            aws::logs_client(config),
            log_group,
            target.transaction_id.clone(),
            source.start_ms,
        );
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let transaction_id = &target.transaction_id;
        match tail::wait_for(&mut follower, WaitFor::Ended, left, stop, output).await {
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
        if let (Some(journal), phase @ CallPhase::Ended { .. }) =
            (journal, follower.tracker().phase())
        {
            record_state(journal, transaction_id, &phase, "hangup --wait", output).await;
        }
    }
    first_failure.map_or(Ok(()), Err)
}

fn describe_failure(transaction_id: &str, error: &ApiError) -> String {
    if error.is_not_found() {
        format!(
            "{transaction_id}: no such call in progress (it does not exist or has already ended): {}",
            error.describe()
        )
    } else {
        format!("{transaction_id}: {}", error.describe())
    }
}
