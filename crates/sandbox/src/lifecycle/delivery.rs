//! Invoking the handler for one call by the SMA's rules: the event with every leg in
//! Participants, the wait and the retries ("wait 5 seconds, then retry; a 4xx is retried once;
//! out of retries, the call ends with 480"), the 1,000-invocation cap, checking the answer
//! (INVALID_LAMBDA_RESPONSE), and the Lambda-style log lines of each attempt.

use chimecall_model::clock;
use serde_json::Value;

use super::{CallRun, Ended};
use crate::faults::HandlerFault;
use crate::handler::InvokeError;
use crate::handler_log::{self, InvocationLines};
use crate::invocation::{self, EventSpec, HandlerAnswer};
use crate::state::CallStatus;

/// "1,000 invocations per call."
const MAX_INVOCATIONS: u64 = 1000;

pub(super) enum DeliveryFailure {
    Exhausted(InvokeError),
    InvocationCap,
}

impl CallRun {
    pub(super) async fn invoke_ignoring_answer(
        &mut self,
        event_type: &str,
        action_data: Option<Value>,
    ) -> Result<(), Ended> {
        self.invoke(event_type, action_data).await.map(|_| ())
    }

    /// Invokes the handler by the SMA's rules and reads its answer. A refused answer is reported
    /// with INVALID_LAMBDA_RESPONSE, whose own answer is then used. A handler that keeps failing
    /// ends the call with 480.
    pub(super) async fn invoke(
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
            return self.end_all("480").await.map(|_| Value::Null);
        }
        match self.deliver(event_type, action_data, error, 2).await {
            Ok(answer) => Ok(answer),
            Err(DeliveryFailure::Exhausted(error)) => {
                tracing::warn!(
                    transaction_id = %self.identity.transaction_id,
                    %error,
                    "handler failed after retries; ending the call with 480"
                );
                self.end_all("480").await?;
                Err(Ended)
            }
            Err(DeliveryFailure::InvocationCap) => Err(Ended),
        }
    }

    /// Sends one event (up to `attempts` times), logging it the way a handler does.
    pub(super) async fn deliver(
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
        let participants = self.legs.participants();
        let event = invocation::build_event(
            &self.identity,
            EventSpec {
                sequence: self.sequence,
                event_type,
                action_data,
                participants: &participants,
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
}
