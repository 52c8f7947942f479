//! The legs of one call: LEG-A, the leg CreateSipMediaApplicationCall placed, and LEG-B, the
//! one a CallAndBridge adds. Each leg has its callee's schedule (the keys they will press, when
//! they hang up), its ReceiveDigits listener, and its status. Which leg an action names, and the
//! Participants every event lists, are read from here.

use std::collections::{BTreeMap, VecDeque};

use serde_json::Value;
use tokio::time::Instant;

use crate::actions::LegRef;
use crate::callee::Script;
use crate::digits::DigitListener;
use crate::invocation::Participant;
use crate::time_scale::TimeScale;

/// A leg's status: not yet answered (LEG-A shows none), connected, or disconnected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LegStatus {
    Ringing,
    Connected,
    Disconnected,
}

/// An active ReceiveDigits: the action (for DIGITS_RECEIVED's ActionData) and its machine.
pub(super) struct Listening {
    pub(super) action: Value,
    /// Keys pressed before the action started are not heard.
    pub(super) since: Instant,
    pub(super) listener: DigitListener,
}

pub(super) struct Leg {
    pub(super) leg_b: bool,
    pub(super) call_id: String,
    pub(super) to: String,
    pub(super) from: String,
    pub(super) start_ms: i64,
    pub(super) status: LegStatus,
    pub(super) sip_headers: BTreeMap<String, String>,
    /// The callee's keys still to press, in time order.
    pub(super) presses: VecDeque<(Instant, char)>,
    pub(super) hangs_up_at: Option<Instant>,
    pub(super) listening: Option<Listening>,
    /// What SendDigits sent this leg's callee.
    pub(super) heard: String,
}

impl Leg {
    pub(super) fn new(leg_b: bool, to: &str, from: &str) -> Leg {
        Leg {
            leg_b,
            call_id: uuid::Uuid::new_v4().to_string(),
            to: to.to_string(),
            from: from.to_string(),
            start_ms: chimecall_model::clock::now_ms(),
            status: LegStatus::Ringing,
            sip_headers: BTreeMap::new(),
            presses: VecDeque::new(),
            hangs_up_at: None,
            listening: None,
            heard: String::new(),
        }
    }

    pub(super) fn tag(&self) -> &'static str {
        if self.leg_b {
            "LEG-B"
        } else {
            "LEG-A"
        }
    }

    pub(super) fn is_connected(&self) -> bool {
        self.status == LegStatus::Connected
    }

    /// The callee answers at `now`: their presses and hang-up are scheduled from it.
    pub(super) fn answered(&mut self, script: &Script, now: Instant, scale: TimeScale) {
        self.status = LegStatus::Connected;
        self.presses = script
            .presses
            .iter()
            .map(|press| (now + scale.wall(press.after), press.digit))
            .collect();
        self.hangs_up_at = script.hangs_up_after.map(|after| now + scale.wall(after));
    }

    /// The leg is gone: nothing more happens on it.
    pub(super) fn disconnected(&mut self) {
        self.status = LegStatus::Disconnected;
        self.presses.clear();
        self.hangs_up_at = None;
        self.listening = None;
    }

    fn participant(&self) -> Participant<'_> {
        Participant {
            call_id: &self.call_id,
            tag: self.tag(),
            to: &self.to,
            from: &self.from,
            start_ms: self.start_ms,
            status: match self.status {
                LegStatus::Ringing => None,
                LegStatus::Connected => Some("Connected"),
                LegStatus::Disconnected => Some("Disconnected"),
            },
            sip_headers: Some(&self.sip_headers),
        }
    }
}

/// LEG-A, and LEG-B once a bridge has been answered.
pub(super) struct Legs {
    pub(super) a: Leg,
    pub(super) b: Option<Leg>,
}

impl Legs {
    pub(super) fn get(&self, leg_b: bool) -> Option<&Leg> {
        if leg_b {
            self.b.as_ref()
        } else {
            Some(&self.a)
        }
    }

    pub(super) fn get_mut(&mut self, leg_b: bool) -> Option<&mut Leg> {
        if leg_b {
            self.b.as_mut()
        } else {
            Some(&mut self.a)
        }
    }

    /// The connected leg an action names (true for LEG-B); `None` when it names no connected leg.
    pub(super) fn resolve(&self, reference: &LegRef) -> Option<bool> {
        let leg = match reference {
            LegRef::Default => Some(&self.a),
            LegRef::Tag { leg_b } => self.get(*leg_b),
            LegRef::CallId(call_id) => [Some(&self.a), self.b.as_ref()]
                .into_iter()
                .flatten()
                .find(|leg| &leg.call_id == call_id),
        }?;
        leg.is_connected().then_some(leg.leg_b)
    }

    pub(super) fn participants(&self) -> Vec<Participant<'_>> {
        [Some(&self.a), self.b.as_ref()]
            .into_iter()
            .flatten()
            .map(Leg::participant)
            .collect()
    }

    pub(super) fn connected(&self) -> impl Iterator<Item = &Leg> {
        [Some(&self.a), self.b.as_ref()]
            .into_iter()
            .flatten()
            .filter(|leg| leg.is_connected())
    }

    pub(super) fn all_mut(&mut self) -> impl Iterator<Item = &mut Leg> {
        [Some(&mut self.a), self.b.as_mut()].into_iter().flatten()
    }

    /// A bridged call with one leg gone and the other still connected: the leg left hanging.
    pub(super) fn left_hanging(&self) -> Option<&Leg> {
        let b = self.b.as_ref()?;
        match (self.a.is_connected(), b.is_connected()) {
            (true, false) => Some(&self.a),
            (false, true) => Some(b),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callee::{Pickup, Press};
    use std::time::Duration;

    fn bridged() -> Legs {
        let mut a = Leg::new(false, "+12065550111", "+12065550100");
        a.status = LegStatus::Connected;
        let mut b = Leg::new(true, "+12065550222", "+12065550100");
        b.status = LegStatus::Connected;
        Legs { a, b: Some(b) }
    }

    #[test]
    fn actions_name_connected_legs_by_call_id_tag_or_default() {
        let mut legs = bridged();
        let b_id = legs.b.as_ref().unwrap().call_id.clone();
        assert_eq!(legs.resolve(&LegRef::Default), Some(false));
        assert_eq!(legs.resolve(&LegRef::Tag { leg_b: true }), Some(true));
        assert_eq!(legs.resolve(&LegRef::CallId(b_id.clone())), Some(true));
        assert_eq!(legs.resolve(&LegRef::CallId("other".into())), None);
        legs.b.as_mut().unwrap().disconnected();
        assert_eq!(legs.resolve(&LegRef::CallId(b_id)), None, "gone");
        assert_eq!(legs.left_hanging().map(Leg::tag), Some("LEG-A"));
        let tags: Vec<_> = legs
            .participants()
            .iter()
            .map(|p| (p.tag, p.status))
            .collect();
        assert_eq!(
            tags,
            [
                ("LEG-A", Some("Connected")),
                ("LEG-B", Some("Disconnected"))
            ]
        );
    }

    #[test]
    fn an_answer_schedules_the_callee_in_wall_clock_time() {
        let mut leg = Leg::new(false, "+12065550111", "+12065550100");
        let script = Script {
            pickup: Pickup::Answers { after: None },
            presses: vec![Press {
                after: Duration::from_secs(3),
                digit: '1',
            }],
            hangs_up_after: Some(Duration::from_secs(10)),
        };
        let now = Instant::now();
        leg.answered(&script, now, TimeScale::new(10.0));
        assert_eq!(
            leg.presses.front(),
            Some(&(now + Duration::from_millis(300), '1'))
        );
        assert_eq!(leg.hangs_up_at, Some(now + Duration::from_secs(1)));
        leg.disconnected();
        assert!(leg.presses.is_empty() && leg.hangs_up_at.is_none());
    }
}
