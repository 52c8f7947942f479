//! `chimecall dial`: CreateSipMediaApplicationCall, and the TransactionId it returns.

use std::fmt;

use aws_config::SdkConfig;
use serde::Serialize;
use serde_json::json;

use crate::aws;
use crate::call::CallRequest;
use crate::commands::placing::{self, DialResult, PlaceError, SendOptions, ThrottlePolicy};
use crate::commands::resolve as commands_resolve;
use crate::commands::tail::{self, EventSource, WaitFor};
use crate::event::CallPhase;
use crate::exit::{Exit, Failure};
use crate::journal::{Journal, Record, StateNote};
use crate::output::Output;
use crate::resolve::Resolution;

/// A placed call. Text form: the TransactionId alone, so `TX=$(chimecall dial ...)` works.
#[derive(Debug, Serialize)]
pub struct Dialed {
    pub transaction_id: String,
    pub sma_id: String,
    pub from: String,
    pub to: String,
    /// With --wait: what the call was last known to be: dialing, ringing, answered, ended, unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<&'static str>,
    /// With --wait, once ended: the final HANGUP's SIP response code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sip_response_code: Option<String>,
    /// With --wait: whether the call was answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered: Option<bool>,
}

impl Dialed {
    fn placed(transaction_id: String, call: CallRequest) -> Dialed {
        Dialed {
            transaction_id,
            sma_id: call.sma_id,
            from: call.from,
            to: call.to,
            state: None,
            sip_response_code: None,
            answered: None,
        }
    }
}

impl fmt::Display for Dialed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.transaction_id)
    }
}

/// What `--dry-run` shows: the request exactly as it would go on the wire, minus the signature.
#[derive(Debug, Serialize)]
pub struct DryRun {
    pub dry_run: bool,
    pub operation: &'static str,
    pub method: &'static str,
    pub path: String,
    pub region: Option<String>,
    pub endpoint: String,
    pub body: serde_json::Value,
}

impl DryRun {
    pub fn new(call: &CallRequest, config: &SdkConfig) -> DryRun {
        let mut body = json!({
            "FromPhoneNumber": call.from,
            "ToPhoneNumber": call.to,
        });
        if !call.arguments.is_empty() {
            body["ArgumentsMap"] = json!(call.arguments);
        }
        if !call.sip_headers.is_empty() {
            body["SipHeaders"] = json!(call.sip_headers);
        }
        let region = config.region().map(|r| r.to_string());
        let endpoint = match (endpoint_override(config), &region) {
            (Some(url), _) => url,
            (None, Some(region)) => format!("https://voice-chime.{region}.amazonaws.com"),
            (None, None) => "(no region configured)".to_string(),
        };
        DryRun {
            dry_run: true,
            operation: "CreateSipMediaApplicationCall",
            method: "POST",
            path: format!("/sip-media-applications/{}/calls", call.sma_id),
            region,
            endpoint,
            body,
        }
    }
}

/// The endpoint a request would go to when not AWS's own, by the SDK's precedence: an endpoint set
/// on the command line (already in `config`), the Chime SDK Voice variable, then the global one.
fn endpoint_override(config: &SdkConfig) -> Option<String> {
    let from_flag_or_global = config.endpoint_url().map(str::to_string);
    let service_variable = std::env::var("AWS_ENDPOINT_URL_CHIME_SDK_VOICE")
        .ok()
        .filter(|url| !url.is_empty());
    let global_variable = std::env::var("AWS_ENDPOINT_URL").ok();
    match (&from_flag_or_global, service_variable) {
        // The config's endpoint came from AWS_ENDPOINT_URL (or the profile): the service's own
        // variable wins over it.
        (Some(url), Some(service)) if global_variable.as_deref() == Some(url.as_str()) => {
            Some(service)
        }
        (Some(url), _) => Some(url.clone()),
        (None, service) => service,
    }
}

impl fmt::Display for DryRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "# dry run: nothing is sent, no call is placed")?;
        writeln!(f, "# {} to {}", self.operation, self.endpoint)?;
        writeln!(f, "{} {}", self.method, self.path)?;
        let body = serde_json::to_string_pretty(&self.body).map_err(|_| fmt::Error)?;
        f.write_str(&body)
    }
}

/// `--wait`: what to wait for, how long, and where the events are.
pub struct WaitPlan {
    pub wanted: WaitFor,
    pub timeout: std::time::Duration,
    pub log_group: Option<String>,
}

/// Places the call, then (with --wait) follows it. Text mode prints the TransactionId as soon as
/// the call is placed, so it is never lost whatever the wait gives; JSON mode prints one object at
/// the end, with the state reached.
pub async fn dial_and_report(
    call: CallRequest,
    request_id: bool,
    wait: Option<WaitPlan>,
    journal: &Journal,
    config: &SdkConfig,
    output: &Output,
) -> anyhow::Result<()> {
    let dial_started_ms = tail::now_ms();
    // A Ctrl-C from here on cannot cut the request in flight: its outcome is journaled and
    // reported, then the command stops (130).
    let stop = crate::signals::StopWatch::start();
    let sma_id = call.sma_id.clone();
    let client = aws::voice_client(config);
    let send = SendOptions {
        throttles: ThrottlePolicy::Retry,
        request_id,
    };
    let (dial_id, result) = match placing::place_call(journal, &client, &call, None, send).await {
        Ok(placed) => placed,
        Err(PlaceError::BeforeSending(failure)) => return Err(failure.into()),
        Err(PlaceError::AfterSending(result, failure)) => {
            // The call's fate stands; only the record of it is missing. Say so, and report the
            // result as usual: a non-zero exit for a placed call could make a script redial.
            output.error(format!(
                "{failure}; this dial's outcome is not in the journal"
            ));
            (String::new(), result)
        }
    };
    // A lost answer: the handler's logs may already say whether the call was placed.
    let result = match result {
        DialResult::Unknown(error) if request_id && !dial_id.is_empty() => {
            settle_unknown(
                &dial_id,
                dial_started_ms,
                &call,
                error,
                journal,
                config,
                output,
            )
            .await?
        }
        other => other,
    };
    let mut dialed = match result {
        DialResult::Placed { transaction_id } => Dialed::placed(transaction_id, call),
        DialResult::Failed(error) => {
            return Err(Failure::new(error.dial_exit(), error.describe()).into())
        }
        DialResult::Unknown(error) => return Err(unknown_outcome(&error).into()),
    };
    let Some(plan) = wait else {
        output.result(&dialed)?;
        return interrupted(&stop);
    };
    if stop.is_stopped() {
        output.result(&dialed)?;
        return interrupted(&stop);
    }
    if !output.is_json() {
        output.result(&dialed)?;
    }
    let source = EventSource {
        sma_id: Some(sma_id),
        log_group: plan.log_group,
        // Clocks differ a little between here and the service.
        start_ms: dial_started_ms - 5_000,
    };
    let outcome = async {
        let mut follower = tail::follower_for(&dialed.transaction_id, &source, config).await?;
        let result = tail::wait_for(&mut follower, plan.wanted, plan.timeout, &stop, output).await;
        Ok::<_, Failure>((follower.tracker().phase(), result))
    }
    .await;
    let (phase, result) = match outcome {
        Ok(pair) => pair,
        Err(failure) => {
            if output.is_json() {
                output.result(&dialed)?;
            }
            return Err(failure.into());
        }
    };
    dialed.state = Some(phase.kind());
    if let CallPhase::Ended {
        sip_response_code, ..
    } = &phase
    {
        dialed.sip_response_code = sip_response_code.clone();
    }
    dialed.answered = Some(matches!(
        phase,
        CallPhase::Answered | CallPhase::Ended { answered: true, .. }
    ));
    // Journaled before it is reported, like every other record.
    record_state(
        journal,
        &dialed.transaction_id,
        &phase,
        "dial --wait",
        output,
    )
    .await;
    if output.is_json() {
        output.result(&dialed)?;
    }
    result.map(|_| ()).map_err(Into::into)
}

/// Notes in the journal what a wait learned about a call; a failure to do so is only a warning.
pub async fn record_state(
    journal: &Journal,
    transaction_id: &str,
    phase: &CallPhase,
    source: &str,
    output: &Output,
) {
    let (state, answered, sip_response_code) = match phase {
        CallPhase::Answered => ("answered", Some(true), None),
        CallPhase::Ended {
            answered,
            sip_response_code,
        } => ("ended", Some(*answered), sip_response_code.clone()),
        _ => return,
    };
    let note = StateNote {
        transaction_id: transaction_id.to_string(),
        state: state.to_string(),
        answered,
        sip_response_code,
        source: source.to_string(),
    };
    if let Err(failure) = journal.append(Record::State(note)).await {
        output.error(failure);
    }
}

/// How long a dial looks in the handler's logs before it says "unknown" (exit 8).
const SETTLE_BOUND: std::time::Duration = std::time::Duration::from_secs(5);

#[allow(clippy::too_many_arguments)] // the dial, and where to look and report
async fn settle_unknown(
    dial_id: &str,
    dial_started_ms: i64,
    call: &CallRequest,
    error: aws::ApiError,
    journal: &Journal,
    config: &SdkConfig,
    output: &Output,
) -> Result<DialResult, Failure> {
    output.note(format!(
        "{}; looking for the call in the handler's logs...",
        error.describe()
    ));
    let entry = crate::journal::CallEntry {
        dial_id: dial_id.to_string(),
        // The dial's own moment: the search window is around it, not around now.
        time: crate::journal::rfc3339_from_ms(dial_started_ms),
        sma_id: call.sma_id.clone(),
        from: call.from.clone(),
        to: call.to.clone(),
        request_id: Some(dial_id.to_string()),
        batch: None,
        row: None,
        line: None,
        outcome: crate::journal::OutcomeKind::Unknown,
        transaction_id: None,
        error: None,
        state: None,
        answered: None,
    };
    Ok(
        match commands_resolve::settle_one(&entry, SETTLE_BOUND, journal, config).await {
            Resolution::Placed { transaction_id } => {
                output.note("the handler's logs show the call: it was placed");
                DialResult::Placed { transaction_id }
            }
            // A quick look never concludes "not placed": that is `resolve`'s, with proof.
            Resolution::NotPlaced | Resolution::Unknown => DialResult::Unknown(error),
        },
    )
}

fn interrupted(stop: &crate::signals::StopWatch) -> anyhow::Result<()> {
    if stop.is_stopped() {
        Err(Failure::new(Exit::Interrupted, "interrupted after the call was placed").into())
    } else {
        Ok(())
    }
}

fn unknown_outcome(error: &aws::ApiError) -> Failure {
    Failure::new(
        Exit::OutcomeUnknown,
        format!(
            "{}\nThe request may have reached the service: a call to this number may have been \
             placed. Do not redial blindly; check the handler's logs first.",
            error.describe()
        ),
    )
}

/// Places the call. Every failure carries its exit code; 8 when a call may have been placed.
pub async fn dial(call: CallRequest, config: &SdkConfig) -> Result<Dialed, Failure> {
    let client = aws::voice_client(config);
    match aws::create_call(&client, &call).await {
        Ok(transaction_id) => Ok(Dialed::placed(transaction_id, call)),
        Err(error) if error.dial_exit() == Exit::OutcomeUnknown => Err(unknown_outcome(&error)),
        Err(error) => Err(Failure::new(error.dial_exit(), error.describe())),
    }
}
