//! `chimecall dial`: CreateSipMediaApplicationCall, and the TransactionId it returns; with
//! `--file`, a bulk run (`campaign`).

use std::fmt;

use aws_config::SdkConfig;
use serde::Serialize;
use serde_json::json;

use super::Context;
use crate::aws::{self, ApiError};
use crate::call::callout::{self, CallOut, Message};
use crate::call::{
    parse_pairs, with_plus, CallPhase, DialRequest, Disposition, DispositionKind, EndedBy, Success,
};
use crate::campaign::{self, RedialRules, RowDefaults, RunOptions, RunPolicy};
use crate::cli::{DialArgs, WaitState};
use crate::exit::{Exit, Failure};
use crate::follow::{self, LogReader, LogSource, Pollers, WaitFor};
use crate::guard::{self, Guard, Verdict};
use crate::journal::{self, DialEntry, Journal, OutcomeKind};
use crate::output::Output;
use crate::placing::{self, Dial, DialResult, PlaceError, Repeat, SendOptions, ThrottlePolicy};
use crate::settings::Setting;
use crate::settle::{self, Resolution};
use crate::signals::StopWatch;

/// A placed call. Text form: the TransactionId alone, so `TX=$(chimecall dial ...)` works.
#[derive(Debug, Serialize)]
pub(crate) struct PlacedCall {
    pub(crate) transaction_id: String,
    pub(crate) sma_id: String,
    pub(crate) from: String,
    pub(crate) to: String,
    /// With --wait: what the call was last known to be: dialing, ringing, answered, ended, unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) state: Option<&'static str>,
    /// With --wait, once ended: the final HANGUP's SIP response code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) sip_response_code: Option<String>,
    /// With --wait: whether the call was answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) answered: Option<bool>,
    /// With --wait ended, once ended: how the call went.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) disposition: Option<DispositionKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ring_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) duration_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) digits: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) bridged: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) ended_by: Option<EndedBy>,
}

impl PlacedCall {
    fn placed(transaction_id: String, request: DialRequest) -> PlacedCall {
        PlacedCall {
            transaction_id,
            sma_id: request.sma_id,
            from: request.from,
            to: request.to,
            state: None,
            sip_response_code: None,
            answered: None,
            disposition: None,
            ring_ms: None,
            duration_ms: None,
            digits: None,
            bridged: None,
            ended_by: None,
        }
    }

    /// What following the call learned.
    fn learned(&mut self, phase: &CallPhase, disposition: Option<&Disposition>) {
        self.state = Some(phase.kind());
        if let CallPhase::Ended {
            sip_response_code, ..
        } = phase
        {
            self.sip_response_code = sip_response_code.clone();
        }
        self.answered = Some(matches!(
            phase,
            CallPhase::Answered | CallPhase::Ended { answered: true, .. }
        ));
        if let Some(disposition) = disposition {
            self.disposition = Some(disposition.disposition);
            self.ring_ms = disposition.ring_ms;
            self.duration_ms = disposition.duration_ms;
            self.digits = Some(disposition.digits.clone());
            self.bridged = Some(disposition.bridged);
            self.ended_by = disposition.ended_by;
        }
    }
}

impl fmt::Display for PlacedCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.transaction_id)
    }
}

/// What `--dry-run` shows: the request exactly as it would go on the wire, minus the signature.
#[derive(Debug, Serialize)]
pub(crate) struct DryRun {
    pub(crate) dry_run: bool,
    pub(crate) operation: &'static str,
    pub(crate) method: &'static str,
    pub(crate) path: String,
    pub(crate) region: Option<String>,
    pub(crate) endpoint: String,
    pub(crate) body: serde_json::Value,
    /// Whether the guard would hold the call now (the dry run's send is never held).
    pub(crate) guard: GuardCheck,
}

/// What the guard says of a dial: its limits, and when it holds the call, until when, by which
/// limit, and the calls that hold it.
#[derive(Debug, Serialize)]
pub(crate) struct GuardCheck {
    pub(crate) limits: String,
    pub(crate) held: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) free_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) free_in_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) limit: Option<String>,
    /// The times of the calls in the holding limit's window, oldest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) earlier: Vec<String>,
    #[serde(skip)]
    words: Option<String>,
}

impl GuardCheck {
    fn of(guard: &Guard, verdict: &Verdict, to: &str, now_ms: i64) -> GuardCheck {
        let mut check = GuardCheck {
            limits: guard.to_string(),
            held: false,
            free_at: None,
            free_in_ms: None,
            limit: None,
            earlier: Vec::new(),
            words: None,
        };
        if let Verdict::HeldUntil {
            at_ms,
            limit,
            earlier,
        } = verdict
        {
            check.held = true;
            check.free_at = Some(rfc3339(*at_ms));
            check.free_in_ms = Some((at_ms - now_ms).max(0));
            check.limit = Some(limit.to_string());
            check.earlier = earlier.iter().map(|&t| rfc3339(t)).collect();
            check.words = Some(held_words(guard, verdict, to, now_ms));
        }
        check
    }
}

fn rfc3339(ms: i64) -> String {
    chimecall_model::clock::rfc3339_ms(ms).unwrap_or_else(|| ms.to_string())
}

/// Why the guard holds a call to `to`, and when the number is free: "--guard 1/1m,3/15m holds
/// this call: +12065550123 was called 1 time in the last 1m (at ...) and 1/1m allows no more;
/// it is free at ... (in 42 s)".
fn held_words(guard: &Guard, verdict: &Verdict, to: &str, now_ms: i64) -> String {
    let Verdict::HeldUntil {
        at_ms,
        limit,
        earlier,
    } = verdict
    else {
        return format!("--guard {guard} lets this call go now");
    };
    // The latest few: a generous limit may count many calls.
    const SHOWN: usize = 5;
    let mut times: Vec<String> = earlier
        .iter()
        .rev()
        .take(SHOWN)
        .rev()
        .map(|&t| rfc3339(t))
        .collect();
    if earlier.len() > SHOWN {
        times.insert(0, format!("{} earlier, ...", earlier.len() - SHOWN));
    }
    let window = limit.window_text();
    format!(
        "--guard {guard} holds this call: {} was called {} in the last {window} (at {}) and \
         {limit} allows no more; it is free at {} (in {})",
        crate::text::cell(to),
        crate::text::count(earlier.len(), "time", "times"),
        times.join(", "),
        rfc3339(*at_ms),
        guard::wait_words(now_ms, *at_ms),
    )
}

impl DryRun {
    fn new(request: &DialRequest, config: &SdkConfig, guard: GuardCheck) -> DryRun {
        let mut body = json!({
            "FromPhoneNumber": request.from,
            "ToPhoneNumber": request.to,
        });
        if !request.arguments.is_empty() {
            body["ArgumentsMap"] = json!(request.arguments);
        }
        if !request.sip_headers.is_empty() {
            body["SipHeaders"] = json!(request.sip_headers);
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
            path: format!("/sip-media-applications/{}/calls", request.sma_id),
            region,
            endpoint,
            body,
            guard,
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
        match &self.guard.words {
            Some(words) => writeln!(f, "# a real dial would be refused: {words}")?,
            None if self.guard.limits == "off" => writeln!(f, "# --guard off")?,
            None => writeln!(f, "# --guard {} lets this call go now", self.guard.limits)?,
        }
        writeln!(f, "{} {}", self.method, self.path)?;
        let body = serde_json::to_string_pretty(&self.body).map_err(|_| fmt::Error)?;
        f.write_str(&body)
    }
}

/// `--wait`: what to wait for, how long, and where the events are.
struct WaitPlan {
    wanted: WaitFor,
    timeout: std::time::Duration,
    log_group: Option<String>,
}

/// `chimecall dial`: one call, or every row of `--file`.
pub(crate) async fn run(args: DialArgs, context: &Context) -> anyhow::Result<()> {
    let output = &context.output;
    // Checked first: a bad message or key is refused before any setting is looked up.
    let callout = callout_of(&args)?;
    let guard = context.guard(args.guard.clone()).await?;
    let sma_id = context.sma_id(args.target.sma_id).await?;
    let from = context
        .setting(Setting::From, args.from)
        .await?
        .map(with_plus);
    let mut arguments = parse_pairs("--arg", &args.args)?;
    let sip_headers = parse_pairs("--sip-header", &args.sip_headers)?;
    let request_id = !args.no_request_id;
    if let Some(key) = callout
        .arguments()
        .into_keys()
        .find(|key| arguments.contains_key(key))
    {
        return Err(Failure::usage(format!(
            "--arg {key}: set by --say, --say-ssml or --ack; give it once"
        ))
        .into());
    }
    if let Some(file) = args.bulk.file.clone() {
        let bulk = args.bulk;
        let wait = match args.wait.wait {
            None => None,
            Some(WaitState::Ended) => Some(args.wait.timeout),
            Some(WaitState::Answered) => {
                return Err(Failure::usage(
                    "--wait answered: a bulk run waits for its calls to end (--wait ended)",
                )
                .into())
            }
        };
        // The default classes are for runs that wait; one that does not redials only what it
        // is told to (`--resume --redial not_placed`).
        let redial = match (&bulk.redial, wait.is_some()) {
            (Some(classes), _) => campaign::parse_redial_classes(classes)?,
            (None, true) => campaign::parse_redial_classes(campaign::DEFAULT_REDIAL)?,
            (None, false) => Default::default(),
        };
        let repeats = escalation_needs_wait(&bulk, wait.is_some())?;
        let options = RunOptions {
            guard,
            file: (file.as_os_str() != "-").then_some(file),
            defaults: RowDefaults {
                sma_id,
                from,
                arguments,
                sip_headers,
                room_for_request_id: request_id,
                callout: callout.clone(),
            },
            rate: bulk.rate,
            resume: bulk.resume,
            strict: bulk.strict,
            batch: bulk.batch,
            again: bulk.again,
            dry_run: args.dry_run,
            log_group: context
                .setting(Setting::LogGroup, args.wait.log_group)
                .await?,
            logs_rate: context.logs_rate,
            policy: RunPolicy {
                concurrency: usize::from(bulk.concurrency).max(1),
                max_active: bulk.max_active as usize,
                wait,
                redials: RedialRules {
                    attempts: bulk.attempts,
                    redial_after_ms: bulk.redial_after.as_millis() as i64,
                    classes: redial,
                    retry_unknown: bulk.retry_unknown,
                },
                success: success_of(&callout, &bulk.success)?,
                hangup_on_interrupt: bulk.hangup_on_interrupt,
                until_first: until_first(&bulk.until, wait.is_some())?,
                // Rounds and escalation follow calls to their end: only a run that waits can.
                repeats,
                escalate_after_ms: bulk.escalate_after.map(|d| d.as_millis() as i64),
                repeat_after_ms: bulk.repeat_after.as_millis() as i64,
                // Decided once the file's header is read: tiers, or rounds.
                plans_ahead: false,
                // Decided once the team journal says who else runs the batch.
                joined_others: false,
            },
        };
        options.defaults.check()?;
        if options.dry_run {
            // Nothing is sent and nothing is written: no configuration, no journal.
            return campaign::dry_run(&options, output).await;
        }
        let config = context.sdk_config().await?;
        let journal = context.journal().await?;
        return campaign::run(options, journal, &config, output).await;
    }
    arguments.extend(callout.arguments());
    let request = DialRequest {
        sma_id,
        from: from.ok_or_else(|| {
            Failure::usage(
                "no caller id: pass --from, set CHIMECALL_FROM, or set chimecall_from in your AWS profile",
            )
        })?,
        to: with_plus(args.to.unwrap_or_default()),
        arguments,
        sip_headers,
    };
    request.validate()?;
    if request_id {
        request
            .check_room_for_request_id()
            .map_err(|problem| Failure::usage(format!("--arg: {problem}")))?;
    }
    // The guard, before anything is journaled or sent: the calls to this number that count.
    let now_ms = chimecall_model::clock::now_ms();
    let verdict = if guard.is_off() {
        Verdict::Free
    } else {
        let journal = context.journal().await?;
        let history = guard::history(&journal, &request.to, guard.since_ms(now_ms)).await?;
        guard.check(&history, now_ms)
    };
    if args.dry_run {
        let config = aws::load_config_for_display(&context.aws).await?;
        let shown = if request_id {
            request.with_request_id("<a new id for each dial>")
        } else {
            request.clone()
        };
        let check = GuardCheck::of(&guard, &verdict, &request.to, now_ms);
        output.result(&DryRun::new(&shown, &config, check))?;
        return Ok(());
    }
    let repeat = match (&verdict, args.allow_repeat) {
        (Verdict::Free, _) => Repeat::No,
        (Verdict::HeldUntil { .. }, false) => {
            return Err(Failure::usage(format!(
                "{}. --allow-repeat places it anyway (journaled as a deliberate repeat)",
                held_words(&guard, &verdict, &request.to, now_ms)
            ))
            .into())
        }
        (Verdict::HeldUntil { .. }, true) => {
            output.note(format!(
                "{}; placing it anyway (--allow-repeat): journaled as a deliberate repeat",
                held_words(&guard, &verdict, &request.to, now_ms)
            ));
            Repeat::Deliberate
        }
    };
    let wait = match args.wait.wait {
        None => None,
        Some(state) => Some(WaitPlan {
            wanted: match state {
                WaitState::Answered => WaitFor::Answered,
                WaitState::Ended => WaitFor::Ended,
            },
            timeout: args.wait.timeout,
            log_group: context
                .setting(Setting::LogGroup, args.wait.log_group)
                .await?,
        }),
    };
    let config = context.sdk_config().await?;
    let journal = context.journal().await?;
    let dial = SingleDial {
        request,
        request_id,
        repeat,
        guard,
        wait,
        success: success_of(&callout, "answered")?,
    };
    let around = DialContext {
        config: &config,
        logs_rate: context.logs_rate,
        journal: &journal,
        output,
    };
    dial_and_report(dial, &around).await
}

/// One dial as asked for: the request, whether it carries a request id, what to wait for, and
/// what counts as its success (`--ack`).
struct SingleDial {
    request: DialRequest,
    request_id: bool,
    /// Placed over the guard's limit with `--allow-repeat`.
    repeat: Repeat,
    /// The per-number guard (checked before; a team journal checks it again as it writes).
    guard: Guard,
    wait: Option<WaitPlan>,
    success: Success,
}

/// `--say`, `--say-ssml` and `--ack`, checked with the limits of the actions that speak them.
fn callout_of(args: &DialArgs) -> Result<CallOut, Failure> {
    let ack = args
        .ack
        .as_deref()
        .map(callout::parse_ack)
        .transpose()
        .map_err(|problem| Failure::usage(format!("--ack: {problem}")))?;
    let (message, flag) = match (&args.say, &args.say_ssml) {
        (Some(text), _) => (Some(Message::Text(text.clone())), "--say"),
        (None, Some(ssml)) => (Some(Message::Ssml(ssml.clone())), "--say-ssml"),
        (None, None) => (None, "--say"),
    };
    let callout = CallOut { message, ack };
    callout
        .check()
        .map_err(|problem| Failure::usage(format!("{flag}: {problem}")))?;
    Ok(callout)
}

/// `--until first` ends a run on its first success, which only a run that waits can see.
fn until_first(until: &str, waits: bool) -> Result<bool, Failure> {
    // (The other escalation flags are checked by `escalation_needs_wait`.)
    match (until, waits) {
        ("first", false) => Err(Failure::usage(
            "--until first needs --wait ended: only a run that follows its calls sees a success",
        )),
        (until, _) => Ok(until == "first"),
    }
}

/// `--repeat` and `--escalate-after` need `--wait ended`; the rounds, when they may be.
fn escalation_needs_wait(bulk: &crate::cli::BulkArgs, waits: bool) -> Result<u32, Failure> {
    let needs = [
        (bulk.repeat > 0, "--repeat"),
        (bulk.escalate_after.is_some(), "--escalate-after"),
    ];
    match needs.iter().find(|(given, _)| *given) {
        Some((_, flag)) if !waits => Err(Failure::usage(format!(
            "{flag} needs --wait ended: only a run that follows its calls knows when a tier or a \
             round is exhausted"
        ))),
        _ => Ok(bulk.repeat),
    }
}

/// What counts as a row's (or a dial's) success: the acknowledgement key when there is one,
/// else `--success`.
fn success_of(callout: &CallOut, success: &str) -> Result<Success, Failure> {
    match callout.ack {
        Some(key) => Ok(Success::acknowledged_by(key)),
        None => Success::parse(success)
            .map_err(|problem| Failure::usage(format!("--success: {problem}"))),
    }
}

/// What a dial works with: where it sends and reads (and at what FilterLogEvents rate), where it
/// records, where it reports.
struct DialContext<'a> {
    config: &'a SdkConfig,
    logs_rate: f64,
    journal: &'a Journal,
    output: &'a Output,
}

/// Places a single dial with its journal records; an error if nothing was sent. A placed call
/// whose outcome the journal could not take is reported as placed (a non-zero exit could make a
/// script redial), with the missing record said on stderr.
async fn place_single(
    journal: &Journal,
    client: &aws_sdk_chimesdkvoice::Client,
    request: &DialRequest,
    send: SendOptions,
    repeat: Repeat,
    guard: &Guard,
    output: &Output,
) -> anyhow::Result<(String, DialResult)> {
    // On a team journal the guard looks once more as the intent is written, counting every
    // runner's calls to the number (a repeat placed on purpose is not held).
    let now_ms = chimecall_model::clock::now_ms();
    let holds = guard.holds_call_to(&request.to);
    let checks = journal.is_shared() && !guard.is_off() && repeat == Repeat::No;
    let dial = Dial {
        request,
        row: None,
        guard: checks.then_some(crate::journal::GuardTest {
            since_ms: guard.since_ms(now_ms),
            holds: &holds,
        }),
    };
    match placing::place(journal, client, dial, send, repeat, async { Ok(()) }).await {
        Ok(placed) => Ok(placed),
        Err(PlaceError::BeforeSending(failure)) => Err(failure.into()),
        Err(PlaceError::Held { until_ms, limit }) => {
            let free = chimecall_model::clock::rfc3339_ms(until_ms).unwrap_or_default();
            Err(Failure::usage(format!(
                "--guard {guard} holds this call: {} was called by another chimecall sharing {} \
                 a moment ago ({limit}); the number is free at {free}. Nothing was sent. \
                 --allow-repeat places it anyway (journaled as a deliberate repeat)",
                request.to,
                journal.name()
            ))
            .into())
        }
        // A single dial claims no row and takes no live-call place.
        Err(PlaceError::Claimed(_) | PlaceError::Full) => Err(Failure::new(
            Exit::Failure,
            "a single dial was refused a claim it never asks for",
        )
        .into()),
        Err(PlaceError::AfterSending(result, failure)) => {
            output.error(format!(
                "{failure}; this dial's outcome is not in the journal"
            ));
            Ok((String::new(), result))
        }
    }
}

/// A dial whose answer was lost: it may or may not have placed a call.
struct LostAnswer<'a> {
    dial_id: &'a str,
    dial_started_ms: i64,
    request: &'a DialRequest,
    error: ApiError,
}

/// Places the call, then (with --wait) follows it. Text mode prints the TransactionId as soon as
/// the call is placed, so it is never lost whatever the wait gives; JSON mode prints one object at
/// the end, with the state reached.
async fn dial_and_report(dial: SingleDial, around: &DialContext<'_>) -> anyhow::Result<()> {
    let SingleDial {
        request,
        request_id,
        repeat,
        guard,
        wait,
        success,
    } = dial;
    let DialContext {
        config,
        journal,
        output,
        ..
    } = *around;
    let dial_started_ms = chimecall_model::clock::now_ms();
    // A Ctrl-C from here on cannot cut the request in flight: its outcome is journaled and
    // reported, then the command stops (130).
    let stop = StopWatch::start_second_exits();
    let sma_id = request.sma_id.clone();
    let client = aws::voice_client(config);
    let send = SendOptions {
        throttles: ThrottlePolicy::Retry,
        request_id,
        cap: None,
    };
    let (dial_id, result) =
        place_single(journal, &client, &request, send, repeat, &guard, output).await?;
    // A lost answer: the handler's logs may already say whether the call was placed.
    let result = match result {
        DialResult::Unknown(error) if request_id && !dial_id.is_empty() => {
            let lost = LostAnswer {
                dial_id: &dial_id,
                dial_started_ms,
                request: &request,
                error,
            };
            settle_unknown(lost, around).await
        }
        other => other,
    };
    let mut dialed = match result {
        DialResult::Placed { transaction_id } => PlacedCall::placed(transaction_id, request),
        DialResult::Failed(error) => {
            return Err(Failure::new(error.dial_exit(), error.report()).into())
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
    let source = LogSource {
        sma_id: Some(sma_id),
        log_group: plan.log_group,
        start_ms: dial_started_ms - follow::CLOCK_SKEW_MS,
    };
    let log_group = match follow::log_group_of(&source, config).await {
        Ok(group) => group,
        Err(failure) => {
            if output.is_json() {
                output.result(&dialed)?;
            }
            return Err(failure.into());
        }
    };
    let pollers = Pollers::new(config, around.logs_rate, None);
    let mut watch = pollers.watch(&log_group, &dialed.transaction_id, source.start_ms);
    let result = follow::wait_for(&mut watch, plan.wanted, plan.timeout, &stop, output).await;
    let phase = watch.tracker().phase();
    let disposition = matches!(phase, CallPhase::Ended { .. })
        .then(|| Disposition::of_call(&watch.tracker().facts(), &success));
    dialed.learned(&phase, disposition.as_ref());
    // Journaled before it is reported, like every other record.
    if let Err(failure) = journal::record_phase(
        journal,
        &dialed.transaction_id,
        &phase,
        disposition.as_ref(),
        "dial --wait",
    )
    .await
    {
        output.error(failure);
    }
    if let Some(disposition) = &disposition {
        if !output.is_json() {
            output.note(format!(
                "{}: {}",
                dialed.transaction_id,
                disposition.summary()
            ));
        }
    }
    if output.is_json() {
        output.result(&dialed)?;
    }
    result?;
    // `--ack`: an answer without the key is not the call-out's success.
    match disposition.map(|d| d.disposition) {
        Some(DispositionKind::Unacknowledged) => Err(Failure::new(
            Exit::Unanswered,
            "the call was answered but not acknowledged (the key was not pressed)",
        )
        .into()),
        _ => Ok(()),
    }
}

/// The quick look for a lost answer's call: placed when the handler's logs show it, else the
/// outcome stays unknown.
async fn settle_unknown(lost: LostAnswer<'_>, around: &DialContext<'_>) -> DialResult {
    let LostAnswer {
        dial_id,
        dial_started_ms,
        request,
        error,
    } = lost;
    let output = around.output;
    output.note(format!(
        "{}; looking for the call in the handler's logs...",
        error.describe()
    ));
    let entry = DialEntry {
        dial_id: dial_id.to_string(),
        // The dial's own moment: the search window is around it, not around now.
        time: chimecall_model::clock::rfc3339_ms(dial_started_ms).unwrap_or_default(),
        sma_id: request.sma_id.clone(),
        from: request.from.clone(),
        to: request.to.clone(),
        request_id: Some(dial_id.to_string()),
        batch: None,
        row: None,
        line: None,
        outcome: OutcomeKind::Unknown,
        transaction_id: None,
        error: None,
        state: None,
        answered: None,
        attempt: 1,
        resolved_by: None,
        disposition: None,
        sip_response_code: None,
        digits: None,
        ring_ms: None,
        duration_ms: None,
        ended_by: None,
        bridged: None,
        ended_at: None,
        acknowledged_at: None,
        answered_at: None,
        tier: 1,
        round: 0,
        repeat: false,
    };
    let reader = LogReader::new(around.config, around.logs_rate);
    let found = settle::quick_look(
        &reader,
        vec![entry],
        settle::DIAL_QUICK_LOOK,
        around.journal,
    )
    .await;
    match found.into_iter().next().map(|(_, resolution)| resolution) {
        Some(Resolution::Placed { transaction_id }) => {
            output.note("the handler's logs show the call: it was placed");
            DialResult::Placed { transaction_id }
        }
        // A quick look never concludes "not placed": that is `resolve`'s, with proof.
        _ => DialResult::Unknown(error),
    }
}

fn interrupted(stop: &StopWatch) -> anyhow::Result<()> {
    if stop.is_stopped() {
        Err(Failure::new(Exit::Interrupted, "interrupted after the call was placed").into())
    } else {
        Ok(())
    }
}

fn unknown_outcome(error: &ApiError) -> Failure {
    Failure::new(
        Exit::OutcomeUnknown,
        format!(
            "{}\nThe request may have reached the service: a call to this number may have been \
             placed. Do not redial blindly; check the handler's logs first.",
            error.describe()
        ),
    )
}
