//! The one consumer of a run's lines: it prints each (stdout) and keeps the progress display
//! (stderr) up to date with the run's tally, which the run core keeps. A closed stdout (`| head`)
//! is noticed, not fatal: the run stops starting calls.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::progress::Progress;
use super::report::{Line, RowOutcome, Tally};
use crate::exit::{Exit, Failure};
use crate::output::Output;
use crate::text::cell;

pub(crate) struct Printer {
    lines: mpsc::Sender<(Line, Tally)>,
    task: JoinHandle<std::io::Result<()>>,
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
        let (lines, mut incoming) = mpsc::channel::<(Line, Tally)>(capacity.max(1));
        let stdout_closed = Arc::new(AtomicBool::new(false));
        let closed = Arc::clone(&stdout_closed);
        let output = *output;
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let mut progress = Progress::new(&output, file_size, bytes_read);
            while let Some((line, tally)) = incoming.recv().await {
                if let Line::Placement(report) = &line {
                    if report.outcome != RowOutcome::Placed {
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
                }
                if !closed.load(Ordering::SeqCst) {
                    let printed = progress.suspend(|| match &line {
                        Line::Placement(report) => output.result(report),
                        Line::End(end) => output.result(end),
                        Line::FirstSuccess(first) => output.result(first),
                    });
                    if let Err(error) = printed {
                        if error.kind() != std::io::ErrorKind::BrokenPipe {
                            return Err(error);
                        }
                        closed.store(true, Ordering::SeqCst);
                    }
                }
                progress.update(&tally, started);
            }
            progress.finish();
            Ok(())
        });
        Printer {
            lines,
            task,
            stdout_closed,
        }
    }

    /// Prints `line`; `tally` is the run's count with it.
    pub(crate) async fn print(&self, line: Line, tally: Tally) {
        let _ = self.lines.send((line, tally)).await;
    }

    pub(crate) fn stdout_closed(&self) -> bool {
        self.stdout_closed.load(Ordering::SeqCst)
    }

    /// Waits until every line sent has been printed.
    pub(crate) async fn finish(self) -> Result<(), anyhow::Error> {
        drop(self.lines);
        self.task
            .await
            .map_err(|e| Failure::new(Exit::Failure, format!("the printer stopped: {e}")))??;
        Ok(())
    }
}
