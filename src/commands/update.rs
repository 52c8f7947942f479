//! `chimecall hangup` and `chimecall update`: UpdateSipMediaApplicationCall on one or more calls.

use std::collections::BTreeMap;
use std::fmt;

use aws_config::SdkConfig;
use serde::Serialize;

use crate::aws::{self, ApiError};
use crate::commands::tail::{self, EventSource, WaitFor};
use crate::exit::{Exit, Failure};
use crate::follow::CallFollower;
use crate::output::Output;
use crate::rules;

/// The samples' convention: the handler maps this to a Hangup action.
pub fn hangup_arguments() -> BTreeMap<String, String> {
    BTreeMap::from([("action".to_string(), "hangup".to_string())])
}

/// The answer for one transaction. Text form: the TransactionId of an accepted update.
#[derive(Debug, Serialize)]
pub struct Updated {
    pub transaction_id: String,
    pub sma_id: String,
    /// "accepted", or "failed" with `error`.
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

/// Sends the same Arguments to each transaction in turn. Accepted ones are reported on stdout
/// (text: the TransactionId; JSON: every outcome), failures on stderr. The exit code is 0 when
/// all were accepted, 7 when every failure is "not found or ended", else the first other failure's.
/// `hangup --wait`: confirm each accepted hangup by its HANGUP event in the handler's logs.
pub struct HangupWait {
    pub timeout: std::time::Duration,
    pub log_group: Option<String>,
}

pub async fn update_calls(
    sma_id: &str,
    transaction_ids: &[String],
    arguments: &BTreeMap<String, String>,
    config: &SdkConfig,
    output: &Output,
) -> anyhow::Result<()> {
    update_calls_and_wait(sma_id, transaction_ids, arguments, None, config, output).await
}

pub async fn update_calls_and_wait(
    sma_id: &str,
    transaction_ids: &[String],
    arguments: &BTreeMap<String, String>,
    wait: Option<HangupWait>,
    config: &SdkConfig,
    output: &Output,
) -> anyhow::Result<()> {
    let updates_started_ms = tail::now_ms();
    rules::check_map_size("Arguments", arguments)
        .map_err(|v| Failure::usage(format!("--arg: {v}")))?;
    for id in transaction_ids {
        rules::check_path_id("TransactionId", id)
            .map_err(|v| Failure::usage(format!("TRANSACTION_ID: {}", v.problem)))?;
    }
    let client = aws::voice_client(config);
    let mut failures: Vec<Exit> = Vec::new();
    let mut accepted: Vec<&String> = Vec::new();
    for transaction_id in transaction_ids {
        let outcome = aws::update_call(&client, sma_id, transaction_id, arguments).await;
        let report = match outcome {
            Ok(_) => {
                accepted.push(transaction_id);
                Updated {
                    transaction_id: transaction_id.clone(),
                    sma_id: sma_id.to_string(),
                    result: "accepted",
                    error: None,
                }
            }
            Err(error) => {
                let exit = error.exit();
                failures.push(exit);
                output.error(describe_failure(transaction_id, &error));
                Updated {
                    transaction_id: transaction_id.clone(),
                    sma_id: sma_id.to_string(),
                    result: "failed",
                    error: Some(ErrorReport {
                        code: error.code.clone(),
                        message: error.message.clone(),
                        request_id: error.request_id.clone(),
                        exit_code: exit.code(),
                    }),
                }
            }
        };
        if report.error.is_none() || output.is_json() {
            output.result(&report)?;
        }
    }
    if let Some(wait) = wait {
        if let Err(exit) =
            confirm_hangups(sma_id, &accepted, wait, updates_started_ms, config, output).await
        {
            failures.push(exit);
        }
    }
    match failures.iter().find(|exit| **exit != Exit::NotFound) {
        // Each failure was reported as it happened: only the exit code is left to give.
        Some(exit) => Err(Failure::new(*exit, "").into()),
        None if !failures.is_empty() => Err(Failure::new(Exit::NotFound, "").into()),
        None => Ok(()),
    }
}

/// Waits for the final HANGUP of each call; reports each that does not come.
async fn confirm_hangups(
    sma_id: &str,
    transaction_ids: &[&String],
    wait: HangupWait,
    since_ms: i64,
    config: &SdkConfig,
    output: &Output,
) -> Result<(), Exit> {
    let source = EventSource {
        sma_id: Some(sma_id.to_string()),
        log_group: wait.log_group,
        start_ms: since_ms - 5_000,
    };
    let log_group = tail::resolve_log_group(&source, config)
        .await
        .map_err(|failure| {
            output.error(&failure);
            failure.exit
        })?;
    let deadline = std::time::Instant::now() + wait.timeout;
    let mut first_failure = None;
    for transaction_id in transaction_ids {
        let mut follower = CallFollower::new(
            aws::logs_client(config),
            log_group.clone(),
            transaction_id.to_string(),
            source.start_ms,
        );
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match tail::wait_for(&mut follower, WaitFor::Ended, left, output).await {
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
