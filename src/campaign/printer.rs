//! The one consumer of a run's row reports: it prints each (stdout), counts it, and keeps the
//! progress display (stderr) up to date. A closed stdout (`| head`) is noticed, not fatal: the
//! run stops starting calls, and the count goes on for the exit code.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::progress::Progress;
use super::report::{RowReport, Tally};
use crate::exit::{Exit, Failure};
use crate::output::Output;
use crate::text::cell;

pub(crate) struct Printer {
    reports: mpsc::Sender<RowReport>,
    task: JoinHandle<std::io::Result<Tally>>,
    stdout_closed: Arc<AtomicBool>,
}

impl Printer {
    /// Starts printing. `file_size` and `bytes_read` drive the progress bar's position.
    pub(crate) fn start(
        output: &Output,
        capacity: usize,
        file_size: Option<u64>,
        bytes_read: Arc<AtomicU64>,
    ) -> Printer {
        let (reports, mut incoming) = mpsc::channel::<RowReport>(capacity.max(1));
        let stdout_closed = Arc::new(AtomicBool::new(false));
        let closed = Arc::clone(&stdout_closed);
        let output = *output;
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let mut tally = Tally::default();
            let mut progress = Progress::new(&output, file_size, bytes_read);
            while let Some(report) = incoming.recv().await {
                count(&mut tally, &report);
                if report.outcome != "placed" {
                    if let Some(error) = &report.error {
                        progress.println(format!(
                            "row {} ({}): {} {}",
                            cell(&report.row),
                            cell(report.to.as_deref().unwrap_or("")),
                            report.outcome,
                            error.message
                        ));
                    }
                }
                if !closed.load(Ordering::SeqCst) {
                    if let Err(error) = progress.suspend(|| output.result(&report)) {
                        if error.kind() != std::io::ErrorKind::BrokenPipe {
                            return Err(error);
                        }
                        closed.store(true, Ordering::SeqCst);
                    }
                }
                progress.update(&tally, started);
            }
            progress.finish();
            Ok(tally)
        });
        Printer {
            reports,
            task,
            stdout_closed,
        }
    }

    /// Where the run's tasks send their reports.
    pub(crate) fn sender(&self) -> mpsc::Sender<RowReport> {
        self.reports.clone()
    }

    pub(crate) fn stdout_closed(&self) -> bool {
        self.stdout_closed.load(Ordering::SeqCst)
    }

    /// Waits until every report sent has been printed; the tally of them all.
    pub(crate) async fn finish(self) -> Result<Tally, anyhow::Error> {
        drop(self.reports);
        let tally = self
            .task
            .await
            .map_err(|e| Failure::new(Exit::Failure, format!("the printer stopped: {e}")))??;
        Ok(tally)
    }
}

fn count(tally: &mut Tally, report: &RowReport) {
    match report.outcome {
        "placed" => tally.placed += 1,
        "failed" => tally.failed += 1,
        "unknown" => tally.unknown += 1,
        "skipped" => {}
        _ => tally.invalid += 1,
    }
}
