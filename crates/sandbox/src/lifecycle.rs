//! One call's life, as the PSTN Audio service runs it: ringing until the callee picks up (or
//! does not), the handler invocations in order with the SMA's retries, the actions the handler
//! returns run one after another, updates arriving while they run, and the end of the call. Each
//! call is one task that owns its state; the API talks to it through a channel. Who the callee is
//! lives in `callee`, what each action does in `actions`, what an invocation logs in
//! `handler_log`.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use chimecall_model::clock;
use serde_json::{json, Map, Value};
use tokio::sync::mpsc;
use tokio::time::{sleep_until, Instant};

use super::actions::{self, ActionFailure, Start};
use super::call_message::CallMessage;
use super::callee::{Callee, Pickup};
use super::faults::HandlerFault;
use super::handler::InvokeError;
use super::handler_log::{self, InvocationLines};
use super::invocation::{self, CallIdentity, EventSpec, HandlerAnswer};
use super::state::CallStatus;
use super::Sandbox;

/// "1,000 invocations per call."
const MAX_INVOCATIONS: u64 = 1000;

/// How a call ended, for the HANGUP event.
struct Ending {
    sip_response_code: &'static str,
    /// The Hangup action's parameters when the handler ended the call.
    parameters: Option<Value>,
}

/// The call has ended: stop running it.
struct Ended;

/// The action the call is running, and how it ends.
struct RunningAction {
    action: Value,
    ends_at: Instant,
    interruptible: bool,
    fails_with: Option<ActionFailure>,
}

/// The call's task: what it knows of the call, and where it is in the handler's actions.
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
pub(crate) fn spawn(
    sandbox: &Arc<Sandbox>,
    transaction_id: &str,
) -> Option<mpsc::Sender<CallMessage>> {
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
        let ringing =
            Callee::for_number(&self.identity.to).ringing(config.answer_after, config.ring_timeout);
        self.ring(inbox, created + ringing.rings_for).await?;
        let hangs_up_after = match ringing.outcome {
            Pickup::Answers { hangs_up_after } => hangs_up_after,
            Pickup::Unanswered { sip_response_code } => {
                return self
                    .end(Ending {
                        sip_response_code,
                        parameters: None,
                    })
                    .await;
            }
        };

        self.leg_status = Some("Connected");
        self.set_status(CallStatus::Connected);
        let callee_hangs_up = hangs_up_after.map(|after| Instant::now() + after);
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
        match actions::start(&action) {
            Start::Runs {
                duration,
                interruptible,
                fails_with,
            } => {
                self.running = Some(RunningAction {
                    action,
                    ends_at: Instant::now() + duration,
                    interruptible,
                    fails_with,
                });
                Ok(())
            }
            Start::HangsUp => {
                let parameters = action.get("Parameters").cloned().unwrap_or(Value::Null);
                self.hang_up(Some(parameters)).await
            }
            Start::Fails(failure) => self.action_failed(action, failure).await,
        }
    }

    async fn finish_running_action(&mut self) -> Result<(), Ended> {
        let Some(running) = self.running.take() else {
            return Ok(());
        };
        match running.fails_with {
            Some(failure) => self.action_failed(running.action, failure).await,
            None => {
                self.completed = Some(running.action);
                Ok(())
            }
        }
    }

    /// ACTION_FAILED: the rest of the list is dropped; the answer is the next list.
    async fn action_failed(&mut self, action: Value, failure: ActionFailure) -> Result<(), Ended> {
        self.queue.clear();
        self.completed = None;
        let mut data = action;
        if let Some(object) = data.as_object_mut() {
            object.insert("ErrorType".into(), json!(failure.error_type));
            object.insert("ErrorMessage".into(), json!(failure.message));
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
        let code = actions::hangup_code(&parameters);
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
            let lines = InvocationLines::begin();
            self.log_line(lines.start());
            self.log_line(lines.request(&event));
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
                Ok(answer) => self.log_line(lines.response(answer)),
                Err(error) => self.log_line(lines.invoke_error(error)),
            }
            self.log_line(lines.end());
            self.log_line(lines.report());
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
        let group = handler_log::group_name(&self.function_name);
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
