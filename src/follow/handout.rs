//! Sorting a round's log events out to the calls they belong to, once each, without losing one.
//!
//! A round reads with the filter pattern of the calls followed when it began; a call whose watch
//! begins while the round runs is not among them. With many calls followed the pattern takes
//! every invocation event, so that round can read the new call's first events (a call that ends
//! within a millisecond of its create: all of them). Such an event is not "seen": it is remembered
//! as held for its call, and handed out when a later round (which reads the new call's past)
//! meets it again while the call is followed. Pure: no socket, no clock.

use std::collections::{HashMap, HashSet};

use super::ObservedEvent;
use crate::event;

/// One log event as a round read it.
pub(super) struct LogLine<'a> {
    pub(super) event_id: &'a str,
    pub(super) timestamp_ms: i64,
    pub(super) message: Option<&'a str>,
}

/// What became of an event id already read.
struct Read {
    timestamp_ms: i64,
    /// The call it belongs to, when no watch of that call has had it yet; `None` once it was
    /// handed out, or when it belongs to no call.
    held_for: Option<String>,
}

/// The events already read, by event id, and what became of them.
#[derive(Default)]
pub(super) struct HandOut {
    read: HashMap<String, Read>,
}

/// One round's events, sorted out.
#[derive(Default)]
pub(super) struct Sorted {
    pub(super) by_call: HashMap<String, Vec<ObservedEvent>>,
    /// Lines that held an event that could not be read (each counted once).
    pub(super) unreadable: usize,
}

impl HandOut {
    /// Sorts `lines` out to the calls of `followed`; an event of a call not followed now is kept
    /// for the round that follows it.
    pub(super) fn sort<'a>(
        &mut self,
        followed: &HashSet<String>,
        lines: impl IntoIterator<Item = LogLine<'a>>,
    ) -> Sorted {
        let mut sorted = Sorted::default();
        for line in lines {
            if let Some(read) = self.read.get(line.event_id) {
                match &read.held_for {
                    Some(call) if followed.contains(call) => {}
                    _ => continue,
                }
            }
            let held_for = self.take(followed, &line, &mut sorted);
            if !line.event_id.is_empty() {
                self.read.insert(
                    line.event_id.to_string(),
                    Read {
                        timestamp_ms: line.timestamp_ms,
                        held_for,
                    },
                );
            }
        }
        sorted
    }

    /// Reads one line; answers the call it is held for when that call is not followed.
    fn take(
        &mut self,
        followed: &HashSet<String>,
        line: &LogLine<'_>,
        sorted: &mut Sorted,
    ) -> Option<String> {
        let event = match event::read_event(line.message?) {
            None => return None,
            Some(Err(error)) => {
                tracing::debug!(%error, "unreadable event in the logs");
                sorted.unreadable += 1;
                return None;
            }
            Some(Ok(event)) => event,
        };
        let transaction_id = event.transaction_id.clone()?;
        if !followed.contains(&transaction_id) {
            return Some(transaction_id);
        }
        sorted
            .by_call
            .entry(transaction_id)
            .or_default()
            .push(ObservedEvent {
                event,
                timestamp_ms: line.timestamp_ms,
                event_id: line.event_id.to_string(),
            });
        None
    }

    /// Forgets the events stamped before `before_ms` (no round reads them again).
    pub(super) fn prune(&mut self, before_ms: i64) {
        self.read.retain(|_, read| read.timestamp_ms >= before_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::fixtures::outbound_value;

    fn message_of(transaction_id: &str, event_type: &str) -> String {
        let mut value = outbound_value(1, event_type, Some("Disconnected"), None);
        value["CallDetails"]["TransactionId"] = transaction_id.into();
        value.to_string()
    }

    fn followed(ids: &[&str]) -> HashSet<String> {
        ids.iter().map(|id| id.to_string()).collect()
    }

    fn line<'a>(event_id: &'a str, message: &'a str) -> LogLine<'a> {
        LogLine {
            event_id,
            timestamp_ms: 1_000,
            message: Some(message),
        }
    }

    #[test]
    fn an_event_read_before_its_call_is_followed_is_handed_out_when_it_is() {
        let early = message_of("tx-new", "HANGUP");
        let other = message_of("tx-old", "RINGING");
        let mut hand_out = HandOut::default();
        // The round that began before tx-new's watch reads its HANGUP (a wide pattern).
        let first = hand_out.sort(
            &followed(&["tx-old"]),
            [line("e1", &early), line("e2", &other)],
        );
        assert!(!first.by_call.contains_key("tx-new"));
        assert_eq!(first.by_call["tx-old"].len(), 1);
        // The next round follows tx-new and reads its past again: the HANGUP is handed out,
        // tx-old's event is not handed out twice.
        let second = hand_out.sort(
            &followed(&["tx-old", "tx-new"]),
            [line("e1", &early), line("e2", &other)],
        );
        assert_eq!(second.by_call["tx-new"].len(), 1);
        assert!(!second.by_call.contains_key("tx-old"));
        // And once only.
        let third = hand_out.sort(&followed(&["tx-old", "tx-new"]), [line("e1", &early)]);
        assert!(third.by_call.is_empty());
    }

    #[test]
    fn unreadable_lines_are_counted_once_and_other_lines_ignored() {
        let broken = r#"{"InvocationEventType": 7, "CallDetails": {}}"#;
        let mut hand_out = HandOut::default();
        let lines = || [line("e1", broken), line("e2", "START RequestId: x")];
        let first = hand_out.sort(&followed(&["tx"]), lines());
        let second = hand_out.sort(&followed(&["tx"]), lines());
        assert_eq!((first.unreadable, second.unreadable), (1, 0));
        assert!(first.by_call.is_empty() && second.by_call.is_empty());
    }

    #[test]
    fn pruning_forgets_old_events_only() {
        let mut hand_out = HandOut::default();
        let old = message_of("tx", "RINGING");
        let mut early = line("e1", &old);
        early.timestamp_ms = 10;
        hand_out.sort(&followed(&["tx"]), [early]);
        hand_out.prune(500);
        // Forgotten: a read that reaches back that far hands it out again (the watch dedupes).
        let again = hand_out.sort(&followed(&["tx"]), [line("e1", &old)]);
        assert_eq!(again.by_call["tx"].len(), 1);
        hand_out.prune(500);
        assert!(hand_out
            .sort(&followed(&["tx"]), [line("e1", &old)])
            .by_call
            .is_empty());
    }
}
