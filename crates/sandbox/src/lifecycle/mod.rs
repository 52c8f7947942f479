//! One call's life, as the PSTN Audio service runs it: ringing until the callee picks up (or
//! does not), the handler invocations in order with the SMA's retries, the actions the handler
//! returns run one after another, what the callees do meanwhile (press keys, hang up), updates
//! arriving while actions run, and the end of the call. Each call is one task that owns its
//! state; the API talks to it through a channel.
//!
//! Where the parts live: `legs` (LEG-A and a bridged LEG-B, their callees' schedules), `keys`
//! (a key press reaching a digit action or a ReceiveDigits), `bridge` (CallAndBridge's LEG-B),
//! `delivery` (invoking the handler). Who the callee is lives in `callee`, what each action
//! needs in `actions`, how digits are collected in `digits`.
//!
//! A leg that hangs up does not end the other one: the handler hears a HANGUP for that leg and
//! must end the other itself. The call is over when no leg is connected.

mod bridge;
mod delivery;
mod keys;
mod legs;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Map, Value};
use tokio::sync::mpsc;
use tokio::time::{sleep_until, Instant};

use crate::actions::{self, ActionFailure, HangupWhileRinging, Plan};
use crate::call_message::CallMessage;
use crate::digits::{DigitListener, GetDigits};
use crate::invocation::{CallIdentity, HandlerAnswer};
use crate::state::CallStatus;
use crate::time_scale::TimeScale;
use crate::Sandbox;
use bridge::BridgeRinging;
use legs::{Leg, Legs, Listening};

/// The call has ended: stop running it.
pub(super) struct Ended;

/// The action the call is running.
struct Running {
    action: Value,
    leg_b: bool,
    started: Instant,
    work: Work,
}

enum Work {
    /// Ends at `ends_at`, or at one of `terminators` pressed on its leg.
    Timed {
        ends_at: Instant,
        interruptible: bool,
        terminators: Vec<char>,
    },
    Digits(GetDigits),
    Bridge(BridgeRinging),
}

/// What happens next, when nothing arrives from the API first.
#[derive(Debug, Clone, Copy)]
enum Due {
    Action,
    Press { leg_b: bool },
    Listener { leg_b: bool },
    HangsUp { leg_b: bool },
    MaxDuration,
}

/// The call's task: what it knows of the call, and where it is in the handler's actions.
struct CallRun {
    sandbox: Arc<Sandbox>,
    identity: CallIdentity,
    function_name: String,
    arguments: BTreeMap<String, String>,
    sequence: u64,
    attributes: Option<Map<String, Value>>,
    legs: Legs,
    queue: VecDeque<Value>,
    running: Option<Running>,
    /// The last action of the list that ran to completion, for ACTION_SUCCESSFUL.
    completed: Option<Value>,
    scale: TimeScale,
    /// The origin of the digit machines' clock.
    epoch: Instant,
}

/// Starts the call's task; returns the channel the API uses to reach it.
pub(crate) fn spawn(
    sandbox: &Arc<Sandbox>,
    transaction_id: &str,
) -> Option<mpsc::Sender<CallMessage>> {
    let (identity, function_name, arguments, leg_a) = {
        let world = sandbox.world.lock().expect("world lock");
        let call = world.calls.get(transaction_id)?;
        let sma = world.sma(&call.sma_id)?;
        let mut leg_a = Leg::new(false, &call.to, &call.from);
        leg_a.sip_headers = call.sip_headers.clone();
        (
            CallIdentity {
                transaction_id: call.transaction_id.clone(),
                sma_id: call.sma_id.clone(),
                region: sma.region.clone(),
            },
            sma.function_name().to_string(),
            call.arguments.clone(),
            leg_a,
        )
    };
    let (sender, inbox) = mpsc::channel(32);
    let run = CallRun {
        scale: TimeScale::new(sandbox.config.time_scale),
        sandbox: Arc::clone(sandbox),
        identity,
        function_name,
        arguments,
        sequence: 0,
        attributes: None,
        legs: Legs { a: leg_a, b: None },
        queue: VecDeque::new(),
        running: None,
        completed: None,
        epoch: Instant::now(),
    };
    tokio::spawn(run.run(inbox));
    Some(sender)
}

impl CallRun {
    async fn run(mut self, mut inbox: mpsc::Receiver<CallMessage>) {
        let _ = self.live(&mut inbox).await;
        self.set_status(CallStatus::Ended);
        self.note_hanging();
        // Updates that raced the end are answered by the API as accepted; nothing runs them.
        inbox.close();
    }

    async fn live(&mut self, inbox: &mut mpsc::Receiver<CallMessage>) -> Result<(), Ended> {
        let created = Instant::now();
        let config = &self.sandbox.config;
        let max_end = created + self.scale.wall(config.max_call_duration);
        let (answer_after, ring_timeout) = (config.answer_after, config.ring_timeout);
        let create_request = json!({
            "Type": "CallCreateRequest",
            "Parameters": { "Arguments": self.arguments },
        });
        self.invoke_ignoring_answer("NEW_OUTBOUND_CALL", Some(create_request))
            .await?;
        self.invoke_ignoring_answer("RINGING", None).await?;

        let script = self.sandbox.callees.script_for(&self.legs.a.to);
        let ringing = script.ringing(answer_after, ring_timeout);
        self.ring(inbox, created + self.scale.wall(ringing.rings_for))
            .await?;
        if let Some(code) = ringing.unanswered {
            return self.end_all(&code.to_string()).await;
        }
        self.legs.a.answered(&script, Instant::now(), self.scale);
        self.set_status(CallStatus::Connected);
        let answer = self.invoke("CALL_ANSWERED", None).await?;
        self.replace_actions(answer);
        self.connected(inbox, max_end).await
    }

    /// The callee's phone rings until `until`; updates are delivered meanwhile, and a Hangup
    /// returned for them cancels the call (or fails, under `--hangup-while-ringing fails`).
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
                    let result = self.take_ringing_answer(answer).await;
                    let _ = done.send(());
                    result?;
                }
            }
        }
    }

    /// An answer given while the phone rings. A Hangup in it ends the call; under
    /// `--hangup-while-ringing fails` it fails instead (ACTION_FAILED, the rest of its list
    /// dropped), the failure's answer is taken the same way, and the phone rings on. Other
    /// actions wait for the call to be answered.
    async fn take_ringing_answer(&mut self, mut answer: HandlerAnswer) -> Result<(), Ended> {
        loop {
            let hangup = answer
                .actions
                .iter()
                .find(|a| a["Type"] == "Hangup")
                .cloned();
            let Some(hangup) = hangup else {
                if !answer.actions.is_empty() {
                    self.queue = answer.actions.into();
                }
                return Ok(());
            };
            match self.sandbox.config.hangup_while_ringing {
                HangupWhileRinging::Ends => {
                    let given = &hangup["Parameters"];
                    let parameters =
                        hangup_parameters(given, &self.legs.a, actions::hangup_code(given));
                    return self.finish(parameters).await;
                }
                HangupWhileRinging::Fails => {
                    self.queue.clear();
                    let data = failed_action_data(hangup, actions::hangup_of_a_ringing_call());
                    answer = self.invoke("ACTION_FAILED", Some(data)).await?;
                }
            }
        }
    }

    /// The answered call: run actions, take updates and what the callees do, until no leg is
    /// left.
    async fn connected(
        &mut self,
        inbox: &mut mpsc::Receiver<CallMessage>,
        max_end: Instant,
    ) -> Result<(), Ended> {
        loop {
            self.advance().await?;
            let (when, due) = self.next_due(max_end);
            tokio::select! {
                _ = sleep_until(when) => self.on_due(due, when).await?,
                Some(message) = inbox.recv() => {
                    let CallMessage::Update { arguments, done } = message;
                    let result = self.on_update(arguments).await;
                    let _ = done.send(());
                    result?;
                }
            }
        }
    }

    /// The earliest of the running action's deadline, the callees' next presses, the listeners'
    /// checks, the callees' hang-ups and the maximum call duration; ties go in that order.
    fn next_due(&self, max_end: Instant) -> (Instant, Due) {
        let mut next = (max_end, Due::MaxDuration);
        let mut consider = |when: Instant, due: Due| {
            if when < next.0 {
                next = (when, due);
            }
        };
        if let Some(running) = &self.running {
            let deadline = match &running.work {
                Work::Timed { ends_at, .. } => *ends_at,
                Work::Digits(machine) => self.epoch + machine.deadline(),
                Work::Bridge(ringing) => ringing.rings_until,
            };
            consider(deadline, Due::Action);
        }
        for leg in [Some(&self.legs.a), self.legs.b.as_ref()]
            .into_iter()
            .flatten()
        {
            let leg_b = leg.leg_b;
            if let Some((when, _)) = leg.presses.front() {
                consider(*when, Due::Press { leg_b });
            }
            if let Some(deadline) = leg.listening.as_ref().and_then(|l| l.listener.deadline()) {
                consider(self.epoch + deadline, Due::Listener { leg_b });
            }
            if let Some(when) = leg.hangs_up_at {
                consider(when, Due::HangsUp { leg_b });
            }
        }
        next
    }

    async fn on_due(&mut self, due: Due, when: Instant) -> Result<(), Ended> {
        match due {
            Due::Action => self.action_deadline(when).await,
            Due::Press { leg_b } => {
                let press = self
                    .legs
                    .get_mut(leg_b)
                    .and_then(|leg| leg.presses.pop_front());
                match press {
                    Some((at, digit)) => self.on_key(leg_b, at, digit).await,
                    None => Ok(()),
                }
            }
            Due::Listener { leg_b } => self.listener_check(leg_b, when).await,
            Due::HangsUp { leg_b } => {
                let Some(leg) = self.legs.get_mut(leg_b) else {
                    return Ok(());
                };
                leg.hangs_up_at = None;
                // The callee hung up: the HANGUP names the leg and carries no SIP code, as the
                // guide's "Ending a call" shows it (a handler's Hangup action carries one).
                let parameters = json!({ "CallId": leg.call_id, "ParticipantTag": leg.tag() });
                self.leg_hung_up(leg_b, parameters).await
            }
            Due::MaxDuration => {
                if let Some(leg) = self.legs.left_hanging() {
                    tracing::warn!(
                        transaction_id = %self.identity.transaction_id,
                        leg = leg.tag(),
                        to = %leg.to,
                        "a leg of a bridged call was left connected until the maximum call \
                         duration: the handler must hang up each leg itself"
                    );
                }
                self.end_all("0").await
            }
        }
    }

    /// The running action's own deadline has come.
    async fn action_deadline(&mut self, when: Instant) -> Result<(), Ended> {
        let now = self.clock(when);
        let progress = match self.running.as_mut().map(|running| &mut running.work) {
            None => return Ok(()),
            Some(Work::Timed { .. }) => {
                self.completed = self.running.take().map(|running| running.action);
                return Ok(());
            }
            Some(Work::Bridge(_)) => return self.bridge_rings_out().await,
            Some(Work::Digits(machine)) => machine.time_passes(now),
        };
        self.digits_progress(progress).await
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
        let (reference, plan) = match actions::plan(&action, self.scale) {
            Ok(planned) => planned,
            Err(failure) => return self.action_failed(action, failure).await,
        };
        let Some(leg_b) = self.legs.resolve(&reference) else {
            let failure = ActionFailure {
                error_type: "InvalidActionParameter",
                message: "CallId or ParticipantTag parameter for action is invalid: it names no connected leg"
                    .to_string(),
            };
            return self.action_failed(action, failure).await;
        };
        let now = Instant::now();
        let work = match plan {
            Plan::Timed {
                duration,
                interruptible,
                terminators,
            } => Work::Timed {
                ends_at: now + duration,
                interruptible,
                terminators,
            },
            Plan::GetDigits(rules) => Work::Digits(GetDigits::start(rules, self.clock(now))),
            Plan::ReceiveDigits {
                regex,
                in_between,
                flush,
            } => {
                if let Some(leg) = self.legs.get_mut(leg_b) {
                    leg.listening = Some(Listening {
                        action: action.clone(),
                        since: now,
                        listener: DigitListener::new(regex, in_between, flush),
                    });
                }
                self.completed = Some(action);
                return Ok(());
            }
            Plan::SendDigits { digits, duration } => {
                if let Some(leg) = self.legs.get_mut(leg_b) {
                    leg.heard.push_str(&digits);
                    tracing::info!(
                        transaction_id = %self.identity.transaction_id,
                        leg = leg.tag(),
                        %digits,
                        heard = %leg.heard,
                        "SendDigits: the callee hears DTMF"
                    );
                }
                Work::Timed {
                    ends_at: now + duration,
                    interruptible: false,
                    terminators: Vec::new(),
                }
            }
            Plan::Bridge(request) => return self.start_bridge(action, leg_b, request).await,
            Plan::Hangup { sip_response_code } => {
                let Some(leg) = self.legs.get(leg_b) else {
                    return Ok(());
                };
                // A Hangup ends its list: what runs next is the HANGUP's answer.
                self.queue.clear();
                self.completed = None;
                let parameters = hangup_parameters(&action["Parameters"], leg, sip_response_code);
                return self.leg_hung_up(leg_b, parameters).await;
            }
        };
        self.running = Some(Running {
            action,
            leg_b,
            started: now,
            work,
        });
        Ok(())
    }

    /// ACTION_FAILED: the rest of the list is dropped; the answer is the next list.
    async fn action_failed(&mut self, action: Value, failure: ActionFailure) -> Result<(), Ended> {
        self.queue.clear();
        self.completed = None;
        let data = failed_action_data(action, failure);
        let answer = self.invoke("ACTION_FAILED", Some(data)).await?;
        self.replace_actions(answer);
        Ok(())
    }

    /// CALL_UPDATE_REQUESTED.
    async fn on_update(&mut self, arguments: BTreeMap<String, String>) -> Result<(), Ended> {
        let answer = self
            .invoke("CALL_UPDATE_REQUESTED", Some(update_data(&arguments)))
            .await?;
        self.take_interrupting_answer(answer).await
    }

    /// The answer to an event that arrived while actions run (an update, digits received):
    /// its actions replace those queued after the running one, and an interruptible running
    /// action is stopped (ACTION_INTERRUPTED, answer ignored).
    async fn take_interrupting_answer(&mut self, answer: HandlerAnswer) -> Result<(), Ended> {
        if answer.actions.is_empty() {
            return Ok(());
        }
        let interruptible = |running: &Running| {
            matches!(
                running.work,
                Work::Timed {
                    interruptible: true,
                    ..
                }
            )
        };
        if self.running.as_ref().is_some_and(interruptible) {
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

    /// A leg is disconnected, by its callee or by a Hangup action. The last leg ends the call
    /// (HANGUP, answer ignored); otherwise the handler hears a HANGUP for this leg and its
    /// answer runs, as the guide says: the other leg stays until something ends it.
    async fn leg_hung_up(&mut self, leg_b: bool, parameters: Value) -> Result<(), Ended> {
        if let Some(leg) = self.legs.get_mut(leg_b) {
            leg.disconnected();
        }
        if self.running.as_ref().is_some_and(|r| r.leg_b == leg_b) {
            self.running = None;
        }
        if self.legs.connected().next().is_none() {
            return self.finish(parameters).await;
        }
        self.note_hanging();
        let data = json!({ "Type": "Hangup", "Parameters": parameters });
        let answer = self.invoke("HANGUP", Some(data)).await?;
        self.replace_actions(answer);
        Ok(())
    }

    /// Ends every leg still up with `code`: unanswered, the maximum duration, a failing handler.
    async fn end_all(&mut self, code: &str) -> Result<(), Ended> {
        let leg = self.legs.connected().next().unwrap_or(&self.legs.a);
        let parameters = json!({
            "SipResponseCode": code,
            "CallId": leg.call_id,
            "ParticipantTag": leg.tag(),
        });
        self.finish(parameters).await
    }

    /// No leg is left: the call is over, and the handler hears HANGUP (answer ignored).
    async fn finish(&mut self, parameters: Value) -> Result<(), Ended> {
        self.running = None;
        self.queue.clear();
        for leg in self.legs.all_mut() {
            leg.disconnected();
        }
        self.set_status(CallStatus::Ended);
        self.note_hanging();
        let data = json!({ "Type": "Hangup", "Parameters": parameters });
        // One attempt: the call is over whatever the handler does with it.
        let _ = self.deliver("HANGUP", Some(data), None, 1).await;
        Err(Ended)
    }

    /// The digit machines' clock: time since the task started.
    fn clock(&self, when: Instant) -> Duration {
        when.saturating_duration_since(self.epoch)
    }

    fn set_status(&self, status: CallStatus) {
        let mut world = self.sandbox.world.lock().expect("world lock");
        if let Some(call) = world.calls.get_mut(&self.identity.transaction_id) {
            if call.status != CallStatus::Ended {
                call.status = status;
            }
        }
    }

    /// Keeps the world's list of legs left hanging current, for the report when the sandbox
    /// stops.
    fn note_hanging(&self) {
        let hanging = self
            .legs
            .left_hanging()
            .map(|leg| format!("{} to {}", leg.tag(), leg.to));
        let mut world = self.sandbox.world.lock().expect("world lock");
        let transaction_id = &self.identity.transaction_id;
        match hanging {
            Some(leg) => world.left_hanging.insert(transaction_id.clone(), leg),
            None => world.left_hanging.remove(transaction_id),
        };
    }
}

/// The HANGUP event's parameters for `leg`: what the action gave, with the code and the leg.
fn hangup_parameters(given: &Value, leg: &Leg, code: &str) -> Value {
    let mut parameters = match given {
        Value::Object(map) => Value::Object(map.clone()),
        _ => json!({}),
    };
    parameters["SipResponseCode"] = json!(code);
    parameters["CallId"] = json!(leg.call_id);
    parameters["ParticipantTag"] = json!(leg.tag());
    parameters
}

/// ACTION_FAILED's ActionData: the action as the handler returned it, with why it failed.
fn failed_action_data(action: Value, failure: ActionFailure) -> Value {
    let mut data = action;
    if let Some(object) = data.as_object_mut() {
        object.insert("ErrorType".into(), json!(failure.error_type));
        object.insert("ErrorMessage".into(), json!(failure.message));
    }
    data
}

fn update_data(arguments: &BTreeMap<String, String>) -> Value {
    json!({ "Type": "CallUpdateRequest", "Parameters": { "Arguments": arguments } })
}
