//! How a call ended: its disposition, the word telephony uses, derived from the call's events
//! (or from what is known of its dial when it was never placed).
//!
//! Who ended a call is inferred, because no event says it in so many words: the final HANGUP
//! that comes right after a CALL_UPDATE_REQUESTED was the update's doing (chimecall's hangup:
//! the operator); one that carries the Hangup action's SIP code was the handler's; 480 is the
//! service giving up (ringing out, a handler that failed); an answered call's HANGUP without a
//! code is the callee hanging up, as the guide's "Ending a call" shows it.

use std::fmt;

use regex::Regex;
use serde::{Deserialize, Serialize};

use super::state::CallFacts;

/// The class of a call's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DispositionKind {
    Answered,
    Busy,
    NoAnswer,
    /// Any other SIP refusal (603 declined, 404, ...).
    Rejected,
    /// The create failed: no call.
    Failed,
    /// Proven never placed (resolve), or given up after throttles or the active-call quota.
    NotPlaced,
    /// The dial's outcome is unknown: a call may have been placed.
    Unknown,
    /// Answered, but the callee did not acknowledge (`--ack`, `--success digits:REGEX`).
    Unacknowledged,
    /// Answered, and the callee pressed the acknowledgement key (`--ack KEY`).
    Acknowledged,
    /// `--until first`: another row succeeded, so this one was hung up or never dialed (again).
    Cancelled,
    /// The per-number guard held it past the run's end: not dialed; `--resume` dials it again.
    Guarded,
    /// Following stopped before the call ended.
    Live,
}

impl DispositionKind {
    pub(crate) const ALL: [DispositionKind; 12] = [
        DispositionKind::Acknowledged,
        DispositionKind::Answered,
        DispositionKind::Unacknowledged,
        DispositionKind::Busy,
        DispositionKind::NoAnswer,
        DispositionKind::Rejected,
        DispositionKind::NotPlaced,
        DispositionKind::Failed,
        DispositionKind::Unknown,
        DispositionKind::Live,
        DispositionKind::Cancelled,
        DispositionKind::Guarded,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DispositionKind::Answered => "answered",
            DispositionKind::Busy => "busy",
            DispositionKind::NoAnswer => "no_answer",
            DispositionKind::Rejected => "rejected",
            DispositionKind::Failed => "failed",
            DispositionKind::NotPlaced => "not_placed",
            DispositionKind::Unknown => "unknown",
            DispositionKind::Unacknowledged => "unacknowledged",
            DispositionKind::Acknowledged => "acknowledged",
            DispositionKind::Cancelled => "cancelled",
            DispositionKind::Guarded => "guarded",
            DispositionKind::Live => "live",
        }
    }

    /// A row that ended this way is done: it is never dialed again.
    pub(crate) fn is_success(self) -> bool {
        matches!(
            self,
            DispositionKind::Answered | DispositionKind::Acknowledged
        )
    }

    /// Someone picked up (whatever they pressed).
    pub(crate) fn was_answered(self) -> bool {
        self.is_success() || self == DispositionKind::Unacknowledged
    }

    pub(crate) fn parse(text: &str) -> Option<DispositionKind> {
        DispositionKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
    }
}

impl fmt::Display for DispositionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who ended the call, as far as the events tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum EndedBy {
    Callee,
    Handler,
    /// An UpdateSipMediaApplicationCall (chimecall's hangup) ended it.
    Operator,
    /// Timeouts: the ring timeout, a handler that failed, the invocation cap.
    Service,
}

impl EndedBy {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            EndedBy::Callee => "callee",
            EndedBy::Handler => "handler",
            EndedBy::Operator => "operator",
            EndedBy::Service => "service",
        }
    }
}

/// What counts as success for a run: an answer, an answer with the right digits, or the
/// acknowledgement key (`--ack`).
#[derive(Debug, Clone)]
pub(crate) enum Success {
    Answered,
    Digits(Regex),
    /// `--ack KEY`: the key pressed (`^KEY$`); the disposition says `acknowledged`.
    Acknowledged(Regex),
}

impl Success {
    /// `--ack KEY`: success is that one key, pressed alone.
    pub(crate) fn acknowledged_by(key: char) -> Success {
        let pattern = format!("^{}$", regex::escape(&key.to_string()));
        Success::Acknowledged(Regex::new(&pattern).expect("an escaped key is a regex"))
    }

    /// Whether what a call has shown so far is success, and as which disposition: an answer
    /// (with the digits asked for, if any). Decided the moment it is seen, call still up or not.
    pub(crate) fn seen(&self, facts: &CallFacts) -> Option<DispositionKind> {
        if !facts.answered {
            return None;
        }
        match self {
            Success::Answered => Some(DispositionKind::Answered),
            Success::Digits(pattern) => pattern
                .is_match(&facts.digits)
                .then_some(DispositionKind::Answered),
            Success::Acknowledged(pattern) => pattern
                .is_match(&facts.digits)
                .then_some(DispositionKind::Acknowledged),
        }
    }

    /// `answered` or `digits:REGEX` (the regex must match the whole of the digits entered).
    pub(crate) fn parse(text: &str) -> Result<Success, String> {
        match text {
            "answered" => Ok(Success::Answered),
            _ => match text.strip_prefix("digits:") {
                Some(pattern) => regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
                    .size_limit(1 << 20)
                    .build()
                    .map(Success::Digits)
                    .map_err(|e| {
                        format!(
                            "{} is not a regular expression: {}",
                            chimecall_model::rules::quoted(pattern),
                            regex_problem(&e)
                        )
                    }),
                None => Err(format!(
                    "{}: expected answered or digits:REGEX (e.g. digits:1)",
                    chimecall_model::rules::quoted(text)
                )),
            },
        }
    }
}

/// What is wrong with a regex, without the pattern it quotes whole: the last line of its error
/// (the reason), cut short.
fn regex_problem(error: &regex::Error) -> String {
    let text = error.to_string();
    let reason = text
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("");
    crate::text::cell(reason.trim().trim_start_matches("error: "))
}

/// How one call ended, for people and programs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Disposition {
    pub(crate) disposition: DispositionKind,
    pub(crate) answered: bool,
    pub(crate) sip_response_code: Option<String>,
    /// Create (NEW_OUTBOUND_CALL) to answer.
    pub(crate) ring_ms: Option<i64>,
    /// Answer to end.
    pub(crate) duration_ms: Option<i64>,
    /// Every digit the callee entered, in order.
    pub(crate) digits: String,
    /// A LEG-B answered.
    pub(crate) bridged: bool,
    pub(crate) ended_by: Option<EndedBy>,
}

impl Disposition {
    /// A call's disposition from what its events established.
    pub(crate) fn of_call(facts: &CallFacts, success: &Success) -> Disposition {
        let disposition = match (facts.ended, facts.answered) {
            (false, _) => DispositionKind::Live,
            (true, true) => success
                .seen(facts)
                .unwrap_or(DispositionKind::Unacknowledged),
            (true, false) => match facts.sip_response_code.as_deref() {
                Some("486") => DispositionKind::Busy,
                None | Some("0") | Some("480") => DispositionKind::NoAnswer,
                Some(_) => DispositionKind::Rejected,
            },
        };
        Disposition {
            disposition,
            answered: facts.answered,
            sip_response_code: facts.sip_response_code.clone(),
            ring_ms: match (facts.created_ms, facts.answered_ms) {
                (Some(created), Some(answered)) => Some((answered - created).max(0)),
                _ => None,
            },
            duration_ms: match (facts.answered_ms, facts.ended_ms) {
                (Some(answered), Some(ended)) => Some((ended - answered).max(0)),
                _ => None,
            },
            digits: facts.digits.clone(),
            bridged: facts.bridged,
            ended_by: facts.ended.then(|| ended_by(facts)),
        }
    }

    /// A dial that placed no call (or may have): nothing but its class to say.
    pub(crate) fn without_call(disposition: DispositionKind) -> Disposition {
        Disposition {
            disposition,
            answered: false,
            sip_response_code: None,
            ring_ms: None,
            duration_ms: None,
            digits: String::new(),
            bridged: false,
            ended_by: None,
        }
    }

    /// One line for people: "answered after 2.1 s, 12.4 s long, digits 1, ended by the callee".
    pub(crate) fn summary(&self) -> String {
        let seconds = |ms: i64| format!("{:.1} s", ms as f64 / 1000.0);
        let mut parts = Vec::new();
        match self.disposition {
            kind if kind.was_answered() => {
                let mut answered = match self.ring_ms {
                    Some(ring) => format!("answered after {}", seconds(ring)),
                    None => "answered".to_string(),
                };
                match kind {
                    DispositionKind::Unacknowledged => answered.push_str(" (unacknowledged)"),
                    DispositionKind::Acknowledged => answered.push_str(" (acknowledged)"),
                    _ => {}
                }
                parts.push(answered);
                if let Some(duration) = self.duration_ms {
                    parts.push(format!("{} long", seconds(duration)));
                }
            }
            DispositionKind::Live => parts.push(if self.answered {
                "answered, still live".to_string()
            } else {
                "not answered yet, still live".to_string()
            }),
            other => {
                let mut text = match other {
                    DispositionKind::Busy => "busy".to_string(),
                    DispositionKind::NoAnswer => "not answered".to_string(),
                    DispositionKind::Rejected => "rejected".to_string(),
                    DispositionKind::NotPlaced => "not placed".to_string(),
                    DispositionKind::Failed => "not placed: the dial failed".to_string(),
                    _ => "outcome unknown".to_string(),
                };
                if let Some(code) = &self.sip_response_code {
                    text.push_str(&format!(" (SIP {code})"));
                }
                parts.push(text);
            }
        }
        if !self.digits.is_empty() {
            parts.push(format!("digits {}", self.digits));
        }
        if self.bridged {
            parts.push("bridged".to_string());
        }
        if let Some(by) = self.ended_by {
            parts.push(match by {
                EndedBy::Callee => "ended by the callee".to_string(),
                EndedBy::Handler => "ended by the handler".to_string(),
                EndedBy::Operator => "ended by the operator".to_string(),
                EndedBy::Service => "ended by the service".to_string(),
            });
        }
        parts.join(", ")
    }
}

/// Who ended a call that has ended (see the module's comment).
fn ended_by(facts: &CallFacts) -> EndedBy {
    if facts.ended_after_update {
        return EndedBy::Operator;
    }
    let code = facts.sip_response_code.as_deref();
    if !facts.answered {
        return match code {
            // Refused by the callee's side: busy, declined, and the like.
            Some(code) if code != "0" && code != "480" => EndedBy::Callee,
            _ => EndedBy::Service,
        };
    }
    match code {
        Some("480") => EndedBy::Service,
        _ if facts.end_action.as_deref() == Some("Hangup") && facts.end_had_code => {
            EndedBy::Handler
        }
        _ => EndedBy::Callee,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ended(answered: bool, code: Option<&str>) -> CallFacts {
        CallFacts {
            answered,
            ended: true,
            sip_response_code: code.map(str::to_string),
            created_ms: Some(1_000),
            answered_ms: answered.then_some(3_100),
            ended_ms: Some(15_500),
            end_action: Some("Hangup".to_string()),
            end_had_code: code.is_some(),
            ..CallFacts::default()
        }
    }

    #[test]
    fn unanswered_calls_are_classed_by_their_sip_code() {
        let class = |code| Disposition::of_call(&ended(false, code), &Success::Answered);
        assert_eq!(class(Some("486")).disposition, DispositionKind::Busy);
        assert_eq!(class(Some("486")).ended_by, Some(EndedBy::Callee));
        assert_eq!(class(Some("480")).disposition, DispositionKind::NoAnswer);
        assert_eq!(class(Some("480")).ended_by, Some(EndedBy::Service));
        assert_eq!(class(Some("603")).disposition, DispositionKind::Rejected);
        assert_eq!(class(Some("603")).ended_by, Some(EndedBy::Callee));
        assert_eq!(class(None).disposition, DispositionKind::NoAnswer);
    }

    #[test]
    fn answered_calls_have_their_times_and_who_ended_them() {
        let by_handler = Disposition::of_call(&ended(true, Some("0")), &Success::Answered);
        assert_eq!(by_handler.disposition, DispositionKind::Answered);
        assert_eq!(by_handler.ring_ms, Some(2_100));
        assert_eq!(by_handler.duration_ms, Some(12_400));
        assert_eq!(by_handler.ended_by, Some(EndedBy::Handler));
        let mut hung_up = ended(true, None);
        hung_up.end_action = Some("PlayAudio".to_string());
        hung_up.digits = "1".to_string();
        let by_callee = Disposition::of_call(&hung_up, &Success::Answered);
        assert_eq!(by_callee.ended_by, Some(EndedBy::Callee));
        assert_eq!(
            by_callee.summary(),
            "answered after 2.1 s, 12.4 s long, digits 1, ended by the callee"
        );
        let mut updated = ended(true, Some("0"));
        updated.ended_after_update = true;
        let by_operator = Disposition::of_call(&updated, &Success::Answered);
        assert_eq!(by_operator.ended_by, Some(EndedBy::Operator));
        let failed = Disposition::of_call(&ended(true, Some("480")), &Success::Answered);
        assert_eq!(failed.ended_by, Some(EndedBy::Service));
    }

    #[test]
    fn digits_decide_acknowledgement() {
        let success = Success::parse("digits:1").unwrap();
        let mut facts = ended(true, Some("0"));
        facts.digits = "2".to_string();
        assert_eq!(
            Disposition::of_call(&facts, &success).disposition,
            DispositionKind::Unacknowledged
        );
        facts.digits = "1".to_string();
        assert_eq!(
            Disposition::of_call(&facts, &success).disposition,
            DispositionKind::Answered
        );
        // The pattern must match all of the digits.
        facts.digits = "12".to_string();
        assert_eq!(
            Disposition::of_call(&facts, &success).disposition,
            DispositionKind::Unacknowledged
        );
        assert!(Success::parse("digits:(").is_err());
        assert!(Success::parse("pressed").is_err());
    }

    #[test]
    fn a_call_still_going_is_live() {
        let facts = CallFacts {
            answered: true,
            ..CallFacts::default()
        };
        let live = Disposition::of_call(&facts, &Success::Answered);
        assert_eq!(live.disposition, DispositionKind::Live);
        assert_eq!(live.ended_by, None);
        assert_eq!(live.summary(), "answered, still live");
    }

    #[test]
    fn disposition_names_round_trip() {
        for kind in DispositionKind::ALL {
            assert_eq!(DispositionKind::parse(kind.as_str()), Some(kind));
        }
    }
}
