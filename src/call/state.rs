//! The call state a stream of invocation events adds up to: one phase that only moves forward,
//! whatever order log ingestion delivers the events in.

use std::collections::BTreeMap;
use std::fmt;

use crate::event::{event_types, InvocationEvent, LegStatus, LegTag};
use crate::text::one_line;

/// How far a call has got, as far as its handler's logs tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CallPhase {
    /// No event that says anything about the call's progress yet.
    Unknown,
    /// NEW_OUTBOUND_CALL: the service is placing the call.
    Dialing,
    /// RINGING (or NEW_INBOUND_CALL: the call is being offered).
    Ringing,
    /// CALL_ANSWERED, or LEG-A reported Connected.
    Answered,
    /// The final HANGUP of LEG-A; `sip_response_code` is that hangup's (0 normal, 480, 486...).
    Ended {
        answered: bool,
        sip_response_code: Option<String>,
    },
}

impl CallPhase {
    /// One stable word for programs: unknown, dialing, ringing, answered, ended.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            CallPhase::Unknown => "unknown",
            CallPhase::Dialing => "dialing",
            CallPhase::Ringing => "ringing",
            CallPhase::Answered => "answered",
            CallPhase::Ended { .. } => "ended",
        }
    }
}

impl fmt::Display for CallPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallPhase::Unknown => f.write_str("unknown"),
            CallPhase::Dialing => f.write_str("dialing"),
            CallPhase::Ringing => f.write_str("ringing"),
            CallPhase::Answered => f.write_str("answered"),
            CallPhase::Ended {
                answered,
                sip_response_code,
            } => {
                let answered = if *answered {
                    "answered"
                } else {
                    "not answered"
                };
                match sip_response_code {
                    Some(code) => write!(f, "ended ({answered}, sip {})", one_line(code)),
                    None => write!(f, "ended ({answered})"),
                }
            }
        }
    }
}

/// The phase of one call, from its events in whatever order they arrive.
///
/// It records facts that only ever become true (dialing seen, ringing seen, answered, ended), and
/// the phase is the furthest of them, so it never moves backwards and an ended call stays ended.
/// A late event can still add a fact: a CALL_ANSWERED ingested after the final HANGUP turns
/// `Ended { answered: false }` into `Ended { answered: true }`, because the call was answered.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallTracker {
    /// When set, events of other transactions are ignored.
    transaction_id: Option<String>,
    dialing: bool,
    ringing: bool,
    answered: bool,
    ended: bool,
    end_sip_response_code: Option<String>,
    events_observed: usize,
    /// When (log timestamps) the call was created, answered and ended.
    created_ms: Option<i64>,
    answered_ms: Option<i64>,
    ended_ms: Option<i64>,
    /// Digits the callee entered, by the event's sequence (events may come out of order).
    digits: BTreeMap<(u64, i64), String>,
    /// A LEG-B answered: the call was bridged.
    bridged: bool,
    /// The sequence of the latest CALL_UPDATE_REQUESTED.
    last_update_sequence: Option<u64>,
    /// The final HANGUP: its sequence, its ActionData type, whether it carried a SIP code.
    end_sequence: Option<u64>,
    end_action: Option<String>,
    end_had_code: bool,
}

impl CallTracker {
    /// A tracker for one transaction; events of other calls (a log group holds many) are ignored.
    pub(crate) fn for_transaction(transaction_id: impl Into<String>) -> CallTracker {
        CallTracker {
            transaction_id: Some(transaction_id.into()),
            ..CallTracker::default()
        }
    }

    /// Takes in one event, logged at `timestamp_ms`.
    pub(crate) fn observe(&mut self, event: &InvocationEvent, timestamp_ms: i64) {
        if !self.is_about_this_call(event) {
            return;
        }
        self.events_observed += 1;
        let earliest = |known: &mut Option<i64>| {
            *known = Some(known.map_or(timestamp_ms, |t| t.min(timestamp_ms)));
        };
        match event.event_type.as_str() {
            event_types::NEW_OUTBOUND_CALL => {
                self.dialing = true;
                earliest(&mut self.created_ms);
            }
            event_types::RINGING | event_types::NEW_INBOUND_CALL => self.ringing = true,
            event_types::CALL_ANSWERED => {
                self.answered = true;
                earliest(&mut self.answered_ms);
            }
            event_types::CALL_UPDATE_REQUESTED => {
                self.last_update_sequence = self.last_update_sequence.max(event.sequence);
            }
            _ => {}
        }
        if shows_leg_a_connected(event) {
            self.answered = true;
            earliest(&mut self.answered_ms);
        }
        if event
            .participant(&LegTag::LegB)
            .is_some_and(|leg| leg.status == Some(LegStatus::Connected))
        {
            self.bridged = true;
        }
        if let Some(digits) = event.received_digits.as_ref().filter(|d| !d.is_empty()) {
            let key = (event.sequence.unwrap_or(u64::MAX), timestamp_ms);
            self.digits.insert(key, digits.clone());
        }
        if is_final_hangup(event) {
            self.ended = true;
            earliest(&mut self.ended_ms);
            // A duplicate final hangup (log redelivery) must not erase what is already known.
            if self.end_sequence.is_none() {
                self.end_sip_response_code = event.sip_response_code.clone();
                self.end_sequence = event.sequence;
                self.end_action = event.action_type.clone();
                self.end_had_code = event.sip_response_code.is_some();
            }
        }
    }

    pub(crate) fn phase(&self) -> CallPhase {
        if self.ended {
            CallPhase::Ended {
                answered: self.answered,
                sip_response_code: self.end_sip_response_code.clone(),
            }
        } else if self.answered {
            CallPhase::Answered
        } else if self.ringing {
            CallPhase::Ringing
        } else if self.dialing {
            CallPhase::Dialing
        } else {
            CallPhase::Unknown
        }
    }

    pub(crate) fn is_ended(&self) -> bool {
        self.ended
    }

    pub(crate) fn was_answered(&self) -> bool {
        self.answered
    }

    /// What the events say about how the call went: the facts a disposition is made of.
    pub(crate) fn facts(&self) -> CallFacts {
        CallFacts {
            answered: self.answered,
            ended: self.ended,
            sip_response_code: self.end_sip_response_code.clone(),
            created_ms: self.created_ms,
            answered_ms: self.answered_ms,
            ended_ms: self.ended_ms,
            digits: self.digits.values().cloned().collect(),
            bridged: self.bridged,
            ended_after_update: matches!(
                (self.last_update_sequence, self.end_sequence),
                (Some(update), Some(end)) if end == update + 1
            ),
            end_action: self.end_action.clone(),
            end_had_code: self.end_had_code,
        }
    }

    /// How many events about this call were observed (duplicates included).
    pub(crate) fn events_observed(&self) -> usize {
        self.events_observed
    }

    fn is_about_this_call(&self, event: &InvocationEvent) -> bool {
        match &self.transaction_id {
            Some(wanted) => event.transaction_id.as_deref() == Some(wanted.as_str()),
            None => true,
        }
    }
}

/// What a call's events established, for its disposition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CallFacts {
    pub(crate) answered: bool,
    pub(crate) ended: bool,
    /// The final HANGUP's SIP response code.
    pub(crate) sip_response_code: Option<String>,
    /// Log timestamps of NEW_OUTBOUND_CALL, of the answer, and of the final HANGUP.
    pub(crate) created_ms: Option<i64>,
    pub(crate) answered_ms: Option<i64>,
    pub(crate) ended_ms: Option<i64>,
    /// Every digit the callee entered, in call order.
    pub(crate) digits: String,
    pub(crate) bridged: bool,
    /// The final HANGUP came right after a CALL_UPDATE_REQUESTED: the update ended the call.
    pub(crate) ended_after_update: bool,
    /// The final HANGUP's ActionData type, and whether it carried a SIP code (a handler's Hangup
    /// action does; the service's HANGUP for a caller who hung up does not).
    pub(crate) end_action: Option<String>,
    pub(crate) end_had_code: bool,
}

/// LEG-A reported Connected means the call was answered (an inbound call is connected from the
/// start), except on the events that by definition come before an outbound call is answered.
fn shows_leg_a_connected(event: &InvocationEvent) -> bool {
    let before_answer = matches!(
        event.event_type.as_str(),
        event_types::NEW_OUTBOUND_CALL | event_types::RINGING
    );
    !before_answer && event.leg_a_status() == Some(&LegStatus::Connected)
}

/// The call is over only when LEG-A hangs up. A HANGUP of LEG-B (a bridged leg, a meeting
/// ending) leaves LEG-A Connected and the call going on.
fn is_final_hangup(event: &InvocationEvent) -> bool {
    if event.event_type != event_types::HANGUP {
        return false;
    }
    match event.leg_a_status() {
        Some(status) => *status == LegStatus::Disconnected,
        None => event.action_leg() == Some(LegTag::LegA),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::fixtures::*;
    use serde_json::{json, Value};

    fn phase_after(events: &[InvocationEvent]) -> CallPhase {
        let mut tracker = CallTracker::default();
        for event in events {
            tracker.observe(event, 0);
        }
        tracker.phase()
    }

    #[test]
    fn seed_leg_a_hangup_ends_the_call() {
        assert_eq!(
            phase_after(&[seed(SEED_LEG_A_HANGUP)]),
            CallPhase::Ended {
                answered: false,
                sip_response_code: None
            }
        );
    }

    #[test]
    fn seed_leg_b_hangup_does_not_end_the_call() {
        let mut tracker = CallTracker::default();
        tracker.observe(&seed(SEED_LEG_B_HANGUP), 0);
        assert_eq!(tracker.phase(), CallPhase::Answered);
        assert!(!tracker.is_ended());
        tracker.observe(&seed(SEED_LEG_A_HANGUP), 0);
        assert_eq!(
            tracker.phase(),
            CallPhase::Ended {
                answered: true,
                sip_response_code: None
            }
        );
    }

    #[test]
    fn seed_events_out_of_order_stay_ended() {
        let mut tracker = CallTracker::default();
        tracker.observe(&seed(SEED_LEG_A_HANGUP), 0);
        tracker.observe(&seed(SEED_LEG_B_HANGUP), 0);
        assert_eq!(
            tracker.phase(),
            CallPhase::Ended {
                answered: true,
                sip_response_code: None
            }
        );
        assert_eq!(tracker.events_observed(), 2);
    }

    #[test]
    fn an_answered_outbound_call_ended_by_an_update() {
        let events = [
            outbound(
                1,
                "NEW_OUTBOUND_CALL",
                None,
                Some(json!({"Type": "CallCreateRequest", "Parameters": {"Arguments": {"k": "v"}}})),
            ),
            outbound(2, "RINGING", None, None),
            outbound(3, "CALL_ANSWERED", Some("Connected"), None),
            outbound(
                4,
                "CALL_UPDATE_REQUESTED",
                Some("Connected"),
                Some(
                    json!({"Type": "CallUpdateRequest", "Parameters": {"Arguments": {"action": "hangup"}}}),
                ),
            ),
            outbound(5, "HANGUP", Some("Disconnected"), Some(hangup_action("0"))),
        ];
        let mut tracker = CallTracker::default();
        let phases: Vec<CallPhase> = events
            .iter()
            .map(|event| {
                tracker.observe(event, 0);
                tracker.phase()
            })
            .collect();
        assert_eq!(
            phases,
            [
                CallPhase::Dialing,
                CallPhase::Ringing,
                CallPhase::Answered,
                CallPhase::Answered,
                CallPhase::Ended {
                    answered: true,
                    sip_response_code: Some("0".into())
                },
            ]
        );
        assert!(tracker.was_answered() && tracker.is_ended());
    }

    #[test]
    fn a_busy_call_ends_unanswered() {
        let events = [
            outbound(2, "RINGING", None, None),
            outbound(
                3,
                "HANGUP",
                Some("Disconnected"),
                Some(hangup_action("486")),
            ),
        ];
        assert_eq!(
            phase_after(&events),
            CallPhase::Ended {
                answered: false,
                sip_response_code: Some("486".into())
            }
        );
    }

    #[test]
    fn phases_only_move_forward() {
        let hangup = outbound(5, "HANGUP", Some("Disconnected"), Some(hangup_action("0")));
        let late = [
            outbound(1, "NEW_OUTBOUND_CALL", None, None),
            outbound(2, "RINGING", None, None),
        ];
        let mut tracker = CallTracker::default();
        tracker.observe(&outbound(3, "CALL_ANSWERED", Some("Connected"), None), 0);
        for event in &late {
            tracker.observe(event, 0);
            assert_eq!(tracker.phase(), CallPhase::Answered);
        }
        tracker.observe(&hangup, 0);
        tracker.observe(
            &outbound(4, "ACTION_SUCCESSFUL", Some("Connected"), None),
            0,
        );
        // A redelivered final hangup with another code does not change the recorded one.
        tracker.observe(
            &outbound(
                5,
                "HANGUP",
                Some("Disconnected"),
                Some(hangup_action("480")),
            ),
            0,
        );
        assert_eq!(
            tracker.phase(),
            CallPhase::Ended {
                answered: true,
                sip_response_code: Some("0".into())
            }
        );
    }

    #[test]
    fn a_late_call_answered_marks_an_ended_call_answered() {
        let events = [
            outbound(4, "HANGUP", Some("Disconnected"), Some(hangup_action("0"))),
            outbound(3, "CALL_ANSWERED", Some("Connected"), None),
        ];
        assert_eq!(
            phase_after(&events),
            CallPhase::Ended {
                answered: true,
                sip_response_code: Some("0".into())
            }
        );
    }

    #[test]
    fn connected_while_ringing_is_not_an_answer() {
        let events = [outbound(2, "RINGING", Some("Connected"), None)];
        assert_eq!(phase_after(&events), CallPhase::Ringing);
    }

    #[test]
    fn hangup_without_leg_status_uses_the_action_leg() {
        let no_status = |parameters: Value| {
            outbound(
                4,
                "HANGUP",
                None,
                Some(json!({"Type": "Hangup", "Parameters": parameters})),
            )
        };
        let by_tag = no_status(json!({"ParticipantTag": "LEG-A", "SipResponseCode": "480"}));
        assert_eq!(
            phase_after(&[by_tag]),
            CallPhase::Ended {
                answered: false,
                sip_response_code: Some("480".into())
            }
        );
        let by_call_id = no_status(json!({"CallId": "call-id-1"}));
        assert!(matches!(
            phase_after(&[by_call_id]),
            CallPhase::Ended { .. }
        ));
        let leg_b = no_status(json!({"ParticipantTag": "LEG-B"}));
        assert_eq!(phase_after(&[leg_b]), CallPhase::Unknown);
        let unknown_leg = no_status(json!({}));
        assert_eq!(phase_after(&[unknown_leg]), CallPhase::Unknown);
    }

    #[test]
    fn inbound_calls_are_connected_from_the_start() {
        let mut value = outbound_value(1, "NEW_INBOUND_CALL", Some("Connected"), None);
        value["CallDetails"]["Participants"][0]["Direction"] = json!("Inbound");
        let event = InvocationEvent::from_value(&value).unwrap();
        assert_eq!(phase_after(&[event]), CallPhase::Answered);
    }

    #[test]
    fn a_transaction_tracker_ignores_other_calls() {
        let mut tracker = CallTracker::for_transaction("tx-1");
        tracker.observe(&seed(SEED_LEG_A_HANGUP), 0);
        assert_eq!(tracker.phase(), CallPhase::Unknown);
        assert_eq!(tracker.events_observed(), 0);
        tracker.observe(&outbound(2, "RINGING", None, None), 0);
        assert_eq!(tracker.phase(), CallPhase::Ringing);
    }

    #[test]
    fn phases_display_for_people() {
        let ended = CallPhase::Ended {
            answered: false,
            sip_response_code: Some("486".into()),
        };
        assert_eq!(ended.to_string(), "ended (not answered, sip 486)");
        assert_eq!(CallPhase::Ringing.to_string(), "ringing");
    }
}
