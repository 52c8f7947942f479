//! Sending UpdateSipMediaApplicationCall to one call or many: a few at a time, each answer
//! reported in the order the calls were given, whatever order they come back in.

use std::collections::{BTreeMap, VecDeque};
use std::fmt;
use std::sync::Arc;

use aws_config::SdkConfig;
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use crate::aws::{self, ApiError};
use crate::exit::{Exit, Failure};
use crate::ids;
use crate::journal::ErrorNote;
use crate::pacing::Pacer;
use crate::signals::StopWatch;
use chimecall_model::{quotas, rules};

/// Updates in flight at once when there are many calls (`hangup --all`, `hangup -`).
const UPDATES_IN_FLIGHT: usize = 8;

/// Eight updates in flight at once meet more jitter on their way than one create at a time: room
/// for it in each one-second window costs 5% of the rate at 5 a second.
const UPDATE_WINDOW_MARGIN: std::time::Duration = std::time::Duration::from_millis(50);

/// A fresh account's UpdateSipMediaApplicationCall quota, per second: the default pace of many
/// updates, so that ending a hundred calls is not a hundred throttles.
pub(crate) const DEFAULT_UPDATE_RATE: f64 = quotas::UPDATE_CALL_RATE as f64;

/// The Arguments that end a call, by the AWS samples' convention: the handler maps them to a
/// Hangup action (`hangup`, a bulk run's `--hangup-on-interrupt`, the demo).
pub(crate) fn hangup_arguments() -> BTreeMap<String, String> {
    BTreeMap::from([("action".to_string(), "hangup".to_string())])
}

/// One call to update.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    pub(crate) sma_id: String,
    pub(crate) transaction_id: String,
}

/// Checks the Arguments, and every target's ids (`ids`), before anything is sent. `source` names
/// where the targets came from (`TRANSACTION_ID`, `stdin`, `the journal`).
pub(crate) fn check(
    targets: &[Target],
    arguments: &BTreeMap<String, String>,
    source: &str,
) -> Result<(), Failure> {
    rules::check_map_size("Arguments", arguments)
        .map_err(|v| Failure::usage(format!("--arg: {v}")))?;
    for target in targets {
        ids::check_sma_id(&target.sma_id, source)?;
        ids::check_transaction_id(&target.transaction_id, source)?;
    }
    Ok(())
}

/// What became of one update that was due.
#[derive(Debug)]
pub(crate) enum Sent {
    /// The service answered (or the request failed on its way): the update's outcome.
    Answered(Result<(), ApiError>),
    /// An interrupt came before its turn: nothing was sent.
    NotSent,
}

/// Updates under way, a few at a time and at most `rate` a second: [`Sending::next`] gives each
/// target's outcome in target order, whatever order the answers come back in.
pub(crate) struct Sending {
    in_flight: VecDeque<JoinHandle<(Target, Sent)>>,
}

/// Sends `arguments` to every target, a few at a time and at most `rate` a second (0: no limit),
/// whatever signals come (a bulk run's `--hangup-on-interrupt`, sent after the interrupt); the
/// answers come back in target order.
pub(crate) async fn send_all(
    targets: Vec<Target>,
    arguments: BTreeMap<String, String>,
    rate: f64,
    config: &SdkConfig,
) -> Result<Vec<(Target, Result<(), ApiError>)>, Failure> {
    let mut sending = start_sending(targets, arguments, rate, config, None);
    let mut answers = Vec::with_capacity(sending.in_flight.len());
    while let Some(outcome) = sending.next().await {
        if let (target, Sent::Answered(answer)) = outcome? {
            answers.push((target, answer));
        }
    }
    Ok(answers)
}

/// Starts sending `arguments` to every target, a few at a time and at most `rate` a second (0:
/// no limit), until `stop` says stop: from its first signal on no update is sent, those already
/// sent finish, and the rest come back [`Sent::NotSent`].
pub(crate) fn send_until_stopped(
    targets: Vec<Target>,
    arguments: BTreeMap<String, String>,
    rate: f64,
    config: &SdkConfig,
    stop: &StopWatch,
) -> Sending {
    start_sending(targets, arguments, rate, config, Some(stop.clone()))
}

fn start_sending(
    targets: Vec<Target>,
    arguments: BTreeMap<String, String>,
    rate: f64,
    config: &SdkConfig,
    stop: Option<StopWatch>,
) -> Sending {
    let client = aws::voice_client(config);
    let arguments = Arc::new(arguments);
    let slots = Arc::new(Semaphore::new(UPDATES_IN_FLIGHT));
    let pacer = Arc::new(Pacer::with_margin(rate, UPDATE_WINDOW_MARGIN));
    let mut in_flight = VecDeque::with_capacity(targets.len());
    for target in targets {
        let (client, arguments, slots, pacer, stop) = (
            client.clone(),
            Arc::clone(&arguments),
            Arc::clone(&slots),
            Arc::clone(&pacer),
            stop.clone(),
        );
        in_flight.push_back(tokio::spawn(async move {
            let update = Update {
                client: &client,
                target: &target,
                arguments: &arguments,
            };
            let sent = update.paced(&slots, &pacer, stop.as_ref()).await;
            (target, sent)
        }));
    }
    Sending { in_flight }
}

/// A throttled update is sent at most this many times: each time after the pacer's pause.
const MAX_THROTTLED_SENDS: u32 = 8;

/// One update of many.
struct Update<'a> {
    client: &'a aws_sdk_chimesdkvoice::Client,
    target: &'a Target,
    arguments: &'a BTreeMap<String, String>,
}

impl Update<'_> {
    /// Sends the update when its turn comes (a slot, and the pacer's start); one the service
    /// did not act on (throttled, no connection) goes again at a later turn, so retries are paced
    /// with the rest. After a signal nothing more is sent: [`Sent::NotSent`].
    async fn paced(&self, slots: &Arc<Semaphore>, pacer: &Pacer, stop: Option<&StopWatch>) -> Sent {
        let mut sends = 0;
        loop {
            let turn = async {
                let slot = Arc::clone(slots).acquire_owned().await;
                let started = pacer.until_ready().await;
                (slot, started)
            };
            let stopped = async {
                match stop {
                    Some(stop) => stop.stopped().await,
                    None => std::future::pending().await,
                }
            };
            let (_slot, started) = tokio::select! {
                biased;
                _ = stopped => return Sent::NotSent,
                turn = turn => turn,
            };
            if stop.is_some_and(StopWatch::is_stopped) {
                return Sent::NotSent;
            }
            let target = self.target;
            let answer = aws::update_call_once(
                self.client,
                &target.sma_id,
                &target.transaction_id,
                self.arguments,
            )
            .await
            .map(|_| ());
            sends += 1;
            match answer {
                Err(error) if error.not_acted_on() && sends < MAX_THROTTLED_SENDS => {
                    if error.is_throttle() {
                        pacer.throttled();
                    }
                }
                answer => {
                    if !matches!(&answer, Err(error) if error.is_throttle()) {
                        pacer.succeeded(started);
                    }
                    return Sent::Answered(answer);
                }
            }
        }
    }
}

impl Sending {
    /// The next target's outcome, in target order; `None` once every one has been given.
    pub(crate) async fn next(&mut self) -> Option<Result<(Target, Sent), Failure>> {
        let handle = self.in_flight.pop_front()?;
        Some(
            handle
                .await
                .map_err(|e| Failure::new(Exit::Failure, e.to_string())),
        )
    }
}

/// What an update came to: `result` in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum UpdateResult {
    /// The service accepted it.
    Accepted,
    /// `hangup`: the service no longer knows a call the journal shows chimecall placed: it has
    /// already ended.
    Gone,
    /// Refused or lost: `error` says why.
    Failed,
    /// An interrupt came first: it was never sent.
    NotSent,
}

/// The answer for one transaction. Text form: the TransactionId of an accepted update.
#[derive(Debug, Serialize)]
pub(crate) struct Updated {
    pub(crate) transaction_id: String,
    pub(crate) sma_id: String,
    pub(crate) result: UpdateResult,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<ErrorNote>,
}

impl Updated {
    pub(crate) fn new(target: &Target, result: UpdateResult, error: Option<ErrorNote>) -> Updated {
        Updated {
            transaction_id: target.transaction_id.clone(),
            sma_id: target.sma_id.clone(),
            result,
            error,
        }
    }
}

impl fmt::Display for Updated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.transaction_id)
    }
}

/// The failure that ends updates cut short by an interrupt (exit 130). With some not sent, it
/// names them: in text, one TransactionId a line after the count; in JSON only the count (each
/// is on stdout with `"result":"not_sent"`). `what` names one update: "hangup", "update".
pub(crate) fn interrupted(not_sent: &[Target], total: usize, what: &str, json: bool) -> Failure {
    let message = match not_sent.len() {
        0 => "interrupted".to_string(),
        count if json => format!(
            "interrupted: {count} of {} not reached (no {what} sent; \"result\":\"not_sent\" on stdout)",
            crate::text::count(total, "call", "calls")
        ),
        count => {
            let mut message = format!(
                "interrupted: {count} of {} not reached (no {what} sent):",
                crate::text::count(total, "call", "calls")
            );
            for target in not_sent {
                message.push('\n');
                message.push_str(&target.transaction_id);
            }
            message
        }
    };
    Failure::new(Exit::Interrupted, message)
}

/// One line for stderr about a failed update.
pub(crate) fn describe_failure(transaction_id: &str, error: &ApiError) -> String {
    if error.is_not_found() {
        format!(
            "{transaction_id}: no such call in progress (it does not exist or has already ended): {}",
            error.describe()
        )
    } else {
        format!("{transaction_id}: {}", error.describe())
    }
}

/// The exit code of a batch of updates: 0 when all were accepted, 7 when every failure is "not
/// found or ended", else the first other failure's.
pub(crate) fn exit_of(failures: &[Exit]) -> Result<(), Failure> {
    match failures.iter().find(|exit| **exit != Exit::NotFound) {
        // Each failure was reported as it happened: only the exit code is left to give.
        Some(exit) => Err(Failure::new(*exit, "")),
        None if !failures.is_empty() => Err(Failure::new(Exit::NotFound, "")),
        None => Ok(()),
    }
}
