//! Waiting for the user to stop us: Ctrl-C (SIGINT) or SIGTERM.
//!
//! A command that must finish what it started (a dial whose request is in flight, a bulk run)
//! starts a `StopWatch` first: from then on a signal no longer kills the process, it is recorded,
//! and the command decides when to stop. A command started with
//! [`StopWatch::start_second_exits`] leaves the second signal to the process: it exits at once
//! (130), whatever is in flight; a bulk run, started with [`StopWatch::start`], decides what its
//! second signal means.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

/// Signals caught from the moment it is started.
#[derive(Clone)]
pub(crate) struct StopWatch {
    /// How many signals have come.
    signals: Arc<AtomicUsize>,
    notify: Arc<Notify>,
}

impl StopWatch {
    /// Installs the handlers now (the first signal after this returns is caught); every signal
    /// is the caller's to act on.
    pub(crate) fn start() -> StopWatch {
        StopWatch::install(false)
    }

    /// Installs the handlers now: the first signal is the caller's to act on, a second exits
    /// the process at once with 130 (`Exit::Interrupted`).
    pub(crate) fn start_second_exits() -> StopWatch {
        StopWatch::install(true)
    }

    fn install(second_exits: bool) -> StopWatch {
        let watch = StopWatch {
            signals: Arc::new(AtomicUsize::new(0)),
            notify: Arc::new(Notify::new()),
        };
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let interrupt = signal(SignalKind::interrupt());
            let terminate = signal(SignalKind::terminate());
            let flag = watch.clone();
            if let (Ok(mut interrupt), Ok(mut terminate)) = (interrupt, terminate) {
                tokio::spawn(async move {
                    loop {
                        tokio::select! {
                            _ = interrupt.recv() => {}
                            _ = terminate.recv() => {}
                        }
                        flag.stop();
                        if second_exits && flag.signals() >= 2 {
                            exit_now();
                        }
                    }
                });
            }
        }
        #[cfg(not(unix))]
        {
            let flag = watch.clone();
            tokio::spawn(async move {
                while tokio::signal::ctrl_c().await.is_ok() {
                    flag.stop();
                    if second_exits && flag.signals() >= 2 {
                        exit_now();
                    }
                }
            });
        }
        watch
    }

    fn stop(&self) {
        self.signals.fetch_add(1, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub(crate) fn is_stopped(&self) -> bool {
        self.signals() > 0
    }

    /// How many signals have come.
    pub(crate) fn signals(&self) -> usize {
        self.signals.load(Ordering::SeqCst)
    }

    /// Resolves once a signal has come (at once if one already has).
    pub(crate) async fn stopped(&self) {
        self.signalled(1).await
    }

    /// Resolves once `count` signals have come: a second Ctrl-C means "now".
    pub(crate) async fn signalled(&self, count: usize) {
        loop {
            let notified = self.notify.notified();
            tokio::pin!(notified);
            // Registered before the check, so a signal in between is not missed.
            notified.as_mut().enable();
            if self.signals() >= count {
                return;
            }
            notified.await;
        }
    }
}

/// The second signal: stop now, leaving whatever is in flight (stdout is line-buffered, so every
/// result already printed is out).
fn exit_now() -> ! {
    crate::output::print_error("interrupted again: stopping now");
    std::process::exit(crate::exit::Exit::Interrupted.code())
}

/// Runs a command with nothing to finish (its requests change nothing at the service) until it
/// ends or the first signal comes: then it stops at once, its requests in flight abandoned, and
/// the command exits 130.
pub(crate) async fn or_interrupted(
    command: impl std::future::Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<()> {
    let stop = StopWatch::start_second_exits();
    tokio::select! {
        biased;
        _ = stop.stopped() => {
            Err(crate::exit::Failure::new(crate::exit::Exit::Interrupted, "interrupted").into())
        }
        result = command => result,
    }
}
