//! Following a call until it reaches a state: `dial --wait`, `hangup --wait`.

use std::time::Duration;

use tokio::time::Instant;

use super::{CallWatch, Update};
use crate::call::CallPhase;
use crate::exit::{Exit, Failure};
use crate::output::Output;
use crate::signals::StopWatch;

/// The state `--wait` waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum WaitFor {
    Answered,
    Ended,
}

/// Follows a call until it reaches `wanted`: Ok with the phase reached; Err 5 when it ended
/// unanswered (waiting for an answer, or for the end of a call that was never answered), 6 at
/// the timeout, 130 on Ctrl-C, and the read error's code when the logs cannot be read.
pub(crate) async fn wait_for(
    watch: &mut CallWatch,
    wanted: WaitFor,
    timeout: Duration,
    stop: &StopWatch,
    output: &Output,
) -> Result<CallPhase, Failure> {
    let transaction_id = watch.transaction_id().to_string();
    let spinner = output.spinner(format!(
        "{transaction_id}: waiting for the call to be {}",
        wanted_word(wanted)
    ));
    let deadline = Instant::now() + timeout;
    loop {
        let phase = watch.tracker().phase();
        spinner.set_message(format!("{transaction_id}: {phase}"));
        match (&phase, wanted) {
            (CallPhase::Answered, WaitFor::Answered) => return Ok(phase),
            (CallPhase::Ended { answered: true, .. }, _) => return Ok(phase),
            (
                CallPhase::Ended {
                    answered: false,
                    sip_response_code,
                },
                _,
            ) => {
                let code = sip_response_code.as_deref().unwrap_or("none");
                return Err(Failure::new(
                    Exit::Unanswered,
                    format!("{transaction_id}: the call ended without being answered (SIP {code})"),
                ));
            }
            _ => {}
        }
        if stop.is_stopped() {
            return Err(Failure::new(
                Exit::Interrupted,
                format!("{transaction_id}: stopped waiting (last known: {phase})"),
            ));
        }
        if Instant::now() >= deadline {
            return Err(Failure::new(
                Exit::WaitTimedOut,
                format!(
                    "{transaction_id}: not {} after {:?} (last known: {phase})",
                    wanted_word(wanted),
                    timeout
                ),
            ));
        }
        tokio::select! {
            update = watch.next(Some(deadline)) => {
                if let Update::Unreadable(error) = update {
                    return Err(Failure::from(error));
                }
            }
            _ = stop.stopped() => {}
        }
    }
}

fn wanted_word(wanted: WaitFor) -> &'static str {
    match wanted {
        WaitFor::Answered => "answered",
        WaitFor::Ended => "ended",
    }
}
