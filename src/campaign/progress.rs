//! Progress on stderr while a run goes on: a bar (with an ETA for a file) for a person at a
//! terminal, a plain line every few seconds for a log.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::report::Tally;
use crate::output::Output;

/// Plain progress lines (stderr not a terminal) come this often.
const PLAIN_PROGRESS_EVERY: Duration = Duration::from_secs(5);

/// Progress on stderr: a bar for a person, a plain line every few seconds otherwise.
pub(crate) struct Progress {
    bar: Option<indicatif::ProgressBar>,
    plain: bool,
    last_plain: Instant,
    /// How far into the file the reader is, against its size: the bar and its ETA.
    bytes_read: Arc<AtomicU64>,
    /// (when, rows done) over the last few seconds: the current rate.
    recent: std::collections::VecDeque<(Instant, u64)>,
}

/// The current rate is measured over this much of the recent past.
const RATE_WINDOW: Duration = Duration::from_secs(5);

impl Progress {
    pub(crate) fn new(
        output: &Output,
        file_size: Option<u64>,
        bytes_read: Arc<AtomicU64>,
    ) -> Progress {
        use std::io::IsTerminal;
        let mut progress = Progress {
            bar: None,
            plain: false,
            last_plain: Instant::now(),
            bytes_read,
            recent: std::collections::VecDeque::new(),
        };
        if output.quiet {
            return progress;
        }
        if !std::io::stderr().is_terminal() {
            progress.plain = true;
            return progress;
        }
        let bar = match file_size {
            Some(size) => {
                let bar = indicatif::ProgressBar::new(size);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{bar:30} {percent:>3}% {msg} · ETA {eta}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                bar
            }
            // stdin: no size, so no bar and no ETA.
            None => {
                let bar = indicatif::ProgressBar::new_spinner();
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
                );
                bar
            }
        };
        bar.enable_steady_tick(Duration::from_millis(100));
        progress.bar = Some(bar);
        progress
    }

    pub(crate) fn update(&mut self, tally: &Tally, _started: Instant) {
        let now = Instant::now();
        let done = tally.done();
        self.recent.push_back((now, done));
        while self
            .recent
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) > RATE_WINDOW)
        {
            self.recent.pop_front();
        }
        let rate = match self.recent.front() {
            Some((then, done_then)) if now > *then => {
                (done - done_then) as f64 / now.duration_since(*then).as_secs_f64()
            }
            _ => 0.0,
        };
        let message = format!("{tally} · {rate:.1} calls/s");
        if let Some(bar) = &self.bar {
            bar.set_position(self.bytes_read.load(Ordering::Relaxed));
            bar.set_message(crate::output::for_stderr(&message));
        } else if self.plain && self.last_plain.elapsed() >= PLAIN_PROGRESS_EVERY {
            crate::output::to_stderr(&crate::output::for_stderr(&format!("progress: {message}")));
            self.last_plain = Instant::now();
        }
    }

    pub(crate) fn println(&self, message: String) {
        let message = crate::output::for_stderr(&message);
        match &self.bar {
            Some(bar) => bar.println(message),
            None if self.plain => crate::output::to_stderr(&message),
            None => {}
        }
    }

    pub(crate) fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) => bar.suspend(f),
            None => f(),
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
