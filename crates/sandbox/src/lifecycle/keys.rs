//! A callee's key press reaching the call: a digit action running on that leg takes it (a
//! press during its prompt is barge-in), a PlayAudio or RecordAudio it terminates ends, and a
//! ReceiveDigits active on the leg hears it. A key nothing listens for is discarded, as the guide
//! says.

use serde_json::json;
use tokio::time::Instant;

use super::{CallRun, Ended, Work};
use crate::actions::ActionFailure;
use crate::digits::Progress;

impl CallRun {
    /// The callee on `leg_b`'s leg pressed `digit` at `at`.
    pub(super) async fn on_key(
        &mut self,
        leg_b: bool,
        at: Instant,
        digit: char,
    ) -> Result<(), Ended> {
        let now = self.clock(at);
        let mut heard = false;
        let running = self
            .running
            .as_mut()
            .filter(|running| running.leg_b == leg_b && running.started <= at);
        if let Some(running) = running {
            match &mut running.work {
                Work::Digits(machine) => {
                    let progress = machine.press(now, digit);
                    return self.digits_progress(progress).await;
                }
                Work::Timed { terminators, .. } if terminators.contains(&digit) => {
                    heard = true;
                    if let Some(mut running) = self.running.take() {
                        if running.action["Type"] == "RecordAudio" {
                            running.action["RecordingTerminatorUsed"] = json!(digit.to_string());
                        }
                        self.completed = Some(running.action);
                    }
                }
                _ => {}
            }
        }
        let listening = self
            .legs
            .get_mut(leg_b)
            .and_then(|leg| leg.listening.as_mut())
            .filter(|listening| listening.since <= at);
        if let Some(listening) = listening {
            if let Some(digits) = listening.listener.press(now, digit) {
                return self.digits_received(leg_b, digits).await;
            }
            return Ok(());
        }
        if !heard {
            tracing::debug!(
                transaction_id = %self.identity.transaction_id,
                %digit,
                "a key pressed while no digit action listens is discarded"
            );
        }
        Ok(())
    }

    /// A ReceiveDigits check is due.
    pub(super) async fn listener_check(&mut self, leg_b: bool, when: Instant) -> Result<(), Ended> {
        let now = self.clock(when);
        let matched = self
            .legs
            .get_mut(leg_b)
            .and_then(|leg| leg.listening.as_mut())
            .and_then(|listening| listening.listener.time_passes(now));
        match matched {
            Some(digits) => self.digits_received(leg_b, digits).await,
            None => Ok(()),
        }
    }

    /// DIGITS_RECEIVED, with the ReceiveDigits action's data and the digits.
    async fn digits_received(&mut self, leg_b: bool, digits: String) -> Result<(), Ended> {
        let Some(mut data) = self
            .legs
            .get(leg_b)
            .and_then(|leg| leg.listening.as_ref())
            .map(|listening| listening.action.clone())
        else {
            return Ok(());
        };
        data["ReceivedDigits"] = json!(digits);
        let answer = self.invoke("DIGITS_RECEIVED", Some(data)).await?;
        self.take_interrupting_answer(answer).await
    }

    /// Where a *AndGetDigits action has come to: still collecting, received, or failed.
    pub(super) async fn digits_progress(&mut self, progress: Progress) -> Result<(), Ended> {
        match progress {
            Progress::Waiting => Ok(()),
            Progress::Received(digits) => {
                if let Some(mut running) = self.running.take() {
                    running.action["ReceivedDigits"] = json!(digits);
                    self.completed = Some(running.action);
                }
                Ok(())
            }
            Progress::Failed => match self.running.take() {
                Some(running) => {
                    let failure = ActionFailure {
                        error_type: "InvalidDigitsReceived",
                        message: "The callee entered no valid digits before the attempts ran out"
                            .to_string(),
                    };
                    self.action_failed(running.action, failure).await
                }
                None => Ok(()),
            },
        }
    }
}
