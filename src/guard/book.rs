//! A run's book of the calls to each of its numbers, for the guard: the journal's calls that
//! count (placed or unknown) from before the run, the run's own as they are placed, and the dials
//! in flight (they may ring: they count now). The run core asks it before each dial.

use std::collections::HashMap;

use super::{Guard, Verdict};
use crate::journal::DialEntry;

/// The calls that count, by number.
#[derive(Debug, Default)]
pub(crate) struct Book {
    guard: Guard,
    calls: HashMap<String, Vec<i64>>,
    in_flight: HashMap<String, usize>,
}

impl Book {
    /// The book of `guard` from the journal's dials (those older than its longest window are
    /// left out).
    pub(crate) fn of(guard: Guard, dials: &[DialEntry], now_ms: i64) -> Book {
        let since_ms = guard.since_ms(now_ms);
        let mut calls: HashMap<String, Vec<i64>> = HashMap::new();
        if !guard.is_off() {
            let counted = dials.iter().filter(|dial| super::history::counts(dial));
            for dial in counted {
                if let Some(time) = dial.time_ms().filter(|&time| time >= since_ms) {
                    calls.entry(dial.to.clone()).or_default().push(time);
                }
            }
        }
        Book {
            guard,
            calls,
            in_flight: HashMap::new(),
        }
    }

    pub(crate) fn guard(&self) -> &Guard {
        &self.guard
    }

    /// Whether a call to `number` may go at `now_ms`.
    pub(crate) fn check(&self, number: &str, now_ms: i64) -> Verdict {
        if self.guard.is_off() {
            return Verdict::Free;
        }
        let mut history = self.calls.get(number).cloned().unwrap_or_default();
        let flying = self.in_flight.get(number).copied().unwrap_or(0);
        history.extend(std::iter::repeat_n(now_ms, flying));
        self.guard.check(&history, now_ms)
    }

    /// A dial to `number` leaves now.
    pub(crate) fn sending(&mut self, number: &str) {
        *self.in_flight.entry(number.to_string()).or_default() += 1;
    }

    /// The dial to `number` came back: `placed` (or perhaps placed) at `at_ms`, or not.
    pub(crate) fn answered(&mut self, number: &str, placed: bool, at_ms: i64) {
        if let Some(flying) = self.in_flight.get_mut(number) {
            *flying = flying.saturating_sub(1);
        }
        if placed {
            self.calls
                .entry(number.to_string())
                .or_default()
                .push(at_ms);
        }
    }
}
