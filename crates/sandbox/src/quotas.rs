//! The account's quotas, as a fresh AWS account has them (`chimecall_model::quotas`), so that what
//! passes here would pass at AWS: CreateSipMediaApplicationCall 1 per second,
//! UpdateSipMediaApplicationCall 5 per second, 10 active SIP media application calls,
//! FilterLogEvents 25 per second in us-east-1 (10 elsewhere). `--quota NAME=VALUE` raises or lowers one, as Service Quotas would; `--no-quotas`
//! lifts the rest, for benchmarks and tests that measure other things.
//!
//! Rates are enforced at request arrival: never more than N accepted in any window of one
//! second, whatever order concurrent requests are checked in. A refused request is not counted.
//! A call is active from its accepted create until its task has finished, that is, once its
//! final HANGUP has been delivered to the handler.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chimecall_model::quotas as fresh_account;

/// One quota's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// At most this many: per second for a rate; 0 refuses every request.
    AtMost(u32),
    Unlimited,
}

/// The largest value `--quota` takes; beyond it, `unlimited` says what is meant.
const MAX_VALUE: u32 = 1_000_000;

/// The quotas the sandbox enforces, by their `--quota` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaName {
    CreateRate,
    UpdateRate,
    ActiveCalls,
    FilterLogEventsRate,
}

impl QuotaName {
    pub const ALL: [QuotaName; 4] = [
        QuotaName::CreateRate,
        QuotaName::UpdateRate,
        QuotaName::ActiveCalls,
        QuotaName::FilterLogEventsRate,
    ];

    /// The name `--quota` takes.
    pub fn flag_name(self) -> &'static str {
        match self {
            QuotaName::CreateRate => "create-rate",
            QuotaName::UpdateRate => "update-rate",
            QuotaName::ActiveCalls => "active-calls",
            QuotaName::FilterLogEventsRate => "filter-log-events-rate",
        }
    }

    fn is_rate(self) -> bool {
        self != QuotaName::ActiveCalls
    }
}

/// Every quota's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaSettings {
    pub create_rate: Limit,
    pub update_rate: Limit,
    pub active_calls: Limit,
    pub filter_log_events_rate: Limit,
}

impl QuotaSettings {
    /// A fresh account's quotas in `region` (FilterLogEvents' depends on it).
    pub fn for_region(region: &str) -> QuotaSettings {
        QuotaSettings {
            create_rate: Limit::AtMost(fresh_account::CREATE_CALL_RATE),
            update_rate: Limit::AtMost(fresh_account::UPDATE_CALL_RATE),
            active_calls: Limit::AtMost(fresh_account::ACTIVE_CALLS),
            filter_log_events_rate: Limit::AtMost(fresh_account::filter_log_events_rate(region)),
        }
    }

    /// No quota at all.
    pub fn unlimited() -> QuotaSettings {
        QuotaSettings {
            create_rate: Limit::Unlimited,
            update_rate: Limit::Unlimited,
            active_calls: Limit::Unlimited,
            filter_log_events_rate: Limit::Unlimited,
        }
    }

    pub fn get(&self, name: QuotaName) -> Limit {
        match name {
            QuotaName::CreateRate => self.create_rate,
            QuotaName::UpdateRate => self.update_rate,
            QuotaName::ActiveCalls => self.active_calls,
            QuotaName::FilterLogEventsRate => self.filter_log_events_rate,
        }
    }

    pub fn set(&mut self, name: QuotaName, limit: Limit) {
        match name {
            QuotaName::CreateRate => self.create_rate = limit,
            QuotaName::UpdateRate => self.update_rate = limit,
            QuotaName::ActiveCalls => self.active_calls = limit,
            QuotaName::FilterLogEventsRate => self.filter_log_events_rate = limit,
        }
    }

    /// `NAME=VALUE` for `--quota`: a whole number (requests per second for a rate, as AWS counts
    /// its rate quotas) or `unlimited`.
    pub fn parse(text: &str) -> Result<(QuotaName, Limit), String> {
        let (name, value) = text.split_once('=').ok_or_else(|| {
            format!("{text:?}: expected NAME=VALUE, e.g. create-rate=5 or active-calls=unlimited")
        })?;
        let name = QuotaName::ALL
            .into_iter()
            .find(|quota| quota.flag_name() == name)
            .ok_or_else(|| {
                format!(
                    "unknown quota {name:?}: create-rate, update-rate, active-calls or filter-log-events-rate"
                )
            })?;
        let limit = match value {
            "unlimited" => Limit::Unlimited,
            digits if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => digits
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= MAX_VALUE)
                .map(Limit::AtMost)
                .ok_or_else(|| {
                    format!("{text:?}: at most {MAX_VALUE}; `unlimited` lifts the quota")
                })?,
            _ => {
                let what = if name.is_rate() {
                    "a whole number of requests per second"
                } else {
                    "a whole number of calls"
                };
                return Err(format!("{text:?}: the value must be {what}, or unlimited"));
            }
        };
        Ok((name, limit))
    }

    /// The quotas the flags ask for: a fresh account's in `region` (or none with `--no-quotas`),
    /// then each `--quota`. A quota given twice is refused: which one was meant?
    pub fn from_flags(
        region: &str,
        no_quotas: bool,
        overrides: &[(QuotaName, Limit)],
    ) -> Result<QuotaSettings, String> {
        let mut settings = if no_quotas {
            QuotaSettings::unlimited()
        } else {
            QuotaSettings::for_region(region)
        };
        for (index, (name, limit)) in overrides.iter().enumerate() {
            if overrides[..index]
                .iter()
                .any(|(earlier, _)| earlier == name)
            {
                return Err(format!("--quota {} is given twice", name.flag_name()));
            }
            settings.set(*name, *limit);
        }
        Ok(settings)
    }

    /// What `--help` says about the defaults.
    pub fn defaults_help() -> String {
        format!(
            "create-rate={}, update-rate={} (per second), active-calls={}, filter-log-events-rate={} in us-east-1 and {} elsewhere",
            fresh_account::CREATE_CALL_RATE,
            fresh_account::UPDATE_CALL_RATE,
            fresh_account::ACTIVE_CALLS,
            fresh_account::filter_log_events_rate("us-east-1"),
            fresh_account::filter_log_events_rate("eu-west-1"),
        )
    }
}

/// `create-rate 1/s, update-rate 5/s, active-calls 10, filter-log-events-rate 25/s`.
impl fmt::Display for QuotaSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown: Vec<String> = QuotaName::ALL
            .into_iter()
            .map(|name| {
                let value = match (self.get(name), name.is_rate()) {
                    (Limit::Unlimited, _) => "unlimited".to_string(),
                    (Limit::AtMost(n), true) => format!("{n}/s"),
                    (Limit::AtMost(n), false) => n.to_string(),
                };
                format!("{} {value}", name.flag_name())
            })
            .collect();
        f.write_str(&shown.join(", "))
    }
}

/// The quotas of a running sandbox.
#[derive(Debug)]
pub(crate) struct Quotas {
    pub(crate) create: RateWindow,
    pub(crate) update: RateWindow,
    pub(crate) filter_log_events: RateWindow,
    pub(crate) active_calls: Arc<ActiveCalls>,
}

impl Quotas {
    pub(crate) fn new(settings: &QuotaSettings) -> Quotas {
        Quotas {
            create: RateWindow::new(settings.create_rate),
            update: RateWindow::new(settings.update_rate),
            filter_log_events: RateWindow::new(settings.filter_log_events_rate),
            active_calls: Arc::new(ActiveCalls::new(settings.active_calls)),
        }
    }

    /// AWS's message for a refused rate, "Rate exceeded", and which quota.
    pub(crate) fn rate_exceeded(operation: &str, limit: Limit) -> String {
        match limit {
            Limit::AtMost(n) => {
                format!("Rate exceeded: this account's {operation} quota is {n} per second")
            }
            Limit::Unlimited => "Rate exceeded".to_string(),
        }
    }
}

const WINDOW: Duration = Duration::from_secs(1);
/// How long accepted arrivals are remembered: a request checked up to this long (less a
/// window) after a later one was is still judged exactly; one checked later still (a body
/// trickling in for seconds) is refused, which never breaks the quota.
const REMEMBERED: Duration = Duration::from_secs(10);

/// A rate quota: the arrival times of the requests it accepted, in order.
#[derive(Debug)]
pub(crate) struct RateWindow {
    limit: Option<u32>,
    state: Mutex<WindowState>,
}

#[derive(Debug, Default)]
struct WindowState {
    /// Accepted arrivals, oldest first.
    accepted: VecDeque<Instant>,
    /// The latest arrival seen.
    latest: Option<Instant>,
}

impl RateWindow {
    pub(crate) fn new(limit: Limit) -> RateWindow {
        RateWindow {
            limit: match limit {
                Limit::AtMost(n) => Some(n),
                Limit::Unlimited => None,
            },
            state: Mutex::new(WindowState::default()),
        }
    }

    pub(crate) fn limit(&self) -> Limit {
        self.limit.map_or(Limit::Unlimited, Limit::AtMost)
    }

    /// Accepts a request that arrived at `arrival` if no one-second window would then hold more
    /// than the limit's accepted requests; a refused request is not counted.
    pub(crate) fn admit(&self, arrival: Instant) -> bool {
        match self.limit {
            None => true,
            Some(0) => false,
            Some(limit) => self
                .state
                .lock()
                .expect("rate window")
                .admit(arrival, limit as usize),
        }
    }
}

impl WindowState {
    fn admit(&mut self, t: Instant, limit: usize) -> bool {
        let latest = self.latest.map_or(t, |latest| latest.max(t));
        self.latest = Some(latest);
        while self
            .accepted
            .front()
            .is_some_and(|p| latest.duration_since(*p) > REMEMBERED)
        {
            self.accepted.pop_front();
        }
        if latest.duration_since(t) + WINDOW > REMEMBERED {
            return false;
        }
        let fits = if self.accepted.back().is_none_or(|last| *last <= t) {
            // In arrival order: every window holding t holds at most what arrived less than a
            // second before it.
            let recent = self.accepted.len() - self.count_before(|p| p + WINDOW <= t);
            recent < limit
        } else {
            // Checked after a later arrival: every window [s, s + 1 s) that holds t starts at t
            // or at an accepted arrival less than a second before it.
            let first = self.count_before(|p| p + WINDOW <= t);
            let past_t = self.count_before(|p| p <= t);
            let busiest = self
                .accepted
                .range(first..past_t)
                .copied()
                .chain(std::iter::once(t))
                .map(|start| {
                    self.count_before(|p| p < start + WINDOW) - self.count_before(|p| p < start)
                })
                .max()
                .unwrap_or(0);
            busiest < limit
        };
        if fits {
            let at = self.count_before(|p| p <= t);
            self.accepted.insert(at, t);
        }
        fits
    }

    /// How many accepted arrivals, from the oldest, satisfy `before` (a prefix, since they are
    /// in order).
    fn count_before(&self, before: impl Fn(Instant) -> bool) -> usize {
        self.accepted.partition_point(|p| before(*p))
    }
}

/// The active-calls quota: the calls that count, by TransactionId.
#[derive(Debug)]
pub(crate) struct ActiveCalls {
    limit: Option<u32>,
    live: Mutex<HashSet<String>>,
}

impl ActiveCalls {
    fn new(limit: Limit) -> ActiveCalls {
        ActiveCalls {
            limit: match limit {
                Limit::AtMost(n) => Some(n),
                Limit::Unlimited => None,
            },
            live: Mutex::new(HashSet::new()),
        }
    }

    pub(crate) fn limit(&self) -> Option<u32> {
        self.limit
    }

    /// Counts a new call, if there is room for it.
    pub(crate) fn admit(&self, transaction_id: &str) -> bool {
        let Some(limit) = self.limit else {
            return true;
        };
        let mut live = self.live.lock().expect("active calls");
        if live.len() >= limit as usize {
            return false;
        }
        live.insert(transaction_id.to_string());
        true
    }

    /// The call has ended: it no longer counts. Releasing twice is harmless.
    pub(crate) fn release(&self, transaction_id: &str) {
        if self.limit.is_some() {
            self.live
                .lock()
                .expect("active calls")
                .remove(transaction_id);
        }
    }

    /// Releases the call once its task has stopped reading `inbox`, which it does after the
    /// final HANGUP has been delivered; without a task, at once.
    pub(crate) fn release_when_closed<T: Send + 'static>(
        self: &Arc<Self>,
        transaction_id: &str,
        inbox: Option<tokio::sync::mpsc::Sender<T>>,
    ) {
        if self.limit.is_none() {
            return;
        }
        let Some(inbox) = inbox else {
            self.release(transaction_id);
            return;
        };
        let active = Arc::clone(self);
        let transaction_id = transaction_id.to_string();
        tokio::spawn(async move {
            inbox.closed().await;
            active.release(&transaction_id);
        });
    }

    #[cfg(test)]
    fn count(&self) -> usize {
        self.live.lock().unwrap().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parsing() {
        assert_eq!(
            QuotaSettings::parse("create-rate=5").unwrap(),
            (QuotaName::CreateRate, Limit::AtMost(5))
        );
        assert_eq!(
            QuotaSettings::parse("active-calls=unlimited").unwrap(),
            (QuotaName::ActiveCalls, Limit::Unlimited)
        );
        assert_eq!(
            QuotaSettings::parse("filter-log-events-rate=0").unwrap(),
            (QuotaName::FilterLogEventsRate, Limit::AtMost(0))
        );
        for bad in [
            "create-rate",
            "create-rate=",
            "create-rate=1.5",
            "create-rate=-1",
            "create-rate=+1",
            "create-rate=lots",
            "create-rate=99999999999",
            "calls=3",
        ] {
            assert!(QuotaSettings::parse(bad).is_err(), "{bad}");
        }
        assert!(QuotaSettings::parse("create-rate=0.5")
            .unwrap_err()
            .contains("whole number of requests per second"));
    }

    #[test]
    fn flags_start_from_the_regions_defaults() {
        let us = QuotaSettings::from_flags("us-east-1", false, &[]).unwrap();
        assert_eq!(
            us.to_string(),
            "create-rate 1/s, update-rate 5/s, active-calls 10, filter-log-events-rate 25/s"
        );
        let eu = QuotaSettings::from_flags("eu-west-1", false, &[]).unwrap();
        assert_eq!(eu.filter_log_events_rate, Limit::AtMost(10));
        let lifted = QuotaSettings::from_flags(
            "us-east-1",
            true,
            &[(QuotaName::ActiveCalls, Limit::AtMost(3))],
        )
        .unwrap();
        assert_eq!(
            lifted.to_string(),
            "create-rate unlimited, update-rate unlimited, active-calls 3, filter-log-events-rate unlimited"
        );
        let twice = [
            (QuotaName::CreateRate, Limit::AtMost(3)),
            (QuotaName::CreateRate, Limit::AtMost(4)),
        ];
        assert_eq!(
            QuotaSettings::from_flags("us-east-1", false, &twice).unwrap_err(),
            "--quota create-rate is given twice"
        );
    }

    fn at(base: Instant, ms: u64) -> Instant {
        base + Duration::from_millis(ms)
    }

    #[test]
    fn one_per_second() {
        let window = RateWindow::new(Limit::AtMost(1));
        let base = Instant::now();
        let accepted: Vec<u64> = (0..50)
            .map(|i| i * 100)
            .filter(|ms| window.admit(at(base, *ms)))
            .collect();
        assert_eq!(accepted, [0, 1000, 2000, 3000, 4000]);
        assert!(!RateWindow::new(Limit::AtMost(0)).admit(base));
        assert!((0..1000).all(|_| RateWindow::new(Limit::Unlimited).admit(base)));
    }

    #[test]
    fn a_late_check_of_an_earlier_arrival_is_judged_by_its_arrival() {
        let window = RateWindow::new(Limit::AtMost(2));
        let base = Instant::now();
        assert!(window.admit(at(base, 1000)));
        assert!(window.admit(at(base, 1500)));
        // Arrived before both, checked after them: [400, 1400) would hold it and 1000: fits.
        assert!(window.admit(at(base, 400)));
        // [900, 1900) would hold 1000, 1500 and this one.
        assert!(!window.admit(at(base, 900)));
        // Checked much later than it arrived: refused rather than judged without the facts.
        assert!(window.admit(at(base, 20_000)));
        assert!(!window.admit(at(base, 10_500)));
    }

    proptest! {
        /// Whatever order arrivals are checked in, no one-second window ever holds more than
        /// the limit's accepted requests; and in arrival order, a refused request could not have
        /// been accepted.
        #[test]
        fn no_window_ever_holds_more_than_the_limit(
            limit in 1u32..6,
            gaps in proptest::collection::vec(0u64..400, 1..120),
            delays in proptest::collection::vec(0u64..300, 120),
        ) {
            let base = Instant::now();
            let mut arrivals = Vec::new();
            let mut t = 0;
            for gap in &gaps {
                t += gap;
                arrivals.push(t);
            }
            // Checked in the order their checks happen: arrival plus a processing delay.
            let mut checks: Vec<(u64, u64)> =
                arrivals.iter().zip(&delays).map(|(a, d)| (a + d, *a)).collect();
            checks.sort();
            let window = RateWindow::new(Limit::AtMost(limit));
            let accepted: Vec<u64> = checks
                .iter()
                .filter(|(_, arrival)| window.admit(at(base, *arrival)))
                .map(|(_, arrival)| *arrival)
                .collect();
            for start in &accepted {
                let held = accepted.iter().filter(|a| **a >= *start && **a < start + 1000).count();
                prop_assert!(held <= limit as usize, "{held} accepted in [{start}, {start}+1s)");
            }

            let in_order = RateWindow::new(Limit::AtMost(limit));
            let mut taken: Vec<u64> = Vec::new();
            for arrival in &arrivals {
                if in_order.admit(at(base, *arrival)) {
                    taken.push(*arrival);
                } else {
                    let recent = taken.iter().filter(|a| *arrival < **a + 1000).count();
                    prop_assert!(recent >= limit as usize, "refused {arrival} with only {recent} in the last second");
                }
            }
        }
    }

    #[test]
    fn active_calls_are_counted_until_released() {
        let active = ActiveCalls::new(Limit::AtMost(2));
        assert!(active.admit("a"));
        assert!(active.admit("b"));
        assert!(!active.admit("c"), "a third call is over the quota");
        active.release("a");
        active.release("a");
        assert!(active.admit("c"));
        assert_eq!(active.count(), 2);
        let unlimited = ActiveCalls::new(Limit::Unlimited);
        assert!((0..100).all(|i| unlimited.admit(&i.to_string())));
        assert!(!ActiveCalls::new(Limit::AtMost(0)).admit("a"));
    }

    #[tokio::test]
    async fn a_call_is_released_when_its_task_stops_reading() {
        let active = Arc::new(ActiveCalls::new(Limit::AtMost(1)));
        assert!(active.admit("a"));
        let (sender, inbox) = tokio::sync::mpsc::channel::<()>(1);
        active.release_when_closed("a", Some(sender));
        tokio::task::yield_now().await;
        assert!(!active.admit("b"), "still live");
        drop(inbox);
        for _ in 0..100 {
            if active.count() == 0 {
                break;
            }
            tokio::task::yield_now().await;
        }
        assert!(active.admit("b"), "released once the call's task is gone");
    }
}
