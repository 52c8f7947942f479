//! Injected faults, so chimecall's retry policy can be proved against the failures that matter:
//! a service that fails before acting (nothing placed), after acting (a call placed, then an
//! error, a dropped connection, or an answer too late to wait for), and a handler that times out
//! or errs. Each fault has a probability; `--fault-seed` makes runs repeatable. (Throttling is
//! not a fault: it is the account's quotas, in `quotas`.)

use std::sync::Mutex;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// How long a `slow-after` answer is held: past any sane client timeout.
pub(crate) const SLOW_ANSWER_DELAY: Duration = Duration::from_secs(600);

/// A fault in CreateSipMediaApplicationCall or UpdateSipMediaApplicationCall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiFault {
    /// 500 ServiceFailureException; nothing was done.
    ErrorBefore,
    /// 503 ServiceUnavailableException; nothing was done.
    UnavailableBefore,
    /// Done (the call placed), then 500.
    ErrorAfter,
    /// Done, then the connection is closed with no answer.
    DropAfter,
    /// Done, then the answer is held for `SLOW_ANSWER_DELAY`.
    SlowAfter,
}

/// A fault in invoking the handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlerFault {
    /// The function does not answer within the SMA's wait.
    Timeout,
    /// The function fails (X-Amz-Function-Error).
    Error,
}

/// What `--fault`, `--handler-fault` and `--fault-seed` asked for.
#[derive(Debug, Clone, Default)]
pub struct FaultSettings {
    pub api: Vec<(ApiFault, f64)>,
    pub handler: Vec<(HandlerFault, f64)>,
    pub seed: Option<u64>,
}

impl FaultSettings {
    /// `NAME=P` for --fault.
    pub fn parse_api(text: &str) -> Result<(ApiFault, f64), String> {
        let (name, probability) = split(text)?;
        let fault = match name {
            "error-before" => ApiFault::ErrorBefore,
            "unavailable-before" => ApiFault::UnavailableBefore,
            "error-after" => ApiFault::ErrorAfter,
            "drop-after" => ApiFault::DropAfter,
            "slow-after" => ApiFault::SlowAfter,
            _ => {
                return Err(format!(
                    "unknown fault {name:?}: error-before, unavailable-before, error-after, drop-after or slow-after"
                ))
            }
        };
        Ok((fault, probability))
    }

    /// `NAME=P` for --handler-fault.
    pub fn parse_handler(text: &str) -> Result<(HandlerFault, f64), String> {
        let (name, probability) = split(text)?;
        let fault = match name {
            "timeout" => HandlerFault::Timeout,
            "error" => HandlerFault::Error,
            _ => return Err(format!("unknown handler fault {name:?}: timeout or error")),
        };
        Ok((fault, probability))
    }
}

fn split(text: &str) -> Result<(&str, f64), String> {
    let (name, probability) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?}: expected NAME=PROBABILITY, e.g. drop-after=0.3"))?;
    let probability: f64 = probability
        .parse()
        .ok()
        .filter(|p: &f64| (0.0..=1.0).contains(p))
        .ok_or_else(|| format!("{text:?}: the probability must be a number from 0 to 1"))?;
    Ok((name, probability))
}

/// The sandbox's dice.
#[derive(Debug)]
pub(crate) struct Faults {
    settings: FaultSettings,
    rng: Mutex<StdRng>,
}

impl Faults {
    pub(crate) fn new(settings: FaultSettings) -> Faults {
        let rng = match settings.seed {
            Some(seed) => StdRng::seed_from_u64(seed),
            None => StdRng::from_os_rng(),
        };
        Faults {
            settings,
            rng: Mutex::new(rng),
        }
    }

    /// At most one API fault per request: each configured fault in turn gets its chance.
    pub(crate) fn draw_api(&self) -> Option<ApiFault> {
        let mut rng = self.rng.lock().expect("fault dice");
        self.settings
            .api
            .iter()
            .find(|(_, probability)| rng.random_bool(*probability))
            .map(|(fault, _)| *fault)
    }

    pub(crate) fn draw_handler(&self) -> Option<HandlerFault> {
        let mut rng = self.rng.lock().expect("fault dice");
        self.settings
            .handler
            .iter()
            .find(|(_, probability)| rng.random_bool(*probability))
            .map(|(fault, _)| *fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing() {
        assert_eq!(
            FaultSettings::parse_api("drop-after=0.3").unwrap(),
            (ApiFault::DropAfter, 0.3)
        );
        assert!(FaultSettings::parse_api("drop-after").is_err());
        assert!(FaultSettings::parse_api("drop-after=1.5").is_err());
        assert!(FaultSettings::parse_api("explode=0.1").is_err());
        assert_eq!(
            FaultSettings::parse_handler("timeout=1").unwrap(),
            (HandlerFault::Timeout, 1.0)
        );
    }

    #[test]
    fn seeded_dice_repeat() {
        let settings = FaultSettings {
            api: vec![(ApiFault::ErrorBefore, 0.5)],
            seed: Some(7),
            ..FaultSettings::default()
        };
        let first: Vec<_> = (0..50)
            .map(|_| Faults::new(settings.clone()))
            .map(|f| f.draw_api())
            .collect();
        let again: Vec<_> = (0..50)
            .map(|_| Faults::new(settings.clone()))
            .map(|f| f.draw_api())
            .collect();
        assert_eq!(first, again);
        let faults = Faults::new(settings);
        let hits = (0..1000).filter(|_| faults.draw_api().is_some()).count();
        assert!((400..600).contains(&hits), "{hits} of 1000 at p=0.5");
    }
}
