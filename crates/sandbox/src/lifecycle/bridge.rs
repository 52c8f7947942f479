//! CallAndBridge to a PSTN number: LEG-B calls the Uri as a simulated callee of its own (its own
//! `[[callee]]` rules, CallerIdNumber as its From), ringing until it answers, refuses, or
//! CallTimeoutSeconds (or the ring timeout) passes. Answered: the action succeeds with both legs
//! in Participants. Not answered: ACTION_FAILED CallNotAnswered, the one error type the guide
//! documents for it; the message says how (busy, no answer, refused with a code).

use serde_json::Value;
use tokio::time::Instant;

use super::legs::Leg;
use super::{CallRun, Ended, Running, Work};
use crate::actions::{ActionFailure, BridgeRequest};
use crate::callee::Script;

/// LEG-B ringing.
pub(super) struct BridgeRinging {
    request: BridgeRequest,
    script: Script,
    unanswered: Option<u16>,
    pub(super) rings_until: Instant,
}

fn invalid(message: &str) -> ActionFailure {
    ActionFailure {
        error_type: "InvalidActionParameter",
        message: message.to_string(),
    }
}

impl CallRun {
    pub(super) async fn start_bridge(
        &mut self,
        action: Value,
        leg_b: bool,
        request: BridgeRequest,
    ) -> Result<(), Ended> {
        if leg_b {
            return self
                .action_failed(
                    action,
                    invalid("CallAndBridge bridges LEG-A: its CallId names LEG-B"),
                )
                .await;
        }
        if self.legs.b.as_ref().is_some_and(Leg::is_connected) {
            return self
                .action_failed(action, invalid("LEG-B is already connected"))
                .await;
        }
        let owned = self
            .sandbox
            .world
            .lock()
            .expect("world lock")
            .owns_number(&request.caller_id);
        if !owned && request.caller_id != self.legs.a.from {
            return self
                .action_failed(
                    action,
                    invalid("CallerIdNumber must be a number of the account or LEG-A's From"),
                )
                .await;
        }
        let config = &self.sandbox.config;
        let script = self.sandbox.callees.script_for(&request.uri);
        let ring_timeout = config.ring_timeout.min(request.call_timeout);
        let ringing = script.ringing(config.answer_after, ring_timeout);
        let now = Instant::now();
        tracing::info!(
            transaction_id = %self.identity.transaction_id,
            to = %request.uri,
            "CallAndBridge: LEG-B rings"
        );
        self.running = Some(Running {
            action,
            leg_b: false,
            started: now,
            work: Work::Bridge(BridgeRinging {
                request,
                script,
                unanswered: ringing.unanswered,
                rings_until: now + self.scale.wall(ringing.rings_for),
            }),
        });
        Ok(())
    }

    /// LEG-B's ringing is over: bridged, or the action fails.
    pub(super) async fn bridge_rings_out(&mut self) -> Result<(), Ended> {
        let Some(running) = self.running.take() else {
            return Ok(());
        };
        let Work::Bridge(ringing) = running.work else {
            self.running = Some(running);
            return Ok(());
        };
        if let Some(code) = ringing.unanswered {
            let how = match code {
                486 => "LEG-B is busy (486)".to_string(),
                480 => "nobody answered LEG-B (480)".to_string(),
                code => format!("LEG-B refused the call ({code})"),
            };
            let failure = ActionFailure {
                error_type: "CallNotAnswered",
                message: format!("Call not answered: {how}"),
            };
            return self.action_failed(running.action, failure).await;
        }
        let mut leg = Leg::new(true, &ringing.request.uri, &ringing.request.caller_id);
        leg.answered(&ringing.script, Instant::now(), self.scale);
        self.legs.b = Some(leg);
        self.note_hanging();
        self.completed = Some(running.action);
        Ok(())
    }
}
