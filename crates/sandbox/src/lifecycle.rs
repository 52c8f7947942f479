//! One call's life, as the PSTN Audio service runs it: the simulated callee (by destination
//! number), the handler invocations in order, the actions the handler returns, updates arriving
//! while actions run, and the end of the call. Each call is one task that owns its state; the
//! API talks to it through a channel.
//!
//! The callee, by the destination's last digits: ...486 is busy (HANGUP 486 after RINGING); ...480
//! never answers (HANGUP 480 at the ring timeout); ...487 answers, then hangs up 1 s later; any
//! other number answers after `answer_after`.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use chimecall_model::clock;
use serde_json::{json, Map, Value};
use tokio::sync::mpsc;
use tokio::time::{sleep_until, Instant};

use super::call_message::CallMessage;
use super::faults::HandlerFault;
use super::handler::InvokeError;
use super::invocation::{self, CallIdentity, EventSpec, HandlerAnswer};
use super::state::CallStatus;
use super::Sandbox;

/// "1,000 invocations per call."
pub const MAX_INVOCATIONS: u64 = 1000;
/// A callee that answers and then hangs up does so this long after answering.
const CALLEE_HANGS_UP_AFTER: Duration = Duration::from_secs(1);
/// The longest an action's own parameters may make it run.
const MAX_ACTION_SECONDS: f64 = 24.0 * 3600.0;
/// How long a busy line takes to say so.
const BUSY_AFTER: Duration = Duration::from_millis(100);

/// How the simulated callee behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callee {
    Busy,
    NeverAnswers,
    Answers { hangs_up: bool },
}

impl Callee {
    pub fn for_number(to: &str) -> Callee {
        if to.ends_with("486") {
            Callee::Busy
        } else if to.ends_with("480") {
            Callee::NeverAnswers
        } else {
            Callee::Answers {
                hangs_up: to.ends_with("487"),
            }
        }
    }
}

/// How a call ended, for the HANGUP event.
struct Ending {
    sip_response_code: &'static str,
    /// The Hangup action's parameters when the handler ended the call.
    parameters: Option<Value>,
}

/// The call has ended: stop running it.
struct Ended;

struct RunningAction {
    action: Value,
    ends_at: Instant,
    interruptible: bool,
    /// Set for actions whose simulated outcome is a failure (e.g. no digits were entered).
    fails_with: Option<(&'static str, String)>,
}

struct CallRun {
    sandbox: Arc<Sandbox>,
    identity: CallIdentity,
    function_name: String,
    arguments: BTreeMap<String, String>,
    sequence: u64,
    attributes: Option<Map<String, Value>>,
    leg_status: Option<&'static str>,
    queue: VecDeque<Value>,
    running: Option<RunningAction>,
    /// The last action of the list that ran to completion, for ACTION_SUCCESSFUL.
    completed: Option<Value>,
}

/// Starts the call's task; returns the channel the API uses to reach it.
pub fn spawn(sandbox: &Arc<Sandbox>, transaction_id: &str) -> Option<mpsc::Sender<CallMessage>> {
    let (identity, function_name, arguments) = {
        let world = sandbox.world.lock().expect("world lock");
        let call = world.calls.get(transaction_id)?;
        let sma = world.sma(&call.sma_id)?;
        (
            CallIdentity {
                transaction_id: call.transaction_id.clone(),
                sma_id: call.sma_id.clone(),
                region: sma.region.clone(),
                call_id: uuid::Uuid::new_v4().to_string(),
                from: call.from.clone(),
                to: call.to.clone(),
                start_ms: clock::now_ms(),
                sip_headers: call.sip_headers.clone(),
            },
            sma.function_name().to_string(),
            call.arguments.clone(),
        )
    };
    let (sender, inbox) = mpsc::channel(32);
    let run = CallRun {
        sandbox: Arc::clone(sandbox),
        identity,
        function_name,
        arguments,
        sequence: 0,
        attributes: None,
        leg_status: None,
        queue: VecDeque::new(),
        running: None,
        completed: None,
    };
    tokio::spawn(run.run(inbox));
    Some(sender)
}

impl CallRun {
    async fn run(mut self, mut inbox: mpsc::Receiver<CallMessage>) {
        let _ = self.live(&mut inbox).await;
        self.set_status(CallStatus::Ended);
        // Updates that raced the end are answered by the API as accepted; nothing runs them.
        inbox.close();
    }

    async fn live(&mut self, inbox: &mut mpsc::Receiver<CallMessage>) -> Result<(), Ended> {
        let created = Instant::now();
        let max_end = created + self.sandbox.config.max_call_duration;
        let create_request = json!({
            "Type": "CallCreateRequest",
            "Parameters": { "Arguments": self.arguments },
        });
        self.invoke_ignoring_answer("NEW_OUTBOUND_CALL", Some(create_request))
            .await?;
        self.invoke_ignoring_answer("RINGING", None).await?;

        let config = &self.sandbox.config;
        let callee = Callee::for_number(&self.identity.to);
        let ring_timeout = created + config.ring_timeout;
        let (ring_until, answers) = match callee {
            Callee::Busy => (created + BUSY_AFTER, false),
            Callee::NeverAnswers => (ring_timeout, false),
            Callee::Answers { .. } if config.answer_after >= config.ring_timeout => {
                (ring_timeout, false)
            }
            Callee::Answers { .. } => (created + config.answer_after, true),
        };
        self.ring(inbox, ring_until).await?;
        if !answers {
            let code = if callee == Callee::Busy { "486" } else { "480" };
            return self
                .end(Ending {
                    sip_response_code: code,
                    parameters: None,
                })
                .await;
        }

        self.leg_status = Some("Connected");
        self.set_status(CallStatus::Connected);
        let callee_hangs_up = match callee {
            Callee::Answers { hangs_up: true } => Some(Instant::now() + CALLEE_HANGS_UP_AFTER),
            _ => None,
        };
        let answer = self.invoke("CALL_ANSWERED", None).await?;
        self.replace_actions(answer);
        self.connected(inbox, callee_hangs_up, max_end).await
    }

    /// The callee's phone rings until `until`; updates are delivered meanwhile, and a Hangup
    /// returned for them cancels the call.
    async fn ring(
        &mut self,
        inbox: &mut mpsc::Receiver<CallMessage>,
        until: Instant,
    ) -> Result<(), Ended> {
        loop {
            tokio::select! {
                _ = sleep_until(until) => return Ok(()),
                Some(message) = inbox.recv() => {
                    let CallMessage::Update { arguments, done } = message;
                    let answer = self.invoke("CALL_UPDATE_REQUESTED", Some(update_data(&arguments))).await?;
                    if let Some(hangup) = answer.actions.iter().find(|a| a["Type"] == "Hangup") {
                        let parameters = hangup.get("Parameters").cloned();
                        let result = self.hang_up(parameters).await;
                        let _ = done.send(());
                        return result;
                    }
                    // Other actions wait for the answer.
                    if !answer.actions.is_empty() {
                        self.queue = answer.actions.into();
                    }
                    let _ = done.send(());
                }
            }
        }
    }

    /// The answered call: run actions, take updates, until someone hangs up.
    async fn connected(
        &mut self,
        inbox: &mut mpsc::Receiver<CallMessage>,
        callee_hangs_up: Option<Instant>,
        max_end: Instant,
    ) -> Result<(), Ended> {
        let far_future = Instant::now() + Duration::from_secs(100 * 365 * 24 * 3600);
        loop {
            self.advance().await?;
            let action_ends = self
                .running
                .as_ref()
                .map(|r| r.ends_at)
                .unwrap_or(far_future);
            tokio::select! {
                _ = sleep_until(action_ends), if self.running.is_some() => {
                    self.finish_running_action().await?;
                }
                Some(message) = inbox.recv() => {
                    let CallMessage::Update { arguments, done } = message;
                    let result = self.on_update(arguments).await;
                    let _ = done.send(());
                    result?;
                }
                _ = sleep_until(callee_hangs_up.unwrap_or(far_future)), if callee_hangs_up.is_some() => {
                    return self.end(Ending { sip_response_code: "0", parameters: None }).await;
                }
                _ = sleep_until(max_end) => {
                    return self.end(Ending { sip_response_code: "0", parameters: None }).await;
                }
            }
        }
    }

    /// Starts queued actions until one is running or the list is done; a finished list is
    /// reported with ACTION_SUCCESSFUL, whose answer is the next list.
    async fn advance(&mut self) -> Result<(), Ended> {
        while self.running.is_none() {
            if let Some(action) = self.queue.pop_front() {
                self.start_action(action).await?;
            } else if let Some(last) = self.completed.take() {
                let answer = self.invoke("ACTION_SUCCESSFUL", Some(last)).await?;
                self.replace_actions(answer);
            } else {
                return Ok(());
            }
        }
        Ok(())
    }

    async fn start_action(&mut self, action: Value) -> Result<(), Ended> {
        let kind = action["Type"].as_str().unwrap_or_default().to_string();
        let parameters = action.get("Parameters").cloned().unwrap_or(Value::Null);
        let now = Instant::now();
        let running = |duration: Duration, interruptible: bool| RunningAction {
            action: action.clone(),
            ends_at: now + duration,
            interruptible,
            fails_with: None,
        };
        // A handler's numbers are untrusted: out of range is the action's failure, not ours.
        let length = |name: &str, unit_seconds: f64, default: f64| -> Result<Duration, String> {
            let value = match &parameters[name] {
                Value::Null => default,
                other => number(other).ok_or_else(|| format!("{name} is not a number"))?,
            };
            let seconds = value * unit_seconds;
            if !(0.0..=MAX_ACTION_SECONDS).contains(&seconds) {
                return Err(format!("{name} {value} is out of range"));
            }
            Ok(Duration::from_secs_f64(seconds))
        };
        let timed = match kind.as_str() {
            "Pause" => Some((length("DurationInMilliseconds", 0.001, 0.0), true)),
            "PlayAudio" => Some((
                length("Repeat", 1.0, 1.0).map(|d| d.max(Duration::from_secs(1))),
                true,
            )),
            "RecordAudio" => Some((length("DurationInSeconds", 1.0, 5.0), true)),
            _ => None,
        };
        if let Some((duration, interruptible)) = timed {
            return match duration {
                Ok(duration) => {
                    self.running = Some(running(duration, interruptible));
                    Ok(())
                }
                Err(problem) => {
                    self.action_failed(action.clone(), "InvalidActionParameter", &problem)
                        .await
                }
            };
        }
        let seconds = Duration::from_secs_f64;
        match kind.as_str() {
            "Hangup" => return self.hang_up(Some(parameters)).await,
            "Speak" | "SendDigits" => self.running = Some(running(seconds(1.0), false)),
            "PlayAudioAndGetDigits" | "SpeakAndGetDigits" => {
                let mut action = running(seconds(1.0), false);
                action.fails_with = Some((
                    "InvalidDigitsReceived",
                    "The callee entered no digits".to_string(),
                ));
                self.running = Some(action);
            }
            "ReceiveDigits"
            | "StartCallRecording"
            | "StopCallRecording"
            | "PauseCallRecording"
            | "ResumeCallRecording"
            | "VoiceFocus"
            | "ModifyChimeMeetingAttendees" => {
                self.running = Some(running(Duration::ZERO, false));
            }
            _ => {
                // CallAndBridge, JoinChimeMeeting, StartBotConversation, ...: other parties the
                // sandbox does not simulate.
                let message = format!("The sandbox does not simulate {kind}");
                return self
                    .action_failed(action, "ActionNotSupported", &message)
                    .await;
            }
        }
        Ok(())
    }

    async fn finish_running_action(&mut self) -> Result<(), Ended> {
        let Some(running) = self.running.take() else {
            return Ok(());
        };
        match running.fails_with {
            Some((error_type, message)) => {
                self.action_failed(running.action, error_type, &message)
                    .await
            }
            None => {
                self.completed = Some(running.action);
                Ok(())
            }
        }
    }

    /// ACTION_FAILED: the rest of the list is dropped; the answer is the next list.
    async fn action_failed(
        &mut self,
        action: Value,
        error_type: &str,
        message: &str,
    ) -> Result<(), Ended> {
        self.queue.clear();
        self.completed = None;
        let mut data = action;
        if let Some(object) = data.as_object_mut() {
            object.insert("ErrorType".into(), json!(error_type));
            object.insert("ErrorMessage".into(), json!(message));
        }
        let answer = self.invoke("ACTION_FAILED", Some(data)).await?;
        self.replace_actions(answer);
        Ok(())
    }

    /// CALL_UPDATE_REQUESTED. Returned actions replace those queued after the running one; an
    /// interruptible running action is stopped (ACTION_INTERRUPTED, answer ignored).
    async fn on_update(&mut self, arguments: BTreeMap<String, String>) -> Result<(), Ended> {
        let answer = self
            .invoke("CALL_UPDATE_REQUESTED", Some(update_data(&arguments)))
            .await?;
        if answer.actions.is_empty() {
            return Ok(());
        }
        if self.running.as_ref().is_some_and(|r| r.interruptible) {
            let interrupted = self.running.take().map(|r| r.action);
            self.invoke_ignoring_answer("ACTION_INTERRUPTED", interrupted)
                .await?;
        }
        self.completed = None;
        self.queue = answer.actions.into();
        // Run a returned Hangup before the API answers, so the next request sees the call ended.
        self.advance().await
    }

    fn replace_actions(&mut self, answer: HandlerAnswer) {
        if !answer.actions.is_empty() {
            self.queue = answer.actions.into();
            self.completed = None;
        }
    }

    /// The handler's Hangup action on LEG-A.
    async fn hang_up(&mut self, parameters: Option<Value>) -> Result<(), Ended> {
        let mut parameters = parameters.unwrap_or_else(|| json!({}));
        // The guide shows it both as "486" and as 486.
        let given = match &parameters["SipResponseCode"] {
            Value::String(text) => text.clone(),
            Value::Number(number) => number.to_string(),
            _ => String::new(),
        };
        let code = match given.as_str() {
            "480" => "480",
            "486" => "486",
            _ => "0",
        };
        if let Some(object) = parameters.as_object_mut() {
            object.insert("SipResponseCode".into(), json!(code));
            object.insert("CallId".into(), json!(self.identity.call_id));
            object.insert("ParticipantTag".into(), json!("LEG-A"));
        }
        self.end(Ending {
            sip_response_code: code,
            parameters: Some(parameters),
        })
        .await
    }

    /// LEG-A is disconnected: the call is over, and the handler hears HANGUP (answer ignored).
    async fn end(&mut self, ending: Ending) -> Result<(), Ended> {
        self.running = None;
        self.queue.clear();
        self.leg_status = Some("Disconnected");
        self.set_status(CallStatus::Ended);
        let parameters = ending.parameters.unwrap_or_else(|| {
            json!({
                "SipResponseCode": ending.sip_response_code,
                "CallId": self.identity.call_id,
                "ParticipantTag": "LEG-A",
            })
        });
        let data = json!({ "Type": "Hangup", "Parameters": parameters });
        // One attempt: the call is over whatever the handler does with it.
        let _ = self.deliver("HANGUP", Some(data), None, 1).await;
        Err(Ended)
    }

    async fn invoke_ignoring_answer(
        &mut self,
        event_type: &str,
        action_data: Option<Value>,
    ) -> Result<(), Ended> {
        self.invoke(event_type, action_data).await.map(|_| ())
    }

    /// Invokes the handler by the SMA's rules and reads its answer. A refused answer is reported
    /// with INVALID_LAMBDA_RESPONSE, whose own answer is then used. A handler that keeps failing
    /// ends the call with 480.
    async fn invoke(
        &mut self,
        event_type: &str,
        action_data: Option<Value>,
    ) -> Result<HandlerAnswer, Ended> {
        let raw = self
            .invoke_with_retries(event_type, action_data, None)
            .await?;
        match invocation::parse_answer(&raw) {
            Ok(answer) => {
                self.keep_attributes(&answer);
                Ok(answer)
            }
            Err(invalid) => {
                let raw = self
                    .invoke_with_retries(
                        "INVALID_LAMBDA_RESPONSE",
                        None,
                        Some((invalid.error_type, &invalid.message)),
                    )
                    .await?;
                let answer = invocation::parse_answer(&raw).unwrap_or_default();
                self.keep_attributes(&answer);
                Ok(answer)
            }
        }
    }

    fn keep_attributes(&mut self, answer: &HandlerAnswer) {
        if let Some(attributes) = &answer.attributes {
            self.attributes = (!attributes.is_empty()).then(|| attributes.clone());
        }
    }

    /// "Wait 5 seconds, then retry; a 4xx is retried once; out of retries, the call ends 480."
    async fn invoke_with_retries(
        &mut self,
        event_type: &str,
        action_data: Option<Value>,
        error: Option<(&str, &str)>,
    ) -> Result<Value, Ended> {
        // The last of the 1,000 invocations is kept for the HANGUP that ends the call.
        if self.sequence + 1 >= MAX_INVOCATIONS {
            tracing::warn!(
                transaction_id = %self.identity.transaction_id,
                "1,000 invocations: the call ends"
            );
            return self
                .end(Ending {
                    sip_response_code: "480",
                    parameters: None,
                })
                .await
                .map(|_| Value::Null);
        }
        match self.deliver(event_type, action_data, error, 2).await {
            Ok(answer) => Ok(answer),
            Err(DeliveryFailure::Exhausted(error)) => {
                tracing::warn!(
                    transaction_id = %self.identity.transaction_id,
                    %error,
                    "handler failed after retries; ending the call with 480"
                );
                self.end(Ending {
                    sip_response_code: "480",
                    parameters: None,
                })
                .await?;
                Err(Ended)
            }
            Err(DeliveryFailure::InvocationCap) => Err(Ended),
        }
    }

    /// Sends one event (up to `attempts` times), logging it the way a handler does.
    async fn deliver(
        &mut self,
        event_type: &str,
        action_data: Option<Value>,
        error: Option<(&str, &str)>,
        attempts: u32,
    ) -> Result<Value, DeliveryFailure> {
        if self.sequence >= MAX_INVOCATIONS {
            tracing::warn!(transaction_id = %self.identity.transaction_id, "1,000 invocations: the call ends");
            self.set_status(CallStatus::Ended);
            return Err(DeliveryFailure::InvocationCap);
        }
        self.sequence += 1;
        let event = invocation::build_event(
            &self.identity,
            EventSpec {
                sequence: self.sequence,
                event_type,
                action_data,
                leg_status: self.leg_status,
                attributes: self.attributes.as_ref(),
                error,
            },
        );
        let handler = self.sandbox.handler.clone();
        let wait = self.sandbox.config.handler_timeout;
        let mut last_error = InvokeError::Timeout;
        for attempt in 1..=attempts {
            let request_id = uuid::Uuid::new_v4().to_string();
            let started = Instant::now();
            self.log_line(format!("START RequestId: {request_id} Version: $LATEST"));
            self.log_line(format!(
                "{}\t{request_id}\tINFO\tRequest: {event}",
                clock::now_rfc3339_ms()
            ));
            let result = match self.sandbox.faults.draw_handler() {
                Some(HandlerFault::Timeout) => {
                    tokio::time::sleep(wait).await;
                    Err(InvokeError::Timeout)
                }
                Some(HandlerFault::Error) => Err(InvokeError::FunctionError(
                    "Injected fault: handler error".into(),
                )),
                None => handler.invoke(&self.function_name, &event, wait).await,
            };
            match &result {
                Ok(answer) => self.log_line(format!(
                    "{}\t{request_id}\tINFO\tResponse: {answer}",
                    clock::now_rfc3339_ms()
                )),
                Err(error) => self.log_line(format!(
                    "{}\t{request_id}\tERROR\tInvoke Error: {error}",
                    clock::now_rfc3339_ms()
                )),
            }
            self.log_line(format!("END RequestId: {request_id}"));
            self.log_line(format!(
                "REPORT RequestId: {request_id}\tDuration: {:.2} ms",
                started.elapsed().as_secs_f64() * 1000.0
            ));
            match result {
                Ok(answer) => return Ok(answer),
                Err(error) => {
                    tracing::info!(
                        transaction_id = %self.identity.transaction_id,
                        event_type, attempt, %error, "handler invocation failed"
                    );
                    let client_error = matches!(error, InvokeError::ClientError(..));
                    last_error = error;
                    if client_error && attempt >= 2 {
                        break;
                    }
                }
            }
        }
        Err(DeliveryFailure::Exhausted(last_error))
    }

    fn log_line(&self, message: String) {
        let group = format!("/aws/lambda/{}", self.function_name);
        self.sandbox
            .logs
            .append(&group, &self.sandbox.log_stream, clock::now_ms(), message);
    }

    fn set_status(&self, status: CallStatus) {
        let mut world = self.sandbox.world.lock().expect("world lock");
        if let Some(call) = world.calls.get_mut(&self.identity.transaction_id) {
            if call.status != CallStatus::Ended {
                call.status = status;
            }
        }
    }
}

enum DeliveryFailure {
    Exhausted(InvokeError),
    InvocationCap,
}

fn update_data(arguments: &BTreeMap<String, String>) -> Value {
    json!({ "Type": "CallUpdateRequest", "Parameters": { "Arguments": arguments } })
}

/// A number parameter, given as a JSON number or a numeric string.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callee_by_destination() {
        assert_eq!(Callee::for_number("+12065550486"), Callee::Busy);
        assert_eq!(Callee::for_number("+12065550480"), Callee::NeverAnswers);
        assert_eq!(
            Callee::for_number("+12065550487"),
            Callee::Answers { hangs_up: true }
        );
        assert_eq!(
            Callee::for_number("+12065550123"),
            Callee::Answers { hangs_up: false }
        );
    }
}
