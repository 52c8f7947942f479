//! The simulated callee: who picks up the far end of a call, and when. The sandbox has no phone
//! network, so the destination number chooses the behaviour; scripted callees belong here too.
//!
//! By the destination's last digits: ...486 is busy (HANGUP 486 after RINGING); ...480 never
//! answers (HANGUP 480 at the ring timeout); ...487 answers, then hangs up 1 s later; any other
//! number answers after `answer_after`.

use std::time::Duration;

/// A callee that answers and then hangs up does so this long after answering.
const HANGS_UP_AFTER: Duration = Duration::from_secs(1);
/// How long a busy line takes to say so.
const BUSY_AFTER: Duration = Duration::from_millis(100);

/// How the simulated callee behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Callee {
    Busy,
    NeverAnswers,
    Answers { hangs_up: bool },
}

/// How the ringing ends, counted from the call's creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ringing {
    pub(crate) rings_for: Duration,
    pub(crate) outcome: Pickup,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pickup {
    /// The callee answers; `hangs_up_after` counts from the answer.
    Answers { hangs_up_after: Option<Duration> },
    /// Nobody answers: the call ends with this SIP response code.
    Unanswered { sip_response_code: &'static str },
}

impl Callee {
    pub(crate) fn for_number(to: &str) -> Callee {
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

    /// The ringing, given how long the callee takes to answer and how long a phone may ring.
    pub(crate) fn ringing(self, answer_after: Duration, ring_timeout: Duration) -> Ringing {
        let unanswered = |rings_for, sip_response_code| Ringing {
            rings_for,
            outcome: Pickup::Unanswered { sip_response_code },
        };
        match self {
            Callee::Busy => unanswered(BUSY_AFTER, "486"),
            Callee::NeverAnswers => unanswered(ring_timeout, "480"),
            Callee::Answers { .. } if answer_after >= ring_timeout => {
                unanswered(ring_timeout, "480")
            }
            Callee::Answers { hangs_up } => Ringing {
                rings_for: answer_after,
                outcome: Pickup::Answers {
                    hangs_up_after: hangs_up.then_some(HANGS_UP_AFTER),
                },
            },
        }
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

    #[test]
    fn ringing_ends_by_the_callee_and_the_ring_timeout() {
        let (two, thirty) = (Duration::from_secs(2), Duration::from_secs(30));
        let busy = Callee::Busy.ringing(two, thirty);
        assert_eq!(
            busy.outcome,
            Pickup::Unanswered {
                sip_response_code: "486"
            }
        );
        assert_eq!(busy.rings_for, BUSY_AFTER);
        let never = Callee::NeverAnswers.ringing(two, thirty);
        assert_eq!(never.rings_for, thirty);
        let slow = Callee::Answers { hangs_up: false }.ringing(thirty, thirty);
        assert_eq!(
            slow.outcome,
            Pickup::Unanswered {
                sip_response_code: "480"
            }
        );
        let hangs_up = Callee::Answers { hangs_up: true }.ringing(two, thirty);
        assert_eq!(hangs_up.rings_for, two);
        assert_eq!(
            hangs_up.outcome,
            Pickup::Answers {
                hangs_up_after: Some(HANGS_UP_AFTER)
            }
        );
    }
}
