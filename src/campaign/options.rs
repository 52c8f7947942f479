//! A bulk run's options, resolved once from the command line: where its rows come from, how it
//! sends, and the policy its core decides by.

use std::path::PathBuf;
use std::time::Duration;

use super::plan::RedialRules;
use super::rows::RowDefaults;
use crate::call::Success;

/// Everything `dial --file` was asked to do.
pub(crate) struct RunOptions {
    /// A file, or `None` for stdin (`--file -`).
    pub(crate) file: Option<PathBuf>,
    /// What every row gets unless its cells say otherwise (and whether it needs room for the
    /// request id).
    pub(crate) defaults: RowDefaults,
    /// Calls started per second (0: no limit of chimecall's own).
    pub(crate) rate: f64,
    pub(crate) resume: bool,
    pub(crate) strict: bool,
    /// `--batch`: the run's name.
    pub(crate) batch: Option<String>,
    /// `--again`: a new batch, though the file was dialed before.
    pub(crate) again: bool,
    pub(crate) dry_run: bool,
    pub(crate) log_group: Option<String>,
    pub(crate) logs_rate: f64,
    /// The per-number guard every dial of the run is held to.
    pub(crate) guard: crate::guard::Guard,
    pub(crate) policy: RunPolicy,
}

impl RunOptions {
    /// Each dial carries its id in the ArgumentsMap (`chimecall-request-id`).
    pub(crate) fn request_id(&self) -> bool {
        self.defaults.room_for_request_id
    }
}

/// What the run core decides by.
#[derive(Debug, Clone)]
pub(crate) struct RunPolicy {
    /// Dials in flight at once (at least 1).
    pub(crate) concurrency: usize,
    /// At most this many calls live at once (0: no cap of chimecall's own).
    pub(crate) max_active: usize,
    /// `--wait ended`: follow every call to its end, at most this long each.
    pub(crate) wait: Option<Duration>,
    pub(crate) redials: RedialRules,
    pub(crate) success: Success,
    pub(crate) hangup_on_interrupt: bool,
    /// `--until first`: the first row to succeed ends the run.
    pub(crate) until_first: bool,
    /// `--escalate-after`: the next tier starts this long after the last one did, at the latest.
    pub(crate) escalate_after_ms: Option<i64>,
    /// `--repeat`: rounds after the first, and the pause before each (`--repeat-after`).
    pub(crate) repeats: u32,
    pub(crate) repeat_after_ms: i64,
    /// Every row is read before any is dialed: the file has tiers, or the run repeats.
    pub(crate) plans_ahead: bool,
    /// On a team journal, the run joined other runners of its batch (no `--resume`): a dial of
    /// unknown outcome is theirs, in flight or theirs to settle, not this run's unknown.
    pub(crate) joined_others: bool,
}

impl RunPolicy {
    /// The run follows its calls through the logs: it waits for them, or keeps under its cap.
    pub(crate) fn follows(&self) -> bool {
        self.wait.is_some() || self.max_active > 0
    }
}
