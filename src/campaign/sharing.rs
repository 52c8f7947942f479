//! A run on a team journal among other runners: its lease on the batch (held while it runs, so
//! a run of the same batch started elsewhere joins it rather than being refused as a re-run),
//! and whether this run joins others already running the batch.

use std::time::Duration;

use tokio::task::JoinHandle;

use crate::exit::Failure;
use crate::journal::Journal;
use crate::output::Output;

/// A lease lasts this long unless renewed: a runner killed outright stops holding its batch
/// this long after its last renewal.
const LEASE_MS: i64 = 30_000;
/// Renewed this often, well inside the lease.
const RENEW_EVERY: Duration = Duration::from_secs(10);

/// This run's lease on its batch, renewed in the background until [`Lease::leave`].
pub(crate) struct Lease {
    renewing: JoinHandle<()>,
    journal: Journal,
    batch: String,
}

/// On a team journal: takes the run's lease on `batch`, and says whether the run joins other
/// runners holding one (named in a note). `--retry-unknown` is refused then: a dial of unknown
/// outcome may be another runner's, in flight.
pub(crate) async fn take_part(
    journal: &Journal,
    batch: &str,
    retry_unknown: bool,
    output: &Output,
) -> Result<(Option<Lease>, bool), Failure> {
    let Some((lease, others)) = enter(journal, batch, output).await? else {
        return Ok((None, false));
    };
    if others.is_empty() {
        return Ok((Some(lease), false));
    }
    if retry_unknown {
        lease.leave().await;
        return Err(Failure::usage(
            "--retry-unknown: other runners are running this batch, and a dial of unknown \
             outcome may be theirs, in flight; nothing was dialed. Run it once they are done",
        ));
    }
    output.note(format!(
        "joining {} running this batch ({}): each row goes to the runner that claims it first",
        crate::text::count(others.len(), "other runner", "other runners"),
        others.join(", ")
    ));
    Ok((Some(lease), true))
}

/// Gives the run's lease up, if it has one.
pub(crate) async fn leave(lease: Option<Lease>) {
    if let Some(lease) = lease {
        lease.leave().await;
    }
}

/// Takes the run's lease on `batch` when the journal is shared; the other runners holding one.
async fn enter(
    journal: &Journal,
    batch: &str,
    output: &Output,
) -> Result<Option<(Lease, Vec<String>)>, Failure> {
    let Some(team) = journal.coordination() else {
        return Ok(None);
    };
    let others = team.enter(batch, LEASE_MS).await?;
    let renewing = {
        let journal = journal.clone();
        let batch = batch.to_string();
        let output = *output;
        tokio::spawn(async move {
            let mut warned = false;
            loop {
                tokio::time::sleep(RENEW_EVERY).await;
                let Some(team) = journal.coordination() else {
                    return;
                };
                if let Err(failure) = team.enter(&batch, LEASE_MS).await {
                    if !warned {
                        warned = true;
                        output.note(format!(
                            "warning: the run's lease on its batch cannot be renewed ({failure}): \
                             a run of this batch started elsewhere may be refused as a re-run"
                        ));
                    }
                }
            }
        })
    };
    let lease = Lease {
        renewing,
        journal: journal.clone(),
        batch: batch.to_string(),
    };
    Ok(Some((lease, others)))
}

impl Lease {
    /// Gives the lease up: the run is over.
    pub(crate) async fn leave(self) {
        self.renewing.abort();
        if let Some(team) = self.journal.coordination() {
            // A lease left behind lapses by itself.
            let _ = team.leave(&self.batch).await;
        }
    }
}
