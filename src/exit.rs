//! The exit-code contract, decided in one place.
//!
//! Scripts branch on these numbers, so they never change meaning. `--help` is generated from
//! this table, and a test checks README.md against it.

use std::fmt;

/// Every way chimecall can end. The discriminant is the process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Exit {
    /// Everything asked for was done.
    Ok = 0,
    /// The service refused the request, or something unexpected failed.
    Failure = 1,
    /// Bad usage or invalid input; nothing was sent.
    Usage = 2,
    /// Configuration, credentials, or the endpoint could not be reached.
    Config = 3,
    /// Still throttled (429), or over a quota (ResourceLimitExceededException), after the retries
    /// the policy allows.
    Throttled = 4,
    /// The call ended without being answered (`--wait`).
    Unanswered = 5,
    /// `--wait` gave up before the call reached the state.
    WaitTimedOut = 6,
    /// The transaction does not exist or has already ended.
    NotFound = 7,
    /// A dial whose request may have reached the service: a call may have been placed.
    OutcomeUnknown = 8,
    /// Some journal records or input lines were bad: each was reported and skipped, and the rest
    /// was done (`hangup --all`, `hangup -`, `calls`, `report`, `resolve`). Any other failure's
    /// code wins over this one.
    Skipped = 9,
    /// Interrupted by SIGINT or SIGTERM.
    Interrupted = 130,
}

impl Exit {
    pub fn code(self) -> i32 {
        self as i32
    }

    /// One line for the README table and `--help`.
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Ok => "success",
            Exit::Failure => "service error or unexpected failure",
            Exit::Usage => "usage error or invalid input (nothing was sent)",
            Exit::Config => "configuration, credentials or endpoint unreachable",
            Exit::Throttled => "throttled or over a quota after retries",
            Exit::Unanswered => "call ended unanswered",
            Exit::WaitTimedOut => "wait timed out",
            Exit::NotFound => "transaction not found or already ended",
            Exit::OutcomeUnknown => "dial outcome unknown: a call may have been placed",
            Exit::Skipped => "bad journal records or input lines skipped; the rest was done",
            Exit::Interrupted => "interrupted",
        }
    }

    pub const ALL: [Exit; 11] = [
        Exit::Ok,
        Exit::Failure,
        Exit::Usage,
        Exit::Config,
        Exit::Throttled,
        Exit::Unanswered,
        Exit::WaitTimedOut,
        Exit::NotFound,
        Exit::OutcomeUnknown,
        Exit::Skipped,
        Exit::Interrupted,
    ];
}

impl From<Exit> for i32 {
    fn from(exit: Exit) -> i32 {
        exit.code()
    }
}

/// Exit codes, one per line (`  0  success`): the README table test reads these.
pub fn exit_code_table() -> String {
    Exit::ALL
        .iter()
        .map(|exit| format!("{:>3}  {}\n", exit.code(), exit.meaning()))
        .collect()
}

/// The exit codes as `--help` ends with them.
pub(crate) fn help_text() -> String {
    let rows: Vec<String> = Exit::ALL
        .iter()
        .map(|exit| format!("  {:<5}{}", exit.code(), exit.meaning()))
        .collect();
    format!("Exit codes:\n{}", rows.join("\n"))
}

/// An error that knows its exit code. Everything else that reaches `main` exits 1.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) exit: Exit,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(exit: Exit, message: impl Into<String>) -> Failure {
        Failure {
            exit,
            message: message.into(),
        }
    }

    pub(crate) fn usage(message: impl Into<String>) -> Failure {
        Failure::new(Exit::Usage, message)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// The exit code for any error that reaches the top: the one place that decides it.
pub(crate) fn exit_for(error: &anyhow::Error) -> Exit {
    for cause in error.chain() {
        if let Some(failure) = cause.downcast_ref::<Failure>() {
            return failure.exit;
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return Exit::Ok;
            }
        }
    }
    Exit::Failure
}

/// True when the error is a closed stdout (`chimecall ... | head -1`): not worth a message.
pub(crate) fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
